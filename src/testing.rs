//! Pack tests and coverage: a rule pack ships test cases (a world, requests, the expected
//! outcome and reason codes, in the spirit of `cedar run-tests`); the runner decides each
//! case and says what was missing or unexpected; coverage says which policies the cases
//! reached and which clauses have rules and tests. No I/O: the caller reads the files.

use std::collections::{BTreeMap, BTreeSet};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::clause::Clause;
use crate::decision::{Decision, Outcome};
use crate::engine::Engine;
use crate::ids::{PackId, PolicyId};
use crate::pack::RulePack;
use crate::request::AccessRequest;
use crate::world::{World, WorldData};

/// A pack's test file (`tests/*.cases.json`): the world the cases run in, and the cases.
///
/// # Example
///
/// ```
/// use lgsp_policy::PackTestSuite;
///
/// let suite = PackTestSuite::from_json(r#"{
///   "world": "phu-yen.world.json",
///   "cases": [{
///     "name": "direct connection bypassing the LGSP",
///     "clause": "QD05/2024 Đ13.1",
///     "request": {"account": "acc.tuy-hoa.dan-cu", "action": "query",
///                 "dataset": "dan-cu.nhan-khau", "channel": "direct",
///                 "purpose": "administrative-procedures", "at": "2024-06-03T09:30:00+07:00"},
///     "expect": {"outcome": "deny", "reasons": ["not_through_lgsp"]}
///   }]
/// }"#)?;
/// assert_eq!(suite.world.file(), Some("phu-yen.world.json"));
/// assert_eq!(suite.cases.len(), 1);
/// # Ok::<(), lgsp_policy::TestSuiteError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackTestSuite {
    /// The world: a file name (relative to the test file) or the world itself, inline.
    pub world: TestWorld,
    /// The cases.
    pub cases: Vec<PackTestCase>,
}

/// Where a suite's world comes from: a string is a file name, an object is the world.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum TestWorld {
    /// A world file, relative to the test file (the caller reads it).
    File(String),
    /// The world, written out in the suite.
    Inline(Box<WorldData>),
}

// By hand rather than `untagged`, so a mistake in an inline world is reported as what it
// is (an unknown field, a bad id) instead of "did not match any variant".
impl<'de> Deserialize<'de> for TestWorld {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(file) => Ok(TestWorld::File(file)),
            value @ serde_json::Value::Object(_) => serde_json::from_value(value)
                .map(|data| TestWorld::Inline(Box::new(data)))
                .map_err(|e| serde::de::Error::custom(format!("inline world: {e}"))),
            _ => Err(serde::de::Error::custom(
                "`world` must be a file name or the world itself (an object)",
            )),
        }
    }
}

impl TestWorld {
    /// The file name, for a world kept in its own file.
    pub fn file(&self) -> Option<&str> {
        match self {
            TestWorld::File(f) => Some(f),
            TestWorld::Inline(_) => None,
        }
    }
}

/// One test case: a request, and what the pack must answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackTestCase {
    /// What the case shows, in a few words.
    pub name: String,
    /// The clause the case exercises (every test of a rule is named by its clause).
    pub clause: Clause,
    /// The request.
    pub request: AccessRequest,
    /// The expected answer.
    pub expect: Expectation,
}

/// The expected answer of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// Allow or deny.
    pub outcome: Outcome,
    /// Exactly the reason codes the decision must carry (order does not matter).
    pub reasons: Vec<String>,
}

/// A test file's text is not a [`PackTestSuite`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TestSuiteError {
    /// The JSON text is not a suite.
    #[error("test suite JSON, line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde found.
        message: String,
    },
}

impl PackTestSuite {
    /// Parses a suite from JSON.
    ///
    /// # Errors
    ///
    /// [`TestSuiteError::Json`] with line and column when the text is not a suite (unknown
    /// fields, a malformed clause, request or outcome).
    ///
    /// # Example
    ///
    /// ```
    /// let err = lgsp_policy::PackTestSuite::from_json(r#"{"world": "w.json", "cases": [{}]}"#)
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("missing field `name`"));
    /// // An inline world's mistakes are named.
    /// let err = lgsp_policy::PackTestSuite::from_json(
    ///     r#"{"world": {"territory": "VN-57", "agencis": []}, "cases": []}"#,
    /// ).unwrap_err();
    /// assert!(err.to_string().contains("inline world: unknown field `agencis`"));
    /// ```
    pub fn from_json(json: &str) -> Result<PackTestSuite, TestSuiteError> {
        serde_json::from_str(json).map_err(|e| TestSuiteError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })
    }
}

/// The result of one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// The case's clause.
    pub clause: Clause,
    /// Whether outcome and reason codes are as expected.
    pub passed: bool,
    /// What was expected.
    pub expected: Expectation,
    /// The outcome given.
    pub outcome: Outcome,
    /// The reason codes given, in the decision's order.
    pub reasons: Vec<String>,
    /// Expected reason codes the decision lacks.
    pub missing: Vec<String>,
    /// Reason codes the decision gives that were not expected.
    pub unexpected: Vec<String>,
    /// The policies satisfied while deciding (see [`Engine::explain`]).
    pub satisfied: Vec<PolicyId>,
    /// The pack that decided, if one was in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<PackId>,
    /// The full decision.
    pub decision: Decision,
}

/// The results of a suite's cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TestReport {
    /// One result per case, in order.
    pub cases: Vec<CaseResult>,
}

impl TestReport {
    /// How many cases passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.passed).count()
    }

    /// The cases that failed.
    pub fn failures(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| !c.passed)
    }

    /// Whether every case passed.
    pub fn all_passed(&self) -> bool {
        self.cases.iter().all(|c| c.passed)
    }
}

/// Runs test cases against an engine in a world: decides each request (with
/// [`Engine::explain`]) and compares the outcome and the set of reason codes with the
/// expectation. Never fails: a case that cannot pass is a failed case.
///
/// # Example
///
/// ```
/// use lgsp_policy::{Engine, Expectation, Outcome, PackTestCase, World, WorldData, run_pack_tests};
///
/// let engine = Engine::builtin()?;
/// let world = World::new(WorldData::new("VN-57".parse()?))?;
/// let case = PackTestCase {
///     name: "unknown account".into(),
///     clause: "QD05/2024 Đ16.2.e".parse()?,
///     request: lgsp_policy::AccessRequest::from_json(r#"{"account": "ghost", "action": "query",
///         "dataset": "nothing", "channel": "lgsp", "purpose": "p",
///         "at": "2024-06-03T09:00:00+07:00"}"#)?,
///     expect: Expectation { outcome: Outcome::Deny, reasons: vec!["unknown_account".into()] },
/// };
/// let report = run_pack_tests(&engine, &world, &[case]);
/// assert!(!report.all_passed()); // the dataset is unknown too
/// assert_eq!(report.cases[0].unexpected, ["unknown_dataset"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_pack_tests(engine: &Engine, world: &World, cases: &[PackTestCase]) -> TestReport {
    let cases = cases
        .iter()
        .map(|case| {
            let explanation = engine.explain(world, &case.request);
            let decision = explanation.decision;
            let got: BTreeSet<&str> = decision.reason_codes().collect();
            let want: BTreeSet<&str> = case.expect.reasons.iter().map(String::as_str).collect();
            let missing: Vec<String> = want.difference(&got).map(|s| (*s).to_owned()).collect();
            let unexpected: Vec<String> = got.difference(&want).map(|s| (*s).to_owned()).collect();
            CaseResult {
                name: case.name.clone(),
                clause: case.clause.clone(),
                passed: decision.outcome == case.expect.outcome
                    && missing.is_empty()
                    && unexpected.is_empty(),
                expected: case.expect.clone(),
                outcome: decision.outcome,
                reasons: decision.reason_codes().map(str::to_owned).collect(),
                missing,
                unexpected,
                satisfied: explanation.satisfied,
                pack: decision.pack.as_ref().map(|p| p.id.clone()),
                decision,
            }
        })
        .collect();
    TestReport { cases }
}

/// Coverage of one policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PolicyCoverage {
    /// Its `@id`.
    pub id: PolicyId,
    /// Permit or forbid.
    pub permit: bool,
    /// Its `@clause`.
    pub clause: Clause,
    /// The file it is in.
    pub file: String,
    /// The line it starts on.
    pub line: usize,
    /// The cases in which it was satisfied.
    pub reached_by: Vec<String>,
}

/// Coverage of one clause of the pack's clause list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ClauseCoverage {
    /// The clause.
    pub clause: Clause,
    /// Its English title, from the manifest.
    pub title: String,
    /// Policies whose `@clause` it is.
    pub policies: Vec<PolicyId>,
    /// Engine reasons (manifest `reasons`) that cite it.
    pub engine_reasons: Vec<String>,
    /// Cases that name it as their clause, or that reached one of its policies or gave
    /// one of its engine reasons.
    pub tests: Vec<String>,
}

impl ClauseCoverage {
    /// Whether a policy or an engine reason rests on the clause.
    pub fn has_rules(&self) -> bool {
        !self.policies.is_empty() || !self.engine_reasons.is_empty()
    }
}

/// What a pack's test cases cover: its policies and its clause list.
///
/// # Example
///
/// ```
/// use lgsp_policy::{Coverage, RulePack, TestReport};
///
/// let pack = RulePack::builtin()?;
/// let coverage = Coverage::of(&pack, &[TestReport { cases: vec![] }]);
/// // Without tests nothing is reached.
/// assert_eq!(coverage.unreached().count(), coverage.policies.len());
/// # Ok::<(), lgsp_policy::PackError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Coverage {
    /// The pack.
    pub pack: PackId,
    /// Every policy, in pack order.
    pub policies: Vec<PolicyCoverage>,
    /// Every clause of the manifest's clause list, in its order.
    pub clauses: Vec<ClauseCoverage>,
}

impl Coverage {
    /// Measures the coverage of a pack by test reports. Only cases the pack decided count
    /// (an engine may hold several packs), and cases no pack decided (`no_pack_in_force`),
    /// which test the pack's dates and its engine reason.
    pub fn of(pack: &RulePack, reports: &[TestReport]) -> Coverage {
        let pack_id = &pack.manifest().id;
        let mut reached: BTreeMap<&PolicyId, Vec<String>> = BTreeMap::new();
        let mut by_clause: BTreeMap<&Clause, BTreeSet<String>> = BTreeMap::new();
        let mut by_code: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        let cases = reports
            .iter()
            .flat_map(|r| &r.cases)
            .filter(|c| c.pack.as_ref().is_none_or(|p| p == pack_id));
        for case in cases {
            by_clause
                .entry(&case.clause)
                .or_default()
                .insert(case.name.clone());
            for id in &case.satisfied {
                reached.entry(id).or_default().push(case.name.clone());
            }
            for code in &case.reasons {
                by_code
                    .entry(code.as_str())
                    .or_default()
                    .insert(case.name.clone());
            }
        }
        let policies: Vec<PolicyCoverage> = pack
            .rules()
            .map(|r| PolicyCoverage {
                id: r.id.clone(),
                permit: r.permit,
                clause: r.clause.clone(),
                file: r.file.clone(),
                line: r.line,
                reached_by: reached.get(&r.id).cloned().unwrap_or_default(),
            })
            .collect();
        let clauses = pack
            .manifest()
            .clauses
            .iter()
            .map(|(clause, title)| {
                let mut tests: BTreeSet<String> =
                    by_clause.get(clause).cloned().unwrap_or_default();
                let own: Vec<&PolicyCoverage> =
                    policies.iter().filter(|p| &p.clause == clause).collect();
                for p in &own {
                    tests.extend(p.reached_by.iter().cloned());
                }
                let engine_reasons: Vec<String> = pack
                    .manifest()
                    .reasons
                    .iter()
                    .filter(|(_, r)| &r.clause == clause)
                    .map(|(code, _)| code.clone())
                    .collect();
                for code in &engine_reasons {
                    if let Some(names) = by_code.get(code.as_str()) {
                        tests.extend(names.iter().cloned());
                    }
                }
                ClauseCoverage {
                    clause: clause.clone(),
                    title: title.en.clone(),
                    policies: own.iter().map(|p| p.id.clone()).collect(),
                    engine_reasons,
                    tests: tests.into_iter().collect(),
                }
            })
            .collect();
        Coverage {
            pack: pack_id.clone(),
            policies,
            clauses,
        }
    }

    /// The policies no case reached.
    pub fn unreached(&self) -> impl Iterator<Item = &PolicyCoverage> {
        self.policies.iter().filter(|p| p.reached_by.is_empty())
    }

    /// The clauses that have rules (policies or engine reasons) but no test.
    pub fn untested_clauses(&self) -> impl Iterator<Item = &ClauseCoverage> {
        self.clauses
            .iter()
            .filter(|c| c.has_rules() && c.tests.is_empty())
    }

    /// The clauses no policy and no engine reason rests on (they may serve advisories,
    /// duties or deadlines).
    pub fn clauses_without_rules(&self) -> impl Iterator<Item = &ClauseCoverage> {
        self.clauses.iter().filter(|c| !c.has_rules())
    }
}
