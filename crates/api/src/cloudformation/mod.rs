//! CloudFormation (awsQuery, 2010-05-15): stacks and change sets over the
//! template engine (`xvpc_template`) and the stack bookkeeping
//! (`xvpc_model::stack`). Stack operations run to their end inside the
//! request (`engine`), so DescribeStacks right after CreateStack already
//! answers `CREATE_COMPLETE` (or `ROLLBACK_COMPLETE`), and the CLI's
//! waiters return at their first poll.

mod cdk_resources;
mod change_set;
mod ec2_resources;
mod elbv2_resources;
mod engine;
mod gateway_resources;
mod iam_resources;
mod network_resources;
mod props;
mod ram_resources;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use xvpc_model::error::CfnFault;
use xvpc_model::stack::{self, Stack, StackResource};
use xvpc_model::tags::Tags;
use xvpc_model::ModelError;
use xvpc_template::{Given, Template};
use xvpc_wire::shape::Empty;
use xvpc_wire::shapes::cloudformation::{self as shape, ops};
use xvpc_wire::Timestamp;

use crate::call::{ActionTable, Call, QueryHandler};
use crate::errors::Result;

const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateStack, create_stack),
    crate::typed!(ops::UpdateStack, update_stack),
    crate::typed!(ops::DeleteStack, delete_stack),
    crate::typed!(ops::DescribeStacks, describe_stacks),
    crate::typed!(ops::ListStacks, list_stacks),
    crate::typed!(ops::DescribeStackEvents, describe_stack_events),
    crate::typed!(ops::DescribeStackResource, describe_stack_resource),
    crate::typed!(ops::DescribeStackResources, describe_stack_resources),
    crate::typed!(ops::ListStackResources, list_stack_resources),
    crate::typed!(ops::GetTemplate, get_template),
    crate::typed!(ops::GetTemplateSummary, get_template_summary),
    crate::typed!(ops::ValidateTemplate, validate_template),
    crate::typed!(ops::ListExports, list_exports),
];

/// Every CloudFormation action.
pub fn actions() -> &'static ActionTable {
    static TABLE: OnceLock<ActionTable> = OnceLock::new();
    TABLE.get_or_init(|| ActionTable::new(&[TYPED, change_set::TYPED]))
}

/// A template or parameter problem: AWS's `ValidationError` with the
/// engine's message.
fn invalid(e: xvpc_template::TemplateError) -> crate::errors::Error {
    ModelError::ValidationError(e.message).into()
}

/// The template a call gives: `TemplateBody` (xvpc fetches no URL).
fn template_text(body: Option<String>, url: Option<String>) -> Result<String> {
    match (body, url) {
        (Some(b), _) => Ok(b),
        (None, Some(_)) => Err(ModelError::ValidationError("TemplateURL is not supported by xvpc: pass the template as TemplateBody".into()).into()),
        (None, None) => Err(ModelError::ValidationError("Either Template URL or Template Body must be specified.".into()).into()),
    }
}

fn parse(body: &str) -> Result<Template> {
    Template::parse(body).map_err(invalid)
}

fn given(params: &[shape::Parameter]) -> BTreeMap<String, Given> {
    params
        .iter()
        .filter_map(|p| {
            let key = p.parameter_key.clone()?;
            Some((key, if p.use_previous_value == Some(true) { Given::UsePrevious } else { Given::Value(p.parameter_value.clone().unwrap_or_default()) }))
        })
        .collect()
}

fn caps(c: &[shape::Capability]) -> Vec<String> {
    c.iter().map(|c| c.as_str().to_string()).collect()
}

fn check_capabilities(t: &Template, given: &[String]) -> Result<()> {
    match t.missing_capabilities(given) {
        Some(msg) => Err(ModelError::Cfn(CfnFault::InsufficientCapabilities, msg).into()),
        None => Ok(()),
    }
}

fn tags_in(tags: &[shape::Tag]) -> Tags {
    tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect()
}

fn tags_out(tags: &Tags) -> Vec<shape::Tag> {
    tags.iter().map(|(k, v)| shape::Tag { key: k.clone(), value: v.clone() }).collect()
}

/// A new stack record, before its operation runs.
#[allow(clippy::too_many_arguments)]
fn new_stack(call: &Call, name: &str, body: String, given: BTreeMap<String, String>, parameters: Vec<stack::StackParameter>, capabilities: Vec<String>, tags: Tags, description: Option<String>) -> Stack {
    Stack {
        id: stack::stack_arn(&call.ctx, name),
        owner: call.ctx.account.clone(),
        region: call.ctx.region.clone(),
        name: name.into(),
        status: shape::StackStatus::CreateInProgress.as_str().into(),
        status_reason: None,
        description,
        template_body: body,
        given,
        parameters,
        capabilities,
        tags,
        outputs: vec![],
        resources: vec![],
        events: vec![],
        disable_rollback: false,
        termination_protection: false,
        created_ms: call.ctx.now,
        updated_ms: None,
        deleted_ms: None,
    }
}

/// The checks CreateStack and a CREATE change set share: the name, that no
/// live stack has it, the template, capabilities and parameters.
fn prepare(call: &Call, name: &str, body: String, params: &[shape::Parameter], capabilities: &[shape::Capability], tags: &[shape::Tag]) -> Result<Stack> {
    stack::check_name(name, "stackName")?;
    if stack::live_by_name(call.state(), &call.ctx, name).is_some_and(|s| s.status != stack::REVIEW_IN_PROGRESS) {
        return Err(ModelError::Cfn(CfnFault::AlreadyExists, format!("Stack [{name}] already exists")).into());
    }
    let template = parse(&body)?;
    let caps = caps(capabilities);
    check_capabilities(&template, &caps)?;
    let mut s = new_stack(call, name, body, BTreeMap::new(), vec![], caps, tags_in(tags), template.description.clone());
    let p = engine::parameters(call, &template, &given(params), &BTreeMap::new(), name, &s.id).map_err(invalid)?;
    template.bind(&p).map_err(invalid)?;
    s.given = p.given.clone();
    s.parameters = engine::shown(&p);
    Ok(s)
}

fn create_stack(call: &mut Call, input: shape::CreateStackInput) -> Result<shape::CreateStackOutput> {
    let body = template_text(input.template_body, input.template_url)?;
    let mut s = prepare(call, &input.stack_name, body, &input.parameters, &input.capabilities, &input.tags)?;
    let on_failure = input.on_failure.as_ref().map(|o| o.as_str().to_string());
    s.disable_rollback = input.disable_rollback == Some(true) || on_failure.as_deref() == Some(shape::OnFailure::DoNothing.as_str());
    s.termination_protection = input.enable_termination_protection == Some(true);
    engine::create(call, &mut s)?;
    if on_failure.as_deref() == Some(shape::OnFailure::Delete.as_str()) && s.status == shape::StackStatus::RollbackComplete.as_str() {
        engine::delete(call, &mut s, &[])?;
    }
    Ok(shape::CreateStackOutput { stack_id: Some(s.id), operation_id: None })
}

/// The statuses a stack can be updated from.
fn updatable(status: &str) -> bool {
    use shape::StackStatus as S;
    [S::CreateComplete, S::UpdateComplete, S::UpdateRollbackComplete].iter().any(|s| s.as_str() == status)
}

fn update_stack(call: &mut Call, input: shape::UpdateStackInput) -> Result<shape::UpdateStackOutput> {
    let old = stack::find(call.state(), &call.ctx, &input.stack_name)?.clone();
    if !updatable(&old.status) {
        return Err(ModelError::ValidationError(format!("Stack:{} is in {} state and can not be updated.", old.id, old.status)).into());
    }
    let body = if input.use_previous_template == Some(true) { old.template_body.clone() } else { template_text(input.template_body, input.template_url)? };
    let template = parse(&body)?;
    let caps = caps(&input.capabilities);
    check_capabilities(&template, &caps)?;
    let p = engine::parameters(call, &template, &given(&input.parameters), &old.given, &old.name, &old.id).map_err(invalid)?;
    template.bind(&p).map_err(invalid)?;
    let tags = if input.tags.is_empty() { old.tags.clone() } else { tags_in(&input.tags) };
    if body == old.template_body && p.given == old.given && tags == old.tags {
        return Err(ModelError::ValidationError("No updates are to be performed.".into()).into());
    }
    let mut s = Stack { template_body: body, given: p.given.clone(), parameters: engine::shown(&p), capabilities: caps, tags, description: template.description.clone(), ..old.clone() };
    if let Some(d) = input.disable_rollback {
        s.disable_rollback = d;
    }
    engine::update(call, &old, &mut s)?;
    Ok(shape::UpdateStackOutput { stack_id: Some(s.id), operation_id: None })
}

/// DeleteStack: a stack that does not exist (or is already deleted) is no
/// error, as in AWS.
fn delete_stack(call: &mut Call, input: shape::DeleteStackInput) -> Result<Empty> {
    let Ok(found) = stack::find(call.state(), &call.ctx, &input.stack_name) else { return Ok(Empty) };
    let mut s = found.clone();
    if !s.live() {
        return Ok(Empty);
    }
    if s.termination_protection {
        return Err(ModelError::ValidationError(format!("Stack [{}] cannot be deleted while TerminationProtection is enabled", s.name)).into());
    }
    engine::delete(call, &mut s, &input.retain_resources)?;
    Ok(Empty)
}

fn ts(ms: i64) -> Timestamp {
    Timestamp(ms)
}

fn stack_shape(s: &Stack) -> shape::Stack {
    shape::Stack {
        stack_id: Some(s.id.clone()),
        stack_name: s.name.clone(),
        description: s.description.clone(),
        parameters: s.parameters.iter().map(|p| shape::Parameter { parameter_key: Some(p.key.clone()), parameter_value: Some(p.value.clone()), resolved_value: p.resolved_value.clone(), use_previous_value: None }).collect(),
        creation_time: ts(s.created_ms),
        deletion_time: s.deleted_ms.map(ts),
        last_updated_time: s.updated_ms.map(ts),
        stack_status: shape::StackStatus::from(s.status.as_str()),
        stack_status_reason: s.status_reason.clone(),
        disable_rollback: Some(s.disable_rollback),
        capabilities: s.capabilities.iter().map(|c| shape::Capability::from(c.as_str())).collect(),
        outputs: s.outputs.iter().map(|o| shape::Output { output_key: Some(o.key.clone()), output_value: Some(o.value.clone()), description: o.description.clone(), export_name: o.export_name.clone() }).collect(),
        tags: tags_out(&s.tags),
        enable_termination_protection: Some(s.termination_protection),
        drift_information: Some(shape::StackDriftInformation { stack_drift_status: shape::StackDriftStatus::NotChecked, last_check_timestamp: None }),
        ..Default::default()
    }
}

fn describe_stacks(call: &mut Call, input: shape::DescribeStacksInput) -> Result<shape::DescribeStacksOutput> {
    let stacks: Vec<shape::Stack> = match &input.stack_name {
        Some(n) => vec![stack_shape(stack::find(call.state(), &call.ctx, n)?)],
        None => {
            let mut v: Vec<&Stack> = call.state().stacks.scope(&call.ctx).filter(|s| s.live()).collect();
            v.sort_by_key(|s| std::cmp::Reverse(s.created_ms));
            v.into_iter().map(stack_shape).collect()
        }
    };
    Ok(shape::DescribeStacksOutput { stacks, next_token: None })
}

fn list_stacks(call: &mut Call, input: shape::ListStacksInput) -> Result<shape::ListStacksOutput> {
    let wanted: Vec<&str> = input.stack_status_filter.iter().map(|s| s.as_str()).collect();
    let mut v: Vec<&Stack> = call.state().stacks.scope(&call.ctx).filter(|s| wanted.is_empty() || wanted.contains(&s.status.as_str())).collect();
    v.sort_by_key(|s| std::cmp::Reverse(s.created_ms));
    let summaries = v
        .into_iter()
        .map(|s| shape::StackSummary {
            stack_id: Some(s.id.clone()),
            stack_name: s.name.clone(),
            template_description: s.description.clone(),
            creation_time: ts(s.created_ms),
            last_updated_time: s.updated_ms.map(ts),
            deletion_time: s.deleted_ms.map(ts),
            stack_status: shape::StackStatus::from(s.status.as_str()),
            stack_status_reason: s.status_reason.clone(),
            ..Default::default()
        })
        .collect();
    Ok(shape::ListStacksOutput { stack_summaries: summaries, next_token: None })
}

fn describe_stack_events(call: &mut Call, input: shape::DescribeStackEventsInput) -> Result<shape::DescribeStackEventsOutput> {
    let s = stack::find(call.state(), &call.ctx, &input.stack_name)?;
    // Newest first, as AWS lists them.
    let events = s
        .events
        .iter()
        .rev()
        .map(|e| shape::StackEvent {
            stack_id: s.id.clone(),
            event_id: e.event_id.clone(),
            stack_name: s.name.clone(),
            logical_resource_id: Some(e.logical_id.clone()),
            physical_resource_id: Some(e.physical_id.clone()),
            resource_type: Some(e.resource_type.clone()),
            timestamp: ts(e.at_ms),
            resource_status: Some(shape::ResourceStatus::from(e.status.as_str())),
            resource_status_reason: e.reason.clone(),
            resource_properties: e.properties.clone(),
            ..Default::default()
        })
        .collect();
    Ok(shape::DescribeStackEventsOutput { stack_events: events, next_token: None })
}

fn resource_status(r: &StackResource) -> shape::ResourceStatus {
    shape::ResourceStatus::from(r.status.as_str())
}

/// AWS's answer for a logical id the stack does not have.
fn no_resource(logical_id: &str, stack: &str) -> crate::errors::Error {
    ModelError::ValidationError(format!("Resource {logical_id} does not exist for stack {stack}")).into()
}

fn describe_stack_resource(call: &mut Call, input: shape::DescribeStackResourceInput) -> Result<shape::DescribeStackResourceOutput> {
    let s = stack::find(call.state(), &call.ctx, &input.stack_name)?;
    let r = s.resource(&input.logical_resource_id).ok_or_else(|| no_resource(&input.logical_resource_id, &input.stack_name))?;
    Ok(shape::DescribeStackResourceOutput {
        stack_resource_detail: Some(shape::StackResourceDetail {
            stack_name: Some(s.name.clone()),
            stack_id: Some(s.id.clone()),
            logical_resource_id: r.logical_id.clone(),
            physical_resource_id: Some(r.physical_id.clone()),
            resource_type: r.resource_type.clone(),
            last_updated_timestamp: ts(r.updated_ms),
            resource_status: resource_status(r),
            resource_status_reason: r.status_reason.clone(),
            metadata: Some("{}".into()),
            ..Default::default()
        }),
    })
}

fn describe_stack_resources(call: &mut Call, input: shape::DescribeStackResourcesInput) -> Result<shape::DescribeStackResourcesOutput> {
    let state = call.state();
    let s = match (&input.stack_name, &input.physical_resource_id) {
        (Some(n), _) => stack::find(state, &call.ctx, n)?,
        (None, Some(pid)) => state
            .stacks
            .scope(&call.ctx)
            .find(|s| s.live() && s.resources.iter().any(|r| &r.physical_id == pid))
            .ok_or_else(|| ModelError::ValidationError(format!("Stack for {pid} does not exist")))?,
        (None, None) => return Err(ModelError::ValidationError("Either StackName or PhysicalResourceId must be specified.".into()).into()),
    };
    let rows = s
        .resources
        .iter()
        .filter(|r| input.logical_resource_id.as_ref().is_none_or(|l| &r.logical_id == l))
        .filter(|r| input.physical_resource_id.as_ref().is_none_or(|p| &r.physical_id == p))
        .map(|r| shape::StackResource {
            stack_name: Some(s.name.clone()),
            stack_id: Some(s.id.clone()),
            logical_resource_id: r.logical_id.clone(),
            physical_resource_id: Some(r.physical_id.clone()),
            resource_type: r.resource_type.clone(),
            timestamp: ts(r.updated_ms),
            resource_status: resource_status(r),
            resource_status_reason: r.status_reason.clone(),
            ..Default::default()
        })
        .collect();
    Ok(shape::DescribeStackResourcesOutput { stack_resources: rows })
}

fn list_stack_resources(call: &mut Call, input: shape::ListStackResourcesInput) -> Result<shape::ListStackResourcesOutput> {
    let s = stack::find(call.state(), &call.ctx, &input.stack_name)?;
    let rows = s
        .resources
        .iter()
        .map(|r| shape::StackResourceSummary {
            logical_resource_id: r.logical_id.clone(),
            physical_resource_id: Some(r.physical_id.clone()),
            resource_type: r.resource_type.clone(),
            last_updated_timestamp: ts(r.updated_ms),
            resource_status: resource_status(r),
            resource_status_reason: r.status_reason.clone(),
            ..Default::default()
        })
        .collect();
    Ok(shape::ListStackResourcesOutput { stack_resource_summaries: rows, next_token: None })
}

fn get_template(call: &mut Call, input: shape::GetTemplateInput) -> Result<shape::GetTemplateOutput> {
    let body = match (&input.change_set_name, &input.stack_name) {
        (Some(cs), st) => stack::change_set(call.state(), &call.ctx, cs, st.as_deref())?.template_body.clone(),
        (None, Some(n)) => stack::find(call.state(), &call.ctx, n)?.template_body.clone(),
        (None, None) => return Err(ModelError::ValidationError("Either StackName or ChangeSetName must be specified.".into()).into()),
    };
    Ok(shape::GetTemplateOutput { template_body: Some(body), stages_available: vec![shape::TemplateStage::Original, shape::TemplateStage::Processed] })
}

fn get_template_summary(call: &mut Call, input: shape::GetTemplateSummaryInput) -> Result<shape::GetTemplateSummaryOutput> {
    let body = match &input.stack_name {
        Some(n) if input.template_body.is_none() => stack::find(call.state(), &call.ctx, n)?.template_body.clone(),
        _ => template_text(input.template_body, input.template_url)?,
    };
    let s = parse(&body)?.summary();
    Ok(shape::GetTemplateSummaryOutput {
        parameters: s
            .parameters
            .iter()
            .map(|p| shape::ParameterDeclaration {
                parameter_key: Some(p.key.clone()),
                default_value: p.default.clone(),
                parameter_type: Some(p.type_name.clone()),
                no_echo: Some(p.no_echo),
                description: p.description.clone(),
                parameter_constraints: Some(shape::ParameterConstraints { allowed_values: p.allowed_values.clone() }),
            })
            .collect(),
        description: s.description,
        capabilities: s.capabilities.iter().map(|c| shape::Capability::from(c.as_str())).collect(),
        capabilities_reason: s.capabilities_reason,
        resource_types: s.resource_types,
        version: s.version,
        metadata: s.metadata,
        declared_transforms: s.declared_transforms,
        resource_identifier_summaries: s
            .identifier_summaries
            .into_iter()
            .map(|i| shape::ResourceIdentifierSummary { resource_type: Some(i.resource_type), logical_resource_ids: i.logical_ids, resource_identifiers: i.identifiers })
            .collect(),
        warnings: None,
    })
}

fn validate_template(_call: &mut Call, input: shape::ValidateTemplateInput) -> Result<shape::ValidateTemplateOutput> {
    let s = parse(&template_text(input.template_body, input.template_url)?)?.summary();
    Ok(shape::ValidateTemplateOutput {
        parameters: s
            .parameters
            .iter()
            .map(|p| shape::TemplateParameter { parameter_key: Some(p.key.clone()), default_value: p.default.clone(), no_echo: Some(p.no_echo), description: p.description.clone() })
            .collect(),
        description: s.description,
        capabilities: s.capabilities.iter().map(|c| shape::Capability::from(c.as_str())).collect(),
        capabilities_reason: s.capabilities_reason,
        declared_transforms: s.declared_transforms,
    })
}

fn list_exports(call: &mut Call, _input: shape::ListExportsInput) -> Result<shape::ListExportsOutput> {
    let exports = stack::exports(call.state(), &call.ctx)
        .into_iter()
        .map(|(name, value, id)| shape::Export { exporting_stack_id: Some(id), name: Some(name), value: Some(value) })
        .collect();
    Ok(shape::ListExportsOutput { exports, next_token: None })
}
