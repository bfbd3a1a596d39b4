//! Amazon RDS (awsQuery, 2014-10-31): DB subnet groups and their tags,
//! nothing else of RDS. Typed handlers over the generated `shapes::rds`.

use std::sync::OnceLock;

use xvpc_model::subnet_group::{self as model, GroupService, SubnetGroup};
use xvpc_model::State;
use xvpc_wire::shape::Empty;
use xvpc_wire::shapes::rds::{self as shape, ops};

use crate::call::{ActionTable, Call, QueryHandler};
use crate::errors::Result;
use crate::subnet_groups::describe;

const SERVICE: GroupService = GroupService::Rds;

const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateDBSubnetGroup, create_db_subnet_group),
    crate::typed!(ops::DescribeDBSubnetGroups, describe_db_subnet_groups),
    crate::typed!(ops::ModifyDBSubnetGroup, modify_db_subnet_group),
    crate::typed!(ops::DeleteDBSubnetGroup, delete_db_subnet_group),
    crate::typed!(ops::AddTagsToResource, add_tags_to_resource),
    crate::typed!(ops::RemoveTagsFromResource, remove_tags_from_resource),
    crate::typed!(ops::ListTagsForResource, list_tags_for_resource),
];

/// Every RDS action xvpc serves.
pub fn actions() -> &'static ActionTable {
    static TABLE: OnceLock<ActionTable> = OnceLock::new();
    TABLE.get_or_init(|| ActionTable::new(&[TYPED]))
}

fn pairs(tags: &[shape::Tag]) -> Vec<(String, String)> {
    tags.iter().map(|t| (t.key.clone().unwrap_or_default(), t.value.clone().unwrap_or_default())).collect()
}

/// A group as RDS describes it: subnets `Active` in their zones, the group
/// `Complete`, and `DUAL` among its network types when every subnet has an
/// IPv6 block.
pub(crate) fn group_shape(g: &SubnetGroup, state: &State) -> shape::DBSubnetGroup {
    let (_, v6) = g.address_families(state);
    let mut types = vec!["IPV4".to_string()];
    if v6 {
        types.push("DUAL".into());
    }
    shape::DBSubnetGroup {
        db_subnet_group_name: Some(g.name.clone()),
        db_subnet_group_description: Some(g.description.clone()),
        vpc_id: Some(g.vpc_id.clone()),
        subnet_group_status: Some("Complete".into()),
        subnets: g
            .subnets
            .iter()
            .map(|s| shape::Subnet {
                subnet_identifier: Some(s.subnet_id.clone()),
                subnet_availability_zone: Some(shape::AvailabilityZone { name: Some(s.availability_zone.clone()) }),
                subnet_outpost: Some(shape::Outpost::default()),
                subnet_status: Some("Active".into()),
            })
            .collect(),
        db_subnet_group_arn: Some(g.id.clone()),
        supported_network_types: types,
    }
}

fn stored(call: &Call, arn: &str) -> Option<shape::DBSubnetGroup> {
    call.state().subnet_groups.get(arn).map(|g| group_shape(g, call.state()))
}

fn create_db_subnet_group(call: &mut Call, input: shape::CreateDBSubnetGroupMessage) -> Result<shape::CreateDBSubnetGroupResult> {
    let create = model::CreateGroup {
        name: input.db_subnet_group_name,
        description: input.db_subnet_group_description,
        subnet_ids: input.subnet_ids,
        tags: pairs(&input.tags),
    };
    let (ch, arn) = model::create(call.state(), &call.ctx, SERVICE, create)?;
    call.commit(ch)?;
    Ok(shape::CreateDBSubnetGroupResult { db_subnet_group: stored(call, &arn) })
}

/// `Filters` is accepted and, as RDS documents ("This parameter isn't
/// currently supported"), selects nothing.
fn describe_db_subnet_groups(call: &mut Call, input: shape::DescribeDBSubnetGroupsMessage) -> Result<shape::DBSubnetGroupMessage> {
    let (rows, marker) = describe(call, SERVICE, input.db_subnet_group_name.as_deref(), input.max_records, input.marker.as_deref(), |_| true)?;
    Ok(shape::DBSubnetGroupMessage { marker, db_subnet_groups: rows.into_iter().map(|g| group_shape(g, call.state())).collect() })
}

fn modify_db_subnet_group(call: &mut Call, input: shape::ModifyDBSubnetGroupMessage) -> Result<shape::ModifyDBSubnetGroupResult> {
    let (ch, arn) = model::modify(call.state(), &call.ctx, SERVICE, &input.db_subnet_group_name, input.db_subnet_group_description, &input.subnet_ids)?;
    call.commit(ch)?;
    Ok(shape::ModifyDBSubnetGroupResult { db_subnet_group: stored(call, &arn) })
}

fn delete_db_subnet_group(call: &mut Call, input: shape::DeleteDBSubnetGroupMessage) -> Result<Empty> {
    let ch = model::delete(call.state(), &call.ctx, SERVICE, &input.db_subnet_group_name)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn add_tags_to_resource(call: &mut Call, input: shape::AddTagsToResourceMessage) -> Result<Empty> {
    let ch = model::tag(call.state(), &call.ctx, SERVICE, &input.resource_name, &pairs(&input.tags))?;
    call.commit(ch)?;
    Ok(Empty)
}

fn remove_tags_from_resource(call: &mut Call, input: shape::RemoveTagsFromResourceMessage) -> Result<Empty> {
    let ch = model::untag(call.state(), &call.ctx, SERVICE, &input.resource_name, &input.tag_keys)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn list_tags_for_resource(call: &mut Call, input: shape::ListTagsForResourceMessage) -> Result<shape::TagListMessage> {
    let g = model::by_arn(call.state(), &call.ctx, SERVICE, &input.resource_name)?;
    let tag_list = g.tags.iter().map(|(k, v)| shape::Tag { key: Some(k.clone()), value: Some(v.clone()) }).collect();
    Ok(shape::TagListMessage { tag_list })
}
