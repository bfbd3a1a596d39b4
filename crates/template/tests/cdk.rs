//! The templates `cdk synth` makes of the CDK app in tests/cdk (checked in
//! under tests/cdk/synthesized; tests/test_cdk_synth.py keeps them fresh)
//! parse, bind and plan: the CDK's metadata condition (a nested Fn::Or of
//! Fn::Equals on the Region), Fn::GetAZs, Fn::Select, Fn::Join, the IAM
//! capability.

use serde_json::Value;
use std::collections::BTreeMap;
use xvpc_template::*;

struct Created;

impl Resolver for Created {
    fn physical_id(&self, id: &str) -> Option<String> {
        Some(format!("phys-{id}"))
    }
    fn attribute(&self, id: &str, attr: &str) -> Option<Value> {
        Some(format!("{id}.{attr}").into())
    }
    fn availability_zones(&self, region: &str) -> Vec<String> {
        vec![format!("{region}a"), format!("{region}b"), format!("{region}c")]
    }
}

fn load(stack: &str) -> Template {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/cdk/synthesized")
        .join(format!("{stack}.template.json"));
    Template::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn plan(t: &Template, region: &str, given: &[(&str, &str)]) -> (Vec<String>, BTreeMap<String, Value>) {
    let given = given.iter().map(|(k, v)| (k.to_string(), Given::Value(v.to_string()))).collect();
    let p = resolve_parameters(t, &given, &BTreeMap::new(), Pseudo::new("111111111111", region, "s", "id"), &NoLookup)
        .unwrap();
    let b = t.bind(&p).unwrap();
    let order = b.create_order().unwrap();
    let props = order
        .iter()
        .map(|id| {
            let v = b.resolve_properties(id, &Created).unwrap();
            schema::validate_properties(&t.resources[id].resource_type, id, &v).unwrap_or_else(|e| panic!("{id}: {e}"));
            (id.clone(), v)
        })
        .collect();
    b.outputs(&Created).unwrap();
    (order, props)
}

fn position(t: &Template, order: &[String], ty: &str) -> usize {
    order.iter().position(|id| t.resources[id].resource_type == ty).unwrap_or_else(|| panic!("no {ty}"))
}

#[test]
fn accepter_stack_needs_the_iam_capability_and_trusts_the_requester() {
    let t = load("XvpcPeeringAccepter");
    assert_eq!(t.summary().capabilities, [CAPABILITY_IAM]);
    let (order, props) = plan(&t, "us-east-1", &[("RequesterAccountId", "111111111111")]);
    assert!(order.contains(&"CDKMetadata".to_string()), "us-east-1 is in the CDK's metadata Regions");
    assert!(schema::NO_OP_TYPES.contains(&t.resources["CDKMetadata"].resource_type.as_str()));
    let role = order.iter().find(|id| t.resources[*id].resource_type == "AWS::IAM::Role").unwrap();
    let trust = props[role]["AssumeRolePolicyDocument"].to_string();
    assert!(trust.contains("arn:aws:iam::111111111111:root"), "{trust}");
    // Subnets spread over the Region's first two zones.
    let zones: Vec<&Value> = order
        .iter()
        .filter(|id| t.resources[*id].resource_type == "AWS::EC2::Subnet")
        .map(|id| &props[id]["AvailabilityZone"])
        .collect();
    assert_eq!(zones, [&Value::from("us-east-1a"), &Value::from("us-east-1b")]);
    // A Region outside the CDK's list: its metadata resource is not made.
    let (order, _) = plan(&t, "xx-test-1", &[]);
    assert!(!order.contains(&"CDKMetadata".to_string()));
}

#[test]
fn requester_stack_orders_vpc_peering_then_routes() {
    let t = load("XvpcPeeringRequester");
    assert!(t.summary().capabilities.is_empty());
    let (order, props) = plan(
        &t,
        "us-east-1",
        &[("PeerVpcId", "vpc-b"), ("PeerRoleArn", "arn:aws:iam::222222222222:role/accept")],
    );
    assert!(position(&t, &order, "AWS::EC2::VPC") < position(&t, &order, "AWS::EC2::VPCPeeringConnection"));
    let peering = order.iter().find(|id| t.resources[*id].resource_type == "AWS::EC2::VPCPeeringConnection").unwrap();
    assert_eq!(props[peering]["PeerOwnerId"], "222222222222");
    assert_eq!(props[peering]["PeerRoleArn"], "arn:aws:iam::222222222222:role/accept");
    let routes: Vec<&String> = order.iter().filter(|id| t.resources[*id].resource_type == "AWS::EC2::Route").collect();
    assert_eq!(routes.len(), 2);
    for r in routes {
        assert!(order.iter().position(|x| x == r) > order.iter().position(|x| x == peering));
        assert_eq!(props[r]["VpcPeeringConnectionId"], format!("phys-{peering}"));
        assert_eq!(props[r]["DestinationCidrBlock"], "10.2.0.0/16");
    }
    let e = resolve_parameters(&t, &BTreeMap::new(), &BTreeMap::new(), Pseudo::new("1", "us-east-1", "s", "id"), &NoLookup).unwrap_err();
    assert_eq!(e.message, "Parameters: [PeerRoleArn, PeerVpcId] must have values");
}
