//! Proofs about packs (feature `prove`, issue 14): the built-in pack's shipped properties
//! are proved; a mutated pack is refuted with a counterexample the engine allows when it
//! is replayed; a one-line edit shows in the diff and a reformatting does not; the
//! model assumptions hold for every request the engine builds (property test); and every
//! residual the engine evaluates (each policy rewritten for each action, issue 15) is
//! proved equivalent to its policy, for every shipped pack, while wrong residuals are
//! refuted with a counterexample.
//!
//! The tests that need cvc5 find it through `$CVC5` or `PATH`
//! (`scripts/install-cvc5.sh`). Without it they are skipped with a message, except under
//! CI (`CI=true`), where they fail.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use cedar_policy::{Authorizer, Context, Entities, EntityUid, PolicySet, Request};
use cedar_policy_symcc::solver::LocalSolver;
use lgsp_policy::authoring::{CedarRequest, PropertiesFile, cedar_question, cedar_request};
use lgsp_policy::prove::{ActionPlans, PlanProof, ProofPack, ProveError, Prover, Verdict};
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

/// Every residual of every slice of every action of `pack`.
fn prove_plans(path: &Path, pack: &ProofPack) -> Vec<ActionPlans> {
    with_prover(path, async |prover| {
        let mut plans = Vec::new();
        for action in pack.actions() {
            plans.push(prover.check_plans(pack, action).await.unwrap());
        }
        plans
    })
}

fn assert_every_residual_proved(dir: &str) {
    let Some(path) = solver_path() else { return };
    let rules = crate::law_in_packs::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(dir));
    let pack = ProofPack::new(&rules).unwrap();
    let plans = prove_plans(&path, &pack);
    let failed: Vec<&PlanProof> = plans
        .iter()
        .flat_map(|a| &a.proofs)
        .filter(|p| p.verdict != Verdict::Proved)
        .collect();
    assert!(failed.is_empty(), "{dir}: {failed:#?}");
    assert!(plans.iter().all(ActionPlans::is_proved));
    // Every policy in every slice the engine evaluates: the residuals it shows, and
    // `false` for the policies out of the action's scope.
    let slices = rules.slice_plans();
    let policies = rules.rules().count();
    assert_eq!(plans.len(), pack.actions().len());
    assert_eq!(
        plans.iter().map(|a| a.slices).sum::<usize>(),
        slices.len(),
        "{dir}"
    );
    for action in &plans {
        let of_action: Vec<_> = slices
            .iter()
            .filter(|s| s.action == action.action)
            .collect();
        assert_eq!(action.proofs.len(), of_action.len() * policies, "{dir}");
        let in_scope: Vec<&PlanProof> = action.proofs.iter().filter(|p| p.scope_matches).collect();
        let shown: Vec<_> = of_action
            .iter()
            .flat_map(|s| {
                s.policies
                    .iter()
                    .map(move |p| (&s.known, &p.policy, &p.residual))
            })
            .collect();
        assert_eq!(
            in_scope
                .iter()
                .map(|p| (&p.known, &p.policy, &p.residual))
                .collect::<Vec<_>>(),
            shown,
            "{dir} {}",
            action.action
        );
    }
    assert!(
        plans
            .iter()
            .flat_map(|a| &a.proofs)
            .any(|p| !p.known.is_empty() && !p.as_for_the_action && p.residual != "false"),
        "{dir}: nothing proved on a slice"
    );
}

#[test]
fn every_residual_of_the_builtin_pack_is_proved_equivalent_to_its_policy() {
    assert_every_residual_proved("policies/qd05-2024-phu-yen");
}

#[test]
fn every_residual_of_the_lam_vien_pack_is_proved_equivalent_to_its_policy() {
    assert_every_residual_proved("examples/packs/lam-vien-2026");
}

#[test]
fn every_residual_of_the_strict_personal_data_pack_is_proved_equivalent_to_its_policy() {
    assert_every_residual_proved("examples/packs/strict-personal-data");
}

/// A slice with wrong residuals among the engine's right ones, as a faulty rewriting
/// would produce it: the batch of the action is not proved, and halving it finds exactly
/// the wrong ones, each refuted with a counterexample.
#[test]
fn wrong_residuals_among_right_ones_are_found_and_refuted() {
    let Some(path) = solver_path() else { return };
    let rules = RulePack::builtin().unwrap();
    let pack = ProofPack::new(&rules).unwrap();
    let mut slices = pack.slices("download").to_vec();
    let shared_lgsp = slices
        .iter()
        .position(|s| {
            s.known
                == [
                    r#"resource.class == "shared""#.to_owned(),
                    r#"context.channel == "lgsp""#.to_owned(),
                ]
        })
        .unwrap_or_else(|| panic!("{:#?}", pack.slices("download")));
    // The term's end made inclusive, for shared data through the LGSP.
    let term = residual(&mut slices[shared_lgsp], "access.outside-term");
    let end = "!(context.now < context.agreement.end)";
    assert!(term.contains(end), "{term}");
    *term = term.replacen(end, "context.agreement.end < context.now", 1);
    // The prohibition of direct connections kept where the channel is the LGSP.
    let direct = residual(&mut slices[shared_lgsp], "access.direct-connection");
    assert_eq!(direct, "false");
    *direct = "true".to_owned();
    let plans = with_prover(&path, async |prover| {
        prover
            .check_slices(&pack, "download", &slices)
            .await
            .unwrap()
    });
    assert!(!plans.is_proved());
    let wrong: Vec<&PlanProof> = plans
        .proofs
        .iter()
        .filter(|p| p.verdict != Verdict::Proved)
        .collect();
    let mut ids: Vec<&str> = wrong.iter().map(|p| p.policy.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        ["access.direct-connection", "access.outside-term"],
        "{wrong:#?}"
    );
    for p in &wrong {
        assert_eq!(p.verdict, Verdict::Refuted, "{p:#?}");
        assert_eq!(p.known, slices[shared_lgsp].known);
        let cex = p.counterexample.as_ref().unwrap();
        let access = cex
            .access
            .as_ref()
            .unwrap_or_else(|| panic!("{:?}", cex.access_problem));
        // A request of the slice: shared data through the LGSP.
        assert_eq!(access.request.channel, lgsp_policy::Channel::Lgsp, "{p:#?}");
        assert!(p.queries >= 1, "{p:#?}");
    }
    // More than the one query of a batch proved at once: the halving.
    assert!(plans.queries > 2, "{}", plans.queries);
    // A slice of another action, or a policy the pack does not have, is refused.
    let errors = with_prover(&path, async |prover| {
        let mut other = slices[0].clone();
        other.action = "query".into();
        let mut unknown = slices[0].clone();
        unknown.policies[0].policy = "access.nothing-like-it".parse().unwrap();
        [
            prover
                .check_slices(&pack, "download", &[other])
                .await
                .unwrap_err(),
            prover
                .check_slices(&pack, "download", &[unknown])
                .await
                .unwrap_err(),
        ]
    });
    assert!(
        errors
            .iter()
            .all(|e| matches!(e, ProveError::Residual { .. })),
        "{errors:?}"
    );
}

/// Wrong residuals of real policies, as a faulty rewriting would produce them: each is
/// refuted with a request on which it differs from the policy.
#[test]
fn a_wrong_residual_is_refuted_with_a_counterexample() {
    let Some(path) = solver_path() else { return };
    let rules = RulePack::builtin().unwrap();
    let pack = ProofPack::new(&rules).unwrap();
    let term: lgsp_policy::records::PolicyId = "access.outside-term".parse().unwrap();
    let residual = rules
        .plans("download")
        .into_iter()
        .find(|p| p.policy == term)
        .unwrap()
        .residual;
    // One comparison flipped: the term's end made inclusive (`>=` reads back as `!(<)`).
    let end = "!(context.now < context.agreement.end)";
    assert!(residual.contains(end), "{residual}");
    let flipped = residual.replacen(end, "context.agreement.end < context.now", 1);
    // The same values where the residual holds, but an error (an overflow) where it is
    // false: the policy would be left to fail closed on requests it does not match.
    let erring = format!("({residual}) || 9223372036854775807 + 1 == 0");
    // A policy of another action kept in a slice it is not in.
    let out_of_scope: lgsp_policy::records::PolicyId =
        "lifecycle.suspend-for-violation".parse().unwrap();
    let nothing: lgsp_policy::records::PolicyId = "access.nothing-like-it".parse().unwrap();
    let direct: lgsp_policy::records::PolicyId = "access.direct-connection".parse().unwrap();
    // The guard moved after what it guards: the same value wherever it is true, but strict
    // validation refuses to read `context.agreement` before knowing it is there.
    let unguarded =
        residual.replacen(" && (context has agreement)", "", 1) + " && (context has agreement)";
    let (proved, flip, err, scope, broken, unknown) = with_prover(&path, async |prover| {
        // Another way to write the same condition: the solver, not symcc's compilation
        // alone, proves it.
        let other = prover
            .check_residual(
                &pack,
                "query",
                &direct,
                r#"["direct"].contains(context.channel)"#,
                &[],
            )
            .await
            .unwrap();
        assert_eq!(other.verdict, Verdict::Proved, "{other:#?}");
        // On a slice whose requests share what `known` says, the residual may read it as
        // a constant: for open data the term never matters; for shared data only the
        // term's check is left.
        let open = [r#"resource.class == "open""#.to_owned()];
        let shared = [r#"resource.class == "shared""#.to_owned()];
        let after_class = residual
            .strip_prefix(r#"["restricted", "shared"].contains(resource.class) && "#)
            .unwrap_or_else(|| panic!("{residual}"));
        for (known, sliced, verdict) in [
            (&open[..], "false", Verdict::Proved),
            (&[][..], "false", Verdict::Refuted),
            (&shared[..], after_class, Verdict::Proved),
            (&open[..], after_class, Verdict::Refuted),
        ] {
            let proof = prover
                .check_residual(&pack, "download", &term, sliced, known)
                .await
                .unwrap();
            assert_eq!(proof.verdict, verdict, "{known:?}: {proof:#?}");
            assert_eq!(proof.known, known);
        }
        let bad = prover
            .check_residual(
                &pack,
                "download",
                &term,
                "false",
                &["resource.clas ==".to_owned()],
            )
            .await
            .unwrap_err();
        assert!(
            bad.to_string()
                .contains("the known condition `resource.clas ==` does not parse"),
            "{bad}"
        );
        let invalid = prover
            .check_residual(&pack, "download", &term, &unguarded, &[])
            .await
            .unwrap();
        assert_eq!(invalid.verdict, Verdict::Undecided, "{invalid:#?}");
        assert!(
            invalid
                .message
                .as_deref()
                .unwrap()
                .starts_with("the residual does not validate for `download`"),
            "{invalid:#?}"
        );
        (
            prover
                .check_residual(&pack, "download", &term, &residual, &[])
                .await
                .unwrap(),
            prover
                .check_residual(&pack, "download", &term, &flipped, &[])
                .await
                .unwrap(),
            prover
                .check_residual(&pack, "download", &term, &erring, &[])
                .await
                .unwrap(),
            prover
                .check_residual(&pack, "download", &out_of_scope, "true", &[])
                .await
                .unwrap(),
            prover
                .check_residual(&pack, "download", &term, "context.now <", &[])
                .await
                .unwrap(),
            [
                prover
                    .check_residual(&pack, "download", &nothing, "true", &[])
                    .await
                    .unwrap_err(),
                prover
                    .check_residual(&pack, "frobnicate", &term, "true", &[])
                    .await
                    .unwrap_err(),
                prover.check_plans(&pack, "frobnicate").await.unwrap_err(),
            ],
        )
    });
    for e in &unknown {
        assert!(matches!(e, ProveError::Residual { .. }), "{e:?}");
    }
    assert_eq!(
        unknown[0].to_string(),
        "residual of `access.nothing-like-it` for `download`: no such policy in the pack"
    );
    assert!(
        unknown[2]
            .to_string()
            .starts_with("residuals for `frobnicate`: no action `frobnicate` in the schema"),
        "{}",
        unknown[2]
    );
    assert_eq!(proved.verdict, Verdict::Proved, "{proved:#?}");
    assert_eq!(proved.queries, 2);

    assert_eq!(flip.verdict, Verdict::Refuted, "{flip:#?}");
    assert_eq!(
        flip.message.as_deref(),
        Some("on this request the policy's condition is true and the residual is false"),
        "{flip:#?}"
    );
    let cex = flip.counterexample.as_ref().unwrap();
    let access = cex
        .access
        .as_ref()
        .unwrap_or_else(|| panic!("{:?}", cex.access_problem));
    // The request falls exactly at the agreement's end: the policy forbids it, and the
    // engine (whose residual is right) refuses it for Đ14.5.
    assert_eq!(
        Some(access.request.at),
        access.world.agreements[0].term.end,
        "{access:#?}"
    );
    let world = World::new(access.world.clone()).unwrap();
    let decision = Engine::new(rules.clone()).decide(&world, &access.request);
    assert!(
        decision.has_reason("outside_agreement_term"),
        "{decision:#?}"
    );

    assert_eq!(err.verdict, Verdict::Refuted, "{err:#?}");
    let message = err.message.as_deref().unwrap();
    assert!(
        message.starts_with(
            "on this request the policy's condition is false and the residual is an error"
        ),
        "{err:#?}"
    );
    assert!(err.counterexample.is_some());

    assert_eq!(scope.verdict, Verdict::Refuted, "{scope:#?}");
    assert!(!scope.scope_matches);
    assert_eq!(
        scope.message.as_deref(),
        Some("on this request the policy's condition is false and the residual is true")
    );

    assert_eq!(broken.verdict, Verdict::Refuted, "{broken:#?}");
    assert!(
        broken
            .message
            .as_deref()
            .unwrap()
            .starts_with("the residual is not one Cedar expression"),
        "{broken:#?}"
    );
    assert!(broken.counterexample.is_none());
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

fn residual<'a>(slice: &'a mut lgsp_policy::pack::SlicePlan, id: &str) -> &'a mut String {
    &mut slice
        .policies
        .iter_mut()
        .find(|p| p.policy.as_str() == id)
        .unwrap()
        .residual
}
