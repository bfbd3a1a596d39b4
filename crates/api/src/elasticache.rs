//! Amazon ElastiCache (awsQuery, 2015-02-02): cache subnet groups and their
//! tags, nothing else of ElastiCache. Typed handlers over the generated
//! `shapes::elasticache`.

use std::sync::OnceLock;

use xvpc_model::subnet_group::{self as model, GroupService, SubnetGroup};
use xvpc_model::State;
use xvpc_wire::shape::Empty;
use xvpc_wire::shapes::elasticache::{self as shape, ops, NetworkType};

use crate::call::{ActionTable, Call, QueryHandler};
use crate::errors::Result;
use crate::subnet_groups::describe;

const SERVICE: GroupService = GroupService::ElastiCache;

const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateCacheSubnetGroup, create_cache_subnet_group),
    crate::typed!(ops::DescribeCacheSubnetGroups, describe_cache_subnet_groups),
    crate::typed!(ops::ModifyCacheSubnetGroup, modify_cache_subnet_group),
    crate::typed!(ops::DeleteCacheSubnetGroup, delete_cache_subnet_group),
    crate::typed!(ops::AddTagsToResource, add_tags_to_resource),
    crate::typed!(ops::RemoveTagsFromResource, remove_tags_from_resource),
    crate::typed!(ops::ListTagsForResource, list_tags_for_resource),
];

/// Every ElastiCache action xvpc serves.
pub fn actions() -> &'static ActionTable {
    static TABLE: OnceLock<ActionTable> = OnceLock::new();
    TABLE.get_or_init(|| ActionTable::new(&[TYPED]))
}

fn pairs(tags: &[shape::Tag]) -> Vec<(String, String)> {
    tags.iter().map(|t| (t.key.clone().unwrap_or_default(), t.value.clone().unwrap_or_default())).collect()
}

/// The network types a subnet supports: `ipv4` with an IPv4 block,
/// `dual_stack` with both blocks, `ipv6` when IPv6-only.
fn network_types((v4, v6): (bool, bool)) -> Vec<NetworkType> {
    match (v4, v6) {
        (true, true) => vec![NetworkType::Ipv4, NetworkType::DualStack],
        (true, false) => vec![NetworkType::Ipv4],
        (false, true) => vec![NetworkType::Ipv6],
        (false, false) => vec![],
    }
}

/// A group as ElastiCache describes it; the group supports the network
/// types every one of its subnets supports.
pub(crate) fn group_shape(g: &SubnetGroup, state: &State) -> shape::CacheSubnetGroup {
    let families = g.subnet_families(state);
    let per_subnet: Vec<Vec<NetworkType>> = families.iter().map(|f| network_types(*f)).collect();
    let common = [NetworkType::Ipv4, NetworkType::Ipv6, NetworkType::DualStack].into_iter().filter(|t| per_subnet.iter().all(|s| s.contains(t))).collect();
    shape::CacheSubnetGroup {
        cache_subnet_group_name: Some(g.name.clone()),
        cache_subnet_group_description: Some(g.description.clone()),
        vpc_id: Some(g.vpc_id.clone()),
        subnets: g
            .subnets
            .iter()
            .zip(per_subnet)
            .map(|(s, types)| shape::Subnet {
                subnet_identifier: Some(s.subnet_id.clone()),
                subnet_availability_zone: Some(shape::AvailabilityZone { name: Some(s.availability_zone.clone()) }),
                subnet_outpost: None,
                supported_network_types: types,
            })
            .collect(),
        arn: Some(g.id.clone()),
        supported_network_types: common,
    }
}

fn stored(call: &Call, arn: &str) -> Option<shape::CacheSubnetGroup> {
    call.state().subnet_groups.get(arn).map(|g| group_shape(g, call.state()))
}

fn create_cache_subnet_group(call: &mut Call, input: shape::CreateCacheSubnetGroupMessage) -> Result<shape::CreateCacheSubnetGroupResult> {
    let create = model::CreateGroup {
        name: input.cache_subnet_group_name,
        description: input.cache_subnet_group_description,
        subnet_ids: input.subnet_ids,
        tags: pairs(&input.tags),
    };
    let (ch, arn) = model::create(call.state(), &call.ctx, SERVICE, create)?;
    call.commit(ch)?;
    Ok(shape::CreateCacheSubnetGroupResult { cache_subnet_group: stored(call, &arn) })
}

fn describe_cache_subnet_groups(call: &mut Call, input: shape::DescribeCacheSubnetGroupsMessage) -> Result<shape::CacheSubnetGroupMessage> {
    let (rows, marker) = describe(call, SERVICE, input.cache_subnet_group_name.as_deref(), input.max_records, input.marker.as_deref(), |_| true)?;
    Ok(shape::CacheSubnetGroupMessage { marker, cache_subnet_groups: rows.into_iter().map(|g| group_shape(g, call.state())).collect() })
}

fn modify_cache_subnet_group(call: &mut Call, input: shape::ModifyCacheSubnetGroupMessage) -> Result<shape::ModifyCacheSubnetGroupResult> {
    let name = input.cache_subnet_group_name;
    // Without SubnetIds the group keeps its subnets (only the description changes).
    let subnet_ids = if input.subnet_ids.is_empty() {
        model::find(call.state(), &call.ctx, SERVICE, &name)?.subnets.iter().map(|s| s.subnet_id.clone()).collect()
    } else {
        input.subnet_ids
    };
    let (ch, arn) = model::modify(call.state(), &call.ctx, SERVICE, &name, input.cache_subnet_group_description, &subnet_ids)?;
    call.commit(ch)?;
    Ok(shape::ModifyCacheSubnetGroupResult { cache_subnet_group: stored(call, &arn) })
}

fn delete_cache_subnet_group(call: &mut Call, input: shape::DeleteCacheSubnetGroupMessage) -> Result<Empty> {
    let ch = model::delete(call.state(), &call.ctx, SERVICE, &input.cache_subnet_group_name)?;
    call.commit(ch)?;
    Ok(Empty)
}

/// The tags of the resource after a tagging call (ElastiCache answers them).
fn tag_list(call: &Call, arn: &str) -> Result<shape::TagListMessage> {
    let g = model::by_arn(call.state(), &call.ctx, SERVICE, arn)?;
    Ok(shape::TagListMessage { tag_list: g.tags.iter().map(|(k, v)| shape::Tag { key: Some(k.clone()), value: Some(v.clone()) }).collect() })
}

fn add_tags_to_resource(call: &mut Call, input: shape::AddTagsToResourceMessage) -> Result<shape::TagListMessage> {
    let ch = model::tag(call.state(), &call.ctx, SERVICE, &input.resource_name, &pairs(&input.tags))?;
    call.commit(ch)?;
    tag_list(call, &input.resource_name)
}

fn remove_tags_from_resource(call: &mut Call, input: shape::RemoveTagsFromResourceMessage) -> Result<shape::TagListMessage> {
    let ch = model::untag(call.state(), &call.ctx, SERVICE, &input.resource_name, &input.tag_keys)?;
    call.commit(ch)?;
    tag_list(call, &input.resource_name)
}

fn list_tags_for_resource(call: &mut Call, input: shape::ListTagsForResourceMessage) -> Result<shape::TagListMessage> {
    tag_list(call, &input.resource_name)
}
