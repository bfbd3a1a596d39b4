//! IAM roles and managed policies, stored, never enforced: the minimum
//! that flow logs (`DeliverLogsPermissionArn`) and Terraform's
//! `aws_iam_role`, `aws_iam_policy` and `aws_iam_role_policy_attachment`
//! call. xvpc authorizes no API call by policy; only STS AssumeRole reads a
//! role's trust policy (`iam_trust`).
//!
//! AWS's rules (IAM API reference): IAM is global (one set per account,
//! whatever the region); role and policy names are unique per account
//! (case-insensitively) whatever their path; a policy document must be JSON;
//! a role with attached policies cannot be deleted (`DeleteConflict`), nor
//! a policy still attached; `NoSuchEntity` for an unknown name or ARN.

use serde::{Deserialize, Serialize};

use crate::error::{IamFault, ModelError, Result};
use crate::state::{Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// The region IAM rows are kept under: IAM is global.
pub const GLOBAL: &str = "aws-global";

/// An IAM role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// The row key: `arn:aws:iam::<account>:role/<lower-case name>` (names
    /// are unique per account case-insensitively, paths aside).
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    pub path: String,
    /// `AROA...`.
    pub role_id: String,
    pub assume_role_policy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub max_session_duration: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<String>,
    pub created_ms: i64,
    /// Attached managed policies' ARNs, in attachment order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attached: Vec<String>,
    /// Inline policies (PutRolePolicy): name -> document.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub inline: std::collections::BTreeMap<String, String>,
    pub tags: Tags,
}
crate::impl_owned!(Role);

impl Role {
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::{}:role{}{}", self.owner, self.path, self.name)
    }
}

/// A customer managed policy (one version, `v1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// The row key: `arn:aws:iam::<account>:policy<path><name>`, its ARN.
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    pub path: String,
    /// `ANPA...`.
    pub policy_id: String,
    pub document: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub created_ms: i64,
    pub tags: Tags,
}
crate::impl_owned!(Policy);

/// The one version a policy has.
pub const VERSION: &str = "v1";

fn no_such(what: &str, name: &str) -> ModelError {
    ModelError::Iam(IamFault::NoSuchEntity, format!("The {what} with name {name} cannot be found."))
}

fn role_key(account: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role/{}", name.to_lowercase())
}

/// A path as IAM takes it: `/` or `/a/b/`.
fn path(p: Option<String>) -> Result<String> {
    let p = p.unwrap_or_else(|| "/".into());
    if !p.starts_with('/') || !p.ends_with('/') {
        return Err(ModelError::ValidationError(format!("The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters: {p}")));
    }
    Ok(p)
}

/// A policy document must be a JSON object (AWS checks its grammar too).
fn document(doc: &str) -> Result<String> {
    match serde_json::from_str::<serde_json::Value>(doc) {
        Ok(serde_json::Value::Object(_)) => Ok(doc.to_string()),
        _ => Err(ModelError::Iam(IamFault::MalformedPolicyDocument, "This policy contains invalid Json".into())),
    }
}

/// IAM identifiers: a prefix and 17 upper-case letters and digits.
fn unique_id(prefix: &str) -> String {
    let hex = crate::ids::random_hex(17).to_uppercase();
    format!("{prefix}{hex}")
}

/// CreateRole's input.
#[derive(Debug, Clone, Default)]
pub struct CreateRole {
    pub name: String,
    pub path: Option<String>,
    pub assume_role_policy: String,
    pub description: Option<String>,
    pub max_session_duration: Option<i32>,
    pub permissions_boundary: Option<String>,
    pub tags: Tags,
}

/// CreateRole.
pub fn create_role(state: &State, ctx: &Ctx, input: CreateRole) -> Result<(Changes, String)> {
    let id = role_key(&ctx.account, &input.name);
    if state.iam_roles.contains_key(&id) {
        return Err(ModelError::Iam(IamFault::EntityAlreadyExists, format!("Role with name {} already exists.", input.name)));
    }
    let max = input.max_session_duration.unwrap_or(3600);
    if !(3600..=43200).contains(&max) {
        return Err(ModelError::ValidationError(format!("1 validation error detected: Value '{max}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value less than or equal to 43200")));
    }
    let role = Role {
        id: id.clone(),
        owner: ctx.account.clone(),
        region: GLOBAL.into(),
        name: input.name,
        path: path(input.path)?,
        role_id: unique_id("AROA"),
        assume_role_policy: document(&input.assume_role_policy)?,
        description: input.description,
        max_session_duration: max,
        permissions_boundary: input.permissions_boundary,
        created_ms: ctx.now,
        attached: Vec::new(),
        inline: Default::default(),
        tags: input.tags,
    };
    let mut ch = Changes::new();
    ch.put(role);
    Ok((ch, id))
}

/// The caller's role called `name`, or `NoSuchEntity`.
pub fn role<'a>(state: &'a State, ctx: &Ctx, name: &str) -> Result<&'a Role> {
    state.iam_roles.get(&role_key(&ctx.account, name)).ok_or_else(|| no_such("role", name))
}

/// DeleteRole: only without attached policies.
pub fn delete_role(state: &State, ctx: &Ctx, name: &str) -> Result<Changes> {
    let r = role(state, ctx, name)?;
    if !r.attached.is_empty() {
        return Err(ModelError::Iam(IamFault::DeleteConflict, "Cannot delete entity, must detach all policies first.".into()));
    }
    if !r.inline.is_empty() {
        return Err(ModelError::Iam(IamFault::DeleteConflict, "Cannot delete entity, must delete policies first.".into()));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::IamRole, &r.id);
    Ok(ch)
}

/// The caller's roles whose path starts with `prefix`, by name.
pub fn roles<'a>(state: &'a State, ctx: &Ctx, prefix: &str) -> Vec<&'a Role> {
    let mut v: Vec<&Role> = state.iam_roles.values().filter(|r| r.owner == ctx.account && r.path.starts_with(prefix)).collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

/// PutRolePolicy: adds or replaces an inline policy.
pub fn put_role_policy(state: &State, ctx: &Ctx, role_name: &str, policy_name: &str, doc: &str) -> Result<Changes> {
    let mut r = role(state, ctx, role_name)?.clone();
    r.inline.insert(policy_name.to_string(), document(doc)?);
    let mut ch = Changes::new();
    ch.put(r);
    Ok(ch)
}

/// An inline policy's document, or `NoSuchEntity` as AWS words it.
pub fn role_policy<'a>(state: &'a State, ctx: &Ctx, role_name: &str, policy_name: &str) -> Result<&'a str> {
    let r = role(state, ctx, role_name)?;
    r.inline
        .get(policy_name)
        .map(String::as_str)
        .ok_or_else(|| ModelError::Iam(IamFault::NoSuchEntity, format!("The role policy with name {policy_name} cannot be found.")))
}

/// DeleteRolePolicy.
pub fn delete_role_policy(state: &State, ctx: &Ctx, role_name: &str, policy_name: &str) -> Result<Changes> {
    role_policy(state, ctx, role_name, policy_name)?;
    let mut r = role(state, ctx, role_name)?.clone();
    r.inline.remove(policy_name);
    let mut ch = Changes::new();
    ch.put(r);
    Ok(ch)
}

/// DeleteServiceLinkedRole: a role under `/aws-service-role/` goes at once
/// with its attachments (AWS runs a deletion task; xvpc's has always
/// succeeded). Returns the task id AWS's form:
/// `task/aws-service-role/<service principal>/<role name>/<uuid>`.
pub fn delete_service_linked_role(state: &State, ctx: &Ctx, name: &str) -> Result<(Changes, String)> {
    let r = role(state, ctx, name)?;
    let Some(service) = r.path.strip_prefix("/aws-service-role/").map(|p| p.trim_end_matches('/')) else {
        return Err(ModelError::ValidationError(format!("The role {name} is not a service-linked role.")));
    };
    let h = crate::ids::random_hex(32);
    let task = format!("task/aws-service-role/{service}/{}/{}-{}-{}-{}-{}", r.name, &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]);
    let mut ch = Changes::new();
    ch.delete(ResourceKind::IamRole, &r.id);
    Ok((ch, task))
}

/// CreatePolicy's input.
#[derive(Debug, Clone, Default)]
pub struct CreatePolicy {
    pub name: String,
    pub path: Option<String>,
    pub document: String,
    pub description: Option<String>,
    pub tags: Tags,
}

/// CreatePolicy.
pub fn create_policy(state: &State, ctx: &Ctx, input: CreatePolicy) -> Result<(Changes, String)> {
    let lower = input.name.to_lowercase();
    if state.iam_policies.values().any(|p| p.owner == ctx.account && p.name.to_lowercase() == lower) {
        return Err(ModelError::Iam(IamFault::EntityAlreadyExists, format!("A policy called {} already exists. Duplicate names are not allowed.", input.name)));
    }
    let path = path(input.path)?;
    let id = format!("arn:aws:iam::{}:policy{path}{}", ctx.account, input.name);
    let p = Policy {
        id: id.clone(),
        owner: ctx.account.clone(),
        region: GLOBAL.into(),
        name: input.name,
        path,
        policy_id: unique_id("ANPA"),
        document: document(&input.document)?,
        description: input.description,
        created_ms: ctx.now,
        tags: input.tags,
    };
    let mut ch = Changes::new();
    ch.put(p);
    Ok((ch, id))
}

/// The caller's policy at `arn`, or `NoSuchEntity`.
pub fn policy<'a>(state: &'a State, ctx: &Ctx, arn: &str) -> Result<&'a Policy> {
    state
        .iam_policies
        .get(arn)
        .filter(|p| p.owner == ctx.account)
        .ok_or_else(|| ModelError::Iam(IamFault::NoSuchEntity, format!("Policy {arn} does not exist or is not attachable.")))
}

/// How many roles have the policy attached.
pub fn attachment_count(state: &State, arn: &str) -> usize {
    state.iam_roles.values().filter(|r| r.attached.iter().any(|a| a == arn)).count()
}

/// DeletePolicy: only once detached everywhere.
pub fn delete_policy(state: &State, ctx: &Ctx, arn: &str) -> Result<Changes> {
    let p = policy(state, ctx, arn)?;
    if attachment_count(state, arn) > 0 {
        return Err(ModelError::Iam(IamFault::DeleteConflict, "Cannot delete a policy attached to entities.".into()));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::IamPolicy, &p.id);
    Ok(ch)
}

/// Whether `arn` names an AWS managed policy (`arn:aws:iam::aws:policy/...`),
/// which xvpc does not list but lets roles attach.
fn aws_managed(arn: &str) -> bool {
    arn.starts_with("arn:aws:iam::aws:policy/")
}

/// AttachRolePolicy (attaching twice changes nothing, as in AWS).
pub fn attach(state: &State, ctx: &Ctx, role_name: &str, arn: &str) -> Result<Changes> {
    let mut r = role(state, ctx, role_name)?.clone();
    if !aws_managed(arn) {
        policy(state, ctx, arn)?;
    }
    let mut ch = Changes::new();
    if !r.attached.iter().any(|a| a == arn) {
        r.attached.push(arn.to_string());
        ch.put(r);
    }
    Ok(ch)
}

/// DetachRolePolicy.
pub fn detach(state: &State, ctx: &Ctx, role_name: &str, arn: &str) -> Result<Changes> {
    let mut r = role(state, ctx, role_name)?.clone();
    let before = r.attached.len();
    r.attached.retain(|a| a != arn);
    if r.attached.len() == before {
        return Err(ModelError::Iam(IamFault::NoSuchEntity, format!("Policy {arn} was not found.")));
    }
    let mut ch = Changes::new();
    ch.put(r);
    Ok(ch)
}

/// TagRole/UntagRole/TagPolicy/UntagPolicy: `f` edits the tags.
pub fn edit_role_tags(state: &State, ctx: &Ctx, name: &str, f: impl Fn(&mut Tags)) -> Result<Changes> {
    let mut r = role(state, ctx, name)?.clone();
    f(&mut r.tags);
    let mut ch = Changes::new();
    ch.put(r);
    Ok(ch)
}

/// See [`edit_role_tags`].
pub fn edit_policy_tags(state: &State, ctx: &Ctx, arn: &str, f: impl Fn(&mut Tags)) -> Result<Changes> {
    let mut p = policy(state, ctx, arn)?.clone();
    f(&mut p.tags);
    let mut ch = Changes::new();
    ch.put(p);
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

    #[test]
    fn roles_and_policies_attach_and_refuse_what_aws_refuses() {
        let ctx = Ctx::new("111111111111", "us-east-1", 5);
        let mut s = State::default();
        let role_in = CreateRole { name: "Flow".into(), assume_role_policy: TRUST.into(), ..Default::default() };
        let (ch, _) = create_role(&s, &ctx, role_in.clone()).unwrap();
        s.apply_all(ch);
        let r = role(&s, &ctx, "flow").unwrap();
        assert_eq!(r.arn(), "arn:aws:iam::111111111111:role/Flow");
        assert!(r.role_id.starts_with("AROA") && r.role_id.len() == 21);
        let dup = CreateRole { name: "FLOW".into(), ..role_in.clone() };
        assert!(matches!(create_role(&s, &ctx, dup), Err(ModelError::Iam(IamFault::EntityAlreadyExists, _))));
        let bad = CreateRole { name: "x".into(), assume_role_policy: "{not json".into(), ..Default::default() };
        assert!(matches!(create_role(&s, &ctx, bad), Err(ModelError::Iam(IamFault::MalformedPolicyDocument, _))));
        // Another account has its own names.
        let b = Ctx::new("222222222222", "us-west-2", 5);
        assert!(matches!(role(&s, &b, "Flow"), Err(ModelError::Iam(IamFault::NoSuchEntity, _))));
        // A policy, attached: neither may go until detached.
        let (ch, arn) = create_policy(&s, &ctx, CreatePolicy { name: "push".into(), path: Some("/fl/".into()), document: TRUST.into(), ..Default::default() }).unwrap();
        s.apply_all(ch);
        assert_eq!(arn, "arn:aws:iam::111111111111:policy/fl/push");
        s.apply_all(attach(&s, &ctx, "Flow", &arn).unwrap());
        assert!(attach(&s, &ctx, "Flow", &arn).unwrap().is_empty());
        s.apply_all(attach(&s, &ctx, "Flow", "arn:aws:iam::aws:policy/ReadOnlyAccess").unwrap());
        assert_eq!(attachment_count(&s, &arn), 1);
        assert!(matches!(delete_role(&s, &ctx, "Flow"), Err(ModelError::Iam(IamFault::DeleteConflict, _))));
        assert!(matches!(delete_policy(&s, &ctx, &arn), Err(ModelError::Iam(IamFault::DeleteConflict, _))));
        s.apply_all(detach(&s, &ctx, "Flow", &arn).unwrap());
        s.apply_all(detach(&s, &ctx, "Flow", "arn:aws:iam::aws:policy/ReadOnlyAccess").unwrap());
        assert!(matches!(detach(&s, &ctx, "Flow", &arn), Err(ModelError::Iam(IamFault::NoSuchEntity, _))));
        s.apply_all(delete_policy(&s, &ctx, &arn).unwrap());
        s.apply_all(delete_role(&s, &ctx, "Flow").unwrap());
        assert!(s.iam_roles.is_empty() && s.iam_policies.is_empty());
    }
}
