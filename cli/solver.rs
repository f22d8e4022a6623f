//! Spawning the solver for `prove` and `diff`: the one place the tool starts a process.

use std::path::PathBuf;

use cedar_policy_symcc::solver::LocalSolver;

use crate::SolverArgs;
use crate::common::Failure;

/// The solver's path: `--solver`, else `$CVC5`, else `cvc5` on `PATH`.
pub fn path(args: &SolverArgs) -> PathBuf {
    args.solver
        .clone()
        .or_else(|| std::env::var_os("CVC5").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("cvc5"))
}

/// A tokio runtime for symcc's async checks and the solver's pipes.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::usage(format!("cannot start the async runtime: {e}")))
}

/// Spawns cvc5 (inside the runtime). `--tlimit-per` limits each query: cvc5's `--tlimit`,
/// which symcc's `LocalSolver::cvc5()` passes, limits the whole process, which then aborts
/// after a minute even when idle (measured: /work/spike-symcc/FINDINGS.md §2).
pub fn spawn(args: &SolverArgs) -> Result<LocalSolver, Failure> {
    let path = path(args);
    let mut command = tokio::process::Command::new(&path);
    command
        .args(["--lang", "smt"])
        .arg(format!("--tlimit-per={}", args.timeout_ms))
        .kill_on_drop(true);
    LocalSolver::from_command(&mut command).map_err(|e| {
        Failure::usage(format!(
            "cannot start the solver `{}`: {e}\n  install cvc5 with scripts/install-cvc5.sh, then set CVC5 or pass --solver",
            path.display()
        ))
    })
}
