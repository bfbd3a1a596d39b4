//! Engine tests: parsing, references, parameters, conditions, every
//! intrinsic function, ordering.

use crate::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Created resources: physical id `<id>-phys`, attributes `<id>.<attr>`.
struct Fake;

impl Resolver for Fake {
    fn physical_id(&self, id: &str) -> Option<String> {
        Some(format!("{id}-phys"))
    }
    fn attribute(&self, id: &str, attr: &str) -> Option<Value> {
        match attr {
            "Nope" => None,
            "List" => Some(json!(["x", "y"])),
            "CidrBlock" => Some(json!("10.0.0.0/16")),
            _ => Some(Value::String(format!("{id}.{attr}"))),
        }
    }
    fn import_value(&self, name: &str) -> Option<String> {
        (name == "shared-vpc").then(|| "vpc-123".into())
    }
    fn availability_zones(&self, region: &str) -> Vec<String> {
        ["a", "b", "c"].iter().map(|z| format!("{region}{z}")).collect()
    }
}

fn pseudo() -> Pseudo {
    Pseudo::new("111111111111", "us-east-1", "st", "arn:aws:cloudformation:us-east-1:111111111111:stack/st/1")
}

fn params(t: &Template, given: &[(&str, &str)]) -> Result<Params> {
    let g = given.iter().map(|(k, v)| (k.to_string(), Given::Value(v.to_string()))).collect();
    resolve_parameters(t, &g, &BTreeMap::new(), pseudo(), &NoLookup)
}

/// Evaluates `value` as the property `P` of a resource in a template with
/// the given extra sections.
fn eval_with(extra: &str, value: Value, given: &[(&str, &str)]) -> Result<Value> {
    let mut body = if extra.is_empty() { json!({}) } else { crate::yaml::body_to_json(extra).unwrap() };
    body["Resources"]["R"] = json!({"Type": "AWS::EC2::VPC", "Properties": {"P": value}});
    // A type without a table: any attribute name parses, Fake answers.
    body["Resources"]["Other"] = json!({"Type": "Custom::Other"});
    let t = Template::from_json(body)?;
    let p = params(&t, given)?;
    let props = t.resolve_resource("R", &p, &Fake)?;
    Ok(props.get("P").cloned().unwrap_or(Value::Null))
}

fn eval(value: Value) -> Value {
    eval_with("", value, &[]).unwrap()
}

fn eval_err(extra: &str, value: Value) -> String {
    eval_with(extra, value, &[]).unwrap_err().message
}

#[test]
fn ref_and_getatt() {
    assert_eq!(eval(json!({"Ref": "Other"})), json!("Other-phys"));
    assert_eq!(eval(json!({"Ref": "AWS::Region"})), json!("us-east-1"));
    assert_eq!(eval(json!({"Ref": "AWS::AccountId"})), json!("111111111111"));
    assert_eq!(eval(json!({"Ref": "AWS::Partition"})), json!("aws"));
    assert_eq!(eval(json!({"Ref": "AWS::URLSuffix"})), json!("amazonaws.com"));
    assert_eq!(eval(json!({"Ref": "AWS::StackName"})), json!("st"));
    assert_eq!(eval(json!({"Ref": "AWS::NotificationARNs"})), json!([]));
    assert_eq!(eval(json!({"Fn::GetAtt": ["Other", "CidrBlock"]})), json!("10.0.0.0/16"));
    assert_eq!(eval(json!({"Fn::GetAtt": "Other.Endpoint.Address"})), json!("Other.Endpoint.Address"));
    assert_eq!(
        eval_err("", json!({"Fn::GetAtt": ["Other", "Nope"]})),
        "Template error: resource Other does not support attribute type Nope in Fn::GetAtt"
    );
}

#[test]
fn no_value_removes_the_property_and_list_items() {
    let v = eval_with(
        "",
        json!({"A": {"Ref": "AWS::NoValue"}, "B": [1, {"Ref": "AWS::NoValue"}, 2]}),
        &[],
    )
    .unwrap();
    assert_eq!(v, json!({"B": [1, 2]}));
    let t = Template::parse("Resources:\n  R:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Ref AWS::NoValue\n").unwrap();
    let p = params(&t, &[]).unwrap();
    assert_eq!(t.resolve_resource("R", &p, &Fake).unwrap(), json!({}));
}

#[test]
fn sub_both_forms_and_literals() {
    assert_eq!(
        eval(json!({"Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc/${Other}"})),
        json!("arn:aws:ec2:us-east-1:111111111111:vpc/Other-phys")
    );
    assert_eq!(eval(json!({"Fn::Sub": "${Other.CidrBlock} and ${!Literal} $ {x}"})), json!("10.0.0.0/16 and ${Literal} $ {x}"));
    assert_eq!(
        eval(json!({"Fn::Sub": ["${A}-${B}", {"A": "one", "B": {"Ref": "AWS::Region"}}]})),
        json!("one-us-east-1")
    );
    assert_eq!(
        eval_err("", json!({"Fn::Sub": ["${A}", {"A": ["x"]}]})),
        "Template error: variable A in Fn::Sub expression does not resolve to a string"
    );
    assert!(eval_err("", json!({"Fn::Sub": 3})).starts_with("Template error: One or more Fn::Sub"));
    assert_eq!(
        eval_err("", json!({"Fn::Sub": "${Bad-Name}"})),
        "Template error: variable names in Fn::Sub syntax must contain only alphanumeric characters, underscores, periods, and colons"
    );
}

#[test]
fn join_select_split() {
    assert_eq!(eval(json!({"Fn::Join": [":", ["a", 1, true]]})), json!("a:1:true"));
    assert_eq!(eval(json!({"Fn::Join": ["", {"Fn::GetAZs": ""}]})), json!("us-east-1aus-east-1bus-east-1c"));
    assert_eq!(eval(json!({"Fn::Select": ["1", ["a", "b"]]})), json!("b"));
    assert_eq!(eval(json!({"Fn::Select": [0, {"Fn::GetAtt": ["Other", "List"]}]})), json!("x"));
    assert_eq!(
        eval_err("", json!({"Fn::Select": [5, ["a"]]})),
        "Template error: Fn::Select cannot select nonexistent value at index 5"
    );
    assert_eq!(eval(json!({"Fn::Split": [",", "a,b,,c"]})), json!(["a", "b", "", "c"]));
    assert_eq!(
        eval(json!({"Fn::Select": [2, {"Fn::Split": ["/", {"Fn::Sub": "${Other.CidrBlock}/x"}]}]})),
        json!("x")
    );
    assert!(eval_err("", json!({"Fn::Join": [","]})).starts_with("Template error: every Fn::Join object requires two parameters"));
}

#[test]
fn getazs_cidr_base64_import() {
    assert_eq!(eval(json!({"Fn::GetAZs": ""})), json!(["us-east-1a", "us-east-1b", "us-east-1c"]));
    assert_eq!(eval(json!({"Fn::GetAZs": {"Ref": "AWS::Region"}})), json!(["us-east-1a", "us-east-1b", "us-east-1c"]));
    assert_eq!(eval(json!({"Fn::GetAZs": "eu-west-1"})).as_array().unwrap().len(), 3);
    assert_eq!(eval(json!({"Fn::GetAZs": null})), json!(["us-east-1a", "us-east-1b", "us-east-1c"]));
    assert_eq!(
        eval(json!({"Fn::Cidr": [{"Fn::GetAtt": ["Other", "CidrBlock"]}, 2, "8"]})),
        json!(["10.0.0.0/24", "10.0.1.0/24"])
    );
    assert_eq!(eval(json!({"Fn::Base64": "#!/bin/sh\necho hi\n"})), json!("IyEvYmluL3NoCmVjaG8gaGkK"));
    assert_eq!(eval(json!({"Fn::ImportValue": "shared-vpc"})), json!("vpc-123"));
    assert_eq!(eval_err("", json!({"Fn::ImportValue": "other"})), "No export named other found");
}

#[test]
fn find_in_map_and_its_default() {
    let maps = "Mappings:\n  M:\n    us-east-1: {Ami: ami-1}\n";
    assert_eq!(
        eval_with(maps, json!({"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "Ami"]}), &[]).unwrap(),
        json!("ami-1")
    );
    assert_eq!(eval_err(maps, json!({"Fn::FindInMap": ["M", "eu-west-1", "Ami"]})), "Template error: Unable to get mapping for M::eu-west-1::Ami");
    // DefaultValue needs AWS::LanguageExtensions, as in AWS.
    let with_default = json!({"Fn::FindInMap": ["M", "eu-west-1", "Ami", {"DefaultValue": "ami-0"}]});
    assert!(eval_with(maps, with_default.clone(), &[]).is_err());
    let ext = format!("Transform: AWS::LanguageExtensions\n{maps}");
    assert_eq!(eval_with(&ext, with_default, &[]).unwrap(), json!("ami-0"));
}

#[test]
fn language_extensions_functions() {
    let ext = "Transform: AWS::LanguageExtensions\n";
    assert_eq!(eval_with(ext, json!({"Fn::Length": [1, 2, 3]}), &[]).unwrap(), json!(3));
    assert_eq!(eval_with(ext, json!({"Fn::Length": {"Fn::GetAZs": ""}}), &[]).unwrap(), json!(3));
    assert_eq!(
        eval_with(ext, json!({"Fn::ToJsonString": {"a": {"Ref": "AWS::Region"}}}), &[]).unwrap(),
        json!("{\"a\":\"us-east-1\"}")
    );
    let e = eval_err("", json!({"Fn::Length": [1]}));
    assert!(e.starts_with("Template error: Encountered unsupported function: Fn::Length Supported functions are: [Fn::Base64, Fn::GetAtt,"), "{e}");
    let e = Template::parse("Resources:\n  R: {Type: T, Properties: {A: {Fn::Lenght: [1]}}}\n").unwrap_err();
    assert!(e.message.starts_with("Template error: Encountered unsupported function: Fn::Lenght"), "{e}");
    let e = Template::parse("Transform: AWS::Serverless-2016-10-31\nResources:\n  R: {Type: AWS::EC2::VPC}\n").unwrap_err();
    assert!(e.message.contains("AWS::Serverless-2016-10-31"), "{e}");
}

#[test]
fn conditions_and_if() {
    let extra = r#"
Parameters:
  Env: {Type: String, Default: prod, AllowedValues: [prod, dev]}
  Port: {Type: Number, Default: 80}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  Both: !And [!Condition IsProd, !Equals [!Ref Port, "80"]]
  Either: !Or [!Condition IsDev, !Equals [a, b]]
"#;
    let v = json!({"Fn::If": ["IsProd", "big", {"Ref": "AWS::NoValue"}]});
    assert_eq!(eval_with(extra, v.clone(), &[]).unwrap(), json!("big"));
    assert_eq!(eval_with(extra, v, &[("Env", "dev")]).unwrap(), Value::Null, "NoValue removes P");
    assert_eq!(eval_with(extra, json!({"Fn::If": ["Both", 1, 2]}), &[]).unwrap(), json!(1));
    assert_eq!(eval_with(extra, json!({"Fn::If": ["Either", 1, 2]}), &[]).unwrap(), json!(2));
    assert_eq!(eval_with(extra, json!({"Fn::If": ["Either", 1, 2]}), &[("Env", "dev")]).unwrap(), json!(1));
}

const CONDITIONAL: &str = r#"
Parameters:
  Make: {Type: String, Default: "yes"}
Conditions:
  MakeIt: !Equals [!Ref Make, "yes"]
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  Igw: {Type: AWS::EC2::InternetGateway, Condition: MakeIt}
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !If [MakeIt, !Ref Igw, !Ref AWS::NoValue]
  Uses:
    Type: AWS::EC2::Subnet
    Condition: MakeIt
    Properties: {VpcId: !Ref Vpc, CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 1, 8]], AvailabilityZone: !Ref Igw}
Outputs:
  IgwId: {Value: !Ref Igw, Condition: MakeIt, Export: {Name: !Sub "${AWS::StackName}-igw"}}
  VpcId: {Value: !Ref Vpc, Description: the VPC}
"#;

#[test]
fn resource_conditions_order_and_outputs() {
    let t = Template::parse(CONDITIONAL).unwrap();
    let p = params(&t, &[]).unwrap();
    let b = t.bind(&p).unwrap();
    assert_eq!(b.create_order().unwrap(), ["Igw", "Vpc", "Attach", "Uses"]);
    assert_eq!(b.delete_order().unwrap(), ["Uses", "Attach", "Vpc", "Igw"]);
    assert_eq!(t.dependencies("Uses").into_iter().collect::<Vec<_>>(), ["Igw", "Vpc"]);
    assert!(t.dependencies("Nope").is_empty());
    let out = b.outputs(&Fake).unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0], ResolvedOutput { key: "IgwId".into(), value: "Igw-phys".into(), description: None, export_name: Some("st-igw".into()) });
    assert_eq!(out[1].description.as_deref(), Some("the VPC"));

    let p = params(&t, &[("Make", "no")]).unwrap();
    let b = t.bind(&p).unwrap();
    assert_eq!(b.create_order().unwrap(), ["Vpc", "Attach"]);
    assert!(!b.is_active("Igw"));
    assert_eq!(b.resolve_properties("Attach", &Fake).unwrap(), json!({"VpcId": "Vpc-phys"}));
    assert_eq!(b.outputs(&Fake).unwrap().len(), 1);
}

#[test]
fn a_live_reference_to_a_resource_whose_condition_is_false_is_refused() {
    let body = CONDITIONAL.replace("InternetGatewayId: !If [MakeIt, !Ref Igw, !Ref AWS::NoValue]", "InternetGatewayId: !Ref Igw");
    let t = Template::parse(&body).unwrap();
    let p = params(&t, &[("Make", "no")]).unwrap();
    assert_eq!(
        t.bind(&p).unwrap_err().message,
        "Template format error: Unresolved resource dependencies [Igw] in the Resources block of the template"
    );
}

#[test]
fn an_output_of_a_resource_whose_condition_is_false_is_refused() {
    let body = CONDITIONAL.replace("IgwId: {Value: !Ref Igw, Condition: MakeIt,", "IgwId: {Value: !Ref Igw,");
    let t = Template::parse(&body).unwrap();
    let p = params(&t, &[("Make", "no")]).unwrap();
    assert_eq!(
        t.bind(&p).unwrap_err().message,
        "Template format error: Unresolved resource dependencies [Igw] in the Outputs block of the template"
    );
    assert!(t.bind(&params(&t, &[]).unwrap()).is_ok());
}

#[test]
fn unresolved_references_name_the_block() {
    let e = Template::parse("Resources:\n  A: {Type: AWS::EC2::VPC, Properties: {X: !Ref Nope, Y: !GetAtt Gone.Arn}}\n").unwrap_err();
    assert_eq!(e.message, "Template format error: Unresolved resource dependencies [Gone, Nope] in the Resources block of the template");
    assert_eq!(e.kind, ErrorKind::Format);
    let e = Template::parse("Resources:\n  A: {Type: AWS::EC2::VPC, DependsOn: [B]}\n").unwrap_err();
    assert_eq!(e.message, "Template format error: Unresolved resource dependencies [B] in the Resources block of the template");
    let e = Template::parse("Resources:\n  A: {Type: AWS::EC2::VPC, Properties: {X: !Sub '${Missing}'}}\n").unwrap_err();
    assert_eq!(e.message, "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template");
    let e = Template::parse("Resources:\n  A: {Type: AWS::EC2::VPC}\nOutputs:\n  O: {Value: !Ref B}\n").unwrap_err();
    assert_eq!(e.message, "Template format error: Unresolved resource dependencies [B] in the Outputs block of the template");
    let e = Template::parse("Conditions:\n  C: !Equals [!Ref A, x]\nResources:\n  A: {Type: AWS::EC2::VPC}\n").unwrap_err();
    assert_eq!(e.message, "Template format error: Unresolved dependencies [A]. Cannot reference resources in the Conditions block of the template");
}

#[test]
fn cycles_are_refused() {
    let e = Template::parse(
        "Resources:\n  A: {Type: AWS::EC2::VPC, Properties: {X: !Ref B}}\n  B: {Type: AWS::EC2::VPC, DependsOn: A}\n  C: {Type: AWS::EC2::VPC, DependsOn: A}\n",
    )
    .unwrap_err();
    assert_eq!(e.message, "Circular dependency between resources: [A, B]");
    let e = Template::parse("Resources:\n  A: {Type: AWS::EC2::VPC, Properties: {X: !GetAtt A.CidrBlock}}\n").unwrap_err();
    assert_eq!(e.message, "Circular dependency between resources: [A]");
    let e = Template::parse("Conditions:\n  X: !Condition Y\n  Y: !Not [!Condition X]\nResources:\n  A: {Type: AWS::EC2::VPC}\n").unwrap_err();
    assert_eq!(e.message, "Template format error: Circular dependency between conditions: [X, Y]");
}

#[test]
fn structure_errors() {
    let e = |body: &str| Template::parse(body).unwrap_err().message;
    assert_eq!(e("Description: x\n"), "Template format error: At least one Resources member must be defined.");
    assert_eq!(e("Resource: {}\nResources: {A: {Type: T}}\n"), "Template format error: Invalid template property or properties [Resource]");
    assert_eq!(e("Resources: {A: {Type: T, Propertes: {}}}\n"), "Template format error: Invalid template resource property 'Propertes'");
    assert_eq!(e("Resources: {A: {Properties: {}}}\n"), "Template format error: [/Resources/A] Every Resources object must contain a Type member.");
    assert_eq!(e("Resources: {A-b: {Type: T}}\n"), "Template format error: Resource name A-b is non alphanumeric.");
    assert_eq!(e("Parameters: {P: {Default: x}}\nResources: {A: {Type: T}}\n"), "Template format error: Every Parameters object must contain a Type member.");
    assert_eq!(e("Parameters: {P: {Type: Strin}}\nResources: {A: {Type: T}}\n"), "Template format error: Unrecognized parameter type: Strin");
    assert_eq!(e("Resources: {A: {Type: T}}\nOutputs: {O: {Description: x}}\n"), "Template format error: Every Outputs member must contain a Value object");
    assert_eq!(e("Resources: {A: {Type: T, DeletionPolicy: Keep}}\n"), "Template format error: Unrecognized DeletionPolicy Keep for resource A");
    let many: serde_json::Map<String, Value> = (0..501).map(|i| (format!("R{i}"), json!({"Type": "T"}))).collect();
    assert_eq!(
        Template::from_json(json!({"Resources": many})).unwrap_err().message,
        "Template format error: Number of resources, 501, is greater than maximum allowed, 500"
    );
    // An unknown resource type parses: the stack engine fails it by name.
    let t = Template::parse("Resources: {A: {Type: AWS::Made::Up, DeletionPolicy: Retain, UpdateReplacePolicy: Retain}}\n").unwrap();
    assert_eq!(t.resources["A"].resource_type, "AWS::Made::Up");
    assert_eq!(t.resources["A"].deletion_policy.as_deref(), Some("Retain"));
}

fn typed(ty: &str, extra: &str, value: &str) -> Result<Value> {
    let body = format!("Parameters:\n  P:\n    Type: {ty}\n{extra}Resources: {{A: {{Type: T}}}}\n");
    let t = Template::parse(&body).unwrap();
    params(&t, &[("P", value)]).map(|p| p.values["P"].clone())
}

#[test]
fn parameter_types() {
    assert_eq!(typed("String", "", "x").unwrap(), json!("x"));
    assert_eq!(typed("Number", "", "8.5").unwrap(), json!("8.5"));
    assert_eq!(typed("Number", "", "x").unwrap_err().message, "Parameter 'P' must be a number.");
    assert_eq!(typed("List<Number>", "", "1, 2").unwrap(), json!(["1", "2"]));
    assert_eq!(typed("List<Number>", "", "1,b").unwrap_err().message, "Parameter 'P' must be a number.");
    assert_eq!(typed("CommaDelimitedList", "", "a,b c").unwrap(), json!(["a", "b c"]));
    assert_eq!(typed("AWS::EC2::VPC::Id", "", "vpc-1").unwrap(), json!("vpc-1"));
    assert_eq!(typed("List<AWS::EC2::Subnet::Id>", "", "subnet-1,subnet-2").unwrap(), json!(["subnet-1", "subnet-2"]));
    assert!(ParamType::parse("List<AWS::EC2::Bogus::Id>").is_none());
    assert!(ParamType::parse("AWS::SSM::Parameter::Value<List<String>>").unwrap().is_list());
}

#[test]
fn parameter_constraints_with_aws_messages() {
    let m = |ty: &str, extra: &str, v: &str| typed(ty, extra, v).unwrap_err().message;
    assert_eq!(m("String", "    AllowedValues: [a, b]\n", "c"), "Parameter 'P' must be one of AllowedValues");
    assert_eq!(m("String", "    AllowedPattern: '[0-9]{12}'\n", "12"), "Parameter 'P' must match pattern [0-9]{12}");
    assert!(typed("String", "    AllowedPattern: '[0-9]{12}'\n", "111111111111").is_ok());
    assert_eq!(m("String", "    MinLength: 3\n", "ab"), "Parameter 'P' must contain at least 3 characters");
    assert_eq!(m("String", "    MaxLength: 1\n", "ab"), "Parameter 'P' must contain at most 1 characters");
    assert_eq!(m("Number", "    MinValue: 2\n", "1"), "Parameter 'P' must be a number not less than 2");
    assert_eq!(m("Number", "    MaxValue: 2.5\n", "3"), "Parameter 'P' must be a number not greater than 2.5");
    assert_eq!(
        m("String", "    AllowedPattern: '[a-z]+'\n    ConstraintDescription: lower-case letters only\n", "A"),
        "Parameter 'P' failed to satisfy constraint: lower-case letters only"
    );
    assert_eq!(m("CommaDelimitedList", "    AllowedValues: [a, b]\n", "a,c"), "Parameter 'P' must be one of AllowedValues");
    // A Java pattern this engine cannot read (look-ahead) is not checked.
    assert!(typed("String", "    AllowedPattern: '^(?=.{3,5}$)[a-z]+$'\n", "ab").is_ok());
}

#[test]
fn missing_unknown_previous_and_no_echo() {
    let t = Template::parse(
        "Parameters:\n  A: {Type: String}\n  B: {Type: String}\n  S: {Type: String, NoEcho: true, Default: secret}\nResources: {R: {Type: T}}\n",
    )
    .unwrap();
    assert_eq!(params(&t, &[]).unwrap_err().message, "Parameters: [A, B] must have values");
    assert_eq!(params(&t, &[("Z", "1")]).unwrap_err().message, "Parameters: [Z] do not exist in the template");
    let mut given = BTreeMap::new();
    given.insert("A".to_string(), Given::UsePrevious);
    given.insert("B".to_string(), Given::Value("b".into()));
    let e = resolve_parameters(&t, &given, &BTreeMap::new(), pseudo(), &NoLookup).unwrap_err();
    assert!(e.message.starts_with("Invalid input for parameter key A."), "{e}");
    let previous = [("A".to_string(), "old".to_string())].into_iter().collect();
    let p = resolve_parameters(&t, &given, &previous, pseudo(), &NoLookup).unwrap();
    assert_eq!(p.values["A"], json!("old"));
    assert_eq!(p.values["S"], json!("secret"));
    let shown: Vec<(&str, &str)> = p.shown().iter().map(|s| (s.key.as_str(), s.value.as_str())).collect();
    assert_eq!(shown, [("A", "old"), ("B", "b"), ("S", "****")]);
    assert_eq!(p.given["S"], "secret", "kept for UsePreviousValue");
}

struct Ssm;
impl ParameterLookup for Ssm {
    fn ssm_parameter(&self, name: &str) -> Option<String> {
        match name {
            "/ami" => Some("ami-42".into()),
            "/subnets" => Some("subnet-1,subnet-2".into()),
            _ => None,
        }
    }
    fn exists(&self, _ty: &str, value: &str) -> bool {
        value != "vpc-gone"
    }
}

#[test]
fn ssm_and_existence_lookups() {
    let t = Template::parse(
        "Parameters:\n  Ami: {Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>', Default: /ami}\n  Subnets: {Type: 'AWS::SSM::Parameter::Value<List<AWS::EC2::Subnet::Id>>', Default: /subnets}\n  Vpc: {Type: 'AWS::EC2::VPC::Id', Default: vpc-1}\nResources: {R: {Type: T}}\n",
    )
    .unwrap();
    let p = resolve_parameters(&t, &BTreeMap::new(), &BTreeMap::new(), pseudo(), &Ssm).unwrap();
    assert_eq!(p.values["Ami"], json!("ami-42"));
    assert_eq!(p.values["Subnets"], json!(["subnet-1", "subnet-2"]));
    let ami = &p.shown()[0];
    assert_eq!((ami.value.as_str(), ami.resolved_value.as_deref()), ("/ami", Some("ami-42")));
    let mut given = BTreeMap::new();
    given.insert("Ami".to_string(), Given::Value("/none".into()));
    let e = resolve_parameters(&t, &given, &BTreeMap::new(), pseudo(), &Ssm).unwrap_err();
    assert_eq!(e.message, "Unable to fetch parameters [/none] from parameter store for this account.");
    let mut given = BTreeMap::new();
    given.insert("Vpc".to_string(), Given::Value("vpc-gone".into()));
    let e = resolve_parameters(&t, &given, &BTreeMap::new(), pseudo(), &Ssm).unwrap_err();
    assert_eq!(e.message, "Parameter validation failed: parameter value vpc-gone for parameter name Vpc does not exist");
}

#[test]
fn pseudo_parameters_follow_the_partition() {
    let p = Pseudo::new("1", "cn-north-1", "s", "id");
    assert_eq!(p.value("AWS::Partition"), Some(json!("aws-cn")));
    assert_eq!(p.value("AWS::URLSuffix"), Some(json!("amazonaws.com.cn")));
    assert_eq!(Pseudo::new("1", "us-gov-west-1", "s", "id").partition(), "aws-us-gov");
}

#[test]
fn sub_parts_split_text_and_variables() {
    assert_eq!(
        sub_parts("a${B}c${!D}${E.F}"),
        [SubPart::Text("a".into()), SubPart::Var("B".into()), SubPart::Text("c${D}".into()), SubPart::Var("E.F".into())]
    );
    assert_eq!(sub_parts("${unclosed"), [SubPart::Text("${unclosed".into())]);
}

#[test]
fn getatt_of_an_attribute_the_schema_lacks_is_refused_at_parse() {
    let e = Template::parse("Resources:\n  V: {Type: AWS::EC2::VPC}\n  S: {Type: AWS::EC2::Subnet, Properties: {VpcId: !GetAtt V.Bogus}}\n").unwrap_err();
    assert_eq!(e.message, "Template error: resource V does not support attribute type Bogus in Fn::GetAtt");
    let e = Template::parse("Resources:\n  V: {Type: AWS::EC2::VPC}\n  S: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Sub '${V.Nope}'}}\n").unwrap_err();
    assert_eq!(e.message, "Template error: resource V does not support attribute type Nope in Fn::GetAtt");
    // A type without a table is not checked: the stack engine fails it.
    Template::parse("Resources:\n  V: {Type: AWS::Made::Up}\n  S: {Type: AWS::EC2::Subnet, Properties: {VpcId: !GetAtt V.Anything}}\n").unwrap();
}

const FOR_EACH: &str = r#"
Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: CommaDelimitedList, Default: "a,b"}
Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  Fn::ForEach::Subnets:
    - Name
    - !Ref Names
    - Subnet${Name}:
        Type: AWS::EC2::Subnet
        Properties:
          VpcId: !Ref Vpc
          CidrBlock: !Sub "10.0.${Name}.0/24"
Outputs:
  Fn::ForEach::Ids:
    - Name
    - !Ref Names
    - Id${Name}:
        Value:
          Ref: !Sub Subnet${Name}
"#;

#[test]
fn for_each_over_a_parameter_expands_when_bound() {
    let t = Template::parse(FOR_EACH).unwrap();
    assert!(t.deferred_for_each);
    assert_eq!(t.resources.keys().collect::<Vec<_>>(), ["Vpc"]);
    let p = params(&t, &[("Names", "1,2,3")]).unwrap();
    let b = t.bind(&p).unwrap();
    assert_eq!(b.create_order().unwrap(), ["Vpc", "Subnet1", "Subnet2", "Subnet3"]);
    assert_eq!(b.resolve_properties("Subnet2", &Fake).unwrap(), json!({"VpcId": "Vpc-phys", "CidrBlock": "10.0.2.0/24"}));
    let out: Vec<(String, String)> = b.outputs(&Fake).unwrap().into_iter().map(|o| (o.key, o.value)).collect();
    assert_eq!(out[2], ("Id3".to_string(), "Subnet3-phys".to_string()));
}

#[test]
fn for_each_over_a_literal_list_expands_when_parsed() {
    let t = Template::parse(&FOR_EACH.replace("- !Ref Names", "- [x, y]")).unwrap();
    assert!(!t.deferred_for_each);
    assert_eq!(t.resources.keys().collect::<Vec<_>>(), ["Subnetx", "Subnety", "Vpc"]);
    // Its references are checked as any template's.
    let e = Template::parse(&FOR_EACH.replace("- !Ref Names", "- [x]").replace("!Ref Vpc", "!Ref Nope"))
        .unwrap_err();
    assert_eq!(e.message, "Template format error: Unresolved resource dependencies [Nope] in the Resources block of the template");
    // Without the transform a loop is no resource name.
    assert!(Template::parse(&FOR_EACH.replace("Transform: AWS::LanguageExtensions", "")).is_err());
}

mod no_panics {
    use super::*;
    use proptest::prelude::*;

    /// Template-ish JSON: intrinsic functions with arguments of any shape.
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(json!(null)),
            any::<bool>().prop_map(Value::from),
            (-3i64..300).prop_map(Value::from),
            prop_oneof![Just("Vpc"), Just("P"), Just("C"), Just("AWS::Region"), Just("AWS::NoValue"), Just("${P}-${Vpc.CidrBlock}"), Just("10.0.0.0/16"), Just("")]
                .prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 40, 4, |inner| {
            let names = prop_oneof![
                Just("Ref"), Just("Fn::GetAtt"), Just("Fn::Sub"), Just("Fn::Join"), Just("Fn::Select"), Just("Fn::Split"),
                Just("Fn::GetAZs"), Just("Fn::Cidr"), Just("Fn::If"), Just("Fn::Equals"), Just("Fn::And"), Just("Fn::Not"),
                Just("Fn::FindInMap"), Just("Fn::Base64"), Just("Fn::ImportValue"), Just("Fn::Length"), Just("Condition"), Just("Key"),
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                (names, inner).prop_map(|(k, v)| json!({ k: v })),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn arbitrary_intrinsics_never_panic(p in value(), c in value(), o in value()) {
            let body = json!({
                "Transform": "AWS::LanguageExtensions",
                "Parameters": {"P": {"Type": "String", "Default": "x"}},
                "Mappings": {"M": {"x": {"y": "z"}}},
                "Conditions": {"C": c},
                "Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
                              "R": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": p}}},
                "Outputs": {"O": {"Value": o}},
            });
            if let Ok(t) = Template::from_json(body) {
                if let Ok(resolved) = params(&t, &[]) {
                    if let Ok(b) = t.bind(&resolved) {
                        let _ = b.create_order();
                        if let Ok(props) = b.resolve_properties("R", &Fake) {
                            let _ = schema::normalize_properties("AWS::EC2::Subnet", "R", &props);
                        }
                        let _ = b.outputs(&Fake);
                    }
                }
            }
        }

        #[test]
        fn arbitrary_bodies_never_panic(body in "\\PC{0,200}") {
            let _ = Template::parse(&body);
        }
    }
}

#[test]
fn computed_policies_with_language_extensions() {
    let body = r#"
Transform: AWS::LanguageExtensions
Parameters:
  Env: {Type: String, Default: dev}
  Replace: {Type: String, Default: Delete}
Conditions:
  Prod: !Equals [!Ref Env, prod]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    DeletionPolicy: !If [Prod, Retain, Delete]
    UpdateReplacePolicy: !Ref Replace
    Properties: {CidrBlock: 10.0.0.0/16}
"#;
    let t = Template::parse(body).unwrap();
    assert!(t.deferred_for_each);
    assert_eq!(t.resources["Vpc"].deletion_policy, None);
    let p = params(&t, &[("Env", "prod")]).unwrap();
    let b = t.bind(&p).unwrap();
    assert_eq!(b.template.resources["Vpc"].deletion_policy.as_deref(), Some("Retain"));
    assert_eq!(b.template.resources["Vpc"].update_replace_policy.as_deref(), Some("Delete"));
    let p = params(&t, &[("Replace", "Keep")]).unwrap();
    assert_eq!(t.bind(&p).unwrap_err().message, "Template format error: Unrecognized UpdateReplacePolicy Keep for resource Vpc");
    // Without the transform a computed policy is refused at parse.
    let e = Template::parse(&body.replace("Transform: AWS::LanguageExtensions", "")).unwrap_err();
    assert!(e.message.starts_with("Template format error: Unrecognized DeletionPolicy {"), "{e}");
}
