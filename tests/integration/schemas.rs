//! The JSON Schemas in docs/schema/ are those of the current types.

use std::path::Path;

#[test]
fn docs_schema_files_are_up_to_date() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema");
    let mut stale = Vec::new();
    for (name, schema) in lgsp_policy::authoring::json_schemas() {
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

/// docs.rs builds with every feature and `--cfg docsrs`, so `lgsp_policy::strategies`
/// (feature `proptest`), which docs/TESTING.md sends readers to, is documented there.
#[test]
fn docs_rs_builds_every_feature() {
    let manifest =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let section: Vec<&str> = manifest
        .lines()
        .skip_while(|line| line.trim() != "[package.metadata.docs.rs]")
        .skip(1)
        .take_while(|line| !line.trim_start().starts_with('['))
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .filter(|line| !line.is_empty())
        .collect();
    assert!(
        section.contains(&"all-features = true"),
        "Cargo.toml: [package.metadata.docs.rs] lacks `all-features = true`: {section:?}"
    );
    assert!(
        section.contains(&r#"rustdoc-args = ["--cfg", "docsrs"]"#),
        "Cargo.toml: [package.metadata.docs.rs] lacks `rustdoc-args = [\"--cfg\", \"docsrs\"]`: {section:?}"
    );
    // The crate marks the feature-gated module for docs.rs with `doc(cfg)`.
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(lib.contains("#![cfg_attr(docsrs, feature(doc_cfg))]"));
    assert!(lib.contains(r#"#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]"#));
}
