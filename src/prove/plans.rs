//! The proof of the engine's residuals ([`Prover::check_plans`]): each policy's
//! rewriting for each slice the engine evaluates, against the policy.

use std::str::FromStr;

use cedar_policy::{Authorizer, Expression, Policy, PolicyId, PolicySet, RequestEnv};
use cedar_policy_symcc::err::Error as SymccError;
use cedar_policy_symcc::solver::Solver;
use cedar_policy_symcc::{CompiledPolicySet, Env};
use schemars::JsonSchema;
use serde::Serialize;

use super::{
    Answer, Asker, Counterexample, ProofPack, ProveError, Prover, Verdict, as_permit, symcc_message,
};
use crate::pack::SlicePlan;
use crate::records::PolicyId as RuleId;

/// A policy's residual for one slice, compared with the policy ([`Prover::check_plans`]).
///
/// The residual is the policy's condition (`scope && when && !unless`) as the engine
/// rewrote it, when the pack loaded, for a slice of the requests: those of one action
/// that share what [`PlanProof::known`] says ([`RulePack::slice_plans`]); the engine
/// evaluates the residual, not the author's text. *Proved* means: on every request of the
/// action that the schema allows (any entities, any context, no model assumptions) and
/// that satisfies `known`, the residual and the policy's condition have the same value —
/// both true, both false, or both an error.
///
/// [`RulePack::slice_plans`]: crate::RulePack::slice_plans
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PlanProof {
    /// The action.
    pub action: String,
    /// The policy.
    pub policy: RuleId,
    /// The residual proved, as Cedar text.
    pub residual: String,
    /// What every request of the slice is known to have besides its action, as Cedar
    /// conditions: the equivalence is proved on those requests (empty: every request of
    /// the action).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known: Vec<String>,
    /// `true` when the residual is the one the action's own slice (no `known`) has for
    /// the policy, proved there for every request of the action, and so for this
    /// slice's requests: no query is made again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub as_for_the_action: bool,
    /// `false` when the policy's scope does not match the action: the engine's slice for
    /// the action leaves it out, which is the residual `false`, and that is what is proved.
    pub scope_matches: bool,
    /// Proved (equivalent), refuted (a request on which they differ) or undecided.
    pub verdict: Verdict,
    /// Solver queries asked for this residual alone: 0 when it was proved with the
    /// others of its action ([`ActionPlans::queries`]) or by symcc's compilation alone.
    pub queries: usize,
    /// Why it is not proved: on the counterexample, the value of the policy's condition
    /// and of the residual; or why the residual could not be compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A request on which the residual and the policy differ.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterexample: Option<Box<Counterexample>>,
}

impl PlanProof {
    /// The proof of `residual` for `policy` to be made: proved until a comparison says
    /// otherwise.
    fn asked(
        action: &str,
        policy: &RuleId,
        residual: &str,
        known: &[String],
        scope_matches: bool,
    ) -> PlanProof {
        PlanProof {
            action: action.to_owned(),
            policy: policy.clone(),
            residual: residual.to_owned(),
            known: known.to_vec(),
            as_for_the_action: false,
            scope_matches,
            verdict: Verdict::Proved,
            queries: 0,
            message: None,
            counterexample: None,
        }
    }
}

/// The engine's residuals for one action, proved ([`Prover::check_plans`]).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ActionPlans {
    /// The action.
    pub action: String,
    /// How many slices of its requests the engine evaluates (the action's own, and for
    /// access one per class of data and channel).
    pub slices: usize,
    /// Solver queries made for the action: the batches, and each residual asked alone.
    pub queries: usize,
    /// Every policy of the pack in every slice of the action, slice by slice.
    pub proofs: Vec<PlanProof>,
}

impl ActionPlans {
    /// Every residual was proved equivalent to its policy.
    ///
    /// # Example
    ///
    /// ```
    /// let none = lgsp_policy::prove::ActionPlans {
    ///     action: "query".into(), slices: 0, queries: 0, proofs: Vec::new(),
    /// };
    /// assert!(none.is_proved());
    /// ```
    pub fn is_proved(&self) -> bool {
        self.proofs.iter().all(|p| p.verdict == Verdict::Proved)
    }
}

impl ProofPack {
    /// The slices the engine evaluates for an action, as [`RulePack::slice_plans`] gave
    /// them when this `ProofPack` was made, the action's own slice (no `known`) first:
    /// what [`Prover::check_plans`] proves; empty for an unknown action.
    ///
    /// # Example
    ///
    /// ```
    /// let pack = lgsp_policy::prove::ProofPack::new(&lgsp_policy::RulePack::builtin()?)?;
    /// let slices = pack.slices("query");
    /// assert!(slices[0].known.is_empty());
    /// let direct = slices[0].policies.iter()
    ///     .find(|p| p.policy.as_str() == "access.direct-connection")
    ///     .ok_or("no plan")?;
    /// assert_eq!(direct.residual, r#"context.channel == "direct""#);
    /// // And one per class of data and channel.
    /// assert_eq!(slices.len(), 1 + 7 * 4);
    /// assert!(pack.slices("frobnicate").is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// [`RulePack::slice_plans`]: crate::RulePack::slice_plans
    pub fn slices(&self, action: &str) -> &[SlicePlan] {
        // Sorted by action: an action's slices are together.
        let start = self.slices.partition_point(|s| s.action.as_str() < action);
        let end = self.slices.partition_point(|s| s.action.as_str() <= action);
        self.slices.get(start..end).unwrap_or_default()
    }

    /// Every request environment of `action` (one per principal and resource type), for
    /// the residual of `policy`.
    fn envs_of(
        &self,
        action: &str,
        policy: Option<&RuleId>,
    ) -> Result<Vec<&RequestEnv>, ProveError> {
        let envs: Vec<&RequestEnv> = self
            .envs
            .iter()
            .filter(|(a, _)| a == action)
            .map(|(_, e)| e)
            .collect();
        if envs.is_empty() {
            return Err(ProveError::Residual {
                action: action.to_owned(),
                policy: policy.map(ToString::to_string),
                problem: format!(
                    "no action `{action}` in the schema (actions: {})",
                    self.actions().join(", ")
                ),
            });
        }
        Ok(envs)
    }
}

impl<S: Solver> Prover<S> {
    /// Proves the engine's rewriting of a pack for one action: for every slice of the
    /// action's requests the engine evaluates ([`ProofPack::slices`]) and every policy of
    /// the pack, in pack order, that the policy's residual has the value of its
    /// condition (`scope && when && !unless`) on every request of the action that the
    /// slice's `known` conditions hold for — both true, both false or both an error. A
    /// policy whose scope does not match the action, which the engine leaves out, is
    /// proved never to hold nor to err on it (the residual `false`). A policy the engine
    /// evaluates with Cedar's evaluator (`by_cedar`) is proved all the same: the engine
    /// shows its residual. A slice's residual that is the action's own (proved on every
    /// request of the action, so on the slice's) is not asked again
    /// ([`PlanProof::as_for_the_action`]).
    ///
    /// **No model assumption** is added ([`ProofPack::assumptions`]): the rewriting uses
    /// nothing but Cedar's semantics and what the slice knows, so it must hold for every
    /// request the schema allows, including requests no world produces. A residual that
    /// needed the assumptions would be a rewriting that is wrong for some schema-valid
    /// request, and a proof under them would rest on facts the engine computes (and on
    /// the assumptions being right) instead of on Cedar alone.
    ///
    /// Each residual is two comparisons: the requests on which the policy matches (its
    /// condition is true) are those on which the residual is true; and the requests on
    /// which `if condition then true else true` matches (the condition does not err) are
    /// those on which the same wrapping of the residual does. Each compares two one-permit
    /// policy sets as symcc's equivalence check does (with a forbid of the requests
    /// outside `known`, if any). The first uses the pack's own policy (made a permit, with
    /// the same scope and conditions); the second needs the condition as text, which is
    /// Cedar's printing of it, checked to read back to the same expression. Many
    /// comparisons are settled by symcc's compilation alone (both sides compile to the
    /// same formula); the others of the action are put to the solver together, as one
    /// query whose assertion is the disjunction of theirs (unsatisfiable exactly when
    /// each is), halved until each part is proved or down to one residual, which is then
    /// asked alone, with a counterexample. When a residual is refuted, the counterexample
    /// is searched again under the model assumptions, for a request a world can give (one
    /// the engine can replay); if there is none the solver's first request is kept and
    /// the message says so.
    ///
    /// # Errors
    ///
    /// [`ProveError::Residual`] for an action the schema does not have, or a slice whose
    /// `known` conditions do not validate (a bug); [`ProveError::Solver`] if the solver
    /// fails; [`ProveError::Pack`] on a bug. A residual not proved is `Ok`, with
    /// [`Verdict::Refuted`] (and a counterexample, or a message when the residual is not
    /// one Cedar expression) or [`Verdict::Undecided`] (an `unknown` from the solver, or a
    /// residual that does not validate for the schema).
    ///
    /// # Example
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use cedar_policy_symcc::solver::LocalSolver;
    /// use lgsp_policy::prove::{ProofPack, Prover, Verdict};
    ///
    /// let pack = ProofPack::new(&lgsp_policy::RulePack::builtin()?)?;
    /// let mut prover = Prover::new(LocalSolver::cvc5_with_args(["--tlimit-per=60000"])?)?;
    /// for action in pack.actions() {
    ///     let plans = prover.check_plans(&pack, action).await?;
    ///     assert!(plans.is_proved());
    ///     for proof in &plans.proofs {
    ///         assert_eq!(proof.verdict, Verdict::Proved, "{action} {:?}: {}: {}",
    ///             proof.known, proof.policy, proof.residual);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn check_plans(
        &mut self,
        pack: &ProofPack,
        action: &str,
    ) -> Result<ActionPlans, ProveError> {
        self.check_slices(pack, action, pack.slices(action)).await
    }

    /// Proves the residuals of `slices`, all of `action`, as [`Prover::check_plans`]
    /// proves the engine's ([`ProofPack::slices`]): to check a rewriting of your own, or
    /// the checker on wrong residuals. A first slice without `known` is the action's own:
    /// a later slice's residual that is the same is not asked again.
    ///
    /// # Errors
    ///
    /// As [`Prover::check_plans`]; [`ProveError::Residual`] for a slice of another action
    /// or a known condition that does not parse or validate.
    ///
    /// # Example
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use cedar_policy_symcc::solver::LocalSolver;
    /// use lgsp_policy::prove::{ProofPack, Prover, Verdict};
    ///
    /// let pack = ProofPack::new(&lgsp_policy::RulePack::builtin()?)?;
    /// let mut prover = Prover::new(LocalSolver::cvc5_with_args(["--tlimit-per=60000"])?)?;
    /// // The action's own slice, with one residual made wrong.
    /// let mut own = pack.slices("query")[0].clone();
    /// let direct = own.policies.iter_mut()
    ///     .find(|p| p.policy.as_str() == "access.direct-connection")
    ///     .ok_or("no plan")?;
    /// direct.residual = r#"context.channel == "portal""#.into();
    /// let plans = prover.check_slices(&pack, "query", &[own]).await?;
    /// let wrong: Vec<_> = plans.proofs.iter().filter(|p| p.verdict != Verdict::Proved).collect();
    /// assert_eq!(wrong.len(), 1);
    /// assert_eq!(wrong[0].policy.as_str(), "access.direct-connection");
    /// assert!(wrong[0].counterexample.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn check_slices(
        &mut self,
        pack: &ProofPack,
        action: &str,
        slices: &[SlicePlan],
    ) -> Result<ActionPlans, ProveError> {
        let envs = pack.envs_of(action, None)?;
        if let Some(other) = slices.iter().find(|s| s.action != action) {
            return Err(ProveError::Residual {
                action: action.to_owned(),
                policy: None,
                problem: format!("a slice of another action, `{}`", other.action),
            });
        }
        for p in slices.iter().flat_map(|s| &s.policies) {
            if !pack.order.contains(&p.policy) {
                return Err(ProveError::Residual {
                    action: action.to_owned(),
                    policy: Some(p.policy.to_string()),
                    problem: "no such policy in the pack".into(),
                });
            }
        }
        let mut plans = ActionPlans {
            action: action.to_owned(),
            slices: slices.len(),
            queries: 0,
            proofs: Vec::with_capacity(pack.order.len() * slices.len()),
        };
        // The comparisons to settle, each with the index of its proof.
        let mut pending: Vec<(usize, Comparison)> = Vec::new();
        // The action's own slice comes first: its residuals, by rule.
        let own: Vec<&str> = match slices.first() {
            Some(slice) if slice.known.is_empty() => pack
                .order
                .iter()
                .map(|id| slice_residual(slice, id).0)
                .collect(),
            _ => Vec::new(),
        };
        for (n, slice) in slices.iter().enumerate() {
            for (i, id) in pack.order.iter().enumerate() {
                let (residual, scope_matches) = slice_residual(slice, id);
                let mut proof = PlanProof::asked(action, id, residual, &slice.known, scope_matches);
                // A residual the action's own slice has too, proved there for every
                // request of the action (checked below): it holds for this slice's
                // requests, some of them.
                if n > 0 && own.get(i) == Some(&residual) {
                    proof.as_for_the_action = true;
                    plans.proofs.push(proof);
                    continue;
                }
                match Comparison::new(pack, action, id, residual, &slice.known)? {
                    Ok(c) => pending.push((plans.proofs.len(), c)),
                    Err(message) => {
                        proof.verdict = Verdict::Refuted;
                        proof.message = Some(message);
                    }
                }
                plans.proofs.push(proof);
            }
        }
        // Compiled for each request environment of the action; what symcc's compilation
        // does not settle is put to the solver, all together.
        let mut alone: Vec<usize> = Vec::new();
        for env in envs {
            let mut open: Vec<(usize, cedar_policy_symcc::term::Term)> = Vec::new();
            let mut symenv: Option<cedar_policy_symcc::SymEnv> = None;
            for (k, (at, c)) in pending.iter().enumerate() {
                if alone.contains(&k) {
                    continue;
                }
                let compiled = match c.compile(pack, action, env) {
                    Ok(compiled) => compiled,
                    Err(CompileProblem::Residual(e)) => {
                        if let Some(proof) = plans.proofs.get_mut(*at) {
                            proof.verdict = Verdict::Undecided;
                            proof.message = Some(format!(
                                "the residual does not validate for `{action}`, so it cannot be compared: {e}"
                            ));
                        }
                        alone.push(k); // settled: not asked
                        continue;
                    }
                    Err(CompileProblem::Error(e)) => return Err(e),
                };
                for (original, rewritten) in &compiled {
                    let asserts = cedar_policy_symcc::equivalent_asserts(original, rewritten);
                    if asserts.asserts().iter().any(|a| *a == false.into()) {
                        continue; // the same formula: equivalent
                    }
                    // Every comparison of the batch must be in the same symbolic
                    // environment; one that is not is asked alone.
                    if symenv.get_or_insert_with(|| asserts.symenv().clone()) != asserts.symenv() {
                        alone.push(k);
                        break;
                    }
                    let all = asserts
                        .asserts()
                        .iter()
                        .cloned()
                        .reduce(cedar_policy_symcc::term_factory::and)
                        .unwrap_or_else(|| true.into());
                    open.push((k, all));
                }
            }
            if let Some(symenv) = symenv {
                open.retain(|(k, _)| !alone.contains(k));
                alone.extend(self.settle(open, &symenv, &mut plans.queries).await?);
            }
        }
        alone.sort_unstable();
        alone.dedup();
        for k in alone {
            let Some((at, c)) = pending.get(k) else {
                continue;
            };
            let proof = match plans.proofs.get(*at) {
                // Not validated: already said.
                Some(proof) if proof.verdict == Verdict::Proved => {
                    self.compare(pack, action, c, proof).await?
                }
                _ => continue,
            };
            plans.queries += proof.queries;
            if let Some(slot) = plans.proofs.get_mut(*at) {
                *slot = proof;
            }
        }
        // A residual taken from the action's own slice (the first, each slice one proof
        // per rule) stands or falls with it.
        let rules = pack.order.len();
        if rules > 0
            && let Some((own, rest)) = plans.proofs.split_at_mut_checked(rules)
        {
            for slice in rest.chunks_mut(rules) {
                for (proof, own) in slice.iter_mut().zip(own.iter()) {
                    if proof.as_for_the_action && own.verdict != Verdict::Proved {
                        proof.verdict = own.verdict;
                        proof.message = Some(format!(
                            "the same residual as the action's own slice, which is not proved ({})",
                            own.verdict.as_str()
                        ));
                    }
                }
            }
        }
        Ok(plans)
    }

    /// Asks the solver whether any of `open` (each a comparison's assertion: satisfiable
    /// where the two sides differ) is satisfiable, as one query: their disjunction.
    /// Unsatisfiable: all are proved. Otherwise the batch is halved, down to single
    /// comparisons, which are returned to be asked alone.
    async fn settle(
        &mut self,
        open: Vec<(usize, cedar_policy_symcc::term::Term)>,
        symenv: &cedar_policy_symcc::SymEnv,
        queries: &mut usize,
    ) -> Result<Vec<usize>, ProveError> {
        let mut alone = Vec::new();
        let mut batches = vec![open];
        while let Some(batch) = batches.pop() {
            if batch.is_empty() {
                continue;
            }
            // Both comparisons of a residual are one unit: one of them alone is asked
            // with the other anyway.
            let units: Vec<usize> = {
                let mut u: Vec<usize> = batch.iter().map(|(k, _)| *k).collect();
                u.dedup();
                u
            };
            if let [only] = units.as_slice() {
                alone.push(*only);
                continue;
            }
            let any = balanced(
                batch.iter().map(|(_, t)| t.clone()).collect(),
                cedar_policy_symcc::term_factory::or,
            )
            .unwrap_or_else(|| false.into());
            *queries += 1;
            let proved = match self
                .compiler
                .check_unsat_raw(std::sync::Arc::new(vec![any]), symenv)
                .await
            {
                Ok(unsat) => unsat,
                Err(SymccError::SolverUnknown) => false,
                Err(
                    e @ (SymccError::SolverError(_)
                    | SymccError::DecodeModel(_)
                    | SymccError::ConcretizeError(_)
                    | SymccError::ModelInvalid { .. }),
                ) => return Err(ProveError::Solver(e.to_string())),
                Err(e) => return Err(ProveError::Pack(symcc_message(&e))),
            };
            if !proved {
                // Halve at a residual's boundary.
                let half = units.get(units.len() / 2).copied().unwrap_or_default();
                let at = batch
                    .iter()
                    .position(|(k, _)| *k == half)
                    .filter(|at| *at > 0)
                    .unwrap_or(batch.len() / 2);
                let mut first = batch;
                let second = first.split_off(at);
                batches.push(second);
                batches.push(first);
            }
        }
        Ok(alone)
    }

    /// Proves that `residual`, a Cedar expression, has the value of `policy`'s condition
    /// on every request of `action` the schema allows on which each of `known` (Cedar
    /// conditions: what every request of a slice shares, e.g. `resource.class ==
    /// "shared"`; none for a slice by action alone) is true, as [`Prover::check_plans`]
    /// does for the engine's residuals, with its own queries: to check a rewriting of
    /// your own, or the checker on a wrong one.
    ///
    /// # Errors
    ///
    /// [`ProveError::Residual`] for an action or a policy the pack does not have, or a
    /// known condition that does not parse or validate; otherwise as
    /// [`Prover::check_plans`].
    ///
    /// # Example
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use cedar_policy_symcc::solver::LocalSolver;
    /// use lgsp_policy::prove::{ProofPack, Prover, Verdict};
    ///
    /// let pack = ProofPack::new(&lgsp_policy::RulePack::builtin()?)?;
    /// let mut prover = Prover::new(LocalSolver::cvc5_with_args(["--tlimit-per=60000"])?)?;
    /// let direct = "access.direct-connection".parse()?;
    /// // The engine's residual, and a wrong one.
    /// let right = prover.check_residual(&pack, "query", &direct, r#"context.channel == "direct""#, &[]).await?;
    /// assert_eq!(right.verdict, Verdict::Proved);
    /// let wrong = prover.check_residual(&pack, "query", &direct, r#"context.channel != "direct""#, &[]).await?;
    /// assert_eq!(wrong.verdict, Verdict::Refuted);
    /// assert!(wrong.counterexample.is_some());
    /// // For the requests through the portal, the policy never holds.
    /// let portal = [r#"context.channel == "portal""#.to_owned()];
    /// let sliced = prover.check_residual(&pack, "query", &direct, "false", &portal).await?;
    /// assert_eq!(sliced.verdict, Verdict::Proved);
    /// # Ok(()) }
    /// ```
    pub async fn check_residual(
        &mut self,
        pack: &ProofPack,
        action: &str,
        policy: &RuleId,
        residual: &str,
        known: &[String],
    ) -> Result<PlanProof, ProveError> {
        pack.envs_of(action, Some(policy))?;
        let scope_matches = pack
            .slices(action)
            .first()
            .is_some_and(|s| s.policies.iter().any(|p| p.policy == *policy));
        let proof = PlanProof::asked(action, policy, residual, known, scope_matches);
        match Comparison::new(pack, action, policy, residual, known)? {
            Ok(c) => self.compare(pack, action, &c, &proof).await,
            Err(message) => Ok(PlanProof {
                verdict: Verdict::Refuted,
                message: Some(message),
                ..proof
            }),
        }
    }

    /// One residual's comparisons, asked one by one (with a counterexample where one
    /// fails) on every request environment of the action; `proof` says what is compared.
    async fn compare(
        &mut self,
        pack: &ProofPack,
        action: &str,
        c: &Comparison,
        proof: &PlanProof,
    ) -> Result<PlanProof, ProveError> {
        let mut proof = proof.clone();
        for env in pack.envs_of(action, Some(&proof.policy))? {
            let compiled = match c.compile(pack, action, env) {
                Ok(compiled) => compiled,
                Err(CompileProblem::Residual(e)) => {
                    proof.verdict = Verdict::Undecided;
                    proof.message = Some(format!(
                        "the residual does not validate for `{action}`, so it cannot be compared: {e}"
                    ));
                    return Ok(proof);
                }
                Err(CompileProblem::Error(e)) => return Err(e),
            };
            let compile = |set: &PolicySet| {
                CompiledPolicySet::compile(set, env, &pack.schema).map_err(|e| symcc_message(&e))
            };
            let mut ask = Asker {
                compiler: &mut self.compiler,
                pack,
                action,
                queries: &mut proof.queries,
            };
            for ((original, rewritten), which) in compiled.iter().zip(0..) {
                match ask.differ(original, rewritten).await? {
                    Answer::None => {}
                    Answer::Model(model) => {
                        // The proof needs no assumption, but a request a world can give
                        // is a better counterexample: one the engine can be asked.
                        let mut assumed = None;
                        if let (Ok(a), Ok(b)) = (
                            c.set(pack, action, which, 0, true),
                            c.set(pack, action, which, 1, true),
                        ) && let (Ok(a), Ok(b)) = (compile(&a), compile(&b))
                            && let Answer::Model(m) = ask.differ(&a, &b).await?
                        {
                            assumed = Some(m);
                        }
                        let note = if assumed.is_some() {
                            ""
                        } else {
                            " (every request on which they differ breaks the model assumptions: no world gives it)"
                        };
                        let model = assumed.unwrap_or(model);
                        proof.verdict = Verdict::Refuted;
                        proof.message = Some(format!(
                            "on this request the policy's condition is {} and the residual is {}{note}",
                            value_on(&c.policy, &model),
                            value_on(&c.residual, &model)
                        ));
                        proof.counterexample = Some(Box::new(Counterexample::from_env(
                            &model,
                            action,
                            &pack.territory,
                        )));
                        return Ok(proof);
                    }
                    Answer::Unknown(e) => {
                        proof.verdict = Verdict::Undecided;
                        proof.message = Some(e);
                        return Ok(proof);
                    }
                }
            }
        }
        Ok(proof)
    }
}

/// The terms combined by `op` as a balanced tree (the encoder recurses into terms: a
/// chain of a thousand would be a thousand deep); `None` for none.
fn balanced(
    mut terms: Vec<cedar_policy_symcc::term::Term>,
    op: fn(
        cedar_policy_symcc::term::Term,
        cedar_policy_symcc::term::Term,
    ) -> cedar_policy_symcc::term::Term,
) -> Option<cedar_policy_symcc::term::Term> {
    while terms.len() > 1 {
        let mut next = Vec::with_capacity(terms.len().div_ceil(2));
        let mut items = terms.into_iter();
        while let Some(a) = items.next() {
            next.push(match items.next() {
                Some(b) => op(a, b),
                None => a,
            });
        }
        terms = next;
    }
    terms.pop()
}

/// A policy's residual in a slice: its plan's, or `false` when the policy's scope does
/// not match the slice's action (the engine leaves it out); and whether it matches.
fn slice_residual<'a>(slice: &'a SlicePlan, id: &RuleId) -> (&'a str, bool) {
    match slice.policies.iter().find(|p| p.policy == *id) {
        Some(plan) => (plan.residual.as_str(), true),
        None => ("false", false),
    }
}

/// A residual against its policy, ready to be compiled: the two comparisons, each a
/// pair of one-permit policy sets (the policy's side, the residual's side), with the
/// slice's premise.
struct Comparison {
    /// The policy, as the pack has it.
    policy: Policy,
    /// `permit (principal, action, resource) when { residual };`.
    residual: Policy,
    /// The matches (the policy made a permit, and the residual's permit), then the
    /// absence of errors (both wrapped by [`no_error`]).
    pairs: [(Policy, Policy); 2],
    /// A forbid of the requests on which a known condition is not true.
    premise: Vec<Policy>,
}

/// Why a comparison does not compile.
enum CompileProblem {
    /// The residual's side does not validate.
    Residual(String),
    /// Anything else (a bug, or a known condition that does not validate).
    Error(ProveError),
}

impl Comparison {
    /// The comparisons of `residual` with policy `id`'s condition on the requests of
    /// `action` on which `known` holds; the inner `Err` says why a residual that is not
    /// one Cedar expression cannot be compared (it is refuted).
    fn new(
        pack: &ProofPack,
        action: &str,
        id: &RuleId,
        residual: &str,
        known: &[String],
    ) -> Result<Result<Comparison, String>, ProveError> {
        let problem = |problem: String| ProveError::Residual {
            action: action.to_owned(),
            policy: Some(id.to_string()),
            problem,
        };
        let policy = pack
            .policies
            .policy(&PolicyId::new(id.as_str()))
            .ok_or_else(|| problem("no such policy in the pack".into()))?
            .clone();
        let mut premise = Vec::with_capacity(known.len());
        for (i, k) in known.iter().enumerate() {
            let parsed = Expression::from_str(k)
                .map_err(|e| e.to_string())
                .and_then(|_| {
                    Policy::parse(
                        Some(PolicyId::new(format!("lgsp-policy.known.{i}"))),
                        format!("forbid (principal, action, resource) unless {{ {k} }};"),
                    )
                    .map_err(|e| e.to_string())
                });
            premise.push(
                parsed.map_err(|e| {
                    problem(format!("the known condition `{k}` does not parse: {e}"))
                })?,
            );
        }
        // The residual as a policy of every request (it matches where the residual is
        // true), and wrapped so that it matches where it does not err.
        let sides = Expression::from_str(residual)
            .map_err(|e| e.to_string())
            .and_then(|_| {
                Ok((
                    residual_policy(id, "residual", residual)?,
                    residual_policy(id, "residual.no-error", &no_error(residual))?,
                ))
            });
        let (matches, no_error_residual) = match sides {
            Ok(sides) => sides,
            Err(e) => {
                return Ok(Err(format!(
                    "the residual is not one Cedar expression: {e}"
                )));
            }
        };
        // As permits, so that a set allows exactly where the policy matches (a forbid
        // alone would allow nothing).
        let pairs = [
            (as_permit(&policy)?, matches.clone()),
            (condition_no_error(&policy)?, no_error_residual),
        ];
        Ok(Ok(Comparison {
            policy,
            residual: matches,
            pairs,
            premise,
        }))
    }

    /// Comparison `which`'s side (0: the policy's, 1: the residual's) with the premise,
    /// and the model assumptions when `assume`.
    fn set(
        &self,
        pack: &ProofPack,
        action: &str,
        which: usize,
        side: usize,
        assume: bool,
    ) -> Result<PolicySet, ProveError> {
        let (original, rewritten) = self
            .pairs
            .get(which)
            .ok_or_else(|| ProveError::Pack(format!("no comparison {which}")))?;
        let p = if side == 0 { original } else { rewritten };
        pack.with(
            std::iter::once(p.clone()).chain(self.premise.iter().cloned()),
            action,
            assume,
        )
    }

    /// Both comparisons compiled for `env`, without assumptions.
    fn compile(
        &self,
        pack: &ProofPack,
        action: &str,
        env: &RequestEnv,
    ) -> Result<Vec<(CompiledPolicySet, CompiledPolicySet)>, CompileProblem> {
        // With the validator's messages (and a small error).
        let compile = |set: &PolicySet| {
            CompiledPolicySet::compile(set, env, &pack.schema).map_err(|e| symcc_message(&e))
        };
        let id = self.policy.id();
        if !self.premise.is_empty() {
            let premise = pack
                .with(self.premise.iter().cloned(), action, false)
                .map_err(CompileProblem::Error)?;
            compile(&premise).map_err(|e| {
                CompileProblem::Error(ProveError::Residual {
                    action: action.to_owned(),
                    policy: Some(id.to_string()),
                    problem: format!("the known conditions do not validate for `{action}`: {e}"),
                })
            })?;
        }
        let mut compiled = Vec::with_capacity(self.pairs.len());
        for which in 0..self.pairs.len() {
            let set = |side| {
                self.set(pack, action, which, side, false)
                    .map_err(CompileProblem::Error)
            };
            let original = compile(&set(0)?).map_err(|e| {
                CompileProblem::Error(ProveError::Pack(format!(
                    "policy `{id}`, action `{action}`: {e}"
                )))
            })?;
            let rewritten = compile(&set(1)?).map_err(CompileProblem::Residual)?;
            compiled.push((original, rewritten));
        }
        Ok(compiled)
    }
}

/// `if (e) then true else true`: true where `e` does not err, an error where it does.
fn no_error(e: &str) -> String {
    format!("if ({e}) then true else true")
}

/// `permit (principal, action, resource) when { condition };`, named after `id`.
fn residual_policy(id: &RuleId, suffix: &str, condition: &str) -> Result<Policy, String> {
    Policy::parse(
        Some(PolicyId::new(format!("{id}.{suffix}"))),
        format!("permit (principal, action, resource) when {{ {condition} }};"),
    )
    .map_err(|e| e.to_string())
}

/// The policy's condition (`scope && when && !unless`, as Cedar builds it and the engine
/// rewrites it), wrapped by [`no_error`]: a policy that matches where the condition does
/// not err. The condition is Cedar's printing of it, checked to read back to the same
/// expression (so the wrapping is of the policy's own condition).
fn condition_no_error(policy: &Policy) -> Result<Policy, ProveError> {
    let ast: &cedar_policy_core::ast::Policy = policy.as_ref();
    let condition = ast.condition();
    let text = condition.to_string();
    let reread = cedar_policy_core::ast::Expr::from_str(&text).map_err(|e| {
        ProveError::Pack(format!(
            "policy `{}`: its condition `{text}` does not read back: {e}",
            policy.id()
        ))
    })?;
    if !reread.eq_shape(&condition) {
        return Err(ProveError::Pack(format!(
            "policy `{}`: its condition does not read back from its text `{text}`",
            policy.id()
        )));
    }
    Policy::parse(
        Some(PolicyId::new(format!("{}.no-error", policy.id()))),
        format!(
            "permit (principal, action, resource) when {{ {} }};",
            no_error(&text)
        ),
    )
    .map_err(|e| ProveError::Pack(format!("policy `{}`: {e}", policy.id())))
}

/// The value of a policy's condition on a solver's model, as Cedar's authoriser finds it:
/// `true`, `false`, or `an error (…)`.
fn value_on(policy: &Policy, model: &Env) -> String {
    let mut set = PolicySet::new();
    if let Err(e) =
        as_permit(policy).and_then(|p| set.add(p).map_err(|e| ProveError::Pack(e.to_string())))
    {
        return format!("not evaluated ({e})");
    }
    let response = Authorizer::new().is_authorized(&model.request, &set, &model.entities);
    if let Some(cedar_policy::AuthorizationError::PolicyEvaluationError(e)) =
        response.diagnostics().errors().next()
    {
        return format!("an error ({})", e.inner());
    }
    if response.diagnostics().reason().next().is_some() {
        "true".to_owned()
    } else {
        "false".to_owned()
    }
}
