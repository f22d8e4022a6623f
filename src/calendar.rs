//! The calendar of working days, as data.
//!
//! Whether a date is a working day depends on the weekly days off (Saturday and Sunday for
//! state agencies, QĐ 188/1999/QĐ-TTg Art. 1), the public holidays of the Labour Code 2019
//! (Đ112), and the swaps the Prime Minister fixes every year (a weekday off in exchange
//! for a Saturday worked). None of this can be computed, so a [`Calendar`] is data: the
//! weekly days off plus, for every covered year, a [`YearCalendar`] listing the extra
//! [`DayOff`]s and the weekend days made [`WorkingDay`]s.
//!
//! A calendar never guesses: asking about a date in a year it does not cover is
//! [`CalendarError::NotCovered`], not a silent "weekday = working day".

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A day off in a given year beyond the weekly days off: a public holiday, a day of Tết,
/// or a weekday given off in a swap.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use lgsp_policy::DayOff;
///
/// let day = DayOff {
///     date: NaiveDate::from_ymd_opt(2024, 9, 2).ok_or("date")?,
///     name: "Quốc khánh / National Day".to_owned(),
/// };
/// assert_eq!(day.date.to_string(), "2024-09-02");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DayOff {
    /// The date.
    pub date: NaiveDate,
    /// What the day is, in Vietnamese and English: `Quốc khánh / National Day`.
    pub name: String,
}

/// A day that would be a weekly day off but is worked, usually in exchange for a weekday
/// given off (`ngày làm bù`).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use lgsp_policy::WorkingDay;
///
/// let day = WorkingDay {
///     date: NaiveDate::from_ymd_opt(2024, 5, 4).ok_or("date")?,
///     name: "Làm bù cho thứ Hai 29/04 / Worked in exchange for Mon 29/04".to_owned(),
///     replaces: NaiveDate::from_ymd_opt(2024, 4, 29),
/// };
/// assert_eq!(day.replaces.map(|d| d.to_string()).as_deref(), Some("2024-04-29"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingDay {
    /// The date; it must fall on one of the calendar's weekly days off.
    pub date: NaiveDate,
    /// Why it is worked, in Vietnamese and English.
    pub name: String,
    /// The day off it makes up for, if any. When that day lies in a year the calendar
    /// covers, it must be listed there as a [`DayOff`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<NaiveDate>,
}

/// The exceptions to the weekly pattern in one year.
///
/// # Example
///
/// ```
/// use lgsp_policy::YearCalendar;
///
/// let year = YearCalendar { year: 2030, days_off: vec![], working_days: vec![] };
/// assert_eq!(year.year, 2030);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct YearCalendar {
    /// The year (Gregorian, Đ145.2 of the Civil Code).
    pub year: i32,
    /// Public holidays, days of Tết and swapped days off. A day off may fall on a weekly
    /// day off (Tết often spans a weekend); listing it is harmless.
    #[serde(default)]
    pub days_off: Vec<DayOff>,
    /// Weekly days off that are worked this year.
    #[serde(default)]
    pub working_days: Vec<WorkingDay>,
}

/// A validated calendar of working days covering a contiguous run of years.
///
/// Working days cannot be computed: besides the weekly days off (Saturday and Sunday for
/// state agencies, QĐ 188/1999/QĐ-TTg Art. 1) there are the public holidays of the Labour
/// Code 2019 (Đ112), whose lunar dates and adjacent days the Prime Minister fixes every
/// year, and swaps of a weekday off for a Saturday worked. So a calendar is data: the
/// weekly days off and, for each covered year, a [`YearCalendar`] of extra [`DayOff`]s and
/// of weekly days off made [`WorkingDay`]s. It never guesses: asking about a date outside
/// the covered years is [`CalendarError::NotCovered`].
///
/// Build one with [`Calendar::new`], take the shipped one with
/// [`Calendar::vietnam_public_sector`], or deserialise one from JSON (which runs the same
/// validation).
///
/// # Example
///
/// ```
/// use chrono::{NaiveDate, Weekday};
/// use lgsp_policy::{Calendar, DayOff, YearCalendar};
///
/// let calendar: Calendar = serde_json::from_str(r#"{
///     "weekly_days_off": ["Sat", "Sun"],
///     "years": [{ "year": 2030,
///                 "days_off": [{ "date": "2030-01-01", "name": "Tết Dương lịch / New Year's Day" }] }]
/// }"#)?;
/// assert_eq!(calendar.weekly_days_off(), &[Weekday::Sat, Weekday::Sun]);
/// assert!(!calendar.is_working_day(NaiveDate::from_ymd_opt(2030, 1, 1).ok_or("date")?)?);
///
/// // The same validation as `Calendar::new`: a date under the wrong year is refused.
/// let bad = r#"{ "years": [{ "year": 2030,
///                "days_off": [{ "date": "2031-01-01", "name": "x" }] }] }"#;
/// assert!(serde_json::from_str::<Calendar>(bad).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "CalendarData", into = "CalendarData")]
pub struct Calendar {
    /// Sorted Monday first, no duplicates, fewer than seven.
    weekly_days_off: Vec<Weekday>,
    /// Sorted by year, contiguous, each with sorted, disjoint, duplicate-free days.
    years: Vec<YearCalendar>,
}

/// The serialised form of a [`Calendar`], validated by `TryFrom` on the way in.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Calendar")]
struct CalendarData {
    /// The days of the week that are off; Saturday and Sunday when omitted
    /// (QĐ 188/1999/QĐ-TTg Art. 1).
    #[serde(default = "default_weekly_days_off")]
    weekly_days_off: Vec<Weekday>,
    /// One entry per covered year; the years must be contiguous.
    years: Vec<YearCalendar>,
}

fn default_weekly_days_off() -> Vec<Weekday> {
    Calendar::DEFAULT_WEEKLY_DAYS_OFF.to_vec()
}

impl TryFrom<CalendarData> for Calendar {
    type Error = CalendarError;
    fn try_from(data: CalendarData) -> Result<Self, Self::Error> {
        Calendar::new(data.weekly_days_off, data.years)
    }
}

impl From<Calendar> for CalendarData {
    fn from(calendar: Calendar) -> Self {
        CalendarData {
            weekly_days_off: calendar.weekly_days_off,
            years: calendar.years,
        }
    }
}

/// Why a calendar could not be built, or could not answer.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use lgsp_policy::{Calendar, CalendarError};
///
/// let calendar = Calendar::vietnam_public_sector();
/// let day = NaiveDate::from_ymd_opt(2027, 1, 4).ok_or("date")?;
/// let error = calendar.is_working_day(day).err().ok_or("2027 is covered")?;
/// let advice = match &error {
///     // The calendar never guesses: ask the caller for the missing year.
///     CalendarError::NotCovered { date, last, .. } => {
///         format!("supply a calendar for {} (this one ends in {last})", date.format("%Y"))
///     }
///     _ => error.to_string(), // the enum is non-exhaustive
/// };
/// assert_eq!(advice, "supply a calendar for 2027 (this one ends in 2026)");
/// assert_eq!(Calendar::new(vec![], vec![]), Err(CalendarError::NoYears));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The date lies in a year the calendar does not cover. The calendar never guesses.
    #[error(
        "the calendar does not cover {date}: it covers the years {first} to {last}; \
         supply a calendar for {year}",
        year = date.year()
    )]
    NotCovered {
        /// The date asked about.
        date: NaiveDate,
        /// The first covered year.
        first: i32,
        /// The last covered year.
        last: i32,
    },
    /// No year was given.
    #[error("a calendar must cover at least one year")]
    NoYears,
    /// All seven weekdays were given as weekly days off.
    #[error("all seven weekdays are weekly days off: no day would ever be a working day")]
    AllDaysOff,
    /// A weekday was listed twice among the weekly days off.
    #[error("{weekday} is listed twice among the weekly days off")]
    DuplicateWeekday {
        /// The repeated weekday.
        weekday: Weekday,
    },
    /// A year was given twice.
    #[error("the year {year} is given twice")]
    DuplicateYear {
        /// The repeated year.
        year: i32,
    },
    /// The covered years have a hole.
    #[error(
        "the covered years must be contiguous, but {year} is missing between {first} and {last}"
    )]
    MissingYear {
        /// The first missing year.
        year: i32,
        /// The first covered year.
        first: i32,
        /// The last covered year.
        last: i32,
    },
    /// A year too close to the ends of the representable dates.
    #[error("the year {year} is outside the range of years a calendar can cover")]
    YearOutOfRange {
        /// The year.
        year: i32,
    },
    /// A date was listed under a year it does not belong to.
    #[error("{date} is listed under the year {year}")]
    DateInWrongYear {
        /// The date.
        date: NaiveDate,
        /// The year it was listed under.
        year: i32,
    },
    /// A date was listed twice, as two days off or as two working days.
    #[error("{date} is listed twice in the year {year}")]
    DuplicateDate {
        /// The date.
        date: NaiveDate,
        /// Its year.
        year: i32,
    },
    /// A date was listed both as a day off and as a working day.
    #[error("{date} is listed both as a day off and as a working day")]
    OffAndWorking {
        /// The date.
        date: NaiveDate,
    },
    /// A working day was listed on a weekday that is a working day anyway: most likely a
    /// wrong date.
    #[error(
        "{date} is listed as a working day but is a {weekday}, not a weekly day off; \
         only a weekly day off can be made a working day"
    )]
    WorkingDayNotWeeklyDayOff {
        /// The date.
        date: NaiveDate,
        /// Its weekday.
        weekday: Weekday,
    },
    /// A working day makes up for a day that the calendar does not list as a day off.
    #[error("the working day {date} replaces {replaces}, which is not listed as a day off")]
    ReplacesNotDayOff {
        /// The working day.
        date: NaiveDate,
        /// The day it claims to replace.
        replaces: NaiveDate,
    },
    /// Two calendars to merge disagree on the weekly days off.
    #[error("cannot merge calendars with different weekly days off ({ours:?} and {theirs:?})")]
    WeeklyDaysOffDiffer {
        /// The weekly days off of the calendar merged into.
        ours: Vec<Weekday>,
        /// The weekly days off of the calendar merged in.
        theirs: Vec<Weekday>,
    },
}

/// Builds a date at compile time: an invalid literal is a compile error, never a panic.
macro_rules! date {
    ($y:literal - $m:literal - $d:literal) => {
        const {
            match NaiveDate::from_ymd_opt($y, $m, $d) {
                Some(date) => date,
                None => panic!("invalid date literal"),
            }
        }
    };
}

// Names used by the shipped calendar.
const NEW_YEAR: &str = "Tết Dương lịch / New Year's Day";
const TET: &str = "Tết Nguyên đán / Lunar New Year (Tết)";
const HUNG_KINGS: &str = "Giỗ Tổ Hùng Vương / Hùng Kings' Commemoration Day";
const REUNIFICATION: &str = "Ngày Giải phóng miền Nam, thống nhất đất nước / Reunification Day";
const LABOUR: &str = "Ngày Quốc tế Lao động / International Workers' Day";
const NATIONAL: &str = "Quốc khánh / National Day";
const NATIONAL_ADJACENT: &str = "Quốc khánh (ngày liền kề) / National Day (adjacent day)";
const SWAPPED_OFF: &str = "Ngày nghỉ hoán đổi / Day off swapped for a Saturday worked";
const SWAPPED_WORKED: &str = "Ngày làm bù / Saturday worked in exchange for a day off";

type ShippedYear = (
    i32,
    &'static [(NaiveDate, &'static str)],
    &'static [(NaiveDate, NaiveDate)],
);

/// The shipped years: days off in date order, then (working day, day off it replaces).
const SHIPPED: [ShippedYear; 3] = [
    (
        2024,
        &[
            (date!(2024 - 1 - 1), NEW_YEAR),
            (date!(2024 - 2 - 8), TET),
            (date!(2024 - 2 - 9), TET),
            (date!(2024 - 2 - 10), TET),
            (date!(2024 - 2 - 11), TET),
            (date!(2024 - 2 - 12), TET),
            (date!(2024 - 2 - 13), TET),
            (date!(2024 - 2 - 14), TET),
            (date!(2024 - 4 - 18), HUNG_KINGS),
            (date!(2024 - 4 - 29), SWAPPED_OFF),
            (date!(2024 - 4 - 30), REUNIFICATION),
            (date!(2024 - 5 - 1), LABOUR),
            (date!(2024 - 9 - 2), NATIONAL),
            (date!(2024 - 9 - 3), NATIONAL_ADJACENT),
        ],
        &[(date!(2024 - 5 - 4), date!(2024 - 4 - 29))],
    ),
    (
        2025,
        &[
            (date!(2025 - 1 - 1), NEW_YEAR),
            (date!(2025 - 1 - 25), TET),
            (date!(2025 - 1 - 26), TET),
            (date!(2025 - 1 - 27), TET),
            (date!(2025 - 1 - 28), TET),
            (date!(2025 - 1 - 29), TET),
            (date!(2025 - 1 - 30), TET),
            (date!(2025 - 1 - 31), TET),
            (date!(2025 - 2 - 1), TET),
            (date!(2025 - 2 - 2), TET),
            (date!(2025 - 4 - 7), HUNG_KINGS),
            (date!(2025 - 4 - 30), REUNIFICATION),
            (date!(2025 - 5 - 1), LABOUR),
            (date!(2025 - 5 - 2), SWAPPED_OFF),
            (date!(2025 - 9 - 1), NATIONAL_ADJACENT),
            (date!(2025 - 9 - 2), NATIONAL),
        ],
        &[(date!(2025 - 4 - 26), date!(2025 - 5 - 2))],
    ),
    (
        2026,
        &[
            (date!(2026 - 1 - 1), NEW_YEAR),
            (date!(2026 - 1 - 2), SWAPPED_OFF),
            (date!(2026 - 2 - 14), TET),
            (date!(2026 - 2 - 15), TET),
            (date!(2026 - 2 - 16), TET),
            (date!(2026 - 2 - 17), TET),
            (date!(2026 - 2 - 18), TET),
            (date!(2026 - 2 - 19), TET),
            (date!(2026 - 2 - 20), TET),
            (date!(2026 - 2 - 21), TET),
            (date!(2026 - 2 - 22), TET),
            (
                date!(2026 - 4 - 27),
                "Giỗ Tổ Hùng Vương (nghỉ bù cho Chủ nhật 26/04) / \
                 Hùng Kings' Commemoration Day (in lieu of Sun 26/04)",
            ),
            (date!(2026 - 4 - 30), REUNIFICATION),
            (date!(2026 - 5 - 1), LABOUR),
            (date!(2026 - 8 - 31), SWAPPED_OFF),
            (date!(2026 - 9 - 1), NATIONAL_ADJACENT),
            (date!(2026 - 9 - 2), NATIONAL),
        ],
        &[
            (date!(2026 - 1 - 10), date!(2026 - 1 - 2)),
            (date!(2026 - 8 - 22), date!(2026 - 8 - 31)),
        ],
    ),
];

impl Calendar {
    /// The weekly days off of state agencies: Saturday and Sunday
    /// (QĐ 188/1999/QĐ-TTg Art. 1). Used when a serialised calendar omits them.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::Calendar;
    ///
    /// let shipped = Calendar::vietnam_public_sector();
    /// assert_eq!(shipped.weekly_days_off(), Calendar::DEFAULT_WEEKLY_DAYS_OFF);
    /// ```
    pub const DEFAULT_WEEKLY_DAYS_OFF: [Weekday; 2] = [Weekday::Sat, Weekday::Sun];

    /// Validates and builds a calendar.
    ///
    /// The days of each year may be given in any order; they are stored sorted, as are the
    /// years and the weekly days off (Monday first).
    ///
    /// # Errors
    ///
    /// - [`CalendarError::NoYears`] when `years` is empty;
    /// - [`CalendarError::AllDaysOff`] when all seven weekdays are off, and
    ///   [`CalendarError::DuplicateWeekday`] when one is listed twice;
    /// - [`CalendarError::DuplicateYear`], [`CalendarError::MissingYear`] (the years must be
    ///   contiguous) and [`CalendarError::YearOutOfRange`];
    /// - [`CalendarError::DateInWrongYear`], [`CalendarError::DuplicateDate`],
    ///   [`CalendarError::OffAndWorking`], [`CalendarError::WorkingDayNotWeeklyDayOff`] and
    ///   [`CalendarError::ReplacesNotDayOff`] for the days of a year.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{NaiveDate, Weekday};
    /// use lgsp_policy::{Calendar, CalendarError, DayOff, YearCalendar};
    ///
    /// let day = |m, d| NaiveDate::from_ymd_opt(2030, m, d).ok_or("date");
    /// let year = YearCalendar {
    ///     year: 2030,
    ///     days_off: vec![DayOff { date: day(1, 1)?, name: "Tết Dương lịch / New Year's Day".into() }],
    ///     working_days: vec![],
    /// };
    /// let calendar = Calendar::new(vec![Weekday::Sat, Weekday::Sun], vec![year.clone()])?;
    /// assert!(calendar.covers(day(6, 1)?));
    ///
    /// let twice = Calendar::new(vec![Weekday::Sun], vec![year.clone(), year]);
    /// assert_eq!(twice, Err(CalendarError::DuplicateYear { year: 2030 }));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        weekly_days_off: Vec<Weekday>,
        years: Vec<YearCalendar>,
    ) -> Result<Calendar, CalendarError> {
        let mut weekly_days_off = weekly_days_off;
        weekly_days_off.sort_by_key(Weekday::num_days_from_monday);
        for pair in weekly_days_off.windows(2) {
            if let [a, b] = pair
                && a == b
            {
                return Err(CalendarError::DuplicateWeekday { weekday: *a });
            }
        }
        if weekly_days_off.len() >= 7 {
            return Err(CalendarError::AllDaysOff);
        }

        let mut years = years;
        years.sort_by_key(|y| y.year);
        let (first, last) = match (years.first(), years.last()) {
            (Some(f), Some(l)) => (f.year, l.year),
            _ => return Err(CalendarError::NoYears),
        };
        for pair in years.windows(2) {
            if let [a, b] = pair {
                if a.year == b.year {
                    return Err(CalendarError::DuplicateYear { year: a.year });
                }
                if a.year.checked_add(1) != Some(b.year) {
                    return Err(CalendarError::MissingYear {
                        year: a.year.saturating_add(1),
                        first,
                        last,
                    });
                }
            }
        }

        for year in &mut years {
            check_year(year, &weekly_days_off)?;
        }
        let calendar = Calendar {
            weekly_days_off,
            years,
        };
        for year in &calendar.years {
            for working in &year.working_days {
                if let Some(replaces) = working.replaces
                    && calendar.covers(replaces)
                    && !calendar.is_listed_day_off(replaces)
                {
                    return Err(CalendarError::ReplacesNotDayOff {
                        date: working.date,
                        replaces,
                    });
                }
            }
        }
        Ok(calendar)
    }

    /// The calendar of public servants for 2024, 2025 and 2026, as announced by the Prime
    /// Minister each year (Labour Code 2019 Đ112), with Saturday and Sunday off.
    ///
    /// | year | days off besides weekends | Saturdays worked |
    /// |---|---|---|
    /// | 2024 | 1/1; Tết Thu 08/02 – Wed 14/02; Hùng Kings Thu 18/04; Mon 29/04; 30/4; 1/5; 2–3/9 | Sat 04/05 (for Mon 29/04) |
    /// | 2025 | 1/1; Tết Sat 25/01 – Sun 02/02; Hùng Kings Mon 07/04; 30/4; 1/5; Fri 02/05; 1–2/9 | Sat 26/04 (for Fri 02/05) |
    /// | 2026 | 1/1; Fri 02/01; Tết Sat 14/02 – Sun 22/02; Hùng Kings Mon 27/04 (for Sun 26/04); 30/4; 1/5; Mon 31/08; 1–2/9 | Sat 10/01 (for Fri 02/01), Sat 22/08 (for Mon 31/08) |
    ///
    /// **Sources.** The table comes from public secondary sites that reproduce the official
    /// announcements, not from the official gazette. One entry rests on a single weak
    /// source: **Hùng Kings' day 2025 (Mon 07/04)**. The calendar applies to state
    /// agencies; private employers may swap days differently. Callers who hold better data,
    /// or need other years, supply their own calendar ([`Calendar::new`], JSON) or correct
    /// a year with [`Calendar::with_year`].
    ///
    /// # Errors
    ///
    /// None: the data is checked by a unit test that builds it through [`Calendar::new`].
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lgsp_policy::Calendar;
    ///
    /// let calendar = Calendar::vietnam_public_sector();
    /// assert_eq!((calendar.first_year(), calendar.last_year()), (2024, 2026));
    /// let sat_2024_05_04 = NaiveDate::from_ymd_opt(2024, 5, 4).ok_or("date")?;
    /// assert!(calendar.is_working_day(sat_2024_05_04)?); // swapped for Mon 29/04
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vietnam_public_sector() -> Calendar {
        let years = SHIPPED
            .iter()
            .map(|(year, days_off, working_days)| YearCalendar {
                year: *year,
                days_off: days_off
                    .iter()
                    .map(|(date, name)| DayOff {
                        date: *date,
                        name: (*name).to_owned(),
                    })
                    .collect(),
                working_days: working_days
                    .iter()
                    .map(|(date, replaces)| WorkingDay {
                        date: *date,
                        name: format!("{SWAPPED_WORKED} ({replaces})"),
                        replaces: Some(*replaces),
                    })
                    .collect(),
            })
            .collect();
        Calendar {
            weekly_days_off: Self::DEFAULT_WEEKLY_DAYS_OFF.to_vec(),
            years,
        }
    }

    /// The weekly days off, Monday first.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::Weekday;
    /// let calendar = lgsp_policy::Calendar::vietnam_public_sector();
    /// assert_eq!(calendar.weekly_days_off(), &[Weekday::Sat, Weekday::Sun]);
    /// ```
    pub fn weekly_days_off(&self) -> &[Weekday] {
        &self.weekly_days_off
    }

    /// The covered years, in order, each with its days sorted by date.
    ///
    /// # Example
    ///
    /// ```
    /// let calendar = lgsp_policy::Calendar::vietnam_public_sector();
    /// let years: Vec<i32> = calendar.years().iter().map(|y| y.year).collect();
    /// assert_eq!(years, [2024, 2025, 2026]);
    /// ```
    pub fn years(&self) -> &[YearCalendar] {
        &self.years
    }

    /// The data of one year, if covered.
    ///
    /// # Example
    ///
    /// ```
    /// let calendar = lgsp_policy::Calendar::vietnam_public_sector();
    /// assert_eq!(calendar.year(2025).map(|y| y.working_days.len()), Some(1));
    /// assert!(calendar.year(2023).is_none());
    /// ```
    pub fn year(&self, year: i32) -> Option<&YearCalendar> {
        let index = usize::try_from(year.checked_sub(self.first_year())?).ok()?;
        self.years.get(index)
    }

    /// The first covered year.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(lgsp_policy::Calendar::vietnam_public_sector().first_year(), 2024);
    /// ```
    pub fn first_year(&self) -> i32 {
        self.years.first().map_or(i32::MAX, |y| y.year)
    }

    /// The last covered year.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(lgsp_policy::Calendar::vietnam_public_sector().last_year(), 2026);
    /// ```
    pub fn last_year(&self) -> i32 {
        self.years.last().map_or(i32::MIN, |y| y.year)
    }

    /// Whether the calendar can say if `date` is a working day.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let calendar = lgsp_policy::Calendar::vietnam_public_sector();
    /// assert!(calendar.covers(NaiveDate::from_ymd_opt(2026, 12, 31).ok_or("date")?));
    /// assert!(!calendar.covers(NaiveDate::from_ymd_opt(2027, 1, 1).ok_or("date")?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.year(date.year()).is_some()
    }

    fn year_of(&self, date: NaiveDate) -> Result<&YearCalendar, CalendarError> {
        self.year(date.year()).ok_or(CalendarError::NotCovered {
            date,
            first: self.first_year(),
            last: self.last_year(),
        })
    }

    fn is_listed_day_off(&self, date: NaiveDate) -> bool {
        self.year(date.year())
            .is_some_and(|y| y.days_off.binary_search_by_key(&date, |d| d.date).is_ok())
    }

    /// Whether `date` is a working day: not a weekly day off unless listed as worked, and not
    /// a listed day off.
    ///
    /// # Errors
    ///
    /// [`CalendarError::NotCovered`] when the date's year is not covered.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lgsp_policy::{Calendar, CalendarError};
    ///
    /// let calendar = Calendar::vietnam_public_sector();
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// assert!(calendar.is_working_day(day(2024, 3, 8)?)?); // a Friday
    /// assert!(!calendar.is_working_day(day(2024, 3, 9)?)?); // a Saturday
    /// assert!(!calendar.is_working_day(day(2025, 1, 29)?)?); // Tết
    /// assert!(matches!(
    ///     calendar.is_working_day(day(2023, 12, 29)?),
    ///     Err(CalendarError::NotCovered { first: 2024, last: 2026, .. })
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, CalendarError> {
        let year = self.year_of(date)?;
        if year
            .working_days
            .binary_search_by_key(&date, |w| w.date)
            .is_ok()
        {
            return Ok(true);
        }
        if year
            .days_off
            .binary_search_by_key(&date, |d| d.date)
            .is_ok()
        {
            return Ok(false);
        }
        Ok(!self.weekly_days_off.contains(&date.weekday()))
    }

    /// The first working day on or after `date`.
    ///
    /// # Errors
    ///
    /// [`CalendarError::NotCovered`] when the search reaches a date outside the calendar
    /// before finding a working day.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let calendar = lgsp_policy::Calendar::vietnam_public_sector();
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// // The first day of Tết 2025 was a Saturday; work resumed on Monday 3 February.
    /// assert_eq!(calendar.next_working_day_on_or_after(day(2025, 1, 25)?)?, day(2025, 2, 3)?);
    /// assert!(calendar.next_working_day_on_or_after(day(2026, 12, 31)?).is_ok()); // a Thursday
    /// assert!(calendar.next_working_day_on_or_after(day(2027, 1, 4)?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn next_working_day_on_or_after(
        &self,
        date: NaiveDate,
    ) -> Result<NaiveDate, CalendarError> {
        match self.is_working_day(date) {
            Ok(true) => Ok(date),
            Ok(false) => {
                self.working_days_after(date)
                    .next()
                    .unwrap_or(Err(CalendarError::NotCovered {
                        date,
                        first: self.first_year(),
                        last: self.last_year(),
                    }))
            }
            Err(e) => Err(e),
        }
    }

    /// The working days strictly after `date`, in increasing order.
    ///
    /// The iterator yields `Err(CalendarError::NotCovered)` once, at the first date outside
    /// the calendar, and then ends. `date` itself need not be covered.
    ///
    /// # Errors
    ///
    /// The items are `Err(CalendarError::NotCovered)` when the walk leaves the calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let calendar = lgsp_policy::Calendar::vietnam_public_sector();
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let next: Vec<NaiveDate> = calendar
    ///     .working_days_after(day(2024, 4, 26)?)
    ///     .take(3)
    ///     .collect::<Result<_, _>>()?;
    /// // Mon 29/04 was swapped for Sat 04/05; 30/4 and 1/5 are holidays.
    /// assert_eq!(next, [day(2024, 5, 2)?, day(2024, 5, 3)?, day(2024, 5, 4)?]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn working_days_after(&self, date: NaiveDate) -> WorkingDaysIter<'_> {
        WorkingDaysIter {
            calendar: self,
            cursor: date.succ_opt(),
            from: date,
            forward: true,
        }
    }

    /// The working days strictly before `date`, in decreasing order.
    ///
    /// Like [`Calendar::working_days_after`], it yields `Err(CalendarError::NotCovered)` once
    /// when it leaves the calendar, and then ends.
    ///
    /// # Errors
    ///
    /// The items are `Err(CalendarError::NotCovered)` when the walk leaves the calendar.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lgsp_policy::{Calendar, CalendarError};
    /// let calendar = Calendar::vietnam_public_sector();
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// let before: Vec<_> = calendar.working_days_before(day(2024, 1, 5)?).collect();
    /// // Thu 4, Wed 3, Tue 2 January; then 1 January (a holiday) and 2023, not covered.
    /// assert_eq!(before.len(), 4);
    /// assert_eq!(before.first(), Some(&Ok(day(2024, 1, 4)?)));
    /// assert!(matches!(before.last(), Some(Err(CalendarError::NotCovered { .. }))));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn working_days_before(&self, date: NaiveDate) -> WorkingDaysIter<'_> {
        WorkingDaysIter {
            calendar: self,
            cursor: date.pred_opt(),
            from: date,
            forward: false,
        }
    }

    /// Adds the years of `other` to this calendar.
    ///
    /// # Errors
    ///
    /// [`CalendarError::WeeklyDaysOffDiffer`] when the two calendars have different weekly
    /// days off, [`CalendarError::DuplicateYear`] when both cover a year (use
    /// [`Calendar::with_year`] to replace one), [`CalendarError::MissingYear`] when the
    /// result would have a hole, and any other validation error of [`Calendar::new`].
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lgsp_policy::{Calendar, YearCalendar};
    ///
    /// let mine = Calendar::new(
    ///     Calendar::DEFAULT_WEEKLY_DAYS_OFF.to_vec(),
    ///     vec![YearCalendar { year: 2027, days_off: vec![], working_days: vec![] }],
    /// )?;
    /// let calendar = Calendar::vietnam_public_sector().merge(mine)?;
    /// assert_eq!(calendar.last_year(), 2027);
    /// assert!(calendar.is_working_day(NaiveDate::from_ymd_opt(2027, 3, 1).ok_or("date")?)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn merge(self, other: Calendar) -> Result<Calendar, CalendarError> {
        if self.weekly_days_off != other.weekly_days_off {
            return Err(CalendarError::WeeklyDaysOffDiffer {
                ours: self.weekly_days_off,
                theirs: other.weekly_days_off,
            });
        }
        let mut years = self.years;
        years.extend(other.years);
        Calendar::new(self.weekly_days_off, years)
    }

    /// Adds a year, or replaces the data of a year already covered (for instance to
    /// correct a shipped year from a better source).
    ///
    /// # Errors
    ///
    /// [`CalendarError::MissingYear`] when the year is not adjacent to the covered ones, and
    /// any validation error of [`Calendar::new`] for its days.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lgsp_policy::{Calendar, YearCalendar};
    ///
    /// let calendar = Calendar::vietnam_public_sector()
    ///     .with_year(YearCalendar { year: 2023, days_off: vec![], working_days: vec![] })?;
    /// assert_eq!(calendar.first_year(), 2023);
    /// assert!(Calendar::vietnam_public_sector()
    ///     .with_year(YearCalendar { year: 2030, days_off: vec![], working_days: vec![] })
    ///     .is_err()); // 2027–2029 would be missing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_year(self, year: YearCalendar) -> Result<Calendar, CalendarError> {
        let mut years = self.years;
        years.retain(|y| y.year != year.year);
        years.push(year);
        Calendar::new(self.weekly_days_off, years)
    }
}

/// Checks one year's days and sorts them.
fn check_year(year: &mut YearCalendar, weekly_days_off: &[Weekday]) -> Result<(), CalendarError> {
    let y = year.year;
    let representable = y
        .checked_sub(1)
        .and_then(|before| NaiveDate::from_ymd_opt(before, 12, 31))
        .is_some()
        && y.checked_add(1)
            .and_then(|after| NaiveDate::from_ymd_opt(after, 1, 1))
            .is_some();
    if !representable {
        return Err(CalendarError::YearOutOfRange { year: y });
    }
    year.days_off.sort_by_key(|d| d.date);
    year.working_days.sort_by_key(|w| w.date);
    let mut seen_off = BTreeSet::new();
    for day in &year.days_off {
        if day.date.year() != y {
            return Err(CalendarError::DateInWrongYear {
                date: day.date,
                year: y,
            });
        }
        if !seen_off.insert(day.date) {
            return Err(CalendarError::DuplicateDate {
                date: day.date,
                year: y,
            });
        }
    }
    let mut seen_working = BTreeSet::new();
    for day in &year.working_days {
        if day.date.year() != y {
            return Err(CalendarError::DateInWrongYear {
                date: day.date,
                year: y,
            });
        }
        if !seen_working.insert(day.date) {
            return Err(CalendarError::DuplicateDate {
                date: day.date,
                year: y,
            });
        }
        if seen_off.contains(&day.date) {
            return Err(CalendarError::OffAndWorking { date: day.date });
        }
        if !weekly_days_off.contains(&day.date.weekday()) {
            return Err(CalendarError::WorkingDayNotWeeklyDayOff {
                date: day.date,
                weekday: day.date.weekday(),
            });
        }
    }
    Ok(())
}

/// An iterator over working days, forwards from [`Calendar::working_days_after`] or
/// backwards from [`Calendar::working_days_before`].
///
/// It yields `Err(CalendarError::NotCovered)` once when it steps outside the calendar, and
/// then ends.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// let calendar = lgsp_policy::Calendar::vietnam_public_sector();
/// let after_christmas = NaiveDate::from_ymd_opt(2026, 12, 25).ok_or("date")?;
/// let days: Vec<_> = calendar.working_days_after(after_christmas).collect();
/// assert_eq!(days.len(), 5); // 28–31 December, then the error for 2027
/// assert!(days.last().is_some_and(|d| d.is_err()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct WorkingDaysIter<'a> {
    calendar: &'a Calendar,
    /// The next date to look at; `None` when the walk is over.
    cursor: Option<NaiveDate>,
    /// Where the walk started, for the error when the cursor cannot move.
    from: NaiveDate,
    forward: bool,
}

impl Iterator for WorkingDaysIter<'_> {
    type Item = Result<NaiveDate, CalendarError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let date = self.cursor?;
            self.cursor = if self.forward {
                date.succ_opt()
            } else {
                date.pred_opt()
            };
            match self.calendar.is_working_day(date) {
                Ok(true) => return Some(Ok(date)),
                Ok(false) => {
                    if self.cursor.is_none() {
                        // Unreachable for a validated calendar (covered years never touch
                        // the ends of the date range), but never loop or panic.
                        return Some(Err(CalendarError::NotCovered {
                            date: self.from,
                            first: self.calendar.first_year(),
                            last: self.calendar.last_year(),
                        }));
                    }
                }
                Err(e) => {
                    self.cursor = None;
                    return Some(Err(e));
                }
            }
        }
    }
}

impl std::iter::FusedIterator for WorkingDaysIter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_calendar_passes_validation() {
        let shipped = Calendar::vietnam_public_sector();
        let validated = Calendar::new(shipped.weekly_days_off.clone(), shipped.years.clone());
        assert_eq!(validated, Ok(shipped));
    }

    #[test]
    fn the_shipped_swaps_fall_on_the_documented_weekdays() {
        use Weekday::*;
        let expected = [
            (date!(2024 - 4 - 29), Mon),
            (date!(2024 - 5 - 4), Sat),
            (date!(2024 - 2 - 8), Thu),
            (date!(2024 - 2 - 14), Wed),
            (date!(2024 - 4 - 18), Thu),
            (date!(2025 - 1 - 25), Sat),
            (date!(2025 - 2 - 2), Sun),
            (date!(2025 - 4 - 7), Mon),
            (date!(2025 - 5 - 2), Fri),
            (date!(2025 - 4 - 26), Sat),
            (date!(2026 - 1 - 2), Fri),
            (date!(2026 - 1 - 10), Sat),
            (date!(2026 - 2 - 14), Sat),
            (date!(2026 - 2 - 22), Sun),
            (date!(2026 - 4 - 27), Mon),
            (date!(2026 - 8 - 31), Mon),
            (date!(2026 - 8 - 22), Sat),
        ];
        for (date, weekday) in expected {
            assert_eq!(date.weekday(), weekday, "{date}");
        }
    }

    #[test]
    fn the_data_round_trips_through_json_and_the_schema_names_calendar() {
        let shipped = Calendar::vietnam_public_sector();
        let json = serde_json::to_string(&shipped);
        let back = json
            .as_deref()
            .map_err(ToString::to_string)
            .and_then(|j| serde_json::from_str::<Calendar>(j).map_err(|e| e.to_string()));
        assert_eq!(back, Ok(shipped));
        let schema = serde_json::to_string(&schemars::schema_for!(Calendar)).unwrap_or_default();
        assert!(schema.contains("\"title\":\"Calendar\""), "{schema}");
        assert!(schema.contains("weekly_days_off"), "{schema}");
    }
}
