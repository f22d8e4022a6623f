//! An independent reference model of the lifecycle acts — suspending one consumer,
//! restoring, terminating, requiring a usage report, suspending every consumer of a
//! database — written from the regulation (`../shared/regulation/CLAUSES.md`: QD05/2024
//! Đ14.5, Đ16.1.e, Đ16.1.g, Đ16.2.h; ND47/2020 Đ43) and the readings documented in
//! `docs/LIFECYCLE.md`, not from `lifecycle.cedar`. Plain Rust, clarity over speed.
//!
//! It answers what `Engine::decide_suspension` and its siblings answer for the built-in
//! pack: the outcome, the set of reason codes, the status changes an allowed act makes
//! and, for a suspension, when the one-day notice is due. The deadline itself is counted
//! by the crate's `deadline` and `latest_notice_before` (BLDS2015 Đ147–148, ND47/2020
//! Đ43.3), taken as given: they have their own tests.
//!
//! # What it shares with the engine by design (the documented contract, not the law)
//!
//! - The pack is in force in `VN-32` from local date 2024-03-05; otherwise
//!   `no_pack_in_force` alone.
//! - Names the world lacks are `unknown_agency`, `unknown_agreement`, `unknown_violation`,
//!   `unknown_database`; a time outside the years 1900–9999 (as written or in UTC) is
//!   `evaluation_error`; a maintenance start from which the calendar cannot count 7
//!   working days back is `calendar_not_covered`. Any of these denies, and they are
//!   reported together.
//! - Otherwise an act is allowed when no ground for refusal holds; an allow gives the
//!   ground that permits it, a deny every ground for refusal that holds.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use lgsp_policy::records::{
    AgencyId, AgreementId, AgreementStatus, AllConsumersGrounds, Database, SharingAgreement,
    Violation, ViolationKind,
};
use lgsp_policy::time::{Calendar, DayReading, Period, deadline, latest_notice_before};
use lgsp_policy::{
    Outcome, RestorationRequest, SuspendAllRequest, SuspensionRequest, TerminationRequest,
    UsageReportRequest, WorldData,
};

/// What the reference model decides about a lifecycle act.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LifecycleVerdict {
    pub outcome: Outcome,
    pub reasons: BTreeSet<&'static str>,
    /// `(agreement, from, to)`, sorted.
    pub transitions: Vec<(AgreementId, AgreementStatus, AgreementStatus)>,
    /// For an allowed suspension: when the one-day notice is due.
    pub notice_due: Option<DateTime<FixedOffset>>,
    /// The duties an allowed act creates, by kind: `notify_consumer` (Đ16.2.h),
    /// `report_usage` (Đ16.1.e), `public_notice` (ND47/2020 Đ43.3, Đ43.4).
    pub duties: BTreeSet<&'static str>,
    /// For an allowed suspension of every consumer with no notice out yet: by when the
    /// public notice is due (`None`: force majeure, "by appropriate means", no time).
    pub public_notice_due: Option<Option<DateTime<FixedOffset>>>,
}

impl LifecycleVerdict {
    fn deny(reasons: BTreeSet<&'static str>) -> Self {
        LifecycleVerdict {
            outcome: Outcome::Deny,
            reasons,
            transitions: Vec::new(),
            notice_due: None,
            duties: BTreeSet::new(),
            public_notice_due: None,
        }
    }

    fn allow(reason: &'static str) -> Self {
        LifecycleVerdict {
            outcome: Outcome::Allow,
            reasons: BTreeSet::from([reason]),
            transitions: Vec::new(),
            notice_due: None,
            duties: BTreeSet::new(),
            public_notice_due: None,
        }
    }
}

/// Every reason code the lifecycle acts can give, per act.
pub const SUSPEND_CODES: &[&str] = &[
    "consumer_violation",
    "unsafe_connection",
    "suspension_without_grounds",
    "violation_not_determined",
    "violator_not_consumer",
    "agreement_not_active",
    "agreement_term_ended",
    "agreement_term_not_begun",
    "not_the_provider",
];
pub const RESTORE_CODES: &[&str] = &[
    "restoration_requirements_met",
    "agreement_not_suspended",
    "restoration_requirements_unmet",
    "agreement_term_ended",
    "not_the_provider",
];
pub const TERMINATE_CODES: &[&str] = &[
    "termination_by_provider",
    "agreement_already_terminated",
    "not_the_provider",
];
pub const USAGE_REPORT_CODES: &[&str] = &[
    "signs_of_unlawful_use",
    "no_signs_of_unlawful_use",
    "violator_not_consumer",
    "not_the_provider",
];
pub const SUSPEND_ALL_CODES: &[&str] = &[
    "maintenance",
    "force_majeure",
    "suspension_all_without_grounds",
    "maintenance_notice_too_late",
    "maintenance_notice_without_restoration_time",
    "not_the_provider",
    "calendar_not_covered",
];
/// The engine's own codes, shared by every act.
pub const ENGINE_CODES: &[&str] = &[
    "no_pack_in_force",
    "unknown_agency",
    "unknown_agreement",
    "unknown_violation",
    "unknown_database",
    "evaluation_error",
    "no_rule_permits_act",
    "deadline_not_computable",
];

/// Vietnam: UTC+7 all year.
fn vn() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap()
}

/// Decision Art. 2: QD05/2024 is law in Phú Yên (VN-32) from 2024-03-05, local date.
fn in_force(world: &WorldData, at: DateTime<FixedOffset>) -> bool {
    let from = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
    world.territory.as_str() == "VN-32" && at.with_timezone(&vn()).date_naive() >= from
}

/// The engine evaluates times whose year, as written and in UTC, is 1900–9999.
fn evaluable(at: DateTime<FixedOffset>) -> bool {
    (1900..=9999).contains(&at.year()) && (1900..=9999).contains(&at.naive_utc().year())
}

/// Đ14.5: sharing runs for the term the provider set; once its end is reached (the end
/// itself excluded from the term) the term is over.
fn term_over(g: &SharingAgreement, at: DateTime<FixedOffset>) -> bool {
    g.term.end.is_some_and(|end| at >= end)
}

/// The reference model over one world.
pub struct LifecycleReference<'w> {
    world: &'w WorldData,
}

impl<'w> LifecycleReference<'w> {
    pub fn new(world: &'w WorldData) -> Self {
        LifecycleReference { world }
    }

    fn knows_agency(&self, id: &AgencyId) -> bool {
        self.world.agencies.iter().any(|a| &a.id == id)
    }

    fn agreement(&self, id: &AgreementId) -> Option<&'w SharingAgreement> {
        self.world.agreements.iter().find(|g| &g.id == id)
    }

    fn violation(&self, id: &lgsp_policy::records::ViolationId) -> Option<&'w Violation> {
        self.world.violations.iter().find(|v| &v.id == id)
    }

    fn database(&self, id: &lgsp_policy::records::DatabaseId) -> Option<&'w Database> {
        self.world.databases.iter().find(|d| &d.id == id)
    }

    /// The checks before any rule: the pack, the names, the time. `Err` is the verdict.
    fn gate(
        &self,
        at: DateTime<FixedOffset>,
        agency: &AgencyId,
        agreement: Option<&AgreementId>,
        violation: Option<&lgsp_policy::records::ViolationId>,
    ) -> Result<(), LifecycleVerdict> {
        if !in_force(self.world, at) {
            return Err(LifecycleVerdict::deny(BTreeSet::from(["no_pack_in_force"])));
        }
        let mut problems = BTreeSet::new();
        if !self.knows_agency(agency) {
            problems.insert("unknown_agency");
        }
        if agreement.is_some_and(|g| self.agreement(g).is_none()) {
            problems.insert("unknown_agreement");
        }
        if violation.is_some_and(|v| self.violation(v).is_none()) {
            problems.insert("unknown_violation");
        }
        if !evaluable(at) {
            problems.insert("evaluation_error");
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(LifecycleVerdict::deny(problems))
        }
    }

    /// QD05/2024 Đ16.2.h (ND47/2020 Đ43.2): the provider may suspend provision to a
    /// consumer that violates the regulation, or whose connection is found potentially
    /// unsafe; it notifies the consumer no later than one day from the moment the
    /// violation is determined.
    pub fn suspend(&self, r: &SuspensionRequest, calendar: &Calendar) -> LifecycleVerdict {
        if let Err(v) = self.gate(r.at, &r.provider, Some(&r.agreement), r.violation.as_ref()) {
            return v;
        }
        let g = self.agreement(&r.agreement).unwrap();
        let mut grounds = BTreeSet::new();
        // Đ16.1.g, Đ16.2.h: the providing agency suspends its own provision.
        if r.provider != g.provider {
            grounds.insert("not_the_provider");
        }
        let violation = r.violation.as_ref().map(|v| self.violation(v).unwrap());
        match violation {
            // Đ16.2.h "trong trường hợp cơ quan khai thác vi phạm": no violation, no case.
            None => {
                grounds.insert("suspension_without_grounds");
            }
            Some(v) => {
                // "cơ quan khai thác vi phạm": the violation is the consumer's.
                if v.violator != g.consumer {
                    grounds.insert("violator_not_consumer");
                }
                // "xác định vi phạm": determined, at the latest when the act is decided; a
                // suspicion is not enough.
                if v.determined_at.is_none_or(|d| d > r.at) {
                    grounds.insert("violation_not_determined");
                }
            }
        }
        // Only provision that runs can be suspended.
        if g.status != AgreementStatus::Active {
            grounds.insert("agreement_not_active");
        }
        if term_over(g, r.at) {
            grounds.insert("agreement_term_ended");
        }
        // Đ14.5: before its term, no provision runs under the agreement to suspend.
        if r.at < g.term.start {
            grounds.insert("agreement_term_not_begun");
        }
        if !grounds.is_empty() {
            return LifecycleVerdict::deny(grounds);
        }
        let v = violation.unwrap();
        let mut verdict = LifecycleVerdict::allow(if v.kind == ViolationKind::UnsafeConnection {
            "unsafe_connection"
        } else {
            "consumer_violation"
        });
        verdict.transitions = vec![(
            g.id.clone(),
            AgreementStatus::Active,
            AgreementStatus::Suspended,
        )];
        // "thời gian chậm nhất 01 ngày kể từ thời điểm xác định vi phạm", counted by the
        // reading asked for; a calendar that cannot count it falls back to 24 hours.
        let determined = v.determined_at.unwrap();
        let due = deadline(determined, Period::Days(1), calendar, r.reading)
            .or_else(|_| {
                deadline(
                    determined,
                    Period::Days(1),
                    calendar,
                    DayReading::TwentyFourHours,
                )
            })
            .map(|d| d.due());
        verdict.duties.insert("notify_consumer");
        match due {
            Ok(due) => verdict.notice_due = Some(due),
            Err(_) => return LifecycleVerdict::deny(BTreeSet::from(["deadline_not_computable"])),
        }
        verdict
    }

    /// QD05/2024 Đ16.2.h "duy trì hoặc khôi phục kết nối": the provider restores a
    /// suspended connection once what it required is done (stated by the provider).
    pub fn restore(&self, r: &RestorationRequest) -> LifecycleVerdict {
        if let Err(v) = self.gate(r.at, &r.provider, Some(&r.agreement), None) {
            return v;
        }
        let g = self.agreement(&r.agreement).unwrap();
        let mut grounds = BTreeSet::new();
        if r.provider != g.provider {
            grounds.insert("not_the_provider");
        }
        if g.status != AgreementStatus::Suspended {
            grounds.insert("agreement_not_suspended");
        }
        if !r.requirements_met {
            grounds.insert("restoration_requirements_unmet");
        }
        // Đ14.5: nothing runs again once the term is over.
        if term_over(g, r.at) {
            grounds.insert("agreement_term_ended");
        }
        if !grounds.is_empty() {
            return LifecycleVerdict::deny(grounds);
        }
        let mut verdict = LifecycleVerdict::allow("restoration_requirements_met");
        verdict.transitions = vec![(
            g.id.clone(),
            AgreementStatus::Suspended,
            AgreementStatus::Active,
        )];
        verdict
    }

    /// QD05/2024 Đ16.1.g: the provider terminates connection and sharing (the grounds of
    /// ND47/2020 Đ44 are not available, so only who terminates and the state are judged).
    pub fn terminate(&self, r: &TerminationRequest) -> LifecycleVerdict {
        if let Err(v) = self.gate(r.at, &r.provider, Some(&r.agreement), None) {
            return v;
        }
        let g = self.agreement(&r.agreement).unwrap();
        let mut grounds = BTreeSet::new();
        if r.provider != g.provider {
            grounds.insert("not_the_provider");
        }
        if g.status == AgreementStatus::Terminated {
            grounds.insert("agreement_already_terminated");
        }
        if !grounds.is_empty() {
            return LifecycleVerdict::deny(grounds);
        }
        let mut verdict = LifecycleVerdict::allow("termination_by_provider");
        verdict.transitions = vec![(g.id.clone(), g.status, AgreementStatus::Terminated)];
        verdict
    }

    /// QD05/2024 Đ16.1.e: the provider may require the consumer to report its use of the
    /// shared data when there are signs of unlawful use — a violation or suspicion by that
    /// consumer on record by then, other than a connection found unsafe.
    pub fn usage_report(&self, r: &UsageReportRequest) -> LifecycleVerdict {
        if let Err(v) = self.gate(r.at, &r.provider, Some(&r.agreement), r.violation.as_ref()) {
            return v;
        }
        let g = self.agreement(&r.agreement).unwrap();
        let mut grounds = BTreeSet::new();
        if r.provider != g.provider {
            grounds.insert("not_the_provider");
        }
        match r.violation.as_ref().map(|v| self.violation(v).unwrap()) {
            None => {
                grounds.insert("no_signs_of_unlawful_use");
            }
            Some(v) => {
                if v.recorded_at > r.at {
                    grounds.insert("no_signs_of_unlawful_use");
                }
                // "có dấu hiệu việc sử dụng dữ liệu không phù hợp với quy định của pháp
                // luật": signs that the *use of the data* breaks the law. A connection
                // found potentially unsafe is not one: Đ16.2.h sets it apart from a
                // violation by the consumer ("vi phạm quy chế này hoặc kết nối dữ liệu
                // được xác định có khả năng làm mất an toàn, an ninh"), and its remedy is
                // suspension. (The engine disagrees: divergence D2, docs/TESTING.md.)
                if v.kind == ViolationKind::UnsafeConnection {
                    grounds.insert("no_signs_of_unlawful_use");
                }
                if v.violator != g.consumer {
                    grounds.insert("violator_not_consumer");
                }
            }
        }
        if !grounds.is_empty() {
            return LifecycleVerdict::deny(grounds);
        }
        // The consumer then owes the report.
        let mut verdict = LifecycleVerdict::allow("signs_of_unlawful_use");
        verdict.duties.insert("report_usage");
        verdict
    }

    /// ND47/2020 Đ43.1, Đ43.3: the database's manager suspends every consumer for an
    /// upgrade or maintenance — with a public notice at least 7 working days before,
    /// stating when service is expected back — or for force majeure.
    pub fn suspend_all(&self, r: &SuspendAllRequest, calendar: &Calendar) -> LifecycleVerdict {
        if !in_force(self.world, r.at) {
            return LifecycleVerdict::deny(BTreeSet::from(["no_pack_in_force"]));
        }
        let mut problems = BTreeSet::new();
        let latest = match r.grounds {
            AllConsumersGrounds::Maintenance => {
                match latest_notice_before(r.starts_at, 7, calendar) {
                    Ok(at) if evaluable(at) => Some(at),
                    _ => {
                        problems.insert("calendar_not_covered");
                        None
                    }
                }
            }
            _ => None,
        };
        if !self.knows_agency(&r.provider) {
            problems.insert("unknown_agency");
        }
        let db = self.database(&r.database);
        if db.is_none() {
            problems.insert("unknown_database");
        }
        if !evaluable(r.at) {
            problems.insert("evaluation_error");
        }
        if !problems.is_empty() {
            return LifecycleVerdict::deny(problems);
        }
        let db = db.unwrap();
        // A notice is out only from its publication on: one dated after the decision is
        // not yet published, and is still owed.
        let notice = r.notice.as_ref().filter(|n| n.published_at <= r.at);
        let mut grounds = BTreeSet::new();
        if r.provider != db.manager {
            grounds.insert("not_the_provider");
        }
        let permit = match r.grounds {
            AllConsumersGrounds::Maintenance => {
                let latest = latest.unwrap();
                // Published (or, while unpublished, still publishable) by 24:00 of the day
                // before the 7th working day before the start.
                let published = notice.map_or(r.at, |n| n.published_at);
                if published > latest {
                    grounds.insert("maintenance_notice_too_late");
                }
                // "thông báo ... thời gian dự kiến khôi phục": a notice out must say it.
                if notice.is_some_and(|n| n.expected_restoration.is_none()) {
                    grounds.insert("maintenance_notice_without_restoration_time");
                }
                "maintenance"
            }
            AllConsumersGrounds::ForceMajeure => "force_majeure",
            _ => {
                grounds.insert("suspension_all_without_grounds");
                ""
            }
        };
        if !grounds.is_empty() {
            return LifecycleVerdict::deny(grounds);
        }
        let mut verdict = LifecycleVerdict::allow(permit);
        // Every consumer whose provision runs: the active agreements covering the
        // database's data, in term when the suspension starts (an ended one has nothing
        // left to suspend).
        let mut transitions: Vec<_> = self
            .world
            .agreements
            .iter()
            .filter(|g| g.status == AgreementStatus::Active)
            .filter(|g| {
                g.term.start <= r.starts_at && g.term.end.is_none_or(|end| r.starts_at < end)
            })
            .filter(|g| {
                g.datasets.iter().any(|s| {
                    self.world
                        .datasets
                        .iter()
                        .any(|d| &d.id == s && d.database == db.id)
                })
            })
            .map(|g| {
                (
                    g.id.clone(),
                    AgreementStatus::Active,
                    AgreementStatus::Suspended,
                )
            })
            .collect();
        transitions.sort_by(|a, b| a.0.cmp(&b.0));
        verdict.transitions = transitions;
        // Until published, the notice is owed: for maintenance by the latest moment
        // (Đ43.3), for force majeure by appropriate means, with no time fixed (Đ43.4).
        if notice.is_none() {
            verdict.duties.insert("public_notice");
            verdict.public_notice_due = Some(latest);
        }
        verdict
    }
}
