//! `lgsp-policy check`: validates a rule pack folder, runs its test cases and measures
//! their coverage (docs/POLICY_AUTHORING.md §8). Also behind `examples/check_pack.rs`.
//!
//! Exit codes: 0 the pack loads and every case passes (and coverage is met, if required);
//! 1 a case failed or required coverage is not met; 2 the pack, a test file or its world
//! is broken; 3 usage or I/O.

use std::path::{Path, PathBuf};

use lgsp_policy::authoring::{
    Coverage, PackTestSuite, TestReport, TestWorld, cedar_policies_json, cedar_run_tests,
    cedar_schema_text, run_pack_tests,
};
use lgsp_policy::pack::{ENTITY_DEPTH, MODEL_VERSION, Severity};
use lgsp_policy::{Engine, Outcome, PackError, RulePack, World};

use crate::common::{self, BROKEN, FAILED, Failure, OK, PackSources, pretty};

/// What `check` is asked.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The pack folder.
    pub folder: PathBuf,
    /// `None`: coverage not required; `Some(empty)`: every policy file; `Some(files)`:
    /// the policies of these files must all be reached by a case.
    pub require: Option<Vec<String>>,
    /// Also write the policies, schema and a run-tests file per suite for Cedar's CLI.
    pub export: Option<PathBuf>,
    /// Print the report as JSON instead of text.
    pub json: bool,
}

/// A test file and what became of it.
#[derive(Debug)]
pub struct Suite {
    /// Its path, relative to the pack folder.
    pub file: String,
    /// The report of its cases.
    pub report: TestReport,
    /// Its world.
    pub world: World,
    /// The suite.
    pub suite: PackTestSuite,
}

/// Runs `check` and gives the exit code; the report goes to standard output, a usage or
/// I/O problem to standard error.
pub fn run(opts: &Options) -> u8 {
    match check(opts) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("{failure}");
            failure.code
        }
    }
}

fn check(args: &Options) -> Result<u8, Failure> {
    let sources = PackSources::read(&args.folder)?;
    let say = |line: String| {
        if !args.json {
            println!("{line}");
        }
    };
    say(format!(
        "checking pack {} (entity model {MODEL_VERSION}, strict validation at level {ENTITY_DEPTH})",
        args.folder.display()
    ));
    let pack = match sources.load() {
        Ok(pack) => pack,
        Err(e) => {
            report_pack_error(&e, args.json);
            return Ok(BROKEN);
        }
    };
    let m = pack.manifest();
    say(format!(
        "pack {} {} for {} from {}: {} policies in {} file(s), {} clauses — ok",
        m.id,
        m.version,
        m.territories
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        m.effective_from,
        pack.rules().count(),
        m.policies.len(),
        m.clauses.len()
    ));
    for w in pack.warnings() {
        say(w.to_string());
    }
    // How the engine evaluates the pack: each slice's policies rewritten when it loaded,
    // each by the engine's plan or, where a plan does not compute what it uses, by
    // Cedar's evaluator (slower; say which).
    let slices = pack.slice_plans();
    let residuals: usize = slices.iter().map(|s| s.policies.len()).sum();
    let mut by_cedar: Vec<String> = slices
        .iter()
        .flat_map(|s| s.policies.iter())
        .filter_map(|p| {
            p.by_cedar
                .as_ref()
                .map(|why| format!("{} ({why})", p.policy))
        })
        .collect();
    by_cedar.sort();
    by_cedar.dedup();
    say(format!(
        "plans: {} slices, {residuals} residuals; {}",
        slices.len(),
        if by_cedar.is_empty() {
            "every policy evaluated by the engine's plans".to_owned()
        } else {
            format!(
                "evaluated by Cedar's evaluator instead: {}",
                by_cedar.join("; ")
            )
        }
    ));

    let engine = Engine::new(pack.clone());
    let (suites, broken) = load_suites(&args.folder, &engine)?;
    for problem in &broken {
        eprintln!("{problem}");
    }
    if !broken.is_empty() {
        return Ok(BROKEN);
    }

    let reports: Vec<TestReport> = suites.iter().map(|s| s.report.clone()).collect();
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
        return Err(Failure::usage(format!(
            "--require-coverage names files the pack does not list: {unknown_required:?}"
        )));
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
        println!("{}", pretty(&out));
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
        let written = export_cedar(dir, &engine, &pack, &suites)?;
        if !args.json {
            println!("exported Cedar files to {}:", dir.display());
            for line in written {
                println!("  {line}");
            }
        }
    }

    Ok(if passed < total || !missing_required.is_empty() {
        FAILED
    } else {
        OK
    })
}

/// Reads and runs every `tests/*.cases.json` of a pack folder against `engine`. Gives the
/// suites that ran and, located, the problems of those that could not (a broken suite or
/// world); an unreadable file is a usage failure.
pub fn load_suites(folder: &Path, engine: &Engine) -> Result<(Vec<Suite>, Vec<String>), Failure> {
    let mut suites = Vec::new();
    let mut broken = Vec::new();
    for path in common::files_ending(&folder.join("tests"), ".cases.json") {
        let file = path
            .strip_prefix(folder)
            .unwrap_or(&path)
            .display()
            .to_string();
        let text = common::read(&path)?;
        let suite = match PackTestSuite::from_json(&text) {
            Ok(s) => s,
            Err(e) => {
                broken.push(common::located_json_error(&file, &text, &e));
                continue;
            }
        };
        let world = match &suite.world {
            TestWorld::File(name) => {
                let world_path = path.parent().unwrap_or(Path::new(".")).join(name);
                let text = common::read(&world_path)?;
                World::from_json(&text).map_err(|e| {
                    common::located_json_error(&world_path.display().to_string(), &text, &e)
                })
            }
            TestWorld::Inline(data) => World::new((**data).clone())
                .map_err(|e| format!("{file}: error: inline world: {e}")),
        };
        let world = match world {
            Ok(w) => w,
            Err(e) => {
                broken.push(e);
                continue;
            }
        };
        let report = run_pack_tests(engine, &world, &suite.calendar.calendar(), &suite.cases);
        suites.push(Suite {
            file,
            report,
            world,
            suite,
        });
    }
    Ok((suites, broken))
}

fn report_pack_error(e: &PackError, json: bool) {
    if json {
        let out = serde_json::json!({ "error": e.to_string(), "diagnostics": e.diagnostics() });
        println!("{}", pretty(&out));
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

fn print_tests(suites: &[Suite]) {
    for s in suites {
        let report = &s.report;
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

pub fn outcome(o: Outcome) -> &'static str {
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
/// `lgsp-policy decide --export-cedar`.
pub fn export_cedar(
    dir: &Path,
    engine: &Engine,
    pack: &RulePack,
    suites: &[Suite],
) -> Result<Vec<String>, Failure> {
    let write = |name: &str, text: String| common::write(&dir.join(name), &text);
    let policies = cedar_policies_json(pack).map_err(|e| Failure::broken(e.to_string()))?;
    write("policies.cedar.json", pretty(&policies))?;
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
        let exported = cedar_run_tests(
            engine,
            &s.world,
            &s.suite.calendar.calendar(),
            &s.suite.cases,
        )
        .map_err(|e| Failure::broken(format!("{}: {e}", s.file)))?;
        let stem = Path::new(&s.file)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("cases.json")
            .trim_end_matches(".cases.json")
            .to_owned();
        let name = format!("{stem}.cedar-tests.json");
        write(&name, pretty(&exported.tests))?;
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
