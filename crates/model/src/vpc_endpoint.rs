//! VPC endpoints (PrivateLink, consumer side). Interface endpoints: one
//! requester-managed ENI per subnet (one subnet per zone, in zones — by
//! zone id — where the service is available), DNS names under the
//! service's base name, and the acceptance lifecycle the provider drives.
//! The service is a customer's ([`crate::endpoint_service`]) or one of
//! AWS's own ([`crate::aws_service`]: every zone, no acceptance, private
//! DNS under the service's API hostname). Gateway endpoints (S3,
//! DynamoDB) are routes instead: [`crate::gateway_endpoint`].

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::aws_service::{self, ServiceType};
use crate::error::{IdKind, Limit, ModelError, Result};
use crate::gateway_endpoint::{self, DEFAULT_POLICY};
use crate::filter::{one, opt, Field, FilterTable};
use crate::ids::{new_id, random_hex};
use crate::network_interface;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::subnet::{self, Subnet};
use crate::tags::Tags;
use crate::endpoint_service::{self, Unsuccessful};
use crate::endpoint_dns::check_private_dns;

pub use crate::endpoint_dns::DnsEntry;

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
    /// A Gateway endpoint's route tables (each holds a route to it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_table_ids: Vec<String>,
}
crate::impl_owned!(VpcEndpoint);

impl VpcEndpoint {
    /// The AWS service this endpoint connects to, if it is one of AWS's.
    pub fn aws_service(&self) -> Option<aws_service::AwsService> {
        let t = if self.endpoint_type == ServiceType::Gateway.as_str() { ServiceType::Gateway } else { ServiceType::Interface };
        self.service_id.is_none().then(|| aws_service::find(&self.region, &self.service_name, t)).flatten()
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
    pub route_table_ids: Vec<String>,
    pub private_dns_enabled: Option<bool>,
    pub policy_document: Option<String>,
    pub tags: Tags,
    /// Chosen IPv4 addresses of the endpoint's interfaces, by subnet
    /// (`SubnetConfigurations`); other subnets get the next free address.
    pub chosen_ips: Vec<(String, Ipv4Addr)>,
}

/// The service an endpoint connects to, as creating it needs it.
struct Svc {
    name: String,
    /// A customer's service id (`None` for AWS's).
    id: Option<String>,
    zone_ids: Vec<String>,
    private_dns: bool,
    /// Whether the endpoint waits for the owner's acceptance.
    pending: bool,
    policy_supported: bool,
}

/// Finds the service `name` of type `t` as `ctx` may see it: one of AWS's
/// services of the region, or a customer's (Interface only).
fn resolve(state: &State, ctx: &Ctx, name: &str, t: ServiceType) -> Result<Svc> {
    if let Some(a) = aws_service::find(&ctx.region, name, t) {
        let zone_ids = a.zones(&ctx.account).into_iter().map(|z| z.zone_id).collect();
        return Ok(Svc { name: a.name, id: None, zone_ids, private_dns: !a.private_dns_names.is_empty(), pending: false, policy_supported: a.policy_supported });
    }
    if aws_service::is_aws(&ctx.region, name) || t == ServiceType::Gateway {
        return Err(ModelError::InvalidParameter(format!("The Vpc Endpoint Service '{name}' does not support endpoint type '{t}'.")));
    }
    let svc = endpoint_service::visible_by_name(state, ctx, name)?;
    Ok(Svc {
        name: svc.name.clone(),
        id: Some(svc.id.clone()),
        zone_ids: svc.zone_ids(state),
        private_dns: svc.private_dns_name.is_some(),
        pending: svc.acceptance_required && svc.owner != ctx.account,
        policy_supported: false,
    })
}

/// Checks the endpoint's subnets: the caller's, in the endpoint's VPC, one
/// per zone, each in a zone (by id) where the service is available.
fn check_subnets<'a>(state: &'a State, ctx: &Ctx, vpc_id: &str, svc: &Svc, ids: &[String], already: &[String]) -> Result<Vec<&'a Subnet>> {
    let zones = &svc.zone_ids;
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

/// One endpoint ENI per subnet, carrying the endpoint's groups, at the
/// address chosen for its subnet if any.
fn place_enis(state: &State, endpoint: &VpcEndpoint, subnets: &[&Subnet], chosen: &[(String, Ipv4Addr)], ch: &mut Changes) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for s in subnets {
        let ip = match chosen.iter().find(|(id, _)| *id == s.id) {
            Some((_, ip)) => {
                subnet::check_ip(state, s, *ip)?;
                *ip
            }
            None => subnet::allocate_ip(state, s, &[])?,
        };
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

/// CreateVpcEndpoint. Interface: the caller must be allowed by the
/// service; the endpoint waits in `pendingAcceptance` when the service
/// requires it. Gateway (the default type, as in AWS): S3 or DynamoDB,
/// with routes in the given tables.
pub fn create_endpoint(state: &State, ctx: &Ctx, input: CreateEndpoint) -> Result<(Changes, String)> {
    let t = match input.endpoint_type.as_deref() {
        None | Some("Gateway") => ServiceType::Gateway,
        Some("Interface") => ServiceType::Interface,
        Some(other) => return Err(ModelError::InvalidParameter(format!("Endpoint type '{other}' is not supported by xvpc; use Interface or Gateway"))),
    };
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, &input.vpc_id)?;
    let svc = resolve(state, ctx, &input.service_name, t)?;
    // A policy is stored as given; a service that takes policies gets
    // AWS's default full-access one when none is given.
    let policy = input.policy_document.or_else(|| svc.policy_supported.then(|| DEFAULT_POLICY.to_string()));
    let mut ep = VpcEndpoint {
        id: new_id("vpce"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        vpc_id: vpc.id.clone(),
        endpoint_type: t.as_str().to_string(),
        service_name: svc.name.clone(),
        service_id: svc.id.clone(),
        state: if svc.pending { EndpointState::PendingAcceptance } else { EndpointState::Available },
        subnet_ids: Vec::new(),
        network_interface_ids: Vec::new(),
        security_group_ids: Vec::new(),
        dns_suffix: random_hex(8),
        private_dns_enabled: false,
        policy_document: policy,
        tags: input.tags,
        created_at: ctx.now,
        route_table_ids: Vec::new(),
    };
    let mut ch = Changes::new();
    if t == ServiceType::Gateway {
        if !input.subnet_ids.is_empty() || !input.security_group_ids.is_empty() || input.private_dns_enabled == Some(true) {
            return Err(ModelError::InvalidParameter("Subnets, security groups and private DNS apply to Interface endpoints only".into()));
        }
        gateway_endpoint::add_tables(state, ctx, &mut ep, &input.route_table_ids, &mut ch)?;
        let id = ep.id.clone();
        ch.put(ep);
        return Ok((ch, id));
    }
    if !input.route_table_ids.is_empty() {
        return Err(ModelError::InvalidParameter("Route tables apply to Gateway endpoints only".into()));
    }
    // No subnet is allowed: AWS creates the endpoint without interfaces
    // (ModifyVpcEndpoint adds them later), and the VPC module's `complete`
    // example creates its S3 Interface endpoint that way.
    let subnets = check_subnets(state, ctx, &vpc.id, &svc, &input.subnet_ids, &[])?;
    if let Some((id, _)) = input.chosen_ips.iter().find(|(id, _)| !input.subnet_ids.contains(id)) {
        return Err(ModelError::InvalidParameter(format!("The subnet configuration's subnet {id} is not one of the endpoint's subnets")));
    }
    let groups = if input.security_group_ids.is_empty() {
        // AWS uses the VPC's default security group.
        state.security_groups.values().filter(|g| g.vpc_id == vpc.id && g.is_default()).map(|g| g.id.clone()).collect()
    } else {
        check_groups(state, ctx, &vpc.id, &input.security_group_ids)?;
        input.security_group_ids.clone()
    };
    if input.private_dns_enabled == Some(true) && !svc.private_dns {
        return Err(ModelError::InvalidParameter("Private DNS can't be enabled because the service does not provide a private DNS name.".into()));
    }
    ep.subnet_ids = input.subnet_ids.clone();
    ep.security_group_ids = groups;
    // AWS's default is on for an AWS service (when the VPC resolves
    // private names); a customer's service asks for it.
    let dns_ready = vpc.enable_dns_support && vpc.enable_dns_hostnames;
    ep.private_dns_enabled = input.private_dns_enabled.unwrap_or(svc.id.is_none() && svc.private_dns && dns_ready);
    if ep.private_dns_enabled {
        check_private_dns(state, &ep, dns_ready)?;
    }
    ep.network_interface_ids = place_enis(state, &ep, &subnets, &input.chosen_ips, &mut ch)?;
    let id = ep.id.clone();
    ch.put(ep);
    Ok((ch, id))
}

/// Input of ModifyVpcEndpoint.
#[derive(Debug, Clone, Default)]
pub struct ModifyEndpoint {
    pub add_route_tables: Vec<String>,
    pub remove_route_tables: Vec<String>,
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
    let gateway = ep.endpoint_type == ServiceType::Gateway.as_str();
    if !gateway && !(m.add_route_tables.is_empty() && m.remove_route_tables.is_empty()) {
        return Err(ModelError::InvalidParameter("Route tables can only be changed on Gateway endpoints".into()));
    }
    let policy_supported = ep.aws_service().is_some_and(|a| a.policy_supported);
    if gateway {
        let interface_only = !(m.add_subnets.is_empty() && m.remove_subnets.is_empty() && m.add_groups.is_empty() && m.remove_groups.is_empty());
        if interface_only || m.private_dns_enabled == Some(true) {
            return Err(ModelError::InvalidParameter("Subnets, security groups and private DNS apply to Interface endpoints only".into()));
        }
        ep.route_table_ids = gateway_endpoint::live_tables(state, &ep);
        gateway_endpoint::remove_tables(state, &mut ep, &m.remove_route_tables, &mut ch)?;
        gateway_endpoint::add_tables(state, ctx, &mut ep, &m.add_route_tables, &mut ch)?;
        set_policy(&mut ep, m.policy_document, m.reset_policy, policy_supported);
        ch.put(ep);
        return Ok(ch);
    }
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
        let svc = match &ep.service_id {
            Some(sid) => state.endpoint_services.get(sid).map(|_| resolve(state, ctx, &ep.service_name, ServiceType::Interface)),
            None => Some(resolve(state, ctx, &ep.service_name, ServiceType::Interface)),
        }
        .ok_or_else(|| ModelError::IncorrectState(format!("The service of VPC endpoint {id} no longer exists")))??;
        let subnets = check_subnets(state, ctx, &ep.vpc_id, &svc, &m.add_subnets, &ep.subnet_ids)?;
        let enis = place_enis(state, &ep, &subnets, &[], &mut ch)?;
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
    set_policy(&mut ep, m.policy_document, m.reset_policy, policy_supported);
    if let Some(p) = m.private_dns_enabled {
        if p && ep.service_id.as_ref().is_some_and(|s| state.endpoint_services.get(s).is_some_and(|x| x.private_dns_name.is_none())) {
            return Err(ModelError::InvalidParameter("Private DNS can't be enabled because the service does not provide a private DNS name.".into()));
        }
        ep.private_dns_enabled = p;
        if p && ep.service_id.is_none() {
            let ready = state.vpcs.get(&ep.vpc_id).is_some_and(|v| v.enable_dns_support && v.enable_dns_hostnames);
            check_private_dns(state, &ep, ready)?;
        }
    }
    ch.put(ep);
    Ok(ch)
}

/// A new policy, or AWS's default one again after `ResetPolicy` (none for
/// a service that takes no policy).
fn set_policy(ep: &mut VpcEndpoint, policy: Option<String>, reset: bool, supported: bool) {
    if reset {
        ep.policy_document = supported.then(|| DEFAULT_POLICY.to_string());
    } else if policy.is_some() {
        ep.policy_document = policy;
    }
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
                gateway_endpoint::drop_routes(state, &ep.id, &ep.route_table_ids, &mut ch);
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
