//! Access requests (QD05/2024 Đ17, in the built-in pack): the facts a request gives the
//! rules, the candidate agreements it is asked under, and the log and refusal duties an
//! answer creates. Steps 2–8 of the pipeline ([`super::pipeline`]) for this question.

use crate::cedar::evaluate::Slice;

use crate::account::Account;
use crate::agency::AgencyKind;
use crate::agreement::SharingAgreement;
use crate::data::{Database, Dataset};
use crate::deadline::{
    PeriodEnd, calendar_gap_advisory, minimum_period_end, period_end, provisional_calendar_advisory,
};
use crate::decision::{Advisory, Decision, Duty, Outcome, ReasonKind};
use crate::engine::Engine;
use crate::engine::pipeline::{
    Ask, Evaluation, Mode, Run, duty_parties, earliest_after, engine_reason, finish,
    party_advisories, reasons_of, valid_until,
};
use crate::model;
use crate::pack::RulePack;
use crate::request::AccessRequest;
use crate::world::{Located, World};

impl Engine {
    /// Decides an access request against a world. Never fails and never panics: an unknown
    /// account or dataset, a time outside every pack, or a policy that fails to evaluate is
    /// a deny whose reasons say so.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Engine, World, WorldData};
    ///
    /// let engine = Engine::builtin()?;
    /// let world = World::new(WorldData::new("VN-32".parse()?))?;
    /// let request = AccessRequest::new(
    ///     "ghost".parse()?, Action::Query, "nothing".parse()?, Channel::Lgsp,
    ///     "administrative-procedures".parse()?, "2024-06-03T09:00:00+07:00".parse()?,
    /// );
    /// let decision = engine.decide(&world, &request);
    /// assert!(!decision.is_allowed());
    /// assert!(decision.has_reason("unknown_account"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide(&self, world: &World, request: &AccessRequest) -> Decision {
        self.run(world, Ask::Access(request), Mode::Decide).decision
    }

    /// Steps 2–8 of the pipeline for an access request, under the pack in force.
    pub(crate) fn run_access(
        &self,
        pack: &RulePack,
        world: &World,
        request: &AccessRequest,
        located: &Located<'_>,
        mode: Mode,
    ) -> Run {
        let date = model::local_date(request.at);
        let action = request.action.as_str();
        // 2. The ids: the account and the dataset (found with its database when the
        // question was located).
        let dataset = located.dataset;
        // A deny before any policy ran: its reasons are the engine's own.
        let early = |reasons, holder_kind| {
            Run::refused(finish(
                pack,
                Outcome::Deny,
                reasons,
                Vec::new(),
                date,
                holder_kind,
                None,
                valid_until(pack, request.at, Vec::new()),
            ))
        };
        let mut reasons = Vec::new();
        let account = world.account(&request.account);
        if account.is_none() {
            reasons.push(engine_reason(
                pack,
                "unknown_account",
                ReasonKind::UnknownReference,
                Some(format!("account `{}`", request.account)),
            ));
        }
        if dataset.is_none() {
            reasons.push(engine_reason(
                pack,
                "unknown_dataset",
                ReasonKind::UnknownReference,
                Some(format!("dataset `{}`", request.dataset)),
            ));
        }
        let (Some(account), Some(dataset)) = (account, dataset) else {
            return early(reasons, None);
        };
        let holder = &account.holder;
        let provider = located.database.map(|db| &db.manager);
        let holder_kind = world.agency(holder).map(|a| a.kind);
        // A time Cedar cannot be given fails closed; so does the year the dataset's last
        // evaluation covers, counted with the engine's calendar (the duties report's count)
        // and given to the rules as `context.evaluatedUntil`, when it cannot be counted.
        let facts = match self.access_facts(pack, request, account, dataset, located.database) {
            Ok(facts) => facts,
            Err(detail) => {
                reasons.push(engine_reason(
                    pack,
                    "evaluation_error",
                    ReasonKind::EvaluationError,
                    Some(detail),
                ));
                return early(reasons, holder_kind);
            }
        };
        let candidates: Vec<&SharingAgreement> = match provider {
            Some(p) => world
                .agreement_ids_between(holder, p)
                .iter()
                .filter_map(|id| world.agreement(id))
                .collect(),
            None => Vec::new(),
        };
        // 3–4. The context under each candidate agreement, asked until one allows.
        // The slice of what is known before any rule runs: the action, the class of the
        // data, the channel.
        let slice = pack
            .compiled
            .access(request.action, dataset.class, request.channel);
        let mut best: Option<Evaluation> = None;
        // Without any agreement, one evaluation without one; no allocation per decision.
        let options = candidates
            .iter()
            .copied()
            .map(Some)
            .chain(std::iter::once(None).filter(|_| candidates.is_empty()));
        // In a trace, the plans' disagreements with Cedar under every candidate asked.
        let mut disagreements = Vec::new();
        for candidate in options {
            let mut eval = self.evaluate(pack, slice, world, &facts, candidate, mode);
            disagreements.append(&mut eval.disagreements);
            let better = match &best {
                None => true,
                Some(b) => !b.allows() && (eval.allows() || eval.rank(pack) < b.rank(pack)),
            };
            if better {
                let done = eval.allows();
                best = Some(eval);
                if done {
                    break;
                }
            }
        }
        let Some(mut eval) = best else {
            reasons.push(engine_reason(
                pack,
                "evaluation_error",
                ReasonKind::EvaluationError,
                Some("no evaluation ran".into()),
            ));
            return early(reasons, holder_kind);
        };
        disagreements.sort();
        disagreements.dedup();
        eval.disagreements = disagreements;

        // 5. The reasons.
        let (outcome, reasons) = reasons_of(pack, &eval, reasons, "no_right_established", &[]);

        let agreement_id = eval.agreement.clone();
        // 6. The duties: the provider logs an allowed request and reports a refusal.
        let mut duties = Vec::new();
        match (outcome, provider) {
            (Outcome::Allow, Some(provider)) => {
                // The log is kept at least the pack's `log_retention` from the request's
                // day: a least time, not moved off days off.
                let retention = pack.period("log_retention", date);
                let keep_until = retention.and_then(|r| minimum_period_end(date, r.period));
                if let (Some(retention), Some(keep_until)) = (retention, keep_until) {
                    duties.push(Duty::LogRequest {
                        provider: provider.clone(),
                        consumer: holder.clone(),
                        account: account.id.clone(),
                        dataset: dataset.id.clone(),
                        action: request.action,
                        at: request.at,
                        keep_until,
                        clause: retention.clause.clone(),
                    });
                }
            }
            (Outcome::Deny, Some(provider))
                if holder_kind != Some(AgencyKind::Citizen) && holder != provider =>
            {
                duties.push(Duty::ReportRefusal {
                    provider: provider.clone(),
                    requester: holder.clone(),
                    authority: world.focal_point.clone(),
                    reasons: reasons.iter().map(|r| r.code.clone()).collect(),
                    clause: pack.duty_clause(crate::duties::DutyKind::RefusalReport),
                });
            }
            _ => {}
        }

        // Validity: the earliest instant after `at` where a time the decision depends on is
        // crossed.
        let published = dataset.published.and_then(model::start_of_local_day);
        // The evaluation's expiry only where a rule reading it can apply to this class
        // of data (open and public data in the built-in pack): shared data's decisions do
        // not turn on it.
        let evaluation_matters = pack.evaluation_matters(dataset.class.as_str());
        let evaluation = facts.evaluation.map(|e| e.0).filter(|_| evaluation_matters);
        let evaluation_due = evaluation.as_ref().map(|e| e.due);
        let agreement_times = candidates
            .iter()
            .flat_map(|g| std::iter::once(g.term.start).chain(g.term.end));
        let valid_until = earliest_after(
            pack,
            request.at,
            published
                .into_iter()
                .chain(evaluation_due)
                .chain(agreement_times),
        );
        let mut decision = finish(
            pack,
            outcome,
            reasons,
            duties,
            date,
            holder_kind,
            agreement_id,
            valid_until,
        );
        // Reforms that concern a party the decision names (the requester, the provider, the
        // authority a refusal is reported to).
        let parties = duty_parties(&decision);
        party_advisories(
            pack,
            world,
            request.at,
            std::iter::once(holder).chain(provider).chain(&parties),
            &mut decision,
        );
        // A count of the evaluation's year that a rule may read and the calendar could not
        // fully answer, or answered provisionally: said.
        if let Some(e) = &evaluation {
            decision
                .advisories
                .extend(e.gap.as_ref().map(|g| calendar_gap_advisory(pack, g)));
            decision
                .advisories
                .extend(provisional_calendar_advisory(pack, &e.provisional_years));
        }
        // Several agreements, none allowing: the grounds stated are those of the one the
        // pack's ranking says the request is about, and the decision says so.
        if let (Outcome::Deny, [_, _, ..], Some(ranking)) = (
            decision.outcome,
            candidates.as_slice(),
            pack.manifest.candidate_ranking.as_ref(),
        ) {
            decision.advisories.push(Advisory::from(&ranking.reading));
        }
        Run::answered(decision, pack, action, eval, mode)
    }

    /// The end of the year the last evaluation of a dataset's database covers, counted
    /// with the engine's calendar, and its Cedar value; `None` if never evaluated. An end
    /// that cannot be counted or given to Cedar is an error (the decision fails closed).
    pub(crate) fn evaluation_end(
        &self,
        pack: &RulePack,
        database: Option<&Database>,
    ) -> Result<Option<(PeriodEnd, i64)>, String> {
        let Some(last) = database.and_then(|db| db.last_evaluated) else {
            return Ok(None);
        };
        let period = pack
            .period_value("annual_evaluation", last)
            .ok_or_else(|| "the pack sets no `annual_evaluation` period".to_owned())?;
        let end = period_end(last, period, &self.calendar)
            .map_err(|e| format!("the {period} since the evaluation of {last}: {e}"))?;
        let value = model::cedar_millis(end.due).ok_or_else(|| {
            format!(
                "the end of the {period} since the evaluation of {last}, {}, cannot be given to Cedar",
                end.due.to_rfc3339()
            )
        })?;
        Ok(Some((end, value)))
    }

    /// What an access request gives Cedar under every candidate agreement, found and
    /// made once per decision: the one source of the request's facts for deciding,
    /// explaining and exporting. A time Cedar cannot be given, or an evaluation year that
    /// cannot be counted, is an error (the decision fails closed).
    pub(crate) fn access_facts<'r>(
        &self,
        pack: &RulePack,
        request: &'r AccessRequest,
        account: &'r Account,
        dataset: &'r Dataset,
        database: Option<&Database>,
    ) -> Result<AccessFacts<'r>, String> {
        if let Some(detail) = model::out_of_range_detail("the request's time", request.at) {
            return Err(detail);
        }
        let now = model::cedar_millis(request.at).ok_or_else(|| {
            format!(
                "the request's time {} cannot be given to Cedar",
                request.at.to_rfc3339()
            )
        })?;
        let evaluation = self.evaluation_end(pack, database)?;
        Ok(AccessFacts {
            request,
            account,
            dataset,
            now,
            evaluation,
        })
    }

    /// One evaluation for one candidate agreement.
    fn evaluate<'w>(
        &self,
        pack: &RulePack,
        slice: Option<&Slice>,
        world: &'w World,
        facts: &AccessFacts<'w>,
        agreement: Option<&'w SharingAgreement>,
        mode: Mode,
    ) -> Evaluation {
        let fail = |message: String| Evaluation::failed(message, agreement.map(|g| g.id.clone()));
        let Some(slice) = slice else {
            return fail(format!(
                "the pack has no policies for action `{}`",
                facts.request.action.as_str()
            ));
        };
        let request = crate::cedar::context::access(facts, agreement);
        let mut eval = self.ask(pack, slice, world, &request, mode);
        eval.agreement = agreement.map(|g| g.id.clone());
        eval
    }
}

/// The facts of one access request that every candidate agreement shares
/// ([`Engine::access_facts`]).
pub(crate) struct AccessFacts<'r> {
    pub(crate) request: &'r AccessRequest,
    /// The request's account.
    pub(crate) account: &'r Account,
    /// The request's dataset.
    pub(crate) dataset: &'r Dataset,
    /// The request's instant, as Cedar's `datetime` counts it (milliseconds since 1970).
    pub(crate) now: i64,
    /// The end of the year the dataset's database's last evaluation covers, counted with
    /// the engine's calendar ([`Engine::evaluation_end`]), and as Cedar counts it
    /// (`context.evaluatedUntil`); `None` if never evaluated.
    pub(crate) evaluation: Option<(PeriodEnd, i64)>,
}

// ---------------------------------------------------------------- explanations (issue 7)

impl Engine {
    /// Decides like [`Engine::decide`] and says which policies were satisfied on the way:
    /// the permits and forbids whose conditions held for the candidate agreement the
    /// decision rests on (a permit that held on a deny included), and which failed to
    /// evaluate. For authors, test runners and coverage; [`Engine::decide`] is the fast
    /// path.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Engine, World, WorldData};
    ///
    /// let engine = Engine::builtin()?;
    /// let world = World::new(WorldData::new("VN-32".parse()?))?;
    /// let request = AccessRequest::new(
    ///     "ghost".parse()?, Action::Query, "nothing".parse()?, Channel::Lgsp,
    ///     "administrative-procedures".parse()?, "2024-06-03T09:00:00+07:00".parse()?,
    /// );
    /// let explanation = engine.explain(&world, &request);
    /// assert!(!explanation.evaluated); // refused before any policy ran
    /// assert!(explanation.satisfied.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain(&self, world: &World, request: &AccessRequest) -> crate::authoring::Explanation {
        let run = self.run(world, Ask::Access(request), Mode::Trace);
        // The plans of the slice the request was asked of.
        let plans = match (
            &run.decision.pack,
            run.reached.evaluated,
            world.dataset(&request.dataset),
        ) {
            (Some(decided), true, Some(dataset)) => self
                .packs()
                .iter()
                .find(|p| p.manifest().id == decided.id)
                .map(|p| p.access_plans(request.action, dataset.class, request.channel))
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        crate::authoring::Explanation {
            agreement: run.decision.agreement.clone(),
            decision: run.decision,
            evaluated: run.reached.evaluated,
            applicable: run.reached.applicable,
            satisfied: run.reached.satisfied,
            errored: run.reached.errored,
            plans,
            plan_disagreements: run.reached.disagreements,
        }
    }
}
