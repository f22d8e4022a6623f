//! The shipped data file, `policies/calendars/vietnam.json`: the official years as data,
//! the rules that compute the provisional years, and the documented options.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::lunar;

use super::{Amendment, Calendar, CalendarError, DayOff, Source, YearCalendar, YearStatus};

/// The shipped calendar data.
const SHIPPED_JSON: &str = include_str!("../../../policies/calendars/vietnam.json");

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
    pub(super) provisional: ProvisionalRules,
    /// Days a caller may add, whose legal force is not confirmed.
    #[serde(default)]
    options: Vec<CalendarOption>,
}

/// How a provisional year is computed.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ProvisionalRules {
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
    pub(super) fn parse() -> Result<ShippedData, String> {
        serde_json::from_str(SHIPPED_JSON).map_err(|e| e.to_string())
    }

    /// The official years and the provisional ones, validated.
    pub(super) fn calendar(&self, with_provisional: bool) -> Result<Calendar, CalendarError> {
        let mut years = self.years.clone();
        if with_provisional {
            for &year in &self.provisional.years {
                years.push(self.provisional.year(year, &self.weekly_days_off)?);
            }
        }
        Calendar::new(self.weekly_days_off.clone(), years)
    }

    pub(super) fn option(&self, code: &str, year: i32) -> Result<Amendment, CalendarError> {
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
    pub(super) fn year(
        &self,
        year: i32,
        weekly_days_off: &[Weekday],
    ) -> Result<YearCalendar, CalendarError> {
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
