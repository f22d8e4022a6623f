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

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::lunar;

/// The shipped calendar data.
const SHIPPED_JSON: &str = include_str!("../../policies/calendars/vietnam.json");

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

// ------------------------------------------------------------------ the shipped data file

/// The shipped calendar file, `policies/calendars/vietnam.json`: the official years as
/// data, the rules of the provisional years, and the documented options.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "ShippedCalendar")]
pub(crate) struct ShippedData {
    /// The weekly days off.
    weekly_days_off: Vec<Weekday>,
    /// The years the government fixed, with their sources.
    years: Vec<YearCalendar>,
    /// The years read from the Labour Code alone, and how.
    provisional: ProvisionalRules,
    /// Days a caller may add, whose legal force is not confirmed.
    #[serde(default)]
    options: Vec<CalendarOption>,
}

/// How a provisional year is computed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct ProvisionalRules {
    /// The years computed this way; they follow the official years.
    years: Vec<i32>,
    /// The instruments the rules rest on.
    sources: Vec<Source>,
    /// The reading, in Vietnamese and English; copied to each year's `note`.
    note: String,
    /// The days off, one rule each.
    days: Vec<RuleDay>,
    /// When given, a day of `days` on a weekly day off gives a day off in lieu on the next
    /// working day (Labour Code 2019 Đ111.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    in_lieu: Option<InLieu>,
}

/// A day off given by a rule.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RuleDay {
    /// How its date is found in a year.
    rule: DayRule,
    /// Its name, in Vietnamese and English.
    name: String,
    /// The cite of its source.
    source: String,
}

/// How a day's date is found in a Gregorian year.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum DayRule {
    /// A fixed solar date.
    Solar {
        /// The month, 1–12.
        month: u32,
        /// The day.
        day: u32,
    },
    /// A day counted from the lunar new year (1st day of the 1st lunar month) that falls
    /// in the year: 0 is that day, -1 the last day of the old lunar year.
    LunarNewYear {
        /// Days after the new year.
        offset: i64,
    },
    /// A day of a (non-leap) month of the lunar year that begins in the year.
    Lunar {
        /// The lunar month, 1–12.
        month: u32,
        /// The day, 1–30.
        day: u32,
    },
    /// The day next to a solar date: the day after when the date falls on one of
    /// `after_on`, else the day before.
    Adjacent {
        /// The month of the date.
        month: u32,
        /// The day of the date.
        day: u32,
        /// The weekdays of the date for which the adjacent day is the day after.
        after_on: Vec<Weekday>,
    },
}

impl DayRule {
    fn date_in(&self, year: i32) -> Option<NaiveDate> {
        match self {
            DayRule::Solar { month, day } => NaiveDate::from_ymd_opt(year, *month, *day),
            DayRule::LunarNewYear { offset } => {
                lunar::vietnam_new_year(year)?.checked_add_signed(TimeDelta::try_days(*offset)?)
            }
            DayRule::Lunar { month, day } => {
                lunar::solar_date(year, *month, *day, lunar::VIETNAM_HOURS)
            }
            DayRule::Adjacent {
                month,
                day,
                after_on,
            } => {
                let date = NaiveDate::from_ymd_opt(year, *month, *day)?;
                if after_on.contains(&date.weekday()) {
                    date.succ_opt()
                } else {
                    date.pred_opt()
                }
            }
        }
    }
}

/// The day off in lieu of a holiday on a weekly day off.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct InLieu {
    /// Its name; the date of the holiday it replaces is appended.
    name: String,
    /// The cite of its source.
    source: String,
}

/// A day a caller may add to a year, documented with its source.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct CalendarOption {
    /// A stable code: `culture_day`.
    code: String,
    /// The years it is offered for.
    years: Vec<i32>,
    /// The day.
    day: RuleDay,
    /// The instrument it rests on.
    source: Source,
}

impl ShippedData {
    fn parse() -> Result<ShippedData, String> {
        serde_json::from_str(SHIPPED_JSON).map_err(|e| e.to_string())
    }

    /// The official years and the provisional ones, validated.
    fn calendar(&self, with_provisional: bool) -> Result<Calendar, CalendarError> {
        let mut years = self.years.clone();
        if with_provisional {
            for &year in &self.provisional.years {
                years.push(self.provisional.year(year, &self.weekly_days_off)?);
            }
        }
        Calendar::new(self.weekly_days_off.clone(), years)
    }

    fn option(&self, code: &str, year: i32) -> Result<Amendment, CalendarError> {
        let option = self.options.iter().find(|o| o.code == code);
        let Some(option) = option.filter(|o| o.years.contains(&year)) else {
            return Err(CalendarError::OptionNotOffered {
                code: code.to_owned(),
                year,
                offered: option.map(|o| o.years.clone()).unwrap_or_default(),
            });
        };
        let date = option
            .day
            .rule
            .date_in(year)
            .ok_or_else(|| CalendarError::RuleGivesNoDate {
                name: option.day.name.clone(),
                year,
            })?;
        Ok(Amendment::AddDayOff {
            day: DayOff {
                date,
                name: option.day.name.clone(),
                source: Some(option.day.source.clone()),
            },
            source: Some(option.source.clone()),
        })
    }
}

impl ProvisionalRules {
    /// Computes one provisional year.
    fn year(&self, year: i32, weekly_days_off: &[Weekday]) -> Result<YearCalendar, CalendarError> {
        let mut days: Vec<DayOff> = Vec::new();
        for rule in &self.days {
            let date = rule
                .rule
                .date_in(year)
                .ok_or_else(|| CalendarError::RuleGivesNoDate {
                    name: rule.name.clone(),
                    year,
                })?;
            match days.iter_mut().find(|d| d.date == date) {
                // Two holidays on one day (the Hùng Kings' day can fall on 30 April): one
                // day off, both names.
                Some(existing) if existing.name != rule.name => {
                    existing.name = format!("{} + {}", existing.name, rule.name);
                }
                Some(_) => {}
                None => days.push(DayOff {
                    date,
                    name: rule.name.clone(),
                    source: Some(rule.source.clone()),
                }),
            }
        }
        days.sort_by_key(|d| d.date);
        if let Some(in_lieu) = &self.in_lieu {
            let holidays: Vec<NaiveDate> = days.iter().map(|d| d.date).collect();
            let mut taken: BTreeSet<NaiveDate> = holidays.iter().copied().collect();
            for holiday in holidays {
                if !weekly_days_off.contains(&holiday.weekday()) {
                    continue;
                }
                let mut next = holiday.succ_opt();
                while let Some(d) = next {
                    if !weekly_days_off.contains(&d.weekday()) && !taken.contains(&d) {
                        break;
                    }
                    next = d.succ_opt();
                }
                if let Some(d) = next {
                    taken.insert(d);
                    days.push(DayOff {
                        date: d,
                        name: format!("{} ({holiday})", in_lieu.name),
                        source: Some(in_lieu.source.clone()),
                    });
                }
            }
        }
        Ok(YearCalendar {
            year,
            status: YearStatus::Provisional,
            sources: self.sources.clone(),
            note: Some(self.note.clone()),
            days_off: days,
            working_days: Vec::new(),
        })
    }
}

impl Calendar {
    /// The weekly days off of state agencies: Saturday and Sunday
    /// (QĐ 188/1999/QĐ-TTg Art. 1). Used when a serialised calendar omits them.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::time::Calendar;
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
    ///   [`CalendarError::ReplacesNotDayOff`] for the days of a year;
    /// - [`CalendarError::DuplicateSource`] and [`CalendarError::UnknownSource`] for a
    ///   year's sources and the days citing them.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{NaiveDate, Weekday};
    /// use lgsp_policy::time::{Calendar, CalendarError, DayOff, YearCalendar};
    ///
    /// let day = |m, d| NaiveDate::from_ymd_opt(2030, m, d).ok_or("date");
    /// let mut year = YearCalendar::new(2030);
    /// year.days_off.push(DayOff::new(day(1, 1)?, "Tết Dương lịch / New Year's Day"));
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

    /// The calendar of public servants, with Saturday and Sunday off: 2024, 2025 and 2026
    /// as the government fixed them (Labour Code 2019 Đ112), and **2027 provisional**, read
    /// from the Labour Code alone. The data is `policies/calendars/vietnam.json`; every
    /// year lists its [`Source`]s and every day names the one it rests on.
    ///
    /// | year | status | days off besides weekends | Saturdays worked |
    /// |---|---|---|---|
    /// | 2024 | official | 1/1; Tết Thu 08/02 – Wed 14/02; Hùng Kings Thu 18/04; Mon 29/04; 30/4; 1/5; 2–3/9 | Sat 04/05 (for Mon 29/04) |
    /// | 2025 | official | 1/1; Tết Sat 25/01 – Sun 02/02; Hùng Kings Mon 07/04; 30/4; 1/5; Fri 02/05; 1–2/9 | Sat 26/04 (for Fri 02/05) |
    /// | 2026 | official | 1/1; Fri 02/01; Tết Sat 14/02 – Sun 22/02; Hùng Kings Mon 27/04 (for Sun 26/04); 30/4; 1/5; Mon 31/08; 1–2/9 | Sat 10/01 (for Fri 02/01), Sat 22/08 (for Mon 31/08) |
    /// | 2027 | provisional | 1/1; Tết Fri 05/02 – Tue 09/02 and, in lieu of Sat 06 and Sun 07, Wed 10 – Thu 11/02; Hùng Kings Fri 16/04; 30/4; 1/5 and, in lieu, Mon 03/05; 2–3/9 | none |
    ///
    /// **Sources.** 2024: Ministry of Labour notice 5015/TB-LĐTBXH (2023-11-22) and
    /// Government Office letter 2450/VPCP-KGVX (2024-04-12, the 29/04 swap). 2025:
    /// Government Office letter 8726/VPCP-KGVX (2024-11-26) and Ministry of Labour notice
    /// 6150/TB-BLĐTBXH (2024-12-03). 2026: Government Office letter 12729/VPCP-KGVX
    /// (2025-12-25, the 02/01 swap); Tết and National Day from a Government Office letter
    /// reported on 2025-10-13 whose number is **not confirmed**, and the worked Sat 22/08
    /// from a secondary source only. The fixed days, the Hùng Kings' day (10/3 lunar) and
    /// the days in lieu (Đ111.3) rest on the Labour Code. The numbers come from public
    /// sites that reproduce the texts, not from the official gazette.
    ///
    /// **2027 is provisional** ([`YearStatus::Provisional`]): 1 January; Tết read as the
    /// last day of the lunar year and the first four days of the new one (the lunar new
    /// year is Sat 2027-02-06 on the Vietnamese calendar, UTC+7); the Hùng Kings' day; 30
    /// April; 1 May; 2 September and the adjacent day towards the weekend (as in
    /// 2021–2026); a day off in lieu on the next working day for each of these on a weekend
    /// (Đ111.3); no swaps. The Prime Minister fixes the real days (Đ112.3) and usually
    /// places Tết differently; a deadline computed over 2027 says so (see [`YearStatus`]).
    /// When the government fixes 2027, correct it with [`Calendar::with_year`] or
    /// [`Calendar::amend`]. [`Calendar::vietnam_public_sector_official`] leaves it out.
    ///
    /// **24 November**, Vietnam Culture Day (Politburo Resolution 80-NQ/TW), is not a day
    /// off here: its legal force is not confirmed. Add it with
    /// [`Calendar::vietnam_culture_day`].
    ///
    /// The calendar applies to state agencies; private employers may swap days
    /// differently. Callers who hold better data, or need other years, supply their own
    /// calendar ([`Calendar::new`], JSON) or correct a year.
    ///
    /// # Errors
    ///
    /// None: the data is checked by a unit test that builds it through [`Calendar::new`]
    /// (were it ever unreadable, the calendar would cover no year, so every question is
    /// [`CalendarError::NotCovered`] — never a guess).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lgsp_policy::time::Calendar;
    ///
    /// let calendar = Calendar::vietnam_public_sector();
    /// assert_eq!((calendar.first_year(), calendar.last_year()), (2024, 2027));
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// assert!(calendar.is_working_day(day(2024, 5, 4)?)?); // swapped for Mon 29/04
    /// assert!(!calendar.is_working_day(day(2027, 4, 16)?)?); // 10/3 lunar, provisional
    /// assert!(calendar.is_provisional(2027) && !calendar.is_provisional(2026));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vietnam_public_sector() -> Calendar {
        ShippedData::parse()
            .ok()
            .and_then(|data| data.calendar(true).ok())
            .unwrap_or_else(Calendar::covering_nothing)
    }

    /// The official years of [`Calendar::vietnam_public_sector`] only (2024–2026), for a
    /// caller who would rather have no answer than a provisional one.
    ///
    /// # Errors
    ///
    /// None, as for [`Calendar::vietnam_public_sector`].
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let calendar = lgsp_policy::time::Calendar::vietnam_public_sector_official();
    /// assert_eq!((calendar.first_year(), calendar.last_year()), (2024, 2026));
    /// assert!(calendar.is_working_day(NaiveDate::from_ymd_opt(2027, 1, 4).ok_or("date")?).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vietnam_public_sector_official() -> Calendar {
        ShippedData::parse()
            .ok()
            .and_then(|data| data.calendar(false).ok())
            .unwrap_or_else(Calendar::covering_nothing)
    }

    /// The documented option of 24 November, Vietnam Culture Day, for `year` (2026 or
    /// 2027), as an [`Amendment`] to apply with [`Calendar::amend`].
    ///
    /// The Politburo's Resolution 80-NQ/TW (2026-01-07) chose 24 November as Vietnam
    /// Culture Day, a paid day off, and the Government's Resolution 30/NQ-CP asked for the
    /// Labour Code (Đ112.1) to be amended accordingly. Whether it is a day off for public
    /// servants in a given year is **not confirmed**, so the shipped calendar does not list
    /// it: the caller who knows turns it on. The amendment adds the day and its source
    /// (marked unconfirmed) to the year; it does not change the year's status.
    ///
    /// # Errors
    ///
    /// [`CalendarError::OptionNotOffered`] for a year the option is not offered for.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lgsp_policy::time::Calendar;
    ///
    /// let nov_24 = NaiveDate::from_ymd_opt(2026, 11, 24).ok_or("date")?; // a Tuesday
    /// let shipped = Calendar::vietnam_public_sector();
    /// assert!(shipped.is_working_day(nov_24)?);
    /// let amended = shipped.amend(Calendar::vietnam_culture_day(2026)?)?;
    /// assert!(!amended.is_working_day(nov_24)?);
    /// assert!(Calendar::vietnam_culture_day(2025).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn vietnam_culture_day(year: i32) -> Result<Amendment, CalendarError> {
        ShippedData::parse()
            .map_err(|_| CalendarError::OptionNotOffered {
                code: "culture_day".to_owned(),
                year,
                offered: Vec::new(),
            })?
            .option("culture_day", year)
    }

    /// A calendar covering no year: every question is [`CalendarError::NotCovered`].
    fn covering_nothing() -> Calendar {
        Calendar {
            weekly_days_off: Self::DEFAULT_WEEKLY_DAYS_OFF.to_vec(),
            years: Vec::new(),
        }
    }

    /// This calendar with one [`Amendment`] applied: one day off or one worked weekly day
    /// off added or removed, the rest of the year and the other years unchanged. The
    /// result is validated as [`Calendar::new`] validates; on an error nothing is applied
    /// (`self` is untouched).
    ///
    /// # Errors
    ///
    /// [`CalendarError::NotCovered`] when the date's year is not covered;
    /// [`CalendarError::AlreadyDayOff`], [`CalendarError::NotListedDayOff`],
    /// [`CalendarError::AlreadyWorkingDay`] and [`CalendarError::NotListedWorkingDay`]
    /// when the change does not fit the listed days; and the validation errors of
    /// [`Calendar::new`] — [`CalendarError::WorkingDayNotWeeklyDayOff`] for a working day
    /// added on a weekday, [`CalendarError::OffAndWorking`], or
    /// [`CalendarError::ReplacesNotDayOff`] for a day off removed while a working day
    /// still makes up for it.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lgsp_policy::time::{Amendment, Calendar, CalendarError, WorkingDay};
    ///
    /// let calendar = Calendar::vietnam_public_sector();
    /// let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("date");
    /// // Sat 22/08/2026 makes up for Mon 31/08: that day off cannot go alone…
    /// assert!(matches!(
    ///     calendar.amend(Amendment::RemoveDayOff { date: day(2026, 8, 31)? }),
    ///     Err(CalendarError::ReplacesNotDayOff { .. })
    /// ));
    /// // …but with its working day, at once, it can.
    /// let undone = calendar.amend_all([
    ///     Amendment::RemoveWorkingDay { date: day(2026, 8, 22)? },
    ///     Amendment::RemoveDayOff { date: day(2026, 8, 31)? },
    /// ])?;
    /// assert!(undone.is_working_day(day(2026, 8, 31)?)?);
    /// // A weekday cannot be made a working day.
    /// let monday = WorkingDay::new(day(2026, 3, 2)?, "x", None);
    /// assert!(matches!(
    ///     calendar.amend(Amendment::AddWorkingDay { day: monday, source: None }),
    ///     Err(CalendarError::WorkingDayNotWeeklyDayOff { .. })
    /// ));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn amend(&self, amendment: Amendment) -> Result<Calendar, CalendarError> {
        self.amend_all([amendment])
    }

    /// This calendar with several [`Amendment`]s applied in order, validated once at the
    /// end: all or nothing.
    ///
    /// # Errors
    ///
    /// As [`Calendar::amend`], for the first amendment that does not apply or for the
    /// result.
    ///
    /// # Example
    ///
    /// See [`Calendar::amend`].
    pub fn amend_all(
        &self,
        amendments: impl IntoIterator<Item = Amendment>,
    ) -> Result<Calendar, CalendarError> {
        let mut years = self.years.clone();
        for amendment in amendments {
            let date = amendment.date();
            let year = years.iter_mut().find(|y| y.year == date.year()).ok_or(
                CalendarError::NotCovered {
                    date,
                    first: self.first_year(),
                    last: self.last_year(),
                },
            )?;
            match amendment {
                Amendment::AddDayOff { day, source } => {
                    if year.days_off.iter().any(|d| d.date == date) {
                        return Err(CalendarError::AlreadyDayOff { date });
                    }
                    add_source(year, source);
                    year.days_off.push(day);
                }
                Amendment::RemoveDayOff { date } => {
                    let before = year.days_off.len();
                    year.days_off.retain(|d| d.date != date);
                    if year.days_off.len() == before {
                        return Err(CalendarError::NotListedDayOff { date });
                    }
                }
                Amendment::AddWorkingDay { day, source } => {
                    if year.working_days.iter().any(|w| w.date == date) {
                        return Err(CalendarError::AlreadyWorkingDay { date });
                    }
                    add_source(year, source);
                    year.working_days.push(day);
                }
                Amendment::RemoveWorkingDay { date } => {
                    let before = year.working_days.len();
                    year.working_days.retain(|w| w.date != date);
                    if year.working_days.len() == before {
                        return Err(CalendarError::NotListedWorkingDay { date });
                    }
                }
            }
        }
        Calendar::new(self.weekly_days_off.clone(), years)
    }

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
    /// use lgsp_policy::time::{Calendar, YearCalendar};
    ///
    /// let mine = Calendar::new(
    ///     Calendar::DEFAULT_WEEKLY_DAYS_OFF.to_vec(),
    ///     vec![YearCalendar::new(2028)],
    /// )?;
    /// let calendar = Calendar::vietnam_public_sector().merge(mine)?;
    /// assert_eq!(calendar.last_year(), 2028);
    /// assert!(calendar.is_working_day(NaiveDate::from_ymd_opt(2028, 3, 1).ok_or("date")?)?);
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
    /// use lgsp_policy::time::{Calendar, YearCalendar};
    ///
    /// let calendar = Calendar::vietnam_public_sector()
    ///     .with_year(YearCalendar::new(2023))?;
    /// assert_eq!(calendar.first_year(), 2023);
    /// assert!(Calendar::vietnam_public_sector()
    ///     .with_year(YearCalendar::new(2030))
    ///     .is_err()); // 2028–2029 would be missing
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_year(self, year: YearCalendar) -> Result<Calendar, CalendarError> {
        let mut years = self.years;
        years.retain(|y| y.year != year.year);
        years.push(year);
        Calendar::new(self.weekly_days_off, years)
    }
}

/// Adds a source to a year unless one with its cite is listed.
fn add_source(year: &mut YearCalendar, source: Option<Source>) {
    if let Some(source) = source
        && !year.sources.iter().any(|s| s.cite == source.cite)
    {
        year.sources.push(source);
    }
}

/// Checks one year's sources and days, and sorts the days.
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
    let mut cites = BTreeSet::new();
    for source in &year.sources {
        if !cites.insert(source.cite.as_str()) {
            return Err(CalendarError::DuplicateSource {
                cite: source.cite.clone(),
                year: y,
            });
        }
    }
    let days = year
        .days_off
        .iter()
        .map(|d| (d.date, &d.source))
        .chain(year.working_days.iter().map(|w| (w.date, &w.source)));
    for (date, source) in days {
        if let Some(source) = source
            && !cites.contains(source.as_str())
        {
            return Err(CalendarError::UnknownSource {
                date,
                cite: source.clone(),
            });
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a date at compile time: an invalid literal is a compile error.
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

    #[test]
    fn the_shipped_file_parses_and_passes_validation() {
        let data = ShippedData::parse().unwrap();
        for with_provisional in [false, true] {
            data.calendar(with_provisional).unwrap();
        }
        let shipped = Calendar::vietnam_public_sector();
        assert_eq!((shipped.first_year(), shipped.last_year()), (2024, 2027));
        let validated = Calendar::new(shipped.weekly_days_off.clone(), shipped.years.clone());
        assert_eq!(validated, Ok(shipped.clone()));
        // The official calendar is the shipped one without 2027.
        let official = Calendar::vietnam_public_sector_official();
        assert_eq!(official.years(), shipped.years().get(..3).unwrap());
    }

    #[test]
    fn every_shipped_day_names_a_source_of_its_year() {
        let shipped = Calendar::vietnam_public_sector();
        for year in shipped.years() {
            assert!(!year.sources.is_empty(), "{}", year.year);
            let cites: Vec<&str> = year.sources.iter().map(|s| s.cite.as_str()).collect();
            for (date, source) in year
                .days_off
                .iter()
                .map(|d| (d.date, &d.source))
                .chain(year.working_days.iter().map(|w| (w.date, &w.source)))
            {
                let source = source
                    .as_deref()
                    .unwrap_or_else(|| panic!("{date} has no source"));
                assert!(cites.contains(&source), "{date}: {source}");
            }
            // An unconfirmed source says so in its title.
            for s in year.sources.iter().filter(|s| !s.confirmed) {
                assert!(s.title.contains("not confirmed"), "{}", s.cite);
            }
        }
        // The 2026-01-02 swap rests on the Government Office letter of 2025-12-25.
        let y2026 = shipped.year(2026).unwrap();
        for date in [date!(2026 - 1 - 2), date!(2026 - 1 - 10)] {
            let cite = y2026
                .days_off
                .iter()
                .map(|d| (d.date, &d.source))
                .chain(y2026.working_days.iter().map(|w| (w.date, &w.source)))
                .find(|(d, _)| *d == date)
                .and_then(|(_, s)| s.clone());
            assert_eq!(cite.as_deref(), Some("CV 12729/VPCP-KGVX"), "{date}");
        }
        let letter = y2026
            .sources
            .iter()
            .find(|s| s.cite == "CV 12729/VPCP-KGVX")
            .unwrap();
        assert_eq!(letter.issued, Some(date!(2025 - 12 - 25)));
        assert!(letter.confirmed);
    }

    #[test]
    fn the_provisional_2027_is_the_labour_code_on_the_lunar_calendar() {
        let shipped = Calendar::vietnam_public_sector();
        let y = shipped.year(2027).unwrap();
        assert_eq!(y.status, YearStatus::Provisional);
        assert!(
            y.note
                .as_deref()
                .unwrap_or_default()
                .contains("Provisional")
        );
        assert!(y.working_days.is_empty());
        let off: Vec<NaiveDate> = y.days_off.iter().map(|d| d.date).collect();
        assert_eq!(
            off,
            [
                date!(2027 - 1 - 1),
                // Tết: the last day of the lunar year, then 1–4 Giêng (1 Giêng = Sat 6/2)…
                date!(2027 - 2 - 5),
                date!(2027 - 2 - 6),
                date!(2027 - 2 - 7),
                date!(2027 - 2 - 8),
                date!(2027 - 2 - 9),
                // …and in lieu of Sat 6 and Sun 7 (Đ111.3).
                date!(2027 - 2 - 10),
                date!(2027 - 2 - 11),
                date!(2027 - 4 - 16), // 10/3 lunar
                date!(2027 - 4 - 30),
                date!(2027 - 5 - 1),
                date!(2027 - 5 - 3), // in lieu of Sat 1/5
                date!(2027 - 9 - 2),
                date!(2027 - 9 - 3), // Thu 2/9: the adjacent day is the Friday
            ]
        );
        assert_eq!(lunar::vietnam_new_year(2027), Some(date!(2027 - 2 - 6)));
        // The same rules, for the years the government fixed, give their fixed holidays:
        // the Hùng Kings' day and the lunar new year.
        let rules = ShippedData::parse().unwrap().provisional;
        for (year, hung, tet) in [
            (2024, date!(2024 - 4 - 18), date!(2024 - 2 - 10)),
            (2025, date!(2025 - 4 - 7), date!(2025 - 1 - 29)),
            (2026, date!(2026 - 4 - 26), date!(2026 - 2 - 17)),
        ] {
            let computed = rules
                .year(year, &Calendar::DEFAULT_WEEKLY_DAYS_OFF)
                .unwrap();
            let dates: Vec<NaiveDate> = computed.days_off.iter().map(|d| d.date).collect();
            assert!(
                dates.contains(&hung) && dates.contains(&tet),
                "{year}: {dates:?}"
            );
            // And every such day is off in the official year too.
            for d in [hung, tet] {
                let official = shipped.is_working_day(d).unwrap();
                assert!(!official || d == date!(2026 - 4 - 26), "{d}");
            }
        }
    }

    #[test]
    fn the_culture_day_option_adds_24_november_with_its_unconfirmed_source() {
        for (year, date) in [(2026, date!(2026 - 11 - 24)), (2027, date!(2027 - 11 - 24))] {
            let amendment = Calendar::vietnam_culture_day(year).unwrap();
            let Amendment::AddDayOff { day, source } = &amendment else {
                panic!("{amendment:?}")
            };
            assert_eq!(day.date, date);
            let source = source.as_ref().unwrap();
            assert_eq!(source.cite, "NQ 80-NQ/TW");
            assert!(!source.confirmed);
            let amended = Calendar::vietnam_public_sector().amend(amendment).unwrap();
            assert_eq!(amended.is_working_day(date), Ok(false));
            assert!(
                amended
                    .year(year)
                    .unwrap()
                    .sources
                    .iter()
                    .any(|s| s.cite == "NQ 80-NQ/TW")
            );
            assert_eq!(
                amended.year(year).unwrap().status,
                Calendar::vietnam_public_sector().year(year).unwrap().status
            );
        }
        assert!(matches!(
            Calendar::vietnam_culture_day(2028),
            Err(CalendarError::OptionNotOffered { year: 2028, .. })
        ));
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
            (date!(2026 - 11 - 24), Tue),
            (date!(2027 - 2 - 6), Sat),
            (date!(2027 - 4 - 16), Fri),
        ];
        for (date, weekday) in expected {
            assert_eq!(date.weekday(), weekday, "{date}");
        }
        let shipped = Calendar::vietnam_public_sector();
        for (working, off) in [
            (date!(2024 - 5 - 4), date!(2024 - 4 - 29)),
            (date!(2025 - 4 - 26), date!(2025 - 5 - 2)),
            (date!(2026 - 1 - 10), date!(2026 - 1 - 2)),
            (date!(2026 - 8 - 22), date!(2026 - 8 - 31)),
        ] {
            assert_eq!(shipped.is_working_day(working), Ok(true), "{working}");
            assert_eq!(shipped.is_working_day(off), Ok(false), "{off}");
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

    #[test]
    fn a_day_citing_an_unlisted_source_is_refused() {
        let mut year = YearCalendar::new(2030);
        let mut day = DayOff::new(date!(2030 - 1 - 1), "x");
        day.source = Some("TB 1/2029".into());
        year.days_off.push(day);
        assert_eq!(
            Calendar::new(vec![Weekday::Sat, Weekday::Sun], vec![year.clone()]),
            Err(CalendarError::UnknownSource {
                date: date!(2030 - 1 - 1),
                cite: "TB 1/2029".into()
            })
        );
        let source = Source {
            cite: "TB 1/2029".into(),
            title: "t".into(),
            issued: None,
            confirmed: false,
        };
        year.sources = vec![source.clone()];
        assert!(Calendar::new(vec![Weekday::Sat, Weekday::Sun], vec![year.clone()]).is_ok());
        year.sources = vec![source.clone(), source];
        assert!(matches!(
            Calendar::new(vec![Weekday::Sat, Weekday::Sun], vec![year]),
            Err(CalendarError::DuplicateSource { year: 2030, .. })
        ));
    }
}
