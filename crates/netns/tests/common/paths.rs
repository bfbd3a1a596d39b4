//! One world with every kind of path to a single server ENI, for the
//! throughput benchmark and the bandwidth-emulation test: same subnet,
//! another subnet, over a peering connection, over a transit gateway and
//! through a PrivateLink interface endpoint.

use xvpc_model::IpProtocol;
use xvpc_model::endpoint_service::{create_service, CreateService};
use xvpc_model::listener::{create_listener, Action, ListenerInput};
use xvpc_model::load_balancer::{create_load_balancer, CreateLoadBalancer, SubnetMapping};
use xvpc_model::route_table::RouteTarget;
use xvpc_model::security_group::RulePeer;
use xvpc_model::target_group::{create_target_group, register_targets, CreateTargetGroup, TargetInput};
use xvpc_model::transit_gateway::{self as tgwm, CreateAttachment, CreateTransitGateway};
use xvpc_model::vpc_endpoint::{create_endpoint, CreateEndpoint};

use super::World;

/// The port every path's server listens on (iperf3's default).
pub const PORT: u16 = 5201;
/// The server's address.
pub const SERVER_IP: &str = "10.1.1.10";

/// Who sends to the server over which path.
pub struct Paths {
    /// The server ENI (VPC A, subnet 10.1.1.0/24, zone a).
    pub server: String,
    /// Client ENI and the address it sends to, per path name.
    pub clients: Vec<(&'static str, String, String)>,
    /// The interface endpoint's ENI (in VPC D).
    pub endpoint_eni: String,
    /// The transit gateway attachment of VPC C.
    pub tgw_attachment_c: String,
}

impl Paths {
    /// The client ENI of a path and the address it sends to.
    pub fn client(&self, path: &str) -> (&str, &str) {
        let (_, eni, to) = self.clients.iter().find(|(n, _, _)| *n == path).unwrap_or_else(|| panic!("no path {path}"));
        (eni, to)
    }
}

/// The world of [`build`], realized by a fresh data plane.
pub fn realized() -> (World, Paths, xvpc_netns::Dataplane) {
    let mut w = World::default();
    let p = build(&mut w);
    let mut dp = xvpc_netns::Dataplane::start().expect("data plane");
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    (w, p, dp)
}

fn open_sg(w: &mut World, vpc: &str) -> String {
    let g = w.sg(vpc, "open");
    w.allow_in(&g, IpProtocol::Tcp, Some((PORT as i32, PORT as i32)), RulePeer::Cidr("10.0.0.0/8".parse().unwrap()));
    g
}

/// VPC A (server, same-subnet and cross-subnet clients), B peered with A,
/// C attached with A to a transit gateway, D reaching A's server through
/// an interface endpoint of a service over an NLB in A.
pub fn build(w: &mut World) -> Paths {
    let (a, b, c, d) = (w.vpc("10.1.0.0/16"), w.vpc("10.2.0.0/16"), w.vpc("10.3.0.0/16"), w.vpc("10.4.0.0/16"));
    let (a1, a2) = (w.subnet_in(&a, "10.1.1.0/24", "us-east-1a"), w.subnet_in(&a, "10.1.2.0/24", "us-east-1a"));
    let (b1, c1, d1) = (w.subnet_in(&b, "10.2.1.0/24", "us-east-1a"), w.subnet_in(&c, "10.3.1.0/24", "us-east-1a"), w.subnet_in(&d, "10.4.1.0/24", "us-east-1a"));
    let (ga, gb, gc, gd) = (open_sg(w, &a), open_sg(w, &b), open_sg(w, &c), open_sg(w, &d));
    let server = w.eni(&a1, SERVER_IP, &[&ga]);
    let same = w.eni(&a1, "10.1.1.11", &[&ga]);
    let cross = w.eni(&a2, "10.1.2.11", &[&ga]);
    let peer = w.eni(&b1, "10.2.1.10", &[&gb]);
    let via_tgw = w.eni(&c1, "10.3.1.10", &[&gc]);
    let consumer = w.eni(&d1, "10.4.1.10", &[&gd]);

    let pcx = w.peering(&a, &b, true);
    let (ra, rb, rc) = (w.main_rt(&a), w.main_rt(&b), w.main_rt(&c));
    w.route(&ra, "10.2.0.0/16", RouteTarget::VpcPeeringConnection(pcx.clone()));
    w.route(&rb, "10.1.0.0/16", RouteTarget::VpcPeeringConnection(pcx));

    let (ch, tgw) = tgwm::create_transit_gateway(&w.state, &w.ctx, CreateTransitGateway::default()).unwrap();
    w.apply(ch);
    let mut tgw_attachment_c = String::new();
    for (v, s) in [(&a, &a1), (&c, &c1)] {
        let input = CreateAttachment { transit_gateway_id: tgw.clone(), vpc_id: v.clone(), subnet_ids: vec![s.clone()], ..Default::default() };
        let (ch, id) = tgwm::create_attachment(&w.state, &w.ctx, input).unwrap();
        w.apply(ch);
        if v == &c {
            tgw_attachment_c = id;
        }
    }
    w.route(&ra, "10.3.0.0/16", RouteTarget::TransitGateway(tgw.clone()));
    w.route(&rc, "10.1.0.0/16", RouteTarget::TransitGateway(tgw));

    // PrivateLink: NLB in a1 forwarding to the server by IP; the service is
    // the caller's own, so the endpoint is available at once.
    let lb_input = CreateLoadBalancer {
        name: "bench".into(),
        lb_type: Some("network".into()),
        scheme: Some("internal".into()),
        subnets: vec![SubnetMapping { subnet_id: a1.clone(), private_ip: None }],
        ..Default::default()
    };
    let (ch, lb) = create_load_balancer(&w.state, &w.ctx, lb_input).unwrap();
    w.apply(ch);
    let tg_input = CreateTargetGroup {
        name: "bench".into(),
        protocol: Some("TCP".into()),
        port: Some(PORT as i64),
        vpc_id: Some(a.clone()),
        target_type: Some("ip".into()),
        ..Default::default()
    };
    let (ch, tg) = create_target_group(&w.state, &w.ctx, tg_input).unwrap();
    w.apply(ch);
    w.apply(register_targets(&w.state, &w.ctx, &tg, &[TargetInput { id: SERVER_IP.into(), port: Some(PORT as i64), availability_zone: None }]).unwrap());
    let action = Action { action_type: "forward".into(), target_group_arn: Some(tg), forward: vec![], order: None };
    let l_input = ListenerInput { protocol: Some("TCP".into()), port: Some(PORT as i64), default_actions: Some(vec![action]), ..Default::default() };
    let (ch, _) = create_listener(&w.state, &w.ctx, &lb, l_input).unwrap();
    w.apply(ch);
    let (ch, svc) = create_service(&w.state, &w.ctx, CreateService { network_load_balancer_arns: vec![lb], ..Default::default() }).unwrap();
    w.apply(ch);
    let name = w.state.endpoint_services[&svc].name.clone();
    let ep_input = CreateEndpoint {
        vpc_id: d.clone(),
        endpoint_type: Some("Interface".into()),
        service_name: name,
        subnet_ids: vec![d1],
        security_group_ids: vec![gd],
        private_dns_enabled: Some(false),
        ..Default::default()
    };
    let (ch, ep) = create_endpoint(&w.state, &w.ctx, ep_input).unwrap();
    w.apply(ch);
    let endpoint_eni = w.state.vpc_endpoints[&ep].network_interface_ids[0].clone();
    let endpoint_ip = w.state.network_interfaces[&endpoint_eni].private_ip.to_string();

    let s = SERVER_IP.to_string();
    Paths {
        server,
        clients: vec![
            ("same subnet", same, s.clone()),
            ("cross subnet", cross, s.clone()),
            ("peering", peer, s.clone()),
            ("transit gateway", via_tgw, s),
            ("privatelink", consumer, endpoint_ip),
        ],
        endpoint_eni,
        tgw_attachment_c,
    }
}
