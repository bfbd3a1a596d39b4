//! Evaluating a template for one stack: conditions, then each resource's
//! properties and the outputs, with every intrinsic function.

use crate::error::{Result, TemplateError};
use crate::parameters::Params;
use crate::references;
use crate::template::{scalar_text, Template};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// What the stack engine knows about resources already created, and the
/// account's other facts an intrinsic function can read.
pub trait Resolver {
    /// The physical id of a created resource (`Ref`).
    fn physical_id(&self, logical_id: &str) -> Option<String>;
    /// An attribute of a created resource (`Fn::GetAtt`), `None` when the
    /// resource has no such attribute.
    fn attribute(&self, logical_id: &str, attribute: &str) -> Option<Value>;
    /// The value exported under `name` in the account and Region (`Fn::ImportValue`).
    fn import_value(&self, _name: &str) -> Option<String> {
        None
    }
    /// The Availability Zones of a Region (`Fn::GetAZs`), in order.
    fn availability_zones(&self, _region: &str) -> Vec<String> {
        vec![]
    }
}

/// One evaluated output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedOutput {
    /// `OutputKey`.
    pub key: String,
    /// `OutputValue`.
    pub value: String,
    /// `Description`.
    pub description: Option<String>,
    /// `ExportName`.
    pub export_name: Option<String>,
}

/// A template with its parameters: conditions are evaluated, and the
/// resources that exist are known.
#[derive(Debug, Clone)]
pub struct Bound<'a> {
    /// The template (with its `Fn::ForEach` loops expanded for these
    /// parameters, when they needed them).
    pub template: Cow<'a, Template>,
    /// Its parameters.
    pub params: &'a Params,
    pub(crate) conditions: BTreeMap<String, bool>,
}

impl Template {
    /// Evaluates the conditions with `params` and checks that no resource
    /// that exists refers to one whose condition is false.
    pub fn bind<'a>(&'a self, params: &'a Params) -> Result<Bound<'a>> {
        if !self.deferred_for_each {
            return Bound::new(Cow::Borrowed(self), params);
        }
        // The loops' collections are evaluated with the parameters (and
        // the mappings); then the expanded template is checked in full.
        let partial = Bound::parameters_only(self, params);
        let values = |c: &Value| -> Result<Option<Vec<String>>> {
            match partial.eval(c, &NoResolver)? {
                Some(v) => crate::foreach::literal(&v).map(Some).ok_or_else(|| {
                    TemplateError::template("Fn::ForEach collection does not resolve to a list of strings")
                }),
                None => Err(TemplateError::template("Fn::ForEach collection cannot be AWS::NoValue")),
            }
        };
        let expanded = crate::foreach::expand(&self.body, &values)?
            .ok_or_else(|| TemplateError::template("Fn::ForEach collection could not be resolved"))?;
        // Computed policies may read conditions: set them once those are known.
        let (expanded, policies) = crate::template::take_policies(&expanded);
        let mut t = Template::from_json(expanded)?;
        t.body = self.body.clone();
        let mut bound = Bound::new(Cow::Owned(t), params)?;
        for (id, key, expr) in policies {
            let value = bound.eval(&expr, &NoResolver)?.unwrap_or(Value::Null);
            let policy = crate::template::policy_value(&id, &key, &value)?;
            if let Some(r) = bound.template.to_mut().resources.get_mut(&id) {
                match key.as_str() {
                    "DeletionPolicy" => r.deletion_policy = Some(policy),
                    _ => r.update_replace_policy = Some(policy),
                }
            }
        }
        Ok(bound)
    }

    /// The properties of one resource, evaluated (convenience for
    /// [`Template::bind`] then [`Bound::resolve_properties`]).
    pub fn resolve_resource(&self, logical_id: &str, params: &Params, resolver: &dyn Resolver) -> Result<Value> {
        self.bind(params)?.resolve_properties(logical_id, resolver)
    }
}

impl<'a> Bound<'a> {
    /// A template seen with its parameters only (no conditions yet): what
    /// Rules and `Fn::ForEach` collections are evaluated with.
    pub(crate) fn parameters_only(template: &'a Template, params: &'a Params) -> Bound<'a> {
        Bound { template: Cow::Borrowed(template), params, conditions: BTreeMap::new() }
    }

    fn new(template: Cow<'a, Template>, params: &'a Params) -> Result<Bound<'a>> {
        let mut bound = Bound { template, params, conditions: BTreeMap::new() };
        for name in references::condition_order(&bound.template)? {
            let v = bound.condition_value(&bound.template.conditions[&name])?;
            bound.conditions.insert(name, v);
        }
        // What exists must not refer to what does not (the taken branches
        // of Fn::If only), in Resources and in Outputs.
        let t = &bound.template;
        let live = |v: &Value, extra: &[String]| -> BTreeSet<String> {
            let mut refs = references::Refs::default();
            references::collect(&bound.prune(v), false, &mut refs);
            refs.refs
                .iter()
                .chain(&refs.getatts)
                .chain(extra)
                .filter(|n| t.resources.contains_key(*n) && !bound.is_active(n))
                .cloned()
                .collect()
        };
        for (id, r) in &t.resources {
            let gone = if bound.is_active(id) { live(&r.properties, &r.depends_on) } else { BTreeSet::new() };
            if !gone.is_empty() {
                return Err(references::unresolved_resources(gone.iter().map(String::as_str), "Resources"));
            }
        }
        for o in t.outputs.values() {
            if o.condition.as_deref().is_some_and(|c| !bound.condition(c)) {
                continue;
            }
            let mut gone = live(&o.value, &[]);
            if let Some(e) = &o.export_name {
                gone.extend(live(e, &[]));
            }
            if !gone.is_empty() {
                return Err(references::unresolved_resources(gone.iter().map(String::as_str), "Outputs"));
            }
        }
        Ok(bound)
    }

    /// The value of a condition.
    pub fn condition(&self, name: &str) -> bool {
        self.conditions.get(name).copied().unwrap_or(false)
    }

    /// All conditions and their values.
    pub fn conditions(&self) -> &BTreeMap<String, bool> {
        &self.conditions
    }

    /// Whether a resource exists with these parameters (no `Condition`, or
    /// a true one).
    pub fn is_active(&self, logical_id: &str) -> bool {
        match self.template.resources.get(logical_id) {
            Some(r) => r.condition.as_deref().is_none_or(|c| self.condition(c)),
            None => false,
        }
    }

    /// The resources that exist, in creation order.
    pub fn create_order(&self) -> Result<Vec<String>> {
        references::create_order(&self.template, &|id| self.is_active(id))
    }

    /// The resources that exist, in deletion order (the reverse).
    pub fn delete_order(&self) -> Result<Vec<String>> {
        let mut order = self.create_order()?;
        order.reverse();
        Ok(order)
    }

    /// One resource's properties with every intrinsic function evaluated
    /// and `AWS::NoValue` removed.
    pub fn resolve_properties(&self, logical_id: &str, resolver: &dyn Resolver) -> Result<Value> {
        let r = self.template.resources.get(logical_id).ok_or_else(|| {
            TemplateError::template(format!("resource {logical_id} is not in the template"))
        })?;
        Ok(self.eval(&r.properties, resolver)?.unwrap_or_else(|| Value::Object(Map::new())))
    }

    /// Evaluates any template value (`None` for `AWS::NoValue`).
    pub fn resolve_value(&self, v: &Value, resolver: &dyn Resolver) -> Result<Option<Value>> {
        self.eval(v, resolver)
    }

    /// The outputs whose condition holds, evaluated.
    pub fn outputs(&self, resolver: &dyn Resolver) -> Result<Vec<ResolvedOutput>> {
        let mut out = vec![];
        for (key, o) in &self.template.outputs {
            if o.condition.as_deref().is_some_and(|c| !self.condition(c)) {
                continue;
            }
            let value = match self.eval(&o.value, resolver)? {
                Some(v) => text_or_list(&v).ok_or_else(|| {
                    TemplateError::template(format!("output {key} does not resolve to a string"))
                })?,
                None => continue,
            };
            let export_name = match &o.export_name {
                Some(e) => Some(self.eval(e, resolver)?.as_ref().and_then(scalar_text).ok_or_else(|| {
                    TemplateError::template(format!("Export name of output {key} does not resolve to a string"))
                })?),
                None => None,
            };
            out.push(ResolvedOutput { key: key.clone(), value, description: o.description.clone(), export_name });
        }
        Ok(out)
    }

    /// `v` with each `Fn::If` replaced by its taken branch.
    fn prune(&self, v: &Value) -> Value {
        match v {
            Value::Array(a) => Value::Array(a.iter().map(|i| self.prune(i)).collect()),
            Value::Object(m) => {
                if let (1, Some(Value::Array(a))) = (m.len(), m.get("Fn::If")) {
                    if let (3, Some(c)) = (a.len(), a[0].as_str()) {
                        return self.prune(&a[if self.condition(c) { 1 } else { 2 }]);
                    }
                }
                Value::Object(m.iter().map(|(k, v)| (k.clone(), self.prune(v))).collect())
            }
            other => other.clone(),
        }
    }

    pub(crate) fn condition_value(&self, v: &Value) -> Result<bool> {
        let bad = || TemplateError::template("Conditions can only be boolean operations on parameters and other conditions");
        let Value::Object(m) = v else { return Err(bad()) };
        let (1, Some((k, arg))) = (m.len(), m.iter().next()) else { return Err(bad()) };
        let list = |name: &str, min: usize, max: usize| -> Result<&Vec<Value>> {
            match arg {
                Value::Array(a) if (min..=max).contains(&a.len()) => Ok(a),
                _ => Err(TemplateError::template(format!(
                    "every {name} object requires a list of at least {min} and at most {max} boolean parameters."
                ))),
            }
        };
        match k.as_str() {
            "Condition" => {
                let name = arg.as_str().ok_or_else(bad)?;
                self.conditions.get(name).copied().ok_or_else(|| {
                    TemplateError::format(format!("Unresolved dependencies [{name}]. Cannot find the condition in the Conditions block"))
                })
            }
            "Fn::Equals" => {
                let a = match arg {
                    Value::Array(a) if a.len() == 2 => a,
                    _ => return Err(TemplateError::template("every Fn::Equals object requires a list of 2 string parameters.")),
                };
                let no = &NoResolver;
                let l = self.eval(&a[0], no)?;
                let r = self.eval(&a[1], no)?;
                Ok(comparable(l.as_ref()) == comparable(r.as_ref()))
            }
            "Fn::And" => {
                for c in list("Fn::And", 2, 10)? {
                    if !self.condition_value(c)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            }
            "Fn::Or" => {
                for c in list("Fn::Or", 2, 10)? {
                    if self.condition_value(c)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            "Fn::Not" => Ok(!self.condition_value(&list("Fn::Not", 1, 1)?[0])?),
            _ => Err(bad()),
        }
    }

    pub(crate) fn eval(&self, v: &Value, res: &dyn Resolver) -> Result<Option<Value>> {
        match v {
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    if let Some(x) = self.eval(i, res)? {
                        out.push(x);
                    }
                }
                Ok(Some(Value::Array(out)))
            }
            Value::Object(m) if m.len() == 1 => {
                let (k, arg) = m.iter().next().expect("one entry");
                if k == "Ref" || k.starts_with("Fn::") {
                    return self.function(k, arg, res);
                }
                self.object(m, res)
            }
            Value::Object(m) => self.object(m, res),
            other => Ok(Some(other.clone())),
        }
    }

    fn object(&self, m: &Map<String, Value>, res: &dyn Resolver) -> Result<Option<Value>> {
        let mut out = Map::new();
        for (k, v) in m {
            if let Some(x) = self.eval(v, res)? {
                out.insert(k.clone(), x);
            }
        }
        Ok(Some(Value::Object(out)))
    }
}

/// A value as `Fn::Equals` compares it: scalars by their text (`80` equals `"80"`).
fn comparable(v: Option<&Value>) -> Option<Value> {
    v.map(|v| scalar_text(v).map(Value::String).unwrap_or_else(|| v.clone()))
}

fn text_or_list(v: &Value) -> Option<String> {
    match v {
        Value::Array(items) => items.iter().map(scalar_text).collect::<Option<Vec<_>>>().map(|i| i.join(",")),
        v => scalar_text(v),
    }
}

/// Conditions read only parameters: a resolver that knows no resource.
pub(crate) struct NoResolver;

impl Resolver for NoResolver {
    fn physical_id(&self, _: &str) -> Option<String> {
        None
    }
    fn attribute(&self, _: &str, _: &str) -> Option<Value> {
        None
    }
}
