//! Interoperability with Cedar's own tools: a pack's policies (with their `@id` ids), the
//! schema, a request and the slice of the world it needs, in Cedar's JSON formats, so an
//! author can run `cedar validate`, `cedar authorize` and `cedar run-tests` on the same
//! data and get the same decision. Pure: the caller writes the files.

use std::collections::{BTreeMap, HashSet};

use cedar_policy::{
    Context, Entities, Entity, EntityUid, EvalResult, PolicySet, RestrictedExpression,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::decision::Outcome;
use crate::engine::Engine;
use crate::model;
use crate::pack::RulePack;
use crate::request::AccessRequest;
use crate::world::World;

/// What went wrong exporting to Cedar's formats.
///
/// # Example
///
/// ```
/// use lgsp_policy::{AccessRequest, Action, Channel, Engine, InteropError, World, cedar_request};
///
/// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
/// // An account the world does not know: the engine denies before Cedar is asked.
/// let request = AccessRequest::new(
///     "acc.ghost".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?, Channel::Lgsp,
///     "administrative-procedures".parse()?, "2024-06-03T09:30:00+07:00".parse()?,
/// );
/// let error = cedar_request(&Engine::builtin()?, &world, &request).err().ok_or("exported")?;
/// let why = match &error {
///     InteropError::NotEvaluated { reasons } => reasons.join(", "),
///     InteropError::Serialise { what, .. } => format!("cannot serialise the {what}"),
///     _ => error.to_string(), // the enum is non-exhaustive
/// };
/// assert_eq!(why, "unknown_account");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InteropError {
    /// The engine refused the request before evaluating any policy (unknown account or
    /// dataset, no pack in force, a time out of range): there is no Cedar request to
    /// export. The reason codes say why.
    #[error("the engine decided without evaluating policies (reasons: {})", .reasons.join(", "))]
    NotEvaluated {
        /// The decision's reason codes.
        reasons: Vec<String>,
    },
    /// Cedar could not serialise a value (a bug, reported rather than hidden).
    #[error("Cedar could not serialise the {what}: {message}")]
    Serialise {
        /// The policies, the entities or the context.
        what: &'static str,
        /// Cedar's message.
        message: String,
    },
}

/// One request as Cedar's CLI reads it, with the entities it needs and what Cedar must
/// answer. Built by [`cedar_request`], whose example reads one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CedarRequest {
    /// `{"principal": "Lgsp::Account::\"…\"", "action": …, "resource": …, "context": {…}}`,
    /// the `--request-json` format of `cedar authorize`.
    pub request: serde_json::Value,
    /// The world slice: the principal, the resource, the agreement in the context and
    /// every entity they reach, in Cedar's entity JSON format (`--entities`).
    pub entities: serde_json::Value,
    /// Cedar's decision on this request with the pack's policies (also the engine's
    /// outcome, except that the engine denies when a policy fails to evaluate).
    pub decision: Outcome,
    /// Cedar's determining policies (its `reason`): the satisfied permits of an allow, or
    /// the satisfied forbids of a deny, by `@id`.
    pub reason: Vec<String>,
    /// How many policies failed to evaluate.
    pub num_errors: usize,
}

impl CedarRequest {
    /// The case in the format of `cedar run-tests --tests FILE` (an array of these).
    ///
    /// # Example
    ///
    /// See [`cedar_request`].
    pub fn to_run_test(&self, name: &str) -> serde_json::Value {
        serde_json::json!({
            "name": name,
            "request": self.request,
            "entities": self.entities,
            "decision": match self.decision { Outcome::Allow => "allow", Outcome::Deny => "deny" },
            "reason": self.reason,
            "num_errors": self.num_errors,
        })
    }
}

/// The pack's policies in Cedar's JSON policy-set format, each under its `@id` (Cedar's
/// text format cannot carry ids: `cedar authorize --policies FILE --policy-format json`
/// then reports reasons by our ids).
///
/// # Errors
///
/// [`InteropError::Serialise`] if Cedar cannot serialise a policy (a bug).
///
/// # Example
///
/// ```
/// let pack = lgsp_policy::RulePack::builtin()?;
/// let json = lgsp_policy::cedar_policies_json(&pack)?;
/// assert!(json["staticPolicies"]["access.direct-connection"].is_object());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cedar_policies_json(pack: &RulePack) -> Result<serde_json::Value, InteropError> {
    let mut set = PolicySet::new();
    let mut seen = HashSet::new();
    for rule in pack.rules() {
        let id = cedar_policy::PolicyId::new(rule.id.as_str());
        if !seen.insert(id.clone()) {
            continue;
        }
        if let Some(policy) = pack.slices.values().find_map(|s| s.policy(&id)) {
            set.add(policy.clone())
                .map_err(|e| InteropError::Serialise {
                    what: "policies",
                    message: e.to_string(),
                })?;
        }
    }
    set.to_json().map_err(|e| InteropError::Serialise {
        what: "policies",
        message: e.to_string(),
    })
}

/// The schema every pack is validated against, in Cedar's schema syntax
/// (`cedar validate --schema FILE`): the same text as [`MODEL_SCHEMA`](crate::MODEL_SCHEMA).
///
/// # Example
///
/// ```
/// use lgsp_policy::{MODEL_SCHEMA, cedar_schema_text};
///
/// let schema = cedar_schema_text();
/// assert_eq!(schema, MODEL_SCHEMA);
/// assert!(schema.contains("namespace Lgsp"));
/// assert!(schema.contains("entity Account"));
/// ```
pub fn cedar_schema_text() -> &'static str {
    model::MODEL_SCHEMA
}

/// Exports one request as Cedar sees it: the request, the world slice it needs, and the
/// decision and determining policies Cedar must give. The engine may weigh several
/// agreements between the requester and the provider; the export carries the one its
/// decision rests on.
///
/// # Errors
///
/// [`InteropError::NotEvaluated`] when the engine refused before evaluating policies;
/// [`InteropError::Serialise`] if Cedar cannot serialise a value (a bug).
///
/// # Example
///
/// ```
/// use lgsp_policy::{AccessRequest, Engine, World, cedar_request};
///
/// let engine = Engine::builtin()?;
/// let world = World::from_json(include_str!("../policies/qd05-2024-phu-yen/tests/phu-yen.world.json"))?;
/// let request = AccessRequest::from_json(r#"{"account": "acc.tuy-hoa.dan-cu", "action": "query",
///     "dataset": "dan-cu.nhan-khau", "channel": "direct", "purpose": "administrative-procedures",
///     "at": "2024-06-03T09:30:00+07:00", "subject_requested": true}"#)?;
/// let exported = cedar_request(&engine, &world, &request)?;
/// assert_eq!(exported.request["action"], r#"Lgsp::Action::"query""#);
/// assert_eq!(exported.reason, ["access.direct-connection"]);
/// let test = exported.to_run_test("direct connection");
/// assert_eq!(test["decision"], "deny");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cedar_request(
    engine: &Engine,
    world: &World,
    request: &AccessRequest,
) -> Result<CedarRequest, InteropError> {
    let explanation = engine.explain(world, request);
    let not_evaluated = || InteropError::NotEvaluated {
        reasons: explanation
            .decision
            .reason_codes()
            .map(str::to_owned)
            .collect(),
    };
    let pack = engine
        .pack_for(&world.territory, model::local_date(request.at))
        .ok_or_else(not_evaluated)?;
    let cedar = &world.cedar;
    let principal = world
        .accounts
        .get_index_of(&request.account)
        .and_then(|i| cedar.account_uids.get(i));
    let resource = world
        .datasets
        .get_index_of(&request.dataset)
        .and_then(|i| cedar.dataset_uids.get(i));
    let (true, Some(principal), Some(resource)) = (explanation.evaluated, principal, resource)
    else {
        return Err(not_evaluated());
    };
    let agreement = explanation
        .agreement
        .as_ref()
        .and_then(|id| world.agreements.get_index_of(id))
        .and_then(|i| cedar.agreement_uids.get(i));

    let context =
        access_context(request, agreement).map_err(|message| InteropError::Serialise {
            what: "context",
            message,
        })?;
    let context = context
        .to_json_value()
        .map_err(|e| InteropError::Serialise {
            what: "context",
            message: e.to_string(),
        })?;
    let action = cedar.model.action_uid(request.action.as_str());
    let request_json = serde_json::json!({
        "principal": principal.to_string(),
        "action": action.to_string(),
        "resource": resource.to_string(),
        "context": context,
    });

    let mut roots = vec![principal.clone(), resource.clone()];
    roots.extend(agreement.cloned());
    let entities =
        slice(&cedar.entities, roots)
            .to_json_value()
            .map_err(|e| InteropError::Serialise {
                what: "entities",
                message: e.to_string(),
            })?;

    // Cedar allows when a permit holds and no forbid does (a policy that errors is
    // skipped); the engine also denies on any error.
    let satisfied: Vec<&crate::pack::Rule> = explanation
        .satisfied
        .iter()
        .filter_map(|id| pack.rule(id))
        .collect();
    let decision = if satisfied.iter().any(|r| r.permit) && satisfied.iter().all(|r| r.permit) {
        Outcome::Allow
    } else {
        Outcome::Deny
    };
    let reason = satisfied
        .iter()
        .filter(|r| r.permit == (decision == Outcome::Allow))
        .map(|r| r.id.to_string())
        .collect();
    Ok(CedarRequest {
        request: request_json,
        entities,
        decision,
        reason,
        num_errors: explanation.errored.len(),
    })
}

/// The context the engine hands Cedar for an access request (see
/// `policies/model.cedarschema`, `AccessContext`). Kept in step with the engine by the
/// integration test that replays exported requests through Cedar.
pub(crate) fn access_context(
    request: &AccessRequest,
    agreement: Option<&EntityUid>,
) -> Result<Context, String> {
    let mut pairs: Vec<(String, RestrictedExpression)> = vec![
        ("now".into(), model::datetime_expr(request.at)),
        ("channel".into(), model::string(request.channel.as_str())),
        ("purpose".into(), model::string(request.purpose.as_str())),
        (
            "authenticated".into(),
            RestrictedExpression::new_bool(request.authenticated),
        ),
        (
            "subjectRequested".into(),
            RestrictedExpression::new_bool(request.subject_requested),
        ),
    ];
    if let Some(uid) = agreement {
        pairs.push(("agreement".into(), model::entity_ref(uid)));
    }
    Context::from_pairs(pairs).map_err(|e| e.to_string())
}

/// The entities reachable from `roots` through attributes and parents, in a stable order.
fn slice(all: &Entities, roots: Vec<EntityUid>) -> Entities {
    fn refs(value: &EvalResult, out: &mut Vec<EntityUid>) {
        match value {
            EvalResult::EntityUid(uid) => out.push(uid.clone()),
            EvalResult::Set(set) => set.iter().for_each(|v| refs(v, out)),
            EvalResult::Record(record) => record.iter().for_each(|(_, v)| refs(v, out)),
            _ => {}
        }
    }
    let mut found: BTreeMap<String, Entity> = BTreeMap::new();
    let mut queue = roots;
    while let Some(uid) = queue.pop() {
        let key = uid.to_string();
        if found.contains_key(&key) {
            continue;
        }
        let Some(entity) = all.get(&uid) else {
            continue;
        };
        for (_, value) in entity.attrs() {
            if let Ok(value) = value {
                refs(&value, &mut queue);
            }
        }
        if let Some(parents) = all.ancestors(&uid) {
            queue.extend(parents.cloned());
        }
        found.insert(key, entity.clone());
    }
    // The entities came from a valid store, so rebuilding cannot fail; an empty slice is
    // the fallback that keeps the promise of no panic.
    Entities::from_entities(found.into_values(), None).unwrap_or_else(|_| Entities::empty())
}
