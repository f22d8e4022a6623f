//! The access story: the built-in Phú Yên rule pack (QD05/2024) deciding a province's data
//! requests.
//!
//! It reads the example province and its requests (by default the ones shipped with the
//! built-in pack), decides each request, and prints a table: the request, the decision,
//! every reason with its clause in Vietnamese and English, and the duties the decision
//! creates. The library does no I/O: this example reads the files and prints.

use std::error::Error;

use lgsp_policy::{AccessRequest, Decision, Duty, Engine, World};

const DEFAULT_WORLD: &str = "policies/qd05-2024-phu-yen/tests/phu-yen.world.json";
const DEFAULT_CASES: &str = "policies/qd05-2024-phu-yen/tests/access.cases.json";

#[derive(serde::Deserialize)]
struct Suite {
    cases: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    request: AccessRequest,
}

/// Decides every request of the cases file against the world file and prints the table.
pub fn run(world_path: Option<String>, cases_path: Option<String>) -> Result<(), Box<dyn Error>> {
    let world_path = world_path.unwrap_or_else(|| DEFAULT_WORLD.to_owned());
    let cases_path = cases_path.unwrap_or_else(|| DEFAULT_CASES.to_owned());

    let world = World::from_json(&std::fs::read_to_string(&world_path)?)
        .map_err(|e| format!("{world_path}: {e}"))?;
    let suite: Suite = serde_json::from_str(&std::fs::read_to_string(&cases_path)?)
        .map_err(|e| format!("{cases_path}: {e}"))?;
    let engine = Engine::builtin()?;

    let pack = engine
        .packs()
        .first()
        .map(|p| p.manifest())
        .ok_or("no pack")?;
    println!(
        "Rule pack {} v{} — {}",
        pack.id, pack.version, pack.title.en
    );
    println!(
        "Territories {} · in force from {} · {} agencies, {} datasets, {} agreements\n",
        pack.territories
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        pack.effective_from,
        world.agencies().count(),
        world.datasets().count(),
        world.agreements().count()
    );

    let (mut allowed, mut denied) = (0, 0);
    for (n, case) in suite.cases.iter().enumerate() {
        let decision = engine.decide(&world, &case.request);
        if decision.is_allowed() {
            allowed += 1;
        } else {
            denied += 1;
        }
        print_case(n + 1, &case.name, &case.request, &world, &decision);
    }
    println!(
        "{} requests: {allowed} allowed, {denied} denied.",
        suite.cases.len()
    );
    Ok(())
}

pub fn print_case(n: usize, name: &str, r: &AccessRequest, world: &World, d: &Decision) {
    let holder = world
        .account(&r.account)
        .and_then(|a| world.agency(&a.holder))
        .map_or("?", |a| a.name.as_str());
    println!("{n:>2}. {name}");
    println!(
        "    {} ({holder}) · {:?} {} · via {:?} · purpose {} · {}{}",
        r.account,
        r.action,
        r.dataset,
        r.channel,
        r.purpose,
        r.at.format("%Y-%m-%d %H:%M %:z"),
        if r.subject_requested {
            " · at the data subject's request"
        } else {
            ""
        }
    );
    let verdict = if d.is_allowed() { "ALLOW" } else { "DENY " };
    for (i, reason) in d.reasons.iter().enumerate() {
        let lead = if i == 0 { verdict } else { "     " };
        println!(
            "    {lead} [{}] {} — {}",
            reason.clause, reason.code, reason.en
        );
        println!("          {}", reason.vi);
        if let Some(detail) = &reason.detail {
            println!("          ({detail})");
        }
    }
    for duty in &d.duties {
        match duty {
            Duty::LogRequest {
                provider,
                keep_until,
                clause,
                ..
            } => println!(
                "    duty  [{clause}] {provider} logs this request and what it shared, kept until at least {}",
                keep_until.format("%Y-%m-%d %H:%M %:z")
            ),
            Duty::ReportRefusal {
                provider,
                requester,
                authority,
                clause,
                ..
            } => println!(
                "    duty  [{clause}] {provider} states the reasons to {requester} and notifies {}",
                authority
                    .as_ref()
                    .map_or("the competent authority", |a| a.as_str())
            ),
            other => println!("    duty  {other:?}"),
        }
    }
    for a in &d.advisories {
        println!("    note  [{}] {}", a.clause, a.en);
    }
    println!();
}
