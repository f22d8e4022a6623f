//! Legal deadlines, counted by the Civil Code 2015 (Bộ luật Dân sự 2015, `BLDS2015`)
//! Articles 144–148, and notice periods counted back in working days (ND47/2020 Đ43.3).
//!
//! The rules and the design decisions are documented on [`deadline`] and
//! [`latest_notice_before`], which are public; this module is private.

use std::fmt;

use chrono::{DateTime, Days, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError};
use crate::clause::Clause;
use crate::clause::known::{
    BLDS_147_1, BLDS_147_2, BLDS_148_1, BLDS_148_2, BLDS_148_3, BLDS_148_4, BLDS_148_5, BLDS_148_6,
};
use crate::decision::Advisory;
use crate::pack::RulePack;

/// Vietnam's offset from UTC: +07:00 all year, no daylight saving (Asia/Ho_Chi_Minh
/// since 1975).
///
/// # Example
///
/// ```
/// assert_eq!(lgsp_policy::time::VIETNAM_OFFSET.local_minus_utc(), 7 * 3600);
/// ```
pub const VIETNAM_OFFSET: FixedOffset = const {
    match FixedOffset::east_opt(7 * 3600) {
        Some(offset) => offset,
        None => panic!("+07:00 is a valid offset"),
    }
};

/// The length of a period, in the unit the law states it in.
///
/// Serialised as a one-key object: `{"days": 1}`, `{"working_days": 7}`,
/// `{"months": 3}`.
///
/// # Example
///
/// ```
/// use lgsp_policy::time::Period;
/// let one_day: Period = serde_json::from_str(r#"{"days": 1}"#)?;
/// assert_eq!(one_day, Period::Days(1));
/// assert_eq!(serde_json::to_string(&Period::WorkingDays(7))?, r#"{"working_days":7}"#);
/// assert_eq!(Period::Months(3).to_string(), "3 months");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Hours, from the stated moment (Đ147.1).
    Hours(u32),
    /// Calendar days (Đ147.2, Đ148.1).
    Days(u32),
    /// Weeks of seven days (Đ148.2).
    Weeks(u32),
    /// Working days (ngày làm việc) per the [`Calendar`].
    WorkingDays(u32),
    /// Months (Đ148.3).
    Months(u32),
    /// Years (Đ148.4).
    Years(u32),
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, unit) = match *self {
            Period::Hours(n) => (n, "hour"),
            Period::Days(n) => (n, "day"),
            Period::Weeks(n) => (n, "week"),
            Period::WorkingDays(n) => (n, "working day"),
            Period::Months(n) => (n, "month"),
            Period::Years(n) => (n, "year"),
        };
        let plural = if n == 1 { "" } else { "s" };
        write!(f, "{n} {unit}{plural}")
    }
}

/// How a period stated in days is read.
///
/// [`DayReading::CivilCode`] is the default: the Civil Code's counting rules apply unless
/// another law says otherwise (Đ145.1), and other laws point back to them — the Law on
/// Handling Administrative Violations 2012, Đ8.1, counts its periods by the Civil Code.
/// The regulation's one-day notice (QD05/2024 Đ16.2.h) is counted "kể từ thời điểm xác
/// định vi phạm" (from the moment the violation is determined): a period that starts from
/// an event, whose day the Code leaves uncounted (Đ147.3), so the notice is due by 24:00 of
/// the next day. The words "from the moment" are what suggest the alternative:
/// [`DayReading::TwentyFourHours`] reads "01 ngày" as 24 hours from that moment. It always
/// ends earlier than the Civil Code reading (and is never moved by Đ148.5), so it is the
/// cautious choice where counsel prefers it.
///
/// # Example
///
/// ```
/// use lgsp_policy::time::DayReading;
/// assert_eq!(DayReading::default(), DayReading::CivilCode);
/// assert_eq!(serde_json::to_string(&DayReading::TwentyFourHours)?, r#""twenty_four_hours""#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayReading {
    /// The Civil Code: the first day is not counted (Đ147.2, Đ147.3); the period ends at
    /// 24:00 of its last day (Đ148.1, Đ148.6); a last day off moves to the end of the next
    /// working day (Đ148.5).
    #[default]
    CivilCode,
    /// A day is 24 hours from the starting moment: `Days(n)` ends n × 24 h after the start
    /// and `Weeks(n)` n × 7 × 24 h after it, with no extension over days off. Hours are
    /// read the same way under both readings; months, years and working days have no
    /// 24-hour reading and are always counted by the Civil Code.
    TwentyFourHours,
}

/// When a period ends, and why.
///
/// Deserialising a `Deadline` restores a stored record as it was; it does not recompute
/// it. Compute deadlines with [`deadline`].
///
/// # Example
///
/// ```
/// use chrono::{DateTime, FixedOffset, NaiveDate};
/// use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
///
/// let determined: DateTime<FixedOffset> = "2024-03-08T10:00:00+07:00".parse()?;
/// let d = deadline(determined, Period::Days(1), &Calendar::vietnam_public_sector(),
///                  DayReading::CivilCode)?;
/// assert_eq!(d.moved_from(), NaiveDate::from_ymd_opt(2024, 3, 9)); // a Saturday
/// assert_eq!(d.last_day(), NaiveDate::from_ymd_opt(2024, 3, 11).ok_or("date")?);
/// assert_eq!(d.due().to_rfc3339(), "2024-03-12T00:00:00+07:00");
/// let cited: Vec<String> = d.basis().iter().map(ToString::to_string).collect();
/// assert!(cited.contains(&"BLDS2015 Đ148.5".to_owned()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// The start, in +07:00.
    start: DateTime<FixedOffset>,
    /// The period counted.
    period: Period,
    /// The reading of days used.
    reading: DayReading,
    /// The last day of the period, after any move by Đ148.5.
    last_day: NaiveDate,
    /// The instant the period ends, in +07:00 (24:00 of the last day for day periods).
    due: DateTime<FixedOffset>,
    /// The original last day, when Đ148.5 moved it off a day off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    moved_from: Option<NaiveDate>,
    /// The Civil Code clauses applied, in order.
    basis: Vec<Clause>,
    /// The years of the days the count consulted whose calendar is provisional
    /// ([`YearStatus::Provisional`](crate::time::YearStatus::Provisional)).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    provisional_years: Vec<i32>,
}

impl Deadline {
    /// The start, in +07:00.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, FixedOffset};
    /// use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
    /// let start: DateTime<FixedOffset> = "2024-03-05T07:00:00Z".parse()?;
    /// let d = deadline(start, Period::Days(1), &Calendar::vietnam_public_sector(),
    ///                  DayReading::CivilCode)?;
    /// assert_eq!(d.start().to_rfc3339(), "2024-03-05T14:00:00+07:00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn start(&self) -> DateTime<FixedOffset> {
        self.start
    }

    /// The period counted.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, FixedOffset};
    /// use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
    /// let start: DateTime<FixedOffset> = "2024-03-05T14:00:00+07:00".parse()?;
    /// let d = deadline(start, Period::Weeks(2), &Calendar::vietnam_public_sector(),
    ///                  DayReading::CivilCode)?;
    /// assert_eq!(d.period(), Period::Weeks(2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn period(&self) -> Period {
        self.period
    }

    /// The reading of days used.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, FixedOffset};
    /// use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
    /// let start: DateTime<FixedOffset> = "2024-03-05T14:00:00+07:00".parse()?;
    /// let d = deadline(start, Period::Days(1), &Calendar::vietnam_public_sector(),
    ///                  DayReading::TwentyFourHours)?;
    /// assert_eq!(d.reading(), DayReading::TwentyFourHours);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reading(&self) -> DayReading {
        self.reading
    }

    /// The last day of the period, after any move by Đ148.5: the period ends at its
    /// 24:00. For a period that ends at an instant (hours, or the 24-hour reading) it is
    /// the local day of [`Deadline::due`], an instant at exactly 00:00 being 24:00 of the
    /// day before (Đ148.6).
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, FixedOffset, NaiveDate};
    /// use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
    /// let published: DateTime<FixedOffset> = "2024-01-31T09:00:00+07:00".parse()?;
    /// let d = deadline(published, Period::Months(1), &Calendar::vietnam_public_sector(),
    ///                  DayReading::CivilCode)?;
    /// assert_eq!(d.last_day(), NaiveDate::from_ymd_opt(2024, 2, 29).ok_or("date")?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn last_day(&self) -> NaiveDate {
        self.last_day
    }

    /// The instant the period ends, in +07:00: for a period counted in days, 24:00 of the
    /// last day, written as 00:00 of the next day. Anything done at or before it is in
    /// time.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, FixedOffset};
    /// use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
    /// let start: DateTime<FixedOffset> = "2024-03-05T14:00:00+07:00".parse()?;
    /// let d = deadline(start, Period::Days(1), &Calendar::vietnam_public_sector(),
    ///                  DayReading::CivilCode)?;
    /// assert_eq!(d.due().to_rfc3339(), "2024-03-07T00:00:00+07:00");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn due(&self) -> DateTime<FixedOffset> {
        self.due
    }

    /// The original last day when Đ148.5 moved it because it was a day off.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, FixedOffset};
    /// use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
    /// let start: DateTime<FixedOffset> = "2024-03-05T14:00:00+07:00".parse()?;
    /// let d = deadline(start, Period::Days(1), &Calendar::vietnam_public_sector(),
    ///                  DayReading::CivilCode)?;
    /// assert_eq!(d.moved_from(), None); // Wednesday 6 March is a working day
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn moved_from(&self) -> Option<NaiveDate> {
        self.moved_from
    }

    /// The Civil Code clauses applied, in the order they were applied.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, FixedOffset};
    /// use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
    /// let start: DateTime<FixedOffset> = "2024-03-05T14:00:00+07:00".parse()?;
    /// let d = deadline(start, Period::Hours(5), &Calendar::vietnam_public_sector(),
    ///                  DayReading::CivilCode)?;
    /// assert_eq!(d.basis().iter().map(|c| c.as_str()).collect::<Vec<_>>(), ["BLDS2015 Đ147.1"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn basis(&self) -> &[Clause] {
        &self.basis
    }

    /// The years whose calendar is provisional among the days the count consulted: the
    /// working days counted, the last day and the days up to the next working day. Empty
    /// when every day consulted lies in an official year, and for periods that never
    /// consult the calendar (hours, the 24-hour reading). A deadline with provisional years
    /// may change when the government fixes them.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, FixedOffset};
    /// use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
    /// let calendar = Calendar::vietnam_public_sector();
    /// let start: DateTime<FixedOffset> = "2026-12-30T14:00:00+07:00".parse()?;
    /// let d = deadline(start, Period::WorkingDays(3), &calendar, DayReading::CivilCode)?;
    /// // Thu 31/12, then Fri 1/1 (a holiday), Mon 4/1 and Tue 5/1 2027.
    /// assert_eq!(d.last_day().to_string(), "2027-01-05");
    /// assert_eq!(d.provisional_years(), [2027]);
    /// let d = deadline(start, Period::Days(1), &calendar, DayReading::CivilCode)?;
    /// assert!(d.provisional_years().is_empty()); // Thu 31/12/2026 only
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn provisional_years(&self) -> &[i32] {
        &self.provisional_years
    }

    /// Whether an act at `at` (any offset) meets the deadline: `at <= due`.
    ///
    /// # Errors
    ///
    /// None: instants in different offsets compare as instants.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, FixedOffset};
    /// use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
    /// let start: DateTime<FixedOffset> = "2024-03-05T14:00:00+07:00".parse()?;
    /// let d = deadline(start, Period::Days(1), &Calendar::vietnam_public_sector(),
    ///                  DayReading::CivilCode)?;
    /// assert!(d.is_met_by("2024-03-06T23:59:59+07:00".parse()?));
    /// assert!(d.is_met_by("2024-03-06T17:00:00Z".parse()?)); // exactly 24:00 local
    /// assert!(!d.is_met_by("2024-03-07T00:00:01+07:00".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_met_by(&self, at: DateTime<FixedOffset>) -> bool {
        at <= self.due
    }

    /// How late an act at `now` would be, or `None` if `now` is not past the deadline.
    ///
    /// # Errors
    ///
    /// None: the difference of two representable instants always fits a `Duration`.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::{DateTime, Duration, FixedOffset};
    /// use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
    /// let start: DateTime<FixedOffset> = "2024-03-05T14:00:00+07:00".parse()?;
    /// let d = deadline(start, Period::Days(1), &Calendar::vietnam_public_sector(),
    ///                  DayReading::CivilCode)?;
    /// assert_eq!(d.overdue_by("2024-03-07T02:30:00+07:00".parse()?), Some(Duration::minutes(150)));
    /// assert_eq!(d.overdue_by("2024-03-06T12:00:00+07:00".parse()?), None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn overdue_by(&self, now: DateTime<FixedOffset>) -> Option<chrono::Duration> {
        (now > self.due).then(|| now.signed_duration_since(self.due))
    }
}

/// Why a deadline could not be computed.
///
/// # Example
///
/// ```
/// use chrono::{DateTime, FixedOffset};
/// use lgsp_policy::time::{Calendar, CalendarError, DayReading, DeadlineError, Period, deadline};
///
/// let calendar = Calendar::vietnam_public_sector();
/// // Seven working days from 24 December 2027 run past the last covered year.
/// let start: DateTime<FixedOffset> = "2027-12-24T09:00:00+07:00".parse()?;
/// let error = deadline(start, Period::WorkingDays(7), &calendar, DayReading::CivilCode)
///     .err()
///     .ok_or("2028 is covered")?;
/// let what = match &error {
///     DeadlineError::Calendar(CalendarError::NotCovered { last, .. }) => {
///         format!("the calendar ends in {last}: supply the next year")
///     }
///     DeadlineError::Overflow { period, .. } => format!("{period} runs off the calendar of dates"),
///     _ => error.to_string(), // the enum is non-exhaustive
/// };
/// assert_eq!(what, "the calendar ends in 2027: supply the next year");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DeadlineError {
    /// The calendar was asked about a date it does not cover.
    #[error("cannot tell working days from days off: {0}")]
    Calendar(#[from] CalendarError),
    /// The count leaves the range of dates and times that can be represented.
    #[error("counting {period} from {start} leaves the representable range of dates")]
    Overflow {
        /// The starting instant, as given.
        start: DateTime<FixedOffset>,
        /// The period counted.
        period: Period,
    },
}

/// Computes when `period`, starting at `start`, ends.
///
/// # The rules (Civil Code 2015, Đ144–148)
///
/// All days are days of the Vietnamese civil calendar, UTC+7 with no daylight saving:
/// `start` may carry any offset, it is converted to +07:00 first, and the result is in
/// +07:00. Under [`DayReading::CivilCode`]:
///
/// - `Hours(n)`: `start` + n hours; an hour period runs from the stated moment (Đ147.1).
/// - `Days(n)`: the first day is not counted (Đ147.2; for a period starting from an
///   event, the event's day, Đ147.3), so the last day is the local start date + n; the
///   period ends at the end of its last day (Đ148.1).
/// - `Weeks(n)`: the last day is the same weekday n weeks later, start date + 7n (Đ148.2).
/// - `Months(n)`: the same day-number n months later, or that month's last day when it
///   has no such day: 31 January + 1 month is 28 or 29 February (Đ148.3).
/// - `Years(n)`: the same day and month n years later; 29 February becomes 28 February in
///   a common year (Đ148.4).
/// - If the last day so found is a weekly day off or a public holiday, the period ends at
///   the end of the next working day (Đ148.5); [`Deadline::moved_from`] records the
///   original last day.
/// - `WorkingDays(n)` (ngày làm việc, a unit other laws use): the start day is not
///   counted either; the last day is the n-th working day after it, so it never moves.
/// - The end of a day is 24:00 (Đ148.6): [`Deadline::due`] is 24:00 of the last day,
///   written as 00:00 +07:00 of the next day. An act at or before it is in time.
///
/// [`DayReading::TwentyFourHours`] instead makes `Days(n)` and `Weeks(n)` spans of n × 24
/// and n × 168 hours from `start`, never moved.
///
/// # Design decisions
///
/// - **Zero-length periods** are accepted and read by the same rules: `Days(0)`,
///   `Weeks(0)`, `Months(0)`, `Years(0)` and `WorkingDays(0)` have the start day itself as
///   their last day, so they end at 24:00 of the start day — or, by Đ148.5, at 24:00 of
///   the next working day when the start day is a day off. `Hours(0)`, and `Days(0)` and
///   `Weeks(0)` under the 24-hour reading, end at the start instant.
/// - **Hours are never extended** over days off: Đ148.5 speaks of the last *day* of a
///   period, while Đ147.1 makes an hour period a span of time from a moment. For the same
///   reason hour periods, and the 24-hour reading, never consult the calendar.
/// - **Only the days that matter are looked up**: the calendar must cover the last day
///   and the days up to the next working day (and, for working days, every counted day),
///   not the start day.
///
/// # Errors
///
/// - [`DeadlineError::Calendar`] when the calendar does not cover a day it must be asked
///   about (the last day, the days up to the next working day, or the working days
///   counted). Hour periods and the 24-hour reading of days never consult the calendar.
/// - [`DeadlineError::Overflow`] when the result would leave chrono's range of dates.
///
/// # Example
///
/// ```
/// use chrono::{DateTime, FixedOffset};
/// use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
///
/// let calendar = Calendar::vietnam_public_sector();
/// // A violation determined Tuesday 5 March 2024 at 14:00: the one-day notice period is
/// // Wednesday 6 March, so the notice is due by 24:00 that day.
/// let determined: DateTime<FixedOffset> = "2024-03-05T14:00:00+07:00".parse()?;
/// let d = deadline(determined, Period::Days(1), &calendar, DayReading::CivilCode)?;
/// assert_eq!(d.due().to_rfc3339(), "2024-03-07T00:00:00+07:00");
///
/// // Read as 24 hours instead:
/// let d = deadline(determined, Period::Days(1), &calendar, DayReading::TwentyFourHours)?;
/// assert_eq!(d.due().to_rfc3339(), "2024-03-06T14:00:00+07:00");
///
/// // 2023 is not covered by the shipped calendar: an error, never a guess.
/// let old: DateTime<FixedOffset> = "2023-03-07T09:00:00+07:00".parse()?;
/// assert!(deadline(old, Period::Days(1), &calendar, DayReading::CivilCode).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn deadline(
    start: DateTime<FixedOffset>,
    period: Period,
    calendar: &Calendar,
    reading: DayReading,
) -> Result<Deadline, DeadlineError> {
    let overflow = DeadlineError::Overflow { start, period };
    let local = start
        .naive_utc()
        .checked_add_offset(VIETNAM_OFFSET)
        .ok_or_else(|| overflow.clone())?;
    let start_vn = DateTime::from_naive_utc_and_offset(start.naive_utc(), VIETNAM_OFFSET);
    let start_date = local.date();

    let instant_after = |hours: u64| -> Result<Deadline, DeadlineError> {
        let due_local = i64::try_from(hours)
            .ok()
            .and_then(TimeDelta::try_hours)
            .and_then(|delta| local.checked_add_signed(delta))
            .ok_or_else(|| overflow.clone())?;
        Ok(Deadline {
            start: start_vn,
            period,
            reading,
            last_day: day_ending_at(due_local).ok_or_else(|| overflow.clone())?,
            due: to_vietnam(due_local).ok_or_else(|| overflow.clone())?,
            moved_from: None,
            basis: vec![BLDS_147_1],
            provisional_years: Vec::new(),
        })
    };

    let (last_day, basis) = match (period, reading) {
        (Period::Hours(n), _) => return instant_after(u64::from(n)),
        (Period::Days(n), DayReading::TwentyFourHours) => {
            return instant_after(u64::from(n).saturating_mul(24));
        }
        (Period::Weeks(n), DayReading::TwentyFourHours) => {
            return instant_after(u64::from(n).saturating_mul(7 * 24));
        }
        (Period::Days(n), DayReading::CivilCode) => (
            start_date.checked_add_days(Days::new(u64::from(n))),
            BLDS_148_1,
        ),
        (Period::Weeks(n), DayReading::CivilCode) => (
            start_date.checked_add_days(Days::new(u64::from(n).saturating_mul(7))),
            BLDS_148_2,
        ),
        (Period::Months(n), _) => (start_date.checked_add_months(Months::new(n)), BLDS_148_3),
        (Period::Years(n), _) => (
            n.checked_mul(12)
                .and_then(|months| start_date.checked_add_months(Months::new(months))),
            BLDS_148_4,
        ),
        (Period::WorkingDays(0), _) => (Some(start_date), BLDS_148_1),
        (Period::WorkingDays(n), _) => {
            let nth = calendar
                .working_days_after(start_date)
                .nth(usize::try_from(n.saturating_sub(1)).unwrap_or(usize::MAX))
                .unwrap_or(Err(CalendarError::NotCovered {
                    date: start_date,
                    first: calendar.first_year(),
                    last: calendar.last_year(),
                }))?;
            (Some(nth), BLDS_148_1)
        }
    };
    let counted = last_day.ok_or_else(|| overflow.clone())?;
    let last_day = calendar.next_working_day_on_or_after(counted)?;
    // The days consulted: the working days counted (from the day after the start), or
    // the counted last day, up to the last day.
    let first_consulted = match period {
        Period::WorkingDays(n) if n > 0 => start_date.succ_opt().unwrap_or(start_date),
        _ => counted,
    };
    let provisional_years = calendar.provisional_years_between(first_consulted, last_day);
    let moved_from = (last_day != counted).then_some(counted);
    let mut basis = vec![BLDS_147_2, basis];
    if moved_from.is_some() {
        basis.push(BLDS_148_5);
    }
    basis.push(BLDS_148_6);
    let due = last_day
        .succ_opt()
        .and_then(|next| to_vietnam(next.and_time(NaiveTime::MIN)))
        .ok_or(overflow)?;
    Ok(Deadline {
        start: start_vn,
        period,
        reading,
        last_day,
        due,
        moved_from,
        basis,
        provisional_years,
    })
}

/// The latest instant a notice may be published so that at least `working_days` whole
/// working days lie strictly between the notice's day and the event's day, neither of
/// them counted — as for a maintenance suspension under Decree 47/2020 Đ43.3 ("thông báo
/// trước ít nhất 07 ngày làm việc").
///
/// Counting back from the event's local day, let W be the earliest of the `working_days`
/// working days before it; the notice must be published on a day before W, so the result
/// is 24:00 (+07:00) of the day before W, written as 00:00 of W. A notice at or before it
/// is in time. For `working_days == 0` W is the event's day itself: the notice must come
/// on an earlier day. The time of day of the event does not matter, and the event's day
/// need not be covered by the calendar; the days counted must be.
///
/// Counting back has no Đ148.5 analogue: the result is never moved for days off, and a
/// notice may be published on one.
///
/// # Errors
///
/// - [`DeadlineError::Calendar`] when the count reaches a day the calendar does not cover.
/// - [`DeadlineError::Overflow`] when the event lies at the edge of chrono's range.
///
/// # Example
///
/// ```
/// use chrono::{DateTime, FixedOffset};
/// use lgsp_policy::time::{Calendar, latest_notice_before};
///
/// // Maintenance on Thursday 2 May 2024 at 08:00. Counting back seven working days,
/// // skipping 1/5 and 30/4 (holidays), Mon 29/04 (swapped off), the weekends and Thu
/// // 18/04 (Hùng Kings' day): Fri 26, Thu 25, Wed 24, Tue 23, Mon 22, Fri 19 and Wed 17
/// // April. The notice must be out by 24:00 on Tuesday 16 April.
/// let event: DateTime<FixedOffset> = "2024-05-02T08:00:00+07:00".parse()?;
/// let latest = latest_notice_before(event, 7, &Calendar::vietnam_public_sector())?;
/// assert_eq!(latest.to_rfc3339(), "2024-04-17T00:00:00+07:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn latest_notice_before(
    event: DateTime<FixedOffset>,
    working_days: u32,
    calendar: &Calendar,
) -> Result<DateTime<FixedOffset>, DeadlineError> {
    let overflow = || DeadlineError::Overflow {
        start: event,
        period: Period::WorkingDays(working_days),
    };
    let event_day = event
        .naive_utc()
        .checked_add_offset(VIETNAM_OFFSET)
        .ok_or_else(overflow)?
        .date();
    let earliest = match working_days {
        0 => event_day,
        n => calendar
            .working_days_before(event_day)
            .nth(usize::try_from(n.saturating_sub(1)).unwrap_or(usize::MAX))
            .unwrap_or(Err(CalendarError::NotCovered {
                date: event_day,
                first: calendar.first_year(),
                last: calendar.last_year(),
            }))?,
    };
    to_vietnam(earliest.and_time(NaiveTime::MIN)).ok_or_else(overflow)
}

/// A day the calendar could not answer for, so a due date was not adjusted for days off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CalendarGap {
    /// The counted last day, which the calendar does not cover.
    pub date: NaiveDate,
    /// The calendar's message.
    pub message: String,
}

/// The end of a period counted from a day by the Civil Code: the one count that the access
/// rules (a database's evaluation expiry, in the Cedar context) and the duties report share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PeriodEnd {
    /// 24:00 of the last day, after any move off a day off.
    pub(crate) due: DateTime<FixedOffset>,
    /// The last day, after any move.
    pub(crate) last_day: NaiveDate,
    /// The counted last day, when a day off moved it.
    pub(crate) moved_from: Option<NaiveDate>,
    /// The rules applied.
    pub(crate) basis: Vec<Clause>,
    /// Set when the calendar does not cover the counted last day: the end is then that
    /// day's 24:00, unmoved (the earlier of the two possible ends).
    pub(crate) gap: Option<CalendarGap>,
    /// The provisional calendar years the count consulted.
    pub(crate) provisional_years: Vec<i32>,
}

impl PeriodEnd {
    /// The end a computed deadline gives.
    pub(crate) fn of(deadline: &Deadline) -> PeriodEnd {
        PeriodEnd {
            due: deadline.due(),
            last_day: deadline.last_day(),
            moved_from: deadline.moved_from(),
            basis: deadline.basis().to_vec(),
            gap: None,
            provisional_years: deadline.provisional_years().to_vec(),
        }
    }
}

/// The end of `period` counted from the local day `from` ([`deadline`] from 00:00 of it,
/// [`DayReading::CivilCode`]): the first day is not counted, the last day ends at 24:00 and
/// a last day off moves to the next working day. When the calendar does not cover the last
/// day, the end is counted without that move and [`PeriodEnd::gap`] says so.
///
/// Only periods of days, weeks, months and years have a last day without a calendar; a
/// period of working days or hours over a gap is an error.
pub(crate) fn period_end(
    from: NaiveDate,
    period: Period,
    calendar: &Calendar,
) -> Result<PeriodEnd, DeadlineError> {
    let start = to_vietnam(from.and_time(NaiveTime::MIN)).ok_or(DeadlineError::Overflow {
        start: DateTime::<chrono::Utc>::MIN_UTC.fixed_offset(),
        period,
    })?;
    match deadline(start, period, calendar, DayReading::CivilCode) {
        Ok(d) => Ok(PeriodEnd::of(&d)),
        Err(DeadlineError::Calendar(e)) => {
            let no_date = || DeadlineError::Overflow { start, period };
            let Some(counted) = counted_last_day(from, period) else {
                return match period {
                    Period::Hours(_) | Period::WorkingDays(_) => Err(DeadlineError::Calendar(e)),
                    _ => Err(no_date()),
                };
            };
            let (last_day, counted) = counted;
            let due = last_day
                .succ_opt()
                .and_then(|next| to_vietnam(next.and_time(NaiveTime::MIN)))
                .ok_or_else(no_date)?;
            Ok(PeriodEnd {
                due,
                last_day,
                moved_from: None,
                basis: vec![BLDS_147_2, counted, BLDS_148_6],
                gap: Some(CalendarGap {
                    date: last_day,
                    message: e.to_string(),
                }),
                provisional_years: Vec::new(),
            })
        }
        Err(other) => Err(other),
    }
}

/// The last day of a period of days, weeks, months or years counted from the local day
/// `from`, never moved off a day off, and the rule that counts it; `None` for hours and
/// working days, or out of range.
fn counted_last_day(from: NaiveDate, period: Period) -> Option<(NaiveDate, Clause)> {
    match period {
        Period::Days(n) => Some((from.checked_add_days(Days::new(u64::from(n)))?, BLDS_148_1)),
        Period::Weeks(n) => Some((
            from.checked_add_days(Days::new(u64::from(n).saturating_mul(7)))?,
            BLDS_148_2,
        )),
        Period::Months(n) => Some((from.checked_add_months(Months::new(n))?, BLDS_148_3)),
        Period::Years(n) => Some((
            from.checked_add_months(Months::new(n.saturating_mul(12)))?,
            BLDS_148_4,
        )),
        Period::Hours(_) | Period::WorkingDays(_) => None,
    }
}

/// 24:00 of the counted last day of a period from the local day `from`, never moved off a
/// day off: the end of a least time to keep something (a log), which is not a time limit
/// to act and so is not extended by Đ148.5. `None` for hours and working days, or out of
/// range.
pub(crate) fn minimum_period_end(from: NaiveDate, period: Period) -> Option<DateTime<FixedOffset>> {
    let (last_day, _) = counted_last_day(from, period)?;
    to_vietnam(last_day.succ_opt()?.and_time(NaiveTime::MIN))
}

/// The code of the advisory on a decision whose period was counted without moving a last
/// day the calendar does not cover. Its clause and texts are the pack's: the manifest's
/// `reasons` entry of this code, whose `vi` and `en` may hold `{date}`, the counted last day.
pub(crate) const CALENDAR_NOT_COVERED: &str = "calendar_last_day_not_covered";

/// The advisory that a period's last day `gap` was not checked against a calendar, in
/// the words of `pack` (see [`CALENDAR_NOT_COVERED`]).
pub(crate) fn calendar_gap_advisory(pack: &RulePack, gap: &CalendarGap) -> Advisory {
    pack.advisory_with(CALENDAR_NOT_COVERED, &[("date", &gap.date.to_string())])
}

/// The code of the advisory on a decision whose deadline was counted over a provisional
/// calendar year. Its clause and texts are the pack's: the manifest's `reasons` entry of
/// this code, whose `vi` and `en` may hold `{years}`, replaced by the years.
pub(crate) const CALENDAR_PROVISIONAL: &str = "calendar_provisional";

/// The advisory that a deadline was counted over the provisional calendar `years`, in
/// the words of `pack` (see [`CALENDAR_PROVISIONAL`]); `None` when `years` is empty.
pub(crate) fn provisional_calendar_advisory(pack: &RulePack, years: &[i32]) -> Option<Advisory> {
    if years.is_empty() {
        return None;
    }
    let list = years
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Some(pack.advisory_with(CALENDAR_PROVISIONAL, &[("years", &list)]))
}

/// The provisional years among the working days [`latest_notice_before`] counts back from
/// `event` (those strictly between the notice's latest day and the event's day). Empty
/// when the count fails or consults no provisional year.
pub(crate) fn notice_provisional_years(
    event: DateTime<FixedOffset>,
    working_days: u32,
    calendar: &Calendar,
) -> Vec<i32> {
    let Some(event_day) = event
        .naive_utc()
        .checked_add_offset(VIETNAM_OFFSET)
        .map(|local| local.date())
    else {
        return Vec::new();
    };
    let earliest = latest_notice_before(event, working_days, calendar)
        .ok()
        .and_then(|latest| latest.naive_utc().checked_add_offset(VIETNAM_OFFSET));
    match (earliest, event_day.pred_opt()) {
        (Some(earliest), Some(before_event)) if working_days > 0 => {
            calendar.provisional_years_between(earliest.date(), before_event)
        }
        _ => Vec::new(),
    }
}

/// The instant of a local (+07:00) date and time.
fn to_vietnam(local: NaiveDateTime) -> Option<DateTime<FixedOffset>> {
    local
        .checked_sub_offset(VIETNAM_OFFSET)
        .map(|utc| DateTime::from_naive_utc_and_offset(utc, VIETNAM_OFFSET))
}

/// The day whose end (24:00) or earlier part holds a local instant: 00:00 exactly belongs
/// to the day before, as its 24:00 (Đ148.6).
fn day_ending_at(local: NaiveDateTime) -> Option<NaiveDate> {
    if local.time() == NaiveTime::MIN {
        local.date().pred_opt()
    } else {
        Some(local.date())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnam_offset_is_seven_hours() {
        assert_eq!(VIETNAM_OFFSET.local_minus_utc(), 25_200);
    }

    #[test]
    fn extreme_instants_are_errors_not_panics() {
        let calendar = Calendar::vietnam_public_sector();
        let far_east = FixedOffset::east_opt(86_399);
        let far_west = FixedOffset::west_opt(86_399);
        let extremes = [
            DateTime::<chrono::Utc>::MIN_UTC,
            DateTime::<chrono::Utc>::MAX_UTC,
        ];
        for instant in extremes {
            for offset in [far_east, far_west, Some(VIETNAM_OFFSET)]
                .into_iter()
                .flatten()
            {
                let start = instant.with_timezone(&offset);
                for period in [
                    Period::Hours(u32::MAX),
                    Period::Hours(0),
                    Period::Days(u32::MAX),
                    Period::Weeks(u32::MAX),
                    Period::WorkingDays(u32::MAX),
                    Period::Months(u32::MAX),
                    Period::Years(u32::MAX),
                    Period::Days(0),
                ] {
                    for reading in [DayReading::CivilCode, DayReading::TwentyFourHours] {
                        let _ = deadline(start, period, &calendar, reading);
                    }
                }
                let _ = latest_notice_before(start, u32::MAX, &calendar);
                let _ = latest_notice_before(start, 0, &calendar);
            }
        }
    }
}
