//! The world's records as Cedar entities (`policies/model.cedarschema`), the one place
//! each kind becomes one, and the entities a Cedar request can read.
//!
//! The world keeps no entity store. For each request the engine builds the entities its
//! policies can read: the principal, the action, the resource and the entities its
//! context names, and those reached from them through entity-valued attributes and
//! parents. A set's members are never read by a policy (Cedar can compare them, not
//! reach into them), so they are not followed. A snapshot of the world thus costs its
//! records only, and a change to a record costs the record.

use std::collections::HashSet;
use std::sync::Arc;

use cedar_policy_core::ast::{Entity, EntityType, EntityUID, Value, ValueKind};
use cedar_policy_core::entities::{Entities, TCComputation};
use cedar_policy_core::extensions::Extensions;

use crate::data::{Hosting, MasterDataReference};
use crate::model::Model;
use crate::world::World;

fn uid(ty: &cedar_policy::EntityTypeName, id: &str) -> EntityUID {
    Model::uid(ty, id).as_ref().clone()
}

fn entity_ref(ty: &cedar_policy::EntityTypeName, id: &str) -> Value {
    Value::from(uid(ty, id))
}

fn string(s: &str) -> Value {
    Value::from(s)
}

fn entity(
    uid: EntityUID,
    pairs: Vec<(&'static str, Value)>,
    parents: HashSet<EntityUID>,
) -> Entity {
    let attrs = pairs.into_iter().map(|(k, v)| (k.into(), v.into()));
    Entity::new_with_attr_partial_value(uid, attrs, HashSet::new(), parents, [])
}

/// The entity of the record `uid` names, if the world holds it; action entities come from
/// the model.
pub(crate) fn entity_of(world: &World, target: &EntityUID) -> Option<Arc<Entity>> {
    let cedar = &world.cedar;
    let m = &cedar.model;
    let ty = target.entity_type();
    let id = target.eid().as_ref();
    let is = |t: &cedar_policy::EntityTypeName| ty == AsRef::<EntityType>::as_ref(t);
    let built = if is(&m.action) {
        return cedar.actions.iter().find(|a| a.uid() == target).cloned();
    } else if is(&m.agency) {
        let a = world.agencies.get(id)?;
        entity(
            target.clone(),
            vec![
                ("kind", string(a.kind.as_str())),
                (
                    "stateAdministrative",
                    Value::from(a.kind.is_state_administrative()),
                ),
                ("inProvince", Value::from(a.kind.is_in_province())),
                (
                    "provincialFocalPoint",
                    Value::from(a.kind.is_provincial_focal_point()),
                ),
            ],
            HashSet::new(),
        )
    } else if is(&m.master_data) {
        let md = world.master_data.get(id)?;
        let reference = match &md.reference {
            MasterDataReference::ProvincialPeoplesCommittee => "provincial_peoples_committee",
            MasterDataReference::Ministry { .. } => "ministry",
            MasterDataReference::None => "none",
        };
        entity(
            target.clone(),
            vec![("reference", string(reference))],
            HashSet::new(),
        )
    } else if is(&m.database) {
        let d = world.databases.get(id)?;
        entity(
            target.clone(),
            vec![
                ("manager", entity_ref(&m.agency, d.manager.as_str())),
                ("catalog", string(d.catalog.as_str())),
                (
                    "atDataCentre",
                    Value::from(d.hosting == Hosting::ProvincialDataCentre),
                ),
                (
                    "masterData",
                    Value::set(
                        d.master_data
                            .iter()
                            .map(|x| entity_ref(&m.master_data, x.as_str())),
                        None,
                    ),
                ),
            ],
            HashSet::new(),
        )
    } else if is(&m.dataset) {
        let s = world.datasets.get(id)?;
        let provider = world.databases.get(&s.database)?;
        let database = uid(&m.database, s.database.as_str());
        let mut pairs = vec![
            ("database", Value::from(database.clone())),
            ("provider", entity_ref(&m.agency, provider.manager.as_str())),
            ("class", string(s.class.as_str())),
            ("personalData", Value::from(s.personal_data)),
        ];
        if let Some(at) = &s.times[0] {
            pairs.push(("publishedAt", at.clone()));
        }
        entity(target.clone(), pairs, HashSet::from([database]))
    } else if is(&m.account) {
        let a = world.accounts.get(id)?;
        entity(
            target.clone(),
            vec![
                ("holder", entity_ref(&m.agency, a.holder.as_str())),
                ("issuer", entity_ref(&m.agency, a.issuer.as_str())),
                ("authentication", string(a.authentication.as_str())),
            ],
            HashSet::new(),
        )
    } else if is(&m.agreement) {
        let g = world.agreements.get(id)?;
        let mut pairs = vec![
            ("provider", entity_ref(&m.agency, g.provider.as_str())),
            ("consumer", entity_ref(&m.agency, g.consumer.as_str())),
            (
                "datasets",
                Value::set(
                    g.datasets
                        .iter()
                        .map(|d| entity_ref(&m.dataset, d.as_str())),
                    None,
                ),
            ),
            (
                "purposes",
                Value::set(g.purposes.iter().map(|p| string(p.as_str())), None),
            ),
            (
                "methods",
                Value::set(g.methods.iter().map(|x| string(x.as_str())), None),
            ),
            ("status", string(g.status.as_str())),
        ];
        let [start, end] = &g.times;
        pairs.push(("start", start.clone()?));
        if let Some(end) = end {
            pairs.push(("end", end.clone()));
        }
        entity(target.clone(), pairs, HashSet::new())
    } else if is(&m.violation) {
        let v = world.violations.get(id)?;
        let [recorded, determined] = &v.times;
        let mut pairs = vec![
            ("violator", entity_ref(&m.agency, v.violator.as_str())),
            ("kind", string(v.kind.as_str())),
            ("recordedAt", recorded.clone()?),
        ];
        if let Some(at) = determined {
            pairs.push(("determinedAt", at.clone()));
        }
        if let Some(g) = &v.agreement {
            pairs.push(("agreement", entity_ref(&m.agreement, g.as_str())));
        }
        entity(target.clone(), pairs, HashSet::new())
    } else {
        return None;
    };
    Some(Arc::new(built))
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
    let m = &world.cedar.model;
    let mut out: Vec<Arc<Entity>> = world.cedar.actions.clone();
    let mut add = |ty: &cedar_policy::EntityTypeName, id: &str| {
        out.extend(entity_of(world, &uid(ty, id)));
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
            .filter(|e| e.uid().entity_type() != AsRef::<EntityType>::as_ref(&m.action))
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
