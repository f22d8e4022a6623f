//! Fail closed: a `forbid` that errors at run time makes the engine deny with
//! `evaluation_error`, where plain Cedar skips the erroring policy and allows.

use std::str::FromStr;

use cedar_policy::{Authorizer, Context, Decision as CedarDecision, Entities, PolicySet, Request};
use lgsp_policy::{AccessRequest, Action, Channel, Engine, Outcome, RulePack, World};

/// `offset` by ~292 million years overflows Cedar's datetime (milliseconds in an i64) for
/// every instant after 1973: an extension-function error on data, at run time. The
/// validator cannot see it coming.
const OVERFLOWING_FORBID: &str = r#"
@id("test.overflowing-forbid")
@clause("QD05/2024 Đ14.5")
@reason("test_overflow")
@vi("Chính sách kiểm thử luôn lỗi khi đánh giá.")
@en("A test policy that always fails to evaluate.")
forbid (principal, action in Lgsp::Action::"access", resource)
when { context.now.offset(duration("106751990000d")) > context.now };
"#;

/// The same overflow, but on the agreement's start: it errors for agreements that start
/// after 1973 and evaluates cleanly for earlier ones.
const OVERFLOW_ON_AGREEMENT_START: &str = r#"
@id("test.overflow-on-agreement")
@clause("QD05/2024 Đ14.5")
@reason("test_overflow")
@vi("Chính sách kiểm thử lỗi với thỏa thuận bắt đầu sau năm 1973.")
@en("A test policy that fails to evaluate for agreements starting after 1973.")
forbid (principal, action in Lgsp::Action::"access", resource)
when {
  context has agreement &&
  context.agreement.start.offset(duration("106751990000d")) < context.agreement.start
};
"#;

fn pack_with(extra: &str) -> RulePack {
    crate::support::builtin_pack_with(extra)
}

fn allowed_request() -> AccessRequest {
    AccessRequest::from_json(
        r#"{"account": "acc.tuy-hoa.dan-cu", "action": "query", "dataset": "dan-cu.nhan-khau",
            "channel": "lgsp", "purpose": "administrative-procedures",
            "at": "2024-06-03T09:30:00+07:00", "subject_requested": true}"#,
    )
    .unwrap()
}

#[test]
fn plain_cedar_skips_an_erroring_forbid_and_allows() {
    let policies = PolicySet::from_str(&format!(
        "permit (principal, action, resource);\n{}",
        OVERFLOWING_FORBID.replace(r#" in Lgsp::Action::"access""#, "")
    ))
    .unwrap();
    let context = Context::from_json_value(
        serde_json::json!({"now": {"__extn": {"fn": "datetime", "arg": "2024-06-03T09:30:00.000+0700"}}}),
        None,
    )
    .unwrap();
    let request = Request::new(
        r#"Lgsp::Account::"a""#.parse().unwrap(),
        r#"Lgsp::Action::"query""#.parse().unwrap(),
        r#"Lgsp::Dataset::"d""#.parse().unwrap(),
        context,
        None,
    )
    .unwrap();
    let response = Authorizer::new().is_authorized(&request, &policies, &Entities::empty());
    assert_eq!(response.decision(), CedarDecision::Allow);
    assert_eq!(
        response.diagnostics().errors().count(),
        1,
        "the forbid errored"
    );
}

#[test]
fn qd05_17_1_an_erroring_forbid_makes_the_engine_deny_with_evaluation_error() {
    let world = crate::support::world();
    let request = allowed_request();
    // The built-in pack allows the request...
    let builtin = crate::support::engine().decide(&world, &request);
    assert!(builtin.is_allowed(), "{:?}", builtin.reasons);
    // ...the same pack plus a forbid that errors denies it, saying why.
    let engine = Engine::new(pack_with(OVERFLOWING_FORBID));
    let d = engine.decide(&world, &request);
    assert_eq!(d.outcome, Outcome::Deny);
    let codes: Vec<&str> = d.reason_codes().collect();
    assert_eq!(codes, ["evaluation_error"]);
    let reason = &d.reasons[0];
    assert_eq!(
        reason.policy.as_ref().map(|p| p.as_str()),
        Some("test.overflowing-forbid")
    );
    assert!(
        reason
            .detail
            .as_deref()
            .is_some_and(|m| m.contains("overflow")),
        "{reason:?}"
    );
}

/// Regression (found by the reference model's reading of candidates): an agreement whose
/// evaluation errors is a deny under that agreement — it must not stop the engine from
/// allowing under another agreement that establishes the right cleanly.
#[test]
fn qd05_14_5_an_agreement_that_fails_to_evaluate_does_not_hide_a_valid_one() {
    let mut data = crate::support::world().to_data();
    let request = allowed_request();
    let original = data
        .agreements
        .iter()
        .find(|g| g.id.as_str() == "agr.tp.tuy-hoa")
        .cloned()
        .unwrap();
    // Two agreements between the same parties: `agr.a` (first by id) starts in 2024 and
    // makes the test forbid error; `agr.b` started in 1970 and evaluates cleanly.
    data.agreements.retain(|g| g.id != original.id);
    let mut a = original.clone();
    a.id = "agr.a".parse().unwrap();
    let mut b = original;
    b.id = "agr.b".parse().unwrap();
    b.term.start = "1970-01-01T00:00:00+07:00".parse().unwrap();
    data.agreements.extend([a, b]);
    let world = World::new(data).unwrap();

    let engine = Engine::new(pack_with(OVERFLOW_ON_AGREEMENT_START));
    let d = engine.decide(&world, &request);
    assert!(d.is_allowed(), "{:?}", d.reasons);
    assert_eq!(d.agreement.as_ref().map(|g| g.as_str()), Some("agr.b"));

    // With only the erroring agreement, the engine fails closed.
    let mut data = world.to_data();
    data.agreements.retain(|g| g.id.as_str() != "agr.b");
    let world = World::new(data).unwrap();
    let d = engine.decide(&world, &request);
    assert_eq!(d.outcome, Outcome::Deny);
    assert!(d.has_reason("evaluation_error"), "{:?}", d.reasons);
    let _ = (Action::Query, Channel::Lgsp);
}

/// A time written in the year 9999 that is in the year 10000 in UTC, the form Cedar is
/// given it in, cannot be compared: the decision fails closed with `evaluation_error`
/// (found by the reference-model property, whose model now says so too).
#[test]
fn qd05_17_1_a_time_past_the_year_9999_in_utc_is_an_evaluation_error() {
    let world = crate::support::world();
    let mut request = allowed_request();
    request.at = "9999-12-31T12:00:00-12:00".parse().unwrap();
    let decision = crate::support::engine().decide(&world, &request);
    assert_eq!(decision.outcome, Outcome::Deny);
    assert_eq!(
        decision.reason_codes().collect::<Vec<_>>(),
        ["evaluation_error"]
    );
    // One hour earlier it is still 9999 in UTC, and the rules decide (here: the
    // agreement's term and the evaluation year, long past).
    request.at = "9999-12-31T11:00:00-12:00".parse().unwrap();
    let decision = crate::support::engine().decide(&world, &request);
    assert!(!decision.has_reason("evaluation_error"), "{decision:?}");
}
