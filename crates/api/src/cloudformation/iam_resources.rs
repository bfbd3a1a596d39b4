//! `AWS::IAM::Role`: the role, its inline `Policies` and
//! `ManagedPolicyArns`, through the IAM API's typed handlers. Its trust
//! policy is what STS AssumeRole (and a peering connection's
//! `PeerRoleArn`) checks.

use xvpc_model::stack::StackResource;
use xvpc_wire::shapes::iam as shape;

use super::props::{Created, Kind, Props, Site};
use crate::call::Call;
use crate::errors::Result;
use crate::iam;

pub(crate) const KINDS: &[Kind] = &[Kind { type_name: "AWS::IAM::Role", create: create_role, delete: delete_role, update: None }];

fn create_role(call: &mut Call, p: &Props, site: &Site) -> Result<Created> {
    let name = p.str("RoleName").unwrap_or_else(|| site.generated_name(64));
    let input = shape::CreateRoleRequest {
        role_name: name.clone(),
        path: p.str("Path"),
        assume_role_policy_document: p.document("AssumeRolePolicyDocument").unwrap_or_default(),
        description: p.str("Description"),
        max_session_duration: p.int("MaxSessionDuration").map(|n| n as i32),
        permissions_boundary: p.str("PermissionsBoundary"),
        tags: site.user_tags(p).into_iter().map(|(key, value)| shape::Tag { key, value }).collect(),
    };
    let role = iam::create_role(call, input)?.role;
    let made = (|| {
        for pol in p.objects("Policies") {
            let pol = p.of(pol);
            let input = shape::PutRolePolicyRequest { role_name: name.clone(), policy_name: pol.req("PolicyName")?, policy_document: pol.document("PolicyDocument").unwrap_or_default() };
            iam::put_role_policy(call, input)?;
        }
        for arn in p.list("ManagedPolicyArns") {
            iam::attach_role_policy(call, shape::AttachRolePolicyRequest { role_name: name.clone(), policy_arn: arn })?;
        }
        Ok(())
    })();
    if let Err(e) = made {
        // A failed resource leaves nothing behind.
        let _ = remove(call, &name, p);
        return Err(e);
    }
    Ok(Created::new(&name).with("Arn", role.arn).with("RoleId", role.role_id))
}

/// Detaches and deletes what the role carries, then the role.
fn remove(call: &mut Call, name: &str, p: &Props) -> Result<()> {
    for pol in p.objects("Policies") {
        if let Some(policy_name) = p.of(pol).str("PolicyName") {
            let _ = iam::delete_role_policy(call, shape::DeleteRolePolicyRequest { role_name: name.into(), policy_name });
        }
    }
    for arn in p.list("ManagedPolicyArns") {
        let _ = iam::detach_role_policy(call, shape::DetachRolePolicyRequest { role_name: name.into(), policy_arn: arn });
    }
    iam::delete_role(call, shape::DeleteRoleRequest { role_name: name.into() }).map(drop)
}

fn delete_role(call: &mut Call, r: &StackResource) -> Result<()> {
    remove(call, &r.physical_id, &Props { logical_id: &r.logical_id, value: &r.properties })
}
