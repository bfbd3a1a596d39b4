//! EC2 (ec2Query, version 2016-11-15): one file per resource family, and the
//! helpers they share (filters, tags, pagination, unsupported inputs).
//!
//! Element names follow botocore's EC2 service model (`locationName`), the
//! naming oracle for what clients expect.

pub(crate) mod block_public_access;
pub(crate) mod dhcp_options;
pub(crate) mod egress_only_internet_gateway;
pub(crate) mod flow_log;
pub(crate) mod vpn_gateway;
pub(crate) mod elastic_ip;
pub(crate) mod endpoint_service;
pub(crate) mod image;
pub(crate) mod instance;
pub(crate) mod instance_type;
pub(crate) mod internet_gateway;
pub(crate) mod key_pair;
pub(crate) mod managed_prefix_list;
pub(crate) mod nat_gateway;
pub(crate) mod network_insights;
pub(crate) mod peering;
pub(crate) mod network_acl;
pub(crate) mod network_interface;
pub(crate) mod prefix_list;
pub(crate) mod region;
pub(crate) mod route_table;
pub(crate) mod security_group;
pub(crate) mod subnet;
pub(crate) mod tags;
pub(crate) mod volume;
pub(crate) mod transit_gateway;
pub(crate) mod transit_gateway_route_table;
pub(crate) mod vpc;
pub(crate) mod vpc_endpoint;

use std::collections::HashMap;
use std::sync::OnceLock;

use xvpc_model::filter::Filter;
use xvpc_model::tags::Tags;
use xvpc_wire::page::{PageError, PageLimits};
use xvpc_wire::shapes::ec2 as shape;

use crate::call::ActionTable;
use crate::errors::{client, Result};

/// Every EC2 action: each family's `(Action, handler)` table. Adding a
/// family = one line here.
pub fn actions() -> &'static ActionTable {
    static TABLE: OnceLock<ActionTable> = OnceLock::new();
    // Every EC2 family is typed: no untyped table is left.
    TABLE.get_or_init(|| ActionTable::new(&[
        vpc::TYPED,
        key_pair::TYPED,
        block_public_access::TYPED,
        vpn_gateway::TYPED,
        image::TYPED,
        volume::TYPED,
        subnet::TYPED,
        internet_gateway::TYPED,
        egress_only_internet_gateway::TYPED,
        nat_gateway::TYPED,
        flow_log::TYPED,
        dhcp_options::TYPED,
        route_table::TYPED,
        network_acl::TYPED,
        region::TYPED,
        instance_type::TYPED,
        elastic_ip::TYPED,
        prefix_list::TYPED,
        managed_prefix_list::TYPED,
        tags::TYPED,
        peering::TYPED,
        network_interface::TYPED,
        instance::TYPED,
        security_group::TYPED,
        network_insights::TYPED,
        transit_gateway::TYPED,
        transit_gateway_route_table::TYPED,
        vpc_endpoint::TYPED,
        endpoint_service::TYPED,
    ]))
}

/// Tags per resource type from `(ResourceType, [(key, value)])` specifications.
fn tags_by_type(specs: impl Iterator<Item = (String, Vec<(String, String)>)>, allowed: &[&str]) -> Result<HashMap<String, Tags>> {
    let mut out: HashMap<String, Tags> = HashMap::new();
    for (rt, pairs) in specs {
        if !allowed.contains(&rt.as_str()) {
            return Err(client("InvalidParameterValue", format!("'{rt}' is not a valid taggable resource type for this operation.")));
        }
        let tags = out.entry(rt).or_default();
        xvpc_model::tags::validate(tags, &pairs)?;
        tags.extend(pairs);
    }
    Ok(out)
}

/// Typed handlers: the tags of `TagSpecification.N` for `resource_type`.
pub fn tags_from_specs(specs: &[shape::TagSpecification], resource_type: &str) -> Result<Tags> {
    tags_from_specs_for(specs, &[resource_type]).map(|mut m| m.remove(resource_type).unwrap_or_default())
}

/// Typed handlers: tags per resource type (actions creating several types).
pub fn tags_from_specs_for(specs: &[shape::TagSpecification], allowed: &[&str]) -> Result<HashMap<String, Tags>> {
    let specs = specs.iter().map(|s| {
        let rt = s.resource_type.as_ref().map_or("", |r| r.as_str()).to_string();
        let pairs = s.tags.iter().map(|t| (t.key.clone().unwrap_or_default(), t.value.clone().unwrap_or_default())).collect();
        (rt, pairs)
    });
    tags_by_type(specs, allowed)
}

/// Typed handlers: `Filter.N` as the model's filters.
pub fn filter_list(filters: &[shape::Filter]) -> Vec<Filter> {
    filters.iter().map(|f| Filter { name: f.name.clone().unwrap_or_default(), values: f.values.clone() }).collect()
}

/// Typed handlers: AWS's answer to a valid input xvpc does not emulate
/// (`what` in the plural: "IPv6 addresses"), `InvalidParameterValue`.
pub fn unsupported(what: &str) -> crate::errors::Error {
    xvpc_model::ModelError::InvalidParameterValue(format!("{what} are not supported by xvpc")).into()
}

/// Typed handlers: the `operator` of a resource no service manages (none
/// is, in xvpc; the `operator.managed` filters answer `false` alike).
pub fn not_managed() -> shape::OperatorResponse {
    shape::OperatorResponse { managed: Some(false), ..Default::default() }
}

/// Typed handlers: a resource's tags as a `tagSet`.
pub fn tag_set(tags: &Tags) -> Vec<shape::Tag> {
    tags.iter().map(|(k, v)| shape::Tag { key: Some(k.clone()), value: Some(v.clone()) }).collect()
}

/// EC2's `MaxResults`/`NextToken` (as decoded) over the one paginator
/// ([`xvpc_wire::page`]); `limits` are the call's documented page sizes
/// (`(min, max)` refuses anything outside them).
pub fn paginate_by<T>(
    items: Vec<T>,
    max: Option<i64>,
    token: Option<&str>,
    key: impl Fn(&T) -> String,
    limits: impl Into<PageLimits>,
) -> Result<(Vec<T>, Option<String>)> {
    let page = xvpc_wire::page::page(items, key, max, token, &limits.into()).map_err(page_error)?;
    Ok((page.items, page.next))
}

/// How EC2 refuses a page request.
pub fn page_error(e: PageError) -> crate::errors::Error {
    match e {
        PageError::Size { value, min, max } => {
            client("InvalidParameterValue", format!("Value ( {value} ) for parameter maxResults is invalid. Expecting a value between {min} and {max}."))
        }
        // AWS's common client error for a token it did not issue.
        PageError::Token => client("InvalidPaginationToken", "The specified pagination token is not valid or is expired."),
    }
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
    fn pagination_speaks_ec2() {
        let items: Vec<String> = (0..7).map(|i| format!("id-{i}")).collect();
        let page = |max: Option<i64>, token: Option<&str>| paginate_by(items.clone(), max, token, |s| s.clone(), (5, 1000));
        let (first, next) = page(Some(5), None).unwrap();
        assert_eq!(first.len(), 5);
        let (rest, next) = page(Some(5), next.as_deref()).unwrap();
        assert_eq!((rest, next), (vec!["id-5".to_string(), "id-6".to_string()], None));
        let e = page(Some(2), None).unwrap_err().to_api();
        assert_eq!((e.code.as_str(), e.message.as_str()), ("InvalidParameterValue", "Value ( 2 ) for parameter maxResults is invalid. Expecting a value between 5 and 1000."));
        assert_eq!(page(None, Some("bogus")).unwrap_err().to_api().code, "InvalidPaginationToken");
    }
}
