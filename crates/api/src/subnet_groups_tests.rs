//! Shape coverage of the three services' subnet groups: the populated
//! world's groups (two zones, one subnet dual-stack, tagged), serialized
//! through the generated serializers, carry every member botocore declares
//! under botocore's name, except those listed: members xvpc holds no value
//! for (a marker on a last page, Outposts, Redshift's platforms).

use xvpc_model::populated;
use xvpc_model::subnet_group::GroupService;
use xvpc_wire::shapes::{elasticache, rds, redshift};
use xvpc_wire::xml_output::body;

use crate::shape_coverage::missing;

#[test]
fn every_services_describe_output_carries_what_xvpc_holds() {
    let w = populated::world();
    let of = |service| w.state.subnet_groups.values().find(|g| g.service == service).expect("the world's group");

    let out = rds::DBSubnetGroupMessage { marker: None, db_subnet_groups: vec![crate::rds::group_shape(of(GroupService::Rds), &w.state)] };
    let xml = body(&out);
    assert_eq!(missing("rds", "DBSubnetGroupMessage", &xml), ["DBSubnetGroupMessage.Marker", "Outpost.Arn"], "{xml}");

    let group = crate::elasticache::group_shape(of(GroupService::ElastiCache), &w.state);
    let xml = body(&elasticache::CacheSubnetGroupMessage { marker: None, cache_subnet_groups: vec![group] });
    assert_eq!(missing("elasticache", "CacheSubnetGroupMessage", &xml), ["CacheSubnetGroupMessage.Marker", "Subnet.SubnetOutpost"], "{xml}");

    let group = crate::redshift::group_shape(of(GroupService::Redshift), &w.state);
    let xml = body(&redshift::ClusterSubnetGroupMessage { marker: None, cluster_subnet_groups: vec![group] });
    assert_eq!(missing("redshift", "ClusterSubnetGroupMessage", &xml), ["AvailabilityZone.SupportedPlatforms", "ClusterSubnetGroupMessage.Marker"], "{xml}");
}
