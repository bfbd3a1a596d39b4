//! AWS Organizations (awsJson1.1, target prefix `AWSOrganizationsV20161128`):
//! the organization, its accounts, OUs, handshakes, trusted services and
//! policy types, over `xvpc_model::{organization, organizational_unit,
//! handshake}`. Typed handlers over the generated `shapes::organizations`.

use xvpc_model::error::OrgFault;
use xvpc_model::handshake::{self, Answer, Handshake};
use xvpc_model::organization::{self as model, Member, Organization};
use xvpc_model::organizational_unit::{self as ou, OrganizationalUnit, Parent};
use xvpc_model::tags::Tags;
use xvpc_model::{ModelError, State};
use xvpc_wire::page::{PageError, PageLimits};
use xvpc_wire::shape::Empty;
use xvpc_wire::shapes::organizations::{self as shape, ops};
use xvpc_wire::Timestamp;

use crate::call::{Call, TypedJsonHandler};
use crate::errors::Result;

/// Every Organizations action: `(_, operation, glue)`, sorted.
pub const TYPED: &[(&str, &str, TypedJsonHandler)] = &[
    crate::typed_json!(ops::AcceptHandshake, accept_handshake),
    crate::typed_json!(ops::CancelHandshake, cancel_handshake),
    crate::typed_json!(ops::CreateAccount, create_account),
    crate::typed_json!(ops::CreateOrganization, create_organization),
    crate::typed_json!(ops::CreateOrganizationalUnit, create_organizational_unit),
    crate::typed_json!(ops::DeclineHandshake, decline_handshake),
    crate::typed_json!(ops::DeleteOrganization, delete_organization),
    crate::typed_json!(ops::DeleteOrganizationalUnit, delete_organizational_unit),
    crate::typed_json!(ops::DescribeAccount, describe_account),
    crate::typed_json!(ops::DescribeCreateAccountStatus, describe_create_account_status),
    crate::typed_json!(ops::DescribeHandshake, describe_handshake),
    crate::typed_json!(ops::DescribeOrganization, describe_organization),
    crate::typed_json!(ops::DescribeOrganizationalUnit, describe_organizational_unit),
    crate::typed_json!(ops::DisableAWSServiceAccess, disable_service_access),
    crate::typed_json!(ops::DisablePolicyType, disable_policy_type),
    crate::typed_json!(ops::EnableAWSServiceAccess, enable_service_access),
    crate::typed_json!(ops::EnablePolicyType, enable_policy_type),
    crate::typed_json!(ops::InviteAccountToOrganization, invite_account),
    crate::typed_json!(ops::LeaveOrganization, leave_organization),
    crate::typed_json!(ops::ListAWSServiceAccessForOrganization, list_service_access),
    crate::typed_json!(ops::ListAccounts, list_accounts),
    crate::typed_json!(ops::ListAccountsForParent, list_accounts_for_parent),
    crate::typed_json!(ops::ListChildren, list_children),
    crate::typed_json!(ops::ListCreateAccountStatus, list_create_account_status),
    crate::typed_json!(ops::ListHandshakesForAccount, list_handshakes_for_account),
    crate::typed_json!(ops::ListHandshakesForOrganization, list_handshakes_for_organization),
    crate::typed_json!(ops::ListOrganizationalUnitsForParent, list_units_for_parent),
    crate::typed_json!(ops::ListParents, list_parents),
    crate::typed_json!(ops::ListRoots, list_roots),
    crate::typed_json!(ops::ListTagsForResource, list_tags_for_resource),
    crate::typed_json!(ops::MoveAccount, move_account),
    crate::typed_json!(ops::RemoveAccountFromOrganization, remove_account),
    crate::typed_json!(ops::TagResource, tag_resource),
    crate::typed_json!(ops::UntagResource, untag_resource),
    crate::typed_json!(ops::UpdateOrganizationalUnit, update_organizational_unit),
];

/// The service's `X-Amz-Target` prefix (botocore's `targetPrefix`).
pub const TARGET_PREFIX: &str = "AWSOrganizationsV20161128";

/// The handler of an `X-Amz-Target: AWSOrganizationsV20161128.<Operation>`.
pub fn handler(target: &str) -> Option<(&'static str, TypedJsonHandler)> {
    let op = target.strip_prefix(TARGET_PREFIX)?.strip_prefix('.')?;
    TYPED.iter().find(|e| e.1 == op).map(|e| (e.1, e.2))
}

fn ts(ms: i64) -> Option<Timestamp> {
    Some(Timestamp(ms))
}

/// Organizations' `MaxResults` (1-20) / `NextToken` over the one paginator.
fn page_by<T>(items: Vec<T>, max: Option<i32>, token: Option<&str>, key: impl Fn(&T) -> String) -> Result<(Vec<T>, Option<String>)> {
    let limits = PageLimits::strict(1, 20).by_default(20);
    let page = xvpc_wire::page::page(items, key, max.map(i64::from), token, &limits).map_err(|e| {
        let msg = match e {
            PageError::Size { .. } => "You provided a value that does not match the required pattern (MaxResults must be between 1 and 20).",
            PageError::Token => "The NextToken value is not valid (INVALID_NEXT_TOKEN).",
        };
        ModelError::Org(OrgFault::InvalidInput, msg.into())
    })?;
    Ok((page.items, page.next))
}

fn tags_in(tags: Vec<shape::Tag>) -> Tags {
    tags.into_iter().map(|t| (t.key, t.value)).collect()
}

fn organization_shape(state: &State, o: &Organization) -> shape::Organization {
    let email = state.org_members.get(&o.owner).map(|m| m.email.clone());
    shape::Organization {
        id: Some(o.id.clone()),
        arn: Some(o.arn()),
        feature_set: Some(shape::OrganizationFeatureSet::from(o.feature_set.as_str())),
        master_account_arn: Some(o.account_arn(&o.owner)),
        master_account_id: Some(o.owner.clone()),
        master_account_email: email,
        // Deprecated by AWS in favour of the root's policy types; AWS
        // answers it empty.
        available_policy_types: Vec::new(),
    }
}

fn root_shape(o: &Organization) -> shape::Root {
    shape::Root {
        id: Some(o.root_id.clone()),
        arn: Some(o.root_arn()),
        name: Some("Root".into()),
        policy_types: o
            .policy_types
            .iter()
            .map(|t| shape::PolicyTypeSummary { type_: Some(shape::PolicyType::from(t.as_str())), status: Some(shape::PolicyTypeStatus::Enabled) })
            .collect(),
    }
}

fn account_shape(state: &State, m: &Member) -> shape::Account {
    let arn = state.organizations.get(&m.organization_id).map(|o| o.account_arn(&m.id));
    shape::Account {
        id: Some(m.id.clone()),
        arn,
        email: Some(m.email.clone()),
        name: Some(m.name.clone()),
        status: Some(shape::AccountStatus::Active),
        state: Some(shape::AccountState::Active),
        joined_method: Some(shape::AccountJoinedMethod::from(m.joined.as_str())),
        joined_timestamp: ts(m.joined_at),
        ..Default::default()
    }
}

fn unit_shape(u: &OrganizationalUnit) -> shape::OrganizationalUnit {
    shape::OrganizationalUnit { id: Some(u.id.clone()), arn: Some(u.arn()), name: Some(u.name.clone()), ..Default::default() }
}

fn status_shape(r: &model::AccountRequest, state: shape::CreateAccountState) -> shape::CreateAccountStatus {
    shape::CreateAccountStatus {
        id: Some(r.id.clone()),
        account_name: Some(r.account_name.clone()),
        completed_timestamp: (state == shape::CreateAccountState::Succeeded).then(|| Timestamp(r.requested_at)),
        state: Some(state),
        requested_timestamp: ts(r.requested_at),
        account_id: Some(r.account_id.clone()),
        ..Default::default()
    }
}

fn handshake_shape(state: &State, now: i64, h: &Handshake) -> shape::Handshake {
    use shape::HandshakeResourceType as R;
    let res = |t: R, v: String| shape::HandshakeResource { type_: Some(t), value: Some(v), resources: Vec::new() };
    let org = state.organizations.get(&h.organization_id);
    let mut org_res = res(R::Organization, h.organization_id.clone());
    org_res.resources = vec![
        res(R::MasterEmail, state.org_members.get(&h.owner).map(|m| m.email.clone()).unwrap_or_default()),
        res(R::MasterName, "master".into()),
        res(R::OrganizationFeatureSet, org.map(|o| o.feature_set.clone()).unwrap_or_else(|| "ALL".into())),
    ];
    let mut resources = vec![org_res, res(R::Account, h.target.clone())];
    if let Some(n) = &h.notes {
        resources.push(res(R::Notes, n.clone()));
    }
    shape::Handshake {
        id: Some(h.id.clone()),
        arn: Some(h.arn()),
        parties: vec![
            shape::HandshakeParty { id: h.organization_id.clone(), type_: shape::HandshakePartyType::Organization },
            shape::HandshakeParty { id: h.target.clone(), type_: shape::HandshakePartyType::Account },
        ],
        state: Some(shape::HandshakeState::from(h.state(now).as_str())),
        requested_timestamp: ts(h.requested_at),
        expiration_timestamp: ts(h.expires_at()),
        action: Some(shape::ActionType::Invite),
        resources,
    }
}

fn create_organization(call: &mut Call, input: shape::CreateOrganizationRequest) -> Result<shape::CreateOrganizationResponse> {
    let fs = input.feature_set.as_ref().map(|f| f.as_str().to_string());
    let (ch, id) = model::create_organization(call.state(), &call.ctx, fs.as_deref())?;
    call.commit(ch)?;
    let state = call.state();
    Ok(shape::CreateOrganizationResponse { organization: Some(organization_shape(state, &state.organizations[&id])) })
}

fn describe_organization(call: &mut Call, _: Empty) -> Result<shape::DescribeOrganizationResponse> {
    let state = call.state();
    let org = model::callers(state, &call.ctx)?;
    Ok(shape::DescribeOrganizationResponse { organization: Some(organization_shape(state, org)) })
}

fn delete_organization(call: &mut Call, _: Empty) -> Result<Empty> {
    let ch = model::delete_organization(call.state(), &call.ctx)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn create_account(call: &mut Call, input: shape::CreateAccountRequest) -> Result<shape::CreateAccountResponse> {
    let create = model::CreateAccount { email: input.email, name: input.account_name, role_name: input.role_name, tags: tags_in(input.tags) };
    let (ch, id) = model::create_account(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    // AWS answers the request IN_PROGRESS; the account is ready at once, so
    // every later DescribeCreateAccountStatus says SUCCEEDED.
    let r = &call.state().account_requests[&id];
    Ok(shape::CreateAccountResponse { create_account_status: Some(status_shape(r, shape::CreateAccountState::InProgress)) })
}

fn describe_create_account_status(
    call: &mut Call,
    input: shape::DescribeCreateAccountStatusRequest,
) -> Result<shape::DescribeCreateAccountStatusResponse> {
    let r = model::account_request(call.state(), &call.ctx, &input.create_account_request_id)?;
    Ok(shape::DescribeCreateAccountStatusResponse { create_account_status: Some(status_shape(r, shape::CreateAccountState::Succeeded)) })
}

fn list_create_account_status(call: &mut Call, input: shape::ListCreateAccountStatusRequest) -> Result<shape::ListCreateAccountStatusResponse> {
    let state = call.state();
    let org = model::managed(state, &call.ctx)?;
    let wanted = |s: &shape::CreateAccountState| input.states.is_empty() || input.states.contains(s);
    let all: Vec<shape::CreateAccountStatus> = state
        .account_requests
        .owned_by(&org.owner, model::REGION)
        .map(|r| status_shape(r, shape::CreateAccountState::Succeeded))
        .filter(|s| s.state.as_ref().is_some_and(wanted))
        .collect();
    let (create_account_statuses, next_token) = page_by(all, input.max_results, input.next_token.as_deref(), |s| s.id.clone().unwrap_or_default())?;
    Ok(shape::ListCreateAccountStatusResponse { create_account_statuses, next_token })
}

fn list_accounts(call: &mut Call, input: shape::ListAccountsRequest) -> Result<shape::ListAccountsResponse> {
    let state = call.state();
    let org = model::managed(state, &call.ctx)?;
    let all: Vec<shape::Account> = model::members(state, org).map(|m| account_shape(state, m)).collect();
    let (accounts, next_token) = page_by(all, input.max_results, input.next_token.as_deref(), |a| a.id.clone().unwrap_or_default())?;
    Ok(shape::ListAccountsResponse { accounts, next_token })
}

fn list_accounts_for_parent(call: &mut Call, input: shape::ListAccountsForParentRequest) -> Result<shape::ListAccountsForParentResponse> {
    let state = call.state();
    let (org, _) = ou::existing_parent(state, &call.ctx, &input.parent_id)?;
    let all: Vec<shape::Account> = ou::accounts_in(state, org, &input.parent_id).map(|m| account_shape(state, m)).collect();
    let (accounts, next_token) = page_by(all, input.max_results, input.next_token.as_deref(), |a| a.id.clone().unwrap_or_default())?;
    Ok(shape::ListAccountsForParentResponse { accounts, next_token })
}

fn describe_account(call: &mut Call, input: shape::DescribeAccountRequest) -> Result<shape::DescribeAccountResponse> {
    let state = call.state();
    let m = model::member(state, &call.ctx, &input.account_id)?;
    Ok(shape::DescribeAccountResponse { account: Some(account_shape(state, m)) })
}

fn remove_account(call: &mut Call, input: shape::RemoveAccountFromOrganizationRequest) -> Result<Empty> {
    let ch = model::remove_account(call.state(), &call.ctx, &input.account_id)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn leave_organization(call: &mut Call, _: Empty) -> Result<Empty> {
    let ch = model::leave(call.state(), &call.ctx)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn list_roots(call: &mut Call, input: shape::ListRootsRequest) -> Result<shape::ListRootsResponse> {
    let org = model::managed(call.state(), &call.ctx)?;
    let (roots, next_token) = page_by(vec![root_shape(org)], input.max_results, input.next_token.as_deref(), |r| r.id.clone().unwrap_or_default())?;
    Ok(shape::ListRootsResponse { roots, next_token })
}

fn create_organizational_unit(
    call: &mut Call,
    input: shape::CreateOrganizationalUnitRequest,
) -> Result<shape::CreateOrganizationalUnitResponse> {
    let (ch, id) = ou::create(call.state(), &call.ctx, &input.parent_id, &input.name, tags_in(input.tags))?;
    call.commit(ch)?;
    Ok(shape::CreateOrganizationalUnitResponse { organizational_unit: Some(unit_shape(&call.state().organizational_units[&id])) })
}

fn describe_organizational_unit(
    call: &mut Call,
    input: shape::DescribeOrganizationalUnitRequest,
) -> Result<shape::DescribeOrganizationalUnitResponse> {
    let u = ou::unit(call.state(), &call.ctx, &input.organizational_unit_id)?;
    Ok(shape::DescribeOrganizationalUnitResponse { organizational_unit: Some(unit_shape(u)) })
}

fn update_organizational_unit(
    call: &mut Call,
    input: shape::UpdateOrganizationalUnitRequest,
) -> Result<shape::UpdateOrganizationalUnitResponse> {
    let id = input.organizational_unit_id;
    let ch = ou::rename(call.state(), &call.ctx, &id, input.name.as_deref())?;
    call.commit(ch)?;
    Ok(shape::UpdateOrganizationalUnitResponse { organizational_unit: Some(unit_shape(ou::unit(call.state(), &call.ctx, &id)?)) })
}

fn delete_organizational_unit(call: &mut Call, input: shape::DeleteOrganizationalUnitRequest) -> Result<Empty> {
    let ch = ou::delete(call.state(), &call.ctx, &input.organizational_unit_id)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn list_units_for_parent(
    call: &mut Call,
    input: shape::ListOrganizationalUnitsForParentRequest,
) -> Result<shape::ListOrganizationalUnitsForParentResponse> {
    let state = call.state();
    let (org, _) = ou::existing_parent(state, &call.ctx, &input.parent_id)?;
    let all: Vec<shape::OrganizationalUnit> = ou::units_in(state, org, &input.parent_id).map(unit_shape).collect();
    let (organizational_units, next_token) = page_by(all, input.max_results, input.next_token.as_deref(), |u| u.id.clone().unwrap_or_default())?;
    Ok(shape::ListOrganizationalUnitsForParentResponse { organizational_units, next_token })
}

fn list_children(call: &mut Call, input: shape::ListChildrenRequest) -> Result<shape::ListChildrenResponse> {
    let state = call.state();
    let (org, _) = ou::existing_parent(state, &call.ctx, &input.parent_id)?;
    let all: Vec<shape::Child> = match input.child_type {
        shape::ChildType::Account => ou::accounts_in(state, org, &input.parent_id)
            .map(|m| shape::Child { id: Some(m.id.clone()), type_: Some(shape::ChildType::Account) })
            .collect(),
        _ => ou::units_in(state, org, &input.parent_id)
            .map(|u| shape::Child { id: Some(u.id.clone()), type_: Some(shape::ChildType::OrganizationalUnit) })
            .collect(),
    };
    let (children, next_token) = page_by(all, input.max_results, input.next_token.as_deref(), |c| c.id.clone().unwrap_or_default())?;
    Ok(shape::ListChildrenResponse { children, next_token })
}

fn list_parents(call: &mut Call, input: shape::ListParentsRequest) -> Result<shape::ListParentsResponse> {
    let state = call.state();
    let id = ou::parent_of(state, &call.ctx, &input.child_id)?;
    let org = model::managed(state, &call.ctx)?;
    let kind = match ou::parent(state, org, &id) {
        Some(Parent::Unit(_)) => shape::ParentType::OrganizationalUnit,
        _ => shape::ParentType::Root,
    };
    let all = vec![shape::Parent { id: Some(id), type_: Some(kind) }];
    let (parents, next_token) = page_by(all, input.max_results, input.next_token.as_deref(), |p| p.id.clone().unwrap_or_default())?;
    Ok(shape::ListParentsResponse { parents, next_token })
}

fn move_account(call: &mut Call, input: shape::MoveAccountRequest) -> Result<Empty> {
    let ch = ou::move_account(call.state(), &call.ctx, &input.account_id, &input.source_parent_id, &input.destination_parent_id)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn enable_service_access(call: &mut Call, input: shape::EnableAWSServiceAccessRequest) -> Result<Empty> {
    let ch = model::service_access(call.state(), &call.ctx, &input.service_principal, true)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn disable_service_access(call: &mut Call, input: shape::DisableAWSServiceAccessRequest) -> Result<Empty> {
    let ch = model::service_access(call.state(), &call.ctx, &input.service_principal, false)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn list_service_access(
    call: &mut Call,
    input: shape::ListAWSServiceAccessForOrganizationRequest,
) -> Result<shape::ListAWSServiceAccessForOrganizationResponse> {
    let org = model::managed(call.state(), &call.ctx)?;
    let all: Vec<shape::EnabledServicePrincipal> = org
        .services
        .iter()
        .map(|s| shape::EnabledServicePrincipal { service_principal: Some(s.principal.clone()), date_enabled: ts(s.enabled_at) })
        .collect();
    let (enabled_service_principals, next_token) =
        page_by(all, input.max_results, input.next_token.as_deref(), |p| p.service_principal.clone().unwrap_or_default())?;
    Ok(shape::ListAWSServiceAccessForOrganizationResponse { enabled_service_principals, next_token })
}

fn policy_type(call: &mut Call, root_id: &str, kind: &shape::PolicyType, on: bool) -> Result<Option<shape::Root>> {
    let ch = model::policy_type(call.state(), &call.ctx, root_id, kind.as_str(), on)?;
    call.commit(ch)?;
    Ok(Some(root_shape(model::managed(call.state(), &call.ctx)?)))
}

fn enable_policy_type(call: &mut Call, input: shape::EnablePolicyTypeRequest) -> Result<shape::EnablePolicyTypeResponse> {
    Ok(shape::EnablePolicyTypeResponse { root: policy_type(call, &input.root_id, &input.policy_type, true)? })
}

fn disable_policy_type(call: &mut Call, input: shape::DisablePolicyTypeRequest) -> Result<shape::DisablePolicyTypeResponse> {
    Ok(shape::DisablePolicyTypeResponse { root: policy_type(call, &input.root_id, &input.policy_type, false)? })
}

fn invite_account(call: &mut Call, input: shape::InviteAccountToOrganizationRequest) -> Result<shape::InviteAccountToOrganizationResponse> {
    if input.target.type_ != shape::HandshakePartyType::Account {
        // Email addresses name no account xvpc knows.
        return Err(ModelError::Org(OrgFault::InvalidInput, "You provided a target that xvpc cannot resolve (INVALID_PARTY_TYPE_TARGET): invite an account by its id.".into()).into());
    }
    let (ch, id) = handshake::invite(call.state(), &call.ctx, &input.target.id, input.notes)?;
    call.commit(ch)?;
    let state = call.state();
    Ok(shape::InviteAccountToOrganizationResponse { handshake: Some(handshake_shape(state, call.ctx.now, &state.handshakes[&id])) })
}

fn answer(call: &mut Call, id: &str, a: Answer) -> Result<Option<shape::Handshake>> {
    let (ch, h) = handshake::answer(call.state(), &call.ctx, id, a)?;
    call.commit(ch)?;
    Ok(Some(handshake_shape(call.state(), call.ctx.now, &h)))
}

fn accept_handshake(call: &mut Call, input: shape::AcceptHandshakeRequest) -> Result<shape::AcceptHandshakeResponse> {
    Ok(shape::AcceptHandshakeResponse { handshake: answer(call, &input.handshake_id, Answer::Accept)? })
}

fn decline_handshake(call: &mut Call, input: shape::DeclineHandshakeRequest) -> Result<shape::DeclineHandshakeResponse> {
    Ok(shape::DeclineHandshakeResponse { handshake: answer(call, &input.handshake_id, Answer::Decline)? })
}

fn cancel_handshake(call: &mut Call, input: shape::CancelHandshakeRequest) -> Result<shape::CancelHandshakeResponse> {
    Ok(shape::CancelHandshakeResponse { handshake: answer(call, &input.handshake_id, Answer::Cancel)? })
}

fn describe_handshake(call: &mut Call, input: shape::DescribeHandshakeRequest) -> Result<shape::DescribeHandshakeResponse> {
    let state = call.state();
    let h = handshake::visible(state, &call.ctx, &input.handshake_id)?;
    Ok(shape::DescribeHandshakeResponse { handshake: Some(handshake_shape(state, call.ctx.now, h)) })
}

fn handshake_page(call: &Call, list: Vec<&Handshake>, max: Option<i32>, token: Option<&str>) -> Result<(Vec<shape::Handshake>, Option<String>)> {
    let all = list.into_iter().map(|h| handshake_shape(call.state(), call.ctx.now, h)).collect();
    page_by(all, max, token, |h: &shape::Handshake| h.id.clone().unwrap_or_default())
}

fn list_handshakes_for_account(call: &mut Call, input: shape::ListHandshakesForAccountRequest) -> Result<shape::ListHandshakesForAccountResponse> {
    let list = handshake::for_account(call.state(), &call.ctx);
    let (handshakes, next_token) = handshake_page(call, list, input.max_results, input.next_token.as_deref())?;
    Ok(shape::ListHandshakesForAccountResponse { handshakes, next_token })
}

fn list_handshakes_for_organization(
    call: &mut Call,
    input: shape::ListHandshakesForOrganizationRequest,
) -> Result<shape::ListHandshakesForOrganizationResponse> {
    let list = handshake::for_organization(call.state(), &call.ctx)?;
    let (handshakes, next_token) = handshake_page(call, list, input.max_results, input.next_token.as_deref())?;
    Ok(shape::ListHandshakesForOrganizationResponse { handshakes, next_token })
}

fn tag_list(t: Tags) -> Vec<shape::Tag> {
    t.into_iter().map(|(key, value)| shape::Tag { key, value }).collect()
}

fn list_tags_for_resource(call: &mut Call, input: shape::ListTagsForResourceRequest) -> Result<shape::ListTagsForResourceResponse> {
    let tags = ou::tags_of(call.state(), &call.ctx, &input.resource_id)?;
    Ok(shape::ListTagsForResourceResponse { tags: tag_list(tags), next_token: None })
}

fn tag_resource(call: &mut Call, input: shape::TagResourceRequest) -> Result<Empty> {
    let ch = ou::edit_tags(call.state(), &call.ctx, &input.resource_id, &tags_in(input.tags), &[])?;
    call.commit(ch)?;
    Ok(Empty)
}

fn untag_resource(call: &mut Call, input: shape::UntagResourceRequest) -> Result<Empty> {
    let ch = ou::edit_tags(call.state(), &call.ctx, &input.resource_id, &Tags::new(), &input.tag_keys)?;
    call.commit(ch)?;
    Ok(Empty)
}
