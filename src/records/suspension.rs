//! Suspensions and their notices, as records a world keeps (QD05/2024 Đ16.2.h; ND47/2020
//! Đ43). Plain data: the engine decides and checks them, the caller stores them.

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::{AgencyId, AgreementId, DatabaseId, SuspensionId, ViolationId};

/// The suspension of one consumer's agreement for a violation or an unsafe connection
/// (QD05/2024 Đ16.2.h, ND47/2020 Đ43.2), with the notice sent, if any.
///
/// # Example
///
/// ```
/// let s: lgsp_policy::records::Suspension = serde_json::from_str(r#"{
///     "id": "ts-1", "agreement": "agr-1", "violation": "vp-1",
///     "suspended_at": "2024-05-17T17:00:00+07:00"
/// }"#)?;
/// assert!(s.notice.is_none() && s.restored_at.is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Suspension {
    /// Its id.
    pub id: SuspensionId,
    /// The agreement suspended.
    pub agreement: AgreementId,
    /// The violation, or unsafe-connection finding, it rests on.
    pub violation: ViolationId,
    /// When provision was suspended.
    #[schemars(with = "crate::schemas::Instant")]
    pub suspended_at: DateTime<FixedOffset>,
    /// The notice sent to the consumer, if one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<ConsumerNotice>,
    /// When provision was restored, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schemas::Instant>")]
    pub restored_at: Option<DateTime<FixedOffset>>,
}

/// The notice a provider sends the consumer it suspends (QD05/2024 Đ16.2.h): the
/// violation, the handling plan, and what the consumer must do to keep or restore the
/// connection. An empty text is a missing part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsumerNotice {
    /// To whom it was sent.
    pub to: AgencyId,
    /// When it was sent.
    #[schemars(with = "crate::schemas::Instant")]
    pub sent_at: DateTime<FixedOffset>,
    /// What the violation is (nội dung vi phạm).
    #[serde(default)]
    pub violation: String,
    /// The plan for handling it (phương án xử lý vi phạm).
    #[serde(default)]
    pub handling_plan: String,
    /// What must be done to keep or restore the connection (yêu cầu cần thiết để duy trì
    /// hoặc khôi phục kết nối).
    #[serde(default)]
    pub restoration_requirements: String,
}

/// Why a provider suspends every consumer of a database (ND47/2020 Đ43.1).
///
/// # Example
///
/// ```
/// use lgsp_policy::records::AllConsumersGrounds;
///
/// let grounds: AllConsumersGrounds = serde_json::from_str(r#""force_majeure""#)?;
/// assert_eq!(grounds, AllConsumersGrounds::ForceMajeure);
/// assert_eq!(grounds.as_str(), "force_majeure"); // `context.grounds` in Cedar
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AllConsumersGrounds {
    /// An upgrade, extension or maintenance of the system (ND47/2020 Đ43.1.a): public
    /// notice at least 7 working days ahead, with the expected restoration time (Đ43.3).
    Maintenance,
    /// Force majeure that interrupts service or threatens data safety (ND47/2020
    /// Đ43.1.b): notice by appropriate means (Đ43.4).
    ForceMajeure,
    /// Any other reason: not a ground the law recognises; a request on it is refused.
    Other,
}

impl AllConsumersGrounds {
    /// The name used in the Cedar context (`context.grounds`).
    pub fn as_str(self) -> &'static str {
        match self {
            AllConsumersGrounds::Maintenance => "maintenance",
            AllConsumersGrounds::ForceMajeure => "force_majeure",
            AllConsumersGrounds::Other => "other",
        }
    }
}

/// The suspension of every consumer of a database (ND47/2020 Đ43.1), with its public
/// notice, if one was published.
///
/// # Example
///
/// ```
/// use lgsp_policy::records::{AllConsumersGrounds, DatabaseSuspension};
/// let s: DatabaseSuspension = serde_json::from_str(r#"{
///     "id": "bt-1", "database": "csdl-dan-cu", "grounds": "maintenance",
///     "starts_at": "2024-06-15T08:00:00+07:00"
/// }"#)?;
/// assert_eq!(s.grounds, AllConsumersGrounds::Maintenance);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSuspension {
    /// Its id.
    pub id: SuspensionId,
    /// The database.
    pub database: DatabaseId,
    /// Why.
    pub grounds: AllConsumersGrounds,
    /// When the suspension starts.
    #[schemars(with = "crate::schemas::Instant")]
    pub starts_at: DateTime<FixedOffset>,
    /// The public notice, if one was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(transform = crate::schemas::world_notice)]
    pub notice: Option<PublicNotice>,
    /// When provision was restored, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schemas::Instant>")]
    pub restored_at: Option<DateTime<FixedOffset>>,
}

/// A public notice of a suspension of every consumer, on the provider's portal
/// (ND47/2020 Đ43.3) or by other appropriate means (Đ43.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicNotice {
    /// When it was published.
    #[schemars(with = "crate::schemas::RequestInstant")]
    pub published_at: DateTime<FixedOffset>,
    /// The expected restoration time it states, if it states one (ND47/2020 Đ43.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_restoration: Option<DateTime<FixedOffset>>,
    /// Its text.
    #[serde(default)]
    pub text: String,
}
