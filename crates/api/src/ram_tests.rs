//! RAM: routing, paging, and shape coverage of the outputs (a share with a
//! tagged transit gateway, an accepted and a rejected principal, serialized
//! through the generated JSON serializer and checked against botocore's
//! model; the members xvpc holds no value for are listed).

use xvpc_model::populated::{self, World, B};
use xvpc_model::{Changes, Ctx};
use xvpc_wire::json_shape::ToJson;

use super::*;
use crate::shape_coverage::missing_json;

#[test]
fn paths_route_to_operations() {
    assert_eq!(handler("/createresourceshare").map(|h| h.0), Some("CreateResourceShare"));
    assert_eq!(handler("/DeleteResourceShare/").map(|h| h.0), Some("DeleteResourceShare"));
    assert!(handler("/nothing").is_none());
}

#[test]
fn pages_by_key_with_ram_errors() {
    let items: Vec<String> = (0..7).map(|i| format!("a{i}")).collect();
    let (first, next) = page_by(items.clone(), Some(5), None, String::clone).unwrap();
    assert_eq!(first.len(), 5);
    let (rest, last) = page_by(items.clone(), Some(5), next.as_deref(), String::clone).unwrap();
    assert_eq!((rest, last), (vec!["a5".to_string(), "a6".to_string()], None));
    let code = |max: Option<i64>, token: Option<&str>| page_by(items.clone(), max, token, String::clone).unwrap_err().to_api().code;
    assert_eq!(code(None, Some("3")), "InvalidNextTokenException");
    assert_eq!(code(Some(0), None), "InvalidParameterException");
}

fn apply(w: &mut World, ch: Changes) {
    ch.events.into_iter().for_each(|e| w.state.apply(e));
}

/// The populated world plus a tagged share of its transit gateway with
/// account B (accepted) and account C (rejected, with RAM's message).
fn world() -> (World, String) {
    let mut w = populated::world();
    let tgw = w.state.transit_gateways.values().next().expect("the world's transit gateway").arn();
    let c = "333333333333";
    let create = model::CreateShare {
        name: "share".into(),
        resource_arns: vec![tgw],
        principals: vec![B.into(), c.into()],
        allow_external_principals: true,
        tags: Tags::from([("team".to_string(), "net".to_string())]),
    };
    let (ch, arn) = model::create_share(&w.state, &w.ctx, create).unwrap();
    apply(&mut w, ch);
    for (account, accept) in [(B, true), (c, false)] {
        let ctx = Ctx::new(account, &w.ctx.region, w.ctx.now);
        let inv = model::received_invitations(&w.state, &ctx)[0].id.clone();
        let (ch, _) = model::answer_invitation(&w.state, &ctx, &inv, accept).unwrap();
        apply(&mut w, ch);
    }
    (w, arn)
}

fn gaps(shape: &str, output: &impl ToJson) -> Vec<String> {
    missing_json("ram", shape, &output.to_json())
}

#[test]
fn shares_and_associations_carry_every_member_xvpc_models() {
    let (w, arn) = world();
    let s = &w.state.resource_shares[&arn];
    let out = shape::GetResourceSharesResponse { resource_shares: vec![share_shape(s)], next_token: Some("t".into()) };
    // Shares outside an organization have no configuration; statusMessage
    // is only set for failed shares, which xvpc never has.
    assert_eq!(gaps("GetResourceSharesResponse", &out), ["ResourceShare.resourceShareConfiguration", "ResourceShare.statusMessage"]);
    let kinds = [(&s.resources, shape::ResourceShareAssociationType::Resource), (&s.principals, shape::ResourceShareAssociationType::Principal)];
    let all = kinds.iter().flat_map(|(list, kind)| list.iter().map(|a| association_shape(s, a, kind.clone(), None))).collect();
    let out = shape::GetResourceShareAssociationsResponse { resource_share_associations: all, next_token: Some("t".into()) };
    assert_eq!(gaps("GetResourceShareAssociationsResponse", &out), Vec::<String>::new());
}

#[test]
fn invitations_resources_principals_carry_every_member_xvpc_models() {
    let (w, arn) = world();
    let s = &w.state.resource_shares[&arn];
    let invitations = w.state.invitations.values().map(|i| invitation_shape(&w.state, i)).collect();
    let out = shape::GetResourceShareInvitationsResponse { resource_share_invitations: invitations, next_token: Some("t".into()) };
    // Invitations to accounts only (not IAM principals); the association
    // list is deprecated (ListPendingInvitationResources replaces it).
    assert_eq!(
        gaps("GetResourceShareInvitationsResponse", &out),
        ["ResourceShareInvitation.receiverArn", "ResourceShareInvitation.resourceShareAssociations"]
    );
    let out = shape::ListResourcesResponse { resources: s.resources.iter().map(|a| resource_shape(s, a)).collect(), next_token: Some("t".into()) };
    // No resource groups; statusMessage only for unavailable resources.
    assert_eq!(gaps("ListResourcesResponse", &out), ["Resource.resourceGroupArn", "Resource.statusMessage"]);
    let out = shape::ListPrincipalsResponse { principals: s.principals.iter().map(|p| principal_shape(s, p)).collect(), next_token: Some("t".into()) };
    assert_eq!(gaps("ListPrincipalsResponse", &out), Vec::<String>::new());
}

#[test]
fn permissions_carry_every_member_xvpc_models() {
    let out = shape::ListPermissionsResponse { permissions: vec![permission_summary("ATTACHABLE")], next_token: Some("t".into()) };
    // AWS-managed permissions carry no tags.
    assert_eq!(gaps("ListPermissionsResponse", &out), ["ResourceSharePermissionSummary.tags"]);
    let out = shape::GetPermissionResponse { permission: Some(permission_detail()) };
    assert_eq!(gaps("GetPermissionResponse", &out), ["ResourceSharePermissionDetail.tags"]);
}
