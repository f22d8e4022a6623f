//! Connection accounts (QD05/2024 Đ12.9, Đ16.2.e, Đ17.2.a; ND47/2020 Đ40).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ids::{AccountId, AgencyId};

/// An account used to connect and exploit data, issued by a provider (or by the provincial
/// focal point that runs the LGSP and the portal, ND47/2020 Đ40) to a holder
/// (QD05/2024 Đ16.2.e, Đ17.2.a, Đ12.9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Its id.
    pub id: AccountId,
    /// The party that uses it.
    pub holder: AgencyId,
    /// The agency that issued it: a provider, or the provincial focal point.
    pub issuer: AgencyId,
    /// How it authenticates (QD05/2024 Đ16.2.e, Đ17.2.a).
    pub authentication: Authentication,
}

/// How an account authenticates.
///
/// # Example
///
/// ```
/// use lgsp_policy::records::Authentication;
///
/// let read: Authentication = serde_json::from_str(r#""multi_factor""#)?;
/// assert_eq!(read, Authentication::MultiFactor);
/// assert_eq!(read.as_str(), "multi_factor"); // the name in the Cedar model
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Authentication {
    /// No authentication is set up: the account cannot be used (QD05/2024 Đ17.2.a).
    None,
    /// A password.
    Password,
    /// More than one factor.
    MultiFactor,
    /// A certificate or digital signature.
    Certificate,
}

impl Authentication {
    /// The name used in the Cedar model (`Account.authentication`).
    pub fn as_str(self) -> &'static str {
        match self {
            Authentication::None => "none",
            Authentication::Password => "password",
            Authentication::MultiFactor => "multi_factor",
            Authentication::Certificate => "certificate",
        }
    }
}
