//! Stale security group rules (DescribeStaleSecurityGroups): rules that
//! reference a group of a peer VPC whose peering connection is no longer
//! active, or a group that no longer exists. AWS keeps such rules and marks
//! them stale; they admit nothing.

use crate::error::{IdKind, Result};
use crate::security_group::{RulePeer, SecurityGroup, SgRule};
use crate::state::{owned, Ctx, State};

/// A group of the VPC with its stale rules.
#[derive(Debug, Clone)]
pub struct StaleGroup<'a> {
    pub group: &'a SecurityGroup,
    pub ingress: Vec<&'a SgRule>,
    pub egress: Vec<&'a SgRule>,
}

/// Whether a rule references a group it can no longer reach.
pub fn is_stale(state: &State, rule: &SgRule) -> bool {
    match &rule.peer {
        RulePeer::Group { group_id, peering_id, .. } => {
            !state.security_groups.contains_key(group_id) || peering_id.as_deref().is_some_and(|p| !crate::peering::is_active(state, p))
        }
        _ => false,
    }
}

/// The caller's groups in `vpc_id` that have stale rules.
pub fn stale_groups<'a>(state: &'a State, ctx: &Ctx, vpc_id: &str) -> Result<Vec<StaleGroup<'a>>> {
    let vpc = owned(&state.vpcs, ctx, IdKind::Vpc, vpc_id)?;
    Ok(state
        .security_groups
        .values()
        .filter(|g| g.vpc_id == vpc.id)
        .map(|g| StaleGroup {
            group: g,
            ingress: g.ingress.iter().filter(|r| is_stale(state, r)).collect(),
            egress: g.egress.iter().filter(|r| is_stale(state, r)).collect(),
        })
        .filter(|s| !s.ingress.is_empty() || !s.egress.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peering::{accept, create, delete, CreatePeering};
    use crate::vpc::{create_vpc, CreateVpc};
    use crate::Changes;

    fn apply(s: &mut State, ch: Changes) {
        for e in ch.events {
            s.apply(e);
        }
    }

    #[test]
    fn a_peer_group_reference_goes_stale_when_the_peering_is_deleted() {
        let (a, b) = (Ctx::new("111111111111", "us-east-1", 0), Ctx::new("222222222222", "us-east-1", 0));
        let mut s = State::default();
        let (ch, va) = create_vpc(&s, &a, CreateVpc { cidr: "10.1.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let (ch, vb) = create_vpc(&s, &b, CreateVpc { cidr: "10.2.0.0/16".into(), ..Default::default() }).unwrap();
        apply(&mut s, ch);
        let input = CreatePeering { vpc_id: va.clone(), peer_vpc_id: vb.clone(), peer_owner_id: Some(b.account.clone()), ..Default::default() };
        let (ch, pcx) = create(&s, &a, input).unwrap();
        apply(&mut s, ch);
        let ch = accept(&s, &b, &pcx).unwrap();
        apply(&mut s, ch);
        let peer_group = s.security_groups.values().find(|g| g.vpc_id == vb).unwrap().id.clone();
        let mut g = s.security_groups.values().find(|g| g.vpc_id == va).unwrap().clone();
        g.ingress.push(SgRule {
            id: "sgr-0123456789abcdef0".into(),
            protocol: crate::IpProtocol::Tcp,
            from_port: Some(80),
            to_port: Some(80),
            peer: RulePeer::Group { group_id: peer_group, user_id: b.account.clone(), vpc_id: Some(vb.clone()), peering_id: Some(pcx.clone()) },
            description: None,
        });
        let mut ch = Changes::new();
        ch.put(g);
        apply(&mut s, ch);
        assert!(stale_groups(&s, &a, &va).unwrap().is_empty(), "active peering: not stale");
        let ch = delete(&s, &b, &pcx).unwrap();
        apply(&mut s, ch);
        let stale = stale_groups(&s, &a, &va).unwrap();
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].ingress.len(), 1);
        assert_eq!(stale[0].ingress[0].from_port, Some(80));
        assert!(stale_groups(&s, &b, &va).is_err(), "another account's VPC is NotFound");
    }
}
