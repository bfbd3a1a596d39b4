//! EC2 (ec2Query, version 2016-11-15): one file per resource family, and the
//! helpers they share (filters, tags, pagination, timestamps).
//!
//! Element names follow botocore's EC2 service model (`locationName`), the
//! naming oracle for what clients expect.

mod elastic_ip;
mod endpoint_service;
mod image;
mod instance;
mod instance_type;
mod internet_gateway;
mod network_insights;
mod peering;
mod network_acl;
mod network_interface;
mod prefix_list;
mod region;
mod route_table;
mod security_group;
mod subnet;
mod tags;
mod volume;
mod transit_gateway;
mod transit_gateway_route_table;
mod vpc;
mod vpc_endpoint;

use std::collections::HashMap;
use std::sync::OnceLock;

use xvpc_model::filter::Filter;
use xvpc_model::tags::Tags;
use xvpc_wire::{QueryParams, XmlWriter};

use crate::call::ActionTable;
use crate::errors::{client, Result};

/// Every EC2 action: each family's `(Action, handler)` table. Adding a
/// family = one line here.
pub fn actions() -> &'static ActionTable {
    static TABLE: OnceLock<ActionTable> = OnceLock::new();
    TABLE.get_or_init(|| ActionTable::new(&[
        region::ACTIONS,
        vpc::ACTIONS,
        subnet::ACTIONS,
        tags::ACTIONS,
        route_table::ACTIONS,
        internet_gateway::ACTIONS,
        elastic_ip::ACTIONS,
        security_group::ACTIONS,
        endpoint_service::ACTIONS,
        vpc_endpoint::ACTIONS,
        network_insights::ACTIONS,
        peering::ACTIONS,
        network_acl::ACTIONS,
        network_interface::ACTIONS,
        instance::ACTIONS,
        image::ACTIONS,
        instance_type::ACTIONS,
        prefix_list::ACTIONS,
        volume::ACTIONS,
        transit_gateway::ACTIONS,
        transit_gateway_route_table::ACTIONS,
    ]))
}

/// EC2's timestamp format: `2026-11-26T07:40:19.000Z`.
pub fn timestamp(ms: i64) -> String {
    xvpc_model::peering::iso8601(ms)
}

/// `Filter.N.Name` / `Filter.N.Value.M`.
pub fn filters(p: &QueryParams) -> Vec<Filter> {
    p.structs("Filter").into_iter().map(|f| Filter { name: f.get("Name").unwrap_or("").to_string(), values: f.list("Value") }).collect()
}

/// Tags from `TagSpecification.N` for `resource_type`. A specification for
/// a type the action does not create is AWS's `InvalidParameterValue`.
pub fn tag_specs(p: &QueryParams, resource_type: &str) -> Result<Tags> {
    tag_specs_for(p, &[resource_type]).map(|mut m| m.remove(resource_type).unwrap_or_default())
}

/// Tags per resource type, for actions that create several types
/// (RunInstances: `instance`, `network-interface`, `volume`).
pub fn tag_specs_for(p: &QueryParams, allowed: &[&str]) -> Result<HashMap<String, Tags>> {
    let mut out: HashMap<String, Tags> = HashMap::new();
    for spec in p.structs("TagSpecification") {
        let rt = spec.get("ResourceType").unwrap_or("");
        if !allowed.contains(&rt) {
            return Err(client("InvalidParameterValue", format!("'{rt}' is not a valid taggable resource type for this operation.")));
        }
        let tags = out.entry(rt.to_string()).or_default();
        let pairs: Vec<(String, String)> = spec
            .structs("Tag")
            .into_iter()
            .map(|t| (t.get("Key").unwrap_or("").to_string(), t.get("Value").unwrap_or("").to_string()))
            .collect();
        xvpc_model::tags::validate(tags, &pairs)?;
        tags.extend(pairs);
    }
    Ok(out)
}

/// `<tagSet><item><key/><value/></item>...</tagSet>`.
pub fn write_tags(w: &mut XmlWriter, tags: &Tags) {
    w.items("tagSet", tags, |w, (k, v)| {
        w.leaf("key", k).leaf("value", v);
    });
}

/// `MaxResults`/`NextToken` over items sorted by a stable key. The token is
/// the key of the last item returned, so it survives concurrent changes.
pub fn paginate<T>(mut items: Vec<T>, p: &QueryParams, key: impl Fn(&T) -> String, limits: (i64, i64)) -> Result<(Vec<T>, Option<String>)> {
    let max = p.int("MaxResults")?;
    if let Some(m) = max {
        if m < limits.0 || m > limits.1 {
            return Err(client(
                "InvalidParameterValue",
                format!("Value ( {m} ) for parameter maxResults is invalid. Expecting a value between {} and {}.", limits.0, limits.1),
            ));
        }
    }
    items.sort_by_key(|x| key(x));
    if let Some(tok) = p.get("NextToken") {
        let after = decode_token(tok)?;
        items.retain(|x| key(x) > after);
    }
    match max {
        Some(m) if items.len() > m as usize => {
            items.truncate(m as usize);
            let next = items.last().map(|x| encode_token(&key(x)));
            Ok((items, next))
        }
        _ => Ok((items, None)),
    }
}

fn encode_token(key: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key)
}

fn decode_token(tok: &str) -> Result<String> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(tok)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| client("InvalidNextToken", "The token is invalid or has expired"))
}

/// Requires that explicit ids given by the caller all exist in `found`
/// (EC2 fails the whole call naming the first missing id).
pub fn require_all(ids: &[String], found: impl Fn(&str) -> bool, kind: xvpc_model::IdKind) -> Result<()> {
    for id in ids {
        xvpc_model::ids::check(kind, id)?;
        if !found(id) {
            return Err(xvpc_model::ModelError::NotFound(kind, id.clone()).into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_ec2_form() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(timestamp(1_795_765_219_123), "2026-11-27T07:40:19.123Z");
    }

    #[test]
    fn pagination_walks_everything_once() {
        let items: Vec<String> = (0..23).map(|i| format!("id-{i:03}")).collect();
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut pairs = vec![("MaxResults".to_string(), "5".to_string())];
            if let Some(t) = &token {
                pairs.push(("NextToken".into(), t.clone()));
            }
            let p = QueryParams::from_pairs(pairs);
            let (page, next) = paginate(items.clone(), &p, |s| s.clone(), (5, 1000)).unwrap();
            seen.extend(page);
            match next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        assert_eq!(seen, items);
        let p = QueryParams::from_pairs([("MaxResults", "2")]);
        assert!(paginate(items, &p, |s| s.clone(), (5, 1000)).is_err());
    }
}
