//! The world's records as Cedar entities (`policies/model.cedarschema`): the one place
//! each kind of record says what attributes it has ([`Ent::attr`]). Plans read them
//! there ([`super::plan`]); Cedar's entities, for the policies Cedar's evaluator answers
//! and for the exports, are built from the same attributes ([`entity_of`]).
//!
//! The world keeps no entity store. For each request Cedar is asked, the engine builds
//! the entities its policies can read: the principal, the action, the resource and the
//! entities its context names, and those reached from them through entity-valued
//! attributes and parents. A set's members are never read by a policy (Cedar can compare
//! them, not reach into them), so they are not followed. A snapshot of the world thus
//! costs its records only, and a change to a record costs the record.

use std::collections::HashSet;
use std::sync::Arc;

use cedar_policy_core::ast::{Entity, EntityUID, Value, ValueKind};
use cedar_policy_core::entities::{Entities, TCComputation};
use cedar_policy_core::extensions::Extensions;

use crate::cedar::values::{Ent, EntType, Rec, SetRef, Val};
use crate::data::{Hosting, MasterDataReference};
use crate::model;
use crate::world::World;

/// What an entity's attribute holds.
#[derive(Debug, Clone)]
pub(crate) enum Got<'a> {
    /// Its value.
    Val(Val<'a>),
    /// The entity exists and has no such attribute (an optional one left out, or a name
    /// the model does not give it).
    Absent,
    /// Cedar's store would not hold the entity, or the value cannot be given to Cedar:
    /// whatever reads it is Cedar's to say.
    Stop,
}

/// Each type's attributes, as the schema declares them (a unit test builds a province's
/// entities from them and checks them against the schema).
pub(crate) fn attribute_names(ty: EntType) -> &'static [&'static str] {
    match ty {
        EntType::Agency => &[
            "kind",
            "stateAdministrative",
            "inProvince",
            "provincialFocalPoint",
        ],
        EntType::MasterData => &["reference"],
        EntType::Database => &["manager", "catalog", "atDataCentre", "masterData"],
        EntType::Dataset => &[
            "database",
            "provider",
            "class",
            "personalData",
            "publishedAt",
        ],
        EntType::Account => &["holder", "issuer", "authentication"],
        EntType::Agreement => &[
            "provider", "consumer", "datasets", "purposes", "methods", "status", "start", "end",
        ],
        EntType::Violation => &[
            "violator",
            "kind",
            "recordedAt",
            "determinedAt",
            "agreement",
        ],
        EntType::Action => &[],
    }
}

/// The entity of type `ty` and id `id`, with its record: reached by the request (see
/// [`Rec`]). A dataset whose database the world lacks has no provider, and Cedar's store
/// does not hold it.
pub(crate) fn resolve<'a>(world: &'a World, ty: EntType, id: &'a str) -> Ent<'a> {
    let rec = match ty {
        EntType::Agency => world.agencies.get(id).map(Rec::Agency),
        EntType::MasterData => world.master_data.get(id).map(Rec::MasterData),
        EntType::Database => world.databases.get(id).map(Rec::Database),
        EntType::Dataset => world
            .datasets
            .get(id)
            .filter(|s| world.databases.contains_key(&s.database))
            .map(Rec::Dataset),
        EntType::Account => world.accounts.get(id).map(Rec::Account),
        EntType::Agreement => world.agreements.get(id).map(Rec::Agreement),
        EntType::Violation => world.violations.get(id).map(Rec::Violation),
        EntType::Action => world
            .cedar
            .actions
            .iter()
            .any(|a| <cedar_policy_core::ast::Eid as AsRef<str>>::as_ref(a.uid().eid()) == id)
            .then_some(Rec::Action),
    };
    Ent::reached(ty, id, rec)
}

/// An instant of a record, as Cedar's `datetime`.
fn instant<'a>(at: chrono::DateTime<chrono::FixedOffset>) -> Got<'a> {
    model::cedar_millis(at).map_or(Got::Stop, |ms| Got::Val(Val::DateTime(ms)))
}

impl<'a> Ent<'a> {
    /// The entity with its record looked up, if it was not yet.
    pub(crate) fn resolved(&self, world: &'a World) -> Ent<'a> {
        match self.rec {
            Rec::Reached => resolve(world, self.ty, self.id),
            _ => *self,
        }
    }

    /// The attribute `name` of the entity (the entity model, one attribute per arm).
    pub(crate) fn attr(&self, world: &'a World, name: &str) -> Got<'a> {
        let agency = |id: &'a crate::ids::AgencyId| {
            Got::Val(Val::Entity(Ent::lazy(EntType::Agency, id.as_str())))
        };
        let string = |s: &'a str| Got::Val(Val::Str(s));
        let boolean = |b: bool| Got::Val(Val::Bool(b));
        match (self.resolved(world).rec, name) {
            (Rec::Reached | Rec::Missing | Rec::Unreached, _) => Got::Stop,
            (Rec::Agency(a), "kind") => string(a.kind.as_str()),
            (Rec::Agency(a), "stateAdministrative") => boolean(a.kind.is_state_administrative()),
            (Rec::Agency(a), "inProvince") => boolean(a.kind.is_in_province()),
            (Rec::Agency(a), "provincialFocalPoint") => boolean(a.kind.is_provincial_focal_point()),
            (Rec::MasterData(m), "reference") => string(match &m.reference {
                MasterDataReference::ProvincialPeoplesCommittee => "provincial_peoples_committee",
                MasterDataReference::Ministry { .. } => "ministry",
                MasterDataReference::None => "none",
            }),
            (Rec::Database(d), "manager") => agency(&d.manager),
            (Rec::Database(d), "catalog") => string(d.catalog.as_str()),
            (Rec::Database(d), "atDataCentre") => {
                boolean(d.hosting == Hosting::ProvincialDataCentre)
            }
            (Rec::Database(d), "masterData") => {
                Got::Val(Val::Set(SetRef::MasterData(&d.master_data)))
            }
            (Rec::Dataset(s), "database") => Got::Val(Val::Entity(Ent::lazy(
                EntType::Database,
                s.database.as_str(),
            ))),
            (Rec::Dataset(s), "provider") => match world.databases.get(&s.database) {
                Some(db) => agency(&db.manager),
                None => Got::Stop,
            },
            (Rec::Dataset(s), "class") => string(s.class.as_str()),
            (Rec::Dataset(s), "personalData") => boolean(s.personal_data),
            (Rec::Dataset(s), "publishedAt") => match s.published.map(model::start_of_local_day) {
                None => Got::Absent,
                Some(Some(at)) => instant(at),
                Some(None) => Got::Stop,
            },
            (Rec::Account(a), "holder") => agency(&a.holder),
            (Rec::Account(a), "issuer") => agency(&a.issuer),
            (Rec::Account(a), "authentication") => string(a.authentication.as_str()),
            (Rec::Agreement(g), "provider") => agency(&g.provider),
            (Rec::Agreement(g), "consumer") => agency(&g.consumer),
            (Rec::Agreement(g), "datasets") => Got::Val(Val::Set(SetRef::Datasets(&g.datasets))),
            (Rec::Agreement(g), "purposes") => Got::Val(Val::Set(SetRef::Purposes(&g.purposes))),
            (Rec::Agreement(g), "methods") => Got::Val(Val::Set(SetRef::Methods(&g.methods))),
            (Rec::Agreement(g), "status") => string(g.status.as_str()),
            (Rec::Agreement(g), "start") => instant(g.term.start),
            (Rec::Agreement(g), "end") => g.term.end.map_or(Got::Absent, instant),
            (Rec::Violation(v), "violator") => agency(&v.violator),
            (Rec::Violation(v), "kind") => string(v.kind.as_str()),
            (Rec::Violation(v), "recordedAt") => instant(v.recorded_at),
            (Rec::Violation(v), "determinedAt") => v.determined_at.map_or(Got::Absent, instant),
            (Rec::Violation(v), "agreement") => match &v.agreement {
                Some(g) => Got::Val(Val::Entity(Ent::lazy(EntType::Agreement, g.as_str()))),
                None => Got::Absent,
            },
            _ => Got::Absent,
        }
    }

    /// Whether the entity has the attribute `name` (Cedar's `has`): `false` for an entity
    /// the world lacks; `None` where it is Cedar's to say.
    pub(crate) fn has(&self, world: &'a World, name: &str) -> Option<bool> {
        match self.resolved(world).rec {
            Rec::Reached | Rec::Unreached => None,
            Rec::Missing | Rec::Action => Some(false),
            _ => match self.attr(world, name) {
                Got::Val(_) => Some(true),
                Got::Absent => Some(false),
                Got::Stop => None,
            },
        }
    }

    /// The entities it is `in` besides itself: a dataset is in its database; an action
    /// in its groups (`query in access`).
    pub(crate) fn parents(&self, world: &'a World) -> Vec<Ent<'a>> {
        match self.resolved(world).rec {
            Rec::Dataset(s) => vec![Ent::unreached(EntType::Database, s.database.as_str())],
            Rec::Action => world
                .cedar
                .actions
                .iter()
                .find(|a| {
                    <cedar_policy_core::ast::Eid as AsRef<str>>::as_ref(a.uid().eid()) == self.id
                })
                .map(|a| {
                    a.ancestors()
                        .map(|p| {
                            Ent::unreached(
                                EntType::Action,
                                <cedar_policy_core::ast::Eid as AsRef<str>>::as_ref(p.eid()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }
}

/// The entity of the record `target` names, as Cedar's store holds it: its attributes
/// from [`Ent::attr`], its parents from [`Ent::parents`]; `None` where the world lacks
/// the record, or a value of it cannot be given to Cedar. Action entities come from the
/// model.
pub(crate) fn entity_of(world: &World, target: &EntityUID) -> Option<Arc<Entity>> {
    let cedar = &world.cedar;
    let ty = EntType::of(target.entity_type())?;
    let id: &str = target.eid().as_ref();
    if ty == EntType::Action {
        return cedar.actions.iter().find(|a| a.uid() == target).cloned();
    }
    let ent = resolve(world, ty, id);
    if matches!(ent.rec, Rec::Reached | Rec::Missing | Rec::Unreached) {
        return None;
    }
    let mut attrs = Vec::new();
    for name in attribute_names(ty) {
        match ent.attr(world, name) {
            Got::Val(v) => attrs.push(((*name).into(), v.to_cedar(&cedar.model).ok()?.into())),
            Got::Absent => {}
            Got::Stop => return None,
        }
    }
    let parents: HashSet<EntityUID> = ent
        .parents(world)
        .iter()
        .map(|p| p.uid(&cedar.model).as_ref().clone())
        .collect();
    Some(Arc::new(Entity::new_with_attr_partial_value(
        target.clone(),
        attrs,
        HashSet::new(),
        parents,
        [],
    )))
}

/// The entities `request` can read (see the module's documentation).
pub(crate) fn entities_for(world: &World, request: &cedar_policy_core::ast::Request) -> Entities {
    let mut queue: Vec<EntityUID> = Vec::with_capacity(8);
    for part in [request.principal(), request.action(), request.resource()] {
        if let cedar_policy_core::ast::EntityUIDEntry::Known { euid, .. } = part {
            queue.push(euid.as_ref().clone());
        }
    }
    if let Some(cedar_policy_core::ast::Context::Value(context)) = request.context() {
        for value in context.values() {
            if let ValueKind::Lit(cedar_policy_core::ast::Literal::EntityUID(uid)) = &value.value {
                queue.push(uid.as_ref().clone());
            }
        }
    }
    let mut found: Vec<Arc<Entity>> = Vec::with_capacity(8);
    while let Some(target) = queue.pop() {
        if found.iter().any(|e| e.uid() == &target) {
            continue;
        }
        let Some(e) = entity_of(world, &target) else {
            continue;
        };
        for (_, value) in e.attrs() {
            if let cedar_policy_core::ast::PartialValue::Value(Value {
                value: ValueKind::Lit(cedar_policy_core::ast::Literal::EntityUID(uid)),
                ..
            }) = value
            {
                queue.push(uid.as_ref().clone());
            }
        }
        queue.extend(e.parents().cloned());
        found.push(e);
    }
    // The action hierarchy is the schema's, the records' parents their databases: the
    // transitive closure holds as built.
    Entities::new()
        .add_entities(
            found,
            None::<&cedar_policy_core::entities::NoEntitiesSchema>,
            TCComputation::AssumeAlreadyComputed,
            Extensions::all_available(),
        )
        .unwrap_or_default()
}

/// Every record of the world as an entity, and the actions: for the tests that check them
/// against the schema, and the whole-store comparisons.
#[cfg(test)]
pub(crate) fn all_entities(world: &World) -> Vec<Arc<Entity>> {
    use crate::model::Model;
    let m = &world.cedar.model;
    let mut out: Vec<Arc<Entity>> = world.cedar.actions.clone();
    let mut add = |ty: &cedar_policy::EntityTypeName, id: &str| {
        out.extend(entity_of(world, Model::uid(ty, id).as_ref()));
    };
    world
        .agencies
        .keys()
        .for_each(|k| add(&m.agency, k.as_str()));
    world
        .master_data
        .keys()
        .for_each(|k| add(&m.master_data, k.as_str()));
    world
        .databases
        .keys()
        .for_each(|k| add(&m.database, k.as_str()));
    world
        .datasets
        .keys()
        .for_each(|k| add(&m.dataset, k.as_str()));
    world
        .accounts
        .keys()
        .for_each(|k| add(&m.account, k.as_str()));
    world
        .agreements
        .keys()
        .for_each(|k| add(&m.agreement, k.as_str()));
    world
        .violations
        .keys()
        .for_each(|k| add(&m.violation, k.as_str()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A province with every kind of record and every optional attribute: its entities
    /// conform to the schema.
    #[test]
    fn the_entities_conform_to_the_schema() {
        let json = include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json");
        let world = World::from_json(json);
        assert!(world.is_ok(), "{world:?}");
        let Ok(world) = world else { return };
        let m = &world.cedar.model;
        let others: Vec<cedar_policy::Entity> = all_entities(&world)
            .into_iter()
            .filter(|e| {
                e.uid().entity_type()
                    != AsRef::<cedar_policy_core::ast::EntityType>::as_ref(&m.action)
            })
            .map(|e| cedar_policy::Entity::from(e.as_ref().clone()))
            .collect();
        assert!(others.len() > 40);
        let checked = cedar_policy::Entities::from_entities(others.clone(), Some(&m.schema));
        assert!(checked.is_ok(), "{checked:?}");
        for attr in ["publishedAt", "end", "determinedAt", "agreement"] {
            assert!(
                others.iter().any(|e| e.attr(attr).is_some()),
                "the example province has an optional `{attr}`"
            );
        }
    }
}
