//! AWS's own services as VPC endpoint services (`com.amazonaws.<region>.<name>`),
//! as DescribeVpcEndpointServices lists them beside the customers' services:
//! owner `amazon`, every zone of the region, no acceptance. S3 and DynamoDB
//! are Gateway services (routes to their AWS-managed prefix list) and also
//! Interface services; the others are Interface services whose private DNS
//! name is the service's regional API hostname.
//!
//! They are not stored: the table below is the one place that names them,
//! and every row of it exists in every region xvpc emulates.

use crate::region;

crate::aws_enum! {
    /// `ServiceType` of an endpoint service (and `VpcEndpointType` of an endpoint).
    pub enum ServiceType {
        Interface = "Interface",
        Gateway = "Gateway",
    }
}

/// The owner AWS names for its own services.
pub const OWNER: &str = "amazon";

/// One row of the table: the service's short name, whether it is a Gateway
/// and an Interface service, its private DNS names (`{r}` = the region),
/// and whether an endpoint policy applies.
struct Spec {
    name: &'static str,
    gateway: bool,
    interface: bool,
    private_dns: &'static [&'static str],
    policy: bool,
}

const fn iface(name: &'static str, private_dns: &'static [&'static str]) -> Spec {
    Spec { name, gateway: false, interface: true, private_dns, policy: true }
}

/// AWS's services, by name. DescribeVpcEndpointServices lists them in name
/// order. (EC2's API takes no endpoint policy, as AWS's own listing shows.)
const SERVICES: &[Spec] = &[
    Spec { name: "dynamodb", gateway: true, interface: true, private_dns: &[], policy: true },
    Spec { name: "ec2", gateway: false, interface: true, private_dns: &["ec2.{r}.amazonaws.com"], policy: false },
    iface("ec2messages", &["ec2messages.{r}.amazonaws.com"]),
    iface("ecr.api", &["api.ecr.{r}.amazonaws.com"]),
    iface("ecr.dkr", &["*.dkr.ecr.{r}.amazonaws.com"]),
    iface("ecs", &["ecs.{r}.amazonaws.com"]),
    iface("elasticloadbalancing", &["elasticloadbalancing.{r}.amazonaws.com"]),
    iface("events", &["events.{r}.amazonaws.com"]),
    iface("execute-api", &["*.execute-api.{r}.amazonaws.com"]),
    iface("kinesis-streams", &["kinesis.{r}.amazonaws.com"]),
    iface("kms", &["kms.{r}.amazonaws.com"]),
    iface("lambda", &["lambda.{r}.amazonaws.com"]),
    iface("logs", &["logs.{r}.amazonaws.com"]),
    iface("monitoring", &["monitoring.{r}.amazonaws.com"]),
    iface("rds", &["rds.{r}.amazonaws.com"]),
    Spec { name: "s3", gateway: true, interface: true, private_dns: &["s3.{r}.amazonaws.com", "*.s3.{r}.amazonaws.com"], policy: true },
    iface("secretsmanager", &["secretsmanager.{r}.amazonaws.com"]),
    iface("sns", &["sns.{r}.amazonaws.com"]),
    iface("sqs", &["sqs.{r}.amazonaws.com"]),
    iface("ssm", &["ssm.{r}.amazonaws.com"]),
    iface("ssmmessages", &["ssmmessages.{r}.amazonaws.com"]),
    iface("sts", &["sts.{r}.amazonaws.com"]),
];

/// One AWS service of one type in one region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsService {
    /// `com.amazonaws.<region>.<short>`.
    pub name: String,
    /// The service's short name (`s3`, `ec2`, `ecr.api`).
    pub short: &'static str,
    pub service_type: ServiceType,
    pub region: String,
    /// `vpce-svc-` and 17 hex digits, stable per region, name and type.
    pub id: String,
    /// The private DNS names an Interface endpoint with private DNS on
    /// answers in its VPC (the first is `PrivateDnsName`).
    pub private_dns_names: Vec<String>,
    pub policy_supported: bool,
}

/// FNV-1a over the parts: ids that stay the same across runs and builds.
fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in parts.iter().flat_map(|p| p.bytes().chain([0u8])) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

impl AwsService {
    fn new(spec: &Spec, region: &str, t: ServiceType) -> AwsService {
        let interface = t == ServiceType::Interface;
        AwsService {
            name: format!("com.amazonaws.{region}.{}", spec.name),
            short: spec.name,
            service_type: t,
            region: region.to_string(),
            id: format!("vpce-svc-0{:016x}", fnv(&[region, spec.name, t.as_str()])),
            private_dns_names: if interface { spec.private_dns.iter().map(|p| p.replace("{r}", region)).collect() } else { Vec::new() },
            policy_supported: spec.policy,
        }
    }

    /// `BaseEndpointDnsNames`: a Gateway service's public regional name, an
    /// Interface service's name under `vpce.amazonaws.com`.
    pub fn base_dns_name(&self) -> String {
        match self.service_type {
            ServiceType::Gateway => format!("{}.{}.amazonaws.com", self.short, self.region),
            ServiceType::Interface => format!("{}.{}.vpce.amazonaws.com", self.short, self.region),
        }
    }

    /// The zones of the region (every one), as `account` names them.
    pub fn zones(&self, account: &str) -> Vec<region::Zone> {
        region::zones_in(account, &self.region).unwrap_or_default()
    }
}

/// Every AWS service of `region` (Gateway before Interface for one name);
/// none in a region xvpc does not emulate.
pub fn in_region(region: &str) -> Vec<AwsService> {
    if region::region(region).is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for spec in SERVICES {
        if spec.gateway {
            out.push(AwsService::new(spec, region, ServiceType::Gateway));
        }
        if spec.interface {
            out.push(AwsService::new(spec, region, ServiceType::Interface));
        }
    }
    out
}

/// The AWS service named `name` of type `t` in `region`.
pub fn find(region: &str, name: &str, t: ServiceType) -> Option<AwsService> {
    in_region(region).into_iter().find(|s| s.name == name && s.service_type == t)
}

/// Whether `name` is one of AWS's services in `region` (of any type).
pub fn is_aws(region: &str, name: &str) -> bool {
    in_region(region).iter().any(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_and_dynamodb_are_gateway_and_interface_others_interface() {
        let all = in_region("us-east-1");
        let types = |n: &str| all.iter().filter(|s| s.short == n).map(|s| s.service_type).collect::<Vec<_>>();
        assert_eq!(types("s3"), vec![ServiceType::Gateway, ServiceType::Interface]);
        assert_eq!(types("dynamodb"), vec![ServiceType::Gateway, ServiceType::Interface]);
        assert_eq!(types("ec2"), vec![ServiceType::Interface]);
        let ec2 = find("us-east-1", "com.amazonaws.us-east-1.ec2", ServiceType::Interface).unwrap();
        assert_eq!(ec2.private_dns_names, vec!["ec2.us-east-1.amazonaws.com"]);
        assert_eq!(ec2.base_dns_name(), "ec2.us-east-1.vpce.amazonaws.com");
        let s3 = find("eu-west-1", "com.amazonaws.eu-west-1.s3", ServiceType::Gateway).unwrap();
        assert!(s3.private_dns_names.is_empty());
        assert_eq!(s3.base_dns_name(), "s3.eu-west-1.amazonaws.com");
        assert!(in_region("xx-nowhere-1").is_empty());
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        let a = in_region("us-east-1");
        assert_eq!(a, in_region("us-east-1"));
        let mut ids: Vec<String> = a.iter().chain(in_region("us-west-2").iter()).map(|s| s.id.clone()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n);
        assert!(a.iter().all(|s| s.id.len() == "vpce-svc-".len() + 17), "{:?}", a[0].id);
    }
}
