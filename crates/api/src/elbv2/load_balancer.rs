//! Load balancer actions: typed handlers over the generated `shapes::elbv2`.

use xvpc_model::load_balancer::{self as lb, CreateLoadBalancer, LoadBalancer, SubnetMapping};
use xvpc_model::{IdKind, ModelError};
use xvpc_wire::shapes::elbv2::{self as shape, ops};
use xvpc_wire::Timestamp;

use super::{attribute_pairs, paginate, tag_pairs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateLoadBalancer, create_load_balancer),
    crate::typed!(ops::DescribeLoadBalancers, describe_load_balancers),
    crate::typed!(ops::DeleteLoadBalancer, delete_load_balancer),
    crate::typed!(ops::DescribeLoadBalancerAttributes, describe_load_balancer_attributes),
    crate::typed!(ops::ModifyLoadBalancerAttributes, modify_load_balancer_attributes),
    crate::typed!(ops::SetSubnets, set_subnets),
    crate::typed!(ops::SetSecurityGroups, set_security_groups),
    crate::typed!(ops::DescribeCapacityReservation, describe_capacity_reservation),
];

/// The load balancer's zones. An internal NLB's node address is its
/// private IPv4 address; an internet-facing node has no address xvpc
/// models (no Elastic IP), so its list is empty, as AWS describes one
/// without Elastic IPs.
fn zones(l: &LoadBalancer) -> Vec<shape::AvailabilityZone> {
    l.zones
        .iter()
        .map(|z| shape::AvailabilityZone {
            zone_name: Some(z.zone_name.clone()),
            subnet_id: Some(z.subnet_id.clone()),
            load_balancer_addresses: if l.scheme == "internal" {
                vec![shape::LoadBalancerAddress { private_i_pv4_address: Some(z.private_ip.to_string()), ..Default::default() }]
            } else {
                Vec::new()
            },
            ..Default::default()
        })
        .collect()
}

/// Security groups are enforced on PrivateLink traffic unless turned off;
/// xvpc keeps AWS's default (`on`) for an NLB that has groups.
fn enforce_on_private_link(l: &LoadBalancer) -> Option<shape::EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum> {
    (!l.security_groups.is_empty()).then_some(shape::EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum::On)
}

/// The `LoadBalancer` structure AWS describes; its state derives from `now`.
pub(super) fn load_balancer_shape(l: &LoadBalancer, now: i64) -> shape::LoadBalancer {
    shape::LoadBalancer {
        load_balancer_arn: Some(l.id.clone()),
        dns_name: Some(l.dns_name()),
        canonical_hosted_zone_id: Some(l.canonical_hosted_zone_id().to_string()),
        created_time: Some(Timestamp(l.created_at)),
        load_balancer_name: Some(l.name.clone()),
        scheme: Some(shape::LoadBalancerSchemeEnum::from(l.scheme.as_str())),
        vpc_id: Some(l.vpc_id.clone()),
        state: Some(shape::LoadBalancerState { code: Some(shape::LoadBalancerStateEnum::from(l.state_code(now))), reason: None }),
        type_: Some(shape::LoadBalancerTypeEnum::from(l.lb_type.as_str())),
        availability_zones: zones(l),
        security_groups: l.security_groups.clone(),
        ip_address_type: Some(shape::IpAddressType::from(l.ip_address_type.as_str())),
        enforce_security_group_inbound_rules_on_private_link_traffic: enforce_on_private_link(l).map(|e| e.as_str().to_string()),
        ..Default::default()
    }
}

/// `Subnets` and `SubnetMappings` together, as the model takes them.
fn mappings(subnets: Vec<String>, maps: Vec<shape::SubnetMapping>) -> Vec<SubnetMapping> {
    let plain = subnets.into_iter().map(|s| SubnetMapping { subnet_id: s, private_ip: None });
    let mapped = maps.into_iter().map(|m| SubnetMapping { subnet_id: m.subnet_id.unwrap_or_default(), private_ip: m.private_i_pv4_address });
    plain.chain(mapped).collect()
}

pub(crate) fn create_load_balancer(call: &mut Call, input: shape::CreateLoadBalancerInput) -> Result<shape::CreateLoadBalancerOutput> {
    let create = CreateLoadBalancer {
        name: input.name,
        lb_type: input.type_.map(|t| t.as_str().to_string()),
        scheme: input.scheme.map(|s| s.as_str().to_string()),
        subnets: mappings(input.subnets, input.subnet_mappings),
        security_groups: input.security_groups,
        ip_address_type: input.ip_address_type.map(|t| t.as_str().to_string()),
        tags: tag_pairs(&input.tags),
    };
    let (ch, arn) = lb::create_load_balancer(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    Ok(shape::CreateLoadBalancerOutput { load_balancers: vec![load_balancer_shape(&call.state().load_balancers[&arn], call.ctx.now)] })
}

pub(crate) fn describe_load_balancers(call: &mut Call, input: shape::DescribeLoadBalancersInput) -> Result<shape::DescribeLoadBalancersOutput> {
    let (arns, names) = (input.load_balancer_arns, input.names);
    let s = call.state();
    let mine: Vec<&LoadBalancer> = s.load_balancers.scope(&call.ctx).collect();
    for a in &arns {
        lb::check_arn(a, "loadbalancer")?;
        if !mine.iter().any(|l| &l.id == a) {
            return Err(ModelError::NotFound(IdKind::LoadBalancer, a.to_string()).into());
        }
    }
    for n in &names {
        if !mine.iter().any(|l| &l.name == n) {
            return Err(ModelError::NotFound(IdKind::LoadBalancer, n.to_string()).into());
        }
    }
    let out: Vec<&LoadBalancer> =
        mine.into_iter().filter(|l| (arns.is_empty() || arns.contains(&l.id)) && (names.is_empty() || names.contains(&l.name))).collect();
    let (page, next_marker) = paginate(out, input.page_size, input.marker.as_deref(), |l| l.id.clone())?;
    let now = call.ctx.now;
    Ok(shape::DescribeLoadBalancersOutput { load_balancers: page.into_iter().map(|l| load_balancer_shape(l, now)).collect(), next_marker })
}

pub(crate) fn delete_load_balancer(call: &mut Call, input: shape::DeleteLoadBalancerInput) -> Result<shape::DeleteLoadBalancerOutput> {
    let ch = lb::delete_load_balancer(call.state(), &call.ctx, &input.load_balancer_arn)?;
    call.commit(ch)?;
    Ok(shape::DeleteLoadBalancerOutput {})
}

fn attributes(l: &LoadBalancer) -> Vec<shape::LoadBalancerAttribute> {
    l.all_attributes().into_iter().map(|(k, v)| shape::LoadBalancerAttribute { key: Some(k), value: Some(v) }).collect()
}

fn describe_load_balancer_attributes(
    call: &mut Call,
    input: shape::DescribeLoadBalancerAttributesInput,
) -> Result<shape::DescribeLoadBalancerAttributesOutput> {
    lb::check_arn(&input.load_balancer_arn, "loadbalancer")?;
    let l = lb::find(call.state(), &call.ctx, &input.load_balancer_arn)?;
    Ok(shape::DescribeLoadBalancerAttributesOutput { attributes: attributes(l) })
}

pub(crate) fn modify_load_balancer_attributes(
    call: &mut Call,
    input: shape::ModifyLoadBalancerAttributesInput,
) -> Result<shape::ModifyLoadBalancerAttributesOutput> {
    let pairs = attribute_pairs(input.attributes.into_iter().map(|a| (a.key, a.value)))?;
    let ch = lb::modify_attributes(call.state(), &call.ctx, &input.load_balancer_arn, &pairs)?;
    call.commit(ch)?;
    let l = lb::find(call.state(), &call.ctx, &input.load_balancer_arn)?;
    Ok(shape::ModifyLoadBalancerAttributesOutput { attributes: attributes(l) })
}

fn set_subnets(call: &mut Call, input: shape::SetSubnetsInput) -> Result<shape::SetSubnetsOutput> {
    let arn = input.load_balancer_arn;
    let ch = lb::set_subnets(call.state(), &call.ctx, &arn, &mappings(input.subnets, input.subnet_mappings))?;
    call.commit(ch)?;
    let l = lb::find(call.state(), &call.ctx, &arn)?;
    Ok(shape::SetSubnetsOutput {
        availability_zones: zones(l),
        ip_address_type: Some(shape::IpAddressType::from(l.ip_address_type.as_str())),
        enable_prefix_for_ipv6_source_nat: None,
    })
}

fn set_security_groups(call: &mut Call, input: shape::SetSecurityGroupsInput) -> Result<shape::SetSecurityGroupsOutput> {
    let arn = input.load_balancer_arn;
    let ch = lb::set_security_groups(call.state(), &call.ctx, &arn, &input.security_groups)?;
    call.commit(ch)?;
    let l = lb::find(call.state(), &call.ctx, &arn)?;
    Ok(shape::SetSecurityGroupsOutput {
        security_group_ids: l.security_groups.clone(),
        enforce_security_group_inbound_rules_on_private_link_traffic: Some(shape::EnforceSecurityGroupInboundRulesOnPrivateLinkTrafficEnum::On),
    })
}

/// No capacity is ever reserved in xvpc: the reservation list is empty and
/// every decrease request of the day remains.
fn describe_capacity_reservation(
    call: &mut Call,
    input: shape::DescribeCapacityReservationInput,
) -> Result<shape::DescribeCapacityReservationOutput> {
    lb::check_arn(&input.load_balancer_arn, "loadbalancer")?;
    lb::find(call.state(), &call.ctx, &input.load_balancer_arn)?;
    Ok(shape::DescribeCapacityReservationOutput { decrease_requests_remaining: Some(3), ..Default::default() })
}
