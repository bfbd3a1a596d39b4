//! A small catalogue of instance types, for RunInstances validation and
//! DescribeInstanceTypes / DescribeInstanceTypeOfferings.

use crate::filter::{one, Field, FilterTable};

/// One instance type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceType {
    pub name: &'static str,
    pub vcpus: u32,
    pub memory_mib: u32,
    /// T-family burstable (credit specification applies).
    pub burstable: bool,
    pub network_performance: &'static str,
    pub max_interfaces: u32,
    pub ipv4_per_interface: u32,
    pub free_tier: bool,
    pub current_generation: bool,
}

const fn t(name: &'static str, vcpus: u32, memory_mib: u32, max_interfaces: u32, ipv4: u32, free_tier: bool) -> InstanceType {
    InstanceType { name, vcpus, memory_mib, burstable: true, network_performance: "Up to 5 Gigabit", max_interfaces, ipv4_per_interface: ipv4, free_tier, current_generation: true }
}

const fn fixed(name: &'static str, vcpus: u32, memory_mib: u32) -> InstanceType {
    InstanceType { name, vcpus, memory_mib, burstable: false, network_performance: "Up to 10 Gigabit", max_interfaces: 3, ipv4_per_interface: 10, free_tier: false, current_generation: true }
}

/// The catalogue.
pub const TYPES: &[InstanceType] = &[
    t("t2.nano", 1, 512, 2, 2, false),
    t("t2.micro", 1, 1024, 2, 2, true),
    t("t2.small", 1, 2048, 3, 4, false),
    t("t2.medium", 2, 4096, 3, 6, false),
    t("t2.large", 2, 8192, 3, 12, false),
    t("t3.nano", 2, 512, 2, 2, false),
    t("t3.micro", 2, 1024, 2, 2, true),
    t("t3.small", 2, 2048, 3, 4, false),
    t("t3.medium", 2, 4096, 3, 6, false),
    t("t3.large", 2, 8192, 3, 12, false),
    t("t3a.nano", 2, 512, 2, 2, false),
    t("t3a.micro", 2, 1024, 2, 2, false),
    t("t3a.small", 2, 2048, 2, 4, false),
    t("t3a.medium", 2, 4096, 3, 6, false),
    t("t3a.large", 2, 8192, 3, 12, false),
    fixed("m5.large", 2, 8192),
    fixed("m5.xlarge", 4, 16384),
    fixed("c5.large", 2, 4096),
    fixed("c5.xlarge", 4, 8192),
    fixed("r5.large", 2, 16384),
    InstanceType { name: "m1.small", vcpus: 1, memory_mib: 1740, burstable: false, network_performance: "Low", max_interfaces: 2, ipv4_per_interface: 4, free_tier: false, current_generation: false },
];

/// Looks up a type by name.
pub fn find(name: &str) -> Option<&'static InstanceType> {
    TYPES.iter().find(|t| t.name == name)
}

impl InstanceType {
    /// The default CPU credit option of a burstable type: T2 `standard`,
    /// T3/T3a `unlimited` (AWS's defaults).
    pub fn default_credits(&self) -> Option<&'static str> {
        if !self.burstable {
            None
        } else if self.name.starts_with("t2.") {
            Some("standard")
        } else {
            Some("unlimited")
        }
    }
}

/// Threads per core as DescribeInstanceTypes shows them.
fn threads(t: &InstanceType) -> u32 {
    if t.vcpus > 1 { 2 } else { 1 }
}

/// DescribeInstanceTypes' filters. Values agree with what the call shows
/// (Nitro, EBS-only, x86_64, ENA required, no EFA or instance storage);
/// names for details it does not show match nothing.
pub const FILTERS: FilterTable<InstanceType> = FilterTable {
    tags: None,
    fields: &[
        ("auto-recovery-supported", Field::Values(|_, _| one(true))),
        ("bare-metal", Field::Values(|_, _| one(false))),
        ("burstable-performance-supported", Field::Values(|t, _| one(t.burstable))),
        ("current-generation", Field::Values(|t, _| one(t.current_generation))),
        ("dedicated-hosts-supported", Field::Values(|_, _| one(false))),
        ("ebs-info.attachment-limit-type", Field::Absent),
        ("ebs-info.ebs-optimized-info.baseline-bandwidth-in-mbps", Field::Absent),
        ("ebs-info.ebs-optimized-info.baseline-iops", Field::Absent),
        ("ebs-info.ebs-optimized-info.baseline-throughput-in-mbps", Field::Absent),
        ("ebs-info.ebs-optimized-info.maximum-bandwidth-in-mbps", Field::Absent),
        ("ebs-info.ebs-optimized-info.maximum-iops", Field::Absent),
        ("ebs-info.ebs-optimized-info.maximum-throughput-in-mbps", Field::Absent),
        ("ebs-info.ebs-optimized-support", Field::Values(|_, _| one("default"))),
        ("ebs-info.encryption-support", Field::Values(|_, _| one("supported"))),
        ("ebs-info.maximum-ebs-attachments", Field::Absent),
        ("ebs-info.nvme-support", Field::Values(|_, _| one("required"))),
        ("free-tier-eligible", Field::Values(|t, _| one(t.free_tier))),
        ("hibernation-supported", Field::Values(|_, _| one(true))),
        ("hypervisor", Field::Values(|_, _| one("nitro"))),
        ("instance-storage-info.disk.count", Field::Absent),
        ("instance-storage-info.disk.size-in-gb", Field::Absent),
        ("instance-storage-info.disk.type", Field::Absent),
        ("instance-storage-info.encryption-support", Field::Absent),
        ("instance-storage-info.nvme-support", Field::Absent),
        ("instance-storage-info.total-size-in-gb", Field::Absent),
        ("instance-storage-supported", Field::Values(|_, _| one(false))),
        ("instance-type", Field::Values(|t, _| one(t.name))),
        ("memory-info.size-in-mib", Field::Values(|t, _| one(t.memory_mib))),
        ("network-info.bandwidth-weightings", Field::Absent),
        ("network-info.efa-info.maximum-efa-interfaces", Field::Absent),
        ("network-info.efa-supported", Field::Values(|_, _| one(false))),
        ("network-info.ena-support", Field::Values(|_, _| one("required"))),
        ("network-info.encryption-in-transit-supported", Field::Values(|_, _| one(false))),
        ("network-info.flexible-ena-queues-support", Field::Absent),
        ("network-info.ipv4-addresses-per-interface", Field::Values(|t, _| one(t.ipv4_per_interface))),
        ("network-info.ipv6-addresses-per-interface", Field::Values(|t, _| one(t.ipv4_per_interface))),
        ("network-info.ipv6-supported", Field::Values(|_, _| one(true))),
        ("network-info.maximum-network-cards", Field::Values(|_, _| one(1))),
        ("network-info.maximum-network-interfaces", Field::Values(|t, _| one(t.max_interfaces))),
        ("network-info.network-performance", Field::Values(|t, _| one(t.network_performance))),
        ("nitro-enclaves-support", Field::Absent),
        ("nitro-tpm-info.supported-versions", Field::Absent),
        ("nitro-tpm-support", Field::Absent),
        ("processor-info.supported-architecture", Field::Values(|_, _| one("x86_64"))),
        ("processor-info.supported-features", Field::Absent),
        ("processor-info.sustained-clock-speed-in-ghz", Field::Values(|_, _| one("3.1"))),
        ("reboot-migration-support", Field::Absent),
        ("supported-boot-mode", Field::Values(|_, _| vec!["legacy-bios".into(), "uefi".into()])),
        ("supported-root-device-type", Field::Values(|_, _| one("ebs"))),
        ("supported-usage-class", Field::Values(|_, _| vec!["on-demand".into(), "spot".into()])),
        ("supported-virtualization-type", Field::Values(|_, _| one("hvm"))),
        ("vcpu-info.default-cores", Field::Values(|t, _| one((t.vcpus / threads(t)).max(1)))),
        ("vcpu-info.default-threads-per-core", Field::Values(|t, _| one(threads(t)))),
        ("vcpu-info.default-vcpus", Field::Values(|t, _| one(t.vcpus))),
        ("vcpu-info.valid-cores", Field::Absent),
        ("vcpu-info.valid-threads-per-core", Field::Absent),
    ],
};

/// One row of DescribeInstanceTypeOfferings: a type offered at a location
/// (a region, zone name or zone id, as the request's `LocationType` asks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offering {
    pub instance_type: &'static str,
    pub location: String,
}

/// DescribeInstanceTypeOfferings' filters.
pub const OFFERING_FILTERS: FilterTable<Offering> = FilterTable {
    tags: None,
    fields: &[("instance-type", Field::Values(|o, _| one(o.instance_type))), ("location", Field::Values(|o, _| one(&o.location)))],
};
