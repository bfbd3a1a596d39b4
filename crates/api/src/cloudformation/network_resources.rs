//! CloudFormation resource types that connect networks: VPC peering
//! (accepted in the peer account through `PeerRoleArn`, as AWS's
//! walkthrough does), endpoint services, their permissions and endpoints,
//! transit gateways, their attachments, route tables, associations,
//! propagations and routes. Each calls the EC2 API's typed handler.

use xvpc_model::iam_trust;
use xvpc_model::stack::StackResource;
use xvpc_wire::shapes::ec2 as shape;

use super::ec2_resources::tag_specs;
use super::props::{Created, Kind, Props, Site};
use crate::call::Call;
use crate::ec2::{endpoint_service, peering, transit_gateway, transit_gateway_route_table as tgw_rtb, vpc_endpoint};
use crate::errors::Result;
use crate::identity::Caller;

pub(crate) const KINDS: &[Kind] = &[
    Kind { type_name: "AWS::EC2::VPCPeeringConnection", create: create_peering, delete: delete_peering, update: None },
    Kind { type_name: "AWS::EC2::VPCEndpointService", create: create_service, delete: delete_service, update: None },
    Kind { type_name: "AWS::EC2::VPCEndpointServicePermissions", create: allow_principals, delete: remove_principals, update: None },
    Kind { type_name: "AWS::EC2::VPCEndpoint", create: create_endpoint, delete: delete_endpoint, update: None },
    Kind { type_name: "AWS::EC2::TransitGateway", create: create_tgw, delete: delete_tgw, update: None },
    Kind { type_name: "AWS::EC2::TransitGatewayAttachment", create: create_attachment, delete: delete_attachment, update: None },
    Kind { type_name: "AWS::EC2::TransitGatewayVpcAttachment", create: create_attachment, delete: delete_attachment, update: None },
    Kind { type_name: "AWS::EC2::TransitGatewayRouteTable", create: create_tgw_table, delete: delete_tgw_table, update: None },
    Kind { type_name: "AWS::EC2::TransitGatewayRouteTableAssociation", create: associate_tgw, delete: disassociate_tgw, update: None },
    Kind { type_name: "AWS::EC2::TransitGatewayRouteTablePropagation", create: propagate_tgw, delete: stop_propagating_tgw, update: None },
    Kind { type_name: "AWS::EC2::TransitGatewayRoute", create: create_tgw_route, delete: delete_tgw_route, update: None },
];

/// Runs `f` as another account (and Region), as CloudFormation does with
/// the credentials of a role it assumed there.
fn as_account<T>(call: &mut Call, account: &str, region: &str, session_arn: String, f: impl FnOnce(&mut Call) -> Result<T>) -> Result<T> {
    let saved = (call.ctx.clone(), call.caller.clone());
    call.ctx.account = account.into();
    call.ctx.region = region.into();
    call.caller = Caller { account: account.into(), arn: session_arn, ..call.caller.clone() };
    let out = f(call);
    (call.ctx, call.caller) = saved;
    out
}

fn create_peering(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateVpcPeeringConnectionRequest {
        vpc_id: p.req("VpcId")?,
        peer_vpc_id: Some(p.req("PeerVpcId")?),
        peer_owner_id: p.str("PeerOwnerId"),
        peer_region: p.str("PeerRegion"),
        tag_specifications: tag_specs("vpc-peering-connection", site.user_tags(p)),
        ..Default::default()
    };
    let id = peering::create_vpc_peering_connection(call, input)?.vpc_peering_connection.and_then(|c| c.vpc_peering_connection_id).unwrap_or_default();
    let owner = p.str("PeerOwnerId").unwrap_or_else(|| call.ctx.account.clone());
    let region = p.str("PeerRegion").unwrap_or_else(|| call.ctx.region.clone());
    let accepted = if owner == call.ctx.account {
        // Within one account CloudFormation accepts the request itself.
        let caller_arn = call.caller.arn.clone();
        as_account(call, &owner, &region, caller_arn, |c| accept(c, &id))
    } else if let Some(role) = p.str("PeerRoleArn") {
        assume_and_accept(call, &role, &owner, &region, &id)
    } else {
        // No role: the peer account accepts it (or not) itself.
        Ok(())
    };
    if let Err(e) = accepted {
        // Nothing is left behind by a failed resource.
        let _ = peering::delete_vpc_peering_connection(call, shape::DeleteVpcPeeringConnectionRequest { vpc_peering_connection_id: id, ..Default::default() });
        return Err(e);
    }
    Ok(Created::new(&id).with("Id", id.clone()))
}

/// Assumes `role` (its trust policy must allow the stack's account; a
/// role nobody created is assumed unless `serve --strict-iam`) and accepts
/// the connection as the peer account.
fn assume_and_accept(call: &mut Call, role: &str, owner: &str, region: &str, id: &str) -> Result<()> {
    let caller_arn = call.caller.arn.clone();
    let who = iam_trust::Principal { account: &call.ctx.account, arn: &caller_arn };
    if !iam_trust::may_assume(call.state(), role, &who)? && call.app.config.strict_iam {
        return Err(iam_trust::denied(&who, role).into());
    }
    let name = role.rsplit('/').next().unwrap_or(role);
    let session = format!("arn:aws:sts::{owner}:assumed-role/{name}/AWSCloudFormation");
    as_account(call, owner, region, session, |c| accept(c, id))
}

fn accept(call: &mut Call, id: &str) -> Result<()> {
    peering::accept_vpc_peering_connection(call, shape::AcceptVpcPeeringConnectionRequest { vpc_peering_connection_id: id.into(), ..Default::default() }).map(drop)
}

fn delete_peering(call: &mut Call, r: &StackResource) -> Result<()> {
    peering::delete_vpc_peering_connection(call, shape::DeleteVpcPeeringConnectionRequest { vpc_peering_connection_id: r.physical_id.clone(), ..Default::default() }).map(drop)
}

fn create_service(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateVpcEndpointServiceConfigurationRequest {
        acceptance_required: p.bool("AcceptanceRequired"),
        network_load_balancer_arns: p.list("NetworkLoadBalancerArns"),
        gateway_load_balancer_arns: p.list("GatewayLoadBalancerArns"),
        supported_ip_address_types: p.list("SupportedIpAddressTypes"),
        supported_regions: p.list("SupportedRegions"),
        tag_specifications: tag_specs("vpc-endpoint-service", site.user_tags(p)),
        ..Default::default()
    };
    let c = endpoint_service::create_service(call, input)?.service_configuration.unwrap_or_default();
    let id = c.service_id.unwrap_or_default();
    Ok(Created::new(&id).with("ServiceId", id.clone()).with("ServiceName", c.service_name.unwrap_or_default()))
}

fn delete_service(call: &mut Call, r: &StackResource) -> Result<()> {
    let out = endpoint_service::delete_services(call, shape::DeleteVpcEndpointServiceConfigurationsRequest { service_ids: vec![r.physical_id.clone()], ..Default::default() })?;
    match out.unsuccessful.into_iter().next().and_then(|u| u.error) {
        Some(e) => Err(crate::errors::client(&e.code.unwrap_or_default(), e.message.unwrap_or_default())),
        None => Ok(()),
    }
}

fn allow_principals(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    let service = p.req("ServiceId")?;
    let input = shape::ModifyVpcEndpointServicePermissionsRequest { service_id: service.clone(), add_allowed_principals: p.list("AllowedPrincipals"), ..Default::default() };
    endpoint_service::modify_permissions(call, input)?;
    Ok(Created::new(service))
}

fn remove_principals(call: &mut Call, r: &StackResource) -> Result<()> {
    let p = Props { logical_id: &r.logical_id, value: &r.properties };
    let input = shape::ModifyVpcEndpointServicePermissionsRequest { service_id: r.physical_id.clone(), remove_allowed_principals: p.list("AllowedPrincipals"), ..Default::default() };
    endpoint_service::modify_permissions(call, input).map(drop)
}

fn create_endpoint(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateVpcEndpointRequest {
        vpc_id: p.req("VpcId")?,
        service_name: Some(p.req("ServiceName")?),
        vpc_endpoint_type: Some(shape::VpcEndpointType::from(p.str("VpcEndpointType").unwrap_or_else(|| "Gateway".into()).as_str())),
        subnet_ids: p.list("SubnetIds"),
        security_group_ids: p.list("SecurityGroupIds"),
        route_table_ids: p.list("RouteTableIds"),
        private_dns_enabled: p.bool("PrivateDnsEnabled"),
        policy_document: p.document("PolicyDocument"),
        tag_specifications: tag_specs("vpc-endpoint", site.user_tags(p)),
        ..Default::default()
    };
    let e = vpc_endpoint::create_vpc_endpoint(call, input)?.vpc_endpoint.unwrap_or_default();
    let id = e.vpc_endpoint_id.clone().unwrap_or_default();
    // AWS's DnsEntries attribute: "<hosted zone>:<name>" per entry.
    let dns: Vec<String> = e.dns_entries.iter().map(|d| format!("{}:{}", d.hosted_zone_id.clone().unwrap_or_default(), d.dns_name.clone().unwrap_or_default())).collect();
    Ok(Created::new(&id)
        .with("Id", id.clone())
        .with("DnsEntries", dns)
        .with("NetworkInterfaceIds", e.network_interface_ids.clone())
        .with("CreationTimestamp", e.creation_timestamp.map(|t| t.0.to_string()).unwrap_or_default()))
}

fn delete_endpoint(call: &mut Call, r: &StackResource) -> Result<()> {
    let out = vpc_endpoint::delete_vpc_endpoints(call, shape::DeleteVpcEndpointsRequest { vpc_endpoint_ids: vec![r.physical_id.clone()], ..Default::default() })?;
    match out.unsuccessful.into_iter().next().and_then(|u| u.error) {
        Some(e) => Err(crate::errors::client(&e.code.unwrap_or_default(), e.message.unwrap_or_default())),
        None => Ok(()),
    }
}

fn create_tgw(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let s = |k: &str| p.str(k);
    let options = shape::TransitGatewayRequestOptions {
        amazon_side_asn: p.int("AmazonSideAsn"),
        auto_accept_shared_attachments: s("AutoAcceptSharedAttachments").map(|v| v.as_str().into()),
        default_route_table_association: s("DefaultRouteTableAssociation").map(|v| v.as_str().into()),
        default_route_table_propagation: s("DefaultRouteTablePropagation").map(|v| v.as_str().into()),
        vpn_ecmp_support: s("VpnEcmpSupport").map(|v| v.as_str().into()),
        dns_support: s("DnsSupport").map(|v| v.as_str().into()),
        security_group_referencing_support: s("SecurityGroupReferencingSupport").map(|v| v.as_str().into()),
        multicast_support: s("MulticastSupport").map(|v| v.as_str().into()),
        transit_gateway_cidr_blocks: p.list("TransitGatewayCidrBlocks"),
    };
    let input = shape::CreateTransitGatewayRequest { description: s("Description"), options: Some(options), tag_specifications: tag_specs("transit-gateway", site.user_tags(p)), ..Default::default() };
    let id = transit_gateway::create_transit_gateway(call, input)?.transit_gateway.and_then(|t| t.transit_gateway_id).unwrap_or_default();
    Ok(Created::new(&id).with("Id", id.clone()))
}

fn delete_tgw(call: &mut Call, r: &StackResource) -> Result<()> {
    transit_gateway::delete_transit_gateway(call, shape::DeleteTransitGatewayRequest { transit_gateway_id: r.physical_id.clone(), ..Default::default() }).map(drop)
}

fn create_attachment(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateTransitGatewayVpcAttachmentRequest {
        transit_gateway_id: p.req("TransitGatewayId")?,
        vpc_id: p.req("VpcId")?,
        subnet_ids: p.list("SubnetIds"),
        tag_specifications: tag_specs("transit-gateway-attachment", site.user_tags(p)),
        ..Default::default()
    };
    let id = transit_gateway::create_vpc_attachment(call, input)?.transit_gateway_vpc_attachment.and_then(|a| a.transit_gateway_attachment_id).unwrap_or_default();
    Ok(Created::new(&id).with("Id", id.clone()))
}

fn delete_attachment(call: &mut Call, r: &StackResource) -> Result<()> {
    transit_gateway::delete_vpc_attachment(call, shape::DeleteTransitGatewayVpcAttachmentRequest { transit_gateway_attachment_id: r.physical_id.clone(), ..Default::default() }).map(drop)
}

fn create_tgw_table(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateTransitGatewayRouteTableRequest { transit_gateway_id: p.req("TransitGatewayId")?, tag_specifications: tag_specs("transit-gateway-route-table", site.user_tags(p)), ..Default::default() };
    let id = tgw_rtb::create_route_table(call, input)?.transit_gateway_route_table.and_then(|t| t.transit_gateway_route_table_id).unwrap_or_default();
    Ok(Created::new(&id).with("TransitGatewayRouteTableId", id.clone()))
}

fn delete_tgw_table(call: &mut Call, r: &StackResource) -> Result<()> {
    tgw_rtb::delete_route_table(call, shape::DeleteTransitGatewayRouteTableRequest { transit_gateway_route_table_id: r.physical_id.clone(), ..Default::default() }).map(drop)
}

/// `(route table, attachment)` of an association or propagation.
fn table_and_attachment(p: &Props) -> Result<(String, String)> {
    Ok((p.req("TransitGatewayRouteTableId")?, p.req("TransitGatewayAttachmentId")?))
}

fn associate_tgw(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    let (table, attachment) = table_and_attachment(p)?;
    tgw_rtb::associate(call, shape::AssociateTransitGatewayRouteTableRequest { transit_gateway_route_table_id: table.clone(), transit_gateway_attachment_id: attachment.clone(), ..Default::default() })?;
    Ok(Created::new(format!("{table}|{attachment}")))
}

fn disassociate_tgw(call: &mut Call, r: &StackResource) -> Result<()> {
    let (table, attachment) = table_and_attachment(&Props { logical_id: &r.logical_id, value: &r.properties })?;
    tgw_rtb::disassociate(call, shape::DisassociateTransitGatewayRouteTableRequest { transit_gateway_route_table_id: table, transit_gateway_attachment_id: attachment, ..Default::default() }).map(drop)
}

fn propagate_tgw(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    let (table, attachment) = table_and_attachment(p)?;
    let input = shape::EnableTransitGatewayRouteTablePropagationRequest { transit_gateway_route_table_id: table.clone(), transit_gateway_attachment_id: Some(attachment.clone()), ..Default::default() };
    tgw_rtb::enable_propagation(call, input)?;
    Ok(Created::new(format!("{table}|{attachment}")))
}

fn stop_propagating_tgw(call: &mut Call, r: &StackResource) -> Result<()> {
    let (table, attachment) = table_and_attachment(&Props { logical_id: &r.logical_id, value: &r.properties })?;
    let input = shape::DisableTransitGatewayRouteTablePropagationRequest { transit_gateway_route_table_id: table, transit_gateway_attachment_id: Some(attachment), ..Default::default() };
    tgw_rtb::disable_propagation(call, input).map(drop)
}

fn create_tgw_route(call: &mut Call, p: &Props, _: &Site) -> Result<Created> {
    let table = p.req("TransitGatewayRouteTableId")?;
    let cidr = p.req("DestinationCidrBlock")?;
    let input = shape::CreateTransitGatewayRouteRequest {
        transit_gateway_route_table_id: table.clone(),
        destination_cidr_block: cidr.clone(),
        transit_gateway_attachment_id: p.str("TransitGatewayAttachmentId"),
        blackhole: p.bool("Blackhole"),
        ..Default::default()
    };
    tgw_rtb::create_route(call, input)?;
    Ok(Created::new(format!("{table}|{cidr}")))
}

fn delete_tgw_route(call: &mut Call, r: &StackResource) -> Result<()> {
    let p = Props { logical_id: &r.logical_id, value: &r.properties };
    let input = shape::DeleteTransitGatewayRouteRequest { transit_gateway_route_table_id: p.req("TransitGatewayRouteTableId")?, destination_cidr_block: p.req("DestinationCidrBlock")?, ..Default::default() };
    tgw_rtb::delete_route(call, input).map(drop)
}
