//! Checked identifiers for everything the regulation names.
//!
//! An identifier is 1 to 128 characters of ASCII letters, digits, `-`, `_`, `.` and `:`.
//! The rule keeps ids printable in logs, safe in Cedar entity uids and stable in JSON.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The longest identifier accepted.
pub const MAX_ID_LEN: usize = 128;

/// Adds the id rule to an id type's schema: `minLength` 1, `maxLength` [`MAX_ID_LEN`] and
/// the characters, as a JSON Schema regular expression (ECMA 262).
fn constrain(schema: &mut schemars::Schema) {
    schema.insert("minLength".into(), 1.into());
    schema.insert("maxLength".into(), MAX_ID_LEN.into());
    schema.insert(
        "pattern".into(),
        format!("^[A-Za-z0-9._:-]{{1,{MAX_ID_LEN}}}$").into(),
    );
}

/// An identifier that does not follow the rule (1–128 of `A-Z a-z 0-9 - _ . :`).
///
/// Its accessors `kind`, `text` and `problem` are covered by this example.
///
/// # Example
///
/// ```
/// use lgsp_policy::records::{AgencyId, IdError, MAX_ID_LEN};
///
/// let error: IdError = "Sở Tư pháp".parse::<AgencyId>().err().ok_or("a space was accepted")?;
/// assert_eq!(error.kind(), "agency");
/// assert_eq!(error.text(), "Sở Tư pháp");
/// assert!(error.problem().starts_with("only ASCII letters"));
///
/// let long = "a".repeat(MAX_ID_LEN + 1);
/// let error = long.parse::<AgencyId>().err().ok_or("a long id was accepted")?;
/// assert_eq!(error.problem(), "it is longer than 128 characters");
/// assert_eq!(error.text().len(), 64); // the text is cut for messages
/// assert!("a".repeat(MAX_ID_LEN).parse::<AgencyId>().is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a valid {kind} id: {problem}")]
pub struct IdError {
    kind: &'static str,
    text: String,
    problem: &'static str,
}

impl IdError {
    /// Which kind of id was being parsed (`agency`, `dataset`, …).
    pub fn kind(&self) -> &'static str {
        self.kind
    }
    /// The rejected text (cut to 64 characters).
    pub fn text(&self) -> &str {
        &self.text
    }
    /// What is wrong with it.
    pub fn problem(&self) -> &'static str {
        self.problem
    }
}

fn check_id(kind: &'static str, text: &str) -> Result<(), IdError> {
    let problem = if text.is_empty() {
        Some("it is empty")
    } else if text.len() > MAX_ID_LEN {
        Some("it is longer than 128 characters")
    } else if !text
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
    {
        Some("only ASCII letters, digits, `-`, `_`, `.` and `:` are allowed")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => Err(IdError {
            kind,
            text: text.chars().take(64).collect(),
            problem,
        }),
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $example:literal) => {
        $(#[$doc])*
        ///
        /// # Example
        ///
        /// ```
        #[doc = concat!("let id: lgsp_policy::records::", stringify!($name), " = \"", $example, "\".parse()?;")]
        #[doc = concat!("assert_eq!(id.as_str(), \"", $example, "\");")]
        #[doc = concat!("assert!(\"has space\".parse::<lgsp_policy::records::", stringify!($name), ">().is_err());")]
        /// # Ok::<(), lgsp_policy::records::IdError>(())
        /// ```
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
        #[serde(try_from = "String", into = "String")]
        #[schemars(with = "String", transform = constrain)]
        pub struct $name(String);

        impl $name {
            /// Parses and checks an id (`"…".parse()` does the same).
            ///
            /// # Errors
            ///
            /// [`IdError`] when the text is empty, too long or has a character outside
            /// `A-Z a-z 0-9 - _ . :`.
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("use lgsp_policy::records::", stringify!($name), ";")]
            ///
            #[doc = concat!("let id = ", stringify!($name), "::new(\"", $example, "\")?;")]
            #[doc = concat!("assert_eq!(id, \"", $example, "\".parse::<", stringify!($name), ">()?);")]
            #[doc = concat!("let error = ", stringify!($name), "::new(\"\").err().ok_or(\"an empty id\")?;")]
            #[doc = concat!("assert_eq!(error.kind(), \"", $kind, "\");")]
            /// # Ok::<(), Box<dyn std::error::Error>>(())
            /// ```
            pub fn new(text: impl Into<String>) -> Result<Self, IdError> {
                let text = text.into();
                check_id($kind, &text)?;
                Ok(Self(text))
            }

            /// The id as text (the type's example shows it).
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        // Lookups by the text of an id (a Cedar entity's), without building one: the
        // order and hash of an id are its text's.
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// Identifies an agency, organisation, enterprise or citizen (QD05/2024 Đ2).
    AgencyId, "agency", "so-tttt"
);
id_type!(
    /// Identifies a database (QD05/2024 Đ3.2).
    DatabaseId, "database", "csdl-dan-cu"
);
id_type!(
    /// Identifies a dataset inside a database.
    DatasetId, "dataset", "dan-cu.ho-khau"
);
id_type!(
    /// Identifies a kind of master data (QD05/2024 Đ7.2.d).
    MasterDataId, "master data", "md.cong-dan"
);
id_type!(
    /// Identifies a connection account (QD05/2024 Đ16.2.e).
    AccountId, "account", "acc-001"
);
id_type!(
    /// Identifies a sharing agreement (QD05/2024 Đ14.5).
    AgreementId, "agreement", "agr-2024-01"
);
id_type!(
    /// Identifies a determined violation (QD05/2024 Đ5, Đ16.2.h).
    ViolationId, "violation", "vp-2024-007"
);
id_type!(
    /// Identifies a policy inside a rule pack (its `@id` annotation).
    PolicyId, "policy", "access.direct-connection"
);
id_type!(
    /// Identifies a rule pack.
    PackId, "pack", "qd05-2024-phu-yen"
);
id_type!(
    /// A declared purpose of use (QD05/2024 Đ17.2.a, Đ17.2.b), as agreed in a sharing
    /// agreement, e.g. `administrative-procedures`.
    Purpose, "purpose", "administrative-procedures"
);
id_type!(
    /// A territory code: ISO 3166-2 for a Vietnamese province, e.g. `VN-32` (Phú Yên, and
    /// after 2025-07-01 the former Phú Yên part of Đắk Lắk).
    TerritoryId, "territory", "VN-32"
);
id_type!(
    /// Identifies a suspension record (QD05/2024 Đ16.2.h, ND47/2020 Đ43).
    SuspensionId, "suspension", "ts-2024-001"
);
id_type!(
    /// Identifies a refusal record (QD05/2024 Đ16.1.đ).
    RefusalId, "refusal", "tc-2024-001"
);
