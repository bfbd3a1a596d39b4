//! Gateway endpoints and prefix-list routes in the desired data plane
//! (pure: no namespaces are built, so no root is needed): a route to a
//! prefix list is one route per entry, a CIDR route wins a tie with an
//! entry, and the endpoint is a link to a namespace where the service's
//! blocks are local.

mod common;

use common::World;
use xvpc_model::managed_prefix_list::{self, CreateList};
use xvpc_model::route_table::{Destination, Route, RouteOrigin, RouteTarget};
use xvpc_model::vpc_endpoint::{create_endpoint, CreateEndpoint};
use xvpc_netns::names;
use xvpc_netns::topology::{desired, Alloc};

const PREFIX: &str = "xv0000";

#[test]
fn a_gateway_endpoint_is_a_link_to_its_service_and_a_route_per_entry() {
    let mut w = World::default();
    let vpc = w.vpc("10.1.0.0/16");
    let sub = w.subnet(&vpc, "10.1.1.0/24");
    let rt = w.rt_for(&sub);
    let peer = w.vpc("10.2.0.0/16");
    let pcx = w.peering(&vpc, &peer, true);
    let input = CreateEndpoint {
        vpc_id: vpc.clone(),
        endpoint_type: Some("Gateway".into()),
        service_name: "com.amazonaws.us-east-1.s3".into(),
        route_table_ids: vec![rt.clone()],
        ..Default::default()
    };
    let (ch, ep) = create_endpoint(&w.state, &w.ctx, input).unwrap();
    w.apply(ch);
    let s3 = xvpc_model::prefix_list::of_service("us-east-1", "s3").unwrap();
    let (first, second) = (s3.cidrs[0].to_string(), s3.cidrs[1].to_string());
    // The first entry's block as a CIDR route over the peering: it wins the tie.
    w.route(&rt, &first, RouteTarget::VpcPeeringConnection(pcx.clone()));
    // A customer's list routed over the peering.
    let list = CreateList { name: "peer".into(), address_family: "IPv4".into(), max_entries: 5, entries: vec![("10.2.7.0/24".into(), None)], tags: Default::default() };
    let (ch, pl) = managed_prefix_list::create(&w.state, &w.ctx, list).unwrap();
    w.apply(ch);
    let r = Route { destination: Destination::PrefixList(pl), target: RouteTarget::VpcPeeringConnection(pcx.clone()), origin: RouteOrigin::CreateRoute };
    w.state.route_tables.get_mut(&rt).unwrap().routes.push(r);

    let mut alloc = Alloc::default();
    let d = desired(&w.state, PREFIX, &mut alloc);
    let (dev, pdev) = (names::ifname('v', &ep), names::ifname('p', &pcx));
    let link = &d.links[&ep];
    assert_eq!((link.a_ns.as_str(), link.b_ns.as_str(), link.ifname.as_str()), (names::ns(PREFIX, &vpc).as_str(), names::ns(PREFIX, &ep).as_str(), dev.as_str()));
    let lines: Vec<&str> = d.routers[&vpc].ip.values().map(|l| l.add.as_str()).collect();
    let has = |s: &str| lines.iter().any(|l| l.starts_with(s) && l.contains(" table 10"));
    assert!(has(&format!("route replace {second} via 169.254.0.2 dev {dev} onlink")), "{lines:#?}");
    assert!(has(&format!("route replace {first} via 169.254.0.2 dev {pdev} onlink")), "{lines:#?}");
    assert!(has(&format!("route replace 10.2.7.0/24 via 169.254.0.2 dev {pdev} onlink")), "{lines:#?}");
    // The service's namespace: its blocks are local, replies go back over the link.
    let service: Vec<&str> = d.routers[&ep].ip.values().map(|l| l.add.as_str()).collect();
    for c in [&first, &second] {
        assert!(service.contains(&format!("route replace local {c} dev lo table local").as_str()), "{service:#?}");
    }
    assert!(service.contains(&format!("route replace default via 169.254.0.2 dev {dev} onlink").as_str()), "{service:#?}");
    assert_eq!(d.service_hosts[&names::ns(PREFIX, &ep)].endpoint_id, ep);

    // Taken off the table: no route to the service remains, and the
    // endpoint (still there) keeps its namespace.
    let t = w.state.route_tables.get_mut(&rt).unwrap();
    t.routes.retain(|r| r.target != RouteTarget::Gateway(ep.clone()));
    let d = desired(&w.state, PREFIX, &mut alloc);
    assert!(!d.routers[&vpc].ip.values().any(|l| l.add.contains(&format!("dev {dev} onlink table"))));
    assert!(d.routers.contains_key(&ep));
}
