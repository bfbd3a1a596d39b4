//! The generated shapes against each protocol's rules: what decodes, what
//! each protocol answers when a request does not fit, and the bytes the
//! serializers write.

use std::collections::BTreeMap;

use serde_json::json;
use xvpc_wire::json_shape::{self, ToJson};
use xvpc_wire::query_input::decode;
use xvpc_wire::shapes::{ec2, elbv2, ram, sts};
use xvpc_wire::xml_output::body;
use xvpc_wire::{QueryParams, Timestamp};

fn params(pairs: &[(&str, &str)]) -> QueryParams {
    QueryParams::from_pairs(pairs.iter().copied())
}

fn code<T: std::fmt::Debug>(r: Result<T, xvpc_wire::ApiError>) -> (String, String) {
    let e = r.expect_err("should not decode");
    assert_eq!(e.status, 400);
    (e.code, e.message)
}

#[test]
fn ec2_decodes_flat_lists_nested_lists_and_enums() {
    let p = params(&[
        ("Action", "DescribeVpcs"),
        ("Version", "2016-11-15"),
        ("Filter.2.Name", "tag:b"),
        ("Filter.1.Name", "tag:a"),
        ("Filter.1.Value.2", "y"),
        ("Filter.1.Value.1", "x"),
        ("VpcId.10", "vpc-10"),
        ("VpcId.2", "vpc-2"),
        ("MaxResults", "5"),
        ("DryRun", "false"),
    ]);
    let input = decode::<ec2::ops::DescribeVpcs>(&p).unwrap();
    assert_eq!(input.vpc_ids, vec!["vpc-2", "vpc-10"], "numeric index order");
    assert_eq!(input.filters.len(), 2);
    assert_eq!(input.filters[0].name.as_deref(), Some("tag:a"));
    assert_eq!(input.filters[0].values, vec!["x", "y"]);
    assert_eq!(input.max_results, Some(5));
    assert_eq!(input.dry_run, Some(false));

    let p = params(&[("CidrBlock", "10.0.0.0/16"), ("InstanceTenancy", "dedicated"), ("TagSpecification.1.ResourceType", "vpc"), ("TagSpecification.1.Tag.1.Key", "Name"), ("TagSpecification.1.Tag.1.Value", "a")]);
    let input = decode::<ec2::ops::CreateVpc>(&p).unwrap();
    assert_eq!(input.instance_tenancy, Some(ec2::Tenancy::Dedicated));
    assert_eq!(input.tag_specifications[0].resource_type, Some(ec2::ResourceType::Vpc));
    assert_eq!(input.tag_specifications[0].tags[0].value.as_deref(), Some("a"));
}

#[test]
fn ec2_refuses_unknown_missing_mistyped_and_unlisted() {
    let (c, m) = code(decode::<ec2::ops::DescribeVpcs>(&params(&[("Action", "DescribeVpcs"), ("Filter.x.Name", "vpc-id")])));
    assert_eq!((c.as_str(), m.as_str()), ("UnknownParameter", "The parameter Filter.x.Name is not recognized"));
    // A scalar list sent without an index, a zero index, a misspelt member.
    for bad in ["VpcId", "VpcId.0", "VpcIds.1", "Filter.1.Nme"] {
        assert_eq!(code(decode::<ec2::ops::DescribeVpcs>(&params(&[(bad, "x")]))).0, "UnknownParameter", "{bad}");
    }
    // A typo is reported before the required member it misspells.
    let (c, m) = code(decode::<ec2::ops::DeleteVpc>(&params(&[("VpcID", "vpc-1")])));
    assert_eq!((c.as_str(), m.as_str()), ("UnknownParameter", "The parameter VpcID is not recognized"));
    let (c, m) = code(decode::<ec2::ops::DeleteVpc>(&params(&[])));
    assert_eq!((c.as_str(), m.as_str()), ("MissingParameter", "The request must contain the parameter VpcId"));
    assert_eq!(code(decode::<ec2::ops::DeleteVpc>(&params(&[("VpcId", "")]))).0, "MissingParameter");
    // Optional strings keep an empty value: DeleteTags tells `Tag.1.Value=`
    // (only a tag whose value is empty) from no value (any value).
    let input = decode::<ec2::ops::DeleteTags>(&params(&[("ResourceId.1", "vpc-1"), ("Tag.1.Key", "k"), ("Tag.1.Value", ""), ("Tag.2.Key", "j")])).unwrap();
    assert_eq!((input.tags[0].value.as_deref(), input.tags[1].value.as_deref()), (Some(""), None));
    let input = decode::<ec2::ops::DescribeVpcs>(&params(&[("Filter.1.Name", "tag-value"), ("Filter.1.Value.1", "")])).unwrap();
    assert_eq!(input.filters[0].values, vec![""]);
    let (c, m) = code(decode::<ec2::ops::DescribeVpcs>(&params(&[("MaxResults", "five")])));
    assert_eq!(c, "InvalidParameterValue");
    assert!(m.contains("five") && m.contains("MaxResults"), "{m}");
    assert_eq!(code(decode::<ec2::ops::DeleteVpc>(&params(&[("VpcId", "vpc-1"), ("DryRun", "yes")]))).0, "InvalidParameterValue");
    let (c, m) = code(decode::<ec2::ops::CreateVpc>(&params(&[("CidrBlock", "10.0.0.0/16"), ("InstanceTenancy", "shared")])));
    assert_eq!(c, "InvalidParameterValue");
    assert!(m.starts_with("Value (shared) for parameter instanceTenancy is invalid"), "{m}");
    // Required members inside list items are named by their full key.
    let (c, m) = code(decode::<ec2::ops::DescribeVpcAttribute>(&params(&[("VpcId", "vpc-1")])));
    assert_eq!((c.as_str(), m.as_str()), ("MissingParameter", "The request must contain the parameter Attribute"));
}

#[test]
fn aws_query_decodes_member_lists_maps_and_empty_lists() {
    let p = params(&[
        ("Action", "CreateListener"),
        ("Version", "2015-12-01"),
        ("LoadBalancerArn", "arn:lb"),
        ("Protocol", "TCP"),
        ("Port", "80"),
        ("DefaultActions.member.1.Type", "forward"),
        ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.2.TargetGroupArn", "tg-2"),
        ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.TargetGroupArn", "tg-1"),
        ("DefaultActions.member.1.ForwardConfig.TargetGroups.member.1.Weight", "3"),
        ("DefaultActions.member.2.Type", "authenticate-cognito"),
        ("DefaultActions.member.2.AuthenticateCognitoConfig.UserPoolArn", "p"),
        ("DefaultActions.member.2.AuthenticateCognitoConfig.UserPoolClientId", "c"),
        ("DefaultActions.member.2.AuthenticateCognitoConfig.UserPoolDomain", "d"),
        ("DefaultActions.member.2.AuthenticateCognitoConfig.AuthenticationRequestExtraParams.entry.1.key", "k"),
        ("DefaultActions.member.2.AuthenticateCognitoConfig.AuthenticationRequestExtraParams.entry.1.value", "v"),
        ("AlpnPolicy", ""),
    ]);
    let input = decode::<elbv2::ops::CreateListener>(&p).unwrap();
    assert_eq!(input.protocol, Some(elbv2::ProtocolEnum::Tcp));
    assert_eq!(input.port, Some(80));
    let fc = input.default_actions[0].forward_config.as_ref().unwrap();
    assert_eq!(fc.target_groups.iter().map(|t| t.target_group_arn.as_deref().unwrap()).collect::<Vec<_>>(), vec!["tg-1", "tg-2"]);
    assert_eq!(fc.target_groups[0].weight, Some(3));
    let cognito = input.default_actions[1].authenticate_cognito_config.as_ref().unwrap();
    assert_eq!(cognito.authentication_request_extra_params, BTreeMap::from([("k".to_string(), "v".to_string())]));
    assert!(input.alpn_policy.is_empty(), "`AlpnPolicy=` is awsQuery's empty list");
}

#[test]
fn aws_query_answers_validation_errors_and_ignores_unknown_parameters() {
    let (c, m) = code(decode::<elbv2::ops::DescribeTags>(&params(&[("Action", "DescribeTags")])));
    assert_eq!(c, "ValidationError");
    assert_eq!(m, "1 validation error detected: Value null at 'resourceArns' failed to satisfy constraint: Member must not be null");
    let (c, m) = code(decode::<elbv2::ops::CreateListener>(&params(&[("LoadBalancerArn", "a"), ("DefaultActions.member.1.TargetGroupArn", "t")])));
    assert_eq!(c, "ValidationError");
    assert!(m.contains("Value null at 'defaultActions.1.member.type'"), "{m}");
    let (c, m) = code(decode::<elbv2::ops::CreateListener>(&params(&[("LoadBalancerArn", "a"), ("Protocol", "SCTP")])));
    assert_eq!(c, "ValidationError");
    assert!(m.contains("Value 'SCTP' at 'protocol' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, GENEVE"), "{m}");
    let (c, _) = code(decode::<elbv2::ops::CreateListener>(&params(&[("LoadBalancerArn", "a"), ("Port", "eighty")])));
    assert_eq!(c, "ValidationError");
    let (c, m) = code(decode::<sts::ops::AssumeRole>(&params(&[("RoleArn", "arn:aws:iam::111111111111:role/r")])));
    assert_eq!((c.as_str(), m.as_str()), ("ValidationError", "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null"));
    let ok = decode::<sts::ops::GetCallerIdentity>(&params(&[("Action", "GetCallerIdentity"), ("Bogus", "1"), ("X-Amz-Date", "x")]));
    assert!(ok.is_ok(), "awsQuery ignores parameters it does not know");
}

#[test]
fn ec2_serializes_location_names_item_lists_and_skips_absent_members() {
    let out = ec2::DescribeVpcsResult {
        vpcs: vec![ec2::Vpc {
            vpc_id: Some("vpc-1".into()),
            state: Some(ec2::VpcState::Available),
            is_default: Some(false),
            instance_tenancy: Some(ec2::Tenancy::from("default")),
            tags: vec![ec2::Tag { key: Some("a&b".into()), value: Some("c".into()) }],
            ..Default::default()
        }],
        next_token: None,
    };
    assert_eq!(
        body(&out),
        "<vpcSet><item><instanceTenancy>default</instanceTenancy><ipv6CidrBlockAssociationSet></ipv6CidrBlockAssociationSet>\
         <cidrBlockAssociationSet></cidrBlockAssociationSet><isDefault>false</isDefault><tagSet><item><key>a&amp;b</key><value>c</value></item></tagSet>\
         <vpcId>vpc-1</vpcId><state>available</state></item></vpcSet>"
    );
    assert_eq!(body(&xvpc_wire::shape::ReturnTrue), "<return>true</return>");
}

#[test]
fn aws_query_serializes_member_lists_and_timestamps() {
    let out = elbv2::DescribeTagsOutput {
        tag_descriptions: vec![elbv2::TagDescription { resource_arn: Some("arn:1".into()), tags: vec![elbv2::Tag { key: "k".into(), value: Some("v".into()) }] }],
    };
    assert_eq!(body(&out), "<TagDescriptions><member><ResourceArn>arn:1</ResourceArn><Tags><member><Key>k</Key><Value>v</Value></member></Tags></member></TagDescriptions>");
    let creds = sts::GetSessionTokenResponse {
        credentials: Some(sts::Credentials { access_key_id: "AK".into(), secret_access_key: "S".into(), session_token: "T".into(), expiration: Timestamp(0) }),
    };
    assert_eq!(
        body(&creds),
        "<Credentials><AccessKeyId>AK</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken><Expiration>1970-01-01T00:00:00.000Z</Expiration></Credentials>"
    );
}

#[test]
fn rest_json_decodes_body_and_query_string_members() {
    let q = QueryParams::parse("resourceShareArn=arn%3Ashare&clientToken=t", b"");
    let input = json_shape::decode::<ram::ops::DeleteResourceShare>(&json!({}), &q).unwrap();
    assert_eq!((input.resource_share_arn.as_str(), input.client_token.as_deref()), ("arn:share", Some("t")));
    let e = json_shape::decode::<ram::ops::DeleteResourceShare>(&json!({}), &QueryParams::default()).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("MissingRequiredParameterException", 400));

    let body = json!({"name": "s", "resourceArns": ["a"], "tags": [{"key": "k", "value": "v"}], "unknownMember": 1});
    let input = json_shape::decode::<ram::ops::CreateResourceShare>(&body, &QueryParams::default()).unwrap();
    assert_eq!(input.name, "s");
    assert_eq!(input.tags[0].key.as_deref(), Some("k"));
    for (bad, code) in [
        (json!({}), "MissingRequiredParameterException"),
        (json!({"name": 5}), "SerializationException"),
        (json!({"name": "s", "resourceArns": "a"}), "SerializationException"),
        (json!({"name": "s", "resourceArns": ["a", null]}), "SerializationException"),
        (json!({"name": "s", "allowExternalPrincipals": "yes"}), "SerializationException"),
    ] {
        let e = json_shape::decode::<ram::ops::CreateResourceShare>(&bad, &QueryParams::default()).unwrap_err();
        assert_eq!(e.code, code, "{bad}");
    }
    let e = json_shape::decode::<ram::ops::GetResourceShares>(&json!({"resourceOwner": "ME"}), &QueryParams::default()).unwrap_err();
    assert_eq!(e.code, "InvalidParameterException");
}

#[test]
fn rest_json_serializes_member_names_and_epoch_seconds() {
    let share = ram::ResourceShare {
        name: Some("s".into()),
        status: Some(ram::ResourceShareStatus::Active),
        creation_time: Some(Timestamp(1_500)),
        tags: vec![],
        ..Default::default()
    };
    assert_eq!(share.to_json(), json!({"name": "s", "status": "ACTIVE", "creationTime": 1.5, "tags": []}));
}
