//! The loader: the manifest's own checks, then each policy file parsed (after the
//! structural limits), its annotations read and the whole set validated strictly against
//! the model, the candidate ranking, and the pack sliced by action; and
//! [`PolicyFileChecker`], which runs the same checks on one file.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use cedar_policy::{ActionConstraint, Effect, EntityUid, PolicySet, ValidationMode, Validator};
use indexmap::IndexMap;
use miette::Diagnostic as _;

use super::inspect::{classes_reading, reads_context_attribute, unavailable_extension};
use super::manifest::{ENGINE_OWN_CODES, parse_manifest};
use super::rule::placeholders;
use super::scan::{line_col, statement_starts, structural_limits};
use super::{
    Clause, DETAIL_FACTS, ENGINE_REASON_CODES, PERIOD_NAMES, PackDiagnostic, PackError,
    PackManifest, Rule, RulePack, Severity,
};
use crate::ids::PolicyId;
use crate::model::{self, Model};

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

/// Loads (or checks) a pack's sources against a manifest and the model, both borrowed:
/// the checker reuses them for every file it is given.
pub(super) struct Loader<'a> {
    manifest: &'a PackManifest,
    sources: Vec<(String, String)>,
    model: &'a Model,
    diags: Vec<PackDiagnostic>,
}

fn first_label_offset(d: &dyn miette::Diagnostic) -> Option<usize> {
    d.labels()
        .and_then(|mut labels| labels.next())
        .map(|l| l.offset())
}

impl<'a> Loader<'a> {
    pub(super) fn new(
        manifest: &'a PackManifest,
        sources: Vec<(String, String)>,
        model: &'a Model,
    ) -> Self {
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

    pub(super) fn load(mut self) -> Result<RulePack, PackError> {
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
