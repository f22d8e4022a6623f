//! Policy text, where the cost is: any bytes as one policy file of the built-in pack are
//! checked as loading the pack would check them (structural limits, parsing, annotations
//! against the manifest, strict validation against the shipped schema), with the schema
//! and manifest read once. Every error is located inside the file; nothing panics.
#![no_main]

use lgsp_policy::RulePack;
use lgsp_policy::pack::{PolicyFileChecker, Severity};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static CHECKER: LazyLock<Option<PolicyFileChecker>> =
    LazyLock::new(|| PolicyFileChecker::new(RulePack::builtin_sources().0).ok());

fuzz_target!(|data: &[u8]| {
    let Some(checker) = CHECKER.as_ref() else {
        return;
    };
    let text = String::from_utf8_lossy(data);
    for d in checker.check("access.cedar", &text) {
        assert_eq!(d.file, "access.cedar", "{d}");
        if d.severity == Severity::Error {
            assert!(d.line >= 1 && d.column >= 1, "unlocated: {d}");
        }
    }
});
