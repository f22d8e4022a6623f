//! The authorisation of one request against a slice of a pack: each policy answered by
//! its plan ([`super::plan`]), or by Cedar's evaluator where the plan cannot, combined
//! exactly as Cedar's authoriser combines: a forbid that holds denies; otherwise a
//! permit that holds allows; otherwise deny. A policy that fails to evaluate is skipped
//! and reported, as Cedar does (the engine then fails closed).
//!
//! Before plans, `cedar_policy::Authorizer::is_authorized` evaluated every policy of the
//! slice over a Cedar entity store built for the request: building the entities was a
//! fifth of a decision and Cedar's interpreter more than half (docs/PERFORMANCE.md).
//! Cedar stays the authority: where a plan stops, Cedar's evaluator answers for that
//! policy, on the entities the request can read
//! ([`crate::cedar::entities::entities_for`]), and its answer and error messages are the
//! engine's. The unit tests below check, on every question of the built-in pack's
//! shipped cases (every kind of question) and on a policy that errs, that a slice gives
//! Cedar's authoriser's decision, determining policies and errors with their messages;
//! the reference models and the differential properties check decisions end to end.

use std::collections::HashMap;

use cedar_policy::PolicySet;

use crate::cedar::context::PolicyRequest;
use crate::cedar::plan::{Env, Folder, Plan, Plans};
use crate::data::DataClass;
use crate::model::Model;
use crate::request::{Action, Channel};
use crate::world::World;
use cedar_policy_core::ast::{Effect, Expr, Literal, SlotEnv, Value, ValueKind, Var};
use cedar_policy_core::evaluator::Evaluator;
use cedar_policy_core::extensions::Extensions;

/// A pack's slices: one per action of the model, and for each access action one per
/// class of data and channel — what an access request makes known before any rule runs
/// (`resource.class`, `context.channel`), so that its slice holds only the policies that
/// can hold for it, each with what is left of it once those are known.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slices {
    by_action: HashMap<String, Slice>,
    access: HashMap<(Action, DataClass, Channel), Slice>,
}

impl Slices {
    /// The slices of a pack: `sets` has, per action of the model, the policies whose
    /// scope matches it; `rule_of` gives a policy's rule index in the pack.
    pub(crate) fn build(
        sets: &HashMap<String, PolicySet>,
        rule_of: &dyn Fn(&cedar_policy::PolicyId) -> Option<usize>,
        model: &Model,
    ) -> Slices {
        let actions: Vec<cedar_policy_core::ast::Entity> = model
            .schema
            .action_entities()
            .map(|es| es.iter().map(|e| e.as_ref().clone()).collect())
            .unwrap_or_default();
        let folder = |action: &str| {
            Folder::new(
                model.action_uid(action).as_ref().clone(),
                actions.iter().cloned(),
            )
        };
        // The actions a request can have: those the schema gives principals and
        // resources to (not the groups, `access`, `lifecycle`, …).
        let concrete: std::collections::HashSet<String> = model
            .schema
            .request_envs()
            .map(|env| env.action().id().unescaped().to_owned())
            .collect();
        let by_action = sets
            .iter()
            .filter(|(action, _)| concrete.contains(action.as_str()))
            .map(|(action, set)| (action.clone(), Slice::of(set, rule_of, &folder(action))))
            .collect();
        let mut access = HashMap::new();
        for action in Action::ALL {
            let Some(set) = sets.get(action.as_str()) else {
                continue;
            };
            for class in DataClass::ALL {
                for channel in Channel::ALL {
                    let known = folder(action.as_str())
                        .knowing(Var::Resource, "class", Value::from(class.as_str()))
                        .knowing(Var::Context, "channel", Value::from(channel.as_str()));
                    access.insert((action, class, channel), Slice::of(set, rule_of, &known));
                }
            }
        }
        Slices { by_action, access }
    }

    /// The slice of an action.
    pub(crate) fn get(&self, action: &str) -> Option<&Slice> {
        self.by_action.get(action)
    }

    /// The slice of an access request: its action, the class of its data, its channel.
    pub(crate) fn access(
        &self,
        action: Action,
        class: DataClass,
        channel: Channel,
    ) -> Option<&Slice> {
        self.access.get(&(action, class, channel))
    }

    /// Every slice, by action then what its requests are known to have.
    pub(crate) fn all(&self) -> Vec<&Slice> {
        let mut all: Vec<&Slice> = self
            .by_action
            .values()
            .chain(self.access.values())
            .collect();
        all.sort_by(|a, b| (&a.action, &a.known).cmp(&(&b.action, &b.known)));
        all
    }
}

/// The policies of a slice, each with its plan.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slice {
    /// The action of its requests.
    pub(crate) action: String,
    /// What else every request of the slice is known to have, as Cedar conditions.
    pub(crate) known: Vec<String>,
    /// Each policy, in slice order: what evaluating it reads.
    policies: Vec<Planned>,
    /// Each policy, in slice order: its texts, for Cedar's evaluator and for authors.
    texts: Vec<Texts>,
    /// The rules whose scope matches the action but whose residual is `false`: they can
    /// never hold for it, and are not evaluated.
    dropped: Vec<usize>,
    /// The nodes of the plans, and the attribute paths they read.
    plans: Plans,
}

/// One policy of a slice, as it is evaluated.
#[derive(Debug, Clone)]
struct Planned {
    /// The index of its rule in the pack.
    rule: usize,
    permit: bool,
    /// Its plan, or `None` when Cedar's evaluator evaluates it.
    plan: Option<Plan>,
}

/// One policy of a slice, as Cedar and authors read it.
#[derive(Debug, Clone)]
struct Texts {
    /// Its id as Cedar names it (in the messages of evaluation errors).
    id: String,
    /// `scope && when && !unless`, as `Policy::condition` builds it: what Cedar's
    /// evaluator answers where the plan cannot.
    condition: Expr,
    /// The condition rewritten for the slice (what `explain` shows).
    residual: Expr,
    /// What the residual uses that a plan does not compute, if anything.
    by_cedar: Option<String>,
}

/// How one policy of a slice is evaluated, for authors (`explain`, the checker).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlanNote {
    /// The index of its rule in the pack.
    pub(crate) rule: usize,
    /// The condition rewritten for the action, as Cedar text.
    pub(crate) residual: String,
    /// `None` when a plan evaluates it; otherwise why Cedar's evaluator does.
    pub(crate) by_cedar: Option<String>,
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
    /// The policies of `set` for the action `folder` fixes, each with its rule index
    /// (`rule_of`; a policy without one, none in a loaded pack, is kept with index
    /// `usize::MAX`, so it still decides), its residual and its plan. A policy whose
    /// residual is `false` never holds for the action and is left out.
    fn of(
        set: &PolicySet,
        rule_of: &dyn Fn(&cedar_policy::PolicyId) -> Option<usize>,
        folder: &Folder,
    ) -> Slice {
        let mut plans = Plans::default();
        let mut dropped = Vec::new();
        let mut compiled: Vec<(Planned, Texts)> = set
            .policies()
            .filter_map(|p| {
                let ast: &cedar_policy_core::ast::Policy = p.as_ref();
                let rule = rule_of(p.id()).unwrap_or(usize::MAX);
                let condition = ast.condition();
                let residual = folder.fold(&condition);
                if matches!(
                    residual.expr_kind(),
                    cedar_policy_core::ast::ExprKind::Lit(Literal::Bool(false))
                ) {
                    dropped.push(rule);
                    return None;
                }
                let plan = Plan::compile(&residual, folder, &mut plans);
                Some((
                    Planned {
                        rule,
                        permit: ast.effect() == Effect::Permit,
                        plan: plan.as_ref().ok().copied(),
                    },
                    Texts {
                        id: p.id().to_string(),
                        condition,
                        residual,
                        by_cedar: plan.err(),
                    },
                ))
            })
            .collect();
        // A fixed order, so that errors are listed alike on every run.
        compiled.sort_by_key(|(p, _)| p.rule);
        dropped.sort_unstable();
        let (policies, texts) = compiled.into_iter().unzip();
        Slice {
            action: folder.action_id(),
            known: folder.known(),
            policies,
            texts,
            dropped,
            plans,
        }
    }

    /// How each policy whose scope matches the action is evaluated, by rule index: those
    /// left out with the residual `false`.
    pub(crate) fn notes(&self) -> Vec<PlanNote> {
        let mut notes: Vec<PlanNote> = self
            .policies
            .iter()
            .zip(&self.texts)
            .map(|(p, t)| PlanNote {
                rule: p.rule,
                residual: t.residual.to_string(),
                by_cedar: t.by_cedar.clone(),
            })
            .chain(self.dropped.iter().map(|&rule| PlanNote {
                rule,
                residual: "false".to_owned(),
                by_cedar: None,
            }))
            .collect();
        notes.sort_by_key(|n| n.rule);
        notes
    }

    /// The answer to `request` on `world`: each policy by its plan, or by Cedar's
    /// evaluator on the entities of `world` the request can read where the plan stops.
    /// With `verify`, Cedar's evaluator also answers every policy a plan answered, and
    /// the second value lists the rules where the two differ (none, unless the engine
    /// has a bug; the answer is the plans', as when deciding).
    pub(crate) fn authorize<'a>(
        &'a self,
        world: &'a World,
        request: &'a PolicyRequest<'a>,
        verify: bool,
    ) -> (Answer, Vec<usize>) {
        let mut env = Env::new(world, request, &self.plans);
        // Cedar's side, built the first time it is needed.
        let mut cedar: Option<Result<CedarSide, String>> = None;
        let mut ask_cedar =
            |p: &Texts| match cedar.get_or_insert_with(|| CedarSide::new(world, request)) {
                Ok(side) => side.holds(p),
                Err(message) => Err(format!(
                    "error while evaluating policy `{}`: {message}",
                    p.id
                )),
            };
        let mut answer = Answer::default();
        let mut forbids = Vec::new();
        let mut disagreements = Vec::new();
        for (p, t) in self.policies.iter().zip(&self.texts) {
            let planned = p.plan.and_then(|plan| plan.holds(&mut env).ok());
            let held = match planned {
                Some(b) => {
                    if verify && ask_cedar(t) != Ok(b) {
                        disagreements.push(p.rule);
                    }
                    Ok(b)
                }
                None => ask_cedar(t),
            };
            match held {
                Ok(true) if p.permit => answer.permits.push(p.rule),
                Ok(true) => forbids.push(p.rule),
                Ok(false) => {}
                Err(message) => answer.errors.push((p.rule, message)),
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
        (answer, disagreements)
    }
}

/// Cedar's request and the entities it can read, for the policies Cedar's evaluator
/// answers.
struct CedarSide {
    request: cedar_policy_core::ast::Request,
    entities: cedar_policy_core::entities::Entities,
}

impl CedarSide {
    fn new(world: &World, request: &PolicyRequest<'_>) -> Result<CedarSide, String> {
        let request = request.to_cedar(&world.cedar.model)?;
        let request: cedar_policy_core::ast::Request = request.as_ref().clone();
        let entities = crate::cedar::entities::entities_for(world, &request);
        Ok(CedarSide { request, entities })
    }

    /// Whether the policy's condition holds, by Cedar's evaluator; `Err` with Cedar's
    /// message where it fails to evaluate.
    fn holds(&self, p: &Texts) -> Result<bool, String> {
        let evaluator = Evaluator::new(
            self.request.clone(),
            &self.entities,
            Extensions::all_available(),
        );
        match evaluator.interpret(&p.condition, &SlotEnv::new()) {
            Ok(value) => match value.value {
                ValueKind::Lit(Literal::Bool(b)) => Ok(b),
                _ => Err(format!(
                    "error while evaluating policy `{}`: the condition is not a boolean",
                    p.id
                )),
            },
            Err(e) => Err(format!("error while evaluating policy `{}`: {e}", p.id)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::pipeline::Run;
    use crate::engine::{Engine, Mode};
    use crate::ids::PolicyId;
    use crate::world::World;

    /// Cedar's own authoriser's answer, as pack ids in pack order, and its error
    /// messages, sorted: what a run's `Asked` holds.
    fn cedar(
        pack: &crate::RulePack,
        set: &PolicySet,
        request: &cedar_policy::Request,
        entities: &cedar_policy::Entities,
    ) -> (bool, Vec<PolicyId>, Vec<String>) {
        let response = cedar_policy::Authorizer::new().is_authorized(request, set, entities);
        let rule = |id: &cedar_policy::PolicyId| {
            pack.cedar_ids
                .get(id)
                .and_then(|id| pack.rules.get_index_of(id))
                .unwrap_or(usize::MAX)
        };
        let mut reason: Vec<usize> = response.diagnostics().reason().map(rule).collect();
        reason.sort_unstable();
        let mut errors: Vec<String> = response
            .diagnostics()
            .errors()
            .map(ToString::to_string)
            .collect();
        errors.sort();
        (
            response.decision() == cedar_policy::Decision::Allow,
            reason
                .into_iter()
                .filter_map(|i| pack.rules.get_index(i).map(|(id, _)| id.clone()))
                .collect(),
            errors,
        )
    }

    /// What a traced run asked agrees with Cedar's authoriser over the whole world: the
    /// same decision, the same determining policies, the same errors with the same
    /// messages; and every plan agreed with Cedar's evaluator. Returns whether any
    /// policy erred.
    fn agree(pack: &crate::RulePack, run: &Run, world: &World) -> bool {
        let Some(asked) = &run.reached.asked else {
            panic!("the run asked its pack")
        };
        let action = asked
            .request
            .action()
            .map(|uid| uid.id().unescaped().to_owned());
        let Some(action) = action else {
            panic!("an action")
        };
        let Some(set) = pack.slices.get(&action) else {
            panic!("a slice for `{action}`");
        };
        let whole = cedar_policy::Entities::from_entities(
            crate::cedar::entities::all_entities(world)
                .into_iter()
                .map(|e| cedar_policy::Entity::from(e.as_ref().clone())),
            None,
        )
        .unwrap_or_else(|e| panic!("the whole store: {e}"));
        let request = &asked.request;
        let (allowed, reason, errors) = cedar(pack, set, request, &whole);
        let mut ours = asked.errors.clone();
        ours.sort();
        assert_eq!(asked.allowed, allowed, "{action}: {request}");
        assert_eq!(asked.reason, reason, "{action}: {request}");
        assert_eq!(ours, errors, "{action}: {request}");
        assert!(
            run.reached.disagreements.is_empty(),
            "plans disagree with Cedar on {:?}: {request}",
            run.reached.disagreements
        );
        !ours.is_empty()
    }

    /// Every question of the built-in pack's shipped cases — every kind of question, every
    /// policy reached — is answered alike by the plans and by Cedar's authoriser.
    #[test]
    fn a_slice_answers_every_shipped_case_as_cedar_does() {
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
                if run.reached.asked.is_some() {
                    agree(pack, &run, &world);
                    asked += 1;
                }
            }
        }
        assert!(asked >= 85, "{asked}");
    }

    /// Every access slice of the built-in pack is planned whole: no policy is left to
    /// Cedar's evaluator on the hot path.
    #[test]
    fn every_shipped_policy_has_a_plan() {
        let Ok(engine) = Engine::builtin() else {
            panic!("the built-in pack loads")
        };
        for slice in engine.packs()[0].compiled.all() {
            for note in slice.notes() {
                assert_eq!(note.by_cedar, None, "{}: {}", slice.action, note.residual);
            }
        }
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
                if run.reached.asked.is_some() && agree(&pack, &run, &world) {
                    errored += 1;
                }
            }
        }
        assert!(errored > 0, "no request made the policy err");
    }
}
