//! Hostile input: malformed and adversarial JSON for worlds and requests, and mutated
//! policy text, never panic and come back as typed errors that say what and where.
//!
//! These properties cover the same targets as the `cargo fuzz` targets in `fuzz/` (world
//! JSON, request JSON, pack text), for machines without a nightly toolchain.

use lgsp_policy::pack::Severity;
use lgsp_policy::strategies::{WorldSize, world};
use lgsp_policy::{AccessRequest, PackError, RequestError, RulePack, World, WorldError};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use serde_json::Value;

use crate::support;

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// A world error is typed and says where: JSON errors carry a line, other errors name the
/// record.
fn check_world_error(e: &WorldError) -> Result<(), TestCaseError> {
    let text = e.to_string();
    prop_assert!(!text.is_empty());
    if let WorldError::Json { line, .. } = e {
        prop_assert!(*line >= 1, "{text}");
        prop_assert!(text.contains("line"), "{text}");
    }
    prop_assert!(
        !matches!(e, WorldError::Internal(_)),
        "an internal error: {text}"
    );
    Ok(())
}

fn check_request_error(e: &RequestError) -> Result<(), TestCaseError> {
    let RequestError::Json { line, .. } = e else {
        return Ok(());
    };
    prop_assert!(*line >= 1, "{e}");
    Ok(())
}

/// Every error diagnostic of a pack says which file, and for the policy file which line.
fn check_pack_error(e: &PackError, file: &str) -> Result<(), TestCaseError> {
    match e {
        PackError::Policies(diags) => {
            prop_assert!(diags.iter().any(|d| d.severity == Severity::Error));
            for d in diags.iter().filter(|d| d.severity == Severity::Error) {
                prop_assert!(!d.message.is_empty());
                if d.file == file {
                    prop_assert!(d.line >= 1, "no line for {:?}", d);
                    prop_assert!(d.column >= 1, "no column for {:?}", d);
                }
            }
        }
        PackError::Manifest { line, .. } => prop_assert!(*line >= 1),
        _ => {}
    }
    Ok(())
}

// ------------------------------------------------------------------------------- mutations

/// Replacement values a mutation plants somewhere in a JSON document.
fn hostile_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(Value::Bool(true)),
        Just(serde_json::json!(-1)),
        Just(serde_json::json!(u64::MAX)),
        Just(serde_json::json!(i64::MIN)),
        Just(serde_json::json!(1e308)),
        Just(serde_json::json!([])),
        Just(serde_json::json!({})),
        Just(serde_json::json!({"unknown": 1})),
        Just(Value::String(String::new())),
        Just(Value::String("x".repeat(129))),
        Just(Value::String("đ".into())),
        Just(Value::String("nobody".into())),
        Just(Value::String("2024-02-30".into())),
        Just(Value::String("2024-13-01T00:00:00+07:00".into())),
        Just(Value::String("2024-06-03T24:00:00+07:00".into())),
        Just(Value::String("2024-06-03T09:30:00+24:00".into())),
        Just(Value::String("2024-06-03T09:30:00+07:60".into())),
        Just(Value::String("2024-06-03T09:30:00".into())),
        Just(Value::String("+10000-01-01T00:00:00+07:00".into())),
        Just(Value::String("1899-12-31T23:59:59Z".into())),
        Just(Value::String("0000-01-01".into())),
        Just(Value::String("\u{0}\u{202e}\u{fffd}".into())),
        Just(Value::String("agency".into())),
        "\\PC{0,12}".prop_map(Value::String),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
    ]
}

#[derive(Debug, Clone)]
enum Mutation {
    Replace(Index, Value),
    Remove(Index),
    Duplicate(Index),
    Wrap(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<Index>(), hostile_value()).prop_map(|(i, v)| Mutation::Replace(i, v)),
        2 => any::<Index>().prop_map(Mutation::Remove),
        1 => any::<Index>().prop_map(Mutation::Duplicate),
        1 => any::<Index>().prop_map(Mutation::Wrap),
    ]
}

/// Every node of a JSON document, as a path of keys and indexes, in preorder.
fn paths(v: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(here.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                here.push(Step::Key(k.clone()));
                paths(child, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                here.push(Step::At(i));
                paths(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    At(usize),
}

fn node<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut v = v;
    for step in path {
        v = match step {
            Step::Key(k) => v.get_mut(k)?,
            Step::At(i) => v.get_mut(*i)?,
        };
    }
    Some(v)
}

fn mutate(doc: &mut Value, m: &Mutation) {
    let mut all = Vec::new();
    paths(doc, &mut Vec::new(), &mut all);
    let pick = |i: &Index| all[i.index(all.len())].clone();
    match m {
        Mutation::Replace(i, value) => {
            if let Some(n) = node(doc, &pick(i)) {
                *n = value.clone();
            }
        }
        Mutation::Remove(i) => {
            let path = pick(i);
            if let Some((last, parent)) = path.split_last()
                && let Some(p) = node(doc, parent)
            {
                match (p, last) {
                    (Value::Object(map), Step::Key(k)) => {
                        map.remove(k);
                    }
                    (Value::Array(items), Step::At(i)) if *i < items.len() => {
                        items.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        Mutation::Duplicate(i) => {
            let path = pick(i);
            if let Some((Step::At(at), parent)) = path.split_last()
                && let Some(Value::Array(items)) = node(doc, parent)
                && let Some(item) = items.get(*at).cloned()
            {
                items.push(item);
            }
        }
        Mutation::Wrap(i) => {
            if let Some(n) = node(doc, &pick(i)) {
                *n = Value::Array(vec![n.take()]);
            }
        }
    }
}

fn world_json() -> Value {
    serde_json::from_str(support::WORLD_JSON).unwrap()
}

fn request_json() -> Value {
    serde_json::json!({
        "account": "acc.tuy-hoa.dan-cu", "action": "query", "dataset": "dan-cu.nhan-khau",
        "channel": "lgsp", "purpose": "administrative-procedures",
        "at": "2024-06-03T09:30:00+07:00", "authenticated": true, "subject_requested": true
    })
}

proptest! {
    #![proptest_config(config(256))]

    /// Mutated worlds (wrong types, dangling ids, huge numbers, bad dates and offsets,
    /// long and non-ASCII ids, missing and duplicated records) are refused with a typed
    /// error, or accepted and decided without panicking.
    #[test]
    fn mutated_worlds_are_refused_with_a_typed_error(mutations in prop::collection::vec(mutation(), 1..4)) {
        let mut doc = world_json();
        for m in &mutations {
            mutate(&mut doc, m);
        }
        let text = serde_json::to_string(&doc).unwrap();
        match World::from_json(&text) {
            Ok(w) => {
                let request = AccessRequest::from_json(&request_json().to_string()).unwrap();
                let _ = support::engine().decide(&w, &request);
            }
            Err(e) => check_world_error(&e)?,
        }
    }

    /// The same for requests, decided against the example province when they parse.
    #[test]
    fn mutated_requests_are_refused_with_a_typed_error(mutations in prop::collection::vec(mutation(), 1..3)) {
        let mut doc = request_json();
        for m in &mutations {
            mutate(&mut doc, m);
        }
        match AccessRequest::from_json(&doc.to_string()) {
            Ok(r) => {
                let d = ENGINE.decide(&WORLD, &r);
                prop_assert!(d.is_allowed() || !d.reasons.is_empty());
            }
            Err(e) => check_request_error(&e)?,
        }
    }

    /// Arbitrary text is never a panic.
    #[test]
    fn arbitrary_text_is_a_typed_error(text in "\\PC{0,200}", bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let lossy = String::from_utf8_lossy(&bytes).into_owned();
        for t in [&text, &lossy] {
            if let Err(e) = World::from_json(t) {
                check_world_error(&e)?;
            }
            if let Err(e) = AccessRequest::from_json(t) {
                check_request_error(&e)?;
            }
        }
    }

    /// Truncated JSON of generated worlds is a typed error with a line.
    #[test]
    fn truncated_worlds_are_a_typed_error(w in world(WorldSize::SMALL), cut in any::<Index>()) {
        let text = serde_json::to_string_pretty(&w).unwrap();
        let mut at = cut.index(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let err = World::from_json(&text[..at]).unwrap_err();
        check_world_error(&err)?;
        let is_json = matches!(err, WorldError::Json { .. });
        prop_assert!(is_json, "{}", err);
    }
}

static ENGINE: std::sync::LazyLock<lgsp_policy::Engine> = std::sync::LazyLock::new(support::engine);
static WORLD: std::sync::LazyLock<World> = std::sync::LazyLock::new(support::world);

#[derive(Debug, Clone)]
enum Edit {
    Flip(Index, u8),
    Insert(Index, u8),
    Delete(Index, usize),
    Truncate(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    let interesting = prop_oneof![
        any::<u8>(),
        prop::sample::select(b"(){}[];,.\"@!=<>&|+-*/\\: \nif".to_vec()),
    ];
    prop_oneof![
        3 => (any::<Index>(), interesting.clone()).prop_map(|(i, b)| Edit::Flip(i, b)),
        2 => (any::<Index>(), interesting).prop_map(|(i, b)| Edit::Insert(i, b)),
        2 => (any::<Index>(), 1usize..40).prop_map(|(i, n)| Edit::Delete(i, n)),
        1 => any::<Index>().prop_map(Edit::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, e: &Edit) {
    if bytes.is_empty() {
        return;
    }
    match e {
        Edit::Flip(i, b) => {
            let at = i.index(bytes.len());
            bytes[at] = *b;
        }
        Edit::Insert(i, b) => bytes.insert(i.index(bytes.len() + 1), *b),
        Edit::Delete(i, n) => {
            let at = i.index(bytes.len());
            let end = (at + n).min(bytes.len());
            bytes.drain(at..end);
        }
        Edit::Truncate(i) => bytes.truncate(i.index(bytes.len())),
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Mutated policy text (byte flips, insertions, deletions, truncations of the shipped
    /// `access.cedar`) loads or fails with located diagnostics — never a panic.
    #[test]
    fn mutated_policy_text_fails_with_located_diagnostics(edits in prop::collection::vec(edit(), 1..6)) {
        let (manifest, files) = RulePack::builtin_sources();
        let (name, text) = files[0];
        let mut bytes = text.as_bytes().to_vec();
        for e in &edits {
            apply(&mut bytes, e);
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let sources = files.iter().map(|(n, t)| (n.to_string(), if *n == name { text.clone() } else { t.to_string() }));
        if let Err(e) = RulePack::from_sources(manifest, sources) {
            check_pack_error(&e, name)?;
        }
    }

    /// Mutated manifests fail with a line, or load.
    #[test]
    fn mutated_manifests_fail_with_a_typed_error(mutations in prop::collection::vec(mutation(), 1..3)) {
        let (manifest, files) = RulePack::builtin_sources();
        let mut doc: Value = serde_json::from_str(manifest).unwrap();
        for m in &mutations {
            mutate(&mut doc, m);
        }
        if let Err(e) = RulePack::from_sources(&doc.to_string(), files.iter().copied()) {
            check_pack_error(&e, "access.cedar")?;
        }
    }
}

// ------------------------------------------------------------------------------- cases

fn world_error(json: &str) -> WorldError {
    World::from_json(json).unwrap_err()
}

#[test]
fn deeply_nested_json_is_a_typed_error() {
    for depth in [200, 10_000, 100_000] {
        let text = format!(
            r#"{{"territory": "VN-32", "agencies": {}{}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let e = world_error(&text);
        assert!(matches!(e, WorldError::Json { line: 1, .. }), "{e}");
        // Types stop the descent first; serde_json's recursion limit (128) is the backstop.
        let text = format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
        assert!(matches!(
            world_error(&text),
            WorldError::Json { line: 1, .. }
        ));
        let text = format!(
            r#"{{"account": {}"a"{}}}"#,
            "{\"x\":".repeat(depth),
            "}".repeat(depth)
        );
        assert!(AccessRequest::from_json(&text).is_err());
    }
}

#[test]
fn huge_numbers_invalid_dates_and_offsets_are_typed_errors() {
    let request = |at: &str| {
        let mut r = request_json();
        r["at"] = Value::String(at.into());
        AccessRequest::from_json(&r.to_string())
    };
    for bad in [
        "2024-02-30T00:00:00+07:00",
        "2024-13-01T00:00:00+07:00",
        "2024-06-03T25:00:00+07:00",
        "2024-06-03T09:30:00+24:00",
        "2024-06-03T09:30:00+07:60",
        "2024-06-03T09:30:00",
        "2024-06-03",
        "",
    ] {
        let e = request(bad).unwrap_err();
        let RequestError::Json { line, column, .. } = &e else {
            panic!("{e}")
        };
        assert!(*line == 1 && *column > 1, "{bad}: {e}");
    }
    let huge = request_json()
        .to_string()
        .replace(r#""authenticated":true"#, r#""authenticated":1e400"#);
    assert!(huge.contains("1e400"));
    assert!(AccessRequest::from_json(&huge).is_err());
    let e = AccessRequest::from_json(r#"{"account": 18446744073709551616999}"#).unwrap_err();
    assert!(e.to_string().contains("line 1"), "{e}");

    let mut w = world_json();
    w["databases"][0]["last_evaluated"] = Value::String("2024-02-30".into());
    assert!(matches!(
        world_error(&w.to_string()),
        WorldError::Json { .. }
    ));
    let mut w = world_json();
    w["databases"][0]["last_evaluated"] = Value::String("+99999-01-01".into());
    let e = world_error(&w.to_string());
    assert!(
        matches!(
            e,
            WorldError::Json { .. } | WorldError::DateOutOfRange { .. }
        ),
        "{e}"
    );
}

#[test]
fn dangling_long_and_non_ascii_ids_are_named() {
    let mut w = world_json();
    w["accounts"][0]["holder"] = Value::String("nobody".into());
    let e = world_error(&w.to_string());
    assert!(
        matches!(&e, WorldError::DanglingReference { field: "holder", target, .. } if target == "nobody"),
        "{e}"
    );
    for bad in ["x".repeat(129), "đ".into(), "a b".into(), String::new()] {
        let mut w = world_json();
        w["agencies"][0]["id"] = Value::String(bad.clone());
        let e = world_error(&w.to_string());
        assert!(matches!(e, WorldError::Json { .. }), "{bad}: {e}");
        assert!(e.to_string().contains("not a valid agency id"), "{e}");
    }
    let mut w = world_json();
    w["agencies"][0]["id"] = Value::String("x".repeat(128));
    let e = world_error(&w.to_string());
    assert!(
        !matches!(e, WorldError::Json { .. }),
        "128 characters is allowed: {e}"
    );
}

#[test]
fn policies_too_complex_for_cedar_are_refused_before_it_parses_them() {
    let (manifest, files) = RulePack::builtin_sources();
    let header =
        "@id(\"deep\")\n@clause(\"QD05/2024 Đ17.1\")\n@reason(\"deep\")\n@vi(\"x\")\n@en(\"x\")\n";
    let n = 10_000;
    for body in [
        // Stack overflow in Cedar's parser (a few hundred levels abort a 2 MiB thread).
        format!("{}true{}", "(".repeat(n), ")".repeat(n)),
        format!("{}1{} == 1", "[".repeat(n), "]".repeat(n)),
        // Cedar's type checker gives up silently on deep expressions: `principal.holder`
        // chained is ill-typed and must not pass unchecked.
        format!("principal{} == principal", ".holder".repeat(n)),
        vec!["true"; n].join(" && ") + " && principal.nope",
        // Level validation is exponential in nested `if`s.
        format!(
            "{}true{}",
            "if true then ".repeat(40),
            " else false".repeat(40)
        ),
    ] {
        let sources = crate::support::with_access_appended(
            files,
            &format!("{header}forbid (principal, action, resource) when {{ {body} }};"),
        );
        let started = std::time::Instant::now();
        // A 2 MiB stack, the default for spawned threads, where the failures were seen.
        let result = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || RulePack::from_sources(manifest, sources).err())
            .unwrap()
            .join()
            .unwrap();
        let e = result.expect("refused");
        let d = &e.diagnostics()[0];
        assert!(d.message.contains("too complex"), "{e}");
        // The appended `forbid` line: after the shipped file, the joining newline and the
        // five annotation lines.
        let line = files
            .iter()
            .find(|(n, _)| *n == "access.cedar")
            .map_or(0, |(_, t)| t.lines().count() + 7);
        assert_eq!((d.file.as_str(), d.line), ("access.cedar", line), "{e}");
        assert!(started.elapsed().as_secs() < 5);
    }
}
