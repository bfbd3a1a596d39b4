//! Network Load Balancers (ELBv2): one node per enabled Availability Zone,
//! each a requester-managed ENI with a private address in the chosen subnet.
//!
//! The NLB's private addresses matter beyond describe: they are the source
//! of health checks and of the traffic targets see (PrivateLink does not
//! preserve the consumer's address), so target security groups must admit
//! them.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::error::{ElbFault, IdKind, Limit, ModelError, Result};
use crate::ids::random_hex;
use crate::network_interface;
use crate::region;
use crate::state::{Changes, Ctx, ResourceKind, State};
use crate::subnet::{self, Subnet};
use crate::tags::Tags;

pub use crate::elbv2::{check_arn, check_attribute, check_name, edit_tags, tags_of};

/// A new NLB reports `provisioning` for this long, then `active`.
pub const PROVISIONING_MS: i64 = 2_000;
/// AWS's default quota of load balancers per region per account.
pub const LOAD_BALANCERS_PER_REGION: usize = 50;

/// A load balancer. `id` is its ARN (ELBv2 names everything by ARN).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadBalancer {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    /// The 16 hex digits at the end of the ARN.
    pub lb_id: String,
    /// `network` (xvpc emulates NLBs only).
    pub lb_type: String,
    /// `internal` or `internet-facing`.
    pub scheme: String,
    pub vpc_id: String,
    pub zones: Vec<LbZone>,
    pub security_groups: Vec<String>,
    pub ip_address_type: String,
    pub attributes: BTreeMap<String, String>,
    pub tags: Tags,
    pub created_at: i64,
}
crate::impl_owned!(LoadBalancer);

/// The NLB's presence in one Availability Zone: its subnet and node ENI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LbZone {
    pub subnet_id: String,
    pub zone_name: String,
    pub zone_id: String,
    pub eni_id: String,
    pub private_ip: Ipv4Addr,
}

/// NLB attributes and their defaults, as DescribeLoadBalancerAttributes
/// lists them. Only these keys are accepted by ModifyLoadBalancerAttributes.
pub const DEFAULT_ATTRIBUTES: &[(&str, &str)] = &[
    ("access_logs.s3.enabled", "false"),
    ("access_logs.s3.bucket", ""),
    ("access_logs.s3.prefix", ""),
    ("deletion_protection.enabled", "false"),
    ("load_balancing.cross_zone.enabled", "false"),
    ("ipv6.deny_all_igw_traffic", "false"),
    ("dns_record.client_routing_policy", "any_availability_zone"),
    ("zonal_shift.config.enabled", "false"),
    ("secondary_ips.auto_assigned.per_subnet", "0"),
];

const BOOLEAN_ATTRIBUTES: &[&str] = &[
    "access_logs.s3.enabled",
    "deletion_protection.enabled",
    "load_balancing.cross_zone.enabled",
    "ipv6.deny_all_igw_traffic",
    "zonal_shift.config.enabled",
];

impl LoadBalancer {
    /// `provisioning` right after creation, then `active` (derived from the clock).
    pub fn state_code(&self, now: i64) -> &'static str {
        if now < self.created_at + PROVISIONING_MS {
            "provisioning"
        } else {
            "active"
        }
    }

    /// The public DNS name; internal NLBs carry the `internal-` prefix.
    pub fn dns_name(&self) -> String {
        let prefix = if self.scheme == "internal" { "internal-" } else { "" };
        format!("{prefix}{}-{}.elb.{}.amazonaws.com", self.name, &self.lb_id[..10], self.region)
    }

    /// The Route 53 zone of NLB DNS names in this region.
    pub fn canonical_hosted_zone_id(&self) -> &'static str {
        match self.region.as_str() {
            "us-east-1" => "Z26RNL4JYFTOTI",
            "us-east-2" => "ZLMOA37VPKANP",
            "us-west-1" => "Z24FKFUX50B4VW",
            "us-west-2" => "Z18D5FSROUN65G",
            "eu-west-1" => "Z2IFOLAFXWLO4F",
            "eu-central-1" => "Z3F0SRJ5LGBH90",
            _ => "Z26RNL4JYFTOTI",
        }
    }

    /// The attribute value, falling back to AWS's default.
    pub fn attribute(&self, key: &str) -> String {
        self.attributes
            .get(key)
            .cloned()
            .or_else(|| DEFAULT_ATTRIBUTES.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string()))
            .unwrap_or_default()
    }

    /// Whether each node also routes to targets in the other enabled zones.
    pub fn cross_zone(&self) -> bool {
        self.attribute("load_balancing.cross_zone.enabled") == "true"
    }

    /// `net/<name>/<id>`, the ARN suffix AWS uses in ENI descriptions and metrics.
    pub fn arn_suffix(&self) -> String {
        format!("{}/{}/{}", if self.lb_type == "network" { "net" } else { "app" }, self.name, self.lb_id)
    }

    /// All attributes, defaults included, in key order.
    pub fn all_attributes(&self) -> Vec<(String, String)> {
        DEFAULT_ATTRIBUTES.iter().map(|(k, _)| (k.to_string(), self.attribute(k))).collect()
    }
}

/// Looks up a load balancer of the caller by ARN.
pub fn find<'a>(state: &'a State, ctx: &Ctx, arn: &str) -> Result<&'a LoadBalancer> {
    state
        .load_balancers
        .get(arn)
        .filter(|l| l.owner == ctx.account && l.region == ctx.region)
        .ok_or_else(|| ModelError::NotFound(IdKind::LoadBalancer, arn.to_string()))
}

/// One requested subnet, optionally with a fixed private address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubnetMapping {
    pub subnet_id: String,
    pub private_ip: Option<String>,
}

/// Input of CreateLoadBalancer.
#[derive(Debug, Clone, Default)]
pub struct CreateLoadBalancer {
    pub name: String,
    pub lb_type: Option<String>,
    pub scheme: Option<String>,
    pub subnets: Vec<SubnetMapping>,
    pub security_groups: Vec<String>,
    pub ip_address_type: Option<String>,
    pub tags: Vec<(String, String)>,
}

/// Resolves the subnets of a load balancer: all in one VPC, at most one per
/// Availability Zone, each owned by the caller.
fn resolve_subnets<'a>(state: &'a State, ctx: &Ctx, mappings: &[SubnetMapping]) -> Result<Vec<(&'a Subnet, Option<Ipv4Addr>)>> {
    if mappings.is_empty() {
        return Err(ModelError::ValidationError("At least one subnet must be specified".into()));
    }
    let mut out: Vec<(&Subnet, Option<Ipv4Addr>)> = Vec::new();
    for m in mappings {
        let s = state
            .subnets
            .get(&m.subnet_id)
            .filter(|s| s.owner == ctx.account && s.region == ctx.region)
            .ok_or_else(|| ModelError::NotFound(IdKind::LoadBalancerSubnet, m.subnet_id.clone()))?;
        if let Some((first, _)) = out.first() {
            if first.vpc_id != s.vpc_id {
                return Err(ModelError::Elb(ElbFault::InvalidConfigurationRequest, "All subnets must belong to the same VPC".into()));
            }
        }
        if out.iter().any(|(o, _)| o.availability_zone_id == s.availability_zone_id) {
            return Err(ModelError::Elb(
                ElbFault::InvalidConfigurationRequest,
                "A load balancer cannot be attached to multiple subnets in the same Availability Zone".into(),
            ));
        }
        let ip = match &m.private_ip {
            None => None,
            Some(t) => {
                let ip: Ipv4Addr = t.parse().map_err(|_| ModelError::ValidationError(format!("'{t}' is not a valid IPv4 address")))?;
                subnet::check_ip(state, s, ip).map_err(|_| {
                    ModelError::Elb(ElbFault::InvalidConfigurationRequest, format!("The private IPv4 address '{ip}' is not available in subnet '{}'", s.id))
                })?;
                Some(ip)
            }
        };
        out.push((s, ip));
    }
    Ok(out)
}

fn check_groups(state: &State, ctx: &Ctx, vpc_id: &str, groups: &[String]) -> Result<()> {
    if groups.len() > 5 {
        return Err(ModelError::Elb(ElbFault::InvalidSecurityGroup, "A load balancer can have at most 5 security groups".into()));
    }
    for g in groups {
        let ok = state.security_groups.get(g).is_some_and(|x| x.owner == ctx.account && x.region == ctx.region && x.vpc_id == vpc_id);
        if !ok {
            return Err(ModelError::Elb(ElbFault::InvalidSecurityGroup, format!("Security group '{g}' does not exist in VPC '{vpc_id}'")));
        }
    }
    Ok(())
}

/// Creates one node ENI per subnet and the zone records pointing to them.
fn place_nodes(state: &State, lb: &LoadBalancer, subnets: &[(&Subnet, Option<Ipv4Addr>)], ch: &mut Changes) -> Result<Vec<LbZone>> {
    let mut zones = Vec::new();
    for (s, fixed) in subnets {
        let ip = match fixed {
            Some(ip) => *ip,
            None => subnet::allocate_ip(state, s, &[])?,
        };
        let eni = network_interface::requester_managed(
            s,
            ip,
            lb.security_groups.clone(),
            format!("ELB {}", lb.arn_suffix()),
            "network_load_balancer",
            "amazon-elb",
        );
        zones.push(LbZone {
            subnet_id: s.id.clone(),
            zone_name: s.availability_zone.clone(),
            zone_id: s.availability_zone_id.clone(),
            eni_id: eni.id.clone(),
            private_ip: ip,
        });
        ch.put(eni);
    }
    Ok(zones)
}

/// CreateLoadBalancer (type `network`).
pub fn create_load_balancer(state: &State, ctx: &Ctx, input: CreateLoadBalancer) -> Result<(Changes, String)> {
    check_name(&input.name, "Load balancer")?;
    if input.name.starts_with("internal-") {
        return Err(ModelError::ValidationError("Load balancer names cannot begin with 'internal-'".into()));
    }
    let lb_type = input.lb_type.unwrap_or_else(|| "application".into());
    if lb_type != "network" {
        return Err(ModelError::ValidationError(format!(
            "Load balancer type '{lb_type}' is not supported by xvpc; only 'network' load balancers are emulated"
        )));
    }
    let scheme = input.scheme.unwrap_or_else(|| "internet-facing".into());
    if scheme != "internal" && scheme != "internet-facing" {
        return Err(ModelError::ValidationError(format!("'{scheme}' is not a valid scheme")));
    }
    let ip_address_type = input.ip_address_type.unwrap_or_else(|| "ipv4".into());
    if ip_address_type != "ipv4" {
        return Err(ModelError::ValidationError(format!("IP address type '{ip_address_type}' is not supported by xvpc")));
    }
    let mine = state.load_balancers.scope(ctx);
    if mine.clone().any(|l| l.name == input.name) {
        return Err(ModelError::Elb(ElbFault::DuplicateLoadBalancerName, "A load balancer with the same name already exists".into()));
    }
    if mine.count() >= LOAD_BALANCERS_PER_REGION {
        return Err(ModelError::LimitExceeded(Limit::LoadBalancers, "The quota for the number of load balancers has been reached".into()));
    }
    let subnets = resolve_subnets(state, ctx, &input.subnets)?;
    let vpc_id = subnets[0].0.vpc_id.clone();
    if scheme == "internet-facing" && !state.internet_gateways.values().any(|g| g.attached_vpc.as_deref() == Some(vpc_id.as_str())) {
        return Err(ModelError::Elb(ElbFault::InvalidSubnet, format!("VPC {vpc_id} has no internet gateway")));
    }
    if scheme == "internet-facing" && subnets.iter().any(|(_, ip)| ip.is_some()) {
        return Err(ModelError::ValidationError("Private IPv4 addresses can only be specified for internal load balancers".into()));
    }
    check_groups(state, ctx, &vpc_id, &input.security_groups)?;
    let mut tags = Tags::new();
    crate::tags::validate(&tags, &input.tags).map_err(|e| ModelError::ValidationError(e.to_string()))?;
    tags.extend(input.tags);
    let lb_id = random_hex(16);
    let mut lb = LoadBalancer {
        id: format!("arn:aws:elasticloadbalancing:{}:{}:loadbalancer/net/{}/{lb_id}", ctx.region, ctx.account, input.name),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        name: input.name,
        lb_id,
        lb_type,
        scheme,
        vpc_id,
        zones: Vec::new(),
        security_groups: input.security_groups,
        ip_address_type,
        attributes: BTreeMap::new(),
        tags,
        created_at: ctx.now,
    };
    let mut ch = Changes::new();
    lb.zones = place_nodes(state, &lb, &subnets, &mut ch)?;
    let id = lb.id.clone();
    ch.put(lb);
    Ok((ch, id))
}

/// DeleteLoadBalancer: its listeners and node ENIs go with it. Deleting a
/// load balancer that does not exist succeeds, as in AWS.
pub fn delete_load_balancer(state: &State, ctx: &Ctx, arn: &str) -> Result<Changes> {
    check_arn(arn, "loadbalancer")?;
    let Ok(lb) = find(state, ctx, arn) else { return Ok(Changes::new()) };
    if lb.attribute("deletion_protection.enabled") == "true" {
        return Err(ModelError::OperationNotPermitted(format!("Load balancer '{arn}' cannot be deleted because deletion protection is enabled")));
    }
    if let Some(svc) = state.endpoint_services.values().find(|s| s.network_load_balancer_arns.iter().any(|a| a == arn)) {
        return Err(ModelError::Elb(
            ElbFault::ResourceInUse,
            format!("Load balancer '{arn}' cannot be deleted because it is currently associated with another service ({})", svc.id),
        ));
    }
    let mut ch = Changes::new();
    for l in state.listeners.values().filter(|l| l.load_balancer_arn == arn) {
        ch.delete(ResourceKind::Listener, &l.id);
    }
    for z in &lb.zones {
        ch.delete(ResourceKind::NetworkInterface, &z.eni_id);
    }
    ch.delete(ResourceKind::LoadBalancer, arn);
    Ok(ch)
}

/// SetSubnets: an NLB may add zones, and drop zones it added; its node in a
/// zone it keeps keeps its address.
pub fn set_subnets(state: &State, ctx: &Ctx, arn: &str, mappings: &[SubnetMapping]) -> Result<Changes> {
    let lb = find(state, ctx, arn)?;
    let subnets = resolve_subnets(state, ctx, mappings)?;
    if subnets[0].0.vpc_id != lb.vpc_id {
        return Err(ModelError::Elb(ElbFault::InvalidConfigurationRequest, format!("The subnets must belong to VPC '{}'", lb.vpc_id)));
    }
    let mut lb = lb.clone();
    let mut ch = Changes::new();
    let (keep, new): (Vec<_>, Vec<_>) = subnets.into_iter().partition(|(s, _)| lb.zones.iter().any(|z| z.subnet_id == s.id));
    for z in lb.zones.iter().filter(|z| !keep.iter().any(|(s, _)| s.id == z.subnet_id)) {
        ch.delete(ResourceKind::NetworkInterface, &z.eni_id);
    }
    lb.zones.retain(|z| keep.iter().any(|(s, _)| s.id == z.subnet_id));
    if new.iter().any(|(s, _)| lb.zones.iter().any(|z| z.zone_id == s.availability_zone_id)) {
        return Err(ModelError::Elb(
            ElbFault::InvalidConfigurationRequest,
            "A load balancer cannot be attached to multiple subnets in the same Availability Zone".into(),
        ));
    }
    let added = place_nodes(state, &lb, &new, &mut ch)?;
    lb.zones.extend(added);
    ch.put(lb);
    Ok(ch)
}

/// SetSecurityGroups: an NLB created without security groups cannot get
/// any later (AWS's rule); otherwise the groups apply to every node ENI.
pub fn set_security_groups(state: &State, ctx: &Ctx, arn: &str, groups: &[String]) -> Result<Changes> {
    let mut lb = find(state, ctx, arn)?.clone();
    if lb.security_groups.is_empty() && !groups.is_empty() {
        return Err(ModelError::ValidationError(
            "You cannot set security groups on a Network Load Balancer which was created without any security groups".into(),
        ));
    }
    if !lb.security_groups.is_empty() && groups.is_empty() {
        return Err(ModelError::ValidationError("A Network Load Balancer created with security groups must keep at least one".into()));
    }
    check_groups(state, ctx, &lb.vpc_id, groups)?;
    lb.security_groups = groups.to_vec();
    let mut ch = Changes::new();
    for z in &lb.zones {
        if let Some(eni) = state.network_interfaces.get(&z.eni_id) {
            let mut eni = eni.clone();
            eni.groups = lb.security_groups.clone();
            ch.put(eni);
        }
    }
    ch.put(lb);
    Ok(ch)
}

/// ModifyLoadBalancerAttributes: known keys only, booleans spelled `true`/`false`.
pub fn modify_attributes(state: &State, ctx: &Ctx, arn: &str, attrs: &[(String, String)]) -> Result<Changes> {
    let mut lb = find(state, ctx, arn)?.clone();
    for (k, v) in attrs {
        check_attribute(DEFAULT_ATTRIBUTES, BOOLEAN_ATTRIBUTES, k, v, "load balancer")?;
        if k == "dns_record.client_routing_policy"
            && !["any_availability_zone", "availability_zone_affinity", "partial_availability_zone_affinity"].contains(&v.as_str())
        {
            return Err(ModelError::ValidationError(format!("'{v}' is not a valid value for {k}")));
        }
        lb.attributes.insert(k.clone(), v.clone());
    }
    let mut ch = Changes::new();
    ch.put(lb);
    Ok(ch)
}

/// The zones (by zone id) in which the NLB has a node.
pub fn zone_ids(lb: &LoadBalancer) -> Vec<String> {
    lb.zones.iter().map(|z| z.zone_id.clone()).collect()
}

/// The name `account` uses for a zone id of the NLB's region (endpoint
/// services show AZ names as the viewer sees them).
pub fn zone_name_for(account: &str, region_name: &str, zone_id: &str) -> Option<String> {
    region::zone_by_id(account, region_name, zone_id).map(|z| z.name)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::subnet::{create_subnet, CreateSubnet};
    use crate::vpc::{create_vpc, CreateVpc};

    pub fn apply(s: &mut State, ch: Changes) {
        ch.events.into_iter().for_each(|e| s.apply(e));
    }

    /// A VPC 10.1.0.0/16 with subnets in the account's zones a and b.
    pub fn world(ctx: &Ctx) -> (State, String, Vec<String>) {
        let mut s = State::default();
        let (ch, vpc) = create_vpc(&s, ctx, CreateVpc { cidr: "10.1.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let mut subnets = Vec::new();
        for (i, z) in ["a", "b", "c"].iter().enumerate() {
            let (ch, id) = create_subnet(
                &s,
                ctx,
                CreateSubnet {
                    vpc_id: vpc.clone(),
                    cidr: format!("10.1.{}.0/24", i + 1),
                    availability_zone: Some(format!("{}{z}", ctx.region)),
                    ..Default::default()
                },
            )
            .unwrap();
            apply(&mut s, ch);
            subnets.push(id);
        }
        (s, vpc, subnets)
    }

    pub fn nlb(s: &mut State, ctx: &Ctx, name: &str, subnets: &[String]) -> String {
        let input = CreateLoadBalancer {
            name: name.into(),
            lb_type: Some("network".into()),
            scheme: Some("internal".into()),
            subnets: subnets.iter().map(|x| SubnetMapping { subnet_id: x.clone(), private_ip: None }).collect(),
            ..Default::default()
        };
        let (ch, arn) = create_load_balancer(s, ctx, input).unwrap();
        apply(s, ch);
        arn
    }

    #[test]
    fn nlb_gets_one_node_eni_per_zone() {
        let ctx = Ctx::new("111111111111", "us-east-1", 1000);
        let (mut s, vpc, subnets) = world(&ctx);
        let arn = nlb(&mut s, &ctx, "web", &subnets[..2]);
        let lb = &s.load_balancers[&arn];
        assert!(arn.starts_with("arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/web/"));
        assert_eq!(lb.lb_id.len(), 16);
        assert_eq!(lb.vpc_id, vpc);
        assert_eq!(lb.zones.len(), 2);
        for z in &lb.zones {
            let eni = &s.network_interfaces[&z.eni_id];
            assert_eq!(eni.interface_type, "network_load_balancer");
            assert!(eni.requester_managed);
            assert_eq!(eni.description, format!("ELB net/web/{}", lb.lb_id));
            assert_eq!(eni.private_ip, z.private_ip);
        }
        assert_eq!(lb.state_code(1000), "provisioning");
        assert_eq!(lb.state_code(1000 + PROVISIONING_MS), "active");
        assert!(lb.dns_name().starts_with("internal-web-"));
        // Deleting takes the ENIs along.
        let ch = delete_load_balancer(&s, &ctx, &arn).unwrap();
        apply(&mut s, ch);
        assert!(s.network_interfaces.is_empty());
        assert!(delete_load_balancer(&s, &ctx, &arn).unwrap().is_empty(), "deleting a deleted NLB succeeds");
    }

    #[test]
    fn create_rules() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let (mut s, _, subnets) = world(&ctx);
        nlb(&mut s, &ctx, "web", &subnets[..1]);
        let input = |name: &str, subnets: &[String]| CreateLoadBalancer {
            name: name.into(),
            lb_type: Some("network".into()),
            scheme: Some("internal".into()),
            subnets: subnets.iter().map(|x| SubnetMapping { subnet_id: x.clone(), private_ip: None }).collect(),
            ..Default::default()
        };
        let code = |r: Result<(Changes, String)>| match r {
            Err(ModelError::Elb(f, _)) => format!("{f:?}"),
            Err(ModelError::NotFound(IdKind::LoadBalancerSubnet, _)) => "SubnetNotFound".into(),
            Err(ModelError::ValidationError(_)) => "ValidationError".into(),
            Err(e) => format!("{e:?}"),
            Ok(_) => "ok".into(),
        };
        assert_eq!(code(create_load_balancer(&s, &ctx, input("web", &subnets))), "DuplicateLoadBalancerName");
        assert_eq!(code(create_load_balancer(&s, &ctx, input("-bad", &subnets))), "ValidationError");
        assert_eq!(code(create_load_balancer(&s, &ctx, input("internal-x", &subnets))), "ValidationError");
        assert_eq!(code(create_load_balancer(&s, &ctx, input("x", &[]))), "ValidationError");
        assert_eq!(code(create_load_balancer(&s, &ctx, input("x", &["subnet-12345678".into()]))), "SubnetNotFound");
        let mut facing = input("x", &subnets);
        facing.scheme = None;
        assert_eq!(code(create_load_balancer(&s, &ctx, facing)), "InvalidSubnet", "internet-facing needs an IGW");
        let other = Ctx::new("222222222222", "us-east-1", 0);
        assert_eq!(code(create_load_balancer(&s, &other, input("x", &subnets))), "SubnetNotFound");
    }

    #[test]
    fn attributes_and_deletion_protection() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let (mut s, _, subnets) = world(&ctx);
        let arn = nlb(&mut s, &ctx, "web", &subnets);
        assert!(!s.load_balancers[&arn].cross_zone());
        let set = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert!(modify_attributes(&s, &ctx, &arn, &set("bogus.key", "1")).is_err());
        assert!(modify_attributes(&s, &ctx, &arn, &set("deletion_protection.enabled", "yes")).is_err());
        let ch = modify_attributes(&s, &ctx, &arn, &set("deletion_protection.enabled", "true")).unwrap();
        apply(&mut s, ch);
        assert!(matches!(delete_load_balancer(&s, &ctx, &arn), Err(ModelError::OperationNotPermitted(_))));
        let ch = modify_attributes(&s, &ctx, &arn, &set("load_balancing.cross_zone.enabled", "true")).unwrap();
        apply(&mut s, ch);
        assert!(s.load_balancers[&arn].cross_zone());
    }

    #[test]
    fn security_groups_only_if_created_with_them() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let (mut s, vpc, subnets) = world(&ctx);
        let arn = nlb(&mut s, &ctx, "web", &subnets[..1]);
        let sg = s.security_groups.values().find(|g| g.vpc_id == vpc).unwrap().id.clone();
        assert!(matches!(set_security_groups(&s, &ctx, &arn, &[sg.clone()]), Err(ModelError::ValidationError(_))));
        let input = CreateLoadBalancer {
            name: "withsg".into(),
            lb_type: Some("network".into()),
            scheme: Some("internal".into()),
            subnets: vec![SubnetMapping { subnet_id: subnets[1].clone(), private_ip: None }],
            security_groups: vec![sg.clone()],
            ..Default::default()
        };
        let (ch, arn2) = create_load_balancer(&s, &ctx, input).unwrap();
        apply(&mut s, ch);
        let eni = s.load_balancers[&arn2].zones[0].eni_id.clone();
        assert_eq!(s.network_interfaces[&eni].groups, vec![sg.clone()]);
        assert!(set_security_groups(&s, &ctx, &arn2, &[]).is_err());
        assert!(set_security_groups(&s, &ctx, &arn2, &["sg-12345678".into()]).is_err());
    }

    #[test]
    fn set_subnets_keeps_existing_nodes() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let (mut s, _, subnets) = world(&ctx);
        let arn = nlb(&mut s, &ctx, "web", &subnets[..1]);
        let before = s.load_balancers[&arn].zones[0].clone();
        let maps: Vec<_> = subnets[..2].iter().map(|x| SubnetMapping { subnet_id: x.clone(), private_ip: None }).collect();
        let ch = set_subnets(&s, &ctx, &arn, &maps).unwrap();
        apply(&mut s, ch);
        let lb = &s.load_balancers[&arn];
        assert_eq!(lb.zones.len(), 2);
        assert_eq!(lb.zones[0], before);
        assert_eq!(s.network_interfaces.len(), 2);
    }
}
