//! A pack's properties file (`tests/*.properties.json`): statements about the pack that
//! must hold for **every** request the schema allows, each citing the clause it protects.
//! The format needs no solver: a pack's properties can be read and checked for form by any
//! build; proving them needs the `prove` feature (`lgsp_policy::prove`).

use std::collections::HashSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::pack::Clause;

/// A pack's properties file: `policies/<pack>/tests/<name>.properties.json`.
///
/// # Example
///
/// ```
/// use lgsp_policy::authoring::{PropertiesFile, PropertyKind};
///
/// let file = PropertiesFile::from_json(r#"{
///   "properties": [
///     { "name": "no access through a direct connection", "clause": "QD05/2024 Đ13.1",
///       "kind": "never_allows", "actions": ["query", "download", "subscribe"],
///       "when": "context.channel == \"direct\"",
///       "assumes": "nothing computed by the engine: the channel is the request's" },
///     { "name": "no policy ever errors", "clause": "QD05/2024 Đ17.1", "kind": "never_errors" }
///   ]
/// }"#)?;
/// assert_eq!(file.properties.len(), 2);
/// assert_eq!(file.properties[0].kind, PropertyKind::NeverAllows);
/// assert!(file.assume_model);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropertiesFile {
    /// What the file is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether to assume the facts every request the engine builds satisfies but the
    /// Cedar schema cannot state (the **model assumptions**: an agency's flags follow from
    /// its kind, the enumerations, the agreement's parties, the years, …; see
    /// `lgsp_policy::prove::ProofPack::assumptions`). Default `true`. With `false`, proofs
    /// quantify over every schema-valid input, and counterexamples may be impossible in a
    /// world.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub assume_model: bool,
    /// The properties, proved in this order.
    pub properties: Vec<Property>,
}

fn yes() -> bool {
    true
}

/// serde's `skip_serializing_if` passes a reference.
fn is_true(b: &bool) -> bool {
    *b
}

/// One property of a pack.
///
/// # Example
///
/// ```
/// use lgsp_policy::authoring::{Property, PropertyKind};
///
/// let p: Property = serde_json::from_str(r#"{
///   "name": "state-secret, internal and temporary data are never allowed",
///   "clause": "QD05/2024 Đ1.2", "kind": "never_allows",
///   "actions": ["query"], "when": "[\"state_secret\"].contains(resource.class)"
/// }"#)?;
/// assert_eq!(p.clause.as_str(), "QD05/2024 Đ1.2");
/// assert_eq!(p.kind, PropertyKind::NeverAllows);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Property {
    /// What the property says, in a sentence (it names the property in reports).
    pub name: String,
    /// The clause the property protects.
    pub clause: Clause,
    /// What is stated.
    pub kind: PropertyKind,
    /// The actions (`query`, `suspend`, …) the property is about. Required for
    /// `never_allows` and `allows_some`; for the other kinds, every action of the schema
    /// when absent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// `never_allows`, `allows_some`: a Cedar condition over `principal`, `resource`,
    /// `context` (and `action`), validated strictly against the schema for each action,
    /// as a policy's `when` would be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// What the property assumes of the facts the engine computes before Cedar sees them
    /// (the instants it counts with the calendar, the agreement it puts in the context),
    /// in words. The property tests of the model assumptions check the engine keeps them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumes: Option<String>,
}

/// What a [`Property`] states.
///
/// # Example
///
/// ```
/// use lgsp_policy::authoring::PropertyKind;
///
/// assert_eq!(PropertyKind::NoRedundantPermits.as_str(), "no_redundant_permits");
/// assert!(PropertyKind::NeverAllows.needs_condition());
/// assert!(!PropertyKind::NeverErrors.needs_condition());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PropertyKind {
    /// No request that satisfies `when` is allowed by the pack: every allowed request
    /// falsifies it. A refutation is an allowed request that satisfies it.
    NeverAllows,
    /// Some request that satisfies `when` is allowed (a witness is shown). A refutation
    /// means the pack denies every such request.
    AllowsSome,
    /// No policy of the pack errors on any schema-valid request of the actions.
    NeverErrors,
    /// Every policy of the pack matches some request (of the actions), under the
    /// assumptions: none is dead.
    NoDeadPolicies,
    /// No permit is redundant: for each, some request is allowed with it and denied
    /// without it (it is neither shadowed by the forbids nor subsumed by other permits).
    NoRedundantPermits,
}

impl PropertyKind {
    /// The kind's name in a properties file.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(lgsp_policy::authoring::PropertyKind::AllowsSome.as_str(), "allows_some");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            PropertyKind::NeverAllows => "never_allows",
            PropertyKind::AllowsSome => "allows_some",
            PropertyKind::NeverErrors => "never_errors",
            PropertyKind::NoDeadPolicies => "no_dead_policies",
            PropertyKind::NoRedundantPermits => "no_redundant_permits",
        }
    }

    /// Whether the kind takes a `when` condition and a list of actions.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(lgsp_policy::authoring::PropertyKind::AllowsSome.needs_condition());
    /// ```
    pub fn needs_condition(self) -> bool {
        matches!(self, PropertyKind::NeverAllows | PropertyKind::AllowsSome)
    }
}

/// Why a properties file could not be read. Every variant says where.
///
/// # Example
///
/// ```
/// use lgsp_policy::authoring::{PropertiesError, PropertiesFile};
///
/// let e = PropertiesFile::from_json(r#"{"properties": [
///   {"name": "n", "clause": "QD05/2024 Đ13.1", "kind": "never_allows", "actions": ["query"]}
/// ]}"#).unwrap_err();
/// assert!(matches!(e, PropertiesError::Invalid { index: 0, .. }));
/// assert_eq!(e.to_string(), "property 1 (`n`): `never_allows` needs a `when` condition");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PropertiesError {
    /// The text is not a properties file.
    #[error("properties JSON, line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde found.
        message: String,
    },
    /// A property is malformed.
    #[error("property {} (`{name}`): {message}", index + 1)]
    Invalid {
        /// Its 0-based index in `properties`.
        index: usize,
        /// Its name.
        name: String,
        /// What is wrong.
        message: String,
    },
}

impl PropertiesFile {
    /// Parses and checks a properties file: the JSON, then each property's form (a
    /// condition and actions where the kind needs them and none where it does not, a
    /// non-empty name, unique names). Whether a condition validates and an action exists
    /// is checked against the schema when the property is proved.
    ///
    /// # Errors
    ///
    /// [`PropertiesError::Json`] with line and column; [`PropertiesError::Invalid`]
    /// naming the property.
    ///
    /// # Example
    ///
    /// ```
    /// let text = include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/access.properties.json"));
    /// let file = lgsp_policy::authoring::PropertiesFile::from_json(text)?;
    /// assert!(file.properties.iter().any(|p| p.clause.as_str() == "QD05/2024 Đ13.1"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, PropertiesError> {
        let file: PropertiesFile =
            serde_json::from_str(text).map_err(|e| PropertiesError::Json {
                line: e.line(),
                column: e.column().max(1),
                message: e.to_string(),
            })?;
        let mut names = HashSet::new();
        for (index, p) in file.properties.iter().enumerate() {
            let invalid = |message: String| PropertiesError::Invalid {
                index,
                name: p.name.clone(),
                message,
            };
            if p.name.trim().is_empty() {
                return Err(invalid("the name is empty".into()));
            }
            if !names.insert(p.name.as_str()) {
                return Err(invalid("another property has this name".into()));
            }
            let kind = p.kind.as_str();
            match (p.kind.needs_condition(), &p.when) {
                (true, None) => return Err(invalid(format!("`{kind}` needs a `when` condition"))),
                (true, Some(w)) if w.trim().is_empty() => {
                    return Err(invalid("the `when` condition is empty".into()));
                }
                (false, Some(_)) => {
                    return Err(invalid(format!("`{kind}` takes no `when` condition")));
                }
                _ => {}
            }
            if p.kind.needs_condition() && p.actions.is_empty() {
                return Err(invalid(format!("`{kind}` needs a list of `actions`")));
            }
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_properties_are_refused_with_where() {
        let cases = [
            (
                r#"{"properties": [{"name": "a", "clause": "QD05/2024 Đ1.2", "kind": "never_errors", "when": "true"}]}"#,
                "property 1 (`a`): `never_errors` takes no `when` condition",
            ),
            (
                r#"{"properties": [{"name": "a", "clause": "QD05/2024 Đ1.2", "kind": "allows_some", "when": "true"}]}"#,
                "property 1 (`a`): `allows_some` needs a list of `actions`",
            ),
            (
                r#"{"properties": [{"name": "a", "clause": "QD05/2024 Đ1.2", "kind": "never_errors"},
                                   {"name": "a", "clause": "QD05/2024 Đ1.2", "kind": "never_errors"}]}"#,
                "property 2 (`a`): another property has this name",
            ),
            (
                r#"{"properties": [{"name": " ", "clause": "QD05/2024 Đ1.2", "kind": "never_errors"}]}"#,
                "property 1 (` `): the name is empty",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                PropertiesFile::from_json(text).unwrap_err().to_string(),
                want
            );
        }
        let e = PropertiesFile::from_json("{\"properties\": [], \"extra\": 1}").unwrap_err();
        assert!(matches!(e, PropertiesError::Json { line: 1, .. }), "{e}");
    }
}
