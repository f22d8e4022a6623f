//! Rule packs: a manifest (id, version, territory, effective dates, legal basis, clause
//! list, engine reasons, advisories) and Cedar policy files, checked once when loaded.

// The module's files: `manifest` (the manifest and its parts), `rule` (what a policy says
// about itself), `diagnostics` (what is wrong with a pack, and where), `load` (the loader
// and `PolicyFileChecker`), `scan` (policy text read before Cedar sees it) and `inspect`
// (what a parsed policy reads); this file keeps `RulePack`, its plans and the built-in
// pack's sources.

pub(crate) mod clause;
mod diagnostics;
mod inspect;
mod load;
mod manifest;
mod rule;
mod scan;

pub use crate::model::{ENTITY_DEPTH, MODEL_SCHEMA, MODEL_VERSION, ModelError, model_version};
pub use clause::{Clause, ClauseError};
pub use diagnostics::{PackDiagnostic, PackError, Severity};
pub use load::PolicyFileChecker;
pub use manifest::{
    AdvisoryEntry, Bilingual, CandidateRanking, DatedPeriod, ENGINE_REASON_CODES, EngineReason,
    PERIOD_NAMES, PackManifest, ReadingEntry, ReadingText,
};
pub(crate) use rule::fill;
pub use rule::{DETAIL_FACTS, Rule};

use std::collections::HashMap;

use cedar_policy::PolicySet;
use chrono::NaiveDate;
use indexmap::IndexMap;

use crate::ids::{PolicyId, TerritoryId};
use crate::model::Model;

use load::Loader;
use manifest::parse_manifest;

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
}
