//! Proofs about a rule pack for **every** request the schema allows (feature `prove`):
//! the properties of its `tests/*.properties.json`, dead and redundant policies, the
//! difference between two versions of a pack, and the engine's rewriting of each policy
//! for each slice it evaluates (its *residual*, [`Prover::check_plans`]), with a concrete
//! counterexample when the answer is no.
//!
//! Built on [cedar-policy-symcc](https://docs.rs/cedar-policy-symcc) 0.8.1, which compiles
//! Cedar policies and the schema to SMT and asks a solver (cvc5). The library stays pure:
//! the caller spawns the solver and hands it over as a value implementing symcc's
//! [`Solver`] trait (the `lgsp-policy` tool uses `LocalSolver::from_command` on cvc5);
//! this module does no I/O and reads no clock, so it reports no times — a caller that
//! wants them measures each [`Prover::check`] call, as the tool does.
//!
//! The checks are `async` because symcc's are: run them on any executor that can drive
//! the solver (the tool uses a tokio current-thread runtime).
//!
//! # What a proof covers
//!
//! * The Cedar part of a decision, one action (one request environment of the schema) at
//!   a time. "Never allows" lifts to `Engine::decide`: the engine allows only what some
//!   Cedar evaluation allows, and it denies on any policy error (prove `never_errors` too).
//! * Under the **model assumptions** ([`ProofPack::assumptions`]) unless a properties file
//!   sets `"assume_model": false`: the facts every request the engine builds satisfies but
//!   the schema cannot state. A property test checks them against the engine. The
//!   residuals are proved without them ([`Prover::check_plans`] says why).
//! * Facts the engine computes before Cedar sees them (`context.evaluatedUntil`, counted
//!   with the calendar; the agreement it puts in the context) are free variables, bounded
//!   only by the assumptions: each property says in `assumes` what it needs of them.
//!
//! # Example
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use cedar_policy_symcc::solver::LocalSolver;
//! use lgsp_policy::prove::{ProofPack, Prover, Verdict};
//! use lgsp_policy::RulePack;
//! use lgsp_policy::authoring::PropertiesFile;
//!
//! let pack = ProofPack::new(&RulePack::builtin()?)?;
//! let file = PropertiesFile::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
//!     "/policies/qd05-2024-phu-yen/tests/access.properties.json")))?;
//! // The caller spawns the solver (here cvc5 on PATH) and hands it over.
//! let mut prover = Prover::new(LocalSolver::cvc5_with_args(["--tlimit-per=60000"])?)?;
//! for property in &file.properties {
//!     let result = prover.check(&pack, property, file.assume_model).await?;
//!     assert_eq!(result.verdict, Verdict::Proved, "{}", property.name);
//! }
//! # Ok(()) }
//! ```

mod assumptions;
mod counterexample;
mod diff;
mod plans;
mod properties;

use std::str::FromStr;

use cedar_policy::{Effect, Expression, Policy, PolicyId, PolicySet, RequestEnv, Schema};
use cedar_policy_symcc::err::Error as SymccError;
use cedar_policy_symcc::solver::Solver;
use cedar_policy_symcc::{CedarSymCompiler, CompiledPolicy, CompiledPolicySet, Env};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;

pub use counterexample::{AccessCounterexample, Counterexample};
pub use diff::ActionDiff;
pub use plans::{ActionPlans, PlanProof};
pub use properties::PropertyResult;

use crate::RulePack;
use crate::pack::{MODEL_SCHEMA, SlicePlan};
use crate::records::{PolicyId as RuleId, TerritoryId};

/// Why a proof could not be attempted. A property that does not hold is not an error: it
/// is a [`Verdict::Refuted`].
///
/// # Example
///
/// ```
/// use lgsp_policy::prove::{ProofPack, ProveError};
///
/// let pack = ProofPack::new(&lgsp_policy::RulePack::builtin()?)?;
/// let e = pack.guard("n", "query", "resource.clas == \"open\"").unwrap_err();
/// assert!(matches!(e, ProveError::Condition { .. }));
/// assert!(e.to_string().starts_with("property `n`, action `query`: the condition"), "{e}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProveError {
    /// A property names an action the schema does not have.
    #[error("property `{property}`: no action `{action}` in the schema (actions: {known})")]
    UnknownAction {
        /// The property.
        property: String,
        /// The action named.
        action: String,
        /// The schema's actions.
        known: String,
    },
    /// A property's `when` condition does not parse or does not validate for an action.
    #[error("property `{property}`, action `{action}`: the condition does not {problem}")]
    Condition {
        /// The property.
        property: String,
        /// The action.
        action: String,
        /// `parse: …` or `validate: …`.
        problem: String,
    },
    /// A residual to prove names an action or a policy the pack does not have, or comes
    /// with a known condition that does not parse or validate
    /// ([`Prover::check_residual`], [`Prover::check_plans`]).
    #[error("{}: {problem}", match policy {
        Some(p) => format!("residual of `{p}` for `{action}`"),
        None => format!("residuals for `{action}`"),
    })]
    Residual {
        /// The action.
        action: String,
        /// The policy, unless every policy of the action is meant.
        policy: Option<String>,
        /// What is wrong.
        problem: String,
    },
    /// The pack's policies could not be handed to the prover (a bug: the pack loaded).
    #[error("the pack cannot be compiled for the prover: {0}")]
    Pack(String),
    /// The solver failed (it died, or answered something symcc does not read).
    #[error("solver: {0}")]
    Solver(String),
}

/// What became of a property.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verdict {
    /// It holds for every request (under the assumptions).
    Proved,
    /// It does not: the findings say where, with counterexamples.
    Refuted,
    /// The solver answered `unknown` (a time limit, say): neither proved nor refuted.
    Undecided,
}

impl Verdict {
    /// `proved`, `refuted` or `undecided`.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(lgsp_policy::prove::Verdict::Refuted.as_str(), "refuted");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Proved => "proved",
            Verdict::Refuted => "refuted",
            Verdict::Undecided => "undecided",
        }
    }
}

/// One thing a check found: a counterexample to a `never_allows`, a witness of an
/// `allows_some`, a policy that errors, is dead or is redundant.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Finding {
    /// The action.
    pub action: String,
    /// The policy concerned, for the per-policy kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// What was found, in a sentence.
    pub message: String,
    /// A concrete request, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<Box<Counterexample>>,
}

/// A pack made ready for the prover: its policies as one Cedar policy set (each under its
/// `@id`), the schema, and the request environments (one per action), sorted by action.
#[derive(Debug, Clone)]
pub struct ProofPack {
    policies: PolicySet,
    schema: Schema,
    envs: Vec<(String, RequestEnv)>,
    /// The pack's policies in pack order.
    order: Vec<RuleId>,
    /// The slices the engine evaluates, by action, the action's own slice (no `known`)
    /// first ([`RulePack::slice_plans`]).
    slices: Vec<SlicePlan>,
    territory: TerritoryId,
    from: NaiveDate,
    until: Option<NaiveDate>,
}

impl ProofPack {
    /// Prepares a loaded pack.
    ///
    /// # Errors
    ///
    /// [`ProveError::Pack`] if the pack's policies or the schema cannot be re-read (a bug:
    /// the pack loaded).
    ///
    /// # Example
    ///
    /// ```
    /// let pack = lgsp_policy::prove::ProofPack::new(&lgsp_policy::RulePack::builtin()?)?;
    /// assert!(pack.actions().contains(&"query"));
    /// assert!(pack.actions().contains(&"suspend"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(pack: &RulePack) -> Result<Self, ProveError> {
        let json = crate::authoring::cedar_policies_json(pack)
            .map_err(|e| ProveError::Pack(e.to_string()))?;
        let policies =
            PolicySet::from_json_value(json).map_err(|e| ProveError::Pack(e.to_string()))?;
        let (schema, _) = Schema::from_cedarschema_str(MODEL_SCHEMA)
            .map_err(|e| ProveError::Pack(e.to_string()))?;
        let mut envs: Vec<(String, RequestEnv)> = schema
            .request_envs()
            .map(|env| (env.action().id().unescaped().to_owned(), env))
            .collect();
        envs.sort_by(|a, b| a.0.cmp(&b.0));
        let m = pack.manifest();
        // Counterexamples are worlds of the pack's first territory (a loaded pack has one).
        let territory = m
            .territories
            .first()
            .cloned()
            .ok_or_else(|| ProveError::Pack("the pack governs no territory".into()))?;
        let mut slices = pack.slice_plans();
        slices.sort_by(|a, b| (&a.action, &a.known).cmp(&(&b.action, &b.known)));
        Ok(ProofPack {
            policies,
            schema,
            envs,
            order: pack.rules().map(|r| r.id.clone()).collect(),
            slices,
            territory,
            from: m.effective_from,
            until: m.effective_until,
        })
    }

    /// The schema's actions that have a request environment, sorted.
    ///
    /// # Example
    ///
    /// ```
    /// let pack = lgsp_policy::prove::ProofPack::new(&lgsp_policy::RulePack::builtin()?)?;
    /// assert_eq!(pack.actions().len(), 12);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn actions(&self) -> Vec<&str> {
        self.envs.iter().map(|(a, _)| a.as_str()).collect()
    }

    /// The model assumptions for an action, as Cedar `forbid`s of the requests they rule
    /// out, each with a comment saying why it holds; `None` for an unknown action.
    ///
    /// # Example
    ///
    /// ```
    /// let pack = lgsp_policy::prove::ProofPack::new(&lgsp_policy::RulePack::builtin()?)?;
    /// let text = pack.assumptions("query").ok_or("no query")?;
    /// assert!(text.contains("principal.holder.stateAdministrative !="));
    /// assert!(text.contains("context.now < datetime(\"2024-03-05T00:00:00+0700\")"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn assumptions(&self, action: &str) -> Option<String> {
        let env = self.env(action)?;
        Some(assumptions::for_env(
            &env.principal().to_string(),
            action,
            &env.resource().to_string(),
            self.from,
            self.until,
        ))
    }

    /// The permit whose condition is "not `when`", for a `never_allows` property: the pack
    /// must imply it. Checks that the condition parses and validates for the action.
    ///
    /// # Errors
    ///
    /// [`ProveError::UnknownAction`], or [`ProveError::Condition`] saying what is wrong.
    ///
    /// # Example
    ///
    /// ```
    /// let pack = lgsp_policy::prove::ProofPack::new(&lgsp_policy::RulePack::builtin()?)?;
    /// let guard = pack.guard("p", "query", "context.channel == \"direct\"")?;
    /// assert_eq!(guard.policies().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn guard(&self, property: &str, action: &str, when: &str) -> Result<PolicySet, ProveError> {
        let set = self.condition_policy(property, action, "permit", &format!("!({when})"), when)?;
        let env = self.env_for(property, action)?;
        CompiledPolicySet::compile(&set, env, &self.schema).map_err(|e| ProveError::Condition {
            property: property.to_owned(),
            action: action.to_owned(),
            problem: format!("validate: {}", symcc_message(&e)),
        })?;
        Ok(set)
    }

    /// `effect (principal, action, resource) when { condition };` with `when` checked to be
    /// one expression.
    fn condition_policy(
        &self,
        property: &str,
        action: &str,
        effect: &str,
        condition: &str,
        when: &str,
    ) -> Result<PolicySet, ProveError> {
        let problem = |problem: String| ProveError::Condition {
            property: property.to_owned(),
            action: action.to_owned(),
            problem,
        };
        Expression::from_str(when).map_err(|e| problem(format!("parse: {e}")))?;
        let text = format!("{effect} (principal, action, resource) when {{ {condition} }};");
        PolicySet::from_str(&text).map_err(|e| problem(format!("parse: {e}")))
    }

    fn env(&self, action: &str) -> Option<&RequestEnv> {
        self.envs.iter().find(|(a, _)| a == action).map(|(_, e)| e)
    }

    fn env_for(&self, property: &str, action: &str) -> Result<&RequestEnv, ProveError> {
        self.env(action).ok_or_else(|| ProveError::UnknownAction {
            property: property.to_owned(),
            action: action.to_owned(),
            known: self.actions().join(", "),
        })
    }

    /// `base` plus the assumptions for `action` (when `assume`) plus `extra`.
    fn with(
        &self,
        base: impl IntoIterator<Item = Policy>,
        action: &str,
        assume: bool,
    ) -> Result<PolicySet, ProveError> {
        let mut set = PolicySet::new();
        for p in base {
            set.add(p).map_err(|e| ProveError::Pack(e.to_string()))?;
        }
        if assume && let Some(text) = self.assumptions(action) {
            let parsed = PolicySet::from_str(&text).map_err(|e| ProveError::Pack(e.to_string()))?;
            for (i, p) in parsed.policies().enumerate() {
                set.add(p.new_id(PolicyId::new(format!("lgsp-policy.assumption.{i}"))))
                    .map_err(|e| ProveError::Pack(e.to_string()))?;
            }
        }
        Ok(set)
    }

    fn compile(&self, set: &PolicySet, action: &str) -> Result<CompiledPolicySet, ProveError> {
        let env = self
            .env(action)
            .ok_or_else(|| ProveError::Pack(format!("no action `{action}`")))?;
        CompiledPolicySet::compile(set, env, &self.schema)
            .map_err(|e| ProveError::Pack(format!("action `{action}`: {}", symcc_message(&e))))
    }

    fn policies(&self) -> impl Iterator<Item = &Policy> {
        self.policies.policies()
    }
}

/// A symcc error with the validator's messages, which its `Display` leaves out.
fn symcc_message(e: &SymccError) -> String {
    match e {
        SymccError::PolicyNotWellTyped { errs } => {
            let mut messages: Vec<String> = Vec::new();
            for e in errs {
                let m = e.to_string();
                if !messages.contains(&m) {
                    messages.push(m);
                }
            }
            messages.join("; ")
        }
        other => other.to_string(),
    }
}

/// A forbid made a permit with the same scope and condition (through Cedar's JSON form):
/// "some request satisfies this forbid" is then "this permit allows something".
fn as_permit(p: &Policy) -> Result<Policy, ProveError> {
    if p.effect() == Effect::Permit {
        return Ok(p.clone());
    }
    let mut json = p.to_json().map_err(|e| ProveError::Pack(e.to_string()))?;
    if let Some(effect) = json.get_mut("effect") {
        *effect = serde_json::Value::from("permit");
    }
    Policy::from_json(Some(p.id().clone()), json).map_err(|e| ProveError::Pack(e.to_string()))
}

/// What a query gave: a model, none, or `unknown`.
enum Answer {
    Model(Box<Env>),
    None,
    Unknown(String),
}

/// Proves properties of packs and compares packs, with one solver (reused; symcc resets
/// it before each query).
pub struct Prover<S: Solver> {
    compiler: CedarSymCompiler<S>,
}

impl<S: Solver> std::fmt::Debug for Prover<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prover").finish_non_exhaustive()
    }
}

impl<S: Solver> Prover<S> {
    /// A prover driving `solver`.
    ///
    /// # Errors
    ///
    /// [`ProveError::Solver`] if symcc refuses the solver.
    ///
    /// # Example
    ///
    /// ```no_run
    /// use cedar_policy_symcc::solver::LocalSolver;
    /// // `--tlimit-per` limits each query; cvc5's `--tlimit` would limit the whole process.
    /// let prover = lgsp_policy::prove::Prover::new(LocalSolver::cvc5_with_args(["--tlimit-per=60000"])?)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(solver: S) -> Result<Self, ProveError> {
        Ok(Prover {
            compiler: CedarSymCompiler::new(solver)
                .map_err(|e| ProveError::Solver(e.to_string()))?,
        })
    }

    /// The solver, e.g. to shut it down (`LocalSolver::clean_up`).
    pub fn solver_mut(&mut self) -> &mut S {
        self.compiler.solver_mut()
    }
}

/// The queries, on one action.
struct Asker<'a, S: Solver> {
    compiler: &'a mut CedarSymCompiler<S>,
    pack: &'a ProofPack,
    action: &'a str,
    queries: &'a mut usize,
}

impl<S: Solver> Asker<'_, S> {
    fn answer(&mut self, r: Result<Option<Env>, SymccError>) -> Result<Answer, ProveError> {
        *self.queries += 1;
        match r {
            Ok(Some(env)) => Ok(Answer::Model(Box::new(env))),
            Ok(None) => Ok(Answer::None),
            Err(SymccError::SolverUnknown) => Ok(Answer::Unknown(format!(
                "the solver answered `unknown` on `{}` (a time limit?)",
                self.action
            ))),
            Err(
                e @ (SymccError::SolverError(_)
                | SymccError::DecodeModel(_)
                | SymccError::ConcretizeError(_)
                | SymccError::ModelInvalid { .. }),
            ) => Err(ProveError::Solver(e.to_string())),
            Err(e) => Err(ProveError::Pack(symcc_message(&e))),
        }
    }

    /// A request `a` allows and `b` denies.
    async fn implies(&mut self, a: &PolicySet, b: &PolicySet) -> Result<Answer, ProveError> {
        let (a, b) = (
            self.pack.compile(a, self.action)?,
            self.pack.compile(b, self.action)?,
        );
        let r = self
            .compiler
            .check_implies_with_counterexample_opt(&a, &b)
            .await;
        self.answer(r)
    }

    /// A request on which `a` and `b` decide differently.
    async fn differ(
        &mut self,
        a: &CompiledPolicySet,
        b: &CompiledPolicySet,
    ) -> Result<Answer, ProveError> {
        let r = self
            .compiler
            .check_equivalent_with_counterexample_opt(a, b)
            .await;
        self.answer(r)
    }

    /// A request `set` allows.
    async fn allows_some(&mut self, set: &PolicySet) -> Result<Answer, ProveError> {
        let set = self.pack.compile(set, self.action)?;
        let r = self
            .compiler
            .check_always_denies_with_counterexample_opt(&set)
            .await;
        self.answer(r)
    }

    /// A request on which `p` errors.
    async fn errors(&mut self, p: &Policy) -> Result<Answer, ProveError> {
        let env = self
            .pack
            .env(self.action)
            .ok_or_else(|| ProveError::Pack(format!("no action `{}`", self.action)))?;
        let compiled = CompiledPolicy::compile(p, env, &self.pack.schema)
            .map_err(|e| ProveError::Pack(symcc_message(&e)))?;
        let r = self
            .compiler
            .check_never_errors_with_counterexample_opt(&compiled)
            .await;
        self.answer(r)
    }
}
