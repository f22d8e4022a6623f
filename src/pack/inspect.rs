//! What a parsed policy reads, from Cedar's JSON form of it: calls to extensions the engine
//! does not provide, the attributes it reads and the data classes its conditions limit it
//! to.

use cedar_policy::PolicySet;

use super::scan::MAX_OPERATORS;

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
pub(super) fn unavailable_extension(policy: &cedar_policy::Policy) -> Option<&'static str> {
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

/// The data classes for which a policy of `all` reads an attribute named `attribute`
/// anywhere: the union of the classes each such policy's `when` conditions limit it to
/// with a conjunct `[…].contains(resource.class)`; `None` when one has no such limit.
pub(super) fn classes_reading(
    all: &PolicySet,
    attribute: &str,
) -> Option<std::collections::BTreeSet<String>> {
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
pub(super) fn reads_context_attribute(json: &serde_json::Value, attribute: &str) -> bool {
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
    use crate::pack::RulePack;

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
}
