//! The main job: the built-in Phú Yên rule pack (QD05/2024) at work in a believable
//! province — the Department of Information and Communications, departments, a district and
//! a commune People's Committee, a ministry, enterprises and a citizen; population,
//! enterprise-registration and land databases.
//!
//! ```text
//! cargo run --example province                       # all three stories
//! cargo run --example province -- access [WORLD.json CASES.json]
//! cargo run --example province -- suspension
//! cargo run --example province -- catalog [NOW]
//! cargo run --example province -- merged
//! ```
//!
//! 1. **access**: a table of requests, each decided with its reasons (clause, Vietnamese and
//!    English) and the duties it creates.
//! 2. **suspension**: a violation determined on a Friday afternoon, the one-day notice
//!    deadline, a late notice flagged, the consumer's requests denied while suspended, the
//!    restoration (QD05/2024 Đ16.2.h).
//! 3. **catalog**: a proposal with three gaps, an eligible one, and the province's duties
//!    report (QD05/2024 Đ7, Đ8.3, and the duties of Đ4.3–Đ16.2.h).
//! 4. **merged**: the province of today, Đắk Lắk after the 2025 merger: one world with
//!    data of the former Phú Yên area (QD05/2024) and of the former Đắk Lắk area (no pack),
//!    requests to each, and a request dated before and after 2025-07-01.
//!
//! The library does no I/O: this example reads the files and the command line, and prints.

mod access;
mod catalog;
mod merged;
mod suspension;

use std::error::Error;
use std::process::ExitCode;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn banner(title: &str) {
    println!("{}\n{title}\n{}\n", "=".repeat(88), "=".repeat(88));
}

fn run() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let story = args.next().unwrap_or_else(|| "all".to_owned());
    let rest: Vec<String> = args.collect();
    let default_now = "2024-06-03T09:00:00+07:00";
    match story.as_str() {
        "access" => access::run(rest.first().cloned(), rest.get(1).cloned()),
        "suspension" => suspension::run(),
        "merged" => merged::run(),
        "catalog" => catalog::run(rest.first().map_or(default_now, String::as_str).parse()?),
        "all" => {
            banner("1. Access requests (QD05/2024 Chapter III)");
            access::run(None, None)?;
            banner("2. A suspension with the one-day notice (QD05/2024 Đ16.2.h)");
            suspension::run()?;
            banner(
                "3. The shared catalog and the duties report (QD05/2024 Đ7, Đ8.3, Đ4.3–Đ16.1.a)",
            );
            catalog::run(default_now.parse()?)?;
            banner("4. The merged province: Đắk Lắk since 2025-07-01, a pack per former area");
            merged::run()
        }
        other => Err(format!(
            "unknown story `{other}`: use access, suspension, catalog, merged or all"
        )
        .into()),
    }
}
