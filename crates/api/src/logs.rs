//! CloudWatch Logs (awsJson1.1, target prefix `Logs_20140328`): log groups
//! stored (`xvpc_model::log_group`), and the streams and events flow logs
//! deliver to them (`crate::flow_log_records`), readable with
//! DescribeLogStreams and GetLogEvents. Typed handlers over `shapes::logs`.

use std::collections::BTreeMap;

use xvpc_model::log_group::{self as model, LogGroup};
use xvpc_model::ModelError;
use xvpc_wire::shape::Empty;
use xvpc_wire::shapes::logs::{self as shape, ops};

use crate::call::{Call, TypedJsonHandler};
use crate::errors::Result;

/// Every CloudWatch Logs action: `(_, operation, glue)`.
pub const TYPED: &[(&str, &str, TypedJsonHandler)] = &[
    crate::typed_json!(ops::CreateLogGroup, create_log_group),
    crate::typed_json!(ops::DeleteLogGroup, delete_log_group),
    crate::typed_json!(ops::DeleteRetentionPolicy, delete_retention_policy),
    crate::typed_json!(ops::DescribeLogGroups, describe_log_groups),
    crate::typed_json!(ops::DescribeLogStreams, describe_log_streams),
    crate::typed_json!(ops::GetLogEvents, get_log_events),
    crate::typed_json!(ops::ListTagsForResource, list_tags_for_resource),
    crate::typed_json!(ops::ListTagsLogGroup, list_tags_log_group),
    crate::typed_json!(ops::PutRetentionPolicy, put_retention_policy),
    crate::typed_json!(ops::TagLogGroup, tag_log_group),
    crate::typed_json!(ops::TagResource, tag_resource),
    crate::typed_json!(ops::UntagLogGroup, untag_log_group),
    crate::typed_json!(ops::UntagResource, untag_resource),
];

/// The handler of an `X-Amz-Target: Logs_20140328.<Operation>`.
pub fn handler(target: &str) -> Option<(&'static str, TypedJsonHandler)> {
    let op = target.strip_prefix(TARGET_PREFIX)?.strip_prefix('.')?;
    TYPED.iter().find(|e| e.1 == op).map(|e| (e.1, e.2))
}

/// The service's `X-Amz-Target` prefix (botocore's `targetPrefix`).
pub const TARGET_PREFIX: &str = "Logs_20140328";

fn group_shape(g: &LogGroup) -> shape::LogGroup {
    shape::LogGroup {
        arn: Some(format!("{}:*", g.id)),
        log_group_arn: Some(g.id.clone()),
        creation_time: Some(g.created_ms),
        log_group_name: Some(g.name.clone()),
        retention_in_days: g.retention_in_days,
        kms_key_id: g.kms_key_id.clone(),
        log_group_class: Some(shape::LogGroupClass::from(g.class.as_str())),
        metric_filter_count: Some(0),
        stored_bytes: Some(0),
        deletion_protection_enabled: Some(false),
        ..Default::default()
    }
}

fn create_log_group(call: &mut Call, input: shape::CreateLogGroupRequest) -> Result<Empty> {
    let class = input.log_group_class.map(|c| c.as_str().to_string());
    let ch = model::create(call.state(), &call.ctx, &input.log_group_name, input.kms_key_id, class, input.tags.into_iter().collect())?;
    call.commit(ch)?;
    Ok(Empty)
}

fn delete_log_group(call: &mut Call, input: shape::DeleteLogGroupRequest) -> Result<Empty> {
    let ch = model::delete(call.state(), &call.ctx, &input.log_group_name)?;
    call.commit(ch)?;
    crate::flow_log_records::forget_group(call.app, &model::arn(&call.ctx, &input.log_group_name));
    Ok(Empty)
}

fn put_retention_policy(call: &mut Call, input: shape::PutRetentionPolicyRequest) -> Result<Empty> {
    let ch = model::set_retention(call.state(), &call.ctx, &input.log_group_name, Some(input.retention_in_days))?;
    call.commit(ch)?;
    Ok(Empty)
}

fn delete_retention_policy(call: &mut Call, input: shape::DeleteRetentionPolicyRequest) -> Result<Empty> {
    let ch = model::set_retention(call.state(), &call.ctx, &input.log_group_name, None)?;
    call.commit(ch)?;
    Ok(Empty)
}

/// Pages of 1-50 groups (the reference's `limit`), by name.
fn describe_log_groups(call: &mut Call, input: shape::DescribeLogGroupsRequest) -> Result<shape::DescribeLogGroupsResponse> {
    let prefix = input.log_group_name_prefix.unwrap_or_default();
    let pattern = input.log_group_name_pattern.unwrap_or_default();
    let rows: Vec<&LogGroup> = call
        .state()
        .log_groups
        .scope(&call.ctx)
        .filter(|g| g.name.starts_with(&prefix) && g.name.contains(&pattern))
        .filter(|g| input.log_group_identifiers.is_empty() || input.log_group_identifiers.iter().any(|i| *i == g.name || i.trim_end_matches(":*") == g.id))
        .collect();
    let (page, next) = page(rows, input.limit, input.next_token.as_deref(), 50, |g| g.name.clone())?;
    Ok(shape::DescribeLogGroupsResponse { log_groups: page.into_iter().map(group_shape).collect(), next_token: next })
}

/// One page by the one paginator; Logs answers a bad token or size with
/// `InvalidParameterException`.
fn page<T>(items: Vec<T>, limit: Option<i32>, token: Option<&str>, max: i64, key: impl Fn(&T) -> String) -> Result<(Vec<T>, Option<String>)> {
    let limits = xvpc_wire::page::PageLimits::strict(1, max).by_default(max);
    let p = xvpc_wire::page::page(items, key, limit.map(i64::from), token, &limits)
        .map_err(|e| ModelError::Logs(xvpc_model::error::LogsFault::InvalidParameter, format!("{e:?}")))?;
    Ok((p.items, p.next))
}

/// The caller's group a stream call names (`logGroupName` or `logGroupIdentifier`).
fn named_group<'a>(call: &'a Call, name: Option<&str>, identifier: Option<&str>) -> Result<&'a LogGroup> {
    match (name, identifier) {
        (Some(n), _) => Ok(model::find(call.state(), &call.ctx, n)?),
        (None, Some(i)) if i.starts_with("arn:") => Ok(model::by_arn(call.state(), &call.ctx, i)?),
        (None, Some(i)) => Ok(model::find(call.state(), &call.ctx, i)?),
        (None, None) => Err(ModelError::Logs(xvpc_model::error::LogsFault::InvalidParameter, "Either logGroupName or logGroupIdentifier is required".into()).into()),
    }
}

fn describe_log_streams(call: &mut Call, input: shape::DescribeLogStreamsRequest) -> Result<shape::DescribeLogStreamsResponse> {
    let g = named_group(call, input.log_group_name.as_deref(), input.log_group_identifier.as_deref())?;
    let prefix = input.log_stream_name_prefix.unwrap_or_default();
    let streams: Vec<shape::LogStream> = crate::flow_log_records::streams(call.app, &g.id)
        .into_iter()
        .filter(|s| s.name.starts_with(&prefix))
        .map(|s| shape::LogStream {
            arn: Some(format!("{}:log-stream:{}", g.id, s.name)),
            creation_time: Some(s.first_ms),
            first_event_timestamp: Some(s.first_ms),
            last_event_timestamp: Some(s.last_ms),
            last_ingestion_time: Some(s.last_ms),
            log_stream_name: Some(s.name),
            stored_bytes: Some(0),
            ..Default::default()
        })
        .collect();
    let (page, next) = page(streams, input.limit, input.next_token.as_deref(), 50, |s| s.log_stream_name.clone().unwrap_or_default())?;
    Ok(shape::DescribeLogStreamsResponse { log_streams: page, next_token: next })
}

/// The events of one stream, oldest first (up to 10,000, as AWS's page).
fn get_log_events(call: &mut Call, input: shape::GetLogEventsRequest) -> Result<shape::GetLogEventsResponse> {
    let g = named_group(call, input.log_group_name.as_deref(), input.log_group_identifier.as_deref())?;
    let Some(events) = crate::flow_log_records::events(call.app, &g.id, &input.log_stream_name) else {
        return Err(ModelError::Logs(xvpc_model::error::LogsFault::ResourceNotFound, "The specified log stream does not exist.".into()).into());
    };
    let events = events
        .into_iter()
        .filter(|e| input.start_time.is_none_or(|t| e.0 >= t) && input.end_time.is_none_or(|t| e.0 < t))
        .take(input.limit.map_or(10_000, |l| l.clamp(1, 10_000) as usize))
        .map(|(ts, message)| shape::OutputLogEvent { timestamp: Some(ts), ingestion_time: Some(ts), message: Some(message) })
        .collect();
    let token = format!("f/{}", g.created_ms);
    Ok(shape::GetLogEventsResponse { events, next_forward_token: Some(token.clone()), next_backward_token: Some(token.replacen("f/", "b/", 1)) })
}

/// A group named by ARN (`resourceArn`, with or without `:*`).
fn tags_of_arn(call: &Call, arn: &str) -> Result<BTreeMap<String, String>> {
    Ok(model::by_arn(call.state(), &call.ctx, arn)?.tags.clone())
}

fn list_tags_for_resource(call: &mut Call, input: shape::ListTagsForResourceRequest) -> Result<shape::ListTagsForResourceResponse> {
    Ok(shape::ListTagsForResourceResponse { tags: tags_of_arn(call, &input.resource_arn)?.into_iter().collect() })
}

fn list_tags_log_group(call: &mut Call, input: shape::ListTagsLogGroupRequest) -> Result<shape::ListTagsLogGroupResponse> {
    Ok(shape::ListTagsLogGroupResponse { tags: model::find(call.state(), &call.ctx, &input.log_group_name)?.tags.clone().into_iter().collect() })
}

fn tag_resource(call: &mut Call, input: shape::TagResourceRequest) -> Result<Empty> {
    let g = model::by_arn(call.state(), &call.ctx, &input.resource_arn)?;
    let ch = model::edit_tags(g, |t| t.extend(input.tags.clone()));
    call.commit(ch)?;
    Ok(Empty)
}

fn untag_resource(call: &mut Call, input: shape::UntagResourceRequest) -> Result<Empty> {
    let g = model::by_arn(call.state(), &call.ctx, &input.resource_arn)?;
    let ch = model::edit_tags(g, |t| input.tag_keys.iter().for_each(|k| drop(t.remove(k))));
    call.commit(ch)?;
    Ok(Empty)
}

fn tag_log_group(call: &mut Call, input: shape::TagLogGroupRequest) -> Result<Empty> {
    let g = model::find(call.state(), &call.ctx, &input.log_group_name)?;
    let ch = model::edit_tags(g, |t| t.extend(input.tags.clone()));
    call.commit(ch)?;
    Ok(Empty)
}

fn untag_log_group(call: &mut Call, input: shape::UntagLogGroupRequest) -> Result<Empty> {
    let g = model::find(call.state(), &call.ctx, &input.log_group_name)?;
    let ch = model::edit_tags(g, |t| input.tags.iter().for_each(|k| drop(t.remove(k))));
    call.commit(ch)?;
    Ok(Empty)
}
