//! World JSON: any bytes are a world or a typed error; a world is decided without panic.
#![no_main]

use lgsp_policy::{AccessRequest, Engine, World, WorldError};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static ENGINE: LazyLock<Option<Engine>> = LazyLock::new(|| Engine::builtin().ok());
static REQUEST: LazyLock<Option<AccessRequest>> = LazyLock::new(|| {
    AccessRequest::from_json(
        r#"{"account": "acc.tuy-hoa.dan-cu", "action": "query", "dataset": "dan-cu.nhan-khau",
            "channel": "lgsp", "purpose": "administrative-procedures",
            "at": "2024-06-03T09:30:00+07:00", "subject_requested": true}"#,
    )
    .ok()
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match World::from_json(text) {
        Ok(world) => {
            if let (Some(engine), Some(request)) = (ENGINE.as_ref(), REQUEST.as_ref()) {
                let d = engine.decide(&world, request);
                assert!(d.is_allowed() || !d.reasons.is_empty());
                // Every account and dataset of the world, too.
                for (account, dataset) in world.accounts().zip(world.datasets()) {
                    let r = AccessRequest { account: account.id.clone(), dataset: dataset.id.clone(), ..request.clone() };
                    let d = engine.decide(&world, &r);
                    assert!(d.is_allowed() || !d.reasons.is_empty());
                }
            }
        }
        Err(WorldError::Internal(message)) => panic!("internal error: {message}"),
        Err(WorldError::Json { line, .. }) => assert!(line >= 1),
        Err(_) => {}
    }
});
