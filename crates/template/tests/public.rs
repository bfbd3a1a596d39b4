//! AWS's own sample templates (tests/public/, see its README) parse, take
//! their parameters, bind, order and resolve, and every resource of a type
//! with a table validates against it.

use serde_json::Value;
use std::collections::BTreeMap;
use xvpc_template::*;

struct Made;

impl Resolver for Made {
    fn physical_id(&self, id: &str) -> Option<String> {
        Some(format!("phys-{id}"))
    }
    fn attribute(&self, id: &str, attr: &str) -> Option<Value> {
        // Plural attributes (SecondaryPrivateIpAddresses, Ipv6CidrBlocks) are lists.
        let list = ["Addresses", "Ids", "Entries", "Blocks"].iter().any(|s| attr.ends_with(s));
        let one = Value::String(format!("{id}.{attr}"));
        Some(if list { Value::Array(vec![one]) } else { one })
    }
    fn availability_zones(&self, region: &str) -> Vec<String> {
        ["a", "b", "c"].iter().map(|z| format!("{region}{z}")).collect()
    }
}

struct Ssm;

impl ParameterLookup for Ssm {
    fn ssm_parameter(&self, name: &str) -> Option<String> {
        name.starts_with("/aws/service/ami-amazon-linux-latest/").then(|| "ami-0123456789abcdef0".to_string())
    }
}

/// Plans `file` with `given` and returns the creation order, each
/// resource's resolved properties, and the template.
fn plan(file: &str, given: &[(&str, &str)]) -> (Template, Vec<String>, BTreeMap<String, Value>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/public").join(file);
    let t = Template::parse(&std::fs::read_to_string(path).unwrap()).unwrap_or_else(|e| panic!("{file}: {e}"));
    let given = given.iter().map(|(k, v)| (k.to_string(), Given::Value(v.to_string()))).collect();
    let pseudo = Pseudo::new("111111111111", "us-east-1", "s", "arn:aws:cloudformation:us-east-1:111111111111:stack/s/1");
    let p = resolve_parameters(&t, &given, &BTreeMap::new(), pseudo, &Ssm).unwrap_or_else(|e| panic!("{file}: {e}"));
    let (order, props) = {
        let b = t.bind(&p).unwrap_or_else(|e| panic!("{file}: {e}"));
        let order = b.create_order().unwrap();
        let mut props = BTreeMap::new();
        for id in &order {
            let v = b.resolve_properties(id, &Made).unwrap_or_else(|e| panic!("{file} {id}: {e}"));
            schema::validate_properties(&b.template.resources[id].resource_type, id, &v)
                .unwrap_or_else(|e| panic!("{file} {id}: {e}"));
            props.insert(id.clone(), v);
        }
        b.outputs(&Made).unwrap_or_else(|e| panic!("{file}: {e}"));
        (order, props)
    };
    (t, order, props)
}

fn before(order: &[String], a: &str, b: &str) -> bool {
    order.iter().position(|x| x == a) < order.iter().position(|x| x == b)
}

#[test]
fn vpc_peering_solution_templates() {
    let (t, _, props) = plan("VPCPeering-Accepter-Role.cfn.yaml", &[("PeerOwnerIds", "111111111111, 222222222222")]);
    assert_eq!(t.summary().capabilities, [CAPABILITY_IAM], "the role has no RoleName");
    let role = props.values().next().unwrap().to_string();
    assert!(role.contains("111111111111") && role.contains("222222222222"), "{role}");
    let e = resolve_parameters(
        &t,
        &[("PeerOwnerIds".to_string(), Given::Value("12".into()))].into_iter().collect(),
        &BTreeMap::new(),
        Pseudo::new("1", "us-east-1", "s", "id"),
        &NoLookup,
    )
    .unwrap_err();
    assert!(e.message.starts_with("Parameter 'PeerOwnerIds' failed to satisfy constraint: "), "{e}");

    let (_, order, props) = plan(
        "VPCPeering-Requester-Setup.cfn.yaml",
        &[
            ("PeerName", "b"),
            ("PeerOwnerId", "222222222222"),
            ("PeerRoleARN", "arn:aws:iam::222222222222:role/peer"),
            ("PeerVPCID", "vpc-0123456789abcdef0"),
            ("VPCID", "vpc-0fedcba9876543210"),
        ],
    );
    let peering = order.iter().find(|id| props[*id].get("PeerRoleArn").is_some()).expect("a peering connection");
    assert_eq!(props[peering]["PeerOwnerId"], "222222222222");
}

#[test]
fn vpc_samples() {
    let (t, order, props) = plan("VPC_With_Managed_NAT_And_Private_Subnet.yaml", &[]);
    let of = |ty: &str| order.iter().filter(|id| t.resources[*id].resource_type == ty).cloned().collect::<Vec<_>>();
    let (vpc, nat, eip) = (&of("AWS::EC2::VPC")[0], &of("AWS::EC2::NatGateway")[0], &of("AWS::EC2::EIP")[0]);
    assert!(before(&order, vpc, nat) && before(&order, eip, nat));
    assert_eq!(props[nat]["AllocationId"], format!("{eip}.AllocationId"));

    let (t, order, props) = plan("FindInMapAZs.yaml", &[]);
    let subnets: Vec<&String> = order.iter().filter(|id| t.resources[*id].resource_type == "AWS::EC2::Subnet").collect();
    assert!(!subnets.is_empty());
    for s in subnets {
        assert!(props[s]["AvailabilityZone"].as_str().unwrap().starts_with("us-east-1"), "{}", props[s]);
    }

    let (_, order, props) = plan(
        "VPC_EC2_Instance_With_Multiple_Static_IPAddresses.yaml",
        &[("KeyName", "k"), ("VpcId", "vpc-1"), ("SubnetId", "subnet-1"), ("PrimaryIPAddress", "10.0.0.10"), ("SecondaryIPAddress", "10.0.0.11")],
    );
    let instance = order.iter().find(|id| props[*id].get("ImageId").is_some()).expect("an instance");
    assert_eq!(props[instance]["ImageId"], "ami-0123456789abcdef0", "from Systems Manager");

    let (_, order, _) = plan("EIP_With_Association.yaml", &[("KeyName", "k"), ("Subnets", "subnet-1,subnet-2")]);
    assert!(order.len() >= 3);
}

#[test]
fn for_each_sample() {
    let (t, order, _) = plan("fn-foreach-s3-outputs.yaml", &[]);
    assert_eq!(order, ["S3BucketA", "S3BucketB", "S3BucketC"]);
    assert_eq!(t.resources["S3BucketB"].deletion_policy.as_deref(), Some("Retain"));
}
