//! (d) The peer a gateway team would pick instead (issue 15): the access rules of
//! `access.cedar` written in Rego (`benches/rego/access.rego`) and evaluated in-process by
//! regorus, Microsoft's Rust interpreter of Rego, on an input built per request from the
//! same slice of the world the engine reads, as a gateway would build it.
//!
//! The Rego policy reports, per candidate agreement, the permits and forbids that hold;
//! the decision among the candidates is picked as the engine picks it
//! ([`baselines::pick`]), so the comparison is of equals: [`Rego::disagreements`] counts
//! the requests on which the outcome or the reason codes differ from the engine's, and the
//! bench and the tests require none.

use chrono::{DateTime, FixedOffset};
use lgsp_policy::time::Calendar;
use lgsp_policy::{AccessRequest, Engine, RulePack, World};
use regorus::Value;

use super::baselines::{self, Candidate, Hand};

/// The Rego translation of the built-in pack's access policies.
pub const ACCESS_REGO: &str = include_str!("../rego/access.rego");

/// A regorus engine with the access policy loaded, ready for one input after another.
pub struct Rego {
    engine: regorus::Engine,
    /// The reason codes of the built-in pack's rules, to hand them back as `&'static str`.
    codes: Vec<&'static str>,
    rule: String,
    /// The pack's `candidate_ranking` codes ([`baselines::ranking`]).
    ranking: Vec<String>,
}

impl Rego {
    pub fn new() -> Rego {
        Rego::with_policy(ACCESS_REGO)
    }

    /// A peer running another text of the policy (the tests give it a mutant).
    pub fn with_policy(rego: &str) -> Rego {
        let mut engine = regorus::Engine::new();
        engine
            .add_policy("access.rego".to_owned(), rego.to_owned())
            .unwrap();
        // The bench's one engine lives as long as the run: its codes may too.
        let codes = RulePack::builtin()
            .unwrap()
            .rules()
            .map(|r| &*Box::leak(r.code.clone().into_boxed_str()))
            .collect();
        Rego {
            engine,
            codes,
            rule: "data.lgsp.access.results".to_owned(),
            ranking: baselines::ranking(),
        }
    }

    /// Decides one request: builds its input from the world, evaluates the policy, picks
    /// the decision among the candidate agreements.
    pub fn decide(&mut self, world: &World, calendar: &Calendar, r: &AccessRequest) -> Hand {
        let (input, candidates) = match input_of(world, calendar, r) {
            Ok(input) => input,
            Err(code) => {
                return Hand {
                    allowed: false,
                    reasons: vec![code],
                    agreement: None,
                };
            }
        };
        self.engine.set_input(input);
        let results = self.engine.eval_rule(self.rule.clone()).unwrap();
        let results = results.as_array().unwrap();
        let candidates = results.iter().map(|c| Candidate {
            permits: self.codes_of(&c["permits"]),
            forbids: self.codes_of(&c["forbids"]),
            // Without agreements the policy evaluates one candidate without one.
            agreement: (candidates > 0)
                .then(|| c["agreement"].as_u64().ok().map(|i| i as usize))
                .flatten(),
        });
        baselines::pick(candidates, &self.ranking)
    }

    /// The reason codes of a Rego set of strings.
    fn codes_of(&self, set: &Value) -> Vec<&'static str> {
        let Ok(set) = set.as_set() else {
            return Vec::new();
        };
        set.iter()
            .filter_map(|v| {
                let text = v.as_string().ok()?;
                self.codes.iter().find(|c| **c == text.as_ref()).copied()
            })
            .collect()
    }

    /// How many of `requests` the Rego peer and the engine decide differently (outcome, or
    /// the set of reason codes).
    pub fn disagreements(
        &mut self,
        engine: &Engine,
        world: &World,
        requests: &[AccessRequest],
    ) -> usize {
        baselines::disagreements_of("rego", engine, world, requests, |r| {
            self.decide(world, engine.calendar(), r)
        })
    }
}

fn obj(fields: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let mut v = Value::new_object();
    let map = v.as_object_mut().unwrap();
    for (k, field) in fields {
        map.insert(Value::from(k), field);
    }
    v
}

fn nanos(at: DateTime<FixedOffset>) -> Value {
    Value::from(at.timestamp_nanos_opt().unwrap())
}

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::from(items.into_iter().map(Value::from).collect::<Vec<_>>())
}

/// The input a gateway builds for one request, from the slice of the world it touches:
/// the account with its holder and issuer, the dataset with its provider, the context,
/// and the candidate agreements between holder and provider. An unknown account or
/// dataset is refused before the policy runs, as the engine refuses it. With the input,
/// the number of candidate agreements.
pub fn input_of(
    world: &World,
    calendar: &Calendar,
    r: &AccessRequest,
) -> Result<(Value, usize), &'static str> {
    let account = world.account(&r.account).ok_or("unknown_account")?;
    let dataset = world.dataset(&r.dataset).ok_or("unknown_dataset")?;
    let database = world
        .database(&dataset.database)
        .ok_or("evaluation_error")?;
    let holder = world.agency(&account.holder).ok_or("evaluation_error")?;
    let issuer = world.agency(&account.issuer).ok_or("evaluation_error")?;
    let provider = &database.manager;
    let principal = obj([
        (
            "authentication",
            Value::from(account.authentication.as_str()),
        ),
        (
            "holder",
            obj([
                ("id", Value::from(holder.id.as_str())),
                (
                    "stateAdministrative",
                    Value::from(holder.kind.is_state_administrative()),
                ),
                ("inProvince", Value::from(holder.kind.is_in_province())),
            ]),
        ),
        (
            "issuer",
            obj([
                ("id", Value::from(issuer.id.as_str())),
                (
                    "provincialFocalPoint",
                    Value::from(issuer.kind.is_provincial_focal_point()),
                ),
            ]),
        ),
    ]);
    let mut resource = obj([
        ("id", Value::from(dataset.id.as_str())),
        ("class", Value::from(dataset.class.as_str())),
        ("provider", Value::from(provider.as_str())),
        ("personalData", Value::from(dataset.personal_data)),
    ]);
    if let Some(day) = dataset.published {
        resource.as_object_mut().unwrap().insert(
            Value::from("publishedAt"),
            nanos(baselines::start_of_day(day)),
        );
    }
    let mut context = obj([
        ("now", nanos(r.at)),
        ("channel", Value::from(r.channel.as_str())),
        ("purpose", Value::from(r.purpose.as_str())),
        ("authenticated", Value::from(r.authenticated)),
        ("subjectRequested", Value::from(r.subject_requested)),
    ]);
    if let Some(day) = database.last_evaluated {
        context.as_object_mut().unwrap().insert(
            Value::from("evaluatedUntil"),
            nanos(baselines::evaluated_until(day, calendar)),
        );
    }
    let agreements: Vec<Value> = world
        .agreements_between(&holder.id, provider)
        .map(|g| {
            let mut a = obj([
                ("consumer", Value::from(g.consumer.as_str())),
                ("provider", Value::from(g.provider.as_str())),
                ("start", nanos(g.term.start)),
                ("status", Value::from(g.status.as_str())),
                ("datasets", strings(g.datasets.iter().map(|d| d.as_str()))),
                ("purposes", strings(g.purposes.iter().map(|p| p.as_str()))),
                ("methods", strings(g.methods.iter().map(|m| m.as_str()))),
            ]);
            if let Some(end) = g.term.end {
                a.as_object_mut()
                    .unwrap()
                    .insert(Value::from("end"), nanos(end));
            }
            a
        })
        .collect();
    let candidates = agreements.len();
    let input = obj([
        ("action", Value::from(r.action.as_str())),
        ("principal", principal),
        ("resource", resource),
        ("context", context),
        ("agreements", Value::from(agreements)),
    ]);
    Ok((input, candidates))
}
