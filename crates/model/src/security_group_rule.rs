//! Security group rules: AuthorizeSecurityGroup{Ingress,Egress},
//! Revoke..., ModifySecurityGroupRules and rule descriptions.
//!
//! A request's `IpPermissions` are expanded into one [`SgRule`] per peer
//! (CIDR, IPv6 CIDR, prefix list or group), each with its own `sgr-` id, as
//! DescribeSecurityGroupRules shows them.

use crate::cidr;
use crate::error::{IdKind, Limit, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::ip_protocol::IpProtocol;
use crate::security_group::{RulePeer, SecurityGroup, SgRule, RULES_PER_DIRECTION};
use crate::state::{owned, Changes, Ctx, State};

/// One row of DescribeSecurityGroupRules: a rule and the group it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRule {
    pub group_id: String,
    pub egress: bool,
    pub rule: SgRule,
}

/// Every rule of the caller's groups, ingress before egress.
pub fn group_rules(state: &State, ctx: &Ctx) -> Vec<GroupRule> {
    let mut out = Vec::new();
    for g in state.security_groups.scope(ctx) {
        let rules = g.ingress.iter().map(|r| (r, false)).chain(g.egress.iter().map(|r| (r, true)));
        out.extend(rules.map(|(r, egress)| GroupRule { group_id: g.id.clone(), egress, rule: r.clone() }));
    }
    out
}

/// DescribeSecurityGroupRules' filters. Rules carry no tags of their own
/// here, so `tag:<key>` matches nothing.
pub const FILTERS: FilterTable<GroupRule> = FilterTable {
    tags: Some(|_, _| None),
    fields: &[("group-id", Field::Values(|r, _| one(&r.group_id))), ("security-group-rule-id", Field::Values(|r, _| one(&r.rule.id)))],
};

/// A peer as the request names it (before resolution).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerSpec {
    Cidr(String),
    Cidr6(String),
    PrefixList(String),
    Group { group_id: Option<String>, group_name: Option<String>, user_id: Option<String>, peering_id: Option<String> },
}

/// One `IpPermission` of a request: a protocol/port range and its peers,
/// each with an optional description.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Permission {
    pub protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub peers: Vec<(PeerSpec, Option<String>)>,
}

/// Which rule list of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    fn rules(self, g: &SecurityGroup) -> &Vec<SgRule> {
        match self {
            Direction::Ingress => &g.ingress,
            Direction::Egress => &g.egress,
        }
    }

    fn rules_mut(self, g: &mut SecurityGroup) -> &mut Vec<SgRule> {
        match self {
            Direction::Ingress => &mut g.ingress,
            Direction::Egress => &mut g.egress,
        }
    }
}

/// Checks protocol and ports as AWS does and returns the protocol with the
/// ports a rule stores (`None` for all-traffic).
fn check_ports(protocol: &str, from: Option<i64>, to: Option<i64>) -> Result<(IpProtocol, Option<i32>, Option<i32>)> {
    let proto = IpProtocol::parse(protocol)
        .ok_or_else(|| ModelError::InvalidParameterValue(format!("Invalid value '{protocol}' for IP protocol. Unknown protocol.")))?;
    match proto {
        IpProtocol::All => Ok((proto, None, None)),
        IpProtocol::Tcp | IpProtocol::Udp => {
            let (f, t) = match (from, to) {
                (Some(f), Some(t)) => (f, t),
                _ => return Err(ModelError::InvalidParameterValue(format!("Invalid value for portRange. Must specify both from and to ports with TCP/UDP."))),
            };
            if !(0..=65535).contains(&f) || !(0..=65535).contains(&t) || f > t {
                return Err(ModelError::InvalidParameterValue(format!("Invalid value for portRange. Must specify both from and to ports with TCP/UDP. from={f} to={t}")));
            }
            Ok((proto, Some(f as i32), Some(t as i32)))
        }
        IpProtocol::Icmp | IpProtocol::Icmpv6 => {
            // From is the ICMP type, to the code; -1 means all.
            let f = from.unwrap_or(-1);
            let t = to.unwrap_or(-1);
            if !(-1..=255).contains(&f) || !(-1..=255).contains(&t) {
                return Err(ModelError::InvalidParameterValue(format!("Invalid value '{f}' for icmp type / code")));
            }
            Ok((proto, Some(f as i32), Some(t as i32)))
        }
        IpProtocol::Number(_) => Ok((proto, from.map(|x| x as i32), to.map(|x| x as i32))),
    }
}

/// Resolves a peer named by a request.
fn resolve_peer(state: &State, ctx: &Ctx, group: &SecurityGroup, peer: &PeerSpec) -> Result<RulePeer> {
    match peer {
        PeerSpec::Cidr(c) => cidr::parse_canonical(c)
            .map(RulePeer::Cidr)
            .ok_or_else(|| ModelError::InvalidParameterValue(format!("CIDR block {c} is malformed"))),
        PeerSpec::Cidr6(c) => {
            let net: std::result::Result<ipnet::Ipv6Net, _> = c.parse();
            net.map(|n| RulePeer::Cidr6(n.trunc().to_string()))
                .map_err(|_| ModelError::InvalidParameterValue(format!("CIDR block {c} is malformed")))
        }
        PeerSpec::PrefixList(p) => {
            crate::ids::check(IdKind::PrefixList, p)?;
            if !crate::prefix_list::exists(state, ctx, p) {
                return Err(ModelError::NotFound(IdKind::PrefixList, p.clone()));
            }
            Ok(RulePeer::PrefixList(p.clone()))
        }
        PeerSpec::Group { group_id, group_name, user_id, peering_id } => {
            let own = user_id.as_deref().is_none_or(|u| u == ctx.account);
            if !own || peering_id.is_some() {
                return resolve_peer_vpc_group(state, ctx, group, peer);
            }
            // A group id of another VPC of the caller: a peered VPC's group.
            if let Some(id) = group_id {
                if state.security_groups.get(id).is_some_and(|t| t.region == ctx.region && t.vpc_id != group.vpc_id) {
                    return resolve_peer_vpc_group(state, ctx, group, peer);
                }
            }
            let target = match (group_id, group_name) {
                (Some(id), _) => owned(&state.security_groups, ctx, IdKind::SecurityGroup, id)?,
                (None, Some(name)) => state
                    .security_groups
                    .scope(ctx).find(|g| g.vpc_id == group.vpc_id && &g.name == name)
                    .ok_or_else(|| ModelError::NotFound(IdKind::SecurityGroup, name.clone()))?,
                (None, None) => return Err(ModelError::MissingParameter("groupId".into())),
            };
            if target.vpc_id != group.vpc_id {
                return Err(ModelError::InvalidParameterValue(format!(
                    "You have specified two resources that belong to different networks: {} and {}",
                    group.id, target.id
                )));
            }
            Ok(RulePeer::Group { group_id: target.id.clone(), user_id: target.owner.clone(), vpc_id: None, peering_id: None })
        }
    }
}

/// A reference to a group of another VPC: another account's (`UserId`),
/// one named with `VpcPeeringConnectionId`, or the caller's own group in
/// another VPC. AWS allows it only over an active peering connection between
/// the two VPCs in one region. A group of another region is simply not
/// found; a group of a VPC that is not peered "belongs to a different
/// network" (AWS answers `InvalidGroup.NotFound` for both).
pub fn resolve_peer_vpc_group(state: &State, ctx: &Ctx, group: &SecurityGroup, peer: &PeerSpec) -> Result<RulePeer> {
    let PeerSpec::Group { group_id, group_name, user_id, peering_id } = peer else {
        return Err(ModelError::MissingParameter("groupId".into()));
    };
    let Some(id) = group_id else {
        // Names identify groups only within the caller's own VPC.
        return Err(ModelError::NotFound(IdKind::SecurityGroup, group_name.clone().unwrap_or_default()));
    };
    crate::ids::check(IdKind::SecurityGroup, id)?;
    let target = state
        .security_groups
        .get(id)
        .filter(|t| t.region == ctx.region && user_id.as_deref().is_none_or(|u| u == t.owner))
        .ok_or_else(|| ModelError::NotFound(IdKind::SecurityGroup, id.clone()))?;
    if target.vpc_id == group.vpc_id {
        return Ok(RulePeer::Group { group_id: target.id.clone(), user_id: target.owner.clone(), vpc_id: None, peering_id: None });
    }
    let pcx = crate::peering::connection_for_group_reference(state, &group.vpc_id, &target.vpc_id)
        .filter(|p| peering_id.as_deref().is_none_or(|named| named == p.id));
    match pcx {
        Some(p) => Ok(RulePeer::Group {
            group_id: target.id.clone(),
            user_id: target.owner.clone(),
            vpc_id: Some(target.vpc_id.clone()),
            peering_id: Some(p.id.clone()),
        }),
        None => Err(ModelError::GroupInOtherNetwork),
    }
}

/// Expands permissions into rules with fresh ids.
pub fn expand(state: &State, ctx: &Ctx, group: &SecurityGroup, perms: &[Permission]) -> Result<Vec<SgRule>> {
    if perms.is_empty() {
        return Err(ModelError::MissingParameter("ipPermissions".into()));
    }
    let mut out = Vec::new();
    for p in perms {
        let (protocol, from_port, to_port) = check_ports(&p.protocol, p.from_port, p.to_port)?;
        if p.peers.is_empty() {
            return Err(ModelError::InvalidParameterValue("Either the source/destination CIDR, prefix list, or security group must be specified".into()));
        }
        for (peer, description) in &p.peers {
            let peer = resolve_peer(state, ctx, group, peer)?;
            out.push(SgRule { id: new_id("sgr"), protocol, from_port, to_port, peer, description: description.clone() });
        }
    }
    Ok(out)
}

/// AWS's wording of a rule in duplicate / not-found messages.
fn describe_rule(r: &SgRule) -> String {
    let peer = match &r.peer {
        RulePeer::Cidr(c) => c.to_string(),
        RulePeer::Cidr6(c) => c.clone(),
        RulePeer::PrefixList(p) => p.clone(),
        RulePeer::Group { group_id, .. } => group_id.clone(),
    };
    let proto = match r.protocol {
        IpProtocol::All => "ALL".to_string(),
        p => p.sg_form().to_uppercase(),
    };
    format!("peer: {peer}, {proto}, from port: {}, to port: {}, ALLOW", r.from_port.unwrap_or(-1), r.to_port.unwrap_or(-1))
}

/// Authorize{Ingress,Egress}: adds the rules; any duplicate (of an existing
/// rule or within the request) refuses the whole request.
pub fn authorize(state: &State, ctx: &Ctx, group_id: &str, dir: Direction, perms: &[Permission]) -> Result<(Changes, Vec<SgRule>)> {
    let g = owned(&state.security_groups, ctx, IdKind::SecurityGroup, group_id)?;
    let new = expand(state, ctx, g, perms)?;
    let mut g = g.clone();
    for r in &new {
        if dir.rules(&g).iter().any(|x| x.same_permission(r)) {
            return Err(ModelError::DuplicatePermission(describe_rule(r)));
        }
        dir.rules_mut(&mut g).push(r.clone());
    }
    if dir.rules(&g).len() > RULES_PER_DIRECTION {
        return Err(ModelError::LimitExceeded(Limit::RulesPerSecurityGroup, "The maximum number of rules per security group has been reached.".into()));
    }
    let mut ch = Changes::new();
    ch.put(g);
    Ok((ch, new))
}

/// Revoke{Ingress,Egress} by permission: every rule named must exist.
/// Returns the removed rules.
pub fn revoke(state: &State, ctx: &Ctx, group_id: &str, dir: Direction, perms: &[Permission]) -> Result<(Changes, Vec<SgRule>)> {
    let g = owned(&state.security_groups, ctx, IdKind::SecurityGroup, group_id)?;
    let wanted = expand(state, ctx, g, perms)?;
    let mut g = g.clone();
    let mut removed = Vec::new();
    for w in &wanted {
        let rules = dir.rules_mut(&mut g);
        let pos = rules.iter().position(|x| x.same_permission(w)).ok_or(ModelError::PermissionNotFound)?;
        removed.push(rules.remove(pos));
    }
    let mut ch = Changes::new();
    ch.put(g);
    Ok((ch, removed))
}

/// Revoke{Ingress,Egress} by `SecurityGroupRuleId`s of that direction.
pub fn revoke_ids(state: &State, ctx: &Ctx, group_id: &str, dir: Direction, ids: &[String]) -> Result<(Changes, Vec<SgRule>)> {
    let g = owned(&state.security_groups, ctx, IdKind::SecurityGroup, group_id)?;
    let mut g = g.clone();
    let mut removed = Vec::new();
    for id in ids {
        crate::ids::check(IdKind::SecurityGroupRule, id)?;
        let rules = dir.rules_mut(&mut g);
        let pos = rules.iter().position(|x| &x.id == id).ok_or_else(|| ModelError::NotFound(IdKind::SecurityGroupRule, id.clone()))?;
        removed.push(rules.remove(pos));
    }
    let mut ch = Changes::new();
    ch.put(g);
    Ok((ch, removed))
}

/// One rule update of ModifySecurityGroupRules.
#[derive(Debug, Clone, Default)]
pub struct RuleUpdate {
    pub rule_id: String,
    pub protocol: String,
    pub from_port: Option<i64>,
    pub to_port: Option<i64>,
    pub peer: Option<PeerSpec>,
    pub description: Option<String>,
}

/// ModifySecurityGroupRules: rewrites rules in place, keeping their ids.
pub fn modify_rules(state: &State, ctx: &Ctx, group_id: &str, updates: &[RuleUpdate]) -> Result<Changes> {
    let g0 = owned(&state.security_groups, ctx, IdKind::SecurityGroup, group_id)?;
    let mut g = g0.clone();
    for u in updates {
        crate::ids::check(IdKind::SecurityGroupRule, &u.rule_id)?;
        let (protocol, from_port, to_port) = check_ports(&u.protocol, u.from_port, u.to_port)?;
        let peer_spec = u.peer.as_ref().ok_or_else(|| {
            ModelError::InvalidParameterValue("Either the source/destination CIDR, prefix list, or security group must be specified".into())
        })?;
        let peer = resolve_peer(state, ctx, g0, peer_spec)?;
        let in_egress = g.egress.iter().any(|r| r.id == u.rule_id);
        let rules = if in_egress { &mut g.egress } else { &mut g.ingress };
        let pos = rules.iter().position(|r| r.id == u.rule_id).ok_or_else(|| ModelError::NotFound(IdKind::SecurityGroupRule, u.rule_id.clone()))?;
        let new = SgRule { id: u.rule_id.clone(), protocol, from_port, to_port, peer, description: u.description.clone() };
        if rules.iter().enumerate().any(|(i, r)| i != pos && r.same_permission(&new)) {
            return Err(ModelError::DuplicatePermission(describe_rule(&new)));
        }
        rules[pos] = new;
    }
    let mut ch = Changes::new();
    ch.put(g);
    Ok(ch)
}

/// UpdateSecurityGroupRuleDescriptions{Ingress,Egress}: by permission
/// (descriptions come with each peer) or by rule id.
pub fn update_descriptions(
    state: &State,
    ctx: &Ctx,
    group_id: &str,
    dir: Direction,
    perms: &[Permission],
    by_id: &[(String, Option<String>)],
) -> Result<Changes> {
    let g0 = owned(&state.security_groups, ctx, IdKind::SecurityGroup, group_id)?;
    let mut g = g0.clone();
    if !perms.is_empty() {
        for w in expand(state, ctx, g0, perms)? {
            let r = dir.rules_mut(&mut g).iter_mut().find(|x| x.same_permission(&w)).ok_or(ModelError::PermissionNotFound)?;
            r.description = w.description.clone();
        }
    }
    for (id, d) in by_id {
        let r = dir
            .rules_mut(&mut g)
            .iter_mut()
            .find(|x| &x.id == id)
            .ok_or_else(|| ModelError::NotFound(IdKind::SecurityGroupRule, id.clone()))?;
        r.description = d.clone();
    }
    let mut ch = Changes::new();
    ch.put(g);
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::security_group::{create_group, delete_group, CreateGroup};
    use crate::vpc::{create_vpc, CreateVpc};

    fn apply(s: &mut State, ch: Changes) {
        ch.events.into_iter().for_each(|e| s.apply(e));
    }

    fn setup() -> (State, Ctx, String, String) {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let mut s = State::default();
        let (ch, vpc) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let (ch, sg) = create_group(&s, &ctx, CreateGroup { name: "web".into(), description: "d".into(), vpc_id: Some(vpc.clone()), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        (s, ctx, vpc, sg)
    }

    fn tcp(port: i64, cidr: &str) -> Permission {
        Permission { protocol: "tcp".into(), from_port: Some(port), to_port: Some(port), peers: vec![(PeerSpec::Cidr(cidr.into()), None)] }
    }

    #[test]
    fn group_names_and_defaults() {
        let (s, ctx, vpc, sg) = setup();
        assert_eq!(s.security_groups[&sg].egress.len(), 1, "allow-all egress");
        let dup = create_group(&s, &ctx, CreateGroup { name: "web".into(), description: "d".into(), vpc_id: Some(vpc.clone()), ..Default::default() });
        assert_eq!(dup, Err(ModelError::DuplicateGroup("web".into(), vpc.clone())));
        let reserved = create_group(&s, &ctx, CreateGroup { name: "default".into(), description: "d".into(), vpc_id: Some(vpc.clone()), ..Default::default() });
        assert!(matches!(reserved, Err(ModelError::ReservedGroupName)));
        let no_vpc = create_group(&s, &ctx, CreateGroup { name: "x".into(), description: "d".into(), ..Default::default() });
        assert!(matches!(no_vpc, Err(ModelError::VpcIdNotSpecified(_))));
        let default = crate::security_group::default_group(&s, &vpc).unwrap().id.clone();
        assert!(matches!(delete_group(&s, &ctx, Some(&default), None), Err(ModelError::CannotDelete(_))));
    }

    #[test]
    fn protocols_are_read_once_and_stored_typed() {
        let (mut s, ctx, _, sg) = setup();
        let perm = |proto: &str, from, to| Permission { protocol: proto.into(), from_port: from, to_port: to, peers: vec![(PeerSpec::Cidr("10.0.0.0/8".into()), None)] };
        // "6" is tcp: the same rule as "tcp", so a duplicate.
        let (ch, rules) = authorize(&s, &ctx, &sg, Direction::Ingress, &[perm("6", Some(22), Some(22))]).unwrap();
        apply(&mut s, ch);
        assert_eq!(rules[0].protocol, IpProtocol::Tcp);
        assert_eq!(rules[0].protocol.to_string(), "tcp");
        assert!(matches!(authorize(&s, &ctx, &sg, Direction::Ingress, &[perm("TCP", Some(22), Some(22))]), Err(ModelError::DuplicatePermission(m)) if m.contains("TCP")));
        // All protocols drop the ports; other numbers keep theirs.
        let (ch, rules) = authorize(&s, &ctx, &sg, Direction::Ingress, &[perm("all", Some(1), Some(2)), perm("47", None, None)]).unwrap();
        apply(&mut s, ch);
        assert_eq!((rules[0].protocol, rules[0].from_port, rules[0].to_port), (IpProtocol::All, None, None));
        assert_eq!(rules[1].protocol.to_string(), "47");
        for bad in ["bogus", "256", "-2", ""] {
            let err = authorize(&s, &ctx, &sg, Direction::Ingress, &[perm(bad, None, None)]).unwrap_err();
            assert_eq!(err, ModelError::InvalidParameterValue(format!("Invalid value '{bad}' for IP protocol. Unknown protocol.")));
        }
        // TCP needs both ports; ICMPv6 does not.
        assert!(matches!(authorize(&s, &ctx, &sg, Direction::Ingress, &[perm("udp", Some(53), None)]), Err(ModelError::InvalidParameterValue(_))));
        assert!(authorize(&s, &ctx, &sg, Direction::Ingress, &[perm("58", None, None)]).is_ok());
    }

    #[test]
    fn authorize_duplicates_and_revoke() {
        let (mut s, ctx, vpc, sg) = setup();
        let (ch, rules) = authorize(&s, &ctx, &sg, Direction::Ingress, &[tcp(22, "10.0.0.0/8")]).unwrap();
        apply(&mut s, ch);
        assert!(rules[0].id.starts_with("sgr-"));
        assert!(matches!(authorize(&s, &ctx, &sg, Direction::Ingress, &[tcp(22, "10.0.0.0/8")]), Err(ModelError::DuplicatePermission(_))));
        // Host bits are dropped, so this is the same rule.
        assert!(matches!(authorize(&s, &ctx, &sg, Direction::Ingress, &[tcp(22, "10.1.2.3/8")]), Err(ModelError::DuplicatePermission(_))));
        let bad_ports = Permission { from_port: Some(90), to_port: Some(80), ..tcp(80, "0.0.0.0/0") };
        assert!(matches!(authorize(&s, &ctx, &sg, Direction::Ingress, &[bad_ports]), Err(ModelError::InvalidParameterValue(_))));
        assert_eq!(revoke(&s, &ctx, &sg, Direction::Ingress, &[tcp(23, "10.0.0.0/8")]), Err(ModelError::PermissionNotFound));
        // A group referenced by another group's rule cannot be deleted.
        let default = crate::security_group::default_group(&s, &vpc).unwrap().id.clone();
        let by_group = Permission {
            protocol: "-1".into(),
            peers: vec![(PeerSpec::Group { group_id: Some(sg.clone()), group_name: None, user_id: None, peering_id: None }, None)],
            ..Default::default()
        };
        let (ch, _) = authorize(&s, &ctx, &default, Direction::Ingress, &[by_group]).unwrap();
        apply(&mut s, ch);
        assert!(matches!(delete_group(&s, &ctx, Some(&sg), None), Err(ModelError::DependencyViolation(_))));
        let (ch, removed) = revoke_ids(&s, &ctx, &sg, Direction::Ingress, &[rules[0].id.clone()]).unwrap();
        apply(&mut s, ch);
        assert_eq!(removed.len(), 1);
        assert!(s.security_groups[&sg].ingress.is_empty());
    }
}
