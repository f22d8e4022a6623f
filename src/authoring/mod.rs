//! The policy authors' tools: explanations and traces, pack test suites and coverage,
//! exports to Cedar's own tools, the properties a pack states for its proofs, and the JSON
//! Schemas of every document.

pub(crate) mod explain;
pub(crate) mod interop;
pub(crate) mod properties;
pub(crate) mod schemas;
pub(crate) mod testing;

pub use explain::{Explanation, Question, Trace, Tracer};
pub use interop::{
    CedarRequest, CedarTests, InteropError, cedar_policies_json, cedar_question, cedar_request,
    cedar_run_tests, cedar_schema_text,
};
pub use properties::{PropertiesError, PropertiesFile, Property, PropertyKind};
pub use schemas::json_schemas;
pub use testing::{
    CaseResult, ClauseCoverage, Coverage, Expectation, ExpectedTransition, PackTestCase,
    PackTestSuite, PolicyCoverage, TestCalendar, TestReport, TestSuiteError, TestWorld,
    run_pack_tests,
};
