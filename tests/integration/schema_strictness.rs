//! The JSON Schemas in docs/schema/ refuse what the engine refuses on a single value
//! (issue 16.2): a producer in another language that validates against them finds the
//! mistake before sending it.
//!
//! Two kinds of test. Document mutations: the shipped documents (the Phú Yên world, the
//! built-in pack's manifest, the requests of its test cases), each accepted by the engine
//! and by its schema, have one string at a time (a value or a map key) replaced by one of
//! a few hundred bad values; whenever the engine refuses the result for a single-value
//! reason (the error names a value that does not parse, a date out of range, an empty
//! list, a missing engine reason, a time Cedar cannot take), the schema must refuse it
//! too. Refusals for reasons a schema cannot state (unknown references, duplicates, an
//! order between two fields) are listed in the schemas' descriptions and not asserted.
//! Value equivalence: generated strings are accepted by the schema of their type exactly
//! when the engine's parser accepts them.
//!
//! Formats are validated (`date`, `date-time`): `jsonschema` treats them as annotations
//! unless asked.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use lgsp_policy::pack::Clause;
use lgsp_policy::records::Refusal;
use lgsp_policy::time::Calendar;
use lgsp_policy::{
    AccessRequest, Engine, NoticeCheckRequest, PackError, RestorationRequest, RulePack,
    SuspendAllRequest, SuspensionRequest, TerminationRequest, UsageReportRequest, World,
    WorldError,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_json(relative: &str) -> Value {
    let text = std::fs::read_to_string(root().join(relative)).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn schema_file(name: &str) -> Value {
    read_json(&format!("docs/schema/{name}"))
}

fn validator_for(schema: &Value) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap()
}

/// A validator for a document schema, built once.
fn validator(name: &'static str) -> &'static jsonschema::Validator {
    static CACHE: OnceLock<BTreeMap<&'static str, jsonschema::Validator>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        [
            "world.schema.json",
            "pack-manifest.schema.json",
            "access-request.schema.json",
            "suspension-request.schema.json",
            "restoration-request.schema.json",
            "termination-request.schema.json",
            "usage-report-request.schema.json",
            "suspend-all-request.schema.json",
            "notice-check-request.schema.json",
            "refusal.schema.json",
            "pack-tests.schema.json",
        ]
        .into_iter()
        .map(|name| (name, validator_for(&schema_file(name))))
        .collect()
    });
    &cache[name]
}

/// A validator for one definition of a schema file (`$defs/<def>`), with its siblings.
fn def_validator(file: &str, def: &str) -> jsonschema::Validator {
    let schema = schema_file(file);
    let defs = schema["$defs"].clone();
    assert!(defs.get(def).is_some(), "{file} has no $defs/{def}");
    validator_for(&json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$ref": format!("#/$defs/{def}"),
        "$defs": defs,
    }))
}

/// The built-in pack, in force from the year 0: a request is judged on its own, not
/// denied because no pack was in force yet (`no_pack_in_force`).
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let (manifest, files) = RulePack::builtin_sources();
        let mut manifest: Value = serde_json::from_str(manifest).unwrap();
        manifest["effective_from"] = json!("0000-01-01");
        let pack = RulePack::from_sources(&manifest.to_string(), files.iter().copied()).unwrap();
        Engine::new(pack)
    })
}

/// The shipped world, with a refusal, a suspension with its notice and a database
/// suspension with its public notice added so that every kind of world record is there.
fn base_world() -> Value {
    let mut world = read_json("policies/qd05-2024-phu-yen/tests/phu-yen.world.json");
    world["refusals"] = json!([{
        "id": "tc-2024-001",
        "provider": "so-tp",
        "requester": "cty-cap-nuoc",
        "at": "2024-06-03T10:00:00+07:00",
        "dataset": "dan-cu.nhan-khau",
        "grounds": [{ "code": "no_right_established", "clause": "QD05/2024 Đ17.1", "vi": "Không có quyền.", "en": "No right." }],
        "authority": "so-tttt",
        "notified_at": "2024-06-04T10:00:00.5+07:00"
    }]);
    world["suspensions"] = json!([{
        "id": "ts-2024-001",
        "agreement": "agr.tp.so-tnmt",
        "violation": "vp.2024.001",
        "suspended_at": "2024-05-17T17:00:00+07:00",
        "notice": {
            "to": "so-tnmt",
            "sent_at": "2024-05-17T17:30:00.250+07:00",
            "violation": "Dùng dữ liệu ngoài mục đích.",
            "handling_plan": "Tạm dừng.",
            "restoration_requirements": "Báo cáo."
        },
        "restored_at": "2024-05-24T02:00:00Z"
    }]);
    world["database_suspensions"] = json!([{
        "id": "ts-2024-002",
        "database": "csdl-dan-cu",
        "grounds": "maintenance",
        "starts_at": "2024-05-02T08:00:00+07:00",
        "notice": {
            "published_at": "2024-04-16T23:59:00+07:00",
            "expected_restoration": "2024-05-02T17:00:00+07:00",
            "text": "Bảo trì."
        },
        "restored_at": "2024-05-02T17:00:00+07:00"
    }]);
    world
}

fn world_from(doc: &Value) -> Result<World, WorldError> {
    World::from_json(&doc.to_string())
}

fn base_world_built() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| world_from(&base_world()).unwrap())
}

/// How the engine took a document.
#[derive(Debug, PartialEq)]
enum Verdict {
    Accepted,
    /// Refused for something wrong with one value.
    SingleValue(String),
    /// Refused for a relation between values, which no schema states.
    Relation(String),
}

fn judge_world(doc: &Value) -> Verdict {
    match world_from(doc) {
        Ok(_) => Verdict::Accepted,
        Err(
            e @ (WorldError::Json { .. }
            | WorldError::DateOutOfRange { .. }
            | WorldError::SubMillisecond { .. }
            | WorldError::LeapSecond { .. }
            | WorldError::Empty { .. }),
        ) => Verdict::SingleValue(e.to_string()),
        Err(e) => Verdict::Relation(e.to_string()),
    }
}

fn judge_manifest(doc: &Value) -> Verdict {
    let (_, files) = RulePack::builtin_sources();
    match RulePack::from_sources(&doc.to_string(), files.iter().copied()) {
        Ok(_) => Verdict::Accepted,
        Err(e @ PackError::Manifest { .. }) => Verdict::SingleValue(e.to_string()),
        Err(e) => {
            let text = e.to_string();
            // The engine reasons a manifest must define: `required` in the schema.
            let lacks_reason = e.diagnostics().iter().any(|d| {
                d.severity == lgsp_policy::pack::Severity::Error
                    && d.message.starts_with("`reasons` lacks the engine reason")
            });
            if lacks_reason {
                Verdict::SingleValue(text)
            } else {
                Verdict::Relation(text)
            }
        }
    }
}

/// A decision's refusal of a time Cedar cannot take is a single-value refusal; an
/// unknown reference or the rules' deny is not.
fn judge_reasons<'a>(reasons: impl IntoIterator<Item = &'a lgsp_policy::Reason>) -> Verdict {
    for r in reasons {
        if r.code == "evaluation_error" {
            return Verdict::SingleValue(format!("{}: {:?}", r.code, r.vi));
        }
    }
    Verdict::Accepted
}

fn parsed<T: serde::de::DeserializeOwned>(doc: &Value) -> Result<T, Verdict> {
    serde_json::from_value(doc.clone()).map_err(|e| Verdict::SingleValue(e.to_string()))
}

fn judge_request(kind: &str, doc: &Value) -> Verdict {
    let engine = engine();
    let world = base_world_built();
    let calendar = Calendar::vietnam_public_sector();
    let decision = match kind {
        "access" => match AccessRequest::from_json(&doc.to_string()) {
            Ok(r) => engine.decide(world, &r),
            Err(e) => return Verdict::SingleValue(e.to_string()),
        },
        "suspend" => match parsed::<SuspensionRequest>(doc) {
            Ok(r) => {
                engine
                    .clone()
                    .with_calendar(calendar.clone())
                    .decide_suspension(world, &r)
                    .decision
            }
            Err(v) => return v,
        },
        "restore" => match parsed::<RestorationRequest>(doc) {
            Ok(r) => engine.decide_restoration(world, &r).decision,
            Err(v) => return v,
        },
        "terminate" => match parsed::<TerminationRequest>(doc) {
            Ok(r) => engine.decide_termination(world, &r).decision,
            Err(v) => return v,
        },
        "usage_report" => match parsed::<UsageReportRequest>(doc) {
            Ok(r) => engine.decide_usage_report(world, &r).decision,
            Err(v) => return v,
        },
        "suspend_all" => match parsed::<SuspendAllRequest>(doc) {
            Ok(r) => {
                engine
                    .clone()
                    .with_calendar(calendar.clone())
                    .decide_suspend_all(world, &r)
                    .decision
            }
            Err(v) => return v,
        },
        "check_notice" => match parsed::<NoticeCheckRequest>(doc) {
            Ok(r) => {
                let check = engine.check_notice(world, &r.suspension, r.now, r.reading);
                return judge_reasons(&check.findings);
            }
            Err(v) => return v,
        },
        "check_refusal" => match parsed::<Refusal>(doc) {
            Ok(r) => return judge_reasons(&engine.check_refusal(world, &r).findings),
            Err(v) => return v,
        },
        other => panic!("unknown request kind {other}"),
    };
    judge_reasons(&decision.reasons)
}

fn request_schema(kind: &str) -> &'static str {
    match kind {
        "access" => "access-request.schema.json",
        "suspend" => "suspension-request.schema.json",
        "restore" => "restoration-request.schema.json",
        "terminate" => "termination-request.schema.json",
        "usage_report" => "usage-report-request.schema.json",
        "suspend_all" => "suspend-all-request.schema.json",
        "check_notice" => "notice-check-request.schema.json",
        "check_refusal" => "refusal.schema.json",
        other => panic!("unknown request kind {other}"),
    }
}

/// One request of each kind from the built-in pack's test cases.
fn base_requests() -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    let access = read_json("policies/qd05-2024-phu-yen/tests/access.cases.json");
    let first = access["cases"][0]["request"].clone();
    out.push(("access".into(), first));
    let lifecycle = read_json("policies/qd05-2024-phu-yen/tests/lifecycle.cases.json");
    for case in lifecycle["cases"].as_array().unwrap() {
        let act = case["act"].as_str().unwrap().to_owned();
        if !out.iter().any(|(k, _)| *k == act) {
            out.push((act, case["request"].clone()));
        }
    }
    let kinds: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
    for kind in [
        "access",
        "suspend",
        "restore",
        "terminate",
        "usage_report",
        "suspend_all",
    ] {
        assert!(kinds.contains(&kind), "no {kind} request in the test cases");
    }
    out
}

// ---------------------------------------------------------------------------------------
// Bad values, generated.

const BAD_CHARS: &[char] = &[
    ' ', '\t', '\n', '\r', '/', '#', '@', '!', '+', ',', ';', '"', '\\', '\'', '(', ')', '*', '?',
    '=', '%', '$', '&', '~', '`', '|', '<', '>', '[', ']', '{', '}', 'é', 'Đ', 'đ', '中', '🙂',
    '\u{0}', '\u{7f}', '\u{a0}', '\u{200b}', '–',
];

/// Ids the id rule refuses: empty, too long, a character outside `A-Z a-z 0-9 - _ . :`
/// at the start, in the middle or at the end.
fn bad_ids() -> Vec<String> {
    let mut out = vec![
        String::new(),
        " ".into(),
        "acc tuy hoa".into(),
        "a".repeat(129),
        "so-tp".repeat(40),
        format!("{}é", "a".repeat(127)),
    ];
    for &c in BAD_CHARS {
        out.push(format!("{c}so-tp"));
        out.push(format!("so{c}tp"));
        out.push(format!("so-tp{c}"));
    }
    out
}

fn bad_territories() -> Vec<String> {
    [
        "VN 57", "VN/57", "vn 57", "VN–57", " VN-32", "VN-32 ", "VN_57 ", "VN-32\n",
    ]
    .map(String::from)
    .to_vec()
}

fn bad_clauses() -> Vec<String> {
    let mut out: Vec<String> = [
        "QD05/2024 D99.1",
        "QD05/2024 D16",
        "QD05/2024 Ð16",
        "QD05/2024 đ16",
        "QD05/2024 Đ0",
        "QD05/2024 Đ1000",
        "QD05/2024 Đ016",
        "QD05/2024 Đ+16",
        "QD05/2024 Đ16.+2",
        "QD05/2024 Đ16.0",
        "QD05/2024 Đ16.02",
        "QD05/2024 Đ16.1000",
        "QD05/2024 Đ16.2.f",
        "QD05/2024 Đ16.2.j",
        "QD05/2024 Đ16.2.o",
        "QD05/2024 Đ16.2.H",
        "QD05/2024 Đ16.2.dd",
        "QD05/2024 Đ16.2.đđ",
        "QD05/2024 Đ16.2.h.i",
        "QD05/2024 Đ16.2.1",
        "QD05/2024 Đ13.final.a",
        "QD05/2024 Đ13.Final",
        "QD05/2024 Đfinal",
        "QD05/2024 Đ16.1.a.final",
        "qd05/2024 Đ16",
        "Qd05/2024 Đ16",
        "05QD/2024 Đ16",
        "QD05A/2024 Đ16",
        "QD05/24 Đ16",
        "QD05/20245 Đ16",
        "QD05/2024/1 Đ16",
        "QD05/ Đ16",
        "QD-05/2024 Đ16",
        "QD05/2024  Đ16",
        "QD05/2024 Đ16 ",
        " QD05/2024 Đ16",
        "QD05/2024Đ16",
        "QD05/2024 Đ16.",
        "QD05/2024 Đ.16",
        "QD05/2024 Đ16..2",
        "QD05/2024 Đ 16",
        "QD05/2024",
        "Đ16",
        "",
    ]
    .map(String::from)
    .to_vec();
    // Instruments longer than 32 characters, with and without a year.
    out.push(format!("{} Đ1", "A".repeat(33)));
    out.push(format!("{}/2024 Đ1", "A".repeat(28)));
    out.push(format!("QD{}/2024 Đ1", "0".repeat(26)));
    for article in ["1", "16", "999"] {
        for bad_point in ["f", "j", "p", "z", "A", "ă", "â", "ê", "ô", "ơ", "ư"] {
            out.push(format!("ND47/2020 Đ{article}.1.{bad_point}"));
        }
    }
    out
}

fn bad_versions() -> Vec<String> {
    [
        "one",
        "",
        "1",
        "1.0",
        "1.0.0.0",
        "01.0.0",
        "1.00.0",
        "1.0.00",
        "1.0.0-",
        "1.0.0-01",
        "1.0.0-a..b",
        "1.0.0-a.",
        "1.0.0+",
        "1.0.0+a..b",
        "1.0.0-a+",
        "1.0.0-+b",
        "18446744073709551616.0.0",
        "1.99999999999999999999.0",
        "1.0.18446744073709551617",
        "v1.0.0",
        " 1.0.0",
        "1.0.0 ",
        "1.0.0-é",
        "1.0.0_1",
        "1.-1.0",
        "1.0.0-a_b",
        "^1.0.0",
        "=1.0.0",
    ]
    .map(String::from)
    .to_vec()
}

fn bad_version_reqs() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        "^",
        "abc",
        "one",
        "1.*.3",
        "1.x.3",
        "*, 1",
        "x, ^1",
        "1.2.3-",
        "1.0-pre",
        "1.2.3.4",
        "^0.1 x",
        ">=1.0,",
        ", 1",
        "^0.1,,^0.2",
        "=>1.0",
        "~>1.0",
        "^0.1 ^0.2",
        "^01",
        "^0.01",
        "18446744073709551616",
        "^0.1-pre",
        "1.2.3+",
        "**",
        "^ 0.1 -",
        "<",
    ]
    .map(String::from)
    .to_vec();
    // Thirty-three comparators: one more than `semver` takes.
    out.push(
        std::iter::repeat_n(">=0.1", 33)
            .collect::<Vec<_>>()
            .join(", "),
    );
    out
}

fn bad_instants() -> Vec<String> {
    [
        "2024-06-03",
        "not a time",
        "1899-12-31T23:59:59+07:00",
        "1899-06-03T09:30:00Z",
        "1000-06-03T09:30:00+07:00",
        "0000-01-01T00:00:00Z",
        "0999-01-01T00:00:00Z",
        "10000-01-01T00:00:00Z",
        "+10000-01-01T00:00:00Z",
        "-2024-06-03T09:30:00+07:00",
        "2024-06-03T09:30:00.0001+07:00",
        "2024-06-03T09:30:00.1234+07:00",
        "2024-06-03T09:30:00.123456789+07:00",
        "2024-06-03T09:30:00.000000001Z",
        "2024-13-03T09:30:00+07:00",
        "2024-02-30T09:30:00+07:00",
        "2024-06-03T25:30:00+07:00",
        "2024-06-03T09:61:00+07:00",
        "2024-06-03T09:30:00",
        "2024-06-03T09:30+07:00",
        "2024-06-03T09:30:00+25:00",
        "2024-06-03T09:30:00.+07:00",
    ]
    .map(String::from)
    .to_vec()
}

fn bad_dates() -> Vec<String> {
    [
        "1899-12-31",
        "1000-01-01",
        "9999-01-01",
        "9999-12-31",
        "10000-01-01",
        "2024-13-01",
        "2024-02-30",
        "24-01-01",
        "2024-01-01T00:00:00Z",
        "2024/01/01",
    ]
    .map(String::from)
    .to_vec()
}

/// Every bad value, by family.
fn bad_families() -> [(&'static str, Vec<String>); 7] {
    [
        ("id", bad_ids()),
        ("territory", bad_territories()),
        ("clause", bad_clauses()),
        ("version", bad_versions()),
        ("version requirement", bad_version_reqs()),
        ("instant", bad_instants()),
        ("date", bad_dates()),
    ]
}

// ---------------------------------------------------------------------------------------
// Mutations.

/// A place in a document that holds a string: a value, or a key of an object.
#[derive(Debug, Clone)]
enum Place {
    Value(String),
    Key(String, String),
}

fn places(doc: &Value) -> Vec<Place> {
    fn walk(v: &Value, path: String, out: &mut Vec<Place>, keys_too: bool) {
        match v {
            Value::String(_) => out.push(Place::Value(path)),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{path}/{i}"), out, keys_too);
                }
            }
            Value::Object(map) => {
                for (k, item) in map {
                    let escaped = k.replace('~', "~0").replace('/', "~1");
                    let child = format!("{path}/{escaped}");
                    // Keys of maps (not field names): the manifest's `reasons` and
                    // `clauses`.
                    if keys_too {
                        out.push(Place::Key(path.clone(), k.clone()));
                    }
                    let map_below = path.is_empty() && (k == "reasons" || k == "clauses");
                    walk(item, child, out, map_below);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(doc, String::new(), &mut out, false);
    out
}

fn mutate(doc: &Value, place: &Place, bad: &str) -> Value {
    let mut doc = doc.clone();
    match place {
        Place::Value(path) => {
            *doc.pointer_mut(path).unwrap() = Value::String(bad.to_owned());
        }
        Place::Key(path, key) => {
            let map = doc.pointer_mut(path).unwrap().as_object_mut().unwrap();
            let value = map.remove(key).unwrap();
            if map.contains_key(bad) {
                // Renaming onto an existing key would merge two entries: not one value.
                map.insert(key.clone(), value);
            } else {
                map.insert(bad.to_owned(), value);
            }
        }
    }
    doc
}

fn describe(place: &Place) -> String {
    match place {
        Place::Value(path) => path.clone(),
        Place::Key(path, key) => format!("{path} key {key:?}"),
    }
}

#[derive(Default, Debug)]
struct Tally {
    /// Mutations the engine refused for a single value; the schema refused each.
    single_value: usize,
    /// Mutations the engine refused for a relation (not asserted).
    relation: usize,
    /// Mutations the engine accepted.
    accepted: usize,
    /// By family of the bad value: single-value refusals.
    by_family: BTreeMap<&'static str, usize>,
}

/// Mutates `base` at every place with `per_family` bad values of each family (rotating
/// from place to place, so that every value is used somewhere), or, at places that take
/// any text (a name, a message), with `free_text_sample` values in all; and checks each
/// single-value refusal of the engine against the schema. The full lists are checked
/// value by value in `the_listed_values_are_refused_by_their_types_schema`.
fn check_mutations(
    what: &str,
    base: &Value,
    schema: &jsonschema::Validator,
    judge: &dyn Fn(&Value) -> Verdict,
    skip: &dyn Fn(&Place, &str) -> bool,
    per_family: usize,
    free_text_sample: usize,
) -> Tally {
    assert_eq!(
        judge(base),
        Verdict::Accepted,
        "{what}: the engine refuses the base document"
    );
    assert!(
        schema.is_valid(base),
        "{what}: the schema refuses the base document: {:?}",
        schema
            .iter_errors(base)
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
    );
    let families = bad_families();
    let all: Vec<(&'static str, &String)> = families
        .iter()
        .flat_map(|(family, values)| values.iter().map(move |v| (*family, v)))
        .collect();
    let mut tally = Tally::default();
    let mut failures = Vec::new();
    for (i, place) in places(base).into_iter().enumerate() {
        let canary = mutate(base, &place, "acc tuy hoa");
        let free_text = judge(&canary) == Verdict::Accepted;
        let chosen: Vec<(&'static str, &String)> = if free_text {
            (0..free_text_sample)
                .map(|j| all[(i * free_text_sample + j) % all.len()])
                .collect()
        } else {
            families
                .iter()
                .flat_map(|(family, values)| {
                    (0..per_family.min(values.len()))
                        .map(move |j| (*family, &values[(i * per_family + j) % values.len()]))
                })
                .collect()
        };
        for (family, value) in chosen {
            if skip(&place, value) {
                continue;
            }
            let doc = mutate(base, &place, value);
            match judge(&doc) {
                Verdict::Accepted => tally.accepted += 1,
                Verdict::Relation(_) => tally.relation += 1,
                Verdict::SingleValue(why) => {
                    tally.single_value += 1;
                    *tally.by_family.entry(family).or_default() += 1;
                    if schema.is_valid(&doc) {
                        failures.push(format!(
                            "{what} {} = {value:?} ({family}): the engine refuses it ({why}), the schema accepts it",
                            describe(&place)
                        ));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mutation(s) the schema lets through:\n{}",
        failures.len(),
        failures
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    tally
}

#[test]
fn the_world_schema_refuses_every_world_the_engine_refuses_for_one_value() {
    let base = base_world();
    let tally = check_mutations(
        "world",
        &base,
        validator("world.schema.json"),
        &judge_world,
        &|_, _| false,
        3,
        4,
    );
    println!("world: {tally:?}");
    assert!(tally.single_value >= 3_000, "{tally:?}");
    for family in ["id", "territory", "instant", "date"] {
        assert!(
            tally.by_family.get(family).copied().unwrap_or(0) >= 10,
            "{family}: {tally:?}"
        );
    }
}

#[test]
fn the_manifest_schema_refuses_every_manifest_the_engine_refuses_for_one_value() {
    let base: Value = serde_json::from_str(RulePack::builtin_sources().0).unwrap();
    // `policies` must name the files supplied, and `model` must match this crate's
    // entity model: relations the schema's description lists. A valid requirement other
    // than the pack's is refused for the second reason only.
    let skip = |place: &Place, value: &str| match place {
        Place::Value(path) => {
            path.starts_with("/policies/")
                || (path == "/model" && semver::VersionReq::parse(value).is_ok())
        }
        Place::Key(..) => false,
    };
    let tally = check_mutations(
        "pack.json",
        &base,
        validator("pack-manifest.schema.json"),
        &judge_manifest,
        &skip,
        3,
        0,
    );
    println!("manifest: {tally:?}");
    assert!(tally.single_value >= 1_500, "{tally:?}");
    for family in [
        "id",
        "territory",
        "clause",
        "version",
        "version requirement",
        "date",
    ] {
        assert!(
            tally.by_family.get(family).copied().unwrap_or(0) >= 5,
            "{family}: {tally:?}"
        );
    }
}

#[test]
fn the_request_schemas_refuse_every_request_the_engine_refuses_for_one_value() {
    let mut total = 0;
    for (kind, base) in base_requests() {
        let tally = check_mutations(
            &format!("{kind} request"),
            &base,
            validator(request_schema(&kind)),
            &|doc| judge_request(&kind, doc),
            &|_, _| false,
            8,
            4,
        );
        println!("{kind}: {tally:?}");
        assert!(
            tally.by_family.get("instant").copied().unwrap_or(0) >= 5,
            "{kind}: {tally:?}"
        );
        total += tally.single_value;
    }
    assert!(total >= 1_000, "{total}");
}

#[test]
fn the_issue_examples_are_refused_by_engine_and_schema() {
    // Issue 16's own examples, one by one.
    let world = base_world();
    for (path, bad) in [
        ("/accounts/0/id", "acc tuy hoa"),
        ("/accounts/0/id", ""),
        ("/territory", "VN 57"),
    ] {
        let doc = mutate(&world, &Place::Value(path.into()), bad);
        assert!(
            matches!(judge_world(&doc), Verdict::SingleValue(_)),
            "{path} {bad:?}"
        );
        assert!(
            !validator("world.schema.json").is_valid(&doc),
            "{path} {bad:?}"
        );
    }
    let manifest: Value = serde_json::from_str(RulePack::builtin_sources().0).unwrap();
    for (path, bad) in [
        ("/version", "one"),
        ("/reasons/evaluation_error/clause", "QD05/2024 D99.1"),
    ] {
        let doc = mutate(&manifest, &Place::Value(path.into()), bad);
        assert!(
            matches!(judge_manifest(&doc), Verdict::SingleValue(_)),
            "{path} {bad:?}"
        );
        assert!(
            !validator("pack-manifest.schema.json").is_valid(&doc),
            "{path} {bad:?}"
        );
    }
}

#[test]
fn every_shipped_document_is_accepted_by_its_schema() {
    let accepts = |schema: &str, doc: &Value, what: &str| {
        let v = validator(match schema {
            "world" => "world.schema.json",
            "manifest" => "pack-manifest.schema.json",
            "tests" => "pack-tests.schema.json",
            other => request_schema(other),
        });
        let errors: Vec<String> = v.iter_errors(doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{what}: {errors:?}");
    };
    accepts("world", &base_world(), "the extended Phú Yên world");
    accepts(
        "world",
        &read_json("policies/qd05-2024-phu-yen/tests/phu-yen.world.json"),
        "phu-yen.world.json",
    );
    accepts(
        "manifest",
        &read_json("policies/qd05-2024-phu-yen/pack.json"),
        "pack.json",
    );
    let mut requests = 0;
    for file in ["access", "agreements", "catalog", "lifecycle"] {
        let suite = read_json(&format!(
            "policies/qd05-2024-phu-yen/tests/{file}.cases.json"
        ));
        accepts("tests", &suite, file);
        for case in suite["cases"].as_array().unwrap() {
            let kind = case.get("act").and_then(Value::as_str).unwrap_or("access");
            if kind == "catalog" || case.get("request").is_none() {
                continue;
            }
            accepts(kind, &case["request"], &format!("{file}: {}", case["name"]));
            requests += 1;
        }
    }
    assert!(requests >= 20, "{requests}");
    // The example pack of the repository, too.
    let dir = root().join("examples/packs");
    for entry in std::fs::read_dir(dir).unwrap() {
        let manifest = entry.unwrap().path().join("pack.json");
        if manifest.exists() {
            let doc: Value =
                serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap()).unwrap();
            accepts("manifest", &doc, &manifest.display().to_string());
        }
    }
}

// ---------------------------------------------------------------------------------------
// Value equivalence: the schema of a type accepts a string exactly when its parser does.

fn id_strings() -> impl Strategy<Value = String> {
    prop_oneof![
        // Mostly allowed characters, sometimes one that is not; lengths around the limit.
        proptest::collection::vec(
            prop_oneof![
                8 => proptest::char::ranges(vec!['a'..='z', 'A'..='Z', '0'..='9'].into()),
                2 => proptest::sample::select(vec!['-', '_', '.', ':']),
                1 => proptest::sample::select(BAD_CHARS.to_vec()),
            ],
            0..140
        )
        .prop_map(|cs| cs.into_iter().collect()),
        (120usize..135).prop_map(|n| "x".repeat(n)),
    ]
}

fn clause_strings() -> impl Strategy<Value = String> {
    let instrument = prop_oneof![
        Just("QD05/2024".to_owned()),
        Just("ND47/2020".to_owned()),
        Just("BLDS2015".to_owned()),
        "[A-Zaq]{0,3}[0-9]{0,3}(/[0-9]{2,5})?",
        "[A-Z]{25,34}",
        "[A-Z]{20,24}[0-9]{3}/[0-9]{4}",
    ];
    let number = prop_oneof![
        "[1-9][0-9]{0,2}",
        "0[0-9]?",
        "[1-9][0-9]{3}",
        "\\+[1-9]",
        ""
    ];
    let point = prop_oneof![
        Just(None),
        proptest::sample::select(vec![
            "a", "b", "c", "d", "đ", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "A",
            "dd", "1", "final",
        ])
        .prop_map(Some),
    ];
    (
        instrument,
        proptest::sample::select(vec![" Đ", " D", " đ", "Đ", "  Đ", " Ð"]),
        number.clone(),
        prop_oneof![
            Just(None),
            Just(Some("final".to_owned())),
            number.prop_map(Some)
        ],
        point,
    )
        .prop_map(|(ins, sep, article, clause, point)| {
            let mut s = format!("{ins}{sep}{article}");
            if let Some(c) = clause {
                s.push('.');
                s.push_str(&c);
                if let Some(p) = point {
                    s.push('.');
                    s.push_str(p);
                }
            }
            s
        })
}

fn number_strings() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "0|[1-9][0-9]{0,3}",
        1 => "0[0-9]{1,2}",
        1 => "1844674407370955161[0-9]",
        1 => "[1-9][0-9]{19,20}",
        1 => "[1-9][0-9]{17,18}",
        1 => "[xX*]",
        1 => "",
    ]
}

fn identifier_strings() -> impl Strategy<Value = String> {
    prop_oneof!["[0-9]{1,3}", "[0-9A-Za-z-]{1,6}", "", "é"]
}

fn dotted(part: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    proptest::collection::vec(part, 1..4).prop_map(|parts| parts.join("."))
}

fn version_strings() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(number_strings(), 1..5),
        proptest::option::of(dotted(identifier_strings())),
        proptest::option::of(dotted(identifier_strings())),
    )
        .prop_map(|(numbers, pre, build)| {
            let mut s = numbers.join(".");
            if let Some(p) = pre {
                s.push('-');
                s.push_str(&p);
            }
            if let Some(b) = build {
                s.push('+');
                s.push_str(&b);
            }
            s
        })
}

fn version_req_strings() -> impl Strategy<Value = String> {
    let op = proptest::sample::select(vec!["", "=", ">", ">=", "<", "<=", "~", "^", "=>", "~>"]);
    let spaces = proptest::sample::select(vec!["", " ", "  "]);
    let comparator = (op, spaces.clone(), version_strings(), spaces.clone())
        .prop_map(|(op, s1, v, s2)| format!("{op}{s1}{v}{s2}"));
    let comparators = proptest::collection::vec(comparator, 1..4);
    prop_oneof![
        8 => (spaces, comparators, proptest::sample::select(vec![",", ", ", ",  ", " ,"]))
            .prop_map(|(lead, cs, sep)| format!("{lead}{}", cs.join(sep))),
        1 => proptest::sample::select(vec!["*", "x", "X", " * ", "*,", "x1"]).prop_map(String::from),
        1 => (30usize..35).prop_map(|n| std::iter::repeat_n("^0.1", n).collect::<Vec<_>>().join(",")),
    ]
}

fn instant_strings() -> impl Strategy<Value = String> {
    (
        prop_oneof![1 => 1700i32..1900, 6 => 1900i32..2100, 1 => 9990i32..=9999, 1 => 0i32..1900],
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        // Now and then a leap second, which worlds and requests refuse.
        prop_oneof![20 => 0u32..60, 1 => Just(60u32)],
        prop_oneof![
            2 => Just(String::new()),
            4 => "\\.[0-9]{1,3}",
            2 => "\\.[0-9]{1,3}0{1,8}",
            2 => "\\.[0-9]{4,12}",
        ],
        prop_oneof![
            Just("Z".to_owned()),
            Just("+07:00".to_owned()),
            (0u32..24, 0u32..60, proptest::bool::ANY)
                .prop_map(|(h, m, plus)| format!("{}{h:02}:{m:02}", if plus { '+' } else { '-' })),
        ],
    )
        .prop_filter(
            "not on the first or last day of the years 1900–9999",
            |t| !((t.0 == 1900 || t.0 == 9999) && (t.1 == 1 || t.1 == 12)),
        )
        .prop_map(|(y, mo, d, h, mi, s, frac, off)| {
            format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{off}")
        })
}

fn id_types_parse(s: &str) -> [bool; 13] {
    use lgsp_policy::records::*;
    [
        s.parse::<AgencyId>().is_ok(),
        s.parse::<DatabaseId>().is_ok(),
        s.parse::<DatasetId>().is_ok(),
        s.parse::<MasterDataId>().is_ok(),
        s.parse::<AccountId>().is_ok(),
        s.parse::<AgreementId>().is_ok(),
        s.parse::<ViolationId>().is_ok(),
        s.parse::<PolicyId>().is_ok(),
        s.parse::<PackId>().is_ok(),
        s.parse::<Purpose>().is_ok(),
        s.parse::<TerritoryId>().is_ok(),
        s.parse::<SuspensionId>().is_ok(),
        s.parse::<RefusalId>().is_ok(),
    ]
}

const ID_DEFS: [(&str, &str); 13] = [
    ("world.schema.json", "AgencyId"),
    ("world.schema.json", "DatabaseId"),
    ("world.schema.json", "DatasetId"),
    ("world.schema.json", "MasterDataId"),
    ("world.schema.json", "AccountId"),
    ("world.schema.json", "AgreementId"),
    ("world.schema.json", "ViolationId"),
    ("decision.schema.json", "PolicyId"),
    ("pack-manifest.schema.json", "PackId"),
    ("world.schema.json", "Purpose"),
    ("world.schema.json", "TerritoryId"),
    ("world.schema.json", "SuspensionId"),
    ("world.schema.json", "RefusalId"),
];

struct Defs {
    ids: Vec<jsonschema::Validator>,
    clause: jsonschema::Validator,
    version: jsonschema::Validator,
    version_req: jsonschema::Validator,
    instant: jsonschema::Validator,
    request_instant: jsonschema::Validator,
    date: jsonschema::Validator,
}

fn defs() -> &'static Defs {
    static DEFS: OnceLock<Defs> = OnceLock::new();
    DEFS.get_or_init(|| Defs {
        ids: ID_DEFS.iter().map(|(f, d)| def_validator(f, d)).collect(),
        clause: def_validator("pack-manifest.schema.json", "Clause"),
        version: def_validator("pack-manifest.schema.json", "SemVer"),
        version_req: def_validator("pack-manifest.schema.json", "SemVerReq"),
        instant: def_validator("world.schema.json", "Instant"),
        request_instant: def_validator("access-request.schema.json", "RequestInstant"),
        date: def_validator("world.schema.json", "WorldDate"),
    })
}

/// Whether the engine takes `at` as a refusal's time in the world (whole milliseconds,
/// years 1900–9999).
fn world_takes_instant(at: &str) -> bool {
    let mut world = base_world();
    world["refusals"][0]["at"] = json!(at);
    // Alone: a notification before the refusal would be refused for the pair.
    if let Some(refusal) = world["refusals"][0].as_object_mut() {
        refusal.remove("notified_at");
    }
    world_from(&world).is_ok()
}

/// Whether the engine takes `at` as an access request's time without an
/// `evaluation_error`.
fn request_takes_instant(at: &str) -> bool {
    let mut request = base_requests()[0].1.clone();
    request["at"] = json!(at);
    judge_request("access", &request) == Verdict::Accepted
}

/// Whether the engine takes `date` as a database's `last_evaluated`.
fn world_takes_date(date: &str) -> bool {
    let mut world = base_world();
    world["databases"][0]["last_evaluated"] = json!(date);
    world_from(&world).is_ok()
}

#[test]
fn the_listed_values_are_refused_by_their_types_schema() {
    let d = defs();
    for v in bad_ids().iter().chain(&bad_territories()) {
        assert!(id_types_parse(v).iter().all(|ok| !ok), "{v:?}");
        for (validator, (_, def)) in d.ids.iter().zip(ID_DEFS) {
            assert!(!validator.is_valid(&json!(v)), "{def} accepts {v:?}");
        }
    }
    for v in bad_clauses() {
        assert!(Clause::parse(&v).is_err(), "{v:?}");
        assert!(!d.clause.is_valid(&json!(v)), "Clause accepts {v:?}");
    }
    for v in bad_versions() {
        assert!(semver::Version::parse(&v).is_err(), "{v:?}");
        assert!(!d.version.is_valid(&json!(v)), "SemVer accepts {v:?}");
    }
    for v in bad_version_reqs() {
        assert!(semver::VersionReq::parse(&v).is_err(), "{v:?}");
        assert!(
            !d.version_req.is_valid(&json!(v)),
            "SemVerReq accepts {v:?}"
        );
    }
    for v in bad_instants() {
        assert!(!world_takes_instant(&v), "{v:?}");
        assert!(!d.instant.is_valid(&json!(v)), "Instant accepts {v:?}");
    }
    for v in bad_dates() {
        assert!(!world_takes_date(&v), "{v:?}");
        assert!(!d.date.is_valid(&json!(v)), "WorldDate accepts {v:?}");
    }
    // And the edges that are allowed.
    for v in [
        "a".repeat(128),
        "A-Z_a.z:0-9".into(),
        ":".into(),
        "VN-32".into(),
        "0".into(),
    ] {
        assert!(id_types_parse(&v).iter().all(|ok| *ok), "{v:?}");
        for (validator, (_, def)) in d.ids.iter().zip(ID_DEFS) {
            assert!(validator.is_valid(&json!(v)), "{def} refuses {v:?}");
        }
    }
    for v in [
        format!("{} Đ1", "A".repeat(32)),
        format!("{}/2024 Đ999.999.đ", "A".repeat(27)),
        "QD05/2024 Đ13.final".into(),
        "BLDS2015 Đ148.5".into(),
        "X Đ1.1.n".into(),
    ] {
        assert!(Clause::parse(&v).is_ok(), "{v:?}");
        assert!(d.clause.is_valid(&json!(v)), "Clause refuses {v:?}");
    }
    for v in [
        "0.0.0",
        "18446744073709551615.0.1",
        "1.0.0-0.a-b.0a+001.x-y",
        "1.0.0-alpha.1",
    ] {
        assert!(semver::Version::parse(v).is_ok(), "{v:?}");
        assert!(d.version.is_valid(&json!(v)), "SemVer refuses {v:?}");
    }
    for v in [
        "^0.1",
        "*",
        " x ",
        ">= 0.1.0, < 0.3",
        "=1.2.3-rc.1+b",
        "1.*",
        "1.2.x",
        "~1",
    ] {
        assert!(semver::VersionReq::parse(v).is_ok(), "{v:?}");
        assert!(d.version_req.is_valid(&json!(v)), "SemVerReq refuses {v:?}");
    }
    for v in [
        "1900-01-02T00:00:00+07:00",
        "9999-12-30T23:59:59.999Z",
        "2024-06-03T09:30:00.123000000+07:00",
        "2024-06-03T09:30:00.1230000001+07:00",
        "2024-06-03t09:30:00z",
    ] {
        assert!(world_takes_instant(v), "{v:?}");
        assert!(d.instant.is_valid(&json!(v)), "Instant refuses {v:?}");
    }
    // A request's time may be finer than a millisecond (it is rounded).
    assert!(request_takes_instant("2024-06-03T09:30:00.0001+07:00"));
    assert!(
        d.request_instant
            .is_valid(&json!("2024-06-03T09:30:00.0001+07:00"))
    );
    for v in ["1900-01-01", "9998-12-31", "2024-02-29"] {
        assert!(world_takes_date(v), "{v:?}");
        assert!(d.date.is_valid(&json!(v)), "WorldDate refuses {v:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn an_id_schema_accepts_exactly_the_ids_the_engine_parses(s in id_strings()) {
        let parses = id_types_parse(&s);
        let d = defs();
        for ((validator, (_, def)), parses) in d.ids.iter().zip(ID_DEFS).zip(parses) {
            prop_assert_eq!(validator.is_valid(&json!(s)), parses, "{} {:?}", def, s);
        }
    }

    #[test]
    fn the_clause_schema_accepts_exactly_the_citations_the_engine_parses(s in clause_strings()) {
        let parses = Clause::parse(&s).is_ok();
        prop_assert_eq!(defs().clause.is_valid(&json!(s)), parses, "{:?}", s);
    }

    #[test]
    fn the_version_schema_accepts_exactly_the_versions_semver_parses(s in version_strings()) {
        let parses = semver::Version::parse(&s).is_ok();
        prop_assert_eq!(defs().version.is_valid(&json!(s)), parses, "{:?}", s);
    }

    #[test]
    fn the_requirement_schema_accepts_exactly_the_requirements_semver_parses(
        s in version_req_strings()
    ) {
        let parses = semver::VersionReq::parse(&s).is_ok();
        prop_assert_eq!(defs().version_req.is_valid(&json!(s)), parses, "{:?}", s);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn the_instant_schemas_accept_exactly_the_instants_the_engine_takes(s in instant_strings()) {
        prop_assert_eq!(defs().instant.is_valid(&json!(s)), world_takes_instant(&s), "world {:?}", s);
        prop_assert_eq!(
            defs().request_instant.is_valid(&json!(s)),
            request_takes_instant(&s),
            "request {:?}",
            s
        );
    }
}
