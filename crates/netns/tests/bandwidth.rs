//! What carries bytes, over real packets (root only, skipped otherwise):
//! - `--emulate-bandwidth`: with a scale that makes an interface endpoint
//!   200 Mbit/s and a transit gateway attachment 1 Gbit/s, TCP through the
//!   endpoint and over the gateway runs at those rates (±15 %), a peering
//!   connection stays unlimited, and turning emulation off removes the limits.
//! - PrivateLink's and transit gateways' 8500-byte MTU, with TCP's MSS
//!   clamped at the endpoint and at the gateway.
//! - every veth the data plane creates takes big (BIG TCP) packets.
#![cfg(target_os = "linux")]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::paths::{self, PORT, SERVER_IP};
use common::can_run;
use xvpc_netns::bandwidth::Bandwidth;
use xvpc_netns::throughput::tcp_goodput;
use xvpc_netns::Dataplane;

fn qdiscs(ns: &str) -> String {
    let o = std::process::Command::new("tc").args(["-n", ns, "qdisc", "show"]).output().expect("tc");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn detail(ns: &str, dev: &str) -> String {
    let o = std::process::Command::new("ip").args(["-n", ns, "-d", "link", "show", dev]).output().expect("ip");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// TCP_MAXSEG of a connection, seen from the server (`server` namespace,
/// listening on `PORT`) and the client (`client` namespace, connecting to `to`).
fn mss_both_ends(server: &str, client: &str, to: &str) -> (u32, u32) {
    let srv = "import socket as S\ns=S.socket(); s.setsockopt(S.SOL_SOCKET,S.SO_REUSEADDR,1); s.bind(('0.0.0.0',5201)); s.listen(1); print('up',flush=True)\nc,_=s.accept(); print(c.getsockopt(S.IPPROTO_TCP,S.TCP_MAXSEG),flush=True); c.recv(1)";
    let mut child = std::process::Command::new("ip").args(["netns", "exec", server, "python3", "-c", srv]).stdout(std::process::Stdio::piped()).spawn().unwrap();
    use std::io::BufRead;
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "up");
    let cli = format!("import socket as S\ns=S.create_connection(('{to}',5201),3); print(s.getsockopt(S.IPPROTO_TCP,S.TCP_MAXSEG))\nimport time; time.sleep(0.3); s.close()");
    let o = std::process::Command::new("ip").args(["netns", "exec", client, "python3", "-c", &cli]).output().unwrap();
    let client_mss: u32 = String::from_utf8_lossy(&o.stdout).trim().parse().unwrap_or_else(|_| panic!("client: {}", String::from_utf8_lossy(&o.stderr)));
    line.clear();
    out.read_line(&mut line).unwrap();
    let _ = child.wait();
    (line.trim().parse().unwrap(), client_mss)
}

#[test]
fn endpoints_and_gateways_carry_8500_bytes_and_veths_take_big_packets() {
    if !can_run() {
        return;
    }
    let (w, p, mut dp) = paths::realized();
    let server = dp.namespace_of(&p.server);
    let ns_of = |path: &str| dp.namespace_of(p.client(path).0);
    let endpoint_ip = p.client("privatelink").1;
    // Through the endpoint: both ends agree on an MSS that fits 8500 bytes
    // (8460 minus 12 bytes of timestamps); directly, jumbo frames (9001).
    let (srv, cli) = mss_both_ends(&server, &ns_of("privatelink"), endpoint_ip);
    assert!(srv <= 8460 && cli <= 8460 && cli > 8000, "through the endpoint: server {srv}, client {cli}");
    let (srv, cli) = mss_both_ends(&server, &ns_of("peering"), SERVER_IP);
    assert!(srv > 8900 && cli > 8900, "over peering: server {srv}, client {cli}");
    assert!(detail(&dp.namespace_of(&p.endpoint_eni), "pl0").contains("mtu 8500"));
    // Over the transit gateway: the gateway clamps the SYNs both ways.
    let (srv, cli) = mss_both_ends(&server, &ns_of("transit gateway"), SERVER_IP);
    assert!(srv <= 8460 && cli <= 8460 && cli > 8000, "over the transit gateway: server {srv}, client {cli}");
    let vpc_c = &w.state.network_interfaces[p.client("transit gateway").0].vpc_id;
    let att = xvpc_netns::names::ifname('t', &p.tgw_attachment_c);
    assert!(detail(&dp.namespace_of(vpc_c), &att).contains("mtu 8500"), "{}", detail(&dp.namespace_of(vpc_c), &att));

    // Big packets on each kind of veth: guest, router port, links.
    let big = "gso_max_size 185000";
    assert!(detail(&server, "eth0").contains(big), "{}", detail(&server, "eth0"));
    assert!(detail(&dp.namespace_of(&p.endpoint_eni), "pl0").contains(big));
    assert!(detail(&dp.namespace_of(vpc_c), &att).contains(big), "{}", detail(&dp.namespace_of(vpc_c), &att));
    let port = xvpc_netns::names::ifname('e', &p.server);
    let vpc_a = &w.state.network_interfaces[&p.server].vpc_id;
    assert!(detail(&dp.namespace_of(vpc_a), &port).contains(big));
    dp.teardown().unwrap();
}

#[test]
fn emulated_limits_hold_on_endpoints_and_attachments_only() {
    if !can_run() {
        return;
    }
    let (w, p, mut dp) = paths::realized();
    let server = dp.namespace_of(&p.server);
    let listen: SocketAddr = format!("{SERVER_IP}:{PORT}").parse().unwrap();
    let measure = |dp: &Dataplane, path: &str| -> f64 {
        let (eni, to) = p.client(path);
        let to: SocketAddr = format!("{to}:{PORT}").parse().unwrap();
        tcp_goodput(&server, listen, &dp.namespace_of(eni), to, Duration::from_secs(2)).unwrap_or_else(|e| panic!("{path}: {e}"))
    };
    let free_pl = measure(&dp, "privatelink");
    let free_tgw = measure(&dp, "transit gateway");
    assert!(qdiscs(&dp.namespace_of(&p.endpoint_eni)).lines().all(|l| !l.contains("tbf")), "nothing is shaped by default");

    let bw = Bandwidth::scaled(0.02);
    dp.set_bandwidth(Some(bw));
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    let (pl_limit, tgw_limit) = (bw.endpoint_bps() as f64, bw.tgw_attachment_bps() as f64);
    assert_eq!((pl_limit, tgw_limit), (200e6, 1e9));
    let pl = measure(&dp, "privatelink");
    let tgw = measure(&dp, "transit gateway");
    let peering = measure(&dp, "peering");
    println!(
        "unlimited: privatelink {:.0} Mbit/s, transit gateway {:.0} Mbit/s; limited: privatelink {:.0}, transit gateway {:.0}, peering {:.0} Mbit/s",
        free_pl / 1e6,
        free_tgw / 1e6,
        pl / 1e6,
        tgw / 1e6,
        peering / 1e6
    );
    // Only meaningful where the unlimited path is clearly faster than the limit.
    assert!(free_pl > 1.5 * pl_limit, "this host carries only {free_pl} bit/s through PrivateLink");
    assert!((pl / pl_limit - 1.0).abs() <= 0.15, "privatelink at {pl} bit/s, limit {pl_limit}");
    if free_tgw > 1.5 * tgw_limit {
        assert!((tgw / tgw_limit - 1.0).abs() <= 0.15, "transit gateway at {tgw} bit/s, limit {tgw_limit}");
    } else {
        println!("transit gateway limit not checked: the unlimited path carries only {free_tgw} bit/s here");
    }
    assert!(peering > 2.0 * pl_limit, "peering is not limited: {peering} bit/s");
    assert!(qdiscs(&dp.namespace_of(&p.endpoint_eni)).contains("tbf"));

    // Off again: the qdiscs go.
    dp.set_bandwidth(None);
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    assert!(qdiscs(&dp.namespace_of(&p.endpoint_eni)).lines().all(|l| !l.contains("tbf")));
    assert!(measure(&dp, "privatelink") > 1.5 * pl_limit, "the endpoint is unlimited again");
    dp.teardown().unwrap();
}
