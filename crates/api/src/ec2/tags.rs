//! CreateTags, DeleteTags, DescribeTags: tags on any resource the caller owns.

use xvpc_model::tags::{self, TagRow};
use xvpc_model::{Changes, ModelError};
use xvpc_wire::shape::ReturnTrue;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateTags, create_tags),
    crate::typed!(ops::DeleteTags, delete_tags),
    crate::typed!(ops::DescribeTags, describe_tags),
];

fn require_resources(ids: &[String]) -> Result<()> {
    if ids.is_empty() {
        return Err(ModelError::MissingParameter("resourceIdSet".into()).into());
    }
    Ok(())
}

fn create_tags(call: &mut Call, input: shape::CreateTagsRequest) -> Result<ReturnTrue> {
    require_resources(&input.resources)?;
    let pairs: Vec<(String, String)> = input.tags.into_iter().map(|t| (t.key.unwrap_or_default(), t.value.unwrap_or_default())).collect();
    if pairs.is_empty() {
        return Err(ModelError::MissingParameter("tagSet".into()).into());
    }
    // All resources are checked before any is changed: a failure changes nothing.
    let mut all = Changes::new();
    for id in &input.resources {
        all.extend(tags::edit(call.state(), &call.ctx, id, |t| {
            tags::validate(t, &pairs)?;
            t.extend(pairs.iter().cloned());
            Ok(())
        })?);
    }
    call.commit(all)?;
    Ok(ReturnTrue)
}

fn delete_tags(call: &mut Call, input: shape::DeleteTagsRequest) -> Result<ReturnTrue> {
    require_resources(&input.resources)?;
    let remove: Vec<(String, Option<String>)> = input.tags.into_iter().map(|t| (t.key.unwrap_or_default(), t.value)).collect();
    let mut all = Changes::new();
    for id in &input.resources {
        all.extend(tags::edit(call.state(), &call.ctx, id, |t| {
            if remove.is_empty() {
                t.clear();
            }
            for (k, v) in &remove {
                // With a value (even empty), the tag goes only if it matches.
                if v.as_ref().is_none_or(|v| t.get(k) == Some(v)) {
                    t.remove(k);
                }
            }
            Ok(())
        })?);
    }
    call.commit(all)?;
    Ok(ReturnTrue)
}

/// One tag as DescribeTags lists it.
fn tag_description(r: &TagRow) -> shape::TagDescription {
    shape::TagDescription {
        key: Some(r.key.clone()),
        resource_id: Some(r.resource_id.clone()),
        resource_type: Some(shape::ResourceType::from(r.resource_type)),
        value: Some(r.value.clone()),
    }
}

fn describe_tags(call: &mut Call, input: shape::DescribeTagsRequest) -> Result<shape::DescribeTagsResult> {
    let fs = filter_list(&input.filters);
    let s = call.state();
    let rows = tags::FILTERS.select(&fs, s, &call.ctx, tags::tag_rows(s, &call.ctx))?;
    let key = |r: &TagRow| format!("{}\u{0}{}", r.resource_id, r.key);
    let (page, next) = paginate_by(rows, input.max_results.map(i64::from), input.next_token.as_deref(), key, (5, 1000))?;
    Ok(shape::DescribeTagsResult { tags: page.iter().map(tag_description).collect(), next_token: next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_tags_carries_every_member_and_botocore_resource_types() {
        let w = xvpc_model::populated::world();
        let rows = tags::tag_rows(&w.state, &w.ctx);
        let out = shape::DescribeTagsResult { tags: rows.iter().map(tag_description).collect(), next_token: Some("token".into()) };
        for t in &out.tags {
            assert!(!matches!(t.resource_type, Some(shape::ResourceType::Unlisted(_))), "{t:?} has a type botocore does not list");
        }
        let xml = xvpc_wire::xml_output::body(&out);
        assert_eq!(missing("ec2", "DescribeTagsResult", &xml), Vec::<String>::new());
    }
}
