//! Parses each template file given and prints `OK` or AWS's error, with
//! the resource count and capabilities (a ValidateTemplate without a
//! server): `cargo run -p xvpc-template --example validate -- [--plan] FILE...`.
//! With `--plan`, it also gives every parameter without a default a value
//! of its type, binds, orders the resources and resolves each one's
//! properties (with made-up ids and attributes) and checks them against the
//! generated property tables.

use serde_json::Value;
use std::collections::BTreeMap;
use xvpc_template::*;

struct Made;

impl Resolver for Made {
    fn physical_id(&self, id: &str) -> Option<String> {
        Some(format!("phys-{id}"))
    }
    fn attribute(&self, id: &str, attr: &str) -> Option<Value> {
        Some(match attr {
            "CidrBlock" => "10.0.0.0/16".into(),
            a if a.ends_with("Ipv6CidrBlocks") || a.ends_with("Ids") || a.ends_with("Entries") => {
                Value::Array(vec!["2600:1f16::/56".into()])
            }
            _ => format!("{id}.{attr}").into(),
        })
    }
    fn import_value(&self, name: &str) -> Option<String> {
        Some(format!("import-{name}"))
    }
    fn availability_zones(&self, region: &str) -> Vec<String> {
        ["a", "b", "c"].iter().map(|z| format!("{region}{z}")).collect()
    }
}

struct AnySsm;

impl ParameterLookup for AnySsm {
    fn ssm_parameter(&self, name: &str) -> Option<String> {
        Some(format!("ssm-{}", name.trim_start_matches('/')))
    }
}

fn plan(t: &Template) -> Result<usize> {
    let given = t
        .parameters
        .iter()
        .filter(|(_, p)| p.default.is_none())
        .map(|(k, p)| {
            let v = match (&p.allowed_values, &p.param_type) {
                (Some(a), _) if !a.is_empty() => a[0].clone(),
                (_, ParamType::Number | ParamType::NumberList) => p.min_value.unwrap_or(1.0).to_string(),
                _ => "x".repeat(p.min_length.unwrap_or(1).max(1) as usize),
            };
            (k.clone(), Given::Value(v))
        })
        .collect();
    let pseudo = Pseudo::new("111111111111", "us-east-1", "s", "arn:aws:cloudformation:us-east-1:111111111111:stack/s/1");
    let params = resolve_parameters(t, &given, &BTreeMap::new(), pseudo, &AnySsm)?;
    let bound = t.bind(&params)?;
    let order = bound.create_order()?;
    for id in &order {
        let props = bound.resolve_properties(id, &Made)?;
        schema::validate_properties(&bound.template.resources[id].resource_type, id, &props)?;
    }
    bound.outputs(&Made)?;
    Ok(order.len())
}

fn main() {
    let mut failed = 0;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let with_plan = args.iter().any(|a| a == "--plan");
    for path in args.iter().filter(|a| *a != "--plan") {
        let body = match std::fs::read_to_string(path) {
            Ok(b) => b,
            Err(e) => {
                println!("{path}: unreadable: {e}");
                failed += 1;
                continue;
            }
        };
        let result = Template::parse(&body).and_then(|t| {
            let planned = if with_plan { format!(", {} planned", plan(&t)?) } else { String::new() };
            Ok(format!("OK {} resources{planned}; capabilities {:?}", t.resources.len(), t.summary().capabilities))
        });
        match result {
            Ok(line) => println!("{path}: {line}"),
            Err(e) => {
                failed += 1;
                println!("{path}: {e}");
            }
        }
    }
    std::process::exit(if failed > 0 { 1 } else { 0 });
}
