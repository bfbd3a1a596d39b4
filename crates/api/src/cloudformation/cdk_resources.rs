//! `AWS::CDK::Metadata`: the resource every CDK-synthesized template
//! carries (the CDK version and constructs used, for AWS's statistics).
//! CloudFormation accepts it and builds nothing; so does xvpc.

use xvpc_model::stack::StackResource;

use super::props::{Created, Kind, Props, Site};
use crate::call::Call;
use crate::errors::Result;

pub(crate) const KINDS: &[Kind] = &[Kind { type_name: "AWS::CDK::Metadata", create: record, delete: forget, update: None }];

fn record(_: &mut Call, _: &Props, site: &Site) -> Result<Created> {
    Ok(Created::new(format!("{}/{}", site.stack_id, xvpc_model::stack::uuid())))
}

fn forget(_: &mut Call, _: &StackResource) -> Result<()> {
    Ok(())
}
