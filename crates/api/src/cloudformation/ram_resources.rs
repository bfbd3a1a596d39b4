//! `AWS::RAM::ResourceShare`, through the RAM API's typed handlers.

use xvpc_model::stack::StackResource;
use xvpc_wire::shapes::ram as shape;

use super::props::{Created, Kind, Props, Site};
use crate::call::Call;
use crate::errors::Result;
use crate::ram;

pub(crate) const KINDS: &[Kind] = &[Kind { type_name: "AWS::RAM::ResourceShare", create: create_share, delete: delete_share, update: None }];

fn create_share(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let input = shape::CreateResourceShareRequest {
        name: p.req("Name")?,
        resource_arns: p.list("ResourceArns"),
        principals: p.list("Principals"),
        allow_external_principals: p.bool("AllowExternalPrincipals"),
        permission_arns: p.list("PermissionArns"),
        sources: p.list("Sources"),
        tags: site.user_tags(p).into_iter().map(|(k, v)| shape::Tag { key: Some(k), value: Some(v) }).collect(),
        ..Default::default()
    };
    let share = ram::create_resource_share(call, input)?.resource_share.unwrap_or_default();
    let arn = share.resource_share_arn.unwrap_or_default();
    Ok(Created::new(&arn).with("Arn", arn.clone()))
}

fn delete_share(call: &mut Call, r: &StackResource) -> Result<()> {
    ram::delete_resource_share(call, shape::DeleteResourceShareRequest { resource_share_arn: r.physical_id.clone(), ..Default::default() }).map(drop)
}
