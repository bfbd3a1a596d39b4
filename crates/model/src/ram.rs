//! AWS RAM: resource shares, their resource and principal associations, and
//! the invitations an account outside the owner's organization receives.
//!
//! As the RAM User Guide describes it: an account outside the owner's
//! organization (or any account while the organization has not enabled
//! sharing with AWS Organizations) gets a `PENDING` invitation, its
//! principal association stays `ASSOCIATING` until it accepts, and only
//! then does it see (and may use) the shared resources. Once the management
//! account has called EnableSharingWithAwsOrganization, a share to an
//! account of the organization, to an OU's ARN or to the organization's ARN
//! is `ASSOCIATED` at once, with no invitation; who it reaches is read from
//! the organization when asked ([`ResourceShare::reaches`]), so moving an
//! account between OUs or out of the organization gives or takes access at
//! once. `allowExternalPrincipals = false` refuses accounts outside the
//! organization. Removing the principal, the resource, or deleting the
//! share takes access away again ([`is_shared_with`]).
//!
//! RAM's error codes are its exception names (`UnknownResourceException`,
//! ...), raised as `ModelError::Ram` with a [`RamFault`].

use serde::{Deserialize, Serialize};

use crate::error::{Limit, ModelError, RamFault, Result};
use crate::ids::random_hex;
use crate::state::{Changes, Ctx, State};
use crate::tags::Tags;

pub use crate::ram_invitation::{answer_invitation, received_invitations, Invitation, InvitationStatus};

/// How long a deleted share stays listed with status `DELETED`.
pub const DELETED_VISIBLE_MS: i64 = 60 * 60 * 1000;

/// RAM's managed permission for transit gateways, attached to a share when
/// a transit gateway is associated with it.
pub const TGW_PERMISSION_ARN: &str = "arn:aws:ram::aws:permission/AWSRAMDefaultPermissionTransitGateway";
pub const TGW_PERMISSION_NAME: &str = "AWSRAMDefaultPermissionTransitGateway";
pub const TGW_RESOURCE_TYPE: &str = "ec2:TransitGateway";
/// RAM's type of a customer-managed prefix list.
pub const PREFIX_LIST_RESOURCE_TYPE: &str = "ec2:PrefixList";
/// Every resource type xvpc shares.
pub const RESOURCE_TYPES: &[&str] = &[TGW_RESOURCE_TYPE, PREFIX_LIST_RESOURCE_TYPE];

pub(crate) fn err(fault: RamFault, msg: impl Into<String>) -> ModelError {
    ModelError::Ram(fault, msg.into())
}

/// A share's status (`ResourceShareStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareStatus {
    Active,
    Deleted,
}

impl ShareStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ShareStatus::Active => "ACTIVE",
            ShareStatus::Deleted => "DELETED",
        }
    }
}

/// The status of a resource or principal association.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssociationStatus {
    Associating,
    Associated,
    Failed,
    Disassociated,
}

impl AssociationStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AssociationStatus::Associating => "ASSOCIATING",
            AssociationStatus::Associated => "ASSOCIATED",
            AssociationStatus::Failed => "FAILED",
            AssociationStatus::Disassociated => "DISASSOCIATED",
        }
    }

    /// Associating or associated: the entity is (being) part of the share.
    pub fn is_live(self) -> bool {
        matches!(self, AssociationStatus::Associating | AssociationStatus::Associated)
    }
}

/// One resource ARN or principal of a share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Association {
    /// The resource ARN or the principal's account id.
    pub entity: String,
    pub status: AssociationStatus,
    /// For principals: outside the owner's organization.
    pub external: bool,
    pub message: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A resource share. Its id is its ARN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceShare {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    pub allow_external_principals: bool,
    pub status: ShareStatus,
    pub tags: Tags,
    pub resources: Vec<Association>,
    pub principals: Vec<Association>,
    pub created_at: i64,
    pub updated_at: i64,
}
crate::impl_owned!(ResourceShare);

impl ResourceShare {
    pub fn arn(&self) -> &str {
        &self.id
    }

    /// A share deleted long enough ago is no longer listed.
    pub fn listed(&self, now: i64) -> bool {
        self.status == ShareStatus::Active || now - self.updated_at < DELETED_VISIBLE_MS
    }

    /// Whether `account` is an accepted principal of this active share, by
    /// its own id (the principal that may leave the share).
    pub fn accepted_by(&self, account: &str) -> bool {
        self.status == ShareStatus::Active
            && self.principals.iter().any(|p| p.entity == account && p.status == AssociationStatus::Associated)
    }

    /// Whether this active share reaches `account` through one of its
    /// associated principals ([`principal_reaches`]).
    pub fn reaches(&self, state: &State, account: &str) -> bool {
        self.status == ShareStatus::Active
            && account != self.owner
            && self.principals.iter().any(|p| p.status == AssociationStatus::Associated && principal_reaches(state, &self.owner, p, account))
    }

    /// Resource types among the associated resources (for permissions).
    pub fn resource_types(&self) -> Vec<&'static str> {
        let mut v: Vec<&'static str> =
            self.resources.iter().filter(|r| r.status.is_live()).filter_map(|r| resource_type(&r.entity)).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// A random UUID (version 4 form), as RAM uses in its ARNs.
fn uuid() -> String {
    let h = random_hex(32);
    format!("{}-{}-4{}-a{}-{}", &h[0..8], &h[8..12], &h[13..16], &h[17..20], &h[20..32])
}

/// The RAM resource type of a resource ARN xvpc can share.
pub fn resource_type(arn: &str) -> Option<&'static str> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match (parts.get(2), parts.get(5)) {
        (Some(&"ec2"), Some(r)) if r.starts_with("transit-gateway/tgw-") => Some(TGW_RESOURCE_TYPE),
        (Some(&"ec2"), Some(r)) if r.starts_with("prefix-list/pl-") => Some(PREFIX_LIST_RESOURCE_TYPE),
        _ => None,
    }
}

/// Checks that the caller may share `arn`: a well-formed ARN of a resource
/// type RAM shares, existing, owned by the caller in this region.
pub fn check_resource(state: &State, ctx: &Ctx, arn: &str) -> Result<()> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || !parts[1].starts_with("aws") || parts[2].is_empty() || parts[5].is_empty() {
        return Err(err(RamFault::MalformedArn, format!("The specified resource ARN {arn} is not valid. Verify the ARN and try again.")));
    }
    let (service, region, account, resource) = (parts[2], parts[3], parts[4], parts[5]);
    match (service, resource.split_once('/')) {
        ("ec2", Some(("transit-gateway", id))) => {
            let found = state.transit_gateways.get(id).is_some_and(|t| {
                t.owner == ctx.account && t.region == ctx.region && t.owner == account && t.region == region && !t.is_deleted()
            });
            if found {
                Ok(())
            } else {
                Err(err(RamFault::UnknownResource, format!("The resource {arn} could not be found.")))
            }
        }
        ("ec2", Some(("prefix-list", id))) => {
            let found = state
                .managed_prefix_lists
                .get(id)
                .is_some_and(|l| l.owner == ctx.account && l.region == ctx.region && l.owner == account && l.region == region);
            if found {
                Ok(())
            } else {
                Err(err(RamFault::UnknownResource, format!("The resource {arn} could not be found.")))
            }
        }
        // RAM shares subnets only inside an AWS Organization, which xvpc
        // does not have: AWS gives this answer to accounts without one.
        ("ec2", Some(("subnet", _))) => Err(err(
            RamFault::InvalidParameter,
            "The resource you are attempting to share can only be shared within your AWS Organization. This error may also occur if you have not enabled sharing with your AWS organization, or that onboarding process is still in progress.",
        )),
        _ => Err(err(
            RamFault::InvalidParameter,
            format!("The resource type of {arn} cannot be shared: xvpc shares transit gateways ({TGW_RESOURCE_TYPE}) and prefix lists ({PREFIX_LIST_RESOURCE_TYPE}) through RAM."),
        )),
    }
}

/// Whether an associated principal of a share owned by `owner` reaches
/// `account`: the account itself (accepted from outside the organization,
/// or still in the owner's organization), or the organization or an OU
/// the account is in while the organization shares inside.
pub fn principal_reaches(state: &State, owner: &str, p: &Association, account: &str) -> bool {
    match org_principal(&p.entity) {
        None => p.entity == account && (p.external || crate::organization::same_organization(state, owner, account)),
        Some(OrgPrincipal::Organization(id)) => {
            state.org_members.get(account).is_some_and(|m| m.organization_id == id)
                && state.organizations.get(id).is_some_and(|o| o.shares_inside())
                && crate::organization::same_organization(state, owner, account)
        }
        Some(OrgPrincipal::Unit(org, ou)) => {
            state.organizations.get(org).is_some_and(|o| o.shares_inside())
                && crate::organization::same_organization(state, owner, account)
                && crate::organizational_unit::account_under(state, account, ou)
        }
    }
}

/// A principal naming part of an organization, by ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgPrincipal<'a> {
    /// `arn:aws:organizations::<management>:organization/o-…`.
    Organization(&'a str),
    /// `arn:aws:organizations::<management>:ou/o-…/ou-…`: (organization, OU).
    Unit(&'a str, &'a str),
}

/// The organization or OU a principal ARN names, if it names one.
pub fn org_principal(p: &str) -> Option<OrgPrincipal<'_>> {
    let rest = p.strip_prefix("arn:aws:organizations::")?;
    let (_, resource) = rest.split_once(':')?;
    if let Some(o) = resource.strip_prefix("organization/") {
        return Some(OrgPrincipal::Organization(o));
    }
    let (org, ou) = resource.strip_prefix("ou/")?.split_once('/')?;
    Some(OrgPrincipal::Unit(org, ou))
}

/// Checks a principal and says whether it is external: an account id other
/// than the owner's (external unless in the owner's organization, refused
/// when the share does not allow external principals), or the ARN of the
/// owner's organization or one of its OUs (only once the organization
/// shares inside, as RAM allows).
fn check_principal(state: &State, ctx: &Ctx, share_arn: &str, allow_external: bool, p: &str) -> Result<bool> {
    let own_org = crate::organization::of_account(state, &ctx.account);
    if let Some(op) = org_principal(p) {
        let org = match op {
            OrgPrincipal::Organization(id) => own_org
                .filter(|o| o.id == id)
                .ok_or_else(|| err(RamFault::UnknownResource, format!("Organization {id} could not be found.")))?,
            OrgPrincipal::Unit(org_id, ou) => {
                let Some(o) = own_org.filter(|o| o.id == org_id) else {
                    return Err(err(RamFault::UnknownResource, format!("OrganizationalUnit {ou} in unknown organization could not be found.")));
                };
                if !state.organizational_units.get(ou).is_some_and(|u| u.organization_id == o.id) {
                    return Err(err(RamFault::UnknownResource, format!("OrganizationalUnit {ou} in organization {org_id} could not be found.")));
                }
                o
            }
        };
        if !org.shares_inside() {
            return Err(err(
                RamFault::OperationNotPermitted,
                "Sharing with your AWS organization is not enabled: the organization's management account must call EnableSharingWithAwsOrganization before a resource share can name the organization or an OU.",
            ));
        }
        return Ok(false);
    }
    if !crate::ids::is_account_id(p) {
        return Err(err(RamFault::InvalidParameter, format!("Principal ID {p} is malformed. Verify the ID and try again.")));
    }
    if p == ctx.account {
        return Err(err(RamFault::InvalidParameter, format!("The resource share owner {p} cannot be a principal of its own resource share.")));
    }
    let external = !crate::organization::same_organization(state, &ctx.account, p);
    if external && !allow_external {
        return Err(err(
            RamFault::OperationNotPermitted,
            format!("Principal {p} is not in your AWS organization. The resource share {share_arn} does not allow external principals."),
        ));
    }
    Ok(external)
}

/// Input of CreateResourceShare.
#[derive(Debug, Clone, Default)]
pub struct CreateShare {
    pub name: String,
    pub resource_arns: Vec<String>,
    pub principals: Vec<String>,
    pub allow_external_principals: bool,
    pub tags: Tags,
}

fn check_tags(tags: &Tags) -> Result<()> {
    if tags.len() > 50 {
        return Err(ModelError::LimitExceeded(Limit::ResourceShareTags, "The maximum number of tags for a resource share is 50.".into()));
    }
    if tags.iter().any(|(k, v)| k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256) {
        return Err(err(RamFault::InvalidParameter, "Tag keys must be 1-128 characters and values at most 256 characters."));
    }
    Ok(())
}

/// CreateResourceShare: an active share, its resources associated at once,
/// its principals invited.
pub fn create_share(state: &State, ctx: &Ctx, input: CreateShare) -> Result<(Changes, String)> {
    if input.name.trim().is_empty() {
        return Err(err(RamFault::InvalidParameter, "The name of the resource share must not be empty."));
    }
    check_tags(&input.tags)?;
    let arn = format!("arn:aws:ram:{}:{}:resource-share/{}", ctx.region, ctx.account, uuid());
    let share = ResourceShare {
        id: arn.clone(),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        name: input.name,
        allow_external_principals: input.allow_external_principals,
        status: ShareStatus::Active,
        tags: input.tags,
        resources: Vec::new(),
        principals: Vec::new(),
        created_at: ctx.now,
        updated_at: ctx.now,
    };
    let (ch, _) = associate_into(state, ctx, share, &input.resource_arns, &input.principals)?;
    Ok((ch, arn))
}

/// The caller's own, active share.
fn own_share<'a>(state: &'a State, ctx: &Ctx, arn: &str) -> Result<&'a ResourceShare> {
    let share = state
        .resource_shares
        .get(arn)
        .filter(|s| s.owner == ctx.account && s.region == ctx.region && s.listed(ctx.now))
        .ok_or_else(|| err(RamFault::UnknownResource, format!("ResourceShare {arn} could not be found.")))?;
    if share.status != ShareStatus::Active {
        return Err(err(RamFault::InvalidStateTransition, format!("The resource share {arn} is in state {} and cannot be changed.", share.status.as_str())));
    }
    Ok(share)
}

/// AssociateResourceShare: adds resources (associated at once) and
/// principals (invited). Entities already part of the share stay as they
/// are. Returns the associations the call touched.
pub fn associate(state: &State, ctx: &Ctx, arn: &str, resources: &[String], principals: &[String]) -> Result<(Changes, Vec<Association>)> {
    let share = own_share(state, ctx, arn)?.clone();
    if resources.is_empty() && principals.is_empty() {
        return Err(err(RamFault::InvalidParameter, "At least one resource ARN or principal is required."));
    }
    associate_into(state, ctx, share, resources, principals)
}

fn associate_into(state: &State, ctx: &Ctx, mut share: ResourceShare, resources: &[String], principals: &[String]) -> Result<(Changes, Vec<Association>)> {
    let mut ch = Changes::new();
    let mut touched = Vec::new();
    // Principals are checked before resources (an unknown organization is
    // named even when a resource is wrong too, as moto's tests expect).
    for p in principals {
        check_principal(state, ctx, &share.id, share.allow_external_principals, p)?;
    }
    for r in resources {
        check_resource(state, ctx, r)?;
        let a = upsert(&mut share.resources, r, AssociationStatus::Associated, false, ctx.now);
        touched.push(a);
    }
    let shares_inside = crate::organization::of_account(state, &ctx.account).is_some_and(|o| o.shares_inside());
    for p in principals {
        let external = check_principal(state, ctx, &share.id, share.allow_external_principals, p)?;
        let was_live = share.principals.iter().any(|x| &x.entity == p && x.status.is_live());
        // Inside an organization that shares inside: no invitation.
        let at_once = !external && shares_inside;
        let status = if at_once { AssociationStatus::Associated } else { AssociationStatus::Associating };
        let a = upsert(&mut share.principals, p, status, external, ctx.now);
        touched.push(a);
        if !was_live && !at_once {
            // One invitation per (share, receiver), reset to PENDING.
            let existing = state.invitations.values().find(|i| i.share_arn == share.id && &i.receiver == p);
            let inv = Invitation {
                id: existing.map(|i| i.id.clone()).unwrap_or_else(|| {
                    format!("arn:aws:ram:{}:{}:resource-share-invitation/{}", ctx.region, ctx.account, uuid())
                }),
                owner: ctx.account.clone(),
                region: ctx.region.clone(),
                share_arn: share.id.clone(),
                receiver: p.clone(),
                status: InvitationStatus::Pending,
                created_at: ctx.now,
            };
            ch.put(inv);
        }
    }
    share.updated_at = ctx.now;
    ch.events.insert(0, crate::Event::Put(share.into()));
    Ok((ch, touched))
}

/// Adds an entity with `status` unless it is already live; returns it.
fn upsert(list: &mut Vec<Association>, entity: &str, status: AssociationStatus, external: bool, now: i64) -> Association {
    if let Some(a) = list.iter().find(|a| a.entity == entity && a.status.is_live()) {
        return a.clone();
    }
    list.retain(|a| a.entity != entity);
    let a = Association { entity: entity.to_string(), status, external, message: None, created_at: now, updated_at: now };
    list.push(a.clone());
    a
}

/// Marks live entities of a list disassociated. An entity that is not part
/// of the share is `UnknownResourceException`.
fn remove(list: &mut [Association], entities: &[String], now: i64, share_arn: &str) -> Result<Vec<Association>> {
    let mut out = Vec::new();
    for e in entities {
        let a = list
            .iter_mut()
            .find(|a| &a.entity == e && a.status != AssociationStatus::Disassociated)
            .ok_or_else(|| err(RamFault::UnknownResource, format!("{e} is not associated with resource share {share_arn}.")))?;
        a.status = AssociationStatus::Disassociated;
        a.updated_at = now;
        out.push(a.clone());
    }
    Ok(out)
}

/// DisassociateResourceShare. The owner removes resources or principals;
/// an accepted principal may remove only itself (leaving the share).
pub fn disassociate(state: &State, ctx: &Ctx, arn: &str, resources: &[String], principals: &[String]) -> Result<(Changes, Vec<Association>)> {
    let Some(share) = state.resource_shares.get(arn).filter(|s| s.region == ctx.region) else {
        return Err(err(RamFault::UnknownResource, format!("ResourceShare {arn} could not be found.")));
    };
    if share.owner != ctx.account {
        if !share.accepted_by(&ctx.account) {
            return Err(err(RamFault::UnknownResource, format!("ResourceShare {arn} could not be found.")));
        }
        if !resources.is_empty() || principals.iter().any(|p| p != &ctx.account) {
            return Err(err(RamFault::OperationNotPermitted, "A principal of a resource share can only remove itself from it."));
        }
        // RAM User Guide: an account added from inside its organization,
        // with sharing enabled, cannot leave; access there is automatic.
        let inside = share.principals.iter().any(|p| p.entity == ctx.account && !p.external && p.status == AssociationStatus::Associated);
        if inside && crate::organization::of_account(state, &share.owner).is_some_and(|o| o.shares_inside()) {
            return Err(err(RamFault::OperationNotPermitted, "You can't leave a resource share that an account of your organization shared with you while sharing with AWS Organizations is enabled."));
        }
    }
    let mut share = if share.owner == ctx.account { own_share(state, ctx, arn)?.clone() } else { share.clone() };
    if resources.is_empty() && principals.is_empty() {
        return Err(err(RamFault::InvalidParameter, "At least one resource ARN or principal is required."));
    }
    let mut touched = remove(&mut share.resources, resources, ctx.now, arn)?;
    touched.extend(remove(&mut share.principals, principals, ctx.now, arn)?);
    let mut ch = Changes::new();
    for p in principals {
        // A pending invitation is withdrawn with its principal.
        if let Some(inv) = state.invitations.values().find(|i| i.share_arn == share.id && &i.receiver == p && i.status == InvitationStatus::Pending) {
            ch.delete(crate::state::ResourceKind::Invitation, &inv.id);
        }
    }
    share.updated_at = ctx.now;
    ch.events.insert(0, crate::Event::Put(share.into()));
    Ok((ch, touched))
}

/// DeleteResourceShare: status DELETED, every association disassociated,
/// pending invitations withdrawn.
pub fn delete_share(state: &State, ctx: &Ctx, arn: &str) -> Result<Changes> {
    let mut share = own_share(state, ctx, arn)?.clone();
    for a in share.resources.iter_mut().chain(share.principals.iter_mut()) {
        if a.status != AssociationStatus::Disassociated {
            a.status = AssociationStatus::Disassociated;
            a.updated_at = ctx.now;
        }
    }
    share.status = ShareStatus::Deleted;
    share.updated_at = ctx.now;
    let mut ch = Changes::new();
    for inv in state.invitations.values().filter(|i| i.share_arn == share.id && i.status == InvitationStatus::Pending) {
        ch.delete(crate::state::ResourceKind::Invitation, &inv.id);
    }
    ch.events.insert(0, crate::Event::Put(share.into()));
    Ok(ch)
}

/// UpdateResourceShare: name and `allowExternalPrincipals`. Forbidding
/// external principals while some are associated is refused.
pub fn update_share(state: &State, ctx: &Ctx, arn: &str, name: Option<String>, allow_external: Option<bool>) -> Result<Changes> {
    let mut share = own_share(state, ctx, arn)?.clone();
    if let Some(n) = name {
        if n.trim().is_empty() {
            return Err(err(RamFault::InvalidParameter, "The name of the resource share must not be empty."));
        }
        share.name = n;
    }
    if let Some(b) = allow_external {
        if !b && share.principals.iter().any(|p| p.external && p.status.is_live()) {
            return Err(err(RamFault::OperationNotPermitted, "The resource share has external principals; remove them before disallowing external principals."));
        }
        share.allow_external_principals = b;
    }
    share.updated_at = ctx.now;
    let mut ch = Changes::new();
    ch.put(share);
    Ok(ch)
}

/// Tags a share (TagResource) or removes tag keys (UntagResource).
pub fn edit_tags(state: &State, ctx: &Ctx, arn: &str, add: &Tags, remove_keys: &[String]) -> Result<Changes> {
    let mut share = state
        .resource_shares
        .get(arn)
        .filter(|s| s.owner == ctx.account && s.region == ctx.region && s.listed(ctx.now))
        .cloned()
        .ok_or_else(|| err(RamFault::UnknownResource, format!("ResourceShare {arn} could not be found.")))?;
    share.tags.extend(add.iter().map(|(k, v)| (k.clone(), v.clone())));
    for k in remove_keys {
        share.tags.remove(k);
    }
    check_tags(&share.tags)?;
    let mut ch = Changes::new();
    ch.put(share);
    Ok(ch)
}

/// Whether `account` may see and use the resource `arn` through a share
/// that reaches it (an active share, the resource associated, a principal
/// associated that is or contains the account).
pub fn is_shared_with(state: &State, arn: &str, account: &str) -> bool {
    state.resource_shares.values().any(|s| {
        s.resources.iter().any(|r| r.entity == arn && r.status == AssociationStatus::Associated) && s.reaches(state, account)
    })
}

/// Which shares a GetResourceShares / ListResources call looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceOwner {
    /// `SELF`: shares the caller owns.
    OwnedBySelf,
    /// `OTHER-ACCOUNTS`: shares others shared with the caller, once accepted.
    OtherAccounts,
}

impl ResourceOwner {
    pub fn parse(s: &str) -> Result<ResourceOwner> {
        match s {
            "SELF" => Ok(ResourceOwner::OwnedBySelf),
            "OTHER-ACCOUNTS" => Ok(ResourceOwner::OtherAccounts),
            other => Err(err(RamFault::InvalidParameter, format!("resourceOwner must be SELF or OTHER-ACCOUNTS, not '{other}'."))),
        }
    }
}

/// The shares the caller may list from one side.
pub fn visible_shares<'a>(state: &'a State, ctx: &Ctx, owner: ResourceOwner) -> Vec<&'a ResourceShare> {
    state
        .resource_shares
        .values()
        .filter(|s| s.region == ctx.region)
        .filter(|s| match owner {
            ResourceOwner::OwnedBySelf => s.owner == ctx.account && s.listed(ctx.now),
            ResourceOwner::OtherAccounts => s.owner != ctx.account && s.reaches(state, &ctx.account),
        })
        .collect()
}

/// Called when a shared resource disappears (a deleted transit gateway):
/// its associations become DISASSOCIATED, as RAM does.
pub fn resource_deleted(state: &State, arn: &str, now: i64, ch: &mut Changes) {
    for s in state.resource_shares.values() {
        if s.resources.iter().any(|r| r.entity == arn && r.status.is_live()) {
            let mut s = s.clone();
            for r in s.resources.iter_mut().filter(|r| r.entity == arn && r.status.is_live()) {
                r.status = AssociationStatus::Disassociated;
                r.updated_at = now;
            }
            ch.put(s);
        }
    }
}

#[cfg(test)]
#[path = "ram_tests.rs"]
mod tests;
