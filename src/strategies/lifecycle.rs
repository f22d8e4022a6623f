//! Lifecycle acts drawn relative to a world: suspending, restoring and terminating an
//! agreement, requiring a usage report, and suspending every consumer of a database.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, TimeDelta, Utc};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::agreement::{AgreementStatus, SharingAgreement};
use crate::calendar::Calendar;
use crate::deadline::{DayReading, VIETNAM_OFFSET, latest_notice_before};
use crate::ids::{AgencyId, AgreementId, ViolationId};
use crate::lifecycle::{
    RestorationRequest, SuspendAllRequest, SuspensionRequest, TerminationRequest,
    UsageReportRequest,
};
use crate::suspension::{AllConsumersGrounds, PublicNotice};
use crate::violation::Violation;
use crate::world::World;

use super::instants::{IN_FORCE_MS, MS_PER_DAY, WINDOW_END_MS, instant, instant_ms, offset};
use super::{Snapshot, option, pick};

/// Who asks for a lifecycle act, or proposes a catalog change.
#[derive(Debug, Clone, Copy)]
pub(super) enum Asker {
    /// The agreement's provider, or the database's manager.
    Provider,
    /// The agreement's consumer (for a database: any agency but its manager).
    Consumer,
    /// Any other agency of the world.
    Other,
    /// An agency the world does not know.
    Unknown,
}

pub(super) fn asker() -> impl Strategy<Value = Asker> {
    prop_oneof![
        40 => Just(Asker::Provider),
        3 => Just(Asker::Consumer),
        4 => Just(Asker::Other),
        1 => Just(Asker::Unknown),
    ]
}

/// What a request for an act on one agreement relies on, and so which agreement it names.
#[derive(Debug, Clone, Copy)]
enum Basis {
    /// A violation, and an agreement whose consumer is its violator (the violation's own
    /// agreement when it has one, half the time).
    Own,
    /// A violation, and an agreement whose consumer is someone else.
    OtherParty,
    /// A violation and any agreement.
    Anything,
    /// No violation named, any agreement.
    NoViolation,
    /// A violation the world does not know, any agreement.
    UnknownViolation,
    /// An agreement the world does not know.
    UnknownAgreement,
    /// An agreement in this status, when the world has one (else any), and a violation by
    /// its consumer when there is one.
    Status(AgreementStatus),
}

/// When a request is made.
#[derive(Debug, Clone)]
enum Moment {
    /// The act's anchor (a violation's determination or record, a maintenance notice's
    /// latest day, a term's start) moved by this many milliseconds.
    Around(i64),
    /// A fraction of the way through the agreement's term (a year when it has no end).
    InTerm(f64),
    /// The agreement's end (or start, when it has none), moved by this many milliseconds.
    TermEnd(i64),
    /// Anywhere in the window.
    Anytime(DateTime<FixedOffset>),
    /// Past the year 9999, where Cedar's datetimes end.
    Beyond(i64),
}

/// Small moves across an edge: a day, an hour, a second, a millisecond, or none.
fn nudge() -> impl Strategy<Value = i64> {
    prop::sample::select(vec![
        -MS_PER_DAY,
        -3_600_000,
        -1_000,
        -1,
        0,
        0,
        1,
        1_000,
        3_600_000,
        MS_PER_DAY,
    ])
}

fn moment() -> impl Strategy<Value = Moment> {
    prop_oneof![
        30 => nudge().prop_map(Moment::Around),
        30 => (0..30 * MS_PER_DAY).prop_map(Moment::Around),
        15 => (0.0f64..1.0).prop_map(Moment::InTerm),
        8 => prop::sample::select(vec![-MS_PER_DAY, -1, 0, 1, MS_PER_DAY]).prop_map(Moment::TermEnd),
        8 => instant().prop_map(Moment::Anytime),
        1 => (0i64..(365 * MS_PER_DAY)).prop_map(Moment::Beyond),
    ]
}

#[derive(Debug, Clone)]
struct ActPart {
    asker: Asker,
    basis: Basis,
    violation: Index,
    agreement: Index,
    other: Index,
    moment: Moment,
    offset: FixedOffset,
    /// The 24-hour reading (suspension); requirements met (restoration).
    flag: bool,
    unknown: String,
}

fn act_part(basis: impl Strategy<Value = Basis>, flag: f64) -> impl Strategy<Value = ActPart> {
    (
        asker(),
        basis,
        any::<Index>(),
        any::<Index>(),
        any::<Index>(),
        moment(),
        offset(),
        prop::bool::weighted(flag),
        "[a-z0-9]{1,8}",
    )
        .prop_map(
            |(asker, basis, violation, agreement, other, moment, offset, flag, unknown)| ActPart {
                asker,
                basis,
                violation,
                agreement,
                other,
                moment,
                offset,
                flag,
                unknown,
            },
        )
}

/// The pieces of an act on one agreement, resolved against a world.
struct Resolved {
    provider: AgencyId,
    agreement: AgreementId,
    violation: Option<ViolationId>,
    at: DateTime<FixedOffset>,
}

impl Snapshot {
    pub(super) fn unknown_id<T: std::str::FromStr>(prefix: &str, token: &str) -> Option<T> {
        format!("{prefix}-unknown-{token}").parse().ok()
    }

    /// The agency asking, relative to an agreement's provider and consumer.
    pub(super) fn asker(
        &self,
        asker: Asker,
        provider: Option<&AgencyId>,
        consumer: Option<&AgencyId>,
        other: &Index,
        token: &str,
    ) -> Option<AgencyId> {
        let others: Vec<&AgencyId> = self
            .data
            .agencies
            .iter()
            .map(|a| &a.id)
            .filter(|a| Some(*a) != provider)
            .collect();
        let another = || pick(other, &others).map(|a| (*a).clone());
        let chosen = match asker {
            Asker::Provider => provider.cloned(),
            Asker::Consumer => consumer.cloned().or_else(another),
            Asker::Other => another(),
            Asker::Unknown => None,
        };
        // Without a provider (an unknown agreement or database), another agency asks.
        chosen
            .or_else(|| match asker {
                Asker::Unknown => None,
                _ => another(),
            })
            .or_else(|| Self::unknown_id("ag", token))
    }

    fn moment(
        &self,
        moment: &Moment,
        anchor: Option<DateTime<FixedOffset>>,
        agreement: Option<&SharingAgreement>,
        offset: FixedOffset,
    ) -> DateTime<FixedOffset> {
        let fallback = || {
            instant_ms(IN_FORCE_MS + 200 * MS_PER_DAY, VIETNAM_OFFSET)
                .unwrap_or_else(|| DateTime::<Utc>::UNIX_EPOCH.fixed_offset())
        };
        let shift = |at: DateTime<FixedOffset>, ms: i64| {
            at.checked_add_signed(TimeDelta::milliseconds(ms))
                .unwrap_or(at)
        };
        let at = match (moment, agreement) {
            (Moment::Around(ms), _) => anchor
                .or_else(|| agreement.map(|g| g.term.start))
                .map_or_else(fallback, |a| shift(a, *ms)),
            (Moment::InTerm(f), Some(g)) => {
                let span = g.term.end.map_or(365 * MS_PER_DAY, |end| {
                    (end - g.term.start).num_milliseconds()
                });
                // Truncation is the point: a whole number of milliseconds into the term.
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                let into = (span as f64 * f) as i64;
                shift(g.term.start, into)
            }
            (Moment::TermEnd(ms), Some(g)) => shift(g.term.end.unwrap_or(g.term.start), *ms),
            (Moment::InTerm(_) | Moment::TermEnd(_), None) => anchor.unwrap_or_else(fallback),
            (Moment::Anytime(at), _) => *at,
            (Moment::Beyond(ms), _) => {
                // 10000-01-01T00:00Z plus up to a year.
                instant_ms(253_402_300_800_000 + ms, VIETNAM_OFFSET).unwrap_or_else(fallback)
            }
        };
        at.with_timezone(&offset)
    }

    /// Resolves an act on one agreement: the agreement, the violation relied on, the
    /// agency asking and the time, with `anchor` picking the instant of the violation the
    /// time is drawn around.
    fn act(
        &self,
        p: &ActPart,
        anchor: fn(&Violation) -> Option<DateTime<FixedOffset>>,
    ) -> Option<Resolved> {
        let data = &self.data;
        let agreements: &[SharingAgreement] = &data.agreements;
        let mut violation = pick(&p.violation, &data.violations);
        if matches!(p.basis, Basis::Own) {
            // A violation by some agreement's consumer, when there is one.
            let by_consumers: Vec<&Violation> = data
                .violations
                .iter()
                .filter(|v| agreements.iter().any(|g| g.consumer == v.violator))
                .collect();
            violation = pick(&p.violation, &by_consumers).copied().or(violation);
        }
        let any = || pick(&p.agreement, agreements);
        let focused: Option<&SharingAgreement> = match (p.basis, violation) {
            (Basis::UnknownAgreement, _) => None,
            (Basis::Own, Some(v)) => {
                let own = v
                    .agreement
                    .as_ref()
                    .and_then(|id| agreements.iter().find(|g| &g.id == id))
                    .filter(|g| g.consumer == v.violator);
                let theirs: Vec<&SharingAgreement> = agreements
                    .iter()
                    .filter(|g| g.consumer == v.violator)
                    .collect();
                match own {
                    Some(g) if p.agreement.index(2) == 0 => Some(g),
                    _ => pick(&p.agreement, &theirs).copied(),
                }
                .or_else(any)
            }
            (Basis::OtherParty, Some(v)) => {
                let others: Vec<&SharingAgreement> = agreements
                    .iter()
                    .filter(|g| g.consumer != v.violator)
                    .collect();
                pick(&p.agreement, &others).copied().or_else(any)
            }
            (Basis::Status(status), _) => {
                let with: Vec<&SharingAgreement> =
                    agreements.iter().filter(|g| g.status == status).collect();
                let g = pick(&p.agreement, &with).copied().or_else(any);
                // A violation by its consumer, when there is one.
                let by_consumer: Vec<&Violation> = data
                    .violations
                    .iter()
                    .filter(|v| g.is_some_and(|g| g.consumer == v.violator))
                    .collect();
                violation = pick(&p.violation, &by_consumer).copied().or(violation);
                g
            }
            _ => any(),
        };
        let agreement = match focused {
            Some(g) => g.id.clone(),
            None => Self::unknown_id("agr", &p.unknown)?,
        };
        let violation_id = match p.basis {
            Basis::NoViolation => None,
            Basis::UnknownViolation => Some(Self::unknown_id("vp", &p.unknown)?),
            _ => violation.map(|v| v.id.clone()),
        };
        let provider = self.asker(
            p.asker,
            focused.map(|g| &g.provider),
            focused.map(|g| &g.consumer),
            &p.other,
            &p.unknown,
        )?;
        let at = self.moment(&p.moment, violation.and_then(anchor), focused, p.offset);
        Some(Resolved {
            provider,
            agreement,
            violation: violation_id,
            at,
        })
    }
}

fn determination(v: &Violation) -> Option<DateTime<FixedOffset>> {
    Some(v.determined_at.unwrap_or(v.recorded_at))
}

fn record(v: &Violation) -> Option<DateTime<FixedOffset>> {
    Some(v.recorded_at)
}

/// No violation anchors the time: it is drawn around the agreement's start.
fn term_start(_: &Violation) -> Option<DateTime<FixedOffset>> {
    None
}

/// Requests to suspend one consumer (QD05/2024 Đ16.2.h), drawn relative to `world`.
///
/// Most name a violation by some agreement's consumer and an agreement of that consumer
/// (the violation's own agreement half the time), asked by the agreement's provider, at
/// a time around the violation's determination — a day, an hour, a second or a
/// millisecond before or after it, or up to 30 days after — or inside the agreement's
/// term or on its end. The rest name a
/// violation by another party, no violation, an unknown violation or agreement, the
/// consumer or another agency as the asker, any time of the window, or (rarely) a time
/// past the year 9999. A violation without a determination (a suspicion) is timed around
/// its record. About one in six asks for the 24-hour reading of the one-day notice.
///
/// The strategy owns a copy of the world's data, so it does not borrow `world`.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, suspension_requests_for, world};
/// use lgsp_policy::{Duty, Engine};
/// use lgsp_policy::time::Calendar;
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?;
/// let calendar = Calendar::vietnam_public_sector();
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let r = suspension_requests_for(&w);
///     (Just(w), r)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, request) in cases)| {
///     let answer = engine.clone().with_calendar(calendar.clone()).decide_suspension(&w, &request);
///     // An allowed suspension obliges the one-day notice to the consumer.
///     if answer.is_allowed() {
///         let notice = answer.decision.duties.iter()
///             .any(|d| matches!(d, Duty::NotifyConsumer { .. }));
///         prop_assert!(notice);
///     }
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn suspension_requests_for(world: &World) -> impl Strategy<Value = SuspensionRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    let basis = prop_oneof![
        60 => Just(Basis::Own),
        10 => Just(Basis::OtherParty),
        6 => Just(Basis::Anything),
        6 => Just(Basis::NoViolation),
        3 => Just(Basis::UnknownViolation),
        2 => Just(Basis::UnknownAgreement),
    ];
    act_part(basis, 0.15).prop_filter_map("a suspension request", move |p| {
        let r = snapshot.act(&p, determination)?;
        Some(SuspensionRequest {
            provider: r.provider,
            agreement: r.agreement,
            violation: r.violation,
            at: r.at,
            reading: if p.flag {
                DayReading::TwentyFourHours
            } else {
                DayReading::CivilCode
            },
        })
    })
}

/// Requests to restore a suspended agreement (QD05/2024 Đ16.2.h), drawn relative to
/// `world`: mostly a suspended agreement (when the world has one), sometimes an active or
/// terminated one or an unknown one; mostly asked by the provider; the requirements stated
/// met three times in four; at a time around the start of the term, in it, on its end or
/// anywhere in the window.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, restoration_requests_for, world};
/// use lgsp_policy::Engine;
/// use lgsp_policy::records::AgreementStatus;
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?;
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let r = restoration_requests_for(&w);
///     (Just(w), r)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, request) in cases)| {
///     let answer = engine.decide_restoration(&w, &request);
///     // Only a suspended agreement is restored.
///     for t in &answer.transitions {
///         prop_assert_eq!(t.from, AgreementStatus::Suspended);
///     }
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn restoration_requests_for(
    world: &World,
) -> impl Strategy<Value = RestorationRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    let basis = prop_oneof![
        12 => Just(Basis::Status(AgreementStatus::Suspended)),
        3 => Just(Basis::Status(AgreementStatus::Active)),
        2 => Just(Basis::Status(AgreementStatus::Terminated)),
        1 => Just(Basis::UnknownAgreement),
    ];
    act_part(basis, 0.75).prop_filter_map("a restoration request", move |p| {
        let r = snapshot.act(&p, term_start)?;
        Some(RestorationRequest {
            provider: r.provider,
            agreement: r.agreement,
            requirements_met: p.flag,
            at: r.at,
        })
    })
}

/// Requests to terminate an agreement (QD05/2024 Đ16.1.g), drawn relative to `world`:
/// an active, suspended or terminated agreement (in about that order of frequency) or an
/// unknown one, mostly asked by its provider, at a time in its term, on its end or
/// anywhere in the window.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, termination_requests_for, world};
/// use lgsp_policy::Engine;
/// use lgsp_policy::records::AgreementStatus;
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?;
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let r = termination_requests_for(&w);
///     (Just(w), r)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, request) in cases)| {
///     let answer = engine.decide_termination(&w, &request);
///     for t in &answer.transitions {
///         prop_assert_eq!(t.to, AgreementStatus::Terminated);
///     }
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn termination_requests_for(
    world: &World,
) -> impl Strategy<Value = TerminationRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    let basis = prop_oneof![
        6 => Just(Basis::Status(AgreementStatus::Active)),
        4 => Just(Basis::Status(AgreementStatus::Suspended)),
        3 => Just(Basis::Status(AgreementStatus::Terminated)),
        1 => Just(Basis::UnknownAgreement),
    ];
    act_part(basis, 0.5).prop_filter_map("a termination request", move |p| {
        let r = snapshot.act(&p, term_start)?;
        Some(TerminationRequest {
            provider: r.provider,
            agreement: r.agreement,
            at: r.at,
        })
    })
}

/// Requests to require a usage report (QD05/2024 Đ16.1.e), drawn relative to `world`
/// like [`suspension_requests_for`], but timed around the violation's (or suspicion's)
/// record rather than its determination, and naming no violation a little more often.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, usage_report_requests_for, world};
/// use lgsp_policy::Engine;
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?;
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let r = usage_report_requests_for(&w);
///     (Just(w), r)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, request) in cases)| {
///     let answer = engine.decide_usage_report(&w, &request);
///     // A usage report changes no agreement's status.
///     prop_assert!(answer.transitions.is_empty());
///     // QD05/2024 Đ16.1.e: a report is demanded only on recorded signs of unlawful use.
///     prop_assert!(request.violation.is_some() || !answer.is_allowed());
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn usage_report_requests_for(
    world: &World,
) -> impl Strategy<Value = UsageReportRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    let basis = prop_oneof![
        60 => Just(Basis::Own),
        10 => Just(Basis::OtherParty),
        6 => Just(Basis::Anything),
        10 => Just(Basis::NoViolation),
        3 => Just(Basis::UnknownViolation),
        2 => Just(Basis::UnknownAgreement),
    ];
    act_part(basis, 0.5).prop_filter_map("a usage-report request", move |p| {
        let r = snapshot.act(&p, record)?;
        Some(UsageReportRequest {
            provider: r.provider,
            agreement: r.agreement,
            violation: r.violation,
            at: r.at,
        })
    })
}

#[derive(Debug, Clone)]
struct SuspendAllPart {
    asker: Asker,
    database: Index,
    other: Index,
    unknown_database: bool,
    grounds: AllConsumersGrounds,
    starts_at: DateTime<FixedOffset>,
    /// The notice: published this many ms after the latest moment, stating the expected
    /// restoration time or not.
    notice: Option<(i64, bool)>,
    /// The decision, this many ms after the latest moment for the notice (maintenance) or
    /// the start (otherwise).
    at: i64,
    offset: FixedOffset,
    unknown: String,
}

/// Around the latest moment for a maintenance notice: a small move across it, or up to
/// 20 days before and 5 days after.
fn around_notice() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => nudge(),
        1 => -(20 * MS_PER_DAY)..(5 * MS_PER_DAY),
    ]
}

fn suspend_all_part() -> impl Strategy<Value = SuspendAllPart> {
    (
        (
            asker(),
            any::<Index>(),
            any::<Index>(),
            prop::bool::weighted(0.03),
        ),
        prop_oneof![
            6 => Just(AllConsumersGrounds::Maintenance),
            3 => Just(AllConsumersGrounds::ForceMajeure),
            1 => Just(AllConsumersGrounds::Other),
        ],
        prop_oneof![
            // Mostly in the years the shipped calendar covers.
            9 => (IN_FORCE_MS / 1000..WINDOW_END_MS / 1000 - 30 * 86_400)
                .prop_map(|s| instant_ms(s * 1000, VIETNAM_OFFSET)),
            1 => instant().prop_map(Some),
        ],
        option(2, (around_notice(), prop::bool::weighted(0.85))),
        around_notice(),
        offset(),
        "[a-z0-9]{1,8}",
    )
        .prop_filter_map(
            "a suspend-all part",
            |(
                (asker, database, other, unknown_database),
                grounds,
                starts_at,
                notice,
                at,
                offset,
                unknown,
            )| {
                Some(SuspendAllPart {
                    asker,
                    database,
                    other,
                    unknown_database,
                    grounds,
                    starts_at: starts_at?,
                    notice,
                    at,
                    offset,
                    unknown,
                })
            },
        )
}

/// Requests to suspend every consumer of a database (ND47/2020 Đ43.1), drawn relative to
/// `world` and timed with `calendar`.
///
/// Most name a database of the world and are asked by its manager; the grounds are
/// maintenance (60%), force majeure (30%) or other (10%). For maintenance the times sit
/// around the latest moment the public notice may be published — 24:00 of the day before
/// the 7th working day before the start, counted back with `calendar` (ND47/2020
/// Đ43.3): the notice, when there is one (two times in three), is published a day, an
/// hour, a second or a millisecond before or after it, or up to 20 days before or 5
/// after, and states the expected restoration time six times in seven; the request comes
/// after the notice or, without one, around that moment. When `calendar` cannot count the
/// days, or for other grounds, the times sit around the start instead.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, suspend_all_requests_for, world};
/// use lgsp_policy::Engine;
/// use lgsp_policy::records::AgreementStatus;
/// use lgsp_policy::time::Calendar;
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?;
/// let calendar = Calendar::vietnam_public_sector();
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let r = suspend_all_requests_for(&w, &Calendar::vietnam_public_sector());
///     (Just(w), r)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, request) in cases)| {
///     let answer = engine.clone().with_calendar(calendar.clone()).decide_suspend_all(&w, &request);
///     for t in &answer.transitions {
///         prop_assert_eq!(t.from, AgreementStatus::Active);
///         prop_assert_eq!(t.to, AgreementStatus::Suspended);
///     }
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn suspend_all_requests_for(
    world: &World,
    calendar: &Calendar,
) -> impl Strategy<Value = SuspendAllRequest> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    let calendar = Arc::new(calendar.clone());
    suspend_all_part().prop_filter_map("a suspend-all request", move |p| {
        let data = &snapshot.data;
        let database = if p.unknown_database {
            None
        } else {
            pick(&p.database, &data.databases)
        };
        let database_id = match database {
            Some(d) => d.id.clone(),
            None => Snapshot::unknown_id("db", &p.unknown)?,
        };
        let manager = database.map(|d| &d.manager);
        let provider = snapshot.asker(p.asker, manager, None, &p.other, &p.unknown)?;
        let latest = match p.grounds {
            AllConsumersGrounds::Maintenance => {
                latest_notice_before(p.starts_at, 7, &calendar).ok()
            }
            _ => None,
        };
        let anchor = latest.unwrap_or(p.starts_at);
        let shift = |ms: i64| anchor.checked_add_signed(TimeDelta::milliseconds(ms));
        let notice = match p.notice {
            Some((ms, restoration)) => Some(PublicNotice {
                published_at: shift(ms)?.with_timezone(&p.offset),
                expected_restoration: if restoration {
                    p.starts_at.checked_add_signed(TimeDelta::days(2))
                } else {
                    None
                },
                text: "Bảo trì hệ thống / System maintenance".to_owned(),
            }),
            None => None,
        };
        // With a notice out, the request comes after it.
        let at = match &notice {
            Some(n) => n.published_at.max(shift(p.at)?),
            None => shift(p.at)?,
        };
        Some(SuspendAllRequest {
            provider,
            database: database_id,
            grounds: p.grounds,
            starts_at: p.starts_at,
            notice,
            at: at.with_timezone(&p.offset),
        })
    })
}
