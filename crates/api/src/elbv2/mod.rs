//! Elastic Load Balancing v2 (awsQuery, version 2015-12-01): Network Load
//! Balancers, target groups, listeners, tags. Typed handlers over the
//! generated `shapes::elbv2` (element names from botocore's model), and the
//! helpers the families share.

pub(crate) mod listener;
pub(crate) mod load_balancer;
pub(crate) mod target_group;
#[cfg(test)]
pub(crate) mod shapes_tests;

use std::sync::OnceLock;

use xvpc_model::error::ElbFault;
use xvpc_model::tags::Tags;
use xvpc_model::{Changes, ModelError};
use xvpc_wire::page::{PageError, PageLimits};
use xvpc_wire::shapes::elbv2::{self as shape, ops};

use crate::call::{ActionTable, Call, QueryHandler};
use crate::errors::Result;

/// Every ELBv2 action: each family's `(Action, handler)` table.
pub fn actions() -> &'static ActionTable {
    static TABLE: OnceLock<ActionTable> = OnceLock::new();
    TABLE.get_or_init(|| ActionTable::new(&[load_balancer::TYPED, target_group::TYPED, listener::TYPED, TAG_ACTIONS]))
}

/// A `ValidationError`: a value ELBv2 refuses.
fn invalid(message: &str) -> crate::errors::Error {
    ModelError::ValidationError(message.to_string()).into()
}

/// `Tags` of a create call or AddTags as the model's pairs.
pub(crate) fn tag_pairs(tags: &[shape::Tag]) -> Vec<(String, String)> {
    tags.iter().map(|t| (t.key.clone(), t.value.clone().unwrap_or_default())).collect()
}

/// A resource's tags as ELBv2 `Tag`s.
fn tag_list(tags: &Tags) -> Vec<shape::Tag> {
    tags.iter().map(|(k, v)| shape::Tag { key: k.clone(), value: Some(v.clone()) }).collect()
}

/// `Attributes` of a Modify*Attributes call as `(key, value)` pairs; ELBv2
/// refuses an empty list.
pub(crate) fn attribute_pairs(attrs: impl Iterator<Item = (Option<String>, Option<String>)>) -> Result<Vec<(String, String)>> {
    let attrs: Vec<(String, String)> = attrs.map(|(k, v)| (k.unwrap_or_default(), v.unwrap_or_default())).collect();
    if attrs.is_empty() {
        return Err(invalid("At least one attribute must be specified"));
    }
    Ok(attrs)
}

/// ELBv2's `PageSize`/`Marker` over the one paginator
/// ([`xvpc_wire::page`]): 1 to 400 items, 400 when no size is given.
pub(crate) fn paginate<T>(items: Vec<T>, page_size: Option<i32>, marker: Option<&str>, key: impl Fn(&T) -> String) -> Result<(Vec<T>, Option<String>)> {
    let limits = PageLimits::strict(1, 400).by_default(400);
    let page = xvpc_wire::page::page(items, key, page_size.map(i64::from), marker, &limits).map_err(|e| match e {
        PageError::Size { value, min, max } => invalid(&format!(
            "1 validation error detected: Value '{value}' at 'pageSize' failed to satisfy constraint: Member must have value between {min} and {max}"
        )),
        PageError::Token => invalid("Invalid marker"),
    })?;
    Ok((page.items, page.next))
}

const TAG_ACTIONS: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::AddTags, add_tags),
    crate::typed!(ops::RemoveTags, remove_tags),
    crate::typed!(ops::DescribeTags, describe_tags),
];

fn non_empty_arns(arns: Vec<String>) -> Result<Vec<String>> {
    if arns.is_empty() {
        return Err(invalid("At least one resource ARN must be specified"));
    }
    Ok(arns)
}

/// Applies `edit` to the tags of every resource named, all or nothing.
fn edit_tags(call: &mut Call, arns: &[String], edit: impl Fn(&mut Tags) -> xvpc_model::error::Result<()>) -> Result<()> {
    let mut all = Changes::new();
    for arn in arns {
        all.extend(xvpc_model::load_balancer::edit_tags(call.state(), &call.ctx, arn, &edit)?);
    }
    call.commit(all)?;
    Ok(())
}

fn add_tags(call: &mut Call, input: shape::AddTagsInput) -> Result<shape::AddTagsOutput> {
    let arns = non_empty_arns(input.resource_arns)?;
    let pairs = tag_pairs(&input.tags);
    if pairs.is_empty() {
        return Err(invalid("At least one tag must be specified"));
    }
    let mut keys: Vec<&String> = pairs.iter().map(|(k, _)| k).collect();
    keys.sort();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(ModelError::Elb(ElbFault::DuplicateTagKeys, "A tag key was specified more than once".into()).into());
    }
    edit_tags(call, &arns, |t| {
        xvpc_model::tags::validate(t, &pairs)?;
        t.extend(pairs.iter().cloned());
        Ok(())
    })?;
    Ok(shape::AddTagsOutput {})
}

fn remove_tags(call: &mut Call, input: shape::RemoveTagsInput) -> Result<shape::RemoveTagsOutput> {
    let arns = non_empty_arns(input.resource_arns)?;
    let keys = input.tag_keys;
    edit_tags(call, &arns, |t| {
        t.retain(|k, _| !keys.contains(k));
        Ok(())
    })?;
    Ok(shape::RemoveTagsOutput {})
}

fn describe_tags(call: &mut Call, input: shape::DescribeTagsInput) -> Result<shape::DescribeTagsOutput> {
    let arns = non_empty_arns(input.resource_arns)?;
    let s = call.state();
    let mut rows = Vec::new();
    for arn in arns {
        let tags = tag_list(xvpc_model::load_balancer::tags_of(s, &call.ctx, &arn)?);
        rows.push(shape::TagDescription { resource_arn: Some(arn), tags });
    }
    Ok(shape::DescribeTagsOutput { tag_descriptions: rows })
}
