//! Regression tests for the defects an independent review found at the edges (instants
//! either side of a legal edge, several agreements per pair, invisible text, leap
//! seconds). Each test is named by the clause it protects.

use chrono::{DateTime, FixedOffset};
use lgsp_policy::catalog::AdditionDossier;
use lgsp_policy::records::{
    AgreementStatus, AllConsumersGrounds, ConsumerNotice, PublicNotice, Refusal, RefusalGround,
    SharingAgreement, SharingMethod, Suspension, Term,
};
use lgsp_policy::time::{Calendar, DayReading};
use lgsp_policy::{
    AccessRequest, Action, CatalogProposal, Channel, Duty, Outcome, SuspendAllRequest,
    SuspensionRequest, World, WorldData, WorldError,
};

use crate::support;

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn data() -> WorldData {
    serde_json::from_str(support::WORLD_JSON).unwrap()
}

fn agreement_mut<'a>(data: &'a mut WorldData, id: &str) -> &'a mut SharingAgreement {
    data.agreements
        .iter_mut()
        .find(|g| g.id.as_str() == id)
        .unwrap()
}

/// Tuy Hòa's population-register query, at the citizen's request.
fn tuy_hoa_reads(when: &str) -> AccessRequest {
    AccessRequest::new(
        "acc.tuy-hoa.dan-cu".parse().unwrap(),
        Action::Query,
        "dan-cu.nhan-khau".parse().unwrap(),
        Channel::Lgsp,
        "administrative-procedures".parse().unwrap(),
        at(when),
    )
    .subject_requested(true)
}

// --- 1. The refusal names the obstacle of the agreement the request is about (Đ16.1.đ) ---

/// Two agreements between Tuy Hòa and Sở Tư pháp: the one covering the population
/// register is suspended; the other, active and sorting first, covers other data.
fn two_agreements_one_suspended() -> World {
    let mut d = data();
    agreement_mut(&mut d, "agr.tp.tuy-hoa").status = AgreementStatus::Suspended;
    d.agreements.push(SharingAgreement {
        id: "agr.tp.a-thong-ke".parse().unwrap(),
        provider: "so-tp".parse().unwrap(),
        consumer: "ubnd-tuy-hoa".parse().unwrap(),
        datasets: vec!["dan-cu.thong-ke".parse().unwrap()],
        purposes: vec!["administrative-procedures".parse().unwrap()],
        methods: vec![SharingMethod::OnlineConnection],
        term: Term {
            start: at("2024-03-05T00:00:00+07:00"),
            end: None,
        },
        status: AgreementStatus::Active,
    });
    World::new(d).unwrap()
}

#[test]
fn qd05_16_1_dd_a_refusal_states_the_obstacle_of_the_agreement_that_covers_the_dataset() {
    let engine = support::engine();
    let world = two_agreements_one_suspended();
    let request = tuy_hoa_reads("2024-06-03T09:30:00+07:00");
    let decision = engine.decide(&world, &request);
    assert_eq!(decision.outcome, Outcome::Deny);
    let codes: Vec<&str> = decision.reason_codes().collect();
    assert_eq!(codes, ["agreement_suspended"], "{decision:?}");
    assert_eq!(decision.reasons[0].clause.as_str(), "QD05/2024 Đ16.2.h");
    assert_eq!(
        decision.agreement.as_ref().map(|a| a.as_str()),
        Some("agr.tp.tuy-hoa")
    );
    // The reading is in the decision, citing the clause it reads.
    let reading = decision
        .advisories
        .iter()
        .find(|a| a.code == "reading_candidate_agreement")
        .expect("the reading is said");
    assert_eq!(reading.clause.as_str(), "QD05/2024 Đ16.1.đ");
    // The refusal duty and the drafted refusal carry the same obstacle.
    let reported: Vec<&str> = decision
        .duties
        .iter()
        .find_map(|d| match d {
            Duty::ReportRefusal { reasons, .. } => {
                Some(reasons.iter().map(String::as_str).collect())
            }
            _ => None,
        })
        .expect("a refusal to report");
    assert_eq!(reported, ["agreement_suspended"]);
    let draft = engine
        .draft_refusal(&request, &decision, "tc.edge.1".parse().unwrap())
        .unwrap();
    let grounds: Vec<Option<&str>> = draft.grounds.iter().map(|g| g.code.as_deref()).collect();
    assert_eq!(grounds, [Some("agreement_suspended")]);
}

#[test]
fn qd05_16_1_dd_a_single_agreement_carries_no_candidate_reading() {
    let engine = support::engine();
    let mut d = data();
    agreement_mut(&mut d, "agr.tp.tuy-hoa").status = AgreementStatus::Suspended;
    let decision = engine.decide(
        &World::new(d).unwrap(),
        &tuy_hoa_reads("2024-06-03T09:30:00+07:00"),
    );
    assert!(decision.has_reason("agreement_suspended"));
    assert!(
        decision
            .advisories
            .iter()
            .all(|a| a.code != "reading_candidate_agreement"),
        "nothing was chosen"
    );
}

#[test]
fn qd05_16_1_dd_an_allowing_agreement_wins_over_a_refusing_one() {
    let engine = support::engine();
    let mut d = data();
    // The second agreement covers the register too, but is terminated.
    let current = agreement_mut(&mut d, "agr.tp.tuy-hoa").clone();
    d.agreements.push(SharingAgreement {
        id: "agr.tp.a-cu".parse().unwrap(),
        status: AgreementStatus::Terminated,
        ..current
    });
    let decision = engine.decide(
        &World::new(d).unwrap(),
        &tuy_hoa_reads("2024-06-03T09:30:00+07:00"),
    );
    assert!(decision.is_allowed(), "{decision:?}");
    assert_eq!(
        decision.agreement.as_ref().map(|a| a.as_str()),
        Some("agr.tp.tuy-hoa")
    );
}

// --- 2. Suspending every consumer suspends only agreements in term (ND47 Đ43.1) ----------

#[test]
fn nd47_43_1_suspending_every_consumer_leaves_an_ended_agreement_alone() {
    // agr.tp.so-tnmt ended on 2026-03-05; the suspension starts on 2026-04-01.
    let request = SuspendAllRequest {
        provider: "so-tp".parse().unwrap(),
        database: "csdl-dan-cu".parse().unwrap(),
        grounds: AllConsumersGrounds::ForceMajeure,
        starts_at: at("2026-04-01T08:00:00+07:00"),
        notice: None,
        at: at("2026-04-01T07:00:00+07:00"),
    };
    let answer = support::engine().decide_suspend_all(&support::world(), &request);
    assert!(answer.decision.is_allowed(), "{:?}", answer.decision);
    let mut suspended: Vec<&str> = answer
        .transitions
        .iter()
        .map(|t| t.agreement.as_str())
        .collect();
    suspended.sort_unstable();
    assert_eq!(suspended, ["agr.tp.bo-tp", "agr.tp.tuy-hoa"]);
    // Every agreement moved is in term when the suspension starts.
    let world = support::world();
    for t in &answer.transitions {
        let g = world.agreement(&t.agreement).unwrap();
        assert!(g.term.contains(t.at), "{} moved outside its term", g.id);
    }
}

// --- 3. A notice dated after the decision is not yet published (ND47 Đ43.3, Đ43.4) -------

fn public_notice_duty(answer: &lgsp_policy::LifecycleDecision) -> bool {
    answer
        .decision
        .duties
        .iter()
        .any(|d| matches!(d, Duty::PublicNotice { .. }))
}

#[test]
fn nd47_43_4_a_notice_published_after_the_decision_still_leaves_the_notice_owed() {
    let notice = |published: &str| PublicNotice {
        published_at: at(published),
        expected_restoration: None,
        text: "Sự cố mất điện tại trung tâm dữ liệu.".into(),
    };
    let request = |published: &str| SuspendAllRequest {
        provider: "so-tp".parse().unwrap(),
        database: "csdl-dan-cu".parse().unwrap(),
        grounds: AllConsumersGrounds::ForceMajeure,
        starts_at: at("2024-06-01T08:00:00+07:00"),
        notice: Some(notice(published)),
        at: at("2024-06-01T09:00:00+07:00"),
    };
    let engine = support::engine();
    let world = support::world();
    let calendar = Calendar::vietnam_public_sector();
    let later = engine
        .clone()
        .with_calendar(calendar.clone())
        .decide_suspend_all(&world, &request("2024-06-04T09:00:00+07:00"));
    assert!(later.decision.is_allowed());
    assert!(public_notice_duty(&later), "the notice is still owed");
    // One millisecond either side of the decision's instant.
    let just_after = engine
        .clone()
        .with_calendar(calendar.clone())
        .decide_suspend_all(&world, &request("2024-06-01T09:00:00.001+07:00"));
    assert!(public_notice_duty(&just_after));
    let at_the_instant = engine
        .clone()
        .with_calendar(calendar.clone())
        .decide_suspend_all(&world, &request("2024-06-01T09:00:00+07:00"));
    assert!(
        !public_notice_duty(&at_the_instant),
        "published at the decision's instant"
    );
}

#[test]
fn nd47_43_3_a_maintenance_notice_from_the_future_is_judged_as_not_yet_given() {
    // Maintenance from Thu 2 May 2024: the notice is due by 24:00 on Tue 16 April. Decided
    // on 10 April with a notice "published" on 20 April (late, and not yet out): the
    // provider may still give it in time, so the suspension is allowed and the notice owed.
    let request = SuspendAllRequest {
        provider: "so-tp".parse().unwrap(),
        database: "csdl-dan-cu".parse().unwrap(),
        grounds: AllConsumersGrounds::Maintenance,
        starts_at: at("2024-05-02T08:00:00+07:00"),
        notice: Some(PublicNotice {
            published_at: at("2024-04-20T09:00:00+07:00"),
            expected_restoration: Some(at("2024-05-02T17:00:00+07:00")),
            text: "Bảo trì.".into(),
        }),
        at: at("2024-04-10T09:00:00+07:00"),
    };
    let answer = support::engine().decide_suspend_all(&support::world(), &request);
    assert!(answer.decision.is_allowed(), "{:?}", answer.decision);
    assert!(public_notice_duty(&answer));
}

// --- 4. A refusal is notified after it is made (Đ16.1.đ) -------------------------------

fn refusal(refused: &str, notified: &str) -> Refusal {
    Refusal {
        id: "tc.edge.4".parse().unwrap(),
        provider: "so-tp".parse().unwrap(),
        requester: "so-tnmt".parse().unwrap(),
        at: at(refused),
        dataset: Some("dan-cu.nhan-khau".parse().unwrap()),
        grounds: vec![RefusalGround {
            code: Some("not_through_lgsp".into()),
            clause: Some("QD05/2024 Đ13.1".parse().unwrap()),
            vi: "Không kết nối qua LGSP.".into(),
            en: "Not through the LGSP.".into(),
        }],
        authority: Some("so-tttt".parse().unwrap()),
        notified_at: Some(at(notified)),
    }
}

#[test]
fn qd05_16_1_dd_a_refusal_notified_before_it_was_made_is_refused() {
    let mut d = data();
    d.refusals.push(refusal(
        "2024-06-03T09:00:00+07:00",
        "2024-06-03T08:59:59.999+07:00",
    ));
    match World::new(d) {
        Err(WorldError::NotifiedBeforeRefused { refusal }) => {
            assert_eq!(refusal.as_str(), "tc.edge.4");
        }
        other => panic!("expected NotifiedBeforeRefused, got {other:?}"),
    }
    // At the same instant it is fine.
    let mut d = data();
    d.refusals.push(refusal(
        "2024-06-03T09:00:00+07:00",
        "2024-06-03T09:00:00+07:00",
    ));
    assert!(World::new(d).is_ok());
}

// --- 5. Invisible text is no text (Đ7.2, Đ16.2.h, Đ16.1.đ) -----------------------------

/// Texts made only of Unicode format characters and white space, as copied from office
/// documents.
const INVISIBLE: [&str; 4] = [
    "\u{200B}",
    "\u{2060}",
    "\u{FEFF}",
    " \u{200B}\u{FEFF}\u{2060} ",
];

#[test]
fn qd05_7_2_qd05_16_2_h_qd05_16_1_dd_text_of_format_characters_counts_as_blank() {
    let engine = support::engine();
    let world = support::world();
    let calendar = Calendar::vietnam_public_sector();
    for blank in INVISIBLE {
        // A dossier item (Đ7.2.c).
        let mut migrated = data();
        migrated
            .databases
            .iter_mut()
            .find(|d| d.id.as_str() == "csdl-dat-dai")
            .unwrap()
            .hosting = lgsp_policy::records::Hosting::ProvincialDataCentre;
        let migrated = World::new(migrated).unwrap();
        let dossier = AdditionDossier {
            name: Some("Cơ sở dữ liệu đất đai tỉnh Phú Yên".into()),
            managing_unit: Some("Sở Tài nguyên và Môi trường".into()),
            objective: Some(blank.into()),
            data_scope: Some("Thửa đất, chủ sử dụng, biến động đất đai toàn tỉnh".into()),
            master_data: vec!["md.thua-dat".parse().unwrap()],
            users_and_purposes: Some("UBND cấp xã: giải quyết thủ tục đất đai".into()),
            sources: Some("Hồ sơ địa chính".into()),
            sharing_methods: vec![SharingMethod::OnlineConnection],
            legal_value_basis: Some("Luật Đất đai; Nghị định 47/2020 Điều 5".into()),
            administrative_procedures: vec![blank.into()],
        };
        let proposal = CatalogProposal::addition(
            "so-tnmt".parse().unwrap(),
            "csdl-dat-dai".parse().unwrap(),
            dossier,
        );
        let d = engine.decide_catalog(&migrated, &proposal, at("2024-06-03T09:00:00+07:00"));
        assert!(
            d.has_reason("dossier_missing_objective"),
            "{blank:?}: {d:?}"
        );

        // A part of the consumer's notice (Đ16.2.h).
        let suspension = Suspension {
            id: "ts.edge.5".parse().unwrap(),
            agreement: "agr.tp.so-tnmt".parse().unwrap(),
            violation: "vp.2024.001".parse().unwrap(),
            suspended_at: at("2024-05-17T17:00:00+07:00"),
            notice: Some(ConsumerNotice {
                to: "so-tnmt".parse().unwrap(),
                sent_at: at("2024-05-18T09:00:00+07:00"),
                violation: blank.into(),
                handling_plan: "Tạm ngừng kết nối.".into(),
                restoration_requirements: "Báo cáo bằng văn bản.".into(),
            }),
            restored_at: None,
        };
        let check = engine.clone().with_calendar(calendar.clone()).check_notice(
            &world,
            &suspension,
            at("2024-05-22T09:00:00+07:00"),
            DayReading::CivilCode,
        );
        assert!(
            check.has_finding("notice_missing_violation"),
            "{blank:?}: {check:?}"
        );

        // A refusal's reason (Đ16.1.đ).
        let mut r = refusal("2024-06-03T09:00:00+07:00", "2024-06-03T10:00:00+07:00");
        r.grounds[0].vi = blank.into();
        r.grounds[0].en = blank.into();
        let check = engine.check_refusal(&world, &r);
        assert!(
            check.has_finding("refusal_reason_not_stated"),
            "{blank:?}: {check:?}"
        );
    }
}

// --- 6. Leap seconds are refused (BLDS2015 Đ148; Cedar has none) -----------------------

#[test]
fn qd05_14_5_a_leap_second_term_end_is_refused_with_a_typed_error() {
    let mut d = data();
    agreement_mut(&mut d, "agr.tp.tuy-hoa").term.end = Some(at("2025-02-28T23:59:60+07:00"));
    match World::new(d) {
        Err(WorldError::LeapSecond { kind, id, field }) => {
            assert_eq!(
                (kind, id.as_str(), field),
                ("agreement", "agr.tp.tuy-hoa", "term.end")
            );
        }
        other => panic!("expected LeapSecond, got {other:?}"),
    }
}

#[test]
fn qd05_17_1_a_request_at_a_leap_second_is_denied_as_an_evaluation_error() {
    let engine = support::engine();
    let decision = engine.decide(
        &support::world(),
        &tuy_hoa_reads("2024-06-30T23:59:60+07:00"),
    );
    assert_eq!(decision.outcome, Outcome::Deny);
    assert!(decision.has_reason("evaluation_error"), "{decision:?}");
    assert!(
        decision.reasons[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("leap second"))
    );
    // The lifecycle's instants too.
    let suspension = SuspensionRequest::new(
        "so-tp".parse().unwrap(),
        "agr.tp.so-tnmt".parse().unwrap(),
        Some("vp.2024.001".parse().unwrap()),
        at("2024-06-30T23:59:60+07:00"),
    );
    let answer = engine.decide_suspension(&support::world(), &suspension);
    assert!(answer.decision.has_reason("evaluation_error"));
    assert!(answer.transitions.is_empty());
}

// --- 8. Only the reading applied is said (QD05/2024 Đ16.2.h, BLDS2015 Đ148) -------------

#[test]
fn qd05_16_2_h_a_suspension_past_the_calendar_says_only_the_24_hour_reading() {
    // A violation determined in 2031, a year no shipped calendar covers.
    let mut d = data();
    d.violations.push(lgsp_policy::records::Violation {
        id: "vp.2031.001".parse().unwrap(),
        violator: "so-tnmt".parse().unwrap(),
        agreement: Some("agr.tp.so-tnmt".parse().unwrap()),
        kind: lgsp_policy::records::ViolationKind::UnlawfulTradeOrUse,
        recorded_at: at("2031-06-02T09:00:00+07:00"),
        determined_at: Some(at("2031-06-02T10:00:00+07:00")),
        description: String::new(),
    });
    let g = agreement_mut(&mut d, "agr.tp.so-tnmt");
    g.term.end = None;
    let answer = support::engine().decide_suspension(
        &World::new(d).unwrap(),
        &SuspensionRequest::new(
            "so-tp".parse().unwrap(),
            "agr.tp.so-tnmt".parse().unwrap(),
            Some("vp.2031.001".parse().unwrap()),
            at("2031-06-02T11:00:00+07:00"),
        ),
    );
    assert!(answer.decision.is_allowed(), "{:?}", answer.decision);
    let codes: Vec<&str> = answer
        .decision
        .advisories
        .iter()
        .map(|a| a.code.as_str())
        .filter(|c| c.starts_with("reading_") || c.starts_with("calendar_"))
        .collect();
    assert_eq!(codes, ["calendar_not_covered_24h"]);
}

// --- 8. A decision on shared data is not cut short at the evaluation's expiry (Đ6.2) ----

#[test]
fn qd05_6_2_the_evaluation_expiry_bounds_decisions_on_open_data_only() {
    let engine = support::engine();
    let world = support::world();
    // csdl-dan-cu was last evaluated on 2024-01-15: its year ends at 24:00 on 2025-01-15.
    let expiry = at("2025-01-16T00:00:00+07:00");
    // Shared data (the population register) does not turn on it (Đ17.1.d, Đ14.5).
    let shared = engine.decide(&world, &tuy_hoa_reads("2024-06-03T09:30:00+07:00"));
    assert!(shared.is_allowed(), "{shared:?}");
    assert_ne!(shared.valid_until, Some(expiry));
    // Open data of the same database does (Đ4.3, Đ6.2).
    let open = AccessRequest::new(
        "acc.tuy-hoa.dan-cu".parse().unwrap(),
        Action::Query,
        "dan-cu.thong-ke".parse().unwrap(),
        Channel::Lgsp,
        "administrative-procedures".parse().unwrap(),
        at("2024-06-03T09:30:00+07:00"),
    );
    let open = engine.decide(&world, &open);
    assert!(open.is_allowed(), "{open:?}");
    assert_eq!(open.valid_until, Some(expiry));
}

// --- 7. One count of "a year since evaluation" (Đ4.3, Đ6.2, BLDS2015 Đ148.5) ------------

/// Open data of the population register (`dan-cu.thong-ke`), read by Tuy Hòa.
fn tuy_hoa_reads_open_data(when: &str) -> AccessRequest {
    AccessRequest::new(
        "acc.tuy-hoa.dan-cu".parse().unwrap(),
        Action::Query,
        "dan-cu.thong-ke".parse().unwrap(),
        Channel::Lgsp,
        "administrative-procedures".parse().unwrap(),
        at(when),
    )
}

/// The example province with the population register last evaluated on `day`.
fn evaluated_on(day: &str) -> World {
    let mut d = data();
    let db = d
        .databases
        .iter_mut()
        .find(|db| db.id.as_str() == "csdl-dan-cu")
        .unwrap();
    db.last_evaluated = Some(day.parse().unwrap());
    World::new(d).unwrap()
}

/// The due date the duties report gives the population register's yearly evaluation.
fn evaluation_due(world: &World, now: &str, calendar: &Calendar) -> Option<DateTime<FixedOffset>> {
    let report = support::engine()
        .with_calendar(calendar.clone())
        .duties_report(world, at(now), chrono::Days::new(400))
        .unwrap();
    report
        .of_kind(lgsp_policy::duties::DutyKind::AnnualEvaluation)
        .find(|e| {
            e.subject == lgsp_policy::duties::DutySubject::Database("csdl-dan-cu".parse().unwrap())
        })
        .and_then(|e| e.due)
}

#[test]
fn blds_148_5_open_data_is_not_refused_on_the_day_off_that_ends_the_evaluation_year() {
    let engine = support::engine();
    // Evaluated Friday 2024-06-14: the year's last day, Saturday 2025-06-14, is a day off,
    // so the year ends at the end of Monday 2025-06-16 (Đ148.4, Đ148.5, Đ148.6).
    let world = evaluated_on("2024-06-14");
    let end = at("2025-06-17T00:00:00+07:00");
    for sunday in ["2025-06-14T10:00:00+07:00", "2025-06-15T23:59:59.999+07:00"] {
        let d = engine.decide(&world, &tuy_hoa_reads_open_data(sunday));
        assert!(!d.has_reason("evaluation_expired"), "{sunday}: {d:?}");
        assert!(d.is_allowed(), "{sunday}: {d:?}");
        assert_eq!(d.valid_until, Some(end), "{sunday}");
    }
    let monday_last = engine.decide(
        &world,
        &tuy_hoa_reads_open_data("2025-06-16T23:59:59.999+07:00"),
    );
    assert!(monday_last.is_allowed(), "{monday_last:?}");
    let after = engine.decide(
        &world,
        &tuy_hoa_reads_open_data("2025-06-17T00:00:00+07:00"),
    );
    assert!(after.has_reason("evaluation_expired"), "{after:?}");
    // The reason says what was counted.
    let reason = after
        .reasons
        .iter()
        .find(|r| r.code == "evaluation_expired")
        .unwrap();
    assert!(
        reason.en.contains("counted by the Civil Code"),
        "{}",
        reason.en
    );
    // The duties report counts the same end.
    assert_eq!(
        evaluation_due(&world, "2025-06-14T10:00:00+07:00", engine.calendar()),
        Some(end)
    );
}

#[test]
fn blds_148_5_the_evaluation_year_is_counted_with_the_engines_calendar() {
    // Evaluated Friday 2026-01-15: the year's last day, Friday 2027-01-15, is a working
    // day; evaluated Saturday 2026-01-16, the last day Saturday 2027-01-16 is off.
    let world = evaluated_on("2026-01-16");
    let sunday = "2027-01-17T10:00:00+07:00";
    // The default calendar covers 2027 provisionally: moved to Monday 2027-01-18, and said.
    let engine = support::engine();
    let d = engine.decide(&world, &tuy_hoa_reads_open_data(sunday));
    assert!(!d.has_reason("evaluation_expired"), "{d:?}");
    assert_eq!(d.valid_until, Some(at("2027-01-19T00:00:00+07:00")));
    let codes: Vec<&str> = d.advisories.iter().map(|a| a.code.as_str()).collect();
    assert!(codes.contains(&"calendar_provisional"), "{codes:?}");
    assert!(
        !codes.contains(&"calendar_last_day_not_covered"),
        "{codes:?}"
    );
    // The official calendar ends in 2026: the last day is not moved, and that is said.
    let official = support::engine().with_calendar(Calendar::vietnam_public_sector_official());
    let d = official.decide(&world, &tuy_hoa_reads_open_data(sunday));
    assert!(d.has_reason("evaluation_expired"), "{d:?}");
    let gap = d
        .advisories
        .iter()
        .find(|a| a.code == "calendar_last_day_not_covered")
        .unwrap_or_else(|| panic!("{:?}", d.advisories));
    assert_eq!(gap.clause.as_str(), "BLDS2015 Đ148.5");
    assert!(gap.en.contains("2027-01-16"), "{}", gap.en);
    // And the duties report, given the same calendar, counts the same unmoved end.
    assert_eq!(
        evaluation_due(&world, "2026-12-01T10:00:00+07:00", official.calendar()),
        Some(at("2027-01-17T00:00:00+07:00"))
    );
    // Shared data does not turn on the evaluation: no advisory about counting it.
    let shared = official.decide(&world, &tuy_hoa_reads(sunday));
    assert!(
        shared
            .advisories
            .iter()
            .all(|a| !a.code.starts_with("calendar_")),
        "{:?}",
        shared.advisories
    );
}
