//! The lookups a trace makes, answered from indexes kept with the state
//! (`State::derived`: built on first use, rebuilt only after a table they
//! read changes) instead of scans of whole tables. A trace then costs
//! about the same in an organisation of 10,000 VPCs as in one of ten.
//!
//! Each index holds ids, in id order where a scan would have returned the
//! first match, so that every answer is the one the scan gave.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use xvpc_model::cidr::{IpNet, Ipv4Net, Ipv6Net};
use xvpc_model::State;

/// Which route table and ACL govern each subnet.
#[derive(Default)]
pub struct Governing {
    pub subnet_table: HashMap<String, String>,
    pub main_table: HashMap<String, String>,
    pub subnet_acl: HashMap<String, String>,
    pub default_acl: HashMap<String, String>,
}

impl Governing {
    /// The first match in id order, as `table_for_subnet` and the ACL scan
    /// return.
    pub fn of(state: &State) -> Arc<Governing> {
        state.derived(&[state.route_tables.stamp(), state.network_acls.stamp()], |state| {
            let mut x = Governing::default();
            for t in state.route_tables.values() {
                if t.main {
                    x.main_table.entry(t.vpc_id.clone()).or_insert_with(|| t.id.clone());
                }
                for a in &t.associations {
                    if let Some(s) = &a.subnet_id {
                        x.subnet_table.entry(s.clone()).or_insert_with(|| t.id.clone());
                    }
                }
            }
            for acl in state.network_acls.values() {
                if acl.is_default {
                    x.default_acl.entry(acl.vpc_id.clone()).or_insert_with(|| acl.id.clone());
                }
                for a in &acl.associations {
                    x.subnet_acl.entry(a.subnet_id.clone()).or_insert_with(|| acl.id.clone());
                }
            }
            x
        })
    }
}

/// Which interfaces hold an address.
#[derive(Default)]
pub struct Addresses {
    /// (VPC, address) → the interface (the last in id order, as the
    /// engine's map always answered).
    pub in_vpc: HashMap<(String, IpAddr), String>,
    /// Address → every interface holding it, in id order (`holds`).
    pub holders: HashMap<IpAddr, Vec<String>>,
    /// Public address (public IPv4, or any IPv6) → the first interface.
    pub public_v4: HashMap<IpAddr, String>,
    pub public_v6: HashMap<IpAddr, String>,
}

impl Addresses {
    pub fn of(state: &State) -> Arc<Addresses> {
        state.derived(&[state.network_interfaces.stamp()], |state| {
            let mut x = Addresses::default();
            for e in state.network_interfaces.values() {
                for ip in e.all_addresses() {
                    x.in_vpc.insert((e.vpc_id.clone(), ip), e.id.clone());
                    let h = x.holders.entry(ip).or_default();
                    if h.last() != Some(&e.id) {
                        h.push(e.id.clone());
                    }
                }
                if let Some(p) = e.public_ip {
                    x.public_v4.entry(IpAddr::V4(p)).or_insert_with(|| e.id.clone());
                }
                for a in &e.ipv6_addresses {
                    x.public_v6.entry(IpAddr::V6(*a)).or_insert_with(|| e.id.clone());
                }
            }
            x
        })
    }
}

/// VPCs by block: for an address, only the VPCs with a block of one of the
/// lengths in use that contains it are candidates (a trie in one level
/// per length present).
#[derive(Default)]
pub struct VpcBlocks {
    lengths_v4: Vec<u8>,
    lengths_v6: Vec<u8>,
    by_block: HashMap<IpNet, Vec<String>>,
}

impl VpcBlocks {
    pub fn of(state: &State) -> Arc<VpcBlocks> {
        state.derived(&[state.vpcs.stamp()], |state| {
            let mut x = VpcBlocks::default();
            for v in state.vpcs.values() {
                for block in v.all_cidrs() {
                    let block = block.trunc();
                    match block {
                        IpNet::V4(_) => x.lengths_v4.push(block.prefix_len()),
                        IpNet::V6(_) => x.lengths_v6.push(block.prefix_len()),
                    }
                    let ids = x.by_block.entry(block).or_default();
                    if ids.last() != Some(&v.id) {
                        ids.push(v.id.clone());
                    }
                }
            }
            for l in [&mut x.lengths_v4, &mut x.lengths_v6] {
                l.sort_unstable();
                l.dedup();
            }
            x
        })
    }

    /// The ids of VPCs with a block containing `ip`, in id order.
    pub fn containing(&self, ip: IpAddr) -> Vec<&str> {
        let blocks: Vec<IpNet> = match ip {
            IpAddr::V4(a) => self.lengths_v4.iter().filter_map(|l| Ipv4Net::new(a, *l).ok()).map(|n| IpNet::V4(n.trunc())).collect(),
            IpAddr::V6(a) => self.lengths_v6.iter().filter_map(|l| Ipv6Net::new(a, *l).ok()).map(|n| IpNet::V6(n.trunc())).collect(),
        };
        let mut ids: Vec<&str> = blocks.iter().filter_map(|b| self.by_block.get(b)).flatten().map(String::as_str).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

/// Peering connections by the pair of VPCs they join, gateways by VPC,
/// subnets by VPC, NAT gateways by interface.
#[derive(Default)]
pub struct Links {
    /// (lower VPC id, higher VPC id) → connections, in id order.
    pub peerings: HashMap<(String, String), Vec<String>>,
}

impl Links {
    pub fn of(state: &State) -> Arc<Links> {
        state.derived(&[state.peering_connections.stamp()], |state| {
            let mut x = Links::default();
            for p in state.peering_connections.values() {
                x.peerings.entry(pair(&p.requester.vpc_id, &p.accepter.vpc_id)).or_default().push(p.id.clone());
            }
            x
        })
    }
}

/// The key of a pair of VPCs, whichever side is named first.
pub fn pair(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// What hangs off a VPC or an interface: internet gateways, subnets, NAT
/// gateways.
#[derive(Default)]
pub struct Attached {
    /// VPC → the first internet gateway (id order) attached to it.
    pub internet_gateway: HashMap<String, String>,
    /// VPC → its subnets, in id order.
    pub subnets: HashMap<String, Vec<String>>,
    /// Interface → the first NAT gateway (id order) using it.
    pub nat_gateway: HashMap<String, String>,
    /// VPC → its NAT gateways, in id order.
    pub nat_gateways: HashMap<String, Vec<String>>,
}

impl Attached {
    pub fn of(state: &State) -> Arc<Attached> {
        let stamps = [state.internet_gateways.stamp(), state.subnets.stamp(), state.nat_gateways.stamp()];
        state.derived(&stamps, |state| {
            let mut x = Attached::default();
            for g in state.internet_gateways.values() {
                if let Some(v) = &g.attached_vpc {
                    x.internet_gateway.entry(v.clone()).or_insert_with(|| g.id.clone());
                }
            }
            for s in state.subnets.values() {
                x.subnets.entry(s.vpc_id.clone()).or_default().push(s.id.clone());
            }
            for g in state.nat_gateways.values() {
                if let Some(e) = &g.network_interface_id {
                    x.nat_gateway.entry(e.clone()).or_insert_with(|| g.id.clone());
                }
                x.nat_gateways.entry(g.vpc_id.clone()).or_default().push(g.id.clone());
            }
            x
        })
    }
}

/// Transit gateway attachments by VPC and by transit gateway, in id order.
#[derive(Default)]
pub struct Attachments {
    pub by_vpc: HashMap<String, Vec<String>>,
    pub by_tgw: HashMap<String, Vec<String>>,
}

impl Attachments {
    pub fn of(state: &State) -> Arc<Attachments> {
        state.derived(&[state.transit_gateway_attachments.stamp()], |state| {
            let mut x = Attachments::default();
            for a in state.transit_gateway_attachments.values() {
                x.by_vpc.entry(a.vpc_id.clone()).or_default().push(a.id.clone());
                x.by_tgw.entry(a.transit_gateway_id.clone()).or_default().push(a.id.clone());
            }
            x
        })
    }
}
