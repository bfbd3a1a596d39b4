//! NAT gateways with real packets: a private instance reaches the simulated
//! internet through a public NAT gateway and the internet host sees the
//! gateway's Elastic IP; nothing comes in; a private NAT gateway reaches a
//! peered VPC as its own private address. The engine's verdict on every
//! probe must agree. Runs only as root (CI is root); skips otherwise.
#![cfg(target_os = "linux")]

mod common;

use std::process::{Child, Command, Stdio};

use common::{both, can_run, Probe, World};
use xvpc_model::internet_gateway::InternetGateway;
use xvpc_model::route_table::RouteTarget;
use xvpc_model::security_group::RulePeer;
use xvpc_model::IpProtocol;
use xvpc_netns::internet_gateway::{namespace, INTERNET_HOST};
use xvpc_netns::Dataplane;

const EIP: &str = "198.18.0.50";

/// An HTTP server in namespace `ns` on `ip:port` answering every GET with
/// the client's address.
fn echo_server(ns: &str, ip: &str, port: u16) -> Child {
    let py = format!(
        "import http.server as h\nclass E(h.BaseHTTPRequestHandler):\n  def do_GET(self):\n    b=self.client_address[0].encode(); self.send_response(200); self.send_header('Content-Length', str(len(b))); self.end_headers(); self.wfile.write(b)\n  def log_message(self, *a): pass\nh.HTTPServer(('{ip}', {port}), E).serve_forever()\n"
    );
    let child = Command::new("ip").args(["netns", "exec", ns, "python3", "-c", &py]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("server");
    std::thread::sleep(std::time::Duration::from_millis(700));
    child
}

/// What `curl` in namespace `ns` gets from `url` (empty when it fails).
fn curl(ns: &str, url: &str) -> String {
    let out = Command::new("ip").args(["netns", "exec", ns, "curl", "-s", "--max-time", "3", url]).output().expect("curl");
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn a_private_instance_reaches_the_internet_through_a_nat_gateway() {
    if !can_run() {
        return;
    }
    let mut w = World::default();
    let vpc = w.vpc("10.1.0.0/16");
    let public = w.subnet(&vpc, "10.1.1.0/24");
    let private = w.subnet(&vpc, "10.1.2.0/24");
    let igw = xvpc_model::ids::new_id("igw");
    w.state.internet_gateways.insert(igw.clone(), InternetGateway { id: igw.clone(), owner: common::ACCOUNT.into(), region: "us-east-1".into(), attached_vpc: Some(vpc.clone()), tags: Default::default() });
    let public_rt = w.rt_for(&public);
    w.route(&public_rt, "0.0.0.0/0", RouteTarget::Gateway(igw.clone()));
    let nat = w.nat_gateway(&public, "10.1.1.5", Some(EIP));
    let private_rt = w.rt_for(&private);
    w.route(&private_rt, "0.0.0.0/0", RouteTarget::NatGateway(nat.clone()));
    let app_sg = w.sg(&vpc, "app");
    let app = w.eni(&private, "10.1.2.10", &[&app_sg]);
    let host = INTERNET_HOST.to_string();
    let mut dp = Dataplane::start().expect("data plane");

    // Out through the NAT gateway; the host sees the Elastic IP.
    assert_eq!(both(&mut dp, &w, Some(&app), &host, 80), Probe::Reached, "private subnet -> NAT -> internet");
    let inet = namespace(dp.prefix());
    let mut server = echo_server(&inet, &host, 8080);
    let seen = curl(&dp.namespace_of(&app), &format!("http://{host}:8080/"));
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(seen, EIP, "the internet host sees the NAT gateway's Elastic IP");
    // Nothing comes in: not to the gateway's address, not to the instance.
    assert_eq!(both(&mut dp, &w, None, EIP, 80), Probe::Timeout, "unsolicited to the Elastic IP");
    assert_eq!(both(&mut dp, &w, Some(&app), "10.1.1.5", 80), Probe::Timeout, "the gateway's own address");
    // The gateway's subnet's ACL applies: deny the private subnet in.
    w.nacl(&public, &[(50, false, IpProtocol::All, false, "10.1.2.0/24", None), (100, false, IpProtocol::All, true, "0.0.0.0/0", None), (100, true, IpProtocol::All, true, "0.0.0.0/0", None)]);
    assert_eq!(both(&mut dp, &w, Some(&app), &host, 80), Probe::Timeout, "NAT subnet ACL");
    w.nacl(&public, &[(100, false, IpProtocol::All, true, "0.0.0.0/0", None), (100, true, IpProtocol::All, true, "0.0.0.0/0", None)]);
    assert_eq!(both(&mut dp, &w, Some(&app), &host, 80), Probe::Reached, "ACL open again");
    // Without the internet gateway route in the gateway's subnet, traffic
    // does not leave.
    w.state.route_tables.get_mut(&public_rt).unwrap().routes.retain(|r| r.target != RouteTarget::Gateway(igw.clone()));
    assert_eq!(both(&mut dp, &w, Some(&app), &host, 80), Probe::Timeout, "no internet route in the NAT subnet");
    w.route(&public_rt, "0.0.0.0/0", RouteTarget::Gateway(igw.clone()));
    // Deleted: the route is a blackhole.
    w.state.nat_gateways.get_mut(&nat).unwrap().deleted_at = Some(-1);
    assert_eq!(both(&mut dp, &w, Some(&app), &host, 80), Probe::Timeout, "deleted gateway");
    dp.teardown().unwrap();
}

#[test]
fn a_private_nat_gateway_reaches_a_peered_vpc_as_its_own_address() {
    if !can_run() {
        return;
    }
    let mut w = World::default();
    let va = w.vpc("10.1.0.0/16");
    let nat_subnet = w.subnet(&va, "10.1.1.0/24");
    let app_subnet = w.subnet(&va, "10.1.2.0/24");
    let vb = w.vpc("10.2.0.0/16");
    let sb = w.subnet(&vb, "10.2.1.0/24");
    let pcx = w.peering(&va, &vb, true);
    let nat = w.nat_gateway(&nat_subnet, "10.1.1.5", None);
    let app_rt = w.rt_for(&app_subnet);
    w.route(&app_rt, "10.2.0.0/16", RouteTarget::NatGateway(nat.clone()));
    let nat_rt = w.rt_for(&nat_subnet);
    w.route(&nat_rt, "10.2.0.0/16", RouteTarget::VpcPeeringConnection(pcx.clone()));
    let b_rt = w.main_rt(&vb);
    w.route(&b_rt, "10.1.0.0/16", RouteTarget::VpcPeeringConnection(pcx.clone()));
    let app_sg = w.sg(&va, "app");
    let app = w.eni(&app_subnet, "10.1.2.10", &[&app_sg]);
    let db_sg = w.sg(&vb, "db");
    w.allow_in(&db_sg, IpProtocol::Tcp, Some((80, 80)), RulePeer::Cidr("10.1.2.10/32".parse().unwrap()));
    let db = w.eni(&sb, "10.2.1.10", &[&db_sg]);
    let mut dp = Dataplane::start().expect("data plane");
    // The destination sees the gateway's address, not the client's.
    assert_eq!(both(&mut dp, &w, Some(&app), "10.2.1.10", 80), Probe::Timeout, "the group admits only the client's own address");
    w.allow_in(&db_sg, IpProtocol::Tcp, Some((80, 80)), RulePeer::Cidr("10.1.1.5/32".parse().unwrap()));
    assert_eq!(both(&mut dp, &w, Some(&app), "10.2.1.10", 80), Probe::Reached, "the group admits the gateway");
    let mut server = echo_server(&dp.namespace_of(&db), "10.2.1.10", 80);
    let seen = curl(&dp.namespace_of(&app), "http://10.2.1.10/");
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(seen, "10.1.1.5", "the peer sees the NAT gateway's private address");
    dp.teardown().unwrap();
}
