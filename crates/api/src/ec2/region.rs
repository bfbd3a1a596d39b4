//! Regions, availability zones and account attributes.

use xvpc_model::region::{self, REGIONS};
use xvpc_wire::{QueryParams, XmlWriter};

use super::filters;
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("DescribeRegions", describe_regions),
    ("DescribeAvailabilityZones", describe_availability_zones),
    ("DescribeAccountAttributes", describe_account_attributes),
];

fn describe_regions(call: &mut Call, p: &QueryParams) -> Result<String> {
    let names = p.list("RegionName");
    let fs = filters(p);
    let mut w = XmlWriter::new();
    let listed = REGIONS.iter().filter(|r| names.is_empty() || names.iter().any(|n| n == r.name));
    let rows = region::REGION_FILTERS.select(&fs, call.state(), &call.ctx, listed)?;
    if let Some(bad) = names.iter().find(|n| region::region(n).is_none()) {
        return Err(client("InvalidParameterValue", format!("Invalid region name: {bad}")));
    }
    w.items("regionInfo", rows, |w, r| {
        w.leaf("regionName", r.name).leaf("regionEndpoint", region::endpoint(r)).leaf("optInStatus", "opt-in-not-required");
    });
    Ok(w.finish())
}

fn describe_availability_zones(call: &mut Call, p: &QueryParams) -> Result<String> {
    let names = p.list("ZoneName");
    let ids = p.list("ZoneId");
    let fs = filters(p);
    let r = region::region(&call.ctx.region).ok_or_else(|| client("InvalidParameterValue", "unknown region"))?;
    let zones = region::zones(&call.ctx.account, r);
    for n in &names {
        if !zones.iter().any(|z| &z.name == n) {
            return Err(client("InvalidParameterValue", format!("The zone '{n}' does not exist.")));
        }
    }
    for n in &ids {
        if !zones.iter().any(|z| &z.zone_id == n) {
            return Err(client("InvalidParameterValue", format!("The zone id '{n}' does not exist.")));
        }
    }
    let wanted = |z: &&region::Zone| (names.is_empty() && ids.is_empty()) || names.contains(&z.name) || ids.contains(&z.zone_id);
    let rows = region::ZONE_FILTERS.select(&fs, call.state(), &call.ctx, zones.iter().filter(wanted))?;
    let mut w = XmlWriter::new();
    w.items("availabilityZoneInfo", rows, |w, z| {
        w.leaf("zoneName", &z.name)
            .leaf("zoneState", "available")
            .leaf("regionName", z.region)
            .items("messageSet", Vec::<()>::new(), |_, _| {})
            .leaf("optInStatus", "opt-in-not-required")
            .leaf("zoneId", &z.zone_id)
            .leaf("groupName", z.region)
            .leaf("networkBorderGroup", z.region)
            .leaf("zoneType", "availability-zone")
            .leaf("groupLongName", z.region);
    });
    Ok(w.finish())
}

fn describe_account_attributes(_call: &mut Call, p: &QueryParams) -> Result<String> {
    let wanted = p.list("AttributeName");
    let attrs: &[(&str, &[&str])] = &[
        ("supported-platforms", &["VPC"]),
        ("default-vpc", &["none"]),
        ("max-instances", &["20"]),
        ("vpc-max-security-groups-per-interface", &["5"]),
        ("max-elastic-ips", &["5"]),
        ("vpc-max-elastic-ips", &["5"]),
    ];
    let mut w = XmlWriter::new();
    w.items("accountAttributeSet", attrs.iter().filter(|(n, _)| wanted.is_empty() || wanted.iter().any(|x| x == n)), |w, (n, vals)| {
        w.leaf("attributeName", n);
        w.items("attributeValueSet", vals.iter(), |w, v| {
            w.leaf("attributeValue", v);
        });
    });
    Ok(w.finish())
}
