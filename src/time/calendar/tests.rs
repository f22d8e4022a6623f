use super::*;
use crate::lunar;

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
