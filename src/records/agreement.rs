//! Sharing agreements: who shares what with whom, how, for what, and for how long
//! (QD05/2024 Đ14.5, Đ17.2.b; ND47/2020 Đ23).

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::{AgencyId, AgreementId, DatasetId, Purpose};

/// A sharing agreement between a provider and a consumer, as the provider set it up on the
/// system (QD05/2024 Đ14.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharingAgreement {
    /// Its id.
    pub id: AgreementId,
    /// The providing agency: manager of every dataset covered.
    pub provider: AgencyId,
    /// The consuming party.
    pub consumer: AgencyId,
    /// The datasets it covers (QD05/2024 Đ17.2.b).
    #[schemars(transform = crate::schemas::non_empty)]
    pub datasets: Vec<DatasetId>,
    /// The purposes it permits (QD05/2024 Đ17.2.a, Đ17.2.b).
    #[schemars(transform = crate::schemas::non_empty)]
    pub purposes: Vec<Purpose>,
    /// The sharing methods it permits (ND47/2020 Đ23.1).
    #[schemars(transform = crate::schemas::non_empty)]
    pub methods: Vec<SharingMethod>,
    /// Its term (QD05/2024 Đ14.5, ND47/2020 Đ23.3).
    pub term: Term,
    /// Its status.
    pub status: AgreementStatus,
}

/// The term of an agreement: from `start`, until `end` (exclusive) or without a fixed term
/// (QD05/2024 Đ14.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Term {
    /// When sharing starts.
    #[schemars(with = "crate::schemas::Instant")]
    pub start: DateTime<FixedOffset>,
    /// When sharing ends (exclusive); `None` for an agreement without a fixed term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schemas::Instant>")]
    pub end: Option<DateTime<FixedOffset>>,
}

impl Term {
    /// Whether `at` lies inside the term (`start <= at < end`).
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::records::Term;
    ///
    /// let term = Term {
    ///     start: "2024-03-05T00:00:00+07:00".parse()?,
    ///     end: Some("2025-03-05T00:00:00+07:00".parse()?),
    /// };
    /// assert!(term.contains("2024-03-05T00:00:00+07:00".parse()?)); // the start is inside
    /// assert!(term.contains("2025-03-04T23:59:59+07:00".parse()?));
    /// assert!(!term.contains("2025-03-05T00:00:00+07:00".parse()?)); // the end is not
    /// // Instants compare whatever their offset: 17:00 UTC is midnight in Vietnam.
    /// assert!(!term.contains("2025-03-04T17:00:00+00:00".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn contains(&self, at: DateTime<FixedOffset>) -> bool {
        self.start <= at && self.end.is_none_or(|end| at < end)
    }
}

/// The sharing methods of ND47/2020 Đ23.1.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SharingMethod {
    /// (a) Online connection between information systems: queries.
    OnlineConnection,
    /// (b) Online synchronisation of all or part of a database: subscriptions.
    Synchronisation,
    /// (c) Packaged data on storage media: downloads and exports.
    Package,
}

impl SharingMethod {
    /// The name used in the Cedar model (`Agreement.methods`).
    pub fn as_str(self) -> &'static str {
        match self {
            SharingMethod::OnlineConnection => "online_connection",
            SharingMethod::Synchronisation => "synchronisation",
            SharingMethod::Package => "package",
        }
    }
}

/// The status of an agreement. The transitions are returned as values by the lifecycle
/// rules; the library never changes a world in place.
///
/// # Example
///
/// ```
/// use lgsp_policy::records::{AgreementStatus, SharingMethod};
///
/// // `as_str` is the name in JSON and in the Cedar model, for statuses and methods alike.
/// for status in [AgreementStatus::Active, AgreementStatus::Suspended, AgreementStatus::Terminated] {
///     assert_eq!(serde_json::to_value(status)?, status.as_str());
/// }
/// assert_eq!(serde_json::to_value(SharingMethod::OnlineConnection)?, "online_connection");
/// assert_eq!(SharingMethod::Package.as_str(), "package");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// `SharingMethod::as_str` is covered by this example too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AgreementStatus {
    /// Sharing runs.
    Active,
    /// Sharing is suspended (QD05/2024 Đ16.2.h, ND47/2020 Đ43).
    Suspended,
    /// Sharing has ended (QD05/2024 Đ16.1.g).
    Terminated,
}

impl AgreementStatus {
    /// The name used in the Cedar model (`Agreement.status`).
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementStatus::Active => "active",
            AgreementStatus::Suspended => "suspended",
            AgreementStatus::Terminated => "terminated",
        }
    }
}
