//! The checks of what providers owe: the one-day notice of a suspension, the public
//! notice of a maintenance, refusals and their draft, and the findings they give.

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::cedar::context::{self, NoticeFacts, RefusalFacts};
use crate::cedar::values::EntType;
use crate::deadline::{DayReading, Deadline, latest_notice_before, provisional_calendar_advisory};
use crate::decision::{Advisory, Decision, Duty, Outcome, Reason, ReasonKind};
use crate::engine::Engine;
use crate::engine::pipeline::{Ask, Mode, Run, finish, reasons_of};
use crate::ids::{AgencyId, RefusalId};
use crate::model;
use crate::pack::RulePack;
use crate::refusal::{Refusal, RefusalGround};
use crate::request::AccessRequest;
use crate::suspension::{AllConsumersGrounds, DatabaseSuspension, Suspension};
use crate::world::{Place, World};

use super::{
    CONSUMER_NOTICE_PARTS, SuspendAllRequest, describe_delay, maintenance_notice_days,
    one_day_notice,
};

/// The result of checking a notice a provider owes: when it is due, the findings against
/// the provider (empty when it complied), and what it still owes. See
/// [`NoticeCheck::is_compliant`] for an example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NoticeCheck {
    /// When the notice is due; `None` when the law fixes no time (force majeure).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<FixedOffset>>,
    /// How `due` was counted, for a period counted forward (the one-day notice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Deadline>,
    /// Findings against the provider, each citing its clause.
    pub findings: Vec<Reason>,
    /// Notices still owed and not yet late.
    #[serde(default)]
    pub pending: Vec<Duty>,
    /// Readings applied.
    #[serde(default)]
    pub advisories: Vec<Advisory>,
}

impl NoticeCheck {
    /// Whether nothing was found against the provider.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, World};
    /// use lgsp_policy::records::{AllConsumersGrounds, DatabaseSuspension};
    /// use lgsp_policy::time::Calendar;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// // A maintenance suspension that starts with no public notice at all.
    /// let record = DatabaseSuspension {
    ///     id: "bt-1".parse()?, database: "csdl-dan-cu".parse()?,
    ///     grounds: AllConsumersGrounds::Maintenance,
    ///     starts_at: "2024-05-02T08:00:00+07:00".parse()?, notice: None, restored_at: None,
    /// };
    /// let check = Engine::builtin()?.check_public_notice(&world, &record,
    ///     "2024-05-02T08:00:00+07:00".parse()?);
    /// assert!(!check.is_compliant());
    /// assert!(check.has_finding("maintenance_notice_too_late"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_compliant(&self) -> bool {
        self.findings.is_empty()
    }
    /// Whether some finding has this code. See [`NoticeCheck::is_compliant`] for an
    /// example of both.
    pub fn has_finding(&self, code: &str) -> bool {
        self.findings.iter().any(|r| r.code == code)
    }
}

/// A check of the notice owed for a suspension of one consumer, as a question: the
/// suspension record, the instant of the check, and how a day is read in counting the
/// deadline. [`Engine::check_notice`] asks it; in a pack's test file it is the act
/// `check_notice`.
///
/// # Example
///
/// ```
/// use lgsp_policy::NoticeCheckRequest;
/// use lgsp_policy::time::DayReading;
/// let request: NoticeCheckRequest = serde_json::from_str(r#"{
///   "suspension": {"id": "ts-1", "agreement": "agr.tp.so-tnmt", "violation": "vp.2024.001",
///                  "suspended_at": "2024-05-17T17:00:00+07:00"},
///   "now": "2024-05-22T09:00:00+07:00"
/// }"#)?;
/// assert_eq!(request.reading, DayReading::CivilCode);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeCheckRequest {
    /// The suspension, with its notice if one was sent.
    pub suspension: Suspension,
    /// When the check is made.
    #[schemars(with = "crate::schemas::RequestInstant")]
    pub now: DateTime<FixedOffset>,
    /// How a day is read in counting the deadline (the Civil Code's by default).
    #[serde(default)]
    pub reading: DayReading,
}

/// The result of checking a refusal (QD05/2024 Đ16.1.đ). See [`RefusalCheck::is_valid`]
/// for an example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RefusalCheck {
    /// Findings against the provider, each citing its clause; empty when valid.
    pub findings: Vec<Reason>,
    /// Readings applied.
    #[serde(default)]
    pub advisories: Vec<Advisory>,
}

impl RefusalCheck {
    /// Whether the refusal is valid.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Engine, World};
    /// use lgsp_policy::records::Refusal;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let engine = Engine::builtin()?;
    /// let refusal = Refusal {
    ///     id: "tc-1".parse()?, provider: "so-tp".parse()?, requester: "so-tnmt".parse()?,
    ///     at: "2024-06-03T09:00:00+07:00".parse()?, dataset: None, grounds: Vec::new(),
    ///     authority: None, notified_at: None,
    /// };
    /// let check = engine.check_refusal(&world, &refusal);
    /// assert!(!check.is_valid());
    ///
    /// // The refusal the engine drafts from a deny is valid once the authority is notified.
    /// let request = AccessRequest::new(
    ///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
    ///     Channel::Direct, "administrative-procedures".parse()?,
    ///     "2024-06-03T09:00:00+07:00".parse()?,
    /// );
    /// let decision = engine.decide(&world, &request);
    /// let mut draft = engine.draft_refusal(&request, &decision, "tc-2".parse()?).ok_or("no draft")?;
    /// draft.notified_at = Some("2024-06-03T10:00:00+07:00".parse()?);
    /// assert!(engine.check_refusal(&world, &draft).is_valid());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_valid(&self) -> bool {
        self.findings.is_empty()
    }
    /// Whether some finding has this code.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, World};
    /// use lgsp_policy::records::Refusal;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let engine = Engine::builtin()?;
    /// let refusal = Refusal {
    ///     id: "tc-1".parse()?, provider: "so-tp".parse()?, requester: "so-tnmt".parse()?,
    ///     at: "2024-06-03T09:00:00+07:00".parse()?, dataset: None, grounds: Vec::new(),
    ///     authority: None, notified_at: None,
    /// };
    /// let check = engine.check_refusal(&world, &refusal);
    /// assert!(check.has_finding("refusal_without_reasons"));
    /// assert!(!check.has_finding("not_through_lgsp")); // a finding, not a reason of access
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn has_finding(&self, code: &str) -> bool {
        self.findings.iter().any(|r| r.code == code)
    }
}

impl Engine {
    /// Checks the notice owed for a suspension of one consumer (QD05/2024 Đ16.2.h) as of
    /// `now`: sent by the deadline counted from the violation's determination with
    /// `calendar` and `reading`, to that consumer, with its three parts — the violation,
    /// the handling plan, what must be done to keep or restore the connection. Each
    /// shortfall is a finding against the provider citing Đ16.2.h; a notice not yet sent
    /// and not yet late is returned as pending.
    ///
    /// # Errors
    ///
    /// None: the findings say what is wrong, including unknown references.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, World};
    /// use lgsp_policy::time::{Calendar, DayReading};
    /// use lgsp_policy::records::{ConsumerNotice, Suspension};
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let suspension = Suspension {
    ///     id: "ts-1".parse()?, agreement: "agr.tp.so-tnmt".parse()?,
    ///     violation: "vp.2024.001".parse()?, suspended_at: "2024-05-17T17:00:00+07:00".parse()?,
    ///     notice: Some(ConsumerNotice {
    ///         to: "so-tnmt".parse()?, sent_at: "2024-05-21T09:00:00+07:00".parse()?,
    ///         violation: "Dùng dữ liệu nhân khẩu để tiếp thị.".into(),
    ///         handling_plan: "Tạm ngừng, kiểm tra nhật ký.".into(),
    ///         restoration_requirements: "Xóa danh sách, báo cáo bằng văn bản.".into(),
    ///     }),
    ///     restored_at: None,
    /// };
    /// let check = Engine::builtin()?.check_notice(&world, &suspension,
    ///     "2024-05-22T09:00:00+07:00".parse()?, DayReading::CivilCode);
    /// assert!(check.has_finding("notice_late")); // due by 24:00 on Monday 20 May
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_notice(
        &self,
        world: &World,
        suspension: &Suspension,
        now: DateTime<FixedOffset>,
        reading: DayReading,
    ) -> NoticeCheck {
        let request = NoticeCheckRequest {
            suspension: suspension.clone(),
            now,
            reading,
        };
        self.run(world, Ask::CheckNotice(&request), Mode::Decide)
            .into()
    }

    /// Checks the public notice of a suspension of every consumer of a database as of
    /// `now` — the same rules as [`Engine::decide_suspend_all`], applied to the record:
    /// for maintenance, published at least 7 working days ahead with the expected
    /// restoration time (ND47/2020 Đ43.3); for force majeure, no advance notice (Đ43.4).
    /// Each rule the record fails is a finding against the provider; a notice not yet
    /// published and not yet late is returned as pending.
    ///
    /// # Errors
    ///
    /// None: the findings say what is wrong.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, World};
    /// use lgsp_policy::records::{AllConsumersGrounds, DatabaseSuspension, PublicNotice};
    /// use lgsp_policy::time::Calendar;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let record = DatabaseSuspension {
    ///     id: "bt-1".parse()?, database: "csdl-dan-cu".parse()?,
    ///     grounds: AllConsumersGrounds::Maintenance,
    ///     starts_at: "2024-05-02T08:00:00+07:00".parse()?,
    ///     notice: Some(PublicNotice {
    ///         published_at: "2024-04-16T10:00:00+07:00".parse()?,
    ///         expected_restoration: Some("2024-05-02T17:00:00+07:00".parse()?),
    ///         text: String::new(),
    ///     }),
    ///     restored_at: None,
    /// };
    /// let check = Engine::builtin()?.check_public_notice(&world, &record,
    ///     "2024-05-02T08:00:00+07:00".parse()?);
    /// assert!(check.is_compliant());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_public_notice(
        &self,
        world: &World,
        record: &DatabaseSuspension,
        now: DateTime<FixedOffset>,
    ) -> NoticeCheck {
        let calendar = self.calendar();
        let pack = self.wording_pack(
            world,
            Place::Database(&record.database),
            model::local_date(now),
        );
        let Some(db) = world.database(&record.database) else {
            return NoticeCheck {
                due: None,
                deadline: None,
                findings: vec![pack.reason(
                    "unknown_database",
                    ReasonKind::UnknownReference,
                    Some(format!("database `{}`", record.database)),
                )],
                pending: Vec::new(),
                advisories: Vec::new(),
            };
        };
        let request = SuspendAllRequest {
            provider: db.manager.clone(),
            database: record.database.clone(),
            grounds: record.grounds,
            starts_at: record.starts_at,
            notice: record.notice.clone(),
            at: now,
        };
        let answer = self.decide_suspend_all(world, &request);
        let due = match record.grounds {
            AllConsumersGrounds::Maintenance => maintenance_notice_days(pack, record.starts_at)
                .and_then(|days| latest_notice_before(record.starts_at, days, calendar).ok()),
            _ => None,
        };
        let Decision {
            outcome,
            reasons,
            duties,
            advisories,
            ..
        } = answer.decision;
        let findings = match outcome {
            Outcome::Allow => Vec::new(),
            Outcome::Deny => reasons
                .into_iter()
                .map(|mut r| {
                    if r.kind == ReasonKind::Forbid {
                        r.kind = ReasonKind::Finding;
                    }
                    r
                })
                .collect(),
        };
        NoticeCheck {
            due,
            deadline: None,
            findings,
            pending: duties,
            advisories,
        }
    }

    /// Drafts the refusal a deny obliges (QD05/2024 Đ16.1.đ): the requester, the
    /// provider, every ground of the deny with its clause and messages, and the authority
    /// to notify (the provincial focal point, Đ18.2). `None` when the decision obliges no
    /// refusal (an allow, a citizen's request, or an unknown dataset). The draft is not yet
    /// notified: the caller notifies and sets `notified_at`.
    ///
    /// # Errors
    ///
    /// None.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Engine, World};
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let engine = Engine::builtin()?;
    /// let request = AccessRequest::new(
    ///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
    ///     Channel::Direct, "administrative-procedures".parse()?,
    ///     "2024-06-03T09:00:00+07:00".parse()?,
    /// );
    /// let decision = engine.decide(&world, &request);
    /// let draft = engine.draft_refusal(&request, &decision, "tc-1".parse()?).ok_or("a refusal")?;
    /// assert!(draft.grounds.iter().any(|g| g.code.as_deref() == Some("not_through_lgsp")));
    /// assert_eq!(draft.authority.as_ref().map(|a| a.as_str()), Some("so-tttt"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn draft_refusal(
        &self,
        request: &AccessRequest,
        decision: &Decision,
        id: RefusalId,
    ) -> Option<Refusal> {
        if decision.is_allowed() {
            return None;
        }
        let (provider, requester, authority) = decision.duties.iter().find_map(|d| match d {
            Duty::ReportRefusal {
                provider,
                requester,
                authority,
                ..
            } => Some((provider, requester, authority)),
            _ => None,
        })?;
        let grounds = decision
            .reasons
            .iter()
            .filter(|r| r.kind != ReasonKind::Permit)
            .map(|r| RefusalGround {
                code: Some(r.code.clone()),
                clause: Some(r.clause.clone()),
                vi: r.vi.clone(),
                en: r.en.clone(),
            })
            .collect();
        Some(Refusal {
            id,
            provider: provider.clone(),
            requester: requester.clone(),
            at: request.at,
            dataset: Some(request.dataset.clone()),
            grounds,
            authority: authority.clone(),
            notified_at: None,
        })
    }

    /// Checks a refusal, drafted or written by the provider (QD05/2024 Đ16.1.đ, Đ18): at
    /// least one reason; each stated and grounded in a clause of the regulation or the law;
    /// the competent authority — the provincial focal point recorded in `world` — notified.
    ///
    /// # Errors
    ///
    /// None: the findings say what is wrong.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, World};
    /// use lgsp_policy::records::Refusal;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let refusal = Refusal {
    ///     id: "tc-1".parse()?, provider: "so-tp".parse()?, requester: "so-tnmt".parse()?,
    ///     at: "2024-06-03T09:00:00+07:00".parse()?, dataset: None, grounds: Vec::new(),
    ///     authority: None, notified_at: None,
    /// };
    /// let check = Engine::builtin()?.check_refusal(&world, &refusal);
    /// assert!(check.has_finding("refusal_without_reasons"));
    /// assert!(check.has_finding("refusal_authority_not_notified"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_refusal(&self, world: &World, refusal: &Refusal) -> RefusalCheck {
        self.run(world, Ask::CheckRefusal(refusal), Mode::Decide)
            .into()
    }
}

// ------------------------------------------------------------------------------ checks

impl Engine {
    /// Steps 2–8 of the pipeline for a notice check: the facts of the suspension's
    /// notice — its deadline counted with the engine's calendar and the pack's
    /// `suspension_notice` period — given to the pack's `checkNotice` policies, whose
    /// forbids are the findings; a notice not yet sent and not yet late is owed (a duty).
    pub(crate) fn run_notice_check(
        &self,
        pack: &RulePack,
        world: &World,
        request: &NoticeCheckRequest,
        mode: Mode,
    ) -> Run {
        let suspension = &request.suspension;
        let now = request.now;
        let date = model::local_date(now);
        let refused = |reasons| Run::refused_with(pack, reasons, date, None);
        // 2. The ids.
        let agreement = world.agreement(&suspension.agreement);
        let violation = world.violation(&suspension.violation);
        let mut reasons = Vec::new();
        if agreement.is_none() {
            reasons.push(pack.reason(
                "unknown_agreement",
                ReasonKind::UnknownReference,
                Some(format!("agreement `{}`", suspension.agreement)),
            ));
        }
        if violation.is_none() {
            reasons.push(pack.reason(
                "unknown_violation",
                ReasonKind::UnknownReference,
                Some(format!("violation `{}`", suspension.violation)),
            ));
        }
        let (Some(g), Some(v)) = (agreement, violation) else {
            return refused(reasons);
        };
        let resource = crate::cedar::entities::resolve(world, EntType::Agreement, g.id.as_str());
        // 3. The facts: the deadline, counted from the determination (from the
        // suspension when the violation was not determined by then).
        let (determined, violation_determined) = match v.determined_at {
            Some(at) if at <= suspension.suspended_at => (at, true),
            _ => (suspension.suspended_at, false),
        };
        let (deadline, mut advisories) =
            one_day_notice(pack, determined, self.calendar(), request.reading);
        let due = deadline.as_ref().map(Deadline::due);
        let sent = suspension.notice.as_ref();
        // Rounded up to the millisecond Cedar sees: an instant a fraction of a millisecond
        // late stays late.
        let instant = |field: &str, at: DateTime<FixedOffset>| {
            let at = model::ceil_millisecond(at);
            model::cedar_millis(at)
                .filter(|_| model::in_cedar_range(at))
                .ok_or_else(|| {
                    model::out_of_range_detail(&format!("the check's `{field}`"), at)
                        .unwrap_or_else(|| {
                            format!("the check's `{field}` cannot be given to Cedar")
                        })
                })
        };
        let values = (|| {
            Ok::<_, String>((
                instant("now", now)?,
                due.map(|d| instant("due", d)).transpose()?,
                sent.map(|n| instant("notice.sent_at", n.sent_at))
                    .transpose()?,
            ))
        })();
        let principal =
            crate::cedar::entities::resolve(world, EntType::Agency, g.provider.as_str());
        let asked = values.map(|(now_value, due_value, sent_value)| {
            let states = |text: Option<&String>| text.is_some_and(|t| !crate::text::is_blank(t));
            context::notice_check(
                principal,
                resource,
                NoticeFacts {
                    now: now_value,
                    due: due_value,
                    violation_determined,
                    sent_at: sent_value,
                    sent_to_consumer: sent.is_some_and(|n| n.to == g.consumer),
                    states_violation: states(sent.map(|n| &n.violation)),
                    states_handling_plan: states(sent.map(|n| &n.handling_plan)),
                    states_restoration_requirements: states(
                        sent.map(|n| &n.restoration_requirements),
                    ),
                },
            )
        });
        // 4. Cedar.
        let action = context::NOTICE_CHECK_ACTION;
        let eval = self.ask_pack(pack, action, world, asked, mode);
        // 5. The findings, with the facts their details name.
        let rfc = |t: DateTime<FixedOffset>| t.to_rfc3339();
        let mut facts = vec![
            ("consumer", g.consumer.to_string()),
            ("violation", v.id.to_string()),
        ];
        facts.extend(due.map(|d| ("due", rfc(d))));
        facts.extend(due.map(|d| ("overdue", describe_delay(now.signed_duration_since(d)))));
        if let Some(n) = sent {
            facts.push(("sentAt", rfc(n.sent_at)));
            facts.push(("sentTo", n.to.to_string()));
            facts.extend(due.map(|d| ("late", describe_delay(n.sent_at.signed_duration_since(d)))));
        }
        let (outcome, reasons) = reasons_of(pack, &eval, reasons, "no_rule_permits_act", &facts);
        // 6. A notice not sent and not yet late is still owed.
        let mut duties = Vec::new();
        if let (None, Some(deadline)) = (sent, &deadline)
            && due.is_none_or(|due| now <= due)
        {
            duties.push(Duty::NotifyConsumer {
                provider: g.provider.clone(),
                consumer: g.consumer.clone(),
                agreement: g.id.clone(),
                violation: v.id.clone(),
                due: deadline.clone(),
                must_include: CONSUMER_NOTICE_PARTS.to_vec(),
                clause: pack.duty_clause(crate::duties::DutyKind::SuspensionNotice),
            });
        }
        // 7. The readings applied in counting, and the pack's.
        let years = deadline
            .as_ref()
            .map(Deadline::provisional_years)
            .unwrap_or_default();
        advisories.extend(provisional_calendar_advisory(pack, years));
        let mut decision = finish(
            pack,
            outcome,
            reasons,
            duties,
            date,
            None,
            Some(g.id.clone()),
            None,
        );
        decision.advisories.splice(0..0, advisories);
        Run {
            deadline,
            ..Run::answered(decision, pack, action, eval, mode)
        }
    }

    /// Steps 2–8 of the pipeline for a refusal check: the facts of the refusal given to the
    /// pack's `checkRefusal` policies, whose forbids are the findings.
    pub(crate) fn run_refusal_check<'w>(
        &self,
        pack: &RulePack,
        world: &'w World,
        refusal: &'w Refusal,
        mode: Mode,
    ) -> Run {
        let date = model::local_date(refusal.at);
        // 2–3. The parties (the check reads no attribute of theirs, so neither need be in
        // the world) and the facts.
        let agency =
            |id: &'w AgencyId| crate::cedar::entities::resolve(world, EntType::Agency, id.as_str());
        let (principal, resource) = (agency(&refusal.provider), agency(&refusal.requester));
        let numbered = |keep: &dyn Fn(&RefusalGround) -> bool| -> Vec<usize> {
            (1..)
                .zip(&refusal.grounds)
                .filter(|(_, g)| keep(g))
                .map(|(n, _)| n)
                .collect()
        };
        let ungrounded = numbered(&|g| g.clause.is_none());
        let unstated = numbered(&|g| crate::text::is_blank(&g.vi) && crate::text::is_blank(&g.en));
        let notified = refusal
            .authority
            .as_ref()
            .filter(|_| refusal.notified_at.is_some());
        let competent = world.provincial_focal_point();
        let list = |ns: &[usize]| {
            ns.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut facts = vec![
            ("ungrounded", list(&ungrounded)),
            ("unstated", list(&unstated)),
        ];
        facts.extend(notified.map(|a| ("notified", a.to_string())));
        facts.extend(competent.map(|a| ("competent", a.to_string())));
        let now = model::ceil_millisecond(refusal.at);
        let asked = model::cedar_millis(now)
            .filter(|_| model::in_cedar_range(now))
            .and_then(|now| {
                context::refusal_check(
                    principal,
                    resource,
                    RefusalFacts {
                        now,
                        reasons: refusal.grounds.len(),
                        ungrounded,
                        unstated,
                        authority_notified: notified.is_some(),
                        competent_authority_known: competent.is_some(),
                        notified_competent_authority: notified.is_some() && notified == competent,
                    },
                )
            })
            .ok_or_else(|| {
                model::out_of_range_detail("the refusal's time", refusal.at)
                    .unwrap_or_else(|| "the refusal cannot be given to Cedar".to_owned())
            });
        // 4–5. Cedar, and the findings.
        let action = context::REFUSAL_CHECK_ACTION;
        let eval = self.ask_pack(pack, action, world, asked, mode);
        let (outcome, reasons) = reasons_of(pack, &eval, Vec::new(), "no_rule_permits_act", &facts);
        // 7. Whether the authority notified is competent cannot be told without one.
        let mut decision = finish(pack, outcome, reasons, Vec::new(), date, None, None, None);
        if notified.is_some() && competent.is_none() {
            decision
                .advisories
                .insert(0, pack.advisory("competent_authority_unknown"));
        }
        Run::answered(decision, pack, action, eval, mode)
    }
}

/// The findings of a check's decision: every reason but the permit that says the record
/// was checked, a forbid read as a finding against the provider.
fn findings_of(reasons: Vec<Reason>) -> Vec<Reason> {
    reasons
        .into_iter()
        .filter(|r| r.kind != ReasonKind::Permit)
        .map(|mut r| {
            if r.kind == ReasonKind::Forbid {
                r.kind = ReasonKind::Finding;
            }
            r
        })
        .collect()
}

impl From<Run> for NoticeCheck {
    fn from(run: Run) -> NoticeCheck {
        NoticeCheck {
            due: run.deadline.as_ref().map(Deadline::due),
            deadline: run.deadline,
            findings: findings_of(run.decision.reasons),
            pending: run.decision.duties,
            advisories: run.decision.advisories,
        }
    }
}

impl From<Run> for RefusalCheck {
    fn from(run: Run) -> RefusalCheck {
        RefusalCheck {
            findings: findings_of(run.decision.reasons),
            advisories: run.decision.advisories,
        }
    }
}
