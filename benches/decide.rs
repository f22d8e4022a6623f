//! Benchmarks: access, suspension, restoration and catalog decisions, world and engine
//! construction, on generated provinces of 100, 10,000 and 100,000 agreements, with the
//! baselines measured in the same run on the same requests (see docs/PERFORMANCE.md and
//! benches/common).
//!
//! ```text
//! cargo bench --bench decide                           # everything, then the ratio table
//! LGSP_BENCH_SIZES=100,10000 cargo bench --bench decide   # fewer sizes
//! cargo bench --bench decide -- access_100/            # a criterion filter (no table)
//! scripts/bench-frozen.sh                              # also against the frozen 0.5.0 engine
//! ```
//!
//! After criterion's own report, the bench prints the table of docs/PERFORMANCE.md: ratios
//! first, from interleaved rounds, then absolute times (criterion medians), build times and
//! memory (peak RSS of a child process per size, from /proc/self/status).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs,
    reason = "a bench: inputs are generated fixtures, and a broken one must stop the run"
)]

mod common;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, FixedOffset};
use criterion::{BatchSize, Criterion, SamplingMode, Throughput};
use lgsp_policy::time::Calendar;
use lgsp_policy::{
    AccessRequest, Action, CatalogProposal, Engine, RestorationRequest, RulePack,
    SuspensionRequest, World,
};

use common::baselines::{self, Cedar};
use common::rego::Rego;

const SEED: u64 = 0x5EED_0557_2024;
const SIZES: [usize; 3] = [100, 10_000, 100_000];
/// Extra policies for another action, to show that slicing keeps them off the path.
const EXTRA_POLICIES: usize = 200;
/// From this size on, the naive baseline and `World::new` are timed once, not by
/// criterion (ten samples of several seconds each would take minutes).
const HEAVY: usize = 100_000;

fn sizes() -> Vec<usize> {
    match std::env::var("LGSP_BENCH_SIZES") {
        Ok(list) => list
            .split(',')
            .filter_map(|s| s.trim().replace('_', "").parse().ok())
            .collect(),
        Err(_) => SIZES.to_vec(),
    }
}

/// The built-in pack plus `EXTRA_POLICIES` policies scoped to `subscribe` only.
fn extra_pack() -> RulePack {
    let (manifest, files) = RulePack::builtin_sources();
    let mut manifest: serde_json::Value = serde_json::from_str(manifest).unwrap();
    manifest["policies"]
        .as_array_mut()
        .unwrap()
        .push("extra.cedar".into());
    let mut extra = String::new();
    for i in 0..EXTRA_POLICIES {
        extra.push_str(&format!(
            "@id(\"bench.subscribe-{i:03}\")\n\
             @clause(\"QD05/2024 Đ17.2.b\")\n\
             @reason(\"bench_subscribe_{i:03}\")\n\
             @vi(\"Quy tắc đồng bộ bổ sung số {i}.\")\n\
             @en(\"Extra synchronisation rule number {i}.\")\n\
             forbid (principal, action == Lgsp::Action::\"subscribe\", resource)\n\
             when {{ resource.class == \"shared\" && context.purpose == \"bench-purpose-{i}\" && \
             principal.holder.kind != \"citizen\" }};\n\n"
        ));
    }
    let mut sources: Vec<(String, String)> = files
        .iter()
        .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
        .collect();
    sources.push(("extra.cedar".into(), extra));
    RulePack::from_sources(&manifest.to_string(), sources).unwrap()
}

fn decide_all(engine: &Engine, world: &World, requests: &[AccessRequest]) {
    for r in requests {
        black_box(engine.decide(black_box(world), black_box(r)));
    }
}

/// The engine of a frozen revision (`scripts/bench-frozen.sh`, which builds this file with
/// the cfg `lgsp_frozen`), on the same province and requests as the current one.
#[cfg(lgsp_frozen)]
mod frozen {
    use std::hint::black_box;

    use lgsp_policy::{AccessRequest, Decision, Engine, World, WorldData};
    use lgsp_policy_frozen as old;

    /// `version (revision)` of the frozen copy, from `scripts/bench-frozen.sh`.
    pub fn label() -> String {
        std::env::var("LGSP_BENCH_FROZEN").unwrap_or_else(|_| "copy".into())
    }

    pub struct Frozen {
        engine: old::Engine,
        world: old::World,
        requests: Vec<old::AccessRequest>,
    }

    impl Frozen {
        /// The frozen engine, and the world and requests converted through their JSON.
        pub fn new(data: &WorldData, requests: &[AccessRequest]) -> Frozen {
            let world = old::World::from_json(&serde_json::to_string(data).unwrap()).unwrap();
            let requests = requests
                .iter()
                .map(|r| old::AccessRequest::from_json(&serde_json::to_string(r).unwrap()).unwrap())
                .collect();
            Frozen {
                engine: old::Engine::builtin().unwrap(),
                world,
                requests,
            }
        }

        pub fn decide_all(&self) {
            for r in &self.requests {
                black_box(self.engine.decide(black_box(&self.world), black_box(r)));
            }
        }

        /// Stops the bench, naming the first request and both decisions, unless the frozen
        /// engine decides every request as `engine` does.
        pub fn check(&self, engine: &Engine, world: &World, requests: &[AccessRequest]) {
            for (r, frozen_r) in requests.iter().zip(&self.requests) {
                let (current, frozen) = comparable(
                    &engine.decide(world, r),
                    &self.engine.decide(&self.world, frozen_r),
                );
                if current != frozen {
                    panic!(
                        "the frozen engine ({}) decides differently on {}\ncurrent: {current:#}\nfrozen:  {frozen:#}",
                        label(),
                        serde_json::to_string(r).unwrap(),
                    );
                }
            }
            eprintln!(
                "frozen engine {}: decides as decide on all {} requests",
                label(),
                requests.len()
            );
        }
    }

    /// The two decisions as compared: their JSON. Where the current `Decision` gains a
    /// field the frozen one lacks, remove it from `current` here.
    fn comparable(
        current: &Decision,
        frozen: &old::Decision,
    ) -> (serde_json::Value, serde_json::Value) {
        (
            serde_json::to_value(current).unwrap(),
            serde_json::to_value(frozen).unwrap(),
        )
    }
}

fn suspend_all(
    engine: &Engine,
    world: &World,
    calendar: &Calendar,
    requests: &[SuspensionRequest],
) {
    for r in requests {
        black_box(
            engine
                .clone()
                .with_calendar(calendar.clone())
                .decide_suspension(black_box(world), black_box(r)),
        );
    }
}

fn restore_all(engine: &Engine, world: &World, requests: &[RestorationRequest]) {
    for r in requests {
        black_box(engine.decide_restoration(black_box(world), black_box(r)));
    }
}

fn catalog_all(
    engine: &Engine,
    world: &World,
    proposals: &[(CatalogProposal, DateTime<FixedOffset>)],
) {
    for (p, at) in proposals {
        black_box(engine.decide_catalog(black_box(world), black_box(p), *at));
    }
}

/// Facts about a province's request pool, printed with the table.
#[derive(Default)]
struct PoolFacts {
    requests: usize,
    /// The pool's distinct requests (every field but the instant): the cache's bench.
    unique: usize,
    queries: usize,
    base_requests: usize,
    allowed: usize,
    evaluations: usize,
    hand_disagreements: usize,
    /// Requests on which the Rego peer and the engine differ (required to be 0).
    rego_disagreements: usize,
    /// Single-shot timings, for the sizes where criterion's ten samples would take minutes.
    world_once: Duration,
    naive_once: Option<Duration>,
    paired: Option<Paired>,
    /// Allowed out of `ACT_REQUESTS`: suspensions, restorations, catalog proposals.
    acts_allowed: [usize; 3],
}

/// Ratios from interleaved rounds (see `interleaved`).
#[derive(Debug, Clone, Copy, Default)]
struct Paired {
    rounds: usize,
    decide_vs_floor: f64,
    decide_vs_hand: f64,
    /// The Rego peer (regorus) over decide, on the same requests: > 1 when decide is faster.
    regorus_vs_decide: f64,
    pack200_vs_builtin: f64,
    /// decide on this province / decide on the reference (smallest) province.
    vs_reference: f64,
    /// decide_suspension, decide_restoration, decide_catalog over their Cedar floors.
    acts_vs_floor: [f64; 3],
    /// The live world: decide on the world after 10,000 changes / the Cedar floor; a fresh
    /// decide / a cache hit, on the pool's distinct requests.
    after_changes_vs_floor: f64,
    decide_vs_cache_hit: f64,
    /// Cedar's partial evaluation over the Cedar floor, on the same evaluations: a miss
    /// (`PolicySet::tpe`), a hit (re-authorising kept residuals).
    tpe_vs_floor: [f64; 2],
    /// The frozen engine (`scripts/bench-frozen.sh`) over decide, on the same requests: the
    /// speed-up since that revision (issue 15: ≥ 5 at 100,000 agreements).
    #[cfg(lgsp_frozen)]
    frozen_vs_decide: f64,
    threads: Option<Threads>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Threads {
    /// throughput on 2 threads / on 1 thread, wall clock.
    speedup: f64,
    /// CPU µs per decision on 1 thread and on 2 threads (from /proc/thread-self/schedstat,
    /// in ns; /proc/thread-self/stat in 10 ms ticks where schedstat is missing).
    cpu_us_1: f64,
    cpu_us_2: f64,
    /// Time the threads spent runnable but waiting for a core, as a share of the time
    /// they ran (schedstat's run-queue delay): how busy the machine was with other work.
    waiting_1: f64,
    waiting_2: f64,
    /// The control, two threads with an engine and a world each (nothing shared):
    /// wall-clock speedup over one thread and CPU µs per decision.
    separate_speedup: f64,
    separate_cpu_us: f64,
}

/// The base province (`common::BASE` agreements), which every larger one contains: its
/// requests are decided on it and on each larger world in the same rounds, so flatness
/// is a ratio of the same decisions taken under the same load.
struct Reference {
    world: World,
}

fn bench_size(
    c: &mut Criterion,
    size: usize,
    cedar: &Cedar,
    threads: bool,
    reference: &Reference,
    rounds: usize,
) -> PoolFacts {
    let province = common::province(size, SEED);
    let data = province.data.clone();
    let started = Instant::now();
    let world = World::new(data).unwrap();
    let world_once = started.elapsed();
    let engine = Engine::builtin().unwrap();
    let extra = Engine::new(extra_pack());
    let requests = &province.requests;
    let queries: Vec<AccessRequest> = requests
        .iter()
        .filter(|r| r.action == Action::Query)
        .cloned()
        .collect();
    let floor = baselines::prepare_floor(cedar, &engine, &world, requests);
    let mut rego = Rego::new();
    let ranking = baselines::ranking();
    let rego_disagreements = rego.disagreements(&engine, &world, requests);
    assert_eq!(
        rego_disagreements, 0,
        "the Rego peer decides as the engine (LGSP_BENCH_DEBUG=1 lists the requests)"
    );
    #[cfg(lgsp_frozen)]
    let frozen = frozen::Frozen::new(&province.data, requests);
    #[cfg(lgsp_frozen)]
    frozen.check(&engine, &world, requests);
    // Cedar's partial evaluation (a lever of issue 15): the floor's evaluations with the
    // context unknown, and their residuals kept (checked against the floor).
    let partials = common::tpe::Partial::of(&floor, &cedar.schema);
    let kept = common::tpe::kept(
        &partials,
        &floor,
        &cedar.policies,
        &cedar.schema,
        &cedar.authorizer,
    );
    let facts = PoolFacts {
        unique: 0,
        requests: requests.len(),
        queries: queries.len(),
        base_requests: province.base_requests.len(),
        allowed: requests
            .iter()
            .filter(|r| engine.decide(&world, r).is_allowed())
            .count(),
        evaluations: floor.len(),
        hand_disagreements: baselines::disagreements(&engine, &world, requests),
        rego_disagreements,
        world_once,
        naive_once: None,
        paired: None,
        acts_allowed: [0; 3],
    };
    let mut facts = facts;
    let heavy = size >= HEAVY;
    for r in &province.base_requests {
        assert_eq!(
            engine.decide(&world, r),
            engine.decide(&reference.world, r),
            "a base request decides the same in every size"
        );
    }

    eprintln!(
        "province of {size} agreements: {} requests ({} queries), {} allowed, {:.2} Cedar evaluations per request, hand check disagrees on {}",
        facts.requests,
        facts.queries,
        facts.allowed,
        facts.evaluations as f64 / facts.requests as f64,
        facts.hand_disagreements
    );
    let mut g = c.benchmark_group(format!("access_{size}"));
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.bench_function("decide", |b| {
        b.iter(|| decide_all(&engine, &world, requests))
    });
    #[cfg(lgsp_frozen)]
    g.bench_function("decide_frozen", |b| b.iter(|| frozen.decide_all()));
    g.bench_function("cedar_floor", |b| {
        b.iter(|| {
            for p in &floor {
                black_box(cedar.authorizer.is_authorized(
                    black_box(&p.request),
                    &cedar.policies,
                    &p.entities,
                ));
            }
        })
    });
    let store = cedar.whole_world(&world);
    g.bench_function("cedar_whole_store", |b| {
        b.iter(|| {
            for p in &floor {
                black_box(cedar.authorizer.is_authorized(
                    black_box(&p.request),
                    &cedar.policies,
                    &store,
                ));
            }
        })
    });
    g.bench_function("hand_floor", |b| {
        b.iter(|| {
            for r in requests {
                black_box(baselines::hand_decide(
                    black_box(&world),
                    &cedar.calendar,
                    &ranking,
                    black_box(r),
                ));
            }
        })
    });
    g.bench_function("regorus", |b| {
        b.iter(|| {
            for r in requests {
                black_box(rego.decide(black_box(&world), &cedar.calendar, black_box(r)));
            }
        })
    });
    g.bench_function("decide_base", |b| {
        b.iter(|| decide_all(&engine, &world, &province.base_requests))
    });
    g.throughput(Throughput::Elements(queries.len() as u64));
    g.bench_function("decide_query", |b| {
        b.iter(|| decide_all(&engine, &world, &queries))
    });
    g.bench_function("decide_query_pack200", |b| {
        b.iter(|| decide_all(&extra, &world, &queries))
    });
    g.finish();

    // Cedar's partial evaluation (issue 15's levers): a miss partially evaluates the
    // policies with the context unknown; a hit re-authorises kept residuals.
    let mut g = c.benchmark_group(format!("levers_{size}"));
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.bench_function("tpe_miss", |b| {
        b.iter(|| {
            for p in &partials {
                black_box(p.evaluate(&cedar.policies, &cedar.schema));
            }
        })
    });
    g.bench_function("tpe_hit", |b| {
        b.iter(|| {
            for (residuals, p) in kept.iter().zip(&floor) {
                black_box(common::tpe::hit(residuals, black_box(p)));
            }
        })
    });
    g.finish();

    // The live world (issue 13): a cache hit against a fresh decision, on the same
    // requests; one change applied against building the world (`World::new` is timed
    // once above, `world_once`, where it takes seconds).
    let mut g = c.benchmark_group(format!("live_{size}"));
    g.throughput(Throughput::Elements(requests.len() as u64));
    g.bench_function("decide", |b| {
        b.iter(|| decide_all(&engine, &world, requests))
    });
    // Hits: the pool's requests once each (by every field but the instant), decided once
    // beforehand; then every one is served from the cache.
    let mut seen = std::collections::HashSet::new();
    let unique: Vec<AccessRequest> = requests
        .iter()
        .filter(|r| {
            seen.insert(format!(
                "{:?}",
                AccessRequest {
                    at: requests[0].at,
                    ..(*r).clone()
                }
            ))
        })
        .cloned()
        .collect();
    facts.unique = unique.len();
    let mut cache = lgsp_policy::DecisionCache::new(unique.len());
    decide_all_cached(&mut cache, &engine, &world, &unique);
    g.bench_function("decide_unique", |b| {
        b.iter(|| decide_all(&engine, &world, &unique))
    });
    g.bench_function("cache_hit", |b| {
        b.iter(|| decide_all_cached(&mut cache, &engine, &world, &unique))
    });
    assert_eq!(
        cache.stats().misses,
        unique.len() as u64,
        "every timed request was a hit"
    );
    // The same requests on the world after 10,000 changes (ten batches of 1,000).
    let mut changed = world.clone();
    for round in 0..10 {
        changed = changed
            .apply(&status_flips(&changed, round * 1_000, 1_000))
            .unwrap()
            .world;
    }
    g.bench_function("decide_after_10000_changes", |b| {
        b.iter(|| decide_all(&engine, &changed, requests))
    });
    g.finish();
    let mut g = c.benchmark_group(format!("change_{size}"));
    g.sample_size(10);
    let one = status_flips(&world, 0, 1);
    g.bench_function("apply_one", |b| {
        b.iter(|| black_box(world.apply(black_box(&one)).unwrap()))
    });
    let thousand = status_flips(&world, 0, 1_000);
    g.bench_function("apply_1000", |b| {
        b.iter(|| black_box(world.apply(black_box(&thousand)).unwrap()))
    });
    g.finish();
    eprintln!(
        "World::new once at {size}: {:.1} ms",
        world_once.as_secs_f64() * 1e3
    );

    // The suspension, restoration and catalog decisions on the same province, each
    // against its Cedar floor: `Authorizer::is_authorized` on a request and a store of the
    // entities it reaches, built beforehand, with the pack's slice for the action (the
    // floors check they reach the engine's outcome on every request).
    let calendar = Calendar::vietnam_public_sector();
    let suspension_floor = baselines::prepare_suspension_floor(
        cedar,
        &engine,
        &world,
        &calendar,
        &province.suspensions,
    );
    let restoration_floor =
        baselines::prepare_restoration_floor(cedar, &engine, &world, &province.restorations);
    let catalog_floor = baselines::prepare_catalog_floor(cedar, &engine, &world, &province.catalog);
    facts.acts_allowed = [
        province
            .suspensions
            .iter()
            .filter(|r| {
                engine
                    .clone()
                    .with_calendar(calendar.clone())
                    .decide_suspension(&world, r)
                    .is_allowed()
            })
            .count(),
        province
            .restorations
            .iter()
            .filter(|r| engine.decide_restoration(&world, r).is_allowed())
            .count(),
        province
            .catalog
            .iter()
            .filter(|(p, at)| engine.decide_catalog(&world, p, *at).is_allowed())
            .count(),
    ];
    let mut g = c.benchmark_group(format!("acts_{size}"));
    g.throughput(Throughput::Elements(common::ACT_REQUESTS as u64));
    g.bench_function("suspension_decide", |b| {
        b.iter(|| suspend_all(&engine, &world, &calendar, &province.suspensions))
    });
    g.bench_function("suspension_floor", |b| {
        b.iter(|| suspension_floor.run(&cedar.authorizer))
    });
    g.bench_function("restoration_decide", |b| {
        b.iter(|| restore_all(&engine, &world, &province.restorations))
    });
    g.bench_function("restoration_floor", |b| {
        b.iter(|| restoration_floor.run(&cedar.authorizer))
    });
    g.bench_function("catalog_decide", |b| {
        b.iter(|| catalog_all(&engine, &world, &province.catalog))
    });
    g.bench_function("catalog_floor", |b| {
        b.iter(|| catalog_floor.run(&cedar.authorizer))
    });
    g.finish();

    // The naive integration: one request per iteration, cycling through the pool; on the
    // largest province, a few requests timed once (each takes seconds).
    if heavy {
        let n = 2;
        let started = Instant::now();
        for r in requests.iter().take(n) {
            black_box(cedar.naive_decide(&world, r));
        }
        facts.naive_once = Some(started.elapsed() / n as u32);
    } else {
        let mut g = c.benchmark_group(format!("naive_{size}"));
        g.sampling_mode(SamplingMode::Flat).sample_size(10);
        if size >= 10_000 {
            g.warm_up_time(Duration::from_millis(1));
        }
        let mut next = 0usize;
        g.bench_function("decide", |b| {
            b.iter(|| {
                let r = &requests[next % requests.len()];
                next += 1;
                black_box(cedar.naive_decide(&world, r))
            })
        });
        g.finish();
    }

    if threads {
        // One engine shared by one and by two threads; each thread decides the whole pool
        // per iteration, so throughput(2) / throughput(1) = 2 * t(1) / t(2).
        let mut g = c.benchmark_group(format!("threads_{size}"));
        let pools = rotated_pools(requests);
        for n in [1usize, 2] {
            g.bench_function(format!("{n}"), |b| {
                b.iter_custom(|iters| {
                    let start = Instant::now();
                    std::thread::scope(|s| {
                        for pool in pools.iter().take(n) {
                            s.spawn(|| {
                                for _ in 0..iters {
                                    decide_all(&engine, &world, pool);
                                }
                            });
                        }
                    });
                    start.elapsed()
                })
            });
        }
        g.finish();
    }

    if !heavy {
        let mut g = c.benchmark_group(format!("build_{size}"));
        g.sampling_mode(SamplingMode::Flat).sample_size(10);
        g.bench_function("world", |b| {
            b.iter_batched(
                || province.data.clone(),
                |data| World::new(data).unwrap(),
                BatchSize::PerIteration,
            )
        });
        g.finish();
    }

    // The ratios of the table, from interleaved rounds: every round times each
    // contender once over the same pool, so a ratio compares times taken under the same
    // load (the machine is shared; criterion's benches above run one after the other).
    if rounds > 0 {
        let floor_all = || {
            for p in &floor {
                black_box(cedar.authorizer.is_authorized(
                    black_box(&p.request),
                    &cedar.policies,
                    &p.entities,
                ));
            }
        };
        let hand_all = || {
            for r in requests {
                black_box(baselines::hand_decide(
                    black_box(&world),
                    &cedar.calendar,
                    &ranking,
                    black_box(r),
                ));
            }
        };
        let t = interleaved(
            rounds,
            &mut [
                &mut || decide_all(&engine, &world, requests),
                &mut || floor_all(),
                &mut || hand_all(),
                &mut || decide_all(&engine, &world, &province.base_requests),
                &mut || decide_all(&engine, &reference.world, &province.base_requests),
                &mut || suspend_all(&engine, &world, &calendar, &province.suspensions),
                &mut || suspension_floor.run(&cedar.authorizer),
                &mut || restore_all(&engine, &world, &province.restorations),
                &mut || restoration_floor.run(&cedar.authorizer),
                &mut || catalog_all(&engine, &world, &province.catalog),
                &mut || catalog_floor.run(&cedar.authorizer),
                &mut || {
                    for r in requests {
                        black_box(rego.decide(black_box(&world), &cedar.calendar, black_box(r)));
                    }
                },
                &mut || decide_all(&engine, &changed, requests),
                &mut || decide_all(&engine, &world, &unique),
                &mut || {
                    decide_all_cached(&mut cache, &engine, &world, &unique);
                },
                &mut || {
                    for p in &partials {
                        black_box(p.evaluate(&cedar.policies, &cedar.schema));
                    }
                },
                &mut || {
                    for (residuals, p) in kept.iter().zip(&floor) {
                        black_box(common::tpe::hit(residuals, black_box(p)));
                    }
                },
                &mut || decide_all(&engine, &world, &queries),
                &mut || decide_all(&extra, &world, &queries),
                #[cfg(lgsp_frozen)]
                &mut || frozen.decide_all(),
            ],
        );
        let base = &t[3];
        let reference_decide = &t[4];
        facts.paired = Some(Paired {
            rounds,
            decide_vs_floor: median_ratio(&t[0], &t[1]),
            decide_vs_hand: median_ratio(&t[0], &t[2]),
            regorus_vs_decide: median_ratio(&t[11], &t[0]),
            after_changes_vs_floor: median_ratio(&t[12], &t[1]),
            decide_vs_cache_hit: median_ratio(&t[13], &t[14]),
            tpe_vs_floor: [median_ratio(&t[15], &t[1]), median_ratio(&t[16], &t[1])],
            #[cfg(lgsp_frozen)]
            frozen_vs_decide: median_ratio(&t[19], &t[0]),
            pack200_vs_builtin: median_ratio(&t[18], &t[17]),
            vs_reference: median_ratio(base, reference_decide),
            acts_vs_floor: [
                median_ratio(&t[5], &t[6]),
                median_ratio(&t[7], &t[8]),
                median_ratio(&t[9], &t[10]),
            ],
            threads: threads.then(|| {
                // The control: a second engine and world, built alike, for the second
                // thread, so the two threads share nothing.
                let own = (
                    Engine::builtin().unwrap(),
                    World::new(province.data.clone()).unwrap(),
                );
                shared_engine(&engine, &world, (&own.0, &own.1), requests, rounds)
            }),
        });
    }

    // The suspension, restoration and catalog benches are in the group `acts_{size}`
    // above, and in the interleaved rounds; their rows are in `summary`.

    facts
}

/// `datetime("…")` as the engine builds it (src/model.rs): the function name parsed once.
fn datetime_cached_name(text: &str) -> cedar_policy::RestrictedExpression {
    use cedar_policy_core::ast::{Name, RestrictedExpr};
    static NAME: std::sync::OnceLock<Name> = std::sync::OnceLock::new();
    let name = NAME.get_or_init(|| Name::parse_unqualified_name("datetime").unwrap());
    RestrictedExpr::call_extension_fn(name.clone(), [RestrictedExpr::val(text)]).into()
}

/// The parts of one evaluation the engine builds per request, measured alone: is the
/// per-request context worth optimising?
fn bench_parts(c: &mut Criterion, cedar: &Cedar) {
    use cedar_policy::{Context, RestrictedExpression};
    let text = "2024-06-03T09:30:00.000+0700";
    let mut g = c.benchmark_group("parts");
    g.bench_function("datetime_new_datetime", |b| {
        b.iter(|| RestrictedExpression::new_datetime(black_box(text)))
    });
    g.bench_function("datetime_cached_name", |b| {
        b.iter(|| datetime_cached_name(black_box(text)))
    });
    let pairs = |now: RestrictedExpression| {
        vec![
            ("now".to_owned(), now),
            (
                "channel".to_owned(),
                RestrictedExpression::new_string("lgsp".into()),
            ),
            (
                "purpose".to_owned(),
                RestrictedExpression::new_string("statistics".into()),
            ),
            (
                "authenticated".to_owned(),
                RestrictedExpression::new_bool(true),
            ),
            (
                "subjectRequested".to_owned(),
                RestrictedExpression::new_bool(false),
            ),
            (
                "agreement".to_owned(),
                RestrictedExpression::new_entity_uid(cedar.uid("Agreement", "agr-000001")),
            ),
        ]
    };
    g.bench_function("context_new_datetime", |b| {
        b.iter(|| Context::from_pairs(pairs(RestrictedExpression::new_datetime(text))).unwrap())
    });
    g.bench_function("context_cached_name", |b| {
        b.iter(|| Context::from_pairs(pairs(datetime_cached_name(text))).unwrap())
    });
    let action = cedar.uid("Action", "query");
    g.bench_function("context_json_with_schema", |b| {
        b.iter(|| {
            let v = serde_json::json!({
                "now": text,
                "channel": "lgsp",
                "purpose": "statistics",
                "authenticated": true,
                "subjectRequested": false,
                "agreement": {"__entity": {"type": "Lgsp::Agreement", "id": "agr-000001"}},
            });
            Context::from_json_value(v, Some((&cedar.schema, &action))).unwrap()
        })
    });
    g.finish();
}

fn bench_engine_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("build_engine");
    g.sampling_mode(SamplingMode::Flat).sample_size(10);
    g.bench_function("builtin", |b| b.iter(|| Engine::builtin().unwrap()));
    g.bench_function("pack200", |b| b.iter(|| Engine::new(extra_pack())));
    g.finish();
}

// ------------------------------------------------------------------ interleaved rounds

/// Rounds of the interleaved measurement: `LGSP_BENCH_ROUNDS`, default 30; none under
/// `--test` and `--list`.
fn rounds(testing: bool) -> usize {
    if testing {
        return 0;
    }
    std::env::var("LGSP_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(30)
}

/// Runs every contender once per round, in an order reversed every other round, and
/// returns each contender's seconds per round. Each timed run follows an untimed run of
/// the same contender, so every contender is timed with its own data in the caches, as
/// criterion times it, whatever ran before it. (Without it, the contenders at either end
/// of the order ran twice in a row every other round and after a stranger in the others:
/// the per-round ratio of two such contenders fell into two clusters, and their median
/// between them, wherever the two middle rounds landed.)
fn interleaved(rounds: usize, contenders: &mut [&mut dyn FnMut()]) -> Vec<Vec<f64>> {
    let n = contenders.len();
    let mut times = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for k in 0..n {
            let i = if round % 2 == 0 { k } else { n - 1 - k };
            (contenders[i])();
            let start = Instant::now();
            (contenders[i])();
            times[i].push(start.elapsed().as_secs_f64());
        }
    }
    times
}

fn median_of(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// The median over rounds of a[i] / b[i].
fn median_ratio(a: &[f64], b: &[f64]) -> f64 {
    median_of(a.iter().zip(b).map(|(x, y)| x / y).collect())
}

/// CPU time of the calling thread and its time waiting for a core, in seconds: the first
/// two fields of /proc/thread-self/schedstat (ns); where the kernel has no schedstat, the
/// utime + stime of /proc/thread-self/stat (10 ms ticks) and no waiting time.
fn thread_cpu() -> (f64, f64) {
    let schedstat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns: Vec<u64> = schedstat
        .split_whitespace()
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    if let [on_cpu, waiting] = ns[..] {
        return (on_cpu as f64 / 1e9, waiting as f64 / 1e9);
    }
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<u64> = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    (fields.iter().sum::<u64>() as f64 / 100.0, 0.0)
}

/// The pool as each of two threads decides it: the second starts half-way through, so the
/// threads decide different requests at any moment, as a gateway's threads do, rather
/// than the same request in lockstep (which would have them touch the same entities, and
/// the same reference counts, at the same instant).
fn rotated_pools(requests: &[AccessRequest]) -> [Vec<AccessRequest>; 2] {
    let mut second = requests.to_vec();
    second.rotate_left(requests.len() / 2);
    [requests.to_vec(), second]
}

/// One engine shared by one thread and by two, in interleaved rounds, with a control: two
/// threads with an engine and a world each. Each thread decides the pool `PASSES` times
/// (the second thread from half-way through). Wall-clock speedups, CPU time per decision
/// on each side, and the time the threads waited for a core. A speedup short of 2 with
/// long waits means the cores were busy with other work; CPU per decision rising on two
/// threads means they slow each other down — through the engine (locks, shared reference
/// counts) only if it rises more with the shared engine than in the control, which shares
/// nothing but the machine (caches, memory, clock speed).
fn shared_engine(
    engine: &Engine,
    world: &World,
    own: (&Engine, &World),
    requests: &[AccessRequest],
    rounds: usize,
) -> Threads {
    const PASSES: usize = 4;
    let pools = rotated_pools(requests);
    // Per side (1 thread, 2 sharing, 2 separate): CPU seconds, waiting seconds.
    let used = std::sync::Mutex::new([(0.0f64, 0.0f64); 3]);
    let run = |side: usize| {
        let threads = if side == 0 { 1 } else { 2 };
        std::thread::scope(|s| {
            for (k, pool) in pools.iter().take(threads).enumerate() {
                let used = &used;
                let (engine, world) = if side == 2 && k == 1 {
                    own
                } else {
                    (engine, world)
                };
                s.spawn(move || {
                    let (cpu0, wait0) = thread_cpu();
                    for _ in 0..PASSES {
                        decide_all(engine, world, pool);
                    }
                    let (cpu1, wait1) = thread_cpu();
                    if let Ok(mut u) = used.lock() {
                        u[side].0 += cpu1 - cpu0;
                        u[side].1 += wait1 - wait0;
                    }
                });
            }
        })
    };
    let t = interleaved(
        rounds,
        &mut [&mut || run(0), &mut || run(1), &mut || run(2)],
    );
    let one: Vec<f64> = t[0].iter().map(|x| 2.0 * x).collect();
    // The CPU of every run is counted, the untimed run of each round (see `interleaved`)
    // too: two runs a round.
    let decisions = (2 * rounds * PASSES * requests.len()) as f64;
    let used = used.into_inner().unwrap_or_default();
    let share = |(cpu, wait): (f64, f64)| if cpu > 0.0 { wait / cpu } else { f64::NAN };
    Threads {
        speedup: median_ratio(&one, &t[1]),
        cpu_us_1: used[0].0 / decisions * 1e6,
        cpu_us_2: used[1].0 / (2.0 * decisions) * 1e6,
        waiting_1: share(used[0]),
        waiting_2: share(used[1]),
        separate_speedup: median_ratio(&one, &t[2]),
        separate_cpu_us: used[2].0 / (2.0 * decisions) * 1e6,
    }
}

// ------------------------------------------------------------------ memory

/// In a child process: generate the province, then build its world and an engine, and
/// print the resident set sizes.
fn memory_child(size: usize) {
    let (_, before) = common::rss_kib();
    let province = common::province(size, SEED);
    let requests = province.requests.clone();
    let (_, data) = common::rss_kib();
    let started = Instant::now();
    let world = World::new(province.data).unwrap();
    let built = started.elapsed();
    let engine = Engine::builtin().unwrap();
    black_box((&world, &engine));
    let (peak, after) = common::rss_kib();
    println!("memory {size} {before} {data} {peak} {after}");
    // With `LGSP_BENCH_MEMORY_TIMES`: the build time, and the median of 15 passes over the
    // pool's requests, µs per decision (for the sizes the criterion benches do not run).
    if std::env::var_os("LGSP_BENCH_MEMORY_TIMES").is_some() {
        let mut passes: Vec<f64> = (0..15)
            .map(|_| {
                let t = Instant::now();
                decide_all(&engine, &world, &requests);
                t.elapsed().as_secs_f64() * 1e6 / requests.len() as f64
            })
            .collect();
        passes.sort_by(f64::total_cmp);
        println!(
            "times {size} build_ms {:.0} decide_us {:.1}",
            built.as_secs_f64() * 1e3,
            passes[passes.len() / 2]
        );
    }
    // With `LGSP_BENCH_PROFILE_SECONDS`: decide the pool over and over for that long, for
    // a profiler attached to this process (docs/PERFORMANCE.md, "Where the time goes").
    if let Some(seconds) = std::env::var("LGSP_BENCH_PROFILE_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
    {
        let started = Instant::now();
        let mut decisions = 0usize;
        while started.elapsed().as_secs_f64() < seconds {
            decide_all(&engine, &world, &requests);
            decisions += requests.len();
        }
        println!(
            "profile {size} decisions {decisions} us_per_decision {:.2}",
            started.elapsed().as_secs_f64() * 1e6 / decisions as f64
        );
    }
}

#[derive(Debug, Clone, Copy)]
struct Memory {
    before: u64,
    data: u64,
    peak: u64,
    after: u64,
}

fn memory(size: usize) -> Option<Memory> {
    let exe = std::env::current_exe().ok()?;
    let out = Command::new(exe)
        .env("LGSP_BENCH_MEMORY_CHILD", size.to_string())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("memory "))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(2)
        .filter_map(|x| x.parse().ok())
        .collect();
    Some(Memory {
        before: *v.first()?,
        data: *v.get(1)?,
        peak: *v.get(2)?,
        after: *v.get(3)?,
    })
}

// ------------------------------------------------------------------ the table

/// Where criterion writes its estimates (its own rule: $CRITERION_HOME, then
/// $CARGO_TARGET_DIR/criterion, then the target directory from `cargo metadata`).
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    let metadata = std::env::var_os("CARGO").and_then(|cargo| {
        Command::new(cargo)
            .args(["metadata", "--format-version", "1", "--no-deps"])
            .output()
            .ok()
    });
    metadata
        .and_then(|o| serde_json::from_slice::<serde_json::Value>(&o.stdout).ok())
        .and_then(|v| v["target_directory"].as_str().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("target"))
        .join("criterion")
}

/// The median time of one iteration of a benchmark measured in this run, in ns.
fn criterion_median(dir: &Path, since: SystemTime, group: &str, function: &str) -> Option<f64> {
    let path = dir.join(group).join(function).join("new/estimates.json");
    let fresh = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= since);
    if !fresh {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    v["median"]["point_estimate"].as_f64()
}

/// The first ratio table's column for the frozen engine (`scripts/bench-frozen.sh`): its
/// header and rule, and its cell in a row; nothing in the ordinary bench.
#[cfg(lgsp_frozen)]
fn frozen_header() -> (String, &'static str) {
    let header = format!(" frozen {} / decide (≥ 5 at 100,000) |", frozen::label());
    (header, "---:|")
}

#[cfg(lgsp_frozen)]
fn frozen_cell(p: Option<Paired>) -> String {
    p.map_or(" – |".into(), |p| format!(" {:.2} |", p.frozen_vs_decide))
}

/// The frozen engine's label in the issue-15 table.
#[cfg(lgsp_frozen)]
fn frozen_label() -> String {
    frozen::label()
}

#[cfg(lgsp_frozen)]
fn frozen_ratio(p: Option<Paired>) -> String {
    p.map_or("–".into(), |p| format!("{:.2}", p.frozen_vs_decide))
}

#[cfg(not(lgsp_frozen))]
fn frozen_label() -> String {
    "not run: scripts/bench-frozen.sh".into()
}

#[cfg(not(lgsp_frozen))]
fn frozen_ratio(_: Option<Paired>) -> String {
    "–".into()
}

#[cfg(not(lgsp_frozen))]
fn frozen_header() -> (String, &'static str) {
    (String::new(), "")
}

#[cfg(not(lgsp_frozen))]
fn frozen_cell(_: Option<Paired>) -> String {
    String::new()
}

fn summary(
    since: SystemTime,
    start_load: &str,
    facts: &BTreeMap<usize, PoolFacts>,
    threads_size: Option<usize>,
) {
    let dir = criterion_dir();
    let m = |g: &str, f: &str| criterion_median(&dir, since, g, f);
    let per = |g: &str, f: &str, n: usize| m(g, f).map(|t| t / n as f64 / 1000.0);
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "–".into(),
    };
    let us = |x: Option<f64>| x.map_or("–".into(), |x| format!("{x:.2}"));
    let sizes: Vec<usize> = facts.keys().copied().collect();
    let mut out = String::new();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|r| r.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    out.push_str(&format!(
        "\n## lgsp-policy bench summary ({cores} cores, {cpu}; load average at the start {start_load}, at the end {})\n\n",
        load.join(" ")
    ));
    let rounds = facts
        .values()
        .find_map(|f| f.paired.map(|p| p.rounds))
        .unwrap_or(0);
    let f2 = |x: Option<f64>| x.map_or("–".into(), |x| format!("{x:.2}"));
    // Issue 15: today's engine (the frozen copy, under scripts/bench-frozen.sh) and the
    // new one, with the baselines, all ratios from the same rounds.
    out.push_str(&format!(
        "### Issue 15: the decision against today's engine and the baselines — µs per request (criterion medians), ratios (medians of per-round ratios over {rounds} interleaved rounds; targets in brackets)\n\n\
         | agreements | today's decide ({}) µs | decide µs | today's / decide (≥ 5 at 100,000) | Cedar floor µs | decide / Cedar floor | hand floor µs | decide / hand floor | regorus µs | regorus / decide (≥ 5) | cache hit µs | decide / cache hit |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
        frozen_label()
    ));
    for &s in &sizes {
        let f = &facts[&s];
        let g = format!("access_{s}");
        let p = f.paired;
        out.push_str(&format!(
            "| {s} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            us(per(&g, "decide_frozen", f.requests)),
            us(per(&g, "decide", f.requests)),
            frozen_ratio(p),
            us(per(&g, "cedar_floor", f.requests)),
            f2(p.map(|p| p.decide_vs_floor)),
            us(per(&g, "hand_floor", f.requests)),
            f2(p.map(|p| p.decide_vs_hand)),
            us(per(&g, "regorus", f.requests)),
            f2(p.map(|p| p.regorus_vs_decide)),
            us(per(&format!("live_{s}"), "cache_hit", f.unique)),
            f2(p.map(|p| p.decide_vs_cache_hit)),
        ));
    }
    out.push_str(&format!(
        "\n### Cedar's partial evaluation (a lever of issue 15) on the Cedar floor's evaluations: µs per request (criterion medians), ratios over {rounds} interleaved rounds\n\n\
         | agreements | tpe, a miss µs | a miss / Cedar floor | re-authorising kept residuals, a hit µs | a hit / Cedar floor | decide / Cedar floor |\n\
         |---:|---:|---:|---:|---:|---:|\n"
    ));
    for &s in &sizes {
        let f = &facts[&s];
        let g = format!("levers_{s}");
        let p = f.paired;
        out.push_str(&format!(
            "| {s} | {} | {} | {} | {} | {} |\n",
            us(per(&g, "tpe_miss", f.requests)),
            f2(p.map(|p| p.tpe_vs_floor[0])),
            us(per(&g, "tpe_hit", f.requests)),
            f2(p.map(|p| p.tpe_vs_floor[1])),
            f2(p.map(|p| p.decide_vs_floor)),
        ));
    }
    let (frozen_head, frozen_rule) = frozen_header();
    out.push_str(&format!(
        "\n### Ratios (targets in brackets): medians of per-round ratios over {rounds} interleaved rounds\n\n\
         | agreements | regorus / decide (≥ 5) | decide / Cedar floor (≤ 1.3) | decide / decide on the 100-agreement province, same requests (≤ 1.1) | pack200 / built-in pack, queries (≤ 1.2) | decide / hand floor | naive / decide |{frozen_head}\n\
         |---:|---:|---:|---:|---:|---:|---:|{frozen_rule}\n"
    ));
    for &s in &sizes {
        let f = &facts[&s];
        let g = format!("access_{s}");
        let decide = per(&g, "decide", f.requests);
        let naive = m(&format!("naive_{s}"), "decide")
            .or(f.naive_once.map(|d| d.as_nanos() as f64))
            .map(|t| t / 1000.0);
        let p = f.paired;
        out.push_str(&format!(
            "| {s} | {} | {} | {} | {} | {} | {} |{}\n",
            f2(p.map(|p| p.regorus_vs_decide)),
            f2(p.map(|p| p.decide_vs_floor)),
            f2(p.map(|p| p.vs_reference)),
            f2(p.map(|p| p.pack200_vs_builtin)),
            f2(p.map(|p| p.decide_vs_hand)),
            ratio(naive, decide),
            frozen_cell(p),
        ));
    }
    out.push_str(&format!(
        "\n### The live world (issue 13): interleaved ratios over {rounds} rounds; criterion medians\n\n\
         | agreements | decide after 10,000 changes / Cedar floor (≤ 1.3) | decide / cache hit (≥ 20) | World::new (ms) | one change (µs) | World::new / one change (≥ 1,000) | 1,000 changes (ms) | World::new / 1,000 changes (≥ 50) |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|\n"
    ));
    for &s in &sizes {
        let f = &facts[&s];
        let p = f.paired;
        let g = format!("change_{s}");
        let new_ns = f.world_once.as_nanos() as f64;
        let one = m(&g, "apply_one");
        let thousand = m(&g, "apply_1000");
        out.push_str(&format!(
            "| {s} | {} | {} | {:.1} | {} | {} | {} | {} |\n",
            f2(p.map(|p| p.after_changes_vs_floor)),
            f2(p.map(|p| p.decide_vs_cache_hit)),
            new_ns / 1e6,
            us(one.map(|t| t / 1000.0)),
            one.map_or("–".into(), |t| format!("{:.0}", new_ns / t)),
            us(thousand.map(|t| t / 1e6)),
            thousand.map_or("–".into(), |t| format!("{:.0}", new_ns / t)),
        ));
    }
    if let Some(s) = threads_size
        && let Some(t) = facts.get(&s).and_then(|f| f.paired).and_then(|p| p.threads)
    {
        out.push_str(&format!(
            "\nOne Engine shared by 2 threads, {s} agreements: throughput × {:.2} of one thread (≥ 1.8, wall clock); \
             CPU per decision {:.1} µs on 1 thread, {:.1} µs on 2 threads, so × {:.2} on two free cores; \
             waiting for a core: {:.0} % of the running time on 1 thread, {:.0} % on 2. \
             Control, 2 threads with an engine and a world each: × {:.2} wall clock, CPU per decision {:.1} µs\n",
            t.speedup,
            t.cpu_us_1,
            t.cpu_us_2,
            2.0 * t.cpu_us_1 / t.cpu_us_2,
            100.0 * t.waiting_1,
            100.0 * t.waiting_2,
            t.separate_speedup,
            t.separate_cpu_us,
        ));
    }
    if let Some(s) = threads_size {
        let g = format!("threads_{s}");
        out.push_str(&format!(
            "(criterion, run one after the other: 2 threads / 1 thread throughput {})\n",
            ratio(m(&g, "1").map(|t| 2.0 * t), m(&g, "2"))
        ));
    }
    out.push_str(&format!(
        "\n### Suspension, restoration and catalog decisions against their Cedar floors: medians of per-round ratios over {rounds} interleaved rounds; µs per request (criterion medians)\n\n\
         | agreements | suspension / floor | restoration / floor | catalog / floor | suspension µs (floor) | restoration µs (floor) | catalog µs (floor) | allowed (of {} each) |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|\n",
        common::ACT_REQUESTS
    ));
    for &s in &sizes {
        let f = &facts[&s];
        let g = format!("acts_{s}");
        let n = common::ACT_REQUESTS;
        let pair = |decide: &str, floor: &str| {
            format!("{} ({})", us(per(&g, decide, n)), us(per(&g, floor, n)))
        };
        let r = |i: usize| f2(f.paired.map(|p| p.acts_vs_floor[i]));
        out.push_str(&format!(
            "| {s} | {} | {} | {} | {} | {} | {} | {} / {} / {} |\n",
            r(0),
            r(1),
            r(2),
            pair("suspension_decide", "suspension_floor"),
            pair("restoration_decide", "restoration_floor"),
            pair("catalog_decide", "catalog_floor"),
            f.acts_allowed[0],
            f.acts_allowed[1],
            f.acts_allowed[2],
        ));
    }
    out.push_str("\n### Absolute times, µs per request (criterion medians, each bench run on its own)\n\n| agreements | decide | regorus | Cedar floor | Cedar, whole-world store | hand floor | naive | decide (query) | decide (query, pack200) | decide (the 100-agreement province's requests) | Cedar evaluations / request | allowed |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for &s in &sizes {
        let f = &facts[&s];
        let g = format!("access_{s}");
        let queries = m(&g, "decide_query");
        out.push_str(&format!(
            "| {s} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2} | {}/{} |\n",
            us(per(&g, "decide", f.requests)),
            us(per(&g, "regorus", f.requests)),
            us(per(&g, "cedar_floor", f.requests)),
            us(per(&g, "cedar_whole_store", f.requests)),
            us(per(&g, "hand_floor", f.requests)),
            us(m(&format!("naive_{s}"), "decide")
                .or(f.naive_once.map(|d| d.as_nanos() as f64))
                .map(|t| t / 1000.0)),
            us(queries.map(|t| t / f.queries as f64 / 1000.0)),
            us(m(&g, "decide_query_pack200").map(|t| t / f.queries as f64 / 1000.0)),
            us(per(&g, "decide_base", f.base_requests)),
            f.evaluations as f64 / f.requests as f64,
            f.allowed,
            f.requests,
        ));
    }
    out.push_str("\n### Construction and memory\n\n| agreements | World::new (ms) | peak RSS (MiB) | RSS of the data alone (MiB) | RSS after building (MiB) |\n|---:|---:|---:|---:|---:|\n");
    for &s in &sizes {
        let world = m(&format!("build_{s}"), "world")
            .or(Some(facts[&s].world_once.as_nanos() as f64))
            .map(|t| t / 1e6);
        let mem = memory(s);
        let mib = |k: u64| format!("{:.1}", k as f64 / 1024.0);
        out.push_str(&format!(
            "| {s} | {} | {} | {} | {} |\n",
            world.map_or("–".into(), |x| format!("{x:.1}")),
            mem.map_or("–".into(), |m| mib(m.peak)),
            mem.map_or("–".into(), |m| mib(m.data.saturating_sub(m.before))),
            mem.map_or("–".into(), |m| mib(m.after)),
        ));
    }
    out.push_str(&format!(
        "\nEngine::builtin(): {} ms; the built-in pack + {EXTRA_POLICIES} policies: {} ms (independent of the province)\n",
        m("build_engine", "builtin").map_or("–".into(), |t| format!("{:.2}", t / 1e6)),
        m("build_engine", "pack200").map_or("–".into(), |t| format!("{:.2}", t / 1e6)),
    ));
    out.push_str("\n### Building one request's context (µs)\n\n| part | µs |\n|---|---:|\n");
    for (name, label) in [
        (
            "datetime_new_datetime",
            "`RestrictedExpression::new_datetime`",
        ),
        (
            "datetime_cached_name",
            "`datetime(…)` with the name parsed once (the engine)",
        ),
        (
            "context_new_datetime",
            "`Context::from_pairs`, six pairs, with `new_datetime`",
        ),
        (
            "context_cached_name",
            "`Context::from_pairs`, six pairs, name parsed once (the engine)",
        ),
        (
            "context_json_with_schema",
            "`Context::from_json_value` with the schema",
        ),
    ] {
        out.push_str(&format!(
            "| {label} | {} |\n",
            us(m("parts", name).map(|t| t / 1000.0))
        ));
    }
    let hand: usize = facts.values().map(|f| f.hand_disagreements).sum();
    let rego: usize = facts.values().map(|f| f.rego_disagreements).sum();
    out.push_str(&format!(
        "hand floor vs engine: {hand} disagreement(s), Rego peer vs engine: {rego}, over {} requests\n",
        facts.values().map(|f| f.requests).sum::<usize>()
    ));
    println!("{out}");
    let _ = std::fs::write(dir.join("lgsp-summary.md"), out);
}

/// `n` changes to a world as a back office makes them all day: agreements, from the
/// `from`-th, suspended if active and reactivated otherwise (each a replacement of the
/// whole record).
fn status_flips(world: &World, from: usize, n: usize) -> Vec<lgsp_policy::records::Change> {
    use lgsp_policy::records::{AgreementStatus, Change, Record};
    let count = world.agreements().count().max(1);
    let from = from % count;
    world
        .agreements()
        .skip(from)
        .chain(world.agreements().take(from))
        .take(n.min(count))
        .map(|g| {
            let mut g = g.clone();
            g.status = match g.status {
                AgreementStatus::Active => AgreementStatus::Suspended,
                _ => AgreementStatus::Active,
            };
            Change::Replace(Record::Agreement(g))
        })
        .collect()
}

/// Every request through a [`lgsp_policy::DecisionCache`].
fn decide_all_cached(
    cache: &mut lgsp_policy::DecisionCache,
    engine: &Engine,
    world: &World,
    requests: &[AccessRequest],
) -> usize {
    requests
        .iter()
        .filter(|r| cache.decide(engine, world, r).is_allowed())
        .count()
}

fn main() {
    if let Some(size) = std::env::var("LGSP_BENCH_MEMORY_CHILD")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        memory_child(size);
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let listing_or_testing = args.iter().any(|a| a == "--list" || a == "--test");
    let since = SystemTime::now();
    let start_load = std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    let cedar = Cedar::new();
    let sizes = sizes();
    let threads_size = sizes.get(sizes.len() / 2).copied();
    let rounds = rounds(listing_or_testing);
    let reference = Reference {
        world: World::new(common::province(common::BASE, SEED).data).unwrap(),
    };
    let mut facts = BTreeMap::new();
    for &size in &sizes {
        let f = bench_size(
            &mut c,
            size,
            &cedar,
            Some(size) == threads_size,
            &reference,
            rounds,
        );
        facts.insert(size, f);
    }
    bench_parts(&mut c, &cedar);
    bench_engine_build(&mut c);
    c.final_summary();
    if !listing_or_testing {
        summary(since, &start_load, &facts, threads_size);
    }
}
