//! `--emulate-bandwidth` over real packets: with a scale that makes an
//! interface endpoint 200 Mbit/s and a transit gateway attachment 1 Gbit/s,
//! TCP through the endpoint and over the gateway runs at those rates (±15 %),
//! a peering connection stays unlimited, and turning emulation off removes
//! the limits. Root only (skipped otherwise).
#![cfg(target_os = "linux")]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::paths::{self, PORT, SERVER_IP};
use common::{can_run, World};
use xvpc_netns::bandwidth::Bandwidth;
use xvpc_netns::throughput::tcp_goodput;
use xvpc_netns::Dataplane;

fn qdiscs(ns: &str) -> String {
    let o = std::process::Command::new("tc").args(["-n", ns, "qdisc", "show"]).output().expect("tc");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn emulated_limits_hold_on_endpoints_and_attachments_only() {
    if !can_run() {
        return;
    }
    let mut w = World::default();
    let p = paths::build(&mut w);
    let mut dp = Dataplane::start().expect("data plane");
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    let server = dp.namespace_of(&p.server);
    let listen: SocketAddr = format!("{SERVER_IP}:{PORT}").parse().unwrap();
    let measure = |dp: &Dataplane, path: &str| -> f64 {
        let (_, eni, to) = p.clients.iter().find(|(n, _, _)| *n == path).unwrap();
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
