//! Policy authors' tools (issue 7): pack tests and coverage, explanations, Cedar interop,
//! model versions, a second pack beside the built-in one, and a broken pack's diagnostics.

use std::str::FromStr;

use lgsp_policy::authoring::{
    Coverage, Expectation, PackTestSuite, TestReport, cedar_policies_json, cedar_request,
    cedar_schema_text, run_pack_tests,
};
use lgsp_policy::pack::{MODEL_VERSION, Severity};
use lgsp_policy::{Engine, Outcome, PackError, RulePack, World};

use crate::support;

const STRICT_MANIFEST: &str = include_str!("../../examples/packs/strict-personal-data/pack.json");
const STRICT_ACCESS: &str = include_str!("../../examples/packs/strict-personal-data/access.cedar");
const STRICT_RULES: &str = include_str!("../../examples/packs/strict-personal-data/strict.cedar");
const STRICT_CASES: &str =
    include_str!("../../examples/packs/strict-personal-data/tests/strict.cases.json");

const BROKEN_MANIFEST: &str = include_str!("../fixtures/broken-pack/pack.json");
const BROKEN_ACCESS: &str = include_str!("../fixtures/broken-pack/access.cedar");

/// Every suite the built-in pack ships, with its world.
fn builtin_suites() -> Vec<(PackTestSuite, World)> {
    support::BUILTIN_SUITES
        .into_iter()
        .map(|(_, text)| {
            let suite = PackTestSuite::from_json(text).unwrap();
            let world = support::suite_world(&suite);
            (suite, world)
        })
        .collect()
}

fn builtin_reports(engine: &Engine) -> Vec<TestReport> {
    builtin_suites()
        .iter()
        .map(|(suite, world)| {
            run_pack_tests(engine, world, &suite.calendar.calendar(), &suite.cases)
        })
        .collect()
}

fn calendar() -> lgsp_policy::time::Calendar {
    lgsp_policy::time::Calendar::vietnam_public_sector()
}

fn strict_pack() -> RulePack {
    RulePack::from_sources(
        STRICT_MANIFEST,
        [
            ("access.cedar", STRICT_ACCESS),
            ("strict.cedar", STRICT_RULES),
        ],
    )
    .unwrap()
}

#[test]
fn builtin_pack_cases_pass_and_reach_every_policy() {
    let engine = support::engine();
    let reports = builtin_reports(&engine);
    let failures: Vec<String> = reports
        .iter()
        .flat_map(TestReport::failures)
        .map(|c| {
            format!(
                "{} [{}]: missing {:?}, unexpected {:?}",
                c.name, c.clause, c.missing, c.unexpected
            )
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    let pack = &engine.packs()[0];
    let coverage = Coverage::of(pack, &reports);
    // Every policy of every file, as CI requires of the checker.
    let unreached: Vec<&str> = coverage.unreached().map(|p| p.id.as_str()).collect();
    assert!(unreached.is_empty(), "unreached policies: {unreached:?}");
    for file in [
        "access.cedar",
        "lifecycle.cedar",
        "catalog.cedar",
        "checks.cedar",
    ] {
        assert!(coverage.policies.iter().any(|p| p.file == file), "{file}");
    }
    let untested: Vec<&str> = coverage
        .untested_clauses()
        .map(|c| c.clause.as_str())
        .collect();
    // Đ17.1 carries only the engine's `no_right_established` and `evaluation_error`: the
    // built-in rules leave no gap and evaluate cleanly, so no case can give them (both are
    // tested with packs built for it, in fail_closed.rs and decisions.rs).
    assert_eq!(
        untested,
        ["QD05/2024 Đ17.1"],
        "clauses with rules but no test"
    );
}

#[test]
fn qd05_16_2_g_explain_names_the_permit_that_held_on_a_deny() {
    let engine = support::engine();
    let world = support::world();
    let request = lgsp_policy::AccessRequest::from_json(
        r#"{"account": "acc.tuy-hoa.dan-cu", "action": "query", "dataset": "dan-cu.nhan-khau",
            "channel": "lgsp", "purpose": "administrative-procedures",
            "at": "2024-06-03T09:30:00+07:00"}"#,
    )
    .unwrap();
    let explanation = engine.explain(&world, &request);
    assert_eq!(explanation.decision, engine.decide(&world, &request));
    assert!(!explanation.decision.is_allowed());
    let satisfied: Vec<&str> = explanation.satisfied.iter().map(|p| p.as_str()).collect();
    // The right existed (the permit held) but the prohibition won; the decision's reasons
    // name only the forbid.
    assert_eq!(
        satisfied,
        [
            "access.agency-shared-data",
            "access.personal-data-without-request"
        ]
    );
    assert_eq!(
        explanation.decision.reason_codes().collect::<Vec<_>>(),
        ["personal_data_without_subject_request"]
    );
    assert_eq!(
        explanation.agreement.as_ref().unwrap().as_str(),
        "agr.tp.tuy-hoa"
    );
    assert!(explanation.evaluated);
    assert!(explanation.errored.is_empty());
    assert!(explanation.applicable.len() >= explanation.satisfied.len());
}

#[test]
fn a_wrong_expectation_fails_with_missing_and_unexpected_codes() {
    let engine = support::engine();
    let (suite, world) = builtin_suites().remove(0);
    let mut case = suite
        .cases
        .iter()
        .find(|c| c.expect.reasons == ["not_through_lgsp"])
        .unwrap()
        .clone();
    case.expect = Expectation::new(Outcome::Allow, ["agency_shared_data"]);
    let report = run_pack_tests(&engine, &world, &calendar(), &[case]);
    let result = &report.cases[0];
    assert!(!result.passed);
    assert_eq!(result.outcome, Outcome::Deny);
    assert_eq!(result.missing, ["agency_shared_data"]);
    assert_eq!(result.unexpected, ["not_through_lgsp"]);
    assert_eq!(report.passed(), 0);
}

#[test]
fn coverage_lists_unreached_policies_and_untested_clauses() {
    let engine = support::engine();
    let (suite, world) = builtin_suites().remove(0);
    let one: Vec<_> = suite
        .cases
        .into_iter()
        .filter(|c| c.clause.as_str() == "QD05/2024 Đ13.1")
        .collect();
    let report = run_pack_tests(&engine, &world, &calendar(), &one);
    let coverage = Coverage::of(&engine.packs()[0], &[report]);
    let reached: Vec<&str> = coverage
        .policies
        .iter()
        .filter(|p| !p.reached_by.is_empty())
        .map(|p| p.id.as_str())
        .collect();
    // Only the prohibition held: the agency's right to shared data needs the LGSP.
    assert_eq!(reached, ["access.direct-connection"]);
    let untested: Vec<&str> = coverage
        .untested_clauses()
        .map(|c| c.clause.as_str())
        .collect();
    assert!(untested.contains(&"QD05/2024 Đ16.2.h"));
    assert!(!untested.contains(&"QD05/2024 Đ13.1"));
    assert!(
        coverage
            .clauses_without_rules()
            .any(|c| c.clause.as_str() == "BLDS2015 Đ147.2")
    );
}

/// Cedar's own authorizer, fed only the exported JSON, decides every shipped case as the
/// engine does, with the same determining policies.
#[test]
fn cedar_reads_the_exported_json_and_decides_the_same() {
    use cedar_policy::{Authorizer, Context, Entities, EntityUid, PolicySet, Request, Schema};

    let engine = support::engine();
    let pack = &engine.packs()[0];
    let (schema, _) = Schema::from_cedarschema_str(cedar_schema_text()).unwrap();
    let policies = PolicySet::from_json_value(cedar_policies_json(pack).unwrap()).unwrap();
    assert_eq!(policies.policies().count(), pack.rules().count());
    let validation = cedar_policy::Validator::new(schema.clone())
        .validate(&policies, cedar_policy::ValidationMode::Strict);
    assert!(validation.validation_passed(), "{validation}");

    let mut compared = 0;
    for (suite, world) in builtin_suites() {
        for case in &suite.cases {
            // Cedar's CLI takes access requests; lifecycle and catalog contexts are
            // computed with a calendar and have no export.
            let Some(access) = case.access_request() else {
                continue;
            };
            let Ok(exported) = cedar_request(&engine, &world, access) else {
                // Decided before Cedar (unknown account, no pack): nothing to export.
                let d = engine.decide(&world, access);
                assert!(
                    d.reason_codes().all(|c| [
                        "unknown_account",
                        "unknown_dataset",
                        "no_pack_in_force"
                    ]
                    .contains(&c)),
                    "{}",
                    case.name
                );
                continue;
            };
            let text = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
            let action = EntityUid::from_str(&text(&exported.request["action"])).unwrap();
            let request = Request::new(
                EntityUid::from_str(&text(&exported.request["principal"])).unwrap(),
                action.clone(),
                EntityUid::from_str(&text(&exported.request["resource"])).unwrap(),
                Context::from_json_value(
                    exported.request["context"].clone(),
                    Some((&schema, &action)),
                )
                .unwrap(),
                Some(&schema),
            )
            .unwrap();
            let entities =
                Entities::from_json_value(exported.entities.clone(), Some(&schema)).unwrap();
            let response = Authorizer::new().is_authorized(&request, &policies, &entities);
            let ours = engine.decide(&world, access);
            let cedar_allows = response.decision() == cedar_policy::Decision::Allow;
            assert_eq!(cedar_allows, ours.is_allowed(), "{}", case.name);
            assert_eq!(
                exported.decision == Outcome::Allow,
                ours.is_allowed(),
                "{}",
                case.name
            );
            let mut reason: Vec<String> = response
                .diagnostics()
                .reason()
                .map(ToString::to_string)
                .collect();
            reason.sort();
            let mut expected = exported.reason.clone();
            expected.sort();
            assert_eq!(reason, expected, "{}", case.name);
            // The determining policies are the decision's policy reasons.
            let mut from_decision: Vec<String> = ours
                .reasons
                .iter()
                .filter_map(|r| r.policy.as_ref().map(ToString::to_string))
                .collect();
            from_decision.sort();
            assert_eq!(reason, from_decision, "{}", case.name);
            assert_eq!(response.diagnostics().errors().count(), 0);

            let test = exported.to_run_test(&case.name);
            assert_eq!(test["name"], case.name.as_str());
            assert_eq!(test["num_errors"], 0);
            compared += 1;
        }
    }
    assert!(compared >= 30, "compared {compared} cases");
}

#[test]
fn a_pack_for_another_model_version_is_refused_with_a_clear_message() {
    let (manifest, files) = RulePack::builtin_sources();
    let with_model = |req: &str| {
        let mut m: serde_json::Value = serde_json::from_str(manifest).unwrap();
        m["model"] = serde_json::json!(req);
        serde_json::to_string_pretty(&m).unwrap()
    };
    assert!(
        with_model("^9").contains(r#""model": "^9""#),
        "the manifest's model line moved"
    );
    for refused in ["^0.3", "^1", ">=0.3", "=0.1.0", "^0.1.2"] {
        let err = RulePack::from_sources(&with_model(refused), files.iter().copied()).unwrap_err();
        match &err {
            PackError::IncompatibleModel {
                pack,
                requires,
                provides,
            } => {
                assert_eq!(pack, "qd05-2024-phu-yen");
                assert_eq!(provides, MODEL_VERSION);
                assert_eq!(
                    *requires,
                    semver::VersionReq::parse(refused).unwrap().to_string()
                );
            }
            other => panic!("{refused}: {other}"),
        }
        let message = err.to_string();
        assert!(message.contains(MODEL_VERSION), "{message}");
        assert!(message.contains("update the pack"), "{message}");
    }
    for accepted in ["^0.2", "~0.2.0", ">=0.2, <0.3", "0.2", "*", "^0.2.0"] {
        assert!(
            RulePack::from_sources(&with_model(accepted), files.iter().copied()).is_ok(),
            "{accepted}"
        );
    }
    let not_semver = with_model("zero point one");
    assert!(matches!(
        RulePack::from_sources(&not_semver, files.iter().copied()),
        Err(PackError::Manifest { .. })
    ));
}

#[test]
fn a_second_pack_loads_beside_the_builtin_and_changes_decisions() {
    let strict = strict_pack();
    assert_eq!(
        strict.manifest().territories,
        ["TEST-STRICT"
            .parse::<lgsp_policy::records::TerritoryId>()
            .unwrap()]
    );
    let engine = Engine::with_packs(vec![RulePack::builtin().unwrap(), strict]).unwrap();
    let suite = PackTestSuite::from_json(STRICT_CASES).unwrap();
    let strict_world = support::suite_world(&suite);
    let report = run_pack_tests(&engine, &strict_world, &calendar(), &suite.cases);
    assert!(
        report.all_passed(),
        "{:?}",
        report.failures().collect::<Vec<_>>()
    );

    // The same records in Phú Yên: the built-in pack allows what the strict one refuses.
    let mut data = strict_world.to_data();
    data.territory = "VN-32".parse().unwrap();
    let phu_yen = World::new(data).unwrap();
    let download = &suite
        .cases
        .iter()
        .find(|c| c.clause.as_str() == "VD01/2025 Đ3.1")
        .and_then(|c| c.access_request())
        .unwrap()
        .clone();
    let strict_decision = engine.decide(&strict_world, download);
    let builtin_decision = engine.decide(&phu_yen, download);
    assert!(!strict_decision.is_allowed());
    assert!(strict_decision.has_reason("personal_data_download_forbidden"));
    assert_eq!(
        strict_decision.pack.as_ref().unwrap().id.as_str(),
        "example-strict-personal-data"
    );
    assert!(builtin_decision.is_allowed(), "{builtin_decision:?}");
    assert_eq!(
        builtin_decision.pack.as_ref().unwrap().id.as_str(),
        "qd05-2024-phu-yen"
    );
    // Queries of the same personal data are decided alike.
    let mut query = download.clone();
    query.action = lgsp_policy::Action::Query;
    assert!(engine.decide(&strict_world, &query).is_allowed());
    assert!(engine.decide(&phu_yen, &query).is_allowed());
}

#[test]
fn the_strict_example_copies_the_builtin_access_rules_verbatim() {
    let (_, files) = RulePack::builtin_sources();
    let builtin_access = files
        .iter()
        .find(|(name, _)| *name == "access.cedar")
        .unwrap()
        .1;
    assert_eq!(
        STRICT_ACCESS, builtin_access,
        "examples/packs/strict-personal-data/access.cedar is a copy of the built-in access.cedar: copy it again"
    );
}

#[test]
fn the_broken_pack_reports_every_mistake_with_its_place() {
    let err =
        RulePack::from_sources(BROKEN_MANIFEST, [("access.cedar", BROKEN_ACCESS)]).unwrap_err();
    let found: Vec<(usize, usize, &str)> = err
        .diagnostics()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.line, d.column, d.message.as_str()))
        .collect();
    let expect = [
        (15, 1, "missing or empty @vi"),
        (23, 1, "must start with `Đ`"),
        (32, 1, "not in the pack's clause list"),
        (47, 8, "attribute `clas`"),
        (56, 8, "requires level 3"),
        (59, 1, "duplicate @id `ok.direct-connection`"),
        (68, 1, "must be snake_case"),
    ];
    for (line, column, text) in expect {
        assert!(
            found
                .iter()
                .any(|(l, c, m)| *l == line && *c == column && m.contains(text)),
            "no diagnostic {line}:{column} {text:?} in {found:#?}"
        );
    }
    assert_eq!(found.len(), expect.len(), "{found:#?}");
    // The rendering an author sees: file:line:col, the policy, the source line, a caret.
    let rendered = err.to_string();
    assert!(
        rendered.contains("access.cedar:47:8: error: [broken.typo]"),
        "{rendered}"
    );
    assert!(
        rendered.contains(" 47 | when { resource.clas == \"open\" };"),
        "{rendered}"
    );
}

#[test]
fn an_untranslated_vietnamese_message_is_a_warning() {
    let (manifest, _) = RulePack::builtin_sources();
    let policy = r#"
@id("access.direct-connection")
@clause("QD05/2024 Đ13.1")
@reason("not_through_lgsp")
@vi("A direct connection is not allowed.")
@en("A direct connection is not allowed.")
forbid (principal, action in Lgsp::Action::"access", resource)
when { context.channel == "direct" };
"#;
    let mut manifest: serde_json::Value = serde_json::from_str(manifest).unwrap();
    manifest["policies"] = serde_json::json!(["access.cedar"]);
    let pack = RulePack::from_sources(&manifest.to_string(), [("access.cedar", policy)]).unwrap();
    assert!(
        pack.warnings()
            .iter()
            .any(|w| w.line == 2 && w.message.contains("@vi looks untranslated")),
        "{:?}",
        pack.warnings()
    );
}

// --- Lifecycle and catalog cases: traces, expectations, coverage ----------------------------

fn lifecycle_case(json: &str) -> lgsp_policy::authoring::PackTestCase {
    let suite = format!(r#"{{"world": "phu-yen.world.json", "cases": [{json}]}}"#);
    PackTestSuite::from_json(&suite).unwrap().cases.remove(0)
}

#[test]
fn qd05_16_2_h_a_trace_names_the_permit_that_held_on_a_refused_suspension() {
    // The violation is determined and the consumer's: the right to suspend exists, but
    // the agreement is already suspended.
    let case = lifecycle_case(
        r#"{"name": "suspended twice", "clause": "QD05/2024 Đ16.2.h", "act": "suspend",
            "given_statuses": {"agr.tp.so-tnmt": "suspended"},
            "request": {"provider": "so-tp", "agreement": "agr.tp.so-tnmt",
                        "violation": "vp.2024.001", "at": "2024-05-17T17:00:00+07:00"},
            "expect": {"outcome": "deny", "reasons": ["agreement_not_active"], "transitions": []}}"#,
    );
    let report = run_pack_tests(&support::engine(), &support::world(), &calendar(), &[case]);
    let result = &report.cases[0];
    assert!(result.passed, "{result:?}");
    assert_eq!(result.act, "suspend");
    let satisfied: Vec<&str> = result.satisfied.iter().map(|p| p.as_str()).collect();
    assert_eq!(
        satisfied,
        [
            "lifecycle.suspend-for-violation",
            "lifecycle.suspend-not-active"
        ]
    );
    // The decision itself names only the prohibition.
    assert_eq!(result.reasons, ["agreement_not_active"]);
}

#[test]
fn qd05_7_2_a_trace_of_a_catalog_proposal_names_every_gap_it_reached() {
    let suite = PackTestSuite::from_json(support::CATALOG_CASES).unwrap();
    let report = run_pack_tests(
        &support::engine(),
        &support::world(),
        &calendar(),
        &suite.cases,
    );
    assert!(report.all_passed());
    for c in &report.cases {
        assert_eq!(c.act, "catalog");
        // Every forbid the decision cites is among the policies reached, and an allowed
        // proposal reached its permit.
        for r in &c.decision.reasons {
            if let Some(p) = &r.policy {
                assert!(c.satisfied.contains(p), "{}: {p}", c.name);
            }
        }
        if c.outcome == Outcome::Allow {
            assert!(
                c.satisfied
                    .iter()
                    .any(|p| p.as_str().ends_with("-eligible")),
                "{}",
                c.name
            );
        }
    }
}

#[test]
fn qd05_16_2_h_a_wrong_notice_deadline_or_transition_fails_the_case() {
    let wrong = lifecycle_case(
        r#"{"name": "read as 24 hours by mistake", "clause": "QD05/2024 Đ16.2.h", "act": "suspend",
            "request": {"provider": "so-tp", "agreement": "agr.tp.so-tnmt",
                        "violation": "vp.2024.001", "at": "2024-05-17T17:00:00+07:00"},
            "expect": {"outcome": "allow", "reasons": ["consumer_violation"],
                       "transitions": [["agr.tp.so-tnmt", "active", "terminated"]],
                       "notice_due": "2024-05-18T16:30:00+07:00"}}"#,
    );
    let report = run_pack_tests(&support::engine(), &support::world(), &calendar(), &[wrong]);
    let result = &report.cases[0];
    assert!(!result.passed);
    // Outcome and reasons are right; the transition and the deadline are not.
    assert!(result.missing.is_empty() && result.unexpected.is_empty());
    assert_eq!(result.problems.len(), 2, "{:?}", result.problems);
    assert!(
        result.problems[0].contains("active → suspended"),
        "{:?}",
        result.problems
    );
    assert!(
        result.problems[1].contains("notice due 2024-05-21T00:00:00+07:00"),
        "{:?}",
        result.problems
    );
}

#[test]
fn qd05_16_1_g_given_statuses_naming_no_agreement_fail_the_case() {
    let case = lifecycle_case(
        r#"{"name": "typo", "clause": "QD05/2024 Đ16.1.g", "act": "restore",
            "given_statuses": {"agr.nowhere": "suspended"},
            "request": {"provider": "so-tp", "agreement": "agr.tp.so-tnmt",
                        "requirements_met": true, "at": "2024-05-24T09:00:00+07:00"},
            "expect": {"outcome": "deny", "reasons": ["agreement_not_suspended"]}}"#,
    );
    let report = run_pack_tests(&support::engine(), &support::world(), &calendar(), &[case]);
    let result = &report.cases[0];
    assert!(!result.passed);
    assert_eq!(
        result.problems,
        ["given_statuses: agreement `agr.nowhere` is not in the world"]
    );
}

#[test]
fn a_case_file_round_trips_and_a_request_of_the_wrong_kind_is_located() {
    for (_, text) in support::BUILTIN_SUITES {
        let suite = PackTestSuite::from_json(text).unwrap();
        let again = PackTestSuite::from_json(&serde_json::to_string(&suite).unwrap()).unwrap();
        assert_eq!(again, suite);
    }
    // A restoration request written under `suspend`: the case is named, the line given.
    let err = PackTestSuite::from_json(
        "{\"world\": \"w.json\", \"cases\": [\n{\"name\": \"mixed up\", \"clause\": \"QD05/2024 Đ16.2.h\",\n\"act\": \"suspend\", \"request\": {\"provider\": \"so-tp\", \"agreement\": \"a\",\n\"requirements_met\": true, \"at\": \"2024-05-24T09:00:00+07:00\"},\n\"expect\": {\"outcome\": \"deny\", \"reasons\": []}}]}",
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("line 5"), "{message}");
    assert!(
        message.contains("case `mixed up`: `request` is not a suspension request: unknown field `requirements_met`"),
        "{message}"
    );
    // A catalog case needs its time; a calendar must be known by name.
    let err = PackTestSuite::from_json(
        r#"{"world": "w.json", "cases": [{"name": "c", "clause": "QD05/2024 Đ7.2",
            "proposal": {"proposer": "a", "database": "d", "change": {"add": {}}},
            "expect": {"outcome": "deny", "reasons": []}}]}"#,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("case `c`: `at` is missing"),
        "{err}"
    );
    let err = PackTestSuite::from_json(r#"{"world": "w.json", "calendar": "lunar", "cases": []}"#)
        .unwrap_err();
    assert!(
        err.to_string().contains("unknown calendar `lunar`"),
        "{err}"
    );
}
