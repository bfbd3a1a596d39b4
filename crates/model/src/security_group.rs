//! Security groups: stateful, allow-only rules on ENIs.
//!
//! A rule's peer is a CIDR, a prefix list or another security group; a group
//! of a peered VPC (same region, active peering) may be referenced with its
//! owner's account id. Rules have `sgr-` ids.

use serde::{Deserialize, Serialize};

use crate::cidr::Ipv4Net;
use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::ip_protocol::IpProtocol;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
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
    /// An IPv6 block, stored in canonical form as the text AWS describes.
    Cidr6(String),
    PrefixList(String),
    /// Another group; `user_id` is its owner, `peering_id` the peering
    /// connection named when the group is in a peer VPC.
    Group { group_id: String, user_id: String, vpc_id: Option<String>, peering_id: Option<String> },
}

impl RulePeer {
    /// The IPv6 block of a `Cidr6` peer.
    pub fn ipv6_net(&self) -> Option<crate::cidr::Ipv6Net> {
        match self {
            RulePeer::Cidr6(c) => crate::cidr::parse_canonical_v6(c),
            _ => None,
        }
    }
}

/// One rule. Ports are absent for all protocols (`-1`); for ICMP they are
/// the type and code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SgRule {
    pub id: String,
    pub protocol: IpProtocol,
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

    /// Whether the rule admits `protocol` (a packet's protocol number: 6
    /// tcp, 17 udp, 1 icmp) on `port`. Only TCP and UDP rules look at ports.
    pub fn admits(&self, protocol: u8, port: u16) -> bool {
        if !self.protocol.covers(protocol) {
            return false;
        }
        if !self.protocol.has_ports() {
            return true;
        }
        let from = self.from_port.unwrap_or(0);
        let to = self.to_port.unwrap_or(65535);
        (from..=to).contains(&i32::from(port))
    }
}

impl SecurityGroup {
    /// The `default` group of a new VPC: all egress (to `::/0` too in a VPC
    /// with an IPv6 block), and ingress from members of the group itself.
    pub fn default_for(vpc: &Vpc) -> SecurityGroup {
        let id = new_id("sg");
        let mut g = SecurityGroup {
            ingress: vec![SgRule {
                id: new_id("sgr"),
                protocol: IpProtocol::All,
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
        };
        if !vpc.ipv6_cidr_blocks.is_empty() {
            crate::vpc_ipv6::add_ipv6_egress(&mut g);
        }
        g
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
        protocol: IpProtocol::All,
        from_port: None,
        to_port: None,
        peer: RulePeer::Cidr("0.0.0.0/0".parse().expect("literal CIDR")),
        description: None,
    }
}

/// The egress rule the default group of a VPC with an IPv6 block has:
/// everything to `::/0`.
pub fn allow_all_egress_v6() -> SgRule {
    SgRule { peer: RulePeer::Cidr6("::/0".into()), ..allow_all_egress() }
}

/// DescribeSecurityGroups' filters: `ip-permission.*` read the ingress
/// rules, `egress.ip-permission.*` the egress rules.
pub const FILTERS: FilterTable<SecurityGroup> = FilterTable {
    tags: Some(|g, _| Some(&g.tags)),
    fields: &[
        ("description", Field::Values(|g, _| one(&g.description))),
        ("egress.ip-permission.cidr", Field::Values(|g, e| rule_values(&g.egress, e.state, RuleField::Cidr))),
        ("egress.ip-permission.from-port", Field::Values(|g, e| rule_values(&g.egress, e.state, RuleField::FromPort))),
        ("egress.ip-permission.group-id", Field::Values(|g, e| rule_values(&g.egress, e.state, RuleField::GroupId))),
        ("egress.ip-permission.group-name", Field::Values(|g, e| rule_values(&g.egress, e.state, RuleField::GroupName))),
        ("egress.ip-permission.ipv6-cidr", Field::Values(|g, e| rule_values(&g.egress, e.state, RuleField::Ipv6Cidr))),
        ("egress.ip-permission.prefix-list-id", Field::Values(|g, e| rule_values(&g.egress, e.state, RuleField::PrefixList))),
        ("egress.ip-permission.protocol", Field::Values(|g, e| rule_values(&g.egress, e.state, RuleField::Protocol))),
        ("egress.ip-permission.to-port", Field::Values(|g, e| rule_values(&g.egress, e.state, RuleField::ToPort))),
        ("egress.ip-permission.user-id", Field::Values(|g, e| rule_values(&g.egress, e.state, RuleField::UserId))),
        ("group-id", Field::Values(|g, _| one(&g.id))),
        ("group-name", Field::Values(|g, _| one(&g.name))),
        ("ip-permission.cidr", Field::Values(|g, e| rule_values(&g.ingress, e.state, RuleField::Cidr))),
        ("ip-permission.from-port", Field::Values(|g, e| rule_values(&g.ingress, e.state, RuleField::FromPort))),
        ("ip-permission.group-id", Field::Values(|g, e| rule_values(&g.ingress, e.state, RuleField::GroupId))),
        ("ip-permission.group-name", Field::Values(|g, e| rule_values(&g.ingress, e.state, RuleField::GroupName))),
        ("ip-permission.ipv6-cidr", Field::Values(|g, e| rule_values(&g.ingress, e.state, RuleField::Ipv6Cidr))),
        ("ip-permission.prefix-list-id", Field::Values(|g, e| rule_values(&g.ingress, e.state, RuleField::PrefixList))),
        ("ip-permission.protocol", Field::Values(|g, e| rule_values(&g.ingress, e.state, RuleField::Protocol))),
        ("ip-permission.to-port", Field::Values(|g, e| rule_values(&g.ingress, e.state, RuleField::ToPort))),
        ("ip-permission.user-id", Field::Values(|g, e| rule_values(&g.ingress, e.state, RuleField::UserId))),
        ("owner-id", Field::Values(|g, _| one(&g.owner))),
        ("vpc-id", Field::Values(|g, _| one(&g.vpc_id))),
    ],
};

/// What an `ip-permission.*` filter reads from a rule.
#[derive(Clone, Copy)]
enum RuleField {
    Cidr,
    Ipv6Cidr,
    PrefixList,
    GroupId,
    GroupName,
    UserId,
    FromPort,
    ToPort,
    Protocol,
}

fn rule_values(rules: &[SgRule], state: &State, field: RuleField) -> Vec<String> {
    let port = |p: Option<i32>| p.unwrap_or(-1).to_string();
    let value = |r: &SgRule| -> Option<String> {
        match (field, &r.peer) {
            (RuleField::Cidr, RulePeer::Cidr(c)) => Some(c.to_string()),
            (RuleField::Ipv6Cidr, RulePeer::Cidr6(c)) => Some(c.clone()),
            (RuleField::PrefixList, RulePeer::PrefixList(p)) => Some(p.clone()),
            (RuleField::GroupId, RulePeer::Group { group_id, .. }) => Some(group_id.clone()),
            (RuleField::GroupName, RulePeer::Group { group_id, .. }) => state.security_groups.get(group_id).map(|g| g.name.clone()),
            (RuleField::UserId, RulePeer::Group { user_id, .. }) => Some(user_id.clone()),
            (RuleField::FromPort, _) => Some(port(r.from_port)),
            (RuleField::ToPort, _) => Some(port(r.to_port)),
            (RuleField::Protocol, _) => Some(r.protocol.to_string()),
            _ => None,
        }
    };
    rules.iter().filter_map(value).collect()
}

/// The VPC's `default` group.
pub fn default_group<'a>(state: &'a State, vpc_id: &str) -> Option<&'a SecurityGroup> {
    state.security_groups.values().find(|g| g.vpc_id == vpc_id && g.is_default())
}

/// Input of CreateSecurityGroup.
#[derive(Debug, Clone, Default)]
pub struct CreateGroup {
    pub name: String,
    pub description: String,
    pub vpc_id: Option<String>,
    pub tags: Tags,
}

/// CreateSecurityGroup: a name unique within the VPC (`default` is taken
/// by the VPC's own group), starting with the allow-all egress rule.
pub fn create_group(state: &State, ctx: &Ctx, input: CreateGroup) -> Result<(Changes, String)> {
    let vpc_id = match &input.vpc_id {
        Some(v) => v.clone(),
        None => crate::vpc::default_vpc(state, ctx)
            .ok_or_else(|| ModelError::VpcIdNotSpecified("No default VPC for this user".into()))?
            .id
            .clone(),
    };
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, &vpc_id)?;
    if input.name.is_empty() {
        return Err(ModelError::MissingParameter("groupName".into()));
    }
    if input.description.is_empty() {
        return Err(ModelError::MissingParameter("groupDescription".into()));
    }
    if input.name.chars().count() > 255 || input.description.chars().count() > 255 {
        return Err(ModelError::InvalidParameterValue("Group name and description are limited to 255 characters".into()));
    }
    if input.name.to_ascii_lowercase().starts_with("sg-") {
        return Err(ModelError::InvalidParameterValue(format!("Group names may not be in the format sg-*: {}", input.name)));
    }
    if input.name == "default" {
        return Err(ModelError::ReservedGroupName);
    }
    if state.security_groups.values().any(|g| g.vpc_id == vpc.id && g.name == input.name) {
        return Err(ModelError::DuplicateGroup(input.name, vpc.id.clone()));
    }
    let g = SecurityGroup {
        id: new_id("sg"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        vpc_id: vpc.id.clone(),
        name: input.name,
        description: input.description,
        ingress: Vec::new(),
        egress: vec![allow_all_egress()],
        tags: input.tags,
    };
    let id = g.id.clone();
    let mut ch = Changes::new();
    ch.put(g);
    Ok((ch, id))
}

/// Finds the caller's group by id, or by name in the default VPC (the only
/// place AWS resolves names for these calls).
pub fn find_group<'a>(state: &'a State, ctx: &Ctx, id: Option<&str>, name: Option<&str>) -> Result<&'a SecurityGroup> {
    match (id, name) {
        (Some(id), _) => owned(&state.security_groups, ctx, IdKind::SecurityGroup, id),
        (None, Some(name)) => {
            let vpc = crate::vpc::default_vpc(state, ctx);
            state
                .security_groups
                .scope(ctx).find(|g| Some(g.vpc_id.as_str()) == vpc.map(|v| v.id.as_str()) && g.name == name)
                .ok_or_else(|| ModelError::NotFound(IdKind::SecurityGroup, name.to_string()))
        }
        (None, None) => Err(ModelError::MissingParameter("groupId".into())),
    }
}

/// DeleteSecurityGroup: not the default group, not while an ENI uses it or
/// another group's rule refers to it.
pub fn delete_group(state: &State, ctx: &Ctx, id: Option<&str>, name: Option<&str>) -> Result<Changes> {
    let g = find_group(state, ctx, id, name)?;
    if g.is_default() {
        return Err(ModelError::CannotDelete(format!("the specified group: \"{}\" name: \"default\" cannot be deleted by a user", g.id)));
    }
    let in_use = state.network_interfaces.values().any(|e| e.groups.contains(&g.id));
    let referenced = state.security_groups.values().filter(|o| o.id != g.id).any(|o| {
        o.ingress.iter().chain(o.egress.iter()).any(|r| matches!(&r.peer, RulePeer::Group { group_id, .. } if *group_id == g.id))
    });
    if in_use || referenced {
        return Err(ModelError::DependencyViolation(format!("resource {} has a dependent object", g.id)));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::SecurityGroup, &g.id);
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_admit_by_protocol_and_port() {
        let r = SgRule { id: "sgr-1".into(), protocol: IpProtocol::Tcp, from_port: Some(80), to_port: Some(81), peer: RulePeer::Cidr("0.0.0.0/0".parse().unwrap()), description: None };
        assert!(r.admits(6, 80));
        assert!(r.admits(6, 81));
        assert!(!r.admits(6, 82));
        assert!(!r.admits(17, 80));
        assert!(allow_all_egress().admits(17, 53));
    }
}
