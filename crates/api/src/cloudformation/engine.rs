//! Running a stack operation: create, update and delete, with AWS's events
//! and rollback. Each resource is built by its type's handler (`Kind`),
//! which calls the same typed handlers and model commands as the EC2, ELBv2,
//! RAM and IAM APIs; the template engine (`xvpc_template`) gives the order
//! and each resource's resolved properties. Everything runs inside the one
//! request (the world is locked), so a stack is never seen half-made.

use std::collections::BTreeMap;

use serde_json::Value;
use xvpc_model::stack::{self, PlannedChange, Stack, StackOutput, StackParameter, StackResource};
use xvpc_model::{Changes, Ctx, State};
use xvpc_template::{resolve_parameters, Bound, Given, ParameterLookup, Params, Pseudo, Resolver, Template, TemplateError};
use xvpc_wire::shapes::cloudformation::{ResourceStatus as R, StackStatus as S};

use super::props::{Kind, Props, Site};
use crate::call::Call;
use crate::errors::{Error, Result};

/// Every resource type xvpc builds.
fn kinds() -> impl Iterator<Item = &'static Kind> {
    super::ec2_resources::KINDS
        .iter()
        .chain(super::network_resources::KINDS)
        .chain(super::gateway_resources::KINDS)
        .chain(super::elbv2_resources::KINDS)
        .chain(super::iam_resources::KINDS)
        .chain(super::ram_resources::KINDS)
        .chain(super::cdk_resources::KINDS)
}

/// The handler of a resource type.
pub(crate) fn kind(type_name: &str) -> Option<&'static Kind> {
    kinds().find(|k| k.type_name == type_name)
}

/// What the template engine reads from the stack and the account.
struct Known<'a> {
    resources: &'a [StackResource],
    state: &'a State,
    ctx: &'a Ctx,
}

impl Resolver for Known<'_> {
    fn physical_id(&self, logical_id: &str) -> Option<String> {
        self.resources.iter().find(|r| r.logical_id == logical_id && !r.physical_id.is_empty()).map(|r| r.physical_id.clone())
    }
    fn attribute(&self, logical_id: &str, attribute: &str) -> Option<Value> {
        self.resources.iter().find(|r| r.logical_id == logical_id)?.attributes.get(attribute).cloned()
    }
    fn import_value(&self, name: &str) -> Option<String> {
        stack::exports(self.state, self.ctx).into_iter().find(|(n, _, _)| n == name).map(|(_, v, _)| v)
    }
    fn availability_zones(&self, region: &str) -> Vec<String> {
        let region = if region.is_empty() { self.ctx.region.as_str() } else { region };
        xvpc_model::region::zones_in(&self.ctx.account, region).map(|z| z.into_iter().map(|z| z.name.to_string()).collect()).unwrap_or_default()
    }
}

/// Systems Manager values for `AWS::SSM::Parameter::Value<...>` parameters.
struct Lookup<'a> {
    state: &'a State,
    ctx: &'a Ctx,
}

impl ParameterLookup for Lookup<'_> {
    fn ssm_parameter(&self, name: &str) -> Option<String> {
        match xvpc_model::parameter::find(self.state, self.ctx, name).ok()?? {
            xvpc_model::parameter::Found::Customer(p, _) => Some(p.value.clone()),
            xvpc_model::parameter::Found::Public(p, _) => Some(p.image_id.to_string()),
        }
    }
}

/// Resolves a stack's parameters (`previous`: the values it had, for
/// `UsePreviousValue`).
pub(crate) fn parameters(call: &Call, template: &Template, given: &BTreeMap<String, Given>, previous: &BTreeMap<String, String>, name: &str, id: &str) -> std::result::Result<Params, TemplateError> {
    let pseudo = Pseudo::new(&call.ctx.account, &call.ctx.region, name, id);
    resolve_parameters(template, given, previous, pseudo, &Lookup { state: call.state(), ctx: &call.ctx })
}

/// The parameters as DescribeStacks shows them.
pub(crate) fn shown(params: &Params) -> Vec<StackParameter> {
    params.shown().iter().map(|p| StackParameter { key: p.key.clone(), value: p.value.clone(), resolved_value: p.resolved_value.clone() }).collect()
}

/// Writes the stack (its events so far) to the log.
fn save(call: &mut Call, stack: &Stack) -> Result<()> {
    let mut ch = Changes::new();
    ch.put(stack.clone());
    call.commit(ch)
}

/// The service name AWS's resource handlers report, by type prefix.
fn service_of(type_name: &str) -> &'static str {
    match type_name.split("::").nth(1) {
        Some("EC2") => "Ec2",
        Some("ElasticLoadBalancingV2") => "ElasticLoadBalancingV2",
        Some("IAM") => "Iam",
        Some("RAM") => "Ram",
        _ => "CloudFormation",
    }
}

/// A failed resource event's reason, naming the AWS error as AWS does.
fn reason(e: &Error, type_name: &str, request_id: &str) -> String {
    let api = e.to_api();
    format!("{} (Service: {}; Status Code: {}; Error Code: {}; Request ID: {request_id}; Proxy: null)", api.message, service_of(type_name), api.status, api.code)
}

/// A delete that finds the resource already gone succeeds, as in AWS.
fn already_gone(e: &Error) -> bool {
    let code = e.to_api().code;
    code.contains("NotFound") || code == "NoSuchEntity" || code == "UnknownResourceException"
}

/// Edits the tags of what a stack built, by its physical id (EC2 ids and
/// ELBv2 ARNs; a resource without tags in xvpc is left as it is).
fn edit_tags(call: &mut Call, physical_id: &str, f: impl Fn(&mut xvpc_model::tags::Tags)) {
    let edit = |t: &mut xvpc_model::tags::Tags| {
        f(t);
        Ok(())
    };
    let ch = if physical_id.starts_with("arn:aws:elasticloadbalancing:") {
        xvpc_model::load_balancer::edit_tags(call.state(), &call.ctx, physical_id, edit)
    } else {
        xvpc_model::tags::edit(call.state(), &call.ctx, physical_id, edit)
    };
    if let Ok(ch) = ch {
        let _ = call.commit(ch);
    }
}

/// Adds the `aws:cloudformation:*` tags (their `aws:` prefix is refused to
/// users, so they bypass CreateTags' validation).
fn tag_aws(call: &mut Call, physical_id: &str, site: &Site) {
    let add = site.aws_tags();
    edit_tags(call, physical_id, |t| t.extend(add.clone()));
}

/// Creates one resource; `Err` carries the failure reason (already in
/// the events).
fn create_one(call: &mut Call, stack: &mut Stack, bound: &Bound, logical_id: &str, update: bool) -> std::result::Result<(), String> {
    let type_name = bound.template.resources[logical_id].resource_type.clone();
    let retain = bound.template.resources[logical_id].deletion_policy.as_deref() == Some("Retain");
    let now = call.ctx.now;
    let known = Known { resources: &stack.resources, state: call.state(), ctx: &call.ctx };
    let props = bound.resolve_properties(logical_id, &known);
    let in_progress = if update { R::UpdateInProgress } else { R::CreateInProgress };
    let failed = if update { R::UpdateFailed } else { R::CreateFailed };
    stack.event((logical_id, "", &type_name), in_progress.as_str(), None, now);
    let fail = |stack: &mut Stack, why: String| {
        stack.event((logical_id, "", &type_name), failed.as_str(), Some(why.clone()), now);
        Err(why)
    };
    // Unknown, read-only or missing properties fail the resource with the
    // schema's message, before anything is built.
    let props = match props.and_then(|p| xvpc_template::schema::validate_properties(&type_name, logical_id, &p).map(|()| p)) {
        Ok(p) => p,
        Err(e) => return fail(stack, e.message),
    };
    let Some(kind) = kind(&type_name) else {
        return fail(stack, format!("Resource type {type_name} is not supported by xvpc (the types it builds are listed in README.md)"));
    };
    let (name, id, tags) = (stack.name.clone(), stack.id.clone(), stack.tags.clone());
    let site = Site { stack_name: &name, stack_id: &id, logical_id, stack_tags: &tags };
    let request_id = call.request_id.clone();
    match (kind.create)(call, &Props { logical_id, value: &props }, &site) {
        Ok(c) => {
            tag_aws(call, c.tag_id.as_deref().unwrap_or(&c.physical_id), &site);
            stack.event((logical_id, &c.physical_id, &type_name), in_progress.as_str(), Some("Resource creation Initiated".into()), now);
            let done = if update { R::UpdateComplete } else { R::CreateComplete };
            stack.event((logical_id, &c.physical_id, &type_name), done.as_str(), None, now);
            stack.resources.retain(|r| r.logical_id != logical_id);
            stack.resources.push(StackResource {
                logical_id: logical_id.into(),
                resource_type: type_name.clone(),
                physical_id: c.physical_id,
                status: done.as_str().into(),
                status_reason: None,
                properties: props,
                attributes: c.attributes,
                retain,
                updated_ms: now,
            });
            Ok(())
        }
        Err(e) => fail(stack, reason(&e, &type_name, &request_id)),
    }
}

/// Deletes one resource (or skips it under `DeletionPolicy: Retain`).
fn delete_one(call: &mut Call, stack: &mut Stack, r: &StackResource) -> std::result::Result<(), String> {
    let now = call.ctx.now;
    let at = (r.logical_id.as_str(), r.physical_id.as_str(), r.resource_type.as_str());
    if r.retain {
        stack.event(at, R::DeleteSkipped.as_str(), None, now);
        return Ok(());
    }
    if r.physical_id.is_empty() {
        return Ok(());
    }
    stack.event(at, R::DeleteInProgress.as_str(), None, now);
    let result = match kind(&r.resource_type) {
        Some(k) => (k.delete)(call, r),
        None => Ok(()),
    };
    match result {
        Err(e) if !already_gone(&e) => {
            let why = reason(&e, &r.resource_type, &call.request_id.clone());
            stack.event(at, R::DeleteFailed.as_str(), Some(why.clone()), now);
            Err(why)
        }
        _ => {
            stack.event(at, R::DeleteComplete.as_str(), None, now);
            Ok(())
        }
    }
}

/// The outputs of the stack as built, checked for export clashes.
fn outputs(call: &Call, stack: &Stack, bound: &Bound) -> std::result::Result<Vec<StackOutput>, String> {
    let known = Known { resources: &stack.resources, state: call.state(), ctx: &call.ctx };
    let out: Vec<StackOutput> = bound
        .outputs(&known)
        .map_err(|e| e.message)?
        .into_iter()
        .map(|o| StackOutput { key: o.key, value: o.value, description: o.description, export_name: o.export_name })
        .collect();
    stack::check_exports(call.state(), &call.ctx, &stack.id, &out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// The template and parameters of a stack, parsed and bound (the api
/// validated them before the operation began).
fn parsed(call: &Call, stack: &Stack) -> std::result::Result<(Template, Params), String> {
    let template = Template::parse(&stack.template_body).map_err(|e| e.message)?;
    let given = stack.given.iter().map(|(k, v)| (k.clone(), Given::Value(v.clone()))).collect();
    let params = parameters(call, &template, &given, &BTreeMap::new(), &stack.name, &stack.id).map_err(|e| e.message)?;
    Ok((template, params))
}

/// CREATE_IN_PROGRESS to CREATE_COMPLETE, or on a failure ROLLBACK_COMPLETE
/// (CREATE_FAILED with rollback disabled).
pub(crate) fn create(call: &mut Call, stack: &mut Stack) -> Result<()> {
    let now = call.ctx.now;
    stack.stack_event(S::CreateInProgress.as_str(), Some("User Initiated".into()), now);
    save(call, stack)?;
    let mut failed: Option<String> = None;
    match parsed(call, stack) {
        Err(why) => failed = Some(why),
        Ok((template, params)) => {
            let bound = match template.bind(&params) {
                Ok(b) => b,
                Err(e) => return fail_create(call, stack, e.message),
            };
            let order = bound.create_order().unwrap_or_default();
            for id in &order {
                if create_one(call, stack, &bound, id, false).is_err() {
                    failed = Some(format!("The following resource(s) failed to create: [{id}]. "));
                    break;
                }
                save(call, stack)?;
            }
            if failed.is_none() {
                match outputs(call, stack, &bound) {
                    Ok(o) => stack.outputs = o,
                    Err(why) => failed = Some(why),
                }
            }
        }
    }
    match failed {
        None => {
            stack.stack_event(S::CreateComplete.as_str(), None, now);
            save(call, stack)
        }
        Some(why) => fail_create(call, stack, why),
    }
}

fn fail_create(call: &mut Call, stack: &mut Stack, why: String) -> Result<()> {
    let now = call.ctx.now;
    if stack.disable_rollback {
        stack.stack_event(S::CreateFailed.as_str(), Some(why), now);
        return save(call, stack);
    }
    stack.stack_event(S::RollbackInProgress.as_str(), Some(format!("{why}Rollback requested by user.")), now);
    for r in stack.resources.clone().iter().rev() {
        let _ = delete_one(call, stack, &StackResource { retain: false, ..r.clone() });
    }
    stack.resources.iter_mut().for_each(|r| r.status = R::DeleteComplete.as_str().into());
    stack.outputs.clear();
    stack.stack_event(S::RollbackComplete.as_str(), None, now);
    save(call, stack)
}

/// DELETE_IN_PROGRESS to DELETE_COMPLETE (resources in reverse creation
/// order; `retain`: logical ids the caller asked to keep), or DELETE_FAILED.
pub(crate) fn delete(call: &mut Call, stack: &mut Stack, retain: &[String]) -> Result<()> {
    let now = call.ctx.now;
    stack.stack_event(S::DeleteInProgress.as_str(), Some("User Initiated".into()), now);
    save(call, stack)?;
    let mut failed = vec![];
    for r in stack.resources.clone().iter().rev() {
        let keep = r.retain || retain.contains(&r.logical_id);
        let status = r.status.as_str();
        // A rolled-back resource is already gone.
        if status == R::DeleteComplete.as_str() || status == R::CreateFailed.as_str() {
            continue;
        }
        match delete_one(call, stack, &StackResource { retain: keep, ..r.clone() }) {
            Ok(()) => {
                if let Some(x) = stack.resources.iter_mut().find(|x| x.logical_id == r.logical_id) {
                    x.status = if keep { R::DeleteSkipped } else { R::DeleteComplete }.as_str().into();
                }
            }
            Err(_) => failed.push(r.logical_id.clone()),
        }
        save(call, stack)?;
    }
    if failed.is_empty() {
        stack.deleted_ms = Some(now);
        stack.stack_event(S::DeleteComplete.as_str(), None, now);
    } else {
        stack.stack_event(S::DeleteFailed.as_str(), Some(format!("The following resource(s) failed to delete: [{}]. ", failed.join(", "))), now);
    }
    save(call, stack)
}

/// Whether a change to these properties is made in place: tags always;
/// other properties where AWS's schema does not make them create-only and
/// xvpc's handler for the type changes them (`Kind::update`). Any other
/// change replaces the resource.
fn in_place(type_name: &str, keys: &[String]) -> bool {
    let handled = kind(type_name).and_then(|k| k.update.as_ref()).map_or(&[][..], |u| u.properties);
    keys.iter().all(|k| k == "Tags" || handled.contains(&k.as_str()))
        && xvpc_template::schema::requires_replacement(type_name, keys.iter().filter(|k| *k != "Tags").map(String::as_str)) != Some(true)
}

/// What an update would do, for a change set: Add, Modify (with or without
/// replacement), Remove.
pub(crate) fn plan(call: &Call, old: &[StackResource], template: &Template, params: &Params) -> std::result::Result<Vec<PlannedChange>, TemplateError> {
    let bound = template.bind(params)?;
    let order = bound.create_order()?;
    let known = Known { resources: old, state: call.state(), ctx: &call.ctx };
    let mut out = vec![];
    for id in &order {
        let type_name = template.resources[id].resource_type.clone();
        let change = |action: &str, physical: &str, replacement: Option<&str>, properties: Vec<String>| PlannedChange {
            action: action.into(),
            logical_id: id.clone(),
            physical_id: physical.into(),
            resource_type: type_name.clone(),
            replacement: replacement.map(str::to_string),
            properties,
        };
        match old.iter().find(|r| &r.logical_id == id) {
            None => out.push(change("Add", "", None, vec![])),
            Some(o) if o.resource_type != type_name => out.push(change("Modify", &o.physical_id, Some("True"), vec![])),
            Some(o) => match bound.resolve_properties(id, &known) {
                Ok(p) if p == o.properties => {}
                Ok(p) => {
                    let keys = xvpc_template::schema::changed_properties(&o.properties, &p);
                    out.push(change("Modify", &o.physical_id, Some(if in_place(&type_name, &keys) { "False" } else { "True" }), keys));
                }
                // It reads a resource that is itself changing.
                Err(_) => out.push(change("Modify", &o.physical_id, Some("Conditional"), vec![])),
            },
        }
    }
    for o in old {
        if !order.contains(&o.logical_id) {
            out.push(PlannedChange { action: "Remove".into(), logical_id: o.logical_id.clone(), physical_id: o.physical_id.clone(), resource_type: o.resource_type.clone(), replacement: None, properties: vec![] });
        }
    }
    Ok(out)
}

/// UPDATE_IN_PROGRESS to UPDATE_COMPLETE (new resources, changed ones in
/// place or replaced, then the cleanup of replaced and removed ones), or on
/// a failure UPDATE_ROLLBACK_COMPLETE with the stack as it was. `old` is
/// the stack before; `stack` already holds the new template and parameters.
pub(crate) fn update(call: &mut Call, old: &Stack, stack: &mut Stack) -> Result<()> {
    let now = call.ctx.now;
    stack.updated_ms = Some(now);
    stack.stack_event(S::UpdateInProgress.as_str(), Some("User Initiated".into()), now);
    save(call, stack)?;
    stack.resources.clear();
    let mut made: Vec<String> = vec![];
    let mut replaced: Vec<StackResource> = vec![];
    let mut retagged: Vec<StackResource> = vec![];
    let mut failed: Option<String> = None;
    let mut order = vec![];
    match parsed(call, stack) {
        Err(why) => failed = Some(why),
        Ok((template, params)) => match template.bind(&params) {
            Err(e) => failed = Some(e.message),
            Ok(bound) => {
                order = bound.create_order().unwrap_or_default();
                for id in &order {
                    let step = update_one(call, stack, &bound, old.resource(id), id, &mut made, &mut replaced, &mut retagged);
                    if step.is_err() {
                        failed = Some(format!("The following resource(s) failed to update: [{id}]. "));
                        break;
                    }
                    save(call, stack)?;
                }
                if failed.is_none() {
                    match outputs(call, stack, &bound) {
                        Ok(o) => stack.outputs = o,
                        Err(why) => failed = Some(why),
                    }
                }
            }
        },
    }
    if let Some(why) = failed {
        stack.stack_event(S::UpdateRollbackInProgress.as_str(), Some(why), now);
        for id in made.iter().rev() {
            if let Some(r) = stack.resource(id).cloned() {
                let _ = delete_one(call, stack, &StackResource { retain: false, ..r });
            }
        }
        // Changed in place: changed back (the last good state's properties).
        for r in &retagged {
            if let Some(now_r) = stack.resource(&r.logical_id).cloned() {
                let _ = change(call, r, &now_r);
            }
            retag(call, r);
        }
        let events = std::mem::take(&mut stack.events);
        *stack = Stack { events, updated_ms: Some(now), ..old.clone() };
        stack.stack_event(S::UpdateRollbackCompleteCleanupInProgress.as_str(), None, now);
        stack.stack_event(S::UpdateRollbackComplete.as_str(), None, now);
        return save(call, stack);
    }
    stack.stack_event(S::UpdateCompleteCleanupInProgress.as_str(), None, now);
    let removed: Vec<StackResource> = old.resources.iter().filter(|r| !order.contains(&r.logical_id)).cloned().collect();
    let mut gone: Vec<StackResource> = replaced.into_iter().chain(removed).collect();
    // Reverse of the old creation order.
    gone.sort_by_key(|r| std::cmp::Reverse(old.resources.iter().position(|o| o.logical_id == r.logical_id && o.physical_id == r.physical_id)));
    for r in &gone {
        let _ = delete_one(call, stack, r);
    }
    stack.stack_event(S::UpdateComplete.as_str(), None, now);
    save(call, stack)
}

/// Sets a resource's user tags to what `r` says (an in-place tag change,
/// or undoing one).
fn retag(call: &mut Call, r: &StackResource) {
    let tags: BTreeMap<String, String> = Props { logical_id: &r.logical_id, value: &r.properties }.tags().into_iter().collect();
    edit_tags(call, &r.physical_id, |t| {
        t.retain(|k, _| k.starts_with("aws:"));
        t.extend(tags.clone());
    });
}

/// Changes a resource in place from `old`'s properties to `new`'s (the
/// tags aside, which `retag` sets).
fn change(call: &mut Call, new: &StackResource, old: &StackResource) -> Result<()> {
    let keys = xvpc_template::schema::changed_properties(&old.properties, &new.properties);
    if keys.iter().all(|k| k == "Tags") {
        return Ok(());
    }
    let Some(update) = kind(&new.resource_type).and_then(|k| k.update.as_ref()) else { return Ok(()) };
    let (n, o) = (Props { logical_id: &new.logical_id, value: &new.properties }, Props { logical_id: &old.logical_id, value: &old.properties });
    (update.run)(call, &n, &o, old)
}

/// One resource of an update.
#[allow(clippy::too_many_arguments)]
fn update_one(
    call: &mut Call,
    stack: &mut Stack,
    bound: &Bound,
    old: Option<&StackResource>,
    id: &str,
    made: &mut Vec<String>,
    replaced: &mut Vec<StackResource>,
    retagged: &mut Vec<StackResource>,
) -> std::result::Result<(), String> {
    let now = call.ctx.now;
    let type_name = bound.template.resources[id].resource_type.clone();
    let Some(o) = old.filter(|o| o.resource_type == type_name && !o.physical_id.is_empty()) else {
        if let Some(o) = old {
            replaced.push(o.clone());
        }
        made.push(id.to_string());
        return create_one(call, stack, bound, id, false);
    };
    let known = Known { resources: &stack.resources, state: call.state(), ctx: &call.ctx };
    let props = bound.resolve_properties(id, &known).map_err(|e| e.message)?;
    if props == o.properties {
        stack.resources.push(o.clone());
        return Ok(());
    }
    let keys = xvpc_template::schema::changed_properties(&o.properties, &props);
    let at = (id, o.physical_id.as_str(), type_name.as_str());
    if in_place(&type_name, &keys) {
        stack.event(at, R::UpdateInProgress.as_str(), None, now);
        let new = StackResource { properties: props, status: R::UpdateComplete.as_str().into(), updated_ms: now, ..o.clone() };
        if let Err(e) = change(call, &new, o) {
            let why = reason(&e, &type_name, &call.request_id.clone());
            stack.event(at, R::UpdateFailed.as_str(), Some(why.clone()), now);
            return Err(why);
        }
        retag(call, &new);
        retagged.push(o.clone());
        stack.event(at, R::UpdateComplete.as_str(), None, now);
        stack.resources.push(new);
        return Ok(());
    }
    stack.event(at, R::UpdateInProgress.as_str(), Some("Requested update requires the creation of a new physical resource; hence creating one.".into()), now);
    made.push(id.to_string());
    create_one(call, stack, bound, id, true)?;
    replaced.push(o.clone());
    Ok(())
}
