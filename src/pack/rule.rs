//! What a policy says about itself through its annotations ([`Rule`]), and its `@detail`
//! template: the facts it may name and how the engine fills them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Clause;
use crate::ids::PolicyId;

// Named by the docs' links.
#[cfg(doc)]
use super::RulePack;

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

/// The `{name}` placeholders of a template, in order.
pub(super) fn placeholders(template: &str) -> impl Iterator<Item = &str> {
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
