//! The records of the world: agencies, data, accounts, agreements, violations,
//! suspensions and refusals, their ids, and the [`World`] that holds and
//! checks them.

pub(crate) mod account;
pub(crate) mod agency;
pub(crate) mod agreement;
pub(crate) mod change;
mod checks;
pub(crate) mod data;
mod error;
pub(crate) mod ids;
pub(crate) mod refusal;
pub(crate) mod suspension;
pub(crate) mod violation;
pub(crate) mod world;

pub use account::{Account, Authentication};
pub use agency::{Agency, AgencyKind, FocalPoint, Level, OfficerRole};
pub use agreement::{AgreementStatus, SharingAgreement, SharingMethod, Term};
pub use change::{Applied, Change, ChangeError, Dependency, Record, RecordKey};
pub use data::{
    CatalogMembership, DataClass, Database, Dataset, Hosting, MasterData, MasterDataReference,
};
pub use ids::{
    AccountId, AgencyId, AgreementId, DatabaseId, DatasetId, IdError, MAX_ID_LEN, MasterDataId,
    PackId, PolicyId, Purpose, RefusalId, SuspensionId, TerritoryId, ViolationId,
};
pub use refusal::{Refusal, RefusalGround};
pub use suspension::{
    AllConsumersGrounds, ConsumerNotice, DatabaseSuspension, PublicNotice, Suspension,
};
pub use violation::{Violation, ViolationKind};
pub use world::{World, WorldData, WorldError};
