//! Tags: key/value pairs on any resource, with AWS's limits.

use std::collections::BTreeMap;

use crate::error::{Limit, ModelError};

/// A resource's tags. Keys are unique; order is not meaningful in AWS.
pub type Tags = BTreeMap<String, String>;

/// Validates tags about to be added: AWS allows 50 per resource, keys up to
/// 128 characters, values up to 256, and reserves the `aws:` prefix.
pub fn validate(existing: &Tags, new: &[(String, String)]) -> Result<(), ModelError> {
    for (k, v) in new {
        if k.is_empty() || k.chars().count() > 128 {
            return Err(ModelError::InvalidParameterValue(format!("Tag key exceeds the maximum length of 128 characters or is empty: {k}")));
        }
        if v.chars().count() > 256 {
            return Err(ModelError::InvalidParameterValue(format!("Tag value exceeds the maximum length of 256 characters: {v}")));
        }
        if k.to_ascii_lowercase().starts_with("aws:") {
            return Err(ModelError::InvalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use".into()));
        }
    }
    let mut keys: std::collections::BTreeSet<&String> = existing.keys().collect();
    keys.extend(new.iter().map(|(k, _)| k));
    if keys.len() > 50 {
        return Err(ModelError::LimitExceeded(Limit::Tags, "The maximum number of tags for a resource is 50".into()));
    }
    Ok(())
}

use crate::error::{IdKind, Result as ModelResult};
use crate::filter::{one, Field, FilterTable};
use crate::state::{Changes, Ctx, Owned, State};

/// Applies a tag edit to one stored resource of the caller, found by id.
/// Returns `None` when no resource of that prefix holds the id.
macro_rules! edit_tags {
    ($state:expr, $ctx:expr, $id:expr, $f:expr, $( $prefix:literal => $field:ident : $kind:expr ),* $(,)?) => {{
        let id: &str = $id;
        $( if id.starts_with(concat!($prefix, "-")) {
            let r = crate::state::owned(&$state.$field, $ctx, $kind, id)?;
            let mut r = r.clone();
            $f(&mut r.tags)?;
            let mut ch = Changes::new();
            ch.put(r);
            return Ok(ch);
        } )*
    }};
}

/// Edits the tags of one resource of the caller. `f` changes the tag map
/// and may refuse the edit.
pub fn edit(state: &State, ctx: &Ctx, id: &str, f: impl Fn(&mut Tags) -> ModelResult<()>) -> ModelResult<Changes> {
    // A peering connection has tags per viewer (account and region).
    if id.starts_with("pcx-") {
        return crate::peering::edit_tags(state, ctx, id, f);
    }
    // Each account keeps its own tags on a shared attachment.
    if id.starts_with("tgw-attach-") {
        return crate::transit_gateway::edit_attachment_tags(state, ctx, id, f);
    }
    edit_tags!(state, ctx, id, f,
        "tgw-rtb" => transit_gateway_route_tables: IdKind::TransitGatewayRouteTable,
        "tgw" => transit_gateways: IdKind::TransitGateway,
        "vpc" => vpcs: IdKind::Vpc,
        "subnet" => subnets: IdKind::Subnet,
        "rtb" => route_tables: IdKind::RouteTable,
        "igw" => internet_gateways: IdKind::InternetGateway,
        "eigw" => egress_only_internet_gateways: IdKind::EgressOnlyInternetGateway,
        "dopt" => dhcp_options: IdKind::DhcpOptions,
        "eipalloc" => addresses: IdKind::ElasticIpAllocation,
        "nat" => nat_gateways: IdKind::NatGateway,
        "vpcbpa-exclude" => block_public_access_exclusions: IdKind::VpcBlockPublicAccessExclusion,
        "fl" => flow_logs: IdKind::FlowLog,
        "pl" => managed_prefix_lists: IdKind::PrefixList,
        "vgw" => vpn_gateways: IdKind::VpnGateway,
        "key" => key_pairs: IdKind::KeyPair,
        "cgw" => customer_gateways: IdKind::CustomerGateway,
        "sg" => security_groups: IdKind::SecurityGroup,
        "acl" => network_acls: IdKind::NetworkAcl,
        "eni" => network_interfaces: IdKind::NetworkInterface,
        "i" => instances: IdKind::Instance,
        "vpce-svc" => endpoint_services: IdKind::VpcEndpointService,
        "vpce" => vpc_endpoints: IdKind::VpcEndpoint,
        "nip" => network_insights_paths: IdKind::NetworkInsightsPath,
        "nia" => network_insights_analyses: IdKind::NetworkInsightsAnalysis,
    );
    Err(crate::error::ModelError::InvalidParameterValue(format!("Invalid id: \"{id}\"")))
}

/// One tagged resource as DescribeTags lists it.
#[derive(Debug, Clone)]
pub struct TaggedResource<'a> {
    pub id: &'a str,
    /// AWS's resource type name (`vpc`, `subnet`, `security-group`, ...).
    pub resource_type: &'static str,
    pub tags: &'a Tags,
}

/// Every resource of the caller that has tags, for DescribeTags.
pub fn tagged<'a>(state: &'a State, ctx: &Ctx) -> Vec<TaggedResource<'a>> {
    let mut out = Vec::new();
    macro_rules! collect {
        ($($field:ident => $rt:literal),*) => {$(
            for r in state.$field.values() {
                if r.owner() == ctx.account && r.region() == ctx.region && !r.tags.is_empty() {
                    out.push(TaggedResource { id: &r.id, resource_type: $rt, tags: &r.tags });
                }
            }
        )*};
    }
    collect!(vpcs => "vpc", subnets => "subnet", route_tables => "route-table", internet_gateways => "internet-gateway",
        egress_only_internet_gateways => "egress-only-internet-gateway", dhcp_options => "dhcp-options", addresses => "elastic-ip",
        nat_gateways => "natgateway", block_public_access_exclusions => "vpc-block-public-access-exclusion",
        flow_logs => "vpc-flow-log", managed_prefix_lists => "prefix-list",
        vpn_gateways => "vpn-gateway", customer_gateways => "customer-gateway", key_pairs => "key-pair",
        security_groups => "security-group", network_acls => "network-acl", network_interfaces => "network-interface",
        instances => "instance", endpoint_services => "vpc-endpoint-service", vpc_endpoints => "vpc-endpoint",
        network_insights_paths => "network-insights-path", network_insights_analyses => "network-insights-analysis",
        transit_gateways => "transit-gateway", transit_gateway_route_tables => "transit-gateway-route-table");
    for p in state.peering_connections.values().filter(|p| p.visible_to(&ctx.account, &ctx.region, ctx.now)) {
        if let Some(tags) = p.tags_for(&ctx.account, &ctx.region).filter(|t| !t.is_empty()) {
            out.push(TaggedResource { id: &p.id, resource_type: "vpc-peering-connection", tags });
        }
    }
    for a in state.transit_gateway_attachments.values().filter(|a| a.visible_to(ctx)) {
        if let Some(t) = a.tags.get(&ctx.account).filter(|t| !t.is_empty()) {
            out.push(TaggedResource { id: &a.id, resource_type: "transit-gateway-attachment", tags: t });
        }
    }
    out
}

/// One row of DescribeTags: one tag of one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRow {
    pub resource_id: String,
    pub resource_type: &'static str,
    pub key: String,
    pub value: String,
    /// All the resource's tags, for `tag:<key>`.
    pub resource_tags: Tags,
}

/// Every tag of every resource of the caller, for DescribeTags.
pub fn tag_rows(state: &State, ctx: &Ctx) -> Vec<TagRow> {
    let mut out = Vec::new();
    for r in tagged(state, ctx) {
        for (k, v) in r.tags {
            out.push(TagRow { resource_id: r.id.to_string(), resource_type: r.resource_type, key: k.clone(), value: v.clone(), resource_tags: r.tags.clone() });
        }
    }
    out
}

/// DescribeTags' filters: `key`/`value` read the row's own tag,
/// `tag:<key>` the resource's tags.
pub const FILTERS: FilterTable<TagRow> = FilterTable {
    tags: Some(|r, _| Some(&r.resource_tags)),
    fields: &[
        ("key", Field::Values(|r, _| one(&r.key))),
        ("resource-id", Field::Values(|r, _| one(&r.resource_id))),
        ("resource-type", Field::Values(|r, _| one(r.resource_type))),
        ("value", Field::Values(|r, _| one(&r.value))),
    ],
};
