//! IPv6 paths: within a VPC, over peering and transit gateways, and to and
//! from the internet through internet and egress-only gateways. Each test
//! asks the same question as a user would (`trace ... --to-ip <IPv6>`).

use std::net::{IpAddr, Ipv6Addr};

use xvpc_model::peering::StoredStatus;
use xvpc_model::IpProtocol;

use crate::synthetic::Builder;
use crate::tests::{codes, A, B, R};
use crate::{analyze, Analysis, Direction, Endpoint, Query, QueryError};

/// A dual-stack VPC: one subnet with a /64, its two instances hold an IPv6
/// address each, the web group admits TCP 80 over both families.
struct World {
    b: Builder,
    vpc: String,
    subnet: String,
    web: String,
    client: String,
    web_sg: String,
}

fn dual_stack(b: &mut Builder, owner: &str, cidr4: &str) -> (String, String, String, String, String) {
    let vpc = b.vpc(owner, R, cidr4);
    b.ipv6(&vpc);
    let subnet = b.subnet(&vpc, &cidr4.replace(".0.0/16", ".1.0/24"), "us-east-1a");
    b.subnet_ipv6(&subnet, 1);
    let web_sg = b.group(&vpc);
    b.allow(&web_sg, false, IpProtocol::All, None, "0.0.0.0/0");
    b.allow(&web_sg, false, IpProtocol::All, None, "::/0");
    let client_sg = b.group(&vpc);
    b.allow(&client_sg, false, IpProtocol::All, None, "0.0.0.0/0");
    b.allow(&client_sg, false, IpProtocol::All, None, "::/0");
    let base = cidr4.split('.').take(2).collect::<Vec<_>>().join(".");
    let web = b.instance(&subnet, &format!("{base}.1.10"), &[&web_sg]);
    let client = b.instance(&subnet, &format!("{base}.1.20"), &[&client_sg]);
    for i in [&web, &client] {
        let eni = b.state.instances[i].primary_eni.clone();
        b.eni_ipv6(&eni);
    }
    (vpc, subnet, web, client, web_sg)
}

fn world() -> World {
    let mut b = Builder::new();
    let (vpc, subnet, web, client, web_sg) = dual_stack(&mut b, A, "10.0.0.0/16");
    World { b, vpc, subnet, web, client, web_sg }
}

fn v6_of(b: &Builder, instance: &str) -> IpAddr {
    IpAddr::V6(b.state.network_interfaces[&b.state.instances[instance].primary_eni].ipv6_addresses[0])
}

/// TCP `port` from instance `from` to `to`'s IPv6 address.
fn tcp6(b: &Builder, from: &str, to: &str, port: u16) -> Analysis {
    let q = Query { destination_ip: Some(v6_of(b, to)), ..Query::tcp(Endpoint::Instance(from.into()), Endpoint::Instance(to.into()), port) };
    analyze(&b.state, 0, &q).unwrap()
}

fn tcp4(b: &Builder, from: &str, to: &str, port: u16) -> Analysis {
    analyze(&b.state, 0, &Query::tcp(Endpoint::Instance(from.into()), Endpoint::Instance(to.into()), port)).unwrap()
}

/// TCP from an instance to an internet address.
fn out_to(b: &Builder, from: &str, ip: &str, port: u16) -> Analysis {
    analyze(&b.state, 0, &Query::tcp(Endpoint::Instance(from.into()), Endpoint::parse(ip).unwrap(), port)).unwrap()
}

/// TCP from an internet address to an instance's IPv6 address.
fn in_from(b: &Builder, ip: &str, to: &str, port: u16) -> Analysis {
    analyze(&b.state, 0, &Query::tcp(Endpoint::parse(ip).unwrap(), Endpoint::Instance(to.into()), port)).unwrap()
}

#[test]
fn within_a_vpc_ipv6_takes_the_ipv6_rules() {
    let mut w = world();
    let a = tcp6(&w.b, &w.client, &w.web, 80);
    assert!(!a.reachable);
    assert_eq!(a.source_ip, Some(v6_of(&w.b, &w.client)), "the source speaks IPv6 too");
    assert_eq!(codes(&a), vec![("SG_HAS_NO_RULES".into(), Direction::Forward)]);
    // An IPv4 rule admits IPv4 only. (The fix references the client's
    // group, which admits both families inside the VPC.)
    w.b.allow(&w.web_sg, true, IpProtocol::Tcp, Some((80, 80)), "0.0.0.0/0");
    assert!(tcp4(&w.b, &w.client, &w.web, 80).reachable);
    let a = tcp6(&w.b, &w.client, &w.web, 80);
    assert_eq!(codes(&a), vec![("ENI_SG_RULES_MISMATCH".into(), Direction::Forward)]);
    assert!(a.blockers[0].fix.clone().unwrap().command.contains("--source-group sg-"));
    w.b.allow(&w.web_sg, true, IpProtocol::Tcp, Some((80, 80)), "2001:db8::/32");
    let a = tcp6(&w.b, &w.client, &w.web, 80);
    assert!(a.reachable, "{:?}", a.blockers);
    assert!(a.forward.iter().any(|h| matches!(&h.detail, crate::Detail::Route { destination, target, .. } if destination.ends_with("/56") && target == "local")));
}

#[test]
fn network_acls_judge_ipv6_by_their_ipv6_entries() {
    let mut w = world();
    w.b.allow(&w.web_sg, true, IpProtocol::Tcp, Some((80, 80)), "::/0");
    let other = w.b.subnet(&w.vpc, "10.0.2.0/24", "us-east-1b");
    w.b.subnet_ipv6(&other, 2);
    let cg = w.b.group(&w.vpc);
    w.b.allow(&cg, false, IpProtocol::All, None, "::/0");
    w.b.allow(&cg, false, IpProtocol::All, None, "0.0.0.0/0");
    let far = w.b.instance(&other, "10.0.2.10", &[&cg]);
    let eni = w.b.state.instances[&far].primary_eni.clone();
    w.b.eni_ipv6(&eni);
    // The default ACL (rule 101 allows ::/0) lets it through.
    assert!(tcp6(&w.b, &far, &w.web, 80).reachable);
    // A custom ACL allowing IPv4 only denies IPv6 (its IPv6 `*` rule).
    let acl = w.b.acl_for(&w.subnet);
    w.b.acl_entry(&acl, 100, false, IpProtocol::All, true, "0.0.0.0/0", None);
    w.b.acl_entry(&acl, 100, true, IpProtocol::All, true, "0.0.0.0/0", None);
    let a = tcp6(&w.b, &far, &w.web, 80);
    assert!(codes(&a).contains(&("SUBNET_ACL_RESTRICTION".into(), Direction::Forward)), "{:?}", codes(&a));
    let fix = a.blockers[0].fix.clone().unwrap().command;
    assert!(fix.contains("--ipv6-cidr-block ") && fix.contains("/128 --rule-action allow"), "{fix}");
    w.b.acl_entry(&acl, 110, false, IpProtocol::All, true, "::/0", None);
    w.b.acl_entry(&acl, 110, true, IpProtocol::All, true, "::/0", None);
    assert!(tcp6(&w.b, &far, &w.web, 80).reachable);
    // An IPv6 deny ahead of them never touches IPv4.
    w.b.acl_entry(&acl, 50, false, IpProtocol::All, false, "::/0", None);
    assert!(!tcp6(&w.b, &far, &w.web, 80).reachable);
    w.b.allow(&w.web_sg, true, IpProtocol::Tcp, Some((80, 80)), "10.0.0.0/16");
    assert!(tcp4(&w.b, &far, &w.web, 80).reachable);
}

#[test]
fn over_peering_both_vpcs_need_ipv6_routes() {
    let mut b = Builder::new();
    let (va, _, web, _, web_sg) = dual_stack(&mut b, A, "10.1.0.0/16");
    let (vb, _, _, client, _) = dual_stack(&mut b, B, "10.2.0.0/16");
    b.allow(&web_sg, true, IpProtocol::Tcp, Some((443, 443)), "::/0");
    let pcx = b.peering(&vb, &va, StoredStatus::Active);
    let (ta, tb) = (b.main_table(&va), b.main_table(&vb));
    let block = |b: &Builder, v: &str| b.state.vpcs[v].ipv6_cidr_blocks[0].cidr.to_string();
    // IPv4 routes only: IPv6 has no route, and the fix is the IPv6 route.
    b.route(&ta, "10.2.0.0/16", &pcx);
    b.route(&tb, "10.1.0.0/16", &pcx);
    let a = tcp6(&b, &client, &web, 443);
    assert_eq!(codes(&a), vec![("NO_ROUTE_TO_DESTINATION".into(), Direction::Forward), ("NO_ROUTE_TO_DESTINATION".into(), Direction::Return)]);
    let fix = a.blockers[0].fix.clone().unwrap();
    assert_eq!(fix.account, B);
    assert_eq!(fix.command, format!("aws ec2 create-route --route-table-id {tb} --destination-ipv6-cidr-block {} --vpc-peering-connection-id {pcx} --region {R}", block(&b, &va)));
    // Named by its IPv6 address alone, the web server is still known: the
    // same blockers and fixes.
    let by_address = Query::tcp(Endpoint::Instance(client.clone()), Endpoint::Ip(v6_of(&b, &web)), 443);
    let a2 = analyze(&b.state, 0, &by_address).unwrap();
    assert_eq!(a2.blockers.iter().map(|x| x.fix.clone()).collect::<Vec<_>>(), a.blockers.iter().map(|x| x.fix.clone()).collect::<Vec<_>>());
    let (ba, bb) = (block(&b, &va), block(&b, &vb));
    b.route(&tb, &ba, &pcx);
    b.route(&ta, &bb, &pcx);
    let a = tcp6(&b, &client, &web, 443);
    assert!(a.reachable, "{:?}", a.blockers);
    assert!(a.forward.iter().any(|h| h.component.id == pcx));
    // Not transitive: an address outside the peer's blocks is refused.
    let q = Query { destination_ip: Some("2001:db8:ffff::1".parse().unwrap()), ..Query::tcp(Endpoint::Instance(client.clone()), Endpoint::Instance(web.clone()), 443) };
    b.route(&tb, "2001:db8:ffff::/48", &pcx);
    let a = analyze(&b.state, 0, &q).unwrap();
    assert!(codes(&a).contains(&("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR".into(), Direction::Forward)), "{:?}", codes(&a));
}

#[test]
fn over_a_transit_gateway_both_attachments_need_ipv6_support() {
    let mut b = Builder::new();
    let (va, sa, web, _, web_sg) = dual_stack(&mut b, A, "10.1.0.0/16");
    let (vb, sb, _, client, _) = dual_stack(&mut b, A, "10.2.0.0/16");
    b.allow(&web_sg, true, IpProtocol::Tcp, Some((80, 80)), "::/0");
    let (tgw, _) = b.tgw(A, R);
    let aa = b.attach(&tgw, &va, &[&sa], true);
    let ab = b.attach(&tgw, &vb, &[&sb], true);
    let (ta, tb) = (b.main_table(&va), b.main_table(&vb));
    b.route(&ta, "::/0", &tgw);
    b.route(&tb, "::/0", &tgw);
    // Without IPv6 support nothing propagates, and both ends say so.
    let a = tcp6(&b, &client, &web, 80);
    assert!(!a.reachable);
    let fixes: Vec<String> = a.blockers.iter().filter(|x| x.code == "BAD_STATE_ATTACHMENT").filter_map(|x| x.fix.as_ref().map(|f| f.command.clone())).collect();
    assert!(fixes.iter().any(|f| f.contains(&ab) && f.contains("--options Ipv6Support=enable")), "{fixes:?}");
    for id in [&aa, &ab] {
        b.state.transit_gateway_attachments.get_mut(id).unwrap().options.ipv6_support = true;
    }
    let a = tcp6(&b, &client, &web, 80);
    assert!(a.reachable, "{:?}", a.blockers);
    assert!(a.forward.iter().any(|h| matches!(&h.detail, crate::Detail::TgwRoute { destination, .. } if destination.ends_with("/56"))));
    // One side without support blocks again.
    b.state.transit_gateway_attachments.get_mut(&aa).unwrap().options.ipv6_support = false;
    let a = tcp6(&b, &client, &web, 80);
    assert!(a.blockers.iter().any(|x| x.code == "BAD_STATE_ATTACHMENT" && x.component.id == aa), "{:?}", a.blockers);
    // IPv4 is unaffected by the IPv6 option.
    b.allow(&web_sg, true, IpProtocol::Tcp, Some((80, 80)), "10.0.0.0/8");
    b.route(&ta, "10.2.0.0/16", &tgw);
    b.route(&tb, "10.1.0.0/16", &tgw);
    assert!(tcp4(&b, &client, &web, 80).reachable);
}

#[test]
fn out_to_the_internet_through_an_internet_gateway_needs_no_public_ipv4() {
    let mut w = world();
    let igw = w.b.igw(&w.vpc);
    let rt = w.b.main_table(&w.vpc);
    // Only an IPv4 default route: IPv6 has none, and the fix adds ::/0.
    w.b.route(&rt, "0.0.0.0/0", &igw);
    let a = out_to(&w.b, &w.client, "2600:1f18::1", 443);
    assert_eq!(codes(&a), vec![("NO_ROUTE_TO_DESTINATION".into(), Direction::Forward)]);
    assert_eq!(a.blockers[0].fix.clone().unwrap().command, format!("aws ec2 create-route --route-table-id {rt} --destination-ipv6-cidr-block ::/0 --gateway-id {igw} --region {R}"));
    w.b.route(&rt, "::/0", &igw);
    let a = out_to(&w.b, &w.client, "2600:1f18::1", 443);
    assert!(a.reachable, "{:?}", a.blockers);
    // IPv4 needs its public address, IPv6 does not.
    assert!(codes(&out_to(&w.b, &w.client, "8.8.8.8", 443)).contains(&("IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS".into(), Direction::Forward)));
    // A unique local address is not the internet's.
    assert!(!out_to(&w.b, &w.client, "fd00::1", 443).reachable);
}

#[test]
fn an_egress_only_gateway_lets_replies_in_but_no_connection() {
    let mut w = world();
    w.b.allow(&w.web_sg, true, IpProtocol::Tcp, Some((22, 22)), "::/0");
    let eigw = w.b.eigw(&w.vpc);
    let rt = w.b.main_table(&w.vpc);
    w.b.route(&rt, "::/0", &eigw);
    let a = out_to(&w.b, &w.client, "2600:1f18::1", 443);
    assert!(a.reachable, "{:?}", a.blockers);
    assert!(a.forward.iter().any(|h| h.component.id == eigw) && a.return_path.iter().any(|h| h.component.id == eigw));
    // From the internet: refused by the egress-only gateway.
    let a = in_from(&w.b, "2600:1f18::1", &w.web, 22);
    assert_eq!(codes(&a), vec![("NO_ROUTE_TO_DESTINATION".into(), Direction::Forward)]);
    assert_eq!(a.blockers[0].component.id, eigw);
    assert!(a.blockers[0].fix.clone().unwrap().command.starts_with("aws ec2 create-internet-gateway"));
    // With an internet gateway too, the connection comes in, and the reply
    // leaves by the egress-only gateway the table names.
    let igw = w.b.igw(&w.vpc);
    let a = in_from(&w.b, "2600:1f18::1", &w.web, 22);
    assert!(a.reachable, "{:?}", a.blockers);
    assert!(a.forward.iter().any(|h| h.component.id == igw));
    // IPv4 cannot use an egress-only gateway.
    assert!(!out_to(&w.b, &w.client, "8.8.8.8", 443).reachable);
}

#[test]
fn from_the_internet_through_an_internet_gateway() {
    let mut w = world();
    let igw = w.b.igw(&w.vpc);
    let rt = w.b.main_table(&w.vpc);
    w.b.route(&rt, "::/0", &igw);
    let a = in_from(&w.b, "2600:1f18::1", &w.web, 80);
    assert_eq!(codes(&a), vec![("SG_HAS_NO_RULES".into(), Direction::Forward)]);
    // `--cidr` takes IPv4 only: the fix names an IPv6 range.
    let fix = a.blockers[0].fix.clone().unwrap().command;
    assert!(fix.ends_with("--ip-permissions 'IpProtocol=tcp,FromPort=80,ToPort=80,Ipv6Ranges=[{CidrIpv6=2600:1f18::1/128}]' --region us-east-1"), "{fix}");
    w.b.allow(&w.web_sg, true, IpProtocol::Tcp, Some((80, 80)), "::/0");
    let a = in_from(&w.b, "2600:1f18::1", &w.web, 80);
    assert!(a.reachable, "{:?}", a.blockers);
    assert_eq!(a.destination_ip, Some(v6_of(&w.b, &w.web)));
    // Named by its address, from another dual-stack VPC over the internet.
    let (vb, _, _, far, _) = dual_stack(&mut w.b, B, "10.9.0.0/16");
    let igw_b = w.b.igw(&vb);
    let tb = w.b.main_table(&vb);
    w.b.route(&tb, "::/0", &igw_b);
    let a = out_to(&w.b, &far, &v6_of(&w.b, &w.web).to_string(), 80);
    assert!(a.reachable, "{:?}", a.blockers);
    assert!(a.forward.iter().any(|h| h.component.id == igw_b) && a.forward.iter().any(|h| h.component.id == igw));
}

#[test]
fn a_question_about_ipv6_needs_ipv6_addresses() {
    let mut w = world();
    let plain = w.b.instance(&w.subnet, "10.0.1.30", &[&w.web_sg]);
    let q = Query { destination_ip: Some(v6_of(&w.b, &w.web)), ..Query::tcp(Endpoint::Instance(plain.clone()), Endpoint::Instance(w.web.clone()), 80) };
    assert!(matches!(analyze(&w.b.state, 0, &q), Err(QueryError::Unsupported(m)) if m.contains("no IPv6 address")));
    let mixed = Query { source_ip: Some("10.0.1.20".parse().unwrap()), destination_ip: Some(v6_of(&w.b, &w.web)), ..Query::tcp(Endpoint::Instance(w.client.clone()), Endpoint::Instance(w.web.clone()), 80) };
    assert!(matches!(analyze(&w.b.state, 0, &mixed), Err(QueryError::Unsupported(_))));
    // An IPv6 address names its ENI as a source too.
    let src: Ipv6Addr = match v6_of(&w.b, &w.client) {
        IpAddr::V6(a) => a,
        IpAddr::V4(_) => unreachable!(),
    };
    w.b.allow(&w.web_sg, true, IpProtocol::Tcp, Some((80, 80)), "::/0");
    let q = Query::tcp(Endpoint::Ip(IpAddr::V6(src)), Endpoint::Ip(v6_of(&w.b, &w.web)), 80);
    let a = analyze(&w.b.state, 0, &q).unwrap();
    assert!(a.reachable, "{:?}", a.blockers);
}
