//! Systems Manager Parameter Store (awsJson1.1, target prefix `AmazonSSM`):
//! AWS's public AMI parameters (`xvpc_model::public_parameter`) and the
//! caller's own (`xvpc_model::parameter`) through GetParameter,
//! GetParameters and GetParametersByPath; PutParameter, DeleteParameter,
//! DescribeParameters and tags for the caller's. Typed handlers over
//! `shapes::ssm`.

use xvpc_model::error::SsmFault;
use xvpc_model::parameter::{self as model, Found, Parameter};
use xvpc_model::public_parameter::{self as public, PublicParameter};
use xvpc_model::tags::Tags;
use xvpc_model::ModelError;
use xvpc_wire::page::{PageError, PageLimits};
use xvpc_wire::shapes::ssm::{self as shape, ops};
use xvpc_wire::Timestamp;

use crate::call::{Call, TypedJsonHandler};
use crate::errors::{Error, Result};

/// Every Systems Manager action: `(_, operation, glue)`.
pub const TYPED: &[(&str, &str, TypedJsonHandler)] = &[
    crate::typed_json!(ops::AddTagsToResource, add_tags_to_resource),
    crate::typed_json!(ops::DeleteParameter, delete_parameter),
    crate::typed_json!(ops::DescribeParameters, describe_parameters),
    crate::typed_json!(ops::GetParameter, get_parameter),
    crate::typed_json!(ops::GetParameters, get_parameters),
    crate::typed_json!(ops::GetParametersByPath, get_parameters_by_path),
    crate::typed_json!(ops::ListTagsForResource, list_tags_for_resource),
    crate::typed_json!(ops::PutParameter, put_parameter),
    crate::typed_json!(ops::RemoveTagsFromResource, remove_tags_from_resource),
];

/// The service's `X-Amz-Target` prefix (botocore's `targetPrefix`).
pub const TARGET_PREFIX: &str = "AmazonSSM";

/// The handler of an `X-Amz-Target: AmazonSSM.<Operation>`.
pub fn handler(target: &str) -> Option<(&'static str, TypedJsonHandler)> {
    let op = target.strip_prefix(TARGET_PREFIX)?.strip_prefix('.')?;
    TYPED.iter().find(|e| e.1 == op).map(|e| (e.1, e.2))
}

/// A public parameter as AWS returns it; `selector` is the `:<version>`
/// the request named, if any.
fn parameter_shape(p: &PublicParameter, region: &str, selector: Option<&str>) -> shape::Parameter {
    shape::Parameter {
        name: Some(p.name.to_string()),
        type_: Some(shape::ParameterType::from(public::TYPE)),
        value: Some(p.image_id.to_string()),
        version: Some(p.version),
        selector: selector.map(|s| format!(":{s}")),
        last_modified_date: Some(Timestamp(p.last_modified)),
        arn: Some(p.arn(region)),
        data_type: Some(public::DATA_TYPE.to_string()),
        ..Default::default()
    }
}

/// A customer's parameter as GetParameter(s) return it.
fn customer_shape(p: &Parameter, selector: Option<&str>) -> shape::Parameter {
    shape::Parameter {
        name: Some(p.name.clone()),
        type_: Some(shape::ParameterType::from(p.param_type.as_str())),
        value: Some(p.value.clone()),
        version: Some(p.version),
        selector: selector.map(|s| format!(":{s}")),
        last_modified_date: Some(Timestamp(p.last_modified)),
        arn: Some(p.id.clone()),
        data_type: Some(p.data_type.clone()),
        ..Default::default()
    }
}

/// The parameter a requested name (name, ARN, `name:version`) designates.
fn lookup(call: &Call, raw: &str) -> Result<Option<shape::Parameter>> {
    Ok(match model::find(call.state(), &call.ctx, raw)? {
        Some(Found::Public(p, selector)) => Some(parameter_shape(p, &call.ctx.region, selector)),
        Some(Found::Customer(p, selector)) => Some(customer_shape(p, selector)),
        None => None,
    })
}

fn get_parameter(call: &mut Call, input: shape::GetParameterRequest) -> Result<shape::GetParameterResult> {
    let parameter = lookup(call, &input.name)?.ok_or_else(public::not_found)?;
    Ok(shape::GetParameterResult { parameter: Some(parameter) })
}

/// Names that exist come back in `Parameters`, the others in
/// `InvalidParameters`; only a malformed request fails as a whole.
fn get_parameters(call: &mut Call, input: shape::GetParametersRequest) -> Result<shape::GetParametersResult> {
    public::check_names(&input.names)?;
    let mut out = shape::GetParametersResult::default();
    for name in &input.names {
        match lookup(call, name) {
            Ok(Some(p)) => out.parameters.push(p),
            Ok(None) | Err(Error::Model(ModelError::Ssm(SsmFault::ParameterVersionNotFound, _))) => {
                out.invalid_parameters.push(name.clone());
            }
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

/// A page of `items` (sorted by name) after `token`, as SSM pages.
fn page<T>(items: Vec<T>, name: impl Fn(&T) -> String, max: Option<i32>, token: Option<&str>, limits: PageLimits) -> Result<(Vec<T>, Option<String>)> {
    let page = xvpc_wire::page::page(items, name, max.map(i64::from), token, &limits).map_err(|e| match e {
        // Sizes are checked (with AWS's wording) before paging.
        PageError::Size { .. } | PageError::Token => ModelError::Ssm(SsmFault::InvalidNextToken, "The specified token isn't valid.".into()),
    })?;
    Ok((page.items, page.next))
}

/// Up to `MaxResults` (1-10, default 10) parameters under `Path`, AWS's
/// public ones or the caller's, in name order, and a token for the rest.
fn get_parameters_by_path(call: &mut Call, input: shape::GetParametersByPathRequest) -> Result<shape::GetParametersByPathResult> {
    public::check_path(&input.path)?;
    public::check_max_results("maxResults", input.max_results, 10)?;
    let recursive = input.recursive.unwrap_or(false);
    let region = call.ctx.region.clone();
    let mut items: Vec<shape::Parameter> = public::under(&input.path, recursive).map(|p| parameter_shape(p, &region, None)).collect();
    items.extend(model::under(call.state(), &call.ctx, &input.path, recursive).into_iter().map(|p| customer_shape(p, None)));
    let filters = filters_in(input.parameter_filters);
    items.retain(|p| filters.iter().all(|f| f.key != "Type" || f.values.iter().any(|v| Some(v.as_str()) == p.type_.as_ref().map(|t| t.as_str()))));
    if let Some(f) = filters.iter().find(|f| !matches!(f.key.as_str(), "Type" | "KeyId" | "Label" | "DataType" | "Tier") && !f.key.starts_with("tag:")) {
        return Err(ModelError::Ssm(SsmFault::InvalidFilterKey, format!("The following filter key is not valid: {}. Valid filter keys include: [Type, KeyId, Label].", f.key)).into());
    }
    let name = |p: &shape::Parameter| p.name.clone().unwrap_or_default();
    let (parameters, next_token) = page(items, name, input.max_results, input.next_token.as_deref(), PageLimits::strict(1, 10).by_default(10))?;
    Ok(shape::GetParametersByPathResult { parameters, next_token })
}

fn filters_in(filters: Vec<shape::ParameterStringFilter>) -> Vec<model::Filter> {
    filters.into_iter().map(|f| model::Filter { key: f.key, option: f.option, values: f.values }).collect()
}

fn tags_in(tags: Vec<shape::Tag>) -> Tags {
    tags.into_iter().map(|t| (t.key, t.value)).collect()
}

fn put_parameter(call: &mut Call, input: shape::PutParameterRequest) -> Result<shape::PutParameterResult> {
    let put = model::Put {
        name: input.name,
        value: input.value,
        param_type: input.type_.map(|t| t.as_str().to_string()),
        description: input.description,
        overwrite: input.overwrite.unwrap_or(false),
        allowed_pattern: input.allowed_pattern,
        key_id: input.key_id,
        data_type: input.data_type,
        tier: input.tier.map(|t| t.as_str().to_string()),
        tags: tags_in(input.tags),
    };
    let (ch, version, tier) = model::put(call.state(), &call.ctx, put)?;
    call.commit(ch)?;
    Ok(shape::PutParameterResult { version: Some(version), tier: Some(shape::ParameterTier::from(tier.as_str())) })
}

fn delete_parameter(call: &mut Call, input: shape::DeleteParameterRequest) -> Result<shape::DeleteParameterResult> {
    let ch = model::delete(call.state(), &call.ctx, &input.name)?;
    call.commit(ch)?;
    Ok(shape::DeleteParameterResult {})
}

/// The caller's parameters (not AWS's public ones, as in AWS), filtered,
/// up to `MaxResults` (1-50, default 10) a page.
fn describe_parameters(call: &mut Call, input: shape::DescribeParametersRequest) -> Result<shape::DescribeParametersResult> {
    public::check_max_results("maxResults", input.max_results, 50)?;
    let mut filters = filters_in(input.parameter_filters);
    // The older `Filters` (Name, Type, KeyId) read as Equals filters.
    filters.extend(input.filters.into_iter().map(|f| model::Filter { key: f.key.as_str().to_string(), option: None, values: f.values }));
    let rows: Vec<shape::ParameterMetadata> = model::describe(call.state(), &call.ctx, &filters)?
        .into_iter()
        .map(|p| shape::ParameterMetadata {
            name: Some(p.name.clone()),
            arn: Some(p.id.clone()),
            type_: Some(shape::ParameterType::from(p.param_type.as_str())),
            key_id: p.key_id.clone(),
            last_modified_date: Some(Timestamp(p.last_modified)),
            last_modified_user: Some(format!("arn:aws:iam::{}:root", p.owner)),
            description: p.description.clone(),
            allowed_pattern: p.allowed_pattern.clone(),
            version: Some(p.version),
            tier: Some(shape::ParameterTier::from(p.tier.as_str())),
            policies: Vec::new(),
            data_type: Some(p.data_type.clone()),
        })
        .collect();
    let name = |p: &shape::ParameterMetadata| p.name.clone().unwrap_or_default();
    let (parameters, next_token) = page(rows, name, input.max_results, input.next_token.as_deref(), PageLimits::strict(1, 50).by_default(10))?;
    Ok(shape::DescribeParametersResult { parameters, next_token })
}

/// Tags apply to parameters only (xvpc keeps no other SSM resource).
fn tagged_parameter(resource_type: &shape::ResourceTypeForTagging) -> Result<()> {
    match resource_type {
        shape::ResourceTypeForTagging::Parameter => Ok(()),
        _ => Err(ModelError::Ssm(SsmFault::InvalidResourceType, "The resource type is not valid.".into()).into()),
    }
}

fn add_tags_to_resource(call: &mut Call, input: shape::AddTagsToResourceRequest) -> Result<shape::AddTagsToResourceResult> {
    tagged_parameter(&input.resource_type)?;
    let ch = model::edit_tags(call.state(), &call.ctx, &input.resource_id, tags_in(input.tags), &[])?;
    call.commit(ch)?;
    Ok(shape::AddTagsToResourceResult {})
}

fn remove_tags_from_resource(call: &mut Call, input: shape::RemoveTagsFromResourceRequest) -> Result<shape::RemoveTagsFromResourceResult> {
    tagged_parameter(&input.resource_type)?;
    let ch = model::edit_tags(call.state(), &call.ctx, &input.resource_id, Tags::new(), &input.tag_keys)?;
    call.commit(ch)?;
    Ok(shape::RemoveTagsFromResourceResult {})
}

fn list_tags_for_resource(call: &mut Call, input: shape::ListTagsForResourceRequest) -> Result<shape::ListTagsForResourceResult> {
    tagged_parameter(&input.resource_type)?;
    let p = model::own(call.state(), &call.ctx, &input.resource_id).map_err(|_| ModelError::Ssm(SsmFault::InvalidResourceId, String::new()))?;
    Ok(shape::ListTagsForResourceResult {
        tag_list: p.tags.iter().map(|(k, v)| shape::Tag { key: k.clone(), value: v.clone() }).collect(),
    })
}
