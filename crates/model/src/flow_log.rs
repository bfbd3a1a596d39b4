//! VPC Flow Logs: which traffic of a VPC, subnet or network interface is
//! recorded, where, and in which record format.
//!
//! AWS's rules (EC2 API reference of CreateFlowLogs/DeleteFlowLogs, VPC
//! User Guide "Flow log records"):
//! - one flow log per resource named in `ResourceIds`; a resource that
//!   fails (unknown, or already logged to the same destination with the
//!   same traffic type) is an `Unsuccessful` item, the others are created;
//! - `TrafficType` is required for VPCs, subnets and interfaces;
//!   `cloud-watch-logs` (the default) needs a log group (`LogGroupName` or
//!   `LogDestination`, not both) and `DeliverLogsPermissionArn`; `s3` and
//!   `kinesis-data-firehose` need `LogDestination` and take no log group;
//! - `MaxAggregationInterval` is 60 or 600 (default 600);
//! - `LogFormat` is `${field}` names separated by spaces (default: the
//!   version 2 fields).
//!
//! xvpc extension: an `s3` destination of `file:///path` writes the records
//! to that file or directory on the emulator's host (AWS refuses anything
//! but an S3 ARN). The records themselves are derived from traffic by the
//! engine (`xvpc_reach::flow_log`) or the data plane; [`Record`] renders one.

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// The version 2 fields, AWS's default format.
pub const DEFAULT_FORMAT: &str =
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

/// Every field of the VPC User Guide's "Available fields" (versions 2-10).
pub const FIELDS: &[&str] = &[
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
    "action", "log-status", "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type", "pkt-srcaddr", "pkt-dstaddr", "region", "az-id",
    "sublocation-type", "sublocation-id", "pkt-src-aws-service", "pkt-dst-aws-service", "flow-direction", "traffic-path",
    "ecs-cluster-arn", "ecs-cluster-name", "ecs-container-instance-arn", "ecs-container-instance-id", "ecs-container-id",
    "ecs-second-container-id", "ecs-service-name", "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id", "reject-reason",
    "resource-id", "encryption-status",
];

/// The scheme of xvpc's host-file destinations.
pub const FILE_SCHEME: &str = "file://";

/// A flow log on one VPC, subnet or network interface.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlowLog {
    pub id: String,
    pub owner: String,
    pub region: String,
    /// The VPC, subnet or interface it records.
    pub resource_id: String,
    /// `ACCEPT`, `REJECT` or `ALL`.
    pub traffic_type: String,
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    pub destination_type: String,
    /// The destination ARN (or `file:///...`), as given or derived from the
    /// log group name.
    pub destination: String,
    /// The CloudWatch Logs group, for `cloud-watch-logs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_logs_permission_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_cross_account_role: Option<String>,
    pub log_format: String,
    pub max_aggregation_interval: i32,
    /// S3 options as given: (file format, Hive partitions, per-hour partition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_options: Option<(String, bool, bool)>,
    pub created_ms: i64,
    pub tags: Tags,
}
crate::impl_owned!(FlowLog);

impl FlowLog {
    /// The `${field}` names of its format, in order.
    pub fn fields(&self) -> Vec<&str> {
        parse_format(&self.log_format).unwrap_or_default()
    }

    /// Whether it records traffic with this action (`ACCEPT`/`REJECT`).
    pub fn records(&self, action: &str) -> bool {
        self.traffic_type == "ALL" || self.traffic_type == action
    }

    /// The host path of an xvpc file destination.
    pub fn file_path(&self) -> Option<&str> {
        self.destination.strip_prefix(FILE_SCHEME)
    }
}

/// DescribeFlowLogs' filters, as the reference lists them.
pub const FILTERS: FilterTable<FlowLog> = FilterTable {
    tags: Some(|f, _| Some(&f.tags)),
    fields: &[
        ("deliver-log-status", Field::Values(|_, _| one("SUCCESS"))),
        ("log-destination-type", Field::Values(|f, _| one(&f.destination_type))),
        ("flow-log-id", Field::Values(|f, _| one(&f.id))),
        ("log-group-name", Field::Values(|f, _| f.log_group_name.iter().cloned().collect())),
        ("resource-id", Field::Values(|f, _| one(&f.resource_id))),
        ("traffic-type", Field::Values(|f, _| one(&f.traffic_type))),
    ],
};

/// Reads a `LogFormat`: `${field}` tokens separated by spaces, each a
/// documented field.
pub fn parse_format(format: &str) -> Result<Vec<&str>> {
    let mut out = Vec::new();
    for tok in format.split_whitespace() {
        let name = tok.strip_prefix("${").and_then(|t| t.strip_suffix('}'));
        match name {
            Some(n) if FIELDS.contains(&n) => out.push(n),
            _ => return Err(ModelError::InvalidParameter(format!("Unknown fields provided: {tok}"))),
        }
    }
    if out.is_empty() {
        return Err(ModelError::InvalidParameter("LogFormat must include at least one field".into()));
    }
    Ok(out)
}

/// The input of CreateFlowLogs (one flow log per resource id).
#[derive(Debug, Clone, Default)]
pub struct CreateFlowLogs {
    /// `VPC`, `Subnet`, `NetworkInterface`.
    pub resource_type: String,
    pub resource_ids: Vec<String>,
    pub traffic_type: Option<String>,
    pub destination_type: Option<String>,
    pub destination: Option<String>,
    pub log_group_name: Option<String>,
    pub deliver_logs_permission_arn: Option<String>,
    pub deliver_cross_account_role: Option<String>,
    pub log_format: Option<String>,
    pub max_aggregation_interval: Option<i32>,
    pub destination_options: Option<(String, bool, bool)>,
    pub tags: Tags,
}

/// What CreateFlowLogs did per resource: the new flow log's id, or why not.
pub type PerResource = Vec<(String, std::result::Result<String, ModelError>)>;

/// CreateFlowLogs: parameter errors refuse the whole call; each resource
/// then succeeds or fails on its own.
pub fn create(state: &State, ctx: &Ctx, input: CreateFlowLogs) -> Result<(Changes, PerResource)> {
    let kind = match input.resource_type.as_str() {
        "VPC" => IdKind::Vpc,
        "Subnet" => IdKind::Subnet,
        "NetworkInterface" => IdKind::NetworkInterface,
        other => return Err(ModelError::InvalidParameterValue(format!("Flow logs for resource type {other} are not emulated"))),
    };
    if input.resource_ids.is_empty() {
        return Err(ModelError::MissingParameter("ResourceIds".into()));
    }
    if input.resource_ids.len() > 1000 {
        return Err(ModelError::InvalidParameter("ResourceIds may name at most 1000 resources".into()));
    }
    let traffic_type = input.traffic_type.clone().ok_or_else(|| ModelError::MissingParameter("TrafficType".into()))?;
    let interval = input.max_aggregation_interval.unwrap_or(600);
    if interval != 60 && interval != 600 {
        return Err(ModelError::InvalidParameter(format!("Invalid MaxAggregationInterval {interval}: valid values are 60 and 600")));
    }
    let log_format = input.log_format.clone().unwrap_or_else(|| DEFAULT_FORMAT.to_string());
    parse_format(&log_format)?;
    let destination_type = input.destination_type.clone().unwrap_or_else(|| "cloud-watch-logs".into());
    let (destination, log_group_name) = destination(ctx, &destination_type, &input)?;
    if input.destination_options.is_some() && destination_type != "s3" {
        return Err(ModelError::InvalidParameter(format!("DestinationOptions is not applicable for {destination_type}")));
    }
    let mut ch = Changes::new();
    let mut out = Vec::new();
    let mut made: Vec<FlowLog> = Vec::new();
    for rid in &input.resource_ids {
        let found = match kind {
            IdKind::Vpc => owned(&state.vpcs, ctx, kind, rid).map(|_| ()),
            IdKind::Subnet => owned(&state.subnets, ctx, kind, rid).map(|_| ()),
            _ => owned(&state.network_interfaces, ctx, kind, rid).map(|_| ()),
        };
        let same = |f: &FlowLog| f.resource_id == *rid && f.destination == destination && f.traffic_type == traffic_type;
        let result = found.and_then(|()| {
            if state.flow_logs.scope(ctx).any(same) || made.iter().any(same) {
                return Err(ModelError::FlowLogAlreadyExists);
            }
            let f = FlowLog {
                id: new_id("fl"),
                owner: ctx.account.clone(),
                region: ctx.region.clone(),
                resource_id: rid.clone(),
                traffic_type: traffic_type.clone(),
                destination_type: destination_type.clone(),
                destination: destination.clone(),
                log_group_name: log_group_name.clone(),
                deliver_logs_permission_arn: input.deliver_logs_permission_arn.clone(),
                deliver_cross_account_role: input.deliver_cross_account_role.clone(),
                log_format: log_format.clone(),
                max_aggregation_interval: interval,
                destination_options: input.destination_options.clone(),
                created_ms: ctx.now,
                tags: input.tags.clone(),
            };
            let id = f.id.clone();
            made.push(f);
            Ok(id)
        });
        out.push((rid.clone(), result));
    }
    for f in made {
        ch.put(f);
    }
    Ok((ch, out))
}

/// The destination (ARN or file URL) and log group a call names, checked
/// against its destination type.
fn destination(ctx: &Ctx, destination_type: &str, input: &CreateFlowLogs) -> Result<(String, Option<String>)> {
    let given = input.destination.clone().filter(|d| !d.is_empty());
    if destination_type == "cloud-watch-logs" {
        if input.deliver_logs_permission_arn.is_none() {
            return Err(ModelError::InvalidParameter("DeliverLogsPermissionArn is required for the cloud-watch-logs destination type".into()));
        }
        return match (given, input.log_group_name.clone()) {
            (Some(_), Some(_)) => Err(ModelError::InvalidParameter("Please only provide LogGroupName or only provide LogDestination.".into())),
            (None, None) => Err(ModelError::InvalidParameter("LogDestination or LogGroupName is required for the cloud-watch-logs destination type".into())),
            (None, Some(name)) => Ok((format!("arn:aws:logs:{}:{}:log-group:{name}", ctx.region, ctx.account), Some(name))),
            (Some(arn), None) => {
                let name = arn
                    .strip_prefix("arn:aws:logs:")
                    .and_then(|rest| rest.split_once(":log-group:"))
                    .map(|(_, n)| n.trim_end_matches(":*").to_string())
                    .filter(|n| !n.is_empty())
                    .ok_or_else(|| ModelError::InvalidParameter(format!("LogDestination {arn} is not a CloudWatch Logs log group ARN")))?;
                Ok((arn, Some(name)))
            }
        };
    }
    if input.log_group_name.is_some() {
        return Err(ModelError::InvalidParameter(format!("LogGroupName is not applicable for {destination_type}")));
    }
    let dest = given.ok_or_else(|| ModelError::InvalidParameter(format!("LogDestination is required for the {destination_type} destination type")))?;
    let ok = match destination_type {
        "s3" => dest.starts_with("arn:aws:s3:::") || dest.strip_prefix(FILE_SCHEME).is_some_and(|p| p.starts_with('/')),
        _ => dest.starts_with("arn:aws:firehose:"),
    };
    if !ok {
        return Err(ModelError::InvalidParameter(format!("LogDestination {dest} is not valid for the {destination_type} destination type")));
    }
    if destination_type == "s3" && input.deliver_logs_permission_arn.is_some() {
        return Err(ModelError::InvalidParameter("DeliverLogsPermissionArn is not applicable for s3".into()));
    }
    Ok((dest, None))
}

/// DeleteFlowLogs: the caller's flow logs among `ids` go; the others are
/// returned as not found.
pub fn delete(state: &State, ctx: &Ctx, ids: &[String]) -> (Changes, Vec<String>) {
    let mut ch = Changes::new();
    let mut missing = Vec::new();
    for id in ids {
        match owned(&state.flow_logs, ctx, IdKind::FlowLog, id) {
            Ok(f) => {
                ch.delete(ResourceKind::FlowLog, &f.id);
            }
            Err(_) => missing.push(id.clone()),
        }
    }
    (ch, missing)
}

/// The flow logs that record traffic at an interface: its own, its
/// subnet's and its VPC's (every account's: a flow log belongs to the
/// interface's owner).
pub fn covering<'a>(state: &'a State, eni: &'a crate::network_interface::NetworkInterface) -> impl Iterator<Item = &'a FlowLog> + 'a {
    state
        .flow_logs
        .values()
        .filter(move |f| f.region == eni.region && (f.resource_id == eni.id || f.resource_id == eni.subnet_id || f.resource_id == eni.vpc_id))
}

/// One flow log record: a flow seen at one interface in one direction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub account_id: String,
    pub interface_id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub instance_id: Option<String>,
    pub srcaddr: std::net::IpAddr,
    pub dstaddr: std::net::IpAddr,
    pub srcport: u16,
    pub dstport: u16,
    pub protocol: u8,
    pub packets: u64,
    pub bytes: u64,
    /// Seconds since the epoch.
    pub start: i64,
    pub end: i64,
    /// `ACCEPT` or `REJECT`.
    pub action: String,
    /// `ingress` or `egress`, as the interface sees it.
    pub flow_direction: String,
    pub region: String,
    pub az_id: Option<String>,
}

impl Record {
    /// The value of one `${field}`; `-` where AWS writes nothing.
    pub fn field(&self, name: &str) -> String {
        let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        match name {
            "version" => "2".into(),
            "account-id" => self.account_id.clone(),
            "interface-id" => self.interface_id.clone(),
            "srcaddr" | "pkt-srcaddr" => self.srcaddr.to_string(),
            "dstaddr" | "pkt-dstaddr" => self.dstaddr.to_string(),
            "srcport" => self.srcport.to_string(),
            "dstport" => self.dstport.to_string(),
            "protocol" => self.protocol.to_string(),
            "packets" => self.packets.to_string(),
            "bytes" => self.bytes.to_string(),
            "start" => self.start.to_string(),
            "end" => self.end.to_string(),
            "action" => self.action.clone(),
            "log-status" => "OK".into(),
            "vpc-id" => self.vpc_id.clone(),
            "subnet-id" => self.subnet_id.clone(),
            "instance-id" => opt(&self.instance_id),
            "type" => if self.srcaddr.is_ipv6() { "IPv6" } else { "IPv4" }.into(),
            "region" => self.region.clone(),
            "az-id" => opt(&self.az_id),
            "flow-direction" => self.flow_direction.clone(),
            "resource-id" => self.interface_id.clone(),
            _ => "-".into(),
        }
    }

    /// The record as a line in `fields`' order, space-separated as AWS
    /// writes it.
    pub fn line(&self, fields: &[&str]) -> String {
        fields.iter().map(|f| self.field(f)).collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
#[path = "flow_log_tests.rs"]
mod tests;
