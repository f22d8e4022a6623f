//! Why a world could not be built: [`WorldError`], naming the record and field at fault.

use chrono::{DateTime, FixedOffset};

use crate::ids::{
    AccountId, AgencyId, AgreementId, DatasetId, RefusalId, TerritoryId, ViolationId,
};

/// Why a world could not be built. Every variant names the record and the field at fault.
///
/// # Example
///
/// ```
/// use lgsp_policy::{World, WorldData, WorldError};
/// use lgsp_policy::records::{Agency, AgencyKind};
///
/// let mut data = WorldData::new("VN-32".parse()?);
/// let dic = Agency::new("so-tttt".parse()?, "Sở TTTT", AgencyKind::InformationAndCommunications);
/// data.agencies.extend([dic.clone(), dic]);
/// let error = World::new(data).err().ok_or("a world with a repeated id was built")?;
/// let message = match &error {
///     WorldError::DuplicateId { kind, id } => format!("{kind} `{id}` is given twice"),
///     WorldError::DanglingReference { id, field, target, .. } => {
///         format!("`{id}`.{field}: no `{target}`")
///     }
///     WorldError::Json { line, column, .. } => format!("bad JSON at {line}:{column}"),
///     _ => error.to_string(), // the enum is non-exhaustive
/// };
/// assert_eq!(message, "agency `so-tttt` is given twice");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WorldError {
    /// Two records of one kind share an id.
    #[error("duplicate {kind} id `{id}`")]
    DuplicateId {
        /// `agency`, `database`, …
        kind: &'static str,
        /// The repeated id.
        id: String,
    },
    /// A record refers to an id that does not exist.
    #[error("{kind} `{id}`: field `{field}` refers to unknown {target_kind} `{target}`")]
    DanglingReference {
        /// The kind of the referring record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The field holding the reference.
        field: &'static str,
        /// The kind of record expected.
        target_kind: &'static str,
        /// The missing id.
        target: String,
    },
    /// An agreement's term ends at or before it starts.
    #[error(
        "agreement `{agreement}`: field `term.end` ({end}) is not after `term.start` ({start})"
    )]
    TermEndsBeforeStart {
        /// The agreement.
        agreement: AgreementId,
        /// Its start.
        start: DateTime<FixedOffset>,
        /// Its end.
        end: DateTime<FixedOffset>,
    },
    /// An account's issuer provides no data and is not the provincial focal point
    /// (QD05/2024 Đ16.2.e, ND47/2020 Đ40).
    #[error(
        "account `{account}`: field `issuer` names `{issuer}`, which manages no database and is not the provincial focal point"
    )]
    IssuerNotProvider {
        /// The account.
        account: AccountId,
        /// The issuer.
        issuer: AgencyId,
    },
    /// An agreement covers a dataset its provider does not manage.
    #[error(
        "agreement `{agreement}`: field `datasets` lists `{dataset}`, which provider `{provider}` does not manage"
    )]
    DatasetNotFromProvider {
        /// The agreement.
        agreement: AgreementId,
        /// The dataset.
        dataset: DatasetId,
        /// The agreement's provider.
        provider: AgencyId,
    },
    /// An agreement whose provider is its consumer.
    #[error("agreement `{agreement}`: fields `provider` and `consumer` are the same agency")]
    AgreementWithItself {
        /// The agreement.
        agreement: AgreementId,
    },
    /// A list that must not be empty is.
    #[error("{kind} `{id}`: field `{field}` is empty")]
    Empty {
        /// The kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The empty field.
        field: &'static str,
    },
    /// A violation linked to an agreement its violator is not a party to.
    #[error("violation `{violation}`: field `violator` is not a party to agreement `{agreement}`")]
    ViolatorNotParty {
        /// The violation.
        violation: ViolationId,
        /// The agreement.
        agreement: AgreementId,
    },
    /// A violation determined before it was recorded.
    #[error("violation `{violation}`: field `determined_at` is before `recorded_at`")]
    DeterminedBeforeRecorded {
        /// The violation.
        violation: ViolationId,
    },
    /// More than one agency is the provincial focal point (QD05/2024 Đ15.1.a).
    #[error("agencies `{first}` and `{second}` are both the provincial focal point; there is one")]
    SecondFocalPoint {
        /// The first.
        first: AgencyId,
        /// The second.
        second: AgencyId,
    },
    /// A date outside the years 1900–9999.
    #[error("{kind} `{id}`: field `{field}` is outside the years 1900–9999")]
    DateOutOfRange {
        /// The kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The field.
        field: &'static str,
    },
    /// A record names a territory that is neither the world's nor a part of it.
    #[error(
        "{kind} `{id}`: field `territory` is `{territory}`, which is neither the world's territory `{world}` nor one of its parts (`{world}:…`)"
    )]
    TerritoryOutsideWorld {
        /// `agency` or `database`.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The territory it names.
        territory: TerritoryId,
        /// The world's territory.
        world: TerritoryId,
    },
    /// A refusal whose authority was notified before the refusal itself (QD05/2024
    /// Đ16.1.đ: the refusal is notified once made).
    #[error("refusal `{refusal}`: field `notified_at` is before `at`")]
    NotifiedBeforeRefused {
        /// The refusal.
        refusal: RefusalId,
    },
    /// An instant written as a leap second (`23:59:60`). Cedar, and the millisecond
    /// comparisons decisions rest on, have no leap seconds: `…T23:59:60` would be seen as
    /// the last millisecond of the minute while the record means the next instant, so it
    /// is refused; write the next second (`…T00:00:00` of the next minute) instead.
    #[error("{kind} `{id}`: field `{field}` is a leap second (:60); write the next instant")]
    LeapSecond {
        /// The kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The field.
        field: &'static str,
    },
    /// A record says something was restored before it was suspended.
    #[error("{kind} `{id}`: field `restored_at` is before the suspension started")]
    RestoredBeforeSuspended {
        /// `suspension` or `database suspension`.
        kind: &'static str,
        /// Its id.
        id: String,
    },
    /// An instant with a fraction of a millisecond. Decisions compare times to the
    /// millisecond (Cedar's precision), so a finer time could be misjudged by up to a
    /// millisecond; round it before building the world.
    #[error(
        "{kind} `{id}`: field `{field}` has a fraction of a millisecond; times are compared to the millisecond, so round it"
    )]
    SubMillisecond {
        /// The kind of record.
        kind: &'static str,
        /// Its id.
        id: String,
        /// The field.
        field: &'static str,
    },
    /// The JSON text is not a world.
    #[error("world JSON, line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde found.
        message: String,
    },
    /// Converting the world to Cedar entities failed: a bug in this crate.
    #[error("internal error converting the world to Cedar entities (a bug in lgsp-policy): {0}")]
    Internal(String),
}

impl WorldError {
    /// The kind and id of the record at fault, if the error names one (`None` for JSON and
    /// internal errors). A focal point given twice names the second agency.
    pub fn record(&self) -> Option<(&'static str, &str)> {
        Some(match self {
            WorldError::DuplicateId { kind, id }
            | WorldError::DanglingReference { kind, id, .. }
            | WorldError::Empty { kind, id, .. }
            | WorldError::DateOutOfRange { kind, id, .. }
            | WorldError::TerritoryOutsideWorld { kind, id, .. }
            | WorldError::LeapSecond { kind, id, .. }
            | WorldError::RestoredBeforeSuspended { kind, id }
            | WorldError::SubMillisecond { kind, id, .. } => (*kind, id.as_str()),
            WorldError::TermEndsBeforeStart { agreement, .. }
            | WorldError::DatasetNotFromProvider { agreement, .. }
            | WorldError::AgreementWithItself { agreement } => ("agreement", agreement.as_str()),
            WorldError::IssuerNotProvider { account, .. } => ("account", account.as_str()),
            WorldError::ViolatorNotParty { violation, .. }
            | WorldError::DeterminedBeforeRecorded { violation } => {
                ("violation", violation.as_str())
            }
            WorldError::SecondFocalPoint { second, .. } => ("agency", second.as_str()),
            WorldError::NotifiedBeforeRefused { refusal } => ("refusal", refusal.as_str()),
            WorldError::Json { .. } | WorldError::Internal(_) => return None,
        })
    }
}
