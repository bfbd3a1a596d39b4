//! VPC endpoint services (PrivateLink, provider side): one or more NLBs
//! exposed as `com.amazonaws.vpce.<region>.vpce-svc-<id>`, available in
//! the NLBs' zones (by zone id), to the principals the owner allows, with
//! optional acceptance of each endpoint connection.
//!
//! Connections are not stored apart: a connection is the consumer's
//! endpoint seen from the service, so both sides always agree.

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::load_balancer;
use crate::state::{Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;
use crate::vpc_endpoint::{EndpointState, VpcEndpoint};

/// A new service reports `Pending` for this long, then `Available`.
pub const PENDING_MS: i64 = 2_000;

crate::aws_enum! {
    /// A service's state (`ServiceState`, capitalised as AWS spells it):
    /// `Pending` for a moment after creation, then `Available`.
    pub enum ServiceState {
        Pending = "Pending",
        Available = "Available",
        Deleting = "Deleting",
        Deleted = "Deleted",
        Failed = "Failed",
    }
}

/// An endpoint service configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointService {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    pub network_load_balancer_arns: Vec<String>,
    pub acceptance_required: bool,
    pub allowed_principals: Vec<AllowedPrincipal>,
    pub private_dns_name: Option<String>,
    pub tags: Tags,
    pub created_at: i64,
}
crate::impl_owned!(EndpointService);

/// One entry of the service's allow list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AllowedPrincipal {
    /// `*` or an IAM ARN (`arn:aws:iam::<account>:root`, a role or a user).
    pub principal: String,
    /// `vpce-svc-perm-<17hex>`.
    pub permission_id: String,
}

impl AllowedPrincipal {
    /// AWS's `PrincipalType`: `All`, `Account`, `Role`, `User`.
    pub fn principal_type(&self) -> &'static str {
        if self.principal == "*" {
            "All"
        } else if self.principal.ends_with(":root") {
            "Account"
        } else if self.principal.contains(":role/") {
            "Role"
        } else {
            "User"
        }
    }
}

impl EndpointService {
    /// `Pending` right after creation, then `Available`.
    pub fn state(&self, now: i64) -> ServiceState {
        if now < self.created_at + PENDING_MS {
            ServiceState::Pending
        } else {
            ServiceState::Available
        }
    }

    /// Whether `account` may find and connect to the service: the owner,
    /// or an account matched by an allowed principal.
    pub fn allows(&self, account: &str) -> bool {
        account == self.owner
            || self.allowed_principals.iter().any(|p| {
                p.principal == "*" || p.principal.strip_prefix("arn:aws:iam::").is_some_and(|r| r.split(':').next() == Some(account))
            })
    }

    /// The zone ids the service is available in: those of its NLBs' nodes.
    pub fn zone_ids(&self, state: &State) -> Vec<String> {
        let mut ids: Vec<String> = self
            .network_load_balancer_arns
            .iter()
            .filter_map(|a| state.load_balancers.get(a))
            .flat_map(load_balancer::zone_ids)
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The service's zones as `account` names them, in name order.
    pub fn zone_names_for(&self, state: &State, account: &str) -> Vec<String> {
        let mut names: Vec<String> =
            self.zone_ids(state).iter().filter_map(|z| load_balancer::zone_name_for(account, &self.region, z)).collect();
        names.sort();
        names
    }

    /// `vpce-svc-<id>.<region>.vpce.amazonaws.com`, the base of endpoint DNS names.
    pub fn base_dns_name(&self) -> String {
        format!("{}.{}.vpce.amazonaws.com", self.id, self.region)
    }

    /// The endpoints connected to the service (its connections).
    pub fn connections<'a>(&self, state: &'a State) -> impl Iterator<Item = &'a VpcEndpoint> + 'a {
        let id = self.id.clone();
        state.vpc_endpoints.values().filter(move |e| e.service_id.as_deref() == Some(id.as_str()))
    }
}

/// DescribeVpcEndpointServiceConfigurations' filters (the owner's view).
pub const CONFIGURATION_FILTERS: FilterTable<EndpointService> = FilterTable {
    tags: Some(|x, _| Some(&x.tags)),
    fields: &[
        ("service-id", Field::Values(|x, _| one(&x.id))),
        ("service-name", Field::Values(|x, _| one(&x.name))),
        ("service-state", Field::Values(|x, e| one(x.state(e.ctx.now)))),
        ("supported-ip-address-types", Field::Values(|_, _| one("ipv4"))),
    ],
};

/// DescribeVpcEndpointServicePermissions' filters.
pub const PERMISSION_FILTERS: FilterTable<AllowedPrincipal> = FilterTable {
    tags: None,
    fields: &[
        ("principal", Field::Values(|a, _| one(&a.principal))),
        ("principal-type", Field::Values(|a, _| one(a.principal_type()))),
    ],
};

/// Finds the caller's own service by id (anything else is NotFound).
pub fn owned<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<&'a EndpointService> {
    crate::state::owned(&state.endpoint_services, ctx, IdKind::VpcEndpointService, id)
}

/// Finds a service by name, as `ctx`'s account may see it (same region,
/// allowed). An unknown or hidden name is `InvalidServiceName`.
pub fn visible_by_name<'a>(state: &'a State, ctx: &Ctx, name: &str) -> Result<&'a EndpointService> {
    state
        .endpoint_services
        .values()
        .find(|s| s.name == name && s.region == ctx.region && s.allows(&ctx.account))
        .ok_or_else(|| ModelError::NotFound(IdKind::ServiceName, name.to_string()))
}

/// Input of CreateVpcEndpointServiceConfiguration.
#[derive(Debug, Clone, Default)]
pub struct CreateService {
    pub network_load_balancer_arns: Vec<String>,
    pub acceptance_required: bool,
    pub private_dns_name: Option<String>,
    pub tags: Tags,
}

fn check_nlbs(state: &State, ctx: &Ctx, arns: &[String], this: Option<&str>) -> Result<()> {
    for arn in arns {
        let lb = load_balancer::find(state, ctx, arn)
            .map_err(|_| ModelError::InvalidParameterValue(format!("Load balancer '{arn}' does not exist or is not a network load balancer")))?;
        if lb.lb_type != "network" {
            return Err(ModelError::InvalidParameterValue(format!("Load balancer '{arn}' is not a network load balancer")));
        }
        if let Some(other) = state.endpoint_services.values().find(|s| Some(s.id.as_str()) != this && s.network_load_balancer_arns.contains(arn)) {
            return Err(ModelError::InvalidParameter(format!("Load balancer '{arn}' is already associated with service {}", other.id)));
        }
    }
    Ok(())
}

/// CreateVpcEndpointServiceConfiguration.
pub fn create_service(state: &State, ctx: &Ctx, input: CreateService) -> Result<(Changes, String)> {
    if input.network_load_balancer_arns.is_empty() {
        return Err(ModelError::InvalidParameter("At least one network load balancer ARN must be specified".into()));
    }
    check_nlbs(state, ctx, &input.network_load_balancer_arns, None)?;
    let id = new_id("vpce-svc");
    let svc = EndpointService {
        name: format!("com.amazonaws.vpce.{}.{id}", ctx.region),
        id: id.clone(),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        network_load_balancer_arns: input.network_load_balancer_arns,
        acceptance_required: input.acceptance_required,
        allowed_principals: Vec::new(),
        private_dns_name: input.private_dns_name,
        tags: input.tags,
        created_at: ctx.now,
    };
    let mut ch = Changes::new();
    ch.put(svc);
    Ok((ch, id))
}

/// Input of ModifyVpcEndpointServiceConfiguration.
#[derive(Debug, Clone, Default)]
pub struct ModifyService {
    pub acceptance_required: Option<bool>,
    pub add_nlbs: Vec<String>,
    pub remove_nlbs: Vec<String>,
    pub private_dns_name: Option<String>,
    pub remove_private_dns_name: bool,
}

/// ModifyVpcEndpointServiceConfiguration. A service keeps at least one NLB.
pub fn modify_service(state: &State, ctx: &Ctx, id: &str, m: ModifyService) -> Result<Changes> {
    let mut svc = owned(state, ctx, id)?.clone();
    check_nlbs(state, ctx, &m.add_nlbs, Some(id))?;
    for arn in &m.remove_nlbs {
        if !svc.network_load_balancer_arns.contains(arn) {
            return Err(ModelError::InvalidParameterValue(format!("Load balancer '{arn}' is not associated with service {id}")));
        }
    }
    svc.network_load_balancer_arns.retain(|a| !m.remove_nlbs.contains(a));
    for a in m.add_nlbs {
        if !svc.network_load_balancer_arns.contains(&a) {
            svc.network_load_balancer_arns.push(a);
        }
    }
    if svc.network_load_balancer_arns.is_empty() {
        return Err(ModelError::InvalidParameter("A service must have at least one network load balancer".into()));
    }
    if let Some(a) = m.acceptance_required {
        svc.acceptance_required = a;
    }
    if m.remove_private_dns_name {
        svc.private_dns_name = None;
    } else if m.private_dns_name.is_some() {
        svc.private_dns_name = m.private_dns_name;
    }
    let mut ch = Changes::new();
    ch.put(svc);
    Ok(ch)
}

/// A per-item failure of a batch action (`Unsuccessful` in the response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsuccessful {
    pub resource_id: String,
    pub code: String,
    pub message: String,
}

impl Unsuccessful {
    pub fn new(id: &str, code: &str, message: String) -> Self {
        Unsuccessful { resource_id: id.to_string(), code: code.to_string(), message }
    }
}

/// DeleteVpcEndpointServiceConfigurations: a service with endpoints still
/// connected (pending or available) is not deleted; the others are.
pub fn delete_services(state: &State, ctx: &Ctx, ids: &[String]) -> (Changes, Vec<Unsuccessful>) {
    let mut ch = Changes::new();
    let mut failed = Vec::new();
    for id in ids {
        match owned(state, ctx, id) {
            Err(_) => failed.push(Unsuccessful::new(id, "InvalidVpcEndpointService.NotFound", format!("The VpcEndpointService Id '{id}' does not exist"))),
            Ok(svc) => {
                if svc.connections(state).any(|e| e.state.is_connected()) {
                    failed.push(Unsuccessful::new(id, "ExistingVpcEndpointConnections", "Service has existing active VPC Endpoint connections!".into()));
                } else {
                    // Rejected endpoints lose their service.
                    for e in svc.connections(state) {
                        let mut e = e.clone();
                        e.state = EndpointState::Failed;
                        ch.put(e);
                    }
                    ch.delete(ResourceKind::EndpointService, id);
                }
            }
        }
    }
    (ch, failed)
}

/// Checks an allowed principal: `*` or an IAM ARN.
fn check_principal(p: &str) -> Result<()> {
    let ok = p == "*" || p.strip_prefix("arn:aws:iam::").is_some_and(|r| r.split(':').next().is_some_and(crate::ids::is_account_id));
    if !ok {
        return Err(ModelError::InvalidPrincipal(p.to_string()));
    }
    Ok(())
}

/// ModifyVpcEndpointServicePermissions: returns the entries added.
pub fn modify_permissions(state: &State, ctx: &Ctx, id: &str, add: &[String], remove: &[String]) -> Result<(Changes, Vec<AllowedPrincipal>)> {
    let mut svc = owned(state, ctx, id)?.clone();
    if add.is_empty() && remove.is_empty() {
        return Err(ModelError::MissingParameter("AddAllowedPrincipals or RemoveAllowedPrincipals".into()));
    }
    let mut added = Vec::new();
    for p in add {
        check_principal(p)?;
        if !svc.allowed_principals.iter().any(|x| &x.principal == p) {
            let entry = AllowedPrincipal { principal: p.clone(), permission_id: new_id("vpce-svc-perm") };
            svc.allowed_principals.push(entry.clone());
            added.push(entry);
        }
    }
    for p in remove {
        check_principal(p)?;
    }
    svc.allowed_principals.retain(|x| !remove.contains(&x.principal));
    let mut ch = Changes::new();
    ch.put(svc);
    Ok((ch, added))
}

/// AcceptVpcEndpointConnections / RejectVpcEndpointConnections, by the
/// service owner only. Accepting needs `pendingAcceptance`; rejecting works
/// on pending and available connections.
pub fn decide_connections(state: &State, ctx: &Ctx, service_id: &str, endpoint_ids: &[String], accept: bool) -> Result<(Changes, Vec<Unsuccessful>)> {
    let svc = owned(state, ctx, service_id)?;
    if endpoint_ids.is_empty() {
        return Err(ModelError::MissingParameter("VpcEndpointId".into()));
    }
    let mut ch = Changes::new();
    let mut failed = Vec::new();
    for id in endpoint_ids {
        let Some(e) = state.vpc_endpoints.get(id).filter(|e| e.service_id.as_deref() == Some(svc.id.as_str())) else {
            failed.push(Unsuccessful::new(id, "InvalidVpcEndpoint.NotFound", format!("The VPC endpoint '{id}' is not connected to service {service_id}")));
            continue;
        };
        let ok = if accept {
            e.state == EndpointState::PendingAcceptance
        } else {
            matches!(e.state, EndpointState::PendingAcceptance | EndpointState::Available)
        };
        if !ok {
            failed.push(Unsuccessful::new(id, "InvalidVpcEndpointState", format!("The VPC endpoint '{id}' is in state {}", e.state.as_str())));
            continue;
        }
        let mut e = e.clone();
        e.state = if accept { EndpointState::Available } else { EndpointState::Rejected };
        ch.put(e);
    }
    Ok((ch, failed))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::error::ElbFault;
    use crate::load_balancer::tests::{apply, nlb, world};

    pub const A: &str = "111111111111";
    pub const B: &str = "222222222222";

    /// Account A's service over an NLB in A's zones a and b.
    pub fn service(acceptance: bool) -> (State, String, String) {
        let ctx = Ctx::new(A, "us-east-1", 0);
        let (mut s, _, subnets) = world(&ctx);
        let lb = nlb(&mut s, &ctx, "web", &subnets[..2]);
        let (ch, id) =
            create_service(&s, &ctx, CreateService { network_load_balancer_arns: vec![lb.clone()], acceptance_required: acceptance, ..Default::default() }).unwrap();
        apply(&mut s, ch);
        (s, id, lb)
    }

    #[test]
    fn service_shape_and_visibility() {
        let (mut s, id, lb) = service(true);
        let ctx = Ctx::new(A, "us-east-1", 0);
        let svc = &s.endpoint_services[&id];
        assert_eq!(svc.name, format!("com.amazonaws.vpce.us-east-1.{id}"));
        assert_eq!(svc.state(0).as_str(), "Pending");
        assert_eq!(svc.state(PENDING_MS).as_str(), "Available");
        // botocore's ServiceState enum, in its order.
        assert_eq!(ServiceState::ALL.iter().map(|x| x.as_str()).collect::<Vec<_>>(), ["Pending", "Available", "Deleting", "Deleted", "Failed"]);
        assert_eq!(svc.zone_ids(&s), load_balancer::zone_ids(&s.load_balancers[&lb]).into_iter().collect::<std::collections::BTreeSet<_>>().into_iter().collect::<Vec<_>>());
        let b = Ctx::new(B, "us-east-1", 0);
        assert!(matches!(visible_by_name(&s, &b, &svc.name), Err(ModelError::NotFound(IdKind::ServiceName, _))));
        let (ch, added) = modify_permissions(&s, &ctx, &id, &[format!("arn:aws:iam::{B}:root")], &[]).unwrap();
        apply(&mut s, ch);
        assert_eq!(added[0].principal_type(), "Account");
        assert!(added[0].permission_id.starts_with("vpce-svc-perm-"));
        assert!(visible_by_name(&s, &b, &s.endpoint_services[&id].name).is_ok());
        assert!(!s.endpoint_services[&id].allows("333333333333"));
        assert!(modify_permissions(&s, &ctx, &id, &["bob".into()], &[]).is_err());
        // Another account cannot change it; the NLB cannot serve two services
        // and cannot be deleted while it serves one.
        assert!(matches!(modify_permissions(&s, &b, &id, &["*".into()], &[]), Err(ModelError::NotFound(IdKind::VpcEndpointService, _))));
        assert!(create_service(&s, &ctx, CreateService { network_load_balancer_arns: vec![lb.clone()], ..Default::default() }).is_err());
        assert!(matches!(load_balancer::delete_load_balancer(&s, &ctx, &lb), Err(ModelError::Elb(ElbFault::ResourceInUse, _))));
        let (ch, failed) = delete_services(&s, &ctx, &[id.clone(), "vpce-svc-12345678901234567".into()]);
        assert_eq!(failed.len(), 1);
        apply(&mut s, ch);
        assert!(s.endpoint_services.is_empty());
    }
}
