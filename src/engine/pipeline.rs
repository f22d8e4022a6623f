//! The one question pipeline. Every question — an access request, each lifecycle act, a
//! catalog proposal, the checks of notices and refusals — runs through [`Engine::run`]:
//!
//! 1. **pick the pack** in force for the territory of the question's data on the local
//!    date of its instant ([`Ask::place`], [`Ask::at`]), or the cited deny "no rule pack in
//!    force";
//! 2. **resolve the ids** the question names against the world (an unknown one is a cited
//!    deny before any rule runs);
//! 3. **build the context**, in `crate::cedar::context`, the one place each kind of
//!    question's Cedar request is built (the instants the rules compare are counted with
//!    the engine's calendar there);
//! 4. **ask Cedar** the pack's policies for the action ([`Engine::ask`]); an evaluation
//!    error is a deny that carries it (fail closed);
//! 5. **reasons**: the matched forbids of a deny, the matched permits of an allow, or the
//!    pack's "nothing permitted" reason ([`reasons_of`]);
//! 6. **consequences**: the duties, transitions and findings the answer creates, worded and
//!    timed by the pack;
//! 7. **advisories and readings** of the pack ([`finish`], [`party_advisories`]);
//! 8. **validity**: until when the answer holds ([`earliest_after`]).
//!
//! Explaining and tracing are a [`Mode`] of the same run: in [`Mode::Trace`] step 4 also
//! asks the permits of the same slice with the same request, so the run knows every
//! policy whose conditions held, and keeps the Cedar request its answer rests on (for the
//! exports). Nothing is decided twice.

use cedar_policy::{PolicySet, Request};

use crate::cedar::context::PolicyRequest;
use crate::cedar::evaluate::Slice;
use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::agency::AgencyKind;
use crate::catalog::CatalogProposal;
use crate::deadline::Deadline;
use crate::decision::{Advisory, Decision, Duty, Outcome, PackRef, Reason, ReasonKind};
use crate::engine::Engine;
use crate::ids::{AgencyId, PolicyId};
use crate::lifecycle::{
    NoticeCheckRequest, RestorationRequest, SuspendAllRequest, SuspensionRequest,
    TerminationRequest, Transition, UsageReportRequest,
};
use crate::model;
use crate::pack::RulePack;
use crate::refusal::Refusal;
use crate::request::AccessRequest;
use crate::world::{Located, Place, World};

/// What a run keeps besides the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// The answer only: the fast path of `decide` and its siblings.
    Decide,
    /// The answer and what it reached ([`Reached`]): for explanations, traces, coverage
    /// and the exports to Cedar's own tools.
    Trace,
}

/// A question, borrowed: what the pipeline runs. [`Question`](crate::Question) is its
/// owned, serialisable form.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ask<'q> {
    Access(&'q AccessRequest),
    Suspension(&'q SuspensionRequest),
    Restoration(&'q RestorationRequest),
    Termination(&'q TerminationRequest),
    UsageReport(&'q UsageReportRequest),
    SuspendAll(&'q SuspendAllRequest),
    Catalog(&'q CatalogProposal, DateTime<FixedOffset>),
    CheckNotice(&'q NoticeCheckRequest),
    CheckRefusal(&'q Refusal),
}

impl<'q> Ask<'q> {
    /// What the question is about, for its pack: the territory of this data decides.
    pub(crate) fn place(&self) -> Place<'q> {
        match *self {
            Ask::Access(r) => Place::Dataset(&r.dataset),
            Ask::Suspension(r) => Place::Agreement(&r.agreement),
            Ask::Restoration(r) => Place::Agreement(&r.agreement),
            Ask::Termination(r) => Place::Agreement(&r.agreement),
            Ask::UsageReport(r) => Place::Agreement(&r.agreement),
            Ask::SuspendAll(r) => Place::Database(&r.database),
            Ask::Catalog(p, _) => Place::Database(&p.database),
            Ask::CheckNotice(r) => Place::Agreement(&r.suspension.agreement),
            Ask::CheckRefusal(r) => r.place(),
        }
    }

    /// The question's instant: it picks the pack and is `context.now`.
    pub(crate) fn at(&self) -> DateTime<FixedOffset> {
        match *self {
            Ask::Access(r) => r.at,
            Ask::Suspension(r) => r.at,
            Ask::Restoration(r) => r.at,
            Ask::Termination(r) => r.at,
            Ask::UsageReport(r) => r.at,
            Ask::SuspendAll(r) => r.at,
            Ask::Catalog(_, at) => at,
            Ask::CheckNotice(r) => r.now,
            Ask::CheckRefusal(r) => r.at,
        }
    }
}

/// The answer of one run of the pipeline.
#[derive(Debug)]
pub(crate) struct Run {
    /// The decision.
    pub(crate) decision: Decision,
    /// The status changes of an allowed lifecycle act.
    pub(crate) transitions: Vec<Transition>,
    /// The deadline a notice check counted.
    pub(crate) deadline: Option<Deadline>,
    /// What the run reached; filled in [`Mode::Trace`] only.
    pub(crate) reached: Reached,
}

/// What a run reached, in [`Mode::Trace`].
#[derive(Debug, Default)]
pub(crate) struct Reached {
    /// Whether the pack's policies were asked at all.
    pub(crate) evaluated: bool,
    /// The policies of the slice asked, in pack order.
    pub(crate) applicable: Vec<PolicyId>,
    /// The policies whose scope and conditions held (permits and forbids), in pack order.
    pub(crate) satisfied: Vec<PolicyId>,
    /// The policies that failed to evaluate.
    pub(crate) errored: Vec<PolicyId>,
    /// What Cedar was asked, and answered, for the answer: the request it rests on.
    pub(crate) asked: Option<Asked>,
    /// The policies whose plan answered otherwise than Cedar's evaluator, for the
    /// request the answer rests on (none, unless the engine has a bug).
    pub(crate) disagreements: Vec<PolicyId>,
}

/// A Cedar request the engine asked, and Cedar's own answer to it (before the engine's
/// fail-closed reading of errors): what the exports hand Cedar's tools.
#[derive(Debug)]
pub(crate) struct Asked {
    /// The request.
    pub(crate) request: Request,
    /// Whether Cedar allowed.
    pub(crate) allowed: bool,
    /// The determining policies Cedar named, in pack order.
    pub(crate) reason: Vec<PolicyId>,
    /// The messages of the policies that failed to evaluate, in slice order.
    pub(crate) errors: Vec<String>,
}

impl Run {
    /// A run that asked Cedar: its decision and, in [`Mode::Trace`], what the evaluation
    /// of `action` reached.
    pub(crate) fn answered(
        decision: Decision,
        pack: &RulePack,
        action: &str,
        eval: Evaluation,
        mode: Mode,
    ) -> Run {
        Run {
            decision,
            transitions: Vec::new(),
            deadline: None,
            reached: match mode {
                Mode::Decide => Reached::default(),
                Mode::Trace => Reached::of(pack, action, eval),
            },
        }
    }

    /// The deny of a question refused before asking Cedar, on `date`, its reasons the
    /// engine's (an unknown reference, an instant Cedar cannot take).
    pub(crate) fn refused_with(
        pack: &RulePack,
        reasons: Vec<Reason>,
        date: NaiveDate,
        agreement: Option<crate::ids::AgreementId>,
    ) -> Run {
        Run::refused(finish(
            pack,
            Outcome::Deny,
            reasons,
            Vec::new(),
            date,
            None,
            agreement,
            None,
        ))
    }

    /// A run that ended before asking Cedar.
    pub(crate) fn refused(decision: Decision) -> Run {
        Run {
            decision,
            transitions: Vec::new(),
            deadline: None,
            reached: Reached::default(),
        }
    }
}

impl Reached {
    /// What an evaluation of `action`'s slice reached.
    pub(crate) fn of(pack: &RulePack, action: &str, eval: Evaluation) -> Reached {
        let id_at = |i: &usize| pack.rules.get_index(*i).map(|(id, _)| id.clone());
        let mut satisfied: Vec<usize> = eval.matched.iter().chain(&eval.held).copied().collect();
        satisfied.sort_unstable();
        satisfied.dedup();
        let mut applicable: Vec<usize> = pack
            .slices
            .get(action)
            .into_iter()
            .flat_map(PolicySet::policies)
            .filter_map(|p| pack.cedar_ids.get(p.id()))
            .filter_map(|id| pack.rules.get_index_of(id))
            .collect();
        applicable.sort_unstable();
        let asked = eval.request.map(|request| Asked {
            request,
            allowed: eval.allowed,
            reason: eval.matched.iter().filter_map(id_at).collect(),
            errors: eval.errors.iter().map(|(_, m)| m.clone()).collect(),
        });
        Reached {
            evaluated: eval.evaluated,
            applicable: applicable.iter().filter_map(id_at).collect(),
            satisfied: satisfied.iter().filter_map(id_at).collect(),
            errored: eval.errors.into_iter().filter_map(|(p, _)| p).collect(),
            asked,
            disagreements: eval.disagreements,
        }
    }
}

impl Engine {
    /// Runs a question through the pipeline (see the module's documentation). Never fails
    /// and never panics: every problem is a deny whose reasons say so.
    pub(crate) fn run(&self, world: &World, ask: Ask<'_>, mode: Mode) -> Run {
        // 1. The pack in force for the territory of the question's data.
        let at = ask.at();
        let located = world.locate(ask.place());
        let territory = located.territory;
        let date = model::local_date(at);
        let mut run = match self.pack_in_force(territory, date) {
            None => Run::refused(self.no_pack(territory, date, at)),
            Some((_, pack)) => self.run_in(pack, world, &ask, &located, mode),
        };
        // What the decision rests on, for caches (`depends`).
        run.decision.depends_on =
            crate::engine::depends::dependencies(world, &ask, &located, &run.decision);
        run
    }

    /// Steps 2–8 under the pack in force, by kind of question.
    fn run_in(
        &self,
        pack: &RulePack,
        world: &World,
        ask: &Ask<'_>,
        located: &Located<'_>,
        mode: Mode,
    ) -> Run {
        match *ask {
            Ask::Access(request) => self.run_access(pack, world, request, located, mode),
            Ask::Catalog(proposal, at) => self.run_catalog(pack, world, proposal, at, mode),
            Ask::Suspension(r) => self.run_suspension(pack, world, r, mode),
            Ask::Restoration(r) => self.run_restoration(pack, world, r, mode),
            Ask::Termination(r) => self.run_termination(pack, world, r, mode),
            Ask::UsageReport(r) => self.run_usage_report(pack, world, r, mode),
            Ask::SuspendAll(r) => self.run_suspend_all(pack, world, r, mode),
            Ask::CheckNotice(r) => self.run_notice_check(pack, world, r, mode),
            Ask::CheckRefusal(r) => self.run_refusal_check(pack, world, r, mode),
        }
    }
}

/// Step 5: the outcome and reasons of an evaluation, after the reasons found before
/// asking (`early`, which deny whatever Cedar answers): on a deny the matched forbids and
/// every evaluation error, on an allow the matched permits; a deny left without any is
/// given the pack's `nothing_permitted` reason.
pub(crate) fn reasons_of(
    pack: &RulePack,
    eval: &Evaluation,
    mut early: Vec<Reason>,
    nothing_permitted: &str,
    facts: &[(&str, String)],
) -> (Outcome, Vec<Reason>) {
    let outcome = if early.is_empty() {
        eval.outcome()
    } else {
        Outcome::Deny
    };
    push_reasons(pack, eval, outcome, facts, &mut early);
    if outcome == Outcome::Deny && early.is_empty() {
        early.push(pack.reason(nothing_permitted, ReasonKind::NothingPermitted, None));
    }
    (outcome, early)
}

/// One evaluation of the pack against one candidate agreement.
pub(crate) struct Evaluation {
    pub(crate) allowed: bool,
    /// Indexes of matched rules in the pack, sorted.
    pub(crate) matched: Vec<usize>,
    /// (policy, message) of evaluation errors.
    pub(crate) errors: Vec<(Option<PolicyId>, String)>,
    pub(crate) agreement: Option<crate::ids::AgreementId>,
    /// In [`Mode::Trace`], the indexes of the permits whose conditions held, sorted
    /// (a permit that held on a deny included); empty otherwise.
    pub(crate) held: Vec<usize>,
    /// Whether the slice was asked (`false` when the evaluation could not run).
    pub(crate) evaluated: bool,
    /// In [`Mode::Trace`], Cedar's form of the request asked; `None` otherwise, and when
    /// the evaluation could not run.
    pub(crate) request: Option<Request>,
    /// In [`Mode::Trace`], the policies whose plan answered otherwise than Cedar's
    /// evaluator (none, unless the engine has a bug).
    pub(crate) disagreements: Vec<PolicyId>,
}

impl Evaluation {
    /// An evaluation that could not run: a deny carrying the error.
    pub(crate) fn failed(
        message: String,
        agreement: Option<crate::ids::AgreementId>,
    ) -> Evaluation {
        Evaluation {
            allowed: false,
            matched: Vec::new(),
            errors: vec![(None, message)],
            agreement,
            held: Vec::new(),
            evaluated: false,
            request: None,
            disagreements: Vec::new(),
        }
    }

    /// Whether this evaluation allows: Cedar allowed and no policy failed to evaluate
    /// (Cedar skips an erroring policy; we fail closed, so an error is a deny under this
    /// candidate — and does not hide another candidate that allows cleanly).
    pub(crate) fn allows(&self) -> bool {
        self.allowed && self.errors.is_empty()
    }

    /// How far this refused candidate is from the agreement the request is about, as
    /// the pack's `candidate_ranking` counts it, then how many grounds it has; the
    /// smaller ranks first, and equal ranks keep the first candidate (by agreement id).
    pub(crate) fn rank(&self, pack: &RulePack) -> (u32, usize) {
        let off_request = self
            .matched
            .iter()
            .filter_map(|&i| pack.rank_masks.get(i))
            .fold(0, |mask, bits| mask | bits);
        (off_request, self.matched.len() + self.errors.len())
    }
}

impl Evaluation {
    /// Allow only when Cedar allowed and nothing failed to evaluate (fail closed).
    pub(crate) fn outcome(&self) -> Outcome {
        if self.allowed && self.errors.is_empty() {
            Outcome::Allow
        } else {
            Outcome::Deny
        }
    }
}

/// What a lifecycle act or a catalog proposal puts to its pack, built once (steps 2–3).
pub(crate) struct Query<'p, 'w> {
    /// The action asked.
    pub(crate) action: &'static str,
    /// Reasons found before asking. With `asked` `None` they are the deny's reasons;
    /// otherwise they deny whatever Cedar answers (an unknown master-data id).
    pub(crate) reasons: Vec<Reason>,
    /// The request, or why it could not be made (an evaluation error); `None` when
    /// nothing is asked.
    pub(crate) asked: Option<Result<PolicyRequest<'w>, String>>,
    /// The pack the query is put to.
    pub(crate) pack: &'p RulePack,
}

/// Appends the reasons of an evaluation: on a deny the matched forbids and every
/// evaluation error, on an allow the matched permits. A deny left without any reason is
/// the caller's to explain ("nothing permitted this").
pub(crate) fn push_reasons(
    pack: &RulePack,
    eval: &Evaluation,
    outcome: Outcome,
    facts: &[(&str, String)],
    reasons: &mut Vec<Reason>,
) {
    for &i in &eval.matched {
        if let Some((_, rule)) = pack.rules.get_index(i) {
            // On a deny, only forbids are grounds; on an allow, only permits.
            if rule.permit == (outcome == Outcome::Allow) {
                reasons.push(Reason {
                    code: rule.code.clone(),
                    clause: rule.clause.clone(),
                    see: rule.see.clone(),
                    vi: rule.vi.clone(),
                    en: rule.en.clone(),
                    kind: if rule.permit {
                        ReasonKind::Permit
                    } else {
                        ReasonKind::Forbid
                    },
                    policy: Some(rule.id.clone()),
                    detail: rule.detail.as_deref().map(|t| crate::pack::fill(t, facts)),
                });
            }
        }
    }
    for (policy, message) in &eval.errors {
        let mut r = engine_reason(
            pack,
            "evaluation_error",
            ReasonKind::EvaluationError,
            Some(message.clone()),
        );
        r.policy = policy.clone();
        reasons.push(r);
    }
}

/// A reason the engine gives itself, worded by the pack ([`RulePack::reason`]).
pub(crate) fn engine_reason(
    pack: &RulePack,
    code: &str,
    kind: ReasonKind,
    detail: Option<String>,
) -> Reason {
    pack.reason(code, kind, detail)
}

/// Adds to a decision made at `at` the pack's advisories that concern a party it names:
/// those in force on `at`'s local date whose `party_kinds` hold the kind of one of
/// `parties` (agencies unknown to the world are skipped). One that comes into force later
/// bounds the decision's validity.
pub(crate) fn party_advisories<'a>(
    pack: &RulePack,
    world: &World,
    at: DateTime<FixedOffset>,
    parties: impl IntoIterator<Item = &'a AgencyId>,
    decision: &mut Decision,
) {
    let date = model::local_date(at);
    let kinds: Vec<AgencyKind> = parties
        .into_iter()
        .filter_map(|id| world.agencies.get(id))
        .map(|a| a.kind)
        .collect();
    let concerning = pack
        .manifest
        .advisories
        .iter()
        .filter(|a| a.party_kinds.iter().any(|k| kinds.contains(k)));
    for a in concerning {
        if a.from <= date {
            decision.advisories.push(Advisory::from(a));
        } else if let Some(start) = model::start_of_local_day(a.from).filter(|s| *s > at) {
            let start = start.with_timezone(&crate::time::VIETNAM_OFFSET);
            decision.valid_until = Some(decision.valid_until.map_or(start, |v| v.min(start)));
        }
    }
}

/// The agencies a decision names: in its duties (provider, consumer, requester, the
/// authority to notify).
pub(crate) fn duty_parties(decision: &Decision) -> Vec<AgencyId> {
    let mut out = Vec::new();
    for duty in &decision.duties {
        match duty {
            Duty::LogRequest {
                provider, consumer, ..
            }
            | Duty::NotifyConsumer {
                provider, consumer, ..
            }
            | Duty::ReportUsage {
                provider, consumer, ..
            } => out.extend([provider.clone(), consumer.clone()]),
            Duty::ReportRefusal {
                provider,
                requester,
                authority,
                ..
            } => {
                out.extend([provider.clone(), requester.clone()]);
                out.extend(authority.clone());
            }
            Duty::PublicNotice {
                provider,
                consumers,
                ..
            } => {
                out.push(provider.clone());
                out.extend(consumers.iter().cloned());
            }
        }
    }
    out
}

pub(crate) fn valid_until(
    pack: &RulePack,
    at: DateTime<FixedOffset>,
    times: Vec<DateTime<FixedOffset>>,
) -> Option<DateTime<FixedOffset>> {
    earliest_after(pack, at, times)
}

/// [`valid_until`] over any sequence of times, with nothing allocated.
pub(crate) fn earliest_after(
    pack: &RulePack,
    at: DateTime<FixedOffset>,
    times: impl IntoIterator<Item = DateTime<FixedOffset>>,
) -> Option<DateTime<FixedOffset>> {
    // An advisory about some parties only bounds the decisions that name them
    // (`party_advisories`).
    let pack_times = pack
        .manifest
        .advisories
        .iter()
        .filter(|a| a.party_kinds.is_empty())
        .filter_map(|a| model::start_of_local_day(a.from))
        .chain(
            pack.manifest
                .effective_until
                .and_then(model::start_of_local_day),
        );
    // Cedar sees instants to the millisecond (model::cedar_datetime_text), so a time is
    // crossed, for the policies, at its whole millisecond.
    times
        .into_iter()
        .chain(pack_times)
        .map(model::whole_millisecond)
        .filter(|t| *t > at)
        .min()
        .map(|t| t.with_timezone(&crate::time::VIETNAM_OFFSET))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn finish(
    pack: &RulePack,
    outcome: Outcome,
    reasons: Vec<Reason>,
    duties: Vec<Duty>,
    date: NaiveDate,
    holder_kind: Option<AgencyKind>,
    agreement: Option<crate::ids::AgreementId>,
    valid_until: Option<DateTime<FixedOffset>>,
) -> Decision {
    let mut advisories: Vec<Advisory> = pack
        .manifest
        .advisories
        .iter()
        .filter(|a| a.from <= date && a.party_kinds.is_empty())
        .map(Advisory::from)
        .collect();
    if let Some(kind) = holder_kind {
        advisories.extend(
            pack.manifest
                .readings
                .iter()
                .filter(|r| r.holder_kinds.contains(&kind))
                .map(Advisory::from),
        );
    }
    Decision {
        outcome,
        reasons,
        duties,
        advisories,
        pack: Some(PackRef::of(pack)),
        agreement,
        valid_until,
        depends_on: Vec::new(),
    }
}

impl Engine {
    /// Step 4 for a built request of `action`: the pack's slice for it asked, or the
    /// evaluation error that says why it could not be (fail closed).
    pub(crate) fn ask_pack(
        &self,
        pack: &RulePack,
        action: &str,
        world: &World,
        request: Result<PolicyRequest<'_>, String>,
        mode: Mode,
    ) -> Evaluation {
        match (request, pack.compiled.get(action)) {
            (Ok(request), Some(slice)) => self.ask(pack, slice, world, &request, mode),
            (Ok(_), None) => Evaluation::failed(
                format!("the pack has no policies for action `{action}`"),
                None,
            ),
            (Err(message), _) => Evaluation::failed(message, None),
        }
    }

    /// Steps 4–5 of a lifecycle act or a catalog proposal: its query asked, and the
    /// outcome and reasons of the answer; `Err` with the reasons when nothing was asked.
    pub(crate) fn settle(
        &self,
        world: &World,
        query: Query<'_, '_>,
        nothing_permitted: &str,
        mode: Mode,
    ) -> Result<(Outcome, Vec<Reason>, Evaluation), Vec<Reason>> {
        let Some(request) = query.asked else {
            return Err(query.reasons);
        };
        let eval = self.ask_pack(query.pack, query.action, world, request, mode);
        let (outcome, reasons) =
            reasons_of(query.pack, &eval, query.reasons, nothing_permitted, &[]);
        Ok((outcome, reasons, eval))
    }

    /// Step 4: asks a slice of the pack a built request — each policy by its plan, or by
    /// Cedar's evaluator where the plan cannot answer (`crate::cedar::evaluate`) — and
    /// maps the answer to the pack's rules. In [`Mode::Trace`] the evaluation keeps the
    /// permits that held, a permit that held on a deny included, and Cedar's form of the
    /// request (for the exports).
    pub(crate) fn ask(
        &self,
        pack: &RulePack,
        slice: &Slice,
        world: &World,
        request: &PolicyRequest<'_>,
        mode: Mode,
    ) -> Evaluation {
        // A trace also has Cedar's evaluator answer every policy a plan answered.
        let (answer, disagreements) = slice.authorize(world, request, mode == Mode::Trace);
        let errors = answer
            .errors
            .into_iter()
            .map(|(rule, message)| {
                (
                    pack.rules.get_index(rule).map(|(id, _)| id.clone()),
                    message,
                )
            })
            .collect();
        let (held, request) = match mode {
            Mode::Decide => (Vec::new(), None),
            Mode::Trace => (answer.permits, request.to_cedar(&world.cedar.model).ok()),
        };
        Evaluation {
            allowed: answer.allowed,
            matched: answer.reason,
            errors,
            agreement: None,
            held,
            evaluated: true,
            request,
            disagreements: disagreements
                .into_iter()
                .filter_map(|rule| pack.rules.get_index(rule).map(|(id, _)| id.clone()))
                .collect(),
        }
    }
}
