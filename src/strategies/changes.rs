//! Batches of changes to a world ([`World::apply`]).

use chrono::{DateTime, Duration, FixedOffset};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::account::{Account, Authentication};
use crate::agreement::{AgreementStatus, SharingAgreement, SharingMethod, Term};
use crate::lifecycle::Transition;
use crate::records::{Change, Record, RecordKey};
use crate::violation::{Violation, ViolationKind};
use crate::world::World;

use super::worlds::{PURPOSES, agency_kind, agreement_status, data_class};
use super::{Snapshot, instant, pick};

/// One change to draw, by kind, with the choices that make it concrete.
#[derive(Debug, Clone)]
struct Plan {
    kind: u8,
    a: Index,
    b: Index,
    c: Index,
    flag: bool,
    at: DateTime<FixedOffset>,
    status: AgreementStatus,
    kind_of_agency: crate::agency::AgencyKind,
    class: crate::data::DataClass,
}

fn plan() -> impl Strategy<Value = Plan> {
    (
        0u8..16,
        any::<Index>(),
        any::<Index>(),
        any::<Index>(),
        any::<bool>(),
        instant(),
        agreement_status(),
        agency_kind(),
        data_class(),
    )
        .prop_map(
            |(kind, a, b, c, flag, at, status, kind_of_agency, class)| Plan {
                kind,
                a,
                b,
                c,
                flag,
                at,
                status,
                kind_of_agency,
                class,
            },
        )
}

/// A batch of 1 to 6 changes to `world`, drawn against its records: most apply (an
/// agreement's status moved by a transition or its terms replaced, an account issued or
/// withdrawn, an agreement signed or removed, a violation recorded or determined, a
/// dataset or a database changed), some on purpose do not (a stale transition, a record
/// added twice, an agency removed while others refer to it, a second focal point, a
/// determination before the record), so a batch may fail; [`World::apply`] must then
/// leave the world as it was.
///
/// Changes are drawn against `world` as it is, not as earlier changes of the batch leave
/// it; new ids are unique within the batch (`*.chg.<n>.<i>`).
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, changes_for, world};
/// use proptest::prelude::*;
///
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| { let c = changes_for(&w); (Just(w), c) });
/// proptest!(ProptestConfig::with_cases(16), |((w, batch) in cases)| {
///     match w.apply(&batch) {
///         Ok(applied) => prop_assert!(!applied.touched.is_empty()),
///         Err(_) => {} // refused whole; `w` is unchanged
///     }
/// });
/// ```
pub fn changes_for(world: &World) -> impl Strategy<Value = Vec<Change>> + use<> {
    let snapshot = std::sync::Arc::new(Snapshot::of(world));
    (any::<u32>(), prop::collection::vec(plan(), 1..=6)).prop_map(move |(n, plans)| {
        plans
            .iter()
            .enumerate()
            .filter_map(|(i, p)| change(&snapshot, p, n, i))
            .collect()
    })
}

fn new_id<T: std::str::FromStr>(prefix: &str, n: u32, i: usize) -> Option<T> {
    format!("{prefix}.chg.{n}.{i}").parse().ok()
}

/// One change drawn against the snapshot; `None` when the world has no record to draw on.
fn change(s: &Snapshot, p: &Plan, n: u32, i: usize) -> Option<Change> {
    let data = &s.data;
    let methods = [
        SharingMethod::OnlineConnection,
        SharingMethod::Synchronisation,
        SharingMethod::Package,
    ];
    Some(match p.kind {
        // A lifecycle transition, as the engine returns them; now and then a stale one.
        0 | 1 => {
            let g = pick(&p.a, &data.agreements)?;
            let from = if p.kind == 1 && p.flag && p.status != g.status {
                p.status
            } else {
                g.status
            };
            Change::Transition(Transition {
                agreement: g.id.clone(),
                from,
                to: p.status,
                at: p.at,
            })
        }
        // An agreement's terms replaced.
        2 => {
            let mut g = pick(&p.a, &data.agreements)?.clone();
            let purpose = pick(&p.b, &PURPOSES)?.parse().ok()?;
            if p.flag {
                g.purposes.push(purpose);
            } else {
                g.purposes = vec![purpose];
            }
            g.term.end = Some(g.term.start + Duration::days(1 + p.c.index(900) as i64));
            Change::Replace(Record::Agreement(g))
        }
        // An account issued by a provider.
        3 => {
            let holder = pick(&p.a, &data.agencies)?;
            let issuer = pick(&p.b, &data.databases)?;
            Change::Add(Record::Account(Account {
                id: new_id("acc", n, i)?,
                holder: holder.id.clone(),
                issuer: issuer.manager.clone(),
                authentication: *pick(
                    &p.c,
                    &[
                        Authentication::None,
                        Authentication::Password,
                        Authentication::MultiFactor,
                        Authentication::Certificate,
                    ],
                )?,
            }))
        }
        // An account withdrawn.
        4 => Change::Remove(RecordKey::Account(pick(&p.a, &data.accounts)?.id.clone())),
        // An agreement signed for one of a provider's datasets.
        5 => {
            let dataset = pick(&p.a, &data.datasets)?;
            let provider = &data
                .databases
                .iter()
                .find(|d| d.id == dataset.database)?
                .manager;
            let consumer = pick(&p.b, &data.agencies)?;
            if &consumer.id == provider {
                return None;
            }
            Change::Add(Record::Agreement(SharingAgreement {
                id: new_id("agr", n, i)?,
                provider: provider.clone(),
                consumer: consumer.id.clone(),
                datasets: vec![dataset.id.clone()],
                purposes: vec![pick(&p.c, &PURPOSES)?.parse().ok()?],
                methods: vec![*pick(&p.c, &methods)?],
                term: Term {
                    start: p.at,
                    end: p.flag.then(|| p.at + Duration::days(365)),
                },
                status: p.status,
            }))
        }
        // An agreement removed (refused while a violation or a suspension names it).
        6 => Change::Remove(RecordKey::Agreement(
            pick(&p.a, &data.agreements)?.id.clone(),
        )),
        // A violation determined; now and then before it was recorded.
        7 => {
            let v = pick(&p.a, &data.violations)?;
            let hours = p.b.index(2000) as i64 - if p.flag { 100 } else { 0 };
            Change::DetermineViolation {
                violation: v.id.clone(),
                at: v.recorded_at + Duration::hours(hours),
            }
        }
        // A violation recorded against an agreement's consumer.
        8 => {
            let g = pick(&p.a, &data.agreements)?;
            Change::Add(Record::Violation(Violation {
                id: new_id("vp", n, i)?,
                violator: g.consumer.clone(),
                agreement: Some(g.id.clone()),
                kind: *pick(
                    &p.b,
                    &[
                        ViolationKind::ObstructingLawfulUse,
                        ViolationKind::UnlawfulTradeOrUse,
                        ViolationKind::FalsifyingData,
                    ],
                )?,
                recorded_at: p.at,
                determined_at: p.flag.then(|| p.at + Duration::days(2)),
                description: "recorded by a change".into(),
            }))
        }
        // A dataset reclassified.
        9 => {
            let mut d = pick(&p.a, &data.datasets)?.clone();
            d.class = p.class;
            d.personal_data = p.flag;
            Change::Replace(Record::Dataset(d))
        }
        // A database evaluated again, or moved off the data centre.
        10 => {
            let mut d = pick(&p.a, &data.databases)?.clone();
            d.last_evaluated = p.flag.then(|| crate::model::local_date(p.at));
            Change::Replace(Record::Database(d))
        }
        // An agency removed: refused while anything refers to it.
        11 => Change::Remove(RecordKey::Agency(pick(&p.a, &data.agencies)?.id.clone())),
        // A record added twice.
        12 => Change::Add(Record::Agency(pick(&p.a, &data.agencies)?.clone())),
        // An agency's kind changed (a second focal point is refused).
        13 => {
            let mut a = pick(&p.a, &data.agencies)?.clone();
            a.kind = p.kind_of_agency;
            Change::Replace(Record::Agency(a))
        }
        // An agreement suspended by hand, or its status otherwise replaced.
        _ => {
            let mut g = pick(&p.a, &data.agreements)?.clone();
            g.status = p.status;
            Change::Replace(Record::Agreement(g))
        }
    })
}
