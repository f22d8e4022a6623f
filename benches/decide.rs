//! Benchmarks: access decisions, world and engine construction, on generated provinces of
//! 100, 10,000 and 100,000 agreements, with the baselines measured in the same run on the
//! same requests (see docs/PERFORMANCE.md and benches/common).
//!
//! ```text
//! cargo bench --bench decide                           # everything, then the ratio table
//! LGSP_BENCH_SIZES=100,10000 cargo bench --bench decide   # fewer sizes
//! cargo bench --bench decide -- access_100/            # a criterion filter (no table)
//! ```
//!
//! After criterion's own report, the bench prints the table of docs/PERFORMANCE.md: ratios
//! first, computed from the medians of this run, then absolute times, build times and
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

use criterion::{BatchSize, Criterion, SamplingMode, Throughput};
use lgsp_policy::{AccessRequest, Action, Engine, RulePack, World};

use common::baselines::{self, Cedar};

const SEED: u64 = 0x5EED_0557_2024;
const SIZES: [usize; 3] = [100, 10_000, 100_000];
/// Extra policies for another action, to show that slicing keeps them off the path.
const EXTRA_POLICIES: usize = 200;

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

/// Facts about a province's request pool, printed with the table.
#[derive(Default)]
struct PoolFacts {
    requests: usize,
    queries: usize,
    allowed: usize,
    evaluations: usize,
    hand_disagreements: usize,
}

fn bench_size(c: &mut Criterion, size: usize, cedar: &Cedar, threads: bool) -> PoolFacts {
    let province = common::province(size, SEED);
    let world = World::new(province.data.clone()).unwrap();
    let engine = Engine::builtin().unwrap();
    let extra = Engine::new(extra_pack());
    let requests = &province.requests;
    let queries: Vec<AccessRequest> = requests
        .iter()
        .filter(|r| r.action == Action::Query)
        .cloned()
        .collect();
    let floor = baselines::prepare_floor(cedar, &engine, &world, requests);
    let facts = PoolFacts {
        requests: requests.len(),
        queries: queries.len(),
        allowed: requests
            .iter()
            .filter(|r| engine.decide(&world, r).is_allowed())
            .count(),
        evaluations: floor.len(),
        hand_disagreements: baselines::disagreements(&engine, &world, requests),
    };

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
                black_box(baselines::hand_decide(black_box(&world), black_box(r)));
            }
        })
    });
    g.throughput(Throughput::Elements(queries.len() as u64));
    g.bench_function("decide_query", |b| {
        b.iter(|| decide_all(&engine, &world, &queries))
    });
    g.bench_function("decide_query_pack200", |b| {
        b.iter(|| decide_all(&extra, &world, &queries))
    });
    g.finish();

    // The naive integration: one request per iteration, cycling through the pool.
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

    if threads {
        // One engine shared by one and by two threads; each thread decides the whole pool
        // per iteration, so throughput(2) / throughput(1) = 2 * t(1) / t(2).
        let mut g = c.benchmark_group(format!("threads_{size}"));
        for n in [1usize, 2] {
            g.bench_function(format!("{n}"), |b| {
                b.iter_custom(|iters| {
                    let start = Instant::now();
                    std::thread::scope(|s| {
                        for _ in 0..n {
                            s.spawn(|| {
                                for _ in 0..iters {
                                    decide_all(&engine, &world, requests);
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

    // -------------------------------------------------------------- suspension, catalog
    // PLACE FOR THE SUSPENSION AND CATALOG BENCHES. Those decisions are being written on
    // other branches; when they land, generate their requests in `common::province`
    // (next to `requests`), and add here, on this province:
    //   g.bench_function("suspension_decide", ...)  // the suspension decision
    //   g.bench_function("catalog_decide", ...)     // the catalog decision
    // each with its Cedar floor built like `baselines::prepare_floor`, and add their rows
    // to `summary` below.

    facts
}

/// The parts of one evaluation the engine builds per request, measured alone.
fn bench_parts(c: &mut Criterion, cedar: &Cedar) {
    use cedar_policy::{Context, RestrictedExpression};
    let text = "2024-06-03T09:30:00.000+0700";
    let mut g = c.benchmark_group("parts");
    g.bench_function("new_datetime", |b| {
        b.iter(|| RestrictedExpression::new_datetime(black_box(text)))
    });
    let pairs = || {
        vec![
            ("now".to_owned(), RestrictedExpression::new_datetime(text)),
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
    g.bench_function("context_from_pairs", |b| {
        b.iter(|| Context::from_pairs(pairs()).unwrap())
    });
    let action = cedar.uid("Action", "query");
    g.bench_function("context_from_json_with_schema", |b| {
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

// ------------------------------------------------------------------ memory

/// In a child process: generate the province, then build its world and an engine, and
/// print the resident set sizes.
fn memory_child(size: usize) {
    let (_, before) = common::rss_kib();
    let province = common::province(size, SEED);
    let (_, data) = common::rss_kib();
    let world = World::new(province.data).unwrap();
    let engine = Engine::builtin().unwrap();
    black_box((&world, &engine));
    let (peak, after) = common::rss_kib();
    println!("memory {size} {before} {data} {peak} {after}");
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
fn median(dir: &Path, since: SystemTime, group: &str, function: &str) -> Option<f64> {
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

fn summary(since: SystemTime, facts: &BTreeMap<usize, PoolFacts>, threads_size: Option<usize>) {
    let dir = criterion_dir();
    let m = |g: &str, f: &str| median(&dir, since, g, f);
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
    out.push_str(&format!(
        "\n## lgsp-policy bench summary (medians of this run; {cores} cores, {cpu})\n\n"
    ));
    out.push_str("### Ratios (target)\n\n| agreements | decide / Cedar floor (≤ 1.3) | decide / hand floor | naive / decide | pack200 / builtin, query (≤ 1.2) |\n|---:|---:|---:|---:|---:|\n");
    let mut decide_us = BTreeMap::new();
    for &s in &sizes {
        let n = facts[&s].requests;
        let g = format!("access_{s}");
        let nq = m(&g, "decide_query");
        let decide = per(&g, "decide", n);
        decide_us.insert(s, decide);
        let floor = per(&g, "cedar_floor", n);
        let hand = per(&g, "hand_floor", n);
        let naive = m(&format!("naive_{s}"), "decide").map(|t| t / 1000.0);
        out.push_str(&format!(
            "| {s} | {} | {} | {} | {} |\n",
            ratio(decide, floor),
            ratio(decide, hand),
            ratio(naive, decide),
            ratio(m(&g, "decide_query_pack200"), nq),
        ));
    }
    if let (Some(small), Some(large)) = (sizes.first(), sizes.last())
        && small != large
    {
        out.push_str(&format!(
            "\ndecide on {large} / decide on {small} agreements (≤ 1.1): {}\n",
            ratio(decide_us[large], decide_us[small])
        ));
    }
    if let Some(s) = threads_size {
        let g = format!("threads_{s}");
        out.push_str(&format!(
            "throughput of one Engine on 2 threads / on 1 thread, {s} agreements (≥ 1.8): {}\n",
            ratio(m(&g, "1").map(|t| 2.0 * t), m(&g, "2"))
        ));
    }
    out.push_str("\n### Absolute times, µs per request\n\n| agreements | decide | Cedar floor | hand floor | naive | decide (query) | decide (query, pack200) | Cedar evaluations / request | allowed |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for &s in &sizes {
        let f = &facts[&s];
        let g = format!("access_{s}");
        let queries = m(&g, "decide_query");
        out.push_str(&format!(
            "| {s} | {} | {} | {} | {} | {} | {} | {:.2} | {}/{} |\n",
            us(per(&g, "decide", f.requests)),
            us(per(&g, "cedar_floor", f.requests)),
            us(per(&g, "hand_floor", f.requests)),
            us(m(&format!("naive_{s}"), "decide").map(|t| t / 1000.0)),
            us(queries.map(|t| t / f.queries as f64 / 1000.0)),
            us(m(&g, "decide_query_pack200").map(|t| t / f.queries as f64 / 1000.0)),
            f.evaluations as f64 / f.requests as f64,
            f.allowed,
            f.requests,
        ));
    }
    out.push_str("\n### Construction and memory\n\n| agreements | World::new (ms) | peak RSS (MiB) | RSS of the data alone (MiB) | RSS after building (MiB) |\n|---:|---:|---:|---:|---:|\n");
    for &s in &sizes {
        let world = m(&format!("build_{s}"), "world").map(|t| t / 1e6);
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
    let hand: usize = facts.values().map(|f| f.hand_disagreements).sum();
    out.push_str(&format!(
        "hand floor vs engine: {hand} disagreement(s) over {} requests\n",
        facts.values().map(|f| f.requests).sum::<usize>()
    ));
    println!("{out}");
    let _ = std::fs::write(dir.join("lgsp-summary.md"), out);
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
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    let cedar = Cedar::new();
    let sizes = sizes();
    let threads_size = sizes.get(sizes.len() / 2).copied();
    let mut facts = BTreeMap::new();
    for &size in &sizes {
        let f = bench_size(&mut c, size, &cedar, Some(size) == threads_size);
        facts.insert(size, f);
    }
    bench_parts(&mut c, &cedar);
    bench_engine_build(&mut c);
    c.final_summary();
    if !listing_or_testing {
        summary(since, &facts, threads_size);
    }
}
