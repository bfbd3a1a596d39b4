//! The rules of organizations, OUs, handshakes and RAM inside them.

use super::*;
use crate::error::RamFault;
use crate::handshake::{self, Answer, HandshakeState};
use crate::organizational_unit as ou;
use crate::ram::{self, AssociationStatus, CreateShare};
use crate::transit_gateway::{create_transit_gateway, CreateTransitGateway};

const A: &str = "111111111111";
const B: &str = "222222222222";
const C: &str = "333333333333";

fn ctx(acct: &str) -> Ctx {
    Ctx::new(acct, "us-east-1", 1_000)
}

fn fault<T: std::fmt::Debug>(r: Result<T>) -> OrgFault {
    match r {
        Err(ModelError::Org(f, _)) => f,
        other => panic!("expected an Organizations fault, got {other:?}"),
    }
}

/// A's organization with B invited and joined; returns the state.
fn org_with_b() -> State {
    let mut s = State::default();
    let (ch, _) = create_organization(&s, &ctx(A), None).unwrap();
    s.apply_all(ch);
    let (ch, h) = handshake::invite(&s, &ctx(A), B, None).unwrap();
    s.apply_all(ch);
    let (ch, _) = handshake::answer(&s, &ctx(B), &h, Answer::Accept).unwrap();
    s.apply_all(ch);
    s
}

#[test]
fn one_organization_per_account_and_only_the_management_account_changes_it() {
    let s = org_with_b();
    assert_eq!(fault(create_organization(&s, &ctx(A), None)), OrgFault::AlreadyInOrganization);
    assert_eq!(fault(create_organization(&s, &ctx(B), None)), OrgFault::AlreadyInOrganization);
    // B is a member: it may describe the organization, not change it.
    assert_eq!(callers(&s, &ctx(B)).unwrap().owner, A);
    let root = callers(&s, &ctx(A)).unwrap().root_id.clone();
    assert_eq!(fault(ou::create(&s, &ctx(B), &root, "x", Tags::new())), OrgFault::AccessDenied);
    assert_eq!(fault(create_account(&s, &ctx(B), CreateAccount { email: "a@b.cd".into(), name: "n".into(), ..Default::default() })), OrgFault::AccessDenied);
    // C is in none.
    assert_eq!(fault(callers(&s, &ctx(C))), OrgFault::NotInUse);
    assert_eq!(fault(delete_organization(&s, &ctx(C))), OrgFault::NotInUse);
    // Not empty while B is in it; the management account cannot leave.
    assert_eq!(fault(delete_organization(&s, &ctx(A))), OrgFault::OrganizationNotEmpty);
    assert_eq!(fault(remove_account(&s, &ctx(A), A)), OrgFault::MasterCannotLeaveOrganization);
    assert_eq!(fault(leave(&s, &ctx(A))), OrgFault::MasterCannotLeaveOrganization);
    assert_eq!(fault(remove_account(&s, &ctx(A), C)), OrgFault::AccountNotFound);
    assert_eq!(fault(remove_account(&s, &ctx(A), "12")), OrgFault::InvalidInput);
    let mut s = s;
    s.apply_all(remove_account(&s, &ctx(A), B).unwrap());
    assert!(of_account(&s, B).is_none());
    s.apply_all(delete_organization(&s, &ctx(A)).unwrap());
    assert!(s.organizations.is_empty() && s.org_members.is_empty());
}

#[test]
fn create_account_makes_an_account_with_its_access_role() {
    let mut s = State::default();
    let (ch, org) = create_organization(&s, &ctx(A), None).unwrap();
    s.apply_all(ch);
    let (ch, req) = create_account(&s, &ctx(A), CreateAccount { email: "dev@example.com".into(), name: "dev".into(), ..Default::default() }).unwrap();
    s.apply_all(ch);
    let r = account_request(&s, &ctx(A), &req).unwrap();
    let acct = r.account_id.clone();
    assert!(acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()));
    let m = &s.org_members[&acct];
    assert_eq!((m.organization_id.as_str(), m.joined, m.parent_id.as_str()), (org.as_str(), Joined::Created, s.organizations[&org].root_id.as_str()));
    let role = crate::iam::role(&s, &Ctx::new(&acct, "us-east-1", 0), ACCESS_ROLE).unwrap();
    assert_eq!(role.attached, [ADMINISTRATOR_ACCESS]);
    assert!(role.assume_role_policy.contains(&format!("arn:aws:iam::{A}:root")));
    assert_eq!(fault(account_request(&s, &ctx(A), "car-0")), OrgFault::CreateAccountStatusNotFound);
}

#[test]
fn organizational_units_nest_move_and_refuse_what_aws_refuses() {
    let mut s = org_with_b();
    let root = callers(&s, &ctx(A)).unwrap().root_id.clone();
    let (ch, prod) = ou::create(&s, &ctx(A), &root, "prod", Tags::new()).unwrap();
    s.apply_all(ch);
    assert!(prod.starts_with(&format!("ou-{}-", &root[2..])));
    assert_eq!(fault(ou::create(&s, &ctx(A), &root, "prod", Tags::new())), OrgFault::DuplicateOrganizationalUnit);
    assert_eq!(fault(ou::create(&s, &ctx(A), "ou-zzzz-00000000", "x", Tags::new())), OrgFault::ParentNotFound);
    assert_eq!(fault(ou::create(&s, &ctx(A), "nonsense", "x", Tags::new())), OrgFault::InvalidInput);
    // Five levels deep at most.
    let mut parent = prod.clone();
    for i in 0..4 {
        let (ch, id) = ou::create(&s, &ctx(A), &parent, &format!("l{i}"), Tags::new()).unwrap();
        s.apply_all(ch);
        parent = id;
    }
    assert_eq!(fault(ou::create(&s, &ctx(A), &parent, "too-deep", Tags::new())), OrgFault::ConstraintViolation);
    // Moving B.
    assert_eq!(fault(ou::move_account(&s, &ctx(A), B, &prod, &root)), OrgFault::AccountNotFound);
    assert_eq!(fault(ou::move_account(&s, &ctx(A), B, "ou-zzzz-00000000", &prod)), OrgFault::SourceParentNotFound);
    assert_eq!(fault(ou::move_account(&s, &ctx(A), B, &root, "ou-zzzz-00000000")), OrgFault::DestinationParentNotFound);
    assert_eq!(fault(ou::move_account(&s, &ctx(A), B, &root, &root)), OrgFault::DuplicateAccount);
    s.apply_all(ou::move_account(&s, &ctx(A), B, &root, &parent).unwrap());
    assert!(ou::account_under(&s, B, &prod), "B is below prod, four levels down");
    assert_eq!(ou::parent_of(&s, &ctx(A), B).unwrap(), parent);
    assert_eq!(fault(ou::parent_of(&s, &ctx(A), C)), OrgFault::ChildNotFound);
    assert_eq!(fault(ou::delete(&s, &ctx(A), &parent)), OrgFault::OrganizationalUnitNotEmpty);
    assert_eq!(fault(ou::delete(&s, &ctx(A), &prod)), OrgFault::OrganizationalUnitNotEmpty);
    assert_eq!(fault(ou::delete(&s, &ctx(A), "ou-zzzz-00000000")), OrgFault::OrganizationalUnitNotFound);
}

#[test]
fn handshakes_follow_their_states() {
    let mut s = State::default();
    s.apply_all(create_organization(&s, &ctx(A), None).unwrap().0);
    s.apply_all(create_organization(&s, &ctx(C), None).unwrap().0);
    assert_eq!(fault(handshake::invite(&s, &ctx(A), C, None)), OrgFault::HandshakeConstraintViolation);
    let (ch, h) = handshake::invite(&s, &ctx(A), B, None).unwrap();
    s.apply_all(ch);
    assert_eq!(fault(handshake::invite(&s, &ctx(A), B, None)), OrgFault::DuplicateHandshake);
    assert_eq!(fault(handshake::answer(&s, &ctx(A), &h, Answer::Accept)), OrgFault::AccessDenied);
    assert_eq!(fault(handshake::answer(&s, &ctx(C), &h, Answer::Accept)), OrgFault::HandshakeNotFound);
    let (ch, _) = handshake::answer(&s, &ctx(B), &h, Answer::Decline).unwrap();
    s.apply_all(ch);
    assert_eq!(fault(handshake::answer(&s, &ctx(B), &h, Answer::Accept)), OrgFault::InvalidHandshakeTransition);
    assert!(of_account(&s, B).is_none());
    // A new one expires after 15 days.
    let (ch, h2) = handshake::invite(&s, &ctx(A), B, None).unwrap();
    s.apply_all(ch);
    let late = Ctx::new(B, "us-east-1", 1_000 + handshake::OPEN_FOR_MS);
    assert_eq!(s.handshakes[&h2].state(late.now), HandshakeState::Expired);
    assert_eq!(fault(handshake::answer(&s, &late, &h2, Answer::Accept)), OrgFault::InvalidHandshakeTransition);
}

/// A's TGW shared by A's share `allow_external`; returns (state, share, tgw ARN).
fn shared(mut s: State, allow_external: bool) -> (State, String, String) {
    let (ch, tgw) = create_transit_gateway(&s, &ctx(A), CreateTransitGateway::default()).unwrap();
    s.apply_all(ch);
    let arn = s.transit_gateways[&tgw].arn();
    let create = CreateShare { name: "s".into(), resource_arns: vec![arn.clone()], allow_external_principals: allow_external, ..Default::default() };
    let (ch, share) = ram::create_share(&s, &ctx(A), create).unwrap();
    s.apply_all(ch);
    (s, share, arn)
}

#[test]
fn inside_an_organization_sharing_needs_no_invitation() {
    let s = org_with_b();
    // Before EnableSharingWithAwsOrganization: B is in the organization
    // (not external) but still invited; OUs and the organization cannot be
    // named.
    let (mut s, share, tgw) = shared(s, false);
    let org_arn = callers(&s, &ctx(A)).unwrap().arn();
    assert!(matches!(ram::associate(&s, &ctx(A), &share, &[], &[org_arn.clone()]), Err(ModelError::Ram(RamFault::OperationNotPermitted, _))));
    let (ch, _) = ram::associate(&s, &ctx(A), &share, &[], &[B.into()]).unwrap();
    s.apply_all(ch);
    let p = &s.resource_shares[&share].principals[0];
    assert_eq!((p.status, p.external), (AssociationStatus::Associating, false));
    assert!(!ram::is_shared_with(&s, &tgw, B));
    // Only the management account enables sharing.
    assert!(matches!(enable_ram_sharing(&s, &ctx(B)), Err(ModelError::Ram(RamFault::OperationNotPermitted, _))));
    assert!(matches!(enable_ram_sharing(&s, &ctx(C)), Err(ModelError::Ram(RamFault::OperationNotPermitted, _))));
    s.apply_all(enable_ram_sharing(&s, &ctx(A)).unwrap());
    let (mut s, share, tgw) = shared(s, false);
    let before = s.invitations.len();
    let (ch, _) = ram::associate(&s, &ctx(A), &share, &[], &[B.into()]).unwrap();
    s.apply_all(ch);
    assert_eq!(s.resource_shares[&share].principals[0].status, AssociationStatus::Associated);
    assert_eq!(s.invitations.len(), before, "no invitation inside the organization");
    assert!(ram::is_shared_with(&s, &tgw, B));
    // C is outside: refused while external principals are not allowed.
    assert!(matches!(ram::associate(&s, &ctx(A), &share, &[], &[C.into()]), Err(ModelError::Ram(RamFault::OperationNotPermitted, _))));
    // B leaves the organization: access goes with it.
    s.apply_all(leave(&s, &ctx(B)).unwrap());
    assert!(!ram::is_shared_with(&s, &tgw, B));
}

#[test]
fn a_share_with_an_ou_follows_the_accounts_moved_in_and_out() {
    let mut s = org_with_b();
    s.apply_all(enable_ram_sharing(&s, &ctx(A)).unwrap());
    let org = callers(&s, &ctx(A)).unwrap().clone();
    let (ch, prod) = ou::create(&s, &ctx(A), &org.root_id, "prod", Tags::new()).unwrap();
    s.apply_all(ch);
    let (mut s, share, tgw) = shared(s, true);
    let ou_arn = s.organizational_units[&prod].arn();
    let bad = format!("arn:aws:organizations::{A}:ou/{}/ou-zzzz-00000000", org.id);
    assert!(matches!(ram::associate(&s, &ctx(A), &share, &[], &[bad]), Err(ModelError::Ram(RamFault::UnknownResource, _))));
    let (ch, _) = ram::associate(&s, &ctx(A), &share, &[], &[ou_arn]).unwrap();
    s.apply_all(ch);
    assert!(!ram::is_shared_with(&s, &tgw, B), "B is in the root, not in prod");
    s.apply_all(ou::move_account(&s, &ctx(A), B, &org.root_id, &prod).unwrap());
    assert!(ram::is_shared_with(&s, &tgw, B));
    s.apply_all(ou::move_account(&s, &ctx(A), B, &prod, &org.root_id).unwrap());
    assert!(!ram::is_shared_with(&s, &tgw, B));
    // The whole organization reaches every member but never the owner.
    let (ch, _) = ram::associate(&s, &ctx(A), &share, &[], &[org.arn()]).unwrap();
    s.apply_all(ch);
    assert!(ram::is_shared_with(&s, &tgw, B));
    assert!(!s.resource_shares[&share].reaches(&s, A));
    // C, outside, is still invited.
    let (ch, _) = ram::associate(&s, &ctx(A), &share, &[], &[C.into()]).unwrap();
    s.apply_all(ch);
    assert!(!ram::is_shared_with(&s, &tgw, C));
    assert_eq!(ram::received_invitations(&s, &ctx(C)).len(), 1);
    s.apply_all(remove_account(&s, &ctx(A), B).unwrap());
    assert!(!ram::is_shared_with(&s, &tgw, B), "out of the organization, out of the share");
}
