//! The engine: picks the rule pack in force, hands Cedar the request's slice of the world,
//! and turns Cedar's answer into a reasoned decision. Deciding never fails.

mod access;
pub(crate) mod cache;
pub mod catalog;
pub(crate) mod decision;
pub(crate) mod depends;
pub mod duties;
pub(crate) mod lifecycle;
pub(crate) mod pipeline;
pub(crate) mod request;

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::calendar::Calendar;
use crate::decision::{Decision, Outcome, ReasonKind};
use crate::ids::TerritoryId;
use crate::model::{self, Model};
use crate::pack::{PackError, RulePack};
use crate::world::{Place, World};

pub(crate) use access::AccessFacts;
pub(crate) use pipeline::{Ask, Mode, engine_reason};

/// Why packs could not be combined into an engine.
///
/// # Example
///
/// ```
/// use lgsp_policy::{Engine, EngineError};
///
/// let error = Engine::with_packs(Vec::new()).err().ok_or("an empty engine was built")?;
/// let what = match &error {
///     EngineError::NoPacks => "give at least one pack".to_owned(),
///     EngineError::OverlappingPacks { territory, on, .. } => format!("overlap in {territory} on {on}"),
///     EngineError::Pack(e) => format!("a pack failed to load: {e}"),
///     _ => error.to_string(), // the enum is non-exhaustive
/// };
/// assert_eq!(what, "give at least one pack");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// An engine needs at least one pack.
    #[error("an engine needs at least one rule pack")]
    NoPacks,
    /// Two packs are in force for the same territory on the same day.
    #[error("packs `{first}` and `{second}` are both in force in territory `{territory}` on {on}")]
    OverlappingPacks {
        /// One pack.
        first: String,
        /// The other.
        second: String,
        /// Their territory.
        territory: TerritoryId,
        /// The first day both are in force.
        on: NaiveDate,
    },
    /// A pack failed to load.
    #[error(transparent)]
    Pack(#[from] PackError),
}

/// A policy engine over one or more rule packs. Build it once and share it: it is
/// immutable and `Send + Sync`.
///
/// # Example
///
/// ```
/// use lgsp_policy::Engine;
///
/// let engine = Engine::builtin()?;
/// assert_eq!(engine.packs().len(), 1);
/// # Ok::<(), lgsp_policy::EngineError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Engine {
    packs: Arc<Vec<RulePack>>,
    /// The working-day calendar the engine counts legal time with.
    calendar: Calendar,
    /// The first of `packs`, held apart so that the words of a check made where no pack
    /// is in force are always at hand (an engine has at least one pack).
    first: Arc<RulePack>,
}

impl Engine {
    /// An engine on the built-in pack (QD05/2024, Phú Yên).
    ///
    /// # Errors
    ///
    /// Never in a released crate (a test checks it); see [`RulePack::builtin`].
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::Engine;
    ///
    /// let engine = Engine::builtin()?;
    /// let pack = engine.packs()[0].manifest();
    /// assert_eq!(pack.id.as_str(), "qd05-2024-phu-yen");
    /// assert_eq!(pack.territories[0].as_str(), "VN-32");
    /// # Ok::<(), lgsp_policy::EngineError>(())
    /// ```
    pub fn builtin() -> Result<Engine, EngineError> {
        Ok(Engine::new(RulePack::builtin()?))
    }

    /// An engine on one pack.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, RulePack};
    ///
    /// let engine = Engine::new(RulePack::builtin()?);
    /// assert_eq!(engine.packs().len(), 1);
    /// # Ok::<(), lgsp_policy::PackError>(())
    /// ```
    pub fn new(pack: RulePack) -> Engine {
        Engine {
            first: Arc::new(pack.clone()),
            packs: Arc::new(vec![pack]),
            calendar: Calendar::vietnam_public_sector(),
        }
    }

    /// An engine on several packs: for other territories, or for successive periods of the
    /// same territory.
    ///
    /// # Errors
    ///
    /// [`EngineError::NoPacks`] for an empty list, [`EngineError::OverlappingPacks`] when two
    /// packs would both be in force in one territory on one day.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{Engine, EngineError, RulePack};
    ///
    /// let twice = Engine::with_packs(vec![RulePack::builtin()?, RulePack::builtin()?]);
    /// assert!(matches!(twice, Err(EngineError::OverlappingPacks { .. })));
    /// # Ok::<(), lgsp_policy::PackError>(())
    /// ```
    pub fn with_packs(mut packs: Vec<RulePack>) -> Result<Engine, EngineError> {
        if packs.is_empty() {
            return Err(EngineError::NoPacks);
        }
        packs.sort_by(|a, b| {
            (&a.manifest.territories, a.manifest.effective_from)
                .cmp(&(&b.manifest.territories, b.manifest.effective_from))
        });
        // Two packs sharing a territory must not be in force on a common day.
        for (i, a) in packs.iter().enumerate() {
            for b in packs.iter().skip(i + 1) {
                let (ma, mb) = (&a.manifest, &b.manifest);
                let Some(shared) = ma.territories.iter().find(|t| mb.territories.contains(t))
                else {
                    continue;
                };
                let start = ma.effective_from.max(mb.effective_from);
                let before_end = |m: &crate::pack::PackManifest| {
                    m.effective_until.is_none_or(|until| start < until)
                };
                if before_end(ma) && before_end(mb) {
                    return Err(EngineError::OverlappingPacks {
                        first: ma.id.to_string(),
                        second: mb.id.to_string(),
                        territory: shared.clone(),
                        on: start,
                    });
                }
            }
        }
        let Some(first) = packs.first().cloned() else {
            return Err(EngineError::NoPacks);
        };
        Ok(Engine {
            first: Arc::new(first),
            packs: Arc::new(packs),
            calendar: Calendar::vietnam_public_sector(),
        })
    }

    /// The same engine counting legal time with `calendar` instead of
    /// [`Calendar::vietnam_public_sector`], the default.
    ///
    /// The engine's calendar counts every period of every question: the evaluation year of
    /// access decisions, the notice deadlines of suspensions and of notice checks, the
    /// duties report's due dates — so every answer counts alike. Cloning an engine is
    /// cheap (its packs are shared), so `engine.clone().with_calendar(c)` per caller is
    /// fine.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::Engine;
    /// use lgsp_policy::time::Calendar;
    ///
    /// let official = Engine::builtin()?.with_calendar(Calendar::vietnam_public_sector_official());
    /// assert_eq!(official.calendar().last_year(), 2026);
    /// assert_eq!(Engine::builtin()?.calendar().last_year(), 2027);
    /// # Ok::<(), lgsp_policy::EngineError>(())
    /// ```
    #[must_use]
    pub fn with_calendar(mut self, calendar: Calendar) -> Engine {
        self.calendar = calendar;
        self
    }

    /// This engine if it counts with `calendar`, else a copy that does (cheap: the packs
    /// are shared).
    pub(crate) fn counting_with(&self, calendar: &Calendar) -> std::borrow::Cow<'_, Engine> {
        if &self.calendar == calendar {
            std::borrow::Cow::Borrowed(self)
        } else {
            std::borrow::Cow::Owned(self.clone().with_calendar(calendar.clone()))
        }
    }

    /// The calendar the engine counts legal time with (see [`Engine::with_calendar`]).
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// Every duty that `world` shows due within `horizon` days of `now`, overdue, or
    /// unmet, ordered and deterministic: the duties, their texts and their periods are
    /// those of the pack in force in the world's territory on `now`'s local date, counted
    /// with the engine's calendar (see [`DutiesReport`](crate::DutiesReport) for the
    /// duties the built-in pack reports).
    ///
    /// # Errors
    ///
    /// [`DutiesError::NoPackInForce`](crate::DutiesError::NoPackInForce) when no pack is
    /// in force then; [`DutiesError::HorizonOutOfRange`](crate::DutiesError::HorizonOutOfRange)
    /// and [`DutiesError::Deadline`](crate::DutiesError::Deadline) for dates out of range.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::Days;
    /// use lgsp_policy::{Engine, World};
    /// use lgsp_policy::duties::{DutyKind, DutyStatus};
    ///
    /// let world = World::from_json(r#"{
    ///   "territory": "VN-32",
    ///   "agencies": [{"id": "so-tnmt", "name": "Sở Tài nguyên và Môi trường",
    ///                 "kind": "provincial_department"}],
    ///   "databases": [{"id": "csdl-dat-dai", "name": "CSDL đất đai", "manager": "so-tnmt",
    ///                  "catalog": "shared", "hosting": "provincial_data_centre",
    ///                  "last_evaluated": "2023-06-20", "log_retention_months": 6}]
    /// }"#)?;
    /// let now = "2024-06-03T09:00:00+07:00".parse()?;
    /// let report = Engine::builtin()?.duties_report(&world, now, Days::new(30))?;
    /// let kinds: Vec<DutyKind> = report.duties.iter().map(|d| d.kind).collect();
    /// // No focal-point officer (a standing requirement, listed first), then the evaluation
    /// // due at the end of Thursday 20 June 2024.
    /// assert_eq!(kinds, [DutyKind::FocalPointOfficer, DutyKind::AnnualEvaluation]);
    /// let evaluation = &report.duties[1];
    /// assert_eq!(evaluation.status, DutyStatus::DueSoon);
    /// assert_eq!(evaluation.due.map(|d| d.to_rfc3339()).as_deref(), Some("2024-06-21T00:00:00+07:00"));
    /// assert_eq!(evaluation.clause.as_str(), "QD05/2024 Đ6.2"); // the pack's
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn duties_report(
        &self,
        world: &World,
        now: DateTime<FixedOffset>,
        horizon: chrono::Days,
    ) -> Result<crate::DutiesReport, crate::DutiesError> {
        let date = model::local_date(now);
        // Each territory's records are judged by the pack in force there.
        let packs: Vec<(&crate::ids::TerritoryId, &RulePack)> = world
            .territories
            .iter()
            .filter_map(|t| Some((t, self.pack_for(t, date)?)))
            .collect();
        if packs.is_empty() {
            // A horizon past the representable dates is that error, pack or not.
            let horizon_ok = date
                .checked_add_days(horizon)
                .and_then(|last| last.succ_opt())
                .and_then(model::start_of_local_day)
                .is_some();
            return Err(if horizon_ok {
                crate::DutiesError::NoPackInForce {
                    territory: world.territory.clone(),
                    date,
                }
            } else {
                crate::DutiesError::HorizonOutOfRange { now }
            });
        }
        crate::duties::duties_report(self, &packs, world, now, &self.calendar, horizon)
    }

    /// The packs, by territory and start date.
    ///
    /// # Example
    ///
    /// ```
    /// let engine = lgsp_policy::Engine::builtin()?;
    /// let ids: Vec<&str> = engine.packs().iter().map(|p| p.manifest().id.as_str()).collect();
    /// assert_eq!(ids, ["qd05-2024-phu-yen"]);
    /// # Ok::<(), lgsp_policy::EngineError>(())
    /// ```
    pub fn packs(&self) -> &[RulePack] {
        &self.packs
    }

    /// The pack in force in a territory on a local date, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use lgsp_policy::Engine;
    /// use lgsp_policy::records::TerritoryId;
    ///
    /// let engine = Engine::builtin()?;
    /// let phu_yen: TerritoryId = "VN-32".parse()?;
    /// let june = NaiveDate::from_ymd_opt(2024, 6, 3).ok_or("date")?;
    /// assert!(engine.pack_for(&phu_yen, june).is_some());
    /// // Before QD05/2024 came into force (2024-03-05), and in another province: none.
    /// let before = NaiveDate::from_ymd_opt(2024, 3, 4).ok_or("date")?;
    /// assert!(engine.pack_for(&phu_yen, before).is_none());
    /// assert!(engine.pack_for(&"VN-56".parse()?, june).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pack_for(&self, territory: &TerritoryId, date: NaiveDate) -> Option<&RulePack> {
        self.pack_index_for(territory, date)
            .and_then(|i| self.packs.get(i))
    }

    /// The index of [`Engine::pack_for`]'s pack.
    fn pack_index_for(&self, territory: &TerritoryId, date: NaiveDate) -> Option<usize> {
        self.packs
            .iter()
            .position(|p| p.governs(territory) && p.in_force_on(date))
    }

    /// The pack in force in `territory` on `date` and its index: step 1 of the pipeline,
    /// where every kind of question chooses its pack.
    pub(crate) fn pack_in_force(
        &self,
        territory: &TerritoryId,
        date: NaiveDate,
    ) -> Option<(usize, &RulePack)> {
        let i = self.pack_index_for(territory, date)?;
        Some((i, self.packs.get(i)?))
    }

    /// The pack in force in `territory` on `date`, else the nearest of that territory,
    /// else the first: the pack whose words a check or a refusal without a pack in force
    /// is given in.
    fn nearest_pack(&self, territory: &TerritoryId, date: NaiveDate) -> &RulePack {
        self.pack_for(territory, date)
            .or_else(|| {
                self.packs
                    .iter()
                    .filter(|p| p.governs(territory))
                    .min_by_key(|p| (p.manifest.effective_from - date).num_days().abs())
            })
            .unwrap_or(&self.first)
    }

    /// The pack whose words a check about `place` is given in: the one in force for the
    /// territory of its data ([`Engine::nearest_pack`]).
    pub(crate) fn wording_pack(
        &self,
        world: &World,
        place: Place<'_>,
        date: NaiveDate,
    ) -> &RulePack {
        self.nearest_pack(world.territory_for(place), date)
    }

    /// The deny "no rule pack in force for this territory", naming the territory of the
    /// data and the date; true until a pack of that territory comes into force.
    pub(crate) fn no_pack(
        &self,
        territory: &TerritoryId,
        date: NaiveDate,
        at: DateTime<FixedOffset>,
    ) -> Decision {
        let pack = self.nearest_pack(territory, date);
        let mut r = engine_reason(pack, "no_pack_in_force", ReasonKind::NoPackInForce, None);
        r.detail = Some(format!("territory `{territory}` on {date}"));
        let reasons = vec![r];
        let valid_until = self
            .packs
            .iter()
            .filter(|p| p.governs(territory))
            .filter_map(|p| model::start_of_local_day(p.manifest.effective_from))
            .filter(|t| *t > at)
            .min()
            .map(|t| t.with_timezone(&crate::time::VIETNAM_OFFSET));
        Decision {
            outcome: Outcome::Deny,
            reasons,
            duties: Vec::new(),
            advisories: Vec::new(),
            pack: None,
            agreement: None,
            valid_until,
            depends_on: Vec::new(),
        }
    }
}

#[allow(dead_code)]
fn assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Engine>();
    is::<World>();
    is::<Model>();
}
