//! Lookups the analysis needs many times, built once per snapshot: which
//! route table and ACL govern each subnet, which ENI holds an address.

use std::collections::HashMap;
use std::net::IpAddr;

use xvpc_model::network_acl::NetworkAcl;
use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::route_table::RouteTable;
use xvpc_model::subnet::Subnet;
use xvpc_model::vpc::Vpc;
use xvpc_model::State;

use crate::component::{Component, Kind};

/// Which route table and ACL govern each subnet.
#[derive(Default)]
struct SubnetIndex<'a> {
    subnet_table: HashMap<&'a str, &'a RouteTable>,
    main_table: HashMap<&'a str, &'a RouteTable>,
    subnet_acl: HashMap<&'a str, &'a NetworkAcl>,
    default_acl: HashMap<&'a str, &'a NetworkAcl>,
}

/// Lookups before the subnet index is worth building: a single trace asks
/// a handful, which a scan answers faster than building maps over every
/// table of a large organisation; a matrix asks millions.
const SCANS_BEFORE_INDEX: u32 = 32;

/// A read-only index over one snapshot.
pub struct Topology<'a> {
    pub state: &'a State,
    /// Milliseconds since the epoch: derived states (expiry) depend on it.
    pub now: i64,
    lookups: std::cell::Cell<u32>,
    index: std::cell::OnceCell<SubnetIndex<'a>>,
    /// ENIs by (VPC, address): addresses are unique within a VPC only.
    /// Built on first use (only address destinations need it).
    by_ip: std::cell::OnceCell<HashMap<(&'a str, IpAddr), &'a NetworkInterface>>,
}

impl<'a> Topology<'a> {
    pub fn new(state: &'a State, now: i64) -> Topology<'a> {
        Topology { state, now, lookups: std::cell::Cell::new(0), index: std::cell::OnceCell::new(), by_ip: std::cell::OnceCell::new() }
    }

    /// The subnet index, once enough lookups justify it.
    fn index(&self) -> Option<&SubnetIndex<'a>> {
        if let Some(i) = self.index.get() {
            return Some(i);
        }
        let n = self.lookups.get() + 1;
        self.lookups.set(n);
        if n <= SCANS_BEFORE_INDEX {
            return None;
        }
        Some(self.index.get_or_init(|| {
            let mut x = SubnetIndex::default();
            for t in self.state.route_tables.values() {
                if t.main {
                    x.main_table.insert(t.vpc_id.as_str(), t);
                }
                for a in &t.associations {
                    if let Some(s) = &a.subnet_id {
                        x.subnet_table.insert(s.as_str(), t);
                    }
                }
            }
            for acl in self.state.network_acls.values() {
                if acl.is_default {
                    x.default_acl.insert(acl.vpc_id.as_str(), acl);
                }
                for a in &acl.associations {
                    x.subnet_acl.insert(a.subnet_id.as_str(), acl);
                }
            }
            x
        }))
    }

    pub fn vpc(&self, id: &str) -> Option<&'a Vpc> {
        self.state.vpcs.get(id)
    }

    pub fn subnet(&self, id: &str) -> Option<&'a Subnet> {
        self.state.subnets.get(id)
    }

    pub fn eni(&self, id: &str) -> Option<&'a NetworkInterface> {
        self.state.network_interfaces.get(id)
    }

    /// The route table of a subnet: its explicit association, else main.
    pub fn route_table(&self, subnet: &Subnet) -> Option<&'a RouteTable> {
        match self.index() {
            Some(x) => x.subnet_table.get(subnet.id.as_str()).or_else(|| x.main_table.get(subnet.vpc_id.as_str())).copied(),
            None => xvpc_model::route_table::table_for_subnet(self.state, &subnet.id, &subnet.vpc_id),
        }
    }

    /// The ACL of a subnet: its association, else the VPC's default ACL.
    pub fn network_acl(&self, subnet: &Subnet) -> Option<&'a NetworkAcl> {
        match self.index() {
            Some(x) => x.subnet_acl.get(subnet.id.as_str()).or_else(|| x.default_acl.get(subnet.vpc_id.as_str())).copied(),
            None => {
                let acls = || self.state.network_acls.values();
                acls().find(|a| a.associations.iter().any(|x| x.subnet_id == subnet.id)).or_else(|| acls().find(|a| a.is_default && a.vpc_id == subnet.vpc_id))
            }
        }
    }

    /// The ENI holding `ip` (either family) in `vpc`.
    pub fn eni_by_ip(&self, vpc: &str, ip: IpAddr) -> Option<&'a NetworkInterface> {
        let map = self.by_ip.get_or_init(|| {
            let mut m = HashMap::new();
            for e in self.state.network_interfaces.values() {
                for ip in e.all_addresses() {
                    m.insert((e.vpc_id.as_str(), ip), e);
                }
            }
            m
        });
        map.get(&(vpc, ip)).copied()
    }

    /// The VPCs with a block containing `ip`.
    pub fn vpcs_containing(&self, ip: IpAddr) -> impl Iterator<Item = &'a Vpc> + '_ {
        self.state.vpcs.values().filter(move |v| v.contains_ip(ip))
    }

    pub fn eni_component(&self, e: &NetworkInterface) -> Component {
        Component::new(Kind::NetworkInterface, &e.id, &e.owner, &e.region).named(&e.tags)
    }

    pub fn subnet_component(&self, s: &Subnet) -> Component {
        Component::new(Kind::Subnet, &s.id, &s.owner, &s.region).named(&s.tags)
    }

    pub fn vpc_component(&self, v: &Vpc) -> Component {
        Component::new(Kind::Vpc, &v.id, &v.owner, &v.region).named(&v.tags)
    }

    pub fn table_component(&self, t: &RouteTable) -> Component {
        Component::new(Kind::RouteTable, &t.id, &t.owner, &t.region).named(&t.tags)
    }

    pub fn acl_component(&self, a: &NetworkAcl) -> Component {
        Component::new(Kind::NetworkAcl, &a.id, &a.owner, &a.region).named(&a.tags)
    }

    pub fn group_component(&self, id: &str) -> Component {
        match self.state.security_groups.get(id) {
            Some(g) => Component::new(Kind::SecurityGroup, &g.id, &g.owner, &g.region).named(&g.tags),
            None => Component::new(Kind::SecurityGroup, id, "", ""),
        }
    }
}
