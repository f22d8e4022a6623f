//! [`proptest`](mod@proptest) strategies for worlds, calendars, access requests, lifecycle
//! acts and catalog proposals (feature `proptest`).
//!
//! Use them in your own property tests: generate a [`World`] of the size you care about,
//! then requests drawn *relative to that world* with [`requests_for`], and check what your
//! code does with the [`Decision`](crate::Decision)s. The lifecycle acts and catalog
//! proposals have their own: [`suspension_requests_for`], [`restoration_requests_for`],
//! [`termination_requests_for`], [`usage_report_requests_for`],
//! [`suspend_all_requests_for`] (timed with a [`Calendar`](crate::time::Calendar)) and
//! [`catalog_proposals_for`].
//!
//! Every generated world passes [`World::new`]: references point at records that exist,
//! an agreement's provider manages the datasets it covers, accounts are issued by a
//! provider or by the provincial focal point, there is at most one focal point, terms end
//! after they start, and so on. Times are whole milliseconds (Cedar's precision) in
//! whole-minute UTC offsets, between 2023 and 2026, so they straddle the built-in pack's
//! entry into force (2024-03-05) and the 2025 changes in the law above it.
//!
//! Properties about a rule should draw from [`known_requests_for`], whose ids all exist:
//! over [`requests_for`] such a property shrinks at once to an unknown account, because
//! the engine's own checks come before any rule (see [`known_requests_for`]).
//!
//! Requests are biased towards the cases that matter: most name an agreement's consumer,
//! one of its datasets, one of its purposes and methods, at a time inside its term or on
//! an edge of it (a start, an end, a publication, an evaluation's expiry, ± 1 ms, 1 s or
//! 1 day). The rest take any account and dataset, or an unknown one, or (rarely) a time
//! past the year 9999. Over many cases every reason code of the built-in access pack is
//! reached; the crate's own tests check it.
//!
//! # Example
//!
//! ```
//! use lgsp_policy::Engine;
//! use lgsp_policy::strategies::{WorldSize, requests_for, world};
//! use proptest::prelude::*;
//!
//! let engine = Engine::builtin()?;
//! let cases = world(WorldSize::SMALL)
//!     .prop_flat_map(|w| { let r = requests_for(&w); (Just(w), r) });
//! proptest!(ProptestConfig::with_cases(32), |((w, request) in cases)| {
//!     let decision = engine.decide(&w, &request);
//!     // Every decision cites a clause, allow or deny, and names the pack that decided
//!     // (or says that none is in force).
//!     prop_assert!(!decision.reasons.is_empty());
//!     prop_assert!(decision.pack.is_some() || decision.has_reason("no_pack_in_force"));
//! });
//! # Ok::<(), lgsp_policy::EngineError>(())
//! ```

mod access;
mod calendars;
mod catalog;
mod changes;
mod instants;
mod lifecycle;
mod worlds;

use chrono::{DateTime, FixedOffset, NaiveDate};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::agency::AgencyKind;
use crate::deadline::VIETNAM_OFFSET;
use crate::ids::AgencyId;
use crate::world::{World, WorldData};

use self::instants::start_of_local_day;

pub use self::access::{known_requests_for, requests_for};
pub use self::calendars::calendar;
pub use self::catalog::catalog_proposals_for;
pub use self::changes::changes_for;
pub use self::instants::{instant, offset};
pub use self::lifecycle::{
    restoration_requests_for, suspend_all_requests_for, suspension_requests_for,
    termination_requests_for, usage_report_requests_for,
};
pub use self::worlds::{
    PURPOSES, WorldSize, agency, agency_kind, agreement_status, data_class, world, world_data,
};

// ------------------------------------------------------------------------------- helpers

fn pick<'a, T>(index: &Index, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        None
    } else {
        items.get(index.index(items.len()))
    }
}

fn option<T: std::fmt::Debug + Clone + 'static>(
    some_weight: u32,
    inner: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Option<T>> {
    prop_oneof![
        1 => Just(None),
        some_weight => inner.prop_map(Some),
    ]
}

// ------------------------------------------------------------------------------- snapshot

/// What a request strategy knows of its world: the records, and the instants decisions
/// turn on.
#[derive(Debug)]
struct Snapshot {
    data: WorldData,
    /// Agreement starts and ends, publications, evaluation expiries, the pack's entry into
    /// force and the dates of the law's later changes.
    edges: Vec<DateTime<FixedOffset>>,
}

impl Snapshot {
    fn of(world: &World) -> Snapshot {
        let data = world.to_data();
        let mut edges: Vec<DateTime<FixedOffset>> = Vec::new();
        for g in &data.agreements {
            edges.push(g.term.start);
            edges.extend(g.term.end);
        }
        for s in &data.datasets {
            edges.extend(s.published.and_then(start_of_local_day));
        }
        // The evaluation's year: its end as the engine counts it with its default calendar
        // (a last day off moved to the next working day), and the unmoved end.
        let calendar = crate::time::Calendar::vietnam_public_sector();
        for d in &data.databases {
            edges.extend(
                d.last_evaluated
                    .and_then(|e| e.checked_add_months(chrono::Months::new(12)))
                    .and_then(|e| e.succ_opt())
                    .and_then(start_of_local_day),
            );
            edges.extend(
                d.last_evaluated
                    // The built-in pack's `annual_evaluation`, a year.
                    .and_then(|e| {
                        crate::deadline::period_end(e, crate::time::Period::Years(1), &calendar)
                            .ok()
                    })
                    .map(|end| end.due),
            );
        }
        for (y, m, d) in [(2024, 3, 5), (2025, 7, 1), (2025, 8, 19), (2025, 10, 22)] {
            edges.extend(NaiveDate::from_ymd_opt(y, m, d).and_then(start_of_local_day));
        }
        // Local midnight (UTC+7) of the day each edge falls on and of the next: where a
        // day-counted period turns, whatever the offset the instant was written in.
        let midnights: Vec<DateTime<FixedOffset>> = edges
            .iter()
            .map(|e| e.with_timezone(&VIETNAM_OFFSET).date_naive())
            .flat_map(|d| [Some(d), d.succ_opt()])
            .flatten()
            .filter_map(start_of_local_day)
            .collect();
        edges.extend(midnights);
        edges.sort();
        edges.dedup();
        Snapshot { data, edges }
    }

    fn kind_of(&self, agency: &AgencyId) -> Option<AgencyKind> {
        self.data
            .agencies
            .iter()
            .find(|a| &a.id == agency)
            .map(|a| a.kind)
    }
}
