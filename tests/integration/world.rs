//! Building worlds: every check names the record and the field (QD05/2024 Đ2, Đ14.5,
//! Đ16.2.e), JSON errors have positions, and a world survives a serde round-trip.

use lgsp_policy::records::AgreementStatus;
use lgsp_policy::{World, WorldData, WorldError};
use serde_json::{Value, json};

use crate::support;

fn data() -> Value {
    serde_json::from_str(support::WORLD_JSON).unwrap()
}

fn build(v: Value) -> Result<World, WorldError> {
    World::from_json(&v.to_string())
}

#[test]
fn the_example_province_builds() {
    let world = support::world();
    assert_eq!(world.territory().as_str(), "VN-32");
    assert_eq!(
        world.provincial_focal_point().map(|a| a.as_str()),
        Some("so-tttt")
    );
}

#[test]
fn duplicate_ids_are_named() {
    let mut v = data();
    let first = v["agencies"][0].clone();
    v["agencies"].as_array_mut().unwrap().push(first);
    let err = build(v).unwrap_err();
    assert_eq!(
        err,
        WorldError::DuplicateId {
            kind: "agency",
            id: "so-tttt".into()
        }
    );
}

#[test]
fn dangling_references_name_record_field_and_target() {
    let mut v = data();
    v["datasets"][0]["database"] = json!("csdl-khong-co");
    let err = build(v).unwrap_err();
    assert!(matches!(
        &err,
        WorldError::DanglingReference { kind: "dataset", field: "database", target, .. } if target == "csdl-khong-co"
    ));
    assert!(err.to_string().contains("dan-cu.nhan-khau"));
}

#[test]
fn qd05_14_5_a_term_that_ends_before_it_starts_is_refused() {
    let mut v = data();
    v["agreements"][2]["term"]["end"] = json!("2024-03-01T00:00:00+07:00");
    let err = build(v).unwrap_err();
    assert!(
        matches!(err, WorldError::TermEndsBeforeStart { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("term.end"));
}

#[test]
fn qd05_16_2_e_an_account_issued_by_a_non_provider_is_refused() {
    let mut v = data();
    v["accounts"][0]["issuer"] = json!("ubnd-phuong-1");
    let err = build(v).unwrap_err();
    assert!(
        matches!(&err, WorldError::IssuerNotProvider { issuer, .. } if issuer.as_str() == "ubnd-phuong-1"),
        "{err}"
    );
}

#[test]
fn an_agreement_may_only_cover_its_providers_datasets() {
    let mut v = data();
    v["agreements"][0]["datasets"] = json!(["dkdn.doanh-nghiep"]);
    let err = build(v).unwrap_err();
    assert!(
        matches!(err, WorldError::DatasetNotFromProvider { .. }),
        "{err}"
    );
}

#[test]
fn qd05_15_1_a_there_is_one_provincial_focal_point() {
    let mut v = data();
    let mut second = v["agencies"][0].clone();
    second["id"] = json!("so-tttt-2");
    v["agencies"].as_array_mut().unwrap().push(second);
    assert!(matches!(
        build(v).unwrap_err(),
        WorldError::SecondFocalPoint { .. }
    ));
}

#[test]
fn json_errors_carry_line_and_column() {
    let text =
        support::WORLD_JSON.replacen("\"class\": \"shared\"", "\"class\": \"top_secret\"", 1);
    match World::from_json(&text).unwrap_err() {
        WorldError::Json {
            line,
            column,
            message,
        } => {
            assert!(line > 1 && column > 1, "{line}:{column}");
            assert!(message.contains("top_secret"), "{message}");
        }
        other => panic!("expected a JSON error, got {other}"),
    }
    for bad in [
        "",
        "[]",
        "{\"territory\": \"VN 57\"}",
        "{\"territory\": \"VN-32\", \"x\": 1}",
    ] {
        assert!(
            matches!(World::from_json(bad), Err(WorldError::Json { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn ids_are_checked_when_read() {
    let mut v = data();
    v["agencies"][1]["id"] = json!("ủy ban");
    let err = build(v).unwrap_err();
    assert!(err.to_string().contains("not a valid agency id"), "{err}");
}

#[test]
fn dates_outside_1900_9999_are_refused() {
    let mut v = data();
    v["agreements"][0]["term"]["start"] = json!("1800-01-01T00:00:00+07:00");
    assert!(matches!(
        build(v).unwrap_err(),
        WorldError::DateOutOfRange {
            field: "term.start",
            ..
        }
    ));
}

#[test]
fn a_world_survives_a_serde_round_trip_in_canonical_order() {
    let world = support::world();
    let text = serde_json::to_string(&world).unwrap();
    let again: World = serde_json::from_str(&text).unwrap();
    assert_eq!(world.to_data(), again.to_data());
    // The same records in another order give the same world.
    let mut shuffled: WorldData = serde_json::from_str(support::WORLD_JSON).unwrap();
    shuffled.agencies.reverse();
    shuffled.datasets.reverse();
    shuffled.agreements.reverse();
    let other = World::new(shuffled).unwrap();
    assert_eq!(world.to_data(), other.to_data());
}

#[test]
fn agreement_lookups_use_the_index() {
    let world = support::world();
    let ids: Vec<_> = world
        .agreements_between(&"ubnd-tuy-hoa".parse().unwrap(), &"so-tp".parse().unwrap())
        .map(|g| (g.id.to_string(), g.status))
        .collect();
    assert_eq!(
        ids,
        vec![("agr.tp.tuy-hoa".to_owned(), AgreementStatus::Active)]
    );
}
