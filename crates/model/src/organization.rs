//! AWS Organizations: an organization, its root, the accounts in it and the
//! AWS services trusted with it.
//!
//! AWS's rules (Organizations API reference and User Guide):
//! - Organizations is global: one set of rows whatever the Region asked
//!   ([`REGION`], the Region of its endpoint).
//! - An account is in at most one organization (`AlreadyInOrganization`);
//!   the account that creates it is its management account, and only the
//!   management account may read the structure or change it
//!   (`AccessDeniedException` for a member, `AWSOrganizationsNotInUse` for
//!   an account in none). Members may describe the organization and leave.
//! - One root (`r-xxxx`); accounts and OUs (`organizational_unit.rs`) have
//!   exactly one parent. Ids and ARNs as AWS writes them:
//!   `o-` + 10, `arn:aws:organizations::<management>:organization/o-…`.
//! - CreateAccount makes a new 12-digit account in the root with the
//!   `OrganizationAccountAccessRole` (AdministratorAccess, trusting the
//!   management account) that AWS creates in it; its request status is
//!   `IN_PROGRESS` in CreateAccount's answer and `SUCCEEDED` from then on
//!   (the account exists at once).
//! - An organization is deleted only once it has no member accounts
//!   (`OrganizationNotEmpty`).
//!
//! RAM's "sharing with AWS Organizations" is the trusted access of
//! [`RAM_PRINCIPAL`] (what EnableSharingWithAwsOrganization turns on).

use serde::{Deserialize, Serialize};

use crate::error::{ModelError, OrgFault, Result};
use crate::ids::random_hex;
use crate::state::{Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// Where Organizations rows are kept: the Region of its one endpoint.
pub const REGION: &str = "us-east-1";
/// RAM's service principal: trusted access for it is RAM's sharing with
/// AWS Organizations.
pub const RAM_PRINCIPAL: &str = "ram.amazonaws.com";
/// RAM's service-linked role, made by EnableSharingWithAwsOrganization.
pub const RAM_SERVICE_ROLE: &str = "AWSServiceRoleForResourceAccessManager";
/// The managed policy attached to it.
pub const RAM_SERVICE_POLICY: &str = "arn:aws:iam::aws:policy/aws-service-role/AWSResourceAccessManagerServiceRolePolicy";
/// The role AWS creates in an account made by CreateAccount.
pub const ACCESS_ROLE: &str = "OrganizationAccountAccessRole";
/// The managed policy attached to that role.
pub const ADMINISTRATOR_ACCESS: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
/// The policy types an organization with all features may enable.
pub const POLICY_TYPES: &[&str] =
    &["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY", "TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY", "CHATBOT_POLICY", "DECLARATIVE_POLICY_EC2"];

pub(crate) fn err(f: OrgFault, msg: impl Into<String>) -> ModelError {
    ModelError::Org(f, msg.into())
}

/// A service trusted with the organization (EnableAWSServiceAccess).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceAccess {
    pub principal: String,
    pub enabled_at: i64,
}

/// An organization. `owner` is its management account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    /// `o-` + 10 lower-case letters and digits.
    pub id: String,
    pub owner: String,
    pub region: String,
    /// `ALL` or `CONSOLIDATED_BILLING`.
    pub feature_set: String,
    /// `r-` + 4.
    pub root_id: String,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub root_tags: Tags,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceAccess>,
    /// Policy types enabled in the root.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_types: Vec<String>,
    /// RAM's EnableSharingWithAwsOrganization was called (trusted access
    /// turned on through Organizations alone does not make RAM's service
    /// role, so it does not let RAM share inside the organization).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ram_sharing: bool,
    pub created_at: i64,
}
crate::impl_owned!(Organization);

impl Organization {
    pub fn arn(&self) -> String {
        format!("arn:aws:organizations::{}:organization/{}", self.owner, self.id)
    }

    pub fn root_arn(&self) -> String {
        format!("arn:aws:organizations::{}:root/{}/{}", self.owner, self.id, self.root_id)
    }

    pub fn account_arn(&self, account: &str) -> String {
        format!("arn:aws:organizations::{}:account/{}/{account}", self.owner, self.id)
    }

    /// Whether RAM shares inside this organization without invitations:
    /// sharing enabled through RAM, and RAM still trusted.
    pub fn shares_inside(&self) -> bool {
        self.ram_sharing && self.services.iter().any(|s| s.principal == RAM_PRINCIPAL)
    }
}

/// How an account came into its organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Joined {
    Created,
    Invited,
}

impl Joined {
    pub fn as_str(self) -> &'static str {
        match self {
            Joined::Created => "CREATED",
            Joined::Invited => "INVITED",
        }
    }
}

/// An account's membership of an organization. Its id is the account id,
/// so an account is in at most one organization by construction; `owner`
/// is the organization's management account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub organization_id: String,
    /// The root or an OU.
    pub parent_id: String,
    pub name: String,
    pub email: String,
    pub joined: Joined,
    pub joined_at: i64,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
crate::impl_owned!(Member);

/// A CreateAccount request, kept for DescribeCreateAccountStatus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRequest {
    /// `car-` + 32.
    pub id: String,
    pub owner: String,
    pub region: String,
    pub account_name: String,
    pub account_id: String,
    pub requested_at: i64,
}
crate::impl_owned!(AccountRequest);

/// The organization `account` belongs to (as management account or member).
pub fn of_account<'a>(state: &'a State, account: &str) -> Option<&'a Organization> {
    let m = state.org_members.get(account)?;
    state.organizations.get(&m.organization_id)
}

/// The caller's organization, any member may ask; `AWSOrganizationsNotInUse`
/// outside one.
pub fn callers<'a>(state: &'a State, ctx: &Ctx) -> Result<&'a Organization> {
    of_account(state, &ctx.account).ok_or_else(|| err(OrgFault::NotInUse, "Your account is not a member of an organization."))
}

/// The caller's organization when the caller is its management account;
/// `AccessDeniedException` for a member.
pub fn managed<'a>(state: &'a State, ctx: &Ctx) -> Result<&'a Organization> {
    let org = callers(state, ctx)?;
    if org.owner != ctx.account {
        return Err(err(OrgFault::AccessDenied, "You don't have permissions to access this resource."));
    }
    Ok(org)
}

/// Whether two accounts are in one organization.
pub fn same_organization(state: &State, a: &str, b: &str) -> bool {
    match (state.org_members.get(a), state.org_members.get(b)) {
        (Some(x), Some(y)) => x.organization_id == y.organization_id,
        _ => false,
    }
}

/// The member accounts of an organization (its management account too).
pub fn members<'a>(state: &'a State, org: &Organization) -> impl Iterator<Item = &'a Member> + 'a {
    let id = org.id.clone();
    state.org_members.owned_by(&org.owner, REGION).filter(move |m| m.organization_id == id)
}

fn lower_alnum(n: usize) -> String {
    random_hex(n)
}

/// CreateOrganization: the caller becomes the management account, in the
/// root. Returns the organization's id.
pub fn create_organization(state: &State, ctx: &Ctx, feature_set: Option<&str>) -> Result<(Changes, String)> {
    if state.org_members.contains_key(&ctx.account) {
        return Err(err(OrgFault::AlreadyInOrganization, "The provided account is already a member of an organization."));
    }
    let feature_set = feature_set.unwrap_or("ALL").to_string();
    let org = Organization {
        id: format!("o-{}", lower_alnum(10)),
        owner: ctx.account.clone(),
        region: REGION.into(),
        feature_set,
        root_id: format!("r-{}", lower_alnum(4)),
        root_tags: Tags::new(),
        services: Vec::new(),
        policy_types: Vec::new(),
        ram_sharing: false,
        created_at: ctx.now,
    };
    let me = Member {
        id: ctx.account.clone(),
        owner: ctx.account.clone(),
        region: REGION.into(),
        organization_id: org.id.clone(),
        parent_id: org.root_id.clone(),
        name: "master".into(),
        email: format!("{}@xvpc.example", ctx.account),
        joined: Joined::Created,
        joined_at: ctx.now,
        tags: Tags::new(),
    };
    let id = org.id.clone();
    let mut ch = Changes::new();
    ch.put(org).put(me);
    Ok((ch, id))
}

/// DeleteOrganization: by the management account, once no other account
/// is in it. Its OUs, requests and handshakes go with it.
pub fn delete_organization(state: &State, ctx: &Ctx) -> Result<Changes> {
    let org = managed(state, ctx)?;
    if members(state, org).any(|m| m.id != org.owner) {
        return Err(err(OrgFault::OrganizationNotEmpty, "To delete an organization you must first remove all member accounts (except the management account)."));
    }
    let mut ch = Changes::new();
    for ou in state.organizational_units.owned_by(&org.owner, REGION).filter(|u| u.organization_id == org.id) {
        ch.delete(ResourceKind::OrganizationalUnit, &ou.id);
    }
    for h in state.handshakes.owned_by(&org.owner, REGION).filter(|h| h.organization_id == org.id) {
        ch.delete(ResourceKind::Handshake, &h.id);
    }
    for r in state.account_requests.owned_by(&org.owner, REGION) {
        ch.delete(ResourceKind::AccountRequest, &r.id);
    }
    ch.delete(ResourceKind::OrgMember, &org.owner);
    ch.delete(ResourceKind::Organization, &org.id);
    Ok(ch)
}

/// A fresh 12-digit account id no organization knows.
fn new_account_id(state: &State) -> String {
    loop {
        let hex = random_hex(12);
        // Hex digits folded onto decimal ones; a leading zero is allowed.
        let id: String = hex.chars().map(|c| char::from(b'0' + (c.to_digit(16).unwrap_or(0) % 10) as u8)).collect();
        if !state.org_members.contains_key(&id) {
            return id;
        }
    }
}

/// CreateAccount's input.
#[derive(Debug, Clone, Default)]
pub struct CreateAccount {
    pub email: String,
    pub name: String,
    pub role_name: Option<String>,
    pub tags: Tags,
}

/// CreateAccount: a new account in the root with its access role. Returns
/// the request's id.
pub fn create_account(state: &State, ctx: &Ctx, input: CreateAccount) -> Result<(Changes, String)> {
    let org = managed(state, ctx)?;
    if !input.email.contains('@') || input.email.len() < 6 || input.email.len() > 64 {
        return Err(err(OrgFault::InvalidInput, "You provided a value that does not match the required pattern."));
    }
    if input.name.is_empty() || input.name.chars().count() > 50 {
        return Err(err(OrgFault::InvalidInput, "You provided a value that does not match the required pattern."));
    }
    crate::organizational_unit::check_tags(&input.tags)?;
    let account = new_account_id(state);
    let role_name = input.role_name.unwrap_or_else(|| ACCESS_ROLE.into());
    let trust = format!(
        "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":{{\"AWS\":\"arn:aws:iam::{}:root\"}},\"Action\":\"sts:AssumeRole\"}}]}}",
        org.owner
    );
    let in_new = Ctx::new(&account, REGION, ctx.now);
    let role = crate::iam::CreateRole { name: role_name.clone(), assume_role_policy: trust, ..Default::default() };
    let (role_ch, _) = crate::iam::create_role(state, &in_new, role).map_err(|_| err(OrgFault::InvalidInput, format!("Invalid role name {role_name}.")))?;
    let mut ch = Changes::new();
    for e in role_ch.events {
        if let crate::Event::Put(crate::state::Resource::IamRole(mut r)) = e {
            r.attached.push(ADMINISTRATOR_ACCESS.into());
            ch.put(r);
        }
    }
    ch.put(Member {
        id: account.clone(),
        owner: org.owner.clone(),
        region: REGION.into(),
        organization_id: org.id.clone(),
        parent_id: org.root_id.clone(),
        name: input.name.clone(),
        email: input.email,
        joined: Joined::Created,
        joined_at: ctx.now,
        tags: input.tags,
    });
    let req = AccountRequest {
        id: format!("car-{}", random_hex(32)),
        owner: org.owner.clone(),
        region: REGION.into(),
        account_name: input.name,
        account_id: account,
        requested_at: ctx.now,
    };
    let id = req.id.clone();
    ch.put(req);
    Ok((ch, id))
}

/// The management account's CreateAccount request.
pub fn account_request<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<&'a AccountRequest> {
    let org = managed(state, ctx)?;
    state
        .account_requests
        .get(id)
        .filter(|r| r.owner == org.owner)
        .ok_or_else(|| err(OrgFault::CreateAccountStatusNotFound, "We can't find a create account request with the CreateAccountRequestId that you specified."))
}

/// Checks the form of an account id (12 digits): `InvalidInputException`.
pub fn check_account_id(id: &str) -> Result<()> {
    if crate::ids::is_account_id(id) {
        Ok(())
    } else {
        Err(err(OrgFault::InvalidInput, "You provided a value that does not match the required pattern."))
    }
}

/// A member account of the caller's organization (the management account
/// asking), or `AccountNotFoundException`.
pub fn member<'a>(state: &'a State, ctx: &Ctx, account: &str) -> Result<&'a Member> {
    let org = managed(state, ctx)?;
    check_account_id(account)?;
    state
        .org_members
        .get(account)
        .filter(|m| m.organization_id == org.id)
        .ok_or_else(|| err(OrgFault::AccountNotFound, "You specified an account that doesn't exist."))
}

/// RemoveAccountFromOrganization: by the management account, never itself.
pub fn remove_account(state: &State, ctx: &Ctx, account: &str) -> Result<Changes> {
    let m = member(state, ctx, account)?;
    if m.id == m.owner {
        return Err(err(OrgFault::MasterCannotLeaveOrganization, "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization."));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::OrgMember, account);
    Ok(ch)
}

/// LeaveOrganization: a member removes itself.
pub fn leave(state: &State, ctx: &Ctx) -> Result<Changes> {
    let org = callers(state, ctx)?;
    if org.owner == ctx.account {
        return Err(err(OrgFault::MasterCannotLeaveOrganization, "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization."));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::OrgMember, &ctx.account);
    Ok(ch)
}

/// Enable (`on`) or disable trusted access for a service principal.
pub fn service_access(state: &State, ctx: &Ctx, principal: &str, on: bool) -> Result<Changes> {
    let mut org = managed(state, ctx)?.clone();
    let well_formed = principal.ends_with(".amazonaws.com") && principal.len() > ".amazonaws.com".len() && !principal.contains(char::is_whitespace);
    if !well_formed {
        return Err(err(OrgFault::InvalidInput, "You specified an unrecognized service principal."));
    }
    if org.feature_set != "ALL" {
        return Err(err(OrgFault::ConstraintViolation, "The organization must have all features enabled to trust an AWS service."));
    }
    let present = org.services.iter().any(|s| s.principal == principal);
    match (on, present) {
        (true, false) => org.services.push(ServiceAccess { principal: principal.into(), enabled_at: ctx.now }),
        (false, true) => {
            org.services.retain(|s| s.principal != principal);
            if principal == RAM_PRINCIPAL {
                org.ram_sharing = false;
            }
        }
        _ => return Ok(Changes::new()),
    }
    let mut ch = Changes::new();
    ch.put(org);
    Ok(ch)
}

/// RAM's EnableSharingWithAwsOrganization: by the management account; it
/// trusts RAM and lets it share inside the organization. Outside an
/// organization, or from a member, RAM answers `OperationNotPermitted`
/// with Organizations' refusal in the message.
pub fn enable_ram_sharing(state: &State, ctx: &Ctx) -> Result<Changes> {
    let refused = |e: ModelError| {
        ModelError::Ram(
            crate::error::RamFault::OperationNotPermitted,
            format!("Unable to enable sharing with AWS Organizations. Received AccessDeniedException from AWSOrganizations with the following error message: {}", match e {
                ModelError::Org(OrgFault::NotInUse, _) => "You don't have permissions to access this resource.".to_string(),
                other => other.to_string(),
            }),
        )
    };
    let mut org = managed(state, ctx).map_err(refused)?.clone();
    if !org.services.iter().any(|s| s.principal == RAM_PRINCIPAL) {
        org.services.push(ServiceAccess { principal: RAM_PRINCIPAL.into(), enabled_at: ctx.now });
    }
    org.ram_sharing = true;
    let mut ch = Changes::new();
    ch.put(org);
    // RAM's service-linked role, which AWS creates in the management
    // account (Terraform reads it back).
    let role = crate::iam::CreateRole {
        name: RAM_SERVICE_ROLE.into(),
        path: Some("/aws-service-role/ram.amazonaws.com/".into()),
        assume_role_policy: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ram.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#.into(),
        ..Default::default()
    };
    let in_global = Ctx::new(&ctx.account, REGION, ctx.now);
    if let Ok((role_ch, _)) = crate::iam::create_role(state, &in_global, role) {
        for e in role_ch.events {
            if let crate::Event::Put(crate::state::Resource::IamRole(mut r)) = e {
                r.attached.push(RAM_SERVICE_POLICY.into());
                ch.put(r);
            }
        }
    }
    Ok(ch)
}

/// Enable (`on`) or disable a policy type in the root.
pub fn policy_type(state: &State, ctx: &Ctx, root_id: &str, kind: &str, on: bool) -> Result<Changes> {
    let mut org = managed(state, ctx)?.clone();
    if root_id != org.root_id {
        return Err(err(OrgFault::RootNotFound, "We can't find a root with the RootId that you specified."));
    }
    if org.feature_set != "ALL" || !POLICY_TYPES.contains(&kind) {
        return Err(err(OrgFault::ConstraintViolation, "You can enable policy types only in an organization with all features enabled."));
    }
    let present = org.policy_types.iter().any(|t| t == kind);
    match (on, present) {
        (true, true) => return Err(err(OrgFault::PolicyTypeAlreadyEnabled, "The specified policy type is already enabled.")),
        (false, false) => return Err(err(OrgFault::PolicyTypeNotEnabled, "This operation can be performed only for enabled policy types.")),
        (true, false) => org.policy_types.push(kind.into()),
        (false, true) => org.policy_types.retain(|t| t != kind),
    }
    let mut ch = Changes::new();
    ch.put(org);
    Ok(ch)
}

#[cfg(test)]
#[path = "organization_tests.rs"]
mod tests;
