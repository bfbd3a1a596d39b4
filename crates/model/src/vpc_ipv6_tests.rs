//! IPv6 blocks of VPCs: allocation, association rules and the defaults that
//! follow.

use super::*;
use crate::network_acl::{IPV6_DEFAULT_RULE_NUMBER, DEFAULT_RULE_NUMBER};
use crate::route_table::{Destination, RouteTarget};
use crate::vpc::{create_vpc, delete_vpc, disassociate_cidr, CreateVpc, Disassociated};

const A: &str = "111111111111";
const B: &str = "222222222222";

fn ctx(account: &str, region: &str) -> Ctx {
    Ctx::new(account, region, 0)
}

fn vpc(s: &mut State, c: &Ctx, cidr: &str, ipv6: bool) -> String {
    let (ch, id) = create_vpc(s, c, CreateVpc { cidr: cidr.into(), amazon_provided_ipv6_cidr_block: ipv6, ..Default::default() }).unwrap();
    s.apply_all(ch);
    id
}

#[test]
fn blocks_are_distinct_documentation_56s_in_order() {
    let mut s = State::default();
    let a = vpc(&mut s, &ctx(A, "us-east-1"), "10.0.0.0/16", true);
    let b = vpc(&mut s, &ctx(B, "eu-west-1"), "10.0.0.0/16", true);
    let c = vpc(&mut s, &ctx(A, "us-east-1"), "10.1.0.0/16", false);
    let block = |s: &State, id: &str| s.vpcs[id].ipv6_cidr_blocks.first().map(|b| b.cidr.to_string());
    assert_eq!(block(&s, &a).as_deref(), Some("2001:db8::/56"));
    // Another account in another Region never gets the same block.
    assert_eq!(block(&s, &b).as_deref(), Some("2001:db8:0:100::/56"));
    assert_eq!(block(&s, &c), None);
    for v in [&a, &b] {
        let n = s.vpcs[v.as_str()].ipv6_cidr_blocks[0].cidr;
        assert!(cidr::contains_v6(&cidr::documentation_v6(), &n) && n.prefix_len() == 56);
    }
    assert_eq!(s.vpcs[&b].ipv6_cidr_blocks[0].network_border_group, "eu-west-1");
    // A freed block is handed out again: the lowest free one.
    let ch = delete_vpc(&s, &ctx(A, "us-east-1"), &a).unwrap();
    s.apply_all(ch);
    let d = vpc(&mut s, &ctx(A, "us-east-1"), "10.2.0.0/16", true);
    assert_eq!(block(&s, &d).as_deref(), Some("2001:db8::/56"));
}

#[test]
fn a_new_ipv6_vpc_comes_with_ipv6_defaults() {
    let mut s = State::default();
    let c = ctx(A, "us-east-1");
    let v = vpc(&mut s, &c, "10.0.0.0/16", true);
    let block = s.vpcs[&v].ipv6_cidr_blocks[0].cidr;
    let acl = s.network_acls.values().find(|a| a.vpc_id == v && a.is_default).unwrap();
    let rules: Vec<(bool, i64, bool, String)> = acl.entries.iter().map(|e| (e.egress, e.rule_number, e.allow, e.cidr.to_string())).collect();
    assert_eq!(rules, vec![
        (false, 100, true, "0.0.0.0/0".into()),
        (false, 101, true, "::/0".into()),
        (false, DEFAULT_RULE_NUMBER, false, "0.0.0.0/0".into()),
        (false, IPV6_DEFAULT_RULE_NUMBER, false, "::/0".into()),
        (true, 100, true, "0.0.0.0/0".into()),
        (true, 101, true, "::/0".into()),
        (true, DEFAULT_RULE_NUMBER, false, "0.0.0.0/0".into()),
        (true, IPV6_DEFAULT_RULE_NUMBER, false, "::/0".into()),
    ]);
    let sg = crate::security_group::default_group(&s, &v).unwrap();
    let egress: Vec<String> = sg.egress.iter().map(|r| format!("{:?}", r.peer)).collect();
    assert_eq!(egress, vec!["Cidr(0.0.0.0/0)".to_string(), "Cidr6(\"::/0\")".to_string()]);
    // The local route covers the /56.
    let main = s.route_tables.values().find(|t| t.vpc_id == v && t.main).unwrap();
    let routes = main.effective_routes(s.vpcs.get(&v));
    assert!(routes.iter().any(|r| r.destination == Destination::Cidr(block.into()) && r.target == RouteTarget::Local));
    // A custom ACL of the VPC has both final denies and nothing else.
    let (ch, custom) = crate::network_acl::create(&s, &c, &v, Default::default()).unwrap();
    s.apply_all(ch);
    let n: Vec<i64> = s.network_acls[&custom].entries.iter().map(|e| e.rule_number).collect();
    assert_eq!(n, vec![DEFAULT_RULE_NUMBER, IPV6_DEFAULT_RULE_NUMBER, DEFAULT_RULE_NUMBER, IPV6_DEFAULT_RULE_NUMBER]);
}

#[test]
fn an_ipv4_vpc_has_no_ipv6_anything() {
    let mut s = State::default();
    let v = vpc(&mut s, &ctx(A, "us-east-1"), "10.0.0.0/16", false);
    assert!(s.network_acls.values().all(|a| a.entries.iter().all(|e| e.cidr.addr().is_ipv4())));
    assert!(s.security_groups.values().all(|g| g.egress.iter().all(|r| r.peer.ipv6_net().is_none())));
    let main = s.route_tables.values().find(|t| t.vpc_id == v).unwrap();
    assert_eq!(main.effective_routes(s.vpcs.get(&v)).len(), 1);
}

#[test]
fn associating_later_adds_rules_only_to_untouched_directions() {
    let mut s = State::default();
    let c = ctx(A, "us-east-1");
    let v = vpc(&mut s, &c, "10.0.0.0/16", false);
    let acl = s.network_acls.values().find(|a| a.vpc_id == v && a.is_default).unwrap().id.clone();
    // The inbound rules are changed; the outbound ones are not.
    let entry = crate::network_acl::EntryInput {
        rule_number: 90,
        protocol: "tcp".into(),
        action: "deny".into(),
        cidr: Some("10.9.0.0/16".into()),
        port_range: Some((Some(22), Some(22))),
        ..Default::default()
    };
    let ch = crate::network_acl::create_entry(&s, &c, &acl, &entry).unwrap();
    s.apply_all(ch);
    let (ch, block) = associate_amazon_provided(&s, &c, &v, None).unwrap();
    s.apply_all(ch);
    assert_eq!(s.vpcs[&v].ipv6_cidr_blocks, vec![block.clone()]);
    let has = |egress: bool, n: i64| s.network_acls[&acl].entries.iter().any(|e| e.egress == egress && e.rule_number == n && e.cidr.addr().is_ipv6());
    assert!(!has(false, 101), "modified inbound rules get no IPv6 allow");
    assert!(has(true, 101), "untouched outbound rules do");
    assert!(has(false, IPV6_DEFAULT_RULE_NUMBER) && has(true, IPV6_DEFAULT_RULE_NUMBER));
    let sg = crate::security_group::default_group(&s, &v).unwrap();
    assert!(sg.egress.iter().any(|r| r.peer.ipv6_net().is_some_and(|n| n.prefix_len() == 0)));
    // One Amazon-provided block per border group; a foreign group is refused.
    assert!(matches!(associate_amazon_provided(&s, &c, &v, None), Err(ModelError::LimitExceeded(Limit::VpcCidrBlocks, _))));
    assert!(matches!(associate_amazon_provided(&s, &c, &v, Some("eu-west-1")), Err(ModelError::InvalidParameterValue(_))));
    // Another account cannot touch the VPC.
    assert_eq!(associate_amazon_provided(&s, &ctx(B, "us-east-1"), &v, None).unwrap_err(), ModelError::NotFound(IdKind::Vpc, v.clone()));
    // Disassociation by the shared association-id space.
    let (ch, vpc_id, gone) = disassociate_cidr(&s, &c, &block.association_id).unwrap();
    s.apply_all(ch);
    assert_eq!((vpc_id, gone), (v.clone(), Disassociated::V6(block)));
    assert!(s.vpcs[&v].ipv6_cidr_blocks.is_empty());
    // Re-associating adds no second copy of the rules.
    let before = s.network_acls[&acl].entries.len();
    let (ch, _) = associate_amazon_provided(&s, &c, &v, None).unwrap();
    s.apply_all(ch);
    assert_eq!(s.network_acls[&acl].entries.len(), before);
}

#[test]
fn a_block_with_subnet_blocks_cannot_go() {
    let mut s = State::default();
    let c = ctx(A, "us-east-1");
    let v = vpc(&mut s, &c, "10.0.0.0/16", true);
    let block = s.vpcs[&v].ipv6_cidr_blocks[0].clone();
    let sub = crate::subnet::CreateSubnet { vpc_id: v.clone(), cidr: "10.0.1.0/24".into(), availability_zone: Some("us-east-1a".into()), ..Default::default() };
    let (ch, _) = crate::subnet::create_dual_stack(&s, &c, sub, Some(&cidr::nth_subnet_v6(&block.cidr, 64, 3).unwrap().to_string())).unwrap();
    s.apply_all(ch);
    assert!(matches!(disassociate_cidr(&s, &c, &block.association_id), Err(ModelError::DependencyViolation(_))));
    assert_eq!(disassociate_cidr(&s, &c, "vpc-cidr-assoc-0000000000000000f").unwrap_err(), ModelError::NotFound(IdKind::VpcCidrBlockAssociation, "vpc-cidr-assoc-0000000000000000f".into()));
}

#[test]
fn the_border_group_needs_an_amazon_provided_block() {
    let s = State::default();
    let input = CreateVpc { cidr: "10.0.0.0/16".into(), ipv6_network_border_group: Some("us-east-1".into()), ..Default::default() };
    assert!(matches!(create_vpc(&s, &ctx(A, "us-east-1"), input), Err(ModelError::InvalidParameterCombination(_))));
}

#[test]
fn old_state_without_ipv6_fields_loads() {
    let json = r#"{"id":"vpc-1","owner":"1","region":"r","cidr_blocks":[{"association_id":"a","cidr":"10.0.0.0/16"}],"instance_tenancy":"default","dhcp_options_id":"default","is_default":false,"enable_dns_support":true,"enable_dns_hostnames":false,"tags":{},"created_at":0}"#;
    let v: Vpc = serde_json::from_str(json).unwrap();
    assert!(v.ipv6_cidr_blocks.is_empty());
    // And an IPv4-only VPC writes no IPv6 key.
    assert!(!serde_json::to_string(&v).unwrap().contains("ipv6"));
}
