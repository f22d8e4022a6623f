//! What a decision depends on: the facts of the world each kind of question reads —
//! the records its pack is chosen by (the territory of its data), those its Cedar request
//! names and reaches, those the engine reads beside Cedar (candidate agreements, the
//! focal point), and every party its duties name. The one place they are listed; a test
//! checks them against everything the Cedar request reaches in the store.

use crate::catalog::CatalogChange;
use crate::decision::Decision;
use crate::engine::pipeline::{Ask, duty_parties};
use crate::ids::{AgencyId, AgreementId, DatasetId, ViolationId};
use crate::records::{Dependency, RecordKey};
use crate::world::{Located, Place, World};

/// The facts `ask`'s decision rests on, sorted, each once.
pub(crate) fn dependencies(
    world: &World,
    ask: &Ask<'_>,
    located: &Located<'_>,
    decision: &Decision,
) -> Vec<Dependency> {
    let mut deps = Deps {
        world,
        out: Vec::with_capacity(16),
    };
    match (ask.place(), located.database) {
        // The dataset and its database, as found when the question was located.
        (Place::Dataset(id), Some(db)) => {
            deps.record(RecordKey::Dataset(id.clone()));
            deps.record(RecordKey::Database(db.id.clone()));
            deps.agency(&db.manager);
        }
        (place, _) => deps.place(place),
    }
    match *ask {
        Ask::Access(r) => {
            deps.record(RecordKey::Account(r.account.clone()));
            let holder = world.account(&r.account).map(|a| {
                deps.agency(&a.issuer);
                a.holder.clone()
            });
            let provider = located.database.map(|db| db.manager.clone());
            if let (Some(consumer), Some(provider)) = (holder, provider) {
                deps.agency(&consumer);
                for g in world.agreement_ids_between(&consumer, &provider) {
                    deps.record(RecordKey::Agreement(g.clone()));
                }
                deps.out
                    .push(Dependency::AgreementsBetween { consumer, provider });
            }
            deps.out.push(Dependency::FocalPoint);
        }
        Ask::Suspension(r) => deps.act(&r.provider, &r.agreement, r.violation.as_ref()),
        Ask::Restoration(r) => deps.act(&r.provider, &r.agreement, None),
        Ask::Termination(r) => deps.act(&r.provider, &r.agreement, None),
        Ask::UsageReport(r) => deps.act(&r.provider, &r.agreement, r.violation.as_ref()),
        Ask::SuspendAll(r) => {
            deps.agency(&r.provider);
            deps.out.push(Dependency::AgreementsOn {
                database: r.database.clone(),
            });
            // Every agreement on the database's data: each one's consumer is told.
            for g in world.agreements() {
                let on = g
                    .datasets
                    .iter()
                    .any(|d| world.dataset(d).is_some_and(|d| d.database == r.database));
                if on {
                    deps.record(RecordKey::Agreement(g.id.clone()));
                    deps.agency(&g.consumer);
                }
            }
            deps.out.push(Dependency::FocalPoint);
        }
        Ask::Catalog(p, _) => {
            deps.agency(&p.proposer);
            if let Some(db) = world.database(&p.database) {
                for m in &db.master_data {
                    deps.record(RecordKey::MasterData(m.clone()));
                }
            }
            if let CatalogChange::Add(dossier) = &p.change {
                for m in &dossier.master_data {
                    deps.record(RecordKey::MasterData(m.clone()));
                }
            }
            deps.out.push(Dependency::FocalPoint);
        }
        Ask::CheckNotice(r) => {
            let s = &r.suspension;
            deps.place(Place::Agreement(&s.agreement));
            deps.violation(&s.violation);
            if let Some(n) = &s.notice {
                deps.agency(&n.to);
            }
        }
        Ask::CheckRefusal(r) => {
            deps.agency(&r.provider);
            deps.agency(&r.requester);
            if let Some(a) = &r.authority {
                deps.agency(a);
            }
            deps.out.push(Dependency::FocalPoint);
        }
    }
    // The parties the duties name (their advisories are read) and the agreement named.
    for party in duty_parties(decision) {
        deps.agency(&party);
    }
    if let Some(g) = &decision.agreement {
        deps.record(RecordKey::Agreement(g.clone()));
    }
    deps.out.sort();
    deps.out.dedup();
    deps.out
}

struct Deps<'w> {
    world: &'w World,
    out: Vec<Dependency>,
}

impl Deps<'_> {
    fn record(&mut self, key: RecordKey) {
        self.out.push(Dependency::Record(key));
    }

    fn agency(&mut self, id: &AgencyId) {
        self.record(RecordKey::Agency(id.clone()));
    }

    /// A dataset, its database and the database's manager: the provider, and the
    /// territory of the data.
    fn dataset(&mut self, id: &DatasetId) {
        self.record(RecordKey::Dataset(id.clone()));
        if let Some(d) = self.world.dataset(id) {
            self.database(&d.database.clone());
        }
    }

    fn database(&mut self, id: &crate::ids::DatabaseId) {
        self.record(RecordKey::Database(id.clone()));
        if let Some(db) = self.world.database(id) {
            self.agency(&db.manager.clone());
        }
    }

    /// What the territory of a question's data is found from.
    fn place(&mut self, place: Place<'_>) {
        match place {
            Place::Dataset(d) => self.dataset(d),
            Place::Database(d) => self.database(d),
            Place::Agency(a) => self.agency(a),
            Place::Agreement(g) => {
                self.record(RecordKey::Agreement(g.clone()));
                if let Some(g) = self.world.agreement(g) {
                    for d in &g.datasets {
                        self.dataset(d);
                    }
                    self.agency(&g.provider);
                    self.agency(&g.consumer);
                }
            }
        }
    }

    fn violation(&mut self, id: &ViolationId) {
        self.record(RecordKey::Violation(id.clone()));
        if let Some(v) = self.world.violation(id) {
            self.agency(&v.violator.clone());
            if let Some(g) = &v.agreement {
                self.record(RecordKey::Agreement(g.clone()));
            }
        }
    }

    /// A lifecycle act: the acting provider, the agreement and its parties, the violation
    /// it rests on; refusals and notices go to the focal point.
    fn act(
        &mut self,
        provider: &AgencyId,
        agreement: &AgreementId,
        violation: Option<&ViolationId>,
    ) {
        self.agency(provider);
        self.place(Place::Agreement(agreement));
        if let Some(v) = violation {
            self.violation(v);
        }
        self.out.push(Dependency::FocalPoint);
    }
}
