//! JSON in, decision JSON out: for shell scripts and for callers in other languages.
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

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lgsp_policy::authoring::{cedar_policies_json, cedar_request, cedar_schema_text};
use lgsp_policy::{AccessRequest, Decision, Engine, RulePack, World};
use serde_json::Value;

const INVALID: u8 = 2;
const USAGE: u8 = 3;

fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("decide_json: {message}");
    if code == USAGE {
        eprintln!(
            "usage: decide_json [--pack DIR]... [--only-packs] [--explain] [--export-cedar DIR] [WORLD [REQUESTS|-]]"
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
    let mut export: Option<PathBuf> = None;
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
            "--export-cedar" => match args.next() {
                Some(dir) => export = Some(dir.into()),
                None => return fail(USAGE, "--export-cedar needs a folder"),
            },
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
        let decision = engine.decide(&world, &request);
        if let Some(dir) = &export
            && let Err(e) = export_cedar(dir, n + 1, &engine, &world, &request, &decision)
        {
            return fail(USAGE, &format!("request {}: {e}", n + 1));
        }
        let line = if explain {
            serde_json::to_string(&engine.explain(&world, &request))
        } else {
            serde_json::to_string(&decision)
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

/// Writes decision `n` for Cedar's CLI in `dir/n/` (see the module docs). A request Cedar
/// is not asked about is said on standard error and is not an error.
fn export_cedar(
    dir: &Path,
    n: usize,
    engine: &Engine,
    world: &World,
    request: &AccessRequest,
    decision: &Decision,
) -> Result<(), String> {
    let exported = match cedar_request(engine, world, request) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("decide_json: request {n} not exported to Cedar: {e}");
            return Ok(());
        }
    };
    let dir = &dir.join(n.to_string());
    let pack = decision
        .pack
        .as_ref()
        .and_then(|p| engine.packs().iter().find(|k| k.manifest().id == p.id))
        .ok_or("the decision names no pack")?;
    let policies = cedar_policies_json(pack).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let write = |name: &str, text: String| {
        std::fs::write(dir.join(name), text)
            .map_err(|e| format!("cannot write {}: {e}", dir.join(name).display()))
    };
    let name = format!(
        "{} {} {} at {}",
        request.account,
        request.action.as_str(),
        request.dataset,
        request.at.to_rfc3339()
    );
    for (file, json) in exported.files(&name) {
        write(
            file,
            serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?,
        )?;
    }
    write(
        "policies.cedar.json",
        serde_json::to_string_pretty(&policies).map_err(|e| e.to_string())?,
    )?;
    write("model.cedarschema", cedar_schema_text().to_owned())
}
