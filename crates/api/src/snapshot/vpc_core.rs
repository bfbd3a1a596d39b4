//! The VPC core of a dump: VPCs, subnets, route tables, internet gateways,
//! security groups and their rules, network ACLs, interfaces, instances,
//! Elastic IPs, NAT gateways and DHCP option sets, from the output shapes
//! of their describe calls into the model's resources.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::str::FromStr;

use xvpc_model::cidr::{IpNet, Ipv4Net, Ipv6Net};
use xvpc_model::route_table::{Destination, Route, RouteOrigin, RouteTableAssociation, RouteTarget};
use xvpc_model::security_group::{RulePeer, SgRule};
use xvpc_model::tags::Tags;
use xvpc_model::{ip_protocol::IpProtocol, Resource};
use xvpc_wire::shapes::ec2 as shape;

use super::import::{Found, ImportError, Options, Part};

type Get<'a> = dyn Fn(&str) -> &'a [Part<'a>] + 'a;

/// Tags as the model keeps them.
pub(super) fn tags(t: &[shape::Tag]) -> Tags {
    t.iter().filter_map(|t| Some((t.key.clone()?, t.value.clone().unwrap_or_default()))).collect()
}

/// A member the model cannot do without.
pub(super) fn need<'a, T>(p: &Part, at: &str, v: &'a Option<T>, name: &str) -> Result<&'a T, ImportError> {
    v.as_ref().ok_or_else(|| p.err(format!("{at}.{name}"), "a member xvpc needs is missing"))
}

/// A value that must parse (an address, a block).
pub(super) fn parse<T: FromStr>(p: &Part, at: &str, v: &str, what: &str) -> Result<T, ImportError> {
    v.parse().map_err(|_| p.err(at, format!("{v:?} is not {what}")))
}

fn v4(p: &Part, at: &str, v: &str) -> Result<Ipv4Net, ImportError> {
    parse(p, at, v, "an IPv4 CIDR block")
}

/// Reads the VPC core parts of the dump.
pub(super) fn read<'a>(found: &mut Found, o: &Options, get: &Get<'a>) -> Result<(), ImportError> {
    // Rules by group, when the dump has DescribeSecurityGroupRules (their ids).
    let mut rules: BTreeMap<String, (Vec<SgRule>, Vec<SgRule>)> = BTreeMap::new();
    for p in get("SecurityGroupRules") {
        let out: shape::DescribeSecurityGroupRulesResult = p.decode()?;
        for (i, r) in out.security_group_rules.iter().enumerate() {
            let at = format!("SecurityGroupRules.{i}");
            let group = need(p, &at, &r.group_id, "GroupId")?.clone();
            let peer = if let Some(c) = &r.cidr_ipv4 {
                RulePeer::Cidr(v4(p, &at, c)?)
            } else if let Some(c) = &r.cidr_ipv6 {
                RulePeer::Cidr6(c.clone())
            } else if let Some(pl) = &r.prefix_list_id {
                RulePeer::PrefixList(pl.clone())
            } else if let Some(g) = &r.referenced_group_info {
                RulePeer::Group {
                    group_id: need(p, &at, &g.group_id, "ReferencedGroupInfo.GroupId")?.clone(),
                    user_id: g.user_id.clone().or_else(|| r.group_owner_id.clone()).unwrap_or_default(),
                    vpc_id: g.vpc_id.clone(),
                    peering_id: g.vpc_peering_connection_id.clone(),
                }
            } else {
                return Err(p.err(at, "a rule names no CIDR, prefix list or group"));
            };
            let rule = SgRule {
                id: need(p, &at, &r.security_group_rule_id, "SecurityGroupRuleId")?.clone(),
                protocol: protocol(p, &at, r.ip_protocol.as_deref())?,
                from_port: r.from_port.filter(|_| !matches!(r.ip_protocol.as_deref(), Some("-1"))),
                to_port: r.to_port.filter(|_| !matches!(r.ip_protocol.as_deref(), Some("-1"))),
                peer,
                description: r.description.clone(),
            };
            let e = rules.entry(group).or_default();
            if r.is_egress == Some(true) { &mut e.1 } else { &mut e.0 }.push(rule);
        }
    }
    for p in get("Vpcs") {
        let out: shape::DescribeVpcsResult = p.decode()?;
        for (i, v) in out.vpcs.iter().enumerate() {
            let at = format!("Vpcs.{i}");
            let id = need(p, &at, &v.vpc_id, "VpcId")?.clone();
            let owner = p.account(v.owner_id.as_ref(), o, &at)?;
            let region = p.region(None, o, &at)?;
            let mut cidr_blocks = Vec::new();
            for (j, b) in v.cidr_block_association_set.iter().enumerate() {
                let at = format!("{at}.CidrBlockAssociationSet.{j}");
                if matches!(b.cidr_block_state.as_ref().and_then(|s| s.state.as_ref()), Some(shape::VpcCidrBlockStateCode::Disassociated)) {
                    continue;
                }
                cidr_blocks.push(xvpc_model::vpc::CidrBlock {
                    association_id: need(p, &at, &b.association_id, "AssociationId")?.clone(),
                    cidr: v4(p, &at, need(p, &at, &b.cidr_block, "CidrBlock")?)?,
                });
            }
            if cidr_blocks.is_empty() {
                let c = need(p, &at, &v.cidr_block, "CidrBlock")?;
                cidr_blocks.push(xvpc_model::vpc::CidrBlock { association_id: format!("vpc-cidr-assoc-{}", id.trim_start_matches("vpc-")), cidr: v4(p, &at, c)? });
            }
            let mut ipv6 = Vec::new();
            for (j, b) in v.ipv6_cidr_block_association_set.iter().enumerate() {
                let at = format!("{at}.Ipv6CidrBlockAssociationSet.{j}");
                ipv6.push(xvpc_model::vpc_ipv6::Ipv6CidrBlock {
                    association_id: need(p, &at, &b.association_id, "AssociationId")?.clone(),
                    cidr: parse::<Ipv6Net>(p, &at, need(p, &at, &b.ipv6_cidr_block, "Ipv6CidrBlock")?, "an IPv6 block")?,
                    network_border_group: b.network_border_group.clone().unwrap_or_else(|| region.clone()),
                });
            }
            let is_default = v.is_default.unwrap_or(false);
            let r = xvpc_model::vpc::Vpc {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                cidr_blocks,
                instance_tenancy: v.instance_tenancy.as_ref().map_or("default", |t| t.as_str()).to_string(),
                dhcp_options_id: v.dhcp_options_id.clone().unwrap_or_else(|| "default".into()),
                is_default,
                // Not in DescribeVpcs: AWS's defaults (a default VPC has DNS hostnames).
                enable_dns_support: true,
                enable_dns_hostnames: is_default,
                tags: tags(&v.tags),
                created_at: o.now,
                ipv6_cidr_blocks: ipv6,
                enable_network_address_usage_metrics: false,
            };
            found.keep(p, &at, &id, &owner, &region, "Vpc", Resource::Vpc(r))?;
        }
    }
    for p in get("Subnets") {
        let out: shape::DescribeSubnetsResult = p.decode()?;
        for (i, s) in out.subnets.iter().enumerate() {
            let at = format!("Subnets.{i}");
            let id = need(p, &at, &s.subnet_id, "SubnetId")?.clone();
            let owner = p.account(s.owner_id.as_ref(), o, &at)?;
            let zone = need(p, &at, &s.availability_zone, "AvailabilityZone")?.clone();
            let region = p.region(Some(&zone), o, &at)?;
            let mut ipv6 = Vec::new();
            for (j, b) in s.ipv6_cidr_block_association_set.iter().enumerate() {
                let at = format!("{at}.Ipv6CidrBlockAssociationSet.{j}");
                ipv6.push(xvpc_model::subnet_ipv6::SubnetIpv6Block {
                    association_id: need(p, &at, &b.association_id, "AssociationId")?.clone(),
                    cidr: parse::<Ipv6Net>(p, &at, need(p, &at, &b.ipv6_cidr_block, "Ipv6CidrBlock")?, "an IPv6 block")?,
                });
            }
            let zone_id = s.availability_zone_id.clone().or_else(|| xvpc_model::region::zone_by_name(&owner, &region, &zone).map(|z| z.zone_id)).unwrap_or_default();
            let r = xvpc_model::subnet::Subnet {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                vpc_id: need(p, &at, &s.vpc_id, "VpcId")?.clone(),
                cidr: s.cidr_block.as_deref().map(|c| v4(p, &at, c)).transpose()?,
                availability_zone: zone,
                availability_zone_id: zone_id,
                map_public_ip_on_launch: s.map_public_ip_on_launch.unwrap_or(false),
                default_for_az: s.default_for_az.unwrap_or(false),
                tags: tags(&s.tags),
                created_at: o.now,
                ipv6_cidr_blocks: ipv6,
                assign_ipv6_address_on_creation: s.assign_ipv6_address_on_creation.unwrap_or(false),
                dns: Default::default(),
            };
            found.keep(p, &at, &id, &owner, &region, "Subnet", Resource::Subnet(r))?;
        }
    }
    for p in get("RouteTables") {
        let out: shape::DescribeRouteTablesResult = p.decode()?;
        for (i, t) in out.route_tables.iter().enumerate() {
            let at = format!("RouteTables.{i}");
            let id = need(p, &at, &t.route_table_id, "RouteTableId")?.clone();
            let owner = p.account(t.owner_id.as_ref(), o, &at)?;
            let region = p.region(None, o, &at)?;
            let mut routes = Vec::new();
            for (j, r) in t.routes.iter().enumerate() {
                let at = format!("{at}.Routes.{j}");
                if let Some(x) = route(p, &at, r)? {
                    routes.push(x);
                }
            }
            let associations: Vec<RouteTableAssociation> = t
                .associations
                .iter()
                .filter(|a| !matches!(a.association_state.as_ref().and_then(|s| s.state.as_ref()), Some(shape::RouteTableAssociationStateCode::Disassociated)))
                .map(|a| RouteTableAssociation {
                    id: a.route_table_association_id.clone().unwrap_or_default(),
                    subnet_id: a.subnet_id.clone(),
                    gateway_id: a.gateway_id.clone(),
                    main: a.main.unwrap_or(false),
                })
                .collect();
            let r = xvpc_model::route_table::RouteTable {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                vpc_id: need(p, &at, &t.vpc_id, "VpcId")?.clone(),
                main: associations.iter().any(|a| a.main),
                routes,
                associations,
                tags: tags(&t.tags),
                propagating_vgws: t.propagating_vgws.iter().filter_map(|g| g.gateway_id.clone()).collect(),
            };
            found.keep(p, &at, &id, &owner, &region, "RouteTable", Resource::RouteTable(r))?;
        }
    }
    for p in get("InternetGateways") {
        let out: shape::DescribeInternetGatewaysResult = p.decode()?;
        for (i, g) in out.internet_gateways.iter().enumerate() {
            let at = format!("InternetGateways.{i}");
            let id = need(p, &at, &g.internet_gateway_id, "InternetGatewayId")?.clone();
            let owner = p.account(g.owner_id.as_ref(), o, &at)?;
            let region = p.region(None, o, &at)?;
            let r = xvpc_model::internet_gateway::InternetGateway {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                attached_vpc: g.attachments.iter().find_map(|a| a.vpc_id.clone()),
                tags: tags(&g.tags),
            };
            found.keep(p, &at, &id, &owner, &region, "InternetGateway", Resource::InternetGateway(r))?;
        }
    }
    for p in get("SecurityGroups") {
        let out: shape::DescribeSecurityGroupsResult = p.decode()?;
        for (i, g) in out.security_groups.iter().enumerate() {
            let at = format!("SecurityGroups.{i}");
            let id = need(p, &at, &g.group_id, "GroupId")?.clone();
            let owner = p.account(g.owner_id.as_ref(), o, &at)?;
            let region = p.region(None, o, &at)?;
            // The permissions' order, with the rule ids of DescribeSecurityGroupRules when the dump has them.
            let mut ingress = permissions(p, &format!("{at}.IpPermissions"), &id, false, &g.ip_permissions)?;
            let mut egress = permissions(p, &format!("{at}.IpPermissionsEgress"), &id, true, &g.ip_permissions_egress)?;
            if let Some((known_in, known_out)) = rules.remove(&id) {
                take_ids(&mut ingress, known_in);
                take_ids(&mut egress, known_out);
            }
            let r = xvpc_model::security_group::SecurityGroup {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                vpc_id: need(p, &at, &g.vpc_id, "VpcId")?.clone(),
                name: g.group_name.clone().unwrap_or_default(),
                description: g.description.clone().unwrap_or_default(),
                ingress,
                egress,
                tags: tags(&g.tags),
            };
            found.keep(p, &at, &id, &owner, &region, "SecurityGroup", Resource::SecurityGroup(r))?;
        }
    }
    super::vpc_core_more::read(found, o, get)
}

/// A rule's protocol (`-1`, a name or a number).
pub(super) fn protocol(p: &Part, at: &str, v: Option<&str>) -> Result<IpProtocol, ImportError> {
    let v = v.unwrap_or("-1");
    IpProtocol::parse(v).ok_or_else(|| p.err(format!("{at}.IpProtocol"), format!("{v:?} is not a protocol")))
}

/// Rules from `IpPermissions` (a dump without DescribeSecurityGroupRules):
/// each gets a stable id made from its group and position, as AWS's ids are
/// not in this output.
fn permissions(p: &Part, at: &str, group: &str, egress: bool, perms: &[shape::IpPermission]) -> Result<Vec<SgRule>, ImportError> {
    let mut out = Vec::new();
    for (i, perm) in perms.iter().enumerate() {
        let at = format!("{at}.{i}");
        let proto = protocol(p, &at, perm.ip_protocol.as_deref())?;
        let all = proto == IpProtocol::All;
        let mut peers: Vec<(RulePeer, Option<String>)> = Vec::new();
        for (j, r) in perm.ip_ranges.iter().enumerate() {
            peers.push((RulePeer::Cidr(v4(p, &format!("{at}.IpRanges.{j}"), need(p, &at, &r.cidr_ip, "CidrIp")?)?), r.description.clone()));
        }
        for r in &perm.ipv6_ranges {
            peers.push((RulePeer::Cidr6(need(p, &at, &r.cidr_ipv6, "CidrIpv6")?.clone()), r.description.clone()));
        }
        for r in &perm.prefix_list_ids {
            peers.push((RulePeer::PrefixList(need(p, &at, &r.prefix_list_id, "PrefixListId")?.clone()), r.description.clone()));
        }
        for g in &perm.user_id_group_pairs {
            let peer = RulePeer::Group {
                group_id: need(p, &at, &g.group_id, "GroupId")?.clone(),
                user_id: g.user_id.clone().unwrap_or_default(),
                vpc_id: g.vpc_id.clone(),
                peering_id: g.vpc_peering_connection_id.clone(),
            };
            peers.push((peer, g.description.clone()));
        }
        for (peer, description) in peers {
            let n = out.len();
            out.push(SgRule {
                id: format!("sgr-{}{}{n:04x}", group.trim_start_matches("sg-"), if egress { "e" } else { "i" }),
                protocol: proto,
                from_port: if all { None } else { perm.from_port },
                to_port: if all { None } else { perm.to_port },
                peer,
                description,
            });
        }
    }
    Ok(out)
}

/// Gives each rule read from `IpPermissions` the id of the same rule in
/// DescribeSecurityGroupRules; rules only that call lists are added.
fn take_ids(rules: &mut Vec<SgRule>, mut known: Vec<SgRule>) {
    for r in rules.iter_mut() {
        let same = |k: &SgRule| k.protocol == r.protocol && k.from_port == r.from_port && k.to_port == r.to_port && k.peer == r.peer && k.description == r.description;
        if let Some(i) = known.iter().position(same) {
            r.id = known.remove(i).id;
        }
    }
    rules.extend(known);
}

/// One route of DescribeRouteTables; `None` for a kind xvpc does not model.
fn route(p: &Part, at: &str, r: &shape::Route) -> Result<Option<Route>, ImportError> {
    let destination = if let Some(c) = &r.destination_cidr_block {
        Destination::Cidr(IpNet::V4(v4(p, at, c)?))
    } else if let Some(c) = &r.destination_ipv6_cidr_block {
        Destination::Cidr(IpNet::V6(parse::<Ipv6Net>(p, at, c, "an IPv6 block")?))
    } else if let Some(pl) = &r.destination_prefix_list_id {
        Destination::PrefixList(pl.clone())
    } else {
        return Err(p.err(at, "a route names no destination"));
    };
    let target = if r.gateway_id.as_deref() == Some("local") {
        // Derived from the VPC's blocks, never stored.
        return Ok(None);
    } else if let Some(g) = &r.gateway_id {
        RouteTarget::Gateway(g.clone())
    } else if let Some(g) = &r.nat_gateway_id {
        RouteTarget::NatGateway(g.clone())
    } else if let Some(g) = &r.egress_only_internet_gateway_id {
        RouteTarget::EgressOnlyInternetGateway(g.clone())
    } else if let Some(g) = &r.transit_gateway_id {
        RouteTarget::TransitGateway(g.clone())
    } else if let Some(g) = &r.vpc_peering_connection_id {
        RouteTarget::VpcPeeringConnection(g.clone())
    } else if let Some(g) = &r.network_interface_id {
        RouteTarget::NetworkInterface(g.clone())
    } else if let Some(g) = &r.instance_id {
        RouteTarget::Instance(g.clone())
    } else {
        // Carrier, core network, local gateway, firewall targets: not modelled.
        return Ok(None);
    };
    let origin = match r.origin.as_ref().map(|o| o.as_str()) {
        Some("CreateRouteTable") => RouteOrigin::CreateRouteTable,
        _ => RouteOrigin::CreateRoute,
    };
    Ok(Some(Route { destination, target, origin }))
}

/// An IPv4 address member.
pub(super) fn addr(p: &Part, at: &str, v: &str) -> Result<Ipv4Addr, ImportError> {
    parse(p, at, v, "an IPv4 address")
}
