//! Values as the policies see them, borrowed from the world's records, the request and
//! the pack, with Cedar's semantics: what a plan ([`super::plan`]) computes with.
//!
//! Cedar's own values (`cedar_policy_core::ast::Value`) are reference-counted trees:
//! every attribute read clones one, every set literal allocates one, every entity is
//! looked up by its uid in a hash map. A [`Val`] borrows instead: a string is a `&str`
//! of the record, an entity carries the record it names ([`Ent`]), a set is a view of
//! the record's list ([`SetRef`]), an instant is Cedar's count of milliseconds since
//! 1970 ([`Val::DateTime`]). Equality, order and membership follow Cedar's rules
//! (`cedar_policy_core::evaluator`): values of different kinds are unequal, sets are
//! compared as sets, records field by field, entities by type and id.
//!
//! [`Val::to_cedar`] gives Cedar's value of a `Val`, for the requests the engine hands
//! Cedar's tools (traces, exports) and for the policies Cedar's evaluator answers.

use std::rc::Rc;

use cedar_policy_core::ast::{Value, ValueKind};

use crate::model::Model;
use crate::records::{
    Account, Agency, Database, Dataset, DatasetId, MasterData, MasterDataId, Purpose,
    SharingAgreement, SharingMethod, Violation,
};

/// The entity types of the model (`policies/model.cedarschema`), and its actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum EntType {
    Agency,
    MasterData,
    Database,
    Dataset,
    Account,
    Agreement,
    Violation,
    Action,
}

impl EntType {
    /// Every type, in the schema's order.
    pub(crate) const ALL: [EntType; 8] = [
        EntType::Agency,
        EntType::MasterData,
        EntType::Database,
        EntType::Dataset,
        EntType::Account,
        EntType::Agreement,
        EntType::Violation,
        EntType::Action,
    ];

    /// Its name in the schema: `Lgsp::Agency`.
    pub(crate) fn cedar_name(self) -> &'static str {
        match self {
            EntType::Agency => "Lgsp::Agency",
            EntType::MasterData => "Lgsp::MasterData",
            EntType::Database => "Lgsp::Database",
            EntType::Dataset => "Lgsp::Dataset",
            EntType::Account => "Lgsp::Account",
            EntType::Agreement => "Lgsp::Agreement",
            EntType::Violation => "Lgsp::Violation",
            EntType::Action => "Lgsp::Action",
        }
    }

    /// The type Cedar names `ty`, if the model has it.
    pub(crate) fn of(ty: &cedar_policy_core::ast::EntityType) -> Option<EntType> {
        let name = ty.to_string();
        EntType::ALL.into_iter().find(|t| t.cedar_name() == name)
    }

    /// The model's type name for it.
    pub(crate) fn type_name(self, model: &Model) -> &cedar_policy::EntityTypeName {
        match self {
            EntType::Agency => &model.agency,
            EntType::MasterData => &model.master_data,
            EntType::Database => &model.database,
            EntType::Dataset => &model.dataset,
            EntType::Account => &model.account,
            EntType::Agreement => &model.agreement,
            EntType::Violation => &model.violation,
            EntType::Action => &model.action,
        }
    }
}

/// The record an entity names, as far as the request's Cedar store would hold it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Rec<'a> {
    /// Reached from the request (its principal, resource or context, or an attribute of
    /// an entity reached), its record not looked up yet: most entities are only compared,
    /// and a comparison needs the type and the id alone.
    Reached,
    /// Reached from the request but not in the world: Cedar's store has no such entity.
    Missing,
    /// Named by a literal of a policy, or a member of a set: Cedar's store holds it only
    /// if the request reaches it some other way, so whatever reads it is Cedar's to say.
    Unreached,
    Agency(&'a Agency),
    MasterData(&'a MasterData),
    Database(&'a Database),
    Dataset(&'a Dataset),
    Account(&'a Account),
    Agreement(&'a SharingAgreement),
    Violation(&'a Violation),
    /// An action of the model (its hierarchy is the schema's).
    Action,
}

/// An entity: its type, its id and the record behind it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ent<'a> {
    pub(crate) ty: EntType,
    pub(crate) id: &'a str,
    pub(crate) rec: Rec<'a>,
}

impl<'a> Ent<'a> {
    /// An entity the request reaches, with its record if the world holds it.
    pub(crate) fn reached(ty: EntType, id: &'a str, rec: Option<Rec<'a>>) -> Ent<'a> {
        Ent {
            ty,
            id,
            rec: rec.unwrap_or(Rec::Missing),
        }
    }

    /// An entity the request reaches, its record looked up when first read.
    pub(crate) fn lazy(ty: EntType, id: &'a str) -> Ent<'a> {
        Ent {
            ty,
            id,
            rec: Rec::Reached,
        }
    }

    /// An entity named but not reached (a literal, a set's member).
    pub(crate) fn unreached(ty: EntType, id: &'a str) -> Ent<'a> {
        Ent {
            ty,
            id,
            rec: Rec::Unreached,
        }
    }

    /// Whether two entities are the same: same type, same id.
    pub(crate) fn same(&self, other: &Ent<'_>) -> bool {
        self.ty == other.ty && self.id == other.id
    }

    /// Cedar's uid of the entity.
    pub(crate) fn uid(&self, model: &Model) -> cedar_policy::EntityUid {
        Model::uid(self.ty.type_name(model), self.id)
    }
}

/// A value, borrowed from the world, the request or the pack (see the module's
/// documentation).
#[derive(Debug, Clone)]
pub(crate) enum Val<'a> {
    Bool(bool),
    Long(i64),
    Str(&'a str),
    Entity(Ent<'a>),
    Set(SetRef<'a>),
    Record(RecordRef<'a>),
    /// Cedar's `datetime`: milliseconds since 1970-01-01T00:00:00Z, leap seconds not
    /// counted.
    DateTime(i64),
    /// Cedar's `duration`, in milliseconds.
    Duration(i64),
}

/// A set: a view of a record's list, of a pack's literal, or members computed for the
/// request. Members may repeat (Cedar's sets do not): every operation treats it as the
/// set of its members.
#[derive(Debug, Clone)]
pub(crate) enum SetRef<'a> {
    Consts(&'a [Const]),
    Built(Rc<[Val<'a>]>),
    /// An agreement's datasets (never reached by Cedar: a set's members are not).
    Datasets(&'a [DatasetId]),
    Purposes(&'a [Purpose]),
    Methods(&'a [SharingMethod]),
    /// A database's master data.
    MasterData(&'a [MasterDataId]),
}

/// A record: the request's context, a pack's literal, or fields computed for the
/// request. Keys are unique.
#[derive(Debug, Clone)]
pub(crate) enum RecordRef<'a> {
    Fields(&'a [(&'a str, Val<'a>)]),
    Consts(&'a [(Box<str>, Const)]),
    Built(Rc<[(&'a str, Val<'a>)]>),
}

/// A value owned by a plan: a literal of a policy, or a part of it worked out when the
/// pack loads.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Const {
    Bool(bool),
    Long(i64),
    Str(Box<str>),
    Entity(EntType, Box<str>),
    Set(Box<[Const]>),
    Record(Box<[(Box<str>, Const)]>),
    DateTime(i64),
    Duration(i64),
}

impl Const {
    /// The value, borrowed from the constant.
    pub(crate) fn val(&self) -> Val<'_> {
        match self {
            Const::Bool(b) => Val::Bool(*b),
            Const::Long(n) => Val::Long(*n),
            Const::Str(s) => Val::Str(s),
            Const::Entity(ty, id) => Val::Entity(Ent::unreached(*ty, id)),
            Const::Set(members) => Val::Set(SetRef::Consts(members)),
            Const::Record(fields) => Val::Record(RecordRef::Consts(fields)),
            Const::DateTime(ms) => Val::DateTime(*ms),
            Const::Duration(ms) => Val::Duration(*ms),
        }
    }

    /// The constant of a Cedar value: `None` for an extension value other than a
    /// `datetime` or a `duration`, or an entity of a type the model does not have.
    pub(crate) fn of_cedar(value: &Value) -> Option<Const> {
        use cedar_policy_core::ast::Literal;
        Some(match value.value_kind() {
            ValueKind::Lit(Literal::Bool(b)) => Const::Bool(*b),
            ValueKind::Lit(Literal::Long(n)) => Const::Long(*n),
            ValueKind::Lit(Literal::String(s)) => Const::Str(s.as_str().into()),
            ValueKind::Lit(Literal::EntityUID(uid)) => Const::Entity(
                EntType::of(uid.entity_type())?,
                <cedar_policy_core::ast::Eid as AsRef<str>>::as_ref(uid.eid()).into(),
            ),
            ValueKind::Set(set) => {
                Const::Set(set.iter().map(Const::of_cedar).collect::<Option<_>>()?)
            }
            ValueKind::Record(fields) => Const::Record(
                fields
                    .iter()
                    .map(|(k, v)| Some((k.as_str().into(), Const::of_cedar(v)?)))
                    .collect::<Option<_>>()?,
            ),
            ValueKind::ExtensionValue(_) => match crate::model::extension_millis(value)? {
                (crate::model::Extension::DateTime, ms) => Const::DateTime(ms),
                (crate::model::Extension::Duration, ms) => Const::Duration(ms),
            },
        })
    }
}

impl<'a> SetRef<'a> {
    /// The members, in order, repeats included.
    pub(crate) fn members(&self) -> Members<'_, 'a> {
        Members { set: self, next: 0 }
    }

    /// Whether the set has no member.
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            SetRef::Consts(c) => c.is_empty(),
            SetRef::Built(v) => v.is_empty(),
            SetRef::Datasets(d) => d.is_empty(),
            SetRef::Purposes(p) => p.is_empty(),
            SetRef::Methods(m) => m.is_empty(),
            SetRef::MasterData(m) => m.is_empty(),
        }
    }

    /// Whether `v` is a member (Cedar's `contains`).
    pub(crate) fn contains(&self, v: &Val<'_>) -> bool {
        match (self, v) {
            // The record lists, searched without making a value of each member.
            (SetRef::Datasets(ids), Val::Entity(e)) => {
                e.ty == EntType::Dataset && ids.iter().any(|d| d.as_str() == e.id)
            }
            (SetRef::MasterData(ids), Val::Entity(e)) => {
                e.ty == EntType::MasterData && ids.iter().any(|d| d.as_str() == e.id)
            }
            (SetRef::Purposes(ps), Val::Str(s)) => ps.iter().any(|p| p.as_str() == *s),
            (SetRef::Methods(ms), Val::Str(s)) => ms.iter().any(|m| m.as_str() == *s),
            (SetRef::Datasets(_) | SetRef::MasterData(_), _)
            | (SetRef::Purposes(_) | SetRef::Methods(_), _) => false,
            _ => self.members().any(|m| m.equals(v)),
        }
    }

    /// Whether every member of `other` is a member of `self` (Cedar's `containsAll`).
    pub(crate) fn contains_all(&self, other: &SetRef<'_>) -> bool {
        other.members().all(|m| self.contains(&m))
    }

    /// Whether some member of `other` is a member of `self` (Cedar's `containsAny`).
    pub(crate) fn contains_any(&self, other: &SetRef<'_>) -> bool {
        other.members().any(|m| self.contains(&m))
    }
}

/// The members of a [`SetRef`].
#[derive(Debug)]
pub(crate) struct Members<'s, 'a> {
    set: &'s SetRef<'a>,
    next: usize,
}

impl<'a> Iterator for Members<'_, 'a> {
    type Item = Val<'a>;
    fn next(&mut self) -> Option<Val<'a>> {
        let i = self.next;
        self.next += 1;
        match self.set {
            SetRef::Consts(c) => c.get(i).map(Const::val),
            SetRef::Built(v) => v.get(i).cloned(),
            SetRef::Datasets(d) => d
                .get(i)
                .map(|id| Val::Entity(Ent::unreached(EntType::Dataset, id.as_str()))),
            SetRef::Purposes(p) => p.get(i).map(|p| Val::Str(p.as_str())),
            SetRef::Methods(m) => m.get(i).map(|m| Val::Str(m.as_str())),
            SetRef::MasterData(m) => m
                .get(i)
                .map(|id| Val::Entity(Ent::unreached(EntType::MasterData, id.as_str()))),
        }
    }
}

impl<'a> RecordRef<'a> {
    /// The field `key`, if the record has it.
    pub(crate) fn get(&self, key: &str) -> Option<Val<'a>> {
        match self {
            RecordRef::Fields(f) => f.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()),
            RecordRef::Consts(f) => f.iter().find(|(k, _)| &**k == key).map(|(_, v)| v.val()),
            RecordRef::Built(f) => f.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()),
        }
    }

    /// The fields, in order.
    pub(crate) fn fields(&self) -> Vec<(&'a str, Val<'a>)> {
        match self {
            RecordRef::Fields(f) => f.iter().map(|(k, v)| (*k, v.clone())).collect(),
            RecordRef::Consts(f) => f.iter().map(|(k, v)| (&**k, v.val())).collect(),
            RecordRef::Built(f) => f.iter().map(|(k, v)| (*k, v.clone())).collect(),
        }
    }

    fn len(&self) -> usize {
        match self {
            RecordRef::Fields(f) => f.len(),
            RecordRef::Consts(f) => f.len(),
            RecordRef::Built(f) => f.len(),
        }
    }
}

impl<'a> Val<'a> {
    /// Cedar's `==`: values of different kinds are unequal; sets are equal when they have
    /// the same members, records when they have the same fields with equal values.
    pub(crate) fn equals(&self, other: &Val<'_>) -> bool {
        match (self, other) {
            (Val::Bool(a), Val::Bool(b)) => a == b,
            (Val::Long(a), Val::Long(b)) => a == b,
            (Val::Str(a), Val::Str(b)) => a == b,
            (Val::Entity(a), Val::Entity(b)) => a.same(b),
            (Val::DateTime(a), Val::DateTime(b)) => a == b,
            (Val::Duration(a), Val::Duration(b)) => a == b,
            (Val::Set(a), Val::Set(b)) => a.contains_all(b) && b.contains_all(a),
            (Val::Record(a), Val::Record(b)) => {
                a.len() == b.len()
                    && a.fields()
                        .iter()
                        .all(|(k, v)| b.get(k).is_some_and(|w| v.equals(&w)))
            }
            _ => false,
        }
    }

    /// Cedar's value of this value: `Err` when Cedar cannot represent it (an instant
    /// outside the years 0000–9999).
    pub(crate) fn to_cedar(&self, model: &Model) -> Result<Value, String> {
        Ok(match self {
            Val::Bool(b) => Value::from(*b),
            Val::Long(n) => Value::from(*n),
            Val::Str(s) => Value::from(*s),
            Val::Entity(e) => Value::from(e.uid(model).as_ref().clone()),
            Val::Set(s) => Value::set(
                s.members()
                    .map(|m| m.to_cedar(model))
                    .collect::<Result<Vec<_>, _>>()?,
                None,
            ),
            Val::Record(r) => Value::record(
                r.fields()
                    .into_iter()
                    .map(|(k, v)| Ok((k.to_owned(), v.to_cedar(model)?)))
                    .collect::<Result<Vec<_>, String>>()?,
                None,
            ),
            Val::DateTime(ms) => crate::model::datetime_of_millis(*ms).ok_or_else(|| {
                format!("the instant {ms} ms after 1970 cannot be given to Cedar")
            })?,
            Val::Duration(ms) => crate::model::duration_of_millis(*ms)
                .ok_or_else(|| format!("the duration of {ms} ms cannot be given to Cedar"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_compared_as_sets() {
        let a = [
            Const::Str("x".into()),
            Const::Str("y".into()),
            Const::Str("x".into()),
        ];
        let b = [Const::Str("y".into()), Const::Str("x".into())];
        let (a, b) = (Val::Set(SetRef::Consts(&a)), Val::Set(SetRef::Consts(&b)));
        assert!(a.equals(&b) && b.equals(&a));
        let c = [Const::Str("y".into())];
        assert!(!a.equals(&Val::Set(SetRef::Consts(&c))));
        // Values of different kinds are unequal, never an error.
        assert!(!Val::Long(1).equals(&Val::Bool(true)));
        assert!(!Val::DateTime(5).equals(&Val::Duration(5)));
    }
}
