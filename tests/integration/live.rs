//! The live world (issue 13): batches of changes applied to snapshots, checked against a
//! rebuild from the final data; a failed batch leaves the world as it was; the decision
//! cache always gives a fresh decision's answer; the facts a decision names cover every
//! record its Cedar request reaches; readers deciding while a writer publishes snapshots.
//!
//! `LGSP_LIVE_CASES` sets how many decisions the differential property checks (default
//! 4,000; the long run in docs/TESTING.md takes 1,000,000).

use std::collections::BTreeSet;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, TimeDelta};
use lgsp_policy::records::{Change, Dependency, Record, RecordKey};
use lgsp_policy::strategies::{WorldSize, changes_for, known_requests_for, requests_for, world};
use lgsp_policy::{AccessRequest, DecisionCache, World, WorldData};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

use crate::support;

fn decisions_wanted() -> usize {
    std::env::var("LGSP_LIVE_CASES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(4_000)
}

/// Batches and requests per generated world.
const BATCHES: usize = 4;
const REQUESTS: usize = 8;

/// A runner drawing from `seed`, for strategies that depend on the world a step leaves.
fn runner(seed: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    )
}

fn draw<S: Strategy>(runner: &mut TestRunner, strategy: S) -> S::Value {
    strategy.new_tree(runner).expect("a value").current()
}

/// The reference: a batch applied to plain data, each change by its own rule, then the
/// world built from the result with `World::new` (`None` if it refuses it).
fn model_apply(data: &WorldData, batch: &[Change]) -> Option<WorldData> {
    let mut data = data.clone();
    macro_rules! put {
        ($list:ident, $record:expr, $must:expr) => {{
            let r = $record;
            let at = data.$list.iter().position(|x| x.id == r.id);
            match (at, $must) {
                (Some(i), true) => data.$list[i] = r.clone(),
                (None, false) => data.$list.push(r.clone()),
                _ => return None,
            }
        }};
    }
    macro_rules! remove {
        ($list:ident, $id:expr) => {{
            let at = data.$list.iter().position(|x| &x.id == $id)?;
            data.$list.remove(at);
        }};
    }
    for change in batch {
        match change {
            Change::Add(r) | Change::Replace(r) => {
                let must = matches!(change, Change::Replace(_));
                match r {
                    Record::Agency(r) => put!(agencies, r, must),
                    Record::MasterData(r) => put!(master_data, r, must),
                    Record::Database(r) => put!(databases, r, must),
                    Record::Dataset(r) => put!(datasets, r, must),
                    Record::Account(r) => put!(accounts, r, must),
                    Record::Agreement(r) => put!(agreements, r, must),
                    Record::Violation(r) => put!(violations, r, must),
                    Record::Suspension(r) => put!(suspensions, r, must),
                    Record::DatabaseSuspension(r) => put!(database_suspensions, r, must),
                    Record::Refusal(r) => put!(refusals, r, must),
                    _ => return None,
                }
            }
            Change::Remove(key) => match key {
                RecordKey::Agency(id) => remove!(agencies, id),
                RecordKey::MasterData(id) => remove!(master_data, id),
                RecordKey::Database(id) => remove!(databases, id),
                RecordKey::Dataset(id) => remove!(datasets, id),
                RecordKey::Account(id) => remove!(accounts, id),
                RecordKey::Agreement(id) => remove!(agreements, id),
                RecordKey::Violation(id) => remove!(violations, id),
                RecordKey::Suspension(id) => remove!(suspensions, id),
                RecordKey::DatabaseSuspension(id) => remove!(database_suspensions, id),
                RecordKey::Refusal(id) => remove!(refusals, id),
                _ => return None,
            },
            Change::Transition(t) => {
                let g = data.agreements.iter_mut().find(|g| g.id == t.agreement)?;
                if g.status != t.from {
                    return None;
                }
                g.status = t.to;
            }
            Change::DetermineViolation { violation, at } => {
                let v = data.violations.iter_mut().find(|v| &v.id == violation)?;
                v.determined_at = Some(*at);
            }
            _ => return None,
        }
    }
    World::new(data.clone()).ok().map(|w| w.to_data())
}

/// Random access requests for a world: any ids, and known ones.
fn requests(runner: &mut TestRunner, world: &World, n: usize) -> Vec<AccessRequest> {
    (0..n)
        .map(|i| {
            if i % 2 == 0 {
                draw(runner, requests_for(world))
            } else {
                draw(runner, known_requests_for(world))
            }
        })
        .collect()
}

/// (a) and (c): batches applied one after the other give the world `World::new` builds
/// from the data the reference reaches — same data, same decisions, same duties report —
/// and a refused batch leaves the world exactly as it was.
#[test]
fn applied_batches_decide_as_a_world_built_from_the_final_data() {
    let engine = support::engine();
    let wanted = decisions_wanted();
    let (mut decisions, mut applied, mut refused, mut seed) = (0usize, 0usize, 0usize, 0u64);
    while decisions < wanted {
        seed += 1;
        let mut runner = runner(seed);
        let mut current = draw(&mut runner, world(WorldSize::SMALL));
        for _ in 0..BATCHES {
            let batch = draw(&mut runner, changes_for(&current));
            let before = current.to_data();
            let expected = model_apply(&before, &batch);
            match current.apply(&batch) {
                Ok(next) => {
                    applied += 1;
                    let data = next.world.to_data();
                    assert_eq!(Some(&data), expected.as_ref(), "seed {seed}: {batch:?}");
                    let rebuilt = World::new(data).expect("the reference accepted it");
                    for r in requests(&mut runner, &next.world, REQUESTS) {
                        assert_eq!(
                            engine.decide(&next.world, &r),
                            engine.decide(&rebuilt, &r),
                            "seed {seed}: {r:?}"
                        );
                        decisions += 1;
                    }
                    let now = draw(&mut runner, lgsp_policy::strategies::instant());
                    let days = chrono::Days::new(400);
                    assert_eq!(
                        engine.duties_report(&next.world, now, days),
                        engine.duties_report(&rebuilt, now, days),
                        "seed {seed}"
                    );
                    current = next.world;
                }
                Err(error) => {
                    refused += 1;
                    assert_eq!(expected, None, "seed {seed}: refused ({error}) {batch:?}");
                    // (c) Nothing half-applied: the world is as it was and decides so.
                    assert_eq!(current.to_data(), before, "seed {seed}");
                    let rebuilt = World::new(before).expect("it was a world");
                    for r in requests(&mut runner, &current, 2) {
                        assert_eq!(engine.decide(&current, &r), engine.decide(&rebuilt, &r));
                        decisions += 1;
                    }
                }
            }
        }
    }
    // Both kinds of batch occur, and often.
    assert!(
        applied > 50 && refused > 50,
        "applied {applied}, refused {refused}"
    );
}

/// (b) The cache always answers as a fresh decision would, across batches and instants;
/// and it does serve decisions, and forget them.
#[test]
fn a_cached_decision_is_always_the_fresh_decision() {
    let engine = support::engine();
    let mut total = lgsp_policy::CacheStats::default();
    for seed in 1..=60u64 {
        let mut runner = runner(1_000 + seed);
        let mut current = draw(&mut runner, world(WorldSize::SMALL));
        let mut cache = DecisionCache::new(if seed % 3 == 0 { 4 } else { 1_000 });
        let asked = requests(&mut runner, &current, 6);
        for _ in 0..BATCHES {
            for r in &asked {
                // The same request at its instant and at later ones: a minute, an hour, a
                // day, a random jump.
                let jumps = [0, 1, 60, 24 * 60, draw(&mut runner, 0i64..600_000)];
                for minutes in jumps {
                    let Some(at) = r.at.checked_add_signed(TimeDelta::minutes(minutes)) else {
                        continue;
                    };
                    let later = AccessRequest { at, ..r.clone() };
                    assert_eq!(
                        cache.decide(&engine, &current, &later),
                        engine.decide(&current, &later),
                        "seed {seed}: {later:?}"
                    );
                }
            }
            if let Ok(next) = current.apply(&draw(&mut runner, changes_for(&current))) {
                current = next.world;
            }
        }
        let s = cache.stats();
        total.hits += s.hits;
        total.misses += s.misses;
        total.invalidations += s.invalidations;
        total.evictions += s.evictions;
    }
    assert!(total.hits > 100, "{total:?}");
    assert!(total.invalidations > 10, "{total:?}");
    assert!(total.evictions > 10, "{total:?}");
}

/// The cache follows snapshots it is not told about, forgets exactly what a batch
/// touched, and bypasses an older snapshot.
#[test]
fn the_cache_forgets_exactly_what_a_batch_touched() {
    let engine = support::engine();
    let world = support::world();
    let mut cache = DecisionCache::new(100);
    let at: DateTime<FixedOffset> = "2024-06-03T09:30:00+07:00".parse().unwrap();
    let ask = |account: &str, dataset: &str| {
        AccessRequest::new(
            account.parse().unwrap(),
            lgsp_policy::Action::Query,
            dataset.parse().unwrap(),
            lgsp_policy::Channel::Lgsp,
            "administrative-procedures".parse().unwrap(),
            at,
        )
        .subject_requested(true)
    };
    let a = ask("acc.tuy-hoa.dan-cu", "dan-cu.nhan-khau");
    let others: Vec<AccessRequest> = world
        .accounts()
        .filter(|x| x.id.as_str() != "acc.tuy-hoa.dan-cu")
        .take(3)
        .map(|x| ask(x.id.as_str(), "dan-cu.nhan-khau"))
        .collect();
    cache.decide(&engine, &world, &a);
    for r in &others {
        cache.decide(&engine, &world, r);
    }
    assert_eq!(cache.len(), 4);
    // A batch touching only the first request's account.
    let account = world
        .account(&"acc.tuy-hoa.dan-cu".parse().unwrap())
        .unwrap()
        .clone();
    let changed = lgsp_policy::records::Account {
        authentication: lgsp_policy::records::Authentication::None,
        ..account
    };
    let next = world
        .apply(&[Change::Replace(Record::Account(changed))])
        .unwrap();
    assert!(
        next.touched
            .contains(&Dependency::Record(RecordKey::Account(
                "acc.tuy-hoa.dan-cu".parse().unwrap()
            )))
    );
    let fresh = cache.decide(&engine, &next.world, &a);
    assert_eq!(fresh, engine.decide(&next.world, &a));
    assert_eq!(
        cache.stats().invalidations,
        1,
        "only the one resting on the account"
    );
    for r in &others {
        cache.decide(&engine, &next.world, r);
    }
    assert_eq!(cache.stats().hits, 3);
    // The old snapshot still decides as before, fresh and not stored.
    let old = cache.decide(&engine, &world, &a);
    assert_eq!(old, engine.decide(&world, &a));
    assert_ne!(old, fresh);
    // A world of another lineage: everything is forgotten.
    let other = World::new(world.to_data()).unwrap();
    cache.decide(&engine, &other, &a);
    assert_eq!(cache.len(), 1);
}

/// The records a decision names cover every record its Cedar request can read: the
/// principal, the resource, the entities its context names, and those reached from them
/// through entity-valued attributes and parents (a set's members cannot be read by a
/// Cedar policy, only compared).
#[test]
fn a_decision_names_every_record_its_cedar_request_reaches() {
    let engine = support::engine();
    let mut checked = 0;
    for seed in 1..=40u64 {
        let mut runner = runner(5_000 + seed);
        let w = draw(&mut runner, world(WorldSize::SMALL));
        for r in requests(&mut runner, &w, 8) {
            let decision = engine.decide(&w, &r);
            let Ok(exported) = lgsp_policy::authoring::cedar_request(&engine, &w, &r) else {
                continue;
            };
            let named: BTreeSet<(String, String)> = decision
                .depends_on
                .iter()
                .filter_map(|d| match d {
                    Dependency::Record(k) => Some((k.kind().to_owned(), k.id().to_owned())),
                    _ => None,
                })
                .collect();
            for (kind, id) in reached(&exported.request, &exported.entities) {
                assert!(
                    named.contains(&(kind.clone(), id.clone())),
                    "seed {seed}: {kind} `{id}` is read but not named: {:?}",
                    decision.depends_on
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "{checked}");
}

/// `Type::"id"` → (record kind, id).
fn record_of(uid: &str) -> Option<(String, String)> {
    let (ty, id) = uid.split_once("::\"")?;
    let ty = ty.rsplit("::").next()?;
    let kind = match ty {
        "Agency" => "agency",
        "Database" => "database",
        "Dataset" => "dataset",
        "Account" => "account",
        "Agreement" => "agreement",
        "Violation" => "violation",
        "MasterData" => "master data",
        _ => return None,
    };
    Some((kind.to_owned(), id.trim_end_matches('"').to_owned()))
}

fn uid_text(v: &serde_json::Value) -> Option<String> {
    let e = v.get("__entity").unwrap_or(v);
    Some(format!(
        "{}::\"{}\"",
        e.get("type")?.as_str()?,
        e.get("id")?.as_str()?
    ))
}

/// The records reachable from the request through entity-valued attributes and parents.
fn reached(request: &serde_json::Value, entities: &serde_json::Value) -> Vec<(String, String)> {
    let store: std::collections::HashMap<String, &serde_json::Value> = entities
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| Some((uid_text(e.get("uid")?)?, e)))
        .collect();
    let mut queue: Vec<String> = ["principal", "resource"]
        .iter()
        .filter_map(|k| request.get(*k)?.as_str().map(str::to_owned))
        .collect();
    for v in request
        .get("context")
        .and_then(|c| c.as_object())
        .into_iter()
        .flat_map(|o| o.values())
    {
        if v.get("__entity").is_some() {
            queue.extend(uid_text(v));
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(uid) = queue.pop() {
        if !seen.insert(uid.clone()) {
            continue;
        }
        let Some(entity) = store.get(&uid) else {
            continue;
        };
        for v in entity
            .get("attrs")
            .and_then(|a| a.as_object())
            .into_iter()
            .flat_map(|o| o.values())
        {
            if v.get("__entity").is_some() {
                queue.extend(uid_text(v));
            }
        }
        for p in entity
            .get("parents")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
        {
            queue.extend(uid_text(p));
        }
    }
    seen.iter().filter_map(|u| record_of(u)).collect()
}

/// Under load: readers decide continuously while a writer applies batches and publishes
/// each new snapshot. Every decision is the decision of a published snapshot, no reader
/// waits for the writer longer than a batch takes, nothing panics.
#[test]
fn readers_decide_on_published_snapshots_while_a_writer_applies_batches() {
    let engine = Arc::new(support::engine());
    let mut runner = runner(77);
    let first = draw(&mut runner, world(WorldSize::MEDIUM));
    let asked = Arc::new(requests(&mut runner, &first, 64));
    // Generation → snapshot, as published.
    let published: Arc<RwLock<Vec<Arc<World>>>> = Arc::new(RwLock::new(vec![Arc::new(first)]));
    let latest: Arc<RwLock<Arc<World>>> =
        Arc::new(RwLock::new(Arc::clone(&published.read().unwrap()[0])));
    let deadline = Instant::now() + Duration::from_secs(20);
    let readers: Vec<_> = (0..3)
        .map(|t| {
            let (engine, latest, asked) =
                (Arc::clone(&engine), Arc::clone(&latest), Arc::clone(&asked));
            std::thread::spawn(move || {
                let mut seen = Vec::new();
                let mut longest_wait = Duration::ZERO;
                let mut cache = DecisionCache::new(32);
                for i in 0..600usize {
                    if Instant::now() > deadline {
                        break;
                    }
                    let waited = Instant::now();
                    let world = Arc::clone(&latest.read().unwrap());
                    longest_wait = longest_wait.max(waited.elapsed());
                    let r = &asked[(i * 7 + t) % asked.len()];
                    let decision = if i % 2 == 0 {
                        engine.decide(&world, r)
                    } else {
                        cache.decide(&engine, &world, r)
                    };
                    seen.push((world.generation(), (i * 7 + t) % asked.len(), decision));
                }
                (seen, longest_wait)
            })
        })
        .collect();
    let mut longest_batch = Duration::ZERO;
    for _ in 0..30 {
        if Instant::now() > deadline {
            break;
        }
        let current = Arc::clone(&latest.read().unwrap());
        let batch = draw(&mut runner, changes_for(&current));
        let started = Instant::now();
        // The batch is applied outside any lock; only the swap is under one.
        let Ok(next) = current.apply(&batch) else {
            continue;
        };
        longest_batch = longest_batch.max(started.elapsed());
        let next = Arc::new(next.world);
        published.write().unwrap().push(Arc::clone(&next));
        *latest.write().unwrap() = next;
    }
    let snapshots = published.read().unwrap().clone();
    assert!(
        snapshots.len() > 5,
        "{} snapshots published",
        snapshots.len()
    );
    let mut checked = 0;
    for reader in readers {
        let (seen, longest_wait) = reader.join().expect("no reader panicked");
        assert!(
            longest_wait <= longest_batch + Duration::from_millis(200),
            "a reader waited {longest_wait:?}; the longest batch took {longest_batch:?}"
        );
        for (generation, r, decision) in seen {
            let world = snapshots
                .iter()
                .find(|w| w.generation() == generation)
                .expect("a published snapshot");
            assert_eq!(decision, engine.decide(world, &asked[r]));
            checked += 1;
        }
    }
    assert!(checked > 300, "{checked} decisions checked");
}

/// Each refusal names the change, the record and, for a removal, a referrer and its
/// field; the JSON form reads back; a refused batch changes nothing.
#[test]
fn a_refused_batch_names_the_change_the_record_and_the_field() {
    use lgsp_policy::records::ChangeError;
    let world = support::world();
    let account: RecordKey = RecordKey::Account("acc.tuy-hoa.dan-cu".parse().unwrap());
    let withdraw = Change::Remove(account.clone());

    // A removal while others refer to it names one of them.
    let so_tp = RecordKey::Agency("so-tp".parse().unwrap());
    match world.apply(&[withdraw.clone(), Change::Remove(so_tp.clone())]) {
        Err(ChangeError::StillReferenced {
            change: 1,
            record,
            referrer,
            field,
        }) => {
            assert_eq!(record, so_tp);
            assert!(!field.is_empty(), "{referrer}");
        }
        other => panic!("{other:?}"),
    }
    // Added twice: the second change is at fault.
    let agency = world.agency(&"so-tp".parse().unwrap()).unwrap().clone();
    assert!(matches!(
        world.apply(&[withdraw.clone(), Change::Add(Record::Agency(agency))]),
        Err(ChangeError::AlreadyExists { change: 1, .. })
    ));
    // Removed twice: the second finds nothing.
    assert_eq!(
        world.apply(&[withdraw.clone(), withdraw.clone()]).err(),
        Some(ChangeError::NotFound {
            change: 1,
            record: account.clone()
        })
    );
    // A stale transition.
    let g = world.agreement(&"agr.tp.so-tnmt".parse().unwrap()).unwrap();
    let stale = lgsp_policy::Transition {
        agreement: g.id.clone(),
        from: lgsp_policy::records::AgreementStatus::Suspended,
        to: lgsp_policy::records::AgreementStatus::Active,
        at: g.term.start,
    };
    assert!(matches!(
        world.apply(&[Change::Transition(stale)]),
        Err(ChangeError::StaleTransition { change: 0, .. })
    ));
    // A determination before the record: the world's own check, with the change.
    let v = world.violation(&"vp.2024.001".parse().unwrap()).unwrap();
    let early = Change::DetermineViolation {
        violation: v.id.clone(),
        at: v.recorded_at - TimeDelta::hours(1),
    };
    match world.apply(&[withdraw.clone(), early]) {
        Err(ChangeError::Invalid {
            change: Some(1),
            error: lgsp_policy::WorldError::DeterminedBeforeRecorded { violation },
        }) => assert_eq!(violation, v.id),
        other => panic!("{other:?}"),
    }
    // The JSON form: a batch reads back, and a bad one says where.
    let batch = vec![withdraw];
    let json = serde_json::to_string(&batch).unwrap();
    assert_eq!(Change::batch_from_json(&json).unwrap(), batch);
    assert!(matches!(
        Change::batch_from_json("[\n  {\"remove\": {\"spaceship\": \"x\"}}\n]"),
        Err(ChangeError::Json { line: 2, .. })
    ));
    assert_eq!(world.generation(), 0);
    assert_eq!(world.apply(&batch).unwrap().world.generation(), 1);
}
