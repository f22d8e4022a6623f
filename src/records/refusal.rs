//! Refusals of sharing requests, as records a world keeps (QD05/2024 Đ16.1.đ, Đ18).
//! Plain data: the engine drafts and checks them, the caller stores them.

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::clause::Clause;
use crate::ids::{AgencyId, DatasetId, RefusalId};

/// A provider's refusal of a sharing request (QD05/2024 Đ16.1.đ). It is valid only with
/// its reasons stated, each grounded in a clause, and with the competent authority
/// notified.
///
/// # Example
///
/// ```
/// let r: lgsp_policy::records::Refusal = serde_json::from_str(r#"{
///     "id": "tc-1", "provider": "so-tp", "requester": "so-tnmt",
///     "at": "2024-05-22T09:00:00+07:00",
///     "grounds": [{"clause": "QD05/2024 Đ16.2.h", "vi": "Đang tạm ngừng.", "en": "Suspended."}]
/// }"#)?;
/// assert!(r.notified_at.is_none());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Refusal {
    /// Its id.
    pub id: RefusalId,
    /// The provider that refuses.
    pub provider: AgencyId,
    /// The party refused.
    pub requester: AgencyId,
    /// When the request was refused.
    #[schemars(with = "crate::schemas::Instant")]
    pub at: DateTime<FixedOffset>,
    /// The dataset asked for, if the refusal concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<DatasetId>,
    /// The reasons stated (lý do từ chối).
    #[serde(default)]
    pub grounds: Vec<RefusalGround>,
    /// The authority notified, or to be notified: the one that receives and resolves
    /// problems (QD05/2024 Đ16.1.đ, Đ18; ND47/2020 Đ48).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<AgencyId>,
    /// When that authority was notified; `None` while it has not been.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schemas::Instant>")]
    pub notified_at: Option<DateTime<FixedOffset>>,
}

impl Refusal {
    /// What the refusal is about, for the pack that judges it: the dataset refused, else
    /// the refusing provider.
    pub(crate) fn place(&self) -> crate::world::Place<'_> {
        match &self.dataset {
            Some(dataset) => crate::world::Place::Dataset(dataset),
            None => crate::world::Place::Agency(&self.provider),
        }
    }
}

/// One stated reason of a refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefusalGround {
    /// The engine's reason code, when the reason comes from a decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The clause of the regulation or the law the request does not conform to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clause: Option<Clause>,
    /// The reason in Vietnamese.
    #[serde(default)]
    pub vi: String,
    /// The reason in English.
    #[serde(default)]
    pub en: String,
}
