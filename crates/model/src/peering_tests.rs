//! Unit tests of the peering rules, one per rule.

use super::*;
use crate::route_table::{route_state, Destination, Route, RouteOrigin, RouteState, RouteTarget};
use crate::vpc::{create_vpc, delete_vpc, CreateVpc};

const A: &str = "111111111111";
const B: &str = "222222222222";
const C: &str = "333333333333";
const E1: &str = "us-east-1";
const W2: &str = "us-west-2";

fn ctx(account: &str, region: &str, now: i64) -> Ctx {
    Ctx::new(account, region, now)
}

fn apply(s: &mut State, ch: Changes) {
    for e in ch.events {
        s.apply(e);
    }
}

fn vpc(s: &mut State, account: &str, region: &str, cidr: &str) -> String {
    let (ch, id) = create_vpc(s, &ctx(account, region, 0), CreateVpc { cidr: cidr.into(), ..Default::default() }).unwrap();
    apply(s, ch);
    id
}

fn request(s: &mut State, c: &Ctx, from: &str, to: &str, owner: &str, region: &str) -> Result<String> {
    let input = CreatePeering {
        vpc_id: from.into(),
        peer_vpc_id: to.into(),
        peer_owner_id: Some(owner.into()),
        peer_region: Some(region.into()),
        tags: Tags::new(),
    };
    let (ch, id) = create(s, c, input)?;
    apply(s, ch);
    Ok(id)
}

/// A in us-east-1 (10.1/16) and B in `region_b` (10.2/16), A requests.
fn pair(region_b: &str) -> (State, String, String, String) {
    let mut s = State::default();
    let va = vpc(&mut s, A, E1, "10.1.0.0/16");
    let vb = vpc(&mut s, B, region_b, "10.2.0.0/16");
    let id = request(&mut s, &ctx(A, E1, 0), &va, &vb, B, region_b).unwrap();
    (s, va, vb, id)
}

fn status(s: &State, id: &str, now: i64) -> Status {
    s.peering_connections[id].status(now)
}

#[test]
fn request_waits_for_acceptance_then_becomes_active() {
    let (mut s, _, _, id) = pair(E1);
    assert_eq!(status(&s, &id, 0), Status::PendingAcceptance);
    assert_eq!(s.peering_connections[&id].status_message(0), format!("Pending Acceptance by {B}"));
    {
        let ch = accept(&s, &ctx(B, E1, 10), &id).unwrap();
        apply(&mut s, ch);
    }
    assert_eq!(status(&s, &id, 10), Status::Active);
    assert_eq!(s.peering_connections[&id].expiration_time(10), None);
}

#[test]
fn overlapping_cidrs_create_a_failed_connection() {
    let mut s = State::default();
    let va = vpc(&mut s, A, E1, "10.1.0.0/16");
    let vb = vpc(&mut s, B, E1, "10.1.128.0/17");
    let id = request(&mut s, &ctx(A, E1, 0), &va, &vb, B, E1).unwrap();
    assert_eq!(status(&s, &id, 0), Status::Failed);
    // A secondary block counts too.
    let vc = vpc(&mut s, B, E1, "10.3.0.0/16");
    let (ch, _) = crate::vpc::associate_cidr(&s, &ctx(A, E1, 0), &va, "10.3.0.0/24").unwrap();
    apply(&mut s, ch);
    let id2 = request(&mut s, &ctx(A, E1, 0), &va, &vc, B, E1).unwrap();
    assert_eq!(status(&s, &id2, 0), Status::Failed);
    // Failed: visible to the requester only, for 2 hours; cannot be accepted or deleted.
    assert!(visible(&s, &ctx(B, E1, 0), &id).is_err());
    assert!(matches!(delete(&s, &ctx(A, E1, 0), &id), Err(ModelError::InvalidStateTransition(_))));
    assert!(visible(&s, &ctx(A, E1, 2 * HOUR_MS - 1), &id).is_ok());
    assert!(visible(&s, &ctx(A, E1, 2 * HOUR_MS), &id).is_err());
}

#[test]
fn missing_peer_vpc_creates_a_failed_connection() {
    let mut s = State::default();
    let va = vpc(&mut s, A, E1, "10.1.0.0/16");
    let vb = vpc(&mut s, B, E1, "10.2.0.0/16");
    // Right id, wrong owner or region: the peer VPC is not there.
    let id = request(&mut s, &ctx(A, E1, 0), &va, &vb, C, E1).unwrap();
    assert_eq!(status(&s, &id, 0), Status::Failed);
    let id = request(&mut s, &ctx(A, E1, 0), &va, &vb, B, W2).unwrap();
    assert_eq!(status(&s, &id, 0), Status::Failed);
    // The requester's own VPC must be the caller's: a request error.
    assert!(matches!(request(&mut s, &ctx(C, E1, 0), &va, &vb, B, E1), Err(ModelError::NotFound(IdKind::Vpc, _))));
}

#[test]
fn only_the_accepter_in_its_region_can_accept_or_reject() {
    let (s, va, _, id) = pair(W2);
    // The requester: visible, but not its decision.
    assert!(matches!(accept(&s, &ctx(A, E1, 0), &id), Err(ModelError::OperationNotPermitted(m)) if m.contains("cannot accept")));
    assert!(matches!(reject(&s, &ctx(A, E1, 0), &id), Err(ModelError::OperationNotPermitted(_))));
    // The accepter in the requester's region does not see it; C never does.
    assert_eq!(accept(&s, &ctx(B, E1, 0), &id), Err(ModelError::NotFound(IdKind::VpcPeeringConnection, id.clone())));
    assert_eq!(accept(&s, &ctx(C, W2, 0), &id), Err(ModelError::NotFound(IdKind::VpcPeeringConnection, id.clone())));
    assert!(accept(&s, &ctx(B, W2, 0), &id).is_ok());
    // One account on both sides, two regions: the wrong region is named.
    let mut s2 = State::default();
    let v1 = vpc(&mut s2, A, E1, "10.1.0.0/16");
    let v2 = vpc(&mut s2, A, W2, "10.2.0.0/16");
    let id2 = request(&mut s2, &ctx(A, E1, 0), &v1, &v2, A, W2).unwrap();
    assert!(matches!(accept(&s2, &ctx(A, E1, 0), &id2), Err(ModelError::OperationNotPermitted(m)) if m.contains("must be accepted in region us-west-2")));
    assert!(accept(&s2, &ctx(A, W2, 0), &id2).is_ok());
    let _ = va;
}

#[test]
fn pending_request_expires_after_seven_days() {
    let (s, _, _, id) = pair(E1);
    assert_eq!(status(&s, &id, EXPIRY_MS - 1), Status::PendingAcceptance);
    assert_eq!(status(&s, &id, EXPIRY_MS), Status::Expired);
    assert_eq!(s.peering_connections[&id].expiration_time(0), Some(EXPIRY_MS));
    assert!(matches!(accept(&s, &ctx(B, E1, EXPIRY_MS), &id), Err(ModelError::InvalidStateTransition(_))));
    // Expired stays visible to both for 2 days, then disappears.
    assert!(visible(&s, &ctx(B, E1, EXPIRY_MS + 2 * DAY_MS - 1), &id).is_ok());
    assert!(visible(&s, &ctx(A, E1, EXPIRY_MS + 2 * DAY_MS), &id).is_err());
}

#[test]
fn at_most_one_pending_or_active_connection_per_pair() {
    let (mut s, va, vb, id) = pair(E1);
    let dup = request(&mut s, &ctx(A, E1, 0), &va, &vb, B, E1);
    assert!(matches!(dup, Err(ModelError::PeeringAlreadyExists(_))));
    // The other direction is the same pair.
    let rev = request(&mut s, &ctx(B, E1, 0), &vb, &va, A, E1);
    assert!(matches!(rev, Err(ModelError::PeeringAlreadyExists(_))));
    {
        let ch = accept(&s, &ctx(B, E1, 1), &id).unwrap();
        apply(&mut s, ch);
    }
    assert!(request(&mut s, &ctx(A, E1, 2), &va, &vb, B, E1).is_err());
    // Once deleted, a new request is allowed.
    {
        let ch = delete(&s, &ctx(B, E1, 3), &id).unwrap();
        apply(&mut s, ch);
    }
    assert!(request(&mut s, &ctx(A, E1, 4), &va, &vb, B, E1).is_ok());
}

#[test]
fn delete_rules_and_visibility_windows() {
    let (mut s, _, _, id) = pair(E1);
    // The accepter cannot delete a pending request (it rejects it).
    assert!(matches!(delete(&s, &ctx(B, E1, 0), &id), Err(ModelError::OperationNotPermitted(_))));
    {
        let ch = accept(&s, &ctx(B, E1, 0), &id).unwrap();
        apply(&mut s, ch);
    }
    assert_eq!(delete(&s, &ctx(C, E1, 0), &id), Err(ModelError::NotFound(IdKind::VpcPeeringConnection, id.clone())));
    {
        let ch = delete(&s, &ctx(B, E1, 100), &id).unwrap();
        apply(&mut s, ch);
    }
    let p = &s.peering_connections[&id];
    assert_eq!(p.status(100), Status::Deleted);
    assert_eq!(p.status_message(100), format!("Deleted by {B}"));
    // The deleter sees it 2 hours, the other party 2 days.
    assert!(!p.visible_to(B, E1, 100 + 2 * HOUR_MS));
    assert!(p.visible_to(A, E1, 100 + 2 * HOUR_MS));
    assert!(!p.visible_to(A, E1, 100 + 2 * DAY_MS));
    assert!(matches!(delete(&s, &ctx(A, E1, 200), &id), Err(ModelError::InvalidStateTransition(m)) if m.contains("from deleted to deleting")));
}

#[test]
fn rejected_is_visible_longer_to_the_requester() {
    let (mut s, _, _, id) = pair(E1);
    {
        let ch = reject(&s, &ctx(B, E1, 0), &id).unwrap();
        apply(&mut s, ch);
    }
    let p = &s.peering_connections[&id];
    assert_eq!(p.status(0), Status::Rejected);
    assert!(!p.visible_to(B, E1, 2 * HOUR_MS));
    assert!(p.visible_to(A, E1, 2 * HOUR_MS));
    assert!(matches!(delete(&s, &ctx(A, E1, 1), &id), Err(ModelError::InvalidStateTransition(m)) if m.contains("from rejected to deleting")));
}

#[test]
fn options_only_on_active_and_each_side_its_own() {
    let (mut s, _, _, id) = pair(W2);
    let dns = || Some(PeeringOptions { allow_dns_resolution_from_remote_vpc: true });
    let req = OptionsChange { requester: dns(), accepter: None };
    assert!(matches!(modify_options(&s, &ctx(A, E1, 0), &id, req.clone()), Err(ModelError::OperationNotPermitted(m)) if m.contains("not active")));
    {
        let ch = accept(&s, &ctx(B, W2, 0), &id).unwrap();
        apply(&mut s, ch);
    }
    let acc = OptionsChange { requester: None, accepter: dns() };
    assert!(matches!(modify_options(&s, &ctx(A, E1, 0), &id, acc.clone()), Err(ModelError::OperationNotPermitted(m)) if m.contains("accepter side")));
    assert!(matches!(modify_options(&s, &ctx(B, W2, 0), &id, req.clone()), Err(ModelError::OperationNotPermitted(m)) if m.contains("requester side")));
    let (ch, p) = modify_options(&s, &ctx(A, E1, 0), &id, req).unwrap();
    apply(&mut s, ch);
    assert!(p.requester.options.allow_dns_resolution_from_remote_vpc);
    assert!(!p.accepter.options.allow_dns_resolution_from_remote_vpc);
    let (_, p) = modify_options(&s, &ctx(B, W2, 0), &id, acc).unwrap();
    assert!(p.accepter.options.allow_dns_resolution_from_remote_vpc && p.requester.options.allow_dns_resolution_from_remote_vpc);
}

#[test]
fn routes_to_a_connection_are_blackhole_until_active() {
    let (mut s, va, _, id) = pair(E1);
    let table = s.route_tables.values().find(|t| t.vpc_id == va).unwrap().clone();
    let route = Route { destination: Destination::Cidr("10.2.0.0/16".parse().unwrap()), target: RouteTarget::VpcPeeringConnection(id.clone()), origin: RouteOrigin::CreateRoute };
    assert_eq!(route_state(&s, &table, &route), RouteState::Blackhole);
    {
        let ch = accept(&s, &ctx(B, E1, 0), &id).unwrap();
        apply(&mut s, ch);
    }
    assert_eq!(route_state(&s, &table, &route), RouteState::Active);
    {
        let ch = delete(&s, &ctx(A, E1, 0), &id).unwrap();
        apply(&mut s, ch);
    }
    assert_eq!(route_state(&s, &table, &route), RouteState::Blackhole);
}

#[test]
fn route_target_must_join_the_tables_vpc() {
    let (mut s, va, vb, id) = pair(E1);
    let other = vpc(&mut s, A, E1, "10.9.0.0/16");
    assert!(check_route_target(&s, &ctx(A, E1, 0), "rtb-1", &va, &id).is_ok());
    assert!(check_route_target(&s, &ctx(B, E1, 0), "rtb-2", &vb, &id).is_ok());
    assert!(matches!(check_route_target(&s, &ctx(A, E1, 0), "rtb-3", &other, &id), Err(ModelError::InvalidParameterValue(m)) if m.contains("different networks")));
    assert_eq!(
        check_route_target(&s, &ctx(A, E1, 0), "rtb-1", &va, "pcx-0123456789abcdef0"),
        Err(ModelError::NotFound(IdKind::VpcPeeringConnection, "pcx-0123456789abcdef0".into()))
    );
}

#[test]
fn group_references_need_an_active_same_region_peering() {
    let (mut s, va, vb, id) = pair(E1);
    assert!(connection_for_group_reference(&s, &va, &vb).is_none(), "pending");
    {
        let ch = accept(&s, &ctx(B, E1, 0), &id).unwrap();
        apply(&mut s, ch);
    }
    assert_eq!(connection_for_group_reference(&s, &va, &vb).map(|p| p.id.clone()), Some(id.clone()));
    let (mut s2, va2, vb2, id2) = pair(W2);
    {
        let ch = accept(&s2, &ctx(B, W2, 0), &id2).unwrap();
        apply(&mut s2, ch);
    }
    assert!(connection_for_group_reference(&s2, &va2, &vb2).is_none(), "cross-region");
}

#[test]
fn deleting_a_vpc_deletes_its_connections_or_waits_for_a_rejection() {
    let (mut s, va, vb, id) = pair(E1);
    // B cannot delete its VPC while A's request waits for B.
    assert!(matches!(delete_vpc(&s, &ctx(B, E1, 0), &vb), Err(ModelError::DependencyViolation(_))));
    {
        let ch = accept(&s, &ctx(B, E1, 0), &id).unwrap();
        apply(&mut s, ch);
    }
    // Active: deleting either VPC deletes the connection with it.
    {
        let ch = delete_vpc(&s, &ctx(B, E1, 5), &vb).unwrap();
        apply(&mut s, ch);
    }
    assert_eq!(status(&s, &id, 5), Status::Deleted);
    assert_eq!(s.peering_connections[&id].changed_by.as_deref(), Some(B));
    // The requester's own pending request goes with its VPC.
    let vc = vpc(&mut s, C, E1, "10.3.0.0/16");
    let id2 = request(&mut s, &ctx(A, E1, 6), &va, &vc, C, E1).unwrap();
    {
        let ch = delete_vpc(&s, &ctx(A, E1, 7), &va).unwrap();
        apply(&mut s, ch);
    }
    assert_eq!(status(&s, &id2, 7), Status::Deleted);
}

#[test]
fn tags_are_per_viewer() {
    let (mut s, _, _, id) = pair(E1);
    let set = |k: &str, v: &str| {
        let (k, v) = (k.to_string(), v.to_string());
        move |t: &mut Tags| {
            t.insert(k.clone(), v.clone());
            Ok(())
        }
    };
    {
        let ch = crate::tags::edit(&s, &ctx(A, E1, 0), &id, set("Side", "requester")).unwrap();
        apply(&mut s, ch);
    }
    {
        let ch = crate::tags::edit(&s, &ctx(B, E1, 0), &id, set("Side", "accepter")).unwrap();
        apply(&mut s, ch);
    }
    let p = &s.peering_connections[&id];
    assert_eq!(p.tags_for(A, E1).unwrap()["Side"], "requester");
    assert_eq!(p.tags_for(B, E1).unwrap()["Side"], "accepter");
    assert!(crate::tags::edit(&s, &ctx(C, E1, 0), &id, set("x", "y")).is_err());
}
