//! `xvpc compare`: for one pair of instances, each way of connecting their
//! VPCs (peering, PrivateLink, transit gateway): is it possible, which way
//! does traffic flow, what must be created and by which account, the
//! throughput limit and a cost estimate from `data/pricing.json`.

use serde::Serialize;
use serde_json::Value;
use xvpc_model::instance::Instance;
use xvpc_model::vpc::Vpc;
use xvpc_model::State;

use crate::topology::Topology;
use crate::QueryError;

/// The pricing table (kept as data, with its sources and date).
pub const PRICING: &str = include_str!("../data/pricing.json");

/// One end of the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct End {
    pub instance: String,
    pub vpc: String,
    pub account: String,
    pub region: String,
    pub availability_zone: String,
    pub cidrs: Vec<String>,
}

/// A command to run, by whom, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub account: String,
    pub region: String,
    pub command: String,
    pub why: String,
}

/// A rough monthly estimate for a traffic volume.
#[derive(Debug, Clone, Serialize)]
pub struct Cost {
    pub hourly_usd: f64,
    pub per_gb_usd: f64,
    /// 730 hours plus `gb_per_month` of traffic.
    pub monthly_usd: f64,
    pub notes: String,
}

/// One way of connecting the pair.
#[derive(Debug, Clone, Serialize)]
pub struct Option_ {
    pub kind: String,
    pub possible: bool,
    pub reasons: Vec<String>,
    pub direction: String,
    /// What already connects the pair this way, if anything.
    pub existing: Option<String>,
    pub steps: Vec<Step>,
    pub throughput: String,
    pub cost: Cost,
}

/// The comparison of the three options for one pair.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub from: End,
    pub to: End,
    pub port: u16,
    pub gb_per_month: f64,
    pub pricing_as_of: String,
    pub pricing_sources: Value,
    pub options: Vec<Option_>,
}

fn end(i: &Instance, v: &Vpc) -> End {
    End {
        instance: i.id.clone(),
        vpc: i.vpc_id.clone(),
        account: i.owner.clone(),
        region: i.region.clone(),
        availability_zone: i.availability_zone.clone(),
        cidrs: v.cidrs().map(|c| c.to_string()).collect(),
    }
}

fn overlapping(a: &Vpc, b: &Vpc) -> Vec<String> {
    let mut out = Vec::new();
    for x in a.cidrs() {
        for y in b.cidrs() {
            if xvpc_model::cidr::overlaps(&x, &y) {
                out.push(format!("{x} overlaps {y}"));
            }
        }
    }
    out
}

fn price(p: &Value, path: &[&str]) -> f64 {
    path.iter().fold(p, |v, k| &v[*k]).as_f64().unwrap_or(0.0)
}

fn step(account: &str, region: &str, command: String, why: &str) -> Step {
    Step { account: account.into(), region: region.into(), command: format!("{command} --region {region}"), why: why.into() }
}

/// Compares peering, PrivateLink and TGW for `from` → `to` on `port`,
/// costed for `gb_per_month` of traffic.
pub fn compare(state: &State, now: i64, from: &str, to: &str, port: u16, gb_per_month: f64) -> Result<Comparison, QueryError> {
    let topo = Topology::new(state, now);
    let fi = state.instances.get(from).ok_or_else(|| QueryError::UnknownSource(from.into()))?;
    let ti = state.instances.get(to).ok_or_else(|| QueryError::UnknownDestination(to.into()))?;
    let fv = topo.vpc(&fi.vpc_id).ok_or_else(|| QueryError::UnknownSource(from.into()))?;
    let tv = topo.vpc(&ti.vpc_id).ok_or_else(|| QueryError::UnknownDestination(to.into()))?;
    let (f, t) = (end(fi, fv), end(ti, tv));
    let pricing: Value = serde_json::from_str(PRICING).unwrap_or(Value::Null);
    let overlap = overlapping(fv, tv);
    let same_vpc = fv.id == tv.id;
    let same_region = fv.region == tv.region;
    let same_az = fi.availability_zone == ti.availability_zone && fi.owner == ti.owner;
    let hours = 730.0;
    let to_cidr = tv.primary_cidr().to_string();
    let from_cidr = fv.primary_cidr().to_string();
    let from_table = topo.subnet(&fi.subnet_id).and_then(|s| topo.route_table(s)).map(|t| t.id.clone()).unwrap_or_default();
    let to_table = topo.subnet(&ti.subnet_id).and_then(|s| topo.route_table(s)).map(|t| t.id.clone()).unwrap_or_default();
    let to_group = topo.eni(&ti.primary_eni).and_then(|e| e.groups.first().cloned()).unwrap_or_default();
    let mut options = Vec::new();

    // VPC peering.
    {
        let mut reasons = Vec::new();
        if same_vpc {
            reasons.push("both instances are in the same VPC: no connection is needed".into());
        }
        reasons.extend(overlap.iter().map(|o| format!("peering needs non-overlapping CIDRs: {o}")));
        let existing = crate::routing::any_peering_between(&topo, &fv.id, &tv.id);
        let mut steps = Vec::new();
        if existing.is_none() {
            steps.push(step(&fi.owner, &fv.region, format!("aws ec2 create-vpc-peering-connection --vpc-id {} --peer-vpc-id {} --peer-owner-id {} --peer-region {}", fv.id, tv.id, tv.owner, tv.region), "request the peering"));
            steps.push(step(&ti.owner, &tv.region, "aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id <pcx-id>".into(), "the accepter's owner accepts, in the accepter's region"));
        }
        let pcx = existing.clone().unwrap_or_else(|| "<pcx-id>".into());
        steps.push(step(&fi.owner, &fv.region, format!("aws ec2 create-route --route-table-id {from_table} --destination-cidr-block {to_cidr} --vpc-peering-connection-id {pcx}"), "route to the peer"));
        steps.push(step(&ti.owner, &tv.region, format!("aws ec2 create-route --route-table-id {to_table} --destination-cidr-block {from_cidr} --vpc-peering-connection-id {pcx}"), "route back (each side adds its own routes)"));
        steps.push(step(&ti.owner, &tv.region, format!("aws ec2 authorize-security-group-ingress --group-id {to_group} --protocol tcp --port {port} --cidr {from_cidr}"), "admit the peer"));
        let per_gb = if !same_region {
            price(&pricing, &["peering", "per_gb_cross_region_usd"])
        } else if same_az {
            price(&pricing, &["peering", "per_gb_same_az_usd"])
        } else {
            price(&pricing, &["peering", "per_gb_cross_az_usd"])
        };
        let hourly = price(&pricing, &["peering", "hourly_usd"]);
        options.push(Option_ {
            kind: "peering".into(),
            possible: reasons.is_empty(),
            reasons,
            direction: "two-way".into(),
            existing,
            steps,
            throughput: pricing["throughput"]["peering"].as_str().unwrap_or("").into(),
            cost: Cost {
                hourly_usd: hourly,
                per_gb_usd: per_gb,
                monthly_usd: hourly * hours + per_gb * gb_per_month,
                notes: if same_region { "no hourly charge; data transfer only across AZs (same-AZ by zone id is free)".into() } else { "inter-region data transfer".into() },
            },
        });
    }

    // PrivateLink: the destination provides a service, the source consumes it.
    {
        let mut reasons = Vec::new();
        if same_vpc {
            reasons.push("both instances are in the same VPC: no connection is needed".into());
        }
        if !same_region {
            reasons.push("xvpc models PrivateLink within one region: the endpoint and the service must share it".into());
        }
        let to_subnet = ti.subnet_id.clone();
        let from_subnet = fi.subnet_id.clone();
        let steps = vec![
            step(&ti.owner, &tv.region, format!("aws elbv2 create-load-balancer --name svc-{} --type network --scheme internal --subnets {to_subnet}", &ti.id[2..10.min(ti.id.len())]), "an NLB in front of the destination"),
            step(&ti.owner, &tv.region, format!("aws elbv2 create-target-group --name tg-{} --protocol TCP --port {port} --vpc-id {} --target-type instance", &ti.id[2..10.min(ti.id.len())], tv.id), "a target group"),
            step(&ti.owner, &tv.region, format!("aws elbv2 register-targets --target-group-arn <tg-arn> --targets Id={}", ti.id), "the destination as target"),
            step(&ti.owner, &tv.region, format!("aws elbv2 create-listener --load-balancer-arn <nlb-arn> --protocol TCP --port {port} --default-actions Type=forward,TargetGroupArn=<tg-arn>"), "a listener on the port"),
            step(&ti.owner, &tv.region, format!("aws ec2 authorize-security-group-ingress --group-id {to_group} --protocol tcp --port {port} --cidr {to_cidr}"), "the target sees the NLB's private IP: admit the NLB's VPC range"),
            step(&ti.owner, &tv.region, "aws ec2 create-vpc-endpoint-service-configuration --network-load-balancer-arns <nlb-arn> --acceptance-required".into(), "publish the service"),
            step(&ti.owner, &tv.region, format!("aws ec2 modify-vpc-endpoint-service-permissions --service-id <vpce-svc-id> --add-allowed-principals arn:aws:iam::{}:root", fi.owner), "allow the consumer account"),
            step(&fi.owner, &fv.region, format!("aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface --vpc-id {} --service-name <service-name> --subnet-ids {from_subnet}", fv.id), "the interface endpoint (in an AZ where the NLB has a node)"),
            step(&ti.owner, &tv.region, "aws ec2 accept-vpc-endpoint-connections --service-id <vpce-svc-id> --vpc-endpoint-ids <vpce-id>".into(), "the provider accepts"),
        ];
        let existing = state
            .vpc_endpoints
            .values()
            .find(|e| {
                e.vpc_id == fv.id
                    && e.service_id.as_deref().and_then(|s| state.endpoint_services.get(s)).is_some_and(|s| {
                        s.network_load_balancer_arns.iter().filter_map(|a| state.load_balancers.get(a)).any(|lb| lb.vpc_id == tv.id)
                    })
            })
            .map(|e| e.id.clone());
        let hourly = price(&pricing, &["privatelink", "endpoint_hourly_per_az_usd"]) + price(&pricing, &["nlb", "hourly_usd"]) + price(&pricing, &["nlb", "lcu_hourly_usd"]);
        let per_gb = price(&pricing, &["privatelink", "endpoint_per_gb_usd"]);
        options.push(Option_ {
            kind: "privatelink".into(),
            possible: reasons.is_empty(),
            reasons,
            direction: format!("one-way: {} (consumer) -> {} (provider); the provider cannot open connections back", fi.id, ti.id),
            existing,
            steps,
            throughput: pricing["throughput"]["privatelink"].as_str().unwrap_or("").into(),
            cost: Cost {
                hourly_usd: hourly,
                per_gb_usd: per_gb,
                monthly_usd: hourly * hours + per_gb * gb_per_month,
                notes: "one endpoint AZ + one NLB with one LCU; CIDRs may overlap".into(),
            },
        });
    }

    // Transit gateway (shared through RAM when the accounts differ).
    {
        let mut reasons = Vec::new();
        if same_vpc {
            reasons.push("both instances are in the same VPC: no connection is needed".into());
        }
        reasons.extend(overlap.iter().map(|o| format!("a transit gateway does not propagate overlapping CIDRs: {o}")));
        if !same_region {
            reasons.push("the VPCs are in different regions: two transit gateways and a TGW peering attachment are needed (not modelled by xvpc)".into());
        }
        let mut steps = vec![step(&fi.owner, &fv.region, "aws ec2 create-transit-gateway --description shared".into(), "the hub (in the source account here)")];
        if fi.owner != ti.owner {
            steps.push(step(&fi.owner, &fv.region, format!("aws ram create-resource-share --name tgw --resource-arns <tgw-arn> --principals {}", ti.owner), "share it with the other account"));
            steps.push(step(&ti.owner, &tv.region, "aws ram accept-resource-share-invitation --resource-share-invitation-arn <invitation-arn>".into(), "accept the share (outside an organization)"));
        }
        steps.push(step(&fi.owner, &fv.region, format!("aws ec2 create-transit-gateway-vpc-attachment --transit-gateway-id <tgw-id> --vpc-id {} --subnet-ids {}", fv.id, fi.subnet_id), "attach the source VPC (one subnet per AZ that sends traffic)"));
        steps.push(step(&ti.owner, &tv.region, format!("aws ec2 create-transit-gateway-vpc-attachment --transit-gateway-id <tgw-id> --vpc-id {} --subnet-ids {}", tv.id, ti.subnet_id), "attach the destination VPC"));
        if fi.owner != ti.owner {
            steps.push(step(&fi.owner, &fv.region, "aws ec2 accept-transit-gateway-vpc-attachment --transit-gateway-attachment-id <attachment-id>".into(), "the TGW owner accepts the other account's attachment"));
        }
        steps.push(step(&fi.owner, &fv.region, format!("aws ec2 create-route --route-table-id {from_table} --destination-cidr-block {to_cidr} --transit-gateway-id <tgw-id>"), "route to the TGW"));
        steps.push(step(&ti.owner, &tv.region, format!("aws ec2 create-route --route-table-id {to_table} --destination-cidr-block {from_cidr} --transit-gateway-id <tgw-id>"), "route back"));
        steps.push(step(&ti.owner, &tv.region, format!("aws ec2 authorize-security-group-ingress --group-id {to_group} --protocol tcp --port {port} --cidr {from_cidr}"), "admit the source (group references do not cross a TGW)"));
        let hourly = 2.0 * price(&pricing, &["transit_gateway", "attachment_hourly_usd"]);
        let per_gb = price(&pricing, &["transit_gateway", "per_gb_usd"]);
        options.push(Option_ {
            kind: "transit-gateway".into(),
            possible: reasons.is_empty(),
            reasons,
            direction: "two-way (as the TGW route tables say)".into(),
            existing: None,
            steps,
            throughput: pricing["throughput"]["transit_gateway"].as_str().unwrap_or("").into(),
            cost: Cost {
                hourly_usd: hourly,
                per_gb_usd: per_gb,
                monthly_usd: hourly * hours + per_gb * gb_per_month,
                notes: "two VPC attachments; data processed is charged once, by the sending attachment".into(),
            },
        });
    }
    Ok(Comparison {
        from: f,
        to: t,
        port,
        gb_per_month,
        pricing_as_of: pricing["as_of"].as_str().unwrap_or("").into(),
        pricing_sources: pricing["sources"].clone(),
        options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthetic::Builder;

    #[test]
    fn overlapping_cidrs_rule_out_peering_and_tgw_not_privatelink() {
        let mut b = Builder::new();
        let va = b.vpc("111111111111", "us-east-1", "10.1.0.0/16");
        let vb = b.vpc("222222222222", "us-east-1", "10.1.0.0/16");
        let sa = b.subnet(&va, "10.1.1.0/24", "us-east-1a");
        let sb = b.subnet(&vb, "10.1.1.0/24", "us-east-1a");
        let ia = b.instance(&sa, "10.1.1.10", &[&b.default_group(&va)]);
        let ib = b.instance(&sb, "10.1.1.10", &[&b.default_group(&vb)]);
        let c = compare(&b.state, 0, &ib, &ia, 80, 100.0).unwrap();
        let by = |k: &str| c.options.iter().find(|o| o.kind == k).unwrap().clone();
        assert!(!by("peering").possible && by("peering").reasons[0].contains("overlaps"));
        assert!(!by("transit-gateway").possible);
        let pl = by("privatelink");
        assert!(pl.possible && pl.direction.starts_with("one-way"));
        assert!(pl.steps.iter().any(|s| s.account == "111111111111" && s.command.contains("create-vpc-endpoint-service-configuration")));
        assert!(pl.steps.iter().any(|s| s.account == "222222222222" && s.command.contains("create-vpc-endpoint ")));
        assert!((by("transit-gateway").cost.monthly_usd - (2.0 * 0.05 * 730.0 + 0.02 * 100.0)).abs() < 1e-6);
        assert_eq!(c.pricing_as_of, "2026-11-26");
    }
}
