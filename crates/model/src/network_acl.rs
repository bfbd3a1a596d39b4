//! Network ACLs: stateless, numbered rules per direction, one ACL per subnet.

use serde::{Deserialize, Serialize};

use std::net::IpAddr;

use crate::cidr::{self, IpNet};
use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::ip_protocol::{self, IpProtocol};
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;
use crate::vpc::Vpc;

/// The implicit last rule of every ACL (`*` in the console).
pub const DEFAULT_RULE_NUMBER: i64 = 32767;

/// The implicit last IPv6 rule of an ACL in a VPC with an IPv6 block (also
/// `*` in the console; DescribeNetworkAcls reports it as 32768).
pub const IPV6_DEFAULT_RULE_NUMBER: i64 = 32768;

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

/// One entry. Ports only for TCP and UDP, type and code only for ICMP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NaclEntry {
    pub rule_number: i64,
    pub egress: bool,
    /// Stored as the number string AWS describes (`"6"`, `"-1"`).
    #[serde(with = "ip_protocol::nacl_form")]
    pub protocol: IpProtocol,
    pub allow: bool,
    /// `CidrBlock` or `Ipv6CidrBlock`, whichever the entry was given (the
    /// stored JSON is the same string for IPv4 as before IPv6 existed).
    pub cidr: IpNet,
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
    /// destination port). An entry of one family never matches the other.
    pub fn matches(&self, protocol: u8, peer: impl Into<IpAddr>, port: u16) -> bool {
        if !self.cidr.contains(&peer.into()) {
            return false;
        }
        if !self.protocol.covers(protocol) {
            return false;
        }
        match self.port_range {
            Some((from, to)) if self.protocol.has_ports() => (from..=to).contains(&i32::from(port)),
            _ => true,
        }
    }

    fn catch_all(egress: bool, allow: bool, rule_number: i64) -> NaclEntry {
        NaclEntry {
            rule_number,
            egress,
            protocol: IpProtocol::All,
            allow,
            cidr: "0.0.0.0/0".parse().expect("literal CIDR"),
            port_range: None,
            icmp: None,
        }
    }

    /// All IPv6 traffic (`::/0`), allowed or denied.
    pub fn catch_all_v6(egress: bool, allow: bool, rule_number: i64) -> NaclEntry {
        NaclEntry { cidr: "::/0".parse().expect("literal CIDR"), ..NaclEntry::catch_all(egress, allow, rule_number) }
    }

    /// The IPv4 block, for an IPv4 entry.
    pub fn ipv4_cidr(&self) -> Option<cidr::Ipv4Net> {
        match self.cidr {
            IpNet::V4(c) => Some(c),
            IpNet::V6(_) => None,
        }
    }

    /// The IPv6 block, for an IPv6 entry.
    pub fn ipv6_cidr(&self) -> Option<cidr::Ipv6Net> {
        match self.cidr {
            IpNet::V6(c) => Some(c),
            IpNet::V4(_) => None,
        }
    }
}

impl NetworkAcl {
    /// The default ACL of a new VPC: rule 100 allows everything both ways,
    /// then the final deny; in a VPC with an IPv6 block, rule 101 allows
    /// `::/0` and a final IPv6 deny follows.
    pub fn default_for(vpc: &Vpc) -> NetworkAcl {
        let mut acl = NetworkAcl::custom_for(vpc);
        acl.is_default = true;
        acl.entries.insert(0, NaclEntry::catch_all(false, true, 100));
        acl.entries.insert(0, NaclEntry::catch_all(true, true, 100));
        if !vpc.ipv6_cidr_blocks.is_empty() {
            crate::vpc_ipv6::add_ipv6_rules(&mut acl);
        }
        acl
    }

    /// A new custom ACL: only the final deny in each direction (IPv4, and
    /// IPv6 in a VPC with an IPv6 block).
    pub fn custom_for(vpc: &Vpc) -> NetworkAcl {
        let mut acl = NetworkAcl::bare(vpc);
        if !vpc.ipv6_cidr_blocks.is_empty() {
            crate::vpc_ipv6::add_ipv6_rules(&mut acl);
        }
        acl
    }

    fn bare(vpc: &Vpc) -> NetworkAcl {
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
    /// Returns the matching entry (`None`: nothing matched, so denied).
    pub fn evaluate(&self, egress: bool, protocol: u8, peer: impl Into<IpAddr>, port: u16) -> Option<&NaclEntry> {
        let peer = peer.into();
        let mut rules: Vec<&NaclEntry> = self.entries.iter().filter(|e| e.egress == egress).collect();
        rules.sort_by_key(|e| e.rule_number);
        rules.into_iter().find(|e| e.matches(protocol, peer, port))
    }
}


/// DescribeNetworkAcls' filters.
pub const FILTERS: FilterTable<NetworkAcl> = FilterTable {
    tags: Some(|a, _| Some(&a.tags)),
    fields: &[
        ("association.association-id", Field::Values(|a, _| a.associations.iter().map(|x| x.id.clone()).collect())),
        ("association.network-acl-id", Field::Values(|a, _| a.associations.iter().map(|_| a.id.clone()).collect())),
        ("association.subnet-id", Field::Values(|a, _| a.associations.iter().map(|x| x.subnet_id.clone()).collect())),
        ("default", Field::Values(|a, _| one(a.is_default))),
        ("entry.cidr", Field::Values(|a, _| entries(a, |e| e.ipv4_cidr().map(|c| c.to_string())))),
        ("entry.egress", Field::Values(|a, _| entries(a, |e| Some(e.egress.to_string())))),
        ("entry.icmp.code", Field::Values(|a, _| entries(a, |e| e.icmp.map(|(_, c)| c.to_string())))),
        ("entry.icmp.type", Field::Values(|a, _| entries(a, |e| e.icmp.map(|(t, _)| t.to_string())))),
        ("entry.ipv6-cidr", Field::Values(|a, _| entries(a, |e| e.ipv6_cidr().map(|c| c.to_string())))),
        ("entry.port-range.from", Field::Values(|a, _| entries(a, |e| e.port_range.map(|(f, _)| f.to_string())))),
        ("entry.port-range.to", Field::Values(|a, _| entries(a, |e| e.port_range.map(|(_, t)| t.to_string())))),
        // AWS documents this filter as "tcp | udp | icmp or a protocol
        // number", so an entry answers to both spellings.
        ("entry.protocol", Field::Values(|a, _| {
            a.entries.iter().flat_map(|e| [e.protocol.nacl_form().into_owned(), e.protocol.sg_form().into_owned()]).collect()
        })),
        ("entry.rule-action", Field::Values(|a, _| entries(a, |e| Some(if e.allow { "allow" } else { "deny" }.to_string())))),
        ("entry.rule-number", Field::Values(|a, _| entries(a, |e| Some(e.rule_number.to_string())))),
        ("network-acl-id", Field::Values(|a, _| one(&a.id))),
        ("owner-id", Field::Values(|a, _| one(&a.owner))),
        ("vpc-id", Field::Values(|a, _| one(&a.vpc_id))),
    ],
};

/// One value per entry of the ACL that has one.
fn entries(acl: &NetworkAcl, value: fn(&NaclEntry) -> Option<String>) -> Vec<String> {
    acl.entries.iter().filter_map(value).collect()
}

/// The ACL a subnet is associated with.
pub fn acl_for_subnet<'a>(state: &'a State, subnet_id: &str) -> Option<&'a NetworkAcl> {
    state.network_acls.values().find(|a| a.associations.iter().any(|x| x.subnet_id == subnet_id))
}

/// CreateNetworkAcl: only the final deny rules, no subnets.
pub fn create(state: &State, ctx: &Ctx, vpc_id: &str, tags: Tags) -> Result<(Changes, String)> {
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, vpc_id)?;
    let mut acl = NetworkAcl::custom_for(vpc);
    acl.tags = tags;
    let id = acl.id.clone();
    let mut ch = Changes::new();
    ch.put(acl);
    Ok((ch, id))
}

/// DeleteNetworkAcl: not the VPC's default ACL, not while subnets use it.
pub fn delete(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let acl = owned(&state.network_acls, ctx, IdKind::NetworkAcl, id)?;
    if acl.is_default {
        return Err(ModelError::InvalidParameterValue(format!("cannot delete default network ACL {id}")));
    }
    if !acl.associations.is_empty() {
        return Err(ModelError::DependencyViolation(format!("The networkAcl '{id}' has dependencies and cannot be deleted.")));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::NetworkAcl, id);
    Ok(ch)
}

/// An entry as a request gives it, before validation.
#[derive(Debug, Clone, Default)]
pub struct EntryInput {
    pub rule_number: i64,
    pub egress: bool,
    pub protocol: String,
    pub action: String,
    pub cidr: Option<String>,
    pub ipv6_cidr: Option<String>,
    pub port_range: Option<(Option<i64>, Option<i64>)>,
    pub icmp: Option<(Option<i64>, Option<i64>)>,
}

/// Validates an entry: rule number 1–32766, a known protocol, an action,
/// one block (IPv4 or IPv6, in canonical form), ports for TCP/UDP and
/// type/code for ICMP (and for ICMPv6 with an IPv6 block).
pub fn check_entry(input: &EntryInput) -> Result<NaclEntry> {
    if !(1..=32766).contains(&input.rule_number) {
        return Err(ModelError::InvalidParameterValue(format!(
            "Value ({}) for parameter ruleNumber is invalid. Rule number must be between 1 and 32766.",
            input.rule_number
        )));
    }
    let protocol = IpProtocol::parse(&input.protocol)
        .ok_or_else(|| ModelError::InvalidParameterValue(format!("Value ({}) for parameter protocol is invalid.", input.protocol)))?;
    let allow = match input.action.to_ascii_lowercase().as_str() {
        "allow" => true,
        "deny" => false,
        other => return Err(ModelError::InvalidParameterValue(format!("Value ({other}) for parameter ruleAction is invalid."))),
    };
    let invalid = |name: &str, c: &str| ModelError::InvalidParameterValue(format!("Value ({c}) for parameter {name} is invalid. This is not a valid CIDR block."));
    let cidr = match (input.cidr.as_deref(), input.ipv6_cidr.as_deref()) {
        (Some(c), None) => IpNet::V4(cidr::parse_canonical(c).ok_or_else(|| invalid("cidrBlock", c))?),
        (None, Some(c)) => IpNet::V6(cidr::parse_canonical_v6(c).ok_or_else(|| invalid("ipv6CidrBlock", c))?),
        (None, None) => return Err(ModelError::MissingParameter("cidrBlock or ipv6CidrBlock".into())),
        (Some(_), Some(_)) => {
            return Err(ModelError::InvalidParameterCombination("Only one of cidrBlock or ipv6CidrBlock may be specified".into()))
        }
    };
    let mut port_range = None;
    let mut icmp = None;
    match protocol {
        IpProtocol::Tcp | IpProtocol::Udp => {
            let (f, t) = match input.port_range {
                Some((Some(f), Some(t))) => (f, t),
                _ => return Err(ModelError::MissingParameter("portRange".into())),
            };
            if !(0..=65535).contains(&f) || !(0..=65535).contains(&t) || f > t {
                return Err(ModelError::InvalidParameterValue(format!("Invalid port range {f}-{t}")));
            }
            port_range = Some((f as i32, t as i32));
        }
        // ICMPv6 with an IPv4 block matches every type and code, as the
        // reference says, so only an IPv6 block takes them.
        IpProtocol::Icmp | IpProtocol::Icmpv6 if protocol == IpProtocol::Icmp || cidr.addr().is_ipv6() => {
            let (t, c) = match input.icmp {
                Some((t, c)) => (t.unwrap_or(-1), c.unwrap_or(-1)),
                None => return Err(ModelError::MissingParameter("icmpTypeCode".into())),
            };
            if !(-1..=255).contains(&t) || !(-1..=255).contains(&c) {
                return Err(ModelError::InvalidParameterValue(format!("Invalid ICMP type/code {t}/{c}")));
            }
            icmp = Some((t as i32, c as i32));
        }
        _ => {}
    }
    Ok(NaclEntry { rule_number: input.rule_number, egress: input.egress, protocol, allow, cidr, port_range, icmp })
}

/// CreateNetworkAclEntry: the rule number must be free in that direction.
pub fn create_entry(state: &State, ctx: &Ctx, acl_id: &str, input: &EntryInput) -> Result<Changes> {
    let acl = owned(&state.network_acls, ctx, IdKind::NetworkAcl, acl_id)?;
    let e = check_entry(input)?;
    if acl.entries.iter().any(|x| x.egress == e.egress && x.rule_number == e.rule_number) {
        return Err(ModelError::NetworkAclEntryAlreadyExists(e.rule_number));
    }
    let mut acl = acl.clone();
    acl.entries.push(e);
    acl.entries.sort_by_key(|x| (x.egress, x.rule_number));
    let mut ch = Changes::new();
    ch.put(acl);
    Ok(ch)
}

/// ReplaceNetworkAclEntry: the entry must exist.
pub fn replace_entry(state: &State, ctx: &Ctx, acl_id: &str, input: &EntryInput) -> Result<Changes> {
    let acl = owned(&state.network_acls, ctx, IdKind::NetworkAcl, acl_id)?;
    let e = check_entry(input)?;
    let mut acl = acl.clone();
    let slot = acl
        .entries
        .iter_mut()
        .find(|x| x.egress == e.egress && x.rule_number == e.rule_number)
        .ok_or(ModelError::NetworkAclEntryNotFound)?;
    *slot = e;
    let mut ch = Changes::new();
    ch.put(acl);
    Ok(ch)
}

/// DeleteNetworkAclEntry. The final `*` rule (32767) cannot be removed.
pub fn delete_entry(state: &State, ctx: &Ctx, acl_id: &str, rule_number: i64, egress: bool) -> Result<Changes> {
    let acl = owned(&state.network_acls, ctx, IdKind::NetworkAcl, acl_id)?;
    if !(1..=32766).contains(&rule_number) {
        return Err(ModelError::InvalidParameterValue(format!(
            "Value ({rule_number}) for parameter ruleNumber is invalid. Rule number must be between 1 and 32766."
        )));
    }
    if !acl.entries.iter().any(|x| x.egress == egress && x.rule_number == rule_number) {
        return Err(ModelError::NetworkAclEntryNotFound);
    }
    let mut acl = acl.clone();
    acl.entries.retain(|x| !(x.egress == egress && x.rule_number == rule_number));
    let mut ch = Changes::new();
    ch.put(acl);
    Ok(ch)
}

/// ReplaceNetworkAclAssociation: moves a subnet to another ACL of the same
/// VPC; returns the new association id.
pub fn replace_association(state: &State, ctx: &Ctx, assoc_id: &str, acl_id: &str) -> Result<(Changes, String)> {
    let old = state
        .network_acls
        .scope(ctx)
        .find(|a| a.associations.iter().any(|x| x.id == assoc_id))
        .ok_or_else(|| ModelError::NotFound(IdKind::Association, assoc_id.to_string()))?;
    let new = owned(&state.network_acls, ctx, IdKind::NetworkAcl, acl_id)?;
    if new.vpc_id != old.vpc_id {
        return Err(ModelError::InvalidParameterValue(format!("Network ACL {acl_id} and association {assoc_id} belong to different networks")));
    }
    let subnet_id = old.associations.iter().find(|x| x.id == assoc_id).map(|x| x.subnet_id.clone()).unwrap_or_default();
    let assoc = NaclAssociation { id: new_id("aclassoc"), subnet_id };
    let id = assoc.id.clone();
    let mut ch = Changes::new();
    if old.id == new.id {
        let mut a = old.clone();
        for x in a.associations.iter_mut().filter(|x| x.id == assoc_id) {
            *x = assoc.clone();
        }
        ch.put(a);
    } else {
        let mut o = old.clone();
        o.associations.retain(|x| x.id != assoc_id);
        let mut n = new.clone();
        n.associations.push(assoc);
        ch.put(o);
        ch.put(n);
    }
    Ok((ch, id))
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
            enable_network_address_usage_metrics: false,
            tags: Tags::new(),
            created_at: 0,
            ipv6_cidr_blocks: Vec::new(),
        }
    }

    #[test]
    fn entry_rules_and_associations() {
        use crate::vpc::{create_vpc, CreateVpc};
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let mut s = State::default();
        let apply = |s: &mut State, ch: Changes| ch.events.into_iter().for_each(|e| s.apply(e));
        let (ch, v) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let (ch, acl) = create(&s, &ctx, &v, Tags::new()).unwrap();
        apply(&mut s, ch);
        let e = |n: i64| EntryInput { rule_number: n, protocol: "tcp".into(), action: "allow".into(), cidr: Some("0.0.0.0/0".into()), port_range: Some((Some(80), Some(80))), ..Default::default() };
        for bad in [0, 32767] {
            assert!(matches!(create_entry(&s, &ctx, &acl, &e(bad)), Err(ModelError::InvalidParameterValue(_))));
        }
        assert!(matches!(create_entry(&s, &ctx, &acl, &EntryInput { port_range: None, ..e(100) }), Err(ModelError::MissingParameter(_))));
        let ch = create_entry(&s, &ctx, &acl, &e(100)).unwrap();
        apply(&mut s, ch);
        assert_eq!(s.network_acls[&acl].entries.iter().find(|x| x.rule_number == 100).unwrap().protocol, IpProtocol::Tcp);
        assert_eq!(create_entry(&s, &ctx, &acl, &e(100)), Err(ModelError::NetworkAclEntryAlreadyExists(100)));
        // The same number in the other direction is another entry.
        assert!(create_entry(&s, &ctx, &acl, &EntryInput { egress: true, ..e(100) }).is_ok());
        assert_eq!(replace_entry(&s, &ctx, &acl, &e(101)), Err(ModelError::NetworkAclEntryNotFound));
        assert_eq!(delete_entry(&s, &ctx, &acl, 101, false), Err(ModelError::NetworkAclEntryNotFound));
        let default = s.network_acls.values().find(|a| a.is_default).unwrap().id.clone();
        assert!(matches!(delete(&s, &ctx, &default), Err(ModelError::InvalidParameterValue(_))));
        // Move a subnet to the custom ACL: it cannot be deleted until it moves back.
        let (ch, sub) = crate::subnet::create_subnet(&s, &ctx, crate::subnet::CreateSubnet {
            vpc_id: v.clone(), cidr: "10.0.1.0/24".into(), availability_zone: Some("us-east-1a".into()), ..Default::default()
        }).unwrap();
        apply(&mut s, ch);
        let assoc = acl_for_subnet(&s, &sub).unwrap().associations[0].id.clone();
        let (ch, assoc2) = replace_association(&s, &ctx, &assoc, &acl).unwrap();
        apply(&mut s, ch);
        assert_eq!(acl_for_subnet(&s, &sub).unwrap().id, acl);
        assert!(matches!(delete(&s, &ctx, &acl), Err(ModelError::DependencyViolation(_))));
        let (ch, _) = replace_association(&s, &ctx, &assoc2, &default).unwrap();
        apply(&mut s, ch);
        assert!(delete(&s, &ctx, &acl).is_ok());
    }

    #[test]
    fn entry_protocols_by_name_or_number() {
        let input = |p: &str| EntryInput {
            rule_number: 100,
            protocol: p.into(),
            action: "allow".into(),
            cidr: Some("10.0.0.0/8".into()),
            port_range: Some((Some(80), Some(81))),
            icmp: Some((Some(8), Some(0))),
            ..Default::default()
        };
        for (given, stored, described) in [("tcp", IpProtocol::Tcp, "6"), ("6", IpProtocol::Tcp, "6"), ("UDP", IpProtocol::Udp, "17"), ("icmp", IpProtocol::Icmp, "1"), ("47", IpProtocol::Number(47), "47"), ("-1", IpProtocol::All, "-1"), ("all", IpProtocol::All, "-1")] {
            let e = check_entry(&input(given)).unwrap();
            assert_eq!((e.protocol, e.protocol.nacl_form().as_ref()), (stored, described), "{given}");
            // Ports only for TCP/UDP, type and code only for ICMP.
            assert_eq!(e.port_range.is_some(), stored.has_ports(), "{given}");
            assert_eq!(e.icmp.is_some(), stored == IpProtocol::Icmp, "{given}");
        }
        for bad in ["bogus", "256", "+6", ""] {
            assert_eq!(check_entry(&input(bad)), Err(ModelError::InvalidParameterValue(format!("Value ({bad}) for parameter protocol is invalid."))));
        }
        // The entry.protocol filter answers to the number and the name.
        let mut acl = NetworkAcl::custom_for(&vpc());
        acl.entries.push(check_entry(&input("tcp")).unwrap());
        let (state, ctx) = (State::default(), Ctx::new("111111111111", "us-east-1", 0));
        let values = FILTERS.values("entry.protocol", &acl, &crate::filter::Env { state: &state, ctx: &ctx });
        assert!(values.contains(&"6".to_string()) && values.contains(&"tcp".to_string()) && values.contains(&"-1".to_string()));
    }

    #[test]
    fn ipv6_entries_and_canonical_blocks() {
        let base = EntryInput { rule_number: 100, protocol: "-1".into(), action: "allow".into(), ..Default::default() };
        // Host bits are dropped, as the reference says.
        let e = check_entry(&EntryInput { cidr: Some("100.68.0.18/18".into()), ..base.clone() }).unwrap();
        assert_eq!(e.cidr.to_string(), "100.68.0.0/18");
        let e6 = check_entry(&EntryInput { ipv6_cidr: Some("2001:db8:1234:1a00::1/56".into()), ..base.clone() }).unwrap();
        assert_eq!((e6.cidr.to_string(), e6.ipv4_cidr(), e6.ipv6_cidr().map(|c| c.prefix_len())), ("2001:db8:1234:1a00::/56".into(), None, Some(56)));
        assert!(matches!(check_entry(&EntryInput { cidr: Some("10.0.0.0/8".into()), ipv6_cidr: Some("::/0".into()), ..base.clone() }), Err(ModelError::InvalidParameterCombination(_))));
        assert!(matches!(check_entry(&base), Err(ModelError::MissingParameter(_))));
        assert!(matches!(check_entry(&EntryInput { ipv6_cidr: Some("10.0.0.0/8".into()), ..base.clone() }), Err(ModelError::InvalidParameterValue(_))));
        // ICMPv6 takes a type and code with an IPv6 block only.
        let icmp6 = EntryInput { protocol: "58".into(), ipv6_cidr: Some("::/0".into()), ..base.clone() };
        assert!(matches!(check_entry(&icmp6), Err(ModelError::MissingParameter(_))));
        assert_eq!(check_entry(&EntryInput { icmp: Some((Some(128), Some(-1))), ..icmp6.clone() }).unwrap().icmp, Some((128, -1)));
        assert_eq!(check_entry(&EntryInput { ipv6_cidr: None, cidr: Some("0.0.0.0/0".into()), ..icmp6 }).unwrap().icmp, None);
        // An entry of one family never matches an address of the other.
        let v6: std::net::Ipv6Addr = "2001:db8::5".parse().unwrap();
        let v4: std::net::Ipv4Addr = "10.0.0.5".parse().unwrap();
        assert!(e6.matches(6, "2001:db8:1234:1a00::9".parse::<std::net::Ipv6Addr>().unwrap(), 80));
        assert!(!e6.matches(6, v4, 80));
        assert!(!NaclEntry::catch_all(false, true, 1).matches(6, v6, 80));
        assert!(NaclEntry::catch_all_v6(false, true, 1).matches(6, v6, 80));
        // An IPv4-only ACL denies every IPv6 packet: nothing matches.
        assert!(NetworkAcl::default_for(&vpc()).evaluate(false, 6, v6, 80).is_none());
    }

    #[test]
    fn first_match_by_rule_number() {
        let mut acl = NetworkAcl::custom_for(&vpc());
        let ip: std::net::Ipv4Addr = "10.2.0.5".parse().unwrap();
        assert!(!acl.evaluate(false, 6, ip, 80).unwrap().allow, "custom ACL denies all");
        acl.entries.push(NaclEntry { rule_number: 200, egress: false, protocol: IpProtocol::Tcp, allow: true, cidr: "10.2.0.0/16".parse().unwrap(), port_range: Some((80, 80)), icmp: None });
        acl.entries.push(NaclEntry { rule_number: 100, egress: false, protocol: IpProtocol::Tcp, allow: false, cidr: "10.2.0.5/32".parse().unwrap(), port_range: Some((80, 80)), icmp: None });
        assert_eq!(acl.evaluate(false, 6, ip, 80).unwrap().rule_number, 100);
        let other: std::net::Ipv4Addr = "10.2.0.6".parse().unwrap();
        assert!(acl.evaluate(false, 6, other, 80).unwrap().allow);
        assert!(!acl.evaluate(false, 6, other, 81).unwrap().allow);
        assert!(NetworkAcl::default_for(&vpc()).evaluate(true, 17, ip, 53).unwrap().allow);
    }
}
