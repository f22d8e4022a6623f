//! Violations and suspicions of unlawful use (QD05/2024 Đ5, Đ16.1.e, Đ16.2.h, Đ17.2.b).

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::{AgencyId, AgreementId, ViolationId};

/// A recorded violation — or a suspicion of one, until it is determined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Violation {
    /// Its id.
    pub id: ViolationId,
    /// The party that committed it.
    pub violator: AgencyId,
    /// The agreement under which it happened, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<AgreementId>,
    /// What was done.
    pub kind: ViolationKind,
    /// When it was first recorded (a sign of unlawful use, QD05/2024 Đ16.1.e).
    #[schemars(with = "crate::schemas::Instant")]
    pub recorded_at: DateTime<FixedOffset>,
    /// When it was determined (xác định vi phạm, QD05/2024 Đ16.2.h); `None` while it is only
    /// suspected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::schemas::Instant>")]
    pub determined_at: Option<DateTime<FixedOffset>>,
    /// A short description, for notices.
    #[serde(default)]
    pub description: String,
}

/// The kinds of violation the regulation names.
///
/// The example covers `ALL` and `as_str`. Which clause names each kind is the pack's to
/// say (the rules that read `Violation.kind`); the variants' docs give QD05/2024's.
///
/// # Example
///
/// ```
/// use lgsp_policy::records::ViolationKind;
///
/// let kind = ViolationKind::BeyondPermittedScope;
/// assert_eq!(serde_json::to_value(kind)?, kind.as_str());
/// assert_eq!(ViolationKind::ALL.len(), 7);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ViolationKind {
    /// Obstructing someone's lawful right to exploit and use data (QD05/2024 Đ5.1).
    ObstructingLawfulUse,
    /// Buying, selling, exchanging, exploiting or using data against the law (QD05/2024 Đ5.2).
    UnlawfulTradeOrUse,
    /// Violating intellectual property or personal-information protection (QD05/2024 Đ5.3).
    IntellectualPropertyOrPrivacy,
    /// Falsifying data in transit from provider to consumer (QD05/2024 Đ5.4).
    FalsifyingData,
    /// Sabotaging information infrastructure, disrupting exploitation (QD05/2024 Đ5.5).
    SabotagingInfrastructure,
    /// Using data beyond the scope the provider permits (QD05/2024 Đ17.2.b).
    BeyondPermittedScope,
    /// A connection found potentially unsafe (QD05/2024 Đ16.2.h, Đ13.final).
    UnsafeConnection,
}

impl ViolationKind {
    /// Every kind, in declaration order.
    pub const ALL: [ViolationKind; 7] = [
        ViolationKind::ObstructingLawfulUse,
        ViolationKind::UnlawfulTradeOrUse,
        ViolationKind::IntellectualPropertyOrPrivacy,
        ViolationKind::FalsifyingData,
        ViolationKind::SabotagingInfrastructure,
        ViolationKind::BeyondPermittedScope,
        ViolationKind::UnsafeConnection,
    ];

    /// The name used in the Cedar model (`Violation.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationKind::ObstructingLawfulUse => "obstructing_lawful_use",
            ViolationKind::UnlawfulTradeOrUse => "unlawful_trade_or_use",
            ViolationKind::IntellectualPropertyOrPrivacy => "intellectual_property_or_privacy",
            ViolationKind::FalsifyingData => "falsifying_data",
            ViolationKind::SabotagingInfrastructure => "sabotaging_infrastructure",
            ViolationKind::BeyondPermittedScope => "beyond_permitted_scope",
            ViolationKind::UnsafeConnection => "unsafe_connection",
        }
    }
}
