//! A customer's Systems Manager parameters (Parameter Store), per account
//! and region: `String`, `StringList` and `SecureString` values stored as
//! given (a SecureString is not encrypted: xvpc has no KMS, and returns
//! its value whatever `WithDecryption` says), a version bumped by every
//! overwrite, and tags. Only the current version is kept, so a selector
//! naming an older one is `ParameterVersionNotFound`.
//!
//! Reading a name goes through [`find`], which also answers AWS's public
//! parameters (`crate::public_parameter`).

use serde::{Deserialize, Serialize};

use crate::error::{ModelError, Result, SsmFault};
use crate::public_parameter::{self as public, PublicParameter};
use crate::state::{Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// One stored parameter. `id` is its ARN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Parameter {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    /// `String`, `StringList` or `SecureString`.
    pub param_type: String,
    pub value: String,
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `text` or `aws:ec2:image`.
    pub data_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_pattern: Option<String>,
    /// A SecureString's KMS key (`alias/aws/ssm` unless given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    /// `Standard` or `Advanced`.
    pub tier: String,
    /// Milliseconds since the Unix epoch.
    pub last_modified: i64,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
crate::impl_owned!(Parameter);

/// The KMS key AWS uses for a SecureString when none is given.
pub const DEFAULT_KEY: &str = "alias/aws/ssm";
/// Tags one parameter holds at most.
const MAX_TAGS: usize = 50;

/// PutParameter's input.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Put {
    pub name: String,
    pub value: String,
    pub param_type: Option<String>,
    pub description: Option<String>,
    pub overwrite: bool,
    pub allowed_pattern: Option<String>,
    pub key_id: Option<String>,
    pub data_type: Option<String>,
    pub tier: Option<String>,
    pub tags: Tags,
}

/// The ARN of a customer's parameter: a hierarchical name's leading `/`
/// is the ARN's own separator.
pub fn arn(ctx: &Ctx, name: &str) -> String {
    format!("arn:aws:ssm:{}:{}:parameter/{}", ctx.region, ctx.account, name.strip_prefix('/').unwrap_or(name))
}

fn validation(message: impl Into<String>) -> ModelError {
    ModelError::Ssm(SsmFault::Validation, message.into())
}

/// The names PutParameter refuses: AWS's own namespaces, a hierarchy not
/// rooted at `/`, and characters outside `a-zA-Z0-9_.-/`.
fn check_name(name: &str) -> Result<()> {
    let flat = name.trim_start_matches('/').to_ascii_lowercase();
    if flat.starts_with("aws") || flat.starts_with("ssm") {
        return Err(validation("Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive)."));
    }
    if name.contains('/') && !name.starts_with('/') {
        return Err(validation("Parameter name must be a fully qualified name."));
    }
    if name.is_empty() || name.len() > 2048 || name.contains("//") || !name.chars().all(|c| c.is_ascii_alphanumeric() || "_.-/".contains(c)) {
        return Err(validation(format!(
            "Parameter name: {name} is not valid. Parameter names can consist of letters, numbers, periods, dashes, underscores and forward slashes."
        )));
    }
    Ok(())
}

/// PutParameter: creates version 1, or with `Overwrite` replaces the value
/// as the next version (tags stay; a new tag set is refused with Overwrite).
/// Returns the version written and the tier.
pub fn put(state: &State, ctx: &Ctx, input: Put) -> Result<(Changes, i64, String)> {
    check_name(&input.name)?;
    let id = arn(ctx, &input.name);
    let existing = state.parameters.get(&id);
    if existing.is_some() && !input.overwrite {
        return Err(ModelError::Ssm(
            SsmFault::ParameterAlreadyExists,
            "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.".into(),
        ));
    }
    if input.overwrite && !input.tags.is_empty() {
        return Err(validation(
            "Invalid parameter: Tags and Overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. \
             To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
        ));
    }
    if input.tags.len() > MAX_TAGS {
        return Err(ModelError::Ssm(SsmFault::TooManyTags, "The Tags parameter exceeds the maximum of 50 tags.".into()));
    }
    let param_type = match (&input.param_type, existing) {
        (Some(t), _) => t.clone(),
        (None, Some(p)) => p.param_type.clone(),
        (None, None) => return Err(validation("A parameter type is required when you create a parameter.")),
    };
    if input.value.is_empty() {
        return Err(validation(
            "1 validation error detected: Value '' at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ));
    }
    let data_type = input.data_type.clone().or_else(|| existing.map(|p| p.data_type.clone())).unwrap_or_else(|| "text".into());
    match data_type.as_str() {
        "text" => {}
        "aws:ec2:image" if param_type == "String" => {
            crate::image::find(&input.value).map_err(|_| validation(format!("Parameter value, {}, is not a valid AMI ID.", input.value)))?;
        }
        "aws:ec2:image" => return Err(validation("The aws:ec2:image data type is only supported for String parameters.")),
        other => {
            return Err(validation(format!(
                "The following data type is not supported: {other} (Data type names are all lowercase.)"
            )))
        }
    }
    let key_id = (param_type == "SecureString").then(|| input.key_id.clone().unwrap_or_else(|| DEFAULT_KEY.into()));
    let tier = input.tier.clone().filter(|t| t != "Intelligent-Tiering").or_else(|| existing.map(|p| p.tier.clone())).unwrap_or_else(|| "Standard".into());
    let p = Parameter {
        id,
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        name: input.name,
        param_type,
        value: input.value,
        version: existing.map_or(1, |p| p.version + 1),
        description: input.description.or_else(|| existing.and_then(|p| p.description.clone())),
        data_type,
        allowed_pattern: input.allowed_pattern.or_else(|| existing.and_then(|p| p.allowed_pattern.clone())),
        key_id,
        tier: tier.clone(),
        last_modified: ctx.now,
        tags: existing.map_or(input.tags, |p| p.tags.clone()),
    };
    let version = p.version;
    let mut ch = Changes::new();
    ch.put(p);
    Ok((ch, version, tier))
}

/// What a requested name designates: the caller's parameter or AWS's
/// public one, with the selector the request named.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Found<'a> {
    Customer(&'a Parameter, Option<&'a str>),
    Public(&'static PublicParameter, Option<&'a str>),
}

/// The parameter a GetParameter(s) name designates (`None`: not found).
pub fn find<'a>(state: &'a State, ctx: &Ctx, raw: &'a str) -> Result<Option<Found<'a>>> {
    let wanted = public::parse_name(raw);
    if let Some(p) = public::find(raw)? {
        return Ok(Some(Found::Public(p, wanted.selector)));
    }
    // An ARN names a hierarchical or a flat name alike.
    let p = state.parameters.get(&arn(ctx, wanted.name)).filter(|p| p.owner == ctx.account && p.region == ctx.region);
    let Some(p) = p else { return Ok(None) };
    match wanted.selector {
        None => Ok(Some(Found::Customer(p, None))),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n == p.version => Ok(Some(Found::Customer(p, Some(v)))),
            Ok(n) => Err(ModelError::Ssm(
                SsmFault::ParameterVersionNotFound,
                format!("Systems Manager could not find version {n} of {}. Verify the version and try again.", p.name),
            )),
            // Labels are not kept: a label names no version.
            Err(_) => Ok(None),
        },
    }
}

/// The caller's parameter by name, or `ParameterNotFound`.
pub fn own<'a>(state: &'a State, ctx: &Ctx, name: &str) -> Result<&'a Parameter> {
    state
        .parameters
        .get(&arn(ctx, name))
        .filter(|p| p.owner == ctx.account && p.region == ctx.region)
        .ok_or_else(public::not_found)
}

/// DeleteParameter.
pub fn delete(state: &State, ctx: &Ctx, name: &str) -> Result<Changes> {
    let p = own(state, ctx, name)?;
    let mut ch = Changes::new();
    ch.delete(ResourceKind::Parameter, &p.id);
    Ok(ch)
}

/// The caller's parameters under `path` (GetParametersByPath), by name.
pub fn under<'a>(state: &'a State, ctx: &Ctx, path: &str, recursive: bool) -> Vec<&'a Parameter> {
    let mut v: Vec<&Parameter> = state.parameters.scope(ctx).filter(|p| public::is_under(&p.name, path, recursive)).collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

/// AddTagsToResource / RemoveTagsFromResource on a parameter (by name).
pub fn edit_tags(state: &State, ctx: &Ctx, name: &str, add: Tags, remove: &[String]) -> Result<Changes> {
    let p = own(state, ctx, name).map_err(|_| ModelError::Ssm(SsmFault::InvalidResourceId, String::new()))?;
    let mut next = p.clone();
    next.tags.extend(add);
    remove.iter().for_each(|k| {
        next.tags.remove(k);
    });
    if next.tags.len() > MAX_TAGS {
        return Err(ModelError::Ssm(SsmFault::TooManyTags, "The Tags parameter exceeds the maximum of 50 tags.".into()));
    }
    let mut ch = Changes::new();
    ch.put(next);
    Ok(ch)
}

/// One `ParameterFilters` entry of DescribeParameters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    pub key: String,
    pub option: Option<String>,
    pub values: Vec<String>,
}

/// A filter's key and option as AWS accepts them, checked before any row.
fn check_filter(f: &Filter) -> Result<()> {
    let options: &[&str] = match f.key.as_str() {
        "Name" => &["Equals", "BeginsWith", "Contains"],
        "Path" => &["OneLevel", "Recursive"],
        "Type" | "KeyId" | "DataType" | "Tier" => &["Equals"],
        k if k.starts_with("tag:") => &["Equals"],
        k => {
            return Err(ModelError::Ssm(
                SsmFault::InvalidFilterKey,
                format!("The following filter key is not valid: {k}. Valid filter keys include: [Path, Name, Type, KeyId, DataType, Tier, tag:<key>]."),
            ))
        }
    };
    match &f.option {
        Some(o) if !options.contains(&o.as_str()) => Err(ModelError::Ssm(
            SsmFault::InvalidFilterOption,
            "The specified filter option isn't valid. Valid options are Equals and BeginsWith. For Path filter, valid options are Recursive and OneLevel."
                .into(),
        )),
        _ => Ok(()),
    }
}

/// Whether `p` passes one (checked) filter.
fn passes(p: &Parameter, f: &Filter) -> bool {
    let equals = |v: &str| f.values.iter().any(|x| x == v);
    match (f.key.as_str(), f.option.as_deref()) {
        ("Name", Some("BeginsWith")) => f.values.iter().any(|x| p.name.starts_with(x.as_str())),
        ("Name", Some("Contains")) => f.values.iter().any(|x| p.name.contains(x.as_str())),
        ("Name", _) => equals(&p.name),
        ("Path", o) => f.values.iter().any(|x| public::is_under(&p.name, x, o == Some("Recursive"))),
        ("Type", _) => equals(&p.param_type),
        ("KeyId", _) => p.key_id.as_deref().is_some_and(equals),
        ("DataType", _) => equals(&p.data_type),
        ("Tier", _) => equals(&p.tier),
        (k, _) => k.strip_prefix("tag:").and_then(|t| p.tags.get(t)).is_some_and(|v| f.values.is_empty() || equals(v)),
    }
}

/// DescribeParameters: the caller's parameters that pass every filter, by name.
pub fn describe<'a>(state: &'a State, ctx: &Ctx, filters: &[Filter]) -> Result<Vec<&'a Parameter>> {
    filters.iter().try_for_each(check_filter)?;
    let mut out: Vec<&Parameter> = state.parameters.scope(ctx).filter(|p| filters.iter().all(|f| passes(p, f))).collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

#[cfg(test)]
#[path = "parameter_tests.rs"]
mod tests;
