//! The JSON Schemas in docs/schema/ are those of the current types.

use std::path::Path;

#[test]
fn docs_schema_files_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema");
    let mut stale = Vec::new();
    for (name, schema) in lgsp_policy::json_schemas() {
        let want = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        let have = std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        if have != want {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "out of date: {stale:?}; run `cargo run --example json_schemas`"
    );
}
