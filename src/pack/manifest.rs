//! A pack's manifest (`pack.json`) and its parts: texts, the engine's reasons, legal
//! periods, advisories, readings and the candidate ranking, with the codes and names
//! every manifest must define.

use chrono::NaiveDate;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Clause, PackError};
use crate::agency::AgencyKind;
use crate::ids::{PackId, TerritoryId};
use crate::model;

// Named by the docs' links.
#[cfg(doc)]
use super::{MODEL_VERSION, RulePack};

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

/// How many of [`ENGINE_REASON_CODES`], from the first, only the engine may give.
pub(super) const ENGINE_OWN_CODES: usize = 11;

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

/// Reads a manifest's JSON and checks it asks for the schema this crate ships.
pub(super) fn parse_manifest(manifest: &str) -> Result<PackManifest, PackError> {
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
