//! Decision validity: a decision states until when it stays true if the world does not
//! change (`Decision::valid_until`), so a gateway may cache it. Deciding the same request
//! again at any instant in `[at, valid_until)` must give the same decision, and the same
//! `valid_until`.

use std::sync::OnceLock;

use chrono::{DateTime, Duration, FixedOffset, TimeZone};
use lgsp_policy::{AccessRequest, Action, Channel, Decision, Duty, Engine, World};
use proptest::prelude::*;

use crate::support;

fn fixtures() -> &'static (World, Engine) {
    static FIXTURES: OnceLock<(World, Engine)> = OnceLock::new();
    FIXTURES.get_or_init(|| (support::world(), support::engine()))
}

/// What must not change within the validity window. The log duty's `at` and `keep_until`
/// follow the request's own time, not the world's, so they are left out; so is a reason's
/// free-text detail (it may name the request's date).
#[derive(Debug, PartialEq, Eq)]
struct Essence {
    outcome: lgsp_policy::Outcome,
    reasons: Vec<(String, String, Option<String>)>,
    duties: Vec<String>,
    advisories: Vec<String>,
    pack: Option<String>,
    agreement: Option<String>,
    valid_until: Option<DateTime<FixedOffset>>,
}

fn essence(d: &Decision) -> Essence {
    Essence {
        outcome: d.outcome,
        reasons: d
            .reasons
            .iter()
            .map(|r| {
                (
                    r.code.clone(),
                    r.clause.to_string(),
                    r.policy.as_ref().map(ToString::to_string),
                )
            })
            .collect(),
        duties: d
            .duties
            .iter()
            .map(|duty| match duty {
                Duty::LogRequest {
                    provider,
                    consumer,
                    account,
                    dataset,
                    action,
                    ..
                } => format!("log {provider} {consumer} {account} {dataset} {action:?}"),
                Duty::ReportRefusal {
                    provider,
                    requester,
                    authority,
                    reasons,
                    ..
                } => format!("refusal {provider} {requester} {authority:?} {reasons:?}"),
                other => format!("{other:?}"),
            })
            .collect(),
        advisories: d.advisories.iter().map(|a| a.code.clone()).collect(),
        pack: d.pack.as_ref().map(|p| format!("{}@{}", p.id, p.version)),
        agreement: d.agreement.as_ref().map(ToString::to_string),
        valid_until: d.valid_until,
    }
}

fn vn() -> FixedOffset {
    lgsp_policy::time::VIETNAM_OFFSET
}

/// Instants from 2023 (before the pack) to 2027 (after the merger and the decrees that
/// followed), in seconds, with a bias towards the days the shipped province's times fall on.
fn instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
    let start = vn().with_ymd_and_hms(2023, 1, 1, 0, 0, 0).unwrap();
    let notable: Vec<DateTime<FixedOffset>> = [
        "2024-03-05T00:00:00+07:00",
        "2024-03-10T00:00:00+07:00",
        "2024-04-01T00:00:00+07:00",
        "2025-01-16T00:00:00+07:00",
        "2025-02-21T00:00:00+07:00",
        "2025-04-01T00:00:00+07:00",
        "2025-07-01T00:00:00+07:00",
        "2025-08-19T00:00:00+07:00",
        "2025-10-22T00:00:00+07:00",
        "2026-03-05T00:00:00+07:00",
    ]
    .iter()
    .map(|t| DateTime::parse_from_rfc3339(t).unwrap())
    .collect();
    prop_oneof![
        (0i64..5 * 365 * 86_400).prop_map(move |s| start + Duration::seconds(s)),
        (prop::sample::select(notable), -3_600i64..3_600)
            .prop_map(|(t, s)| t + Duration::seconds(s)),
    ]
}

fn request() -> impl Strategy<Value = AccessRequest> {
    let (world, _) = fixtures();
    let mut accounts: Vec<String> = world.accounts().map(|a| a.id.to_string()).collect();
    accounts.push("ghost".into());
    let mut datasets: Vec<String> = world.datasets().map(|d| d.id.to_string()).collect();
    datasets.push("nothing".into());
    let mut purposes: Vec<String> = world
        .agreements()
        .flat_map(|g| g.purposes.iter().map(ToString::to_string))
        .collect();
    purposes.sort();
    purposes.dedup();
    purposes.push("marketing".into());
    (
        prop::sample::select(accounts),
        prop::sample::select(Action::ALL.to_vec()),
        prop::sample::select(datasets),
        prop::sample::select(Channel::ALL.to_vec()),
        prop::sample::select(purposes),
        instant(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(account, action, dataset, channel, purpose, at, authenticated, subject)| {
                AccessRequest::new(
                    account.parse().unwrap(),
                    action,
                    dataset.parse().unwrap(),
                    channel,
                    purpose.parse().unwrap(),
                    at,
                )
                .authenticated(authenticated)
                .subject_requested(subject)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any instant in `[at, valid_until)` — or in the next twenty years when there is no
    /// `valid_until` — gives the same decision, and the last millisecond before
    /// `valid_until` too.
    #[test]
    fn decision_stays_true_until_valid_until(request in request(), fraction in 0.0f64..1.0) {
        let (world, engine) = fixtures();
        let first = engine.decide(world, &request);
        if let Some(until) = first.valid_until {
            prop_assert!(until > request.at, "valid_until {until} is not after the request's time {}", request.at);
        }
        let horizon = first
            .valid_until
            .unwrap_or(request.at + Duration::days(20 * 365));
        let span = (horizon - request.at).num_milliseconds();
        let inside = request.at + Duration::milliseconds((span as f64 * fraction) as i64);
        let last = horizon - Duration::milliseconds(1);
        for t in [inside, last] {
            let mut again = request.clone();
            again.at = t;
            let second = engine.decide(world, &again);
            prop_assert_eq!(
                essence(&first),
                essence(&second),
                "decided at {} and again at {}",
                request.at,
                t
            );
        }
    }
}

/// Cedar sees instants to the millisecond: an agreement that ends half a millisecond into
/// a day has ended, for the policies, at the day's first millisecond, and `valid_until`
/// must say so (QD05/2024 Đ14.5: the term the provider set).
#[test]
fn qd05_14_5_validity_ends_at_the_millisecond_cedar_sees() {
    let mut data = support::world().to_data();
    let agreement = data
        .agreements
        .iter_mut()
        .find(|g| g.id.as_str() == "agr.tnmt.phuong-1")
        .unwrap();
    let end = DateTime::parse_from_rfc3339("2025-04-01T00:00:00.0005+07:00").unwrap();
    agreement.term.end = Some(end);
    // A world whose times are finer than Cedar's millisecond is refused outright, so the
    // engine never has to guess which side of the millisecond an instant falls on.
    assert!(matches!(
        World::new(data.clone()),
        Err(lgsp_policy::WorldError::SubMillisecond { .. })
    ));
    let agreement = data
        .agreements
        .iter_mut()
        .find(|g| g.id.as_str() == "agr.tnmt.phuong-1")
        .unwrap();
    agreement.term.end =
        Some(DateTime::parse_from_rfc3339("2025-04-01T00:00:00.001+07:00").unwrap());
    let world = World::new(data).unwrap();
    let engine = support::engine();
    let before = DateTime::parse_from_rfc3339("2025-03-31T23:59:59.9999+07:00").unwrap();
    let request = AccessRequest::new(
        "acc.phuong-1".parse().unwrap(),
        Action::Query,
        "dat-dai.thua-dat".parse().unwrap(),
        Channel::Lgsp,
        "land-management".parse().unwrap(),
        before,
    );
    let first = engine.decide(&world, &request);
    assert!(first.is_allowed(), "{first:?}");
    let until = first.valid_until.unwrap();
    assert_eq!(
        until,
        DateTime::parse_from_rfc3339("2025-04-01T00:00:00.001+07:00").unwrap()
    );
    let mut later = request.clone();
    later.at = until + Duration::microseconds(200);
    let second = engine.decide(&world, &later);
    assert!(second.has_reason("outside_agreement_term"), "{second:?}");
}
