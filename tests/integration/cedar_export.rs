//! The Cedar export (`check_pack --export-cedar`, `decide_json --export-cedar`) replayed
//! the way `cedar run-tests` and `cedar authorize` (cedar-policy-cli 4.14.1) read it:
//! every exported case parsed back from its JSON with the `cedar-policy` crate, decided by
//! Cedar's own authorizer with the exported policies, and compared with the answer the
//! export says Cedar must give — and with the engine's decision and the case's authored
//! expectation. An empty export, or one whose requests, contexts or entities diverge
//! from what the engine asked, fails.

use std::collections::BTreeSet;

use cedar_policy::{
    Authorizer, Decision as CedarDecision, Entities, PolicySet, Request, Schema, ValidationMode,
    Validator,
};
use lgsp_policy::authoring::{
    CaseResult, PackTestSuite, cedar_policies_json, cedar_question, cedar_request, cedar_run_tests,
    cedar_schema_text, run_pack_tests,
};
use lgsp_policy::{AccessRequest, Engine, Outcome, Question, ReasonKind, World};
use serde_json::Value;

use crate::support;

/// What `cedar run-tests` is given: the policies (`--policies … --policy-format json`) and,
/// optionally, the schema (`--schema`).
struct Cli {
    policies: PolicySet,
    schema: Option<Schema>,
}

impl Cli {
    fn builtin(with_schema: bool) -> Cli {
        let engine = support::engine();
        let policies_json = cedar_policies_json(&engine.packs()[0]).unwrap();
        // The file as written, read back.
        let text = serde_json::to_string_pretty(&policies_json).unwrap();
        let policies = PolicySet::from_json_str(&text).unwrap();
        let schema =
            with_schema.then(|| Schema::from_cedarschema_str(cedar_schema_text()).unwrap().0);
        if let Some(schema) = &schema {
            // `cedar run-tests --schema` validates the policies strictly first.
            let result = Validator::new(schema.clone()).validate(&policies, ValidationMode::Strict);
            assert!(result.validation_passed_without_warnings(), "{result}");
        }
        Cli { policies, schema }
    }

    /// The request and entities of a run-tests case (or of `--request-json` and
    /// `--entities` files), parsed as the CLI parses them.
    fn parse(&self, request: &Value, entities: &Value) -> Result<(Request, Entities), String> {
        support::parse_cedar_request(self.schema.as_ref(), request, entities)
    }

    /// One case, checked as `cedar run-tests` checks it — the decision and the number of
    /// errors — and, stricter than the CLI (which only asks the expected reasons to be
    /// among Cedar's), with exactly the expected determining policies.
    fn check(&self, test: &Value) -> Result<(), String> {
        let (request, entities) = self.parse(&test["request"], &test["entities"])?;
        let response = Authorizer::new().is_authorized(&request, &self.policies, &entities);
        let decision = match response.decision() {
            CedarDecision::Allow => "allow",
            CedarDecision::Deny => "deny",
        };
        if test["decision"] != decision {
            return Err(format!("expected {}, got {decision}", test["decision"]));
        }
        let reason: BTreeSet<String> = response
            .diagnostics()
            .reason()
            .map(ToString::to_string)
            .collect();
        let expected: BTreeSet<String> = test["reason"]
            .as_array()
            .ok_or("no reason array")?
            .iter()
            .map(|r| r.as_str().unwrap_or_default().to_owned())
            .collect();
        if reason != expected {
            return Err(format!("reason {reason:?}, expected {expected:?}"));
        }
        let errors = response.diagnostics().errors().count();
        if test["num_errors"] != errors {
            return Err(format!(
                "{errors} error(s), expected {}",
                test["num_errors"]
            ));
        }
        Ok(())
    }

    /// A run-tests file: how many cases passed, or every failure. An empty file fails: it
    /// would test nothing.
    fn run(&self, file: &str) -> Result<usize, Vec<String>> {
        let tests: Value = serde_json::from_str(file).map_err(|e| vec![e.to_string()])?;
        let tests = tests.as_array().ok_or(vec!["not an array".to_owned()])?;
        if tests.is_empty() {
            return Err(vec!["the file holds no case".into()]);
        }
        let failures: Vec<String> = tests
            .iter()
            .filter_map(|t| self.check(t).err().map(|e| format!("{}: {e}", t["name"])))
            .collect();
        if failures.is_empty() {
            Ok(tests.len())
        } else {
            Err(failures)
        }
    }
}

/// The built-in pack's suites, by file stem, with their worlds (a file or inline).
fn suites() -> Vec<(&'static str, PackTestSuite, World)> {
    support::BUILTIN_SUITES
        .into_iter()
        .map(|(stem, text)| {
            let suite = PackTestSuite::from_json(text).unwrap();
            let world = support::suite_world(&suite);
            (stem, suite, world)
        })
        .collect()
}

/// Each suite's `<stem>.cedar-tests.json` text, exactly as `check_pack --export-cedar`
/// writes it, with the number of cases left out.
fn exported_files(engine: &Engine) -> Vec<(&'static str, String, usize)> {
    suites()
        .into_iter()
        .map(|(stem, suite, world)| {
            let exported =
                cedar_run_tests(engine, &world, &suite.calendar.calendar(), &suite.cases).unwrap();
            let text = serde_json::to_string_pretty(&exported.tests).unwrap();
            (stem, text, exported.left_out.len())
        })
        .collect()
}

#[test]
fn every_exported_file_holds_its_cases_and_cedar_decides_each_as_exported() {
    let engine = support::engine();
    let files = exported_files(&engine);
    for with_schema in [true, false] {
        let cli = Cli::builtin(with_schema);
        for (stem, text, left_out) in &files {
            let passed = cli
                .run(text)
                .unwrap_or_else(|f| panic!("{stem} (schema: {with_schema}): {f:#?}"));
            let cases = suites()
                .into_iter()
                .find(|(s, ..)| s == stem)
                .map(|(_, suite, _)| suite.cases.len())
                .unwrap();
            assert_eq!(passed + left_out, cases, "{stem}");
        }
    }
    // The shipped suites: the counts check_pack reports, so a case silently left out
    // shows.
    let count = |stem: &str| {
        files
            .iter()
            .find(|(s, ..)| *s == stem)
            .map(|(_, text, left)| {
                (
                    serde_json::from_str::<Vec<Value>>(text).unwrap().len(),
                    *left,
                )
            })
            .unwrap()
    };
    assert_eq!(count("access"), (30, 3));
    assert_eq!(count("agreements"), (5, 0));
    assert_eq!(count("lifecycle"), (41, 1));
    assert_eq!(count("catalog"), (11, 2));
    assert_eq!(count("terms"), (7, 0));

    // Every kind of question is exported.
    let actions: BTreeSet<String> = files
        .iter()
        .flat_map(|(_, text, _)| serde_json::from_str::<Vec<Value>>(text).unwrap())
        .map(|t| t["request"]["action"].as_str().unwrap().to_owned())
        .collect();
    for action in [
        "query",
        "suspend",
        "restore",
        "terminate",
        "requireUsageReport",
        "suspendAll",
        "proposeAddition",
        "proposeWithdrawal",
    ] {
        assert!(
            actions.contains(&format!(r#"Lgsp::Action::"{action}""#)),
            "no `{action}` case exported: {actions:?}"
        );
    }
}

/// A reason of the engine's own (not a policy's) that may deny where Cedar allows.
fn engine_only(case: &CaseResult) -> bool {
    case.decision.reasons.iter().any(|r| {
        matches!(
            r.kind,
            ReasonKind::EvaluationError | ReasonKind::UnknownReference | ReasonKind::Finding
        )
    })
}

/// The export agrees with the engine's decision on each case and with what the case's
/// author expected: the same outcome (unless the engine denies for a reason of its own),
/// and the same determining policies as the decision's policy reasons.
#[test]
fn the_exported_answers_are_the_engines_decisions_and_the_authors_expectations() {
    let engine = support::engine();
    let mut compared = 0;
    for (stem, suite, world) in suites() {
        let calendar = suite.calendar.calendar();
        let exported = cedar_run_tests(&engine, &world, &calendar, &suite.cases).unwrap();
        let report = run_pack_tests(&engine, &world, &calendar, &suite.cases);
        assert!(report.all_passed(), "{stem}");
        for case in &report.cases {
            let Some(test) = exported
                .tests
                .iter()
                .find(|t| t["name"] == case.name.as_str())
            else {
                // Left out: refused before any rule ran.
                assert!(
                    exported.left_out.iter().any(|(name, _)| *name == case.name),
                    "{stem}: `{}` is neither exported nor left out",
                    case.name
                );
                assert!(
                    case.decision.reasons.iter().all(|r| matches!(
                        r.kind,
                        ReasonKind::UnknownReference | ReasonKind::NoPackInForce
                    )),
                    "{stem}: `{}` was left out but the engine evaluated it: {:?}",
                    case.name,
                    case.reasons
                );
                continue;
            };
            let cedar = if test["decision"] == "allow" {
                Outcome::Allow
            } else {
                Outcome::Deny
            };
            if !engine_only(case) {
                assert_eq!(cedar, case.outcome, "{stem}: {}", case.name);
                assert_eq!(cedar, case.expected.outcome, "{stem}: {}", case.name);
                let from_decision: BTreeSet<String> = case
                    .decision
                    .reasons
                    .iter()
                    .filter_map(|r| r.policy.as_ref().map(ToString::to_string))
                    .collect();
                let reason: BTreeSet<String> = test["reason"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect();
                assert_eq!(reason, from_decision, "{stem}: {}", case.name);
                compared += 1;
            }
        }
    }
    assert!(compared >= 70, "compared {compared} cases");
}

/// The checker fails on a diverging export: a flipped decision, a determining policy
/// taken away, a context value or an entity changed, an empty file.
#[test]
fn a_diverging_or_empty_export_fails_the_replay() {
    let engine = support::engine();
    let cli = Cli::builtin(true);
    let files = exported_files(&engine);
    let file = |stem: &str| -> Vec<Value> {
        let text = &files.iter().find(|(s, ..)| *s == stem).unwrap().1;
        serde_json::from_str(text).unwrap()
    };
    let fails_on = |tests: Vec<Value>, name: &str| {
        let failures = cli
            .run(&serde_json::to_string(&tests).unwrap())
            .expect_err("the mutated file must fail");
        assert_eq!(failures.len(), 1, "{failures:#?}");
        assert!(failures[0].contains(name), "{failures:#?}");
    };
    let find = |tests: &[Value], name: &str| {
        tests
            .iter()
            .position(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no case `{name}`"))
    };

    // A flipped decision, in the lifecycle and the catalog files.
    for stem in ["lifecycle", "catalog"] {
        let mut tests = file(stem);
        let name = tests[0]["name"].as_str().unwrap().to_owned();
        let flipped = if tests[0]["decision"] == "allow" {
            "deny"
        } else {
            "allow"
        };
        tests[0]["decision"] = flipped.into();
        fails_on(tests, &name);
    }

    // A determining policy taken away.
    let mut tests = file("lifecycle");
    let i = find(
        &tests,
        "suspension by a non-provider without grounds: every ground is reported",
    );
    tests[i]["reason"].as_array_mut().unwrap().pop();
    fails_on(tests, "every ground is reported");

    // The context the engine computed matters: restoration with its requirements unmet.
    let mut tests = file("lifecycle");
    let i = find(&tests, "restoration once the requirements are met");
    assert_eq!(tests[i]["request"]["context"]["requirementsMet"], true);
    tests[i]["request"]["context"]["requirementsMet"] = false.into();
    fails_on(tests, "restoration once the requirements are met");

    // The notice deadline counted with the calendar: a day later, the late notice is in time.
    let mut tests = file("lifecycle");
    let i = find(&tests, "maintenance announced too late");
    let latest = &mut tests[i]["request"]["context"]["noticeLatest"]["__extn"]["arg"];
    assert_eq!(*latest, "2024-04-16T17:00:00.000Z");
    *latest = "2024-04-17T17:00:00.000Z".into();
    fails_on(tests, "maintenance announced too late");

    // The world slice matters: the violation entity left out.
    let mut tests = file("lifecycle");
    let i = find(
        &tests,
        "suspension for a determined violation, notice due after the weekend",
    );
    tests[i]["entities"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["uid"]["type"] != "Lgsp::Violation");
    fails_on(tests, "notice due after the weekend");

    // An empty file tests nothing.
    assert!(cli.run("[]").is_err());
}

/// One decision exported as separate files (`decide_json --export-cedar`): the entities,
/// the request with its context (`--request-json`), and the context alone (`--context`,
/// with the principal, action and resource as arguments) give Cedar's answer in the
/// one-case `cedar-tests.json`, for an allow and a deny.
#[test]
fn a_single_decision_exports_as_entities_request_and_context_files() {
    let engine = support::engine();
    let world = support::world();
    let cli = Cli::builtin(true);
    let request = |channel: &str| {
        AccessRequest::from_json(&format!(
            r#"{{"account": "acc.tuy-hoa.dan-cu", "action": "query", "dataset": "dan-cu.nhan-khau",
                "channel": "{channel}", "purpose": "administrative-procedures",
                "at": "2024-06-03T09:30:00+07:00", "subject_requested": true}}"#
        ))
        .unwrap()
    };
    for (channel, decision) in [("lgsp", "allow"), ("direct", "deny")] {
        let files = cedar_request(&engine, &world, &request(channel))
            .unwrap()
            .files("one decision");
        // Written and read back, as the CLI reads them.
        let read = |name: &str| -> Value {
            let (_, json) = files.iter().find(|(n, _)| *n == name).unwrap();
            serde_json::from_str(&serde_json::to_string_pretty(json).unwrap()).unwrap()
        };
        let (entities, request_json, context, tests) = (
            read("entities.json"),
            read("request.json"),
            read("context.json"),
            read("cedar-tests.json"),
        );
        assert_eq!(tests[0]["decision"], decision);
        assert_eq!(cli.run(&tests.to_string()), Ok(1));
        // `--request-json request.json --entities entities.json`
        let (from_request, parsed_entities) = cli.parse(&request_json, &entities).unwrap();
        // `--principal … --action … --resource … --context context.json`
        let mut parts = request_json.clone();
        parts["context"] = context;
        let (from_parts, _) = cli.parse(&parts, &entities).unwrap();
        for asked in [from_request, from_parts] {
            let response = Authorizer::new().is_authorized(&asked, &cli.policies, &parsed_entities);
            let got = match response.decision() {
                CedarDecision::Allow => "allow",
                CedarDecision::Deny => "deny",
            };
            assert_eq!(got, decision, "{channel}");
        }
    }
    // A request refused before any rule runs has nothing to export.
    let unknown = AccessRequest {
        account: "acc.ghost".parse().unwrap(),
        ..request("lgsp")
    };
    assert!(cedar_request(&engine, &world, &unknown).is_err());
    assert!(cedar_question(&engine, &world, &Question::Access(unknown)).is_err());
}

/// The real CLI, where it is installed: `cedar run-tests` on each exported file passes
/// every case. Run with `cargo test --all-features --test integration cedar_cli --
/// --ignored` after `cargo install cedar-policy-cli --version 4.14.1` (CI does not
/// install it; the replay tests above run Cedar's own parsing and authorizer instead).
#[test]
#[ignore = "needs cedar-policy-cli 4.14.1 on PATH as `cedar`"]
fn cedar_cli_run_tests_passes_every_exported_case() {
    let cedar = std::env::var("CEDAR").unwrap_or_else(|_| "cedar".into());
    let version = std::process::Command::new(&cedar)
        .arg("--version")
        .output()
        .expect("`cedar` runs");
    assert!(
        String::from_utf8_lossy(&version.stdout).contains("4.14.1"),
        "{}",
        String::from_utf8_lossy(&version.stdout)
    );
    let engine = support::engine();
    let dir = std::env::temp_dir().join(format!("lgsp-cedar-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policies = dir.join("policies.cedar.json");
    let schema = dir.join("model.cedarschema");
    std::fs::write(
        &policies,
        serde_json::to_string_pretty(&cedar_policies_json(&engine.packs()[0]).unwrap()).unwrap(),
    )
    .unwrap();
    std::fs::write(&schema, cedar_schema_text()).unwrap();
    for (stem, text, _) in exported_files(&engine) {
        let tests = dir.join(format!("{stem}.cedar-tests.json"));
        std::fs::write(&tests, &text).unwrap();
        let cases = serde_json::from_str::<Vec<Value>>(&text).unwrap().len();
        let out = std::process::Command::new(&cedar)
            .args(["run-tests", "--policy-format", "json", "--policies"])
            .arg(&policies)
            .arg("--schema")
            .arg(&schema)
            .arg("--tests")
            .arg(&tests)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stem}: {stdout}");
        assert!(
            stdout.contains(&format!("results: {cases} passed, 0 failed")),
            "{stem}: {stdout}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
