//! The integration tests: one binary, one module per concern.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail loudly on unexpected values; inputs are fixtures"
)]

mod access;
mod authoring;
mod calendar;
mod catalog;
mod cedar_export;
// The `lgsp-policy` tool, run as a process (its binary exists with feature `cli`).
#[cfg(all(feature = "cli", feature = "proptest"))]
mod cli;
mod deadline;
mod decisions;
mod duties;
mod edges;
mod fail_closed;
mod fictional_pack;
#[cfg(feature = "proptest")]
mod hostile;
mod law_in_packs;
mod lifecycle;
// The live world (issue 13).
#[cfg(feature = "proptest")]
mod live;
mod packs;
// Plans against Cedar's evaluator and authoriser on generated policies.
#[cfg(feature = "proptest")]
mod plans;
// Proofs with cedar-policy-symcc and cvc5 (issue 14).
#[cfg(feature = "proptest")]
mod properties;
#[cfg(feature = "proptest")]
mod properties_edges;
#[cfg(feature = "proptest")]
mod properties_lifecycle;
#[cfg(all(feature = "prove", feature = "proptest"))]
mod prove;
// The Rego peer of the benchmarks (issue 15).
#[cfg(feature = "proptest")]
mod reference;
#[cfg(feature = "proptest")]
mod reference_catalog;
#[cfg(feature = "proptest")]
mod reference_lifecycle;
#[cfg(feature = "proptest")]
mod rego_peer;
mod schema_strictness;
mod schemas;
mod support;
mod territories;
mod validity;
mod world;
