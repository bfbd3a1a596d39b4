//! Instance actions: RunInstances, DescribeInstances, lifecycle, attributes,
//! status and credit specifications.

use xvpc_model::instance::{self, Instance, InstanceAttribute, InstanceState, RunInstances, StateChange};
use xvpc_model::{IdKind, ModelError, State};
use xvpc_wire::{QueryParams, XmlWriter};

use xvpc_model::volume::root_device;

use super::network_interface::write_group_set;
use super::{filters, paginate, tag_specs_for, timestamp, write_tags};
use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};

pub const ACTIONS: &[(&str, QueryHandler)] = &[
    ("RunInstances", run_instances),
    ("DescribeInstances", describe_instances),
    ("TerminateInstances", |c, p| change_state(c, p, instance::terminate, "instancesSet")),
    ("StopInstances", |c, p| change_state(c, p, instance::stop, "instancesSet")),
    ("StartInstances", |c, p| change_state(c, p, instance::start, "instancesSet")),
    ("DescribeInstanceAttribute", describe_instance_attribute),
    ("ModifyInstanceAttribute", modify_instance_attribute),
    ("DescribeInstanceStatus", describe_instance_status),
    ("DescribeInstanceCreditSpecifications", describe_instance_credit_specifications),
];

fn write_state(w: &mut XmlWriter, name: &str, s: InstanceState) {
    w.open(name).leaf("code", s.code().to_string()).leaf("name", s.name()).close(name);
}

/// One instance as DescribeInstances / RunInstances show it. `shown` is the
/// state to report (RunInstances reports `pending`).
pub fn write_instance(w: &mut XmlWriter, i: &Instance, state: &State, shown: InstanceState) {
    let gone = i.state == InstanceState::Terminated;
    let enis: Vec<_> = state.network_interfaces.values().filter(|e| e.attachment.as_ref().is_some_and(|a| a.instance_id == i.id)).collect();
    let groups: Vec<String> = state.network_interfaces.get(&i.primary_eni).map(|e| e.groups.clone()).unwrap_or_default();
    w.leaf("instanceId", &i.id).leaf("imageId", &i.image_id);
    write_state(w, "instanceState", shown);
    let public = if gone { None } else { i.public_ip(state) };
    let dns_name = public.map(|ip| xvpc_model::public_ip::shown_dns_name(state, &i.vpc_id, &i.region, ip)).unwrap_or_default();
    w.leaf("privateDnsName", if gone { String::new() } else { i.private_dns_name() }).leaf("dnsName", dns_name);
    w.leaf("reason", if gone { format!("User initiated ({})", timestamp(i.terminated_at.unwrap_or(0))) } else { String::new() });
    w.opt_leaf("keyName", i.key_name.as_ref()).leaf("amiLaunchIndex", "0");
    w.items("productCodes", Vec::<()>::new(), |_, _| {});
    w.leaf("instanceType", &i.instance_type).leaf("launchTime", timestamp(i.launch_time));
    w.open("placement").leaf("availabilityZone", &i.availability_zone).leaf("groupName", "").leaf("tenancy", "default").close("placement");
    w.open("monitoring").leaf("state", if i.monitoring { "enabled" } else { "disabled" }).close("monitoring");
    if !gone {
        w.leaf("subnetId", &i.subnet_id).leaf("vpcId", &i.vpc_id).leaf("privateIpAddress", i.private_ip.to_string());
        w.opt_leaf("ipAddress", public.map(|ip| ip.to_string()));
        let sdc = state.network_interfaces.get(&i.primary_eni).is_none_or(|e| e.source_dest_check);
        w.bool_leaf("sourceDestCheck", sdc);
    }
    write_group_set(w, &groups, state);
    if gone {
        w.open("stateReason").leaf("code", "Client.UserInitiatedShutdown").leaf("message", "Client.UserInitiatedShutdown: User initiated shutdown").close("stateReason");
    }
    w.leaf("architecture", "x86_64").leaf("rootDeviceType", "ebs").leaf("rootDeviceName", root_device(i));
    w.items("blockDeviceMapping", (!gone).then_some(()).into_iter(), |w, ()| {
        w.leaf("deviceName", root_device(i)).open("ebs").leaf("volumeId", i.root_volume_id()).leaf("status", "attached");
        w.leaf("attachTime", timestamp(i.launch_time)).bool_leaf("deleteOnTermination", true).close("ebs");
    });
    w.leaf("virtualizationType", "hvm").leaf("clientToken", i.client_token.clone().unwrap_or_default());
    write_tags(w, &i.tags);
    w.leaf("hypervisor", "xen");
    w.items("networkInterfaceSet", enis, |w, e| {
        let a = e.attachment.as_ref().expect("filtered on attachment");
        w.leaf("networkInterfaceId", &e.id).leaf("subnetId", &e.subnet_id).leaf("vpcId", &e.vpc_id).leaf("description", &e.description);
        w.leaf("ownerId", &e.owner).leaf("status", e.status()).leaf("macAddress", &e.mac_address);
        w.leaf("privateIpAddress", e.private_ip.to_string()).leaf("privateDnsName", xvpc_model::network_interface::private_dns_name(&e.region, e.private_ip));
        w.bool_leaf("sourceDestCheck", e.source_dest_check);
        write_group_set(w, &e.groups, state);
        super::network_interface::write_association(w, e, state, false);
        w.open("attachment").leaf("attachmentId", &a.id).leaf("deviceIndex", a.device_index.to_string()).leaf("status", "attached");
        w.leaf("attachTime", timestamp(a.attach_time)).bool_leaf("deleteOnTermination", a.delete_on_termination).leaf("networkCardIndex", "0").close("attachment");
        w.items("privateIpAddressesSet", e.all_ips().enumerate().collect::<Vec<_>>(), |w, (n, ip)| {
            w.leaf("privateIpAddress", ip.to_string())
                .leaf("privateDnsName", xvpc_model::network_interface::private_dns_name(&e.region, ip))
                .bool_leaf("primary", n == 0);
            if n == 0 {
                super::network_interface::write_association(w, e, state, false);
            }
        });
        w.items("ipv6AddressesSet", Vec::<()>::new(), |_, _| {});
        w.leaf("interfaceType", &e.interface_type);
    });
    let t = xvpc_model::instance_type::find(&i.instance_type);
    let vcpus = t.map(|t| t.vcpus).unwrap_or(1);
    w.bool_leaf("ebsOptimized", i.ebs_optimized).bool_leaf("enaSupport", true);
    w.open("cpuOptions").leaf("coreCount", vcpus.div_ceil(2).max(1).to_string()).leaf("threadsPerCore", if vcpus > 1 { "2" } else { "1" }).close("cpuOptions");
    w.open("capacityReservationSpecification").leaf("capacityReservationPreference", "open").close("capacityReservationSpecification");
    w.open("hibernationOptions").bool_leaf("configured", false).close("hibernationOptions");
    w.items("licenseSet", Vec::<()>::new(), |_, _| {});
    w.open("metadataOptions").leaf("state", "applied").leaf("httpTokens", "optional").leaf("httpPutResponseHopLimit", "1");
    w.leaf("httpEndpoint", "enabled").leaf("httpProtocolIpv6", "disabled").leaf("instanceMetadataTags", "disabled").close("metadataOptions");
    w.open("enclaveOptions").bool_leaf("enabled", false).close("enclaveOptions");
    w.leaf("platformDetails", "Linux/UNIX").leaf("usageOperation", "RunInstances").leaf("usageOperationUpdateTime", timestamp(i.launch_time));
    w.open("privateDnsNameOptions").leaf("hostnameType", "ip-name").bool_leaf("enableResourceNameDnsARecord", false);
    w.bool_leaf("enableResourceNameDnsAAAARecord", false).close("privateDnsNameOptions");
    w.open("maintenanceOptions").leaf("autoRecovery", "default").close("maintenanceOptions");
    w.leaf("currentInstanceBootMode", "legacy-bios");
}

fn write_reservation(w: &mut XmlWriter, insts: &[&Instance], state: &State, shown: impl Fn(&Instance) -> InstanceState) {
    let first = insts[0];
    w.leaf("reservationId", &first.reservation_id).leaf("ownerId", &first.owner);
    w.items("groupSet", Vec::<()>::new(), |_, _| {});
    w.items("instancesSet", insts, |w, i| write_instance(w, i, state, shown(i)));
}

fn run_instances(call: &mut Call, p: &QueryParams) -> Result<String> {
    let mut tags = tag_specs_for(p, &["instance", "network-interface", "volume"])?;
    // The first NetworkInterface.N (device 0) may carry the placement.
    let nic = p.structs("NetworkInterface").into_iter().next().unwrap_or_default();
    let nic_groups = nic.list("SecurityGroupId");
    if p.structs("NetworkInterface").len() > 1 {
        return Err(client("InvalidParameterValue", "Only one network interface per launch is supported by xvpc"));
    }
    if nic.get("NetworkInterfaceId").is_some() {
        return Err(client("InvalidParameterValue", "Launching with an existing network interface is not supported by xvpc"));
    }
    let mut groups = p.list("SecurityGroupId");
    groups.extend(nic_groups);
    let names = p.list("SecurityGroup");
    if !names.is_empty() {
        // Names resolve within the launch subnet's VPC (default VPC only in AWS).
        let s = call.state();
        let vpc = p.get("SubnetId").and_then(|id| s.subnets.get(id)).map(|x| x.vpc_id.clone());
        for n in names {
            let g = s
                .security_groups
                .scope(&call.ctx).find(|g| g.name == n && Some(&g.vpc_id) == vpc.as_ref())
                .ok_or_else(|| ModelError::NotFound(IdKind::SecurityGroup, n.clone()))?;
            groups.push(g.id.clone());
        }
    }
    let min = p.int("MinCount")?.ok_or_else(|| ModelError::MissingParameter("MinCount".into()))?;
    let max = p.int("MaxCount")?.ok_or_else(|| ModelError::MissingParameter("MaxCount".into()))?;
    let input = RunInstances {
        image_id: p.required("ImageId")?.to_string(),
        instance_type: p.get("InstanceType").map(str::to_string),
        subnet_id: p.get("SubnetId").or(nic.get("SubnetId")).map(str::to_string),
        availability_zone: p.child("Placement").get("AvailabilityZone").filter(|z| !z.is_empty()).map(str::to_string),
        private_ip: p.get("PrivateIpAddress").or(nic.get("PrivateIpAddress")).filter(|x| !x.is_empty()).map(str::to_string),
        group_ids: groups,
        user_data: p.get("UserData").filter(|u| !u.is_empty()).map(str::to_string),
        min_count: min,
        max_count: max,
        client_token: p.get("ClientToken").filter(|t| !t.is_empty()).map(str::to_string),
        key_name: p.get("KeyName").filter(|x| !x.is_empty()).map(str::to_string),
        instance_tags: tags.remove("instance").unwrap_or_default(),
        eni_tags: tags.remove("network-interface").unwrap_or_default(),
        eni_description: nic.get("Description").map(str::to_string),
        delete_on_termination: nic.bool("DeleteOnTermination")?.unwrap_or(true),
        disable_api_termination: p.bool("DisableApiTermination")?.unwrap_or(false),
        disable_api_stop: p.bool("DisableApiStop")?.unwrap_or(false),
        shutdown_behavior: p.get("InstanceInitiatedShutdownBehavior").map(str::to_string),
        ebs_optimized: p.bool("EbsOptimized")?.unwrap_or(false),
        monitoring: p.child("Monitoring").bool("Enabled")?.unwrap_or(false),
        associate_public_ip: nic.bool("AssociatePublicIpAddress")?,
    };
    let fresh = input.client_token.is_none()
        || !call.state().instances.values().any(|i| i.owner == call.ctx.account && i.client_token == input.client_token);
    let (ch, ids) = instance::run_instances(call.state(), &call.ctx, input)?;
    call.commit(ch)?;
    let s = call.state();
    let insts: Vec<&Instance> = ids.iter().map(|id| &s.instances[id]).collect();
    let mut w = XmlWriter::new();
    write_reservation(&mut w, &insts, s, |i| if fresh { InstanceState::Pending } else { i.state });
    Ok(w.finish())
}

fn describe_instances(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("InstanceId");
    let fs = filters(p);
    let s = call.state();
    for id in &ids {
        instance::visible(s, &call.ctx, id)?;
    }
    let listed = s.instances.scope(&call.ctx).filter(|i| i.is_visible(call.ctx.now) && (ids.is_empty() || ids.contains(&i.id)));
    let out = instance::FILTERS.select(&fs, s, &call.ctx, listed)?;
    let (page, next) = paginate(out, p, |i| format!("{}/{}", i.reservation_id, i.id), (5, 1000))?;
    let mut reservations: Vec<Vec<&Instance>> = Vec::new();
    for i in page {
        match reservations.iter_mut().find(|r| r[0].reservation_id == i.reservation_id) {
            Some(r) => r.push(i),
            None => reservations.push(vec![i]),
        }
    }
    let mut w = XmlWriter::new();
    w.items("reservationSet", reservations, |w, r| write_reservation(w, &r, s, |i| i.state));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

type StateCommand = fn(&State, &xvpc_model::Ctx, &[String]) -> xvpc_model::error::Result<(xvpc_model::Changes, Vec<StateChange>)>;

fn change_state(call: &mut Call, p: &QueryParams, cmd: StateCommand, set: &str) -> Result<String> {
    let ids = p.list("InstanceId");
    let (ch, changes) = cmd(call.state(), &call.ctx, &ids)?;
    call.commit(ch)?;
    let mut w = XmlWriter::new();
    w.items(set, changes, |w, c| {
        w.leaf("instanceId", &c.instance_id);
        write_state(w, "currentState", c.current);
        write_state(w, "previousState", c.previous);
    });
    Ok(w.finish())
}

fn value(w: &mut XmlWriter, name: &str, v: Option<String>) {
    w.open(name).opt_leaf("value", v).close(name);
}

fn describe_instance_attribute(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("InstanceId")?;
    let attr = p.required("Attribute")?;
    let s = call.state();
    let i = instance::visible(s, &call.ctx, id)?;
    let eni = s.network_interfaces.get(&i.primary_eni);
    let b = |x: bool| Some(x.to_string());
    let mut w = XmlWriter::new();
    w.leaf("instanceId", &i.id);
    match attr {
        "instanceType" => value(&mut w, "instanceType", Some(i.instance_type.clone())),
        "userData" => value(&mut w, "userData", i.user_data.clone()),
        "disableApiTermination" => value(&mut w, "disableApiTermination", b(i.disable_api_termination)),
        "disableApiStop" => value(&mut w, "disableApiStop", b(i.disable_api_stop)),
        "instanceInitiatedShutdownBehavior" => value(&mut w, "instanceInitiatedShutdownBehavior", Some(i.shutdown_behavior.clone())),
        "sourceDestCheck" => value(&mut w, "sourceDestCheck", b(eni.is_none_or(|e| e.source_dest_check))),
        "ebsOptimized" => value(&mut w, "ebsOptimized", b(i.ebs_optimized)),
        "enaSupport" => value(&mut w, "enaSupport", b(true)),
        "rootDeviceName" => value(&mut w, "rootDeviceName", Some(root_device(i).into())),
        "kernel" => value(&mut w, "kernel", None),
        "ramdisk" => value(&mut w, "ramdisk", None),
        "sriovNetSupport" => value(&mut w, "sriovNetSupport", None),
        "productCodes" => {
            w.items("productCodes", Vec::<()>::new(), |_, _| {});
        }
        "groupSet" => write_group_set(&mut w, &eni.map(|e| e.groups.clone()).unwrap_or_default(), s),
        "blockDeviceMapping" => {
            w.items("blockDeviceMapping", [()], |w, ()| {
                w.leaf("deviceName", root_device(i)).open("ebs").leaf("volumeId", i.root_volume_id()).leaf("status", "attached");
                w.leaf("attachTime", timestamp(i.launch_time)).bool_leaf("deleteOnTermination", true).close("ebs");
            });
        }
        "enclaveOptions" => {
            w.open("enclaveOptions").bool_leaf("enabled", false).close("enclaveOptions");
        }
        other => return Err(client("InvalidParameterValue", format!("Value ({other}) for parameter attribute is invalid. Unknown attribute."))),
    }
    Ok(w.finish())
}

fn modify_instance_attribute(call: &mut Call, p: &QueryParams) -> Result<String> {
    let id = p.required("InstanceId")?;
    let v = |k: &str| p.child(k).get("Value").map(str::to_string);
    let bv = |k: &str| p.child(k).bool("Value");
    let mut attrs = Vec::new();
    if let Some(t) = v("InstanceType") {
        attrs.push(InstanceAttribute::InstanceType(t));
    }
    if p.has_child("UserData") {
        attrs.push(InstanceAttribute::UserData(v("UserData").filter(|u| !u.is_empty())));
    }
    if let Some(b) = bv("DisableApiTermination")? {
        attrs.push(InstanceAttribute::DisableApiTermination(b));
    }
    if let Some(b) = bv("DisableApiStop")? {
        attrs.push(InstanceAttribute::DisableApiStop(b));
    }
    if let Some(b) = v("InstanceInitiatedShutdownBehavior") {
        attrs.push(InstanceAttribute::ShutdownBehavior(b));
    }
    if let Some(b) = bv("SourceDestCheck")? {
        attrs.push(InstanceAttribute::SourceDestCheck(b));
    }
    if let Some(b) = bv("EbsOptimized")? {
        attrs.push(InstanceAttribute::EbsOptimized(b));
    }
    let groups = p.list("GroupId");
    if !groups.is_empty() {
        attrs.push(InstanceAttribute::Groups(groups));
    }
    if let (Some(a), Some(val)) = (p.get("Attribute"), p.get("Value")) {
        let flag = || val.eq_ignore_ascii_case("true");
        attrs.push(match a {
            "instanceType" => InstanceAttribute::InstanceType(val.into()),
            "userData" => InstanceAttribute::UserData(Some(val.into())),
            "disableApiTermination" => InstanceAttribute::DisableApiTermination(flag()),
            "disableApiStop" => InstanceAttribute::DisableApiStop(flag()),
            "instanceInitiatedShutdownBehavior" => InstanceAttribute::ShutdownBehavior(val.into()),
            "sourceDestCheck" => InstanceAttribute::SourceDestCheck(flag()),
            "ebsOptimized" => InstanceAttribute::EbsOptimized(flag()),
            other => return Err(client("InvalidParameterValue", format!("Value ({other}) for parameter attribute is invalid."))),
        });
    }
    let attr = match attrs.len() {
        0 => return Err(client("MissingParameter", "The request must contain the parameter attribute")),
        1 => attrs.remove(0),
        _ => return Err(client("InvalidParameterCombination", "Fields for multiple attribute types specified")),
    };
    let ch = instance::modify_attribute(call.state(), &call.ctx, id, attr)?;
    call.commit(ch)?;
    Ok("<return>true</return>".into())
}

fn describe_instance_status(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("InstanceId");
    let all = p.bool("IncludeAllInstances")?.unwrap_or(false);
    let fs = filters(p);
    let s = call.state();
    for id in &ids {
        instance::visible(s, &call.ctx, id)?;
    }
    let listed = s.instances.scope(&call.ctx).filter(|i| i.is_visible(call.ctx.now) && (ids.is_empty() || ids.contains(&i.id)));
    let out = instance::STATUS_FILTERS.select(&fs, s, &call.ctx, listed.filter(|i| all || i.state.is_running()))?;
    let (page, next) = paginate(out, p, |i| i.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("instanceStatusSet", page, |w, i| {
        w.leaf("instanceId", &i.id).leaf("availabilityZone", &i.availability_zone);
        w.items("eventsSet", Vec::<()>::new(), |_, _| {});
        write_state(w, "instanceState", i.state);
        let running = i.state.is_running();
        for name in ["systemStatus", "instanceStatus"] {
            w.open(name).leaf("status", if running { "ok" } else { "not-applicable" });
            w.items("details", running.then_some(()).into_iter(), |w, ()| {
                w.leaf("name", "reachability").leaf("status", "passed");
            });
            w.close(name);
        }
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}

fn describe_instance_credit_specifications(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("InstanceId");
    let s = call.state();
    for id in &ids {
        instance::visible(s, &call.ctx, id)?;
    }
    let credits = |i: &Instance| xvpc_model::instance_type::find(&i.instance_type).and_then(|t| t.default_credits());
    let listed = s.instances.scope(&call.ctx).filter(|i| i.is_visible(call.ctx.now) && (ids.is_empty() || ids.contains(&i.id)) && credits(i).is_some());
    let rows = instance::CREDIT_FILTERS.select(&filters(p), s, &call.ctx, listed)?;
    let (page, next) = paginate(rows, p, |i| i.id.clone(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("instanceCreditSpecificationSet", page, |w, i| {
        w.leaf("instanceId", &i.id).opt_leaf("cpuCredits", credits(i));
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}
