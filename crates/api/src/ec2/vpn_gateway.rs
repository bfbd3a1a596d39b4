//! Virtual private gateway and customer gateway actions, and route
//! propagation from a virtual private gateway into route tables.

use xvpc_model::customer_gateway::{self as cgw, CreateCustomerGateway, CustomerGateway};
use xvpc_model::vpn_gateway::{self as vgw, VpnGateway};
use xvpc_model::{IdKind, ModelError};
use xvpc_wire::shape::ReturnTrue;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, require_all, tag_set, tags_from_specs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateVpnGateway, create_vpn_gateway),
    crate::typed!(ops::AttachVpnGateway, attach_vpn_gateway),
    crate::typed!(ops::DetachVpnGateway, detach_vpn_gateway),
    crate::typed!(ops::DeleteVpnGateway, delete_vpn_gateway),
    crate::typed!(ops::DescribeVpnGateways, describe_vpn_gateways),
    crate::typed!(ops::EnableVgwRoutePropagation, enable_vgw_route_propagation),
    crate::typed!(ops::DisableVgwRoutePropagation, disable_vgw_route_propagation),
    crate::typed!(ops::CreateCustomerGateway, create_customer_gateway),
    crate::typed!(ops::DeleteCustomerGateway, delete_customer_gateway),
    crate::typed!(ops::DescribeCustomerGateways, describe_customer_gateways),
];

/// The `VpnGateway` structure AWS describes: available at once in xvpc,
/// with its attachment (none once detached).
fn vpn_gateway_shape(g: &VpnGateway) -> shape::VpnGateway {
    shape::VpnGateway {
        amazon_side_asn: Some(g.amazon_side_asn),
        tags: tag_set(&g.tags),
        vpn_gateway_id: Some(g.id.clone()),
        state: Some(shape::VpnState::Available),
        type_: Some(shape::GatewayType::Ipsec1),
        availability_zone: g.availability_zone.clone(),
        vpc_attachments: g.attached_vpc.iter().map(|v| attachment(v, shape::AttachmentStatus::Attached)).collect(),
    }
}

fn attachment(vpc: &str, state: shape::AttachmentStatus) -> shape::VpcAttachment {
    shape::VpcAttachment { vpc_id: Some(vpc.to_string()), state: Some(state) }
}

/// The `CustomerGateway` structure AWS describes (its ASN as a string, as
/// botocore's model has it).
fn customer_gateway_shape(g: &CustomerGateway) -> shape::CustomerGateway {
    let extended = g.bgp_asn > i64::from(i32::MAX);
    shape::CustomerGateway {
        certificate_arn: g.certificate_arn.clone(),
        device_name: g.device_name.clone(),
        tags: tag_set(&g.tags),
        bgp_asn_extended: extended.then(|| g.bgp_asn.to_string()),
        customer_gateway_id: Some(g.id.clone()),
        state: Some("available".into()),
        type_: Some(shape::GatewayType::Ipsec1.as_str().to_string()),
        ip_address: Some(g.ip_address.to_string()),
        bgp_asn: (!extended).then(|| g.bgp_asn.to_string()),
    }
}

fn create_vpn_gateway(call: &mut Call, input: shape::CreateVpnGatewayRequest) -> Result<shape::CreateVpnGatewayResult> {
    let tags = tags_from_specs(&input.tag_specifications, "vpn-gateway")?;
    let (ch, id) = vgw::create(&call.ctx, input.amazon_side_asn, input.availability_zone, tags)?;
    call.commit(ch)?;
    // AWS answers `pending`; the gateway is available right after.
    let g = shape::VpnGateway { state: Some(shape::VpnState::Pending), ..vpn_gateway_shape(&call.state().vpn_gateways[&id]) };
    Ok(shape::CreateVpnGatewayResult { vpn_gateway: Some(g) })
}

fn attach_vpn_gateway(call: &mut Call, input: shape::AttachVpnGatewayRequest) -> Result<shape::AttachVpnGatewayResult> {
    let ch = vgw::attach(call.state(), &call.ctx, &input.vpn_gateway_id, &input.vpc_id)?;
    call.commit(ch)?;
    Ok(shape::AttachVpnGatewayResult { vpc_attachment: Some(attachment(&input.vpc_id, shape::AttachmentStatus::Attaching)) })
}

fn detach_vpn_gateway(call: &mut Call, input: shape::DetachVpnGatewayRequest) -> Result<ReturnTrue> {
    let ch = vgw::detach(call.state(), &call.ctx, &input.vpn_gateway_id, &input.vpc_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

fn delete_vpn_gateway(call: &mut Call, input: shape::DeleteVpnGatewayRequest) -> Result<ReturnTrue> {
    let ch = vgw::delete(call.state(), &call.ctx, &input.vpn_gateway_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

fn describe_vpn_gateways(call: &mut Call, input: shape::DescribeVpnGatewaysRequest) -> Result<shape::DescribeVpnGatewaysResult> {
    let ids = input.vpn_gateway_ids;
    let fs = filter_list(&input.filters);
    let s = call.state();
    let mine = |x: &&VpnGateway| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.vpn_gateways.get(id).is_some_and(|x| mine(&x)), IdKind::VpnGateway)?;
    let rows = s.vpn_gateways.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id));
    let out = vgw::FILTERS.select(&fs, s, &call.ctx, rows)?;
    Ok(shape::DescribeVpnGatewaysResult { vpn_gateways: out.into_iter().map(vpn_gateway_shape).collect() })
}

fn enable_vgw_route_propagation(call: &mut Call, input: shape::EnableVgwRoutePropagationRequest) -> Result<ReturnTrue> {
    let ch = vgw::set_propagation(call.state(), &call.ctx, &input.gateway_id, &input.route_table_id, true)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

fn disable_vgw_route_propagation(call: &mut Call, input: shape::DisableVgwRoutePropagationRequest) -> Result<ReturnTrue> {
    let ch = vgw::set_propagation(call.state(), &call.ctx, &input.gateway_id, &input.route_table_id, false)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

fn create_customer_gateway(call: &mut Call, input: shape::CreateCustomerGatewayRequest) -> Result<shape::CreateCustomerGatewayResult> {
    if input.ip_address.is_some() && input.public_ip.is_some() {
        return Err(ModelError::InvalidParameterCombination("Specify either IpAddress or PublicIp, not both.".into()).into());
    }
    let create = CreateCustomerGateway {
        bgp_asn: input.bgp_asn.map(i64::from),
        bgp_asn_extended: input.bgp_asn_extended,
        // `PublicIp` is the older name of `IpAddress`.
        ip_address: input.ip_address.or(input.public_ip),
        device_name: input.device_name,
        certificate_arn: input.certificate_arn,
        tags: tags_from_specs(&input.tag_specifications, "customer-gateway")?,
    };
    let (ch, id) = cgw::create(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    Ok(shape::CreateCustomerGatewayResult { customer_gateway: Some(customer_gateway_shape(&call.state().customer_gateways[&id])) })
}

fn delete_customer_gateway(call: &mut Call, input: shape::DeleteCustomerGatewayRequest) -> Result<ReturnTrue> {
    let ch = cgw::delete(call.state(), &call.ctx, &input.customer_gateway_id)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

fn describe_customer_gateways(call: &mut Call, input: shape::DescribeCustomerGatewaysRequest) -> Result<shape::DescribeCustomerGatewaysResult> {
    let ids = input.customer_gateway_ids;
    let fs = filter_list(&input.filters);
    let s = call.state();
    let mine = |x: &&CustomerGateway| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.customer_gateways.get(id).is_some_and(|x| mine(&x)), IdKind::CustomerGateway)?;
    let rows = s.customer_gateways.scope(&call.ctx).filter(|x| ids.is_empty() || ids.contains(&x.id));
    let out = cgw::FILTERS.select(&fs, s, &call.ctx, rows)?;
    Ok(shape::DescribeCustomerGatewaysResult { customer_gateways: out.into_iter().map(customer_gateway_shape).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_vpn_and_customer_gateways_carry_every_member_xvpc_holds() {
        let w = xvpc_model::populated::world();
        let gws: Vec<_> = w.state.vpn_gateways.scope(&w.ctx).map(vpn_gateway_shape).collect();
        assert!(!gws.is_empty(), "the world has a virtual private gateway");
        let xml = xvpc_wire::xml_output::body(&shape::DescribeVpnGatewaysResult { vpn_gateways: gws });
        assert_eq!(missing("ec2", "DescribeVpnGatewaysResult", &xml), Vec::<String>::new());
        let cgws: Vec<_> = w.state.customer_gateways.scope(&w.ctx).map(customer_gateway_shape).collect();
        let xml = xvpc_wire::xml_output::body(&shape::DescribeCustomerGatewaysResult { customer_gateways: cgws });
        // No certificate-based gateways or 4-byte ASNs in the world.
        assert_eq!(missing("ec2", "DescribeCustomerGatewaysResult", &xml), ["CustomerGateway.BgpAsnExtended", "CustomerGateway.CertificateArn"]);
    }
}
