//! The DNS side of interface endpoints: the names DescribeVpcEndpoints
//! lists (regional, zonal, private) with their Route 53 zones, and the
//! rules for turning private DNS on.
//!
//! Separate from [`crate::vpc_endpoint`] (the endpoint's lifecycle, ENIs
//! and filters) because naming is read on its own by describe and by the
//! netns resolver, and the lifecycle only checks it. `vpc_endpoint`
//! re-exports [`DnsEntry`].

use crate::aws_service::ServiceType;
use crate::error::{ModelError, Result};
use crate::state::State;
use crate::vpc_endpoint::VpcEndpoint;

/// One DNS name of an endpoint and its Route 53 zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsEntry {
    pub dns_name: String,
    pub hosted_zone_id: String,
}

/// The Route 53 zone of `*.vpce.amazonaws.com` names in a region.
fn vpce_hosted_zone(region: &str) -> &'static str {
    match region {
        "us-east-1" => "Z7HUB22UULQXV",
        "us-east-2" => "ZC8PG0KIFKBRI",
        "us-west-1" => "Z12I86A8N7VCZO",
        "us-west-2" => "Z1YSA3EXCYUU9Z",
        "eu-west-1" => "Z38GZ743OKFT7T",
        "eu-central-1" => "Z273ZU8SZ5RJPC",
        _ => "Z7HUB22UULQXV",
    }
}

impl VpcEndpoint {
    /// The regional name first, then one per zone of the endpoint's subnets
    /// (zone names as the endpoint's owner sees them), then, for an AWS
    /// service with private DNS on, its private names (in the VPC's private
    /// hosted zone). A Gateway endpoint has none.
    pub fn dns_entries(&self, state: &State) -> Vec<DnsEntry> {
        if self.endpoint_type != ServiceType::Interface.as_str() {
            return Vec::new();
        }
        let aws = self.aws_service();
        let base = match (&self.service_id, &aws) {
            (Some(svc_id), _) => format!("{svc_id}.{}.vpce.amazonaws.com", self.region),
            (None, Some(a)) => a.base_dns_name(),
            (None, None) => return Vec::new(),
        };
        let zone = vpce_hosted_zone(&self.region).to_string();
        let mut out = vec![DnsEntry { dns_name: format!("{}-{}.{base}", self.id, self.dns_suffix), hosted_zone_id: zone.clone() }];
        let mut zones: Vec<&str> = self.subnet_ids.iter().filter_map(|s| state.subnets.get(s)).map(|s| s.availability_zone.as_str()).collect();
        zones.sort_unstable();
        for z in zones {
            out.push(DnsEntry { dns_name: format!("{}-{}-{z}.{base}", self.id, self.dns_suffix), hosted_zone_id: zone.clone() });
        }
        if let (Some(a), true) = (aws, self.private_dns_enabled) {
            // The private hosted zone AWS makes for the endpoint: a stable id of its own.
            let private_zone = format!("Z{}", self.dns_suffix.to_ascii_uppercase());
            out.extend(a.private_dns_names.into_iter().map(|n| DnsEntry { dns_name: n, hosted_zone_id: private_zone.clone() }));
        }
        out
    }

    /// The private DNS names this endpoint answers in its VPC (an AWS
    /// service's or a customer service's), when private DNS is on.
    pub fn private_dns_names(&self, state: &State) -> Vec<String> {
        if !self.private_dns_enabled {
            return Vec::new();
        }
        match &self.service_id {
            Some(id) => state.endpoint_services.get(id).and_then(|s| s.private_dns_name.clone()).into_iter().collect(),
            None => self.aws_service().map(|a| a.private_dns_names).unwrap_or_default(),
        }
    }
}

/// Private DNS needs the VPC's DNS support and hostnames, and one endpoint
/// per private name in a VPC (AWS refuses a conflicting domain).
pub(crate) fn check_private_dns(state: &State, ep: &VpcEndpoint, dns_ready: bool) -> Result<()> {
    if !dns_ready {
        return Err(ModelError::InvalidParameter(format!(
            "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for {}",
            ep.vpc_id
        )));
    }
    let names = ep.private_dns_names(state);
    let taken = state.vpc_endpoints.values().filter(|o| o.id != ep.id && o.vpc_id == ep.vpc_id).flat_map(|o| o.private_dns_names(state));
    for n in taken {
        if names.contains(&n) {
            return Err(ModelError::InvalidParameter(format!("private-dns-enabled cannot be set because there is already a conflicting DNS domain for {n} in the VPC {}", ep.vpc_id)));
        }
    }
    Ok(())
}

