//! Subnet IPv6 blocks and interface IPv6 addresses.

use super::*;
use crate::subnet::{create_dual_stack, create_subnet, delete_subnet, CreateSubnet};
use crate::vpc::{create_vpc, CreateVpc};

fn ctx() -> Ctx {
    Ctx::new("111111111111", "us-east-1", 0)
}

/// A dual-stack VPC and its /56.
fn setup() -> (State, String, Ipv6Net) {
    let mut s = State::default();
    let (ch, v) = create_vpc(&s, &ctx(), CreateVpc { cidr: "10.0.0.0/16".into(), amazon_provided_ipv6_cidr_block: true, ..Default::default() }).unwrap();
    s.apply_all(ch);
    let block = s.vpcs[&v].ipv6_cidr_blocks[0].cidr;
    (s, v, block)
}

fn input(vpc: &str, cidr: &str) -> CreateSubnet {
    CreateSubnet { vpc_id: vpc.into(), cidr: cidr.into(), availability_zone: Some("us-east-1a".into()), ..Default::default() }
}

fn nth(block: &Ipv6Net, i: u128) -> String {
    cidr::nth_subnet_v6(block, 64, i).unwrap().to_string()
}

#[test]
fn subnet_blocks_are_64s_inside_the_vpc_block_without_overlap() {
    let (mut s, v, block) = setup();
    let (ch, a) = create_dual_stack(&s, &ctx(), input(&v, "10.0.1.0/24"), Some(&nth(&block, 1))).unwrap();
    s.apply_all(ch);
    assert_eq!(s.subnets[&a].ipv6_cidrs().next().unwrap().to_string(), nth(&block, 1));
    assert!(s.subnets[&a].ipv6_cidr_blocks[0].association_id.starts_with("subnet-cidr-assoc-"));
    let try_ = |c: &str| create_dual_stack(&s, &ctx(), input(&v, "10.0.2.0/24"), Some(c));
    assert_eq!(try_(&nth(&block, 1)), Err(ModelError::InvalidSubnetConflict(nth(&block, 1))));
    // Not a /64, or outside the VPC's /56.
    let wide = format!("{}/60", block.network());
    assert_eq!(try_(&wide), Err(ModelError::InvalidSubnetRange(wide.clone())));
    assert_eq!(try_("2001:db8:ffff:ff00::/64"), Err(ModelError::InvalidSubnetRange("2001:db8:ffff:ff00::/64".into())));
    assert!(matches!(try_("banana"), Err(ModelError::InvalidParameterValue(_))));
    // Given with host bits, the block is taken in canonical form.
    let (ch, b) = create_dual_stack(&s, &ctx(), input(&v, "10.0.2.0/24"), Some(&format!("{}/64", cidr::nth_subnet_v6(&block, 64, 2).unwrap().network().to_string().replace("::", "::7")))).unwrap();
    s.apply_all(ch);
    assert_eq!(s.subnets[&b].ipv6_cidrs().next().unwrap().to_string(), nth(&block, 2));
}

#[test]
fn an_ipv4_only_vpc_takes_no_subnet_ipv6_block() {
    let mut s = State::default();
    let (ch, v) = create_vpc(&s, &ctx(), CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
    s.apply_all(ch);
    assert_eq!(create_dual_stack(&s, &ctx(), input(&v, "10.0.1.0/24"), Some("2001:db8::/64")), Err(ModelError::InvalidSubnetRange("2001:db8::/64".into())));
}

#[test]
fn one_block_per_subnet_and_disassociation_rules() {
    let (mut s, v, block) = setup();
    let (ch, sub) = create_subnet(&s, &ctx(), input(&v, "10.0.1.0/24")).unwrap();
    s.apply_all(ch);
    let (ch, assoc) = associate(&s, &ctx(), &sub, &nth(&block, 7)).unwrap();
    s.apply_all(ch);
    assert!(matches!(associate(&s, &ctx(), &sub, &nth(&block, 8)), Err(ModelError::InvalidParameterValue(_))));
    // An interface holding an address of the block keeps it associated.
    let ch = set_assign_on_creation(&s, &ctx(), &sub, true).unwrap();
    s.apply_all(ch);
    let (ch, eni) = crate::network_interface::create(&s, &ctx(), crate::network_interface::CreateEni { subnet_id: sub.clone(), ..Default::default() }).unwrap();
    s.apply_all(ch);
    let first = assoc.cidr.network();
    assert_eq!(s.network_interfaces[&eni].ipv6_addresses, vec![Ipv6Addr::from(u128::from(first) + 4)]);
    assert!(matches!(disassociate(&s, &ctx(), &assoc.association_id), Err(ModelError::DependencyViolation(_))));
    let ch = crate::network_interface::delete(&s, &ctx(), &eni).unwrap();
    s.apply_all(ch);
    let (ch, subnet_id, gone) = disassociate(&s, &ctx(), &assoc.association_id).unwrap();
    s.apply_all(ch);
    assert_eq!((subnet_id.as_str(), gone.cidr), (sub.as_str(), assoc.cidr));
    assert!(s.subnets[&sub].ipv6_cidr_blocks.is_empty());
    assert_eq!(disassociate(&s, &ctx(), &assoc.association_id).unwrap_err(), ModelError::NotFound(IdKind::SubnetCidrBlockAssociation, assoc.association_id.clone()));
    assert!(delete_subnet(&s, &ctx(), &sub).is_ok());
}

#[test]
fn interface_addresses_are_unique_unreserved_and_checked() {
    let (mut s, v, block) = setup();
    let (ch, sub) = create_dual_stack(&s, &ctx(), input(&v, "10.0.1.0/24"), Some(&nth(&block, 0))).unwrap();
    s.apply_all(ch);
    // Without AssignIpv6AddressOnCreation an interface gets none.
    let (ch, e1) = crate::network_interface::create(&s, &ctx(), crate::network_interface::CreateEni { subnet_id: sub.clone(), ..Default::default() }).unwrap();
    s.apply_all(ch);
    assert!(s.network_interfaces[&e1].ipv6_addresses.is_empty());
    let (ch, got) = crate::network_interface::assign_ipv6_addresses(&s, &ctx(), &e1, &[], Some(2)).unwrap();
    s.apply_all(ch);
    let base = u128::from(block.network());
    assert_eq!(got, vec![Ipv6Addr::from(base + 4), Ipv6Addr::from(base + 5)]);
    let subnet = &s.subnets[&sub];
    // Taken, reserved, outside: refused.
    assert_eq!(check_address(&s, subnet, Ipv6Addr::from(base + 4), &[]), Err(ModelError::AddressInUse(Ipv6Addr::from(base + 4).to_string())));
    for bad in [base, base + 3, base | u128::from(u64::MAX)] {
        assert!(matches!(check_address(&s, subnet, Ipv6Addr::from(bad), &[]), Err(ModelError::InvalidParameterValue(_))), "{bad:x}");
    }
    assert!(check_address(&s, subnet, "2001:db8:ffff::9".parse().unwrap(), &[]).is_err());
    let asked = Ipv6Addr::from(base + 100).to_string();
    let (ch, _) = crate::network_interface::assign_ipv6_addresses(&s, &ctx(), &e1, std::slice::from_ref(&asked), None).unwrap();
    s.apply_all(ch);
    assert!(crate::network_interface::unassign_ipv6_addresses(&s, &ctx(), &e1, &[Ipv6Addr::from(base + 9).to_string()]).is_err());
    let (ch, _) = crate::network_interface::unassign_ipv6_addresses(&s, &ctx(), &e1, &[Ipv6Addr::from(base + 4).to_string()]).unwrap();
    s.apply_all(ch);
    // The freed address is the next one given out.
    assert_eq!(allocate(&s, &s.subnets[&sub], &[]).unwrap(), Ipv6Addr::from(base + 4));
    assert!(crate::network_interface::assign_ipv6_addresses(&s, &ctx(), &e1, &[], None).is_err());
}

#[test]
fn launching_several_instances_gives_each_its_own_address() {
    let (mut s, v, block) = setup();
    let (ch, sub) = create_dual_stack(&s, &ctx(), input(&v, "10.0.1.0/24"), Some(&nth(&block, 0))).unwrap();
    s.apply_all(ch);
    let ch = set_assign_on_creation(&s, &ctx(), &sub, true).unwrap();
    s.apply_all(ch);
    let run = crate::instance::RunInstances { image_id: "ami-12c6146b".into(), subnet_id: Some(sub.clone()), min_count: 3, max_count: 3, ..Default::default() };
    let (ch, ids) = crate::instance::run_instances(&s, &ctx(), run).unwrap();
    s.apply_all(ch);
    let mut seen: Vec<Ipv6Addr> = ids.iter().flat_map(|i| s.network_interfaces[&s.instances[i].primary_eni].ipv6_addresses.clone()).collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 3);
}

#[test]
fn a_subnet_without_a_block_cannot_give_addresses() {
    let (mut s, v, _) = setup();
    let (ch, sub) = create_subnet(&s, &ctx(), input(&v, "10.0.1.0/24")).unwrap();
    s.apply_all(ch);
    assert!(matches!(allocate(&s, &s.subnets[&sub], &[]), Err(ModelError::InvalidParameterValue(_))));
}

#[test]
fn ipv6_only_subnets_have_no_ipv4_block() {
    use crate::subnet_dns::{self, DnsAttribute, HostnameType};
    let (mut s, v, block) = setup();
    let native = |cidr: &str| CreateSubnet { ipv6_native: true, cidr: cidr.into(), ..input(&v, "") };
    assert!(matches!(create_dual_stack(&s, &ctx(), native(""), None), Err(ModelError::MissingParameter(_))));
    assert!(matches!(create_dual_stack(&s, &ctx(), native("10.0.9.0/24"), Some(&nth(&block, 9))), Err(ModelError::InvalidParameterCombination(_))));
    assert!(matches!(create_dual_stack(&s, &ctx(), input(&v, ""), Some(&nth(&block, 9))), Err(ModelError::MissingParameter(_))));
    let (ch, sub) = create_dual_stack(&s, &ctx(), native(""), Some(&nth(&block, 9))).unwrap();
    s.apply_all(ch);
    let subnet = &s.subnets[&sub];
    assert!(subnet.ipv6_native() && subnet.cidr.is_none() && subnet.assign_ipv6_address_on_creation);
    assert_eq!((subnet.available_ip_count(&s), subnet.dns.hostname_type), (0, HostnameType::ResourceName));
    // Its hosts need a name by id, and have no IPv4 address for an A record.
    assert!(subnet_dns::set(&s, &ctx(), &sub, DnsAttribute::HostnameType(HostnameType::IpName)).is_err());
    assert!(subnet_dns::set(&s, &ctx(), &sub, DnsAttribute::ResourceNameARecord(true)).is_err());
    let ch = subnet_dns::set(&s, &ctx(), &sub, DnsAttribute::EnableDns64(true)).unwrap();
    s.apply_all(ch);
    assert!(s.subnets[&sub].dns.enable_dns64);
    // Interfaces without an IPv4 address are not modelled: refused clearly.
    let eni = crate::network_interface::create(&s, &ctx(), crate::network_interface::CreateEni { subnet_id: sub.clone(), ..Default::default() });
    assert!(matches!(eni, Err(ModelError::InvalidParameterValue(m)) if m.contains("IPv6-only")));
    // An IPv4 sibling may use any block: the IPv6-only one holds none.
    let (ch, _) = create_dual_stack(&s, &ctx(), input(&v, "10.0.0.0/24"), None).unwrap();
    s.apply_all(ch);
    // Stored without a `cidr` key, read back as IPv6-only.
    let json = serde_json::to_value(&s.subnets[&sub]).unwrap();
    assert!(json.get("cidr").is_none(), "{json}");
    // Its only block cannot go.
    let assoc = s.subnets[&sub].ipv6_cidr_blocks[0].association_id.clone();
    assert!(matches!(disassociate(&s, &ctx(), &assoc), Err(ModelError::OperationNotPermitted(_))));
    let back: crate::subnet::Subnet = serde_json::from_value(json).unwrap();
    assert_eq!(&back, &s.subnets[&sub]);
}
