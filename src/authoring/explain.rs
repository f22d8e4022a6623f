//! Explanations and traces: a decision together with every policy that was satisfied
//! while reaching it — permits that held on a deny included — for policy authors, test
//! runners and coverage. [`Engine::explain`](crate::Engine::explain) explains an access
//! decision; a [`Tracer`] traces any [`Question`]: access, lifecycle acts, catalog
//! proposals.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use chrono::{DateTime, FixedOffset};

use crate::catalog::CatalogProposal;
use crate::decision::Decision;
use crate::engine::{Ask, Engine, Mode};
use crate::ids::{AgreementId, PolicyId};
use crate::lifecycle::{
    NoticeCheckRequest, RestorationRequest, SuspendAllRequest, SuspensionRequest,
    TerminationRequest, Transition, UsageReportRequest,
};
use crate::refusal::Refusal;
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
    /// How the engine evaluated the policies of the request's action: each with its
    /// condition rewritten for the action when the pack loaded (see
    /// [`PolicyPlan`](crate::pack::PolicyPlan)); empty when no policy was evaluated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plans: Vec<crate::pack::PolicyPlan>,
    /// The policies whose plan answered otherwise than Cedar's evaluator for this
    /// request: an explanation evaluates every policy both ways. Always empty, unless the
    /// engine has a bug (the decision is the plans', as `decide` gives it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan_disagreements: Vec<PolicyId>,
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
    /// Was the notice of this suspension given as the law requires?
    /// ([`Engine::check_notice`]; compliant when allowed, each forbid a finding)
    CheckNotice(NoticeCheckRequest),
    /// Does this refusal state grounded reasons and was the competent authority
    /// notified? ([`Engine::check_refusal`]; valid when allowed, each forbid a finding)
    CheckRefusal(Refusal),
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
            Question::CheckNotice(_) => "check_notice",
            Question::CheckRefusal(_) => "check_refusal",
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
        self.ask().at()
    }

    /// The question, borrowed, as the engine's pipeline runs it.
    pub(crate) fn ask(&self) -> Ask<'_> {
        match self {
            Question::Access(r) => Ask::Access(r),
            Question::Suspension(r) => Ask::Suspension(r),
            Question::Restoration(r) => Ask::Restoration(r),
            Question::Termination(r) => Ask::Termination(r),
            Question::UsageReport(r) => Ask::UsageReport(r),
            Question::SuspendAll(r) => Ask::SuspendAll(r),
            Question::Catalog { proposal, at } => Ask::Catalog(proposal, *at),
            Question::CheckNotice(r) => Ask::CheckNotice(r),
            Question::CheckRefusal(r) => Ask::CheckRefusal(r),
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
    SuspendAll(SuspendAllRequest),
    CheckNotice(NoticeCheckRequest),
    CheckRefusal(Refusal)
);

/// An engine that answers every kind of [`Question`] exactly as it does and says which
/// policies each answer reached: for test runners and coverage. Build one with
/// [`Engine::tracer`]; deciding is [`Engine`]'s fast path.
///
/// A trace is a mode of the engine's one run of the question, not a second run: the
/// policies reached are those whose scope and conditions held in it — the permits and
/// forbids the decision rests on, and the permits that held when a prohibition won
/// (asked the same Cedar request, the permits of the same slice alone). A policy that
/// failed to evaluate is not reached.
#[derive(Debug, Clone, Copy)]
pub struct Tracer<'e> {
    engine: &'e Engine,
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
    /// The policies whose plan answered otherwise than Cedar's evaluator: a trace
    /// evaluates every policy both ways. Always empty, unless the engine has a bug.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan_disagreements: Vec<PolicyId>,
}

impl Engine {
    /// A tracer over this engine.
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
        Tracer { engine: self }
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
        let run = self.engine.run(world, question.ask(), Mode::Trace);
        Trace {
            decision: run.decision,
            transitions: run.transitions,
            satisfied: run.reached.satisfied,
            plan_disagreements: run.reached.disagreements,
        }
    }
}
