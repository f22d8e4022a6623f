#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod account;
mod agency;
mod agreement;
mod calendar;
mod catalog;
mod clause;
mod data;
mod deadline;
mod decision;
mod duties;
mod engine;
mod ids;
mod lifecycle;
mod lunar;
mod model;
mod pack;
mod properties;
mod refusal;
mod request;
mod schemas;
mod suspension;
mod text;
mod violation;
mod world;

#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategies;

// Proofs about packs with cedar-policy-symcc (issue 14); the solver is the caller's.
#[cfg(feature = "prove")]
#[cfg_attr(docsrs, doc(cfg(feature = "prove")))]
pub mod prove;

pub use account::{Account, Authentication};
pub use agency::{Agency, AgencyKind, FocalPoint, Level, OfficerRole};
pub use agreement::{AgreementStatus, SharingAgreement, SharingMethod, Term};
pub use calendar::{
    Amendment, Calendar, CalendarError, DayOff, Source, WorkingDay, WorkingDaysIter, YearCalendar,
    YearStatus,
};
pub use catalog::{
    AdditionDossier, CatalogChange, CatalogProposal, Replacement, WithdrawalDossier,
};
pub use clause::{Clause, ClauseError};
pub use data::{
    CatalogMembership, DataClass, Database, Dataset, Hosting, MasterData, MasterDataReference,
};
pub use deadline::{
    CalendarGap, DayReading, Deadline, DeadlineError, Period, VIETNAM_OFFSET, deadline,
    latest_notice_before, vietnam_offset,
};
pub use decision::{Advisory, Decision, Duty, NoticePart, Outcome, PackRef, Reason, ReasonKind};
pub use duties::{DutiesError, DutiesReport, DutyEntry, DutyKind, DutyStatus, DutySubject};
pub use engine::{Engine, EngineError, competent_authority};
pub use ids::{
    AccountId, AgencyId, AgreementId, DatabaseId, DatasetId, IdError, MAX_ID_LEN, MasterDataId,
    PackId, PolicyId, Purpose, RefusalId, SuspensionId, TerritoryId, ViolationId,
};
pub use lifecycle::{
    LifecycleDecision, NoticeCheck, RefusalCheck, RestorationRequest, SuspendAllRequest,
    SuspensionRequest, TerminationRequest, Transition, UsageReportRequest,
};
pub use model::{ENTITY_DEPTH, MODEL_SCHEMA, MODEL_VERSION, ModelError, model_version};
pub use pack::{
    AdvisoryEntry, Bilingual, CandidateRanking, DatedPeriod, ENGINE_REASON_CODES, EngineReason,
    PERIOD_NAMES, PackDiagnostic, PackError, PackManifest, PolicyFileChecker, ReadingEntry,
    ReadingText, Rule, RulePack, Severity,
};
pub use properties::{PropertiesError, PropertiesFile, Property, PropertyKind};
pub use refusal::{Refusal, RefusalGround};
pub use request::{AccessRequest, Action, Channel, RequestError};
pub use schemas::json_schemas;
pub use suspension::{
    AllConsumersGrounds, ConsumerNotice, DatabaseSuspension, PublicNotice, Suspension,
};
pub use violation::{Violation, ViolationKind};
pub use world::{World, WorldData, WorldError};

// Policy authors' tools (issue 7): explanations, pack tests and coverage, Cedar interop.
mod explain;
mod interop;
mod testing;

pub use explain::{Explanation, Question, Trace, Tracer};
pub use interop::{
    CedarRequest, CedarTests, InteropError, cedar_policies_json, cedar_question, cedar_request,
    cedar_run_tests, cedar_schema_text,
};
pub use testing::{
    CaseResult, ClauseCoverage, Coverage, Expectation, ExpectedTransition, PackTestCase,
    PackTestSuite, PolicyCoverage, TestCalendar, TestReport, TestSuiteError, TestWorld,
    run_pack_tests,
};
