//! Test support: one account's populated world, with at least one of every
//! resource a Describe call lists and every optional part set (tags, a
//! second CIDR, an Amazon-provided IPv6 block with a dual-stack subnet and
//! interfaces holding IPv6 addresses, rules of every peer kind, an attached interface with an
//! Elastic IP, a pending and an active peering, a gateway route table with
//! static and propagated routes, an endpoint service with a connection, a
//! Network Insights path and analysis). Each filter table's test checks
//! that every name it lists matches something here; the api's shape
//! coverage tests serialize its resources (feature `testing`).

use crate::elastic_ip::{self, Associate};
use crate::endpoint_service::{self, CreateService};
use crate::instance::{self, RunInstances};
use crate::load_balancer::{self, CreateLoadBalancer, SubnetMapping};
use crate::network_acl::{self, EntryInput};
use crate::network_insights::{self, CreatePath, Findings, PathFilter, StartAnalysis};
use crate::network_interface::{self, CreateEni};
use crate::peering::{self, CreatePeering};
use crate::route_table::{self, Destination, RouteTable, RouteTableAssociation, RouteTarget};
use crate::security_group::{self, CreateGroup};
use crate::security_group_rule::{self as rules, Direction, PeerSpec, Permission};
use crate::state::{Changes, Ctx, State};
use crate::subnet::{self, CreateSubnet};
use crate::subnet_group::{self, GroupService};
use crate::tags::Tags;
use crate::transit_gateway::{self as tgw, CreateAttachment, CreateTransitGateway};
use crate::transit_gateway_route_table as tgw_rt;
use crate::vpc::{self, CreateVpc, VpcAttribute};
use crate::vpc_endpoint::{self, CreateEndpoint};
use crate::Resource;

/// The account whose world it is, and the peer account.
pub const A: &str = "111111111111";
pub const B: &str = "222222222222";

/// A populated world and the caller who sees it.
pub struct World {
    pub state: State,
    pub ctx: Ctx,
}

impl World {
    /// Runs `table`'s check over `rows`: every name xvpc can answer matches
    /// at least one row.
    #[cfg(test)]
    pub fn check<T>(&self, table: &crate::filter::FilterTable<T>, rows: &[&T]) {
        assert!(!rows.is_empty(), "the populated world has no rows for this table");
        crate::filter::assert_every_name_matches(table, rows, &self.state, &self.ctx);
    }
}

fn tags(name: &str) -> Tags {
    Tags::from([("Name".to_string(), name.to_string())])
}

struct Builder {
    s: State,
    a: Ctx,
}

impl Builder {
    fn apply(&mut self, ch: Changes) {
        ch.events.into_iter().for_each(|e| self.s.apply(e));
    }

    fn run<T>(&mut self, f: impl FnOnce(&State, &Ctx) -> crate::error::Result<(Changes, T)>) -> T {
        let (ch, out) = f(&self.s, &self.a).expect("populating the world");
        self.apply(ch);
        out
    }

    fn change(&mut self, f: impl FnOnce(&State, &Ctx) -> crate::error::Result<Changes>) {
        let ch = f(&self.s, &self.a).expect("populating the world");
        self.apply(ch);
    }

    fn put(&mut self, r: impl Into<Resource>) {
        let mut ch = Changes::new();
        ch.put(r);
        self.apply(ch);
    }
}

fn subnet(b: &mut Builder, vpc: &str, cidr: &str, zone: &str) -> String {
    let input = CreateSubnet { vpc_id: vpc.into(), cidr: cidr.into(), availability_zone: Some(zone.into()), tags: tags(cidr), ..Default::default() };
    b.run(|s, c| subnet::create_subnet(s, c, input))
}

fn allow(protocol: &str, ports: Option<(i64, i64)>, peer: PeerSpec) -> Vec<Permission> {
    vec![Permission { protocol: protocol.into(), from_port: ports.map(|p| p.0), to_port: ports.map(|p| p.1), peers: vec![(peer, Some("test".into()))] }]
}

/// Builds the world. Deterministic in shape (ids are random).
pub fn world() -> World {
    let a = Ctx::new(A, "us-east-1", 1_000_000);
    let mut b = Builder { s: State::default(), a: a.clone() };

    // VPCs: one with two IPv4 CIDRs, an IPv6 block and DNS hostnames, one
    // peer in the account, one in account B.
    let v1 = b.run(|s, c| vpc::create_vpc(s, c, CreateVpc { cidr: "10.0.0.0/16".into(), tags: tags("v1"), amazon_provided_ipv6_cidr_block: true, ..Default::default() }));
    b.run(|s, c| vpc::associate_cidr(s, c, &v1, "10.1.0.0/16"));
    b.change(|s, c| vpc::modify_attribute(s, c, &v1, VpcAttribute::EnableDnsHostnames(true)));
    let v2 = b.run(|s, c| vpc::create_vpc(s, c, CreateVpc { cidr: "10.2.0.0/16".into(), ..Default::default() }));
    // A DHCP option set of the account's own, used by v2 (v1 keeps the
    // account's default set).
    let conf = |k: &str, v: &str| crate::dhcp_options::DhcpConfiguration { key: k.into(), values: vec![v.into()] };
    let dopt = b.run(|_, c| crate::dhcp_options::create(c, vec![conf("domain-name", "corp.example"), conf("ntp-servers", "10.2.0.5")], tags("dopt")));
    b.change(|s, c| crate::dhcp_options::associate(s, c, &dopt, &v2));
    let ctx_b = Ctx::new(B, "us-east-1", a.now);
    let (ch, vb) = vpc::create_vpc(&b.s, &ctx_b, CreateVpc { cidr: "10.3.0.0/16".into(), amazon_provided_ipv6_cidr_block: true, ..Default::default() }).unwrap();
    b.apply(ch);

    let s1 = subnet(&mut b, &v1, "10.0.1.0/24", "us-east-1a");
    let s2 = subnet(&mut b, &v1, "10.0.2.0/24", "us-east-1b");
    let s3 = subnet(&mut b, &v2, "10.2.1.0/24", "us-east-1b");
    b.change(|s, c| subnet::set_map_public_ip_on_launch(s, c, &s1, true));
    // Subnet 1 is dual-stack and gives its interfaces IPv6 addresses.
    let v6 = b.s.vpcs[&v1].ipv6_cidr_blocks[0].cidr;
    let s1_v6 = crate::cidr::nth_subnet_v6(&v6, 64, 1).expect("a /64 of the /56").to_string();
    b.run(|s, c| crate::subnet_ipv6::associate(s, c, &s1, &s1_v6));
    b.change(|s, c| crate::subnet_ipv6::set_assign_on_creation(s, c, &s1, true));

    // Internet gateway, attached.
    let (ch, igw) = crate::internet_gateway::create(&a, tags("igw"));
    b.apply(ch);
    b.change(|s, c| crate::internet_gateway::attach(s, c, &igw, &v1));

    // A customer-managed prefix list, at version 2.
    let mpl = b.run(|s, c| {
        let input = crate::managed_prefix_list::CreateList {
            name: "office".into(),
            address_family: "IPv4".into(),
            max_entries: 5,
            entries: vec![("192.0.2.0/24".into(), Some("hq".into()))],
            tags: tags("pl"),
        };
        crate::managed_prefix_list::create(s, c, input)
    });
    let add = crate::managed_prefix_list::ModifyList { add: vec![("198.51.100.0/24".into(), None)], ..Default::default() };
    b.change(|s, c| crate::managed_prefix_list::modify(s, c, &mpl, add));

    // Security groups: every peer kind, both directions.
    let g2 = b.run(|s, c| security_group::create_group(s, c, CreateGroup { name: "g2".into(), description: "peer".into(), vpc_id: Some(v1.clone()), tags: Tags::new() }));
    let g1 = b.run(|s, c| security_group::create_group(s, c, CreateGroup { name: "g1".into(), description: "web".into(), vpc_id: Some(v1.clone()), tags: tags("g1") }));
    let pl = crate::prefix_list::managed(&a)[0].id.clone();
    let peers = [
        PeerSpec::Cidr("10.0.0.0/8".into()),
        PeerSpec::Cidr6("::/0".into()),
        PeerSpec::PrefixList(pl.clone()),
        PeerSpec::Group { group_id: Some(g2.clone()), group_name: None, user_id: None, peering_id: None },
    ];
    for peer in peers {
        for dir in [Direction::Ingress, Direction::Egress] {
            let perms = allow("tcp", Some((80, 443)), peer.clone());
            b.run(|s, c| rules::authorize(s, c, &g1, dir, &perms));
        }
    }

    // A custom network ACL with TCP and ICMP entries, on subnet 1.
    let acl = b.run(|s, c| network_acl::create(s, c, &v1, tags("acl")));
    let tcp = EntryInput { rule_number: 100, egress: false, protocol: "tcp".into(), action: "allow".into(), cidr: Some("0.0.0.0/0".into()), port_range: Some((Some(22), Some(22))), ..Default::default() };
    let icmp = EntryInput { rule_number: 110, egress: true, protocol: "icmp".into(), action: "deny".into(), cidr: Some("10.0.0.0/8".into()), icmp: Some((Some(8), Some(0))), ..Default::default() };
    let tcp6 = EntryInput { rule_number: 120, cidr: None, ipv6_cidr: Some("::/0".into()), ..tcp.clone() };
    b.change(|s, c| network_acl::create_entry(s, c, &acl, &tcp));
    b.change(|s, c| network_acl::create_entry(s, c, &acl, &icmp));
    b.change(|s, c| network_acl::create_entry(s, c, &acl, &tcp6));
    let old = b.s.network_acls.values().flat_map(|x| x.associations.iter()).find(|x| x.subnet_id == s1).expect("default ACL association").id.clone();
    b.run(|s, c| network_acl::replace_association(s, c, &old, &acl));

    // An instance with a public address, and a second interface with an
    // Elastic IP attached to it.
    let run = RunInstances {
        image_id: "ami-0453ec754f44f9a4a".into(),
        instance_type: Some("t3.micro".into()),
        subnet_id: Some(s1.clone()),
        group_ids: vec![g1.clone()],
        min_count: 1,
        max_count: 1,
        client_token: Some("token".into()),
        key_name: Some("key".into()),
        instance_tags: tags("i1"),
        eni_tags: tags("i1-eni"),
        delete_on_termination: true,
        monitoring: true,
        ..Default::default()
    };
    let i1 = b.run(|s, c| instance::run_instances(s, c, run.clone()))[0].clone();
    // A terminated one, still listed, with its state reason.
    let i2 = b.run(|s, c| instance::run_instances(s, c, RunInstances { client_token: None, ..run }))[0].clone();
    b.run(|s, c| instance::terminate(s, c, &[i2]));
    let e1 = b.run(|s, c| network_interface::create(s, c, CreateEni { subnet_id: s1.clone(), groups: vec![g1.clone()], description: Some("extra".into()), tags: tags("e1"), ..Default::default() }));
    b.run(|s, c| network_interface::attach(s, c, &e1, &i1, 1));
    let eip = b.run(|s, c| elastic_ip::allocate(s, c, tags("eip")));
    let address = b.s.addresses[&eip].clone();
    b.run(|s, c| elastic_ip::associate(s, c, &address, Associate { network_interface_id: Some(e1.clone()), ..Default::default() }));

    // Peering: an active one with account B, a pending one in the account.
    let create = CreatePeering { vpc_id: v1.clone(), peer_vpc_id: vb.clone(), peer_owner_id: Some(B.into()), peer_region: None, tags: tags("to-b") };
    let pcx = b.run(|s, c| peering::create(s, c, create));
    let ch = peering::accept(&b.s, &ctx_b, &pcx).unwrap();
    b.apply(ch);
    b.run(|s, c| peering::create(s, c, CreatePeering { vpc_id: v1.clone(), peer_vpc_id: v2.clone(), peer_owner_id: None, peer_region: None, tags: Tags::new() }));

    // Transit gateway: an attachment associated with and propagating to the
    // default table, plus a static route.
    let t = b.run(|s, c| tgw::create_transit_gateway(s, c, CreateTransitGateway { tags: tags("tgw"), ..Default::default() }));
    let att = b.run(|s, c| tgw::create_attachment(s, c, CreateAttachment { transit_gateway_id: t.clone(), vpc_id: v1.clone(), subnet_ids: vec![s2.clone()], tags: tags("att"), ..Default::default() }));
    let rtb = b.s.transit_gateways[&t].options.association_default_route_table_id.clone().expect("default table");
    if b.s.transit_gateway_attachments[&att].association.is_none() {
        b.change(|s, c| tgw_rt::associate(s, c, &rtb, &att));
    }
    if !b.s.transit_gateway_route_tables[&rtb].propagations.contains(&att) {
        b.change(|s, c| tgw_rt::enable_propagation(s, c, &rtb, &att));
    }
    b.run(|s, c| tgw_rt::create_route(s, c, &rtb, "192.168.0.0/16", Some(&att), false));

    // Routes to every kind of target, on a table associated with subnet 1
    // and with a gateway (edge) association.
    let rt = b.run(|s, c| route_table::create_route_table(s, c, &v1, tags("rt")));
    b.run(|s, c| route_table::associate(s, c, &rt, &s1));
    let eni_of_i1 = b.s.instances[&i1].primary_eni.clone();
    let routes = [
        ("0.0.0.0/0", RouteTarget::Gateway(igw.clone())),
        ("10.3.0.0/16", RouteTarget::VpcPeeringConnection(pcx.clone())),
        ("172.16.0.0/16", RouteTarget::TransitGateway(t.clone())),
        ("172.17.0.0/16", RouteTarget::NetworkInterface(e1.clone())),
        ("172.18.0.0/16", RouteTarget::Instance(i1.clone())),
    ];
    for (cidr, target) in routes {
        let dest = route_table::parse_destination(Some(cidr), None).unwrap();
        b.change(|s, c| route_table::create_route(s, c, &rt, dest, target));
    }
    let dest = route_table::parse_any_destination(None, Some("::/0"), None).unwrap();
    b.change(|s, c| route_table::create_route(s, c, &rt, dest, RouteTarget::Gateway(igw.clone())));
    let eigw = b.run(|s, c| crate::egress_only_internet_gateway::create(s, c, &v1, tags("eigw")));
    let dest = route_table::parse_any_destination(None, Some("2600::/16"), None).unwrap();
    b.change(|s, c| route_table::create_route(s, c, &rt, dest, RouteTarget::EgressOnlyInternetGateway(eigw)));
    let dest = Destination::PrefixList(pl);
    b.change(|s, c| route_table::create_route(s, c, &rt, dest, RouteTarget::NetworkInterface(eni_of_i1)));
    // A public NAT gateway (with its own Elastic IP and a secondary
    // address) and a route to it.
    let nat_eip = b.run(|s, c| elastic_ip::allocate(s, c, tags("nat-eip")));
    let nat = crate::nat_gateway::CreateNatGateway { subnet_id: s2.clone(), allocation_id: Some(nat_eip), tags: tags("nat"), ..Default::default() };
    let nat = b.run(|s, c| crate::nat_gateway::create(s, c, nat));
    let dest = route_table::parse_destination(Some("172.19.0.0/16"), None).unwrap();
    b.change(|s, c| route_table::create_route(s, c, &rt, dest, RouteTarget::NatGateway(nat)));
    // Flow logs: the VPC to a CloudWatch Logs group, the subnet to a host
    // directory (xvpc's file:// extension) with S3's options.
    let to_group = crate::flow_log::CreateFlowLogs {
        resource_type: "VPC".into(),
        resource_ids: vec![v1.clone()],
        traffic_type: Some("ALL".into()),
        log_group_name: Some("flow-logs".into()),
        deliver_logs_permission_arn: Some("arn:aws:iam::111111111111:role/flow-logs".into()),
        deliver_cross_account_role: Some("arn:aws:iam::111111111111:role/cross".into()),
        tags: tags("fl"),
        ..Default::default()
    };
    b.run(|s, c| crate::flow_log::create(s, c, to_group));
    let to_file = crate::flow_log::CreateFlowLogs {
        resource_type: "Subnet".into(),
        resource_ids: vec![s2.clone()],
        traffic_type: Some("REJECT".into()),
        destination_type: Some("s3".into()),
        destination: Some("file:///tmp/xvpc-flow-logs".into()),
        log_format: Some("${version} ${vpc-id} ${action}".into()),
        max_aggregation_interval: Some(60),
        destination_options: Some(("plain-text".into(), true, true)),
        tags: tags("fl-file"),
        ..Default::default()
    };
    b.run(|s, c| crate::flow_log::create(s, c, to_file));
    // No command makes edge associations yet: set one on the table
    // directly, as a later feature would.
    let mut table: RouteTable = b.s.route_tables[&rt].clone();
    table.associations.push(RouteTableAssociation { id: "rtbassoc-0123456789abcdef0".into(), subnet_id: None, gateway_id: Some(igw.clone()), main: false });
    b.put(table);

    // PrivateLink: an endpoint service on an NLB, allowing account B, and
    // an endpoint to it from the second VPC.
    let nlb = CreateLoadBalancer {
        name: "nlb".into(),
        lb_type: Some("network".into()),
        scheme: Some("internal".into()),
        subnets: vec![SubnetMapping { subnet_id: s2.clone(), private_ip: None }],
        ..Default::default()
    };
    let lb = b.run(|s, c| load_balancer::create_load_balancer(s, c, nlb));
    let svc = b.run(|s, c| endpoint_service::create_service(s, c, CreateService { network_load_balancer_arns: vec![lb], tags: tags("svc"), ..Default::default() }));
    b.run(|s, c| endpoint_service::modify_permissions(s, c, &svc, &[format!("arn:aws:iam::{B}:root")], &[]));
    let name = b.s.endpoint_services[&svc].name.clone();
    let input = CreateEndpoint { vpc_id: v2.clone(), endpoint_type: Some("Interface".into()), service_name: name, subnet_ids: vec![s3.clone()], tags: tags("vpce"), ..Default::default() };
    b.run(|s, c| vpc_endpoint::create_endpoint(s, c, input));

    // Network Insights: a path with filters at both ends, and its analysis.
    let filter = PathFilter {
        source_address: Some("10.0.1.0".into()),
        source_port_range: Some((1024, 65535)),
        destination_address: Some("10.0.1.10".into()),
        destination_port_range: Some((80, 80)),
    };
    let path = CreatePath {
        source: i1.clone(),
        destination: Some(e1.clone()),
        source_ip: Some("10.0.1.5".into()),
        destination_ip: Some("10.0.1.6".into()),
        protocol: "tcp".into(),
        destination_port: Some(80),
        filter_at_source: filter.clone(),
        filter_at_destination: filter,
        tags: tags("path"),
    };
    let path_id = b.run(|s, c| network_insights::create_path(s, c, path));
    let findings = Findings { network_path_found: true, forward_path_components: vec![], return_path_components: vec![], explanations: vec![] };
    let start = StartAnalysis { path_id, additional_accounts: vec![], filter_in_arns: vec![], tags: tags("analysis"), outcome: Ok(findings) };
    b.run(|s, c| network_insights::start_analysis(s, c, start));

    // A subnet group of each service that keeps one, over the VPC's two
    // zones (one subnet dual-stack), tagged.
    for service in [GroupService::Rds, GroupService::ElastiCache, GroupService::Redshift] {
        let subnet_ids = vec![s1.clone(), s2.clone()];
        let input = subnet_group::CreateGroup { name: "data".into(), description: "data tier".into(), subnet_ids, tags: vec![("Name".into(), "data".into())] };
        b.run(|s, c| subnet_group::create(s, c, service, input));
    }

    // Block Public Access: an exclusion of the first VPC (the mode stays
    // off, so no path changes).
    let mode = crate::block_public_access::ExclusionMode::AllowEgress;
    b.run(|s, c| crate::block_public_access::create_exclusion(s, c, Some(&v1), None, mode, tags("bpa")));

    // A virtual private gateway attached to the first VPC, propagating
    // into its table, and a customer gateway.
    let vgw = b.run(|_, c| crate::vpn_gateway::create(c, None, Some("us-east-1a".into()), tags("vgw")));
    b.change(|s, c| crate::vpn_gateway::attach(s, c, &vgw, &v1));
    b.change(|s, c| crate::vpn_gateway::set_propagation(s, c, &vgw, &rt, true));
    let cgw = crate::customer_gateway::CreateCustomerGateway { ip_address: Some("198.51.100.7".into()), device_name: Some("edge".into()), tags: tags("cgw"), ..Default::default() };
    b.run(|s, c| crate::customer_gateway::create(s, c, cgw));
    // A key pair.
    b.run(|s, c| crate::key_pair::create(s, c, "ops", None, tags("key")));

    World { state: b.s, ctx: a }
}
