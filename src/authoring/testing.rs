//! Pack tests and coverage: a rule pack ships test cases (a world, questions — access
//! requests, lifecycle acts, catalog proposals — the expected outcome and reason codes, in
//! the spirit of `cedar run-tests`); the runner decides each case and says what was
//! missing or unexpected; coverage says which policies the cases reached and which
//! clauses have rules and tests. No I/O: the caller reads the files.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, FixedOffset};
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::agreement::AgreementStatus;
use crate::calendar::Calendar;
use crate::clause::Clause;
use crate::decision::{Decision, Duty, Outcome};
use crate::engine::Engine;
use crate::explain::Question;
use crate::ids::{AgreementId, PackId, PolicyId};
use crate::lifecycle::Transition;
use crate::pack::RulePack;
use crate::world::{World, WorldData};

/// A pack's test file (`tests/*.cases.json`): the world the cases run in, the calendar
/// deadlines are counted with, and the cases.
///
/// # Example
///
/// ```
/// use lgsp_policy::Question;
/// use lgsp_policy::authoring::PackTestSuite;
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
///   }, {
///     "name": "suspension without grounds",
///     "clause": "QD05/2024 Đ16.2.h",
///     "act": "suspend",
///     "request": {"provider": "so-tp", "agreement": "agr.tp.so-tnmt",
///                 "at": "2024-05-17T17:00:00+07:00"},
///     "expect": {"outcome": "deny", "reasons": ["suspension_without_grounds"], "transitions": []}
///   }]
/// }"#)?;
/// assert_eq!(suite.world.file(), Some("phu-yen.world.json"));
/// assert!(matches!(suite.cases[0].question, Question::Access(_)));
/// assert!(matches!(suite.cases[1].question, Question::Suspension(_)));
/// # Ok::<(), lgsp_policy::authoring::TestSuiteError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackTestSuite {
    /// The world: a file name (relative to the test file) or the world itself, inline.
    pub world: TestWorld,
    /// The working-day calendar the deadlines of lifecycle cases are counted with: the
    /// name of a built-in calendar (`"vietnam_public_sector"`, the default) or a calendar
    /// written out.
    #[serde(default, skip_serializing_if = "TestCalendar::is_default")]
    pub calendar: TestCalendar,
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
    /// The file name, for a world kept in its own file ([`PackTestSuite`] shows it).
    pub fn file(&self) -> Option<&str> {
        match self {
            TestWorld::File(f) => Some(f),
            TestWorld::Inline(_) => None,
        }
    }
}

/// The calendar of a suite: a built-in one by name, or one written out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum TestCalendar {
    /// `"vietnam_public_sector"`: [`Calendar::vietnam_public_sector`], the default.
    #[default]
    #[serde(serialize_with = "vietnam_public_sector_name")]
    #[schemars(with = "VietnamPublicSector")]
    VietnamPublicSector,
    /// A calendar written out (weekly days off and years).
    Inline(Box<Calendar>),
}

/// Schema of the built-in calendar's name.
#[derive(JsonSchema)]
#[allow(dead_code, reason = "only describes a JSON string")]
enum VietnamPublicSector {
    #[serde(rename = "vietnam_public_sector")]
    Name,
}

fn vietnam_public_sector_name<S: serde::Serializer>(s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("vietnam_public_sector")
}

impl<'de> Deserialize<'de> for TestCalendar {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(name) if name == "vietnam_public_sector" => {
                Ok(TestCalendar::VietnamPublicSector)
            }
            serde_json::Value::String(name) => Err(serde::de::Error::custom(format!(
                "unknown calendar `{name}`: the built-in calendar is `vietnam_public_sector`; \
                 another one is written out as an object"
            ))),
            value @ serde_json::Value::Object(_) => serde_json::from_value(value)
                .map(|c| TestCalendar::Inline(Box::new(c)))
                .map_err(|e| serde::de::Error::custom(format!("calendar: {e}"))),
            _ => Err(serde::de::Error::custom(
                "`calendar` must be a built-in calendar's name or a calendar (an object)",
            )),
        }
    }
}

impl TestCalendar {
    /// The calendar itself.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::time::Calendar;
    /// use lgsp_policy::authoring::TestCalendar;
    ///
    /// // The default, as a suite that names no calendar gets it.
    /// let default = TestCalendar::default();
    /// assert_eq!(*default.calendar(), Calendar::vietnam_public_sector());
    /// let named: TestCalendar = serde_json::from_str(r#""vietnam_public_sector""#)?;
    /// assert_eq!(named, TestCalendar::VietnamPublicSector);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn calendar(&self) -> Cow<'_, Calendar> {
        match self {
            TestCalendar::VietnamPublicSector => Cow::Owned(Calendar::vietnam_public_sector()),
            TestCalendar::Inline(c) => Cow::Borrowed(c),
        }
    }

    fn is_default(&self) -> bool {
        *self == TestCalendar::VietnamPublicSector
    }
}

/// One test case: a question, and what the pack must answer.
///
/// In JSON, `act` says what the question is — `access` (the default), `suspend`,
/// `restore`, `terminate`, `usage_report`, `suspend_all` or `catalog` — and `request`
/// holds it ([`AccessRequest`](crate::AccessRequest),
/// [`SuspensionRequest`](crate::SuspensionRequest), …); a catalog case gives `proposal`
/// and `at` instead. `given_statuses` sets agreements' statuses for this case only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "RawCase", into = "RawCase")]
pub struct PackTestCase {
    /// What the case shows, in a few words.
    pub name: String,
    /// The clause the case exercises (every test of a rule is named by its clause).
    pub clause: Clause,
    /// The question put to the engine.
    pub question: Question,
    /// Agreement statuses that differ from the world's, for this case only (an agreement
    /// already suspended, say).
    pub given_statuses: IndexMap<AgreementId, AgreementStatus>,
    /// The expected answer.
    pub expect: Expectation,
}

impl PackTestCase {
    /// A case on the world as it is.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Outcome, TerminationRequest};
    /// use lgsp_policy::authoring::{Expectation, PackTestCase};
    ///
    /// let request = AccessRequest::from_json(r#"{"account": "acc.tuy-hoa.dan-cu",
    ///     "action": "query", "dataset": "dan-cu.nhan-khau", "channel": "direct",
    ///     "purpose": "administrative-procedures", "at": "2024-06-03T09:30:00+07:00"}"#)?;
    /// let case = PackTestCase::new("direct connection", "QD05/2024 Đ13.1".parse()?, request.clone(),
    ///     Expectation::new(Outcome::Deny, ["not_through_lgsp"]));
    /// assert_eq!(case.access_request(), Some(&request));
    /// assert!(case.given_statuses.is_empty());
    ///
    /// // Any question converts: here a lifecycle act, which is not an access request.
    /// let termination = TerminationRequest {
    ///     provider: "so-tp".parse()?, agreement: "agr.tp.so-tnmt".parse()?, at: request.at,
    /// };
    /// let case = PackTestCase::new("terminate", "QD05/2024 Đ16.1.g".parse()?, termination,
    ///     Expectation::new(Outcome::Allow, ["termination_by_provider"]));
    /// assert_eq!(case.question.act(), "terminate");
    /// assert!(case.access_request().is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        name: impl Into<String>,
        clause: Clause,
        question: impl Into<Question>,
        expect: Expectation,
    ) -> Self {
        PackTestCase {
            name: name.into(),
            clause,
            question: question.into(),
            given_statuses: IndexMap::new(),
            expect,
        }
    }

    /// The access request, for an access case ([`PackTestCase::new`] shows it).
    pub fn access_request(&self) -> Option<&crate::request::AccessRequest> {
        match &self.question {
            Question::Access(r) => Some(r),
            _ => None,
        }
    }
}

/// What a case asks, as its JSON names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
enum ActName {
    Access,
    Suspend,
    Restore,
    Terminate,
    UsageReport,
    SuspendAll,
    Catalog,
    CheckNotice,
    CheckRefusal,
}

/// The written form of a case.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PackTestCase")]
struct RawCase {
    /// What the case shows, in a few words.
    name: String,
    /// The clause the case exercises.
    clause: Clause,
    /// What is asked: `access` (the default without `proposal`), `suspend`, `restore`,
    /// `terminate`, `usage_report`, `suspend_all`, `catalog` (the default with
    /// `proposal`), `check_notice`, `check_refusal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    act: Option<ActName>,
    /// The request, of the kind `act` names (every kind but `catalog`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<AnyRequest>")]
    request: Option<serde_json::Value>,
    /// A catalog case's proposal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    proposal: Option<crate::catalog::CatalogProposal>,
    /// A catalog case's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    at: Option<DateTime<FixedOffset>>,
    /// Agreement statuses that differ from the world's, for this case only.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    given_statuses: IndexMap<AgreementId, AgreementStatus>,
    /// The expected answer.
    expect: Expectation,
}

/// Schema only: the requests a case may hold.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code, reason = "only describes the JSON")]
enum AnyRequest {
    Access(crate::request::AccessRequest),
    Suspend(crate::lifecycle::SuspensionRequest),
    Restore(crate::lifecycle::RestorationRequest),
    Terminate(crate::lifecycle::TerminationRequest),
    UsageReport(crate::lifecycle::UsageReportRequest),
    SuspendAll(crate::lifecycle::SuspendAllRequest),
    CheckNotice(crate::lifecycle::NoticeCheckRequest),
    CheckRefusal(crate::refusal::Refusal),
}

impl TryFrom<RawCase> for PackTestCase {
    type Error = String;

    fn try_from(raw: RawCase) -> Result<Self, String> {
        let name = &raw.name;
        let act = raw.act.unwrap_or(if raw.proposal.is_some() {
            ActName::Catalog
        } else {
            ActName::Access
        });
        fn parse<T: serde::de::DeserializeOwned>(
            name: &str,
            what: &str,
            request: Option<serde_json::Value>,
        ) -> Result<T, String> {
            let request = request.ok_or_else(|| format!("case `{name}`: `request` is missing"))?;
            serde_json::from_value(request)
                .map_err(|e| format!("case `{name}`: `request` is not {what}: {e}"))
        }
        let question = match act {
            ActName::Catalog => {
                if raw.request.is_some() {
                    return Err(format!(
                        "case `{name}`: a catalog case gives `proposal` and `at`, not `request`"
                    ));
                }
                match (raw.proposal, raw.at) {
                    (Some(proposal), Some(at)) => Question::Catalog { proposal, at },
                    (None, _) => return Err(format!("case `{name}`: `proposal` is missing")),
                    (_, None) => return Err(format!("case `{name}`: `at` is missing")),
                }
            }
            other => {
                if raw.proposal.is_some() || raw.at.is_some() {
                    return Err(format!(
                        "case `{name}`: `proposal` and `at` belong to catalog cases; \
                         the time of a request is its own `at`"
                    ));
                }
                let r = raw.request;
                match other {
                    ActName::Suspend => {
                        Question::Suspension(parse(name, "a suspension request", r)?)
                    }
                    ActName::Restore => {
                        Question::Restoration(parse(name, "a restoration request", r)?)
                    }
                    ActName::Terminate => {
                        Question::Termination(parse(name, "a termination request", r)?)
                    }
                    ActName::UsageReport => {
                        Question::UsageReport(parse(name, "a usage-report request", r)?)
                    }
                    ActName::SuspendAll => {
                        Question::SuspendAll(parse(name, "a suspend-all request", r)?)
                    }
                    ActName::CheckNotice => {
                        Question::CheckNotice(parse(name, "a notice check", r)?)
                    }
                    ActName::CheckRefusal => Question::CheckRefusal(parse(name, "a refusal", r)?),
                    ActName::Access | ActName::Catalog => {
                        Question::Access(parse(name, "an access request", r)?)
                    }
                }
            }
        };
        Ok(PackTestCase {
            name: raw.name,
            clause: raw.clause,
            question,
            given_statuses: raw.given_statuses,
            expect: raw.expect,
        })
    }
}

impl From<PackTestCase> for RawCase {
    fn from(case: PackTestCase) -> RawCase {
        fn value<T: Serialize>(t: &T) -> Option<serde_json::Value> {
            serde_json::to_value(t).ok()
        }
        let (act, request, proposal, at) = match &case.question {
            Question::Access(r) => (None, value(r), None, None),
            Question::Suspension(r) => (Some(ActName::Suspend), value(r), None, None),
            Question::Restoration(r) => (Some(ActName::Restore), value(r), None, None),
            Question::Termination(r) => (Some(ActName::Terminate), value(r), None, None),
            Question::UsageReport(r) => (Some(ActName::UsageReport), value(r), None, None),
            Question::SuspendAll(r) => (Some(ActName::SuspendAll), value(r), None, None),
            Question::Catalog { proposal, at } => (None, None, Some(proposal.clone()), Some(*at)),
            Question::CheckNotice(r) => (Some(ActName::CheckNotice), value(r), None, None),
            Question::CheckRefusal(r) => (Some(ActName::CheckRefusal), value(r), None, None),
        };
        RawCase {
            name: case.name,
            clause: case.clause,
            act,
            request,
            proposal,
            at,
            given_statuses: case.given_statuses,
            expect: case.expect,
        }
    }
}

/// The expected answer of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// Allow or deny.
    pub outcome: Outcome,
    /// Exactly the reason codes the decision must carry (order does not matter).
    pub reasons: Vec<String>,
    /// For lifecycle cases: exactly the status changes the answer must make, each as
    /// `[agreement, from, to]` (order does not matter); not checked when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transitions: Option<Vec<ExpectedTransition>>,
    /// For suspensions: the instant the notice the act obliges is due (the one-day notice
    /// to the consumer, or the public notice of a maintenance); not checked when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_due: Option<DateTime<FixedOffset>>,
}

impl Expectation {
    /// An outcome and exactly these reason codes; transitions and notices not checked.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::Outcome;
    /// use lgsp_policy::authoring::Expectation;
    ///
    /// let expect = Expectation::new(Outcome::Deny, ["not_through_lgsp", "not_authenticated"]);
    /// assert_eq!(expect.reasons, ["not_through_lgsp", "not_authenticated"]);
    /// assert!(expect.transitions.is_none() && expect.notice_due.is_none());
    /// // The same expectation as a test file writes it.
    /// let read: Expectation = serde_json::from_str(
    ///     r#"{"outcome": "deny", "reasons": ["not_through_lgsp", "not_authenticated"]}"#)?;
    /// assert_eq!(read, expect);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(outcome: Outcome, reasons: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Expectation {
            outcome,
            reasons: reasons.into_iter().map(Into::into).collect(),
            transitions: None,
            notice_due: None,
        }
    }
}

/// An expected status change: `[agreement, from, to]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ExpectedTransition(pub AgreementId, pub AgreementStatus, pub AgreementStatus);

/// A test file's text is not a [`PackTestSuite`].
///
/// # Example
///
/// ```
/// use lgsp_policy::authoring::{PackTestSuite, TestSuiteError};
///
/// let error = PackTestSuite::from_json("{\"world\": \"w.json\",\n \"cases\": 3}")
///     .err()
///     .ok_or("parsed")?;
/// let line = match &error {
///     TestSuiteError::Json { line, .. } => *line,
///     _ => 0, // the enum is non-exhaustive
/// };
/// assert_eq!(line, 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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
    /// fields, a malformed clause, request or outcome, a request of the wrong kind for its
    /// `act`). A mistake inside a case is located at the end of that case and names it.
    ///
    /// # Example
    ///
    /// ```
    /// let err = lgsp_policy::authoring::PackTestSuite::from_json(r#"{"world": "w.json", "cases": [{}]}"#)
    ///     .unwrap_err();
    /// assert!(err.to_string().contains("missing field `name`"));
    /// // An inline world's mistakes are named.
    /// let err = lgsp_policy::authoring::PackTestSuite::from_json(
    ///     r#"{"world": {"territory": "VN-32", "agencis": []}, "cases": []}"#,
    /// ).unwrap_err();
    /// assert!(err.to_string().contains("inline world: unknown field `agencis`"));
    /// // So are a request's, with its case.
    /// let err = lgsp_policy::authoring::PackTestSuite::from_json(r#"{"world": "w.json", "cases": [{
    ///   "name": "x", "clause": "QD05/2024 Đ16.1.g", "act": "terminate",
    ///   "request": {"provider": "so-tp", "agreement": "a", "when": "today"},
    ///   "expect": {"outcome": "deny", "reasons": []}}]}"#).unwrap_err();
    /// assert!(err.to_string().contains("case `x`: `request` is not a termination request"));
    /// ```
    pub fn from_json(json: &str) -> Result<PackTestSuite, TestSuiteError> {
        serde_json::from_str(json).map_err(|e| TestSuiteError::Json {
            line: e.line().max(1),
            column: crate::text::json_column(&e),
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
    /// What the case asked: `access`, `suspend`, `restore`, `terminate`,
    /// `usage_report`, `suspend_all` or `catalog`.
    pub act: String,
    /// Whether outcome, reason codes, transitions and notice are as expected.
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
    /// Other mismatches: transitions, the notice's due time, a `given_statuses` entry
    /// naming no agreement of the world.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
    /// The policies satisfied while deciding (see [`Tracer`](crate::authoring::Tracer)).
    pub satisfied: Vec<PolicyId>,
    /// The pack that decided, if one was in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<PackId>,
    /// The full decision.
    pub decision: Decision,
    /// The status changes a lifecycle act made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transitions: Vec<Transition>,
}

/// The results of a suite's cases.
///
/// The example covers `passed`, `failures` and `all_passed`.
///
/// # Example
///
/// ```
/// use lgsp_policy::{AccessRequest, Action, Channel, Engine, Outcome, World};
/// use lgsp_policy::time::Calendar;
/// use lgsp_policy::authoring::{Expectation, PackTestCase, run_pack_tests};
///
/// let engine = Engine::builtin()?;
/// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
/// let direct = AccessRequest::new(
///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
///     Channel::Direct, "administrative-procedures".parse()?,
///     "2024-06-03T09:30:00+07:00".parse()?,
/// )
/// .subject_requested(true);
/// let cases = [
///     PackTestCase::new("direct connection", "QD05/2024 Đ13.1".parse()?, direct.clone(),
///         Expectation::new(Outcome::Deny, ["not_through_lgsp"])),
///     // A wrong expectation: the request through the LGSP is allowed.
///     PackTestCase::new("through the LGSP", "QD05/2024 Đ17.1.d".parse()?,
///         AccessRequest { channel: Channel::Lgsp, ..direct },
///         Expectation::new(Outcome::Deny, ["not_through_lgsp"])),
/// ];
/// let report = run_pack_tests(&engine, &world, &Calendar::vietnam_public_sector(), &cases);
/// assert_eq!(report.passed(), 1);
/// assert!(!report.all_passed());
/// let failed: Vec<&str> = report.failures().map(|c| c.name.as_str()).collect();
/// assert_eq!(failed, ["through the LGSP"]);
/// let failure = report.failures().next().ok_or("no failure")?;
/// assert_eq!((failure.outcome, failure.missing.as_slice()), (Outcome::Allow, ["not_through_lgsp".to_owned()].as_slice()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
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

/// Runs test cases against an engine in a world: answers each question with a
/// [`Tracer`](crate::authoring::Tracer) (every period counted with `calendar`, access decisions'
/// too) and compares the outcome
/// and the set of reason codes — and, where the case states them, the transitions and
/// the notice's due time — with the expectation. Never fails: a case that cannot pass is
/// a failed case.
///
/// # Example
///
/// ```
/// use lgsp_policy::{AccessRequest, Engine, Outcome, World, WorldData};
/// use lgsp_policy::time::Calendar;
/// use lgsp_policy::authoring::{Expectation, PackTestCase, run_pack_tests};
///
/// let engine = Engine::builtin()?;
/// let world = World::new(WorldData::new("VN-32".parse()?))?;
/// let case = PackTestCase::new(
///     "unknown account",
///     "QD05/2024 Đ16.2.e".parse()?,
///     AccessRequest::from_json(r#"{"account": "ghost", "action": "query",
///         "dataset": "nothing", "channel": "lgsp", "purpose": "p",
///         "at": "2024-06-03T09:00:00+07:00"}"#)?,
///     Expectation::new(Outcome::Deny, ["unknown_account"]),
/// );
/// let report = run_pack_tests(&engine, &world, &Calendar::vietnam_public_sector(), &[case]);
/// assert!(!report.all_passed()); // the dataset is unknown too
/// assert_eq!(report.cases[0].unexpected, ["unknown_dataset"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn run_pack_tests(
    engine: &Engine,
    world: &World,
    calendar: &Calendar,
    cases: &[PackTestCase],
) -> TestReport {
    // Every kind of question counts with the suite's calendar.
    let engine = engine.counting_with(calendar);
    let engine = engine.as_ref();
    let tracer = engine.tracer();
    let cases = cases
        .iter()
        .map(|case| {
            let mut problems = Vec::new();
            let world = with_statuses(world, &case.given_statuses, &mut problems);
            let trace = tracer.trace(&world, &case.question);
            let decision = trace.decision;
            let got: BTreeSet<&str> = decision.reason_codes().collect();
            let want: BTreeSet<&str> = case.expect.reasons.iter().map(String::as_str).collect();
            let missing: Vec<String> = want.difference(&got).map(|s| (*s).to_owned()).collect();
            let unexpected: Vec<String> = got.difference(&want).map(|s| (*s).to_owned()).collect();
            if let Some(expected) = &case.expect.transitions {
                let show = |a: &AgreementId, f: AgreementStatus, t: AgreementStatus| {
                    format!("{a}: {} → {}", f.as_str(), t.as_str())
                };
                let mut want: Vec<String> = expected.iter().map(|e| show(&e.0, e.1, e.2)).collect();
                let mut got: Vec<String> = trace
                    .transitions
                    .iter()
                    .map(|t| show(&t.agreement, t.from, t.to))
                    .collect();
                want.sort();
                got.sort();
                if got != want {
                    problems.push(format!(
                        "transitions [{}], expected [{}]",
                        got.join("; "),
                        want.join("; ")
                    ));
                }
            }
            if let Some(expected) = case.expect.notice_due {
                match notice_due(&decision) {
                    Some(due) if due == expected => {}
                    Some(due) => problems.push(format!(
                        "notice due {}, expected {}",
                        due.to_rfc3339(),
                        expected.to_rfc3339()
                    )),
                    None => problems.push(format!(
                        "no notice is owed, expected one due {}",
                        expected.to_rfc3339()
                    )),
                }
            }
            // Every case is also a check of the engine against Cedar: a trace evaluates
            // each policy both ways.
            for policy in &trace.plan_disagreements {
                problems.push(format!(
                    "the engine's plan for `{policy}` answered otherwise than Cedar's evaluator (a bug in lgsp-policy)"
                ));
            }
            CaseResult {
                name: case.name.clone(),
                clause: case.clause.clone(),
                act: case.question.act().to_owned(),
                passed: decision.outcome == case.expect.outcome
                    && missing.is_empty()
                    && unexpected.is_empty()
                    && problems.is_empty(),
                expected: case.expect.clone(),
                outcome: decision.outcome,
                reasons: decision.reason_codes().map(str::to_owned).collect(),
                missing,
                unexpected,
                problems,
                satisfied: trace.satisfied,
                pack: decision.pack.as_ref().map(|p| p.id.clone()),
                decision,
                transitions: trace.transitions,
            }
        })
        .collect();
    TestReport { cases }
}

/// The world with a case's `given_statuses` applied; the world as it is when there are
/// none, or when they cannot be applied (each problem said).
pub(crate) fn with_statuses<'w>(
    world: &'w World,
    given: &IndexMap<AgreementId, AgreementStatus>,
    problems: &mut Vec<String>,
) -> Cow<'w, World> {
    if given.is_empty() {
        return Cow::Borrowed(world);
    }
    let mut data = world.to_data();
    for (id, status) in given {
        match data.agreements.iter_mut().find(|g| &g.id == id) {
            Some(g) => g.status = *status,
            None => problems.push(format!(
                "given_statuses: agreement `{id}` is not in the world"
            )),
        }
    }
    match World::new(data) {
        Ok(w) => Cow::Owned(w),
        Err(e) => {
            problems.push(format!("given_statuses: the world no longer holds: {e}"));
            Cow::Borrowed(world)
        }
    }
}

/// The due time of the notice a decision obliges: the one-day notice to a suspended
/// consumer, or a maintenance's public notice.
fn notice_due(decision: &Decision) -> Option<DateTime<FixedOffset>> {
    decision.duties.iter().find_map(|d| match d {
        Duty::NotifyConsumer { due, .. } => Some(due.due()),
        Duty::PublicNotice { due, .. } => *due,
        _ => None,
    })
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
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::RulePack;
    /// use lgsp_policy::authoring::Coverage;
    ///
    /// let pack = RulePack::builtin()?;
    /// let coverage = Coverage::of(&pack, &[]);
    /// let lgsp = coverage.clauses.iter().find(|c| c.clause.as_str() == "QD05/2024 Đ13.1")
    ///     .ok_or("Đ13.1 is not in the clause list")?;
    /// assert!(lgsp.has_rules());
    /// assert!(lgsp.policies.iter().any(|p| p.as_str() == "access.direct-connection"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn has_rules(&self) -> bool {
        !self.policies.is_empty() || !self.engine_reasons.is_empty()
    }
}

/// What a pack's test cases cover: its policies and its clause list.
///
/// # Example
///
/// ```
/// use lgsp_policy::RulePack;
/// use lgsp_policy::authoring::{Coverage, TestReport};
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
    ///
    /// The example covers `unreached`, `untested_clauses` and `clauses_without_rules` too.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Engine, Outcome, World};
    /// use lgsp_policy::time::Calendar;
    /// use lgsp_policy::authoring::{Coverage, Expectation, PackTestCase, run_pack_tests};
    ///
    /// let engine = Engine::builtin()?;
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let direct = AccessRequest::new(
    ///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
    ///     Channel::Direct, "administrative-procedures".parse()?,
    ///     "2024-06-03T09:30:00+07:00".parse()?,
    /// )
    /// .subject_requested(true);
    /// let cases = [
    ///     PackTestCase::new("direct connection", "QD05/2024 Đ13.1".parse()?, direct.clone(),
    ///         Expectation::new(Outcome::Deny, ["not_through_lgsp"])),
    ///     // A wrong expectation: the request through the LGSP is allowed.
    ///     PackTestCase::new("through the LGSP", "QD05/2024 Đ17.1.d".parse()?,
    ///         AccessRequest { channel: Channel::Lgsp, ..direct },
    ///         Expectation::new(Outcome::Deny, ["not_through_lgsp"])),
    /// ];
    /// let report = run_pack_tests(&engine, &world, &Calendar::vietnam_public_sector(), &cases);
    /// let coverage = Coverage::of(&engine.packs()[0], &[report]);
    /// let direct = coverage.policies.iter().find(|p| p.id.as_str() == "access.direct-connection")
    ///     .ok_or("no such policy")?;
    /// assert_eq!(direct.reached_by, ["direct connection"]);
    /// assert!(coverage.unreached().all(|p| p.reached_by.is_empty()));
    /// assert!(coverage.unreached().any(|p| p.id.as_str() == "access.public-open-data"));
    /// // Đ13.1 is tested now; Đ16.2.h (suspension) has rules but no case here.
    /// assert!(coverage.untested_clauses().all(|c| c.clause.as_str() != "QD05/2024 Đ13.1"));
    /// assert!(coverage.untested_clauses().any(|c| c.clause.as_str() == "QD05/2024 Đ16.2.h"));
    /// assert!(coverage.clauses_without_rules().all(|c| !c.has_rules()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
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
