//! The calendar of working days, as data.
//!
//! Whether a date is a working day depends on the weekly days off (Saturday and Sunday for
//! state agencies, QĐ 188/1999/QĐ-TTg Art. 1), the public holidays of the Labour Code 2019
//! (Đ112), and the swaps the Prime Minister fixes every year (a weekday off in exchange
//! for a Saturday worked). None of this can be computed with certainty, so a [`Calendar`]
//! is data: the weekly days off plus, for every covered year, a [`YearCalendar`] listing
//! the extra [`DayOff`]s and the weekend days made [`WorkingDay`]s, with the
//! [`Source`]s they rest on and a [`YearStatus`]: official (fixed by the government) or
//! provisional (read from the Labour Code alone, before the government fixes the year).
//!
//! The shipped calendar is the data file `policies/calendars/vietnam.json` (schema:
//! `docs/schema/shipped-calendar.schema.json`): 2024–2026 official, 2027 provisional —
//! computed from the rules in that file on the Vietnamese lunar calendar (the private
//! `lunar` module) — and the documented options (24 November, Vietnam Culture Day).
//!
//! A calendar never guesses: asking about a date in a year it does not cover is
//! [`CalendarError::NotCovered`], not a silent "weekday = working day".

// The module's files: `building` (a calendar built and checked, the shipped calendars,
// amendments, years merged or replaced), `shipped` (the shipped data file and the rules of
// its provisional years) and `tests`; this file keeps the public types, `CalendarError`,
// what a calendar answers (its years, its working days) and `WorkingDaysIter`.

mod building;
mod shipped;
#[cfg(test)]
mod tests;

pub(crate) use shipped::ShippedData;

use chrono::{Datelike, NaiveDate, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether a year's days were fixed by the government or only read from the Labour Code.
///
/// Every deadline computed over a provisional year says so: the lifecycle decisions carry
/// the advisory `calendar_provisional` naming the year, and the duties report lists the
/// years on the duty ([`Deadline::provisional_years`](crate::time::Deadline::provisional_years)).
///
/// # Example
///
/// ```
/// use lgsp_policy::time::{Calendar, YearStatus};
/// let calendar = Calendar::vietnam_public_sector();
/// assert_eq!(calendar.year(2026).map(|y| y.status), Some(YearStatus::Official));
/// assert_eq!(calendar.year(2027).map(|y| y.status), Some(YearStatus::Provisional));
/// assert_eq!(YearStatus::default(), YearStatus::Official);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum YearStatus {
    /// The days off and swaps were fixed by the government (the Prime Minister's decision,
    /// conveyed by the Government Office and announced by the ministry). A year a caller
    /// supplies is official unless it says otherwise.
    #[default]
    Official,
    /// Read from the Labour Code alone before the government fixed the year: the fixed
    /// holidays, Tết and the Hùng Kings' day computed from the lunar calendar, no swaps.
    /// The real days may differ.
    Provisional,
}

/// An instrument a calendar year rests on: a law, a notice, a letter.
///
/// # Example
///
/// ```
/// let calendar = lgsp_policy::time::Calendar::vietnam_public_sector();
/// let sources = calendar.year(2026).map(|y| y.sources.clone()).unwrap_or_default();
/// let letter = sources.iter().find(|s| s.cite == "CV 12729/VPCP-KGVX").ok_or("letter")?;
/// assert_eq!(letter.issued.map(|d| d.to_string()).as_deref(), Some("2025-12-25"));
/// assert!(letter.confirmed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// How the days cite it ([`DayOff::source`]): `TB 5015/TB-LĐTBXH`, unique in its year.
    pub cite: String,
    /// What it is, in Vietnamese and English; says what is not confirmed.
    pub title: String,
    /// When it was issued, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued: Option<NaiveDate>,
    /// Whether its number and date were confirmed against a reproduction of the text;
    /// `false` when the instrument is known only by report.
    pub confirmed: bool,
}

/// A day off in a given year beyond the weekly days off: a public holiday, a day of Tết,
/// or a weekday given off in a swap.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use lgsp_policy::time::DayOff;
///
/// let day = DayOff::new(NaiveDate::from_ymd_opt(2024, 9, 2).ok_or("date")?, "Quốc khánh / National Day");
/// assert_eq!(day.date.to_string(), "2024-09-02");
/// assert_eq!(day.source, None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DayOff {
    /// The date.
    pub date: NaiveDate,
    /// What the day is, in Vietnamese and English: `Quốc khánh / National Day`.
    pub name: String,
    /// The [`Source::cite`] of the instrument that fixes it, one of its year's sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl DayOff {
    /// A day off with no source.
    pub fn new(date: NaiveDate, name: impl Into<String>) -> Self {
        DayOff {
            date,
            name: name.into(),
            source: None,
        }
    }
}

/// A day that would be a weekly day off but is worked, usually in exchange for a weekday
/// given off (`ngày làm bù`).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use lgsp_policy::time::WorkingDay;
///
/// let day = WorkingDay::new(
///     NaiveDate::from_ymd_opt(2024, 5, 4).ok_or("date")?,
///     "Làm bù cho thứ Hai 29/04 / Worked in exchange for Mon 29/04",
///     NaiveDate::from_ymd_opt(2024, 4, 29),
/// );
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
    /// The [`Source::cite`] of the instrument that fixes it, one of its year's sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl WorkingDay {
    /// A working day with no source.
    pub fn new(date: NaiveDate, name: impl Into<String>, replaces: Option<NaiveDate>) -> Self {
        WorkingDay {
            date,
            name: name.into(),
            replaces,
            source: None,
        }
    }
}

/// The exceptions to the weekly pattern in one year, with where they come from.
///
/// # Example
///
/// ```
/// use lgsp_policy::time::{YearCalendar, YearStatus};
///
/// let year = YearCalendar::new(2030);
/// assert_eq!((year.year, year.status), (2030, YearStatus::Official));
/// assert!(year.days_off.is_empty() && year.working_days.is_empty() && year.sources.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct YearCalendar {
    /// The year (Gregorian, Đ145.2 of the Civil Code).
    pub year: i32,
    /// Official (fixed by the government) or provisional; official when omitted.
    #[serde(default)]
    pub status: YearStatus,
    /// The instruments the year rests on; each day's `source` names one of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
    /// How the year was read, for a provisional one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Public holidays, days of Tết and swapped days off. A day off may fall on a weekly
    /// day off (Tết often spans a weekend); listing it is harmless.
    #[serde(default)]
    pub days_off: Vec<DayOff>,
    /// Weekly days off that are worked this year.
    #[serde(default)]
    pub working_days: Vec<WorkingDay>,
}

impl YearCalendar {
    /// An official year with no exceptions and no sources.
    pub fn new(year: i32) -> Self {
        YearCalendar {
            year,
            status: YearStatus::Official,
            sources: Vec::new(),
            note: None,
            days_off: Vec::new(),
            working_days: Vec::new(),
        }
    }
}

/// One change to a year of a calendar: add or remove one day off or one worked weekly day
/// off. Apply it with [`Calendar::amend`]; [`Calendar::vietnam_culture_day`] builds the
/// documented 24 November option.
///
/// Serialised with a one-key object: `{"add_day_off": {"day": {…}}}`,
/// `{"remove_day_off": {"date": "2026-08-31"}}`.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// use lgsp_policy::time::{Amendment, Calendar};
///
/// let aug_31 = NaiveDate::from_ymd_opt(2026, 8, 31).ok_or("date")?;
/// let amendment: Amendment = serde_json::from_str(r#"{"remove_day_off": {"date": "2026-08-31"}}"#)?;
/// assert_eq!(amendment, Amendment::RemoveDayOff { date: aug_31 });
/// assert_eq!(amendment.date(), aug_31);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Amendment {
    /// Adds a day off; `source`, when given, is added to the year's sources unless one
    /// with its `cite` is listed already.
    AddDayOff {
        /// The day off.
        day: DayOff,
        /// The instrument it rests on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<Source>,
    },
    /// Removes a listed day off.
    RemoveDayOff {
        /// Its date.
        date: NaiveDate,
    },
    /// Makes a weekly day off a working day.
    AddWorkingDay {
        /// The working day.
        day: WorkingDay,
        /// The instrument it rests on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<Source>,
    },
    /// Removes a listed working day.
    RemoveWorkingDay {
        /// Its date.
        date: NaiveDate,
    },
}

impl Amendment {
    /// The date the amendment changes.
    pub fn date(&self) -> NaiveDate {
        match self {
            Amendment::AddDayOff { day, .. } => day.date,
            Amendment::AddWorkingDay { day, .. } => day.date,
            Amendment::RemoveDayOff { date } | Amendment::RemoveWorkingDay { date } => *date,
        }
    }
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
/// use lgsp_policy::time::{Calendar, DayOff, YearCalendar};
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
/// use lgsp_policy::time::{Calendar, CalendarError};
///
/// let calendar = Calendar::vietnam_public_sector();
/// let day = NaiveDate::from_ymd_opt(2028, 1, 4).ok_or("date")?;
/// let error = calendar.is_working_day(day).err().ok_or("2028 is covered")?;
/// let advice = match &error {
///     // The calendar never guesses: ask the caller for the missing year.
///     CalendarError::NotCovered { date, last, .. } => {
///         format!("supply a calendar for {} (this one ends in {last})", date.format("%Y"))
///     }
///     _ => error.to_string(), // the enum is non-exhaustive
/// };
/// assert_eq!(advice, "supply a calendar for 2028 (this one ends in 2027)");
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
    /// A day names a source its year does not list.
    #[error("{date} cites the source `{cite}`, which its year does not list")]
    UnknownSource {
        /// The day.
        date: NaiveDate,
        /// The cite it names.
        cite: String,
    },
    /// Two sources of a year have the same cite.
    #[error("the source `{cite}` is listed twice in the year {year}")]
    DuplicateSource {
        /// The cite.
        cite: String,
        /// The year.
        year: i32,
    },
    /// An amendment adds a day off that is listed already.
    #[error("{date} is already listed as a day off")]
    AlreadyDayOff {
        /// The date.
        date: NaiveDate,
    },
    /// An amendment removes a day off that is not listed.
    #[error("{date} is not listed as a day off, so it cannot be removed")]
    NotListedDayOff {
        /// The date.
        date: NaiveDate,
    },
    /// An amendment adds a working day that is listed already.
    #[error("{date} is already listed as a working day")]
    AlreadyWorkingDay {
        /// The date.
        date: NaiveDate,
    },
    /// An amendment removes a working day that is not listed.
    #[error("{date} is not listed as a working day, so it cannot be removed")]
    NotListedWorkingDay {
        /// The date.
        date: NaiveDate,
    },
    /// A documented option of the shipped calendar was asked for a year it is not offered
    /// for.
    #[error("the calendar option `{code}` is offered for the years {offered:?}, not {year}")]
    OptionNotOffered {
        /// The option.
        code: String,
        /// The year asked for.
        year: i32,
        /// The years it is offered for.
        offered: Vec<i32>,
    },
    /// A rule of the shipped data gives no date in a year (a lunar date beyond the
    /// computable range, a day the month does not have).
    #[error("the rule for `{name}` gives no date in {year}")]
    RuleGivesNoDate {
        /// The day's name.
        name: String,
        /// The year.
        year: i32,
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

impl Calendar {
    /// Whether `year` is covered and [`YearStatus::Provisional`].
    ///
    /// # Example
    ///
    /// ```
    /// let calendar = lgsp_policy::time::Calendar::vietnam_public_sector();
    /// assert!(calendar.is_provisional(2027));
    /// assert!(!calendar.is_provisional(2026) && !calendar.is_provisional(2028));
    /// ```
    pub fn is_provisional(&self, year: i32) -> bool {
        self.year(year)
            .is_some_and(|y| y.status == YearStatus::Provisional)
    }

    /// The provisional years among those of the dates `from` to `to` (inclusive, either
    /// order), in increasing order.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let calendar = lgsp_policy::time::Calendar::vietnam_public_sector();
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// assert_eq!(calendar.provisional_years_between(day(2026, 12, 30)?, day(2027, 1, 4)?), [2027]);
    /// assert!(calendar.provisional_years_between(day(2026, 1, 1)?, day(2026, 12, 31)?).is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn provisional_years_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        let (a, b) = if from <= to { (from, to) } else { (to, from) };
        self.years
            .iter()
            .filter(|y| y.status == YearStatus::Provisional)
            .map(|y| y.year)
            .filter(|y| (a.year()..=b.year()).contains(y))
            .collect()
    }

    /// The weekly days off, Monday first.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::Weekday;
    /// let calendar = lgsp_policy::time::Calendar::vietnam_public_sector();
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
    /// let calendar = lgsp_policy::time::Calendar::vietnam_public_sector();
    /// let years: Vec<i32> = calendar.years().iter().map(|y| y.year).collect();
    /// assert_eq!(years, [2024, 2025, 2026, 2027]);
    /// ```
    pub fn years(&self) -> &[YearCalendar] {
        &self.years
    }

    /// The data of one year, if covered.
    ///
    /// # Example
    ///
    /// ```
    /// let calendar = lgsp_policy::time::Calendar::vietnam_public_sector();
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
    /// assert_eq!(lgsp_policy::time::Calendar::vietnam_public_sector().first_year(), 2024);
    /// ```
    pub fn first_year(&self) -> i32 {
        self.years.first().map_or(i32::MAX, |y| y.year)
    }

    /// The last covered year.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(lgsp_policy::time::Calendar::vietnam_public_sector().last_year(), 2027);
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
    /// let calendar = lgsp_policy::time::Calendar::vietnam_public_sector();
    /// assert!(calendar.covers(NaiveDate::from_ymd_opt(2027, 12, 31).ok_or("date")?));
    /// assert!(!calendar.covers(NaiveDate::from_ymd_opt(2028, 1, 1).ok_or("date")?));
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
    /// use lgsp_policy::time::{Calendar, CalendarError};
    ///
    /// let calendar = Calendar::vietnam_public_sector();
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// assert!(calendar.is_working_day(day(2024, 3, 8)?)?); // a Friday
    /// assert!(!calendar.is_working_day(day(2024, 3, 9)?)?); // a Saturday
    /// assert!(!calendar.is_working_day(day(2025, 1, 29)?)?); // Tết
    /// assert!(matches!(
    ///     calendar.is_working_day(day(2023, 12, 29)?),
    ///     Err(CalendarError::NotCovered { first: 2024, last: 2027, .. })
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
    /// let calendar = lgsp_policy::time::Calendar::vietnam_public_sector();
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// // The first day of Tết 2025 was a Saturday; work resumed on Monday 3 February.
    /// assert_eq!(calendar.next_working_day_on_or_after(day(2025, 1, 25)?)?, day(2025, 2, 3)?);
    /// assert!(calendar.next_working_day_on_or_after(day(2026, 12, 31)?).is_ok()); // a Thursday
    /// assert!(calendar.next_working_day_on_or_after(day(2028, 1, 3)?).is_err());
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
    /// let calendar = lgsp_policy::time::Calendar::vietnam_public_sector();
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
    /// use lgsp_policy::time::{Calendar, CalendarError};
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
/// // The official years only: 2024–2026.
/// let calendar = lgsp_policy::time::Calendar::vietnam_public_sector_official();
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
