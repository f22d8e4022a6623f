//! Access decisions on the example province, case by case. Each case names its clause.

use std::collections::BTreeSet;

use crate::support;

#[test]
fn shipped_access_cases_decide_as_expected() {
    let suite: serde_json::Value = serde_json::from_str(support::ACCESS_CASES).unwrap_or_default();
    let world = support::world();
    let engine = support::engine();
    let mut failures = Vec::new();
    let cases = suite["cases"].as_array().cloned().unwrap_or_default();
    assert!(cases.len() >= 25, "the suite has its cases");
    for case in cases {
        let request: lgsp_policy::AccessRequest =
            match serde_json::from_value(case["request"].clone()) {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{}: bad request: {e}", case["name"]));
                    continue;
                }
            };
        let d = engine.decide(&world, &request);
        let got: BTreeSet<&str> = d.reason_codes().collect();
        let want: BTreeSet<&str> = case["expect"]["reasons"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        let outcome = if d.is_allowed() { "allow" } else { "deny" };
        if outcome != case["expect"]["outcome"] || got != want {
            failures.push(format!(
                "{} [{}]: got {outcome} {got:?}, want {} {want:?}",
                case["name"], case["clause"], case["expect"]["outcome"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
