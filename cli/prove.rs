//! `lgsp-policy prove PACK_DIR`: proves the properties of the pack's
//! `tests/*.properties.json` with cvc5, printing each as it is decided (proved, refuted or
//! undecided, with the time it took), and for a refutation a counterexample: the request
//! in Vietnamese and English, the engine's decision on it (replayed), and JSON. Then it
//! proves the engine's rewriting of the pack: for each slice of each action, every
//! policy's residual (`RulePack::slice_plans`) equivalent to the policy on the slice's
//! requests, one line per action, each failure in full.
//!
//! Exit codes: 0 every property and every residual proved; 1 one refuted or undecided; 2
//! the pack or a properties file is broken (a condition that does not validate, located
//! in its file); 3 usage or I/O, or no solver.

use std::path::Path;
use std::time::{Duration, Instant};

use lgsp_policy::authoring::PropertiesFile;
use lgsp_policy::prove::{Counterexample, PlanProof, ProofPack, ProveError, Prover, Verdict};
use lgsp_policy::{Decision, Engine, Outcome, World};
use serde_json::json;

use crate::SolverArgs;
use crate::common::{self, FAILED, Failure, OK, pretty};
use crate::decide::decision_lines;
use crate::solver;

/// Runs `prove` and gives the exit code.
pub fn run(pack_dir: &Path, solver_args: &SolverArgs, json: bool) -> u8 {
    match prove(pack_dir, solver_args, json) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("{failure}");
            failure.code
        }
    }
}

/// The properties files of a pack, read and parsed.
fn properties(pack_dir: &Path) -> Result<Vec<(String, String, PropertiesFile)>, Failure> {
    let mut files = Vec::new();
    for path in common::files_ending(&pack_dir.join("tests"), ".properties.json") {
        let name = path.display().to_string();
        let text = common::read(&path)?;
        let file = PropertiesFile::from_json(&text)
            .map_err(|e| Failure::broken(locate_property_error(&name, &text, &e)))?;
        files.push((name, text, file));
    }
    Ok(files)
}

/// A properties error at its line: JSON errors carry one; a property's error is shown at
/// its `name`.
fn locate_property_error(file: &str, text: &str, e: &dyn std::fmt::Display) -> String {
    let message = e.to_string();
    let located = common::located_json_error(file, text, &message);
    if located.starts_with(&format!("{file}: ")) {
        // Find the property by its name, quoted as the message quotes it.
        if let Some(name) = message.split('`').nth(1) {
            let needle = serde_json::to_string(name).unwrap_or_default();
            for (n, line) in text.lines().enumerate() {
                if let Some(col) = line.find(&needle) {
                    let column = line.get(..col).map_or(1, |s| s.chars().count() + 1);
                    return common::located(file, text, n + 1, column, &message);
                }
            }
        }
    }
    located
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn prove(pack_dir: &Path, solver_args: &SolverArgs, json: bool) -> Result<u8, Failure> {
    let pack = common::load_pack(pack_dir)?;
    let files = properties(pack_dir)?;
    let m = pack.manifest();
    let proof_pack = ProofPack::new(&pack).map_err(|e| Failure::broken(e.to_string()))?;
    let engine = Engine::new(pack.clone());
    let runtime = solver::runtime()?;
    let (code, report, plans) = runtime.block_on(async {
        let mut prover = Prover::new(solver::spawn(solver_args)?)
            .map_err(|e| Failure::usage(e.to_string()))?;
        if !json {
            println!(
                "proving pack {} {} ({} policies) with {} (each query limited to {} ms)",
                m.id,
                m.version,
                pack.rules().count(),
                solver::path(solver_args).display(),
                solver_args.timeout_ms
            );
        }
        let mut report = Vec::new();
        let (mut proved, mut failed, mut total_time) = (0, 0, Duration::ZERO);
        if files.is_empty() && !json {
            println!("\nno tests/*.properties.json: no properties to prove");
        }
        for (name, text, file) in &files {
            if !json {
                println!("\n{name}:");
            }
            let mut results = Vec::new();
            for property in &file.properties {
                let started = Instant::now();
                let result = prover
                    .check(&proof_pack, property, file.assume_model)
                    .await
                    .map_err(|e| match e {
                        ProveError::Solver(_) => Failure::usage(e.to_string()),
                        other => Failure::broken(locate_property_error(name, text, &other)),
                    })?;
                let took = started.elapsed();
                total_time += took;
                if result.verdict == Verdict::Proved {
                    proved += 1;
                } else {
                    failed += 1;
                }
                if !json {
                    println!(
                        "  {:<9} {:>10}  {:>4} {:<7}  [{}] {}",
                        result.verdict.as_str().to_uppercase(),
                        ms(took),
                        result.queries,
                        if result.queries == 1 { "query" } else { "queries" },
                        result.clause,
                        result.name
                    );
                    if result.verdict != Verdict::Proved {
                        for f in &result.findings {
                            println!("      {}: {}", f.action, f.message);
                            if let Some(cex) = &f.counterexample {
                                print!("{}", counterexample_text(cex, &[("decision", &engine)], "        "));
                            }
                        }
                    }
                }
                let replays: Vec<_> = result
                    .findings
                    .iter()
                    .map(|f| f.counterexample.as_ref().map(|c| replay_json(c, &engine)))
                    .collect();
                results.push(json!({ "result": result, "ms": took.as_secs_f64() * 1000.0, "replays": replays }));
            }
            report.push(json!({ "file": name, "properties": results }));
        }
        let plans = plans(&mut prover, &proof_pack, &engine, json).await?;
        total_time += plans.time;
        if let Err(e) = prover.solver_mut().clean_up().await {
            eprintln!("lgsp-policy: stopping the solver: {e}");
        }
        if !json {
            println!(
                "\nresult: {} properties, {proved} proved, {failed} refuted or undecided; {} residuals in {} slices of {} actions, {} proved equivalent, {} not; {} in total",
                proved + failed,
                plans.residuals,
                plans.slices,
                plans.report.len(),
                plans.residuals_proved,
                plans.failed,
                ms(total_time)
            );
        }
        let ok = failed == 0 && plans.failed == 0;
        Ok::<_, Failure>((if ok { OK } else { FAILED }, report, plans.report))
    })?;
    if json {
        println!(
            "{}",
            pretty(&json!({ "pack": m.id, "files": report, "plans": plans }))
        );
    }
    Ok(code)
}

/// The residuals proved, action by action.
struct PlansReport {
    /// One JSON object per action.
    report: Vec<serde_json::Value>,
    /// Slices, over all actions.
    slices: usize,
    /// Residuals of policies whose scope matches the action, over all slices.
    residuals: usize,
    /// Those proved equivalent.
    residuals_proved: usize,
    /// Proofs not proved (residuals, and policies out of an action's scope).
    failed: usize,
    time: Duration,
}

/// Proves every residual of every action (`Prover::check_plans`), printing one line per
/// action and each failure in full.
async fn plans(
    prover: &mut Prover<cedar_policy_symcc::solver::LocalSolver>,
    pack: &ProofPack,
    engine: &Engine,
    json: bool,
) -> Result<PlansReport, Failure> {
    if !json {
        println!(
            "\nresiduals (each policy's condition as the engine rewrote it, when the pack loaded, for each slice of an action's requests, proved equivalent to the policy on the slice):"
        );
    }
    let mut out = PlansReport {
        report: Vec::new(),
        slices: 0,
        residuals: 0,
        residuals_proved: 0,
        failed: 0,
        time: Duration::ZERO,
    };
    for action in pack.actions() {
        let started = Instant::now();
        let checked = prover
            .check_plans(pack, action)
            .await
            .map_err(|e| match e {
                ProveError::Solver(_) => Failure::usage(e.to_string()),
                other => Failure::broken(other.to_string()),
            })?;
        let took = started.elapsed();
        out.time += took;
        let proofs = &checked.proofs;
        let failures: Vec<&PlanProof> = proofs
            .iter()
            .filter(|p| p.verdict != Verdict::Proved)
            .collect();
        let verdict = if failures.iter().any(|p| p.verdict == Verdict::Refuted) {
            Verdict::Refuted
        } else if failures.is_empty() {
            Verdict::Proved
        } else {
            Verdict::Undecided
        };
        let slices = checked.slices;
        let in_scope = proofs.iter().filter(|p| p.scope_matches).count();
        let in_scope_proved = proofs
            .iter()
            .filter(|p| p.scope_matches && p.verdict == Verdict::Proved)
            .count();
        // The policies out of the action's scope, each once (the engine leaves them out
        // of every slice of the action).
        let mut out_of_scope: Vec<(&str, bool)> = Vec::new();
        for p in proofs.iter().filter(|p| !p.scope_matches) {
            let proved = p.verdict == Verdict::Proved;
            match out_of_scope
                .iter_mut()
                .find(|(id, _)| *id == p.policy.as_str())
            {
                Some((_, all)) => *all &= proved,
                None => out_of_scope.push((p.policy.as_str(), proved)),
            }
        }
        let out_of_scope_proved = out_of_scope.iter().filter(|(_, proved)| *proved).count();
        let out_of_scope = out_of_scope.len();
        let queries = checked.queries;
        out.slices += slices;
        out.residuals += in_scope;
        out.residuals_proved += in_scope_proved;
        out.failed += failures.len();
        if !json {
            println!(
                "  {:<9} {:>10}  {:>4} {:<7}  {action}: {slices} {}, {in_scope_proved} of {in_scope} residuals equivalent to their policies; {out_of_scope_proved} of {out_of_scope} policies out of its scope never hold",
                verdict.as_str().to_uppercase(),
                ms(took),
                queries,
                if queries == 1 { "query" } else { "queries" },
                if slices == 1 { "slice" } else { "slices" },
            );
            for p in &failures {
                println!(
                    "      {} {}: residual `{}`{}{}",
                    p.verdict.as_str().to_uppercase(),
                    p.policy,
                    p.residual,
                    if p.known.is_empty() {
                        String::new()
                    } else {
                        format!(" for the slice where {}", p.known.join(" && "))
                    },
                    if p.scope_matches {
                        ""
                    } else {
                        " (out of the action's scope: the engine leaves it out)"
                    }
                );
                if let Some(message) = &p.message {
                    println!("        {message}");
                }
                if let Some(cex) = &p.counterexample {
                    print!(
                        "{}",
                        counterexample_text(cex, &[("decision", engine)], "        ")
                    );
                }
            }
        }
        let failures: Vec<serde_json::Value> = failures
            .iter()
            .map(|p| {
                json!({
                    "proof": p,
                    "replay": p.counterexample.as_ref().map(|c| replay_json(c, engine)),
                })
            })
            .collect();
        out.report.push(json!({
            "action": action,
            "verdict": verdict,
            "slices": slices,
            "residuals": in_scope,
            "residuals_proved": in_scope_proved,
            "out_of_scope": out_of_scope,
            "out_of_scope_proved": out_of_scope_proved,
            "queries": queries,
            "ms": took.as_secs_f64() * 1000.0,
            "failures": failures,
        }));
    }
    Ok(out)
}

/// Replays an access counterexample through an engine: the decision, or why not.
pub fn replay(cex: &Counterexample, engine: &Engine) -> Option<Result<Decision, String>> {
    let access = cex.access.as_ref()?;
    Some(
        World::new(access.world.clone())
            .map(|world| engine.decide(&world, &access.request))
            .map_err(|e| format!("the counterexample's world does not build: {e}")),
    )
}

/// The replayed decision as JSON (or the reason there is none).
pub fn replay_json(cex: &Counterexample, engine: &Engine) -> serde_json::Value {
    match replay(cex, engine) {
        Some(Ok(d)) => json!(d),
        Some(Err(e)) => json!({ "error": e }),
        None => serde_json::Value::Null,
    }
}

/// A counterexample for a person: the request in both languages, each engine's decision
/// on it, the approximations, and the world, request and Cedar JSON.
pub fn counterexample_text(
    cex: &Counterexample,
    engines: &[(&str, &Engine)],
    indent: &str,
) -> String {
    let mut out = String::new();
    let mut line = |s: String| {
        for l in s.lines() {
            out.push_str(indent);
            out.push_str(l);
            out.push('\n');
        }
    };
    match &cex.access {
        Some(access) => {
            let (vi, en) = crate::describe::describe(access);
            line(format!("counterexample (vi): {vi}"));
            line(format!("counterexample (en): {en}"));
            for (label, engine) in engines {
                match replay(cex, engine) {
                    Some(Ok(d)) => line(format!(
                        "{label}: {}{}",
                        match d.outcome {
                            Outcome::Allow => "ALLOW (được phép)",
                            Outcome::Deny => "DENY (không được phép)",
                        },
                        decision_lines(&d)
                    )),
                    Some(Err(e)) => line(format!("{label}: not replayed: {e}")),
                    None => {}
                }
            }
            for a in &access.approximations {
                line(format!("approximation: {a}"));
            }
            line(format!(
                "world (JSON): {}",
                serde_json::to_string(&access.world).unwrap_or_default()
            ));
            line(format!(
                "request (JSON): {}",
                serde_json::to_string(&access.request).unwrap_or_default()
            ));
        }
        None => {
            if let Some(p) = &cex.access_problem {
                line(format!("({p})"));
            }
            line(format!(
                "request: principal {}, action {}, resource {}",
                cex.principal, cex.action, cex.resource
            ));
            line(format!("context (Cedar JSON): {}", cex.context));
            line(format!("entities (Cedar JSON): {}", cex.entities));
        }
    }
    out
}
