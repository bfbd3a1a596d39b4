//! Subnet groups that other services keep in a VPC: RDS DB subnet groups,
//! ElastiCache cache subnet groups and Redshift cluster subnet groups.
//!
//! xvpc runs no databases or caches; it keeps the groups themselves, so
//! that the tools which create them beside a VPC (Terraform's VPC module
//! above all) work, with the rules each service applies to the subnets:
//! every subnet the caller's own and in the caller's region, all in one VPC,
//! at most 20, and for RDS at least two Availability Zones. The three kinds
//! share one rule set and one table; [`GroupService`] says where they differ.
//!
//! A group names its subnets; it holds no interface in them, so EC2 lets a
//! subnet (or its VPC) be deleted while a group still names it, as AWS does
//! (Redshift then reports "Vpc associated with db subnet group ... does not
//! exist" when a cluster is launched into such a group). The group keeps
//! each subnet's zone so it still describes a deleted subnet.

use serde::{Deserialize, Serialize};

use crate::error::{Limit, ModelError, Result};
use crate::state::{Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// The service that keeps a subnet group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GroupService {
    /// Amazon RDS (`DBSubnetGroup`).
    Rds,
    /// Amazon ElastiCache (`CacheSubnetGroup`).
    ElastiCache,
    /// Amazon Redshift (`ClusterSubnetGroup`).
    Redshift,
}

/// Why a service refuses a subnet group request; each service spells these
/// its own way (`xvpc_api::errors`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GroupFault {
    /// A group of that name exists in the account and region.
    AlreadyExists,
    /// No group of that name (or ARN).
    NotFound,
    /// RDS: the subnets cover fewer than two Availability Zones.
    NotEnoughZones,
    /// No subnets, or subnets of more than one VPC.
    InvalidSubnet,
    /// The account's groups per region are used up.
    GroupQuotaExceeded,
    /// More subnets than one group holds.
    SubnetQuotaExceeded,
    /// A tag edit beyond the service's tags per resource.
    TagQuotaExceeded,
    /// A tag key the service refuses (`aws:` prefix, empty, too long).
    InvalidTag,
    /// A tagging call names an ARN that is not the service's.
    InvalidArn,
    /// A tagging call names a resource of a type xvpc does not keep.
    ResourceNotFound,
}

impl GroupService {
    /// The service's name in ARNs.
    fn arn_service(self) -> &'static str {
        match self {
            GroupService::Rds => "rds",
            GroupService::ElastiCache => "elasticache",
            GroupService::Redshift => "redshift",
        }
    }

    /// The resource type of a subnet group in the service's ARNs.
    fn arn_type(self) -> &'static str {
        match self {
            GroupService::Rds => "subgrp",
            GroupService::ElastiCache | GroupService::Redshift => "subnetgroup",
        }
    }

    /// What the service calls the group in its messages.
    fn noun(self) -> &'static str {
        match self {
            GroupService::Rds => "DB subnet group",
            GroupService::ElastiCache => "Cache subnet group",
            GroupService::Redshift => "Cluster subnet group",
        }
    }

    /// Default quota of groups per account and region: RDS 50, ElastiCache
    /// 150, Redshift 20 (each service's "Quotas" page).
    pub fn max_groups(self) -> usize {
        match self {
            GroupService::Rds => 50,
            GroupService::ElastiCache => 150,
            GroupService::Redshift => 20,
        }
    }

    /// Subnets one group holds: 20 for each service.
    pub fn max_subnets(self) -> usize {
        20
    }

    /// The name rule of the service's Create call (botocore documents it):
    /// at most 255 characters; RDS letters, digits, periods, underscores,
    /// spaces or hyphens, starting with a letter; ElastiCache and Redshift
    /// letters, digits or hyphens. RDS and Redshift reserve `default`.
    fn check_name(self, name: &str) -> Result<()> {
        let bad = |rule: &str| Err(ModelError::InvalidParameterValue(format!("The {} name '{name}' is not valid: {rule}", self.noun())));
        if name.is_empty() || name.chars().count() > 255 {
            return bad("it must contain from 1 to 255 characters");
        }
        match self {
            GroupService::Rds => {
                if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    return bad("the first character must be a letter");
                }
                if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ' ' | '-')) {
                    return bad("it must contain only letters, digits, periods, underscores, spaces or hyphens");
                }
            }
            GroupService::ElastiCache | GroupService::Redshift => {
                if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    return bad("it must contain only letters, digits or hyphens");
                }
            }
        }
        if self != GroupService::ElastiCache && name.eq_ignore_ascii_case("default") {
            return bad("default is reserved");
        }
        Ok(())
    }

    /// The group's ARN (also its id: ARNs are unique across services,
    /// accounts and regions).
    pub fn arn(self, ctx: &Ctx, name: &str) -> String {
        format!("arn:aws:{}:{}:{}:{}:{}", self.arn_service(), ctx.region, ctx.account, self.arn_type(), name)
    }

    fn fault(self, f: GroupFault, message: String) -> ModelError {
        ModelError::SubnetGroup(self, f, message)
    }

    fn not_found(self, name: &str) -> ModelError {
        self.fault(GroupFault::NotFound, format!("{} {name} not found.", self.noun()))
    }
}

/// One subnet of a group, with the zone it had when it joined.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSubnet {
    pub subnet_id: String,
    pub availability_zone: String,
}

/// A subnet group. `id` is its ARN; `name` is stored lowercase, as each
/// service stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubnetGroup {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub service: GroupService,
    pub name: String,
    pub description: String,
    pub vpc_id: String,
    pub subnets: Vec<GroupSubnet>,
    pub tags: Tags,
}
crate::impl_owned!(SubnetGroup);

impl SubnetGroup {
    /// Per subnet, as it is now: whether it has an IPv4 block and an IPv6
    /// block (what the services' network types derive from). A subnet
    /// deleted since has neither.
    pub fn subnet_families(&self, state: &State) -> Vec<(bool, bool)> {
        self.subnets
            .iter()
            .map(|s| state.subnets.get(&s.subnet_id).map_or((false, false), |s| (s.cidr.is_some(), !s.ipv6_cidr_blocks.is_empty())))
            .collect()
    }

    /// Whether every subnet has an IPv4 block, and whether every one has an
    /// IPv6 block.
    pub fn address_families(&self, state: &State) -> (bool, bool) {
        let f = self.subnet_families(state);
        (f.iter().all(|x| x.0), f.iter().all(|x| x.1))
    }
}

/// Create or Modify input: the subnets, as the caller named them.
fn resolve_subnets(state: &State, ctx: &Ctx, service: GroupService, ids: &[String]) -> Result<(String, Vec<GroupSubnet>)> {
    if ids.is_empty() {
        return Err(service.fault(GroupFault::InvalidSubnet, "Subnet IDs are required.".into()));
    }
    let mut unique: Vec<&String> = Vec::new();
    for id in ids {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    if unique.len() > service.max_subnets() {
        return Err(service.fault(
            GroupFault::SubnetQuotaExceeded,
            format!("The request would exceed the limit of {} subnets in a {}.", service.max_subnets(), service.noun()),
        ));
    }
    // Another account's subnet, or one in another region, is as absent as a
    // made-up id; the services name every input subnet in their message.
    let found: Vec<Option<&crate::subnet::Subnet>> =
        unique.iter().map(|id| state.subnets.get(id.as_str()).filter(|s| s.owner == ctx.account && s.region == ctx.region)).collect();
    if found.iter().any(Option::is_none) {
        let listed: Vec<&str> = ids.iter().map(String::as_str).collect();
        return Err(ModelError::InvalidParameterValue(format!("Some input subnets in :[{}] are invalid.", listed.join(", "))));
    }
    let subnets: Vec<&crate::subnet::Subnet> = found.into_iter().flatten().collect();
    let vpc_id = subnets[0].vpc_id.clone();
    if subnets.iter().any(|s| s.vpc_id != vpc_id) {
        return Err(service.fault(GroupFault::InvalidSubnet, "The subnets must all be in the same VPC.".into()));
    }
    let mut zones: Vec<&str> = subnets.iter().map(|s| s.availability_zone.as_str()).collect();
    zones.sort_unstable();
    zones.dedup();
    if service == GroupService::Rds && zones.len() < 2 {
        return Err(service.fault(
            GroupFault::NotEnoughZones,
            format!(
                "The DB subnet group doesn't meet Availability Zone (AZ) coverage requirement. Current AZ coverage: {}. Add subnets to cover at least 2 AZs.",
                zones.join(", ")
            ),
        ));
    }
    let members = subnets.iter().map(|s| GroupSubnet { subnet_id: s.id.clone(), availability_zone: s.availability_zone.clone() }).collect();
    Ok((vpc_id, members))
}

/// The caller's groups of one service, in name order.
pub fn list<'a>(state: &'a State, ctx: &Ctx, service: GroupService) -> Vec<&'a SubnetGroup> {
    let mut v: Vec<&SubnetGroup> = state.subnet_groups.scope(ctx).filter(|g| g.service == service).collect();
    v.sort_by(|a, b| a.name.cmp(&b.name));
    v
}

/// The caller's group of that name (names are matched lowercase, as stored).
pub fn find<'a>(state: &'a State, ctx: &Ctx, service: GroupService, name: &str) -> Result<&'a SubnetGroup> {
    let arn = service.arn(ctx, &name.to_ascii_lowercase());
    state.subnet_groups.get(&arn).ok_or_else(|| service.not_found(name))
}

/// Input of a Create call.
#[derive(Debug, Clone, Default)]
pub struct CreateGroup {
    pub name: String,
    pub description: String,
    pub subnet_ids: Vec<String>,
    pub tags: Vec<(String, String)>,
}

/// Creates a group; returns its ARN.
pub fn create(state: &State, ctx: &Ctx, service: GroupService, input: CreateGroup) -> Result<(Changes, String)> {
    service.check_name(&input.name)?;
    let name = input.name.to_ascii_lowercase();
    let arn = service.arn(ctx, &name);
    if state.subnet_groups.contains_key(&arn) {
        return Err(service.fault(GroupFault::AlreadyExists, format!("The {} '{name}' already exists.", service.noun())));
    }
    if list(state, ctx, service).len() >= service.max_groups() {
        return Err(service.fault(
            GroupFault::GroupQuotaExceeded,
            format!("The request would exceed the limit of {} {}s per Region.", service.max_groups(), service.noun()),
        ));
    }
    let (vpc_id, subnets) = resolve_subnets(state, ctx, service, &input.subnet_ids)?;
    let mut tags = Tags::new();
    add_tags(service, &mut tags, &input.tags)?;
    let group = SubnetGroup {
        id: arn.clone(),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        service,
        name,
        description: input.description,
        vpc_id,
        subnets,
        tags,
    };
    let mut ch = Changes::new();
    ch.put(group);
    Ok((ch, arn))
}

/// Replaces a group's subnets (and description, when given). RDS keeps a
/// group in its VPC: new subnets of another VPC are refused.
pub fn modify(state: &State, ctx: &Ctx, service: GroupService, name: &str, description: Option<String>, subnet_ids: &[String]) -> Result<(Changes, String)> {
    let mut group = find(state, ctx, service, name)?.clone();
    let (vpc_id, subnets) = resolve_subnets(state, ctx, service, subnet_ids)?;
    if service == GroupService::Rds && vpc_id != group.vpc_id {
        return Err(ModelError::InvalidParameterValue("The new Subnets are not in the same Vpc as the existing subnet group".into()));
    }
    group.vpc_id = vpc_id;
    group.subnets = subnets;
    if let Some(d) = description {
        group.description = d;
    }
    let arn = group.id.clone();
    let mut ch = Changes::new();
    ch.put(group);
    Ok((ch, arn))
}

/// Deletes a group (no cluster or instance of xvpc ever uses one).
pub fn delete(state: &State, ctx: &Ctx, service: GroupService, name: &str) -> Result<Changes> {
    let group = find(state, ctx, service, name)?;
    let mut ch = Changes::new();
    ch.delete(ResourceKind::SubnetGroup, &group.id);
    Ok(ch)
}

/// The group a tagging call names by ARN. An ARN of the service and the
/// caller that names another resource type is a resource xvpc does not
/// keep; anything else is not the service's ARN.
pub fn by_arn<'a>(state: &'a State, ctx: &Ctx, service: GroupService, arn: &str) -> Result<&'a SubnetGroup> {
    let parts: Vec<&str> = arn.splitn(7, ':').collect();
    if parts.len() < 7 || parts[0] != "arn" || parts[2] != service.arn_service() {
        return Err(service.fault(GroupFault::InvalidArn, format!("The ARN {arn} is not valid.")));
    }
    if parts[5] != service.arn_type() {
        return Err(service.fault(GroupFault::ResourceNotFound, format!("The resource {arn} could not be found.")));
    }
    // Redshift's tagging calls know no subnet group fault: a missing one is
    // its generic `ResourceNotFoundFault`.
    state.subnet_groups.get(arn).filter(|g| g.owner == ctx.account && g.region == ctx.region).ok_or_else(|| match service {
        GroupService::Redshift => service.fault(GroupFault::ResourceNotFound, format!("The resource {arn} could not be found.")),
        _ => service.not_found(parts[6]),
    })
}

/// Adds or replaces tags on the group named by `arn`.
pub fn tag(state: &State, ctx: &Ctx, service: GroupService, arn: &str, new: &[(String, String)]) -> Result<Changes> {
    let mut group = by_arn(state, ctx, service, arn)?.clone();
    add_tags(service, &mut group.tags, new)?;
    let mut ch = Changes::new();
    ch.put(group);
    Ok(ch)
}

/// Removes tags (keys the group does not have are ignored).
pub fn untag(state: &State, ctx: &Ctx, service: GroupService, arn: &str, keys: &[String]) -> Result<Changes> {
    let mut group = by_arn(state, ctx, service, arn)?.clone();
    group.tags.retain(|k, _| !keys.contains(k));
    let mut ch = Changes::new();
    ch.put(group);
    Ok(ch)
}

/// The shared tag rules (50 per resource, `aws:` reserved), answered with
/// the service's own faults.
fn add_tags(service: GroupService, tags: &mut Tags, new: &[(String, String)]) -> Result<()> {
    crate::tags::validate(tags, new).map_err(|e| match e {
        ModelError::LimitExceeded(Limit::Tags, m) => service.fault(GroupFault::TagQuotaExceeded, m),
        ModelError::InvalidParameterValue(m) => service.fault(GroupFault::InvalidTag, m),
        other => other,
    })?;
    tags.extend(new.iter().cloned());
    Ok(())
}

#[cfg(test)]
#[path = "subnet_group_tests.rs"]
mod tests;
