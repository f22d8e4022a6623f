//! Two versions of a pack compared ([`Prover::diff`]).

use cedar_policy_symcc::solver::Solver;
use schemars::JsonSchema;
use serde::Serialize;

use super::{Answer, Asker, Counterexample, ProofPack, ProveError, Prover};

/// Two versions of a pack compared on one action.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ActionDiff {
    /// The action.
    pub action: String,
    /// A request the new version allows and the old denies, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_allows: Option<Box<Counterexample>>,
    /// A request the old version allows and the new denies, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_allows: Option<Box<Counterexample>>,
    /// Set when the solver could not decide a direction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undecided: Option<String>,
}

impl ActionDiff {
    /// Both versions allow exactly the same requests of this action.
    ///
    /// # Example
    ///
    /// ```
    /// let same = lgsp_policy::prove::ActionDiff {
    ///     action: "query".into(), new_allows: None, old_allows: None, undecided: None,
    /// };
    /// assert!(same.is_equivalent());
    /// ```
    pub fn is_equivalent(&self) -> bool {
        self.new_allows.is_none() && self.old_allows.is_none() && self.undecided.is_none()
    }
}

impl<S: Solver> Prover<S> {
    /// Compares two versions of a pack on every action: what each allows that the other
    /// denies, with a counterexample each way. The model assumptions apply, with the
    /// dates of either pack.
    ///
    /// # Errors
    ///
    /// [`ProveError::Solver`] if the solver fails; [`ProveError::Pack`] on a bug.
    ///
    /// # Example
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use cedar_policy_symcc::solver::LocalSolver;
    /// use lgsp_policy::prove::{ProofPack, Prover};
    ///
    /// let pack = ProofPack::new(&lgsp_policy::RulePack::builtin()?)?;
    /// let mut prover = Prover::new(LocalSolver::cvc5_with_args(["--tlimit-per=60000"])?)?;
    /// let diff = prover.diff(&pack, &pack).await?;
    /// assert!(diff.iter().all(|d| d.is_equivalent()));
    /// # Ok(()) }
    /// ```
    pub async fn diff(
        &mut self,
        old: &ProofPack,
        new: &ProofPack,
    ) -> Result<Vec<ActionDiff>, ProveError> {
        // The assumptions with the union of the two packs' dates.
        let both = ProofPack {
            from: old.from.min(new.from),
            until: match (old.until, new.until) {
                (Some(a), Some(b)) => Some(a.max(b)),
                _ => None,
            },
            ..new.clone()
        };
        let mut diffs = Vec::new();
        let actions: Vec<String> = both.actions().into_iter().map(str::to_owned).collect();
        let mut queries = 0;
        for action in &actions {
            let old_set = both.with(old.policies().cloned(), action, true)?;
            let new_set = both.with(new.policies().cloned(), action, true)?;
            let mut ask = Asker {
                compiler: &mut self.compiler,
                pack: &both,
                action,
                queries: &mut queries,
            };
            let mut d = ActionDiff {
                action: action.clone(),
                new_allows: None,
                old_allows: None,
                undecided: None,
            };
            for (from, to, new_side) in [(&new_set, &old_set, true), (&old_set, &new_set, false)] {
                match ask.implies(from, to).await? {
                    Answer::None => {}
                    Answer::Model(env) => {
                        let cex = Some(Box::new(Counterexample::from_env(
                            &env,
                            action,
                            &both.territory,
                        )));
                        if new_side {
                            d.new_allows = cex;
                        } else {
                            d.old_allows = cex;
                        }
                    }
                    Answer::Unknown(e) => d.undecided = Some(e),
                }
            }
            diffs.push(d);
        }
        Ok(diffs)
    }
}
