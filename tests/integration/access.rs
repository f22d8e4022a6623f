//! Access decisions on the example province, case by case. Each case names its clause.

use std::collections::BTreeSet;

use crate::support;

#[test]
fn shipped_access_cases_decide_as_expected() {
    let suite: serde_json::Value = serde_json::from_str(support::ACCESS_CASES).unwrap_or_default();
    let world = support::world();
    let engine = support::engine();
    let mut failures = Vec::new();
    let cases = suite["cases"].as_array().cloned().unwrap_or_default();
    assert!(cases.len() >= 25, "the suite has its cases");
    for case in cases {
        let request: lgsp_policy::AccessRequest =
            match serde_json::from_value(case["request"].clone()) {
                Ok(r) => r,
                Err(e) => {
                    failures.push(format!("{}: bad request: {e}", case["name"]));
                    continue;
                }
            };
        let d = engine.decide(&world, &request);
        let got: BTreeSet<&str> = d.reason_codes().collect();
        let want: BTreeSet<&str> = case["expect"]["reasons"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        let outcome = if d.is_allowed() { "allow" } else { "deny" };
        if outcome != case["expect"]["outcome"] || got != want {
            failures.push(format!(
                "{} [{}]: got {outcome} {got:?}, want {} {want:?}",
                case["name"], case["clause"], case["expect"]["outcome"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[allow(
    clippy::too_many_arguments,
    reason = "one flat line per case reads best in a rule table"
)]
/// Decides one request on the example province and checks the outcome and the exact set of
/// reason codes.
fn check(
    account: &str,
    action: &str,
    dataset: &str,
    channel: &str,
    purpose: &str,
    at: &str,
    subject: bool,
    outcome: &str,
    reasons: &[&str],
) {
    let request: lgsp_policy::AccessRequest = serde_json::from_value(serde_json::json!({
        "account": account, "action": action, "dataset": dataset, "channel": channel,
        "purpose": purpose, "at": at, "subject_requested": subject,
    }))
    .unwrap();
    let d = support::engine().decide(&support::world(), &request);
    let got: BTreeSet<&str> = d.reason_codes().collect();
    let want: BTreeSet<&str> = reasons.iter().copied().collect();
    let got_outcome = if d.is_allowed() { "allow" } else { "deny" };
    assert_eq!((got_outcome, &got), (outcome, &want), "{d:#?}");
    for r in &d.reasons {
        assert!(!r.vi.is_empty() && !r.en.is_empty(), "{r:?}");
    }
}

const T: &str = "2024-06-03T09:30:00+07:00";

#[test]
fn qd05_17_1_d_agency_exploits_shared_data_under_its_agreement() {
    check(
        "acc.tuy-hoa.dan-cu",
        "query",
        "dan-cu.nhan-khau",
        "lgsp",
        "administrative-procedures",
        T,
        true,
        "allow",
        &["agency_shared_data"],
    );
    check(
        "acc.tuy-hoa.dkdn",
        "download",
        "dkdn.bao-cao-tai-chinh",
        "portal",
        "tax-inspection",
        T,
        false,
        "allow",
        &["agency_shared_data"],
    );
}

#[test]
fn qd05_17_1_d_agency_exploits_open_data_through_lgsp_or_portal() {
    check(
        "acc.phuong-1",
        "query",
        "dan-cu.thong-ke",
        "lgsp",
        "planning",
        T,
        false,
        "allow",
        &["agency_open_data"],
    );
}

#[test]
fn qd05_17_1_e_public_exploits_open_and_public_data_through_the_portal() {
    check(
        "acc.cd-an",
        "download",
        "dan-cu.thong-ke",
        "portal",
        "research",
        T,
        false,
        "allow",
        &["public_open_data"],
    );
    check(
        "acc.song-cau",
        "query",
        "dkdn.doanh-nghiep",
        "portal",
        "research",
        T,
        false,
        "allow",
        &["public_open_data"],
    );
}

#[test]
fn qd05_1_2_secret_internal_and_temporary_data_are_out_of_scope() {
    for ds in ["dan-cu.an-ninh", "dkdn.ho-so-noi-bo", "dkdn.nhap"] {
        let account = if ds.starts_with("dan-cu") {
            "acc.tuy-hoa.dan-cu"
        } else {
            "acc.tuy-hoa.dkdn"
        };
        check(
            account,
            "query",
            ds,
            "lgsp",
            "tax-inspection",
            T,
            true,
            "deny",
            &["out_of_scope", "not_published"],
        );
    }
}

#[test]
fn qd05_13_1_a_direct_connection_is_refused() {
    check(
        "acc.tuy-hoa.dan-cu",
        "query",
        "dan-cu.nhan-khau",
        "direct",
        "administrative-procedures",
        T,
        true,
        "deny",
        &["not_through_lgsp"],
    );
}

#[test]
fn qd05_11_3_out_of_province_agencies_come_through_ngsp() {
    check(
        "acc.bo-tp",
        "query",
        "dan-cu.nhan-khau",
        "lgsp",
        "civil-status-verification",
        T,
        true,
        "deny",
        &["external_not_through_ngsp"],
    );
    check(
        "acc.bo-tp",
        "query",
        "dan-cu.nhan-khau",
        "ngsp_lgsp",
        "civil-status-verification",
        T,
        true,
        "allow",
        &["agency_shared_data"],
    );
}

#[test]
fn qd05_17_1_e_the_public_comes_through_the_portal_only() {
    check(
        "acc.cd-an",
        "download",
        "dan-cu.thong-ke",
        "lgsp",
        "research",
        T,
        false,
        "deny",
        &["public_only_through_portal"],
    );
}

#[test]
fn qd05_17_1_d_shared_data_is_for_state_administrative_agencies() {
    check(
        "acc.song-cau",
        "query",
        "dkdn.bao-cao-tai-chinh",
        "portal",
        "research",
        T,
        false,
        "deny",
        &["shared_data_for_state_agencies"],
    );
    check(
        "acc.cap-nuoc",
        "query",
        "dat-dai.thua-dat",
        "portal",
        "planning",
        T,
        false,
        "deny",
        &["shared_data_for_state_agencies"],
    );
}

#[test]
fn qd05_17_2_a_the_account_must_authenticate() {
    check(
        "acc.so-tnmt.no-auth",
        "query",
        "dkdn.doanh-nghiep",
        "lgsp",
        "land-management",
        T,
        false,
        "deny",
        &["not_authenticated"],
    );
    let request = lgsp_policy::AccessRequest::new(
        "acc.phuong-1".parse().unwrap(),
        lgsp_policy::Action::Query,
        "dkdn.doanh-nghiep".parse().unwrap(),
        lgsp_policy::Channel::Lgsp,
        "planning".parse().unwrap(),
        T.parse().unwrap(),
    )
    .authenticated(false);
    assert!(
        support::engine()
            .decide(&support::world(), &request)
            .has_reason("not_authenticated")
    );
}

#[test]
fn qd05_16_2_e_the_account_must_be_issued_for_the_provider() {
    check(
        "acc.so-tnmt",
        "query",
        "dkdn.doanh-nghiep",
        "lgsp",
        "land-management",
        T,
        false,
        "deny",
        &["account_not_issued_for_provider"],
    );
}

#[test]
fn qd05_14_5_no_agreement_no_shared_data() {
    check(
        "acc.phuong-1",
        "query",
        "dan-cu.nhan-khau",
        "lgsp",
        "land-management",
        T,
        true,
        "deny",
        &["no_agreement"],
    );
}

#[test]
fn qd05_14_5_nothing_outside_the_agreement_term() {
    check(
        "acc.phuong-1",
        "query",
        "dat-dai.thua-dat",
        "lgsp",
        "land-management",
        "2025-06-02T10:00:00+07:00",
        false,
        "deny",
        &["outside_agreement_term"],
    );
    check(
        "acc.phuong-1",
        "query",
        "dat-dai.thua-dat",
        "lgsp",
        "land-management",
        "2024-03-31T23:59:59+07:00",
        false,
        "deny",
        &["outside_agreement_term", "not_published"],
    );
}

#[test]
fn qd05_17_2_b_dataset_purpose_and_method_must_be_in_the_agreement() {
    check(
        "acc.tuy-hoa.dkdn",
        "query",
        "dkdn.von-dieu-le",
        "lgsp",
        "tax-inspection",
        T,
        false,
        "deny",
        &["dataset_not_in_agreement"],
    );
    check(
        "acc.tuy-hoa.dan-cu",
        "query",
        "dan-cu.nhan-khau",
        "lgsp",
        "tax-inspection",
        T,
        true,
        "deny",
        &["purpose_not_in_agreement"],
    );
    check(
        "acc.tuy-hoa.dan-cu",
        "download",
        "dan-cu.nhan-khau",
        "lgsp",
        "administrative-procedures",
        T,
        true,
        "deny",
        &["method_not_in_agreement"],
    );
    check(
        "acc.tuy-hoa.dan-cu",
        "subscribe",
        "dan-cu.nhan-khau",
        "lgsp",
        "tax-inspection",
        T,
        true,
        "deny",
        &["method_not_in_agreement", "purpose_not_in_agreement"],
    );
}

#[test]
fn qd05_17_1_d_unpublished_data_is_not_shared() {
    check(
        "acc.phuong-1",
        "query",
        "dat-dai.gia-dat",
        "lgsp",
        "land-management",
        T,
        false,
        "deny",
        &["not_published"],
    );
    // Published 2024-03-10: not yet on the 9th.
    check(
        "acc.cd-an",
        "query",
        "dan-cu.thong-ke",
        "portal",
        "research",
        "2024-03-09T23:00:00+07:00",
        false,
        "deny",
        &["not_published"],
    );
}

#[test]
fn qd05_4_3_open_data_must_have_been_evaluated_within_the_year() {
    check(
        "acc.cd-an",
        "download",
        "dat-dai.quy-hoach",
        "portal",
        "research",
        T,
        false,
        "deny",
        &["evaluation_expired"],
    );
    // csdl-dan-cu evaluated 2024-01-15: valid to the end of 2025-01-15.
    check(
        "acc.cd-an",
        "query",
        "dan-cu.thong-ke",
        "portal",
        "research",
        "2025-01-15T23:59:59+07:00",
        false,
        "allow",
        &["public_open_data"],
    );
    check(
        "acc.cd-an",
        "query",
        "dan-cu.thong-ke",
        "portal",
        "research",
        "2025-01-16T00:00:00+07:00",
        false,
        "deny",
        &["evaluation_expired"],
    );
}

#[test]
fn qd05_16_2_g_personal_data_goes_to_another_agency_only_at_the_subjects_request() {
    check(
        "acc.tuy-hoa.dan-cu",
        "query",
        "dan-cu.nhan-khau",
        "lgsp",
        "administrative-procedures",
        T,
        false,
        "deny",
        &["personal_data_without_subject_request"],
    );
}

#[test]
fn nd47_5_3_personal_data_is_never_given_to_the_public() {
    check(
        "acc.song-cau",
        "query",
        "dan-cu.nhan-khau",
        "portal",
        "research",
        T,
        false,
        "deny",
        &["shared_data_for_state_agencies", "personal_data_not_public"],
    );
}

#[test]
fn unknown_accounts_and_datasets_are_denied_with_reasons() {
    check(
        "acc.ghost",
        "query",
        "dan-cu.ghost",
        "lgsp",
        "research",
        T,
        false,
        "deny",
        &["unknown_account", "unknown_dataset"],
    );
}

#[test]
fn qd05_1_1_nothing_is_decided_before_the_pack_is_in_force() {
    check(
        "acc.cd-an",
        "query",
        "dan-cu.thong-ke",
        "portal",
        "research",
        "2024-03-04T23:59:59+07:00",
        false,
        "deny",
        &["no_pack_in_force"],
    );
    // 2024-03-04T17:00Z is already 5 March in Vietnam.
    check(
        "acc.cd-an",
        "query",
        "dan-cu.thong-ke",
        "portal",
        "research",
        "2024-03-04T17:00:00Z",
        false,
        "deny",
        &["not_published"],
    );
}

fn with_status(status: lgsp_policy::records::AgreementStatus) -> lgsp_policy::World {
    let mut data: lgsp_policy::WorldData = serde_json::from_str(support::WORLD_JSON).unwrap();
    for g in &mut data.agreements {
        if g.id.as_str() == "agr.tp.so-tnmt" {
            g.status = status;
        }
    }
    lgsp_policy::World::new(data).unwrap()
}

fn tnmt_reads_population(world: &lgsp_policy::World) -> lgsp_policy::Decision {
    let request = lgsp_policy::AccessRequest::new(
        "acc.so-tnmt".parse().unwrap(),
        lgsp_policy::Action::Query,
        "dan-cu.nhan-khau".parse().unwrap(),
        lgsp_policy::Channel::Lgsp,
        "land-management".parse().unwrap(),
        T.parse().unwrap(),
    )
    .subject_requested(true);
    support::engine().decide(world, &request)
}

#[test]
fn qd05_16_2_h_a_suspended_agreement_allows_nothing() {
    assert!(
        tnmt_reads_population(&with_status(lgsp_policy::records::AgreementStatus::Active))
            .is_allowed()
    );
    let d = tnmt_reads_population(&with_status(
        lgsp_policy::records::AgreementStatus::Suspended,
    ));
    assert_eq!(
        d.reason_codes().collect::<Vec<_>>(),
        ["agreement_suspended"]
    );
    assert_eq!(d.reasons[0].clause.as_str(), "QD05/2024 Đ16.2.h");
}

#[test]
fn qd05_16_1_g_a_terminated_agreement_allows_nothing() {
    let d = tnmt_reads_population(&with_status(
        lgsp_policy::records::AgreementStatus::Terminated,
    ));
    assert_eq!(
        d.reason_codes().collect::<Vec<_>>(),
        ["agreement_terminated"]
    );
}
