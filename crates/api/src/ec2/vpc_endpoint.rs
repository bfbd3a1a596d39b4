//! Interface VPC endpoint actions (PrivateLink consumer side).

use xvpc_model::vpc_endpoint::{self as ve, CreateEndpoint, DnsEntry, EndpointState, ModifyEndpoint, VpcEndpoint};
use xvpc_model::{IdKind, State};
use xvpc_wire::page::PageLimits;
use xvpc_wire::{QueryParams, XmlWriter};

use super::endpoint_service::write_unsuccessful;
use super::{filters, paginate, require_all, tag_specs, timestamp, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateVpcEndpoint", create_vpc_endpoint),
    ("DescribeVpcEndpoints", describe_vpc_endpoints),
    ("ModifyVpcEndpoint", modify_vpc_endpoint),
    ("DeleteVpcEndpoints", delete_vpc_endpoints),
];

/// `<dnsEntrySet><item><dnsName/><hostedZoneId/></item>...`.
pub fn write_dns_entries(w: &mut XmlWriter, entries: &[DnsEntry]) {
    w.items("dnsEntrySet", entries, |w, d| {
        w.leaf("dnsName", &d.dns_name).leaf("hostedZoneId", d.hosted_zone_id);
    });
}

/// The `VpcEndpoint` structure's content. `state` overrides the stored
/// state (the create response reports `pending` for an endpoint that needs
/// no acceptance, as AWS does).
fn write_endpoint(w: &mut XmlWriter, e: &VpcEndpoint, s: &State, state: Option<EndpointState>) {
    w.leaf("vpcEndpointId", &e.id)
        .leaf("vpcEndpointType", &e.endpoint_type)
        .leaf("vpcId", &e.vpc_id)
        .leaf("serviceName", &e.service_name)
        .leaf("state", state.unwrap_or(e.state).as_str())
        .opt_leaf("policyDocument", e.policy_document.as_deref())
        .items("routeTableIdSet", Vec::<()>::new(), |_, _| {})
        .scalars("subnetIdSet", "item", &e.subnet_ids);
    w.items("groupSet", &e.security_group_ids, |w, g| {
        w.leaf("groupId", g);
        w.opt_leaf("groupName", s.security_groups.get(g).map(|x| x.name.as_str()));
    });
    w.leaf("ipAddressType", "ipv4");
    w.open("dnsOptions").leaf("dnsRecordIpType", "ipv4").close("dnsOptions");
    w.bool_leaf("privateDnsEnabled", e.private_dns_enabled)
        .bool_leaf("requesterManaged", false)
        .scalars("networkInterfaceIdSet", "item", &e.network_interface_ids);
    write_dns_entries(w, &e.dns_entries(s));
    w.leaf("creationTimestamp", timestamp(e.created_at));
    write_tags(w, &e.tags);
    w.leaf("ownerId", &e.owner);
    if e.state == EndpointState::Failed {
        w.leaf("failureReason", "The endpoint service no longer exists");
    }
}

fn create_vpc_endpoint(call: &mut Call, p: &QueryParams) -> Result<String> {
    if !p.list("RouteTableId").is_empty() {
        return Err(client("InvalidParameter", "Gateway endpoints (route tables) are not supported by xvpc"));
    }
    let input = CreateEndpoint {
        vpc_id: p.required("VpcId")?.to_string(),
        endpoint_type: p.get("VpcEndpointType").map(str::to_string),
        service_name: p.required("ServiceName")?.to_string(),
        subnet_ids: p.list("SubnetId"),
        security_group_ids: p.list("SecurityGroupId"),
        private_dns_enabled: p.bool("PrivateDnsEnabled")?,
        policy_document: p.get("PolicyDocument").map(str::to_string),
        tags: tag_specs(p, "vpc-endpoint")?,
    };
    let (ch, id) = ve::create_endpoint(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    let s = call.state();
    let e = &s.vpc_endpoints[&id];
    let shown = (e.state == EndpointState::Available).then_some(EndpointState::Pending);
    let mut w = XmlWriter::new();
    w.open("vpcEndpoint");
    write_endpoint(&mut w, e, s, shown);
    w.close("vpcEndpoint");
    w.opt_leaf("clientToken", p.get("ClientToken"));
    Ok(w.finish())
}

fn describe_vpc_endpoints(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("VpcEndpointId");
    let fs = filters(p);
    let s = call.state();
    let mine = |x: &&VpcEndpoint| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.vpc_endpoints.get(id).is_some_and(|x| mine(&x)), IdKind::VpcEndpoint)?;
    let out = xvpc_model::vpc_endpoint::FILTERS.select(&fs, s, &call.ctx, s.vpc_endpoints.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id)))?;
    let (page, next) = paginate(out, p, |x| x.id.clone(), PageLimits::clamped(5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("vpcEndpointSet", page, |w, x| write_endpoint(w, x, s, None));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn modify_vpc_endpoint(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("VpcEndpointId")?.to_string();
    if !p.list("AddRouteTableId").is_empty() || !p.list("RemoveRouteTableId").is_empty() {
        return Err(client("InvalidParameter", "Route tables can only be changed on Gateway endpoints"));
    }
    let m = ModifyEndpoint {
        add_subnets: p.list("AddSubnetId"),
        remove_subnets: p.list("RemoveSubnetId"),
        add_groups: p.list("AddSecurityGroupId"),
        remove_groups: p.list("RemoveSecurityGroupId"),
        policy_document: p.get("PolicyDocument").map(str::to_string),
        reset_policy: p.bool("ResetPolicy")?.unwrap_or(false),
        private_dns_enabled: p.bool("PrivateDnsEnabled")?,
    };
    let ch = ve::modify_endpoint(call.state(), &call.ctx, &id, m)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn delete_vpc_endpoints(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("VpcEndpointId");
    if ids.is_empty() {
        return Err(client("MissingParameter", "The request must contain the parameter VpcEndpointId"));
    }
    let (ch, failed) = ve::delete_endpoints(call.state(), &call.ctx, &ids);
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    write_unsuccessful(&mut w, &failed);
    Ok(w.finish())
}
