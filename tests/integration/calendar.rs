//! The calendar as amendable, sourced data: the official years with their sources, 2027
//! provisional and said so on every deadline counted over it, the 24 November option, and
//! amendments that apply whole or not at all.

use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use lgsp_policy::duties::{DutyKind, DutySubject};
use lgsp_policy::records::{
    AllConsumersGrounds, PublicNotice, Suspension, Violation, ViolationKind,
};
use lgsp_policy::time::{
    Amendment, Calendar, CalendarError, DayOff, DayReading, Deadline, DeadlineError, Period,
    WorkingDay, YearStatus, deadline, latest_notice_before,
};
use lgsp_policy::{SuspendAllRequest, SuspensionRequest, World, WorldData};

use crate::support;

fn at(text: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(text).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn civil(calendar: &Calendar, start: &str, period: Period) -> Result<Deadline, DeadlineError> {
    deadline(at(start), period, calendar, DayReading::CivilCode)
}

fn with_culture_day(year: i32) -> Calendar {
    Calendar::vietnam_public_sector()
        .amend(Calendar::vietnam_culture_day(year).unwrap())
        .unwrap()
}

/// The example province with a violation by ubnd-tuy-hoa determined at `determined`.
fn world_with_violation(determined: &str) -> WorldData {
    let mut data: WorldData = serde_json::from_str(support::WORLD_JSON).unwrap();
    data.violations.push(Violation {
        id: "vp.cal".parse().unwrap(),
        violator: "ubnd-tuy-hoa".parse().unwrap(),
        agreement: Some("agr.tp.tuy-hoa".parse().unwrap()),
        kind: ViolationKind::BeyondPermittedScope,
        recorded_at: at(determined),
        determined_at: Some(at(determined)),
        description: String::new(),
    });
    data
}

fn suspension_request(at_: &str) -> SuspensionRequest {
    SuspensionRequest::new(
        "so-tp".parse().unwrap(),
        "agr.tp.tuy-hoa".parse().unwrap(),
        Some("vp.cal".parse().unwrap()),
        at(at_),
    )
}

fn maintenance(starts_at: &str, published: &str, now: &str) -> SuspendAllRequest {
    SuspendAllRequest {
        provider: "so-tp".parse().unwrap(),
        database: "csdl-dan-cu".parse().unwrap(),
        grounds: AllConsumersGrounds::Maintenance,
        starts_at: at(starts_at),
        notice: Some(PublicNotice {
            published_at: at(published),
            expected_restoration: Some(at(starts_at)),
            text: "Bảo trì hệ thống CSDL dân cư.".into(),
        }),
        at: at(now),
    }
}

fn provisional_advisories(advisories: &[lgsp_policy::Advisory]) -> Vec<&lgsp_policy::Advisory> {
    advisories
        .iter()
        .filter(|a| a.code == "calendar_provisional")
        .collect()
}

// --- The shipped years: sources and status ---------------------------------------------------

#[test]
fn calendar_the_shipped_years_carry_their_status_and_sources() {
    let shipped = Calendar::vietnam_public_sector();
    let statuses: Vec<(i32, YearStatus)> =
        shipped.years().iter().map(|y| (y.year, y.status)).collect();
    assert_eq!(
        statuses,
        [
            (2024, YearStatus::Official),
            (2025, YearStatus::Official),
            (2026, YearStatus::Official),
            (2027, YearStatus::Provisional),
        ]
    );
    for year in shipped.years() {
        assert!(!year.sources.is_empty(), "{}", year.year);
        assert!(
            year.days_off.iter().all(|d| d.source.is_some())
                && year.working_days.iter().all(|w| w.source.is_some()),
            "{}",
            year.year
        );
    }
    // The 2026-01-02 swap, worked back on Sat 2026-01-10, rests on the Government Office's
    // letter 12729/VPCP-KGVX of 2025-12-25.
    let y2026 = shipped.year(2026).unwrap();
    let off = y2026
        .days_off
        .iter()
        .find(|d| d.date == day(2026, 1, 2))
        .unwrap();
    let worked = y2026
        .working_days
        .iter()
        .find(|w| w.date == day(2026, 1, 10))
        .unwrap();
    assert_eq!(off.source.as_deref(), Some("CV 12729/VPCP-KGVX"));
    assert_eq!(worked.source.as_deref(), Some("CV 12729/VPCP-KGVX"));
    assert_eq!(worked.replaces, Some(day(2026, 1, 2)));
    let letter = y2026
        .sources
        .iter()
        .find(|s| s.cite == "CV 12729/VPCP-KGVX")
        .unwrap();
    assert_eq!(letter.issued, Some(day(2025, 12, 25)));
    // 24 November is not a day off in the shipped data: it is an option.
    assert_eq!(shipped.is_working_day(day(2026, 11, 24)), Ok(true));
    assert_eq!(shipped.is_working_day(day(2027, 11, 24)), Ok(true));
    // The provisional year says how it was read.
    let note = shipped.year(2027).unwrap().note.clone().unwrap();
    assert!(
        note.contains("Provisional") && note.contains("Art. 111.3"),
        "{note}"
    );
    // An amended calendar keeps its sources and statuses through JSON.
    let amended = with_culture_day(2026);
    let back: Calendar = serde_json::from_str(&serde_json::to_string(&amended).unwrap()).unwrap();
    assert_eq!(back, amended);
    assert!(back.is_provisional(2027) && !back.is_provisional(2026));
}

// --- A 2027 deadline: computed, and flagged provisional --------------------------------------

#[test]
fn calendar_a_2027_deadline_is_computed_and_flagged_provisional() {
    let shipped = Calendar::vietnam_public_sector();
    let official = Calendar::vietnam_public_sector_official();
    // Determined Fri 2027-03-05: the one-day period ends on Sat 6, moved to Mon 8 March.
    let d = civil(&shipped, "2027-03-05T10:00:00+07:00", Period::Days(1)).unwrap();
    assert_eq!(d.last_day(), day(2027, 3, 8));
    assert_eq!(d.due(), at("2027-03-09T00:00:00+07:00"));
    assert_eq!(d.provisional_years(), [2027]);
    // The official calendar alone cannot count it.
    assert!(matches!(
        civil(&official, "2027-03-05T10:00:00+07:00", Period::Days(1)),
        Err(DeadlineError::Calendar(CalendarError::NotCovered { .. }))
    ));
    // Tết 2027 as provisionally read: Fri 5 – Tue 9 February, and Wed 10 – Thu 11 in lieu
    // of the weekend; work resumes on Friday 12 February.
    let d = civil(&shipped, "2027-02-04T10:00:00+07:00", Period::Days(1)).unwrap();
    assert_eq!(d.moved_from(), Some(day(2027, 2, 5)));
    assert_eq!(d.last_day(), day(2027, 2, 12));
    assert_eq!(d.provisional_years(), [2027]);
    // The Hùng Kings' day 2027 (10/3 lunar) is Friday 16 April.
    let d = civil(&shipped, "2027-04-15T10:00:00+07:00", Period::Days(1)).unwrap();
    assert_eq!(d.last_day(), day(2027, 4, 19));
    // A deadline on official days only is not flagged; hours never are.
    let d = civil(&shipped, "2026-03-05T10:00:00+07:00", Period::Days(1)).unwrap();
    assert!(d.provisional_years().is_empty());
    let d = civil(&shipped, "2027-03-05T10:00:00+07:00", Period::Hours(5)).unwrap();
    assert!(d.provisional_years().is_empty());
    // Working days counted from 2026 into 2027 are flagged; the flag survives JSON.
    let d = civil(
        &shipped,
        "2026-12-30T10:00:00+07:00",
        Period::WorkingDays(3),
    )
    .unwrap();
    assert_eq!(d.last_day(), day(2027, 1, 5));
    assert_eq!(d.provisional_years(), [2027]);
    let back: Deadline = serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
    assert_eq!(back.provisional_years(), [2027]);
}

#[test]
fn calendar_a_2027_suspension_notice_says_the_calendar_is_provisional() {
    let engine = support::engine();
    let calendar = Calendar::vietnam_public_sector();
    let world = World::new(world_with_violation("2027-03-05T10:00:00+07:00")).unwrap();
    let answer = engine
        .clone()
        .with_calendar(calendar.clone())
        .decide_suspension(&world, &suspension_request("2027-03-05T11:00:00+07:00"));
    assert!(answer.is_allowed(), "{:?}", answer.decision.reasons);
    let flagged = provisional_advisories(&answer.decision.advisories);
    assert_eq!(flagged.len(), 1, "{:?}", answer.decision.advisories);
    let advisory = flagged[0];
    assert_eq!(advisory.clause.as_str(), "BLLD2019 Đ112.3");
    assert!(
        advisory.en.contains("2027") && advisory.vi.contains("2027"),
        "{advisory:?}"
    );
    assert!(!advisory.en.contains("{years}") && !advisory.vi.contains("{years}"));
    // The clause is one the pack lists, with its title.
    assert!(
        engine.packs()[0]
            .manifest()
            .clauses
            .contains_key(&advisory.clause)
    );
    // The check of the same notice says so too.
    let suspension = Suspension {
        id: "ts.cal".parse().unwrap(),
        agreement: "agr.tp.tuy-hoa".parse().unwrap(),
        violation: "vp.cal".parse().unwrap(),
        suspended_at: at("2027-03-05T11:00:00+07:00"),
        notice: None,
        restored_at: None,
    };
    let check = engine.clone().with_calendar(calendar.clone()).check_notice(
        &world,
        &suspension,
        at("2027-03-05T12:00:00+07:00"),
        DayReading::CivilCode,
    );
    assert_eq!(provisional_advisories(&check.advisories).len(), 1);

    // In 2026 the calendar is official: no such advisory.
    let world = World::new(world_with_violation("2026-03-05T10:00:00+07:00")).unwrap();
    let answer = engine
        .clone()
        .with_calendar(calendar.clone())
        .decide_suspension(&world, &suspension_request("2026-03-05T11:00:00+07:00"));
    assert!(answer.is_allowed());
    assert!(provisional_advisories(&answer.decision.advisories).is_empty());
}

#[test]
fn calendar_a_2027_maintenance_notice_says_the_calendar_is_provisional() {
    let engine = support::engine();
    let world = support::world();
    let calendar = Calendar::vietnam_public_sector();
    // Maintenance from Tue 5 January 2027: 7 working days back are Mon 4 January 2027 and
    // 31, 30, 29, 28, 25 and 24 December 2026.
    let latest = latest_notice_before(at("2027-01-05T08:00:00+07:00"), 7, &calendar).unwrap();
    assert_eq!(latest, at("2026-12-24T00:00:00+07:00"));
    let request = maintenance(
        "2027-01-05T08:00:00+07:00",
        "2026-12-01T09:00:00+07:00",
        "2026-12-02T09:00:00+07:00",
    );
    let answer = engine
        .clone()
        .with_calendar(calendar.clone())
        .decide_suspend_all(&world, &request);
    assert!(answer.is_allowed(), "{:?}", answer.decision.reasons);
    let flagged = provisional_advisories(&answer.decision.advisories);
    assert_eq!(flagged.len(), 1);
    assert!(flagged[0].en.contains("2027"));
    // A late notice is denied, and the deny says the count was provisional too.
    let late = maintenance(
        "2027-01-05T08:00:00+07:00",
        "2026-12-28T09:00:00+07:00",
        "2026-12-28T09:00:00+07:00",
    );
    let answer = engine
        .clone()
        .with_calendar(calendar.clone())
        .decide_suspend_all(&world, &late);
    assert!(!answer.is_allowed());
    assert_eq!(provisional_advisories(&answer.decision.advisories).len(), 1);
    // Maintenance from Thursday 10 December 2026: its 7 working days all lie in 2026.
    let request = maintenance(
        "2026-12-10T08:00:00+07:00",
        "2026-11-20T09:00:00+07:00",
        "2026-11-20T09:00:00+07:00",
    );
    let answer = engine
        .clone()
        .with_calendar(calendar.clone())
        .decide_suspend_all(&world, &request);
    assert!(answer.is_allowed());
    assert!(provisional_advisories(&answer.decision.advisories).is_empty());
}

#[test]
fn calendar_the_duties_report_flags_due_dates_counted_on_a_provisional_year() {
    let calendar = Calendar::vietnam_public_sector();
    let suspension = |when: &str| Suspension {
        id: "ts.cal".parse().unwrap(),
        agreement: "agr.tp.tuy-hoa".parse().unwrap(),
        violation: "vp.cal".parse().unwrap(),
        suspended_at: at(when),
        notice: None,
        restored_at: None,
    };
    let entry = |determined: &str, now: &str| {
        let mut data = world_with_violation(determined);
        data.suspensions.push(suspension(determined));
        let world = World::new(data).unwrap();
        let report = crate::support::engine()
            .with_calendar(calendar.clone())
            .duties_report(&world, at(now), Days::new(30))
            .unwrap();
        report
            .of_kind(DutyKind::SuspensionNotice)
            .find(|d| d.subject == DutySubject::Suspension("ts.cal".parse().unwrap()))
            .cloned()
            .unwrap()
    };
    let e = entry("2027-03-05T10:00:00+07:00", "2027-03-05T12:00:00+07:00");
    assert_eq!(e.due, Some(at("2027-03-09T00:00:00+07:00")));
    assert_eq!(e.provisional_years, [2027]);
    assert!(e.calendar_gap.is_none());
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["provisional_years"], serde_json::json!([2027]));
    let e = entry("2026-03-05T10:00:00+07:00", "2026-03-05T12:00:00+07:00");
    assert!(e.provisional_years.is_empty());
    assert!(
        serde_json::to_value(&e)
            .unwrap()
            .get("provisional_years")
            .is_none()
    );
}

// --- 24 November, an option -----------------------------------------------------------------

#[test]
fn calendar_an_amended_2026_with_24_november_off_moves_a_deadline_that_crosses_it() {
    let shipped = Calendar::vietnam_public_sector();
    let amended = with_culture_day(2026);
    // Three working days from Friday 20 November 2026: Mon 23, Tue 24, Wed 25 — or, with
    // Tuesday 24 off, Mon 23, Wed 25, Thu 26.
    let start = "2026-11-20T09:00:00+07:00";
    let before = civil(&shipped, start, Period::WorkingDays(3)).unwrap();
    let after = civil(&amended, start, Period::WorkingDays(3)).unwrap();
    assert_eq!(before.last_day(), day(2026, 11, 25));
    assert_eq!(after.last_day(), day(2026, 11, 26));
    assert!(after.provisional_years().is_empty()); // 2026 stays official
    // Four days from Friday 20 November end on Tuesday 24: moved to Wednesday 25 (Đ148.5).
    let before = civil(&shipped, start, Period::Days(4)).unwrap();
    let after = civil(&amended, start, Period::Days(4)).unwrap();
    assert_eq!(
        (before.last_day(), before.moved_from()),
        (day(2026, 11, 24), None)
    );
    assert_eq!(
        (after.last_day(), after.moved_from()),
        (day(2026, 11, 25), Some(day(2026, 11, 24)))
    );
    // The seven-working-day maintenance notice before Thursday 3 December 2026 reaches
    // back to Tue 24 November — or, with it off, to Mon 23.
    let event = at("2026-12-03T08:00:00+07:00");
    assert_eq!(
        latest_notice_before(event, 7, &shipped).unwrap(),
        at("2026-11-24T00:00:00+07:00")
    );
    assert_eq!(
        latest_notice_before(event, 7, &amended).unwrap(),
        at("2026-11-23T00:00:00+07:00")
    );
    // So a notice published on Monday 23 November at noon is in time on the shipped
    // calendar and late on the amended one.
    let engine = support::engine();
    let request = maintenance(
        "2026-12-03T08:00:00+07:00",
        "2026-11-23T12:00:00+07:00",
        "2026-11-23T12:00:00+07:00",
    );
    let world = support::world();
    assert!(
        engine
            .clone()
            .with_calendar(shipped.clone())
            .decide_suspend_all(&world, &request)
            .is_allowed()
    );
    let late = engine
        .clone()
        .with_calendar(amended.clone())
        .decide_suspend_all(&world, &request);
    assert!(
        late.decision.has_reason("maintenance_notice_too_late"),
        "{:?}",
        late.decision.reasons
    );
}

#[test]
fn calendar_the_culture_day_option_for_2027_moves_a_provisional_deadline() {
    let amended = with_culture_day(2027);
    // Wednesday 24 November 2027; one working day after Tuesday 23 is Thursday 25.
    let d = civil(
        &amended,
        "2027-11-23T09:00:00+07:00",
        Period::WorkingDays(1),
    )
    .unwrap();
    assert_eq!(d.last_day(), day(2027, 11, 25));
    assert_eq!(d.provisional_years(), [2027]);
    let shipped = Calendar::vietnam_public_sector();
    let d = civil(
        &shipped,
        "2027-11-23T09:00:00+07:00",
        Period::WorkingDays(1),
    )
    .unwrap();
    assert_eq!(d.last_day(), day(2027, 11, 24));
    // Offered for 2026 and 2027 only; applied twice, the day is already off.
    assert!(matches!(
        Calendar::vietnam_culture_day(2025),
        Err(CalendarError::OptionNotOffered { year: 2025, .. })
    ));
    assert_eq!(
        amended.amend(Calendar::vietnam_culture_day(2027).unwrap()),
        Err(CalendarError::AlreadyDayOff {
            date: day(2027, 11, 24)
        })
    );
}

// --- Amendments ---------------------------------------------------------------------------

#[test]
fn calendar_amendments_are_typed_and_all_or_nothing() {
    let shipped = Calendar::vietnam_public_sector();
    let off = |y, m, d| Amendment::AddDayOff {
        day: DayOff::new(day(y, m, d), "x"),
        source: None,
    };
    let worked = |y, m, d, replaces| Amendment::AddWorkingDay {
        day: WorkingDay::new(day(y, m, d), "y", replaces),
        source: None,
    };
    let cases = [
        (
            off(2026, 9, 2),
            CalendarError::AlreadyDayOff {
                date: day(2026, 9, 2),
            },
        ),
        (
            Amendment::RemoveDayOff {
                date: day(2026, 3, 2),
            },
            CalendarError::NotListedDayOff {
                date: day(2026, 3, 2),
            },
        ),
        (
            worked(2026, 1, 10, None),
            CalendarError::AlreadyWorkingDay {
                date: day(2026, 1, 10),
            },
        ),
        (
            Amendment::RemoveWorkingDay {
                date: day(2026, 1, 17),
            },
            CalendarError::NotListedWorkingDay {
                date: day(2026, 1, 17),
            },
        ),
        (
            worked(2026, 3, 2, None),
            CalendarError::WorkingDayNotWeeklyDayOff {
                date: day(2026, 3, 2),
                weekday: chrono::Weekday::Mon,
            },
        ),
        (
            worked(2027, 2, 20, Some(day(2027, 2, 12))),
            CalendarError::ReplacesNotDayOff {
                date: day(2027, 2, 20),
                replaces: day(2027, 2, 12),
            },
        ),
        (
            off(2028, 1, 3),
            CalendarError::NotCovered {
                date: day(2028, 1, 3),
                first: 2024,
                last: 2027,
            },
        ),
        (
            off(2023, 12, 29),
            CalendarError::NotCovered {
                date: day(2023, 12, 29),
                first: 2024,
                last: 2027,
            },
        ),
    ];
    for (amendment, want) in cases {
        assert_eq!(shipped.amend(amendment.clone()), Err(want), "{amendment:?}");
    }
    // A swap the government might fix for 2027 — Fri 12 February off, Sat 20 worked — in
    // either order, validated once at the end.
    let swap = [
        off(2027, 2, 12),
        worked(2027, 2, 20, Some(day(2027, 2, 12))),
    ];
    let mut reversed = swap.clone();
    reversed.reverse();
    for amendments in [swap.clone(), reversed] {
        let amended = shipped.amend_all(amendments).unwrap();
        assert_eq!(amended.is_working_day(day(2027, 2, 12)), Ok(false));
        assert_eq!(amended.is_working_day(day(2027, 2, 20)), Ok(true));
        // The other years are untouched.
        assert_eq!(amended.year(2026), shipped.year(2026));
    }
    // Nothing half-applied: a good amendment followed by a bad one changes nothing.
    let [first, _] = swap;
    let result = shipped.amend_all([first, off(2027, 2, 12)]);
    assert_eq!(
        result,
        Err(CalendarError::AlreadyDayOff {
            date: day(2027, 2, 12)
        })
    );
    assert_eq!(shipped, Calendar::vietnam_public_sector());
    assert_eq!(shipped.is_working_day(day(2027, 2, 12)), Ok(true));
    // Amendments are data too.
    let json = r#"{"add_day_off": {"day": {"date": "2027-02-12", "name": "Nghỉ / Day off"}}}"#;
    let from_json: Amendment = serde_json::from_str(json).unwrap();
    assert_eq!(from_json.date(), day(2027, 2, 12));
    assert!(shipped.amend(from_json).is_ok());
}

// --- Beyond the calendar ----------------------------------------------------------------------

#[test]
fn calendar_a_year_no_calendar_covers_stays_an_error() {
    let shipped = Calendar::vietnam_public_sector();
    assert_eq!(
        civil(&shipped, "2028-03-06T10:00:00+07:00", Period::Days(1)),
        Err(DeadlineError::Calendar(CalendarError::NotCovered {
            date: day(2028, 3, 7),
            first: 2024,
            last: 2027,
        }))
    );
    assert!(!shipped.is_provisional(2028));
    // A suspension in 2028 falls back to 24 hours and says so; the fallback consults no
    // calendar, so nothing is provisional.
    let engine = support::engine();
    let world = World::new(world_with_violation("2028-03-06T10:00:00+07:00")).unwrap();
    let answer = engine
        .clone()
        .with_calendar(shipped.clone())
        .decide_suspension(&world, &suspension_request("2028-03-06T11:00:00+07:00"));
    assert!(answer.is_allowed());
    assert!(
        answer
            .decision
            .advisories
            .iter()
            .any(|a| a.code == "calendar_not_covered_24h")
    );
    assert!(provisional_advisories(&answer.decision.advisories).is_empty());
}
