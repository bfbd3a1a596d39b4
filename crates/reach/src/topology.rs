//! Lookups the analysis needs many times: which route table and ACL govern
//! each subnet, which ENI holds an address, which VPC holds a block, which
//! connection joins two VPCs; answered from [`crate::index`].

use std::cell::OnceCell;
use std::net::IpAddr;
use std::sync::Arc;

use xvpc_model::internet_gateway::InternetGateway;
use xvpc_model::nat_gateway::NatGateway;
use xvpc_model::peering::VpcPeeringConnection;
use xvpc_model::transit_gateway::TgwAttachment;

use xvpc_model::network_acl::NetworkAcl;
use xvpc_model::network_interface::NetworkInterface;
use xvpc_model::route_table::RouteTable;
use xvpc_model::subnet::Subnet;
use xvpc_model::vpc::Vpc;
use xvpc_model::State;

use crate::component::{Component, Kind};
use crate::index;

/// A read-only view of one snapshot, with the indexes of
/// [`crate::index`] fetched once per view.
pub struct Topology<'a> {
    pub state: &'a State,
    /// Milliseconds since the epoch: derived states (expiry) depend on it.
    pub now: i64,
    governing: OnceCell<Arc<index::Governing>>,
    addresses: OnceCell<Arc<index::Addresses>>,
    blocks: OnceCell<Arc<index::VpcBlocks>>,
    links: OnceCell<Arc<index::Links>>,
    attached: OnceCell<Arc<index::Attached>>,
    attachments: OnceCell<Arc<index::Attachments>>,
}

impl<'a> Topology<'a> {
    pub fn new(state: &'a State, now: i64) -> Topology<'a> {
        Topology {
            state,
            now,
            governing: OnceCell::new(),
            addresses: OnceCell::new(),
            blocks: OnceCell::new(),
            links: OnceCell::new(),
            attached: OnceCell::new(),
            attachments: OnceCell::new(),
        }
    }

    fn governing(&self) -> &index::Governing {
        self.governing.get_or_init(|| index::Governing::of(self.state))
    }

    fn addresses(&self) -> &index::Addresses {
        self.addresses.get_or_init(|| index::Addresses::of(self.state))
    }

    fn attached(&self) -> &index::Attached {
        self.attached.get_or_init(|| index::Attached::of(self.state))
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
        let x = self.governing();
        let id = x.subnet_table.get(&subnet.id).or_else(|| x.main_table.get(&subnet.vpc_id))?;
        self.state.route_tables.get(id)
    }

    /// The ACL of a subnet: its association, else the VPC's default ACL.
    pub fn network_acl(&self, subnet: &Subnet) -> Option<&'a NetworkAcl> {
        let x = self.governing();
        let id = x.subnet_acl.get(&subnet.id).or_else(|| x.default_acl.get(&subnet.vpc_id))?;
        self.state.network_acls.get(id)
    }

    /// The ENI holding `ip` (either family) in `vpc`.
    pub fn eni_by_ip(&self, vpc: &str, ip: IpAddr) -> Option<&'a NetworkInterface> {
        let id = self.addresses().in_vpc.get(&(vpc.to_string(), ip))?;
        self.eni(id)
    }

    /// Every ENI holding `ip`, in any VPC, in id order.
    pub fn enis_holding(&self, ip: IpAddr) -> impl Iterator<Item = &'a NetworkInterface> + '_ {
        self.addresses().holders.get(&ip).into_iter().flatten().filter_map(|id| self.eni(id))
    }

    /// The ENI whose public address is `ip`: its public IPv4 address, or
    /// any of its IPv6 addresses (all public).
    pub fn eni_by_public_ip(&self, ip: IpAddr) -> Option<&'a NetworkInterface> {
        let x = self.addresses();
        let id = if ip.is_ipv4() { x.public_v4.get(&ip) } else { x.public_v6.get(&ip) }?;
        self.eni(id)
    }

    /// The VPCs with a block containing `ip`, in id order.
    pub fn vpcs_containing(&self, ip: IpAddr) -> impl Iterator<Item = &'a Vpc> + '_ {
        let blocks = self.blocks.get_or_init(|| index::VpcBlocks::of(self.state));
        blocks.containing(ip).into_iter().filter_map(|id| self.vpc(id)).filter(move |v| v.contains_ip(ip))
    }

    /// The connections joining two VPCs, in id order.
    pub fn peerings_between(&self, a: &str, b: &str) -> impl Iterator<Item = &'a VpcPeeringConnection> + '_ {
        let links = self.links.get_or_init(|| index::Links::of(self.state));
        links.peerings.get(&index::pair(a, b)).into_iter().flatten().filter_map(|id| self.state.peering_connections.get(id))
    }

    /// The internet gateway attached to a VPC.
    pub fn internet_gateway_of(&self, vpc: &str) -> Option<&'a InternetGateway> {
        self.attached().internet_gateway.get(vpc).and_then(|id| self.state.internet_gateways.get(id))
    }

    /// The subnets of a VPC, in id order.
    pub fn subnets_of(&self, vpc: &str) -> impl Iterator<Item = &'a Subnet> + '_ {
        self.attached().subnets.get(vpc).into_iter().flatten().filter_map(|id| self.subnet(id))
    }

    /// The NAT gateways of a VPC, in id order.
    pub fn nat_gateways_of(&self, vpc: &str) -> impl Iterator<Item = &'a NatGateway> + '_ {
        self.attached().nat_gateways.get(vpc).into_iter().flatten().filter_map(|id| self.state.nat_gateways.get(id))
    }

    fn attachments(&self) -> &index::Attachments {
        self.attachments.get_or_init(|| index::Attachments::of(self.state))
    }

    /// The transit gateway attachments of a VPC, in id order.
    pub fn attachments_of_vpc(&self, vpc: &str) -> impl Iterator<Item = &'a TgwAttachment> + '_ {
        self.attachments().by_vpc.get(vpc).into_iter().flatten().filter_map(|id| self.state.transit_gateway_attachments.get(id))
    }

    /// The attachments to a transit gateway, in id order.
    pub fn attachments_of_tgw(&self, tgw: &str) -> impl Iterator<Item = &'a TgwAttachment> + '_ {
        self.attachments().by_tgw.get(tgw).into_iter().flatten().filter_map(|id| self.state.transit_gateway_attachments.get(id))
    }

    /// The NAT gateway whose interface is `eni`.
    pub fn nat_gateway_of(&self, eni: &str) -> Option<&'a NatGateway> {
        self.attached().nat_gateway.get(eni).and_then(|id| self.state.nat_gateways.get(id))
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
