//! Property tests over generated worlds: the matrix agrees with the full
//! analysis; allowing more never blocks; removing a route never connects;
//! IPv6 is judged exactly as IPv4 when its rules mirror the IPv4 ones.

use xvpc_model::IpProtocol;
use proptest::prelude::*;

use crate::synthetic::Builder;
use crate::{analyze, matrix, Endpoint, Query};

const A: &str = "111111111111";
const R: &str = "us-east-1";
const CIDRS: &[&str] = &["0.0.0.0/0", "10.1.0.0/16", "10.2.0.0/16", "10.1.1.0/24", "10.1.2.0/24", "10.2.1.0/24", "10.1.1.10/32", "10.2.1.11/32"];
const PORTS: &[Option<(i32, i32)>] = &[None, Some((80, 80)), Some((1024, 65535)), Some((0, 65535)), Some((22, 22))];

/// An SG rule: (group index, ingress, all protocols?, ports, peer: CIDR or group index).
type SgSpec = (usize, bool, bool, usize, Result<usize, usize>);
/// An ACL entry: (subnet index, rule number, egress, all protocols?, allow, cidr, ports).
type AclSpec = (usize, i64, bool, bool, bool, usize, usize);

#[derive(Debug, Clone)]
struct Spec {
    eni_groups: Vec<Vec<usize>>,
    rules: Vec<SgSpec>,
    acls: Vec<AclSpec>,
    /// The peering between the two VPCs: none, pending or active.
    peering: u8,
    /// Per subnet: its own table with a route to the other VPC via the peering.
    routes: Vec<bool>,
}

fn sg_spec() -> impl Strategy<Value = SgSpec> {
    (0..4usize, any::<bool>(), any::<bool>(), 0..PORTS.len(), prop_oneof![(0..CIDRS.len()).prop_map(Ok), (0..4usize).prop_map(Err)])
}

fn acl_spec() -> impl Strategy<Value = AclSpec> {
    (0..4usize, 1..12i64, any::<bool>(), any::<bool>(), prop::bool::weighted(0.7), 0..CIDRS.len(), 0..PORTS.len())
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        prop::collection::vec(prop::collection::vec(0..4usize, 1..3), 8),
        prop::collection::vec(sg_spec(), 0..14),
        prop::collection::vec(acl_spec(), 0..10),
        0..3u8,
        prop::collection::vec(any::<bool>(), 4),
    )
        .prop_map(|(eni_groups, rules, acls, peering, routes)| Spec { eni_groups, rules, acls, peering, routes })
}

/// Two VPCs of one account, two subnets each, two ENIs per subnet.
/// Returns the builder, ENI ids, group ids, subnet ids.
fn build(s: &Spec) -> (Builder, Vec<String>, Vec<String>, Vec<String>) {
    let mut b = Builder::new();
    let v1 = b.vpc(A, R, "10.1.0.0/16");
    let v2 = b.vpc(A, R, "10.2.0.0/16");
    let subnets = vec![
        b.subnet(&v1, "10.1.1.0/24", "us-east-1a"),
        b.subnet(&v1, "10.1.2.0/24", "us-east-1b"),
        b.subnet(&v2, "10.2.1.0/24", "us-east-1a"),
        b.subnet(&v2, "10.2.2.0/24", "us-east-1b"),
    ];
    let groups = vec![b.group(&v1), b.group(&v1), b.group(&v2), b.group(&v2)];
    let mut enis = Vec::new();
    for (i, gs) in s.eni_groups.iter().enumerate() {
        let sn = i / 2;
        let vpc_groups: Vec<&str> = gs.iter().map(|g| groups[(sn / 2) * 2 + g % 2].as_str()).collect();
        let mut vg = vpc_groups.clone();
        vg.sort();
        vg.dedup();
        let ip = format!("10.{}.{}.{}", sn / 2 + 1, sn % 2 + 1, 10 + i % 2);
        enis.push(b.eni(&subnets[sn], &ip, &vg));
    }
    for r in &s.rules {
        add_rule(&mut b, &groups, r);
    }
    if s.peering > 0 {
        use xvpc_model::peering::StoredStatus;
        let pcx = b.peering(&v1, &v2, if s.peering == 2 { StoredStatus::Active } else { StoredStatus::PendingAcceptance });
        for (i, on) in s.routes.iter().enumerate() {
            if *on {
                let t = b.table_for(&subnets[i]);
                b.route(&t, if i < 2 { "10.2.0.0/16" } else { "10.1.0.0/16" }, &pcx);
            }
        }
    }
    let mut acl_ids: Vec<Option<String>> = vec![None; 4];
    for e in &s.acls {
        let id = acl_ids[e.0].get_or_insert_with(|| b.acl_for(&subnets[e.0])).clone();
        add_acl(&mut b, &id, e);
    }
    (b, enis, groups, subnets)
}

/// The same world, dual-stack: each VPC has a /56, each subnet a /64, each
/// ENI an IPv6 address, and every rule, ACL entry and route naming an IPv4
/// block has an IPv6 twin naming the block that holds the same things
/// (ACL twins numbered right after their IPv4 entry, so the order holds).
fn build_dual(s: &Spec) -> (Builder, Vec<String>) {
    let mut plain = s.clone();
    plain.rules.clear();
    plain.acls.clear();
    plain.peering = 0;
    let (mut b, enis, groups, subnets) = build(&plain);
    let vpcs: Vec<String> = b.state.vpcs.keys().cloned().collect();
    for v in &vpcs {
        b.ipv6(v);
    }
    for (i, sn) in subnets.iter().enumerate() {
        b.subnet_ipv6(sn, i as u128);
    }
    for e in &enis {
        b.eni_ipv6(e);
    }
    let v4_vpc = |b: &Builder, cidr: &str| b.state.vpcs.values().find(|v| v.primary_cidr().to_string() == cidr).map(|v| v.id.clone()).expect("vpc");
    let (v1, v2) = (v4_vpc(&b, "10.1.0.0/16"), v4_vpc(&b, "10.2.0.0/16"));
    let twin = |b: &Builder, cidr: &str| -> String {
        let block = |v: &str| b.state.vpcs[v].ipv6_cidr_blocks[0].cidr.to_string();
        let sub = |i: usize| b.state.subnets[&subnets[i]].ipv6_cidr_blocks[0].cidr.to_string();
        let host = |i: usize| format!("{}/128", b.state.network_interfaces[&enis[i]].ipv6_addresses[0]);
        match cidr {
            "0.0.0.0/0" => "::/0".into(),
            "10.1.0.0/16" => block(&v1),
            "10.2.0.0/16" => block(&v2),
            "10.1.1.0/24" => sub(0),
            "10.1.2.0/24" => sub(1),
            "10.2.1.0/24" => sub(2),
            "10.1.1.10/32" => host(0),
            "10.2.1.11/32" => host(5),
            other => panic!("no twin for {other}"),
        }
    };
    for r in &s.rules {
        add_rule(&mut b, &groups, r);
        if let Ok(c) = r.4 {
            let (proto, ports) = if r.2 { (IpProtocol::All, None) } else { (IpProtocol::Tcp, PORTS[r.3].or(Some((0, 65535)))) };
            let peer = twin(&b, CIDRS[c]);
            b.allow(&groups[r.0], r.1, proto, ports, &peer);
        }
    }
    if s.peering > 0 {
        use xvpc_model::peering::StoredStatus;
        let pcx = b.peering(&v1, &v2, if s.peering == 2 { StoredStatus::Active } else { StoredStatus::PendingAcceptance });
        for (i, on) in s.routes.iter().enumerate() {
            if *on {
                let t = b.table_for(&subnets[i]);
                let far = if i < 2 { "10.2.0.0/16" } else { "10.1.0.0/16" };
                let far6 = twin(&b, far);
                b.route(&t, far, &pcx);
                b.route(&t, &far6, &pcx);
            }
        }
    }
    let mut acl_ids: Vec<Option<String>> = vec![None; 4];
    for e in &s.acls {
        let id = acl_ids[e.0].get_or_insert_with(|| b.acl_for(&subnets[e.0])).clone();
        let n = e.1 * 10;
        if b.state.network_acls[&id].entries.iter().any(|x| x.rule_number == n && x.egress == e.2) {
            continue;
        }
        add_acl(&mut b, &id, e);
        let (proto, ports) = if e.3 { (IpProtocol::All, None) } else { (IpProtocol::Tcp, PORTS[e.6].or(Some((0, 65535)))) };
        let c6 = twin(&b, CIDRS[e.5]);
        b.acl_entry(&id, n + 1, e.2, proto, e.4, &c6, ports);
    }
    (b, enis)
}

/// The verdict of TCP 80 from ENI `from` to `to`'s IPv6 address.
fn reach6(b: &Builder, from: &str, to: &str) -> bool {
    let ip = std::net::IpAddr::V6(b.state.network_interfaces[to].ipv6_addresses[0]);
    let q = Query { destination_ip: Some(ip), ..Query::tcp(Endpoint::NetworkInterface(from.into()), Endpoint::NetworkInterface(to.into()), 80) };
    analyze(&b.state, 0, &q).unwrap().reachable
}

fn add_rule(b: &mut Builder, groups: &[String], r: &SgSpec) {
    let peer = match r.4 {
        Ok(c) => CIDRS[c].to_string(),
        Err(g) => groups[g].clone(),
    };
    let (proto, ports) = if r.2 { (IpProtocol::All, None) } else { (IpProtocol::Tcp, PORTS[r.3].or(Some((0, 65535)))) };
    b.allow(&groups[r.0], r.1, proto, ports, &peer);
}

fn add_acl(b: &mut Builder, acl: &str, e: &AclSpec) {
    let n = e.1 * 10;
    if b.state.network_acls[acl].entries.iter().any(|x| x.rule_number == n && x.egress == e.2) {
        return;
    }
    let (proto, ports) = if e.3 { (IpProtocol::All, None) } else { (IpProtocol::Tcp, PORTS[e.6].or(Some((0, 65535)))) };
    b.acl_entry(acl, n, e.2, proto, e.4, CIDRS[e.5], ports);
}

fn reach(b: &Builder, from: &str, to: &str) -> bool {
    analyze(&b.state, 0, &Query::tcp(Endpoint::NetworkInterface(from.into()), Endpoint::NetworkInterface(to.into()), 80)).unwrap().reachable
}

fn all_pairs(b: &Builder, enis: &[String]) -> Vec<bool> {
    enis.iter().flat_map(|a| enis.iter().map(move |c| (a, c))).map(|(a, c)| reach(b, a, c)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The class matrix gives the full analysis's verdict for every pair.
    #[test]
    fn matrix_agrees_with_analysis(s in spec()) {
        let (b, enis, _, _) = build(&s);
        let m = matrix::matrix(&b.state, 0, &[], 6, 80);
        for a in &enis {
            for c in &enis {
                prop_assert_eq!(m.get(a, c), Some(reach(&b, a, c)), "{} -> {}", a, c);
            }
        }
    }

    /// In a dual-stack world whose IPv6 rules, entries and routes mirror
    /// the IPv4 ones, every pair gets the same verdict over both families;
    /// and the IPv4 verdicts are those of the IPv4-only world (IPv6 rules
    /// never touch IPv4).
    #[test]
    fn ipv6_mirrors_ipv4(s in spec()) {
        let (b4, enis4, _, _) = build(&s);
        let (b, enis) = build_dual(&s);
        let only4 = all_pairs(&b4, &enis4);
        for (k, (a, c)) in enis.iter().flat_map(|a| enis.iter().map(move |c| (a, c))).enumerate() {
            let v4 = reach(&b, a, c);
            prop_assert_eq!(v4, only4[k], "IPv4 {} -> {} changed by IPv6 rules", a, c);
            prop_assert_eq!(reach6(&b, a, c), v4, "{} -> {}: IPv6 differs from IPv4", a, c);
        }
    }

    /// Adding a security group allow rule never makes a reachable path unreachable.
    #[test]
    fn more_sg_rules_never_block(s in spec(), extra in sg_spec()) {
        let (mut b, enis, groups, _) = build(&s);
        let before = all_pairs(&b, &enis);
        add_rule(&mut b, &groups, &extra);
        let after = all_pairs(&b, &enis);
        for (x, y) in before.iter().zip(&after) {
            prop_assert!(!x || *y);
        }
    }

    /// Adding an ACL allow entry never makes a reachable path unreachable.
    #[test]
    fn more_acl_allows_never_block(s in spec(), mut extra in acl_spec()) {
        extra.4 = true;
        let (mut b, enis, _, subnets) = build(&s);
        let before = all_pairs(&b, &enis);
        let acl = b.state.network_acls.values().find(|a| a.associations.iter().any(|x| x.subnet_id == subnets[extra.0])).map(|a| a.id.clone());
        let acl = match acl { Some(a) => a, None => b.state.network_acls.values().find(|a| a.is_default && a.vpc_id == b.state.subnets[&subnets[extra.0]].vpc_id).unwrap().id.clone() };
        add_acl(&mut b, &acl, &extra);
        let after = all_pairs(&b, &enis);
        for (x, y) in before.iter().zip(&after) {
            prop_assert!(!x || *y);
        }
    }

    /// Removing a route never makes an unreachable path reachable (here no
    /// other route covers the removed one; with a covering route, longest
    /// prefix match falls back to it, as in AWS).
    #[test]
    fn removing_a_route_never_connects(s in spec(), which in 0..4usize) {
        let (mut b, enis, _, subnets) = build(&s);
        let before = all_pairs(&b, &enis);
        let table = b.state.route_tables.values().find(|t| t.associations.iter().any(|a| a.subnet_id.as_deref() == Some(subnets[which].as_str()))).map(|t| t.id.clone());
        if let Some(t) = table {
            b.state.route_tables.get_mut(&t).unwrap().routes.retain(|r| r.target == xvpc_model::route_table::RouteTarget::Local);
        }
        let after = all_pairs(&b, &enis);
        for (x, y) in before.iter().zip(&after) {
            prop_assert!(*x || !y);
        }
    }
}
