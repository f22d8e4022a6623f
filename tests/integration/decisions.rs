//! What a decision carries besides its outcome: duties (QD05/2024 Đ16.1.a, Đ16.1.đ),
//! advisories on the legal timeline, documented readings, validity, and serde.

use lgsp_policy::{AccessRequest, Action, Channel, Decision, Duty, Outcome, ReasonKind};

use crate::support;

fn request(
    account: &str,
    dataset: &str,
    channel: Channel,
    purpose: &str,
    at: &str,
) -> AccessRequest {
    AccessRequest::new(
        account.parse().unwrap(),
        Action::Query,
        dataset.parse().unwrap(),
        channel,
        purpose.parse().unwrap(),
        at.parse().unwrap(),
    )
}

fn decide(r: &AccessRequest) -> Decision {
    support::engine().decide(&support::world(), r)
}

#[test]
fn qd05_16_1_a_an_allowed_read_must_be_logged_for_three_months() {
    let d = decide(
        &request(
            "acc.tuy-hoa.dan-cu",
            "dan-cu.nhan-khau",
            Channel::Lgsp,
            "administrative-procedures",
            "2024-01-31T10:00:00+07:00",
        )
        .subject_requested(true),
    );
    // Before the pack is in force: no pack.
    assert!(d.has_reason("no_pack_in_force"));
    let d = decide(
        &request(
            "acc.tuy-hoa.dan-cu",
            "dan-cu.nhan-khau",
            Channel::Lgsp,
            "administrative-procedures",
            "2024-05-31T10:00:00+07:00",
        )
        .subject_requested(true),
    );
    assert_eq!(d.outcome, Outcome::Allow);
    match d.duties.as_slice() {
        [
            Duty::LogRequest {
                provider,
                keep_until,
                clause,
                ..
            },
        ] => {
            assert_eq!(provider.as_str(), "so-tp");
            assert_eq!(clause.as_str(), "QD05/2024 Đ16.1.a");
            // 31 May + 3 months → 31 August (BLDS2015 Đ148.3), kept to its end.
            assert_eq!(keep_until.to_rfc3339(), "2024-09-01T00:00:00+07:00");
        }
        other => panic!("expected one log duty, got {other:?}"),
    }
}

#[test]
fn qd05_16_1_dd_a_refusal_to_an_agency_must_be_reasoned_and_reported() {
    let d = decide(&request(
        "acc.tuy-hoa.dan-cu",
        "dan-cu.nhan-khau",
        Channel::Direct,
        "administrative-procedures",
        "2024-06-03T09:30:00+07:00",
    ));
    assert_eq!(d.outcome, Outcome::Deny);
    match d.duties.as_slice() {
        [
            Duty::ReportRefusal {
                provider,
                requester,
                authority,
                reasons,
                clause,
            },
        ] => {
            assert_eq!(
                (provider.as_str(), requester.as_str()),
                ("so-tp", "ubnd-tuy-hoa")
            );
            assert_eq!(authority.as_ref().map(|a| a.as_str()), Some("so-tttt"));
            assert!(reasons.contains(&"not_through_lgsp".to_owned()));
            assert_eq!(clause.as_str(), "QD05/2024 Đ16.1.đ");
        }
        other => panic!("expected one refusal duty, got {other:?}"),
    }
}

#[test]
fn a_citizen_turned_away_is_not_a_refusal_of_a_sharing_request() {
    let d = decide(&request(
        "acc.cd-an",
        "dan-cu.thong-ke",
        Channel::Lgsp,
        "research",
        "2024-06-03T09:30:00+07:00",
    ));
    assert_eq!(d.outcome, Outcome::Deny);
    assert!(d.duties.is_empty());
}

#[test]
fn every_forbid_reason_carries_its_policy_clause_and_messages() {
    // An out-of-province agency reading open data directly: forbids fire; check every reason is cited.
    let d = decide(&request(
        "acc.bo-tp",
        "dan-cu.thong-ke",
        Channel::Direct,
        "research",
        "2024-06-03T09:30:00+07:00",
    ));
    assert_eq!(d.outcome, Outcome::Deny);
    assert!(!d.reasons.is_empty());
    for r in &d.reasons {
        assert!(
            !r.vi.is_empty()
                && !r.en.is_empty()
                && r.kind == ReasonKind::Forbid
                && r.policy.is_some(),
            "{r:?}"
        );
    }
}

#[test]
fn advisories_follow_the_legal_timeline() {
    let at = |t: &str| {
        decide(&request(
            "acc.cd-an",
            "dan-cu.thong-ke",
            Channel::Portal,
            "research",
            t,
        ))
    };
    let codes = |d: &Decision| {
        d.advisories
            .iter()
            .map(|a| a.code.clone())
            .collect::<Vec<_>>()
    };
    assert!(codes(&at("2025-06-30T23:59:00+07:00")).is_empty());
    assert_eq!(codes(&at("2025-07-01T00:00:00+07:00")), ["province_merged"]);
    assert_eq!(
        codes(&at("2025-08-19T08:00:00+07:00")),
        ["province_merged", "nd47_amended_by_nd194"]
    );
    assert_eq!(
        codes(&at("2026-11-27T08:00:00+07:00")),
        [
            "province_merged",
            "nd47_amended_by_nd194",
            "nd47_replaced_by_nd278"
        ]
    );
    // The day is the local day: 2025-06-30T17:30Z is 2025-07-01 00:30 in Vietnam.
    assert_eq!(codes(&at("2025-06-30T17:30:00Z")), ["province_merged"]);
}

/// The 2025 reforms (issue 12) are pack advisories with dates, reported on decisions that
/// name a party they concern: the DIC's duties passed to the Department of Science and
/// Technology (2025-03-01); district-level People's Committees ended (2025-07-01).
#[test]
fn qd05_2_1_and_15_1_a_the_2025_reforms_are_said_where_a_party_they_concern_is_named() {
    let codes = |d: &Decision| {
        d.advisories
            .iter()
            .map(|a| a.code.clone())
            .collect::<Vec<_>>()
    };
    // Tuy Hòa (a district-level committee) is refused the land register: the refusal is
    // reported to the provincial focal point, the DIC.
    let refused = |at: &str| {
        decide(&request(
            "acc.tuy-hoa.dan-cu",
            "dat-dai.thua-dat",
            Channel::Lgsp,
            "administrative-procedures",
            at,
        ))
    };
    let before = refused("2025-02-28T23:59:00+07:00");
    assert!(!before.is_allowed());
    assert!(codes(&before).is_empty(), "{:?}", codes(&before));
    let march = refused("2025-03-01T00:00:00+07:00");
    assert_eq!(codes(&march), ["dic_merged_into_dost"]);
    let july = refused("2025-07-01T00:00:00+07:00");
    assert_eq!(
        codes(&july),
        [
            "province_merged",
            "dic_merged_into_dost",
            "district_level_ended"
        ]
    );
    let dic = july
        .advisories
        .iter()
        .find(|a| a.code == "dic_merged_into_dost")
        .unwrap();
    assert_eq!(dic.clause.as_str(), "QD05/2024 Đ15.1.a");
    assert!(dic.en.contains("Department of Science and Technology"));
    // A citizen asking for open data names neither: only the merger of the province.
    let citizen = decide(&request(
        "acc.cd-an",
        "dan-cu.thong-ke",
        Channel::Portal,
        "research",
        "2025-07-01T08:00:00+07:00",
    ));
    // (Refused: the register's evaluation has expired; a citizen's refusal is reported
    // to no one.)
    assert!(citizen.duties.is_empty());
    assert_eq!(codes(&citizen), ["province_merged"]);
}

#[test]
fn qd05_17_1_d_the_reading_for_state_enterprises_is_visible_in_the_decision() {
    let d = decide(&request(
        "acc.cap-nuoc",
        "dat-dai.thua-dat",
        Channel::Portal,
        "planning",
        "2024-06-03T09:30:00+07:00",
    ));
    assert!(d.has_reason("shared_data_for_state_agencies"));
    assert!(
        d.advisories
            .iter()
            .any(|a| a.code == "reading_non_state_parties")
    );
}

#[test]
fn validity_is_the_next_time_the_decision_depends_on() {
    // The Phường 1 agreement ends 2025-04-01; the land database's evaluation already expired.
    let d = decide(&request(
        "acc.phuong-1",
        "dat-dai.thua-dat",
        Channel::Lgsp,
        "land-management",
        "2024-06-03T09:30:00+07:00",
    ));
    assert_eq!(d.outcome, Outcome::Allow);
    assert_eq!(
        d.valid_until.map(|t| t.to_rfc3339()).as_deref(),
        Some("2025-04-01T00:00:00+07:00")
    );
    let just_before = decide(&request(
        "acc.phuong-1",
        "dat-dai.thua-dat",
        Channel::Lgsp,
        "land-management",
        "2025-03-31T23:59:59+07:00",
    ));
    assert_eq!(just_before.outcome, Outcome::Allow);
    let at_end = decide(&request(
        "acc.phuong-1",
        "dat-dai.thua-dat",
        Channel::Lgsp,
        "land-management",
        "2025-04-01T00:00:00+07:00",
    ));
    assert!(at_end.has_reason("outside_agreement_term"));
}

#[test]
fn decisions_and_requests_survive_a_serde_round_trip() {
    let r = request(
        "acc.tuy-hoa.dan-cu",
        "dan-cu.nhan-khau",
        Channel::Lgsp,
        "administrative-procedures",
        "2025-11-03T10:00:00+07:00",
    )
    .subject_requested(true);
    let d = decide(&r);
    let again: Decision = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
    assert_eq!(d, again);
    let r2: AccessRequest = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(r, r2);
    assert_eq!(
        d.pack.as_ref().map(|p| p.id.as_str()),
        Some("qd05-2024-phu-yen")
    );
}

#[test]
fn requests_in_any_offset_are_the_same_instant() {
    let a = decide(&request(
        "acc.cd-an",
        "dan-cu.thong-ke",
        Channel::Portal,
        "research",
        "2024-06-03T09:30:00+07:00",
    ));
    let b = decide(&request(
        "acc.cd-an",
        "dan-cu.thong-ke",
        Channel::Portal,
        "research",
        "2024-06-03T02:30:00Z",
    ));
    assert_eq!(
        (a.outcome, a.reasons.clone()),
        (b.outcome, b.reasons.clone())
    );
}

#[test]
fn qd05_17_1_when_nothing_permits_the_deny_still_names_a_reason() {
    // A pack with only the direct-connection forbid: nothing permits an LGSP read.
    let (manifest, files) = lgsp_policy::RulePack::builtin_sources();
    let access = files
        .iter()
        .find(|(n, _)| *n == "access.cedar")
        .map(|(_, t)| *t)
        .unwrap();
    let start = access.find("@id(\"access.direct-connection\")").unwrap();
    let end = start + access[start..].find("};").unwrap() + 2;
    let mut manifest: serde_json::Value = serde_json::from_str(manifest).unwrap();
    manifest["policies"] = serde_json::json!(["access.cedar"]);
    let pack = lgsp_policy::RulePack::from_sources(
        &manifest.to_string(),
        [("access.cedar", &access[start..end])],
    )
    .unwrap();
    let engine = lgsp_policy::Engine::new(pack);
    let d = engine.decide(
        &support::world(),
        &request(
            "acc.cd-an",
            "dan-cu.thong-ke",
            Channel::Portal,
            "research",
            "2024-06-03T09:30:00+07:00",
        ),
    );
    assert_eq!(d.outcome, Outcome::Deny);
    assert_eq!(
        d.reason_codes().collect::<Vec<_>>(),
        ["no_right_established"]
    );
    let r = &d.reasons[0];
    assert_eq!(
        (r.clause.as_str(), r.kind),
        ("QD05/2024 Đ17.1", ReasonKind::NothingPermitted)
    );
}
