//! Explanations and traces: a decision together with every policy that was satisfied
//! while reaching it — permits that held on a deny included — for policy authors, test
//! runners and coverage. [`Engine::explain`](crate::Engine::explain) explains an access
//! decision; a [`Tracer`] traces any [`Question`]: access, lifecycle acts, catalog
//! proposals.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use chrono::{DateTime, FixedOffset};

use crate::catalog::CatalogProposal;
use crate::decision::{Decision, ReasonKind};
use crate::engine::Engine;
use crate::ids::{AgreementId, PolicyId};
use crate::lifecycle::{
    LifecycleDecision, RestorationRequest, SuspendAllRequest, SuspensionRequest,
    TerminationRequest, Transition, UsageReportRequest,
};
use crate::request::AccessRequest;
use crate::world::World;

/// A decision with its trace: which policies of the pack applied to the action, which
/// were satisfied (their conditions held, whatever their effect), and which failed to
/// evaluate.
///
/// A [`Decision`] lists as reasons only the policies that ground its outcome: the
/// permits of an allow, the forbids of a deny. An explanation also names a permit that
/// held on a deny (the right existed, but a prohibition won), which is what a coverage
/// measure needs: that policy was reached by the test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Explanation {
    /// The decision, exactly as [`Engine::decide`](crate::Engine::decide) gives it.
    pub decision: Decision,
    /// Whether the pack's policies were evaluated at all: `false` when the request was
    /// refused before (unknown account or dataset, no pack in force, a time out of range).
    pub evaluated: bool,
    /// The agreement that was put in the context (`context.agreement`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<AgreementId>,
    /// The policies whose action scope matches the request's action, in pack order.
    pub applicable: Vec<PolicyId>,
    /// The policies whose scope and conditions held, permits and forbids, in pack order.
    pub satisfied: Vec<PolicyId>,
    /// The policies that failed to evaluate (the engine denies on any such error).
    pub errored: Vec<PolicyId>,
}

impl Explanation {
    /// Whether a policy was satisfied.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Engine, World};
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// // Through the LGSP, but not at the citizen's request.
    /// let unasked = AccessRequest::new(
    ///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
    ///     Channel::Lgsp, "administrative-procedures".parse()?,
    ///     "2024-06-03T09:30:00+07:00".parse()?,
    /// );
    /// let explanation = Engine::builtin()?.explain(&world, &unasked);
    /// // Denied: the right to shared data held, but the protection of personal data won.
    /// assert!(!explanation.decision.is_allowed());
    /// assert!(explanation.satisfied(&"access.agency-shared-data".parse()?));
    /// assert!(explanation.satisfied(&"access.personal-data-without-request".parse()?));
    /// assert!(!explanation.satisfied(&"access.direct-connection".parse()?));
    /// assert!(!explanation.satisfied(&"access.public-open-data".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn satisfied(&self, id: &PolicyId) -> bool {
        self.satisfied.contains(id)
    }
}

/// A question put to the engine: an access request, a lifecycle act or a catalog
/// proposal. Pack test cases hold one; a [`Tracer`] answers any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Question {
    /// May this account read this dataset? ([`Engine::decide`])
    Access(AccessRequest),
    /// May the provider suspend this consumer? ([`Engine::decide_suspension`])
    Suspension(SuspensionRequest),
    /// May the provider restore this agreement? ([`Engine::decide_restoration`])
    Restoration(RestorationRequest),
    /// May the provider terminate this agreement? ([`Engine::decide_termination`])
    Termination(TerminationRequest),
    /// May the provider require a usage report? ([`Engine::decide_usage_report`])
    UsageReport(UsageReportRequest),
    /// May the provider suspend every consumer of a database?
    /// ([`Engine::decide_suspend_all`])
    SuspendAll(SuspendAllRequest),
    /// Is this catalog proposal eligible at `at`? ([`Engine::decide_catalog`])
    Catalog {
        /// The proposal.
        proposal: CatalogProposal,
        /// When it is decided.
        at: DateTime<FixedOffset>,
    },
}

impl Question {
    /// The name of the act, as test files write it: `access`, `suspend`, `restore`,
    /// `terminate`, `usage_report`, `suspend_all`, `catalog`.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Question, TerminationRequest};
    ///
    /// let question = Question::from(TerminationRequest {
    ///     provider: "so-tp".parse()?, agreement: "agr.tp.so-tnmt".parse()?,
    ///     at: "2024-06-03T09:00:00+07:00".parse()?,
    /// });
    /// assert_eq!(question.act(), "terminate");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn act(&self) -> &'static str {
        match self {
            Question::Access(_) => "access",
            Question::Suspension(_) => "suspend",
            Question::Restoration(_) => "restore",
            Question::Termination(_) => "terminate",
            Question::UsageReport(_) => "usage_report",
            Question::SuspendAll(_) => "suspend_all",
            Question::Catalog { .. } => "catalog",
        }
    }

    /// When the question is asked.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Question};
    ///
    /// let request = AccessRequest::new(
    ///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
    ///     Channel::Lgsp, "administrative-procedures".parse()?,
    ///     "2024-06-03T09:30:00+07:00".parse()?,
    /// );
    /// let question = Question::from(request.clone());
    /// assert_eq!((question.act(), question.at()), ("access", request.at));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn at(&self) -> DateTime<FixedOffset> {
        match self {
            Question::Access(r) => r.at,
            Question::Suspension(r) => r.at,
            Question::Restoration(r) => r.at,
            Question::Termination(r) => r.at,
            Question::UsageReport(r) => r.at,
            Question::SuspendAll(r) => r.at,
            Question::Catalog { at, .. } => *at,
        }
    }

    /// What the question is about, for the pack that decides it: the data's territory
    /// (`docs/TERRITORIES.md`), as each `Engine::decide_*` chooses it.
    pub(crate) fn place(&self) -> crate::world::Place<'_> {
        use crate::world::Place;
        match self {
            Question::Access(r) => Place::Dataset(&r.dataset),
            Question::Suspension(r) => Place::Agreement(&r.agreement),
            Question::Restoration(r) => Place::Agreement(&r.agreement),
            Question::Termination(r) => Place::Agreement(&r.agreement),
            Question::UsageReport(r) => Place::Agreement(&r.agreement),
            Question::SuspendAll(r) => Place::Database(&r.database),
            Question::Catalog { proposal, .. } => Place::Database(&proposal.database),
        }
    }

    /// Answers the question: the decision and, for a lifecycle act, its transitions.
    fn answer(&self, engine: &Engine, world: &World) -> LifecycleDecision {
        let plain = |decision| LifecycleDecision {
            decision,
            transitions: Vec::new(),
        };
        match self {
            Question::Access(r) => plain(engine.decide(world, r)),
            Question::Suspension(r) => engine.decide_suspension(world, r),
            Question::Restoration(r) => engine.decide_restoration(world, r),
            Question::Termination(r) => engine.decide_termination(world, r),
            Question::UsageReport(r) => engine.decide_usage_report(world, r),
            Question::SuspendAll(r) => engine.decide_suspend_all(world, r),
            Question::Catalog { proposal, at } => {
                plain(engine.decide_catalog(world, proposal, *at))
            }
        }
    }
}

macro_rules! question_from {
    ($($variant:ident($ty:ty)),*) => {$(
        impl From<$ty> for Question {
            fn from(r: $ty) -> Question {
                Question::$variant(r)
            }
        }
    )*};
}

question_from!(
    Access(AccessRequest),
    Suspension(SuspensionRequest),
    Restoration(RestorationRequest),
    Termination(TerminationRequest),
    UsageReport(UsageReportRequest),
    SuspendAll(SuspendAllRequest)
);

/// An engine that answers every kind of [`Question`] exactly as it does and says which
/// policies each answer reached: for test runners and coverage. Build one with
/// [`Engine::tracer`] and reuse it; deciding is [`Engine`]'s fast path.
///
/// The policies reached are those whose scope and conditions held: the permits and
/// forbids the decision rests on, and the permits that held when a prohibition won. For
/// access the trace is [`Engine::explain`]'s. For the other questions the permits that
/// held on a deny are found by asking the same question with the forbids set aside; a
/// permit is then missed only when another permit failed to evaluate in the same
/// question (the trace never names a policy that did not hold).
#[derive(Debug, Clone)]
pub struct Tracer<'e> {
    engine: &'e Engine,
    permits_only: Engine,
}

/// A traced answer. [`Tracer::trace`] and [`Engine::tracer`] show one read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Trace {
    /// The decision, exactly as the engine gives it.
    pub decision: Decision,
    /// The status changes of a lifecycle act (empty otherwise, or when denied).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<Transition>,
    /// The policies whose scope and conditions held, in pack order.
    pub satisfied: Vec<PolicyId>,
}

impl Engine {
    /// A tracer over this engine (it copies the engine's packs once, without their
    /// forbids).
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, Question, TerminationRequest, World};
    /// use lgsp_policy::time::Calendar;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let engine = Engine::builtin()?;
    /// let tracer = engine.tracer();
    /// // The consumer, not the provider, asks to terminate.
    /// let question = Question::Termination(TerminationRequest {
    ///     provider: "so-tnmt".parse()?, agreement: "agr.tp.so-tnmt".parse()?,
    ///     at: "2024-06-03T09:00:00+07:00".parse()?,
    /// });
    /// let trace = tracer.trace(&world, &question);
    /// assert!(!trace.decision.is_allowed());
    /// assert!(!trace.satisfied.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn tracer(&self) -> Tracer<'_> {
        Tracer {
            engine: self,
            permits_only: self.permits_only(),
        }
    }
}

impl Tracer<'_> {
    /// Answers a question and traces the policies it reached. Never fails, like the
    /// engine.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Engine, Question, World};
    /// use lgsp_policy::time::Calendar;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// // Through the LGSP, but not at the citizen's request.
    /// let unasked = AccessRequest::new(
    ///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
    ///     Channel::Lgsp, "administrative-procedures".parse()?,
    ///     "2024-06-03T09:30:00+07:00".parse()?,
    /// );
    /// let engine = Engine::builtin()?;
    /// let trace = engine.tracer().trace(&world, &Question::from(unasked.clone()));
    /// // The same decision as `decide`, and the policies reached: the permit that held too.
    /// assert_eq!(trace.decision, engine.decide(&world, &unasked));
    /// let reached: Vec<&str> = trace.satisfied.iter().map(|p| p.as_str()).collect();
    /// assert!(reached.contains(&"access.agency-shared-data"));
    /// assert!(reached.contains(&"access.personal-data-without-request"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn trace(&self, world: &World, question: &Question) -> Trace {
        if let Question::Access(request) = question {
            let explanation = self.engine.explain(world, request);
            return Trace {
                decision: explanation.decision,
                transitions: Vec::new(),
                satisfied: explanation.satisfied,
            };
        }
        let answer = question.answer(self.engine, world);
        let permits = question.answer(&self.permits_only, world);
        let cited = |d: &Decision, kinds: &[ReasonKind]| -> Vec<PolicyId> {
            d.reasons
                .iter()
                .filter(|r| kinds.contains(&r.kind))
                .filter_map(|r| r.policy.clone())
                .collect()
        };
        let mut held = cited(&answer.decision, &[ReasonKind::Permit, ReasonKind::Forbid]);
        held.extend(cited(&permits.decision, &[ReasonKind::Permit]));
        let pack = answer
            .decision
            .pack
            .as_ref()
            .and_then(|r| self.engine.packs().iter().find(|p| p.manifest().id == r.id));
        let satisfied = match pack {
            Some(pack) => pack
                .rules()
                .filter(|r| held.contains(&r.id))
                .map(|r| r.id.clone())
                .collect(),
            None => Vec::new(),
        };
        Trace {
            decision: answer.decision,
            transitions: answer.transitions,
            satisfied,
        }
    }
}
