//! DescribeInstanceTypes and DescribeInstanceTypeOfferings over the
//! built-in catalogue.

use xvpc_model::instance_type::{self, InstanceType, Offering, TYPES};
use xvpc_model::{region, ModelError};
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("DescribeInstanceTypes", describe_instance_types),
    ("DescribeInstanceTypeOfferings", describe_instance_type_offerings),
];

fn write_type(w: &mut XmlWriter, t: &InstanceType) {
    w.leaf("instanceType", t.name).bool_leaf("currentGeneration", t.current_generation).bool_leaf("freeTierEligible", t.free_tier);
    w.scalars("supportedUsageClasses", "item", ["on-demand", "spot"]);
    w.scalars("supportedRootDeviceTypes", "item", ["ebs"]);
    w.scalars("supportedVirtualizationTypes", "item", ["hvm"]);
    w.bool_leaf("bareMetal", false).leaf("hypervisor", "nitro");
    w.open("processorInfo").scalars("supportedArchitectures", "item", ["x86_64"]).leaf("sustainedClockSpeedInGhz", "3.1").close("processorInfo");
    let threads = if t.vcpus > 1 { 2 } else { 1 };
    w.open("vCpuInfo").leaf("defaultVCpus", t.vcpus.to_string()).leaf("defaultCores", (t.vcpus / threads).max(1).to_string());
    w.leaf("defaultThreadsPerCore", threads.to_string()).close("vCpuInfo");
    w.open("memoryInfo").leaf("sizeInMiB", t.memory_mib.to_string()).close("memoryInfo");
    w.bool_leaf("instanceStorageSupported", false);
    w.open("ebsInfo").leaf("ebsOptimizedSupport", "default").leaf("encryptionSupport", "supported");
    w.leaf("nvmeSupport", "required").close("ebsInfo");
    w.open("networkInfo").leaf("networkPerformance", t.network_performance).leaf("maximumNetworkInterfaces", t.max_interfaces.to_string());
    w.leaf("maximumNetworkCards", "1").leaf("defaultNetworkCardIndex", "0");
    w.leaf("ipv4AddressesPerInterface", t.ipv4_per_interface.to_string()).leaf("ipv6AddressesPerInterface", t.ipv4_per_interface.to_string());
    w.bool_leaf("ipv6Supported", true).leaf("enaSupport", "required").bool_leaf("efaSupported", false).bool_leaf("encryptionInTransitSupported", false);
    w.close("networkInfo");
    w.open("placementGroupInfo").scalars("supportedStrategies", "item", ["partition", "spread"]).close("placementGroupInfo");
    w.bool_leaf("hibernationSupported", true).bool_leaf("burstablePerformanceSupported", t.burstable);
    w.bool_leaf("dedicatedHostsSupported", false).bool_leaf("autoRecoverySupported", true);
    w.scalars("supportedBootModes", "item", ["legacy-bios", "uefi"]);
}

fn describe_instance_types(call: &mut Call, p: &QueryParams) -> Result<String> {
    let names = p.list("InstanceType");
    let unknown: Vec<&String> = names.iter().filter(|n| !TYPES.iter().any(|t| &t.name == n)).collect();
    if !unknown.is_empty() {
        let list = unknown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
        return Err(ModelError::InvalidInstanceType(list).into());
    }
    let fs = filters(p);
    let listed = TYPES.iter().filter(|t| names.is_empty() || names.iter().any(|n| n == t.name));
    let out = instance_type::FILTERS.select(&fs, call.state(), &call.ctx, listed)?;
    let (page, next) = paginate(out, p, |t| t.name.to_string(), (5, 100))?;
    let mut w = XmlWriter::new();
    w.items("instanceTypeSet", page, |w, t| write_type(w, t));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn describe_instance_type_offerings(call: &mut Call, p: &QueryParams) -> Result<String> {
    let loc_type = p.get("LocationType").unwrap_or("region");
    let r = region::region(&call.ctx.region).ok_or_else(|| client("InvalidParameterValue", "unknown region"))?;
    let locations: Vec<String> = match loc_type {
        "region" => vec![r.name.to_string()],
        "availability-zone" => region::zones(&call.ctx.account, r).into_iter().map(|z| z.name).collect(),
        "availability-zone-id" => region::zones(&call.ctx.account, r).into_iter().map(|z| z.zone_id).collect(),
        other => return Err(client("InvalidParameterValue", format!("Value ({other}) for parameter locationType is invalid."))),
    };
    let fs = filters(p);
    let offerings = TYPES.iter().flat_map(|t| locations.iter().map(|l| Offering { instance_type: t.name, location: l.clone() }));
    let rows = instance_type::OFFERING_FILTERS.select(&fs, call.state(), &call.ctx, offerings)?;
    let (page, next) = paginate(rows, p, |o| format!("{}/{}", o.location, o.instance_type), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("instanceTypeOfferingSet", page, |w, o| {
        w.leaf("instanceType", o.instance_type).leaf("locationType", loc_type).leaf("location", &o.location);
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}
