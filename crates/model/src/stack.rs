//! CloudFormation stacks and change sets as stored: what a stack was given
//! (template, parameters, capabilities, tags), what it built (its resources'
//! logical and physical ids, their resolved properties and attributes),
//! its outputs and its event history.
//!
//! The resources themselves are made by the same commands the EC2, ELBv2,
//! RAM and IAM APIs run (`xvpc_api::cloudformation`); this module holds the
//! bookkeeping and AWS's rules about names: a stack name is unique among
//! the account's live stacks in a Region, a deleted stack is still found by
//! its id (ARN) with status `DELETE_COMPLETE`, and an unknown stack is
//! `ValidationError` "Stack with id X does not exist". Status names are
//! AWS's (`CREATE_COMPLETE`, ...), written by the api from the generated
//! enums.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{CfnFault, ModelError, Result};
use crate::state::{Ctx, State};
use crate::tags::Tags;

/// One resource of a stack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackResource {
    pub logical_id: String,
    /// `AWS::EC2::VPC`, ...
    pub resource_type: String,
    /// The id `Ref` gives (empty until created).
    #[serde(default)]
    pub physical_id: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    /// The properties it was built from, resolved (what an update compares).
    #[serde(default)]
    pub properties: Value,
    /// What `Fn::GetAtt` reads.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Value>,
    /// `DeletionPolicy: Retain`: left in place when the stack goes.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retain: bool,
    pub updated_ms: i64,
}

/// One event of a stack's history (DescribeStackEvents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackEvent {
    pub event_id: String,
    pub logical_id: String,
    pub physical_id: String,
    pub resource_type: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<String>,
    pub at_ms: i64,
}

/// One output, evaluated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackOutput {
    pub key: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_name: Option<String>,
}

/// One parameter as DescribeStacks shows it (`NoEcho` masked).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackParameter {
    pub key: String,
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_value: Option<String>,
}

/// A stack. Its row key is its id, the ARN
/// `arn:aws:cloudformation:<region>:<account>:stack/<name>/<uuid>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stack {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub template_body: String,
    /// The text each parameter was given (for `UsePreviousValue`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub given: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<StackParameter>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<StackOutput>,
    /// In creation order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<StackResource>,
    /// Oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<StackEvent>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub disable_rollback: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub termination_protection: bool,
    pub created_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_ms: Option<i64>,
}
crate::impl_owned!(Stack);

/// The status a deleted stack keeps (AWS's name, the one the model tests).
pub const DELETE_COMPLETE: &str = "DELETE_COMPLETE";
/// A stack made by a CREATE change set, not yet executed.
pub const REVIEW_IN_PROGRESS: &str = "REVIEW_IN_PROGRESS";

impl Stack {
    /// Whether the stack still exists (not `DELETE_COMPLETE`).
    pub fn live(&self) -> bool {
        self.status != DELETE_COMPLETE
    }

    /// A resource by logical id.
    pub fn resource(&self, logical_id: &str) -> Option<&StackResource> {
        self.resources.iter().find(|r| r.logical_id == logical_id)
    }

    /// Appends an event.
    pub fn event(&mut self, r: (&str, &str, &str), status: &str, reason: Option<String>, at_ms: i64) {
        self.events.push(StackEvent {
            event_id: uuid(),
            logical_id: r.0.into(),
            physical_id: r.1.into(),
            resource_type: r.2.into(),
            status: status.into(),
            reason,
            properties: None,
            at_ms,
        });
    }

    /// Appends a stack-level event (the stack itself as the resource).
    pub fn stack_event(&mut self, status: &str, reason: Option<String>, at_ms: i64) {
        let (name, id) = (self.name.clone(), self.id.clone());
        self.status = status.into();
        self.status_reason = reason.clone();
        self.event((&name, &id, STACK_TYPE), status, reason, at_ms);
    }
}

/// The resource type a stack's own events carry.
pub const STACK_TYPE: &str = "AWS::CloudFormation::Stack";

/// A random id in UUID form (stack ids, event ids, change set ids).
pub fn uuid() -> String {
    let h = crate::ids::random_hex(32);
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// A new stack's id.
pub fn stack_arn(ctx: &Ctx, name: &str) -> String {
    format!("arn:aws:cloudformation:{}:{}:stack/{name}/{}", ctx.region, ctx.account, uuid())
}

/// AWS's rule for stack and change set names: a letter, then letters,
/// digits and hyphens, at most 128 characters.
pub fn check_name(name: &str, what: &str) -> Result<()> {
    let ok = name.len() <= 128
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        return Ok(());
    }
    Err(ModelError::ValidationError(format!(
        "1 validation error detected: Value '{name}' at '{what}' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*"
    )))
}

/// The caller's live stack named `name`, if any.
pub fn live_by_name<'a>(state: &'a State, ctx: &Ctx, name: &str) -> Option<&'a Stack> {
    state.stacks.scope(ctx).find(|s| s.name == name && s.live())
}

/// A stack by name (live ones only) or id (deleted ones too), or AWS's
/// `ValidationError`.
pub fn find<'a>(state: &'a State, ctx: &Ctx, name_or_id: &str) -> Result<&'a Stack> {
    let found = if name_or_id.starts_with("arn:") {
        state.stacks.scope(ctx).find(|s| s.id == name_or_id)
    } else {
        live_by_name(state, ctx, name_or_id)
    };
    found.ok_or_else(|| ModelError::ValidationError(format!("Stack with id {name_or_id} does not exist")))
}

/// The caller's exports in its Region: (name, value, exporting stack id).
pub fn exports(state: &State, ctx: &Ctx) -> Vec<(String, String, String)> {
    let mut v: Vec<_> = state
        .stacks
        .scope(ctx)
        .filter(|s| s.live())
        .flat_map(|s| s.outputs.iter().filter_map(move |o| o.export_name.clone().map(|n| (n, o.value.clone(), s.id.clone()))))
        .collect();
    v.sort();
    v
}

/// AWS refuses an export name another stack already exports.
pub fn check_exports(state: &State, ctx: &Ctx, stack_id: &str, outputs: &[StackOutput]) -> Result<()> {
    let taken = exports(state, ctx);
    for o in outputs {
        let Some(name) = &o.export_name else { continue };
        if let Some((_, _, other)) = taken.iter().find(|(n, _, s)| n == name && s != stack_id) {
            return Err(ModelError::ValidationError(format!("Export with name {name} is already exported by stack {}", other.split('/').nth(1).unwrap_or(other))));
        }
    }
    Ok(())
}

/// Whether another live stack imports one of `stack`'s exports (then AWS
/// refuses to delete it or drop the export).
pub fn importers<'a>(state: &'a State, ctx: &Ctx, export: &str) -> Vec<&'a Stack> {
    let needle = format!("\"{export}\"");
    state
        .stacks
        .scope(ctx)
        .filter(|s| s.live() && s.template_body.contains("ImportValue") && s.template_body.contains(&needle))
        .collect()
}

/// One change a change set would make.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedChange {
    /// `Add`, `Modify`, `Remove`.
    pub action: String,
    pub logical_id: String,
    #[serde(default)]
    pub physical_id: String,
    pub resource_type: String,
    /// `True`, `False`, `Conditional` for a `Modify`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replacement: Option<String>,
    /// The properties that differ.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<String>,
}

/// A change set. Row key: its ARN
/// `arn:aws:cloudformation:<region>:<account>:changeSet/<name>/<uuid>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeSet {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    pub stack_id: String,
    pub stack_name: String,
    /// `CREATE` or `UPDATE`.
    pub change_set_type: String,
    pub template_body: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub given: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<StackParameter>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capabilities: Vec<String>,
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
    pub execution_status: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<PlannedChange>,
    pub created_ms: i64,
}
crate::impl_owned!(ChangeSet);

/// A change set by ARN, or by name within `stack` (name or id), or
/// `ChangeSetNotFound`.
pub fn change_set<'a>(state: &'a State, ctx: &Ctx, name_or_arn: &str, stack: Option<&str>) -> Result<&'a ChangeSet> {
    let found = if name_or_arn.starts_with("arn:") {
        state.change_sets.scope(ctx).find(|c| c.id == name_or_arn)
    } else {
        let st = stack.and_then(|s| find(state, ctx, s).ok()).map(|s| s.id.clone());
        st.and_then(|sid| state.change_sets.scope(ctx).find(|c| c.name == name_or_arn && c.stack_id == sid))
    };
    found.ok_or_else(|| ModelError::Cfn(CfnFault::ChangeSetNotFound, format!("ChangeSet [{name_or_arn}] does not exist")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(ctx: &Ctx, name: &str, status: &str) -> Stack {
        Stack {
            id: stack_arn(ctx, name),
            owner: ctx.account.clone(),
            region: ctx.region.clone(),
            name: name.into(),
            status: status.into(),
            status_reason: None,
            description: None,
            template_body: "{}".into(),
            given: BTreeMap::new(),
            parameters: vec![],
            capabilities: vec![],
            tags: Tags::new(),
            outputs: vec![StackOutput { key: "V".into(), value: "vpc-1".into(), description: None, export_name: Some("net-vpc".into()) }],
            resources: vec![],
            events: vec![],
            disable_rollback: false,
            termination_protection: false,
            created_ms: 1,
            updated_ms: None,
            deleted_ms: None,
        }
    }

    #[test]
    fn names_ids_deleted_stacks_and_exports() {
        let ctx = Ctx::new("111111111111", "us-east-1", 1);
        let mut s = State::default();
        let gone = stack(&ctx, "net", DELETE_COMPLETE);
        let live = stack(&ctx, "net", "CREATE_COMPLETE");
        let mut ch = crate::state::Changes::new();
        ch.put(gone.clone());
        ch.put(live.clone());
        s.apply_all(ch);
        assert_eq!(find(&s, &ctx, "net").unwrap().id, live.id);
        assert_eq!(find(&s, &ctx, &gone.id).unwrap().status, DELETE_COMPLETE);
        let e = find(&s, &ctx, "other").unwrap_err();
        assert_eq!(e.to_string(), "Stack with id other does not exist");
        let b = Ctx::new("222222222222", "us-east-1", 1);
        assert!(find(&s, &b, "net").is_err(), "another account's stack is not found");
        assert_eq!(exports(&s, &ctx), vec![("net-vpc".to_string(), "vpc-1".to_string(), live.id.clone())]);
        let clash = [StackOutput { key: "X".into(), value: "v".into(), description: None, export_name: Some("net-vpc".into()) }];
        assert_eq!(check_exports(&s, &ctx, "other-id", &clash).unwrap_err().to_string(), "Export with name net-vpc is already exported by stack net");
        assert!(check_exports(&s, &ctx, &live.id, &clash).is_ok());
        assert!(check_name("a-b1", "stackName").is_ok());
        assert!(check_name("1abc", "stackName").is_err() && check_name("a_b", "stackName").is_err());
    }
}
