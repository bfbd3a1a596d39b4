//! Elastic Load Balancing v2 (awsQuery, version 2015-12-01): Network Load
//! Balancers, target groups, listeners, tags.
//!
//! awsQuery names elements after the botocore model's member names and
//! writes lists as `<member>` items; errors use the awsQuery envelope.

mod listener;
mod load_balancer;
mod target_group;

use std::sync::OnceLock;

use xvpc_model::error::ElbFault;
use xvpc_model::{Changes, ModelError};
use xvpc_wire::page::{PageError, PageLimits};
use xvpc_wire::shapes::elbv2::{self as shape, ops};
use xvpc_wire::{QueryParams, XmlWriter};

use crate::call::{ActionTable, Call, QueryHandler};
use crate::errors::{client, Result};

/// Every ELBv2 action: each family's `(Action, handler)` table.
pub fn actions() -> &'static ActionTable {
    static TABLE: OnceLock<ActionTable> = OnceLock::new();
    TABLE.get_or_init(|| ActionTable::new(&[load_balancer::ACTIONS, target_group::ACTIONS, listener::ACTIONS, TAG_ACTIONS], &[TYPED_TAG_ACTIONS]))
}

/// A required parameter; ELBv2 answers `ValidationError` when one is missing.
pub(crate) fn required<'a>(p: &'a QueryParams, name: &str) -> Result<&'a str> {
    match p.get(name) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(client("ValidationError", format!("1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null", lower_first(name)))),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
}

/// `Tags.member.N.Key/Value`.
pub(crate) fn tag_pairs(p: &QueryParams) -> Vec<(String, String)> {
    p.member_structs("Tags")
        .into_iter()
        .map(|t| (t.get("Key").unwrap_or("").to_string(), t.get("Value").unwrap_or("").to_string()))
        .collect()
}

/// `Attributes.member.N.Key/Value`.
pub(crate) fn attribute_pairs(p: &QueryParams) -> Result<Vec<(String, String)>> {
    let attrs: Vec<(String, String)> = p
        .member_structs("Attributes")
        .into_iter()
        .map(|t| (t.get("Key").unwrap_or("").to_string(), t.get("Value").unwrap_or("").to_string()))
        .collect();
    if attrs.is_empty() {
        return Err(client("ValidationError", "At least one attribute must be specified"));
    }
    Ok(attrs)
}

/// `<Attributes><member><Key/><Value/></member>...</Attributes>`.
pub(crate) fn write_attributes(w: &mut XmlWriter, attrs: &[(String, String)]) {
    w.list("Attributes", "member", attrs, |w, (k, v)| {
        w.leaf("Key", k).leaf("Value", v);
    });
}

/// ELBv2's `PageSize`/`Marker` over the one paginator
/// ([`xvpc_wire::page`]): 1 to 400 items, 400 when no size is given.
pub(crate) fn paginate<T>(items: Vec<T>, p: &QueryParams, key: impl Fn(&T) -> String) -> Result<(Vec<T>, Option<String>)> {
    let limits = PageLimits::strict(1, 400).by_default(400);
    let page = xvpc_wire::page::page(items, key, p.int("PageSize")?, p.get("Marker"), &limits).map_err(|e| match e {
        PageError::Size { value, min, max } => client(
            "ValidationError",
            format!("1 validation error detected: Value '{value}' at 'pageSize' failed to satisfy constraint: Member must have value between {min} and {max}"),
        ),
        PageError::Token => client("ValidationError", "Invalid marker"),
    })?;
    Ok((page.items, page.next))
}

const TAG_ACTIONS: &[(&str, QueryHandler)] = &[("AddTags", add_tags), ("RemoveTags", remove_tags)];
const TYPED_TAG_ACTIONS: &[(&str, QueryHandler)] = &[crate::typed!(ops::DescribeTags, describe_tags)];

fn resource_arns(p: &QueryParams) -> Result<Vec<String>> {
    non_empty_arns(p.members("ResourceArns"))
}

fn non_empty_arns(arns: Vec<String>) -> Result<Vec<String>> {
    if arns.is_empty() {
        return Err(client("ValidationError", "At least one resource ARN must be specified"));
    }
    Ok(arns)
}

fn add_tags(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arns = resource_arns(p)?;
    let pairs = tag_pairs(p);
    if pairs.is_empty() {
        return Err(client("ValidationError", "At least one tag must be specified"));
    }
    let mut keys: Vec<&String> = pairs.iter().map(|(k, _)| k).collect();
    keys.sort();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(ModelError::Elb(ElbFault::DuplicateTagKeys, "A tag key was specified more than once".into()).into());
    }
    let mut all = Changes::new();
    for arn in &arns {
        all.extend(xvpc_model::load_balancer::edit_tags(call.state(), &call.ctx, arn, |t| {
            xvpc_model::tags::validate(t, &pairs)?;
            t.extend(pairs.iter().cloned());
            Ok(())
        })?);
    }
    call.commit(all)?;
    Ok(String::new())
}

fn remove_tags(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arns = resource_arns(p)?;
    let keys = p.members("TagKeys");
    let mut all = Changes::new();
    for arn in &arns {
        all.extend(xvpc_model::load_balancer::edit_tags(call.state(), &call.ctx, arn, |t| {
            t.retain(|k, _| !keys.contains(k));
            Ok(())
        })?);
    }
    call.commit(all)?;
    Ok(String::new())
}

fn describe_tags(call: &mut Call, input: shape::DescribeTagsInput) -> Result<shape::DescribeTagsOutput> {
    let arns = non_empty_arns(input.resource_arns)?;
    let s = call.state();
    let mut rows = Vec::new();
    for arn in arns {
        let tags = xvpc_model::load_balancer::tags_of(s, &call.ctx, &arn)?;
        let tags = tags.iter().map(|(k, v)| shape::Tag { key: k.clone(), value: Some(v.clone()) }).collect();
        rows.push(shape::TagDescription { resource_arn: Some(arn), tags });
    }
    Ok(shape::DescribeTagsOutput { tag_descriptions: rows })
}
