//! The engine: picks the rule pack in force, hands Cedar the request's slice of the world,
//! and turns Cedar's answer into a reasoned decision. Deciding never fails.

pub mod catalog;
pub(crate) mod decision;
pub mod duties;
pub(crate) mod lifecycle;
pub(crate) mod request;

use std::collections::HashMap;
use std::sync::Arc;

use cedar_policy::{Authorizer, PolicySet, Request};
use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::agency::AgencyKind;
use crate::calendar::Calendar;
use crate::deadline::{
    PeriodEnd, calendar_gap_advisory, minimum_period_end, period_end, provisional_calendar_advisory,
};
use crate::decision::{Advisory, Decision, Duty, Outcome, PackRef, Reason, ReasonKind};
use crate::ids::{AgencyId, PolicyId, TerritoryId};
use crate::model::{self, Model};
use crate::pack::{PackError, RulePack};
use crate::request::AccessRequest;
use crate::world::{Place, World};

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
    authorizer: Authorizer,
    /// The working-day calendar the engine counts legal time with.
    calendar: Calendar,
    /// The first of `packs`, held apart so that the words of a check made where no pack
    /// is in force are always at hand (an engine has at least one pack).
    first: Arc<RulePack>,
    /// Per pack, `STRIPES - 1` copies of its access slices, parsed anew so each has its own
    /// reference counts (see [`access_slice`](Engine::access_slice)).
    copies: Arc<Vec<Vec<HashMap<String, PolicySet>>>>,
}

/// How many copies of the access slices threads share out: a thread decides with copy
/// `its stripe % STRIPES` (stripe 0 is the pack's own slices).
const STRIPES: usize = 4;

/// The stripe of the calling thread: threads are numbered in the order they first decide.
fn stripe() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static STRIPE: usize = NEXT.fetch_add(1, Ordering::Relaxed);
    }
    STRIPE.with(|s| *s)
}

/// `STRIPES - 1` copies of a pack's access slices (query, download, subscribe), each
/// policy parsed again from its own text, so that two threads deciding at once do not
/// share the reference counts Cedar increments on every policy it evaluates (the policy's
/// id, its annotations, its expression): passing those cache lines between cores cost
/// a fifth more CPU per decision on two threads (docs/PERFORMANCE.md). A policy that does
/// not parse again (none does) is shared rather than copied.
fn access_copies(pack: &RulePack) -> Vec<HashMap<String, PolicySet>> {
    (1..STRIPES)
        .map(|_| {
            let mut fresh: HashMap<cedar_policy::PolicyId, cedar_policy::Policy> = HashMap::new();
            let mut slices = HashMap::new();
            for action in crate::request::Action::ALL {
                let Some(slice) = pack.slices.get(action.as_str()) else {
                    continue;
                };
                let mut copy = PolicySet::new();
                for p in slice.policies() {
                    let policy = fresh
                        .entry(p.id().clone())
                        .or_insert_with(|| {
                            cedar_policy::Policy::parse(Some(p.id().clone()), p.to_string())
                                .unwrap_or_else(|_| p.clone())
                        })
                        .clone();
                    // Ids are unique in a slice, so adding to a fresh set cannot fail.
                    let _ = copy.add(policy);
                }
                slices.insert(action.as_str().to_owned(), copy);
            }
            slices
        })
        .collect()
}

/// One evaluation of the pack against one candidate agreement.
pub(crate) struct Evaluation {
    pub(crate) allowed: bool,
    /// Indexes of matched rules in the pack, sorted.
    pub(crate) matched: Vec<usize>,
    /// (policy, message) of evaluation errors.
    pub(crate) errors: Vec<(Option<PolicyId>, String)>,
    pub(crate) agreement: Option<usize>,
}

impl Evaluation {
    /// An evaluation that could not run: a deny carrying the error.
    pub(crate) fn failed(message: String, agreement: Option<usize>) -> Evaluation {
        Evaluation {
            allowed: false,
            matched: Vec::new(),
            errors: vec![(None, message)],
            agreement,
        }
    }

    /// Whether this evaluation allows: Cedar allowed and no policy failed to evaluate
    /// (Cedar skips an erroring policy; we fail closed, so an error is a deny under this
    /// candidate — and does not hide another candidate that allows cleanly).
    fn allows(&self) -> bool {
        self.allowed && self.errors.is_empty()
    }

    /// How far this refused candidate is from the agreement the request is about, as
    /// the pack's `candidate_ranking` counts it, then how many grounds it has; the
    /// smaller ranks first, and equal ranks keep the first candidate (by agreement id).
    fn rank(&self, pack: &RulePack) -> (u32, usize) {
        let off_request = self
            .matched
            .iter()
            .filter_map(|&i| pack.rank_masks.get(i))
            .fold(0, |mask, bits| mask | bits);
        (off_request, self.matched.len() + self.errors.len())
    }
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
            copies: Arc::new(vec![access_copies(&pack)]),
            first: Arc::new(pack.clone()),
            packs: Arc::new(vec![pack]),
            authorizer: Authorizer::new(),
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
            copies: Arc::new(packs.iter().map(access_copies).collect()),
            first: Arc::new(first),
            packs: Arc::new(packs),
            authorizer: Authorizer::new(),
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
        let packs: Vec<(usize, &RulePack)> = world
            .territories
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((i, self.pack_for(t, date)?)))
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
        crate::duties::duties_report(&packs, world, now, &self.calendar, horizon)
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

    /// The pack in force on `date` for the territory of the data a question is about
    /// ([`World::territory_for`]), or the cited deny "no rule pack in force for this
    /// territory", naming it and the date. Every kind of question chooses its pack here.
    pub(crate) fn pack_for_place(
        &self,
        world: &World,
        place: Place<'_>,
        at: DateTime<FixedOffset>,
    ) -> Result<&RulePack, Box<Decision>> {
        let territory = world.territory_for(place);
        let date = model::local_date(at);
        self.pack_for(territory, date)
            .ok_or_else(|| Box::new(self.no_pack(territory, date, at)))
    }

    /// Decides an access request against a world. Never fails and never panics: an unknown
    /// account or dataset, a time outside every pack, or a policy that fails to evaluate is
    /// a deny whose reasons say so.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Engine, World, WorldData};
    ///
    /// let engine = Engine::builtin()?;
    /// let world = World::new(WorldData::new("VN-32".parse()?))?;
    /// let request = AccessRequest::new(
    ///     "ghost".parse()?, Action::Query, "nothing".parse()?, Channel::Lgsp,
    ///     "administrative-procedures".parse()?, "2024-06-03T09:00:00+07:00".parse()?,
    /// );
    /// let decision = engine.decide(&world, &request);
    /// assert!(!decision.is_allowed());
    /// assert!(decision.has_reason("unknown_account"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decide(&self, world: &World, request: &AccessRequest) -> Decision {
        let date = model::local_date(request.at);
        // The pack of the territory of the data asked for, whoever asks.
        // The dataset's index is found once: it gives the territory and, below, the slice
        // of the world the request reads.
        let dataset_idx = world.datasets.get_index_of(&request.dataset);
        let territory = world.territory_of_dataset_index(dataset_idx);
        let Some((pack_idx, pack)) = self
            .pack_index_for(territory, date)
            .and_then(|i| Some((i, self.packs.get(i)?)))
        else {
            return self.no_pack(territory, date, request.at);
        };
        // A deny before any policy ran: its reasons are the engine's own.
        let early = |reasons, holder_kind| {
            finish(
                pack,
                Outcome::Deny,
                reasons,
                Vec::new(),
                date,
                holder_kind,
                None,
                valid_until(pack, request.at, Vec::new()),
            )
        };
        let mut reasons = Vec::new();
        let account_idx = world.accounts.get_index_of(&request.account);
        if account_idx.is_none() {
            reasons.push(engine_reason(
                pack,
                "unknown_account",
                ReasonKind::UnknownReference,
                Some(format!("account `{}`", request.account)),
            ));
        }
        if dataset_idx.is_none() {
            reasons.push(engine_reason(
                pack,
                "unknown_dataset",
                ReasonKind::UnknownReference,
                Some(format!("dataset `{}`", request.dataset)),
            ));
        }
        let (Some(account_idx), Some(dataset_idx)) = (account_idx, dataset_idx) else {
            return early(reasons, None);
        };
        let (Some((_, account)), Some((_, dataset))) = (
            world.accounts.get_index(account_idx),
            world.datasets.get_index(dataset_idx),
        ) else {
            return early(reasons, None);
        };
        let holder = &account.holder;
        // By the indexes the world keeps, so no id but the request's two is hashed.
        let holder_idx = world.account_holder.get(account_idx).copied().flatten();
        let provider_idx = world.dataset_provider.get(dataset_idx).copied().flatten();
        let provider = provider_idx
            .and_then(|i| world.agencies.get_index(i))
            .map(|(id, _)| id);
        let holder_kind = holder_idx
            .and_then(|i| world.agencies.get_index(i))
            .map(|(_, a)| a.kind);
        // A time Cedar cannot be given fails closed; so does the year the dataset's last
        // evaluation covers, counted with the engine's calendar (the duties report's count)
        // and given to the rules as `context.evaluatedUntil`, when it cannot be counted.
        let facts = match self.access_facts(pack, world, request, account_idx, dataset_idx) {
            Ok(facts) => facts,
            Err(detail) => {
                reasons.push(engine_reason(
                    pack,
                    "evaluation_error",
                    ReasonKind::EvaluationError,
                    Some(detail),
                ));
                return early(reasons, holder_kind);
            }
        };
        let candidates: &[usize] = match (holder_idx, provider_idx) {
            (Some(h), Some(p)) => world.agreement_indexes_between_indexes(h, p),
            _ => &[],
        };
        let slice = self.access_slice(pack_idx, pack, request.action.as_str());
        let mut best: Option<Evaluation> = None;
        // Without any agreement, one evaluation without one; no allocation per decision.
        let none: &[Option<usize>] = &[None];
        let options = candidates
            .iter()
            .copied()
            .map(Some)
            .chain(none.iter().copied().filter(|_| candidates.is_empty()));
        for candidate in options {
            let eval = self.evaluate(pack, slice, world, &facts, candidate);
            let better = match &best {
                None => true,
                Some(b) => !b.allows() && (eval.allows() || eval.rank(pack) < b.rank(pack)),
            };
            if better {
                let done = eval.allows();
                best = Some(eval);
                if done {
                    break;
                }
            }
        }
        let Some(eval) = best else {
            reasons.push(engine_reason(
                pack,
                "evaluation_error",
                ReasonKind::EvaluationError,
                Some("no evaluation ran".into()),
            ));
            return early(reasons, holder_kind);
        };

        let outcome = eval.outcome();
        push_reasons(pack, &eval, outcome, &mut reasons);
        if outcome == Outcome::Deny && reasons.is_empty() {
            reasons.push(engine_reason(
                pack,
                "no_right_established",
                ReasonKind::NothingPermitted,
                None,
            ));
        }

        let agreement_id = eval
            .agreement
            .and_then(|i| world.agreements.get_index(i))
            .map(|(id, _)| id.clone());
        let mut duties = Vec::new();
        match (outcome, provider) {
            (Outcome::Allow, Some(provider)) => {
                // The log is kept at least the pack's `log_retention` from the request's
                // day: a least time, not moved off days off.
                let retention = pack.period("log_retention", date);
                let keep_until = retention.and_then(|r| minimum_period_end(date, r.period));
                if let (Some(retention), Some(keep_until)) = (retention, keep_until) {
                    duties.push(Duty::LogRequest {
                        provider: provider.clone(),
                        consumer: holder.clone(),
                        account: account.id.clone(),
                        dataset: dataset.id.clone(),
                        action: request.action,
                        at: request.at,
                        keep_until,
                        clause: retention.clause.clone(),
                    });
                }
            }
            (Outcome::Deny, Some(provider))
                if holder_kind != Some(AgencyKind::Citizen) && holder != provider =>
            {
                duties.push(Duty::ReportRefusal {
                    provider: provider.clone(),
                    requester: holder.clone(),
                    authority: world.focal_point.clone(),
                    reasons: reasons.iter().map(|r| r.code.clone()).collect(),
                    clause: pack.duty_clause(crate::duties::DutyKind::RefusalReport),
                });
            }
            _ => {}
        }

        // Validity: the earliest instant after `at` where a time the decision depends on is
        // crossed.
        let dataset_times = world
            .cedar
            .dataset_times
            .get(dataset_idx)
            .map_or(&[][..], Vec::as_slice);
        // The evaluation's expiry only where a rule reading it can apply to this class
        // of data (open and public data in the built-in pack): shared data's decisions do
        // not turn on it.
        let evaluation_matters = pack.evaluation_matters(dataset.class.as_str());
        let evaluation = facts.evaluation.map(|e| e.0).filter(|_| evaluation_matters);
        let evaluation_due = evaluation.as_ref().map(|e| e.due);
        let agreement_times = candidates
            .iter()
            .filter_map(|&c| world.agreements.get_index(c))
            .flat_map(|(_, g)| std::iter::once(g.term.start).chain(g.term.end));
        let valid_until = earliest_after(
            pack,
            request.at,
            dataset_times
                .iter()
                .copied()
                .chain(evaluation_due)
                .chain(agreement_times),
        );
        let mut decision = finish(
            pack,
            outcome,
            reasons,
            duties,
            date,
            holder_kind,
            agreement_id,
            valid_until,
        );
        // Reforms that concern a party the decision names (the requester, the provider, the
        // authority a refusal is reported to).
        let parties = duty_parties(&decision);
        party_advisories(
            pack,
            world,
            request.at,
            std::iter::once(holder).chain(provider).chain(&parties),
            &mut decision,
        );
        // A count of the evaluation's year that a rule may read and the calendar could not
        // fully answer, or answered provisionally: said.
        if let Some(e) = &evaluation {
            decision
                .advisories
                .extend(e.gap.as_ref().map(|g| calendar_gap_advisory(pack, g)));
            decision
                .advisories
                .extend(provisional_calendar_advisory(pack, &e.provisional_years));
        }
        // Several agreements, none allowing: the grounds stated are those of the one the
        // pack's ranking says the request is about, and the decision says so.
        if let (Outcome::Deny, [_, _, ..], Some(ranking)) = (
            decision.outcome,
            candidates,
            pack.manifest.candidate_ranking.as_ref(),
        ) {
            decision.advisories.push(Advisory::from(&ranking.reading));
        }
        decision
    }

    /// The end of the year the last evaluation of a dataset's database covers, counted
    /// with the engine's calendar, and its Cedar value; `None` if never evaluated. An end
    /// that cannot be counted or given to Cedar is an error (the decision fails closed).
    pub(crate) fn evaluation_end(
        &self,
        pack: &RulePack,
        world: &World,
        dataset_idx: usize,
    ) -> Result<Option<(PeriodEnd, cedar_policy_core::ast::Value)>, String> {
        let Some(last) = world
            .cedar
            .dataset_last_evaluated
            .get(dataset_idx)
            .copied()
            .flatten()
        else {
            return Ok(None);
        };
        let period = pack
            .period_value("annual_evaluation", last)
            .ok_or_else(|| "the pack sets no `annual_evaluation` period".to_owned())?;
        let end = period_end(last, period, &self.calendar)
            .map_err(|e| format!("the {period} since the evaluation of {last}: {e}"))?;
        let value = model::datetime_value(end.due).ok_or_else(|| {
            format!(
                "the end of the {period} since the evaluation of {last}, {}, cannot be given to Cedar",
                end.due.to_rfc3339()
            )
        })?;
        Ok(Some((end, value)))
    }

    /// What an access request gives Cedar under every candidate agreement, found and
    /// made once per decision: the one source of the request's facts for deciding,
    /// explaining and exporting. A time Cedar cannot be given, or an evaluation year that
    /// cannot be counted, is an error (the decision fails closed).
    pub(crate) fn access_facts<'r>(
        &self,
        pack: &RulePack,
        world: &World,
        request: &'r AccessRequest,
        account: usize,
        dataset: usize,
    ) -> Result<AccessFacts<'r>, String> {
        if let Some(detail) = model::out_of_range_detail("the request's time", request.at) {
            return Err(detail);
        }
        let now = model::datetime_value(request.at).ok_or_else(|| {
            format!(
                "the request's time {} cannot be given to Cedar",
                request.at.to_rfc3339()
            )
        })?;
        let evaluation = self.evaluation_end(pack, world, dataset)?;
        Ok(AccessFacts {
            request,
            account,
            dataset,
            now,
            evaluation,
        })
    }

    /// One evaluation for one candidate agreement.
    fn evaluate(
        &self,
        pack: &RulePack,
        slice: Option<&PolicySet>,
        world: &World,
        facts: &AccessFacts<'_>,
        agreement: Option<usize>,
    ) -> Evaluation {
        let fail = |message: String| Evaluation::failed(message, agreement);
        let Some(slice) = slice else {
            return fail(format!(
                "the pack has no policies for action `{}`",
                facts.request.action.as_str()
            ));
        };
        let cedar_request = match access_request(world, facts, agreement) {
            Ok(r) => r,
            Err(message) => return fail(message),
        };
        let mut eval = self.ask(pack, slice, world, &cedar_request);
        eval.agreement = agreement;
        eval
    }

    /// Asks Cedar a built request against the world's entities and maps the answer to
    /// the pack's rules.
    pub(crate) fn ask(
        &self,
        pack: &RulePack,
        slice: &PolicySet,
        world: &World,
        cedar_request: &Request,
    ) -> Evaluation {
        let response = self
            .authorizer
            .is_authorized(cedar_request, slice, &world.cedar.entities);
        let diagnostics = response.diagnostics();
        let mut matched: Vec<usize> = diagnostics
            .reason()
            .filter_map(|id| pack.cedar_ids.get(id))
            .filter_map(|id| pack.rules.get_index_of(id))
            .collect();
        matched.sort_unstable();
        let errors = diagnostics
            .errors()
            .map(|e| {
                let cedar_policy::AuthorizationError::PolicyEvaluationError(pe) = e;
                (pack.cedar_ids.get(pe.policy_id()).cloned(), e.to_string())
            })
            .collect();
        Evaluation {
            allowed: response.decision() == cedar_policy::Decision::Allow,
            matched,
            errors,
            agreement: None,
        }
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
            .map(|t| t.with_timezone(&model::vn_offset()));
        Decision {
            outcome: Outcome::Deny,
            reasons,
            duties: Vec::new(),
            advisories: Vec::new(),
            pack: None,
            agreement: None,
            valid_until,
        }
    }

    /// The pack's slice for an access action, in the calling thread's copy: the same
    /// policies in every copy.
    fn access_slice<'a>(
        &'a self,
        pack_idx: usize,
        pack: &'a RulePack,
        action: &str,
    ) -> Option<&'a PolicySet> {
        let copy = stripe() % STRIPES;
        if copy > 0
            && let Some(slice) = self
                .copies
                .get(pack_idx)
                .and_then(|copies| copies.get(copy - 1))
                .and_then(|slices| slices.get(action))
        {
            return Some(slice);
        }
        pack.slices.get(action)
    }
}

impl Evaluation {
    /// Allow only when Cedar allowed and nothing failed to evaluate (fail closed).
    pub(crate) fn outcome(&self) -> Outcome {
        if self.allowed && self.errors.is_empty() {
            Outcome::Allow
        } else {
            Outcome::Deny
        }
    }
}

/// What a lifecycle act or a catalog proposal puts to Cedar, built once: the decision
/// functions ask it, the interop module exports it.
pub(crate) struct Query<'p> {
    /// Reasons found before asking. With `asked` `None` they are the deny's reasons;
    /// otherwise they deny whatever Cedar answers (an unknown master-data id).
    pub(crate) reasons: Vec<Reason>,
    /// The pack's policies for the action and the request, or why the request could not
    /// be given to Cedar (an evaluation error); `None` when nothing is asked.
    pub(crate) asked: Option<Result<(&'p PolicySet, Request), String>>,
}

/// The facts of one access request that every candidate agreement shares
/// ([`Engine::access_facts`]).
pub(crate) struct AccessFacts<'r> {
    pub(crate) request: &'r AccessRequest,
    /// The index of the request's account in the world.
    pub(crate) account: usize,
    /// The index of the request's dataset in the world.
    pub(crate) dataset: usize,
    /// Cedar's value of the request's instant.
    now: cedar_policy_core::ast::Value,
    /// The end of the year the dataset's database's last evaluation covers, counted with
    /// the engine's calendar ([`Engine::evaluation_end`]), and its Cedar value
    /// (`context.evaluatedUntil`); `None` if never evaluated.
    pub(crate) evaluation: Option<(PeriodEnd, cedar_policy_core::ast::Value)>,
}

/// The Cedar request of an access request under one candidate agreement: principal,
/// action, resource and the context (`AccessContext` in `policies/model.cedarschema`).
/// The one place it is built: [`Engine::decide`] asks it, the interop module exports it.
pub(crate) fn access_request(
    world: &World,
    facts: &AccessFacts<'_>,
    agreement: Option<usize>,
) -> Result<Request, String> {
    let cedar = &world.cedar;
    let request = facts.request;
    let (Some(principal), Some(resource)) = (
        cedar.account_uids.get(facts.account),
        cedar.dataset_uids.get(facts.dataset),
    ) else {
        return Err("internal: missing entity uid".into());
    };
    let agreement_uid = agreement.and_then(|i| cedar.agreement_uids.get(i));
    // The context's values built directly (model::context_of), not as expressions
    // Cedar would evaluate.
    let agreement = agreement_uid.map(|uid| ("agreement", model::entity_value(uid)));
    let evaluated = facts
        .evaluation
        .as_ref()
        .map(|(_, until)| ("evaluatedUntil", until.clone()));
    let context = model::context_of(
        [
            ("now", facts.now.clone()),
            ("channel", model::string_value(request.channel.as_str())),
            ("purpose", model::string_value(request.purpose.as_str())),
            ("authenticated", model::bool_value(request.authenticated)),
            (
                "subjectRequested",
                model::bool_value(request.subject_requested),
            ),
        ]
        .into_iter()
        .chain(agreement)
        .chain(evaluated),
    );
    let Some(context) = context else {
        return Err(format!(
            "the context of the request at {} cannot be given to Cedar",
            request.at.to_rfc3339()
        ));
    };
    let action = cedar.model.action_uid(request.action.as_str());
    Ok(model::request_of(principal, &action, resource, context))
}

/// Appends the reasons of an evaluation: on a deny the matched forbids and every
/// evaluation error, on an allow the matched permits. A deny left without any reason is
/// the caller's to explain ("nothing permitted this").
pub(crate) fn push_reasons(
    pack: &RulePack,
    eval: &Evaluation,
    outcome: Outcome,
    reasons: &mut Vec<Reason>,
) {
    for &i in &eval.matched {
        if let Some((_, rule)) = pack.rules.get_index(i) {
            // On a deny, only forbids are grounds; on an allow, only permits.
            if rule.permit == (outcome == Outcome::Allow) {
                reasons.push(Reason {
                    code: rule.code.clone(),
                    clause: rule.clause.clone(),
                    see: rule.see.clone(),
                    vi: rule.vi.clone(),
                    en: rule.en.clone(),
                    kind: if rule.permit {
                        ReasonKind::Permit
                    } else {
                        ReasonKind::Forbid
                    },
                    policy: Some(rule.id.clone()),
                    detail: None,
                });
            }
        }
    }
    for (policy, message) in &eval.errors {
        let mut r = engine_reason(
            pack,
            "evaluation_error",
            ReasonKind::EvaluationError,
            Some(message.clone()),
        );
        r.policy = policy.clone();
        reasons.push(r);
    }
}

/// A reason the engine gives itself, worded by the pack ([`RulePack::reason`]).
pub(crate) fn engine_reason(
    pack: &RulePack,
    code: &str,
    kind: ReasonKind,
    detail: Option<String>,
) -> Reason {
    pack.reason(code, kind, detail)
}

/// Adds to a decision made at `at` the pack's advisories that concern a party it names:
/// those in force on `at`'s local date whose `party_kinds` hold the kind of one of
/// `parties` (agencies unknown to the world are skipped). One that comes into force later
/// bounds the decision's validity.
pub(crate) fn party_advisories<'a>(
    pack: &RulePack,
    world: &World,
    at: DateTime<FixedOffset>,
    parties: impl IntoIterator<Item = &'a AgencyId>,
    decision: &mut Decision,
) {
    let date = model::local_date(at);
    let kinds: Vec<AgencyKind> = parties
        .into_iter()
        .filter_map(|id| world.agencies.get(id))
        .map(|a| a.kind)
        .collect();
    let concerning = pack
        .manifest
        .advisories
        .iter()
        .filter(|a| a.party_kinds.iter().any(|k| kinds.contains(k)));
    for a in concerning {
        if a.from <= date {
            decision.advisories.push(Advisory::from(a));
        } else if let Some(start) = model::start_of_local_day(a.from).filter(|s| *s > at) {
            let start = start.with_timezone(&model::vn_offset());
            decision.valid_until = Some(decision.valid_until.map_or(start, |v| v.min(start)));
        }
    }
}

/// The agencies a decision names: in its duties (provider, consumer, requester, the
/// authority to notify).
pub(crate) fn duty_parties(decision: &Decision) -> Vec<AgencyId> {
    let mut out = Vec::new();
    for duty in &decision.duties {
        match duty {
            Duty::LogRequest {
                provider, consumer, ..
            }
            | Duty::NotifyConsumer {
                provider, consumer, ..
            }
            | Duty::ReportUsage {
                provider, consumer, ..
            } => out.extend([provider.clone(), consumer.clone()]),
            Duty::ReportRefusal {
                provider,
                requester,
                authority,
                ..
            } => {
                out.extend([provider.clone(), requester.clone()]);
                out.extend(authority.clone());
            }
            Duty::PublicNotice {
                provider,
                consumers,
                ..
            } => {
                out.push(provider.clone());
                out.extend(consumers.iter().cloned());
            }
        }
    }
    out
}

pub(crate) fn valid_until(
    pack: &RulePack,
    at: DateTime<FixedOffset>,
    times: Vec<DateTime<FixedOffset>>,
) -> Option<DateTime<FixedOffset>> {
    earliest_after(pack, at, times)
}

/// [`valid_until`] over any sequence of times, with nothing allocated.
pub(crate) fn earliest_after(
    pack: &RulePack,
    at: DateTime<FixedOffset>,
    times: impl IntoIterator<Item = DateTime<FixedOffset>>,
) -> Option<DateTime<FixedOffset>> {
    // An advisory about some parties only bounds the decisions that name them
    // (`party_advisories`).
    let pack_times = pack
        .manifest
        .advisories
        .iter()
        .filter(|a| a.party_kinds.is_empty())
        .filter_map(|a| model::start_of_local_day(a.from))
        .chain(
            pack.manifest
                .effective_until
                .and_then(model::start_of_local_day),
        );
    // Cedar sees instants to the millisecond (model::cedar_datetime_text), so a time is
    // crossed, for the policies, at its whole millisecond.
    times
        .into_iter()
        .chain(pack_times)
        .map(model::whole_millisecond)
        .filter(|t| *t > at)
        .min()
        .map(|t| t.with_timezone(&model::vn_offset()))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn finish(
    pack: &RulePack,
    outcome: Outcome,
    reasons: Vec<Reason>,
    duties: Vec<Duty>,
    date: NaiveDate,
    holder_kind: Option<AgencyKind>,
    agreement: Option<crate::ids::AgreementId>,
    valid_until: Option<DateTime<FixedOffset>>,
) -> Decision {
    let mut advisories: Vec<Advisory> = pack
        .manifest
        .advisories
        .iter()
        .filter(|a| a.from <= date && a.party_kinds.is_empty())
        .map(Advisory::from)
        .collect();
    if let Some(kind) = holder_kind {
        advisories.extend(
            pack.manifest
                .readings
                .iter()
                .filter(|r| r.holder_kinds.contains(&kind))
                .map(Advisory::from),
        );
    }
    Decision {
        outcome,
        reasons,
        duties,
        advisories,
        pack: Some(PackRef::of(pack)),
        agreement,
        valid_until,
    }
}

#[allow(dead_code)]
fn assert_send_sync() {
    fn is<T: Send + Sync>() {}
    is::<Engine>();
    is::<World>();
    is::<Model>();
}

// ---------------------------------------------------------------- explanations (issue 7)

impl Engine {
    /// Decides like [`Engine::decide`] and says which policies were satisfied on the way:
    /// the permits and forbids whose conditions held for the candidate agreement the
    /// decision rests on (a permit that held on a deny included), and which failed to
    /// evaluate. For authors, test runners and coverage; [`Engine::decide`] is the fast
    /// path.
    ///
    /// # Example
    ///
    /// ```
    /// use lgsp_policy::{AccessRequest, Action, Channel, Engine, World, WorldData};
    ///
    /// let engine = Engine::builtin()?;
    /// let world = World::new(WorldData::new("VN-32".parse()?))?;
    /// let request = AccessRequest::new(
    ///     "ghost".parse()?, Action::Query, "nothing".parse()?, Channel::Lgsp,
    ///     "administrative-procedures".parse()?, "2024-06-03T09:00:00+07:00".parse()?,
    /// );
    /// let explanation = engine.explain(&world, &request);
    /// assert!(!explanation.evaluated); // refused before any policy ran
    /// assert!(explanation.satisfied.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain(&self, world: &World, request: &AccessRequest) -> crate::authoring::Explanation {
        let decision = self.decide(world, request);
        let mut explanation = crate::authoring::Explanation {
            agreement: decision.agreement.clone(),
            decision,
            evaluated: false,
            applicable: Vec::new(),
            satisfied: Vec::new(),
            errored: Vec::new(),
        };
        let date = model::local_date(request.at);
        let (Some(pack), Some(account_idx), Some(dataset_idx)) = (
            self.pack_for(world.territory_for(Place::Dataset(&request.dataset)), date),
            world.accounts.get_index_of(&request.account),
            world.datasets.get_index_of(&request.dataset),
        ) else {
            return explanation;
        };
        let Some(slice) = pack.slices.get(request.action.as_str()) else {
            return explanation;
        };
        let agreement = explanation
            .agreement
            .as_ref()
            .and_then(|id| world.agreements.get_index_of(id));
        let Ok(facts) = self.access_facts(pack, world, request, account_idx, dataset_idx) else {
            return explanation;
        };
        let full = self.evaluate(pack, Some(slice), world, &facts, agreement);
        // Cedar reports the satisfied forbids of a deny, or the satisfied permits of an
        // allow. The permits alone, evaluated again, give the permits that held on a deny.
        let mut permits = PolicySet::new();
        for p in slice
            .policies()
            .filter(|p| p.effect() == cedar_policy::Effect::Permit)
        {
            // Ids are unique in the slice, so adding to a fresh set cannot fail.
            let _ = permits.add(p.clone());
        }
        let held = self.evaluate(pack, Some(&permits), world, &facts, agreement);
        let mut satisfied: Vec<usize> = full.matched.iter().chain(&held.matched).copied().collect();
        satisfied.sort_unstable();
        satisfied.dedup();
        let mut applicable: Vec<usize> = slice
            .policies()
            .filter_map(|p| pack.cedar_ids.get(p.id()))
            .filter_map(|id| pack.rules.get_index_of(id))
            .collect();
        applicable.sort_unstable();
        let id_at = |i: &usize| pack.rules.get_index(*i).map(|(id, _)| id.clone());
        explanation.evaluated = true;
        explanation.applicable = applicable.iter().filter_map(id_at).collect();
        explanation.satisfied = satisfied.iter().filter_map(id_at).collect();
        explanation.errored = full.errors.into_iter().filter_map(|(p, _)| p).collect();
        explanation
    }
}

impl Engine {
    /// This engine with the forbids of every pack set aside: asked a question, it says
    /// which permits hold (for [`Tracer`](crate::authoring::Tracer)).
    pub(crate) fn permits_only(&self) -> Engine {
        let mut engine = self.clone();
        let slices = Arc::make_mut(&mut engine.packs)
            .iter_mut()
            .flat_map(|pack| pack.slices.values_mut())
            .chain(
                Arc::make_mut(&mut engine.copies)
                    .iter_mut()
                    .flatten()
                    .flat_map(|copy| copy.values_mut()),
            );
        for slice in slices {
            let mut permits = PolicySet::new();
            for p in slice
                .policies()
                .filter(|p| p.effect() == cedar_policy::Effect::Permit)
            {
                // Ids are unique in the slice, so adding to a fresh set cannot fail.
                let _ = permits.add(p.clone());
            }
            *slice = permits;
        }
        engine
    }
}

#[cfg(test)]
mod stripe_tests {
    use super::*;

    /// Every copy of the access slices holds the same policies, with the same text, as the
    /// pack's own slices.
    #[test]
    fn access_copies_are_the_packs_slices() {
        let engine = Engine::builtin();
        assert!(engine.is_ok());
        let Ok(engine) = engine else { return };
        let (Some(pack), Some(copies)) = (engine.packs.first(), engine.copies.first()) else {
            panic!("one pack, with its copies")
        };
        assert_eq!(copies.len(), STRIPES - 1);
        let texts = |set: &PolicySet| {
            let mut v: Vec<(String, String)> = set
                .policies()
                .map(|p| (p.id().to_string(), p.to_string()))
                .collect();
            v.sort();
            v
        };
        for slices in copies {
            for action in crate::request::Action::ALL {
                let (Some(copy), Some(own)) = (
                    slices.get(action.as_str()),
                    pack.slices.get(action.as_str()),
                ) else {
                    panic!("a slice for `{}`", action.as_str())
                };
                assert!(own.policies().count() > 0);
                assert_eq!(texts(copy), texts(own));
            }
        }
    }

    /// Threads on every stripe decide exactly as the calling thread does.
    #[test]
    fn every_stripe_decides_alike() {
        use crate::request::{Action, Channel};
        let engine = Engine::builtin();
        let world = World::from_json(include_str!(
            "../../policies/qd05-2024-phu-yen/tests/phu-yen.world.json"
        ));
        assert!(engine.is_ok() && world.is_ok());
        let (Ok(engine), Ok(world)) = (engine, world) else {
            return;
        };
        let mut requests = Vec::new();
        for account in world.accounts.keys() {
            for dataset in world.datasets.keys() {
                for (action, at) in [
                    (Action::Query, "2024-06-03T09:00:00+07:00"),
                    (Action::Download, "2025-01-02T10:00:00+07:00"),
                ] {
                    let (Ok(purpose), Ok(at)) = (
                        "administrative-procedures".parse(),
                        DateTime::parse_from_rfc3339(at),
                    ) else {
                        panic!("valid literals")
                    };
                    requests.push(AccessRequest::new(
                        account.clone(),
                        action,
                        dataset.clone(),
                        Channel::Lgsp,
                        purpose,
                        at,
                    ));
                }
            }
        }
        assert!(!requests.is_empty());
        let here: Vec<Decision> = requests.iter().map(|r| engine.decide(&world, r)).collect();
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..2 * STRIPES)
                .map(|_| {
                    s.spawn(|| {
                        requests
                            .iter()
                            .map(|r| engine.decide(&world, r))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                let there = h.join();
                assert!(there.is_ok());
                assert_eq!(there.ok().as_ref(), Some(&here));
            }
        });
    }
}
