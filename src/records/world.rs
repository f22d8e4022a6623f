//! The world: every agency, database, dataset, account, agreement and violation of a
//! province, checked once and indexed for decisions.

use std::sync::Arc;

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
use crate::model::Model;
use crate::records::{Record, RecordKey};
use crate::refusal::Refusal;
use crate::suspension::{DatabaseSuspension, Suspension};
use crate::violation::Violation;

pub use super::error::WorldError;

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
    pub(crate) agencies: Map<AgencyId, Agency>,
    pub(crate) master_data: Map<MasterDataId, MasterData>,
    pub(crate) databases: Map<DatabaseId, Database>,
    pub(crate) datasets: Map<DatasetId, Dataset>,
    pub(crate) accounts: Map<AccountId, Account>,
    pub(crate) agreements: Map<AgreementId, SharingAgreement>,
    pub(crate) violations: Map<ViolationId, Violation>,
    pub(crate) suspensions: Map<SuspensionId, Suspension>,
    pub(crate) database_suspensions: Map<SuspensionId, DatabaseSuspension>,
    pub(crate) refusals: Map<RefusalId, Refusal>,
    /// consumer → provider → the agreements between them, by id (two maps, so that a
    /// lookup hashes the two ids as they are, with nothing allocated).
    pub(crate) agreements_by_pair: Map<AgencyId, Map<AgencyId, Arc<[AgreementId]>>>,
    /// Per agency managing databases: how many (an account's issuer must manage one).
    pub(crate) managed: Map<AgencyId, usize>,
    /// The legal territories of the world's records: the world's own first, then the
    /// others in order, each once.
    pub(crate) territories: Arc<[TerritoryId]>,
    /// The provincial focal point, if recorded.
    pub(crate) focal_point: Option<AgencyId>,
    /// The entity model, shared by every snapshot of the world.
    pub(crate) cedar: Arc<CedarModel>,
    /// Where this snapshot stands among those applied from the same world
    /// ([`World::apply`]).
    pub(crate) history: crate::records::change::History,
}

/// The persistent map the world keeps its records in: a hash array mapped trie of degree
/// 64 (`rpds`), whose snapshots share every node a change does not touch. A lookup follows
/// about three nodes at 100,000 records (a red-black tree follows seventeen, each a likely
/// cache miss); a change copies those three. Iteration is by key, sorted — so every order
/// the world shows, and every first error it reports, is by id whatever the hash.
pub(crate) struct Map<K: Eq + std::hash::Hash, V>(rpds::HashTrieMapSync<K, V, Hasher>);

impl<K: Eq + std::hash::Hash, V> Clone for Map<K, V> {
    fn clone(&self) -> Self {
        Map(self.0.clone())
    }
}

/// A fixed hasher: the trie's layout is the same on every run. foldhash with its fixed
/// seed hashes an id several times faster than SipHash (`DefaultHasher`, which this map
/// used with its fixed keys before); neither resists a chosen-collision attack, and a
/// collision costs a longer bucket, never a wrong answer.
type Hasher = foldhash::fast::FixedState;

impl<K: std::fmt::Debug + Ord + std::hash::Hash, V: std::fmt::Debug> std::fmt::Debug for Map<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Ord + std::hash::Hash, V> Map<K, V> {
    pub(crate) fn new_sync() -> Self {
        Map(rpds::HashTrieMap::new_with_hasher_and_ptr_kind(
            Hasher::default(),
        ))
    }
    pub(crate) fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.0.get(key)
    }
    pub(crate) fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.0.contains_key(key)
    }
    pub(crate) fn insert_mut(&mut self, key: K, value: V) {
        self.0.insert_mut(key, value);
    }
    pub(crate) fn remove_mut(&mut self, key: &K) {
        self.0.remove_mut(key);
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The entries, by key.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        let mut all: Vec<(&K, &V)> = self.0.iter().collect();
        all.sort_unstable_by(|a, b| a.0.cmp(b.0));
        all.into_iter()
    }
    /// The keys, sorted.
    #[cfg(test)]
    pub(crate) fn keys(&self) -> impl Iterator<Item = &K> {
        self.iter().map(|(k, _)| k)
    }
    /// The values, by key.
    pub(crate) fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, v)| v)
    }
}

/// An agreement in canonical form: its sets sorted, each member once (order and
/// repetition carry no meaning), so that equal agreements are equal records.
fn canonical_agreement(mut g: SharingAgreement) -> SharingAgreement {
    g.datasets.sort();
    g.datasets.dedup();
    g.purposes.sort();
    g.purposes.dedup();
    g.methods.sort();
    g.methods.dedup();
    g
}

/// The world's entity model: the schema's types and its action entities, loaded once per
/// world and shared by its snapshots.
#[derive(Debug)]
pub(crate) struct CedarModel {
    pub model: Model,
    /// The action entities, with their hierarchy (`query in access`).
    pub actions: Vec<Arc<cedar_policy_core::ast::Entity>>,
}

impl CedarModel {
    fn load() -> Result<CedarModel, WorldError> {
        let model = Model::load().map_err(internal)?;
        let actions = model
            .schema
            .action_entities()
            .map_err(internal)?
            .iter()
            .map(|e| Arc::new(e.as_ref().clone()))
            .collect();
        Ok(CedarModel { model, actions })
    }
}

/// Where a question's data lies: its territory, and the dataset and database found on
/// the way ([`World::locate`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Located<'w> {
    pub(crate) territory: &'w TerritoryId,
    /// The dataset of an access request, if the world holds it.
    pub(crate) dataset: Option<&'w Dataset>,
    /// The dataset's database, or the database a question names, if the world holds it.
    pub(crate) database: Option<&'w Database>,
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

fn internal(e: impl std::fmt::Display) -> WorldError {
    WorldError::Internal(e.to_string())
}

/// Puts (`Some`) or removes (`None`) one record in a map: the record replaced or removed,
/// or whether the key existed (`Err(true)`) when it should not have, or did not
/// (`Err(false)`) when it should.
fn put_in<K: Ord + Clone + std::hash::Hash, V: Clone>(
    map: &mut Map<K, V>,
    key: &K,
    value: Option<V>,
    must_exist: bool,
) -> Result<Option<V>, bool> {
    let old = map.get(key).cloned();
    if old.is_some() != must_exist {
        return Err(old.is_some());
    }
    match value {
        Some(v) => map.insert_mut(key.clone(), v),
        None => {
            map.remove_mut(key);
        }
    }
    Ok(old)
}

impl World {
    /// An empty world for a territory, its model loaded.
    fn empty(territory: TerritoryId) -> Result<World, WorldError> {
        Ok(World {
            territories: Arc::from(vec![territory.clone()]),
            territory,
            agencies: Map::new_sync(),
            master_data: Map::new_sync(),
            databases: Map::new_sync(),
            datasets: Map::new_sync(),
            accounts: Map::new_sync(),
            agreements: Map::new_sync(),
            violations: Map::new_sync(),
            suspensions: Map::new_sync(),
            database_suspensions: Map::new_sync(),
            refusals: Map::new_sync(),
            agreements_by_pair: Map::new_sync(),
            managed: Map::new_sync(),
            focal_point: None,
            cedar: Arc::new(CedarModel::load()?),
            history: crate::records::change::History::new(),
        })
    }

    /// Puts (`Some`) or removes (`None`) one record, keeping the indexes: the record it
    /// replaced or removed, or whether the key existed (see [`put_in`]). The checks are
    /// [`World::check_record`]'s, after every change of a batch.
    pub(crate) fn put(
        &mut self,
        key: &RecordKey,
        record: Option<Record>,
        must_exist: bool,
    ) -> Result<Option<Record>, bool> {
        macro_rules! plain {
            ($map:ident, $id:expr, $variant:ident) => {{
                let value = match record {
                    Some(Record::$variant(r)) => Some(r),
                    None => None,
                    // A record under another kind's key: a bug of the caller, refused.
                    Some(_) => return Err(!must_exist),
                };
                put_in(&mut self.$map, $id, value, must_exist).map(|old| old.map(Record::$variant))
            }};
        }
        match key {
            RecordKey::Agency(id) => plain!(agencies, id, Agency),
            RecordKey::MasterData(id) => plain!(master_data, id, MasterData),
            RecordKey::Database(id) => {
                let old = plain!(databases, id, Database)?;
                if let Some(Record::Database(d)) = &old {
                    self.count_managed(&d.manager, false);
                }
                if let Some(d) = self.databases.get(id) {
                    let manager = d.manager.clone();
                    self.count_managed(&manager, true);
                }
                Ok(old)
            }
            RecordKey::Dataset(id) => {
                let value = match record {
                    Some(Record::Dataset(r)) => Some(r),
                    None => None,
                    Some(_) => return Err(!must_exist),
                };
                put_in(&mut self.datasets, id, value, must_exist)
                    .map(|old| old.map(Record::Dataset))
            }
            RecordKey::Account(id) => plain!(accounts, id, Account),
            RecordKey::Agreement(id) => {
                let value = match record {
                    Some(Record::Agreement(r)) => Some(canonical_agreement(r)),
                    None => None,
                    Some(_) => return Err(!must_exist),
                };
                let pair = value
                    .as_ref()
                    .map(|g| (g.consumer.clone(), g.provider.clone()));
                let old = put_in(&mut self.agreements, id, value, must_exist)?;
                let old_pair = old
                    .as_ref()
                    .map(|g| (g.consumer.clone(), g.provider.clone()));
                // The index changes only when the parties do.
                if old_pair != pair {
                    if let Some((consumer, provider)) = old_pair {
                        self.pair_index(consumer, provider, id, false);
                    }
                    if let Some((consumer, provider)) = pair {
                        self.pair_index(consumer, provider, id, true);
                    }
                }
                Ok(old.map(Record::Agreement))
            }
            RecordKey::Violation(id) => {
                let value = match record {
                    Some(Record::Violation(r)) => Some(r),
                    None => None,
                    Some(_) => return Err(!must_exist),
                };
                put_in(&mut self.violations, id, value, must_exist)
                    .map(|old| old.map(Record::Violation))
            }
            RecordKey::Suspension(id) => plain!(suspensions, id, Suspension),
            RecordKey::DatabaseSuspension(id) => {
                plain!(database_suspensions, id, DatabaseSuspension)
            }
            RecordKey::Refusal(id) => plain!(refusals, id, Refusal),
        }
    }

    fn count_managed(&mut self, manager: &AgencyId, add: bool) {
        let n = self.managed.get(manager).copied().unwrap_or(0);
        let n = if add { n + 1 } else { n.saturating_sub(1) };
        if n == 0 {
            self.managed.remove_mut(manager);
        } else {
            self.managed.insert_mut(manager.clone(), n);
        }
    }

    fn pair_index(&mut self, consumer: AgencyId, provider: AgencyId, id: &AgreementId, add: bool) {
        let mut providers = self
            .agreements_by_pair
            .get(&consumer)
            .cloned()
            .unwrap_or_else(Map::new_sync);
        let mut ids: Vec<AgreementId> = providers
            .get(&provider)
            .map(|ids| ids.to_vec())
            .unwrap_or_default();
        match (ids.binary_search(id), add) {
            (Err(at), true) => ids.insert(at, id.clone()),
            (Ok(at), false) => {
                ids.remove(at);
            }
            _ => {}
        }
        if ids.is_empty() {
            providers.remove_mut(&provider);
        } else {
            providers.insert_mut(provider, Arc::from(ids));
        }
        if providers.is_empty() {
            self.agreements_by_pair.remove_mut(&consumer);
        } else {
            self.agreements_by_pair.insert_mut(consumer, providers);
        }
    }

    /// Finds the focal point again: at most one agency is (QD05/2024 Đ15.1.a).
    pub(crate) fn refresh_focal_point(&mut self) -> Result<(), WorldError> {
        let mut found: Option<AgencyId> = None;
        for a in self.agencies.values() {
            if a.kind.is_provincial_focal_point() {
                if let Some(first) = found {
                    return Err(WorldError::SecondFocalPoint {
                        first,
                        second: a.id.clone(),
                    });
                }
                found = Some(a.id.clone());
            }
        }
        self.focal_point = found;
        Ok(())
    }

    /// Lists the territories the records name again: the world's first, then the others
    /// in order. A record may name the world's territory or one of its parts,
    /// `<world>:<part>` (see `docs/TERRITORIES.md`).
    pub(crate) fn refresh_territories(&mut self) {
        let named: std::collections::BTreeSet<&TerritoryId> = self
            .agencies
            .values()
            .filter_map(|a| a.territory.as_ref())
            .chain(self.databases.values().filter_map(|d| d.territory.as_ref()))
            .filter(|t| **t != self.territory)
            .collect();
        self.territories = std::iter::once(self.territory.clone())
            .chain(named.into_iter().cloned())
            .collect();
    }

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
        let mut world = World::empty(territory)?;
        let records = agencies
            .into_iter()
            .map(Record::Agency)
            .chain(master_data.into_iter().map(Record::MasterData))
            .chain(databases.into_iter().map(Record::Database))
            .chain(datasets.into_iter().map(Record::Dataset))
            .chain(accounts.into_iter().map(Record::Account))
            .chain(agreements.into_iter().map(Record::Agreement))
            .chain(violations.into_iter().map(Record::Violation))
            .chain(suspensions.into_iter().map(Record::Suspension))
            .chain(
                database_suspensions
                    .into_iter()
                    .map(Record::DatabaseSuspension),
            )
            .chain(refusals.into_iter().map(Record::Refusal));
        for record in records {
            let key = record.key();
            if world.put(&key, Some(record), false).is_err() {
                return Err(WorldError::DuplicateId {
                    kind: key.kind(),
                    id: key.id().to_owned(),
                });
            }
        }
        world.refresh_focal_point()?;
        // Every record's checks, kind by kind, each kind by id.
        macro_rules! check_all {
            ($map:ident, $check:ident) => {
                for r in world.$map.values() {
                    world.$check(r)?;
                }
            };
        }
        check_all!(databases, check_database);
        check_all!(datasets, check_dataset);
        check_all!(accounts, check_account);
        check_all!(agreements, check_agreement);
        check_all!(violations, check_violation);
        check_all!(suspensions, check_suspension);
        check_all!(database_suspensions, check_database_suspension);
        check_all!(refusals, check_refusal);
        for a in world.agencies.values() {
            world.check_territory("agency", a.id.as_str(), &a.territory)?;
        }
        world.refresh_territories();
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
        // The maps are ordered by id.
        fn all<K: Ord + std::hash::Hash, V: Clone>(m: &Map<K, V>) -> Vec<V> {
            m.values().cloned().collect()
        }
        WorldData {
            territory: self.territory.clone(),
            agencies: all(&self.agencies),
            master_data: all(&self.master_data),
            databases: all(&self.databases),
            datasets: all(&self.datasets),
            accounts: all(&self.accounts),
            agreements: all(&self.agreements),
            violations: all(&self.violations),
            suspensions: all(&self.suspensions),
            database_suspensions: all(&self.database_suspensions),
            refusals: all(&self.refusals),
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
        let db = self.databases.get(id)?;
        Some(
            db.territory
                .as_ref()
                .or_else(|| self.territory_of_agency(&db.manager))
                .unwrap_or(&self.territory),
        )
    }

    /// The legal territory of an agency's area ([`Agency::territory`], else the world's);
    /// `None` for an unknown agency. The engine decides a provider's lifecycle acts with
    /// the pack in force there.
    pub fn territory_of_agency(&self, id: &AgencyId) -> Option<&TerritoryId> {
        let a = self.agencies.get(id)?;
        Some(a.territory.as_ref().unwrap_or(&self.territory))
    }

    /// The territories of the world's records, the world's own first, each once.
    pub fn territories(&self) -> &[TerritoryId] {
        &self.territories
    }

    /// The territory of the data a question is about (see `docs/TERRITORIES.md`): the
    /// place's, or the world's when the place is unknown. The one source the engine
    /// chooses a pack by.
    pub(crate) fn territory_for(&self, place: Place<'_>) -> &TerritoryId {
        self.locate(place).territory
    }

    /// Where a question's data lies ([`World::territory_for`]), with the dataset and the
    /// database found on the way, which the question then reads without looking them up
    /// again.
    pub(crate) fn locate(&self, place: Place<'_>) -> Located<'_> {
        let (dataset, database) = match place {
            Place::Dataset(id) => {
                let dataset = self.datasets.get(id);
                (
                    dataset,
                    dataset.and_then(|s| self.databases.get(&s.database)),
                )
            }
            Place::Database(id) => (None, self.databases.get(id)),
            _ => (None, None),
        };
        let territory = match (place, database) {
            (Place::Dataset(_) | Place::Database(_), Some(db)) => db
                .territory
                .as_ref()
                .or_else(|| self.territory_of_agency(&db.manager))
                .unwrap_or(&self.territory),
            (Place::Dataset(_) | Place::Database(_), None) => &self.territory,
            _ => self.place_territory(place),
        };
        Located {
            territory,
            dataset,
            database,
        }
    }

    /// The territory of an agency's or an agreement's data.
    fn place_territory(&self, place: Place<'_>) -> &TerritoryId {
        let found = match place {
            Place::Dataset(id) => self
                .datasets
                .get(id)
                .and_then(|s| self.territory_of_database(&s.database)),
            Place::Database(id) => self.territory_of_database(id),
            Place::Agency(id) => self.territory_of_agency(id),
            // An agreement's: the territory of its data; its provider's if the data lie
            // in several.
            Place::Agreement(id) => self.agreements.get(id).and_then(|g| {
                let mut data = g
                    .datasets
                    .iter()
                    .map(|s| self.territory_for(Place::Dataset(s)));
                let first = data.next()?;
                if data.all(|other| other == first) {
                    Some(first)
                } else {
                    self.territory_of_agency(&g.provider)
                }
            }),
        };
        found.unwrap_or(&self.territory)
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
        self.agreement_ids_between(consumer, provider)
            .iter()
            .filter_map(|id| self.agreement(id))
    }

    /// The ids of the agreements between them, by id.
    pub(crate) fn agreement_ids_between(
        &self,
        consumer: &AgencyId,
        provider: &AgencyId,
    ) -> &[AgreementId] {
        self.agreements_by_pair
            .get(consumer)
            .and_then(|providers| providers.get(provider))
            .map_or(&[], |ids| ids)
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
