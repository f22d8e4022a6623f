//! Pack manifests: any bytes as `pack.json` beside the built-in policy files load as a
//! pack or fail with a typed error (a JSON error with its line and column, or diagnostics
//! naming `pack.json`); a pack that loads answers a request without panic.
#![no_main]

use lgsp_policy::{AccessRequest, Engine, PackError, RulePack, World};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static WORLD: LazyLock<Option<World>> = LazyLock::new(|| {
    World::from_json(include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json")).ok()
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (_, files) = RulePack::builtin_sources();
    match RulePack::from_sources(&text, files.iter().copied()) {
        Ok(pack) => {
            let request = AccessRequest::from_json(
                r#"{"account": "acc.tuy-hoa.dan-cu", "action": "query", "dataset": "dan-cu.nhan-khau",
                    "channel": "lgsp", "purpose": "administrative-procedures",
                    "at": "2024-06-03T09:30:00+07:00", "subject_requested": true}"#,
            );
            if let (Some(world), Ok(request)) = (WORLD.as_ref(), request) {
                let d = Engine::new(pack).decide(world, &request);
                assert!(!d.reasons.is_empty());
            }
        }
        Err(PackError::Manifest { line, column, .. }) => assert!(line >= 1 && column >= 1),
        Err(_) => {}
    }
});
