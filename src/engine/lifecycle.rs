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

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::agreement::AgreementStatus;
use crate::calendar::Calendar;
use crate::cedar::context::{self, ActFacts, NoticeFacts, RefusalFacts};
use crate::cedar::values::EntType;
use crate::deadline::{
    DayReading, Deadline, Period, deadline, latest_notice_before, notice_provisional_years,
    provisional_calendar_advisory,
};
use crate::decision::{Advisory, Decision, Duty, NoticePart, Outcome, Reason, ReasonKind};
use crate::engine::Engine;
use crate::engine::pipeline::{
    Ask, Mode, Query, Run, engine_reason, finish, party_advisories, reasons_of,
};
use crate::ids::{AgencyId, AgreementId, DatabaseId, RefusalId, ViolationId};
use crate::model;
use crate::pack::RulePack;
use crate::refusal::{Refusal, RefusalGround};
use crate::request::AccessRequest;
use crate::suspension::{AllConsumersGrounds, DatabaseSuspension, PublicNotice, Suspension};
use crate::world::{Place, World};

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
}

// ------------------------------------------------------------------- the acts, once each

impl SuspensionRequest {
    /// The act the request asks (for [`Engine::decide_suspension`] and the export).
    fn act(&self) -> Act<'_> {
        let mut act = Act::new(
            "suspend",
            &self.provider,
            Target::Agreement(&self.agreement),
            self.at,
        );
        if self.violation.is_some() {
            act.grounds = "violation";
        }
        act.violation = self.violation.as_ref();
        act
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
        let mut act = Act::new(
            "requireUsageReport",
            &self.provider,
            Target::Agreement(&self.agreement),
            self.at,
        );
        if self.violation.is_some() {
            act.grounds = "violation";
        }
        act.violation = self.violation.as_ref();
        act
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

impl Engine {
    /// The Cedar request of a lifecycle act under `pack`: principal, action, resource and the
    /// context (`LifecycleContext` in `policies/model.cedarschema`), with the reasons that
    /// refuse the act before asking. The one place it is built: `decide_act` asks
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
        let resource = match act.target {
            Target::Agreement(id) => {
                let uid = context::entity(world, EntType::Agreement, id.as_str());
                if uid.is_none() {
                    reasons.push(pack.reason(
                        "unknown_agreement",
                        ReasonKind::UnknownReference,
                        Some(format!("agreement `{id}`")),
                    ));
                }
                uid
            }
            Target::Database(id) => {
                let uid = context::entity(world, EntType::Database, id.as_str());
                if uid.is_none() {
                    reasons.push(pack.reason(
                        "unknown_database",
                        ReasonKind::UnknownReference,
                        Some(format!("database `{id}`")),
                    ));
                }
                uid
            }
        };
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
                    transitions.push(Transition {
                        agreement: g.id.clone(),
                        from: g.status,
                        to: AgreementStatus::Suspended,
                        at: request.at,
                    });
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
        run.transitions = match (
            run.decision.is_allowed(),
            world.agreement(&request.agreement),
        ) {
            (true, Some(g)) => vec![Transition {
                agreement: g.id.clone(),
                from: g.status,
                to: AgreementStatus::Active,
                at: request.at,
            }],
            _ => Vec::new(),
        };
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
        run.transitions = match (
            run.decision.is_allowed(),
            world.agreement(&request.agreement),
        ) {
            (true, Some(g)) => vec![Transition {
                agreement: g.id.clone(),
                from: g.status,
                to: AgreementStatus::Terminated,
                at: request.at,
            }],
            _ => Vec::new(),
        };
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
                    transitions.push(Transition {
                        agreement: g.id.clone(),
                        from: g.status,
                        to: AgreementStatus::Suspended,
                        at: request.starts_at,
                    });
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
