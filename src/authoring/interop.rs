//! Interoperability with Cedar's own tools: a pack's policies (with their `@id` ids), the
//! schema, any question put to the engine — an access request, a lifecycle act, a catalog
//! proposal — and the slice of the world it needs, in Cedar's JSON formats, so an author
//! can run `cedar validate`, `cedar authorize` and `cedar run-tests` on the same data and
//! get the same answer. Pure: the caller writes the files.
//!
//! The request exported is the one the engine builds for its decision (the same
//! functions build both: there is one way to build a Cedar context), and the answer
//! expected is the one Cedar gave the engine.

use std::collections::HashSet;

use cedar_policy::{Entities, PolicySet};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::decision::Outcome;
use crate::engine::pipeline::Asked;
use crate::engine::{Ask, Engine, Mode};
use crate::explain::Question;
use crate::model;
use crate::pack::RulePack;
use crate::request::AccessRequest;
use crate::testing::{PackTestCase, with_statuses};
use crate::world::World;

/// What went wrong exporting to Cedar's formats.
///
/// # Example
///
/// ```
/// use lgsp_policy::{AccessRequest, Action, Channel, Engine, World};
/// use lgsp_policy::authoring::{InteropError, cedar_request};
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
    /// The engine refused the question before evaluating any policy (an unknown account,
    /// dataset, agency, agreement or violation, no pack in force, a time out of range, a
    /// calendar that does not cover a count): there is no Cedar request to export. The
    /// reason codes say why.
    #[error("the engine decided without evaluating policies (reasons: {})", .reasons.join(", "))]
    NotEvaluated {
        /// The decision's reason codes.
        reasons: Vec<String>,
    },
    /// A test case's `given_statuses` cannot be applied to its world.
    #[error("the case's given statuses cannot be applied: {}", .problems.join("; "))]
    GivenStatuses {
        /// What is wrong.
        problems: Vec<String>,
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

/// One question as Cedar's CLI reads it, with the entities it needs and what Cedar must
/// answer. Built by [`cedar_request`] (an access request) and [`cedar_question`] (any
/// question), whose examples read one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CedarRequest {
    /// `{"principal": "Lgsp::Account::\"…\"", "action": …, "resource": …, "context": {…}}`,
    /// the `--request-json` format of `cedar authorize`.
    pub request: serde_json::Value,
    /// The world slice: the principal, the action, the resource, the entities the context
    /// names (an agreement, a violation) and every entity they reach, in Cedar's entity
    /// JSON format (`--entities`).
    pub entities: serde_json::Value,
    /// Cedar's decision on this request with the pack's policies (also the engine's
    /// outcome, except where the engine denies for more than the rules: a policy that
    /// fails to evaluate, an unknown master-data id in a catalog proposal, a deadline it
    /// cannot count).
    pub decision: Outcome,
    /// Cedar's determining policies (its `reason`): the satisfied permits of an allow, or
    /// the satisfied forbids of a deny, by `@id`, in pack order.
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

    /// The request's context alone, the `--context FILE` format of `cedar authorize`
    /// (with `--principal`, `--action` and `--resource` given as arguments).
    pub fn context(&self) -> &serde_json::Value {
        self.request
            .get("context")
            .unwrap_or(&serde_json::Value::Null)
    }

    /// The decision as separate files for `cedar authorize` and `cedar run-tests`, by file
    /// name: `entities.json` (`--entities`), `request.json` (`--request-json`: principal,
    /// action, resource and context), `context.json` (`--context`) and
    /// `cedar-tests.json` (`--tests`: this one case, named `name`, with the answer Cedar
    /// must give).
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Engine, World};
    /// use lgsp_policy::authoring::cedar_request;
    ///
    /// let engine = Engine::builtin()?;
    /// let world = World::from_json(include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json"))?;
    /// let request = AccessRequest::from_json(r#"{"account": "acc.tuy-hoa.dan-cu", "action": "query",
    ///     "dataset": "dan-cu.nhan-khau", "channel": "lgsp", "purpose": "administrative-procedures",
    ///     "at": "2024-06-03T09:30:00+07:00", "subject_requested": true}"#)?;
    /// let files = cedar_request(&engine, &world, &request)?.files("tuy-hoa queries the register");
    /// let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
    /// assert_eq!(names, ["entities.json", "request.json", "context.json", "cedar-tests.json"]);
    /// let (_, request_json) = &files[1];
    /// assert_eq!(request_json["principal"], r#"Lgsp::Account::"acc.tuy-hoa.dan-cu""#);
    /// let (_, context) = &files[2];
    /// assert_eq!(context["channel"], "lgsp");
    /// let (_, tests) = &files[3];
    /// assert_eq!(tests[0]["decision"], "allow");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn files(&self, name: &str) -> Vec<(&'static str, serde_json::Value)> {
        vec![
            ("entities.json", self.entities.clone()),
            ("request.json", self.request.clone()),
            ("context.json", self.context().clone()),
            (
                "cedar-tests.json",
                serde_json::Value::Array(vec![self.to_run_test(name)]),
            ),
        ]
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
/// let json = lgsp_policy::authoring::cedar_policies_json(&pack)?;
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
/// (`cedar validate --schema FILE`): the same text as [`MODEL_SCHEMA`](crate::pack::MODEL_SCHEMA).
///
/// # Example
///
/// ```
/// use lgsp_policy::pack::MODEL_SCHEMA;
/// use lgsp_policy::authoring::cedar_schema_text;
///
/// let schema = cedar_schema_text();
/// assert_eq!(schema, MODEL_SCHEMA);
/// assert!(schema.contains("namespace Lgsp"));
/// assert!(schema.contains("entity Account"));
/// ```
pub fn cedar_schema_text() -> &'static str {
    model::MODEL_SCHEMA
}

/// Exports one access request as Cedar sees it: the request, the world slice it needs,
/// and the decision and determining policies Cedar must give. The engine may weigh
/// several agreements between the requester and the provider; the export carries the one
/// its decision rests on. The same as [`cedar_question`] with
/// [`Question::Access`].
///
/// # Errors
///
/// [`InteropError::NotEvaluated`] when the engine refused before evaluating policies;
/// [`InteropError::Serialise`] if Cedar cannot serialise a value (a bug).
///
/// # Example
///
/// ```
/// use lgsp_policy::{AccessRequest, Engine, World};
/// use lgsp_policy::authoring::cedar_request;
///
/// let engine = Engine::builtin()?;
/// let world = World::from_json(include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json"))?;
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
    exported(engine, world, Ask::Access(request))
}

/// Exports any question as Cedar sees it — an access request, a lifecycle act (with the
/// instants its context computes with the engine's calendar), a catalog proposal: the
/// request the engine built for its decision, the world slice it needs, and the decision
/// and determining policies Cedar gave.
///
/// # Errors
///
/// [`InteropError::NotEvaluated`] when the engine refused before evaluating policies;
/// [`InteropError::Serialise`] if Cedar cannot serialise a value (a bug).
///
/// # Example
///
/// ```
/// use lgsp_policy::{Engine, Outcome, Question, SuspensionRequest, World};
/// use lgsp_policy::time::Calendar;
/// use lgsp_policy::authoring::cedar_question;
///
/// let engine = Engine::builtin()?;
/// let world = World::from_json(include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json"))?;
/// let question = Question::Suspension(SuspensionRequest::new(
///     "so-tp".parse()?, "agr.tp.so-tnmt".parse()?, Some("vp.2024.001".parse()?),
///     "2024-05-17T17:00:00+07:00".parse()?,
/// ));
/// let exported = cedar_question(&engine, &world, &question)?;
/// assert_eq!(exported.request["action"], r#"Lgsp::Action::"suspend""#);
/// assert_eq!(exported.request["context"]["grounds"], "violation");
/// assert_eq!(exported.decision, Outcome::Allow);
/// // The violation named in the context travels with the request.
/// let types: Vec<&str> = exported.entities.as_array().into_iter().flatten()
///     .filter_map(|e| e["uid"]["type"].as_str()).collect();
/// assert!(types.contains(&"Lgsp::Violation"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cedar_question(
    engine: &Engine,
    world: &World,
    question: &Question,
) -> Result<CedarRequest, InteropError> {
    exported(engine, world, question.ask())
}

/// The Cedar request of a question's traced run, exported; the decision's reasons when
/// the run asked Cedar nothing.
fn exported(engine: &Engine, world: &World, ask: Ask<'_>) -> Result<CedarRequest, InteropError> {
    let run = engine.run(world, ask, Mode::Trace);
    match &run.reached.asked {
        Some(asked) => export(world, asked),
        None => Err(InteropError::NotEvaluated {
            reasons: run.decision.reason_codes().map(str::to_owned).collect(),
        }),
    }
}

/// A pack test suite's cases in Cedar's formats: the run-tests file and the cases left
/// out.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CedarTests {
    /// The cases in the format of `cedar run-tests --tests FILE`, one per case Cedar is
    /// asked, in the suite's order.
    pub tests: Vec<serde_json::Value>,
    /// The cases the engine refused before any rule ran (an unknown reference, no pack in
    /// force…), by name, with why: Cedar has nothing to say about them.
    pub left_out: Vec<(String, InteropError)>,
}

/// Exports every case of a pack test suite — access, lifecycle and catalog — to the
/// format of `cedar run-tests`, each on its world with the case's `given_statuses`
/// applied, as [`run_pack_tests`](crate::authoring::run_pack_tests) runs it.
///
/// # Errors
///
/// [`InteropError::Serialise`] if Cedar cannot serialise a value (a bug), and
/// [`InteropError::GivenStatuses`] when a case's statuses cannot be applied to the
/// world. A case the engine refuses before any rule runs is not an error: it is listed
/// in [`CedarTests::left_out`].
///
/// # Example
///
/// ```
/// use lgsp_policy::{Engine, World};
/// use lgsp_policy::authoring::{PackTestSuite, cedar_run_tests};
///
/// let engine = Engine::builtin()?;
/// let world = World::from_json(include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json"))?;
/// let suite = PackTestSuite::from_json(include_str!("../../policies/qd05-2024-phu-yen/tests/catalog.cases.json"))?;
/// let exported = cedar_run_tests(&engine, &world, &suite.calendar.calendar(), &suite.cases)?;
/// assert!(!exported.tests.is_empty());
/// assert_eq!(exported.tests.len() + exported.left_out.len(), suite.cases.len());
/// assert!(exported.tests.iter().all(|t| t["request"]["action"].as_str()
///     .is_some_and(|a| a.starts_with(r#"Lgsp::Action::"propose"#))));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn cedar_run_tests(
    engine: &Engine,
    world: &World,
    calendar: &Calendar,
    cases: &[PackTestCase],
) -> Result<CedarTests, InteropError> {
    // Every question counts with the suite's calendar, as `run_pack_tests` does.
    let engine = engine.counting_with(calendar);
    let engine = engine.as_ref();
    let mut exported = CedarTests {
        tests: Vec::new(),
        left_out: Vec::new(),
    };
    for case in cases {
        let mut problems = Vec::new();
        let world = with_statuses(world, &case.given_statuses, &mut problems);
        if !problems.is_empty() {
            return Err(InteropError::GivenStatuses { problems });
        }
        match cedar_question(engine, &world, &case.question) {
            Ok(request) => exported.tests.push(request.to_run_test(&case.name)),
            Err(e @ InteropError::NotEvaluated { .. }) => {
                exported.left_out.push((case.name.clone(), e));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(exported)
}

/// The request the engine built, serialised with its world slice, and the answer Cedar
/// gives the engine for it (asked the same way as the decision asks it).
fn export(world: &World, asked: &Asked) -> Result<CedarRequest, InteropError> {
    let request = &asked.request;
    let serialise =
        |what: &'static str| move |message: String| InteropError::Serialise { what, message };
    let (Some(principal), Some(action), Some(resource), Some(context)) = (
        request.principal(),
        request.action(),
        request.resource(),
        request.context(),
    ) else {
        return Err(serialise("request")(
            "a part of the request is unknown".into(),
        ));
    };
    let context_json = context
        .to_json_value()
        .map_err(|e| serialise("context")(e.to_string()))?;
    // The entities the request can read, as the decision gave them to Cedar.
    let slice = crate::cedar::entities::entities_for(world, request.as_ref());
    let entities = Entities::from_entities(
        slice.iter().map(|e| cedar_policy::Entity::from(e.clone())),
        None,
    )
    .map_err(|e| serialise("entities")(e.to_string()))?
    .to_json_value()
    .map_err(|e| serialise("entities")(e.to_string()))?;
    let request_json = serde_json::json!({
        "principal": principal.to_string(),
        "action": action.to_string(),
        "resource": resource.to_string(),
        "context": context_json,
    });

    Ok(CedarRequest {
        request: request_json,
        entities,
        decision: if asked.allowed {
            Outcome::Allow
        } else {
            Outcome::Deny
        },
        reason: asked.reason.iter().map(ToString::to_string).collect(),
        num_errors: asked.errors.len(),
    })
}
