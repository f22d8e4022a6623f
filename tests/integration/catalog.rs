//! Shared-catalog proposals (QD05/2024 Đ7.2–Đ7.4, Đ8.3) on the example province. Each test
//! is named by the clause it checks.

use std::collections::BTreeSet;

use chrono::{DateTime, FixedOffset};
use lgsp_policy::catalog::{AdditionDossier, CatalogChange, Replacement, WithdrawalDossier};
use lgsp_policy::records::{Hosting, MasterData, MasterDataReference, SharingMethod};
use lgsp_policy::{CatalogProposal, Decision, ReasonKind, World, WorldData};

use crate::support;

fn now() -> DateTime<FixedOffset> {
    "2024-06-03T09:00:00+07:00".parse().unwrap()
}

/// The example province, changed by `change`.
fn world_with(change: impl FnOnce(&mut WorldData)) -> World {
    let mut data: WorldData = serde_json::from_str(support::WORLD_JSON).unwrap();
    change(&mut data);
    World::new(data).unwrap()
}

/// The example province after Sở Tài nguyên và Môi trường moved its land database to the
/// provincial data centre.
fn migrated_world() -> World {
    world_with(|w| {
        let db = w
            .databases
            .iter_mut()
            .find(|d| d.id.as_str() == "csdl-dat-dai")
            .unwrap();
        db.hosting = Hosting::ProvincialDataCentre;
    })
}

fn complete_dossier() -> AdditionDossier {
    AdditionDossier {
        name: Some("Cơ sở dữ liệu đất đai tỉnh Phú Yên".into()),
        managing_unit: Some("Sở Tài nguyên và Môi trường".into()),
        objective: Some(
            "Quản lý thống nhất thông tin thửa đất, phục vụ cấp giấy chứng nhận".into(),
        ),
        data_scope: Some("Thửa đất, chủ sử dụng, biến động đất đai toàn tỉnh".into()),
        master_data: vec!["md.thua-dat".parse().unwrap()],
        users_and_purposes: Some("UBND cấp huyện, xã: giải quyết thủ tục đất đai".into()),
        sources: Some("Hồ sơ địa chính, văn phòng đăng ký đất đai".into()),
        sharing_methods: vec![SharingMethod::OnlineConnection],
        legal_value_basis: Some("Luật Đất đai 2013, Điều 97; Nghị định 47/2020 Điều 5".into()),
        administrative_procedures: vec!["Cấp giấy chứng nhận quyền sử dụng đất lần đầu".into()],
    }
}

fn complete_withdrawal() -> WithdrawalDossier {
    WithdrawalDossier {
        replacement: Some(Replacement {
            data: "Cơ sở dữ liệu quốc gia về dân cư".into(),
            provider: "Bộ Công an".into(),
        }),
        master_data_reference: Some("Số định danh cá nhân trong CSDL quốc gia về dân cư".into()),
        replacement_procedures: vec!["Đăng ký thường trú".into()],
    }
}

fn add(proposer: &str, database: &str, dossier: AdditionDossier) -> CatalogProposal {
    CatalogProposal::addition(
        proposer.parse().unwrap(),
        database.parse().unwrap(),
        dossier,
    )
}

fn withdraw(proposer: &str, database: &str, dossier: WithdrawalDossier) -> CatalogProposal {
    CatalogProposal::withdrawal(
        proposer.parse().unwrap(),
        database.parse().unwrap(),
        dossier,
    )
}

fn codes(d: &Decision) -> Vec<&str> {
    d.reason_codes().collect()
}

/// Every reason is complete: a code, a clause the pack lists, both languages, and the
/// policy for rule reasons.
fn assert_reasons_complete(d: &Decision) {
    let pack = support::engine().packs()[0].clone();
    assert!(!d.reasons.is_empty());
    for r in &d.reasons {
        assert!(!r.code.is_empty());
        assert!(!r.vi.is_empty() && !r.en.is_empty(), "{}", r.code);
        assert!(
            pack.manifest().clauses.contains_key(&r.clause),
            "{}: {}",
            r.code,
            r.clause
        );
        if matches!(r.kind, ReasonKind::Forbid | ReasonKind::Permit) {
            assert!(r.policy.is_some(), "{}", r.code);
        }
    }
}

/// A complete addition dossier for the migrated land database, with one change: the deny
/// names exactly `code`, citing `clause`.
fn assert_single_gap(change: impl FnOnce(&mut AdditionDossier), code: &str, clause: &str) {
    let mut dossier = complete_dossier();
    change(&mut dossier);
    let d = support::engine().decide_catalog(
        &migrated_world(),
        &add("so-tnmt", "csdl-dat-dai", dossier),
        now(),
    );
    assert!(!d.is_allowed());
    assert_eq!(codes(&d), [code]);
    assert_eq!(d.reasons[0].clause.as_str(), clause);
    assert_eq!(d.reasons[0].kind, ReasonKind::Forbid);
    assert_reasons_complete(&d);
}

#[test]
fn qd05_7_3_complete_proposal_for_a_database_at_the_data_centre_is_eligible() {
    let d = support::engine().decide_catalog(
        &migrated_world(),
        &add("so-tnmt", "csdl-dat-dai", complete_dossier()),
        now(),
    );
    assert!(d.is_allowed(), "{:?}", codes(&d));
    assert_eq!(codes(&d), ["catalog_addition_eligible"]);
    assert_eq!(d.reasons[0].kind, ReasonKind::Permit);
    assert_eq!(d.reasons[0].clause.as_str(), "QD05/2024 Đ7.3");
    assert!(d.duties.is_empty());
    assert_reasons_complete(&d);
}

#[test]
fn qd05_7_2_a_a_proposal_without_the_name_is_incomplete() {
    assert_single_gap(
        |d| d.name = None,
        "dossier_missing_name",
        "QD05/2024 Đ7.2.a",
    );
}

#[test]
fn qd05_7_2_b_a_proposal_without_the_managing_unit_is_incomplete() {
    assert_single_gap(
        |d| d.managing_unit = None,
        "dossier_missing_managing_unit",
        "QD05/2024 Đ7.2.b",
    );
}

#[test]
fn qd05_7_2_c_a_proposal_with_a_blank_objective_is_incomplete() {
    assert_single_gap(
        |d| d.objective = Some("  \n ".into()),
        "dossier_missing_objective",
        "QD05/2024 Đ7.2.c",
    );
}

#[test]
fn qd05_7_2_d_a_proposal_without_the_data_scope_is_incomplete() {
    assert_single_gap(
        |d| d.data_scope = None,
        "dossier_missing_data_scope",
        "QD05/2024 Đ7.2.d",
    );
}

#[test]
fn qd05_7_2_d_a_proposal_without_master_data_is_incomplete_and_shows_no_reference() {
    let mut dossier = complete_dossier();
    dossier.master_data.clear();
    let d = support::engine().decide_catalog(
        &migrated_world(),
        &add("so-tnmt", "csdl-dat-dai", dossier),
        now(),
    );
    assert_eq!(
        codes(&d),
        [
            "dossier_missing_master_data",
            "criterion_no_reference_master_data"
        ]
    );
    assert_eq!(d.reasons[0].clause.as_str(), "QD05/2024 Đ7.2.d");
    assert_eq!(d.reasons[1].clause.as_str(), "QD05/2024 Đ7.3.b");
}

#[test]
fn qd05_7_2_dd_a_proposal_without_users_and_purposes_is_incomplete() {
    assert_single_gap(
        |d| d.users_and_purposes = None,
        "dossier_missing_users_and_purposes",
        "QD05/2024 Đ7.2.đ",
    );
}

#[test]
fn qd05_7_2_e_a_proposal_without_sources_is_incomplete() {
    assert_single_gap(
        |d| d.sources = None,
        "dossier_missing_sources",
        "QD05/2024 Đ7.2.e",
    );
}

#[test]
fn qd05_7_2_g_a_proposal_without_sharing_methods_is_incomplete() {
    assert_single_gap(
        |d| d.sharing_methods.clear(),
        "dossier_missing_sharing_methods",
        "QD05/2024 Đ7.2.g",
    );
}

#[test]
fn qd05_7_3_a_a_proposal_without_the_legal_value_basis_is_not_eligible() {
    assert_single_gap(
        |d| d.legal_value_basis = None,
        "criterion_legal_value_not_shown",
        "QD05/2024 Đ7.3.a",
    );
}

#[test]
fn qd05_7_3_b_master_data_that_is_nobodys_reference_is_not_enough() {
    let world = world_with(|w| {
        w.databases
            .iter_mut()
            .find(|d| d.id.as_str() == "csdl-dat-dai")
            .unwrap()
            .hosting = Hosting::ProvincialDataCentre;
        w.master_data.push(MasterData {
            id: "md.ban-do-nhap".parse().unwrap(),
            subject: "bản đồ nháp".into(),
            reference: MasterDataReference::None,
        });
    });
    let mut dossier = complete_dossier();
    dossier.master_data = vec!["md.ban-do-nhap".parse().unwrap()];
    let d =
        support::engine().decide_catalog(&world, &add("so-tnmt", "csdl-dat-dai", dossier), now());
    assert_eq!(codes(&d), ["criterion_no_reference_master_data"]);
    assert_eq!(d.reasons[0].clause.as_str(), "QD05/2024 Đ7.3.b");

    // A ministry's master data is a reference too.
    let mut dossier = complete_dossier();
    dossier.master_data = vec![
        "md.ban-do-nhap".parse().unwrap(),
        "md.cong-dan".parse().unwrap(),
    ];
    let d =
        support::engine().decide_catalog(&world, &add("so-tnmt", "csdl-dat-dai", dossier), now());
    assert!(d.is_allowed(), "{:?}", codes(&d));
}

#[test]
fn qd05_7_2_d_unknown_master_data_is_named_and_blocks_eligibility() {
    let mut dossier = complete_dossier();
    dossier
        .master_data
        .push("md.khong-ton-tai".parse().unwrap());
    let d = support::engine().decide_catalog(
        &migrated_world(),
        &add("so-tnmt", "csdl-dat-dai", dossier),
        now(),
    );
    assert!(!d.is_allowed());
    assert_eq!(codes(&d), ["unknown_master_data"]);
    assert_eq!(d.reasons[0].kind, ReasonKind::UnknownReference);
    assert!(
        d.reasons[0]
            .detail
            .as_deref()
            .unwrap()
            .contains("md.khong-ton-tai")
    );
    assert_reasons_complete(&d);
}

#[test]
fn qd05_7_3_c_a_proposal_serving_no_administrative_procedure_is_not_eligible() {
    assert_single_gap(
        |d| d.administrative_procedures = vec![String::new(), " ".into()],
        "criterion_no_administrative_procedures",
        "QD05/2024 Đ7.3.c",
    );
}

#[test]
fn qd05_8_3_a_database_hosted_elsewhere_is_not_eligible() {
    // The shipped province: the land database is not at the provincial data centre.
    let d = support::engine().decide_catalog(
        &support::world(),
        &add("so-tnmt", "csdl-dat-dai", complete_dossier()),
        now(),
    );
    assert_eq!(codes(&d), ["not_hosted_at_data_centre"]);
    assert_eq!(d.reasons[0].clause.as_str(), "QD05/2024 Đ8.3");
}

#[test]
fn qd05_7_2_a_proposal_with_several_gaps_reports_every_one_of_them() {
    // An empty dossier, from an agency that does not manage the database, for a database
    // hosted elsewhere: every unmet item is a reason, in the order of the rules.
    let d = support::engine().decide_catalog(
        &support::world(),
        &add("so-tp", "csdl-dat-dai", AdditionDossier::default()),
        now(),
    );
    assert!(!d.is_allowed());
    assert_eq!(
        codes(&d),
        [
            "proposer_not_manager",
            "dossier_missing_name",
            "dossier_missing_managing_unit",
            "dossier_missing_objective",
            "dossier_missing_data_scope",
            "dossier_missing_master_data",
            "dossier_missing_users_and_purposes",
            "dossier_missing_sources",
            "dossier_missing_sharing_methods",
            "criterion_legal_value_not_shown",
            "criterion_no_reference_master_data",
            "criterion_no_administrative_procedures",
            "not_hosted_at_data_centre",
        ]
    );
    let clauses: BTreeSet<&str> = d.reasons.iter().map(|r| r.clause.as_str()).collect();
    for c in [
        "QD05/2024 Đ7.2",
        "QD05/2024 Đ7.2.a",
        "QD05/2024 Đ7.2.g",
        "QD05/2024 Đ7.3.a",
        "QD05/2024 Đ7.3.c",
        "QD05/2024 Đ8.3",
    ] {
        assert!(clauses.contains(c), "{c}");
    }
    assert_reasons_complete(&d);
}

#[test]
fn qd05_7_2_three_gaps_are_three_reasons() {
    let mut dossier = complete_dossier();
    dossier.objective = None;
    dossier.sources = None;
    let d = support::engine().decide_catalog(
        &support::world(),
        &add("so-tnmt", "csdl-dat-dai", dossier),
        now(),
    );
    assert_eq!(
        codes(&d),
        [
            "dossier_missing_objective",
            "dossier_missing_sources",
            "not_hosted_at_data_centre"
        ]
    );
}

#[test]
fn qd05_7_2_only_the_managing_agency_proposes() {
    let d = support::engine().decide_catalog(
        &migrated_world(),
        &add("so-tp", "csdl-dat-dai", complete_dossier()),
        now(),
    );
    assert_eq!(codes(&d), ["proposer_not_manager"]);
    assert_eq!(d.reasons[0].clause.as_str(), "QD05/2024 Đ7.2");
    let d = support::engine().decide_catalog(
        &support::world(),
        &withdraw("so-tnmt", "csdl-dan-cu", complete_withdrawal()),
        now(),
    );
    assert_eq!(codes(&d), ["proposer_not_manager"]);
}

#[test]
fn qd05_3_6_a_database_already_in_the_shared_catalog_is_not_added_again() {
    let mut dossier = complete_dossier();
    dossier.master_data = vec!["md.cong-dan".parse().unwrap()];
    let d = support::engine().decide_catalog(
        &support::world(),
        &add("so-tp", "csdl-dan-cu", dossier),
        now(),
    );
    assert_eq!(codes(&d), ["already_in_shared_catalog"]);
}

#[test]
fn qd05_7_2_unknown_proposer_and_database_are_named() {
    let d = support::engine().decide_catalog(
        &support::world(),
        &add("so-ma", "csdl-ma", complete_dossier()),
        now(),
    );
    assert_eq!(codes(&d), ["unknown_proposer", "unknown_database"]);
    assert!(
        d.reasons
            .iter()
            .all(|r| r.kind == ReasonKind::UnknownReference)
    );
    assert_reasons_complete(&d);
}

#[test]
fn qd05_1_1_no_pack_before_the_regulation_is_in_force() {
    let d = support::engine().decide_catalog(
        &migrated_world(),
        &add("so-tnmt", "csdl-dat-dai", complete_dossier()),
        "2024-03-04T09:00:00+07:00".parse().unwrap(),
    );
    assert_eq!(codes(&d), ["no_pack_in_force"]);
}

#[test]
fn qd05_7_4_a_complete_withdrawal_is_eligible() {
    let d = support::engine().decide_catalog(
        &support::world(),
        &withdraw("so-tp", "csdl-dan-cu", complete_withdrawal()),
        now(),
    );
    assert!(d.is_allowed(), "{:?}", codes(&d));
    assert_eq!(codes(&d), ["catalog_withdrawal_eligible"]);
    assert_eq!(d.reasons[0].clause.as_str(), "QD05/2024 Đ7.4");
}

#[test]
fn qd05_7_4_a_withdrawal_without_a_replacement_or_its_provider_is_not_eligible() {
    for replacement in [
        None,
        Some(Replacement {
            data: "Cơ sở dữ liệu quốc gia về dân cư".into(),
            provider: " ".into(),
        }),
    ] {
        let mut dossier = complete_withdrawal();
        dossier.replacement = replacement;
        let d = support::engine().decide_catalog(
            &support::world(),
            &withdraw("so-tp", "csdl-dan-cu", dossier),
            now(),
        );
        assert_eq!(codes(&d), ["withdrawal_no_replacement"]);
        assert_eq!(d.reasons[0].clause.as_str(), "QD05/2024 Đ7.4.a");
    }
}

#[test]
fn qd05_7_4_b_withdrawal_without_a_master_data_reference_is_not_eligible() {
    let mut dossier = complete_withdrawal();
    dossier.master_data_reference = None;
    let d = support::engine().decide_catalog(
        &support::world(),
        &withdraw("so-tp", "csdl-dan-cu", dossier),
        now(),
    );
    assert_eq!(codes(&d), ["withdrawal_no_master_data_reference"]);
    assert_eq!(d.reasons[0].clause.as_str(), "QD05/2024 Đ7.4.b");
}

#[test]
fn qd05_7_4_c_withdrawal_whose_replacement_serves_no_procedure_is_not_eligible() {
    let mut dossier = complete_withdrawal();
    dossier.replacement_procedures.clear();
    let d = support::engine().decide_catalog(
        &support::world(),
        &withdraw("so-tp", "csdl-dan-cu", dossier),
        now(),
    );
    assert_eq!(codes(&d), ["withdrawal_replacement_not_for_procedures"]);
    assert_eq!(d.reasons[0].clause.as_str(), "QD05/2024 Đ7.4.c");
}

#[test]
fn qd05_7_4_an_empty_withdrawal_of_a_database_outside_the_catalog_lists_every_gap() {
    let d = support::engine().decide_catalog(
        &support::world(),
        &withdraw("so-tnmt", "csdl-dat-dai", WithdrawalDossier::default()),
        now(),
    );
    assert_eq!(
        codes(&d),
        [
            "not_in_shared_catalog",
            "withdrawal_no_replacement",
            "withdrawal_no_master_data_reference",
            "withdrawal_replacement_not_for_procedures",
        ]
    );
    assert_reasons_complete(&d);
}

#[test]
fn qd05_7_every_catalog_forbid_has_its_own_reason_code_and_a_clause_of_articles_3_7_or_8() {
    let engine = support::engine();
    let pack = &engine.packs()[0];
    let rules: Vec<_> = pack.rules().filter(|r| r.file == "catalog.cedar").collect();
    assert!(rules.len() >= 20);
    let forbids: Vec<_> = rules.iter().filter(|r| !r.permit).collect();
    let distinct: BTreeSet<&str> = forbids.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(distinct.len(), forbids.len());
    for r in rules {
        assert!(
            [3, 7, 8].contains(&r.clause.article()),
            "{}: {}",
            r.id,
            r.clause
        );
    }
}

#[test]
fn qd05_7_2_proposals_round_trip_through_json_and_have_a_schema() {
    let proposal = add("so-tnmt", "csdl-dat-dai", complete_dossier());
    let json = serde_json::to_string(&proposal).unwrap();
    assert!(json.contains(r#""change":{"add":{"name""#));
    let back: CatalogProposal = serde_json::from_str(&json).unwrap();
    assert_eq!(back, proposal);
    let w: CatalogProposal = serde_json::from_str(
        r#"{"proposer": "so-tp", "database": "csdl-dan-cu", "change": {"withdraw": {}}}"#,
    )
    .unwrap();
    assert!(matches!(w.change, CatalogChange::Withdraw(ref d) if d.replacement.is_none()));
    assert!(
        serde_json::from_str::<CatalogProposal>(
            r#"{"proposer": "so-tp", "database": "x", "change": {"add": {"nmae": "typo"}}}"#
        )
        .is_err()
    );
    let schema = serde_json::to_value(schemars::schema_for!(CatalogProposal)).unwrap();
    assert!(schema.to_string().contains("legal_value_basis"));
    // Decisions serialise too.
    let d = support::engine().decide_catalog(&support::world(), &proposal, now());
    assert!(
        serde_json::to_string(&d)
            .unwrap()
            .contains("not_hosted_at_data_centre")
    );
}

#[test]
fn qd05_1_1_extreme_instants_deny_without_panicking() {
    let proposal = add("so-tnmt", "csdl-dat-dai", complete_dossier());
    let world = migrated_world();
    // Before the regulation: no pack. Far in the future the pack (which has no end date)
    // is in force, but Cedar cannot represent the time: a fail-safe deny.
    for (instant, code) in [
        (DateTime::<chrono::Utc>::MIN_UTC, "no_pack_in_force"),
        (DateTime::<chrono::Utc>::MAX_UTC, "evaluation_error"),
    ] {
        let d = support::engine().decide_catalog(&world, &proposal, instant.fixed_offset());
        assert!(!d.is_allowed());
        assert_eq!(codes(&d), [code]);
    }
}

#[test]
fn shipped_catalog_cases_decide_as_expected() {
    let suite: serde_json::Value = serde_json::from_str(support::CATALOG_CASES).unwrap();
    let world = support::world();
    let engine = support::engine();
    let cases = suite["cases"].as_array().cloned().unwrap_or_default();
    assert!(cases.len() >= 12, "the suite has its cases");
    let mut failures = Vec::new();
    for case in cases {
        let proposal: CatalogProposal = match serde_json::from_value(case["proposal"].clone()) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{}: bad proposal: {e}", case["name"]));
                continue;
            }
        };
        let at: DateTime<FixedOffset> = case["at"].as_str().unwrap().parse().unwrap();
        let d = engine.decide_catalog(&world, &proposal, at);
        let got = codes(&d);
        let want: Vec<&str> = case["expect"]["reasons"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        let outcome = if d.is_allowed() { "allow" } else { "deny" };
        // Reasons in order: the order of the rules is part of the answer.
        if outcome != case["expect"]["outcome"] || got != want {
            failures.push(format!(
                "{} [{}]: got {outcome} {got:?}, want {} {want:?}",
                case["name"], case["clause"], case["expect"]["outcome"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
