//! The per-record checks of a [`World`]: each record's fields, its dates and the records
//! it refers to ([`World::new`] runs them all, a batch of changes those it touches), and
//! the searches for the records that refer to or read one (`referrer`, `readers_of`).

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset};

use crate::account::Account;
use crate::agreement::SharingAgreement;
use crate::data::{Database, Dataset};
use crate::ids::{AgencyId, DatasetId, TerritoryId};
use crate::model;
use crate::records::RecordKey;
use crate::refusal::Refusal;
use crate::suspension::{DatabaseSuspension, Suspension};
use crate::violation::Violation;
use crate::world::{World, WorldError};

fn dangling(
    kind: &'static str,
    id: &str,
    field: &'static str,
    target_kind: &'static str,
    target: &str,
) -> WorldError {
    WorldError::DanglingReference {
        kind,
        id: id.to_owned(),
        field,
        target_kind,
        target: target.to_owned(),
    }
}

fn check_date(
    kind: &'static str,
    id: &str,
    field: &'static str,
    at: DateTime<FixedOffset>,
) -> Result<(), WorldError> {
    if model::is_leap_second(at) {
        return Err(WorldError::LeapSecond {
            kind,
            id: id.to_owned(),
            field,
        });
    }
    if !model::in_cedar_range(at) {
        return Err(WorldError::DateOutOfRange {
            kind,
            id: id.to_owned(),
            field,
        });
    }
    if !at.timestamp_subsec_nanos().is_multiple_of(1_000_000) {
        return Err(WorldError::SubMillisecond {
            kind,
            id: id.to_owned(),
            field,
        });
    }
    Ok(())
}

fn check_naive(
    kind: &'static str,
    id: &str,
    field: &'static str,
    date: chrono::NaiveDate,
) -> Result<(), WorldError> {
    use chrono::Datelike;
    // One year of margin at the top, so the evaluation expiry stays in range.
    if (1900..=9998).contains(&date.year()) {
        Ok(())
    } else {
        Err(WorldError::DateOutOfRange {
            kind,
            id: id.to_owned(),
            field,
        })
    }
}

impl World {
    pub(super) fn check_territory(
        &self,
        kind: &'static str,
        id: &str,
        t: &Option<TerritoryId>,
    ) -> Result<(), WorldError> {
        let Some(t) = t else { return Ok(()) };
        let world = &self.territory;
        let part = t
            .as_str()
            .strip_prefix(world.as_str())
            .is_some_and(|rest| rest.is_empty() || (rest.len() > 1 && rest.starts_with(':')));
        if part {
            Ok(())
        } else {
            Err(WorldError::TerritoryOutsideWorld {
                kind,
                id: id.to_owned(),
                territory: t.clone(),
                world: world.clone(),
            })
        }
    }

    fn agency_exists(
        &self,
        kind: &'static str,
        id: &str,
        field: &'static str,
        a: &AgencyId,
    ) -> Result<(), WorldError> {
        if self.agencies.contains_key(a) {
            Ok(())
        } else {
            Err(dangling(kind, id, field, "agency", a.as_str()))
        }
    }

    /// Checks one record as [`World::new`] does: its fields, its dates and every record it
    /// refers to. `Ok` for a key the world does not hold.
    pub(crate) fn check_record(&self, key: &RecordKey) -> Result<(), WorldError> {
        match key {
            RecordKey::Agency(id) => match self.agencies.get(id) {
                Some(a) => self.check_territory("agency", a.id.as_str(), &a.territory),
                None => Ok(()),
            },
            RecordKey::MasterData(_) => Ok(()),
            RecordKey::Database(id) => self
                .databases
                .get(id)
                .map_or(Ok(()), |d| self.check_database(d)),
            RecordKey::Dataset(id) => self
                .datasets
                .get(id)
                .map_or(Ok(()), |s| self.check_dataset(s)),
            RecordKey::Account(id) => self
                .accounts
                .get(id)
                .map_or(Ok(()), |a| self.check_account(a)),
            RecordKey::Agreement(id) => self
                .agreements
                .get(id)
                .map_or(Ok(()), |g| self.check_agreement(g)),
            RecordKey::Violation(id) => self
                .violations
                .get(id)
                .map_or(Ok(()), |v| self.check_violation(v)),
            RecordKey::Suspension(id) => self
                .suspensions
                .get(id)
                .map_or(Ok(()), |s| self.check_suspension(s)),
            RecordKey::DatabaseSuspension(id) => self
                .database_suspensions
                .get(id)
                .map_or(Ok(()), |s| self.check_database_suspension(s)),
            RecordKey::Refusal(id) => self
                .refusals
                .get(id)
                .map_or(Ok(()), |r| self.check_refusal(r)),
        }
    }

    pub(super) fn check_database(&self, d: &Database) -> Result<(), WorldError> {
        let id = d.id.as_str();
        self.agency_exists("database", id, "manager", &d.manager)?;
        for m in &d.master_data {
            if !self.master_data.contains_key(m) {
                return Err(dangling(
                    "database",
                    id,
                    "master_data",
                    "master data",
                    m.as_str(),
                ));
            }
        }
        if let Some(date) = d.last_evaluated {
            check_naive("database", id, "last_evaluated", date)?;
            // The year an evaluation covers is counted per decision, with the engine's
            // calendar; here only that it ends within the dates Cedar can be given.
            if model::end_of_day_months_after(date, 12).is_none() {
                return Err(WorldError::DateOutOfRange {
                    kind: "database",
                    id: id.to_owned(),
                    field: "last_evaluated",
                });
            }
        }
        for (field, date) in [
            ("open_data_catalog_published", d.open_data_catalog_published),
            ("open_data_updated", d.open_data_updated),
        ] {
            if let Some(date) = date {
                check_naive("database", id, field, date)?;
            }
        }
        self.check_territory("database", id, &d.territory)
    }

    pub(super) fn check_dataset(&self, s: &Dataset) -> Result<(), WorldError> {
        let id = s.id.as_str();
        if !self.databases.contains_key(&s.database) {
            return Err(dangling(
                "dataset",
                id,
                "database",
                "database",
                s.database.as_str(),
            ));
        }
        if let Some(date) = s.published {
            check_naive("dataset", id, "published", date)?;
            // The start of its day must be an instant the rules can compare.
            let instant = model::start_of_local_day(date).and_then(model::cedar_millis);
            if instant.is_none() {
                return Err(WorldError::DateOutOfRange {
                    kind: "dataset",
                    id: id.to_owned(),
                    field: "published",
                });
            }
        }
        Ok(())
    }

    pub(super) fn check_account(&self, a: &Account) -> Result<(), WorldError> {
        let id = a.id.as_str();
        self.agency_exists("account", id, "holder", &a.holder)?;
        let issuer = self
            .agencies
            .get(&a.issuer)
            .ok_or_else(|| dangling("account", id, "issuer", "agency", a.issuer.as_str()))?;
        if !self.managed.contains_key(&a.issuer) && !issuer.kind.is_provincial_focal_point() {
            return Err(WorldError::IssuerNotProvider {
                account: a.id.clone(),
                issuer: a.issuer.clone(),
            });
        }
        Ok(())
    }

    pub(super) fn check_agreement(&self, g: &SharingAgreement) -> Result<(), WorldError> {
        let id = g.id.as_str();
        for (field, party) in [("provider", &g.provider), ("consumer", &g.consumer)] {
            self.agency_exists("agreement", id, field, party)?;
        }
        if g.provider == g.consumer {
            return Err(WorldError::AgreementWithItself {
                agreement: g.id.clone(),
            });
        }
        for (field, empty) in [
            ("datasets", g.datasets.is_empty()),
            ("purposes", g.purposes.is_empty()),
            ("methods", g.methods.is_empty()),
        ] {
            if empty {
                return Err(WorldError::Empty {
                    kind: "agreement",
                    id: id.to_owned(),
                    field,
                });
            }
        }
        for ds in &g.datasets {
            let dataset = self
                .datasets
                .get(ds)
                .ok_or_else(|| dangling("agreement", id, "datasets", "dataset", ds.as_str()))?;
            let manages = self
                .databases
                .get(&dataset.database)
                .is_some_and(|db| db.manager == g.provider);
            if !manages {
                return Err(WorldError::DatasetNotFromProvider {
                    agreement: g.id.clone(),
                    dataset: ds.clone(),
                    provider: g.provider.clone(),
                });
            }
        }
        check_date("agreement", id, "term.start", g.term.start)?;
        if let Some(end) = g.term.end {
            check_date("agreement", id, "term.end", end)?;
            if end <= g.term.start {
                return Err(WorldError::TermEndsBeforeStart {
                    agreement: g.id.clone(),
                    start: g.term.start,
                    end,
                });
            }
        }
        Ok(())
    }

    pub(super) fn check_violation(&self, v: &Violation) -> Result<(), WorldError> {
        let id = v.id.as_str();
        self.agency_exists("violation", id, "violator", &v.violator)?;
        if let Some(agreement) = &v.agreement {
            let g = self.agreements.get(agreement).ok_or_else(|| {
                dangling(
                    "violation",
                    id,
                    "agreement",
                    "agreement",
                    agreement.as_str(),
                )
            })?;
            if g.consumer != v.violator && g.provider != v.violator {
                return Err(WorldError::ViolatorNotParty {
                    violation: v.id.clone(),
                    agreement: agreement.clone(),
                });
            }
        }
        check_date("violation", id, "recorded_at", v.recorded_at)?;
        if let Some(determined) = v.determined_at {
            check_date("violation", id, "determined_at", determined)?;
            if determined < v.recorded_at {
                return Err(WorldError::DeterminedBeforeRecorded {
                    violation: v.id.clone(),
                });
            }
        }
        Ok(())
    }

    /// A suspension record's references and dates. Whether it complies with the law is
    /// not checked here; the engine's checks report that.
    pub(super) fn check_suspension(&self, s: &Suspension) -> Result<(), WorldError> {
        let (kind, id) = ("suspension", s.id.as_str());
        if !self.agreements.contains_key(&s.agreement) {
            return Err(dangling(
                kind,
                id,
                "agreement",
                "agreement",
                s.agreement.as_str(),
            ));
        }
        if !self.violations.contains_key(&s.violation) {
            return Err(dangling(
                kind,
                id,
                "violation",
                "violation",
                s.violation.as_str(),
            ));
        }
        check_date(kind, id, "suspended_at", s.suspended_at)?;
        if let Some(n) = &s.notice {
            self.agency_exists(kind, id, "notice.to", &n.to)?;
            check_date(kind, id, "notice.sent_at", n.sent_at)?;
        }
        if let Some(at) = s.restored_at {
            check_date(kind, id, "restored_at", at)?;
            if at < s.suspended_at {
                return Err(WorldError::RestoredBeforeSuspended {
                    kind,
                    id: id.to_owned(),
                });
            }
        }
        Ok(())
    }

    pub(super) fn check_database_suspension(
        &self,
        s: &DatabaseSuspension,
    ) -> Result<(), WorldError> {
        let (kind, id) = ("database suspension", s.id.as_str());
        if !self.databases.contains_key(&s.database) {
            return Err(dangling(
                kind,
                id,
                "database",
                "database",
                s.database.as_str(),
            ));
        }
        check_date(kind, id, "starts_at", s.starts_at)?;
        if let Some(n) = &s.notice {
            check_date(kind, id, "notice.published_at", n.published_at)?;
            if let Some(at) = n.expected_restoration {
                check_date(kind, id, "notice.expected_restoration", at)?;
            }
        }
        if let Some(at) = s.restored_at {
            check_date(kind, id, "restored_at", at)?;
            if at < s.starts_at {
                return Err(WorldError::RestoredBeforeSuspended {
                    kind,
                    id: id.to_owned(),
                });
            }
        }
        Ok(())
    }

    pub(super) fn check_refusal(&self, r: &Refusal) -> Result<(), WorldError> {
        let (kind, id) = ("refusal", r.id.as_str());
        self.agency_exists(kind, id, "provider", &r.provider)?;
        self.agency_exists(kind, id, "requester", &r.requester)?;
        if let Some(a) = &r.authority {
            self.agency_exists(kind, id, "authority", a)?;
        }
        if let Some(d) = &r.dataset
            && !self.datasets.contains_key(d)
        {
            return Err(dangling(kind, id, "dataset", "dataset", d.as_str()));
        }
        check_date(kind, id, "at", r.at)?;
        if let Some(at) = r.notified_at {
            check_date(kind, id, "notified_at", at)?;
            if at < r.at {
                return Err(WorldError::NotifiedBeforeRefused {
                    refusal: r.id.clone(),
                });
            }
        }
        Ok(())
    }

    /// A record that refers to `key`, and the field; `None` when none does. A scan of the
    /// kinds that can refer to it (a removal is rare; a decision never asks this).
    pub(crate) fn referrer(&self, key: &RecordKey) -> Option<(RecordKey, &'static str)> {
        let by = |k: RecordKey, field| Some((k, field));
        match key {
            RecordKey::Agency(a) => {
                for d in self.databases.values() {
                    if &d.manager == a {
                        return by(RecordKey::Database(d.id.clone()), "manager");
                    }
                }
                for x in self.accounts.values() {
                    for (field, who) in [("holder", &x.holder), ("issuer", &x.issuer)] {
                        if who == a {
                            return by(RecordKey::Account(x.id.clone()), field);
                        }
                    }
                }
                for g in self.agreements.values() {
                    for (field, who) in [("provider", &g.provider), ("consumer", &g.consumer)] {
                        if who == a {
                            return by(RecordKey::Agreement(g.id.clone()), field);
                        }
                    }
                }
                for v in self.violations.values() {
                    if &v.violator == a {
                        return by(RecordKey::Violation(v.id.clone()), "violator");
                    }
                }
                for s in self.suspensions.values() {
                    if s.notice.as_ref().is_some_and(|n| &n.to == a) {
                        return by(RecordKey::Suspension(s.id.clone()), "notice.to");
                    }
                }
                for r in self.refusals.values() {
                    for (field, who) in [
                        ("provider", Some(&r.provider)),
                        ("requester", Some(&r.requester)),
                        ("authority", r.authority.as_ref()),
                    ] {
                        if who == Some(a) {
                            return by(RecordKey::Refusal(r.id.clone()), field);
                        }
                    }
                }
                None
            }
            RecordKey::MasterData(m) => self
                .databases
                .values()
                .find(|d| d.master_data.contains(m))
                .map(|d| (RecordKey::Database(d.id.clone()), "master_data")),
            RecordKey::Database(db) => {
                if let Some(s) = self.datasets.values().find(|s| &s.database == db) {
                    return by(RecordKey::Dataset(s.id.clone()), "database");
                }
                self.database_suspensions
                    .values()
                    .find(|s| &s.database == db)
                    .map(|s| (RecordKey::DatabaseSuspension(s.id.clone()), "database"))
            }
            RecordKey::Dataset(ds) => {
                if let Some(g) = self.agreements.values().find(|g| g.datasets.contains(ds)) {
                    return by(RecordKey::Agreement(g.id.clone()), "datasets");
                }
                self.refusals
                    .values()
                    .find(|r| r.dataset.as_ref() == Some(ds))
                    .map(|r| (RecordKey::Refusal(r.id.clone()), "dataset"))
            }
            RecordKey::Agreement(g) => {
                if let Some(v) = self
                    .violations
                    .values()
                    .find(|v| v.agreement.as_ref() == Some(g))
                {
                    return by(RecordKey::Violation(v.id.clone()), "agreement");
                }
                self.suspensions
                    .values()
                    .find(|s| &s.agreement == g)
                    .map(|s| (RecordKey::Suspension(s.id.clone()), "agreement"))
            }
            RecordKey::Violation(v) => self
                .suspensions
                .values()
                .find(|s| &s.violation == v)
                .map(|s| (RecordKey::Suspension(s.id.clone()), "violation")),
            RecordKey::Account(_)
            | RecordKey::Suspension(_)
            | RecordKey::DatabaseSuspension(_)
            | RecordKey::Refusal(_) => None,
        }
    }

    /// The records whose checks read `key`'s record beyond its existence (a database's
    /// manager, a dataset's database, an agreement's parties, an agency's kind), so that a
    /// change to it must check them again. A scan, for the rare change of such a field.
    pub(crate) fn readers_of(&self, key: &RecordKey) -> Vec<RecordKey> {
        match key {
            // An agency's kind: the accounts it issued (the focal point may issue any).
            RecordKey::Agency(a) => self
                .accounts
                .values()
                .filter(|x| &x.issuer == a)
                .map(|x| RecordKey::Account(x.id.clone()))
                .collect(),
            // A database's manager: the agreements on its datasets, the accounts its
            // managers issued.
            RecordKey::Database(db) => {
                let datasets: HashSet<&DatasetId> = self
                    .datasets
                    .values()
                    .filter(|s| &s.database == db)
                    .map(|s| &s.id)
                    .collect();
                self.agreements
                    .values()
                    .filter(|g| g.datasets.iter().any(|d| datasets.contains(d)))
                    .map(|g| RecordKey::Agreement(g.id.clone()))
                    .chain(
                        self.accounts
                            .values()
                            .map(|x| RecordKey::Account(x.id.clone())),
                    )
                    .collect()
            }
            // A dataset's database: the agreements covering it.
            RecordKey::Dataset(ds) => self
                .agreements
                .values()
                .filter(|g| g.datasets.contains(ds))
                .map(|g| RecordKey::Agreement(g.id.clone()))
                .collect(),
            // An agreement's parties: the violations linked to it.
            RecordKey::Agreement(g) => self
                .violations
                .values()
                .filter(|v| v.agreement.as_ref() == Some(g))
                .map(|v| RecordKey::Violation(v.id.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }
}
