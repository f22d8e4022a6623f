//! The shared catalog and the compliance duties of the example province (Phú Yên).
//!
//! ```text
//! cargo run --example province -- catalog                              # at 2024-06-03 09:00 +07:00
//! cargo run --example province -- catalog 2024-09-02T08:00:00+07:00    # at another moment
//! ```
//!
//! 1. Sở Tài nguyên và Môi trường proposes adding its land database to the shared catalog
//!    with a dossier that lacks two items, while the database is still hosted outside the
//!    provincial data centre: three gaps, each with its clause (QD05/2024 Đ7.2, Đ8.3).
//! 2. After moving the database to the data centre it proposes again with a complete
//!    dossier: eligible (Đ7.3).
//! 3. The duties report of the province: what is overdue, due within 30 days, or unmet.
//!
//! The library does no I/O; this example reads the world file, the command line, and
//! prints.

use std::error::Error;

use chrono::{DateTime, Days, FixedOffset};
use lgsp_policy::catalog::AdditionDossier;
use lgsp_policy::records::{Hosting, SharingMethod};
use lgsp_policy::{CatalogProposal, Decision, DutiesReport, Engine, World, WorldData};

const WORLD_FILE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json"
);

/// Runs the catalog story and prints the duties report at `now`.
pub fn run(now: DateTime<FixedOffset>) -> Result<(), Box<dyn Error>> {
    let json = std::fs::read_to_string(WORLD_FILE)?;
    let data: WorldData = serde_json::from_str(&json)?;
    let world = World::new(data.clone())?;
    let engine = Engine::builtin()?;

    println!("Phú Yên, {now}\n");

    // 1. Three gaps.
    let mut dossier = complete_dossier()?;
    dossier.objective = None;
    dossier.sources = Some("   ".into());
    let proposal = CatalogProposal::addition("so-tnmt".parse()?, "csdl-dat-dai".parse()?, dossier);
    let decision = engine.decide_catalog(&world, &proposal, now);
    print_decision(
        "1. Đề xuất bổ sung CSDL đất đai vào danh mục dùng chung (hồ sơ thiếu, đặt ngoài TTDL)",
        &decision,
    );

    // 2. After the move to the provincial data centre, with a complete dossier.
    let mut migrated = data;
    for db in &mut migrated.databases {
        if db.id.as_str() == "csdl-dat-dai" {
            db.hosting = Hosting::ProvincialDataCentre;
        }
    }
    let migrated = World::new(migrated)?;
    let proposal = CatalogProposal::addition(
        "so-tnmt".parse()?,
        "csdl-dat-dai".parse()?,
        complete_dossier()?,
    );
    let decision = engine.decide_catalog(&migrated, &proposal, now);
    print_decision(
        "2. Đề xuất lại sau khi chuyển về Trung tâm dữ liệu tỉnh, hồ sơ đầy đủ",
        &decision,
    );

    // 3. The duties report.
    let report = engine.duties_report(&world, now, Days::new(30))?;
    print_report(&report);
    Ok(())
}

fn complete_dossier() -> Result<AdditionDossier, Box<dyn Error>> {
    Ok(AdditionDossier {
        name: Some("Cơ sở dữ liệu đất đai tỉnh Phú Yên".into()),
        managing_unit: Some("Sở Tài nguyên và Môi trường".into()),
        objective: Some("Quản lý thống nhất thông tin thửa đất trên địa bàn tỉnh".into()),
        data_scope: Some("Thửa đất, chủ sử dụng đất, biến động đất đai".into()),
        master_data: vec!["md.thua-dat".parse()?],
        users_and_purposes: Some("UBND cấp huyện, cấp xã: giải quyết thủ tục đất đai".into()),
        sources: Some("Hồ sơ địa chính của Văn phòng đăng ký đất đai".into()),
        sharing_methods: vec![
            SharingMethod::OnlineConnection,
            SharingMethod::Synchronisation,
        ],
        legal_value_basis: Some("Luật Đất đai; Nghị định 47/2020/NĐ-CP".into()),
        administrative_procedures: vec![
            "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu".into(),
            "Đăng ký biến động đất đai".into(),
        ],
    })
}

fn print_decision(title: &str, decision: &Decision) {
    let outcome = if decision.is_allowed() {
        "ĐỦ ĐIỀU KIỆN / eligible"
    } else {
        "CHƯA ĐỦ ĐIỀU KIỆN / not eligible"
    };
    println!("{title}\n  → {outcome}");
    let rows: Vec<[String; 3]> = decision
        .reasons
        .iter()
        .map(|r| [r.clause.to_string(), r.code.clone(), r.en.clone()])
        .collect();
    print_table(&["clause", "code", "reason"], &rows);
    for r in &decision.reasons {
        println!("  · {}", r.vi);
    }
    println!();
}

fn print_report(report: &DutiesReport) {
    println!(
        "3. Nghĩa vụ tuân thủ / compliance duties (due by {})",
        report.horizon_end
    );
    let rows: Vec<[String; 7]> = report
        .duties
        .iter()
        .map(|d| {
            let due = match (d.last_day, &d.calendar_gap) {
                (Some(day), None) => day.to_string(),
                (Some(day), Some(_)) => format!("{day} (*)"),
                (None, _) => "—".to_owned(),
            };
            let late = d
                .overdue_days
                .map_or_else(String::new, |n| format!("{n} d"));
            [
                due,
                format!("{:?}", d.status),
                late,
                d.clause.to_string(),
                d.agency.to_string(),
                d.subject.to_string(),
                d.detail.clone(),
            ]
        })
        .collect();
    print_table(
        &[
            "last day", "status", "late", "clause", "agency", "subject", "facts",
        ],
        &rows,
    );
    if report.duties.iter().any(|d| d.calendar_gap.is_some()) {
        println!(
            "  (*) the calendar does not cover that year: the day is not adjusted for days off"
        );
    }
}

fn print_table<const N: usize>(header: &[&str; N], rows: &[[String; N]]) {
    let mut widths = header.map(|h| h.chars().count());
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(c.chars().count()))))
            .collect();
        println!("  | {} |", padded.join(" | "));
    };
    line(header.to_vec());
    println!(
        "  |{}|",
        widths
            .iter()
            .map(|w| "-".repeat(w + 2))
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}
