//! Internet gateways: attached to at most one VPC, and a VPC has at most one.

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, opt, Field, FilterTable};
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// An internet gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub attached_vpc: Option<String>,
    pub tags: Tags,
}
crate::impl_owned!(InternetGateway);

/// DescribeInternetGateways' filters.
pub const FILTERS: FilterTable<InternetGateway> = FilterTable {
    tags: Some(|g, _| Some(&g.tags)),
    fields: &[
        ("attachment.state", Field::Values(|g, _| g.attached_vpc.iter().map(|_| "available".to_string()).collect())),
        ("attachment.vpc-id", Field::Values(|g, _| opt(g.attached_vpc.as_ref()))),
        ("internet-gateway-id", Field::Values(|g, _| one(&g.id))),
        ("owner-id", Field::Values(|g, _| one(&g.owner))),
    ],
};

/// The gateway attached to `vpc_id`, if any.
pub fn attached_to<'a>(state: &'a State, vpc_id: &str) -> Option<&'a InternetGateway> {
    state.internet_gateways.values().find(|g| g.attached_vpc.as_deref() == Some(vpc_id))
}

/// CreateInternetGateway: detached.
pub fn create(ctx: &Ctx, tags: Tags) -> (Changes, String) {
    let g = InternetGateway { id: new_id("igw"), owner: ctx.account.clone(), region: ctx.region.clone(), attached_vpc: None, tags };
    let id = g.id.clone();
    let mut ch = Changes::new();
    ch.put(g);
    (ch, id)
}

/// DeleteInternetGateway: refused while attached.
pub fn delete(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let g = owned(&state.internet_gateways, ctx, IdKind::InternetGateway, id)?;
    if g.attached_vpc.is_some() {
        return Err(ModelError::DependencyViolation(format!("The internetGateway '{id}' has dependencies and cannot be deleted.")));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::InternetGateway, id);
    Ok(ch)
}

/// AttachInternetGateway: the gateway is free and the VPC has no gateway.
pub fn attach(state: &State, ctx: &Ctx, id: &str, vpc_id: &str) -> Result<Changes> {
    let g = owned(&state.internet_gateways, ctx, IdKind::InternetGateway, id)?;
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, vpc_id)?;
    if let Some(v) = &g.attached_vpc {
        return Err(ModelError::AlreadyAssociated(format!("resource {id} is already attached to network {v}")));
    }
    if let Some(other) = state.internet_gateways.values().find(|x| x.attached_vpc.as_deref() == Some(vpc.id.as_str())) {
        return Err(ModelError::AlreadyAssociated(format!("network {vpc_id} already has an internet gateway attached ({})", other.id)));
    }
    let mut g = g.clone();
    g.attached_vpc = Some(vpc.id.clone());
    let mut ch = Changes::new();
    ch.put(g);
    Ok(ch)
}

/// DetachInternetGateway: it must be attached to that VPC.
pub fn detach(state: &State, ctx: &Ctx, id: &str, vpc_id: &str) -> Result<Changes> {
    let g = owned(&state.internet_gateways, ctx, IdKind::InternetGateway, id)?;
    owned(&state.vpcs, ctx, IdKind::Vpc, vpc_id)?;
    if g.attached_vpc.as_deref() != Some(vpc_id) {
        return Err(ModelError::GatewayNotAttached(format!("resource {id} is not attached to network {vpc_id}")));
    }
    let mut g = g.clone();
    g.attached_vpc = None;
    let mut ch = Changes::new();
    ch.put(g);
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vpc::{create_vpc, CreateVpc};

    fn apply(s: &mut State, ch: Changes) {
        ch.events.into_iter().for_each(|e| s.apply(e));
    }

    #[test]
    fn attach_once_detach_then_delete() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let mut s = State::default();
        let (ch, vpc) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let (ch, g) = create(&ctx, Tags::new());
        apply(&mut s, ch);
        let (ch, g2) = create(&ctx, Tags::new());
        apply(&mut s, ch);
        assert!(matches!(detach(&s, &ctx, &g, &vpc), Err(ModelError::GatewayNotAttached(_))));
        let ch = attach(&s, &ctx, &g, &vpc).unwrap();
        apply(&mut s, ch);
        assert!(matches!(attach(&s, &ctx, &g, &vpc), Err(ModelError::AlreadyAssociated(_))));
        assert!(matches!(attach(&s, &ctx, &g2, &vpc), Err(ModelError::AlreadyAssociated(_))));
        assert!(matches!(delete(&s, &ctx, &g), Err(ModelError::DependencyViolation(_))));
        assert!(matches!(crate::vpc::delete_vpc(&s, &ctx, &vpc), Err(ModelError::DependencyViolation(_))));
        let ch = detach(&s, &ctx, &g, &vpc).unwrap();
        apply(&mut s, ch);
        let ch = delete(&s, &ctx, &g).unwrap();
        apply(&mut s, ch);
        assert!(!s.internet_gateways.contains_key(&g));
        let other = Ctx::new("222222222222", "us-east-1", 0);
        assert_eq!(delete(&s, &other, &g2), Err(ModelError::NotFound(IdKind::InternetGateway, g2.clone())));
    }
}
