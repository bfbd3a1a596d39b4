//! Test support: small model worlds built by hand, and TCP probes run
//! inside namespaces.
#![allow(dead_code)]

pub mod endpoints;
pub mod flow_logs;
pub mod paths;

use xvpc_model::IpProtocol;
use std::net::{IpAddr, Ipv6Addr};

use xvpc_model::instance::{Instance, InstanceState};
use xvpc_model::network_acl::NaclEntry;
use xvpc_model::network_interface::{mac_for, EniAttachment, NetworkInterface};
use xvpc_model::route_table::{Destination, Route, RouteOrigin, RouteTarget};
use xvpc_model::security_group::{RulePeer, SecurityGroup, SgRule};
use xvpc_model::subnet::{create_subnet, CreateSubnet};
use xvpc_model::vpc::{create_vpc, CreateVpc};
use xvpc_model::{Ctx, State};

pub const ACCOUNT: &str = "111111111111";

/// True when the tests can build namespaces; prints why not otherwise.
pub fn can_run() -> bool {
    let missing = xvpc_netns::system::missing_capabilities();
    if !missing.is_empty() {
        eprintln!("SKIPPED: netns data plane tests need root (CI is root): {}", missing.join("; "));
        return false;
    }
    true
}

/// A model state built by hand through the model's own commands where they
/// exist, and by writing resources where they do not (yet).
pub struct World {
    pub state: State,
    pub ctx: Ctx,
}

impl Default for World {
    fn default() -> Self {
        World { state: State::default(), ctx: Ctx::new(ACCOUNT, "us-east-1", 0) }
    }
}

impl World {
    pub fn vpc(&mut self, cidr: &str) -> String {
        let (ch, id) = create_vpc(&self.state, &self.ctx, CreateVpc { cidr: cidr.into(), ..Default::default() }).expect("vpc");
        ch.events.into_iter().for_each(|e| self.state.apply(e));
        id
    }

    pub fn subnet(&mut self, vpc: &str, cidr: &str) -> String {
        let input = CreateSubnet { vpc_id: vpc.into(), cidr: cidr.into(), availability_zone: Some("us-east-1a".into()), ..Default::default() };
        let (ch, id) = create_subnet(&self.state, &self.ctx, input).expect("subnet");
        ch.events.into_iter().for_each(|e| self.state.apply(e));
        id
    }

    pub fn default_sg(&self, vpc: &str) -> String {
        self.state.security_groups.values().find(|g| g.vpc_id == vpc && g.is_default()).unwrap().id.clone()
    }

    /// A group with no ingress and all egress.
    pub fn sg(&mut self, vpc: &str, name: &str) -> String {
        let v = self.state.vpcs[vpc].clone();
        let mut g = SecurityGroup::default_for(&v);
        g.name = name.into();
        g.ingress.clear();
        let id = g.id.clone();
        self.state.security_groups.insert(id.clone(), g);
        id
    }

    pub fn allow_in(&mut self, sg: &str, proto: IpProtocol, ports: Option<(i32, i32)>, peer: RulePeer) {
        let r = SgRule { id: xvpc_model::ids::new_id("sgr"), protocol: proto, from_port: ports.map(|p| p.0), to_port: ports.map(|p| p.1), peer, description: None };
        self.state.security_groups.get_mut(sg).unwrap().ingress.push(r);
    }

    pub fn eni(&mut self, subnet: &str, ip: &str, groups: &[&str]) -> String {
        let s = self.state.subnets[subnet].clone();
        let id = xvpc_model::ids::new_id("eni");
        let e = NetworkInterface {
            id: id.clone(),
            owner: s.owner.clone(),
            region: s.region.clone(),
            vpc_id: s.vpc_id.clone(),
            subnet_id: s.id.clone(),
            availability_zone: s.availability_zone.clone(),
            private_ip: ip.parse().unwrap(),
            secondary_ips: vec![],
            groups: groups.iter().map(|g| g.to_string()).collect(),
            description: String::new(),
            interface_type: "interface".into(),
            requester_managed: false,
            requester_id: None,
            attachment: None,
            source_dest_check: true,
            mac_address: mac_for(&id),
            tags: Default::default(),
            public_ip: None,
            ipv6_addresses: Vec::new(),
        };
        self.state.network_interfaces.insert(id.clone(), e);
        id
    }

    /// An instance on `eni`, running, with user data (a shell script).
    pub fn instance(&mut self, eni: &str, user_data: Option<&str>) -> String {
        use base64::Engine;
        let e = self.state.network_interfaces[eni].clone();
        let id = xvpc_model::ids::new_id("i");
        self.state.network_interfaces.get_mut(eni).unwrap().attachment =
            Some(EniAttachment { id: xvpc_model::ids::new_id("eni-attach"), instance_id: id.clone(), device_index: 0, delete_on_termination: true, attach_time: 0 });
        let i = Instance {
            id: id.clone(),
            owner: e.owner.clone(),
            region: e.region.clone(),
            reservation_id: xvpc_model::ids::new_id("r"),
            image_id: "ami-1e749f67".into(),
            instance_type: "t3.micro".into(),
            vpc_id: e.vpc_id.clone(),
            subnet_id: e.subnet_id.clone(),
            availability_zone: e.availability_zone.clone(),
            private_ip: e.private_ip,
            primary_eni: eni.into(),
            state: InstanceState::Running,
            launch_time: 0,
            terminated_at: None,
            user_data: user_data.map(|u| base64::engine::general_purpose::STANDARD.encode(u)),
            key_name: None,
            client_token: None,
            tags: Default::default(),
            ..Default::default()
        };
        self.state.instances.insert(id.clone(), i);
        id
    }

    /// A peering connection between two VPCs, active or pending.
    pub fn peering(&mut self, a: &str, b: &str, active: bool) -> String {
        use xvpc_model::peering::{PeerSide, PeeringOptions, StoredStatus, VpcPeeringConnection};
        let side = |v: &xvpc_model::vpc::Vpc| PeerSide { owner: v.owner.clone(), region: v.region.clone(), vpc_id: v.id.clone(), cidr_blocks: v.cidrs().collect(), options: PeeringOptions::default() };
        let (va, vb) = (self.state.vpcs[a].clone(), self.state.vpcs[b].clone());
        let id = xvpc_model::ids::new_id("pcx");
        let p = VpcPeeringConnection {
            id: id.clone(),
            owner: va.owner.clone(),
            region: va.region.clone(),
            requester: side(&va),
            accepter: side(&vb),
            status: if active { StoredStatus::Active } else { StoredStatus::PendingAcceptance },
            created_at: 0,
            changed_at: 0,
            changed_by: None,
            tags: Default::default(),
        };
        self.state.peering_connections.insert(id.clone(), p);
        id
    }

    /// Gives a VPC an Amazon-provided /56, with the IPv6 rules AWS adds to
    /// its default ACL and default group (as AssociateVpcCidrBlock does).
    pub fn ipv6(&mut self, vpc: &str) -> xvpc_model::cidr::Ipv6Net {
        let cidr = xvpc_model::vpc_ipv6::allocate(&self.state).expect("a free /56");
        let block = xvpc_model::vpc::Ipv6CidrBlock { association_id: xvpc_model::ids::new_id("vpc-cidr-assoc"), cidr, network_border_group: "us-east-1".into() };
        self.state.vpcs.get_mut(vpc).unwrap().ipv6_cidr_blocks.push(block);
        for a in self.state.network_acls.values_mut().filter(|a| a.vpc_id == vpc) {
            xvpc_model::vpc_ipv6::add_ipv6_rules(a);
        }
        for g in self.state.security_groups.values_mut().filter(|g| g.vpc_id == vpc && g.is_default()) {
            xvpc_model::vpc_ipv6::add_ipv6_egress(g);
        }
        cidr
    }

    /// Gives a subnet the `index`-th /64 of its VPC's first IPv6 block.
    pub fn subnet_ipv6(&mut self, subnet: &str, index: u128) -> xvpc_model::cidr::Ipv6Net {
        let vpc = self.state.subnets[subnet].vpc_id.clone();
        let block = self.state.vpcs[&vpc].ipv6_cidr_blocks[0].cidr;
        let cidr = xvpc_model::cidr::nth_subnet_v6(&block, 64, index).expect("a /64");
        let b = xvpc_model::subnet::SubnetIpv6Block { association_id: xvpc_model::ids::new_id("subnet-cidr-assoc"), cidr };
        self.state.subnets.get_mut(subnet).unwrap().ipv6_cidr_blocks.push(b);
        cidr
    }

    /// Gives an ENI the next free IPv6 address of its subnet.
    pub fn eni_ipv6(&mut self, eni: &str) -> Ipv6Addr {
        let subnet = self.state.subnets[&self.state.network_interfaces[eni].subnet_id].clone();
        let ip = xvpc_model::subnet_ipv6::allocate(&self.state, &subnet, &[]).expect("a free address");
        self.state.network_interfaces.get_mut(eni).unwrap().ipv6_addresses.push(ip);
        ip
    }

    /// An egress-only internet gateway for `vpc`.
    pub fn eigw(&mut self, vpc: &str) -> String {
        let (ch, id) = xvpc_model::egress_only_internet_gateway::create(&self.state, &self.ctx, vpc, Default::default()).expect("eigw");
        self.apply(ch);
        id
    }

    /// An available NAT gateway in `subnet` at `ip`: public with the
    /// Elastic IP `public` (its ENI holds it), else private.
    pub fn nat_gateway(&mut self, subnet: &str, ip: &str, public: Option<&str>) -> String {
        use xvpc_model::nat_gateway::{Connectivity, NatAddress, NatGateway};
        let eni = self.eni(subnet, ip, &[]);
        let public: Option<std::net::Ipv4Addr> = public.map(|p| p.parse().unwrap());
        let e = self.state.network_interfaces.get_mut(&eni).unwrap();
        (e.interface_type, e.requester_managed, e.public_ip) = ("nat_gateway".into(), true, public);
        let (vpc_id, private_ip) = (e.vpc_id.clone(), e.private_ip);
        let id = xvpc_model::ids::new_id("nat");
        let address = NatAddress { private_ip, allocation_id: None, public_ip: public, association_id: None, primary: true };
        let g = NatGateway {
            id: id.clone(),
            owner: ACCOUNT.into(),
            region: "us-east-1".into(),
            vpc_id,
            subnet_id: subnet.into(),
            connectivity: if public.is_some() { Connectivity::Public } else { Connectivity::Private },
            network_interface_id: Some(eni),
            addresses: vec![address],
            created_at: -60_000,
            deleted_at: None,
            failure: None,
            tags: Default::default(),
        };
        self.state.nat_gateways.insert(id.clone(), g);
        id
    }

    /// A group admitting everything from 10.0.0.0/8.
    pub fn open_sg(&mut self, vpc: &str) -> String {
        let g = self.sg(vpc, "open");
        self.allow_in(&g, IpProtocol::All, None, RulePeer::Cidr("10.0.0.0/8".parse().unwrap()));
        g
    }

    /// A transit gateway (default table) with one attachment per
    /// `(vpc, subnet)`; each VPC's main table routes 10.0.0.0/8 to it.
    /// Returns the gateway and the attachments, in order.
    pub fn tgw_hub(&mut self, spokes: &[(&str, &str)]) -> (String, Vec<String>) {
        use xvpc_model::transit_gateway::{self as tgwm, CreateAttachment, CreateTransitGateway};
        let (ch, tgw) = tgwm::create_transit_gateway(&self.state, &self.ctx, CreateTransitGateway::default()).unwrap();
        self.apply(ch);
        let mut atts = Vec::new();
        for (v, s) in spokes {
            let input = CreateAttachment { transit_gateway_id: tgw.clone(), vpc_id: v.to_string(), subnet_ids: vec![s.to_string()], ..Default::default() };
            let (ch, id) = tgwm::create_attachment(&self.state, &self.ctx, input).unwrap();
            self.apply(ch);
            atts.push(id);
            let rt = self.main_rt(v);
            self.route(&rt, "10.0.0.0/8", RouteTarget::TransitGateway(tgw.clone()));
        }
        (tgw, atts)
    }

    /// Applies a model command's events.
    pub fn apply(&mut self, ch: xvpc_model::Changes) {
        ch.events.into_iter().for_each(|e| self.state.apply(e));
    }

    /// A subnet in a given zone name.
    pub fn subnet_in(&mut self, vpc: &str, cidr: &str, zone: &str) -> String {
        let input = CreateSubnet { vpc_id: vpc.into(), cidr: cidr.into(), availability_zone: Some(zone.into()), ..Default::default() };
        let (ch, id) = create_subnet(&self.state, &self.ctx, input).expect("subnet");
        self.apply(ch);
        id
    }

    pub fn main_rt(&self, vpc: &str) -> String {
        self.state.route_tables.values().find(|t| t.vpc_id == vpc && t.main).unwrap().id.clone()
    }

    /// A new table associated with `subnet`, with only the local route.
    pub fn rt_for(&mut self, subnet: &str) -> String {
        let s = self.state.subnets[subnet].clone();
        let v = self.state.vpcs[&s.vpc_id].clone();
        let mut t = xvpc_model::route_table::RouteTable::main_for(&v);
        t.main = false;
        t.associations = vec![xvpc_model::route_table::RouteTableAssociation { id: xvpc_model::ids::new_id("rtbassoc"), subnet_id: Some(subnet.into()), gateway_id: None, main: false }];
        let id = t.id.clone();
        self.state.route_tables.insert(id.clone(), t);
        id
    }

    pub fn route(&mut self, rt: &str, cidr: &str, target: RouteTarget) {
        let r = Route { destination: Destination::Cidr(cidr.parse().unwrap()), target, origin: RouteOrigin::CreateRoute };
        self.state.route_tables.get_mut(rt).unwrap().routes.push(r);
    }

    /// A custom ACL for `subnet` (replacing its association) with entries
    /// `(rule, egress, proto, allow, cidr, ports)`.
    pub fn nacl(&mut self, subnet: &str, entries: &[(i64, bool, IpProtocol, bool, &str, Option<(i32, i32)>)]) -> String {
        let s = self.state.subnets[subnet].clone();
        let v = self.state.vpcs[&s.vpc_id].clone();
        for a in self.state.network_acls.values_mut() {
            a.associations.retain(|x| x.subnet_id != subnet);
        }
        let mut acl = xvpc_model::network_acl::NetworkAcl::custom_for(&v);
        for (n, egress, proto, allow, cidr, ports) in entries {
            acl.entries.push(NaclEntry { rule_number: *n, egress: *egress, protocol: *proto, allow: *allow, cidr: cidr.parse().unwrap(), port_range: *ports, icmp: None });
        }
        acl.associations.push(xvpc_model::network_acl::NaclAssociation { id: xvpc_model::ids::new_id("aclassoc"), subnet_id: subnet.into() });
        let id = acl.id.clone();
        self.state.network_acls.insert(id.clone(), acl);
        id
    }
}

/// What a TCP connect saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// Connected, or refused by the target's kernel: the path works.
    Reached,
    /// No answer: dropped on the way.
    Timeout,
}

const PROBE_PY: &str = r#"
import socket, sys, concurrent.futures as cf
t = float(sys.argv[1])
def one(a):
    ip, port = a.rsplit('/', 1)
    s = socket.socket(socket.AF_INET6 if ':' in ip else socket.AF_INET); s.settimeout(t)
    try:
        s.connect((ip, int(port))); return a + ' reached'
    except ConnectionRefusedError: return a + ' reached'
    except Exception: return a + ' timeout'
    finally: s.close()
with cf.ThreadPoolExecutor(64) as ex:
    for r in ex.map(one, sys.argv[2:]): print(r)
"#;

/// TCP-connects from namespace `ns` to each `(ip, port)` concurrently
/// (IPv4 or IPv6).
pub fn probe(ns: &str, targets: &[(IpAddr, u16)], timeout_s: f64) -> Vec<Probe> {
    let mut args: Vec<String> = vec!["netns".into(), "exec".into(), ns.into(), "python3".into(), "-c".into(), PROBE_PY.into(), timeout_s.to_string()];
    args.extend(targets.iter().map(|(i, p)| format!("{i}/{p}")));
    let out = std::process::Command::new("ip").args(&args).output().expect("probe");
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), targets.len(), "probe output: {text} {}", String::from_utf8_lossy(&out.stderr));
    lines.iter().map(|l| if l.ends_with("reached") { Probe::Reached } else { Probe::Timeout }).collect()
}

pub fn probe1(ns: &str, ip: &str, port: u16) -> Probe {
    probe(ns, &[(ip.parse().unwrap(), port)], 1.0)[0]
}

/// Probes `to:port` from `from` (an ENI id, or `None` for the internet
/// host) and checks the engine says the same. Returns the probe.
pub fn both(dp: &mut xvpc_netns::Dataplane, w: &World, from: Option<&str>, to: &str, port: u16) -> Probe {
    let rep = dp.reconcile(&w.state);
    assert!(rep.errors.is_empty(), "{:?}", rep.errors);
    let prefix = dp.prefix().to_string();
    let (ns, src) = match from {
        Some(eni) => (xvpc_netns::names::ns(&prefix, eni), xvpc_reach::Endpoint::NetworkInterface(eni.into())),
        None => (xvpc_netns::internet_gateway::namespace(&prefix), xvpc_reach::Endpoint::Ip(xvpc_netns::internet_gateway::INTERNET_HOST.into())),
    };
    let real = probe1(&ns, to, port);
    let a = xvpc_reach::analyze(&w.state, 0, &xvpc_reach::Query::tcp(src, xvpc_reach::Endpoint::parse(to).unwrap(), port)).expect("query");
    assert_eq!(a.reachable, real == Probe::Reached, "engine and packets disagree on {from:?} -> {to}:{port}: engine {:?}", a.blockers);
    real
}
