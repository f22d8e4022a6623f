//! Request JSON: any bytes are a request or a typed error; a request is decided against
//! the example province without panic.
#![no_main]

use lgsp_policy::{AccessRequest, Engine, RequestError, World};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static ENGINE: LazyLock<Option<Engine>> = LazyLock::new(|| Engine::builtin().ok());
static WORLD: LazyLock<Option<World>> = LazyLock::new(|| {
    World::from_json(include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json")).ok()
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match AccessRequest::from_json(text) {
        Ok(request) => {
            if let (Some(engine), Some(world)) = (ENGINE.as_ref(), WORLD.as_ref()) {
                let d = engine.decide(world, &request);
                assert!(d.is_allowed() || !d.reasons.is_empty());
            }
        }
        Err(RequestError::Json { line, .. }) => assert!(line >= 1),
        Err(_) => {}
    }
});
