//! Security groups: stateful, allow-only rules on ENIs.
//!
//! A rule's peer is a CIDR, a prefix list or another security group; a group
//! of a peered VPC (same region, active peering) may be referenced with its
//! owner's account id. Rules have `sgr-` ids.

use serde::{Deserialize, Serialize};

use crate::cidr::Ipv4Net;
use crate::ids::new_id;
use crate::tags::Tags;
use crate::vpc::Vpc;

/// AWS's default quota of rules per direction per group.
pub const RULES_PER_DIRECTION: usize = 60;

/// A security group of one VPC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub vpc_id: String,
    pub name: String,
    pub description: String,
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
    pub tags: Tags,
}
crate::impl_owned!(SecurityGroup);

/// Who a rule admits (ingress) or lets through (egress).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RulePeer {
    Cidr(Ipv4Net),
    /// IPv6 blocks are stored and described, never matched (xvpc routes IPv4).
    Cidr6(String),
    PrefixList(String),
    /// Another group; `user_id` is its owner, `peering_id` the peering
    /// connection named when the group is in a peer VPC.
    Group { group_id: String, user_id: String, vpc_id: Option<String>, peering_id: Option<String> },
}

/// One rule. `protocol` is normalized as AWS describes it: `-1`, `tcp`,
/// `udp`, `icmp`, `icmpv6` or a protocol number. Ports are absent for `-1`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SgRule {
    pub id: String,
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: RulePeer,
    pub description: Option<String>,
}

impl SgRule {
    /// Whether two rules admit the same traffic (AWS's duplicate test
    /// ignores ids and descriptions).
    pub fn same_permission(&self, other: &SgRule) -> bool {
        self.protocol == other.protocol && self.from_port == other.from_port && self.to_port == other.to_port && self.peer == other.peer
    }

    /// Whether the rule admits `protocol` (a number: 6 tcp, 17 udp, 1 icmp)
    /// on `port`.
    pub fn admits(&self, protocol: u8, port: u16) -> bool {
        match protocol_number(&self.protocol) {
            None => true, // -1: everything
            Some(p) if p != protocol => false,
            Some(6) | Some(17) => {
                let from = self.from_port.unwrap_or(0);
                let to = self.to_port.unwrap_or(65535);
                (from..=to).contains(&i32::from(port))
            }
            Some(_) => true,
        }
    }
}

/// Normalizes a protocol as AWS describes it: names for tcp, udp, icmp and
/// icmpv6 (given by name or number), `-1` for all, numbers otherwise.
/// Returns `None` for anything that is not a protocol.
pub fn normalize_protocol(p: &str) -> Option<String> {
    let lower = p.trim().to_ascii_lowercase();
    Some(match lower.as_str() {
        "-1" | "all" => "-1".into(),
        "tcp" | "6" => "tcp".into(),
        "udp" | "17" => "udp".into(),
        "icmp" | "1" => "icmp".into(),
        "icmpv6" | "58" => "icmpv6".into(),
        n => match n.parse::<u16>() {
            Ok(v) if v <= 255 => v.to_string(),
            _ => return None,
        },
    })
}

/// The protocol number of a normalized protocol; `None` means all.
pub fn protocol_number(p: &str) -> Option<u8> {
    match p {
        "-1" => None,
        "tcp" => Some(6),
        "udp" => Some(17),
        "icmp" => Some(1),
        "icmpv6" => Some(58),
        n => n.parse().ok(),
    }
}

impl SecurityGroup {
    /// The `default` group of a new VPC: all egress, and ingress from
    /// members of the group itself.
    pub fn default_for(vpc: &Vpc) -> SecurityGroup {
        let id = new_id("sg");
        SecurityGroup {
            ingress: vec![SgRule {
                id: new_id("sgr"),
                protocol: "-1".into(),
                from_port: None,
                to_port: None,
                peer: RulePeer::Group { group_id: id.clone(), user_id: vpc.owner.clone(), vpc_id: None, peering_id: None },
                description: None,
            }],
            egress: vec![allow_all_egress()],
            id,
            owner: vpc.owner.clone(),
            region: vpc.region.clone(),
            vpc_id: vpc.id.clone(),
            name: "default".into(),
            description: "default VPC security group".into(),
            tags: Tags::new(),
        }
    }

    pub fn is_default(&self) -> bool {
        self.name == "default"
    }

    pub fn arn(&self) -> String {
        format!("arn:aws:ec2:{}:{}:security-group/{}", self.region, self.owner, self.id)
    }
}

/// The egress rule every new group starts with: everything to 0.0.0.0/0.
pub fn allow_all_egress() -> SgRule {
    SgRule {
        id: new_id("sgr"),
        protocol: "-1".into(),
        from_port: None,
        to_port: None,
        peer: RulePeer::Cidr("0.0.0.0/0".parse().expect("literal CIDR")),
        description: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols_normalize_like_aws() {
        assert_eq!(normalize_protocol("TCP").as_deref(), Some("tcp"));
        assert_eq!(normalize_protocol("6").as_deref(), Some("tcp"));
        assert_eq!(normalize_protocol("-1").as_deref(), Some("-1"));
        assert_eq!(normalize_protocol("47").as_deref(), Some("47"));
        assert_eq!(normalize_protocol("256"), None);
        assert_eq!(normalize_protocol("bogus"), None);
    }

    #[test]
    fn rules_admit_by_protocol_and_port() {
        let r = SgRule { id: "sgr-1".into(), protocol: "tcp".into(), from_port: Some(80), to_port: Some(81), peer: RulePeer::Cidr("0.0.0.0/0".parse().unwrap()), description: None };
        assert!(r.admits(6, 80));
        assert!(r.admits(6, 81));
        assert!(!r.admits(6, 82));
        assert!(!r.admits(17, 80));
        assert!(allow_all_egress().admits(17, 53));
    }
}
