//! Times: UTC offsets, instants between 2023 and 2026 in whole milliseconds, and the local
//! dates of publications and evaluations.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Utc};
use proptest::prelude::*;

use crate::calendar::Calendar;
use crate::deadline::VIETNAM_OFFSET;

pub(super) const MS_PER_DAY: i64 = 86_400_000;

/// 2023-01-01T00:00Z and 2027-01-01T00:00Z, in milliseconds since the epoch.
pub(super) const WINDOW_START_MS: i64 = 1_672_531_200_000;
pub(super) const WINDOW_END_MS: i64 = 1_798_761_600_000;
/// 2024-03-05T00:00+07:00, when the built-in pack comes into force.
pub(super) const IN_FORCE_MS: i64 = 1_709_571_600_000;

pub(super) fn instant_ms(ms: i64, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    DateTime::<Utc>::from_timestamp_millis(ms).map(|t| t.with_timezone(&offset))
}

/// A UTC offset in whole minutes: mostly Vietnam's, sometimes another real one.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::offset;
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(16), |(o in offset())| {
///     prop_assert_eq!(o.local_minus_utc() % 60, 0);
/// });
/// ```
pub fn offset() -> impl Strategy<Value = FixedOffset> {
    let seconds = prop_oneof![
        6 => Just(7 * 3600),
        1 => Just(0),
        1 => prop::sample::select(vec![
            -12 * 3600,
            -5 * 3600,
            -(3 * 3600 + 30 * 60),
            5 * 3600 + 45 * 60,
            9 * 3600 + 30 * 60,
            14 * 3600,
        ]),
    ];
    seconds.prop_map(|s| FixedOffset::east_opt(s).unwrap_or(VIETNAM_OFFSET))
}

/// An instant between 2023 and 2026, in whole milliseconds (usually whole seconds), in an
/// [`offset`]; one in twenty falls before the built-in pack's entry into force on
/// 2024-03-05.
///
/// # Example
///
/// ```
/// use chrono::Datelike;
/// use lgsp_policy::strategies::instant;
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(16), |(at in instant())| {
///     prop_assert!((2022..=2028).contains(&at.year()));
///     prop_assert_eq!(at.timestamp_subsec_nanos() % 1_000_000, 0);
/// });
/// ```
pub fn instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
    let ms = prop_oneof![
        1 => WINDOW_START_MS..IN_FORCE_MS,
        15 => (IN_FORCE_MS / 1000..WINDOW_END_MS / 1000).prop_map(|s| s * 1000),
        4 => IN_FORCE_MS..WINDOW_END_MS,
    ];
    (ms, offset()).prop_map(|(ms, o)| {
        instant_ms(ms, o).unwrap_or_else(|| DateTime::<Utc>::UNIX_EPOCH.with_timezone(&o))
    })
}

/// A local date `from` days after 2022-01-01, for `days` days.
fn date_in(from: i64, days: i64) -> impl Strategy<Value = NaiveDate> {
    (from..from + days).prop_map(|d| {
        NaiveDate::from_ymd_opt(2022, 1, 1)
            .and_then(|start| start.checked_add_signed(TimeDelta::days(d)))
            .unwrap_or_default()
    })
}

/// A publication date: two times in three in 2024 before September, else 2022–2026.
pub(super) fn publication_date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![2 => date_in(730, 244), 1 => date_in(0, 5 * 365)]
}

/// An evaluation date: two times in three between mid-2024 and 2026, else 2022–2026.
pub(super) fn evaluation_date() -> impl Strategy<Value = NaiveDate> {
    // One time in four, the evaluation's anniversary falls on a day off (a weekend, a
    // holiday, Tết) of the public sector's calendar: where BLDS2015 Đ148.5 moves the end
    // of the year the evaluation covers.
    let calendar = Calendar::vietnam_public_sector();
    let anniversary_off = date_in(730, 700).prop_map(move |d| {
        let off = |d: NaiveDate| {
            d.checked_add_months(chrono::Months::new(12))
                .is_some_and(|a| calendar.is_working_day(a) == Ok(false))
        };
        d.iter_days().take(8).find(|&d| off(d)).unwrap_or(d)
    });
    prop_oneof![6 => date_in(912, 600), 3 => date_in(0, 5 * 365), 3 => anniversary_off]
}

pub(super) fn start_of_local_day(d: NaiveDate) -> Option<DateTime<FixedOffset>> {
    d.and_time(NaiveTime::MIN)
        .and_local_timezone(VIETNAM_OFFSET)
        .single()
}
