//! The Vietnamese lunisolar calendar, computed: the days the Labour Code fixes by lunar
//! date (Tết, the Hùng Kings' day) for a year no government notice has fixed yet.
//!
//! The method is the one Hồ Ngọc Đức describes for the Vietnamese calendar: months begin
//! on the local day of the astronomical new moon; the month holding the winter solstice is
//! the 11th; a year with 13 months between two 11th months repeats the first month that
//! holds no major solar term (a leap month). The new moons come from Jean Meeus' series
//! (Astronomical Algorithms) and the solar longitude from his low-precision formula.
//! Days are local days at UTC+7 — the Vietnamese calendar, which differs from the Chinese
//! one (UTC+8) in some years (Tết 1985 fell on 21 January in Vietnam, a month before
//! China's; Tết 2007 a day earlier). The results are checked against an independent
//! table in `tests/fixtures/calendar/lunar-1970-2060.csv`.
//!
//! Private: the crate uses it to build provisional calendar years.

use std::f64::consts::PI;

use chrono::{Datelike, NaiveDate};

/// The time zone of the Vietnamese calendar, in hours east of UTC.
pub(crate) const VIETNAM_HOURS: f64 = 7.0;

/// The mean length of a synodic month, in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;

/// The Julian day of the new moon of 1900-01-01 13:52 UTC, from which new moons are
/// numbered.
const NEW_MOON_EPOCH: f64 = 2_415_021.076_998_695;

/// The Julian day number of a Gregorian date (the day that begins at noon UT of the date).
fn julian_day(date: NaiveDate) -> i64 {
    // chrono counts days from 0001-01-01 (day 1 of the Common Era, proleptic Gregorian),
    // whose Julian day number is 1 721 426.
    i64::from(date.num_days_from_ce()) + 1_721_425
}

/// The Gregorian date of a Julian day number.
fn date_of(julian_day: i64) -> Option<NaiveDate> {
    let days = i32::try_from(julian_day.checked_sub(1_721_425)?).ok()?;
    NaiveDate::from_num_days_from_ce_opt(days)
}

/// The instant (Julian day, dynamical time corrected to universal time) of the `k`-th new
/// moon after the epoch.
fn new_moon(k: i64) -> f64 {
    // Meeus' truncated series; k is small (|k| < 10^8), exact as f64.
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let sin = |x: f64| (x * dr).sin();
    let c1 = (0.1734 - 0.000_393 * t) * sin(m) + 0.0021 * sin(2.0 * m) - 0.4068 * sin(mpr)
        + 0.0161 * sin(2.0 * mpr)
        - 0.0004 * sin(3.0 * mpr)
        + 0.0104 * sin(2.0 * f)
        - 0.0051 * sin(m + mpr)
        - 0.0074 * sin(m - mpr)
        + 0.0004 * sin(2.0 * f + m)
        - 0.0004 * sin(2.0 * f - m)
        - 0.0006 * sin(2.0 * f + mpr)
        + 0.0010 * sin(2.0 * f - mpr)
        + 0.0005 * sin(2.0 * mpr + m);
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd + c1 - delta_t
}

/// The local day (Julian day number) on which the `k`-th new moon falls.
fn new_moon_day(k: i64, hours: f64) -> i64 {
    // The values are Julian days of a few million: far inside i64.
    (new_moon(k) + 0.5 + hours / 24.0).floor() as i64
}

/// The solar longitude at a Julian day (an instant), in radians, in `[0, 2π)`.
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36_525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin()
        + (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin()
        + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l.rem_euclid(2.0 * PI)
}

/// Which of the twelve 30° sectors of the ecliptic the sun is in at the start of a local
/// day: 0 from the spring equinox, 9 from the winter solstice.
fn sun_sector(day: i64, hours: f64) -> i64 {
    let instant = day as f64 - 0.5 - hours / 24.0;
    (sun_longitude(instant) / PI * 6.0).floor() as i64
}

/// The number of the new moon nearest to the start of a day, counted from the epoch.
fn lunation_nearest(day: i64) -> i64 {
    ((day as f64 - NEW_MOON_EPOCH) / SYNODIC_MONTH + 0.5).floor() as i64
}

/// The first day of the 11th lunar month (the one holding the winter solstice) that
/// begins in the Gregorian year `year`.
fn month_11(year: i32, hours: f64) -> Option<i64> {
    let dec31 = julian_day(NaiveDate::from_ymd_opt(year, 12, 31)?);
    // The last new moon before 31 December (counted from the epoch's day).
    let k = ((dec31 - 2_415_021) as f64 / SYNODIC_MONTH).floor() as i64;
    let start = new_moon_day(k, hours);
    if sun_sector(start, hours) >= 9 {
        Some(new_moon_day(k - 1, hours))
    } else {
        Some(start)
    }
}

/// In a lunar year of 13 months starting from the 11th month that begins on `a11`, the
/// offset (1..=13) of the leap month: the first month with no major solar term.
fn leap_month_offset(a11: i64, hours: f64) -> i64 {
    let k = lunation_nearest(a11);
    let mut i = 1;
    let mut sector = sun_sector(new_moon_day(k + i, hours), hours);
    loop {
        let last = sector;
        i += 1;
        sector = sun_sector(new_moon_day(k + i, hours), hours);
        if sector == last || i >= 14 {
            return i - 1;
        }
    }
}

/// The Gregorian date of a day of a (non-leap) lunar month: `day` of `month` of the lunar
/// year that begins in Gregorian `year`, in the calendar of the zone `hours` east of UTC.
/// `None` for a day that does not exist (beyond 30) or outside the representable dates.
pub(crate) fn solar_date(year: i32, month: u32, day: u32, hours: f64) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) || !(1..=30).contains(&day) {
        return None;
    }
    let (a11, b11) = if month < 11 {
        (
            month_11(year.checked_sub(1)?, hours)?,
            month_11(year, hours)?,
        )
    } else {
        (
            month_11(year, hours)?,
            month_11(year.checked_add(1)?, hours)?,
        )
    };
    let k = lunation_nearest(a11);
    let mut offset = (i64::from(month) - 11).rem_euclid(12);
    if b11 - a11 > 365 {
        let leap = leap_month_offset(a11, hours);
        if offset >= leap {
            offset += 1;
        }
    }
    let start = new_moon_day(k + offset, hours);
    let next = new_moon_day(k + offset + 1, hours);
    let date = start + i64::from(day) - 1;
    if date >= next {
        return None; // a 30th day in a 29-day month
    }
    date_of(date)
}

/// The lunar new year (1st day of the 1st lunar month) of `year` in Vietnam.
pub(crate) fn vietnam_new_year(year: i32) -> Option<NaiveDate> {
    solar_date(year, 1, 1, VIETNAM_HOURS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn julian_days_round_trip() {
        let d = day(2000, 1, 1);
        assert_eq!(d.map(julian_day), Some(2_451_545));
        assert_eq!(date_of(2_451_545), d);
    }

    #[test]
    fn known_dates() {
        // Tết 2027, the Hùng Kings' day 2027; Tết 1985 and 2007 in Vietnam and China.
        assert_eq!(vietnam_new_year(2027), day(2027, 2, 6));
        assert_eq!(solar_date(2027, 3, 10, VIETNAM_HOURS), day(2027, 4, 16));
        assert_eq!(vietnam_new_year(1985), day(1985, 1, 21));
        assert_eq!(solar_date(1985, 1, 1, 8.0), day(1985, 2, 20));
        assert_eq!(vietnam_new_year(2007), day(2007, 2, 17));
        assert_eq!(solar_date(2007, 1, 1, 8.0), day(2007, 2, 18));
        assert_eq!(solar_date(2027, 13, 1, VIETNAM_HOURS), None);
        assert_eq!(solar_date(2027, 1, 31, VIETNAM_HOURS), None);
    }

    /// The table generated with the PyPI packages `holidays` (Vietnam, UTC+7), `lunardate`
    /// and `LunarCalendar` (China, UTC+8): every Vietnamese date computed at UTC+7 and
    /// every Chinese one computed at UTC+8 must match.
    #[test]
    fn agrees_with_the_independent_table_1970_2060() {
        let table = include_str!("../../tests/fixtures/calendar/lunar-1970-2060.csv");
        let mut rows = 0;
        let mut differ = Vec::new();
        for line in table
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            let cells: Vec<&str> = line.split(',').collect();
            let year: i32 = cells[0].parse().unwrap();
            let date = |i: usize| cells[i].parse::<NaiveDate>().unwrap();
            let (vn_new, vn_hung, cn_new, cn_hung) = (date(1), date(2), date(3), date(4));
            assert_eq!(
                vietnam_new_year(year),
                Some(vn_new),
                "Tết {year} in Vietnam"
            );
            assert_eq!(
                solar_date(year, 3, 10, VIETNAM_HOURS),
                Some(vn_hung),
                "10/3 {year} in Vietnam"
            );
            assert_eq!(
                solar_date(year, 1, 1, 8.0),
                Some(cn_new),
                "Tết {year} in China"
            );
            assert_eq!(
                solar_date(year, 3, 10, 8.0),
                Some(cn_hung),
                "10/3 {year} in China"
            );
            if (vn_new, vn_hung) != (cn_new, cn_hung) {
                differ.push(year);
            }
            rows += 1;
        }
        assert_eq!(rows, 91);
        // The years where the two calendars part, 1985 and 2007 among them.
        assert_eq!(differ, [1975, 1985, 2007, 2009, 2030, 2037, 2038, 2053]);
    }
}
