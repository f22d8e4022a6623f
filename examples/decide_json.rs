//! JSON in, decision JSON out: for shell scripts and for callers in other languages. A
//! thin wrapper over `lgsp-policy decide` (the same code, in `cli/decide.rs`), for those
//! who run it from the repository without installing the tool.
//!
//! ```text
//! cargo run --example decide_json -- [--pack DIR]... [--only-packs] [--explain] [--export-cedar DIR]
//!                                     [WORLD [REQUESTS|-]]
//! ```
//!
//! - No file: standard input holds `{"world": {…}, "request": {…}}` (or `"requests": […]`).
//! - `WORLD`: a world file; the requests come from standard input, as a stream of JSON
//!   values (one per line, say); each is answered with one line of decision JSON, so a
//!   long-running caller can pipe requests in and read decisions out.
//! - `WORLD REQUESTS`: a file holding one request or an array of requests.
//!
//! The world and request formats are those of `World` and `AccessRequest` (see
//! docs/POLICY_AUTHORING.md; `policies/qd05-2024-phu-yen/tests/` has examples). The output
//! is a `Decision` (with `--explain`, an `Explanation`: the decision and the policies that
//! were satisfied), one JSON document per request on one line.
//!
//! `--pack DIR` loads a pack folder beside the built-in pack (for another territory or
//! period); `--only-packs` leaves the built-in pack out.
//!
//! `--export-cedar DIR` also writes each decision for Cedar's own CLI, the first request's
//! in `DIR/1/`, the second's in `DIR/2/`, and so on: `entities.json`, `request.json`
//! (principal, action, resource and the context the engine built), `context.json`,
//! `cedar-tests.json` (the one case, with the answer Cedar must give), and the pack's
//! `policies.cedar.json` and `model.cedarschema`. A request the engine refuses before any
//! rule runs (an unknown account, no pack in force) has nothing to export; standard error
//! says so. Then, for example:
//!
//! ```text
//! cedar authorize --schema DIR/1/model.cedarschema --policies DIR/1/policies.cedar.json \
//!     --policy-format json --entities DIR/1/entities.json --request-json DIR/1/request.json
//! ```
//!
//! Exit codes: 0 every request was decided (allow or deny: read `outcome`); 2 a world,
//! request or pack is invalid (the message on standard error says where); 3 usage or I/O.
//!
//! ```text
//! $ echo '{"account":"acc.tuy-hoa.dan-cu","action":"query","dataset":"dan-cu.nhan-khau",
//!          "channel":"direct","purpose":"administrative-procedures",
//!          "at":"2024-06-03T09:30:00+07:00"}' |
//!   cargo run -q --example decide_json -- policies/qd05-2024-phu-yen/tests/phu-yen.world.json -
//! {"outcome":"deny","reasons":[{"code":"not_through_lgsp",…}],…}
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

#[path = "../cli/common.rs"]
#[allow(
    dead_code,
    reason = "shared with the tool; this wrapper uses part of it"
)]
mod common;
#[path = "../cli/decide.rs"]
#[allow(
    dead_code,
    reason = "shared with the tool; this wrapper uses part of it"
)]
mod decide;

const TOOL: &str = "decide_json";

fn usage(problem: &str) -> ExitCode {
    eprintln!("{TOOL}: {problem}");
    eprintln!(
        "usage: decide_json [--pack DIR]... [--only-packs] [--explain] [--export-cedar DIR] [WORLD [REQUESTS|-]]"
    );
    ExitCode::from(common::USAGE)
}

fn main() -> ExitCode {
    let mut opts = decide::Options::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pack" => match args.next() {
                Some(dir) => opts.packs.push(PathBuf::from(dir)),
                None => return usage("--pack needs a folder"),
            },
            "--only-packs" => opts.only_packs = true,
            "--explain" => opts.output = decide::Output::ExplanationJson,
            "--export-cedar" => match args.next() {
                Some(dir) => opts.export = Some(PathBuf::from(dir)),
                None => return usage("--export-cedar needs a folder"),
            },
            "-" => opts.positional.push(arg),
            a if a.starts_with('-') => return usage(&format!("unknown option `{a}`")),
            _ => opts.positional.push(arg),
        }
    }
    if opts.positional.len() > 2 {
        return usage("too many arguments");
    }
    ExitCode::from(decide::run(TOOL, &opts))
}
