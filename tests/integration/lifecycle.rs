//! The lifecycle of agreements on the example province: suspension and its one-day notice
//! (QD05/2024 Đ16.2.h), suspension of every consumer (ND47/2020 Đ43), restoration and
//! termination (Đ16.1.g), refusals (Đ16.1.đ) and usage reports (Đ16.1.e). Each test is
//! named by the clause it exercises. Transitions are applied to `WorldData` by the test:
//! the library never changes a world.

use chrono::{DateTime, FixedOffset};
use lgsp_policy::records::{
    AgreementStatus, AllConsumersGrounds, ConsumerNotice, DatabaseSuspension, PublicNotice,
    RefusalGround, Suspension, Violation, ViolationKind,
};
use lgsp_policy::time::{Calendar, DayReading};
use lgsp_policy::{
    AccessRequest, Action, Channel, Decision, Duty, Engine, LifecycleDecision, NoticePart,
    ReasonKind, RestorationRequest, SuspendAllRequest, SuspensionRequest, TerminationRequest,
    Transition, UsageReportRequest, World, WorldData, WorldError,
};

use crate::support;

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn calendar() -> Calendar {
    Calendar::vietnam_public_sector()
}

fn data() -> WorldData {
    serde_json::from_str(support::WORLD_JSON).unwrap()
}

fn build(data: WorldData) -> World {
    World::new(data).unwrap()
}

/// Applies transitions to the caller's data, as a caller would.
fn apply(data: &mut WorldData, transitions: &[Transition]) {
    for t in transitions {
        let g = data
            .agreements
            .iter_mut()
            .find(|g| g.id == t.agreement)
            .unwrap();
        assert_eq!(g.status, t.from, "transition from the current status");
        g.status = t.to;
    }
}

/// The example province with one more violation by `violator`.
fn with_violation(
    id: &str,
    violator: &str,
    kind: ViolationKind,
    recorded: &str,
    determined: Option<&str>,
) -> WorldData {
    let mut d = data();
    d.violations.push(Violation {
        id: id.parse().unwrap(),
        violator: violator.parse().unwrap(),
        agreement: None,
        kind,
        recorded_at: at(recorded),
        determined_at: determined.map(at),
        description: String::new(),
    });
    d
}

fn suspend(agreement: &str, violation: Option<&str>, when: &str) -> SuspensionRequest {
    SuspensionRequest::new(
        "so-tp".parse().unwrap(),
        agreement.parse().unwrap(),
        violation.map(|v| v.parse().unwrap()),
        at(when),
    )
}

fn notify_due(answer: &LifecycleDecision) -> DateTime<FixedOffset> {
    answer
        .decision
        .duties
        .iter()
        .find_map(|d| match d {
            Duty::NotifyConsumer { due, .. } => Some(due.due()),
            _ => None,
        })
        .expect("an allowed suspension obliges a notice")
}

fn codes(d: &Decision) -> Vec<&str> {
    d.reason_codes().collect()
}

/// Sổ nhân khẩu, read by Sở TN&MT under agr.tp.so-tnmt (personal data: at the subject's
/// request).
fn tnmt_reads(when: &str) -> AccessRequest {
    AccessRequest::new(
        "acc.so-tnmt".parse().unwrap(),
        Action::Query,
        "dan-cu.nhan-khau".parse().unwrap(),
        Channel::Lgsp,
        "land-management".parse().unwrap(),
        at(when),
    )
    .subject_requested(true)
}

fn assert_well_formed(d: &Decision) {
    let pack = support::engine().packs()[0].clone();
    for r in &d.reasons {
        assert!(!r.vi.is_empty() && !r.en.is_empty(), "{}", r.code);
        if r.policy.is_some() {
            assert!(
                pack.manifest().clauses.contains_key(&r.clause),
                "{}",
                r.clause
            );
        }
    }
    if !d.is_allowed() {
        assert!(!d.reasons.is_empty());
    }
}

// --- Suspending one consumer (Đ16.2.h, ND47 Đ43.2) --------------------------------------

#[test]
fn qd05_16_2_h_suspension_for_a_determined_violation_is_allowed_with_its_notice_duty() {
    let engine = support::engine();
    let answer = engine.decide_suspension(
        &support::world(),
        &suspend(
            "agr.tp.so-tnmt",
            Some("vp.2024.001"),
            "2024-05-17T17:00:00+07:00",
        ),
    );
    assert!(answer.is_allowed(), "{:?}", codes(&answer.decision));
    assert_eq!(codes(&answer.decision), ["consumer_violation"]);
    assert_eq!(
        answer.transitions,
        [Transition {
            agreement: "agr.tp.so-tnmt".parse().unwrap(),
            from: AgreementStatus::Active,
            to: AgreementStatus::Suspended,
            at: at("2024-05-17T17:00:00+07:00"),
        }]
    );
    let Some(Duty::NotifyConsumer {
        consumer,
        must_include,
        clause,
        ..
    }) = answer.decision.duties.first()
    else {
        panic!("a notice duty")
    };
    assert_eq!(consumer.as_str(), "so-tnmt");
    assert_eq!(
        must_include,
        &[
            NoticePart::Violation,
            NoticePart::HandlingPlan,
            NoticePart::RestorationRequirements
        ]
    );
    assert_eq!(clause.as_str(), "QD05/2024 Đ16.2.h");
    assert!(
        answer
            .decision
            .advisories
            .iter()
            .any(|a| a.code == "reading_one_day_notice")
    );
    assert_well_formed(&answer.decision);
}

#[test]
fn qd05_16_2_h_suspension_without_grounds_is_refused() {
    let answer = support::engine().decide_suspension(
        &support::world(),
        &suspend("agr.tp.so-tnmt", None, "2024-05-17T17:00:00+07:00"),
    );
    assert!(!answer.is_allowed());
    assert_eq!(codes(&answer.decision), ["suspension_without_grounds"]);
    assert!(answer.transitions.is_empty());
    assert!(answer.decision.duties.is_empty());
    assert_well_formed(&answer.decision);
}

#[test]
fn qd05_16_2_h_suspension_on_a_violation_not_yet_determined_is_refused() {
    // Recorded as a suspicion, never determined.
    let world = build(with_violation(
        "vp.nghi-van",
        "so-tnmt",
        ViolationKind::UnlawfulTradeOrUse,
        "2024-05-20T09:00:00+07:00",
        None,
    ));
    let answer = support::engine().decide_suspension(
        &world,
        &suspend(
            "agr.tp.so-tnmt",
            Some("vp.nghi-van"),
            "2024-05-21T09:00:00+07:00",
        ),
    );
    assert_eq!(codes(&answer.decision), ["violation_not_determined"]);
    // vp.2024.001 is determined at 16:30: a suspension at 16:00 is too early.
    let early = support::engine().decide_suspension(
        &support::world(),
        &suspend(
            "agr.tp.so-tnmt",
            Some("vp.2024.001"),
            "2024-05-17T16:00:00+07:00",
        ),
    );
    assert_eq!(codes(&early.decision), ["violation_not_determined"]);
}

#[test]
fn qd05_16_2_h_suspension_for_another_partys_violation_is_refused() {
    // vp.2024.001 was committed by so-tnmt, not by ubnd-tuy-hoa.
    let answer = support::engine().decide_suspension(
        &support::world(),
        &suspend(
            "agr.tp.tuy-hoa",
            Some("vp.2024.001"),
            "2024-05-17T17:00:00+07:00",
        ),
    );
    assert_eq!(codes(&answer.decision), ["violator_not_consumer"]);
}

#[test]
fn qd05_16_2_h_an_unsafe_connection_is_grounds_for_suspension() {
    let world = build(with_violation(
        "vp.ket-noi",
        "ubnd-tuy-hoa",
        ViolationKind::UnsafeConnection,
        "2024-06-03T08:00:00+07:00",
        Some("2024-06-03T10:00:00+07:00"),
    ));
    let answer = support::engine().decide_suspension(
        &world,
        &suspend(
            "agr.tp.tuy-hoa",
            Some("vp.ket-noi"),
            "2024-06-03T10:30:00+07:00",
        ),
    );
    assert_eq!(codes(&answer.decision), ["unsafe_connection"]);
    // The violation was not recorded under this agreement: the reading is said.
    assert!(
        answer
            .decision
            .advisories
            .iter()
            .any(|a| a.code == "violation_under_other_agreement")
    );
    assert_eq!(notify_due(&answer), at("2024-06-05T00:00:00+07:00"));
}

#[test]
fn qd05_16_1_g_only_the_provider_may_suspend() {
    let mut request = suspend(
        "agr.tp.so-tnmt",
        Some("vp.2024.001"),
        "2024-05-17T17:00:00+07:00",
    );
    request.provider = "so-khdt".parse().unwrap();
    let answer = support::engine().decide_suspension(&support::world(), &request);
    assert_eq!(codes(&answer.decision), ["not_the_provider"]);
}

#[test]
fn qd05_16_1_g_a_suspended_agreement_cannot_be_suspended_again() {
    let engine = support::engine();
    let mut d = data();
    let first = engine.decide_suspension(
        &build(d.clone()),
        &suspend(
            "agr.tp.so-tnmt",
            Some("vp.2024.001"),
            "2024-05-17T17:00:00+07:00",
        ),
    );
    apply(&mut d, &first.transitions);
    let again = engine.decide_suspension(
        &build(d),
        &suspend(
            "agr.tp.so-tnmt",
            Some("vp.2024.001"),
            "2024-05-18T09:00:00+07:00",
        ),
    );
    assert_eq!(codes(&again.decision), ["agreement_not_active"]);
    assert!(again.transitions.is_empty());
}

#[test]
fn qd05_14_5_an_agreement_whose_term_ended_cannot_be_suspended() {
    // agr.tnmt.phuong-1 ends on 2025-04-01.
    let world = build(with_violation(
        "vp.phuong-1",
        "ubnd-phuong-1",
        ViolationKind::BeyondPermittedScope,
        "2025-05-05T08:00:00+07:00",
        Some("2025-05-05T09:00:00+07:00"),
    ));
    let mut request = suspend(
        "agr.tnmt.phuong-1",
        Some("vp.phuong-1"),
        "2025-05-05T10:00:00+07:00",
    );
    request.provider = "so-tnmt".parse().unwrap();
    let answer = support::engine().decide_suspension(&world, &request);
    assert_eq!(codes(&answer.decision), ["agreement_term_ended"]);
}

#[test]
fn qd05_16_2_h_unknown_references_are_denied_with_their_reason() {
    let answer = support::engine().decide_suspension(
        &support::world(),
        &suspend("agr.ghost", Some("vp.ghost"), "2024-05-17T17:00:00+07:00"),
    );
    assert_eq!(
        codes(&answer.decision),
        ["unknown_agreement", "unknown_violation"]
    );
    assert!(
        answer
            .decision
            .reasons
            .iter()
            .all(|r| r.kind == ReasonKind::UnknownReference)
    );
    assert_well_formed(&answer.decision);
}

// --- The one-day deadline (Đ16.2.h with BLDS2015 Đ147–148) ------------------------------

fn due_for(determined: &str, reading: DayReading) -> (DateTime<FixedOffset>, LifecycleDecision) {
    // agr.tp.tuy-hoa has no fixed term, so any date in force will do.
    let world = build(with_violation(
        "vp.t",
        "ubnd-tuy-hoa",
        ViolationKind::BeyondPermittedScope,
        determined,
        Some(determined),
    ));
    let mut request = suspend("agr.tp.tuy-hoa", Some("vp.t"), determined);
    request.reading = reading;
    let answer = support::engine().decide_suspension(&world, &request);
    (notify_due(&answer), answer)
}

#[test]
fn qd05_16_2_h_blds_148_5_notice_due_across_a_weekend_is_monday_24h() {
    // Friday 17 May 2024, 16:30: Saturday is a day off, so the period ends with Monday.
    let answer = support::engine().decide_suspension(
        &support::world(),
        &suspend(
            "agr.tp.so-tnmt",
            Some("vp.2024.001"),
            "2024-05-17T16:30:00+07:00",
        ),
    );
    assert_eq!(notify_due(&answer), at("2024-05-21T00:00:00+07:00"));
    let Some(Duty::NotifyConsumer { due, .. }) = answer.decision.duties.first() else {
        panic!("a notice duty")
    };
    assert!(due.basis().iter().any(|c| c.as_str() == "BLDS2015 Đ148.5"));
}

#[test]
fn qd05_16_2_h_blds_148_1_notice_due_on_a_weekday_is_the_next_day_24h() {
    let (due, _) = due_for("2024-05-14T11:00:00+07:00", DayReading::CivilCode);
    assert_eq!(due, at("2024-05-16T00:00:00+07:00"));
}

#[test]
fn qd05_16_2_h_blds_148_5_notice_due_across_a_holiday_moves_to_the_next_working_day() {
    // Wednesday 17 April 2024; Thursday 18 April is Hùng Kings' day: due end of Friday 19.
    let (due, _) = due_for("2024-04-17T15:00:00+07:00", DayReading::CivilCode);
    assert_eq!(due, at("2024-04-20T00:00:00+07:00"));
    // Sunday 28 April: Mon 29/04 (swapped off), 30/4 and 1/5 are off: end of Thursday 2 May.
    let (due, _) = due_for("2024-04-28T10:00:00+07:00", DayReading::CivilCode);
    assert_eq!(due, at("2024-05-03T00:00:00+07:00"));
}

#[test]
fn qd05_16_2_h_blds_148_5_notice_due_on_a_swapped_working_saturday_is_not_moved() {
    // Friday 3 May 2024: Saturday 4 May was worked in exchange for Monday 29 April.
    let (due, _) = due_for("2024-05-03T10:00:00+07:00", DayReading::CivilCode);
    assert_eq!(due, at("2024-05-05T00:00:00+07:00"));
}

#[test]
fn qd05_16_2_h_twenty_four_hour_reading_is_offered_and_said() {
    let (due, answer) = due_for("2024-05-17T16:30:00+07:00", DayReading::TwentyFourHours);
    assert_eq!(due, at("2024-05-18T16:30:00+07:00"));
    assert!(
        answer
            .decision
            .advisories
            .iter()
            .any(|a| a.code == "reading_one_day_notice_24h")
    );
}

#[test]
fn qd05_16_2_h_a_calendar_that_does_not_cover_the_last_day_falls_back_to_24_hours() {
    // 31 December 2027: the shipped calendar ends with 2027 (provisional).
    let (due, answer) = due_for("2027-12-31T09:00:00+07:00", DayReading::CivilCode);
    assert_eq!(due, at("2028-01-01T09:00:00+07:00"));
    assert!(
        answer
            .decision
            .advisories
            .iter()
            .any(|a| a.code == "calendar_not_covered_24h")
    );
}

// --- Checking the notice (Đ16.2.h) ------------------------------------------------------

fn notice(to: &str, sent: &str) -> ConsumerNotice {
    ConsumerNotice {
        to: to.parse().unwrap(),
        sent_at: at(sent),
        violation: "Dùng dữ liệu nhân khẩu để lập danh sách tiếp thị.".into(),
        handling_plan: "Tạm ngừng kết nối; kiểm tra nhật ký truy cập.".into(),
        restoration_requirements: "Xóa danh sách; báo cáo bằng văn bản.".into(),
    }
}

fn suspension(notice: Option<ConsumerNotice>) -> Suspension {
    Suspension {
        id: "ts.2024.001".parse().unwrap(),
        agreement: "agr.tp.so-tnmt".parse().unwrap(),
        violation: "vp.2024.001".parse().unwrap(),
        suspended_at: at("2024-05-17T17:00:00+07:00"),
        notice,
        restored_at: None,
    }
}

fn check(s: &Suspension, now: &str) -> lgsp_policy::NoticeCheck {
    support::engine().check_notice(&support::world(), s, at(now), DayReading::CivilCode)
}

#[test]
fn qd05_16_2_h_a_complete_notice_in_time_is_compliant() {
    let c = check(
        &suspension(Some(notice("so-tnmt", "2024-05-20T10:00:00+07:00"))),
        "2024-05-22T09:00:00+07:00",
    );
    assert!(c.is_compliant(), "{:?}", c.findings);
    assert_eq!(c.due, Some(at("2024-05-21T00:00:00+07:00")));
    // 24:00 exactly is still in time (BLDS2015 Đ148.6).
    let c = check(
        &suspension(Some(notice("so-tnmt", "2024-05-20T17:00:00Z"))),
        "2024-05-22T09:00:00+07:00",
    );
    assert!(c.is_compliant(), "{:?}", c.findings);
}

#[test]
fn qd05_16_2_h_a_late_notice_is_a_finding_against_the_provider() {
    let c = check(
        &suspension(Some(notice("so-tnmt", "2024-05-21T09:00:00+07:00"))),
        "2024-05-22T09:00:00+07:00",
    );
    assert_eq!(c.findings.len(), 1);
    let f = &c.findings[0];
    assert_eq!(f.code, "notice_late");
    assert_eq!(f.clause.as_str(), "QD05/2024 Đ16.2.h");
    assert_eq!(f.kind, ReasonKind::Finding);
    assert!(f.detail.as_deref().unwrap().contains("9 h 00 min late"));
    // Read as 24 hours, it was due on Saturday at 16:30: late as well.
    let c24 = support::engine().check_notice(
        &support::world(),
        &suspension(Some(notice("so-tnmt", "2024-05-20T10:00:00+07:00"))),
        at("2024-05-22T09:00:00+07:00"),
        DayReading::TwentyFourHours,
    );
    assert!(c24.has_finding("notice_late"));
}

#[test]
fn qd05_16_2_h_an_incomplete_notice_names_each_missing_part() {
    let mut n = notice("so-tnmt", "2024-05-20T10:00:00+07:00");
    n.handling_plan = "  ".into();
    n.restoration_requirements = String::new();
    let c = check(&suspension(Some(n)), "2024-05-22T09:00:00+07:00");
    let got: Vec<&str> = c.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(
        got,
        [
            "notice_missing_handling_plan",
            "notice_missing_restoration_requirements"
        ]
    );
    assert!(
        c.findings
            .iter()
            .all(|f| f.clause.as_str() == "QD05/2024 Đ16.2.h")
    );
}

#[test]
fn qd05_16_2_h_a_notice_to_another_party_is_a_finding() {
    let c = check(
        &suspension(Some(notice("ubnd-tuy-hoa", "2024-05-20T10:00:00+07:00"))),
        "2024-05-22T09:00:00+07:00",
    );
    assert!(c.has_finding("notice_wrong_addressee"));
}

#[test]
fn qd05_16_2_h_a_notice_not_yet_sent_is_pending_then_a_finding() {
    let before = check(&suspension(None), "2024-05-20T16:00:00+07:00");
    assert!(before.is_compliant());
    assert!(matches!(
        before.pending.as_slice(),
        [Duty::NotifyConsumer { .. }]
    ));
    let after = check(&suspension(None), "2024-05-21T00:00:01+07:00");
    assert!(after.has_finding("notice_not_sent"));
    assert!(after.pending.is_empty());
}

#[test]
fn qd05_16_2_h_a_suspension_recorded_before_the_determination_is_a_finding() {
    let mut s = suspension(Some(notice("so-tnmt", "2024-05-17T18:00:00+07:00")));
    s.suspended_at = at("2024-05-17T16:00:00+07:00"); // vp.2024.001 is determined at 16:30
    let c = check(&s, "2024-05-22T09:00:00+07:00");
    let got: Vec<&str> = c.findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(got, ["violation_not_determined"]);
    // The notice is then counted from the suspension itself.
    assert_eq!(c.due, Some(at("2024-05-21T00:00:00+07:00")));
}

// --- Transitions and access during a suspension (Đ16.2.h, Đ16.1.g) ----------------------

#[test]
fn qd05_16_2_h_access_during_a_suspension_is_denied_and_restoration_reopens_it() {
    let engine = support::engine();
    let mut d = data();
    let read = tnmt_reads("2024-05-20T09:00:00+07:00");
    assert!(engine.decide(&build(d.clone()), &read).is_allowed());

    let suspended = engine.decide_suspension(
        &build(d.clone()),
        &suspend(
            "agr.tp.so-tnmt",
            Some("vp.2024.001"),
            "2024-05-17T17:00:00+07:00",
        ),
    );
    apply(&mut d, &suspended.transitions);
    let denied = engine.decide(&build(d.clone()), &read);
    assert!(!denied.is_allowed());
    assert_eq!(codes(&denied), ["agreement_suspended"]);

    // Restoration needs the requirements met.
    let restore = |met: bool| RestorationRequest {
        provider: "so-tp".parse().unwrap(),
        agreement: "agr.tp.so-tnmt".parse().unwrap(),
        requirements_met: met,
        at: at("2024-05-24T09:00:00+07:00"),
    };
    let refused = engine.decide_restoration(&build(d.clone()), &restore(false));
    assert_eq!(codes(&refused.decision), ["restoration_requirements_unmet"]);
    assert!(refused.transitions.is_empty());

    let restored = engine.decide_restoration(&build(d.clone()), &restore(true));
    assert_eq!(codes(&restored.decision), ["restoration_requirements_met"]);
    assert_eq!(restored.transitions[0].to, AgreementStatus::Active);
    apply(&mut d, &restored.transitions);
    assert!(
        engine
            .decide(&build(d), &tnmt_reads("2024-05-24T10:00:00+07:00"))
            .is_allowed()
    );
}

#[test]
fn qd05_16_1_g_an_active_agreement_cannot_be_restored() {
    let answer = support::engine().decide_restoration(
        &support::world(),
        &RestorationRequest {
            provider: "so-tp".parse().unwrap(),
            agreement: "agr.tp.so-tnmt".parse().unwrap(),
            requirements_met: true,
            at: at("2024-05-24T09:00:00+07:00"),
        },
    );
    assert_eq!(codes(&answer.decision), ["agreement_not_suspended"]);
}

#[test]
fn qd05_16_1_g_termination_from_suspended_is_final() {
    let engine = support::engine();
    let mut d = data();
    let suspended = engine.decide_suspension(
        &build(d.clone()),
        &suspend(
            "agr.tp.so-tnmt",
            Some("vp.2024.001"),
            "2024-05-17T17:00:00+07:00",
        ),
    );
    apply(&mut d, &suspended.transitions);
    let terminate = TerminationRequest {
        provider: "so-tp".parse().unwrap(),
        agreement: "agr.tp.so-tnmt".parse().unwrap(),
        at: at("2024-06-03T09:00:00+07:00"),
    };
    let answer = engine.decide_termination(&build(d.clone()), &terminate);
    assert_eq!(codes(&answer.decision), ["termination_by_provider"]);
    assert!(
        answer
            .decision
            .advisories
            .iter()
            .any(|a| a.code == "reading_termination_grounds")
    );
    assert_eq!(
        (answer.transitions[0].from, answer.transitions[0].to),
        (AgreementStatus::Suspended, AgreementStatus::Terminated)
    );
    apply(&mut d, &answer.transitions);
    let world = build(d);
    assert_eq!(
        codes(&engine.decide(&world, &tnmt_reads("2024-06-04T09:00:00+07:00"))),
        ["agreement_terminated"]
    );
    assert_eq!(
        codes(&engine.decide_termination(&world, &terminate).decision),
        ["agreement_already_terminated"]
    );
    let restore = RestorationRequest {
        provider: "so-tp".parse().unwrap(),
        agreement: "agr.tp.so-tnmt".parse().unwrap(),
        requirements_met: true,
        at: at("2024-06-05T09:00:00+07:00"),
    };
    assert_eq!(
        codes(&engine.decide_restoration(&world, &restore).decision),
        ["agreement_not_suspended"]
    );
}

#[test]
fn qd05_16_1_g_only_the_provider_may_terminate() {
    let answer = support::engine().decide_termination(
        &support::world(),
        &TerminationRequest {
            provider: "so-tnmt".parse().unwrap(),
            agreement: "agr.tp.so-tnmt".parse().unwrap(),
            at: at("2024-06-03T09:00:00+07:00"),
        },
    );
    assert_eq!(codes(&answer.decision), ["not_the_provider"]);
}

// --- Suspending every consumer of a database (ND47 Đ43.1, Đ43.3, Đ43.4) -----------------

fn suspend_all(
    grounds: AllConsumersGrounds,
    notice: Option<PublicNotice>,
    now: &str,
) -> SuspendAllRequest {
    SuspendAllRequest {
        provider: "so-tp".parse().unwrap(),
        database: "csdl-dan-cu".parse().unwrap(),
        grounds,
        // Thursday 2 May 2024: 7 working days back is Wed 17 April, so the notice is due
        // by 24:00 on Tuesday 16 April.
        starts_at: at("2024-05-02T08:00:00+07:00"),
        notice,
        at: at(now),
    }
}

fn public_notice(published: &str, restoration: bool) -> PublicNotice {
    PublicNotice {
        published_at: at(published),
        expected_restoration: restoration.then(|| at("2024-05-02T17:00:00+07:00")),
        text: "Bảo trì hệ thống CSDL dân cư.".into(),
    }
}

#[test]
fn nd47_43_3_maintenance_with_notice_in_time_suspends_every_consumer() {
    let answer = support::engine().decide_suspend_all(
        &support::world(),
        &suspend_all(
            AllConsumersGrounds::Maintenance,
            Some(public_notice("2024-04-16T23:59:00+07:00", true)),
            "2024-04-30T09:00:00+07:00",
        ),
    );
    assert_eq!(codes(&answer.decision), ["maintenance"]);
    let mut suspended: Vec<&str> = answer
        .transitions
        .iter()
        .map(|t| t.agreement.as_str())
        .collect();
    suspended.sort_unstable();
    assert_eq!(
        suspended,
        ["agr.tp.bo-tp", "agr.tp.so-tnmt", "agr.tp.tuy-hoa"]
    );
    assert!(
        answer
            .transitions
            .iter()
            .all(|t| t.to == AgreementStatus::Suspended && t.at == at("2024-05-02T08:00:00+07:00"))
    );
    assert!(answer.decision.duties.is_empty(), "the notice is out");
}

#[test]
fn nd47_43_3_maintenance_notice_too_late_is_refused() {
    let answer = support::engine().decide_suspend_all(
        &support::world(),
        &suspend_all(
            AllConsumersGrounds::Maintenance,
            Some(public_notice("2024-04-17T00:00:01+07:00", true)),
            "2024-04-30T09:00:00+07:00",
        ),
    );
    assert_eq!(codes(&answer.decision), ["maintenance_notice_too_late"]);
    assert_eq!(
        answer.decision.reasons[0].clause.as_str(),
        "ND47/2020 Đ43.3"
    );
    assert!(answer.transitions.is_empty());
}

#[test]
fn nd47_43_3_maintenance_notice_without_the_restoration_time_is_refused() {
    let answer = support::engine().decide_suspend_all(
        &support::world(),
        &suspend_all(
            AllConsumersGrounds::Maintenance,
            Some(public_notice("2024-04-10T09:00:00+07:00", false)),
            "2024-04-30T09:00:00+07:00",
        ),
    );
    assert_eq!(
        codes(&answer.decision),
        ["maintenance_notice_without_restoration_time"]
    );
}

#[test]
fn nd47_43_3_planned_maintenance_returns_the_public_notice_duty_until_it_is_too_late() {
    let engine = support::engine();
    let planned = engine.decide_suspend_all(
        &support::world(),
        &suspend_all(
            AllConsumersGrounds::Maintenance,
            None,
            "2024-04-10T09:00:00+07:00",
        ),
    );
    assert!(planned.is_allowed());
    let Some(Duty::PublicNotice {
        due,
        must_include,
        consumers,
        ..
    }) = planned.decision.duties.first()
    else {
        panic!("a public notice duty")
    };
    assert_eq!(*due, Some(at("2024-04-17T00:00:00+07:00")));
    assert_eq!(must_include, &[NoticePart::ExpectedRestorationTime]);
    assert_eq!(consumers.len(), 3);
    let too_late = engine.decide_suspend_all(
        &support::world(),
        &suspend_all(
            AllConsumersGrounds::Maintenance,
            None,
            "2024-04-17T08:00:00+07:00",
        ),
    );
    assert_eq!(codes(&too_late.decision), ["maintenance_notice_too_late"]);
}

#[test]
fn nd47_43_1_force_majeure_suspends_every_consumer_without_advance_notice() {
    let answer = support::engine().decide_suspend_all(
        &support::world(),
        &suspend_all(
            AllConsumersGrounds::ForceMajeure,
            None,
            "2024-05-02T08:00:00+07:00",
        ),
    );
    assert_eq!(codes(&answer.decision), ["force_majeure"]);
    assert_eq!(answer.transitions.len(), 3);
    let Some(Duty::PublicNotice { due, clause, .. }) = answer.decision.duties.first() else {
        panic!("a notice by appropriate means")
    };
    assert_eq!(*due, None);
    assert_eq!(clause.as_str(), "ND47/2020 Đ43.4");
}

#[test]
fn nd47_43_1_other_grounds_and_other_agencies_are_refused() {
    let engine = support::engine();
    let other = engine.decide_suspend_all(
        &support::world(),
        &suspend_all(
            AllConsumersGrounds::Other,
            None,
            "2024-05-02T08:00:00+07:00",
        ),
    );
    assert_eq!(codes(&other.decision), ["suspension_all_without_grounds"]);
    let mut request = suspend_all(
        AllConsumersGrounds::ForceMajeure,
        None,
        "2024-05-02T08:00:00+07:00",
    );
    request.provider = "so-khdt".parse().unwrap();
    let not_manager = engine.decide_suspend_all(&support::world(), &request);
    assert_eq!(codes(&not_manager.decision), ["not_the_provider"]);
}

#[test]
fn nd47_43_3_working_days_the_calendar_does_not_cover_are_never_guessed() {
    // 7 working days before Wednesday 5 January 2028 reach into 2028, which the shipped
    // calendar does not cover.
    let mut request = suspend_all(
        AllConsumersGrounds::Maintenance,
        Some(public_notice("2027-12-01T09:00:00+07:00", true)),
        "2027-12-02T09:00:00+07:00",
    );
    request.starts_at = at("2028-01-05T08:00:00+07:00");
    let answer = support::engine().decide_suspend_all(&support::world(), &request);
    assert_eq!(codes(&answer.decision), ["calendar_not_covered"]);
    assert!(answer.transitions.is_empty());
    assert_well_formed(&answer.decision);
}

#[test]
fn nd47_43_3_a_recorded_public_notice_is_checked_by_the_same_rules() {
    let engine = support::engine();
    let record = |notice| DatabaseSuspension {
        id: "bt.2024.001".parse().unwrap(),
        database: "csdl-dan-cu".parse().unwrap(),
        grounds: AllConsumersGrounds::Maintenance,
        starts_at: at("2024-05-02T08:00:00+07:00"),
        notice,
        restored_at: None,
    };
    let now = at("2024-05-02T08:00:00+07:00");
    let late = engine.check_public_notice(
        &support::world(),
        &record(Some(public_notice("2024-04-22T09:00:00+07:00", true))),
        now,
    );
    assert!(late.has_finding("maintenance_notice_too_late"));
    assert!(late.findings.iter().all(|f| f.kind == ReasonKind::Finding));
    assert_eq!(late.due, Some(at("2024-04-17T00:00:00+07:00")));
    let fine = engine.check_public_notice(
        &support::world(),
        &record(Some(public_notice("2024-04-15T09:00:00+07:00", true))),
        now,
    );
    assert!(fine.is_compliant(), "{:?}", fine.findings);
    let missing = engine.check_public_notice(&support::world(), &record(None), now);
    assert!(missing.has_finding("maintenance_notice_too_late"));
}

// --- Refusals (Đ16.1.đ, Đ18) ------------------------------------------------------------

fn direct_request() -> AccessRequest {
    AccessRequest::new(
        "acc.tuy-hoa.dan-cu".parse().unwrap(),
        Action::Query,
        "dan-cu.nhan-khau".parse().unwrap(),
        Channel::Direct,
        "administrative-procedures".parse().unwrap(),
        at("2024-06-03T09:00:00+07:00"),
    )
}

#[test]
fn qd05_16_1_dd_a_refusal_drafted_from_a_deny_is_valid_once_the_authority_is_notified() {
    let engine = support::engine();
    let world = support::world();
    let request = direct_request();
    let decision = engine.decide(&world, &request);
    assert!(!decision.is_allowed());
    let mut draft = engine
        .draft_refusal(&request, &decision, "tc.2024.001".parse().unwrap())
        .unwrap();
    assert_eq!(draft.provider.as_str(), "so-tp");
    assert_eq!(draft.requester.as_str(), "ubnd-tuy-hoa");
    assert_eq!(draft.authority.as_ref().unwrap().as_str(), "so-tttt");
    assert_eq!(draft.grounds.len(), decision.reasons.len());
    assert!(draft.grounds.iter().all(|g| g.clause.is_some()));
    let check = engine.check_refusal(&world, &draft);
    assert_eq!(
        check
            .findings
            .iter()
            .map(|f| f.code.as_str())
            .collect::<Vec<_>>(),
        ["refusal_authority_not_notified"]
    );
    draft.notified_at = Some(at("2024-06-03T10:00:00+07:00"));
    assert!(engine.check_refusal(&world, &draft).is_valid());
}

#[test]
fn qd05_16_1_dd_an_allowed_request_has_no_refusal_to_draft() {
    let engine = support::engine();
    let request = tnmt_reads("2024-05-20T09:00:00+07:00");
    let decision = engine.decide(&support::world(), &request);
    assert!(decision.is_allowed());
    assert!(
        engine
            .draft_refusal(&request, &decision, "tc.x".parse().unwrap())
            .is_none()
    );
}

#[test]
fn qd05_16_1_dd_a_provider_written_refusal_needs_stated_grounded_reasons_and_the_right_authority() {
    let engine = support::engine();
    let world = support::world();
    let mut refusal = lgsp_policy::records::Refusal {
        id: "tc.2024.002".parse().unwrap(),
        provider: "so-tp".parse().unwrap(),
        requester: "so-tnmt".parse().unwrap(),
        at: at("2024-06-03T09:00:00+07:00"),
        dataset: Some("dan-cu.nhan-khau".parse().unwrap()),
        grounds: Vec::new(),
        authority: Some("so-khdt".parse().unwrap()),
        notified_at: Some(at("2024-06-03T10:00:00+07:00")),
    };
    let check = engine.check_refusal(&world, &refusal);
    assert!(check.has_finding("refusal_without_reasons"));
    assert!(check.has_finding("refusal_wrong_authority"));
    assert!(
        check
            .findings
            .iter()
            .all(|f| f.clause.as_str() == "QD05/2024 Đ16.1.đ")
    );
    refusal.grounds = vec![
        RefusalGround {
            code: None,
            clause: None,
            vi: "Không phù hợp.".into(),
            en: String::new(),
        },
        RefusalGround {
            code: None,
            clause: Some("QD05/2024 Đ17.2.b".parse().unwrap()),
            vi: String::new(),
            en: String::new(),
        },
    ];
    refusal.authority = Some("so-tttt".parse().unwrap());
    let check = engine.check_refusal(&world, &refusal);
    let got: Vec<(&str, Option<&str>)> = check
        .findings
        .iter()
        .map(|f| (f.code.as_str(), f.detail.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("refusal_reason_not_grounded", Some("reason 1")),
            ("refusal_reason_not_stated", Some("reason 2")),
        ]
    );
}

// --- Usage reports (Đ16.1.e) ------------------------------------------------------------

fn usage(agreement: &str, violation: Option<&str>, when: &str) -> UsageReportRequest {
    UsageReportRequest {
        provider: "so-tp".parse().unwrap(),
        agreement: agreement.parse().unwrap(),
        violation: violation.map(|v| v.parse().unwrap()),
        at: at(when),
    }
}

#[test]
fn qd05_16_1_e_a_usage_report_on_a_recorded_suspicion_is_allowed() {
    // A suspicion is enough: signs, not a determined violation.
    let world = build(with_violation(
        "vp.dau-hieu",
        "ubnd-tuy-hoa",
        ViolationKind::UnlawfulTradeOrUse,
        "2024-06-03T08:00:00+07:00",
        None,
    ));
    let answer = support::engine().decide_usage_report(
        &world,
        &usage(
            "agr.tp.tuy-hoa",
            Some("vp.dau-hieu"),
            "2024-06-03T09:00:00+07:00",
        ),
    );
    assert_eq!(codes(&answer.decision), ["signs_of_unlawful_use"]);
    assert!(answer.transitions.is_empty());
    assert!(matches!(
        answer.decision.duties.as_slice(),
        [Duty::ReportUsage { consumer, .. }] if consumer.as_str() == "ubnd-tuy-hoa"
    ));
}

#[test]
fn qd05_16_1_e_a_usage_report_without_signs_is_refused() {
    let engine = support::engine();
    let none = engine.decide_usage_report(
        &support::world(),
        &usage("agr.tp.tuy-hoa", None, "2024-06-03T09:00:00+07:00"),
    );
    assert_eq!(codes(&none.decision), ["no_signs_of_unlawful_use"]);
    // vp.2024.001 was recorded on 16 May 2024 at 15:00: not yet a sign before then.
    let early = engine.decide_usage_report(
        &support::world(),
        &usage(
            "agr.tp.so-tnmt",
            Some("vp.2024.001"),
            "2024-05-16T14:00:00+07:00",
        ),
    );
    assert_eq!(codes(&early.decision), ["no_signs_of_unlawful_use"]);
    let other = engine.decide_usage_report(
        &support::world(),
        &usage(
            "agr.tp.tuy-hoa",
            Some("vp.2024.001"),
            "2024-06-03T09:00:00+07:00",
        ),
    );
    assert_eq!(codes(&other.decision), ["violator_not_consumer"]);
    assert_well_formed(&other.decision);
}

// --- Records in the world (for the duties report) ---------------------------------------

#[test]
fn qd05_16_2_h_suspension_and_refusal_records_live_in_world_data() {
    let engine = support::engine();
    let mut d = data();
    d.suspensions.push(suspension(Some(notice(
        "so-tnmt",
        "2024-05-21T09:00:00+07:00",
    ))));
    let request = direct_request();
    let decision = engine.decide(&support::world(), &request);
    d.refusals.push(
        engine
            .draft_refusal(&request, &decision, "tc.2024.001".parse().unwrap())
            .unwrap(),
    );
    let world = build(d.clone());
    assert_eq!(world.suspensions().count(), 1);
    assert_eq!(world.refusals().count(), 1);
    // A serde round trip keeps them.
    let text = serde_json::to_string(&world).unwrap();
    let again = World::from_json(&text).unwrap();
    assert_eq!(again.to_data(), world.to_data());

    let mut dangling = d.clone();
    dangling.suspensions[0].violation = "vp.ghost".parse().unwrap();
    assert!(matches!(
        World::new(dangling),
        Err(WorldError::DanglingReference {
            kind: "suspension",
            field: "violation",
            ..
        })
    ));
    let mut backwards = d;
    backwards.suspensions[0].restored_at = Some(at("2024-05-01T00:00:00+07:00"));
    assert!(matches!(
        World::new(backwards),
        Err(WorldError::RestoredBeforeSuspended { .. })
    ));
}

#[test]
fn lifecycle_rules_load_with_the_builtin_pack_and_cite_listed_clauses() {
    let engine: Engine = support::engine();
    let pack = &engine.packs()[0];
    let lifecycle: Vec<_> = pack
        .rules()
        .filter(|r| r.file == "lifecycle.cedar")
        .collect();
    assert!(lifecycle.len() >= 20, "{}", lifecycle.len());
    for r in lifecycle {
        assert!(pack.manifest().clauses.contains_key(&r.clause), "{}", r.id);
    }
}

// --- The shipped lifecycle cases (data, for other implementations too) ------------------

#[test]
fn shipped_lifecycle_cases_decide_as_expected() {
    let suite = lgsp_policy::authoring::PackTestSuite::from_json(support::LIFECYCLE_CASES).unwrap();
    assert!(suite.cases.len() >= 25, "the suite has its cases");
    let report = lgsp_policy::authoring::run_pack_tests(
        &support::engine(),
        &support::world(),
        &suite.calendar.calendar(),
        &suite.cases,
    );
    let mut failures = Vec::new();
    for c in &report.cases {
        assert_well_formed(&c.decision);
        if !c.passed {
            failures.push(format!(
                "{} [{}]: got {:?} {:?}, want {:?} {:?}; {}",
                c.name,
                c.clause,
                c.outcome,
                c.reasons,
                c.expected.outcome,
                c.expected.reasons,
                c.problems.join("; ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// --- Properties of the one-day notice ----------------------------------------------------

mod properties {
    use super::*;
    use lgsp_policy::time::{Period, deadline};
    use proptest::prelude::*;

    static ENGINE: std::sync::OnceLock<Engine> = std::sync::OnceLock::new();

    /// 2024-03-05 (the pack's first day) to 2026-03-04, in seconds since the epoch.
    const FROM: i64 = 1_709_571_600;
    const UNTIL: i64 = 1_772_557_200;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whenever a violation is determined, the suspension's notice duty is the Civil
        /// Code deadline from that moment: after it, at 24:00 local; a notice sent at the
        /// deadline is in time and one second later is late (QD05/2024 Đ16.2.h).
        #[test]
        fn qd05_16_2_h_notice_due_is_the_civil_code_day_and_the_check_agrees(
            seconds in FROM..UNTIL,
            reading in prop_oneof![Just(DayReading::CivilCode), Just(DayReading::TwentyFourHours)],
        ) {
            let determined = DateTime::from_timestamp(seconds, 0)
                .unwrap()
                .with_timezone(&lgsp_policy::time::VIETNAM_OFFSET);
            let text = determined.to_rfc3339();
            let world = build(with_violation(
                "vp.p",
                "so-tnmt",
                ViolationKind::BeyondPermittedScope,
                &text,
                Some(&text),
            ));
            let mut request = suspend("agr.tp.so-tnmt", Some("vp.p"), &text);
            request.reading = reading;
            let engine = ENGINE.get_or_init(support::engine);
            let answer = engine.decide_suspension(&world, &request);
            prop_assert!(answer.is_allowed(), "{:?}", codes(&answer.decision));
            let due = notify_due(&answer);
            let expected = deadline(determined, Period::Days(1), &calendar(), reading).unwrap();
            prop_assert_eq!(due, expected.due());
            prop_assert!(due > determined);
            if reading == DayReading::CivilCode {
                prop_assert_eq!(due.format("%H:%M:%S").to_string(), "00:00:00");
            }
            for (sent, late) in [(due, false), (due + chrono::Duration::seconds(1), true)] {
                let mut n = notice("so-tnmt", &sent.to_rfc3339());
                n.sent_at = sent;
                let record = Suspension {
                    id: "ts.p".parse().unwrap(),
                    agreement: "agr.tp.so-tnmt".parse().unwrap(),
                    violation: "vp.p".parse().unwrap(),
                    suspended_at: determined,
                    notice: Some(n),
                    restored_at: None,
                };
                let check = engine.check_notice(&world, &record, sent, reading);
                prop_assert_eq!(check.has_finding("notice_late"), late);
                prop_assert_eq!(check.findings.len(), usize::from(late));
            }
        }
    }
}
