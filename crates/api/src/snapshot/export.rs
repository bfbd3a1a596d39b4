//! `xvpc export`: the state as the JSON files the AWS CLI's describe calls
//! print, in Batfish's multi-account layout
//! `aws_configs/accounts/<account>/<region>/<Name>.json`. Every file is the
//! output of the API's own describe handler for that account and Region,
//! serialized by the generated shapes under botocore's member names, so a
//! file never says anything the API would not.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use xvpc_model::State;
use xvpc_wire::json_shape::ToJson;
use xvpc_wire::shapes::{ec2, elbv2, ram};

use crate::call::{internal_call, Call};
use crate::ec2 as e;
use crate::elbv2 as lb;
use crate::errors::Result;
use crate::App;

/// One written file: its path under the dump's root and its JSON.
pub type Files = BTreeMap<String, Value>;

/// Every account and Region that owns something the dump holds.
fn places(s: &State) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    macro_rules! add {
        ($($t:ident),*) => { $(out.extend(s.$t.values().map(|x| (x.owner.clone(), x.region.clone())));)* };
    }
    add!(vpcs, transit_gateways, peering_connections, endpoint_services, load_balancers, resource_shares, addresses, managed_prefix_lists, dhcp_options);
    out
}

/// Runs one handler as `account` in `region`.
fn run<I, O: ToJson>(app: &App, account: &str, region: &str, handler: fn(&mut Call, I) -> Result<O>, input: I) -> Result<Value> {
    let mut call = internal_call(app, account, region, "Export");
    Ok(handler(&mut call, input)?.to_json())
}

/// The list under `key` of a describe output (empty when absent).
fn items(v: &Value, key: &str) -> Vec<Value> {
    v.get(key).and_then(Value::as_array).cloned().unwrap_or_default()
}

/// A string member of an item.
fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The whole state as files, in a fixed order (same state, same bytes).
pub fn export(app: &App) -> Result<Files> {
    let state = app.snapshot();
    let mut files = Files::new();
    for (account, region) in places(&state) {
        let dir = format!("aws_configs/accounts/{account}/{region}");
        let mut put = |name: &str, key: &str, v: Vec<Value>| {
            if !v.is_empty() {
                files.insert(format!("{dir}/{name}.json"), json!({ key: v }));
            }
        };
        let (a, r) = (account.as_str(), region.as_str());
        // One list per describe call: (file name, top-level key, output).
        let lists: Vec<(&str, &str, Value)> = vec![
            ("Vpcs", "Vpcs", run(app, a, r, e::vpc::describe_vpcs, Default::default())?),
            ("Subnets", "Subnets", run(app, a, r, e::subnet::describe_subnets, Default::default())?),
            ("RouteTables", "RouteTables", run(app, a, r, e::route_table::describe_route_tables, Default::default())?),
            ("InternetGateways", "InternetGateways", run(app, a, r, e::internet_gateway::describe_internet_gateways, Default::default())?),
            (
                "EgressOnlyInternetGateways",
                "EgressOnlyInternetGateways",
                run(app, a, r, e::egress_only_internet_gateway::describe_egress_only_internet_gateways, Default::default())?,
            ),
            ("SecurityGroups", "SecurityGroups", run(app, a, r, e::security_group::describe_security_groups, Default::default())?),
            ("SecurityGroupRules", "SecurityGroupRules", run(app, a, r, e::security_group::describe_security_group_rules, Default::default())?),
            ("NetworkAcls", "NetworkAcls", run(app, a, r, e::network_acl::describe_network_acls, Default::default())?),
            ("NetworkInterfaces", "NetworkInterfaces", run(app, a, r, e::network_interface::describe_network_interfaces, Default::default())?),
            ("Reservations", "Reservations", run(app, a, r, e::instance::describe_instances, Default::default())?),
            ("Addresses", "Addresses", run(app, a, r, e::elastic_ip::describe_addresses, Default::default())?),
            ("NatGateways", "NatGateways", run(app, a, r, e::nat_gateway::describe_nat_gateways, Default::default())?),
            ("DhcpOptions", "DhcpOptions", run(app, a, r, e::dhcp_options::describe_dhcp_options, Default::default())?),
            ("VpcPeeringConnections", "VpcPeeringConnections", run(app, a, r, e::peering::describe_vpc_peering_connections, Default::default())?),
            ("TransitGateways", "TransitGateways", run(app, a, r, e::transit_gateway::describe_transit_gateways, Default::default())?),
            ("TransitGatewayAttachments", "TransitGatewayAttachments", run(app, a, r, e::transit_gateway::describe_attachments, Default::default())?),
            ("TransitGatewayVpcAttachments", "TransitGatewayVpcAttachments", run(app, a, r, e::transit_gateway::describe_vpc_attachments, Default::default())?),
            ("TransitGatewayRouteTables", "TransitGatewayRouteTables", run(app, a, r, e::transit_gateway_route_table::describe_route_tables, Default::default())?),
            ("ManagedPrefixLists", "PrefixLists", run(app, a, r, e::prefix_list::describe_managed_prefix_lists, Default::default())?),
            (
                "VpcEndpointServiceConfigurations",
                "ServiceConfigurations",
                run(app, a, r, e::endpoint_service::describe_services, Default::default())?,
            ),
            ("VpcEndpoints", "VpcEndpoints", run(app, a, r, e::vpc_endpoint::describe_vpc_endpoints, Default::default())?),
            ("LoadBalancers", "LoadBalancers", run(app, a, r, lb::load_balancer::describe_load_balancers, Default::default())?),
            ("TargetGroups", "TargetGroups", run(app, a, r, lb::target_group::describe_target_groups, Default::default())?),
            (
                "ResourceShares",
                "resourceShares",
                run(app, a, r, crate::ram::get_resource_shares, ram::GetResourceSharesRequest { resource_owner: ram::ResourceOwner::SelfValue, ..Default::default() })?,
            ),
        ];
        let mut by_name = BTreeMap::new();
        for (name, key, out) in lists {
            let v = items(&out, key);
            by_name.insert(name, v.clone());
            put(name, key, v);
        }
        // Calls made once per parent (Batfish's per-parent files): each
        // item is the parent's id beside the call's output members.
        let mut per = |name: &str, parent_key: &str, parents: &[Value], parent_id: &str, f: &mut dyn FnMut(&str) -> Result<Value>| -> Result<()> {
            let mut rows = Vec::new();
            for p in parents {
                let id = text(p, parent_id);
                let mut out = f(id)?;
                if let Value::Object(o) = &mut out {
                    o.retain(|k, v| !k.eq_ignore_ascii_case("NextToken") && !k.eq_ignore_ascii_case("NextMarker") && !v.is_null());
                    if o.values().all(|v| v.as_array().is_some_and(Vec::is_empty)) {
                        continue;
                    }
                    o.insert(parent_key.to_string(), Value::String(id.to_string()));
                }
                rows.push(out);
            }
            if !rows.is_empty() {
                files.insert(format!("{dir}/{name}.json"), json!({ name: rows }));
            }
            Ok(())
        };
        let tables = &by_name["TransitGatewayRouteTables"];
        per("TransitGatewayStaticRoutes", "TransitGatewayRouteTableId", tables, "TransitGatewayRouteTableId", &mut |id| {
            let filters = vec![ec2::Filter { name: Some("type".into()), values: vec!["static".into()] }];
            let input = ec2::SearchTransitGatewayRoutesRequest { transit_gateway_route_table_id: id.into(), filters, ..Default::default() };
            let mut v = run(app, a, r, e::transit_gateway_route_table::search_routes, input)?;
            if let Value::Object(o) = &mut v {
                o.remove("AdditionalRoutesAvailable");
            }
            Ok(v)
        })?;
        per("TransitGatewayAssociations", "TransitGatewayRouteTableId", tables, "TransitGatewayRouteTableId", &mut |id| {
            let input = ec2::GetTransitGatewayRouteTableAssociationsRequest { transit_gateway_route_table_id: id.into(), ..Default::default() };
            run(app, a, r, e::transit_gateway_route_table::get_associations, input)
        })?;
        per("TransitGatewayPropagations", "TransitGatewayRouteTableId", tables, "TransitGatewayRouteTableId", &mut |id| {
            let input = ec2::GetTransitGatewayRouteTablePropagationsRequest { transit_gateway_route_table_id: id.into(), ..Default::default() };
            run(app, a, r, e::transit_gateway_route_table::get_propagations, input)
        })?;
        let own_lists: Vec<Value> = by_name["ManagedPrefixLists"].iter().filter(|l| text(l, "OwnerId") == a).cloned().collect();
        per("PrefixListEntries", "PrefixListId", &own_lists, "PrefixListId", &mut |id| {
            let input = ec2::GetManagedPrefixListEntriesRequest { prefix_list_id: id.into(), ..Default::default() };
            run(app, a, r, e::prefix_list::get_managed_prefix_list_entries, input)
        })?;
        per("VpcEndpointServicePermissions", "ServiceId", &by_name["VpcEndpointServiceConfigurations"], "ServiceId", &mut |id| {
            let input = ec2::DescribeVpcEndpointServicePermissionsRequest { service_id: id.into(), ..Default::default() };
            run(app, a, r, e::endpoint_service::describe_permissions, input)
        })?;
        per("LoadBalancerTargetHealth", "TargetGroupArn", &by_name["TargetGroups"], "TargetGroupArn", &mut |arn| {
            let input = elbv2::DescribeTargetHealthInput { target_group_arn: arn.into(), ..Default::default() };
            run(app, a, r, lb::target_group::describe_target_health, input)
        })?;
        per("LoadBalancerListeners", "LoadBalancerArn", &by_name["LoadBalancers"], "LoadBalancerArn", &mut |arn| {
            let input = elbv2::DescribeListenersInput { load_balancer_arn: Some(arn.into()), ..Default::default() };
            run(app, a, r, lb::listener::describe_listeners, input)
        })?;
        // RAM: both kinds of association of the caller's shares, in one list.
        let mut assoc = Vec::new();
        for kind in [ram::ResourceShareAssociationType::Principal, ram::ResourceShareAssociationType::Resource] {
            let input = ram::GetResourceShareAssociationsRequest { association_type: kind, ..Default::default() };
            assoc.extend(items(&run(app, a, r, crate::ram::get_resource_share_associations, input)?, "resourceShareAssociations"));
        }
        if !assoc.is_empty() {
            files.insert(format!("{dir}/ResourceShareAssociations.json"), json!({ "resourceShareAssociations": assoc }));
        }
    }
    Ok(files)
}
