//! Shared fixtures: the example province and its access cases, shipped with the built-in pack.

#![allow(dead_code)]

use lgsp_policy::authoring::{PackTestSuite, TestWorld};
use lgsp_policy::{Engine, RulePack, World};

pub const WORLD_JSON: &str =
    include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json");
pub const ACCESS_CASES: &str =
    include_str!("../../policies/qd05-2024-phu-yen/tests/access.cases.json");
pub const CATALOG_CASES: &str =
    include_str!("../../policies/qd05-2024-phu-yen/tests/catalog.cases.json");
pub const LIFECYCLE_CASES: &str =
    include_str!("../../policies/qd05-2024-phu-yen/tests/lifecycle.cases.json");
pub const AGREEMENT_CASES: &str =
    include_str!("../../policies/qd05-2024-phu-yen/tests/agreements.cases.json");
pub const TERMS_CASES: &str =
    include_str!("../../policies/qd05-2024-phu-yen/tests/terms.cases.json");
pub const TERMS_WORLD_JSON: &str =
    include_str!("../../policies/qd05-2024-phu-yen/tests/terms.world.json");

#[expect(
    clippy::expect_used,
    reason = "fixtures are shipped data; a broken one must fail the test run loudly"
)]
pub fn world() -> World {
    World::from_json(WORLD_JSON).expect("the example province loads")
}

#[expect(
    clippy::expect_used,
    reason = "the built-in pack must load; a test checks it separately too"
)]
pub fn engine() -> Engine {
    Engine::builtin().expect("the built-in pack loads")
}

/// The built-in pack with extra policy text appended to `access.cedar`.
pub fn builtin_pack_with(extra: &str) -> RulePack {
    let (manifest, files) = RulePack::builtin_sources();
    RulePack::from_sources(manifest, with_access_appended(files, extra))
        .unwrap_or_else(|e| panic!("the test pack loads: {e}"))
}

/// The built-in pack's files, with `extra` appended to `access.cedar`.
pub fn with_access_appended(files: &[(&str, &str)], extra: &str) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(n, t)| {
            let text = if *n == "access.cedar" {
                format!("{t}\n{extra}")
            } else {
                (*t).to_owned()
            };
            ((*n).to_owned(), text)
        })
        .collect()
}

/// Every suite the built-in pack ships (`tests/*.cases.json`), by file stem.
pub const BUILTIN_SUITES: [(&str, &str); 5] = [
    ("access", ACCESS_CASES),
    ("agreements", AGREEMENT_CASES),
    ("lifecycle", LIFECYCLE_CASES),
    ("catalog", CATALOG_CASES),
    ("terms", TERMS_CASES),
];

/// A shipped suite's world: one of the two world files beside it, or its inline world.
#[expect(
    clippy::expect_used,
    reason = "fixtures are shipped data; a broken one must fail the test run loudly"
)]
pub fn suite_world(suite: &PackTestSuite) -> World {
    match &suite.world {
        TestWorld::File(name) if name == "terms.world.json" => {
            World::from_json(TERMS_WORLD_JSON).expect("the term-edge world loads")
        }
        TestWorld::File(name) => {
            assert_eq!(name, "phu-yen.world.json", "a shipped world file");
            world()
        }
        TestWorld::Inline(data) => World::new((**data).clone()).expect("the inline world loads"),
    }
}

/// A request and its entities as the engine exports them (`cedar_request`, a `cedar
/// run-tests` case), parsed as Cedar's command-line tool parses them: with the schema when
/// one is given (the context and the entities checked against it).
pub fn parse_cedar_request(
    schema: Option<&cedar_policy::Schema>,
    request: &serde_json::Value,
    entities: &serde_json::Value,
) -> Result<(cedar_policy::Request, cedar_policy::Entities), String> {
    use cedar_policy::{Context, Entities, EntityUid, Request};
    use std::str::FromStr;
    let uid = |part: &str| -> Result<EntityUid, String> {
        let text = request[part]
            .as_str()
            .ok_or_else(|| format!("request.{part} is not a string"))?;
        EntityUid::from_str(text).map_err(|e| format!("request.{part}: {e}"))
    };
    let action = uid("action")?;
    let context =
        Context::from_json_value(request["context"].clone(), schema.map(|s| (s, &action)))
            .map_err(|e| format!("context: {e}"))?;
    let request = Request::new(uid("principal")?, action, uid("resource")?, context, schema)
        .map_err(|e| format!("request: {e}"))?;
    let entities = Entities::from_json_value(entities.clone(), schema)
        .map_err(|e| format!("entities: {e}"))?;
    Ok((request, entities))
}
