//! Plans against Cedar on **generated policies**: the engine compiles each policy's
//! residual to a plan (src/cedar/plan.rs) and evaluates it over the world's records,
//! handing a policy to Cedar's evaluator only where the plan cannot answer as Cedar
//! would. The shipped policies use a small part of Cedar; a pack author may write any
//! policy the schema validates. These properties generate such policies — type-directed,
//! over the attributes of the principal, the resource and the context of the access
//! actions, with every operator Cedar has, overflows and extension functions included —
//! append them to the built-in pack, and decide generated requests on generated worlds
//! and on the shipped province. Two checks, each on every request:
//!
//! 1. **The engine's self-report.** `Engine::tracer().trace` and `Engine::explain`
//!    evaluate every policy a plan answered with Cedar's evaluator too:
//!    `plan_disagreements` must be empty, and the traced decision must be `decide`'s.
//! 2. **Cedar's own authoriser**, independently of the engine's report: the Cedar request
//!    and entities the engine used (`authoring::cedar_request`) and the pack's policies
//!    (`authoring::cedar_policies_json`), parsed back and decided by
//!    `cedar_policy::Authorizer`. The policies that held, and those that erred, must be
//!    the explanation's; without errors the outcome and the determining policies must be
//!    the decision's; with errors the decision must be a deny carrying them as
//!    `evaluation_error` reasons with Cedar's messages (the engine fails closed where
//!    Cedar skips). This also covers what the self-report cannot see: policies whose
//!    residual is `false` (never evaluated) and those Cedar's evaluator answered. Cedar
//!    is given the entities the request reads (the engine's slice of the world), as the
//!    engine gives them to Cedar's evaluator.
//!
//! The generator cannot silently degrade: most generated policies must load, and every
//! kind of node must have been generated, compiled into a plan (its residual has a plan,
//! `by_cedar == None`) and evaluated, policies must have held and not, plans must have
//! stopped on errors (overflow) that Cedar's evaluator then reported, and some policies
//! must have been left to Cedar (extension functions on run-time values).
//!
//! Why it matters: a pack is data its authors change, and every policy they can write
//! must be answered as Cedar answers it, not only the shipped ones. A plan that answers
//! otherwise decides wrongly and silently; the engine's own report of it is checked here
//! against Cedar itself.
//!
//! `LGSP_PLAN_CASES` sets how many packs are generated (default 200, about 30 s in the
//! dev profile); each pack has up to 8 generated policies and decides 12 requests.
//! `LGSP_PLAN_VERBOSE` prints each policy the loader rejects, with why:
//!
//! ```text
//! LGSP_PLAN_CASES=5000 cargo test --release --all-features --test integration plans -- --nocapture
//! ```
//!
//! `written_out_edges_answer_as_cedar` runs the same checks on constructs written out
//! by hand, on every account and dataset of the shipped province.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::sync::Mutex;

use cedar_policy::{
    AuthorizationError, Authorizer, Decision as CedarDecision, Effect, Entities, Policy, PolicySet,
    Request, Schema,
};
use chrono::{DateTime, FixedOffset};
use lgsp_policy::authoring::{cedar_policies_json, cedar_request, cedar_schema_text};
use lgsp_policy::strategies::{WorldSize, known_requests_for, world};
use lgsp_policy::{AccessRequest, Engine, Outcome, Question, ReasonKind, RulePack, World};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::Union;
use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
use serde_json::Value;

use crate::support;

/// Packs generated: `LGSP_PLAN_CASES`, default 200.
fn packs_wanted() -> u32 {
    std::env::var("LGSP_PLAN_CASES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(200)
}

/// Generated policies per pack, at most.
const MAX_POLICIES: usize = 8;
/// Requests decided per pack.
const REQUESTS: usize = 12;

// ------------------------------------------------------------------------------ types

/// The entity types of the model that access policies can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Ent {
    Account,
    Agency,
    Dataset,
    Database,
    Agreement,
    MasterData,
}

impl Ent {
    const ALL: [Ent; 6] = [
        Ent::Account,
        Ent::Agency,
        Ent::Dataset,
        Ent::Database,
        Ent::Agreement,
        Ent::MasterData,
    ];

    fn name(self) -> &'static str {
        match self {
            Ent::Account => "Lgsp::Account",
            Ent::Agency => "Lgsp::Agency",
            Ent::Dataset => "Lgsp::Dataset",
            Ent::Database => "Lgsp::Database",
            Ent::Agreement => "Lgsp::Agreement",
            Ent::MasterData => "Lgsp::MasterData",
        }
    }

    /// Its attributes (`policies/model.cedarschema`): name, type, optional.
    fn attributes(self) -> Vec<(&'static str, Ty, bool)> {
        use Ty::{Bool, DateTime, Str};
        let ent = Ty::Entity;
        let set = |t: Ty| Ty::Set(Box::new(t));
        match self {
            Ent::Account => vec![
                ("holder", ent(Ent::Agency), false),
                ("issuer", ent(Ent::Agency), false),
                ("authentication", Str, false),
            ],
            Ent::Agency => vec![
                ("kind", Str, false),
                ("stateAdministrative", Bool, false),
                ("inProvince", Bool, false),
                ("provincialFocalPoint", Bool, false),
            ],
            Ent::Dataset => vec![
                ("database", ent(Ent::Database), false),
                ("provider", ent(Ent::Agency), false),
                ("class", Str, false),
                ("personalData", Bool, false),
                ("publishedAt", DateTime, true),
            ],
            Ent::Database => vec![
                ("manager", ent(Ent::Agency), false),
                ("catalog", Str, false),
                ("atDataCentre", Bool, false),
                ("masterData", set(ent(Ent::MasterData)), false),
            ],
            Ent::Agreement => vec![
                ("provider", ent(Ent::Agency), false),
                ("consumer", ent(Ent::Agency), false),
                ("datasets", set(ent(Ent::Dataset)), false),
                ("purposes", set(Str), false),
                ("methods", set(Str), false),
                ("status", Str, false),
                ("start", DateTime, false),
                ("end", DateTime, true),
            ],
            Ent::MasterData => vec![("reference", Str, false)],
        }
    }
}

/// A Cedar type of the access model.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Ty {
    Bool,
    Long,
    Str,
    DateTime,
    Duration,
    Entity(Ent),
    /// An entity expression that is not a literal (`in`'s left side, `has`, `.attr`:
    /// strict validation forbids dereferencing entity literals).
    EntityVar(Ent),
    Set(Box<Ty>),
    Record(Vec<(&'static str, Ty)>),
}

fn set_of(t: Ty) -> Ty {
    Ty::Set(Box::new(t))
}

/// A capability an optional attribute needs, tested before the expression reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Guard {
    Agreement,
    AgreementEnd,
    PublishedAt,
    EvaluatedUntil,
}

impl Guard {
    /// The test, in one of the forms strict validation accepts.
    fn render(self, style: u8) -> &'static str {
        match (self, style % 3) {
            (Guard::Agreement, 0) => "context has agreement.provider",
            (Guard::Agreement, _) => "context has agreement",
            (Guard::AgreementEnd, 0) => "context has agreement && context.agreement has end",
            (Guard::AgreementEnd, _) => "context has agreement.end",
            (Guard::PublishedAt, _) => "resource has publishedAt",
            (Guard::EvaluatedUntil, _) => "context has evaluatedUntil",
        }
    }
}

/// The kinds of node the generator writes, counted when generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    And,
    Or,
    Not,
    If,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Neg,
    In,
    Contains,
    ContainsAll,
    ContainsAny,
    IsEmpty,
    Has,
    HasPath,
    Like,
    Is,
    Record,
    Set,
    Attr,
    EntityLit,
    DateTimeLit,
    DurationLit,
    /// An extension method (`.offset`, `.toDays()`…).
    ExtMethod,
    /// A long near the ends of i64.
    BigLong,
    /// A test of `action` (worked out when the pack loads).
    Action,
}

impl Kind {
    const ALL: [Kind; 32] = [
        Kind::And,
        Kind::Or,
        Kind::Not,
        Kind::If,
        Kind::Eq,
        Kind::Ne,
        Kind::Lt,
        Kind::Le,
        Kind::Gt,
        Kind::Ge,
        Kind::Add,
        Kind::Sub,
        Kind::Mul,
        Kind::Neg,
        Kind::In,
        Kind::Contains,
        Kind::ContainsAll,
        Kind::ContainsAny,
        Kind::IsEmpty,
        Kind::Has,
        Kind::HasPath,
        Kind::Like,
        Kind::Is,
        Kind::Record,
        Kind::Set,
        Kind::Attr,
        Kind::EntityLit,
        Kind::DateTimeLit,
        Kind::DurationLit,
        Kind::ExtMethod,
        Kind::BigLong,
        Kind::Action,
    ];

    fn bit(self) -> u64 {
        1 << (self as u32)
    }
}

// ------------------------------------------------------------------------ expressions

/// A generated expression: its Cedar text, the capabilities it needs, the kinds of node
/// in it.
#[derive(Debug, Clone)]
struct Ex {
    text: String,
    guards: Vec<Guard>,
    kinds: u64,
}

impl Ex {
    fn leaf(text: impl Into<String>, kinds: &[Kind]) -> Ex {
        Ex {
            text: text.into(),
            guards: Vec::new(),
            kinds: kinds.iter().fold(0, |k, kind| k | kind.bit()),
        }
    }

    fn guarded(mut self, guards: &[Guard]) -> Ex {
        self.guards.extend_from_slice(guards);
        self.guards.sort();
        self.guards.dedup();
        self
    }

    /// A node over `parts`, its text made by `text`.
    fn node(kind: Kind, parts: &[&Ex], text: String) -> Ex {
        let mut guards: Vec<Guard> = parts.iter().flat_map(|p| p.guards.clone()).collect();
        guards.sort();
        guards.dedup();
        Ex {
            text,
            guards,
            kinds: parts.iter().fold(kind.bit(), |k, p| k | p.kinds),
        }
    }

    fn unary(kind: Kind, a: &Ex, text: impl Fn(&str) -> String) -> Ex {
        Ex::node(kind, &[a], text(&a.text))
    }

    fn binary(kind: Kind, a: &Ex, b: &Ex, text: impl Fn(&str, &str) -> String) -> Ex {
        Ex::node(kind, &[a, b], text(&a.text, &b.text))
    }
}

/// A boolean with its capabilities tested first: `(g && e)`, or `(if g then e else
/// false)`. One style in 256 tests it the wrong way (`g || e`), which strict validation
/// rejects: the loader's refusals are exercised too.
fn discharge(e: Ex, style: u8) -> Ex {
    if e.guards.is_empty() {
        return e;
    }
    let guards: Vec<&str> = e.guards.iter().map(|g| g.render(style / 4)).collect();
    let g = guards.join(" && ");
    let text = match style {
        255 => format!("({g} || {})", e.text),
        s if s % 4 == 3 => format!("(if {g} then {} else false)", e.text),
        _ => format!("({g} && {})", e.text),
    };
    let kinds = e.kinds | Kind::Has.bit() | if has_path(&g) { Kind::HasPath.bit() } else { 0 };
    Ex {
        text,
        guards: Vec::new(),
        kinds,
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An attribute path from the principal, the resource or the context.
#[derive(Debug, Clone)]
struct Path {
    text: String,
    ty: Ty,
    guards: Vec<Guard>,
    /// Entity dereferences so far (strict validation allows two).
    derefs: u32,
}

/// Every path strict validation at level 2 accepts, with the capabilities it needs.
fn paths() -> Vec<Path> {
    let mut out = vec![
        Path {
            text: "principal".into(),
            ty: Ty::Entity(Ent::Account),
            guards: vec![],
            derefs: 0,
        },
        Path {
            text: "resource".into(),
            ty: Ty::Entity(Ent::Dataset),
            guards: vec![],
            derefs: 0,
        },
    ];
    for (name, ty, guard) in [
        ("now", Ty::DateTime, None),
        ("channel", Ty::Str, None),
        ("purpose", Ty::Str, None),
        ("authenticated", Ty::Bool, None),
        ("subjectRequested", Ty::Bool, None),
        (
            "agreement",
            Ty::Entity(Ent::Agreement),
            Some(Guard::Agreement),
        ),
        ("evaluatedUntil", Ty::DateTime, Some(Guard::EvaluatedUntil)),
    ] {
        out.push(Path {
            text: format!("context.{name}"),
            ty,
            guards: guard.into_iter().collect(),
            derefs: 0,
        });
    }
    let mut next = 0;
    while next < out.len() {
        let p = out[next].clone();
        next += 1;
        let Ty::Entity(e) = p.ty else { continue };
        if p.derefs >= 2 {
            continue;
        }
        for (attr, ty, optional) in e.attributes() {
            let mut guards = p.guards.clone();
            if optional {
                guards.push(match attr {
                    "publishedAt" => Guard::PublishedAt,
                    _ => Guard::AgreementEnd,
                });
            }
            out.push(Path {
                text: format!("{}.{attr}", p.text),
                ty,
                guards,
                derefs: p.derefs + 1,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------- literals

/// The ids a world holds, by entity type, with one it does not.
#[derive(Debug, Clone)]
struct Pool {
    ids: HashMap<Ent, Vec<String>>,
}

impl Pool {
    fn of(world: &World) -> Pool {
        let d = world.to_data();
        let mut ids: HashMap<Ent, Vec<String>> = HashMap::new();
        let mut put = |e: Ent, list: Vec<String>| {
            let mut list: Vec<String> = list.into_iter().take(6).collect();
            list.push(format!("ghost-{}", e.name().len()));
            ids.insert(e, list);
        };
        put(
            Ent::Account,
            d.accounts.iter().map(|x| x.id.to_string()).collect(),
        );
        put(
            Ent::Agency,
            d.agencies.iter().map(|x| x.id.to_string()).collect(),
        );
        put(
            Ent::Dataset,
            d.datasets.iter().map(|x| x.id.to_string()).collect(),
        );
        put(
            Ent::Database,
            d.databases.iter().map(|x| x.id.to_string()).collect(),
        );
        put(
            Ent::Agreement,
            d.agreements.iter().map(|x| x.id.to_string()).collect(),
        );
        put(
            Ent::MasterData,
            d.master_data.iter().map(|x| x.id.to_string()).collect(),
        );
        Pool { ids }
    }

    fn literals(&self, e: Ent) -> Vec<String> {
        self.ids
            .get(&e)
            .into_iter()
            .flatten()
            .map(|id| format!("{}::{}", e.name(), quoted(id)))
            .collect()
    }
}

/// The strings the records hold, and a few they never do.
const WORDS: [&str; 40] = [
    "provincial_peoples_committee",
    "information_and_communications",
    "provincial_department",
    "district_peoples_committee",
    "commune_peoples_committee",
    "external_state_agency",
    "state_enterprise",
    "organisation",
    "enterprise",
    "citizen",
    "open",
    "public",
    "shared",
    "restricted",
    "state_secret",
    "internal",
    "temporary",
    "lgsp",
    "ngsp_lgsp",
    "portal",
    "direct",
    "administrative-procedures",
    "state-management",
    "statistics",
    "public-services",
    "planning",
    "active",
    "suspended",
    "terminated",
    "none",
    "password",
    "multi_factor",
    "certificate",
    "specialised",
    "online_connection",
    "synchronisation",
    "package",
    "ministry",
    "",
    "ủy ban \"*\" \\ ",
];

fn string_lit() -> BoxedStrategy<Ex> {
    prop::sample::select(WORDS.to_vec())
        .prop_map(|w| Ex::leaf(quoted(w), &[]))
        .boxed()
}

/// Longs, small and near the ends of i64, so that arithmetic overflows.
fn long_lit() -> BoxedStrategy<Ex> {
    let big = prop::sample::select(vec![
        "9223372036854775807",
        "9223372036854775806",
        "-9223372036854775807",
        "-9223372036854775808",
        "4611686018427387904",
        "3037000500",
    ])
    .prop_map(|n| Ex::leaf(n, &[Kind::BigLong]));
    prop_oneof![
        5 => (-3i64..=100).prop_map(|n| Ex::leaf(n.to_string(), &[])),
        2 => big,
    ]
    .boxed()
}

/// `datetime("…")`: days from 2024 to 2026 (both sides of a request's instant), in each
/// of Cedar's formats, and a few far ones.
fn datetime_lit() -> BoxedStrategy<Ex> {
    let near = (
        2024i32..=2026,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u8..5,
    )
        .prop_map(|(y, mo, d, h, mi, form)| match form {
            0 | 1 => format!("{y:04}-{mo:02}-{d:02}"),
            2 => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00Z"),
            3 => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:30+0700"),
            _ => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:59.999-0130"),
        });
    let far = prop::sample::select(vec![
        "1970-01-01".to_owned(),
        "0000-01-01".to_owned(),
        "9999-12-31T23:59:59.999Z".to_owned(),
        "2024-03-05T00:00:00+0700".to_owned(),
    ]);
    prop_oneof![8 => near, 1 => far]
        .prop_map(|d| Ex::leaf(format!("datetime({})", quoted(&d)), &[Kind::DateTimeLit]))
        .boxed()
}

fn duration_lit() -> BoxedStrategy<Ex> {
    prop::sample::select(vec![
        "1d",
        "2h",
        "30m",
        "1h30m",
        "-1d",
        "1ms",
        "0ms",
        "365d",
        "-24h",
        "1d2h3m4s5ms",
        "90000000000d",
        "9223372036854775807ms",
    ])
    .prop_map(|d| Ex::leaf(format!("duration({})", quoted(d)), &[Kind::DurationLit]))
    .boxed()
}

/// `like` patterns cut from the words the records hold: `*sub*`, `sub*`, `*sub`, the
/// word, `*`, an escaped star.
fn pattern() -> BoxedStrategy<String> {
    (
        prop::sample::select(WORDS[..38].to_vec()),
        any::<Index>(),
        any::<Index>(),
        0u8..8,
    )
        .prop_map(|(w, i, j, form)| {
            let (a, b) = (i.index(w.len() + 1), j.index(w.len() + 1));
            let sub = w.get(a.min(b)..a.max(b)).unwrap_or_default();
            let p = match form {
                0 | 1 => format!("*{sub}*"),
                2 => format!("{sub}*"),
                3 => format!("*{sub}"),
                4 => w.to_owned(),
                5 => "*".to_owned(),
                6 => format!("{sub}\\*"),
                _ => format!("*{sub}*ủy*"),
            };
            format!("\"{p}\"")
        })
        .boxed()
}

// ---------------------------------------------------------------------------- generator

fn union(alternatives: Vec<(u32, BoxedStrategy<Ex>)>) -> BoxedStrategy<Ex> {
    Union::new_weighted(alternatives).boxed()
}

/// The type-directed generator: one strategy per type and depth, built once per world
/// (the entity literals are the world's ids).
struct Gen {
    pool: Pool,
    paths: Vec<Path>,
    memo: HashMap<(Ty, u32), BoxedStrategy<Ex>>,
}

impl Gen {
    fn new(pool: Pool) -> Gen {
        Gen {
            pool,
            paths: paths(),
            memo: HashMap::new(),
        }
    }

    /// An expression of type `ty`, nested at most `d` deep.
    fn of(&mut self, ty: &Ty, d: u32) -> BoxedStrategy<Ex> {
        if let Some(s) = self.memo.get(&(ty.clone(), d)) {
            return s.clone();
        }
        let s = match ty {
            Ty::Bool => self.bool_expr(d),
            Ty::Long => self.long_expr(d),
            Ty::Str => self.string_expr(d),
            Ty::DateTime => self.datetime_expr(d),
            Ty::Duration => self.duration_expr(d),
            Ty::Entity(e) => self.entity_expr(*e, d, true),
            Ty::EntityVar(e) => self.entity_expr(*e, d, false),
            Ty::Set(t) => self.set_expr(t, d),
            Ty::Record(fields) => self.record_expr(fields, d),
        };
        self.memo.insert((ty.clone(), d), s.clone());
        s
    }

    /// The paths of type `ty`, as leaves.
    fn path_leaves(&self, ty: &Ty) -> Option<BoxedStrategy<Ex>> {
        let leaves: Vec<Ex> = self
            .paths
            .iter()
            .filter(|p| match ty {
                // `e in f` and `e has a` dereference `e`: two hops at most.
                Ty::EntityVar(e) => p.ty == Ty::Entity(*e) && p.derefs < 2,
                _ => &p.ty == ty,
            })
            .map(|p| {
                let kinds: &[Kind] = if p.text.contains('.') {
                    &[Kind::Attr]
                } else {
                    &[]
                };
                Ex::leaf(p.text.clone(), kinds).guarded(&p.guards)
            })
            .collect();
        (!leaves.is_empty()).then(|| prop::sample::select(leaves).boxed())
    }

    /// `if b then x else y`, with `x` and `y` of `ty`.
    fn ite(&mut self, ty: &Ty, d: u32) -> BoxedStrategy<Ex> {
        let b = self.of(&Ty::Bool, d - 1);
        let x = self.of(ty, d - 1);
        (b, x.clone(), x)
            .prop_map(|(b, x, y)| {
                Ex::node(
                    Kind::If,
                    &[&b, &x, &y],
                    format!("(if {} then {} else {})", b.text, x.text, y.text),
                )
            })
            .boxed()
    }

    /// `{v: x, w: y}.v` (fields in either order), or `{r: {v: x}}.r.v`.
    fn record_attr(&mut self, ty: &Ty, d: u32) -> BoxedStrategy<Ex> {
        let x = self.of(ty, d - 1);
        let y = self.of(&Ty::Long, 0);
        (x, y, 0u8..3)
            .prop_map(|(x, y, form)| {
                let text = match form {
                    0 => format!("{{v: {}, w: {}}}.v", x.text, y.text),
                    1 => format!("{{w: {}, v: {}}}.v", y.text, x.text),
                    _ => format!("{{r: {{v: {}}}}}.r.v", x.text),
                };
                let mut e = Ex::node(Kind::Record, &[&x, &y], format!("({text})"));
                e.kinds |= Kind::Attr.bit();
                e
            })
            .boxed()
    }

    /// `(if b then p else q).attr`, `p` and `q` entity paths that may still be
    /// dereferenced, `attr` of type `ty`.
    fn attr_of_choice(&mut self, ty: &Ty, d: u32) -> Option<BoxedStrategy<Ex>> {
        let mut options = Vec::new();
        for e in Ent::ALL {
            let attrs: Vec<&'static str> = e
                .attributes()
                .into_iter()
                .filter(|(_, t, optional)| t == ty && !optional)
                .map(|(a, _, _)| a)
                .collect();
            let bases: Vec<Ex> = self
                .paths
                .iter()
                .filter(|p| p.ty == Ty::Entity(e) && p.derefs < 2)
                .map(|p| Ex::leaf(p.text.clone(), &[]).guarded(&p.guards))
                .collect();
            if attrs.is_empty() || bases.is_empty() {
                continue;
            }
            let b = self.of(&Ty::Bool, d - 1);
            options.push((
                1,
                (
                    b,
                    prop::sample::select(bases.clone()),
                    prop::sample::select(bases),
                    prop::sample::select(attrs),
                )
                    .prop_map(|(b, p, q, a)| {
                        let mut e = Ex::node(
                            Kind::If,
                            &[&b, &p, &q],
                            format!("(if {} then {} else {}).{a}", b.text, p.text, q.text),
                        );
                        e.kinds |= Kind::Attr.bit();
                        e
                    })
                    .boxed(),
            ));
        }
        (!options.is_empty()).then(|| union(options))
    }

    fn bool_expr(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let mut alts: Vec<(u32, BoxedStrategy<Ex>)> = Vec::new();
        if let Some(p) = self.path_leaves(&Ty::Bool) {
            alts.push((6, p));
        }
        alts.push((
            1,
            prop::sample::select(vec!["true", "false"])
                .prop_map(|b| Ex::leaf(b, &[]))
                .boxed(),
        ));
        let has = |t: &str| {
            let kinds: &[Kind] = if t.split(" has ").nth(1).is_some_and(|a| a.contains('.')) {
                &[Kind::Has, Kind::HasPath]
            } else {
                &[Kind::Has]
            };
            Ex::leaf(format!("({t})"), kinds)
        };
        alts.push((
            3,
            prop::sample::select(
                [
                    "context has agreement",
                    "context has evaluatedUntil",
                    "resource has publishedAt",
                    "context has agreement.end",
                    "context has agreement.provider.kind",
                    "context has agreement.datasets",
                    "principal has holder",
                    "principal has holder.kind",
                    "principal.holder has kind",
                    "resource has database.manager",
                    "resource has end",
                    "context has nope",
                ]
                .map(has)
                .to_vec(),
            )
            .boxed(),
        ));
        let mut is_leaves: Vec<Ex> = [
            "principal is Lgsp::Account",
            "resource is Lgsp::Agency",
            "principal.holder is Lgsp::Agency",
            "resource is Lgsp::Dataset",
        ]
        .map(|t| Ex::leaf(format!("({t})"), &[Kind::Is]))
        .to_vec();
        for (var, ty, target) in [
            ("principal.holder", Ent::Agency, Ent::Agency),
            ("resource", Ent::Dataset, Ent::Database),
            ("resource", Ent::Dataset, Ent::Dataset),
        ] {
            for lit in self.pool.literals(target) {
                is_leaves.push(Ex::leaf(
                    format!("({var} is {} in {lit})", ty.name()),
                    &[Kind::Is, Kind::In, Kind::EntityLit],
                ));
            }
        }
        alts.push((1, prop::sample::select(is_leaves).boxed()));
        alts.push((
            1,
            prop::sample::select(
                [
                    "(action == Lgsp::Action::\"query\")",
                    "(action == Lgsp::Action::\"download\")",
                    "(action in [Lgsp::Action::\"subscribe\", Lgsp::Action::\"query\"])",
                    "(action in Lgsp::Action::\"access\")",
                ]
                .map(|t| Ex::leaf(t, &[Kind::Action]))
                .to_vec(),
            )
            .boxed(),
        ));
        if d > 0 {
            let b = self.of(&Ty::Bool, d - 1);
            alts.push((
                4,
                (b.clone(), b.clone())
                    .prop_map(|(x, y)| {
                        Ex::binary(Kind::And, &x, &y, |a, b| format!("({a} && {b})"))
                    })
                    .boxed(),
            ));
            alts.push((
                3,
                (b.clone(), b.clone())
                    .prop_map(|(x, y)| Ex::binary(Kind::Or, &x, &y, |a, b| format!("({a} || {b})")))
                    .boxed(),
            ));
            alts.push((
                2,
                b.clone()
                    .prop_map(|x| Ex::unary(Kind::Not, &x, |a| format!("(!{a})")))
                    .boxed(),
            ));
            alts.push((2, self.ite(&Ty::Bool, d)));
            alts.push((1, self.record_attr(&Ty::Bool, d)));
            alts.push((6, self.equality(d)));
            alts.push((5, self.comparison(d)));
            alts.push((4, self.membership(d)));
            alts.push((5, self.set_test(d)));
            alts.push((2, self.like(d)));
            alts.push((2, self.has_test(d)));
            alts.push((1, self.is_test(d)));
            alts.push((1, self.context_test(d)));
            if let Some(a) = self.attr_of_choice(&Ty::Bool, d) {
                alts.push((1, a));
            }
        }
        (union(alts), any::<u8>())
            .prop_map(|(e, style)| discharge(e, style))
            .boxed()
    }

    /// `x == y` and `x != y` over every type, entities of different types included.
    fn equality(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let types = [
            (3, Ty::Str, Ty::Str),
            (3, Ty::Long, Ty::Long),
            (1, Ty::Bool, Ty::Bool),
            (2, Ty::DateTime, Ty::DateTime),
            (1, Ty::Duration, Ty::Duration),
            (3, Ty::Entity(Ent::Agency), Ty::Entity(Ent::Agency)),
            (1, Ty::Entity(Ent::Dataset), Ty::Entity(Ent::Dataset)),
            (1, Ty::Entity(Ent::Database), Ty::Entity(Ent::Database)),
            (1, Ty::Entity(Ent::Account), Ty::Entity(Ent::Account)),
            (1, Ty::Entity(Ent::Agreement), Ty::Entity(Ent::Agreement)),
            (1, Ty::Entity(Ent::Agency), Ty::Entity(Ent::Dataset)),
            (1, Ty::Entity(Ent::Database), Ty::Entity(Ent::Agency)),
            (2, set_of(Ty::Str), set_of(Ty::Str)),
            (
                1,
                set_of(Ty::Entity(Ent::Dataset)),
                set_of(Ty::Entity(Ent::Dataset)),
            ),
            (
                1,
                set_of(Ty::Entity(Ent::MasterData)),
                set_of(Ty::Entity(Ent::MasterData)),
            ),
            (1, set_of(Ty::Long), set_of(Ty::Long)),
            (1, set_of(set_of(Ty::Long)), set_of(set_of(Ty::Long))),
            (1, long_and_string(), long_and_string()),
            (1, nested_record(), nested_record()),
        ];
        let mut alts = Vec::new();
        for (w, l, r) in types {
            let (x, y) = (self.of(&l, d - 1), self.of(&r, d - 1));
            alts.push((
                w,
                (x, y, any::<bool>())
                    .prop_map(|(x, y, ne)| {
                        if ne {
                            Ex::binary(Kind::Ne, &x, &y, |a, b| format!("({a} != {b})"))
                        } else {
                            Ex::binary(Kind::Eq, &x, &y, |a, b| format!("({a} == {b})"))
                        }
                    })
                    .boxed(),
            ));
        }
        union(alts)
    }

    /// `<`, `<=`, `>`, `>=` on longs, datetimes and durations.
    fn comparison(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let mut alts = Vec::new();
        for (w, t) in [(5, Ty::Long), (4, Ty::DateTime), (2, Ty::Duration)] {
            let x = self.of(&t, d - 1);
            alts.push((
                w,
                (x.clone(), x, 0u8..4)
                    .prop_map(|(x, y, op)| {
                        let (kind, op) = match op {
                            0 => (Kind::Lt, "<"),
                            1 => (Kind::Le, "<="),
                            2 => (Kind::Gt, ">"),
                            _ => (Kind::Ge, ">="),
                        };
                        Ex::binary(kind, &x, &y, |a, b| format!("({a} {op} {b})"))
                    })
                    .boxed(),
            ));
        }
        union(alts)
    }

    /// `e in f` and `e in [f, …]`, of related types and of unrelated ones.
    fn membership(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let pairs = [
            (3, Ent::Dataset, Ty::Entity(Ent::Database)),
            (2, Ent::Dataset, Ty::Entity(Ent::Dataset)),
            (2, Ent::Agency, Ty::Entity(Ent::Agency)),
            (1, Ent::Account, Ty::Entity(Ent::Agency)),
            (1, Ent::Account, Ty::Entity(Ent::Account)),
            (1, Ent::Database, Ty::Entity(Ent::Database)),
            (1, Ent::Agreement, Ty::Entity(Ent::Agreement)),
            (2, Ent::Dataset, set_of(Ty::Entity(Ent::Dataset))),
            (2, Ent::Dataset, set_of(Ty::Entity(Ent::Database))),
            (2, Ent::Agency, set_of(Ty::Entity(Ent::Agency))),
        ];
        let mut alts = Vec::new();
        for (w, l, r) in pairs {
            let (x, y) = (self.of(&Ty::EntityVar(l), d - 1), self.of(&r, d - 1));
            alts.push((
                w,
                (x, y)
                    .prop_map(|(x, y)| Ex::binary(Kind::In, &x, &y, |a, b| format!("({a} in {b})")))
                    .boxed(),
            ));
        }
        union(alts)
    }

    /// `.contains`, `.containsAll`, `.containsAny`, `.isEmpty()`.
    fn set_test(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let elements = [
            (4, Ty::Str),
            (3, Ty::Entity(Ent::Dataset)),
            (2, Ty::Entity(Ent::MasterData)),
            (2, Ty::Entity(Ent::Agency)),
            (2, Ty::Long),
            (1, Ty::DateTime),
            (1, set_of(Ty::Long)),
            (1, long_and_string()),
        ];
        let mut alts = Vec::new();
        for (w, t) in elements {
            let s = self.of(&set_of(t.clone()), d - 1);
            let x = self.of(&t, d - 1);
            alts.push((
                w * 2,
                (s.clone(), x)
                    .prop_map(|(s, x)| {
                        Ex::binary(Kind::Contains, &s, &x, |a, b| format!("{a}.contains({b})"))
                    })
                    .boxed(),
            ));
            alts.push((
                w,
                (s.clone(), s.clone(), any::<bool>())
                    .prop_map(|(s, u, all)| {
                        if all {
                            Ex::binary(Kind::ContainsAll, &s, &u, |a, b| {
                                format!("{a}.containsAll({b})")
                            })
                        } else {
                            Ex::binary(Kind::ContainsAny, &s, &u, |a, b| {
                                format!("{a}.containsAny({b})")
                            })
                        }
                    })
                    .boxed(),
            ));
            alts.push((
                1,
                s.prop_map(|s| Ex::unary(Kind::IsEmpty, &s, |a| format!("{a}.isEmpty()")))
                    .boxed(),
            ));
        }
        union(alts)
    }

    fn like(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let s = self.of(&Ty::Str, d - 1);
        (s, pattern())
            .prop_map(|(s, p)| Ex::unary(Kind::Like, &s, |a| format!("({a} like {p})")))
            .boxed()
    }

    /// `has` on record literals (nested too) and on entity expressions.
    fn has_test(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let x = self.of(&Ty::Str, d - 1);
        let y = self.of(&Ty::Long, d - 1);
        let record = (x, y, 0u8..5)
            .prop_map(|(x, y, form)| {
                let (text, path) = match form {
                    0 => (format!("{{v: {}, w: {}}} has v", x.text, y.text), false),
                    1 => (format!("{{v: {}, w: {}}} has u", x.text, y.text), false),
                    2 => (
                        format!("{{r: {{v: {}}}, w: {}}} has r.v", x.text, y.text),
                        true,
                    ),
                    3 => (
                        format!("{{r: {{v: {}}}, w: {}}} has r.w", x.text, y.text),
                        true,
                    ),
                    _ => (format!("{{w: {}}} has w", y.text), false),
                };
                let mut e = Ex::node(Kind::Has, &[&x, &y], format!("({text})"));
                e.kinds |= Kind::Record.bit() | if path { Kind::HasPath.bit() } else { 0 };
                e
            })
            .boxed();
        let mut alts = vec![(2, record)];
        for (e, attrs) in [
            (Ent::Agency, ["kind", "inProvince", "nope"]),
            (Ent::Dataset, ["publishedAt", "provider", "end"]),
            (Ent::Agreement, ["end", "start", "database"]),
        ] {
            let v = self.of(&Ty::EntityVar(e), d - 1);
            alts.push((
                1,
                (v, prop::sample::select(attrs.to_vec()))
                    .prop_map(|(v, a)| Ex::unary(Kind::Has, &v, |t| format!("({t} has {a})")))
                    .boxed(),
            ));
        }
        union(alts)
    }

    /// The context as a record value (put in a record; strict validation refuses to
    /// compare it with a literal, whose type lacks its optional attributes), and entities
    /// compared with literals of types no path has (a violation, an action).
    fn context_test(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let s = self.of(&Ty::Str, d - 1);
        let agency = self.of(&Ty::EntityVar(Ent::Agency), d - 1);
        (s, agency, 0u8..4)
            .prop_map(|(s, agency, form)| {
                let text = match form {
                    0 => "({c: context, w: 1}.c has agreement)".to_owned(),
                    1 => format!(
                        "({{c: context, w: {}}} == {{w: {}, c: context}})",
                        s.text, s.text
                    ),
                    2 => format!("({} == Lgsp::Violation::\"vp.2024.001\")", agency.text),
                    _ => format!("({} != Lgsp::Action::\"query\")", agency.text),
                };
                Ex::node(Kind::Record, &[&s, &agency], text)
            })
            .boxed()
    }

    fn is_test(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let mut alts = Vec::new();
        for e in [Ent::Agency, Ent::Dataset, Ent::Database] {
            let x = self.of(&Ty::Entity(e), d - 1);
            alts.push((
                1,
                (x, prop::sample::select(Ent::ALL.to_vec()))
                    .prop_map(|(x, t)| {
                        Ex::unary(Kind::Is, &x, |a| format!("({a} is {})", t.name()))
                    })
                    .boxed(),
            ));
        }
        union(alts)
    }

    fn long_expr(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let mut alts = vec![(3, long_lit())];
        if d > 0 {
            let x = self.of(&Ty::Long, d - 1);
            // A long known at run time only: `(if b then 1 else 9223372036854775807)`.
            let run_time = self.ite(&Ty::Long, 1);
            for (kind, op) in [(Kind::Add, "+"), (Kind::Sub, "-"), (Kind::Mul, "*")] {
                alts.push((
                    3,
                    (x.clone(), run_time.clone(), any::<bool>())
                        .prop_map(move |(a, b, swap)| {
                            let (a, b) = if swap { (b, a) } else { (a, b) };
                            Ex::binary(kind, &a, &b, |a, b| format!("({a} {op} {b})"))
                        })
                        .boxed(),
                ));
            }
            alts.push((
                2,
                prop_oneof![x, run_time]
                    .prop_map(|a| Ex::unary(Kind::Neg, &a, |t| format!("(-{t})")))
                    .boxed(),
            ));
            alts.push((4, self.ite(&Ty::Long, d)));
            alts.push((1, self.record_attr(&Ty::Long, d)));
            let dur = self.of(&Ty::Duration, d - 1);
            alts.push((
                1,
                (
                    dur,
                    prop::sample::select(vec![
                        "toDays",
                        "toHours",
                        "toMinutes",
                        "toSeconds",
                        "toMilliseconds",
                    ]),
                )
                    .prop_map(|(x, m)| Ex::unary(Kind::ExtMethod, &x, |t| format!("{t}.{m}()")))
                    .boxed(),
            ));
        }
        union(alts)
    }

    fn string_expr(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let mut alts = vec![(2, string_lit())];
        if let Some(p) = self.path_leaves(&Ty::Str) {
            alts.push((4, p));
        }
        if d > 0 {
            alts.push((2, self.ite(&Ty::Str, d)));
            alts.push((1, self.record_attr(&Ty::Str, d)));
            if let Some(a) = self.attr_of_choice(&Ty::Str, d) {
                alts.push((2, a));
            }
        }
        union(alts)
    }

    fn datetime_expr(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let mut alts = vec![(3, datetime_lit())];
        if let Some(p) = self.path_leaves(&Ty::DateTime) {
            alts.push((4, p));
        }
        if d > 0 {
            alts.push((2, self.ite(&Ty::DateTime, d)));
            alts.push((1, self.record_attr(&Ty::DateTime, d)));
            let x = self.run_time_datetime(d);
            let dur = self.of(&Ty::Duration, d - 1);
            alts.push((
                2,
                (x.clone(), dur)
                    .prop_map(|(x, y)| {
                        Ex::binary(Kind::ExtMethod, &x, &y, |a, b| format!("{a}.offset({b})"))
                    })
                    .boxed(),
            ));
            alts.push((
                1,
                x.prop_map(|x| Ex::unary(Kind::ExtMethod, &x, |a| format!("{a}.toDate()")))
                    .boxed(),
            ));
        }
        union(alts)
    }

    /// A datetime, most often one known at run time only (a path): the receiver of the
    /// extension methods, which Cedar's evaluator answers.
    fn run_time_datetime(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let x = self.of(&Ty::DateTime, d - 1);
        match self.path_leaves(&Ty::DateTime) {
            Some(p) => union(vec![(1, x), (2, p)]),
            None => x,
        }
    }

    fn duration_expr(&mut self, d: u32) -> BoxedStrategy<Ex> {
        let mut alts = vec![(3, duration_lit())];
        if d > 0 {
            alts.push((2, self.ite(&Ty::Duration, d)));
            alts.push((1, self.record_attr(&Ty::Duration, d)));
            let x = self.run_time_datetime(d);
            let y = self.of(&Ty::DateTime, d - 1);
            alts.push((
                2,
                (x.clone(), y, any::<bool>())
                    .prop_map(|(x, y, swap)| {
                        let (x, y) = if swap { (y, x) } else { (x, y) };
                        Ex::binary(Kind::ExtMethod, &x, &y, |a, b| {
                            format!("{a}.durationSince({b})")
                        })
                    })
                    .boxed(),
            ));
            alts.push((
                1,
                x.prop_map(|x| Ex::unary(Kind::ExtMethod, &x, |a| format!("{a}.toTime()")))
                    .boxed(),
            ));
        }
        union(alts)
    }

    /// Entities of type `e`: paths, literals of the world's ids (unless `literals` is
    /// false: what strict validation lets be dereferenced), choices between them.
    fn entity_expr(&mut self, e: Ent, d: u32, literals: bool) -> BoxedStrategy<Ex> {
        let mut alts = Vec::new();
        let ty = if literals {
            Ty::Entity(e)
        } else {
            Ty::EntityVar(e)
        };
        if let Some(p) = self.path_leaves(&ty) {
            alts.push((4, p));
        }
        if literals {
            let lits: Vec<Ex> = self
                .pool
                .literals(e)
                .into_iter()
                .map(|l| Ex::leaf(l, &[Kind::EntityLit]))
                .collect();
            alts.push((2, prop::sample::select(lits).boxed()));
        }
        if d > 0 && !alts.is_empty() {
            alts.push((1, self.ite(&ty, d)));
            if literals {
                alts.push((1, self.record_attr(&ty, d)));
            }
        }
        if alts.is_empty() {
            // Master data: only literals name it.
            return self.entity_expr(e, d, true);
        }
        union(alts)
    }

    /// Sets of `t`: paths (`context.agreement.purposes`, `resource.database.masterData`),
    /// literals of one to three members, choices between them.
    fn set_expr(&mut self, t: &Ty, d: u32) -> BoxedStrategy<Ex> {
        let mut alts = Vec::new();
        if let Some(p) = self.path_leaves(&set_of(t.clone())) {
            alts.push((3, p));
        }
        let member = self.of(t, d.saturating_sub(1));
        alts.push((
            3,
            prop::collection::vec(member, 1..=3)
                .prop_map(|members| {
                    let parts: Vec<&Ex> = members.iter().collect();
                    let texts: Vec<&str> = members.iter().map(|m| m.text.as_str()).collect();
                    Ex::node(Kind::Set, &parts, format!("[{}]", texts.join(", ")))
                })
                .boxed(),
        ));
        if d > 0 {
            alts.push((1, self.ite(&set_of(t.clone()), d)));
        }
        union(alts)
    }

    /// A record literal with the fields of `fields` (in either order).
    fn record_expr(&mut self, fields: &[(&'static str, Ty)], d: u32) -> BoxedStrategy<Ex> {
        let parts: Vec<BoxedStrategy<(&'static str, Ex)>> = fields
            .iter()
            .map(|(name, t)| {
                let name = *name;
                self.of(t, d.saturating_sub(1))
                    .prop_map(move |e| (name, e))
                    .boxed()
            })
            .collect();
        (parts, any::<bool>())
            .prop_map(|(mut parts, reverse)| {
                if reverse {
                    parts.reverse();
                }
                let texts: Vec<String> = parts
                    .iter()
                    .map(|(k, e)| format!("{k}: {}", e.text))
                    .collect();
                let exs: Vec<&Ex> = parts.iter().map(|(_, e)| e).collect();
                Ex::node(Kind::Record, &exs, format!("{{{}}}", texts.join(", ")))
            })
            .boxed()
    }

    /// A policy: its effect, scope and conditions.
    fn policy(&mut self) -> BoxedStrategy<GenPolicy> {
        let conditions = Union::new_weighted(vec![
            (1, self.of(&Ty::Bool, 1)),
            (3, self.of(&Ty::Bool, 2)),
            (3, self.of(&Ty::Bool, 3)),
        ]);
        let unless = self.of(&Ty::Bool, 2);
        let accounts = self.pool.literals(Ent::Account);
        let databases = self.pool.literals(Ent::Database);
        let datasets = self.pool.literals(Ent::Dataset);
        let principal = prop_oneof![
            8 => Just("principal".to_owned()),
            1 => Just("principal is Lgsp::Account".to_owned()),
            1 => prop::sample::select(accounts.clone()).prop_map(|a| format!("principal == {a}")),
            1 => prop::sample::select(accounts).prop_map(|a| format!("principal in {a}")),
        ];
        let action = prop::sample::select(vec![
            "action in Lgsp::Action::\"access\"",
            "action in Lgsp::Action::\"access\"",
            "action in Lgsp::Action::\"access\"",
            "action in Lgsp::Action::\"access\"",
            "action == Lgsp::Action::\"query\"",
            "action == Lgsp::Action::\"download\"",
            "action == Lgsp::Action::\"subscribe\"",
            "action in [Lgsp::Action::\"query\", Lgsp::Action::\"subscribe\"]",
            // Every action, lifecycle and catalog ones too (see `GenPolicy::text`).
            "action",
        ]);
        let resource = prop_oneof![
            8 => Just("resource".to_owned()),
            1 => Just("resource is Lgsp::Dataset".to_owned()),
            1 => prop::sample::select(databases.clone()).prop_map(|d| format!("resource in {d}")),
            1 => prop::sample::select(databases)
                .prop_map(|d| format!("resource is Lgsp::Dataset in {d}")),
            1 => prop::sample::select(datasets).prop_map(|d| format!("resource == {d}")),
        ];
        (
            any::<bool>(),
            principal,
            action,
            resource,
            prop::collection::vec(conditions, 1..=2),
            prop::option::weighted(0.3, unless),
        )
            .prop_map(
                |(permit, principal, action, resource, when, unless)| GenPolicy {
                    permit,
                    scope: format!("{principal}, {action}, {resource}"),
                    when,
                    unless,
                },
            )
            .boxed()
    }
}

/// `{n: Long, s: String}`.
fn long_and_string() -> Ty {
    Ty::Record(vec![("n", Ty::Long), ("s", Ty::Str)])
}

/// `{t: datetime, r: {e: Agency, s: Set<String>}}`.
fn nested_record() -> Ty {
    Ty::Record(vec![
        ("t", Ty::DateTime),
        (
            "r",
            Ty::Record(vec![("e", Ty::Entity(Ent::Agency)), ("s", set_of(Ty::Str))]),
        ),
    ])
}

/// A generated policy.
#[derive(Debug, Clone)]
struct GenPolicy {
    permit: bool,
    scope: String,
    when: Vec<Ex>,
    unless: Option<Ex>,
}

impl GenPolicy {
    fn id(i: usize) -> String {
        format!("access.gen-{i}")
    }

    /// Its text, with the annotations a pack requires.
    fn text(&self, i: usize) -> String {
        let mut out = format!(
            "@id(\"{}\")\n@clause(\"QD05/2024 Đ17.1\")\n@reason(\"gen_{i}\")\n\
             @vi(\"Chính sách sinh tự động số {i}.\")\n@en(\"Generated policy {i}.\")\n\
             {} ({})\n",
            GenPolicy::id(i),
            if self.permit { "permit" } else { "forbid" },
            self.scope
        );
        if self.scope.contains(", action,") {
            // The other actions' principals are agencies: strict validation types the
            // rest of the condition for the access actions only.
            out.push_str("when { principal is Lgsp::Account }\n");
        }
        for w in &self.when {
            let _ = writeln!(out, "when {{ {} }}", w.text);
        }
        if let Some(u) = &self.unless {
            let _ = writeln!(out, "unless {{ {} }}", u.text);
        }
        out.push_str(";\n");
        out
    }

    fn kinds(&self) -> u64 {
        self.when
            .iter()
            .chain(&self.unless)
            .fold(0, |k, e| k | e.kinds)
    }
}

// ---------------------------------------------------------------------------- cases

/// A world, generated policies whose literals name its records, and requests on it.
#[derive(Clone)]
struct Case {
    world: World,
    policies: Vec<GenPolicy>,
    requests: Vec<AccessRequest>,
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.policies.iter().enumerate() {
            writeln!(f, "{}", p.text(i))?;
        }
        for r in &self.requests {
            writeln!(
                f,
                "request: {}",
                serde_json::to_string(r).unwrap_or_default()
            )?;
        }
        Ok(())
    }
}

/// Instants from the pack's entry into force to the end of 2026, in three offsets.
fn instant() -> impl Strategy<Value = DateTime<FixedOffset>> {
    // 2024-03-05T00:00:00+07:00 and 2027-01-01T00:00:00Z, in milliseconds.
    (1_709_571_600_000i64..1_798_761_600_000, 0u8..3).prop_map(|(ms, o)| {
        let offset = match o {
            0 => FixedOffset::east_opt(7 * 3600),
            1 => FixedOffset::east_opt(0),
            _ => FixedOffset::west_opt(5 * 3600 + 30 * 60),
        }
        .unwrap();
        DateTime::from_timestamp_millis(ms)
            .unwrap()
            .with_timezone(&offset)
    })
}

fn cases() -> impl Strategy<Value = Case> {
    prop_oneof![2 => Just(support::world()), 3 => world(WorldSize::SMALL)].prop_flat_map(|w| {
        let mut generator = Gen::new(Pool::of(&w));
        let policies = prop::collection::vec(generator.policy(), 1..=MAX_POLICIES);
        let request = (
            known_requests_for(&w),
            prop::option::weighted(0.4, instant()),
        )
            .prop_map(|(mut r, at)| {
                if let Some(at) = at {
                    r.at = at;
                }
                r
            });
        let requests = prop::collection::vec(request, REQUESTS);
        (Just(w), policies, requests).prop_map(|(world, policies, requests)| Case {
            world,
            policies,
            requests,
        })
    })
}

// ---------------------------------------------------------------------------- Cedar

/// The node kinds of a residual, read from Cedar's JSON form of it (`None` if the
/// residual does not parse as a Cedar expression).
fn residual_ops(residual: &str) -> Option<Vec<String>> {
    let policy = Policy::parse(
        None,
        format!("permit (principal, action, resource) when {{ {residual} }};"),
    )
    .ok()?;
    let json = policy.to_json().ok()?;
    let mut out = Vec::new();
    est_ops(json.get("conditions")?.get(0)?.get("body")?, &mut out);
    if residual.contains(" has ") && has_path(residual) {
        out.push("has a.b".to_owned());
    }
    Some(out)
}

/// Whether a text holds `has a.b` (an attribute path after `has`).
fn has_path(text: &str) -> bool {
    text.split(" has ").skip(1).any(|rest| {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .collect();
        word.contains('.')
    })
}

fn est_ops(e: &Value, out: &mut Vec<String>) {
    let Some(obj) = e.as_object() else { return };
    for (k, v) in obj {
        match k.as_str() {
            "Value" => {
                if v.get("__entity").is_some() {
                    out.push("entity literal".to_owned());
                }
            }
            "Var" | "Slot" | "Unknown" => {}
            "Record" => {
                out.push(k.clone());
                v.as_object()
                    .into_iter()
                    .flat_map(|m| m.values())
                    .for_each(|x| est_ops(x, out));
            }
            "like" => {
                out.push(k.clone());
                v.get("left").into_iter().for_each(|x| est_ops(x, out));
            }
            _ => {
                out.push(k.clone());
                match v {
                    Value::Array(items) => items.iter().for_each(|x| est_ops(x, out)),
                    Value::Object(m) => m.values().for_each(|x| est_ops(x, out)),
                    _ => {}
                }
            }
        }
    }
}

/// The residual node kinds every run must have planned and evaluated.
const PLANNED_OPS: [&str; 24] = [
    "&&",
    "||",
    "!",
    "if-then-else",
    "==",
    "<",
    "<=",
    "+",
    "-",
    "*",
    "neg",
    "in",
    "contains",
    "containsAll",
    "containsAny",
    "isEmpty",
    "has",
    "has a.b",
    "like",
    "is",
    ".",
    "Record",
    "Set",
    "entity literal",
];

/// Cedar's side: the schema, and the parsing of exported requests.
struct Cedar {
    schema: Schema,
}

impl Cedar {
    fn new() -> Cedar {
        Cedar {
            schema: Schema::from_cedarschema_str(cedar_schema_text())
                .expect("the model schema parses")
                .0,
        }
    }

    fn parse(&self, request: &Value, entities: &Value) -> Result<(Request, Entities), String> {
        support::parse_cedar_request(Some(&self.schema), request, entities)
    }
}

/// Cedar's answer: allowed, the determining policies, the erring policies and Cedar's
/// messages for them.
fn authorize(set: &PolicySet, request: &Request, entities: &Entities) -> Answer {
    let response = Authorizer::new().is_authorized(request, set, entities);
    let reason = response
        .diagnostics()
        .reason()
        .map(ToString::to_string)
        .collect();
    let errors = response
        .diagnostics()
        .errors()
        .map(|e| match e {
            AuthorizationError::PolicyEvaluationError(e) => e.policy_id().to_string(),
        })
        .collect();
    let messages = response
        .diagnostics()
        .errors()
        .map(ToString::to_string)
        .collect();
    (
        response.decision() == CedarDecision::Allow,
        reason,
        errors,
        messages,
    )
}

/// See [`authorize`].
type Answer = (bool, BTreeSet<String>, BTreeSet<String>, BTreeSet<String>);

// ---------------------------------------------------------------------------- the check

/// What the run saw, for the coverage assertions and the report.
#[derive(Debug, Default)]
struct Tally {
    packs: u64,
    packs_whole: u64,
    generated: u64,
    rejected: u64,
    rejections: BTreeMap<String, u64>,
    generated_kinds: BTreeMap<Kind, u64>,
    planned: u64,
    by_cedar: u64,
    dropped: u64,
    planned_ops: BTreeMap<String, u64>,
    evaluated_ops: BTreeMap<String, u64>,
    unparsed_residuals: Vec<String>,
    requests: u64,
    evaluated: u64,
    held: u64,
    not_held: u64,
    plan_errors: u64,
    cedar_errors: u64,
    /// Requests of a slice whose residual of a generated policy is `false`.
    dropped_asked: u64,
    /// Generated policies Cedar's evaluator answered for a request, without error.
    cedar_answered: u64,
    errored_requests: u64,
    allows: u64,
}

/// The pack of a case: the built-in one with the generated policies that strict
/// validation accepts (rejected ones are left out, and counted).
fn pack_of(policies: &[GenPolicy], tally: &mut Tally) -> Result<(RulePack, Vec<usize>), String> {
    let (manifest, files) = RulePack::builtin_sources();
    let mut kept: Vec<usize> = (0..policies.len()).collect();
    for attempt in 0..3 {
        let text: String = kept.iter().map(|&i| policies[i].text(i)).collect();
        match RulePack::from_sources(manifest, support::with_access_appended(files, &text)) {
            Ok(pack) => {
                if attempt == 0 {
                    tally.packs_whole += 1;
                }
                return Ok((pack, kept));
            }
            Err(e) => {
                let mut rejected = BTreeSet::new();
                for d in e.diagnostics() {
                    let i = d
                        .policy
                        .as_deref()
                        .and_then(|p| p.strip_prefix("access.gen-"))
                        .and_then(|n| n.parse::<usize>().ok())
                        .filter(|i| kept.contains(i));
                    let Some(i) = i else {
                        return Err(format!("a problem outside the generated policies: {d:?}"));
                    };
                    if rejected.insert(i) && std::env::var_os("LGSP_PLAN_VERBOSE").is_some() {
                        eprintln!("rejected: {}\n{}", d.message, policies[i].text(i));
                    }
                    let head: String = d
                        .message
                        .replace("access.gen-", "")
                        .chars()
                        .filter(|c| !c.is_ascii_digit())
                        .take(90)
                        .collect();
                    *tally.rejections.entry(head).or_default() += 1;
                }
                if rejected.is_empty() {
                    return Err(format!("the pack fails without a diagnostic: {e}"));
                }
                tally.rejected += rejected.len() as u64;
                kept.retain(|i| !rejected.contains(i));
            }
        }
    }
    Err("the pack still fails after leaving out every policy it rejected".into())
}

/// Counts how the engine plans the generated policies for each access action
/// (`RulePack::plans`): by a plan, by Cedar's evaluator, or not at all (residual `false`),
/// and the node kinds of the residuals a plan evaluates.
fn plans_of(pack: &RulePack, ops: &mut Ops, tally: &mut Tally) {
    for action in ["query", "download", "subscribe"] {
        for plan in pack.plans(action) {
            if !plan.policy.as_str().starts_with("access.gen-") {
                continue;
            }
            match (&plan.by_cedar, plan.residual.as_str()) {
                (Some(_), _) => tally.by_cedar += 1,
                (None, "false") => tally.dropped += 1,
                (None, residual) => {
                    tally.planned += 1;
                    for op in ops.of(residual, tally) {
                        *tally.planned_ops.entry(op.clone()).or_default() += 1;
                    }
                }
            }
        }
    }
}

/// The node kinds of residuals, each parsed once.
#[derive(Default)]
struct Ops(HashMap<String, Vec<String>>);

impl Ops {
    /// The node kinds of `residual`; none, and the residual noted, if it is not Cedar.
    fn of(&mut self, residual: &str, tally: &mut Tally) -> &[String] {
        self.0.entry(residual.to_owned()).or_insert_with(|| {
            residual_ops(residual).unwrap_or_else(|| {
                tally.unparsed_residuals.push(residual.to_owned());
                Vec::new()
            })
        })
    }
}

fn replay(world: &World, request: &AccessRequest) -> String {
    format!(
        "request: {}\nworld: {}",
        serde_json::to_string(request).unwrap_or_default(),
        serde_json::to_string(world).unwrap_or_default()
    )
}

fn check(cedar: &Cedar, case: &Case, tally: &Mutex<Tally>) -> Result<(), TestCaseError> {
    let mut local = Tally::default();
    let (pack, kept) = pack_of(&case.policies, &mut local).map_err(TestCaseError::fail)?;
    local.packs += 1;
    local.generated += case.policies.len() as u64;
    for &i in &kept {
        let kinds = case.policies[i].kinds();
        for k in Kind::ALL {
            if kinds & k.bit() != 0 {
                *local.generated_kinds.entry(k).or_default() += 1;
            }
        }
    }
    let mut ops = Ops::default();
    plans_of(&pack, &mut ops, &mut local);
    let policies_json =
        cedar_policies_json(&pack).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let all = PolicySet::from_json_value(policies_json)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut permits = PolicySet::new();
    for p in all.policies().filter(|p| p.effect() == Effect::Permit) {
        permits
            .add(p.clone())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
    let engine = Engine::new(pack);
    let world = &case.world;
    for request in &case.requests {
        local.requests += 1;
        let why = || {
            let policies: String = kept.iter().map(|&i| case.policies[i].text(i)).collect();
            format!("{policies}\n{}", replay(world, request))
        };
        // 1. The engine's self-report.
        let decision = engine.decide(world, request);
        let trace = engine
            .tracer()
            .trace(world, &Question::Access(request.clone()));
        prop_assert!(
            trace.plan_disagreements.is_empty(),
            "trace: plans disagree with Cedar on {:?}\n{}",
            trace.plan_disagreements,
            why()
        );
        prop_assert_eq!(
            &trace.decision,
            &decision,
            "trace and decide differ\n{}",
            why()
        );
        let explanation = engine.explain(world, request);
        prop_assert!(
            explanation.plan_disagreements.is_empty(),
            "explain: plans disagree with Cedar on {:?}\n{}",
            explanation.plan_disagreements,
            why()
        );
        prop_assert_eq!(
            &explanation.decision,
            &decision,
            "explain and decide differ\n{}",
            why()
        );
        prop_assert_eq!(&explanation.satisfied, &trace.satisfied, "{}", why());
        if !explanation.evaluated {
            continue;
        }
        local.evaluated += 1;

        // 2. Cedar's authoriser on the request and entities the engine used.
        let exported = cedar_request(&engine, world, request)
            .map_err(|e| TestCaseError::fail(format!("export: {e}\n{}", why())))?;
        let (cedar_request, entities) = cedar
            .parse(&exported.request, &exported.entities)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", why())))?;
        let (allowed, reason, errors, error_messages) = authorize(&all, &cedar_request, &entities);
        let (_, held_permits, _, _) = authorize(&permits, &cedar_request, &entities);
        let mut satisfied: BTreeSet<String> = held_permits;
        if !allowed {
            satisfied.extend(reason.iter().cloned());
        }
        let ours: BTreeSet<String> = explanation
            .satisfied
            .iter()
            .map(ToString::to_string)
            .collect();
        prop_assert_eq!(&ours, &satisfied, "the policies that held\n{}", why());
        let errored: BTreeSet<String> = explanation
            .errored
            .iter()
            .map(ToString::to_string)
            .collect();
        prop_assert_eq!(&errored, &errors, "the policies that erred\n{}", why());
        // The export states Cedar's answer as the engine received it.
        let exported_reason: BTreeSet<String> = exported.reason.iter().cloned().collect();
        prop_assert_eq!(exported.decision == Outcome::Allow, allowed, "{}", why());
        prop_assert_eq!(&exported_reason, &reason, "{}", why());
        prop_assert_eq!(exported.num_errors, errors.len(), "{}", why());
        let cited: BTreeSet<String> = decision
            .reasons
            .iter()
            .filter(|r| matches!(r.kind, ReasonKind::Permit | ReasonKind::Forbid))
            .filter_map(|r| r.policy.as_ref().map(ToString::to_string))
            .collect();
        if errors.is_empty() {
            prop_assert_eq!(decision.outcome == Outcome::Allow, allowed, "{}", why());
            prop_assert_eq!(&cited, &reason, "the determining policies\n{}", why());
            prop_assert!(
                reason.is_empty()
                    || !decision
                        .reasons
                        .iter()
                        .any(|r| r.kind == ReasonKind::NothingPermitted),
                "{}",
                why()
            );
        } else {
            // Fail closed: a deny that carries every error.
            prop_assert_eq!(decision.outcome, Outcome::Deny, "{}", why());
            let carried: BTreeSet<String> = decision
                .reasons
                .iter()
                .filter(|r| r.kind == ReasonKind::EvaluationError && r.code == "evaluation_error")
                .filter_map(|r| r.policy.as_ref().map(ToString::to_string))
                .collect();
            prop_assert_eq!(&carried, &errors, "the errors a deny carries\n{}", why());
            // With Cedar's messages.
            let messages: BTreeSet<String> = decision
                .reasons
                .iter()
                .filter(|r| r.kind == ReasonKind::EvaluationError)
                .filter_map(|r| r.detail.clone())
                .collect();
            prop_assert_eq!(
                &messages,
                &error_messages,
                "the errors' messages\n{}",
                why()
            );
            if !allowed {
                prop_assert_eq!(&cited, &reason, "the forbids beside the errors\n{}", why());
            }
        }

        // Coverage, over the slice the request was asked of (its action, the class of
        // its data, its channel: `Explanation::plans`).
        local.allows += u64::from(decision.outcome == Outcome::Allow);
        local.errored_requests += u64::from(!errors.is_empty());
        for plan in &explanation.plans {
            let id = plan.policy.to_string();
            if !id.starts_with("access.gen-") {
                continue;
            }
            if plan.residual == "false" {
                local.dropped_asked += 1;
                continue;
            }
            let by_plan = plan.by_cedar.is_none();
            if errors.contains(&id) {
                if by_plan {
                    local.plan_errors += 1;
                } else {
                    local.cedar_errors += 1;
                }
                continue;
            }
            if satisfied.contains(&id) {
                local.held += 1;
            } else {
                local.not_held += 1;
            }
            if by_plan {
                for op in ops.of(&plan.residual, &mut local).to_vec() {
                    *local.evaluated_ops.entry(op).or_default() += 1;
                }
            } else {
                local.cedar_answered += 1;
            }
        }
    }
    let mut t = tally.lock().unwrap();
    t.merge(local);
    Ok(())
}

impl Tally {
    fn merge(&mut self, o: Tally) {
        self.packs += o.packs;
        self.packs_whole += o.packs_whole;
        self.generated += o.generated;
        self.rejected += o.rejected;
        for (k, n) in o.rejections {
            *self.rejections.entry(k).or_default() += n;
        }
        for (k, n) in o.generated_kinds {
            *self.generated_kinds.entry(k).or_default() += n;
        }
        self.planned += o.planned;
        self.by_cedar += o.by_cedar;
        self.dropped += o.dropped;
        for (k, n) in o.planned_ops {
            *self.planned_ops.entry(k).or_default() += n;
        }
        for (k, n) in o.evaluated_ops {
            *self.evaluated_ops.entry(k).or_default() += n;
        }
        self.unparsed_residuals.extend(o.unparsed_residuals);
        self.requests += o.requests;
        self.evaluated += o.evaluated;
        self.held += o.held;
        self.not_held += o.not_held;
        self.plan_errors += o.plan_errors;
        self.cedar_errors += o.cedar_errors;
        self.dropped_asked += o.dropped_asked;
        self.cedar_answered += o.cedar_answered;
        self.errored_requests += o.errored_requests;
        self.allows += o.allows;
    }
}

/// Plans answer as Cedar's evaluator and Cedar's authoriser on generated policies.
#[test]
fn plans_answer_as_cedar_on_generated_policies() {
    let wanted = packs_wanted();
    let cedar = Cedar::new();
    let tally = Mutex::new(Tally::default());
    let started = std::time::Instant::now();
    let mut runner = TestRunner::new(Config {
        cases: wanted,
        failure_persistence: None,
        max_shrink_iters: 1_024,
        ..Config::default()
    });
    let result = runner.run(&cases(), |case| check(&cedar, &case, &tally));
    if let Err(e) = result {
        match e {
            TestError::Fail(why, case) => {
                panic!("plans disagree with Cedar: {why}\nminimal case:\n{case:?}")
            }
            TestError::Abort(why) => panic!("aborted: {why}"),
        }
    }
    let t = tally.into_inner().unwrap();
    println!(
        "plans: {} packs ({} whole) in {:.1?}; {} generated policies, {} rejected; \
         per action {} planned, {} by Cedar, {} dropped (residual false)",
        t.packs,
        t.packs_whole,
        started.elapsed(),
        t.generated,
        t.rejected,
        t.planned,
        t.by_cedar,
        t.dropped
    );
    println!(
        "  {} requests, {} evaluated, {} allowed; generated policies held {} times, did \
         not hold {} times; {} plan stops on errors Cedar reported, {} errors of policies \
         left to Cedar, {} requests with errors; {} answers by Cedar's evaluator; {} \
         residuals `false` in the slice asked",
        t.requests,
        t.evaluated,
        t.allows,
        t.held,
        t.not_held,
        t.plan_errors,
        t.cedar_errors,
        t.errored_requests,
        t.cedar_answered,
        t.dropped_asked
    );
    for (m, n) in &t.rejections {
        println!("  rejected {n:>5}: {m}");
    }
    for k in Kind::ALL {
        println!(
            "  generated {:<12} {:>6}",
            format!("{k:?}"),
            t.generated_kinds.get(&k).copied().unwrap_or(0)
        );
    }
    for (op, n) in &t.planned_ops {
        println!(
            "  planned {op:<16} {n:>6}   evaluated {:>7}",
            t.evaluated_ops.get(op).copied().unwrap_or(0)
        );
    }
    assert!(
        t.unparsed_residuals.is_empty(),
        "residuals that are not Cedar text: {:?}",
        t.unparsed_residuals
    );
    // The generator has not degraded into nothing.
    assert!(
        t.rejected * 10 <= t.generated,
        "strict validation rejected {} of {} generated policies",
        t.rejected,
        t.generated
    );
    assert!(
        t.packs_whole * 10 >= t.packs * 7,
        "only {} of {} packs loaded whole",
        t.packs_whole,
        t.packs
    );
    // Each bound is a third or less of what a run reaches on average (a 2,000-pack
    // run: the rarest kind, unary minus, generated in 0.15 policy per pack, planned in
    // 0.16 residual and evaluated 0.55 times; 0.7 plan stop on an error and 0.6 policy
    // left to Cedar per pack).
    let scale = t.packs;
    for k in Kind::ALL {
        let n = t.generated_kinds.get(&k).copied().unwrap_or(0);
        assert!(n >= scale / 20, "{k:?} generated only {n} times");
    }
    for op in PLANNED_OPS {
        let planned = t.planned_ops.get(op).copied().unwrap_or(0);
        let evaluated = t.evaluated_ops.get(op).copied().unwrap_or(0);
        assert!(planned >= scale / 20, "`{op}` planned only {planned} times");
        assert!(
            evaluated >= scale / 10,
            "`{op}` evaluated by plans only {evaluated} times"
        );
    }
    assert!(
        t.held >= scale && t.not_held >= scale,
        "held {}, not {}",
        t.held,
        t.not_held
    );
    assert!(
        t.plan_errors >= scale / 10,
        "plans stopped on errors {} times",
        t.plan_errors
    );
    assert!(
        t.by_cedar >= scale / 10,
        "{} policies left to Cedar",
        t.by_cedar
    );
    assert!(
        t.cedar_answered >= scale / 10,
        "Cedar's evaluator answered {} times",
        t.cedar_answered
    );
    assert!(
        t.dropped_asked >= scale / 10,
        "{} residuals `false` in the slices asked",
        t.dropped_asked
    );
    assert!(
        t.allows > 0 && t.allows < t.evaluated,
        "allowed {} of {}",
        t.allows,
        t.evaluated
    );
}

/// Constructs where a plan and Cedar could part, written out: overflows on both sides of
/// i64, nested `has`, `in` through a dataset's database, sets with repeated members,
/// records in any field order, sets of records and of sets, Unicode patterns, entity
/// literals of types no path has, the context inside a record, and extension methods on
/// run-time values (Cedar's). Every account asks for every dataset of the shipped province,
/// at two instants, authenticated or not.
#[test]
fn written_out_edges_answer_as_cedar() {
    let bodies = [
        "9223372036854775807 + (if context.authenticated then 1 else 0) > 0",
        "-(if context.authenticated then -9223372036854775808 else 1) < 0",
        "(if principal.holder.inProvince then 4611686018427387904 else 1) * 2 > 0",
        "(if resource.personalData then -9223372036854775807 else 0) - 2 < 0",
        "context has agreement.end && context.agreement.end < context.now",
        "context has agreement && context.agreement has end && context.now >= context.agreement.end",
        "context has agreement.provider.kind && context.agreement.provider.kind like \"*state*\"",
        "resource in resource.database",
        "resource in [resource.database, Lgsp::Database::\"csdl-dan-cu\"]",
        "resource is Lgsp::Dataset in Lgsp::Database::\"csdl-dkdn\"",
        "context has agreement && resource in context.agreement.datasets",
        "context has agreement && context.agreement.purposes == [context.purpose, context.purpose]",
        "context has agreement && context.agreement.datasets.containsAll([resource, resource])",
        "context has agreement && context.agreement.methods.containsAny([\"package\", context.channel])",
        "resource.database.masterData.containsAny([Lgsp::MasterData::\"md.cong-dan\"])",
        "resource.database.masterData == [Lgsp::MasterData::\"md.cong-dan\", Lgsp::MasterData::\"md.cong-dan\"]",
        "{a: {b: context.purpose}} has a.b && {a: {b: context.purpose}}.a.b == \"administrative-procedures\"",
        "[{n: 1, s: context.channel}].contains({s: \"lgsp\", n: 1})",
        "{n: (if context.authenticated then 1 else 2), s: \"x\"} == {s: \"x\", n: 1}",
        "[[principal.holder]].contains([principal.holder, principal.holder])",
        "[principal.holder, resource.provider] == [resource.provider]",
        "principal.holder == resource.provider",
        "principal.holder != resource.database",
        "principal.holder == Lgsp::Violation::\"vp.2024.001\"",
        "(if context.authenticated then principal.holder else resource.provider).kind == \"citizen\"",
        "(if context.authenticated then \"ủy ban\" else context.purpose) like \"*ủy*\"",
        "principal.authentication like \"*\\**\"",
        "{c: context, w: 1}.c has agreement",
        "{c: context, w: principal.holder} == {w: resource.provider, c: context}",
        "[datetime(\"2024-06-03\"), context.now].contains(datetime(\"2024-06-03T00:00:00+0000\"))",
        "context.now >= datetime(\"2024-06-03T09:30:00+0700\")",
        "resource has publishedAt && resource.publishedAt < datetime(\"2024-03-01\")",
        "context.now.offset(duration(\"9223372036854775807ms\")) > context.now",
        "context.now.durationSince(datetime(\"2024-01-01\")).toDays() > 150",
        "context has evaluatedUntil && context.evaluatedUntil.toDate() == context.now.toDate()",
    ];
    let world = support::world();
    let policies: Vec<GenPolicy> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| GenPolicy {
            permit: i % 2 == 0,
            scope: "principal, action in Lgsp::Action::\"access\", resource".to_owned(),
            when: vec![Ex::leaf(*body, &[])],
            unless: None,
        })
        .collect();
    let data = world.to_data();
    let mut requests = Vec::new();
    for (n, account) in data.accounts.iter().enumerate() {
        for (m, dataset) in data.datasets.iter().enumerate() {
            for (at, action) in [
                ("2024-06-03T09:30:00+07:00", "query"),
                ("2026-01-02T23:59:59.999Z", "download"),
            ] {
                let request = AccessRequest::from_json(&format!(
                    r#"{{"account": "{}", "action": "{action}", "dataset": "{}",
                        "channel": "lgsp", "purpose": "administrative-procedures",
                        "at": "{at}", "authenticated": {}}}"#,
                    account.id,
                    dataset.id,
                    (n + m) % 3 != 0
                ))
                .unwrap();
                requests.push(request);
            }
        }
    }
    let case = Case {
        world,
        policies,
        requests,
    };
    let tally = Mutex::new(Tally::default());
    if let Err(e) = check(&Cedar::new(), &case, &tally) {
        panic!("{e}");
    }
    let t = tally.into_inner().unwrap();
    assert_eq!(t.rejected, 0, "{:?}", t.rejections);
    assert!(t.plan_errors > 0 && t.cedar_errors > 0, "{t:?}");
    assert!(t.held > 0 && t.not_held > 0 && t.by_cedar > 0, "{t:?}");
}
