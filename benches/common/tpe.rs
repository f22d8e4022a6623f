//! A lever of issue 15, measured: Cedar's own type-aware partial evaluation (`tpe`).
//!
//! The idea: partially evaluate the access policies against what is known before the
//! request's context is (the principal, the action, the resource and the entities they
//! reach), keep the residual policies per (account, action, dataset, agreement), and
//! answer each request by re-authorising the residuals with its context. Two costs
//! decide whether that pays:
//!
//! * a **miss**: `PolicySet::tpe` with the context unknown, for a request whose residuals
//!   are not kept yet (it type-checks every policy against the schema on every call);
//! * a **hit**: `TpeResponse::reauthorize` of kept residuals with the request's context and
//!   entities.
//!
//! Both are timed on the Cedar floor's evaluations (`baselines::Prepared`: the same
//! requests, candidate agreements and entities), and a hit must reach the floor's
//! decision on every evaluation.

use cedar_policy::{
    Authorizer, Decision, PartialEntities, PartialEntityUid, PartialRequest, PolicySet, Schema,
    TpeResponse,
};

use super::baselines::Prepared;

/// What a partial evaluation is asked: the known parts of a floor evaluation.
pub struct Partial {
    request: PartialRequest,
    entities: PartialEntities,
}

impl Partial {
    /// The partial requests of the floor's evaluations: principal, action and resource
    /// known, the context not; the entities as the floor gives them.
    pub fn of(floor: &[Prepared], schema: &Schema) -> Vec<Partial> {
        floor
            .iter()
            .map(|p| {
                let known = |uid: Option<cedar_policy::EntityUid>| {
                    PartialEntityUid::from_concrete(uid.unwrap())
                };
                let request = PartialRequest::new(
                    known(p.request.principal().cloned()),
                    p.request.action().cloned().unwrap(),
                    known(p.request.resource().cloned()),
                    None,
                    schema,
                )
                .unwrap();
                let entities = PartialEntities::from_concrete(p.entities.clone(), schema).unwrap();
                Partial { request, entities }
            })
            .collect()
    }

    /// A miss: the partial evaluation itself.
    pub fn evaluate<'a>(&'a self, policies: &PolicySet, schema: &'a Schema) -> TpeResponse<'a> {
        policies.tpe(&self.request, &self.entities, schema).unwrap()
    }
}

/// Every evaluation of `floor` partially evaluated (the kept residuals), checked: a hit
/// reaches the floor's decision on each.
pub fn kept<'a>(
    partials: &'a [Partial],
    floor: &[Prepared],
    policies: &PolicySet,
    schema: &'a Schema,
    authorizer: &Authorizer,
) -> Vec<TpeResponse<'a>> {
    let kept: Vec<TpeResponse<'a>> = partials
        .iter()
        .map(|p| p.evaluate(policies, schema))
        .collect();
    for (residuals, p) in kept.iter().zip(floor) {
        let hit = hit(residuals, p);
        let expected = authorizer
            .is_authorized(&p.request, policies, &p.entities)
            .decision();
        assert_eq!(hit, expected, "a re-authorised residual decides as Cedar");
    }
    kept
}

/// A hit: the kept residuals re-authorised with the request's context and entities.
pub fn hit(residuals: &TpeResponse<'_>, p: &Prepared) -> Decision {
    residuals
        .reauthorize(&p.request, &p.entities)
        .unwrap()
        .decision()
}
