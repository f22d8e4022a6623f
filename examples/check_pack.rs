//! The policy author's checker, as an example: a thin wrapper over `lgsp-policy check`
//! (the same code, in `cli/check.rs`), for those who run it from the repository without
//! installing the tool (`cargo install --path . --features cli`).
//!
//! ```text
//! cargo run --example check_pack -- <pack-folder> [options]
//!
//!   --require-coverage[=FILE,...]  every policy (of these .cedar files) must be reached
//!   --export-cedar DIR             write policies, schema and a run-tests file per suite for Cedar's CLI
//!   --json                         print the report as JSON instead of text
//! ```
//!
//! The folder holds `pack.json`, the `.cedar` files it lists and `tests/*.cases.json`
//! (see docs/POLICY_AUTHORING.md). Exit codes, for CI scripts:
//!
//! | code | meaning                                                                   |
//! |------|---------------------------------------------------------------------------|
//! | 0    | the pack loads, every test passes (and coverage is met if required)       |
//! | 1    | a test failed, or `--require-coverage` and a policy was not reached      |
//! | 2    | the pack is broken: manifest, policies, a test file or its world         |
//! | 3    | usage or I/O error (bad arguments, unreadable folder)                    |

use std::path::PathBuf;
use std::process::ExitCode;

#[path = "../cli/check.rs"]
mod check;
#[path = "../cli/common.rs"]
#[allow(
    dead_code,
    reason = "shared with the tool; this wrapper uses part of it"
)]
mod common;

fn usage(problem: &str) -> ExitCode {
    eprintln!("check_pack: {problem}");
    eprintln!(
        "usage: cargo run --example check_pack -- <pack-folder> [--require-coverage[=FILE,...]] [--export-cedar DIR] [--json]"
    );
    ExitCode::from(common::USAGE)
}

fn parse_args() -> Result<check::Options, String> {
    let mut opts = check::Options::default();
    let mut folder = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--require-coverage" => opts.require = Some(Vec::new()),
            "--json" => opts.json = true,
            "--export-cedar" => {
                opts.export = Some(PathBuf::from(
                    args.next().ok_or("--export-cedar needs a directory")?,
                ));
            }
            "-h" | "--help" => return Err("help".into()),
            a if a.starts_with("--require-coverage=") => {
                let files = a.trim_start_matches("--require-coverage=");
                opts.require = Some(files.split(',').map(str::to_owned).collect());
            }
            a if a.starts_with('-') => return Err(format!("unknown option `{a}`")),
            a => {
                if folder.replace(PathBuf::from(a)).is_some() {
                    return Err("give one pack folder".into());
                }
            }
        }
    }
    opts.folder = folder.ok_or("no pack folder given")?;
    Ok(opts)
}

fn main() -> ExitCode {
    match parse_args() {
        Ok(opts) => ExitCode::from(check::run(&opts)),
        Err(e) => usage(&e),
    }
}
