//! Deterministic synthetic provinces for the benches.
//!
//! A province is sized by its number of sharing agreements; agencies, databases, datasets,
//! accounts and violations grow in proportion (a province has thousands of agencies — every
//! commune People's Committee — tens of thousands of datasets, and more agreements and
//! accounts still); the smallest province keeps enough agencies that, as in the larger
//! ones, most pairs of agencies have at most one agreement. The mixes of agency kinds,
//! data classes, channels, statuses and terms are fixed ratios drawn with a seeded
//! generator, so every run on every machine benches the same worlds and requests.
//!
//! | agreements | agencies | databases | datasets | accounts | violations |
//! |-----------:|---------:|----------:|---------:|---------:|-----------:|
//! |        100 |       60 |        12 |       60 |       30 |          1 |
//! |     10,000 |      455 |       210 |    2,040 |    1,020 |        100 |
//! |    100,000 |    4,055 |     2,010 |   20,040 |   10,020 |      1,000 |
//!
//! Every larger province contains the 100-agreement one unchanged (see [`province`]).
pub mod baselines;
pub mod rego;
pub mod tpe;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use lgsp_policy::catalog::{AdditionDossier, Replacement, WithdrawalDossier};
use lgsp_policy::records::{
    Account, Agency, AgencyId, AgencyKind, AgreementId, AgreementStatus, Authentication,
    CatalogMembership, DataClass, Database, Dataset, Hosting, MasterData, MasterDataReference,
    Purpose, SharingAgreement, SharingMethod, Term, Violation, ViolationKind,
};
use lgsp_policy::time::DayReading;
use lgsp_policy::{
    AccessRequest, Action, CatalogProposal, Channel, RestorationRequest, SuspensionRequest,
    WorldData,
};

/// splitmix64: small, fast, good enough for fixtures, and the same everywhere.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Picks by integer weights.
    pub fn weighted<T: Copy>(&mut self, items: &[(u64, T)]) -> T {
        let total: u64 = items.iter().map(|(w, _)| w).sum();
        let mut x = self.next_u64() % total;
        for &(w, t) in items {
            if x < w {
                return t;
            }
            x -= w;
        }
        items[items.len() - 1].1
    }
}

/// A generated province and a pool of requests drawn against it.
pub struct Province {
    pub data: WorldData,
    /// Access requests in a realistic mix: most are a consumer using its agreement, some
    /// open-data reads, some strays (wrong channel, unknown purpose, a dataset out of the
    /// agreement, an unpublished dataset, an external agency bypassing the NGSP, …).
    pub requests: Vec<AccessRequest>,
    /// The requests of the base province (the first [`BASE`] agreements), which every
    /// size contains unchanged: the same decisions, on a larger world.
    pub base_requests: Vec<AccessRequest>,
    /// Suspension requests (QD05/2024 Đ16.2.h): mostly a provider suspending a consumer
    /// for a recorded violation, some without grounds, for a violation not yet determined,
    /// under another agreement, or by a party that is not the provider.
    pub suspensions: Vec<SuspensionRequest>,
    /// Restoration requests (QD05/2024 Đ16.2.h, Đ16.1.g), half of them on suspended
    /// agreements.
    pub restorations: Vec<RestorationRequest>,
    /// Shared-catalog proposals (QD05/2024 Đ7, Đ8.3) and the instant each is decided at:
    /// 70 % additions, 30 % withdrawals, each dossier item present with a fixed chance.
    pub catalog: Vec<(CatalogProposal, DateTime<FixedOffset>)>,
}

/// Requests per pool for the suspension, restoration and catalog decisions.
pub const ACT_REQUESTS: usize = 256;

pub fn vn() -> FixedOffset {
    lgsp_policy::time::VIETNAM_OFFSET
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A local instant `day` days and `secs` seconds after `from` 00:00 (UTC+7).
fn instant(from: NaiveDate, day: i64, secs: i64) -> DateTime<FixedOffset> {
    let midnight = vn()
        .from_local_datetime(&from.and_hms_opt(0, 0, 0).unwrap())
        .unwrap();
    midnight + Duration::days(day) + Duration::seconds(secs)
}

const PURPOSES: [&str; 8] = [
    "administrative-procedures",
    "statistics",
    "land-management",
    "tax-inspection",
    "public-services",
    "planning",
    "social-welfare",
    "emergency-response",
];

/// A 20-slot pattern of agency kinds: 10 % departments, 5 % districts, 45 % communes, 5 %
/// external state agencies, 5 % state enterprises, 5 % organisations, 15 % enterprises,
/// 10 % citizens. Slot 0 and 1 of the province are the focal point and the People's
/// Committee.
const KIND_PATTERN: [AgencyKind; 20] = {
    use AgencyKind::*;
    [
        ProvincialDepartment,
        CommunePeoplesCommittee,
        CommunePeoplesCommittee,
        Enterprise,
        CommunePeoplesCommittee,
        DistrictPeoplesCommittee,
        Citizen,
        CommunePeoplesCommittee,
        ExternalStateAgency,
        CommunePeoplesCommittee,
        StateEnterprise,
        CommunePeoplesCommittee,
        Enterprise,
        Organisation,
        CommunePeoplesCommittee,
        Citizen,
        ProvincialDepartment,
        CommunePeoplesCommittee,
        Enterprise,
        CommunePeoplesCommittee,
    ]
};

/// The agreements of the base province, which every larger province contains unchanged.
pub const BASE: usize = 100;

/// Generates a province with `agreements` sharing agreements, deterministically from `seed`.
///
/// A larger province is the base province of [`BASE`] agreements plus `agreements - BASE`
/// more, among agencies of their own (sharing only the provincial focal point): the base
/// requests decide the same way in every size, so their cost measures the size alone.
pub fn province(agreements: usize, seed: u64) -> Province {
    let mut rng = Rng::new(seed);
    let base = generate(agreements.min(BASE), &mut rng, "");
    let base_requests = requests(&base, &mut rng, 256);
    if agreements <= BASE {
        let mut province = Province {
            requests: base_requests.clone(),
            base_requests,
            data: base,
            suspensions: Vec::new(),
            restorations: Vec::new(),
            catalog: Vec::new(),
        };
        acts(&mut province, seed ^ agreements as u64);
        return province;
    }
    let mut rng = Rng::new(seed ^ agreements as u64);
    let extra = generate(agreements - BASE, &mut rng, "x-");
    let mut data = base;
    let focal = data.agencies[0].id.clone();
    data.agencies
        .extend(extra.agencies.into_iter().filter(|a| a.id != focal));
    data.databases.extend(extra.databases);
    data.datasets.extend(extra.datasets);
    data.accounts.extend(extra.accounts);
    data.agreements.extend(extra.agreements);
    data.violations.extend(extra.violations);
    let requests = requests(&data, &mut rng, 256);
    let mut province = Province {
        data,
        requests,
        base_requests,
        suspensions: Vec::new(),
        restorations: Vec::new(),
        catalog: Vec::new(),
    };
    acts(&mut province, seed ^ agreements as u64);
    province
}

/// Draws the suspension, restoration and catalog pools, from a generator of their own so
/// the worlds and the access requests stay exactly what they were.
fn acts(province: &mut Province, seed: u64) {
    let mut rng = Rng::new(seed ^ 0x00AC_7500_0000_0001);
    let data = &province.data;
    province.suspensions = suspensions(data, &mut rng, ACT_REQUESTS);
    province.restorations = restorations(data, &mut rng, ACT_REQUESTS);
    province.catalog = catalog(data, &mut rng, ACT_REQUESTS);
}

/// `count` suspension requests: 70 % the provider of the violation's agreement relying on
/// it (sometimes before the violation is determined), 10 % under another agreement of the
/// violator, 10 % without grounds, 10 % asked by the consumer itself; a fifth read the
/// one-day notice as 24 hours.
fn suspensions(data: &WorldData, rng: &mut Rng, count: usize) -> Vec<SuspensionRequest> {
    use std::collections::HashMap;
    let by_id: HashMap<&AgreementId, &SharingAgreement> =
        data.agreements.iter().map(|g| (&g.id, g)).collect();
    let mut of_consumer: HashMap<&AgencyId, Vec<&SharingAgreement>> = HashMap::new();
    for g in &data.agreements {
        of_consumer.entry(&g.consumer).or_default().push(g);
    }
    (0..count)
        .map(|_| {
            let v = rng.pick(&data.violations);
            let g = v
                .agreement
                .as_ref()
                .and_then(|id| by_id.get(id).copied())
                .unwrap_or_else(|| rng.pick(&data.agreements));
            let from = v.determined_at.unwrap_or(v.recorded_at);
            // Never before the pack comes into force (2024-03-05), where no rule decides.
            let at = (from + Duration::minutes(rng.below(72 * 60) as i64 - 6 * 60)).max(instant(
                date(2024, 3, 5),
                0,
                8 * 3600,
            ));
            let mut r = match rng.weighted(&[(70, 0), (10, 1), (10, 2), (10, 3)]) {
                0 => {
                    SuspensionRequest::new(g.provider.clone(), g.id.clone(), Some(v.id.clone()), at)
                }
                1 => {
                    let h = of_consumer.get(&v.violator).map_or(g, |gs| *rng.pick(gs));
                    SuspensionRequest::new(h.provider.clone(), h.id.clone(), Some(v.id.clone()), at)
                }
                2 => SuspensionRequest::new(g.provider.clone(), g.id.clone(), None, at),
                _ => {
                    SuspensionRequest::new(g.consumer.clone(), g.id.clone(), Some(v.id.clone()), at)
                }
            };
            if rng.chance(20) {
                r.reading = DayReading::TwentyFourHours;
            }
            r
        })
        .collect()
}

/// `count` restoration requests: 60 % on suspended agreements, 90 % by the provider, the
/// requirements met in 70 %.
fn restorations(data: &WorldData, rng: &mut Rng, count: usize) -> Vec<RestorationRequest> {
    let suspended: Vec<&SharingAgreement> = data
        .agreements
        .iter()
        .filter(|g| g.status == AgreementStatus::Suspended)
        .collect();
    (0..count)
        .map(|_| {
            let g = if !suspended.is_empty() && rng.chance(60) {
                *rng.pick(&suspended)
            } else {
                rng.pick(&data.agreements)
            };
            let provider = if rng.chance(90) {
                g.provider.clone()
            } else {
                g.consumer.clone()
            };
            RestorationRequest {
                provider,
                agreement: g.id.clone(),
                requirements_met: rng.chance(70),
                at: instant(
                    date(2024, 3, 5),
                    rng.below(480) as i64,
                    rng.below(86_400) as i64,
                ),
            }
        })
        .collect()
}

/// `count` catalog proposals on the province's databases: 85 % by the database's manager;
/// each dossier item present in 85 % of additions (master data in 60 %), each withdrawal
/// item in 70 %.
fn catalog(
    data: &WorldData,
    rng: &mut Rng,
    count: usize,
) -> Vec<(CatalogProposal, DateTime<FixedOffset>)> {
    (0..count)
        .map(|_| {
            let d = rng.pick(&data.databases);
            let proposer = if rng.chance(85) {
                d.manager.clone()
            } else {
                rng.pick(&data.agencies).id.clone()
            };
            let at = instant(
                date(2024, 3, 5),
                rng.below(480) as i64,
                rng.below(86_400) as i64,
            );
            let item = |rng: &mut Rng, percent: u64, text: &str| {
                rng.chance(percent).then(|| text.to_owned())
            };
            let proposal = if rng.chance(70) {
                let dossier = AdditionDossier {
                    name: item(rng, 85, &d.name),
                    managing_unit: item(rng, 85, "Phòng Công nghệ thông tin"),
                    objective: item(rng, 85, "Phục vụ giải quyết thủ tục hành chính"),
                    data_scope: item(rng, 85, "Toàn tỉnh"),
                    master_data: if rng.chance(60) {
                        vec![rng.pick(&data.master_data).id.clone()]
                    } else {
                        Vec::new()
                    },
                    users_and_purposes: item(rng, 85, "Các sở, ngành, địa phương"),
                    sources: item(rng, 85, "Số hóa hồ sơ"),
                    sharing_methods: if rng.chance(85) {
                        vec![SharingMethod::OnlineConnection]
                    } else {
                        Vec::new()
                    },
                    legal_value_basis: item(rng, 85, "Nghị định 47/2020/NĐ-CP"),
                    administrative_procedures: if rng.chance(85) {
                        vec!["1.004227".to_owned()]
                    } else {
                        Vec::new()
                    },
                };
                CatalogProposal::addition(proposer, d.id.clone(), dossier)
            } else {
                let dossier = WithdrawalDossier {
                    replacement: rng.chance(70).then(|| Replacement {
                        data: "csdl-thay-the".to_owned(),
                        provider: "so-tttt".to_owned(),
                    }),
                    master_data_reference: item(rng, 70, "Bộ Công an"),
                    replacement_procedures: if rng.chance(70) {
                        vec!["1.004227".to_owned()]
                    } else {
                        Vec::new()
                    },
                };
                CatalogProposal::withdrawal(proposer, d.id.clone(), dossier)
            };
            (proposal, at)
        })
        .collect()
}

/// One province of `agreements` agreements; every id but the focal point's starts with `ids`.
fn generate(agreements: usize, rng: &mut Rng, ids: &str) -> WorldData {
    let n = agreements;
    let n_agencies = (n / 25).max(60);
    let n_databases = (n / 50).max(12);
    let n_datasets = (n / 5).max(60);
    let n_accounts = (n / 10).max(30);
    let n_violations = (n / 100).max(1);

    // Agencies.
    let mut agencies = Vec::with_capacity(n_agencies);
    agencies.push(Agency::new(
        "so-tttt".parse().unwrap(),
        "Sở Thông tin và Truyền thông",
        AgencyKind::InformationAndCommunications,
    ));
    agencies.push(Agency::new(
        format!("{ids}ubnd-tinh").parse().unwrap(),
        "Ủy ban nhân dân tỉnh",
        AgencyKind::ProvincialPeoplesCommittee,
    ));
    for i in 2..n_agencies {
        let kind = KIND_PATTERN[(i - 2) % KIND_PATTERN.len()];
        let prefix = match kind {
            AgencyKind::ProvincialDepartment => "so",
            AgencyKind::DistrictPeoplesCommittee => "ubnd-huyen",
            AgencyKind::CommunePeoplesCommittee => "ubnd-xa",
            AgencyKind::ExternalStateAgency => "bo",
            AgencyKind::StateEnterprise => "dnnn",
            AgencyKind::Organisation => "to-chuc",
            AgencyKind::Enterprise => "dn",
            _ => "cd",
        };
        agencies.push(Agency::new(
            format!("{ids}{prefix}-{i:05}").parse().unwrap(),
            format!("{prefix} {i}"),
            kind,
        ));
    }
    let of_kinds = |kinds: &[AgencyKind]| -> Vec<usize> {
        (0..agencies.len())
            .filter(|&i| kinds.contains(&agencies[i].kind))
            .collect()
    };
    let departments = of_kinds(&[
        AgencyKind::ProvincialDepartment,
        AgencyKind::ProvincialPeoplesCommittee,
        AgencyKind::InformationAndCommunications,
    ]);
    let districts = of_kinds(&[AgencyKind::DistrictPeoplesCommittee]);
    let communes = of_kinds(&[AgencyKind::CommunePeoplesCommittee]);
    let state: Vec<usize> = (0..agencies.len())
        .filter(|&i| agencies[i].kind.is_state_administrative())
        .collect();

    // Master data.
    let master_data = vec![
        MasterData {
            id: "md.cong-dan".parse().unwrap(),
            subject: "công dân".into(),
            reference: MasterDataReference::Ministry {
                name: "Bộ Công an".into(),
            },
        },
        MasterData {
            id: "md.thua-dat".parse().unwrap(),
            subject: "thửa đất".into(),
            reference: MasterDataReference::ProvincialPeoplesCommittee,
        },
    ];

    // Databases: half managed by departments, a fifth by districts, the rest by communes.
    let mut databases = Vec::with_capacity(n_databases);
    let mut db_manager = Vec::with_capacity(n_databases);
    for i in 0..n_databases {
        let pool = match rng.weighted(&[(50, 0), (20, 1), (30, 2)]) {
            1 if !districts.is_empty() => &districts,
            2 if !communes.is_empty() => &communes,
            _ => &departments,
        };
        let manager = *rng.pick(pool);
        db_manager.push(manager);
        databases.push(Database {
            id: format!("{ids}csdl-{i:05}").parse().unwrap(),
            name: format!("Cơ sở dữ liệu {i}"),
            manager: agencies[manager].id.clone(),
            catalog: rng.weighted(&[
                (50, CatalogMembership::Shared),
                (35, CatalogMembership::Specialised),
                (15, CatalogMembership::None),
            ]),
            hosting: if rng.chance(70) {
                Hosting::ProvincialDataCentre
            } else {
                Hosting::Elsewhere
            },
            master_data: if rng.chance(30) {
                vec![master_data[rng.below(master_data.len())].id.clone()]
            } else {
                Vec::new()
            },
            last_evaluated: rng
                .chance(85)
                .then(|| date(2023, 3, 1) + Duration::days(rng.below(600) as i64)),
            open_data_catalog_published: None,
            open_data_updated: None,
            log_retention_months: None,
            territory: None,
        });
    }

    // Datasets, spread over the databases; the first dataset of each database is placed
    // round-robin so every database holds at least one.
    let mut datasets = Vec::with_capacity(n_datasets);
    let mut by_manager: Vec<Vec<usize>> = vec![Vec::new(); agencies.len()];
    for i in 0..n_datasets {
        let db = if i < n_databases {
            i
        } else {
            rng.below(n_databases)
        };
        by_manager[db_manager[db]].push(i);
        datasets.push(Dataset {
            id: format!("{ids}ds-{i:06}").parse().unwrap(),
            name: format!("Bộ dữ liệu {i}"),
            database: databases[db].id.clone(),
            class: rng.weighted(&[
                (40, DataClass::Shared),
                (10, DataClass::Restricted),
                (20, DataClass::Open),
                (15, DataClass::Public),
                (5, DataClass::StateSecret),
                (5, DataClass::Internal),
                (5, DataClass::Temporary),
            ]),
            personal_data: rng.chance(30),
            published: rng
                .chance(92)
                .then(|| date(2023, 1, 1) + Duration::days(rng.below(700) as i64)),
        });
    }
    let providers: Vec<usize> = (0..agencies.len())
        .filter(|&a| !by_manager[a].is_empty())
        .collect();

    // Agreements: a state agency receives data from a provider. Most pairs of agencies
    // have one agreement; one in seven agreements renews an earlier one (same parties and
    // data, a new term from the old one's end), so a pair has two — in every size.
    let mut agreements_v: Vec<SharingAgreement> = Vec::with_capacity(n);
    let mut pairs: std::collections::HashSet<(usize, usize)> = std::collections::HashSet::new();
    let mut pair_of: Vec<(usize, usize)> = Vec::with_capacity(n);
    for i in 0..n {
        let renewal = i > 0 && rng.chance(14);
        let (provider, consumer, ds, start) = if renewal {
            let j = rng.below(agreements_v.len());
            let old = &agreements_v[j];
            let start = old.term.end.unwrap_or(old.term.start + Duration::days(365));
            (pair_of[j].0, pair_of[j].1, old.datasets.clone(), start)
        } else {
            let mut pick = || {
                let provider = *rng.pick(&providers);
                let consumer = *rng.pick(&state);
                (provider, consumer)
            };
            let mut pair = pick();
            for _ in 0..16 {
                if pair.0 != pair.1 && !pairs.contains(&pair) {
                    break;
                }
                pair = pick();
            }
            let (provider, mut consumer) = pair;
            if consumer == provider {
                let k = state.iter().position(|&s| s == provider).unwrap();
                consumer = state[(k + 1) % state.len()];
            }
            let own = &by_manager[provider];
            let k = 1 + rng.below(4.min(own.len()));
            let mut ds: Vec<_> = (0..k)
                .map(|_| datasets[*rng.pick(own)].id.clone())
                .collect();
            ds.sort();
            ds.dedup();
            let start = instant(date(2023, 6, 1), rng.below(700) as i64, 0);
            (provider, consumer, ds, start)
        };
        pairs.insert((provider, consumer));
        pair_of.push((provider, consumer));
        let purposes: Vec<Purpose> = (0..1 + rng.below(3))
            .map(|_| rng.pick(&PURPOSES).parse().unwrap())
            .collect();
        let mut methods = vec![SharingMethod::OnlineConnection];
        if rng.chance(40) {
            methods.push(SharingMethod::Package);
        }
        if rng.chance(20) {
            methods.push(SharingMethod::Synchronisation);
        }
        if rng.chance(10) {
            methods.remove(0);
            if methods.is_empty() {
                methods.push(SharingMethod::Package);
            }
        }
        let end = (renewal || rng.chance(70))
            .then(|| start + Duration::days(365 + rng.below(730) as i64));
        agreements_v.push(SharingAgreement {
            id: format!("{ids}agr-{i:06}").parse().unwrap(),
            provider: agencies[provider].id.clone(),
            consumer: agencies[consumer].id.clone(),
            datasets: ds,
            purposes,
            methods,
            term: Term { start, end },
            status: rng.weighted(&[
                (88, AgreementStatus::Active),
                (8, AgreementStatus::Suspended),
                (4, AgreementStatus::Terminated),
            ]),
        });
    }

    // Accounts: most held by a consumer of some agreement, issued by the focal point or
    // by that agreement's provider; a few by other parties (citizens, enterprises).
    let mut accounts = Vec::with_capacity(n_accounts);
    for i in 0..n_accounts {
        let (holder, issuer) = if rng.chance(75) {
            let g = rng.pick(&agreements_v);
            let issuer = if rng.chance(60) {
                agencies[0].id.clone()
            } else {
                g.provider.clone()
            };
            (g.consumer.clone(), issuer)
        } else {
            let holder = agencies[rng.below(agencies.len())].id.clone();
            let issuer = if rng.chance(80) {
                agencies[0].id.clone()
            } else {
                agencies[*rng.pick(&providers)].id.clone()
            };
            (holder, issuer)
        };
        accounts.push(Account {
            id: format!("{ids}acc-{i:06}").parse().unwrap(),
            holder,
            issuer,
            authentication: rng.weighted(&[
                (5, Authentication::None),
                (45, Authentication::Password),
                (30, Authentication::MultiFactor),
                (20, Authentication::Certificate),
            ]),
        });
    }

    // Violations: parties of agreements.
    let mut violations = Vec::with_capacity(n_violations);
    for i in 0..n_violations {
        let g = rng.pick(&agreements_v);
        let recorded_at = instant(date(2024, 1, 1), rng.below(500) as i64, 36_000);
        violations.push(Violation {
            id: format!("{ids}vp-{i:05}").parse().unwrap(),
            violator: g.consumer.clone(),
            agreement: Some(g.id.clone()),
            kind: *rng.pick(&ViolationKind::ALL),
            recorded_at,
            determined_at: rng.chance(50).then(|| recorded_at + Duration::days(2)),
            description: String::new(),
        });
    }

    let mut data = WorldData::new("VN-32".parse().unwrap());
    data.agencies = agencies;
    data.master_data = master_data;
    data.databases = databases;
    data.datasets = datasets;
    data.accounts = accounts;
    data.agreements = agreements_v;
    data.violations = violations;

    data
}

/// `count` access requests against `data`, between the pack's start (2024-03-05) and the
/// merger (2025-06-30).
fn requests(data: &WorldData, rng: &mut Rng, count: usize) -> Vec<AccessRequest> {
    use std::collections::HashMap;
    let mut accounts_of: HashMap<&lgsp_policy::records::AgencyId, Vec<usize>> = HashMap::new();
    for (i, a) in data.accounts.iter().enumerate() {
        accounts_of.entry(&a.holder).or_default().push(i);
    }
    let open: Vec<usize> = (0..data.datasets.len())
        .filter(|&i| data.datasets[i].class.is_open_or_public())
        .collect();
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let at = instant(
            date(2024, 3, 5),
            rng.below(480) as i64,
            rng.below(86_400) as i64,
        );
        let action = rng.weighted(&[
            (70, Action::Query),
            (20, Action::Download),
            (10, Action::Subscribe),
        ]);
        let mut channel = rng.weighted(&[
            (85, Channel::Lgsp),
            (5, Channel::Portal),
            (5, Channel::NgspLgsp),
            (5, Channel::Direct),
        ]);
        let kind = rng.weighted(&[(60, 0), (25, 1), (15, 2)]);
        let (account, dataset, purpose) = match kind {
            // A consumer under one of its agreements.
            0 => {
                let g = rng.pick(&data.agreements);
                let Some(accs) = accounts_of.get(&g.consumer) else {
                    continue;
                };
                let acc = &data.accounts[*rng.pick(accs)];
                let ds = if rng.chance(92) {
                    rng.pick(&g.datasets).clone()
                } else {
                    data.datasets[rng.below(data.datasets.len())].id.clone()
                };
                let purpose = if rng.chance(92) {
                    rng.pick(&g.purposes).clone()
                } else {
                    rng.pick(&PURPOSES).parse().unwrap()
                };
                let external = data
                    .agencies
                    .iter()
                    .find(|a| a.id == g.consumer)
                    .is_some_and(|a| !a.kind.is_in_province());
                if external && rng.chance(90) {
                    channel = Channel::NgspLgsp;
                }
                (acc.id.clone(), ds, purpose)
            }
            // Open or public data, through the portal or the LGSP.
            1 => {
                let acc = rng.pick(&data.accounts);
                let ds = &data.datasets[*rng.pick(&open)];
                if rng.chance(60) {
                    channel = Channel::Portal;
                }
                (
                    acc.id.clone(),
                    ds.id.clone(),
                    rng.pick(&PURPOSES).parse().unwrap(),
                )
            }
            // Anything.
            _ => (
                rng.pick(&data.accounts).id.clone(),
                data.datasets[rng.below(data.datasets.len())].id.clone(),
                rng.pick(&PURPOSES).parse().unwrap(),
            ),
        };
        let request = AccessRequest::new(account, action, dataset, channel, purpose, at)
            .authenticated(rng.chance(98))
            .subject_requested(rng.chance(20));
        out.push(request);
    }
    out
}

/// Peak and current resident set size of this process, in KiB, from /proc/self/status.
pub fn rss_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}
