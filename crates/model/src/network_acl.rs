//! Network ACLs: stateless, numbered rules per direction, one ACL per subnet.

use serde::{Deserialize, Serialize};

use crate::cidr::Ipv4Net;
use crate::ids::new_id;
use crate::tags::Tags;
use crate::vpc::Vpc;

/// The implicit last rule of every ACL (`*` in the console).
pub const DEFAULT_RULE_NUMBER: i64 = 32767;

/// A network ACL of one VPC.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub vpc_id: String,
    pub is_default: bool,
    pub entries: Vec<NaclEntry>,
    pub associations: Vec<NaclAssociation>,
    pub tags: Tags,
}
crate::impl_owned!(NetworkAcl);

/// One entry. `protocol` is a number string (`-1` for all), as AWS
/// describes NACL entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NaclEntry {
    pub rule_number: i64,
    pub egress: bool,
    pub protocol: String,
    pub allow: bool,
    pub cidr: Ipv4Net,
    pub port_range: Option<(i32, i32)>,
    pub icmp: Option<(i32, i32)>,
}

/// The association of a subnet with this ACL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NaclAssociation {
    pub id: String,
    pub subnet_id: String,
}

impl NaclEntry {
    /// Whether the entry matches a packet (protocol number, peer address,
    /// destination port).
    pub fn matches(&self, protocol: u8, peer: std::net::Ipv4Addr, port: u16) -> bool {
        if !self.cidr.contains(&peer) {
            return false;
        }
        if self.protocol != "-1" && self.protocol.parse::<u8>().ok() != Some(protocol) {
            return false;
        }
        match (protocol, self.port_range) {
            (6 | 17, Some((from, to))) if self.protocol != "-1" => (from..=to).contains(&i32::from(port)),
            _ => true,
        }
    }

    fn catch_all(egress: bool, allow: bool, rule_number: i64) -> NaclEntry {
        NaclEntry {
            rule_number,
            egress,
            protocol: "-1".into(),
            allow,
            cidr: "0.0.0.0/0".parse().expect("literal CIDR"),
            port_range: None,
            icmp: None,
        }
    }
}

impl NetworkAcl {
    /// The default ACL of a new VPC: rule 100 allows everything both ways,
    /// then the final deny.
    pub fn default_for(vpc: &Vpc) -> NetworkAcl {
        let mut acl = NetworkAcl::custom_for(vpc);
        acl.is_default = true;
        acl.entries.insert(0, NaclEntry::catch_all(false, true, 100));
        acl.entries.insert(0, NaclEntry::catch_all(true, true, 100));
        acl
    }

    /// A new custom ACL: only the final deny in each direction.
    pub fn custom_for(vpc: &Vpc) -> NetworkAcl {
        NetworkAcl {
            id: new_id("acl"),
            owner: vpc.owner.clone(),
            region: vpc.region.clone(),
            vpc_id: vpc.id.clone(),
            is_default: false,
            entries: vec![
                NaclEntry::catch_all(true, false, DEFAULT_RULE_NUMBER),
                NaclEntry::catch_all(false, false, DEFAULT_RULE_NUMBER),
            ],
            associations: Vec::new(),
            tags: Tags::new(),
        }
    }

    /// Evaluates one direction: lowest rule number first, first match wins.
    /// Returns the matching entry (the final deny always matches).
    pub fn evaluate(&self, egress: bool, protocol: u8, peer: std::net::Ipv4Addr, port: u16) -> Option<&NaclEntry> {
        let mut rules: Vec<&NaclEntry> = self.entries.iter().filter(|e| e.egress == egress).collect();
        rules.sort_by_key(|e| e.rule_number);
        rules.into_iter().find(|e| e.matches(protocol, peer, port))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vpc() -> Vpc {
        Vpc {
            id: "vpc-1".into(),
            owner: "111111111111".into(),
            region: "us-east-1".into(),
            cidr_blocks: vec![crate::vpc::CidrBlock { association_id: "a".into(), cidr: "10.0.0.0/16".parse().unwrap() }],
            instance_tenancy: "default".into(),
            dhcp_options_id: "default".into(),
            is_default: false,
            enable_dns_support: true,
            enable_dns_hostnames: false,
            tags: Tags::new(),
            created_at: 0,
        }
    }

    #[test]
    fn first_match_by_rule_number() {
        let mut acl = NetworkAcl::custom_for(&vpc());
        let ip = "10.2.0.5".parse().unwrap();
        assert!(!acl.evaluate(false, 6, ip, 80).unwrap().allow, "custom ACL denies all");
        acl.entries.push(NaclEntry { rule_number: 200, egress: false, protocol: "6".into(), allow: true, cidr: "10.2.0.0/16".parse().unwrap(), port_range: Some((80, 80)), icmp: None });
        acl.entries.push(NaclEntry { rule_number: 100, egress: false, protocol: "6".into(), allow: false, cidr: "10.2.0.5/32".parse().unwrap(), port_range: Some((80, 80)), icmp: None });
        assert_eq!(acl.evaluate(false, 6, ip, 80).unwrap().rule_number, 100);
        assert!(acl.evaluate(false, 6, "10.2.0.6".parse().unwrap(), 80).unwrap().allow);
        assert!(!acl.evaluate(false, 6, "10.2.0.6".parse().unwrap(), 81).unwrap().allow);
        assert!(NetworkAcl::default_for(&vpc()).evaluate(true, 17, ip, 53).unwrap().allow);
    }
}
