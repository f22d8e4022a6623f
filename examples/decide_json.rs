//! JSON in, decision JSON out: for shell scripts and for callers in other languages.
//!
//! ```text
//! cargo run --example decide_json -- [--pack DIR]... [--only-packs] [--explain] [WORLD [REQUESTS|-]]
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

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lgsp_policy::{AccessRequest, Engine, RulePack, World};
use serde_json::Value;

const INVALID: u8 = 2;
const USAGE: u8 = 3;

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("decide_json: {message}");
    if code == USAGE {
        eprintln!(
            "usage: decide_json [--pack DIR]... [--only-packs] [--explain] [WORLD [REQUESTS|-]]"
        );
    }
    ExitCode::from(code)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn stdin() -> Result<String, String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    Ok(text)
}

/// Loads a pack folder: `pack.json` and the policy files it lists.
fn load_pack(dir: &Path) -> Result<Result<RulePack, String>, String> {
    let manifest = read(&dir.join("pack.json"))?;
    let listed: Vec<String> = serde_json::from_str::<Value>(&manifest)
        .ok()
        .and_then(|m| m.get("policies").cloned())
        .and_then(|p| serde_json::from_value(p).ok())
        .unwrap_or_default();
    let mut files = Vec::new();
    for name in listed {
        files.push((name.clone(), read(&dir.join(&name))?));
    }
    Ok(
        RulePack::from_sources(&manifest, files)
            .map_err(|e| format!("pack {}: {e}", dir.display())),
    )
}

fn main() -> ExitCode {
    let mut packs: Vec<PathBuf> = Vec::new();
    let mut only = false;
    let mut explain = false;
    let mut positional: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pack" => match args.next() {
                Some(dir) => packs.push(dir.into()),
                None => return fail(USAGE, "--pack needs a folder"),
            },
            "--only-packs" => only = true,
            "--explain" => explain = true,
            "-" => positional.push(arg),
            a if a.starts_with('-') => return fail(USAGE, &format!("unknown option `{a}`")),
            _ => positional.push(arg),
        }
    }
    if positional.len() > 2 {
        return fail(USAGE, "too many arguments");
    }

    let mut loaded = Vec::new();
    if !only {
        match RulePack::builtin() {
            Ok(p) => loaded.push(p),
            Err(e) => return fail(INVALID, &e.to_string()),
        }
    }
    for dir in &packs {
        match load_pack(dir) {
            Ok(Ok(p)) => loaded.push(p),
            Ok(Err(e)) => return fail(INVALID, &e),
            Err(e) => return fail(USAGE, &e),
        }
    }
    let engine = match Engine::with_packs(loaded) {
        Ok(e) => e,
        Err(e) => return fail(INVALID, &e.to_string()),
    };

    // The world, and where the requests come from.
    let (world_text, requests): (String, Box<dyn Iterator<Item = Result<Value, String>>>) =
        match positional.as_slice() {
            [] => {
                let text = match stdin() {
                    Ok(t) => t,
                    Err(e) => return fail(USAGE, &e),
                };
                let mut input: Value = match serde_json::from_str(&text) {
                    Ok(v) => v,
                    Err(e) => return fail(INVALID, &format!("standard input: {e}")),
                };
                let world = input
                    .get_mut("world")
                    .map(Value::take)
                    .unwrap_or(Value::Null);
                let one = input.get_mut("request").map(Value::take);
                let many = input.get_mut("requests").map(Value::take);
                let requests = match (one, many) {
                    (Some(r), None) => vec![r],
                    (None, Some(Value::Array(rs))) => rs,
                    _ => {
                        return fail(
                            INVALID,
                            "standard input: expected {\"world\": …, \"request\": …} or {\"world\": …, \"requests\": […]}",
                        );
                    }
                };
                (world.to_string(), Box::new(requests.into_iter().map(Ok)))
            }
            [world, rest @ ..] => {
                let world_text = match read(Path::new(world)) {
                    Ok(t) => t,
                    Err(e) => return fail(USAGE, &e),
                };
                let values: Box<dyn Iterator<Item = Result<Value, String>>> =
                    match rest.first().map(String::as_str) {
                        // A stream: each request is answered as soon as it is read.
                        None | Some("-") => Box::new(
                            serde_json::Deserializer::from_reader(std::io::stdin().lock())
                                .into_iter::<Value>()
                                .map(|v| v.map_err(|e| e.to_string())),
                        ),
                        Some(file) => {
                            let text = match read(Path::new(file)) {
                                Ok(t) => t,
                                Err(e) => return fail(USAGE, &e),
                            };
                            let values: Vec<Result<Value, String>> =
                                serde_json::Deserializer::from_str(&text)
                                    .into_iter::<Value>()
                                    .map(|v| v.map_err(|e| e.to_string()))
                                    .collect();
                            Box::new(values.into_iter())
                        }
                    };
                // An array holds several requests.
                let flat = values.flat_map(|v| match v {
                    Ok(Value::Array(items)) => items.into_iter().map(Ok).collect::<Vec<_>>(),
                    other => vec![other],
                });
                (world_text, Box::new(flat))
            }
        };
    let world = match World::from_json(&world_text) {
        Ok(w) => w,
        Err(e) => return fail(INVALID, &format!("world: {e}")),
    };
    let mut out = std::io::stdout().lock();
    for (n, value) in requests.enumerate() {
        let request: AccessRequest =
            match value.and_then(|v| serde_json::from_value(v).map_err(|e| e.to_string())) {
                Ok(r) => r,
                Err(e) => return fail(INVALID, &format!("request {}: {e}", n + 1)),
            };
        let line = if explain {
            serde_json::to_string(&engine.explain(&world, &request))
        } else {
            serde_json::to_string(&engine.decide(&world, &request))
        };
        let written = line.map_err(|e| e.to_string()).and_then(|l| {
            writeln!(out, "{l}")
                .and_then(|()| out.flush())
                .map_err(|e| e.to_string())
        });
        if let Err(e) = written {
            return fail(USAGE, &e);
        }
    }
    ExitCode::SUCCESS
}
