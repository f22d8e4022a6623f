//! Everything Cedar-specific: the entity model (the schema), the projection of a world
//! into Cedar entities and the conversions of values. The requests' contexts are built by
//! the engine's questions (`engine`), the one place each is built.

pub(crate) mod model;
