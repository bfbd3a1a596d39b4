//! Unit tests of RAM's rules (crate::ram).

use super::*;
use crate::transit_gateway::{create_transit_gateway, CreateTransitGateway};

const A: &str = "111111111111";
const B: &str = "222222222222";

fn ctx(acct: &str) -> Ctx {
    Ctx::new(acct, "us-east-1", 1_000)
}

fn apply(s: &mut State, ch: Changes) {
    ch.events.into_iter().for_each(|e| s.apply(e));
}

fn setup() -> (State, String, String) {
    let mut s = State::default();
    let (ch, tgw) = create_transit_gateway(&s, &ctx(A), CreateTransitGateway::default()).unwrap();
    apply(&mut s, ch);
    let tgw_arn = s.transit_gateways[&tgw].arn();
    let (ch, share) = create_share(&s, &ctx(A), CreateShare { name: "x".into(), allow_external_principals: true, ..Default::default() }).unwrap();
    apply(&mut s, ch);
    (s, share, tgw_arn)
}

#[test]
fn invitation_lifecycle_controls_visibility() {
    let (mut s, share, tgw_arn) = setup();
    let (ch, _) = associate(&s, &ctx(A), &share, &[tgw_arn.clone()], &[B.into()]).unwrap();
    apply(&mut s, ch);
    assert_eq!(s.resource_shares[&share].principals[0].status, AssociationStatus::Associating);
    assert!(!is_shared_with(&s, &tgw_arn, B), "not before acceptance");
    assert!(visible_shares(&s, &ctx(B), ResourceOwner::OtherAccounts).is_empty());
    let inv = received_invitations(&s, &ctx(B))[0].id.clone();
    // Only the receiver can answer.
    assert!(matches!(answer_invitation(&s, &ctx(A), &inv, true), Err(ModelError::Ram(RamFault::InvitationArnNotFound, _))));
    let (ch, i) = answer_invitation(&s, &ctx(B), &inv, true).unwrap();
    apply(&mut s, ch);
    assert_eq!(i.status, InvitationStatus::Accepted);
    assert!(is_shared_with(&s, &tgw_arn, B));
    assert!(matches!(answer_invitation(&s, &ctx(B), &inv, true), Err(ModelError::Ram(RamFault::InvitationAlreadyAccepted, _))));
    // Removing the principal takes the share away.
    let (ch, _) = disassociate(&s, &ctx(A), &share, &[], &[B.into()]).unwrap();
    apply(&mut s, ch);
    assert!(!is_shared_with(&s, &tgw_arn, B));
}

#[test]
fn rejecting_and_deleting() {
    let (mut s, share, tgw_arn) = setup();
    let (ch, _) = associate(&s, &ctx(A), &share, &[tgw_arn.clone()], &[B.into()]).unwrap();
    apply(&mut s, ch);
    let inv = received_invitations(&s, &ctx(B))[0].id.clone();
    let (ch, _) = answer_invitation(&s, &ctx(B), &inv, false).unwrap();
    apply(&mut s, ch);
    assert!(!is_shared_with(&s, &tgw_arn, B));
    assert!(matches!(answer_invitation(&s, &ctx(B), &inv, true), Err(ModelError::Ram(RamFault::InvitationAlreadyRejected, _))));
    let ch = delete_share(&s, &ctx(A), &share).unwrap();
    apply(&mut s, ch);
    assert_eq!(s.resource_shares[&share].status, ShareStatus::Deleted);
    assert!(matches!(associate(&s, &ctx(A), &share, &[tgw_arn], &[]), Err(ModelError::Ram(RamFault::InvalidStateTransition, _))));
}

#[test]
fn resources_and_principals_are_checked() {
    let (mut s, share, tgw_arn) = setup();
    let bad = |r: &str| associate(&s, &ctx(A), &share, &[r.to_string()], &[]).unwrap_err();
    assert!(matches!(bad("not-an-arn"), ModelError::Ram(RamFault::MalformedArn, _)));
    assert!(matches!(bad("arn:aws:ec2:us-east-1:111111111111:transit-gateway/tgw-00000000000000000"), ModelError::Ram(RamFault::UnknownResource, _)));
    assert!(matches!(bad("arn:aws:ec2:us-east-1:111111111111:subnet/subnet-00000000000000000"), ModelError::Ram(RamFault::InvalidParameter, _)));
    assert!(matches!(bad("arn:aws:s3:::bucket"), ModelError::Ram(RamFault::InvalidParameter, _)));
    // Another account cannot share A's TGW.
    let (ch, other) = create_share(&s, &ctx(B), CreateShare { name: "b".into(), allow_external_principals: true, ..Default::default() }).unwrap();
    apply(&mut s, ch);
    assert!(matches!(associate(&s, &ctx(B), &other, &[tgw_arn], &[]), Err(ModelError::Ram(RamFault::UnknownResource, _))));
    // allowExternalPrincipals=false refuses an external account.
    let (ch, closed) = create_share(&s, &ctx(A), CreateShare { name: "c".into(), ..Default::default() }).unwrap();
    apply(&mut s, ch);
    assert!(matches!(associate(&s, &ctx(A), &closed, &[], &[B.into()]), Err(ModelError::Ram(RamFault::OperationNotPermitted, _))));
    assert!(matches!(associate(&s, &ctx(A), &share, &[], &["12".into()]), Err(ModelError::Ram(RamFault::InvalidParameter, _))));
    // B cannot change A's share.
    assert!(matches!(associate(&s, &ctx(B), &share, &[], &[A.into()]), Err(ModelError::Ram(RamFault::UnknownResource, _))));
}

#[test]
fn principal_can_leave() {
    let (mut s, share, tgw_arn) = setup();
    let (ch, _) = associate(&s, &ctx(A), &share, &[tgw_arn.clone()], &[B.into()]).unwrap();
    apply(&mut s, ch);
    let inv = received_invitations(&s, &ctx(B))[0].id.clone();
    let (ch, _) = answer_invitation(&s, &ctx(B), &inv, true).unwrap();
    apply(&mut s, ch);
    assert!(matches!(disassociate(&s, &ctx(B), &share, &[tgw_arn.clone()], &[]), Err(ModelError::Ram(RamFault::OperationNotPermitted, _))));
    let (ch, _) = disassociate(&s, &ctx(B), &share, &[], &[B.into()]).unwrap();
    apply(&mut s, ch);
    assert!(!is_shared_with(&s, &tgw_arn, B));
}
