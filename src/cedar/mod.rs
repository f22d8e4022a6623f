//! Everything Cedar-specific: the entity model (the schema), the projection of a world
//! into Cedar entities, the conversions of values, and the requests' contexts
//! (`context`), the one place each kind of question's request is built.

pub(crate) mod context;
pub(crate) mod entities;
pub(crate) mod evaluate;
pub(crate) mod model;
pub(crate) mod plan;
pub(crate) mod values;
