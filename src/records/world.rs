//! The world: every agency, database, dataset, account, agreement and violation of a
//! province, checked once and indexed for decisions.

use std::collections::{HashMap, HashSet};

use cedar_policy::{Entities, Entity, EntityUid, RestrictedExpression};
use chrono::{DateTime, FixedOffset, NaiveDate};
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::agency::Agency;
use crate::agreement::SharingAgreement;
use crate::data::{Database, Dataset, MasterData};
use crate::ids::{
    AccountId, AgencyId, AgreementId, DatabaseId, DatasetId, MasterDataId, RefusalId, SuspensionId,
    TerritoryId, ViolationId,
};
use crate::model::{self, Attrs, Model};
use crate::refusal::Refusal;
use crate::suspension::{DatabaseSuspension, Suspension};
use crate::violation::Violation;

/// The plain data of a world, as it is written in JSON. Build a [`World`] from it with
/// [`World::new`]; a `World` serialises back to this form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorldData {
    /// The territory these records belong to (`VN-32` for Phú Yên). The engine picks the
    /// rule pack in force for this territory.
    pub territory: TerritoryId,
    /// Agencies, organisations, enterprises and citizens.
    #[serde(default)]
    pub agencies: Vec<Agency>,
    /// Master data.
    #[serde(default)]
    pub master_data: Vec<MasterData>,
    /// Databases.
    #[serde(default)]
    pub databases: Vec<Database>,
    /// Datasets.
    #[serde(default)]
    pub datasets: Vec<Dataset>,
    /// Accounts.
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// Sharing agreements.
    #[serde(default)]
    pub agreements: Vec<SharingAgreement>,
    /// Violations and suspicions.
    #[serde(default)]
    pub violations: Vec<Violation>,
    /// Suspensions of one consumer, with their notices (QD05/2024 Đ16.2.h).
    #[serde(default)]
    pub suspensions: Vec<Suspension>,
    /// Suspensions of every consumer of a database, with their public notices (ND47/2020
    /// Đ43.1).
    #[serde(default)]
    pub database_suspensions: Vec<DatabaseSuspension>,
    /// Refusals of sharing requests (QD05/2024 Đ16.1.đ).
    #[serde(default)]
    pub refusals: Vec<Refusal>,
}

impl WorldData {
    /// An empty world for a territory.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{World, WorldData};
    /// use lgsp_policy::records::{Agency, AgencyKind};
    ///
    /// let mut data = WorldData::new("VN-32".parse()?);
    /// assert!(data.agencies.is_empty() && data.agreements.is_empty());
    /// data.agencies.push(Agency::new(
    ///     "so-tttt".parse()?, "Sở Thông tin và Truyền thông", AgencyKind::InformationAndCommunications,
    /// ));
    /// let world = World::new(data)?;
    /// assert_eq!(world.provincial_focal_point().map(|a| a.as_str()), Some("so-tttt"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(territory: TerritoryId) -> Self {
        WorldData {
            territory,
            agencies: Vec::new(),
            master_data: Vec::new(),
            databases: Vec::new(),
            datasets: Vec::new(),
            accounts: Vec::new(),
            agreements: Vec::new(),
            violations: Vec::new(),
            suspensions: Vec::new(),
            database_suspensions: Vec::new(),
            refusals: Vec::new(),
        }
    }
}

/// Why a world could not be built. Every variant names the record and the field at fault.
///
/// # Example
///
/// ```
/// use lgsp_policy::{World, WorldData, WorldError};
/// use lgsp_policy::records::{Agency, AgencyKind};
///
/// let mut data = WorldData::new("VN-32".parse()?);
/// let dic = Agency::new("so-tttt".parse()?, "Sở TTTT", AgencyKind::InformationAndCommunications);
/// data.agencies.extend([dic.clone(), dic]);
/// let error = World::new(data).err().ok_or("a world with a repeated id was built")?;
/// let message = match &error {
///     WorldError::DuplicateId { kind, id } => format!("{kind} `{id}` is given twice"),
///     WorldError::DanglingReference { id, field, target, .. } => {
///         format!("`{id}`.{field}: no `{target}`")
///     }
///     WorldError::Json { line, column, .. } => format!("bad JSON at {line}:{column}"),
///     _ => error.to_string(), // the enum is non-exhaustive
/// };
/// assert_eq!(message, "agency `so-tttt` is given twice");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WorldError {
    /// Two records of one kind share an id.
    #[error("duplicate {kind} id `{id}`")]
    DuplicateId {
        /// `agency`, `database`, …
        kind: &'static str,
        /// The repeated id.
        id: String,
    },
    /// A record refers to an id that does not exist.
    #[error("{kind} `{id}`: field `{field}` refers to unknown {target_kind} `{target}`")]
    DanglingReference {
        /// The kind of the referring record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The field holding the reference.
        field: &'static str,
        /// The kind of record expected.
        target_kind: &'static str,
        /// The missing id.
        target: String,
    },
    /// An agreement's term ends at or before it starts.
    #[error(
        "agreement `{agreement}`: field `term.end` ({end}) is not after `term.start` ({start})"
    )]
    TermEndsBeforeStart {
        /// The agreement.
        agreement: AgreementId,
        /// Its start.
        start: DateTime<FixedOffset>,
        /// Its end.
        end: DateTime<FixedOffset>,
    },
    /// An account's issuer provides no data and is not the provincial focal point
    /// (QD05/2024 Đ16.2.e, ND47/2020 Đ40).
    #[error(
        "account `{account}`: field `issuer` names `{issuer}`, which manages no database and is not the provincial focal point"
    )]
    IssuerNotProvider {
        /// The account.
        account: AccountId,
        /// The issuer.
        issuer: AgencyId,
    },
    /// An agreement covers a dataset its provider does not manage.
    #[error(
        "agreement `{agreement}`: field `datasets` lists `{dataset}`, which provider `{provider}` does not manage"
    )]
    DatasetNotFromProvider {
        /// The agreement.
        agreement: AgreementId,
        /// The dataset.
        dataset: DatasetId,
        /// The agreement's provider.
        provider: AgencyId,
    },
    /// An agreement whose provider is its consumer.
    #[error("agreement `{agreement}`: fields `provider` and `consumer` are the same agency")]
    AgreementWithItself {
        /// The agreement.
        agreement: AgreementId,
    },
    /// A list that must not be empty is.
    #[error("{kind} `{id}`: field `{field}` is empty")]
    Empty {
        /// The kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The empty field.
        field: &'static str,
    },
    /// A violation linked to an agreement its violator is not a party to.
    #[error("violation `{violation}`: field `violator` is not a party to agreement `{agreement}`")]
    ViolatorNotParty {
        /// The violation.
        violation: ViolationId,
        /// The agreement.
        agreement: AgreementId,
    },
    /// A violation determined before it was recorded.
    #[error("violation `{violation}`: field `determined_at` is before `recorded_at`")]
    DeterminedBeforeRecorded {
        /// The violation.
        violation: ViolationId,
    },
    /// More than one agency is the provincial focal point (QD05/2024 Đ15.1.a).
    #[error("agencies `{first}` and `{second}` are both the provincial focal point; there is one")]
    SecondFocalPoint {
        /// The first.
        first: AgencyId,
        /// The second.
        second: AgencyId,
    },
    /// A date outside the years 1900–9999.
    #[error("{kind} `{id}`: field `{field}` is outside the years 1900–9999")]
    DateOutOfRange {
        /// The kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The field.
        field: &'static str,
    },
    /// A record names a territory that is neither the world's nor a part of it.
    #[error(
        "{kind} `{id}`: field `territory` is `{territory}`, which is neither the world's territory `{world}` nor one of its parts (`{world}:…`)"
    )]
    TerritoryOutsideWorld {
        /// `agency` or `database`.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The territory it names.
        territory: TerritoryId,
        /// The world's territory.
        world: TerritoryId,
    },
    /// A refusal whose authority was notified before the refusal itself (QD05/2024
    /// Đ16.1.đ: the refusal is notified once made).
    #[error("refusal `{refusal}`: field `notified_at` is before `at`")]
    NotifiedBeforeRefused {
        /// The refusal.
        refusal: RefusalId,
    },
    /// An instant written as a leap second (`23:59:60`). Cedar, and the millisecond
    /// comparisons decisions rest on, have no leap seconds: `…T23:59:60` would be seen as
    /// the last millisecond of the minute while the record means the next instant, so it
    /// is refused; write the next second (`…T00:00:00` of the next minute) instead.
    #[error("{kind} `{id}`: field `{field}` is a leap second (:60); write the next instant")]
    LeapSecond {
        /// The kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The field.
        field: &'static str,
    },
    /// A record says something was restored before it was suspended.
    #[error("{kind} `{id}`: field `restored_at` is before the suspension started")]
    RestoredBeforeSuspended {
        /// `suspension` or `database suspension`.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// An instant with a fraction of a millisecond. Decisions compare times to the
    /// millisecond (Cedar's precision), so a finer time could be misjudged by up to a
    /// millisecond; round it before building the world.
    #[error(
        "{kind} `{id}`: field `{field}` has a fraction of a millisecond; times are compared to the millisecond, so round it"
    )]
    SubMillisecond {
        /// The kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The field.
        field: &'static str,
    },
    /// The JSON text is not a world.
    #[error("world JSON, line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde found.
        message: String,
    },
    /// Converting the world to Cedar entities failed: a bug in this crate.
    #[error("internal error converting the world to Cedar entities (a bug in lgsp-policy): {0}")]
    Internal(String),
}

impl WorldError {
    /// The kind and id of the record at fault, if the error names one (`None` for JSON and
    /// internal errors). A focal point given twice names the second agency.
    pub fn record(&self) -> Option<(&'static str, &str)> {
        Some(match self {
            WorldError::DuplicateId { kind, id }
            | WorldError::DanglingReference { kind, id, .. }
            | WorldError::Empty { kind, id, .. }
            | WorldError::DateOutOfRange { kind, id, .. }
            | WorldError::TerritoryOutsideWorld { kind, id, .. }
            | WorldError::LeapSecond { kind, id, .. }
            | WorldError::RestoredBeforeSuspended { kind, id }
            | WorldError::SubMillisecond { kind, id, .. } => (*kind, id.as_str()),
            WorldError::TermEndsBeforeStart { agreement, .. }
            | WorldError::DatasetNotFromProvider { agreement, .. }
            | WorldError::AgreementWithItself { agreement } => ("agreement", agreement.as_str()),
            WorldError::IssuerNotProvider { account, .. } => ("account", account.as_str()),
            WorldError::ViolatorNotParty { violation, .. }
            | WorldError::DeterminedBeforeRecorded { violation } => {
                ("violation", violation.as_str())
            }
            WorldError::SecondFocalPoint { second, .. } => ("agency", second.as_str()),
            WorldError::NotifiedBeforeRefused { refusal } => ("refusal", refusal.as_str()),
            WorldError::Json { .. } | WorldError::Internal(_) => return None,
        })
    }
}

/// A checked, indexed world. Build it with [`World::new`] or [`World::from_json`]; it is
/// immutable, so decisions taken against it are deterministic, and it is `Send + Sync`.
///
/// # Example
///
/// ```
/// use lgsp_policy::{World, WorldData};
///
/// let world = World::new(WorldData::new("VN-32".parse()?))?;
/// assert_eq!(world.agencies().count(), 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// The lookups by id (`agency`, `database`, `dataset`, `master_data`, `account`,
/// `agreement`, `violation`, `suspension`, `database_suspension`, `refusal`) and the
/// iterators over every record of a kind (`agencies`, `datasets`, …) are plain getters;
/// this example stands for them all:
///
/// ```
/// use lgsp_policy::World;
/// use lgsp_policy::records::DataClass;
///
/// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
/// assert_eq!(world.territory().as_str(), "VN-32");
///
/// let agency = world.agency(&"ubnd-tuy-hoa".parse()?).ok_or("no agency")?;
/// assert_eq!(agency.name, "Ủy ban nhân dân thành phố Tuy Hòa");
/// let dataset = world.dataset(&"dan-cu.nhan-khau".parse()?).ok_or("no dataset")?;
/// assert_eq!((dataset.class, dataset.personal_data), (DataClass::Shared, true));
/// let database = world.database(&dataset.database).ok_or("no database")?;
/// assert_eq!(database.manager.as_str(), "so-tp");
/// let account = world.account(&"acc.tuy-hoa.dan-cu".parse()?).ok_or("no account")?;
/// assert_eq!(account.holder, agency.id);
/// let agreement = world.agreement(&"agr.tp.tuy-hoa".parse()?).ok_or("no agreement")?;
/// assert!(agreement.datasets.contains(&dataset.id));
/// let violation = world.violation(&"vp.2024.001".parse()?).ok_or("no violation")?;
/// assert_eq!(violation.violator.as_str(), "so-tnmt");
/// assert!(world.master_data(&"md.cong-dan".parse()?).is_some());
/// assert!(world.agency(&"nobody".parse()?).is_none()); // an unknown id is `None`
///
/// assert_eq!(world.agencies().count(), 11);
/// assert_eq!(world.datasets().count(), 11);
/// assert_eq!(world.databases().count(), 3);
/// assert_eq!(world.accounts().count(), 9);
/// assert_eq!(world.agreements().count(), 5);
/// assert_eq!(world.violations().count(), 2);
/// // This world records no suspension and no refusal yet.
/// assert_eq!(world.suspensions().count() + world.database_suspensions().count(), 0);
/// assert_eq!(world.refusals().count(), 0);
/// assert!(world.suspension(&"ts-2024-001".parse()?).is_none());
/// assert!(world.database_suspension(&"ts-2024-001".parse()?).is_none());
/// assert!(world.refusal(&"tc-2024-001".parse()?).is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct World {
    pub(crate) territory: TerritoryId,
    pub(crate) agencies: IndexMap<AgencyId, Agency>,
    pub(crate) master_data: IndexMap<MasterDataId, MasterData>,
    pub(crate) databases: IndexMap<DatabaseId, Database>,
    pub(crate) datasets: IndexMap<DatasetId, Dataset>,
    pub(crate) accounts: IndexMap<AccountId, Account>,
    pub(crate) agreements: IndexMap<AgreementId, SharingAgreement>,
    pub(crate) violations: IndexMap<ViolationId, Violation>,
    pub(crate) suspensions: IndexMap<SuspensionId, Suspension>,
    pub(crate) database_suspensions: IndexMap<SuspensionId, DatabaseSuspension>,
    pub(crate) refusals: IndexMap<RefusalId, Refusal>,
    /// (consumer index, provider index) → agreement indexes, sorted by agreement id.
    pub(crate) agreements_by_pair: HashMap<(usize, usize), Vec<usize>>,
    /// Per account index: its holder's agency index (decisions hash no ids but the
    /// request's own two).
    pub(crate) account_holder: Vec<Option<usize>>,
    /// Per dataset index: its provider's agency index (the manager of its database).
    pub(crate) dataset_provider: Vec<Option<usize>>,
    /// The legal territories of the world's records, the world's own first; each once.
    pub(crate) territories: Vec<TerritoryId>,
    /// Per agency index: the index of its territory in `territories`.
    pub(crate) agency_territory: Vec<usize>,
    /// Per database index: the index of its territory in `territories` (its own, else its
    /// manager's, else the world's).
    pub(crate) database_territory: Vec<usize>,
    /// Per dataset index: its database's territory index, for the access path.
    pub(crate) dataset_territory: Vec<usize>,
    /// Per agreement index: the territory index of its data ([`Place::Agreement`]).
    pub(crate) agreement_territory: Vec<usize>,
    /// The provincial focal point, if recorded.
    pub(crate) focal_point: Option<AgencyId>,
    pub(crate) cedar: CedarWorld,
    /// Where this snapshot stands among those applied from the same world
    /// ([`World::apply`]).
    pub(crate) history: crate::records::change::History,
}

/// The world as Cedar sees it: one entity store, and the uids of requests' parts.
#[derive(Debug, Clone)]
pub(crate) struct CedarWorld {
    pub model: Model,
    pub entities: Entities,
    pub account_uids: Vec<EntityUid>,
    pub dataset_uids: Vec<EntityUid>,
    pub agreement_uids: Vec<EntityUid>,
    #[allow(dead_code, reason = "lifecycle requests name violations")]
    pub violation_uids: Vec<EntityUid>,
    #[allow(
        dead_code,
        reason = "lifecycle and catalog requests name agencies as principals"
    )]
    pub agency_uids: Vec<EntityUid>,
    #[allow(dead_code, reason = "catalog requests name databases as resources")]
    pub database_uids: Vec<EntityUid>,
    /// Per dataset: its publication, an instant its access decisions depend on.
    pub dataset_times: Vec<Vec<DateTime<FixedOffset>>>,
    /// Per dataset: the day its database was last evaluated. The engine counts the year
    /// it covers with its calendar into each access request's context
    /// (`context.evaluatedUntil`, the count the duties report uses).
    pub dataset_last_evaluated: Vec<Option<NaiveDate>>,
}

fn index<K, V>(
    kind: &'static str,
    items: Vec<V>,
    key: impl Fn(&V) -> &K,
) -> Result<IndexMap<K, V>, WorldError>
where
    K: Clone + Eq + std::hash::Hash + AsRef<str>,
{
    let mut map = IndexMap::with_capacity(items.len());
    for item in items {
        let k = key(&item).clone();
        if map.contains_key(&k) {
            return Err(WorldError::DuplicateId {
                kind,
                id: k.as_ref().to_owned(),
            });
        }
        map.insert(k, item);
    }
    Ok(map)
}

fn dangling(
    kind: &'static str,
    id: &str,
    field: &'static str,
    target_kind: &'static str,
    target: &str,
) -> WorldError {
    WorldError::DanglingReference {
        kind,
        id: id.to_owned(),
        field,
        target_kind,
        target: target.to_owned(),
    }
}

/// What a question is about, for choosing the pack by the territory of its data.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Place<'a> {
    /// An access request: the dataset's database.
    Dataset(&'a DatasetId),
    /// A catalog proposal or a database suspension: the database.
    Database(&'a DatabaseId),
    /// An agency's own act or record (a refusal without a dataset).
    Agency(&'a AgencyId),
    /// A lifecycle act on an agreement, or a suspension of it: the territory of its
    /// datasets' databases, or its provider's when they lie in several.
    Agreement(&'a AgreementId),
}

/// The distinct territories of the records (the world's first), and the index of each
/// agency's and database's. A record may name the world's territory or one of its parts,
/// `<world>:<part>` (see `docs/TERRITORIES.md`).
#[allow(clippy::type_complexity)]
fn record_territories(
    world: &TerritoryId,
    agencies: &IndexMap<AgencyId, Agency>,
    databases: &IndexMap<DatabaseId, Database>,
) -> Result<(Vec<TerritoryId>, Vec<usize>, Vec<usize>), WorldError> {
    let mut territories = vec![world.clone()];
    let mut index_of = |kind: &'static str, id: &str, t: &Option<TerritoryId>| {
        let Some(t) = t else { return Ok(None) };
        let part = t
            .as_str()
            .strip_prefix(world.as_str())
            .is_some_and(|rest| rest.is_empty() || (rest.len() > 1 && rest.starts_with(':')));
        if !part {
            return Err(WorldError::TerritoryOutsideWorld {
                kind,
                id: id.to_owned(),
                territory: t.clone(),
                world: world.clone(),
            });
        }
        Ok(Some(
            match territories.iter().position(|known| known == t) {
                Some(i) => i,
                None => {
                    territories.push(t.clone());
                    territories.len() - 1
                }
            },
        ))
    };
    let mut agency_territory = Vec::with_capacity(agencies.len());
    for a in agencies.values() {
        agency_territory.push(index_of("agency", a.id.as_str(), &a.territory)?.unwrap_or(0));
    }
    let mut database_territory = Vec::with_capacity(databases.len());
    for d in databases.values() {
        let own = index_of("database", d.id.as_str(), &d.territory)?;
        let manager = agencies
            .get_index_of(&d.manager)
            .and_then(|i| agency_territory.get(i).copied());
        database_territory.push(own.or(manager).unwrap_or(0));
    }
    Ok((territories, agency_territory, database_territory))
}

fn check_date(
    kind: &'static str,
    id: &str,
    field: &'static str,
    at: DateTime<FixedOffset>,
) -> Result<(), WorldError> {
    if model::is_leap_second(at) {
        return Err(WorldError::LeapSecond {
            kind,
            id: id.to_owned(),
            field,
        });
    }
    if !model::in_cedar_range(at) {
        return Err(WorldError::DateOutOfRange {
            kind,
            id: id.to_owned(),
            field,
        });
    }
    if !at.timestamp_subsec_nanos().is_multiple_of(1_000_000) {
        return Err(WorldError::SubMillisecond {
            kind,
            id: id.to_owned(),
            field,
        });
    }
    Ok(())
}

fn check_naive(
    kind: &'static str,
    id: &str,
    field: &'static str,
    date: chrono::NaiveDate,
) -> Result<(), WorldError> {
    use chrono::Datelike;
    // One year of margin at the top, so the evaluation expiry stays in range.
    if (1900..=9998).contains(&date.year()) {
        Ok(())
    } else {
        Err(WorldError::DateOutOfRange {
            kind,
            id: id.to_owned(),
            field,
        })
    }
}

impl World {
    /// Checks and indexes a world.
    ///
    /// # Errors
    ///
    /// A [`WorldError`] naming the record and field at fault: duplicate ids, references to
    /// unknown ids, an agreement whose term ends before it starts or that covers data its
    /// provider does not manage, an account issued by an agency that provides no data, dates
    /// outside 1900–9999, and so on. Nothing is half-built: on error there is no world.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{World, WorldData, WorldError};
    /// use lgsp_policy::records::{Account, Authentication};
    ///
    /// let mut data = WorldData::new("VN-32".parse()?);
    /// data.accounts.push(Account {
    ///     id: "acc-1".parse()?,
    ///     holder: "nobody".parse()?,
    ///     issuer: "nobody".parse()?,
    ///     authentication: Authentication::Password,
    /// });
    /// let err = World::new(data).unwrap_err();
    /// assert!(matches!(err, WorldError::DanglingReference { field: "holder", .. }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(data: WorldData) -> Result<World, WorldError> {
        let WorldData {
            territory,
            agencies,
            master_data,
            databases,
            datasets,
            accounts,
            agreements,
            violations,
            suspensions,
            database_suspensions,
            refusals,
        } = data;
        let agencies = index("agency", agencies, |a: &Agency| &a.id)?;
        let master_data = index("master data", master_data, |m: &MasterData| &m.id)?;
        let databases = index("database", databases, |d: &Database| &d.id)?;
        let datasets = index("dataset", datasets, |d: &Dataset| &d.id)?;
        let accounts = index("account", accounts, |a: &Account| &a.id)?;
        let mut agreements = index("agreement", agreements, |a: &SharingAgreement| &a.id)?;
        let violations = index("violation", violations, |v: &Violation| &v.id)?;
        let suspensions = index("suspension", suspensions, |s: &Suspension| &s.id)?;
        let database_suspensions = index(
            "database suspension",
            database_suspensions,
            |s: &DatabaseSuspension| &s.id,
        )?;
        let refusals = index("refusal", refusals, |r: &Refusal| &r.id)?;

        let mut focal_point: Option<AgencyId> = None;
        for a in agencies.values() {
            if a.kind.is_provincial_focal_point() {
                if let Some(first) = &focal_point {
                    return Err(WorldError::SecondFocalPoint {
                        first: first.clone(),
                        second: a.id.clone(),
                    });
                }
                focal_point = Some(a.id.clone());
            }
        }
        let mut providers: HashSet<&AgencyId> = HashSet::new();
        for d in databases.values() {
            if !agencies.contains_key(&d.manager) {
                return Err(dangling(
                    "database",
                    d.id.as_str(),
                    "manager",
                    "agency",
                    d.manager.as_str(),
                ));
            }
            for m in &d.master_data {
                if !master_data.contains_key(m) {
                    return Err(dangling(
                        "database",
                        d.id.as_str(),
                        "master_data",
                        "master data",
                        m.as_str(),
                    ));
                }
            }
            if let Some(date) = d.last_evaluated {
                check_naive("database", d.id.as_str(), "last_evaluated", date)?;
            }
            for (field, date) in [
                ("open_data_catalog_published", d.open_data_catalog_published),
                ("open_data_updated", d.open_data_updated),
            ] {
                if let Some(date) = date {
                    check_naive("database", d.id.as_str(), field, date)?;
                }
            }
            providers.insert(&d.manager);
        }
        for s in datasets.values() {
            if !databases.contains_key(&s.database) {
                return Err(dangling(
                    "dataset",
                    s.id.as_str(),
                    "database",
                    "database",
                    s.database.as_str(),
                ));
            }
            if let Some(date) = s.published {
                check_naive("dataset", s.id.as_str(), "published", date)?;
            }
        }
        for a in accounts.values() {
            if !agencies.contains_key(&a.holder) {
                return Err(dangling(
                    "account",
                    a.id.as_str(),
                    "holder",
                    "agency",
                    a.holder.as_str(),
                ));
            }
            let issuer = agencies.get(&a.issuer).ok_or_else(|| {
                dangling(
                    "account",
                    a.id.as_str(),
                    "issuer",
                    "agency",
                    a.issuer.as_str(),
                )
            })?;
            if !providers.contains(&a.issuer) && !issuer.kind.is_provincial_focal_point() {
                return Err(WorldError::IssuerNotProvider {
                    account: a.id.clone(),
                    issuer: a.issuer.clone(),
                });
            }
        }
        for g in agreements.values_mut() {
            let id = g.id.as_str();
            for (field, party) in [("provider", &g.provider), ("consumer", &g.consumer)] {
                if !agencies.contains_key(party) {
                    return Err(dangling("agreement", id, field, "agency", party.as_str()));
                }
            }
            if g.provider == g.consumer {
                return Err(WorldError::AgreementWithItself {
                    agreement: g.id.clone(),
                });
            }
            for (field, empty) in [
                ("datasets", g.datasets.is_empty()),
                ("purposes", g.purposes.is_empty()),
                ("methods", g.methods.is_empty()),
            ] {
                if empty {
                    return Err(WorldError::Empty {
                        kind: "agreement",
                        id: id.to_owned(),
                        field,
                    });
                }
            }
            for ds in &g.datasets {
                let dataset = datasets
                    .get(ds)
                    .ok_or_else(|| dangling("agreement", id, "datasets", "dataset", ds.as_str()))?;
                let manages = databases
                    .get(&dataset.database)
                    .is_some_and(|db| db.manager == g.provider);
                if !manages {
                    return Err(WorldError::DatasetNotFromProvider {
                        agreement: g.id.clone(),
                        dataset: ds.clone(),
                        provider: g.provider.clone(),
                    });
                }
            }
            check_date("agreement", id, "term.start", g.term.start)?;
            if let Some(end) = g.term.end {
                check_date("agreement", id, "term.end", end)?;
                if end <= g.term.start {
                    return Err(WorldError::TermEndsBeforeStart {
                        agreement: g.id.clone(),
                        start: g.term.start,
                        end,
                    });
                }
            }
            // Sets: order and repetition carry no meaning; keep one canonical form.
            g.datasets.sort();
            g.datasets.dedup();
            g.purposes.sort();
            g.purposes.dedup();
            g.methods.sort();
            g.methods.dedup();
        }
        for v in violations.values() {
            let id = v.id.as_str();
            if !agencies.contains_key(&v.violator) {
                return Err(dangling(
                    "violation",
                    id,
                    "violator",
                    "agency",
                    v.violator.as_str(),
                ));
            }
            if let Some(agreement) = &v.agreement {
                let g = agreements.get(agreement).ok_or_else(|| {
                    dangling(
                        "violation",
                        id,
                        "agreement",
                        "agreement",
                        agreement.as_str(),
                    )
                })?;
                if g.consumer != v.violator && g.provider != v.violator {
                    return Err(WorldError::ViolatorNotParty {
                        violation: v.id.clone(),
                        agreement: agreement.clone(),
                    });
                }
            }
            check_date("violation", id, "recorded_at", v.recorded_at)?;
            if let Some(determined) = v.determined_at {
                check_date("violation", id, "determined_at", determined)?;
                if determined < v.recorded_at {
                    return Err(WorldError::DeterminedBeforeRecorded {
                        violation: v.id.clone(),
                    });
                }
            }
        }

        check_lifecycle_records(
            &Known {
                agencies: &agencies,
                databases: &databases,
                datasets: &datasets,
                agreements: &agreements,
                violations: &violations,
            },
            &suspensions,
            &database_suspensions,
            &refusals,
        )?;

        // Indexes do not depend on the order records were given in.
        agreements.sort_unstable_keys();
        let mut agreements_by_pair: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
        for (i, g) in agreements.values().enumerate() {
            if let (Some(c), Some(p)) = (
                agencies.get_index_of(&g.consumer),
                agencies.get_index_of(&g.provider),
            ) {
                agreements_by_pair.entry((c, p)).or_default().push(i);
            }
        }

        let account_holder = accounts
            .values()
            .map(|a| agencies.get_index_of(&a.holder))
            .collect();
        let dataset_provider = datasets
            .values()
            .map(|s| {
                databases
                    .get(&s.database)
                    .and_then(|db| agencies.get_index_of(&db.manager))
            })
            .collect();

        let (territories, agency_territory, database_territory) =
            record_territories(&territory, &agencies, &databases)?;
        let dataset_territory: Vec<usize> = datasets
            .values()
            .map(|s| {
                databases
                    .get_index_of(&s.database)
                    .and_then(|i| database_territory.get(i).copied())
                    .unwrap_or(0)
            })
            .collect();
        // An agreement's: the territory of its data; its provider's if the data lie in
        // several.
        let agreement_territory = agreements
            .values()
            .map(|g| {
                let mut data = g.datasets.iter().map(|s| {
                    datasets
                        .get_index_of(s)
                        .and_then(|i| dataset_territory.get(i).copied())
                });
                let first = data.next().flatten();
                match first {
                    Some(t) if data.all(|other| other == Some(t)) => t,
                    _ => agencies
                        .get_index_of(&g.provider)
                        .and_then(|i| agency_territory.get(i).copied())
                        .unwrap_or(0),
                }
            })
            .collect();

        let mut world = World {
            territory,
            agencies,
            master_data,
            databases,
            datasets,
            accounts,
            agreements,
            violations,
            suspensions,
            database_suspensions,
            refusals,
            agreements_by_pair,
            account_holder,
            dataset_provider,
            territories,
            agency_territory,
            database_territory,
            dataset_territory,
            agreement_territory,
            focal_point,
            cedar: CedarWorld::placeholder()?,
            history: crate::records::change::History::new(),
        };
        world.cedar = CedarWorld::build(&world)?;
        Ok(world)
    }

    /// Parses a world from JSON (the [`WorldData`] form) and checks it.
    ///
    /// # Errors
    ///
    /// [`WorldError::Json`] with line and column when the text is not a world's JSON (wrong
    /// types, unknown fields, malformed ids or dates), then any error of [`World::new`].
    ///
    /// # Example
    ///
    /// ```
    /// let err = lgsp_policy::World::from_json(r#"{"territory": "VN-32", "agencies": 3}"#).unwrap_err();
    /// assert!(err.to_string().contains("line 1"));
    /// ```
    pub fn from_json(json: &str) -> Result<World, WorldError> {
        let data: WorldData = serde_json::from_str(json).map_err(|e| WorldError::Json {
            line: e.line().max(1),
            column: crate::text::json_column(&e),
            message: e.to_string(),
        })?;
        World::new(data)
    }

    /// The world's plain data, in a canonical order (by id within each kind), whatever
    /// order it was built from.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::World;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let data = world.to_data();
    /// assert_eq!(data.agencies.len(), 11);
    /// assert!(data.agencies.windows(2).all(|w| w[0].id < w[1].id)); // by id
    /// // Building a world again from its data gives the same data.
    /// assert_eq!(World::new(data.clone())?.to_data(), data);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_data(&self) -> WorldData {
        fn sorted<K: Ord + Clone, V: Clone>(m: &IndexMap<K, V>) -> Vec<V> {
            let mut pairs: Vec<(&K, &V)> = m.iter().collect();
            pairs.sort_by(|a, b| a.0.cmp(b.0));
            pairs.into_iter().map(|(_, v)| v.clone()).collect()
        }
        WorldData {
            territory: self.territory.clone(),
            agencies: sorted(&self.agencies),
            master_data: sorted(&self.master_data),
            databases: sorted(&self.databases),
            datasets: sorted(&self.datasets),
            accounts: sorted(&self.accounts),
            agreements: sorted(&self.agreements),
            violations: sorted(&self.violations),
            suspensions: sorted(&self.suspensions),
            database_suspensions: sorted(&self.database_suspensions),
            refusals: sorted(&self.refusals),
        }
    }

    /// How many batches were applied ([`World::apply`]) since [`World::new`] built the
    /// world this snapshot descends from: 0 for a world just built.
    pub fn generation(&self) -> u64 {
        self.history.generation
    }

    /// The world's territory: the province, or the area, its records belong to unless
    /// they name a part of it ([`Agency::territory`], [`Database::territory`]).
    pub fn territory(&self) -> &TerritoryId {
        &self.territory
    }

    /// The legal territory whose rules govern a database's data: its own
    /// ([`Database::territory`]), else its manager's ([`Agency::territory`]), else the
    /// world's. `None` for an unknown database. The engine decides access to a dataset,
    /// and a catalog proposal, with the pack in force there.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::World;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/examples/data/dak-lak-2026.world.json")))?;
    /// assert_eq!(world.territory().as_str(), "VN-33");
    /// let population = world.territory_of_database(&"csdl-dan-cu".parse()?).ok_or("none")?;
    /// assert_eq!(population.as_str(), "VN-33:former-VN-32");
    /// let land = world.territory_of_database(&"csdl-dat-dai-dl".parse()?).ok_or("none")?;
    /// assert_eq!(land.as_str(), "VN-33:former-VN-33");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn territory_of_database(&self, id: &DatabaseId) -> Option<&TerritoryId> {
        let i = self.databases.get_index_of(id)?;
        self.territory_at(self.database_territory.get(i).copied())
    }

    /// The legal territory of an agency's area ([`Agency::territory`], else the world's);
    /// `None` for an unknown agency. The engine decides a provider's lifecycle acts with
    /// the pack in force there.
    pub fn territory_of_agency(&self, id: &AgencyId) -> Option<&TerritoryId> {
        let i = self.agencies.get_index_of(id)?;
        self.territory_at(self.agency_territory.get(i).copied())
    }

    /// The territories of the world's records, the world's own first, each once.
    pub fn territories(&self) -> &[TerritoryId] {
        &self.territories
    }

    fn territory_at(&self, i: Option<usize>) -> Option<&TerritoryId> {
        self.territories.get(i?)
    }

    /// The territory of the data a question is about (see `docs/TERRITORIES.md`): the
    /// place's, or the world's when the place is unknown. The one source the engine
    /// chooses a pack by.
    pub(crate) fn territory_for(&self, place: Place<'_>) -> &TerritoryId {
        self.territory_at(Some(self.territory_index(place)))
            .unwrap_or(&self.territory)
    }

    /// [`World::territory_for`] as an index into `territories` (0, the world's, for an
    /// unknown place), from the indexes built with the world.
    pub(crate) fn territory_index(&self, place: Place<'_>) -> usize {
        let (index, of) = match place {
            Place::Dataset(id) => (self.datasets.get_index_of(id), &self.dataset_territory),
            Place::Database(id) => (self.databases.get_index_of(id), &self.database_territory),
            Place::Agency(id) => (self.agencies.get_index_of(id), &self.agency_territory),
            Place::Agreement(id) => (self.agreements.get_index_of(id), &self.agreement_territory),
        };
        index.and_then(|i| of.get(i).copied()).unwrap_or(0)
    }
    /// An agency by id.
    pub fn agency(&self, id: &AgencyId) -> Option<&Agency> {
        self.agencies.get(id)
    }
    /// Every agency.
    pub fn agencies(&self) -> impl Iterator<Item = &Agency> {
        self.agencies.values()
    }
    /// A database by id.
    pub fn database(&self, id: &DatabaseId) -> Option<&Database> {
        self.databases.get(id)
    }
    /// Every database.
    pub fn databases(&self) -> impl Iterator<Item = &Database> {
        self.databases.values()
    }
    /// A dataset by id.
    pub fn dataset(&self, id: &DatasetId) -> Option<&Dataset> {
        self.datasets.get(id)
    }
    /// Every dataset.
    pub fn datasets(&self) -> impl Iterator<Item = &Dataset> {
        self.datasets.values()
    }
    /// A master data record by id.
    pub fn master_data(&self, id: &MasterDataId) -> Option<&MasterData> {
        self.master_data.get(id)
    }
    /// An account by id.
    pub fn account(&self, id: &AccountId) -> Option<&Account> {
        self.accounts.get(id)
    }
    /// Every account.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values()
    }
    /// An agreement by id.
    pub fn agreement(&self, id: &AgreementId) -> Option<&SharingAgreement> {
        self.agreements.get(id)
    }
    /// Every agreement, by id.
    pub fn agreements(&self) -> impl Iterator<Item = &SharingAgreement> {
        self.agreements.values()
    }
    /// A violation by id.
    pub fn violation(&self, id: &ViolationId) -> Option<&Violation> {
        self.violations.get(id)
    }
    /// Every violation.
    pub fn violations(&self) -> impl Iterator<Item = &Violation> {
        self.violations.values()
    }
    /// A suspension of one consumer by id (QD05/2024 Đ16.2.h).
    pub fn suspension(&self, id: &SuspensionId) -> Option<&Suspension> {
        self.suspensions.get(id)
    }
    /// Every suspension of one consumer.
    pub fn suspensions(&self) -> impl Iterator<Item = &Suspension> {
        self.suspensions.values()
    }
    /// A suspension of every consumer of a database by id (ND47/2020 Đ43.1).
    pub fn database_suspension(&self, id: &SuspensionId) -> Option<&DatabaseSuspension> {
        self.database_suspensions.get(id)
    }
    /// Every suspension of every consumer of a database.
    pub fn database_suspensions(&self) -> impl Iterator<Item = &DatabaseSuspension> {
        self.database_suspensions.values()
    }
    /// A refusal by id (QD05/2024 Đ16.1.đ).
    pub fn refusal(&self, id: &RefusalId) -> Option<&Refusal> {
        self.refusals.get(id)
    }
    /// Every refusal.
    pub fn refusals(&self) -> impl Iterator<Item = &Refusal> {
        self.refusals.values()
    }
    /// The provincial focal point (QD05/2024 Đ15.1.a), if the world records it.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{World, WorldData};
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// assert_eq!(world.provincial_focal_point().map(|a| a.as_str()), Some("so-tttt"));
    /// assert!(World::new(WorldData::new("VN-32".parse()?))?.provincial_focal_point().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn provincial_focal_point(&self) -> Option<&AgencyId> {
        self.focal_point.as_ref()
    }
    /// The provider of a dataset: the manager of its database.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::World;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let provider = world.provider_of(&"dan-cu.nhan-khau".parse()?);
    /// assert_eq!(provider.map(|a| a.as_str()), Some("so-tp"));
    /// assert!(world.provider_of(&"no-such.dataset".parse()?).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn provider_of(&self, dataset: &DatasetId) -> Option<&AgencyId> {
        let ds = self.datasets.get(dataset)?;
        Some(&self.databases.get(&ds.database)?.manager)
    }
    /// The agreements in which `consumer` receives data from `provider`, by id.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::World;
    ///
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let (tuy_hoa, so_tp) = ("ubnd-tuy-hoa".parse()?, "so-tp".parse()?);
    /// let ids: Vec<&str> = world.agreements_between(&tuy_hoa, &so_tp).map(|a| a.id.as_str()).collect();
    /// assert_eq!(ids, ["agr.tp.tuy-hoa"]);
    /// // Agreements have a direction: the provider does not receive from its consumer.
    /// assert_eq!(world.agreements_between(&so_tp, &tuy_hoa).count(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn agreements_between(
        &self,
        consumer: &AgencyId,
        provider: &AgencyId,
    ) -> impl Iterator<Item = &SharingAgreement> {
        self.agreement_indexes_between(consumer, provider)
            .iter()
            .filter_map(|&i| self.agreements.get_index(i).map(|(_, g)| g))
    }

    pub(crate) fn agreement_indexes_between(
        &self,
        consumer: &AgencyId,
        provider: &AgencyId,
    ) -> &[usize] {
        let key = self
            .agencies
            .get_index_of(consumer)
            .zip(self.agencies.get_index_of(provider));
        key.and_then(|k| self.agreements_by_pair.get(&k))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// [`Self::agreement_indexes_between`] by agency indexes.
    pub(crate) fn agreement_indexes_between_indexes(
        &self,
        consumer: usize,
        provider: usize,
    ) -> &[usize] {
        self.agreements_by_pair
            .get(&(consumer, provider))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

impl Serialize for World {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_data().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for World {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let data = WorldData::deserialize(deserializer)?;
        World::new(data).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for World {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "World".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        WorldData::json_schema(generator)
    }
}

fn internal(e: impl std::fmt::Display) -> WorldError {
    WorldError::Internal(e.to_string())
}

impl CedarWorld {
    fn placeholder() -> Result<CedarWorld, WorldError> {
        Ok(CedarWorld {
            model: Model::load().map_err(internal)?,
            entities: Entities::empty(),
            account_uids: Vec::new(),
            dataset_uids: Vec::new(),
            agreement_uids: Vec::new(),
            violation_uids: Vec::new(),
            agency_uids: Vec::new(),
            database_uids: Vec::new(),
            dataset_times: Vec::new(),
            dataset_last_evaluated: Vec::new(),
        })
    }

    fn build(world: &World) -> Result<CedarWorld, WorldError> {
        let model = world.cedar.model.clone();
        let uid = |ty: &cedar_policy::EntityTypeName, id: &str| Model::uid(ty, id);
        let agency_uid = |id: &AgencyId| uid(&model.agency, id.as_str());
        let mut entities: Vec<Entity> = Vec::new();
        let new_entity =
            |u: EntityUid, attrs: Attrs, parents| Entity::new(u, attrs, parents).map_err(internal);

        let mut agency_uids = Vec::with_capacity(world.agencies.len());
        for a in world.agencies.values() {
            let u = agency_uid(&a.id);
            let attrs = Attrs::from([
                ("kind".into(), model::string(a.kind.as_str())),
                (
                    "stateAdministrative".into(),
                    RestrictedExpression::new_bool(a.kind.is_state_administrative()),
                ),
                (
                    "inProvince".into(),
                    RestrictedExpression::new_bool(a.kind.is_in_province()),
                ),
                (
                    "provincialFocalPoint".into(),
                    RestrictedExpression::new_bool(a.kind.is_provincial_focal_point()),
                ),
            ]);
            entities.push(new_entity(u.clone(), attrs, model::no_parents())?);
            agency_uids.push(u);
        }
        for m in world.master_data.values() {
            let reference = match &m.reference {
                crate::data::MasterDataReference::ProvincialPeoplesCommittee => {
                    "provincial_peoples_committee"
                }
                crate::data::MasterDataReference::Ministry { .. } => "ministry",
                crate::data::MasterDataReference::None => "none",
            };
            let attrs = Attrs::from([("reference".into(), model::string(reference))]);
            entities.push(new_entity(
                uid(&model.master_data, m.id.as_str()),
                attrs,
                model::no_parents(),
            )?);
        }
        let mut database_uids = Vec::with_capacity(world.databases.len());
        for d in world.databases.values() {
            let u = uid(&model.database, d.id.as_str());
            let attrs = Attrs::from([
                ("manager".into(), model::entity_ref(&agency_uid(&d.manager))),
                ("catalog".into(), model::string(d.catalog.as_str())),
                (
                    "atDataCentre".into(),
                    RestrictedExpression::new_bool(
                        d.hosting == crate::data::Hosting::ProvincialDataCentre,
                    ),
                ),
                (
                    "masterData".into(),
                    RestrictedExpression::new_set(
                        d.master_data
                            .iter()
                            .map(|m| model::entity_ref(&uid(&model.master_data, m.as_str()))),
                    ),
                ),
            ]);
            // The year an evaluation covers is counted per decision, with the engine's
            // calendar; here only that it ends within the dates Cedar can be given.
            if let Some(date) = d.last_evaluated
                && model::end_of_day_months_after(date, 12).is_none()
            {
                return Err(WorldError::DateOutOfRange {
                    kind: "database",
                    id: d.id.to_string(),
                    field: "last_evaluated",
                });
            }
            entities.push(new_entity(u.clone(), attrs, model::no_parents())?);
            database_uids.push(u);
        }
        let mut dataset_uids = Vec::with_capacity(world.datasets.len());
        let mut dataset_times = Vec::with_capacity(world.datasets.len());
        let mut dataset_last_evaluated = Vec::with_capacity(world.datasets.len());
        for s in world.datasets.values() {
            let u = uid(&model.dataset, s.id.as_str());
            let db_uid = uid(&model.database, s.database.as_str());
            let provider = world
                .databases
                .get(&s.database)
                .map(|db| agency_uid(&db.manager))
                .ok_or_else(|| internal("dataset without database after checks"))?;
            let mut attrs = Attrs::from([
                ("database".into(), model::entity_ref(&db_uid)),
                ("provider".into(), model::entity_ref(&provider)),
                ("class".into(), model::string(s.class.as_str())),
                (
                    "personalData".into(),
                    RestrictedExpression::new_bool(s.personal_data),
                ),
            ]);
            let mut times = Vec::new();
            if let Some(date) = s.published {
                let at =
                    model::start_of_local_day(date).ok_or_else(|| WorldError::DateOutOfRange {
                        kind: "dataset",
                        id: s.id.to_string(),
                        field: "published",
                    })?;
                attrs.insert("publishedAt".into(), model::datetime_expr(at));
                times.push(at);
            }
            entities.push(new_entity(u.clone(), attrs, HashSet::from([db_uid]))?);
            dataset_uids.push(u);
            dataset_times.push(times);
            dataset_last_evaluated.push(
                world
                    .databases
                    .get(&s.database)
                    .and_then(|db| db.last_evaluated),
            );
        }
        let mut account_uids = Vec::with_capacity(world.accounts.len());
        for a in world.accounts.values() {
            let u = uid(&model.account, a.id.as_str());
            let attrs = Attrs::from([
                ("holder".into(), model::entity_ref(&agency_uid(&a.holder))),
                ("issuer".into(), model::entity_ref(&agency_uid(&a.issuer))),
                (
                    "authentication".into(),
                    model::string(a.authentication.as_str()),
                ),
            ]);
            entities.push(new_entity(u.clone(), attrs, model::no_parents())?);
            account_uids.push(u);
        }
        let mut agreement_uids = Vec::with_capacity(world.agreements.len());
        for g in world.agreements.values() {
            let u = uid(&model.agreement, g.id.as_str());
            let mut attrs = Attrs::from([
                (
                    "provider".into(),
                    model::entity_ref(&agency_uid(&g.provider)),
                ),
                (
                    "consumer".into(),
                    model::entity_ref(&agency_uid(&g.consumer)),
                ),
                (
                    "datasets".into(),
                    RestrictedExpression::new_set(
                        g.datasets
                            .iter()
                            .map(|d| model::entity_ref(&uid(&model.dataset, d.as_str()))),
                    ),
                ),
                (
                    "purposes".into(),
                    RestrictedExpression::new_set(
                        g.purposes.iter().map(|p| model::string(p.as_str())),
                    ),
                ),
                (
                    "methods".into(),
                    RestrictedExpression::new_set(
                        g.methods.iter().map(|m| model::string(m.as_str())),
                    ),
                ),
                ("status".into(), model::string(g.status.as_str())),
                ("start".into(), model::datetime_expr(g.term.start)),
            ]);
            if let Some(end) = g.term.end {
                attrs.insert("end".into(), model::datetime_expr(end));
            }
            entities.push(new_entity(u.clone(), attrs, model::no_parents())?);
            agreement_uids.push(u);
        }
        let mut violation_uids = Vec::with_capacity(world.violations.len());
        for v in world.violations.values() {
            let u = uid(&model.violation, v.id.as_str());
            let mut attrs = Attrs::from([
                (
                    "violator".into(),
                    model::entity_ref(&agency_uid(&v.violator)),
                ),
                ("kind".into(), model::string(v.kind.as_str())),
                ("recordedAt".into(), model::datetime_expr(v.recorded_at)),
            ]);
            if let Some(at) = v.determined_at {
                attrs.insert("determinedAt".into(), model::datetime_expr(at));
            }
            if let Some(g) = &v.agreement {
                attrs.insert(
                    "agreement".into(),
                    model::entity_ref(&uid(&model.agreement, g.as_str())),
                );
            }
            entities.push(new_entity(u.clone(), attrs, model::no_parents())?);
            violation_uids.push(u);
        }

        // The entities conform to the schema by construction: every attribute comes from
        // checked data through the conversions above, and a unit test validates a full
        // province's store against the schema. Checking them again here was a third of
        // the time of building a world (docs/PERFORMANCE.md); the action hierarchy the
        // schema would have added is added explicitly.
        let actions = model.schema.action_entities().map_err(internal)?;
        let entities =
            Entities::from_entities(entities.into_iter().chain(actions), None).map_err(internal)?;
        Ok(CedarWorld {
            model,
            entities,
            account_uids,
            dataset_uids,
            agreement_uids,
            violation_uids,
            agency_uids,
            database_uids,
            dataset_times,
            dataset_last_evaluated,
        })
    }
}

/// The records lifecycle records may refer to.
struct Known<'a> {
    agencies: &'a IndexMap<AgencyId, Agency>,
    databases: &'a IndexMap<DatabaseId, Database>,
    datasets: &'a IndexMap<DatasetId, Dataset>,
    agreements: &'a IndexMap<AgreementId, SharingAgreement>,
    violations: &'a IndexMap<ViolationId, Violation>,
}

/// Checks suspension and refusal records: their references and their dates. Whether
/// they comply with the law is not checked here; the engine's checks report that.
fn check_lifecycle_records(
    known: &Known<'_>,
    suspensions: &IndexMap<SuspensionId, Suspension>,
    database_suspensions: &IndexMap<SuspensionId, DatabaseSuspension>,
    refusals: &IndexMap<RefusalId, Refusal>,
) -> Result<(), WorldError> {
    let agency = |kind, id: &str, field, a: &AgencyId| {
        if known.agencies.contains_key(a) {
            Ok(())
        } else {
            Err(dangling(kind, id, field, "agency", a.as_str()))
        }
    };
    for s in suspensions.values() {
        let (kind, id) = ("suspension", s.id.as_str());
        if !known.agreements.contains_key(&s.agreement) {
            return Err(dangling(
                kind,
                id,
                "agreement",
                "agreement",
                s.agreement.as_str(),
            ));
        }
        if !known.violations.contains_key(&s.violation) {
            return Err(dangling(
                kind,
                id,
                "violation",
                "violation",
                s.violation.as_str(),
            ));
        }
        check_date(kind, id, "suspended_at", s.suspended_at)?;
        if let Some(n) = &s.notice {
            agency(kind, id, "notice.to", &n.to)?;
            check_date(kind, id, "notice.sent_at", n.sent_at)?;
        }
        if let Some(at) = s.restored_at {
            check_date(kind, id, "restored_at", at)?;
            if at < s.suspended_at {
                return Err(WorldError::RestoredBeforeSuspended {
                    kind,
                    id: id.to_owned(),
                });
            }
        }
    }
    for s in database_suspensions.values() {
        let (kind, id) = ("database suspension", s.id.as_str());
        if !known.databases.contains_key(&s.database) {
            return Err(dangling(
                kind,
                id,
                "database",
                "database",
                s.database.as_str(),
            ));
        }
        check_date(kind, id, "starts_at", s.starts_at)?;
        if let Some(n) = &s.notice {
            check_date(kind, id, "notice.published_at", n.published_at)?;
            if let Some(at) = n.expected_restoration {
                check_date(kind, id, "notice.expected_restoration", at)?;
            }
        }
        if let Some(at) = s.restored_at {
            check_date(kind, id, "restored_at", at)?;
            if at < s.starts_at {
                return Err(WorldError::RestoredBeforeSuspended {
                    kind,
                    id: id.to_owned(),
                });
            }
        }
    }
    for r in refusals.values() {
        let (kind, id) = ("refusal", r.id.as_str());
        agency(kind, id, "provider", &r.provider)?;
        agency(kind, id, "requester", &r.requester)?;
        if let Some(a) = &r.authority {
            agency(kind, id, "authority", a)?;
        }
        if let Some(d) = &r.dataset
            && !known.datasets.contains_key(d)
        {
            return Err(dangling(kind, id, "dataset", "dataset", d.as_str()));
        }
        check_date(kind, id, "at", r.at)?;
        if let Some(at) = r.notified_at {
            check_date(kind, id, "notified_at", at)?;
            if at < r.at {
                return Err(WorldError::NotifiedBeforeRefused {
                    refusal: r.id.clone(),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The store is built without Cedar's schema check, so check here that a province with
    /// every kind of record and every optional attribute conforms to the schema, and holds
    /// the action hierarchy.
    #[test]
    fn cedar_store_conforms_to_the_schema() {
        let json = include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json");
        let world = World::from_json(json);
        assert!(world.is_ok(), "{world:?}");
        let Ok(world) = world else { return };
        let cedar = &world.cedar;
        let (actions, others): (Vec<Entity>, Vec<Entity>) = cedar
            .entities
            .iter()
            .cloned()
            .partition(|e| e.uid().type_name() == &cedar.model.action);
        assert!(
            actions.iter().any(|a| a.uid().id().unescaped() == "query"),
            "the action hierarchy is in the store"
        );
        let checked = Entities::from_entities(others, Some(&cedar.model.schema));
        assert!(checked.is_ok(), "{checked:?}");
        for (kind, present) in [
            (
                "publishedAt",
                world.datasets.values().any(|d| d.published.is_some()),
            ),
            (
                "end",
                world.agreements.values().any(|g| g.term.end.is_some()),
            ),
            (
                "determinedAt",
                world.violations.values().any(|v| v.determined_at.is_some()),
            ),
            (
                "agreement",
                world.violations.values().any(|v| v.agreement.is_some()),
            ),
        ] {
            assert!(present, "the example province has an optional `{kind}`");
        }
    }
}
