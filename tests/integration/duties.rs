//! The compliance duties report: each duty due soon, overdue and not due, named by clause.

use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use lgsp_policy::duties::{DutyEntry, DutyKind, DutyStatus, DutySubject};
use lgsp_policy::records::{
    ConsumerNotice, Refusal, RefusalGround, Suspension, Violation, ViolationKind,
};
use lgsp_policy::time::{Calendar, DayReading};
use lgsp_policy::{DutiesError, DutiesReport, World, WorldData};
use serde_json::{Value, json};

use crate::support;

fn at(text: &str) -> DateTime<FixedOffset> {
    text.parse().unwrap()
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

/// A province with one department that manages one database, described by `db` (merged
/// over a compliant shared database with one shared dataset), and a compliant focal point.
fn world(db: Value) -> World {
    let mut database = json!({
        "id": "csdl", "name": "CSDL", "manager": "so", "catalog": "shared",
        "hosting": "provincial_data_centre", "last_evaluated": "2024-01-10",
        "log_retention_months": 3
    });
    for (k, v) in db.as_object().unwrap() {
        if v.is_null() {
            database.as_object_mut().unwrap().remove(k);
        } else {
            database[k] = v.clone();
        }
    }
    World::from_json(
        &json!({
            "territory": "VN-32",
            "agencies": [{"id": "so", "name": "Sở", "kind": "provincial_department",
                          "focal_point": {"name": "Cán bộ", "role": "technical"}}],
            "databases": [database],
            "datasets": [{"id": "ds", "name": "DS", "database": "csdl", "class": "shared"}]
        })
        .to_string(),
    )
    .unwrap()
}

static ENGINE: std::sync::LazyLock<lgsp_policy::Engine> = std::sync::LazyLock::new(support::engine);

fn report(world: &World, now: &str, days: u64) -> DutiesReport {
    ENGINE
        .duties_report(world, at(now), Days::new(days))
        .unwrap()
}

fn kinds(r: &DutiesReport) -> Vec<DutyKind> {
    r.duties.iter().map(|d| d.kind).collect()
}

// ---------------------------------------------------------------- Đ4.3, Đ6.2

#[test]
fn qd05_6_2_a_compliant_database_owes_nothing() {
    let r = report(&world(json!({})), "2024-06-03T09:00:00+07:00", 30);
    assert!(r.duties.is_empty(), "{:?}", r.duties);
}

#[test]
fn qd05_6_2_evaluation_a_year_after_the_last_is_due_soon() {
    let r = report(
        &world(json!({"last_evaluated": "2023-06-20"})),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    assert_eq!(kinds(&r), [DutyKind::AnnualEvaluation]);
    let d = &r.duties[0];
    assert_eq!(d.status, DutyStatus::DueSoon);
    assert_eq!(d.clause.as_str(), "QD05/2024 Đ6.2");
    assert_eq!(d.see[0].as_str(), "QD05/2024 Đ4.3");
    assert_eq!(d.agency.as_str(), "so");
    assert_eq!(d.subject, DutySubject::Database("csdl".parse().unwrap()));
    assert_eq!(d.last_day, Some(date("2024-06-20")));
    assert_eq!(d.due, Some(at("2024-06-21T00:00:00+07:00")));
    assert_eq!(d.overdue_days, None);
    assert!(d.calendar_gap.is_none());
    assert!(!d.vi.is_empty() && !d.en.is_empty());
}

#[test]
fn qd05_6_2_evaluation_more_than_a_year_old_is_overdue_by_days() {
    let r = report(
        &world(json!({"last_evaluated": "2023-05-29"})),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    let d = &r.duties[0];
    assert_eq!(d.status, DutyStatus::Overdue);
    // Wednesday 29 May 2024 was the last day: Monday 3 June is the 5th day late.
    assert_eq!(d.last_day, Some(date("2024-05-29")));
    assert_eq!(d.overdue_days, Some(5));
}

#[test]
fn qd05_6_2_evaluation_due_beyond_the_horizon_is_not_listed() {
    let w = world(json!({"last_evaluated": "2023-07-20"}));
    assert!(
        report(&w, "2024-06-03T09:00:00+07:00", 30)
            .duties
            .is_empty()
    );
    // A longer horizon reaches it.
    assert_eq!(
        kinds(&report(&w, "2024-06-03T09:00:00+07:00", 60)),
        [DutyKind::AnnualEvaluation]
    );
}

#[test]
fn qd05_6_2_the_due_instant_itself_is_still_in_time() {
    let w = world(json!({"last_evaluated": "2023-06-20"}));
    let r = report(&w, "2024-06-21T00:00:00+07:00", 0);
    assert_eq!(r.duties[0].status, DutyStatus::DueSoon);
    let r = report(&w, "2024-06-21T00:00:01+07:00", 0);
    assert_eq!(r.duties[0].status, DutyStatus::Overdue);
    assert_eq!(r.duties[0].overdue_days, Some(1));
}

#[test]
fn qd05_6_2_blds2015_148_5_a_due_date_on_a_holiday_moves_to_the_next_working_day() {
    // 30/4 and 1/5/2024 are public holidays: the year ends at the end of Thu 2 May.
    let r = report(
        &world(json!({"last_evaluated": "2023-04-30"})),
        "2024-04-25T09:00:00+07:00",
        30,
    );
    let d = &r.duties[0];
    assert_eq!(d.moved_from, Some(date("2024-04-30")));
    assert_eq!(d.last_day, Some(date("2024-05-02")));
    assert_eq!(d.due, Some(at("2024-05-03T00:00:00+07:00")));
    assert!(d.basis.iter().any(|c| c.as_str() == "BLDS2015 Đ148.5"));
}

#[test]
fn qd05_6_2_a_due_date_the_calendar_does_not_cover_is_listed_with_the_gap() {
    let r = report(
        &world(json!({"last_evaluated": "2022-11-01"})),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    let d = &r.duties[0];
    assert_eq!(d.status, DutyStatus::Overdue);
    assert_eq!(d.due, Some(at("2023-11-02T00:00:00+07:00")));
    let gap = d.calendar_gap.as_ref().unwrap();
    assert_eq!(gap.date, date("2023-11-01"));
    assert!(gap.message.contains("2023"), "{}", gap.message);
}

#[test]
fn qd05_6_2_a_database_never_evaluated_is_unmet() {
    let r = report(
        &world(json!({"last_evaluated": null})),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    assert_eq!(kinds(&r), [DutyKind::AnnualEvaluation]);
    assert_eq!(r.duties[0].status, DutyStatus::Unmet);
    assert_eq!(r.duties[0].due, None);
    assert_eq!(r.duties[0].detail, "never evaluated");
}

#[test]
fn qd05_1_2_a_database_of_internal_data_only_owes_no_evaluation_and_no_log() {
    let mut data: WorldData = serde_json::from_str(
        &json!({
            "territory": "VN-32",
            "agencies": [{"id": "so", "name": "Sở", "kind": "provincial_department",
                          "focal_point": {"name": "Cán bộ", "role": "specialist"}}],
            "databases": [{"id": "csdl", "name": "CSDL", "manager": "so",
                           "catalog": "none", "hosting": "elsewhere"}],
            "datasets": [{"id": "ds", "name": "DS", "database": "csdl", "class": "internal"}]
        })
        .to_string(),
    )
    .unwrap();
    let w = World::new(data.clone()).unwrap();
    assert!(
        report(&w, "2024-06-03T09:00:00+07:00", 30)
            .duties
            .is_empty()
    );
    // With one shared dataset the database is governed again.
    data.datasets[0].class = lgsp_policy::records::DataClass::Shared;
    let w = World::new(data).unwrap();
    assert_eq!(
        kinds(&report(&w, "2024-06-03T09:00:00+07:00", 30)),
        [DutyKind::AnnualEvaluation, DutyKind::LogRetention]
    );
}

// ---------------------------------------------------------------- Đ10.4

#[test]
fn qd05_10_4_open_data_not_updated_is_due_three_months_after_publication() {
    let r = report(
        &world(json!({"open_data_catalog_published": "2024-03-10"})),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    assert_eq!(kinds(&r), [DutyKind::OpenDataUpdate]);
    let d = &r.duties[0];
    assert_eq!(d.clause.as_str(), "QD05/2024 Đ10.4");
    assert_eq!(d.status, DutyStatus::DueSoon);
    assert_eq!(d.last_day, Some(date("2024-06-10")));
    assert_eq!(d.due, Some(at("2024-06-11T00:00:00+07:00")));
}

#[test]
fn qd05_10_4_time_md_worked_example_31_january_ends_on_2_may() {
    // Published 2024-01-31: three months end on 30 April (April has no 31st), a public
    // holiday, and 1 May too: due at the end of Thursday 2 May.
    let r = report(
        &world(json!({"open_data_catalog_published": "2024-01-31"})),
        "2024-05-06T09:00:00+07:00",
        30,
    );
    let d = &r.duties[0];
    assert_eq!(d.status, DutyStatus::Overdue);
    assert_eq!(d.moved_from, Some(date("2024-04-30")));
    assert_eq!(d.last_day, Some(date("2024-05-02")));
    assert_eq!(d.overdue_days, Some(4));
}

#[test]
fn qd05_10_4_open_data_updated_since_publication_owes_nothing() {
    let w = world(json!({"open_data_catalog_published": "2024-03-10",
                         "open_data_updated": "2024-03-10"}));
    assert!(
        report(&w, "2024-09-03T09:00:00+07:00", 30)
            .duties
            .is_empty()
    );
    // An update before the publication does not count.
    let w = world(json!({"open_data_catalog_published": "2024-03-10",
                         "open_data_updated": "2024-03-09"}));
    let r = report(&w, "2024-09-03T09:00:00+07:00", 30);
    assert_eq!(kinds(&r), [DutyKind::OpenDataUpdate]);
    assert_eq!(r.duties[0].status, DutyStatus::Overdue);
}

#[test]
fn qd05_10_4_open_data_due_beyond_the_horizon_is_not_listed() {
    let w = world(json!({"open_data_catalog_published": "2024-05-20"}));
    assert!(
        report(&w, "2024-06-03T09:00:00+07:00", 30)
            .duties
            .is_empty()
    );
}

// ---------------------------------------------------------------- Đ16.1.a

#[test]
fn qd05_16_1_a_no_declared_log_retention_is_unmet() {
    let r = report(
        &world(json!({"log_retention_months": null})),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    assert_eq!(kinds(&r), [DutyKind::LogRetention]);
    assert_eq!(r.duties[0].status, DutyStatus::Unmet);
    assert_eq!(r.duties[0].clause.as_str(), "QD05/2024 Đ16.1.a");
}

#[test]
fn qd05_16_1_a_two_months_of_logs_is_too_short_and_three_is_enough() {
    let r = report(
        &world(json!({"log_retention_months": 2})),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    assert_eq!(kinds(&r), [DutyKind::LogRetention]);
    assert!(r.duties[0].detail.contains('2'));
    let r = report(
        &world(json!({"log_retention_months": 3})),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    assert!(r.duties.is_empty());
}

// ---------------------------------------------------------------- Đ15.1.b, Đ15.2

fn world_with_focal_point(focal_point: Value, manages: bool) -> World {
    let mut w = json!({
        "territory": "VN-32",
        "agencies": [
            {"id": "so", "name": "Sở", "kind": "provincial_department"},
            {"id": "huyen", "name": "UBND huyện", "kind": "district_peoples_committee"}
        ],
        "databases": [{"id": "csdl", "name": "CSDL", "manager": if manages { "so" } else { "huyen" },
                       "catalog": "none", "hosting": "elsewhere", "last_evaluated": "2024-01-10",
                       "log_retention_months": 12}],
        "datasets": []
    });
    if !focal_point.is_null() {
        w["agencies"][0]["focal_point"] = focal_point;
    }
    w["agencies"][1]["focal_point"] = json!({"name": "Cán bộ", "role": "technical"});
    World::from_json(&w.to_string()).unwrap()
}

#[test]
fn qd05_15_1_b_an_agency_managing_data_without_a_focal_point_is_unmet() {
    let r = report(
        &world_with_focal_point(Value::Null, true),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    assert_eq!(kinds(&r), [DutyKind::FocalPointOfficer]);
    let d = &r.duties[0];
    assert_eq!(d.clause.as_str(), "QD05/2024 Đ15.1.b");
    assert_eq!(d.subject, DutySubject::Agency("so".parse().unwrap()));
    assert_eq!(d.agency.as_str(), "so");
}

#[test]
fn qd05_15_1_b_an_agency_managing_no_data_owes_no_focal_point() {
    let r = report(
        &world_with_focal_point(Value::Null, false),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    assert!(r.duties.is_empty(), "{:?}", kinds(&r));
}

#[test]
fn qd05_15_2_a_focal_point_who_is_neither_specialist_nor_technical_is_unmet() {
    let r = report(
        &world_with_focal_point(json!({"name": "Văn thư", "role": "other"}), true),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    assert_eq!(kinds(&r), [DutyKind::FocalPointQualification]);
    assert_eq!(r.duties[0].clause.as_str(), "QD05/2024 Đ15.2");
    for role in ["specialist", "technical"] {
        let r = report(
            &world_with_focal_point(json!({"name": "Cán bộ", "role": role}), true),
            "2024-06-03T09:00:00+07:00",
            30,
        );
        assert!(r.duties.is_empty(), "{role}");
    }
}

// ---------------------------------------------------------------- Đ8.3

#[test]
fn qd05_8_3_a_shared_database_hosted_elsewhere_is_unmet() {
    let r = report(
        &world(json!({"hosting": "elsewhere"})),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    assert_eq!(kinds(&r), [DutyKind::DataCentreHosting]);
    assert_eq!(r.duties[0].clause.as_str(), "QD05/2024 Đ8.3");
    assert_eq!(r.duties[0].status, DutyStatus::Unmet);
}

#[test]
fn qd05_8_3_a_specialised_database_may_be_hosted_elsewhere() {
    let r = report(
        &world(json!({"hosting": "elsewhere", "catalog": "specialised"})),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    assert!(r.duties.is_empty());
}

// ---------------------------------------------------------------- the report

#[test]
fn qd05_duties_report_of_the_example_province_is_ordered_and_complete() {
    let r = report(&support::world(), "2024-06-03T09:00:00+07:00", 30);
    let rows: Vec<(DutyKind, String, DutyStatus)> = r
        .duties
        .iter()
        .map(|d| (d.kind, d.subject.to_string(), d.status))
        .collect();
    assert_eq!(
        rows,
        [
            // Standing requirements first, by kind, then agency (so-khdt < so-tnmt).
            (
                DutyKind::LogRetention,
                "database csdl-dkdn".into(),
                DutyStatus::Unmet
            ),
            (
                DutyKind::LogRetention,
                "database csdl-dat-dai".into(),
                DutyStatus::Unmet
            ),
            (
                DutyKind::FocalPointOfficer,
                "agency so-tnmt".into(),
                DutyStatus::Unmet
            ),
            (
                DutyKind::AnnualEvaluation,
                "database csdl-dat-dai".into(),
                DutyStatus::Overdue
            ),
            (
                DutyKind::OpenDataUpdate,
                "database csdl-dkdn".into(),
                DutyStatus::DueSoon
            ),
        ]
    );
    // Dated duties are in due-date order.
    let dues: Vec<_> = r.duties.iter().filter_map(|d| d.due).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn qd05_duties_report_is_deterministic_and_serialisable() {
    let mut data: WorldData = serde_json::from_str(support::WORLD_JSON).unwrap();
    let forward = report(
        &World::new(data.clone()).unwrap(),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    data.databases.reverse();
    data.agencies.reverse();
    data.datasets.reverse();
    let backward = report(&World::new(data).unwrap(), "2024-06-03T09:00:00+07:00", 30);
    assert_eq!(forward, backward);
    let json = serde_json::to_string(&forward).unwrap();
    let back: DutiesReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, forward);
    assert!(json.contains(r#""kind":"annual_evaluation""#));
    let schema = serde_json::to_value(schemars::schema_for!(DutiesReport)).unwrap();
    assert!(schema.to_string().contains("overdue_days"));
}

#[test]
fn qd05_duties_report_a_horizon_past_the_representable_dates_is_an_error() {
    let now = DateTime::<chrono::Utc>::MAX_UTC.fixed_offset();
    let err = ENGINE
        .duties_report(&support::world(), now, Days::new(30))
        .unwrap_err();
    assert!(matches!(err, DutiesError::HorizonOutOfRange { .. }));
}

// ---------------------------------------------------------------- Đ16.2.h
//
// The example province's violation vp.2024.001 (so-tnmt, under agr.tp.so-tnmt, provided by
// so-tp) was determined on Friday 17 May 2024 at 16:30. The one day is Saturday 18 May, a
// day off, so the notice is due by the end of Monday 20 May (BLDS2015 Đ147.2, Đ148.5).

fn example_data() -> WorldData {
    serde_json::from_str(support::WORLD_JSON).unwrap()
}

fn complete_notice(sent: &str) -> ConsumerNotice {
    ConsumerNotice {
        to: "so-tnmt".parse().unwrap(),
        sent_at: at(sent),
        violation: "Dùng dữ liệu nhân khẩu để tiếp thị.".into(),
        handling_plan: "Tạm ngừng, kiểm tra nhật ký.".into(),
        restoration_requirements: "Xóa danh sách, báo cáo bằng văn bản.".into(),
    }
}

fn suspension(id: &str, notice: Option<ConsumerNotice>) -> Suspension {
    Suspension {
        id: id.parse().unwrap(),
        agreement: "agr.tp.so-tnmt".parse().unwrap(),
        violation: "vp.2024.001".parse().unwrap(),
        suspended_at: at("2024-05-17T17:00:00+07:00"),
        notice,
        restored_at: None,
    }
}

fn with_suspensions(suspensions: Vec<Suspension>) -> World {
    let mut d = example_data();
    d.suspensions = suspensions;
    World::new(d).unwrap()
}

fn only(r: &DutiesReport, kind: DutyKind) -> Vec<&DutyEntry> {
    r.of_kind(kind).collect()
}

fn finding_codes(d: &DutyEntry) -> Vec<&str> {
    d.findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn qd05_16_2_h_a_notice_owed_and_not_yet_late_is_due_soon() {
    let w = with_suspensions(vec![suspension("ts-1", None)]);
    let r = report(&w, "2024-05-20T09:00:00+07:00", 30);
    let notices = only(&r, DutyKind::SuspensionNotice);
    assert_eq!(notices.len(), 1);
    let d = notices[0];
    assert_eq!(d.clause.as_str(), "QD05/2024 Đ16.2.h");
    assert_eq!(d.agency.as_str(), "so-tp");
    assert_eq!(d.subject, DutySubject::Suspension("ts-1".parse().unwrap()));
    assert_eq!(d.status, DutyStatus::DueSoon);
    assert_eq!(d.moved_from, Some(date("2024-05-18")));
    assert_eq!(d.last_day, Some(date("2024-05-20")));
    assert_eq!(d.due, Some(at("2024-05-21T00:00:00+07:00")));
    assert!(d.basis.iter().any(|c| c.as_str() == "BLDS2015 Đ148.5"));
    assert_eq!(d.overdue_days, None);
    assert!(d.findings.is_empty(), "{:?}", finding_codes(d));
    assert!(d.detail.contains("not yet sent"), "{}", d.detail);
    assert!(d.calendar_gap.is_none());
}

#[test]
fn qd05_16_2_h_a_notice_owed_beyond_the_horizon_is_not_listed() {
    let w = with_suspensions(vec![suspension("ts-1", None)]);
    // On Friday evening the notice is due at the end of Monday: outside a 0-day horizon,
    // inside a 3-day one.
    let r = report(&w, "2024-05-17T18:00:00+07:00", 0);
    assert!(only(&r, DutyKind::SuspensionNotice).is_empty());
    let r = report(&w, "2024-05-17T18:00:00+07:00", 3);
    assert_eq!(only(&r, DutyKind::SuspensionNotice).len(), 1);
}

#[test]
fn qd05_16_2_h_a_notice_not_sent_after_its_day_is_overdue() {
    let w = with_suspensions(vec![suspension("ts-1", None)]);
    let r = report(&w, "2024-05-22T09:00:00+07:00", 30);
    let d = only(&r, DutyKind::SuspensionNotice)[0];
    assert_eq!(d.status, DutyStatus::Overdue);
    assert_eq!(d.overdue_days, Some(2));
    assert_eq!(finding_codes(d), ["notice_not_sent"]);
    assert!(d.detail.contains("notice_not_sent"), "{}", d.detail);
    // The due instant itself is still in time.
    let r = report(&w, "2024-05-21T00:00:00+07:00", 0);
    assert_eq!(
        only(&r, DutyKind::SuspensionNotice)[0].status,
        DutyStatus::DueSoon
    );
}

#[test]
fn qd05_16_2_h_a_notice_sent_on_time_and_complete_owes_nothing() {
    for sent in ["2024-05-17T17:00:00+07:00", "2024-05-21T00:00:00+07:00"] {
        let w = with_suspensions(vec![suspension("ts-1", Some(complete_notice(sent)))]);
        for now in ["2024-05-20T09:00:00+07:00", "2024-06-03T09:00:00+07:00"] {
            let r = report(&w, now, 30);
            assert!(
                only(&r, DutyKind::SuspensionNotice).is_empty(),
                "{sent} {now}"
            );
        }
    }
}

#[test]
fn qd05_16_2_h_a_late_notice_is_listed_as_overdue_by_its_lateness() {
    let w = with_suspensions(vec![suspension(
        "ts-1",
        Some(complete_notice("2024-05-22T09:00:00+07:00")),
    )]);
    let r = report(&w, "2024-06-03T09:00:00+07:00", 30);
    let d = only(&r, DutyKind::SuspensionNotice)[0];
    assert_eq!(d.status, DutyStatus::Overdue);
    assert_eq!(finding_codes(d), ["notice_late"]);
    // Sent on Wednesday 22 May, the last day was Monday 20 May: two days late, however
    // long ago the report is made.
    assert_eq!(d.overdue_days, Some(2));
    let later = report(&w, "2024-09-03T09:00:00+07:00", 30);
    assert_eq!(only(&later, DutyKind::SuspensionNotice), [d]);
}

#[test]
fn qd05_16_2_h_an_incomplete_notice_is_still_owed_by_the_same_deadline() {
    let mut notice = complete_notice("2024-05-20T10:00:00+07:00");
    notice.handling_plan = "  ".into();
    let w = with_suspensions(vec![suspension("ts-1", Some(notice))]);
    let r = report(&w, "2024-05-20T11:00:00+07:00", 30);
    let d = only(&r, DutyKind::SuspensionNotice)[0];
    assert_eq!(d.status, DutyStatus::DueSoon);
    assert_eq!(finding_codes(d), ["notice_missing_handling_plan"]);
    assert_eq!(d.due, Some(at("2024-05-21T00:00:00+07:00")));
    // Past the deadline it is overdue, counted to `now`.
    let r = report(&w, "2024-05-23T11:00:00+07:00", 30);
    let d = only(&r, DutyKind::SuspensionNotice)[0];
    assert_eq!(d.status, DutyStatus::Overdue);
    assert_eq!(d.overdue_days, Some(3));
}

#[test]
fn qd05_16_2_h_a_notice_to_another_agency_is_still_owed() {
    let mut notice = complete_notice("2024-05-20T10:00:00+07:00");
    notice.to = "so-khdt".parse().unwrap();
    let w = with_suspensions(vec![suspension("ts-1", Some(notice))]);
    let r = report(&w, "2024-05-24T09:00:00+07:00", 30);
    let d = only(&r, DutyKind::SuspensionNotice)[0];
    assert_eq!(finding_codes(d), ["notice_wrong_addressee"]);
    assert_eq!(d.status, DutyStatus::Overdue);
    assert_eq!(d.overdue_days, Some(4));
}

#[test]
fn qd05_16_2_h_late_and_incomplete_is_still_owed_and_counted_to_now() {
    let mut notice = complete_notice("2024-05-22T09:00:00+07:00");
    notice.violation = String::new();
    let w = with_suspensions(vec![suspension("ts-1", Some(notice))]);
    let r = report(&w, "2024-05-27T09:00:00+07:00", 30);
    let d = only(&r, DutyKind::SuspensionNotice)[0];
    assert_eq!(
        finding_codes(d),
        ["notice_late", "notice_missing_violation"]
    );
    assert_eq!(d.overdue_days, Some(7));
}

#[test]
fn qd05_16_2_h_the_report_agrees_with_engine_check_notice() {
    let engine = support::engine();
    let calendar = Calendar::vietnam_public_sector();
    let mut incomplete = complete_notice("2024-05-20T22:00:00+07:00");
    incomplete.restoration_requirements = String::new();
    let records = [
        suspension("ts-none", None),
        suspension("ts-ok", Some(complete_notice("2024-05-20T22:00:00+07:00"))),
        suspension(
            "ts-late",
            Some(complete_notice("2024-05-21T00:00:01+07:00")),
        ),
        suspension("ts-part", Some(incomplete)),
    ];
    let w = with_suspensions(records.to_vec());
    for now in [
        "2024-05-17T18:00:00+07:00",
        "2024-05-20T23:59:59+07:00",
        "2024-05-21T00:00:00+07:00",
        "2024-05-21T00:00:01+07:00",
        "2024-06-30T12:00:00+07:00",
    ] {
        let r = report(&w, now, 30);
        for s in &records {
            let check = engine.clone().with_calendar(calendar.clone()).check_notice(
                &w,
                s,
                at(now),
                DayReading::CivilCode,
            );
            let entry = r
                .of_kind(DutyKind::SuspensionNotice)
                .find(|d| d.subject == DutySubject::Suspension(s.id.clone()));
            let owes = !check.is_compliant() || !check.pending.is_empty();
            assert_eq!(entry.is_some(), owes, "{} at {now}", s.id);
            if let Some(d) = entry {
                assert_eq!(d.due, check.due, "{} at {now}", s.id);
                assert_eq!(d.findings, check.findings, "{} at {now}", s.id);
            }
        }
    }
}

#[test]
fn qd05_16_2_h_a_notice_day_the_calendar_does_not_cover_is_24_hours_with_the_gap() {
    let mut d = example_data();
    d.violations.push(Violation {
        id: "vp.2028.001".parse().unwrap(),
        violator: "so-tnmt".parse().unwrap(),
        agreement: None,
        kind: ViolationKind::UnsafeConnection,
        recorded_at: at("2028-01-05T08:00:00+07:00"),
        determined_at: Some(at("2028-01-05T10:00:00+07:00")),
        description: String::new(),
    });
    let mut s = suspension("ts-2028", None);
    s.violation = "vp.2028.001".parse().unwrap();
    s.suspended_at = at("2028-01-05T11:00:00+07:00");
    d.suspensions.push(s);
    let w = World::new(d).unwrap();
    let r = report(&w, "2028-01-05T12:00:00+07:00", 30);
    let e = only(&r, DutyKind::SuspensionNotice)[0];
    assert_eq!(e.status, DutyStatus::DueSoon);
    assert_eq!(e.due, Some(at("2028-01-06T10:00:00+07:00")));
    let gap = e.calendar_gap.as_ref().unwrap();
    assert_eq!(gap.date, date("2028-01-06"));
    assert!(gap.message.contains("24 hours"), "{}", gap.message);
}

#[test]
fn qd05_16_2_h_a_suspension_recorded_before_its_determination_is_counted_from_the_suspension() {
    let mut s = suspension("ts-early", None);
    s.suspended_at = at("2024-05-17T09:00:00+07:00"); // before the 16:30 determination
    let w = with_suspensions(vec![s]);
    let r = report(&w, "2024-05-20T09:00:00+07:00", 30);
    let d = only(&r, DutyKind::SuspensionNotice)[0];
    // Still due at the end of Monday 20 May; the finding says why it was counted so.
    assert_eq!(d.due, Some(at("2024-05-21T00:00:00+07:00")));
    assert_eq!(d.status, DutyStatus::DueSoon);
    assert_eq!(finding_codes(d), ["violation_not_determined"]);
}

// ---------------------------------------------------------------- Đ16.1.đ

fn refusal(id: &str) -> Refusal {
    Refusal {
        id: id.parse().unwrap(),
        provider: "so-tp".parse().unwrap(),
        requester: "ubnd-tuy-hoa".parse().unwrap(),
        at: at("2024-05-22T09:00:00+07:00"),
        dataset: Some("dan-cu.nhan-khau".parse().unwrap()),
        grounds: vec![RefusalGround {
            code: Some("not_through_lgsp".into()),
            clause: Some("QD05/2024 Đ13.1".parse().unwrap()),
            vi: "Kết nối trực tiếp, không qua LGSP.".into(),
            en: "A direct connection, not through the LGSP.".into(),
        }],
        authority: Some("so-tttt".parse().unwrap()),
        notified_at: Some(at("2024-05-22T10:00:00+07:00")),
    }
}

fn with_refusals(refusals: Vec<Refusal>) -> World {
    let mut d = example_data();
    d.refusals = refusals;
    World::new(d).unwrap()
}

#[test]
fn qd05_16_1_dd_a_refusal_with_reasons_reported_to_the_focal_point_owes_nothing() {
    let r = report(
        &with_refusals(vec![refusal("tc-1")]),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    assert!(only(&r, DutyKind::RefusalReport).is_empty());
}

#[test]
fn qd05_16_1_dd_a_refusal_not_reported_is_an_unmet_requirement_without_a_due_date() {
    let mut unreported = refusal("tc-1");
    unreported.notified_at = None;
    let r = report(
        &with_refusals(vec![unreported]),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    let d = only(&r, DutyKind::RefusalReport)[0];
    assert_eq!(d.clause.as_str(), "QD05/2024 Đ16.1.đ");
    assert_eq!(d.see[0].as_str(), "QD05/2024 Đ18");
    assert_eq!(d.agency.as_str(), "so-tp");
    assert_eq!(d.subject, DutySubject::Refusal("tc-1".parse().unwrap()));
    assert_eq!(d.status, DutyStatus::Unmet);
    // The law sets no period for the report: no due date is invented.
    assert_eq!((d.due, d.last_day, d.overdue_days), (None, None, None));
    assert!(d.detail.contains("no period"), "{}", d.detail);
    assert_eq!(finding_codes(d), ["refusal_authority_not_notified"]);
}

#[test]
fn qd05_16_1_dd_a_refusal_without_reasons_or_to_the_wrong_authority_is_unmet() {
    let mut bare = refusal("tc-bare");
    bare.grounds.clear();
    let mut wrong = refusal("tc-wrong");
    wrong.authority = Some("ubnd-tinh".parse().unwrap());
    let mut ungrounded = refusal("tc-ungrounded");
    ungrounded.grounds[0].clause = None;
    let r = report(
        &with_refusals(vec![bare, wrong, ungrounded]),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    let found: Vec<(String, Vec<&str>)> = r
        .of_kind(DutyKind::RefusalReport)
        .map(|d| (d.subject.to_string(), finding_codes(d)))
        .collect();
    assert_eq!(
        found,
        [
            ("refusal tc-bare".into(), vec!["refusal_without_reasons"]),
            (
                "refusal tc-ungrounded".into(),
                vec!["refusal_reason_not_grounded"]
            ),
            ("refusal tc-wrong".into(), vec!["refusal_wrong_authority"]),
        ]
    );
}

#[test]
fn qd05_16_1_dd_the_report_agrees_with_engine_check_refusal() {
    let engine = support::engine();
    let mut unreported = refusal("tc-2");
    unreported.notified_at = None;
    unreported.grounds[0].vi = String::new();
    unreported.grounds[0].en = String::new();
    let w = with_refusals(vec![refusal("tc-1"), unreported.clone()]);
    let r = report(&w, "2024-06-03T09:00:00+07:00", 30);
    for rec in [refusal("tc-1"), unreported] {
        let check = engine.check_refusal(&w, &rec);
        let entry = r
            .of_kind(DutyKind::RefusalReport)
            .find(|d| d.subject == DutySubject::Refusal(rec.id.clone()));
        assert_eq!(entry.is_some(), !check.is_valid(), "{}", rec.id);
        if let Some(d) = entry {
            assert_eq!(d.findings, check.findings);
        }
    }
}

// ---------------------------------------------------------------- lifecycle duties in the report

#[test]
fn qd05_16_lifecycle_duties_are_ordered_deterministically_with_the_others() {
    let mut unreported = refusal("tc-1");
    unreported.notified_at = None;
    let mut d = example_data();
    d.suspensions = vec![
        suspension("ts-b", None),
        suspension("ts-a", Some(complete_notice("2024-05-22T09:00:00+07:00"))),
    ];
    d.refusals = vec![unreported];
    let forward = report(
        &World::new(d.clone()).unwrap(),
        "2024-06-03T09:00:00+07:00",
        30,
    );
    d.suspensions.reverse();
    d.agencies.reverse();
    d.databases.reverse();
    let backward = report(&World::new(d).unwrap(), "2024-06-03T09:00:00+07:00", 30);
    assert_eq!(forward, backward);
    let rows: Vec<(DutyKind, String)> = forward
        .duties
        .iter()
        .map(|e| (e.kind, e.subject.to_string()))
        .collect();
    assert_eq!(
        rows,
        [
            // Unmet standing requirements first, by kind.
            (DutyKind::LogRetention, "database csdl-dkdn".into()),
            (DutyKind::LogRetention, "database csdl-dat-dai".into()),
            (DutyKind::FocalPointOfficer, "agency so-tnmt".into()),
            (DutyKind::RefusalReport, "refusal tc-1".into()),
            // Then by due date: the evaluation due in November 2023, then both notices,
            // due at the end of 20 May 2024 (by subject), then the open data.
            (DutyKind::AnnualEvaluation, "database csdl-dat-dai".into()),
            (DutyKind::SuspensionNotice, "suspension ts-a".into()),
            (DutyKind::SuspensionNotice, "suspension ts-b".into()),
            (DutyKind::OpenDataUpdate, "database csdl-dkdn".into()),
        ]
    );
    let json = serde_json::to_string(&forward).unwrap();
    assert!(
        json.contains(r#""kind":"suspension","id":"ts-a""#),
        "{json}"
    );
    assert!(json.contains(r#""kind":"refusal_report""#));
    assert!(json.contains(r#""code":"notice_late""#));
    let back: DutiesReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, forward);
}
