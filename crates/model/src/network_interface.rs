//! Elastic network interfaces: the unit security groups apply to, and the
//! endpoints of every path.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::tags::Tags;

/// An ENI in one subnet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub availability_zone: String,
    pub private_ip: Ipv4Addr,
    pub secondary_ips: Vec<Ipv4Addr>,
    /// Security group ids (1–5).
    pub groups: Vec<String>,
    pub description: String,
    /// `interface`, `vpc_endpoint`, `network_load_balancer`,
    /// `transit_gateway`, ... as AWS's `InterfaceType`.
    pub interface_type: String,
    /// Created by a service on the owner's behalf (endpoint, NLB, TGW).
    pub requester_managed: bool,
    pub requester_id: Option<String>,
    pub attachment: Option<EniAttachment>,
    pub source_dest_check: bool,
    pub mac_address: String,
    pub tags: Tags,
    /// The public IPv4 address mapped to the primary private address
    /// (AWS's `Association`), when the ENI has one.
    #[serde(default)]
    pub public_ip: Option<Ipv4Addr>,
    /// IPv6 addresses from the subnet's /64 (public: no NAT applies).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_addresses: Vec<Ipv6Addr>,
}
crate::impl_owned!(NetworkInterface);

/// The attachment of an ENI to an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EniAttachment {
    pub id: String,
    pub instance_id: String,
    pub device_index: i64,
    pub delete_on_termination: bool,
    pub attach_time: i64,
}

impl NetworkInterface {
    /// Primary and secondary private addresses.
    pub fn all_ips(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        std::iter::once(self.private_ip).chain(self.secondary_ips.iter().copied())
    }

    /// Every address of either family the interface holds.
    pub fn all_addresses(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.all_ips().map(IpAddr::V4).chain(self.ipv6_addresses.iter().map(|a| IpAddr::V6(*a)))
    }

    /// Whether the interface holds `ip`.
    pub fn holds(&self, ip: IpAddr) -> bool {
        match ip {
            IpAddr::V4(a) => self.all_ips().any(|x| x == a),
            IpAddr::V6(a) => self.ipv6_addresses.contains(&a),
        }
    }

    /// `in-use` when attached or service-managed, else `available`.
    pub fn status(&self) -> &'static str {
        if self.attachment.is_some() || self.requester_managed {
            "in-use"
        } else {
            "available"
        }
    }
}

/// A locally administered MAC address derived from the ENI id.
pub fn mac_for(id: &str) -> String {
    let h = id.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    format!("0e:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", (h >> 32) as u8, (h >> 24) as u8, (h >> 16) as u8, (h >> 8) as u8, h as u8)
}

/// An ENI a service creates in a customer's subnet on the subnet owner's
/// behalf (NLB nodes, interface endpoints): requester-managed, attached to
/// nothing the customer can detach, holding one private address.
pub fn requester_managed(
    subnet: &crate::subnet::Subnet,
    private_ip: Ipv4Addr,
    groups: Vec<String>,
    description: String,
    interface_type: &str,
    requester_id: &str,
) -> NetworkInterface {
    let id = crate::ids::new_id("eni");
    NetworkInterface {
        mac_address: mac_for(&id),
        id,
        owner: subnet.owner.clone(),
        region: subnet.region.clone(),
        vpc_id: subnet.vpc_id.clone(),
        subnet_id: subnet.id.clone(),
        availability_zone: subnet.availability_zone.clone(),
        private_ip,
        secondary_ips: Vec::new(),
        groups,
        description,
        interface_type: interface_type.to_string(),
        requester_managed: true,
        requester_id: Some(requester_id.to_string()),
        attachment: None,
        source_dest_check: true,
        tags: Tags::new(),
        public_ip: None,
        ipv6_addresses: Vec::new(),
    }
}

use crate::error::{IdKind, Limit, ModelError, Result};
use crate::filter::{one, opt, Field, FilterTable};
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::subnet::Subnet;

/// AWS's default quota of security groups per network interface.
pub const GROUPS_PER_INTERFACE: usize = 5;

impl NetworkInterface {
    /// The owner of the public address: the Elastic IP's account, or
    /// `amazon` for an automatic one.
    fn ip_owner(&self, state: &State) -> Option<String> {
        let eip = crate::elastic_ip::of_eni(state, &self.id);
        self.public_ip.map(|_| eip.map_or("amazon", |a| a.owner.as_str()).to_string())
    }
}

/// DescribeNetworkInterfaces' filters (`group-name` is an older one).
/// `addresses.association.*` read the primary address's public address,
/// the only one xvpc maps.
pub const FILTERS: FilterTable<NetworkInterface> = FilterTable {
    tags: Some(|n, _| Some(&n.tags)),
    fields: &[
        ("addresses.association.owner-id", Field::Values(|n, e| opt(n.ip_owner(e.state)))),
        ("addresses.association.public-ip", Field::Values(|n, _| opt(n.public_ip))),
        ("addresses.primary", Field::Values(|n, _| n.all_ips().enumerate().map(|(i, _)| (i == 0).to_string()).collect())),
        ("addresses.private-ip-address", Field::Values(|n, _| n.all_ips().map(|i| i.to_string()).collect())),
        ("association.allocation-id", Field::Values(|n, e| opt(crate::elastic_ip::of_eni(e.state, &n.id).map(|a| &a.id)))),
        ("association.association-id", Field::Values(|n, e| {
            opt(crate::elastic_ip::of_eni(e.state, &n.id).and_then(|a| a.association.as_ref()).map(|x| &x.id))
        })),
        ("association.ip-owner-id", Field::Values(|n, e| opt(n.ip_owner(e.state)))),
        ("association.public-dns-name", Field::Values(|n, e| {
            let name = n.public_ip.map(|ip| crate::public_ip::shown_dns_name(e.state, &n.vpc_id, &n.region, ip));
            opt(name.filter(|d| !d.is_empty()))
        })),
        ("association.public-ip", Field::Values(|n, _| opt(n.public_ip))),
        ("attachment.attach-time", Field::Values(|n, _| opt(n.attachment.as_ref().map(|a| crate::peering::iso8601(a.attach_time))))),
        ("attachment.attachment-id", Field::Values(|n, _| opt(n.attachment.as_ref().map(|a| &a.id)))),
        ("attachment.delete-on-termination", Field::Values(|n, _| opt(n.attachment.as_ref().map(|a| a.delete_on_termination)))),
        ("attachment.device-index", Field::Values(|n, _| opt(n.attachment.as_ref().map(|a| a.device_index)))),
        ("attachment.instance-id", Field::Values(|n, _| opt(n.attachment.as_ref().map(|a| &a.instance_id)))),
        ("attachment.instance-owner-id", Field::Values(|n, _| opt(n.attachment.as_ref().map(|_| &n.owner)))),
        ("attachment.status", Field::Values(|n, _| opt(n.attachment.as_ref().map(|_| "attached")))),
        ("availability-zone", Field::Values(|n, _| one(&n.availability_zone))),
        ("availability-zone-id", Field::Values(|n, e| opt(e.state.subnets.get(&n.subnet_id).map(|s| &s.availability_zone_id)))),
        ("description", Field::Values(|n, _| one(&n.description))),
        ("group-id", Field::Values(|n, _| n.groups.clone())),
        ("group-name", Field::Values(|n, e| n.groups.iter().filter_map(|g| e.state.security_groups.get(g)).map(|g| g.name.clone()).collect())),
        ("interface-type", Field::Values(|n, _| one(&n.interface_type))),
        ("ipv6-addresses.ipv6-address", Field::Values(|n, _| n.ipv6_addresses.iter().map(|a| a.to_string()).collect())),
        ("mac-address", Field::Values(|n, _| one(&n.mac_address))),
        ("network-interface-id", Field::Values(|n, _| one(&n.id))),
        // No interface is managed by a service operator in xvpc.
        ("operator.managed", Field::Values(|_, _| one(false))),
        ("operator.principal", Field::Absent),
        ("owner-id", Field::Values(|n, _| one(&n.owner))),
        ("private-dns-name", Field::Values(|n, _| one(private_dns_name(&n.region, n.private_ip)))),
        ("private-ip-address", Field::Values(|n, _| n.all_ips().map(|i| i.to_string()).collect())),
        ("requester-id", Field::Values(|n, _| opt(n.requester_id.as_ref()))),
        ("requester-managed", Field::Values(|n, _| one(n.requester_managed))),
        ("source-dest-check", Field::Values(|n, _| one(n.source_dest_check))),
        ("status", Field::Values(|n, _| one(n.status()))),
        ("subnet-id", Field::Values(|n, _| one(&n.subnet_id))),
        ("vpc-id", Field::Values(|n, _| one(&n.vpc_id))),
    ],
};

/// The private DNS name AWS gives an address (`ip-10-0-1-4.ec2.internal`
/// in us-east-1, `ip-...<region>.compute.internal` elsewhere).
pub fn private_dns_name(region: &str, ip: Ipv4Addr) -> String {
    let host = format!("ip-{}", ip.to_string().replace('.', "-"));
    if region == "us-east-1" {
        format!("{host}.ec2.internal")
    } else {
        format!("{host}.{region}.compute.internal")
    }
}

/// Resolves security groups for an interface in `vpc_id`: 1–5 of the
/// caller's groups in that VPC; none given means the VPC's default group.
pub fn resolve_groups(state: &State, ctx: &Ctx, vpc_id: &str, groups: &[String]) -> Result<Vec<String>> {
    if groups.is_empty() {
        let d = crate::security_group::default_group(state, vpc_id)
            .ok_or_else(|| ModelError::NotFound(IdKind::SecurityGroup, "default".into()))?;
        return Ok(vec![d.id.clone()]);
    }
    if groups.len() > GROUPS_PER_INTERFACE {
        return Err(ModelError::LimitExceeded(Limit::SecurityGroupsPerInterface, "The maximum number of security groups per interface has been reached.".into()));
    }
    let mut out: Vec<String> = Vec::new();
    for g in groups {
        let sg = owned(&state.security_groups, ctx, IdKind::SecurityGroup, g)?;
        if sg.vpc_id != vpc_id {
            return Err(ModelError::InvalidParameter(format!("Security group {g} and subnet belong to different networks.")));
        }
        if !out.contains(g) {
            out.push(g.clone());
        }
    }
    Ok(out)
}

/// A new ENI in `subnet` (not yet stored). `ip` is checked, or allocated
/// avoiding `also_taken` (addresses given out earlier in the same request);
/// in a subnet that assigns IPv6 addresses on creation, it gets one too
/// (avoiding `also_taken6`).
pub fn build(state: &State, ctx: &Ctx, subnet: &Subnet, ip: Option<Ipv4Addr>, groups: &[String], also_taken: &[Ipv4Addr], also_taken6: &[Ipv6Addr]) -> Result<NetworkInterface> {
    let groups = resolve_groups(state, ctx, &subnet.vpc_id, groups)?;
    let private_ip = match ip {
        Some(ip) => {
            crate::subnet::check_ip(state, subnet, ip)?;
            if also_taken.contains(&ip) {
                return Err(ModelError::AddressInUse(ip.to_string()));
            }
            ip
        }
        None => crate::subnet::allocate_ip(state, subnet, also_taken)?,
    };
    let ipv6_addresses = crate::subnet_ipv6::for_new_interface(state, subnet, &[], None, also_taken6)?;
    let id = new_id("eni");
    Ok(NetworkInterface {
        mac_address: mac_for(&id),
        id,
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        vpc_id: subnet.vpc_id.clone(),
        subnet_id: subnet.id.clone(),
        availability_zone: subnet.availability_zone.clone(),
        private_ip,
        secondary_ips: Vec::new(),
        groups,
        description: String::new(),
        interface_type: "interface".into(),
        requester_managed: false,
        requester_id: None,
        attachment: None,
        source_dest_check: true,
        tags: Tags::new(),
        public_ip: None,
        ipv6_addresses,
    })
}

/// Parses a private address parameter.
pub fn parse_ip(s: &str) -> Result<Ipv4Addr> {
    s.trim().parse().map_err(|_| ModelError::InvalidParameterValue(format!("Invalid private IP address: {s}")))
}

/// Input of CreateNetworkInterface.
#[derive(Debug, Clone, Default)]
pub struct CreateEni {
    pub subnet_id: String,
    pub private_ip: Option<String>,
    pub groups: Vec<String>,
    pub description: Option<String>,
    pub tags: Tags,
    /// `Ipv6Addresses`: specific addresses of the subnet's IPv6 block.
    pub ipv6_addresses: Vec<String>,
    /// `Ipv6AddressCount`: that many addresses, chosen from the block.
    pub ipv6_address_count: Option<u32>,
}

/// CreateNetworkInterface.
pub fn create(state: &State, ctx: &Ctx, input: CreateEni) -> Result<(Changes, String)> {
    let subnet = owned(&state.subnets, ctx, IdKind::Subnet, &input.subnet_id)?;
    let ip = input.private_ip.as_deref().map(parse_ip).transpose()?;
    let mut e = build(state, ctx, subnet, ip, &input.groups, &[], &[])?;
    // Addresses asked for replace the one the subnet assigns on creation.
    if !input.ipv6_addresses.is_empty() || input.ipv6_address_count.is_some() {
        let asked = input.ipv6_addresses.iter().map(|a| crate::subnet_ipv6::parse_address(a)).collect::<Result<Vec<_>>>()?;
        e.ipv6_addresses = crate::subnet_ipv6::for_new_interface(state, subnet, &asked, input.ipv6_address_count, &[])?;
    }
    e.description = input.description.unwrap_or_default();
    e.tags = input.tags;
    let id = e.id.clone();
    let mut ch = Changes::new();
    ch.put(e);
    Ok((ch, id))
}

/// AssignIpv6Addresses: the addresses asked for (checked), or `count` more
/// from the subnet's IPv6 block. Returns the addresses assigned.
pub fn assign_ipv6_addresses(state: &State, ctx: &Ctx, id: &str, addresses: &[String], count: Option<u32>) -> Result<(Changes, Vec<Ipv6Addr>)> {
    let e = owned(&state.network_interfaces, ctx, IdKind::NetworkInterface, id)?;
    let subnet = owned(&state.subnets, ctx, IdKind::Subnet, &e.subnet_id)?;
    let asked = addresses.iter().map(|a| crate::subnet_ipv6::parse_address(a)).collect::<Result<Vec<_>>>()?;
    if asked.is_empty() && count.is_none_or(|n| n == 0) {
        return Err(ModelError::MissingParameter("ipv6Addresses or ipv6AddressCount".into()));
    }
    let new = crate::subnet_ipv6::for_new_interface(state, subnet, &asked, count, &[])?;
    let mut e = e.clone();
    e.ipv6_addresses.extend(&new);
    let mut ch = Changes::new();
    ch.put(e);
    Ok((ch, new))
}

/// UnassignIpv6Addresses: each address must be the interface's.
pub fn unassign_ipv6_addresses(state: &State, ctx: &Ctx, id: &str, addresses: &[String]) -> Result<(Changes, Vec<Ipv6Addr>)> {
    let e = owned(&state.network_interfaces, ctx, IdKind::NetworkInterface, id)?;
    let gone = addresses.iter().map(|a| crate::subnet_ipv6::parse_address(a)).collect::<Result<Vec<_>>>()?;
    if let Some(a) = gone.iter().find(|a| !e.ipv6_addresses.contains(a)) {
        return Err(ModelError::InvalidParameterValue(format!("Some of the specified addresses are not assigned to interface {id}: {a}")));
    }
    let mut e = e.clone();
    e.ipv6_addresses.retain(|a| !gone.contains(a));
    let mut ch = Changes::new();
    ch.put(e);
    Ok((ch, gone))
}

/// DeleteNetworkInterface: not while attached or managed by a service.
pub fn delete(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let e = owned(&state.network_interfaces, ctx, IdKind::NetworkInterface, id)?;
    if e.attachment.is_some() || e.requester_managed {
        return Err(ModelError::NetworkInterfaceInUse(id.to_string()));
    }
    let mut ch = Changes::new();
    crate::elastic_ip::release_from(state, id, &mut ch);
    ch.delete(ResourceKind::NetworkInterface, id);
    Ok(ch)
}

/// The attributes ModifyNetworkInterfaceAttribute changes.
#[derive(Debug, Clone, Default)]
pub struct ModifyEni {
    pub groups: Option<Vec<String>>,
    pub source_dest_check: Option<bool>,
    pub description: Option<String>,
    /// `Attachment.DeleteOnTermination`: only for an attached interface.
    pub delete_on_termination: Option<bool>,
    /// `Attachment.AttachmentId`: must name the interface's attachment.
    pub attachment_id: Option<String>,
}

/// ModifyNetworkInterfaceAttribute.
pub fn modify(state: &State, ctx: &Ctx, id: &str, m: ModifyEni) -> Result<Changes> {
    let e = owned(&state.network_interfaces, ctx, IdKind::NetworkInterface, id)?;
    let mut e = e.clone();
    if let Some(g) = m.groups {
        if g.is_empty() {
            return Err(ModelError::MissingParameter("groupSet".into()));
        }
        e.groups = resolve_groups(state, ctx, &e.vpc_id, &g)?;
    }
    if let Some(b) = m.source_dest_check {
        e.source_dest_check = b;
    }
    if let Some(d) = m.description {
        e.description = d;
    }
    if let Some(b) = m.delete_on_termination {
        let given = m.attachment_id.as_deref();
        let a = e.attachment.as_mut().filter(|a| given.is_none_or(|g| g == a.id)).ok_or_else(|| {
            // Without an attachment there is none to name but the interface.
            ModelError::NotFound(IdKind::NetworkInterfaceAttachment, given.unwrap_or(id).to_string())
        })?;
        a.delete_on_termination = b;
    }
    let mut ch = Changes::new();
    ch.put(e);
    Ok(ch)
}

/// AttachNetworkInterface: same AZ as the instance, a free device index.
pub fn attach(state: &State, ctx: &Ctx, id: &str, instance_id: &str, device_index: i64) -> Result<(Changes, String)> {
    let e = owned(&state.network_interfaces, ctx, IdKind::NetworkInterface, id)?;
    let i = crate::instance::visible(state, ctx, instance_id)?;
    if e.attachment.is_some() {
        return Err(ModelError::NetworkInterfaceInUse(id.to_string()));
    }
    if e.availability_zone != i.availability_zone {
        return Err(ModelError::InvalidParameterValue(format!("Instance {instance_id} and interface {id} are in different availability zones")));
    }
    if e.vpc_id != i.vpc_id {
        return Err(ModelError::InvalidParameterValue(format!("Instance {instance_id} and interface {id} belong to different networks")));
    }
    if state.network_interfaces.values().any(|x| x.attachment.as_ref().is_some_and(|a| a.instance_id == instance_id && a.device_index == device_index)) {
        return Err(ModelError::InvalidParameterValue(format!("Instance '{instance_id}' already has an interface attached at device index '{device_index}'.")));
    }
    let att = EniAttachment { id: new_id("eni-attach"), instance_id: instance_id.to_string(), device_index, delete_on_termination: false, attach_time: ctx.now };
    let aid = att.id.clone();
    let mut e = e.clone();
    e.attachment = Some(att);
    let mut ch = Changes::new();
    ch.put(e);
    Ok((ch, aid))
}

/// DetachNetworkInterface: the primary interface (device 0) stays.
pub fn detach(state: &State, ctx: &Ctx, attachment_id: &str) -> Result<Changes> {
    let e = state
        .network_interfaces
        .scope(ctx)
        .find(|e| e.attachment.as_ref().is_some_and(|a| a.id == attachment_id))
        .ok_or_else(|| ModelError::NotFound(IdKind::NetworkInterfaceAttachment, attachment_id.to_string()))?;
    if e.attachment.as_ref().is_some_and(|a| a.device_index == 0) {
        return Err(ModelError::OperationNotPermitted("The network interface at device index 0 cannot be detached.".into()));
    }
    let mut e = e.clone();
    e.attachment = None;
    let mut ch = Changes::new();
    ch.put(e);
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vpc::{create_vpc, CreateVpc};

    #[test]
    fn create_delete_and_groups() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let mut s = State::default();
        let apply = |s: &mut State, ch: Changes| ch.events.into_iter().for_each(|e| s.apply(e));
        let (ch, v) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let (ch, v2) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.1.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let (ch, sub) = crate::subnet::create_subnet(&s, &ctx, crate::subnet::CreateSubnet {
            vpc_id: v.clone(), cidr: "10.0.1.0/24".into(), availability_zone: Some("us-east-1a".into()), ..Default::default()
        }).unwrap();
        apply(&mut s, ch);
        let (ch, eni) = create(&s, &ctx, CreateEni { subnet_id: sub.clone(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let e = &s.network_interfaces[&eni];
        assert_eq!(e.private_ip, Ipv4Addr::new(10, 0, 1, 4));
        assert_eq!(e.groups, vec![crate::security_group::default_group(&s, &v).unwrap().id.clone()]);
        // The same address again is in use; a reserved one is refused.
        let again = create(&s, &ctx, CreateEni { subnet_id: sub.clone(), private_ip: Some("10.0.1.4".into()), ..Default::default() });
        assert_eq!(again, Err(ModelError::AddressInUse("10.0.1.4".into())));
        assert!(create(&s, &ctx, CreateEni { subnet_id: sub.clone(), private_ip: Some("10.0.1.1".into()), ..Default::default() }).is_err());
        // A group of another VPC is refused.
        let other = crate::security_group::default_group(&s, &v2).unwrap().id.clone();
        assert!(matches!(create(&s, &ctx, CreateEni { subnet_id: sub.clone(), groups: vec![other], ..Default::default() }), Err(ModelError::InvalidParameter(_))));
        assert!(matches!(crate::subnet::delete_subnet(&s, &ctx, &sub), Err(ModelError::DependencyViolation(_))));
        let ch = delete(&s, &ctx, &eni).unwrap();
        apply(&mut s, ch);
        assert!(crate::subnet::delete_subnet(&s, &ctx, &sub).is_ok());
    }
}
