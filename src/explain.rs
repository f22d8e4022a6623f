//! Explanations: a decision together with every policy that was satisfied while reaching
//! it — permits that held on a deny included — for policy authors, test runners and
//! coverage. Build one with [`Engine::explain`](crate::Engine::explain).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::decision::Decision;
use crate::ids::{AgreementId, PolicyId};

/// A decision with its trace: which policies of the pack applied to the action, which
/// were satisfied (their conditions held, whatever their effect), and which failed to
/// evaluate.
///
/// A [`Decision`] lists as reasons only the policies that ground its outcome: the
/// permits of an allow, the forbids of a deny. An explanation also names a permit that
/// held on a deny (the right existed, but a prohibition won), which is what a coverage
/// measure needs: that policy was reached by the test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Explanation {
    /// The decision, exactly as [`Engine::decide`](crate::Engine::decide) gives it.
    pub decision: Decision,
    /// Whether the pack's policies were evaluated at all: `false` when the request was
    /// refused before (unknown account or dataset, no pack in force, a time out of range).
    pub evaluated: bool,
    /// The agreement that was put in the context (`context.agreement`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<AgreementId>,
    /// The policies whose action scope matches the request's action, in pack order.
    pub applicable: Vec<PolicyId>,
    /// The policies whose scope and conditions held, permits and forbids, in pack order.
    pub satisfied: Vec<PolicyId>,
    /// The policies that failed to evaluate (the engine denies on any such error).
    pub errored: Vec<PolicyId>,
}

impl Explanation {
    /// Whether a policy was satisfied.
    pub fn satisfied(&self, id: &PolicyId) -> bool {
        self.satisfied.contains(id)
    }
}
