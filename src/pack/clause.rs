//! Citations of legal provisions: `QD05/2024 Đ16.2.h`, `ND47/2020 Đ43.2`, `BLDS2015 Đ148.5`.
//!
//! The format is the one fixed in the regulation gloss (`CLAUSES.md`): an instrument, a
//! space, `Đ` and the article number, then optionally `.<clause>` and `.<point>`, where
//! points use the Vietnamese letters (`a b c d đ e g h i k l m n`, there is no `f`). An
//! unnumbered paragraph is cited by its article and the word `final`: `QD05/2024 Đ13.final`.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The letters a Vietnamese legal text uses for points, in order.
const POINT_LETTERS: [&str; 13] = [
    "a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n",
];

/// A well-formed citation of a legal provision, e.g. `QD05/2024 Đ16.2.h`.
///
/// The example covers the plain getters (`as_str`, `instrument`, `article`, `clause`,
/// `point`).
///
/// # Example
///
/// ```
/// use lgsp_policy::pack::Clause;
///
/// let c: Clause = "QD05/2024 Đ16.2.h".parse()?;
/// assert_eq!(c.as_str(), "QD05/2024 Đ16.2.h");
/// assert_eq!(c.instrument(), "QD05/2024");
/// assert_eq!(c.article(), 16);
/// assert_eq!((c.clause(), c.point()), (Some(2), Some("h")));
/// let paragraph: Clause = "QD05/2024 Đ13.final".parse()?;
/// assert_eq!((paragraph.article(), paragraph.clause(), paragraph.point()), (13, None, None));
/// assert_eq!(c.to_string(), "QD05/2024 Đ16.2.h");
/// assert!("QD05/2024 D16.2.h".parse::<Clause>().is_err()); // `D` is not `Đ`
/// # Ok::<(), lgsp_policy::pack::ClauseError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "String", into = "String")]
#[schemars(with = "String", transform = constrain)]
pub struct Clause(Cow<'static, str>);

/// The grammar of [`Clause::parse`] as a JSON Schema regular expression (ECMA 262): an
/// instrument (capital letters, digits, an optional four-digit year), a space, `Đ` and an
/// article from 1 to 999 without leading zero, then `.final`, or `.<clause>` (1 to 999)
/// and optionally `.<point>` (a Vietnamese point letter: no `f`, no `j`, and `đ`).
const PATTERN: &str = r"^[A-Z]+[0-9]*(?:/[0-9]{4})? Đ[1-9][0-9]{0,2}(?:\.final|\.[1-9][0-9]{0,2}(?:\.(?:[a-eg-ik-n]|đ))?)?$";

/// The instrument's length limit: at most 32 characters before the first space.
const INSTRUMENT_LENGTH: &str = "^[^ ]{1,32} ";

/// The JSON Schema constraints of a citation (a string that follows [`PATTERN`] and
/// [`INSTRUMENT_LENGTH`]), for the type's schema and for maps keyed by citations.
pub(crate) fn schema_constraints() -> serde_json::Value {
    serde_json::json!({
        "type": "string",
        "allOf": [
            { "pattern": PATTERN },
            { "pattern": INSTRUMENT_LENGTH },
        ],
    })
}

fn constrain(schema: &mut schemars::Schema) {
    if let serde_json::Value::Object(constraints) = schema_constraints() {
        for (key, value) in constraints {
            schema.insert(key, value);
        }
    }
}

/// A citation that is not of the form `INSTRUMENT Đ<article>[.<clause>[.<point>]]`.
///
/// Its accessors `text` and `problem` are covered by this example.
///
/// # Example
///
/// ```
/// use lgsp_policy::pack::{Clause, ClauseError};
///
/// let error: ClauseError = "QD05/2024 Đ16.2.f".parse::<Clause>().err().ok_or("parsed")?;
/// assert_eq!(error.text(), "QD05/2024 Đ16.2.f");
/// assert!(!error.problem().is_empty()); // there is no point `f` in Vietnamese texts
/// assert!(error.to_string().contains("expected e.g. `BLDS2015 Đ148.5`"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a clause citation: {problem} (expected e.g. `BLDS2015 Đ148.5`)")]
pub struct ClauseError {
    text: String,
    problem: &'static str,
}

impl ClauseError {
    /// The text that failed to parse.
    pub fn text(&self) -> &str {
        &self.text
    }
    /// What is wrong with it.
    pub fn problem(&self) -> &'static str {
        self.problem
    }
}

impl Clause {
    /// Builds a citation from a literal known to be well formed. Used for the crate's own
    /// constants; a unit test checks every such literal parses.
    pub(crate) const fn from_static(text: &'static str) -> Self {
        Clause(Cow::Borrowed(text))
    }

    /// Parses a citation.
    ///
    /// # Errors
    ///
    /// [`ClauseError`] when the text is not a well-formed citation.
    ///
    /// # Example
    ///
    /// ```
    /// let c = lgsp_policy::pack::Clause::parse("ND47/2020 Đ43.1.a")?;
    /// assert_eq!(c.point(), Some("a"));
    /// # Ok::<(), lgsp_policy::pack::ClauseError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, ClauseError> {
        check(text).map_err(|problem| ClauseError {
            text: text.chars().take(200).collect(),
            problem,
        })?;
        Ok(Clause(Cow::Owned(text.to_owned())))
    }

    /// The citation as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The instrument: `QD05/2024`, `ND47/2020`, `BLDS2015`.
    pub fn instrument(&self) -> &str {
        self.0.split(' ').next().unwrap_or_default()
    }

    fn parts(&self) -> impl Iterator<Item = &str> {
        self.0
            .split_once(" Đ")
            .map(|(_, rest)| rest)
            .unwrap_or_default()
            .split('.')
    }

    /// The article number.
    pub fn article(&self) -> u32 {
        self.parts()
            .next()
            .and_then(|a| a.parse().ok())
            .unwrap_or_default()
    }

    /// The clause number, if cited; `None` also for `final` paragraphs.
    pub fn clause(&self) -> Option<u32> {
        self.parts().nth(1).and_then(|c| c.parse().ok())
    }

    /// The point letter, if cited.
    pub fn point(&self) -> Option<&str> {
        self.parts().nth(2)
    }

    /// Whether this citation is `other` or lies inside it (`Đ16.2.h` is within `Đ16.2` and
    /// `Đ16`).
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::pack::Clause;
    /// let h = Clause::parse("QD05/2024 Đ16.2.h")?;
    /// assert!(h.is_within(&Clause::parse("QD05/2024 Đ16")?));
    /// assert!(!h.is_within(&Clause::parse("QD05/2024 Đ16.1")?));
    /// # Ok::<(), lgsp_policy::pack::ClauseError>(())
    /// ```
    pub fn is_within(&self, other: &Clause) -> bool {
        self.0 == other.0
            || (self.0.starts_with(other.as_str())
                && self
                    .0
                    .get(other.0.len()..)
                    .is_some_and(|r| r.starts_with('.')))
    }
}

fn check(text: &str) -> Result<(), &'static str> {
    let (instrument, rest) = text
        .split_once(' ')
        .ok_or("no space between the instrument and the article")?;
    check_instrument(instrument)?;
    let rest = rest
        .strip_prefix('Đ')
        .ok_or("the article must start with `Đ` (Điều)")?;
    let mut parts = rest.split('.');
    let article = parts.next().unwrap_or_default();
    check_number(article, "the article is not a number from 1 to 999")?;
    match parts.next() {
        None => return Ok(()),
        Some("final") => {
            return match parts.next() {
                None => Ok(()),
                Some(_) => Err("nothing may follow `final`"),
            };
        }
        Some(clause) => check_number(clause, "the clause is not a number from 1 to 999")?,
    }
    match parts.next() {
        None => Ok(()),
        Some(point) if POINT_LETTERS.contains(&point) => match parts.next() {
            None => Ok(()),
            Some(_) => Err("too many parts after the point"),
        },
        Some(_) => Err("the point is not a Vietnamese point letter (a b c d đ e g h i k l m n)"),
    }
}

fn check_instrument(instrument: &str) -> Result<(), &'static str> {
    let (name, year) = match instrument.split_once('/') {
        Some((name, year)) => (name, Some(year)),
        None => (instrument, None),
    };
    let letters = name.chars().take_while(char::is_ascii_uppercase).count();
    let digits = name.get(letters..).unwrap_or_default();
    if letters == 0 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("the instrument must be capital letters then digits, e.g. `BLDS2015`");
    }
    if let Some(year) = year
        && (year.len() != 4 || !year.chars().all(|c| c.is_ascii_digit()))
    {
        return Err("the instrument's year must have four digits");
    }
    if instrument.len() > 32 {
        return Err("the instrument is longer than 32 characters");
    }
    Ok(())
}

fn check_number(text: &str, problem: &'static str) -> Result<(), &'static str> {
    // Digits only: `u32::from_str` would also take a leading `+`.
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(problem);
    }
    match text.parse::<u32>() {
        Ok(n) if (1..1000).contains(&n) && !text.starts_with('0') => Ok(()),
        _ => Err(problem),
    }
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Clause({})", self.0)
    }
}

impl FromStr for Clause {
    type Err = ClauseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Clause::parse(s)
    }
}

impl TryFrom<String> for Clause {
    type Error = ClauseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Clause::parse(&s)
    }
}

impl From<Clause> for String {
    fn from(c: Clause) -> String {
        c.0.into_owned()
    }
}

/// The Civil Code's rules of counting time, which the deadline module implements and
/// cites as the basis of each count. Every citation of a regulation is a pack's.
#[allow(
    dead_code,
    reason = "a shared table of citations; each module uses a few"
)]
pub(crate) mod known {
    use super::Clause;

    /// Civil Code: first day not counted.
    pub const BLDS_147_2: Clause = Clause::from_static("BLDS2015 Đ147.2");
    /// Civil Code: period in hours.
    pub const BLDS_147_1: Clause = Clause::from_static("BLDS2015 Đ147.1");
    /// Civil Code: end of a period in days.
    pub const BLDS_148_1: Clause = Clause::from_static("BLDS2015 Đ148.1");
    /// Civil Code: end of a period in weeks.
    pub const BLDS_148_2: Clause = Clause::from_static("BLDS2015 Đ148.2");
    /// Civil Code: end of a period in months.
    pub const BLDS_148_3: Clause = Clause::from_static("BLDS2015 Đ148.3");
    /// Civil Code: end of a period in years.
    pub const BLDS_148_4: Clause = Clause::from_static("BLDS2015 Đ148.4");
    /// Civil Code: a last day off moves to the next working day.
    pub const BLDS_148_5: Clause = Clause::from_static("BLDS2015 Đ148.5");
    /// Civil Code: a day ends at 24:00.
    pub const BLDS_148_6: Clause = Clause::from_static("BLDS2015 Đ148.6");

    /// Every constant above, for the test that they all parse.
    #[cfg(test)]
    pub const ALL: &[Clause] = &[
        BLDS_147_1, BLDS_147_2, BLDS_148_1, BLDS_148_2, BLDS_148_3, BLDS_148_4, BLDS_148_5,
        BLDS_148_6,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_static_citation_parses() {
        for c in known::ALL {
            assert!(Clause::parse(c.as_str()).is_ok(), "{c}");
        }
    }

    #[test]
    fn rejects_malformed_citations() {
        for bad in [
            "",
            "QD05/2024",
            "QD05/2024 16.2.h",
            "QD05/2024 Đ0",
            "QD05/2024 Đ16.2.f",
            "QD05/2024 Đ16.2.h.i",
            "qd05/2024 Đ16",
            "QD05/24 Đ16",
            "QD05/2024 Đ13.final.a",
            "QD05/2024 Đ016",
            "QD05/2024 Đ+16",
            "QD05/2024 Đ16.+2",
        ] {
            assert!(Clause::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn accepts_the_documented_forms() {
        for good in [
            "QD05/2024 Đ16.2.h",
            "QD05/2024 Đ16.1.đ",
            "QD05/2024 Đ13.final",
            "ND47/2020 Đ43",
            "BLDS2015 Đ148.5",
        ] {
            assert!(Clause::parse(good).is_ok(), "{good:?} should parse");
        }
    }
}
