//! Customer-managed prefix lists: Create/Modify/Delete, versions
//! (RestoreManagedPrefixListVersion) and the resources that reference a
//! list (GetManagedPrefixListAssociations). Describe and entries of both
//! kinds of list are in `prefix_list.rs`.

use xvpc_model::managed_prefix_list::{self as mpl, CreateList, ManagedPrefixList, ModifyList};
use xvpc_model::IdKind;
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{paginate_by, tag_set, tags_from_specs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateManagedPrefixList, create_managed_prefix_list),
    crate::typed!(ops::ModifyManagedPrefixList, modify_managed_prefix_list),
    crate::typed!(ops::DeleteManagedPrefixList, delete_managed_prefix_list),
    crate::typed!(ops::RestoreManagedPrefixListVersion, restore_managed_prefix_list_version),
    crate::typed!(ops::GetManagedPrefixListAssociations, get_managed_prefix_list_associations),
];

/// A customer list as DescribeManagedPrefixLists shows it. Changes apply
/// at once, so a list is always in the completed state of its last change.
pub fn list_shape(l: &ManagedPrefixList, state: shape::PrefixListState) -> shape::ManagedPrefixList {
    shape::ManagedPrefixList {
        prefix_list_id: Some(l.id.clone()),
        address_family: Some(l.address_family.clone()),
        state: Some(state),
        prefix_list_arn: Some(l.arn()),
        prefix_list_name: Some(l.name.clone()),
        max_entries: Some(l.max_entries),
        version: Some(l.version()),
        tags: tag_set(&l.tags),
        owner_id: Some(l.owner.clone()),
        ..Default::default()
    }
}

/// The state a list shows: `create-complete` until its first change.
pub fn settled_state(l: &ManagedPrefixList) -> shape::PrefixListState {
    if l.version() > 1 {
        shape::PrefixListState::ModifyComplete
    } else {
        shape::PrefixListState::CreateComplete
    }
}

fn entries(given: &[shape::AddPrefixListEntry]) -> Vec<(String, Option<String>)> {
    given.iter().map(|e| (e.cidr.clone(), e.description.clone())).collect()
}

fn create_managed_prefix_list(call: &mut Call, input: shape::CreateManagedPrefixListRequest) -> Result<shape::CreateManagedPrefixListResult> {
    let create = CreateList {
        name: input.prefix_list_name,
        address_family: input.address_family,
        max_entries: input.max_entries,
        entries: entries(&input.entries),
        tags: tags_from_specs(&input.tag_specifications, "prefix-list")?,
    };
    let (ch, id) = mpl::create(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    let l = &call.state().managed_prefix_lists[&id];
    Ok(shape::CreateManagedPrefixListResult { prefix_list: Some(list_shape(l, shape::PrefixListState::CreateInProgress)) })
}

fn modify_managed_prefix_list(call: &mut Call, input: shape::ModifyManagedPrefixListRequest) -> Result<shape::ModifyManagedPrefixListResult> {
    if input.ipam_prefix_list_resolver_sync_enabled.is_some() {
        return Err(super::unsupported("IPAM prefix list resolvers"));
    }
    let m = ModifyList {
        current_version: input.current_version,
        name: input.prefix_list_name,
        max_entries: input.max_entries,
        add: entries(&input.add_entries),
        remove: input.remove_entries.into_iter().map(|e| e.cidr).collect(),
    };
    let ch = mpl::modify(call.state(), &call.ctx, &input.prefix_list_id, m)?;
    call.commit(ch)?;
    let l = &call.state().managed_prefix_lists[&input.prefix_list_id];
    Ok(shape::ModifyManagedPrefixListResult { prefix_list: Some(list_shape(l, shape::PrefixListState::ModifyInProgress)) })
}

fn restore_managed_prefix_list_version(
    call: &mut Call,
    input: shape::RestoreManagedPrefixListVersionRequest,
) -> Result<shape::RestoreManagedPrefixListVersionResult> {
    let ch = mpl::restore(call.state(), &call.ctx, &input.prefix_list_id, input.previous_version, input.current_version)?;
    call.commit(ch)?;
    let l = &call.state().managed_prefix_lists[&input.prefix_list_id];
    Ok(shape::RestoreManagedPrefixListVersionResult { prefix_list: Some(list_shape(l, shape::PrefixListState::RestoreInProgress)) })
}

fn delete_managed_prefix_list(call: &mut Call, input: shape::DeleteManagedPrefixListRequest) -> Result<shape::DeleteManagedPrefixListResult> {
    xvpc_model::ids::check(IdKind::PrefixList, &input.prefix_list_id)?;
    let (ch, gone) = mpl::delete(call.state(), &call.ctx, &input.prefix_list_id)?;
    call.commit(ch)?;
    Ok(shape::DeleteManagedPrefixListResult { prefix_list: Some(list_shape(&gone, shape::PrefixListState::DeleteInProgress)) })
}

fn get_managed_prefix_list_associations(
    call: &mut Call,
    input: shape::GetManagedPrefixListAssociationsRequest,
) -> Result<shape::GetManagedPrefixListAssociationsResult> {
    xvpc_model::ids::check(IdKind::PrefixList, &input.prefix_list_id)?;
    let s = call.state();
    xvpc_model::state::owned(&s.managed_prefix_lists, &call.ctx, IdKind::PrefixList, &input.prefix_list_id)?;
    let all = mpl::associations(s, &input.prefix_list_id);
    let (page, next) = paginate_by(all, input.max_results.map(i64::from), input.next_token.as_deref(), |a| a.resource_id.clone(), (5, 255))?;
    Ok(shape::GetManagedPrefixListAssociationsResult {
        prefix_list_associations: page
            .into_iter()
            .map(|a| shape::PrefixListAssociation { resource_id: Some(a.resource_id), resource_owner: Some(a.resource_owner) })
            .collect(),
        next_token: next,
    })
}
