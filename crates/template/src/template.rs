//! The parsed template: its sections, checked for the structure AWS
//! requires before anything is evaluated.

use crate::error::{Result, TemplateError};
use crate::parameters::ParamType;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The transform whose functions (`Fn::Length`, `Fn::ToJsonString`,
/// `Fn::FindInMap` with `DefaultValue`) this engine evaluates itself.
pub const LANGUAGE_EXTENSIONS: &str = "AWS::LanguageExtensions";

/// A parsed CloudFormation template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// `AWSTemplateFormatVersion` as written.
    pub format_version: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// Top-level `Metadata`.
    pub metadata: Option<Value>,
    /// `Transform`, as a list (a single name becomes one entry).
    pub transforms: Vec<String>,
    /// `Parameters` by name.
    pub parameters: BTreeMap<String, Parameter>,
    /// `Mappings` by name (map name -> top key -> second key -> value).
    pub mappings: Map<String, Value>,
    /// `Conditions` by name, unevaluated.
    pub conditions: BTreeMap<String, Value>,
    /// `Rules` (kept, not evaluated).
    pub rules: Option<Value>,
    /// `Resources` by logical id.
    pub resources: BTreeMap<String, Resource>,
    /// `Outputs` by logical id.
    pub outputs: BTreeMap<String, Output>,
    /// The whole template in its JSON form (YAML short forms expanded), as
    /// written (before any `Fn::ForEach` expansion).
    pub body: Value,
    /// `AWS::LanguageExtensions` processing that needs parameter values
    /// (`Fn::ForEach` over a parameter, a `DeletionPolicy` or
    /// `UpdateReplacePolicy` computed by a function) waits for
    /// [`Template::bind`]; until then `resources`, `outputs` and
    /// `conditions` lack the loops' entries, computed policies are `None`,
    /// and references are not checked.
    pub deferred_for_each: bool,
}

/// One entry of `Parameters`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// `Type` as written (`String`, `AWS::EC2::VPC::Id`, ...).
    pub type_name: String,
    /// `Type`, classified.
    pub param_type: ParamType,
    /// `Default`, as text (a list default joined with commas).
    pub default: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `NoEcho`: the value is shown as `****`.
    pub no_echo: bool,
    /// `AllowedValues`.
    pub allowed_values: Option<Vec<String>>,
    /// `AllowedPattern` (matches the whole value).
    pub allowed_pattern: Option<String>,
    /// `MinLength`.
    pub min_length: Option<u64>,
    /// `MaxLength`.
    pub max_length: Option<u64>,
    /// `MinValue`.
    pub min_value: Option<f64>,
    /// `MaxValue`.
    pub max_value: Option<f64>,
    /// `ConstraintDescription`: replaces AWS's own wording of a violation.
    pub constraint_description: Option<String>,
}

/// One entry of `Resources`.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// `Type` (`AWS::EC2::VPC`); an unknown type is not refused here.
    pub resource_type: String,
    /// `Properties`, unevaluated (an empty object when absent).
    pub properties: Value,
    /// `DependsOn`, as a list.
    pub depends_on: Vec<String>,
    /// `Condition`: the resource exists only when it is true.
    pub condition: Option<String>,
    /// `DeletionPolicy` (`Delete` when absent; `Retain`, `Snapshot`, `RetainExceptOnCreate`).
    pub deletion_policy: Option<String>,
    /// `UpdateReplacePolicy`.
    pub update_replace_policy: Option<String>,
    /// `Metadata`.
    pub metadata: Option<Value>,
}

/// One entry of `Outputs`.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// `Value`, unevaluated.
    pub value: Value,
    /// `Description`.
    pub description: Option<String>,
    /// `Export.Name`, unevaluated.
    pub export_name: Option<Value>,
    /// `Condition`: the output exists only when it is true.
    pub condition: Option<String>,
}

const SECTIONS: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
    "Hooks",
];
const RESOURCE_ATTRIBUTES: &[&str] = &[
    "Type",
    "Properties",
    "DependsOn",
    "Condition",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Metadata",
    "CreationPolicy",
    "UpdatePolicy",
    "Version",
];
const PARAMETER_ATTRIBUTES: &[&str] = &[
    "Type",
    "Default",
    "Description",
    "NoEcho",
    "AllowedValues",
    "AllowedPattern",
    "MinLength",
    "MaxLength",
    "MinValue",
    "MaxValue",
    "ConstraintDescription",
];
/// AWS's quotas on one template: (section, what its error counts, most allowed).
const SECTION_LIMITS: &[(&str, &str, usize)] =
    &[("Resources", "resources", 500), ("Parameters", "parameters", 200), ("Outputs", "outputs", 200), ("Mappings", "mappings", 200)];

const DELETION_POLICIES: &[&str] = &["Delete", "Retain", "Snapshot", "RetainExceptOnCreate"];

impl Template {
    /// Parses a template body (JSON when it starts with `{`, else YAML) and
    /// checks its structure and references, as ValidateTemplate does.
    pub fn parse(body: &str) -> Result<Template> {
        let json = crate::yaml::body_to_json(body)?;
        Self::from_json(json)
    }

    /// Builds a template from its JSON form (short forms already expanded).
    pub fn from_json(body: Value) -> Result<Template> {
        let lang = transforms_of(&body).iter().any(|t| t == LANGUAGE_EXTENSIONS);
        let policies = lang && !take_policies(&body).1.is_empty();
        if lang && (policies || crate::foreach::present(&body)) {
            if !policies {
                if let Some(expanded) = crate::foreach::expand(&body, &|c| Ok(crate::foreach::literal(c)))? {
                    let mut t = Self::from_json(expanded)?;
                    t.body = body;
                    return Ok(t);
                }
            }
            return Self::sections(body, true);
        }
        Self::sections(body, false)
    }

    /// Reads the sections; `deferred`: entries of `Fn::ForEach` loops are
    /// left out and references not checked (see [`Template::deferred_for_each`]).
    fn sections(body: Value, deferred: bool) -> Result<Template> {
        let loops = |k: &String| !(deferred && k.starts_with(crate::foreach::PREFIX));
        let Value::Object(top) = &body else {
            return Err(TemplateError::format("Template is not a JSON or YAML object"));
        };
        let unknown: Vec<&str> =
            top.keys().map(String::as_str).filter(|k| !SECTIONS.contains(k)).collect();
        if !unknown.is_empty() {
            return Err(TemplateError::format(format!(
                "Invalid template property or properties [{}]",
                unknown.join(", ")
            )));
        }
        for (section, what, max) in SECTION_LIMITS {
            let n = top.get(*section).and_then(Value::as_object).map_or(0, Map::len);
            if n > *max {
                return Err(TemplateError::format(format!(
                    "Number of {what}, {n}, is greater than maximum allowed, {max}"
                )));
            }
        }
        let format_version = opt_string(top.get("AWSTemplateFormatVersion"));
        if let Some(v) = &format_version {
            if v != "2010-09-09" {
                return Err(TemplateError::format(format!("Unsupported template version {v}")));
            }
        }
        let description = match top.get("Description") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(TemplateError::format("Every Description member must be a string")),
        };
        if matches!(top.get("Transform"), Some(t) if !(t.is_string() || t.is_array())) {
            return Err(TemplateError::format("Transform must be a string or a list of strings"));
        }
        let transforms = transforms_of(&body);
        let parameters = section(top, "Parameters")?
            .iter()
            .map(|(k, v)| Ok((k.clone(), parse_parameter(k, v)?)))
            .collect::<Result<_>>()?;
        let mappings = section(top, "Mappings")?.clone();
        for (name, m) in &mappings {
            if !m.is_object() {
                return Err(TemplateError::format(format!("Mappings attribute {name} must be a JSON object")));
            }
        }
        let conditions =
            section(top, "Conditions")?.iter().filter(|(k, _)| loops(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
        let res = match top.get("Resources") {
            Some(Value::Object(m)) if !m.is_empty() => m,
            _ => return Err(TemplateError::format("At least one Resources member must be defined.")),
        };
        let resources = res
            .iter()
            .filter(|(k, _)| loops(k))
            .map(|(k, v)| Ok((k.clone(), parse_resource(k, v, deferred)?)))
            .collect::<Result<_>>()?;
        let outputs = section(top, "Outputs")?
            .iter()
            .filter(|(k, _)| loops(k))
            .map(|(k, v)| Ok((k.clone(), parse_output(k, v)?)))
            .collect::<Result<_>>()?;
        let template = Template {
            format_version,
            description,
            metadata: top.get("Metadata").cloned(),
            transforms,
            parameters,
            mappings,
            conditions,
            rules: top.get("Rules").cloned(),
            resources,
            outputs,
            body: body.clone(),
            deferred_for_each: deferred,
        };
        for t in &template.transforms {
            if t != LANGUAGE_EXTENSIONS {
                return Err(TemplateError::format(format!(
                    "Transform {t} is not supported by this emulator (only {LANGUAGE_EXTENSIONS} is)"
                )));
            }
        }
        if !deferred {
            crate::references::check(&template)?;
        }
        Ok(template)
    }

    /// The resources `logical_id` depends on: those its properties refer to
    /// (`Ref`, `Fn::GetAtt`, `Fn::Sub`) and its `DependsOn`.
    pub fn dependencies(&self, logical_id: &str) -> std::collections::BTreeSet<String> {
        if !self.resources.contains_key(logical_id) {
            return Default::default();
        }
        crate::references::depends_on(self, logical_id)
    }

    /// Whether `Transform: AWS::LanguageExtensions` is declared.
    pub fn language_extensions(&self) -> bool {
        self.transforms.iter().any(|t| t == LANGUAGE_EXTENSIONS)
    }
}

fn transforms_of(body: &Value) -> Vec<String> {
    match body.get("Transform") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => vec![],
    }
}

fn section<'a>(top: &'a Map<String, Value>, name: &str) -> Result<&'a Map<String, Value>> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    match top.get(name) {
        None | Some(Value::Null) => Ok(EMPTY.get_or_init(Map::new)),
        Some(Value::Object(m)) => Ok(m),
        Some(_) => Err(TemplateError::format(format!("{name} must be a JSON object"))),
    }
}

fn alphanumeric(kind: &str, name: &str) -> Result<()> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(TemplateError::format(format!("{kind} name {name} is non alphanumeric.")));
    }
    Ok(())
}

/// A scalar as the text CloudFormation sees (numbers and booleans as written).
pub(crate) fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn opt_string(v: Option<&Value>) -> Option<String> {
    v.and_then(scalar_text)
}

fn parse_parameter(name: &str, v: &Value) -> Result<Parameter> {
    alphanumeric("Parameter", name)?;
    let Value::Object(m) = v else {
        return Err(TemplateError::format(format!("Parameter {name} must be a JSON object")));
    };
    if let Some(k) = m.keys().find(|k| !PARAMETER_ATTRIBUTES.contains(&k.as_str())) {
        return Err(TemplateError::format(format!("Invalid template parameter property '{k}'")));
    }
    let type_name = match m.get("Type") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(TemplateError::format("Every Parameters object must contain a Type member.")),
    };
    let param_type = ParamType::parse(&type_name)
        .ok_or_else(|| TemplateError::format(format!("Unrecognized parameter type: {type_name}")))?;
    let default = match m.get("Default") {
        Some(Value::Array(items)) => {
            Some(items.iter().filter_map(scalar_text).collect::<Vec<_>>().join(","))
        }
        other => opt_string(other),
    };
    let number = |key: &str| -> Result<Option<f64>> {
        match m.get(key) {
            None => Ok(None),
            Some(v) => scalar_text(v).and_then(|s| s.parse().ok()).map(Some).ok_or_else(|| {
                TemplateError::format(format!("Parameter '{name}' {key} must be a number"))
            }),
        }
    };
    let count = |key: &str| -> Result<Option<u64>> {
        Ok(number(key)?.map(|f| f.max(0.0) as u64))
    };
    let allowed_values = match m.get("AllowedValues") {
        None => None,
        Some(Value::Array(a)) => Some(a.iter().filter_map(scalar_text).collect()),
        Some(_) => return Err(TemplateError::format(format!("Parameter '{name}' AllowedValues must be a list"))),
    };
    let no_echo = matches!(m.get("NoEcho"), Some(Value::Bool(true)))
        || matches!(m.get("NoEcho"), Some(Value::String(s)) if s.eq_ignore_ascii_case("true"));
    Ok(Parameter {
        type_name,
        param_type,
        default,
        description: opt_string(m.get("Description")),
        no_echo,
        allowed_values,
        allowed_pattern: opt_string(m.get("AllowedPattern")),
        min_length: count("MinLength")?,
        max_length: count("MaxLength")?,
        min_value: number("MinValue")?,
        max_value: number("MaxValue")?,
        constraint_description: opt_string(m.get("ConstraintDescription")),
    })
}

/// The resource policies a function computes (`DeletionPolicy: !If [...]`,
/// allowed with `AWS::LanguageExtensions`): `body` without them, and each
/// as (logical id, attribute, expression).
pub(crate) fn take_policies(body: &Value) -> (Value, Vec<(String, String, Value)>) {
    let mut out = body.clone();
    let mut taken = vec![];
    if let Some(Value::Object(resources)) = out.get_mut("Resources") {
        for (id, r) in resources.iter_mut() {
            let Value::Object(attrs) = r else { continue };
            for key in ["DeletionPolicy", "UpdateReplacePolicy"] {
                if attrs.get(key).is_some_and(Value::is_object) {
                    let expr = attrs.remove(key).expect("present");
                    taken.push((id.clone(), key.to_string(), expr));
                }
            }
        }
    }
    (out, taken)
}

/// A policy value as AWS accepts it.
pub(crate) fn policy_value(id: &str, key: &str, v: &Value) -> Result<String> {
    match v {
        Value::String(s) if DELETION_POLICIES.contains(&s.as_str()) => Ok(s.clone()),
        v => Err(TemplateError::format(format!(
            "Unrecognized {key} {} for resource {id}",
            scalar_text(v).unwrap_or_else(|| v.to_string())
        ))),
    }
}

fn parse_resource(id: &str, v: &Value, deferred: bool) -> Result<Resource> {
    alphanumeric("Resource", id)?;
    let Value::Object(m) = v else {
        return Err(TemplateError::format(format!("[/Resources/{id}] resource definition is malformed")));
    };
    if let Some(k) = m.keys().find(|k| !RESOURCE_ATTRIBUTES.contains(&k.as_str())) {
        return Err(TemplateError::format(format!("Invalid template resource property '{k}'")));
    }
    let resource_type = match m.get("Type") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(TemplateError::format(format!("[/Resources/{id}] Every Resources object must contain a Type member."))),
    };
    let properties = match m.get("Properties") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(p @ Value::Object(_)) => p.clone(),
        Some(_) => {
            return Err(TemplateError::format(format!("[/Resources/{id}/Properties] Every Properties object must be a JSON object")))
        }
    };
    let depends_on = match m.get("DependsOn") {
        None => vec![],
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) if a.iter().all(Value::is_string) => {
            a.iter().filter_map(|v| v.as_str().map(String::from)).collect()
        }
        Some(_) => {
            return Err(TemplateError::format(format!(
                "[/Resources/{id}/DependsOn] DependsOn must be a string or list of strings"
            )))
        }
    };
    let condition = match m.get("Condition") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(TemplateError::format(format!("[/Resources/{id}/Condition] Condition must be a string"))),
    };
    let policy = |key: &str| -> Result<Option<String>> {
        match m.get(key) {
            None => Ok(None),
            // Computed: known once bound to the parameters.
            Some(Value::Object(_)) if deferred => Ok(None),
            Some(v) => policy_value(id, key, v).map(Some),
        }
    };
    Ok(Resource {
        resource_type,
        properties,
        depends_on,
        condition,
        deletion_policy: policy("DeletionPolicy")?,
        update_replace_policy: policy("UpdateReplacePolicy")?,
        metadata: m.get("Metadata").cloned(),
    })
}

fn parse_output(id: &str, v: &Value) -> Result<Output> {
    alphanumeric("Output", id)?;
    let Value::Object(m) = v else {
        return Err(TemplateError::format(format!("Output {id} must be a JSON object")));
    };
    let value = m
        .get("Value")
        .cloned()
        .ok_or_else(|| TemplateError::format("Every Outputs member must contain a Value object"))?;
    let export_name = match m.get("Export") {
        None => None,
        Some(Value::Object(e)) => Some(
            e.get("Name")
                .cloned()
                .ok_or_else(|| TemplateError::format(format!("[/Outputs/{id}/Export] Export must contain a Name")))?,
        ),
        Some(_) => return Err(TemplateError::format(format!("[/Outputs/{id}/Export] Export must be a JSON object"))),
    };
    Ok(Output {
        value,
        description: opt_string(m.get("Description")),
        export_name,
        condition: opt_string(m.get("Condition")),
    })
}
