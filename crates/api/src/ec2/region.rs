//! Regions, availability zones and account attributes.

use xvpc_model::region::{self, Region, Zone};
use xvpc_model::{instance, network_interface, vpc, Ctx, State};
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::filter_list;
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::DescribeRegions, describe_regions),
    crate::typed!(ops::DescribeAvailabilityZones, describe_availability_zones),
    crate::typed!(ops::DescribeAccountAttributes, describe_account_attributes),
];

/// Every region xvpc emulates is enabled for every account.
const OPT_IN_NOT_REQUIRED: &str = "opt-in-not-required";

fn region_shape(r: &Region) -> shape::Region {
    shape::Region {
        region_name: Some(r.name.into()),
        endpoint: Some(region::endpoint(r)),
        opt_in_status: Some(OPT_IN_NOT_REQUIRED.into()),
        ..Default::default()
    }
}

/// A zone as AWS describes an availability zone (no Local or Wavelength
/// zones: the zone group is the region).
fn zone_shape(z: &Zone) -> shape::AvailabilityZone {
    shape::AvailabilityZone {
        zone_name: Some(z.name.clone()),
        zone_id: Some(z.zone_id.clone()),
        state: Some(shape::AvailabilityZoneState::Available),
        region_name: Some(z.region.into()),
        opt_in_status: Some(shape::AvailabilityZoneOptInStatus::OptInNotRequired),
        group_name: Some(z.region.into()),
        group_long_name: Some(z.region.into()),
        network_border_group: Some(z.region.into()),
        zone_type: Some("availability-zone".into()),
        ..Default::default()
    }
}

fn describe_regions(call: &mut Call, input: shape::DescribeRegionsRequest) -> Result<shape::DescribeRegionsResult> {
    // `AllRegions` changes nothing: no region needs opting in.
    let listed = region::named_regions(&input.region_names)?;
    let rows = region::REGION_FILTERS.select(&filter_list(&input.filters), call.state(), &call.ctx, listed.into_iter())?;
    Ok(shape::DescribeRegionsResult { regions: rows.into_iter().map(region_shape).collect() })
}

fn describe_availability_zones(call: &mut Call, input: shape::DescribeAvailabilityZonesRequest) -> Result<shape::DescribeAvailabilityZonesResult> {
    let zones = region::named_zones(&call.ctx.account, &call.ctx.region, &input.zone_names, &input.zone_ids)?;
    let rows = region::ZONE_FILTERS.select(&filter_list(&input.filters), call.state(), &call.ctx, zones.iter())?;
    Ok(shape::DescribeAvailabilityZonesResult { availability_zones: rows.into_iter().map(zone_shape).collect() })
}

fn describe_account_attributes(call: &mut Call, input: shape::DescribeAccountAttributesRequest) -> Result<shape::DescribeAccountAttributesResult> {
    Ok(shape::DescribeAccountAttributesResult { account_attributes: account_attributes(call.state(), &call.ctx, &input.attribute_names) })
}

/// The caller's account attributes (those `wanted`, every one when empty):
/// its default VPC (`none` without one) and the quotas xvpc enforces.
fn account_attributes(state: &State, ctx: &Ctx, wanted: &[shape::AccountAttributeName]) -> Vec<shape::AccountAttribute> {
    let default_vpc = vpc::default_vpc(state, ctx).map_or_else(|| "none".to_string(), |v| v.id.clone());
    let attrs: [(&str, String); 6] = [
        (shape::AccountAttributeName::SupportedPlatforms.as_str(), "VPC".into()),
        (shape::AccountAttributeName::DefaultVpc.as_str(), default_vpc),
        ("max-instances", instance::MAX_PER_REQUEST.to_string()),
        ("vpc-max-security-groups-per-interface", network_interface::GROUPS_PER_INTERFACE.to_string()),
        ("max-elastic-ips", "5".into()),
        ("vpc-max-elastic-ips", "5".into()),
    ];
    attrs
        .into_iter()
        .filter(|(name, _)| wanted.is_empty() || wanted.iter().any(|w| w.as_str() == *name))
        .map(|(name, value)| shape::AccountAttribute {
            attribute_name: Some(name.into()),
            attribute_values: vec![shape::AccountAttributeValue { attribute_value: Some(value) }],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xvpc_wire::xml_output::body;

    /// Regions and zones carry every member xvpc knows under botocore's
    /// names; the rest (geography, parent zones, messages) xvpc does not
    /// hold.
    #[test]
    fn regions_and_zones_carry_every_member_xvpc_holds() {
        let regions = shape::DescribeRegionsResult { regions: region::REGIONS.iter().map(region_shape).collect() };
        let xml = body(&regions);
        assert_eq!(crate::shape_coverage::missing("ec2", "DescribeRegionsResult", &xml), ["Region.Geography"], "{xml}");
        let zones = region::zones_in("111111111111", "us-east-1").unwrap();
        let out = shape::DescribeAvailabilityZonesResult { availability_zones: zones.iter().map(zone_shape).collect() };
        let xml = body(&out);
        let not_held = [
            "AvailabilityZone.Geography",
            "AvailabilityZone.Messages",
            "AvailabilityZone.ParentZoneId",
            "AvailabilityZone.ParentZoneName",
            "AvailabilityZone.SubGeography",
        ];
        assert_eq!(crate::shape_coverage::missing("ec2", "DescribeAvailabilityZonesResult", &xml), not_held, "{xml}");
        assert!(xml.contains("<zoneState>available</zoneState>"), "{xml}");
    }

    #[test]
    fn account_attributes_carry_every_member() {
        let w = xvpc_model::populated::world();
        let all = shape::DescribeAccountAttributesResult { account_attributes: account_attributes(&w.state, &w.ctx, &[]) };
        assert_eq!(crate::shape_coverage::missing("ec2", "DescribeAccountAttributesResult", &body(&all)), Vec::<String>::new());
        let names: Vec<_> = all.account_attributes.iter().filter_map(|a| a.attribute_name.as_deref()).collect();
        assert_eq!(names.len(), 6);
        let default = account_attributes(&w.state, &w.ctx, &[shape::AccountAttributeName::DefaultVpc]);
        assert_eq!(default.len(), 1);
        assert_eq!(default[0].attribute_values[0].attribute_value.as_deref(), Some("none"), "the populated world has no default VPC");
    }
}
