//! Evaluating a template for one stack: conditions, then each resource's
//! properties and the outputs, with every intrinsic function.

use crate::error::{Result, TemplateError};
use crate::parameters::Params;
use crate::references::{self, SubPart};
use crate::template::{scalar_text, Template};
use base64::Engine as _;
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
    conditions: BTreeMap<String, bool>,
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

    /// An argument that must be there (an `AWS::NoValue` in its place is an error).
    fn arg(&self, v: &Value, res: &dyn Resolver, f: &str) -> Result<Value> {
        self.eval(v, res)?.ok_or_else(|| TemplateError::template(format!("{f} cannot use AWS::NoValue as an argument")))
    }

    fn string_arg(&self, v: &Value, res: &dyn Resolver, f: &str) -> Result<String> {
        scalar_text(&self.arg(v, res, f)?).ok_or_else(|| TemplateError::template(format!("{f} requires a string argument")))
    }

    fn ref_value(&self, name: &str, res: &dyn Resolver) -> Result<Option<Value>> {
        if name == "AWS::NoValue" {
            return Ok(None);
        }
        if let Some(v) = self.params.get(name) {
            return Ok(Some(v));
        }
        if self.template.resources.contains_key(name) {
            if !self.is_active(name) {
                return Err(references::unresolved_resources([name], "Resources"));
            }
            return res
                .physical_id(name)
                .map(|id| Some(Value::String(id)))
                .ok_or_else(|| TemplateError::template(format!("resource {name} has not been created")));
        }
        Err(references::unresolved_resources([name], "Resources"))
    }

    fn get_att(&self, resource: &str, attribute: &str, res: &dyn Resolver) -> Result<Value> {
        if !self.template.resources.contains_key(resource) {
            return Err(TemplateError::template(format!("instance of Fn::GetAtt references undefined resource {resource}")));
        }
        if !self.is_active(resource) {
            return Err(references::unresolved_resources([resource], "Resources"));
        }
        res.attribute(resource, attribute).ok_or_else(|| {
            TemplateError::template(format!("resource {resource} does not support attribute type {attribute} in Fn::GetAtt"))
        })
    }

    fn function(&self, name: &str, arg: &Value, res: &dyn Resolver) -> Result<Option<Value>> {
        let lang = self.template.language_extensions();
        match name {
            "Ref" => match arg {
                Value::String(n) => self.ref_value(n, res),
                // AWS::LanguageExtensions lets a function compute the name.
                Value::Object(_) if lang => self.ref_value(&self.string_arg(arg, res, "Ref")?, res),
                _ => Err(TemplateError::format("Every Ref object must have a single String value.")),
            },
            "Fn::GetAtt" => {
                let (r, a) = match arg {
                    Value::Array(a) if a.len() == 2 => {
                        let r = match &a[0] {
                            Value::String(r) => r.clone(),
                            computed @ Value::Object(_) if lang => self.string_arg(computed, res, "Fn::GetAtt")?,
                            _ => return Err(getatt_error()),
                        };
                        (r, self.string_arg(&a[1], res, "Fn::GetAtt")?)
                    }
                    Value::String(s) => match s.split_once('.') {
                        Some((r, a)) => (r.to_string(), a.to_string()),
                        None => return Err(getatt_error()),
                    },
                    _ => return Err(getatt_error()),
                };
                Ok(Some(self.get_att(&r, &a, res)?))
            }
            "Fn::Sub" => self.sub(arg, res).map(|s| Some(Value::String(s))),
            "Fn::Join" => {
                let err = || TemplateError::template("every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.");
                let Value::Array(a) = arg else { return Err(err()) };
                if a.len() != 2 {
                    return Err(err());
                }
                let delim = a[0].as_str().ok_or_else(err)?;
                let Value::Array(items) = self.arg(&a[1], res, "Fn::Join")? else { return Err(err()) };
                let parts: Option<Vec<String>> = items.iter().map(scalar_text).collect();
                Ok(Some(Value::String(parts.ok_or_else(err)?.join(delim))))
            }
            "Fn::Select" => {
                let err = || TemplateError::template("Fn::Select requires a list argument with two elements: an integer index and a list");
                let Value::Array(a) = arg else { return Err(err()) };
                if a.len() != 2 {
                    return Err(err());
                }
                let index: usize = self
                    .string_arg(&a[0], res, "Fn::Select")?
                    .trim()
                    .parse()
                    .map_err(|_| TemplateError::template("Fn::Select requires an integer index"))?;
                let Value::Array(items) = self.arg(&a[1], res, "Fn::Select")? else { return Err(err()) };
                items.get(index).cloned().map(Some).ok_or_else(|| {
                    TemplateError::template(format!("Fn::Select cannot select nonexistent value at index {index}"))
                })
            }
            "Fn::Split" => {
                let err = || TemplateError::template("every Fn::Split object requires two parameters, (1) a string delimiter and (2) a string to be split or a function that returns a string to be split.");
                let Value::Array(a) = arg else { return Err(err()) };
                if a.len() != 2 {
                    return Err(err());
                }
                let delim = a[0].as_str().filter(|d| !d.is_empty()).ok_or_else(err)?;
                let s = self.string_arg(&a[1], res, "Fn::Split")?;
                Ok(Some(Value::Array(s.split(delim).map(|p| Value::String(p.into())).collect())))
            }
            "Fn::GetAZs" => {
                // `"Fn::GetAZs": null` (in AWS's own samples) means "" too.
                let region = if arg.is_null() { String::new() } else { self.string_arg(arg, res, "Fn::GetAZs")? };
                let region = if region.is_empty() { self.params.pseudo.region.clone() } else { region };
                Ok(Some(Value::Array(res.availability_zones(&region).into_iter().map(Value::String).collect())))
            }
            "Fn::Cidr" => {
                let err = || TemplateError::template("Fn::Cidr requires a list of three parameters: an address block, a count and the number of subnet bits");
                let Value::Array(a) = arg else { return Err(err()) };
                if a.len() != 3 {
                    return Err(err());
                }
                let block = self.string_arg(&a[0], res, "Fn::Cidr")?;
                let int = |v: &Value| -> Result<i64> {
                    self.string_arg(v, res, "Fn::Cidr")?.trim().parse().map_err(|_| err())
                };
                let blocks = crate::cidr::cidr(&block, int(&a[1])?, int(&a[2])?)?;
                Ok(Some(Value::Array(blocks.into_iter().map(Value::String).collect())))
            }
            "Fn::If" => {
                let err = || TemplateError::template("Fn::If requires a list argument with three elements: a condition name, a value if true and a value if false");
                let Value::Array(a) = arg else { return Err(err()) };
                if a.len() != 3 {
                    return Err(err());
                }
                let c = a[0].as_str().ok_or_else(err)?;
                if !self.conditions.contains_key(c) {
                    return Err(TemplateError::format(format!("Unresolved dependencies [{c}]. Cannot find the condition(s) in the Conditions block of the template")));
                }
                self.eval(&a[if self.condition(c) { 1 } else { 2 }], res)
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                let mut m = Map::new();
                m.insert(name.to_string(), arg.clone());
                Ok(Some(Value::Bool(self.condition_value(&Value::Object(m))?)))
            }
            "Fn::FindInMap" => self.find_in_map(arg, res, lang).map(Some),
            "Fn::Base64" => {
                let s = self.string_arg(arg, res, "Fn::Base64")?;
                Ok(Some(Value::String(base64::engine::general_purpose::STANDARD.encode(s))))
            }
            "Fn::ImportValue" => {
                let n = self.string_arg(arg, res, "Fn::ImportValue")?;
                res.import_value(&n)
                    .map(|v| Some(Value::String(v)))
                    .ok_or_else(|| TemplateError::plain(crate::ErrorKind::Template, format!("No export named {n} found")))
            }
            "Fn::Length" if lang => match self.arg(arg, res, "Fn::Length")? {
                Value::Array(a) => Ok(Some(Value::from(a.len()))),
                _ => Err(TemplateError::template("Fn::Length requires a list")),
            },
            "Fn::ToJsonString" if lang => {
                let v = self.arg(arg, res, "Fn::ToJsonString")?;
                if !(v.is_object() || v.is_array()) {
                    return Err(TemplateError::template("Fn::ToJsonString requires an object or a list"));
                }
                Ok(Some(Value::String(v.to_string())))
            }
            other => Err(unsupported_function(other, lang)),        }
    }

    fn sub(&self, arg: &Value, res: &dyn Resolver) -> Result<String> {
        let err = || TemplateError::template("One or more Fn::Sub intrinsic functions don't specify expected arguments. Specify a string as first argument, and an optional second argument to specify a mapping of values to replace in the string");
        let (s, vars) = match arg {
            Value::String(s) => (s.as_str(), None),
            Value::Array(a) if a.len() == 2 => (a[0].as_str().ok_or_else(err)?, Some(a[1].as_object().ok_or_else(err)?)),
            Value::Array(a) if a.len() == 1 => (a[0].as_str().ok_or_else(err)?, None),
            _ => return Err(err()),
        };
        let mut out = String::new();
        for part in references::sub_parts(s) {
            match part {
                SubPart::Text(t) => out.push_str(&t),
                SubPart::Var(name) => {
                    let value = match vars.and_then(|v| v.get(&name)) {
                        Some(v) => self.eval(v, res)?,
                        None => match name.split_once('.') {
                            Some((r, a)) if !self.template.parameters.contains_key(&name) => Some(self.get_att(r, a, res)?),
                            _ => self.ref_value(&name, res)?,
                        },
                    };
                    let text = value.as_ref().and_then(scalar_text).ok_or_else(|| {
                        TemplateError::template(format!("variable {name} in Fn::Sub expression does not resolve to a string"))
                    })?;
                    out.push_str(&text);
                }
            }
        }
        Ok(out)
    }

    fn find_in_map(&self, arg: &Value, res: &dyn Resolver, lang: bool) -> Result<Value> {
        let err = || TemplateError::template("every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value");
        let Value::Array(a) = arg else { return Err(err()) };
        let default = match a.get(3) {
            Some(Value::Object(o)) if lang && a.len() == 4 => {
                Some(o.get("DefaultValue").ok_or_else(err)?)
            }
            _ if a.len() == 3 => None,
            _ => return Err(err()),
        };
        let map = self.string_arg(&a[0], res, "Fn::FindInMap")?;
        let top = self.string_arg(&a[1], res, "Fn::FindInMap")?;
        let second = self.string_arg(&a[2], res, "Fn::FindInMap")?;
        let found = self.template.mappings.get(&map).and_then(|m| m.get(&top)).and_then(|m| m.get(&second));
        match (found, default) {
            (Some(v), _) => self.arg(v, res, "Fn::FindInMap"),
            (None, Some(d)) => self.arg(d, res, "Fn::FindInMap"),
            (None, None) => Err(TemplateError::template(format!("Unable to get mapping for {map}::{top}::{second}"))),
        }
    }
}

fn getatt_error() -> TemplateError {
    TemplateError::template("every Fn::GetAtt object requires two non-empty parameters.")
}

/// The functions AWS names in "Encountered unsupported function", in its
/// order (the Rules functions among them), then those it added since and,
/// with `AWS::LanguageExtensions`, the transform's.
pub fn supported_functions(language_extensions: bool) -> Vec<&'static str> {
    let mut f = vec![
        "Fn::Base64",
        "Fn::GetAtt",
        "Fn::GetAZs",
        "Fn::ImportValue",
        "Fn::Join",
        "Fn::Split",
        "Fn::FindInMap",
        "Fn::Select",
        "Ref",
        "Fn::Equals",
        "Fn::If",
        "Fn::Not",
        "Condition",
        "Fn::And",
        "Fn::Or",
        "Fn::Contains",
        "Fn::EachMemberEquals",
        "Fn::EachMemberIn",
        "Fn::ValueOf",
        "Fn::ValueOfAll",
        "Fn::RefAll",
        "Fn::Sub",
        "Fn::Cidr",
    ];
    if language_extensions {
        f.extend(["Fn::Length", "Fn::ToJsonString", "Fn::ForEach"]);
    }
    f
}

/// "Encountered unsupported function: X Supported functions are: [...]".
pub(crate) fn unsupported_function(name: &str, language_extensions: bool) -> TemplateError {
    TemplateError::template(format!(
        "Encountered unsupported function: {name} Supported functions are: [{}]",
        supported_functions(language_extensions).join(", ")
    ))
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
