//! The baselines the engine is measured against, on the same requests:
//!
//! - (a) the Cedar floor: `Authorizer::is_authorized` alone, on a request, a context and a
//!   store of just the entities the request touches, all built before timing starts, with
//!   the pack's policies for the action;
//! - (b) the hand floor: the access rules of `access.cedar` written out in Rust over the
//!   world's public accessors;
//! - (c) the naive integration: convert the whole world to Cedar entities on every request.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Entities, Entity, EntityId, EntityTypeName, EntityUid, PolicySet, Request,
    RestrictedExpression, Schema,
};
use chrono::{DateTime, FixedOffset, Months, NaiveDate};
use lgsp_policy::records::{
    Agency, AgencyId, AgreementStatus, Authentication, DataClass, SharingAgreement,
};
use lgsp_policy::time::Calendar;
use lgsp_policy::{AccessRequest, Action, Channel, Engine, RulePack, World};

// ---------------------------------------------------------------- Cedar conversion

pub struct Cedar {
    pub schema: Schema,
    /// The built-in pack's access policies: the engine's slice for query, download and
    /// subscribe (the same set for the three; `Cedar::new` checks it). Not the whole pack:
    /// the lifecycle and catalog policies are sliced away by the engine, so a floor that
    /// carried them would be slower than the engine's own Cedar call.
    pub policies: PolicySet,
    /// Every policy of the built-in pack.
    pub all: PolicySet,
    pub authorizer: Authorizer,
    /// The calendar the engine counts with by default.
    pub calendar: Calendar,
    ty: HashMap<&'static str, EntityTypeName>,
}

impl Cedar {
    pub fn new() -> Cedar {
        let (schema, _) = Schema::from_cedarschema_str(lgsp_policy::pack::MODEL_SCHEMA).unwrap();
        let (_, files) = RulePack::builtin_sources();
        let text: String = files.iter().map(|(_, t)| *t).collect::<Vec<_>>().join("\n");
        let all = PolicySet::from_str(&text).unwrap();
        let ty = [
            "Agency",
            "MasterData",
            "Database",
            "Dataset",
            "Account",
            "Agreement",
            "Violation",
            "Action",
        ]
        .into_iter()
        .map(|n| (n, EntityTypeName::from_str(&format!("Lgsp::{n}")).unwrap()))
        .collect();
        let mut cedar = Cedar {
            schema,
            policies: PolicySet::new(),
            all,
            authorizer: Authorizer::new(),
            calendar: Calendar::vietnam_public_sector(),
            ty,
        };
        let ids = |set: &PolicySet| {
            let mut ids: Vec<String> = set.policies().map(|p| p.id().to_string()).collect();
            ids.sort();
            ids
        };
        let access = cedar.slice("query");
        for action in ["download", "subscribe"] {
            assert_eq!(ids(&access), ids(&cedar.slice(action)), "one access slice");
        }
        assert!(
            access.policies().count() < cedar.all.policies().count(),
            "the access slice leaves the lifecycle and catalog policies out"
        );
        cedar.policies = access;
        cedar
    }

    /// The policies of the pack whose scope can match `action`: the slice the engine hands
    /// Cedar (src/pack.rs computes it the same way when a pack loads).
    pub fn slice(&self, action: &str) -> PolicySet {
        let uid = self.uid("Action", action);
        let actions = self.schema.action_entities().unwrap();
        let mut ancestors: HashSet<EntityUid> = HashSet::from([uid.clone()]);
        if let Some(up) = actions.ancestors(&uid) {
            ancestors.extend(up.cloned());
        }
        let mut set = PolicySet::new();
        for p in self.all.policies() {
            let matches = match p.action_constraint() {
                cedar_policy::ActionConstraint::Any => true,
                cedar_policy::ActionConstraint::Eq(a) => a == uid,
                cedar_policy::ActionConstraint::In(list) => {
                    list.iter().any(|a| ancestors.contains(a))
                }
            };
            if matches {
                set.add(p.clone()).unwrap();
            }
        }
        set
    }

    pub fn uid(&self, ty: &str, id: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(self.ty[ty].clone(), EntityId::new(id))
    }

    fn r(&self, ty: &str, id: &str) -> RestrictedExpression {
        RestrictedExpression::new_entity_uid(self.uid(ty, id))
    }

    fn agency(&self, a: &Agency) -> Entity {
        let attrs = HashMap::from([
            ("kind".into(), s(a.kind.as_str())),
            (
                "stateAdministrative".into(),
                b(a.kind.is_state_administrative()),
            ),
            ("inProvince".into(), b(a.kind.is_in_province())),
            (
                "provincialFocalPoint".into(),
                b(a.kind.is_provincial_focal_point()),
            ),
        ]);
        Entity::new(self.uid("Agency", a.id.as_str()), attrs, HashSet::new()).unwrap()
    }

    fn database(&self, d: &lgsp_policy::records::Database) -> Entity {
        let attrs = HashMap::from([
            ("manager".into(), self.r("Agency", d.manager.as_str())),
            ("catalog".into(), s(d.catalog.as_str())),
            (
                "atDataCentre".into(),
                b(d.hosting == lgsp_policy::records::Hosting::ProvincialDataCentre),
            ),
            (
                "masterData".into(),
                RestrictedExpression::new_set(
                    d.master_data
                        .iter()
                        .map(|m| self.r("MasterData", m.as_str())),
                ),
            ),
        ]);
        Entity::new(self.uid("Database", d.id.as_str()), attrs, HashSet::new()).unwrap()
    }

    fn dataset(&self, world: &World, d: &lgsp_policy::records::Dataset) -> Entity {
        let provider = world.provider_of(&d.id).unwrap();
        let mut attrs = HashMap::from([
            ("database".into(), self.r("Database", d.database.as_str())),
            ("provider".into(), self.r("Agency", provider.as_str())),
            ("class".into(), s(d.class.as_str())),
            ("personalData".into(), b(d.personal_data)),
        ]);
        if let Some(day) = d.published {
            attrs.insert("publishedAt".into(), dt(start_of_day(day)));
        }
        Entity::new(
            self.uid("Dataset", d.id.as_str()),
            attrs,
            HashSet::from([self.uid("Database", d.database.as_str())]),
        )
        .unwrap()
    }

    fn account(&self, a: &lgsp_policy::records::Account) -> Entity {
        let attrs = HashMap::from([
            ("holder".into(), self.r("Agency", a.holder.as_str())),
            ("issuer".into(), self.r("Agency", a.issuer.as_str())),
            ("authentication".into(), s(a.authentication.as_str())),
        ]);
        Entity::new(self.uid("Account", a.id.as_str()), attrs, HashSet::new()).unwrap()
    }

    fn agreement(&self, g: &SharingAgreement) -> Entity {
        let mut attrs = HashMap::from([
            ("provider".into(), self.r("Agency", g.provider.as_str())),
            ("consumer".into(), self.r("Agency", g.consumer.as_str())),
            (
                "datasets".into(),
                RestrictedExpression::new_set(
                    g.datasets.iter().map(|d| self.r("Dataset", d.as_str())),
                ),
            ),
            (
                "purposes".into(),
                RestrictedExpression::new_set(g.purposes.iter().map(|p| s(p.as_str()))),
            ),
            (
                "methods".into(),
                RestrictedExpression::new_set(g.methods.iter().map(|m| s(m.as_str()))),
            ),
            ("status".into(), s(g.status.as_str())),
            ("start".into(), dt(g.term.start)),
        ]);
        if let Some(end) = g.term.end {
            attrs.insert("end".into(), dt(end));
        }
        Entity::new(self.uid("Agreement", g.id.as_str()), attrs, HashSet::new()).unwrap()
    }

    fn master_data(&self, m: &lgsp_policy::records::MasterData) -> Entity {
        let reference = match m.reference {
            lgsp_policy::records::MasterDataReference::ProvincialPeoplesCommittee => {
                "provincial_peoples_committee"
            }
            lgsp_policy::records::MasterDataReference::None => "none",
            _ => "ministry",
        };
        let attrs = HashMap::from([("reference".into(), s(reference))]);
        Entity::new(self.uid("MasterData", m.id.as_str()), attrs, HashSet::new()).unwrap()
    }

    fn violation(&self, v: &lgsp_policy::records::Violation) -> Entity {
        let mut attrs = HashMap::from([
            ("violator".into(), self.r("Agency", v.violator.as_str())),
            ("kind".into(), s(v.kind.as_str())),
            ("recordedAt".into(), dt(v.recorded_at)),
        ]);
        if let Some(at) = v.determined_at {
            attrs.insert("determinedAt".into(), dt(at));
        }
        if let Some(g) = &v.agreement {
            attrs.insert("agreement".into(), self.r("Agreement", g.as_str()));
        }
        Entity::new(self.uid("Violation", v.id.as_str()), attrs, HashSet::new()).unwrap()
    }

    /// The context the engine builds for a request and a candidate agreement.
    pub fn context(
        &self,
        world: &World,
        r: &AccessRequest,
        agreement: Option<&SharingAgreement>,
    ) -> Context {
        let mut pairs = vec![
            ("now".to_owned(), dt(r.at)),
            ("channel".to_owned(), s(r.channel.as_str())),
            ("purpose".to_owned(), s(r.purpose.as_str())),
            ("authenticated".to_owned(), b(r.authenticated)),
            ("subjectRequested".to_owned(), b(r.subject_requested)),
        ];
        if let Some(g) = agreement {
            pairs.push(("agreement".to_owned(), self.r("Agreement", g.id.as_str())));
        }
        let evaluated = world
            .dataset(&r.dataset)
            .and_then(|s| world.database(&s.database))
            .and_then(|d| d.last_evaluated);
        if let Some(day) = evaluated {
            pairs.push((
                "evaluatedUntil".to_owned(),
                dt(evaluated_until(day, &self.calendar)),
            ));
        }
        Context::from_pairs(pairs).unwrap()
    }

    /// The Cedar request for an access request and a candidate agreement.
    pub fn request(
        &self,
        world: &World,
        r: &AccessRequest,
        agreement: Option<&SharingAgreement>,
        schema: Option<&Schema>,
    ) -> Request {
        Request::new(
            self.uid("Account", r.account.as_str()),
            self.uid("Action", r.action.as_str()),
            self.uid("Dataset", r.dataset.as_str()),
            self.context(world, r, agreement),
            schema,
        )
        .unwrap()
    }

    /// Just the entities a request reaches: the account, its holder and issuer, the
    /// dataset, its database and provider, the agreement, and the actions.
    pub fn sliced_entities(
        &self,
        world: &World,
        r: &AccessRequest,
        agreement: Option<&SharingAgreement>,
    ) -> Entities {
        let account = world.account(&r.account).unwrap();
        let dataset = world.dataset(&r.dataset).unwrap();
        let database = world.database(&dataset.database).unwrap();
        let mut parties = vec![&account.holder, &account.issuer, &database.manager];
        parties.sort();
        parties.dedup();
        let mut entities: Vec<Entity> = parties
            .into_iter()
            .map(|a| self.agency(world.agency(a).unwrap()))
            .collect();
        entities.push(self.account(account));
        entities.push(self.dataset(world, dataset));
        entities.push(self.database(database));
        if let Some(g) = agreement {
            entities.push(self.agreement(g));
        }
        // With the schema, so the store holds the action hierarchy (`query in access`).
        Entities::from_entities(entities, Some(&self.schema)).unwrap()
    }

    /// The whole world as Cedar entities, checked against the schema: what a casual
    /// integration does on every request.
    pub fn whole_world(&self, world: &World) -> Entities {
        let data = world.to_data();
        let mut entities = Vec::new();
        entities.extend(data.agencies.iter().map(|a| self.agency(a)));
        entities.extend(data.master_data.iter().map(|m| self.master_data(m)));
        entities.extend(data.databases.iter().map(|d| self.database(d)));
        entities.extend(data.datasets.iter().map(|d| self.dataset(world, d)));
        entities.extend(data.accounts.iter().map(|a| self.account(a)));
        entities.extend(data.agreements.iter().map(|g| self.agreement(g)));
        entities.extend(data.violations.iter().map(|v| self.violation(v)));
        Entities::from_entities(entities, Some(&self.schema)).unwrap()
    }

    /// The naive integration: whole world to Cedar, a schema-checked request with the first
    /// agreement between the parties, all policies.
    pub fn naive_decide(&self, world: &World, r: &AccessRequest) -> bool {
        let entities = self.whole_world(world);
        let agreement = world
            .account(&r.account)
            .zip(world.provider_of(&r.dataset))
            .and_then(|(a, p)| world.agreements_between(&a.holder, p).next());
        let request = self.request(world, r, agreement, Some(&self.schema));
        self.authorizer
            .is_authorized(&request, &self.all, &entities)
            .decision()
            == cedar_policy::Decision::Allow
    }
}

fn s(text: &str) -> RestrictedExpression {
    RestrictedExpression::new_string(text.to_owned())
}

fn b(v: bool) -> RestrictedExpression {
    RestrictedExpression::new_bool(v)
}

fn dt(at: DateTime<FixedOffset>) -> RestrictedExpression {
    RestrictedExpression::new_datetime(at.format("%Y-%m-%dT%H:%M:%S%.3f%z").to_string())
}

pub fn start_of_day(day: NaiveDate) -> DateTime<FixedOffset> {
    day.and_hms_opt(0, 0, 0)
        .unwrap()
        .and_local_timezone(super::vn())
        .unwrap()
}

/// 24:00 local of the day twelve months after the evaluation (QD05/2024 Đ4.3), a last
/// day off moved to the next working day (BLDS2015 Đ148.5); not moved where the calendar
/// does not cover it.
pub fn evaluated_until(day: NaiveDate, calendar: &Calendar) -> DateTime<FixedOffset> {
    let mut last = day.checked_add_months(Months::new(12)).unwrap();
    while calendar.is_working_day(last) == Ok(false) {
        last = last.succ_opt().unwrap();
    }
    start_of_day(last.succ_opt().unwrap())
}

// ---------------------------------------------------------------- the Cedar floor

/// One pre-built Cedar evaluation: what the engine hands Cedar for one candidate.
pub struct Prepared {
    pub request: Request,
    pub entities: Entities,
}

/// For each request, the evaluations the engine performs for it (each candidate agreement
/// in order until one allows; no agreement when there is none), built ahead of time.
///
/// Panics if the floor's final answer differs from the engine's: the floor must do the
/// same work.
pub fn prepare_floor(
    cedar: &Cedar,
    engine: &Engine,
    world: &World,
    requests: &[AccessRequest],
) -> Vec<Prepared> {
    let mut out = Vec::new();
    for r in requests {
        let mut last = false;
        let candidates: Vec<&SharingAgreement> =
            match (world.account(&r.account), world.provider_of(&r.dataset)) {
                (Some(a), Some(p)) => world.agreements_between(&a.holder, p).collect(),
                _ => continue,
            };
        let options: Vec<Option<&SharingAgreement>> = if candidates.is_empty() {
            vec![None]
        } else {
            candidates.into_iter().map(Some).collect()
        };
        for g in options {
            let p = Prepared {
                request: cedar.request(world, r, g, None),
                entities: cedar.sliced_entities(world, r, g),
            };
            let response = cedar
                .authorizer
                .is_authorized(&p.request, &cedar.policies, &p.entities);
            assert!(
                response.diagnostics().errors().next().is_none(),
                "the floor's store is complete"
            );
            let allowed = response.decision() == cedar_policy::Decision::Allow;
            last = allowed;
            out.push(p);
            if allowed {
                break;
            }
        }
        if world.account(&r.account).is_some() && world.dataset(&r.dataset).is_some() {
            assert_eq!(
                last,
                engine.decide(world, r).is_allowed(),
                "floor and engine on {r:?}"
            );
        }
    }
    out
}

// ---------------------------------------------------------------- lifecycle and catalog floors

/// The Cedar floor of another kind of decision: one pre-built request and store per
/// request of the pool, and the slices of the actions they ask about.
pub struct ActFloor {
    pub slices: Vec<PolicySet>,
    /// (index in `slices`, the evaluation).
    pub prepared: Vec<(usize, Prepared)>,
}

impl ActFloor {
    /// Asks Cedar every prepared question: what the floor costs.
    pub fn run(&self, authorizer: &Authorizer) {
        for (slice, p) in &self.prepared {
            std::hint::black_box(authorizer.is_authorized(
                std::hint::black_box(&p.request),
                &self.slices[*slice],
                &p.entities,
            ));
        }
    }

    fn allowed(&self, cedar: &Cedar, i: usize) -> bool {
        let (slice, p) = &self.prepared[i];
        let response =
            cedar
                .authorizer
                .is_authorized(&p.request, &self.slices[*slice], &p.entities);
        assert!(
            response.diagnostics().errors().next().is_none(),
            "the floor's store is complete"
        );
        response.decision() == cedar_policy::Decision::Allow
    }
}

impl Cedar {
    fn store(&self, world: &World, entities: Vec<Entity>, agencies: &[&AgencyId]) -> Entities {
        let mut agencies = agencies.to_vec();
        agencies.sort();
        agencies.dedup();
        let mut all: Vec<Entity> = agencies
            .into_iter()
            .map(|a| self.agency(world.agency(a).unwrap()))
            .collect();
        all.extend(entities);
        // With the schema, so the store holds the action hierarchy.
        Entities::from_entities(all, Some(&self.schema)).unwrap()
    }

    /// A lifecycle act as `Engine::decide_suspension` and `decide_restoration` put it to
    /// Cedar: the provider asks about the agreement, with the same context; the store holds
    /// the agreement, the violation and the agencies they name.
    #[allow(
        clippy::too_many_arguments,
        reason = "the fields of a suspension and of a restoration request"
    )]
    fn lifecycle(
        &self,
        world: &World,
        action: &str,
        provider: &AgencyId,
        agreement: &lgsp_policy::records::AgreementId,
        violation: Option<&lgsp_policy::records::ViolationId>,
        requirements_met: bool,
        at: DateTime<FixedOffset>,
    ) -> Prepared {
        let g = world.agreement(agreement).unwrap();
        let mut pairs = vec![
            ("now".to_owned(), dt(at)),
            (
                "grounds".to_owned(),
                s(if violation.is_some() {
                    "violation"
                } else {
                    "none"
                }),
            ),
            ("requirementsMet".to_owned(), b(requirements_met)),
            ("restorationAnnounced".to_owned(), b(false)),
        ];
        let mut entities = vec![self.agreement(g)];
        let mut agencies = vec![provider, &g.provider, &g.consumer];
        if let Some(v) = violation.map(|v| world.violation(v).unwrap()) {
            pairs.push(("violation".to_owned(), self.r("Violation", v.id.as_str())));
            entities.push(self.violation(v));
            agencies.push(&v.violator);
        }
        Prepared {
            request: Request::new(
                self.uid("Agency", provider.as_str()),
                self.uid("Action", action),
                self.uid("Agreement", agreement.as_str()),
                Context::from_pairs(pairs).unwrap(),
                None,
            )
            .unwrap(),
            entities: self.store(world, entities, &agencies),
        }
    }
}

/// The Cedar floor of the suspension pool; panics unless it reaches the engine's outcome on
/// every request.
pub fn prepare_suspension_floor(
    cedar: &Cedar,
    engine: &Engine,
    world: &World,
    calendar: &lgsp_policy::time::Calendar,
    requests: &[lgsp_policy::SuspensionRequest],
) -> ActFloor {
    let mut floor = ActFloor {
        slices: vec![cedar.slice("suspend")],
        prepared: Vec::new(),
    };
    for (i, r) in requests.iter().enumerate() {
        let p = cedar.lifecycle(
            world,
            "suspend",
            &r.provider,
            &r.agreement,
            r.violation.as_ref(),
            false,
            r.at,
        );
        floor.prepared.push((0, p));
        assert_eq!(
            floor.allowed(cedar, i),
            engine
                .clone()
                .with_calendar(calendar.clone())
                .decide_suspension(world, r)
                .is_allowed(),
            "suspension floor and engine on {r:?}"
        );
    }
    floor
}

/// The Cedar floor of the restoration pool, checked like the suspension floor.
pub fn prepare_restoration_floor(
    cedar: &Cedar,
    engine: &Engine,
    world: &World,
    requests: &[lgsp_policy::RestorationRequest],
) -> ActFloor {
    let mut floor = ActFloor {
        slices: vec![cedar.slice("restore")],
        prepared: Vec::new(),
    };
    for (i, r) in requests.iter().enumerate() {
        let p = cedar.lifecycle(
            world,
            "restore",
            &r.provider,
            &r.agreement,
            None,
            r.requirements_met,
            r.at,
        );
        floor.prepared.push((0, p));
        assert_eq!(
            floor.allowed(cedar, i),
            engine.decide_restoration(world, r).is_allowed(),
            "restoration floor and engine on {r:?}"
        );
    }
    floor
}

fn given(text: Option<&str>) -> bool {
    text.is_some_and(|t| !t.trim().is_empty())
}

fn any_given(items: &[String]) -> bool {
    items.iter().any(|t| !t.trim().is_empty())
}

/// The Cedar floor of the catalog pool: the proposer asks about the database with the
/// context `Engine::decide_catalog` builds; the store holds the database, its master data,
/// the proposer and the manager. Checked like the suspension floor.
pub fn prepare_catalog_floor(
    cedar: &Cedar,
    engine: &Engine,
    world: &World,
    proposals: &[(lgsp_policy::CatalogProposal, DateTime<FixedOffset>)],
) -> ActFloor {
    use lgsp_policy::catalog::CatalogChange;
    let mut floor = ActFloor {
        slices: vec![
            cedar.slice("proposeAddition"),
            cedar.slice("proposeWithdrawal"),
        ],
        prepared: Vec::new(),
    };
    for (i, (proposal, at)) in proposals.iter().enumerate() {
        let database = world.database(&proposal.database).unwrap();
        let mut pairs = vec![("now".to_owned(), dt(*at))];
        let (slice, action) = match &proposal.change {
            CatalogChange::Add(d) => {
                let reference = d
                    .master_data
                    .iter()
                    .any(|m| world.master_data(m).unwrap().reference.is_authoritative());
                pairs.extend([
                    ("hasName".to_owned(), b(given(d.name.as_deref()))),
                    (
                        "hasManagingUnit".to_owned(),
                        b(given(d.managing_unit.as_deref())),
                    ),
                    ("hasObjective".to_owned(), b(given(d.objective.as_deref()))),
                    ("hasDataScope".to_owned(), b(given(d.data_scope.as_deref()))),
                    ("hasMasterDataInfo".to_owned(), b(!d.master_data.is_empty())),
                    (
                        "hasUsersAndPurposes".to_owned(),
                        b(given(d.users_and_purposes.as_deref())),
                    ),
                    ("hasSources".to_owned(), b(given(d.sources.as_deref()))),
                    (
                        "hasSharingMethods".to_owned(),
                        b(!d.sharing_methods.is_empty()),
                    ),
                    (
                        "showsLegalValue".to_owned(),
                        b(given(d.legal_value_basis.as_deref())),
                    ),
                    ("holdsReferenceMasterData".to_owned(), b(reference)),
                    (
                        "servesAdministrativeProcedures".to_owned(),
                        b(any_given(&d.administrative_procedures)),
                    ),
                ]);
                (0, "proposeAddition")
            }
            CatalogChange::Withdraw(w) => {
                let replacement = w
                    .replacement
                    .as_ref()
                    .is_some_and(|r| given(Some(&r.data)) && given(Some(&r.provider)));
                pairs.extend([
                    ("hasReplacement".to_owned(), b(replacement)),
                    (
                        "masterDataKeepsReference".to_owned(),
                        b(given(w.master_data_reference.as_deref())),
                    ),
                    (
                        "replacementServesProcedures".to_owned(),
                        b(any_given(&w.replacement_procedures)),
                    ),
                ]);
                (1, "proposeWithdrawal")
            }
            _ => unreachable!("the pool holds additions and withdrawals"),
        };
        let mut entities = vec![cedar.database(database)];
        entities.extend(
            database
                .master_data
                .iter()
                .map(|m| cedar.master_data(world.master_data(m).unwrap())),
        );
        let p = Prepared {
            request: Request::new(
                cedar.uid("Agency", proposal.proposer.as_str()),
                cedar.uid("Action", action),
                cedar.uid("Database", proposal.database.as_str()),
                Context::from_pairs(pairs).unwrap(),
                None,
            )
            .unwrap(),
            entities: cedar.store(world, entities, &[&proposal.proposer, &database.manager]),
        };
        floor.prepared.push((slice, p));
        assert_eq!(
            floor.allowed(cedar, i),
            engine.decide_catalog(world, proposal, *at).is_allowed(),
            "catalog floor and engine on {proposal:?}"
        );
    }
    floor
}

// ---------------------------------------------------------------- the hand floor

/// The outcome of the hand-written check: allow or deny and the reason codes, as the engine
/// reports them (permits on an allow, forbids on a deny, `no_right_established` when nothing
/// matched).
#[derive(Debug, PartialEq, Eq)]
pub struct Hand {
    pub allowed: bool,
    pub reasons: Vec<&'static str>,
    pub agreement: Option<usize>,
}

/// One candidate agreement's evaluation: the permits and forbids that hold, and the
/// agreement (its index among `World::agreements_between`), `None` when there is none.
pub struct Candidate {
    pub permits: Vec<&'static str>,
    pub forbids: Vec<&'static str>,
    pub agreement: Option<usize>,
}

/// The codes of the built-in pack's `candidate_ranking`, most telling first: a deny under
/// an agreement that does not cover the dataset, the purpose or the method says less
/// about the request than one under the agreement it is about.
pub fn ranking() -> Vec<String> {
    RulePack::builtin()
        .unwrap()
        .manifest()
        .candidate_ranking
        .as_ref()
        .map(|r| r.codes.clone())
        .unwrap_or_default()
}

/// The decision among the candidates, as the engine picks it (the pack's
/// `candidate_ranking` reading): the first that allows; else the deny whose reasons rank
/// best, by the ranked codes they hold (a bit each, the first code the highest), then by
/// how few they are, then the first. Its permits on an allow, its forbids on a deny,
/// `no_right_established` when nothing matched.
pub fn pick(candidates: impl IntoIterator<Item = Candidate>, ranking: &[String]) -> Hand {
    let n = ranking.len();
    let mask = |codes: &[&str]| {
        codes
            .iter()
            .filter_map(|c| ranking.iter().position(|r| r == c))
            .fold(0u64, |m, i| m | (1 << (n - 1 - i)))
    };
    let mut best: Option<(bool, (u64, usize), Candidate)> = None;
    for c in candidates {
        let allowed = !c.permits.is_empty() && c.forbids.is_empty();
        // What Cedar reports as the decision's reasons: the permits on an allow, the
        // forbids on a deny.
        let weight = if allowed {
            (0, c.permits.len())
        } else {
            (mask(&c.forbids), c.forbids.len())
        };
        let better = match &best {
            None => true,
            Some((b_allowed, b_weight, _)) => !b_allowed && (allowed || weight < *b_weight),
        };
        if better {
            best = Some((allowed, weight, c));
            if allowed {
                break;
            }
        }
    }
    let Some((allowed, _, c)) = best else {
        return Hand {
            allowed: false,
            reasons: vec!["evaluation_error"],
            agreement: None,
        };
    };
    let mut reasons = if allowed { c.permits } else { c.forbids };
    if !allowed && reasons.is_empty() {
        reasons.push("no_right_established");
    }
    Hand {
        allowed,
        reasons,
        agreement: c.agreement,
    }
}

/// The access rules of `access.cedar`, written out by hand; `ranking` is [`ranking`].
pub fn hand_decide(
    world: &World,
    calendar: &Calendar,
    ranking: &[String],
    r: &AccessRequest,
) -> Hand {
    let deny = |code| Hand {
        allowed: false,
        reasons: vec![code],
        agreement: None,
    };
    let Some(account) = world.account(&r.account) else {
        return deny("unknown_account");
    };
    let Some(dataset) = world.dataset(&r.dataset) else {
        return deny("unknown_dataset");
    };
    let (Some(database), Some(holder)) = (
        world.database(&dataset.database),
        world.agency(&account.holder),
    ) else {
        return deny("evaluation_error");
    };
    let provider = &database.manager;
    let issuer_focal = world
        .agency(&account.issuer)
        .is_some_and(|a| a.kind.is_provincial_focal_point());
    let sa = holder.kind.is_state_administrative();
    let class = dataset.class;
    let needs = class.needs_agreement();
    let open = class.is_open_or_public();
    let via = matches!(
        r.channel,
        Channel::Lgsp | Channel::NgspLgsp | Channel::Portal
    );
    let at = r.at;

    // The rules that do not depend on the agreement.
    let mut fixed_forbids: Vec<&'static str> = Vec::new();
    let mut forbid = |cond: bool, code: &'static str| {
        if cond {
            fixed_forbids.push(code);
        }
    };
    forbid(
        matches!(
            class,
            DataClass::StateSecret | DataClass::Internal | DataClass::Temporary
        ),
        "out_of_scope",
    );
    forbid(r.channel == Channel::Direct, "not_through_lgsp");
    forbid(
        !holder.kind.is_in_province() && matches!(r.channel, Channel::Lgsp | Channel::Direct),
        "external_not_through_ngsp",
    );
    forbid(
        !sa && r.channel != Channel::Portal,
        "public_only_through_portal",
    );
    forbid(!sa && needs, "shared_data_for_state_agencies");
    forbid(
        account.authentication == Authentication::None || !r.authenticated,
        "not_authenticated",
    );
    forbid(
        &account.issuer != provider && !issuer_focal,
        "account_not_issued_for_provider",
    );
    forbid(
        dataset.published.is_none_or(|d| start_of_day(d) > at),
        "not_published",
    );
    forbid(open && database.last_evaluated.is_none(), "not_evaluated");
    forbid(
        open && database
            .last_evaluated
            .is_some_and(|d| at >= evaluated_until(d, calendar)),
        "evaluation_expired",
    );
    forbid(
        dataset.personal_data && sa && &holder.id != provider && !r.subject_requested,
        "personal_data_without_subject_request",
    );
    forbid(dataset.personal_data && !sa, "personal_data_not_public");

    let candidates: Vec<(usize, &SharingAgreement)> = world
        .agreements_between(&holder.id, provider)
        .enumerate()
        .collect();
    let options: Vec<Option<(usize, &SharingAgreement)>> = if candidates.is_empty() {
        vec![None]
    } else {
        candidates.into_iter().map(Some).collect()
    };
    pick(
        options.into_iter().map(|option| {
            let g = option.map(|(_, g)| g);
            let mut permits = Vec::new();
            if sa && via && needs && g.is_some() {
                permits.push("agency_shared_data");
            }
            if sa && via && open {
                permits.push("agency_open_data");
            }
            if !sa && r.channel == Channel::Portal && open {
                permits.push("public_open_data");
            }
            let mut forbids = fixed_forbids.clone();
            if sa && needs && g.is_none() {
                forbids.push("no_agreement");
            }
            if let (true, Some(g)) = (needs, g) {
                if !g.term.contains(at) {
                    forbids.push("outside_agreement_term");
                }
                if g.status == AgreementStatus::Suspended {
                    forbids.push("agreement_suspended");
                }
                if g.status == AgreementStatus::Terminated {
                    forbids.push("agreement_terminated");
                }
                if g.datasets.binary_search(&dataset.id).is_err() {
                    forbids.push("dataset_not_in_agreement");
                }
                if !g.purposes.contains(&r.purpose) {
                    forbids.push("purpose_not_in_agreement");
                }
                if !g.methods.contains(&method(r.action)) {
                    forbids.push("method_not_in_agreement");
                }
            }
            Candidate {
                permits,
                forbids,
                agreement: option.map(|(i, _)| i),
            }
        }),
        ranking,
    )
}

fn method(action: Action) -> lgsp_policy::records::SharingMethod {
    action.method()
}

/// How many requests the hand check and the engine disagree on (outcome or reason set).
pub fn disagreements(engine: &Engine, world: &World, requests: &[AccessRequest]) -> usize {
    let ranking = ranking();
    disagreements_of("hand", engine, world, requests, |r| {
        hand_decide(world, engine.calendar(), &ranking, r)
    })
}

/// How many requests `contender` and the engine decide differently (outcome, or the set
/// of reason codes); with `LGSP_BENCH_DEBUG` set, each is printed.
pub fn disagreements_of(
    name: &str,
    engine: &Engine,
    world: &World,
    requests: &[AccessRequest],
    mut contender: impl FnMut(&AccessRequest) -> Hand,
) -> usize {
    requests
        .iter()
        .filter(|r| {
            let d = engine.decide(world, r);
            let h = contender(r);
            let mut a: Vec<&str> = d.reason_codes().collect();
            let mut b = h.reasons.clone();
            a.sort_unstable();
            b.sort_unstable();
            let differ = d.is_allowed() != h.allowed || a != b;
            if differ && std::env::var_os("LGSP_BENCH_DEBUG").is_some() {
                eprintln!("{name} disagrees on {r:?}: engine {a:?}, {name} {b:?}");
            }
            differ
        })
        .count()
}
