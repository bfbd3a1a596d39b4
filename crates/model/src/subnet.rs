//! Subnets: a block inside one of the VPC's CIDRs, in one availability zone.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::cidr::{self, Ipv4Net};
use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, opt, Field, FilterTable};
use crate::ids::new_id;
use crate::region;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// A subnet. The zone is stored by name (as the owner sees it) and by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub vpc_id: String,
    /// The IPv4 block; `None` for an IPv6-only (`Ipv6Native`) subnet.
    /// (Stored as the same JSON string as before IPv6 when present.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<Ipv4Net>,
    pub availability_zone: String,
    pub availability_zone_id: String,
    pub map_public_ip_on_launch: bool,
    /// `DefaultForAz`: a default VPC's subnet for its zone.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub default_for_az: bool,
    pub tags: Tags,
    pub created_at: i64,
    /// The subnet's IPv6 block (AWS allows one), inside its VPC's /56.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidr_blocks: Vec<SubnetIpv6Block>,
    /// `AssignIpv6AddressOnCreation`: new interfaces get an IPv6 address.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub assign_ipv6_address_on_creation: bool,
    /// `EnableDns64` and `PrivateDnsNameOptionsOnLaunch`.
    #[serde(default, skip_serializing_if = "crate::subnet_dns::DnsOptions::is_default")]
    pub dns: crate::subnet_dns::DnsOptions,
}
crate::impl_owned!(Subnet);

pub use crate::subnet_ipv6::SubnetIpv6Block;

impl Subnet {
    /// Whether the subnet is IPv6-only (`Ipv6Native`): it has no IPv4 block.
    pub fn ipv6_native(&self) -> bool {
        self.cidr.is_none()
    }

    /// The IPv4 block, for callers that give out IPv4 addresses: an
    /// IPv6-only subnet has none, and xvpc has no IPv6-only interfaces.
    pub fn ipv4_block(&self) -> Result<Ipv4Net> {
        self.cidr.ok_or_else(|| {
            ModelError::InvalidParameterValue(format!("Subnet {} is IPv6-only: interfaces without an IPv4 address are not supported by xvpc", self.id))
        })
    }

    /// The subnet's IPv6 blocks.
    pub fn ipv6_cidrs(&self) -> impl Iterator<Item = crate::cidr::Ipv6Net> + '_ {
        self.ipv6_cidr_blocks.iter().map(|b| b.cidr)
    }

    /// Whether an address of either family lies in the subnet.
    pub fn contains_ip(&self, ip: std::net::IpAddr) -> bool {
        match ip {
            std::net::IpAddr::V4(a) => self.cidr.is_some_and(|c| c.contains(&a)),
            std::net::IpAddr::V6(a) => self.ipv6_cidrs().any(|c| c.contains(&a)),
        }
    }

    /// Addresses still free: usable minus those held by ENIs.
    /// IPv4 addresses still free (none in an IPv6-only subnet).
    pub fn available_ip_count(&self, state: &State) -> u64 {
        let Some(block) = self.cidr else { return 0 };
        let used = state.network_interfaces.values().filter(|e| e.subnet_id == self.id).map(|e| e.all_ips().count() as u64).sum::<u64>();
        cidr::usable_count(&block).saturating_sub(used)
    }

    pub fn arn(&self) -> String {
        format!("arn:aws:ec2:{}:{}:subnet/{}", self.region, self.owner, self.id)
    }
}

/// DescribeSubnets' filters, with the camelCase and `cidr` spellings EC2
/// also accepts. The answers agree with what DescribeSubnets shows (no
/// Outposts).
pub const FILTERS: FilterTable<Subnet> = FilterTable {
    tags: Some(|s, _| Some(&s.tags)),
    fields: &[
        ("availability-zone", Field::Values(|s, _| one(&s.availability_zone))),
        ("availabilityZone", Field::Values(|s, _| one(&s.availability_zone))),
        ("availability-zone-id", Field::Values(|s, _| one(&s.availability_zone_id))),
        ("availabilityZoneId", Field::Values(|s, _| one(&s.availability_zone_id))),
        ("available-ip-address-count", Field::Values(|s, e| one(s.available_ip_count(e.state)))),
        ("cidr", Field::Values(|s, _| opt(s.cidr))),
        ("cidr-block", Field::Values(|s, _| opt(s.cidr))),
        ("cidrBlock", Field::Values(|s, _| opt(s.cidr))),
        ("customer-owned-ipv4-pool", Field::Absent),
        ("default-for-az", Field::Values(|s, _| one(s.default_for_az))),
        ("defaultForAz", Field::Values(|s, _| one(s.default_for_az))),
        ("enable-dns64", Field::Values(|s, _| one(s.dns.enable_dns64))),
        ("enable-lni-at-device-index", Field::Absent),
        ("ipv6-cidr-block-association.ipv6-cidr-block", Field::Values(|s, _| s.ipv6_cidrs().map(|c| c.to_string()).collect())),
        ("ipv6-cidr-block-association.association-id", Field::Values(|s, _| s.ipv6_cidr_blocks.iter().map(|b| b.association_id.clone()).collect())),
        ("ipv6-cidr-block-association.state", Field::Values(|s, _| s.ipv6_cidr_blocks.iter().map(|_| "associated".to_string()).collect())),
        ("ipv6-native", Field::Values(|s, _| one(s.ipv6_native()))),
        ("map-customer-owned-ip-on-launch", Field::Values(|_, _| one(false))),
        ("map-public-ip-on-launch", Field::Values(|s, _| one(s.map_public_ip_on_launch))),
        ("outpost-arn", Field::Absent),
        ("owner-id", Field::Values(|s, _| one(&s.owner))),
        ("private-dns-name-options-on-launch.hostname-type", Field::Values(|s, _| one(s.dns.hostname_type))),
        ("private-dns-name-options-on-launch.enable-resource-name-dns-a-record", Field::Values(|s, _| one(s.dns.a_record))),
        ("private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record", Field::Values(|s, _| one(s.dns.aaaa_record))),
        ("state", Field::Values(|_, _| one("available"))),
        ("subnet-arn", Field::Values(|s, _| one(s.arn()))),
        ("subnet-id", Field::Values(|s, _| one(&s.id))),
        ("vpc-id", Field::Values(|s, _| one(&s.vpc_id))),
    ],
};

/// Input of CreateSubnet. One of zone name or zone id; neither picks one.
#[derive(Debug, Clone, Default)]
pub struct CreateSubnet {
    pub vpc_id: String,
    /// `CidrBlock`; empty when not given (an IPv6-only subnet has none).
    pub cidr: String,
    /// `Ipv6Native`: an IPv6-only subnet (its IPv6 block is then required).
    pub ipv6_native: bool,
    pub availability_zone: Option<String>,
    pub availability_zone_id: Option<String>,
    pub tags: Tags,
}

/// CreateSubnet: inside one VPC block, /16–/28, no overlap with siblings.
/// The block is taken in its canonical form (`10.0.1.9/24` is `10.0.1.0/24`).
pub fn create_subnet(state: &State, ctx: &Ctx, input: CreateSubnet) -> Result<(Changes, String)> {
    create_dual_stack(state, ctx, input, None)
}

/// CreateSubnet with an `Ipv6CidrBlock` too: a /64 inside the VPC's IPv6
/// block, overlapping no sibling's (see [`crate::subnet_ipv6`]). An
/// IPv6-only subnet (`Ipv6Native`) takes no IPv4 block and needs the IPv6
/// one ("This parameter is required for an IPv6 only subnet").
pub fn create_dual_stack(state: &State, ctx: &Ctx, input: CreateSubnet, ipv6_cidr: Option<&str>) -> Result<(Changes, String)> {
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, &input.vpc_id)?;
    let net = match (input.ipv6_native, input.cidr.is_empty()) {
        (true, false) => {
            return Err(ModelError::InvalidParameterCombination("The parameter CidrBlock is not supported for an IPv6 only subnet".into()))
        }
        (true, true) if ipv6_cidr.is_none() => return Err(ModelError::MissingParameter("Ipv6CidrBlock".into())),
        (true, true) => None,
        (false, true) => return Err(ModelError::MissingParameter("CidrBlock".into())),
        (false, false) => Some(check_ipv4_block(state, vpc, &input.cidr)?),
    };
    let ipv6 = ipv6_cidr.map(|c| crate::subnet_ipv6::check_block(state, vpc, None, c)).transpose()?;
    let zone = match (&input.availability_zone, &input.availability_zone_id) {
        (Some(_), Some(_)) => {
            return Err(ModelError::InvalidParameterCombination(
                "Only one of availabilityZone or availabilityZoneId may be specified".into(),
            ))
        }
        (Some(name), None) => region::zone_by_name(&ctx.account, &ctx.region, name).ok_or_else(|| {
            ModelError::InvalidParameterValue(format!("Value ({name}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: {}.", zone_names(ctx)))
        })?,
        (None, Some(id)) => region::zone_by_id(&ctx.account, &ctx.region, id).ok_or_else(|| {
            ModelError::InvalidParameterValue(format!("Value ({id}) for parameter availabilityZoneId is invalid."))
        })?,
        (None, None) => {
            // AWS picks a zone; spread subnets round-robin like it tends to.
            let zones = region::zones(&ctx.account, region::region(&ctx.region).ok_or_else(|| ModelError::InvalidParameterValue("unknown region".into()))?);
            let n = state.subnets.owned_by(&vpc.owner, &vpc.region).filter(|s| s.vpc_id == vpc.id).count();
            zones[n % zones.len()].clone()
        }
    };
    let subnet = Subnet {
        id: new_id("subnet"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        vpc_id: vpc.id.clone(),
        cidr: net,
        availability_zone: zone.name,
        availability_zone_id: zone.zone_id,
        map_public_ip_on_launch: false,
        default_for_az: false,
        tags: input.tags,
        created_at: ctx.now,
        ipv6_cidr_blocks: ipv6.map(SubnetIpv6Block::new).into_iter().collect(),
        // An IPv6-only subnet gives every interface an IPv6 address.
        assign_ipv6_address_on_creation: input.ipv6_native,
        dns: crate::subnet_dns::DnsOptions::for_new(input.ipv6_native),
    };
    let id = subnet.id.clone();
    let mut ch = Changes::new();
    ch.put(subnet);
    // The subnet joins the VPC's default network ACL, as in AWS.
    if let Some(acl) = state.network_acls.owned_by(&vpc.owner, &vpc.region).find(|a| a.vpc_id == vpc.id && a.is_default) {
        let mut acl = acl.clone();
        acl.associations.push(crate::network_acl::NaclAssociation { id: new_id("aclassoc"), subnet_id: id.clone() });
        ch.put(acl);
    }
    Ok((ch, id))
}

/// A subnet's IPv4 block: canonical form, /16–/28, inside one of the VPC's
/// blocks, overlapping no sibling's.
fn check_ipv4_block(state: &State, vpc: &crate::vpc::Vpc, given: &str) -> Result<Ipv4Net> {
    let net = cidr::parse_canonical(given).ok_or_else(|| {
        ModelError::InvalidParameterValue(format!("Value ({given}) for parameter cidrBlock is invalid. This is not a valid CIDR block."))
    })?;
    if !(16..=28).contains(&net.prefix_len()) || !vpc.contains(&net) {
        return Err(ModelError::InvalidSubnetRange(given.to_string()));
    }
    if state.subnets.owned_by(&vpc.owner, &vpc.region).any(|s| s.vpc_id == vpc.id && s.cidr.is_some_and(|c| cidr::overlaps(&c, &net))) {
        return Err(ModelError::InvalidSubnetConflict(given.to_string()));
    }
    Ok(net)
}

fn zone_names(ctx: &Ctx) -> String {
    region::region(&ctx.region)
        .map(|r| region::zones(&ctx.account, r).into_iter().map(|z| z.name).collect::<Vec<_>>().join(", "))
        .unwrap_or_default()
}

/// DeleteSubnet: refused while ENIs (instances, endpoints, NLBs) live in it.
pub fn delete_subnet(state: &State, ctx: &Ctx, subnet_id: &str) -> Result<Changes> {
    let subnet = owned(&state.subnets, ctx, IdKind::Subnet, subnet_id)?;
    if state.network_interfaces.values().any(|e| e.subnet_id == subnet.id) {
        return Err(ModelError::DependencyViolation(format!(
            "The subnet '{}' has dependencies and cannot be deleted.",
            subnet.id
        )));
    }
    let mut ch = Changes::new();
    // Route table and NACL associations of the subnet disappear with it.
    for rt in state.route_tables.values().filter(|r| r.associations.iter().any(|a| a.subnet_id.as_deref() == Some(subnet_id))) {
        let mut rt = rt.clone();
        rt.associations.retain(|a| a.subnet_id.as_deref() != Some(subnet_id));
        ch.put(rt);
    }
    for acl in state.network_acls.values().filter(|a| a.associations.iter().any(|x| x.subnet_id == subnet_id)) {
        let mut acl = acl.clone();
        acl.associations.retain(|x| x.subnet_id != subnet_id);
        ch.put(acl);
    }
    ch.delete(ResourceKind::Subnet, subnet_id);
    Ok(ch)
}

/// ModifySubnetAttribute `MapPublicIpOnLaunch`: whether instances launched
/// into the subnet get a public IPv4 address (unless the launch says
/// otherwise).
pub fn set_map_public_ip_on_launch(state: &State, ctx: &Ctx, subnet_id: &str, on: bool) -> Result<Changes> {
    let mut s = owned(&state.subnets, ctx, IdKind::Subnet, subnet_id)?.clone();
    s.map_public_ip_on_launch = on;
    let mut ch = Changes::new();
    ch.put(s);
    Ok(ch)
}

/// The first free address of a subnet, skipping AWS's five reserved ones.
pub fn allocate_ip(state: &State, subnet: &Subnet, also_taken: &[Ipv4Addr]) -> Result<Ipv4Addr> {
    let block = subnet.ipv4_block()?;
    let used: std::collections::HashSet<Ipv4Addr> = state
        .network_interfaces
        .values()
        .filter(|e| e.subnet_id == subnet.id)
        .flat_map(|e| e.all_ips().collect::<Vec<_>>())
        .chain(also_taken.iter().copied())
        .collect();
    block
        .hosts()
        .find(|ip| !cidr::is_reserved(&block, *ip) && !used.contains(ip))
        .ok_or_else(|| ModelError::InsufficientFreeAddresses(subnet.id.clone()))
}

/// Checks a requested private address: inside the subnet, not reserved,
/// not in use.
pub fn check_ip(state: &State, subnet: &Subnet, ip: Ipv4Addr) -> Result<()> {
    let block = subnet.ipv4_block()?;
    if !block.contains(&ip) || cidr::is_reserved(&block, ip) {
        return Err(ModelError::InvalidParameterValue(format!(
            "Address {ip} does not fall within the subnet's address range"
        )));
    }
    if state.network_interfaces.values().any(|e| e.subnet_id == subnet.id && e.all_ips().any(|x| x == ip)) {
        return Err(ModelError::AddressInUse(ip.to_string()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vpc::{create_vpc, CreateVpc};

    fn setup() -> (State, Ctx, String) {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let mut s = State::default();
        let (ch, vpc) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.1.0.0/16".into(), ..Default::default() }).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        (s, ctx, vpc)
    }

    fn input(vpc: &str, cidr: &str) -> CreateSubnet {
        CreateSubnet { vpc_id: vpc.into(), cidr: cidr.into(), availability_zone: Some("us-east-1a".into()), ..Default::default() }
    }

    #[test]
    fn subnet_rules() {
        let (mut s, ctx, vpc) = setup();
        let (ch, id) = create_subnet(&s, &ctx, input(&vpc, "10.1.1.0/24")).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        assert_eq!(s.subnets[&id].available_ip_count(&s), 251);
        assert_eq!(create_subnet(&s, &ctx, input(&vpc, "10.1.1.128/25")), Err(ModelError::InvalidSubnetConflict("10.1.1.128/25".into())));
        assert_eq!(create_subnet(&s, &ctx, input(&vpc, "10.2.0.0/24")), Err(ModelError::InvalidSubnetRange("10.2.0.0/24".into())));
        assert_eq!(create_subnet(&s, &ctx, input(&vpc, "10.1.0.0/29")), Err(ModelError::InvalidSubnetRange("10.1.0.0/29".into())));
        // Host bits are dropped: the subnet is 10.1.2.0/24 (and still conflicts
        // as that block would).
        let (ch, canonical) = create_subnet(&s, &ctx, input(&vpc, "10.1.2.9/24")).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        assert_eq!(s.subnets[&canonical].cidr.map(|c| c.to_string()).as_deref(), Some("10.1.2.0/24"));
        assert_eq!(create_subnet(&s, &ctx, input(&vpc, "10.1.2.200/25")), Err(ModelError::InvalidSubnetConflict("10.1.2.200/25".into())));
        assert!(matches!(create_subnet(&s, &ctx, input(&vpc, "10.1.2.0")), Err(ModelError::InvalidParameterValue(_))));
        let mut bad_zone = input(&vpc, "10.1.3.0/24");
        bad_zone.availability_zone = Some("eu-west-1a".into());
        assert!(matches!(create_subnet(&s, &ctx, bad_zone), Err(ModelError::InvalidParameterValue(_))));
        // The new subnet joined the default NACL.
        assert!(s.network_acls.values().any(|a| a.is_default && a.associations.iter().any(|x| x.subnet_id == id)));
        // First allocatable address is base + 4.
        assert_eq!(allocate_ip(&s, &s.subnets[&id], &[]).unwrap(), Ipv4Addr::new(10, 1, 1, 4));
    }
}
