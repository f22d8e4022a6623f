//! `lgsp-policy decide` and `lgsp-policy explain`: JSON in, decisions out (also behind
//! `examples/decide_json.rs`).
//!
//! - No file: standard input holds `{"world": {…}, "request": {…}}` (or `"requests": […]`).
//! - `WORLD`: a world file; the requests come from standard input, as a stream of JSON
//!   values (one per line, say); each is answered with one line as soon as it is read.
//! - `WORLD REQUESTS`: a file holding one request or an array of requests.
//!
//! Exit codes: 0 every request was decided (allow or deny: read `outcome`); 2 a world,
//! request or pack is invalid (the message says where); 3 usage or I/O.

use std::io::Write;
use std::path::{Path, PathBuf};

use lgsp_policy::authoring::{Explanation, cedar_policies_json, cedar_request, cedar_schema_text};
use lgsp_policy::{AccessRequest, Decision, Engine, Outcome, RulePack, World};
use serde_json::Value;

use crate::common::{self, Failure, OK, pretty};

/// How each decision is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    /// One `Decision` JSON document per line.
    #[default]
    Decision,
    /// One `Explanation` JSON document per line (the decision and the satisfied policies).
    ExplanationJson,
    /// The explanation for a person: outcome, reasons in Vietnamese and English, duties,
    /// advisories and the satisfied policies.
    ExplanationText,
}

/// What `decide` is asked.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Pack folders loaded beside (or, with `only_packs`, instead of) the built-in pack.
    pub packs: Vec<PathBuf>,
    /// Leave the built-in pack out.
    pub only_packs: bool,
    /// How to print.
    pub output: Output,
    /// Also write each decision for Cedar's CLI in `DIR/1/`, `DIR/2/`, …
    pub export: Option<PathBuf>,
    /// `[]`, `[WORLD]`, `[WORLD, "-"]` or `[WORLD, REQUESTS]`.
    pub positional: Vec<String>,
}

/// Runs `decide` and gives the exit code; a problem goes to standard error, prefixed by
/// `tool` (`lgsp-policy` or the example's name).
pub fn run(tool: &str, opts: &Options) -> u8 {
    match decide(tool, opts) {
        Ok(()) => OK,
        Err(failure) => {
            eprintln!("{tool}: {failure}");
            failure.code
        }
    }
}

/// Builds the engine: the built-in pack (unless `only_packs`) and the given folders.
pub fn engine(packs: &[PathBuf], only_packs: bool) -> Result<Engine, Failure> {
    let mut loaded = Vec::new();
    if !only_packs {
        loaded.push(RulePack::builtin().map_err(|e| Failure::broken(e.to_string()))?);
    }
    for dir in packs {
        loaded.push(common::load_pack(dir)?);
    }
    Engine::with_packs(loaded).map_err(|e| Failure::broken(e.to_string()))
}

type Requests = Box<dyn Iterator<Item = Result<Value, String>>>;

fn decide(tool: &str, opts: &Options) -> Result<(), Failure> {
    if opts.positional.len() > 2 {
        return Err(Failure::usage("too many arguments"));
    }
    let engine = engine(&opts.packs, opts.only_packs)?;
    let (world_file, world_text, requests) = inputs(&opts.positional)?;
    let world = World::from_json(&world_text)
        .map_err(|e| Failure::broken(common::located_json_error(&world_file, &world_text, &e)))?;
    let mut out = std::io::stdout().lock();
    for (n, value) in requests.enumerate() {
        let n = n + 1;
        let request: AccessRequest = value
            .and_then(|v| serde_json::from_value(v).map_err(|e| e.to_string()))
            .map_err(|e| Failure::broken(format!("request {n}: {e}")))?;
        let decision = engine.decide(&world, &request);
        if let Some(dir) = &opts.export {
            export_cedar(tool, dir, n, &engine, &world, &request, &decision)
                .map_err(|e| Failure::usage(format!("request {n}: {e}")))?;
        }
        let text = match opts.output {
            Output::Decision => serde_json::to_string(&decision).map_err(|e| e.to_string()),
            Output::ExplanationJson => {
                serde_json::to_string(&engine.explain(&world, &request)).map_err(|e| e.to_string())
            }
            Output::ExplanationText => Ok(explanation_text(
                n,
                &request,
                &engine.explain(&world, &request),
            )),
        };
        text.and_then(|l| {
            writeln!(out, "{l}")
                .and_then(|()| out.flush())
                .map_err(|e| e.to_string())
        })
        .map_err(Failure::usage)?;
    }
    Ok(())
}

/// The world's name for messages, its text, and where the requests come from.
fn inputs(positional: &[String]) -> Result<(String, String, Requests), Failure> {
    match positional {
        [] => {
            let text = std::io::read_to_string(std::io::stdin())
                .map_err(|e| Failure::usage(format!("cannot read standard input: {e}")))?;
            let mut input: Value = serde_json::from_str(&text).map_err(|e| {
                Failure::broken(common::located(
                    "<stdin>",
                    &text,
                    e.line(),
                    e.column().max(1),
                    &e.to_string(),
                ))
            })?;
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
                    return Err(Failure::broken(
                        "standard input: expected {\"world\": …, \"request\": …} or {\"world\": …, \"requests\": […]}",
                    ));
                }
            };
            Ok((
                "<stdin> world".to_owned(),
                world.to_string(),
                Box::new(requests.into_iter().map(Ok)),
            ))
        }
        [world, rest @ ..] => {
            let world_text = common::read(Path::new(world))?;
            let values: Requests = match rest.first().map(String::as_str) {
                // A stream: each request is answered as soon as it is read.
                None | Some("-") => Box::new(
                    serde_json::Deserializer::from_reader(std::io::stdin().lock())
                        .into_iter::<Value>()
                        .map(|v| v.map_err(|e| format!("<stdin>: {e}"))),
                ),
                Some(file) => {
                    let text = common::read(Path::new(file))?;
                    let values: Vec<Result<Value, String>> =
                        serde_json::Deserializer::from_str(&text)
                            .into_iter::<Value>()
                            .map(|v| {
                                v.map_err(|e| {
                                    common::located(
                                        file,
                                        &text,
                                        e.line(),
                                        e.column().max(1),
                                        &e.to_string(),
                                    )
                                })
                            })
                            .collect();
                    Box::new(values.into_iter())
                }
            };
            // An array holds several requests.
            let flat = values.flat_map(|v| match v {
                Ok(Value::Array(items)) => items.into_iter().map(Ok).collect::<Vec<_>>(),
                other => vec![other],
            });
            Ok((world.clone(), world_text, Box::new(flat)))
        }
    }
}

/// An explanation for a person, in both languages.
pub fn explanation_text(n: usize, request: &AccessRequest, e: &Explanation) -> String {
    let d = &e.decision;
    let mut out = format!(
        "request {n}: {} {} {} through {} for `{}` at {}\n  outcome: {}",
        request.account,
        request.action.as_str(),
        request.dataset,
        request.channel.as_str(),
        request.purpose,
        request.at.to_rfc3339(),
        match d.outcome {
            Outcome::Allow => "ALLOW (được phép)",
            Outcome::Deny => "DENY (không được phép)",
        }
    );
    out.push_str(&decision_lines(d));
    if let Some(a) = &e.agreement {
        out.push_str(&format!("\n  agreement considered: {a}"));
    }
    if e.evaluated {
        let list = |ids: &[lgsp_policy::records::PolicyId]| {
            if ids.is_empty() {
                "none".to_owned()
            } else {
                ids.iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        out.push_str(&format!(
            "\n  satisfied policies: {}\n  policies that errored: {}",
            list(&e.satisfied),
            list(&e.errored)
        ));
        // What the engine evaluated: each policy rewritten for this request's slice (its
        // action, the class of its data, its channel) when the pack loaded.
        out.push_str("\n  the policies as the engine evaluates them for this request:");
        for p in &e.plans {
            let by = p
                .by_cedar
                .as_ref()
                .map(|why| format!(" (by Cedar's evaluator: {why})"))
                .unwrap_or_default();
            out.push_str(&format!("\n    {}: {}{by}", p.policy, p.residual));
        }
        if !e.plan_disagreements.is_empty() {
            out.push_str(&format!(
                "\n  the engine's plans answered otherwise than Cedar's evaluator for: {} (a bug in lgsp-policy; please report it)",
                list(&e.plan_disagreements)
            ));
        }
    } else {
        out.push_str("\n  the pack's policies were not evaluated (refused before any rule ran)");
    }
    out
}

/// A decision's reasons, duties and advisories, one per line, both languages.
pub fn decision_lines(d: &Decision) -> String {
    let mut out = String::new();
    for r in &d.reasons {
        out.push_str(&format!(
            "\n  reason {} [{}]{}\n    vi: {}\n    en: {}",
            r.code,
            r.clause,
            r.policy
                .as_ref()
                .map(|p| format!(" (policy {p})"))
                .unwrap_or_default(),
            r.vi,
            r.en
        ));
    }
    for duty in &d.duties {
        out.push_str(&format!("\n  duty: {}", pretty_inline(duty)));
    }
    for a in &d.advisories {
        out.push_str(&format!("\n  advisory {} [{}]: {}", a.code, a.clause, a.en));
    }
    out
}

fn pretty_inline(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| e.to_string())
}

/// Writes decision `n` for Cedar's CLI in `dir/n/`. A request Cedar is not asked about is
/// said on standard error and is not an error.
fn export_cedar(
    tool: &str,
    dir: &Path,
    n: usize,
    engine: &Engine,
    world: &World,
    request: &AccessRequest,
    decision: &Decision,
) -> Result<(), Failure> {
    let exported = match cedar_request(engine, world, request) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{tool}: request {n} not exported to Cedar: {e}");
            return Ok(());
        }
    };
    let dir = &dir.join(n.to_string());
    let pack = decision
        .pack
        .as_ref()
        .and_then(|p| engine.packs().iter().find(|k| k.manifest().id == p.id))
        .ok_or_else(|| Failure::broken("the decision names no pack"))?;
    let policies = cedar_policies_json(pack).map_err(|e| Failure::broken(e.to_string()))?;
    let name = format!(
        "{} {} {} at {}",
        request.account,
        request.action.as_str(),
        request.dataset,
        request.at.to_rfc3339()
    );
    for (file, json) in exported.files(&name) {
        common::write(&dir.join(file), &pretty(&json))?;
    }
    common::write(&dir.join("policies.cedar.json"), &pretty(&policies))?;
    common::write(&dir.join("model.cedarschema"), cedar_schema_text())
}
