//! Change sets: CreateChangeSet (`CREATE` makes a `REVIEW_IN_PROGRESS`
//! stack, `UPDATE` plans against the stack's resources), DescribeChangeSet,
//! ExecuteChangeSet (runs the stack operation), DeleteChangeSet and
//! ListChangeSets: what `aws cloudformation deploy` calls.

use xvpc_model::error::CfnFault;
use xvpc_model::stack::{self, ChangeSet, PlannedChange, Stack};
use xvpc_model::state::ResourceKind;
use xvpc_model::{Changes, ModelError};
use xvpc_wire::shapes::cloudformation::{self as shape, ops};

use super::{caps, check_capabilities, engine, given, invalid, parse, prepare, tags_in, tags_out, template_text, ts, updatable};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub(super) const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateChangeSet, create_change_set),
    crate::typed!(ops::DescribeChangeSet, describe_change_set),
    crate::typed!(ops::ExecuteChangeSet, execute_change_set),
    crate::typed!(ops::DeleteChangeSet, delete_change_set),
    crate::typed!(ops::ListChangeSets, list_change_sets),
];

/// AWS's reason for a change set that would change nothing.
const NO_CHANGES: &str = "The submitted information didn't contain changes. Submit different information to create a change set.";

fn save(call: &mut Call, s: &Stack) -> Result<()> {
    let mut ch = Changes::new();
    ch.put(s.clone());
    call.commit(ch)
}

fn create_change_set(call: &mut Call, input: shape::CreateChangeSetInput) -> Result<shape::CreateChangeSetOutput> {
    stack::check_name(&input.change_set_name, "changeSetName")?;
    let kind = input.change_set_type.as_ref().map_or(shape::ChangeSetType::Update.as_str(), |t| t.as_str()).to_string();
    let existing = stack::live_by_name(call.state(), &call.ctx, &input.stack_name).cloned();
    let body = match (input.use_previous_template, &existing) {
        (Some(true), Some(s)) => s.template_body.clone(),
        _ => template_text(input.template_body, input.template_url)?,
    };
    let template = parse(&body)?;
    let capabilities = caps(&input.capabilities);
    check_capabilities(&template, &capabilities)?;
    let (target, changes) = if kind == shape::ChangeSetType::Create.as_str() {
        let mut s = prepare(call, &input.stack_name, body.clone(), &input.parameters, &input.capabilities, &input.tags)?;
        match &existing {
            // A stack still under review keeps its id.
            Some(e) => s = Stack { id: e.id.clone(), created_ms: e.created_ms, events: e.events.clone(), ..s },
            None => s.stack_event(shape::StackStatus::ReviewInProgress.as_str(), Some("User Initiated".into()), call.ctx.now),
        }
        s.status = shape::StackStatus::ReviewInProgress.as_str().into();
        save(call, &s)?;
        let p = engine::parameters(call, &template, &given(&input.parameters), &Default::default(), &s.name, &s.id).map_err(invalid)?;
        let order = template.bind(&p).and_then(|b| b.create_order()).map_err(invalid)?;
        let adds = order
            .iter()
            .map(|id| PlannedChange { action: "Add".into(), logical_id: id.clone(), physical_id: String::new(), resource_type: template.resources[id].resource_type.clone(), replacement: None, properties: vec![] })
            .collect();
        (s, adds)
    } else if kind == shape::ChangeSetType::Update.as_str() {
        let Some(old) = existing.filter(|s| s.status != stack::REVIEW_IN_PROGRESS) else {
            return Err(ModelError::ValidationError(format!("Stack [{}] does not exist", input.stack_name)).into());
        };
        if !updatable(&old.status) {
            return Err(ModelError::ValidationError(format!("Stack:{} is in {} state and can not be updated.", old.id, old.status)).into());
        }
        let p = engine::parameters(call, &template, &given(&input.parameters), &old.given, &old.name, &old.id).map_err(invalid)?;
        let planned = engine::plan(call, &old.resources, &template, &p).map_err(invalid)?;
        let s = Stack {
            template_body: body.clone(),
            given: p.given.clone(),
            parameters: engine::shown(&p),
            capabilities: capabilities.clone(),
            tags: if input.tags.is_empty() { old.tags.clone() } else { tags_in(&input.tags) },
            description: template.description.clone(),
            ..old
        };
        (s, planned)
    } else {
        return Err(ModelError::ValidationError(format!("ChangeSetType {kind} is not supported by xvpc")).into());
    };
    if call.state().change_sets.scope(&call.ctx).any(|c| c.stack_id == target.id && c.name == input.change_set_name) {
        return Err(ModelError::Cfn(CfnFault::AlreadyExists, format!("ChangeSet [{}] already exists", input.change_set_name)).into());
    }
    let empty = changes.is_empty() && kind == shape::ChangeSetType::Update.as_str();
    let arn = format!("arn:aws:cloudformation:{}:{}:changeSet/{}/{}", call.ctx.region, call.ctx.account, input.change_set_name, stack::uuid());
    let cs = ChangeSet {
        id: arn.clone(),
        owner: call.ctx.account.clone(),
        region: call.ctx.region.clone(),
        name: input.change_set_name,
        stack_id: target.id.clone(),
        stack_name: target.name.clone(),
        change_set_type: kind,
        template_body: body,
        given: target.given.clone(),
        parameters: target.parameters.clone(),
        capabilities,
        tags: target.tags.clone(),
        description: input.description,
        status: if empty { shape::ChangeSetStatus::Failed } else { shape::ChangeSetStatus::CreateComplete }.as_str().into(),
        status_reason: empty.then(|| NO_CHANGES.to_string()),
        execution_status: if empty { shape::ExecutionStatus::Unavailable } else { shape::ExecutionStatus::Available }.as_str().into(),
        changes,
        created_ms: call.ctx.now,
    };
    let mut ch = Changes::new();
    ch.put(cs);
    call.commit(ch)?;
    Ok(shape::CreateChangeSetOutput { id: Some(arn), stack_id: Some(target.id) })
}

fn change_shape(c: &PlannedChange, cs: &str) -> shape::Change {
    let details = c
        .properties
        .iter()
        .map(|p| shape::ResourceChangeDetail {
            target: Some(shape::ResourceTargetDefinition {
                attribute: Some(if p == "Tags" { shape::ResourceAttribute::Tags } else { shape::ResourceAttribute::Properties }),
                name: Some(p.clone()),
                requires_recreation: Some(if c.replacement.as_deref() == Some("True") { shape::RequiresRecreation::Always } else { shape::RequiresRecreation::Never }),
                ..Default::default()
            }),
            evaluation: Some(shape::EvaluationType::Static),
            change_source: Some(shape::ChangeSource::DirectModification),
            causing_entity: None,
        })
        .collect();
    shape::Change {
        type_: Some(shape::ChangeType::Resource),
        hook_invocation_count: None,
        resource_change: Some(shape::ResourceChange {
            action: Some(shape::ChangeAction::from(c.action.as_str())),
            logical_resource_id: Some(c.logical_id.clone()),
            physical_resource_id: (!c.physical_id.is_empty()).then(|| c.physical_id.clone()),
            resource_type: Some(c.resource_type.clone()),
            replacement: c.replacement.as_deref().map(shape::Replacement::from),
            scope: if c.properties.is_empty() { vec![] } else { vec![shape::ResourceAttribute::Properties] },
            details,
            change_set_id: Some(cs.to_string()),
            ..Default::default()
        }),
    }
}

fn describe_change_set(call: &mut Call, input: shape::DescribeChangeSetInput) -> Result<shape::DescribeChangeSetOutput> {
    let c = stack::change_set(call.state(), &call.ctx, &input.change_set_name, input.stack_name.as_deref())?;
    Ok(shape::DescribeChangeSetOutput {
        change_set_name: Some(c.name.clone()),
        change_set_id: Some(c.id.clone()),
        stack_id: Some(c.stack_id.clone()),
        stack_name: Some(c.stack_name.clone()),
        description: c.description.clone(),
        parameters: c.parameters.iter().map(|p| shape::Parameter { parameter_key: Some(p.key.clone()), parameter_value: Some(p.value.clone()), resolved_value: p.resolved_value.clone(), use_previous_value: None }).collect(),
        creation_time: Some(ts(c.created_ms)),
        execution_status: Some(shape::ExecutionStatus::from(c.execution_status.as_str())),
        status: Some(shape::ChangeSetStatus::from(c.status.as_str())),
        status_reason: c.status_reason.clone(),
        capabilities: c.capabilities.iter().map(|x| shape::Capability::from(x.as_str())).collect(),
        tags: tags_out(&c.tags),
        changes: c.changes.iter().map(|x| change_shape(x, &c.id)).collect(),
        include_nested_stacks: Some(false),
        ..Default::default()
    })
}

fn execute_change_set(call: &mut Call, input: shape::ExecuteChangeSetInput) -> Result<shape::ExecuteChangeSetOutput> {
    let cs = stack::change_set(call.state(), &call.ctx, &input.change_set_name, input.stack_name.as_deref())?.clone();
    if cs.execution_status != shape::ExecutionStatus::Available.as_str() {
        return Err(ModelError::Cfn(CfnFault::InvalidChangeSetStatus, format!("ChangeSet [{}] cannot be executed in its current execution status of [{}]", cs.id, cs.execution_status)).into());
    }
    let old = stack::find(call.state(), &call.ctx, &cs.stack_id)?.clone();
    let description = parse(&cs.template_body)?.description.clone();
    let mut s = Stack { template_body: cs.template_body.clone(), given: cs.given.clone(), parameters: cs.parameters.clone(), capabilities: cs.capabilities.clone(), tags: cs.tags.clone(), description, ..old.clone() };
    if let Some(d) = input.disable_rollback {
        s.disable_rollback = d;
    }
    if cs.change_set_type == shape::ChangeSetType::Create.as_str() {
        engine::create(call, &mut s)?;
    } else {
        engine::update(call, &old, &mut s)?;
    }
    // This one ran; the stack's others no longer apply.
    let mut ch = Changes::new();
    for c in call.state().change_sets.scope(&call.ctx).filter(|c| c.stack_id == cs.stack_id) {
        let status = if c.id == cs.id { shape::ExecutionStatus::ExecuteComplete } else { shape::ExecutionStatus::Obsolete };
        ch.put(ChangeSet { execution_status: status.as_str().into(), ..c.clone() });
    }
    call.commit(ch)?;
    Ok(shape::ExecuteChangeSetOutput {})
}

fn delete_change_set(call: &mut Call, input: shape::DeleteChangeSetInput) -> Result<shape::DeleteChangeSetOutput> {
    let id = stack::change_set(call.state(), &call.ctx, &input.change_set_name, input.stack_name.as_deref())?.id.clone();
    let mut ch = Changes::new();
    ch.delete(ResourceKind::ChangeSet, &id);
    call.commit(ch)?;
    Ok(shape::DeleteChangeSetOutput {})
}

fn list_change_sets(call: &mut Call, input: shape::ListChangeSetsInput) -> Result<shape::ListChangeSetsOutput> {
    let s = stack::find(call.state(), &call.ctx, &input.stack_name)?;
    let mut v: Vec<&ChangeSet> = call.state().change_sets.scope(&call.ctx).filter(|c| c.stack_id == s.id).collect();
    v.sort_by_key(|c| c.created_ms);
    let summaries = v
        .into_iter()
        .map(|c| shape::ChangeSetSummary {
            stack_id: Some(c.stack_id.clone()),
            stack_name: Some(c.stack_name.clone()),
            change_set_id: Some(c.id.clone()),
            change_set_name: Some(c.name.clone()),
            execution_status: Some(shape::ExecutionStatus::from(c.execution_status.as_str())),
            status: Some(shape::ChangeSetStatus::from(c.status.as_str())),
            status_reason: c.status_reason.clone(),
            creation_time: Some(ts(c.created_ms)),
            description: c.description.clone(),
            include_nested_stacks: Some(false),
            ..Default::default()
        })
        .collect();
    Ok(shape::ListChangeSetsOutput { summaries, next_token: None })
}
