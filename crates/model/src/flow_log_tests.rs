use super::*;
use crate::vpc::{create_vpc, CreateVpc};

fn world() -> (State, Ctx, String) {
    let ctx = Ctx::new("111111111111", "us-east-1", 1_000);
    let mut s = State::default();
    let (ch, v) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
    s.apply_all(ch);
    (s, ctx, v)
}

fn to_file(vpc: &str, traffic: &str) -> CreateFlowLogs {
    CreateFlowLogs {
        resource_type: "VPC".into(),
        resource_ids: vec![vpc.into()],
        traffic_type: Some(traffic.into()),
        destination_type: Some("s3".into()),
        destination: Some("file:///tmp/fl".into()),
        ..Default::default()
    }
}

#[test]
fn one_per_resource_unknown_and_duplicate_resources_fail_alone() {
    let (mut s, ctx, v) = world();
    let mut input = to_file(&v, "ALL");
    input.resource_ids.push("vpc-0000000000000000f".into());
    let (ch, out) = create(&s, &ctx, input.clone()).unwrap();
    s.apply_all(ch);
    assert!(out[0].1.as_ref().unwrap().starts_with("fl-"));
    assert_eq!(out[1].1, Err(ModelError::NotFound(IdKind::Vpc, "vpc-0000000000000000f".into())));
    let f = s.flow_logs.values().next().unwrap().clone();
    assert_eq!((f.log_format.as_str(), f.max_aggregation_interval, f.file_path()), (DEFAULT_FORMAT, 600, Some("/tmp/fl")));
    // Same resource, destination and traffic type: already exists; another
    // traffic type is another flow log.
    let (_, again) = create(&s, &ctx, to_file(&v, "ALL")).unwrap();
    assert_eq!(again[0].1, Err(ModelError::FlowLogAlreadyExists));
    let (ch, other) = create(&s, &ctx, to_file(&v, "REJECT")).unwrap();
    assert!(other[0].1.is_ok());
    s.apply_all(ch);
    // Another account sees neither the VPC nor the flow logs.
    let b = Ctx::new("222222222222", "us-east-1", 0);
    let id = f.id.clone();
    let (_, missing) = delete(&s, &b, std::slice::from_ref(&id));
    assert_eq!(missing, vec![id.clone()]);
    let (ch, missing) = delete(&s, &ctx, &[id.clone(), "fl-00000000000000000".into()]);
    assert_eq!(missing, vec!["fl-00000000000000000".to_string()]);
    s.apply_all(ch);
    assert!(!s.flow_logs.contains_key(&id));
}

#[test]
fn parameter_combinations_refuse_the_whole_call() {
    let (s, ctx, v) = world();
    let bad = |f: &dyn Fn(&mut CreateFlowLogs)| {
        let mut i = to_file(&v, "ALL");
        f(&mut i);
        create(&s, &ctx, i).unwrap_err()
    };
    assert_eq!(bad(&|i| i.traffic_type = None), ModelError::MissingParameter("TrafficType".into()));
    assert!(matches!(bad(&|i| i.max_aggregation_interval = Some(120)), ModelError::InvalidParameter(_)));
    assert!(matches!(bad(&|i| i.log_format = Some("${version} ${nope}".into())), ModelError::InvalidParameter(_)));
    assert!(matches!(bad(&|i| i.destination = Some("file://relative".into())), ModelError::InvalidParameter(_)));
    assert!(matches!(bad(&|i| i.log_group_name = Some("g".into())), ModelError::InvalidParameter(_)));
    // CloudWatch Logs: a role, and a group by name or ARN (not both).
    let cw = |f: &dyn Fn(&mut CreateFlowLogs)| {
        let mut i = to_file(&v, "ALL");
        i.destination_type = None;
        i.destination = None;
        i.deliver_logs_permission_arn = Some("arn:aws:iam::111111111111:role/fl".into());
        f(&mut i);
        create(&s, &ctx, i)
    };
    assert!(matches!(cw(&|i| i.deliver_logs_permission_arn = None).unwrap_err(), ModelError::InvalidParameter(_)));
    assert!(matches!(cw(&|_| {}).unwrap_err(), ModelError::InvalidParameter(_)));
    let (ch, _) = cw(&|i| i.log_group_name = Some("grp".into())).unwrap();
    let mut s2 = s.clone();
    s2.apply_all(ch);
    let f = s2.flow_logs.values().next().unwrap();
    assert_eq!(f.destination, "arn:aws:logs:us-east-1:111111111111:log-group:grp");
    let (ch, _) = cw(&|i| i.destination = Some("arn:aws:logs:us-east-1:111111111111:log-group:other:*".into())).unwrap();
    s2.apply_all(ch);
    assert!(s2.flow_logs.values().any(|f| f.log_group_name.as_deref() == Some("other")));
}

#[test]
fn a_record_renders_in_the_format_order() {
    let r = Record {
        account_id: "111111111111".into(),
        interface_id: "eni-1".into(),
        vpc_id: "vpc-1".into(),
        subnet_id: "subnet-1".into(),
        instance_id: None,
        srcaddr: "10.0.0.5".parse().unwrap(),
        dstaddr: "10.0.1.7".parse().unwrap(),
        srcport: 40000,
        dstport: 80,
        protocol: 6,
        packets: 1,
        bytes: 60,
        start: 10,
        end: 10,
        action: "REJECT".into(),
        flow_direction: "ingress".into(),
        region: "us-east-1".into(),
        az_id: Some("use1-az1".into()),
    };
    let fields = parse_format(DEFAULT_FORMAT).unwrap();
    assert_eq!(r.line(&fields), "2 111111111111 eni-1 10.0.0.5 10.0.1.7 40000 80 6 1 60 10 10 REJECT OK");
    assert_eq!(r.line(&parse_format("${vpc-id} ${instance-id} ${flow-direction} ${type}").unwrap()), "vpc-1 - ingress IPv4");
}
