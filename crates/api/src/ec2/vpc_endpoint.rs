//! VPC endpoint actions (PrivateLink consumer side, Interface and Gateway
//! endpoints): typed handlers over the generated shapes.

use xvpc_model::vpc_endpoint::{self as ve, CreateEndpoint, DnsEntry, EndpointState, ModifyEndpoint, VpcEndpoint};
use xvpc_model::{IdKind, ModelError, State};
use xvpc_wire::page::PageLimits;
use xvpc_wire::shapes::ec2::{self as shape, ops};
use xvpc_wire::Timestamp;

use super::endpoint_service::unsuccessful_items;
use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs, unsupported};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateVpcEndpoint, create_vpc_endpoint),
    crate::typed!(ops::DescribeVpcEndpoints, describe_vpc_endpoints),
    crate::typed!(ops::ModifyVpcEndpoint, modify_vpc_endpoint),
    crate::typed!(ops::DeleteVpcEndpoints, delete_vpc_endpoints),
];

/// An endpoint's DNS names and their Route 53 zone (`dnsEntrySet`).
pub fn dns_entries(entries: &[DnsEntry]) -> Vec<shape::DnsEntry> {
    entries.iter().map(|d| shape::DnsEntry { dns_name: Some(d.dns_name.clone()), hosted_zone_id: Some(d.hosted_zone_id.to_string()) }).collect()
}

/// An endpoint state as AWS spells it (`State`).
pub fn endpoint_state(e: EndpointState) -> shape::State {
    shape::State::from(e.as_str())
}

/// The `VpcEndpoint` structure. `state` overrides the stored state (the
/// create response reports `pending` for an endpoint that needs no
/// acceptance, as AWS does).
fn endpoint_shape(e: &VpcEndpoint, s: &State, state: Option<EndpointState>) -> shape::VpcEndpoint {
    let interface = e.endpoint_type == shape::VpcEndpointType::Interface.as_str();
    shape::VpcEndpoint {
        vpc_endpoint_id: Some(e.id.clone()),
        vpc_endpoint_type: Some(shape::VpcEndpointType::from(e.endpoint_type.as_str())),
        vpc_id: Some(e.vpc_id.clone()),
        service_name: Some(e.service_name.clone()),
        state: Some(endpoint_state(state.unwrap_or(e.state))),
        policy_document: e.policy_document.clone(),
        subnet_ids: e.subnet_ids.clone(),
        route_table_ids: xvpc_model::gateway_endpoint::live_tables(s, e),
        groups: e
            .security_group_ids
            .iter()
            .map(|g| shape::SecurityGroupIdentifier { group_id: Some(g.clone()), group_name: s.security_groups.get(g).map(|x| x.name.clone()) })
            .collect(),
        // Interface endpoints of xvpc are IPv4 only; Gateway endpoints have
        // no addresses and no DNS.
        ip_address_type: interface.then_some(shape::IpAddressType::Ipv4),
        dns_options: interface.then(|| shape::DnsOptions { dns_record_ip_type: Some(shape::DnsRecordIpType::Ipv4), ..Default::default() }),
        private_dns_enabled: Some(e.private_dns_enabled),
        requester_managed: Some(false),
        network_interface_ids: e.network_interface_ids.clone(),
        dns_entries: dns_entries(&e.dns_entries(s)),
        creation_timestamp: Some(Timestamp(e.created_at)),
        tags: tag_set(&e.tags),
        owner_id: Some(e.owner.clone()),
        failure_reason: (e.state == EndpointState::Failed).then(|| "The endpoint service no longer exists".to_string()),
        // xvpc connects only to services of the endpoint's own Region.
        service_region: Some(e.region.clone()),
        ..Default::default()
    }
}

/// Refuses the request options xvpc does not emulate: IPv6 and dual-stack
/// endpoints, and chosen addresses on ModifyVpcEndpoint (CreateVpcEndpoint
/// takes IPv4 ones: [`chosen_ips`]).
fn check_supported(
    ip_address_type: &Option<shape::IpAddressType>,
    dns: &Option<shape::DnsOptionsSpecification>,
    subnet_configurations: &[shape::SubnetConfiguration],
) -> Result<()> {
    check_ip_family(ip_address_type, dns)?;
    if !subnet_configurations.is_empty() {
        return Err(unsupported("Subnet configurations on ModifyVpcEndpoint"));
    }
    Ok(())
}

fn check_ip_family(ip_address_type: &Option<shape::IpAddressType>, dns: &Option<shape::DnsOptionsSpecification>) -> Result<()> {
    let dns_type = dns.as_ref().and_then(|d| d.dns_record_ip_type.as_ref());
    if ip_address_type.as_ref().is_some_and(|t| *t != shape::IpAddressType::Ipv4)
        || dns_type.is_some_and(|t| !matches!(t, shape::DnsRecordIpType::Ipv4 | shape::DnsRecordIpType::ServiceDefined))
    {
        return Err(unsupported("IPv6 and dual-stack endpoints"));
    }
    Ok(())
}

/// CreateVpcEndpoint's `SubnetConfigurations`: the IPv4 address each
/// subnet's interface takes (the VPC module's `complete` example sets them).
fn chosen_ips(configs: &[shape::SubnetConfiguration]) -> Result<Vec<(String, std::net::Ipv4Addr)>> {
    let mut out = Vec::new();
    for c in configs {
        if c.ipv6.is_some() {
            return Err(unsupported("IPv6 endpoint addresses"));
        }
        let Some(subnet) = c.subnet_id.clone() else {
            return Err(ModelError::MissingParameter("SubnetConfiguration.SubnetId".into()).into());
        };
        if let Some(ip) = &c.ipv4 {
            out.push((subnet, xvpc_model::network_interface::parse_ip(ip)?));
        }
    }
    Ok(out)
}

pub(crate) fn create_vpc_endpoint(call: &mut Call, input: shape::CreateVpcEndpointRequest) -> Result<shape::CreateVpcEndpointResult> {
    check_ip_family(&input.ip_address_type, &input.dns_options)?;
    let chosen_ips = chosen_ips(&input.subnet_configurations)?;
    if input.service_region.as_ref().is_some_and(|r| *r != call.ctx.region) {
        return Err(unsupported("Cross-Region endpoints"));
    }
    let service_name = match input.service_name {
        Some(name) => name,
        None if input.service_network_arn.is_some() || input.resource_configuration_arn.is_some() => {
            return Err(unsupported("Service network and resource endpoints"))
        }
        None => return Err(ModelError::MissingParameter("ServiceName".into()).into()),
    };
    let create = CreateEndpoint {
        vpc_id: input.vpc_id,
        endpoint_type: input.vpc_endpoint_type.map(|t| t.as_str().to_string()),
        service_name,
        subnet_ids: input.subnet_ids,
        security_group_ids: input.security_group_ids,
        route_table_ids: input.route_table_ids,
        private_dns_enabled: input.private_dns_enabled,
        policy_document: input.policy_document,
        tags: tags_from_specs(&input.tag_specifications, "vpc-endpoint")?,
        chosen_ips,
    };
    let (ch, id) = ve::create_endpoint(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    let s = call.state();
    let e = &s.vpc_endpoints[&id];
    // An Interface endpoint is reported `pending` while AWS places its
    // interfaces; a Gateway endpoint is available at once.
    let interface = e.endpoint_type == shape::VpcEndpointType::Interface.as_str();
    let shown = (interface && e.state == EndpointState::Available).then_some(EndpointState::Pending);
    Ok(shape::CreateVpcEndpointResult { vpc_endpoint: Some(endpoint_shape(e, s, shown)), client_token: input.client_token })
}

pub(crate) fn describe_vpc_endpoints(call: &mut Call, input: shape::DescribeVpcEndpointsRequest) -> Result<shape::DescribeVpcEndpointsResult> {
    let ids = input.vpc_endpoint_ids;
    let s = call.state();
    let mine = |x: &&VpcEndpoint| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.vpc_endpoints.get(id).is_some_and(|x| mine(&x)), IdKind::VpcEndpoint)?;
    let listed = s.vpc_endpoints.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id));
    let out = ve::FILTERS.select(&filter_list(&input.filters), s, &call.ctx, listed)?;
    let max = input.max_results.map(i64::from);
    let (page, next) = paginate_by(out, max, input.next_token.as_deref(), |x| x.id.clone(), PageLimits::clamped(5, 1000))?;
    Ok(shape::DescribeVpcEndpointsResult { vpc_endpoints: page.into_iter().map(|x| endpoint_shape(x, s, None)).collect(), next_token: next })
}

pub(crate) fn modify_vpc_endpoint(call: &mut Call, input: shape::ModifyVpcEndpointRequest) -> Result<shape::ModifyVpcEndpointResult> {
    check_supported(&input.ip_address_type, &input.dns_options, &input.subnet_configurations)?;
    let m = ModifyEndpoint {
        add_route_tables: input.add_route_table_ids,
        remove_route_tables: input.remove_route_table_ids,
        add_subnets: input.add_subnet_ids,
        remove_subnets: input.remove_subnet_ids,
        add_groups: input.add_security_group_ids,
        remove_groups: input.remove_security_group_ids,
        policy_document: input.policy_document,
        reset_policy: input.reset_policy.unwrap_or(false),
        private_dns_enabled: input.private_dns_enabled,
    };
    let ch = ve::modify_endpoint(call.state(), &call.ctx, &input.vpc_endpoint_id, m)?;
    call.commit(ch)?;
    Ok(shape::ModifyVpcEndpointResult { return_: Some(true) })
}

pub(crate) fn delete_vpc_endpoints(call: &mut Call, input: shape::DeleteVpcEndpointsRequest) -> Result<shape::DeleteVpcEndpointsResult> {
    if input.vpc_endpoint_ids.is_empty() {
        return Err(ModelError::MissingParameter("VpcEndpointId".into()).into());
    }
    let (ch, failed) = ve::delete_endpoints(call.state(), &call.ctx, &input.vpc_endpoint_ids);
    call.commit(ch)?;
    Ok(shape::DeleteVpcEndpointsResult { unsuccessful: unsuccessful_items(&failed) })
}

#[cfg(test)]
#[path = "vpc_endpoint_tests.rs"]
mod tests;
