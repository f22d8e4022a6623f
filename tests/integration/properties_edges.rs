//! The invariants the edge defects broke, as properties over generated worlds: each holds
//! for every request the strategies draw (several agreements per pair, instants around
//! every edge, notices dated either side of the decision).

use chrono::TimeDelta;
use lgsp_policy::duties::{DutyKind, DutySubject};
use lgsp_policy::records::{DataClass, SharingAgreement};
use lgsp_policy::strategies::{
    WorldSize, requests_for, suspend_all_requests_for, suspension_requests_for, world,
};
use lgsp_policy::time::Calendar;
use lgsp_policy::{AccessRequest, Decision, Engine, LifecycleDecision, Outcome, ReasonKind, World};
use proptest::prelude::*;
use proptest::test_runner::Config;

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

static ENGINE: std::sync::LazyLock<Engine> =
    std::sync::LazyLock::new(|| Engine::builtin().expect("the built-in pack loads"));

/// How far an agreement is from covering the request: the dataset, then the purpose,
/// then the method (false = covered).
fn distance(g: &SharingAgreement, r: &AccessRequest) -> (bool, bool, bool) {
    (
        !g.datasets.contains(&r.dataset),
        !g.purposes.contains(&r.purpose),
        !g.methods.contains(&r.action.method()),
    )
}

fn gist(d: &Decision) -> (Outcome, Vec<String>, String) {
    (
        d.outcome,
        d.reason_codes().map(str::to_owned).collect(),
        serde_json::to_string(&d.duties).unwrap_or_default(),
    )
}

fn moved_in_term(world: &World, answer: &LifecycleDecision) -> Result<(), TestCaseError> {
    for t in &answer.transitions {
        let g = world.agreement(&t.agreement).unwrap();
        prop_assert!(
            g.term.contains(t.at),
            "{} moved at {} outside its term {:?}",
            g.id,
            t.at,
            g.term
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(400))]

    /// QD05/2024 Đ16.1.đ: a refusal of shared or restricted data rests on the agreement
    /// the request is about — no candidate covers the request better than the one named.
    #[test]
    fn qd05_16_1_dd_a_denial_rests_on_the_agreement_closest_to_the_request(
        (w, requests) in world(WorldSize::SMALL).prop_flat_map(|w| {
            let r = prop::collection::vec(requests_for(&w), 8);
            (Just(w), r)
        })
    ) {
        for r in &requests {
            let d = ENGINE.decide(&w, r);
            let (Some(account), Some(dataset)) = (w.account(&r.account), w.dataset(&r.dataset))
            else { continue };
            if d.outcome != Outcome::Deny
                || !matches!(dataset.class, DataClass::Shared | DataClass::Restricted)
            {
                continue;
            }
            let Some(provider) = w.provider_of(&r.dataset) else { continue };
            let candidates: Vec<&SharingAgreement> =
                w.agreements_between(&account.holder, provider).collect();
            let Some(chosen) = d.agreement.as_ref() else {
                prop_assert!(candidates.is_empty() || !d.has_reason("dataset_not_in_agreement"));
                continue;
            };
            let chosen = w.agreement(chosen).unwrap();
            let best = candidates.iter().map(|g| distance(g, r)).min().unwrap();
            prop_assert_eq!(distance(chosen, r), best, "{:?}\n{:?}", r, d);
            // When one covers the request, the reasons name no gap in coverage.
            if best == (false, false, false) {
                for code in ["dataset_not_in_agreement", "purpose_not_in_agreement", "method_not_in_agreement"] {
                    prop_assert!(!d.has_reason(code), "{code}: {r:?}\n{d:?}");
                }
            }
        }
    }

    /// ND47/2020 Đ43.1, QD05/2024 Đ14.5: no suspension, of one consumer or of all, moves
    /// an agreement outside its term.
    #[test]
    fn nd47_43_1_a_suspension_never_moves_an_agreement_outside_its_term(
        (w, one, all) in world(WorldSize::SMALL).prop_flat_map(|w| {
            let calendar = Calendar::vietnam_public_sector();
            let one = prop::collection::vec(suspension_requests_for(&w), 4);
            let all = prop::collection::vec(suspend_all_requests_for(&w, &calendar), 4);
            (Just(w), one, all)
        })
    ) {
        let calendar = Calendar::vietnam_public_sector();
        for r in &one {
            moved_in_term(&w, &ENGINE.clone().with_calendar(calendar.clone()).decide_suspension(&w, r))?;
        }
        for r in &all {
            moved_in_term(&w, &ENGINE.clone().with_calendar(calendar.clone()).decide_suspend_all(&w, r))?;
        }
    }

    /// ND47/2020 Đ43.3, Đ43.4: a notice dated after the decision is not yet out, so the
    /// decision is the one without it — no duty is dropped because of it.
    #[test]
    fn nd47_43_3_a_notice_dated_after_the_decision_changes_nothing(
        (w, all, later) in world(WorldSize::SMALL).prop_flat_map(|w| {
            let calendar = Calendar::vietnam_public_sector();
            let all = prop::collection::vec(suspend_all_requests_for(&w, &calendar), 4);
            (Just(w), all, prop::sample::select(vec![1i64, 1_000, 3_600_000, 86_400_000 * 3]))
        })
    ) {
        let calendar = Calendar::vietnam_public_sector();
        for r in &all {
            let Some(mut notice) = r.notice.clone() else { continue };
            let Some(after) = r.at.checked_add_signed(TimeDelta::milliseconds(later)) else {
                continue;
            };
            notice.published_at = after;
            let future = lgsp_policy::SuspendAllRequest { notice: Some(notice), ..r.clone() };
            let none = lgsp_policy::SuspendAllRequest { notice: None, ..r.clone() };
            let a = ENGINE.clone().with_calendar(calendar.clone()).decide_suspend_all(&w, &future);
            let b = ENGINE.clone().with_calendar(calendar.clone()).decide_suspend_all(&w, &none);
            prop_assert_eq!(gist(&a.decision), gist(&b.decision), "{:?}", future);
            prop_assert_eq!(a.transitions, b.transitions);
        }
    }
}

proptest! {
    #![proptest_config(config(300))]

    /// QD05/2024 Đ4.3, Đ6.2 (BLDS2015 Đ148.5): the access rule and the duties report count
    /// the year since an evaluation alike — open or public data is refused as
    /// `evaluation_expired` exactly from the due date the report gives the evaluation.
    #[test]
    fn qd05_6_2_access_and_the_duties_report_agree_on_every_evaluation_expiry(
        (w, requests) in world(WorldSize::SMALL).prop_flat_map(|w| {
            let r = prop::collection::vec(requests_for(&w), 12);
            (Just(w), r)
        })
    ) {
        for r in &requests {
            let Some(dataset) = w.dataset(&r.dataset) else { continue };
            if !matches!(dataset.class, DataClass::Open | DataClass::Public) {
                continue;
            }
            let Some(db) = w.database(&dataset.database) else { continue };
            if db.last_evaluated.is_none() {
                continue;
            }
            let d = ENGINE.decide(&w, r);
            let early = d.reasons.iter().any(|x| {
                matches!(
                    x.kind,
                    ReasonKind::UnknownReference
                        | ReasonKind::EvaluationError
                        | ReasonKind::NoPackInForce
                )
            });
            if early {
                continue;
            }
            let Ok(report) = ENGINE.duties_report(&w, r.at, chrono::Days::new(3660))
            else {
                continue;
            };
            let due = report
                .of_kind(DutyKind::AnnualEvaluation)
                .find(|e| e.subject == DutySubject::Database(db.id.clone()))
                .and_then(|e| e.due);
            prop_assert!(due.is_some(), "no evaluation duty for {} at {}", db.id, r.at);
            let due = due.unwrap_or(r.at);
            prop_assert_eq!(
                d.has_reason("evaluation_expired"),
                r.at >= due,
                "{} evaluated {:?}, due {}, request at {}: {:?}",
                db.id,
                db.last_evaluated,
                due,
                r.at,
                d.reason_codes().collect::<Vec<_>>()
            );
        }
    }
}
