//! Rule packs: a manifest (id, version, territory, effective dates, legal basis, clause
//! list, engine reasons, advisories) and Cedar policy files, checked once when loaded.

pub(crate) mod clause;

pub use crate::model::{ENTITY_DEPTH, MODEL_SCHEMA, MODEL_VERSION, ModelError, model_version};
pub use clause::{Clause, ClauseError};

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use cedar_policy::{ActionConstraint, Effect, EntityUid, PolicySet, ValidationMode, Validator};
use chrono::NaiveDate;
use indexmap::IndexMap;
use miette::Diagnostic as _;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::agency::AgencyKind;
use crate::ids::{PackId, PolicyId, TerritoryId};
use crate::model::{self, Model};

const BUILTIN_MANIFEST: &str = include_str!("../../policies/qd05-2024-phu-yen/pack.json");
const BUILTIN_FILES: &[(&str, &str)] = &[
    (
        "access.cedar",
        include_str!("../../policies/qd05-2024-phu-yen/access.cedar"),
    ),
    (
        "lifecycle.cedar",
        include_str!("../../policies/qd05-2024-phu-yen/lifecycle.cedar"),
    ),
    (
        "catalog.cedar",
        include_str!("../../policies/qd05-2024-phu-yen/catalog.cedar"),
    ),
    (
        "checks.cedar",
        include_str!("../../policies/qd05-2024-phu-yen/checks.cedar"),
    ),
];

/// A text in Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

/// A reason the engine itself gives (not a policy): its code is the map key in the
/// manifest's `reasons`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EngineReason {
    /// The clause it rests on.
    pub clause: Clause,
    /// Further clauses it leans on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub see: Vec<Clause>,
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

/// A change in the law above the pack, reported on every decision dated on or after `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvisoryEntry {
    /// The first local date it applies to.
    pub from: NaiveDate,
    /// A stable code.
    pub code: String,
    /// The clause concerned.
    pub clause: Clause,
    /// When not empty, the advisory is reported only on decisions that name a party of
    /// one of these kinds (the requester, the provider, the agency a duty names): a
    /// reform that concerns some agencies, not every decision.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub party_kinds: Vec<AgencyKind>,
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

/// A documented reading of an ambiguous clause, reported on decisions whose requester is
/// of one of `holder_kinds`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingEntry {
    /// A stable code.
    pub code: String,
    /// The clause read.
    pub clause: Clause,
    /// The requesters it concerns.
    pub holder_kinds: Vec<AgencyKind>,
    /// Vietnamese.
    pub vi: String,
    /// English.
    pub en: String,
}

/// How a refusal picks the agreement it is about when a consumer has several with the
/// provider and none allows (QD05/2024 Đ16.1.đ: the refusal states *the* reason).
///
/// `codes` lists reason codes of forbids that say a candidate is not the agreement the
/// request is about — in the built-in pack, that it does not cover the dataset, then the
/// purpose, then the method. The candidate matched by none of them is preferred; between
/// two candidates, the first code in the list that one has and the other has not decides;
/// then the fewest grounds; then the first agreement id. `reading` is attached to every
/// decision that had to choose (a deny with two or more candidates).
///
/// # Example
///
/// ```
/// let pack = lgsp_policy::RulePack::builtin()?;
/// let ranking = pack.manifest().candidate_ranking.as_ref().ok_or("ranking")?;
/// assert_eq!(ranking.codes[0], "dataset_not_in_agreement");
/// assert_eq!(ranking.reading.code, "reading_candidate_agreement");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CandidateRanking {
    /// Reason codes that put a candidate behind another, most telling first (at most 32).
    pub codes: Vec<String>,
    /// The reading, as attached to a decision that chose.
    pub reading: ReadingText,
}

/// A reading's text as a decision carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingText {
    /// A stable code, `reading_…`.
    pub code: String,
    /// The clause read.
    pub clause: Clause,
    /// The reading in Vietnamese.
    pub vi: String,
    /// The reading in English.
    pub en: String,
}

// A manifest's advisories, readings and the candidate-ranking reading, as a decision
// carries them.
macro_rules! advisory_from {
    ($($entry:ty),*) => {$(
        impl From<&$entry> for crate::decision::Advisory {
            fn from(e: &$entry) -> Self {
                crate::decision::Advisory {
                    code: e.code.clone(),
                    clause: e.clause.clone(),
                    vi: e.vi.clone(),
                    en: e.en.clone(),
                }
            }
        }
    )*};
}
advisory_from!(AdvisoryEntry, ReadingEntry, ReadingText);

/// The reasons every manifest must define in `reasons`.
///
/// # Example
///
/// ```
/// use lgsp_policy::RulePack;
/// use lgsp_policy::pack::ENGINE_REASON_CODES;
///
/// let pack = RulePack::builtin()?;
/// for &code in ENGINE_REASON_CODES {
///     let reason = pack.manifest().reasons.get(code).ok_or(code)?;
///     assert!(!reason.vi.is_empty() && !reason.en.is_empty());
/// }
/// assert_eq!(pack.manifest().reasons["no_right_established"].clause.as_str(), "QD05/2024 Đ17.1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const ENGINE_REASON_CODES: &[&str] = &[
    // Every question.
    "no_right_established",
    "evaluation_error",
    "no_pack_in_force",
    // Unknown references.
    "unknown_account",
    "unknown_dataset",
    "unknown_agency",
    "unknown_agreement",
    "unknown_violation",
    "unknown_database",
    "unknown_proposer",
    "unknown_master_data",
    // Lifecycle acts.
    "no_rule_permits_act",
    "calendar_not_covered",
    "deadline_not_computable",
    // Advisories: readings the engine applies, and how a period was counted.
    "reading_one_day_notice",
    "reading_one_day_notice_24h",
    "calendar_not_covered_24h",
    "calendar_last_day_not_covered",
    "calendar_provisional",
    "violation_under_other_agreement",
    "reading_unsafe_connection_no_sign",
    "reading_termination_grounds",
    "competent_authority_unknown",
    // Duties of lifecycle decisions (their clause; the texts describe the duty).
    "usage_report_duty",
    "urgent_public_notice_duty",
];

/// The facts a policy's `@detail` template may name, by the action it applies to: the
/// engine fills `{name}` with the fact of the record it checked. A template naming a fact
/// that some action of its policy does not offer is a load error.
///
/// | action | facts |
/// |---|---|
/// | `checkNotice` | `due`, `overdue` (how long past `due` the check is), `sentAt`, `late` (how long after `due` it was sent), `sentTo`, `consumer`, `violation` |
/// | `checkRefusal` | `ungrounded`, `unstated` (the numbers of those reasons, from 1), `notified`, `competent` |
///
/// # Example
///
/// ```
/// use lgsp_policy::pack::DETAIL_FACTS;
/// let notice = DETAIL_FACTS.iter().find(|(action, _)| *action == "checkNotice").ok_or("none")?;
/// assert!(notice.1.contains(&"due"));
/// # Ok::<(), &str>(())
/// ```
pub const DETAIL_FACTS: &[(&str, &[&str])] = &[
    (
        "checkNotice",
        &[
            "due",
            "overdue",
            "sentAt",
            "late",
            "sentTo",
            "consumer",
            "violation",
        ],
    ),
    (
        "checkRefusal",
        &["ungrounded", "unstated", "notified", "competent"],
    ),
];

/// How many of [`ENGINE_REASON_CODES`], from the first, only the engine may give.
const ENGINE_OWN_CODES: usize = 11;

/// The legal periods every pack sets, by name, in its manifest's `periods`: what each
/// counts is the engine's; how long it is, from when, and by which clause, is the pack's.
///
/// | name | what it counts |
/// |---|---|
/// | `annual_evaluation` | how long a database's last evaluation holds (access to open and public data; the duties report) |
/// | `open_data_update` | from an open-data catalog's publication to the update of its data |
/// | `log_retention` | the least time a provider keeps the log of a request it served |
/// | `suspension_notice` | from a violation's determination to the notice of the suspension |
/// | `maintenance_notice` | before a maintenance stop of every consumer, the public notice (counted back) |
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use lgsp_policy::RulePack;
/// use lgsp_policy::pack::PERIOD_NAMES;
/// use lgsp_policy::time::Period;
///
/// let pack = RulePack::builtin()?;
/// let june = NaiveDate::from_ymd_opt(2024, 6, 3).ok_or("date")?;
/// for name in PERIOD_NAMES {
///     assert!(pack.period(name, june).is_some(), "{name}");
/// }
/// let notice = pack.period("suspension_notice", june).ok_or("no notice period")?;
/// assert_eq!((notice.period, notice.clause.as_str()), (Period::Days(1), "QD05/2024 Đ16.2.h"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub const PERIOD_NAMES: [&str; 5] = [
    "annual_evaluation",
    "open_data_update",
    "log_retention",
    "suspension_notice",
    "maintenance_notice",
];

/// One value of a legal period, in force from a date: a later amendment is a new value
/// with a later `from` (the way OpenFisca keeps parameters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatedPeriod {
    /// The first local date the value holds (for a period counted from an event: events
    /// on or after it).
    pub from: NaiveDate,
    /// The period.
    pub period: crate::deadline::Period,
    /// The clause that sets it.
    pub clause: Clause,
    /// Further clauses it leans on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub see: Vec<Clause>,
}

/// A pack's manifest (`pack.json`).
///
/// Its parts — [`Bilingual`] texts, [`EngineReason`]s, [`AdvisoryEntry`]s,
/// [`ReadingEntry`]s — are plain records; this example reads them.
///
/// # Example
///
/// ```
/// use lgsp_policy::RulePack;
/// use lgsp_policy::records::AgencyKind;
///
/// let pack = RulePack::builtin()?;
/// let manifest = pack.manifest();
/// assert!(manifest.title.en.starts_with("Regulation on exploiting and using data"));
/// assert_eq!(manifest.effective_until, None);
/// assert!(manifest.policies.contains(&"access.cedar".to_owned()));
/// // The law moves above the pack: the province's merger is reported from 2025-07-01.
/// let merger = manifest.advisories.iter().find(|a| a.code == "province_merged").ok_or("advisory")?;
/// assert_eq!(merger.from.to_string(), "2025-07-01");
/// // Readings are attached to the requesters they concern.
/// let reading = manifest.readings.iter().find(|r| r.code == "reading_non_state_parties").ok_or("reading")?;
/// assert!(reading.holder_kinds.contains(&AgencyKind::StateEnterprise));
/// // Every clause a rule cites is in the clause list, with its title.
/// assert!(pack.rules().all(|r| manifest.clauses.contains_key(&r.clause)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackManifest {
    /// The pack's id.
    pub id: PackId,
    /// The pack's version.
    #[schemars(with = "crate::schemas::SemVer")]
    pub version: semver::Version,
    /// The entity-model versions it targets, e.g. `^0.1` (see [`MODEL_VERSION`]).
    #[schemars(with = "crate::schemas::SemVerReq")]
    pub model: semver::VersionReq,
    /// Its title.
    pub title: Bilingual,
    /// The legal territories where it is law, each once: the questions about data of
    /// these territories are decided by it while it is in force (see
    /// [`RulePack::governs`] and `docs/TERRITORIES.md`). The built-in pack governs the
    /// former Phú Yên area under both its names, `VN-32` and `VN-33:former-VN-32`.
    #[schemars(length(min = 1), extend("uniqueItems" = true))]
    pub territories: Vec<TerritoryId>,
    /// The first local date it is in force.
    pub effective_from: NaiveDate,
    /// The first local date it is no longer in force, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_until: Option<NaiveDate>,
    /// The instruments it rests on, e.g. `QD05/2024`.
    pub legal_basis: Vec<String>,
    /// The reasons the engine gives itself, by code (see [`ENGINE_REASON_CODES`]).
    #[schemars(transform = crate::schemas::engine_reasons)]
    pub reasons: IndexMap<String, EngineReason>,
    /// Every duty the engine reports, by kind: its clause and its text in both languages
    /// (every [`DutyKind`](crate::duties::DutyKind) is required).
    #[schemars(transform = crate::schemas::pack_duties)]
    pub duties: IndexMap<crate::duties::DutyKind, EngineReason>,
    /// The legal periods, by name (see [`PERIOD_NAMES`], all required): each a list of
    /// dated values, in order of `from`.
    #[schemars(transform = crate::schemas::pack_periods)]
    pub periods: IndexMap<String, Vec<DatedPeriod>>,
    /// The policy files, in order.
    pub policies: Vec<String>,
    /// Changes in the law above the pack.
    #[serde(default)]
    pub advisories: Vec<AdvisoryEntry>,
    /// Documented readings of ambiguous clauses.
    #[serde(default)]
    pub readings: Vec<ReadingEntry>,
    /// How the engine picks, among several agreements between a consumer and a provider
    /// none of which allows a request, the one whose grounds a refusal states. Absent: the
    /// candidate with the fewest grounds, ties to the first id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub candidate_ranking: Option<CandidateRanking>,
    /// Every clause the pack may cite, with its title.
    #[schemars(transform = crate::schemas::clause_keys)]
    pub clauses: IndexMap<Clause, Bilingual>,
}

/// How serious a pack diagnostic is. [`RulePack::warnings`] and [`PolicyFileChecker`] show
/// it read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The pack cannot load.
    Error,
    /// The pack loads, but something deserves a look.
    Warning,
}

/// One problem in a pack, with where it is. [`RulePack::from_sources`] and
/// [`PolicyFileChecker`] show diagnostics read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackDiagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file (`pack.json`, `access.cedar`, …).
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column (in characters), 0 when unknown.
    pub column: usize,
    /// The policy concerned (its `@id`, or Cedar's `policyN` before ids are known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// What is wrong.
    pub message: String,
    /// The source line, when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub snippet: String,
}

impl fmt::Display for PackDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}:{}:{}: {sev}: ", self.file, self.line, self.column)?;
        if let Some(p) = &self.policy {
            write!(f, "[{p}] ")?;
        }
        write!(f, "{}", self.message)?;
        if !self.snippet.is_empty() {
            let gutter = self.line.to_string();
            write!(f, "\n {gutter} | {}", self.snippet)?;
            let pad = " ".repeat(gutter.len());
            let caret = " ".repeat(self.column.saturating_sub(1));
            write!(f, "\n {pad} | {caret}^")?;
        }
        Ok(())
    }
}

/// Why a pack could not load.
///
/// # Example
///
/// ```
/// use lgsp_policy::{PackError, RulePack};
///
/// let error = RulePack::from_sources("{ not json", Vec::<(String, String)>::new())
///     .err()
///     .ok_or("a broken manifest loaded")?;
/// let place = match &error {
///     PackError::Manifest { line, column, .. } => format!("pack.json {line}:{column}"),
///     PackError::IncompatibleModel { requires, .. } => format!("needs model {requires}"),
///     PackError::Policies(diagnostics) => format!("{} policy problem(s)", diagnostics.len()),
///     _ => error.to_string(), // the enum is non-exhaustive
/// };
/// assert_eq!(place, "pack.json 1:3");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PackError {
    /// The manifest is not valid JSON for a [`PackManifest`].
    #[error("pack.json, line {line}, column {column}: {message}")]
    Manifest {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The pack targets another version of the entity model.
    #[error(
        "pack `{pack}` targets entity model `{requires}`, but this lgsp-policy provides model {provides}; update the pack or use a matching crate version"
    )]
    IncompatibleModel {
        /// The pack.
        pack: String,
        /// What it requires.
        requires: String,
        /// What the crate provides.
        provides: String,
    },
    /// Policy files failed to parse, validate or lint; every problem is listed.
    #[error("{}", render(.0))]
    Policies(Vec<PackDiagnostic>),
    /// The crate's own model is broken.
    #[error(transparent)]
    Model(#[from] model::ModelError),
}

fn render(diags: &[PackDiagnostic]) -> String {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let mut out = format!("the pack has {errors} error(s):");
    for d in diags {
        out.push('\n');
        out.push_str(&d.to_string());
    }
    out
}

impl PackError {
    /// The diagnostics, for [`PackError::Policies`]; empty otherwise.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{PackError, RulePack};
    ///
    /// let (manifest, _) = RulePack::builtin_sources();
    /// let error = RulePack::from_sources(manifest, [("access.cedar", "permit (")])
    ///     .err()
    ///     .ok_or("a broken file loaded")?;
    /// assert!(matches!(error, PackError::Policies(_)));
    /// // Among the problems listed, the unfinished policy on line 1 of `access.cedar`.
    /// assert!(error.diagnostics().iter().any(|d| d.file == "access.cedar" && d.line == 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn diagnostics(&self) -> &[PackDiagnostic] {
        match self {
            PackError::Policies(d) => d,
            _ => &[],
        }
    }
}

/// What a policy says about itself through its annotations. [`RulePack::rule`] and
/// [`RulePack::rules`] show one read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Rule {
    /// Its `@id`.
    pub id: PolicyId,
    /// Permit or forbid.
    pub permit: bool,
    /// Its `@clause`.
    pub clause: Clause,
    /// Its `@see` clauses.
    pub see: Vec<Clause>,
    /// Its `@reason` code.
    pub code: String,
    /// Its `@vi` message.
    pub vi: String,
    /// Its `@en` message.
    pub en: String,
    /// Its `@detail` template, if any: the detail of the reason it gives, each `{fact}`
    /// filled by the engine (see [`DETAIL_FACTS`]).
    pub detail: Option<String>,
    /// The file it is in.
    pub file: String,
    /// The line it starts on.
    pub line: usize,
    /// The actions it applies to (`Lgsp::Action::"query"` → `query`).
    pub actions: Vec<String>,
    /// Whether its conditions read the request's sharing agreement (`context.agreement`,
    /// or `context has agreement`). An access decision allowed only by permits that do
    /// not — the rights to open data — rests on no agreement.
    pub uses_agreement: bool,
}

/// How the engine evaluates one policy for one action ([`RulePack::plans`],
/// [`Explanation::plans`](crate::authoring::Explanation::plans)).
///
/// When a pack loads, each policy's condition (`scope && when && !unless`) is rewritten
/// for each action its scope matches: the action is known, and every part that reads
/// nothing of the request is worked out by Cedar (`["lgsp", "portal"]` becomes a set
/// value, `false && e` becomes `false`). The result, the *residual*, is Cedar text; the
/// prover checks it is equivalent to the policy for every request of the action
/// (`lgsp_policy::prove`). The engine then evaluates the residual with a plan compiled
/// from it, over the world's records; where the residual uses something a plan does
/// not compute, Cedar's evaluator evaluates the policy instead, and `by_cedar` says
/// what. Where a plan meets a value Cedar would report an error for, Cedar's evaluator
/// answers for that request: the answer and its message are Cedar's.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct PolicyPlan {
    /// The policy.
    pub policy: PolicyId,
    /// Its condition rewritten for the action, as Cedar text (`false`: it never holds
    /// for the action).
    pub residual: String,
    /// `None` when the engine's plan evaluates it; otherwise what the residual uses that
    /// a plan does not compute (Cedar's evaluator evaluates it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by_cedar: Option<String>,
}

/// One slice of a pack as the engine evaluates it ([`RulePack::slice_plans`]): the
/// requests of one action that share what `known` says, and each policy whose scope
/// matches the action with its residual for them.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct SlicePlan {
    /// The action (`query`, `suspend`, …).
    pub action: String,
    /// What every request of the slice is known to have besides its action, as Cedar
    /// conditions (`resource.class == "shared"`); empty for a slice by action alone.
    pub known: Vec<String>,
    /// Each policy whose scope matches the action, with its residual, in pack order.
    pub policies: Vec<PolicyPlan>,
}

/// A loaded, checked rule pack. Build it with [`RulePack::builtin`] or
/// [`RulePack::from_sources`]; hand it to [`Engine::new`](crate::Engine::new).
#[derive(Debug, Clone)]
pub struct RulePack {
    pub(crate) manifest: PackManifest,
    pub(crate) rules: IndexMap<PolicyId, Rule>,
    /// Per concrete action id: the policies whose scope can match it.
    pub(crate) slices: HashMap<String, PolicySet>,
    /// The slices the engine asks, each policy with its plan (`crate::cedar::evaluate`).
    pub(crate) compiled: crate::cedar::evaluate::Slices,
    pub(crate) cedar_ids: HashMap<cedar_policy::PolicyId, PolicyId>,
    pub(crate) warnings: Vec<PackDiagnostic>,
    pub(crate) sources: Vec<(String, String)>,
    /// Per rule (in `rules` order), its bits in the manifest's `candidate_ranking`.
    pub(crate) rank_masks: Vec<u32>,
    /// The data classes for which an access rule reads a database's `evaluatedUntil`
    /// (`None`: any class may be affected, as far as the rules' text shows).
    pub(crate) evaluation_classes: Option<std::collections::BTreeSet<String>>,
}

impl RulePack {
    /// The built-in pack: Phú Yên's Decision 05/2024/QĐ-UBND, in force from 2024-03-05 in
    /// territory `VN-32`.
    ///
    /// # Errors
    ///
    /// Never in a released crate (a test loads it); the `Result` keeps the promise of no
    /// panic.
    ///
    /// # Example
    ///
    /// ```
    /// let pack = lgsp_policy::RulePack::builtin()?;
    /// assert_eq!(pack.manifest().id.as_str(), "qd05-2024-phu-yen");
    /// # Ok::<(), lgsp_policy::PackError>(())
    /// ```
    pub fn builtin() -> Result<RulePack, PackError> {
        RulePack::from_sources(BUILTIN_MANIFEST, BUILTIN_FILES.iter().copied())
    }

    /// The built-in pack's sources: the manifest and each policy file, by name. Useful to
    /// start a pack of one's own from.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::RulePack;
    ///
    /// let (manifest, files) = RulePack::builtin_sources();
    /// assert!(files.iter().any(|(name, _)| *name == "access.cedar"));
    /// // The sources load as they are: the same pack as `RulePack::builtin`.
    /// let pack = RulePack::from_sources(manifest, files.iter().copied())?;
    /// assert_eq!(pack.manifest(), RulePack::builtin()?.manifest());
    /// # Ok::<(), lgsp_policy::PackError>(())
    /// ```
    pub fn builtin_sources() -> (&'static str, &'static [(&'static str, &'static str)]) {
        (BUILTIN_MANIFEST, BUILTIN_FILES)
    }

    /// Loads a pack from its manifest and policy files (name, text). Parses, validates
    /// strictly against the entity model at depth [`ENTITY_DEPTH`],
    /// and checks every policy's annotations.
    ///
    /// # Errors
    ///
    /// [`PackError::Manifest`] for a bad manifest, [`PackError::IncompatibleModel`] when
    /// the pack targets another model version, [`PackError::Policies`] listing every parse,
    /// validation and annotation error with file, line, column and source line. A policy
    /// too complex for Cedar to parse and check safely — brackets nested more than 32
    /// deep, more than 256 operators or 12 `if` expressions in one policy — is refused
    /// before Cedar sees the file.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::RulePack;
    ///
    /// let (manifest, _) = RulePack::builtin_sources();
    /// let broken = "@id(\"x\")\npermit (principal, action, resource) when { resource.nope };";
    /// let err = RulePack::from_sources(manifest, [("access.cedar", broken)]).unwrap_err();
    /// // Every problem is listed with its place: the missing annotations, and the
    /// // attribute that does not exist, on line 2.
    /// assert!(err.diagnostics().iter().any(|d| d.message.contains("@clause")));
    /// assert!(err.diagnostics().iter().any(|d| d.line == 2 && d.message.contains("nope")));
    /// ```
    pub fn from_sources<N, T>(
        manifest: &str,
        files: impl IntoIterator<Item = (N, T)>,
    ) -> Result<RulePack, PackError>
    where
        N: Into<String>,
        T: Into<String>,
    {
        let manifest = parse_manifest(manifest)?;
        let sources: Vec<(String, String)> = files
            .into_iter()
            .map(|(n, t)| (n.into(), t.into()))
            .collect();
        let model = Model::load()?;
        Loader::new(&manifest, sources, &model).load()
    }

    /// Whether an access decision on data of `class` can turn on its database's
    /// evaluation expiry: some rule reads `evaluatedUntil` and nothing in its text limits
    /// it to other classes (a `when` conjunct `[…].contains(resource.class)`). A decision
    /// on data no such rule can reach is not invalidated at the expiry.
    pub(crate) fn evaluation_matters(&self, class: &str) -> bool {
        self.evaluation_classes
            .as_ref()
            .is_none_or(|classes| classes.contains(class))
    }

    /// The manifest.
    ///
    /// # Example
    ///
    /// ```
    /// let manifest = lgsp_policy::RulePack::builtin()?.manifest().clone();
    /// assert_eq!(manifest.territories[0].as_str(), "VN-32");
    /// assert_eq!(manifest.effective_from.to_string(), "2024-03-05");
    /// # Ok::<(), lgsp_policy::PackError>(())
    /// ```
    pub fn manifest(&self) -> &PackManifest {
        &self.manifest
    }

    /// The value of the legal period `name` (one of [`PERIOD_NAMES`]) that holds on a
    /// local date: the last value whose `from` is on or before it, else the first (a date
    /// before every value is before the pack too, and counts by its first value).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lgsp_policy::RulePack;
    /// use lgsp_policy::time::Period;
    ///
    /// let pack = RulePack::builtin()?;
    /// let day = NaiveDate::from_ymd_opt(2026, 12, 1).ok_or("date")?;
    /// let logs = pack.period("log_retention", day).ok_or("no period")?;
    /// assert_eq!(logs.period, Period::Months(3));
    /// assert!(pack.period("no_such_period", day).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn period(&self, name: &str, on: NaiveDate) -> Option<&DatedPeriod> {
        let values = self.manifest.periods.get(name)?;
        values
            .iter()
            .rev()
            .find(|v| v.from <= on)
            .or_else(|| values.first())
    }

    /// [`RulePack::period`]'s [`Period`](crate::time::Period) alone; `None` when the pack sets
    /// no such period (a loaded pack sets every one of [`PERIOD_NAMES`]).
    pub(crate) fn period_value(&self, name: &str, on: NaiveDate) -> Option<crate::time::Period> {
        self.period(name, on).map(|p| p.period)
    }

    /// The pack's text of an engine code (see [`ENGINE_REASON_CODES`]).
    pub(crate) fn text(&self, code: &str) -> Option<&EngineReason> {
        self.manifest.reasons.get(code)
    }

    /// The clause a text falls back on when the manifest lacks its code: a loaded pack
    /// has every code, so this is only a guard (the clause of `evaluation_error`, else the
    /// pack's first clause).
    fn fallback_clause(&self) -> Clause {
        self.text("evaluation_error")
            .map(|r| r.clause.clone())
            .or_else(|| self.manifest.clauses.keys().next().cloned())
            .unwrap_or_else(|| Clause::from_static("-"))
    }

    /// A reason the engine gives itself, worded by the pack.
    pub(crate) fn reason(
        &self,
        code: &str,
        kind: crate::decision::ReasonKind,
        detail: Option<String>,
    ) -> crate::decision::Reason {
        let entry = self.text(code);
        crate::decision::Reason {
            code: code.to_owned(),
            clause: entry.map_or_else(|| self.fallback_clause(), |e| e.clause.clone()),
            see: entry.map(|e| e.see.clone()).unwrap_or_default(),
            vi: entry.map(|e| e.vi.clone()).unwrap_or_default(),
            en: entry.map_or_else(|| code.replace('_', " "), |e| e.en.clone()),
            kind,
            policy: None,
            detail,
        }
    }

    /// An advisory the engine gives itself, worded by the pack, each `{key}` in its texts
    /// replaced by its value.
    pub(crate) fn advisory_with(
        &self,
        code: &str,
        values: &[(&str, &str)],
    ) -> crate::decision::Advisory {
        let fill = |text: &str| {
            values.iter().fold(text.to_owned(), |t, (k, v)| {
                t.replace(&format!("{{{k}}}"), v)
            })
        };
        let entry = self.text(code);
        crate::decision::Advisory {
            code: code.to_owned(),
            clause: entry.map_or_else(|| self.fallback_clause(), |e| e.clause.clone()),
            vi: entry.map(|e| fill(&e.vi)).unwrap_or_default(),
            en: entry.map_or_else(|| code.replace('_', " "), |e| fill(&e.en)),
        }
    }

    /// An advisory the engine gives itself, worded by the pack.
    pub(crate) fn advisory(&self, code: &str) -> crate::decision::Advisory {
        self.advisory_with(code, &[])
    }

    /// The pack's clause and texts of a duty.
    pub(crate) fn duty(&self, kind: crate::duties::DutyKind) -> Option<&EngineReason> {
        self.manifest.duties.get(&kind)
    }

    /// The clause of an engine code's text (a loaded pack has every code).
    pub(crate) fn text_clause(&self, code: &str) -> Clause {
        self.text(code)
            .map_or_else(|| self.fallback_clause(), |t| t.clause.clone())
    }

    /// The clause of a duty (a loaded pack has every kind).
    pub(crate) fn duty_clause(&self, kind: crate::duties::DutyKind) -> Clause {
        self.duty(kind)
            .map_or_else(|| self.fallback_clause(), |d| d.clause.clone())
    }

    /// Every rule, by `@id`, in file order.
    ///
    /// # Example
    ///
    /// ```
    /// let pack = lgsp_policy::RulePack::builtin()?;
    /// let permits: Vec<&str> = pack.rules().filter(|r| r.permit).map(|r| r.code.as_str()).collect();
    /// assert!(permits.contains(&"agency_shared_data"));
    /// assert!(pack.rules().all(|r| !r.vi.is_empty() && !r.en.is_empty()));
    /// # Ok::<(), lgsp_policy::PackError>(())
    /// ```
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.values()
    }

    /// A rule by `@id`.
    ///
    /// # Example
    ///
    /// ```
    /// let pack = lgsp_policy::RulePack::builtin()?;
    /// let rule = pack.rule(&"access.direct-connection".parse()?).ok_or("no such rule")?;
    /// assert!(!rule.permit);
    /// assert_eq!((rule.code.as_str(), rule.clause.as_str()), ("not_through_lgsp", "QD05/2024 Đ13.1"));
    /// assert_eq!(rule.file, "access.cedar");
    /// assert!(pack.rule(&"access.nothing-like-it".parse()?).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn rule(&self, id: &PolicyId) -> Option<&Rule> {
        self.rules.get(id)
    }

    /// How the engine evaluates the policies of `action` (`query`, `suspend`, …): each
    /// policy whose scope matches the action, with its condition rewritten for the
    /// action when the pack loaded, in pack order; empty for an action the model does not
    /// have. A residual `false` is a policy that can never hold for the action; the
    /// engine does not evaluate it.
    ///
    /// # Example
    ///
    /// ```
    /// let pack = lgsp_policy::RulePack::builtin()?;
    /// let plans = pack.plans("query");
    /// let direct = plans
    ///     .iter()
    ///     .find(|p| p.policy.as_str() == "access.direct-connection")
    ///     .ok_or("no plan")?;
    /// // The scope (`action in Lgsp::Action::"access"`) holds for a query: what is left is
    /// // the condition the policy author wrote.
    /// assert_eq!(direct.residual, r#"context.channel == "direct""#);
    /// assert_eq!(direct.by_cedar, None); // the engine's plan evaluates it
    /// // A policy of another action does not match a query's scope at all.
    /// assert!(plans.iter().all(|p| !p.policy.as_str().starts_with("lifecycle.")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn plans(&self, action: &str) -> Vec<PolicyPlan> {
        self.compiled
            .get(action)
            .map(|slice| self.policy_plans(slice))
            .unwrap_or_default()
    }

    /// How the engine evaluates the policies of an access request: the slice of its
    /// action, the class of its data and its channel, which every request of the slice
    /// shares, so the residuals read them as constants.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Action, Channel};
    /// use lgsp_policy::records::DataClass;
    ///
    /// let pack = lgsp_policy::RulePack::builtin()?;
    /// let plans = pack.access_plans(Action::Query, DataClass::Open, Channel::Portal);
    /// let residual = |id: &str| {
    ///     plans.iter().find(|p| p.policy.as_str() == id).map(|p| p.residual.as_str())
    /// };
    /// // Open data through the portal: the right to open data is left with the holder's
    /// // kind to check (and that it is a boolean); the prohibition of direct connections
    /// // can never hold.
    /// assert_eq!(
    ///     residual("access.agency-open-data"),
    ///     Some("principal.holder.stateAdministrative && true")
    /// );
    /// assert_eq!(residual("access.direct-connection"), Some("false"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn access_plans(
        &self,
        action: crate::Action,
        class: crate::records::DataClass,
        channel: crate::Channel,
    ) -> Vec<PolicyPlan> {
        self.compiled
            .access(action, class, channel)
            .map(|slice| self.policy_plans(slice))
            .unwrap_or_default()
    }

    /// Every slice the engine evaluates, with what its requests are known to have and
    /// each policy's residual: what the prover checks (`lgsp_policy::prove`), by action.
    ///
    /// # Example
    ///
    /// ```
    /// let pack = lgsp_policy::RulePack::builtin()?;
    /// let slices = pack.slice_plans();
    /// // One slice per action of the model, and per access action one per class of data
    /// // and channel: 12 + 3 × 7 × 4.
    /// assert_eq!(slices.len(), 12 + 3 * 7 * 4);
    /// let shared = slices
    ///     .iter()
    ///     .find(|s| s.action == "download" && s.known.iter().any(|k| k.contains("\"shared\"")))
    ///     .ok_or("no slice")?;
    /// assert_eq!(shared.known.len(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn slice_plans(&self) -> Vec<SlicePlan> {
        self.compiled
            .all()
            .into_iter()
            .map(|slice| SlicePlan {
                action: slice.action.clone(),
                known: slice.known.clone(),
                policies: self.policy_plans(slice),
            })
            .collect()
    }

    fn policy_plans(&self, slice: &crate::cedar::evaluate::Slice) -> Vec<PolicyPlan> {
        slice
            .notes()
            .into_iter()
            .filter_map(|n| {
                Some(PolicyPlan {
                    policy: self.rules.get_index(n.rule)?.0.clone(),
                    residual: n.residual,
                    by_cedar: n.by_cedar,
                })
            })
            .collect()
    }

    /// Warnings found while loading (the pack loaded anyway).
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::RulePack;
    /// use lgsp_policy::pack::Severity;
    ///
    /// let pack = RulePack::builtin()?;
    /// // Whatever the pack warns of, it is never an error: errors stop a pack loading.
    /// assert!(pack.warnings().iter().all(|w| w.severity != Severity::Error));
    /// # Ok::<(), lgsp_policy::PackError>(())
    /// ```
    pub fn warnings(&self) -> &[PackDiagnostic] {
        &self.warnings
    }

    /// The policy files, as loaded.
    ///
    /// # Example
    ///
    /// ```
    /// let pack = lgsp_policy::RulePack::builtin()?;
    /// let (_, access) = pack.sources().find(|(name, _)| *name == "access.cedar").ok_or("no file")?;
    /// assert!(access.contains("@id(\"access.direct-connection\")"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sources(&self) -> impl Iterator<Item = (&str, &str)> {
        self.sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))
    }

    /// Whether the pack is in force on a local date.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    ///
    /// let pack = lgsp_policy::RulePack::builtin()?;
    /// assert!(pack.in_force_on(NaiveDate::from_ymd_opt(2024, 3, 5).ok_or("date")?));
    /// assert!(!pack.in_force_on(NaiveDate::from_ymd_opt(2024, 3, 4).ok_or("date")?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.manifest.effective_from <= date
            && self
                .manifest
                .effective_until
                .is_none_or(|until| date < until)
    }

    /// Whether the pack is law in `territory` (one of its manifest's `territories`).
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::RulePack;
    ///
    /// let pack = RulePack::builtin()?;
    /// // The former Phú Yên area, under its own code and as a part of the merged Đắk Lắk.
    /// assert!(pack.governs(&"VN-32".parse()?));
    /// assert!(pack.governs(&"VN-33:former-VN-32".parse()?));
    /// // Not the former Đắk Lắk area, nor the merged province as a whole.
    /// assert!(!pack.governs(&"VN-33:former-VN-33".parse()?));
    /// assert!(!pack.governs(&"VN-33".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn governs(&self, territory: &TerritoryId) -> bool {
        self.manifest.territories.contains(territory)
    }
}

/// What [`Loader::parse_and_validate`] found.
struct Parsed {
    all: PolicySet,
    rules: IndexMap<PolicyId, Rule>,
    cedar_ids: HashMap<cedar_policy::PolicyId, PolicyId>,
}

/// Checks one policy file of a pack as loading the pack would — parsing, the structural
/// limits, every annotation against the manifest, strict validation against the shipped
/// schema — without the rest of the pack: for editors and linters that check a file as
/// its author types, and for fuzzing policy text where the cost is. The schema and the
/// manifest are read once, in [`PolicyFileChecker::new`].
///
/// # Example
///
/// ```
/// use lgsp_policy::RulePack;
/// use lgsp_policy::pack::{PolicyFileChecker, Severity};
///
/// let (manifest, _) = RulePack::builtin_sources();
/// let checker = PolicyFileChecker::new(manifest)?;
/// let text = r#"@id("x.one") @clause("QD05/2024 Đ13.1") @reason("not_through_lgsp")
/// @vi("Không qua LGSP.") @en("Not through the LGSP.")
/// forbid (principal, action in Lgsp::Action::"access", resource)
/// when { context.chanel == "direct" };"#;
/// let problems = checker.check("access.cedar", text);
/// let error = problems.iter().find(|d| d.severity == Severity::Error).ok_or("an error")?;
/// assert_eq!(error.line, 4); // the misspelt `chanel`
/// assert!(checker.check("access.cedar", &text.replace("chanel", "channel")).is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PolicyFileChecker {
    manifest: PackManifest,
    model: Model,
    validator: std::sync::Arc<Validator>,
}

impl PolicyFileChecker {
    /// A checker for the policy files of the pack whose manifest is `manifest` (JSON).
    ///
    /// # Errors
    ///
    /// [`PackError::Manifest`] when the text is not a manifest (with line and column),
    /// [`PackError::IncompatibleModel`] when it asks for another schema version.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{PackError, RulePack};
    /// use lgsp_policy::pack::PolicyFileChecker;
    ///
    /// let (manifest, _) = RulePack::builtin_sources();
    /// assert!(PolicyFileChecker::new(manifest).is_ok());
    /// let broken = PolicyFileChecker::new("{\"id\": \"x\"}");
    /// assert!(matches!(broken, Err(PackError::Manifest { line: 1, .. })));
    /// ```
    pub fn new(manifest: &str) -> Result<PolicyFileChecker, PackError> {
        let manifest = parse_manifest(manifest)?;
        let model = Model::load()?;
        let validator = std::sync::Arc::new(Validator::new(model.schema.clone()));
        Ok(PolicyFileChecker {
            manifest,
            model,
            validator,
        })
    }

    /// Every problem of the policy file `text`, named `file`, with its line and column:
    /// errors first-found first, then the validator's warnings. Empty when the file would
    /// load. Problems of the pack as a whole (files missing from the manifest, the
    /// manifest's own entries) are not checked here. The type's example shows it.
    pub fn check(&self, file: &str, text: &str) -> Vec<PackDiagnostic> {
        let mut loader = Loader::new(
            &self.manifest,
            vec![(file.to_owned(), text.to_owned())],
            &self.model,
        );
        loader.parse_and_validate(&self.validator);
        loader.diags
    }
}

/// Reads a manifest's JSON and checks it asks for the schema this crate ships.
fn parse_manifest(manifest: &str) -> Result<PackManifest, PackError> {
    let manifest: PackManifest =
        serde_json::from_str(manifest).map_err(|e| PackError::Manifest {
            line: e.line().max(1),
            column: crate::text::json_column(&e),
            message: e.to_string(),
        })?;
    let provides = model::model_version();
    if !manifest.model.matches(&provides) {
        return Err(PackError::IncompatibleModel {
            pack: manifest.id.to_string(),
            requires: manifest.model.to_string(),
            provides: provides.to_string(),
        });
    }
    Ok(manifest)
}

/// Loads (or checks) a pack's sources against a manifest and the model, both borrowed:
/// the checker reuses them for every file it is given.
struct Loader<'a> {
    manifest: &'a PackManifest,
    sources: Vec<(String, String)>,
    model: &'a Model,
    diags: Vec<PackDiagnostic>,
}

/// The deepest bracket nesting (`(`, `[`, `{`) a policy file may have.
const MAX_NESTING: usize = 32;
/// The most operators (`.`, `&&`, `||`, comparisons, arithmetic, `!`, `in`, `has`, `like`,
/// `is`, `if`, brackets) one policy may have: a bound on the depth of its expression.
const MAX_OPERATORS: usize = 256;
/// The most `if` expressions one policy may have.
const MAX_IFS: usize = 12;

/// Structural limits checked on policy text before Cedar sees it, as (byte offset,
/// message) of each violation (at most one per policy).
///
/// Cedar 4.14 parses without a stack guard (a few hundred nested brackets overflow a
/// 2 MiB thread stack and abort the process), its type checker gives up silently on very
/// deep expressions (a policy ~900 operators deep passes strict validation unchecked on a
/// 2 MiB stack), and its level validation takes time exponential in the nesting of `if`
/// (26 levels: ten seconds). A rule pack is law made by people: the limits below are far
/// above any real policy and far below those failures.
fn structural_limits(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut depth: usize = 0;
    let mut operators: usize = 0;
    let mut ifs: usize = 0;
    let mut reported = false;
    while let Some((i, c)) = chars.next() {
        let mut problem: Option<String> = None;
        match c {
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                for (_, n) in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
                continue;
            }
            '"' => {
                let mut escaped = false;
                for (_, n) in chars.by_ref() {
                    if escaped {
                        escaped = false;
                    } else if n == '\\' {
                        escaped = true;
                    } else if n == '"' {
                        break;
                    }
                }
                continue;
            }
            '(' | '[' | '{' => {
                depth += 1;
                operators += 1;
                if depth > MAX_NESTING {
                    problem = Some(format!(
                        "brackets nested deeper than {MAX_NESTING} levels; split the condition"
                    ));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            ';' if depth == 0 => {
                operators = 0;
                ifs = 0;
                reported = false;
            }
            '.' | '!' | '<' | '>' | '=' | '&' | '|' | '+' | '-' | '*' => operators += 1,
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut word = String::from(c);
                while let Some(&(_, n)) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' {
                        word.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                match word.as_str() {
                    "if" => {
                        operators += 1;
                        ifs += 1;
                        if ifs > MAX_IFS {
                            problem = Some(format!(
                                "more than {MAX_IFS} `if` expressions in one policy; split it"
                            ));
                        }
                    }
                    "in" | "has" | "like" | "is" => operators += 1,
                    _ => {}
                }
            }
            _ => {}
        }
        if problem.is_none() && operators > MAX_OPERATORS {
            problem = Some(format!(
                "more than {MAX_OPERATORS} operators in one policy; split it into several"
            ));
        }
        if let Some(message) = problem
            && !reported
        {
            found.push((i, format!("policy too complex to check safely: {message}")));
            reported = true;
        }
    }
    found
}

/// Byte offsets where each top-level statement (policy) of a Cedar file starts, skipping
/// comments and strings; statements end at `;` outside brackets.
/// The functions of Cedar's `decimal` and `ipaddr` extensions. The engine builds Cedar
/// with `datetime` only, but a build that also enables the `prove` feature links
/// cedar-policy-symcc, which turns the other two on; without this check a pack using them
/// would load in the command-line tool and be refused by a service.
const UNAVAILABLE_EXTENSION_FUNCTIONS: [&str; 11] = [
    "decimal",
    "lessThan",
    "lessThanOrEqual",
    "greaterThan",
    "greaterThanOrEqual",
    "ip",
    "isIpv4",
    "isIpv6",
    "isLoopback",
    "isMulticast",
    "isInRange",
];

/// The first call in `policy` to a function of an extension the engine does not provide.
/// It reads Cedar's JSON form of the policy, where a call is an object whose one key is
/// the function's name; the keys of a record literal (`"Record"`) are attribute names, not
/// calls, and are skipped.
fn unavailable_extension(policy: &cedar_policy::Policy) -> Option<&'static str> {
    fn walk(value: &serde_json::Value, depth: usize) -> Option<&'static str> {
        // The policy passed `structural_limits`, so its JSON form is shallow; the bound
        // keeps the walk total regardless.
        if depth > 4 * MAX_OPERATORS {
            return None;
        }
        match value {
            serde_json::Value::Array(items) => items.iter().find_map(|v| walk(v, depth + 1)),
            serde_json::Value::Object(fields) => fields.iter().find_map(|(key, v)| {
                if key == "Record" {
                    return match v {
                        serde_json::Value::Object(attrs) => {
                            attrs.values().find_map(|v| walk(v, depth + 1))
                        }
                        other => walk(other, depth + 1),
                    };
                }
                UNAVAILABLE_EXTENSION_FUNCTIONS
                    .iter()
                    .find(|f| **f == key)
                    .copied()
                    .or_else(|| walk(v, depth + 1))
            }),
            _ => None,
        }
    }
    walk(&policy.to_json().ok()?, 0)
}

fn statement_starts(text: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut depth: i64 = 0;
    let mut expecting = true;
    while let Some((i, c)) = chars.next() {
        match c {
            '/' if chars.peek().is_some_and(|&(_, n)| n == '/') => {
                for (_, n) in chars.by_ref() {
                    if n == '\n' {
                        break;
                    }
                }
            }
            c if c.is_whitespace() => {}
            _ => {
                if expecting {
                    starts.push(i);
                    expecting = false;
                }
                match c {
                    '"' => {
                        let mut escaped = false;
                        for (_, n) in chars.by_ref() {
                            if escaped {
                                escaped = false;
                            } else if n == '\\' {
                                escaped = true;
                            } else if n == '"' {
                                break;
                            }
                        }
                    }
                    '(' | '{' | '[' => depth += 1,
                    ')' | '}' | ']' => depth -= 1,
                    ';' if depth <= 0 => {
                        expecting = true;
                        depth = 0;
                    }
                    _ => {}
                }
            }
        }
    }
    starts
}

/// 1-based line and column (in characters) of a byte offset, and the line's text.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize, String) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text
        .get(line_start..offset)
        .map_or(0, |s| s.chars().count())
        + 1;
    let line_text = text
        .get(line_start..)
        .unwrap_or_default()
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    (line, column, line_text)
}

fn first_label_offset(d: &dyn miette::Diagnostic) -> Option<usize> {
    d.labels()
        .and_then(|mut labels| labels.next())
        .map(|l| l.offset())
}

impl<'a> Loader<'a> {
    fn new(manifest: &'a PackManifest, sources: Vec<(String, String)>, model: &'a Model) -> Self {
        Loader {
            manifest,
            sources,
            model,
            diags: Vec::new(),
        }
    }

    fn error(
        &mut self,
        file: &str,
        offset: Option<usize>,
        policy: Option<String>,
        message: String,
    ) {
        self.push(Severity::Error, file, offset, policy, message);
    }

    fn push(
        &mut self,
        severity: Severity,
        file: &str,
        offset: Option<usize>,
        policy: Option<String>,
        message: String,
    ) {
        let (line, column, snippet) = match (offset, self.sources.iter().find(|(n, _)| n == file)) {
            (Some(o), Some((_, text))) => line_col(text, o),
            _ => (0, 0, String::new()),
        };
        self.diags.push(PackDiagnostic {
            severity,
            file: file.to_owned(),
            line,
            column,
            policy,
            message,
            snippet,
        });
    }

    fn check_manifest(&mut self) {
        let m = &self.manifest;
        let mut problems = Vec::new();
        for code in ENGINE_REASON_CODES {
            if !m.reasons.contains_key(*code) {
                problems.push(format!("`reasons` lacks the engine reason `{code}`"));
            }
        }
        // Every citation of the manifest names a clause the manifest defines.
        let mut cite = |what: &dyn Fn() -> String, cited: &mut dyn Iterator<Item = &Clause>| {
            for clause in cited {
                if !m.clauses.contains_key(clause) {
                    problems.push(format!(
                        "{} cites `{clause}`, which is not in `clauses`",
                        what()
                    ));
                }
            }
        };
        for (code, r) in &m.reasons {
            cite(
                &|| format!("reason `{code}`"),
                &mut std::iter::once(&r.clause).chain(&r.see),
            );
        }
        for (kind, d) in &m.duties {
            cite(
                &|| format!("duty `{}`", kind.as_str()),
                &mut std::iter::once(&d.clause).chain(&d.see),
            );
        }
        for (name, values) in &m.periods {
            for v in values {
                cite(
                    &|| format!("period `{name}` from {}", v.from),
                    &mut std::iter::once(&v.clause).chain(&v.see),
                );
            }
        }
        for a in &m.advisories {
            cite(
                &|| format!("advisory `{}`", a.code),
                &mut std::iter::once(&a.clause),
            );
        }
        for r in &m.readings {
            cite(
                &|| format!("reading `{}`", r.code),
                &mut std::iter::once(&r.clause),
            );
        }
        for kind in crate::duties::DutyKind::ALL {
            if !m.duties.contains_key(&kind) {
                problems.push(format!("`duties` lacks the duty `{}`", kind.as_str()));
            }
        }
        for name in PERIOD_NAMES {
            if m.periods.get(name).is_none_or(Vec::is_empty) {
                problems.push(format!("`periods` lacks the period `{name}`"));
            }
        }
        for (name, values) in &m.periods {
            if !PERIOD_NAMES.contains(&name.as_str()) {
                problems.push(format!(
                    "`periods` has `{name}`, which the engine does not count (it counts {})",
                    PERIOD_NAMES.join(", ")
                ));
            }
            let unit_ok = |p: &crate::deadline::Period| match name.as_str() {
                "maintenance_notice" => matches!(p, crate::deadline::Period::WorkingDays(_)),
                "log_retention" => matches!(
                    p,
                    crate::deadline::Period::Months(_) | crate::deadline::Period::Years(_)
                ),
                _ => true,
            };
            if let Some(v) = values.iter().find(|v| !unit_ok(&v.period)) {
                problems.push(format!(
                    "period `{name}` from {} is {}: the engine counts it in {}",
                    v.from,
                    v.period,
                    if name == "maintenance_notice" {
                        "working days"
                    } else {
                        "months or years"
                    }
                ));
            }
            if values
                .windows(2)
                .any(|w| matches!(w, [a, b] if a.from >= b.from))
            {
                problems.push(format!(
                    "the values of period `{name}` are not in increasing order of `from`"
                ));
            }
        }
        if let Some(until) = m.effective_until
            && until <= m.effective_from
        {
            problems.push("`effective_until` is not after `effective_from`".to_owned());
        }
        if m.territories.is_empty() {
            problems.push("`territories` is empty: a pack governs at least one".to_owned());
        }
        for (i, t) in m.territories.iter().enumerate() {
            if m.territories.iter().take(i).any(|known| known == t) {
                problems.push(format!("`territories` names `{t}` twice"));
            }
        }
        for name in &m.policies {
            if !self.sources.iter().any(|(n, _)| n == name) {
                problems.push(format!(
                    "policy file `{name}` is listed but was not supplied"
                ));
            }
        }
        let unlisted: Vec<String> = self
            .sources
            .iter()
            .filter(|(n, _)| !m.policies.contains(n))
            .map(|(n, _)| n.clone())
            .collect();
        for name in unlisted {
            problems.push(format!(
                "policy file `{name}` was supplied but is not listed in `policies`"
            ));
        }
        for p in problems {
            self.error("pack.json", None, None, p);
        }
    }

    fn load(mut self) -> Result<RulePack, PackError> {
        self.check_manifest();
        let validator = Validator::new(self.model.schema.clone());
        let Parsed {
            all,
            mut rules,
            cedar_ids,
        } = self.parse_and_validate(&validator);
        let rank_masks = self.rank_masks(&rules);
        if self.diags.iter().any(|d| d.severity == Severity::Error) {
            return Err(PackError::Policies(self.diags));
        }
        let warnings = std::mem::take(&mut self.diags);
        let sources = std::mem::take(&mut self.sources);
        let slices = self.slice(&all, &mut rules);
        // Each slice's policies rewritten for what its requests are known to have and
        // compiled to plans (`crate::cedar::plan`).
        let rule_of =
            |id: &cedar_policy::PolicyId| cedar_ids.get(id).and_then(|id| rules.get_index_of(id));
        let compiled = crate::cedar::evaluate::Slices::build(&slices, &rule_of, self.model);
        let evaluation_classes = classes_reading(&all, "evaluatedUntil");
        Ok(RulePack {
            manifest: self.manifest.clone(),
            rules,
            slices,
            compiled,
            cedar_ids,
            warnings,
            sources,
            rank_masks,
            evaluation_classes,
        })
    }

    /// Parses every source, reads each policy's annotations and validates the whole set
    /// strictly against the schema; every problem, and every validator warning, goes to
    /// `self.diags`.
    fn parse_and_validate(&mut self, validator: &Validator) -> Parsed {
        let mut all = PolicySet::new();
        let mut rules: IndexMap<PolicyId, Rule> = IndexMap::new();
        let mut cedar_ids = HashMap::new();
        let mut file_of: HashMap<cedar_policy::PolicyId, (String, usize)> = HashMap::new();
        let sources = self.sources.clone();
        for (file, text) in &sources {
            // Cedar parses and type-checks recursively: refuse what could exhaust the stack
            // or the clock before handing the text over (see `structural_limits`).
            let too_complex = structural_limits(text);
            if !too_complex.is_empty() {
                for (offset, message) in too_complex {
                    self.error(file, Some(offset), None, message);
                }
                continue;
            }
            let parsed = match PolicySet::from_str(text) {
                Ok(set) => set,
                Err(errors) => {
                    for e in errors.iter() {
                        self.error(file, first_label_offset(e), None, e.to_string());
                    }
                    continue;
                }
            };
            if parsed.templates().next().is_some() {
                self.error(file, None, None, "templates (policies with `?principal` or `?resource` slots) are not supported in rule packs".into());
            }
            let starts = statement_starts(text);
            let mut policies: Vec<&cedar_policy::Policy> = parsed.policies().collect();
            // Cedar numbers a file's policies policy0, policy1, … in source order.
            policies.sort_by_key(|p| {
                p.id()
                    .to_string()
                    .strip_prefix("policy")
                    .and_then(|n| n.parse::<usize>().ok())
                    .unwrap_or(usize::MAX)
            });
            for (n, policy) in policies.into_iter().enumerate() {
                let offset = starts.get(n).copied();
                let rule = self.read_rule(file, offset, policy);
                if let Some(name) = unavailable_extension(policy) {
                    self.error(
                        file,
                        offset,
                        rule.as_ref().map(|r| r.id.to_string()),
                        format!(
                            "`{name}` belongs to a Cedar extension the engine does not provide (it provides `datetime` and `duration` only), so the pack would load in some builds and not in others"
                        ),
                    );
                }
                if let Some(rule) = &rule
                    && rules.contains_key(&rule.id)
                {
                    self.error(
                        file,
                        offset,
                        Some(rule.id.to_string()),
                        format!("duplicate @id `{}`", rule.id),
                    );
                    continue;
                }
                // A policy whose annotations are broken is still validated, under a
                // placeholder id, so its author sees every problem at once.
                let cedar_id = cedar_policy::PolicyId::new(match &rule {
                    Some(rule) => rule.id.to_string(),
                    None => format!("{file}#{}", n + 1),
                });
                if let Err(e) = all.add(policy.new_id(cedar_id.clone())) {
                    self.error(
                        file,
                        offset,
                        rule.as_ref().map(|r| r.id.to_string()),
                        e.to_string(),
                    );
                    continue;
                }
                file_of.insert(cedar_id.clone(), (file.clone(), offset.unwrap_or(0)));
                if let Some(rule) = rule {
                    cedar_ids.insert(cedar_id, rule.id.clone());
                    rules.insert(rule.id.clone(), rule);
                }
            }
        }

        let result =
            validator.validate_with_level(&all, ValidationMode::Strict, model::ENTITY_DEPTH);
        for e in result.validation_errors() {
            let (file, fallback) = file_of.get(e.policy_id()).cloned().unwrap_or_default();
            let policy = Some(
                cedar_ids
                    .get(e.policy_id())
                    .map_or_else(|| e.policy_id().to_string(), ToString::to_string),
            );
            let offset = first_label_offset(e).or(Some(fallback));
            let message = match e.help() {
                Some(help) => format!("{e} (help: {help})"),
                None => e.to_string(),
            };
            self.error(&file, offset, policy, message);
        }
        for w in result.validation_warnings() {
            let (file, fallback) = file_of.get(w.policy_id()).cloned().unwrap_or_default();
            let policy = cedar_ids.get(w.policy_id()).map(ToString::to_string);
            self.push(
                Severity::Warning,
                &file,
                first_label_offset(w).or(Some(fallback)),
                policy,
                w.to_string(),
            );
        }
        Parsed {
            all,
            rules,
            cedar_ids,
        }
    }

    /// Per rule, the bits of the `candidate_ranking` codes its reason carries: the first
    /// code is the most significant bit, so a smaller mask ranks first. More than 32 codes,
    /// or a reading citing an unlisted clause, are errors; a code no forbid gives, a
    /// warning.
    fn rank_masks(&mut self, rules: &IndexMap<PolicyId, Rule>) -> Vec<u32> {
        let Some(ranking) = self.manifest.candidate_ranking.clone() else {
            return vec![0; rules.len()];
        };
        let mut problems = Vec::new();
        if ranking.codes.len() > 32 {
            problems.push("`candidate_ranking.codes` lists more than 32 codes".to_owned());
        }
        // A code no forbid gives never ranks anything: worth a warning, not a refusal
        // (a pack built on another's manifest may drop the rules it names).
        for code in &ranking.codes {
            if !rules.values().any(|r| !r.permit && &r.code == code) {
                self.push(
                    Severity::Warning,
                    "pack.json",
                    None,
                    None,
                    format!(
                        "`candidate_ranking.codes` names `{code}`, which no forbid of the pack gives"
                    ),
                );
            }
        }
        if !self.manifest.clauses.contains_key(&ranking.reading.clause) {
            problems.push(format!(
                "`candidate_ranking.reading` cites `{}`, which is not in `clauses`",
                ranking.reading.clause
            ));
        }
        for p in problems {
            self.error("pack.json", None, None, p);
        }
        let n = ranking.codes.len().min(32);
        rules
            .values()
            .map(|r| {
                ranking
                    .codes
                    .iter()
                    .take(n)
                    .position(|c| c == &r.code)
                    .map_or(0, |i| 1u32 << (n - 1 - i))
            })
            .collect()
    }

    fn read_rule(
        &mut self,
        file: &str,
        offset: Option<usize>,
        policy: &cedar_policy::Policy,
    ) -> Option<Rule> {
        let label = policy.annotation("id").map(str::to_owned);
        let mut ok = true;
        let mut need = |this: &mut Self, key: &str| -> Option<String> {
            match policy.annotation(key) {
                Some(v) if !crate::text::is_blank(v) => Some(v.to_owned()),
                _ => {
                    this.error(
                        file,
                        offset,
                        label.clone(),
                        format!("missing or empty @{key} annotation"),
                    );
                    ok = false;
                    None
                }
            }
        };
        let id_text = need(self, "id");
        let clause_text = need(self, "clause");
        let code = need(self, "reason");
        let vi = need(self, "vi");
        let en = need(self, "en");
        let id = match id_text.as_deref().map(PolicyId::new) {
            Some(Ok(id)) => Some(id),
            Some(Err(e)) => {
                self.error(file, offset, label.clone(), e.to_string());
                None
            }
            None => None,
        };
        let clause = match clause_text.as_deref().map(Clause::parse) {
            Some(Ok(c)) => {
                if !self.manifest.clauses.contains_key(&c) {
                    self.error(
                        file,
                        offset,
                        label.clone(),
                        format!(
                            "@clause `{c}` is not in the pack's clause list (pack.json `clauses`)"
                        ),
                    );
                }
                Some(c)
            }
            Some(Err(e)) => {
                self.error(file, offset, label.clone(), format!("@clause: {e}"));
                None
            }
            None => None,
        };
        let mut see = Vec::new();
        if let Some(text) = policy.annotation("see") {
            for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                match Clause::parse(part) {
                    Ok(c) if self.manifest.clauses.contains_key(&c) => see.push(c),
                    Ok(c) => self.error(
                        file,
                        offset,
                        label.clone(),
                        format!(
                            "@see `{c}` is not in the pack's clause list (pack.json `clauses`)"
                        ),
                    ),
                    Err(e) => self.error(file, offset, label.clone(), format!("@see: {e}")),
                }
            }
        }
        if let Some(code) = &code
            && (code.is_empty()
                || !code
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'))
        {
            self.error(
                file,
                offset,
                label.clone(),
                format!("@reason `{code}` must be snake_case (a-z, 0-9, _)"),
            );
            ok = false;
        }
        // An engine code may name a rule only where it means the same: a finding the
        // engine also reports (one code, one clause), never a reason of the engine's own
        // (the first eleven codes: every question's, and the unknown references).
        if let Some(code) = &code
            && let Some(at) = ENGINE_REASON_CODES.iter().position(|c| c == code)
        {
            let same_clause = self
                .manifest
                .reasons
                .get(code.as_str())
                .is_some_and(|entry| clause.as_ref() == Some(&entry.clause));
            if at < ENGINE_OWN_CODES || !same_clause {
                self.error(
                    file,
                    offset,
                    label.clone(),
                    if at < ENGINE_OWN_CODES {
                        format!("@reason `{code}` is reserved for the engine")
                    } else {
                        format!(
                            "@reason `{code}` is an engine code: a rule may share it only citing its clause in pack.json `reasons`"
                        )
                    },
                );
                ok = false;
            }
        }
        for (key, _) in policy.annotations() {
            if !["id", "clause", "see", "reason", "vi", "en", "detail"].contains(&key) {
                self.push(
                    Severity::Warning,
                    file,
                    offset,
                    label.clone(),
                    format!("unknown annotation @{key}"),
                );
            }
        }
        // Policy authors' lint (issue 7): a Vietnamese message that is the English one, or
        // that has no Vietnamese letter at all, was probably never translated.
        if let (Some(vi), Some(en)) = (&vi, &en)
            && (vi.trim() == en.trim() || vi.is_ascii())
        {
            self.push(
                Severity::Warning,
                file,
                offset,
                label.clone(),
                "@vi looks untranslated (it is the @en text, or has no Vietnamese letter)".into(),
            );
        }
        let line = match (offset, self.sources.iter().find(|(n, _)| n == file)) {
            (Some(o), Some((_, t))) => line_col(t, o).0,
            _ => 0,
        };
        let actions = match policy.action_constraint() {
            ActionConstraint::Any => vec!["*".to_owned()],
            ActionConstraint::Eq(a) => vec![a.id().unescaped().to_owned()],
            ActionConstraint::In(list) => {
                list.iter().map(|a| a.id().unescaped().to_owned()).collect()
            }
        };
        // A `@detail` template names only facts that every action of the policy offers.
        let detail = policy.annotation("detail").map(str::to_owned);
        for fact in detail.iter().flat_map(|t| placeholders(t)) {
            let offered = !actions.is_empty()
                && actions.iter().all(|a| {
                    DETAIL_FACTS
                        .iter()
                        .any(|(action, facts)| action == a && facts.contains(&fact))
                });
            if !offered {
                self.error(
                    file,
                    offset,
                    label.clone(),
                    format!(
                        "@detail names `{{{fact}}}`, which is not a fact of every action it applies to (see DETAIL_FACTS)"
                    ),
                );
                ok = false;
            }
        }
        match (ok, id, clause, code, vi, en) {
            (true, Some(id), Some(clause), Some(code), Some(vi), Some(en)) => Some(Rule {
                id,
                permit: policy.effect() == Effect::Permit,
                clause,
                see,
                code,
                vi,
                en,
                detail,
                file: file.to_owned(),
                line,
                actions,
                uses_agreement: policy
                    .to_json()
                    .is_ok_and(|json| reads_context_attribute(&json, "agreement")),
            }),
            _ => None,
        }
    }

    /// Per concrete action of the model, the policies whose action scope can match it
    /// (scope-based slicing is sound in Cedar: a policy whose scope cannot match is never
    /// satisfied).
    fn slice(
        &self,
        all: &PolicySet,
        _rules: &mut IndexMap<PolicyId, Rule>,
    ) -> HashMap<String, PolicySet> {
        let action_entities = self.model.schema.action_entities().ok();
        let concrete: Vec<EntityUid> = self.model.schema.actions().cloned().collect();
        let mut slices = HashMap::new();
        for action in concrete {
            let mut ancestors: HashSet<EntityUid> = HashSet::from([action.clone()]);
            if let Some(ents) = &action_entities
                && let Some(iter) = ents.ancestors(&action)
            {
                ancestors.extend(iter.cloned());
            }
            let mut set = PolicySet::new();
            for p in all.policies() {
                let matches = match p.action_constraint() {
                    ActionConstraint::Any => true,
                    ActionConstraint::Eq(a) => ancestors.contains(&a) && a == action,
                    ActionConstraint::In(list) => list.iter().any(|a| ancestors.contains(a)),
                };
                if matches {
                    // Ids are unique in `all`, so adding to a fresh set cannot fail.
                    let _ = set.add(p.clone());
                }
            }
            slices.insert(action.id().unescaped().to_owned(), set);
        }
        slices
    }
}

/// The `{name}` placeholders of a template, in order.
fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

/// A template with each `{name}` replaced by its value in `facts` (a name without a value
/// is left as it is).
pub(crate) fn fill(template: &str, facts: &[(&str, String)]) -> String {
    facts
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

/// The data classes for which a policy of `all` reads an attribute named `attribute`
/// anywhere: the union of the classes each such policy's `when` conditions limit it to
/// with a conjunct `[…].contains(resource.class)`; `None` when one has no such limit.
fn classes_reading(all: &PolicySet, attribute: &str) -> Option<std::collections::BTreeSet<String>> {
    let mut classes = std::collections::BTreeSet::new();
    for policy in all.policies() {
        let Ok(json) = policy.to_json() else {
            return None;
        };
        if !reads_attribute(&json, attribute) {
            continue;
        }
        classes.extend(class_guard(&json)?);
    }
    Some(classes)
}

/// Whether a policy in Cedar's JSON form reads `<anything>.<attribute>` or asks
/// `<anything> has <attribute>`.
fn reads_attribute(json: &serde_json::Value, attribute: &str) -> bool {
    match json {
        serde_json::Value::Object(map) => {
            [".", "has"].iter().any(|op| {
                map.get(*op)
                    .and_then(|a| a.get("attr"))
                    .and_then(|a| a.as_str())
                    == Some(attribute)
            }) || map.values().any(|v| reads_attribute(v, attribute))
        }
        serde_json::Value::Array(items) => items.iter().any(|v| reads_attribute(v, attribute)),
        _ => false,
    }
}

/// The classes a policy's `when` conditions limit it to, from a top-level conjunct
/// `["a", "b"].contains(resource.class)`; `None` when no condition says.
fn class_guard(policy: &serde_json::Value) -> Option<Vec<String>> {
    fn conjuncts<'a>(e: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
        match e.get("&&") {
            Some(and) => {
                for side in ["left", "right"] {
                    if let Some(s) = and.get(side) {
                        conjuncts(s, out);
                    }
                }
            }
            None => out.push(e),
        }
    }
    let mut parts = Vec::new();
    for c in policy.get("conditions")?.as_array()? {
        if c.get("kind").and_then(|k| k.as_str()) == Some("when")
            && let Some(body) = c.get("body")
        {
            conjuncts(body, &mut parts);
        }
    }
    parts.into_iter().find_map(|part| {
        let contains = part.get("contains")?;
        let right = contains.get("right")?.get(".")?;
        let on_class = right.get("attr")?.as_str() == Some("class")
            && right.get("left")?.get("Var")?.as_str() == Some("resource");
        if !on_class {
            return None;
        }
        contains
            .get("left")?
            .get("Set")?
            .as_array()?
            .iter()
            .map(|v| v.get("Value")?.as_str().map(str::to_owned))
            .collect()
    })
}

/// Whether a policy in Cedar's JSON form reads `context.<attribute>` or asks
/// `context has <attribute>` anywhere in its conditions.
fn reads_context_attribute(json: &serde_json::Value, attribute: &str) -> bool {
    match json {
        serde_json::Value::Object(map) => {
            let direct = [".", "has"].iter().any(|op| {
                map.get(*op).is_some_and(|access| {
                    access.get("attr").and_then(|a| a.as_str()) == Some(attribute)
                        && access
                            .get("left")
                            .and_then(|l| l.get("Var"))
                            .and_then(|v| v.as_str())
                            == Some("context")
                })
            });
            direct || map.values().any(|v| reads_context_attribute(v, attribute))
        }
        serde_json::Value::Array(items) => {
            items.iter().any(|v| reads_context_attribute(v, attribute))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in rules read the evaluation's expiry for open and public data only.
    #[test]
    fn qd05_6_2_the_evaluation_expiry_matters_to_open_and_public_data_only() {
        let pack = RulePack::builtin();
        assert!(pack.is_ok());
        let Ok(pack) = pack else { return };
        let classes: Vec<&str> = pack
            .evaluation_classes
            .iter()
            .flatten()
            .map(String::as_str)
            .collect();
        assert_eq!(classes, ["open", "public"]);
        assert!(pack.evaluation_matters("open"));
        assert!(!pack.evaluation_matters("shared"));
    }

    #[test]
    fn statement_starts_skip_comments_and_strings() {
        let text = "// a; comment\n@id(\"a;b\")\npermit(principal, action, resource);\n\nforbid (principal, action, resource) when { [1,2].contains(1) };";
        let starts = statement_starts(text);
        assert_eq!(starts.len(), 2);
        assert_eq!(text.get(starts[0]..starts[0] + 3), Some("@id"));
        assert_eq!(text.get(starts[1]..starts[1] + 6), Some("forbid"));
    }

    #[test]
    fn qd05_17_1_d_only_the_shared_data_right_reads_the_agreement() {
        let Ok(pack) = RulePack::builtin() else {
            panic!("the built-in pack loads")
        };
        let reading: Vec<&str> = pack
            .rules()
            .filter(|r| r.permit && r.file == "access.cedar")
            .map(|r| (r.id.as_str(), r.uses_agreement))
            .filter(|(_, uses)| *uses)
            .map(|(id, _)| id)
            .collect();
        assert_eq!(reading, ["access.agency-shared-data"]);
        // Forbids that look at the agreement are found too, through `has` and `.`.
        assert!(
            pack.rules()
                .any(|r| !r.permit && r.uses_agreement && r.file == "access.cedar")
        );
        let json = serde_json::json!({"&&": {"left": {"has": {"left": {"Var": "context"},
            "attr": "agreement"}}, "right": {"Value": true}}});
        assert!(reads_context_attribute(&json, "agreement"));
        assert!(!reads_context_attribute(&json, "purpose"));
        let other = serde_json::json!({".": {"left": {"Var": "resource"}, "attr": "agreement"}});
        assert!(!reads_context_attribute(&other, "agreement"));
    }

    #[test]
    fn line_col_counts_characters() {
        let (l, c, s) = line_col("ab\nđđx", 7);
        assert_eq!((l, c, s.as_str()), (2, 3, "đđx"));
    }
}
