//! The lifecycle of a sharing agreement: suspending one consumer for a violation or an
//! unsafe connection (QD05/2024 Đ16.2.h, ND47/2020 Đ43.2), suspending every consumer of a
//! database (ND47/2020 Đ43.1), restoring and terminating (QD05/2024 Đ16.1.g), requiring a
//! usage report (Đ16.1.e); and the checks of what providers owe: the one-day notice
//! (Đ16.2.h), the public maintenance notice (ND47/2020 Đ43.3) and refusals (Đ16.1.đ, Đ18).
//!
//! The grounds are Cedar rules (`lifecycle.cedar`); this module builds their context —
//! computing with the caller's [`Calendar`] every instant the rules compare — and turns
//! an allowed act into its duties and its state transitions, as values. Nothing here
//! changes a world: the caller applies a [`Transition`] to its own data.
//!
//! The reason codes this module gives itself (unknown references, findings of checks,
//! advisories) are listed in `docs/LIFECYCLE.md` and are stable.

// The module's files: `acts` (each act decided: its Cedar request, then its duties and
// transitions) and `checks` (the checks of what providers owe: the one-day notice, the
// public maintenance notice and refusals, and a drafted refusal); this file keeps the
// requests, the answers and the act each request asks.

mod acts;
mod checks;

pub use checks::{NoticeCheck, NoticeCheckRequest, RefusalCheck};

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::agreement::{AgreementStatus, SharingAgreement};
use crate::calendar::Calendar;
use crate::deadline::{DayReading, Deadline, Period, deadline, latest_notice_before};
use crate::decision::{Advisory, Decision, NoticePart, Reason, ReasonKind};
use crate::engine::pipeline::Run;
use crate::ids::{AgencyId, AgreementId, DatabaseId, ViolationId};
use crate::model;
use crate::pack::RulePack;
use crate::suspension::{AllConsumersGrounds, PublicNotice};

// Named by the docs' links.
#[cfg(doc)]
use crate::engine::Engine;

/// The advisory given when the calendar does not cover the one-day notice's last day and
/// the 24-hour reading is used instead.
pub(crate) const CALENDAR_NOT_COVERED_24H: &str = "calendar_not_covered_24h";

// ------------------------------------------------------------------------------ requests

/// A provider asks to suspend provision to one consumer (QD05/2024 Đ16.2.h, ND47/2020
/// Đ43.2), on the grounds of a recorded violation or unsafe-connection finding.
///
/// # Example
///
/// ```
/// use lgsp_policy::SuspensionRequest;
/// use lgsp_policy::time::DayReading;
/// let r = SuspensionRequest::new(
///     "so-tp".parse()?, "agr.tp.so-tnmt".parse()?, Some("vp.2024.001".parse()?),
///     "2024-05-17T17:00:00+07:00".parse()?,
/// );
/// assert_eq!(r.reading, DayReading::CivilCode);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspensionRequest {
    /// The provider asking.
    pub provider: AgencyId,
    /// The agreement to suspend.
    pub agreement: AgreementId,
    /// The violation (or unsafe-connection finding) relied on; `None` states no grounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation: Option<ViolationId>,
    /// When the suspension is decided.
    #[schemars(with = "crate::schemas::RequestInstant")]
    pub at: DateTime<FixedOffset>,
    /// How the one-day notice period is read (default: the Civil Code).
    #[serde(default)]
    pub reading: DayReading,
}

impl SuspensionRequest {
    /// A request read by the Civil Code.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, SuspensionRequest, World};
    /// use lgsp_policy::time::Calendar;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// // A suspension that names no violation has no grounds (QD05/2024 Đ16.2.h).
    /// let request = SuspensionRequest::new(
    ///     "so-tp".parse()?, "agr.tp.so-tnmt".parse()?, None, "2024-05-17T17:00:00+07:00".parse()?,
    /// );
    /// let answer = Engine::builtin()?
    ///     .decide_suspension(&world, &request);
    /// assert!(answer.decision.has_reason("suspension_without_grounds"));
    /// assert!(answer.transitions.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        provider: AgencyId,
        agreement: AgreementId,
        violation: Option<ViolationId>,
        at: DateTime<FixedOffset>,
    ) -> Self {
        SuspensionRequest {
            provider,
            agreement,
            violation,
            at,
            reading: DayReading::CivilCode,
        }
    }
}

/// A provider asks to restore a suspended agreement, stating whether what the suspension
/// required (the notice's requirements, or the end of the maintenance or force majeure)
/// is done.
///
/// # Example
///
/// ```
/// use lgsp_policy::RestorationRequest;
///
/// // A plain record, built with its fields or read from JSON.
/// let request: RestorationRequest = serde_json::from_str(r#"{
///     "provider": "so-tp", "agreement": "agr.tp.so-tnmt",
///     "requirements_met": true, "at": "2024-05-24T09:00:00+07:00"
/// }"#)?;
/// assert!(request.requirements_met);
/// assert_eq!(request.agreement.as_str(), "agr.tp.so-tnmt");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// [`Engine::decide_restoration`] shows it decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RestorationRequest {
    /// The provider asking.
    pub provider: AgencyId,
    /// The agreement to restore.
    pub agreement: AgreementId,
    /// The provider states that the requirements for restoration are met.
    pub requirements_met: bool,
    /// When.
    #[schemars(with = "crate::schemas::RequestInstant")]
    pub at: DateTime<FixedOffset>,
}

/// A provider asks to terminate an agreement (QD05/2024 Đ16.1.g).
///
/// # Example
///
/// ```
/// use lgsp_policy::{Engine, TerminationRequest, World};
///
/// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
/// // Only the agreement's provider may terminate it: not its consumer.
/// let request = TerminationRequest {
///     provider: "so-tnmt".parse()?, agreement: "agr.tp.so-tnmt".parse()?,
///     at: "2024-06-03T09:00:00+07:00".parse()?,
/// };
/// let answer = Engine::builtin()?.decide_termination(&world, &request);
/// assert!(answer.decision.has_reason("not_the_provider"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TerminationRequest {
    /// The provider asking.
    pub provider: AgencyId,
    /// The agreement to terminate.
    pub agreement: AgreementId,
    /// When.
    #[schemars(with = "crate::schemas::RequestInstant")]
    pub at: DateTime<FixedOffset>,
}

/// A provider asks to require a consumer to report how it uses shared data (QD05/2024
/// Đ16.1.e), naming the recorded sign of unlawful use it relies on.
///
/// # Example
///
/// ```
/// use lgsp_policy::{Duty, Engine, UsageReportRequest, World};
///
/// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
/// let request = UsageReportRequest {
///     provider: "so-tp".parse()?, agreement: "agr.tp.so-tnmt".parse()?,
///     violation: Some("vp.2024.001".parse()?), at: "2024-06-03T09:00:00+07:00".parse()?,
/// };
/// let answer = Engine::builtin()?.decide_usage_report(&world, &request);
/// assert!(answer.is_allowed());
/// // The consumer, so-tnmt, now owes the provider a report (QD05/2024 Đ16.1.e).
/// assert!(matches!(
///     answer.decision.duties.as_slice(),
///     [Duty::ReportUsage { consumer, .. }] if consumer.as_str() == "so-tnmt"
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageReportRequest {
    /// The provider asking.
    pub provider: AgencyId,
    /// The agreement under which data was shared.
    pub agreement: AgreementId,
    /// The violation or suspicion relied on; `None` states no sign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violation: Option<ViolationId>,
    /// When.
    #[schemars(with = "crate::schemas::RequestInstant")]
    pub at: DateTime<FixedOffset>,
}

/// A provider asks to suspend every consumer of a database (ND47/2020 Đ43.1).
///
/// # Example
///
/// ```
/// use lgsp_policy::{Engine, SuspendAllRequest, World};
/// use lgsp_policy::records::{AgreementStatus, AllConsumersGrounds};
/// use lgsp_policy::time::Calendar;
///
/// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
/// // Force majeure: at once, with notice by appropriate means (ND47/2020 Đ43.4).
/// let request = SuspendAllRequest {
///     provider: "so-tp".parse()?, database: "csdl-dan-cu".parse()?,
///     grounds: AllConsumersGrounds::ForceMajeure,
///     starts_at: "2024-06-03T08:00:00+07:00".parse()?, notice: None,
///     at: "2024-06-03T08:00:00+07:00".parse()?,
/// };
/// let answer = Engine::builtin()?
///     .decide_suspend_all(&world, &request);
/// assert!(answer.is_allowed());
/// assert!(!answer.transitions.is_empty());
/// assert!(answer.transitions.iter().all(|t| t.to == AgreementStatus::Suspended));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuspendAllRequest {
    /// The provider asking: the database's manager.
    pub provider: AgencyId,
    /// The database.
    pub database: DatabaseId,
    /// Why.
    pub grounds: AllConsumersGrounds,
    /// When the suspension starts.
    #[schemars(with = "crate::schemas::RequestInstant")]
    pub starts_at: DateTime<FixedOffset>,
    /// The public notice, if already published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<PublicNotice>,
    /// When the request is decided.
    #[schemars(with = "crate::schemas::RequestInstant")]
    pub at: DateTime<FixedOffset>,
}

// ------------------------------------------------------------------------------ answers

/// A change of an agreement's status, returned as a value: the library never changes a
/// world; the caller applies it to its own data.
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
/// // The caller applies the transitions to its own records, then rebuilds its world.
/// let mut data = world.to_data();
/// for t in &answer.transitions {
///     assert_eq!((t.from, t.to), (AgreementStatus::Active, AgreementStatus::Terminated));
///     for g in data.agreements.iter_mut().filter(|g| g.id == t.agreement) {
///         g.status = t.to;
///     }
/// }
/// let world = World::new(data)?;
/// let agreement = world.agreement(&"agr.tp.so-tnmt".parse()?).ok_or("no agreement")?;
/// assert_eq!(agreement.status, AgreementStatus::Terminated);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Transition {
    /// The agreement.
    pub agreement: AgreementId,
    /// Its status before.
    pub from: AgreementStatus,
    /// Its status after.
    pub to: AgreementStatus,
    /// When the change takes effect.
    pub at: DateTime<FixedOffset>,
}

impl Transition {
    /// The agreement `g` moved from its present status to `to`, taking effect `at`.
    fn of(g: &SharingAgreement, to: AgreementStatus, at: DateTime<FixedOffset>) -> Self {
        Transition {
            agreement: g.id.clone(),
            from: g.status,
            to,
            at,
        }
    }
}

/// The answer to a lifecycle request: the decision (reasons, duties, advisories, as for
/// access) and, when allowed, the transitions it makes. The examples of
/// [`LifecycleDecision::is_allowed`] and [`Transition`] show one read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LifecycleDecision {
    /// The decision.
    pub decision: Decision,
    /// The status changes it makes; empty when denied.
    #[serde(default)]
    pub transitions: Vec<Transition>,
}

impl From<Run> for LifecycleDecision {
    fn from(run: Run) -> LifecycleDecision {
        LifecycleDecision {
            decision: run.decision,
            transitions: run.transitions,
        }
    }
}

impl LifecycleDecision {
    /// Whether the act is allowed.
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
    /// // The agreement is active: there is nothing to restore.
    /// let answer = Engine::builtin()?.decide_restoration(&world, &request);
    /// assert!(!answer.is_allowed());
    /// assert_eq!(answer.is_allowed(), answer.decision.is_allowed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_allowed(&self) -> bool {
        self.decision.is_allowed()
    }
}

// ------------------------------------------------------------------------------ texts

fn reading_advisory(pack: &RulePack, reading: DayReading) -> Advisory {
    match reading {
        DayReading::CivilCode => pack.advisory("reading_one_day_notice"),
        DayReading::TwentyFourHours => pack.advisory("reading_one_day_notice_24h"),
    }
}

/// The deadline of the notice of a suspension, the pack's `suspension_notice` period
/// (QD05/2024 Đ16.2.h: one day) from the determination of the violation. When the
/// calendar does not cover the days the Civil Code reading needs, the 24-hour reading —
/// never later, and needing no calendar — is used and said.
fn one_day_notice(
    pack: &RulePack,
    determined: DateTime<FixedOffset>,
    calendar: &Calendar,
    reading: DayReading,
) -> (Option<Deadline>, Vec<Advisory>) {
    let Some(period) = pack.period_value("suspension_notice", model::local_date(determined)) else {
        return (None, Vec::new());
    };
    match deadline(determined, period, calendar, reading) {
        Ok(d) => (Some(d), vec![reading_advisory(pack, reading)]),
        Err(_) => match deadline(determined, period, calendar, DayReading::TwentyFourHours) {
            // Only the reading applied is said: the 24-hour one, and why.
            Ok(d) => (Some(d), vec![pack.advisory(CALENDAR_NOT_COVERED_24H)]),
            Err(_) => (None, vec![reading_advisory(pack, reading)]),
        },
    }
}

fn describe_delay(by: chrono::Duration) -> String {
    let minutes = by.num_minutes();
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

const CONSUMER_NOTICE_PARTS: [NoticePart; 3] = [
    NoticePart::Violation,
    NoticePart::HandlingPlan,
    NoticePart::RestorationRequirements,
];

// ------------------------------------------------------------------------------ the engine

/// What a lifecycle act is about.
enum Target<'a> {
    Agreement(&'a AgreementId),
    Database(&'a DatabaseId),
}

/// One lifecycle act, as the shared evaluation needs it.
struct Act<'a> {
    action: &'static str,
    provider: &'a AgencyId,
    target: Target<'a>,
    at: DateTime<FixedOffset>,
    grounds: &'static str,
    violation: Option<&'a ViolationId>,
    requirements_met: bool,
    restoration_announced: bool,
    /// The instant given to the rules as `context.now`, when it is not `at`.
    now: Option<DateTime<FixedOffset>>,
    /// Further context attributes: instants, some computed with the calendar.
    extra: Vec<(&'static str, DateTime<FixedOffset>)>,
    /// Instants of the request outside what the rules can compare (the years 1900–9999),
    /// by field name; any makes the act a deny (`evaluation_error`).
    out_of_range: Vec<(&'static str, DateTime<FixedOffset>)>,
    /// Problems found before asking Cedar; any makes the act a deny.
    problems: Vec<Reason>,
}

impl<'a> Act<'a> {
    fn new(
        action: &'static str,
        provider: &'a AgencyId,
        target: Target<'a>,
        at: DateTime<FixedOffset>,
    ) -> Self {
        Act {
            action,
            provider,
            target,
            at,
            grounds: "none",
            violation: None,
            requirements_met: false,
            restoration_announced: false,
            now: None,
            extra: Vec::new(),
            out_of_range: Vec::new(),
            problems: Vec::new(),
        }
    }

    /// The act on the grounds of a violation, when the request names one (`grounds` is
    /// `"violation"` then, `"none"` otherwise).
    fn on_violation(mut self, violation: Option<&'a ViolationId>) -> Self {
        if violation.is_some() {
            self.grounds = "violation";
        }
        self.violation = violation;
        self
    }
}

// ------------------------------------------------------------------- the acts, once each

impl SuspensionRequest {
    /// The act the request asks (for [`Engine::decide_suspension`] and the export).
    fn act(&self) -> Act<'_> {
        Act::new(
            "suspend",
            &self.provider,
            Target::Agreement(&self.agreement),
            self.at,
        )
        .on_violation(self.violation.as_ref())
    }
}

impl RestorationRequest {
    /// The act the request asks (for [`Engine::decide_restoration`] and the export).
    fn act(&self) -> Act<'_> {
        let mut act = Act::new(
            "restore",
            &self.provider,
            Target::Agreement(&self.agreement),
            self.at,
        );
        act.requirements_met = self.requirements_met;
        act
    }
}

impl TerminationRequest {
    /// The act the request asks (for [`Engine::decide_termination`] and the export).
    fn act(&self) -> Act<'_> {
        Act::new(
            "terminate",
            &self.provider,
            Target::Agreement(&self.agreement),
            self.at,
        )
    }
}

impl UsageReportRequest {
    /// The act the request asks (for [`Engine::decide_usage_report`] and the export).
    fn act(&self) -> Act<'_> {
        Act::new(
            "requireUsageReport",
            &self.provider,
            Target::Agreement(&self.agreement),
            self.at,
        )
        .on_violation(self.violation.as_ref())
    }
}

impl SuspendAllRequest {
    /// The public notice, if it is out at the request's instant: a notice published only
    /// after that instant is not yet published, and is still owed.
    fn published_notice(&self) -> Option<&PublicNotice> {
        self.notice.as_ref().filter(|n| n.published_at <= self.at)
    }

    /// The act the request asks (for [`Engine::decide_suspend_all`] and the export), and
    /// the latest time for a maintenance's public notice, counted back with `calendar`.
    fn act(
        &self,
        pack: &RulePack,
        calendar: &Calendar,
    ) -> (Act<'_>, Option<DateTime<FixedOffset>>) {
        let request = self;
        let mut act = Act::new(
            "suspendAll",
            &request.provider,
            Target::Database(&request.database),
            request.at,
        );
        act.grounds = request.grounds.as_str();
        let notice = request.published_notice();
        act.restoration_announced = notice.is_some_and(|n| n.expected_restoration.is_some());
        let mut latest = None;
        // The rules compare `now` and the notice's publication with the notice deadline
        // only, as "at or before" it (ND47/2020 Đ43.3): rounded up to the millisecond
        // Cedar sees, an instant a fraction of a millisecond late stays late.
        act.now = Some(model::ceil_millisecond(request.at));
        if model::in_cedar_range(request.starts_at) {
            act.extra.push(("startsAt", request.starts_at));
        } else {
            act.out_of_range.push(("starts_at", request.starts_at));
        }
        if let Some(n) = notice {
            let published = model::ceil_millisecond(n.published_at);
            if model::in_cedar_range(published) {
                act.extra.push(("noticePublishedAt", published));
            } else {
                act.out_of_range.push(("notice.published_at", published));
            }
        }
        if request.grounds == AllConsumersGrounds::Maintenance {
            let days = maintenance_notice_days(pack, request.starts_at);
            match days.map(|days| latest_notice_before(request.starts_at, days, calendar)) {
                Some(Ok(at)) if model::in_cedar_range(at) => {
                    act.extra.push(("noticeLatest", at));
                    latest = Some(at);
                }
                _ => act.problems.push(pack.reason(
                    "calendar_not_covered",
                    ReasonKind::EvaluationError,
                    Some(format!(
                        "counting {} back from {}",
                        days.map_or_else(
                            || "the pack's `maintenance_notice` working days".to_owned(),
                            |d| format!("{d} working days")
                        ),
                        request.starts_at
                    )),
                )),
            }
        }
        (act, latest)
    }
}

/// The pack's `maintenance_notice` period, in working days, for a suspension starting at
/// `starts_at`; `None` when the pack sets none in working days (the loader refuses it).
fn maintenance_notice_days(pack: &RulePack, starts_at: DateTime<FixedOffset>) -> Option<u32> {
    match pack.period_value("maintenance_notice", model::local_date(starts_at)) {
        Some(Period::WorkingDays(n)) => Some(n),
        _ => None,
    }
}
