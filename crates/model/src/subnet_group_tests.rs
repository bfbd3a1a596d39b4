//! The rules each service applies to its subnet groups.

use super::*;
use crate::subnet::{create_subnet, delete_subnet, CreateSubnet};
use crate::vpc::{create_vpc, CreateVpc};

fn ctx() -> Ctx {
    Ctx::new("111111111111", "us-east-1", 0)
}

/// Two VPCs; the first with subnets in us-east-1a, 1a and 1b, the second
/// in 1a and 1b. Returns (state, [a1, a1bis, b1], the second VPC's 1a).
fn setup() -> (State, Vec<String>, String) {
    let mut s = State::default();
    let vpc = |s: &mut State, cidr: &str| {
        let (ch, v) = create_vpc(s, &ctx(), CreateVpc { cidr: cidr.into(), ..Default::default() }).unwrap();
        s.apply_all(ch);
        v
    };
    let v1 = vpc(&mut s, "10.0.0.0/16");
    let v2 = vpc(&mut s, "10.1.0.0/16");
    let subnet = |s: &mut State, v: &str, cidr: &str, az: &str| {
        let input = CreateSubnet { vpc_id: v.into(), cidr: cidr.into(), availability_zone: Some(az.into()), ..Default::default() };
        let (ch, id) = create_subnet(s, &ctx(), input).unwrap();
        s.apply_all(ch);
        id
    };
    let a = subnet(&mut s, &v1, "10.0.1.0/24", "us-east-1a");
    let a2 = subnet(&mut s, &v1, "10.0.2.0/24", "us-east-1a");
    let b = subnet(&mut s, &v1, "10.0.3.0/24", "us-east-1b");
    let other = subnet(&mut s, &v2, "10.1.1.0/24", "us-east-1a");
    subnet(&mut s, &v2, "10.1.2.0/24", "us-east-1b");
    (s, vec![a, a2, b], other)
}

fn group(name: &str, subnets: &[&String]) -> CreateGroup {
    CreateGroup { name: name.into(), description: "d".into(), subnet_ids: subnets.iter().map(|s| s.to_string()).collect(), tags: vec![] }
}

fn fault(r: Result<(Changes, String)>) -> Option<(GroupService, GroupFault)> {
    match r {
        Err(ModelError::SubnetGroup(s, f, _)) => Some((s, f)),
        _ => None,
    }
}

#[test]
fn names_are_stored_lowercase_and_unique_per_service() {
    let (mut s, n, _) = setup();
    let (ch, arn) = create(&s, &ctx(), GroupService::Rds, group("My-Group", &[&n[0], &n[2]])).unwrap();
    s.apply_all(ch);
    assert_eq!(arn, "arn:aws:rds:us-east-1:111111111111:subgrp:my-group");
    assert_eq!(s.subnet_groups[&arn].name, "my-group");
    assert_eq!(find(&s, &ctx(), GroupService::Rds, "MY-GROUP").unwrap().id, arn);
    let again = create(&s, &ctx(), GroupService::Rds, group("my-group", &[&n[0], &n[2]]));
    assert_eq!(fault(again), Some((GroupService::Rds, GroupFault::AlreadyExists)));
    // The same name is free in another service.
    let (_, cache) = create(&s, &ctx(), GroupService::ElastiCache, group("my-group", &[&n[0]])).unwrap();
    assert_eq!(cache, "arn:aws:elasticache:us-east-1:111111111111:subnetgroup:my-group");
}

#[test]
fn rds_needs_two_zones_the_others_one() {
    let (s, n, _) = setup();
    let one_zone = create(&s, &ctx(), GroupService::Rds, group("g", &[&n[0], &n[1]]));
    match one_zone {
        Err(ModelError::SubnetGroup(GroupService::Rds, GroupFault::NotEnoughZones, m)) => assert!(m.contains("Current AZ coverage: us-east-1a."), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(create(&s, &ctx(), GroupService::ElastiCache, group("g", &[&n[0]])).is_ok());
    assert!(create(&s, &ctx(), GroupService::Redshift, group("g", &[&n[0]])).is_ok());
}

#[test]
fn subnets_must_exist_be_the_callers_and_share_one_vpc() {
    let (s, n, other) = setup();
    let missing = create(&s, &ctx(), GroupService::Rds, group("g", &[&n[0], &"subnet-0000000000000000f".to_string()]));
    assert!(matches!(missing, Err(ModelError::InvalidParameterValue(m)) if m.starts_with("Some input subnets in :[")));
    let elsewhere = Ctx::new("222222222222", "us-east-1", 0);
    assert!(matches!(create(&s, &elsewhere, GroupService::ElastiCache, group("g", &[&n[0]])), Err(ModelError::InvalidParameterValue(_))));
    let two_vpcs = create(&s, &ctx(), GroupService::Redshift, group("g", &[&n[0], &other]));
    assert_eq!(fault(two_vpcs), Some((GroupService::Redshift, GroupFault::InvalidSubnet)));
    assert_eq!(fault(create(&s, &ctx(), GroupService::Rds, group("g", &[]))), Some((GroupService::Rds, GroupFault::InvalidSubnet)));
}

#[test]
fn name_rules_differ_per_service() {
    let (s, n, _) = setup();
    let try_ = |svc, name: &str| create(&s, &ctx(), svc, group(name, &[&n[0], &n[2]]));
    assert!(try_(GroupService::Rds, "db group_1.x").is_ok());
    assert!(matches!(try_(GroupService::Rds, "1db"), Err(ModelError::InvalidParameterValue(_))));
    assert!(matches!(try_(GroupService::Rds, "Default"), Err(ModelError::InvalidParameterValue(_))));
    assert!(matches!(try_(GroupService::ElastiCache, "a_b"), Err(ModelError::InvalidParameterValue(_))));
    assert!(matches!(try_(GroupService::Redshift, "default"), Err(ModelError::InvalidParameterValue(_))));
    assert!(matches!(try_(GroupService::Redshift, &"a".repeat(256)), Err(ModelError::InvalidParameterValue(_))));
}

#[test]
fn quotas_of_groups_and_subnets() {
    let (mut s, n, _) = setup();
    for i in 0..GroupService::Redshift.max_groups() {
        let (ch, _) = create(&s, &ctx(), GroupService::Redshift, group(&format!("g{i}"), &[&n[0]])).unwrap();
        s.apply_all(ch);
    }
    let over = create(&s, &ctx(), GroupService::Redshift, group("one-more", &[&n[0]]));
    assert_eq!(fault(over), Some((GroupService::Redshift, GroupFault::GroupQuotaExceeded)));
    let many: Vec<String> = (0..21).map(|i| format!("subnet-{i:017x}")).collect();
    let input = CreateGroup { name: "big".into(), subnet_ids: many, ..Default::default() };
    assert_eq!(fault(create(&s, &ctx(), GroupService::Rds, input)), Some((GroupService::Rds, GroupFault::SubnetQuotaExceeded)));
}

#[test]
fn modify_replaces_subnets_and_rds_keeps_its_vpc() {
    let (mut s, n, other) = setup();
    let (ch, arn) = create(&s, &ctx(), GroupService::Rds, group("g", &[&n[0], &n[2]])).unwrap();
    s.apply_all(ch);
    let (ch, _) = modify(&s, &ctx(), GroupService::Rds, "g", Some("new".into()), &[n[1].clone(), n[2].clone()]).unwrap();
    s.apply_all(ch);
    let g = &s.subnet_groups[&arn];
    assert_eq!((g.description.as_str(), g.subnets[0].subnet_id.as_str()), ("new", n[1].as_str()));
    let second_vpc: Vec<String> = s.subnets.values().filter(|x| x.vpc_id == s.subnets[&other].vpc_id).map(|x| x.id.clone()).collect();
    assert!(matches!(modify(&s, &ctx(), GroupService::Rds, "g", None, &second_vpc), Err(ModelError::InvalidParameterValue(m)) if m.contains("same Vpc")));
    let (ch, _) = create(&s, &ctx(), GroupService::ElastiCache, group("c", &[&n[0]])).unwrap();
    s.apply_all(ch);
    let (ch, cache) = modify(&s, &ctx(), GroupService::ElastiCache, "c", None, &[other.clone()]).unwrap();
    s.apply_all(ch);
    assert_eq!(s.subnet_groups[&cache].vpc_id, s.subnets[&other].vpc_id);
    assert_eq!(fault(modify(&s, &ctx(), GroupService::Rds, "nope", None, &[n[0].clone()])), Some((GroupService::Rds, GroupFault::NotFound)));
}

/// EC2 lets a subnet go while a group names it; the group still lists it
/// with its zone, and it no longer counts as IPv4.
#[test]
fn a_deleted_subnet_stays_listed() {
    let (mut s, n, _) = setup();
    let (ch, arn) = create(&s, &ctx(), GroupService::Rds, group("g", &[&n[0], &n[2]])).unwrap();
    s.apply_all(ch);
    assert_eq!(s.subnet_groups[&arn].address_families(&s), (true, false));
    s.apply_all(delete_subnet(&s, &ctx(), &n[0]).unwrap());
    let g = &s.subnet_groups[&arn];
    assert_eq!(g.subnets[0].availability_zone, "us-east-1a");
    assert_eq!(g.address_families(&s), (false, false));
    s.apply_all(delete(&s, &ctx(), GroupService::Rds, "G").unwrap());
    assert!(s.subnet_groups.is_empty());
}

#[test]
fn tags_by_arn_with_each_services_faults() {
    let (mut s, n, _) = setup();
    let (ch, arn) = create(&s, &ctx(), GroupService::Redshift, group("r", &[&n[0]])).unwrap();
    s.apply_all(ch);
    s.apply_all(tag(&s, &ctx(), GroupService::Redshift, &arn, &[("k".into(), "v".into())]).unwrap());
    assert_eq!(s.subnet_groups[&arn].tags["k"], "v");
    s.apply_all(untag(&s, &ctx(), GroupService::Redshift, &arn, &["k".into(), "absent".into()]).unwrap());
    assert!(s.subnet_groups[&arn].tags.is_empty());
    let f = |svc, arn: &str| match by_arn(&s, &ctx(), svc, arn) {
        Err(ModelError::SubnetGroup(_, f, _)) => Some(f),
        _ => None,
    };
    assert_eq!(f(GroupService::Rds, "not-an-arn"), Some(GroupFault::InvalidArn));
    assert_eq!(f(GroupService::Rds, &arn), Some(GroupFault::InvalidArn), "a Redshift ARN is not RDS's");
    assert_eq!(f(GroupService::Rds, "arn:aws:rds:us-east-1:111111111111:subgrp:gone"), Some(GroupFault::NotFound));
    assert_eq!(f(GroupService::Redshift, "arn:aws:redshift:us-east-1:111111111111:subnetgroup:gone"), Some(GroupFault::ResourceNotFound));
    assert_eq!(f(GroupService::ElastiCache, "arn:aws:elasticache:us-east-1:111111111111:cluster:c"), Some(GroupFault::ResourceNotFound));
    let reserved = tag(&s, &ctx(), GroupService::Redshift, &arn, &[("aws:x".into(), "v".into())]);
    assert!(matches!(reserved, Err(ModelError::SubnetGroup(_, GroupFault::InvalidTag, _))));
}
