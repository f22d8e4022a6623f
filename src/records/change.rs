//! Changes to a world as values: add, replace or remove a record, apply a lifecycle
//! [`Transition`], record a violation's determination. [`World::apply`] applies a batch
//! of them to a snapshot and returns a new snapshot, the records the batch touched, and
//! never a half-applied world.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};

use crate::account::Account;
use crate::agency::Agency;
use crate::agreement::{AgreementStatus, SharingAgreement};
use crate::data::{Database, Dataset, MasterData};
use crate::ids::{
    AccountId, AgencyId, AgreementId, DatabaseId, DatasetId, MasterDataId, RefusalId, SuspensionId,
    ViolationId,
};
use crate::lifecycle::Transition;
use crate::refusal::Refusal;
use crate::suspension::{DatabaseSuspension, Suspension};
use crate::violation::Violation;
use crate::world::{World, WorldError};

/// One record of any kind, as a change adds or replaces it. In JSON, the kind is the key:
/// `{"agreement": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Record {
    /// An agency, organisation, enterprise or citizen.
    Agency(Agency),
    /// Master data.
    MasterData(MasterData),
    /// A database.
    Database(Database),
    /// A dataset.
    Dataset(Dataset),
    /// An account.
    Account(Account),
    /// A sharing agreement.
    Agreement(SharingAgreement),
    /// A violation or a suspicion of one.
    Violation(Violation),
    /// A suspension of one consumer (QD05/2024 Đ16.2.h).
    Suspension(Suspension),
    /// A suspension of every consumer of a database (ND47/2020 Đ43.1).
    DatabaseSuspension(DatabaseSuspension),
    /// A refusal of a sharing request (QD05/2024 Đ16.1.đ).
    Refusal(Refusal),
}

/// The kind and id of one record: what a removal names, what an error points at and what
/// a decision depends on. In JSON, the kind is the key: `{"agreement": "agr-2024-01"}`.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RecordKey {
    /// An agency.
    Agency(AgencyId),
    /// Master data.
    MasterData(MasterDataId),
    /// A database.
    Database(DatabaseId),
    /// A dataset.
    Dataset(DatasetId),
    /// An account.
    Account(AccountId),
    /// A sharing agreement.
    Agreement(AgreementId),
    /// A violation.
    Violation(ViolationId),
    /// A suspension of one consumer.
    Suspension(SuspensionId),
    /// A suspension of a whole database.
    DatabaseSuspension(SuspensionId),
    /// A refusal.
    Refusal(RefusalId),
}

impl RecordKey {
    /// The kind's name as [`WorldError`] spells it (`agency`, `master data`, …).
    pub fn kind(&self) -> &'static str {
        match self {
            RecordKey::Agency(_) => "agency",
            RecordKey::MasterData(_) => "master data",
            RecordKey::Database(_) => "database",
            RecordKey::Dataset(_) => "dataset",
            RecordKey::Account(_) => "account",
            RecordKey::Agreement(_) => "agreement",
            RecordKey::Violation(_) => "violation",
            RecordKey::Suspension(_) => "suspension",
            RecordKey::DatabaseSuspension(_) => "database suspension",
            RecordKey::Refusal(_) => "refusal",
        }
    }

    /// The id.
    pub fn id(&self) -> &str {
        match self {
            RecordKey::Agency(id) => id.as_str(),
            RecordKey::MasterData(id) => id.as_str(),
            RecordKey::Database(id) => id.as_str(),
            RecordKey::Dataset(id) => id.as_str(),
            RecordKey::Account(id) => id.as_str(),
            RecordKey::Agreement(id) => id.as_str(),
            RecordKey::Violation(id) => id.as_str(),
            RecordKey::Suspension(id) | RecordKey::DatabaseSuspension(id) => id.as_str(),
            RecordKey::Refusal(id) => id.as_str(),
        }
    }

    /// The key of a record a [`WorldError`] names by kind and id; `None` for a kind that is
    /// not a record's.
    pub(crate) fn from_kind(kind: &str, id: &str) -> Option<RecordKey> {
        Some(match kind {
            "agency" => RecordKey::Agency(id.parse().ok()?),
            "master data" => RecordKey::MasterData(id.parse().ok()?),
            "database" => RecordKey::Database(id.parse().ok()?),
            "dataset" => RecordKey::Dataset(id.parse().ok()?),
            "account" => RecordKey::Account(id.parse().ok()?),
            "agreement" => RecordKey::Agreement(id.parse().ok()?),
            "violation" => RecordKey::Violation(id.parse().ok()?),
            "suspension" => RecordKey::Suspension(id.parse().ok()?),
            "database suspension" => RecordKey::DatabaseSuspension(id.parse().ok()?),
            "refusal" => RecordKey::Refusal(id.parse().ok()?),
            _ => return None,
        })
    }
}

impl std::fmt::Display for RecordKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.kind(), self.id())
    }
}

impl Record {
    /// The record's kind and id.
    pub fn key(&self) -> RecordKey {
        match self {
            Record::Agency(r) => RecordKey::Agency(r.id.clone()),
            Record::MasterData(r) => RecordKey::MasterData(r.id.clone()),
            Record::Database(r) => RecordKey::Database(r.id.clone()),
            Record::Dataset(r) => RecordKey::Dataset(r.id.clone()),
            Record::Account(r) => RecordKey::Account(r.id.clone()),
            Record::Agreement(r) => RecordKey::Agreement(r.id.clone()),
            Record::Violation(r) => RecordKey::Violation(r.id.clone()),
            Record::Suspension(r) => RecordKey::Suspension(r.id.clone()),
            Record::DatabaseSuspension(r) => RecordKey::DatabaseSuspension(r.id.clone()),
            Record::Refusal(r) => RecordKey::Refusal(r.id.clone()),
        }
    }
}

/// One change to a world. A batch of them is applied whole or not at all
/// ([`World::apply`]). In JSON, the change's name is the key:
/// `{"add": {"account": {…}}}`, `{"remove": {"agreement": "agr-2024-01"}}`,
/// `{"transition": {…}}` (`docs/schema/change-batch.schema.json`).
///
/// # Example
///
/// ```
/// use lgsp_policy::records::{Change, RecordKey};
///
/// let batch = Change::batch_from_json(r#"[
///     {"remove": {"account": "acc.tuy-hoa.dan-cu"}},
///     {"determine_violation": {"violation": "vp.2024.001", "at": "2024-06-10T09:00:00+07:00"}}
/// ]"#)?;
/// assert_eq!(batch[0], Change::Remove(RecordKey::Account("acc.tuy-hoa.dan-cu".parse()?)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// Adds a record; no record of its kind may have its id (recording a violation, a
    /// suspension or a refusal is adding it).
    Add(Record),
    /// Replaces the record of the same kind and id, which must exist.
    Replace(Record),
    /// Removes a record, which must exist and which no other record may still refer to.
    Remove(RecordKey),
    /// Applies a lifecycle transition the engine returned: the agreement's status, which
    /// must still be the transition's `from`, becomes its `to`.
    Transition(Transition),
    /// Records that a violation was determined (QD05/2024 Đ16.2.h: a suspension rests on a
    /// determined violation).
    DetermineViolation {
        /// The violation, which must exist.
        violation: ViolationId,
        /// When it was determined.
        #[schemars(with = "crate::schemas::RequestInstant")]
        at: DateTime<FixedOffset>,
    },
}

impl Change {
    /// Parses a batch of changes from JSON (an array of changes).
    ///
    /// # Errors
    ///
    /// [`ChangeError::Json`] with line and column.
    pub fn batch_from_json(json: &str) -> Result<Vec<Change>, ChangeError> {
        serde_json::from_str(json).map_err(|e| ChangeError::Json {
            line: e.line().max(1),
            column: crate::text::json_column(&e),
            message: e.to_string(),
        })
    }

    /// The record the change is about.
    pub fn key(&self) -> RecordKey {
        match self {
            Change::Add(r) | Change::Replace(r) => r.key(),
            Change::Remove(key) => key.clone(),
            Change::Transition(t) => RecordKey::Agreement(t.agreement.clone()),
            Change::DetermineViolation { violation, .. } => RecordKey::Violation(violation.clone()),
        }
    }
}

/// A fact of the world a decision may rest on: one record (whether it exists and what it
/// says), the set of agreements between two agencies, or which agency is the provincial
/// focal point. Decisions name theirs ([`crate::Decision::depends_on`]); a batch names
/// those it touched ([`Applied::touched`]); a [`crate::DecisionCache`] forgets a decision
/// when one of its dependencies is touched.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Dependency {
    /// One record: its presence and its content.
    Record(RecordKey),
    /// Which agreements `consumer` receives data under from `provider` (an access decision
    /// weighs every one of them, so a new one changes it).
    AgreementsBetween {
        /// The consumer.
        consumer: AgencyId,
        /// The provider.
        provider: AgencyId,
    },
    /// Which agreements cover a database's data (the suspension of a whole database
    /// concerns every consumer).
    AgreementsOn {
        /// The database.
        database: DatabaseId,
    },
    /// Which agency, if any, is the provincial focal point (refusals are reported to it).
    FocalPoint,
}

/// Why a batch of changes was not applied. Every variant names the change (its position
/// in the batch, from 0) and the record; the world is left exactly as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChangeError {
    /// The change adds a record whose kind and id the world, or an earlier change of the
    /// batch, already holds.
    #[error("change {change}: {record} already exists")]
    AlreadyExists {
        /// The change's position in the batch.
        change: usize,
        /// The record.
        record: RecordKey,
    },
    /// The change replaces, removes, transitions or determines a record the world does
    /// not hold (or an earlier change of the batch removed).
    #[error("change {change}: there is no {record}")]
    NotFound {
        /// The change's position in the batch.
        change: usize,
        /// The record.
        record: RecordKey,
    },
    /// The change removes a record another record still refers to.
    #[error("change {change}: {record} is still referred to by {referrer}, field `{field}`")]
    StillReferenced {
        /// The change's position in the batch.
        change: usize,
        /// The removed record.
        record: RecordKey,
        /// A record that still refers to it.
        referrer: RecordKey,
        /// The referrer's field.
        field: &'static str,
    },
    /// A transition whose `from` is not the agreement's status: the decision it came from
    /// was taken on an older world.
    #[error(
        "change {change}: agreement `{agreement}` is `{}`, not `{}` as the transition expects", found.as_str(), expected.as_str()
    )]
    StaleTransition {
        /// The change's position in the batch.
        change: usize,
        /// The agreement.
        agreement: AgreementId,
        /// The transition's `from`.
        expected: AgreementStatus,
        /// The agreement's status.
        found: AgreementStatus,
    },
    /// The batch leaves the world as [`World::new`] would refuse it. `change` is the last
    /// change of the batch to the record the error names; `None` when that record was not
    /// changed itself, but made invalid by a change to one it depends on (a database's
    /// manager changed under an agreement, say).
    #[error("{}: {error}", change.map_or_else(|| "the batch".to_owned(), |c| format!("change {c}")))]
    Invalid {
        /// The change's position in the batch.
        change: Option<usize>,
        /// What the world's checks found.
        error: WorldError,
    },
    /// The JSON text is not a batch of changes.
    #[error("change batch JSON, line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde found.
        message: String,
    },
}

/// A batch applied: the new snapshot, and what it touched.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The new world. The world the batch was applied to is unchanged and keeps deciding
    /// as before.
    pub world: World,
    /// Every fact of the world the batch touched, sorted, each once: the records added,
    /// replaced or removed, the agreement sets and the focal point they change. A decision
    /// none of whose [`crate::Decision::depends_on`] is here is the same on both worlds
    /// (at the same instant).
    pub touched: Arc<[Dependency]>,
}

/// How many recent batches a world remembers the touched facts of, so that a
/// [`crate::DecisionCache`] following an older snapshot can catch up without being told.
pub(crate) const HISTORY: usize = 64;

/// Where a world stands in the line of snapshots it was applied from: its lineage (the
/// world [`World::new`] built, shared by every snapshot applied from it), its generation
/// (the number of batches applied since) and what the most recent batches touched.
#[derive(Debug, Clone)]
pub(crate) struct History {
    pub(crate) lineage: Arc<()>,
    pub(crate) generation: u64,
    /// `(generation, touched)` of the last [`HISTORY`] batches, oldest first.
    pub(crate) recent: Arc<[(u64, Arc<[Dependency]>)]>,
}

impl History {
    pub(crate) fn new() -> History {
        History {
            lineage: Arc::new(()),
            generation: 0,
            recent: Arc::from(Vec::new()),
        }
    }

    /// What the batches after `generation` up to this world's touched, if this world
    /// remembers them all.
    pub(crate) fn touched_since(&self, generation: u64) -> Option<Vec<&Arc<[Dependency]>>> {
        if generation == self.generation {
            return Some(Vec::new());
        }
        let first = self.recent.first()?.0;
        if generation + 1 < first || generation > self.generation {
            return None;
        }
        Some(
            self.recent
                .iter()
                .filter(|(g, _)| *g > generation)
                .map(|(_, t)| t)
                .collect(),
        )
    }
}

/// The facts a record's presence or content bears on, beside the record itself.
fn facts_of(record: &Record, world: &World, out: &mut Vec<Dependency>) {
    match record {
        Record::Agreement(g) => {
            out.push(Dependency::AgreementsBetween {
                consumer: g.consumer.clone(),
                provider: g.provider.clone(),
            });
            out.extend(g.datasets.iter().filter_map(|d| world.dataset(d)).map(|d| {
                Dependency::AgreementsOn {
                    database: d.database.clone(),
                }
            }));
        }
        // A dataset moved between databases changes which agreements cover each.
        Record::Dataset(d) => out.push(Dependency::AgreementsOn {
            database: d.database.clone(),
        }),
        Record::Agency(a) if a.kind.is_provincial_focal_point() => {
            out.push(Dependency::FocalPoint);
        }
        _ => {}
    }
}

impl World {
    /// Applies a batch of changes, in order, and returns the new world with the facts the
    /// batch touched. The batch applies whole or not at all: every change is checked as
    /// [`World::new`] checks a world (ids, references, terms, territories, dates), and on
    /// any error `self` is untouched and no world is built. `self` keeps deciding as before,
    /// so readers holding it on other threads never see a half-applied batch.
    ///
    /// # Errors
    ///
    /// A [`ChangeError`] naming the change (its position in the batch) and the record:
    /// adding an id that exists, replacing or removing one that does not, removing a record
    /// another still refers to (naming a referrer), a stale transition, or anything
    /// [`World::new`] refuses.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, SuspensionRequest, World};
    /// use lgsp_policy::records::{AgreementStatus, Change, Dependency, RecordKey};
    ///
    /// let engine = Engine::builtin()?;
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let request = SuspensionRequest::new(
    ///     "so-tp".parse()?, "agr.tp.so-tnmt".parse()?, Some("vp.2024.001".parse()?),
    ///     "2024-06-03T09:00:00+07:00".parse()?,
    /// );
    /// let answer = engine.decide_suspension(&world, &request);
    /// assert!(answer.is_allowed());
    /// // The transitions, applied: a new snapshot; the old one is unchanged.
    /// let batch: Vec<Change> = answer.transitions.iter().cloned().map(Change::Transition).collect();
    /// let applied = world.apply(&batch)?;
    /// let id = "agr.tp.so-tnmt".parse()?;
    /// assert_eq!(applied.world.agreement(&id).map(|g| g.status), Some(AgreementStatus::Suspended));
    /// assert_eq!(world.agreement(&id).map(|g| g.status), Some(AgreementStatus::Active));
    /// assert!(applied.touched.contains(&Dependency::Record(RecordKey::Agreement(id))));
    /// // Applied twice, the transition is stale.
    /// assert!(applied.world.apply(&batch).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(&self, batch: &[Change]) -> Result<Applied, ChangeError> {
        // A snapshot: the maps share every node with `self` until changed.
        let mut world = self.clone();
        // The last change to each record, and the removals, for the checks that follow.
        let mut last: HashMap<RecordKey, usize> = HashMap::new();
        let mut removed: HashSet<RecordKey> = HashSet::new();
        // Records changed in a field other records' checks read.
        let mut structural: Vec<(usize, RecordKey)> = Vec::new();
        let (mut agencies, mut territories) = (false, false);
        let mut touched: Vec<Dependency> = Vec::new();
        for (i, change) in batch.iter().enumerate() {
            let key = change.key();
            let (record, must_exist) = match change {
                Change::Add(r) => (Some(r.clone()), false),
                Change::Replace(r) => (Some(r.clone()), true),
                Change::Remove(_) => (None, true),
                Change::Transition(t) => {
                    let Some(g) = world.agreement(&t.agreement) else {
                        return Err(ChangeError::NotFound {
                            change: i,
                            record: key,
                        });
                    };
                    if g.status != t.from {
                        return Err(ChangeError::StaleTransition {
                            change: i,
                            agreement: t.agreement.clone(),
                            expected: t.from,
                            found: g.status,
                        });
                    }
                    let mut g = g.clone();
                    g.status = t.to;
                    (Some(Record::Agreement(g)), true)
                }
                Change::DetermineViolation { violation, at } => {
                    let Some(v) = world.violation(violation) else {
                        return Err(ChangeError::NotFound {
                            change: i,
                            record: key,
                        });
                    };
                    let mut v = v.clone();
                    v.determined_at = Some(*at);
                    (Some(Record::Violation(v)), true)
                }
            };
            if let Some(r) = &record {
                facts_of(r, &world, &mut touched);
            }
            let new = record.as_ref().map(Reads::of);
            let old = world
                .put(&key, record, must_exist)
                .map_err(|existed| match existed {
                    true => ChangeError::AlreadyExists {
                        change: i,
                        record: key.clone(),
                    },
                    false => ChangeError::NotFound {
                        change: i,
                        record: key.clone(),
                    },
                })?;
            if let Some(old) = &old {
                facts_of(old, &world, &mut touched);
            }
            agencies |= matches!(key, RecordKey::Agency(_));
            territories |= matches!(key, RecordKey::Agency(_) | RecordKey::Database(_));
            if let (Some(old), Some(new)) = (&old, &new)
                && Reads::of(old) != *new
            {
                structural.push((i, key.clone()));
            }
            // A database removed: its manager may manage none now.
            if let (Some(Record::Database(_)), None) = (&old, &new) {
                structural.push((i, key.clone()));
            }
            if new.is_none() {
                removed.insert(key.clone());
            } else {
                removed.remove(&key);
            }
            last.insert(key.clone(), i);
            touched.push(Dependency::Record(key));
        }
        let at_fault = |key: &RecordKey| last.get(key).copied();
        let invalid = |error: WorldError| {
            let change = error
                .record()
                .and_then(|(kind, id)| RecordKey::from_kind(kind, id))
                .and_then(|k| at_fault(&k));
            ChangeError::Invalid { change, error }
        };
        if agencies {
            world.refresh_focal_point().map_err(invalid)?;
        }
        if territories {
            world.refresh_territories();
        }
        // Every record changed, in the order of the batch; a removed one must be referred
        // to by none.
        let mut order: Vec<(usize, &RecordKey)> = last.iter().map(|(k, i)| (*i, k)).collect();
        order.sort();
        for (i, key) in order {
            if removed.contains(key) {
                if let Some((referrer, field)) = world.referrer(key) {
                    return Err(ChangeError::StillReferenced {
                        change: i,
                        record: key.clone(),
                        referrer,
                        field,
                    });
                }
            } else {
                world.check_record(key).map_err(invalid)?;
            }
        }
        // The records whose checks read a field that changed.
        for (_, key) in &structural {
            for reader in world.readers_of(key) {
                world.check_record(&reader).map_err(invalid)?;
            }
        }
        touched.sort();
        touched.dedup();
        let touched: Arc<[Dependency]> = Arc::from(touched);
        let generation = self.history.generation + 1;
        let skip = self.history.recent.len().saturating_sub(HISTORY - 1);
        world.history = History {
            lineage: Arc::clone(&self.history.lineage),
            generation,
            recent: self
                .history
                .recent
                .iter()
                .skip(skip)
                .cloned()
                .chain(std::iter::once((generation, Arc::clone(&touched))))
                .collect(),
        };
        Ok(Applied { world, touched })
    }
}

/// The fields of a record other records' checks read: an agency's kind (the focal point
/// may issue accounts), a database's manager, a dataset's database, an agreement's
/// parties. A replacement that changes them re-checks those records.
#[derive(Debug, PartialEq, Eq)]
enum Reads {
    Agency(crate::agency::AgencyKind),
    Database(AgencyId),
    Dataset(DatabaseId),
    Agreement(AgencyId, AgencyId),
    Nothing,
}

impl Reads {
    fn of(record: &Record) -> Reads {
        match record {
            Record::Agency(a) => Reads::Agency(a.kind),
            Record::Database(d) => Reads::Database(d.manager.clone()),
            Record::Dataset(d) => Reads::Dataset(d.database.clone()),
            Record::Agreement(g) => Reads::Agreement(g.provider.clone(), g.consumer.clone()),
            _ => Reads::Nothing,
        }
    }
}
