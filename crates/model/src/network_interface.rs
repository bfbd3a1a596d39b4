//! Elastic network interfaces: the unit security groups apply to, and the
//! endpoints of every path.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::tags::Tags;

/// An ENI in one subnet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub availability_zone: String,
    pub private_ip: Ipv4Addr,
    pub secondary_ips: Vec<Ipv4Addr>,
    /// Security group ids (1–5).
    pub groups: Vec<String>,
    pub description: String,
    /// `interface`, `vpc_endpoint`, `network_load_balancer`,
    /// `transit_gateway`, ... as AWS's `InterfaceType`.
    pub interface_type: String,
    /// Created by a service on the owner's behalf (endpoint, NLB, TGW).
    pub requester_managed: bool,
    pub requester_id: Option<String>,
    pub attachment: Option<EniAttachment>,
    pub source_dest_check: bool,
    pub mac_address: String,
    pub tags: Tags,
}
crate::impl_owned!(NetworkInterface);

/// The attachment of an ENI to an instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EniAttachment {
    pub id: String,
    pub instance_id: String,
    pub device_index: i64,
    pub delete_on_termination: bool,
    pub attach_time: i64,
}

impl NetworkInterface {
    /// Primary and secondary private addresses.
    pub fn all_ips(&self) -> impl Iterator<Item = Ipv4Addr> + '_ {
        std::iter::once(self.private_ip).chain(self.secondary_ips.iter().copied())
    }

    /// `in-use` when attached or service-managed, else `available`.
    pub fn status(&self) -> &'static str {
        if self.attachment.is_some() || self.requester_managed {
            "in-use"
        } else {
            "available"
        }
    }
}

/// A locally administered MAC address derived from the ENI id.
pub fn mac_for(id: &str) -> String {
    let h = id.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
    format!("0e:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", (h >> 32) as u8, (h >> 24) as u8, (h >> 16) as u8, (h >> 8) as u8, h as u8)
}

/// An ENI a service creates in a customer's subnet on the subnet owner's
/// behalf (NLB nodes, interface endpoints): requester-managed, attached to
/// nothing the customer can detach, holding one private address.
pub fn requester_managed(
    subnet: &crate::subnet::Subnet,
    private_ip: Ipv4Addr,
    groups: Vec<String>,
    description: String,
    interface_type: &str,
    requester_id: &str,
) -> NetworkInterface {
    let id = crate::ids::new_id("eni");
    NetworkInterface {
        mac_address: mac_for(&id),
        id,
        owner: subnet.owner.clone(),
        region: subnet.region.clone(),
        vpc_id: subnet.vpc_id.clone(),
        subnet_id: subnet.id.clone(),
        availability_zone: subnet.availability_zone.clone(),
        private_ip,
        secondary_ips: Vec::new(),
        groups,
        description,
        interface_type: interface_type.to_string(),
        requester_managed: true,
        requester_id: Some(requester_id.to_string()),
        attachment: None,
        source_dest_check: true,
        tags: Tags::new(),
    }
}
