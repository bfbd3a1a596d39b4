//! DescribeInstanceTypes and DescribeInstanceTypeOfferings over the
//! built-in catalogue.

use xvpc_model::instance_type::{self, InstanceType, Offering, TYPES};
use xvpc_model::{region, ModelError};
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::DescribeInstanceTypes, describe_instance_types),
    crate::typed!(ops::DescribeInstanceTypeOfferings, describe_instance_type_offerings),
];

/// The `InstanceTypeInfo` AWS describes for a catalogue type: Nitro,
/// EBS-only, x86_64, ENA required, no EFA or instance storage (what the
/// type filters answer too).
fn type_shape(t: &InstanceType) -> shape::InstanceTypeInfo {
    let threads = if t.vcpus > 1 { 2 } else { 1 };
    let per_interface = i32::try_from(t.ipv4_per_interface).ok();
    let network = shape::NetworkInfo {
        network_performance: Some(t.network_performance.into()),
        maximum_network_interfaces: i32::try_from(t.max_interfaces).ok(),
        maximum_network_cards: Some(1),
        default_network_card_index: Some(0),
        ipv4_addresses_per_interface: per_interface,
        ipv6_addresses_per_interface: per_interface,
        ipv6_supported: Some(true),
        ena_support: Some(shape::EnaSupport::Required),
        efa_supported: Some(false),
        encryption_in_transit_supported: Some(false),
        ..Default::default()
    };
    shape::InstanceTypeInfo {
        instance_type: Some(shape::InstanceType::from(t.name)),
        current_generation: Some(t.current_generation),
        free_tier_eligible: Some(t.free_tier),
        supported_usage_classes: vec![shape::UsageClassType::OnDemand, shape::UsageClassType::Spot],
        supported_root_device_types: vec![shape::RootDeviceType::Ebs],
        supported_virtualization_types: vec![shape::VirtualizationType::Hvm],
        bare_metal: Some(false),
        hypervisor: Some(shape::InstanceTypeHypervisor::Nitro),
        processor_info: Some(shape::ProcessorInfo {
            supported_architectures: vec![shape::ArchitectureType::X8664],
            sustained_clock_speed_in_ghz: Some(3.1),
            ..Default::default()
        }),
        v_cpu_info: Some(shape::VCpuInfo {
            default_v_cpus: i32::try_from(t.vcpus).ok(),
            default_cores: i32::try_from((t.vcpus / threads).max(1)).ok(),
            default_threads_per_core: i32::try_from(threads).ok(),
            ..Default::default()
        }),
        memory_info: Some(shape::MemoryInfo { size_in_mi_b: Some(i64::from(t.memory_mib)) }),
        instance_storage_supported: Some(false),
        ebs_info: Some(shape::EbsInfo {
            ebs_optimized_support: Some(shape::EbsOptimizedSupport::Default),
            encryption_support: Some(shape::EbsEncryptionSupport::Supported),
            nvme_support: Some(shape::EbsNvmeSupport::Required),
            ..Default::default()
        }),
        network_info: Some(network),
        placement_group_info: Some(shape::PlacementGroupInfo {
            supported_strategies: vec![shape::PlacementGroupStrategy::Partition, shape::PlacementGroupStrategy::Spread],
        }),
        hibernation_supported: Some(true),
        burstable_performance_supported: Some(t.burstable),
        dedicated_hosts_supported: Some(false),
        auto_recovery_supported: Some(true),
        supported_boot_modes: vec![shape::BootModeType::LegacyBios, shape::BootModeType::Uefi],
        ..Default::default()
    }
}

fn describe_instance_types(call: &mut Call, input: shape::DescribeInstanceTypesRequest) -> Result<shape::DescribeInstanceTypesResult> {
    let names: Vec<&str> = input.instance_types.iter().map(|t| t.as_str()).collect();
    let unknown: Vec<&str> = names.iter().copied().filter(|n| instance_type::find(n).is_none()).collect();
    if !unknown.is_empty() {
        return Err(ModelError::InvalidInstanceType(unknown.join(", ")).into());
    }
    let listed = TYPES.iter().filter(|t| names.is_empty() || names.contains(&t.name));
    let out = instance_type::FILTERS.select(&filter_list(&input.filters), call.state(), &call.ctx, listed)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |t| t.name.to_string(), (5, 100))?;
    Ok(shape::DescribeInstanceTypesResult { instance_types: page.into_iter().map(type_shape).collect(), next_token: next })
}

fn describe_instance_type_offerings(
    call: &mut Call,
    input: shape::DescribeInstanceTypeOfferingsRequest,
) -> Result<shape::DescribeInstanceTypeOfferingsResult> {
    use shape::LocationType as L;
    let location_type = input.location_type.unwrap_or(L::Region);
    let zones = || region::zones_in(&call.ctx.account, &call.ctx.region);
    let locations: Vec<String> = match &location_type {
        L::Region => vec![call.ctx.region.clone()],
        L::AvailabilityZone => zones()?.into_iter().map(|z| z.name).collect(),
        L::AvailabilityZoneId => zones()?.into_iter().map(|z| z.zone_id).collect(),
        // xvpc has no Outposts: nothing is offered on one.
        L::Outpost | L::Unlisted(_) => vec![],
    };
    let offerings = TYPES.iter().flat_map(|t| locations.iter().map(|l| Offering { instance_type: t.name, location: l.clone() }));
    let rows = instance_type::OFFERING_FILTERS.select(&filter_list(&input.filters), call.state(), &call.ctx, offerings)?;
    let (page, next) =
        paginate_by(rows, input.max_results.map(i64::from), input.next_token.as_deref(), |o| format!("{}/{}", o.location, o.instance_type), (5, 1000))?;
    Ok(shape::DescribeInstanceTypeOfferingsResult { instance_type_offerings: page.into_iter().map(|o| offering_shape(o, &location_type)).collect(), next_token: next })
}

fn offering_shape(o: Offering, location_type: &shape::LocationType) -> shape::InstanceTypeOffering {
    shape::InstanceTypeOffering {
        instance_type: Some(shape::InstanceType::from(o.instance_type)),
        location_type: Some(location_type.clone()),
        location: Some(o.location),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xvpc_wire::xml_output::body;

    /// Every member the catalogue holds reaches the client under
    /// botocore's name; the rest is detail it does not hold.
    #[test]
    fn types_and_offerings_carry_every_member_xvpc_holds() {
        let out = shape::DescribeInstanceTypesResult { instance_types: TYPES.iter().map(type_shape).collect(), next_token: Some("t".into()) };
        let xml = body(&out);
        let not_held = [
            "EbsInfo.AttachmentLimitType",
            "EbsInfo.EbsCards",
            "EbsInfo.EbsOptimizedInfo",
            "EbsInfo.MaximumEbsAttachments",
            "EbsInfo.MaximumEbsCards",
            "InstanceTypeInfo.FpgaInfo",
            "InstanceTypeInfo.GpuInfo",
            "InstanceTypeInfo.InferenceAcceleratorInfo",
            "InstanceTypeInfo.InstanceStorageInfo",
            "InstanceTypeInfo.MediaAcceleratorInfo",
            "InstanceTypeInfo.NeuronInfo",
            "InstanceTypeInfo.NitroEnclavesSupport",
            "InstanceTypeInfo.NitroTpmInfo",
            "InstanceTypeInfo.NitroTpmSupport",
            "InstanceTypeInfo.PhcSupport",
            "InstanceTypeInfo.RebootMigrationSupport",
            "InstanceTypeInfo.SupportedInRegion",
            "NetworkInfo.BandwidthWeightings",
            "NetworkInfo.ConnectionTrackingConfiguration",
            "NetworkInfo.EfaInfo",
            "NetworkInfo.EnaSrdSupported",
            "NetworkInfo.FlexibleEnaQueuesSupport",
            "NetworkInfo.Ipv4AddressesPerSecondaryInterface",
            "NetworkInfo.MaximumSecondaryNetworkInterfaces",
            "NetworkInfo.NetworkCards",
            "NetworkInfo.SecondaryNetworkSupported",
            "ProcessorInfo.Manufacturer",
            "ProcessorInfo.SupportedFeatures",
            "VCpuInfo.ValidCores",
            "VCpuInfo.ValidThreadsPerCore",
        ];
        assert_eq!(crate::shape_coverage::missing("ec2", "DescribeInstanceTypesResult", &body(&out)), not_held, "{xml}");
        assert!(xml.contains("<sustainedClockSpeedInGhz>3.1</sustainedClockSpeedInGhz>"), "{xml}");
        let o = Offering { instance_type: "t3.micro", location: "us-east-1a".into() };
        let out = shape::DescribeInstanceTypeOfferingsResult {
            instance_type_offerings: vec![offering_shape(o, &shape::LocationType::AvailabilityZone)],
            next_token: Some("t".into()),
        };
        assert_eq!(crate::shape_coverage::missing("ec2", "DescribeInstanceTypeOfferingsResult", &body(&out)), Vec::<String>::new());
    }
}
