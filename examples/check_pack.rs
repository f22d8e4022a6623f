//! The policy author's checker: validates a rule pack folder, runs its test cases and
//! measures their coverage.
//!
//! ```text
//! cargo run --example check_pack -- <pack-folder> [options]
//!
//!   --require-coverage[=FILE,...]  every policy (of these .cedar files) must be reached
//!   --export-cedar DIR             write policies, schema and a run-tests file per suite for Cedar's CLI
//!   --json                         print the report as JSON instead of text
//! ```
//!
//! The folder holds `pack.json`, the `.cedar` files it lists and `tests/*.cases.json`
//! (see docs/POLICY_AUTHORING.md). Exit codes, for CI scripts:
//!
//! | code | meaning                                                                   |
//! |------|---------------------------------------------------------------------------|
//! | 0    | the pack loads, every test passes (and coverage is met if required)       |
//! | 1    | a test failed, or `--require-coverage` and a policy was not reached      |
//! | 2    | the pack is broken: manifest, policies, a test file or its world         |
//! | 3    | usage or I/O error (bad arguments, unreadable folder)                    |

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lgsp_policy::authoring::{
    Coverage, PackTestSuite, TestReport, TestWorld, cedar_policies_json, cedar_run_tests,
    cedar_schema_text, run_pack_tests,
};
use lgsp_policy::pack::{ENTITY_DEPTH, MODEL_VERSION, Severity};
use lgsp_policy::{Engine, Outcome, PackError, RulePack, World};

const OK: u8 = 0;
const TESTS_FAILED: u8 = 1;
const PACK_BROKEN: u8 = 2;
const USAGE: u8 = 3;

struct Args {
    folder: PathBuf,
    /// `None`: not required; `Some(empty)`: every file; `Some(files)`: these files.
    require: Option<Vec<String>>,
    export: Option<PathBuf>,
    json: bool,
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("check_pack: {problem}");
    eprintln!(
        "usage: cargo run --example check_pack -- <pack-folder> [--require-coverage[=FILE,...]] [--export-cedar DIR] [--json]"
    );
    ExitCode::from(USAGE)
}

fn parse_args() -> Result<Args, String> {
    let mut folder = None;
    let mut require = None;
    let mut export = None;
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--require-coverage" => require = Some(Vec::new()),
            "--json" => json = true,
            "--export-cedar" => {
                export = Some(PathBuf::from(
                    args.next().ok_or("--export-cedar needs a directory")?,
                ));
            }
            "-h" | "--help" => return Err("help".into()),
            a if a.starts_with("--require-coverage=") => {
                let files = a.trim_start_matches("--require-coverage=");
                require = Some(files.split(',').map(str::to_owned).collect());
            }
            a if a.starts_with('-') => return Err(format!("unknown option `{a}`")),
            a => {
                if folder.replace(PathBuf::from(a)).is_some() {
                    return Err("give one pack folder".into());
                }
            }
        }
    }
    Ok(Args {
        folder: folder.ok_or("no pack folder given")?,
        require,
        export,
        json,
    })
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// A test file and what became of it.
struct Suite {
    file: String,
    report: Option<TestReport>,
    world: Option<World>,
    suite: Option<PackTestSuite>,
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => return usage(&e),
    };
    let manifest_path = args.folder.join("pack.json");
    let manifest = match read(&manifest_path) {
        Ok(m) => m,
        Err(e) => return usage(&e),
    };
    // The policy files the manifest lists; a missing one is left out, and the loader
    // reports it against pack.json.
    let listed: Vec<String> = serde_json::from_str::<serde_json::Value>(&manifest)
        .ok()
        .and_then(|m| m.get("policies").cloned())
        .and_then(|p| serde_json::from_value(p).ok())
        .unwrap_or_default();
    let files: Vec<(String, String)> = listed
        .iter()
        .filter_map(|name| {
            read(&args.folder.join(name))
                .ok()
                .map(|text| (name.clone(), text))
        })
        .collect();

    let say = |line: String| {
        if !args.json {
            println!("{line}");
        }
    };
    say(format!(
        "checking pack {} (entity model {MODEL_VERSION}, strict validation at level {ENTITY_DEPTH})",
        args.folder.display()
    ));
    let pack = match RulePack::from_sources(&manifest, files) {
        Ok(pack) => pack,
        Err(e) => {
            report_pack_error(&e, args.json);
            return ExitCode::from(PACK_BROKEN);
        }
    };
    let m = pack.manifest();
    say(format!(
        "pack {} {} for {} from {}: {} policies in {} file(s), {} clauses — ok",
        m.id,
        m.version,
        m.territory,
        m.effective_from,
        pack.rules().count(),
        m.policies.len(),
        m.clauses.len()
    ));
    for w in pack.warnings() {
        say(w.to_string());
    }

    // Tests.
    let engine = Engine::new(pack.clone());
    let mut suites = Vec::new();
    let mut broken = false;
    for path in case_files(&args.folder.join("tests")) {
        let file = path
            .strip_prefix(&args.folder)
            .unwrap_or(&path)
            .display()
            .to_string();
        let text = match read(&path) {
            Ok(t) => t,
            Err(e) => return usage(&e),
        };
        let suite = match PackTestSuite::from_json(&text) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{file}: error: {e}");
                broken = true;
                continue;
            }
        };
        let world = match &suite.world {
            TestWorld::File(name) => {
                let world_path = path.parent().unwrap_or(Path::new(".")).join(name);
                match read(&world_path) {
                    Ok(text) => World::from_json(&text)
                        .map_err(|e| format!("{}: error: {e}", world_path.display())),
                    Err(e) => Err(e),
                }
            }
            TestWorld::Inline(data) => World::new((**data).clone())
                .map_err(|e| format!("{file}: error: inline world: {e}")),
        };
        let world = match world {
            Ok(w) => w,
            Err(e) => {
                eprintln!("{e}");
                broken = true;
                continue;
            }
        };
        let report = run_pack_tests(&engine, &world, &suite.calendar.calendar(), &suite.cases);
        suites.push(Suite {
            file,
            report: Some(report),
            world: Some(world),
            suite: Some(suite),
        });
    }
    if broken {
        return ExitCode::from(PACK_BROKEN);
    }

    let reports: Vec<TestReport> = suites.iter().filter_map(|s| s.report.clone()).collect();
    let coverage = Coverage::of(&pack, &reports);
    let total: usize = reports.iter().map(|r| r.cases.len()).sum();
    let passed: usize = reports.iter().map(TestReport::passed).sum();
    let required: Vec<&str> = match &args.require {
        None => Vec::new(),
        Some(files) if files.is_empty() => m.policies.iter().map(String::as_str).collect(),
        Some(files) => files.iter().map(String::as_str).collect(),
    };
    let missing_required: Vec<String> = coverage
        .unreached()
        .filter(|p| required.contains(&p.file.as_str()))
        .map(|p| p.id.to_string())
        .collect();
    let unknown_required: Vec<&&str> = required
        .iter()
        .filter(|f| !m.policies.iter().any(|p| p == **f))
        .collect();
    if !unknown_required.is_empty() {
        return usage(&format!(
            "--require-coverage names files the pack does not list: {unknown_required:?}"
        ));
    }

    if args.json {
        let out = serde_json::json!({
            "pack": m.id,
            "warnings": pack.warnings(),
            "suites": suites.iter().map(|s| serde_json::json!({
                "file": s.file, "report": s.report,
            })).collect::<Vec<_>>(),
            "coverage": coverage,
            "passed": passed,
            "failed": total - passed,
            "unreached_required": missing_required,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).unwrap_or_else(|e| e.to_string())
        );
    } else {
        print_tests(&suites);
        print_coverage(&coverage, &required);
        println!(
            "result: {passed} passed, {} failed; {} of {} policies reached{}",
            total - passed,
            coverage.policies.len() - coverage.unreached().count(),
            coverage.policies.len(),
            if args.require.is_some() {
                format!(
                    "; coverage required for {}: {}",
                    required.join(", "),
                    if missing_required.is_empty() {
                        "met".to_owned()
                    } else {
                        format!("NOT met ({})", missing_required.join(", "))
                    }
                )
            } else {
                String::new()
            }
        );
    }

    if let Some(dir) = &args.export {
        match export_cedar(dir, &engine, &pack, &suites) {
            Ok(written) => {
                if !args.json {
                    println!("exported Cedar files to {}:", dir.display());
                    for line in written {
                        println!("  {line}");
                    }
                }
            }
            Err(e) => return usage(&e),
        }
    }

    if passed < total || !missing_required.is_empty() {
        ExitCode::from(TESTS_FAILED)
    } else {
        ExitCode::from(OK)
    }
}

fn report_pack_error(e: &PackError, json: bool) {
    if json {
        let out = serde_json::json!({ "error": e.to_string(), "diagnostics": e.diagnostics() });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).unwrap_or_else(|e| e.to_string())
        );
        return;
    }
    match e {
        PackError::Policies(diags) => {
            for d in diags {
                println!("{d}");
            }
            let errors = diags
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .count();
            println!("result: the pack does not load: {errors} error(s)");
        }
        other => {
            println!("error: {other}");
            println!("result: the pack does not load");
        }
    }
}

/// `tests/*.cases.json`, sorted by name.
fn case_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with(".cases.json"))
        })
        .collect();
    files.sort();
    files
}

fn print_tests(suites: &[Suite]) {
    for s in suites {
        let Some(report) = &s.report else { continue };
        println!("\n{}: running {} case(s)", s.file, report.cases.len());
        for c in &report.cases {
            if c.passed {
                println!("  ok    {:<12} [{}] {}", c.act, c.clause, c.name);
            } else {
                println!("  FAIL  {:<12} [{}] {}", c.act, c.clause, c.name);
                println!(
                    "        expected {} [{}], got {} [{}]",
                    outcome(c.expected.outcome),
                    c.expected.reasons.join(", "),
                    outcome(c.outcome),
                    c.reasons.join(", ")
                );
                if !c.missing.is_empty() {
                    println!("        missing reasons:    {}", c.missing.join(", "));
                }
                if !c.unexpected.is_empty() {
                    println!("        unexpected reasons: {}", c.unexpected.join(", "));
                }
                for p in &c.problems {
                    println!("        {p}");
                }
            }
        }
        println!(
            "  {} passed, {} failed",
            report.passed(),
            report.cases.len() - report.passed()
        );
    }
}

fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Allow => "allow",
        Outcome::Deny => "deny",
    }
}

fn print_coverage(coverage: &Coverage, required: &[&str]) {
    println!("\ncoverage of policies (satisfied by at least one case, permitting or forbidding):");
    for p in &coverage.policies {
        let effect = if p.permit { "permit" } else { "forbid" };
        let mark = if p.reached_by.is_empty() {
            if required.contains(&p.file.as_str()) {
                "MISSING"
            } else {
                "-"
            }
        } else {
            "reached"
        };
        println!(
            "  {mark:<8} {:<42} {effect} {:<20} {}:{}  ({} case(s))",
            p.id.as_str(),
            p.clause.as_str(),
            p.file,
            p.line,
            p.reached_by.len()
        );
    }
    let with_rules: Vec<_> = coverage.clauses.iter().filter(|c| c.has_rules()).collect();
    let tested = with_rules.iter().filter(|c| !c.tests.is_empty()).count();
    println!(
        "\ncoverage of clauses: {} of {} clauses have rules (policies or engine reasons); {tested} of those have tests",
        with_rules.len(),
        coverage.clauses.len()
    );
    for c in &with_rules {
        println!(
            "  {:<8} {:<20} {} polic(ies), {} engine reason(s), {} case(s)  — {}",
            if c.tests.is_empty() {
                "UNTESTED"
            } else {
                "tested"
            },
            c.clause.as_str(),
            c.policies.len(),
            c.engine_reasons.len(),
            c.tests.len(),
            c.title
        );
    }
    let unreached: Vec<&str> = coverage.unreached().map(|p| p.id.as_str()).collect();
    let untested: Vec<&str> = coverage
        .untested_clauses()
        .map(|c| c.clause.as_str())
        .collect();
    let without: Vec<&str> = coverage
        .clauses_without_rules()
        .map(|c| c.clause.as_str())
        .collect();
    println!(
        "  unreached policies: {}",
        if unreached.is_empty() {
            "none".to_owned()
        } else {
            unreached.join(", ")
        }
    );
    println!(
        "  clauses with rules but no test: {}",
        if untested.is_empty() {
            "none".to_owned()
        } else {
            untested.join(", ")
        }
    );
    println!(
        "  clauses without rules (cited by advisories, duties, deadlines or @see): {}",
        without.len()
    );
}

/// Writes `policies.cedar.json`, `model.cedarschema` and one `cedar run-tests` file per
/// suite (`<suite>.cedar-tests.json`), holding every case Cedar is asked — access,
/// lifecycle and catalog alike — each with its request, its context as the engine
/// computed it, its world slice and the answer Cedar must give. Returns a line per file
/// written, with its count of cases and of the cases left out (refused before any rule
/// ran). One decision's separate entities, request and context files come from
/// `decide_json --export-cedar`.
fn export_cedar(
    dir: &Path,
    engine: &Engine,
    pack: &RulePack,
    suites: &[Suite],
) -> Result<Vec<String>, String> {
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text)
            .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let policies = cedar_policies_json(pack).map_err(|e| e.to_string())?;
    write(
        "policies.cedar.json",
        serde_json::to_string_pretty(&policies).map_err(|e| e.to_string())?,
    )?;
    write("model.cedarschema", cedar_schema_text().to_owned())?;
    let mut written = vec![
        format!(
            "policies.cedar.json: {} policies",
            policies
                .get("staticPolicies")
                .and_then(serde_json::Value::as_object)
                .map_or(0, serde_json::Map::len)
        ),
        "model.cedarschema".to_owned(),
    ];
    for s in suites {
        let (Some(suite), Some(world)) = (&s.suite, &s.world) else {
            continue;
        };
        let exported = cedar_run_tests(engine, world, &suite.calendar.calendar(), &suite.cases)
            .map_err(|e| format!("{}: {e}", s.file))?;
        let stem = Path::new(&s.file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("cases.json")
            .trim_end_matches(".cases.json")
            .to_owned();
        let name = format!("{stem}.cedar-tests.json");
        write(
            &name,
            serde_json::to_string_pretty(&exported.tests).map_err(|e| e.to_string())?,
        )?;
        let mut line = format!("{name}: {} case(s)", exported.tests.len());
        if !exported.left_out.is_empty() {
            line.push_str(&format!(
                "; left out, refused before any rule ran: {}",
                exported
                    .left_out
                    .iter()
                    .map(|(case, _)| format!("`{case}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        written.push(line);
    }
    Ok(written)
}
