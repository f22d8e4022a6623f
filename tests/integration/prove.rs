//! Proofs about packs (feature `prove`, issue 14): the built-in pack's shipped properties
//! are proved; a mutated pack is refuted with a counterexample the engine allows when it
//! is replayed; a one-line edit shows in the diff and a reformatting does not; and the
//! model assumptions hold for every request the engine builds (property test).
//!
//! The tests that need cvc5 find it through `$CVC5` or `PATH`
//! (`scripts/install-cvc5.sh`). Without it they are skipped with a message, except under
//! CI (`CI=true`), where they fail.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use cedar_policy::{Authorizer, Context, Entities, EntityUid, PolicySet, Request};
use cedar_policy_symcc::solver::LocalSolver;
use lgsp_policy::authoring::{CedarRequest, PropertiesFile, cedar_question, cedar_request};
use lgsp_policy::prove::{ProofPack, Prover, Verdict};
use lgsp_policy::strategies::{WorldSize, known_requests_for, suspension_requests_for, world};
use lgsp_policy::{Engine, Outcome, Question, RulePack, World};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

const PACK: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/qd05-2024-phu-yen");

/// The solver, or `None` (with a message) outside CI when there is none.
pub fn solver_path() -> Option<PathBuf> {
    let candidate = std::env::var_os("CVC5").map(PathBuf::from).or_else(|| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join("cvc5"))
                .find(|p| p.is_file())
        })
    });
    match candidate {
        Some(p) if p.is_file() => Some(p),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("CI=true and no cvc5 (set CVC5 or put cvc5 on PATH: scripts/install-cvc5.sh)")
        }
        _ => {
            eprintln!(
                "SKIPPED: no cvc5 solver ($CVC5 or cvc5 on PATH); install it with scripts/install-cvc5.sh"
            );
            None
        }
    }
}

/// Runs `f` with a prover on a fresh cvc5, on a current-thread runtime.
fn with_prover<T>(path: &Path, f: impl AsyncFnOnce(&mut Prover<LocalSolver>) -> T) -> T {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut command = tokio::process::Command::new(path);
        command
            .args(["--lang", "smt", "--tlimit-per=60000"])
            .kill_on_drop(true);
        let mut prover = Prover::new(LocalSolver::from_command(&mut command).unwrap()).unwrap();
        let out = f(&mut prover).await;
        prover.solver_mut().clean_up().await.unwrap();
        out
    })
}

/// The built-in pack's sources, with `edit` applied to `access.cedar`.
pub fn pack_sources(edit: impl Fn(&str) -> String) -> (String, Vec<(String, String)>) {
    let dir = Path::new(PACK);
    let manifest = std::fs::read_to_string(dir.join("pack.json")).unwrap();
    let files = [
        "access.cedar",
        "lifecycle.cedar",
        "catalog.cedar",
        "checks.cedar",
    ]
    .into_iter()
    .map(|name| {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let text = if name == "access.cedar" {
            edit(&text)
        } else {
            text
        };
        (name.to_owned(), text)
    })
    .collect();
    (manifest, files)
}

fn edited_pack(edit: impl Fn(&str) -> String) -> RulePack {
    let (manifest, files) = pack_sources(edit);
    RulePack::from_sources(&manifest, files).unwrap()
}

/// The spike's mutant: the direct-connection forbid removed, and `"direct"` added to the
/// channels of `access.agency-open-data` (the slip the forbid used to catch).
pub fn direct_allowed(text: &str) -> String {
    let start = text.find("@id(\"access.direct-connection\")").unwrap();
    let end = start
        + text[start..]
            .find("when { context.channel == \"direct\" };")
            .unwrap()
        + "when { context.channel == \"direct\" };".len();
    let removed = format!("{}{}", &text[..start], &text[end..]);
    let open = removed.find("@id(\"access.agency-open-data\")").unwrap();
    let channels = "[\"lgsp\", \"ngsp_lgsp\", \"portal\"].contains(context.channel)";
    let at = open + removed[open..].find(channels).unwrap();
    format!(
        "{}[\"lgsp\", \"ngsp_lgsp\", \"portal\", \"direct\"].contains(context.channel){}",
        &removed[..at],
        &removed[at + channels.len()..]
    )
}

fn shipped_properties() -> PropertiesFile {
    PropertiesFile::from_json(
        &std::fs::read_to_string(Path::new(PACK).join("tests/access.properties.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn every_shipped_property_of_the_builtin_pack_is_proved() {
    let Some(path) = solver_path() else { return };
    let pack = ProofPack::new(&RulePack::builtin().unwrap()).unwrap();
    let file = shipped_properties();
    assert!(file.properties.len() >= 9);
    let results = with_prover(&path, async |prover| {
        let mut results = Vec::new();
        for p in &file.properties {
            results.push(prover.check(&pack, p, file.assume_model).await.unwrap());
        }
        results
    });
    for r in &results {
        assert_eq!(
            r.verdict,
            Verdict::Proved,
            "{} [{}]: {:#?}",
            r.name,
            r.clause,
            r.findings
        );
        assert!(r.queries > 0, "{}", r.name);
    }
}

#[test]
fn a_direct_connection_slip_is_refuted_and_the_counterexample_is_allowed() {
    let Some(path) = solver_path() else { return };
    let mutant = edited_pack(direct_allowed);
    let pack = ProofPack::new(&mutant).unwrap();
    let file = shipped_properties();
    let direct = file
        .properties
        .iter()
        .find(|p| p.clause.as_str() == "QD05/2024 Đ13.1")
        .unwrap();
    let result = with_prover(&path, async |prover| {
        prover.check(&pack, direct, true).await.unwrap()
    });
    assert_eq!(result.verdict, Verdict::Refuted);
    assert!(!result.findings.is_empty());
    let engine = Engine::new(mutant.clone());
    let original = Engine::builtin().unwrap();
    for finding in &result.findings {
        let cex = finding.counterexample.as_ref().unwrap();
        let access = cex
            .access
            .as_ref()
            .unwrap_or_else(|| panic!("{:?}", cex.access_problem));
        assert_eq!(access.request.channel, lgsp_policy::Channel::Direct);
        let world = World::new(access.world.clone()).unwrap();
        // Replayed through the engine: the mutant allows it; the shipped pack refuses it
        // for Đ13.1.
        let decision = engine.decide(&world, &access.request);
        assert_eq!(
            decision.outcome,
            Outcome::Allow,
            "{access:#?}\n{decision:#?}"
        );
        let shipped = original.decide(&world, &access.request);
        assert_eq!(shipped.outcome, Outcome::Deny);
        assert!(shipped.has_reason("not_through_lgsp"), "{shipped:#?}");
    }
}

#[test]
fn the_diff_reports_a_one_line_edit_and_not_a_reformatting() {
    let Some(path) = solver_path() else { return };
    let builtin = RulePack::builtin().unwrap();
    // One line: the agreement's end becomes inclusive.
    let edited = edited_pack(|t| {
        t.replacen(
            "context.now >= context.agreement.end",
            "context.now > context.agreement.end",
            1,
        )
    });
    // Only layout: every condition's brace on its own line, indentation doubled.
    let reformatted = edited_pack(|t| t.replace("when {\n", "when\n{\n").replace("\n  ", "\n    "));
    let (old, new, same) = (
        ProofPack::new(&builtin).unwrap(),
        ProofPack::new(&edited).unwrap(),
        ProofPack::new(&reformatted).unwrap(),
    );
    let (changed, unchanged) = with_prover(&path, async |prover| {
        (
            prover.diff(&old, &new).await.unwrap(),
            prover.diff(&old, &same).await.unwrap(),
        )
    });
    assert!(
        unchanged.iter().all(|d| d.is_equivalent()),
        "{unchanged:#?}"
    );
    let differ: Vec<&str> = changed
        .iter()
        .filter(|d| !d.is_equivalent())
        .map(|d| d.action.as_str())
        .collect();
    assert_eq!(differ, ["download", "query", "subscribe"]);
    let (old_engine, new_engine) = (Engine::new(builtin), Engine::new(edited));
    for d in changed.iter().filter(|d| !d.is_equivalent()) {
        assert!(d.old_allows.is_none(), "the edit only allows more: {d:#?}");
        let cex = d.new_allows.as_ref().unwrap();
        let access = cex.access.as_ref().unwrap();
        let world = World::new(access.world.clone()).unwrap();
        // The request falls exactly at the agreement's end.
        let end = access.world.agreements[0].term.end.unwrap();
        assert_eq!(access.request.at, end, "{access:#?}");
        assert_eq!(
            new_engine.decide(&world, &access.request).outcome,
            Outcome::Allow
        );
        let old_decision = old_engine.decide(&world, &access.request);
        assert!(
            old_decision.has_reason("outside_agreement_term"),
            "{old_decision:#?}"
        );
    }
}

/// Each assumption forbid, as a permit: Cedar allows iff some assumption rules the
/// request out.
fn assumptions_as_permits(pack: &ProofPack, action: &str) -> PolicySet {
    pack.assumptions(action)
        .unwrap()
        .replace(
            "forbid (principal, action, resource)",
            "permit (principal, action, resource)",
        )
        .parse()
        .unwrap()
}

/// No assumption rules out the request Cedar was asked (`exported`, from the engine).
fn assumptions_hold(pack: &ProofPack, exported: &CedarRequest) -> Result<(), TestCaseError> {
    let r = &exported.request;
    let uid = |k: &str| -> EntityUid { r[k].as_str().unwrap().parse().unwrap() };
    let action = uid("action");
    let action = action.id().unescaped();
    let entities = Entities::from_json_value(exported.entities.clone(), None).unwrap();
    let context = Context::from_json_value(r["context"].clone(), None).unwrap();
    let cedar = Request::new(
        uid("principal"),
        uid("action"),
        uid("resource"),
        context,
        None,
    )
    .unwrap();
    let response =
        Authorizer::new().is_authorized(&cedar, &assumptions_as_permits(pack, action), &entities);
    let broken: Vec<String> = response
        .diagnostics()
        .reason()
        .map(ToString::to_string)
        .collect();
    prop_assert!(
        broken.is_empty(),
        "assumptions {broken:?} rule out {r}\n{}",
        pack.assumptions(action).unwrap()
    );
    let errors: Vec<String> = response
        .diagnostics()
        .errors()
        .map(ToString::to_string)
        .collect();
    prop_assert!(errors.is_empty(), "{errors:?}");
    Ok(())
}

static ENGINE: LazyLock<(Engine, ProofPack)> = LazyLock::new(|| {
    (
        Engine::builtin().unwrap(),
        ProofPack::new(&RulePack::builtin().unwrap()).unwrap(),
    )
});

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// The model assumptions are sound for access: no request the engine puts to Cedar is
    /// one they rule out, on generated worlds and requests (so a property proved under
    /// them holds for the engine's requests).
    #[test]
    fn the_model_assumptions_hold_for_every_access_request_the_engine_builds(
        (w, request) in world(WorldSize::SMALL).prop_flat_map(|w| {
            let r = known_requests_for(&w);
            (Just(w), r)
        })
    ) {
        let (engine, pack) = &*ENGINE;
        // Refused before Cedar (no pack in force, unknown ids): nothing to check.
        if let Ok(exported) = cedar_request(engine, &w, &request) {
            assumptions_hold(pack, &exported)?;
        }
    }

    /// The same for suspensions, whose property (Đ16.2.h) rests on the lifecycle
    /// assumptions.
    #[test]
    fn the_model_assumptions_hold_for_every_suspension_the_engine_builds(
        (w, request) in world(WorldSize::SMALL).prop_flat_map(|w| {
            let r = suspension_requests_for(&w);
            (Just(w), r)
        })
    ) {
        let (engine, pack) = &*ENGINE;
        let question = Question::Suspension(request);
        if let Ok(exported) = cedar_question(engine, &w, &question) {
            assumptions_hold(pack, &exported)?;
        }
    }
}
