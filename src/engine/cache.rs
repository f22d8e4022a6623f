//! A cache of access decisions that knows what each one rests on.
//!
//! A decision holds while its instant's validity lasts ([`Decision::valid_until`]) and
//! none of the facts it read changes ([`Decision::depends_on`]). The cache keeps decisions
//! by request (all its fields but the instant), serves one for a later instant inside
//! that window, and forgets it as soon as a batch applied to the world touches one of
//! its facts ([`crate::records::Applied::touched`]); each world remembers what its last
//! batches touched, so the cache catches up with a newer snapshot by itself.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Days, FixedOffset};

use crate::decision::{Decision, Duty};
use crate::engine::Engine;
use crate::ids::{AccountId, DatasetId, Purpose};
use crate::model;
use crate::records::Dependency;
use crate::request::{AccessRequest, Action, Channel};
use crate::world::World;

/// A request's fields but its instant: what a cached decision is found by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    account: AccountId,
    action: Action,
    dataset: DatasetId,
    channel: Channel,
    purpose: Purpose,
    authenticated: bool,
    subject_requested: bool,
}

impl Key {
    fn of(r: &AccessRequest) -> Key {
        Key {
            account: r.account.clone(),
            action: r.action,
            dataset: r.dataset.clone(),
            channel: r.channel,
            purpose: r.purpose.clone(),
            authenticated: r.authenticated,
            subject_requested: r.subject_requested,
        }
    }
}

struct Entry {
    key: Key,
    decision: Decision,
    /// The instant it was decided at, and the first instant it no longer holds at.
    from: DateTime<FixedOffset>,
    until: Option<DateTime<FixedOffset>>,
}

/// What a [`DecisionCache`] has done: hits, misses, entries forgotten because the world
/// changed under them, entries evicted to stay within the capacity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Decisions served from the cache.
    pub hits: u64,
    /// Decisions taken fresh (not cached, expired, or asked on an older snapshot).
    pub misses: u64,
    /// Entries forgotten because a batch touched a fact they rest on, or because the
    /// cache was given a world of another lineage.
    pub invalidations: u64,
    /// Entries evicted, oldest first, to stay within the capacity.
    pub evictions: u64,
}

/// A bounded cache of access decisions, pure like the engine: the caller passes the
/// world and the request, whose instant is `now`.
///
/// - **Hit**: a decision stored for the same request (every field but `at`) is served
///   while `now` is at or after the instant it was taken at and before its
///   [`Decision::valid_until`] — and before the next local midnight, since a log's
///   keeping period is counted from the request's day — and while none of its
///   [`Decision::depends_on`] has been touched. It is the decision a fresh
///   [`Engine::decide`] gives at `now`, with the request's instant in its log duty.
/// - **Following the world**: the cache follows the newest snapshot it is given of one
///   world (one lineage of [`World::apply`]). Given a newer one, it forgets exactly the
///   entries resting on a fact the batches since touched; given a snapshot more than
///   64 batches newer, or of another world, it forgets everything. A request on an older
///   snapshot is decided fresh and not stored.
/// - **Bound and eviction**: at most `capacity` decisions; when full, the oldest stored is
///   evicted first (first in, first out: a hit does not renew an entry).
///
/// One cache serves one [`Engine`]. It takes `&mut self`: give each thread its own, or
/// share one behind a lock.
///
/// # Example
///
/// ```
/// use lgsp_policy::{AccessRequest, Action, Channel, DecisionCache, Engine, World};
/// use lgsp_policy::records::{Change, RecordKey};
///
/// let engine = Engine::builtin()?;
/// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
/// let mut cache = DecisionCache::new(10_000);
/// let request = AccessRequest::new(
///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
///     Channel::Lgsp, "administrative-procedures".parse()?,
///     "2024-06-03T09:30:00+07:00".parse()?,
/// )
/// .subject_requested(true);
/// let first = cache.decide(&engine, &world, &request);
/// assert!(first.is_allowed());
/// // A minute later: served from the cache, equal to a fresh decision.
/// let later = AccessRequest { at: "2024-06-03T09:31:00+07:00".parse()?, ..request.clone() };
/// assert_eq!(cache.decide(&engine, &world, &later), engine.decide(&world, &later));
/// assert_eq!(cache.stats().hits, 1);
/// // The account is withdrawn: the cached decision is forgotten.
/// let world = world.apply(&[Change::Remove(RecordKey::Account("acc.tuy-hoa.dan-cu".parse()?))])?.world;
/// assert!(!cache.decide(&engine, &world, &later).is_allowed());
/// assert_eq!(cache.stats().invalidations, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct DecisionCache {
    capacity: usize,
    /// By request: the slot of its entry.
    slots: HashMap<Key, u64>,
    entries: HashMap<u64, Entry>,
    /// For each fact, the slots of the entries resting on it.
    by_fact: HashMap<Dependency, HashSet<u64>>,
    /// Slots in the order they were stored (some already gone).
    order: VecDeque<u64>,
    next: u64,
    /// The world followed: its lineage and generation.
    follows: Option<(Arc<()>, u64)>,
    stats: CacheStats,
}

impl std::fmt::Debug for DecisionCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecisionCache")
            .field("capacity", &self.capacity)
            .field("len", &self.entries.len())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl DecisionCache {
    /// An empty cache holding at most `capacity` decisions (0: it stores none).
    pub fn new(capacity: usize) -> DecisionCache {
        DecisionCache {
            capacity,
            slots: HashMap::new(),
            entries: HashMap::new(),
            by_fact: HashMap::new(),
            order: VecDeque::new(),
            next: 0,
            follows: None,
            stats: CacheStats::default(),
        }
    }

    /// The decision of [`Engine::decide`] on `world` for `request`, from the cache when it
    /// holds (see the type's documentation), else decided and stored.
    pub fn decide(&mut self, engine: &Engine, world: &World, request: &AccessRequest) -> Decision {
        if !self.follow(world) {
            self.stats.misses += 1;
            return engine.decide(world, request);
        }
        let key = Key::of(request);
        let now = request.at;
        if let Some(entry) = self.slots.get(&key).and_then(|s| self.entries.get(s))
            && entry.from <= now
            && entry.until.is_none_or(|until| now < until)
        {
            self.stats.hits += 1;
            return restamped(entry.decision.clone(), now);
        }
        self.stats.misses += 1;
        let decision = engine.decide(world, request);
        self.store(key, &decision, now);
        decision
    }

    /// What the cache has done so far.
    pub fn stats(&self) -> CacheStats {
        self.stats
    }

    /// How many decisions it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets every decision (counted as invalidations).
    pub fn clear(&mut self) {
        self.stats.invalidations += self.entries.len() as u64;
        self.slots.clear();
        self.entries.clear();
        self.by_fact.clear();
        self.order.clear();
    }

    /// Catches up with `world`; whether its decisions may be served and stored.
    fn follow(&mut self, world: &World) -> bool {
        let history = &world.history;
        let Some((lineage, generation)) = &self.follows else {
            self.follows = Some((Arc::clone(&history.lineage), history.generation));
            return true;
        };
        if !Arc::ptr_eq(lineage, &history.lineage) {
            self.clear();
            self.follows = Some((Arc::clone(&history.lineage), history.generation));
            return true;
        }
        let generation = *generation;
        if history.generation < generation {
            return false;
        }
        if history.generation > generation {
            match history.touched_since(generation) {
                Some(batches) => {
                    for touched in batches {
                        for fact in touched.iter() {
                            self.forget_fact(fact);
                        }
                    }
                }
                None => self.clear(),
            }
            self.follows = Some((Arc::clone(&history.lineage), history.generation));
        }
        true
    }

    fn forget_fact(&mut self, fact: &Dependency) {
        let Some(slots) = self.by_fact.remove(fact) else {
            return;
        };
        for slot in slots {
            if self.remove(slot) {
                self.stats.invalidations += 1;
            }
        }
    }

    /// Removes an entry and its index entries; whether it was there.
    fn remove(&mut self, slot: u64) -> bool {
        let Some(entry) = self.entries.remove(&slot) else {
            return false;
        };
        if self.slots.get(&entry.key) == Some(&slot) {
            self.slots.remove(&entry.key);
        }
        for fact in &entry.decision.depends_on {
            if let Some(set) = self.by_fact.get_mut(fact) {
                set.remove(&slot);
                if set.is_empty() {
                    self.by_fact.remove(fact);
                }
            }
        }
        true
    }

    fn store(&mut self, key: Key, decision: &Decision, now: DateTime<FixedOffset>) {
        if self.capacity == 0 {
            return;
        }
        if let Some(old) = self.slots.get(&key).copied() {
            self.remove(old);
        }
        while self.entries.len() >= self.capacity {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if self.remove(oldest) {
                self.stats.evictions += 1;
            }
        }
        // The next local midnight bounds the entry: a log's keeping period is counted
        // from the request's day.
        let midnight = model::local_date(now)
            .checked_add_days(Days::new(1))
            .and_then(model::start_of_local_day);
        let until = match (decision.valid_until, midnight) {
            (Some(v), Some(m)) => Some(v.min(m)),
            (v, m) => v.or(m),
        };
        let slot = self.next;
        self.next += 1;
        for fact in &decision.depends_on {
            self.by_fact.entry(fact.clone()).or_default().insert(slot);
        }
        self.slots.insert(key.clone(), slot);
        self.entries.insert(
            slot,
            Entry {
                key,
                decision: decision.clone(),
                from: now,
                until,
            },
        );
        self.order.push_back(slot);
        // Slots of entries already forgotten are dropped from the order now and then.
        if self.order.len() > 2 * self.capacity.max(16) {
            let entries = &self.entries;
            self.order.retain(|s| entries.contains_key(s));
        }
    }
}

/// A stored decision as taken at `at`: the log duty names the request's instant.
fn restamped(mut decision: Decision, at: DateTime<FixedOffset>) -> Decision {
    for duty in &mut decision.duties {
        if let Duty::LogRequest { at: logged, .. } = duty {
            *logged = at;
        }
    }
    decision
}
