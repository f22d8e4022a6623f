//! The Rego peer of the benchmarks (issue 15, `benches/rego/access.rego` run by regorus)
//! decides every generated request as the engine does, outcome and reason codes, so that
//! the benchmark compares equals. The same check runs in the bench before anything is
//! timed; here it also runs on worlds drawn by the crate's strategies.

#[path = "../../benches/common/mod.rs"]
#[allow(
    dead_code,
    reason = "the bench's module: this test uses its provinces and its Rego peer only"
)]
mod common;

use lgsp_policy::Engine;
use lgsp_policy::strategies::{WorldSize, requests_for, world};
use proptest::prelude::*;

use common::rego::Rego;

#[test]
fn the_rego_peer_agrees_with_the_engine_on_the_benchmark_requests() {
    let engine = Engine::builtin().unwrap();
    let mut rego = Rego::new();
    for size in [100, 10_000] {
        let province = common::province(size, 0x5EED_0557_2024);
        let world = lgsp_policy::World::new(province.data.clone()).unwrap();
        assert!(province.requests.len() > 100);
        assert_eq!(
            rego.disagreements(&engine, &world, &province.requests),
            0,
            "size {size} (LGSP_BENCH_DEBUG=1 lists the requests)"
        );
    }
}

/// The hand floor, the bench's other equal, too.
#[test]
fn the_hand_floor_agrees_with_the_engine_on_the_benchmark_requests() {
    let engine = Engine::builtin().unwrap();
    for size in [100, 10_000] {
        let province = common::province(size, 0x5EED_0557_2024);
        let world = lgsp_policy::World::new(province.data.clone()).unwrap();
        assert_eq!(
            common::baselines::disagreements(&engine, &world, &province.requests),
            0,
            "size {size} (LGSP_BENCH_DEBUG=1 lists the requests)"
        );
    }
}

/// A mutant of the Rego policy (the direct-connection forbid removed) is caught: the
/// check can fail.
#[test]
fn a_rego_slip_is_a_disagreement() {
    let engine = Engine::builtin().unwrap();
    let province = common::province(100, 0x5EED_0557_2024);
    let world = lgsp_policy::World::new(province.data.clone()).unwrap();
    let mutant = common::rego::ACCESS_REGO.replace(
        "fixed contains \"not_through_lgsp\" if context.channel == \"direct\"",
        "fixed contains \"not_through_lgsp\" if context.channel == \"never\"",
    );
    assert_ne!(mutant, common::rego::ACCESS_REGO);
    let mut rego = Rego::with_policy(&mutant);
    assert!(rego.disagreements(&engine, &world, &province.requests) > 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_rego_peer_agrees_with_the_engine_on_generated_worlds(
        (w, requests) in world(WorldSize::SMALL).prop_flat_map(|w| {
            let r = proptest::collection::vec(requests_for(&w), 1..16);
            (Just(w), r)
        })
    ) {
        let engine = Engine::builtin().unwrap();
        // The peer encodes the access rules, not the choice of a pack or the engine's
        // own refusals: the requests compared are the ones the pack decides.
        let decided: Vec<_> = requests
            .into_iter()
            .filter(|r| {
                let d = engine.decide(&w, r);
                d.pack.is_some()
                    && !d.reasons.iter().any(|x| {
                        matches!(
                            x.kind,
                            lgsp_policy::ReasonKind::EvaluationError
                                | lgsp_policy::ReasonKind::UnknownReference
                        )
                    })
            })
            .collect();
        let mut rego = Rego::new();
        prop_assert_eq!(rego.disagreements(&engine, &w, &decided), 0);
    }
}
