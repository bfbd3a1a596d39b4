//! Security group actions: groups, rules (by permission and by `sgr-` id),
//! DescribeSecurityGroupRules.

use xvpc_model::security_group::{self, CreateGroup, RulePeer, SecurityGroup, SgRule};
use xvpc_model::security_group_rule::{self as rules, Direction, PeerSpec, Permission, RuleUpdate};
use xvpc_model::{IdKind, IpProtocol, State};
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate, require_all, tag_specs, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("CreateSecurityGroup", create_security_group),
    ("DeleteSecurityGroup", delete_security_group),
    ("DescribeSecurityGroups", describe_security_groups),
    ("AuthorizeSecurityGroupIngress", |c, p| authorize(c, p, Direction::Ingress)),
    ("AuthorizeSecurityGroupEgress", |c, p| authorize(c, p, Direction::Egress)),
    ("RevokeSecurityGroupIngress", |c, p| revoke(c, p, Direction::Ingress)),
    ("RevokeSecurityGroupEgress", |c, p| revoke(c, p, Direction::Egress)),
    ("DescribeSecurityGroupRules", describe_security_group_rules),
    ("ModifySecurityGroupRules", modify_security_group_rules),
    ("UpdateSecurityGroupRuleDescriptionsIngress", |c, p| update_descriptions(c, p, Direction::Ingress)),
    ("UpdateSecurityGroupRuleDescriptionsEgress", |c, p| update_descriptions(c, p, Direction::Egress)),
];

/// Rules grouped into `IpPermission`s by protocol and port range, as
/// DescribeSecurityGroups reports them.
fn write_permissions(w: &mut XmlWriter, state: &State, name: &str, rules: &[SgRule]) {
    let mut groups: Vec<(IpProtocol, Option<i32>, Option<i32>, Vec<&SgRule>)> = Vec::new();
    for r in rules {
        match groups.iter_mut().find(|g| g.0 == r.protocol && g.1 == r.from_port && g.2 == r.to_port) {
            Some(g) => g.3.push(r),
            None => groups.push((r.protocol, r.from_port, r.to_port, vec![r])),
        }
    }
    w.items(name, groups, |w, (proto, from, to, rs)| {
        w.leaf("ipProtocol", proto.sg_form());
        w.opt_leaf("fromPort", from.map(|x| x.to_string())).opt_leaf("toPort", to.map(|x| x.to_string()));
        w.items("groups", rs.iter().filter(|r| matches!(r.peer, RulePeer::Group { .. })), |w, r| {
            if let RulePeer::Group { group_id, user_id, vpc_id, peering_id } = &r.peer {
                w.opt_leaf("description", r.description.as_ref()).leaf("userId", user_id).leaf("groupId", group_id);
                w.opt_leaf("vpcId", vpc_id.as_ref()).opt_leaf("vpcPeeringConnectionId", peering_id.as_ref());
                w.opt_leaf("peeringStatus", peering_id.as_deref().map(|id| super::peering::peering_status(state, id)));
            }
        });
        w.items("ipRanges", rs.iter().filter_map(|r| match &r.peer { RulePeer::Cidr(c) => Some((c, r)), _ => None }), |w, (c, r)| {
            w.opt_leaf("description", r.description.as_ref()).leaf("cidrIp", c.to_string());
        });
        w.items("ipv6Ranges", rs.iter().filter_map(|r| match &r.peer { RulePeer::Cidr6(c) => Some((c, r)), _ => None }), |w, (c, r)| {
            w.opt_leaf("description", r.description.as_ref()).leaf("cidrIpv6", c);
        });
        w.items("prefixListIds", rs.iter().filter_map(|r| match &r.peer { RulePeer::PrefixList(c) => Some((c, r)), _ => None }), |w, (c, r)| {
            w.opt_leaf("description", r.description.as_ref()).leaf("prefixListId", c);
        });
    });
}

/// The `<item>` of a security group.
pub fn write_group(w: &mut XmlWriter, state: &State, g: &SecurityGroup) {
    w.leaf("ownerId", &g.owner).leaf("groupId", &g.id).leaf("groupName", &g.name).leaf("groupDescription", &g.description);
    write_permissions(w, state, "ipPermissions", &g.ingress);
    write_permissions(w, state, "ipPermissionsEgress", &g.egress);
    w.leaf("vpcId", &g.vpc_id).leaf("securityGroupArn", g.arn());
    write_tags(w, &g.tags);
}

/// One rule as DescribeSecurityGroupRules and Authorize* report it.
fn write_rule(w: &mut XmlWriter, state: &State, g: &SecurityGroup, r: &SgRule, egress: bool) {
    w.leaf("securityGroupRuleId", &r.id).leaf("groupId", &g.id).leaf("groupOwnerId", &g.owner).bool_leaf("isEgress", egress);
    w.leaf("ipProtocol", r.protocol.sg_form());
    w.leaf("fromPort", r.from_port.unwrap_or(-1).to_string()).leaf("toPort", r.to_port.unwrap_or(-1).to_string());
    match &r.peer {
        RulePeer::Cidr(c) => w.leaf("cidrIpv4", c.to_string()),
        RulePeer::Cidr6(c) => w.leaf("cidrIpv6", c),
        RulePeer::PrefixList(p) => w.leaf("prefixListId", p),
        RulePeer::Group { group_id, user_id, vpc_id, peering_id } => {
            w.open("referencedGroupInfo").leaf("groupId", group_id);
            w.opt_leaf("peeringStatus", peering_id.as_deref().map(|id| super::peering::peering_status(state, id))).leaf("userId", user_id);
            w.opt_leaf("vpcId", vpc_id.as_ref()).opt_leaf("vpcPeeringConnectionId", peering_id.as_ref());
            w.close("referencedGroupInfo")
        }
    };
    w.opt_leaf("description", r.description.as_ref());
    w.items("tagSet", Vec::<()>::new(), |_, _| {});
    w.leaf("securityGroupRuleArn", format!("arn:aws:ec2:{}:{}:security-group-rule/{}", g.region, g.owner, r.id));
}

fn create_security_group(call: &mut Call, p: &QueryParams) -> Result<String> {
    let input = CreateGroup {
        name: p.get("GroupName").unwrap_or("").to_string(),
        description: p.get("GroupDescription").unwrap_or("").to_string(),
        vpc_id: p.get("VpcId").map(str::to_string),
        tags: tag_specs(p, "security-group")?,
    };
    let (ch, id) = security_group::create_group(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    let g = &call.state().security_groups[&id];
    let mut w = XmlWriter::new();
    w.leaf("groupId", &g.id).leaf("securityGroupArn", g.arn());
    write_tags(&mut w, &g.tags);
    Ok(w.finish())
}

fn delete_security_group(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.get("GroupId").map(str::to_string);
    let ch = security_group::delete_group(call.state(), &call.ctx, id.as_deref(), p.get("GroupName"))?;
    let gid = match &ch.events[0] {
        xvpc_model::Event::Delete(_, id) => id.clone(),
        _ => String::new(),
    };
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.leaf("return", "true").leaf("groupId", gid);
    Ok(w.finish())
}

fn describe_security_groups(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("GroupId");
    let names = p.list("GroupName");
    let fs = filters(p);
    let s = call.state();
    let mine = |x: &&SecurityGroup| x.owner == call.ctx.account && x.region == call.ctx.region;
    require_all(&ids, |id| s.security_groups.get(id).is_some_and(|x| mine(&x)), IdKind::SecurityGroup)?;
    for n in &names {
        // Names are looked up in the default VPC only, as in AWS.
        let default_vpc = xvpc_model::vpc::default_vpc(s, &call.ctx).map(|v| v.id.clone());
        if !s.security_groups.scope(&call.ctx).any(|g| &g.name == n && Some(&g.vpc_id) == default_vpc.as_ref()) {
            return Err(xvpc_model::ModelError::NotFound(IdKind::SecurityGroup, n.clone()).into());
        }
    }
    let wanted = |x: &&SecurityGroup| (ids.is_empty() || ids.contains(&x.id)) && (names.is_empty() || names.contains(&x.name));
    let out = security_group::FILTERS.select(&fs, s, &call.ctx, s.security_groups.scope(&call.ctx).filter(wanted))?;
    let (page, next) = paginate(out, p, |x| x.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("securityGroupInfo", page, |w, x| write_group(w, s, x));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

/// `IpPermissions.N` plus the legacy flat parameters (`IpProtocol`,
/// `FromPort`, `ToPort`, `CidrIp`, `SourceSecurityGroupName/OwnerId`).
fn permissions(p: &QueryParams) -> Result<Vec<Permission>> {
    let mut out = Vec::new();
    for perm in p.structs("IpPermissions") {
        let mut peers = Vec::new();
        for r in perm.structs("IpRanges") {
            peers.push((PeerSpec::Cidr(r.required("CidrIp")?.to_string()), r.get("Description").map(str::to_string)));
        }
        for r in perm.structs("Ipv6Ranges") {
            peers.push((PeerSpec::Cidr6(r.required("CidrIpv6")?.to_string()), r.get("Description").map(str::to_string)));
        }
        for r in perm.structs("PrefixListIds") {
            peers.push((PeerSpec::PrefixList(r.required("PrefixListId")?.to_string()), r.get("Description").map(str::to_string)));
        }
        for r in perm.structs("Groups") {
            let s = |k: &str| r.get(k).filter(|v| !v.is_empty()).map(str::to_string);
            peers.push((
                PeerSpec::Group { group_id: s("GroupId"), group_name: s("GroupName"), user_id: s("UserId"), peering_id: s("VpcPeeringConnectionId") },
                s("Description"),
            ));
        }
        out.push(Permission {
            protocol: perm.get("IpProtocol").unwrap_or("").to_string(),
            from_port: perm.int("FromPort")?,
            to_port: perm.int("ToPort")?,
            peers,
        });
    }
    let legacy = ["IpProtocol", "CidrIp", "SourceSecurityGroupName", "FromPort", "ToPort"].iter().any(|k| p.get(k).is_some());
    if legacy {
        if !out.is_empty() {
            return Err(client("InvalidParameterCombination", "The parameter 'ipPermissions' may not be used in combination with 'ipProtocol'"));
        }
        let mut peers = Vec::new();
        if let Some(c) = p.get("CidrIp") {
            peers.push((PeerSpec::Cidr(c.to_string()), None));
        }
        if let Some(n) = p.get("SourceSecurityGroupName") {
            peers.push((
                PeerSpec::Group { group_id: None, group_name: Some(n.to_string()), user_id: p.get("SourceSecurityGroupOwnerId").map(str::to_string), peering_id: None },
                None,
            ));
        }
        // Naming only a source group means every protocol, as AWS reads it.
        let protocol = p.get("IpProtocol").unwrap_or("-1").to_string();
        out.push(Permission { protocol, from_port: p.int("FromPort")?, to_port: p.int("ToPort")?, peers });
    }
    Ok(out)
}

fn group_id(call: &Call, p: &QueryParams) -> Result<String> {
    Ok(security_group::find_group(call.state(), &call.ctx, p.get("GroupId"), p.get("GroupName"))?.id.clone())
}

fn authorize(call: &mut Call, p: &QueryParams, dir: Direction) -> Result<String> {
    let gid = group_id(call, p)?;
    let perms = permissions(p)?;
    let (ch, new) = rules::authorize(call.state(), &call.ctx, &gid, dir, &perms)?;
    call.commit(ch)?;
    let state = call.state();
    let g = &state.security_groups[&gid];
    let mut w = XmlWriter::new();
    w.leaf("return", "true");
    w.items("securityGroupRuleSet", &new, |w, r| write_rule(w, state, g, r, dir == Direction::Egress));
    Ok(w.finish())
}

fn revoke(call: &mut Call, p: &QueryParams, dir: Direction) -> Result<String> {
    let gid = group_id(call, p)?;
    let ids = p.list("SecurityGroupRuleId");
    let (ch, removed) = if ids.is_empty() {
        rules::revoke(call.state(), &call.ctx, &gid, dir, &permissions(p)?)?
    } else {
        rules::revoke_ids(call.state(), &call.ctx, &gid, dir, &ids)?
    };
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.leaf("return", "true");
    w.items("revokedSecurityGroupRuleSet", &removed, |w, r| {
        w.leaf("securityGroupRuleId", &r.id).leaf("groupId", &gid).bool_leaf("isEgress", dir == Direction::Egress).leaf("ipProtocol", r.protocol.sg_form());
        w.leaf("fromPort", r.from_port.unwrap_or(-1).to_string()).leaf("toPort", r.to_port.unwrap_or(-1).to_string());
    });
    Ok(w.finish())
}

fn describe_security_group_rules(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("SecurityGroupRuleId");
    let fs = filters(p);
    let s: &State = call.state();
    let listed = rules::group_rules(s, &call.ctx).into_iter().filter(|r| ids.is_empty() || ids.contains(&r.rule.id));
    let rows = rules::FILTERS.select(&fs, s, &call.ctx, listed)?;
    for id in &ids {
        xvpc_model::ids::check(IdKind::SecurityGroupRule, id)?;
        if !rows.iter().any(|r| &r.rule.id == id) {
            return Err(xvpc_model::ModelError::NotFound(IdKind::SecurityGroupRule, id.clone()).into());
        }
    }
    let (page, next) = paginate(rows, p, |r| r.rule.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("securityGroupRuleSet", page, |w, r| {
        if let Some(g) = s.security_groups.get(&r.group_id) {
            write_rule(w, s, g, &r.rule, r.egress);
        }
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn modify_security_group_rules(call: &mut Call, p: &QueryParams) -> Result<String> {
    let gid = p.required("GroupId")?.to_string();
    let mut updates = Vec::new();
    for u in p.structs("SecurityGroupRule") {
        let r = u.child("SecurityGroupRule");
        let s = |k: &str| r.get(k).filter(|v| !v.is_empty()).map(str::to_string);
        let peer = if let Some(c) = s("CidrIpv4") {
            Some(PeerSpec::Cidr(c))
        } else if let Some(c) = s("CidrIpv6") {
            Some(PeerSpec::Cidr6(c))
        } else if let Some(c) = s("PrefixListId") {
            Some(PeerSpec::PrefixList(c))
        } else {
            s("ReferencedGroupId").map(|g| PeerSpec::Group { group_id: Some(g), group_name: None, user_id: None, peering_id: None })
        };
        updates.push(RuleUpdate {
            rule_id: u.required("SecurityGroupRuleId")?.to_string(),
            protocol: r.get("IpProtocol").unwrap_or("").to_string(),
            from_port: r.int("FromPort")?,
            to_port: r.int("ToPort")?,
            peer,
            description: s("Description"),
        });
    }
    let ch = rules::modify_rules(call.state(), &call.ctx, &gid, &updates)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn update_descriptions(call: &mut Call, p: &QueryParams, dir: Direction) -> Result<String> {
    let gid = group_id(call, p)?;
    let perms = permissions(p)?;
    let by_id: Vec<(String, Option<String>)> = p
        .structs("SecurityGroupRuleDescription")
        .into_iter()
        .map(|d| (d.get("SecurityGroupRuleId").unwrap_or("").to_string(), d.get("Description").map(str::to_string)))
        .collect();
    let ch = rules::update_descriptions(call.state(), &call.ctx, &gid, dir, &perms, &by_id)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}
