//! An independent reference model of the access rules, written from the regulation
//! (`../shared/regulation/CLAUSES.md`, QD05/2024 and ND47/2020) and the documented
//! reading — not from the `.cedar` files. Plain Rust, clarity over speed.
//!
//! It answers the same question as `Engine::decide` for the built-in pack: the outcome,
//! the set of reason codes, and the agreement the decision rests on. The differential
//! property tests (`properties.rs`) hold the engine to it.
//!
//! # The documented reading it encodes
//!
//! - The pack QD05/2024 is law in territory `VN-32` from 2024-03-05 (local date, UTC+7)
//!   with no end date (Decision, Art. 2).
//! - A request is allowed when some right holds (Đ17.1.d for state administrative
//!   agencies, Đ17.1.e for the public) and no ground for refusal holds. An allow lists the
//!   rights relied on; a deny lists every ground, or `no_right_established` when nothing
//!   grants a right and nothing refuses.
//! - Agreements: the candidates are the agreements whose consumer is the account's holder
//!   and whose provider manages the dataset's database, by id. The request is allowed if
//!   it is allowed under any candidate (the first by id that allows is the one relied on);
//!   otherwise the refusal is the one under the candidate the request is about: the one
//!   that covers the dataset, then the purpose, then the method; then the one with the
//!   fewest reasons (ties: the first by id). Reading `reading_candidate_agreement`. Without candidates, it is judged without an agreement.
//! - Engine reasons: `no_pack_in_force`, `unknown_account`, `unknown_dataset`,
//!   `evaluation_error` (a time the engine cannot evaluate: a year outside 1900–9999 as
//!   written or in UTC), `no_right_established`.
//!
//! The lifecycle acts and catalog eligibility have their own models
//! (`reference_lifecycle.rs`, `reference_catalog.rs`); the checks of refusals and
//! notices are not modelled yet (docs/TESTING.md).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, FixedOffset, Months, NaiveDate, NaiveTime};
use lgsp_policy::records::{
    Account, Agency, AgencyKind, AgreementId, AgreementStatus, Authentication, DataClass, Database,
    Dataset, SharingAgreement, SharingMethod,
};
use lgsp_policy::time::Calendar;
use lgsp_policy::{AccessRequest, Action, Channel, Outcome, WorldData};

/// What the reference model decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub reasons: BTreeSet<&'static str>,
    pub agreement: Option<AgreementId>,
}

impl Verdict {
    fn deny(reasons: impl IntoIterator<Item = &'static str>) -> Verdict {
        Verdict {
            outcome: Outcome::Deny,
            reasons: reasons.into_iter().collect(),
            agreement: None,
        }
    }
}

/// The clauses of the law this model covers, for the test report.
#[allow(dead_code, reason = "documentation of the model's reach")]
pub const SCOPE: &[&str] = &[
    "QD05/2024 Đ1.2",
    "QD05/2024 Đ4.3",
    "QD05/2024 Đ6.2",
    "QD05/2024 Đ11.3",
    "QD05/2024 Đ13.1",
    "QD05/2024 Đ14.5",
    "QD05/2024 Đ16.1.g",
    "QD05/2024 Đ16.2.e",
    "QD05/2024 Đ16.2.g",
    "QD05/2024 Đ16.2.h",
    "QD05/2024 Đ17.1.d",
    "QD05/2024 Đ17.1.e",
    "QD05/2024 Đ17.2.a",
    "QD05/2024 Đ17.2.b",
    "ND47/2020 Đ5.3",
];

/// Vietnam: UTC+7 all year.
fn vn() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).unwrap()
}

/// 00:00 in Vietnam on a date.
fn local_midnight(date: NaiveDate) -> DateTime<FixedOffset> {
    date.and_time(NaiveTime::MIN)
        .and_local_timezone(vn())
        .single()
        .unwrap()
}

/// The local (Vietnamese) date of an instant.
fn local_date(at: DateTime<FixedOffset>) -> NaiveDate {
    at.with_timezone(&vn()).date_naive()
}

/// The reference model over one world.
pub struct Reference<'w> {
    world: &'w WorldData,
    calendar: &'w Calendar,
}

// ---------------------------------------------------------------- who is who (Đ2, Đ15)

/// Đ17.1.d gives shared data to "cơ quan hành chính nhà nước": the provincial People's
/// Committee, its departments (the DIC among them), district and commune People's
/// Committees (Đ2.1), and state administrative agencies outside the province (Đ11.3).
/// State enterprises, organisations, enterprises and citizens are not (Đ2.2; the reading
/// `reading_non_state_parties`).
fn is_state_administrative_agency(kind: AgencyKind) -> bool {
    match kind {
        AgencyKind::ProvincialPeoplesCommittee
        | AgencyKind::InformationAndCommunications
        | AgencyKind::ProvincialDepartment
        | AgencyKind::DistrictPeoplesCommittee
        | AgencyKind::CommunePeoplesCommittee
        | AgencyKind::ExternalStateAgency => true,
        AgencyKind::StateEnterprise
        | AgencyKind::Organisation
        | AgencyKind::Enterprise
        | AgencyKind::Citizen => false,
        _ => false,
    }
}

/// Đ11.3: ministries and other provinces reach the province through NGSP → LGSP.
fn is_outside_the_province(kind: AgencyKind) -> bool {
    kind == AgencyKind::ExternalStateAgency
}

/// Đ15.1.a: the DIC is the provincial focal point; it runs the LGSP and the portal and so
/// may issue their accounts (ND47/2020 Đ40).
fn is_provincial_focal_point(kind: AgencyKind) -> bool {
    kind == AgencyKind::InformationAndCommunications
}

// ---------------------------------------------------------------- the data (Đ1.2, Đ3)

/// Đ1.2: state secrets, internal data and a unit's temporary data are outside the
/// regulation.
fn is_outside_the_regulation(class: DataClass) -> bool {
    matches!(
        class,
        DataClass::StateSecret | DataClass::Internal | DataClass::Temporary
    )
}

/// Shared data (Đ3.6, Đ17.1.d) — restricted data is shared data with restricted access.
fn is_shared(class: DataClass) -> bool {
    matches!(class, DataClass::Shared | DataClass::Restricted)
}

/// Open and public data (Đ10, Đ11.5, Đ17.1.e).
fn is_open_or_public(class: DataClass) -> bool {
    matches!(class, DataClass::Open | DataClass::Public)
}

/// The channels that go through the LGSP (Đ3.3, Đ11.2–3, Đ13.1) or the portal (Đ3.5,
/// Đ12.9): everything but a direct connection.
fn is_lgsp_or_portal(channel: Channel) -> bool {
    matches!(channel, Channel::Lgsp | Channel::NgspLgsp | Channel::Portal)
}

/// The sharing method an action uses (ND47/2020 Đ23.1).
fn method_of(action: Action) -> SharingMethod {
    match action {
        Action::Query => SharingMethod::OnlineConnection,
        Action::Subscribe => SharingMethod::Synchronisation,
        Action::Download => SharingMethod::Package,
        _ => SharingMethod::OnlineConnection,
    }
}

/// Đ17.1.d/e: data is exploitable once published — from the start (00:00, UTC+7) of its
/// publication day.
fn is_published_at(dataset: &Dataset, at: DateTime<FixedOffset>) -> bool {
    dataset.published.is_some_and(|d| local_midnight(d) <= at)
}

/// Đ4.3, Đ6.2: data is evaluated every year. An evaluation on day D holds for a year:
/// until 24:00 of the same day-number twelve months later, or of that month's last day
/// (BLDS2015 Đ147.2, Đ148.4, Đ148.6); a last day that is a day off moves to the next
/// working day (Đ148.5), the count the duties report uses. A last day the calendar does
/// not cover is not moved.
fn evaluation_holds_until(
    database: &Database,
    calendar: &Calendar,
) -> Option<DateTime<FixedOffset>> {
    let evaluated = database.last_evaluated?;
    let mut last_day = evaluated.checked_add_months(Months::new(12))?;
    while calendar.is_working_day(last_day) == Ok(false) {
        last_day = last_day.succ_opt()?;
    }
    Some(local_midnight(last_day.succ_opt()?))
}

/// Đ14.5: sharing runs for the term the provider set: from its start, until its end
/// (exclusive), or without end.
fn is_within_term(agreement: &SharingAgreement, at: DateTime<FixedOffset>) -> bool {
    agreement.term.start <= at && agreement.term.end.is_none_or(|end| at < end)
}

/// One judgement: the rights that hold and the grounds for refusal that hold.
struct Judgement {
    rights: BTreeSet<&'static str>,
    grounds: BTreeSet<&'static str>,
}

impl Judgement {
    fn allowed(&self) -> bool {
        !self.rights.is_empty() && self.grounds.is_empty()
    }

    fn reasons(&self) -> BTreeSet<&'static str> {
        if self.allowed() {
            self.rights.clone()
        } else if self.grounds.is_empty() {
            BTreeSet::from(["no_right_established"])
        } else {
            self.grounds.clone()
        }
    }
}

struct Parties<'a> {
    account: &'a Account,
    holder: &'a Agency,
    issuer: &'a Agency,
    dataset: &'a Dataset,
    database: &'a Database,
}

impl<'w> Reference<'w> {
    /// The reference model of a world, counting legal time with `calendar` (the engine's).
    pub fn new(world: &'w WorldData, calendar: &'w Calendar) -> Self {
        Reference { world, calendar }
    }

    fn agency(&self, id: &lgsp_policy::records::AgencyId) -> Option<&'w Agency> {
        self.world.agencies.iter().find(|a| &a.id == id)
    }

    /// Decides a request.
    pub fn decide(&self, request: &AccessRequest) -> Verdict {
        // Decision Art. 2: in force from 2024-03-05, in Phú Yên (VN-32).
        let in_force_from = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        if self.world.territory.as_str() != "VN-32" || local_date(request.at) < in_force_from {
            return Verdict::deny(["no_pack_in_force"]);
        }

        let account = self.world.accounts.iter().find(|a| a.id == request.account);
        let dataset = self.world.datasets.iter().find(|d| d.id == request.dataset);
        let (Some(account), Some(dataset)) = (account, dataset) else {
            let mut unknown = Vec::new();
            if account.is_none() {
                unknown.push("unknown_account");
            }
            if dataset.is_none() {
                unknown.push("unknown_dataset");
            }
            return Verdict::deny(unknown);
        };
        // Cedar's datetimes cover the years 0000–9999; the engine accepts 1900–9999, both
        // as the request writes its time and in UTC, which is how Cedar is given it (a
        // time of 9999-12-31 at -12:00 is in the year 10000 in UTC).
        let utc_year = request.at.naive_utc().year();
        if !(1900..=9999).contains(&request.at.year()) || !(1900..=9999).contains(&utc_year) {
            return Verdict::deny(["evaluation_error"]);
        }

        let database = self
            .world
            .databases
            .iter()
            .find(|d| d.id == dataset.database)
            .expect("a checked world's dataset has a database");
        let parties = Parties {
            account,
            holder: self.agency(&account.holder).expect("holder exists"),
            issuer: self.agency(&account.issuer).expect("issuer exists"),
            dataset,
            database,
        };

        // The agreements between the holder (consumer) and the provider, by id.
        let mut candidates: Vec<&SharingAgreement> = self
            .world
            .agreements
            .iter()
            .filter(|g| g.consumer == account.holder && g.provider == database.manager)
            .collect();
        candidates.sort_by(|a, b| a.id.cmp(&b.id));

        if candidates.is_empty() {
            let j = self.judge(&parties, request, None);
            return Verdict {
                outcome: if j.allowed() {
                    Outcome::Allow
                } else {
                    Outcome::Deny
                },
                reasons: j.reasons(),
                agreement: None,
            };
        }
        let judged: Vec<(&SharingAgreement, Judgement)> = candidates
            .iter()
            .map(|g| (*g, self.judge(&parties, request, Some(g))))
            .collect();
        if let Some((g, j)) = judged.iter().find(|(_, j)| j.allowed()) {
            return Verdict {
                outcome: Outcome::Allow,
                reasons: j.reasons(),
                agreement: Some(g.id.clone()),
            };
        }
        // The refusal is about the agreement the request is about (Đ16.1.đ): the one that
        // covers the dataset, then the purpose, then the method; then the fewest grounds.
        // `min_by_key` keeps the first of equal keys: ties go to the first by id.
        let (g, j) = judged
            .iter()
            .min_by_key(|(_, j)| {
                let r = j.reasons();
                (
                    r.contains("dataset_not_in_agreement"),
                    r.contains("purpose_not_in_agreement"),
                    r.contains("method_not_in_agreement"),
                    r.len(),
                )
            })
            .expect("candidates is not empty");
        Verdict {
            outcome: Outcome::Deny,
            reasons: j.reasons(),
            agreement: Some(g.id.clone()),
        }
    }

    /// Judges a request under one candidate agreement (or none), clause by clause.
    fn judge(
        &self,
        p: &Parties<'_>,
        request: &AccessRequest,
        agreement: Option<&SharingAgreement>,
    ) -> Judgement {
        let mut rights = BTreeSet::new();
        let mut grounds = BTreeSet::new();
        let at = request.at;
        let class = p.dataset.class;
        let holder = p.holder.kind;
        let state = is_state_administrative_agency(holder);
        let provider = &p.database.manager;

        // ---- Rights (Đ17.1).
        // Đ17.1.d: a state administrative agency exploits published shared data through
        // the LGSP and the portal, under its agreement with the provider (Đ14.5, Đ17.2.b).
        if state && is_lgsp_or_portal(request.channel) && is_shared(class) && agreement.is_some() {
            rights.insert("agency_shared_data");
        }
        // Đ17.1.d with Đ11.5: agencies may also exploit open and public data.
        if state && is_lgsp_or_portal(request.channel) && is_open_or_public(class) {
            rights.insert("agency_open_data");
        }
        // Đ17.1.e: citizens, organisations and enterprises exploit open and public data
        // through the portal.
        if !state && request.channel == Channel::Portal && is_open_or_public(class) {
            rights.insert("public_open_data");
        }

        // ---- Grounds for refusal.
        // Đ1.2: out of the regulation's scope.
        if is_outside_the_regulation(class) {
            grounds.insert("out_of_scope");
        }
        // Đ13.1: only through the LGSP.
        if request.channel == Channel::Direct {
            grounds.insert("not_through_lgsp");
        }
        // Đ11.3: a system outside the province connects through NGSP → LGSP, not to the
        // LGSP (or around it) directly. The portal is an access point, not a connection
        // between systems (Đ3.5, Đ12.9): outside agencies use it like anyone else.
        if is_outside_the_province(holder)
            && matches!(request.channel, Channel::Lgsp | Channel::Direct)
        {
            grounds.insert("external_not_through_ngsp");
        }
        // Đ17.1.e: the public comes through the portal.
        if !state && request.channel != Channel::Portal {
            grounds.insert("public_only_through_portal");
        }
        // Đ17.1.d: shared data is for state administrative agencies only.
        if !state && is_shared(class) {
            grounds.insert("shared_data_for_state_agencies");
        }
        // Đ17.2.a: an identified, authenticated account.
        if p.account.authentication == Authentication::None || !request.authenticated {
            grounds.insert("not_authenticated");
        }
        // Đ16.2.e: the account is issued by the provider, or by the focal point that runs
        // the LGSP and the portal (ND47/2020 Đ40).
        if &p.account.issuer != provider && !is_provincial_focal_point(p.issuer.kind) {
            grounds.insert("account_not_issued_for_provider");
        }
        // Đ14.5, Đ17.2.b: shared data flows under an agreement, within its term, status,
        // datasets, purposes and methods.
        if is_shared(class) {
            match agreement {
                None => {
                    if state {
                        grounds.insert("no_agreement");
                    }
                }
                Some(g) => {
                    if !is_within_term(g, at) {
                        grounds.insert("outside_agreement_term");
                    }
                    if g.status == AgreementStatus::Suspended {
                        grounds.insert("agreement_suspended"); // Đ16.2.h
                    }
                    if g.status == AgreementStatus::Terminated {
                        grounds.insert("agreement_terminated"); // Đ16.1.g
                    }
                    if !g.datasets.contains(&p.dataset.id) {
                        grounds.insert("dataset_not_in_agreement");
                    }
                    if !g.purposes.contains(&request.purpose) {
                        grounds.insert("purpose_not_in_agreement");
                    }
                    if !g.methods.contains(&method_of(request.action)) {
                        grounds.insert("method_not_in_agreement");
                    }
                }
            }
        }
        // Đ17.1.d/e: only published data.
        if !is_published_at(p.dataset, at) {
            grounds.insert("not_published");
        }
        // Đ6.2, Đ4.3: open and public data must have been evaluated, within the year.
        if is_open_or_public(class) {
            match evaluation_holds_until(p.database, self.calendar) {
                None => {
                    grounds.insert("not_evaluated");
                }
                Some(until) if at >= until => {
                    grounds.insert("evaluation_expired");
                }
                Some(_) => {}
            }
        }
        // Đ16.2.g: data about a person or organisation goes to another state agency only
        // when that person or organisation asks.
        if p.dataset.personal_data
            && state
            && &p.holder.id != provider
            && !request.subject_requested
        {
            grounds.insert("personal_data_without_subject_request");
        }
        // ND47/2020 Đ5.3: personal data is never given to the public.
        if p.dataset.personal_data && !state {
            grounds.insert("personal_data_not_public");
        }

        Judgement { rights, grounds }
    }
}

/// Every reason code the access rules and the engine can give.
pub const ALL_CODES: &[&str] = &[
    "agency_shared_data",
    "agency_open_data",
    "public_open_data",
    "out_of_scope",
    "not_through_lgsp",
    "external_not_through_ngsp",
    "public_only_through_portal",
    "shared_data_for_state_agencies",
    "not_authenticated",
    "account_not_issued_for_provider",
    "no_agreement",
    "outside_agreement_term",
    "agreement_suspended",
    "agreement_terminated",
    "dataset_not_in_agreement",
    "purpose_not_in_agreement",
    "method_not_in_agreement",
    "not_published",
    "not_evaluated",
    "evaluation_expired",
    "personal_data_without_subject_request",
    "personal_data_not_public",
    "no_pack_in_force",
    "unknown_account",
    "unknown_dataset",
    "evaluation_error",
    "no_right_established",
];
