//! The Cedar entity model: the shipped schema, its version, and the conversions from our
//! types to Cedar values. Everything Cedar-specific about the domain lives here.

use std::str::FromStr;

use cedar_policy::{EntityId, EntityTypeName, EntityUid, Schema};
use chrono::{DateTime, FixedOffset, Months, NaiveDate, NaiveTime};
use semver::Version;

/// The Cedar schema of the entity model every rule pack is validated against.
pub const MODEL_SCHEMA: &str = include_str!("../../policies/model.cedarschema");

/// The version of the entity model (`policies/model.cedarschema`). A pack declares the
/// versions it targets with a `semver` requirement (`"model": "^0.2"` in its manifest).
/// It follows semver: removing or retyping anything is a major change (a minor one while
/// below 1.0), adding an optional attribute or a new action is a minor one (a patch below
/// 1.0). The full table, read from a pack author's side, is in docs/POLICY_AUTHORING.md
/// (section "Versions").
pub const MODEL_VERSION: &str = "0.2.1";

/// How many attribute hops from the principal, resource or context a policy may follow:
/// `resource.database.manager` is two. Packs are validated at this level.
pub const ENTITY_DEPTH: u32 = 2;

/// The model version as a `semver::Version`. The example covers [`MODEL_VERSION`] too.
///
/// # Example
///
/// ```
/// use lgsp_policy::RulePack;
/// use lgsp_policy::pack::{MODEL_VERSION, model_version};
///
/// assert_eq!(model_version().to_string(), MODEL_VERSION);
/// // A pack loads only when its manifest's `model` requirement accepts this version.
/// let pack = RulePack::builtin()?;
/// assert!(pack.manifest().model.matches(&model_version()));
/// # Ok::<(), lgsp_policy::PackError>(())
/// ```
pub fn model_version() -> Version {
    // MODEL_VERSION is a literal checked by a unit test; fall back to 0.0.0 rather than panic.
    Version::parse(MODEL_VERSION).unwrap_or_else(|_| Version::new(0, 0, 0))
}

/// The parsed schema, the entity type names and the action uids, built once.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub schema: Schema,
    pub agency: EntityTypeName,
    pub master_data: EntityTypeName,
    pub database: EntityTypeName,
    pub dataset: EntityTypeName,
    pub account: EntityTypeName,
    pub agreement: EntityTypeName,
    pub violation: EntityTypeName,
    pub action: EntityTypeName,
}

/// The model schema failed to load: a bug in the crate, reported rather than panicking.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the crate's entity model is broken (a bug in lgsp-policy): {0}")]
pub struct ModelError(pub(crate) String);

impl Model {
    pub(crate) fn load() -> Result<Model, ModelError> {
        let (schema, _warnings) =
            Schema::from_cedarschema_str(MODEL_SCHEMA).map_err(|e| ModelError(e.to_string()))?;
        let name = |n: &str| EntityTypeName::from_str(n).map_err(|e| ModelError(e.to_string()));
        Ok(Model {
            schema,
            agency: name("Lgsp::Agency")?,
            master_data: name("Lgsp::MasterData")?,
            database: name("Lgsp::Database")?,
            dataset: name("Lgsp::Dataset")?,
            account: name("Lgsp::Account")?,
            agreement: name("Lgsp::Agreement")?,
            violation: name("Lgsp::Violation")?,
            action: name("Lgsp::Action")?,
        })
    }

    pub(crate) fn uid(ty: &EntityTypeName, id: &str) -> EntityUid {
        EntityUid::from_type_name_and_id(ty.clone(), EntityId::new(id))
    }

    pub(crate) fn action_uid(&self, name: &str) -> EntityUid {
        Model::uid(&self.action, name)
    }
}

/// Cedar's datetime text for an instant: `2024-03-05T14:00:00.000+0700`. Cedar takes
/// `+0700`, not `+07:00`. Written by hand rather than with a `strftime` pattern, which
/// chrono re-parses on every call; the world and every decision format instants.
pub(crate) fn cedar_datetime_text(at: DateTime<FixedOffset>) -> String {
    use chrono::{Datelike, Timelike};
    use std::fmt::Write as _;
    // Written in UTC: an offset with seconds (`+07:00:30`) has no Cedar form, and the
    // instant, which is all that Cedar compares, is the same.
    let utc = at.naive_utc();
    let millis = at.timestamp_subsec_millis().min(999);
    let mut text = String::with_capacity(24);
    match u32::try_from(utc.year()) {
        // Digits pushed one by one: `write!` costs ten times as much, on every decision.
        Ok(year) if year <= 9999 => {
            push_digits(&mut text, year, 4);
            text.push('-');
            push_digits(&mut text, utc.month(), 2);
            text.push('-');
            push_digits(&mut text, utc.day(), 2);
            text.push('T');
            push_digits(&mut text, utc.hour(), 2);
            text.push(':');
            push_digits(&mut text, utc.minute(), 2);
            text.push(':');
            push_digits(&mut text, utc.second(), 2);
            text.push('.');
            push_digits(&mut text, millis, 3);
            text.push('Z');
        }
        // Years Cedar does not take are written as they always were (Cedar refuses them).
        _ => {
            // Writing to a String cannot fail.
            let _ = write!(
                text,
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                utc.year(),
                utc.month(),
                utc.day(),
                utc.hour(),
                utc.minute(),
                utc.second(),
                millis,
            );
        }
    }
    text
}

/// Appends the last `width` decimal digits of `n`, zero-padded.
fn push_digits(text: &mut String, n: u32, width: u32) {
    for place in (0..width).rev() {
        let digit = (n / 10u32.pow(place)) % 10;
        text.push(char::from_digit(digit, 10).unwrap_or('0'));
    }
}

/// The instant as Cedar sees it: cut to the whole millisecond, as
/// [`cedar_datetime_text`] writes it.
pub(crate) fn whole_millisecond(at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    use chrono::Timelike;
    let millis = at.timestamp_subsec_millis().min(999);
    at.with_nanosecond(millis * 1_000_000).unwrap_or(at)
}

/// The instant rounded up to the whole millisecond: for an instant the rules only ever
/// compare as "at or before" (or "after") a deadline that falls on a whole millisecond,
/// Cedar's millisecond view then judges it exactly — an instant half a millisecond after
/// the deadline stays after it.
pub(crate) fn ceil_millisecond(at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let cut = whole_millisecond(at);
    if cut == at {
        at
    } else {
        cut.checked_add_signed(chrono::Duration::milliseconds(1))
            .unwrap_or(at)
    }
}

/// The extension function name `datetime`, parsed once.
fn datetime_name() -> Option<&'static cedar_policy_core::ast::Name> {
    static NAME: std::sync::OnceLock<Option<cedar_policy_core::ast::Name>> =
        std::sync::OnceLock::new();
    NAME.get_or_init(|| cedar_policy_core::ast::Name::parse_unqualified_name("datetime").ok())
        .as_ref()
}

// ------------------------------------------------------- request parts built directly
//
// A decision asks Cedar one question per candidate agreement. Building its context
// through `Context::from_pairs` makes Cedar build an expression for every attribute and
// evaluate the record, and `Request::new` clones every uid twice: together about a tenth
// of a decision (docs/PERFORMANCE.md). The functions below build the same values
// directly, through the Cedar internals cedar-policy itself converts from (`ast::Value`,
// `ast::Context`, `ast::Request`; cedar-policy pins cedar-policy-core with `=`). Unit
// tests check that they equal what the public constructors build.

use cedar_policy_core::ast as cedar_ast;

/// Cedar's `datetime` constructor, looked up once.
fn datetime_fn() -> Option<&'static cedar_ast::ExtensionFunction> {
    static FUNCTION: std::sync::OnceLock<Option<&'static cedar_ast::ExtensionFunction>> =
        std::sync::OnceLock::new();
    *FUNCTION.get_or_init(|| {
        let name = datetime_name()?;
        cedar_policy_core::extensions::Extensions::all_available()
            .func(name)
            .ok()
    })
}

/// Cedar's `datetime` of an instant, as the milliseconds since 1970-01-01T00:00:00Z it
/// counts: the value `datetime("…")` has for [`cedar_datetime_text`], with no text made
/// or parsed. `None` where Cedar refuses that text (a UTC year outside 0000–9999), as
/// [`datetime_value`] does; a unit test checks the two agree.
pub(crate) fn cedar_millis(at: DateTime<FixedOffset>) -> Option<i64> {
    use chrono::Datelike;
    let utc = at.naive_utc();
    if !(0..=9999).contains(&utc.year()) {
        return None;
    }
    // As the text writes it: the whole seconds, then the milliseconds cut (a leap second
    // is the minute's last millisecond).
    let seconds = utc.and_utc().timestamp();
    let millis = i64::from(at.timestamp_subsec_millis().min(999));
    seconds.checked_mul(1000)?.checked_add(millis)
}

/// Cedar's `datetime` value of a count of milliseconds since 1970 ([`cedar_millis`]'s
/// inverse); `None` outside the years Cedar takes.
pub(crate) fn datetime_of_millis(ms: i64) -> Option<cedar_ast::Value> {
    let at = DateTime::from_timestamp_millis(ms)?.fixed_offset();
    datetime_value(at)
}

/// Cedar's `duration` value of a count of milliseconds.
pub(crate) fn duration_of_millis(ms: i64) -> Option<cedar_ast::Value> {
    call_extension("duration", &[cedar_ast::Value::from(format!("{ms}ms"))])
}

/// The two extension types of Cedar the engine computes with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Extension {
    DateTime,
    Duration,
}

/// The milliseconds a Cedar `datetime` (since 1970) or `duration` value counts, read
/// with Cedar's own functions (`durationSince`, `toMilliseconds`); `None` for any other
/// value.
pub(crate) fn extension_millis(value: &cedar_ast::Value) -> Option<(Extension, i64)> {
    let cedar_ast::ValueKind::ExtensionValue(ext) = value.value_kind() else {
        return None;
    };
    let long = |v: cedar_ast::Value| match v.value_kind() {
        cedar_ast::ValueKind::Lit(cedar_ast::Literal::Long(n)) => Some(*n),
        _ => None,
    };
    match ext.typename().to_string().as_str() {
        "datetime" => {
            let epoch = call_extension("datetime", &[cedar_ast::Value::from("1970-01-01")])?;
            let since = call_extension("durationSince", &[value.clone(), epoch])?;
            Some((
                Extension::DateTime,
                long(call_extension("toMilliseconds", &[since])?)?,
            ))
        }
        "duration" => Some((
            Extension::Duration,
            long(call_extension(
                "toMilliseconds",
                std::slice::from_ref(value),
            )?)?,
        )),
        _ => None,
    }
}

/// Calls one of Cedar's extension functions by name on values; `None` on any error.
fn call_extension(name: &str, args: &[cedar_ast::Value]) -> Option<cedar_ast::Value> {
    let name = cedar_policy_core::ast::Name::parse_unqualified_name(name).ok()?;
    let function = cedar_policy_core::extensions::Extensions::all_available()
        .func(&name)
        .ok()?;
    match function.call(args) {
        Ok(cedar_ast::PartialValue::Value(v)) => Some(v),
        _ => None,
    }
}

/// The value `datetime("…")` evaluates to for an instant: Cedar's own constructor applied
/// to [`cedar_datetime_text`], with no expression built or evaluated. `None` when Cedar
/// refuses the text (not for the years 1900–9999 that reach Cedar).
pub(crate) fn datetime_value(at: DateTime<FixedOffset>) -> Option<cedar_ast::Value> {
    let function = datetime_fn()?;
    match function.call(&[cedar_ast::Value::from(cedar_datetime_text(at))]) {
        Ok(cedar_ast::PartialValue::Value(v)) => Some(v),
        _ => None,
    }
}

/// The context record of a request, from its attributes' values (keys are unique).
pub(crate) fn context_of(
    pairs: impl IntoIterator<Item = (&'static str, cedar_ast::Value)>,
) -> Option<cedar_ast::Context> {
    match cedar_ast::Value::record(pairs, None).value {
        cedar_ast::ValueKind::Record(attrs) => Some(cedar_ast::Context::Value(attrs)),
        _ => None,
    }
}

/// A request, as `Request::new(principal, action, resource, context, None)` builds it,
/// with each uid cloned once.
pub(crate) fn request_of(
    principal: &EntityUid,
    action: &EntityUid,
    resource: &EntityUid,
    context: cedar_ast::Context,
) -> cedar_policy::Request {
    let known = |uid: &EntityUid| cedar_ast::EntityUIDEntry::known(uid.as_ref().clone(), None);
    cedar_ast::Request::new_unchecked(
        known(principal),
        known(action),
        known(resource),
        Some(context),
    )
    .into()
}

/// 00:00 local (UTC+7) at the start of `date`.
pub(crate) fn start_of_local_day(date: NaiveDate) -> Option<DateTime<FixedOffset>> {
    date.and_time(NaiveTime::MIN)
        .and_local_timezone(crate::time::VIETNAM_OFFSET)
        .single()
}

/// The local (UTC+7) date of an instant. At the very end of chrono's range, where the
/// local time is not representable, the UTC date (no panic; nothing is in force there).
pub(crate) fn local_date(at: DateTime<FixedOffset>) -> NaiveDate {
    let utc = at.naive_utc();
    utc.checked_add_offset(crate::time::VIETNAM_OFFSET)
        .map_or_else(|| utc.date(), |local| local.date())
}

/// The end (24:00 local, BLDS2015 Đ148.6) of the day `months` months after `date`, on the
/// same day-number or the month's last day (BLDS2015 Đ148.3, Đ148.4). Used for minimum
/// periods (an evaluation's year, a log's three months), which are not moved by holidays.
pub(crate) fn end_of_day_months_after(
    date: NaiveDate,
    months: u32,
) -> Option<DateTime<FixedOffset>> {
    let last = date.checked_add_months(Months::new(months))?;
    start_of_local_day(last.succ_opt()?)
}

/// Cedar's datetime covers years 0000–9999 in the text form we emit; we accept 1900–9999.
pub(crate) fn in_cedar_range(at: DateTime<FixedOffset>) -> bool {
    use chrono::Datelike;
    // Both the local year and the UTC year Cedar is given must have four digits, and Cedar
    // has no leap seconds (a `:60` would reach it as the minute's last millisecond).
    (1900..=9999).contains(&at.year())
        && (1900..=9999).contains(&at.naive_utc().year())
        && !is_leap_second(at)
}

/// Why Cedar cannot be given the instant `field` (`None` when it can), as an evaluation
/// error's detail: `the request's time is outside the years 1900–9999`.
pub(crate) fn out_of_range_detail(what: &str, at: DateTime<FixedOffset>) -> Option<String> {
    if is_leap_second(at) {
        Some(format!(
            "{what} is a leap second (:60), which decisions cannot compare"
        ))
    } else if in_cedar_range(at) {
        None
    } else {
        Some(format!("{what} is outside the years 1900–9999"))
    }
}

/// Whether the instant was written as a leap second (`23:59:60`): chrono keeps it as a
/// nanosecond count of one second or more.
pub(crate) fn is_leap_second(at: DateTime<FixedOffset>) -> bool {
    at.timestamp_subsec_nanos() >= 1_000_000_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_loads_and_version_parses() {
        assert!(Model::load().is_ok());
        assert_eq!(model_version().to_string(), MODEL_VERSION);
    }

    #[test]
    fn datetime_text_is_cedar_form() {
        let at = DateTime::parse_from_rfc3339("2024-03-05T14:00:00+07:00").unwrap_or_default();
        assert_eq!(cedar_datetime_text(at), "2024-03-05T07:00:00.000Z");
    }

    #[test]
    fn datetime_text_keeps_millis_and_negative_offsets() {
        let at = DateTime::parse_from_rfc3339("1999-12-31T23:59:58.25-03:30").unwrap_or_default();
        assert_eq!(cedar_datetime_text(at), "2000-01-01T03:29:58.250Z");
        let chrono_form = at.naive_utc().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        assert_eq!(cedar_datetime_text(at), chrono_form);
        // An offset with seconds keeps the instant.
        let odd = DateTime::parse_from_rfc3339("2024-06-03T10:00:30+07:00")
            .unwrap_or_default()
            .with_timezone(
                &FixedOffset::east_opt(7 * 3600 + 30).unwrap_or(crate::time::VIETNAM_OFFSET),
            );
        assert_eq!(cedar_datetime_text(odd), "2024-06-03T03:00:30.000Z");
    }

    #[test]
    fn datetime_text_equals_the_formatted_text() {
        use chrono::TimeZone;
        let utc = chrono::Utc;
        for (y, mo, d, h, mi, se, ms) in [
            (1900, 1, 1, 0, 0, 0, 0),
            (1999, 12, 31, 23, 59, 59, 999),
            (2024, 2, 29, 7, 5, 9, 12),
            (9999, 12, 31, 23, 59, 59, 1),
            (0, 1, 1, 0, 0, 0, 0),
            (-1, 6, 1, 0, 0, 0, 0),
            (12_345, 6, 1, 0, 0, 0, 0),
        ] {
            let at = utc
                .with_ymd_and_hms(y, mo, d, h, mi, se)
                .single()
                .map(|t| t + chrono::Duration::milliseconds(ms))
                .map(|t| t.fixed_offset());
            assert!(at.is_some());
            let Some(at) = at else { continue };
            let chrono_form = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                y, mo, d, h, mi, se, ms
            );
            assert_eq!(cedar_datetime_text(at), chrono_form);
        }
    }

    /// Cedar's milliseconds of an instant are its `datetime`'s, for the same instants
    /// Cedar takes: years 0000–9999 in UTC, every offset, fractions of a millisecond and
    /// leap seconds included; and the value made back from them is the same value.
    #[test]
    fn millis_are_cedars_datetime() {
        use chrono::TimeZone;
        let mut checked = 0;
        for (y, mo, d, h, mi, se, nanos, offset) in [
            (1900, 1, 1, 0, 0, 0, 0, 7 * 3600),
            (1970, 1, 1, 0, 0, 0, 0, 0),
            (1969, 12, 31, 23, 59, 59, 999_999_999, 0),
            (1999, 12, 31, 23, 59, 59, 999_500_000, -(3 * 3600 + 1800)),
            (2024, 2, 29, 7, 5, 9, 12_345_678, 7 * 3600 + 30),
            (2025, 6, 30, 23, 59, 59, 1_500_000_000, 7 * 3600),
            (0, 1, 1, 0, 0, 0, 0, 0),
            (0, 1, 1, 3, 0, 0, 0, 7 * 3600),
            (9999, 12, 31, 23, 59, 59, 999_000_000, 0),
            (9999, 12, 31, 23, 59, 59, 0, -3600),
            (-1, 6, 1, 0, 0, 0, 0, 0),
            (10_000, 1, 1, 0, 0, 0, 0, 0),
        ] {
            let Some(tz) = FixedOffset::east_opt(offset) else {
                panic!("an offset")
            };
            let at = tz
                .with_ymd_and_hms(y, mo, d, h, mi, se)
                .single()
                .and_then(|t| {
                    use chrono::Timelike;
                    t.with_nanosecond(nanos)
                });
            let Some(at) = at else { panic!("an instant") };
            let ours = cedar_millis(at);
            let theirs = datetime_value(at);
            assert_eq!(ours.is_some(), theirs.is_some(), "{at}");
            if let (Some(ms), Some(value)) = (ours, theirs) {
                assert_eq!(
                    extension_millis(&value),
                    Some((Extension::DateTime, ms)),
                    "{at}"
                );
                assert_eq!(datetime_of_millis(ms), Some(value), "{at}");
                checked += 1;
            }
        }
        assert_eq!(checked, 8);
        let Some(d) = duration_of_millis(-90_061_001) else {
            panic!("a duration")
        };
        assert_eq!(
            extension_millis(&d),
            Some((Extension::Duration, -90_061_001))
        );
    }

    #[test]
    fn months_clamp_to_month_end() {
        let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap_or_default();
        let end = end_of_day_months_after(d, 12).map(|e| e.to_rfc3339());
        assert_eq!(end.as_deref(), Some("2025-03-01T00:00:00+07:00"));
    }
}
