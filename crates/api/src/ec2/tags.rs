//! CreateTags, DeleteTags, DescribeTags: tags on any resource the caller owns.

use xvpc_model::tags;
use xvpc_model::Changes;
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateTags", create_tags),
    ("DeleteTags", delete_tags),
    ("DescribeTags", describe_tags),
];

fn resource_ids(p: &QueryParams) -> Result<Vec<String>> {
    let ids = p.list("ResourceId");
    if ids.is_empty() {
        return Err(client("MissingParameter", "The request must contain the parameter resourceIdSet"));
    }
    Ok(ids)
}

fn create_tags(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = resource_ids(p)?;
    let pairs: Vec<(String, String)> = p
        .structs("Tag")
        .into_iter()
        .map(|t| (t.get("Key").unwrap_or("").to_string(), t.get("Value").unwrap_or("").to_string()))
        .collect();
    if pairs.is_empty() {
        return Err(client("MissingParameter", "The request must contain the parameter tagSet"));
    }
    // All resources are checked before any is changed: a failure changes nothing.
    let mut all = Changes::new();
    for id in &ids {
        all.extend(tags::edit(call.state(), &call.ctx, id, |t| {
            tags::validate(t, &pairs)?;
            t.extend(pairs.iter().cloned());
            Ok(())
        })?);
    }
    call.commit(all)?;
    Ok("<return>true</return>".into())
}

fn delete_tags(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = resource_ids(p)?;
    let remove: Vec<(String, Option<String>)> =
        p.structs("Tag").into_iter().map(|t| (t.get("Key").unwrap_or("").to_string(), t.get("Value").map(str::to_string))).collect();
    let mut all = Changes::new();
    for id in &ids {
        all.extend(tags::edit(call.state(), &call.ctx, id, |t| {
            if remove.is_empty() {
                t.clear();
            }
            for (k, v) in &remove {
                // With a value, the tag goes only if the value matches.
                if v.as_ref().is_none_or(|v| t.get(k) == Some(v)) {
                    t.remove(k);
                }
            }
            Ok(())
        })?);
    }
    call.commit(all)?;
    Ok("<return>true</return>".into())
}

fn describe_tags(call: &mut Call, p: &QueryParams) -> Result<String> {
    let fs = filters(p);
    let s = call.state();
    let rows = tags::FILTERS.select(&fs, s, &call.ctx, tags::tag_rows(s, &call.ctx))?;
    let (page, next) = paginate(rows, p, |r| format!("{}\u{0}{}", r.resource_id, r.key), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("tagSet", page, |w, r| {
        w.leaf("resourceId", &r.resource_id).leaf("resourceType", r.resource_type).leaf("key", &r.key).leaf("value", &r.value);
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}
