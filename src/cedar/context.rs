//! The Cedar requests of every kind of question: principal, action, resource and the
//! context the policies read (`policies/model.cedarschema`), the one place each is built.
//! The values are built directly ([`model::context_of`]), not as expressions Cedar would
//! evaluate; the facts they carry are found by the engine's questions.

use cedar_policy::{EntityUid, Request};
use cedar_policy_core::ast::Value;

use crate::engine::AccessFacts;
use crate::model::{self, Model};
use crate::world::World;

/// The Cedar request of an access request under one candidate agreement: principal,
/// action, resource and the context (`AccessContext` in `policies/model.cedarschema`).
/// The one place it is built.
pub(crate) fn access(
    world: &World,
    facts: &AccessFacts<'_>,
    agreement: Option<&crate::ids::AgreementId>,
) -> Result<Request, String> {
    let model = &world.cedar.model;
    let request = facts.request;
    let principal = Model::uid(&model.account, facts.account.id.as_str());
    let resource = Model::uid(&model.dataset, facts.dataset.id.as_str());
    let agreement_uid = agreement.map(|id| Model::uid(&model.agreement, id.as_str()));
    // The context's values built directly (model::context_of), not as expressions
    // Cedar would evaluate.
    let agreement = agreement_uid
        .as_ref()
        .map(|uid| ("agreement", model::entity_value(uid)));
    let evaluated = facts
        .evaluation
        .as_ref()
        .map(|(_, until)| ("evaluatedUntil", until.clone()));
    let context = model::context_of(
        [
            ("now", facts.now.clone()),
            ("channel", model::string_value(request.channel.as_str())),
            ("purpose", model::string_value(request.purpose.as_str())),
            ("authenticated", model::bool_value(request.authenticated)),
            (
                "subjectRequested",
                model::bool_value(request.subject_requested),
            ),
        ]
        .into_iter()
        .chain(agreement)
        .chain(evaluated),
    );
    let Some(context) = context else {
        return Err(format!(
            "the context of the request at {} cannot be given to Cedar",
            request.at.to_rfc3339()
        ));
    };
    let action = model.action_uid(request.action.as_str());
    Ok(model::request_of(&principal, &action, &resource, context))
}

/// What a lifecycle act gives its rules (`LifecycleContext`): the principal (the acting
/// agency), the resource (the agreement or the database), the act's instants — `now` and
/// those computed with the engine's calendar — and its facts.
pub(crate) struct ActFacts<'a> {
    pub(crate) action: &'static str,
    pub(crate) principal: &'a EntityUid,
    pub(crate) resource: &'a EntityUid,
    pub(crate) grounds: &'a str,
    pub(crate) requirements_met: bool,
    pub(crate) restoration_announced: bool,
    pub(crate) violation: Option<&'a EntityUid>,
    /// `now` first, then the other instants, by attribute name, as Cedar values.
    pub(crate) instants: Vec<(&'static str, Value)>,
}

/// The Cedar request of a lifecycle act (`LifecycleContext`); `None` when the context
/// cannot be given to Cedar.
pub(crate) fn lifecycle(world: &World, facts: ActFacts<'_>) -> Option<Request> {
    let violation = facts
        .violation
        .map(|uid| ("violation", model::entity_value(uid)));
    let context = model::context_of(
        [
            ("grounds", model::string_value(facts.grounds)),
            ("requirementsMet", model::bool_value(facts.requirements_met)),
            (
                "restorationAnnounced",
                model::bool_value(facts.restoration_announced),
            ),
        ]
        .into_iter()
        .chain(facts.instants)
        .chain(violation),
    )?;
    let action = world.cedar.model.action_uid(facts.action);
    Some(model::request_of(
        facts.principal,
        &action,
        facts.resource,
        context,
    ))
}

/// The facts of a catalog addition's dossier, in the order of `CatalogAddContext`: each is
/// a boolean the rules read.
pub(crate) const ADDITION_FACTS: [&str; 11] = [
    "hasName",
    "hasManagingUnit",
    "hasObjective",
    "hasDataScope",
    "hasMasterDataInfo",
    "hasUsersAndPurposes",
    "hasSources",
    "hasSharingMethods",
    "showsLegalValue",
    "holdsReferenceMasterData",
    "servesAdministrativeProcedures",
];

/// The facts of a catalog withdrawal's dossier, in the order of `CatalogWithdrawContext`.
pub(crate) const WITHDRAWAL_FACTS: [&str; 3] = [
    "hasReplacement",
    "masterDataKeepsReference",
    "replacementServesProcedures",
];

/// The Cedar request of a catalog proposal: `now` and one boolean per fact (`facts` names
/// them, [`ADDITION_FACTS`] or [`WITHDRAWAL_FACTS`]); `None` when `now` cannot be given to
/// Cedar. The request is built without checking it against the schema on every
/// proposal: its attributes are those the schema declares, by construction (a unit test
/// validates both actions' contexts against the schema).
pub(crate) fn catalog(
    world: &World,
    principal: &EntityUid,
    action: &str,
    resource: &EntityUid,
    now: Value,
    facts: impl IntoIterator<Item = (&'static str, bool)>,
) -> Option<Request> {
    let context = model::context_of(
        std::iter::once(("now", now))
            .chain(facts.into_iter().map(|(k, v)| (k, model::bool_value(v)))),
    )?;
    Some(model::request_of(
        principal,
        &world.cedar.model.action_uid(action),
        resource,
        context,
    ))
}

/// What a notice check gives its rules (`NoticeCheckContext`): the instants as Cedar
/// values, and the facts of the record.
pub(crate) struct NoticeFacts {
    pub(crate) now: Value,
    pub(crate) due: Option<Value>,
    pub(crate) violation_determined: bool,
    pub(crate) sent_at: Option<Value>,
    pub(crate) sent_to_consumer: bool,
    pub(crate) states_violation: bool,
    pub(crate) states_handling_plan: bool,
    pub(crate) states_restoration_requirements: bool,
}

/// The Cedar request of a notice check: the provider checked, about the agreement.
pub(crate) fn notice_check(
    world: &World,
    provider: &EntityUid,
    agreement: &EntityUid,
    facts: NoticeFacts,
) -> Option<Request> {
    let instants = [("due", facts.due), ("sentAt", facts.sent_at)]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)));
    let context = model::context_of(
        [
            ("now", facts.now),
            (
                "violationDetermined",
                model::bool_value(facts.violation_determined),
            ),
            ("sentToConsumer", model::bool_value(facts.sent_to_consumer)),
            ("statesViolation", model::bool_value(facts.states_violation)),
            (
                "statesHandlingPlan",
                model::bool_value(facts.states_handling_plan),
            ),
            (
                "statesRestorationRequirements",
                model::bool_value(facts.states_restoration_requirements),
            ),
        ]
        .into_iter()
        .chain(instants),
    )?;
    let action = world.cedar.model.action_uid(NOTICE_CHECK_ACTION);
    Some(model::request_of(provider, &action, agreement, context))
}

/// The action of a notice check.
pub(crate) const NOTICE_CHECK_ACTION: &str = "checkNotice";

/// The action of a refusal check.
pub(crate) const REFUSAL_CHECK_ACTION: &str = "checkRefusal";

/// What a refusal check gives its rules (`RefusalCheckContext`).
pub(crate) struct RefusalFacts {
    pub(crate) now: Value,
    pub(crate) reasons: usize,
    pub(crate) ungrounded: Vec<usize>,
    pub(crate) unstated: Vec<usize>,
    pub(crate) authority_notified: bool,
    pub(crate) competent_authority_known: bool,
    pub(crate) notified_competent_authority: bool,
}

/// The Cedar request of a refusal check: the provider checked, about the requester.
pub(crate) fn refusal_check(
    world: &World,
    provider: &EntityUid,
    requester: &EntityUid,
    facts: RefusalFacts,
) -> Option<Request> {
    let long = |n: usize| i64::try_from(n).ok();
    let numbers = |ns: Vec<usize>| -> Option<Value> {
        let ns: Option<Vec<i64>> = ns.into_iter().map(long).collect();
        Some(model::long_set_value(ns?))
    };
    let context = model::context_of([
        ("now", facts.now),
        ("reasons", model::long_value(long(facts.reasons)?)),
        ("ungrounded", numbers(facts.ungrounded)?),
        ("unstated", numbers(facts.unstated)?),
        (
            "authorityNotified",
            model::bool_value(facts.authority_notified),
        ),
        (
            "competentAuthorityKnown",
            model::bool_value(facts.competent_authority_known),
        ),
        (
            "notifiedCompetentAuthority",
            model::bool_value(facts.notified_competent_authority),
        ),
    ])?;
    let action = world.cedar.model.action_uid(REFUSAL_CHECK_ACTION);
    Some(model::request_of(provider, &action, requester, context))
}
