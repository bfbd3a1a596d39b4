//! VPC Flow Logs actions. The records are delivered by
//! `crate::flow_log_records`; the rules are `xvpc_model::flow_log`'s.

use xvpc_model::flow_log::{self as fl, CreateFlowLogs, FlowLog};
use xvpc_model::{IdKind, ModelError};
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by, tag_set, tags_from_specs, unsupported};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateFlowLogs, create_flow_logs),
    crate::typed!(ops::DeleteFlowLogs, delete_flow_logs),
    crate::typed!(ops::DescribeFlowLogs, describe_flow_logs),
];

/// The `FlowLog` structure AWS describes: always active, delivering.
pub fn flow_log_shape(f: &FlowLog) -> shape::FlowLog {
    shape::FlowLog {
        creation_time: Some(xvpc_wire::Timestamp(f.created_ms)),
        deliver_logs_permission_arn: f.deliver_logs_permission_arn.clone(),
        deliver_cross_account_role: f.deliver_cross_account_role.clone(),
        deliver_logs_status: Some("SUCCESS".into()),
        flow_log_id: Some(f.id.clone()),
        flow_log_status: Some("ACTIVE".into()),
        log_group_name: f.log_group_name.clone(),
        resource_id: Some(f.resource_id.clone()),
        traffic_type: Some(shape::TrafficType::from(f.traffic_type.as_str())),
        log_destination_type: Some(shape::LogDestinationType::from(f.destination_type.as_str())),
        log_destination: Some(f.destination.clone()),
        log_format: Some(f.log_format.clone()),
        tags: tag_set(&f.tags),
        max_aggregation_interval: Some(f.max_aggregation_interval),
        destination_options: f.destination_options.as_ref().map(|(format, hive, hourly)| shape::DestinationOptionsResponse {
            file_format: Some(shape::DestinationFileFormat::from(format.as_str())),
            hive_compatible_partitions: Some(*hive),
            per_hour_partition: Some(*hourly),
        }),
        ..Default::default()
    }
}

fn unsuccessful(resource_id: &str, e: &ModelError) -> shape::UnsuccessfulItem {
    let api = crate::errors::to_api(e);
    shape::UnsuccessfulItem {
        error: Some(shape::UnsuccessfulItemError { code: Some(api.code), message: Some(api.message) }),
        resource_id: Some(resource_id.to_string()),
    }
}

fn create_flow_logs(call: &mut Call, input: shape::CreateFlowLogsRequest) -> Result<shape::CreateFlowLogsResult> {
    let resource_type = input.resource_type.as_str();
    if !matches!(resource_type, "VPC" | "Subnet" | "NetworkInterface") {
        return Err(unsupported("Flow logs of transit gateways and NAT gateways"));
    }
    let create = CreateFlowLogs {
        resource_type: resource_type.to_string(),
        resource_ids: input.resource_ids,
        traffic_type: input.traffic_type.map(|t| t.as_str().to_string()),
        destination_type: input.log_destination_type.map(|t| t.as_str().to_string()),
        destination: input.log_destination,
        log_group_name: input.log_group_name,
        deliver_logs_permission_arn: input.deliver_logs_permission_arn,
        deliver_cross_account_role: input.deliver_cross_account_role,
        log_format: input.log_format,
        max_aggregation_interval: input.max_aggregation_interval,
        destination_options: input.destination_options.map(|o| {
            let format = o.file_format.map_or("plain-text".to_string(), |f| f.as_str().to_string());
            (format, o.hive_compatible_partitions.unwrap_or(false), o.per_hour_partition.unwrap_or(false))
        }),
        tags: tags_from_specs(&input.tag_specifications, "vpc-flow-log")?,
    };
    let (ch, per_resource) = fl::create(call.state(), &call.ctx, create)?;
    call.commit(ch)?;
    let mut out = shape::CreateFlowLogsResult { client_token: input.client_token, ..Default::default() };
    for (rid, r) in per_resource {
        match r {
            Ok(id) => out.flow_log_ids.push(id),
            Err(e) => out.unsuccessful.push(unsuccessful(&rid, &e)),
        }
    }
    Ok(out)
}

fn delete_flow_logs(call: &mut Call, input: shape::DeleteFlowLogsRequest) -> Result<shape::DeleteFlowLogsResult> {
    if input.flow_log_ids.is_empty() {
        return Err(ModelError::MissingParameter("FlowLogId".into()).into());
    }
    let (ch, missing) = fl::delete(call.state(), &call.ctx, &input.flow_log_ids);
    call.commit(ch)?;
    let unsuccessful = missing.iter().map(|id| unsuccessful(id, &ModelError::NotFound(IdKind::FlowLog, id.clone()))).collect();
    Ok(shape::DeleteFlowLogsResult { unsuccessful })
}

fn describe_flow_logs(call: &mut Call, input: shape::DescribeFlowLogsRequest) -> Result<shape::DescribeFlowLogsResult> {
    let ids = input.flow_log_ids;
    let fs = filter_list(&input.filter);
    let s = call.state();
    // Unknown ids are not an error: AWS answers with the ones it has.
    let rows = s.flow_logs.scope(&call.ctx).filter(|f| ids.is_empty() || ids.contains(&f.id));
    let out = fl::FILTERS.select(&fs, s, &call.ctx, rows)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |f| f.id.clone(), (1, 1000))?;
    Ok(shape::DescribeFlowLogsResult { flow_logs: page.into_iter().map(flow_log_shape).collect(), next_token: next })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape_coverage::missing;

    #[test]
    fn describe_flow_logs_carries_every_member() {
        let w = xvpc_model::populated::world();
        let logs: Vec<_> = w.state.flow_logs.scope(&w.ctx).map(flow_log_shape).collect();
        assert!(logs.len() >= 2, "the world has a CloudWatch Logs and a file flow log");
        let out = shape::DescribeFlowLogsResult { flow_logs: logs, next_token: Some("token".into()) };
        let xml = xvpc_wire::xml_output::body(&out);
        // No delivery error is ever reported.
        assert_eq!(missing("ec2", "DescribeFlowLogsResult", &xml), vec!["FlowLog.DeliverLogsErrorMessage".to_string()]);
    }
}
