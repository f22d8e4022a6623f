//! [`proptest`](mod@proptest) strategies for worlds, calendars, access requests, lifecycle
//! acts and catalog proposals (feature `proptest`).
//!
//! Use them in your own property tests: generate a [`World`] of the size you care about,
//! then requests drawn *relative to that world* with [`requests_for`], and check what your
//! code does with the [`Decision`](crate::Decision)s. The lifecycle acts and catalog
//! proposals have their own: [`suspension_requests_for`], [`restoration_requests_for`],
//! [`termination_requests_for`], [`usage_report_requests_for`],
//! [`suspend_all_requests_for`] (timed with a [`Calendar`]) and [`catalog_proposals_for`].
//!
//! Every generated world passes [`World::new`]: references point at records that exist,
//! an agreement's provider manages the datasets it covers, accounts are issued by a
//! provider or by the provincial focal point, there is at most one focal point, terms end
//! after they start, and so on. Times are whole milliseconds (Cedar's precision) in
//! whole-minute UTC offsets, between 2023 and 2026, so they straddle the built-in pack's
//! entry into force (2024-03-05) and the 2025 changes in the law above it.
//!
//! Properties about a rule should draw from [`known_requests_for`], whose ids all exist:
//! over [`requests_for`] such a property shrinks at once to an unknown account, because
//! the engine's own checks come before any rule (see [`known_requests_for`]).
//!
//! Requests are biased towards the cases that matter: most name an agreement's consumer,
//! one of its datasets, one of its purposes and methods, at a time inside its term or on
//! an edge of it (a start, an end, a publication, an evaluation's expiry, ± 1 ms, 1 s or
//! 1 day). The rest take any account and dataset, or an unknown one, or (rarely) a time
//! past the year 9999. Over many cases every reason code of the built-in access pack is
//! reached; the crate's own tests check it.
//!
//! # Example
//!
//! ```
//! use lgsp_policy::Engine;
//! use lgsp_policy::strategies::{WorldSize, requests_for, world};
//! use proptest::prelude::*;
//!
//! let engine = Engine::builtin()?;
//! let cases = world(WorldSize::SMALL)
//!     .prop_flat_map(|w| { let r = requests_for(&w); (Just(w), r) });
//! proptest!(ProptestConfig::with_cases(32), |((w, request) in cases)| {
//!     let decision = engine.decide(&w, &request);
//!     // Every decision cites a clause, allow or deny, and names the pack that decided
//!     // (or says that none is in force).
//!     prop_assert!(!decision.reasons.is_empty());
//!     prop_assert!(decision.pack.is_some() || decision.has_reason("no_pack_in_force"));
//! });
//! # Ok::<(), lgsp_policy::EngineError>(())
//! ```

use std::sync::Arc;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::account::{Account, Authentication};
use crate::agency::{Agency, AgencyKind, FocalPoint, OfficerRole};
use crate::agreement::{AgreementStatus, SharingAgreement, SharingMethod, Term};
use crate::calendar::{Calendar, DayOff, WorkingDay, YearCalendar};
use crate::catalog::{
    AdditionDossier, CatalogChange, CatalogProposal, Replacement, WithdrawalDossier,
};
use crate::data::{
    CatalogMembership, DataClass, Database, Dataset, Hosting, MasterData, MasterDataReference,
};
use crate::deadline::{DayReading, VIETNAM_OFFSET, latest_notice_before};
use crate::ids::{
    AccountId, AgencyId, AgreementId, DatabaseId, DatasetId, MasterDataId, TerritoryId, ViolationId,
};
use crate::lifecycle::{
    RestorationRequest, SuspendAllRequest, SuspensionRequest, TerminationRequest,
    UsageReportRequest,
};
use crate::request::{AccessRequest, Action, Channel};
use crate::suspension::{AllConsumersGrounds, PublicNotice};
use crate::violation::{Violation, ViolationKind};
use crate::world::{World, WorldData};

/// The purposes generated agreements and requests draw from.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{PURPOSES, WorldSize, world_data};
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(16), |(data in world_data(WorldSize::SMALL))| {
///     for agreement in &data.agreements {
///         prop_assert!(agreement.purposes.iter().all(|p| PURPOSES.contains(&p.as_str())));
///     }
/// });
/// ```
pub const PURPOSES: [&str; 5] = [
    "administrative-procedures",
    "state-management",
    "statistics",
    "public-services",
    "planning",
];

/// How many records of each kind a generated world has.
///
/// The counts are exact, except that a record that cannot exist is left out: no database
/// without an agency, no dataset without a database, no agreement without a provider that
/// manages a dataset and a second party, no account without an issuer (a provider or the
/// provincial focal point).
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::WorldSize;
///
/// let size = WorldSize { agreements: 20, ..WorldSize::MEDIUM };
/// assert_eq!(size.agencies, WorldSize::MEDIUM.agencies);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WorldSize {
    /// Agencies, organisations, enterprises and citizens.
    pub agencies: usize,
    /// Master data records.
    pub master_data: usize,
    /// Databases.
    pub databases: usize,
    /// Datasets.
    pub datasets: usize,
    /// Accounts.
    pub accounts: usize,
    /// Sharing agreements.
    pub agreements: usize,
    /// Violations.
    pub violations: usize,
}

impl WorldSize {
    /// A handful of each: quick to build, and dense enough that most requests meet an
    /// agreement. [`MEDIUM`](WorldSize::MEDIUM) and [`LARGE`](WorldSize::LARGE) are used
    /// the same way.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::strategies::{WorldSize, world_data};
    /// use proptest::prelude::*;
    ///
    /// proptest!(ProptestConfig::with_cases(16), |(data in world_data(WorldSize::SMALL))| {
    ///     // Agencies can always exist, so their count is exact.
    ///     prop_assert_eq!(data.agencies.len(), WorldSize::SMALL.agencies);
    ///     prop_assert!(data.agreements.len() <= WorldSize::SMALL.agreements);
    /// });
    /// ```
    pub const SMALL: WorldSize = WorldSize {
        agencies: 6,
        master_data: 2,
        databases: 3,
        datasets: 6,
        accounts: 8,
        agreements: 6,
        violations: 2,
    };
    /// About the size of a province's first year on the LGSP.
    pub const MEDIUM: WorldSize = WorldSize {
        agencies: 40,
        master_data: 8,
        databases: 20,
        datasets: 80,
        accounts: 120,
        agreements: 100,
        violations: 20,
    };
    /// A province in full use.
    pub const LARGE: WorldSize = WorldSize {
        agencies: 300,
        master_data: 30,
        databases: 150,
        datasets: 1_000,
        accounts: 1_500,
        agreements: 2_000,
        violations: 200,
    };

    /// A strategy for sizes between one of each (zero violations) and `self`, for tests
    /// that want worlds of varied sizes.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::strategies::{WorldSize, world_data};
    /// use proptest::prelude::*;
    ///
    /// let worlds = WorldSize::SMALL.up_to().prop_flat_map(world_data);
    /// proptest!(ProptestConfig::with_cases(16), |(data in worlds)| {
    ///     prop_assert!(data.agencies.len() <= WorldSize::SMALL.agencies);
    /// });
    /// ```
    pub fn up_to(self) -> impl Strategy<Value = WorldSize> {
        (
            1..=self.agencies.max(1),
            0..=self.master_data,
            0..=self.databases,
            0..=self.datasets,
            0..=self.accounts,
            0..=self.agreements,
            0..=self.violations,
        )
            .prop_map(
                |(agencies, master_data, databases, datasets, accounts, agreements, violations)| {
                    WorldSize {
                        agencies,
                        master_data,
                        databases,
                        datasets,
                        accounts,
                        agreements,
                        violations,
                    }
                },
            )
    }
}

// ------------------------------------------------------------------------------- helpers

fn pick<'a, T>(index: &Index, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        items.get(index.index(items.len()))
    }
}

fn id<T: std::str::FromStr>(prefix: &str, n: usize, token: &str) -> Option<T> {
    format!("{prefix}{n}-{token}").parse().ok()
}

/// A token that makes ids vary: usually short, sometimes long and full of `.`, `:`, `_`.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        9 => "[a-z0-9]{0,4}",
        1 => "[A-Za-z0-9._:-]{0,100}",
    ]
}

const MS_PER_DAY: i64 = 86_400_000;

/// 2023-01-01T00:00Z and 2027-01-01T00:00Z, in milliseconds since the epoch.
const WINDOW_START_MS: i64 = 1_672_531_200_000;
const WINDOW_END_MS: i64 = 1_798_761_600_000;
/// 2024-03-05T00:00+07:00, when the built-in pack comes into force.
const IN_FORCE_MS: i64 = 1_709_571_600_000;

fn instant_ms(ms: i64, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    DateTime::<Utc>::from_timestamp_millis(ms).map(|t| t.with_timezone(&offset))
}

/// A UTC offset in whole minutes: mostly Vietnam's, sometimes another real one.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::offset;
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(16), |(o in offset())| {
///     prop_assert_eq!(o.local_minus_utc() % 60, 0);
/// });
/// ```
pub fn offset() -> impl Strategy<Value = FixedOffset> {
    let seconds = prop_oneof![
        6 => Just(7 * 3600),
        1 => Just(0),
        1 => prop::sample::select(vec![
            -12 * 3600,
            -5 * 3600,
            -(3 * 3600 + 30 * 60),
            5 * 3600 + 45 * 60,
            9 * 3600 + 30 * 60,
            14 * 3600,
        ]),
    ];
    seconds.prop_map(|s| FixedOffset::east_opt(s).unwrap_or(VIETNAM_OFFSET))
}

/// An instant between 2023 and 2026, in whole milliseconds (usually whole seconds), in an
/// [`offset`]; one in twenty falls before the built-in pack's entry into force on
/// 2024-03-05.
///
/// # Example
///
/// ```
/// use chrono::Datelike;
/// use lgsp_policy::strategies::instant;
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(16), |(at in instant())| {
///     prop_assert!((2022..=2028).contains(&at.year()));
///     prop_assert_eq!(at.timestamp_subsec_nanos() % 1_000_000, 0);
/// });
/// ```
pub fn instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
    let ms = prop_oneof![
        1 => WINDOW_START_MS..IN_FORCE_MS,
        15 => (IN_FORCE_MS / 1000..WINDOW_END_MS / 1000).prop_map(|s| s * 1000),
        4 => IN_FORCE_MS..WINDOW_END_MS,
    ];
    (ms, offset()).prop_map(|(ms, o)| {
        instant_ms(ms, o).unwrap_or_else(|| DateTime::<Utc>::UNIX_EPOCH.with_timezone(&o))
    })
}

/// A local date `from` days after 2022-01-01, for `days` days.
fn date_in(from: i64, days: i64) -> impl Strategy<Value = NaiveDate> {
    (from..from + days).prop_map(|d| {
        NaiveDate::from_ymd_opt(2022, 1, 1)
            .and_then(|start| start.checked_add_signed(TimeDelta::days(d)))
            .unwrap_or_default()
    })
}

/// A publication date: two times in three in 2024 before September, else 2022–2026.
fn publication_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![2 => date_in(730, 244), 1 => date_in(0, 5 * 365)]
}

/// An evaluation date: two times in three between mid-2024 and 2026, else 2022–2026.
fn evaluation_date() -> impl Strategy<Value = NaiveDate> {
    // One time in four, the evaluation's anniversary falls on a day off (a weekend, a
    // holiday, Tết) of the public sector's calendar: where BLDS2015 Đ148.5 moves the end
    // of the year the evaluation covers.
    let calendar = Calendar::vietnam_public_sector();
    let anniversary_off = date_in(730, 700).prop_map(move |d| {
        let off = |d: NaiveDate| {
            d.checked_add_months(chrono::Months::new(12))
                .is_some_and(|a| calendar.is_working_day(a) == Ok(false))
        };
        d.iter_days().take(8).find(|&d| off(d)).unwrap_or(d)
    });
    prop_oneof![6 => date_in(912, 600), 3 => date_in(0, 5 * 365), 3 => anniversary_off]
}

fn option<T: std::fmt::Debug + Clone + 'static>(
    some_weight: u32,
    inner: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Option<T>> {
    prop_oneof![
        1 => Just(None),
        some_weight => inner.prop_map(Some),
    ]
}

fn start_of_local_day(d: NaiveDate) -> Option<DateTime<FixedOffset>> {
    d.and_time(NaiveTime::MIN)
        .and_local_timezone(VIETNAM_OFFSET)
        .single()
}

// ------------------------------------------------------------------------------- records

/// A kind of party, every kind reachable, state agencies most often.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::agency_kind;
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(16), |(kind in agency_kind())| {
///     prop_assert!(lgsp_policy::records::AgencyKind::ALL.contains(&kind));
/// });
/// ```
pub fn agency_kind() -> impl Strategy<Value = AgencyKind> {
    prop_oneof![
        1 => Just(AgencyKind::ProvincialPeoplesCommittee),
        2 => Just(AgencyKind::InformationAndCommunications),
        6 => Just(AgencyKind::ProvincialDepartment),
        4 => Just(AgencyKind::DistrictPeoplesCommittee),
        3 => Just(AgencyKind::CommunePeoplesCommittee),
        2 => Just(AgencyKind::ExternalStateAgency),
        1 => Just(AgencyKind::StateEnterprise),
        1 => Just(AgencyKind::Organisation),
        1 => Just(AgencyKind::Enterprise),
        2 => Just(AgencyKind::Citizen),
    ]
}

/// A data class, every class reachable, shared and open data most often.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::data_class;
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(16), |(class in data_class())| {
///     prop_assert!(lgsp_policy::records::DataClass::ALL.contains(&class));
/// });
/// ```
pub fn data_class() -> impl Strategy<Value = DataClass> {
    prop_oneof![
        4 => Just(DataClass::Open),
        2 => Just(DataClass::Public),
        7 => Just(DataClass::Shared),
        3 => Just(DataClass::Restricted),
        1 => Just(DataClass::StateSecret),
        1 => Just(DataClass::Internal),
        1 => Just(DataClass::Temporary),
    ]
}

/// An agency of any [`agency_kind`], sometimes with a focal-point officer, with id
/// `ag<n>-<token>`.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::agency;
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(16), |(a in agency(3))| {
///     prop_assert!(a.id.as_str().starts_with("ag3-"));
/// });
/// ```
pub fn agency(n: usize) -> impl Strategy<Value = Agency> {
    let role = prop_oneof![
        Just(OfficerRole::Specialist),
        Just(OfficerRole::Technical),
        Just(OfficerRole::Other),
    ];
    (
        agency_kind(),
        token(),
        "\\PC{0,24}",
        option(1, ("\\PC{1,16}", role)),
    )
        .prop_filter_map("a valid agency id", move |(kind, token, name, focal)| {
            let mut agency = Agency::new(id("ag", n, &token)?, name, kind);
            if let Some((name, role)) = focal {
                agency = agency.with_focal_point(FocalPoint { name, role });
            }
            Some(agency)
        })
}

#[derive(Debug, Clone)]
struct DatabasePart {
    token: String,
    manager: Index,
    prefer_state: bool,
    catalog: CatalogMembership,
    hosting: Hosting,
    master_data: Vec<Index>,
    last_evaluated: Option<NaiveDate>,
}

fn database_part() -> impl Strategy<Value = DatabasePart> {
    (
        token(),
        any::<Index>(),
        prop::bool::weighted(0.9),
        prop_oneof![
            Just(CatalogMembership::Shared),
            Just(CatalogMembership::Specialised),
            Just(CatalogMembership::None),
        ],
        prop_oneof![
            Just(Hosting::ProvincialDataCentre),
            Just(Hosting::Elsewhere)
        ],
        prop::collection::vec(any::<Index>(), 0..3),
        option(5, evaluation_date()),
    )
        .prop_map(
            |(token, manager, prefer_state, catalog, hosting, master_data, last_evaluated)| {
                DatabasePart {
                    token,
                    manager,
                    prefer_state,
                    catalog,
                    hosting,
                    master_data,
                    last_evaluated,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct DatasetPart {
    token: String,
    database: Index,
    class: DataClass,
    personal_data: bool,
    published: Option<NaiveDate>,
}

fn dataset_part() -> impl Strategy<Value = DatasetPart> {
    (
        token(),
        any::<Index>(),
        data_class(),
        prop::bool::weighted(0.4),
        option(9, publication_date()),
    )
        .prop_map(
            |(token, database, class, personal_data, published)| DatasetPart {
                token,
                database,
                class,
                personal_data,
                published,
            },
        )
}

#[derive(Debug, Clone)]
struct AgreementPart {
    token: String,
    provider: Index,
    consumer: Index,
    prefer_state: bool,
    datasets: Vec<Index>,
    purposes: Vec<&'static str>,
    methods: Vec<SharingMethod>,
    start: DateTime<FixedOffset>,
    length_ms: Option<i64>,
    status: AgreementStatus,
    /// Some: another agreement between the same provider and consumer as an earlier one,
    /// with its own coverage, term and status (a pair often has several).
    sibling: Option<Index>,
}

/// A sharing-agreement status: active most often.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::agreement_status;
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(8), |(s in agreement_status())| {
///     prop_assert!(matches!(s.as_str(), "active" | "suspended" | "terminated"));
/// });
/// ```
pub fn agreement_status() -> impl Strategy<Value = AgreementStatus> {
    prop_oneof![
        6 => Just(AgreementStatus::Active),
        1 => Just(AgreementStatus::Suspended),
        1 => Just(AgreementStatus::Terminated),
    ]
}

fn agreement_part() -> impl Strategy<Value = AgreementPart> {
    let length = option(
        3,
        prop_oneof![
            1 => 3_600_000i64..2 * MS_PER_DAY,
            2 => MS_PER_DAY..120 * MS_PER_DAY,
            2 => 120 * MS_PER_DAY..1_500 * MS_PER_DAY,
        ],
    );
    (
        (
            token(),
            any::<Index>(),
            any::<Index>(),
            prop::bool::weighted(0.85),
        ),
        prop::collection::vec(any::<Index>(), 1..4),
        prop::sample::subsequence(PURPOSES.to_vec(), 1..=3),
        prop::sample::subsequence(
            vec![
                SharingMethod::OnlineConnection,
                SharingMethod::Synchronisation,
                SharingMethod::Package,
            ],
            1..=3,
        ),
        instant(),
        length,
        agreement_status(),
        prop_oneof![7 => Just(None), 3 => any::<Index>().prop_map(Some)],
    )
        .prop_map(
            |(
                (token, provider, consumer, prefer_state),
                datasets,
                purposes,
                methods,
                start,
                length_ms,
                status,
                sibling,
            )| AgreementPart {
                token,
                provider,
                consumer,
                prefer_state,
                datasets,
                purposes,
                methods,
                start,
                length_ms,
                status,
                sibling,
            },
        )
}

#[derive(Debug, Clone)]
struct AccountPart {
    token: String,
    /// Some: the account of an agreement's consumer.
    agreement: Option<Index>,
    holder: Index,
    issuer: Index,
    issuer_is_focal_point: bool,
    authentication: Authentication,
}

fn account_part() -> impl Strategy<Value = AccountPart> {
    (
        token(),
        option(3, any::<Index>()),
        any::<Index>(),
        any::<Index>(),
        prop::bool::weighted(0.25),
        prop_oneof![
            1 => Just(Authentication::None),
            4 => Just(Authentication::Password),
            3 => Just(Authentication::MultiFactor),
            3 => Just(Authentication::Certificate),
        ],
    )
        .prop_map(
            |(token, agreement, holder, issuer, issuer_is_focal_point, authentication)| {
                AccountPart {
                    token,
                    agreement,
                    holder,
                    issuer,
                    issuer_is_focal_point,
                    authentication,
                }
            },
        )
}

#[derive(Debug, Clone)]
struct ViolationPart {
    token: String,
    agreement: Option<Index>,
    violator: Index,
    by_consumer: bool,
    kind: ViolationKind,
    recorded_at: DateTime<FixedOffset>,
    determined_after_ms: Option<i64>,
    description: String,
}

fn violation_part() -> impl Strategy<Value = ViolationPart> {
    (
        token(),
        option(3, any::<Index>()),
        any::<Index>(),
        prop::bool::weighted(0.8),
        prop::sample::select(ViolationKind::ALL.to_vec()),
        instant(),
        option(3, 0i64..(10 * MS_PER_DAY)),
        "\\PC{0,40}",
    )
        .prop_map(
            |(
                token,
                agreement,
                violator,
                by_consumer,
                kind,
                recorded_at,
                determined_after_ms,
                description,
            )| ViolationPart {
                token,
                agreement,
                violator,
                by_consumer,
                kind,
                recorded_at,
                determined_after_ms,
                description,
            },
        )
}

fn master_data_part() -> impl Strategy<Value = (String, String, MasterDataReference)> {
    (
        token(),
        "\\PC{1,20}",
        prop_oneof![
            Just(MasterDataReference::ProvincialPeoplesCommittee),
            "\\PC{1,20}".prop_map(|name| MasterDataReference::Ministry { name }),
            Just(MasterDataReference::None),
        ],
    )
}

#[derive(Debug, Clone)]
struct WorldPlan {
    territory: TerritoryId,
    agencies: Vec<Agency>,
    master_data: Vec<(String, String, MasterDataReference)>,
    databases: Vec<DatabasePart>,
    datasets: Vec<DatasetPart>,
    accounts: Vec<AccountPart>,
    agreements: Vec<AgreementPart>,
    violations: Vec<ViolationPart>,
}

fn world_plan(size: WorldSize) -> impl Strategy<Value = WorldPlan> {
    let agencies: Vec<_> = (0..size.agencies).map(agency).collect();
    let territory = prop_oneof![49 => Just("VN-32"), 1 => Just("VN-56")]
        .prop_filter_map("a valid territory id", |t| t.parse::<TerritoryId>().ok());
    (
        territory,
        agencies,
        prop::collection::vec(master_data_part(), size.master_data),
        prop::collection::vec(database_part(), size.databases),
        prop::collection::vec(dataset_part(), size.datasets),
        prop::collection::vec(account_part(), size.accounts),
        prop::collection::vec(agreement_part(), size.agreements),
        prop::collection::vec(violation_part(), size.violations),
    )
        .prop_map(
            |(
                territory,
                agencies,
                master_data,
                databases,
                datasets,
                accounts,
                agreements,
                violations,
            )| WorldPlan {
                territory,
                agencies,
                master_data,
                databases,
                datasets,
                accounts,
                agreements,
                violations,
            },
        )
}

impl WorldPlan {
    /// Turns the plan into records that satisfy every check of [`World::new`].
    fn build(self) -> WorldData {
        let mut data = WorldData::new(self.territory);

        // Agencies: at most one provincial focal point (QD05/2024 Đ15.1.a).
        let mut focal: Option<AgencyId> = None;
        for mut a in self.agencies {
            if a.kind.is_provincial_focal_point() {
                if focal.is_some() {
                    a.kind = AgencyKind::ProvincialDepartment;
                } else {
                    focal = Some(a.id.clone());
                }
            }
            data.agencies.push(a);
        }
        let all: Vec<AgencyId> = data.agencies.iter().map(|a| a.id.clone()).collect();
        let state: Vec<AgencyId> = data
            .agencies
            .iter()
            .filter(|a| a.kind.is_state_administrative())
            .map(|a| a.id.clone())
            .collect();

        for (n, (token, subject, reference)) in self.master_data.into_iter().enumerate() {
            if let Some(id) = id::<MasterDataId>("md", n, &token) {
                data.master_data.push(MasterData {
                    id,
                    subject,
                    reference,
                });
            }
        }
        let master: Vec<MasterDataId> = data.master_data.iter().map(|m| m.id.clone()).collect();

        for (n, p) in self.databases.into_iter().enumerate() {
            let pool = if p.prefer_state && !state.is_empty() {
                &state
            } else {
                &all
            };
            let (Some(manager), Some(id)) = (pick(&p.manager, pool), id("db", n, &p.token)) else {
                continue;
            };
            let mut md: Vec<MasterDataId> = p
                .master_data
                .iter()
                .filter_map(|i| pick(i, &master).cloned())
                .collect();
            md.sort();
            md.dedup();
            data.databases.push(Database {
                id,
                name: format!("Cơ sở dữ liệu {n}"),
                manager: manager.clone(),
                catalog: p.catalog,
                hosting: p.hosting,
                master_data: md,
                last_evaluated: p.last_evaluated,
                open_data_catalog_published: None,
                open_data_updated: None,
                log_retention_months: None,
                territory: None,
            });
        }
        let databases: Vec<(DatabaseId, AgencyId)> = data
            .databases
            .iter()
            .map(|d| (d.id.clone(), d.manager.clone()))
            .collect();

        for (n, p) in self.datasets.into_iter().enumerate() {
            let (Some((database, _)), Some(id)) =
                (pick(&p.database, &databases), id("ds", n, &p.token))
            else {
                continue;
            };
            data.datasets.push(Dataset {
                id,
                name: format!("Bộ dữ liệu {n}"),
                database: database.clone(),
                class: p.class,
                personal_data: p.personal_data,
                published: p.published,
            });
        }
        // Each provider with its datasets.
        let mut providers: Vec<(AgencyId, Vec<DatasetId>)> = Vec::new();
        for s in &data.datasets {
            let Some((_, manager)) = databases.iter().find(|(d, _)| d == &s.database) else {
                continue;
            };
            match providers.iter_mut().find(|(p, _)| p == manager) {
                Some((_, list)) => list.push(s.id.clone()),
                None => providers.push((manager.clone(), vec![s.id.clone()])),
            }
        }

        for (n, p) in self.agreements.into_iter().enumerate() {
            // A sibling shares an earlier agreement's parties.
            let sibling = p
                .sibling
                .as_ref()
                .and_then(|i| pick(i, &data.agreements))
                .map(|g| (g.provider.clone(), g.consumer.clone()));
            let chosen = match &sibling {
                Some((provider, _)) => providers.iter().find(|(p, _)| p == provider),
                None => pick(&p.provider, &providers),
            };
            let Some((provider, offered)) = chosen else {
                continue;
            };
            let others = |pool: &[AgencyId]| -> Vec<AgencyId> {
                pool.iter().filter(|a| *a != provider).cloned().collect()
            };
            let state_others = others(&state);
            let pool = if p.prefer_state && !state_others.is_empty() {
                state_others
            } else {
                others(&all)
            };
            let consumer = match &sibling {
                Some((_, consumer)) => Some(consumer),
                None => pick(&p.consumer, &pool),
            };
            let (Some(consumer), Some(id)) = (consumer, id("agr", n, &p.token)) else {
                continue;
            };
            let datasets: Vec<DatasetId> = p
                .datasets
                .iter()
                .filter_map(|i| pick(i, offered).cloned())
                .collect();
            let end = p
                .length_ms
                .and_then(|ms| p.start.checked_add_signed(TimeDelta::milliseconds(ms)));
            data.agreements.push(SharingAgreement {
                id,
                provider: provider.clone(),
                consumer: consumer.clone(),
                datasets,
                purposes: p.purposes.iter().filter_map(|s| s.parse().ok()).collect(),
                methods: p.methods,
                term: Term {
                    start: p.start,
                    end,
                },
                status: p.status,
            });
        }

        let mut issuers: Vec<AgencyId> = databases.iter().map(|(_, m)| m.clone()).collect();
        issuers.sort();
        issuers.dedup();
        for (n, p) in self.accounts.into_iter().enumerate() {
            let Some(id) = id::<AccountId>("acc", n, &p.token) else {
                continue;
            };
            let for_agreement = p.agreement.as_ref().and_then(|i| pick(i, &data.agreements));
            let (holder, issuer) = match for_agreement {
                Some(g) => {
                    let issuer = match (&focal, p.issuer_is_focal_point) {
                        (Some(f), true) => f.clone(),
                        _ => g.provider.clone(),
                    };
                    (g.consumer.clone(), issuer)
                }
                None => {
                    let issuer = match (&focal, p.issuer_is_focal_point) {
                        (Some(f), true) => Some(f.clone()),
                        _ => pick(&p.issuer, &issuers).cloned().or_else(|| focal.clone()),
                    };
                    let (Some(holder), Some(issuer)) = (pick(&p.holder, &all), issuer) else {
                        continue;
                    };
                    (holder.clone(), issuer)
                }
            };
            data.accounts.push(Account {
                id,
                holder,
                issuer,
                authentication: p.authentication,
            });
        }

        for (n, p) in self.violations.into_iter().enumerate() {
            let Some(id) = id::<ViolationId>("vp", n, &p.token) else {
                continue;
            };
            let agreement = p.agreement.as_ref().and_then(|i| pick(i, &data.agreements));
            let (violator, agreement) = match agreement {
                Some(g) if p.by_consumer => (g.consumer.clone(), Some(g.id.clone())),
                Some(g) => (g.provider.clone(), Some(g.id.clone())),
                None => match pick(&p.violator, &all) {
                    Some(a) => (a.clone(), None),
                    None => continue,
                },
            };
            let determined_at = p.determined_after_ms.and_then(|ms| {
                p.recorded_at
                    .checked_add_signed(TimeDelta::milliseconds(ms))
            });
            data.violations.push(Violation {
                id,
                violator,
                agreement,
                kind: p.kind,
                recorded_at: p.recorded_at,
                determined_at,
                description: p.description,
            });
        }
        data
    }
}

/// The plain data of a valid world of exactly `size` (see [`WorldSize`] for the records
/// left out when they cannot exist). It always passes [`World::new`]. About 2% of worlds
/// belong to territory `VN-56`, where no built-in pack is in force.
///
/// # Example
///
/// ```
/// use lgsp_policy::World;
/// use lgsp_policy::strategies::{WorldSize, world_data};
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(16), |(data in world_data(WorldSize::SMALL))| {
///     prop_assert_eq!(data.agencies.len(), WorldSize::SMALL.agencies);
///     prop_assert!(World::new(data).is_ok());
/// });
/// ```
pub fn world_data(size: WorldSize) -> impl Strategy<Value = WorldData> {
    world_plan(size).prop_map(WorldPlan::build)
}

/// A valid, checked [`World`] of exactly `size`: [`world_data`] passed through
/// [`World::new`].
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, world};
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(16), |(w in world(WorldSize::SMALL))| {
///     prop_assert!(w.agreements().all(|g| g.provider != g.consumer));
/// });
/// ```
pub fn world(size: WorldSize) -> impl Strategy<Value = World> {
    world_data(size).prop_filter_map("World::new accepts generated worlds", |d| {
        World::new(d).ok()
    })
}

// ------------------------------------------------------------------------------- calendars

/// A valid calendar: usually Saturday and Sunday off, covering one to four contiguous
/// years between 2020 and 2040, with random days off and swapped working days — or the
/// shipped [`Calendar::vietnam_public_sector`].
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::calendar;
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(16), |(c in calendar())| {
///     prop_assert!(c.first_year() <= c.last_year());
///     prop_assert!(c.weekly_days_off().len() < 7);
/// });
/// ```
pub fn calendar() -> impl Strategy<Value = Calendar> {
    let weekly = prop_oneof![
        8 => Just(vec![Weekday::Sat, Weekday::Sun]),
        1 => Just(vec![Weekday::Sun]),
        1 => prop::sample::subsequence(
            vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
                Weekday::Sun,
            ],
            0..=3,
        ),
    ];
    let year = (
        prop::collection::vec(0u32..366, 0..12),
        prop::collection::vec((0u32..366, prop::bool::weighted(0.3)), 0..6),
    );
    let generated = (weekly, 2020i32..2040, prop::collection::vec(year, 1..=4)).prop_filter_map(
        "a valid calendar",
        |(weekly, first, years)| {
            let mut out = Vec::new();
            for (offset, (off, worked)) in (0i32..).zip(years) {
                let y = first + offset;
                let day = |n: u32| {
                    NaiveDate::from_yo_opt(y, 1)
                        .and_then(|d| d.checked_add_signed(TimeDelta::days(i64::from(n))))
                        .filter(|d| d.year() == y)
                };
                let mut days_off: Vec<NaiveDate> = off.into_iter().filter_map(day).collect();
                days_off.sort();
                days_off.dedup();
                let mut working: Vec<WorkingDay> = Vec::new();
                for (n, swap) in worked {
                    let Some(d) = day(n) else { continue };
                    if !weekly.contains(&d.weekday())
                        || days_off.contains(&d)
                        || working.iter().any(|w| w.date == d)
                    {
                        continue;
                    }
                    working.push(WorkingDay::new(
                        d,
                        "Làm bù / Worked in exchange",
                        if swap {
                            days_off.first().copied()
                        } else {
                            None
                        },
                    ));
                }
                let mut year = YearCalendar::new(y);
                year.days_off = days_off
                    .into_iter()
                    .map(|date| DayOff::new(date, "Nghỉ / Day off"))
                    .collect();
                year.working_days = working;
                out.push(year);
            }
            Calendar::new(weekly, out).ok()
        },
    );
    prop_oneof![
        1 => Just(Calendar::vietnam_public_sector()),
        3 => generated,
    ]
}

// ------------------------------------------------------------------------------- requests

/// What a request strategy knows of its world: the records, and the instants decisions
/// turn on.
#[derive(Debug)]
struct Snapshot {
    data: WorldData,
    /// Agreement starts and ends, publications, evaluation expiries, the pack's entry into
    /// force and the dates of the law's later changes.
    edges: Vec<DateTime<FixedOffset>>,
}

impl Snapshot {
    fn of(world: &World) -> Snapshot {
        let data = world.to_data();
        let mut edges: Vec<DateTime<FixedOffset>> = Vec::new();
        for g in &data.agreements {
            edges.push(g.term.start);
            edges.extend(g.term.end);
        }
        for s in &data.datasets {
            edges.extend(s.published.and_then(start_of_local_day));
        }
        // The evaluation's year: its end as the engine counts it with its default calendar
        // (a last day off moved to the next working day), and the unmoved end.
        let calendar = crate::time::Calendar::vietnam_public_sector();
        for d in &data.databases {
            edges.extend(
                d.last_evaluated
                    .and_then(|e| e.checked_add_months(chrono::Months::new(12)))
                    .and_then(|e| e.succ_opt())
                    .and_then(start_of_local_day),
            );
            edges.extend(
                d.last_evaluated
                    // The built-in pack's `annual_evaluation`, a year.
                    .and_then(|e| {
                        crate::deadline::period_end(e, crate::time::Period::Years(1), &calendar)
                            .ok()
                    })
                    .map(|end| end.due),
            );
        }
        for (y, m, d) in [(2024, 3, 5), (2025, 7, 1), (2025, 8, 19), (2025, 10, 22)] {
            edges.extend(NaiveDate::from_ymd_opt(y, m, d).and_then(start_of_local_day));
        }
        // Local midnight (UTC+7) of the day each edge falls on and of the next: where a
        // day-counted period turns, whatever the offset the instant was written in.
        let midnights: Vec<DateTime<FixedOffset>> = edges
            .iter()
            .map(|e| e.with_timezone(&VIETNAM_OFFSET).date_naive())
            .flat_map(|d| [Some(d), d.succ_opt()])
            .flatten()
            .filter_map(start_of_local_day)
            .collect();
        edges.extend(midnights);
        edges.sort();
        edges.dedup();
        Snapshot { data, edges }
    }

    fn kind_of(&self, agency: &AgencyId) -> Option<AgencyKind> {
        self.data
            .agencies
            .iter()
            .find(|a| &a.id == agency)
            .map(|a| a.kind)
    }
}

#[derive(Debug, Clone, Copy)]
enum Focus {
    /// Around an agreement.
    Agreement,
    /// Any account and dataset.
    Anything,
    /// An unknown account, dataset, or both.
    Unknown(u8),
}

#[derive(Debug, Clone)]
enum When {
    /// A fraction of the way through the focused agreement's term (or a year after its
    /// start when it has no end).
    InTerm(f64),
    /// An edge of the world, moved by a few milliseconds, a second or a day.
    Edge(Index, i64),
    /// Anywhere in the window.
    Anytime(DateTime<FixedOffset>),
    /// Past the year 9999, where Cedar's datetimes end.
    Beyond(i64),
}

#[derive(Debug, Clone)]
struct RequestPart {
    focus: Focus,
    /// Around an agreement: everything the requester controls fits the agreement.
    cooperative: bool,
    agreement: Index,
    account: Index,
    dataset: Index,
    consumer_account: bool,
    agreement_dataset: bool,
    agreement_purpose: bool,
    purpose: Index,
    agreement_method: bool,
    method: Index,
    action: Action,
    fitting_channel: bool,
    channel: Channel,
    when: When,
    offset: FixedOffset,
    authenticated: bool,
    subject_requested: bool,
    unknown: String,
}

fn request_part() -> impl Strategy<Value = RequestPart> {
    request_fields().prop_map(|mut p| {
        if p.cooperative && matches!(p.focus, Focus::Agreement) {
            p.consumer_account = true;
            p.agreement_dataset = true;
            p.agreement_purpose = true;
            p.agreement_method = true;
            p.fitting_channel = true;
            p.authenticated = true;
            p.subject_requested = true;
            // Edges stay: a cooperative request on the edge of a term is the sharpest test.
            if matches!(p.when, When::Anytime(_)) {
                p.when = When::InTerm(0.5);
            }
        }
        p
    })
}

fn request_fields() -> impl Strategy<Value = RequestPart> {
    let focus = prop_oneof![
        14 => Just(Focus::Agreement),
        5 => Just(Focus::Anything),
        1 => (0u8..3).prop_map(Focus::Unknown),
    ];
    let when = prop_oneof![
        60 => (0.0f64..1.0).prop_map(When::InTerm),
        30 => (
            any::<Index>(),
            prop::sample::select(vec![-MS_PER_DAY, -1_000, -1, 0, 0, 0, 1, 1_000, MS_PER_DAY]),
        )
            .prop_map(|(i, d)| When::Edge(i, d)),
        15 => instant().prop_map(When::Anytime),
        1 => (0i64..(365 * MS_PER_DAY)).prop_map(When::Beyond),
    ];
    (
        prop::bool::weighted(0.7),
        (
            focus,
            any::<Index>(),
            any::<Index>(),
            any::<Index>(),
            prop::bool::weighted(0.9),
            prop::bool::weighted(0.85),
        ),
        (
            prop::bool::weighted(0.85),
            any::<Index>(),
            prop::bool::weighted(0.85),
            any::<Index>(),
            prop::sample::select(Action::ALL.to_vec()),
            prop::bool::weighted(0.85),
            prop::sample::select(Channel::ALL.to_vec()),
        ),
        (
            when,
            offset(),
            prop::bool::weighted(0.93),
            prop::bool::weighted(0.6),
            "[a-z0-9]{1,8}",
        ),
    )
        .prop_map(
            |(
                cooperative,
                (focus, agreement, account, dataset, consumer_account, agreement_dataset),
                (
                    agreement_purpose,
                    purpose,
                    agreement_method,
                    method,
                    action,
                    fitting_channel,
                    channel,
                ),
                (when, offset, authenticated, subject_requested, unknown),
            )| RequestPart {
                focus,
                cooperative,
                agreement,
                account,
                dataset,
                consumer_account,
                agreement_dataset,
                agreement_purpose,
                purpose,
                agreement_method,
                method,
                action,
                fitting_channel,
                channel,
                when,
                offset,
                authenticated,
                subject_requested,
                unknown,
            },
        )
}

impl Snapshot {
    fn request(&self, p: &RequestPart) -> Option<AccessRequest> {
        let data = &self.data;
        let focused = match p.focus {
            Focus::Agreement => pick(&p.agreement, &data.agreements),
            _ => None,
        };
        let any_account = pick(&p.account, &data.accounts);
        let any_dataset = pick(&p.dataset, &data.datasets);

        // The account: an account of the agreement's consumer, when it has one; for a
        // cooperative requester, one issued for the provider when it has one.
        let account = match focused {
            Some(g) if p.consumer_account => {
                let mut own: Vec<&Account> = data
                    .accounts
                    .iter()
                    .filter(|a| a.holder == g.consumer)
                    .collect();
                let focal = |a: &Account| {
                    self.kind_of(&a.issuer)
                        .is_some_and(AgencyKind::is_provincial_focal_point)
                };
                if p.cooperative && own.iter().any(|a| a.issuer == g.provider || focal(a)) {
                    own.retain(|a| a.issuer == g.provider || focal(a));
                }
                pick(&p.account, &own).copied().or(any_account)
            }
            _ => any_account,
        };
        // The dataset: one the agreement covers, or another of its provider's.
        let dataset_id = match focused {
            Some(g) if p.agreement_dataset => pick(&p.dataset, &g.datasets).cloned(),
            Some(g) => {
                let theirs: Vec<&DatasetId> = data
                    .datasets
                    .iter()
                    .filter(|s| {
                        data.databases
                            .iter()
                            .any(|d| d.id == s.database && d.manager == g.provider)
                    })
                    .map(|s| &s.id)
                    .collect();
                pick(&p.dataset, &theirs).copied().cloned()
            }
            None => None,
        }
        .or_else(|| any_dataset.map(|s| s.id.clone()));

        let mut account_id = account.map(|a| a.id.clone());
        let mut dataset_id = dataset_id;
        let (no_account, no_dataset) = match p.focus {
            Focus::Unknown(which) => (which != 1, which != 0),
            _ => (false, false),
        };
        if no_account || account_id.is_none() {
            account_id = format!("nobody-{}", p.unknown).parse().ok();
        }
        if no_dataset || dataset_id.is_none() {
            dataset_id = format!("nothing-{}", p.unknown).parse().ok();
        }

        let purpose = match focused {
            Some(g) if p.agreement_purpose => pick(&p.purpose, &g.purposes).cloned(),
            _ => None,
        }
        .or_else(|| pick(&p.purpose, &PURPOSES).and_then(|s| s.parse().ok()))?;

        let action = match focused {
            Some(g) if p.agreement_method => Action::ALL
                .into_iter()
                .filter(|a| g.methods.contains(&a.method()))
                .nth(p.method.index(g.methods.len().max(1)))
                .unwrap_or(p.action),
            _ => p.action,
        };

        let holder_kind = account.and_then(|a| self.kind_of(&a.holder));
        let channel = match holder_kind {
            Some(kind) if p.fitting_channel => {
                if !kind.is_state_administrative() {
                    Channel::Portal
                } else if !kind.is_in_province() {
                    Channel::NgspLgsp
                } else if matches!(p.channel, Channel::Portal | Channel::NgspLgsp) {
                    p.channel
                } else {
                    Channel::Lgsp
                }
            }
            _ => p.channel,
        };

        let at = self.when(p, focused);
        Some(AccessRequest {
            account: account_id?,
            action,
            dataset: dataset_id?,
            channel,
            purpose,
            at: at.with_timezone(&p.offset),
            authenticated: p.authenticated,
            subject_requested: p.subject_requested,
        })
    }

    fn when(&self, p: &RequestPart, focused: Option<&SharingAgreement>) -> DateTime<FixedOffset> {
        let fallback = || {
            instant_ms(WINDOW_START_MS + 500 * MS_PER_DAY, VIETNAM_OFFSET)
                .unwrap_or_else(|| DateTime::<Utc>::UNIX_EPOCH.fixed_offset())
        };
        let shift = |at: DateTime<FixedOffset>, ms: i64| {
            at.checked_add_signed(TimeDelta::milliseconds(ms))
                .unwrap_or(at)
        };
        match (&p.when, focused) {
            (When::InTerm(f), Some(g)) => {
                let span = g.term.end.map_or(365 * MS_PER_DAY, |end| {
                    (end - g.term.start).num_milliseconds()
                });
                // Truncation is the point: a whole number of milliseconds into the term.
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let into = (span as f64 * f) as i64;
                shift(g.term.start, into)
            }
            (When::Edge(i, delta), _) => pick(i, &self.edges)
                .map(|e| shift(*e, *delta))
                .unwrap_or_else(fallback),
            (When::Anytime(at), _) => *at,
            (When::Beyond(ms), _) => {
                // 10000-01-01T00:00Z plus up to a year.
                instant_ms(253_402_300_800_000 + ms, VIETNAM_OFFSET).unwrap_or_else(fallback)
            }
            (When::InTerm(f), None) => {
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let ms = IN_FORCE_MS + ((WINDOW_END_MS - IN_FORCE_MS) as f64 * f) as i64;
                instant_ms(ms, VIETNAM_OFFSET).unwrap_or_else(fallback)
            }
        }
    }
}

/// Access requests drawn relative to `world`, biased to reach the interesting cases:
/// most name an agreement's consumer, dataset, purpose and method at a time inside the
/// term or on an edge of it; the rest take any account and dataset of the world, an
/// unknown account or dataset (about 5%), or a time past the year 9999 (about 1%).
///
/// The strategy owns a copy of the world's data, so it does not borrow `world`.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, requests_for, world};
/// use proptest::prelude::*;
///
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let requests = prop::collection::vec(requests_for(&w), 1..4);
///     (Just(w), requests)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, requests) in cases)| {
///     for r in &requests {
///         // Most requests name a known account.
///         let _known = w.account(&r.account).is_some();
///     }
/// });
/// ```
pub fn requests_for(world: &World) -> impl Strategy<Value = AccessRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    request_part().prop_filter_map("a request", move |p| snapshot.request(&p))
}

/// Access requests drawn like [`requests_for`], but whose account and dataset always
/// exist in `world` and whose time Cedar can compare (never past the year 9999).
///
/// # The first trap
///
/// The engine checks what it can before any policy runs: an unknown account or dataset,
/// no pack in force, a time it cannot evaluate. A property about a *rule* ("a direct
/// connection is refused with `not_through_lgsp`") written over [`requests_for`] fails
/// on the first request naming an unknown account, and proptest then shrinks the
/// counterexample to exactly that — the engine's own check, not the rule. Draw from this
/// strategy instead, and `prop_assume!` away what the world cannot rule out (a time
/// before the pack's entry into force). Build the [`Engine`](crate::Engine) once, outside
/// the property: loading a pack parses and validates every policy.
///
/// # Example
///
/// ```
/// use lgsp_policy::{Channel, Engine};
/// use lgsp_policy::strategies::{WorldSize, known_requests_for, world};
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?; // once, not per case
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let r = known_requests_for(&w);
///     (Just(w), r)
/// });
/// proptest!(ProptestConfig::with_cases(32), |((w, mut request) in cases)| {
///     request.channel = Channel::Direct;
///     let decision = engine.decide(&w, &request);
///     prop_assume!(!decision.has_reason("no_pack_in_force"));
///     // QD05/2024 Đ13.1: never through a direct connection.
///     prop_assert!(decision.has_reason("not_through_lgsp"), "{decision:?}");
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn known_requests_for(world: &World) -> impl Strategy<Value = AccessRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    // Looked up per case, so sets rather than scans of the world's lists.
    let accounts: std::collections::HashSet<AccountId> = snapshot
        .data
        .accounts
        .iter()
        .map(|a| a.id.clone())
        .collect();
    let datasets: std::collections::HashSet<DatasetId> = snapshot
        .data
        .datasets
        .iter()
        .map(|s| s.id.clone())
        .collect();
    request_part()
        .prop_map(|mut p| {
            if matches!(p.focus, Focus::Unknown(_)) {
                p.focus = Focus::Anything;
            }
            if matches!(p.when, When::Beyond(_)) {
                p.when = When::InTerm(0.5);
            }
            p
        })
        .prop_filter_map("a request on known ids", move |p| {
            snapshot
                .request(&p)
                .filter(|r| accounts.contains(&r.account) && datasets.contains(&r.dataset))
        })
}

// ------------------------------------------------------------------------------- lifecycle acts

/// Who asks for a lifecycle act, or proposes a catalog change.
#[derive(Debug, Clone, Copy)]
enum Asker {
    /// The agreement's provider, or the database's manager.
    Provider,
    /// The agreement's consumer (for a database: any agency but its manager).
    Consumer,
    /// Any other agency of the world.
    Other,
    /// An agency the world does not know.
    Unknown,
}

fn asker() -> impl Strategy<Value = Asker> {
    prop_oneof![
        40 => Just(Asker::Provider),
        3 => Just(Asker::Consumer),
        4 => Just(Asker::Other),
        1 => Just(Asker::Unknown),
    ]
}

/// What a request for an act on one agreement relies on, and so which agreement it names.
#[derive(Debug, Clone, Copy)]
enum Basis {
    /// A violation, and an agreement whose consumer is its violator (the violation's own
    /// agreement when it has one, half the time).
    Own,
    /// A violation, and an agreement whose consumer is someone else.
    OtherParty,
    /// A violation and any agreement.
    Anything,
    /// No violation named, any agreement.
    NoViolation,
    /// A violation the world does not know, any agreement.
    UnknownViolation,
    /// An agreement the world does not know.
    UnknownAgreement,
    /// An agreement in this status, when the world has one (else any), and a violation by
    /// its consumer when there is one.
    Status(AgreementStatus),
}

/// When a request is made.
#[derive(Debug, Clone)]
enum Moment {
    /// The act's anchor (a violation's determination or record, a maintenance notice's
    /// latest day, a term's start) moved by this many milliseconds.
    Around(i64),
    /// A fraction of the way through the agreement's term (a year when it has no end).
    InTerm(f64),
    /// The agreement's end (or start, when it has none), moved by this many milliseconds.
    TermEnd(i64),
    /// Anywhere in the window.
    Anytime(DateTime<FixedOffset>),
    /// Past the year 9999, where Cedar's datetimes end.
    Beyond(i64),
}

/// Small moves across an edge: a day, an hour, a second, a millisecond, or none.
fn nudge() -> impl Strategy<Value = i64> {
    prop::sample::select(vec![
        -MS_PER_DAY,
        -3_600_000,
        -1_000,
        -1,
        0,
        0,
        1,
        1_000,
        3_600_000,
        MS_PER_DAY,
    ])
}

fn moment() -> impl Strategy<Value = Moment> {
    prop_oneof![
        30 => nudge().prop_map(Moment::Around),
        30 => (0..30 * MS_PER_DAY).prop_map(Moment::Around),
        15 => (0.0f64..1.0).prop_map(Moment::InTerm),
        8 => prop::sample::select(vec![-MS_PER_DAY, -1, 0, 1, MS_PER_DAY]).prop_map(Moment::TermEnd),
        8 => instant().prop_map(Moment::Anytime),
        1 => (0i64..(365 * MS_PER_DAY)).prop_map(Moment::Beyond),
    ]
}

#[derive(Debug, Clone)]
struct ActPart {
    asker: Asker,
    basis: Basis,
    violation: Index,
    agreement: Index,
    other: Index,
    moment: Moment,
    offset: FixedOffset,
    /// The 24-hour reading (suspension); requirements met (restoration).
    flag: bool,
    unknown: String,
}

fn act_part(basis: impl Strategy<Value = Basis>, flag: f64) -> impl Strategy<Value = ActPart> {
    (
        asker(),
        basis,
        any::<Index>(),
        any::<Index>(),
        any::<Index>(),
        moment(),
        offset(),
        prop::bool::weighted(flag),
        "[a-z0-9]{1,8}",
    )
        .prop_map(
            |(asker, basis, violation, agreement, other, moment, offset, flag, unknown)| ActPart {
                asker,
                basis,
                violation,
                agreement,
                other,
                moment,
                offset,
                flag,
                unknown,
            },
        )
}

/// The pieces of an act on one agreement, resolved against a world.
struct Resolved {
    provider: AgencyId,
    agreement: AgreementId,
    violation: Option<ViolationId>,
    at: DateTime<FixedOffset>,
}

impl Snapshot {
    fn unknown_id<T: std::str::FromStr>(prefix: &str, token: &str) -> Option<T> {
        format!("{prefix}-unknown-{token}").parse().ok()
    }

    /// The agency asking, relative to an agreement's provider and consumer.
    fn asker(
        &self,
        asker: Asker,
        provider: Option<&AgencyId>,
        consumer: Option<&AgencyId>,
        other: &Index,
        token: &str,
    ) -> Option<AgencyId> {
        let others: Vec<&AgencyId> = self
            .data
            .agencies
            .iter()
            .map(|a| &a.id)
            .filter(|a| Some(*a) != provider)
            .collect();
        let another = || pick(other, &others).map(|a| (*a).clone());
        let chosen = match asker {
            Asker::Provider => provider.cloned(),
            Asker::Consumer => consumer.cloned().or_else(another),
            Asker::Other => another(),
            Asker::Unknown => None,
        };
        // Without a provider (an unknown agreement or database), another agency asks.
        chosen
            .or_else(|| match asker {
                Asker::Unknown => None,
                _ => another(),
            })
            .or_else(|| Self::unknown_id("ag", token))
    }

    fn moment(
        &self,
        moment: &Moment,
        anchor: Option<DateTime<FixedOffset>>,
        agreement: Option<&SharingAgreement>,
        offset: FixedOffset,
    ) -> DateTime<FixedOffset> {
        let fallback = || {
            instant_ms(IN_FORCE_MS + 200 * MS_PER_DAY, VIETNAM_OFFSET)
                .unwrap_or_else(|| DateTime::<Utc>::UNIX_EPOCH.fixed_offset())
        };
        let shift = |at: DateTime<FixedOffset>, ms: i64| {
            at.checked_add_signed(TimeDelta::milliseconds(ms))
                .unwrap_or(at)
        };
        let at = match (moment, agreement) {
            (Moment::Around(ms), _) => anchor
                .or_else(|| agreement.map(|g| g.term.start))
                .map_or_else(fallback, |a| shift(a, *ms)),
            (Moment::InTerm(f), Some(g)) => {
                let span = g.term.end.map_or(365 * MS_PER_DAY, |end| {
                    (end - g.term.start).num_milliseconds()
                });
                // Truncation is the point: a whole number of milliseconds into the term.
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let into = (span as f64 * f) as i64;
                shift(g.term.start, into)
            }
            (Moment::TermEnd(ms), Some(g)) => shift(g.term.end.unwrap_or(g.term.start), *ms),
            (Moment::InTerm(_) | Moment::TermEnd(_), None) => anchor.unwrap_or_else(fallback),
            (Moment::Anytime(at), _) => *at,
            (Moment::Beyond(ms), _) => {
                // 10000-01-01T00:00Z plus up to a year.
                instant_ms(253_402_300_800_000 + ms, VIETNAM_OFFSET).unwrap_or_else(fallback)
            }
        };
        at.with_timezone(&offset)
    }

    /// Resolves an act on one agreement: the agreement, the violation relied on, the
    /// agency asking and the time, with `anchor` picking the instant of the violation the
    /// time is drawn around.
    fn act(
        &self,
        p: &ActPart,
        anchor: fn(&Violation) -> Option<DateTime<FixedOffset>>,
    ) -> Option<Resolved> {
        let data = &self.data;
        let agreements: &[SharingAgreement] = &data.agreements;
        let mut violation = pick(&p.violation, &data.violations);
        if matches!(p.basis, Basis::Own) {
            // A violation by some agreement's consumer, when there is one.
            let by_consumers: Vec<&Violation> = data
                .violations
                .iter()
                .filter(|v| agreements.iter().any(|g| g.consumer == v.violator))
                .collect();
            violation = pick(&p.violation, &by_consumers).copied().or(violation);
        }
        let any = || pick(&p.agreement, agreements);
        let focused: Option<&SharingAgreement> = match (p.basis, violation) {
            (Basis::UnknownAgreement, _) => None,
            (Basis::Own, Some(v)) => {
                let own = v
                    .agreement
                    .as_ref()
                    .and_then(|id| agreements.iter().find(|g| &g.id == id))
                    .filter(|g| g.consumer == v.violator);
                let theirs: Vec<&SharingAgreement> = agreements
                    .iter()
                    .filter(|g| g.consumer == v.violator)
                    .collect();
                match own {
                    Some(g) if p.agreement.index(2) == 0 => Some(g),
                    _ => pick(&p.agreement, &theirs).copied(),
                }
                .or_else(any)
            }
            (Basis::OtherParty, Some(v)) => {
                let others: Vec<&SharingAgreement> = agreements
                    .iter()
                    .filter(|g| g.consumer != v.violator)
                    .collect();
                pick(&p.agreement, &others).copied().or_else(any)
            }
            (Basis::Status(status), _) => {
                let with: Vec<&SharingAgreement> =
                    agreements.iter().filter(|g| g.status == status).collect();
                let g = pick(&p.agreement, &with).copied().or_else(any);
                // A violation by its consumer, when there is one.
                let by_consumer: Vec<&Violation> = data
                    .violations
                    .iter()
                    .filter(|v| g.is_some_and(|g| g.consumer == v.violator))
                    .collect();
                violation = pick(&p.violation, &by_consumer).copied().or(violation);
                g
            }
            _ => any(),
        };
        let agreement = match focused {
            Some(g) => g.id.clone(),
            None => Self::unknown_id("agr", &p.unknown)?,
        };
        let violation_id = match p.basis {
            Basis::NoViolation => None,
            Basis::UnknownViolation => Some(Self::unknown_id("vp", &p.unknown)?),
            _ => violation.map(|v| v.id.clone()),
        };
        let provider = self.asker(
            p.asker,
            focused.map(|g| &g.provider),
            focused.map(|g| &g.consumer),
            &p.other,
            &p.unknown,
        )?;
        let at = self.moment(&p.moment, violation.and_then(anchor), focused, p.offset);
        Some(Resolved {
            provider,
            agreement,
            violation: violation_id,
            at,
        })
    }
}

fn determination(v: &Violation) -> Option<DateTime<FixedOffset>> {
    Some(v.determined_at.unwrap_or(v.recorded_at))
}

fn record(v: &Violation) -> Option<DateTime<FixedOffset>> {
    Some(v.recorded_at)
}

/// No violation anchors the time: it is drawn around the agreement's start.
fn term_start(_: &Violation) -> Option<DateTime<FixedOffset>> {
    None
}

/// Requests to suspend one consumer (QD05/2024 Đ16.2.h), drawn relative to `world`.
///
/// Most name a violation by some agreement's consumer and an agreement of that consumer
/// (the violation's own agreement half the time), asked by the agreement's provider, at
/// a time around the violation's determination — a day, an hour, a second or a
/// millisecond before or after it, or up to 30 days after — or inside the agreement's
/// term or on its end. The rest name a
/// violation by another party, no violation, an unknown violation or agreement, the
/// consumer or another agency as the asker, any time of the window, or (rarely) a time
/// past the year 9999. A violation without a determination (a suspicion) is timed around
/// its record. About one in six asks for the 24-hour reading of the one-day notice.
///
/// The strategy owns a copy of the world's data, so it does not borrow `world`.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, suspension_requests_for, world};
/// use lgsp_policy::{Duty, Engine};
/// use lgsp_policy::time::Calendar;
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?;
/// let calendar = Calendar::vietnam_public_sector();
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let r = suspension_requests_for(&w);
///     (Just(w), r)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, request) in cases)| {
///     let answer = engine.clone().with_calendar(calendar.clone()).decide_suspension(&w, &request);
///     // An allowed suspension obliges the one-day notice to the consumer.
///     if answer.is_allowed() {
///         let notice = answer.decision.duties.iter()
///             .any(|d| matches!(d, Duty::NotifyConsumer { .. }));
///         prop_assert!(notice);
///     }
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn suspension_requests_for(world: &World) -> impl Strategy<Value = SuspensionRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    let basis = prop_oneof![
        60 => Just(Basis::Own),
        10 => Just(Basis::OtherParty),
        6 => Just(Basis::Anything),
        6 => Just(Basis::NoViolation),
        3 => Just(Basis::UnknownViolation),
        2 => Just(Basis::UnknownAgreement),
    ];
    act_part(basis, 0.15).prop_filter_map("a suspension request", move |p| {
        let r = snapshot.act(&p, determination)?;
        Some(SuspensionRequest {
            provider: r.provider,
            agreement: r.agreement,
            violation: r.violation,
            at: r.at,
            reading: if p.flag {
                DayReading::TwentyFourHours
            } else {
                DayReading::CivilCode
            },
        })
    })
}

/// Requests to restore a suspended agreement (QD05/2024 Đ16.2.h), drawn relative to
/// `world`: mostly a suspended agreement (when the world has one), sometimes an active or
/// terminated one or an unknown one; mostly asked by the provider; the requirements stated
/// met three times in four; at a time around the start of the term, in it, on its end or
/// anywhere in the window.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, restoration_requests_for, world};
/// use lgsp_policy::Engine;
/// use lgsp_policy::records::AgreementStatus;
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?;
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let r = restoration_requests_for(&w);
///     (Just(w), r)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, request) in cases)| {
///     let answer = engine.decide_restoration(&w, &request);
///     // Only a suspended agreement is restored.
///     for t in &answer.transitions {
///         prop_assert_eq!(t.from, AgreementStatus::Suspended);
///     }
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn restoration_requests_for(
    world: &World,
) -> impl Strategy<Value = RestorationRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    let basis = prop_oneof![
        12 => Just(Basis::Status(AgreementStatus::Suspended)),
        3 => Just(Basis::Status(AgreementStatus::Active)),
        2 => Just(Basis::Status(AgreementStatus::Terminated)),
        1 => Just(Basis::UnknownAgreement),
    ];
    act_part(basis, 0.75).prop_filter_map("a restoration request", move |p| {
        let r = snapshot.act(&p, term_start)?;
        Some(RestorationRequest {
            provider: r.provider,
            agreement: r.agreement,
            requirements_met: p.flag,
            at: r.at,
        })
    })
}

/// Requests to terminate an agreement (QD05/2024 Đ16.1.g), drawn relative to `world`:
/// an active, suspended or terminated agreement (in about that order of frequency) or an
/// unknown one, mostly asked by its provider, at a time in its term, on its end or
/// anywhere in the window.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, termination_requests_for, world};
/// use lgsp_policy::Engine;
/// use lgsp_policy::records::AgreementStatus;
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?;
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let r = termination_requests_for(&w);
///     (Just(w), r)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, request) in cases)| {
///     let answer = engine.decide_termination(&w, &request);
///     for t in &answer.transitions {
///         prop_assert_eq!(t.to, AgreementStatus::Terminated);
///     }
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn termination_requests_for(
    world: &World,
) -> impl Strategy<Value = TerminationRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    let basis = prop_oneof![
        6 => Just(Basis::Status(AgreementStatus::Active)),
        4 => Just(Basis::Status(AgreementStatus::Suspended)),
        3 => Just(Basis::Status(AgreementStatus::Terminated)),
        1 => Just(Basis::UnknownAgreement),
    ];
    act_part(basis, 0.5).prop_filter_map("a termination request", move |p| {
        let r = snapshot.act(&p, term_start)?;
        Some(TerminationRequest {
            provider: r.provider,
            agreement: r.agreement,
            at: r.at,
        })
    })
}

/// Requests to require a usage report (QD05/2024 Đ16.1.e), drawn relative to `world`
/// like [`suspension_requests_for`], but timed around the violation's (or suspicion's)
/// record rather than its determination, and naming no violation a little more often.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, usage_report_requests_for, world};
/// use lgsp_policy::Engine;
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?;
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let r = usage_report_requests_for(&w);
///     (Just(w), r)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, request) in cases)| {
///     let answer = engine.decide_usage_report(&w, &request);
///     // A usage report changes no agreement's status.
///     prop_assert!(answer.transitions.is_empty());
///     // QD05/2024 Đ16.1.e: a report is demanded only on recorded signs of unlawful use.
///     prop_assert!(request.violation.is_some() || !answer.is_allowed());
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn usage_report_requests_for(
    world: &World,
) -> impl Strategy<Value = UsageReportRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    let basis = prop_oneof![
        60 => Just(Basis::Own),
        10 => Just(Basis::OtherParty),
        6 => Just(Basis::Anything),
        10 => Just(Basis::NoViolation),
        3 => Just(Basis::UnknownViolation),
        2 => Just(Basis::UnknownAgreement),
    ];
    act_part(basis, 0.5).prop_filter_map("a usage-report request", move |p| {
        let r = snapshot.act(&p, record)?;
        Some(UsageReportRequest {
            provider: r.provider,
            agreement: r.agreement,
            violation: r.violation,
            at: r.at,
        })
    })
}

#[derive(Debug, Clone)]
struct SuspendAllPart {
    asker: Asker,
    database: Index,
    other: Index,
    unknown_database: bool,
    grounds: AllConsumersGrounds,
    starts_at: DateTime<FixedOffset>,
    /// The notice: published this many ms after the latest moment, stating the expected
    /// restoration time or not.
    notice: Option<(i64, bool)>,
    /// The decision, this many ms after the latest moment for the notice (maintenance) or
    /// the start (otherwise).
    at: i64,
    offset: FixedOffset,
    unknown: String,
}

/// Around the latest moment for a maintenance notice: a small move across it, or up to
/// 20 days before and 5 days after.
fn around_notice() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => nudge(),
        1 => -(20 * MS_PER_DAY)..(5 * MS_PER_DAY),
    ]
}

fn suspend_all_part() -> impl Strategy<Value = SuspendAllPart> {
    (
        (
            asker(),
            any::<Index>(),
            any::<Index>(),
            prop::bool::weighted(0.03),
        ),
        prop_oneof![
            6 => Just(AllConsumersGrounds::Maintenance),
            3 => Just(AllConsumersGrounds::ForceMajeure),
            1 => Just(AllConsumersGrounds::Other),
        ],
        prop_oneof![
            // Mostly in the years the shipped calendar covers.
            9 => (IN_FORCE_MS / 1000..WINDOW_END_MS / 1000 - 30 * 86_400)
                .prop_map(|s| instant_ms(s * 1000, VIETNAM_OFFSET)),
            1 => instant().prop_map(Some),
        ],
        option(2, (around_notice(), prop::bool::weighted(0.85))),
        around_notice(),
        offset(),
        "[a-z0-9]{1,8}",
    )
        .prop_filter_map(
            "a suspend-all part",
            |(
                (asker, database, other, unknown_database),
                grounds,
                starts_at,
                notice,
                at,
                offset,
                unknown,
            )| {
                Some(SuspendAllPart {
                    asker,
                    database,
                    other,
                    unknown_database,
                    grounds,
                    starts_at: starts_at?,
                    notice,
                    at,
                    offset,
                    unknown,
                })
            },
        )
}

/// Requests to suspend every consumer of a database (ND47/2020 Đ43.1), drawn relative to
/// `world` and timed with `calendar`.
///
/// Most name a database of the world and are asked by its manager; the grounds are
/// maintenance (60%), force majeure (30%) or other (10%). For maintenance the times sit
/// around the latest moment the public notice may be published — 24:00 of the day before
/// the 7th working day before the start, counted back with `calendar` (ND47/2020
/// Đ43.3): the notice, when there is one (two times in three), is published a day, an
/// hour, a second or a millisecond before or after it, or up to 20 days before or 5
/// after, and states the expected restoration time six times in seven; the request comes
/// after the notice or, without one, around that moment. When `calendar` cannot count the
/// days, or for other grounds, the times sit around the start instead.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, suspend_all_requests_for, world};
/// use lgsp_policy::Engine;
/// use lgsp_policy::records::AgreementStatus;
/// use lgsp_policy::time::Calendar;
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?;
/// let calendar = Calendar::vietnam_public_sector();
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let r = suspend_all_requests_for(&w, &Calendar::vietnam_public_sector());
///     (Just(w), r)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, request) in cases)| {
///     let answer = engine.clone().with_calendar(calendar.clone()).decide_suspend_all(&w, &request);
///     for t in &answer.transitions {
///         prop_assert_eq!(t.from, AgreementStatus::Active);
///         prop_assert_eq!(t.to, AgreementStatus::Suspended);
///     }
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn suspend_all_requests_for(
    world: &World,
    calendar: &Calendar,
) -> impl Strategy<Value = SuspendAllRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    let calendar = Arc::new(calendar.clone());
    suspend_all_part().prop_filter_map("a suspend-all request", move |p| {
        let data = &snapshot.data;
        let database = if p.unknown_database {
            None
        } else {
            pick(&p.database, &data.databases)
        };
        let database_id = match database {
            Some(d) => d.id.clone(),
            None => Snapshot::unknown_id("db", &p.unknown)?,
        };
        let manager = database.map(|d| &d.manager);
        let provider = snapshot.asker(p.asker, manager, None, &p.other, &p.unknown)?;
        let latest = match p.grounds {
            AllConsumersGrounds::Maintenance => {
                latest_notice_before(p.starts_at, 7, &calendar).ok()
            }
            _ => None,
        };
        let anchor = latest.unwrap_or(p.starts_at);
        let shift = |ms: i64| anchor.checked_add_signed(TimeDelta::milliseconds(ms));
        let notice = match p.notice {
            Some((ms, restoration)) => Some(PublicNotice {
                published_at: shift(ms)?.with_timezone(&p.offset),
                expected_restoration: if restoration {
                    p.starts_at.checked_add_signed(TimeDelta::days(2))
                } else {
                    None
                },
                text: "Bảo trì hệ thống / System maintenance".to_owned(),
            }),
            None => None,
        };
        // With a notice out, the request comes after it.
        let at = match &notice {
            Some(n) => n.published_at.max(shift(p.at)?),
            None => shift(p.at)?,
        };
        Some(SuspendAllRequest {
            provider,
            database: database_id,
            grounds: p.grounds,
            starts_at: p.starts_at,
            notice,
            at: at.with_timezone(&p.offset),
        })
    })
}

// ------------------------------------------------------------------------------- catalog

/// A dossier item: given, blank (only white space) or missing, nine, one and one times
/// in eleven.
fn item() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        9 => "\\PC{1,24}".prop_map(|s| Some(format!("x{s}"))),
        // Blanks, white space and the invisible format characters office documents leave.
        2 => prop::sample::select(vec![
            " ", "   ", "\t\n", "\u{a0}", "\u{3000} ", "\u{200B}", "\u{2060}", "\u{FEFF}",
            " \u{200B}\u{FEFF} ", "\u{00AD}",
        ])
        .prop_map(|s| Some(s.to_owned())),
        1 => Just(None),
    ]
}

#[derive(Debug, Clone)]
struct CatalogPart {
    asker: Asker,
    database: Index,
    other: Index,
    unknown_database: bool,
    withdraw: bool,
    /// Everything the proposer controls fits the change.
    cooperative: bool,
    items: Vec<Option<String>>,
    master_data: Vec<(Index, bool)>,
    methods: Vec<SharingMethod>,
    procedures: Vec<Option<String>>,
    replacement: Option<(Option<String>, Option<String>)>,
    when: When,
    unknown: String,
}

fn catalog_part() -> impl Strategy<Value = CatalogPart> {
    let when = prop_oneof![
        30 => instant().prop_map(When::Anytime),
        1 => (0i64..(365 * MS_PER_DAY)).prop_map(When::Beyond),
    ];
    (
        (
            asker(),
            any::<Index>(),
            any::<Index>(),
            prop::bool::weighted(0.03),
            prop::bool::weighted(0.35),
            prop::bool::weighted(0.4),
        ),
        prop::collection::vec(item(), 9),
        prop::collection::vec((any::<Index>(), prop::bool::weighted(0.93)), 0..3),
        prop::sample::subsequence(
            vec![
                SharingMethod::OnlineConnection,
                SharingMethod::Synchronisation,
                SharingMethod::Package,
            ],
            0..=3,
        ),
        prop::collection::vec(item(), 0..3),
        option(8, (item(), item())),
        when,
        "[a-z0-9]{1,8}",
    )
        .prop_map(
            |(
                (asker, database, other, unknown_database, withdraw, cooperative),
                items,
                master_data,
                methods,
                procedures,
                replacement,
                when,
                unknown,
            )| CatalogPart {
                asker,
                database,
                other,
                unknown_database,
                withdraw,
                cooperative,
                items,
                master_data,
                methods,
                procedures,
                replacement,
                when,
                unknown,
            },
        )
}

impl Snapshot {
    fn proposal(&self, p: &CatalogPart) -> Option<(CatalogProposal, DateTime<FixedOffset>)> {
        let data = &self.data;
        // A cooperative proposer picks a database the change fits: for an addition, one
        // outside the shared catalog and at the data centre; for a withdrawal, one in it.
        let fitting: Vec<&Database> = data
            .databases
            .iter()
            .filter(|d| {
                if p.withdraw {
                    d.catalog == CatalogMembership::Shared
                } else {
                    d.catalog != CatalogMembership::Shared
                        && d.hosting == Hosting::ProvincialDataCentre
                }
            })
            .collect();
        let database = if p.unknown_database {
            None
        } else if p.cooperative && !fitting.is_empty() {
            pick(&p.database, &fitting).copied()
        } else {
            pick(&p.database, &data.databases)
        };
        let database_id = match database {
            Some(d) => d.id.clone(),
            None => Self::unknown_id("db", &p.unknown)?,
        };
        let manager = database.map(|d| &d.manager);
        let asker = if p.cooperative {
            Asker::Provider
        } else {
            p.asker
        };
        let proposer = self.asker(asker, manager, None, &p.other, &p.unknown)?;

        let given = |i: usize| -> Option<String> {
            let item = p.items.get(i).cloned().flatten();
            if p.cooperative {
                Some(
                    item.filter(|s| !crate::text::is_blank(s))
                        .unwrap_or_else(|| format!("item {i}")),
                )
            } else {
                item
            }
        };
        let master: Vec<&MasterData> = data.master_data.iter().collect();
        let authoritative: Vec<&MasterData> = data
            .master_data
            .iter()
            .filter(|m| m.reference.is_authoritative())
            .collect();
        let mut master_data: Vec<MasterDataId> = p
            .master_data
            .iter()
            .filter_map(|(i, known)| match pick(i, &master) {
                Some(m) if *known => Some(m.id.clone()),
                _ => Self::unknown_id("md", &p.unknown),
            })
            .collect();
        if p.cooperative {
            master_data.retain(|m| data.master_data.iter().any(|k| &k.id == m));
            if let Some(m) = pick(&p.database, &authoritative) {
                master_data.push(m.id.clone());
            }
        }
        master_data.sort();
        master_data.dedup();
        let mut procedures: Vec<String> = p.procedures.iter().flatten().cloned().collect();
        if p.cooperative && !procedures.iter().any(|s| !crate::text::is_blank(s)) {
            procedures.push("1.000123 — Đăng ký thường trú".to_owned());
        }

        let change = if p.withdraw {
            let replacement = match (&p.replacement, p.cooperative) {
                (_, true) => Some(Replacement {
                    data: given(7).unwrap_or_default(),
                    provider: given(8).unwrap_or_default(),
                }),
                (Some((data, provider)), false) => Some(Replacement {
                    data: data.clone().unwrap_or_default(),
                    provider: provider.clone().unwrap_or_default(),
                }),
                (None, false) => None,
            };
            CatalogChange::Withdraw(WithdrawalDossier {
                replacement,
                master_data_reference: given(3),
                replacement_procedures: procedures,
            })
        } else {
            let mut methods = p.methods.clone();
            if p.cooperative && methods.is_empty() {
                methods.push(SharingMethod::OnlineConnection);
            }
            CatalogChange::Add(AdditionDossier {
                name: given(0),
                managing_unit: given(1),
                objective: given(2),
                data_scope: given(3),
                master_data,
                users_and_purposes: given(4),
                sources: given(5),
                sharing_methods: methods,
                legal_value_basis: given(6),
                administrative_procedures: procedures,
            })
        };
        let now = match &p.when {
            When::Beyond(ms) => instant_ms(253_402_300_800_000 + ms, VIETNAM_OFFSET)?,
            When::Anytime(at) => *at,
            _ => instant_ms(IN_FORCE_MS, VIETNAM_OFFSET)?,
        };
        Some((
            CatalogProposal {
                proposer,
                database: database_id,
                change,
            },
            now,
        ))
    }
}

/// Shared-catalog proposals drawn relative to `world` (QD05/2024 Đ7.2–Đ7.4, Đ8.3), each
/// with the time it is decided.
///
/// Two in five are *cooperative*: the database's manager proposes to add a database
/// outside the shared catalog and hosted at the provincial data centre (or to withdraw
/// one in the catalog), with every item of the dossier given, a master-data record the
/// provincial People's Committee or a ministry holds as reference (when the world has
/// one), a sharing method and an administrative procedure. The others pick any database
/// and leave each item given, blank (spaces, a tab, a non-breaking or ideographic space)
/// or missing; name master data the world may not know; and are sometimes made by another
/// agency or an unknown one, or for an unknown database. About one in three is a
/// withdrawal. Times are anywhere in the window (one in twenty before the pack's entry into
/// force), rarely past the year 9999.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, catalog_proposals_for, world};
/// use lgsp_policy::Engine;
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?;
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let p = catalog_proposals_for(&w);
///     (Just(w), p)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, (proposal, now)) in cases)| {
///     let decision = engine.decide_catalog(&w, &proposal, now);
///     // Only the database's manager may propose.
///     if decision.is_allowed() {
///         let manager = w.database(&proposal.database).map(|d| &d.manager);
///         prop_assert_eq!(manager, Some(&proposal.proposer));
///     }
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn catalog_proposals_for(
    world: &World,
) -> impl Strategy<Value = (CatalogProposal, DateTime<FixedOffset>)> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    catalog_part().prop_filter_map("a catalog proposal", move |p| snapshot.proposal(&p))
}
