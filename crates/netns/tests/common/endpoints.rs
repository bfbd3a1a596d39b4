//! Endpoints to AWS services and customer-managed prefix lists in random
//! worlds (the agreement tests), drawn from a random stream of their own so
//! the rest of each world stays what it was:
//! - gateway endpoints (S3, DynamoDB) on some of a VPC's route tables, and
//!   rarely a CIDR route as long as S3's first entry (it wins the tie) over
//!   one of the VPC's peerings;
//! - groups whose egress is cut to the VPCs' blocks plus TCP 80 to S3's
//!   prefix list (so 443 to S3 is refused by the group);
//! - interface endpoints to AWS APIs (`ec2`, `sts`) in one or two zones,
//!   with one of the VPC's groups;
//! - customer-managed prefix lists of other VPCs' blocks (some at a second
//!   version), named by routes over the VPC's peerings or its transit
//!   gateway and by group ingress rules.

use std::net::{IpAddr, Ipv4Addr};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use xvpc_model::managed_prefix_list::{self, CreateList, ModifyList};
use xvpc_model::prefix_list;
use xvpc_model::route_table::{Destination, Route, RouteOrigin, RouteTarget};
use xvpc_model::security_group::{RulePeer, SgRule};
use xvpc_model::vpc_endpoint::{create_endpoint, CreateEndpoint};
use xvpc_model::IpProtocol;

use super::World;

/// The addresses probed behind gateway endpoints: one in S3's first block
/// and one in DynamoDB's, in the world's region.
pub fn service_addresses(w: &World) -> Vec<IpAddr> {
    ["s3", "dynamodb"]
        .iter()
        .filter_map(|s| prefix_list::of_service(&w.ctx.region, s))
        .map(|l| IpAddr::V4(Ipv4Addr::from(u32::from(l.cidrs[0].network()) + 25)))
        .collect()
}

/// Whether an ENI is an interface endpoint's (it answers, never calls).
pub fn is_endpoint_eni(w: &World, eni: &str) -> bool {
    w.state.network_interfaces.get(eni).is_some_and(|e| e.interface_type == "vpc_endpoint")
}

fn rule(protocol: IpProtocol, ports: Option<(i32, i32)>, peer: RulePeer) -> SgRule {
    SgRule { id: xvpc_model::ids::new_id("sgr"), protocol, from_port: ports.map(|p| p.0), to_port: ports.map(|p| p.1), peer, description: None }
}

/// The ids of `items`, ordered by `key`.
fn by_key<'a, T: 'a + HasId, K: Ord>(items: impl Iterator<Item = &'a T>, key: impl Fn(&T) -> K) -> Vec<String> {
    let mut v: Vec<(K, String)> = items.map(|t| (key(t), t.id().to_string())).collect();
    v.sort();
    v.into_iter().map(|(_, id)| id).collect()
}

trait HasId {
    fn id(&self) -> &str;
}

macro_rules! has_id {
    ($($t:ty),*) => { $(impl HasId for $t { fn id(&self) -> &str { &self.id } })* };
}
has_id!(xvpc_model::route_table::RouteTable, xvpc_model::security_group::SecurityGroup, xvpc_model::subnet::Subnet);

fn cidr_of_vpc(state: &xvpc_model::State, vpc: &str) -> String {
    state.vpcs.get(vpc).map(|v| v.primary_cidr().to_string()).unwrap_or_default()
}

/// Adds endpoints and prefix lists to `w` (see the module comment).
/// Returns how many gateway endpoints, interface endpoints and customer
/// lists it made.
pub fn add(w: &mut World, seed: u64) -> (usize, usize, usize) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5650_4345);
    let region = w.ctx.region.clone();
    let s3 = prefix_list::of_service(&region, "s3").expect("S3's list");
    let mut vpcs: Vec<(String, u8)> = w.state.vpcs.values().map(|v| (v.id.clone(), v.primary_cidr().network().octets()[1])).collect();
    vpcs.sort_by_key(|v| v.1);
    let tgw = w.state.transit_gateways.keys().next().cloned(); // at most one
    let (mut gateways, mut interfaces, mut lists) = (0, 0, 0);
    for (vpc, v) in &vpcs {
        // In an order that does not depend on the (random) ids, so a seed
        // always builds the same world.
        let st = &w.state;
        let cidr_of = |subnet: &str| st.subnets.get(subnet).and_then(|s| s.cidr).map(|c| c.to_string()).unwrap_or_default();
        let tables = by_key(st.route_tables.values().filter(|t| &t.vpc_id == vpc), |t| {
            (!t.main, t.associations.iter().filter_map(|a| a.subnet_id.as_deref()).map(cidr_of).min().unwrap_or_default())
        });
        let groups = by_key(st.security_groups.values().filter(|g| &g.vpc_id == vpc), |g| g.name.clone());
        let subnets = by_key(st.subnets.values().filter(|s| &s.vpc_id == vpc), |s| cidr_of(&s.id));
        let mut peerings: Vec<(String, String)> = xvpc_netns::peering::active_peerings(st)
            .into_iter()
            .filter(|(_, a, b)| a == vpc || b == vpc)
            .map(|(id, a, b)| (cidr_of_vpc(st, if &a == vpc { &b } else { &a }), id))
            .collect();
        peerings.sort();
        let peerings: Vec<String> = peerings.into_iter().map(|(_, id)| id).collect();
        let attached = w.state.transit_gateway_attachments.values().any(|a| &a.vpc_id == vpc);

        for service in ["s3", "dynamodb"] {
            if !rng.gen_bool(0.5) {
                continue;
            }
            let route_table_ids: Vec<String> = tables.iter().filter(|_| rng.gen_bool(0.6)).cloned().collect();
            let input = CreateEndpoint {
                vpc_id: vpc.clone(),
                endpoint_type: Some("Gateway".into()),
                service_name: format!("com.amazonaws.{region}.{service}"),
                route_table_ids,
                ..Default::default()
            };
            let (ch, _) = create_endpoint(&w.state, &w.ctx, input).expect("gateway endpoint");
            w.apply(ch);
            gateways += 1;
        }
        if let (Some(pcx), Some(t), true) = (peerings.choose(&mut rng), tables.choose(&mut rng), rng.gen_bool(0.15)) {
            let r = Route { destination: Destination::Cidr(xvpc_model::cidr::IpNet::V4(s3.cidrs[0])), target: RouteTarget::VpcPeeringConnection(pcx.clone()), origin: RouteOrigin::CreateRoute };
            w.state.route_tables.get_mut(t).unwrap().routes.push(r);
        }
        for g in &groups {
            if rng.gen_bool(0.25) {
                let sg = w.state.security_groups.get_mut(g).unwrap();
                sg.egress = vec![
                    rule(IpProtocol::All, None, RulePeer::Cidr("10.0.0.0/8".parse().unwrap())),
                    rule(IpProtocol::All, None, RulePeer::Cidr6("::/0".into())),
                    rule(IpProtocol::Tcp, Some((80, 80)), RulePeer::PrefixList(s3.id.clone())),
                ];
            }
        }

        if rng.gen_bool(0.5) {
            let service = ["ec2", "sts"].choose(&mut rng).unwrap();
            let mut zones = std::collections::BTreeSet::new();
            let mut chosen: Vec<String> = subnets.choose_multiple(&mut rng, 2).cloned().collect();
            chosen.retain(|s| zones.insert(w.state.subnets[s].availability_zone.clone()));
            chosen.truncate(rng.gen_range(1..=chosen.len()));
            let input = CreateEndpoint {
                vpc_id: vpc.clone(),
                endpoint_type: Some("Interface".into()),
                service_name: format!("com.amazonaws.{region}.{service}"),
                subnet_ids: chosen,
                security_group_ids: vec![groups.choose(&mut rng).unwrap().clone()],
                private_dns_enabled: Some(false),
                ..Default::default()
            };
            let (ch, _) = create_endpoint(&w.state, &w.ctx, input).expect("interface endpoint");
            w.apply(ch);
            interfaces += 1;
        }

        if rng.gen_bool(0.5) {
            let others: Vec<u8> = vpcs.iter().map(|(_, o)| *o).filter(|o| o != v).collect();
            let entry = |rng: &mut StdRng| {
                let o = *others.choose(rng).unwrap();
                match rng.gen_range(0..3) {
                    0 => format!("10.{o}.0.0/16"),
                    1 => format!("10.{o}.{}.0/24", rng.gen_range(1..=3)),
                    _ => format!("10.{o}.{}.10/32", rng.gen_range(1..=3)),
                }
            };
            let mut entries: Vec<(String, Option<String>)> = (0..rng.gen_range(1..=3)).map(|_| (entry(&mut rng), None)).collect();
            entries.sort();
            entries.dedup();
            let input = CreateList { name: format!("peers-of-{v}"), address_family: "IPv4".into(), max_entries: 10, entries, tags: Default::default() };
            let (ch, id) = managed_prefix_list::create(&w.state, &w.ctx, input).expect("prefix list");
            w.apply(ch);
            if rng.gen_bool(0.4) {
                // A second version: routes and rules follow the current one.
                let first = w.state.managed_prefix_lists[&id].blocks()[0].to_string();
                let m = ModifyList { add: vec![(entry(&mut rng), None)], remove: vec![first], ..Default::default() };
                if let Ok(ch) = managed_prefix_list::modify(&w.state, &w.ctx, &id, m) {
                    w.apply(ch);
                }
            }
            for t in &tables {
                let target = match (rng.gen_range(0..3), peerings.choose(&mut rng), tgw.as_ref().filter(|_| attached)) {
                    (0, Some(p), _) => RouteTarget::VpcPeeringConnection(p.clone()),
                    (1, _, Some(g)) => RouteTarget::TransitGateway(g.clone()),
                    _ => continue,
                };
                let r = Route { destination: Destination::PrefixList(id.clone()), target, origin: RouteOrigin::CreateRoute };
                w.state.route_tables.get_mut(t).unwrap().routes.push(r);
            }
            for g in &groups {
                if rng.gen_bool(0.4) {
                    let (protocol, ports) = if rng.gen_bool(0.5) { (IpProtocol::All, None) } else { (IpProtocol::Tcp, Some((80, 80))) };
                    w.state.security_groups.get_mut(g).unwrap().ingress.push(rule(protocol, ports, RulePeer::PrefixList(id.clone())));
                }
            }
            lists += 1;
        }
    }
    (gateways, interfaces, lists)
}
