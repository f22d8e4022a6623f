//! The law lives in the packs (issue 11): no regulation is cited, no legal message is
//! written and no legal period is set in the crate's Rust code outside doc comments and
//! tests. Every reason, finding, advisory and duty the engine gives comes from the pack in
//! force, which sets every period the engine counts.

use std::path::{Path, PathBuf};

use lgsp_policy::RulePack;
use lgsp_policy::pack::{ENGINE_REASON_CODES, PERIOD_NAMES};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a Rust file: its lines up to the first test module, each without comments
/// (doc comments included). A `//` inside a string literal would cut the line short, which
/// only hides text from the check; the crate's strings do not hold one.
fn code_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.starts_with("#[cfg(test)]") {
            break;
        }
        let code = match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        };
        if !code.trim().is_empty() {
            out.push((n + 1, code.to_owned()));
        }
    }
    out
}

/// What cites a regulation: an instrument's short name (`QD05/2024`, `ND47/2020`, the
/// `known::QD05_…` constants) or a Vietnamese instrument's name. The Civil Code's rules of
/// counting time (`BLDS2015 Đ147–148`), which the deadline module implements, are the
/// engine's own and may be cited.
fn cites_a_regulation(code: &str) -> bool {
    let bytes = code.as_bytes();
    let instrument = |prefix: &[u8]| {
        bytes
            .windows(prefix.len() + 1)
            .any(|w| w.starts_with(prefix) && w.last().is_some_and(|b| b.is_ascii_digit()))
    };
    instrument(b"QD")
        || instrument(b"ND")
        || code.contains("Quyết định")
        || code.contains("Nghị định")
        || code.contains("Decree")
}

/// A Vietnamese letter no English text has: legal messages in Vietnamese are the pack's.
fn has_vietnamese(code: &str) -> bool {
    code.chars().any(|c| {
        matches!(c, 'đ' | 'Đ' | 'ơ' | 'ư' | 'Ơ' | 'Ư' | 'ă' | 'Ă')
            || ('\u{1EA0}'..='\u{1EF9}').contains(&c)
    })
}

/// The legal periods the engine used to set in Rust: a period literal in code.
fn sets_a_period(code: &str) -> bool {
    [
        "Period::Days(",
        "Period::Months(",
        "Period::Years(",
        "Period::WorkingDays(",
        "Period::Weeks(",
        "Period::Hours(",
    ]
    .iter()
    .any(|p| {
        code.match_indices(p).any(|(i, _)| {
            // A number of at least one: `Period::Days(0)` is no legal period.
            let rest = code.get(i + p.len()..).unwrap_or_default();
            rest.starts_with(|c: char| c.is_ascii_digit()) && !rest.starts_with("0)")
        })
    })
}

#[test]
fn no_regulation_legal_message_or_legal_period_is_written_in_the_crates_rust_code() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() > 20, "the source tree was found");
    let mut found = Vec::new();
    for path in &files {
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        // The proptest strategies generate worlds for the built-in pack: their names are
        // Vietnamese data and their instants sit on that pack's periods, by design.
        let strategies = name.starts_with("strategies");
        // Citations are written `… Đ16.2.h`: the citation syntax is Vietnamese.
        let citation_syntax = name == "pack/clause.rs";
        let text = std::fs::read_to_string(path).unwrap();
        for (n, code) in code_lines(&text) {
            let what = if cites_a_regulation(&code) {
                "cites a regulation"
            } else if !strategies && !citation_syntax && has_vietnamese(&code) {
                "writes Vietnamese text"
            } else if !strategies && sets_a_period(&code) {
                "sets a period"
            } else {
                continue;
            };
            found.push(format!("src/{name}:{n} {what}: {}", code.trim()));
        }
    }
    assert!(
        found.is_empty(),
        "the law belongs in the packs:\n{}",
        found.join("\n")
    );
}

/// The check itself finds what it looks for.
#[test]
fn the_law_in_rust_check_finds_citations_messages_and_periods() {
    assert!(cites_a_regulation(
        r#"Clause::from_static("QD05/2024 Đ16.2.h")"#
    ));
    assert!(cites_a_regulation("known::ND47_43_3"));
    assert!(!cites_a_regulation(
        r#"Clause::from_static("BLDS2015 Đ148.5")"#
    ));
    assert!(has_vietnamese(r#""Thỏa thuận chia sẻ dữ liệu""#));
    assert!(!has_vietnamese(r#""The sharing agreement""#));
    assert!(sets_a_period(
        "deadline(at, Period::Days(1), calendar, reading)"
    ));
    assert!(!sets_a_period("Period::Days(n) => n"));
    let lines = code_lines("let a = 1; // QD05/2024\n/// Đ16\nfn f() {}\n#[cfg(test)]\nQD05/2024");
    assert_eq!(lines.iter().map(|(n, _)| *n).collect::<Vec<_>>(), [1, 3]);
}

/// A pack from its directory: the manifest and the policy files it lists.
pub fn load(dir: &Path) -> RulePack {
    let manifest = std::fs::read_to_string(dir.join("pack.json")).unwrap();
    let listed: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let files: Vec<(String, String)> = listed["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let name = f.as_str().unwrap().to_owned();
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            (name, text)
        })
        .collect();
    RulePack::from_sources(&manifest, files).unwrap()
}

/// Every pack shipped in the repository words every engine code and sets every period.
#[test]
fn every_shipped_pack_words_every_engine_code_and_sets_every_period() {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    for pack_dir in [
        "policies/qd05-2024-phu-yen",
        "examples/packs/strict-personal-data",
    ] {
        let pack = load(&dir.join(pack_dir));
        for code in ENGINE_REASON_CODES {
            let text = &pack.manifest().reasons[*code];
            assert!(
                !text.vi.is_empty() && !text.en.is_empty(),
                "{pack_dir}: {code}"
            );
        }
        for kind in lgsp_policy::duties::DutyKind::ALL {
            assert!(
                pack.manifest().duties.contains_key(&kind),
                "{pack_dir}: {kind:?}"
            );
        }
        for name in PERIOD_NAMES {
            assert!(pack.period(name, day).is_some(), "{pack_dir}: {name}");
        }
    }
}
