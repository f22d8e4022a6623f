//! The `lgsp-policy` tool, run as a process: conventional behaviour (`--help`,
//! `--version`, exit codes), `check`, `decide`, `explain`, `export-cedar`, and with cvc5
//! `prove` (the shipped properties, and a mutated pack refuted with a counterexample) and
//! `diff`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::prove::{direct_allowed, pack_sources, solver_path};

const TOOL: &str = env!("CARGO_BIN_EXE_lgsp-policy");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(TOOL)
        .args(args)
        .current_dir(ROOT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh folder under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "lgsp-policy-cli-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    dir
}

/// The built-in pack written to a folder, `access.cedar` edited, with its tests.
fn pack_folder(name: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let dir = temp_dir(name);
    let (manifest, files) = pack_sources(edit);
    std::fs::write(dir.join("pack.json"), manifest).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    let tests = Path::new(ROOT).join("policies/qd05-2024-phu-yen/tests");
    for entry in std::fs::read_dir(tests).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join("tests").join(path.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn help_and_version_are_conventional() {
    let out = run(&["--version"], None);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        text(&out).0.trim(),
        format!("lgsp-policy {}", env!("CARGO_PKG_VERSION"))
    );
    let out = run(&["--help"], None);
    assert_eq!(out.status.code(), Some(0));
    let help = text(&out).0;
    for word in [
        "check",
        "decide",
        "explain",
        "export-cedar",
        "prove",
        "diff",
        "Exit codes",
    ] {
        assert!(help.contains(word), "{word} missing from:\n{help}");
    }
    // A usage error is exit 3 (2 is broken input), with clap's message.
    let out = run(&["check"], None);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out).1.contains("PACK_DIR"));
    let out = run(&["frobnicate"], None);
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn check_passes_the_builtin_pack_and_locates_a_broken_one() {
    let out = run(
        &["check", "policies/qd05-2024-phu-yen", "--require-coverage"],
        None,
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(
            "coverage required for access.cedar, lifecycle.cedar, catalog.cedar, checks.cedar: met"
        ),
        "{stdout}"
    );
    // Every policy of the built-in pack is evaluated by the engine's plans.
    assert!(
        stdout.contains("residuals; every policy evaluated by the engine's plans"),
        "{stdout}"
    );

    let out = run(&["check", "tests/fixtures/broken-pack"], None);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout.contains("access.cedar:47:8: error: [broken.typo]"),
        "{stdout}"
    );
    assert!(
        stdout.contains(" 47 | when { resource.clas == \"open\" };"),
        "{stdout}"
    );

    let out = run(&["check", "examples/packs/lam-vien-2026", "--json"], None);
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["failed"], 0);

    let out = run(&["check", "no/such/pack"], None);
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out).1.contains("cannot read no/such/pack/pack.json"));
}

#[test]
fn check_fails_a_case_and_locates_a_broken_test_file() {
    let dir = pack_folder("failing-case", |t| t.to_owned());
    let cases = dir.join("tests/access.cases.json");
    let text_before = std::fs::read_to_string(&cases).unwrap();
    std::fs::write(
        &cases,
        text_before.replacen("\"not_through_lgsp\"", "\"out_of_scope\"", 1),
    )
    .unwrap();
    let out = run(&["check", dir.to_str().unwrap()], None);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL"), "{stdout}");

    std::fs::write(
        &cases,
        "{\n  \"world\": \"phu-yen.world.json\",\n  \"cases\": [,]\n}\n",
    )
    .unwrap();
    let out = run(&["check", dir.to_str().unwrap()], None);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("tests/access.cases.json:3:13: error: expected value"),
        "{stderr}"
    );
    assert!(
        stderr.contains(" 3 |   \"cases\": [,]\n   |             ^"),
        "{stderr}"
    );
}

#[test]
fn decide_and_explain_answer_requests_in_both_languages() {
    let world = "policies/qd05-2024-phu-yen/tests/phu-yen.world.json";
    let request = r#"{"account":"acc.tuy-hoa.dan-cu","action":"query","dataset":"dan-cu.nhan-khau","channel":"direct","purpose":"administrative-procedures","at":"2024-06-03T09:30:00+07:00"}"#;
    let out = run(&["decide", world, "-"], Some(request));
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let decision: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(decision["outcome"], "deny");
    assert_eq!(decision["reasons"][0]["code"], "not_through_lgsp");

    let out = run(&["explain", world], Some(request));
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout.contains("DENY (không được phép)"), "{stdout}");
    assert!(stdout.contains("vi: Việc kết nối"), "{stdout}");
    assert!(
        stdout.contains("en: Connections and exploitation"),
        "{stdout}"
    );
    assert!(
        stdout.contains("satisfied policies: access.direct-connection"),
        "{stdout}"
    );
    // The policies as the engine evaluates them for this request's slice (a query through
    // a direct connection): what the channel decides is worked out.
    assert!(
        stdout.contains("the policies as the engine evaluates them for this request:"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n    access.direct-connection: true\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n    access.out-of-scope: false\n"),
        "{stdout}"
    );

    // Everything on standard input, explained as JSON.
    let world_text = std::fs::read_to_string(Path::new(ROOT).join(world)).unwrap();
    let both = format!("{{\"world\": {world_text}, \"request\": {request}}}");
    let out = run(&["decide", "--explain"], Some(&both));
    assert_eq!(out.status.code(), Some(0));
    let explained: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(explained["satisfied"][0], "access.direct-connection");
    let plans = explained["plans"].as_array().unwrap();
    assert!(
        plans
            .iter()
            .any(|p| p["policy"] == "access.direct-connection"
                && p["residual"] == "true"
                && p.get("by_cedar").is_none())
    );
    assert!(explained.get("plan_disagreements").is_none());

    // A broken world is located at its line and column, with the text.
    let dir = temp_dir("bad-world");
    let bad = dir.join("w.json");
    std::fs::write(
        &bad,
        "{\n  \"territory\": \"VN-32\",\n  \"agencies\": 3\n}\n",
    )
    .unwrap();
    let out = run(&["decide", bad.to_str().unwrap()], Some(request));
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("w.json:3:"), "{stderr}");
    assert!(stderr.contains(" 3 |   \"agencies\": 3"), "{stderr}");
    // A bad request says which.
    let out = run(&["decide", world], Some("{\"account\": 1}"));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("request 1:"));
}

#[test]
fn export_cedar_writes_the_policies_schema_and_tests() {
    let dir = temp_dir("export");
    let out = run(
        &[
            "export-cedar",
            "policies/qd05-2024-phu-yen",
            dir.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    for file in [
        "policies.cedar.json",
        "model.cedarschema",
        "access.cedar-tests.json",
    ] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    let out = run(
        &[
            "decide",
            "--export-cedar",
            dir.join("one").to_str().unwrap(),
            "policies/qd05-2024-phu-yen/tests/phu-yen.world.json",
        ],
        Some(
            r#"{"account":"acc.tuy-hoa.dan-cu","action":"query","dataset":"dan-cu.nhan-khau","channel":"lgsp","purpose":"administrative-procedures","at":"2024-06-03T09:30:00+07:00","subject_requested":true}"#,
        ),
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.join("one/1/request.json").is_file());
}

#[test]
fn prove_proves_the_shipped_properties_and_refutes_a_mutant_with_a_counterexample() {
    let Some(solver) = solver_path() else { return };
    let solver = solver.to_str().unwrap();
    let out = run(
        &["prove", "policies/qd05-2024-phu-yen", "--solver", solver],
        None,
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("PROVED") && !stdout.contains("REFUTED"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[QD05/2024 Đ13.1] no access through a direct connection"),
        "{stdout}"
    );
    // The engine's residuals, one line per action, every one proved equivalent.
    let query = stdout
        .lines()
        .find(|l| l.contains(" query: "))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(query.starts_with("  PROVED"), "{query}");
    assert!(
        query.contains(" query: 29 slices, ")
            && query.contains("residuals equivalent to their policies"),
        "{query}"
    );
    assert!(
        stdout.contains("residuals in 96 slices of 12 actions"),
        "{stdout}"
    );
    assert!(stdout.contains(", 0 not; "), "{stdout}");

    let mutant = pack_folder("direct-allowed", direct_allowed);
    let out = run(
        &["prove", mutant.to_str().unwrap(), "--solver", solver],
        None,
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains("REFUTED"), "{stdout}");
    assert!(
        stdout.contains("counterexample (vi): Tài khoản"),
        "{stdout}"
    );
    assert!(stdout.contains("counterexample (en): Account"), "{stdout}");
    assert!(stdout.contains("decision: ALLOW (được phép)"), "{stdout}");
    assert!(stdout.contains("request (JSON): {"), "{stdout}");

    let out = run(
        &[
            "prove",
            mutant.to_str().unwrap(),
            "--solver",
            solver,
            "--json",
        ],
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let direct = &report["files"][0]["properties"][0];
    assert_eq!(direct["result"]["verdict"], "refuted");
    assert_eq!(direct["replays"][0]["outcome"], "allow");
    // The mutant's residuals are the engine's rewriting of the mutant: all proved.
    let plans = report["plans"].as_array().unwrap();
    assert_eq!(plans.len(), 12);
    for action in plans {
        assert_eq!(action["verdict"], "proved", "{action}");
        assert_eq!(action["failures"].as_array().unwrap().len(), 0, "{action}");
    }

    // Without a solver: a usage error that says how to get one.
    let out = run(
        &[
            "prove",
            "policies/qd05-2024-phu-yen",
            "--solver",
            "/no/such/cvc5",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(text(&out).1.contains("scripts/install-cvc5.sh"));
}

#[test]
fn diff_reports_an_edit_with_a_counterexample_and_a_reformatting_as_equivalent() {
    let Some(solver) = solver_path() else { return };
    let solver = solver.to_str().unwrap();
    let edited = pack_folder("edited", |t| {
        t.replacen(
            "context.now >= context.agreement.end",
            "context.now > context.agreement.end",
            1,
        )
    });
    let out = run(
        &[
            "diff",
            "policies/qd05-2024-phu-yen",
            edited.to_str().unwrap(),
            "--solver",
            solver,
        ],
        None,
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("query                DIFFERENT"),
        "{stdout}"
    );
    assert!(
        stdout.contains("suspend              equivalent"),
        "{stdout}"
    );
    assert!(
        stdout.contains("the new version allows a request the old one denies"),
        "{stdout}"
    );
    assert!(stdout.contains("old version: DENY"), "{stdout}");
    assert!(stdout.contains("new version: ALLOW"), "{stdout}");
    assert!(stdout.contains("outside_agreement_term"), "{stdout}");

    let reformatted = pack_folder("reformatted", |t| {
        t.replace("when {\n", "when\n{\n").replace("\n  ", "\n    ")
    });
    let out = run(
        &[
            "diff",
            "policies/qd05-2024-phu-yen",
            reformatted.to_str().unwrap(),
            "--solver",
            solver,
            "--json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["equivalent"], true);
}
