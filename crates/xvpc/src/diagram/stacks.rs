//! Grouping by CloudFormation stack (`xvpc diagram --group-by stack`, the
//! console's "group by stack"): within each region, the VPCs a stack made
//! stand together in a frame named after the stack, VPCs no stack made in
//! a frame "not in a stack"; every box a stack made reads its
//! `STACK/LogicalId`. Which stack made what comes from
//! `xvpc_model::stack_membership`, the same lookup `xvpc trace` resolves
//! `STACK/LogicalId` with.

use std::collections::BTreeMap;

use xvpc_model::stack_membership::{self, Member};
use xvpc_model::State;

use super::topology::{Node, Region, Topology, VpcBox};

/// One frame of a region: a stack's VPCs and region-level nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct StackGroup {
    /// The stack's name; `None` for what no stack made.
    pub stack: Option<String>,
    /// Its VPCs, in drawing order (consecutive in `Region::vpcs`).
    pub vpcs: Vec<String>,
    /// Its transit gateways and endpoint services.
    pub nodes: Vec<String>,
}

impl StackGroup {
    /// The frame's title.
    pub fn title(&self) -> String {
        match &self.stack {
            Some(s) => format!("stack {s}"),
            None => "not in a stack".to_string(),
        }
    }

    /// A stable key for layout and ids (`-` for no stack: not a stack name).
    pub fn key(&self, account: &str, region: &str) -> String {
        format!("stack:{account}:{region}:{}", self.stack.as_deref().unwrap_or("-"))
    }
}

fn mark(n: &mut Node, members: &BTreeMap<String, Member>) {
    if let Some(m) = members.get(&n.id) {
        n.details.push(format!("stack {}", m.reference()));
    }
}

/// Groups `topo`'s VPCs by the stack that made them.
pub fn group(topo: &mut Topology, state: &State) {
    let members = stack_membership::by_physical_id(state);
    let stack_of = |id: &str| members.get(id).map(|m| m.stack_name.clone());
    for acct in &mut topo.accounts {
        for region in &mut acct.regions {
            // Stacks by name, then what no stack made; the order within a
            // group stays the usual one (by name, then id).
            region.vpcs.sort_by_key(|v| {
                let s = stack_of(&v.id);
                (s.is_none(), s)
            });
            let mut groups: Vec<StackGroup> = Vec::new();
            for v in &mut region.vpcs {
                let s = stack_of(&v.id);
                v.stack = members.get(&v.id).map(Member::reference);
                match groups.last_mut() {
                    Some(g) if g.stack == s => g.vpcs.push(v.id.clone()),
                    _ => groups.push(StackGroup { stack: s, vpcs: vec![v.id.clone()], nodes: vec![] }),
                }
                for z in &mut v.zones {
                    for sub in &mut z.subnets {
                        sub.items.iter_mut().for_each(|n| mark(n, &members));
                    }
                }
                v.nodes.iter_mut().for_each(|n| mark(n, &members));
            }
            for n in &mut region.nodes {
                mark(n, &members);
                let s = stack_of(&n.id);
                match groups.iter_mut().find(|g| g.stack == s) {
                    Some(g) => g.nodes.push(n.id.clone()),
                    None => groups.push(StackGroup { stack: s, vpcs: vec![], nodes: vec![n.id.clone()] }),
                }
            }
            region.stacks = groups;
        }
    }
}

/// One frame of a region as the writers draw it: its group (`None` when
/// the picture is not grouped: one frame of everything), VPCs and nodes.
pub type Frame<'a> = (Option<&'a StackGroup>, Vec<&'a VpcBox>, Vec<&'a Node>);

/// A region's frames in drawing order.
pub fn frames(region: &Region) -> Vec<Frame<'_>> {
    if region.stacks.is_empty() {
        return vec![(None, region.vpcs.iter().collect(), region.nodes.iter().collect())];
    }
    region
        .stacks
        .iter()
        .map(|g| (Some(g), region.vpcs.iter().filter(|v| g.vpcs.contains(&v.id)).collect(), region.nodes.iter().filter(|n| g.nodes.contains(&n.id)).collect()))
        .collect()
}
