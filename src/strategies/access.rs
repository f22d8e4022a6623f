//! Access requests drawn relative to a world: any, or only on accounts and datasets it
//! knows.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::account::Account;
use crate::agency::AgencyKind;
use crate::agreement::SharingAgreement;
use crate::deadline::VIETNAM_OFFSET;
use crate::ids::{AccountId, DatasetId};
use crate::request::{AccessRequest, Action, Channel};
use crate::world::World;

use super::instants::{
    IN_FORCE_MS, MS_PER_DAY, WINDOW_END_MS, WINDOW_START_MS, instant, instant_ms, offset,
};
use super::worlds::PURPOSES;
use super::{Snapshot, pick};

#[derive(Debug, Clone, Copy)]
enum Focus {
    /// Around an agreement.
    Agreement,
    /// Any account and dataset.
    Anything,
    /// An unknown account, dataset, or both.
    Unknown(u8),
}

#[derive(Debug, Clone)]
pub(super) enum When {
    /// A fraction of the way through the focused agreement's term (or a year after its
    /// start when it has no end).
    InTerm(f64),
    /// An edge of the world, moved by a few milliseconds, a second or a day.
    Edge(Index, i64),
    /// Anywhere in the window.
    Anytime(DateTime<FixedOffset>),
    /// Past the year 9999, where Cedar's datetimes end.
    Beyond(i64),
}

#[derive(Debug, Clone)]
struct RequestPart {
    focus: Focus,
    /// Around an agreement: everything the requester controls fits the agreement.
    cooperative: bool,
    agreement: Index,
    account: Index,
    dataset: Index,
    consumer_account: bool,
    agreement_dataset: bool,
    agreement_purpose: bool,
    purpose: Index,
    agreement_method: bool,
    method: Index,
    action: Action,
    fitting_channel: bool,
    channel: Channel,
    when: When,
    offset: FixedOffset,
    authenticated: bool,
    subject_requested: bool,
    unknown: String,
}

fn request_part() -> impl Strategy<Value = RequestPart> {
    request_fields().prop_map(|mut p| {
        if p.cooperative && matches!(p.focus, Focus::Agreement) {
            p.consumer_account = true;
            p.agreement_dataset = true;
            p.agreement_purpose = true;
            p.agreement_method = true;
            p.fitting_channel = true;
            p.authenticated = true;
            p.subject_requested = true;
            // Edges stay: a cooperative request on the edge of a term is the sharpest test.
            if matches!(p.when, When::Anytime(_)) {
                p.when = When::InTerm(0.5);
            }
        }
        p
    })
}

fn request_fields() -> impl Strategy<Value = RequestPart> {
    let focus = prop_oneof![
        14 => Just(Focus::Agreement),
        5 => Just(Focus::Anything),
        1 => (0u8..3).prop_map(Focus::Unknown),
    ];
    let when = prop_oneof![
        60 => (0.0f64..1.0).prop_map(When::InTerm),
        30 => (
            any::<Index>(),
            prop::sample::select(vec![-MS_PER_DAY, -1_000, -1, 0, 0, 0, 1, 1_000, MS_PER_DAY]),
        )
            .prop_map(|(i, d)| When::Edge(i, d)),
        15 => instant().prop_map(When::Anytime),
        1 => (0i64..(365 * MS_PER_DAY)).prop_map(When::Beyond),
    ];
    (
        prop::bool::weighted(0.7),
        (
            focus,
            any::<Index>(),
            any::<Index>(),
            any::<Index>(),
            prop::bool::weighted(0.9),
            prop::bool::weighted(0.85),
        ),
        (
            prop::bool::weighted(0.85),
            any::<Index>(),
            prop::bool::weighted(0.85),
            any::<Index>(),
            prop::sample::select(Action::ALL.to_vec()),
            prop::bool::weighted(0.85),
            prop::sample::select(Channel::ALL.to_vec()),
        ),
        (
            when,
            offset(),
            prop::bool::weighted(0.93),
            prop::bool::weighted(0.6),
            "[a-z0-9]{1,8}",
        ),
    )
        .prop_map(
            |(
                cooperative,
                (focus, agreement, account, dataset, consumer_account, agreement_dataset),
                (
                    agreement_purpose,
                    purpose,
                    agreement_method,
                    method,
                    action,
                    fitting_channel,
                    channel,
                ),
                (when, offset, authenticated, subject_requested, unknown),
            )| RequestPart {
                focus,
                cooperative,
                agreement,
                account,
                dataset,
                consumer_account,
                agreement_dataset,
                agreement_purpose,
                purpose,
                agreement_method,
                method,
                action,
                fitting_channel,
                channel,
                when,
                offset,
                authenticated,
                subject_requested,
                unknown,
            },
        )
}

impl Snapshot {
    fn request(&self, p: &RequestPart) -> Option<AccessRequest> {
        let data = &self.data;
        let focused = match p.focus {
            Focus::Agreement => pick(&p.agreement, &data.agreements),
            _ => None,
        };
        let any_account = pick(&p.account, &data.accounts);
        let any_dataset = pick(&p.dataset, &data.datasets);

        // The account: an account of the agreement's consumer, when it has one; for a
        // cooperative requester, one issued for the provider when it has one.
        let account = match focused {
            Some(g) if p.consumer_account => {
                let mut own: Vec<&Account> = data
                    .accounts
                    .iter()
                    .filter(|a| a.holder == g.consumer)
                    .collect();
                let focal = |a: &Account| {
                    self.kind_of(&a.issuer)
                        .is_some_and(AgencyKind::is_provincial_focal_point)
                };
                if p.cooperative && own.iter().any(|a| a.issuer == g.provider || focal(a)) {
                    own.retain(|a| a.issuer == g.provider || focal(a));
                }
                pick(&p.account, &own).copied().or(any_account)
            }
            _ => any_account,
        };
        // The dataset: one the agreement covers, or another of its provider's.
        let dataset_id = match focused {
            Some(g) if p.agreement_dataset => pick(&p.dataset, &g.datasets).cloned(),
            Some(g) => {
                let theirs: Vec<&DatasetId> = data
                    .datasets
                    .iter()
                    .filter(|s| {
                        data.databases
                            .iter()
                            .any(|d| d.id == s.database && d.manager == g.provider)
                    })
                    .map(|s| &s.id)
                    .collect();
                pick(&p.dataset, &theirs).copied().cloned()
            }
            None => None,
        }
        .or_else(|| any_dataset.map(|s| s.id.clone()));

        let mut account_id = account.map(|a| a.id.clone());
        let mut dataset_id = dataset_id;
        let (no_account, no_dataset) = match p.focus {
            Focus::Unknown(which) => (which != 1, which != 0),
            _ => (false, false),
        };
        if no_account || account_id.is_none() {
            account_id = format!("nobody-{}", p.unknown).parse().ok();
        }
        if no_dataset || dataset_id.is_none() {
            dataset_id = format!("nothing-{}", p.unknown).parse().ok();
        }

        let purpose = match focused {
            Some(g) if p.agreement_purpose => pick(&p.purpose, &g.purposes).cloned(),
            _ => None,
        }
        .or_else(|| pick(&p.purpose, &PURPOSES).and_then(|s| s.parse().ok()))?;

        let action = match focused {
            Some(g) if p.agreement_method => Action::ALL
                .into_iter()
                .filter(|a| g.methods.contains(&a.method()))
                .nth(p.method.index(g.methods.len().max(1)))
                .unwrap_or(p.action),
            _ => p.action,
        };

        let holder_kind = account.and_then(|a| self.kind_of(&a.holder));
        let channel = match holder_kind {
            Some(kind) if p.fitting_channel => {
                if !kind.is_state_administrative() {
                    Channel::Portal
                } else if !kind.is_in_province() {
                    Channel::NgspLgsp
                } else if matches!(p.channel, Channel::Portal | Channel::NgspLgsp) {
                    p.channel
                } else {
                    Channel::Lgsp
                }
            }
            _ => p.channel,
        };

        let at = self.when(p, focused);
        Some(AccessRequest {
            account: account_id?,
            action,
            dataset: dataset_id?,
            channel,
            purpose,
            at: at.with_timezone(&p.offset),
            authenticated: p.authenticated,
            subject_requested: p.subject_requested,
        })
    }

    fn when(&self, p: &RequestPart, focused: Option<&SharingAgreement>) -> DateTime<FixedOffset> {
        let fallback = || {
            instant_ms(WINDOW_START_MS + 500 * MS_PER_DAY, VIETNAM_OFFSET)
                .unwrap_or_else(|| DateTime::<Utc>::UNIX_EPOCH.fixed_offset())
        };
        let shift = |at: DateTime<FixedOffset>, ms: i64| {
            at.checked_add_signed(TimeDelta::milliseconds(ms))
                .unwrap_or(at)
        };
        match (&p.when, focused) {
            (When::InTerm(f), Some(g)) => {
                let span = g.term.end.map_or(365 * MS_PER_DAY, |end| {
                    (end - g.term.start).num_milliseconds()
                });
                // Truncation is the point: a whole number of milliseconds into the term.
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let into = (span as f64 * f) as i64;
                shift(g.term.start, into)
            }
            (When::Edge(i, delta), _) => pick(i, &self.edges)
                .map(|e| shift(*e, *delta))
                .unwrap_or_else(fallback),
            (When::Anytime(at), _) => *at,
            (When::Beyond(ms), _) => {
                // 10000-01-01T00:00Z plus up to a year.
                instant_ms(253_402_300_800_000 + ms, VIETNAM_OFFSET).unwrap_or_else(fallback)
            }
            (When::InTerm(f), None) => {
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let ms = IN_FORCE_MS + ((WINDOW_END_MS - IN_FORCE_MS) as f64 * f) as i64;
                instant_ms(ms, VIETNAM_OFFSET).unwrap_or_else(fallback)
            }
        }
    }
}

/// Access requests drawn relative to `world`, biased to reach the interesting cases:
/// most name an agreement's consumer, dataset, purpose and method at a time inside the
/// term or on an edge of it; the rest take any account and dataset of the world, an
/// unknown account or dataset (about 5%), or a time past the year 9999 (about 1%).
///
/// The strategy owns a copy of the world's data, so it does not borrow `world`.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, requests_for, world};
/// use proptest::prelude::*;
///
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let requests = prop::collection::vec(requests_for(&w), 1..4);
///     (Just(w), requests)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, requests) in cases)| {
///     for r in &requests {
///         // Most requests name a known account.
///         let _known = w.account(&r.account).is_some();
///     }
/// });
/// ```
pub fn requests_for(world: &World) -> impl Strategy<Value = AccessRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    request_part().prop_filter_map("a request", move |p| snapshot.request(&p))
}

/// Access requests drawn like [`requests_for`], but whose account and dataset always
/// exist in `world` and whose time Cedar can compare (never past the year 9999).
///
/// # The first trap
///
/// The engine checks what it can before any policy runs: an unknown account or dataset,
/// no pack in force, a time it cannot evaluate. A property about a *rule* ("a direct
/// connection is refused with `not_through_lgsp`") written over [`requests_for`] fails
/// on the first request naming an unknown account, and proptest then shrinks the
/// counterexample to exactly that — the engine's own check, not the rule. Draw from this
/// strategy instead, and `prop_assume!` away what the world cannot rule out (a time
/// before the pack's entry into force). Build the [`Engine`](crate::Engine) once, outside
/// the property: loading a pack parses and validates every policy.
///
/// # Example
///
/// ```
/// use lgsp_policy::{Channel, Engine};
/// use lgsp_policy::strategies::{WorldSize, known_requests_for, world};
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?; // once, not per case
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let r = known_requests_for(&w);
///     (Just(w), r)
/// });
/// proptest!(ProptestConfig::with_cases(32), |((w, mut request) in cases)| {
///     request.channel = Channel::Direct;
///     let decision = engine.decide(&w, &request);
///     prop_assume!(!decision.has_reason("no_pack_in_force"));
///     // QD05/2024 Đ13.1: never through a direct connection.
///     prop_assert!(decision.has_reason("not_through_lgsp"), "{decision:?}");
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn known_requests_for(world: &World) -> impl Strategy<Value = AccessRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    // Looked up per case, so sets rather than scans of the world's lists.
    let accounts: std::collections::HashSet<AccountId> = snapshot
        .data
        .accounts
        .iter()
        .map(|a| a.id.clone())
        .collect();
    let datasets: std::collections::HashSet<DatasetId> = snapshot
        .data
        .datasets
        .iter()
        .map(|s| s.id.clone())
        .collect();
    request_part()
        .prop_map(|mut p| {
            if matches!(p.focus, Focus::Unknown(_)) {
                p.focus = Focus::Anything;
            }
            if matches!(p.when, When::Beyond(_)) {
                p.when = When::InTerm(0.5);
            }
            p
        })
        .prop_filter_map("a request on known ids", move |p| {
            snapshot
                .request(&p)
                .filter(|r| accounts.contains(&r.account) && datasets.contains(&r.dataset))
        })
}
