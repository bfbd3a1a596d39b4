//! Internet gateways, toward a simulated internet: one namespace per run
//! (`<prefix>-internet`) standing for the whole internet, holding one
//! internet host address ([`INTERNET_HOST`], TEST-NET-3, only ever inside
//! namespaces xvpc creates) and a veth (`g<hex>` at both ends) to each VPC
//! router whose VPC has an attached gateway. Nothing leaves the machine:
//! the internet namespace has no other interface.
//!
//! In the VPC router, the gateway is the 1:1 NAT AWS describes:
//! - a subnet's route to `igw-…` goes out the link (the route table code
//!   treats the link like any other target);
//! - out: the source, an ENI's primary private address, becomes its public
//!   address (SNAT); a source without a public address is dropped
//!   (AWS: `IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS`), and so are private and
//!   shared destinations;
//! - in: a public address becomes the private one (DNAT); the router's link
//!   rule then delivers only to this VPC's ENIs, and security groups and
//!   ACLs see the internet host's address, as in AWS.
//!
//! The internet namespace routes each public address to its VPC's link,
//! and holds AWS services' public addresses (198.19.192.0/18, the
//! prefix lists' entries) as well as the internet host.
//!
//! IPv6 (no NAT: an interface's IPv6 addresses are public): the internet
//! namespace also holds [`INTERNET_HOST6`] and routes each VPC's IPv6
//! blocks to its internet gateway's link, else to its egress-only
//! gateway's (`o<hex>`, a link of its own). In the VPC router, traffic
//! for the internet must be for a global unicast address (2000::/3), and
//! what arrives over an egress-only gateway's link must belong to a
//! connection the VPC opened (conntrack: `ct state established,related`):
//! "it prevents the internet from initiating an IPv6 connection with your
//! instances" (VPC user guide, "Enable outbound IPv6 traffic using an
//! egress-only internet gateway").

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

use xvpc_model::State;

use crate::names;
use crate::topology::{Line, Link, LINK_NEXT_HOP, LINK_NEXT_HOP6};

/// The model id standing for the internet (its namespace is
/// `<prefix>-internet`).
pub const INTERNET: &str = "internet";

/// Traffic through an internet gateway is limited to 1500 bytes (EC2
/// "Network MTU": "MTU limited to 1500 bytes: traffic over an internet
/// gateway"); bigger packets from a jumbo-frame instance get ICMP
/// "fragmentation needed", which path MTU discovery uses.
pub const MTU: u32 = 1500;

/// The simulated internet host: in TEST-NET-3 (RFC 5737), documentation
/// space no real host uses, and only on the internet namespace's `lo`.
pub const INTERNET_HOST: Ipv4Addr = Ipv4Addr::new(203, 0, 113, 10);

/// The simulated internet's IPv6 host: in the documentation prefix
/// 2001:db8::/32 (RFC 3849), which no real host uses, and global unicast
/// as the reachability engine requires of an internet address. VPC blocks
/// come from the same prefix, lowest /56 first, so they would reach this
/// one only after 16 million VPCs.
pub const INTERNET_HOST6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0xffff, 0, 0, 0, 0, 0x10);

/// Destinations an internet gateway refuses: RFC 1918 and RFC 6598.
const REFUSED: &str = "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10";

/// What the internet gateways add to the desired data plane.
#[derive(Debug, Default)]
pub struct Internet {
    /// The internet namespace's keyed ip lines (`None`: no attached gateway,
    /// no namespace).
    pub router: Option<(String, BTreeMap<String, Line>)>,
    /// One link per attached gateway (VPC router = `a`, internet = `b`).
    pub links: Vec<Link>,
    /// Per VPC: gateway id → the link's interface in the VPC router.
    pub ends: BTreeMap<String, BTreeMap<String, String>>,
    /// `table ip xvpc_nat` (and `table ip6 xvpc_nat`) of each VPC router
    /// with a gateway.
    pub nat: BTreeMap<String, String>,
}

fn line(add: String, del: Option<String>) -> Line {
    Line { add, del }
}

/// The namespace of the simulated internet for the run `prefix`.
pub fn namespace(prefix: &str) -> String {
    names::ns(prefix, INTERNET)
}

/// The internet gateways of `state` for the run `prefix`.
pub fn desired(state: &State, prefix: &str) -> Internet {
    let mut out = Internet::default();
    let inet = namespace(prefix);
    let mut ip: BTreeMap<String, Line> = BTreeMap::new();
    // Public address -> private address, per VPC (one pass over the ENIs).
    let mut by_vpc: BTreeMap<&str, Vec<(Ipv4Addr, Ipv4Addr)>> = BTreeMap::new();
    for e in state.network_interfaces.values() {
        if let Some(p) = e.public_ip {
            by_vpc.entry(e.vpc_id.as_str()).or_default().push((p, e.private_ip));
        }
    }
    // IPv6 gateways of each VPC: (internet gateway's link, egress-only's).
    let mut six: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    for g in state.internet_gateways.values() {
        let Some(vpc) = g.attached_vpc.as_ref().filter(|v| state.vpcs.contains_key(*v)) else { continue };
        let dev = names::ifname('g', &g.id);
        let router = names::ns(prefix, vpc);
        let link = gateway_link(&g.id, &dev, &router, &inet);
        ip.insert(format!("link {dev}"), line(format!("link set {dev} up"), None));
        ip.insert(format!("neigh {dev}"), line(format!("neigh replace {LINK_NEXT_HOP} lladdr {} dev {dev} nud permanent", link.a_mac), None));
        let mut pairs = by_vpc.get(vpc.as_str()).cloned().unwrap_or_default();
        pairs.sort();
        for (public, _) in &pairs {
            ip.insert(format!("route {public}"), line(format!("route replace {public}/32 via {LINK_NEXT_HOP} dev {dev} onlink"), Some(format!("route del {public}/32"))));
        }
        out.nat.insert(router, nat_table(&dev, &pairs, &blocked(state, vpc)));
        out.ends.entry(vpc.clone()).or_default().insert(g.id.clone(), dev.clone());
        six.entry(vpc.clone()).or_default().0 = Some(dev);
        out.links.push(link);
    }
    for g in state.egress_only_internet_gateways.values().filter(|g| state.vpcs.contains_key(&g.vpc_id)) {
        let dev = names::ifname('o', &g.id);
        let link = gateway_link(&g.id, &dev, &names::ns(prefix, &g.vpc_id), &inet);
        ip.insert(format!("link {dev}"), line(format!("link set {dev} up"), None));
        out.ends.entry(g.vpc_id.clone()).or_default().insert(g.id.clone(), dev.clone());
        six.entry(g.vpc_id.clone()).or_default().1 = Some(dev);
        out.links.push(link);
    }
    for (vpc, (igw, eigw)) in &six {
        let blocks: Vec<_> = state.vpcs[vpc].ipv6_cidrs().collect();
        if blocks.is_empty() {
            continue;
        }
        let router = names::ns(prefix, vpc);
        // Into the VPC: by its internet gateway when it has one (an
        // egress-only gateway only lets replies in, and those find the
        // VPC router's conntrack whichever link they take).
        if let Some(dev) = igw.as_ref().or(eigw.as_ref()) {
            let mac = &out.links.iter().find(|l| &l.ifname == dev && l.a_ns == router).map(|l| l.a_mac.clone()).unwrap_or_default();
            ip.insert(format!("neigh6 {dev}"), line(format!("neigh replace {LINK_NEXT_HOP6} lladdr {mac} dev {dev} nud permanent"), None));
            for b in blocks {
                ip.insert(format!("route {b}"), line(format!("route replace {b} via {LINK_NEXT_HOP6} dev {dev}"), Some(format!("route del {b}"))));
            }
        }
        let t = out.nat.entry(router).or_default();
        t.push_str(&ipv6_table(igw.as_deref(), eigw.as_deref(), &blocked(state, vpc)));
    }
    if !out.links.is_empty() {
        let host = INTERNET_HOST;
        ip.insert(format!("addr {host}"), line(format!("addr replace {host}/32 dev lo"), None));
        // AWS services' public addresses are on the internet too: what an
        // internet or NAT gateway carries there is answered (refused by
        // the kernel where nothing listens), as the engine decides.
        let pool = xvpc_model::prefix_list::SERVICE_POOL;
        ip.insert(format!("local {pool}"), line(format!("route replace local {pool} dev lo table local"), None));
        // The IPv6 host once some VPC reaches the internet over IPv6.
        if ip.keys().any(|k| k.starts_with("neigh6 ")) {
            let host6 = INTERNET_HOST6;
            ip.insert(format!("addr {host6}"), line(format!("addr replace {host6}/128 dev lo"), Some(format!("addr del {host6}/128 dev lo"))));
        }
        out.router = Some((inet, ip));
    }
    out
}

/// The addresses of a VPC's ENIs whose internet traffic VPC Block Public
/// Access stops (as `xvpc_model::block_public_access` and the engine
/// decide): dropped in the VPC router after the firewall.
#[derive(Debug, Default)]
struct Blocked {
    /// Private IPv4 addresses that may not send through the internet
    /// gateway (their connections out, and replies to connections in).
    v4_out: Vec<Ipv4Addr>,
    /// Private IPv4 addresses no connection from the internet may reach.
    v4_in: Vec<Ipv4Addr>,
    /// IPv6 addresses that may not send through the internet gateway.
    v6_out: Vec<Ipv6Addr>,
    v6_in: Vec<Ipv6Addr>,
    /// IPv6 addresses that may not send through the egress-only gateway.
    v6_eigw: Vec<Ipv6Addr>,
}

fn blocked(state: &State, vpc_id: &str) -> Blocked {
    let mut b = Blocked::default();
    let Some(vpc) = state.vpcs.get(vpc_id) else { return b };
    if xvpc_model::block_public_access::mode(state, &vpc.owner, &vpc.region) == xvpc_model::block_public_access::BlockMode::Off {
        return b;
    }
    for e in state.network_interfaces.values().filter(|e| e.vpc_id == vpc_id) {
        let effect = xvpc_model::block_public_access::effect(state, vpc, &e.subnet_id);
        // A NAT gateway only lets connections out: `block-ingress` allows it.
        let nat = xvpc_model::nat_gateway::of_interface(state, &e.id).is_some();
        if if nat { effect.blocks_outbound_only() } else { effect.blocks_igw_egress() } {
            b.v4_out.push(e.private_ip);
            b.v6_out.extend(&e.ipv6_addresses);
        }
        if effect.blocks_igw_ingress() {
            b.v4_in.push(e.private_ip);
            b.v6_in.extend(&e.ipv6_addresses);
        }
        if effect.blocks_outbound_only() {
            b.v6_eigw.extend(&e.ipv6_addresses);
        }
    }
    for v in [&mut b.v4_out, &mut b.v4_in] {
        v.sort();
    }
    for v in [&mut b.v6_out, &mut b.v6_in, &mut b.v6_eigw] {
        v.sort();
    }
    b
}

/// `{ a, b }` for an nft set of addresses.
fn set<T: std::fmt::Display>(items: &[T]) -> String {
    format!("{{ {} }}", items.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", "))
}

/// Block Public Access drops for one gateway link: sources that may not
/// leave through it, and new connections in to destinations it may not
/// reach (replies to their own connections still come in).
fn bpa_rules(t: &mut String, family: &str, dev: &str, out: &[impl std::fmt::Display], inbound: &[impl std::fmt::Display]) {
    if !out.is_empty() {
        let _ = writeln!(t, "    oifname \"{dev}\" {family} saddr {} drop", set(out));
    }
    if !inbound.is_empty() {
        let _ = writeln!(t, "    iifname \"{dev}\" {family} daddr {} ct state new drop", set(inbound));
    }
}

/// The link of gateway `id` between a VPC router and the internet.
fn gateway_link(id: &str, dev: &str, router: &str, inet: &str) -> Link {
    Link {
        id: id.to_string(),
        ifname: dev.to_string(),
        a_ns: router.to_string(),
        a_mac: names::mac(0x0a, &format!("{id}/vpc")),
        b_ns: inet.to_string(),
        b_mac: names::mac(0x0a, &format!("{id}/internet")),
        mtu: MTU,
    }
}

/// The VPC router's IPv6 rules for its gateways' links (after the
/// firewall): only global unicast destinations leave, and nothing the
/// internet initiates comes in over an egress-only gateway.
fn ipv6_table(igw: Option<&str>, eigw: Option<&str>, blocked: &Blocked) -> String {
    let mut t = String::from("table ip6 xvpc_nat {\n  chain forward {\n    type filter hook forward priority filter + 10; policy accept;\n");
    if let Some(dev) = igw {
        bpa_rules(&mut t, "ip6", dev, &blocked.v6_out, &blocked.v6_in);
    }
    if let Some(dev) = eigw {
        bpa_rules(&mut t, "ip6", dev, &blocked.v6_eigw, &[] as &[Ipv6Addr]);
    }
    if let Some(dev) = eigw {
        let _ = writeln!(t, "    iifname \"{dev}\" ct state != {{ established, related }} drop");
    }
    let devs: Vec<String> = igw.into_iter().chain(eigw).map(|d| format!("\"{d}\"")).collect();
    let _ = writeln!(t, "    oifname {{ {} }} ip6 daddr != 2000::/3 drop", devs.join(", "));
    t += "  }\n}\n";
    t
}

/// The VPC router's NAT for one gateway link `dev`: DNAT in, SNAT out, and
/// the gateway's refusals (no public address, private destinations).
fn nat_table(dev: &str, pairs: &[(Ipv4Addr, Ipv4Addr)], blocked: &Blocked) -> String {
    let mut t = String::from("table ip xvpc_nat {\n  chain pre {\n    type nat hook prerouting priority dstnat; policy accept;\n");
    for (public, private) in pairs {
        let _ = writeln!(t, "    iifname \"{dev}\" ip daddr {public} dnat ip to {private}");
    }
    t += "  }\n  chain post {\n    type nat hook postrouting priority srcnat; policy accept;\n";
    for (public, private) in pairs {
        let _ = writeln!(t, "    oifname \"{dev}\" ip saddr {private} snat ip to {public}");
    }
    // After the firewall (priority filter): what may leave for the internet.
    t += "  }\n  chain forward {\n    type filter hook forward priority filter + 10; policy accept;\n";
    let _ = writeln!(t, "    oifname \"{dev}\" ip daddr {{ {REFUSED} }} drop");
    bpa_rules(&mut t, "ip", dev, &blocked.v4_out, &blocked.v4_in);
    if !pairs.is_empty() {
        let list: Vec<String> = pairs.iter().map(|(_, p)| p.to_string()).collect();
        let _ = writeln!(t, "    oifname \"{dev}\" ip saddr {{ {} }} accept", list.join(", "));
    }
    let _ = writeln!(t, "    oifname \"{dev}\" drop");
    t += "  }\n}\n";
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nat_maps_each_public_address_and_drops_the_rest() {
        let t = nat_table("gabc", &[("198.18.0.5".parse().unwrap(), "10.0.1.4".parse().unwrap())], &Blocked::default());
        assert!(t.contains("iifname \"gabc\" ip daddr 198.18.0.5 dnat ip to 10.0.1.4"), "{t}");
        assert!(t.contains("oifname \"gabc\" ip saddr 10.0.1.4 snat ip to 198.18.0.5"), "{t}");
        assert!(t.contains("oifname \"gabc\" ip saddr { 10.0.1.4 } accept\n    oifname \"gabc\" drop"), "{t}");
        // Nobody mapped: everything towards the internet is dropped.
        let t = nat_table("gabc", &[], &Blocked::default());
        assert!(!t.contains("accept\n    oifname") && t.contains("oifname \"gabc\" drop"), "{t}");
    }

    #[test]
    fn block_public_access_drops_before_the_accepts() {
        let b = Blocked { v4_out: vec!["10.0.1.4".parse().unwrap()], v4_in: vec!["10.0.1.4".parse().unwrap(), "10.0.1.5".parse().unwrap()], ..Default::default() };
        let t = nat_table("gabc", &[("198.18.0.5".parse().unwrap(), "10.0.1.4".parse().unwrap())], &b);
        let out = t.find("oifname \"gabc\" ip saddr { 10.0.1.4 } drop").expect(&t);
        assert!(out < t.find("ip saddr { 10.0.1.4 } accept").expect(&t), "{t}");
        assert!(t.contains("iifname \"gabc\" ip daddr { 10.0.1.4, 10.0.1.5 } ct state new drop"), "{t}");
        let six = Blocked { v6_eigw: vec!["2001:db8::5".parse().unwrap()], ..Default::default() };
        let t = ipv6_table(None, Some("oabc"), &six);
        assert!(t.contains("oifname \"oabc\" ip6 saddr { 2001:db8::5 } drop"), "{t}");
    }
}
