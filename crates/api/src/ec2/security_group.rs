//! Security group actions: groups, rules (by permission and by `sgr-` id),
//! DescribeSecurityGroupRules.

use xvpc_model::security_group::{self, CreateGroup, RulePeer, SecurityGroup, SgRule};
use xvpc_model::security_group_rule::{self as rules, Direction, PeerSpec, Permission, RuleUpdate};
use xvpc_model::{IdKind, IpProtocol, ModelError, State};
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by, require_all, tag_set, tags_from_specs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateSecurityGroup, create_security_group),
    crate::typed!(ops::DeleteSecurityGroup, delete_security_group),
    crate::typed!(ops::DescribeSecurityGroups, describe_security_groups),
    crate::typed!(ops::AuthorizeSecurityGroupIngress, authorize_ingress),
    crate::typed!(ops::AuthorizeSecurityGroupEgress, authorize_egress),
    crate::typed!(ops::RevokeSecurityGroupIngress, revoke_ingress),
    crate::typed!(ops::RevokeSecurityGroupEgress, revoke_egress),
    crate::typed!(ops::DescribeSecurityGroupRules, describe_security_group_rules),
    crate::typed!(ops::ModifySecurityGroupRules, modify_security_group_rules),
    crate::typed!(ops::UpdateSecurityGroupRuleDescriptionsIngress, update_descriptions_ingress),
    crate::typed!(ops::UpdateSecurityGroupRuleDescriptionsEgress, update_descriptions_egress),
];

/// `PeeringStatus` of a reference to a group across a peering connection.
fn peering_status(state: &State, peering_id: &Option<String>) -> Option<String> {
    peering_id.as_deref().map(|id| super::peering::peering_status(state, id).to_string())
}

/// Rules grouped into `IpPermission`s by protocol and port range, as
/// DescribeSecurityGroups reports them.
fn permissions_shape(state: &State, rules: &[SgRule]) -> Vec<shape::IpPermission> {
    let mut groups: Vec<(IpProtocol, Option<i32>, Option<i32>, Vec<&SgRule>)> = Vec::new();
    for r in rules {
        match groups.iter_mut().find(|g| g.0 == r.protocol && g.1 == r.from_port && g.2 == r.to_port) {
            Some(g) => g.3.push(r),
            None => groups.push((r.protocol, r.from_port, r.to_port, vec![r])),
        }
    }
    let mut out = Vec::new();
    for (protocol, from_port, to_port, rs) in groups {
        let mut p = shape::IpPermission { ip_protocol: Some(protocol.sg_form().to_string()), from_port, to_port, ..Default::default() };
        for r in rs {
            let description = r.description.clone();
            match &r.peer {
                RulePeer::Group { group_id, user_id, vpc_id, peering_id } => p.user_id_group_pairs.push(shape::UserIdGroupPair {
                    description,
                    user_id: Some(user_id.clone()),
                    group_id: Some(group_id.clone()),
                    vpc_id: vpc_id.clone(),
                    vpc_peering_connection_id: peering_id.clone(),
                    peering_status: peering_status(state, peering_id),
                    group_name: None,
                }),
                RulePeer::Cidr(c) => p.ip_ranges.push(shape::IpRange { description, cidr_ip: Some(c.to_string()) }),
                RulePeer::Cidr6(c) => p.ipv6_ranges.push(shape::Ipv6Range { description, cidr_ipv6: Some(c.clone()) }),
                RulePeer::PrefixList(c) => p.prefix_list_ids.push(shape::PrefixListId { description, prefix_list_id: Some(c.clone()) }),
            }
        }
        out.push(p);
    }
    out
}

/// The `SecurityGroup` structure AWS describes.
pub fn group_shape(state: &State, g: &SecurityGroup) -> shape::SecurityGroup {
    shape::SecurityGroup {
        group_id: Some(g.id.clone()),
        ip_permissions_egress: permissions_shape(state, &g.egress),
        tags: tag_set(&g.tags),
        vpc_id: Some(g.vpc_id.clone()),
        security_group_arn: Some(g.arn()),
        owner_id: Some(g.owner.clone()),
        group_name: Some(g.name.clone()),
        description: Some(g.description.clone()),
        ip_permissions: permissions_shape(state, &g.ingress),
    }
}

/// One rule as DescribeSecurityGroupRules and Authorize* report it. Rules
/// hold no tags of their own in xvpc: `tagSet` is empty.
fn rule_shape(state: &State, g: &SecurityGroup, r: &SgRule, egress: bool) -> shape::SecurityGroupRule {
    let mut out = shape::SecurityGroupRule {
        security_group_rule_id: Some(r.id.clone()),
        group_id: Some(g.id.clone()),
        group_owner_id: Some(g.owner.clone()),
        is_egress: Some(egress),
        ip_protocol: Some(r.protocol.sg_form().to_string()),
        from_port: Some(r.from_port.unwrap_or(-1)),
        to_port: Some(r.to_port.unwrap_or(-1)),
        description: r.description.clone(),
        security_group_rule_arn: Some(format!("arn:aws:ec2:{}:{}:security-group-rule/{}", g.region, g.owner, r.id)),
        ..Default::default()
    };
    match &r.peer {
        RulePeer::Cidr(c) => out.cidr_ipv4 = Some(c.to_string()),
        RulePeer::Cidr6(c) => out.cidr_ipv6 = Some(c.clone()),
        RulePeer::PrefixList(p) => out.prefix_list_id = Some(p.clone()),
        RulePeer::Group { group_id, user_id, vpc_id, peering_id } => {
            out.referenced_group_info = Some(shape::ReferencedSecurityGroup {
                group_id: Some(group_id.clone()),
                peering_status: peering_status(state, peering_id),
                user_id: Some(user_id.clone()),
                vpc_id: vpc_id.clone(),
                vpc_peering_connection_id: peering_id.clone(),
            })
        }
    }
    out
}

/// A removed rule as Revoke* report it.
fn revoked_shape(group_id: &str, r: &SgRule, egress: bool) -> shape::RevokedSecurityGroupRule {
    let mut out = shape::RevokedSecurityGroupRule {
        security_group_rule_id: Some(r.id.clone()),
        group_id: Some(group_id.to_string()),
        is_egress: Some(egress),
        ip_protocol: Some(r.protocol.sg_form().to_string()),
        from_port: Some(r.from_port.unwrap_or(-1)),
        to_port: Some(r.to_port.unwrap_or(-1)),
        description: r.description.clone(),
        ..Default::default()
    };
    match &r.peer {
        RulePeer::Cidr(c) => out.cidr_ipv4 = Some(c.to_string()),
        RulePeer::Cidr6(c) => out.cidr_ipv6 = Some(c.clone()),
        RulePeer::PrefixList(p) => out.prefix_list_id = Some(p.clone()),
        RulePeer::Group { group_id, .. } => out.referenced_group_id = Some(group_id.clone()),
    }
    out
}

pub(crate) fn create_security_group(call: &mut Call, input: shape::CreateSecurityGroupRequest) -> Result<shape::CreateSecurityGroupResult> {
    let create = CreateGroup {
        name: input.group_name,
        description: input.description,
        vpc_id: input.vpc_id,
        tags: tags_from_specs(&input.tag_specifications, "security-group")?,
    };
    let (ch, id) = security_group::create_group(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    let g = &call.state().security_groups[&id];
    Ok(shape::CreateSecurityGroupResult { group_id: Some(g.id.clone()), tags: tag_set(&g.tags), security_group_arn: Some(g.arn()) })
}

pub(crate) fn delete_security_group(call: &mut Call, input: shape::DeleteSecurityGroupRequest) -> Result<shape::DeleteSecurityGroupResult> {
    let (id, name) = (input.group_id.as_deref(), input.group_name.as_deref());
    let gid = security_group::find_group(call.state(), &call.ctx, id, name)?.id.clone();
    let ch = security_group::delete_group(call.state(), &call.ctx, id, name)?;
    call.commit(ch)?;
    Ok(shape::DeleteSecurityGroupResult { return_: Some(true), group_id: Some(gid) })
}

pub(crate) fn describe_security_groups(call: &mut Call, input: shape::DescribeSecurityGroupsRequest) -> Result<shape::DescribeSecurityGroupsResult> {
    let (ids, names) = (input.group_ids, input.group_names);
    let fs = filter_list(&input.filters);
    let s = call.state();
    let mine = |x: &&SecurityGroup| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.security_groups.get(id).is_some_and(|x| mine(&x)), IdKind::SecurityGroup)?;
    for n in &names {
        // Names are looked up in the default VPC only, as in AWS.
        let default_vpc = xvpc_model::vpc::default_vpc(s, &call.ctx).map(|v| v.id.clone());
        if !s.security_groups.scope(&call.ctx).any(|g| &g.name == n && Some(&g.vpc_id) == default_vpc.as_ref()) {
            return Err(ModelError::NotFound(IdKind::SecurityGroup, n.clone()).into());
        }
    }
    let wanted = |x: &&SecurityGroup| (ids.is_empty() || ids.contains(&x.id)) && (names.is_empty() || names.contains(&x.name));
    let out = security_group::FILTERS.select(&fs, s, &call.ctx, s.security_groups.scope(&call.ctx).filter(wanted))?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |x| x.id.clone(), (5, 1000))?;
    Ok(shape::DescribeSecurityGroupsResult { security_groups: page.into_iter().map(|g| group_shape(s, g)).collect(), next_token: next })
}

/// The flat parameters Authorize*/Revoke* still accept besides
/// `IpPermissions`, for one permission (`IpProtocol`, `FromPort`, `ToPort`,
/// `CidrIp`, `SourceSecurityGroupName`/`OwnerId`).
struct Flat<'a> {
    ip_protocol: Option<&'a str>,
    from_port: Option<i32>,
    to_port: Option<i32>,
    cidr_ip: Option<&'a str>,
    source_group_name: Option<&'a str>,
    source_group_owner_id: Option<&'a str>,
}

/// The [`Flat`] parameters of an Authorize* or Revoke* request (the four
/// shapes name them alike).
macro_rules! flat {
    ($input:ident) => {
        Flat {
            ip_protocol: $input.ip_protocol.as_deref(),
            from_port: $input.from_port,
            to_port: $input.to_port,
            cidr_ip: $input.cidr_ip.as_deref(),
            source_group_name: $input.source_security_group_name.as_deref(),
            source_group_owner_id: $input.source_security_group_owner_id.as_deref(),
        }
    };
}

/// A peer's value, required where given (`IpRanges.N.CidrIp`, ...).
fn required(v: &Option<String>, name: &str) -> Result<String> {
    v.clone().ok_or_else(|| ModelError::MissingParameter(name.into()).into())
}

/// `IpPermissions.N`, plus the flat parameters when the request has them.
fn permissions(perms: &[shape::IpPermission], flat: Option<Flat>) -> Result<Vec<Permission>> {
    let mut out = Vec::new();
    for perm in perms {
        let mut peers = Vec::new();
        for r in &perm.ip_ranges {
            peers.push((PeerSpec::Cidr(required(&r.cidr_ip, "CidrIp")?), r.description.clone()));
        }
        for r in &perm.ipv6_ranges {
            peers.push((PeerSpec::Cidr6(required(&r.cidr_ipv6, "CidrIpv6")?), r.description.clone()));
        }
        for r in &perm.prefix_list_ids {
            peers.push((PeerSpec::PrefixList(required(&r.prefix_list_id, "PrefixListId")?), r.description.clone()));
        }
        for r in &perm.user_id_group_pairs {
            let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
            let group = PeerSpec::Group {
                group_id: given(&r.group_id),
                group_name: given(&r.group_name),
                user_id: given(&r.user_id),
                peering_id: given(&r.vpc_peering_connection_id),
            };
            peers.push((group, given(&r.description)));
        }
        out.push(Permission {
            protocol: perm.ip_protocol.clone().unwrap_or_default(),
            from_port: perm.from_port.map(i64::from),
            to_port: perm.to_port.map(i64::from),
            peers,
        });
    }
    let Some(f) = flat else { return Ok(out) };
    let legacy = f.ip_protocol.is_some() || f.cidr_ip.is_some() || f.source_group_name.is_some() || f.from_port.is_some() || f.to_port.is_some();
    if legacy {
        if !out.is_empty() {
            return Err(ModelError::InvalidParameterCombination("The parameter 'ipPermissions' may not be used in combination with 'ipProtocol'".into()).into());
        }
        let mut peers = Vec::new();
        if let Some(c) = f.cidr_ip {
            peers.push((PeerSpec::Cidr(c.to_string()), None));
        }
        if let Some(n) = f.source_group_name {
            let group = PeerSpec::Group { group_id: None, group_name: Some(n.to_string()), user_id: f.source_group_owner_id.map(str::to_string), peering_id: None };
            peers.push((group, None));
        }
        // Naming only a source group means every protocol, as AWS reads it.
        let protocol = f.ip_protocol.unwrap_or("-1").to_string();
        out.push(Permission { protocol, from_port: f.from_port.map(i64::from), to_port: f.to_port.map(i64::from), peers });
    }
    Ok(out)
}

fn group_id(call: &Call, id: Option<&str>, name: Option<&str>) -> Result<String> {
    Ok(security_group::find_group(call.state(), &call.ctx, id, name)?.id.clone())
}

/// Adds the rules; answers them as DescribeSecurityGroupRules would.
/// `TagSpecification`s are accepted and dropped: rules hold no tags here.
fn authorize(call: &mut Call, gid: &str, dir: Direction, perms: &[Permission]) -> Result<Vec<shape::SecurityGroupRule>> {
    let (ch, new) = rules::authorize(call.state(), &call.ctx, gid, dir, perms)?;
    call.commit(ch)?;
    let state = call.state();
    let g = &state.security_groups[gid];
    Ok(new.iter().map(|r| rule_shape(state, g, r, dir == Direction::Egress)).collect())
}

pub(crate) fn authorize_ingress(call: &mut Call, input: shape::AuthorizeSecurityGroupIngressRequest) -> Result<shape::AuthorizeSecurityGroupIngressResult> {
    let gid = group_id(call, input.group_id.as_deref(), input.group_name.as_deref())?;
    let perms = permissions(&input.ip_permissions, Some(flat!(input)))?;
    let security_group_rules = authorize(call, &gid, Direction::Ingress, &perms)?;
    Ok(shape::AuthorizeSecurityGroupIngressResult { return_: Some(true), security_group_rules })
}

pub(crate) fn authorize_egress(call: &mut Call, input: shape::AuthorizeSecurityGroupEgressRequest) -> Result<shape::AuthorizeSecurityGroupEgressResult> {
    let gid = group_id(call, Some(&input.group_id), None)?;
    let perms = permissions(&input.ip_permissions, Some(flat!(input)))?;
    let security_group_rules = authorize(call, &gid, Direction::Egress, &perms)?;
    Ok(shape::AuthorizeSecurityGroupEgressResult { return_: Some(true), security_group_rules })
}

/// Removes rules named by `SecurityGroupRuleId.N`, else by permission.
fn revoke(call: &mut Call, gid: &str, dir: Direction, ids: &[String], perms: impl FnOnce() -> Result<Vec<Permission>>) -> Result<Vec<shape::RevokedSecurityGroupRule>> {
    let (ch, removed) = if ids.is_empty() {
        rules::revoke(call.state(), &call.ctx, gid, dir, &perms()?)?
    } else {
        rules::revoke_ids(call.state(), &call.ctx, gid, dir, ids)?
    };
    call.commit(ch)?;
    Ok(removed.iter().map(|r| revoked_shape(gid, r, dir == Direction::Egress)).collect())
}

pub(crate) fn revoke_ingress(call: &mut Call, input: shape::RevokeSecurityGroupIngressRequest) -> Result<shape::RevokeSecurityGroupIngressResult> {
    let gid = group_id(call, input.group_id.as_deref(), input.group_name.as_deref())?;
    let revoked = revoke(call, &gid, Direction::Ingress, &input.security_group_rule_ids, || permissions(&input.ip_permissions, Some(flat!(input))))?;
    Ok(shape::RevokeSecurityGroupIngressResult { return_: Some(true), unknown_ip_permissions: Vec::new(), revoked_security_group_rules: revoked })
}

pub(crate) fn revoke_egress(call: &mut Call, input: shape::RevokeSecurityGroupEgressRequest) -> Result<shape::RevokeSecurityGroupEgressResult> {
    let gid = group_id(call, Some(&input.group_id), None)?;
    let revoked = revoke(call, &gid, Direction::Egress, &input.security_group_rule_ids, || permissions(&input.ip_permissions, Some(flat!(input))))?;
    Ok(shape::RevokeSecurityGroupEgressResult { return_: Some(true), unknown_ip_permissions: Vec::new(), revoked_security_group_rules: revoked })
}

pub(crate) fn describe_security_group_rules(call: &mut Call, input: shape::DescribeSecurityGroupRulesRequest) -> Result<shape::DescribeSecurityGroupRulesResult> {
    let ids = input.security_group_rule_ids;
    let fs = filter_list(&input.filters);
    let s: &State = call.state();
    let listed = rules::group_rules(s, &call.ctx).into_iter().filter(|r| ids.is_empty() || ids.contains(&r.rule.id));
    let rows = rules::FILTERS.select(&fs, s, &call.ctx, listed)?;
    for id in &ids {
        xvpc_model::ids::check(IdKind::SecurityGroupRule, id)?;
        if !rows.iter().any(|r| &r.rule.id == id) {
            return Err(ModelError::NotFound(IdKind::SecurityGroupRule, id.clone()).into());
        }
    }
    let (page, next) = paginate_by(rows, input.max_results.map(i64::from), input.next_token.as_deref(), |r| r.rule.id.clone(), (5, 1000))?;
    let security_group_rules =
        page.iter().filter_map(|r| s.security_groups.get(&r.group_id).map(|g| rule_shape(s, g, &r.rule, r.egress))).collect();
    Ok(shape::DescribeSecurityGroupRulesResult { security_group_rules, next_token: next })
}

pub(crate) fn modify_security_group_rules(call: &mut Call, input: shape::ModifySecurityGroupRulesRequest) -> Result<shape::ModifySecurityGroupRulesResult> {
    let mut updates = Vec::new();
    for u in input.security_group_rules {
        let r = u.security_group_rule.unwrap_or_default();
        let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
        let peer = if let Some(c) = given(&r.cidr_ipv4) {
            Some(PeerSpec::Cidr(c))
        } else if let Some(c) = given(&r.cidr_ipv6) {
            Some(PeerSpec::Cidr6(c))
        } else if let Some(c) = given(&r.prefix_list_id) {
            Some(PeerSpec::PrefixList(c))
        } else {
            given(&r.referenced_group_id).map(|g| PeerSpec::Group { group_id: Some(g), group_name: None, user_id: None, peering_id: None })
        };
        updates.push(RuleUpdate {
            rule_id: u.security_group_rule_id,
            protocol: r.ip_protocol.clone().unwrap_or_default(),
            from_port: r.from_port.map(i64::from),
            to_port: r.to_port.map(i64::from),
            peer,
            description: given(&r.description),
        });
    }
    let ch = rules::modify_rules(call.state(), &call.ctx, &input.group_id, &updates)?;
    call.commit(ch)?;
    Ok(shape::ModifySecurityGroupRulesResult { return_: Some(true) })
}

/// Sets descriptions of rules named by permission or by `sgr-` id.
fn update_descriptions(
    call: &mut Call,
    (id, name): (Option<&str>, Option<&str>),
    dir: Direction,
    perms: &[shape::IpPermission],
    by_id: &[shape::SecurityGroupRuleDescription],
) -> Result<()> {
    let gid = group_id(call, id, name)?;
    let perms = permissions(perms, None)?;
    let by_id: Vec<(String, Option<String>)> = by_id.iter().map(|d| (d.security_group_rule_id.clone().unwrap_or_default(), d.description.clone())).collect();
    let ch = rules::update_descriptions(call.state(), &call.ctx, &gid, dir, &perms, &by_id)?;
    call.commit(ch)?;
    Ok(())
}

fn update_descriptions_ingress(
    call: &mut Call,
    input: shape::UpdateSecurityGroupRuleDescriptionsIngressRequest,
) -> Result<shape::UpdateSecurityGroupRuleDescriptionsIngressResult> {
    let group = (input.group_id.as_deref(), input.group_name.as_deref());
    update_descriptions(call, group, Direction::Ingress, &input.ip_permissions, &input.security_group_rule_descriptions)?;
    Ok(shape::UpdateSecurityGroupRuleDescriptionsIngressResult { return_: Some(true) })
}

fn update_descriptions_egress(
    call: &mut Call,
    input: shape::UpdateSecurityGroupRuleDescriptionsEgressRequest,
) -> Result<shape::UpdateSecurityGroupRuleDescriptionsEgressResult> {
    let group = (input.group_id.as_deref(), input.group_name.as_deref());
    update_descriptions(call, group, Direction::Egress, &input.ip_permissions, &input.security_group_rule_descriptions)?;
    Ok(shape::UpdateSecurityGroupRuleDescriptionsEgressResult { return_: Some(true) })
}

#[cfg(test)]
#[path = "security_group_tests.rs"]
mod tests;
