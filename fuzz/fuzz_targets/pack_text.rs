//! Pack text: any bytes as `access.cedar` load as a pack or fail with located
//! diagnostics; a pack that loads decides without panic.
#![no_main]

use lgsp_policy::{AccessRequest, Engine, PackError, RulePack, Severity, World};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static WORLD: LazyLock<Option<World>> = LazyLock::new(|| {
    World::from_json(include_str!("../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json")).ok()
});

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let (manifest, files) = RulePack::builtin_sources();
    let name = files.first().map_or("access.cedar", |(n, _)| *n);
    match RulePack::from_sources(manifest, [(name, text)]) {
        Ok(pack) => {
            let request = AccessRequest::from_json(
                r#"{"account": "acc.tuy-hoa.dan-cu", "action": "query", "dataset": "dan-cu.nhan-khau",
                    "channel": "lgsp", "purpose": "administrative-procedures",
                    "at": "2024-06-03T09:30:00+07:00", "subject_requested": true}"#,
            );
            if let (Some(world), Ok(request)) = (WORLD.as_ref(), request) {
                let d = Engine::new(pack).decide(world, &request);
                assert!(d.is_allowed() || !d.reasons.is_empty());
            }
        }
        Err(PackError::Policies(diags)) => {
            for d in diags.iter().filter(|d| d.severity == Severity::Error && d.file == name) {
                assert!(d.line >= 1 && d.column >= 1, "unlocated: {d}");
            }
        }
        Err(_) => {}
    }
});
