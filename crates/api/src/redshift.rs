//! Amazon Redshift (awsQuery, 2012-12-01): cluster subnet groups and their
//! tags, nothing else of Redshift. Typed handlers over the generated
//! `shapes::redshift`.

use std::sync::OnceLock;

use xvpc_model::subnet_group::{self as model, GroupService, SubnetGroup};
use xvpc_model::tags::Tags;
use xvpc_model::State;
use xvpc_wire::shape::Empty;
use xvpc_wire::shapes::redshift::{self as shape, ops};

use crate::call::{ActionTable, Call, QueryHandler};
use crate::errors::Result;
use crate::subnet_groups::{describe, page};

const SERVICE: GroupService = GroupService::Redshift;

/// DescribeTags' name of the one resource type xvpc keeps (the type in its
/// ARNs, as Redshift reports it).
const RESOURCE_TYPE: &str = "subnetgroup";

const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateClusterSubnetGroup, create_cluster_subnet_group),
    crate::typed!(ops::DescribeClusterSubnetGroups, describe_cluster_subnet_groups),
    crate::typed!(ops::ModifyClusterSubnetGroup, modify_cluster_subnet_group),
    crate::typed!(ops::DeleteClusterSubnetGroup, delete_cluster_subnet_group),
    crate::typed!(ops::CreateTags, create_tags),
    crate::typed!(ops::DeleteTags, delete_tags),
    crate::typed!(ops::DescribeTags, describe_tags),
];

/// Every Redshift action xvpc serves.
pub fn actions() -> &'static ActionTable {
    static TABLE: OnceLock<ActionTable> = OnceLock::new();
    TABLE.get_or_init(|| ActionTable::new(&[TYPED]))
}

fn pairs(tags: &[shape::Tag]) -> Vec<(String, String)> {
    tags.iter().map(|t| (t.key.clone().unwrap_or_default(), t.value.clone().unwrap_or_default())).collect()
}

fn tag_shapes(tags: &Tags) -> Vec<shape::Tag> {
    tags.iter().map(|(k, v)| shape::Tag { key: Some(k.clone()), value: Some(v.clone()) }).collect()
}

/// A group as Redshift describes it, tags included; `dualstack` among its
/// address types when every subnet has an IPv6 block.
pub(crate) fn group_shape(g: &SubnetGroup, state: &State) -> shape::ClusterSubnetGroup {
    let (_, v6) = g.address_families(state);
    let mut types = vec!["ipv4".to_string()];
    if v6 {
        types.push("dualstack".into());
    }
    shape::ClusterSubnetGroup {
        cluster_subnet_group_name: Some(g.name.clone()),
        description: Some(g.description.clone()),
        vpc_id: Some(g.vpc_id.clone()),
        subnet_group_status: Some("Complete".into()),
        subnets: g
            .subnets
            .iter()
            .map(|s| shape::Subnet {
                subnet_identifier: Some(s.subnet_id.clone()),
                subnet_availability_zone: Some(shape::AvailabilityZone { name: Some(s.availability_zone.clone()), supported_platforms: vec![] }),
                subnet_status: Some("Active".into()),
            })
            .collect(),
        tags: tag_shapes(&g.tags),
        supported_cluster_ip_address_types: types,
    }
}

fn stored(call: &Call, arn: &str) -> Option<shape::ClusterSubnetGroup> {
    call.state().subnet_groups.get(arn).map(|g| group_shape(g, call.state()))
}

/// Redshift's `TagKeys`/`TagValues` selection: a resource with any of the
/// keys, and any of the values (each list only when given).
fn tags_match(tags: &Tags, keys: &[String], values: &[String]) -> bool {
    (keys.is_empty() || keys.iter().any(|k| tags.contains_key(k))) && (values.is_empty() || tags.values().any(|v| values.contains(v)))
}

fn create_cluster_subnet_group(call: &mut Call, input: shape::CreateClusterSubnetGroupMessage) -> Result<shape::CreateClusterSubnetGroupResult> {
    let create = model::CreateGroup {
        name: input.cluster_subnet_group_name,
        description: input.description,
        subnet_ids: input.subnet_ids,
        tags: pairs(&input.tags),
    };
    let (ch, arn) = model::create(call.state(), &call.ctx, SERVICE, create)?;
    call.commit(ch)?;
    Ok(shape::CreateClusterSubnetGroupResult { cluster_subnet_group: stored(call, &arn) })
}

fn describe_cluster_subnet_groups(call: &mut Call, input: shape::DescribeClusterSubnetGroupsMessage) -> Result<shape::ClusterSubnetGroupMessage> {
    let (keys, values) = (&input.tag_keys, &input.tag_values);
    let (rows, marker) =
        describe(call, SERVICE, input.cluster_subnet_group_name.as_deref(), input.max_records, input.marker.as_deref(), |g| tags_match(&g.tags, keys, values))?;
    Ok(shape::ClusterSubnetGroupMessage { marker, cluster_subnet_groups: rows.into_iter().map(|g| group_shape(g, call.state())).collect() })
}

fn modify_cluster_subnet_group(call: &mut Call, input: shape::ModifyClusterSubnetGroupMessage) -> Result<shape::ModifyClusterSubnetGroupResult> {
    let (ch, arn) = model::modify(call.state(), &call.ctx, SERVICE, &input.cluster_subnet_group_name, input.description, &input.subnet_ids)?;
    call.commit(ch)?;
    Ok(shape::ModifyClusterSubnetGroupResult { cluster_subnet_group: stored(call, &arn) })
}

fn delete_cluster_subnet_group(call: &mut Call, input: shape::DeleteClusterSubnetGroupMessage) -> Result<Empty> {
    let ch = model::delete(call.state(), &call.ctx, SERVICE, &input.cluster_subnet_group_name)?;
    call.commit(ch)?;
    Ok(Empty)
}

fn create_tags(call: &mut Call, input: shape::CreateTagsMessage) -> Result<Empty> {
    let ch = model::tag(call.state(), &call.ctx, SERVICE, &input.resource_name, &pairs(&input.tags))?;
    call.commit(ch)?;
    Ok(Empty)
}

fn delete_tags(call: &mut Call, input: shape::DeleteTagsMessage) -> Result<Empty> {
    let ch = model::untag(call.state(), &call.ctx, SERVICE, &input.resource_name, &input.tag_keys)?;
    call.commit(ch)?;
    Ok(Empty)
}

/// One row per tag of the resource named, or of every subnet group; a
/// `ResourceType` other than subnet groups lists nothing xvpc keeps.
fn describe_tags(call: &mut Call, input: shape::DescribeTagsMessage) -> Result<shape::TaggedResourceListMessage> {
    let s = call.state();
    let groups: Vec<&SubnetGroup> = match &input.resource_name {
        Some(arn) => vec![model::by_arn(s, &call.ctx, SERVICE, arn)?],
        None => model::list(s, &call.ctx, SERVICE),
    };
    let type_ok = input.resource_type.as_deref().is_none_or(|t| t.replace(' ', "").eq_ignore_ascii_case(RESOURCE_TYPE));
    let mut rows = Vec::new();
    for g in groups.into_iter().filter(|_| type_ok) {
        for (k, v) in &g.tags {
            let one = Tags::from([(k.clone(), v.clone())]);
            if tags_match(&one, &input.tag_keys, &input.tag_values) {
                rows.push((g.id.clone(), k.clone(), v.clone()));
            }
        }
    }
    let (rows, marker) = page(rows, input.max_records, input.marker.as_deref(), |(arn, k, _)| format!("{arn}\u{0}{k}"))?;
    let tagged_resources = rows
        .into_iter()
        .map(|(arn, k, v)| shape::TaggedResource {
            tag: Some(shape::Tag { key: Some(k), value: Some(v) }),
            resource_name: Some(arn),
            resource_type: Some(RESOURCE_TYPE.into()),
        })
        .collect();
    Ok(shape::TaggedResourceListMessage { tagged_resources, marker })
}
