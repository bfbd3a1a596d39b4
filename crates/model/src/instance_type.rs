//! A small catalogue of instance types, for RunInstances validation and
//! DescribeInstanceTypes / DescribeInstanceTypeOfferings.

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

    /// Values for DescribeInstanceTypes filters.
    pub fn filter_field(&self, name: &str) -> Option<Vec<String>> {
        let s = |x: String| vec![x];
        Some(match name {
            "instance-type" => s(self.name.into()),
            "current-generation" => s(self.current_generation.to_string()),
            "free-tier-eligible" => s(self.free_tier.to_string()),
            "burstable-performance-supported" => s(self.burstable.to_string()),
            "vcpu-info.default-vcpus" => s(self.vcpus.to_string()),
            "memory-info.size-in-mib" => s(self.memory_mib.to_string()),
            "processor-info.supported-architecture" => s("x86_64".into()),
            "network-info.network-performance" => s(self.network_performance.into()),
            "hypervisor" => s("nitro".into()),
            _ => return None,
        })
    }
}
