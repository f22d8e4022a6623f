//! The shared catalog of provincial databases (QD05/2024 Đ3.6, Đ7, Đ8.3): proposals to add
//! a database to it or withdraw one from it, decided by the pack's `catalog.cedar` rules.
//!
//! A proposal is turned into the facts the rules read (which dossier items are present,
//! what evidence each criterion has), Cedar evaluates every rule, and every forbid that
//! matches is a reason: the answer lists all the gaps at once. See
//! `docs/CATALOG_AND_DUTIES.md` for the clause of each check and the readings chosen.

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::agreement::SharingMethod;
use crate::cedar::context;
use crate::cedar::values::EntType;
use crate::decision::{Decision, Reason, ReasonKind};
use crate::engine::Engine;
use crate::engine::pipeline::{Ask, Mode, Query, Run, finish, party_advisories, valid_until};
use crate::ids::{AgencyId, DatabaseId, MasterDataId};
use crate::model;
use crate::pack::RulePack;
use crate::world::World;

/// The Cedar action of a proposal to add a database to the shared catalog.
const ADD_ACTION: &str = "proposeAddition";
/// The Cedar action of a proposal to withdraw a database from the shared catalog.
const WITHDRAW_ACTION: &str = "proposeWithdrawal";

/// The action a catalog change asks.
fn catalog_action(change: &CatalogChange) -> &'static str {
    match change {
        CatalogChange::Add(_) => ADD_ACTION,
        CatalogChange::Withdraw(_) => WITHDRAW_ACTION,
    }
}

/// A proposal by a data-managing agency to change the provincial shared catalog
/// (QD05/2024 Đ7.2): to add one of its databases (with the dossier of Đ7.2 a–g and the
/// evidence for the criteria of Đ7.3 a–c) or to withdraw one (making clear Đ7.4 a–c).
///
/// In JSON: `{"proposer": "so-tnmt", "database": "csdl-dat-dai", "change": {"add": {…}}}`
/// or `… "change": {"withdraw": {…}}`.
///
/// # Example
///
/// ```
/// use lgsp_policy::CatalogProposal;
/// use lgsp_policy::catalog::{AdditionDossier, CatalogChange};
///
/// let proposal: CatalogProposal = serde_json::from_str(r#"{
///     "proposer": "so-tnmt", "database": "csdl-dat-dai",
///     "change": {"add": {"name": "Cơ sở dữ liệu đất đai"}}
/// }"#)?;
/// let CatalogChange::Add(dossier) = &proposal.change else { unreachable!() };
/// assert_eq!(dossier.name.as_deref(), Some("Cơ sở dữ liệu đất đai"));
/// assert!(dossier.objective.is_none()); // a missing item is representable
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogProposal {
    /// The agency proposing: it must manage the database (QD05/2024 Đ7.2).
    pub proposer: AgencyId,
    /// The database concerned. It must be recorded in the world, a planned database too
    /// (with its planned hosting).
    pub database: DatabaseId,
    /// Add or withdraw, with the dossier.
    pub change: CatalogChange,
}

impl CatalogProposal {
    /// A proposal to add `database` to the shared catalog.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::CatalogProposal;
    /// use lgsp_policy::catalog::{AdditionDossier, CatalogChange};
    ///
    /// let p = CatalogProposal::addition("so-tnmt".parse()?, "csdl-dat-dai".parse()?, AdditionDossier::default());
    /// assert!(matches!(p.change, CatalogChange::Add(_)));
    /// # Ok::<(), lgsp_policy::records::IdError>(())
    /// ```
    pub fn addition(proposer: AgencyId, database: DatabaseId, dossier: AdditionDossier) -> Self {
        CatalogProposal {
            proposer,
            database,
            change: CatalogChange::Add(dossier),
        }
    }

    /// A proposal to withdraw `database` from the shared catalog.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::CatalogProposal;
    /// use lgsp_policy::catalog::{CatalogChange, WithdrawalDossier};
    ///
    /// let p = CatalogProposal::withdrawal("so-tp".parse()?, "csdl-dan-cu".parse()?, WithdrawalDossier::default());
    /// assert!(matches!(p.change, CatalogChange::Withdraw(_)));
    /// # Ok::<(), lgsp_policy::records::IdError>(())
    /// ```
    pub fn withdrawal(
        proposer: AgencyId,
        database: DatabaseId,
        dossier: WithdrawalDossier,
    ) -> Self {
        CatalogProposal {
            proposer,
            database,
            change: CatalogChange::Withdraw(dossier),
        }
    }
}

/// What a catalog proposal asks for. [`CatalogProposal`] and [`WithdrawalDossier`] show
/// both kinds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CatalogChange {
    /// Add the database to the shared catalog (QD05/2024 Đ7.2, Đ7.3, Đ8.3).
    Add(AdditionDossier),
    /// Withdraw the database from the shared catalog (QD05/2024 Đ7.4).
    Withdraw(WithdrawalDossier),
}

/// The dossier of a proposal to add a database to the shared catalog: the items of
/// QD05/2024 Đ7.2 a–g and the evidence for the criteria of Đ7.3 a–c.
///
/// An item is present when it is given and not blank (only spaces count as blank); a list
/// is present when it has at least one non-blank entry. Every field defaults to missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdditionDossier {
    /// a) The database's name (tên cơ sở dữ liệu).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// b) The name of the managing unit (tên đơn vị quản lý).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managing_unit: Option<String>,
    /// c) The objective of building the database (mục tiêu xây dựng).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<String>,
    /// d) The scope of the data in the database (phạm vi dữ liệu).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_scope: Option<String>,
    /// d) The master data it will store and share (thông tin về dữ liệu chủ), by id of the
    /// world's master-data records; their `reference` decides criterion Đ7.3.b.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub master_data: Vec<MasterDataId>,
    /// đ) Who will use and exploit it, and for what (đối tượng và mục đích sử dụng).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users_and_purposes: Option<String>,
    /// e) The sources that will build and update it (nguồn thông tin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources: Option<String>,
    /// g) How its data will be shared (phương thức chia sẻ, ND47/2020 Đ23.1).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sharing_methods: Vec<SharingMethod>,
    /// Đ7.3.a) The legal basis on which its shared data has legal value equal to paper
    /// documents a competent authority provides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_value_basis: Option<String>,
    /// Đ7.3.c) The administrative procedures its shared data serves (names or codes of the
    /// procedures, or of the reform and simplification they belong to).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub administrative_procedures: Vec<String>,
}

/// The dossier of a proposal to withdraw a database from the shared catalog: what it must
/// make clear (QD05/2024 Đ7.4 a–c). Presence is read as for [`AdditionDossier`].
///
/// The example covers [`Replacement`] and [`CatalogChange::Withdraw`] too.
///
/// # Example
///
/// ```
/// use lgsp_policy::{CatalogProposal, Engine, World};
/// use lgsp_policy::catalog::{CatalogChange, Replacement, WithdrawalDossier};
///
/// let world = World::from_json(include_str!(concat!(env!("CARGO_MANIFEST_DIR"),
///     "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json")))?;
/// let dossier = WithdrawalDossier {
///     replacement: Some(Replacement {
///         data: "Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp".into(),
///         provider: "Bộ Kế hoạch và Đầu tư".into(),
///     }),
///     ..WithdrawalDossier::default()
/// };
/// let proposal = CatalogProposal::withdrawal("so-khdt".parse()?, "csdl-dkdn".parse()?, dossier);
/// assert!(matches!(proposal.change, CatalogChange::Withdraw(_)));
/// let decision = Engine::builtin()?
///     .decide_catalog(&world, &proposal, "2024-06-03T09:00:00+07:00".parse()?);
/// // The replacement is given (Đ7.4.a); the other two items are not.
/// assert!(!decision.has_reason("withdrawal_no_replacement"));
/// assert!(decision.has_reason("withdrawal_no_master_data_reference"));
/// assert!(decision.has_reason("withdrawal_replacement_not_for_procedures"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawalDossier {
    /// a) The equivalent data that replaces it, and the competent authority providing it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<Replacement>,
    /// b) Where its master data keeps a reference that keeps ministry, sector and
    /// provincial databases in sync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_data_reference: Option<String>,
    /// c) The administrative procedures the replacement data is shared and used for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replacement_procedures: Vec<String>,
}

/// Equivalent data replacing a withdrawn database (QD05/2024 Đ7.4.a). Both parts must be
/// given: the data, and the competent authority that provides it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Replacement {
    /// The equivalent data (e.g. a national database and the part of it concerned).
    pub data: String,
    /// The competent authority that provides it.
    pub provider: String,
}

fn given(text: Option<&str>) -> bool {
    text.is_some_and(|t| !crate::text::is_blank(t))
}

fn any_given(items: &[String]) -> bool {
    items.iter().any(|t| !crate::text::is_blank(t))
}

impl Engine {
    /// Decides whether a shared-catalog proposal is eligible: for an addition, complete
    /// (QD05/2024 Đ7.2 a–g), showing every criterion (Đ7.3 a–c), for a database hosted at
    /// the provincial data centre (Đ8.3); for a withdrawal, making Đ7.4 a–c clear; in both
    /// cases proposed by the database's managing agency (Đ7.2).
    ///
    /// The outcome is allow only when nothing is unmet. A deny lists **every** unmet item,
    /// each with its own reason code, clause, Vietnamese and English message and policy id,
    /// in the order of the pack's rules. Like [`Engine::decide`] it never fails: an unknown
    /// proposer, database or master-data id, a time outside every pack, or a rule that fails
    /// to evaluate is a deny whose reasons say so. `now` picks the pack in force.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{CatalogProposal, Engine, World};
    /// use lgsp_policy::catalog::AdditionDossier;
    ///
    /// let world = World::from_json(r#"{
    ///   "territory": "VN-32",
    ///   "agencies": [{"id": "so-tnmt", "name": "Sở Tài nguyên và Môi trường",
    ///                 "kind": "provincial_department"}],
    ///   "databases": [{"id": "csdl-dat-dai", "name": "CSDL đất đai", "manager": "so-tnmt",
    ///                  "catalog": "specialised", "hosting": "elsewhere"}]
    /// }"#)?;
    /// let dossier = AdditionDossier {
    ///     name: Some("Cơ sở dữ liệu đất đai".into()),
    ///     ..AdditionDossier::default()
    /// };
    /// let proposal = CatalogProposal::addition("so-tnmt".parse()?, "csdl-dat-dai".parse()?, dossier);
    /// let decision = Engine::builtin()?.decide_catalog(&world, &proposal, "2024-06-03T09:00:00+07:00".parse()?);
    /// assert!(!decision.is_allowed());
    /// // Every gap is listed, not only the first one:
    /// assert!(decision.has_reason("dossier_missing_objective"));
    /// assert!(decision.has_reason("dossier_missing_sharing_methods"));
    /// assert!(decision.has_reason("criterion_legal_value_not_shown"));
    /// assert!(decision.has_reason("not_hosted_at_data_centre"));
    /// assert!(!decision.has_reason("dossier_missing_name"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide_catalog(
        &self,
        world: &World,
        proposal: &CatalogProposal,
        now: DateTime<FixedOffset>,
    ) -> Decision {
        self.run(world, Ask::Catalog(proposal, now), Mode::Decide)
            .decision
    }

    /// Steps 2–8 of the pipeline for a catalog proposal under the pack in force.
    pub(crate) fn run_catalog(
        &self,
        pack: &RulePack,
        world: &World,
        proposal: &CatalogProposal,
        now: DateTime<FixedOffset>,
        mode: Mode,
    ) -> Run {
        let date = model::local_date(now);
        let query = Engine::catalog_query(world, pack, proposal, now);
        let action = query.action;
        // Allow only when the rules allow cleanly and nothing was unknown (an unknown
        // master-data id is a deny even if every item is present).
        let (outcome, reasons, eval) = match self.settle(world, query, "no_right_established", mode)
        {
            Ok(settled) => settled,
            Err(reasons) => return Run::refused_with(pack, reasons, date, None),
        };
        let valid_until = valid_until(pack, now, Vec::new());
        let mut decision = finish(
            pack,
            outcome,
            reasons,
            Vec::new(),
            date,
            None,
            None,
            valid_until,
        );
        party_advisories(pack, world, now, [&proposal.proposer], &mut decision);
        Run::answered(decision, pack, action, eval, mode)
    }

    /// The Cedar request of a catalog proposal under `pack`: principal, action, resource and
    /// the context (the facts the `catalog.cedar` rules read), with the reasons found before
    /// asking. The one place it is built: [`Engine::decide_catalog`] asks it, the interop
    /// module exports it.
    pub(crate) fn catalog_query<'p, 'w>(
        world: &'w World,
        pack: &'p RulePack,
        proposal: &'w CatalogProposal,
        now: DateTime<FixedOffset>,
    ) -> Query<'p, 'w> {
        let mut reasons = Vec::new();
        let proposer = context::entity(world, EntType::Agency, proposal.proposer.as_str());
        let database = context::entity(world, EntType::Database, proposal.database.as_str());
        if proposer.is_none() {
            reasons.push(catalog_reason(
                pack,
                "unknown_proposer",
                ReasonKind::UnknownReference,
                Some(format!("agency `{}`", proposal.proposer)),
            ));
        }
        if database.is_none() {
            reasons.push(catalog_reason(
                pack,
                "unknown_database",
                ReasonKind::UnknownReference,
                Some(format!("database `{}`", proposal.database)),
            ));
        }
        let (Some(principal), Some(resource)) = (proposer, database) else {
            return Query {
                action: catalog_action(&proposal.change),
                reasons,
                asked: None,
                pack,
            };
        };
        if let Some(detail) = model::out_of_range_detail("the proposal's time", now) {
            reasons.push(catalog_reason(
                pack,
                "evaluation_error",
                ReasonKind::EvaluationError,
                Some(detail),
            ));
            return Query {
                action: catalog_action(&proposal.change),
                reasons,
                asked: None,
                pack,
            };
        }

        // Every attribute but `now` is a boolean.
        let (action, flags): (&'static str, Vec<(&'static str, bool)>) = match &proposal.change {
            CatalogChange::Add(d) => {
                let mut holds_reference = false;
                for id in &d.master_data {
                    match world.master_data.get(id) {
                        Some(m) => holds_reference |= m.reference.is_authoritative(),
                        None => reasons.push(catalog_reason(
                            pack,
                            "unknown_master_data",
                            ReasonKind::UnknownReference,
                            Some(format!("master data `{id}`")),
                        )),
                    }
                }
                // In the order of `context::ADDITION_FACTS`.
                let facts = [
                    given(d.name.as_deref()),
                    given(d.managing_unit.as_deref()),
                    given(d.objective.as_deref()),
                    given(d.data_scope.as_deref()),
                    !d.master_data.is_empty(),
                    given(d.users_and_purposes.as_deref()),
                    given(d.sources.as_deref()),
                    !d.sharing_methods.is_empty(),
                    given(d.legal_value_basis.as_deref()),
                    holds_reference,
                    any_given(&d.administrative_procedures),
                ];
                (
                    ADD_ACTION,
                    context::ADDITION_FACTS.into_iter().zip(facts).collect(),
                )
            }
            CatalogChange::Withdraw(w) => {
                let replacement = w
                    .replacement
                    .as_ref()
                    .is_some_and(|r| given(Some(&r.data)) && given(Some(&r.provider)));
                // In the order of `context::WITHDRAWAL_FACTS`.
                let facts = [
                    replacement,
                    given(w.master_data_reference.as_deref()),
                    any_given(&w.replacement_procedures),
                ];
                (
                    WITHDRAW_ACTION,
                    context::WITHDRAWAL_FACTS.into_iter().zip(facts).collect(),
                )
            }
        };

        // 3. The context (`crate::cedar::context`).
        let request = model::cedar_millis(now)
            .map(|now| context::catalog(principal, action, resource, now, flags))
            .ok_or_else(|| format!("the time {} cannot be given to Cedar", now.to_rfc3339()));
        Query {
            action,
            reasons,
            asked: Some(request),
            pack,
        }
    }
}

/// An engine reason of a catalog proposal, worded by the pack.
fn catalog_reason(pack: &RulePack, code: &str, kind: ReasonKind, detail: Option<String>) -> Reason {
    pack.reason(code, kind, detail)
}

#[cfg(test)]
mod request_schema_tests {
    use super::*;
    use cedar_policy::{Context, Request};

    /// `decide_catalog` builds its requests without the schema check; this is the check,
    /// once, for both actions, with every flag set either way.
    #[test]
    fn catalog_requests_conform_to_the_schema() {
        let model = crate::model::Model::load();
        assert!(model.is_ok());
        let Ok(model) = model else { return };
        let now = DateTime::parse_from_rfc3339("2024-06-03T09:00:00+07:00").unwrap_or_default();
        let add = context::ADDITION_FACTS;
        let withdraw = context::WITHDRAWAL_FACTS;
        for (action, keys) in [(ADD_ACTION, &add[..]), (WITHDRAW_ACTION, &withdraw[..])] {
            for value in [true, false] {
                let ent = |ty, id| crate::cedar::values::Ent {
                    ty,
                    id,
                    rec: crate::cedar::values::Rec::Missing,
                };
                let Some(now) = crate::model::cedar_millis(now) else {
                    panic!("an instant Cedar takes")
                };
                let request = context::catalog(
                    ent(EntType::Agency, "so-tnmt"),
                    action,
                    ent(EntType::Database, "csdl"),
                    now,
                    keys.iter().map(|&k| (k, value)),
                )
                .to_cedar(&model);
                let Ok(request) = request else {
                    panic!("the request can be given to Cedar")
                };
                let checked = Request::new(
                    crate::model::Model::uid(&model.agency, "so-tnmt"),
                    model.action_uid(action),
                    crate::model::Model::uid(&model.database, "csdl"),
                    request.context().cloned().unwrap_or_else(Context::empty),
                    Some(&model.schema),
                );
                assert!(checked.is_ok(), "{action}: {checked:?}");
            }
        }
    }
}
