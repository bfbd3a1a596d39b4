//! The one table that maps the model's errors to AWS error codes.
//!
//! Every `ModelError` variant becomes exactly one AWS code (per id kind for
//! the `...NotFound` / `...Malformed` families), with HTTP 400 unless AWS
//! says otherwise.

use xvpc_model::{IdKind, ModelError};
use xvpc_wire::ApiError;

/// The `Invalid...ID` stem AWS uses for a kind of id.
fn id_code(kind: IdKind) -> &'static str {
    match kind {
        IdKind::Vpc => "InvalidVpcID",
        IdKind::Subnet => "InvalidSubnetID",
        IdKind::RouteTable => "InvalidRouteTableID",
        IdKind::InternetGateway => "InvalidInternetGatewayID",
        IdKind::SecurityGroup => "InvalidGroup",
        IdKind::SecurityGroupRule => "InvalidSecurityGroupRuleId",
        IdKind::NetworkAcl => "InvalidNetworkAclID",
        IdKind::NetworkInterface => "InvalidNetworkInterfaceID",
        IdKind::Instance => "InvalidInstanceID",
        IdKind::Ami => "InvalidAMIID",
        IdKind::Association => "InvalidAssociationID",
        IdKind::VpcPeeringConnection => "InvalidVpcPeeringConnectionID",
        IdKind::TransitGateway => "InvalidTransitGatewayID",
        IdKind::TransitGatewayAttachment => "InvalidTransitGatewayAttachmentID",
        IdKind::TransitGatewayRouteTable => "InvalidRouteTableID",
        IdKind::VpcEndpoint => "InvalidVpcEndpointId",
        IdKind::VpcEndpointService => "InvalidVpcEndpointServiceId",
        IdKind::PrefixList => "InvalidPrefixListId",
        IdKind::NetworkInsightsPath => "InvalidNetworkInsightsPathId",
        IdKind::NetworkInsightsAnalysis => "InvalidNetworkInsightsAnalysisId",
        IdKind::ElasticIpAllocation => "InvalidAllocationID",
    }
}

/// How AWS words "not found" for a kind of id.
fn not_found_message(kind: IdKind, id: &str) -> String {
    match kind {
        IdKind::Vpc => format!("The vpc ID '{id}' does not exist"),
        IdKind::Subnet => format!("The subnet ID '{id}' does not exist"),
        IdKind::RouteTable => format!("The routeTable ID '{id}' does not exist"),
        IdKind::InternetGateway => format!("The internetGateway ID '{id}' does not exist"),
        IdKind::SecurityGroup => format!("The security group '{id}' does not exist"),
        IdKind::NetworkAcl => format!("The networkAcl ID '{id}' does not exist"),
        IdKind::NetworkInterface => format!("The networkInterface ID '{id}' does not exist"),
        IdKind::Instance => format!("The instance ID '{id}' does not exist"),
        IdKind::Ami => format!("The image id '[{id}]' does not exist"),
        IdKind::Association => format!("The association ID '{id}' does not exist"),
        IdKind::VpcPeeringConnection => format!("The vpcPeeringConnection ID '{id}' does not exist"),
        IdKind::TransitGateway => format!("Transit Gateway {id} was deleted or does not exist."),
        IdKind::TransitGatewayAttachment => format!("Transit Gateway Attachment {id} was deleted or does not exist."),
        IdKind::TransitGatewayRouteTable => format!("Transit Gateway Route Table {id} was deleted or does not exist."),
        IdKind::VpcEndpoint => format!("The Vpc Endpoint Id '{id}' does not exist"),
        IdKind::VpcEndpointService => format!("The Vpc Endpoint Service Id '{id}' does not exist"),
        IdKind::ElasticIpAllocation => format!("The allocation ID '{id}' does not exist"),
        _ => format!("The ID '{id}' does not exist"),
    }
}

/// Maps a model error to the AWS error the client sees.
pub fn to_api(e: &ModelError) -> ApiError {
    use ModelError as M;
    let msg = e.to_string();
    let c = |code: &str| ApiError::client(code, msg.clone());
    match e {
        M::NotFound(kind, id) => {
            // A few kinds use a different suffix in AWS.
            let code = match kind {
                IdKind::SecurityGroupRule | IdKind::VpcEndpoint | IdKind::VpcEndpointService | IdKind::PrefixList
                | IdKind::NetworkInsightsPath | IdKind::NetworkInsightsAnalysis => format!("{}.NotFound", id_code(*kind)),
                _ => format!("{}.NotFound", id_code(*kind)),
            };
            ApiError::client(&code, not_found_message(*kind, id))
        }
        M::Malformed(kind, _) => ApiError::client(&format!("{}.Malformed", id_code(*kind)), msg),
        M::InvalidParameterValue(_) => c("InvalidParameterValue"),
        M::InvalidParameterCombination(_) => c("InvalidParameterCombination"),
        M::MissingParameter(_) => c("MissingParameter"),
        M::InvalidParameter(_) => c("InvalidParameter"),
        M::InvalidVpcRange(_) => c("InvalidVpc.Range"),
        M::InvalidSubnetRange(_) => c("InvalidSubnet.Range"),
        M::InvalidSubnetConflict(_) => c("InvalidSubnet.Conflict"),
        M::CidrConflict(_) => c("InvalidVpc.Range"),
        M::CidrLimitExceeded(_) => c("CidrLimitExceeded"),
        M::DependencyViolation(_) => c("DependencyViolation"),
        M::OperationNotPermitted(_) => c("OperationNotPermitted"),
        M::DuplicateGroup(..) => c("InvalidGroup.Duplicate"),
        M::DuplicatePermission(_) => c("InvalidPermission.Duplicate"),
        M::PermissionNotFound => c("InvalidPermission.NotFound"),
        M::CannotDelete(_) => c("CannotDelete"),
        M::RouteAlreadyExists(_) => c("RouteAlreadyExists"),
        M::RouteNotFound(..) => c("InvalidRoute.NotFound"),
        M::InvalidRouteState(_) => c("InvalidParameterValue"),
        M::NetworkAclEntryAlreadyExists(_) => c("NetworkAclEntryAlreadyExists"),
        M::NetworkAclEntryNotFound => c("InvalidNetworkAclEntry.NotFound"),
        M::AlreadyAssociated(_) => c("Resource.AlreadyAssociated"),
        M::GatewayNotAttached(_) => c("Gateway.NotAttached"),
        M::AddressInUse(_) => c("InvalidIPAddress.InUse"),
        M::InsufficientFreeAddresses(_) => c("InsufficientFreeAddressesInSubnet"),
        M::IncorrectInstanceState(_) => c("IncorrectInstanceState"),
        M::IncorrectState(_) => c("IncorrectState"),
        M::LimitExceeded(code, _) => c(code),
        M::InvalidFilter(_) => c("InvalidParameterValue"),
        M::Unauthorized => c("UnauthorizedOperation"),
        M::LoadBalancerNotFound(_) => c("LoadBalancerNotFound"),
        M::TargetGroupNotFound(_) => c("TargetGroupNotFound"),
        M::ListenerNotFound(_) => c("ListenerNotFound"),
        M::ValidationError(_) => c("ValidationError"),
        M::Aws(code, _) => c(code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_found_codes_follow_aws() {
        let e = to_api(&ModelError::NotFound(IdKind::Vpc, "vpc-1".into()));
        assert_eq!((e.code.as_str(), e.status), ("InvalidVpcID.NotFound", 400));
        assert_eq!(e.message, "The vpc ID 'vpc-1' does not exist");
        assert_eq!(to_api(&ModelError::NotFound(IdKind::SecurityGroup, "sg-1".into())).code, "InvalidGroup.NotFound");
        assert_eq!(to_api(&ModelError::Malformed(IdKind::Subnet, "x".into())).code, "InvalidSubnetID.Malformed");
    }
}

/// Everything a handler can fail with; rendered through [`Error::to_api`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Wire(#[from] xvpc_wire::WireError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("store: {0}")]
    Store(#[from] xvpc_store::StoreError),
}

impl Error {
    /// The AWS error the client sees. A storage failure is AWS's
    /// `InternalError` (HTTP 500); nothing was applied.
    pub fn to_api(&self) -> ApiError {
        match self {
            Error::Model(e) => to_api(e),
            Error::Wire(e) => ApiError::from(e.clone()),
            Error::Api(e) => e.clone(),
            Error::Store(e) => {
                tracing::error!("store failure: {e}");
                ApiError::client("InternalError", "An internal error has occurred").with_status(500)
            }
        }
    }
}

/// Shorthand for a client error raised by a handler.
pub fn client(code: &str, message: impl Into<String>) -> Error {
    Error::Api(ApiError::client(code, message))
}

pub type Result<T> = std::result::Result<T, Error>;
