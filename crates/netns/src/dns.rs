//! The Amazon DNS server (Route 53 Resolver) of each VPC: what it answers,
//! computed from a model snapshot. Pure: no I/O. [`crate::resolver`] serves
//! it at the VPC's base + 2 and at 169.254.169.253.
//!
//! What it knows, per the AWS documentation:
//! - interface endpoint DNS names, exactly as DescribeVpcEndpoints'
//!   `DnsEntries` lists them: the regional name resolves to every endpoint
//!   ENI, each zonal name to the ENI in that zone. These are public names
//!   ("the Regional endpoint domain name of an interface endpoint can be
//!   resolved from any network", AWS re:Post "vpc-interface-configure-dns"),
//!   so every VPC's resolver answers them;
//! - the service's private DNS name, for an endpoint with private DNS
//!   enabled, in the consumer VPC only, and only when the VPC has both
//!   `enableDnsSupport` and `enableDnsHostnames` ("To use a private hosted
//!   zone, you must set the following VPC attributes to true", EC2 API
//!   reference, CreateVpcEndpoint `PrivateDnsEnabled`);
//! - Amazon-provided private hostnames (`ip-10-1-1-10.ec2.internal`, the
//!   `PrivateDnsName` DescribeInstances returns) of every address in the
//!   VPC, in that VPC only, when both attributes are on ("The
//!   Amazon-provided DNS server resolves Amazon-provided private DNS
//!   hostnames if you've enabled DNS resolution and DNS hostnames in your
//!   VPC", EC2 API reference, `Instance.PrivateDnsName`).
//!
//! With `enableDnsSupport` off the resolver does not answer at all ("If
//! disabled, the Amazon provided DNS service in the VPC ... is not
//! enabled", ModifyVpcAttribute). Names it does not know get NXDOMAIN:
//! nothing is forwarded off the machine, where AWS would recurse to the
//! internet.
//!
//! Security groups and network ACLs do not filter it: "Security groups
//! cannot block DNS requests to or from the Route 53 Resolver (sometimes
//! referred to as the VPC+2 IP address or AmazonProvidedDNS)"
//! (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html)
//! and "Amazon security groups and network ACLs don't filter traffic to or
//! from ... AWS-reserved IPv4 addresses ... (including the Amazon DNS server
//! address for the VPC)" (VPC User Guide, infrastructure security). The
//! router's firewall filters only forwarded packets, and queries are
//! delivered locally, so nothing is needed for that.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use xvpc_model::cidr::Ipv4Net;
use xvpc_model::network_interface::private_dns_name;
use xvpc_model::vpc::Vpc;
use xvpc_model::State;

use crate::dns_message::{self, Decoded, Rcode, CLASS_IN, TYPE_A, TYPE_ANY};

/// The resolver's link-local address, answered in every VPC as well as
/// base + 2 ("queries to the Amazon provided DNS server at the
/// 169.254.169.253 IP address, or the reserved IP address at the base of
/// the VPC network range plus two succeed", ModifyVpcAttribute).
pub const LINK_LOCAL: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 253);

/// What one VPC's resolver answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub vpc_id: String,
    /// Base + 2 of the primary CIDR.
    pub address: Ipv4Addr,
    /// `enableDnsSupport`: when false, queries get no answer.
    pub enabled: bool,
    /// The VPC's blocks: only queries from inside the VPC are answered
    /// (a peer reaching this router over a link is not).
    pub cidrs: Vec<Ipv4Net>,
    /// Lower-case name (no trailing dot) → addresses.
    pub records: BTreeMap<String, Vec<Ipv4Addr>>,
}

/// The resolver's address in a VPC: base + 2 of its primary block.
pub fn address(vpc: &Vpc) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(vpc.primary_cidr().network()) + 2)
}

/// The search domain of the default DHCP options: `ec2.internal` in
/// us-east-1, `<region>.compute.internal` elsewhere.
pub fn search_domain(region: &str) -> String {
    private_dns_name(region, Ipv4Addr::UNSPECIFIED).split_once('.').map(|(_, d)| d.to_string()).unwrap_or_default()
}

/// The `resolv.conf` a guest in `vpc` gets (what the default DHCP options
/// set, `domain-name-servers=AmazonProvidedDNS`, tell an instance).
pub fn resolv_conf(vpc: &Vpc) -> String {
    format!("# written by xvpc: the VPC's Amazon DNS server\nsearch {}\nnameserver {}\n", search_domain(&vpc.region), address(vpc))
}

fn add(records: &mut BTreeMap<String, Vec<Ipv4Addr>>, name: &str, ip: Ipv4Addr) {
    let v = records.entry(name.trim_end_matches('.').to_ascii_lowercase()).or_default();
    if !v.contains(&ip) {
        v.push(ip);
    }
}

/// Every VPC's zone, by VPC id.
pub fn zones(state: &State) -> BTreeMap<String, Zone> {
    // Public names (endpoint regional and zonal names): in every VPC.
    let mut public = BTreeMap::new();
    // Private names: per VPC.
    let mut private: BTreeMap<&str, BTreeMap<String, Vec<Ipv4Addr>>> = BTreeMap::new();
    let full_dns = |vpc_id: &str| state.vpcs.get(vpc_id).is_some_and(|v| v.enable_dns_support && v.enable_dns_hostnames);

    for ep in state.vpc_endpoints.values() {
        if !ep.endpoint_type.eq_ignore_ascii_case("interface") || !ep.state.is_connected() {
            continue;
        }
        let entries = ep.dns_entries(state);
        let enis: Vec<_> = ep.network_interface_ids.iter().filter_map(|id| state.network_interfaces.get(id)).collect();
        for e in &enis {
            if let Some(regional) = entries.first() {
                add(&mut public, &regional.dns_name, e.private_ip);
            }
            let zonal = format!("{}-{}-{}.", ep.id, ep.dns_suffix, e.availability_zone);
            for z in entries.iter().skip(1).filter(|z| z.dns_name.starts_with(&zonal)) {
                add(&mut public, &z.dns_name, e.private_ip);
            }
        }
        // A customer service's private name, or an AWS service's API
        // hostnames (`ec2.us-east-1.amazonaws.com`), in the endpoint's VPC.
        if full_dns(&ep.vpc_id) {
            for name in ep.private_dns_names(state) {
                for e in &enis {
                    add(private.entry(ep.vpc_id.as_str()).or_default(), &name, e.private_ip);
                }
            }
        }
    }
    for e in state.network_interfaces.values().filter(|e| full_dns(&e.vpc_id)) {
        for ip in e.all_ips() {
            add(private.entry(e.vpc_id.as_str()).or_default(), &private_dns_name(&e.region, ip), ip);
        }
    }

    state
        .vpcs
        .values()
        .map(|v| {
            let mut records = public.clone();
            for (name, ips) in private.remove(v.id.as_str()).unwrap_or_default() {
                for ip in ips {
                    add(&mut records, &name, ip);
                }
            }
            (v.id.clone(), Zone { vpc_id: v.id.clone(), address: address(v), enabled: v.enable_dns_support, cidrs: v.cidrs().collect(), records })
        })
        .collect()
}

impl Zone {
    /// The addresses of `name` (any case, trailing dot or not).
    pub fn lookup(&self, name: &str) -> Option<&[Ipv4Addr]> {
        self.records.get(&name.trim_end_matches('.').to_ascii_lowercase()).map(Vec::as_slice)
    }

    /// The response to a query packet from `from`, or `None` when the
    /// resolver stays silent (DNS support off, a sender outside the VPC,
    /// or a packet not worth an answer).
    pub fn respond(&self, packet: &[u8], from: Ipv4Addr) -> Option<Vec<u8>> {
        if !self.enabled || !self.cidrs.iter().any(|c| c.contains(&from)) {
            return None;
        }
        let q = match dns_message::decode(packet) {
            Decoded::Query(q) => q,
            Decoded::Error(r) => return Some(r),
            Decoded::Drop => return None,
        };
        if q.qclass != CLASS_IN {
            return Some(dns_message::respond(&q, Rcode::Refused, &[]));
        }
        let found = q.name.as_deref().and_then(|n| self.lookup(n));
        Some(match found {
            None => dns_message::respond(&q, Rcode::NxDomain, &[]),
            // A known name: its A records, or no data for other types
            // (AAAA: the data plane has no IPv6).
            Some(ips) if q.qtype == TYPE_A || q.qtype == TYPE_ANY => dns_message::respond(&q, Rcode::NoError, ips),
            Some(_) => dns_message::respond(&q, Rcode::NoError, &[]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The record set itself is tested in tests/dns.rs, beside the packets
    // that exercise it (one model world for both).
    #[test]
    fn search_domains_follow_the_region() {
        assert_eq!(search_domain("us-east-1"), "ec2.internal");
        assert_eq!(search_domain("eu-west-1"), "eu-west-1.compute.internal");
        assert_eq!(private_dns_name("eu-west-1", Ipv4Addr::new(10, 0, 0, 5)), "ip-10-0-0-5.eu-west-1.compute.internal");
    }
}
