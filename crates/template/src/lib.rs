//! The CloudFormation template engine: pure, no HTTP, SQL or model.
//!
//! - [`Template::parse`] reads a JSON or YAML body (short-form tags
//!   included) and checks it as ValidateTemplate does.
//! - [`resolve_parameters`] turns what the caller gives into [`Params`]
//!   (types, constraints, `NoEcho`, Systems Manager values, pseudo parameters).
//! - [`Template::bind`] evaluates the conditions; the [`Bound`] template gives
//!   the creation order and resolves each resource's properties and the
//!   outputs through a [`Resolver`] that knows the resources already created.
//! - [`schema`] holds the property tables generated from the CloudFormation
//!   registry schemas (properties, create-only, attributes).
//!
//! A stack's life, as the stack engine drives it:
//!
//! ```
//! use std::collections::BTreeMap;
//! use xvpc_template::*;
//!
//! let t = Template::parse(r#"
//! Parameters:
//!   Cidr: {Type: String, Default: 10.0.0.0/16}
//! Resources:
//!   Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: !Ref Cidr}}
//!   Subnet:
//!     Type: AWS::EC2::Subnet
//!     Properties:
//!       VpcId: !Ref Vpc
//!       CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 2, 8]]
//!       AvailabilityZone: !Select [0, !GetAZs ""]
//! Outputs:
//!   SubnetId: {Value: !Ref Subnet, Export: {Name: !Sub "${AWS::StackName}-subnet"}}
//! "#).unwrap();
//! // ValidateTemplate / GetTemplateSummary.
//! assert!(t.summary().capabilities.is_empty());
//! // CreateStack: parameters (given, previous values, SSM lookups) and pseudo parameters.
//! let pseudo = Pseudo::new("111111111111", "us-east-1", "net", "arn:aws:cloudformation:us-east-1:111111111111:stack/net/1");
//! let params = resolve_parameters(&t, &BTreeMap::new(), &BTreeMap::new(), pseudo, &NoLookup).unwrap();
//! let bound = t.bind(&params).unwrap();
//!
//! // The engine creates each resource in order; the resolver answers Ref
//! // and Fn::GetAtt of those already made.
//! struct Made;
//! impl Resolver for Made {
//!     fn physical_id(&self, id: &str) -> Option<String> {
//!         Some(if id == "Vpc" { "vpc-1".into() } else { "subnet-1".into() })
//!     }
//!     fn attribute(&self, _id: &str, attr: &str) -> Option<serde_json::Value> {
//!         (attr == "CidrBlock").then(|| "10.0.0.0/16".into())
//!     }
//!     fn availability_zones(&self, region: &str) -> Vec<String> {
//!         vec![format!("{region}a"), format!("{region}b")]
//!     }
//! }
//! assert_eq!(bound.create_order().unwrap(), ["Vpc", "Subnet"]);
//! let props = bound.resolve_properties("Subnet", &Made).unwrap();
//! let typed = schema::normalize_properties("AWS::EC2::Subnet", "Subnet", &props).unwrap();
//! assert_eq!(typed["CidrBlock"], "10.0.0.0/24");
//! assert_eq!(typed["AvailabilityZone"], "us-east-1a");
//! let out = bound.outputs(&Made).unwrap();
//! assert_eq!(out[0].export_name.as_deref(), Some("net-subnet"));
//! // UpdateStack: a new CidrBlock replaces the subnet.
//! let changed = schema::property_changes("AWS::EC2::Subnet", &typed, &serde_json::json!({"VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}));
//! assert!(changed.iter().any(|(p, r)| p == "CidrBlock" && *r == schema::Recreation::Always));
//! ```

mod cidr;
mod error;
mod eval;
mod foreach;
mod intrinsics;
mod parameters;
mod references;
mod rules;
pub mod schema;
mod summary;
mod template;
mod yaml;

pub use cidr::cidr;
pub use error::{ErrorKind, Result, TemplateError};
pub use eval::{Bound, ResolvedOutput, Resolver};
pub use intrinsics::supported_functions;
pub use parameters::{
    resolve_parameters, Given, NoLookup, ParamType, ParameterLookup, Params, Pseudo, ShownParameter,
    AWS_SPECIFIC_TYPES,
};
pub use references::{sub_parts, SubPart};
pub use summary::{IdentifierSummary, ParameterSummary, TemplateSummary, CAPABILITY_IAM, CAPABILITY_NAMED_IAM};
pub use template::{Output, Parameter, Resource, Template, LANGUAGE_EXTENSIONS};

#[cfg(test)]
mod tests;
