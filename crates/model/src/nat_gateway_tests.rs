use super::*;
use crate::cidr::IpNet;
use crate::load_balancer::tests::world;
use crate::route_table::{create_route, route_state, Destination, RouteState, RouteTarget};

const A: &str = "111111111111";

fn at(now: i64) -> Ctx {
    Ctx::new(A, "us-east-1", now)
}

/// A VPC with an attached internet gateway, its subnets and one Elastic IP.
fn public_world() -> (State, String, Vec<String>, String) {
    let ctx = at(0);
    let (mut s, vpc, subnets) = world(&ctx);
    let (ch, igw) = crate::internet_gateway::create(&ctx, Tags::new());
    s.apply_all(ch);
    s.apply_all(crate::internet_gateway::attach(&s, &ctx, &igw, &vpc).unwrap());
    let (ch, eip) = crate::elastic_ip::allocate(&s, &ctx, Tags::new()).unwrap();
    s.apply_all(ch);
    (s, vpc, subnets, eip)
}

fn public(subnet: &str, eip: &str) -> CreateNatGateway {
    CreateNatGateway { subnet_id: subnet.into(), allocation_id: Some(eip.into()), ..Default::default() }
}

#[test]
fn public_gateway_lives_pending_available_deleting_deleted() {
    let (mut s, vpc, subnets, eip) = public_world();
    let (ch, id) = create(&s, &at(0), public(&subnets[0], &eip)).unwrap();
    s.apply_all(ch);
    let g = s.nat_gateways[&id].clone();
    assert_eq!((g.state(0), g.state(PENDING_MS)), (NatState::Pending, NatState::Available));
    assert_eq!(g.vpc_id, vpc);
    // Its interface: requester-managed, `nat_gateway`, no groups, holding
    // the Elastic IP; the address shows the association.
    let eni = &s.network_interfaces[g.network_interface_id.as_ref().unwrap()];
    assert_eq!((eni.interface_type.as_str(), eni.requester_managed, eni.groups.len()), ("nat_gateway", true, 0));
    let a = &s.addresses[&eip];
    assert_eq!(eni.public_ip, Some(a.public_ip));
    assert_eq!(a.association.as_ref().map(|x| &x.network_interface_id), Some(&eni.id));
    assert_eq!(g.source_ip(), Some(a.public_ip));
    assert_eq!(g.addresses[0].association_id, a.association.as_ref().map(|x| x.id.clone()));
    // Neither the address nor the interface can be taken away by hand.
    assert!(matches!(crate::elastic_ip::release(a), Err(ModelError::AddressInUse(_))));
    assert!(matches!(crate::network_interface::delete(&s, &at(1), &eni.id), Err(ModelError::NetworkInterfaceInUse(_))));
    let eni_id = eni.id.clone();
    // Deleting: the interface goes, the address is free, `deleting` then
    // `deleted`, listed for an hour.
    s.apply_all(delete(&s, &at(10_000), &id).unwrap());
    let g = &s.nat_gateways[&id];
    assert_eq!((g.state(10_000), g.state(10_000 + PENDING_MS)), (NatState::Deleting, NatState::Deleted));
    assert!(!s.network_interfaces.contains_key(&eni_id));
    assert!(s.addresses[&eip].association.is_none());
    assert!(g.listed(10_000 + VISIBLE_MS - 1) && !g.listed(10_000 + VISIBLE_MS));
    assert!(delete(&s, &at(11_000), &id).unwrap().is_empty(), "deleting twice changes nothing");
    assert!(matches!(visible(&s, &at(10_000 + VISIBLE_MS), &id), Err(ModelError::NotFound(IdKind::NatGateway, _))));
}

#[test]
fn failures_are_gateways_in_state_failed() {
    // No internet gateway: Gateway.NotAttached, no interface.
    let ctx = at(0);
    let (mut s, vpc, subnets) = world(&ctx);
    let (ch, eip) = crate::elastic_ip::allocate(&s, &ctx, Tags::new()).unwrap();
    s.apply_all(ch);
    let (ch, id) = create(&s, &ctx, public(&subnets[0], &eip)).unwrap();
    s.apply_all(ch);
    let g = &s.nat_gateways[&id];
    assert_eq!((g.state(0), g.state(PENDING_MS)), (NatState::Pending, NatState::Failed));
    assert_eq!(g.failure_error(), Some(ModelError::GatewayNotAttached(format!("Network {vpc} has no Internet gateway attached"))));
    assert!(g.network_interface_id.is_none() && s.network_interfaces.is_empty());
    assert!(s.addresses[&eip].association.is_none());
    assert!(g.listed(PENDING_MS + VISIBLE_MS - 1) && !g.listed(PENDING_MS + VISIBLE_MS));
    // An Elastic IP already in use: Resource.AlreadyAssociated.
    let (mut s, _, subnets, eip) = public_world();
    let (ch, first) = create(&s, &ctx, public(&subnets[0], &eip)).unwrap();
    s.apply_all(ch);
    let (ch, second) = create(&s, &ctx, public(&subnets[1], &eip)).unwrap();
    s.apply_all(ch);
    assert!(s.nat_gateways[&first].failure.is_none());
    assert_eq!(s.nat_gateways[&second].failure, Some(NatFailure::AddressAlreadyAssociated(eip.clone())));
    assert_eq!(s.nat_gateways[&second].state(PENDING_MS), NatState::Failed);
    // A failed gateway can be deleted.
    s.apply_all(delete(&s, &at(PENDING_MS), &second).unwrap());
    assert_eq!(s.nat_gateways[&second].state(2 * PENDING_MS), NatState::Deleted);
}

#[test]
fn requests_refused_at_once() {
    let (s, _, subnets, eip) = public_world();
    let ctx = at(0);
    let no_eip = CreateNatGateway { subnet_id: subnets[0].clone(), ..Default::default() };
    assert!(matches!(create(&s, &ctx, no_eip), Err(ModelError::MissingParameter(_))));
    let private_eip = CreateNatGateway { private: true, ..public(&subnets[0], &eip) };
    assert!(matches!(create(&s, &ctx, private_eip), Err(ModelError::InvalidParameterCombination(_))));
    let unknown = public(&subnets[0], "eipalloc-0123456789abcdef0");
    assert!(matches!(create(&s, &ctx, unknown), Err(ModelError::NotFound(IdKind::ElasticIpAllocation, _))));
    let no_subnet = public("subnet-0123456789abcdef0", &eip);
    assert!(matches!(create(&s, &ctx, no_subnet), Err(ModelError::NotFound(IdKind::Subnet, _))));
    let outside = CreateNatGateway { private_ip: Some("10.9.0.10".into()), ..public(&subnets[0], &eip) };
    assert!(matches!(create(&s, &ctx, outside), Err(ModelError::InvalidParameterValue(_))));
    let other = Ctx::new("222222222222", "us-east-1", 0);
    assert!(matches!(create(&s, &other, public(&subnets[0], &eip)), Err(ModelError::NotFound(IdKind::Subnet, _))));
}

#[test]
fn private_gateway_with_given_and_secondary_addresses() {
    let ctx = at(0);
    let (mut s, _, subnets) = world(&ctx);
    let input = CreateNatGateway {
        subnet_id: subnets[0].clone(),
        private: true,
        private_ip: Some("10.1.1.50".into()),
        secondary_private_ip_count: Some(2),
        ..Default::default()
    };
    let (ch, id) = create(&s, &ctx, input).unwrap();
    s.apply_all(ch);
    let g = &s.nat_gateways[&id];
    assert_eq!(g.state(PENDING_MS), NatState::Available, "a private gateway needs no internet gateway");
    assert_eq!(g.source_ip(), Some(Ipv4Addr::new(10, 1, 1, 50)));
    let ips: Vec<Ipv4Addr> = g.addresses.iter().map(|a| a.private_ip).collect();
    assert_eq!(ips, [Ipv4Addr::new(10, 1, 1, 50), Ipv4Addr::new(10, 1, 1, 4), Ipv4Addr::new(10, 1, 1, 5)]);
    let eni = &s.network_interfaces[g.network_interface_id.as_ref().unwrap()];
    assert_eq!(eni.all_ips().collect::<Vec<_>>(), ips);
    assert!(g.addresses.iter().all(|a| a.public_ip.is_none()));
}

#[test]
fn routes_to_a_gateway_are_blackholes_once_it_is_deleted() {
    let (mut s, vpc, subnets, eip) = public_world();
    let ctx = at(0);
    let (ch, id) = create(&s, &ctx, public(&subnets[0], &eip)).unwrap();
    s.apply_all(ch);
    let rtb = s.route_tables.values().find(|t| t.vpc_id == vpc && t.main).unwrap().id.clone();
    let any: IpNet = "0.0.0.0/0".parse().unwrap();
    let six: IpNet = "::/0".parse().unwrap();
    assert!(create_route(&s, &ctx, &rtb, Destination::Cidr(six), RouteTarget::NatGateway(id.clone())).is_err(), "IPv4, and IPv6 only for NAT64");
    let nat64: IpNet = crate::route_table::NAT64_PREFIX.parse().unwrap();
    assert!(create_route(&s, &ctx, &rtb, Destination::Cidr(nat64), RouteTarget::NatGateway(id.clone())).is_ok());
    s.apply_all(create_route(&s, &ctx, &rtb, Destination::Cidr(any), RouteTarget::NatGateway(id.clone())).unwrap());
    let route = |s: &State| s.route_tables[&rtb].routes.iter().find(|r| r.target == RouteTarget::NatGateway(id.clone())).cloned().unwrap();
    assert_eq!(route_state(&s, &s.route_tables[&rtb], &route(&s)), RouteState::Active);
    s.apply_all(delete(&s, &at(5), &id).unwrap());
    assert_eq!(route_state(&s, &s.route_tables[&rtb], &route(&s)), RouteState::Blackhole);
    // Another VPC's table cannot point at it; a deleted gateway cannot be
    // a new route's target.
    let (ch, vpc2) = crate::vpc::create_vpc(&s, &ctx, crate::vpc::CreateVpc { cidr: "10.2.0.0/16".into(), ..Default::default() }).unwrap();
    s.apply_all(ch);
    let rtb2 = s.route_tables.values().find(|t| t.vpc_id == vpc2 && t.main).unwrap().id.clone();
    let ten: IpNet = "10.9.0.0/16".parse().unwrap();
    assert!(matches!(create_route(&s, &ctx, &rtb2, Destination::Cidr(ten), RouteTarget::NatGateway(id.clone())), Err(ModelError::NotFound(..))));
}

#[test]
fn elastic_ips_are_five_per_region() {
    let ctx = at(0);
    let mut s = State::default();
    for _ in 0..crate::elastic_ip::ADDRESSES_PER_REGION {
        let (ch, _) = crate::elastic_ip::allocate(&s, &ctx, Tags::new()).unwrap();
        s.apply_all(ch);
    }
    assert!(matches!(crate::elastic_ip::allocate(&s, &ctx, Tags::new()), Err(ModelError::LimitExceeded(crate::error::Limit::Addresses, _))));
    assert!(crate::elastic_ip::allocate(&s, &Ctx::new(A, "eu-west-1", 0), Tags::new()).is_ok(), "per Region");
}
