//! Building [`State`]s directly, without the API: for unit tests, property
//! tests and the benchmark's synthetic organisations. Every builder method
//! creates what AWS would (a VPC comes with its main route table, default
//! security group and default ACL).

use xvpc_model::IpProtocol;
use std::net::Ipv4Addr;

use xvpc_model::cidr::{IpNet, Ipv6Net};
use xvpc_model::instance::{Instance, InstanceState};
use xvpc_model::network_acl::{NaclAssociation, NaclEntry, NetworkAcl};
use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::route_table::{Destination, Route, RouteOrigin, RouteTable, RouteTableAssociation, RouteTarget};
use xvpc_model::security_group::{RulePeer, SecurityGroup, SgRule};
use xvpc_model::subnet::Subnet;
use xvpc_model::vpc::{CidrBlock, Vpc};
use xvpc_model::State;

mod private_link;

/// A state under construction. Ids are sequential so tests read well.
#[derive(Default)]
pub struct Builder {
    pub state: State,
    seq: u64,
}

impl Builder {
    pub fn new() -> Builder {
        Builder::default()
    }

    /// A fresh id of AWS's form, `prefix-` + 17 hex digits.
    pub fn id(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}-{:017x}", self.seq)
    }

    /// A VPC with its main table, default group and default ACL.
    pub fn vpc(&mut self, owner: &str, region: &str, cidr: &str) -> String {
        let id = self.id("vpc");
        let vpc = Vpc {
            id: id.clone(),
            owner: owner.into(),
            region: region.into(),
            cidr_blocks: vec![CidrBlock { association_id: self.id("vpc-cidr-assoc"), cidr: cidr.parse().expect("cidr") }],
            instance_tenancy: "default".into(),
            dhcp_options_id: "default".into(),
            is_default: false,
            enable_dns_support: true,
            enable_dns_hostnames: false,
            enable_network_address_usage_metrics: false,
            ipv6_cidr_blocks: Vec::new(),
            tags: Default::default(),
            created_at: 0,
        };
        let mut rt = RouteTable::main_for(&vpc);
        rt.id = self.id("rtb");
        let mut sg = SecurityGroup::default_for(&vpc);
        let sg_id = self.id("sg");
        for r in &mut sg.ingress {
            if let RulePeer::Group { group_id, .. } = &mut r.peer {
                *group_id = sg_id.clone();
            }
        }
        sg.id = sg_id;
        let mut acl = NetworkAcl::default_for(&vpc);
        acl.id = self.id("acl");
        self.state.route_tables.insert(rt.id.clone(), rt);
        self.state.security_groups.insert(sg.id.clone(), sg);
        self.state.network_acls.insert(acl.id.clone(), acl);
        self.state.vpcs.insert(id.clone(), vpc);
        id
    }

    /// A subnet in `az` (zone id derived from the name).
    pub fn subnet(&mut self, vpc: &str, cidr: &str, az: &str) -> String {
        let v = self.state.vpcs[vpc].clone();
        let id = self.id("subnet");
        let s = Subnet {
            id: id.clone(),
            owner: v.owner.clone(),
            region: v.region.clone(),
            vpc_id: vpc.into(),
            cidr: Some(cidr.parse().expect("cidr")),
            availability_zone: az.into(),
            availability_zone_id: format!("use1-az{}", az.bytes().last().map(|b| b.saturating_sub(b'a') + 1).unwrap_or(1)),
            map_public_ip_on_launch: false,
            default_for_az: false,
            tags: Default::default(),
            created_at: 0,
            ipv6_cidr_blocks: Vec::new(),
            assign_ipv6_address_on_creation: false,
            dns: Default::default(),
        };
        self.state.subnets.insert(id.clone(), s);
        id
    }

    /// A security group with no rules at all.
    pub fn group(&mut self, vpc: &str) -> String {
        let v = self.state.vpcs[vpc].clone();
        let id = self.id("sg");
        let g = SecurityGroup {
            id: id.clone(),
            owner: v.owner.clone(),
            region: v.region.clone(),
            vpc_id: vpc.into(),
            name: id.clone(),
            description: "test".into(),
            ingress: vec![],
            egress: vec![],
            tags: Default::default(),
        };
        self.state.security_groups.insert(id.clone(), g);
        id
    }

    /// Adds a rule admitting `proto` (`tcp`, `-1`, ...) on `ports` from/to `peer`
    /// (a CIDR or a group id).
    pub fn allow(&mut self, group: &str, ingress: bool, proto: IpProtocol, ports: Option<(i32, i32)>, peer: &str) {
        let owner = self.state.security_groups[group].owner.clone();
        let peer = if peer.starts_with("sg-") {
            RulePeer::Group { group_id: peer.into(), user_id: owner, vpc_id: None, peering_id: None }
        } else if peer.contains(':') {
            RulePeer::Cidr6(xvpc_model::cidr::parse_canonical_v6(peer).expect("cidr").to_string())
        } else {
            RulePeer::Cidr(peer.parse().expect("cidr"))
        };
        let rule = SgRule { id: self.id("sgr"), protocol: proto, from_port: ports.map(|p| p.0), to_port: ports.map(|p| p.1), peer, description: None };
        let g = self.state.security_groups.get_mut(group).expect("group");
        if ingress {
            g.ingress.push(rule)
        } else {
            g.egress.push(rule)
        }
    }

    /// An ENI with `ip` in `subnet`, in `groups`.
    pub fn eni(&mut self, subnet: &str, ip: &str, groups: &[&str]) -> String {
        let s = self.state.subnets[subnet].clone();
        let id = self.id("eni");
        let e = NetworkInterface {
            id: id.clone(),
            owner: s.owner.clone(),
            region: s.region.clone(),
            vpc_id: s.vpc_id.clone(),
            subnet_id: subnet.into(),
            availability_zone: s.availability_zone.clone(),
            private_ip: ip.parse::<Ipv4Addr>().expect("ip"),
            secondary_ips: vec![],
            groups: groups.iter().map(|g| g.to_string()).collect(),
            description: String::new(),
            interface_type: "interface".into(),
            requester_managed: false,
            requester_id: None,
            attachment: None,
            source_dest_check: true,
            mac_address: String::new(),
            tags: Default::default(),
            public_ip: None,
            ipv6_addresses: Vec::new(),
        };
        self.state.network_interfaces.insert(id.clone(), e);
        id
    }

    /// A running instance whose primary ENI is a new ENI (see [`Builder::eni`]).
    pub fn instance(&mut self, subnet: &str, ip: &str, groups: &[&str]) -> String {
        let eni = self.eni(subnet, ip, groups);
        let e = self.state.network_interfaces[&eni].clone();
        let id = self.id("i");
        let i = Instance {
            id: id.clone(),
            owner: e.owner.clone(),
            region: e.region.clone(),
            reservation_id: self.id("r"),
            image_id: "ami-12345678".into(),
            instance_type: "t3.micro".into(),
            vpc_id: e.vpc_id.clone(),
            subnet_id: e.subnet_id.clone(),
            availability_zone: e.availability_zone.clone(),
            private_ip: e.private_ip,
            primary_eni: eni.clone(),
            state: InstanceState::Running,
            launch_time: 0,
            terminated_at: None,
            user_data: None,
            key_name: None,
            client_token: None,
            tags: Default::default(),
            ..Default::default()
        };
        if let Some(x) = self.state.network_interfaces.get_mut(&eni) {
            x.attachment = Some(xvpc_model::network_interface::EniAttachment {
                id: format!("eni-attach-{:017x}", self.seq),
                instance_id: id.clone(),
                device_index: 0,
                delete_on_termination: true,
                attach_time: 0,
            });
        }
        self.state.instances.insert(id.clone(), i);
        id
    }

    /// The VPC's main route table id.
    pub fn main_table(&self, vpc: &str) -> String {
        self.state.route_tables.values().find(|t| t.vpc_id == vpc && t.main).map(|t| t.id.clone()).expect("main table")
    }

    /// A new (non-main) route table associated with `subnet`.
    pub fn table_for(&mut self, subnet: &str) -> String {
        let s = self.state.subnets[subnet].clone();
        let vpc = self.state.vpcs[&s.vpc_id].clone();
        let mut t = RouteTable::main_for(&vpc);
        t.id = self.id("rtb");
        t.main = false;
        t.associations = vec![RouteTableAssociation { id: self.id("rtbassoc"), subnet_id: Some(subnet.into()), gateway_id: None, main: false }];
        let id = t.id.clone();
        self.state.route_tables.insert(id.clone(), t);
        id
    }

    /// Adds a route `cidr -> target` (`pcx-`, `tgw-`, `igw-`, ...).
    pub fn route(&mut self, table: &str, cidr: &str, target: &str) {
        let target = if target.starts_with("pcx-") {
            RouteTarget::VpcPeeringConnection(target.into())
        } else if target.starts_with("tgw-") {
            RouteTarget::TransitGateway(target.into())
        } else if target.starts_with("eni-") {
            RouteTarget::NetworkInterface(target.into())
        } else if target.starts_with("eigw-") {
            RouteTarget::EgressOnlyInternetGateway(target.into())
        } else if target.starts_with("nat-") {
            RouteTarget::NatGateway(target.into())
        } else {
            RouteTarget::Gateway(target.into())
        };
        let r = Route { destination: Destination::Cidr(cidr.parse::<IpNet>().expect("cidr")), target, origin: RouteOrigin::CreateRoute };
        self.state.route_tables.get_mut(table).expect("table").routes.push(r);
    }

    /// A custom ACL (final denies only) associated with `subnet`, replacing
    /// its previous association.
    pub fn acl_for(&mut self, subnet: &str) -> String {
        let vpc = self.state.vpcs[&self.state.subnets[subnet].vpc_id].clone();
        for a in self.state.network_acls.values_mut() {
            a.associations.retain(|x| x.subnet_id != subnet);
        }
        let mut acl = NetworkAcl::custom_for(&vpc);
        acl.id = self.id("acl");
        acl.associations.push(NaclAssociation { id: self.id("aclassoc"), subnet_id: subnet.into() });
        let id = acl.id.clone();
        self.state.network_acls.insert(id.clone(), acl);
        id
    }

    /// Adds an ACL entry (`proto` as a number string, `-1` for all).
    #[allow(clippy::too_many_arguments)]
    pub fn acl_entry(&mut self, acl: &str, n: i64, egress: bool, proto: IpProtocol, allow: bool, cidr: &str, ports: Option<(i32, i32)>) {
        let e = NaclEntry { rule_number: n, egress, protocol: proto, allow, cidr: cidr.parse().expect("cidr"), port_range: ports, icmp: None };
        self.state.network_acls.get_mut(acl).expect("acl").entries.push(e);
    }

    /// Gives a VPC an Amazon-provided /56, with the IPv6 rules AWS adds to
    /// its default ACL and group.
    pub fn ipv6(&mut self, vpc: &str) -> Ipv6Net {
        let cidr = xvpc_model::vpc_ipv6::allocate(&self.state).expect("a free /56");
        let block = xvpc_model::vpc::Ipv6CidrBlock { association_id: self.id("vpc-cidr-assoc"), cidr, network_border_group: "us-east-1".into() };
        self.state.vpcs.get_mut(vpc).expect("vpc").ipv6_cidr_blocks.push(block);
        for a in self.state.network_acls.values_mut().filter(|a| a.vpc_id == vpc) {
            xvpc_model::vpc_ipv6::add_ipv6_rules(a);
        }
        for g in self.state.security_groups.values_mut().filter(|g| g.vpc_id == vpc && g.is_default()) {
            xvpc_model::vpc_ipv6::add_ipv6_egress(g);
        }
        cidr
    }

    /// Gives a subnet the `index`-th /64 of its VPC's /56.
    pub fn subnet_ipv6(&mut self, subnet: &str, index: u128) -> Ipv6Net {
        let vpc = self.state.subnets[subnet].vpc_id.clone();
        let block = self.state.vpcs[&vpc].ipv6_cidr_blocks[0].cidr;
        let cidr = xvpc_model::cidr::nth_subnet_v6(&block, 64, index).expect("a /64");
        let b = xvpc_model::subnet::SubnetIpv6Block { association_id: self.id("subnet-cidr-assoc"), cidr };
        self.state.subnets.get_mut(subnet).expect("subnet").ipv6_cidr_blocks.push(b);
        cidr
    }

    /// Gives an ENI the next free IPv6 address of its subnet.
    pub fn eni_ipv6(&mut self, eni: &str) -> std::net::Ipv6Addr {
        let subnet = self.state.subnets[&self.state.network_interfaces[eni].subnet_id].clone();
        let ip = xvpc_model::subnet_ipv6::allocate(&self.state, &subnet, &[]).expect("a free address");
        self.state.network_interfaces.get_mut(eni).expect("eni").ipv6_addresses.push(ip);
        ip
    }

    /// An internet gateway attached to `vpc`.
    pub fn igw(&mut self, vpc: &str) -> String {
        let v = self.state.vpcs[vpc].clone();
        let id = self.id("igw");
        let g = xvpc_model::internet_gateway::InternetGateway { id: id.clone(), owner: v.owner, region: v.region, attached_vpc: Some(vpc.into()), tags: Default::default() };
        self.state.internet_gateways.insert(id.clone(), g);
        id
    }

    /// An available NAT gateway in `subnet` at `ip`: public with the
    /// Elastic IP `public`, else private. Returns its id.
    pub fn nat_gateway(&mut self, subnet: &str, ip: &str, public: Option<&str>) -> String {
        use xvpc_model::nat_gateway::{Connectivity, NatAddress, NatGateway};
        let eni = self.eni(subnet, ip, &[]);
        let e = self.state.network_interfaces.get_mut(&eni).expect("eni");
        (e.interface_type, e.requester_managed, e.public_ip) = ("nat_gateway".into(), true, public.map(|p| p.parse().expect("ip")));
        let (owner, region, vpc_id, private_ip) = (e.owner.clone(), e.region.clone(), e.vpc_id.clone(), e.private_ip);
        let id = self.id("nat");
        let connectivity = if public.is_some() { Connectivity::Public } else { Connectivity::Private };
        let address = NatAddress { private_ip, allocation_id: None, public_ip: public.map(|p| p.parse().expect("ip")), association_id: None, primary: true };
        let g = NatGateway { id: id.clone(), owner, region, vpc_id, subnet_id: subnet.into(), connectivity, network_interface_id: Some(eni), addresses: vec![address], created_at: -60_000, deleted_at: None, failure: None, tags: Default::default() };
        self.state.nat_gateways.insert(id.clone(), g);
        id
    }

    /// An egress-only internet gateway of `vpc`.
    pub fn eigw(&mut self, vpc: &str) -> String {
        let v = self.state.vpcs[vpc].clone();
        let id = self.id("eigw");
        let g = xvpc_model::egress_only_internet_gateway::EgressOnlyInternetGateway { id: id.clone(), owner: v.owner, region: v.region, vpc_id: vpc.into(), tags: Default::default() };
        self.state.egress_only_internet_gateways.insert(id.clone(), g);
        id
    }

    /// The default security group of a VPC.
    pub fn default_group(&self, vpc: &str) -> String {
        self.state.security_groups.values().find(|g| g.vpc_id == vpc && g.is_default()).map(|g| g.id.clone()).expect("default group")
    }

    /// A peering connection from `requester` to `accepter` in `status`.
    pub fn peering(&mut self, requester: &str, accepter: &str, status: xvpc_model::peering::StoredStatus) -> String {
        let side = |v: &Vpc| xvpc_model::peering::PeerSide {
            owner: v.owner.clone(),
            region: v.region.clone(),
            vpc_id: v.id.clone(),
            cidr_blocks: v.cidrs().collect(),
            options: Default::default(),
        };
        let (r, a) = (self.state.vpcs[requester].clone(), self.state.vpcs[accepter].clone());
        let id = self.id("pcx");
        let p = xvpc_model::peering::VpcPeeringConnection {
            id: id.clone(),
            owner: r.owner.clone(),
            region: r.region.clone(),
            requester: side(&r),
            accepter: side(&a),
            status,
            created_at: 0,
            changed_at: 0,
            changed_by: None,
            tags: Default::default(),
        };
        self.state.peering_connections.insert(id.clone(), p);
        id
    }

    /// A synthetic organisation: `accounts` × `vpcs` VPCs (a /24 each, two
    /// /25 subnets in two zones) × `instances` instances. In each account
    /// VPC 0 is a hub peered with every other VPC of the account (routes
    /// both ways), and hubs of neighbouring accounts are peered. Groups:
    /// `web` admits 80 from 10.0.0.0/8, `app` admits 80 from `web`.
    /// Returns the instance ids.
    pub fn org(&mut self, accounts: usize, vpcs: usize, instances: usize) -> Vec<String> {
        use xvpc_model::peering::StoredStatus;
        let mut out = Vec::new();
        let mut hubs: Vec<(String, String, String)> = Vec::new();
        for a in 0..accounts {
            let owner = format!("{:012}", 100_000_000_000u64 + a as u64);
            let mut hub: Option<(String, String, String)> = None;
            for v in 0..vpcs {
                let n = a * vpcs + v;
                let cidr = format!("10.{}.{}.0/24", n >> 8, n & 255);
                let vpc = self.vpc(&owner, "us-east-1", &cidr);
                let s1 = self.subnet(&vpc, &format!("10.{}.{}.0/25", n >> 8, n & 255), "us-east-1a");
                let s2 = self.subnet(&vpc, &format!("10.{}.{}.128/25", n >> 8, n & 255), "us-east-1b");
                let web = self.group(&vpc);
                self.allow(&web, true, IpProtocol::Tcp, Some((80, 80)), "10.0.0.0/8");
                self.allow(&web, false, IpProtocol::All, None, "0.0.0.0/0");
                let app = self.group(&vpc);
                self.allow(&app, true, IpProtocol::Tcp, Some((80, 80)), &web);
                self.allow(&app, false, IpProtocol::All, None, "0.0.0.0/0");
                for i in 0..instances {
                    let (sn, base) = if i % 2 == 0 { (&s1, 10) } else { (&s2, 138) };
                    let ip = format!("10.{}.{}.{}", n >> 8, n & 255, base + i / 2);
                    let g = if i % 3 == 0 { &app } else { &web };
                    out.push(self.instance(sn, &ip, &[g]));
                }
                let table = self.main_table(&vpc);
                match &hub {
                    None => hub = Some((vpc.clone(), table, cidr)),
                    Some((hv, ht, hc)) => {
                        let pcx = self.peering(&vpc, hv, StoredStatus::Active);
                        self.route(&table, hc, &pcx);
                        self.route(ht, &cidr, &pcx);
                    }
                }
            }
            if let Some(h) = hub {
                if let Some((pv, pt, pc)) = hubs.last().cloned() {
                    let pcx = self.peering(&h.0, &pv, StoredStatus::Active);
                    self.route(&h.1, &pc, &pcx);
                    self.route(&pt, &h.2, &pcx);
                }
                hubs.push(h);
            }
        }
        out
    }

    /// A transit gateway of `owner` with its default route table (default
    /// association and propagation on). Returns (TGW id, table id).
    pub fn tgw(&mut self, owner: &str, region: &str) -> (String, String) {
        use xvpc_model::transit_gateway::{TgwOptions, TransitGateway};
        let id = self.id("tgw");
        let rtb = self.id("tgw-rtb");
        let t = TransitGateway {
            id: id.clone(),
            owner: owner.into(),
            region: region.into(),
            description: String::new(),
            options: TgwOptions {
                amazon_side_asn: 64512,
                auto_accept_shared_attachments: false,
                default_route_table_association: true,
                default_route_table_propagation: true,
                association_default_route_table_id: Some(rtb.clone()),
                propagation_default_route_table_id: Some(rtb.clone()),
                dns_support: true,
                vpn_ecmp_support: true,
                multicast_support: false,
                security_group_referencing_support: false,
                cidr_blocks: vec![],
            },
            created_at: 0,
            deleted_at: None,
            tags: Default::default(),
        };
        let table = xvpc_model::transit_gateway_route_table::TgwRouteTable {
            id: rtb.clone(),
            owner: owner.into(),
            region: region.into(),
            transit_gateway_id: id.clone(),
            propagations: vec![],
            routes: vec![],
            created_at: 0,
            deleted_at: None,
            tags: Default::default(),
        };
        self.state.transit_gateways.insert(id.clone(), t);
        self.state.transit_gateway_route_tables.insert(rtb.clone(), table);
        (id, rtb)
    }

    /// A VPC attachment of `vpc` to `tgw` in `subnets`; when `available`,
    /// associated with and propagated to the TGW's default table.
    pub fn attach(&mut self, tgw: &str, vpc: &str, subnets: &[&str], available: bool) -> String {
        use xvpc_model::transit_gateway::{AttachmentOptions, AttachmentState, TgwAttachment};
        let v = self.state.vpcs[vpc].clone();
        let t = self.state.transit_gateways[tgw].clone();
        let id = self.id("tgw-attach");
        let table = t.options.association_default_route_table_id.clone();
        let a = TgwAttachment {
            id: id.clone(),
            owner: v.owner.clone(),
            region: v.region.clone(),
            transit_gateway_id: tgw.into(),
            tgw_owner: t.owner.clone(),
            vpc_id: vpc.into(),
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            state: if available { AttachmentState::Available } else { AttachmentState::PendingAcceptance },
            options: AttachmentOptions { dns_support: true, ipv6_support: false, appliance_mode_support: false, security_group_referencing_support: false },
            association: if available { table.clone() } else { None },
            eni_ids: vec![],
            tags: Default::default(),
            created_at: 0,
            updated_at: 0,
        };
        if let (true, Some(tb)) = (available, table) {
            if let Some(r) = self.state.transit_gateway_route_tables.get_mut(&tb) {
                r.propagations.push(id.clone());
            }
        }
        self.state.transit_gateway_attachments.insert(id.clone(), a);
        id
    }
}
