//! Shared-catalog proposals drawn relative to a world: additions and withdrawals, each with
//! the time it is decided.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use proptest::prelude::*;
use proptest::sample::Index;

use crate::agreement::SharingMethod;
use crate::catalog::{
    AdditionDossier, CatalogChange, CatalogProposal, Replacement, WithdrawalDossier,
};
use crate::data::{CatalogMembership, Database, Hosting, MasterData};
use crate::deadline::VIETNAM_OFFSET;
use crate::ids::MasterDataId;
use crate::world::World;

use super::access::When;
use super::instants::{IN_FORCE_MS, MS_PER_DAY, instant, instant_ms};
use super::lifecycle::{Asker, asker};
use super::{Snapshot, option, pick};

/// A dossier item: given, blank (only white space) or missing, nine, one and one times
/// in eleven.
fn item() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        9 => "\\PC{1,24}".prop_map(|s| Some(format!("x{s}"))),
        // Blanks, white space and the invisible format characters office documents leave.
        2 => prop::sample::select(vec![
            " ", "   ", "\t\n", "\u{a0}", "\u{3000} ", "\u{200B}", "\u{2060}", "\u{FEFF}",
            " \u{200B}\u{FEFF} ", "\u{00AD}",
        ])
        .prop_map(|s| Some(s.to_owned())),
        1 => Just(None),
    ]
}

#[derive(Debug, Clone)]
struct CatalogPart {
    asker: Asker,
    database: Index,
    other: Index,
    unknown_database: bool,
    withdraw: bool,
    /// Everything the proposer controls fits the change.
    cooperative: bool,
    items: Vec<Option<String>>,
    master_data: Vec<(Index, bool)>,
    methods: Vec<SharingMethod>,
    procedures: Vec<Option<String>>,
    replacement: Option<(Option<String>, Option<String>)>,
    when: When,
    unknown: String,
}

fn catalog_part() -> impl Strategy<Value = CatalogPart> {
    let when = prop_oneof![
        30 => instant().prop_map(When::Anytime),
        1 => (0i64..(365 * MS_PER_DAY)).prop_map(When::Beyond),
    ];
    (
        (
            asker(),
            any::<Index>(),
            any::<Index>(),
            prop::bool::weighted(0.03),
            prop::bool::weighted(0.35),
            prop::bool::weighted(0.4),
        ),
        prop::collection::vec(item(), 9),
        prop::collection::vec((any::<Index>(), prop::bool::weighted(0.93)), 0..3),
        prop::sample::subsequence(
            vec![
                SharingMethod::OnlineConnection,
                SharingMethod::Synchronisation,
                SharingMethod::Package,
            ],
            0..=3,
        ),
        prop::collection::vec(item(), 0..3),
        option(8, (item(), item())),
        when,
        "[a-z0-9]{1,8}",
    )
        .prop_map(
            |(
                (asker, database, other, unknown_database, withdraw, cooperative),
                items,
                master_data,
                methods,
                procedures,
                replacement,
                when,
                unknown,
            )| CatalogPart {
                asker,
                database,
                other,
                unknown_database,
                withdraw,
                cooperative,
                items,
                master_data,
                methods,
                procedures,
                replacement,
                when,
                unknown,
            },
        )
}

impl Snapshot {
    fn proposal(&self, p: &CatalogPart) -> Option<(CatalogProposal, DateTime<FixedOffset>)> {
        let data = &self.data;
        // A cooperative proposer picks a database the change fits: for an addition, one
        // outside the shared catalog and at the data centre; for a withdrawal, one in it.
        let fitting: Vec<&Database> = data
            .databases
            .iter()
            .filter(|d| {
                if p.withdraw {
                    d.catalog == CatalogMembership::Shared
                } else {
                    d.catalog != CatalogMembership::Shared
                        && d.hosting == Hosting::ProvincialDataCentre
                }
            })
            .collect();
        let database = if p.unknown_database {
            None
        } else if p.cooperative && !fitting.is_empty() {
            pick(&p.database, &fitting).copied()
        } else {
            pick(&p.database, &data.databases)
        };
        let database_id = match database {
            Some(d) => d.id.clone(),
            None => Self::unknown_id("db", &p.unknown)?,
        };
        let manager = database.map(|d| &d.manager);
        let asker = if p.cooperative {
            Asker::Provider
        } else {
            p.asker
        };
        let proposer = self.asker(asker, manager, None, &p.other, &p.unknown)?;

        let given = |i: usize| -> Option<String> {
            let item = p.items.get(i).cloned().flatten();
            if p.cooperative {
                Some(
                    item.filter(|s| !crate::text::is_blank(s))
                        .unwrap_or_else(|| format!("item {i}")),
                )
            } else {
                item
            }
        };
        let master: Vec<&MasterData> = data.master_data.iter().collect();
        let authoritative: Vec<&MasterData> = data
            .master_data
            .iter()
            .filter(|m| m.reference.is_authoritative())
            .collect();
        let mut master_data: Vec<MasterDataId> = p
            .master_data
            .iter()
            .filter_map(|(i, known)| match pick(i, &master) {
                Some(m) if *known => Some(m.id.clone()),
                _ => Self::unknown_id("md", &p.unknown),
            })
            .collect();
        if p.cooperative {
            master_data.retain(|m| data.master_data.iter().any(|k| &k.id == m));
            if let Some(m) = pick(&p.database, &authoritative) {
                master_data.push(m.id.clone());
            }
        }
        master_data.sort();
        master_data.dedup();
        let mut procedures: Vec<String> = p.procedures.iter().flatten().cloned().collect();
        if p.cooperative && !procedures.iter().any(|s| !crate::text::is_blank(s)) {
            procedures.push("1.000123 — Đăng ký thường trú".to_owned());
        }

        let change = if p.withdraw {
            let replacement = match (&p.replacement, p.cooperative) {
                (_, true) => Some(Replacement {
                    data: given(7).unwrap_or_default(),
                    provider: given(8).unwrap_or_default(),
                }),
                (Some((data, provider)), false) => Some(Replacement {
                    data: data.clone().unwrap_or_default(),
                    provider: provider.clone().unwrap_or_default(),
                }),
                (None, false) => None,
            };
            CatalogChange::Withdraw(WithdrawalDossier {
                replacement,
                master_data_reference: given(3),
                replacement_procedures: procedures,
            })
        } else {
            let mut methods = p.methods.clone();
            if p.cooperative && methods.is_empty() {
                methods.push(SharingMethod::OnlineConnection);
            }
            CatalogChange::Add(AdditionDossier {
                name: given(0),
                managing_unit: given(1),
                objective: given(2),
                data_scope: given(3),
                master_data,
                users_and_purposes: given(4),
                sources: given(5),
                sharing_methods: methods,
                legal_value_basis: given(6),
                administrative_procedures: procedures,
            })
        };
        let now = match &p.when {
            When::Beyond(ms) => instant_ms(253_402_300_800_000 + ms, VIETNAM_OFFSET)?,
            When::Anytime(at) => *at,
            _ => instant_ms(IN_FORCE_MS, VIETNAM_OFFSET)?,
        };
        Some((
            CatalogProposal {
                proposer,
                database: database_id,
                change,
            },
            now,
        ))
    }
}

/// Shared-catalog proposals drawn relative to `world` (QD05/2024 Đ7.2–Đ7.4, Đ8.3), each
/// with the time it is decided.
///
/// Two in five are *cooperative*: the database's manager proposes to add a database
/// outside the shared catalog and hosted at the provincial data centre (or to withdraw
/// one in the catalog), with every item of the dossier given, a master-data record the
/// provincial People's Committee or a ministry holds as reference (when the world has
/// one), a sharing method and an administrative procedure. The others pick any database
/// and leave each item given, blank (spaces, a tab, a non-breaking or ideographic space)
/// or missing; name master data the world may not know; and are sometimes made by another
/// agency or an unknown one, or for an unknown database. About one in three is a
/// withdrawal. Times are anywhere in the window (one in twenty before the pack's entry into
/// force), rarely past the year 9999.
///
/// # Example
///
/// ```
/// use lgsp_policy::strategies::{WorldSize, catalog_proposals_for, world};
/// use lgsp_policy::Engine;
/// use proptest::prelude::*;
///
/// let engine = Engine::builtin()?;
/// let cases = world(WorldSize::SMALL).prop_flat_map(|w| {
///     let p = catalog_proposals_for(&w);
///     (Just(w), p)
/// });
/// proptest!(ProptestConfig::with_cases(16), |((w, (proposal, now)) in cases)| {
///     let decision = engine.decide_catalog(&w, &proposal, now);
///     // Only the database's manager may propose.
///     if decision.is_allowed() {
///         let manager = w.database(&proposal.database).map(|d| &d.manager);
///         prop_assert_eq!(manager, Some(&proposal.proposer));
///     }
/// });
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
pub fn catalog_proposals_for(
    world: &World,
) -> impl Strategy<Value = (CatalogProposal, DateTime<FixedOffset>)> + use<> {
    let snapshot = Arc::new(Snapshot::of(world));
    catalog_part().prop_filter_map("a catalog proposal", move |p| snapshot.proposal(&p))
}
