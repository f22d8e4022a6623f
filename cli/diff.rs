//! `lgsp-policy diff OLD NEW`: compares two versions of a pack on every action, for every
//! request the schema allows (under the model assumptions): equivalent, or a request the
//! new version allows and the old denies, and the reverse, each replayed through both
//! versions and shown in Vietnamese, English and JSON.
//!
//! Exit codes: 0 equivalent on every action; 1 they differ (or the solver could not
//! decide); 2 a pack is broken; 3 usage or I/O, or no solver.

use std::path::Path;
use std::time::Instant;

use lgsp_policy::Engine;
use lgsp_policy::prove::{ProofPack, Prover};
use serde_json::json;

use crate::SolverArgs;
use crate::common::{self, FAILED, Failure, OK, pretty};
use crate::prove::{counterexample_text, replay_json};
use crate::solver;

/// Runs `diff` and gives the exit code.
pub fn run(old: &Path, new: &Path, solver_args: &SolverArgs, json: bool) -> u8 {
    match diff(old, new, solver_args, json) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("{failure}");
            failure.code
        }
    }
}

fn diff(
    old_dir: &Path,
    new_dir: &Path,
    solver_args: &SolverArgs,
    json: bool,
) -> Result<u8, Failure> {
    let old = common::load_pack(old_dir)?;
    let new = common::load_pack(new_dir)?;
    let (old_proof, new_proof) = (
        ProofPack::new(&old).map_err(|e| Failure::broken(e.to_string()))?,
        ProofPack::new(&new).map_err(|e| Failure::broken(e.to_string()))?,
    );
    let (old_engine, new_engine) = (Engine::new(old.clone()), Engine::new(new.clone()));
    let runtime = solver::runtime()?;
    let started = Instant::now();
    let diffs = runtime.block_on(async {
        let mut prover =
            Prover::new(solver::spawn(solver_args)?).map_err(|e| Failure::usage(e.to_string()))?;
        let diffs = prover
            .diff(&old_proof, &new_proof)
            .await
            .map_err(|e| Failure::usage(e.to_string()))?;
        if let Err(e) = prover.solver_mut().clean_up().await {
            eprintln!("lgsp-policy: stopping the solver: {e}");
        }
        Ok::<_, Failure>(diffs)
    })?;
    let took = started.elapsed();
    let differ = diffs.iter().filter(|d| !d.is_equivalent()).count();
    if json {
        let out: Vec<_> = diffs
            .iter()
            .map(|d| {
                json!({
                    "diff": d,
                    "new_allows_replay": d.new_allows.as_ref().map(|c| json!({
                        "old": replay_json(c, &old_engine), "new": replay_json(c, &new_engine) })),
                    "old_allows_replay": d.old_allows.as_ref().map(|c| json!({
                        "old": replay_json(c, &old_engine), "new": replay_json(c, &new_engine) })),
                })
            })
            .collect();
        println!(
            "{}",
            pretty(
                &json!({ "old": old_dir, "new": new_dir, "actions": out, "equivalent": differ == 0 })
            )
        );
    } else {
        println!(
            "comparing {} (old, {} {}) with {} (new, {} {})",
            old_dir.display(),
            old.manifest().id,
            old.manifest().version,
            new_dir.display(),
            new.manifest().id,
            new.manifest().version
        );
        let engines = [("old version", &old_engine), ("new version", &new_engine)];
        for d in &diffs {
            if d.is_equivalent() {
                println!("  {:<20} equivalent", d.action);
                continue;
            }
            println!("  {:<20} DIFFERENT", d.action);
            if let Some(c) = &d.new_allows {
                println!("    the new version allows a request the old one denies:");
                print!("{}", counterexample_text(c, &engines, "      "));
            }
            if let Some(c) = &d.old_allows {
                println!("    the old version allows a request the new one denies:");
                print!("{}", counterexample_text(c, &engines, "      "));
            }
            if let Some(u) = &d.undecided {
                println!("    undecided: {u}");
            }
        }
        println!(
            "result: {}; {:.1} ms",
            if differ == 0 {
                "equivalent on every action".to_owned()
            } else {
                format!("{differ} of {} actions differ", diffs.len())
            },
            took.as_secs_f64() * 1000.0
        );
    }
    Ok(if differ == 0 { OK } else { FAILED })
}
