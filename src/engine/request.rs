//! Access requests: may this account, through this channel, for this purpose, at this
//! time, do this to this dataset?

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::agreement::SharingMethod;
use crate::ids::{AccountId, DatasetId, Purpose};

/// What a consumer wants to do with a dataset: the methods of ND47/2020 Đ23.1.
///
/// # Example
///
/// ```
/// use lgsp_policy::Action;
/// use lgsp_policy::records::SharingMethod;
///
/// // Each action is one of the sharing methods an agreement may permit.
/// assert_eq!(Action::Download.method(), SharingMethod::Package);
/// assert_eq!(Action::Download.as_str(), "download");
/// let names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
/// assert_eq!(names, ["query", "download", "subscribe"]);
/// ```
///
/// `ALL`, `as_str` and `method` are covered by this example.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// Query or read through an online connection (ND47/2020 Đ23.1.a).
    Query,
    /// Download or export a package (ND47/2020 Đ23.1.c).
    Download,
    /// Subscribe to online synchronisation (ND47/2020 Đ23.1.b).
    Subscribe,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 3] = [Action::Query, Action::Download, Action::Subscribe];

    /// The Cedar action id (`Lgsp::Action::"query"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Query => "query",
            Action::Download => "download",
            Action::Subscribe => "subscribe",
        }
    }

    /// The sharing method this action uses.
    pub fn method(self) -> SharingMethod {
        match self {
            Action::Query => SharingMethod::OnlineConnection,
            Action::Download => SharingMethod::Package,
            Action::Subscribe => SharingMethod::Synchronisation,
        }
    }
}

/// The channel a request arrives through (QD05/2024 Đ3.3–3.5, Đ11, Đ13.1).
///
/// # Example
///
/// ```
/// use lgsp_policy::Channel;
///
/// let names: Vec<&str> = Channel::ALL.iter().map(|c| c.as_str()).collect();
/// assert_eq!(names, ["lgsp", "ngsp_lgsp", "portal", "direct"]);
/// ```
///
/// `ALL` and `as_str` are covered by this example.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Channel {
    /// The provincial integration and sharing platform (QD05/2024 Đ3.3).
    Lgsp,
    /// From outside the province, through the NGSP into the LGSP (QD05/2024 Đ3.4, Đ11.3).
    NgspLgsp,
    /// The provincial data portal (QD05/2024 Đ3.5, Đ12).
    Portal,
    /// A direct connection that bypasses the LGSP (refused, QD05/2024 Đ13.1).
    Direct,
}

impl Channel {
    /// Every channel.
    pub const ALL: [Channel; 4] = [
        Channel::Lgsp,
        Channel::NgspLgsp,
        Channel::Portal,
        Channel::Direct,
    ];

    /// The name used in the Cedar context (`context.channel`).
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Lgsp => "lgsp",
            Channel::NgspLgsp => "ngsp_lgsp",
            Channel::Portal => "portal",
            Channel::Direct => "direct",
        }
    }
}

/// One data request, as a gateway sees it.
///
/// # Example
///
/// ```
/// use lgsp_policy::{AccessRequest, Action, Channel};
///
/// let request = AccessRequest::new(
///     "acc-tp".parse()?,
///     Action::Query,
///     "dan-cu.nhan-khau".parse()?,
///     Channel::Lgsp,
///     "administrative-procedures".parse()?,
///     "2024-06-03T09:30:00+07:00".parse()?,
/// );
/// assert!(request.authenticated);
/// assert!(!request.subject_requested);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRequest {
    /// The account the request uses.
    pub account: AccountId,
    /// What it wants to do.
    pub action: Action,
    /// The dataset.
    pub dataset: DatasetId,
    /// The channel it came through.
    pub channel: Channel,
    /// The declared purpose (QD05/2024 Đ17.2.a).
    pub purpose: Purpose,
    /// When it was made, in any UTC offset; the law's days are counted in UTC+7.
    #[schemars(with = "crate::schemas::RequestInstant")]
    pub at: DateTime<FixedOffset>,
    /// Whether the gateway authenticated this call with the account's credentials
    /// (QD05/2024 Đ11.2, Đ17.2.a). Defaults to `true`.
    #[serde(default = "yes")]
    pub authenticated: bool,
    /// Whether the person or organisation the data is about asked for this transfer
    /// (QD05/2024 Đ16.2.g). Defaults to `false`.
    #[serde(default)]
    pub subject_requested: bool,
}

fn yes() -> bool {
    true
}

impl AccessRequest {
    /// An authenticated request on no data subject's behalf.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Engine, World};
    ///
    /// let engine = Engine::builtin()?;
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let request = AccessRequest::new(
    ///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
    ///     Channel::Lgsp, "administrative-procedures".parse()?,
    ///     "2024-06-03T09:30:00+07:00".parse()?,
    /// );
    /// assert!(request.authenticated && !request.subject_requested);
    /// // The register holds personal data: without the citizen's request it is refused.
    /// let decision = engine.decide(&world, &request);
    /// assert!(decision.has_reason("personal_data_without_subject_request"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        account: AccountId,
        action: Action,
        dataset: DatasetId,
        channel: Channel,
        purpose: Purpose,
        at: DateTime<FixedOffset>,
    ) -> Self {
        AccessRequest {
            account,
            action,
            dataset,
            channel,
            purpose,
            at,
            authenticated: true,
            subject_requested: false,
        }
    }

    /// The same request, authenticated or not.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Engine, World};
    ///
    /// let engine = Engine::builtin()?;
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let request = AccessRequest::new(
    ///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
    ///     Channel::Lgsp, "administrative-procedures".parse()?,
    ///     "2024-06-03T09:30:00+07:00".parse()?,
    /// );
    /// // A call the gateway did not authenticate is refused (QD05/2024 Đ17.2.a).
    /// let unauthenticated = request.subject_requested(true).authenticated(false);
    /// assert!(!unauthenticated.authenticated);
    /// assert!(engine.decide(&world, &unauthenticated).has_reason("not_authenticated"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn authenticated(mut self, yes: bool) -> Self {
        self.authenticated = yes;
        self
    }

    /// The same request, made at the data subject's request or not (QD05/2024 Đ16.2.g).
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Engine, World};
    ///
    /// let engine = Engine::builtin()?;
    /// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
    ///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
    /// let request = AccessRequest::new(
    ///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
    ///     Channel::Lgsp, "administrative-procedures".parse()?,
    ///     "2024-06-03T09:30:00+07:00".parse()?,
    /// );
    /// assert!(!engine.decide(&world, &request).is_allowed());
    /// let asked = request.subject_requested(true);
    /// assert!(asked.subject_requested);
    /// assert!(engine.decide(&world, &asked).is_allowed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn subject_requested(mut self, yes: bool) -> Self {
        self.subject_requested = yes;
        self
    }

    /// Parses a request from JSON.
    ///
    /// # Errors
    ///
    /// [`RequestError::Json`] with line and column when the text is not a request.
    ///
    /// # Example
    ///
    /// ```
    /// let err = lgsp_policy::AccessRequest::from_json(r#"{"account": "a b"}"#).unwrap_err();
    /// assert!(err.to_string().contains("not a valid account id"));
    /// ```
    pub fn from_json(json: &str) -> Result<AccessRequest, RequestError> {
        serde_json::from_str(json).map_err(|e| RequestError::Json {
            line: e.line().max(1),
            column: crate::text::json_column(&e),
            message: e.to_string(),
        })
    }
}

/// A request's text could not be read.
///
/// # Example
///
/// ```
/// use lgsp_policy::{AccessRequest, RequestError};
///
/// let error = AccessRequest::from_json("{\n  \"account\": 7\n}").err().ok_or("parsed")?;
/// let place = match &error {
///     RequestError::Json { line, column, .. } => (*line, *column),
///     _ => (0, 0), // the enum is non-exhaustive
/// };
/// assert_eq!(place.0, 2); // the account, on line 2, is not a string
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The JSON text is not a request.
    #[error("request JSON, line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde found.
        message: String,
    },
}
