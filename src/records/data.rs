//! Databases, datasets and master data (QD05/2024 Đ1.2, Đ3.2, Đ3.6, Đ4.3, Đ6.2, Đ7, Đ8.3).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::{AgencyId, DatabaseId, DatasetId, MasterDataId, TerritoryId};

/// A database (cơ sở dữ liệu, QD05/2024 Đ3.2) managed by one agency, which is the provider of
/// its datasets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Database {
    /// Its id.
    pub id: DatabaseId,
    /// Its name.
    pub name: String,
    /// The managing agency (đơn vị quản lý): the provider of its data (QD05/2024 Đ16).
    pub manager: AgencyId,
    /// Its place in the provincial catalog (QD05/2024 Đ3.6).
    pub catalog: CatalogMembership,
    /// Where it is hosted (QD05/2024 Đ8.3).
    pub hosting: Hosting,
    /// The master data it holds (QD05/2024 Đ7.2.d).
    #[serde(default)]
    pub master_data: Vec<MasterDataId>,
    /// The local date of its last check and evaluation (QD05/2024 Đ4.3, Đ6.2), if ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schemas::WorldDate>")]
    pub last_evaluated: Option<NaiveDate>,
    /// The local date the catalog of its open data was published on the provincial data
    /// portal (QD05/2024 Đ10.4), if it was: the data must be updated or added within three
    /// months of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schemas::WorldDate>")]
    pub open_data_catalog_published: Option<NaiveDate>,
    /// The local date its open data was last updated or added on the portal (QD05/2024
    /// Đ10.4), if ever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schemas::WorldDate>")]
    pub open_data_updated: Option<NaiveDate>,
    /// How many months the managing agency keeps the log of requests for this database's
    /// data and of what it shared, as it declares (QD05/2024 Đ16.1.a: at least 3);
    /// `None` when it has declared nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_retention_months: Option<u32>,
    /// The legal territory whose rules govern this database's data, when it is not its
    /// manager's ([`Agency::territory`](crate::records::Agency::territory)); `None` for
    /// its manager's. See [`World::territory_of_database`](crate::World::territory_of_database).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub territory: Option<TerritoryId>,
}

/// Membership of the provincial catalog of databases (QD05/2024 Đ3.6).
///
/// # Example
///
/// ```
/// use lgsp_policy::World;
/// use lgsp_policy::records::CatalogMembership;
///
/// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
/// let population = world.database(&"csdl-dan-cu".parse()?).ok_or("no database")?;
/// assert_eq!(population.catalog, CatalogMembership::Shared);
/// assert_eq!(population.catalog.as_str(), "shared"); // the name in the Cedar model
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CatalogMembership {
    /// In the shared database catalog (danh mục cơ sở dữ liệu dùng chung).
    Shared,
    /// In a specialised database catalog (danh mục cơ sở dữ liệu chuyên ngành).
    Specialised,
    /// In no catalog.
    None,
}

impl CatalogMembership {
    /// The name used in the Cedar model.
    pub fn as_str(self) -> &'static str {
        match self {
            CatalogMembership::Shared => "shared",
            CatalogMembership::Specialised => "specialised",
            CatalogMembership::None => "none",
        }
    }
}

/// Where a database is hosted (QD05/2024 Đ8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Hosting {
    /// At the provincial data centre (Trung tâm dữ liệu tỉnh).
    ProvincialDataCentre,
    /// Anywhere else.
    Elsewhere,
}

/// A dataset: the unit of data a request names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// Its id.
    pub id: DatasetId,
    /// Its name.
    pub name: String,
    /// The database it belongs to; that database's manager is its provider.
    pub database: DatabaseId,
    /// Its data class.
    pub class: DataClass,
    /// Whether it holds data about individual persons or organisations (QD05/2024 Đ16.2.g,
    /// ND47/2020 Đ5.3).
    #[serde(default)]
    pub personal_data: bool,
    /// The local date it was published on the sharing-service system or the portal
    /// (QD05/2024 Đ17.1.d, Đ17.1.e), if it has been.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schemas::WorldDate>")]
    pub published: Option<NaiveDate>,
}

/// The class of a dataset. The first four are governed by the regulation; the last three are
/// outside it (QD05/2024 Đ1.2).
///
/// The example covers `ALL`, `is_in_scope`, `needs_agreement`, `is_open_or_public` and
/// `as_str`.
///
/// # Example
///
/// ```
/// use lgsp_policy::records::DataClass;
///
/// let governed: Vec<&str> =
///     DataClass::ALL.into_iter().filter(|c| c.is_in_scope()).map(DataClass::as_str).collect();
/// assert_eq!(governed, ["open", "public", "shared", "restricted"]);
/// // Shared and restricted data need an agreement (Đ14.5); open and public data do not.
/// assert!(DataClass::Restricted.needs_agreement() && !DataClass::Restricted.is_open_or_public());
/// assert!(DataClass::Public.is_open_or_public() && !DataClass::Public.needs_agreement());
/// assert!(!DataClass::StateSecret.is_in_scope());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DataClass {
    /// Open data (dữ liệu mở): for everyone through the portal (QD05/2024 Đ10, Đ17.1.e).
    Open,
    /// Public data (dữ liệu công khai) (QD05/2024 Đ17.1.e).
    Public,
    /// Shared data (dữ liệu dùng chung) for state agencies (QD05/2024 Đ17.1.d).
    Shared,
    /// Shared data with restricted access: only under an agreement, like shared data.
    Restricted,
    /// State secrets (bí mật nhà nước): outside the regulation (QD05/2024 Đ1.2).
    StateSecret,
    /// Internal data (dữ liệu nội bộ): outside the regulation (QD05/2024 Đ1.2).
    Internal,
    /// A unit's own temporary data (dữ liệu tạm): outside the regulation (QD05/2024 Đ1.2).
    Temporary,
}

impl DataClass {
    /// Every class, in declaration order.
    pub const ALL: [DataClass; 7] = [
        DataClass::Open,
        DataClass::Public,
        DataClass::Shared,
        DataClass::Restricted,
        DataClass::StateSecret,
        DataClass::Internal,
        DataClass::Temporary,
    ];

    /// Whether the regulation governs this class (QD05/2024 Đ1.2).
    pub fn is_in_scope(self) -> bool {
        !matches!(
            self,
            DataClass::StateSecret | DataClass::Internal | DataClass::Temporary
        )
    }

    /// Whether access needs a sharing agreement (shared and restricted data).
    pub fn needs_agreement(self) -> bool {
        matches!(self, DataClass::Shared | DataClass::Restricted)
    }

    /// Whether it is open or public data.
    pub fn is_open_or_public(self) -> bool {
        matches!(self, DataClass::Open | DataClass::Public)
    }

    /// The name used in the Cedar model (`Dataset.class`).
    pub fn as_str(self) -> &'static str {
        match self {
            DataClass::Open => "open",
            DataClass::Public => "public",
            DataClass::Shared => "shared",
            DataClass::Restricted => "restricted",
            DataClass::StateSecret => "state_secret",
            DataClass::Internal => "internal",
            DataClass::Temporary => "temporary",
        }
    }
}

/// Master data (dữ liệu chủ): the most basic data identifying and describing a core,
/// independent business entity (QD05/2024 Đ7.2.d).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MasterData {
    /// Its id.
    pub id: MasterDataId,
    /// The entity it identifies and describes: citizens, enterprises, land parcels, …
    pub subject: String,
    /// Whose reference it is (QD05/2024 Đ7.3.b, Đ7.4.b).
    pub reference: MasterDataReference,
}

/// Whose master data a reference is (QD05/2024 Đ7.3.b).
///
/// # Example
///
/// ```
/// use lgsp_policy::records::MasterDataReference;
///
/// let ministry = MasterDataReference::Ministry { name: "Bộ Công an".into() };
/// assert!(ministry.is_authoritative());
/// assert!(!MasterDataReference::None.is_authoritative());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "of")]
#[non_exhaustive]
pub enum MasterDataReference {
    /// The provincial People's Committee's.
    ProvincialPeoplesCommittee,
    /// A ministry's or sector's, named.
    Ministry {
        /// The ministry or sector.
        name: String,
    },
    /// Nobody's: not a reference for synchronising databases.
    None,
}

impl MasterDataReference {
    /// Whether this reference satisfies QD05/2024 Đ7.3.b.
    pub fn is_authoritative(&self) -> bool {
        !matches!(self, MasterDataReference::None)
    }
}
