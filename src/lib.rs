#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The tree reads like the regulation and the engine: the records of the world, legal
// time, the rule pack, the engine and each kind of question, everything Cedar-specific,
// and the policy authors' tools. The modules below are the crate's rooms; the crate root
// keeps the types a service needs to decide, and each room's public module the rest.

pub mod authoring;
mod cedar;
mod engine;
pub mod pack;
pub mod records;
mod text;
pub mod time;

#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategies;

// Proofs about packs with cedar-policy-symcc (issue 14); the solver is the caller's.
#[cfg(feature = "prove")]
#[cfg_attr(docsrs, doc(cfg(feature = "prove")))]
pub mod prove;

// The rooms' files by their old names, for the crate's own paths (`crate::world::…`).
use authoring::{explain, schemas, testing};
use cedar::model;
use engine::{decision, lifecycle, request};
use pack::clause;
use records::{account, agency, agreement, data, ids, refusal, suspension, violation, world};
use time::{calendar, deadline, lunar};

pub use engine::catalog;
pub use engine::duties;

// What a service needs to decide: the engine, the world, the pack, the questions, the
// decision and its parts, and the errors.
pub use catalog::CatalogProposal;
pub use decision::{Advisory, Decision, Duty, NoticePart, Outcome, PackRef, Reason, ReasonKind};
pub use duties::{DutiesError, DutiesReport};
pub use engine::cache::{CacheStats, DecisionCache};
pub use engine::{Engine, EngineError};
pub use explain::Question;
pub use lifecycle::{
    LifecycleDecision, NoticeCheck, NoticeCheckRequest, RefusalCheck, RestorationRequest,
    SuspendAllRequest, SuspensionRequest, TerminationRequest, Transition, UsageReportRequest,
};
pub use pack::{PackError, RulePack};
pub use request::{AccessRequest, Action, Channel, RequestError};
pub use world::{World, WorldData, WorldError};
