//! The VPC core, continued: network ACLs, interfaces, instances, Elastic
//! IPs, NAT gateways and DHCP option sets.

use xvpc_model::cidr::{IpNet, Ipv4Net, Ipv6Net};
use xvpc_model::instance::InstanceState;
use xvpc_model::nat_gateway::{Connectivity, NatAddress, NatFailure};
use xvpc_model::network_acl::{NaclAssociation, NaclEntry};
use xvpc_model::network_interface::EniAttachment;
use xvpc_model::Resource;
use xvpc_wire::shapes::ec2 as shape;

use super::import::{Found, ImportError, Options, Part};
use super::vpc_core::{addr, need, parse, protocol, tags};

type Get<'a> = dyn Fn(&str) -> &'a [Part<'a>] + 'a;

pub(super) fn read<'a>(found: &mut Found, o: &Options, get: &Get<'a>) -> Result<(), ImportError> {
    for p in get("NetworkAcls") {
        let out: shape::DescribeNetworkAclsResult = p.decode()?;
        for (i, a) in out.network_acls.iter().enumerate() {
            let at = format!("NetworkAcls.{i}");
            let id = need(p, &at, &a.network_acl_id, "NetworkAclId")?.clone();
            let owner = p.account(a.owner_id.as_ref(), o, &at)?;
            let region = p.region(None, o, &at)?;
            let mut entries = Vec::new();
            for (j, e) in a.entries.iter().enumerate() {
                let at = format!("{at}.Entries.{j}");
                let cidr = match (&e.cidr_block, &e.ipv6_cidr_block) {
                    (Some(c), _) => IpNet::V4(parse::<Ipv4Net>(p, &at, c, "an IPv4 block")?),
                    (None, Some(c)) => IpNet::V6(parse::<Ipv6Net>(p, &at, c, "an IPv6 block")?),
                    _ => return Err(p.err(at, "an entry names no block")),
                };
                entries.push(NaclEntry {
                    rule_number: i64::from(*need(p, &at, &e.rule_number, "RuleNumber")?),
                    egress: e.egress.unwrap_or(false),
                    protocol: protocol(p, &at, e.protocol.as_deref())?,
                    allow: matches!(e.rule_action, Some(shape::RuleAction::Allow)),
                    cidr,
                    port_range: e.port_range.as_ref().map(|r| (r.from.unwrap_or(0), r.to.unwrap_or(65535))),
                    icmp: e.icmp_type_code.as_ref().map(|c| (c.type_.unwrap_or(-1), c.code.unwrap_or(-1))),
                });
            }
            let r = xvpc_model::network_acl::NetworkAcl {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                vpc_id: need(p, &at, &a.vpc_id, "VpcId")?.clone(),
                is_default: a.is_default.unwrap_or(false),
                entries,
                associations: a
                    .associations
                    .iter()
                    .filter_map(|x| Some(NaclAssociation { id: x.network_acl_association_id.clone()?, subnet_id: x.subnet_id.clone()? }))
                    .collect(),
                tags: tags(&a.tags),
            };
            found.keep(p, &at, &id, &owner, &region, "NetworkAcl", Resource::NetworkAcl(r))?;
        }
    }
    // DescribeVpcs does not say whether a VPC gives DNS hostnames; a public
    // DNS name on one of its interfaces does.
    let mut hostnames = std::collections::BTreeSet::new();
    for p in get("NetworkInterfaces") {
        let out: shape::DescribeNetworkInterfacesResult = p.decode()?;
        for (i, e) in out.network_interfaces.iter().enumerate() {
            if e.association.as_ref().and_then(|a| a.public_dns_name.as_deref()).is_some_and(|n| !n.is_empty()) {
                hostnames.extend(e.vpc_id.clone());
            }
            let at = format!("NetworkInterfaces.{i}");
            let id = need(p, &at, &e.network_interface_id, "NetworkInterfaceId")?.clone();
            let owner = p.account(e.owner_id.as_ref(), o, &at)?;
            let zone = e.availability_zone.clone().unwrap_or_default();
            let region = p.region(Some(&zone), o, &at)?;
            let primary = need(p, &at, &e.private_ip_address, "PrivateIpAddress")?;
            let mut secondary = Vec::new();
            for (j, x) in e.private_ip_addresses.iter().enumerate() {
                if x.primary != Some(true) {
                    if let Some(ip) = &x.private_ip_address {
                        secondary.push(addr(p, &format!("{at}.PrivateIpAddresses.{j}"), ip)?);
                    }
                }
            }
            let attachment = match &e.attachment {
                Some(a) if a.instance_id.is_some() => Some(EniAttachment {
                    id: a.attachment_id.clone().unwrap_or_default(),
                    instance_id: a.instance_id.clone().unwrap_or_default(),
                    device_index: i64::from(a.device_index.unwrap_or(0)),
                    delete_on_termination: a.delete_on_termination.unwrap_or(false),
                    attach_time: a.attach_time.map_or(o.now, |t| t.0),
                }),
                _ => None,
            };
            let mut ipv6 = Vec::new();
            for (j, x) in e.ipv6_addresses.iter().enumerate() {
                if let Some(a) = &x.ipv6_address {
                    ipv6.push(parse(p, &format!("{at}.Ipv6Addresses.{j}"), a, "an IPv6 address")?);
                }
            }
            let r = xvpc_model::network_interface::NetworkInterface {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                vpc_id: need(p, &at, &e.vpc_id, "VpcId")?.clone(),
                subnet_id: need(p, &at, &e.subnet_id, "SubnetId")?.clone(),
                availability_zone: zone,
                private_ip: addr(p, &format!("{at}.PrivateIpAddress"), primary)?,
                secondary_ips: secondary,
                groups: e.groups.iter().filter_map(|g| g.group_id.clone()).collect(),
                description: e.description.clone().unwrap_or_default(),
                interface_type: e.interface_type.as_ref().map_or("interface", |t| t.as_str()).to_string(),
                requester_managed: e.requester_managed.unwrap_or(false),
                requester_id: e.requester_id.clone(),
                attachment,
                source_dest_check: e.source_dest_check.unwrap_or(true),
                mac_address: e.mac_address.clone().unwrap_or_else(|| xvpc_model::network_interface::mac_for(&id)),
                tags: tags(&e.tag_set),
                public_ip: e.association.as_ref().and_then(|a| a.public_ip.as_deref()).map(|ip| addr(p, &format!("{at}.Association.PublicIp"), ip)).transpose()?,
                ipv6_addresses: ipv6,
            };
            found.keep(p, &at, &id, &owner, &region, "NetworkInterface", Resource::NetworkInterface(r))?;
        }
    }
    for v in hostnames {
        if let Some((Resource::Vpc(vpc), _)) = found.by_id.get_mut(&v) {
            vpc.enable_dns_hostnames = true;
        }
    }
    for p in get("Reservations") {
        let out: shape::DescribeInstancesResult = p.decode()?;
        for (i, res) in out.reservations.iter().enumerate() {
            for (j, x) in res.instances.iter().enumerate() {
                let at = format!("Reservations.{i}.Instances.{j}");
                let id = need(p, &at, &x.instance_id, "InstanceId")?.clone();
                let owner = p.account(res.owner_id.as_ref(), o, &at)?;
                let zone = x.placement.as_ref().and_then(|pl| pl.availability_zone.clone()).unwrap_or_default();
                let region = p.region(Some(&zone), o, &at)?;
                let state_name = x.state.as_ref().and_then(|s| s.name.as_ref()).map_or("running", |n| n.as_str());
                let state = [InstanceState::Pending, InstanceState::Running, InstanceState::ShuttingDown, InstanceState::Terminated, InstanceState::Stopping, InstanceState::Stopped].into_iter().find(|s| s.name() == state_name).unwrap_or(InstanceState::Running);
                let Some(subnet) = x.subnet_id.clone() else {
                    // A terminated instance has left its subnet.
                    found.summary.add(&owner, &region, "Instance (terminated)", 0, 1);
                    continue;
                };
                let primary = x.network_interfaces.iter().find(|n| n.attachment.as_ref().and_then(|a| a.device_index) == Some(0)).or(x.network_interfaces.first());
                let r = xvpc_model::instance::Instance {
                    id: id.clone(),
                    owner: owner.clone(),
                    region: region.clone(),
                    reservation_id: res.reservation_id.clone().unwrap_or_default(),
                    image_id: x.image_id.clone().unwrap_or_default(),
                    instance_type: x.instance_type.as_ref().map_or("t3.micro", |t| t.as_str()).to_string(),
                    vpc_id: need(p, &at, &x.vpc_id, "VpcId")?.clone(),
                    subnet_id: subnet,
                    availability_zone: zone,
                    private_ip: addr(p, &format!("{at}.PrivateIpAddress"), need(p, &at, &x.private_ip_address, "PrivateIpAddress")?)?,
                    primary_eni: primary.and_then(|n| n.network_interface_id.clone()).ok_or_else(|| p.err(&at, "an instance in a VPC without a network interface"))?,
                    state,
                    launch_time: x.launch_time.map_or(o.now, |t| t.0),
                    terminated_at: None,
                    user_data: None,
                    key_name: x.key_name.clone(),
                    client_token: x.client_token.clone().filter(|t| !t.is_empty()),
                    tags: tags(&x.tags),
                    disable_api_termination: false,
                    disable_api_stop: false,
                    shutdown_behavior: "stop".into(),
                    ebs_optimized: x.ebs_optimized.unwrap_or(false),
                    monitoring: matches!(x.monitoring.as_ref().and_then(|m| m.state.as_ref()).map(|s| s.as_str()), Some("enabled")),
                    auto_public_ip: x.public_ip_address.is_some(),
                };
                found.keep(p, &at, &id, &owner, &region, "Instance", Resource::Instance(r))?;
            }
        }
    }
    for p in get("Addresses") {
        let out: shape::DescribeAddressesResult = p.decode()?;
        for (i, a) in out.addresses.iter().enumerate() {
            let at = format!("Addresses.{i}");
            let id = need(p, &at, &a.allocation_id, "AllocationId")?.clone();
            let owner = p.account(None, o, &at)?;
            let region = p.region(None, o, &at)?;
            let association = match (&a.association_id, &a.network_interface_id, &a.private_ip_address) {
                (Some(aid), Some(eni), Some(ip)) => {
                    Some(xvpc_model::elastic_ip::AddressAssociation { id: aid.clone(), network_interface_id: eni.clone(), private_ip: addr(p, &at, ip)? })
                }
                _ => None,
            };
            let r = xvpc_model::elastic_ip::Address {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                public_ip: addr(p, &format!("{at}.PublicIp"), need(p, &at, &a.public_ip, "PublicIp")?)?,
                association,
                tags: tags(&a.tags),
            };
            found.keep(p, &at, &id, &owner, &region, "Address", Resource::Address(r))?;
        }
    }
    for p in get("NatGateways") {
        let out: shape::DescribeNatGatewaysResult = p.decode()?;
        for (i, g) in out.nat_gateways.iter().enumerate() {
            let at = format!("NatGateways.{i}");
            let id = need(p, &at, &g.nat_gateway_id, "NatGatewayId")?.clone();
            let owner = p.account(None, o, &at)?;
            let region = p.region(None, o, &at)?;
            let mut addresses = Vec::new();
            for (j, x) in g.nat_gateway_addresses.iter().enumerate() {
                let at = format!("{at}.NatGatewayAddresses.{j}");
                addresses.push(NatAddress {
                    private_ip: addr(p, &at, need(p, &at, &x.private_ip, "PrivateIp")?)?,
                    allocation_id: x.allocation_id.clone(),
                    public_ip: x.public_ip.as_deref().map(|ip| addr(p, &at, ip)).transpose()?,
                    association_id: x.association_id.clone(),
                    primary: x.is_primary.unwrap_or(j == 0),
                });
            }
            let failure = match g.failure_code.as_deref() {
                None => None,
                Some("Gateway.NotAttached") => Some(NatFailure::GatewayNotAttached),
                Some("InsufficientFreeAddressesInSubnet") => Some(NatFailure::InsufficientFreeAddresses),
                Some(_) => Some(NatFailure::AddressAlreadyAssociated(g.failure_message.clone().unwrap_or_default())),
            };
            // Its state is derived from its times, as AWS's was.
            let created_at = g.create_time.map_or(0, |t| t.0);
            let r = xvpc_model::nat_gateway::NatGateway {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                vpc_id: need(p, &at, &g.vpc_id, "VpcId")?.clone(),
                subnet_id: need(p, &at, &g.subnet_id, "SubnetId")?.clone(),
                connectivity: if matches!(g.connectivity_type, Some(shape::ConnectivityType::Private)) { Connectivity::Private } else { Connectivity::Public },
                network_interface_id: g.nat_gateway_addresses.iter().find_map(|a| a.network_interface_id.clone()),
                addresses,
                created_at,
                deleted_at: g.delete_time.map(|t| t.0),
                failure,
                tags: tags(&g.tags),
            };
            found.keep(p, &at, &id, &owner, &region, "NatGateway", Resource::NatGateway(r))?;
        }
    }
    for p in get("DhcpOptions") {
        let out: shape::DescribeDhcpOptionsResult = p.decode()?;
        for (i, d) in out.dhcp_options.iter().enumerate() {
            let at = format!("DhcpOptions.{i}");
            let id = need(p, &at, &d.dhcp_options_id, "DhcpOptionsId")?.clone();
            let owner = p.account(d.owner_id.as_ref(), o, &at)?;
            let region = p.region(None, o, &at)?;
            let r = xvpc_model::dhcp_options::DhcpOptions {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                configurations: d
                    .dhcp_configurations
                    .iter()
                    .map(|c| xvpc_model::dhcp_options::DhcpConfiguration {
                        key: c.key.clone().unwrap_or_default(),
                        values: c.values.iter().filter_map(|v| v.value.clone()).collect(),
                    })
                    .collect(),
                tags: tags(&d.tags),
            };
            found.keep(p, &at, &id, &owner, &region, "DhcpOptions", Resource::DhcpOptions(r))?;
        }
    }
    Ok(())
}
