//! Organizational units: the tree under an organization's root, where its
//! accounts are placed (MoveAccount) and what RAM shares with an OU reach.
//!
//! AWS's rules (Organizations API reference): an OU's id is
//! `ou-<root's 4>-<8>`; names are unique among an OU's siblings
//! (`DuplicateOrganizationalUnitException`); OUs nest at most five deep
//! under the root (`ConstraintViolationException`, `OU_DEPTH_LIMIT_EXCEEDED`);
//! only an empty OU is deleted (`OrganizationalUnitNotEmptyException`). Only
//! the management account reads or changes the tree.

use serde::{Deserialize, Serialize};

use crate::error::{OrgFault, Result};
use crate::ids::random_hex;
use crate::organization::{err, managed, Member, Organization, REGION};
use crate::state::{Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// How deep OUs nest under the root.
pub const MAX_DEPTH: usize = 5;

/// An organizational unit. `owner` is the management account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationalUnit {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub organization_id: String,
    /// The root or another OU.
    pub parent_id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}
crate::impl_owned!(OrganizationalUnit);

impl OrganizationalUnit {
    pub fn arn(&self) -> String {
        format!("arn:aws:organizations::{}:ou/{}/{}", self.owner, self.organization_id, self.id)
    }
}

/// A parent in the tree: the root, or an OU.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Parent<'a> {
    Root,
    Unit(&'a OrganizationalUnit),
}

fn bad_pattern() -> crate::ModelError {
    err(OrgFault::InvalidInput, "You provided a value that does not match the required pattern.")
}

/// Checks an id's form (`r-…` or `ou-…-…`), as AWS does before looking.
fn check_parent_id(id: &str) -> Result<()> {
    let alnum = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let ok = match id.strip_prefix("r-") {
        Some(r) => alnum(r) && (4..=32).contains(&r.len()),
        None => id.strip_prefix("ou-").and_then(|r| r.split_once('-')).is_some_and(|(a, b)| alnum(a) && alnum(b)),
    };
    if ok {
        Ok(())
    } else {
        Err(bad_pattern())
    }
}

/// The root or an OU of `org` with this id.
pub fn parent<'a>(state: &'a State, org: &Organization, id: &str) -> Option<Parent<'a>> {
    if id == org.root_id {
        return Some(Parent::Root);
    }
    state.organizational_units.get(id).filter(|u| u.organization_id == org.id).map(Parent::Unit)
}

/// A parent of the caller's organization, or `fault` (ParentNotFound,
/// DestinationParentNotFound, ...).
fn find<'a>(state: &'a State, org: &Organization, id: &str, fault: OrgFault) -> Result<Parent<'a>> {
    check_parent_id(id)?;
    parent(state, org, id).ok_or_else(|| err(fault, "We can't find a root or OU with the ParentId that you specified."))
}

/// The chain of OUs from `id` up to (not including) the root, nearest first.
pub fn ancestors<'a>(state: &'a State, mut id: &'a str) -> Vec<&'a OrganizationalUnit> {
    let mut out = Vec::new();
    while let Some(u) = state.organizational_units.get(id) {
        if out.len() > MAX_DEPTH {
            break;
        }
        out.push(u);
        id = &u.parent_id;
    }
    out
}

/// Where an account sits in its organization, for people: `OU prod
/// (ou-…) of o-…`, `root of o-…`; `None` outside any organization.
pub fn place(state: &State, account: &str) -> Option<String> {
    let m = state.org_members.get(account)?;
    Some(match state.organizational_units.get(&m.parent_id) {
        Some(u) => format!("OU {} ({}) of {}", u.name, u.id, m.organization_id),
        None => format!("root of {}", m.organization_id),
    })
}

/// Whether `account` sits in OU `ou_id` or anywhere below it.
pub fn account_under(state: &State, account: &str, ou_id: &str) -> bool {
    state.org_members.get(account).is_some_and(|m| ancestors(state, &m.parent_id).iter().any(|u| u.id == ou_id))
}

/// The caller's OU by id: `OrganizationalUnitNotFoundException`.
pub fn unit<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<&'a OrganizationalUnit> {
    let org = managed(state, ctx)?;
    check_parent_id(id)?;
    state
        .organizational_units
        .get(id)
        .filter(|u| u.organization_id == org.id)
        .ok_or_else(|| err(OrgFault::OrganizationalUnitNotFound, "We can't find an OU with the OrganizationalUnitId that you specified."))
}

/// Tags as Organizations accepts them: at most 50, keys 1-128 characters,
/// values at most 256.
pub fn check_tags(tags: &Tags) -> Result<()> {
    if tags.len() > 50 {
        return Err(err(OrgFault::ConstraintViolation, "You have exceeded the maximum number of tags allowed on this resource."));
    }
    if tags.iter().any(|(k, v)| k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256) {
        return Err(err(OrgFault::InvalidInput, "You provided a value that does not match the required pattern."));
    }
    Ok(())
}

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.chars().count() > 128 {
        return Err(err(OrgFault::InvalidInput, "You provided a value that does not match the required pattern."));
    }
    Ok(())
}

fn duplicate(state: &State, org: &Organization, parent_id: &str, name: &str, except: Option<&str>) -> Result<()> {
    let taken = state
        .organizational_units
        .owned_by(&org.owner, REGION)
        .any(|u| u.organization_id == org.id && u.parent_id == parent_id && u.name == name && Some(u.id.as_str()) != except);
    if taken {
        return Err(err(OrgFault::DuplicateOrganizationalUnit, "An OU with the same name already exists."));
    }
    Ok(())
}

/// CreateOrganizationalUnit. Returns the new OU's id.
pub fn create(state: &State, ctx: &Ctx, parent_id: &str, name: &str, tags: Tags) -> Result<(Changes, String)> {
    let org = managed(state, ctx)?;
    check_name(name)?;
    check_tags(&tags)?;
    let depth = match find(state, org, parent_id, OrgFault::ParentNotFound)? {
        Parent::Root => 0,
        Parent::Unit(u) => ancestors(state, &u.id).len(),
    };
    if depth >= MAX_DEPTH {
        return Err(err(OrgFault::ConstraintViolation, "You attempted to create an OU tree that is too many levels deep (OU_DEPTH_LIMIT_EXCEEDED)."));
    }
    duplicate(state, org, parent_id, name, None)?;
    let root4 = org.root_id.trim_start_matches("r-");
    let ou = OrganizationalUnit {
        id: format!("ou-{root4}-{}", random_hex(8)),
        owner: org.owner.clone(),
        region: REGION.into(),
        organization_id: org.id.clone(),
        parent_id: parent_id.into(),
        name: name.into(),
        tags,
    };
    let id = ou.id.clone();
    let mut ch = Changes::new();
    ch.put(ou);
    Ok((ch, id))
}

/// UpdateOrganizationalUnit: a new name.
pub fn rename(state: &State, ctx: &Ctx, id: &str, name: Option<&str>) -> Result<Changes> {
    let mut ou = unit(state, ctx, id)?.clone();
    let mut ch = Changes::new();
    if let Some(name) = name {
        check_name(name)?;
        duplicate(state, managed(state, ctx)?, &ou.parent_id, name, Some(id))?;
        ou.name = name.into();
        ch.put(ou);
    }
    Ok(ch)
}

/// The accounts directly in a parent.
pub fn accounts_in<'a>(state: &'a State, org: &'a Organization, parent_id: &'a str) -> impl Iterator<Item = &'a Member> + 'a {
    crate::organization::members(state, org).filter(move |m| m.parent_id == parent_id)
}

/// The OUs directly in a parent.
pub fn units_in<'a>(state: &'a State, org: &'a Organization, parent_id: &'a str) -> impl Iterator<Item = &'a OrganizationalUnit> + 'a {
    let org_id = org.id.clone();
    state.organizational_units.owned_by(&org.owner, REGION).filter(move |u| u.organization_id == org_id && u.parent_id == parent_id)
}

/// DeleteOrganizationalUnit: only an empty OU.
pub fn delete(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let ou = unit(state, ctx, id)?;
    let org = managed(state, ctx)?;
    if accounts_in(state, org, id).next().is_some() || units_in(state, org, id).next().is_some() {
        return Err(err(OrgFault::OrganizationalUnitNotEmpty, "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again."));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::OrganizationalUnit, &ou.id);
    Ok(ch)
}

/// The parent (root or OU) the management account asks about:
/// `ParentNotFoundException`.
pub fn existing_parent<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<(&'a Organization, Parent<'a>)> {
    let org = managed(state, ctx)?;
    Ok((org, find(state, org, id, OrgFault::ParentNotFound)?))
}

/// MoveAccount from `source` to `destination`.
pub fn move_account(state: &State, ctx: &Ctx, account: &str, source: &str, destination: &str) -> Result<Changes> {
    let org = managed(state, ctx)?;
    crate::organization::check_account_id(account)?;
    find(state, org, source, OrgFault::SourceParentNotFound)?;
    find(state, org, destination, OrgFault::DestinationParentNotFound)?;
    let m = state
        .org_members
        .get(account)
        .filter(|m| m.organization_id == org.id && m.parent_id == source)
        .ok_or_else(|| err(OrgFault::AccountNotFound, "You specified an account that doesn't exist."))?;
    if source == destination {
        return Err(err(OrgFault::DuplicateAccount, "That account is already present in the specified destination."));
    }
    let mut m = m.clone();
    m.parent_id = destination.into();
    let mut ch = Changes::new();
    ch.put(m);
    Ok(ch)
}

/// ListParents: the one parent of an account or OU.
pub fn parent_of(state: &State, ctx: &Ctx, child: &str) -> Result<String> {
    let org = managed(state, ctx)?;
    let not_found = || err(OrgFault::ChildNotFound, "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.");
    if child.starts_with("ou-") {
        check_parent_id(child)?;
        return state.organizational_units.get(child).filter(|u| u.organization_id == org.id).map(|u| u.parent_id.clone()).ok_or_else(not_found);
    }
    crate::organization::check_account_id(child)?;
    state.org_members.get(child).filter(|m| m.organization_id == org.id).map(|m| m.parent_id.clone()).ok_or_else(not_found)
}

/// The tags of a taggable id (account, OU, root) of the caller's
/// organization, and how to store new ones: `TargetNotFoundException`.
pub fn edit_tags(state: &State, ctx: &Ctx, id: &str, add: &Tags, remove: &[String]) -> Result<Changes> {
    let org = managed(state, ctx)?;
    let apply = |t: &mut Tags| -> Result<()> {
        t.extend(add.iter().map(|(k, v)| (k.clone(), v.clone())));
        remove.iter().for_each(|k| {
            t.remove(k);
        });
        check_tags(t)
    };
    let mut ch = Changes::new();
    if id == org.root_id {
        let mut o = org.clone();
        apply(&mut o.root_tags)?;
        ch.put(o);
    } else if let Some(u) = state.organizational_units.get(id).filter(|u| u.organization_id == org.id) {
        let mut u = u.clone();
        apply(&mut u.tags)?;
        ch.put(u);
    } else if let Some(m) = state.org_members.get(id).filter(|m| m.organization_id == org.id) {
        let mut m = m.clone();
        apply(&mut m.tags)?;
        ch.put(m);
    } else {
        return Err(err(OrgFault::TargetNotFound, "We can't find a root, OU, account, or policy with the TargetId that you specified."));
    }
    Ok(ch)
}

/// The tags of a taggable id of the caller's organization.
pub fn tags_of(state: &State, ctx: &Ctx, id: &str) -> Result<Tags> {
    let org = managed(state, ctx)?;
    if id == org.root_id {
        return Ok(org.root_tags.clone());
    }
    if let Some(u) = state.organizational_units.get(id).filter(|u| u.organization_id == org.id) {
        return Ok(u.tags.clone());
    }
    if let Some(m) = state.org_members.get(id).filter(|m| m.organization_id == org.id) {
        return Ok(m.tags.clone());
    }
    Err(err(OrgFault::TargetNotFound, "We can't find a root, OU, account, or policy with the TargetId that you specified."))
}
