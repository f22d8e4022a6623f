#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod account;
mod agency;
mod agreement;
mod calendar;
mod clause;
mod data;
mod deadline;
mod decision;
mod engine;
mod ids;
mod model;
mod pack;
mod request;
mod violation;
mod world;

#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod strategies;

pub use account::{Account, Authentication};
pub use agency::{Agency, AgencyKind, FocalPoint, Level, OfficerRole};
pub use agreement::{AgreementStatus, SharingAgreement, SharingMethod, Term};
pub use calendar::{Calendar, CalendarError, DayOff, WorkingDay, WorkingDaysIter, YearCalendar};
pub use clause::{Clause, ClauseError};
pub use data::{
    CatalogMembership, DataClass, Database, Dataset, Hosting, MasterData, MasterDataReference,
};
pub use deadline::{
    DayReading, Deadline, DeadlineError, Period, VIETNAM_OFFSET, deadline, latest_notice_before,
    vietnam_offset,
};
pub use decision::{Advisory, Decision, Duty, Outcome, PackRef, Reason, ReasonKind};
pub use engine::{Engine, EngineError, competent_authority};
pub use ids::{
    AccountId, AgencyId, AgreementId, DatabaseId, DatasetId, IdError, MAX_ID_LEN, MasterDataId,
    PackId, PolicyId, Purpose, TerritoryId, ViolationId,
};
pub use model::{ENTITY_DEPTH, MODEL_SCHEMA, MODEL_VERSION, ModelError, model_version};
pub use pack::{
    AdvisoryEntry, Bilingual, ENGINE_REASON_CODES, EngineReason, PackDiagnostic, PackError,
    PackManifest, ReadingEntry, Rule, RulePack, Severity,
};
pub use request::{AccessRequest, Action, Channel, RequestError};
pub use violation::{Violation, ViolationKind};
pub use world::{World, WorldData, WorldError};
