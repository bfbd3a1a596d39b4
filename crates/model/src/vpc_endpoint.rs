//! Interface VPC endpoints (PrivateLink, consumer side): one
//! requester-managed ENI per subnet (one subnet per zone, in zones — by
//! zone id — where the service is available), DNS names under the
//! service's base name, and the acceptance lifecycle the provider drives.

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, Limit, ModelError, Result};
use crate::filter::{one, opt, Field, FilterTable};
use crate::ids::{new_id, random_hex};
use crate::network_interface;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::subnet::{self, Subnet};
use crate::tags::Tags;
use crate::endpoint_service::{self, EndpointService, Unsuccessful};

/// An endpoint's lifecycle state, spelled as AWS's `State`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndpointState {
    PendingAcceptance,
    Pending,
    Available,
    Rejected,
    Deleting,
    Deleted,
    Failed,
}

impl EndpointState {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointState::PendingAcceptance => "pendingAcceptance",
            EndpointState::Pending => "pending",
            EndpointState::Available => "available",
            EndpointState::Rejected => "rejected",
            EndpointState::Deleting => "deleting",
            EndpointState::Deleted => "deleted",
            EndpointState::Failed => "failed",
        }
    }

    /// Connected, or waiting to be: blocks deleting the service.
    pub fn is_connected(self) -> bool {
        matches!(self, EndpointState::PendingAcceptance | EndpointState::Pending | EndpointState::Available)
    }
}

/// An interface endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpcEndpoint {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub vpc_id: String,
    /// `Interface`.
    pub endpoint_type: String,
    pub service_name: String,
    /// The endpoint service it connects to.
    pub service_id: Option<String>,
    pub state: EndpointState,
    pub subnet_ids: Vec<String>,
    pub network_interface_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    /// The 8 random characters of the endpoint's DNS names.
    pub dns_suffix: String,
    pub private_dns_enabled: bool,
    pub policy_document: Option<String>,
    pub tags: Tags,
    pub created_at: i64,
}
crate::impl_owned!(VpcEndpoint);

/// One DNS name of an endpoint and its Route 53 zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsEntry {
    pub dns_name: String,
    pub hosted_zone_id: &'static str,
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
    /// (zone names as the endpoint's owner sees them).
    pub fn dns_entries(&self, state: &State) -> Vec<DnsEntry> {
        let Some(svc_id) = &self.service_id else { return Vec::new() };
        let base = format!("{svc_id}.{}.vpce.amazonaws.com", self.region);
        let zone = vpce_hosted_zone(&self.region);
        let mut out = vec![DnsEntry { dns_name: format!("{}-{}.{base}", self.id, self.dns_suffix), hosted_zone_id: zone }];
        let mut zones: Vec<&str> = self.subnet_ids.iter().filter_map(|s| state.subnets.get(s)).map(|s| s.availability_zone.as_str()).collect();
        zones.sort_unstable();
        for z in zones {
            out.push(DnsEntry { dns_name: format!("{}-{}-{z}.{base}", self.id, self.dns_suffix), hosted_zone_id: zone });
        }
        out
    }
}

/// DescribeVpcEndpoints' filters (interface endpoints of the endpoint's
/// own region, IPv4 only).
pub const FILTERS: FilterTable<VpcEndpoint> = FilterTable {
    tags: Some(|x, _| Some(&x.tags)),
    fields: &[
        ("ip-address-type", Field::Values(|_, _| one("ipv4"))),
        ("service-name", Field::Values(|x, _| one(&x.service_name))),
        ("service-region", Field::Values(|x, _| one(&x.region))),
        ("vpc-endpoint-id", Field::Values(|x, _| one(&x.id))),
        ("vpc-endpoint-state", Field::Values(|x, _| one(x.state.as_str()))),
        ("vpc-endpoint-type", Field::Values(|x, _| one(&x.endpoint_type))),
        ("vpc-id", Field::Values(|x, _| one(&x.vpc_id))),
    ],
};

/// DescribeVpcEndpointConnections' filters, over the endpoints connected
/// to the caller's services.
pub const CONNECTION_FILTERS: FilterTable<VpcEndpoint> = FilterTable {
    tags: None,
    fields: &[
        ("ip-address-type", Field::Values(|_, _| one("ipv4"))),
        ("service-id", Field::Values(|x, _| opt(x.service_id.as_ref()))),
        ("vpc-endpoint-id", Field::Values(|x, _| one(&x.id))),
        ("vpc-endpoint-owner", Field::Values(|x, _| one(&x.owner))),
        ("vpc-endpoint-region", Field::Values(|x, _| one(&x.region))),
        ("vpc-endpoint-state", Field::Values(|x, _| one(x.state.as_str()))),
    ],
};

/// Input of CreateVpcEndpoint.
#[derive(Debug, Clone, Default)]
pub struct CreateEndpoint {
    pub vpc_id: String,
    pub endpoint_type: Option<String>,
    pub service_name: String,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub private_dns_enabled: Option<bool>,
    pub policy_document: Option<String>,
    pub tags: Tags,
}

/// Checks the endpoint's subnets: the caller's, in the endpoint's VPC, one
/// per zone, each in a zone (by id) where the service is available.
fn check_subnets<'a>(state: &'a State, ctx: &Ctx, vpc_id: &str, svc: &EndpointService, ids: &[String], already: &[String]) -> Result<Vec<&'a Subnet>> {
    let zones = svc.zone_ids(state);
    let mut taken: Vec<String> = already.iter().filter_map(|s| state.subnets.get(s)).map(|s| s.availability_zone_id.clone()).collect();
    let mut out = Vec::new();
    for id in ids {
        let s = owned(&state.subnets, ctx, IdKind::Subnet, id)?;
        if s.vpc_id != vpc_id {
            return Err(ModelError::InvalidParameter(format!("The subnet '{id}' does not belong to VPC '{vpc_id}'")));
        }
        if !zones.contains(&s.availability_zone_id) {
            return Err(ModelError::InvalidParameter(format!(
                "The VPC endpoint service {} does not support the availability zone of the subnet: {id}.",
                svc.name
            )));
        }
        if taken.contains(&s.availability_zone_id) {
            return Err(ModelError::DuplicateSubnetsInSameZone(format!("Found another VPC endpoint subnet in the availability zone of {id}. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service.")));
        }
        taken.push(s.availability_zone_id.clone());
        out.push(s);
    }
    Ok(out)
}

fn check_groups(state: &State, ctx: &Ctx, vpc_id: &str, groups: &[String]) -> Result<()> {
    if groups.len() > 5 {
        return Err(ModelError::LimitExceeded(Limit::SecurityGroupsPerInterface, "You have exceeded the maximum number of security groups allowed per network interface.".into()));
    }
    for g in groups {
        let sg = owned(&state.security_groups, ctx, IdKind::SecurityGroup, g)?;
        if sg.vpc_id != vpc_id {
            return Err(ModelError::InvalidParameter(format!("Security group {g} and VPC {vpc_id} belong to different networks")));
        }
    }
    Ok(())
}

/// One endpoint ENI per subnet, carrying the endpoint's groups.
fn place_enis(state: &State, endpoint: &VpcEndpoint, subnets: &[&Subnet], ch: &mut Changes) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for s in subnets {
        let ip = subnet::allocate_ip(state, s, &[])?;
        let eni = network_interface::requester_managed(
            s,
            ip,
            endpoint.security_group_ids.clone(),
            format!("VPC Endpoint Interface {}", endpoint.id),
            "vpc_endpoint",
            "amazon-aws",
        );
        ids.push(eni.id.clone());
        ch.put(eni);
    }
    Ok(ids)
}

/// CreateVpcEndpoint (Interface). The caller must be allowed by the service;
/// the endpoint waits in `pendingAcceptance` when the service requires it.
pub fn create_endpoint(state: &State, ctx: &Ctx, input: CreateEndpoint) -> Result<(Changes, String)> {
    let endpoint_type = input.endpoint_type.unwrap_or_else(|| "Gateway".into());
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, &input.vpc_id)?;
    if endpoint_type != "Interface" {
        return Err(ModelError::InvalidParameter(format!("Endpoint type '{endpoint_type}' is not supported by xvpc; use Interface")));
    }
    let svc = endpoint_service::visible_by_name(state, ctx, &input.service_name)?;
    if input.subnet_ids.is_empty() {
        return Err(ModelError::InvalidParameter("At least one subnet must be specified for an Interface endpoint".into()));
    }
    let subnets = check_subnets(state, ctx, &vpc.id, svc, &input.subnet_ids, &[])?;
    let groups = if input.security_group_ids.is_empty() {
        // AWS uses the VPC's default security group.
        state.security_groups.values().filter(|g| g.vpc_id == vpc.id && g.is_default()).map(|g| g.id.clone()).collect()
    } else {
        check_groups(state, ctx, &vpc.id, &input.security_group_ids)?;
        input.security_group_ids.clone()
    };
    if input.private_dns_enabled == Some(true) && svc.private_dns_name.is_none() {
        return Err(ModelError::InvalidParameter("Private DNS can't be enabled because the service does not provide a private DNS name.".into()));
    }
    let mut ep = VpcEndpoint {
        id: new_id("vpce"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        vpc_id: vpc.id.clone(),
        endpoint_type,
        service_name: svc.name.clone(),
        service_id: Some(svc.id.clone()),
        state: if svc.acceptance_required && svc.owner != ctx.account { EndpointState::PendingAcceptance } else { EndpointState::Available },
        subnet_ids: input.subnet_ids.clone(),
        network_interface_ids: Vec::new(),
        security_group_ids: groups,
        dns_suffix: random_hex(8),
        private_dns_enabled: input.private_dns_enabled.unwrap_or(false),
        policy_document: input.policy_document,
        tags: input.tags,
        created_at: ctx.now,
    };
    let mut ch = Changes::new();
    ep.network_interface_ids = place_enis(state, &ep, &subnets, &mut ch)?;
    let id = ep.id.clone();
    ch.put(ep);
    Ok((ch, id))
}

/// Input of ModifyVpcEndpoint.
#[derive(Debug, Clone, Default)]
pub struct ModifyEndpoint {
    pub add_subnets: Vec<String>,
    pub remove_subnets: Vec<String>,
    pub add_groups: Vec<String>,
    pub remove_groups: Vec<String>,
    pub policy_document: Option<String>,
    pub reset_policy: bool,
    pub private_dns_enabled: Option<bool>,
}

/// ModifyVpcEndpoint: subnets (ENIs follow), security groups (on every
/// endpoint ENI), policy, private DNS.
pub fn modify_endpoint(state: &State, ctx: &Ctx, id: &str, m: ModifyEndpoint) -> Result<Changes> {
    let mut ep = owned(&state.vpc_endpoints, ctx, IdKind::VpcEndpoint, id)?.clone();
    let mut ch = Changes::new();
    for s in &m.remove_subnets {
        let Some(i) = ep.subnet_ids.iter().position(|x| x == s) else {
            return Err(ModelError::InvalidParameter(format!("Subnet {s} is not part of VPC endpoint {id}")));
        };
        ep.subnet_ids.remove(i);
        if let Some(eni) = ep.network_interface_ids.iter().find(|e| state.network_interfaces.get(*e).is_some_and(|x| &x.subnet_id == s)).cloned() {
            ep.network_interface_ids.retain(|e| e != &eni);
            ch.delete(ResourceKind::NetworkInterface, &eni);
        }
    }
    let mut groups = ep.security_group_ids.clone();
    groups.retain(|g| !m.remove_groups.contains(g));
    check_groups(state, ctx, &ep.vpc_id, &m.add_groups)?;
    for g in &m.add_groups {
        if !groups.contains(g) {
            groups.push(g.clone());
        }
    }
    if groups.is_empty() {
        return Err(ModelError::InvalidParameter("An interface endpoint must have at least one security group".into()));
    }
    check_groups(state, ctx, &ep.vpc_id, &groups)?;
    ep.security_group_ids = groups;
    if !m.add_subnets.is_empty() {
        let svc = ep.service_id.as_ref().and_then(|s| state.endpoint_services.get(s)).ok_or_else(|| {
            ModelError::IncorrectState(format!("The service of VPC endpoint {id} no longer exists"))
        })?;
        let subnets = check_subnets(state, ctx, &ep.vpc_id, svc, &m.add_subnets, &ep.subnet_ids)?;
        let enis = place_enis(state, &ep, &subnets, &mut ch)?;
        ep.subnet_ids.extend(m.add_subnets.iter().cloned());
        ep.network_interface_ids.extend(enis);
    }
    // Every endpoint ENI carries the endpoint's groups.
    for eni in &ep.network_interface_ids {
        if let Some(x) = state.network_interfaces.get(eni) {
            if x.groups != ep.security_group_ids {
                let mut x = x.clone();
                x.groups = ep.security_group_ids.clone();
                ch.put(x);
            }
        }
    }
    if m.reset_policy {
        ep.policy_document = None;
    } else if m.policy_document.is_some() {
        ep.policy_document = m.policy_document;
    }
    if let Some(p) = m.private_dns_enabled {
        ep.private_dns_enabled = p;
    }
    ch.put(ep);
    Ok(ch)
}

/// DeleteVpcEndpoints: each endpoint of the caller goes with its ENIs;
/// unknown ids are reported as `Unsuccessful`.
pub fn delete_endpoints(state: &State, ctx: &Ctx, ids: &[String]) -> (Changes, Vec<Unsuccessful>) {
    let mut ch = Changes::new();
    let mut failed = Vec::new();
    for id in ids {
        match owned(&state.vpc_endpoints, ctx, IdKind::VpcEndpoint, id) {
            Err(_) => failed.push(Unsuccessful::new(id, "InvalidVpcEndpoint.NotFound", format!("The VPC endpoint '{id}' does not exist"))),
            Ok(ep) => {
                for eni in &ep.network_interface_ids {
                    ch.delete(ResourceKind::NetworkInterface, eni);
                }
                ch.delete(ResourceKind::VpcEndpoint, id);
            }
        }
    }
    (ch, failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint_service::tests::{service, A, B};
    use crate::endpoint_service::{decide_connections, modify_permissions};
    use crate::load_balancer::tests::{apply, world};
    use crate::region;

    /// B's VPC 10.2.0.0/16 with a subnet in every zone of B.
    fn consumer(s: &mut State) -> (String, Vec<String>) {
        let ctx = Ctx::new(B, "us-east-1", 0);
        let (ch, vpc) = crate::vpc::create_vpc(s, &ctx, crate::vpc::CreateVpc { cidr: "10.2.0.0/16".into(), ..Default::default() }).unwrap();
        apply(s, ch);
        let mut subnets = Vec::new();
        for (i, z) in region::zones(B, region::region("us-east-1").unwrap()).into_iter().enumerate() {
            let (ch, id) = subnet::create_subnet(
                s,
                &ctx,
                subnet::CreateSubnet { vpc_id: vpc.clone(), cidr: format!("10.2.{i}.0/24"), availability_zone: Some(z.name), ..Default::default() },
            )
            .unwrap();
            apply(s, ch);
            subnets.push(id);
        }
        (vpc, subnets)
    }

    #[test]
    fn endpoint_lifecycle_across_accounts() {
        let _ = world;
        let (mut s, svc_id, _) = service(true);
        let a = Ctx::new(A, "us-east-1", 0);
        let b = Ctx::new(B, "us-east-1", 0);
        let (vpc, subnets) = consumer(&mut s);
        let svc = s.endpoint_services[&svc_id].clone();
        let zones = svc.zone_ids(&s);
        let inside: Vec<String> = subnets.iter().filter(|x| zones.contains(&s.subnets[*x].availability_zone_id)).cloned().collect();
        let outside = subnets.iter().find(|x| !zones.contains(&s.subnets[*x].availability_zone_id)).unwrap().clone();
        assert_eq!(inside.len(), 2, "B has one subnet in each of the service's two zone ids");
        let input = |subnets: Vec<String>| CreateEndpoint {
            vpc_id: vpc.clone(),
            endpoint_type: Some("Interface".into()),
            service_name: svc.name.clone(),
            subnet_ids: subnets,
            ..Default::default()
        };
        // Not allowed yet: the service does not exist for B.
        assert!(matches!(create_endpoint(&s, &b, input(inside.clone())), Err(ModelError::NotFound(IdKind::ServiceName, _))));
        let (ch, _) = modify_permissions(&s, &a, &svc_id, &[format!("arn:aws:iam::{B}:root")], &[]).unwrap();
        apply(&mut s, ch);
        // A subnet in a zone id the NLB does not cover is refused.
        assert!(matches!(create_endpoint(&s, &b, input(vec![outside])), Err(ModelError::InvalidParameter(_))));
        let (ch, id) = create_endpoint(&s, &b, input(inside.clone())).unwrap();
        apply(&mut s, ch);
        let ep = s.vpc_endpoints[&id].clone();
        assert_eq!(ep.state, EndpointState::PendingAcceptance);
        assert_eq!(ep.network_interface_ids.len(), 2);
        for eni in &ep.network_interface_ids {
            let e = &s.network_interfaces[eni];
            assert_eq!((e.interface_type.as_str(), e.owner.as_str(), e.requester_managed), ("vpc_endpoint", B, true));
        }
        let dns = ep.dns_entries(&s);
        assert_eq!(dns.len(), 3);
        assert_eq!(dns[0].dns_name, format!("{id}-{}.{svc_id}.us-east-1.vpce.amazonaws.com", ep.dns_suffix));
        assert!(dns[1].dns_name.contains("-us-east-1"));
        // Only the owner decides; B gets NotFound for A's service.
        assert!(matches!(decide_connections(&s, &b, &svc_id, &[id.clone()], true), Err(ModelError::NotFound(IdKind::VpcEndpointService, _))));
        let (ch, failed) = decide_connections(&s, &a, &svc_id, &[id.clone(), "vpce-12345678901234567".into()], true).unwrap();
        assert_eq!(failed.len(), 1);
        apply(&mut s, ch);
        assert_eq!(s.vpc_endpoints[&id].state, EndpointState::Available);
        // Service cannot go while connected.
        let (_, failed) = endpoint_service::delete_services(&s, &a, &[svc_id.clone()]);
        assert_eq!(failed[0].code, "ExistingVpcEndpointConnections");
        // Removing a subnet removes its ENI.
        let ch = modify_endpoint(&s, &b, &id, ModifyEndpoint { remove_subnets: vec![inside[0].clone()], ..Default::default() }).unwrap();
        apply(&mut s, ch);
        assert_eq!(s.vpc_endpoints[&id].network_interface_ids.len(), 1);
        let (ch, failed) = delete_endpoints(&s, &b, &[id.clone()]);
        assert!(failed.is_empty());
        apply(&mut s, ch);
        assert!(s.network_interfaces.values().all(|e| e.interface_type != "vpc_endpoint"));
        let (_, failed) = endpoint_service::delete_services(&s, &a, &[svc_id]);
        assert!(failed.is_empty());
    }
}
