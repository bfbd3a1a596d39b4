//! The Amazon DNS server over real packets: guests resolve through their
//! VPC's base + 2 (via the `resolv.conf` `ip netns exec` mounts) and
//! 169.254.169.253. Runs only as root (CI is root); skips otherwise.
#![cfg(target_os = "linux")]

mod common;

use xvpc_model::IpProtocol;
use std::net::{Ipv4Addr, UdpSocket};
use std::time::Duration;

use common::{can_run, probe1, Probe, World};
use xvpc_model::endpoint_service::EndpointService;
use xvpc_model::security_group::RulePeer;
use xvpc_model::vpc_endpoint::{EndpointState, VpcEndpoint};
use xvpc_netns::dns;
use xvpc_netns::dns_message::{parse_response, query, TYPE_A, TYPE_AAAA};
use xvpc_netns::Dataplane;

/// Asks `server` from inside namespace `ns`: `(rcode, addresses)`, or
/// `None` without an answer within a second.
fn ask(ns: &str, server: &str, name: &str, qtype: u16) -> Option<(u16, Vec<Ipv4Addr>)> {
    let (ns, server, name) = (ns.to_string(), server.to_string(), name.to_string());
    std::thread::spawn(move || {
        let f = std::fs::File::open(format!("/run/netns/{ns}")).unwrap();
        nix::sched::setns(&f, nix::sched::CloneFlags::CLONE_NEWNET).unwrap();
        let s = UdpSocket::bind("0.0.0.0:0").unwrap();
        s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
        s.send_to(&query(77, &name, qtype), (server.as_str(), 53)).unwrap();
        let mut buf = [0u8; 1500];
        let n = s.recv(&mut buf).ok()?;
        let (id, rcode, _, addrs) = parse_response(&buf[..n])?;
        assert_eq!(id, 77);
        Some((rcode, addrs))
    })
    .join()
    .unwrap()
}

/// `getent ahostsv4 name` inside `ns`: the addresses glibc resolves (through
/// `/etc/resolv.conf`, as any program in the guest would), sorted.
fn getent(ns: &str, name: &str) -> Vec<Ipv4Addr> {
    let out = std::process::Command::new("ip").args(["netns", "exec", ns, "getent", "ahostsv4", name]).output().unwrap();
    let mut v: Vec<Ipv4Addr> = String::from_utf8_lossy(&out.stdout).lines().filter_map(|l| l.split_whitespace().next()?.parse().ok()).collect();
    v.sort();
    v.dedup();
    v
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

/// The test world: VPC A 10.1.0.0/16 (zones a and b) with a client
/// instance and an available interface endpoint (an ENI per zone, private
/// DNS `api.example.com`), VPC B 10.2.0.0/16 with one instance; both with
/// DNS hostnames on.
struct Scene {
    w: World,
    a: String,
    a1: String,
    client_sg: String,
    client_eni: String,
    client: String,
    other_eni: String,
    ep: VpcEndpoint,
    regional: String,
    zonal_b: String,
}

fn scene() -> Scene {
    let mut w = World::default();
    let a = w.vpc("10.1.0.0/16");
    let b = w.vpc("10.2.0.0/16");
    for v in [&a, &b] {
        w.state.vpcs.get_mut(v).unwrap().enable_dns_hostnames = true;
    }
    let a1 = w.subnet_in(&a, "10.1.1.0/24", "us-east-1a");
    let a2 = w.subnet_in(&a, "10.1.2.0/24", "us-east-1b");
    let b1 = w.subnet_in(&b, "10.2.1.0/24", "us-east-1a");
    let open = w.sg(&a, "endpoint");
    w.allow_in(&open, IpProtocol::Tcp, Some((80, 80)), RulePeer::Cidr("10.1.0.0/16".parse().unwrap()));
    let client_sg = w.sg(&a, "client");
    let client_eni = w.eni(&a1, "10.1.1.10", &[&client_sg]);
    let client = w.instance(&client_eni, Some("getent ahostsv4 ip-10-1-1-10.ec2.internal\n"));
    let other_eni = w.eni(&b1, "10.2.1.10", &[&w.default_sg(&b)]);
    w.instance(&other_eni, None);
    // An available interface endpoint with an ENI in each of A's zones.
    let ep_enis = [w.eni(&a1, "10.1.1.100", &[&open]), w.eni(&a2, "10.1.2.100", &[&open])];
    let svc = EndpointService {
        id: "vpce-svc-0123456789abcdef0".into(),
        owner: "222222222222".into(),
        region: "us-east-1".into(),
        name: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0".into(),
        network_load_balancer_arns: vec![],
        acceptance_required: false,
        allowed_principals: vec![],
        private_dns_name: Some("api.example.com".into()),
        tags: Default::default(),
        created_at: 0,
    };
    let ep = VpcEndpoint {
        id: "vpce-0aaaabbbbccccdddd".into(),
        owner: common::ACCOUNT.into(),
        region: "us-east-1".into(),
        vpc_id: a.clone(),
        endpoint_type: "Interface".into(),
        service_name: svc.name.clone(),
        service_id: Some(svc.id.clone()),
        state: EndpointState::Available,
        subnet_ids: vec![a1.clone(), a2.clone()],
        network_interface_ids: ep_enis.to_vec(),
        security_group_ids: vec![open.clone()],
        dns_suffix: "abcd1234".into(),
        private_dns_enabled: true,
        policy_document: None,
        tags: Default::default(),
        created_at: 0,
        route_table_ids: Vec::new(),
    };
    w.state.endpoint_services.insert(svc.id.clone(), svc);
    w.state.vpc_endpoints.insert(ep.id.clone(), ep.clone());
    let entries = ep.dns_entries(&w.state);
    let (regional, zonal_b) = (entries[0].dns_name.clone(), entries.iter().find(|e| e.dns_name.contains("-us-east-1b.")).unwrap().dns_name.clone());

    Scene { w, a, a1, client_sg, client_eni, client, other_eni, ep, regional, zonal_b }
}

// The record set (pure: no root needed).

#[test]
fn endpoint_dns_entries_resolve_to_their_enis_in_every_vpc() {
    let sc = scene();
    let zones = dns::zones(&sc.w.state);
    let entries = sc.ep.dns_entries(&sc.w.state);
    assert_eq!(entries.len(), 3, "regional + two zonal");
    let zonal_a = entries.iter().find(|e| e.dns_name.contains("-us-east-1a.")).unwrap();
    for z in zones.values() {
        assert_eq!(z.lookup(&sc.regional), Some(&[ip("10.1.1.100"), ip("10.1.2.100")][..]), "regional");
        assert_eq!(z.lookup(&zonal_a.dns_name), Some(&[ip("10.1.1.100")][..]));
        assert_eq!(z.lookup(&sc.zonal_b.to_uppercase()), Some(&[ip("10.1.2.100")][..]), "any case");
    }
    assert_eq!(zones.len(), 2);
}

#[test]
fn private_names_stay_in_their_vpc() {
    let sc = scene();
    let zones = dns::zones(&sc.w.state);
    let b = zones.keys().find(|v| **v != sc.a).unwrap();
    // The name DescribeInstances returns as PrivateDnsName.
    let name = sc.w.state.instances[&sc.client].private_dns_name();
    assert_eq!(name, "ip-10-1-1-10.ec2.internal");
    assert_eq!(zones[&sc.a].lookup(&name), Some(&[ip("10.1.1.10")][..]));
    assert_eq!(zones[b].lookup(&name), None, "another VPC's host name");
    assert_eq!(zones[b].lookup("ip-10-2-1-10.ec2.internal."), Some(&[ip("10.2.1.10")][..]));
    assert_eq!(zones[&sc.a].lookup("api.example.com"), Some(&[ip("10.1.1.100"), ip("10.1.2.100")][..]), "consumer VPC");
    assert_eq!(zones[b].lookup("api.example.com"), None, "private DNS is the consumer VPC's only");
    assert_eq!(zones[&sc.a].address, ip("10.1.0.2"));
}

#[test]
fn private_names_need_dns_hostnames_and_private_dns_enabled() {
    let mut sc = scene();
    sc.w.state.vpcs.get_mut(&sc.a).unwrap().enable_dns_hostnames = false;
    let z = &dns::zones(&sc.w.state)[&sc.a];
    assert_eq!(z.lookup("ip-10-1-1-10.ec2.internal"), None);
    assert_eq!(z.lookup("api.example.com"), None);
    assert!(z.lookup(&sc.regional).is_some(), "public endpoint names still resolve");
    let mut sc = scene();
    sc.w.state.vpc_endpoints.get_mut(&sc.ep.id).unwrap().private_dns_enabled = false;
    assert_eq!(dns::zones(&sc.w.state)[&sc.a].lookup("api.example.com"), None);
    sc.w.state.vpc_endpoints.get_mut(&sc.ep.id).unwrap().state = EndpointState::Rejected;
    assert_eq!(dns::zones(&sc.w.state)[&sc.a].lookup(&sc.regional), None, "a rejected endpoint has no names");
}

#[test]
fn responses_follow_rcodes_the_sender_and_dns_support() {
    let mut sc = scene();
    let me = ip("10.1.1.10");
    let ask = |z: &dns::Zone, name: &str, t: u16, from: Ipv4Addr| z.respond(&query(42, name, t), from).map(|r| parse_response(&r).unwrap());
    let z = dns::zones(&sc.w.state)[&sc.a].clone();
    assert_eq!(ask(&z, "ip-10-1-1-10.ec2.internal", TYPE_A, me), Some((42, 0, false, vec![me])));
    assert_eq!(ask(&z, "ip-10-1-1-10.ec2.internal", TYPE_AAAA, me), Some((42, 0, false, vec![])), "known name, no AAAA");
    assert_eq!(ask(&z, "ip-10-2-1-10.ec2.internal", TYPE_A, me), Some((42, 3, false, vec![])), "NXDOMAIN");
    assert_eq!(ask(&z, "example.org", TYPE_A, me), Some((42, 3, false, vec![])), "never forwarded");
    assert_eq!(ask(&z, "ip-10-1-1-10.ec2.internal", TYPE_A, ip("10.2.1.10")), None, "a sender outside the VPC");
    assert_eq!(z.respond(&[1, 2, 3], me), None, "garbage is dropped");
    let v = sc.w.state.vpcs.get_mut(&sc.a).unwrap();
    (v.enable_dns_support, v.enable_dns_hostnames) = (false, false);
    let z = dns::zones(&sc.w.state)[&sc.a].clone();
    assert_eq!(ask(&z, "ip-10-1-1-10.ec2.internal", TYPE_A, me), None, "DNS support off: no answer");
}

// Real packets (root).

#[test]
fn guests_resolve_endpoint_and_host_names_through_their_vpc_resolver() {
    if !can_run() {
        return;
    }
    let Scene { mut w, a, a1, client_sg, client_eni, client, other_eni, regional, zonal_b, .. } = scene();
    let mut dp = Dataplane::start().expect("data plane");
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    let prefix = dp.prefix().to_string();
    let ns = |id: &str| xvpc_netns::names::ns(&prefix, id);
    let (me, them) = (ns(&client_eni), ns(&other_eni));

    // The guest's resolv.conf names base + 2; glibc resolves through it.
    let conf = std::fs::read_to_string(format!("/etc/netns/{me}/resolv.conf")).unwrap();
    assert!(conf.contains("nameserver 10.1.0.2") && conf.contains("search ec2.internal"), "{conf}");
    assert_eq!(getent(&me, &regional), [ip("10.1.1.100"), ip("10.1.2.100")], "regional name: every endpoint ENI");
    assert_eq!(getent(&me, &zonal_b), [ip("10.1.2.100")], "zonal name: that zone's ENI");
    assert_eq!(getent(&me, "api.example.com"), [ip("10.1.1.100"), ip("10.1.2.100")], "private DNS name in the consumer VPC");
    assert_eq!(getent(&me, "ip-10-1-1-10.ec2.internal"), [ip("10.1.1.10")]);
    assert_eq!(getent(&me, "ip-10-1-1-10"), [ip("10.1.1.10")], "the search domain");
    // ...and connects to what it resolved.
    assert_eq!(probe1(&me, &getent(&me, &zonal_b)[0].to_string(), 80), Probe::Reached);
    // User data resolves too (its stdout is the user-data log).
    let log = dp.log_of(&client);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !std::fs::read_to_string(&log).unwrap_or_default().contains("10.1.1.10") {
        assert!(std::time::Instant::now() < deadline, "user data did not resolve: {:?}", std::fs::read_to_string(&log));
        std::thread::sleep(Duration::from_millis(50));
    }
    // A lost file comes back at the next reconciliation (after user data
    // started: `ip netns exec` mounts it when the process starts).
    std::fs::remove_dir_all(format!("/etc/netns/{me}")).unwrap();
    assert!(dp.reconcile(&w.state).errors.is_empty());
    assert_eq!(std::fs::read_to_string(format!("/etc/netns/{me}/resolv.conf")).unwrap(), conf);

    // Per VPC: B's resolver knows B's host names, not A's (NXDOMAIN), nor
    // A's private DNS name; endpoint names are public.
    assert_eq!(ask(&them, "10.2.0.2", "ip-10-1-1-10.ec2.internal", TYPE_A), Some((3, vec![])));
    assert_eq!(ask(&them, "10.2.0.2", "api.example.com", TYPE_A), Some((3, vec![])));
    assert_eq!(ask(&them, "10.2.0.2", "ip-10-2-1-10.ec2.internal", TYPE_A), Some((0, vec![ip("10.2.1.10")])));
    assert_eq!(getent(&them, &regional), [ip("10.1.1.100"), ip("10.1.2.100")]);
    // The link-local address answers as well; AAAA of a known name is empty.
    assert_eq!(ask(&me, "169.254.169.253", "ip-10-1-1-10.ec2.internal", TYPE_A), Some((0, vec![ip("10.1.1.10")])));
    assert_eq!(ask(&me, "10.1.0.2", "ip-10-1-1-10.ec2.internal", TYPE_AAAA), Some((0, vec![])));

    // Security groups and NACLs do not filter the resolver: with no egress
    // and a deny-all ACL the client still resolves, though TCP is cut.
    w.state.security_groups.get_mut(&client_sg).unwrap().egress.clear();
    w.nacl(&a1, &[]);
    assert!(dp.reconcile(&w.state).errors.is_empty());
    assert_eq!(probe1(&me, "10.1.2.100", 80), Probe::Timeout, "the firewall is on");
    assert_eq!(ask(&me, "10.1.0.2", &regional, TYPE_A).map(|r| r.0), Some(0), "DNS is not filtered");

    // enableDnsSupport off: the resolver no longer answers in A, still in B.
    let v = w.state.vpcs.get_mut(&a).unwrap();
    (v.enable_dns_support, v.enable_dns_hostnames) = (false, false);
    assert!(dp.reconcile(&w.state).errors.is_empty());
    assert_eq!(ask(&me, "10.1.0.2", &regional, TYPE_A), None);
    assert!(ask(&them, "10.2.0.2", &regional, TYPE_A).is_some());

    // A VPC created later gets its resolver at the next reconciliation.
    let c = w.vpc("10.3.0.0/16");
    w.state.vpcs.get_mut(&c).unwrap().enable_dns_hostnames = true;
    let c1 = w.subnet_in(&c, "10.3.1.0/24", "us-east-1a");
    let c_eni = w.eni(&c1, "10.3.1.10", &[&w.default_sg(&c)]);
    assert!(dp.reconcile(&w.state).errors.is_empty());
    assert_eq!(getent(&ns(&c_eni), "ip-10-3-1-10.ec2.internal"), [ip("10.3.1.10")]);

    // Files go with their namespaces.
    w.state.network_interfaces.remove(&other_eni);
    let gone: Vec<String> = w.state.instances.values().filter(|i| i.primary_eni == other_eni).map(|i| i.id.clone()).collect();
    for id in gone {
        w.state.instances.remove(&id);
    }
    dp.reconcile(&w.state);
    assert!(!std::path::Path::new(&format!("/etc/netns/{them}")).exists(), "a removed ENI's resolv.conf goes");
    dp.teardown().unwrap();
    assert!(!std::path::Path::new(&format!("/etc/netns/{me}")).exists(), "teardown removes resolv.conf");
}
