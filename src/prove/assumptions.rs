//! The model assumptions: facts every request the engine builds satisfies, which the Cedar
//! schema cannot state, written as `forbid`s of the requests they rule out and added to a
//! pack before a proof. A proof of "pack ∧ assumptions ⇒ property" then quantifies over
//! the requests lgsp-policy can actually evaluate, and a counterexample is one a world can
//! hold.
//!
//! Every list is generated from the crate's own enumerations (`AgencyKind::ALL` and its
//! predicates, `DataClass::ALL`, `Channel::ALL`, `ViolationKind::ALL`, …), so a new kind
//! changes the assumptions with it. Their soundness — no request the engine builds is
//! ruled out — is a property test against the engine (`tests/integration/prove.rs`).

use chrono::NaiveDate;

use crate::Channel;
use crate::records::{AgencyKind, DataClass, ViolationKind};

/// `Authentication`'s names (`Authentication` has no `ALL`; the unit test below fails if
/// a variant is added or renamed).
pub(super) const AUTHENTICATIONS: [&str; 4] = ["none", "password", "multi_factor", "certificate"];
/// `AgreementStatus`'s names.
pub(super) const AGREEMENT_STATUSES: [&str; 3] = ["active", "suspended", "terminated"];
/// `SharingMethod`'s names.
pub(super) const SHARING_METHODS: [&str; 3] = ["online_connection", "synchronisation", "package"];
/// `CatalogMembership`'s names.
pub(super) const CATALOGS: [&str; 3] = ["shared", "specialised", "none"];
/// The grounds a lifecycle request states (`LifecycleContext.grounds`).
pub(super) const GROUNDS: [&str; 4] = ["violation", "maintenance", "force_majeure", "none"];

/// The actions whose context is an `AccessContext`.
pub(super) const ACCESS_ACTIONS: [&str; 3] = ["query", "download", "subscribe"];
/// The actions whose context is a `LifecycleContext`.
const LIFECYCLE_ACTIONS: [&str; 5] = [
    "suspend",
    "restore",
    "terminate",
    "requireUsageReport",
    "suspendAll",
];

/// A Cedar set literal of strings.
fn set<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = items.into_iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

/// Start of a local day (UTC+7) as a Cedar datetime literal.
fn day_start(date: NaiveDate) -> String {
    format!("datetime(\"{}T00:00:00+0700\")", date.format("%Y-%m-%d"))
}

/// The years 1900–9999 of a world's and a request's instants.
const FIRST_INSTANT: &str = "datetime(\"1900-01-01T00:00:00+0700\")";
const END_OF_TIME: &str = "datetime(\"9999-12-31T00:00:00Z\")";
/// The end of the last day a world's date may name (World: years 1900–9998).
const LAST_DATE_END: &str = "datetime(\"9999-01-01T00:00:00+0700\")";
/// The earliest and (exclusive) latest end of the year an evaluation covers.
const FIRST_EVALUATION_END: &str = "datetime(\"1901-01-01T00:00:00+0700\")";
const LAST_EVALUATION_END: &str = "datetime(\"9999-12-31T00:00:00Z\").offset(duration(\"60d\"))";

/// One assumption: the forbid's condition and why it holds.
struct Assumption {
    why: &'static str,
    rules_out: String,
}

/// The assumptions for one request environment, as Cedar text (`forbid`s with a comment
/// each), or `None` for an environment the crate does not know.
///
/// `principal` and `resource` are entity type names (`Lgsp::Account`), `action` an
/// action id (`query`). `from`/`until` bound `context.now` to the dates the pack is in
/// force (local days; `until` exclusive).
pub(super) fn for_env(
    principal: &str,
    action: &str,
    resource: &str,
    from: NaiveDate,
    until: Option<NaiveDate>,
) -> String {
    let mut all: Vec<Assumption> = Vec::new();
    let mut agencies: Vec<&str> = Vec::new();
    match principal {
        "Lgsp::Account" => {
            agencies.extend(["principal.holder", "principal.issuer"]);
            all.push(Assumption {
                why: "an account's authentication is one the crate knows (Authentication)",
                rules_out: format!(
                    "!{}.contains(principal.authentication)",
                    set(AUTHENTICATIONS)
                ),
            });
        }
        "Lgsp::Agency" => agencies.push("principal"),
        _ => {}
    }
    match resource {
        "Lgsp::Dataset" => {
            agencies.push("resource.provider");
            all.push(Assumption {
                why: "a dataset's provider is its database's manager (World)",
                rules_out: "resource.provider != resource.database.manager".into(),
            });
            all.push(Assumption {
                why: "a dataset's class is a DataClass",
                rules_out: format!(
                    "!{}.contains(resource.class)",
                    set(DataClass::ALL.map(DataClass::as_str))
                ),
            });
            all.push(Assumption {
                why: "a database's catalog is a CatalogMembership",
                rules_out: format!("!{}.contains(resource.database.catalog)", set(CATALOGS)),
            });
            all.push(Assumption {
                why: "a publication date is in the years 1900–9998 (World)",
                rules_out: format!(
                    "resource has publishedAt && (resource.publishedAt < {FIRST_INSTANT} || resource.publishedAt >= {LAST_DATE_END})"
                ),
            });
        }
        "Lgsp::Agreement" => {
            agencies.extend(["resource.provider", "resource.consumer"]);
            all.extend(agreement("resource"));
        }
        "Lgsp::Database" => {
            agencies.push("resource.manager");
            all.push(Assumption {
                why: "a database's catalog is a CatalogMembership",
                rules_out: format!("!{}.contains(resource.catalog)", set(CATALOGS)),
            });
        }
        _ => {}
    }
    all.push(Assumption {
        why: "requests are made while the pack is in force (the engine picks the pack by date) and before the year 10000",
        rules_out: match until {
            Some(until) => format!(
                "context.now < {} || context.now >= {}",
                day_start(from),
                day_start(until)
            ),
            None => format!("context.now < {} || context.now >= {END_OF_TIME}", day_start(from)),
        },
    });
    if ACCESS_ACTIONS.contains(&action) {
        all.push(Assumption {
            why: "the channel is a Channel",
            rules_out: format!(
                "!{}.contains(context.channel)",
                set(Channel::ALL.map(Channel::as_str))
            ),
        });
        all.push(Assumption {
            why: "the agreement the engine considers is between the account's holder and the dataset's provider (engine step 3)",
            rules_out: "context has agreement && (context.agreement.consumer != principal.holder || context.agreement.provider != resource.provider)".into(),
        });
        all.extend(
            agreement("context.agreement")
                .into_iter()
                .map(|a| Assumption {
                    why: a.why,
                    rules_out: format!("context has agreement && ({})", a.rules_out),
                }),
        );
        all.push(Assumption {
            why: "the end of the year since the last evaluation is counted from a date in the years 1900–9998 (World): a year later, moved past days off by at most a few weeks",
            rules_out: format!(
                "context has evaluatedUntil && (context.evaluatedUntil < {FIRST_EVALUATION_END} || context.evaluatedUntil >= {LAST_EVALUATION_END})"
            ),
        });
    }
    if LIFECYCLE_ACTIONS.contains(&action) {
        all.push(Assumption {
            why: "the grounds are one the engine writes",
            rules_out: format!("!{}.contains(context.grounds)", set(GROUNDS)),
        });
        all.push(Assumption {
            why: "a violation's kind is a ViolationKind",
            rules_out: format!(
                "context has violation && !{}.contains(context.violation.kind)",
                set(ViolationKind::ALL.map(ViolationKind::as_str))
            ),
        });
        all.push(Assumption {
            why: "a violation is not determined before it is recorded (World)",
            rules_out: "context has violation && context.violation has determinedAt && context.violation.determinedAt < context.violation.recordedAt".into(),
        });
    }
    for agency in &agencies {
        all.extend(agency_flags(agency));
    }
    for (i, a) in agencies.iter().enumerate() {
        for b in agencies.iter().skip(i + 1) {
            all.push(Assumption {
                why: "there is one provincial focal point (World)",
                rules_out: format!(
                    "{a} != {b} && {a}.provincialFocalPoint && {b}.provincialFocalPoint"
                ),
            });
        }
    }
    let mut text = format!(
        "// Model assumptions for {principal}, {action}, {resource} (generated by lgsp-policy).\n"
    );
    for a in all {
        text.push_str(&format!(
            "// {}\nforbid (principal, action, resource) when {{ {} }};\n",
            a.why, a.rules_out
        ));
    }
    text
}

/// An agreement's status and methods are the crate's, its parties differ and its term
/// ends after it starts, in the years 1900–9999.
fn agreement(at: &str) -> Vec<Assumption> {
    vec![
        Assumption {
            why: "an agreement's status is an AgreementStatus",
            rules_out: format!("!{}.contains({at}.status)", set(AGREEMENT_STATUSES)),
        },
        Assumption {
            why: "an agreement's methods are SharingMethods",
            rules_out: format!("!{}.containsAll({at}.methods)", set(SHARING_METHODS)),
        },
        Assumption {
            why: "an agreement's provider and consumer differ (World)",
            rules_out: format!("{at}.provider == {at}.consumer"),
        },
        Assumption {
            why: "an agreement's term ends after it starts, in the years 1900–9999 (World)",
            rules_out: format!(
                "{at}.start < {FIRST_INSTANT} || {at}.start >= {END_OF_TIME} || ({at} has end && ({at}.end <= {at}.start || {at}.end >= {END_OF_TIME}))"
            ),
        },
    ]
}

/// An agency's kind is an `AgencyKind` and its three flags are functions of the kind.
fn agency_flags(agency: &str) -> Vec<Assumption> {
    let kinds = |pred: fn(AgencyKind) -> bool| {
        set(AgencyKind::ALL
            .into_iter()
            .filter(|k| pred(*k))
            .map(AgencyKind::as_str))
    };
    vec![
        Assumption {
            why: "an agency's kind is an AgencyKind",
            rules_out: format!("!{}.contains({agency}.kind)", kinds(|_| true)),
        },
        Assumption {
            why: "stateAdministrative follows from the kind (AgencyKind::is_state_administrative)",
            rules_out: format!(
                "{agency}.stateAdministrative != {}.contains({agency}.kind)",
                kinds(AgencyKind::is_state_administrative)
            ),
        },
        Assumption {
            why: "inProvince follows from the kind (AgencyKind::is_in_province)",
            rules_out: format!(
                "{agency}.inProvince != {}.contains({agency}.kind)",
                kinds(AgencyKind::is_in_province)
            ),
        },
        Assumption {
            why: "provincialFocalPoint follows from the kind (AgencyKind::is_provincial_focal_point)",
            rules_out: format!(
                "{agency}.provincialFocalPoint != {}.contains({agency}.kind)",
                kinds(AgencyKind::is_provincial_focal_point)
            ),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{AgreementStatus, Authentication, CatalogMembership, SharingMethod};

    /// The hand-written name lists are exactly the enums' names: a variant added to an
    /// enum breaks the `match`, a renamed one breaks the round trip.
    #[test]
    fn name_lists_are_the_enums() {
        fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(names: &[&str]) {
            for name in names {
                let value: T = serde_json::from_value(serde_json::json!(name)).unwrap();
                assert_eq!(
                    serde_json::to_value(value).unwrap(),
                    serde_json::json!(name)
                );
            }
        }
        round_trip::<Authentication>(&AUTHENTICATIONS);
        round_trip::<AgreementStatus>(&AGREEMENT_STATUSES);
        round_trip::<SharingMethod>(&SHARING_METHODS);
        round_trip::<CatalogMembership>(&CATALOGS);
        let count = |a: Authentication| match a {
            Authentication::None
            | Authentication::Password
            | Authentication::MultiFactor
            | Authentication::Certificate => AUTHENTICATIONS.len(),
        };
        assert_eq!(count(Authentication::None), 4);
        let count = |s: AgreementStatus| match s {
            AgreementStatus::Active | AgreementStatus::Suspended | AgreementStatus::Terminated => {
                AGREEMENT_STATUSES.len()
            }
        };
        assert_eq!(count(AgreementStatus::Active), 3);
        let count = |m: SharingMethod| match m {
            SharingMethod::OnlineConnection
            | SharingMethod::Synchronisation
            | SharingMethod::Package => SHARING_METHODS.len(),
        };
        assert_eq!(count(SharingMethod::Package), 3);
        let count = |c: CatalogMembership| match c {
            CatalogMembership::Shared
            | CatalogMembership::Specialised
            | CatalogMembership::None => CATALOGS.len(),
        };
        assert_eq!(count(CatalogMembership::None), 3);
    }

    #[test]
    fn every_schema_environment_gets_assumptions_that_parse() {
        let from = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
        for (p, a, r) in [
            ("Lgsp::Account", "query", "Lgsp::Dataset"),
            ("Lgsp::Agency", "suspend", "Lgsp::Agreement"),
            ("Lgsp::Agency", "suspendAll", "Lgsp::Database"),
            ("Lgsp::Agency", "proposeAddition", "Lgsp::Database"),
        ] {
            let text = for_env(p, a, r, from, None);
            let set: cedar_policy::PolicySet = text.parse().unwrap();
            assert!(set.policies().count() > 3, "{text}");
        }
    }
}
