//! Shape coverage of the instance outputs: every member xvpc holds for an
//! instance (running with a second interface and an Elastic IP, and
//! terminated) reaches the client under botocore's name.

use super::*;
use xvpc_wire::xml_output::body;
use xvpc_wire::EnumShape;

fn world() -> (xvpc_model::populated::World, Vec<Instance>) {
    let w = xvpc_model::populated::world();
    let insts: Vec<Instance> = w.state.instances.scope(&w.ctx).cloned().collect();
    assert!(insts.iter().any(|i| i.state == InstanceState::Terminated));
    assert!(insts.iter().any(|i| interfaces(i, &w.state).len() == 2), "an instance with a second interface");
    (w, insts)
}

/// What xvpc holds no value for in an instance: IPv6, Outposts, spot,
/// GPUs, licences, IAM profiles, capacity reservations and newer options.
const INSTANCE_NOT_HELD: &[&str] = &[
    "CapacityReservationSpecificationResponse.CapacityReservationTarget",
    "CpuOptions.AmdSevSnp",
    "CpuOptions.NestedVirtualization",
    "EbsInstanceBlockDevice.AssociatedResource",
    "EbsInstanceBlockDevice.EbsCardIndex",
    "EbsInstanceBlockDevice.Operator",
    "EbsInstanceBlockDevice.VolumeOwnerId",
    "Instance.BootMode",
    "Instance.CapacityBlockId",
    "Instance.CapacityReservationId",
    "Instance.ElasticGpuAssociations",
    "Instance.ElasticInferenceAcceleratorAssociations",
    "Instance.IamInstanceProfile",
    "Instance.InstanceLifecycle",
    "Instance.KernelId",
    "Instance.Licenses",
    "Instance.NetworkPerformanceOptions",
    "Instance.OutpostArn",
    "Instance.Platform",
    "Instance.ProductCodes",
    "Instance.RamdiskId",
    "Instance.SecondaryInterfaces",
    "Instance.SpotInstanceRequestId",
    "Instance.SriovNetSupport",
    "Instance.TpmSupport",
    "InstanceMaintenanceOptions.RebootMigration",
    "InstanceNetworkInterface.ConnectionTrackingConfiguration",
    "InstanceNetworkInterface.Ipv4Prefixes",
    "InstanceNetworkInterface.Ipv6Prefixes",
    "InstanceNetworkInterfaceAssociation.CarrierIp",
    "InstanceNetworkInterfaceAssociation.CustomerOwnedIp",
    "InstanceNetworkInterfaceAttachment.EnaQueueCount",
    "InstanceNetworkInterfaceAttachment.EnaSrdSpecification",
    "OperatorResponse.HiddenByDefault",
    "OperatorResponse.Principal",
    "Placement.Affinity",
    "Placement.GroupId",
    "Placement.HostId",
    "Placement.HostResourceGroupArn",
    "Placement.PartitionNumber",
    "Placement.SpreadDomain",
];

#[test]
fn instances_carry_every_member_xvpc_holds() {
    let (w, insts) = world();
    let refs: Vec<&Instance> = insts.iter().collect();
    let out = shape::DescribeInstancesResult { reservations: vec![reservation_shape(&refs, &w.state, |i| i.state)], next_token: Some("t".into()) };
    let xml = body(&out);
    let mut not_held = vec!["Reservation.Groups", "Reservation.RequesterId"];
    not_held.extend(INSTANCE_NOT_HELD);
    not_held.sort_unstable();
    assert_eq!(crate::shape_coverage::missing("ec2", "DescribeInstancesResult", &xml), not_held, "{xml}");
    // RunInstances answers a reservation itself.
    let run = body(&reservation_shape(&refs, &w.state, |_| InstanceState::Pending));
    assert!(run.contains("<name>pending</name>") && run.starts_with("<reservationId>"), "{run}");
}

#[test]
fn attributes_carry_their_members() {
    let (w, insts) = world();
    let running = insts.iter().find(|i| i.state == InstanceState::Running).expect("a running instance");
    let live = &Instance { user_data: Some("aGk=".into()), ..running.clone() };
    let answer = |name: &str| body(&attribute_shape(live, &w.state, shape::InstanceAttributeName::from(name)).expect("every listed attribute answers"));
    // HVM instances have no kernel, RAM disk or SR-IOV value: AWS answers
    // the element, empty.
    let valueless = ["kernel", "ramdisk", "sriovNetSupport"];
    for name in valueless {
        assert!(answer(name).contains(&format!("<{name}></{name}>")), "{}", answer(name));
    }
    let xml: String = shape::InstanceAttributeName::VALUES.iter().filter(|n| !valueless.contains(n)).map(|n| answer(n)).collect();
    // No product codes on the catalogue's images; block devices carry
    // what the instance's mapping does.
    let mut not_held = vec!["InstanceAttribute.KernelId", "InstanceAttribute.ProductCodes", "InstanceAttribute.RamdiskId", "InstanceAttribute.SriovNetSupport"];
    not_held.extend(INSTANCE_NOT_HELD.iter().filter(|m| m.starts_with("EbsInstanceBlockDevice.")));
    not_held.sort_unstable();
    assert_eq!(crate::shape_coverage::missing("ec2", "InstanceAttribute", &xml), not_held, "{xml}");
}

#[test]
fn status_and_credits_carry_every_member_xvpc_holds() {
    let (w, insts) = world();
    let out = shape::DescribeInstanceStatusResult { instance_statuses: insts.iter().map(|i| status_shape(i, &w.state)).collect(), next_token: Some("t".into()) };
    let xml = body(&out);
    let not_held = [
        "InstanceStatus.AttachedEbsStatus",
        "InstanceStatus.Events",
        "InstanceStatus.OutpostArn",
        "InstanceStatusDetails.ImpairedSince",
        "OperatorResponse.HiddenByDefault",
        "OperatorResponse.Principal",
    ];
    assert_eq!(crate::shape_coverage::missing("ec2", "DescribeInstanceStatusResult", &xml), not_held, "{xml}");
    let specs = insts.iter().map(|i| shape::InstanceCreditSpecification { instance_id: Some(i.id.clone()), cpu_credits: credits(i).map(str::to_string) });
    let out = shape::DescribeInstanceCreditSpecificationsResult { instance_credit_specifications: specs.collect(), next_token: Some("t".into()) };
    assert_eq!(crate::shape_coverage::missing("ec2", "DescribeInstanceCreditSpecificationsResult", &body(&out)), Vec::<String>::new());
}

#[test]
fn a_modify_request_names_one_attribute() {
    let req = |f: fn(&mut shape::ModifyInstanceAttributeRequest)| {
        let mut r = shape::ModifyInstanceAttributeRequest { instance_id: "i-1".into(), ..Default::default() };
        f(&mut r);
        requested_attribute(r).map_err(|e| e.to_api().code)
    };
    assert_eq!(req(|r| r.instance_type = Some(shape::AttributeValue { value: Some("t3.small".into()) })), Ok(InstanceAttribute::InstanceType("t3.small".into())));
    assert_eq!(
        req(|r| {
            r.attribute = Some(shape::InstanceAttributeName::DisableApiTermination);
            r.value = Some("TRUE".into());
        }),
        Ok(InstanceAttribute::DisableApiTermination(true))
    );
    assert_eq!(req(|r| r.user_data = Some(shape::BlobAttributeValue { value: Some(String::new()) })), Ok(InstanceAttribute::UserData(None)));
    assert_eq!(req(|_| {}), Err("MissingParameter".to_string()));
    assert_eq!(
        req(|r| {
            r.groups = vec!["sg-1".into()];
            r.ebs_optimized = Some(shape::AttributeBooleanValue { value: Some(true) });
        }),
        Err("InvalidParameterCombination".to_string())
    );
    assert_eq!(
        req(|r| {
            r.attribute = Some(shape::InstanceAttributeName::Kernel);
            r.value = Some("aki-1".into());
        }),
        Err("InvalidParameterValue".to_string())
    );
    assert_eq!(req(|r| r.kernel = Some(shape::AttributeValue { value: Some("aki-1".into()) })), Err("InvalidParameterValue".to_string()));
}
