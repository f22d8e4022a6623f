//! The compliance duties report: every duty of the regulation that a world shows due soon,
//! overdue, or unmet, with its clause, the agency responsible, its subject and its due date
//! counted by the Civil Code with a holiday calendar.
//!
//! The duties and the readings chosen are documented on [`Engine::duties_report`](crate::Engine::duties_report) and in
//! `docs/CATALOG_AND_DUTIES.md`.

use std::collections::BTreeSet;

use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::clause::Clause;
use crate::data::{CatalogMembership, Database, Hosting};
use crate::deadline::{CalendarGap, DayReading, DeadlineError, Period, PeriodEnd, period_end};
use crate::decision::{PackRef, Reason};
use crate::engine::Mode;
use crate::ids::{AgencyId, DatabaseId, RefusalId, SuspensionId, TerritoryId};
use crate::lifecycle::{CALENDAR_NOT_COVERED_24H, NoticeCheck, NoticeCheckRequest, RefusalCheck};
use crate::model;
use crate::pack::{EngineReason, RulePack};
use crate::refusal::Refusal;
use crate::suspension::Suspension;
use crate::world::{Place, World};

/// The finding of the notice check that concerns the suspension's grounds, not the notice.
const VIOLATION_NOT_DETERMINED: &str = "violation_not_determined";
/// The finding of a notice sent after its deadline.
const NOTICE_LATE: &str = "notice_late";

/// The kinds of duty the report knows, in the order the report lists duties of the same
/// due date.
///
/// The enum is `#[non_exhaustive]`: duties of other clauses may join it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DutyKind {
    /// Check and evaluate a database's data every year (QD05/2024 Đ4.3, Đ6.2).
    AnnualEvaluation,
    /// Update or add open data within 3 months of its catalog's publication on the
    /// provincial data portal (QD05/2024 Đ10.4).
    OpenDataUpdate,
    /// Keep request logs at least 3 months (QD05/2024 Đ16.1.a).
    LogRetention,
    /// Name one focal-point officer (QD05/2024 Đ15.1.b).
    FocalPointOfficer,
    /// The focal-point officer is specialist or technical staff (QD05/2024 Đ15.2).
    FocalPointQualification,
    /// Host a shared-catalog database at the provincial data centre (QD05/2024 Đ8.3).
    DataCentreHosting,
    /// Notify the suspended consumer of the violation, the handling plan and what is
    /// needed to keep or restore the connection, no later than one day after the
    /// violation is determined (QD05/2024 Đ16.2.h).
    SuspensionNotice,
    /// State a refusal's reasons and notify the competent authority that receives and
    /// resolves problems (QD05/2024 Đ16.1.đ; the authority: Đ18).
    RefusalReport,
}

impl DutyKind {
    /// Every kind, in the order of the enum.
    pub const ALL: [DutyKind; 8] = [
        DutyKind::AnnualEvaluation,
        DutyKind::OpenDataUpdate,
        DutyKind::LogRetention,
        DutyKind::FocalPointOfficer,
        DutyKind::FocalPointQualification,
        DutyKind::DataCentreHosting,
        DutyKind::SuspensionNotice,
        DutyKind::RefusalReport,
    ];

    /// The kind's name, as in JSON and as the key of a pack's `duties`.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::duties::DutyKind;
    /// assert_eq!(DutyKind::OpenDataUpdate.as_str(), "open_data_update");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            DutyKind::AnnualEvaluation => "annual_evaluation",
            DutyKind::OpenDataUpdate => "open_data_update",
            DutyKind::LogRetention => "log_retention",
            DutyKind::FocalPointOfficer => "focal_point_officer",
            DutyKind::FocalPointQualification => "focal_point_qualification",
            DutyKind::DataCentreHosting => "data_centre_hosting",
            DutyKind::SuspensionNotice => "suspension_notice",
            DutyKind::RefusalReport => "refusal_report",
        }
    }
}

/// What a duty is about.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
#[non_exhaustive]
pub enum DutySubject {
    /// An agency (focal-point duties).
    Agency(AgencyId),
    /// A database (evaluation, open data, logs, hosting).
    Database(DatabaseId),
    /// A suspension of one consumer (its one-day notice).
    Suspension(SuspensionId),
    /// A refusal of a sharing request (its reasons and report).
    Refusal(RefusalId),
}

impl std::fmt::Display for DutySubject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DutySubject::Agency(id) => write!(f, "agency {id}"),
            DutySubject::Database(id) => write!(f, "database {id}"),
            DutySubject::Suspension(id) => write!(f, "suspension {id}"),
            DutySubject::Refusal(id) => write!(f, "refusal {id}"),
        }
    }
}

/// Where a duty stands at `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DutyStatus {
    /// Its due date is within the horizon and not yet past.
    DueSoon,
    /// Its due date is past.
    Overdue,
    /// A standing requirement that is not met now; it has no due date of its own.
    Unmet,
}

/// One duty in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DutyEntry {
    /// The kind of duty.
    pub kind: DutyKind,
    /// The clause it rests on.
    pub clause: Clause,
    /// Further clauses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub see: Vec<Clause>,
    /// The agency that must act.
    pub agency: AgencyId,
    /// What the duty is about.
    pub subject: DutySubject,
    /// Due soon, overdue, or unmet.
    pub status: DutyStatus,
    /// When it is due, in +07:00: 24:00 of [`DutyEntry::last_day`], written as 00:00 of
    /// the next day. `None` for a standing requirement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<DateTime<FixedOffset>>,
    /// The last day of the period, after any move off a day off (BLDS2015 Đ148.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_day: Option<NaiveDate>,
    /// The counted last day, when Đ148.5 moved it because it was a day off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<NaiveDate>,
    /// The Civil Code clauses applied to count the period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<Clause>,
    /// For an overdue duty, how many days late it is: the local date of `now` minus the
    /// last day (1 on the first day after the last day). For a suspension notice sent late
    /// and otherwise complete, how late it was sent: the local date it was sent minus the
    /// last day (0 when it was late on the last day itself, under the 24-hour reading).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overdue_days: Option<i64>,
    /// Set when the calendar does not cover the last day: the due date is then the
    /// counted last day's end, not moved for days off. Đ148.5 only ever moves a due date
    /// later, so the real due date is this one or a few days after it. For a suspension
    /// notice the due date is instead 24 hours after the determination, as
    /// `Engine::check_notice` counts it over a gap: never later than the Civil Code's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar_gap: Option<CalendarGap>,
    /// The years whose calendar is provisional among the days the due date was counted
    /// over ([`Deadline::provisional_years`](crate::time::Deadline::provisional_years)): the due date may change when the government
    /// fixes them. Empty when the count rests on official years only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provisional_years: Vec<i32>,
    /// The duty in Vietnamese.
    pub vi: String,
    /// The duty in English.
    pub en: String,
    /// The facts behind it, e.g. `last evaluated 2022-11-01`.
    pub detail: String,
    /// For a duty resting on a lifecycle record, the findings of its check
    /// (`Engine::check_notice`, `Engine::check_refusal`), each with its stable code and
    /// clause; empty for the other kinds and for a notice not yet due.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Reason>,
    /// The pack that imposes it: the one in force, on the report's date, in the territory
    /// of the record it rests on (a database's, an agency's, the data of a suspended
    /// agreement, a refused dataset's).
    pub pack: PackRef,
}

/// The duties due soon, overdue or unmet in a world at a moment. The examples of
/// [`Engine::duties_report`](crate::Engine::duties_report) and [`DutiesReport::of_kind`] read one; [`DutyEntry`],
/// [`DutySubject`], [`DutyStatus`] and [`CalendarGap`] are plain records read there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DutiesReport {
    /// The moment of the report, as given.
    pub now: DateTime<FixedOffset>,
    /// Duties due at or before this instant are listed (24:00 local of the horizon's last
    /// day).
    pub horizon_end: DateTime<FixedOffset>,
    /// The duties: first the standing requirements unmet now, then by due date, then by
    /// kind, agency and subject. [`DutiesReport::of_pack`] groups them by the pack that
    /// imposes them.
    pub duties: Vec<DutyEntry>,
    /// The territories of the world's records where no pack is in force on the report's
    /// date: their records' duties are not listed, since no known rule imposes them
    /// (`docs/TERRITORIES.md`). Empty when every record is covered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_covered: Vec<crate::ids::TerritoryId>,
}

impl DutiesReport {
    /// The duties with this status.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::Days;
    /// use lgsp_policy::{Engine, World, WorldData};
    /// use lgsp_policy::duties::{DutyKind, DutyStatus};
    ///
    /// let world = World::new(WorldData::new("VN-32".parse()?))?;
    /// let now = "2024-06-03T09:00:00+07:00".parse()?;
    /// let report = Engine::builtin()?.duties_report(&world, now, Days::new(30))?;
    /// assert_eq!(report.with_status(DutyStatus::Overdue).count(), 0);
    /// assert_eq!(report.of_kind(DutyKind::LogRetention).count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_status(&self, status: DutyStatus) -> impl Iterator<Item = &DutyEntry> {
        self.duties.iter().filter(move |d| d.status == status)
    }

    /// The duties imposed by the pack `id`, in the report's order.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::Days;
    /// use lgsp_policy::{Engine, World};
    ///
    /// // The merged Đắk Lắk: QD05/2024 governs the former Phú Yên area; no pack is known
    /// // for the former Đắk Lắk area, nor for the province-wide level, so the duties
    /// // resting on their records are not listed.
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/examples/data/dak-lak-2026.world.json")))?;
    /// let report = Engine::builtin()?.duties_report(&world, "2026-12-01T09:00:00+07:00".parse()?, Days::new(400))?;
    /// let qd05 = "qd05-2024-phu-yen".parse()?;
    /// assert!(report.of_pack(&qd05).count() > 0);
    /// assert_eq!(report.of_pack(&qd05).count(), report.duties.len());
    /// let not_covered: Vec<&str> = report.not_covered.iter().map(|t| t.as_str()).collect();
    /// assert_eq!(not_covered, ["VN-33", "VN-33:former-VN-33"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of_pack<'r>(
        &'r self,
        id: &'r crate::ids::PackId,
    ) -> impl Iterator<Item = &'r DutyEntry> + 'r {
        self.duties.iter().filter(move |d| &d.pack.id == id)
    }

    /// The duties of this kind.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::Days;
    /// use lgsp_policy::{Engine, World};
    /// use lgsp_policy::duties::{DutyKind, DutyStatus, DutySubject};
    ///
    /// let world = World::from_json(r#"{
    ///   "territory": "VN-32",
    ///   "agencies": [{"id": "so-tnmt", "name": "Sở Tài nguyên và Môi trường",
    ///                 "kind": "provincial_department"}],
    ///   "databases": [{"id": "csdl-dat-dai", "name": "CSDL đất đai", "manager": "so-tnmt",
    ///                  "catalog": "shared", "hosting": "provincial_data_centre",
    ///                  "last_evaluated": "2023-06-20", "log_retention_months": 6}]
    /// }"#)?;
    /// let now = "2024-06-03T09:00:00+07:00".parse()?;
    /// let report = Engine::builtin()?.duties_report(&world, now, Days::new(30))?;
    /// let evaluations: Vec<_> = report.of_kind(DutyKind::AnnualEvaluation).collect();
    /// assert_eq!(evaluations.len(), 1);
    /// assert_eq!(evaluations[0].subject, DutySubject::Database("csdl-dat-dai".parse()?));
    /// assert_eq!(evaluations[0].agency.as_str(), "so-tnmt"); // the database's manager acts
    /// // The database has no focal-point officer recorded for its manager: a standing duty.
    /// let unmet: Vec<DutyKind> = report.with_status(DutyStatus::Unmet).map(|d| d.kind).collect();
    /// assert_eq!(unmet, [DutyKind::FocalPointOfficer]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn of_kind(&self, kind: DutyKind) -> impl Iterator<Item = &DutyEntry> {
        self.duties.iter().filter(move |d| d.kind == kind)
    }
}

/// Why a duties report could not be made.
///
/// # Example
///
/// ```
/// use chrono::Days;
/// use lgsp_policy::{DutiesError, Engine, World, WorldData};
///
/// let world = World::new(WorldData::new("VN-32".parse()?))?;
/// let now = "2024-06-03T09:00:00+07:00".parse()?;
/// let error = Engine::builtin()?
///     .duties_report(&world, now, Days::new(u64::MAX))
///     .err()
///     .ok_or("an endless horizon was accepted")?;
/// let what = match &error {
///     DutiesError::HorizonOutOfRange { now } => format!("horizon too far from {now}"),
///     DutiesError::Deadline { kind, subject, .. } => format!("{subject}: no due date for {kind:?}"),
///     DutiesError::NoPackInForce { territory, date } => format!("no pack in {territory} on {date}"),
///     _ => error.to_string(), // the enum is non-exhaustive
/// };
/// assert_eq!(what, "horizon too far from 2024-06-03 09:00:00 +07:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DutiesError {
    /// `now` plus the horizon leaves the representable dates.
    #[error("the horizon from {now} leaves the range of representable dates")]
    HorizonOutOfRange {
        /// The moment of the report.
        now: DateTime<FixedOffset>,
    },
    /// A due date could not be computed for a reason other than the calendar's coverage
    /// (that is reported on the duty, as a [`CalendarGap`]).
    #[error("{subject}: the due date of {kind:?} cannot be computed: {source}")]
    Deadline {
        /// The duty's kind.
        kind: DutyKind,
        /// Its subject.
        subject: DutySubject,
        /// The problem.
        source: DeadlineError,
    },
    /// The pack sets no value of a period the duty is counted with (a loaded pack sets
    /// every one).
    #[error("{subject}: the pack sets no `{period}` period for {kind:?}")]
    NoPeriod {
        /// The duty.
        kind: DutyKind,
        /// Its subject.
        subject: DutySubject,
        /// The period's name.
        period: &'static str,
    },
    /// No pack is in force in the world's territory on the report's date.
    #[error("no rule pack is in force in territory `{territory}` on {date}")]
    NoPackInForce {
        /// The world's territory.
        territory: crate::ids::TerritoryId,
        /// The local date of `now`.
        date: NaiveDate,
    },
}

/// Lists every duty that `world` shows due within `horizon` days of `now`, overdue, or
/// unmet, ordered and deterministic.
///
/// # The duties
///
/// | kind | clause | responsible | when it is listed |
/// |---|---|---|---|
/// | [`DutyKind::AnnualEvaluation`] | QD05/2024 Đ6.2 (Đ4.3) | the database's manager | one year after `last_evaluated` is due soon or past; never evaluated: unmet |
/// | [`DutyKind::OpenDataUpdate`] | Đ10.4 | the manager | its open-data catalog was published and the data not updated since; three months after publication is due soon or past |
/// | [`DutyKind::LogRetention`] | Đ16.1.a | the manager | a database holding data under the regulation declares no log retention, or less than 3 months: unmet |
/// | [`DutyKind::FocalPointOfficer`] | Đ15.1.b | the agency | an agency of the province managing a database has no focal-point officer: unmet |
/// | [`DutyKind::FocalPointQualification`] | Đ15.2 | the agency | its officer is neither specialist nor technical staff: unmet |
/// | [`DutyKind::DataCentreHosting`] | Đ8.3 | the manager | a shared-catalog database is hosted elsewhere: unmet |
/// | [`DutyKind::SuspensionNotice`] | Đ16.2.h | the agreement's provider | a suspension's notice is not sent and due soon or past, or was sent late, to another agency, or without one of its three parts |
/// | [`DutyKind::RefusalReport`] | Đ16.1.đ (Đ18) | the refusing provider | a refusal lacks a stated, grounded reason, or the competent authority has not been notified (or the wrong one was): unmet |
///
/// Due dates are counted by the Civil Code with `calendar` ([`deadline`](fn@crate::time::deadline) with
/// [`DayReading::CivilCode`]): a year or three months from the day after the event, ending
/// at 24:00 of the last day, moved to the next working day when the last day is a day off
/// (BLDS2015 Đ147–148). "Due soon" means due at or before 24:00 of the local day `horizon`
/// days after `now`'s.
///
/// # Lifecycle records
///
/// The two lifecycle duties are judged by the same checks as [`Engine::check_notice`]
/// (with [`DayReading::CivilCode`]) and [`Engine::check_refusal`]; the entry carries their
/// findings. A suspension's notice is due one day after the violation is determined
/// (BLDS2015 Đ147.2, Đ148.1, Đ148.5, Đ148.6); while it is not sent it is due soon or
/// overdue. A notice sent in time but to another agency or missing a part is still owed:
/// due soon or overdue by the same deadline. A notice sent late is a breach the record
/// keeps: listed as overdue by the days it was late. Neither restoring the connection nor
/// time removes these entries; only the record does. The law sets no time for a refusal's
/// reasons and report (QD05/2024 Đ16.1.đ says "phải nêu rõ lý do và thông báo", without a
/// period), so a refusal lacking them is an unmet standing requirement without a due date.
///
/// [`Engine::check_notice`]: crate::Engine::check_notice
/// [`Engine::check_refusal`]: crate::Engine::check_refusal
///
/// Databases holding only data outside the regulation (state secrets, internal or
/// temporary data, QD05/2024 Đ1.2) owe no evaluation and no log. A duty done late (an
/// update after the three months) is done, so not listed. The report applies QD05/2024 to
/// whatever world it is given; it does not consult a rule pack.
///
/// # Calendar gaps
///
/// When the calendar does not cover a due date's last day, the duty is still listed: its
/// due date is the counted last day's end, not adjusted for days off, and the entry's
/// [`DutyEntry::calendar_gap`] says which day the calendar could not answer for. A
/// compliance report should not hide a duty because a holiday table is missing; the gap
/// is visible on the entry, and supplying a calendar for that year removes it.
///
/// # Provisional years
///
/// When a due date was counted over a year the calendar holds only provisionally (2027 in
/// the shipped calendar, read from the Labour Code before the government fixes it), the
/// entry's [`DutyEntry::provisional_years`] names the year: the due date is computed, and
/// flagged as one that may move.
///
/// # Errors
///
/// [`DutiesError::HorizonOutOfRange`] when `now` plus `horizon` leaves chrono's dates;
/// [`DutiesError::Deadline`] when a due date overflows (not possible for a checked
/// world's dates). A calendar that does not cover a date is not an error (see above).
/// [`Engine::duties_report`](crate::Engine::duties_report) is its public door.
pub(crate) fn duties_report(
    engine: &crate::Engine,
    packs: &[(&TerritoryId, &RulePack)],
    world: &World,
    now: DateTime<FixedOffset>,
    calendar: &Calendar,
    horizon: Days,
) -> Result<DutiesReport, DutiesError> {
    let horizon_end = model::local_date(now)
        .checked_add_days(horizon)
        .and_then(|last| last.succ_opt())
        .and_then(model::start_of_local_day)
        .ok_or(DutiesError::HorizonOutOfRange { now })?;
    let mut duties = Vec::new();
    // Each territory's records, judged by the pack in force there.
    for &(territory, pack) in packs {
        let mut report = Collector {
            engine,
            pack,
            pack_ref: PackRef::of(pack),
            world,
            now,
            calendar,
            horizon_end,
            duties: Vec::new(),
        };
        let providers = report.data_managers();
        for db in world.databases() {
            if world.territory_for(Place::Database(&db.id)) == territory {
                report.evaluation(db)?;
                report.open_data(db)?;
                report.log_retention(db)?;
                report.hosting(db);
            }
        }
        for agency in world.agencies() {
            if world.territory_for(Place::Agency(&agency.id)) == territory
                && providers.contains(&agency.id)
                && agency.kind.is_in_province()
            {
                report.focal_point(agency);
            }
        }
        // Duties resting on lifecycle records: suspension notices owed (Đ16.2.h), refusals
        // not reported (Đ16.1.đ).
        for suspension in world.suspensions() {
            let place = Place::Agreement(&suspension.agreement);
            if world.territory_for(place) == territory {
                report.suspension_notice(suspension);
            }
        }
        for refusal in world.refusals() {
            if world.territory_for(refusal.place()) == territory {
                report.refusal(refusal);
            }
        }
        duties.extend(report.duties);
    }
    let not_covered = world
        .territories
        .iter()
        .filter(|t| !packs.iter().any(|(covered, _)| covered == t))
        .cloned()
        .collect();
    duties.sort_by(|a, b| {
        (a.due.is_some(), a.due, a.kind, &a.agency, &a.subject).cmp(&(
            b.due.is_some(),
            b.due,
            b.kind,
            &b.agency,
            &b.subject,
        ))
    });
    Ok(DutiesReport {
        now,
        horizon_end,
        duties,
        not_covered,
    })
}

struct Collector<'a> {
    engine: &'a crate::Engine,
    pack: &'a RulePack,
    pack_ref: PackRef,
    world: &'a World,
    now: DateTime<FixedOffset>,
    calendar: &'a Calendar,
    horizon_end: DateTime<FixedOffset>,
    duties: Vec<DutyEntry>,
}

/// What a lifecycle record adds to a dated duty.
#[derive(Default)]
struct Record {
    /// The findings of the record's check.
    findings: Vec<Reason>,
    /// When the act was done, if it was done after its due date and nothing else is owed.
    done_late_at: Option<DateTime<FixedOffset>>,
}

impl Collector<'_> {
    /// The pack's clause and texts of a duty (a loaded pack has every kind).
    fn text(&self, kind: DutyKind) -> EngineReason {
        self.pack
            .duty(kind)
            .cloned()
            .unwrap_or_else(|| EngineReason {
                clause: self
                    .pack
                    .reason("evaluation_error", crate::ReasonKind::EvaluationError, None)
                    .clause,
                see: Vec::new(),
                vi: String::new(),
                en: kind.as_str().replace('_', " "),
            })
    }

    /// The pack's value of a legal period, for a period counted from `from`.
    fn period(
        &self,
        kind: DutyKind,
        subject: &DutySubject,
        name: &'static str,
        from: NaiveDate,
    ) -> Result<Period, DutiesError> {
        self.pack
            .period_value(name, from)
            .ok_or_else(|| DutiesError::NoPeriod {
                kind,
                subject: subject.clone(),
                period: name,
            })
    }

    /// Agencies that manage at least one database (QD05/2024 Đ15.1.b "có xây dựng, quản lý
    /// dữ liệu").
    fn data_managers(&self) -> BTreeSet<AgencyId> {
        self.world
            .databases
            .values()
            .map(|d| d.manager.clone())
            .collect()
    }

    /// Whether the database holds data the regulation governs: it has no datasets yet, or
    /// at least one in scope (QD05/2024 Đ1.2).
    fn governed(&self, db: &Database) -> bool {
        let mut classes = self
            .world
            .datasets
            .values()
            .filter(|s| s.database == db.id)
            .map(|s| s.class)
            .peekable();
        classes.peek().is_none() || classes.any(|c| c.is_in_scope())
    }

    /// Whether the database provides data governed by the regulation to others.
    fn provides(&self, db: &Database) -> bool {
        self.world
            .datasets
            .values()
            .any(|s| s.database == db.id && s.class.is_in_scope())
    }

    /// The due date of `period` counted from the local day `from`.
    fn due(
        &self,
        kind: DutyKind,
        subject: &DutySubject,
        from: NaiveDate,
        period: Period,
    ) -> Result<PeriodEnd, DutiesError> {
        period_end(from, period, self.calendar).map_err(|source| DutiesError::Deadline {
            kind,
            subject: subject.clone(),
            source,
        })
    }

    fn push_dated(
        &mut self,
        kind: DutyKind,
        agency: &AgencyId,
        subject: DutySubject,
        due: PeriodEnd,
        detail: String,
    ) {
        self.push_dated_with(kind, agency, subject, due, detail, Record::default());
    }

    /// A dated duty, with what a lifecycle record adds: its findings and, for an act done
    /// late, when it was done (lateness is then counted to that day, not to `now`).
    fn push_dated_with(
        &mut self,
        kind: DutyKind,
        agency: &AgencyId,
        subject: DutySubject,
        due: PeriodEnd,
        detail: String,
        record: Record,
    ) {
        if record.done_late_at.is_none() && due.due > self.horizon_end {
            return;
        }
        let overdue = record.done_late_at.is_some() || self.now > due.due;
        let overdue_days = overdue.then(|| {
            model::local_date(record.done_late_at.unwrap_or(self.now))
                .signed_duration_since(due.last_day)
                .num_days()
        });
        let text = self.text(kind);
        self.duties.push(DutyEntry {
            kind,
            clause: text.clause,
            see: text.see,
            agency: agency.clone(),
            subject,
            status: if overdue {
                DutyStatus::Overdue
            } else {
                DutyStatus::DueSoon
            },
            due: Some(due.due),
            last_day: Some(due.last_day),
            moved_from: due.moved_from,
            basis: due.basis,
            overdue_days,
            calendar_gap: due.gap,
            provisional_years: due.provisional_years,
            vi: text.vi,
            en: text.en,
            detail,
            findings: record.findings,
            pack: self.pack_ref.clone(),
        });
    }

    fn push_unmet(
        &mut self,
        kind: DutyKind,
        agency: &AgencyId,
        subject: DutySubject,
        detail: String,
    ) {
        self.push_unmet_with(kind, agency, subject, detail, Vec::new());
    }

    fn push_unmet_with(
        &mut self,
        kind: DutyKind,
        agency: &AgencyId,
        subject: DutySubject,
        detail: String,
        findings: Vec<Reason>,
    ) {
        let text = self.text(kind);
        self.duties.push(DutyEntry {
            kind,
            clause: text.clause,
            see: text.see,
            agency: agency.clone(),
            subject,
            status: DutyStatus::Unmet,
            due: None,
            last_day: None,
            moved_from: None,
            basis: Vec::new(),
            overdue_days: None,
            calendar_gap: None,
            provisional_years: Vec::new(),
            vi: text.vi,
            en: text.en,
            detail,
            findings,
            pack: self.pack_ref.clone(),
        });
    }

    /// QD05/2024 Đ4.3, Đ6.2: within one year of the last evaluation.
    fn evaluation(&mut self, db: &Database) -> Result<(), DutiesError> {
        if !self.governed(db) {
            return Ok(());
        }
        let kind = DutyKind::AnnualEvaluation;
        let subject = DutySubject::Database(db.id.clone());
        match db.last_evaluated {
            Some(last) => {
                let period = self.period(kind, &subject, "annual_evaluation", last)?;
                let due = period_end(last, period, self.calendar).map_err(|source| {
                    DutiesError::Deadline {
                        kind,
                        subject: subject.clone(),
                        source,
                    }
                })?;
                self.push_dated(
                    kind,
                    &db.manager,
                    subject,
                    due,
                    format!("last evaluated {last}"),
                );
            }
            None => self.push_unmet(kind, &db.manager, subject, "never evaluated".into()),
        }
        Ok(())
    }

    /// QD05/2024 Đ10.4: within 3 months of the open-data catalog's publication.
    fn open_data(&mut self, db: &Database) -> Result<(), DutiesError> {
        let Some(published) = db.open_data_catalog_published else {
            return Ok(());
        };
        if db.open_data_updated.is_some_and(|u| u >= published) {
            return Ok(());
        }
        let kind = DutyKind::OpenDataUpdate;
        let subject = DutySubject::Database(db.id.clone());
        let period = self.period(kind, &subject, "open_data_update", published)?;
        let due = self.due(kind, &subject, published, period)?;
        let detail = match db.open_data_updated {
            Some(u) => format!("catalog published {published}; open data last updated {u}"),
            None => format!("catalog published {published}; open data never updated"),
        };
        self.push_dated(kind, &db.manager, subject, due, detail);
        Ok(())
    }

    /// QD05/2024 Đ16.1.a: logs kept at least the pack's `log_retention` (3 months).
    fn log_retention(&mut self, db: &Database) -> Result<(), DutiesError> {
        if !self.provides(db) {
            return Ok(());
        }
        let kind = DutyKind::LogRetention;
        let subject = DutySubject::Database(db.id.clone());
        let least = self.period(kind, &subject, "log_retention", model::local_date(self.now))?;
        // A least retention in months or years compares with the months declared; in
        // another unit, nothing declared in months can be shown to meet it.
        let months = match least {
            Period::Months(n) => Some(n),
            Period::Years(n) => Some(n.saturating_mul(12)),
            _ => None,
        };
        let detail = match (db.log_retention_months, months) {
            (Some(m), Some(least)) if m >= least => return Ok(()),
            (Some(m), _) => format!("declares {m} month(s) of log retention; at least {least}"),
            (None, _) => format!("declares no log retention; at least {least}"),
        };
        self.push_unmet(kind, &db.manager, subject, detail);
        Ok(())
    }

    /// QD05/2024 Đ8.3: shared databases at the provincial data centre.
    fn hosting(&mut self, db: &Database) {
        if db.catalog == CatalogMembership::Shared && db.hosting != Hosting::ProvincialDataCentre {
            self.push_unmet(
                DutyKind::DataCentreHosting,
                &db.manager,
                DutySubject::Database(db.id.clone()),
                "in the shared catalog, hosted elsewhere".to_owned(),
            );
        }
    }

    /// QD05/2024 Đ15.1.b, Đ15.2: one focal-point officer, specialist or technical.
    fn focal_point(&mut self, agency: &crate::agency::Agency) {
        let subject = DutySubject::Agency(agency.id.clone());
        match &agency.focal_point {
            None => self.push_unmet(
                DutyKind::FocalPointOfficer,
                &agency.id,
                subject,
                "manages data and has no focal-point officer".to_owned(),
            ),
            Some(officer) if !officer.role.meets_15_2() => self.push_unmet(
                DutyKind::FocalPointQualification,
                &agency.id,
                subject,
                format!(
                    "focal-point officer {} is neither specialist nor technical staff",
                    officer.name
                ),
            ),
            Some(_) => {}
        }
    }

    /// QD05/2024 Đ16.2.h: the one-day notice of a suspension, judged by the check behind
    /// `Engine::check_notice` with the Civil Code reading.
    fn suspension_notice(&mut self, suspension: &Suspension) {
        let Some(agreement) = self.world.agreement(&suspension.agreement) else {
            // Not reachable: `World::new` rejects a suspension of an unknown agreement.
            return;
        };
        // The check's own run, under the pack this report judges the territory by.
        let request = NoticeCheckRequest {
            suspension: suspension.clone(),
            now: self.now,
            reading: DayReading::CivilCode,
        };
        let check: NoticeCheck = self
            .engine
            .run_notice_check(self.pack, self.world, &request, Mode::Decide)
            .into();
        let about_the_notice = |f: &&Reason| f.code != VIOLATION_NOT_DETERMINED;
        let mut notice_findings = check.findings.iter().filter(about_the_notice).peekable();
        let sent = suspension.notice.as_ref();
        if sent.is_some() && notice_findings.peek().is_none() {
            return; // sent in time, to the consumer, with its three parts
        }
        // Still owed: not sent, or sent without what Đ16.2.h requires. Otherwise (only
        // late) it was done late.
        let still_owed = sent.is_none() || notice_findings.any(|f| f.code != NOTICE_LATE);
        let kind = DutyKind::SuspensionNotice;
        let subject = DutySubject::Suspension(suspension.id.clone());
        let mut detail = format!(
            "consumer {} under agreement {}, violation {}, suspended {}",
            agreement.consumer,
            agreement.id,
            suspension.violation,
            suspension.suspended_at.to_rfc3339()
        );
        if !check.pending.is_empty() {
            detail.push_str("; notice not yet sent, not yet late");
        }
        for f in &check.findings {
            detail.push_str("; ");
            detail.push_str(&f.code);
            if let Some(d) = &f.detail {
                detail.push_str(&format!(" ({d})"));
            }
        }
        let Some(deadline) = check.deadline else {
            // Not reachable for a checked world's dates: neither reading could count the
            // day. The duty is listed rather than hidden.
            detail.push_str("; the notice deadline cannot be computed");
            self.push_unmet_with(kind, &agreement.provider, subject, detail, check.findings);
            return;
        };
        let gap = (deadline.reading() != DayReading::CivilCode).then(|| CalendarGap {
            date: model::local_date(deadline.start())
                .succ_opt()
                .unwrap_or(deadline.last_day()),
            message: check
                .advisories
                .iter()
                .find(|a| a.code == CALENDAR_NOT_COVERED_24H)
                .map_or_else(String::new, |a| a.en.clone()),
        });
        let due = PeriodEnd {
            gap,
            ..PeriodEnd::of(&deadline)
        };
        let done_late_at = if still_owed {
            None
        } else {
            sent.map(|n| n.sent_at)
        };
        self.push_dated_with(
            kind,
            &agreement.provider,
            subject,
            due,
            detail,
            Record {
                findings: check.findings,
                done_late_at,
            },
        );
    }

    /// QD05/2024 Đ16.1.đ: a refusal states its reasons and is reported to the competent
    /// authority, judged by the check behind `Engine::check_refusal`. The law sets no
    /// period, so a shortfall is an unmet standing requirement.
    fn refusal(&mut self, refusal: &Refusal) {
        let check: RefusalCheck = self
            .engine
            .run_refusal_check(self.pack, self.world, refusal, Mode::Decide)
            .into();
        if check.is_valid() {
            return;
        }
        let mut detail = format!(
            "request of {} refused {}",
            refusal.requester,
            refusal.at.to_rfc3339()
        );
        if let Some(dataset) = &refusal.dataset {
            detail.push_str(&format!(" for dataset {dataset}"));
        }
        detail.push_str("; no period is set by law");
        for f in &check.findings {
            detail.push_str("; ");
            detail.push_str(&f.code);
            if let Some(d) = &f.detail {
                detail.push_str(&format!(" ({d})"));
            }
        }
        self.push_unmet_with(
            DutyKind::RefusalReport,
            &refusal.provider,
            DutySubject::Refusal(refusal.id.clone()),
            detail,
            check.findings,
        );
    }
}
