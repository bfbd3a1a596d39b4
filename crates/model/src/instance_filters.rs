//! The filters of DescribeInstances, DescribeInstanceStatus and
//! DescribeInstanceCreditSpecifications, as AWS documents them. Values
//! agree with what DescribeInstances shows: one x86_64, EBS-backed, `xen`
//! instance per launch, with no IPv6, Outposts, host or spot features (those
//! names are accepted and match nothing).

use crate::filter::{one, opt, Env, Field, FilterTable};
use crate::instance::Instance;
use crate::network_interface::NetworkInterface;
use crate::peering::iso8601;
use crate::state::State;
use crate::volume::root_device;

/// The instance's network interfaces, primary first.
fn enis<'a>(i: &'a Instance, state: &'a State) -> impl Iterator<Item = &'a NetworkInterface> + 'a {
    let mut v: Vec<&NetworkInterface> =
        state.network_interfaces.values().filter(|e| e.attachment.as_ref().is_some_and(|a| a.instance_id == i.id)).collect();
    v.sort_by_key(|e| e.attachment.as_ref().map(|a| a.device_index));
    v.into_iter()
}

/// `network-interface.<name>`: the DescribeNetworkInterfaces filter `name`
/// over each of the instance's interfaces.
fn via_eni(i: &Instance, env: &Env, name: &str) -> Vec<String> {
    enis(i, env.state).flat_map(|e| crate::network_interface::FILTERS.values(name, e, env)).collect()
}

/// The primary interface's groups, as DescribeInstances shows them.
fn group_ids(i: &Instance, state: &State) -> Vec<String> {
    state.network_interfaces.get(&i.primary_eni).map(|e| e.groups.clone()).unwrap_or_default()
}

fn group_names(i: &Instance, state: &State) -> Vec<String> {
    group_ids(i, state).iter().filter_map(|g| state.security_groups.get(g)).map(|g| g.name.clone()).collect()
}

/// Whether the instance still shows its placement and devices (a
/// terminated one does not).
fn live(i: &Instance) -> bool {
    i.state != crate::instance::InstanceState::Terminated
}

fn public_dns(i: &Instance, state: &State) -> Vec<String> {
    let name = i.public_ip(state).map(|ip| crate::public_ip::shown_dns_name(state, &i.vpc_id, &i.region, ip));
    opt(name.filter(|n| !n.is_empty()))
}

/// DescribeInstances' filters (with the older `group-id`, `group-name` and
/// `placement.availability-zone`).
pub const FILTERS: FilterTable<Instance> = FilterTable {
    tags: Some(|i, _| Some(&i.tags)),
    fields: &[
        ("affinity", Field::Absent),
        ("architecture", Field::Values(|_, _| one("x86_64"))),
        ("availability-zone", Field::Values(|i, _| one(&i.availability_zone))),
        ("availability-zone-id", Field::Values(|i, e| opt(e.state.subnets.get(&i.subnet_id).map(|s| &s.availability_zone_id)))),
        ("block-device-mapping.attach-time", Field::Values(|i, _| opt(live(i).then(|| iso8601(i.launch_time))))),
        ("block-device-mapping.delete-on-termination", Field::Values(|i, _| opt(live(i).then_some(true)))),
        ("block-device-mapping.device-name", Field::Values(|i, _| opt(live(i).then(|| root_device(i))))),
        ("block-device-mapping.status", Field::Values(|i, _| opt(live(i).then_some("attached")))),
        ("block-device-mapping.volume-id", Field::Values(|i, _| opt(live(i).then(|| i.root_volume_id())))),
        ("boot-mode", Field::Absent),
        ("capacity-reservation-id", Field::Absent),
        ("capacity-reservation-specification.capacity-reservation-preference", Field::Values(|_, _| one("open"))),
        ("capacity-reservation-specification.capacity-reservation-target.capacity-reservation-id", Field::Absent),
        ("capacity-reservation-specification.capacity-reservation-target.capacity-reservation-resource-group-arn", Field::Absent),
        ("client-token", Field::Values(|i, _| opt(i.client_token.as_ref()))),
        ("current-instance-boot-mode", Field::Values(|_, _| one("legacy-bios"))),
        ("dns-name", Field::Values(|i, e| public_dns(i, e.state))),
        ("ebs-optimized", Field::Values(|i, _| one(i.ebs_optimized))),
        ("ena-support", Field::Values(|_, _| one(true))),
        ("enclave-options.enabled", Field::Values(|_, _| one(false))),
        ("group-id", Field::Values(|i, e| group_ids(i, e.state))),
        ("group-name", Field::Values(|i, e| group_names(i, e.state))),
        ("hibernation-options.configured", Field::Values(|_, _| one(false))),
        ("host-id", Field::Absent),
        ("hypervisor", Field::Values(|_, _| one("xen"))),
        ("iam-instance-profile.arn", Field::Absent),
        ("iam-instance-profile.id", Field::Absent),
        ("image-id", Field::Values(|i, _| one(&i.image_id))),
        ("instance-id", Field::Values(|i, _| one(&i.id))),
        ("instance-lifecycle", Field::Absent),
        ("instance-state-code", Field::Values(|i, _| one(i.state.code()))),
        ("instance-state-name", Field::Values(|i, _| one(i.state.name()))),
        ("instance-type", Field::Values(|i, _| one(&i.instance_type))),
        ("instance.group-id", Field::Values(|i, e| group_ids(i, e.state))),
        ("instance.group-name", Field::Values(|i, e| group_names(i, e.state))),
        ("ip-address", Field::Values(|i, e| opt(i.public_ip(e.state)))),
        ("ipv6-address", Field::Absent),
        ("kernel-id", Field::Absent),
        ("key-name", Field::Values(|i, _| opt(i.key_name.as_ref()))),
        ("launch-index", Field::Values(|_, _| one(0))),
        ("launch-time", Field::Values(|i, _| one(iso8601(i.launch_time)))),
        ("maintenance-options.auto-recovery", Field::Values(|_, _| one("default"))),
        ("metadata-options.http-endpoint", Field::Values(|_, _| one("enabled"))),
        ("metadata-options.http-protocol-ipv4", Field::Values(|_, _| one("enabled"))),
        ("metadata-options.http-protocol-ipv6", Field::Values(|_, _| one("disabled"))),
        ("metadata-options.http-put-response-hop-limit", Field::Values(|_, _| one(1))),
        ("metadata-options.http-tokens", Field::Values(|_, _| one("optional"))),
        ("metadata-options.instance-metadata-tags", Field::Values(|_, _| one("disabled"))),
        ("metadata-options.state", Field::Values(|_, _| one("applied"))),
        ("monitoring-state", Field::Values(|i, _| one(if i.monitoring { "enabled" } else { "disabled" }))),
        ("network-interface.addresses.association.allocation-id", Field::Values(|i, e| via_eni(i, e, "association.allocation-id"))),
        ("network-interface.addresses.association.association-id", Field::Values(|i, e| via_eni(i, e, "association.association-id"))),
        ("network-interface.addresses.association.carrier-ip", Field::Absent),
        ("network-interface.addresses.association.customer-owned-ip", Field::Absent),
        ("network-interface.addresses.association.ip-owner-id", Field::Values(|i, e| via_eni(i, e, "addresses.association.owner-id"))),
        ("network-interface.addresses.association.public-dns-name", Field::Values(|i, e| via_eni(i, e, "association.public-dns-name"))),
        ("network-interface.addresses.association.public-ip", Field::Values(|i, e| via_eni(i, e, "addresses.association.public-ip"))),
        ("network-interface.addresses.primary", Field::Values(|i, e| via_eni(i, e, "addresses.primary"))),
        ("network-interface.addresses.private-dns-name", Field::Values(|i, e| via_eni(i, e, "private-dns-name"))),
        ("network-interface.addresses.private-ip-address", Field::Values(|i, e| via_eni(i, e, "addresses.private-ip-address"))),
        ("network-interface.association.allocation-id", Field::Values(|i, e| via_eni(i, e, "association.allocation-id"))),
        ("network-interface.association.association-id", Field::Values(|i, e| via_eni(i, e, "association.association-id"))),
        ("network-interface.association.carrier-ip", Field::Absent),
        ("network-interface.association.customer-owned-ip", Field::Absent),
        ("network-interface.association.ip-owner-id", Field::Values(|i, e| via_eni(i, e, "association.ip-owner-id"))),
        ("network-interface.association.public-dns-name", Field::Values(|i, e| via_eni(i, e, "association.public-dns-name"))),
        ("network-interface.association.public-ip", Field::Values(|i, e| via_eni(i, e, "association.public-ip"))),
        ("network-interface.attachment.attach-time", Field::Values(|i, e| via_eni(i, e, "attachment.attach-time"))),
        ("network-interface.attachment.attachment-id", Field::Values(|i, e| via_eni(i, e, "attachment.attachment-id"))),
        ("network-interface.attachment.delete-on-termination", Field::Values(|i, e| via_eni(i, e, "attachment.delete-on-termination"))),
        ("network-interface.attachment.device-index", Field::Values(|i, e| via_eni(i, e, "attachment.device-index"))),
        ("network-interface.attachment.instance-id", Field::Values(|i, e| via_eni(i, e, "attachment.instance-id"))),
        ("network-interface.attachment.instance-owner-id", Field::Values(|i, e| via_eni(i, e, "attachment.instance-owner-id"))),
        ("network-interface.attachment.network-card-index", Field::Values(|i, e| enis(i, e.state).map(|_| "0".to_string()).collect())),
        ("network-interface.attachment.status", Field::Values(|i, e| via_eni(i, e, "attachment.status"))),
        ("network-interface.availability-zone", Field::Values(|i, e| via_eni(i, e, "availability-zone"))),
        ("network-interface.deny-all-igw-traffic", Field::Absent),
        ("network-interface.description", Field::Values(|i, e| via_eni(i, e, "description"))),
        ("network-interface.group-id", Field::Values(|i, e| via_eni(i, e, "group-id"))),
        ("network-interface.group-name", Field::Values(|i, e| via_eni(i, e, "group-name"))),
        ("network-interface.ipv4-prefixes.ipv4-prefix", Field::Absent),
        ("network-interface.ipv6-address", Field::Absent),
        ("network-interface.ipv6-addresses.ipv6-address", Field::Absent),
        ("network-interface.ipv6-addresses.is-primary-ipv6", Field::Absent),
        ("network-interface.ipv6-native", Field::Values(|i, e| enis(i, e.state).map(|_| "false".to_string()).collect())),
        ("network-interface.ipv6-prefixes.ipv6-prefix", Field::Absent),
        ("network-interface.mac-address", Field::Values(|i, e| via_eni(i, e, "mac-address"))),
        ("network-interface.network-interface-id", Field::Values(|i, e| via_eni(i, e, "network-interface-id"))),
        ("network-interface.operator.managed", Field::Values(|i, e| via_eni(i, e, "operator.managed"))),
        ("network-interface.operator.principal", Field::Absent),
        ("network-interface.outpost-arn", Field::Absent),
        ("network-interface.owner-id", Field::Values(|i, e| via_eni(i, e, "owner-id"))),
        ("network-interface.private-dns-name", Field::Values(|i, e| via_eni(i, e, "private-dns-name"))),
        ("network-interface.private-ip-address", Field::Values(|i, e| via_eni(i, e, "private-ip-address"))),
        ("network-interface.public-dns-name", Field::Values(|i, e| via_eni(i, e, "association.public-dns-name"))),
        // Only service-managed interfaces have a requester, and xvpc never
        // attaches one to an instance.
        ("network-interface.requester-id", Field::Absent),
        ("network-interface.requester-managed", Field::Values(|i, e| via_eni(i, e, "requester-managed"))),
        ("network-interface.source-dest-check", Field::Values(|i, e| via_eni(i, e, "source-dest-check"))),
        ("network-interface.status", Field::Values(|i, e| via_eni(i, e, "status"))),
        ("network-interface.subnet-id", Field::Values(|i, e| via_eni(i, e, "subnet-id"))),
        ("network-interface.tag-key", Field::Values(|i, e| enis(i, e.state).flat_map(|n| n.tags.keys().cloned()).collect())),
        ("network-interface.tag-value", Field::Values(|i, e| enis(i, e.state).flat_map(|n| n.tags.values().cloned()).collect())),
        ("network-interface.vpc-id", Field::Values(|i, e| via_eni(i, e, "vpc-id"))),
        ("network-performance-options.bandwidth-weighting", Field::Absent),
        ("operator.managed", Field::Values(|_, _| one(false))),
        ("operator.principal", Field::Absent),
        ("outpost-arn", Field::Absent),
        ("owner-id", Field::Values(|i, _| one(&i.owner))),
        ("placement-group-name", Field::Absent),
        ("placement-partition-number", Field::Absent),
        ("placement.availability-zone", Field::Values(|i, _| one(&i.availability_zone))),
        ("platform", Field::Absent),
        ("platform-details", Field::Values(|_, _| one("Linux/UNIX"))),
        ("private-dns-name", Field::Values(|i, _| opt(live(i).then(|| i.private_dns_name())))),
        ("private-dns-name-options.enable-resource-name-dns-a-record", Field::Values(|_, _| one(false))),
        ("private-dns-name-options.enable-resource-name-dns-aaaa-record", Field::Values(|_, _| one(false))),
        ("private-dns-name-options.hostname-type", Field::Values(|_, _| one("ip-name"))),
        ("private-ip-address", Field::Values(|i, _| opt(live(i).then_some(i.private_ip)))),
        ("product-code", Field::Absent),
        ("product-code.type", Field::Absent),
        ("ramdisk-id", Field::Absent),
        ("reason", Field::Values(|i, _| opt(i.terminated_at.map(|t| format!("User initiated ({})", iso8601(t)))))),
        ("requester-id", Field::Absent),
        ("reservation-id", Field::Values(|i, _| one(&i.reservation_id))),
        ("root-device-name", Field::Values(|i, _| one(root_device(i)))),
        ("root-device-type", Field::Values(|_, _| one("ebs"))),
        ("source-dest-check", Field::Values(|i, e| opt(e.state.network_interfaces.get(&i.primary_eni).map(|n| n.source_dest_check)))),
        ("spot-instance-request-id", Field::Absent),
        ("state-reason-code", Field::Values(|i, _| opt((!live(i)).then_some("Client.UserInitiatedShutdown")))),
        ("state-reason-message", Field::Values(|i, _| opt((!live(i)).then_some("Client.UserInitiatedShutdown: User initiated shutdown")))),
        ("subnet-id", Field::Values(|i, _| one(&i.subnet_id))),
        ("tenancy", Field::Values(|_, _| one("default"))),
        ("tpm-support", Field::Absent),
        ("usage-operation", Field::Values(|_, _| one("RunInstances"))),
        ("usage-operation-update-time", Field::Values(|i, _| one(iso8601(i.launch_time)))),
        ("virtualization-type", Field::Values(|_, _| one("hvm"))),
        ("vpc-id", Field::Values(|i, _| one(&i.vpc_id))),
    ],
};

/// A check's status as DescribeInstanceStatus reports it: `ok` while
/// running, `not-applicable` otherwise.
fn check(i: &Instance) -> Vec<String> {
    one(if i.state.is_running() { "ok" } else { "not-applicable" })
}

/// A check's `reachability` detail, shown only while running.
fn reachability(i: &Instance) -> Vec<String> {
    opt(i.state.is_running().then_some("passed"))
}

/// DescribeInstanceStatus' filters. xvpc schedules no events.
pub const STATUS_FILTERS: FilterTable<Instance> = FilterTable {
    tags: None,
    fields: &[
        ("attached-ebs-status.status", Field::Absent),
        ("availability-zone", Field::Values(|i, _| one(&i.availability_zone))),
        ("availability-zone-id", Field::Values(|i, e| opt(e.state.subnets.get(&i.subnet_id).map(|s| &s.availability_zone_id)))),
        ("event.code", Field::Absent),
        ("event.description", Field::Absent),
        ("event.instance-event-id", Field::Absent),
        ("event.not-after", Field::Absent),
        ("event.not-before", Field::Absent),
        ("event.not-before-deadline", Field::Absent),
        ("instance-state-code", Field::Values(|i, _| one(i.state.code()))),
        ("instance-state-name", Field::Values(|i, _| one(i.state.name()))),
        ("instance-status.reachability", Field::Values(|i, _| reachability(i))),
        ("instance-status.status", Field::Values(|i, _| check(i))),
        ("operator.managed", Field::Values(|_, _| one(false))),
        ("operator.principal", Field::Absent),
        ("system-status.reachability", Field::Values(|i, _| reachability(i))),
        ("system-status.status", Field::Values(|i, _| check(i))),
    ],
};

/// DescribeInstanceCreditSpecifications' filters.
pub const CREDIT_FILTERS: FilterTable<Instance> = FilterTable { tags: None, fields: &[("instance-id", Field::Values(|i, _| one(&i.id)))] };
