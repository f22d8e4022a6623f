//! The suspension story, on the example province (QD05/2024 Đ16.2.h).
//!
//! Sở Tài nguyên và Môi trường (so-tnmt) reads the population register of Sở Tư pháp
//! (so-tp) under agreement `agr.tp.so-tnmt`. On Friday 17 May 2024 at 16:30 so-tp
//! determines violation `vp.2024.001`: the data was used for a marketing list. The story:
//! the suspension and its one-day notice deadline, the consumer's requests denied while
//! suspended (and the refusal drafted), the notice sent late and flagged, a usage report
//! required, and the restoration.
//!
//! Every act that changes the records is applied to the world as a batch of changes
//! (`World::apply`): the suspension's transition, the suspension record, the restoration.
//! Each batch gives a new snapshot; nothing is rebuilt.
//!
//! Run with `cargo run --example province -- suspension`. The example does the I/O the library does
//! not: it reads the world from disk and prints.

use std::error::Error;

use chrono::{DateTime, FixedOffset};
use lgsp_policy::records::{Change, ConsumerNotice, Record, Suspension};
use lgsp_policy::time::{Calendar, DayReading, Period, deadline};
use lgsp_policy::{
    AccessRequest, Action, Channel, Decision, Duty, Engine, RestorationRequest, SuspensionRequest,
    Transition, UsageReportRequest, World,
};

const WORLD: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/policies/qd05-2024-phu-yen/tests/phu-yen.world.json"
);

fn at(text: &str) -> Result<DateTime<FixedOffset>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text)
}

/// One line of the story's table.
struct Row {
    when: String,
    who: &'static str,
    what: &'static str,
    outcome: String,
    why: String,
}

fn when(t: DateTime<FixedOffset>) -> String {
    t.format("%a %d/%m %H:%M").to_string()
}

fn outcome(d: &Decision) -> String {
    if d.is_allowed() { "ALLOW" } else { "DENY" }.to_owned()
}

fn why(d: &Decision) -> String {
    d.reasons
        .iter()
        .map(|r| format!("{} ({})", r.code, r.clause))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The transitions of an allowed act, as changes.
fn transitions(transitions: &[Transition]) -> Vec<Change> {
    transitions
        .iter()
        .cloned()
        .map(Change::Transition)
        .collect()
}

/// Runs the suspension story.
pub fn run() -> Result<(), Box<dyn Error>> {
    let text = std::fs::read_to_string(WORLD)?;
    let world = World::from_json(&text)?;
    let engine = Engine::builtin()?;
    let calendar = Calendar::vietnam_public_sector();
    let mut rows: Vec<Row> = Vec::new();

    let read = |t: &str| -> Result<AccessRequest, Box<dyn Error>> {
        Ok(AccessRequest::new(
            "acc.so-tnmt".parse()?,
            Action::Query,
            "dan-cu.nhan-khau".parse()?,
            Channel::Lgsp,
            "land-management".parse()?,
            at(t)?,
        )
        .subject_requested(true))
    };

    // 1. Before the suspension, the consumer reads as agreed.
    let request = read("2024-05-17T16:00:00+07:00")?;
    let d = engine.decide(&world, &request);
    rows.push(Row {
        when: when(request.at),
        who: "so-tnmt",
        what: "query dan-cu.nhan-khau",
        outcome: outcome(&d),
        why: why(&d),
    });

    // 2. The provider suspends, on the determined violation.
    let violation = world
        .violation(&"vp.2024.001".parse()?)
        .ok_or("the example has vp.2024.001")?;
    let determined = violation.determined_at.ok_or("vp.2024.001 is determined")?;
    let request = SuspensionRequest::new(
        "so-tp".parse()?,
        "agr.tp.so-tnmt".parse()?,
        Some(violation.id.clone()),
        at("2024-05-17T17:00:00+07:00")?,
    );
    let suspended = engine
        .clone()
        .with_calendar(calendar.clone())
        .decide_suspension(&world, &request);
    let mut due_text = String::new();
    for duty in &suspended.decision.duties {
        if let Duty::NotifyConsumer { due, .. } = duty {
            due_text = format!(
                "notify so-tnmt by 24:00 {} ({})",
                due.last_day().format("%a %d/%m"),
                due.due().to_rfc3339()
            );
        }
    }
    rows.push(Row {
        when: when(request.at),
        who: "so-tp",
        what: "suspend agr.tp.so-tnmt",
        outcome: outcome(&suspended.decision),
        why: format!("{}; {due_text}", why(&suspended.decision)),
    });
    let world = world.apply(&transitions(&suspended.transitions))?.world;

    // 3. While suspended, the consumer's requests are denied, and each refusal is drafted.
    for t in ["2024-05-18T08:00:00+07:00", "2024-05-20T09:00:00+07:00"] {
        let request = read(t)?;
        let d = engine.decide(&world, &request);
        let refusal = engine.draft_refusal(&request, &d, "tc.2024.001".parse()?);
        let authority = refusal
            .and_then(|r| r.authority)
            .map(|a| format!("; refusal to report to {a}"))
            .unwrap_or_default();
        rows.push(Row {
            when: when(request.at),
            who: "so-tnmt",
            what: "query dan-cu.nhan-khau",
            outcome: outcome(&d),
            why: format!("{}{authority}", why(&d)),
        });
    }

    // 4. The notice goes out on Tuesday morning: late.
    let record = Suspension {
        id: "ts.2024.001".parse()?,
        agreement: "agr.tp.so-tnmt".parse()?,
        violation: violation.id.clone(),
        suspended_at: request.at,
        notice: Some(ConsumerNotice {
            to: "so-tnmt".parse()?,
            sent_at: at("2024-05-21T09:00:00+07:00")?,
            violation: violation.description.clone(),
            handling_plan: "Tạm ngừng kết nối; rà soát nhật ký truy cập 3 tháng.".into(),
            restoration_requirements: "Hủy danh sách tiếp thị; báo cáo bằng văn bản.".into(),
        }),
        restored_at: None,
    };
    let now = at("2024-05-21T10:00:00+07:00")?;
    let check = engine.clone().with_calendar(calendar.clone()).check_notice(
        &world,
        &record,
        now,
        DayReading::CivilCode,
    );
    rows.push(Row {
        when: when(at("2024-05-21T09:00:00+07:00")?),
        who: "so-tp",
        what: "notice to so-tnmt (check)",
        outcome: if check.is_compliant() {
            "OK"
        } else {
            "FINDING"
        }
        .to_owned(),
        why: check
            .findings
            .iter()
            .map(|f| {
                format!(
                    "{} ({}): {}",
                    f.code,
                    f.clause,
                    f.detail.as_deref().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    });
    let mut world = world
        .apply(&[Change::Add(Record::Suspension(record.clone()))])?
        .world;

    // 5. The provider requires a usage report: the violation is a sign of unlawful use.
    let request = UsageReportRequest {
        provider: "so-tp".parse()?,
        agreement: "agr.tp.so-tnmt".parse()?,
        violation: Some(violation.id.clone()),
        at: at("2024-05-21T10:00:00+07:00")?,
    };
    let d = engine.decide_usage_report(&world, &request);
    rows.push(Row {
        when: when(request.at),
        who: "so-tp",
        what: "require a usage report",
        outcome: outcome(&d.decision),
        why: why(&d.decision),
    });

    // 6. Restoration: refused while the requirements are unmet, then granted.
    for (t, met) in [
        ("2024-05-22T09:00:00+07:00", false),
        ("2024-05-24T09:00:00+07:00", true),
    ] {
        let request = RestorationRequest {
            provider: "so-tp".parse()?,
            agreement: "agr.tp.so-tnmt".parse()?,
            requirements_met: met,
            at: at(t)?,
        };
        let d = engine.decide_restoration(&world, &request);
        rows.push(Row {
            when: when(request.at),
            who: "so-tp",
            what: if met {
                "restore (requirements met)"
            } else {
                "restore (requirements unmet)"
            },
            outcome: outcome(&d.decision),
            why: why(&d.decision),
        });
        // An allowed restoration: the agreement's transition, and the record closed.
        if d.is_allowed() {
            let mut batch = transitions(&d.transitions);
            batch.push(Change::Replace(Record::Suspension(Suspension {
                restored_at: Some(request.at),
                ..record.clone()
            })));
            world = world.apply(&batch)?.world;
        }
    }

    // 7. After the restoration, the consumer reads again.
    let request = read("2024-05-24T10:00:00+07:00")?;
    let d = engine.decide(&world, &request);
    rows.push(Row {
        when: when(request.at),
        who: "so-tnmt",
        what: "query dan-cu.nhan-khau",
        outcome: outcome(&d),
        why: why(&d),
    });

    // Print.
    println!("Suspension story: agreement agr.tp.so-tnmt, violation vp.2024.001");
    println!(
        "Violation determined {}.",
        determined.format("%a %Y-%m-%d %H:%M %:z")
    );
    for (label, reading) in [
        ("Civil Code (default)", DayReading::CivilCode),
        ("24 hours (option)", DayReading::TwentyFourHours),
    ] {
        let d = deadline(determined, Period::Days(1), &calendar, reading)?;
        let basis: Vec<String> = d.basis().iter().map(ToString::to_string).collect();
        println!(
            "  one-day notice due, {label:<20} {}  [{}]",
            d.due().format("%a %Y-%m-%d %H:%M %:z"),
            basis.join(", ")
        );
    }
    println!();
    let widths = [
        rows.iter()
            .map(|r| r.when.chars().count())
            .max()
            .unwrap_or(0),
        rows.iter().map(|r| r.who.len()).max().unwrap_or(0),
        rows.iter().map(|r| r.what.len()).max().unwrap_or(0),
        rows.iter()
            .map(|r| r.outcome.len())
            .max()
            .unwrap_or(0)
            .max(7),
    ];
    let [w0, w1, w2, w3] = widths;
    println!(
        "{:<w0$} | {:<w1$} | {:<w2$} | {:<w3$} | reasons, duties, findings",
        "when", "who", "what", "outcome"
    );
    println!("{}", "-".repeat(w0 + w1 + w2 + w3 + 40));
    for r in &rows {
        println!(
            "{:<w0$} | {:<w1$} | {:<w2$} | {:<w3$} | {}",
            r.when, r.who, r.what, r.outcome, r.why
        );
    }
    println!();
    println!(
        "Final status of agr.tp.so-tnmt: {}; suspension records kept: {}",
        world
            .agreement(&"agr.tp.so-tnmt".parse()?)
            .map_or("unknown", |g| g.status.as_str()),
        world.suspensions().count()
    );
    println!(
        "Snapshots: {} batches applied to the world read from disk, none rebuilt.",
        world.generation()
    );
    Ok(())
}
