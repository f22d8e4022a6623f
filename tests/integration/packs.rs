//! Rule packs: the shipped pack validates strictly against the shipped schema; broken packs
//! are refused with every problem and its place; packs are chosen by territory and date.

use lgsp_policy::pack::Severity;
use lgsp_policy::{Engine, EngineError, PackError, RulePack};

fn builtin_manifest() -> &'static str {
    RulePack::builtin_sources().0
}

/// The built-in pack's files, with `access.cedar` replaced by `text`.
fn files_with_access(text: String) -> Vec<(String, String)> {
    RulePack::builtin_sources()
        .1
        .iter()
        .map(|(n, t)| {
            (
                n.to_string(),
                if *n == "access.cedar" {
                    text.clone()
                } else {
                    t.to_string()
                },
            )
        })
        .collect()
}

fn access_cedar() -> &'static str {
    RulePack::builtin_sources()
        .1
        .iter()
        .find(|(n, _)| *n == "access.cedar")
        .map(|(_, t)| *t)
        .unwrap()
}

#[test]
fn the_shipped_pack_validates_strictly_against_the_shipped_schema() {
    let pack = RulePack::builtin().unwrap();
    assert!(pack.warnings().is_empty(), "{:?}", pack.warnings());
    assert!(pack.rules().count() >= 20);
    // Every rule cites a clause of the pack's list, and ids are unique.
    for rule in pack.rules() {
        assert!(
            pack.manifest().clauses.contains_key(&rule.clause),
            "{}",
            rule.id
        );
    }
    // The schema the crate embeds is the shipped file.
    assert_eq!(
        lgsp_policy::pack::MODEL_SCHEMA,
        include_str!("../../policies/model.cedarschema")
    );
}

#[test]
fn a_parse_error_has_file_line_column_and_snippet() {
    let text = access_cedar().replacen("forbid (principal, action in Lgsp::Action::\"access\", resource)\nwhen { context.channel == \"direct\" };", "forbid (principal, action, resource\nwhen { context.channel == \"direct\" };", 1);
    let err = RulePack::from_sources(builtin_manifest(), files_with_access(text)).unwrap_err();
    let d = err.diagnostics().first().unwrap();
    assert_eq!(d.file, "access.cedar");
    assert!(d.line > 1 && d.column >= 1, "{d}");
    assert!(!d.snippet.is_empty());
    assert!(err.to_string().contains("access.cedar:"), "{err}");
}

#[test]
fn a_type_error_is_caught_by_strict_validation() {
    let text = access_cedar().replacen("context.channel == \"direct\"", "context.channel == 3", 1);
    let err = RulePack::from_sources(builtin_manifest(), files_with_access(text)).unwrap_err();
    let d = err
        .diagnostics()
        .iter()
        .find(|d| d.severity == Severity::Error)
        .unwrap();
    assert_eq!(d.policy.as_deref(), Some("access.direct-connection"));
    assert!(d.snippet.contains("context.channel"), "{d}");
}

/// The `decimal` and `ipaddr` extensions are off in the engine's Cedar, but a build with
/// the `prove` feature links cedar-policy-symcc, which turns them on: a pack must be
/// refused the same way in every build, with the policy and the function named.
#[test]
fn a_policy_calling_an_extension_the_engine_does_not_provide_is_refused_in_every_build() {
    for (call, name) in [
        ("decimal(\"1.5\").lessThan(decimal(\"2.0\"))", "lessThan"),
        ("ip(\"10.0.0.1\").isLoopback()", "isLoopback"),
    ] {
        let text = format!(
            "{}\n@id(\"ext\")\n@clause(\"QD05/2024 Đ13.1\")\n@reason(\"ext\")\n@vi(\"x\")\n@en(\"x\")\nforbid (principal, action in Lgsp::Action::\"access\", resource)\nwhen {{ {call} }};\n",
            access_cedar()
        );
        let err = RulePack::from_sources(builtin_manifest(), files_with_access(text)).unwrap_err();
        let found = err.diagnostics().iter().find(|d| {
            d.severity == Severity::Error
                && (d.policy.as_deref() == Some("ext") || d.message.contains(name))
        });
        assert!(found.is_some(), "{call}: {err}");
        if cfg!(feature = "prove") {
            // Cedar itself accepts the call in this build: the refusal is the engine's, and
            // names the outermost call.
            assert!(
                err.diagnostics()
                    .iter()
                    .any(|d| d.policy.as_deref() == Some("ext")
                        && d.message
                            .contains(&format!("`{name}` belongs to a Cedar extension"))),
                "{call}: {err}"
            );
        }
    }
    // A record literal may have an attribute named like a function.
    let text = format!(
        "{}\n@id(\"rec\")\n@clause(\"QD05/2024 Đ13.1\")\n@reason(\"rec\")\n@vi(\"x\")\n@en(\"x\")\nforbid (principal, action in Lgsp::Action::\"access\", resource)\nwhen {{ {{ decimal: 1 }}.decimal == 2 }};\n",
        access_cedar()
    );
    let result = RulePack::from_sources(builtin_manifest(), files_with_access(text));
    assert!(
        result
            .as_ref()
            .err()
            .is_none_or(|e| !e.to_string().contains("belongs to a Cedar extension")),
        "{:?}",
        result.err()
    );
}

#[test]
fn a_policy_reaching_beyond_the_supplied_depth_is_refused() {
    let text = format!(
        "{}\n@id(\"deep\")\n@clause(\"QD05/2024 Đ13.1\")\n@reason(\"deep\")\n@vi(\"x\")\n@en(\"x\")\nforbid (principal, action in Lgsp::Action::\"access\", resource)\nwhen {{ resource.database.manager.inProvince }};\n",
        access_cedar()
    );
    let err = RulePack::from_sources(builtin_manifest(), files_with_access(text)).unwrap_err();
    assert!(
        err.diagnostics()
            .iter()
            .any(|d| d.policy.as_deref() == Some("deep")),
        "{err}"
    );
}

#[test]
fn missing_annotations_and_unknown_clauses_are_listed_together() {
    let text = format!(
        "{}\n@id(\"access.direct-connection\")\n@clause(\"QD05/2024 Đ99.1\")\n@reason(\"Bad Code\")\npermit (principal, action in Lgsp::Action::\"access\", resource);\n",
        access_cedar()
    );
    let err = RulePack::from_sources(builtin_manifest(), files_with_access(text)).unwrap_err();
    let messages: Vec<String> = err
        .diagnostics()
        .iter()
        .map(|d| d.message.clone())
        .collect();
    for needle in ["@vi", "@en", "QD05/2024 Đ99.1", "snake_case"] {
        assert!(
            messages.iter().any(|m| m.contains(needle)),
            "no `{needle}` in {messages:#?}"
        );
    }
}

#[test]
fn a_bad_manifest_and_an_incompatible_model_are_refused() {
    assert!(matches!(
        RulePack::from_sources("{", files_with_access(access_cedar().to_owned())),
        Err(PackError::Manifest { .. })
    ));
    let future = builtin_manifest().replacen("\"model\": \"^0.", "\"model\": \"^9.", 1);
    let err =
        RulePack::from_sources(&future, files_with_access(access_cedar().to_owned())).unwrap_err();
    assert!(matches!(err, PackError::IncompatibleModel { .. }), "{err}");
    assert!(err.to_string().contains("^9."));
}

#[test]
fn listed_files_must_be_supplied() {
    let err =
        RulePack::from_sources(builtin_manifest(), Vec::<(String, String)>::new()).unwrap_err();
    assert!(err.to_string().contains("access.cedar"), "{err}");
}

#[test]
fn packs_for_one_territory_must_not_overlap() {
    let err = Engine::with_packs(vec![
        RulePack::builtin().unwrap(),
        RulePack::builtin().unwrap(),
    ])
    .unwrap_err();
    assert!(matches!(err, EngineError::OverlappingPacks { .. }));
    assert!(matches!(
        Engine::with_packs(Vec::new()),
        Err(EngineError::NoPacks)
    ));
}

#[test]
fn engine_is_send_and_sync() {
    fn is<T: Send + Sync>() {}
    is::<Engine>();
    is::<lgsp_policy::World>();
}

/// The one-file checker finds, in a file, exactly what loading the pack finds there: no
/// problem in the shipped files, and the broken fixture's every located error.
#[test]
fn the_policy_file_checker_agrees_with_loading_the_pack() {
    let checker = lgsp_policy::pack::PolicyFileChecker::new(builtin_manifest()).unwrap();
    for (name, text) in RulePack::builtin_sources().1 {
        let errors: Vec<_> = checker
            .check(name, text)
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    let broken = include_str!("../fixtures/broken-pack/access.cedar").to_owned();
    let from_checker: Vec<String> = checker
        .check("access.cedar", &broken)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect();
    let Err(PackError::Policies(diags)) =
        RulePack::from_sources(builtin_manifest(), files_with_access(broken))
    else {
        panic!("the broken file does not load");
    };
    let from_loading: Vec<String> = diags
        .into_iter()
        .filter(|d| d.severity == Severity::Error && d.file == "access.cedar")
        .map(|d| d.to_string())
        .collect();
    assert!(from_checker.len() >= 5, "{from_checker:?}");
    assert_eq!(from_checker, from_loading);
}

/// An empty or truncated manifest is located at line 1, column 1 or later, never column 0
/// (found by the `pack_manifest` fuzz target: serde_json says column 0 at the end of input).
#[test]
fn an_empty_manifest_is_located_on_its_first_column() {
    for text in ["", "\n", "{\n"] {
        match RulePack::from_sources(text, RulePack::builtin_sources().1.iter().copied()) {
            Err(PackError::Manifest { line, column, .. }) => {
                assert!(line >= 1 && column >= 1, "{text:?}: {line}:{column}");
            }
            other => panic!("{text:?}: expected a manifest error, got {other:?}"),
        }
    }
    let world = lgsp_policy::World::from_json("");
    assert!(
        matches!(
            world,
            Err(lgsp_policy::WorldError::Json {
                line: 1,
                column: 1,
                ..
            })
        ),
        "{world:?}"
    );
}
