//! NAT gateway actions (zonal gateways, public or private).

use xvpc_model::nat_gateway::{self as nat, Connectivity, CreateNatGateway, NatGateway, NatState};
use xvpc_model::{IdKind, ModelError};
use xvpc_wire::shapes::ec2::{self as shape, ops};
use xvpc_wire::Timestamp;

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs, unsupported};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateNatGateway, create_nat_gateway),
    crate::typed!(ops::DeleteNatGateway, delete_nat_gateway),
    crate::typed!(ops::DescribeNatGateways, describe_nat_gateways),
];

fn state_shape(s: NatState) -> shape::NatGatewayState {
    shape::NatGatewayState::from(s.as_str())
}

/// The `NatGateway` structure AWS describes, at `now`. A failed gateway
/// reports its failure's code and message (the code is the one the same
/// error would have as a request error).
pub fn nat_gateway_shape(g: &NatGateway, now: i64) -> shape::NatGateway {
    let state = g.state(now);
    let failure = g.failure_error().filter(|_| state == NatState::Failed).map(|e| crate::errors::to_api(&e));
    let status = if g.failure.is_some() { shape::NatGatewayAddressStatus::Failed } else { shape::NatGatewayAddressStatus::Succeeded };
    let addresses = g
        .addresses
        .iter()
        .map(|a| shape::NatGatewayAddress {
            allocation_id: a.allocation_id.clone(),
            network_interface_id: g.network_interface_id.clone(),
            private_ip: Some(a.private_ip.to_string()),
            public_ip: a.public_ip.map(|x| x.to_string()),
            association_id: a.association_id.clone(),
            is_primary: Some(a.primary),
            failure_message: failure.as_ref().map(|f| f.message.clone()),
            status: Some(status.clone()),
            ..Default::default()
        })
        .collect();
    shape::NatGateway {
        create_time: Some(Timestamp(g.created_at)),
        delete_time: g.deleted_at.map(Timestamp),
        failure_code: failure.as_ref().map(|f| f.code.clone()),
        failure_message: failure.as_ref().map(|f| f.message.clone()),
        nat_gateway_addresses: addresses,
        nat_gateway_id: Some(g.id.clone()),
        state: Some(state_shape(state)),
        subnet_id: Some(g.subnet_id.clone()),
        vpc_id: Some(g.vpc_id.clone()),
        tags: tag_set(&g.tags),
        connectivity_type: Some(shape::ConnectivityType::from(g.connectivity.as_str())),
        availability_mode: Some(shape::AvailabilityMode::Zonal),
        ..Default::default()
    }
}

pub(crate) fn create_nat_gateway(call: &mut Call, input: shape::CreateNatGatewayRequest) -> Result<shape::CreateNatGatewayResult> {
    if matches!(input.availability_mode, Some(shape::AvailabilityMode::Regional)) || !input.availability_zone_addresses.is_empty() {
        return Err(unsupported("Regional NAT gateways"));
    }
    let subnet_id = input.subnet_id.ok_or_else(|| ModelError::MissingParameter("The request must contain the parameter SubnetId".into()))?;
    let tags = tags_from_specs(&input.tag_specifications, "natgateway")?;
    let private = match input.connectivity_type.as_ref().map(|c| c.as_str()) {
        None => false,
        Some(c) => c == Connectivity::Private.as_str(),
    };
    let req = CreateNatGateway {
        subnet_id,
        private,
        allocation_id: input.allocation_id,
        private_ip: input.private_ip_address,
        secondary_allocation_ids: input.secondary_allocation_ids,
        secondary_private_ips: input.secondary_private_ip_addresses,
        secondary_private_ip_count: input.secondary_private_ip_address_count,
        tags,
    };
    let (ch, id) = nat::create(call.state(), &call.ctx, req)?;
    call.commit(ch)?;
    let g = nat_gateway_shape(&call.state().nat_gateways[&id], call.ctx.now);
    Ok(shape::CreateNatGatewayResult { client_token: input.client_token, nat_gateway: Some(g) })
}

pub(crate) fn delete_nat_gateway(call: &mut Call, input: shape::DeleteNatGatewayRequest) -> Result<shape::DeleteNatGatewayResult> {
    let ch = nat::delete(call.state(), &call.ctx, &input.nat_gateway_id)?;
    call.commit(ch)?;
    Ok(shape::DeleteNatGatewayResult { nat_gateway_id: Some(input.nat_gateway_id) })
}

pub(crate) fn describe_nat_gateways(call: &mut Call, input: shape::DescribeNatGatewaysRequest) -> Result<shape::DescribeNatGatewaysResult> {
    let ids = input.nat_gateway_ids;
    let fs = filter_list(&input.filter);
    let s = call.state();
    let ctx = &call.ctx;
    require_all(&ids, |id| nat::visible(s, ctx, id).is_ok(), IdKind::NatGateway)?;
    let rows = s.nat_gateways.scope(ctx).filter(|g| g.listed(ctx.now) && (ids.is_empty() || ids.contains(&g.id)));
    let out = nat::FILTERS.select(&fs, s, ctx, rows)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |g| g.id.clone(), (5, 1000))?;
    Ok(shape::DescribeNatGatewaysResult { nat_gateways: page.into_iter().map(|g| nat_gateway_shape(g, ctx.now)).collect(), next_token: next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_nat_gateways_carries_every_member_xvpc_holds() {
        let w = xvpc_model::populated::world();
        let mut gateways: Vec<NatGateway> = w.state.nat_gateways.scope(&w.ctx).cloned().collect();
        // A failed one and a deleting one too: failure and delete time.
        let now = w.ctx.now + xvpc_model::nat_gateway::PENDING_MS - 1;
        let mut failed = gateways[0].clone();
        failed.failure = Some(xvpc_model::nat_gateway::NatFailure::GatewayNotAttached);
        failed.created_at = now - 10 * xvpc_model::nat_gateway::PENDING_MS;
        let mut deleting = gateways[0].clone();
        deleting.deleted_at = Some(now);
        gateways.extend([failed, deleting]);
        let out = shape::DescribeNatGatewaysResult { nat_gateways: gateways.iter().map(|g| nat_gateway_shape(g, now)).collect(), next_token: Some("t".into()) };
        let xml = xvpc_wire::xml_output::body(&out);
        // Regional NAT gateways, provisioned bandwidth and the per-address
        // zone are not emulated.
        let not_held = [
            "NatGateway.AttachedAppliances",
            "NatGateway.AutoProvisionZones",
            "NatGateway.AutoScalingIps",
            "NatGateway.ProvisionedBandwidth",
            "NatGateway.RouteTableId",
            "NatGatewayAddress.AvailabilityZone",
            "NatGatewayAddress.AvailabilityZoneId",
        ];
        assert_eq!(missing("ec2", "DescribeNatGatewaysResult", &xml), not_held, "{xml}");
        assert!(xml.contains("<connectivityType>public</connectivityType>") && xml.contains("<state>pending</state>") && xml.contains("<state>deleting</state>") && xml.contains("<failureCode>Gateway.NotAttached</failureCode>"), "{xml}");
    }
}
