//! Customer-managed prefix lists: named sets of CIDR blocks of one family,
//! versioned (every change of entries is a new version; the name and the
//! maximum are not), referenced by routes (`DestinationPrefixListId`) and
//! security group rules (`PrefixListIds`), which then cover every entry of
//! the list's current version.
//!
//! AWS's rules (VPC user guide "Managed prefix lists", API reference
//! Create/Modify/RestoreManagedPrefixList(Version)): a change names the
//! current version when it wants to guard against concurrent writers
//! (`PrefixListVersionMismatch` otherwise); entries and the maximum do not
//! change in one call; the entries never exceed the maximum; a list in use
//! cannot be deleted (xvpc answers AWS's generic `DependencyViolation`).
//! Names starting with `com.amazonaws` are AWS's.

use serde::{Deserialize, Serialize};

use crate::cidr::{self, IpNet};
use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::route_table::Destination;
use crate::security_group::RulePeer;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// One entry of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub cidr: IpNet,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A customer-managed prefix list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManagedPrefixList {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    /// `IPv4` or `IPv6`.
    pub address_family: String,
    pub max_entries: i32,
    /// The entries of every version, oldest first: version `n` is
    /// `versions[n - 1]`.
    pub versions: Vec<Vec<Entry>>,
    pub tags: Tags,
}
crate::impl_owned!(ManagedPrefixList);

impl ManagedPrefixList {
    /// The current version (the first is 1).
    pub fn version(&self) -> i64 {
        self.versions.len() as i64
    }

    /// The entries of `version` (the current one when `None`).
    pub fn entries(&self, version: Option<i64>) -> Option<&[Entry]> {
        let v = version.unwrap_or_else(|| self.version());
        usize::try_from(v).ok().filter(|v| *v >= 1).and_then(|v| self.versions.get(v - 1)).map(Vec::as_slice)
    }

    /// The current version's blocks.
    pub fn blocks(&self) -> Vec<IpNet> {
        self.entries(None).unwrap_or_default().iter().map(|e| e.cidr).collect()
    }

    /// `arn:aws:ec2:<region>:<owner>:prefix-list/<id>`.
    pub fn arn(&self) -> String {
        format!("arn:aws:ec2:{}:{}:prefix-list/{}", self.region, self.owner, self.id)
    }
}

/// Whether `ctx`'s account sees list `l`: its own, or shared with it
/// through RAM (and accepted), in the list's region.
pub fn visible(state: &State, ctx: &Ctx, l: &ManagedPrefixList) -> bool {
    l.region == ctx.region && (l.owner == ctx.account || crate::ram::is_shared_with(state, &l.arn(), &ctx.account))
}

/// The lists `ctx`'s account sees: its own (from the index), then those
/// shared with it (from the shares it accepted).
pub fn visible_lists<'a>(state: &'a State, ctx: &Ctx) -> Vec<&'a ManagedPrefixList> {
    let mut out: Vec<&ManagedPrefixList> = state.managed_prefix_lists.scope(ctx).collect();
    let shared = state.resource_shares.values().filter(|s| s.region == ctx.region && s.reaches(state, &ctx.account));
    for a in shared.flat_map(|s| s.resources.iter()) {
        let id = a.entity.rsplit_once("prefix-list/").map(|(_, id)| id);
        if let Some(l) = id.and_then(|id| state.managed_prefix_lists.get(id)).filter(|l| visible(state, ctx, l) && !out.iter().any(|o| o.id == l.id)) {
            out.push(l);
        }
    }
    out
}

/// DescribeManagedPrefixLists' filters over customer lists.
pub const FILTERS: FilterTable<ManagedPrefixList> = FilterTable {
    tags: Some(|l, _| Some(&l.tags)),
    fields: &[
        ("owner-id", Field::Values(|l, _| one(&l.owner))),
        ("prefix-list-id", Field::Values(|l, _| one(&l.id))),
        ("prefix-list-name", Field::Values(|l, _| one(&l.name))),
    ],
};

/// Parses entries given for a list of `family`, refusing duplicates.
fn parse_entries(family: &str, given: &[(String, Option<String>)]) -> Result<Vec<Entry>> {
    let mut out: Vec<Entry> = Vec::new();
    for (c, description) in given {
        let cidr = match family {
            "IPv4" => cidr::parse_canonical(c).map(IpNet::V4),
            _ => cidr::parse_canonical_v6(c).map(IpNet::V6),
        }
        .ok_or_else(|| ModelError::InvalidParameterValue(format!("The CIDR '{c}' is not a valid {family} CIDR block.")))?;
        if out.iter().any(|e| e.cidr == cidr) {
            return Err(ModelError::InvalidParameterValue(format!("The prefix list entry {c} is specified more than once.")));
        }
        out.push(Entry { cidr, description: description.clone() });
    }
    Ok(out)
}

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > 255 {
        return Err(ModelError::InvalidParameterValue("The prefix list name must be 1 to 255 characters.".into()));
    }
    if name.to_ascii_lowercase().starts_with("com.amazonaws") {
        return Err(ModelError::InvalidParameterValue(format!("The prefix list name '{name}' cannot start with com.amazonaws.")));
    }
    Ok(())
}

fn too_many(max: i32) -> ModelError {
    ModelError::InvalidParameterValue(format!("The number of entries exceeds the maximum of {max}."))
}

/// Input of CreateManagedPrefixList. Entries are (CIDR, description).
#[derive(Debug, Clone, Default)]
pub struct CreateList {
    pub name: String,
    pub address_family: String,
    pub max_entries: i32,
    pub entries: Vec<(String, Option<String>)>,
    pub tags: Tags,
}

/// CreateManagedPrefixList: version 1 holds the given entries.
pub fn create(_state: &State, ctx: &Ctx, input: CreateList) -> Result<(Changes, String)> {
    check_name(&input.name)?;
    if !matches!(input.address_family.as_str(), "IPv4" | "IPv6") {
        return Err(ModelError::InvalidParameterValue(format!("Invalid value '{}' for AddressFamily. Valid values are IPv4 and IPv6.", input.address_family)));
    }
    if !(1..=1000).contains(&input.max_entries) {
        return Err(ModelError::InvalidParameterValue("MaxEntries must be between 1 and 1000.".into()));
    }
    let entries = parse_entries(&input.address_family, &input.entries)?;
    if entries.len() > input.max_entries as usize {
        return Err(too_many(input.max_entries));
    }
    let list = ManagedPrefixList {
        id: new_id("pl"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        name: input.name,
        address_family: input.address_family,
        max_entries: input.max_entries,
        versions: vec![entries],
        tags: input.tags,
    };
    let id = list.id.clone();
    let mut ch = Changes::new();
    ch.put(list);
    Ok((ch, id))
}

fn check_version(list: &ManagedPrefixList, current: Option<i64>) -> Result<()> {
    match current {
        Some(v) if v != list.version() => Err(ModelError::PrefixListVersionMismatch(format!(
            "The prefix list {} has the incorrect version number (current version {}).",
            list.id,
            list.version()
        ))),
        _ => Ok(()),
    }
}

/// Input of ModifyManagedPrefixList.
#[derive(Debug, Clone, Default)]
pub struct ModifyList {
    pub current_version: Option<i64>,
    pub name: Option<String>,
    pub max_entries: Option<i32>,
    pub add: Vec<(String, Option<String>)>,
    pub remove: Vec<String>,
}

/// ModifyManagedPrefixList: removals then additions make a new version
/// (re-adding a block replaces its description); a rename or a new maximum
/// keeps the version.
pub fn modify(state: &State, ctx: &Ctx, id: &str, m: ModifyList) -> Result<Changes> {
    let mut list = owned(&state.managed_prefix_lists, ctx, IdKind::PrefixList, id)?.clone();
    check_version(&list, m.current_version)?;
    let changes_entries = !(m.add.is_empty() && m.remove.is_empty());
    if let Some(max) = m.max_entries {
        if changes_entries {
            return Err(ModelError::InvalidParameterCombination("You cannot modify the entries of a prefix list and its maximum number of entries at the same time.".into()));
        }
        if !(1..=1000).contains(&max) {
            return Err(ModelError::InvalidParameterValue("MaxEntries must be between 1 and 1000.".into()));
        }
        if (max as usize) < list.blocks().len() {
            return Err(ModelError::InvalidParameterValue(format!("The prefix list {id} has more entries than {max}.")));
        }
        list.max_entries = max;
    }
    if let Some(n) = m.name {
        check_name(&n)?;
        list.name = n;
    }
    if changes_entries {
        let mut entries = list.entries(None).unwrap_or_default().to_vec();
        let remove = parse_entries(&list.address_family, &m.remove.iter().map(|c| (c.clone(), None)).collect::<Vec<_>>())?;
        for r in &remove {
            let before = entries.len();
            entries.retain(|e| e.cidr != r.cidr);
            if entries.len() == before {
                return Err(ModelError::InvalidParameterValue(format!("The prefix list entry {} does not exist in {id}.", r.cidr)));
            }
        }
        for a in parse_entries(&list.address_family, &m.add)? {
            entries.retain(|e| e.cidr != a.cidr);
            entries.push(a);
        }
        return new_version(list, entries);
    }
    let mut ch = Changes::new();
    ch.put(list);
    Ok(ch)
}

/// `entries` as the list's next version, within its maximum.
fn new_version(mut list: ManagedPrefixList, entries: Vec<Entry>) -> Result<Changes> {
    if entries.len() > list.max_entries as usize {
        return Err(too_many(list.max_entries));
    }
    list.versions.push(entries);
    let mut ch = Changes::new();
    ch.put(list);
    Ok(ch)
}

/// RestoreManagedPrefixListVersion: a new version with `previous`'s entries.
pub fn restore(state: &State, ctx: &Ctx, id: &str, previous: i64, current: i64) -> Result<Changes> {
    let list = owned(&state.managed_prefix_lists, ctx, IdKind::PrefixList, id)?.clone();
    check_version(&list, Some(current))?;
    let entries = list
        .entries(Some(previous))
        .ok_or_else(|| ModelError::InvalidParameterValue(format!("Version {previous} does not exist for prefix list {id}.")))?
        .to_vec();
    new_version(list, entries)
}

/// One resource that references a list (GetManagedPrefixListAssociations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Association {
    pub resource_id: String,
    pub resource_owner: String,
}

/// The route tables and security groups that reference list `id`.
pub fn associations(state: &State, id: &str) -> Vec<Association> {
    let mut out: Vec<Association> = Vec::new();
    for t in state.route_tables.values() {
        if t.routes.iter().any(|r| r.destination == Destination::PrefixList(id.to_string())) {
            out.push(Association { resource_id: t.id.clone(), resource_owner: t.owner.clone() });
        }
    }
    for g in state.security_groups.values() {
        if g.ingress.iter().chain(&g.egress).any(|r| r.peer == RulePeer::PrefixList(id.to_string())) {
            out.push(Association { resource_id: g.id.clone(), resource_owner: g.owner.clone() });
        }
    }
    out.sort_by(|a, b| a.resource_id.cmp(&b.resource_id));
    out
}

/// DeleteManagedPrefixList: refused while a route or rule references it.
pub fn delete(state: &State, ctx: &Ctx, id: &str) -> Result<(Changes, ManagedPrefixList)> {
    let list = owned(&state.managed_prefix_lists, ctx, IdKind::PrefixList, id)?;
    if let Some(a) = associations(state, id).first() {
        return Err(ModelError::DependencyViolation(format!("The prefix list {id} is referenced by {} and cannot be deleted.", a.resource_id)));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::ManagedPrefixList, id);
    Ok((ch, list.clone()))
}

#[cfg(test)]
#[path = "managed_prefix_list_tests.rs"]
mod tests;
