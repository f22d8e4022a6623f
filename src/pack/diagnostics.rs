//! What is wrong with a pack, and where: [`PackDiagnostic`]s of a [`Severity`], and the
//! [`PackError`] a pack that cannot load gives.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model;

// Named by the docs' links.
#[cfg(doc)]
use super::{PackManifest, PolicyFileChecker, RulePack};

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
