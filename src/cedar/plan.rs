//! Plans: each policy's condition, rewritten for one slice of requests when the pack
//! loads and compiled to nodes the engine evaluates over the world's records directly.
//!
//! Two steps, kept apart so each can be checked on its own:
//!
//! 1. **The residual** ([`Folder::fold`]): the condition `scope && when && !unless`
//!    with what every request of the slice shares known — its action, and for an access
//!    slice the data's class and the channel ([`Folder::knowing`]) — and every constant
//!    part worked out by Cedar's own evaluator: `action in [Lgsp::Action::"suspend", …]`
//!    becomes `true` or `false`, `["restricted", "shared"].contains(resource.class)` in
//!    a slice of shared data `true`, `false && e` is `false`. It is Cedar text: `explain`
//!    shows it, and the prover checks it is equivalent to the policy for every request
//!    of the slice (`lgsp_policy::prove`). A policy whose residual is `false` can never
//!    hold for the slice's requests, and the slice leaves it out.
//! 2. **The plan** ([`Plan::compile`]): the residual translated node for node, without
//!    rewriting, into [`Node`]s (a slice's in one block, [`Plans`]) evaluated over
//!    [`Val`]s — strings borrowed from the records, entities with their records (looked up
//!    when first read), instants as milliseconds. A chain of
//!    attributes from the principal, the resource or the context (`principal.holder`,
//!    `context.agreement.provider`) is a *path*, read at most once per request whatever
//!    the number of policies reading it.
//!
//! A plan answers only where it is sure to answer as Cedar would. Where Cedar would
//! report an error (an attribute an entity lacks, an overflow, a type that does not
//! fit), or reach something the plan does not read (an entity named by a literal, an
//! extension function applied at run time), it stops ([`Stop`]) and Cedar's evaluator
//! answers for that policy, on the entities the request can read: the answer, and an
//! error's message, are Cedar's. The tests compare plans with Cedar's evaluator on every
//! shipped case, on generated worlds and on generated policies.

use std::collections::HashSet;
use std::rc::Rc;
use std::sync::Arc;

use cedar_policy_core::ast::{
    BinaryOp, EntityUID, EntityUIDEntry, Expr, ExprKind, Literal, Pattern, SlotEnv, UnaryOp, Value,
    ValueKind, Var,
};
use cedar_policy_core::entities::{Entities, TCComputation};
use cedar_policy_core::evaluator::Evaluator;
use cedar_policy_core::extensions::Extensions;

use crate::cedar::context::PolicyRequest;
use crate::cedar::entities::Got;
use crate::cedar::values::{Const, Ent, EntType, Rec, RecordRef, SetRef, Val};
use crate::world::World;

/// A plan cannot answer as Cedar would: Cedar's evaluator answers instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stop;

/// Rewrites conditions for one slice: its action, and what else its requests are known to
/// have (step 1, see the module's documentation).
pub(crate) struct Folder {
    action: Arc<EntityUID>,
    /// Attributes every request of the slice has, with their values (`resource.class`
    /// of an access slice): their reads are those values.
    known: Vec<(Var, &'static str, Value)>,
    /// The model's action entities, with their hierarchy, for `action in …`.
    actions: Entities,
}

impl std::fmt::Debug for Folder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Folder")
            .field("action", &self.action)
            .finish()
    }
}

impl Folder {
    /// A folder for `action`, with the model's action entities.
    pub(crate) fn new(
        action: EntityUID,
        actions: impl IntoIterator<Item = cedar_policy_core::ast::Entity>,
    ) -> Folder {
        let actions = Entities::new()
            .add_entities(
                actions.into_iter().map(Arc::new),
                None::<&cedar_policy_core::entities::NoEntitiesSchema>,
                TCComputation::AssumeAlreadyComputed,
                Extensions::all_available(),
            )
            .unwrap_or_default();
        Folder {
            action: Arc::new(action),
            known: Vec::new(),
            actions,
        }
    }

    /// The same folder for the requests whose attribute `var.attr` is `value`: a slice
    /// chosen by that value reads it as a constant.
    pub(crate) fn knowing(mut self, var: Var, attr: &'static str, value: Value) -> Folder {
        self.known.push((var, attr, value));
        self
    }

    /// The id of the folder's action (`query`).
    pub(crate) fn action_id(&self) -> String {
        self.action.eid().escaped().to_string()
    }

    /// What every request of the folder's slice is known to have, as Cedar conditions
    /// (`resource.class == "shared"`), in the order given.
    pub(crate) fn known(&self) -> Vec<String> {
        self.known
            .iter()
            .map(|(var, attr, value)| {
                Expr::is_eq(
                    Expr::get_attr(Expr::var(*var), (*attr).into()),
                    Expr::from(value.clone()),
                )
                .to_string()
            })
            .collect()
    }

    /// Cedar's value of an expression that reads no variable, or `None` where it errs.
    fn evaluate(&self, e: &Expr) -> Option<Value> {
        let action = EntityUIDEntry::known(self.action.as_ref().clone(), None);
        let request = cedar_policy_core::ast::Request::new_unchecked(
            action.clone(),
            action.clone(),
            action,
            None,
        );
        let evaluator = Evaluator::new(request, &self.actions, Extensions::all_available());
        evaluator.interpret(e, &SlotEnv::new()).ok()
    }

    /// The residual of `e` for the folder's action (see the module's documentation).
    pub(crate) fn fold(&self, e: &Expr) -> Expr {
        let folded = match e.expr_kind() {
            ExprKind::Var(Var::Action) => {
                return Expr::val(Literal::EntityUID(self.action.clone()));
            }
            ExprKind::Lit(_) | ExprKind::Var(_) | ExprKind::Slot(_) | ExprKind::Unknown(_) => {
                return e.clone();
            }
            ExprKind::And { left, right } => return self.junction(left, right, false, Expr::and),
            ExprKind::Or { left, right } => return self.junction(left, right, true, Expr::or),
            ExprKind::If {
                test_expr,
                then_expr,
                else_expr,
            } => {
                let t = self.fold(test_expr);
                return match bool_literal(&t) {
                    Some(true) => self.fold(then_expr),
                    Some(false) => self.fold(else_expr),
                    None => Expr::ite(t, self.fold(then_expr), self.fold(else_expr)),
                };
            }
            ExprKind::UnaryApp { op, arg } => Expr::unary_app(*op, self.fold(arg)),
            ExprKind::BinaryApp { op, arg1, arg2 } => {
                Expr::binary_app(*op, self.fold(arg1), self.fold(arg2))
            }
            ExprKind::ExtensionFunctionApp { fn_name, args } => Expr::call_extension_fn(
                fn_name.clone(),
                args.iter().map(|a| self.fold(a)).collect(),
            ),
            ExprKind::GetAttr { expr, attr } => {
                if let ExprKind::Var(v) = expr.expr_kind()
                    && let Some((_, _, value)) = self
                        .known
                        .iter()
                        .find(|(w, a, _)| w == v && *a == attr.as_str())
                {
                    return Expr::from(value.clone());
                }
                Expr::get_attr(self.fold(expr), attr.clone())
            }
            ExprKind::HasAttr { expr, attr } => Expr::has_attr(self.fold(expr), attr.clone()),
            ExprKind::ExtHasAttr { expr, attrs } => {
                Expr::extended_has_attr(self.fold(expr), attrs.clone())
            }
            ExprKind::Like { expr, pattern } => Expr::like(self.fold(expr), pattern.clone()),
            ExprKind::Is { expr, entity_type } => {
                Expr::is_entity_type(self.fold(expr), entity_type.clone())
            }
            ExprKind::Set(items) => Expr::set(items.iter().map(|i| self.fold(i))),
            ExprKind::Record(fields) => {
                match Expr::record(fields.iter().map(|(k, v)| (k.clone(), self.fold(v)))) {
                    Ok(r) => r,
                    Err(_) => return e.clone(),
                }
            }
            #[allow(unreachable_patterns, reason = "ExprKind grows with Cedar's features")]
            _ => return e.clone(),
        };
        // A part that reads no variable is worked out now, by Cedar, unless it errs (the
        // error is then Cedar's to report, on every request) or is an extension value
        // (kept as the call that makes it, which reads better).
        if reads_nothing(&folded)
            && let Some(v) = self.evaluate(&folded)
            && !matches!(v.value_kind(), ValueKind::ExtensionValue(_))
            && !contains_extension_value(&v)
        {
            return Expr::from(v);
        }
        folded
    }
}

impl Folder {
    /// The residual of `left && right` (`absorbing` is `false`) or `left || right`
    /// (`true`): the absorbing literal on the left is the answer, `right` never evaluated
    /// (Cedar short-circuits); the other literal on either side leaves the other operand,
    /// where that can only be a boolean (or err); otherwise both are kept.
    fn junction(
        &self,
        left: &Expr,
        right: &Expr,
        absorbing: bool,
        make: fn(Expr, Expr) -> Expr,
    ) -> Expr {
        let l = self.fold(left);
        match bool_literal(&l) {
            Some(b) if b == absorbing => Expr::val(absorbing),
            Some(_) => {
                let r = self.fold(right);
                if is_boolean_shaped(&r) { r } else { make(l, r) }
            }
            None => {
                let r = self.fold(right);
                if bool_literal(&r) == Some(!absorbing) && is_boolean_shaped(&l) {
                    l
                } else {
                    make(l, r)
                }
            }
        }
    }
}

/// The boolean a literal expression is, if it is one.
fn bool_literal(e: &Expr) -> Option<bool> {
    match e.expr_kind() {
        ExprKind::Lit(Literal::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// Whether an expression's value, when it has one, is a boolean whatever its operands:
/// then `true && e` and `e` are the same expression.
fn is_boolean_shaped(e: &Expr) -> bool {
    match e.expr_kind() {
        ExprKind::Lit(Literal::Bool(_))
        | ExprKind::And { .. }
        | ExprKind::Or { .. }
        | ExprKind::HasAttr { .. }
        | ExprKind::ExtHasAttr { .. }
        | ExprKind::Like { .. }
        | ExprKind::Is { .. } => true,
        ExprKind::UnaryApp { op, .. } => matches!(op, UnaryOp::Not | UnaryOp::IsEmpty),
        ExprKind::BinaryApp { op, .. } => matches!(
            op,
            BinaryOp::Eq
                | BinaryOp::Less
                | BinaryOp::LessEq
                | BinaryOp::In
                | BinaryOp::Contains
                | BinaryOp::ContainsAll
                | BinaryOp::ContainsAny
                | BinaryOp::HasTag
        ),
        _ => false,
    }
}

/// Whether an expression reads no variable, slot or unknown.
fn reads_nothing(e: &Expr) -> bool {
    e.subexpressions().all(|s| {
        !matches!(
            s.expr_kind(),
            ExprKind::Var(_) | ExprKind::Slot(_) | ExprKind::Unknown(_)
        )
    })
}

fn contains_extension_value(v: &Value) -> bool {
    match v.value_kind() {
        ValueKind::ExtensionValue(_) => true,
        ValueKind::Set(s) => s.iter().any(contains_extension_value),
        ValueKind::Record(r) => r.values().any(contains_extension_value),
        ValueKind::Lit(_) => false,
    }
}

// ------------------------------------------------------------------ plans

/// A node's place in its slice's [`Plans`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NodeId(u32);

/// A node of a plan; its operands are nodes of the same [`Plans`].
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Const(Const),
    /// `principal`, `resource` or `context` (the action is a constant of the slice).
    Var(Var),
    /// A chain of attributes from a variable, read once per request (an index in the
    /// slice's paths).
    Path(u32),
    Attr(NodeId, Box<str>),
    Has(NodeId, Box<str>),
    /// `e has a.b.c`.
    HasPath(NodeId, Box<[Box<str>]>),
    And(NodeId, NodeId),
    Or(NodeId, NodeId),
    Not(NodeId),
    If(NodeId, NodeId, NodeId),
    Eq(NodeId, NodeId),
    Less(NodeId, NodeId),
    LessEq(NodeId, NodeId),
    Add(NodeId, NodeId),
    Sub(NodeId, NodeId),
    Mul(NodeId, NodeId),
    Neg(NodeId),
    In(NodeId, NodeId),
    Contains(NodeId, NodeId),
    ContainsAll(NodeId, NodeId),
    ContainsAny(NodeId, NodeId),
    IsEmpty(NodeId),
    Like(NodeId, Pattern),
    /// `e is T`; `None` for a type the model does not have (no entity is of it).
    Is(NodeId, Option<EntType>),
    Set(Box<[NodeId]>),
    Record(Box<[(Box<str>, NodeId)]>),
}

/// Where a path starts: a variable, or a shorter path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Base {
    Var(Var),
    Path(u32),
}

/// The plans of a slice: every node of every policy's plan in one block, so evaluating a
/// slice reads memory laid out together whatever else the process allocated, and the
/// paths they read, each once.
#[derive(Debug, Clone, Default)]
pub(crate) struct Plans {
    nodes: Vec<Node>,
    paths: Vec<(Base, Box<str>)>,
}

impl Plans {
    fn push(&mut self, node: Node) -> Result<NodeId, String> {
        let id = u32::try_from(self.nodes.len()).map_err(|_| "too many nodes".to_owned())?;
        self.nodes.push(node);
        Ok(NodeId(id))
    }

    fn path(&mut self, base: Base, attr: &str) -> Result<u32, String> {
        let at = match self
            .paths
            .iter()
            .position(|(b, a)| *b == base && &**a == attr)
        {
            Some(i) => i,
            None => {
                self.paths.push((base, attr.into()));
                self.paths.len() - 1
            }
        };
        u32::try_from(at).map_err(|_| "too many paths".to_owned())
    }

    fn node(&self, id: NodeId) -> Result<&Node, Stop> {
        self.nodes.get(id.0 as usize).ok_or(Stop)
    }
}

/// One policy's plan: its residual compiled (see the module's documentation), the root
/// of its nodes in the slice's [`Plans`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    root: NodeId,
}

impl Plan {
    /// Compiles a residual into `plans`; `Err` says what the plan cannot compute
    /// (Cedar's evaluator then answers for the policy), and leaves `plans`'s nodes as
    /// they were.
    pub(crate) fn compile(
        residual: &Expr,
        folder: &Folder,
        plans: &mut Plans,
    ) -> Result<Plan, String> {
        let before = plans.nodes.len();
        match compile(residual, folder, plans) {
            Ok(root) => Ok(Plan { root }),
            Err(why) => {
                plans.nodes.truncate(before);
                Err(why)
            }
        }
    }

    /// Whether the policy holds for the request; [`Stop`] where Cedar must say.
    pub(crate) fn holds<'a>(&self, env: &mut Env<'a>) -> Result<bool, Stop> {
        match eval(self.root, env)? {
            Val::Bool(b) => Ok(b),
            _ => Err(Stop),
        }
    }
}

fn compile(e: &Expr, folder: &Folder, plans: &mut Plans) -> Result<NodeId, String> {
    let node = match e.expr_kind() {
        ExprKind::Lit(lit) => Node::Const(literal(lit)?),
        ExprKind::Var(Var::Action) => {
            return Err("the action is read where the slice does not fix it".into());
        }
        ExprKind::Var(v) => Node::Var(*v),
        ExprKind::Slot(_) => return Err("a template slot".into()),
        ExprKind::Unknown(_) => return Err("an unknown".into()),
        ExprKind::If {
            test_expr,
            then_expr,
            else_expr,
        } => Node::If(
            compile(test_expr, folder, plans)?,
            compile(then_expr, folder, plans)?,
            compile(else_expr, folder, plans)?,
        ),
        ExprKind::And { left, right } => Node::And(
            compile(left, folder, plans)?,
            compile(right, folder, plans)?,
        ),
        ExprKind::Or { left, right } => Node::Or(
            compile(left, folder, plans)?,
            compile(right, folder, plans)?,
        ),
        ExprKind::UnaryApp { op, arg } => {
            let a = compile(arg, folder, plans)?;
            match op {
                UnaryOp::Not => Node::Not(a),
                UnaryOp::Neg => Node::Neg(a),
                UnaryOp::IsEmpty => Node::IsEmpty(a),
                #[allow(unreachable_patterns, reason = "UnaryOp grows with Cedar")]
                _ => return Err(format!("the operator `{op}`")),
            }
        }
        ExprKind::BinaryApp { op, arg1, arg2 } => {
            let (a, b) = (compile(arg1, folder, plans)?, compile(arg2, folder, plans)?);
            match op {
                BinaryOp::Eq => Node::Eq(a, b),
                BinaryOp::Less => Node::Less(a, b),
                BinaryOp::LessEq => Node::LessEq(a, b),
                BinaryOp::Add => Node::Add(a, b),
                BinaryOp::Sub => Node::Sub(a, b),
                BinaryOp::Mul => Node::Mul(a, b),
                BinaryOp::In => Node::In(a, b),
                BinaryOp::Contains => Node::Contains(a, b),
                BinaryOp::ContainsAll => Node::ContainsAll(a, b),
                BinaryOp::ContainsAny => Node::ContainsAny(a, b),
                _ => return Err(format!("the operator `{op}`")),
            }
        }
        ExprKind::ExtensionFunctionApp { fn_name, .. } => {
            // A call on constants (`datetime("2025-07-01")`) is worked out now; one on
            // values known at run time is Cedar's.
            let constant = reads_nothing(e)
                .then(|| folder.evaluate(e))
                .flatten()
                .and_then(|v| Const::of_cedar(&v));
            match constant {
                Some(c) => Node::Const(c),
                None => {
                    return Err(format!(
                        "the extension function `{fn_name}` on values known at run time"
                    ));
                }
            }
        }
        ExprKind::GetAttr { expr, attr } => match chain(expr, plans)? {
            // A chain of attributes from a variable is a path, read once per request.
            Some(base) => Node::Path(plans.path(base, attr)?),
            None => Node::Attr(compile(expr, folder, plans)?, attr.as_str().into()),
        },
        ExprKind::HasAttr { expr, attr } => {
            Node::Has(compile(expr, folder, plans)?, attr.as_str().into())
        }
        ExprKind::ExtHasAttr { expr, attrs } => Node::HasPath(
            compile(expr, folder, plans)?,
            attrs.iter().map(|a| a.as_str().into()).collect(),
        ),
        ExprKind::Like { expr, pattern } => {
            Node::Like(compile(expr, folder, plans)?, pattern.clone())
        }
        ExprKind::Is { expr, entity_type } => {
            Node::Is(compile(expr, folder, plans)?, EntType::of(entity_type))
        }
        ExprKind::Set(items) => {
            let items: Vec<NodeId> = items
                .iter()
                .map(|i| compile(i, folder, plans))
                .collect::<Result<_, _>>()?;
            // A set of constants (a literal, or what the residual worked out) is one.
            match constants(plans, &items) {
                Some(members) => Node::Const(Const::Set(members)),
                None => Node::Set(items.into()),
            }
        }
        ExprKind::Record(fields) => {
            let fields: Vec<(Box<str>, NodeId)> = fields
                .iter()
                .map(|(k, v)| Ok((k.as_str().into(), compile(v, folder, plans)?)))
                .collect::<Result<_, String>>()?;
            let values: Vec<NodeId> = fields.iter().map(|(_, v)| *v).collect();
            match constants(plans, &values) {
                Some(values) => Node::Const(Const::Record(
                    fields.into_iter().map(|(k, _)| k).zip(values).collect(),
                )),
                None => Node::Record(fields.into()),
            }
        }
        #[allow(unreachable_patterns, reason = "ExprKind grows with Cedar's features")]
        _ => return Err(format!("the expression `{e}`")),
    };
    plans.push(node)
}

/// Where a chain of attributes starts, if `e` is one from a variable (`principal`,
/// `principal.holder`): the variable, or the path it is.
fn chain(e: &Expr, plans: &mut Plans) -> Result<Option<Base>, String> {
    Ok(match e.expr_kind() {
        ExprKind::Var(Var::Action) => None,
        ExprKind::Var(v) => Some(Base::Var(*v)),
        ExprKind::GetAttr { expr, attr } => match chain(expr, plans)? {
            Some(base) => Some(Base::Path(plans.path(base, attr)?)),
            None => None,
        },
        _ => None,
    })
}

/// The constants the nodes are, if every one is a constant.
fn constants(plans: &Plans, nodes: &[NodeId]) -> Option<Box<[Const]>> {
    nodes
        .iter()
        .map(|n| match plans.node(*n) {
            Ok(Node::Const(c)) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

fn literal(lit: &Literal) -> Result<Const, String> {
    Ok(match lit {
        Literal::Bool(b) => Const::Bool(*b),
        Literal::Long(n) => Const::Long(*n),
        Literal::String(s) => Const::Str(s.as_str().into()),
        Literal::EntityUID(uid) => Const::Entity(
            EntType::of(uid.entity_type()).ok_or_else(|| {
                format!("the entity type of `{uid}`, which the model does not have")
            })?,
            <cedar_policy_core::ast::Eid as AsRef<str>>::as_ref(uid.eid()).into(),
        ),
    })
}

// ------------------------------------------------------------------ evaluation

/// What a plan is evaluated against: the world, the request, the slice's plans, and the
/// paths read so far.
pub(crate) struct Env<'a> {
    world: &'a World,
    request: &'a PolicyRequest<'a>,
    plans: &'a Plans,
    memo: Vec<Option<Result<Val<'a>, Stop>>>,
}

impl std::fmt::Debug for Env<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("paths", &self.plans.paths.len())
            .finish()
    }
}

impl<'a> Env<'a> {
    /// An environment for one request, with the slice's plans.
    pub(crate) fn new(world: &'a World, request: &'a PolicyRequest<'a>, plans: &'a Plans) -> Self {
        Env {
            world,
            request,
            plans,
            memo: vec![None; plans.paths.len()],
        }
    }

    fn var(&self, v: Var) -> Result<Val<'a>, Stop> {
        match v {
            Var::Principal => Ok(Val::Entity(self.request.principal)),
            Var::Resource => Ok(Val::Entity(self.request.resource)),
            Var::Context => Ok(Val::Record(RecordRef::Fields(&self.request.context))),
            Var::Action => Err(Stop),
        }
    }

    fn path(&mut self, i: u32) -> Result<Val<'a>, Stop> {
        let i = i as usize;
        if let Some(Some(known)) = self.memo.get(i) {
            return known.clone();
        }
        let plans = self.plans;
        let Some((base, attr)) = plans.paths.get(i) else {
            return Err(Stop);
        };
        let value = match base {
            Base::Var(v) => self.var(*v),
            Base::Path(p) => self.resolved_path(*p),
        }
        .and_then(|v| get_attr(self.world, v, attr));
        if let Some(slot) = self.memo.get_mut(i) {
            *slot = Some(value.clone());
        }
        value
    }

    /// A path's value with its entity's record looked up, kept for the other paths
    /// through it (an entity is looked up once per request, and only when read).
    fn resolved_path(&mut self, p: u32) -> Result<Val<'a>, Stop> {
        match self.path(p)? {
            Val::Entity(e) if matches!(e.rec, Rec::Reached) => {
                let resolved = Val::Entity(e.resolved(self.world));
                if let Some(slot) = self.memo.get_mut(p as usize) {
                    *slot = Some(Ok(resolved.clone()));
                }
                Ok(resolved)
            }
            v => Ok(v),
        }
    }
}

fn get_attr<'a>(world: &'a World, v: Val<'a>, attr: &str) -> Result<Val<'a>, Stop> {
    match v {
        Val::Entity(e) => match e.attr(world, attr) {
            Got::Val(v) => Ok(v),
            Got::Absent | Got::Stop => Err(Stop),
        },
        Val::Record(r) => r.get(attr).ok_or(Stop),
        _ => Err(Stop),
    }
}

fn boolean(v: Val<'_>) -> Result<bool, Stop> {
    match v {
        Val::Bool(b) => Ok(b),
        _ => Err(Stop),
    }
}

fn long(v: Val<'_>) -> Result<i64, Stop> {
    match v {
        Val::Long(n) => Ok(n),
        _ => Err(Stop),
    }
}

fn set(v: Val<'_>) -> Result<SetRef<'_>, Stop> {
    match v {
        Val::Set(s) => Ok(s),
        _ => Err(Stop),
    }
}

/// Cedar's `<` and `<=`: on longs, on datetimes, on durations; anything else errs.
fn compare(a: &Val<'_>, b: &Val<'_>) -> Result<std::cmp::Ordering, Stop> {
    match (a, b) {
        (Val::Long(x), Val::Long(y))
        | (Val::DateTime(x), Val::DateTime(y))
        | (Val::Duration(x), Val::Duration(y)) => Ok(x.cmp(y)),
        _ => Err(Stop),
    }
}

fn eval<'a>(id: NodeId, env: &mut Env<'a>) -> Result<Val<'a>, Stop> {
    let world = env.world;
    let plans = env.plans;
    Ok(match plans.node(id)? {
        Node::Const(c) => c.val(),
        Node::Var(v) => env.var(*v)?,
        Node::Path(i) => env.path(*i)?,
        Node::Attr(e, attr) => get_attr(world, eval(*e, env)?, attr)?,
        Node::Has(e, attr) => Val::Bool(match eval(*e, env)? {
            Val::Entity(ent) => ent.has(world, attr).ok_or(Stop)?,
            Val::Record(r) => r.get(attr).is_some(),
            _ => return Err(Stop),
        }),
        Node::HasPath(e, attrs) => Val::Bool(has_path(world, eval(*e, env)?, attrs)?),
        Node::And(a, b) => Val::Bool(boolean(eval(*a, env)?)? && boolean(eval(*b, env)?)?),
        Node::Or(a, b) => Val::Bool(boolean(eval(*a, env)?)? || boolean(eval(*b, env)?)?),
        Node::Not(a) => Val::Bool(!boolean(eval(*a, env)?)?),
        Node::If(t, a, b) => {
            if boolean(eval(*t, env)?)? {
                eval(*a, env)?
            } else {
                eval(*b, env)?
            }
        }
        Node::Eq(a, b) => {
            let (x, y) = (eval(*a, env)?, eval(*b, env)?);
            Val::Bool(x.equals(&y))
        }
        Node::Less(a, b) => {
            let (x, y) = (eval(*a, env)?, eval(*b, env)?);
            Val::Bool(compare(&x, &y)?.is_lt())
        }
        Node::LessEq(a, b) => {
            let (x, y) = (eval(*a, env)?, eval(*b, env)?);
            Val::Bool(compare(&x, &y)?.is_le())
        }
        Node::Add(a, b) => {
            let (x, y) = (long(eval(*a, env)?)?, long(eval(*b, env)?)?);
            Val::Long(x.checked_add(y).ok_or(Stop)?)
        }
        Node::Sub(a, b) => {
            let (x, y) = (long(eval(*a, env)?)?, long(eval(*b, env)?)?);
            Val::Long(x.checked_sub(y).ok_or(Stop)?)
        }
        Node::Mul(a, b) => {
            let (x, y) = (long(eval(*a, env)?)?, long(eval(*b, env)?)?);
            Val::Long(x.checked_mul(y).ok_or(Stop)?)
        }
        Node::Neg(a) => Val::Long(long(eval(*a, env)?)?.checked_neg().ok_or(Stop)?),
        Node::In(a, b) => {
            let (x, y) = (eval(*a, env)?, eval(*b, env)?);
            Val::Bool(is_in(world, &x, &y)?)
        }
        Node::Contains(a, b) => {
            let (x, y) = (eval(*a, env)?, eval(*b, env)?);
            Val::Bool(set(x)?.contains(&y))
        }
        Node::ContainsAll(a, b) => {
            let (x, y) = (eval(*a, env)?, eval(*b, env)?);
            let (x, y) = (set(x)?, set(y)?);
            Val::Bool(x.contains_all(&y))
        }
        Node::ContainsAny(a, b) => {
            let (x, y) = (eval(*a, env)?, eval(*b, env)?);
            let (x, y) = (set(x)?, set(y)?);
            Val::Bool(x.contains_any(&y))
        }
        Node::IsEmpty(a) => Val::Bool(set(eval(*a, env)?)?.is_empty()),
        Node::Like(a, pattern) => match eval(*a, env)? {
            Val::Str(s) => Val::Bool(pattern.wildcard_match(s)),
            _ => return Err(Stop),
        },
        Node::Is(a, ty) => match eval(*a, env)? {
            Val::Entity(e) => Val::Bool(Some(e.ty) == *ty),
            _ => return Err(Stop),
        },
        Node::Set(items) => {
            let mut members = Vec::with_capacity(items.len());
            for i in items.iter() {
                members.push(eval(*i, env)?);
            }
            Val::Set(SetRef::Built(Rc::from(members)))
        }
        Node::Record(fields) => {
            let mut out: Vec<(&'a str, Val<'a>)> = Vec::with_capacity(fields.len());
            for (k, v) in fields.iter() {
                out.push((&**k, eval(*v, env)?));
            }
            Val::Record(RecordRef::Built(Rc::from(out)))
        }
    })
}

/// `e has a.b.c`: each attribute present, following the ones before it.
fn has_path<'a>(world: &'a World, mut current: Val<'a>, attrs: &[Box<str>]) -> Result<bool, Stop> {
    for (i, attr) in attrs.iter().enumerate() {
        let last = i + 1 == attrs.len();
        let next = match &current {
            Val::Record(r) => match r.get(attr) {
                Some(v) => v,
                None => return Ok(false),
            },
            Val::Entity(e) => match e.resolved(world).rec {
                Rec::Reached | Rec::Unreached => return Err(Stop),
                Rec::Missing | Rec::Action => return Ok(false),
                _ => match e.attr(world, attr) {
                    Got::Val(v) => v,
                    Got::Absent => return Ok(false),
                    Got::Stop => return Err(Stop),
                },
            },
            _ => return Err(Stop),
        };
        if last {
            return Ok(true);
        }
        current = next;
    }
    Ok(true)
}

/// Cedar's `in`: the entity is one of the right side's, or a descendant of one.
fn is_in<'a>(world: &'a World, left: &Val<'a>, right: &Val<'a>) -> Result<bool, Stop> {
    let Val::Entity(e) = left else {
        return Err(Stop);
    };
    let mut targets: Vec<Ent<'_>> = Vec::new();
    match right {
        Val::Entity(t) => targets.push(*t),
        Val::Set(s) => {
            for m in s.members() {
                match m {
                    Val::Entity(t) => targets.push(t),
                    _ => return Err(Stop),
                }
            }
        }
        _ => return Err(Stop),
    }
    if targets.iter().any(|t| t.same(e)) {
        return Ok(true);
    }
    match e.resolved(world).rec {
        // Whether Cedar's store holds it, and so its parents, is Cedar's to say.
        Rec::Reached | Rec::Unreached => Err(Stop),
        Rec::Missing => Ok(false),
        _ => {
            let parents: HashSet<(EntType, &str)> =
                e.parents(world).iter().map(|p| (p.ty, p.id)).collect();
            Ok(targets.iter().any(|t| parents.contains(&(t.ty, t.id))))
        }
    }
}
