//! VPC Block Public Access (BPA): an account's switch, per Region, that
//! blocks traffic through internet gateways and egress-only internet
//! gateways, and the exclusions that let chosen VPCs or subnets through.
//!
//! AWS's rules (VPC user guide "Block public access to VPCs and subnets";
//! API reference of ModifyVpcBlockPublicAccessOptions,
//! CreateVpcBlockPublicAccessExclusion, BlockPublicAccessStates):
//! - `off`: traffic to and from internet gateways and egress-only internet
//!   gateways is allowed;
//! - `block-bidirectional`: all traffic to and from internet gateways and
//!   egress-only internet gateways of the Region is blocked, except for
//!   excluded VPCs and subnets;
//! - `block-ingress`: all internet traffic to the VPCs is blocked (except
//!   excluded ones); only traffic to and from NAT gateways and egress-only
//!   internet gateways is allowed, "because these gateways only allow
//!   outbound connections to be established": an ENI's own traffic through
//!   an internet gateway is blocked both ways;
//! - an exclusion names one VPC or one subnet: `allow-bidirectional` lets
//!   all its internet traffic through, `allow-egress` its outbound
//!   connections (and their replies) but nothing initiated from outside;
//! - exclusions go through `create-in-progress` -> `create-complete`,
//!   `update-complete` after a modification, `delete-complete` once deleted
//!   (still described for a while, and not deletable again: "is in
//!   delete-complete state and cannot be deleted").
//!
//! xvpc applies changes at once: Describe shows the final states
//! (`update-complete`, `create-complete`) and the calls' answers the
//! in-progress ones, as AWS answers them.

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, State};
use crate::tags::Tags;
use crate::vpc::Vpc;

crate::aws_enum! {
    /// `InternetGatewayBlockMode`.
    #[derive(Default, Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum BlockMode {
        #[default]
        Off = "off",
        BlockBidirectional = "block-bidirectional",
        BlockIngress = "block-ingress",
    }
}

crate::aws_enum! {
    /// `InternetGatewayExclusionMode`.
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "kebab-case")]
    pub enum ExclusionMode {
        AllowBidirectional = "allow-bidirectional",
        AllowEgress = "allow-egress",
    }
}

crate::aws_enum! {
    /// `VpcBlockPublicAccessExclusionState`, as xvpc derives it.
    pub enum ExclusionState {
        CreateComplete = "create-complete",
        UpdateComplete = "update-complete",
        DeleteComplete = "delete-complete",
    }
}

/// The BPA options of one account in one Region. Absent until the account
/// first modifies them (then `off`, `default-state`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockPublicAccessOptions {
    /// `<account>:<region>` (one row per account and Region).
    pub id: String,
    pub owner: String,
    pub region: String,
    pub mode: BlockMode,
    pub updated_at: i64,
}
crate::impl_owned!(BlockPublicAccessOptions);

/// What an exclusion lets through: one VPC or one subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Excluded {
    Vpc(String),
    Subnet(String),
}

/// A BPA exclusion (`vpcbpa-exclude-...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockPublicAccessExclusion {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub resource: Excluded,
    pub mode: ExclusionMode,
    pub created_at: i64,
    pub updated_at: i64,
    /// When it was deleted: it stays described as `delete-complete`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<i64>,
    pub tags: Tags,
}
crate::impl_owned!(BlockPublicAccessExclusion);

impl BlockPublicAccessExclusion {
    pub fn state(&self) -> ExclusionState {
        match (self.deleted_at, self.updated_at != self.created_at) {
            (Some(_), _) => ExclusionState::DeleteComplete,
            (None, true) => ExclusionState::UpdateComplete,
            (None, false) => ExclusionState::CreateComplete,
        }
    }

    pub fn is_live(&self) -> bool {
        self.deleted_at.is_none()
    }

    /// The ARN of the excluded VPC or subnet.
    pub fn resource_arn(&self) -> String {
        let (kind, id) = match &self.resource {
            Excluded::Vpc(id) => ("vpc", id),
            Excluded::Subnet(id) => ("subnet", id),
        };
        format!("arn:aws:ec2:{}:{}:{kind}/{id}", self.region, self.owner)
    }
}

/// DescribeVpcBlockPublicAccessExclusions' filters.
pub const FILTERS: FilterTable<BlockPublicAccessExclusion> = FilterTable {
    tags: Some(|x, _| Some(&x.tags)),
    fields: &[
        ("resource-arn", Field::Values(|x, _| one(x.resource_arn()))),
        ("internet-gateway-exclusion-mode", Field::Values(|x, _| one(x.mode))),
        ("state", Field::Values(|x, _| one(x.state()))),
    ],
};

/// The options in force for an account in a Region (`off` when never set).
pub fn options<'a>(state: &'a State, account: &str, region: &str) -> Option<&'a BlockPublicAccessOptions> {
    state.block_public_access_options.get(&format!("{account}:{region}"))
}

/// The mode in force for an account in a Region.
pub fn mode(state: &State, account: &str, region: &str) -> BlockMode {
    options(state, account, region).map(|o| o.mode).unwrap_or_default()
}

/// ModifyVpcBlockPublicAccessOptions.
pub fn modify_options(ctx: &Ctx, mode: BlockMode) -> Changes {
    let mut ch = Changes::new();
    ch.put(BlockPublicAccessOptions {
        id: format!("{}:{}", ctx.account, ctx.region),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        mode,
        updated_at: ctx.now,
    });
    ch
}

/// CreateVpcBlockPublicAccessExclusion: for one of the caller's VPCs or
/// subnets (exactly one), not already excluded.
pub fn create_exclusion(state: &State, ctx: &Ctx, vpc_id: Option<&str>, subnet_id: Option<&str>, mode: ExclusionMode, tags: Tags) -> Result<(Changes, String)> {
    let resource = match (vpc_id, subnet_id) {
        (Some(v), None) => Excluded::Vpc(owned(&state.vpcs, ctx, IdKind::Vpc, v)?.id.clone()),
        (None, Some(s)) => Excluded::Subnet(owned(&state.subnets, ctx, IdKind::Subnet, s)?.id.clone()),
        (Some(_), Some(_)) => return Err(ModelError::InvalidParameterCombination("Specify either VpcId or SubnetId, not both.".into())),
        (None, None) => return Err(ModelError::MissingParameter("VpcId or SubnetId".into())),
    };
    if let Some(x) = state.block_public_access_exclusions.scope(ctx).find(|x| x.is_live() && x.resource == resource) {
        return Err(ModelError::InvalidParameterValue(format!("An exclusion already exists for this resource: {}", x.id)));
    }
    let x = BlockPublicAccessExclusion {
        id: new_id("vpcbpa-exclude"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        resource,
        mode,
        created_at: ctx.now,
        updated_at: ctx.now,
        deleted_at: None,
        tags,
    };
    let id = x.id.clone();
    let mut ch = Changes::new();
    ch.put(x);
    Ok((ch, id))
}

fn live<'a>(state: &'a State, ctx: &Ctx, id: &str, verb: &str) -> Result<&'a BlockPublicAccessExclusion> {
    let x = owned(&state.block_public_access_exclusions, ctx, IdKind::VpcBlockPublicAccessExclusion, id)?;
    if !x.is_live() {
        return Err(ModelError::InvalidParameterValue(format!("Exclusion {id} is in delete-complete state and cannot be {verb}")));
    }
    Ok(x)
}

/// ModifyVpcBlockPublicAccessExclusion.
pub fn modify_exclusion(state: &State, ctx: &Ctx, id: &str, mode: ExclusionMode) -> Result<Changes> {
    let mut x = live(state, ctx, id, "modified")?.clone();
    x.mode = mode;
    // Strictly later than its creation, so its state reads update-complete.
    x.updated_at = ctx.now.max(x.created_at + 1);
    let mut ch = Changes::new();
    ch.put(x);
    Ok(ch)
}

/// DeleteVpcBlockPublicAccessExclusion: it stays described, deleted.
pub fn delete_exclusion(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let mut x = live(state, ctx, id, "deleted")?.clone();
    x.deleted_at = Some(ctx.now);
    let mut ch = Changes::new();
    ch.put(x);
    Ok(ch)
}

/// What BPA lets through for one subnet (and its VPC): the account's mode
/// and the most permissive live exclusion of the subnet or its VPC.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effect<'a> {
    pub mode: BlockMode,
    pub exclusion: Option<&'a BlockPublicAccessExclusion>,
}

/// The BPA effect on `subnet_id` of `vpc`.
pub fn effect<'a>(state: &'a State, vpc: &Vpc, subnet_id: &str) -> Effect<'a> {
    let mode = mode(state, &vpc.owner, &vpc.region);
    let exclusion = if mode == BlockMode::Off {
        None
    } else {
        state
            .block_public_access_exclusions
            .owned_by(&vpc.owner, &vpc.region)
            .filter(|x| x.is_live())
            .filter(|x| match &x.resource {
                Excluded::Vpc(v) => *v == vpc.id,
                Excluded::Subnet(s) => s == subnet_id,
            })
            .max_by_key(|x| x.mode == ExclusionMode::AllowBidirectional)
    };
    Effect { mode, exclusion }
}

impl Effect<'_> {
    fn excluded(&self, m: ExclusionMode) -> bool {
        self.exclusion.is_some_and(|x| x.mode == m)
    }

    /// Whether connections initiated inside (an ENI's own traffic out
    /// through an internet gateway, and the replies) are blocked.
    pub fn blocks_igw_egress(&self) -> bool {
        self.mode != BlockMode::Off && self.exclusion.is_none()
    }

    /// Whether connections from the internet through an internet gateway
    /// are blocked.
    pub fn blocks_igw_ingress(&self) -> bool {
        self.mode != BlockMode::Off && !self.excluded(ExclusionMode::AllowBidirectional)
    }

    /// Whether traffic of a gateway that only lets connections out (an
    /// egress-only internet gateway, a NAT gateway through its internet
    /// gateway) is blocked: only in bidirectional mode, as `block-ingress`
    /// allows them.
    pub fn blocks_outbound_only(&self) -> bool {
        self.mode == BlockMode::BlockBidirectional && self.exclusion.is_none()
    }
}

#[cfg(test)]
#[path = "block_public_access_tests.rs"]
mod tests;
