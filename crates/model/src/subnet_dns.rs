//! A subnet's DNS options for what launches into it: DNS64 and the private
//! DNS names of instances (`PrivateDnsNameOptionsOnLaunch`).
//!
//! AWS's rules (API reference of ModifySubnetAttribute, VPC user guide
//! "DNS64 and NAT64", EC2 user guide "Amazon EC2 instance hostname types"):
//! - hostnames are `ip-name` (from the IPv4 address) or `resource-name`
//!   (from the instance id); "For IPv6 only subnets, an instance DNS name
//!   must be based on the instance ID (resource-name)";
//! - resource-name records: A (IPv4) and AAAA (IPv6); an IPv6-only subnet
//!   has no IPv4 address to answer an A record with;
//! - DNS64 makes the Resolver synthesise IPv6 answers for IPv4-only names.
//!
//! xvpc stores and describes them; no path depends on them.

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError, Result};
use crate::state::{owned, Changes, Ctx, State};

crate::aws_enum! {
    /// `HostnameType`.
    #[derive(Default, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum HostnameType {
        #[default]
        IpName = "ip-name",
        ResourceName = "resource-name",
    }
}

/// A subnet's DNS options (defaults: no DNS64, `ip-name`, no records).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsOptions {
    pub enable_dns64: bool,
    pub hostname_type: HostnameType,
    /// `EnableResourceNameDnsARecord`.
    pub a_record: bool,
    /// `EnableResourceNameDnsAAAARecord`.
    pub aaaa_record: bool,
}

impl DnsOptions {
    /// A new subnet's options: an IPv6-only one names instances by id.
    pub fn for_new(ipv6_native: bool) -> DnsOptions {
        DnsOptions { hostname_type: if ipv6_native { HostnameType::ResourceName } else { HostnameType::IpName }, ..DnsOptions::default() }
    }

    pub fn is_default(&self) -> bool {
        *self == DnsOptions::default()
    }
}

/// One DNS attribute ModifySubnetAttribute sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DnsAttribute {
    EnableDns64(bool),
    HostnameType(HostnameType),
    ResourceNameARecord(bool),
    ResourceNameAaaaRecord(bool),
}

/// ModifySubnetAttribute for a DNS attribute. An IPv6-only subnet keeps
/// `resource-name` hostnames and takes no A records.
pub fn set(state: &State, ctx: &Ctx, subnet_id: &str, attr: DnsAttribute) -> Result<Changes> {
    let mut s = owned(&state.subnets, ctx, IdKind::Subnet, subnet_id)?.clone();
    let ipv6_only = |what: &str| ModelError::InvalidParameterValue(format!("{what} is not supported for the IPv6-only subnet {subnet_id}"));
    match attr {
        DnsAttribute::EnableDns64(b) => s.dns.enable_dns64 = b,
        DnsAttribute::HostnameType(HostnameType::IpName) if s.ipv6_native() => return Err(ipv6_only("The ip-name hostname type")),
        DnsAttribute::HostnameType(h) => s.dns.hostname_type = h,
        DnsAttribute::ResourceNameARecord(true) if s.ipv6_native() => return Err(ipv6_only("A resource-name A record")),
        DnsAttribute::ResourceNameARecord(b) => s.dns.a_record = b,
        DnsAttribute::ResourceNameAaaaRecord(b) => s.dns.aaaa_record = b,
    }
    let mut ch = Changes::new();
    ch.put(s);
    Ok(ch)
}
