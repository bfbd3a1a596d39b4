//! VPC endpoint service actions (PrivateLink provider side), the consumer's
//! service discovery (DescribeVpcEndpointServices) and connection
//! decisions: typed handlers over the generated shapes.

use xvpc_model::endpoint_service::{self as es, AllowedPrincipal, CreateService, EndpointService, ModifyService, ServiceState, Unsuccessful};
use xvpc_model::aws_service::{self, AwsService};
use xvpc_model::service_listing::{self, Listed};
use xvpc_model::state::Ctx;
use xvpc_model::vpc_endpoint::{VpcEndpoint, CONNECTION_FILTERS};
use xvpc_model::{IdKind, ModelError, State};
use xvpc_wire::page::PageLimits;
use xvpc_wire::shapes::ec2::{self as shape, ops};
use xvpc_wire::Timestamp;

use super::vpc_endpoint::{dns_entries, endpoint_state};
use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs, unsupported};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateVpcEndpointServiceConfiguration, create_service),
    crate::typed!(ops::DescribeVpcEndpointServiceConfigurations, describe_services),
    crate::typed!(ops::ModifyVpcEndpointServiceConfiguration, modify_service),
    crate::typed!(ops::DeleteVpcEndpointServiceConfigurations, delete_services),
    crate::typed!(ops::ModifyVpcEndpointServicePermissions, modify_permissions),
    crate::typed!(ops::DescribeVpcEndpointServicePermissions, describe_permissions),
    crate::typed!(ops::DescribeVpcEndpointServices, describe_vpc_endpoint_services),
    crate::typed!(ops::DescribeVpcEndpointConnections, describe_connections),
    crate::typed!(ops::AcceptVpcEndpointConnections, accept_connections),
    crate::typed!(ops::RejectVpcEndpointConnections, reject_connections),
];

/// Per-item failures of a batch action (`unsuccessful`).
pub fn unsuccessful_items(items: &[Unsuccessful]) -> Vec<shape::UnsuccessfulItem> {
    items
        .iter()
        .map(|u| shape::UnsuccessfulItem {
            error: Some(shape::UnsuccessfulItemError { code: Some(u.code.clone()), message: Some(u.message.clone()) }),
            resource_id: Some(u.resource_id.clone()),
        })
        .collect()
}

/// Every service xvpc holds is an interface endpoint service, IPv4 only,
/// paid by its owner.
fn interface() -> Vec<shape::ServiceTypeDetail> {
    vec![shape::ServiceTypeDetail { service_type: Some(shape::ServiceType::Interface) }]
}

fn ipv4() -> Vec<shape::ServiceConnectivityType> {
    vec![shape::ServiceConnectivityType::Ipv4]
}

/// A private DNS name waits for its domain's TXT record, which xvpc never
/// sees: it stays `pendingVerification`.
const DNS_NAME_STATE: shape::DnsNameState = shape::DnsNameState::PendingVerification;

/// The `ServiceConfiguration` structure (the owner's view).
fn config_shape(s: &EndpointService, state: &State, now: i64) -> shape::ServiceConfiguration {
    // `vpce-svc-<17 hex>`: the verification record is named after the id.
    let hex = s.id.strip_prefix("vpce-svc-").unwrap_or(&s.id);
    shape::ServiceConfiguration {
        service_type: interface(),
        service_id: Some(s.id.clone()),
        service_name: Some(s.name.clone()),
        service_state: Some(shape::ServiceState::from(s.state(now).as_str())),
        availability_zone_ids: s.zone_ids(state),
        availability_zones: s.zone_names_for(state, &s.owner),
        acceptance_required: Some(s.acceptance_required),
        manages_vpc_endpoints: Some(false),
        network_load_balancer_arns: s.network_load_balancer_arns.clone(),
        supported_ip_address_types: ipv4(),
        base_endpoint_dns_names: vec![s.base_dns_name()],
        private_dns_name: s.private_dns_name.clone(),
        private_dns_name_configuration: s.private_dns_name.as_ref().map(|name| shape::PrivateDnsNameConfiguration {
            state: Some(DNS_NAME_STATE),
            type_: Some("TXT".into()),
            value: Some(format!("vpce:{hex}")),
            name: Some(format!("_{}.{name}", hex.get(..8).unwrap_or(hex))),
        }),
        payer_responsibility: Some(shape::PayerResponsibility::ServiceOwner),
        tags: tag_set(&s.tags),
        supported_regions: vec![shape::SupportedRegionDetail { region: Some(s.region.clone()), service_state: Some(ServiceState::Available.to_string()) }],
        remote_access_enabled: Some(false),
        ..Default::default()
    }
}

/// Refuses what xvpc's services do not do: Gateway Load Balancers, IPv6,
/// other Regions. `types` and `regions` are the values a call adds.
fn check_supported(ctx: &Ctx, gwlbs: &[String], types: &[String], regions: &[String]) -> Result<()> {
    if !gwlbs.is_empty() {
        return Err(ModelError::InvalidParameter("Gateway Load Balancer endpoint services are not supported by xvpc".into()).into());
    }
    if types.iter().any(|t| t != shape::ServiceConnectivityType::Ipv4.as_str()) {
        return Err(unsupported("IPv6 endpoint services"));
    }
    if regions.iter().any(|r| *r != ctx.region) {
        return Err(unsupported("Cross-Region endpoint services"));
    }
    Ok(())
}

pub(crate) fn create_service(
    call: &mut Call,
    input: shape::CreateVpcEndpointServiceConfigurationRequest,
) -> Result<shape::CreateVpcEndpointServiceConfigurationResult> {
    check_supported(&call.ctx, &input.gateway_load_balancer_arns, &input.supported_ip_address_types, &input.supported_regions)?;
    let create = CreateService {
        network_load_balancer_arns: input.network_load_balancer_arns,
        acceptance_required: input.acceptance_required.unwrap_or(false),
        private_dns_name: input.private_dns_name,
        tags: tags_from_specs(&input.tag_specifications, "vpc-endpoint-service")?,
    };
    let (ch, id) = es::create_service(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    let s = call.state();
    Ok(shape::CreateVpcEndpointServiceConfigurationResult {
        service_configuration: Some(config_shape(&s.endpoint_services[&id], s, call.ctx.now)),
        client_token: input.client_token,
    })
}

pub(crate) fn describe_services(
    call: &mut Call,
    input: shape::DescribeVpcEndpointServiceConfigurationsRequest,
) -> Result<shape::DescribeVpcEndpointServiceConfigurationsResult> {
    let ids = input.service_ids;
    let s = call.state();
    let mine = |x: &&EndpointService| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.endpoint_services.get(id).is_some_and(|x| mine(&x)), IdKind::VpcEndpointService)?;
    let listed = s.endpoint_services.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id));
    let out = es::CONFIGURATION_FILTERS.select(&filter_list(&input.filters), s, &call.ctx, listed)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |x| x.id.clone(), PageLimits::clamped(5, 1000))?;
    Ok(shape::DescribeVpcEndpointServiceConfigurationsResult {
        service_configurations: page.into_iter().map(|x| config_shape(x, s, call.ctx.now)).collect(),
        next_token: next,
    })
}

pub(crate) fn modify_service(
    call: &mut Call,
    input: shape::ModifyVpcEndpointServiceConfigurationRequest,
) -> Result<shape::ModifyVpcEndpointServiceConfigurationResult> {
    let gwlbs = [input.add_gateway_load_balancer_arns, input.remove_gateway_load_balancer_arns].concat();
    check_supported(&call.ctx, &gwlbs, &input.add_supported_ip_address_types, &input.add_supported_regions)?;
    // A service holds IPv4 and its own Region only: removing either would
    // leave it none, removing anything else names what it does not hold.
    if !input.remove_supported_ip_address_types.is_empty() || !input.remove_supported_regions.is_empty() {
        return Err(unsupported("Changes to a service's IP address types and Regions"));
    }
    let m = ModifyService {
        acceptance_required: input.acceptance_required,
        add_nlbs: input.add_network_load_balancer_arns,
        remove_nlbs: input.remove_network_load_balancer_arns,
        private_dns_name: input.private_dns_name,
        remove_private_dns_name: input.remove_private_dns_name.unwrap_or(false),
    };
    let ch = es::modify_service(call.state(), &call.ctx, &input.service_id, m)?;
    call.commit(ch)?;
    Ok(shape::ModifyVpcEndpointServiceConfigurationResult { return_: Some(true) })
}

pub(crate) fn delete_services(
    call: &mut Call,
    input: shape::DeleteVpcEndpointServiceConfigurationsRequest,
) -> Result<shape::DeleteVpcEndpointServiceConfigurationsResult> {
    if input.service_ids.is_empty() {
        return Err(ModelError::MissingParameter("ServiceId".into()).into());
    }
    let (ch, failed) = es::delete_services(call.state(), &call.ctx, &input.service_ids);
    call.commit(ch)?;
    Ok(shape::DeleteVpcEndpointServiceConfigurationsResult { unsuccessful: unsuccessful_items(&failed) })
}

/// An allow-list entry as ModifyVpcEndpointServicePermissions reports it.
fn added_principal(a: &AllowedPrincipal, service_id: &str) -> shape::AddedPrincipal {
    shape::AddedPrincipal {
        principal_type: Some(shape::PrincipalType::from(a.principal_type())),
        principal: Some(a.principal.clone()),
        service_permission_id: Some(a.permission_id.clone()),
        service_id: Some(service_id.to_string()),
    }
}

/// An allow-list entry as DescribeVpcEndpointServicePermissions lists it
/// (entries carry no tags in xvpc).
fn allowed_principal(a: &AllowedPrincipal, service_id: &str) -> shape::AllowedPrincipal {
    shape::AllowedPrincipal {
        principal_type: Some(shape::PrincipalType::from(a.principal_type())),
        principal: Some(a.principal.clone()),
        service_permission_id: Some(a.permission_id.clone()),
        tags: Vec::new(),
        service_id: Some(service_id.to_string()),
    }
}

pub(crate) fn modify_permissions(
    call: &mut Call,
    input: shape::ModifyVpcEndpointServicePermissionsRequest,
) -> Result<shape::ModifyVpcEndpointServicePermissionsResult> {
    let id = input.service_id;
    let (ch, added) = es::modify_permissions(call.state(), &call.ctx, &id, &input.add_allowed_principals, &input.remove_allowed_principals)?;
    call.commit(ch)?;
    Ok(shape::ModifyVpcEndpointServicePermissionsResult {
        added_principals: added.iter().map(|a| added_principal(a, &id)).collect(),
        return_value: Some(true),
    })
}

pub(crate) fn describe_permissions(
    call: &mut Call,
    input: shape::DescribeVpcEndpointServicePermissionsRequest,
) -> Result<shape::DescribeVpcEndpointServicePermissionsResult> {
    let s = es::owned(call.state(), &call.ctx, &input.service_id)?;
    let out = es::PERMISSION_FILTERS.select(&filter_list(&input.filters), call.state(), &call.ctx, &s.allowed_principals)?;
    let max = input.max_results.map(i64::from);
    let (page, next) = paginate_by(out, max, input.next_token.as_deref(), |a| a.permission_id.clone(), PageLimits::clamped(5, 1000))?;
    Ok(shape::DescribeVpcEndpointServicePermissionsResult {
        allowed_principals: page.into_iter().map(|a| allowed_principal(a, &s.id)).collect(),
        next_token: next,
    })
}

/// The `ServiceDetail` structure: a service as a consumer (`ctx`) sees it,
/// a customer's or AWS's.
fn detail_shape(x: &Listed, s: &State, ctx: &Ctx) -> shape::ServiceDetail {
    match x {
        Listed::Customer(c) => customer_detail(c, s, ctx),
        Listed::Aws(a) => aws_detail(a, ctx),
    }
}

/// An AWS service: every zone, owner `amazon`, no acceptance; an Interface
/// service's private DNS name is its API hostname, which AWS has verified.
fn aws_detail(a: &AwsService, ctx: &Ctx) -> shape::ServiceDetail {
    let zones = a.zones(&ctx.account);
    let private = a.private_dns_names.first().cloned();
    shape::ServiceDetail {
        service_name: Some(a.name.clone()),
        service_id: Some(a.id.clone()),
        service_type: vec![shape::ServiceTypeDetail { service_type: Some(shape::ServiceType::from(a.service_type.as_str())) }],
        service_region: Some(a.region.clone()),
        availability_zone_ids: zones.iter().map(|z| z.zone_id.clone()).collect(),
        availability_zones: zones.into_iter().map(|z| z.name).collect(),
        owner: Some(aws_service::OWNER.to_string()),
        base_endpoint_dns_names: vec![a.base_dns_name()],
        private_dns_name_verification_state: private.as_ref().map(|_| shape::DnsNameState::Verified),
        private_dns_name: private,
        private_dns_names: a.private_dns_names.iter().map(|n| shape::PrivateDnsDetails { private_dns_name: Some(n.clone()) }).collect(),
        vpc_endpoint_policy_supported: Some(a.policy_supported),
        acceptance_required: Some(false),
        manages_vpc_endpoints: Some(false),
        payer_responsibility: None,
        tags: Vec::new(),
        supported_ip_address_types: ipv4(),
    }
}

/// A customer's service. Tags of another account's service are the owner's business.
fn customer_detail(x: &EndpointService, s: &State, ctx: &Ctx) -> shape::ServiceDetail {
    shape::ServiceDetail {
        service_name: Some(x.name.clone()),
        service_id: Some(x.id.clone()),
        service_type: interface(),
        service_region: Some(x.region.clone()),
        availability_zone_ids: x.zone_ids(s),
        availability_zones: x.zone_names_for(s, &ctx.account),
        owner: Some(x.owner.clone()),
        base_endpoint_dns_names: vec![x.base_dns_name()],
        private_dns_name: x.private_dns_name.clone(),
        private_dns_names: x.private_dns_name.iter().map(|n| shape::PrivateDnsDetails { private_dns_name: Some(n.clone()) }).collect(),
        vpc_endpoint_policy_supported: Some(false),
        acceptance_required: Some(x.acceptance_required),
        manages_vpc_endpoints: Some(false),
        payer_responsibility: Some(shape::PayerResponsibility::ServiceOwner),
        tags: if x.owner == ctx.account { tag_set(&x.tags) } else { Vec::new() },
        private_dns_name_verification_state: x.private_dns_name.as_ref().map(|_| DNS_NAME_STATE),
        supported_ip_address_types: ipv4(),
    }
}

/// The services the caller may connect to: its own and those whose allow
/// list matches it. A requested name the caller cannot see is
/// `InvalidServiceName`, as in AWS.
fn describe_vpc_endpoint_services(
    call: &mut Call,
    input: shape::DescribeVpcEndpointServicesRequest,
) -> Result<shape::DescribeVpcEndpointServicesResult> {
    let names = input.service_names;
    let s = call.state();
    let ctx = &call.ctx;
    let all = service_listing::visible(s, ctx);
    if let Some(n) = names.iter().find(|n| !all.iter().any(|x| x.name() == n.as_str())) {
        return Err(ModelError::NotFound(IdKind::ServiceName, n.clone()).into());
    }
    // Services of the caller's Region only; `ServiceRegions` narrows that.
    let regions = &input.service_regions;
    let visible = all.into_iter().filter(|x| (regions.is_empty() || regions.iter().any(|r| r == x.region())) && (names.is_empty() || names.iter().any(|n| n == x.name())));
    let out = service_listing::SERVICE_FILTERS.select(&filter_list(&input.filters), s, ctx, visible)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), Listed::key, PageLimits::clamped(5, 1000))?;
    // A name AWS lists as both a Gateway and an Interface service appears once.
    let mut service_names: Vec<String> = page.iter().map(|x| x.name().to_string()).collect();
    service_names.dedup();
    Ok(shape::DescribeVpcEndpointServicesResult {
        service_names,
        service_details: page.iter().map(|x| detail_shape(x, s, ctx)).collect(),
        next_token: next,
    })
}

/// The `VpcEndpointConnection` structure: an endpoint seen from its
/// service (the owner's view; the consumer's tags are not shown).
fn connection_shape(e: &VpcEndpoint, s: &State) -> shape::VpcEndpointConnection {
    let svc = e.service_id.as_ref().and_then(|id| s.endpoint_services.get(id));
    shape::VpcEndpointConnection {
        service_id: e.service_id.clone(),
        vpc_endpoint_id: Some(e.id.clone()),
        vpc_endpoint_owner: Some(e.owner.clone()),
        vpc_endpoint_state: Some(endpoint_state(e.state)),
        creation_timestamp: Some(Timestamp(e.created_at)),
        dns_entries: dns_entries(&e.dns_entries(s)),
        network_load_balancer_arns: svc.map(|x| x.network_load_balancer_arns.clone()).unwrap_or_default(),
        ip_address_type: Some(shape::IpAddressType::Ipv4),
        vpc_endpoint_connection_id: Some(format!("vpce-con-{}", e.id.strip_prefix("vpce-").unwrap_or(&e.id))),
        vpc_endpoint_region: Some(e.region.clone()),
        ..Default::default()
    }
}

/// The owner's view of the endpoints connected to its services.
fn describe_connections(
    call: &mut Call,
    input: shape::DescribeVpcEndpointConnectionsRequest,
) -> Result<shape::DescribeVpcEndpointConnectionsResult> {
    let s = call.state();
    let ctx = &call.ctx;
    let connections = s.endpoint_services.scope(ctx).flat_map(|svc| svc.connections(s));
    let out = CONNECTION_FILTERS.select(&filter_list(&input.filters), s, ctx, connections)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |e| e.id.clone(), PageLimits::clamped(5, 1000))?;
    Ok(shape::DescribeVpcEndpointConnectionsResult { vpc_endpoint_connections: page.into_iter().map(|e| connection_shape(e, s)).collect(), next_token: next })
}

/// Accepts or rejects connections; per-endpoint failures are `unsuccessful`.
fn decide(call: &mut Call, service_id: &str, endpoint_ids: &[String], accept: bool) -> Result<Vec<shape::UnsuccessfulItem>> {
    let (ch, failed) = es::decide_connections(call.state(), &call.ctx, service_id, endpoint_ids, accept)?;
    call.commit(ch)?;
    Ok(unsuccessful_items(&failed))
}

pub(crate) fn accept_connections(call: &mut Call, input: shape::AcceptVpcEndpointConnectionsRequest) -> Result<shape::AcceptVpcEndpointConnectionsResult> {
    Ok(shape::AcceptVpcEndpointConnectionsResult { unsuccessful: decide(call, &input.service_id, &input.vpc_endpoint_ids, true)? })
}

fn reject_connections(call: &mut Call, input: shape::RejectVpcEndpointConnectionsRequest) -> Result<shape::RejectVpcEndpointConnectionsResult> {
    Ok(shape::RejectVpcEndpointConnectionsResult { unsuccessful: decide(call, &input.service_id, &input.vpc_endpoint_ids, false)? })
}

#[cfg(test)]
#[path = "endpoint_service_tests.rs"]
mod tests;
