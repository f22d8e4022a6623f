//! Cedar's authorisation of one request against a slice of a pack, with each policy's
//! condition built once, when the pack loads, instead of on every request.
//!
//! `cedar_policy::Authorizer::is_authorized` asks each policy for its condition
//! (`Policy::condition`), which builds the expression `scope && when && !unless` anew on
//! every call and drops it after: profiled on the 100,000-agreement province, building
//! and dropping those trees was 38 % of a decision (docs/PERFORMANCE.md). A [`Slice`]
//! holds the conditions built once and evaluates them with Cedar's own evaluator
//! (`cedar_policy_core::evaluator::Evaluator`), combining the results exactly as
//! Cedar's authoriser does: a forbid that holds denies; otherwise a permit that holds
//! allows; otherwise deny. A policy that fails to evaluate is skipped and reported, as
//! Cedar does (the engine then fails closed). The unit tests below check, on every
//! question of the built-in pack's shipped cases (every kind of question) and on a policy
//! that errs, that both give the same decision, the same determining policies and the
//! same errors with the same messages; the reference models and the differential
//! properties (`tests/integration/reference*.rs`) check the decisions end to end.

use cedar_policy::{PolicySet, Request};

use crate::world::World;
use cedar_policy_core::ast::{Effect, Expr, Literal, SlotEnv, ValueKind};
use cedar_policy_core::evaluator::Evaluator;
use cedar_policy_core::extensions::Extensions;

/// The policies of a slice, each with its condition built once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slice {
    policies: Vec<Compiled>,
}

/// One policy of a slice.
#[derive(Debug, Clone)]
struct Compiled {
    /// The index of its rule in the pack.
    rule: usize,
    /// Its id as Cedar names it (in the messages of evaluation errors).
    id: String,
    permit: bool,
    /// `scope && when && !unless`, as `Policy::condition` builds it.
    condition: Expr,
}

/// Cedar's answer to one request, by rule index.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    /// Whether Cedar allows: a permit holds and no forbid does.
    pub(crate) allowed: bool,
    /// The determining policies, as Cedar's `reason()` names them: the forbids that
    /// hold on a deny, the permits that hold on an allow; sorted.
    pub(crate) reason: Vec<usize>,
    /// The permits that hold, whatever the decision; sorted.
    pub(crate) permits: Vec<usize>,
    /// The policies that failed to evaluate, with Cedar's message, in slice order.
    pub(crate) errors: Vec<(usize, String)>,
}

impl Slice {
    /// The policies of `set`, each with its rule index (`rule_of`); a policy without one
    /// (none in a loaded pack) is kept with index `usize::MAX`, so it still decides.
    pub(crate) fn of(
        set: &PolicySet,
        rule_of: impl Fn(&cedar_policy::PolicyId) -> Option<usize>,
    ) -> Slice {
        let mut policies: Vec<Compiled> = set
            .policies()
            .map(|p| {
                let ast: &cedar_policy_core::ast::Policy = p.as_ref();
                Compiled {
                    rule: rule_of(p.id()).unwrap_or(usize::MAX),
                    id: p.id().to_string(),
                    permit: ast.effect() == Effect::Permit,
                    condition: ast.condition(),
                }
            })
            .collect();
        // A fixed order, so that errors are listed alike on every run.
        policies.sort_by_key(|p| p.rule);
        Slice { policies }
    }

    /// Each policy's rule index, Cedar id, effect and condition as text, in slice order.
    #[cfg(test)]
    pub(crate) fn describe(&self) -> Vec<(usize, String, bool, String)> {
        self.policies
            .iter()
            .map(|p| (p.rule, p.id.clone(), p.permit, p.condition.to_string()))
            .collect()
    }

    /// How many policies the slice holds.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.policies.len()
    }

    /// Cedar's answer to `request` against the entities of `world` it can read
    /// ([`crate::cedar::entities::entities_for`]).
    pub(crate) fn authorize(&self, world: &World, request: &Request) -> Answer {
        let request: &cedar_policy_core::ast::Request = request.as_ref();
        let entities = crate::cedar::entities::entities_for(world, request);
        let evaluator = Evaluator::new(request.clone(), &entities, Extensions::all_available());
        let slots = SlotEnv::new();
        let mut answer = Answer::default();
        let mut forbids = Vec::new();
        for p in &self.policies {
            match evaluator.interpret(&p.condition, &slots) {
                Ok(value) => match value.value {
                    ValueKind::Lit(Literal::Bool(true)) if p.permit => answer.permits.push(p.rule),
                    ValueKind::Lit(Literal::Bool(true)) => forbids.push(p.rule),
                    ValueKind::Lit(Literal::Bool(false)) => {}
                    _ => answer.errors.push((
                        p.rule,
                        format!(
                            "error while evaluating policy `{}`: the condition is not a boolean",
                            p.id
                        ),
                    )),
                },
                Err(e) => answer.errors.push((
                    p.rule,
                    format!("error while evaluating policy `{}`: {e}", p.id),
                )),
            }
        }
        answer.permits.sort_unstable();
        forbids.sort_unstable();
        answer.allowed = forbids.is_empty() && !answer.permits.is_empty();
        answer.reason = if !forbids.is_empty() {
            forbids
        } else if answer.allowed {
            answer.permits.clone()
        } else {
            Vec::new()
        };
        answer
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Engine, Mode};
    use crate::world::World;

    /// Cedar's own authoriser's answer, by rule index, for comparison.
    fn cedar(
        pack: &crate::RulePack,
        set: &PolicySet,
        request: &Request,
        entities: &cedar_policy::Entities,
    ) -> Answer {
        let response = cedar_policy::Authorizer::new().is_authorized(request, set, entities);
        let rule = |id: &cedar_policy::PolicyId| {
            pack.cedar_ids
                .get(id)
                .and_then(|id| pack.rules.get_index_of(id))
                .unwrap_or(usize::MAX)
        };
        let mut reason: Vec<usize> = response.diagnostics().reason().map(rule).collect();
        reason.sort_unstable();
        let mut errors: Vec<(usize, String)> = response
            .diagnostics()
            .errors()
            .map(|e| {
                let cedar_policy::AuthorizationError::PolicyEvaluationError(pe) = e;
                (rule(pe.policy_id()), e.to_string())
            })
            .collect();
        errors.sort();
        Answer {
            allowed: response.decision() == cedar_policy::Decision::Allow,
            reason,
            permits: Vec::new(),
            errors,
        }
    }

    /// Both answers to one request of `action`: the same decision, the same determining
    /// policies, the same errors with the same messages.
    fn agree(pack: &crate::RulePack, action: &str, request: &Request, world: &World) -> bool {
        let (Some(set), Some(slice)) = (pack.slices.get(action), pack.compiled.get(action)) else {
            panic!("a slice for `{action}`");
        };
        // Cedar's authoriser over the whole world; ours over the entities the request can
        // read (`crate::cedar::entities`).
        let whole = cedar_policy::Entities::from_entities(
            crate::cedar::entities::all_entities(world)
                .into_iter()
                .map(|e| cedar_policy::Entity::from(e.as_ref().clone())),
            None,
        )
        .unwrap_or_else(|e| panic!("the whole store: {e}"));
        let theirs = cedar(pack, set, request, &whole);
        let mut ours = slice.authorize(world, request);
        ours.errors.sort();
        assert_eq!(ours.allowed, theirs.allowed, "{action}: {request}");
        assert_eq!(ours.reason, theirs.reason, "{action}: {request}");
        assert_eq!(ours.errors, theirs.errors, "{action}: {request}");
        !ours.errors.is_empty()
    }

    /// Every question of the built-in pack's shipped cases — every kind of question, every
    /// policy reached — is answered alike by a compiled slice and by Cedar's authoriser.
    #[test]
    fn a_compiled_slice_answers_every_shipped_case_as_cedar_does() {
        let Ok(engine) = Engine::builtin() else {
            panic!("the built-in pack loads")
        };
        let pack = &engine.packs()[0];
        let mut asked = 0;
        for (suite, world) in [
            (
                include_str!("../../policies/qd05-2024-phu-yen/tests/access.cases.json"),
                include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json"),
            ),
            (
                include_str!("../../policies/qd05-2024-phu-yen/tests/lifecycle.cases.json"),
                include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json"),
            ),
            (
                include_str!("../../policies/qd05-2024-phu-yen/tests/catalog.cases.json"),
                include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json"),
            ),
            (
                include_str!("../../policies/qd05-2024-phu-yen/tests/terms.cases.json"),
                include_str!("../../policies/qd05-2024-phu-yen/tests/terms.world.json"),
            ),
        ] {
            let (Ok(suite), Ok(world)) = (
                crate::authoring::PackTestSuite::from_json(suite),
                World::from_json(world),
            ) else {
                panic!("the shipped suites and worlds load")
            };
            for case in &suite.cases {
                let run = engine.run(&world, case.question.ask(), Mode::Trace);
                if let Some(a) = &run.reached.asked {
                    let action = a
                        .request
                        .action()
                        .map(|uid| uid.id().unescaped().to_owned());
                    let Some(action) = action else {
                        panic!("an action")
                    };
                    agree(pack, &action, &a.request, &world);
                    asked += 1;
                }
            }
        }
        assert!(asked >= 85, "{asked}");
    }

    /// A policy that fails to evaluate is skipped and reported with Cedar's message.
    #[test]
    fn an_erroring_policy_is_reported_as_cedar_reports_it() {
        let (manifest, files) = crate::RulePack::builtin_sources();
        let mut files: Vec<(String, String)> = files
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect();
        // Overflows whenever the request says it is authenticated: an error at run time
        // that strict validation lets through.
        files[0].1.push_str(concat!(
            "\n@id(\"access.errs\")\n@clause(\"QD05/2024 Đ17.1\")\n@reason(\"errs\")\n",
            "@vi(\"Lỗi đánh giá thử nghiệm.\")\n@en(\"A test error.\")\n",
            "forbid (principal, action in Lgsp::Action::\"access\", resource)\n",
            "when { 9223372036854775807 + (if context.authenticated then 1 else 0) > 0 };\n",
        ));
        let pack = crate::RulePack::from_sources(manifest, files);
        let world = World::from_json(include_str!(
            "../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json"
        ));
        let (pack, Ok(world)) = (pack, world) else {
            panic!("the world loads")
        };
        let pack = pack.unwrap_or_else(|e| panic!("the pack loads: {e:?}"));
        let engine = Engine::new(pack.clone());
        let mut errored = 0;
        for account in world.accounts.keys() {
            for dataset in world.datasets.keys() {
                let Ok(request) = crate::AccessRequest::from_json(&format!(
                    r#"{{"account": "{account}", "action": "query", "dataset": "{dataset}",
                        "channel": "lgsp", "purpose": "administrative-procedures",
                        "at": "2024-06-03T09:00:00+07:00"}}"#
                )) else {
                    panic!("a request")
                };
                let run = engine.run(&world, crate::engine::Ask::Access(&request), Mode::Trace);
                if let Some(a) = &run.reached.asked
                    && agree(&pack, "query", &a.request, &world)
                {
                    errored += 1;
                }
            }
        }
        assert!(errored > 0, "no request made the policy err");
    }
}
