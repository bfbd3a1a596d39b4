//! Instance actions: RunInstances, DescribeInstances, lifecycle, attributes,
//! status and credit specifications.

use xvpc_model::instance::{self, Instance, InstanceAttribute, InstanceState, RunInstances, StateChange};
use xvpc_model::network_interface::{private_dns_name, NetworkInterface};
use xvpc_model::volume::root_device;
use xvpc_model::{IdKind, ModelError, State};
use xvpc_wire::shape::ReturnTrue;
use xvpc_wire::shapes::ec2::{self as shape, ops};
use xvpc_wire::Timestamp;

use super::network_interface::{group_set, public_address};
use super::{filter_list, not_managed, paginate_by, tag_set, tags_from_specs_for, unsupported};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::RunInstances, run_instances),
    crate::typed!(ops::DescribeInstances, describe_instances),
    crate::typed!(ops::TerminateInstances, terminate_instances),
    crate::typed!(ops::StopInstances, stop_instances),
    crate::typed!(ops::StartInstances, start_instances),
    crate::typed!(ops::DescribeInstanceAttribute, describe_instance_attribute),
    crate::typed!(ops::ModifyInstanceAttribute, modify_instance_attribute),
    crate::typed!(ops::DescribeInstanceStatus, describe_instance_status),
    crate::typed!(ops::DescribeInstanceCreditSpecifications, describe_instance_credit_specifications),
];

fn state_shape(s: InstanceState) -> shape::InstanceState {
    shape::InstanceState { code: Some(s.code()), name: Some(shape::InstanceStateName::from(s.name())) }
}

/// The instance's network interfaces, primary first.
fn interfaces<'a>(i: &Instance, state: &'a State) -> Vec<&'a NetworkInterface> {
    let mut v: Vec<&NetworkInterface> =
        state.network_interfaces.owned_by(&i.owner, &i.region).filter(|e| e.attachment.as_ref().is_some_and(|a| a.instance_id == i.id)).collect();
    v.sort_by_key(|e| e.attachment.as_ref().map(|a| a.device_index));
    v
}

/// The root volume as the instance's block device mapping shows it.
fn root_mapping(i: &Instance) -> shape::InstanceBlockDeviceMapping {
    shape::InstanceBlockDeviceMapping {
        device_name: Some(root_device(i).into()),
        ebs: Some(shape::EbsInstanceBlockDevice {
            volume_id: Some(i.root_volume_id()),
            status: Some(shape::AttachmentStatus::Attached),
            attach_time: Some(Timestamp(i.launch_time)),
            delete_on_termination: Some(true),
            ..Default::default()
        }),
    }
}

/// One interface as the instance shows it: its public address without
/// the Elastic IP's ids (the interface's own description has them).
fn interface_shape(e: &NetworkInterface, state: &State) -> Option<shape::InstanceNetworkInterface> {
    let a = e.attachment.as_ref()?;
    let association = public_address(e, state).map(|p| shape::InstanceNetworkInterfaceAssociation {
        ip_owner_id: Some(p.owner.to_string()),
        public_dns_name: Some(p.dns_name),
        public_ip: Some(p.ip.to_string()),
        ..Default::default()
    });
    let private_ips = e
        .all_ips()
        .enumerate()
        .map(|(n, ip)| shape::InstancePrivateIpAddress {
            private_ip_address: Some(ip.to_string()),
            private_dns_name: Some(private_dns_name(&e.region, ip)),
            primary: Some(n == 0),
            association: if n == 0 { association.clone() } else { None },
        })
        .collect();
    Some(shape::InstanceNetworkInterface {
        network_interface_id: Some(e.id.clone()),
        subnet_id: Some(e.subnet_id.clone()),
        vpc_id: Some(e.vpc_id.clone()),
        description: Some(e.description.clone()),
        owner_id: Some(e.owner.clone()),
        status: Some(shape::NetworkInterfaceStatus::from(e.status())),
        mac_address: Some(e.mac_address.clone()),
        private_ip_address: Some(e.private_ip.to_string()),
        private_dns_name: Some(private_dns_name(&e.region, e.private_ip)),
        source_dest_check: Some(e.source_dest_check),
        groups: group_set(&e.groups, state),
        association,
        attachment: Some(shape::InstanceNetworkInterfaceAttachment {
            attachment_id: Some(a.id.clone()),
            device_index: i32::try_from(a.device_index).ok(),
            status: Some(shape::AttachmentStatus::Attached),
            attach_time: Some(Timestamp(a.attach_time)),
            delete_on_termination: Some(a.delete_on_termination),
            network_card_index: Some(0),
            ..Default::default()
        }),
        private_ip_addresses: private_ips,
        ipv6_addresses: e.ipv6_addresses.iter().map(|a| shape::InstanceIpv6Address { ipv6_address: Some(a.to_string()), is_primary_ipv6: Some(false) }).collect(),
        interface_type: Some(e.interface_type.clone()),
        operator: Some(not_managed()),
        ..Default::default()
    })
}

/// `Ipv6AddressCount` as the model takes it (a negative count refused).
fn ipv6_count(n: Option<i32>) -> Result<Option<u32>> {
    n.map(|n| u32::try_from(n).map_err(|_| ModelError::InvalidParameterValue(format!("Value ({n}) for parameter Ipv6AddressCount is invalid.")).into())).transpose()
}

/// One instance as DescribeInstances / RunInstances show it: an x86_64,
/// EBS-backed Linux instance with default options (what the instance
/// filters answer too). `shown` is the state to report (RunInstances
/// reports `pending`). A terminated instance shows no placement in its
/// subnet, address or devices.
pub fn instance_shape(i: &Instance, state: &State, shown: InstanceState) -> shape::Instance {
    let live = i.state != InstanceState::Terminated;
    let primary = state.network_interfaces.get(&i.primary_eni);
    let public = if live { primary.and_then(|e| public_address(e, state)) } else { None };
    let vcpus = xvpc_model::instance_type::find(&i.instance_type).map_or(1, |t| t.vcpus);
    let launched = Some(Timestamp(i.launch_time));
    shape::Instance {
        instance_id: Some(i.id.clone()),
        image_id: Some(i.image_id.clone()),
        state: Some(state_shape(shown)),
        private_dns_name: Some(if live { i.private_dns_name() } else { String::new() }),
        // The first IPv6 address of its primary interface, as AWS shows it.
        ipv6_address: primary.filter(|_| live).and_then(|e| e.ipv6_addresses.first()).map(|a| a.to_string()),
        public_dns_name: Some(public.as_ref().map(|p| p.dns_name.clone()).unwrap_or_default()),
        state_transition_reason: Some(if live { String::new() } else { format!("User initiated ({})", Timestamp(i.terminated_at.unwrap_or(0)).iso8601()) }),
        state_reason: (!live).then(|| shape::StateReason {
            code: Some("Client.UserInitiatedShutdown".into()),
            message: Some("Client.UserInitiatedShutdown: User initiated shutdown".into()),
        }),
        key_name: i.key_name.clone(),
        ami_launch_index: Some(0),
        instance_type: Some(shape::InstanceType::from(i.instance_type.as_str())),
        launch_time: launched,
        placement: Some(shape::Placement {
            availability_zone: Some(i.availability_zone.clone()),
            availability_zone_id: state.subnets.get(&i.subnet_id).map(|s| s.availability_zone_id.clone()),
            group_name: Some(String::new()),
            tenancy: Some(shape::Tenancy::Default),
            ..Default::default()
        }),
        monitoring: Some(shape::Monitoring { state: Some(if i.monitoring { shape::MonitoringState::Enabled } else { shape::MonitoringState::Disabled }) }),
        subnet_id: live.then(|| i.subnet_id.clone()),
        vpc_id: live.then(|| i.vpc_id.clone()),
        private_ip_address: live.then(|| i.private_ip.to_string()),
        public_ip_address: public.as_ref().map(|p| p.ip.to_string()),
        source_dest_check: live.then(|| primary.is_none_or(|e| e.source_dest_check)),
        security_groups: group_set(&primary.map(|e| e.groups.clone()).unwrap_or_default(), state),
        architecture: Some(shape::ArchitectureValues::X8664),
        root_device_type: Some(shape::DeviceType::Ebs),
        root_device_name: Some(root_device(i).into()),
        block_device_mappings: if live { vec![root_mapping(i)] } else { vec![] },
        virtualization_type: Some(shape::VirtualizationType::Hvm),
        client_token: Some(i.client_token.clone().unwrap_or_default()),
        tags: tag_set(&i.tags),
        hypervisor: Some(shape::HypervisorType::Xen),
        network_interfaces: interfaces(i, state).into_iter().filter_map(|e| interface_shape(e, state)).collect(),
        ebs_optimized: Some(i.ebs_optimized),
        ena_support: Some(true),
        cpu_options: Some(shape::CpuOptions {
            core_count: i32::try_from(vcpus.div_ceil(2).max(1)).ok(),
            threads_per_core: Some(if vcpus > 1 { 2 } else { 1 }),
            ..Default::default()
        }),
        capacity_reservation_specification: Some(shape::CapacityReservationSpecificationResponse {
            capacity_reservation_preference: Some(shape::CapacityReservationPreference::Open),
            ..Default::default()
        }),
        hibernation_options: Some(shape::HibernationOptions { configured: Some(false) }),
        metadata_options: Some(shape::InstanceMetadataOptionsResponse {
            state: Some(shape::InstanceMetadataOptionsState::Applied),
            http_tokens: Some(shape::HttpTokensState::Optional),
            http_put_response_hop_limit: Some(1),
            http_endpoint: Some(shape::InstanceMetadataEndpointState::Enabled),
            http_protocol_ipv6: Some(shape::InstanceMetadataProtocolState::Disabled),
            instance_metadata_tags: Some(shape::InstanceMetadataTagsState::Disabled),
        }),
        enclave_options: Some(shape::EnclaveOptions { enabled: Some(false) }),
        platform_details: Some("Linux/UNIX".into()),
        usage_operation: Some("RunInstances".into()),
        usage_operation_update_time: launched,
        private_dns_name_options: Some(shape::PrivateDnsNameOptionsResponse {
            hostname_type: Some(shape::HostnameType::IpName),
            enable_resource_name_dns_a_record: Some(false),
            enable_resource_name_dns_aaaa_record: Some(false),
        }),
        maintenance_options: Some(shape::InstanceMaintenanceOptions { auto_recovery: Some(shape::InstanceAutoRecoveryState::Default), ..Default::default() }),
        current_instance_boot_mode: Some(shape::InstanceBootModeValues::LegacyBios),
        operator: Some(not_managed()),
        ..Default::default()
    }
}

/// The instances of one launch, in one reservation.
fn reservation_shape(insts: &[&Instance], state: &State, shown: impl Fn(&Instance) -> InstanceState) -> shape::Reservation {
    shape::Reservation {
        reservation_id: insts.first().map(|i| i.reservation_id.clone()),
        owner_id: insts.first().map(|i| i.owner.clone()),
        instances: insts.iter().map(|i| instance_shape(i, state, shown(i))).collect(),
        ..Default::default()
    }
}

pub(crate) fn run_instances(call: &mut Call, input: shape::RunInstancesRequest) -> Result<shape::Reservation> {
    let mut tags = tags_from_specs_for(&input.tag_specifications, &["instance", "network-interface", "volume"])?;
    if input.network_interfaces.len() > 1 {
        return Err(unsupported("Launches with more than one network interface"));
    }
    // The one NetworkInterface.N (device 0) may carry the placement.
    let nic = input.network_interfaces.into_iter().next().unwrap_or_default();
    if nic.network_interface_id.is_some() {
        return Err(unsupported("Launches with an existing network interface"));
    }
    let non_empty = |s: Option<String>| s.filter(|x| !x.is_empty());
    let subnet_id = input.subnet_id.or(nic.subnet_id);
    let mut groups = input.security_group_ids;
    groups.extend(nic.groups);
    if !input.security_groups.is_empty() {
        // Names resolve within the launch subnet's VPC (default VPC only in AWS).
        let s = call.state();
        let vpc = subnet_id.as_ref().and_then(|id| s.subnets.get(id)).map(|x| &x.vpc_id);
        for n in &input.security_groups {
            let g = s
                .security_groups
                .scope(&call.ctx)
                .find(|g| &g.name == n && Some(&g.vpc_id) == vpc)
                .ok_or_else(|| ModelError::NotFound(IdKind::SecurityGroup, n.clone()))?;
            groups.push(g.id.clone());
        }
    }
    let run = RunInstances {
        image_id: input.image_id.ok_or_else(|| ModelError::MissingParameter("ImageId".into()))?,
        instance_type: input.instance_type.map(|t| t.as_str().to_string()),
        subnet_id,
        availability_zone: non_empty(input.placement.and_then(|p| p.availability_zone)),
        private_ip: non_empty(input.private_ip_address.or(nic.private_ip_address)),
        group_ids: groups,
        user_data: non_empty(input.user_data),
        min_count: i64::from(input.min_count),
        max_count: i64::from(input.max_count),
        client_token: non_empty(input.client_token),
        key_name: non_empty(input.key_name),
        instance_tags: tags.remove("instance").unwrap_or_default(),
        eni_tags: tags.remove("network-interface").unwrap_or_default(),
        eni_description: nic.description,
        delete_on_termination: nic.delete_on_termination.unwrap_or(true),
        disable_api_termination: input.disable_api_termination.unwrap_or(false),
        disable_api_stop: input.disable_api_stop.unwrap_or(false),
        shutdown_behavior: input.instance_initiated_shutdown_behavior.map(|b| b.as_str().to_string()),
        ebs_optimized: input.ebs_optimized.unwrap_or(false),
        monitoring: input.monitoring.is_some_and(|m| m.enabled),
        associate_public_ip: nic.associate_public_ip_address,
        ipv6_addresses: input.ipv6_addresses.iter().chain(&nic.ipv6_addresses).filter_map(|a| a.ipv6_address.clone()).collect(),
        ipv6_address_count: ipv6_count(input.ipv6_address_count.or(nic.ipv6_address_count))?,
    };
    // A repeated client token answers the first launch as it is now.
    let fresh = run.client_token.as_ref().is_none_or(|t| !call.state().instances.scope(&call.ctx).any(|i| i.client_token.as_ref() == Some(t)));
    let (ch, ids) = instance::run_instances(call.state(), &call.ctx, run)?;
    call.commit(ch)?;
    let s = call.state();
    let insts: Vec<&Instance> = ids.iter().map(|id| &s.instances[id]).collect();
    Ok(reservation_shape(&insts, s, |i| if fresh { InstanceState::Pending } else { i.state }))
}

pub(crate) fn describe_instances(call: &mut Call, input: shape::DescribeInstancesRequest) -> Result<shape::DescribeInstancesResult> {
    let ids = &input.instance_ids;
    let s = call.state();
    for id in ids {
        instance::visible(s, &call.ctx, id)?;
    }
    let listed = s.instances.scope(&call.ctx).filter(|i| i.is_visible(call.ctx.now) && (ids.is_empty() || ids.contains(&i.id)));
    let out = instance::FILTERS.select(&filter_list(&input.filters), s, &call.ctx, listed)?;
    let key = |i: &&Instance| format!("{}/{}", i.reservation_id, i.id);
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), key, (5, 1000))?;
    let mut reservations: Vec<Vec<&Instance>> = Vec::new();
    for i in page {
        match reservations.iter_mut().find(|r| r[0].reservation_id == i.reservation_id) {
            Some(r) => r.push(i),
            None => reservations.push(vec![i]),
        }
    }
    Ok(shape::DescribeInstancesResult { reservations: reservations.iter().map(|r| reservation_shape(r, s, |i| i.state)).collect(), next_token: next })
}

type StateCommand = fn(&State, &xvpc_model::Ctx, &[String]) -> xvpc_model::error::Result<(xvpc_model::Changes, Vec<StateChange>)>;

fn change_state(call: &mut Call, ids: &[String], cmd: StateCommand) -> Result<Vec<shape::InstanceStateChange>> {
    let (ch, changes) = cmd(call.state(), &call.ctx, ids)?;
    call.commit(ch)?;
    Ok(changes
        .into_iter()
        .map(|c| shape::InstanceStateChange {
            instance_id: Some(c.instance_id),
            current_state: Some(state_shape(c.current)),
            previous_state: Some(state_shape(c.previous)),
        })
        .collect())
}

pub(crate) fn terminate_instances(call: &mut Call, input: shape::TerminateInstancesRequest) -> Result<shape::TerminateInstancesResult> {
    Ok(shape::TerminateInstancesResult { terminating_instances: change_state(call, &input.instance_ids, instance::terminate)? })
}

fn stop_instances(call: &mut Call, input: shape::StopInstancesRequest) -> Result<shape::StopInstancesResult> {
    Ok(shape::StopInstancesResult { stopping_instances: change_state(call, &input.instance_ids, instance::stop)? })
}

fn start_instances(call: &mut Call, input: shape::StartInstancesRequest) -> Result<shape::StartInstancesResult> {
    Ok(shape::StartInstancesResult { starting_instances: change_state(call, &input.instance_ids, instance::start)? })
}

fn describe_instance_attribute(call: &mut Call, input: shape::DescribeInstanceAttributeRequest) -> Result<shape::InstanceAttribute> {
    let s = call.state();
    let i = instance::visible(s, &call.ctx, &input.instance_id)?;
    attribute_shape(i, s, input.attribute)
}

/// DescribeInstanceAttribute's answer: the instance id and the one
/// attribute asked for.
fn attribute_shape(i: &Instance, s: &State, attribute: shape::InstanceAttributeName) -> Result<shape::InstanceAttribute> {
    use shape::InstanceAttributeName as Name;
    let eni = s.network_interfaces.get(&i.primary_eni);
    let text = |v: Option<String>| Some(shape::AttributeValue { value: v });
    let flag = |b: bool| Some(shape::AttributeBooleanValue { value: Some(b) });
    let mut out = shape::InstanceAttribute { instance_id: Some(i.id.clone()), ..Default::default() };
    match attribute {
        Name::InstanceType => out.instance_type = text(Some(i.instance_type.clone())),
        Name::UserData => out.user_data = text(i.user_data.clone()),
        Name::DisableApiTermination => out.disable_api_termination = flag(i.disable_api_termination),
        Name::DisableApiStop => out.disable_api_stop = flag(i.disable_api_stop),
        Name::InstanceInitiatedShutdownBehavior => out.instance_initiated_shutdown_behavior = text(Some(i.shutdown_behavior.clone())),
        Name::SourceDestCheck => out.source_dest_check = flag(eni.is_none_or(|e| e.source_dest_check)),
        Name::EbsOptimized => out.ebs_optimized = flag(i.ebs_optimized),
        Name::EnaSupport => out.ena_support = flag(true),
        Name::RootDeviceName => out.root_device_name = text(Some(root_device(i).into())),
        // HVM instances have no kernel or RAM disk; no enhanced networking
        // by SR-IOV (ENA instead).
        Name::Kernel => out.kernel_id = text(None),
        Name::Ramdisk => out.ramdisk_id = text(None),
        Name::SriovNetSupport => out.sriov_net_support = text(None),
        Name::ProductCodes => {}
        Name::GroupSet => out.groups = group_set(&eni.map(|e| e.groups.clone()).unwrap_or_default(), s),
        Name::BlockDeviceMapping => out.block_device_mappings = vec![root_mapping(i)],
        Name::EnclaveOptions => out.enclave_options = Some(shape::EnclaveOptions { enabled: Some(false) }),
        // The decoder refuses values the model does not list.
        Name::Unlisted(other) => {
            return Err(ModelError::InvalidParameterValue(format!("Value ({other}) for parameter attribute is invalid. Unknown attribute.")).into())
        }
    }
    Ok(out)
}

pub(crate) fn modify_instance_attribute(call: &mut Call, input: shape::ModifyInstanceAttributeRequest) -> Result<ReturnTrue> {
    let id = input.instance_id.clone();
    let attr = requested_attribute(input)?;
    let ch = instance::modify_attribute(call.state(), &call.ctx, &id, attr)?;
    call.commit(ch)?;
    Ok(ReturnTrue)
}

/// The one change a ModifyInstanceAttribute request asks for: a member
/// (`InstanceType.Value`, ...) or the older `Attribute` + `Value` pair.
fn requested_attribute(input: shape::ModifyInstanceAttributeRequest) -> Result<InstanceAttribute> {
    use shape::InstanceAttributeName as Name;
    let unsupported_given = [
        (input.kernel.is_some(), "Kernel changes"),
        (input.ramdisk.is_some(), "RAM disk changes"),
        (input.sriov_net_support.is_some(), "SR-IOV changes"),
        (input.ena_support.is_some(), "ENA support changes"),
        (!input.block_device_mappings.is_empty(), "Block device mapping changes"),
    ];
    if let Some((_, what)) = unsupported_given.iter().find(|(given, _)| *given) {
        return Err(unsupported(what));
    }
    let flag = |v: Option<shape::AttributeBooleanValue>| v.and_then(|v| v.value);
    let mut attrs = Vec::new();
    if let Some(t) = input.instance_type.and_then(|v| v.value) {
        attrs.push(InstanceAttribute::InstanceType(t));
    }
    if let Some(u) = input.user_data {
        attrs.push(InstanceAttribute::UserData(u.value.filter(|u| !u.is_empty())));
    }
    if let Some(b) = flag(input.disable_api_termination) {
        attrs.push(InstanceAttribute::DisableApiTermination(b));
    }
    if let Some(b) = flag(input.disable_api_stop) {
        attrs.push(InstanceAttribute::DisableApiStop(b));
    }
    if let Some(b) = input.instance_initiated_shutdown_behavior.and_then(|v| v.value) {
        attrs.push(InstanceAttribute::ShutdownBehavior(b));
    }
    if let Some(b) = flag(input.source_dest_check) {
        attrs.push(InstanceAttribute::SourceDestCheck(b));
    }
    if let Some(b) = flag(input.ebs_optimized) {
        attrs.push(InstanceAttribute::EbsOptimized(b));
    }
    if !input.groups.is_empty() {
        attrs.push(InstanceAttribute::Groups(input.groups));
    }
    if let (Some(a), Some(val)) = (input.attribute, input.value) {
        let on = val.eq_ignore_ascii_case("true");
        attrs.push(match a {
            Name::InstanceType => InstanceAttribute::InstanceType(val),
            Name::UserData => InstanceAttribute::UserData(Some(val)),
            Name::DisableApiTermination => InstanceAttribute::DisableApiTermination(on),
            Name::DisableApiStop => InstanceAttribute::DisableApiStop(on),
            Name::InstanceInitiatedShutdownBehavior => InstanceAttribute::ShutdownBehavior(val),
            Name::SourceDestCheck => InstanceAttribute::SourceDestCheck(on),
            Name::EbsOptimized => InstanceAttribute::EbsOptimized(on),
            other => return Err(ModelError::InvalidParameterValue(format!("Value ({}) for parameter attribute is invalid.", other.as_str())).into()),
        });
    }
    match attrs.len() {
        0 => Err(ModelError::MissingParameter("attribute".into()).into()),
        1 => Ok(attrs.remove(0)),
        _ => Err(ModelError::InvalidParameterCombination("Fields for multiple attribute types specified".into()).into()),
    }
}

fn status_summary(running: bool) -> shape::InstanceStatusSummary {
    shape::InstanceStatusSummary {
        status: Some(if running { shape::SummaryStatus::Ok } else { shape::SummaryStatus::NotApplicable }),
        details: if running {
            vec![shape::InstanceStatusDetails { name: Some(shape::StatusName::Reachability), status: Some(shape::StatusType::Passed), impaired_since: None }]
        } else {
            vec![]
        },
    }
}

/// An instance's status checks: passed while it runs, not applicable
/// otherwise (what the status filters answer too).
fn status_shape(i: &Instance, state: &State) -> shape::InstanceStatus {
    let running = i.state.is_running();
    shape::InstanceStatus {
        instance_id: Some(i.id.clone()),
        availability_zone: Some(i.availability_zone.clone()),
        availability_zone_id: state.subnets.get(&i.subnet_id).map(|s| s.availability_zone_id.clone()),
        instance_state: Some(state_shape(i.state)),
        system_status: Some(status_summary(running)),
        instance_status: Some(status_summary(running)),
        operator: Some(not_managed()),
        ..Default::default()
    }
}

fn describe_instance_status(call: &mut Call, input: shape::DescribeInstanceStatusRequest) -> Result<shape::DescribeInstanceStatusResult> {
    let ids = &input.instance_ids;
    let all = input.include_all_instances.unwrap_or(false);
    let s = call.state();
    for id in ids {
        instance::visible(s, &call.ctx, id)?;
    }
    let listed = s.instances.scope(&call.ctx).filter(|i| i.is_visible(call.ctx.now) && (ids.is_empty() || ids.contains(&i.id)));
    let out = instance::STATUS_FILTERS.select(&filter_list(&input.filters), s, &call.ctx, listed.filter(|i| all || i.state.is_running()))?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |i| i.id.clone(), (5, 1000))?;
    Ok(shape::DescribeInstanceStatusResult { instance_statuses: page.into_iter().map(|i| status_shape(i, s)).collect(), next_token: next })
}

/// The CPU credit option of a burstable instance (none for other types).
fn credits(i: &Instance) -> Option<&'static str> {
    xvpc_model::instance_type::find(&i.instance_type).and_then(|t| t.default_credits())
}

fn describe_instance_credit_specifications(
    call: &mut Call,
    input: shape::DescribeInstanceCreditSpecificationsRequest,
) -> Result<shape::DescribeInstanceCreditSpecificationsResult> {
    let ids = &input.instance_ids;
    let s = call.state();
    for id in ids {
        instance::visible(s, &call.ctx, id)?;
    }
    let listed = s.instances.scope(&call.ctx).filter(|i| i.is_visible(call.ctx.now) && (ids.is_empty() || ids.contains(&i.id)) && credits(i).is_some());
    let rows = instance::CREDIT_FILTERS.select(&filter_list(&input.filters), s, &call.ctx, listed)?;
    let (page, next) = paginate_by(rows, input.max_results.map(i64::from), input.next_token.as_deref(), |i| i.id.clone(), (5, 1000))?;
    let specs = page
        .into_iter()
        .map(|i| shape::InstanceCreditSpecification { instance_id: Some(i.id.clone()), cpu_credits: credits(i).map(str::to_string) })
        .collect();
    Ok(shape::DescribeInstanceCreditSpecificationsResult { instance_credit_specifications: specs, next_token: next })
}

#[cfg(test)]
#[path = "instance_tests.rs"]
mod tests;
