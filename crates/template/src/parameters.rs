//! Parameters: their types, the values a stack is given (or keeps from
//! its previous template), their constraints with AWS's messages, and the
//! pseudo parameters.

use crate::error::{Result, TemplateError};
use crate::template::{Parameter, Template};
use serde_json::Value;
use std::collections::BTreeMap;

/// The AWS-specific parameter types (`AWS::EC2::VPC::Id`, ...): their
/// values must name something that exists in the account and Region.
pub const AWS_SPECIFIC_TYPES: &[&str] = &[
    "AWS::EC2::AvailabilityZone::Name",
    "AWS::EC2::Image::Id",
    "AWS::EC2::Instance::Id",
    "AWS::EC2::KeyPair::KeyName",
    "AWS::EC2::SecurityGroup::GroupName",
    "AWS::EC2::SecurityGroup::Id",
    "AWS::EC2::Subnet::Id",
    "AWS::EC2::Volume::Id",
    "AWS::EC2::VPC::Id",
    "AWS::Route53::HostedZone::Id",
];

/// A parameter's `Type`, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamType {
    /// `String`.
    String,
    /// `Number` (the value stays text; it must parse as a number).
    Number,
    /// `List<Number>`.
    NumberList,
    /// `CommaDelimitedList`.
    CommaDelimitedList,
    /// One of [`AWS_SPECIFIC_TYPES`].
    Aws(String),
    /// `List<...>` of one of [`AWS_SPECIFIC_TYPES`].
    AwsList(String),
    /// `AWS::SSM::Parameter::Name`.
    SsmName,
    /// `AWS::SSM::Parameter::Value<T>`: the value given is a Systems
    /// Manager parameter name; the stack sees that parameter's value as `T`.
    Ssm(Box<ParamType>),
}

impl ParamType {
    /// Classifies a `Type`; `None` for a type AWS does not know.
    pub fn parse(s: &str) -> Option<ParamType> {
        if let Some(inner) = s.strip_prefix("AWS::SSM::Parameter::Value<").and_then(|r| r.strip_suffix('>')) {
            let t = ParamType::parse(inner)?;
            return match t {
                ParamType::Ssm(_) | ParamType::SsmName => None,
                t => Some(ParamType::Ssm(Box::new(t))),
            };
        }
        if let Some(inner) = s.strip_prefix("List<").and_then(|r| r.strip_suffix('>')) {
            return match inner {
                "Number" => Some(ParamType::NumberList),
                // Systems Manager parameters of type StringList.
                "String" => Some(ParamType::CommaDelimitedList),
                t if AWS_SPECIFIC_TYPES.contains(&t) => Some(ParamType::AwsList(t.into())),
                _ => None,
            };
        }
        Some(match s {
            "String" => ParamType::String,
            "Number" => ParamType::Number,
            "CommaDelimitedList" => ParamType::CommaDelimitedList,
            "AWS::SSM::Parameter::Name" => ParamType::SsmName,
            t if AWS_SPECIFIC_TYPES.contains(&t) => ParamType::Aws(t.into()),
            _ => return None,
        })
    }

    /// Whether `Ref` to such a parameter gives a list.
    pub fn is_list(&self) -> bool {
        match self {
            ParamType::NumberList | ParamType::CommaDelimitedList | ParamType::AwsList(_) => true,
            ParamType::Ssm(t) => t.is_list(),
            _ => false,
        }
    }
}

/// What the caller gives for one parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Given {
    /// `ParameterValue`.
    Value(String),
    /// `UsePreviousValue=true`: the value the stack had.
    UsePrevious,
}

/// What the engine asks the rest of xvpc while resolving parameters.
pub trait ParameterLookup {
    /// The value of a Systems Manager parameter of the stack's account and
    /// Region (`AWS::SSM::Parameter::Value<...>`), `None` when it does not exist.
    fn ssm_parameter(&self, name: &str) -> Option<String>;
    /// Whether `value` names an existing thing of an AWS-specific type
    /// (`AWS::EC2::VPC::Id` and `vpc-...`); the default accepts everything.
    fn exists(&self, _aws_type: &str, _value: &str) -> bool {
        true
    }
}

/// A lookup with no Systems Manager parameters that accepts every id.
pub struct NoLookup;

impl ParameterLookup for NoLookup {
    fn ssm_parameter(&self, _name: &str) -> Option<String> {
        None
    }
}

/// The pseudo parameters of one stack (`AWS::AccountId`, `AWS::Region`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pseudo {
    /// `AWS::AccountId`.
    pub account_id: String,
    /// `AWS::Region`.
    pub region: String,
    /// `AWS::StackId`.
    pub stack_id: String,
    /// `AWS::StackName`.
    pub stack_name: String,
    /// `AWS::NotificationARNs`.
    pub notification_arns: Vec<String>,
}

impl Pseudo {
    /// The pseudo parameters of a stack in `region` of `account_id`.
    pub fn new(account_id: &str, region: &str, stack_name: &str, stack_id: &str) -> Self {
        Pseudo {
            account_id: account_id.into(),
            region: region.into(),
            stack_id: stack_id.into(),
            stack_name: stack_name.into(),
            notification_arns: vec![],
        }
    }

    /// `AWS::Partition`: `aws`, `aws-cn` or `aws-us-gov` by Region.
    pub fn partition(&self) -> &'static str {
        if self.region.starts_with("cn-") {
            "aws-cn"
        } else if self.region.starts_with("us-gov-") {
            "aws-us-gov"
        } else {
            "aws"
        }
    }

    /// `AWS::URLSuffix`.
    pub fn url_suffix(&self) -> &'static str {
        if self.region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        }
    }

    /// The value of a pseudo parameter (`AWS::NoValue` is not a value: the
    /// evaluator removes the property instead).
    pub fn value(&self, name: &str) -> Option<Value> {
        Some(match name {
            "AWS::AccountId" => self.account_id.clone().into(),
            "AWS::Region" => self.region.clone().into(),
            "AWS::StackId" => self.stack_id.clone().into(),
            "AWS::StackName" => self.stack_name.clone().into(),
            "AWS::Partition" => self.partition().into(),
            "AWS::URLSuffix" => self.url_suffix().into(),
            "AWS::NotificationARNs" => Value::Array(self.notification_arns.iter().cloned().map(Value::from).collect()),
            _ => return None,
        })
    }

    /// Whether `name` is a pseudo parameter (including `AWS::NoValue`).
    pub fn is_pseudo(name: &str) -> bool {
        matches!(
            name,
            "AWS::AccountId"
                | "AWS::Region"
                | "AWS::StackId"
                | "AWS::StackName"
                | "AWS::Partition"
                | "AWS::URLSuffix"
                | "AWS::NotificationARNs"
                | "AWS::NoValue"
        )
    }
}

/// One parameter as DescribeStacks shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownParameter {
    /// `ParameterKey`.
    pub key: String,
    /// `ParameterValue`: the text given (`****` for `NoEcho`).
    pub value: String,
    /// `ResolvedValue`: a Systems Manager parameter's value.
    pub resolved_value: Option<String>,
}

/// The resolved parameters of a stack, with its pseudo parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// What `Ref` gives for each parameter: a string, or a list of strings
    /// for list types.
    pub values: BTreeMap<String, Value>,
    /// The pseudo parameters.
    pub pseudo: Pseudo,
    /// The text each parameter was given (before Systems Manager), to keep
    /// for `UsePreviousValue` next time.
    pub given: BTreeMap<String, String>,
    shown: Vec<ShownParameter>,
}

impl Params {
    /// What `Ref` to a parameter or pseudo parameter gives.
    pub fn get(&self, name: &str) -> Option<Value> {
        self.values.get(name).cloned().or_else(|| self.pseudo.value(name))
    }

    /// The parameters as DescribeStacks shows them (`NoEcho` masked).
    pub fn shown(&self) -> &[ShownParameter] {
        &self.shown
    }
}

/// Resolves the parameters of `template` from what the caller gives, the
/// previous values of the stack (for `UsePreviousValue`) and the lookups,
/// checking every constraint with AWS's message.
pub fn resolve_parameters(
    template: &Template,
    given: &BTreeMap<String, Given>,
    previous: &BTreeMap<String, String>,
    pseudo: Pseudo,
    lookup: &dyn ParameterLookup,
) -> Result<Params> {
    let unknown: Vec<&str> =
        given.keys().map(String::as_str).filter(|k| !template.parameters.contains_key(*k)).collect();
    if !unknown.is_empty() {
        return Err(TemplateError::parameter(format!("Parameters: [{}] do not exist in the template", unknown.join(", "))));
    }
    let mut texts = BTreeMap::new();
    let mut missing = vec![];
    for (name, p) in &template.parameters {
        let text = match given.get(name) {
            Some(Given::Value(v)) => Some(v.clone()),
            Some(Given::UsePrevious) => Some(previous.get(name).cloned().ok_or_else(|| {
                TemplateError::parameter(format!(
                    "Invalid input for parameter key {name}. Cannot specify usePreviousValue as true for a parameter key not in the previous template"
                ))
            })?),
            None => p.default.clone(),
        };
        match text {
            Some(t) => {
                texts.insert(name.clone(), t);
            }
            None => missing.push(name.as_str()),
        }
    }
    if !missing.is_empty() {
        return Err(TemplateError::parameter(format!("Parameters: [{}] must have values", missing.join(", "))));
    }
    let mut values = BTreeMap::new();
    let mut shown = vec![];
    for (name, text) in &texts {
        let p = &template.parameters[name];
        let (value, resolved) = match &p.param_type {
            ParamType::Ssm(inner) => {
                let v = lookup.ssm_parameter(text).ok_or_else(|| {
                    TemplateError::parameter(format!(
                        "Unable to fetch parameters [{text}] from parameter store for this account."
                    ))
                })?;
                (typed_value(name, p, inner, &v, lookup)?, Some(v))
            }
            t => (typed_value(name, p, t, text, lookup)?, None),
        };
        values.insert(name.clone(), value);
        shown.push(ShownParameter {
            key: name.clone(),
            value: if p.no_echo { "****".into() } else { text.clone() },
            resolved_value: resolved.map(|r| if p.no_echo { "****".into() } else { r }),
        });
    }
    let params = Params { values, pseudo, given: texts, shown };
    crate::rules::check(template, &params)?;
    Ok(params)
}

/// Splits a list parameter's text as AWS does (commas; spaces kept, except
/// around the items of `List<Number>` and AWS-specific lists).
fn items(text: &str, trim: bool) -> Vec<String> {
    if text.is_empty() {
        return vec![];
    }
    text.split(',').map(|s| if trim { s.trim().to_string() } else { s.to_string() }).collect()
}

fn typed_value(name: &str, p: &Parameter, t: &ParamType, text: &str, lookup: &dyn ParameterLookup) -> Result<Value> {
    match t {
        ParamType::String | ParamType::SsmName => {
            check_string(name, p, text)?;
            Ok(text.into())
        }
        ParamType::Number => {
            check_number(name, p, text)?;
            Ok(text.into())
        }
        ParamType::NumberList => {
            let list = items(text, true);
            for item in &list {
                check_number(name, p, item)?;
            }
            Ok(list.into())
        }
        ParamType::CommaDelimitedList => {
            let list = items(text, false);
            for item in &list {
                check_string(name, p, item)?;
            }
            Ok(list.into())
        }
        ParamType::Aws(ty) => {
            check_string(name, p, text)?;
            check_exists(name, ty, text, lookup)?;
            Ok(text.into())
        }
        ParamType::AwsList(ty) => {
            let list = items(text, true);
            for item in &list {
                check_string(name, p, item)?;
                check_exists(name, ty, item, lookup)?;
            }
            Ok(list.into())
        }
        ParamType::Ssm(_) => Err(TemplateError::parameter(format!("Parameter '{name}' has an unsupported type"))),
    }
}

fn check_exists(name: &str, ty: &str, value: &str, lookup: &dyn ParameterLookup) -> Result<()> {
    if lookup.exists(ty, value) {
        return Ok(());
    }
    Err(TemplateError::parameter(format!(
        "Parameter validation failed: parameter value {value} for parameter name {name} does not exist"
    )))
}

/// The violation message: AWS's own wording, or `ConstraintDescription`.
fn violated(name: &str, p: &Parameter, aws: String) -> TemplateError {
    match &p.constraint_description {
        Some(d) => TemplateError::parameter(format!("Parameter '{name}' failed to satisfy constraint: {d}")),
        None => TemplateError::parameter(format!("Parameter '{name}' {aws}")),
    }
}

fn check_allowed(name: &str, p: &Parameter, text: &str) -> Result<()> {
    if let Some(allowed) = &p.allowed_values {
        if !allowed.iter().any(|a| a == text) {
            return Err(violated(name, p, "must be one of AllowedValues".into()));
        }
    }
    Ok(())
}

fn check_string(name: &str, p: &Parameter, text: &str) -> Result<()> {
    check_allowed(name, p, text)?;
    let len = text.chars().count() as u64;
    if let Some(min) = p.min_length {
        if len < min {
            return Err(violated(name, p, format!("must contain at least {min} characters")));
        }
    }
    if let Some(max) = p.max_length {
        if len > max {
            return Err(violated(name, p, format!("must contain at most {max} characters")));
        }
    }
    if let Some(pattern) = &p.allowed_pattern {
        // AWS reads the pattern as a Java regular expression. One this
        // engine cannot read (look-around, `[\w-\+]`) is not checked:
        // refusing a value AWS accepts would be worse than accepting one it
        // refuses.
        if let Ok(re) = regex_lite::Regex::new(&format!("^(?:{pattern})$")) {
            if !re.is_match(text) {
                return Err(violated(name, p, format!("must match pattern {pattern}")));
            }
        }
    }
    Ok(())
}

fn check_number(name: &str, p: &Parameter, text: &str) -> Result<()> {
    let n: f64 = text
        .trim()
        .parse()
        .ok()
        .filter(|n: &f64| n.is_finite())
        .ok_or_else(|| TemplateError::parameter(format!("Parameter '{name}' must be a number.")))?;
    check_allowed(name, p, text)?;
    if let Some(min) = p.min_value {
        if n < min {
            return Err(violated(name, p, format!("must be a number not less than {}", show_number(min))));
        }
    }
    if let Some(max) = p.max_value {
        if n > max {
            return Err(violated(name, p, format!("must be a number not greater than {}", show_number(max))));
        }
    }
    Ok(())
}

fn show_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}
