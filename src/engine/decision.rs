//! Decisions: the outcome, every reason with its clause, the duties created, and advisories.

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::clause::Clause;
use crate::deadline::Deadline;
use crate::ids::{
    AccountId, AgencyId, AgreementId, DatabaseId, DatasetId, PackId, PolicyId, ViolationId,
};
use crate::request::Action;

/// Allow or deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The request may proceed.
    Allow,
    /// The request must be refused.
    Deny,
}

/// What kind of rule produced a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReasonKind {
    /// A `permit` policy that matched: the basis of an allow.
    Permit,
    /// A `forbid` policy that matched: a ground of a deny.
    Forbid,
    /// No policy permitted the request ("no right established").
    NothingPermitted,
    /// The request names an account or dataset the world does not know.
    UnknownReference,
    /// No rule pack is in force for the territory at that time.
    NoPackInForce,
    /// A policy failed to evaluate; the engine fails closed.
    EvaluationError,
    /// A check of something a party did (a notice, a refusal) found it falls short of a
    /// clause: a finding against that party.
    Finding,
}

/// One reason of a decision: a stable code, the clause it rests on, and the message in
/// Vietnamese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Reason {
    /// A stable machine code, e.g. `not_through_lgsp`.
    pub code: String,
    /// The clause the reason rests on, e.g. `QD05/2024 Đ13.1`.
    pub clause: Clause,
    /// Further clauses it leans on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub see: Vec<Clause>,
    /// The message in Vietnamese.
    pub vi: String,
    /// The message in English.
    pub en: String,
    /// What produced it.
    pub kind: ReasonKind,
    /// The policy that produced it (its `@id`), if a policy did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyId>,
    /// Details, e.g. the text of an evaluation error or the unknown id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// An obligation a decision creates. The library never performs it: the caller does.
///
/// # Example
///
/// ```
/// use lgsp_policy::{AccessRequest, Action, Channel, Duty, Engine, World};
///
/// let engine = Engine::builtin()?;
/// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
/// let request = AccessRequest::new(
///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
///     Channel::Lgsp, "administrative-procedures".parse()?,
///     "2024-06-03T09:30:00+07:00".parse()?,
/// )
/// .subject_requested(true);
/// // Refused, through a direct connection: the refusal must be reported (QD05/2024 Đ16.1.đ).
/// let direct = AccessRequest { channel: Channel::Direct, ..request };
/// let decision = engine.decide(&world, &direct);
/// let reported: Vec<&[String]> = decision
///     .duties
///     .iter()
///     .filter_map(|duty| match duty {
///         Duty::ReportRefusal { reasons, authority, .. } => {
///             assert_eq!(authority.as_ref().map(|a| a.as_str()), Some("so-tttt"));
///             Some(reasons.as_slice())
///         }
///         _ => None, // the enum is non-exhaustive
///     })
///     .collect();
/// assert_eq!(reported, [["not_through_lgsp".to_owned()].as_slice()]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", tag = "duty")]
#[non_exhaustive]
pub enum Duty {
    /// Log the request and what was shared, and keep the log at least until `keep_until`
    /// (QD05/2024 Đ16.1.a: at least three months).
    LogRequest {
        /// Who keeps the log: the provider.
        provider: AgencyId,
        /// Who asked.
        consumer: AgencyId,
        /// Through which account.
        account: AccountId,
        /// Which dataset.
        dataset: DatasetId,
        /// What was done.
        action: Action,
        /// When.
        at: DateTime<FixedOffset>,
        /// The earliest the log may be deleted: 24:00 local of the day three months after
        /// the request (BLDS2015 Đ148.3).
        keep_until: DateTime<FixedOffset>,
        /// `QD05/2024 Đ16.1.a`.
        clause: Clause,
    },
    /// The deny is a refusal of a sharing request: the provider must tell the requester the
    /// reasons and notify the competent authority (QD05/2024 Đ16.1.đ, Đ18; ND47/2020 Đ48).
    ReportRefusal {
        /// The provider that refuses.
        provider: AgencyId,
        /// The party refused.
        requester: AgencyId,
        /// The authority to notify: the provincial focal point, which resolves technical and
        /// regulatory problems (QD05/2024 Đ18.2), when the world records it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authority: Option<AgencyId>,
        /// The reason codes the refusal must state.
        reasons: Vec<String>,
        /// `QD05/2024 Đ16.1.đ`.
        clause: Clause,
    },
    /// Notify the suspended consumer of the violation, the handling plan and what it must
    /// do to keep or restore the connection, by `due` (QD05/2024 Đ16.2.h: no later than one
    /// day from the moment the violation was determined).
    NotifyConsumer {
        /// The provider that suspends.
        provider: AgencyId,
        /// The consumer to notify.
        consumer: AgencyId,
        /// The agreement suspended.
        agreement: AgreementId,
        /// The violation (or unsafe connection) the suspension rests on.
        violation: ViolationId,
        /// When the notice is due, counted from the violation's determination, and why.
        due: Deadline,
        /// What the notice must contain.
        must_include: Vec<NoticePart>,
        /// `QD05/2024 Đ16.2.h`.
        clause: Clause,
    },
    /// Announce a suspension of every consumer of a database: publicly, on the provider's
    /// portal, by `due` for maintenance (ND47/2020 Đ43.3: at least 7 working days ahead),
    /// or by appropriate means, with no time fixed, for force majeure (ND47/2020 Đ43.4).
    PublicNotice {
        /// The provider that suspends.
        provider: AgencyId,
        /// The database concerned.
        database: DatabaseId,
        /// The consumers whose agreements are suspended.
        consumers: Vec<AgencyId>,
        /// When the suspension starts.
        starts_at: DateTime<FixedOffset>,
        /// The latest instant the notice may be published; `None` when the law fixes none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<DateTime<FixedOffset>>,
        /// What the notice must contain.
        must_include: Vec<NoticePart>,
        /// `ND47/2020 Đ43.3` or `ND47/2020 Đ43.4`.
        clause: Clause,
    },
    /// Report to the provider how the shared data is used (QD05/2024 Đ16.1.e): the
    /// consumer's duty, created when a provider lawfully requires it.
    ReportUsage {
        /// Who reports: the consumer.
        consumer: AgencyId,
        /// To whom: the provider.
        provider: AgencyId,
        /// The agreement under which the data was shared.
        agreement: AgreementId,
        /// The recorded sign of unlawful use.
        violation: ViolationId,
        /// `QD05/2024 Đ16.1.e`.
        clause: Clause,
    },
}

/// A part a notice must contain. [`Engine::decide_suspension`](crate::Engine::decide_suspension)
/// returns them in [`Duty::NotifyConsumer`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NoticePart {
    /// What the violation of the regulation is (QD05/2024 Đ16.2.h).
    Violation,
    /// The plan for handling it (QD05/2024 Đ16.2.h).
    HandlingPlan,
    /// What the consumer must do to keep or restore the connection (QD05/2024 Đ16.2.h).
    RestorationRequirements,
    /// The expected time of restoration (ND47/2020 Đ43.3).
    ExpectedRestorationTime,
}

/// A note attached to a decision: a change in the law above the pack, or a documented
/// reading of an ambiguous clause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Advisory {
    /// A stable code.
    pub code: String,
    /// The clause concerned.
    pub clause: Clause,
    /// The note in Vietnamese.
    pub vi: String,
    /// The note in English.
    pub en: String,
}

/// The rule pack that decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackRef {
    /// Its id.
    pub id: PackId,
    /// Its version.
    #[schemars(with = "String")]
    pub version: semver::Version,
}

impl PackRef {
    /// The reference to `pack`.
    pub(crate) fn of(pack: &crate::pack::RulePack) -> PackRef {
        PackRef {
            id: pack.manifest.id.clone(),
            version: pack.manifest.version.clone(),
        }
    }
}

/// The answer to a request. Deciding never fails: a problem is a deny that says so.
///
/// The example reads every part of a decision: [`Outcome`], [`Reason`] and its
/// [`ReasonKind`], [`Duty`], [`PackRef`], [`Advisory`].
///
/// # Example
///
/// ```
/// use lgsp_policy::{AccessRequest, Action, Channel, Duty, Engine, Outcome, ReasonKind, World};
///
/// let engine = Engine::builtin()?;
/// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
/// let request = AccessRequest::new(
///     "acc.tuy-hoa.dan-cu".parse()?, Action::Query, "dan-cu.nhan-khau".parse()?,
///     Channel::Lgsp, "administrative-procedures".parse()?,
///     "2024-06-03T09:30:00+07:00".parse()?,
/// )
/// .subject_requested(true);
/// let decision = engine.decide(&world, &request);
/// assert_eq!(decision.outcome, Outcome::Allow);
/// let reason = &decision.reasons[0];
/// assert_eq!((reason.kind, reason.code.as_str()), (ReasonKind::Permit, "agency_shared_data"));
/// assert_eq!(reason.policy.as_ref().map(|p| p.as_str()), Some("access.agency-shared-data"));
/// assert_eq!(decision.agreement.as_ref().map(|a| a.as_str()), Some("agr.tp.tuy-hoa"));
/// assert_eq!(decision.pack.as_ref().map(|p| p.id.as_str()), Some("qd05-2024-phu-yen"));
/// assert!(decision.advisories.is_empty()); // nothing has changed in the law yet in 2024
/// // The provider logs the request and keeps the log three months (QD05/2024 Đ16.1.a).
/// let Some(Duty::LogRequest { provider, keep_until, .. }) = decision.duties.first() else {
///     return Err("an allow obliges a log".into());
/// };
/// assert_eq!(provider.as_str(), "so-tp");
/// assert_eq!(keep_until.to_rfc3339(), "2024-09-04T00:00:00+07:00");
///
/// // After the province's merger, the same request carries an advisory saying so.
/// let later = AccessRequest { at: "2025-07-15T09:30:00+07:00".parse()?, ..request };
/// let decision = engine.decide(&world, &later);
/// assert!(decision.advisories.iter().any(|a| a.code == "province_merged"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Decision {
    /// Allow or deny.
    pub outcome: Outcome,
    /// Why: for an allow, the permissions relied on; for a deny, every ground (never empty).
    pub reasons: Vec<Reason>,
    /// What the decision obliges someone to do.
    #[serde(default)]
    pub duties: Vec<Duty>,
    /// Notes on the law's timeline and on readings of the text.
    #[serde(default)]
    pub advisories: Vec<Advisory>,
    /// The pack that decided; `None` when no pack was in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<PackRef>,
    /// For an allow, the agreement under which the request was allowed (the first, by id,
    /// of the agreements between the parties that allows); for a deny, the one that came
    /// closest. An allow of open data names it too, although the rights to open data
    /// (QD05/2024 Đ17.1.d–e) need no agreement: [`Rule::uses_agreement`](crate::pack::Rule)
    /// tells which rules read it. `None` when the parties have no agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<AgreementId>,
    /// The decision stays true until this instant if the world does not change: the
    /// earliest time after the request at which a time it depends on is crossed (an
    /// agreement's start or end, a publication, an evaluation's expiry, a pack's end, an
    /// advisory's start). `None`: no such time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<DateTime<FixedOffset>>,
    /// The facts of the world the decision rests on, sorted: the records it read (those
    /// its pack was chosen by, those its rules were asked about and reached, every party
    /// its duties name), the agreement sets it weighed, the focal point. While none of
    /// them changes ([`crate::records::Applied::touched`]) and `valid_until` is not
    /// reached, the same question gets the same decision.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<crate::records::Dependency>,
}

impl Decision {
    /// Whether the outcome is allow.
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
    /// )
    /// .subject_requested(true);
    /// assert!(engine.decide(&world, &request).is_allowed());
    ///
    /// // Without the citizen's request, personal data is not shared (QD05/2024 Đ16.2.g).
    /// let unasked = request.subject_requested(false);
    /// assert!(!engine.decide(&world, &unasked).is_allowed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_allowed(&self) -> bool {
        self.outcome == Outcome::Allow
    }

    /// The reason codes, in order.
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
    /// )
    /// .subject_requested(true);
    /// let direct = AccessRequest { channel: Channel::Direct, ..request };
    /// let decision = engine.decide(&world, &direct);
    /// let codes: Vec<&str> = decision.reason_codes().collect();
    /// assert_eq!(codes, ["not_through_lgsp"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reason_codes(&self) -> impl Iterator<Item = &str> {
        self.reasons.iter().map(|r| r.code.as_str())
    }

    /// Whether some reason has this code.
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
    /// )
    /// .subject_requested(true);
    /// let decision = engine.decide(&world, &request);
    /// assert!(decision.has_reason("agency_shared_data"));
    /// assert!(!decision.has_reason("no_right_established"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn has_reason(&self, code: &str) -> bool {
        self.reasons.iter().any(|r| r.code == code)
    }
}
