use super::*;
use crate::subnet::{create_subnet, CreateSubnet};
use crate::vpc::{create_vpc, CreateVpc};

const A: &str = "111111111111";

fn ctx(now: i64) -> Ctx {
    Ctx::new(A, "us-east-1", now)
}

fn world() -> (State, String, String) {
    let mut s = State::default();
    let (ch, vpc) = create_vpc(&s, &ctx(0), CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
    s.apply_all(ch);
    let (ch, sub) = create_subnet(&s, &ctx(0), CreateSubnet { vpc_id: vpc.clone(), cidr: "10.0.1.0/24".into(), ..Default::default() }).unwrap();
    s.apply_all(ch);
    (s, vpc, sub)
}

fn eff<'a>(s: &'a State, vpc: &str, sub: &str) -> Effect<'a> {
    effect(s, &s.vpcs[vpc], sub)
}

#[test]
fn modes_and_exclusions_decide_each_direction() {
    let (mut s, vpc, sub) = world();
    let e = eff(&s, &vpc, &sub);
    assert_eq!((e.mode, e.blocks_igw_egress(), e.blocks_igw_ingress(), e.blocks_outbound_only()), (BlockMode::Off, false, false, false));
    s.apply_all(modify_options(&ctx(1), BlockMode::BlockBidirectional));
    let e = eff(&s, &vpc, &sub);
    assert_eq!((e.blocks_igw_egress(), e.blocks_igw_ingress(), e.blocks_outbound_only()), (true, true, true));
    s.apply_all(modify_options(&ctx(2), BlockMode::BlockIngress));
    let e = eff(&s, &vpc, &sub);
    // Ingress mode: an ENI's own internet gateway traffic is blocked both
    // ways; the egress-only gateway still carries connections out.
    assert_eq!((e.blocks_igw_egress(), e.blocks_igw_ingress(), e.blocks_outbound_only()), (true, true, false));
    // An egress exclusion of the VPC: out yes, in no.
    s.apply_all(modify_options(&ctx(3), BlockMode::BlockBidirectional));
    let (ch, x) = create_exclusion(&s, &ctx(4), Some(&vpc), None, ExclusionMode::AllowEgress, Tags::new()).unwrap();
    s.apply_all(ch);
    let e = eff(&s, &vpc, &sub);
    assert_eq!((e.blocks_igw_egress(), e.blocks_igw_ingress(), e.blocks_outbound_only()), (false, true, false));
    // A bidirectional exclusion of the subnet wins over the VPC's.
    let (ch, y) = create_exclusion(&s, &ctx(5), None, Some(&sub), ExclusionMode::AllowBidirectional, Tags::new()).unwrap();
    s.apply_all(ch);
    assert!(!eff(&s, &vpc, &sub).blocks_igw_ingress());
    assert_eq!(eff(&s, &vpc, &sub).exclusion.unwrap().id, y);
    // Deleted, the subnet falls back to the VPC's exclusion.
    s.apply_all(delete_exclusion(&s, &ctx(6), &y).unwrap());
    assert_eq!(eff(&s, &vpc, &sub).exclusion.unwrap().id, x);
    // Another account's mode changes nothing here.
    s.apply_all(modify_options(&Ctx::new("222222222222", "us-east-1", 7), BlockMode::Off));
    assert!(eff(&s, &vpc, &sub).blocks_igw_ingress());
}

#[test]
fn exclusion_lifecycle_and_refusals() {
    let (mut s, vpc, sub) = world();
    let none = create_exclusion(&s, &ctx(1), None, None, ExclusionMode::AllowEgress, Tags::new());
    assert!(matches!(none, Err(ModelError::MissingParameter(_))));
    let both = create_exclusion(&s, &ctx(1), Some(&vpc), Some(&sub), ExclusionMode::AllowEgress, Tags::new());
    assert!(matches!(both, Err(ModelError::InvalidParameterCombination(_))));
    let other = Ctx::new("222222222222", "us-east-1", 1);
    assert_eq!(
        create_exclusion(&s, &other, Some(&vpc), None, ExclusionMode::AllowEgress, Tags::new()).unwrap_err(),
        ModelError::NotFound(IdKind::Vpc, vpc.clone())
    );
    let (ch, x) = create_exclusion(&s, &ctx(1), Some(&vpc), None, ExclusionMode::AllowEgress, Tags::new()).unwrap();
    s.apply_all(ch);
    assert_eq!(s.block_public_access_exclusions[&x].state(), ExclusionState::CreateComplete);
    assert!(crate::ids::check(IdKind::VpcBlockPublicAccessExclusion, &x).is_ok());
    assert_eq!(s.block_public_access_exclusions[&x].resource_arn(), format!("arn:aws:ec2:us-east-1:{A}:vpc/{vpc}"));
    assert!(matches!(
        create_exclusion(&s, &ctx(2), Some(&vpc), None, ExclusionMode::AllowBidirectional, Tags::new()),
        Err(ModelError::InvalidParameterValue(_))
    ));
    s.apply_all(modify_exclusion(&s, &ctx(1), &x, ExclusionMode::AllowBidirectional).unwrap());
    assert_eq!(s.block_public_access_exclusions[&x].state(), ExclusionState::UpdateComplete);
    s.apply_all(delete_exclusion(&s, &ctx(3), &x).unwrap());
    assert_eq!(s.block_public_access_exclusions[&x].state(), ExclusionState::DeleteComplete);
    let again = delete_exclusion(&s, &ctx(4), &x).unwrap_err();
    assert!(again.to_string().contains("is in delete-complete state and cannot be deleted"), "{again}");
    assert!(matches!(modify_exclusion(&s, &ctx(4), &x, ExclusionMode::AllowEgress), Err(ModelError::InvalidParameterValue(_))));
    // Once deleted, the VPC can be excluded again.
    assert!(create_exclusion(&s, &ctx(5), Some(&vpc), None, ExclusionMode::AllowEgress, Tags::new()).is_ok());
    assert_eq!(
        delete_exclusion(&s, &ctx(5), "vpcbpa-exclude-0123456789abcdef0").unwrap_err(),
        ModelError::NotFound(IdKind::VpcBlockPublicAccessExclusion, "vpcbpa-exclude-0123456789abcdef0".into())
    );
}

#[test]
fn stored_json_is_stable() {
    let (mut s, vpc, _) = world();
    s.apply_all(modify_options(&ctx(1), BlockMode::BlockIngress));
    let (ch, _) = create_exclusion(&s, &ctx(1), Some(&vpc), None, ExclusionMode::AllowEgress, Tags::new()).unwrap();
    s.apply_all(ch);
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains("\"mode\":\"block-ingress\"") && json.contains("\"mode\":\"allow-egress\"") && json.contains("\"resource\":{\"vpc\":"), "{json}");
    let back: State = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
}
