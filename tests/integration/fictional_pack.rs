//! A second pack proves the engine is one that QD05/2024 is a pack of (issue 11): the
//! fictional province of Lâm Viên (`examples/packs/lam-vien-2026`), with its own instrument
//! (`LV07/2026`), clause ids, texts and periods — a suspension notice of two working days,
//! a log kept six months, an evaluation every two years, five working days of public notice,
//! two months to update open data. Every decision of every kind of question cites only the
//! pack's own clauses, and applies its periods.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{DateTime, Days, FixedOffset};
use lgsp_policy::authoring::{PackTestSuite, run_pack_tests};
use lgsp_policy::duties::{DutyKind, DutyStatus, DutySubject};
use lgsp_policy::records::{ConsumerNotice, DatabaseSuspension, Suspension};
use lgsp_policy::time::Calendar;
use lgsp_policy::{AccessRequest, Action, Channel, Duty, Engine, Question, RulePack, World};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/packs/lam-vien-2026");

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn pack() -> RulePack {
    crate::law_in_packs::load(Path::new(DIR))
}

fn world() -> World {
    World::from_json(&std::fs::read_to_string(format!("{DIR}/tests/lam-vien.world.json")).unwrap())
        .unwrap()
}

fn suite() -> PackTestSuite {
    PackTestSuite::from_json(
        &std::fs::read_to_string(format!("{DIR}/tests/lam-vien.cases.json")).unwrap(),
    )
    .unwrap()
}

/// Every `clause` and `see` anywhere in a JSON value.
fn clauses_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("clause", Value::String(c)) => {
                        out.insert(c.clone());
                    }
                    ("see", Value::Array(items)) => {
                        out.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
                    }
                    // A refusal's grounds and a duty's basis are clauses too.
                    ("basis", Value::Array(items)) => {
                        out.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
                    }
                    _ => clauses_in(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| clauses_in(v, out)),
        _ => {}
    }
}

/// Asserts that everything `value` cites is in the pack's clause list, and that it cites
/// something; returns what it cites.
fn cites_only_its_own(pack: &RulePack, what: &str, value: &Value) -> BTreeSet<String> {
    let mut cited = BTreeSet::new();
    clauses_in(value, &mut cited);
    assert!(!cited.is_empty(), "{what} cites nothing: {value}");
    for c in &cited {
        assert!(
            pack.manifest().clauses.keys().any(|k| k.as_str() == c),
            "{what} cites `{c}`, which is not in the Lâm Viên pack's clauses: {value}"
        );
        assert!(
            !c.starts_with("QD05/2024") && !c.starts_with("ND47/2020"),
            "{what} cites the built-in pack's law: {c}"
        );
    }
    cited
}

#[test]
fn the_lam_vien_pack_passes_its_own_cases() {
    let engine = Engine::new(pack());
    let report = run_pack_tests(
        &engine,
        &world(),
        &Calendar::vietnam_public_sector(),
        &suite().cases,
    );
    let failed: Vec<String> = report
        .cases
        .iter()
        .filter(|c| !c.passed)
        .map(|c| {
            format!(
                "{}: {:?} {:?} {:?}",
                c.name, c.missing, c.unexpected, c.problems
            )
        })
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(report.cases.len(), 25);
}

#[test]
fn every_decision_of_every_kind_of_question_cites_only_the_packs_clauses() {
    let pack = pack();
    let engine = Engine::new(pack.clone());
    let world = world();
    let calendar = Calendar::vietnam_public_sector();
    let tracer = engine.tracer();
    let mut kinds = BTreeSet::new();
    let mut cited = BTreeSet::new();
    for case in &suite().cases {
        let trace = tracer.trace(&world, &case.question);
        let json = serde_json::to_value(&trace.decision).unwrap();
        cited.extend(cites_only_its_own(&pack, &case.name, &json));
        kinds.insert(match &case.question {
            Question::Access(_) => "access",
            Question::Suspension(_) => "suspension",
            Question::Restoration(_) => "restoration",
            Question::Termination(_) => "termination",
            Question::UsageReport(_) => "usage report",
            Question::SuspendAll(_) => "suspension of every consumer",
            Question::Catalog { .. } => "catalog proposal",
            Question::CheckNotice(_) => "notice check",
            Question::CheckRefusal(_) => "refusal check",
        });
    }
    assert_eq!(kinds.len(), 9, "{kinds:?}");

    // The checks and the drafted refusal, which do not go through the cases.
    let refused = AccessRequest::new(
        "acc.xa-da-lat".parse().unwrap(),
        Action::Query,
        "moi-truong.quan-trac".parse().unwrap(),
        Channel::Lgsp,
        "land-management".parse().unwrap(),
        at("2026-06-03T09:00:00+07:00"),
    );
    let decision = engine.decide(&world, &refused);
    assert!(!decision.is_allowed());
    cites_only_its_own(
        &pack,
        "a refusal",
        &serde_json::to_value(&decision).unwrap(),
    );
    let draft = engine
        .draft_refusal(&refused, &decision, "tc.2026.001".parse().unwrap())
        .unwrap();
    cites_only_its_own(
        &pack,
        "a drafted refusal",
        &serde_json::to_value(&draft).unwrap(),
    );
    let check = engine.check_refusal(&world, &draft);
    assert!(check.has_finding("refusal_authority_not_notified"));
    cites_only_its_own(
        &pack,
        "a refusal check",
        &serde_json::to_value(&check).unwrap(),
    );

    let suspension = Suspension {
        id: "ts.2026.001".parse().unwrap(),
        agreement: "agr.tnmt.xa-da-lat".parse().unwrap(),
        violation: "vp.2026.001".parse().unwrap(),
        suspended_at: at("2026-06-05T09:00:00+07:00"),
        notice: Some(ConsumerNotice {
            sent_at: at("2026-06-09T10:00:00+07:00"),
            to: "ubnd-xa-da-lat".parse().unwrap(),
            violation: "Dùng bản đồ ngoài mục đích.".into(),
            handling_plan: String::new(),
            restoration_requirements: "Báo cáo bằng văn bản.".into(),
        }),
        restored_at: None,
    };
    let notice = engine.clone().with_calendar(calendar.clone()).check_notice(
        &world,
        &suspension,
        at("2026-06-10T09:00:00+07:00"),
        lgsp_policy::time::DayReading::CivilCode,
    );
    // Two working days from Thursday 16:00: due by 24:00 on Monday 8 June; sent Tuesday.
    assert_eq!(notice.due, Some(at("2026-06-09T00:00:00+07:00")));
    assert!(notice.has_finding("notice_late"), "{:?}", notice.findings);
    assert!(notice.has_finding("notice_missing_handling_plan"));
    cites_only_its_own(
        &pack,
        "a notice check",
        &serde_json::to_value(&notice).unwrap(),
    );

    let record = DatabaseSuspension {
        id: "bt.2026.001".parse().unwrap(),
        database: "csdl-dat-dai".parse().unwrap(),
        grounds: lgsp_policy::records::AllConsumersGrounds::Maintenance,
        starts_at: at("2026-06-15T08:00:00+07:00"),
        notice: None,
        restored_at: None,
    };
    let public = engine
        .clone()
        .with_calendar(calendar.clone())
        .check_public_notice(&world, &record, at("2026-06-10T09:00:00+07:00"));
    // Five working days (8–12 June) between the notice and the stop: out by 24:00 on
    // Sunday 7 June.
    assert_eq!(public.due, Some(at("2026-06-08T00:00:00+07:00")));
    cites_only_its_own(
        &pack,
        "a public-notice check",
        &serde_json::to_value(&public).unwrap(),
    );

    let report = engine
        .duties_report(&world, at("2026-10-01T09:00:00+07:00"), Days::new(400))
        .unwrap();
    cites_only_its_own(
        &pack,
        "the duties report",
        &serde_json::to_value(&report).unwrap(),
    );
    assert!(cited.iter().any(|c| c.starts_with("LV07/2026")));
}

#[test]
fn the_packs_periods_are_the_ones_applied() {
    let engine = Engine::new(pack());
    let world = world();
    // A log kept six months (not the built-in three).
    let read = AccessRequest::new(
        "acc.xa-da-lat".parse().unwrap(),
        Action::Query,
        "dat-dai.thua-dat".parse().unwrap(),
        Channel::Lgsp,
        "land-management".parse().unwrap(),
        at("2026-06-01T09:00:00+07:00"),
    );
    let decision = engine.decide(&world, &read);
    assert!(decision.is_allowed(), "{decision:?}");
    let keep = decision.duties.iter().find_map(|d| match d {
        Duty::LogRequest {
            keep_until, clause, ..
        } => Some((*keep_until, clause.to_string())),
        _ => None,
    });
    assert_eq!(
        keep,
        Some((
            at("2026-12-02T00:00:00+07:00"),
            "LV07/2026 Đ16.1.a".to_owned()
        ))
    );

    let report = engine
        .duties_report(&world, at("2026-10-01T09:00:00+07:00"), Days::new(400))
        .unwrap();
    let entry = |kind: DutyKind, db: &str| {
        report
            .of_kind(kind)
            .find(|e| e.subject == DutySubject::Database(db.parse().unwrap()))
            .cloned()
    };
    // Evaluated Tue 2025-06-16: two years, to the end of Wed 2027-06-16.
    let evaluation = entry(DutyKind::AnnualEvaluation, "csdl-dat-dai").unwrap();
    assert_eq!(evaluation.due, Some(at("2027-06-17T00:00:00+07:00")));
    assert_eq!(evaluation.clause.as_str(), "LV07/2026 Đ6.2");
    // Catalog published 2026-09-01: two months, Sunday 1 November moved to Monday 2.
    let open_data = entry(DutyKind::OpenDataUpdate, "csdl-dat-dai").unwrap();
    assert_eq!(open_data.due, Some(at("2026-11-03T00:00:00+07:00")));
    // Four months of logs meet the built-in three, not Lâm Viên's six.
    let logs = entry(DutyKind::LogRetention, "csdl-dat-dai").unwrap();
    assert_eq!(logs.status, DutyStatus::Unmet);
    assert!(logs.detail.contains("6 months"), "{}", logs.detail);
    let builtin = Engine::builtin().unwrap();
    let mut phu_yen = world.to_data();
    phu_yen.territory = "VN-32".parse().unwrap();
    let phu_yen = World::new(phu_yen).unwrap();
    let builtin_report = builtin
        .duties_report(&phu_yen, at("2026-10-01T09:00:00+07:00"), Days::new(400))
        .unwrap();
    let db = DutySubject::Database("csdl-dat-dai".parse().unwrap());
    assert!(
        builtin_report
            .of_kind(DutyKind::LogRetention)
            .all(|e| e.subject != db)
    );
}
