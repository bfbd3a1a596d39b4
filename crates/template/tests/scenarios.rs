//! Every template of `scenarios/cloudformation/` parses, binds with its
//! parameters, orders its resources and resolves every property.

use serde_json::Value;
use std::collections::BTreeMap;
use xvpc_template::*;

struct Created;

impl Resolver for Created {
    fn physical_id(&self, id: &str) -> Option<String> {
        Some(format!("phys-{id}"))
    }
    fn attribute(&self, id: &str, attr: &str) -> Option<Value> {
        let t = schema_attr(id, attr);
        Some(t)
    }
    fn availability_zones(&self, region: &str) -> Vec<String> {
        vec![format!("{region}a"), format!("{region}b")]
    }
}

fn schema_attr(id: &str, attr: &str) -> Value {
    match attr {
        "CidrBlock" => "10.1.0.0/16".into(),
        "DnsEntries" => Value::Array(vec!["Z1:vpce-1.example".into()]),
        _ => format!("{id}.{attr}").into(),
    }
}

fn scenario_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/cloudformation")
}

#[test]
fn every_scenario_template_parses_and_plans() {
    let mut seen = 0;
    for entry in std::fs::read_dir(scenario_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
            continue;
        }
        seen += 1;
        let body = std::fs::read_to_string(&path).unwrap();
        let t = Template::parse(&body).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        // Every parameter without a default gets a value of its type.
        let given: BTreeMap<String, Given> = t
            .parameters
            .iter()
            .filter(|(_, p)| p.default.is_none())
            .map(|(k, p)| {
                let v = if p.param_type.is_list() { "a,b" } else { "x-1" };
                (k.clone(), Given::Value(v.into()))
            })
            .collect();
        let pseudo = Pseudo::new("111111111111", "us-east-1", "s", "arn:aws:cloudformation:us-east-1:111111111111:stack/s/1");
        let params = resolve_parameters(&t, &given, &BTreeMap::new(), pseudo, &NoLookup)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let bound = t.bind(&params).unwrap();
        let order = bound.create_order().unwrap();
        assert_eq!(order.len(), t.resources.len(), "{}", path.display());
        for id in &order {
            let deps = &t.resources[id].depends_on;
            for d in deps {
                assert!(order.iter().position(|x| x == d) < order.iter().position(|x| x == id));
            }
            let props = bound.resolve_properties(id, &Created).unwrap_or_else(|e| panic!("{}: {id}: {e}", path.display()));
            assert!(props.is_object());
            schema::validate_properties(&t.resources[id].resource_type, id, &props)
                .unwrap_or_else(|e| panic!("{}: {id}: {e}", path.display()));
        }
        bound.outputs(&Created).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    assert!(seen >= 8, "found {seen} templates");
}

#[test]
fn the_instance_stack_orders_the_vpc_before_its_subnets_and_the_instance_last() {
    let body = std::fs::read_to_string(scenario_dir().join("vpc-instance.yaml")).unwrap();
    let t = Template::parse(&body).unwrap();
    let given = [("Name", "a"), ("VpcCidr", "10.1.0.0/16"), ("Subnet1Cidr", "10.1.1.0/24"), ("Subnet2Cidr", "10.1.2.0/24"), ("PeerCidr", "10.2.0.0/16")]
        .into_iter()
        .filter(|(k, _)| t.parameters.contains_key(*k))
        .map(|(k, v)| (k.to_string(), Given::Value(v.into())))
        .collect();
    let params = resolve_parameters(&t, &given, &BTreeMap::new(), Pseudo::new("1", "us-east-1", "s", "id"), &NoLookup).unwrap();
    let order = t.bind(&params).unwrap().create_order().unwrap();
    let pos = |ty: &str| {
        order.iter().position(|id| t.resources[id].resource_type == ty).unwrap_or_else(|| panic!("no {ty}"))
    };
    assert!(pos("AWS::EC2::VPC") < pos("AWS::EC2::Subnet"));
    assert!(pos("AWS::EC2::Subnet") < pos("AWS::EC2::Instance"));
}
