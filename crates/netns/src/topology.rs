//! The desired data plane, computed from a model snapshot. Pure: no I/O.
//!
//! Shape (the "Nitro-like" L3 design measured in the data plane notes):
//! - one namespace per VPC: the *router*. It holds every policy: route
//!   tables as Linux tables selected by fwmark per subnet, NACLs and
//!   security groups as nftables (see [`crate::firewall`]). A guest cannot
//!   change them: nothing of its own policy lives in its namespace.
//! - one namespace per ENI, with `eth0` (a veth whose peer is a port of the
//!   router), the ENI's addresses, and every route via the subnet gateway
//!   (`.1`, answered by the router). The router knows each ENI by a /32
//!   route and a permanent neighbour entry, so no ARP or proxy ARP is
//!   needed and no per-port sysctl either.
//! - links (peering) are veths between two routers; traffic arriving over
//!   one reaches only the receiving VPC's own ENIs (non-transitive).
//! - an attached internet gateway is a link to the run's simulated internet
//!   namespace, with 1:1 NAT of public addresses in the VPC router (see
//!   [`crate::internet_gateway`]).
//! - a NAT gateway is its ENI's namespace, translating what its VPC's
//!   routes send to it (see [`crate::nat_gateway`]).
//! - a gateway endpoint is a link to a namespace holding its service's
//!   addresses (see [`crate::gateway_endpoint`]); a route to a prefix list
//!   is one route per entry.
//! - IPv6 takes the same ways: an ENI's IPv6 addresses sit on its `eth0`
//!   (no duplicate address detection: the model hands out unique ones),
//!   its router is [`GATEWAY6`], and the router holds a /128 route and a
//!   permanent neighbour entry per address; each route table's IPv6
//!   routes live in the same Linux table as its IPv4 ones, and each link's
//!   next hop is [`LINK_NEXT_HOP6`]. Only VPCs with an IPv6 block get IPv6
//!   rules, so IPv4-only worlds are built exactly as before.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use xvpc_model::cidr::Ipv4Net;
use xvpc_model::instance::InstanceState;
use xvpc_model::prefix_list;
use xvpc_model::route_table::{self, Destination, RouteState, RouteTarget};
use xvpc_model::State;

use crate::names;
use crate::names::IPV6;

/// The next hop every router uses on a link; a permanent neighbour entry on
/// each link maps it to the other end's MAC, so the same address serves
/// every link.
pub const LINK_NEXT_HOP: &str = "169.254.0.2";

/// The IPv6 next hop on every link (a link-local address, with a
/// permanent neighbour entry per link like [`LINK_NEXT_HOP`]).
pub const LINK_NEXT_HOP6: &str = "fe80::2";

/// A guest's IPv6 router: link-local, mapped to its router port's MAC by a
/// permanent neighbour entry (no router advertisements are needed).
pub const GATEWAY6: Ipv6Addr = Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 1);

/// The prefix length of a subnet's IPv6 block (AWS: always a /64).
pub const SUBNET6_LEN: u8 = 64;

/// The ENI's MTU, as on AWS (jumbo frames inside a VPC).
pub const MTU: u32 = 9001;

/// One line of router configuration in `ip -batch` syntax, and how to undo it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub add: String,
    pub del: Option<String>,
}

/// A VPC router namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Router {
    pub vpc_id: String,
    pub ns: String,
    /// Keyed lines: a key whose line changes is replaced; a key that
    /// disappears is undone.
    pub ip: BTreeMap<String, Line>,
    /// The whole `table inet xvpc`, applied as one nft transaction.
    pub nft: String,
}

/// An ENI namespace plugged into its VPC router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eni {
    pub eni_id: String,
    pub ns: String,
    pub router_ns: String,
    /// The router side of the veth.
    pub port: String,
    pub mac: String,
    pub port_mac: String,
    pub ips: Vec<Ipv4Addr>,
    pub subnet: Ipv4Net,
    pub gateway: Ipv4Addr,
    /// The ENI's IPv6 addresses (none in an IPv4-only subnet).
    pub ips6: Vec<Ipv6Addr>,
}

impl Eni {
    /// The guest's configuration in `ip -batch` syntax.
    pub fn guest_batch(&self) -> String {
        let mut b = String::from("link set lo up\nlink set eth0 up\naddr flush dev eth0\n");
        for ip in &self.ips {
            b += &format!("addr add {ip}/{} dev eth0 noprefixroute\n", self.subnet.prefix_len());
        }
        b += &format!("neigh replace {} lladdr {} dev eth0 nud permanent\n", self.gateway, self.port_mac);
        b += &format!("route replace {} via {} dev eth0 onlink\n", self.subnet, self.gateway);
        b += &format!("route replace default via {} dev eth0 onlink\n", self.gateway);
        if !self.ips6.is_empty() {
            for ip in &self.ips6 {
                b += &format!("addr add {ip}/{SUBNET6_LEN} dev eth0 nodad noprefixroute\n");
            }
            b += &format!("neigh replace {GATEWAY6} lladdr {} dev eth0 nud permanent\n", self.port_mac);
            b += &format!("route replace ::/0 via {GATEWAY6} dev eth0\n");
        }
        b
    }
}

/// A veth between two routers (a peering connection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub id: String,
    pub ifname: String,
    pub a_ns: String,
    pub a_mac: String,
    pub b_ns: String,
    pub b_mac: String,
    /// The largest packet the connection carries, as AWS documents it per
    /// kind of connection (a router sends ICMP "fragmentation needed" for
    /// bigger ones, so path MTU discovery finds it).
    pub mtu: u32,
}

/// A running instance: where it lives and what it runs at boot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guest {
    pub instance_id: String,
    pub ns: String,
    pub ip: Ipv4Addr,
    /// The instance's account and region (its processes' credentials).
    pub account: String,
    pub region: String,
    /// Decoded user data, if any.
    pub user_data: Option<Vec<u8>>,
}

/// Everything the data plane should contain for one snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Desired {
    pub routers: BTreeMap<String, Router>,
    pub enis: BTreeMap<String, Eni>,
    pub links: BTreeMap<String, Link>,
    /// Instances that are running, by id.
    pub guests: BTreeMap<String, Guest>,
    /// Veths between two non-router namespaces (PrivateLink).
    pub ns_links: BTreeMap<String, crate::privatelink::NsLink>,
    /// `table ip xvpc_nat` per namespace (PrivateLink endpoints and NLBs).
    pub nat: BTreeMap<String, String>,
    /// The namespaces standing for AWS services behind gateway endpoints.
    pub service_hosts: BTreeMap<String, crate::gateway_endpoint::ServiceHost>,
}

/// Stable small numbers for Linux tables and rule priorities, kept across
/// reconciliations so an unchanged table keeps its number.
#[derive(Debug, Clone, Default)]
pub struct Alloc {
    tables: BTreeMap<String, u32>,
    links: BTreeMap<String, u32>,
}

impl Alloc {
    /// The index of a route table (table/fwmark `1000 + k`, rule prefs `100 + 3k`).
    pub fn table(&mut self, rtb: &str) -> u32 {
        let n = self.tables.len() as u32;
        *self.tables.entry(rtb.to_string()).or_insert(n)
    }

    /// The index of a link (rule prefs `20000 + 2j`).
    pub fn link(&mut self, id: &str) -> u32 {
        let n = self.links.len() as u32;
        *self.links.entry(id.to_string()).or_insert(n)
    }
}

fn line(add: String, del: impl Into<Option<String>>) -> Line {
    Line { add, del: del.into() }
}

/// A realized link end inside one router: interface name per target id.
type LinkEnds = BTreeMap<String, BTreeMap<String, String>>;

/// Computes the desired data plane of `state` for the run `prefix`.
pub fn desired(state: &State, prefix: &str, alloc: &mut Alloc) -> Desired {
    let mut d = Desired::default();
    let router_ns = |vpc: &str| names::ns(prefix, vpc);

    for e in state.network_interfaces.values() {
        let (Some(subnet), true) = (state.subnets.get(&e.subnet_id), state.vpcs.contains_key(&e.vpc_id)) else { continue };
        // The data plane carries IPv4: an IPv6-only subnet holds no port.
        let Some(block) = subnet.cidr else { continue };
        let gateway = Ipv4Addr::from(u32::from(block.network()) + 1);
        d.enis.insert(
            e.id.clone(),
            Eni {
                eni_id: e.id.clone(),
                ns: names::ns(prefix, &e.id),
                router_ns: router_ns(&e.vpc_id),
                port: names::ifname('e', &e.id),
                mac: e.mac_address.clone(),
                port_mac: names::mac(0x0a, &e.id),
                ips: e.all_ips().collect(),
                subnet: block,
                gateway,
                ips6: e.ipv6_addresses.clone(),
            },
        );
    }

    for i in state.instances.values().filter(|i| i.state == InstanceState::Running) {
        let Some(eni) = d.enis.get(&i.primary_eni) else { continue };
        use base64::Engine;
        let user_data = i.user_data.as_deref().and_then(|u| base64::engine::general_purpose::STANDARD.decode(u.trim()).ok());
        d.guests.insert(i.id.clone(), Guest { instance_id: i.id.clone(), ns: eni.ns.clone(), ip: i.private_ip, account: i.owner.clone(), region: i.region.clone(), user_data });
    }

    // Links and, per router, the interface that reaches each link target.
    let mut ends: LinkEnds = BTreeMap::new();
    for (id, a, b) in crate::peering::active_peerings(state) {
        if !(state.vpcs.contains_key(&a) && state.vpcs.contains_key(&b)) || a == b {
            continue;
        }
        let ifname = names::ifname('p', &id);
        let mtu = crate::peering::mtu(&state.vpcs[&a].region, &state.vpcs[&b].region);
        d.links.insert(
            id.clone(),
            Link { id: id.clone(), ifname: ifname.clone(), a_ns: router_ns(&a), a_mac: names::mac(0x0a, &format!("{id}/a")), b_ns: router_ns(&b), b_mac: names::mac(0x0a, &format!("{id}/b")), mtu },
        );
        ends.entry(a).or_default().insert(id.clone(), ifname.clone());
        ends.entry(b).or_default().insert(id, ifname);
    }

    let (ns_links, nat) = crate::privatelink::desired(state, prefix, alloc);
    // Only between namespaces that will exist.
    let present: std::collections::BTreeSet<&str> = d.enis.values().map(|e| e.ns.as_str()).collect();
    d.ns_links = ns_links.into_iter().filter(|(_, l)| present.contains(l.a_ns.as_str()) && present.contains(l.b_ns.as_str())).collect();
    d.nat = nat.into_iter().filter(|(ns, _)| present.contains(ns.as_str())).collect();

    let tgws = crate::transit_gateway::desired(state, prefix, alloc);
    for l in &tgws.links {
        d.links.insert(l.id.clone(), l.clone());
    }
    for (vpc, m) in &tgws.ends {
        ends.entry(vpc.clone()).or_default().extend(m.clone());
    }
    d.nat.extend(tgws.nat);
    let internet = crate::internet_gateway::desired(state, prefix);
    for l in &internet.links {
        d.links.insert(l.id.clone(), l.clone());
    }
    for (vpc, m) in &internet.ends {
        ends.entry(vpc.clone()).or_default().extend(m.clone());
    }
    d.nat.extend(internet.nat);
    let gateway_endpoints = crate::gateway_endpoint::desired(state, prefix);
    for l in &gateway_endpoints.links {
        d.links.insert(l.id.clone(), l.clone());
    }
    for (vpc, m) in &gateway_endpoints.ends {
        ends.entry(vpc.clone()).or_default().extend(m.clone());
    }
    d.service_hosts = gateway_endpoints.hosts;
    let (nat_hops, nat_tables) = crate::nat_gateway::desired(state, prefix);
    d.nat.extend(nat_tables.into_iter().filter(|(ns, _)| present.contains(ns.as_str())));

    for vpc in state.vpcs.values() {
        let mut ip = BTreeMap::new();
        let ns = router_ns(&vpc.id);
        let no_ends = BTreeMap::new();
        let my_ends = ends.get(&vpc.id).unwrap_or(&no_ends);
        // Gateway (.1) of each subnet and the resolver (base + 2) live on lo:
        // the router answers ARP for them on every port.
        for s in state.subnets.values().filter(|s| s.vpc_id == vpc.id) {
            let Some(block) = s.cidr else { continue };
            let gw = Ipv4Addr::from(u32::from(block.network()) + 1);
            ip.insert(format!("addr {gw}"), line(format!("addr replace {gw}/32 dev lo"), format!("addr del {gw}/32 dev lo")));
            // The subnet's first IPv6 address (reserved by AWS for its
            // router): the source of the router's ICMPv6 errors (packet
            // too big), which need an address that is not link-local.
            for b6 in &s.ipv6_cidr_blocks {
                let gw6 = Ipv6Addr::from(u128::from(b6.cidr.network()) + 1);
                ip.insert(format!("addr {gw6}"), line(format!("addr replace {gw6}/128 dev lo"), format!("addr del {gw6}/128 dev lo")));
            }
        }
        let v6 = vpc.ipv6_cidrs().next().is_some();
        let dns = crate::dns::address(vpc);
        ip.insert(format!("addr {dns}"), line(format!("addr replace {dns}/32 dev lo"), format!("addr del {dns}/32 dev lo")));
        let ll = crate::dns::LINK_LOCAL;
        ip.insert(format!("addr {ll}"), line(format!("addr replace {ll}/32 dev lo"), None));

        // Route tables: table N holds the table's routes; the VPC's own
        // blocks `throw` to the main table, which holds the ENI /32s (so
        // longest-prefix match across local and other routes is Linux's).
        for rt in state.route_tables.values().filter(|t| t.vpc_id == vpc.id) {
            let k = alloc.table(&rt.id);
            let n = 1000 + k;
            let pref = 100 + 3 * k;
            for (p, action) in [(pref, format!("lookup {n}")), (pref + 1, "lookup main".to_string()), (pref + 2, "blackhole".to_string())] {
                ip.insert(format!("rule {p}"), line(format!("rule add pref {p} fwmark {n} {action}"), format!("rule del pref {p}")));
                if v6 {
                    ip.insert(format!("rule6 {p}"), line(format!("{IPV6}rule add pref {p} fwmark {n} {action}"), format!("{IPV6}rule del pref {p}")));
                }
            }
            // A prefix list's route is one route per entry of the list (as
            // specific as the entry); CIDR routes come first, as a CIDR
            // route wins a tie with a list's entry, and among lists the
            // last one does, as in the engine (`longest_match_with`).
            let routes = rt.effective_routes(Some(vpc));
            let cidr_routes = routes.iter().filter_map(|r| match &r.destination {
                Destination::Cidr(c) => Some((*c, r, true)),
                Destination::PrefixList(_) => None,
            });
            let list_routes = routes.iter().flat_map(|r| match &r.destination {
                Destination::PrefixList(p) => prefix_list::entries(state, &vpc.region, p).into_iter().map(|c| (c, r, false)).collect(),
                Destination::Cidr(_) => Vec::new(),
            });
            let mut from_cidr = std::collections::BTreeSet::new();
            for (dst, r, is_cidr) in cidr_routes.chain(list_routes).collect::<Vec<_>>() {
                let hop = if dst.addr().is_ipv6() { LINK_NEXT_HOP6 } else { LINK_NEXT_HOP };
                let key = format!("route {n} {dst}");
                if from_cidr.contains(&key) || (is_cidr && ip.contains_key(&key)) {
                    continue; // the local route wins over an equal route
                }
                if is_cidr {
                    from_cidr.insert(key.clone());
                }
                let how = if r.target == RouteTarget::Local {
                    "throw".to_string()
                } else if route_table::route_state(state, rt, r) == RouteState::Blackhole {
                    "blackhole".to_string()
                } else {
                    let nat = match &r.target {
                        RouteTarget::NatGateway(g) => nat_hops.get(g).filter(|_| dst.addr().is_ipv4()),
                        _ => None,
                    };
                    match (my_ends.get(r.target.id()), nat) {
                        (_, Some((ip, port))) => format!("via {ip} dev {port} onlink"),
                        (Some(dev), None) => format!("via {hop} dev {dev} onlink"),
                        // A target the data plane does not build (yet): drop.
                        (None, None) => "blackhole".to_string(),
                    }
                };
                let add = match how.as_str() {
                    "throw" | "blackhole" => format!("route replace {how} {dst} table {n}"),
                    _ => format!("route replace {dst} {how} table {n}"),
                };
                ip.insert(key, line(add, format!("route del {dst} table {n}")));
            }
        }

        // Links: reachable next hop, and non-transitivity: what arrives over
        // a peering link may only reach this VPC's ENIs (the main table).
        for (id, dev) in my_ends {
            let Some(link) = d.links.values().find(|l| &l.ifname == dev && (l.a_ns == ns || l.b_ns == ns)) else { continue };
            let peer_mac = if link.a_ns == ns { &link.b_mac } else { &link.a_mac };
            ip.insert(format!("link {dev}"), line(format!("link set {dev} up"), None));
            ip.insert(format!("neigh {dev}"), line(format!("neigh replace {LINK_NEXT_HOP} lladdr {peer_mac} dev {dev} nud permanent"), None));
            let j = alloc.link(id);
            let p = 20000 + 2 * j;
            ip.insert(format!("rule {p}"), line(format!("rule add pref {p} iif {dev} lookup main"), format!("rule del pref {p}")));
            ip.insert(format!("rule {}", p + 1), line(format!("rule add pref {} iif {dev} blackhole", p + 1), format!("rule del pref {}", p + 1)));
            if v6 {
                ip.insert(format!("neigh6 {dev}"), line(format!("neigh replace {LINK_NEXT_HOP6} lladdr {peer_mac} dev {dev} nud permanent"), None));
                ip.insert(format!("rule6 {p}"), line(format!("{IPV6}rule add pref {p} iif {dev} lookup main"), format!("{IPV6}rule del pref {p}")));
                ip.insert(format!("rule6 {}", p + 1), line(format!("{IPV6}rule add pref {} iif {dev} blackhole", p + 1), format!("{IPV6}rule del pref {}", p + 1)));
            }
        }

        // ENI ports: always up (a stopped instance's port is cut off by the
        // firewall instead: taking a link down would flush its routes and
        // neighbours), a /32 route and a permanent neighbour entry.
        for e in d.enis.values().filter(|e| e.router_ns == ns) {
            ip.insert(format!("link {}", e.port), line(format!("link set {} up", e.port), None));
            for a in &e.ips {
                ip.insert(format!("route main {a}"), line(format!("route replace {a}/32 dev {}", e.port), format!("route del {a}/32")));
                ip.insert(format!("neigh {} {a}", e.port), line(format!("neigh replace {a} lladdr {} dev {} nud permanent", e.mac, e.port), format!("neigh del {a} dev {}", e.port)));
            }
            for a in &e.ips6 {
                ip.insert(format!("route main {a}"), line(format!("route replace {a}/128 dev {}", e.port), format!("route del {a}/128")));
                ip.insert(format!("neigh {} {a}", e.port), line(format!("neigh replace {a} lladdr {} dev {} nud permanent", e.mac, e.port), format!("neigh del {a} dev {}", e.port)));
            }
        }

        let nft = crate::firewall::render(state, vpc, &d.enis, alloc, tgws.zones.get(&vpc.id));
        d.routers.insert(vpc.id.clone(), Router { vpc_id: vpc.id.clone(), ns, ip, nft });
    }
    if let Some((ns, ip)) = internet.router {
        let id = crate::internet_gateway::INTERNET.to_string();
        d.routers.insert(id.clone(), Router { vpc_id: id, ns, ip, nft: format!("table inet {} {{\n}}\n", crate::firewall::TABLE) });
    }
    for (id, ns, ip) in tgws.routers.into_iter().chain(gateway_endpoints.routers) {
        d.routers.insert(id.clone(), Router { vpc_id: id, ns, ip, nft: format!("table inet {} {{\n}}\n", crate::firewall::TABLE) });
    }
    d
}

/// The table number of a subnet's route table (its fwmark), if any.
pub fn subnet_mark(state: &State, subnet_id: &str, vpc_id: &str, alloc: &mut Alloc) -> Option<u32> {
    route_table::table_for_subnet(state, subnet_id, vpc_id).map(|t| 1000 + alloc.table(&t.id))
}
