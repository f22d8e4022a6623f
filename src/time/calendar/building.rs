//! Building a calendar: `Calendar::new` and the checks of each year, the shipped calendars
//! and the Culture Day option, amendments, and years merged or replaced.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

use super::{Amendment, Calendar, CalendarError, ShippedData, Source, YearCalendar};

// Named by the docs' links.
#[cfg(doc)]
use super::YearStatus;

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
