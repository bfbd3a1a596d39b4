//! Golden tests: a fixed State drawn in every format must give exactly the
//! files in `testdata/`. After an intended change of the picture, rewrite
//! them with `UPDATE_GOLDEN=1 cargo test -p xvpc diagram` and review the diff.

use std::net::Ipv4Addr;

use xvpc_model::instance::{Instance, InstanceState};
use xvpc_model::subnet::Subnet;
use xvpc_model::vpc::{CidrBlock, Vpc};
use xvpc_model::State;

use super::{render, Format, GroupBy, Layout, Topology};

const A: &str = "111111111111";
const B: &str = "222222222222";
pub(super) const NOW: i64 = 1_790_000_000_000;

fn tags(name: &str) -> xvpc_model::tags::Tags {
    [("Name".to_string(), name.to_string())].into_iter().collect()
}

pub(super) fn vpc(state: &mut State, id: &str, owner: &str, region: &str, name: &str, cidr: &str) {
    state.vpcs.insert(
        id.into(),
        Vpc {
            id: id.into(),
            owner: owner.into(),
            region: region.into(),
            cidr_blocks: vec![CidrBlock { association_id: format!("{id}-assoc"), cidr: cidr.parse().unwrap() }],
            instance_tenancy: "default".into(),
            dhcp_options_id: "default".into(),
            is_default: false,
            enable_dns_support: true,
            enable_dns_hostnames: false,
            enable_network_address_usage_metrics: false,
            tags: tags(name),
            created_at: NOW,
            ipv6_cidr_blocks: Vec::new(),
        },
    );
}

pub(super) fn subnet(state: &mut State, id: &str, vpc: &str, cidr: &str, az: &str, az_id: &str) {
    let v = state.vpcs[vpc].clone();
    state.subnets.insert(
        id.into(),
        Subnet {
            id: id.into(),
            owner: v.owner,
            region: v.region,
            vpc_id: vpc.into(),
            cidr: Some(cidr.parse().unwrap()),
            availability_zone: az.into(),
            availability_zone_id: az_id.into(),
            map_public_ip_on_launch: false,
            default_for_az: false,
            tags: Default::default(),
            created_at: NOW,
            ipv6_cidr_blocks: Vec::new(),
            assign_ipv6_address_on_creation: false,
            dns: Default::default(),
        },
    );
}

pub(super) fn instance(state: &mut State, id: &str, subnet: &str, ip: &str, name: &str, st: InstanceState) {
    let s = state.subnets[subnet].clone();
    state.instances.insert(
        id.into(),
        Instance {
            id: id.into(),
            owner: s.owner,
            region: s.region,
            reservation_id: format!("r-{}", &id[2..]),
            image_id: "ami-00000000000000001".into(),
            instance_type: "t3.micro".into(),
            vpc_id: s.vpc_id,
            subnet_id: subnet.into(),
            availability_zone: s.availability_zone,
            private_ip: ip.parse::<Ipv4Addr>().unwrap(),
            primary_eni: format!("eni-{}", &id[2..]),
            state: st,
            launch_time: NOW,
            terminated_at: None,
            user_data: None,
            key_name: None,
            client_token: None,
            tags: tags(name),
            ..Default::default()
        },
    );
}

/// Two accounts, three VPCs (one in a second region), subnets in two zones,
/// instances (a terminated one is not drawn).
pub fn fixture() -> State {
    let mut s = State::default();
    vpc(&mut s, "vpc-0a000000000000001", A, "us-east-1", "app-a", "10.0.0.0/16");
    subnet(&mut s, "subnet-0a000000000000001", "vpc-0a000000000000001", "10.0.1.0/24", "us-east-1a", "use1-az2");
    subnet(&mut s, "subnet-0a000000000000002", "vpc-0a000000000000001", "10.0.2.0/24", "us-east-1b", "use1-az4");
    instance(&mut s, "i-0a000000000000001", "subnet-0a000000000000001", "10.0.1.10", "web-a", InstanceState::Running);
    instance(&mut s, "i-0a000000000000002", "subnet-0a000000000000002", "10.0.2.10", "old", InstanceState::Terminated);
    vpc(&mut s, "vpc-0b000000000000001", B, "us-east-1", "client-b", "10.1.0.0/16");
    subnet(&mut s, "subnet-0b000000000000001", "vpc-0b000000000000001", "10.1.1.0/24", "us-east-1a", "use1-az1");
    instance(&mut s, "i-0b000000000000001", "subnet-0b000000000000001", "10.1.1.10", "client-b", InstanceState::Running);
    vpc(&mut s, "vpc-0b000000000000002", B, "us-west-2", "west <b>", "10.2.0.0/16");
    privatelink(&mut s);
    peering(&mut s);
    transit_gateway(&mut s);
    s
}

/// A's transit gateway: A's VPC attached and associated with the "main"
/// table (which also holds a blackhole route); B's attachment waits for A.
fn transit_gateway(s: &mut State) {
    use serde_json::json;
    let day = 86_400_000;
    let tgw = json!({"id": "tgw-0a000000000000001", "owner": A, "region": "us-east-1", "description": "", "created_at": NOW - day,
        "deleted_at": null, "tags": tags("hub"),
        "options": {"amazon_side_asn": 64512, "auto_accept_shared_attachments": false, "default_route_table_association": true,
            "default_route_table_propagation": true, "association_default_route_table_id": "tgw-rtb-0a000000000000001",
            "propagation_default_route_table_id": "tgw-rtb-0a000000000000001", "dns_support": true, "vpn_ecmp_support": true,
            "multicast_support": false, "security_group_referencing_support": false, "cidr_blocks": []}});
    let rtb = json!({"id": "tgw-rtb-0a000000000000001", "owner": A, "region": "us-east-1", "transit_gateway_id": "tgw-0a000000000000001",
        "propagations": ["tgw-attach-0a000000000000001"], "routes": [{"cidr": "10.99.0.0/16", "target": null}],
        "created_at": NOW - day, "deleted_at": null, "tags": tags("main")});
    let options = json!({"dns_support": true, "ipv6_support": false, "appliance_mode_support": false, "security_group_referencing_support": false});
    for (id, owner, vpc, subnet, st, assoc) in [
        ("tgw-attach-0a000000000000001", A, "vpc-0a000000000000001", "subnet-0a000000000000001", "Available", json!("tgw-rtb-0a000000000000001")),
        ("tgw-attach-0b000000000000001", B, "vpc-0b000000000000001", "subnet-0b000000000000001", "PendingAcceptance", json!(null)),
    ] {
        let att = json!({"id": id, "owner": owner, "region": "us-east-1", "transit_gateway_id": "tgw-0a000000000000001", "tgw_owner": A,
            "vpc_id": vpc, "subnet_ids": [subnet], "state": st, "options": options, "association": assoc, "eni_ids": [],
            "tags": {}, "created_at": NOW - day, "updated_at": NOW - day});
        s.transit_gateway_attachments.insert(id.into(), serde_json::from_value(att).unwrap());
    }
    s.transit_gateways.insert("tgw-0a000000000000001".into(), serde_json::from_value(tgw).unwrap());
    s.transit_gateway_route_tables.insert("tgw-rtb-0a000000000000001".into(), serde_json::from_value(rtb).unwrap());
}

/// A ↔ B active (named by A), B-west → A pending acceptance, and a deleted
/// A → B-west connection A's main table still routes to (a blackhole).
fn peering(s: &mut State) {
    use serde_json::json;
    let side = |vpc: &str, owner: &str, region: &str, cidr: &str| json!({"owner": owner, "region": region, "vpc_id": vpc,
        "cidr_blocks": [cidr], "options": {"allow_dns_resolution_from_remote_vpc": false}});
    let a = side("vpc-0a000000000000001", A, "us-east-1", "10.0.0.0/16");
    let b = side("vpc-0b000000000000001", B, "us-east-1", "10.1.0.0/16");
    let west = side("vpc-0b000000000000002", B, "us-west-2", "10.2.0.0/16");
    let tag_view = json!({format!("{A}/us-east-1"): {"Name": "a-to-b"}});
    for (id, owner, region, req, acc, status, tags) in [
        ("pcx-0a000000000000001", A, "us-east-1", &a, &b, json!("Active"), tag_view),
        ("pcx-0b000000000000002", B, "us-west-2", &west, &a, json!("PendingAcceptance"), json!({})),
        ("pcx-0a000000000000003", A, "us-east-1", &a, &west, json!("Deleted"), json!({})),
    ] {
        let pcx = json!({"id": id, "owner": owner, "region": region, "requester": req, "accepter": acc, "status": status,
            "created_at": NOW - 3_600_000, "changed_at": NOW - 3_600_000, "changed_by": null, "tags": tags});
        s.peering_connections.insert(id.into(), serde_json::from_value(pcx).unwrap());
    }
    let mut main = xvpc_model::route_table::RouteTable::main_for(&s.vpcs["vpc-0a000000000000001"]);
    main.id = "rtb-0a000000000000001".into();
    main.routes.push(serde_json::from_value(json!({"destination": {"Cidr": "10.2.0.0/16"},
        "target": {"VpcPeeringConnection": "pcx-0a000000000000003"}, "origin": "CreateRoute"})).unwrap());
    s.route_tables.insert(main.id.clone(), main);
}

const NLB: &str = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/web/0a00000000000001";
const TG: &str = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/web/0a00000000000002";

/// A serves web-a through an NLB and an endpoint service; B's endpoint
/// waits for acceptance. (Built from JSON: these types have many fields
/// that do not matter to the picture.)
fn privatelink(s: &mut State) {
    use serde_json::json;
    let day = 86_400_000;
    let lb = json!({"id": NLB, "owner": A, "region": "us-east-1", "name": "web", "lb_id": "0a00000000000001",
        "lb_type": "network", "scheme": "internal", "vpc_id": "vpc-0a000000000000001",
        "zones": [{"subnet_id": "subnet-0a000000000000001", "zone_name": "us-east-1a", "zone_id": "use1-az2",
                   "eni_id": "eni-0a0000000000000f1", "private_ip": "10.0.1.200"}],
        "security_groups": [], "ip_address_type": "ipv4", "attributes": {}, "tags": {}, "created_at": NOW - day});
    let tg = json!({"id": TG, "owner": A, "region": "us-east-1", "name": "web", "protocol": "TCP", "port": 80,
        "vpc_id": "vpc-0a000000000000001", "target_type": "instance",
        "health_check": {"enabled": true, "protocol": "TCP", "port": "traffic-port", "path": null, "interval_seconds": 30,
                         "timeout_seconds": 10, "healthy_threshold": 5, "unhealthy_threshold": 2, "matcher": null},
        "attributes": {}, "tags": {}, "created_at": NOW - day,
        "targets": [{"id": "i-0a000000000000001", "port": 80, "availability_zone": null, "registered_at": NOW - day}]});
    let listener = json!({"id": format!("{NLB}/listener"), "owner": A, "region": "us-east-1", "load_balancer_arn": NLB,
        "protocol": "TCP", "port": 80, "certificates": [], "ssl_policy": null, "alpn_policy": null, "attributes": {}, "tags": {},
        "default_actions": [{"action_type": "forward", "target_group_arn": TG, "forward": [], "order": null}]});
    let svc = json!({"id": "vpce-svc-0a000000000000001", "owner": A, "region": "us-east-1",
        "name": "com.amazonaws.vpce.us-east-1.vpce-svc-0a000000000000001", "network_load_balancer_arns": [NLB],
        "acceptance_required": true, "allowed_principals": [], "private_dns_name": null, "tags": tags("web-service"), "created_at": NOW - day});
    let ep = json!({"id": "vpce-0b000000000000001", "owner": B, "region": "us-east-1", "vpc_id": "vpc-0b000000000000001",
        "endpoint_type": "Interface", "service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-0a000000000000001",
        "service_id": "vpce-svc-0a000000000000001", "state": "PendingAcceptance", "subnet_ids": ["subnet-0b000000000000001"],
        "network_interface_ids": [], "security_group_ids": [], "dns_suffix": "abcdefgh", "private_dns_enabled": false,
        "policy_document": null, "tags": {}, "created_at": NOW - day});
    s.load_balancers.insert(NLB.into(), serde_json::from_value(lb).unwrap());
    s.target_groups.insert(TG.into(), serde_json::from_value(tg).unwrap());
    s.listeners.insert(format!("{NLB}/listener"), serde_json::from_value(listener).unwrap());
    s.endpoint_services.insert("vpce-svc-0a000000000000001".into(), serde_json::from_value(svc).unwrap());
    s.vpc_endpoints.insert("vpce-0b000000000000001".into(), serde_json::from_value(ep).unwrap());
}

pub(super) fn golden(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/diagram/testdata").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    assert!(expected == actual, "{name} differs from the golden file; rerun with UPDATE_GOLDEN=1 and review the diff\n{actual}");
}

#[test]
fn svg_matches_golden() {
    golden("fixture.svg", &render(&fixture(), NOW, Format::Svg, GroupBy::None));
}

#[test]
fn dot_matches_golden() {
    golden("fixture.dot", &render(&fixture(), NOW, Format::Dot, GroupBy::None));
}

#[test]
fn mermaid_matches_golden() {
    golden("fixture.mmd", &render(&fixture(), NOW, Format::Mermaid, GroupBy::None));
}

#[test]
fn topology_groups_by_account_region_zone() {
    let t = Topology::from_state(&fixture(), NOW);
    let accts: Vec<_> = t.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(accts, [A, B]);
    let b_regions: Vec<_> = t.accounts[1].regions.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(b_regions, ["us-east-1", "us-west-2"]);
    let a_vpc = &t.accounts[0].regions[0].vpcs[0];
    assert_eq!(a_vpc.cidrs, ["10.0.0.0/16"]);
    let zones: Vec<_> = a_vpc.zones.iter().map(|z| z.name.as_str()).collect();
    assert_eq!(zones, ["us-east-1a", "us-east-1b"]);
    // The terminated instance is gone from the picture; the running one is there.
    assert_eq!(a_vpc.zones[0].subnets[0].items.len(), 1);
    assert!(a_vpc.zones[1].subnets[0].items.is_empty());
}

#[test]
fn privatelink_is_endpoint_to_service_to_nlb_to_targets() {
    let t = Topology::from_state(&fixture(), NOW);
    let edges: Vec<_> = t.edges.iter().filter(|e| e.kind >= super::EdgeKind::PrivateLink).map(|e| (e.kind, e.from.as_str(), e.to.as_str(), e.state.as_str())).collect();
    assert_eq!(
        edges,
        [
            (super::EdgeKind::PrivateLink, "vpce-0b000000000000001", "vpce-svc-0a000000000000001", "pendingAcceptance"),
            (super::EdgeKind::ServiceLoadBalancer, "vpce-svc-0a000000000000001", NLB, "active"),
            // The target has no network interface in this fixture: health checks fail.
            (super::EdgeKind::Target, NLB, "i-0a000000000000001", "unhealthy"),
        ]
    );
    let classes: Vec<_> = t.edges.iter().filter(|e| e.kind >= super::EdgeKind::PrivateLink).map(|e| super::state_class(&e.state)).collect();
    assert_eq!(classes, ["pending", "ok", "failed"]);
}

#[test]
fn peering_edges_by_status_with_blackhole_for_routed_deleted() {
    let t = Topology::from_state(&fixture(), NOW);
    let pcx: Vec<_> = t.edges.iter().filter(|e| e.kind == super::EdgeKind::Peering).map(|e| (e.id.as_str(), e.state.as_str(), super::state_class(&e.state))).collect();
    assert_eq!(
        pcx,
        [
            ("pcx-0a000000000000001", "active", "ok"),
            ("pcx-0a000000000000003", "blackhole", "blackhole"),
            ("pcx-0b000000000000002", "pending-acceptance", "pending"),
        ]
    );
    assert_eq!(t.edges.iter().find(|e| e.id == "pcx-0a000000000000001").unwrap().label, "a-to-b pcx-0a000000000000001");
    // Eight days later the pending request has expired (a failure colour).
    let later = Topology::from_state(&fixture(), NOW + 8 * 86_400_000);
    let e = later.edges.iter().find(|e| e.id == "pcx-0b000000000000002").unwrap();
    assert_eq!((e.state.as_str(), super::state_class(&e.state)), ("expired", "failed"));
}

#[test]
fn transit_gateway_lists_tables_and_attachments_are_edges() {
    let t = Topology::from_state(&fixture(), NOW);
    let region = &t.accounts[0].regions[0];
    let tgw = region.nodes.iter().find(|n| n.id == "tgw-0a000000000000001").expect("the TGW is drawn in A's region");
    assert_eq!(tgw.label, "hub");
    // The propagated 10.0.0.0/16 and the static blackhole.
    assert_eq!(tgw.details, ["TGW · ASN 64512", "main: 2 routes, 1 blackhole"]);
    let att: Vec<_> = t
        .edges
        .iter()
        .filter(|e| e.kind == super::EdgeKind::TgwAttachment)
        .map(|e| (e.from.as_str(), e.to.as_str(), e.state.as_str(), e.label.as_str()))
        .collect();
    assert_eq!(
        att,
        [
            ("vpc-0a000000000000001", "tgw-0a000000000000001", "available", "tgw-attach-0a000000000000001 → main"),
            ("vpc-0b000000000000001", "tgw-0a000000000000001", "pendingAcceptance", "tgw-attach-0b000000000000001 → no route table"),
        ]
    );
}

#[test]
fn layout_nests_boxes() {
    let t = Topology::from_state(&fixture(), NOW);
    let l = Layout::of(&t);
    let inside = |inner: &str, outer: &str| {
        let (i, o) = (l.get(inner).unwrap(), l.get(outer).unwrap());
        assert!(i.x >= o.x && i.y >= o.y && i.x + i.w <= o.x + o.w && i.y + i.h <= o.y + o.h, "{inner} {i:?} not inside {outer} {o:?}");
    };
    inside("i-0a000000000000001", "subnet-0a000000000000001");
    inside("subnet-0a000000000000001", "vpc-0a000000000000001");
    inside("vpc-0a000000000000001", &format!("region:{A}:us-east-1"));
    inside(&format!("region:{B}:us-west-2"), &format!("account:{B}"));
    inside(NLB, "vpc-0a000000000000001");
    inside("vpce-0b000000000000001", "vpc-0b000000000000001");
    inside("vpce-svc-0a000000000000001", &format!("region:{A}:us-east-1"));
    // Markup in names is escaped.
    assert!(render(&fixture(), NOW, Format::Svg, GroupBy::None).contains("west &lt;b&gt;"));
}

#[test]
fn live_peering_connections_are_edges() {
    use xvpc_model::peering;
    let mut s = fixture();
    s.peering_connections.clear(); // the fixture's own A ↔ B connection would refuse a second one
    let a = xvpc_model::Ctx::new(A, "us-east-1", NOW);
    let input = peering::CreatePeering {
        vpc_id: "vpc-0a000000000000001".into(),
        peer_vpc_id: "vpc-0b000000000000001".into(),
        peer_owner_id: Some(B.into()),
        ..Default::default()
    };
    let (ch, pcx) = peering::create(&s, &a, input).unwrap();
    ch.events.into_iter().for_each(|e| s.apply(e));
    let t = super::Topology::from_state(&s, NOW);
    let e = t.edges.iter().find(|e| e.id == pcx).expect("a peering edge");
    assert_eq!((e.from.as_str(), e.to.as_str(), e.state.as_str()), ("vpc-0a000000000000001", "vpc-0b000000000000001", "pending-acceptance"));
    // An expired request stays on the map, in the failure colour.
    let later = super::Topology::from_state(&s, NOW + peering::EXPIRY_MS);
    let e = later.edges.iter().find(|e| e.id == pcx).expect("the expired request");
    assert_eq!((e.state.as_str(), super::state_class(&e.state)), ("expired", "failed"));
}

#[test]
fn internet_gateway_is_a_vpc_node_and_instances_show_public_ips() {
    let mut s = fixture();
    let igw = xvpc_model::internet_gateway::InternetGateway {
        id: "igw-0a000000000000001".into(),
        owner: A.into(),
        region: "us-east-1".into(),
        attached_vpc: Some("vpc-0a000000000000001".into()),
        tags: tags("edge"),
    };
    s.internet_gateways.insert(igw.id.clone(), igw.clone());
    // A detached gateway is not drawn.
    s.internet_gateways.insert("igw-0a000000000000002".into(), xvpc_model::internet_gateway::InternetGateway { id: "igw-0a000000000000002".into(), attached_vpc: None, ..igw });
    let mut eni = xvpc_model::network_interface::requester_managed(&s.subnets["subnet-0a000000000000001"].clone(), "10.0.1.10".parse().unwrap(), vec![], String::new(), "interface", A);
    eni.id = "eni-0a000000000000001".into();
    eni.public_ip = Some("198.18.0.10".parse().unwrap());
    s.network_interfaces.insert(eni.id.clone(), eni);
    let t = Topology::from_state(&s, NOW);
    let (_, _, vpc) = t.vpcs().find(|(_, _, v)| v.id == "vpc-0a000000000000001").unwrap();
    let gws: Vec<_> = vpc.nodes.iter().filter(|n| n.kind == super::topology::NodeKind::InternetGateway).map(|n| (n.id.as_str(), n.label.as_str())).collect();
    assert_eq!(gws, [("igw-0a000000000000001", "edge")]);
    let web = vpc.zones.iter().flat_map(|z| &z.subnets).flat_map(|s| &s.items).find(|n| n.id == "i-0a000000000000001").unwrap();
    assert_eq!(web.details, ["10.0.1.10", "198.18.0.10"]);
    for f in [Format::Svg, Format::Dot, Format::Mermaid] {
        assert!(render(&s, NOW, f, GroupBy::None).contains("edge"), "{f:?} draws the gateway");
    }
}
