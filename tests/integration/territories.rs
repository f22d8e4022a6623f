//! The province as it is today (issue 12): a world of the merged Đắk Lắk holds data of the
//! former Phú Yên area, governed by QD05/2024, and of the former Đắk Lắk area, whose
//! regulation no pack encodes. Every kind of question is decided by the pack in force for
//! the territory of its data, never by another territory's (docs/TERRITORIES.md).

use chrono::{DateTime, Days, FixedOffset};
use lgsp_policy::authoring::{Question, cedar_question};
use lgsp_policy::catalog::WithdrawalDossier;
use lgsp_policy::records::{Agency, AgencyKind, TerritoryId};
use lgsp_policy::{
    AccessRequest, Action, CatalogProposal, Channel, Decision, Engine, EngineError, ReasonKind,
    RulePack, SuspendAllRequest, SuspensionRequest, World, WorldData, WorldError,
};

const MERGED: &str = include_str!("../../examples/data/dak-lak-2026.world.json");
const STRICT_MANIFEST: &str = include_str!("../../examples/packs/strict-personal-data/pack.json");
const STRICT_ACCESS: &str = include_str!("../../examples/packs/strict-personal-data/access.cedar");
const STRICT_RULES: &str = include_str!("../../examples/packs/strict-personal-data/strict.cedar");

const FORMER_PHU_YEN: &str = "VN-33:former-VN-32";
const FORMER_DAK_LAK: &str = "VN-33:former-VN-33";

fn at(s: &str) -> DateTime<FixedOffset> {
    s.parse().unwrap()
}

fn merged() -> World {
    World::from_json(MERGED).unwrap()
}

fn query(account: &str, dataset: &str, when: &str) -> AccessRequest {
    let mut r = AccessRequest::new(
        account.parse().unwrap(),
        Action::Query,
        dataset.parse().unwrap(),
        Channel::Lgsp,
        "administrative-procedures".parse().unwrap(),
        at(when),
    );
    r.subject_requested = true;
    r
}

/// Tuy Hòa's query of the former Đắk Lắk land database, on 2026-12-01.
fn land_query() -> AccessRequest {
    query(
        "acc.tuy-hoa.dat-dai",
        "dat-dai.thua-dat",
        "2026-12-01T09:00:00+07:00",
    )
}

/// The cited deny "no rule pack in force for this territory", naming `territory` and the
/// date, and decided by no pack.
fn assert_no_pack(d: &Decision, territory: &str, date: &str) {
    assert!(!d.is_allowed(), "{d:?}");
    assert!(d.pack.is_none(), "{d:?}");
    let r = d
        .reasons
        .iter()
        .find(|r| r.code == "no_pack_in_force")
        .unwrap_or_else(|| panic!("{d:?}"));
    assert_eq!(r.kind, ReasonKind::NoPackInForce);
    assert!(!r.clause.as_str().is_empty() && !r.vi.is_empty() && !r.en.is_empty());
    assert_eq!(
        r.detail.as_deref(),
        Some(format!("territory `{territory}` on {date}").as_str())
    );
}

fn decided_by_qd05(d: &Decision) {
    assert_eq!(
        d.pack.as_ref().map(|p| p.id.as_str()),
        Some("qd05-2024-phu-yen"),
        "{d:?}"
    );
}

/// The strict example pack, made the pack of the former Đắk Lắk area, as an operator would
/// add that area's pack once its regulation is encoded.
fn pack_for_former_dak_lak() -> RulePack {
    let mut manifest: serde_json::Value = serde_json::from_str(STRICT_MANIFEST).unwrap();
    manifest["territories"] = serde_json::json!([FORMER_DAK_LAK]);
    RulePack::from_sources(
        &manifest.to_string(),
        [
            ("access.cedar", STRICT_ACCESS),
            ("strict.cedar", STRICT_RULES),
        ],
    )
    .unwrap()
}

#[test]
fn each_record_has_the_territory_of_its_area() {
    let world = merged();
    assert_eq!(world.territory().as_str(), "VN-33");
    let names: Vec<&str> = world
        .territories()
        .iter()
        .map(TerritoryId::as_str)
        .collect();
    assert_eq!(names, ["VN-33", FORMER_PHU_YEN, FORMER_DAK_LAK]);
    let of_db = |id: &str| {
        world
            .territory_of_database(&id.parse().unwrap())
            .map(|t| t.as_str())
    };
    assert_eq!(of_db("csdl-dan-cu"), Some(FORMER_PHU_YEN));
    assert_eq!(of_db("csdl-dat-dai-dl"), Some(FORMER_DAK_LAK));
    assert_eq!(of_db("nothing"), None);
    let of_agency = |id: &str| {
        world
            .territory_of_agency(&id.parse().unwrap())
            .map(|t| t.as_str())
    };
    // A department of the new province serves both areas: the province's own territory.
    assert_eq!(of_agency("so-tp"), Some("VN-33"));
    assert_eq!(of_agency("ubnd-p-buon-ma-thuot"), Some(FORMER_DAK_LAK));
    // A database without its own territory is its manager's.
    let mut data = world.to_data();
    data.agencies.push(
        Agency::new(
            "so-x".parse().unwrap(),
            "Sở X",
            AgencyKind::ProvincialDepartment,
        )
        .in_territory(FORMER_DAK_LAK.parse().unwrap()),
    );
    let mut db = data.databases[0].clone();
    db.id = "csdl-x".parse().unwrap();
    db.manager = "so-x".parse().unwrap();
    db.territory = None;
    data.databases.push(db);
    let world = World::new(data.clone()).unwrap();
    assert_eq!(
        world
            .territory_of_database(&"csdl-x".parse().unwrap())
            .map(|t| t.as_str()),
        Some(FORMER_DAK_LAK)
    );
    // The round trip keeps the territories.
    assert_eq!(
        World::new(world.to_data()).unwrap().to_data(),
        world.to_data()
    );
}

#[test]
fn a_territory_outside_the_world_is_refused() {
    for bad in ["VN-32", "VN-330", "VN-33:", "XX-LV:VN-33"] {
        let mut data = merged().to_data();
        data.databases[0].territory = Some(bad.parse().unwrap());
        let err = World::new(data).unwrap_err();
        assert!(
            matches!(&err, WorldError::TerritoryOutsideWorld { kind: "database", territory, .. } if territory.as_str() == bad),
            "{bad}: {err}"
        );
        assert!(err.to_string().contains("field `territory`"), "{err}");
        let mut data = merged().to_data();
        data.agencies[0].territory = Some(bad.parse().unwrap());
        assert!(matches!(
            World::new(data),
            Err(WorldError::TerritoryOutsideWorld { kind: "agency", .. })
        ));
    }
    // The world's own territory, named on a record, is accepted.
    let mut data = merged().to_data();
    data.agencies[0].territory = Some("VN-33".parse().unwrap());
    assert!(World::new(data).is_ok());
}

#[test]
fn access_follows_the_pack_of_the_data_whoever_asks() {
    let engine = Engine::builtin().unwrap();
    let world = merged();
    // Former Phú Yên data, asked by a commune of that area and by one of the other area.
    for account in ["acc.tuy-hoa.dan-cu", "acc.bmt.dan-cu"] {
        let d = engine.decide(
            &world,
            &query(account, "dan-cu.ho-tich", "2026-12-01T09:00:00+07:00"),
        );
        assert!(d.is_allowed(), "{account}: {d:?}");
        decided_by_qd05(&d);
        assert!(d.advisories.iter().any(|a| a.code == "province_merged"));
    }
    // Former Đắk Lắk data: no pack, never QD05/2024's rules.
    let d = engine.decide(&world, &land_query());
    assert_no_pack(&d, FORMER_DAK_LAK, "2026-12-01");
    assert!(d.duties.is_empty());
    // An unknown dataset is refused in the world's own words, by no pack: the world's
    // territory has none.
    let d = engine.decide(
        &world,
        &query("acc.tuy-hoa.dan-cu", "nothing", "2026-12-01T09:00:00+07:00"),
    );
    assert_no_pack(&d, "VN-33", "2026-12-01");
    // The export to Cedar's tools chooses the same pack.
    let question = Question::Access(query(
        "acc.tuy-hoa.dat-dai",
        "dat-dai.thua-dat",
        "2026-12-01T09:00:00+07:00",
    ));
    assert!(cedar_question(&engine, &world, &question).is_err());
    let question = Question::Access(query(
        "acc.tuy-hoa.dan-cu",
        "dan-cu.ho-tich",
        "2026-12-01T09:00:00+07:00",
    ));
    assert!(cedar_question(&engine, &world, &question).is_ok());
}

#[test]
fn the_merger_is_noted_from_2025_07_01_on_the_same_rules() {
    let engine = Engine::builtin().unwrap();
    let world = merged();
    let before = engine.decide(
        &world,
        &query(
            "acc.tuy-hoa.dan-cu",
            "dan-cu.ho-tich",
            "2025-06-20T09:00:00+07:00",
        ),
    );
    let after = engine.decide(
        &world,
        &query(
            "acc.tuy-hoa.dan-cu",
            "dan-cu.ho-tich",
            "2025-07-10T09:00:00+07:00",
        ),
    );
    assert!(before.is_allowed() && after.is_allowed());
    assert_eq!(
        before.reason_codes().collect::<Vec<_>>(),
        after.reason_codes().collect::<Vec<_>>()
    );
    assert!(
        !before
            .advisories
            .iter()
            .any(|a| a.code == "province_merged")
    );
    assert!(after.advisories.iter().any(|a| a.code == "province_merged"));
    // The decision before the merger is valid until the advisory comes into force.
    assert!(
        before
            .valid_until
            .is_some_and(|t| t <= at("2025-07-01T00:00:00+07:00")),
        "{:?}",
        before.valid_until
    );
}

#[test]
fn lifecycle_and_catalog_questions_follow_the_territory_of_their_data() {
    let engine = Engine::builtin().unwrap();
    let world = merged();
    let now = "2026-12-01T09:00:00+07:00";
    // A suspension of the agreement on former Đắk Lắk land data: no pack.
    let other = SuspensionRequest::new(
        "so-nnmt".parse().unwrap(),
        "agr.nnmt.tuy-hoa".parse().unwrap(),
        None,
        at(now),
    );
    assert_no_pack(
        &engine.decide_suspension(&world, &other).decision,
        FORMER_DAK_LAK,
        "2026-12-01",
    );
    // On former Phú Yên data, with a province-wide provider: QD05/2024 decides (here a
    // deny, there being no violation).
    let ours = SuspensionRequest::new(
        "so-tp".parse().unwrap(),
        "agr.tp.bmt".parse().unwrap(),
        None,
        at(now),
    );
    let d = engine.decide_suspension(&world, &ours).decision;
    assert!(!d.is_allowed());
    decided_by_qd05(&d);
    // Suspending every consumer of a database, and a catalog proposal, follow the database.
    let all = |db: &str, provider: &str| SuspendAllRequest {
        provider: provider.parse().unwrap(),
        database: db.parse().unwrap(),
        grounds: lgsp_policy::records::AllConsumersGrounds::Maintenance,
        starts_at: at("2026-12-20T08:00:00+07:00"),
        notice: None,
        at: at(now),
    };
    assert_no_pack(
        &engine
            .decide_suspend_all(&world, &all("csdl-dat-dai-dl", "so-nnmt"))
            .decision,
        FORMER_DAK_LAK,
        "2026-12-01",
    );
    decided_by_qd05(
        &engine
            .decide_suspend_all(&world, &all("csdl-dan-cu", "so-tp"))
            .decision,
    );
    let withdraw = |db: &str, by: &str| {
        CatalogProposal::withdrawal(
            by.parse().unwrap(),
            db.parse().unwrap(),
            WithdrawalDossier::default(),
        )
    };
    assert_no_pack(
        &engine.decide_catalog(&world, &withdraw("csdl-dat-dai-dl", "so-nnmt"), at(now)),
        FORMER_DAK_LAK,
        "2026-12-01",
    );
    decided_by_qd05(&engine.decide_catalog(&world, &withdraw("csdl-dan-cu", "so-tp"), at(now)));
}

#[test]
fn the_duties_report_groups_duties_by_the_pack_that_imposes_them() {
    let world = merged();
    let now = at("2026-12-01T09:00:00+07:00");
    let report = Engine::builtin()
        .unwrap()
        .duties_report(&world, now, Days::new(400))
        .unwrap();
    let qd05 = "qd05-2024-phu-yen".parse().unwrap();
    assert!(!report.duties.is_empty());
    assert_eq!(report.of_pack(&qd05).count(), report.duties.len());
    let land = lgsp_policy::duties::DutySubject::Database("csdl-dat-dai-dl".parse().unwrap());
    let population = lgsp_policy::duties::DutySubject::Database("csdl-dan-cu".parse().unwrap());
    assert!(report.duties.iter().all(|d| d.subject != land));
    assert!(report.duties.iter().any(|d| d.subject == population));
    let uncovered: Vec<&str> = report.not_covered.iter().map(TerritoryId::as_str).collect();
    assert_eq!(uncovered, ["VN-33", FORMER_DAK_LAK]);

    // With the other area's pack added, its database's duties are listed under it.
    let engine = Engine::with_packs(vec![
        RulePack::builtin().unwrap(),
        pack_for_former_dak_lak(),
    ])
    .unwrap();
    let report = engine.duties_report(&world, now, Days::new(400)).unwrap();
    let strict = "example-strict-personal-data".parse().unwrap();
    assert!(
        report.of_pack(&strict).any(|d| d.subject == land),
        "{report:#?}"
    );
    assert!(report.of_pack(&strict).all(|d| d.subject != population));
    assert!(report.of_pack(&qd05).all(|d| d.subject != land));
    let uncovered: Vec<&str> = report.not_covered.iter().map(TerritoryId::as_str).collect();
    assert_eq!(uncovered, ["VN-33"]);

    // A world none of whose territories has a pack is the typed error, naming the world's.
    let nowhere = World::new(WorldData::new("VN-56".parse().unwrap())).unwrap();
    assert!(matches!(
        Engine::builtin().unwrap().duties_report(&nowhere, now, Days::new(30)),
        Err(lgsp_policy::DutiesError::NoPackInForce { territory, .. }) if territory.as_str() == "VN-56"
    ));
}

#[test]
fn an_operator_adds_the_pack_of_the_other_area_beside_the_built_in_one() {
    let engine = Engine::with_packs(vec![
        RulePack::builtin().unwrap(),
        pack_for_former_dak_lak(),
    ])
    .unwrap();
    let world = merged();
    let d = engine.decide(&world, &land_query());
    assert_eq!(
        d.pack.as_ref().map(|p| p.id.as_str()),
        Some("example-strict-personal-data"),
        "{d:?}"
    );
    decided_by_qd05(&engine.decide(
        &world,
        &query(
            "acc.tuy-hoa.dan-cu",
            "dan-cu.ho-tich",
            "2026-12-01T09:00:00+07:00",
        ),
    ));
    // Two packs governing a common territory on a common day are refused.
    let mut manifest: serde_json::Value = serde_json::from_str(STRICT_MANIFEST).unwrap();
    manifest["territories"] = serde_json::json!([FORMER_DAK_LAK, FORMER_PHU_YEN]);
    let clash = RulePack::from_sources(
        &manifest.to_string(),
        [
            ("access.cedar", STRICT_ACCESS),
            ("strict.cedar", STRICT_RULES),
        ],
    )
    .unwrap();
    match Engine::with_packs(vec![RulePack::builtin().unwrap(), clash]) {
        Err(EngineError::OverlappingPacks { territory, on, .. }) => {
            assert_eq!(territory.as_str(), FORMER_PHU_YEN);
            assert_eq!(on.to_string(), "2024-03-05");
        }
        other => panic!("{:?}", other.map(|_| "an engine")),
    }
    // One that ends before the other starts is accepted.
    manifest["effective_until"] = serde_json::json!("2024-03-05");
    manifest["effective_from"] = serde_json::json!("2024-01-01");
    let earlier = RulePack::from_sources(
        &manifest.to_string(),
        [
            ("access.cedar", STRICT_ACCESS),
            ("strict.cedar", STRICT_RULES),
        ],
    )
    .unwrap();
    assert!(Engine::with_packs(vec![RulePack::builtin().unwrap(), earlier]).is_ok());
}

#[test]
fn a_pack_governs_at_least_one_territory_each_once() {
    let (manifest, files) = RulePack::builtin_sources();
    let mut m: serde_json::Value = serde_json::from_str(manifest).unwrap();
    for (territories, problem) in [
        (serde_json::json!([]), "`territories` is empty"),
        (
            serde_json::json!(["VN-32", "VN-32"]),
            "`territories` names `VN-32` twice",
        ),
    ] {
        m["territories"] = territories;
        let err = RulePack::from_sources(&m.to_string(), files.iter().copied()).unwrap_err();
        assert!(err.to_string().contains(problem), "{err}");
    }
    let pack = RulePack::builtin().unwrap();
    assert!(pack.governs(&"VN-32".parse().unwrap()));
    assert!(pack.governs(&FORMER_PHU_YEN.parse().unwrap()));
    assert!(!pack.governs(&FORMER_DAK_LAK.parse().unwrap()));
}

/// Bình Dương's ISO 3166-2 code was once shipped as Phú Yên's (which is `VN-32`): no
/// shipped file says it again (the changelog records the correction).
#[test]
fn no_shipped_file_names_vn_57() {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if let Ok(text) = std::fs::read_to_string(&path)
                && text.contains(concat!("VN", "-57"))
            {
                found.push(path.display().to_string());
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    for dir in [
        "src", "policies", "examples", "docs", "cli", "tests", "benches", "scripts",
    ] {
        walk(&root.join(dir), &mut found);
    }
    for file in ["README.md", "Cargo.toml"] {
        if std::fs::read_to_string(root.join(file))
            .unwrap()
            .contains(concat!("VN", "-57"))
        {
            found.push(file.to_owned());
        }
    }
    assert!(found.is_empty(), "{found:?}");
}
