//! The requests the policies are asked, for every kind of question: principal, action,
//! resource and the context they read (`policies/model.cedarschema`), the one place each
//! is built. A [`PolicyRequest`] holds them as the plans read them ([`Val`]s borrowed
//! from the world and the question); [`PolicyRequest::to_cedar`] gives Cedar's own
//! request, for the policies Cedar's evaluator answers, traces and exports. The facts
//! they carry are found by the engine's questions.

use std::rc::Rc;

use cedar_policy::Request;

use crate::cedar::entities::resolve;
use crate::cedar::values::{Ent, EntType, SetRef, Val};
use crate::engine::AccessFacts;
use crate::model::{self, Model};
use crate::world::World;

/// A request put to a pack's policies: the principal, the action (its id in the model,
/// `query`), the resource and the context's attributes.
#[derive(Debug, Clone)]
pub(crate) struct PolicyRequest<'a> {
    pub(crate) principal: Ent<'a>,
    pub(crate) action: &'static str,
    pub(crate) resource: Ent<'a>,
    pub(crate) context: Vec<(&'static str, Val<'a>)>,
}

impl PolicyRequest<'_> {
    /// Cedar's request: the same principal, action, resource and context, as
    /// `Request::new(…, None)` builds it; `Err` when a value cannot be given to Cedar.
    pub(crate) fn to_cedar(&self, model: &Model) -> Result<Request, String> {
        let context = self
            .context
            .iter()
            .map(|(k, v)| Ok((*k, v.to_cedar(model)?)))
            .collect::<Result<Vec<_>, String>>()?;
        let context = model::context_of(context)
            .ok_or_else(|| "the context cannot be given to Cedar".to_owned())?;
        Ok(model::request_of(
            &self.principal.uid(model),
            &model.action_uid(self.action),
            &self.resource.uid(model),
            context,
        ))
    }
}

/// The entity `id` of type `ty` as a request reaches it; `None` when the world lacks it.
pub(crate) fn entity<'a>(world: &'a World, ty: EntType, id: &'a str) -> Option<Ent<'a>> {
    let e = resolve(world, ty, id);
    (!matches!(e.rec, crate::cedar::values::Rec::Missing)).then_some(e)
}

/// The request of an access request under one candidate agreement: principal, action,
/// resource and the context (`AccessContext` in `policies/model.cedarschema`).
pub(crate) fn access<'a>(
    facts: &AccessFacts<'a>,
    agreement: Option<&'a crate::agreement::SharingAgreement>,
) -> PolicyRequest<'a> {
    let request = facts.request;
    let agreement = agreement.map(|g| {
        (
            "agreement",
            Val::Entity(Ent {
                ty: EntType::Agreement,
                id: g.id.as_str(),
                rec: crate::cedar::values::Rec::Agreement(g),
            }),
        )
    });
    let evaluated = facts
        .evaluation
        .as_ref()
        .map(|(_, until)| ("evaluatedUntil", Val::DateTime(*until)));
    let mut context = Vec::with_capacity(7);
    context.extend([
        ("now", Val::DateTime(facts.now)),
        ("channel", Val::Str(request.channel.as_str())),
        ("purpose", Val::Str(request.purpose.as_str())),
        ("authenticated", Val::Bool(request.authenticated)),
        ("subjectRequested", Val::Bool(request.subject_requested)),
    ]);
    context.extend(agreement);
    context.extend(evaluated);
    PolicyRequest {
        principal: Ent {
            ty: EntType::Account,
            id: facts.account.id.as_str(),
            rec: crate::cedar::values::Rec::Account(facts.account),
        },
        action: request.action.as_str(),
        // The world holds every dataset's database (its checks refuse a dangling one), so
        // Cedar's store holds the dataset.
        resource: Ent {
            ty: EntType::Dataset,
            id: facts.dataset.id.as_str(),
            rec: crate::cedar::values::Rec::Dataset(facts.dataset),
        },
        context,
    }
}

/// What a lifecycle act gives its rules (`LifecycleContext`): the principal (the acting
/// agency), the resource (the agreement or the database), the act's instants — `now` and
/// those computed with the engine's calendar, as Cedar's milliseconds — and its facts.
pub(crate) struct ActFacts<'a> {
    pub(crate) action: &'static str,
    pub(crate) principal: Ent<'a>,
    pub(crate) resource: Ent<'a>,
    pub(crate) grounds: &'static str,
    pub(crate) requirements_met: bool,
    pub(crate) restoration_announced: bool,
    pub(crate) violation: Option<Ent<'a>>,
    /// `now` first, then the other instants, by attribute name.
    pub(crate) instants: Vec<(&'static str, i64)>,
}

/// The request of a lifecycle act (`LifecycleContext`).
pub(crate) fn lifecycle(facts: ActFacts<'_>) -> PolicyRequest<'_> {
    let mut context = Vec::with_capacity(4 + facts.instants.len());
    context.extend([
        ("grounds", Val::Str(facts.grounds)),
        ("requirementsMet", Val::Bool(facts.requirements_met)),
        (
            "restorationAnnounced",
            Val::Bool(facts.restoration_announced),
        ),
    ]);
    context.extend(
        facts
            .instants
            .into_iter()
            .map(|(k, ms)| (k, Val::DateTime(ms))),
    );
    context.extend(facts.violation.map(|v| ("violation", Val::Entity(v))));
    PolicyRequest {
        principal: facts.principal,
        action: facts.action,
        resource: facts.resource,
        context,
    }
}

/// The facts of a catalog addition's dossier, in the order of `CatalogAddContext`: each is
/// a boolean the rules read.
pub(crate) const ADDITION_FACTS: [&str; 11] = [
    "hasName",
    "hasManagingUnit",
    "hasObjective",
    "hasDataScope",
    "hasMasterDataInfo",
    "hasUsersAndPurposes",
    "hasSources",
    "hasSharingMethods",
    "showsLegalValue",
    "holdsReferenceMasterData",
    "servesAdministrativeProcedures",
];

/// The facts of a catalog withdrawal's dossier, in the order of `CatalogWithdrawContext`.
pub(crate) const WITHDRAWAL_FACTS: [&str; 3] = [
    "hasReplacement",
    "masterDataKeepsReference",
    "replacementServesProcedures",
];

/// The request of a catalog proposal: `now` (Cedar's milliseconds) and one boolean per
/// fact (`facts` names them, [`ADDITION_FACTS`] or [`WITHDRAWAL_FACTS`]). Its attributes
/// are those the schema declares, by construction (a unit test validates both actions'
/// contexts against the schema).
pub(crate) fn catalog<'a>(
    principal: Ent<'a>,
    action: &'static str,
    resource: Ent<'a>,
    now: i64,
    facts: impl IntoIterator<Item = (&'static str, bool)>,
) -> PolicyRequest<'a> {
    let context = std::iter::once(("now", Val::DateTime(now)))
        .chain(facts.into_iter().map(|(k, v)| (k, Val::Bool(v))))
        .collect();
    PolicyRequest {
        principal,
        action,
        resource,
        context,
    }
}

/// What a notice check gives its rules (`NoticeCheckContext`): the instants as Cedar's
/// milliseconds, and the facts of the record.
pub(crate) struct NoticeFacts {
    pub(crate) now: i64,
    pub(crate) due: Option<i64>,
    pub(crate) violation_determined: bool,
    pub(crate) sent_at: Option<i64>,
    pub(crate) sent_to_consumer: bool,
    pub(crate) states_violation: bool,
    pub(crate) states_handling_plan: bool,
    pub(crate) states_restoration_requirements: bool,
}

/// The request of a notice check: the provider checked, about the agreement.
pub(crate) fn notice_check<'a>(
    provider: Ent<'a>,
    agreement: Ent<'a>,
    facts: NoticeFacts,
) -> PolicyRequest<'a> {
    let instants = [("due", facts.due), ("sentAt", facts.sent_at)]
        .into_iter()
        .filter_map(|(k, v)| Some((k, Val::DateTime(v?))));
    let context = [
        ("now", Val::DateTime(facts.now)),
        ("violationDetermined", Val::Bool(facts.violation_determined)),
        ("sentToConsumer", Val::Bool(facts.sent_to_consumer)),
        ("statesViolation", Val::Bool(facts.states_violation)),
        ("statesHandlingPlan", Val::Bool(facts.states_handling_plan)),
        (
            "statesRestorationRequirements",
            Val::Bool(facts.states_restoration_requirements),
        ),
    ]
    .into_iter()
    .chain(instants)
    .collect();
    PolicyRequest {
        principal: provider,
        action: NOTICE_CHECK_ACTION,
        resource: agreement,
        context,
    }
}

/// The action of a notice check.
pub(crate) const NOTICE_CHECK_ACTION: &str = "checkNotice";

/// The action of a refusal check.
pub(crate) const REFUSAL_CHECK_ACTION: &str = "checkRefusal";

/// What a refusal check gives its rules (`RefusalCheckContext`).
pub(crate) struct RefusalFacts {
    pub(crate) now: i64,
    pub(crate) reasons: usize,
    pub(crate) ungrounded: Vec<usize>,
    pub(crate) unstated: Vec<usize>,
    pub(crate) authority_notified: bool,
    pub(crate) competent_authority_known: bool,
    pub(crate) notified_competent_authority: bool,
}

/// The request of a refusal check: the provider checked, about the requester; `None`
/// when a count does not fit Cedar's longs.
pub(crate) fn refusal_check<'a>(
    provider: Ent<'a>,
    requester: Ent<'a>,
    facts: RefusalFacts,
) -> Option<PolicyRequest<'a>> {
    let long = |n: usize| i64::try_from(n).ok().map(Val::Long);
    let numbers = |ns: Vec<usize>| -> Option<Val<'a>> {
        let ns: Option<Vec<Val<'a>>> = ns.into_iter().map(long).collect();
        Some(Val::Set(SetRef::Built(Rc::from(ns?))))
    };
    let context = vec![
        ("now", Val::DateTime(facts.now)),
        ("reasons", long(facts.reasons)?),
        ("ungrounded", numbers(facts.ungrounded)?),
        ("unstated", numbers(facts.unstated)?),
        ("authorityNotified", Val::Bool(facts.authority_notified)),
        (
            "competentAuthorityKnown",
            Val::Bool(facts.competent_authority_known),
        ),
        (
            "notifiedCompetentAuthority",
            Val::Bool(facts.notified_competent_authority),
        ),
    ];
    Some(PolicyRequest {
        principal: provider,
        action: REFUSAL_CHECK_ACTION,
        resource: requester,
        context,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cedar::values::Rec;
    use cedar_policy::RestrictedExpression;

    /// Cedar's form of a request equals what Cedar's public constructors build from the
    /// same parts, for every kind of value a context holds.
    #[test]
    fn cedar_form_equals_cedars_constructors() {
        let model = Model::load();
        assert!(model.is_ok());
        let Ok(model) = model else { return };
        let at = chrono::DateTime::parse_from_rfc3339("2024-03-05T14:00:00.123+07:00")
            .unwrap_or_default();
        let Some(now) = model::cedar_millis(at) else {
            panic!("an instant Cedar takes")
        };
        let ent = |ty, id| Ent {
            ty,
            id,
            rec: Rec::Missing,
        };
        let ours = PolicyRequest {
            principal: ent(EntType::Account, "acc-1"),
            action: "query",
            resource: ent(EntType::Dataset, "a-dataset-with-a-rather-long-identifier"),
            context: vec![
                ("now", Val::DateTime(now)),
                ("channel", Val::Str("lgsp")),
                ("authenticated", Val::Bool(true)),
                ("agreement", Val::Entity(ent(EntType::Agreement, "agr-1"))),
                ("reasons", Val::Long(3)),
                (
                    "unstated",
                    Val::Set(SetRef::Built(Rc::from(vec![Val::Long(1), Val::Long(3)]))),
                ),
            ],
        }
        .to_cedar(&model);
        let uid = |ty: &cedar_policy::EntityTypeName, id: &str| Model::uid(ty, id);
        let public = cedar_policy::Context::from_pairs([
            (
                "now".to_owned(),
                RestrictedExpression::new_datetime(model::cedar_datetime_text(at)),
            ),
            (
                "channel".to_owned(),
                RestrictedExpression::new_string("lgsp".into()),
            ),
            (
                "authenticated".to_owned(),
                RestrictedExpression::new_bool(true),
            ),
            (
                "agreement".to_owned(),
                RestrictedExpression::new_entity_uid(uid(&model.agreement, "agr-1")),
            ),
            ("reasons".to_owned(), RestrictedExpression::new_long(3)),
            (
                "unstated".to_owned(),
                RestrictedExpression::new_set([
                    RestrictedExpression::new_long(3),
                    RestrictedExpression::new_long(1),
                ]),
            ),
        ])
        .ok()
        .and_then(|c| {
            Request::new(
                uid(&model.account, "acc-1"),
                model.action_uid("query"),
                uid(&model.dataset, "a-dataset-with-a-rather-long-identifier"),
                c,
                None,
            )
            .ok()
        });
        assert!(public.is_some());
        assert_eq!(ours.ok(), public);
    }
}
