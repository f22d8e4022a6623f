//! An independent reference model of shared-catalog eligibility, written from the
//! regulation (`../shared/regulation/CLAUSES.md`: QD05/2024 Đ3.6, Đ7.2–Đ7.4, Đ8.3) and the
//! readings documented in `docs/CATALOG_AND_DUTIES.md`, not from `catalog.cedar`. Plain
//! Rust, clarity over speed.
//!
//! It answers what `Engine::decide_catalog` answers for the built-in pack: the outcome and
//! the set of reason codes — every gap of the proposal at once.
//!
//! # What it shares with the engine by design (the documented contract, not the law)
//!
//! - The pack is in force in `VN-32` from local date 2024-03-05; otherwise
//!   `no_pack_in_force` alone.
//! - An unknown proposer or database stops the evaluation (`unknown_proposer`,
//!   `unknown_database`); a time outside the years 1900–9999 is `evaluation_error`.
//! - A master-data id the dossier names and the world lacks is `unknown_master_data`,
//!   listed with the gaps.
//! - An allow is `catalog_addition_eligible` or `catalog_withdrawal_eligible`.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use lgsp_policy::catalog::CatalogChange;
use lgsp_policy::records::{CatalogMembership, Hosting};
use lgsp_policy::{CatalogProposal, Outcome, WorldData};

/// What the reference model decides about a catalog proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogVerdict {
    pub outcome: Outcome,
    pub reasons: BTreeSet<&'static str>,
}

/// Every reason code a catalog proposal can get.
pub const CATALOG_CODES: &[&str] = &[
    "catalog_addition_eligible",
    "catalog_withdrawal_eligible",
    "proposer_not_manager",
    "already_in_shared_catalog",
    "dossier_missing_name",
    "dossier_missing_managing_unit",
    "dossier_missing_objective",
    "dossier_missing_data_scope",
    "dossier_missing_master_data",
    "dossier_missing_users_and_purposes",
    "dossier_missing_sources",
    "dossier_missing_sharing_methods",
    "criterion_legal_value_not_shown",
    "criterion_no_reference_master_data",
    "criterion_no_administrative_procedures",
    "not_hosted_at_data_centre",
    "not_in_shared_catalog",
    "withdrawal_no_replacement",
    "withdrawal_no_master_data_reference",
    "withdrawal_replacement_not_for_procedures",
    "unknown_proposer",
    "unknown_database",
    "unknown_master_data",
    "no_pack_in_force",
    "evaluation_error",
];

/// Reading 2: an item is present when given and not blank — nothing but white space and
/// invisible format characters (Unicode category Cf: zero-width spaces, word joiners,
/// byte-order marks left by office documents).
fn present(item: Option<&String>) -> bool {
    use unicode_general_category::{GeneralCategory, get_general_category};
    item.is_some_and(|s| {
        s.chars()
            .any(|c| !c.is_whitespace() && get_general_category(c) != GeneralCategory::Format)
    })
}

/// A list is present when one of its entries is.
fn any_present(items: &[String]) -> bool {
    items.iter().any(|s| present(Some(s)))
}

pub fn decide(
    world: &WorldData,
    p: &CatalogProposal,
    now: DateTime<FixedOffset>,
) -> CatalogVerdict {
    let deny = |reasons: BTreeSet<&'static str>| CatalogVerdict {
        outcome: Outcome::Deny,
        reasons,
    };
    let vn = FixedOffset::east_opt(7 * 3600).unwrap();
    let from = NaiveDate::from_ymd_opt(2024, 3, 5).unwrap();
    if world.territory.as_str() != "VN-32" || now.with_timezone(&vn).date_naive() < from {
        return deny(BTreeSet::from(["no_pack_in_force"]));
    }
    let proposer = world.agencies.iter().find(|a| a.id == p.proposer);
    let database = world.databases.iter().find(|d| d.id == p.database);
    let (Some(_), Some(db)) = (proposer, database) else {
        let mut unknown = BTreeSet::new();
        if proposer.is_none() {
            unknown.insert("unknown_proposer");
        }
        if database.is_none() {
            unknown.insert("unknown_database");
        }
        return deny(unknown);
    };
    if !(1900..=9999).contains(&now.year()) || !(1900..=9999).contains(&now.naive_utc().year()) {
        return deny(BTreeSet::from(["evaluation_error"]));
    }

    let mut gaps = BTreeSet::new();
    // Đ7.2: "các cơ quan quản lý dữ liệu rà soát ... đề xuất": the managing agency proposes.
    if p.proposer != db.manager {
        gaps.insert("proposer_not_manager");
    }
    let eligible = match &p.change {
        CatalogChange::Add(d) => {
            // Đ3.6: a proposal to add what is already in the shared catalog has no object.
            if db.catalog == CatalogMembership::Shared {
                gaps.insert("already_in_shared_catalog");
            }
            // Đ7.2 a–g: the contents of the dossier.
            let items = [
                (present(d.name.as_ref()), "dossier_missing_name"),
                (
                    present(d.managing_unit.as_ref()),
                    "dossier_missing_managing_unit",
                ),
                (present(d.objective.as_ref()), "dossier_missing_objective"),
                (present(d.data_scope.as_ref()), "dossier_missing_data_scope"),
                (!d.master_data.is_empty(), "dossier_missing_master_data"),
                (
                    present(d.users_and_purposes.as_ref()),
                    "dossier_missing_users_and_purposes",
                ),
                (present(d.sources.as_ref()), "dossier_missing_sources"),
                (
                    !d.sharing_methods.is_empty(),
                    "dossier_missing_sharing_methods",
                ),
                // Đ7.3.a: legal value equal to paper documents, shown by its basis.
                (
                    present(d.legal_value_basis.as_ref()),
                    "criterion_legal_value_not_shown",
                ),
                // Đ7.3.c: serves administrative procedures.
                (
                    any_present(&d.administrative_procedures),
                    "criterion_no_administrative_procedures",
                ),
            ];
            for (ok, code) in items {
                if !ok {
                    gaps.insert(code);
                }
            }
            // Đ7.3.b: master data of the provincial People's Committee or of a ministry or
            // sector, the reference for synchronising databases — among those named.
            let named: Vec<_> = d
                .master_data
                .iter()
                .map(|id| world.master_data.iter().find(|m| &m.id == id))
                .collect();
            if named.iter().any(Option::is_none) {
                gaps.insert("unknown_master_data");
            }
            if !named.iter().flatten().any(|m| {
                matches!(
                    m.reference,
                    lgsp_policy::records::MasterDataReference::ProvincialPeoplesCommittee
                        | lgsp_policy::records::MasterDataReference::Ministry { .. }
                )
            }) {
                gaps.insert("criterion_no_reference_master_data");
            }
            // Đ8.3: shared databases are hosted at the provincial data centre.
            if db.hosting != Hosting::ProvincialDataCentre {
                gaps.insert("not_hosted_at_data_centre");
            }
            "catalog_addition_eligible"
        }
        CatalogChange::Withdraw(w) => {
            // Đ7.4: only what is in the shared catalog can be withdrawn from it.
            if db.catalog != CatalogMembership::Shared {
                gaps.insert("not_in_shared_catalog");
            }
            // Đ7.4.a: equivalent data, and the competent authority that provides it.
            if !w
                .replacement
                .as_ref()
                .is_some_and(|r| present(Some(&r.data)) && present(Some(&r.provider)))
            {
                gaps.insert("withdrawal_no_replacement");
            }
            // Đ7.4.b: the master data keeps a reference that keeps databases in sync.
            if !present(w.master_data_reference.as_ref()) {
                gaps.insert("withdrawal_no_master_data_reference");
            }
            // Đ7.4.c: the replacement serves administrative procedures.
            if !any_present(&w.replacement_procedures) {
                gaps.insert("withdrawal_replacement_not_for_procedures");
            }
            "catalog_withdrawal_eligible"
        }
        _ => unreachable!("a new kind of catalog change"),
    };
    if gaps.is_empty() {
        CatalogVerdict {
            outcome: Outcome::Allow,
            reasons: BTreeSet::from([eligible]),
        }
    } else {
        deny(gaps)
    }
}
