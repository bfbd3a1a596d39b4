//! Prefix lists: DescribePrefixLists (the AWS-managed S3 and DynamoDB
//! lists), DescribeManagedPrefixLists and GetManagedPrefixListEntries.

use xvpc_model::prefix_list::{self, PrefixList};
use xvpc_model::filter::FilterTable;
use xvpc_model::managed_prefix_list as mpl;
use xvpc_model::{IdKind, ModelError};
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::managed_prefix_list::{list_shape, settled_state};
use super::{filter_list, paginate_by, require_all};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::DescribePrefixLists, describe_prefix_lists),
    crate::typed!(ops::DescribeManagedPrefixLists, describe_managed_prefix_lists),
    crate::typed!(ops::GetManagedPrefixListEntries, get_managed_prefix_list_entries),
];

/// DescribeManagedPrefixLists and GetManagedPrefixListEntries take 1-100.
const PAGE: (i64, i64) = (1, 100);

/// The `PrefixList` structure AWS describes.
pub fn prefix_list_shape(l: &PrefixList) -> shape::PrefixList {
    shape::PrefixList { cidrs: l.cidr_strings(), prefix_list_id: Some(l.id.clone()), prefix_list_name: Some(l.name.clone()) }
}

/// The AWS-managed lists of the caller's region that `ids` (all when
/// empty; an unknown one is NotFound) and `filters` select.
fn select_aws(call: &Call, ids: &[String], filters: &[shape::Filter], table: &FilterTable<PrefixList>) -> Result<Vec<PrefixList>> {
    let lists = prefix_list::managed(&call.ctx);
    require_all(ids, |id| lists.iter().any(|l| l.id == id), IdKind::PrefixList)?;
    let wanted = lists.into_iter().filter(|l| ids.is_empty() || ids.contains(&l.id));
    Ok(table.select(&filter_list(filters), call.state(), &call.ctx, wanted)?)
}

fn describe_prefix_lists(call: &mut Call, input: shape::DescribePrefixListsRequest) -> Result<shape::DescribePrefixListsResult> {
    let out = select_aws(call, &input.prefix_list_ids, &input.filters, &prefix_list::FILTERS)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |l| l.id.clone(), (5, 1000))?;
    Ok(shape::DescribePrefixListsResult { prefix_lists: page.iter().map(prefix_list_shape).collect(), next_token: next })
}

/// An AWS-managed list as DescribeManagedPrefixLists shows it: owner `AWS`,
/// no version and no maximum (AWS manages them).
pub fn managed_shape(l: &PrefixList) -> shape::ManagedPrefixList {
    shape::ManagedPrefixList {
        prefix_list_id: Some(l.id.clone()),
        address_family: Some("IPv4".into()),
        state: Some(shape::PrefixListState::CreateComplete),
        prefix_list_arn: Some(l.arn()),
        prefix_list_name: Some(l.name.clone()),
        owner_id: Some(prefix_list::AWS_OWNER.into()),
        ..Default::default()
    }
}

/// AWS's lists of the region and the caller's own.
pub(crate) fn describe_managed_prefix_lists(call: &mut Call, input: shape::DescribeManagedPrefixListsRequest) -> Result<shape::DescribeManagedPrefixListsResult> {
    let ids = input.prefix_list_ids;
    let s = call.state();
    let ctx = &call.ctx;
    require_all(&ids, |id| prefix_list::exists(s, ctx, id), IdKind::PrefixList)?;
    let wanted = |id: &str| ids.is_empty() || ids.iter().any(|i| i == id);
    let fs = filter_list(&input.filters);
    let aws = prefix_list::managed(ctx).into_iter().filter(|l| wanted(&l.id));
    let mut out: Vec<shape::ManagedPrefixList> = prefix_list::MANAGED_FILTERS.select(&fs, s, ctx, aws)?.iter().map(managed_shape).collect();
    // The caller's own lists and those shared with it.
    let own = mpl::visible_lists(s, ctx).into_iter().filter(|l| wanted(&l.id));
    out.extend(mpl::FILTERS.select(&fs, s, ctx, own)?.into_iter().map(|l| list_shape(l, settled_state(l))));
    out.sort_by(|a, b| a.prefix_list_id.cmp(&b.prefix_list_id));
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |l| l.prefix_list_id.clone().unwrap_or_default(), PAGE)?;
    Ok(shape::DescribeManagedPrefixListsResult { prefix_lists: page, next_token: next })
}

pub(crate) fn get_managed_prefix_list_entries(call: &mut Call, input: shape::GetManagedPrefixListEntriesRequest) -> Result<shape::GetManagedPrefixListEntriesResult> {
    let id = &input.prefix_list_id;
    xvpc_model::ids::check(IdKind::PrefixList, id)?;
    let s = call.state();
    let entries: Vec<shape::PrefixListEntry> = match s.managed_prefix_lists.get(id).filter(|l| mpl::visible(s, &call.ctx, l)) {
        // A customer list's entries of the asked version (the current one by default).
        Some(l) => l
            .entries(input.target_version)
            .ok_or_else(|| ModelError::InvalidParameterValue(format!("Version {} does not exist for prefix list {id}.", input.target_version.unwrap_or_default())))?
            .iter()
            .map(|e| shape::PrefixListEntry { cidr: Some(e.cidr.to_string()), description: e.description.clone() })
            .collect(),
        None => {
            let l = prefix_list::find(&call.ctx.region, id).ok_or_else(|| ModelError::NotFound(IdKind::PrefixList, id.clone()))?;
            l.cidr_strings().into_iter().map(|c| shape::PrefixListEntry { cidr: Some(c), description: None }).collect()
        }
    };
    let (page, next) = paginate_by(entries, input.max_results.map(i64::from), input.next_token.as_deref(), |e| e.cidr.clone().unwrap_or_default(), PAGE)?;
    Ok(shape::GetManagedPrefixListEntriesResult { entries: page, next_token: next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_prefix_lists_carries_every_member() {
        let ctx = xvpc_model::Ctx::new("111111111111", "us-east-1", 0);
        let out = shape::DescribePrefixListsResult {
            prefix_lists: prefix_list::managed(&ctx).iter().map(prefix_list_shape).collect(),
            next_token: Some("token".into()),
        };
        let xml = xvpc_wire::xml_output::body(&out);
        assert_eq!(missing("ec2", "DescribePrefixListsResult", &xml), Vec::<String>::new());
        assert!(xml.contains("<cidrSet><item>198.19.192.0/24</item>"), "{xml}");
    }

    #[test]
    fn describe_managed_prefix_lists_carries_every_member() {
        let w = xvpc_model::populated::world();
        let mut lists: Vec<shape::ManagedPrefixList> = w.state.managed_prefix_lists.values().map(|l| list_shape(l, settled_state(l))).collect();
        assert!(!lists.is_empty());
        lists.extend(prefix_list::managed(&w.ctx).iter().map(managed_shape));
        let out = shape::DescribeManagedPrefixListsResult { prefix_lists: lists, next_token: Some("token".into()) };
        let xml = xvpc_wire::xml_output::body(&out);
        // No IPAM resolvers; a list never fails, so it has no state message.
        assert_eq!(
            missing("ec2", "DescribeManagedPrefixListsResult", &xml),
            ["ManagedPrefixList.IpamPrefixListResolverSyncEnabled", "ManagedPrefixList.IpamPrefixListResolverTargetId", "ManagedPrefixList.StateMessage"]
        );
        assert!(xml.contains("<state>modify-complete</state>") && xml.contains("<version>2</version>"), "{xml}");
    }
}
