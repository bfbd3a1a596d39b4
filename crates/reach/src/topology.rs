//! Lookups the analysis needs many times, built once per snapshot: which
//! route table and ACL govern each subnet, which ENI holds an address.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use xvpc_model::network_acl::NetworkAcl;
use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::route_table::RouteTable;
use xvpc_model::subnet::Subnet;
use xvpc_model::vpc::Vpc;
use xvpc_model::State;

use crate::component::{Component, Kind};

/// A read-only index over one snapshot.
pub struct Topology<'a> {
    pub state: &'a State,
    /// Milliseconds since the epoch: derived states (expiry) depend on it.
    pub now: i64,
    subnet_table: HashMap<&'a str, &'a RouteTable>,
    main_table: HashMap<&'a str, &'a RouteTable>,
    subnet_acl: HashMap<&'a str, &'a NetworkAcl>,
    default_acl: HashMap<&'a str, &'a NetworkAcl>,
    /// ENIs by (VPC, address): addresses are unique within a VPC only.
    by_ip: HashMap<(&'a str, Ipv4Addr), &'a NetworkInterface>,
}

impl<'a> Topology<'a> {
    pub fn new(state: &'a State, now: i64) -> Topology<'a> {
        let mut subnet_table = HashMap::new();
        let mut main_table = HashMap::new();
        for t in state.route_tables.values() {
            if t.main {
                main_table.insert(t.vpc_id.as_str(), t);
            }
            for a in &t.associations {
                if let Some(s) = &a.subnet_id {
                    subnet_table.insert(s.as_str(), t);
                }
            }
        }
        let mut subnet_acl = HashMap::new();
        let mut default_acl = HashMap::new();
        for acl in state.network_acls.values() {
            if acl.is_default {
                default_acl.insert(acl.vpc_id.as_str(), acl);
            }
            for a in &acl.associations {
                subnet_acl.insert(a.subnet_id.as_str(), acl);
            }
        }
        let mut by_ip = HashMap::new();
        for e in state.network_interfaces.values() {
            for ip in e.all_ips() {
                by_ip.insert((e.vpc_id.as_str(), ip), e);
            }
        }
        Topology { state, now, subnet_table, main_table, subnet_acl, default_acl, by_ip }
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
        self.subnet_table.get(subnet.id.as_str()).or_else(|| self.main_table.get(subnet.vpc_id.as_str())).copied()
    }

    /// The ACL of a subnet: its association, else the VPC's default ACL.
    pub fn network_acl(&self, subnet: &Subnet) -> Option<&'a NetworkAcl> {
        self.subnet_acl.get(subnet.id.as_str()).or_else(|| self.default_acl.get(subnet.vpc_id.as_str())).copied()
    }

    /// The ENI holding `ip` in `vpc`.
    pub fn eni_by_ip(&self, vpc: &str, ip: Ipv4Addr) -> Option<&'a NetworkInterface> {
        self.by_ip.get(&(vpc, ip)).copied()
    }

    /// The VPCs with a block containing `ip`.
    pub fn vpcs_containing(&self, ip: Ipv4Addr) -> impl Iterator<Item = &'a Vpc> + '_ {
        self.state.vpcs.values().filter(move |v| v.cidrs().any(|c| c.contains(&ip)))
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
