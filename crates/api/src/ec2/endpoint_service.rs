//! VPC endpoint service actions (PrivateLink provider side), the consumer's
//! service discovery (DescribeVpcEndpointServices) and connection decisions.

use xvpc_model::endpoint_service::{self as es, CreateService, EndpointService, ModifyService, Unsuccessful};
use xvpc_model::{IdKind, State};
use xvpc_wire::page::PageLimits;
use xvpc_wire::{QueryParams, XmlWriter};

use super::vpc_endpoint::write_dns_entries;
use super::{filters, paginate, require_all, tag_specs, timestamp, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateVpcEndpointServiceConfiguration", create_service),
    ("DescribeVpcEndpointServiceConfigurations", describe_services),
    ("ModifyVpcEndpointServiceConfiguration", modify_service),
    ("DeleteVpcEndpointServiceConfigurations", delete_services),
    ("ModifyVpcEndpointServicePermissions", modify_permissions),
    ("DescribeVpcEndpointServicePermissions", describe_permissions),
    ("DescribeVpcEndpointServices", describe_vpc_endpoint_services),
    ("DescribeVpcEndpointConnections", describe_connections),
    ("AcceptVpcEndpointConnections", accept_connections),
    ("RejectVpcEndpointConnections", reject_connections),
];

/// `<unsuccessful><item><error><code/><message/></error><resourceId/></item>...`.
pub fn write_unsuccessful(w: &mut XmlWriter, items: &[Unsuccessful]) {
    w.items("unsuccessful", items, |w, u| {
        w.open("error").leaf("code", &u.code).leaf("message", &u.message).close("error");
        w.leaf("resourceId", &u.resource_id);
    });
}

/// The `ServiceConfiguration` structure's content (the owner's view).
fn write_config(w: &mut XmlWriter, s: &EndpointService, state: &State, now: i64) {
    w.items("serviceType", ["Interface"], |w, t| {
        w.leaf("serviceType", t);
    });
    w.leaf("serviceId", &s.id)
        .leaf("serviceName", &s.name)
        .leaf("serviceState", s.state(now).as_str())
        .scalars("availabilityZoneIdSet", "item", s.zone_ids(state))
        .scalars("availabilityZoneSet", "item", s.zone_names_for(state, &s.owner))
        .bool_leaf("acceptanceRequired", s.acceptance_required)
        .bool_leaf("managesVpcEndpoints", false)
        .scalars("networkLoadBalancerArnSet", "item", &s.network_load_balancer_arns)
        .scalars("supportedIpAddressTypeSet", "item", ["ipv4"])
        .scalars("baseEndpointDnsNameSet", "item", [s.base_dns_name()])
        .opt_leaf("privateDnsName", s.private_dns_name.as_deref());
    if let Some(name) = &s.private_dns_name {
        w.open("privateDnsNameConfiguration")
            .leaf("state", "pendingVerification")
            .leaf("type", "TXT")
            .leaf("value", format!("vpce:{}", &s.id[9..]))
            .leaf("name", format!("_{}.{name}", &s.id[9..17]))
            .close("privateDnsNameConfiguration");
    }
    w.leaf("payerResponsibility", "ServiceOwner");
    write_tags(w, &s.tags);
    w.items("supportedRegionSet", [&s.region], |w, r| {
        w.leaf("region", r.as_str()).leaf("serviceState", es::ServiceState::Available.as_str());
    });
    w.bool_leaf("remoteAccessEnabled", false);
}

fn create_service(call: &mut Call, p: &QueryParams) -> Result<String> {
    if !p.list("GatewayLoadBalancerArn").is_empty() {
        return Err(client("InvalidParameter", "Gateway Load Balancer endpoint services are not supported by xvpc"));
    }
    let input = CreateService {
        network_load_balancer_arns: p.list("NetworkLoadBalancerArn"),
        acceptance_required: p.bool("AcceptanceRequired")?.unwrap_or(false),
        private_dns_name: p.get("PrivateDnsName").map(str::to_string),
        tags: tag_specs(p, "vpc-endpoint-service")?,
    };
    let (ch, id) = es::create_service(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    let s = call.state();
    let mut w = XmlWriter::new();
    w.open("serviceConfiguration");
    write_config(&mut w, &s.endpoint_services[&id], s, call.ctx.now);
    w.close("serviceConfiguration");
    w.opt_leaf("clientToken", p.get("ClientToken"));
    Ok(w.finish())
}

fn describe_services(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("ServiceId");
    let fs = filters(p);
    let s = call.state();
    let now = call.ctx.now;
    let mine = |x: &&EndpointService| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.endpoint_services.get(id).is_some_and(|x| mine(&x)), IdKind::VpcEndpointService)?;
    let out = es::CONFIGURATION_FILTERS.select(&fs, s, &call.ctx, s.endpoint_services.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id)))?;
    let (page, next) = paginate(out, p, |x| x.id.clone(), PageLimits::clamped(5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("serviceConfigurationSet", page, |w, x| write_config(w, x, s, now));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn modify_service(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("ServiceId")?.to_string();
    let m = ModifyService {
        acceptance_required: p.bool("AcceptanceRequired")?,
        add_nlbs: p.list("AddNetworkLoadBalancerArn"),
        remove_nlbs: p.list("RemoveNetworkLoadBalancerArn"),
        private_dns_name: p.get("PrivateDnsName").map(str::to_string),
        remove_private_dns_name: p.bool("RemovePrivateDnsName")?.unwrap_or(false),
    };
    let ch = es::modify_service(call.state(), &call.ctx, &id, m)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn delete_services(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("ServiceId");
    if ids.is_empty() {
        return Err(client("MissingParameter", "The request must contain the parameter ServiceId"));
    }
    let (ch, failed) = es::delete_services(call.state(), &call.ctx, &ids);
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    write_unsuccessful(&mut w, &failed);
    Ok(w.finish())
}

fn modify_permissions(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("ServiceId")?.to_string();
    let (ch, added) = es::modify_permissions(call.state(), &call.ctx, &id, &p.list("AddAllowedPrincipals"), &p.list("RemoveAllowedPrincipals"))?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.items("addedPrincipalSet", &added, |w, a| {
        w.leaf("principalType", a.principal_type()).leaf("principal", &a.principal).leaf("servicePermissionId", &a.permission_id).leaf("serviceId", &id);
    });
    w.bool_leaf("return", true);
    Ok(w.finish())
}

fn describe_permissions(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("ServiceId")?;
    let s = es::owned(call.state(), &call.ctx, id)?;
    let out = es::PERMISSION_FILTERS.select(&filters(p), call.state(), &call.ctx, &s.allowed_principals)?;
    let (page, next) = paginate(out, p, |a| a.permission_id.clone(), PageLimits::clamped(5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("allowedPrincipals", page, |w, a| {
        w.leaf("principalType", a.principal_type()).leaf("principal", &a.principal).leaf("servicePermissionId", &a.permission_id).leaf("serviceId", &s.id);
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

/// The services the caller may connect to: its own and those whose allow
/// list matches it. A requested name the caller cannot see is
/// `InvalidServiceName`, as in AWS.
fn describe_vpc_endpoint_services(call: &mut Call, p: &QueryParams) -> Result<String> {
    let names = p.list("ServiceName");
    let fs = filters(p);
    let s = call.state();
    let ctx = &call.ctx;
    for n in &names {
        es::visible_by_name(s, ctx, n)?;
    }
    let visible = s.endpoint_services.values().filter(|x| x.region == ctx.region && x.allows(&ctx.account));
    let out = es::SERVICE_FILTERS.select(&fs, s, ctx, visible.filter(|x| names.is_empty() || names.contains(&x.name)))?;
    let (page, next) = paginate(out, p, |x| x.name.clone(), PageLimits::clamped(5, 1000))?;
    let mut w = XmlWriter::new();
    w.scalars("serviceNameSet", "item", page.iter().map(|x| x.name.as_str()));
    w.items("serviceDetailSet", &page, |w, x| {
        w.leaf("serviceName", &x.name).leaf("serviceId", &x.id);
        w.items("serviceType", ["Interface"], |w, t| {
            w.leaf("serviceType", t);
        });
        w.leaf("serviceRegion", &x.region)
            .scalars("availabilityZoneIdSet", "item", x.zone_ids(s))
            .scalars("availabilityZoneSet", "item", x.zone_names_for(s, &ctx.account))
            .leaf("owner", &x.owner)
            .scalars("baseEndpointDnsNameSet", "item", [x.base_dns_name()])
            .opt_leaf("privateDnsName", x.private_dns_name.as_deref())
            .bool_leaf("vpcEndpointPolicySupported", false)
            .bool_leaf("acceptanceRequired", x.acceptance_required)
            .bool_leaf("managesVpcEndpoints", false)
            .leaf("payerResponsibility", "ServiceOwner")
            .scalars("supportedIpAddressTypeSet", "item", ["ipv4"]);
        // Tags of another account's service are the owner's business.
        if x.owner == ctx.account {
            write_tags(w, &x.tags);
        } else {
            write_tags(w, &Default::default());
        }
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

/// The owner's view of the endpoints connected to its services.
fn describe_connections(call: &mut Call, p: &QueryParams) -> Result<String> {
    let fs = filters(p);
    let s = call.state();
    let ctx = &call.ctx;
    let connections = s.endpoint_services.scope(ctx).flat_map(|svc| svc.connections(s));
    let out = xvpc_model::vpc_endpoint::CONNECTION_FILTERS.select(&fs, s, ctx, connections)?;
    let (page, next) = paginate(out, p, |e| e.id.clone(), PageLimits::clamped(5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("vpcEndpointConnectionSet", page, |w, e| {
        let svc = e.service_id.as_ref().and_then(|id| s.endpoint_services.get(id));
        w.opt_leaf("serviceId", e.service_id.as_ref())
            .leaf("vpcEndpointId", &e.id)
            .leaf("vpcEndpointOwner", &e.owner)
            .leaf("vpcEndpointState", e.state.as_str())
            .leaf("creationTimestamp", timestamp(e.created_at));
        write_dns_entries(w, &e.dns_entries(s));
        w.scalars("networkLoadBalancerArnSet", "item", svc.map(|x| x.network_load_balancer_arns.as_slice()).unwrap_or_default())
            .leaf("ipAddressType", "ipv4")
            .leaf("vpcEndpointConnectionId", format!("vpce-con-{}", &e.id[5..]))
            .leaf("vpcEndpointRegion", &e.region);
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn decide(call: &mut Call, p: &QueryParams, accept: bool) -> Result<String> {
    let id = p.required("ServiceId")?.to_string();
    let (ch, failed) = es::decide_connections(call.state(), &call.ctx, &id, &p.list("VpcEndpointId"), accept)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    write_unsuccessful(&mut w, &failed);
    Ok(w.finish())
}

fn accept_connections(call: &mut Call, p: &QueryParams) -> Result<String> {
    decide(call, p, true)
}

fn reject_connections(call: &mut Call, p: &QueryParams) -> Result<String> {
    decide(call, p, false)
}
