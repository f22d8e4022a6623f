//! The lifecycle acts decided: the Cedar request of an act, and each act — suspension of
//! one consumer, restoration, termination, usage report, suspension of every consumer —
//! run through it and turned into its duties and transitions.

use crate::agreement::AgreementStatus;
use crate::cedar::context::{self, ActFacts};
use crate::cedar::values::EntType;
use crate::deadline::{Deadline, notice_provisional_years, provisional_calendar_advisory};
use crate::decision::{Duty, NoticePart, Outcome, ReasonKind};
use crate::engine::Engine;
use crate::engine::pipeline::{Ask, Mode, Query, Run, engine_reason, finish, party_advisories};
use crate::ids::AgencyId;
use crate::model;
use crate::pack::RulePack;
use crate::suspension::AllConsumersGrounds;
use crate::world::World;

use super::{
    Act, CONSUMER_NOTICE_PARTS, LifecycleDecision, RestorationRequest, SuspendAllRequest,
    SuspensionRequest, Target, TerminationRequest, Transition, UsageReportRequest,
    maintenance_notice_days, one_day_notice,
};

impl Engine {
    /// The Cedar request of a lifecycle act under `pack`: principal, action, resource and the
    /// context (`LifecycleContext` in `policies/model.cedarschema`), with the reasons that
    /// refuse the act before asking. The one place it is built: `run_act` asks
    /// it, the interop module exports it.
    fn act_query<'p, 'w>(world: &'w World, pack: &'p RulePack, act: Act<'w>) -> Query<'p, 'w> {
        let mut reasons = act.problems;
        let principal = context::entity(world, EntType::Agency, act.provider.as_str());
        if principal.is_none() {
            reasons.push(pack.reason(
                "unknown_agency",
                ReasonKind::UnknownReference,
                Some(format!("agency `{}`", act.provider)),
            ));
        }
        let (ty, id, code, noun) = match act.target {
            Target::Agreement(id) => (
                EntType::Agreement,
                id.as_str(),
                "unknown_agreement",
                "agreement",
            ),
            Target::Database(id) => (
                EntType::Database,
                id.as_str(),
                "unknown_database",
                "database",
            ),
        };
        let resource = context::entity(world, ty, id);
        if resource.is_none() {
            reasons.push(pack.reason(
                code,
                ReasonKind::UnknownReference,
                Some(format!("{noun} `{id}`")),
            ));
        }
        let violation_uid = act
            .violation
            .and_then(|v| context::entity(world, EntType::Violation, v.as_str()));
        if let (Some(v), None) = (act.violation, &violation_uid) {
            reasons.push(pack.reason(
                "unknown_violation",
                ReasonKind::UnknownReference,
                Some(format!("violation `{v}`")),
            ));
        }
        if let Some(detail) = model::out_of_range_detail("the request's time", act.at) {
            reasons.push(engine_reason(
                pack,
                "evaluation_error",
                ReasonKind::EvaluationError,
                Some(detail),
            ));
        }
        // Fail closed: an instant the rules cannot see is never left out of the context
        // as if it were not given.
        for (field, at) in &act.out_of_range {
            reasons.push(engine_reason(
                pack,
                "evaluation_error",
                ReasonKind::EvaluationError,
                model::out_of_range_detail(&format!("the request's `{field}`"), *at),
            ));
        }
        let now = act.now.unwrap_or(act.at);
        let deny = |reasons| Query {
            action: act.action,
            reasons,
            asked: None,
            pack,
        };
        let (Some(principal), Some(resource), true) = (principal, resource, reasons.is_empty())
        else {
            return deny(reasons);
        };
        // 3. The context (`crate::cedar::context`). An instant Cedar cannot take fails the
        // act (fail closed).
        let instants: Option<Vec<(&'static str, i64)>> = std::iter::once(("now", now))
            .chain(act.extra.iter().copied())
            .map(|(key, at)| model::cedar_millis(at).map(|ms| (key, ms)))
            .collect();
        let asked = instants
            .map(|instants| {
                context::lifecycle(ActFacts {
                    action: act.action,
                    principal,
                    resource,
                    grounds: act.grounds,
                    requirements_met: act.requirements_met,
                    restoration_announced: act.restoration_announced,
                    violation: violation_uid,
                    instants,
                })
            })
            .ok_or_else(|| {
                format!(
                    "an instant of the request cannot be given to Cedar (at {})",
                    act.at.to_rfc3339()
                )
            });
        Query {
            action: act.action,
            reasons,
            asked: Some(asked),
            pack,
        }
    }

    /// Steps 2–5 and 7 of the pipeline for a lifecycle act under the pack in force: the
    /// ids, the context, Cedar's answer, its reasons, the advisories. Each kind of act then
    /// adds its consequences (step 6). Never fails: unknown references and evaluation
    /// errors are denies that say so.
    fn run_act(&self, pack: &RulePack, world: &World, act: Act<'_>, mode: Mode) -> Run {
        let date = model::local_date(act.at);
        let agreement = match &act.target {
            Target::Agreement(id) => Some((*id).clone()),
            Target::Database(_) => None,
        };
        let at = act.at;
        // The parties: the acting provider and, for an agreement, its consumer.
        let parties: Vec<AgencyId> = std::iter::once(act.provider.clone())
            .chain(
                agreement
                    .as_ref()
                    .and_then(|id| world.agreement(id))
                    .map(|g| g.consumer.clone()),
            )
            .collect();
        let query = Engine::act_query(world, pack, act);
        let action = query.action;
        let (outcome, reasons, eval) = match self.settle(world, query, "no_rule_permits_act", mode)
        {
            Ok(settled) => settled,
            Err(reasons) => return Run::refused_with(pack, reasons, date, agreement),
        };
        let mut decision = finish(
            pack,
            outcome,
            reasons,
            Vec::new(),
            date,
            None,
            agreement,
            None,
        );
        party_advisories(pack, world, at, &parties, &mut decision);
        Run::answered(decision, pack, action, eval, mode)
    }

    /// Decides whether a provider may suspend provision to one consumer (QD05/2024
    /// Đ16.2.h, ND47/2020 Đ43.2): only for a violation of the regulation by that consumer,
    /// or its connection found unsafe, determined by the time of the request, and only
    /// while the agreement is active. An allowed suspension returns the transition
    /// Active → Suspended and the duty to notify the consumer — the violation, the handling
    /// plan and what it must do to keep or restore the connection — by the deadline
    /// counted from the moment the violation was determined with `calendar` and
    /// `request.reading` (by default the Civil Code: 24:00 of the next day, moved to the
    /// next working day's end when that day is off).
    ///
    /// # Errors
    ///
    /// None: a problem is a deny whose reasons say so.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Duty, Engine, SuspensionRequest, World};
    /// use lgsp_policy::records::AgreementStatus;
    /// use lgsp_policy::time::Calendar;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let engine = Engine::builtin()?;
    /// // Violation vp.2024.001 was determined on Friday 17 May 2024 at 16:30.
    /// let request = SuspensionRequest::new(
    ///     "so-tp".parse()?, "agr.tp.so-tnmt".parse()?, Some("vp.2024.001".parse()?),
    ///     "2024-05-17T17:00:00+07:00".parse()?,
    /// );
    /// let answer = engine.decide_suspension(&world, &request);
    /// assert!(answer.is_allowed());
    /// assert_eq!(answer.transitions[0].to, AgreementStatus::Suspended);
    /// // Saturday is a day off: the notice is due by 24:00 on Monday 20 May.
    /// let Some(Duty::NotifyConsumer { due, .. }) = answer.decision.duties.first() else {
    ///     panic!("a suspension obliges a notice")
    /// };
    /// assert_eq!(due.due().to_rfc3339(), "2024-05-21T00:00:00+07:00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide_suspension(
        &self,
        world: &World,
        request: &SuspensionRequest,
    ) -> LifecycleDecision {
        self.run(world, Ask::Suspension(request), Mode::Decide)
            .into()
    }

    /// Steps 2–8 of the pipeline for this act under the pack in force.
    pub(crate) fn run_suspension(
        &self,
        pack: &RulePack,
        world: &World,
        request: &SuspensionRequest,
        mode: Mode,
    ) -> Run {
        let calendar = self.calendar();
        let mut run = self.run_act(pack, world, request.act(), mode);
        let decision = &mut run.decision;
        let mut transitions = Vec::new();
        let agreement = world.agreement(&request.agreement);
        let violation = request.violation.as_ref().and_then(|v| world.violation(v));
        // 6. An allowed suspension: the notice owed to the consumer, by the pack's
        // period counted with the engine's calendar, and the transition. A deadline that
        // cannot be counted fails closed (an evaluation error, after Cedar allowed).
        if let (true, Some(g), Some(v)) = (decision.is_allowed(), agreement, violation) {
            let determined = v.determined_at.unwrap_or(request.at);
            let (due, advisories) = one_day_notice(pack, determined, calendar, request.reading);
            decision.advisories.extend(advisories);
            let years = due
                .as_ref()
                .map(Deadline::provisional_years)
                .unwrap_or_default();
            decision
                .advisories
                .extend(provisional_calendar_advisory(pack, years));
            if v.agreement.as_ref() != Some(&g.id) {
                decision
                    .advisories
                    .push(pack.advisory("violation_under_other_agreement"));
            }
            match due {
                Some(due) => {
                    decision.duties.push(Duty::NotifyConsumer {
                        provider: g.provider.clone(),
                        consumer: g.consumer.clone(),
                        agreement: g.id.clone(),
                        violation: v.id.clone(),
                        due,
                        must_include: CONSUMER_NOTICE_PARTS.to_vec(),
                        clause: pack.duty_clause(crate::duties::DutyKind::SuspensionNotice),
                    });
                    transitions.push(Transition::of(g, AgreementStatus::Suspended, request.at));
                }
                None => {
                    decision.outcome = Outcome::Deny;
                    decision.reasons = vec![pack.reason(
                        "deadline_not_computable",
                        ReasonKind::EvaluationError,
                        Some(format!("one day from {determined}")),
                    )];
                }
            }
        }
        run.transitions = transitions;
        run
    }

    /// Decides whether a provider may restore a suspended agreement: only its provider,
    /// only while it is suspended, and only once what the suspension required is done
    /// (QD05/2024 Đ16.2.h, Đ16.1.g). An allowed restoration returns the transition
    /// Suspended → Active.
    ///
    /// # Errors
    ///
    /// None: a problem is a deny whose reasons say so.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, RestorationRequest, World};
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let request = RestorationRequest {
    ///     provider: "so-tp".parse()?, agreement: "agr.tp.so-tnmt".parse()?,
    ///     requirements_met: true, at: "2024-05-24T09:00:00+07:00".parse()?,
    /// };
    /// let answer = Engine::builtin()?.decide_restoration(&world, &request);
    /// assert!(answer.decision.has_reason("agreement_not_suspended")); // it is active
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide_restoration(
        &self,
        world: &World,
        request: &RestorationRequest,
    ) -> LifecycleDecision {
        self.run(world, Ask::Restoration(request), Mode::Decide)
            .into()
    }

    /// Steps 2–8 of the pipeline for this act under the pack in force.
    pub(crate) fn run_restoration(
        &self,
        pack: &RulePack,
        world: &World,
        request: &RestorationRequest,
        mode: Mode,
    ) -> Run {
        let mut run = self.run_act(pack, world, request.act(), mode);
        // 6. An allowed restoration: the transition.
        run.transitions = world
            .agreement(&request.agreement)
            .filter(|_| run.decision.is_allowed())
            .map(|g| Transition::of(g, AgreementStatus::Active, request.at))
            .into_iter()
            .collect();
        run
    }

    /// Decides whether a provider may terminate an agreement (QD05/2024 Đ16.1.g): its
    /// provider may, from Active or Suspended. The grounds of ND47/2020 Đ44 are not
    /// encoded (the article was not available); every answer says so in an advisory.
    ///
    /// # Errors
    ///
    /// None: a problem is a deny whose reasons say so.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, TerminationRequest, World};
    /// use lgsp_policy::records::AgreementStatus;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let request = TerminationRequest {
    ///     provider: "so-tp".parse()?, agreement: "agr.tp.so-tnmt".parse()?,
    ///     at: "2024-06-03T09:00:00+07:00".parse()?,
    /// };
    /// let answer = Engine::builtin()?.decide_termination(&world, &request);
    /// assert_eq!(answer.transitions[0].to, AgreementStatus::Terminated);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide_termination(
        &self,
        world: &World,
        request: &TerminationRequest,
    ) -> LifecycleDecision {
        self.run(world, Ask::Termination(request), Mode::Decide)
            .into()
    }

    /// Steps 2–8 of the pipeline for this act under the pack in force.
    pub(crate) fn run_termination(
        &self,
        pack: &RulePack,
        world: &World,
        request: &TerminationRequest,
        mode: Mode,
    ) -> Run {
        let mut run = self.run_act(pack, world, request.act(), mode);
        // 6–7. The reading of the grounds not encoded; an allowed termination's transition.
        run.decision
            .advisories
            .push(pack.advisory("reading_termination_grounds"));
        run.transitions = world
            .agreement(&request.agreement)
            .filter(|_| run.decision.is_allowed())
            .map(|g| Transition::of(g, AgreementStatus::Terminated, request.at))
            .into_iter()
            .collect();
        run
    }

    /// Decides whether a provider may require a consumer to report how it uses the shared
    /// data (QD05/2024 Đ16.1.e): only when a sign of unlawful use by that consumer — a
    /// recorded suspicion or violation — is named. An allowed request returns the
    /// consumer's duty to report; it changes no status.
    ///
    /// # Errors
    ///
    /// None: a problem is a deny whose reasons say so.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, UsageReportRequest, World};
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let request = UsageReportRequest {
    ///     provider: "so-tp".parse()?, agreement: "agr.tp.tuy-hoa".parse()?,
    ///     violation: None, at: "2024-06-03T09:00:00+07:00".parse()?,
    /// };
    /// let answer = Engine::builtin()?.decide_usage_report(&world, &request);
    /// assert!(answer.decision.has_reason("no_signs_of_unlawful_use"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide_usage_report(
        &self,
        world: &World,
        request: &UsageReportRequest,
    ) -> LifecycleDecision {
        self.run(world, Ask::UsageReport(request), Mode::Decide)
            .into()
    }

    /// Steps 2–8 of the pipeline for this act under the pack in force.
    pub(crate) fn run_usage_report(
        &self,
        pack: &RulePack,
        world: &World,
        request: &UsageReportRequest,
        mode: Mode,
    ) -> Run {
        let mut run = self.run_act(pack, world, request.act(), mode);
        let decision = &mut run.decision;
        // 6–7. The reading on unsafe connections; an allowed demand's duty to report.
        if request
            .violation
            .as_ref()
            .and_then(|v| world.violation(v))
            .is_some_and(|v| v.kind == crate::violation::ViolationKind::UnsafeConnection)
        {
            decision
                .advisories
                .push(pack.advisory("reading_unsafe_connection_no_sign"));
        }
        let agreement = world.agreement(&request.agreement);
        if let (true, Some(g), Some(v)) = (decision.is_allowed(), agreement, &request.violation) {
            decision.duties.push(Duty::ReportUsage {
                consumer: g.consumer.clone(),
                provider: g.provider.clone(),
                agreement: g.id.clone(),
                violation: v.clone(),
                clause: pack.text_clause("usage_report_duty"),
            });
        }
        run
    }

    /// Decides whether a provider may suspend every consumer of a database (ND47/2020
    /// Đ43.1): for maintenance (Đ43.1.a) only with a public notice published at least 7
    /// working days before the start — counted back with `calendar` — stating the expected
    /// restoration time (Đ43.3), or, while that notice is not yet out, only while it can
    /// still be published in time; for force majeure (Đ43.1.b) at once, with notice by
    /// appropriate means (Đ43.4). An allowed suspension returns the transition Active →
    /// Suspended of every active agreement covering the database's data and, while the
    /// notice is not yet published, the duty to publish it.
    ///
    /// # Errors
    ///
    /// None: a problem is a deny whose reasons say so — including a calendar that does
    /// not cover the working days to count (`calendar_not_covered`).
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, SuspendAllRequest, World};
    /// use lgsp_policy::records::AllConsumersGrounds;
    /// use lgsp_policy::time::Calendar;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// // Maintenance from Thursday 2 May 2024: the notice had to be out by 24:00 on 16 April.
    /// let request = SuspendAllRequest {
    ///     provider: "so-tp".parse()?, database: "csdl-dan-cu".parse()?,
    ///     grounds: AllConsumersGrounds::Maintenance,
    ///     starts_at: "2024-05-02T08:00:00+07:00".parse()?, notice: None,
    ///     at: "2024-04-22T09:00:00+07:00".parse()?,
    /// };
    /// let answer = Engine::builtin()?
    ///     .decide_suspend_all(&world, &request);
    /// assert!(answer.decision.has_reason("maintenance_notice_too_late"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide_suspend_all(
        &self,
        world: &World,
        request: &SuspendAllRequest,
    ) -> LifecycleDecision {
        self.run(world, Ask::SuspendAll(request), Mode::Decide)
            .into()
    }

    /// Steps 2–8 of the pipeline for this act under the pack in force.
    pub(crate) fn run_suspend_all(
        &self,
        pack: &RulePack,
        world: &World,
        request: &SuspendAllRequest,
        mode: Mode,
    ) -> Run {
        let calendar = self.calendar();
        let (act, latest) = request.act(pack, calendar);
        let notice = request.published_notice();
        let mut run = self.run_act(pack, world, act, mode);
        let decision = &mut run.decision;
        if let (Some(_), Some(days)) = (latest, maintenance_notice_days(pack, request.starts_at)) {
            let years = notice_provisional_years(request.starts_at, days, calendar);
            decision
                .advisories
                .extend(provisional_calendar_advisory(pack, &years));
        }
        let mut transitions = Vec::new();
        if let (true, Some(db)) = (decision.is_allowed(), world.database(&request.database)) {
            let mut consumers = Vec::new();
            for g in world.agreements() {
                let covers = g.provider == db.manager
                    && g.datasets.iter().any(|d| {
                        world
                            .dataset(d)
                            .is_some_and(|s| s.database == request.database)
                    });
                // Only an agreement in force when the suspension starts is suspended: one
                // whose term has ended (or not begun) has nothing to suspend, and moving it
                // would leave it stuck, since it could never be restored.
                if covers
                    && g.status == AgreementStatus::Active
                    && g.term.contains(request.starts_at)
                {
                    consumers.push(g.consumer.clone());
                    transitions.push(Transition::of(
                        g,
                        AgreementStatus::Suspended,
                        request.starts_at,
                    ));
                }
            }
            consumers.sort();
            consumers.dedup();
            let (due, must_include, clause) = match request.grounds {
                AllConsumersGrounds::Maintenance => (
                    latest,
                    vec![NoticePart::ExpectedRestorationTime],
                    pack.period("maintenance_notice", model::local_date(request.starts_at))
                        .map_or_else(
                            || pack.text_clause("urgent_public_notice_duty"),
                            |p| p.clause.clone(),
                        ),
                ),
                _ => (
                    None,
                    Vec::new(),
                    pack.text_clause("urgent_public_notice_duty"),
                ),
            };
            if notice.is_none() {
                decision.duties.push(Duty::PublicNotice {
                    provider: db.manager.clone(),
                    database: db.id.clone(),
                    consumers,
                    starts_at: request.starts_at,
                    due,
                    must_include,
                    clause,
                });
            }
        }
        run.transitions = transitions;
        run
    }
}
