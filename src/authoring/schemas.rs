//! JSON Schemas of the public input and output types, for callers in other languages.
//!
//! `cargo run --example json_schemas` writes them to `docs/schema/`; a test fails when the
//! files there are out of date.
//!
//! Every check the engine makes on a single value is stated in the schemas too, so a
//! producer in another language finds the mistake before sending it: the id rule
//! (length and characters), the clause grammar, semantic versions and version
//! requirements as the `semver` crate reads them, the years 1900–9999 and whole
//! milliseconds of a world's instants, the years of a request's instants, and the
//! lists that must not be empty. What no schema can state (duplicate ids, references to
//! unknown records, an order between two fields) is listed in the description of the
//! schema it concerns.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, schema_for};
use serde_json::{Value, json};

/// Every public input and output type's JSON Schema, as (file name, schema).
///
/// # Example
///
/// ```
/// let schemas = lgsp_policy::authoring::json_schemas();
/// assert!(schemas.iter().any(|(name, _)| *name == "decision.schema.json"));
/// ```
pub fn json_schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn one<T: JsonSchema>(name: &'static str) -> (&'static str, serde_json::Value) {
        let mut schema = schema_for!(T).to_value();
        if let Some(extra) = not_in_schema(name)
            && let Some(root) = schema.as_object_mut()
        {
            let description = match root.get("description").and_then(Value::as_str) {
                Some(own) => format!("{own}\n\n{extra}"),
                None => extra.to_owned(),
            };
            root.insert("description".into(), Value::String(description));
        }
        (name, schema)
    }
    vec![
        one::<crate::WorldData>("world.schema.json"),
        one::<Vec<crate::records::Change>>("change-batch.schema.json"),
        one::<crate::AccessRequest>("access-request.schema.json"),
        one::<crate::Decision>("decision.schema.json"),
        one::<crate::pack::PackManifest>("pack-manifest.schema.json"),
        one::<crate::SuspensionRequest>("suspension-request.schema.json"),
        one::<crate::SuspendAllRequest>("suspend-all-request.schema.json"),
        one::<crate::RestorationRequest>("restoration-request.schema.json"),
        one::<crate::TerminationRequest>("termination-request.schema.json"),
        one::<crate::UsageReportRequest>("usage-report-request.schema.json"),
        one::<crate::NoticeCheckRequest>("notice-check-request.schema.json"),
        one::<crate::LifecycleDecision>("lifecycle-decision.schema.json"),
        one::<crate::records::Refusal>("refusal.schema.json"),
        one::<crate::CatalogProposal>("catalog-proposal.schema.json"),
        one::<crate::DutiesReport>("duties-report.schema.json"),
        one::<crate::time::Calendar>("calendar.schema.json"),
        one::<crate::calendar::ShippedData>("shipped-calendar.schema.json"),
        one::<crate::time::Deadline>("deadline.schema.json"),
        one::<crate::authoring::PackTestSuite>("pack-tests.schema.json"),
        one::<crate::authoring::Explanation>("explanation.schema.json"),
        one::<crate::authoring::PropertiesFile>("pack-properties.schema.json"),
    ]
}

/// What the engine checks on a document that its schema cannot state, by file name.
fn not_in_schema(name: &str) -> Option<&'static str> {
    const INSTANT_EDGE: &str = "An instant's pattern checks its local year; one on \
        1900-01-01 or 9999-12-31 must also fall within the years 1900–9999 in UTC.";
    match name {
        "world.schema.json" => Some(concat!(
            "Checked by `World::new` but not by this schema: ids are unique within each list; ",
            "every reference names a record of this world (a database's `manager` and ",
            "`master_data`, a dataset's `database`, an account's `holder` and `issuer`, an ",
            "agreement's `provider`, `consumer` and `datasets`, a violation's `violator` and ",
            "`agreement`, a suspension's `agreement`, `violation` and `notice.to`, a database ",
            "suspension's `database`, a refusal's `provider`, `requester`, `authority` and ",
            "`dataset`); at most one agency is the provincial focal point; an account's ",
            "`issuer` manages a database or is the provincial focal point; an agreement's ",
            "`provider` and `consumer` differ, its `provider` manages every dataset in ",
            "`datasets`, and its `term.end` is after `term.start`; a violation's `violator` is ",
            "a party to its `agreement`, and its `determined_at` is not before `recorded_at`; ",
            "a suspension's `restored_at` is not before `suspended_at` (`starts_at` for a ",
            "database suspension). An instant's pattern checks its local year; one on ",
            "1900-01-01 or 9999-12-31 must also fall within the years 1900–9999 in UTC."
        )),
        "change-batch.schema.json" => Some(concat!(
            "Checked by `World::apply` but not by this schema: an added record's id is new ",
            "for its kind; a replaced, removed, transitioned or determined record exists; a ",
            "removed record is referred to by no other; a transition's `from` is the ",
            "agreement's status; and the world the batch leaves passes every check of ",
            "`World::new` (see `world.schema.json`). A batch applies whole or not at all."
        )),
        "pack-manifest.schema.json" => Some(concat!(
            "Checked when the pack loads but not by this schema: `model` matches the ",
            "entity-model version of the lgsp-policy that loads it (`MODEL_VERSION`); every ",
            "clause that a reason, an advisory or a reading cites is a key of `clauses`; ",
            "`effective_until` is after `effective_from`; `policies` names exactly the policy ",
            "files supplied with the manifest; the policies parse, validate against the ",
            "entity model and carry well-formed annotations; no two packs given to one engine ",
            "are in force in the same territory on the same day."
        )),
        "access-request.schema.json" => Some(concat!(
            "Checked against a world, not by this schema: the `account` and the `dataset` ",
            "exist in it (an unknown one is a deny, `unknown_account` or `unknown_dataset`). ",
            "An instant's pattern checks its local year; one on 1900-01-01 or 9999-12-31 must ",
            "also fall within the years 1900–9999 in UTC (outside them the request is a deny, ",
            "`evaluation_error`)."
        )),
        "suspension-request.schema.json"
        | "suspend-all-request.schema.json"
        | "restoration-request.schema.json"
        | "termination-request.schema.json"
        | "usage-report-request.schema.json"
        | "notice-check-request.schema.json" => Some(concat!(
            "Checked against a world, not by this schema: the agency, agreement, database and ",
            "violation it names exist in it (an unknown one is a deny that says which). An ",
            "instant's pattern checks its local year; one on 1900-01-01 or 9999-12-31 must ",
            "also fall within the years 1900–9999 in UTC (outside them the act is a deny, ",
            "`evaluation_error`)."
        )),
        "calendar.schema.json" => Some(concat!(
            "Checked by `Calendar::new` but not by this schema: the years are contiguous and ",
            "each is given once; every date is listed under its own year, once; no date is ",
            "both a day off and a working day; a working day falls on a weekly day off; a ",
            "working day's `replaces`, when the calendar covers it, is a listed day off."
        )),
        "pack-tests.schema.json" => Some(INSTANT_EDGE),
        _ => None,
    }
}

/// The regular expressions the schemas use, in the dialect of JSON Schema (ECMA 262):
/// only constructs that read the same in ECMA 262, Rust's `regex` and most other engines
/// (no look-around, no back-references, no `\d`, which is Unicode-wide in some).
mod pattern {
    /// A local date and time in RFC 3339 form with a year from 1900 to 9999, with any
    /// fraction of a second.
    pub(super) fn instant(whole_milliseconds: bool) -> String {
        // Seconds run 00–59: a leap second (`:60`) is refused by worlds and requests.
        // The engine reads at most nine digits of a fraction (chrono ignores the rest): a
        // whole millisecond has zeros in the fourth to ninth.
        let fraction = if whole_milliseconds {
            r"(?:\.(?:[0-9]{1,2}|[0-9]{3}(?:0{0,5}|0{6}[0-9]*)))?"
        } else {
            r"(?:\.[0-9]+)?"
        };
        format!(
            r"^(?:19|[2-9][0-9])[0-9]{{2}}-[0-9]{{2}}-[0-9]{{2}}[Tt][0-9]{{2}}:[0-9]{{2}}:[0-5][0-9]{fraction}(?:[Zz]|[+-][0-9]{{2}}:[0-9]{{2}})$"
        )
    }

    /// A date with a year from 1900 to 9998.
    pub(super) const WORLD_DATE: &str =
        r"^(?:19[0-9]{2}|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-[0-9]{2}-[0-9]{2}$";

    /// A decimal number from 0 to `u64::MAX`, without leading zeros, as `semver` reads
    /// version numbers.
    pub(super) fn number() -> String {
        let max = u64::MAX.to_string();
        let digits: Vec<u32> = max.chars().filter_map(|c| c.to_digit(10)).collect();
        let width = digits.len();
        // Zero, or fewer digits than the maximum, or as many and not above it.
        let mut alternatives = vec![
            "0".to_owned(),
            format!("[1-9][0-9]{{0,{}}}", width.saturating_sub(2)),
        ];
        for (i, &d) in digits.iter().enumerate() {
            let lowest = u32::from(i == 0);
            if d > lowest {
                let prefix = max.get(..i).unwrap_or_default();
                let rest = width - i - 1;
                let below = if d - 1 == lowest {
                    lowest.to_string()
                } else {
                    format!("[{lowest}-{}]", d - 1)
                };
                alternatives.push(if rest == 0 {
                    format!("{prefix}{below}")
                } else {
                    format!("{prefix}{below}[0-9]{{{rest}}}")
                });
            }
        }
        alternatives.push(max);
        format!("(?:{})", alternatives.join("|"))
    }

    /// A pre-release identifier: no leading zero in a numeric one.
    const PRE: &str = "(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)";
    /// A build-metadata identifier.
    const BUILD: &str = "[0-9A-Za-z-]+";

    /// A semantic version, as `semver::Version` parses it.
    pub(super) fn version() -> String {
        let n = number();
        format!(r"^{n}\.{n}\.{n}(?:-{PRE}(?:\.{PRE})*)?(?:\+{BUILD}(?:\.{BUILD})*)?$")
    }

    /// A version requirement, as `semver::VersionReq` parses it (its limit of 32
    /// comparators is [`AT_MOST_32_COMPARATORS`]).
    pub(super) fn version_req() -> String {
        let n = number();
        let comparator = format!(
            r"(?:=|>=?|<=?|~|\^)? *{n}(?:\.(?:[*xX](?:\.[*xX])?|{n}(?:\.(?:[*xX]|{n}(?:-{PRE}(?:\.{PRE})*)?(?:\+{BUILD}(?:\.{BUILD})*)?))?))? *"
        );
        format!("^ *(?:[*xX] *|{comparator}(?:, *{comparator})*)$")
    }

    /// At most 32 comma-separated parts.
    pub(super) const AT_MOST_32_COMPARATORS: &str = "^[^,]*(?:,[^,]*){0,31}$";
}

fn schema(value: Value) -> Schema {
    match value {
        Value::Object(map) => Schema::from(map),
        _ => Schema::default(),
    }
}

/// The schema of an instant in a world record: RFC 3339, a local year from 1900 to 9999,
/// a whole number of milliseconds.
pub(crate) fn world_instant() -> Value {
    json!({
        "type": "string",
        "format": "date-time",
        "pattern": pattern::instant(true),
    })
}

/// Schema-only types, named in `#[schemars(with = …)]` on the fields they describe. They
/// hold no values.
#[derive(Debug)]
pub(crate) enum Instant {}

impl JsonSchema for Instant {
    fn schema_name() -> Cow<'static, str> {
        "Instant".into()
    }
    fn schema_id() -> Cow<'static, str> {
        "lgsp_policy::schemas::Instant".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut value = world_instant();
        if let Some(map) = value.as_object_mut() {
            map.insert(
                "description".into(),
                "An instant of a world record: RFC 3339 with its UTC offset, e.g. \
                 `2024-06-03T09:30:00+07:00`, in the years 1900–9999 (Cedar's datetimes), \
                 to the millisecond at most: decisions compare times to the millisecond, so \
                 a finer time is refused rather than misjudged."
                    .into(),
            );
        }
        schema(value)
    }
}

/// The instant of a request: RFC 3339, a local year from 1900 to 9999, any precision.
#[derive(Debug)]
pub(crate) enum RequestInstant {}

impl JsonSchema for RequestInstant {
    fn schema_name() -> Cow<'static, str> {
        "RequestInstant".into()
    }
    fn schema_id() -> Cow<'static, str> {
        "lgsp_policy::schemas::RequestInstant".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schema(json!({
            "type": "string",
            "format": "date-time",
            "pattern": pattern::instant(false),
            "description": "An instant of a request: RFC 3339 with its UTC offset, e.g. \
                `2024-06-03T09:30:00+07:00`, in the years 1900–9999 (Cedar's datetimes; \
                outside them the request is a deny, `evaluation_error`).",
        }))
    }
}

/// A date of a world record: a year from 1900 to 9998 (a year's margin, so that an
/// evaluation's expiry stays in range).
#[derive(Debug)]
pub(crate) enum WorldDate {}

impl JsonSchema for WorldDate {
    fn schema_name() -> Cow<'static, str> {
        "WorldDate".into()
    }
    fn schema_id() -> Cow<'static, str> {
        "lgsp_policy::schemas::WorldDate".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schema(json!({
            "type": "string",
            "format": "date",
            "pattern": pattern::WORLD_DATE,
            "description": "A local date of a world record, e.g. `2024-06-03`, in the \
                years 1900–9998 (one year of margin, so a yearly expiry stays in range).",
        }))
    }
}

/// A semantic version (`1.2.3`, `0.1.0-rc.1+build.5`), as the `semver` crate reads it.
#[derive(Debug)]
pub(crate) enum SemVer {}

impl JsonSchema for SemVer {
    fn schema_name() -> Cow<'static, str> {
        "SemVer".into()
    }
    fn schema_id() -> Cow<'static, str> {
        "lgsp_policy::schemas::SemVer".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schema(json!({
            "type": "string",
            "pattern": pattern::version(),
            "description": "A semantic version (SemVer 2.0.0), e.g. `1.2.3` or \
                `0.1.0-rc.1+build.5`: numbers without leading zeros, up to 18446744073709551615.",
        }))
    }
}

/// A version requirement (`^0.1`, `>=1.2, <2`), as the `semver` crate reads it.
#[derive(Debug)]
pub(crate) enum SemVerReq {}

impl JsonSchema for SemVerReq {
    fn schema_name() -> Cow<'static, str> {
        "SemVerReq".into()
    }
    fn schema_id() -> Cow<'static, str> {
        "lgsp_policy::schemas::SemVerReq".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schema(json!({
            "type": "string",
            "allOf": [
                { "pattern": pattern::version_req() },
                { "pattern": pattern::AT_MOST_32_COMPARATORS },
            ],
            "description": "A version requirement as Cargo writes them, e.g. `^0.1` or \
                `>=0.1.0, <0.3`: up to 32 comma-separated comparators, or `*`.",
        }))
    }
}

/// For a field whose value must hold at least one item.
pub(crate) fn non_empty(schema: &mut Schema) {
    schema.insert("minItems".into(), json!(1));
}

/// For a map keyed by clause citations: the keys follow the clause grammar.
pub(crate) fn clause_keys(schema: &mut Schema) {
    schema.insert("propertyNames".into(), crate::clause::schema_constraints());
}

/// For the manifest's `reasons`: the engine's own reasons must all be there.
pub(crate) fn engine_reasons(schema: &mut Schema) {
    schema.insert("required".into(), json!(crate::pack::ENGINE_REASON_CODES));
}

/// A pack's `duties`: every duty kind, and no other key.
pub(crate) fn pack_duties(schema: &mut Schema) {
    let kinds: Vec<&str> = crate::duties::DutyKind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    schema.insert("required".into(), json!(kinds));
    schema.insert("propertyNames".into(), json!({ "enum": kinds }));
    schema.remove("default");
}

/// A pack's `periods`: every period the engine counts, each with at least one value, and
/// no other key.
pub(crate) fn pack_periods(schema: &mut Schema) {
    schema.insert("required".into(), json!(crate::pack::PERIOD_NAMES));
    schema.insert(
        "propertyNames".into(),
        json!({ "enum": crate::pack::PERIOD_NAMES }),
    );
    if let Some(obj) = schema
        .get_mut("additionalProperties")
        .and_then(|items| items.as_object_mut())
    {
        obj.insert("minItems".into(), json!(1));
    }
    schema.remove("default");
}

/// For a database suspension's `notice`: in a world record, its instants are those of
/// a world (a request's notice is read at any precision).
pub(crate) fn world_notice(schema: &mut Schema) {
    schema.insert(
        "properties".into(),
        json!({
            "published_at": world_instant(),
            "expected_restoration": world_instant(),
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::pattern;

    #[test]
    fn the_number_pattern_is_u64_without_leading_zeros() {
        let n = pattern::number();
        assert!(n.starts_with("(?:0|[1-9][0-9]{0,18}|1[0-7][0-9]{18}|18[0-3][0-9]{17}|"));
        assert!(n.ends_with("|1844674407370955161[0-4]|18446744073709551615)"));
    }
}
