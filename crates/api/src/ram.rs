//! AWS RAM (restJson1): one typed handler per operation over the generated
//! `shapes::ram`, routed by HTTP path (`POST /createresourceshare`,
//! `DELETE /deleteresourceshare`, ...) as botocore's model binds them.

use xvpc_model::error::RamFault;
use xvpc_model::ram::{self as model, Association, Invitation, ResourceOwner, ResourceShare};
use xvpc_model::tags::Tags;
use xvpc_model::{ModelError, State};
use xvpc_wire::page::{PageError, PageLimits};
use xvpc_wire::shapes::ram::{self as shape, ops};
use xvpc_wire::{ApiError, Timestamp};

use crate::call::{Call, TypedJsonHandler};
use crate::errors::{Error, Result};

/// `(path, operation, glue)` for every RAM operation xvpc implements, made
/// by `typed_json!`.
pub const TYPED: &[(&str, &str, TypedJsonHandler)] = &[
    crate::typed_json!(ops::CreateResourceShare, create_resource_share),
    crate::typed_json!(ops::UpdateResourceShare, update_resource_share),
    crate::typed_json!(ops::DeleteResourceShare, delete_resource_share),
    crate::typed_json!(ops::AssociateResourceShare, associate_resource_share),
    crate::typed_json!(ops::DisassociateResourceShare, disassociate_resource_share),
    crate::typed_json!(ops::EnableSharingWithAwsOrganization, enable_sharing_with_aws_organization),
    crate::typed_json!(ops::GetResourceShares, get_resource_shares),
    crate::typed_json!(ops::GetResourceShareAssociations, get_resource_share_associations),
    crate::typed_json!(ops::GetResourceShareInvitations, get_resource_share_invitations),
    crate::typed_json!(ops::AcceptResourceShareInvitation, accept_invitation),
    crate::typed_json!(ops::RejectResourceShareInvitation, reject_invitation),
    crate::typed_json!(ops::ListResources, list_resources),
    crate::typed_json!(ops::ListPrincipals, list_principals),
    crate::typed_json!(ops::ListPendingInvitationResources, list_pending_invitation_resources),
    crate::typed_json!(ops::ListResourceSharePermissions, list_resource_share_permissions),
    crate::typed_json!(ops::ListPermissions, list_permissions),
    crate::typed_json!(ops::GetPermission, get_permission),
    crate::typed_json!(ops::ListResourceTypes, list_resource_types),
    crate::typed_json!(ops::TagResource, tag_resource),
    crate::typed_json!(ops::UntagResource, untag_resource),
];

/// The operation name and handler for a request path.
pub fn handler(path: &str) -> Option<(&'static str, TypedJsonHandler)> {
    let path = path.trim_end_matches('/').to_ascii_lowercase();
    TYPED.iter().find(|(p, _, _)| *p == path).map(|(_, op, h)| (*op, *h))
}

/// One of RAM's rules, refused by the handler before the model is asked.
fn fault(f: RamFault, msg: impl Into<String>) -> Error {
    ModelError::Ram(f, msg.into()).into()
}

/// `[{key, value}]` tags; a tag without a key is refused.
fn tags_in(tags: Vec<shape::Tag>) -> Result<Tags> {
    let mut out = Tags::new();
    for t in tags {
        let key = t.key.ok_or_else(|| fault(RamFault::InvalidParameter, "Each tag needs a key"))?;
        out.insert(key, t.value.unwrap_or_default());
    }
    Ok(out)
}

fn tag_list(t: &Tags) -> Vec<shape::Tag> {
    t.iter().map(|(k, v)| shape::Tag { key: Some(k.clone()), value: Some(v.clone()) }).collect()
}

fn ts(ms: i64) -> Option<Timestamp> {
    Some(Timestamp(ms))
}

/// The `ResourceShare` structure RAM describes.
pub(crate) fn share_shape(s: &ResourceShare) -> shape::ResourceShare {
    shape::ResourceShare {
        resource_share_arn: Some(s.arn().to_string()),
        name: Some(s.name.clone()),
        owning_account_id: Some(s.owner.clone()),
        allow_external_principals: Some(s.allow_external_principals),
        status: Some(shape::ResourceShareStatus::from(s.status.as_str())),
        tags: tag_list(&s.tags),
        creation_time: ts(s.created_at),
        last_updated_time: ts(s.updated_at),
        feature_set: Some(shape::ResourceShareFeatureSet::Standard),
        ..Default::default()
    }
}

/// A `ResourceShareAssociation`; `status` overrides the stored one (an
/// association being made or undone right now).
pub(crate) fn association_shape(
    s: &ResourceShare,
    a: &Association,
    kind: shape::ResourceShareAssociationType,
    status: Option<shape::ResourceShareAssociationStatus>,
) -> shape::ResourceShareAssociation {
    shape::ResourceShareAssociation {
        resource_share_arn: Some(s.arn().to_string()),
        resource_share_name: Some(s.name.clone()),
        associated_entity: Some(a.entity.clone()),
        association_type: Some(kind),
        status: Some(status.unwrap_or_else(|| shape::ResourceShareAssociationStatus::from(a.status.as_str()))),
        status_message: a.message.clone(),
        creation_time: ts(a.created_at),
        last_updated_time: ts(a.updated_at),
        external: Some(a.external),
    }
}

/// A `ResourceShareInvitation`. Its deprecated association list is left
/// empty (RAM points to ListPendingInvitationResources instead).
pub(crate) fn invitation_shape(state: &State, i: &Invitation) -> shape::ResourceShareInvitation {
    let name = state.resource_shares.get(&i.share_arn).map(|s| s.name.clone()).unwrap_or_default();
    shape::ResourceShareInvitation {
        resource_share_invitation_arn: Some(i.id.clone()),
        resource_share_name: Some(name),
        resource_share_arn: Some(i.share_arn.clone()),
        sender_account_id: Some(i.owner.clone()),
        receiver_account_id: Some(i.receiver.clone()),
        invitation_timestamp: ts(i.created_at),
        status: Some(shape::ResourceShareInvitationStatus::from(i.status.as_str())),
        ..Default::default()
    }
}

/// RAM's `maxResults` / `nextToken` over the one paginator
/// ([`xvpc_wire::page`]); `key` orders the items and names one in a token.
fn page_by<T>(items: Vec<T>, max: Option<i64>, token: Option<&str>, key: impl Fn(&T) -> String) -> Result<(Vec<T>, Option<String>)> {
    let limits = PageLimits::strict(1, 500).by_default(500);
    let page = xvpc_wire::page::page(items, key, max, token, &limits).map_err(|e| match e {
        PageError::Size { value, min, max } => fault(RamFault::InvalidParameter, format!("maxResults must be between {min} and {max}, not {value}")),
        // A protocol-level refusal RAM's model declares, not one of its rules.
        PageError::Token => Error::Api(ApiError::client("InvalidNextTokenException", "The specified value for nextToken is not valid.")),
    })?;
    Ok((page.items, page.next))
}

/// Two members joined: the page key of items identified by a pair.
fn pair(a: Option<&str>, b: Option<&str>) -> String {
    format!("{}\u{0}{}", a.unwrap_or(""), b.unwrap_or(""))
}

pub(crate) fn create_resource_share(call: &mut Call, input: shape::CreateResourceShareRequest) -> Result<shape::CreateResourceShareResponse> {
    if !input.permission_arns.iter().all(|p| p == model::TGW_PERMISSION_ARN) {
        return Err(fault(RamFault::UnknownResource, "xvpc knows only the managed permission AWSRAMDefaultPermissionTransitGateway."));
    }
    let create = model::CreateShare {
        name: input.name,
        resource_arns: input.resource_arns,
        principals: input.principals,
        allow_external_principals: input.allow_external_principals.unwrap_or(true),
        tags: tags_in(input.tags)?,
    };
    let (ch, arn) = model::create_share(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    let share = Some(share_shape(&call.state().resource_shares[&arn]));
    Ok(shape::CreateResourceShareResponse { resource_share: share, client_token: input.client_token })
}

fn update_resource_share(call: &mut Call, input: shape::UpdateResourceShareRequest) -> Result<shape::UpdateResourceShareResponse> {
    let arn = input.resource_share_arn;
    let ch = model::update_share(call.state(), &call.ctx, &arn, input.name, input.allow_external_principals)?;
    call.commit(ch)?;
    let share = Some(share_shape(&call.state().resource_shares[&arn]));
    Ok(shape::UpdateResourceShareResponse { resource_share: share, client_token: input.client_token })
}

pub(crate) fn delete_resource_share(call: &mut Call, input: shape::DeleteResourceShareRequest) -> Result<shape::DeleteResourceShareResponse> {
    let ch = model::delete_share(call.state(), &call.ctx, &input.resource_share_arn)?;
    call.commit(ch)?;
    Ok(shape::DeleteResourceShareResponse { return_value: Some(true), client_token: input.client_token })
}

/// The associations an (dis)associate call touched, reported `status`;
/// associations already in place keep theirs.
fn touched(call: &Call, arn: &str, touched: &[Association], status: shape::ResourceShareAssociationStatus) -> Vec<shape::ResourceShareAssociation> {
    use shape::ResourceShareAssociationStatus as S;
    let s = &call.state().resource_shares[arn];
    touched
        .iter()
        .map(|a| {
            let kind = if s.resources.iter().any(|r| r.entity == a.entity) {
                shape::ResourceShareAssociationType::Resource
            } else {
                shape::ResourceShareAssociationType::Principal
            };
            let kept = a.status == model::AssociationStatus::Associated && status == S::Associating;
            association_shape(s, a, kind, (!kept).then(|| status.clone()))
        })
        .collect()
}

pub(crate) fn associate_resource_share(call: &mut Call, input: shape::AssociateResourceShareRequest) -> Result<shape::AssociateResourceShareResponse> {
    let arn = input.resource_share_arn;
    let (ch, done) = model::associate(call.state(), &call.ctx, &arn, &input.resource_arns, &input.principals)?;
    call.commit(ch)?;
    let resource_share_associations = touched(call, &arn, &done, shape::ResourceShareAssociationStatus::Associating);
    Ok(shape::AssociateResourceShareResponse { resource_share_associations, client_token: input.client_token })
}

fn disassociate_resource_share(
    call: &mut Call,
    input: shape::DisassociateResourceShareRequest,
) -> Result<shape::DisassociateResourceShareResponse> {
    let arn = input.resource_share_arn;
    let (ch, done) = model::disassociate(call.state(), &call.ctx, &arn, &input.resource_arns, &input.principals)?;
    call.commit(ch)?;
    let resource_share_associations = touched(call, &arn, &done, shape::ResourceShareAssociationStatus::Disassociating);
    Ok(shape::DisassociateResourceShareResponse { resource_share_associations, client_token: input.client_token })
}

/// EnableSharingWithAwsOrganization: the management account lets RAM
/// share inside its organization without invitations.
fn enable_sharing_with_aws_organization(
    call: &mut Call,
    _: shape::EnableSharingWithAwsOrganizationRequest,
) -> Result<shape::EnableSharingWithAwsOrganizationResponse> {
    let ch = xvpc_model::organization::enable_ram_sharing(call.state(), &call.ctx)?;
    call.commit(ch)?;
    Ok(shape::EnableSharingWithAwsOrganizationResponse { return_value: Some(true) })
}

fn check_arns(arns: &[String]) -> Result<()> {
    for a in arns {
        if !a.starts_with("arn:aws") || a.split(':').count() < 6 {
            return Err(fault(RamFault::MalformedArn, format!("The specified resource share ARN {a} is not valid. Verify the ARN and try again.")));
        }
    }
    Ok(())
}

fn owner(o: &shape::ResourceOwner) -> Result<ResourceOwner> {
    Ok(ResourceOwner::parse(o.as_str())?)
}

pub(crate) fn get_resource_shares(call: &mut Call, input: shape::GetResourceSharesRequest) -> Result<shape::GetResourceSharesResponse> {
    let who = owner(&input.resource_owner)?;
    let arns = input.resource_share_arns;
    check_arns(&arns)?;
    let status = input.resource_share_status.as_ref().map(|s| s.as_str());
    let name = input.name.as_deref();
    let permission = input.permission_arn.as_deref();
    let tag_filters = input.tag_filters;
    let shares: Vec<shape::ResourceShare> = model::visible_shares(call.state(), &call.ctx, who)
        .into_iter()
        .filter(|s| arns.is_empty() || arns.iter().any(|a| a == s.arn()))
        .filter(|s| status.is_none_or(|st| st == s.status.as_str()))
        .filter(|s| name.is_none_or(|n| n == s.name))
        .filter(|s| permission.is_none_or(|p| p == model::TGW_PERMISSION_ARN && s.resource_types().contains(&model::TGW_RESOURCE_TYPE)))
        .filter(|s| {
            tag_filters.iter().all(|f| {
                let key = f.tag_key.as_deref().unwrap_or("");
                s.tags.get(key).is_some_and(|tv| f.tag_values.is_empty() || f.tag_values.contains(tv))
            })
        })
        .map(share_shape)
        .collect();
    let key = |s: &shape::ResourceShare| s.resource_share_arn.clone().unwrap_or_default();
    let (resource_shares, next_token) = page_by(shares, input.max_results.map(i64::from), input.next_token.as_deref(), key)?;
    Ok(shape::GetResourceSharesResponse { resource_shares, next_token })
}

pub(crate) fn get_resource_share_associations(
    call: &mut Call,
    input: shape::GetResourceShareAssociationsRequest,
) -> Result<shape::GetResourceShareAssociationsResponse> {
    use shape::ResourceShareAssociationType as Kind;
    let kind = input.association_type;
    let entity = match kind {
        Kind::Resource if input.principal.is_some() => return Err(fault(RamFault::InvalidParameter, "principal cannot be used with associationType RESOURCE.")),
        Kind::Principal if input.resource_arn.is_some() => {
            return Err(fault(RamFault::InvalidParameter, "resourceArn cannot be used with associationType PRINCIPAL."))
        }
        Kind::Resource => input.resource_arn,
        Kind::Principal => input.principal,
        other => return Err(fault(RamFault::InvalidParameter, format!("associationType must be RESOURCE or PRINCIPAL, not '{}'.", other.as_str()))),
    };
    let arns = input.resource_share_arns;
    check_arns(&arns)?;
    let status = input.association_status.as_ref().map(|s| s.as_str());
    let mut out = Vec::new();
    for s in model::visible_shares(call.state(), &call.ctx, ResourceOwner::OwnedBySelf) {
        if !arns.is_empty() && !arns.iter().any(|a| a == s.arn()) {
            continue;
        }
        let list = if kind == Kind::Resource { &s.resources } else { &s.principals };
        for a in list {
            if entity.as_deref().is_none_or(|e| e == a.entity) && status.is_none_or(|st| st == a.status.as_str()) {
                out.push(association_shape(s, a, kind.clone(), None));
            }
        }
    }
    let key = |a: &shape::ResourceShareAssociation| pair(a.resource_share_arn.as_deref(), a.associated_entity.as_deref());
    let (resource_share_associations, next_token) = page_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), key)?;
    Ok(shape::GetResourceShareAssociationsResponse { resource_share_associations, next_token })
}

fn get_resource_share_invitations(
    call: &mut Call,
    input: shape::GetResourceShareInvitationsRequest,
) -> Result<shape::GetResourceShareInvitationsResponse> {
    let (inv_arns, share_arns) = (input.resource_share_invitation_arns, input.resource_share_arns);
    check_arns(&share_arns)?;
    let state = call.state();
    let mine = model::received_invitations(state, &call.ctx);
    for a in &inv_arns {
        if !mine.iter().any(|i| &i.id == a) {
            return Err(fault(RamFault::InvitationArnNotFound, format!("ResourceShareInvitationArn {a} could not be found.")));
        }
    }
    let out: Vec<shape::ResourceShareInvitation> = mine
        .into_iter()
        .filter(|i| inv_arns.is_empty() || inv_arns.contains(&i.id))
        .filter(|i| share_arns.is_empty() || share_arns.contains(&i.share_arn))
        .map(|i| invitation_shape(state, i))
        .collect();
    let key = |i: &shape::ResourceShareInvitation| i.resource_share_invitation_arn.clone().unwrap_or_default();
    let (resource_share_invitations, next_token) = page_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), key)?;
    Ok(shape::GetResourceShareInvitationsResponse { resource_share_invitations, next_token })
}

/// Accepts or rejects an invitation; the invitation as it is now.
fn answer(call: &mut Call, arn: &str, accept: bool) -> Result<Option<shape::ResourceShareInvitation>> {
    let (ch, inv) = model::answer_invitation(call.state(), &call.ctx, arn, accept)?;
    call.commit(ch)?;
    Ok(Some(invitation_shape(call.state(), &inv)))
}

fn accept_invitation(call: &mut Call, input: shape::AcceptResourceShareInvitationRequest) -> Result<shape::AcceptResourceShareInvitationResponse> {
    let resource_share_invitation = answer(call, &input.resource_share_invitation_arn, true)?;
    Ok(shape::AcceptResourceShareInvitationResponse { resource_share_invitation, client_token: input.client_token })
}

fn reject_invitation(call: &mut Call, input: shape::RejectResourceShareInvitationRequest) -> Result<shape::RejectResourceShareInvitationResponse> {
    let resource_share_invitation = answer(call, &input.resource_share_invitation_arn, false)?;
    Ok(shape::RejectResourceShareInvitationResponse { resource_share_invitation, client_token: input.client_token })
}

/// A shared `Resource`: xvpc shares transit gateways, regional resources.
pub(crate) fn resource_shape(share: &ResourceShare, a: &Association) -> shape::Resource {
    shape::Resource {
        arn: Some(a.entity.clone()),
        type_: Some(model::resource_type(&a.entity).unwrap_or("unknown").to_string()),
        resource_share_arn: Some(share.arn().to_string()),
        status: Some(shape::ResourceStatus::Available),
        creation_time: ts(a.created_at),
        last_updated_time: ts(a.updated_at),
        resource_region_scope: Some(shape::ResourceRegionScope::Regional),
        ..Default::default()
    }
}

fn resource_key(r: &shape::Resource) -> String {
    pair(r.resource_share_arn.as_deref(), r.arn.as_deref())
}

fn list_resources(call: &mut Call, input: shape::ListResourcesRequest) -> Result<shape::ListResourcesResponse> {
    let who = owner(&input.resource_owner)?;
    let (arns, share_arns) = (input.resource_arns, input.resource_share_arns);
    check_arns(&share_arns)?;
    let wanted = match &input.resource_type {
        Some(t) => Some(*model::RESOURCE_TYPES.iter().find(|k| k.eq_ignore_ascii_case(t)).ok_or_else(|| {
            fault(RamFault::InvalidResourceType, format!("The specified resource type {t} is not valid."))
        })?),
        None => None,
    };
    let principal = input.principal.as_deref();
    let mut out = Vec::new();
    for s in model::visible_shares(call.state(), &call.ctx, who) {
        if s.status != model::ShareStatus::Active || (!share_arns.is_empty() && !share_arns.iter().any(|a| a == s.arn())) {
            continue;
        }
        if principal.is_some_and(|p| !s.principals.iter().any(|x| x.entity == p && x.status.is_live())) {
            continue;
        }
        for a in s.resources.iter().filter(|a| a.status == model::AssociationStatus::Associated) {
            let of_type = wanted.is_none_or(|t| model::resource_type(&a.entity) == Some(t));
            if (arns.is_empty() || arns.contains(&a.entity)) && of_type {
                out.push(resource_shape(s, a));
            }
        }
    }
    let (resources, next_token) = page_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), resource_key)?;
    Ok(shape::ListResourcesResponse { resources, next_token })
}

/// A `Principal` of a share.
pub(crate) fn principal_shape(s: &ResourceShare, p: &Association) -> shape::Principal {
    shape::Principal {
        id: Some(p.entity.clone()),
        resource_share_arn: Some(s.arn().to_string()),
        creation_time: ts(p.created_at),
        last_updated_time: ts(p.updated_at),
        external: Some(p.external),
    }
}

fn list_principals(call: &mut Call, input: shape::ListPrincipalsRequest) -> Result<shape::ListPrincipalsResponse> {
    let who = owner(&input.resource_owner)?;
    let (principals, share_arns) = (input.principals, input.resource_share_arns);
    check_arns(&share_arns)?;
    let resource_arn = input.resource_arn.as_deref();
    let mut out = Vec::new();
    for s in model::visible_shares(call.state(), &call.ctx, who) {
        if s.status != model::ShareStatus::Active || (!share_arns.is_empty() && !share_arns.iter().any(|a| a == s.arn())) {
            continue;
        }
        if resource_arn.is_some_and(|r| !s.resources.iter().any(|x| x.entity == r && x.status.is_live())) {
            continue;
        }
        for p in s.principals.iter().filter(|p| p.status.is_live()) {
            // The other side sees only the principals that reach it.
            if who == ResourceOwner::OtherAccounts && !model::principal_reaches(call.state(), &s.owner, p, &call.ctx.account) {
                continue;
            }
            if principals.is_empty() || principals.contains(&p.entity) {
                out.push(principal_shape(s, p));
            }
        }
    }
    let key = |p: &shape::Principal| pair(p.resource_share_arn.as_deref(), p.id.as_deref());
    let (principals, next_token) = page_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), key)?;
    Ok(shape::ListPrincipalsResponse { principals, next_token })
}

fn list_pending_invitation_resources(
    call: &mut Call,
    input: shape::ListPendingInvitationResourcesRequest,
) -> Result<shape::ListPendingInvitationResourcesResponse> {
    let arn = input.resource_share_invitation_arn;
    let state = call.state();
    let inv = model::received_invitations(state, &call.ctx)
        .into_iter()
        .find(|i| i.id == arn)
        .ok_or_else(|| fault(RamFault::InvitationArnNotFound, format!("ResourceShareInvitationArn {arn} could not be found.")))?;
    if inv.status == model::InvitationStatus::Rejected {
        return Err(fault(RamFault::InvitationAlreadyRejected, format!("The invitation {arn} has already been rejected.")));
    }
    let mut out = Vec::new();
    if let Some(s) = state.resource_shares.get(&inv.share_arn).filter(|s| s.status == model::ShareStatus::Active) {
        out.extend(s.resources.iter().filter(|a| a.status == model::AssociationStatus::Associated).map(|a| resource_shape(s, a)));
    }
    let (resources, next_token) = page_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), resource_key)?;
    Ok(shape::ListPendingInvitationResourcesResponse { resources, next_token })
}

/// When AWS created its managed transit gateway permission (2018-11-28).
const PERMISSION_CREATED_MS: i64 = 1_543_363_200_000;

/// The managed transit gateway permission, `status` as the call reports it
/// (`ASSOCIATED` to a share, `ATTACHABLE` in the catalogue).
pub(crate) fn permission_summary(status: &str) -> shape::ResourceSharePermissionSummary {
    shape::ResourceSharePermissionSummary {
        arn: Some(model::TGW_PERMISSION_ARN.to_string()),
        version: Some("1".into()),
        default_version: Some(true),
        name: Some(model::TGW_PERMISSION_NAME.to_string()),
        resource_type: Some(model::TGW_RESOURCE_TYPE.to_string()),
        status: Some(status.to_string()),
        creation_time: ts(PERMISSION_CREATED_MS),
        last_updated_time: ts(PERMISSION_CREATED_MS),
        is_resource_type_default: Some(true),
        permission_type: Some(shape::PermissionType::AwsManaged),
        feature_set: Some(shape::PermissionFeatureSet::Standard),
        tags: Vec::new(),
    }
}

fn permission_key(p: &shape::ResourceSharePermissionSummary) -> String {
    p.arn.clone().unwrap_or_default()
}

fn list_resource_share_permissions(
    call: &mut Call,
    input: shape::ListResourceSharePermissionsRequest,
) -> Result<shape::ListResourceSharePermissionsResponse> {
    let arn = input.resource_share_arn;
    check_arns(std::slice::from_ref(&arn))?;
    let s = call
        .state()
        .resource_shares
        .get(&arn)
        .filter(|s| s.region == call.ctx.region && ((s.owner == call.ctx.account && s.listed(call.ctx.now)) || s.reaches(call.state(), &call.ctx.account)))
        .ok_or_else(|| fault(RamFault::UnknownResource, format!("ResourceShare {arn} could not be found.")))?;
    // RAM attaches a type's default managed permission when a resource of
    // that type joins the share.
    let perms = s.resource_types().into_iter().filter(|t| *t == model::TGW_RESOURCE_TYPE).map(|_| permission_summary("ASSOCIATED")).collect();
    let (permissions, next_token) = page_by(perms, input.max_results.map(i64::from), input.next_token.as_deref(), permission_key)?;
    Ok(shape::ListResourceSharePermissionsResponse { permissions, next_token })
}

fn list_permissions(_call: &mut Call, input: shape::ListPermissionsRequest) -> Result<shape::ListPermissionsResponse> {
    use shape::PermissionTypeFilter as Kind;
    let matches = input.resource_type.as_deref().is_none_or(|t| t.eq_ignore_ascii_case(model::TGW_RESOURCE_TYPE))
        && input.permission_type.as_ref().is_none_or(|k| matches!(k, Kind::All | Kind::AwsManaged));
    let perms = if matches { vec![permission_summary("ATTACHABLE")] } else { Vec::new() };
    let (permissions, next_token) = page_by(perms, input.max_results.map(i64::from), input.next_token.as_deref(), permission_key)?;
    Ok(shape::ListPermissionsResponse { permissions, next_token })
}

/// The managed transit gateway permission in full, with its policy.
pub(crate) fn permission_detail() -> shape::ResourceSharePermissionDetail {
    let s = permission_summary("ATTACHABLE");
    shape::ResourceSharePermissionDetail {
        arn: s.arn,
        version: s.version,
        default_version: s.default_version,
        name: s.name,
        resource_type: s.resource_type,
        permission: Some("{\"Effect\":\"Allow\",\"Action\":[\"ec2:CreateTransitGatewayVpcAttachment\",\"ec2:DescribeTransitGateways\"]}".into()),
        creation_time: s.creation_time,
        last_updated_time: s.last_updated_time,
        is_resource_type_default: s.is_resource_type_default,
        permission_type: s.permission_type,
        feature_set: s.feature_set,
        status: Some(shape::PermissionStatus::Attachable),
        tags: s.tags,
    }
}

fn get_permission(_call: &mut Call, input: shape::GetPermissionRequest) -> Result<shape::GetPermissionResponse> {
    let arn = input.permission_arn;
    if arn != model::TGW_PERMISSION_ARN {
        if !arn.starts_with("arn:aws") {
            return Err(fault(RamFault::MalformedArn, format!("The specified permission ARN {arn} is not valid.")));
        }
        return Err(fault(RamFault::UnknownResource, format!("Permission {arn} could not be found.")));
    }
    Ok(shape::GetPermissionResponse { permission: Some(permission_detail()) })
}

fn list_resource_types(_call: &mut Call, input: shape::ListResourceTypesRequest) -> Result<shape::ListResourceTypesResponse> {
    let types = vec![shape::ServiceNameAndResourceType {
        resource_type: Some(model::TGW_RESOURCE_TYPE.to_string()),
        service_name: Some("ec2".into()),
        resource_region_scope: Some(shape::ResourceRegionScope::Regional),
    }];
    let key = |t: &shape::ServiceNameAndResourceType| t.resource_type.clone().unwrap_or_default();
    let (resource_types, next_token) = page_by(types, input.max_results.map(i64::from), input.next_token.as_deref(), key)?;
    Ok(shape::ListResourceTypesResponse { resource_types, next_token })
}

/// The share a tag call names: `resourceShareArn`, else `resourceArn`.
fn tag_target(share: Option<String>, resource: Option<String>) -> Result<String> {
    share.or(resource).ok_or_else(|| {
        // A protocol-level refusal (neither member given), as the decoder
        // answers a missing required member.
        Error::Api(ApiError::client("MissingRequiredParameterException", "The request must contain resourceShareArn or resourceArn."))
    })
}

fn tag_resource(call: &mut Call, input: shape::TagResourceRequest) -> Result<shape::TagResourceResponse> {
    let arn = tag_target(input.resource_share_arn, input.resource_arn)?;
    let ch = model::edit_tags(call.state(), &call.ctx, &arn, &tags_in(input.tags)?, &[])?;
    call.commit(ch)?;
    Ok(shape::TagResourceResponse {})
}

fn untag_resource(call: &mut Call, input: shape::UntagResourceRequest) -> Result<shape::UntagResourceResponse> {
    let arn = tag_target(input.resource_share_arn, input.resource_arn)?;
    let ch = model::edit_tags(call.state(), &call.ctx, &arn, &Tags::new(), &input.tag_keys)?;
    call.commit(ch)?;
    Ok(shape::UntagResourceResponse {})
}

#[cfg(test)]
#[path = "ram_tests.rs"]
mod tests;
