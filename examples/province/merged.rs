//! The merged province: Phú Yên became part of Đắk Lắk on 2025-07-01, and QD05/2024 stays
//! in force in the former Phú Yên area only (docs/TERRITORIES.md).
//!
//! One world of the new Đắk Lắk (`VN-33`) holds data of both former areas: the civil
//! status register of the former Phú Yên area (`VN-33:former-VN-32`) and the land database
//! of the former Đắk Lắk area (`VN-33:former-VN-33`). The engine decides each request with
//! the pack in force for the territory of the data asked for, whoever asks: QD05/2024 for
//! the first; for the second, whose regulation (Đắk Lắk's Decision 01/2023/QĐ-UBND) no pack
//! encodes, a cited "no rule pack in force for this territory". The same request dated
//! before and after the merger shows the advisory the pack adds from 2025-07-01.

use std::error::Error;

use lgsp_policy::{AccessRequest, Action, Channel, Engine, World};

use crate::access::print_case;

const WORLD: &str = "examples/data/dak-lak-2026.world.json";

/// Decides the merged-province requests and prints them.
pub fn run() -> Result<(), Box<dyn Error>> {
    let world =
        World::from_json(&std::fs::read_to_string(WORLD)?).map_err(|e| format!("{WORLD}: {e}"))?;
    let engine = Engine::builtin()?;
    println!(
        "World {} · territories of its records: {}",
        world.territory(),
        world
            .territories()
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    for db in world.databases() {
        let territory = world.territory_of_database(&db.id).ok_or("database")?;
        let pack = engine
            .pack_for(territory, "2026-12-01".parse()?)
            .map_or_else(
                || "no pack in force".to_owned(),
                |p| p.manifest().id.to_string(),
            );
        println!("  {} — {} → {pack}", db.name, territory);
    }
    println!();

    let request =
        |account: &str, dataset: &str, at: &str| -> Result<AccessRequest, Box<dyn Error>> {
            let mut r = AccessRequest::new(
                account.parse()?,
                Action::Query,
                dataset.parse()?,
                Channel::Lgsp,
                "administrative-procedures".parse()?,
                at.parse()?,
            );
            r.subject_requested = true;
            Ok(r)
        };
    let stories = [
        (
            "Tuy Hòa (former Phú Yên area) reads the former Phú Yên civil status register: QD05/2024 decides",
            request(
                "acc.tuy-hoa.dan-cu",
                "dan-cu.ho-tich",
                "2026-12-01T09:00:00+07:00",
            )?,
        ),
        (
            "Buôn Ma Thuột (former Đắk Lắk area) reads the same register: the data's pack decides, whoever asks",
            request(
                "acc.bmt.dan-cu",
                "dan-cu.ho-tich",
                "2026-12-01T09:00:00+07:00",
            )?,
        ),
        (
            "Tuy Hòa reads the former Đắk Lắk land database: no pack encodes that area's regulation",
            request(
                "acc.tuy-hoa.dat-dai",
                "dat-dai.thua-dat",
                "2026-12-01T09:00:00+07:00",
            )?,
        ),
        (
            "Tuy Hòa reads the register before the merger (2025-06-20)",
            request(
                "acc.tuy-hoa.dan-cu",
                "dan-cu.ho-tich",
                "2025-06-20T09:00:00+07:00",
            )?,
        ),
        (
            "… and after it (2025-07-10): the same rules, and the merger noted",
            request(
                "acc.tuy-hoa.dan-cu",
                "dan-cu.ho-tich",
                "2025-07-10T09:00:00+07:00",
            )?,
        ),
    ];
    for (n, (name, r)) in stories.iter().enumerate() {
        print_case(n + 1, name, r, &world, &engine.decide(&world, r));
    }
    Ok(())
}
