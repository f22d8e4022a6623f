//! Calendars: valid working-day calendars, generated or the shipped one.

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
use proptest::prelude::*;

use crate::calendar::{Calendar, DayOff, WorkingDay, YearCalendar};

/// A valid calendar: usually Saturday and Sunday off, covering one to four contiguous
/// years between 2020 and 2040, with random days off and swapped working days — or the
/// shipped [`Calendar::vietnam_public_sector`].
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::calendar;
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(16), |(c in calendar())| {
///     prop_assert!(c.first_year() <= c.last_year());
///     prop_assert!(c.weekly_days_off().len() < 7);
/// });
/// ```
pub fn calendar() -> impl Strategy<Value = Calendar> {
    let weekly = prop_oneof![
        8 => Just(vec![Weekday::Sat, Weekday::Sun]),
        1 => Just(vec![Weekday::Sun]),
        1 => prop::sample::subsequence(
            vec![
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
                Weekday::Sun,
            ],
            0..=3,
        ),
    ];
    let year = (
        prop::collection::vec(0u32..366, 0..12),
        prop::collection::vec((0u32..366, prop::bool::weighted(0.3)), 0..6),
    );
    let generated = (weekly, 2020i32..2040, prop::collection::vec(year, 1..=4)).prop_filter_map(
        "a valid calendar",
        |(weekly, first, years)| {
            let mut out = Vec::new();
            for (offset, (off, worked)) in (0i32..).zip(years) {
                let y = first + offset;
                let day = |n: u32| {
                    NaiveDate::from_yo_opt(y, 1)
                        .and_then(|d| d.checked_add_signed(TimeDelta::days(i64::from(n))))
                        .filter(|d| d.year() == y)
                };
                let mut days_off: Vec<NaiveDate> = off.into_iter().filter_map(day).collect();
                days_off.sort();
                days_off.dedup();
                let mut working: Vec<WorkingDay> = Vec::new();
                for (n, swap) in worked {
                    let Some(d) = day(n) else { continue };
                    if !weekly.contains(&d.weekday())
                        || days_off.contains(&d)
                        || working.iter().any(|w| w.date == d)
                    {
                        continue;
                    }
                    working.push(WorkingDay::new(
                        d,
                        "Làm bù / Worked in exchange",
                        if swap {
                            days_off.first().copied()
                        } else {
                            None
                        },
                    ));
                }
                let mut year = YearCalendar::new(y);
                year.days_off = days_off
                    .into_iter()
                    .map(|date| DayOff::new(date, "Nghỉ / Day off"))
                    .collect();
                year.working_days = working;
                out.push(year);
            }
            Calendar::new(weekly, out).ok()
        },
    );
    prop_oneof![
        1 => Just(Calendar::vietnam_public_sector()),
        3 => generated,
    ]
}
