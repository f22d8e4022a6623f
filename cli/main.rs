//! `lgsp-policy`: the command-line tool for policy authors (docs/POLICY_AUTHORING.md, "The
//! command-line tool").
//!
//! ```text
//! cargo install --path . --features cli      # or: cargo install lgsp-policy --features cli
//! lgsp-policy check policies/qd05-2024-phu-yen --require-coverage
//! lgsp-policy prove policies/qd05-2024-phu-yen
//! lgsp-policy diff OLD_PACK NEW_PACK
//! ```
//!
//! The library does no I/O; this tool does it: it reads the files, spawns the solver for
//! `prove` and `diff`, and prints.
//!
//! Exit codes (every command):
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | everything asked held: the pack loads and its cases pass, every request was decided, every property and every residual was proved, the packs are equivalent |
//! | 1 | a case failed or required coverage is not met; a property or a residual was refuted or undecided; the packs differ |
//! | 2 | broken input: a manifest, a policy, a test file, a world, a request or a properties file (located: file:line:column and the source line) |
//! | 3 | usage or I/O: bad arguments, a file that cannot be read or written, no solver |

mod check;
mod common;
mod decide;
mod describe;
mod diff;
mod prove;
mod solver;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Check, decide with, prove and compare lgsp-policy rule packs.
#[derive(Debug, Parser)]
#[command(
    name = "lgsp-policy",
    version,
    about,
    after_help = "Exit codes: 0 ok; 1 failed cases or coverage, refuted or undecided properties or residuals, packs that differ; \
                  2 broken input (pack, test file, world, request, properties); 3 usage or I/O, no solver."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a pack folder, run its tests/*.cases.json and measure coverage.
    Check {
        /// The pack folder (pack.json, the .cedar files it lists, tests/).
        pack_dir: PathBuf,
        /// Every policy (of these comma-separated .cedar files; of every file without a
        /// value) must be reached by a case.
        #[arg(long, value_name = "FILE,...", num_args = 0..=1, require_equals = true, value_delimiter = ',')]
        require_coverage: Option<Vec<String>>,
        /// Also write the policies, the schema and a run-tests file per suite for Cedar's CLI.
        #[arg(long, value_name = "DIR")]
        export_cedar: Option<PathBuf>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Decide access requests: JSON in, one decision JSON per line out.
    Decide {
        #[command(flatten)]
        input: DecideInput,
        /// Print the explanation (the decision and the satisfied policies) as JSON.
        #[arg(long)]
        explain: bool,
        /// Also write each decision for Cedar's CLI in DIR/1/, DIR/2/, …
        #[arg(long, value_name = "DIR")]
        export_cedar: Option<PathBuf>,
    },
    /// Explain access decisions for a person: the reasons in Vietnamese and English, the
    /// duties, and the policies that were satisfied.
    Explain {
        #[command(flatten)]
        input: DecideInput,
        /// Print the explanations as JSON (one per line) instead.
        #[arg(long)]
        json: bool,
    },
    /// Write a pack's policies, the schema and its test cases in Cedar's own formats.
    ExportCedar {
        /// The pack folder.
        pack_dir: PathBuf,
        /// The folder to write into (created if missing).
        out_dir: PathBuf,
    },
    /// Prove the pack's properties (tests/*.properties.json) for every request the
    /// schema allows, and the engine's rewriting of each policy for each action (its
    /// residual) equivalent to the policy, with the SMT solver cvc5.
    Prove {
        /// The pack folder.
        pack_dir: PathBuf,
        #[command(flatten)]
        solver: SolverArgs,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Compare two versions of a pack, action by action: equivalent, or what each allows
    /// that the other denies, with a counterexample.
    Diff {
        /// The old pack folder.
        old: PathBuf,
        /// The new pack folder.
        new: PathBuf,
        #[command(flatten)]
        solver: SolverArgs,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Where the world and the requests come from, and which packs decide.
#[derive(Debug, Args)]
struct DecideInput {
    /// Load this pack folder beside the built-in pack (repeatable).
    #[arg(long = "pack", value_name = "DIR")]
    packs: Vec<PathBuf>,
    /// Leave the built-in pack out.
    #[arg(long)]
    only_packs: bool,
    /// A world file; without it, standard input holds {"world": …, "request(s)": …}.
    world: Option<String>,
    /// A file of one request or an array of requests; without it (or `-`), requests are
    /// read from standard input, one JSON value after another.
    requests: Option<String>,
}

impl DecideInput {
    fn options(self, output: decide::Output, export: Option<PathBuf>) -> decide::Options {
        decide::Options {
            packs: self.packs,
            only_packs: self.only_packs,
            output,
            export,
            positional: self.world.into_iter().chain(self.requests).collect(),
        }
    }
}

/// The solver for `prove` and `diff`.
#[derive(Debug, Args)]
pub struct SolverArgs {
    /// The cvc5 executable (default: $CVC5, else `cvc5` on PATH). scripts/install-cvc5.sh
    /// installs the pinned one.
    #[arg(long, value_name = "PATH")]
    pub solver: Option<PathBuf>,
    /// Time limit of each solver query, in milliseconds; a query that reaches it is
    /// reported as undecided, never as proved.
    #[arg(long, value_name = "MS", default_value_t = 60_000)]
    pub timeout_ms: u64,
}

fn main() -> ExitCode {
    const TOOL: &str = "lgsp-policy";
    // clap exits 2 on a usage error; ours is 3 (2 is broken input).
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                common::USAGE
            } else {
                common::OK
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let code = match cli.command {
        Command::Check {
            pack_dir,
            require_coverage,
            export_cedar,
            json,
        } => check::run(&check::Options {
            folder: pack_dir,
            require: require_coverage,
            export: export_cedar,
            json,
        }),
        Command::Decide {
            input,
            explain,
            export_cedar,
        } => {
            let output = if explain {
                decide::Output::ExplanationJson
            } else {
                decide::Output::Decision
            };
            decide::run(TOOL, &input.options(output, export_cedar))
        }
        Command::Explain { input, json } => {
            let output = if json {
                decide::Output::ExplanationJson
            } else {
                decide::Output::ExplanationText
            };
            decide::run(TOOL, &input.options(output, None))
        }
        Command::ExportCedar { pack_dir, out_dir } => export_cedar(&pack_dir, &out_dir),
        Command::Prove {
            pack_dir,
            solver,
            json,
        } => prove::run(&pack_dir, &solver, json),
        Command::Diff {
            old,
            new,
            solver,
            json,
        } => diff::run(&old, &new, &solver, json),
    };
    ExitCode::from(code)
}

/// `export-cedar PACK_DIR OUT_DIR`: the pack's policies, the schema, and each suite's
/// cases as `cedar run-tests` files.
fn export_cedar(pack_dir: &std::path::Path, out_dir: &std::path::Path) -> u8 {
    let result = common::load_pack(pack_dir).and_then(|pack| {
        let engine = lgsp_policy::Engine::new(pack.clone());
        let (suites, broken) = check::load_suites(pack_dir, &engine)?;
        if !broken.is_empty() {
            return Err(common::Failure::broken(broken.join("\n")));
        }
        check::export_cedar(out_dir, &engine, &pack, &suites)
    });
    match result {
        Ok(written) => {
            println!("exported Cedar files to {}:", out_dir.display());
            for line in written {
                println!("  {line}");
            }
            common::OK
        }
        Err(failure) => {
            eprintln!("{failure}");
            failure.code
        }
    }
}
