//! Checking a properties file's properties ([`Prover::check`]): `never_allows`,
//! `allows_some`, `never_errors`, no dead policies, no redundant permits.

use cedar_policy::{Effect, Policy};
use cedar_policy_symcc::solver::Solver;
use schemars::JsonSchema;
use serde::Serialize;

use super::{
    Answer, Asker, Counterexample, Finding, ProofPack, ProveError, Prover, Verdict, as_permit,
};
use crate::authoring::{Property, PropertyKind};
use crate::pack::Clause;

/// The result of checking one property.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct PropertyResult {
    /// The property's name.
    pub name: String,
    /// The clause it protects.
    pub clause: Clause,
    /// Its kind.
    pub kind: PropertyKind,
    /// Proved, refuted or undecided.
    pub verdict: Verdict,
    /// How many solver queries were made.
    pub queries: usize,
    /// For `refuted`: why (each with a counterexample where one exists); for a proved
    /// `allows_some`: the witnesses; for `undecided`: the query that was not decided.
    pub findings: Vec<Finding>,
}

impl ProofPack {
    /// The actions a property is about: its own, or every action.
    fn actions_of<'a>(&'a self, property: &'a Property) -> Vec<&'a str> {
        if property.actions.is_empty() {
            self.actions()
        } else {
            property.actions.iter().map(String::as_str).collect()
        }
    }
}

impl<S: Solver> Prover<S> {
    /// Checks one property of a pack; `assume` adds the model assumptions (a properties
    /// file's `assume_model`).
    ///
    /// # Errors
    ///
    /// [`ProveError`] when the property names an unknown action, its condition does not
    /// validate, or the solver fails. A property that does not hold is
    /// `Ok` with [`Verdict::Refuted`].
    ///
    /// # Example
    ///
    /// See the [module documentation](super).
    pub async fn check(
        &mut self,
        pack: &ProofPack,
        property: &Property,
        assume: bool,
    ) -> Result<PropertyResult, ProveError> {
        let mut result = PropertyResult {
            name: property.name.clone(),
            clause: property.clause.clone(),
            kind: property.kind,
            verdict: Verdict::Proved,
            queries: 0,
            findings: Vec::new(),
        };
        let actions = pack.actions_of(property);
        for action in &actions {
            pack.env_for(&property.name, action)?;
        }
        let when = property.when.as_deref().unwrap_or("true");
        let mut undecided = Vec::new();
        let mut found = Vec::new();
        let mut witnessed = false;
        for action in actions.iter().copied() {
            let mut ask = Asker {
                compiler: &mut self.compiler,
                pack,
                action,
                queries: &mut result.queries,
            };
            match property.kind {
                PropertyKind::NeverAllows => {
                    let guard = pack.guard(&property.name, action, when)?;
                    let all = pack.with(pack.policies().cloned(), action, assume)?;
                    match ask.implies(&all, &guard).await? {
                        Answer::None => {}
                        Answer::Model(env) => found.push(Finding {
                            action: action.to_owned(),
                            policy: None,
                            message: format!(
                                "a `{action}` request that satisfies the condition is allowed"
                            ),
                            counterexample: Some(Box::new(Counterexample::from_env(
                                &env,
                                action,
                                &pack.territory,
                            ))),
                        }),
                        Answer::Unknown(e) => undecided.push(finding(action, None, e)),
                    }
                }
                PropertyKind::AllowsSome => {
                    let not_when = pack.condition_policy(
                        &property.name,
                        action,
                        "forbid",
                        &format!("!({when})"),
                        when,
                    )?;
                    let all = pack.with(
                        pack.policies().cloned().chain(not_when.policies().cloned()),
                        action,
                        assume,
                    )?;
                    match ask.allows_some(&all).await {
                        Err(ProveError::Pack(e)) => {
                            return Err(ProveError::Condition {
                                property: property.name.clone(),
                                action: action.to_owned(),
                                problem: format!("validate: {e}"),
                            });
                        }
                        Err(e) => return Err(e),
                        Ok(Answer::Model(env)) => {
                            witnessed = true;
                            result.findings.push(Finding {
                                action: action.to_owned(),
                                policy: None,
                                message: format!("witness: a `{action}` request that satisfies the condition and is allowed"),
                                counterexample: Some(Box::new(Counterexample::from_env(&env, action, &pack.territory))),
                            });
                        }
                        Ok(Answer::None) => found.push(finding(
                            action,
                            None,
                            format!(
                                "every `{action}` request that satisfies the condition is denied"
                            ),
                        )),
                        Ok(Answer::Unknown(e)) => undecided.push(finding(action, None, e)),
                    }
                }
                PropertyKind::NeverErrors => {
                    for p in pack.policies() {
                        match ask.errors(p).await? {
                            Answer::None => {}
                            Answer::Model(env) => found.push(Finding {
                                action: action.to_owned(),
                                policy: Some(p.id().to_string()),
                                message: format!(
                                    "policy `{}` errors on a `{action}` request",
                                    p.id()
                                ),
                                counterexample: Some(Box::new(Counterexample::from_env(
                                    &env,
                                    action,
                                    &pack.territory,
                                ))),
                            }),
                            Answer::Unknown(e) => undecided.push(finding(action, Some(p), e)),
                        }
                    }
                }
                PropertyKind::NoDeadPolicies | PropertyKind::NoRedundantPermits => {}
            }
        }
        // The whole-pack checks, policy by policy.
        let (queries, found_, undecided_) = (&mut result.queries, &mut found, &mut undecided);
        match property.kind {
            PropertyKind::NoDeadPolicies => {
                self.dead(pack, &actions, assume, queries, found_, undecided_)
                    .await?;
            }
            PropertyKind::NoRedundantPermits => {
                self.redundant(pack, &actions, assume, queries, found_, undecided_)
                    .await?;
            }
            _ => {}
        }
        if property.kind == PropertyKind::AllowsSome && witnessed {
            // One witness suffices; the denied actions are not a refutation.
            found.clear();
        }
        result.verdict = if !found.is_empty() {
            Verdict::Refuted
        } else if !undecided.is_empty() {
            Verdict::Undecided
        } else {
            Verdict::Proved
        };
        if result.verdict == Verdict::Refuted {
            result.findings = found;
        } else if result.verdict == Verdict::Undecided {
            result.findings = undecided;
        }
        Ok(result)
    }

    /// Every policy matches some request of some action (under the assumptions).
    async fn dead(
        &mut self,
        pack: &ProofPack,
        actions: &[&str],
        assume: bool,
        queries: &mut usize,
        found: &mut Vec<Finding>,
        undecided: &mut Vec<Finding>,
    ) -> Result<(), ProveError> {
        for p in pack.policies() {
            let permit = as_permit(p)?;
            let mut alive = false;
            let mut unknown = None;
            for action in actions {
                let mut ask = Asker {
                    compiler: &mut self.compiler,
                    pack,
                    action,
                    queries: &mut *queries,
                };
                match ask
                    .allows_some(&pack.with([permit.clone()], action, assume)?)
                    .await?
                {
                    Answer::Model(_) => {
                        alive = true;
                        break;
                    }
                    Answer::None => {}
                    Answer::Unknown(e) => unknown = Some(finding(action, Some(p), e)),
                }
            }
            match (alive, unknown) {
                (true, _) => {}
                (false, Some(u)) => undecided.push(u),
                (false, None) => found.push(Finding {
                    action: actions.join(", "),
                    policy: Some(p.id().to_string()),
                    message: format!("policy `{}` matches no request: it is dead", p.id()),
                    counterexample: None,
                }),
            }
        }
        Ok(())
    }

    /// No permit is redundant: wherever it can match, removing it changes some decision.
    async fn redundant(
        &mut self,
        pack: &ProofPack,
        actions: &[&str],
        assume: bool,
        queries: &mut usize,
        found: &mut Vec<Finding>,
        undecided: &mut Vec<Finding>,
    ) -> Result<(), ProveError> {
        let permits: Vec<&Policy> = pack
            .policies()
            .filter(|p| p.effect() == Effect::Permit)
            .collect();
        for action in actions {
            let all = pack.with(pack.policies().cloned(), action, assume)?;
            for p in &permits {
                let mut ask = Asker {
                    compiler: &mut self.compiler,
                    pack,
                    action,
                    queries: &mut *queries,
                };
                match ask
                    .allows_some(&pack.with([(*p).clone()], action, assume)?)
                    .await?
                {
                    Answer::Model(_) => {}
                    Answer::None => continue, // out of its scope here
                    Answer::Unknown(e) => {
                        undecided.push(finding(action, Some(p), e));
                        continue;
                    }
                }
                let others = pack.policies().filter(|q| q.id() != p.id()).cloned();
                let without = pack.with(others, action, assume)?;
                match ask.implies(&all, &without).await? {
                    Answer::Model(_) => {}
                    Answer::None => found.push(Finding {
                        action: (*action).to_owned(),
                        policy: Some(p.id().to_string()),
                        message: format!(
                            "permit `{}` is redundant for `{action}`: every request it allows is allowed without it (or denied by a forbid)",
                            p.id()
                        ),
                        counterexample: None,
                    }),
                    Answer::Unknown(e) => undecided.push(finding(action, Some(p), e)),
                }
            }
        }
        Ok(())
    }
}

fn finding(action: &str, policy: Option<&Policy>, message: String) -> Finding {
    Finding {
        action: action.to_owned(),
        policy: policy.map(|p| p.id().to_string()),
        message,
        counterexample: None,
    }
}
