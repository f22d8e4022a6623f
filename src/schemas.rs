//! JSON Schemas of the public input and output types, for callers in other languages.
//!
//! `cargo run --example json_schemas` writes them to `docs/schema/`; a test fails when the
//! files there are out of date.

use schemars::{JsonSchema, schema_for};

/// Every public input and output type's JSON Schema, as (file name, schema).
///
/// # Example
///
/// ```
/// let schemas = lgsp_policy::json_schemas();
/// assert!(schemas.iter().any(|(name, _)| *name == "decision.schema.json"));
/// ```
pub fn json_schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn one<T: JsonSchema>(name: &'static str) -> (&'static str, serde_json::Value) {
        (name, schema_for!(T).to_value())
    }
    vec![
        one::<crate::WorldData>("world.schema.json"),
        one::<crate::AccessRequest>("access-request.schema.json"),
        one::<crate::Decision>("decision.schema.json"),
        one::<crate::PackManifest>("pack-manifest.schema.json"),
        one::<crate::SuspensionRequest>("suspension-request.schema.json"),
        one::<crate::SuspendAllRequest>("suspend-all-request.schema.json"),
        one::<crate::RestorationRequest>("restoration-request.schema.json"),
        one::<crate::TerminationRequest>("termination-request.schema.json"),
        one::<crate::UsageReportRequest>("usage-report-request.schema.json"),
        one::<crate::LifecycleDecision>("lifecycle-decision.schema.json"),
        one::<crate::Refusal>("refusal.schema.json"),
        one::<crate::CatalogProposal>("catalog-proposal.schema.json"),
        one::<crate::DutiesReport>("duties-report.schema.json"),
        one::<crate::Calendar>("calendar.schema.json"),
        one::<crate::calendar::ShippedData>("shipped-calendar.schema.json"),
        one::<crate::Deadline>("deadline.schema.json"),
        one::<crate::PackTestSuite>("pack-tests.schema.json"),
        one::<crate::Explanation>("explanation.schema.json"),
    ]
}
