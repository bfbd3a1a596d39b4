//! Load balancer actions.

use xvpc_model::load_balancer::{self as lb, CreateLoadBalancer, LoadBalancer, SubnetMapping};
use xvpc_model::{IdKind, ModelError};
use xvpc_wire::{QueryParams, XmlWriter};

use super::{attribute_pairs, paginate, required, tag_pairs, write_attributes};
use crate::call::{Call, QueryHandler};
use crate::ec2::timestamp;
use crate::errors::Result;

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateLoadBalancer", create_load_balancer),
    ("DescribeLoadBalancers", describe_load_balancers),
    ("DeleteLoadBalancer", delete_load_balancer),
    ("DescribeLoadBalancerAttributes", describe_load_balancer_attributes),
    ("ModifyLoadBalancerAttributes", modify_load_balancer_attributes),
    ("SetSubnets", set_subnets),
    ("SetSecurityGroups", set_security_groups),
    ("DescribeCapacityReservation", describe_capacity_reservation),
];

fn write_zones(w: &mut XmlWriter, l: &LoadBalancer) {
    w.list("AvailabilityZones", "member", &l.zones, |w, z| {
        w.leaf("ZoneName", &z.zone_name).leaf("SubnetId", &z.subnet_id);
        w.list("LoadBalancerAddresses", "member", [z], |w, z| {
            if l.scheme == "internal" {
                w.leaf("PrivateIPv4Address", z.private_ip.to_string());
            }
        });
    });
}

/// The `LoadBalancer` structure's content.
fn write_lb(w: &mut XmlWriter, l: &LoadBalancer, now: i64) {
    w.leaf("LoadBalancerArn", &l.id)
        .leaf("DNSName", l.dns_name())
        .leaf("CanonicalHostedZoneId", l.canonical_hosted_zone_id())
        .leaf("CreatedTime", timestamp(l.created_at))
        .leaf("LoadBalancerName", &l.name)
        .leaf("Scheme", &l.scheme)
        .leaf("VpcId", &l.vpc_id);
    w.open("State").leaf("Code", l.state_code(now)).close("State");
    w.leaf("Type", &l.lb_type);
    write_zones(w, l);
    if !l.security_groups.is_empty() {
        w.scalars("SecurityGroups", "member", &l.security_groups);
        w.leaf("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic", "on");
    }
    w.leaf("IpAddressType", &l.ip_address_type);
}

fn mappings(p: &QueryParams) -> Vec<SubnetMapping> {
    let mut m: Vec<SubnetMapping> = p.members("Subnets").into_iter().map(|s| SubnetMapping { subnet_id: s, private_ip: None }).collect();
    m.extend(p.member_structs("SubnetMappings").into_iter().map(|x| SubnetMapping {
        subnet_id: x.get("SubnetId").unwrap_or("").to_string(),
        private_ip: x.get("PrivateIPv4Address").map(str::to_string),
    }));
    m
}

fn create_load_balancer(call: &mut Call, p: &QueryParams) -> Result<String> {
    let input = CreateLoadBalancer {
        name: required(p, "Name")?.to_string(),
        lb_type: p.get("Type").map(str::to_string),
        scheme: p.get("Scheme").map(str::to_string),
        subnets: mappings(p),
        security_groups: p.members("SecurityGroups"),
        ip_address_type: p.get("IpAddressType").map(str::to_string),
        tags: tag_pairs(p),
    };
    let (ch, arn) = lb::create_load_balancer(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.list("LoadBalancers", "member", [&call.state().load_balancers[&arn]], |w, l| write_lb(w, l, call.ctx.now));
    Ok(w.finish())
}

fn describe_load_balancers(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arns = p.members("LoadBalancerArns");
    let names = p.members("Names");
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
    let (page, next) = paginate(out, p, |l| l.id.clone())?;
    let mut w = XmlWriter::new();
    w.list("LoadBalancers", "member", page, |w, l| write_lb(w, l, call.ctx.now));
    w.opt_leaf("NextMarker", next);
    Ok(w.finish())
}

fn delete_load_balancer(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ch = lb::delete_load_balancer(call.state(), &call.ctx, required(p, "LoadBalancerArn")?)?;
    call.commit(ch)?;
    Ok(String::new())
}

fn describe_load_balancer_attributes(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "LoadBalancerArn")?;
    lb::check_arn(arn, "loadbalancer")?;
    let l = lb::find(call.state(), &call.ctx, arn)?;
    let mut w = XmlWriter::new();
    write_attributes(&mut w, &l.all_attributes());
    Ok(w.finish())
}

fn modify_load_balancer_attributes(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "LoadBalancerArn")?.to_string();
    let attrs = attribute_pairs(p)?;
    let ch = lb::modify_attributes(call.state(), &call.ctx, &arn, &attrs)?;
    call.commit(ch)?;
    let l = lb::find(call.state(), &call.ctx, &arn)?;
    let mut w = XmlWriter::new();
    write_attributes(&mut w, &l.all_attributes());
    Ok(w.finish())
}

fn set_subnets(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "LoadBalancerArn")?.to_string();
    let ch = lb::set_subnets(call.state(), &call.ctx, &arn, &mappings(p))?;
    call.commit(ch)?;
    let l = lb::find(call.state(), &call.ctx, &arn)?;
    let mut w = XmlWriter::new();
    write_zones(&mut w, l);
    w.leaf("IpAddressType", &l.ip_address_type);
    Ok(w.finish())
}

fn set_security_groups(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "LoadBalancerArn")?.to_string();
    let groups = p.members("SecurityGroups");
    let ch = lb::set_security_groups(call.state(), &call.ctx, &arn, &groups)?;
    call.commit(ch)?;
    let l = lb::find(call.state(), &call.ctx, &arn)?;
    let mut w = XmlWriter::new();
    w.scalars("SecurityGroupIds", "member", &l.security_groups);
    w.leaf("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic", "on");
    Ok(w.finish())
}

/// No capacity is ever reserved in xvpc: the reservation list is empty.
fn describe_capacity_reservation(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = required(p, "LoadBalancerArn")?;
    lb::check_arn(arn, "loadbalancer")?;
    lb::find(call.state(), &call.ctx, arn)?;
    let mut w = XmlWriter::new();
    w.leaf("DecreaseRequestsRemaining", "3");
    w.list("CapacityReservationState", "member", Vec::<()>::new(), |_, _| {});
    Ok(w.finish())
}
