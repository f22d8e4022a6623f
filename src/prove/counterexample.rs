//! A solver's counterexample (a Cedar request and entities) as something a person and the
//! engine can read: the Cedar JSON, and for an access request a `WorldData` and an
//! `AccessRequest` (the inverse of the engine's building of entities and context), with a
//! description in Vietnamese and English.

use std::collections::BTreeMap;
use std::str::FromStr;

use cedar_policy::{EntityUid, EvalResult, Expression, eval_expression};
use cedar_policy_symcc::Env;
use chrono::{DateTime, FixedOffset, Months, NaiveDate, SecondsFormat};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Value, json};

use super::assumptions::ACCESS_ACTIONS;
use crate::records::{AgencyKind, Purpose, TerritoryId};
use crate::time::VIETNAM_OFFSET;
use crate::{AccessRequest, WorldData};

/// A concrete request (and the entities it reads) that refutes a property, witnesses an
/// `allows_some`, or shows a difference between two packs.
///
/// `request`, `context` and `entities` are Cedar's own JSON formats (as
/// `cedar authorize --request-json --entities` read them); the solver names entities with
/// made-up ids (`""`, `"A"`, …). For an access request, [`Counterexample::access`] is the
/// same request as lgsp-policy's `WorldData` and `AccessRequest`, to replay with
/// `Engine::decide`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Counterexample {
    /// The action (`query`, `suspend`, …).
    pub action: String,
    /// The principal, e.g. `Lgsp::Account::""`.
    pub principal: String,
    /// The resource, e.g. `Lgsp::Dataset::""`.
    pub resource: String,
    /// The context, in Cedar's JSON.
    pub context: Value,
    /// The entities the request reads (action entities left out), in Cedar's JSON.
    pub entities: Value,
    /// The solver's model as cedar-policy-symcc prints it.
    pub text: String,
    /// The request as a world and an access request, when it is an access request that
    /// maps to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<AccessCounterexample>,
    /// Why there is no [`Counterexample::access`], if there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_problem: Option<String>,
}

/// A counterexample as lgsp-policy data: a world holding exactly the records the request
/// reads, and the request. `Engine::decide(&World::new(world)?, &request)` replays it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AccessCounterexample {
    /// The world: the account's holder and issuer, the provider, the database and the
    /// dataset, and the agreement the engine considered (ids `cex.*`).
    pub world: WorldData,
    /// The request.
    pub request: AccessRequest,
    /// Where the world says slightly less or more than the solver's model (a date rounded
    /// to its day, the end of the year since the evaluation chosen to keep its side of
    /// `now`, a record added so the world is valid). Empty when the mapping is exact.
    pub approximations: Vec<String>,
}

impl Counterexample {
    /// Reads a solver's model. `territory` is the pack's (the world's territory).
    pub(super) fn from_env(env: &Env, action: &str, territory: &TerritoryId) -> Self {
        let request = &env.request;
        let context = request
            .context()
            .and_then(|c| c.to_json_value().ok())
            .unwrap_or(Value::Null);
        let entities = env
            .entities
            .to_json_value()
            .ok()
            .and_then(|v| match v {
                Value::Array(items) => Some(Value::Array(
                    items
                        .into_iter()
                        .filter(|e| {
                            e.pointer("/uid/type").and_then(Value::as_str) != Some("Lgsp::Action")
                        })
                        .collect(),
                )),
                _ => None,
            })
            .unwrap_or(Value::Null);
        let (access, access_problem) = if ACCESS_ACTIONS.contains(&action) {
            match (Reader { env }).access(action, territory) {
                Ok(a) => (Some(a), None),
                Err(e) => (None, Some(e)),
            }
        } else {
            (
                None,
                Some(format!(
                    "only access requests are turned into a world; this `{action}` request is shown as Cedar's request and entities"
                )),
            )
        };
        Counterexample {
            action: action.to_owned(),
            principal: request
                .principal()
                .map(ToString::to_string)
                .unwrap_or_default(),
            resource: request
                .resource()
                .map(ToString::to_string)
                .unwrap_or_default(),
            context,
            entities,
            text: env.to_string(),
            access,
            access_problem,
        }
    }
}

/// Evaluates Cedar expressions on the model.
struct Reader<'a> {
    env: &'a Env,
}

impl Reader<'_> {
    fn eval(&self, src: &str) -> Result<EvalResult, String> {
        let expr = Expression::from_str(src).map_err(|e| format!("`{src}`: {e}"))?;
        eval_expression(&self.env.request, &self.env.entities, &expr)
            .map_err(|e| format!("`{src}`: {e}"))
    }

    fn bool(&self, src: &str) -> Result<bool, String> {
        match self.eval(src)? {
            EvalResult::Bool(b) => Ok(b),
            other => Err(format!("`{src}` is {other:?}, not a boolean")),
        }
    }

    fn string(&self, src: &str) -> Result<String, String> {
        match self.eval(src)? {
            EvalResult::String(s) => Ok(s),
            other => Err(format!("`{src}` is {other:?}, not a string")),
        }
    }

    fn uid(&self, src: &str) -> Result<EntityUid, String> {
        match self.eval(src)? {
            EvalResult::EntityUid(u) => Ok(u),
            other => Err(format!("`{src}` is {other:?}, not an entity")),
        }
    }

    fn strings(&self, src: &str) -> Result<Vec<String>, String> {
        match self.eval(src)? {
            EvalResult::Set(set) => Ok(set
                .iter()
                .filter_map(|v| match v {
                    EvalResult::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect()),
            other => Err(format!("`{src}` is {other:?}, not a set")),
        }
    }

    /// A datetime as an instant at UTC+7.
    fn instant(&self, src: &str) -> Result<DateTime<FixedOffset>, String> {
        let ms = match self.eval(&format!(
            "({src}).durationSince(datetime(\"1970-01-01\")).toMilliseconds()"
        ))? {
            EvalResult::Long(ms) => ms,
            other => return Err(format!("`{src}` is {other:?}, not a datetime")),
        };
        DateTime::from_timestamp_millis(ms)
            .map(|t| t.with_timezone(&VIETNAM_OFFSET))
            .ok_or_else(|| format!("`{src}` ({ms} ms since 1970) is out of range"))
    }

    fn access(
        &self,
        action: &str,
        territory: &TerritoryId,
    ) -> Result<AccessCounterexample, String> {
        let mut notes = Vec::new();
        let holder = self.uid("principal.holder")?;
        let issuer = self.uid("principal.issuer")?;
        let provider = self.uid("resource.provider")?;
        let manager = self.uid("resource.database.manager")?;
        if provider != manager {
            notes.push(format!(
                "the model's dataset provider {provider} is not its database's manager {manager}; in a world the provider is the manager, so the manager is used"
            ));
        }
        // Agencies, named cex.agency-1, -2, … in the order holder, issuer, manager.
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        let mut agencies = Vec::new();
        for uid in [&holder, &issuer, &manager] {
            let key = uid.to_string();
            if names.contains_key(&key) {
                continue;
            }
            let id = format!("cex.agency-{}", names.len() + 1);
            let kind_name = self.string(&format!("{key}.kind"))?;
            let kind: AgencyKind = serde_json::from_value(json!(kind_name)).map_err(|_| {
                format!("{key}: kind `{kind_name}` is not an agency kind (prove with the model assumptions)")
            })?;
            for (flag, derived) in [
                ("stateAdministrative", kind.is_state_administrative()),
                ("inProvince", kind.is_in_province()),
                ("provincialFocalPoint", kind.is_provincial_focal_point()),
            ] {
                if self.bool(&format!("{key}.{flag}"))? != derived {
                    notes.push(format!(
                        "{key}.{flag} disagrees with its kind `{kind_name}`; a world derives it from the kind"
                    ));
                }
            }
            agencies.push(json!({
                "id": id, "name": format!("Counterexample agency {} ({key})", names.len() + 1),
                "kind": kind_name,
            }));
            names.insert(key, id);
        }
        let name = |uid: &EntityUid| names.get(&uid.to_string()).cloned().unwrap_or_default();
        let now = self.instant("context.now")?;
        let stamp = |t: DateTime<FixedOffset>| t.to_rfc3339_opts(SecondsFormat::Millis, false);

        // The database, with an evaluation that keeps `evaluatedUntil` on its side of now.
        let mut database = json!({
            "id": "cex.database", "name": "Counterexample database",
            "manager": name(&manager),
            "catalog": self.string("resource.database.catalog")?,
            "hosting": if self.bool("resource.database.atDataCentre")? { "provincial_data_centre" } else { "elsewhere" },
        });
        if self.bool("context has evaluatedUntil")? {
            let until = self.instant("context.evaluatedUntil")?;
            let today = now.date_naive();
            // A world's dates end in 9998 (the year after must stay in range).
            let last = NaiveDate::from_ymd_opt(9998, 12, 31).unwrap_or(today);
            let (date, side) = if until > now {
                (today.min(last), "after")
            } else {
                (
                    today.checked_sub_months(Months::new(24)).unwrap_or(today),
                    "not after",
                )
            };
            notes.push(format!(
                "the model's end of the year since the evaluation is {} ({side} now); the database is said evaluated on {date}, which keeps it {side} now",
                stamp(until)
            ));
            insert(&mut database, "last_evaluated", json!(date.to_string()));
        }
        let mut databases = vec![database];
        if issuer != manager && !self.bool(&format!("{issuer}.provincialFocalPoint"))? {
            notes.push(
                "the account's issuer manages no database in the model; a world requires one, so it is given `cex.issuer-database`".to_owned(),
            );
            databases.push(json!({
                "id": "cex.issuer-database", "name": "Counterexample issuer's database",
                "manager": name(&issuer), "catalog": "none", "hosting": "elsewhere",
            }));
        }

        let mut dataset = json!({
            "id": "cex.dataset", "name": "Counterexample dataset", "database": "cex.database",
            "class": self.string("resource.class")?,
            "personal_data": self.bool("resource.personalData")?,
        });
        if self.bool("resource has publishedAt")? {
            let at = self.instant("resource.publishedAt")?;
            let day = at.date_naive();
            if day_start(day) != Some(at) {
                notes.push(format!(
                    "published at {}, rounded down to the start of its day, {day}",
                    stamp(at)
                ));
            }
            insert(&mut dataset, "published", json!(day.to_string()));
        }
        let mut datasets = vec![dataset];

        // Purposes: the model's strings, or made-up valid ones.
        let mut purposes: BTreeMap<String, String> = BTreeMap::new();
        let mut purpose = |s: &str, notes: &mut Vec<String>| -> String {
            if let Some(p) = purposes.get(s) {
                return p.clone();
            }
            let p = if Purpose::from_str(s).is_ok() {
                s.to_owned()
            } else {
                let p = format!("cex-purpose-{}", purposes.len() + 1);
                notes.push(format!(
                    "purpose {s:?} is not a valid purpose; written `{p}`"
                ));
                p
            };
            purposes.insert(s.to_owned(), p.clone());
            p
        };
        let request_purpose = purpose(&self.string("context.purpose")?, &mut notes);

        let mut agreements = Vec::new();
        if self.bool("context has agreement")? {
            if holder == manager {
                return Err("the model's agreement is between the provider and itself, which no world holds".into());
            }
            let mut listed = Vec::new();
            if self.bool("context.agreement.datasets.contains(resource)")? {
                listed.push("cex.dataset".to_owned());
            } else {
                notes.push("the agreement does not list the dataset; it lists `cex.other-dataset` (an agreement lists one at least)".into());
                datasets.push(json!({
                    "id": "cex.other-dataset", "name": "Another dataset of the provider",
                    "database": "cex.database", "class": "shared",
                }));
                listed.push("cex.other-dataset".to_owned());
            }
            let mut agreed: Vec<String> = self
                .strings("context.agreement.purposes")?
                .iter()
                .map(|s| purpose(s, &mut notes))
                .collect();
            if agreed.is_empty() {
                notes.push("the agreement names no purpose; it names `cex-other-purpose`".into());
                agreed.push("cex-other-purpose".into());
            }
            let mut methods = self.strings("context.agreement.methods")?;
            if methods.is_empty() {
                let other = if action == "download" {
                    "online_connection"
                } else {
                    "package"
                };
                notes.push(format!(
                    "the agreement names no method; it names `{other}`, which is not this action's"
                ));
                methods.push(other.into());
            }
            let mut term = json!({ "start": stamp(self.instant("context.agreement.start")?) });
            if self.bool("context.agreement has end")? {
                insert(
                    &mut term,
                    "end",
                    json!(stamp(self.instant("context.agreement.end")?)),
                );
            }
            agreements.push(json!({
                "id": "cex.agreement", "provider": name(&manager), "consumer": name(&holder),
                "datasets": listed, "purposes": agreed, "methods": methods, "term": term,
                "status": self.string("context.agreement.status")?,
            }));
        }

        let world = json!({
            "territory": territory.as_str(),
            "agencies": agencies,
            "databases": databases,
            "datasets": datasets,
            "accounts": [{
                "id": "cex.account", "holder": name(&holder), "issuer": name(&issuer),
                "authentication": self.string("principal.authentication")?,
            }],
            "agreements": agreements,
        });
        let request = json!({
            "account": "cex.account", "action": action, "dataset": "cex.dataset",
            "channel": self.string("context.channel")?, "purpose": request_purpose,
            "at": stamp(now),
            "authenticated": self.bool("context.authenticated")?,
            "subject_requested": self.bool("context.subjectRequested")?,
        });
        Ok(AccessCounterexample {
            world: serde_json::from_value(world)
                .map_err(|e| format!("the model does not make a world: {e}"))?,
            request: serde_json::from_value(request)
                .map_err(|e| format!("the model does not make a request: {e}"))?,
            approximations: notes,
        })
    }
}

/// Sets a field of a JSON object.
fn insert(object: &mut Value, key: &str, value: Value) {
    if let Some(map) = object.as_object_mut() {
        map.insert(key.to_owned(), value);
    }
}

/// The start of a local day (UTC+7).
fn day_start(date: NaiveDate) -> Option<DateTime<FixedOffset>> {
    date.and_hms_opt(0, 0, 0)
        .and_then(|d| d.and_local_timezone(VIETNAM_OFFSET).single())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cedar_policy::{Context, Entities, Request};

    fn uid(s: &str) -> EntityUid {
        s.parse().unwrap()
    }

    /// A model as the solver gives them (made-up ids, datetimes as offsets from 1970),
    /// read back into a world and a request.
    #[test]
    fn a_model_becomes_a_world_and_a_request() {
        let now = day_start(NaiveDate::from_ymd_opt(2024, 6, 3).unwrap()).unwrap();
        let published = now.timestamp_millis() - 86_400_000;
        let dt = |ms: i64| {
            json!({"__extn": {"fn": "offset", "args": [
            {"__extn": {"fn": "datetime", "arg": "1970-01-01"}},
            {"__extn": {"fn": "duration", "arg": format!("{ms}ms")}}]}})
        };
        let agency = |id: &str, kind: &str, sa: bool| {
            json!({
            "uid": {"type": "Lgsp::Agency", "id": id},
            "attrs": {"kind": kind, "stateAdministrative": sa, "inProvince": true,
                      "provincialFocalPoint": kind == "information_and_communications"},
            "parents": []})
        };
        let entities = json!([
            agency("", "district_peoples_committee", true),
            agency("A", "provincial_department", true),
            {"uid": {"type": "Lgsp::Account", "id": ""}, "attrs": {
                "holder": {"__entity": {"type": "Lgsp::Agency", "id": ""}},
                "issuer": {"__entity": {"type": "Lgsp::Agency", "id": "A"}},
                "authentication": "password"}, "parents": []},
            {"uid": {"type": "Lgsp::Database", "id": ""}, "attrs": {
                "manager": {"__entity": {"type": "Lgsp::Agency", "id": "A"}},
                "catalog": "shared", "atDataCentre": true, "masterData": []}, "parents": []},
            {"uid": {"type": "Lgsp::Dataset", "id": ""}, "attrs": {
                "database": {"__entity": {"type": "Lgsp::Database", "id": ""}},
                "provider": {"__entity": {"type": "Lgsp::Agency", "id": "A"}},
                "class": "open", "personalData": false, "publishedAt": dt(published)},
                "parents": []},
        ]);
        let entities = Entities::from_json_value(entities, None).unwrap();
        let context = Context::from_json_value(
            json!({"now": dt(now.timestamp_millis()), "channel": "direct", "purpose": "",
                   "authenticated": true, "subjectRequested": false,
                   "evaluatedUntil": dt(now.timestamp_millis() + 1)}),
            None,
        )
        .unwrap();
        let request = Request::new(
            uid(r#"Lgsp::Account::"""#),
            uid(r#"Lgsp::Action::"query""#),
            uid(r#"Lgsp::Dataset::"""#),
            context,
            None,
        )
        .unwrap();
        let env = Env { request, entities };
        let cex = Counterexample::from_env(&env, "query", &"VN-32".parse().unwrap());
        let access = cex
            .access
            .as_ref()
            .unwrap_or_else(|| panic!("{:?}", cex.access_problem));
        let world = crate::World::new(access.world.clone()).unwrap();
        assert_eq!(access.request.channel, crate::Channel::Direct);
        assert_eq!(access.request.at, now);
        assert_eq!(access.request.purpose.as_str(), "cex-purpose-1");
        let engine = crate::Engine::builtin().unwrap();
        let decision = engine.decide(&world, &access.request);
        let codes: Vec<&str> = decision.reasons.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["not_through_lgsp"]);
        assert_eq!(cex.principal, r#"Lgsp::Account::"""#);
        assert!(cex.entities.as_array().is_some_and(|e| e.len() == 5));
    }
}
