//! AWS RAM (restJson1): one handler per operation, routed by HTTP path
//! (`POST /createresourceshare`, `DELETE /deleteresourceshare`, ...), with
//! member names from botocore's RAM model.

use serde_json::{json, Map, Value};
use xvpc_model::error::RamFault;
use xvpc_model::ram::{self as model, Association, Invitation, ResourceOwner, ResourceShare};
use xvpc_model::tags::Tags;
use xvpc_model::{ModelError, State};
use xvpc_wire::page::{PageError, PageLimits};
use xvpc_wire::shapes::ram::{self as shape, ops};
use xvpc_wire::ApiError;

use crate::call::{Call, JsonHandler, TypedJsonHandler};
use crate::errors::{Error, Result};

/// `(path, operation, handler)` for every RAM operation xvpc implements.
pub const ACTIONS: &[(&str, &str, JsonHandler)] = &[
    ("/createresourceshare", "CreateResourceShare", create_resource_share),
    ("/updateresourceshare", "UpdateResourceShare", update_resource_share),
    ("/associateresourceshare", "AssociateResourceShare", associate_resource_share),
    ("/disassociateresourceshare", "DisassociateResourceShare", disassociate_resource_share),
    ("/getresourceshares", "GetResourceShares", get_resource_shares),
    ("/getresourceshareassociations", "GetResourceShareAssociations", get_resource_share_associations),
    ("/getresourceshareinvitations", "GetResourceShareInvitations", get_resource_share_invitations),
    ("/acceptresourceshareinvitation", "AcceptResourceShareInvitation", accept_invitation),
    ("/rejectresourceshareinvitation", "RejectResourceShareInvitation", reject_invitation),
    ("/listresources", "ListResources", list_resources),
    ("/listprincipals", "ListPrincipals", list_principals),
    ("/listpendinginvitationresources", "ListPendingInvitationResources", list_pending_invitation_resources),
    ("/listresourcesharepermissions", "ListResourceSharePermissions", list_resource_share_permissions),
    ("/listpermissions", "ListPermissions", list_permissions),
    ("/getpermission", "GetPermission", get_permission),
    ("/listresourcetypes", "ListResourceTypes", list_resource_types),
    ("/tagresource", "TagResource", tag_resource),
    ("/untagresource", "UntagResource", untag_resource),
];

/// Typed operations: `(path, operation, glue)` made by `typed_json!`.
pub const TYPED: &[(&str, &str, TypedJsonHandler)] = &[crate::typed_json!(ops::DeleteResourceShare, delete_resource_share)];

/// A RAM operation's handler: typed, or reading the raw JSON body.
#[derive(Clone, Copy)]
pub enum Handler {
    Typed(TypedJsonHandler),
    Untyped(JsonHandler),
}

/// The operation name and handler for a request path.
pub fn handler(path: &str) -> Option<(&'static str, Handler)> {
    let path = path.trim_end_matches('/').to_ascii_lowercase();
    let typed = TYPED.iter().find(|(p, _, _)| *p == path).map(|(_, op, h)| (*op, Handler::Typed(*h)));
    typed.or_else(|| ACTIONS.iter().find(|(p, _, _)| *p == path).map(|(_, op, h)| (*op, Handler::Untyped(*h))))
}

/// A protocol error (RAM's JSON decoding), not one of RAM's rules.
fn ram_err(code: &str, msg: impl Into<String>) -> Error {
    Error::Api(ApiError::client(code, msg))
}

/// One of RAM's rules, refused by the handler before the model is asked.
fn fault(f: RamFault, msg: impl Into<String>) -> Error {
    ModelError::Ram(f, msg.into()).into()
}

fn str_opt(v: &Value, name: &str) -> Result<Option<String>> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(fault(RamFault::InvalidParameter, format!("{name} must be a string"))),
    }
}

fn str_req(v: &Value, name: &str) -> Result<String> {
    str_opt(v, name)?.filter(|s| !s.is_empty()).ok_or_else(|| ram_err("MissingRequiredParameterException", format!("The request must contain the parameter {name}.")))
}

fn list(v: &Value, name: &str) -> Result<Vec<String>> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| x.as_str().map(str::to_string).ok_or_else(|| fault(RamFault::InvalidParameter, format!("{name} must be a list of strings"))))
            .collect(),
        Some(_) => Err(fault(RamFault::InvalidParameter, format!("{name} must be a list"))),
    }
}

fn bool_opt(v: &Value, name: &str) -> Result<Option<bool>> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(fault(RamFault::InvalidParameter, format!("{name} must be a boolean"))),
    }
}

/// `[{key, value}]` tags.
fn tags_in(v: &Value, name: &str) -> Result<Tags> {
    let mut t = Tags::new();
    if let Some(Value::Array(a)) = v.get(name) {
        for x in a {
            let k = x.get("key").and_then(Value::as_str).ok_or_else(|| fault(RamFault::InvalidParameter, "Each tag needs a key"))?;
            let val = x.get("value").and_then(Value::as_str).unwrap_or("");
            t.insert(k.to_string(), val.to_string());
        }
    }
    Ok(t)
}

/// RAM timestamps: epoch seconds (restJson1's default).
fn ts(ms: i64) -> Value {
    json!(ms as f64 / 1000.0)
}

fn tags_json(t: &Tags) -> Value {
    Value::Array(t.iter().map(|(k, v)| json!({"key": k, "value": v})).collect())
}

fn share_json(s: &ResourceShare) -> Value {
    json!({
        "resourceShareArn": s.arn(),
        "name": s.name,
        "owningAccountId": s.owner,
        "allowExternalPrincipals": s.allow_external_principals,
        "status": s.status.as_str(),
        "tags": tags_json(&s.tags),
        "creationTime": ts(s.created_at),
        "lastUpdatedTime": ts(s.updated_at),
        "featureSet": "STANDARD",
    })
}

fn association_json(s: &ResourceShare, a: &Association, kind: &str, status: Option<&str>) -> Value {
    let mut v = json!({
        "resourceShareArn": s.arn(),
        "resourceShareName": s.name,
        "associatedEntity": a.entity,
        "associationType": kind,
        "status": status.unwrap_or(a.status.as_str()),
        "creationTime": ts(a.created_at),
        "lastUpdatedTime": ts(a.updated_at),
        "external": a.external,
    });
    if let Some(m) = &a.message {
        v["statusMessage"] = json!(m);
    }
    v
}

fn invitation_json(state: &State, i: &Invitation) -> Value {
    let name = state.resource_shares.get(&i.share_arn).map(|s| s.name.clone()).unwrap_or_default();
    json!({
        "resourceShareInvitationArn": i.id,
        "resourceShareName": name,
        "resourceShareArn": i.share_arn,
        "senderAccountId": i.owner,
        "receiverAccountId": i.receiver,
        "invitationTimestamp": ts(i.created_at),
        "status": i.status.as_str(),
    })
}

/// RAM's `maxResults` / `nextToken` over the one paginator
/// ([`xvpc_wire::page`]): `order` names the members whose values, joined,
/// order the items and identify one in a token.
fn page(items: Vec<Value>, v: &Value, key: &str, order: &[&str]) -> Result<Value> {
    let sort_key = |x: &Value| order.iter().map(|m| x.get(*m).and_then(Value::as_str).unwrap_or("")).collect::<Vec<_>>().join("\u{0}");
    let max = v.get("maxResults").and_then(Value::as_i64);
    let token = str_opt(v, "nextToken")?;
    let (items, next) = page_by(items, max, token.as_deref(), sort_key)?;
    let mut out = Map::new();
    out.insert(key.to_string(), Value::Array(items));
    if let Some(t) = next {
        out.insert("nextToken".into(), json!(t));
    }
    Ok(Value::Object(out))
}

/// RAM's `maxResults`/`nextToken` over the one paginator, for typed
/// handlers (`input.max_results.map(i64::from)`, `input.next_token.as_deref()`).
fn page_by<T>(items: Vec<T>, max: Option<i64>, token: Option<&str>, key: impl Fn(&T) -> String) -> Result<(Vec<T>, Option<String>)> {
    let page = xvpc_wire::page::page(items, key, max, token, &PageLimits::strict(1, 500).by_default(500)).map_err(|e| match e {
        PageError::Size { value, min, max } => fault(RamFault::InvalidParameter, format!("maxResults must be between {min} and {max}, not {value}")),
        PageError::Token => ram_err("InvalidNextTokenException", "The specified value for nextToken is not valid."),
    })?;
    Ok((page.items, page.next))
}

fn with_token(mut v: Value, req: &Value) -> Value {
    if let Some(t) = req.get("clientToken").filter(|t| t.is_string()) {
        v["clientToken"] = t.clone();
    }
    v
}

fn create_resource_share(call: &mut Call, v: &Value) -> Result<Value> {
    if !list(v, "permissionArns")?.iter().all(|p| p == model::TGW_PERMISSION_ARN) {
        return Err(fault(RamFault::UnknownResource, "xvpc knows only the managed permission AWSRAMDefaultPermissionTransitGateway."));
    }
    let input = model::CreateShare {
        name: str_req(v, "name")?,
        resource_arns: list(v, "resourceArns")?,
        principals: list(v, "principals")?,
        allow_external_principals: bool_opt(v, "allowExternalPrincipals")?.unwrap_or(true),
        tags: tags_in(v, "tags")?,
    };
    let (ch, arn) = model::create_share(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    Ok(with_token(json!({ "resourceShare": share_json(&call.state().resource_shares[&arn]) }), v))
}

fn update_resource_share(call: &mut Call, v: &Value) -> Result<Value> {
    let arn = str_req(v, "resourceShareArn")?;
    let ch = model::update_share(call.state(), &call.ctx, &arn, str_opt(v, "name")?, bool_opt(v, "allowExternalPrincipals")?)?;
    call.commit(ch)?;
    Ok(with_token(json!({ "resourceShare": share_json(&call.state().resource_shares[&arn]) }), v))
}

fn delete_resource_share(call: &mut Call, input: shape::DeleteResourceShareRequest) -> Result<shape::DeleteResourceShareResponse> {
    let ch = model::delete_share(call.state(), &call.ctx, &input.resource_share_arn)?;
    call.commit(ch)?;
    Ok(shape::DeleteResourceShareResponse { return_value: Some(true), client_token: input.client_token })
}

fn associations_out(call: &Call, arn: &str, touched: &[Association], status: &str) -> Value {
    let s = &call.state().resource_shares[arn];
    let out: Vec<Value> = touched
        .iter()
        .map(|a| {
            let kind = if s.resources.iter().any(|r| r.entity == a.entity) { "RESOURCE" } else { "PRINCIPAL" };
            // Associations already in place keep their status.
            let st = if a.status == model::AssociationStatus::Associated && status == "ASSOCIATING" { None } else { Some(status) };
            association_json(s, a, kind, st)
        })
        .collect();
    json!({ "resourceShareAssociations": out })
}

fn associate_resource_share(call: &mut Call, v: &Value) -> Result<Value> {
    let arn = str_req(v, "resourceShareArn")?;
    let (ch, touched) = model::associate(call.state(), &call.ctx, &arn, &list(v, "resourceArns")?, &list(v, "principals")?)?;
    call.commit(ch)?;
    Ok(with_token(associations_out(call, &arn, &touched, "ASSOCIATING"), v))
}

fn disassociate_resource_share(call: &mut Call, v: &Value) -> Result<Value> {
    let arn = str_req(v, "resourceShareArn")?;
    let (ch, touched) = model::disassociate(call.state(), &call.ctx, &arn, &list(v, "resourceArns")?, &list(v, "principals")?)?;
    call.commit(ch)?;
    Ok(with_token(associations_out(call, &arn, &touched, "DISASSOCIATING"), v))
}

fn check_arns(arns: &[String]) -> Result<()> {
    for a in arns {
        if !a.starts_with("arn:aws") || a.split(':').count() < 6 {
            return Err(fault(RamFault::MalformedArn, format!("The specified resource share ARN {a} is not valid. Verify the ARN and try again.")));
        }
    }
    Ok(())
}

fn owner(v: &Value) -> Result<ResourceOwner> {
    Ok(ResourceOwner::parse(&str_req(v, "resourceOwner")?)?)
}

fn get_resource_shares(call: &mut Call, v: &Value) -> Result<Value> {
    let who = owner(v)?;
    let arns = list(v, "resourceShareArns")?;
    check_arns(&arns)?;
    let status = str_opt(v, "resourceShareStatus")?;
    let name = str_opt(v, "name")?;
    let permission = str_opt(v, "permissionArn")?;
    let tag_filters: Vec<(String, Vec<String>)> = match v.get("tagFilters") {
        Some(Value::Array(a)) => a
            .iter()
            .map(|f| {
                let key = f.get("tagKey").and_then(Value::as_str).unwrap_or("").to_string();
                let vals = f.get("tagValues").and_then(Value::as_array).map(|x| x.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default();
                (key, vals)
            })
            .collect(),
        _ => Vec::new(),
    };
    let shares: Vec<Value> = model::visible_shares(call.state(), &call.ctx, who)
        .into_iter()
        .filter(|s| arns.is_empty() || arns.iter().any(|a| a == s.arn()))
        .filter(|s| status.as_deref().is_none_or(|st| st == s.status.as_str()))
        .filter(|s| name.as_deref().is_none_or(|n| n == s.name))
        .filter(|s| permission.as_deref().is_none_or(|p| p == model::TGW_PERMISSION_ARN && s.resource_types().contains(&model::TGW_RESOURCE_TYPE)))
        .filter(|s| {
            tag_filters.iter().all(|(k, vals)| s.tags.get(k).is_some_and(|tv| vals.is_empty() || vals.contains(tv)))
        })
        .map(share_json)
        .collect();
    page(shares, v, "resourceShares", &["resourceShareArn"])
}

fn get_resource_share_associations(call: &mut Call, v: &Value) -> Result<Value> {
    let kind = str_req(v, "associationType")?;
    let resource_arn = str_opt(v, "resourceArn")?;
    let principal = str_opt(v, "principal")?;
    match kind.as_str() {
        "RESOURCE" if principal.is_some() => return Err(fault(RamFault::InvalidParameter, "principal cannot be used with associationType RESOURCE.")),
        "PRINCIPAL" if resource_arn.is_some() => return Err(fault(RamFault::InvalidParameter, "resourceArn cannot be used with associationType PRINCIPAL.")),
        "RESOURCE" | "PRINCIPAL" => {}
        other => return Err(fault(RamFault::InvalidParameter, format!("associationType must be RESOURCE or PRINCIPAL, not '{other}'."))),
    }
    let arns = list(v, "resourceShareArns")?;
    check_arns(&arns)?;
    let status = str_opt(v, "associationStatus")?;
    let entity = if kind == "RESOURCE" { resource_arn } else { principal };
    let mut out = Vec::new();
    for s in model::visible_shares(call.state(), &call.ctx, ResourceOwner::OwnedBySelf) {
        if !arns.is_empty() && !arns.iter().any(|a| a == s.arn()) {
            continue;
        }
        let list = if kind == "RESOURCE" { &s.resources } else { &s.principals };
        for a in list {
            if entity.as_deref().is_none_or(|e| e == a.entity) && status.as_deref().is_none_or(|st| st == a.status.as_str()) {
                out.push(association_json(s, a, &kind, None));
            }
        }
    }
    page(out, v, "resourceShareAssociations", &["resourceShareArn", "associatedEntity"])
}

fn get_resource_share_invitations(call: &mut Call, v: &Value) -> Result<Value> {
    let inv_arns = list(v, "resourceShareInvitationArns")?;
    let share_arns = list(v, "resourceShareArns")?;
    check_arns(&share_arns)?;
    let state = call.state();
    let mine = model::received_invitations(state, &call.ctx);
    for a in &inv_arns {
        if !mine.iter().any(|i| &i.id == a) {
            return Err(fault(RamFault::InvitationArnNotFound, format!("ResourceShareInvitationArn {a} could not be found.")));
        }
    }
    let out: Vec<Value> = mine
        .into_iter()
        .filter(|i| inv_arns.is_empty() || inv_arns.contains(&i.id))
        .filter(|i| share_arns.is_empty() || share_arns.contains(&i.share_arn))
        .map(|i| invitation_json(state, i))
        .collect();
    page(out, v, "resourceShareInvitations", &["resourceShareInvitationArn"])
}

fn answer(call: &mut Call, v: &Value, accept: bool) -> Result<Value> {
    let arn = str_req(v, "resourceShareInvitationArn")?;
    let (ch, inv) = model::answer_invitation(call.state(), &call.ctx, &arn, accept)?;
    call.commit(ch)?;
    Ok(with_token(json!({ "resourceShareInvitation": invitation_json(call.state(), &inv) }), v))
}

fn accept_invitation(call: &mut Call, v: &Value) -> Result<Value> {
    answer(call, v, true)
}

fn reject_invitation(call: &mut Call, v: &Value) -> Result<Value> {
    answer(call, v, false)
}

fn resource_json(share: &ResourceShare, a: &Association) -> Value {
    json!({
        "arn": a.entity,
        "type": model::resource_type(&a.entity).unwrap_or("unknown"),
        "resourceShareArn": share.arn(),
        "status": "AVAILABLE",
        "creationTime": ts(a.created_at),
        "lastUpdatedTime": ts(a.updated_at),
        "resourceRegionScope": "REGIONAL",
    })
}

fn list_resources(call: &mut Call, v: &Value) -> Result<Value> {
    let who = owner(v)?;
    let principal = str_opt(v, "principal")?;
    let rtype = str_opt(v, "resourceType")?;
    let arns = list(v, "resourceArns")?;
    let share_arns = list(v, "resourceShareArns")?;
    check_arns(&share_arns)?;
    if let Some(t) = &rtype {
        if !t.eq_ignore_ascii_case(model::TGW_RESOURCE_TYPE) {
            return Err(fault(RamFault::InvalidResourceType, format!("The specified resource type {t} is not valid.")));
        }
    }
    let mut out = Vec::new();
    for s in model::visible_shares(call.state(), &call.ctx, who) {
        if s.status != model::ShareStatus::Active || (!share_arns.is_empty() && !share_arns.iter().any(|a| a == s.arn())) {
            continue;
        }
        if principal.as_deref().is_some_and(|p| !s.principals.iter().any(|x| x.entity == p && x.status.is_live())) {
            continue;
        }
        for a in s.resources.iter().filter(|a| a.status == model::AssociationStatus::Associated) {
            if arns.is_empty() || arns.contains(&a.entity) {
                out.push(resource_json(s, a));
            }
        }
    }
    page(out, v, "resources", &["resourceShareArn", "arn"])
}

fn list_principals(call: &mut Call, v: &Value) -> Result<Value> {
    let who = owner(v)?;
    let resource_arn = str_opt(v, "resourceArn")?;
    let principals = list(v, "principals")?;
    let share_arns = list(v, "resourceShareArns")?;
    check_arns(&share_arns)?;
    let mut out = Vec::new();
    for s in model::visible_shares(call.state(), &call.ctx, who) {
        if s.status != model::ShareStatus::Active || (!share_arns.is_empty() && !share_arns.iter().any(|a| a == s.arn())) {
            continue;
        }
        if resource_arn.as_deref().is_some_and(|r| !s.resources.iter().any(|x| x.entity == r && x.status.is_live())) {
            continue;
        }
        for p in s.principals.iter().filter(|p| p.status.is_live()) {
            // The other side sees only itself among the principals.
            if who == ResourceOwner::OtherAccounts && p.entity != call.ctx.account {
                continue;
            }
            if principals.is_empty() || principals.contains(&p.entity) {
                out.push(json!({
                    "id": p.entity, "resourceShareArn": s.arn(), "creationTime": ts(p.created_at),
                    "lastUpdatedTime": ts(p.updated_at), "external": p.external,
                }));
            }
        }
    }
    page(out, v, "principals", &["resourceShareArn", "id"])
}

fn list_pending_invitation_resources(call: &mut Call, v: &Value) -> Result<Value> {
    let arn = str_req(v, "resourceShareInvitationArn")?;
    let state = call.state();
    let inv = model::received_invitations(state, &call.ctx)
        .into_iter()
        .find(|i| i.id == arn)
        .ok_or_else(|| fault(RamFault::InvitationArnNotFound, format!("ResourceShareInvitationArn {arn} could not be found.")))?;
    if inv.status == model::InvitationStatus::Rejected {
        return Err(fault(RamFault::InvitationAlreadyRejected, format!("The invitation {arn} has already been rejected.")));
    }
    let mut out = Vec::new();
    if let Some(s) = state.resource_shares.get(&inv.share_arn).filter(|s| s.status == model::ShareStatus::Active) {
        out.extend(s.resources.iter().filter(|a| a.status == model::AssociationStatus::Associated).map(|a| resource_json(s, a)));
    }
    page(out, v, "resources", &["resourceShareArn", "arn"])
}

fn permission_summary(status: &str) -> Value {
    json!({
        "arn": model::TGW_PERMISSION_ARN,
        "version": "1",
        "defaultVersion": true,
        "name": model::TGW_PERMISSION_NAME,
        "resourceType": model::TGW_RESOURCE_TYPE,
        "status": status,
        "creationTime": 1_543_363_200.0,
        "lastUpdatedTime": 1_543_363_200.0,
        "isResourceTypeDefault": true,
        "permissionType": "AWS_MANAGED",
        "featureSet": "STANDARD",
    })
}

fn list_resource_share_permissions(call: &mut Call, v: &Value) -> Result<Value> {
    let arn = str_req(v, "resourceShareArn")?;
    check_arns(std::slice::from_ref(&arn))?;
    let s = call
        .state()
        .resource_shares
        .get(&arn)
        .filter(|s| s.region == call.ctx.region && ((s.owner == call.ctx.account && s.listed(call.ctx.now)) || s.accepted_by(&call.ctx.account)))
        .ok_or_else(|| fault(RamFault::UnknownResource, format!("ResourceShare {arn} could not be found.")))?;
    // RAM attaches a type's default managed permission when a resource of
    // that type joins the share.
    let perms: Vec<Value> =
        s.resource_types().into_iter().filter(|t| *t == model::TGW_RESOURCE_TYPE).map(|_| permission_summary("ASSOCIATED")).collect();
    page(perms, v, "permissions", &["arn"])
}

fn list_permissions(_call: &mut Call, v: &Value) -> Result<Value> {
    let rtype = str_opt(v, "resourceType")?;
    let kind = str_opt(v, "permissionType")?;
    let matches = rtype.as_deref().is_none_or(|t| t.eq_ignore_ascii_case(model::TGW_RESOURCE_TYPE))
        && kind.as_deref().is_none_or(|k| k == "ALL" || k == "AWS_MANAGED");
    let perms = if matches { vec![permission_summary("ATTACHABLE")] } else { Vec::new() };
    page(perms, v, "permissions", &["arn"])
}

fn get_permission(_call: &mut Call, v: &Value) -> Result<Value> {
    let arn = str_req(v, "permissionArn")?;
    if arn != model::TGW_PERMISSION_ARN {
        if !arn.starts_with("arn:aws") {
            return Err(fault(RamFault::MalformedArn, format!("The specified permission ARN {arn} is not valid.")));
        }
        return Err(fault(RamFault::UnknownResource, format!("Permission {arn} could not be found.")));
    }
    let mut p = permission_summary("ATTACHABLE");
    p["permission"] = json!(
        "{\"Effect\":\"Allow\",\"Action\":[\"ec2:CreateTransitGatewayVpcAttachment\",\"ec2:DescribeTransitGateways\"]}"
    );
    p.as_object_mut().map(|o| o.remove("featureSet"));
    Ok(json!({ "permission": p }))
}

fn list_resource_types(_call: &mut Call, v: &Value) -> Result<Value> {
    let types = vec![json!({"resourceType": model::TGW_RESOURCE_TYPE, "serviceName": "ec2", "resourceRegionScope": "REGIONAL"})];
    page(types, v, "resourceTypes", &["resourceType"])
}

fn tag_target(v: &Value) -> Result<String> {
    match (str_opt(v, "resourceShareArn")?, str_opt(v, "resourceArn")?) {
        (Some(a), _) | (None, Some(a)) => Ok(a),
        (None, None) => Err(ram_err("MissingRequiredParameterException", "The request must contain resourceShareArn or resourceArn.")),
    }
}

fn tag_resource(call: &mut Call, v: &Value) -> Result<Value> {
    let arn = tag_target(v)?;
    let ch = model::edit_tags(call.state(), &call.ctx, &arn, &tags_in(v, "tags")?, &[])?;
    call.commit(ch)?;
    Ok(json!({}))
}

fn untag_resource(call: &mut Call, v: &Value) -> Result<Value> {
    let arn = tag_target(v)?;
    let ch = model::edit_tags(call.state(), &call.ctx, &arn, &Tags::new(), &list(v, "tagKeys")?)?;
    call.commit(ch)?;
    Ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_route_to_operations() {
        assert_eq!(handler("/createresourceshare").map(|h| h.0), Some("CreateResourceShare"));
        assert_eq!(handler("/DeleteResourceShare").map(|h| h.0), Some("DeleteResourceShare"));
        assert!(handler("/nothing").is_none());
    }

    #[test]
    fn pages_by_key_with_ram_errors() {
        let items: Vec<Value> = (0..7).map(|i| json!({"arn": format!("a{i}")})).collect();
        let p1 = page(items.clone(), &json!({"maxResults": 5}), "x", &["arn"]).unwrap();
        assert_eq!(p1["x"].as_array().unwrap().len(), 5);
        let tok = p1["nextToken"].as_str().unwrap().to_string();
        let p2 = page(items.clone(), &json!({"maxResults": 5, "nextToken": tok}), "x", &["arn"]).unwrap();
        assert_eq!(p2["x"], json!([{"arn": "a5"}, {"arn": "a6"}]));
        assert!(p2.get("nextToken").is_none());
        let code = |req: Value| page(items.clone(), &req, "x", &["arn"]).unwrap_err().to_api().code;
        assert_eq!(code(json!({"nextToken": "3"})), "InvalidNextTokenException");
        assert_eq!(code(json!({"maxResults": 0})), "InvalidParameterException");
    }
}
