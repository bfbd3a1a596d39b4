//! A state written to the event log before protocols and transit gateway
//! states were typed still loads, and writes back unchanged (the store
//! keeps serde JSON of these structs; a running emulator's log must stay
//! readable across upgrades).

use xvpc_model::transit_gateway::AttachmentState;
use xvpc_model::{IpProtocol, State};

/// Written by the model of commit 2b16df0 (SG rules given as tcp, 17,
/// ICMP, 58, 47 and all; NACL entries as tcp, 17, icmp, 47, -1 and all;
/// a shared gateway with available, pendingAcceptance and deleted
/// attachments, a blackhole route and a deleted route table).
const BEFORE: &str = include_str!("../testdata/state-before-typed-values.json");

#[test]
fn a_snapshot_written_before_round_trips() {
    let state: State = serde_json::from_str(BEFORE).expect("old snapshot loads");
    let again: serde_json::Value = serde_json::to_value(&state).unwrap();
    let before: serde_json::Value = serde_json::from_str(BEFORE).unwrap();
    assert_eq!(again, before, "re-serialised snapshot differs from the stored one");
    let reread: State = serde_json::from_value(again).unwrap();
    assert_eq!(reread, state);
}

#[test]
fn old_spellings_read_as_typed_values() {
    let state: State = serde_json::from_str(BEFORE).unwrap();
    let mut sg: Vec<IpProtocol> = state.security_groups.values().flat_map(|g| g.ingress.iter().map(|r| r.protocol)).collect();
    sg.dedup();
    for p in [IpProtocol::Tcp, IpProtocol::Udp, IpProtocol::Icmp, IpProtocol::Icmpv6, IpProtocol::Number(47), IpProtocol::All] {
        assert!(sg.contains(&p), "SG rule with {p} missing from {sg:?}");
    }
    let nacl: Vec<IpProtocol> = state.network_acls.values().flat_map(|a| a.entries.iter().map(|e| e.protocol)).collect();
    for p in [IpProtocol::Tcp, IpProtocol::Udp, IpProtocol::Icmp, IpProtocol::Number(47), IpProtocol::All] {
        assert!(nacl.contains(&p), "NACL entry with {p} missing");
    }
    let states: Vec<AttachmentState> = state.transit_gateway_attachments.values().map(|a| a.state).collect();
    for s in [AttachmentState::Available, AttachmentState::PendingAcceptance, AttachmentState::Deleted] {
        assert!(states.contains(&s), "{s:?} attachment missing");
    }
}

/// IPv4 NACL entries and routes of the old snapshot read as IPv4 blocks,
/// and nothing in it grew an IPv6 block.
#[test]
fn old_blocks_read_as_ipv4() {
    let state: State = serde_json::from_str(BEFORE).unwrap();
    assert!(state.network_acls.values().flat_map(|a| &a.entries).all(|e| e.ipv4_cidr().is_some()));
    assert!(state.vpcs.values().all(|v| v.ipv6_cidr_blocks.is_empty()));
    assert!(state.subnets.values().all(|s| s.ipv6_cidr_blocks.is_empty() && !s.assign_ipv6_address_on_creation));
    assert!(state.network_interfaces.values().all(|e| e.ipv6_addresses.is_empty()));
}

/// A state with every IPv6 part (a VPC's /56, a subnet's /64 assigning on
/// creation, an interface's address, IPv6 ACL entries and routes, the
/// default group's `::/0` egress) writes and reads back unchanged.
#[test]
fn an_ipv6_state_round_trips() {
    use xvpc_model::{network_interface, route_table, subnet, subnet_ipv6, vpc, Ctx};
    let ctx = Ctx::new("111111111111", "us-east-1", 0);
    let mut s = State::default();
    let (ch, v) = vpc::create_vpc(&s, &ctx, vpc::CreateVpc { cidr: "10.0.0.0/16".into(), amazon_provided_ipv6_cidr_block: true, ..Default::default() }).unwrap();
    s.apply_all(ch);
    let block = s.vpcs[&v].ipv6_cidr_blocks[0].cidr;
    let input = subnet::CreateSubnet { vpc_id: v.clone(), cidr: "10.0.1.0/24".into(), availability_zone: Some("us-east-1a".into()), ..Default::default() };
    let sixty_four = xvpc_model::cidr::nth_subnet_v6(&block, 64, 0).unwrap().to_string();
    let (ch, sub) = subnet::create_dual_stack(&s, &ctx, input, Some(&sixty_four)).unwrap();
    s.apply_all(ch);
    let ch = subnet_ipv6::set_assign_on_creation(&s, &ctx, &sub, true).unwrap();
    s.apply_all(ch);
    let (ch, eni) = network_interface::create(&s, &ctx, network_interface::CreateEni { subnet_id: sub, ..Default::default() }).unwrap();
    s.apply_all(ch);
    assert_eq!(s.network_interfaces[&eni].ipv6_addresses.len(), 1);
    let rt = s.route_tables.values().find(|t| t.vpc_id == v).unwrap().id.clone();
    let igw = {
        let (ch, g) = xvpc_model::internet_gateway::create(&ctx, Default::default());
        s.apply_all(ch);
        let ch = xvpc_model::internet_gateway::attach(&s, &ctx, &g, &v).unwrap();
        s.apply_all(ch);
        g
    };
    let dest = route_table::parse_any_destination(None, Some("::/0"), None).unwrap();
    let ch = route_table::create_route(&s, &ctx, &rt, dest, route_table::RouteTarget::Gateway(igw)).unwrap();
    s.apply_all(ch);
    let json = serde_json::to_string(&s).unwrap();
    for key in ["ipv6_cidr_blocks", "ipv6_addresses", "assign_ipv6_address_on_creation", "::/0", &block.to_string()] {
        assert!(json.contains(key), "{key} missing from the stored state");
    }
    let back: State = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
}

/// A state with a subnet group of each service writes and reads back
/// unchanged; the old snapshot above has no `subnet_groups` key at all.
#[test]
fn subnet_groups_round_trip() {
    use xvpc_model::subnet_group::{create, CreateGroup, GroupService};
    use xvpc_model::{subnet, vpc, Ctx};
    let ctx = Ctx::new("111111111111", "us-east-1", 0);
    let mut s = State::default();
    let (ch, v) = vpc::create_vpc(&s, &ctx, vpc::CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
    s.apply_all(ch);
    let mut subnets = Vec::new();
    for (cidr, az) in [("10.0.1.0/24", "us-east-1a"), ("10.0.2.0/24", "us-east-1b")] {
        let input = subnet::CreateSubnet { vpc_id: v.clone(), cidr: cidr.into(), availability_zone: Some(az.into()), ..Default::default() };
        let (ch, id) = subnet::create_subnet(&s, &ctx, input).unwrap();
        s.apply_all(ch);
        subnets.push(id);
    }
    for service in [GroupService::Rds, GroupService::ElastiCache, GroupService::Redshift] {
        let input = CreateGroup { name: "g".into(), description: "d".into(), subnet_ids: subnets.clone(), tags: vec![("k".into(), "v".into())] };
        let (ch, _) = create(&s, &ctx, service, input).unwrap();
        s.apply_all(ch);
    }
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains("\"subnet_groups\"") && json.contains("ElastiCache"));
    let back: State = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
    let old: serde_json::Value = serde_json::from_str(BEFORE).unwrap();
    assert!(old.get("subnet_groups").is_none());
}
