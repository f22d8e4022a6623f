//! Deadlines under the Civil Code 2015 Đ144–148 and the working-day calendar, through the
//! public API only. Each test is named by the clause it exercises.

#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on an unexpected error; the inputs are literals"
)]

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Weekday};
use lgsp_policy::time::{
    Calendar, CalendarError, DayOff, DayReading, Deadline, DeadlineError, Period, VIETNAM_OFFSET,
    WorkingDay, YearCalendar, deadline, latest_notice_before,
};
use proptest::prelude::*;

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn civil(start: &str, period: Period) -> Result<Deadline, DeadlineError> {
    deadline(
        at(start),
        period,
        &Calendar::vietnam_public_sector(),
        DayReading::CivilCode,
    )
}

fn cited(d: &Deadline) -> Vec<&str> {
    d.basis().iter().map(|c| c.as_str()).collect()
}

// --- The worked examples of TIME.md -------------------------------------------------------

#[test]
fn blds_147_2_148_1_one_day_from_tuesday_afternoon_ends_at_24h_on_wednesday() {
    let d = civil("2024-03-05T14:00:00+07:00", Period::Days(1)).unwrap();
    assert_eq!(d.last_day(), day(2024, 3, 6));
    assert_eq!(d.due(), at("2024-03-07T00:00:00+07:00"));
    assert_eq!(d.due().to_rfc3339(), "2024-03-07T00:00:00+07:00");
    assert_eq!(d.moved_from(), None);
    assert_eq!(
        cited(&d),
        ["BLDS2015 Đ147.2", "BLDS2015 Đ148.1", "BLDS2015 Đ148.6"]
    );
}

#[test]
fn blds_148_1_one_day_from_thursday_ends_at_24h_on_friday() {
    let d = civil("2024-03-07T09:00:00+07:00", Period::Days(1)).unwrap();
    assert_eq!(d.last_day(), day(2024, 3, 8));
    assert_eq!(d.due(), at("2024-03-09T00:00:00+07:00"));
}

#[test]
fn blds_148_5_last_day_saturday_moves_to_monday() {
    let d = civil("2024-03-08T10:00:00+07:00", Period::Days(1)).unwrap();
    assert_eq!(d.moved_from(), Some(day(2024, 3, 9)));
    assert_eq!(d.last_day(), day(2024, 3, 11));
    assert_eq!(d.due(), at("2024-03-12T00:00:00+07:00"));
    assert_eq!(
        cited(&d),
        [
            "BLDS2015 Đ147.2",
            "BLDS2015 Đ148.1",
            "BLDS2015 Đ148.5",
            "BLDS2015 Đ148.6"
        ]
    );
}

#[test]
fn blds_148_3_148_5_three_months_from_31_january_2024_end_on_thursday_2_may() {
    let d = civil("2024-01-31T10:00:00+07:00", Period::Months(3)).unwrap();
    // April has no 31st: 30/4, a holiday; 1/5 is one too.
    assert_eq!(d.moved_from(), Some(day(2024, 4, 30)));
    assert_eq!(d.last_day(), day(2024, 5, 2));
    assert_eq!(d.last_day().weekday(), Weekday::Thu);
    assert_eq!(d.due(), at("2024-05-03T00:00:00+07:00"));
    assert!(cited(&d).contains(&"BLDS2015 Đ148.3"));
    assert!(cited(&d).contains(&"BLDS2015 Đ148.5"));
}

// --- Month ends and leap years --------------------------------------------------------------

#[test]
fn blds_148_3_31_january_plus_one_month_is_29_february_in_leap_2024() {
    let d = civil("2024-01-31T08:00:00+07:00", Period::Months(1)).unwrap();
    assert_eq!(d.last_day(), day(2024, 2, 29));
    assert_eq!(d.moved_from(), None);
    assert_eq!(d.due(), at("2024-03-01T00:00:00+07:00"));
}

#[test]
fn blds_148_3_31_january_2025_plus_one_month_is_28_february() {
    let d = civil("2025-01-31T08:00:00+07:00", Period::Months(1)).unwrap();
    assert_eq!(d.last_day(), day(2025, 2, 28));
    assert_eq!(d.due(), at("2025-03-01T00:00:00+07:00"));
}

#[test]
fn blds_148_3_same_day_number_when_the_month_has_it() {
    let d = civil("2024-03-15T08:00:00+07:00", Period::Months(2)).unwrap();
    assert_eq!(d.last_day(), day(2024, 5, 15));
}

#[test]
fn blds_148_4_29_february_2024_plus_one_year_is_friday_28_february_2025() {
    let d = civil("2024-02-29T16:00:00+07:00", Period::Years(1)).unwrap();
    assert_eq!(d.last_day(), day(2025, 2, 28));
    assert_eq!(d.last_day().weekday(), Weekday::Fri);
    assert_eq!(d.moved_from(), None);
    assert_eq!(d.due(), at("2025-03-01T00:00:00+07:00"));
    assert!(cited(&d).contains(&"BLDS2015 Đ148.4"));
}

#[test]
fn blds_148_2_two_weeks_end_on_the_same_weekday() {
    let d = civil("2024-03-05T14:00:00+07:00", Period::Weeks(2)).unwrap();
    assert_eq!(d.last_day(), day(2024, 3, 19));
    assert_eq!(d.last_day().weekday(), Weekday::Tue);
    assert!(cited(&d).contains(&"BLDS2015 Đ148.2"));
}

// --- Holidays and swapped days ----------------------------------------------------------------

#[test]
fn blds_148_5_tet_2025_one_day_from_friday_24_january_moves_to_monday_3_february() {
    let d = civil("2025-01-24T11:00:00+07:00", Period::Days(1)).unwrap();
    assert_eq!(d.moved_from(), Some(day(2025, 1, 25)));
    assert_eq!(d.last_day(), day(2025, 2, 3));
    assert_eq!(d.due(), at("2025-02-04T00:00:00+07:00"));
}

#[test]
fn blds_148_5_swapped_saturday_4_may_2024_is_a_working_day() {
    let d = civil("2024-05-03T10:00:00+07:00", Period::Days(1)).unwrap();
    assert_eq!(d.last_day(), day(2024, 5, 4));
    assert_eq!(d.last_day().weekday(), Weekday::Sat);
    assert_eq!(d.moved_from(), None);
    assert_eq!(d.due(), at("2024-05-05T00:00:00+07:00"));
}

#[test]
fn blds_148_5_swapped_monday_29_april_2024_is_a_day_off() {
    let d = civil("2024-04-28T10:00:00+07:00", Period::Days(1)).unwrap();
    assert_eq!(d.moved_from(), Some(day(2024, 4, 29)));
    assert_eq!(d.last_day(), day(2024, 5, 2));
}

#[test]
fn working_days_across_tet_2025() {
    // Thu 23 January: Fri 24 is the first working day; Tết runs Sat 25/01 – Sun 02/02.
    let d = civil("2025-01-23T15:00:00+07:00", Period::WorkingDays(3)).unwrap();
    assert_eq!(d.last_day(), day(2025, 2, 4));
    assert_eq!(d.moved_from(), None);
    assert_eq!(d.due(), at("2025-02-05T00:00:00+07:00"));
    assert_eq!(
        cited(&d),
        ["BLDS2015 Đ147.2", "BLDS2015 Đ148.1", "BLDS2015 Đ148.6"]
    );
}

#[test]
fn working_days_count_the_swapped_saturday_of_2026() {
    // Thu 08/01/2026: Fri 09, Sat 10 (worked in exchange for Fri 02/01), Mon 12.
    let d = civil("2026-01-08T09:00:00+07:00", Period::WorkingDays(3)).unwrap();
    assert_eq!(d.last_day(), day(2026, 1, 12));
}

// --- Vietnam time ---------------------------------------------------------------------------

#[test]
fn vietnam_time_an_instant_in_utc_is_read_in_utc_plus_7() {
    // 20:00 UTC on 05/03 is 03:00 on 06/03 in Vietnam: the first day is 06/03.
    let d = civil("2024-03-05T20:00:00Z", Period::Days(1)).unwrap();
    assert_eq!(d.start().to_rfc3339(), "2024-03-06T03:00:00+07:00");
    assert_eq!(d.last_day(), day(2024, 3, 7));
    assert_eq!(d.due().to_rfc3339(), "2024-03-08T00:00:00+07:00");
    assert_eq!(*d.due().offset(), VIETNAM_OFFSET);
}

#[test]
fn vietnam_time_an_instant_in_plus_9_is_read_in_utc_plus_7() {
    // 01:00 on 06/03 in +09:00 is still 23:00 on 05/03 in Vietnam.
    let d = civil("2024-03-06T01:00:00+09:00", Period::Days(1)).unwrap();
    assert_eq!(d.start().to_rfc3339(), "2024-03-05T23:00:00+07:00");
    assert_eq!(d.last_day(), day(2024, 3, 6));
    // 02:30 in +09:00 is 00:30 on 06/03 in Vietnam.
    let d = civil("2024-03-06T02:30:00+09:00", Period::Days(1)).unwrap();
    assert_eq!(d.last_day(), day(2024, 3, 7));
}

// --- Coverage, overflow, zero ----------------------------------------------------------------

#[test]
fn calendar_a_date_outside_coverage_is_an_error_not_a_guess() {
    let err = civil("2023-06-01T09:00:00+07:00", Period::Days(1)).unwrap_err();
    assert_eq!(
        err,
        DeadlineError::Calendar(CalendarError::NotCovered {
            date: day(2023, 6, 2),
            first: 2024,
            last: 2027,
        })
    );
    assert!(err.to_string().contains("2023-06-02"), "{err}");
    // The official years end with 2026: the last day of 2026 is a Thursday, but one day
    // later is 2027.
    let official = |start| {
        deadline(
            at(start),
            Period::Days(1),
            &Calendar::vietnam_public_sector_official(),
            DayReading::CivilCode,
        )
    };
    assert!(official("2026-12-30T09:00:00+07:00").is_ok());
    assert_eq!(
        official("2026-12-31T09:00:00+07:00"),
        Err(DeadlineError::Calendar(CalendarError::NotCovered {
            date: day(2027, 1, 1),
            first: 2024,
            last: 2026,
        }))
    );
    // The shipped calendar covers 2027, provisionally, and nothing after it.
    assert!(civil("2026-12-31T09:00:00+07:00", Period::Days(1)).is_ok());
    assert!(civil("2027-12-30T09:00:00+07:00", Period::Days(1)).is_ok());
    assert_eq!(
        civil("2027-12-31T09:00:00+07:00", Period::Days(1)),
        Err(DeadlineError::Calendar(CalendarError::NotCovered {
            date: day(2028, 1, 1),
            first: 2024,
            last: 2027,
        }))
    );
}

#[test]
fn blds_147_1_hours_do_not_consult_the_calendar_and_are_not_extended() {
    let d = civil("2024-03-08T20:00:00+07:00", Period::Hours(10)).unwrap();
    assert_eq!(d.due(), at("2024-03-09T06:00:00+07:00")); // a Saturday
    assert_eq!(d.last_day(), day(2024, 3, 9));
    assert_eq!(d.moved_from(), None);
    assert_eq!(cited(&d), ["BLDS2015 Đ147.1"]);
    assert!(civil("1999-03-08T20:00:00+07:00", Period::Hours(10)).is_ok());
}

#[test]
fn blds_148_6_an_hour_period_ending_at_midnight_ends_the_day_before() {
    let d = civil("2024-03-05T23:00:00+07:00", Period::Hours(1)).unwrap();
    assert_eq!(d.due(), at("2024-03-06T00:00:00+07:00"));
    assert_eq!(d.last_day(), day(2024, 3, 5));
}

#[test]
fn zero_periods_end_at_24h_of_the_start_day_or_at_the_start_instant() {
    let d = civil("2024-03-05T14:00:00+07:00", Period::Days(0)).unwrap();
    assert_eq!(d.due(), at("2024-03-06T00:00:00+07:00"));
    let d = civil("2024-03-09T14:00:00+07:00", Period::WorkingDays(0)).unwrap();
    assert_eq!(
        (d.moved_from(), d.last_day()),
        (Some(day(2024, 3, 9)), day(2024, 3, 11))
    );
    let d = civil("2024-03-05T14:00:00+07:00", Period::Hours(0)).unwrap();
    assert_eq!(d.due(), d.start());
}

#[test]
fn overflow_is_an_error() {
    for period in [
        Period::Years(u32::MAX),
        Period::Days(u32::MAX),
        Period::Hours(u32::MAX),
    ] {
        let err = civil("2024-03-05T14:00:00+07:00", period).unwrap_err();
        assert!(
            matches!(err, DeadlineError::Overflow { .. }),
            "{period}: {err}"
        );
        assert!(err.to_string().contains("2024-03-05"), "{err}");
    }
}

// --- The 24-hour reading ---------------------------------------------------------------------

#[test]
fn twenty_four_hours_reading_counts_from_the_moment_without_extension() {
    let calendar = Calendar::vietnam_public_sector();
    let read = |start, period| deadline(at(start), period, &calendar, DayReading::TwentyFourHours);
    let d = read("2024-03-05T14:00:00+07:00", Period::Days(1)).unwrap();
    assert_eq!(d.due(), at("2024-03-06T14:00:00+07:00"));
    assert_eq!(d.reading(), DayReading::TwentyFourHours);
    assert_eq!(cited(&d), ["BLDS2015 Đ147.1"]);
    let d = read("2024-03-08T10:00:00+07:00", Period::Days(1)).unwrap();
    assert_eq!(d.due(), at("2024-03-09T10:00:00+07:00")); // Saturday: not moved
    assert_eq!(d.moved_from(), None);
    let d = read("2024-03-08T10:00:00+07:00", Period::Weeks(1)).unwrap();
    assert_eq!(d.due(), at("2024-03-15T10:00:00+07:00"));
    // Months have no 24-hour reading: the Civil Code applies.
    let d = read("2024-01-31T10:00:00+07:00", Period::Months(3)).unwrap();
    assert_eq!(d.last_day(), day(2024, 5, 2));
}

#[test]
fn deadline_is_met_at_24h_and_overdue_after() {
    let d = civil("2024-03-05T14:00:00+07:00", Period::Days(1)).unwrap();
    assert!(d.is_met_by(at("2024-03-07T00:00:00+07:00")));
    assert!(d.is_met_by(at("2024-03-06T16:59:59Z")));
    assert!(!d.is_met_by(at("2024-03-07T00:00:01+07:00")));
    assert_eq!(d.overdue_by(at("2024-03-07T00:00:00+07:00")), None);
    assert_eq!(
        d.overdue_by(at("2024-03-07T01:00:00+07:00")),
        Some(Duration::hours(1))
    );
}

#[test]
fn deadline_round_trips_through_json() {
    let d = civil("2024-03-08T10:00:00+07:00", Period::Days(1)).unwrap();
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json.get("period"), Some(&serde_json::json!({"days": 1})));
    assert_eq!(json.get("reading"), Some(&serde_json::json!("civil_code")));
    assert_eq!(
        json.get("due"),
        Some(&serde_json::json!("2024-03-12T00:00:00+07:00"))
    );
    assert_eq!(
        json.get("moved_from"),
        Some(&serde_json::json!("2024-03-09"))
    );
    let back: Deadline = serde_json::from_value(json).unwrap();
    assert_eq!(back, d);
}

// --- Counting back: Decree 47/2020 Đ43.3 -----------------------------------------------------

#[test]
fn nd47_43_3_seven_working_days_notice_across_a_weekend() {
    // Maintenance Wed 13/03/2024: Tue 12, Mon 11, Fri 8, Thu 7, Wed 6, Tue 5, Mon 4.
    let calendar = Calendar::vietnam_public_sector();
    let latest = latest_notice_before(at("2024-03-13T08:00:00+07:00"), 7, &calendar).unwrap();
    assert_eq!(latest, at("2024-03-04T00:00:00+07:00")); // 24:00 on Sunday 3 March
    assert_eq!(*latest.offset(), VIETNAM_OFFSET);
}

#[test]
fn nd47_43_3_notice_across_tet_2025_and_30_april_2024() {
    let calendar = Calendar::vietnam_public_sector();
    // Wed 05/02/2025: Tue 4, Mon 3, then Tết back to Sat 25/01, then Fri 24/01.
    let latest = latest_notice_before(at("2025-02-05T09:00:00+07:00"), 3, &calendar).unwrap();
    assert_eq!(latest, at("2025-01-24T00:00:00+07:00"));
    // Thu 02/05/2024, seven working days: back to Wed 17/04 (Thu 18/04 is Hùng Kings' day).
    let latest = latest_notice_before(at("2024-05-02T08:00:00+07:00"), 7, &calendar).unwrap();
    assert_eq!(latest, at("2024-04-17T00:00:00+07:00"));
}

#[test]
fn nd47_43_3_zero_days_and_coverage() {
    let calendar = Calendar::vietnam_public_sector();
    let latest = latest_notice_before(at("2024-03-13T08:00:00+07:00"), 0, &calendar).unwrap();
    assert_eq!(latest, at("2024-03-13T00:00:00+07:00"));
    assert!(matches!(
        latest_notice_before(at("2024-01-05T08:00:00+07:00"), 7, &calendar),
        Err(DeadlineError::Calendar(CalendarError::NotCovered { .. }))
    ));
}

// --- The calendar as data --------------------------------------------------------------------

fn year(y: i32, off: &[NaiveDate], worked: &[NaiveDate]) -> YearCalendar {
    let mut year = YearCalendar::new(y);
    year.days_off = off.iter().map(|&date| DayOff::new(date, "x")).collect();
    year.working_days = worked
        .iter()
        .map(|&date| WorkingDay::new(date, "y", None))
        .collect();
    year
}

#[test]
fn calendar_new_rejects_bad_data_naming_the_year_or_date() {
    let weekend = Calendar::DEFAULT_WEEKLY_DAYS_OFF.to_vec();
    let cases = [
        (
            Calendar::new(weekend.clone(), vec![]),
            CalendarError::NoYears,
        ),
        (
            Calendar::new(
                vec![
                    Weekday::Mon,
                    Weekday::Tue,
                    Weekday::Wed,
                    Weekday::Thu,
                    Weekday::Fri,
                    Weekday::Sat,
                    Weekday::Sun,
                ],
                vec![year(2030, &[], &[])],
            ),
            CalendarError::AllDaysOff,
        ),
        (
            Calendar::new(
                weekend.clone(),
                vec![year(2030, &[], &[]), year(2030, &[], &[])],
            ),
            CalendarError::DuplicateYear { year: 2030 },
        ),
        (
            Calendar::new(
                weekend.clone(),
                vec![year(2030, &[], &[]), year(2032, &[], &[])],
            ),
            CalendarError::MissingYear {
                year: 2031,
                first: 2030,
                last: 2032,
            },
        ),
        (
            Calendar::new(weekend.clone(), vec![year(2030, &[day(2031, 1, 1)], &[])]),
            CalendarError::DateInWrongYear {
                date: day(2031, 1, 1),
                year: 2030,
            },
        ),
        (
            Calendar::new(
                weekend.clone(),
                vec![year(2030, &[day(2030, 1, 1), day(2030, 1, 1)], &[])],
            ),
            CalendarError::DuplicateDate {
                date: day(2030, 1, 1),
                year: 2030,
            },
        ),
        (
            // Sat 05/01/2030 both off and worked.
            Calendar::new(
                weekend.clone(),
                vec![year(2030, &[day(2030, 1, 5)], &[day(2030, 1, 5)])],
            ),
            CalendarError::OffAndWorking {
                date: day(2030, 1, 5),
            },
        ),
        (
            // Tue 01/01/2030 cannot be "made" a working day.
            Calendar::new(weekend.clone(), vec![year(2030, &[], &[day(2030, 1, 1)])]),
            CalendarError::WorkingDayNotWeeklyDayOff {
                date: day(2030, 1, 1),
                weekday: Weekday::Tue,
            },
        ),
        (
            Calendar::new(vec![Weekday::Sun, Weekday::Sun], vec![year(2030, &[], &[])]),
            CalendarError::DuplicateWeekday {
                weekday: Weekday::Sun,
            },
        ),
    ];
    for (got, want) in cases {
        assert_eq!(got.as_ref().err(), Some(&want), "{want}");
    }
    let message = CalendarError::DateInWrongYear {
        date: day(2031, 1, 1),
        year: 2030,
    }
    .to_string();
    assert!(
        message.contains("2031-01-01") && message.contains("2030"),
        "{message}"
    );
}

#[test]
fn calendar_json_goes_through_the_same_validation() {
    let bad = r#"{"weekly_days_off": ["Sat", "Sun"], "years": [
        {"year": 2030, "days_off": [{"date": "2030-01-05", "name": "x"}],
         "working_days": [{"date": "2030-01-05", "name": "y"}]}]}"#;
    let err = serde_json::from_str::<Calendar>(bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("2030-01-05"), "{err}");
    let unknown = r#"{"years": [{"year": 2030, "holidays": []}]}"#;
    assert!(serde_json::from_str::<Calendar>(unknown).is_err());
    let shipped = Calendar::vietnam_public_sector();
    let back: Calendar = serde_json::from_str(&serde_json::to_string(&shipped).unwrap()).unwrap();
    assert_eq!(back, shipped);
}

#[test]
fn calendar_shipped_data_validates_and_merges() {
    let shipped = Calendar::vietnam_public_sector();
    let rebuilt = Calendar::new(shipped.weekly_days_off().to_vec(), shipped.years().to_vec());
    assert_eq!(rebuilt.as_ref(), Ok(&shipped));
    let merged = shipped
        .clone()
        .merge(
            Calendar::new(
                Calendar::DEFAULT_WEEKLY_DAYS_OFF.to_vec(),
                vec![year(2028, &[day(2028, 1, 1)], &[])],
            )
            .unwrap(),
        )
        .unwrap();
    assert_eq!((merged.first_year(), merged.last_year()), (2024, 2028));
    assert_eq!(merged.is_working_day(day(2028, 1, 1)), Ok(false));
    assert_eq!(
        shipped.clone().merge(shipped.clone()).err(),
        Some(CalendarError::DuplicateYear { year: 2024 })
    );
    // Correcting a weak entry: Hùng Kings' day 2025 replaced by a caller's own data.
    let corrected = shipped
        .with_year(year(2025, &[day(2025, 4, 8)], &[]))
        .unwrap();
    assert_eq!(corrected.is_working_day(day(2025, 4, 7)), Ok(true));
    assert_eq!(corrected.is_working_day(day(2025, 4, 8)), Ok(false));
}

// --- Properties ------------------------------------------------------------------------------

const SECONDS_2024_01_01: i64 = 1_704_042_000; // 2024-01-01T00:00:00+07:00
const SECONDS_2026_07_01: i64 = 1_782_838_800; // 2026-07-01T00:00:00+07:00
const SECONDS_1900_01_01: i64 = -2_208_988_800;
const SECONDS_2100_12_31: i64 = 4_133_894_400;

fn instant(seconds: i64, offset_seconds: i32) -> DateTime<FixedOffset> {
    DateTime::from_timestamp(seconds, 0)
        .unwrap()
        .with_timezone(&FixedOffset::east_opt(offset_seconds).unwrap())
}

/// Day-based periods short enough to stay mostly inside the shipped calendar.
fn covered_day_period() -> impl Strategy<Value = Period> {
    prop_oneof![
        (0u32..200).prop_map(Period::Days),
        (0u32..26).prop_map(Period::Weeks),
        (0u32..120).prop_map(Period::WorkingDays),
        (0u32..6).prop_map(Period::Months),
        (0u32..2).prop_map(Period::Years),
    ]
}

fn any_period(max: u32) -> impl Strategy<Value = Period> {
    prop_oneof![
        (0..=max).prop_map(Period::Hours),
        (0..=max).prop_map(Period::Days),
        (0..=max).prop_map(Period::Weeks),
        (0..=max).prop_map(Period::WorkingDays),
        (0..=max).prop_map(Period::Months),
        (0..=max).prop_map(Period::Years),
    ]
}

fn reading() -> impl Strategy<Value = DayReading> {
    prop_oneof![
        Just(DayReading::CivilCode),
        Just(DayReading::TwentyFourHours)
    ]
}

fn working_days_strictly_between(calendar: &Calendar, from: NaiveDate, to: NaiveDate) -> usize {
    from.iter_days()
        .skip(1)
        .take_while(|d| *d < to)
        .filter(|d| calendar.is_working_day(*d).unwrap())
        .count()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn prop_due_is_not_before_the_start_and_after_it_when_nonzero(
        seconds in SECONDS_2024_01_01..SECONDS_2026_07_01,
        period in prop_oneof![covered_day_period(), (0u32..10_000).prop_map(Period::Hours)],
        reading in reading(),
    ) {
        let start = instant(seconds, 0);
        if let Ok(d) = deadline(start, period, &Calendar::vietnam_public_sector(), reading) {
            prop_assert!(d.due() >= start);
            let zero = matches!(period, Period::Hours(0))
                || (period == Period::Days(0) && reading == DayReading::TwentyFourHours)
                || (period == Period::Weeks(0) && reading == DayReading::TwentyFourHours);
            if !zero {
                prop_assert!(d.due() > start, "{d:?}");
            }
        }
    }

    #[test]
    fn prop_blds_148_6_civil_code_day_periods_end_at_local_midnight_after_a_working_day(
        seconds in SECONDS_2024_01_01..SECONDS_2026_07_01,
        period in covered_day_period(),
    ) {
        let calendar = Calendar::vietnam_public_sector();
        if let Ok(d) = deadline(instant(seconds, 0), period, &calendar, DayReading::CivilCode) {
            prop_assert_eq!(*d.due().offset(), VIETNAM_OFFSET);
            prop_assert_eq!(d.due().time(), NaiveTime::MIN);
            prop_assert_eq!(d.due().date_naive().pred_opt(), Some(d.last_day()));
            prop_assert_eq!(calendar.is_working_day(d.last_day()), Ok(true));
            if let Some(moved_from) = d.moved_from() {
                prop_assert!(moved_from < d.last_day());
                prop_assert_eq!(calendar.is_working_day(moved_from), Ok(false));
            }
        }
    }

    #[test]
    fn prop_due_never_moves_earlier_when_the_start_moves_later(
        seconds in SECONDS_2024_01_01..SECONDS_2026_07_01,
        later_by in 0i64..(40 * 86_400),
        period in prop_oneof![covered_day_period(), (0u32..10_000).prop_map(Period::Hours)],
        reading in reading(),
    ) {
        let calendar = Calendar::vietnam_public_sector();
        let early = deadline(instant(seconds, 0), period, &calendar, reading);
        let late = deadline(instant(seconds + later_by, 0), period, &calendar, reading);
        if let (Ok(early), Ok(late)) = (early, late) {
            prop_assert!(early.due() <= late.due(), "{early:?} {late:?}");
        }
    }

    #[test]
    fn prop_the_offset_of_the_input_does_not_matter(
        seconds in SECONDS_2024_01_01..SECONDS_2026_07_01,
        offset in -86_399i32..=86_399,
        period in prop_oneof![covered_day_period(), (0u32..10_000).prop_map(Period::Hours)],
        reading in reading(),
    ) {
        let calendar = Calendar::vietnam_public_sector();
        let in_vietnam = deadline(instant(seconds, 25_200), period, &calendar, reading);
        let elsewhere = deadline(instant(seconds, offset), period, &calendar, reading);
        match (in_vietnam, elsewhere) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(&a, &b);
                prop_assert_eq!(a.start().to_rfc3339(), b.start().to_rfc3339());
                prop_assert_eq!(a.due().to_rfc3339(), b.due().to_rfc3339());
            }
            // Errors name the same dates; an overflow's `start` compares as an instant.
            (Err(a), Err(b)) => prop_assert_eq!(a, b),
            (a, b) => prop_assert!(false, "{a:?} vs {b:?}"),
        }
    }

    #[test]
    fn prop_the_twenty_four_hour_reading_always_ends_earlier(
        seconds in SECONDS_2024_01_01..SECONDS_2026_07_01,
        period in prop_oneof![(0u32..200).prop_map(Period::Days), (0u32..26).prop_map(Period::Weeks)],
    ) {
        let calendar = Calendar::vietnam_public_sector();
        let start = instant(seconds, 0);
        let hours = deadline(start, period, &calendar, DayReading::TwentyFourHours);
        if let (Ok(hours), Ok(civil)) = (hours, deadline(start, period, &calendar, DayReading::CivilCode)) {
            prop_assert!(hours.due() < civil.due(), "{hours:?} {civil:?}");
        }
    }

    #[test]
    fn prop_nd47_43_3_exactly_n_working_days_lie_between_the_latest_notice_and_the_event(
        seconds in SECONDS_2024_01_01..SECONDS_2026_07_01,
        n in 0u32..30,
    ) {
        let calendar = Calendar::vietnam_public_sector();
        let event = instant(seconds, 0);
        if let Ok(latest) = latest_notice_before(event, n, &calendar) {
            prop_assert_eq!(*latest.offset(), VIETNAM_OFFSET);
            prop_assert_eq!(latest.time(), NaiveTime::MIN);
            // The latest notice is at 24:00 of `notice_day`.
            let notice_day = latest.date_naive().pred_opt().unwrap();
            let event_day = event.with_timezone(&VIETNAM_OFFSET).date_naive();
            let n = usize::try_from(n).unwrap();
            prop_assert_eq!(working_days_strictly_between(&calendar, notice_day, event_day), n);
            if n > 0 {
                // One day later would leave one working day too few.
                let next = latest.date_naive();
                prop_assert_eq!(working_days_strictly_between(&calendar, next, event_day), n - 1);
            }
        }
    }

    #[test]
    fn prop_never_panics_for_starts_in_1900_to_2100(
        seconds in SECONDS_1900_01_01..SECONDS_2100_12_31,
        offset in -86_399i32..=86_399,
        period in any_period(10_000),
        reading in reading(),
    ) {
        let calendar = Calendar::vietnam_public_sector();
        let start = instant(seconds, offset);
        let _ = deadline(start, period, &calendar, reading);
        let n = match period {
            Period::Hours(n) | Period::Days(n) | Period::Weeks(n)
            | Period::WorkingDays(n) | Period::Months(n) | Period::Years(n) => n,
        };
        let _ = latest_notice_before(start, n, &calendar);
    }
}
