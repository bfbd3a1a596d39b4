use super::*;
use crate::error::IdKind;

const A: &str = "111111111111";
const B: &str = "222222222222";

fn first(s: &mut State, ctx: &Ctx) {
    let ch = first_call_changes(s, ctx, true);
    s.apply_all(ch);
}

#[test]
fn the_first_call_makes_the_default_vpc_as_aws_builds_it() {
    let ctx = Ctx::new(A, "us-east-1", 0);
    let mut s = State::default();
    first(&mut s, &ctx);
    let vpc = crate::vpc::default_vpc(&s, &ctx).expect("default VPC");
    assert_eq!(vpc.primary_cidr().to_string(), CIDR);
    assert!(vpc.enable_dns_hostnames);
    let dopt = &s.dhcp_options[&vpc.dhcp_options_id];
    assert_eq!(dopt.values("domain-name"), ["ec2.internal"]);
    assert_eq!(dopt.values("domain-name-servers"), ["AmazonProvidedDNS"]);
    // A /20 per zone, in zone order, public on launch, default for the zone.
    let zones = region::zones(A, region::region("us-east-1").unwrap());
    let mut subnets: Vec<&Subnet> = s.subnets.scope(&ctx).collect();
    subnets.sort_by_key(|s| s.availability_zone.clone());
    assert_eq!(subnets.len(), zones.len());
    for (i, (sub, z)) in subnets.iter().zip(&zones).enumerate() {
        assert_eq!(sub.availability_zone, z.name);
        assert_eq!(sub.cidr.unwrap().to_string(), format!("172.31.{}.0/20", 16 * i));
        assert!(sub.map_public_ip_on_launch && sub.default_for_az);
    }
    // The gateway is attached and the main table sends 0.0.0.0/0 to it.
    let igw = s.internet_gateways.scope(&ctx).next().unwrap();
    assert_eq!(igw.attached_vpc.as_deref(), Some(vpc.id.as_str()));
    let main = s.route_tables.values().find(|t| t.vpc_id == vpc.id && t.main).unwrap();
    assert!(main.routes.iter().any(|r| r.target == RouteTarget::Gateway(igw.id.clone()) && r.destination == Destination::Cidr("0.0.0.0/0".parse().unwrap())));
    // The default group and ACL; every default subnet is in the ACL.
    assert!(s.security_groups.values().any(|g| g.vpc_id == vpc.id && g.is_default()));
    let acl = s.network_acls.values().find(|a| a.vpc_id == vpc.id && a.is_default).unwrap();
    assert_eq!(acl.associations.len(), zones.len());
    // Elsewhere the domain is the Region's.
    let eu = Ctx::new(A, "eu-west-1", 0);
    first(&mut s, &eu);
    let v = crate::vpc::default_vpc(&s, &eu).unwrap();
    assert_eq!(s.dhcp_options[&v.dhcp_options_id].values("domain-name"), ["eu-west-1.compute.internal"]);
}

#[test]
fn made_once_per_account_and_region_and_a_deleted_one_stays_deleted() {
    let ctx = Ctx::new(A, "us-east-1", 0);
    let mut s = State::default();
    first(&mut s, &ctx);
    assert!(first_call_changes(&s, &ctx, true).is_empty());
    // Another account (or Region) has none until it calls.
    assert!(crate::vpc::default_vpc(&s, &Ctx::new(B, "us-east-1", 0)).is_none());
    assert!(crate::vpc::default_vpc(&s, &Ctx::new(A, "us-west-2", 0)).is_none());
    // Delete it as a user must: subnets, gateway, then the VPC.
    let vpc = crate::vpc::default_vpc(&s, &ctx).unwrap().id.clone();
    let subnets: Vec<String> = s.subnets.scope(&ctx).map(|x| x.id.clone()).collect();
    assert!(matches!(crate::vpc::delete_vpc(&s, &ctx, &vpc), Err(ModelError::DependencyViolation(_))));
    for id in subnets {
        s.apply_all(crate::subnet::delete_subnet(&s, &ctx, &id).unwrap());
    }
    let igw = s.internet_gateways.scope(&ctx).next().unwrap().id.clone();
    s.apply_all(crate::internet_gateway::detach(&s, &ctx, &igw, &vpc).unwrap());
    s.apply_all(crate::internet_gateway::delete(&s, &ctx, &igw).unwrap());
    s.apply_all(crate::vpc::delete_vpc(&s, &ctx, &vpc).unwrap());
    assert!(first_call_changes(&s, &ctx, true).is_empty(), "not made again");
    assert_eq!(create_default_subnet(&s, &ctx, Some("us-east-1a"), None).unwrap_err(), ModelError::DefaultVpcDoesNotExist);
    // CreateDefaultVpc makes it again, once.
    let (ch, id) = create_default_vpc(&s, &ctx).unwrap();
    s.apply_all(ch);
    assert!(s.vpcs[&id].is_default);
    assert_eq!(create_default_vpc(&s, &ctx).unwrap_err(), ModelError::DefaultVpcAlreadyExists);
}

#[test]
fn without_default_vpcs_the_first_call_still_records_the_default_dhcp_set() {
    let ctx = Ctx::new(A, "us-east-1", 0);
    let mut s = State::default();
    let ch = first_call_changes(&s, &ctx, false);
    s.apply_all(ch);
    assert!(s.vpcs.is_empty());
    let set = account_region(&s, &ctx).unwrap().dhcp_options_id.clone().unwrap();
    let (ch, v) = crate::vpc::create_vpc(&s, &ctx, crate::vpc::CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
    s.apply_all(ch);
    assert_eq!(s.vpcs[&v].dhcp_options_id, set);
    assert_eq!(s.dhcp_options.len(), 1);
}

#[test]
fn the_default_vpc_counts_against_the_vpc_quota() {
    let ctx = Ctx::new(A, "us-east-1", 0);
    let mut s = State::default();
    first(&mut s, &ctx);
    for i in 0..4 {
        let (ch, _) = crate::vpc::create_vpc(&s, &ctx, crate::vpc::CreateVpc { cidr: format!("10.{i}.0.0/16"), ..Default::default() }).unwrap();
        s.apply_all(ch);
    }
    let fifth = crate::vpc::create_vpc(&s, &ctx, crate::vpc::CreateVpc { cidr: "10.9.0.0/16".into(), ..Default::default() });
    assert!(matches!(fifth, Err(ModelError::LimitExceeded(Limit::Vpcs, _))));
    // A state already at its quota (stored before default VPCs) gets none.
    let other = Ctx::new(B, "us-east-1", 0);
    let mut full = State::default();
    for i in 0..5 {
        let (ch, _) = crate::vpc::create_vpc(&full, &other, crate::vpc::CreateVpc { cidr: format!("10.{i}.0.0/16"), ..Default::default() }).unwrap();
        full.apply_all(ch);
    }
    full.account_regions.remove(&key(&other));
    let ch = first_call_changes(&full, &other, true);
    full.apply_all(ch);
    assert!(crate::vpc::default_vpc(&full, &other).is_none());
    assert!(matches!(create_default_vpc(&full, &other), Err(ModelError::LimitExceeded(Limit::Vpcs, _))));
}

#[test]
fn create_default_subnet_fills_a_zone_without_one() {
    let ctx = Ctx::new(A, "us-east-1", 0);
    let mut s = State::default();
    first(&mut s, &ctx);
    let zone_b: Subnet = s.subnets.scope(&ctx).find(|x| x.availability_zone == "us-east-1b").unwrap().clone();
    assert_eq!(
        create_default_subnet(&s, &ctx, Some("us-east-1b"), None).unwrap_err(),
        ModelError::DefaultSubnetAlreadyExists("us-east-1b".into())
    );
    s.apply_all(crate::subnet::delete_subnet(&s, &ctx, &zone_b.id).unwrap());
    // By zone id too; the lowest free /20 is the one just freed.
    let (ch, id) = create_default_subnet(&s, &ctx, None, Some(&zone_b.availability_zone_id)).unwrap();
    s.apply_all(ch);
    let new = &s.subnets[&id];
    assert_eq!((new.cidr, new.availability_zone.as_str(), new.default_for_az, new.map_public_ip_on_launch), (zone_b.cidr, "us-east-1b", true, true));
    assert!(s.network_acls.values().any(|a| a.is_default && a.associations.iter().any(|x| x.subnet_id == id)));
    assert!(matches!(create_default_subnet(&s, &ctx, Some("us-east-1z"), None), Err(ModelError::UnknownZone(_))));
    assert!(matches!(create_default_subnet(&s, &ctx, None, None), Err(ModelError::MissingParameter(_))));
    let _ = IdKind::Subnet;
}
