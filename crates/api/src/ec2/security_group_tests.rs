//! Security group outputs against botocore's shapes, over the populated
//! world's group with rules of every peer kind in both directions, plus a
//! reference to a group across a peering connection.

use super::*;
use crate::shape_coverage::missing;
use xvpc_model::populated::{world, World, B};

/// The world, and its group with the most rules, given rules that
/// reference a group in account B over the world's peering connection.
fn world_with_peered_reference() -> (World, String) {
    let mut w = world();
    let pcx = w.state.peering_connections.values().next().expect("the world has peerings").id.clone();
    let gid = w.state.security_groups.scope(&w.ctx).max_by_key(|g| g.ingress.len()).expect("groups").id.clone();
    let g = w.state.security_groups.get_mut(&gid).expect("group");
    // Both directions: shape_coverage checks each path to a shape.
    for (rules, id) in [(&mut g.ingress, "sgr-0123456789abcdef0"), (&mut g.egress, "sgr-0123456789abcdef1")] {
        let mut r = rules[0].clone();
        r.id = id.into();
        let peering_id = Some(pcx.clone());
        r.peer = RulePeer::Group { group_id: "sg-0123456789abcdef0".into(), user_id: B.into(), vpc_id: Some("vpc-0123456789abcdef0".into()), peering_id };
        rules.push(r);
    }
    (w, gid)
}

#[test]
fn describe_security_groups_carries_every_member_xvpc_holds() {
    let (w, gid) = world_with_peered_reference();
    let g = &w.state.security_groups[&gid];
    let out = shape::DescribeSecurityGroupsResult { security_groups: vec![group_shape(&w.state, g)], next_token: Some("token".into()) };
    let xml = xvpc_wire::xml_output::body(&out);
    // AWS names the referenced group only for EC2-Classic and default-VPC
    // references; xvpc keeps the id.
    assert_eq!(missing("ec2", "DescribeSecurityGroupsResult", &xml), ["UserIdGroupPair.GroupName"]);
}

#[test]
fn describe_security_group_rules_carries_every_member_xvpc_holds() {
    let (w, gid) = world_with_peered_reference();
    let g = &w.state.security_groups[&gid];
    let rules: Vec<_> = g.ingress.iter().map(|r| rule_shape(&w.state, g, r, false)).chain(g.egress.iter().map(|r| rule_shape(&w.state, g, r, true))).collect();
    let xml = xvpc_wire::xml_output::body(&shape::DescribeSecurityGroupRulesResult { security_group_rules: rules.clone(), next_token: Some("t".into()) });
    // Rules hold no tags of their own in xvpc.
    assert_eq!(missing("ec2", "DescribeSecurityGroupRulesResult", &xml), ["SecurityGroupRule.Tags"]);
    let xml = xvpc_wire::xml_output::body(&shape::AuthorizeSecurityGroupIngressResult { return_: Some(true), security_group_rules: rules });
    assert_eq!(missing("ec2", "AuthorizeSecurityGroupIngressResult", &xml), ["SecurityGroupRule.Tags"]);
}

#[test]
fn revoked_rules_carry_every_member() {
    let (w, gid) = world_with_peered_reference();
    let g = &w.state.security_groups[&gid];
    let revoked = g.ingress.iter().map(|r| revoked_shape(&g.id, r, false)).collect();
    let out = shape::RevokeSecurityGroupIngressResult { return_: Some(true), unknown_ip_permissions: Vec::new(), revoked_security_group_rules: revoked };
    let xml = xvpc_wire::xml_output::body(&out);
    // A rule that does not exist is InvalidPermission.NotFound here, never
    // listed as unknown.
    assert_eq!(missing("ec2", "RevokeSecurityGroupIngressResult", &xml), ["RevokeSecurityGroupIngressResult.UnknownIpPermissions"]);
}
