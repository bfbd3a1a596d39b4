//! IAM (awsQuery, 2010-05-08, global): roles, customer managed policies and
//! their attachments, stored with AWS's shapes and errors and never
//! enforced (`xvpc_model::iam`). Typed handlers over `shapes::iam`.

use std::sync::OnceLock;

use xvpc_model::iam::{self as model, CreatePolicy, CreateRole, Policy, Role};
use xvpc_model::tags::Tags;
use xvpc_model::Ctx;
use xvpc_wire::shapes::iam::{self as shape, ops};
use xvpc_wire::shape::Empty;
use xvpc_wire::Timestamp;

use crate::call::{ActionTable, Call, QueryHandler};
use crate::errors::Result;

const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::AttachRolePolicy, attach_role_policy),
    crate::typed!(ops::CreatePolicy, create_policy),
    crate::typed!(ops::CreateRole, create_role),
    crate::typed!(ops::DeletePolicy, delete_policy),
    crate::typed!(ops::DeleteRole, delete_role),
    crate::typed!(ops::DeleteRolePolicy, delete_role_policy),
    crate::typed!(ops::DeleteServiceLinkedRole, delete_service_linked_role),
    crate::typed!(ops::DetachRolePolicy, detach_role_policy),
    crate::typed!(ops::GetPolicy, get_policy),
    crate::typed!(ops::GetPolicyVersion, get_policy_version),
    crate::typed!(ops::GetRole, get_role),
    crate::typed!(ops::GetRolePolicy, get_role_policy),
    crate::typed!(ops::GetServiceLinkedRoleDeletionStatus, get_service_linked_role_deletion_status),
    crate::typed!(ops::ListAttachedRolePolicies, list_attached_role_policies),
    crate::typed!(ops::ListInstanceProfilesForRole, list_instance_profiles_for_role),
    crate::typed!(ops::ListPolicyTags, list_policy_tags),
    crate::typed!(ops::ListPolicyVersions, list_policy_versions),
    crate::typed!(ops::ListRolePolicies, list_role_policies),
    crate::typed!(ops::ListRoleTags, list_role_tags),
    crate::typed!(ops::ListRoles, list_roles),
    crate::typed!(ops::PutRolePolicy, put_role_policy),
    crate::typed!(ops::TagPolicy, tag_policy),
    crate::typed!(ops::TagRole, tag_role),
    crate::typed!(ops::UntagPolicy, untag_policy),
    crate::typed!(ops::UntagRole, untag_role),
];

/// Every IAM action.
pub fn actions() -> &'static ActionTable {
    static TABLE: OnceLock<ActionTable> = OnceLock::new();
    TABLE.get_or_init(|| ActionTable::new(&[TYPED]))
}

/// IAM is global: every call sees the account's one set, whatever region
/// signed it.
fn global(call: &Call) -> Ctx {
    Ctx { region: model::GLOBAL.into(), ..call.ctx.clone() }
}

fn tags_in(tags: &[shape::Tag]) -> Tags {
    tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect()
}

fn tags_out(tags: &Tags) -> Vec<shape::Tag> {
    tags.iter().map(|(k, v)| shape::Tag { key: k.clone(), value: v.clone() }).collect()
}

/// IAM returns policy documents URL-encoded (RFC 3986), as SDKs expect.
fn url_encoded(doc: &str) -> String {
    doc.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn role_shape(r: &Role) -> shape::Role {
    shape::Role {
        arn: r.arn(),
        assume_role_policy_document: Some(url_encoded(&r.assume_role_policy)),
        create_date: Timestamp(r.created_ms),
        description: r.description.clone(),
        max_session_duration: Some(r.max_session_duration),
        path: r.path.clone(),
        permissions_boundary: r.permissions_boundary.as_ref().map(|b| shape::AttachedPermissionsBoundary {
            permissions_boundary_arn: Some(b.clone()),
            permissions_boundary_type: Some(shape::PermissionsBoundaryAttachmentType::from("PermissionsBoundaryPolicy")),
        }),
        role_id: r.role_id.clone(),
        role_last_used: Some(shape::RoleLastUsed::default()),
        role_name: r.name.clone(),
        tags: tags_out(&r.tags),
    }
}

fn policy_shape(call: &Call, p: &Policy) -> shape::Policy {
    shape::Policy {
        arn: Some(p.id.clone()),
        attachment_count: Some(model::attachment_count(call.state(), &p.id) as i32),
        create_date: Some(Timestamp(p.created_ms)),
        default_version_id: Some(model::VERSION.into()),
        description: p.description.clone(),
        is_attachable: Some(true),
        path: Some(p.path.clone()),
        permissions_boundary_usage_count: Some(0),
        policy_id: Some(p.policy_id.clone()),
        policy_name: Some(p.name.clone()),
        tags: tags_out(&p.tags),
        update_date: Some(Timestamp(p.created_ms)),
    }
}

pub(crate) fn create_role(call: &mut Call, input: shape::CreateRoleRequest) -> Result<shape::CreateRoleResponse> {
    let ctx = global(call);
    let create = CreateRole {
        name: input.role_name,
        path: input.path,
        assume_role_policy: input.assume_role_policy_document,
        description: input.description,
        max_session_duration: input.max_session_duration,
        permissions_boundary: input.permissions_boundary,
        tags: tags_in(&input.tags),
    };
    let (ch, id) = model::create_role(call.state(), &ctx, create)?;
    call.commit(ch)?;
    Ok(shape::CreateRoleResponse { role: role_shape(&call.state().iam_roles[&id]) })
}

fn get_role(call: &mut Call, input: shape::GetRoleRequest) -> Result<shape::GetRoleResponse> {
    Ok(shape::GetRoleResponse { role: role_shape(model::role(call.state(), &global(call), &input.role_name)?) })
}

pub(crate) fn delete_role(call: &mut Call, input: shape::DeleteRoleRequest) -> Result<Empty> {
    let ch = model::delete_role(call.state(), &global(call), &input.role_name)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn delete_service_linked_role(call: &mut Call, input: shape::DeleteServiceLinkedRoleRequest) -> Result<shape::DeleteServiceLinkedRoleResponse> {
    let (ch, deletion_task_id) = model::delete_service_linked_role(call.state(), &global(call), &input.role_name)?;
    call.commit(ch)?;
    Ok(shape::DeleteServiceLinkedRoleResponse { deletion_task_id })
}

/// Deletion tasks finish at once: a task id of AWS's form is `SUCCEEDED`.
fn get_service_linked_role_deletion_status(
    _call: &mut Call,
    input: shape::GetServiceLinkedRoleDeletionStatusRequest,
) -> Result<shape::GetServiceLinkedRoleDeletionStatusResponse> {
    if !input.deletion_task_id.starts_with("task/aws-service-role/") {
        return Err(xvpc_model::ModelError::ValidationError(format!("Invalid deletion task id {}", input.deletion_task_id)).into());
    }
    Ok(shape::GetServiceLinkedRoleDeletionStatusResponse { status: shape::DeletionTaskStatusType::Succeeded, reason: None })
}

fn list_role_policies(call: &mut Call, input: shape::ListRolePoliciesRequest) -> Result<shape::ListRolePoliciesResponse> {
    let r = model::role(call.state(), &global(call), &input.role_name)?;
    Ok(shape::ListRolePoliciesResponse { policy_names: r.inline.keys().cloned().collect(), is_truncated: Some(false), marker: None })
}

pub(crate) fn put_role_policy(call: &mut Call, input: shape::PutRolePolicyRequest) -> Result<Empty> {
    let ch = model::put_role_policy(call.state(), &global(call), &input.role_name, &input.policy_name, &input.policy_document)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn get_role_policy(call: &mut Call, input: shape::GetRolePolicyRequest) -> Result<shape::GetRolePolicyResponse> {
    let doc = model::role_policy(call.state(), &global(call), &input.role_name, &input.policy_name)?;
    Ok(shape::GetRolePolicyResponse { policy_document: url_encoded(doc), role_name: input.role_name, policy_name: input.policy_name })
}

pub(crate) fn delete_role_policy(call: &mut Call, input: shape::DeleteRolePolicyRequest) -> Result<Empty> {
    let ch = model::delete_role_policy(call.state(), &global(call), &input.role_name, &input.policy_name)?;
    call.commit(ch)?;
    Ok(Empty)
}

/// ListRoles: the account's roles by name, in pages of `MaxItems` (default
/// 100, AWS's) continued by `Marker` (the last name returned).
fn list_roles(call: &mut Call, input: shape::ListRolesRequest) -> Result<shape::ListRolesResponse> {
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let max = input.max_items.unwrap_or(100).clamp(1, 1000) as usize;
    let all = model::roles(call.state(), &global(call), &prefix);
    let start = input.marker.as_deref().map_or(0, |m| all.iter().position(|r| r.name.as_str() > m).unwrap_or(all.len()));
    let page: Vec<_> = all[start..].iter().take(max).collect();
    let truncated = start + page.len() < all.len();
    Ok(shape::ListRolesResponse {
        marker: if truncated { page.last().map(|r| r.name.clone()) } else { None },
        roles: page.into_iter().map(|r| role_shape(r)).collect(),
        is_truncated: Some(truncated),
    })
}

/// Instance profiles are not emulated: a role is in none.
fn list_instance_profiles_for_role(call: &mut Call, input: shape::ListInstanceProfilesForRoleRequest) -> Result<shape::ListInstanceProfilesForRoleResponse> {
    model::role(call.state(), &global(call), &input.role_name)?;
    Ok(shape::ListInstanceProfilesForRoleResponse { instance_profiles: vec![], is_truncated: Some(false), marker: None })
}

fn list_attached_role_policies(call: &mut Call, input: shape::ListAttachedRolePoliciesRequest) -> Result<shape::ListAttachedRolePoliciesResponse> {
    let r = model::role(call.state(), &global(call), &input.role_name)?;
    let prefix = input.path_prefix.unwrap_or_else(|| "/".into());
    let attached = r
        .attached
        .iter()
        .filter(|arn| call.state().iam_policies.get(*arn).is_none_or(|p| p.path.starts_with(&prefix)))
        .map(|arn| shape::AttachedPolicy { policy_arn: Some(arn.clone()), policy_name: arn.rsplit('/').next().map(str::to_string) })
        .collect();
    Ok(shape::ListAttachedRolePoliciesResponse { attached_policies: attached, is_truncated: Some(false), marker: None })
}

pub(crate) fn attach_role_policy(call: &mut Call, input: shape::AttachRolePolicyRequest) -> Result<Empty> {
    let ch = model::attach(call.state(), &global(call), &input.role_name, &input.policy_arn)?;
    call.commit(ch)?;
    Ok(Empty)
}

pub(crate) fn detach_role_policy(call: &mut Call, input: shape::DetachRolePolicyRequest) -> Result<Empty> {
    let ch = model::detach(call.state(), &global(call), &input.role_name, &input.policy_arn)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn create_policy(call: &mut Call, input: shape::CreatePolicyRequest) -> Result<shape::CreatePolicyResponse> {
    let ctx = global(call);
    let create = CreatePolicy { name: input.policy_name, path: input.path, document: input.policy_document, description: input.description, tags: tags_in(&input.tags) };
    let (ch, arn) = model::create_policy(call.state(), &ctx, create)?;
    call.commit(ch)?;
    Ok(shape::CreatePolicyResponse { policy: Some(policy_shape(call, &call.state().iam_policies[&arn])) })
}

fn get_policy(call: &mut Call, input: shape::GetPolicyRequest) -> Result<shape::GetPolicyResponse> {
    let p = model::policy(call.state(), &global(call), &input.policy_arn)?;
    Ok(shape::GetPolicyResponse { policy: Some(policy_shape(call, p)) })
}

fn version_shape(p: &Policy, with_document: bool) -> shape::PolicyVersion {
    shape::PolicyVersion {
        create_date: Some(Timestamp(p.created_ms)),
        document: with_document.then(|| url_encoded(&p.document)),
        is_default_version: Some(true),
        version_id: Some(model::VERSION.into()),
    }
}

fn get_policy_version(call: &mut Call, input: shape::GetPolicyVersionRequest) -> Result<shape::GetPolicyVersionResponse> {
    let p = model::policy(call.state(), &global(call), &input.policy_arn)?;
    if input.version_id != model::VERSION {
        return Err(xvpc_model::ModelError::Iam(xvpc_model::error::IamFault::NoSuchEntity, format!("Policy {} version {} does not exist or is not attachable.", p.id, input.version_id)).into());
    }
    Ok(shape::GetPolicyVersionResponse { policy_version: Some(version_shape(p, true)) })
}

fn list_policy_versions(call: &mut Call, input: shape::ListPolicyVersionsRequest) -> Result<shape::ListPolicyVersionsResponse> {
    let p = model::policy(call.state(), &global(call), &input.policy_arn)?;
    Ok(shape::ListPolicyVersionsResponse { versions: vec![version_shape(p, false)], is_truncated: Some(false), marker: None })
}

fn delete_policy(call: &mut Call, input: shape::DeletePolicyRequest) -> Result<Empty> {
    let ch = model::delete_policy(call.state(), &global(call), &input.policy_arn)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn list_role_tags(call: &mut Call, input: shape::ListRoleTagsRequest) -> Result<shape::ListRoleTagsResponse> {
    let r = model::role(call.state(), &global(call), &input.role_name)?;
    Ok(shape::ListRoleTagsResponse { tags: tags_out(&r.tags), is_truncated: Some(false), marker: None })
}

fn list_policy_tags(call: &mut Call, input: shape::ListPolicyTagsRequest) -> Result<shape::ListPolicyTagsResponse> {
    let p = model::policy(call.state(), &global(call), &input.policy_arn)?;
    Ok(shape::ListPolicyTagsResponse { tags: tags_out(&p.tags), is_truncated: Some(false), marker: None })
}

fn tag_role(call: &mut Call, input: shape::TagRoleRequest) -> Result<Empty> {
    let add = tags_in(&input.tags);
    let ch = model::edit_role_tags(call.state(), &global(call), &input.role_name, |t| t.extend(add.clone()))?;
    call.commit(ch)?;
    Ok(Empty)
}

fn untag_role(call: &mut Call, input: shape::UntagRoleRequest) -> Result<Empty> {
    let ch = model::edit_role_tags(call.state(), &global(call), &input.role_name, |t| input.tag_keys.iter().for_each(|k| drop(t.remove(k))))?;
    call.commit(ch)?;
    Ok(Empty)
}

fn tag_policy(call: &mut Call, input: shape::TagPolicyRequest) -> Result<Empty> {
    let add = tags_in(&input.tags);
    let ch = model::edit_policy_tags(call.state(), &global(call), &input.policy_arn, |t| t.extend(add.clone()))?;
    call.commit(ch)?;
    Ok(Empty)
}

fn untag_policy(call: &mut Call, input: shape::UntagPolicyRequest) -> Result<Empty> {
    let ch = model::edit_policy_tags(call.state(), &global(call), &input.policy_arn, |t| input.tag_keys.iter().for_each(|k| drop(t.remove(k))))?;
    call.commit(ch)?;
    Ok(Empty)
}
