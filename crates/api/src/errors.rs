//! The one table that maps the model's errors to AWS error codes.
//!
//! Every `ModelError` variant becomes exactly one AWS code (per id kind for
//! the `...NotFound` / `...Malformed` families, per quota for
//! `LimitExceeded`), all HTTP 400 as AWS's models declare them. The
//! spellings are AWS's, inconsistent casing included (`InvalidVpcID.Malformed`
//! but `InvalidGroupId.Malformed`, `InvalidRouteTableID.NotFound` but
//! `InvalidRouteTableId.Malformed`): clients match the exact string.
//! Sources: the EC2 API reference's "Error codes for the Amazon EC2 API",
//! and botocore's ELBv2 and RAM models for their exceptions.

use xvpc_model::error::{CfnFault, ElbFault, IamFault, Limit, LogsFault, OrgFault, RamFault, SsmFault};
use xvpc_model::subnet_group::{GroupFault, GroupService};
use xvpc_model::{IdKind, ModelError};
use xvpc_wire::ApiError;

/// The code and message AWS answers for an id (or name) it cannot find.
fn not_found(kind: IdKind, id: &str) -> (&'static str, String) {
    match kind {
        IdKind::Vpc => ("InvalidVpcID.NotFound", format!("The vpc ID '{id}' does not exist")),
        IdKind::Subnet => ("InvalidSubnetID.NotFound", format!("The subnet ID '{id}' does not exist")),
        IdKind::RouteTable => ("InvalidRouteTableID.NotFound", format!("The routeTable ID '{id}' does not exist")),
        IdKind::InternetGateway => ("InvalidInternetGatewayID.NotFound", format!("The internetGateway ID '{id}' does not exist")),
        IdKind::Gateway => ("InvalidGatewayID.NotFound", format!("The gateway ID '{id}' does not exist")),
        IdKind::NatGateway => ("NatGatewayNotFound", format!("The natGateway ID '{id}' does not exist")),
        IdKind::FlowLog => ("InvalidFlowLogId.NotFound", format!("These flow logs do not exist: [{id}]")),
        IdKind::SecurityGroup => ("InvalidGroup.NotFound", format!("The security group '{id}' does not exist")),
        IdKind::SecurityGroupRule => ("InvalidSecurityGroupRuleId.NotFound", format!("The security group rule ID '{id}' does not exist")),
        IdKind::NetworkAcl => ("InvalidNetworkAclID.NotFound", format!("The networkAcl ID '{id}' does not exist")),
        IdKind::NetworkInterface => ("InvalidNetworkInterfaceID.NotFound", format!("The networkInterface ID '{id}' does not exist")),
        IdKind::NetworkInterfaceAttachment => {
            ("InvalidAttachmentID.NotFound", format!("The network interface attachment ID '{id}' does not exist"))
        }
        IdKind::Instance => ("InvalidInstanceID.NotFound", format!("The instance ID '{id}' does not exist")),
        IdKind::Ami => ("InvalidAMIID.NotFound", format!("The image id '[{id}]' does not exist")),
        IdKind::Volume => ("InvalidVolume.NotFound", format!("The volume '{id}' does not exist.")),
        IdKind::Association => ("InvalidAssociationID.NotFound", format!("The association ID '{id}' does not exist")),
        IdKind::VpcCidrBlockAssociation => {
            ("InvalidVpcCidrBlockAssociationID.NotFound", format!("The vpc CIDR block association ID '{id}' does not exist"))
        }
        IdKind::SubnetCidrBlockAssociation => {
            ("InvalidSubnetCidrBlockAssociationID.NotFound", format!("The subnet CIDR block with association ID '{id}' does not exist"))
        }
        IdKind::DhcpOptions => ("InvalidDhcpOptionID.NotFound", format!("The dhcpOption ID '{id}' does not exist")),
        IdKind::EgressOnlyInternetGateway => {
            ("InvalidEgressOnlyInternetGatewayId.NotFound", format!("The egressOnlyInternetGateway ID '{id}' does not exist"))
        }
        IdKind::VpcPeeringConnection => {
            ("InvalidVpcPeeringConnectionID.NotFound", format!("The vpcPeeringConnection ID '{id}' does not exist"))
        }
        IdKind::TransitGateway => ("InvalidTransitGatewayID.NotFound", format!("Transit Gateway {id} was deleted or does not exist.")),
        IdKind::TransitGatewayAttachment => {
            ("InvalidTransitGatewayAttachmentID.NotFound", format!("Transit Gateway Attachment {id} was deleted or does not exist."))
        }
        // AWS reports a transit gateway route table with the VPC route
        // table's code.
        IdKind::TransitGatewayRouteTable => {
            ("InvalidRouteTableID.NotFound", format!("Transit Gateway Route Table {id} was deleted or does not exist."))
        }
        IdKind::VpcEndpoint => ("InvalidVpcEndpointId.NotFound", format!("The Vpc Endpoint Id '{id}' does not exist")),
        IdKind::VpcEndpointService => {
            ("InvalidVpcEndpointServiceId.NotFound", format!("The Vpc Endpoint Service Id '{id}' does not exist"))
        }
        IdKind::ServiceName => ("InvalidServiceName", format!("The Vpc Endpoint Service '{id}' does not exist")),
        IdKind::PrefixList => ("InvalidPrefixListID.NotFound", format!("The prefix list ID '{id}' does not exist")),
        IdKind::NetworkInsightsPath => {
            ("InvalidNetworkInsightsPathId.NotFound", format!("The network insights path ID '{id}' does not exist"))
        }
        IdKind::NetworkInsightsAnalysis => {
            ("InvalidNetworkInsightsAnalysisId.NotFound", format!("The network insights analysis ID '{id}' does not exist"))
        }
        IdKind::ElasticIpAllocation => ("InvalidAllocationID.NotFound", format!("The allocation ID '{id}' does not exist")),
        IdKind::ElasticIp => ("InvalidAddress.NotFound", format!("Address '{id}' not found.")),
        IdKind::LoadBalancer => ("LoadBalancerNotFound", format!("Load balancers '[{id}]' not found")),
        IdKind::TargetGroup => ("TargetGroupNotFound", format!("Target groups '[{id}]' not found")),
        IdKind::Listener => ("ListenerNotFound", format!("Listeners '[{id}]' not found")),
        IdKind::LoadBalancerSubnet => ("SubnetNotFound", format!("The subnet ID '{id}' was not found")),
        IdKind::VpcBlockPublicAccessExclusion => {
            ("InvalidVpcBlockPublicAccessExclusionId.NotFound", format!("The exclusion ID '{id}' does not exist"))
        }
        IdKind::VpnGateway => ("InvalidVpnGatewayID.NotFound", format!("The vpnGateway ID '{id}' does not exist")),
        IdKind::CustomerGateway => ("InvalidCustomerGatewayID.NotFound", format!("The customerGateway ID '{id}' does not exist")),
        IdKind::KeyPair => ("InvalidKeyPair.NotFound", format!("The key pair '{id}' does not exist")),
    }
}

/// The code AWS answers for an id that is not of its kind's form. Its own
/// table, because AWS does not derive it from the NotFound code. `None`
/// where AWS has no such code: the id is then reported as not found.
fn malformed(kind: IdKind) -> Option<&'static str> {
    Some(match kind {
        IdKind::Vpc => "InvalidVpcID.Malformed",
        IdKind::Subnet => "InvalidSubnetID.Malformed",
        IdKind::RouteTable | IdKind::TransitGatewayRouteTable => "InvalidRouteTableId.Malformed",
        IdKind::InternetGateway => "InvalidInternetGatewayId.Malformed",
        IdKind::NatGateway => "NatGatewayMalformed",
        IdKind::FlowLog => "InvalidFlowLogId.Malformed",
        IdKind::SecurityGroup => "InvalidGroupId.Malformed",
        IdKind::SecurityGroupRule => "InvalidSecurityGroupRuleId.Malformed",
        IdKind::NetworkAcl => "InvalidNetworkAclId.Malformed",
        IdKind::NetworkInterface => "InvalidNetworkInterfaceId.Malformed",
        IdKind::NetworkInterfaceAttachment => "InvalidNetworkInterfaceAttachmentId.Malformed",
        IdKind::Instance => "InvalidInstanceID.Malformed",
        IdKind::Ami => "InvalidAMIID.Malformed",
        IdKind::Volume => "InvalidVolumeID.Malformed",
        IdKind::VpcPeeringConnection => "InvalidVpcPeeringConnectionId.Malformed",
        IdKind::VpcEndpoint => "InvalidVpcEndpointId.Malformed",
        // The reference prints "InvalidVpcEndpointServiceIdId.Malformed", a
        // typo; clients see this.
        IdKind::VpcEndpointService => "InvalidVpcEndpointServiceId.Malformed",
        IdKind::PrefixList => "InvalidPrefixListId.Malformed",
        IdKind::ElasticIp => "InvalidAddress.Malformed",
        // Not in the reference's table; the codes EC2 answers, as AWS's own
        // CloudFormation handlers and client tools match them.
        IdKind::TransitGateway => "InvalidTransitGatewayID.Malformed",
        IdKind::TransitGatewayAttachment => "InvalidTransitGatewayAttachmentID.Malformed",
        IdKind::ElasticIpAllocation => "InvalidAllocationID.Malformed",
        IdKind::EgressOnlyInternetGateway => "InvalidEgressOnlyInternetGatewayId.Malformed",
        IdKind::DhcpOptions => "InvalidDhcpOptionsId.Malformed",
        IdKind::Gateway
        | IdKind::Association
        | IdKind::VpcCidrBlockAssociation
        | IdKind::SubnetCidrBlockAssociation
        | IdKind::ServiceName
        | IdKind::NetworkInsightsPath
        | IdKind::NetworkInsightsAnalysis
        | IdKind::LoadBalancer
        | IdKind::TargetGroup
        | IdKind::Listener
        | IdKind::LoadBalancerSubnet
        | IdKind::VpcBlockPublicAccessExclusion
        | IdKind::VpnGateway
        | IdKind::CustomerGateway
        | IdKind::KeyPair => return None,
    })
}

/// The code of each quota.
fn limit(l: Limit) -> &'static str {
    match l {
        Limit::Vpcs => "VpcLimitExceeded",
        Limit::Addresses => "AddressLimitExceeded",
        Limit::VpnGatewayAttachments => "VpnGatewayAttachmentLimitExceeded",
        Limit::VpcCidrBlocks => "CidrLimitExceeded",
        Limit::Instances => "InstanceLimitExceeded",
        Limit::RulesPerSecurityGroup => "RulesPerSecurityGroupLimitExceeded",
        Limit::SecurityGroupsPerInterface => "SecurityGroupsPerInterfaceLimitExceeded",
        Limit::Tags => "TagLimitExceeded",
        Limit::LoadBalancers => "TooManyLoadBalancers",
        Limit::LoadBalancerTags => "TooManyTags",
        Limit::TargetGroupLoadBalancers => "TargetGroupAssociationLimit",
        Limit::ResourceShareTags => "TagLimitExceededException",
    }
}

/// ELBv2's codes (botocore's `error.code` of each exception).
fn elb(f: ElbFault) -> &'static str {
    match f {
        ElbFault::DuplicateLoadBalancerName => "DuplicateLoadBalancerName",
        ElbFault::DuplicateTargetGroupName => "DuplicateTargetGroupName",
        ElbFault::DuplicateListener => "DuplicateListener",
        ElbFault::DuplicateTagKeys => "DuplicateTagKeys",
        ElbFault::InvalidConfigurationRequest => "InvalidConfigurationRequest",
        ElbFault::InvalidSecurityGroup => "InvalidSecurityGroup",
        ElbFault::InvalidSubnet => "InvalidSubnet",
        ElbFault::InvalidTarget => "InvalidTarget",
        ElbFault::InvalidLoadBalancerAction => "InvalidLoadBalancerAction",
        ElbFault::IncompatibleProtocols => "IncompatibleProtocols",
        ElbFault::UnsupportedProtocol => "UnsupportedProtocol",
        ElbFault::ResourceInUse => "ResourceInUse",
    }
}

/// RAM's codes (its exception shapes' names).
fn ram(f: RamFault) -> &'static str {
    match f {
        RamFault::UnknownResource => "UnknownResourceException",
        RamFault::MalformedArn => "MalformedArnException",
        RamFault::InvalidParameter => "InvalidParameterException",
        RamFault::OperationNotPermitted => "OperationNotPermittedException",
        RamFault::InvalidStateTransition => "InvalidStateTransitionException",
        RamFault::InvitationArnNotFound => "ResourceShareInvitationArnNotFoundException",
        RamFault::InvitationAlreadyAccepted => "ResourceShareInvitationAlreadyAcceptedException",
        RamFault::InvitationAlreadyRejected => "ResourceShareInvitationAlreadyRejectedException",
        RamFault::InvalidResourceType => "InvalidResourceTypeException",
    }
}

/// Systems Manager's codes (its exception shapes' names; all HTTP 400).
fn ssm(f: SsmFault) -> &'static str {
    match f {
        SsmFault::ParameterNotFound => "ParameterNotFound",
        SsmFault::ParameterVersionNotFound => "ParameterVersionNotFound",
        SsmFault::InvalidNextToken => "InvalidNextToken",
        SsmFault::ParameterAlreadyExists => "ParameterAlreadyExists",
        SsmFault::TooManyTags => "TooManyTagsError",
        SsmFault::InvalidResourceId => "InvalidResourceId",
        SsmFault::InvalidResourceType => "InvalidResourceType",
        SsmFault::InvalidFilterKey => "InvalidFilterKey",
        SsmFault::InvalidFilterOption => "InvalidFilterOption",
        SsmFault::Validation => "ValidationException",
    }
}

/// The code and HTTP status of a subnet group refusal: each service names
/// its own faults (botocore's `error.code` and `httpStatusCode` of each
/// exception shape; RDS's "not found" is the one 404). Where a service
/// declares no exception of its own, its generic `InvalidParameterValue`.
fn subnet_group(service: GroupService, f: GroupFault) -> (&'static str, u16) {
    use GroupFault as F;
    use GroupService as S;
    let code = match (service, f) {
        (S::Rds, F::NotFound) => return ("DBSubnetGroupNotFoundFault", 404),
        (S::Redshift, F::ResourceNotFound) => return ("ResourceNotFoundFault", 404),
        (S::Rds, F::AlreadyExists) => "DBSubnetGroupAlreadyExists",
        (S::Rds, F::NotEnoughZones) => "DBSubnetGroupDoesNotCoverEnoughAZs",
        (S::Rds, F::GroupQuotaExceeded) => "DBSubnetGroupQuotaExceeded",
        (S::Rds, F::SubnetQuotaExceeded) => "DBSubnetQuotaExceededFault",
        (S::ElastiCache, F::AlreadyExists) => "CacheSubnetGroupAlreadyExists",
        (S::ElastiCache, F::NotFound) => "CacheSubnetGroupNotFoundFault",
        (S::ElastiCache, F::GroupQuotaExceeded) => "CacheSubnetGroupQuotaExceeded",
        (S::ElastiCache, F::SubnetQuotaExceeded) => "CacheSubnetQuotaExceededFault",
        (S::ElastiCache, F::TagQuotaExceeded) => "TagQuotaPerResourceExceeded",
        (S::ElastiCache, F::InvalidArn | F::ResourceNotFound) => "InvalidARN",
        (S::Redshift, F::AlreadyExists) => "ClusterSubnetGroupAlreadyExists",
        (S::Redshift, F::NotFound) => "ClusterSubnetGroupNotFoundFault",
        (S::Redshift, F::GroupQuotaExceeded) => "ClusterSubnetGroupQuotaExceeded",
        (S::Redshift, F::SubnetQuotaExceeded) => "ClusterSubnetQuotaExceededFault",
        (S::Redshift, F::TagQuotaExceeded) => "TagLimitExceededFault",
        (S::Redshift, F::InvalidTag) => "InvalidTagFault",
        (_, F::InvalidSubnet | F::NotEnoughZones) => "InvalidSubnet",
        (S::Rds, F::TagQuotaExceeded | F::InvalidTag | F::InvalidArn | F::ResourceNotFound)
        | (S::ElastiCache, F::InvalidTag)
        | (S::Redshift, F::InvalidArn) => "InvalidParameterValue",
    };
    (code, 400)
}

/// IAM's codes and statuses (botocore's `error` of each exception shape).
fn iam(f: IamFault) -> (&'static str, u16) {
    match f {
        IamFault::NoSuchEntity => ("NoSuchEntity", 404),
        IamFault::EntityAlreadyExists => ("EntityAlreadyExists", 409),
        IamFault::DeleteConflict => ("DeleteConflict", 409),
        IamFault::MalformedPolicyDocument => ("MalformedPolicyDocument", 400),
        IamFault::AccessDenied => ("AccessDenied", 403),
    }
}

/// AWS Organizations' codes (its exception shapes' names; all HTTP 400).
fn org(f: OrgFault) -> &'static str {
    match f {
        OrgFault::NotInUse => "AWSOrganizationsNotInUseException",
        OrgFault::AlreadyInOrganization => "AlreadyInOrganizationException",
        OrgFault::AccessDenied => "AccessDeniedException",
        OrgFault::AccountNotFound => "AccountNotFoundException",
        OrgFault::ChildNotFound => "ChildNotFoundException",
        OrgFault::ConstraintViolation => "ConstraintViolationException",
        OrgFault::CreateAccountStatusNotFound => "CreateAccountStatusNotFoundException",
        OrgFault::DestinationParentNotFound => "DestinationParentNotFoundException",
        OrgFault::DuplicateAccount => "DuplicateAccountException",
        OrgFault::DuplicateHandshake => "DuplicateHandshakeException",
        OrgFault::DuplicateOrganizationalUnit => "DuplicateOrganizationalUnitException",
        OrgFault::HandshakeConstraintViolation => "HandshakeConstraintViolationException",
        OrgFault::HandshakeNotFound => "HandshakeNotFoundException",
        OrgFault::InvalidHandshakeTransition => "InvalidHandshakeTransitionException",
        OrgFault::InvalidInput => "InvalidInputException",
        OrgFault::MasterCannotLeaveOrganization => "MasterCannotLeaveOrganizationException",
        OrgFault::OrganizationNotEmpty => "OrganizationNotEmptyException",
        OrgFault::OrganizationalUnitNotEmpty => "OrganizationalUnitNotEmptyException",
        OrgFault::OrganizationalUnitNotFound => "OrganizationalUnitNotFoundException",
        OrgFault::ParentNotFound => "ParentNotFoundException",
        OrgFault::PolicyTypeAlreadyEnabled => "PolicyTypeAlreadyEnabledException",
        OrgFault::PolicyTypeNotEnabled => "PolicyTypeNotEnabledException",
        OrgFault::RootNotFound => "RootNotFoundException",
        OrgFault::SourceParentNotFound => "SourceParentNotFoundException",
        OrgFault::TargetNotFound => "TargetNotFoundException",
    }
}

/// CloudFormation's codes and statuses (botocore's `error` of each
/// exception shape).
fn cfn(f: CfnFault) -> (&'static str, u16) {
    match f {
        CfnFault::AlreadyExists => ("AlreadyExistsException", 400),
        CfnFault::ChangeSetNotFound => ("ChangeSetNotFound", 404),
        CfnFault::InsufficientCapabilities => ("InsufficientCapabilitiesException", 400),
        CfnFault::InvalidChangeSetStatus => ("InvalidChangeSetStatus", 400),
    }
}

/// CloudWatch Logs' codes (all HTTP 400).
fn logs(f: LogsFault) -> &'static str {
    match f {
        LogsFault::ResourceNotFound => "ResourceNotFoundException",
        LogsFault::ResourceAlreadyExists => "ResourceAlreadyExistsException",
        LogsFault::InvalidParameter => "InvalidParameterException",
    }
}

/// Maps a model error to the AWS error the client sees.
pub fn to_api(e: &ModelError) -> ApiError {
    use ModelError as M;
    let c = |code: &str| ApiError::client(code, e.to_string());
    match e {
        M::NotFound(kind, id) => {
            let (code, message) = not_found(*kind, id);
            ApiError::client(code, message)
        }
        M::Malformed(kind, id) => match malformed(*kind) {
            Some(code) => c(code),
            None => to_api(&M::NotFound(*kind, id.clone())),
        },
        M::InvalidParameterValue(_) | M::LocalRoute(_) | M::InvalidFilter(_) => c("InvalidParameterValue"),
        M::InvalidParameterCombination(_) => c("InvalidParameterCombination"),
        M::MissingParameter(_) => c("MissingParameter"),
        M::InvalidParameter(_) => c("InvalidParameter"),
        M::MissingInput(_) => c("MissingInput"),
        M::VpcIdNotSpecified(_) => c("VPCIdNotSpecified"),
        M::InvalidVpcRange(_) | M::RestrictedVpcRange(_) => c("InvalidVpc.Range"),
        M::VpnGatewayAttachmentNotFound(_) => c("InvalidVpnGatewayAttachment.NotFound"),
        M::KeyPairDuplicate(_) => c("InvalidKeyPair.Duplicate"),
        M::InvalidKeyFormat(_) => c("InvalidKey.Format"),
        M::DefaultVpcAlreadyExists => c("DefaultVpcAlreadyExists"),
        M::DefaultVpcDoesNotExist => c("DefaultVpcDoesNotExist"),
        M::DefaultSubnetAlreadyExists(_) => c("DefaultSubnetAlreadyExistsInAvailabilityZone"),
        M::InsufficientCidrBlocks => c("InsufficientCidrBlocks"),
        M::InvalidSubnetRange(_) => c("InvalidSubnet.Range"),
        M::InvalidSubnetConflict(_) => c("InvalidSubnet.Conflict"),
        M::DependencyViolation(_) => c("DependencyViolation"),
        M::OperationNotPermitted(_) => c("OperationNotPermitted"),
        M::DuplicateGroup(..) => c("InvalidGroup.Duplicate"),
        M::ReservedGroupName => c("InvalidGroup.Reserved"),
        M::GroupInOtherNetwork => c("InvalidGroup.NotFound"),
        M::DuplicatePermission(_) => c("InvalidPermission.Duplicate"),
        M::PermissionNotFound => c("InvalidPermission.NotFound"),
        M::CannotDelete(_) => c("CannotDelete"),
        M::RouteAlreadyExists(_) => c("RouteAlreadyExists"),
        M::PrefixListVersionMismatch(_) => c("PrefixListVersionMismatch"),
        M::RouteNotFound(..) => c("InvalidRoute.NotFound"),
        M::NetworkAclEntryAlreadyExists(_) => c("NetworkAclEntryAlreadyExists"),
        M::NetworkAclEntryNotFound => c("InvalidNetworkAclEntry.NotFound"),
        M::AlreadyAssociated(_) => c("Resource.AlreadyAssociated"),
        M::FlowLogAlreadyExists => c("FlowLogAlreadyExists"),
        M::GatewayNotAttached(_) => c("Gateway.NotAttached"),
        M::AddressInUse(_) => c("InvalidIPAddress.InUse"),
        M::NetworkInterfaceInUse(_) => c("InvalidNetworkInterface.InUse"),
        M::InsufficientFreeAddresses(_) => c("InsufficientFreeAddressesInSubnet"),
        M::InsufficientAddressCapacity(_) => c("InsufficientAddressCapacity"),
        M::IncorrectInstanceState(_) => c("IncorrectInstanceState"),
        M::IncorrectState(_) => c("IncorrectState"),
        M::InvalidStateTransition(_) => c("InvalidStateTransition"),
        M::PeeringAlreadyExists(_) => c("VpcPeeringConnectionAlreadyExists"),
        M::DuplicateSubnetsInSameZone(_) => c("DuplicateSubnetsInSameZone"),
        M::DuplicateTransitGatewayAttachment(_) => c("DuplicateTransitGatewayAttachment"),
        M::TransitGatewayAssociationNotFound(_) => c("InvalidAssociation.NotFound"),
        M::PropagationAlreadyEnabled(_) => c("TransitGatewayRouteTablePropagation.Duplicate"),
        M::PropagationNotEnabled(_) => c("TransitGatewayRouteTablePropagation.NotFound"),
        M::InvalidPrincipal(_) => c("InvalidPrincipal"),
        M::InvalidInstanceType(_) => c("InvalidInstanceType"),
        M::UnknownRegion(_) | M::UnknownZone(_) | M::UnknownZoneId(_) => c("InvalidParameterValue"),
        M::LimitExceeded(l, _) => c(limit(*l)),
        M::ValidationError(_) => c("ValidationError"),
        M::Elb(f, _) => c(elb(*f)),
        M::Ram(f, _) => c(ram(*f)),
        M::Ssm(f, _) => c(ssm(*f)),
        M::SubnetGroup(service, f, _) => {
            let (code, status) = subnet_group(*service, *f);
            c(code).with_status(status)
        }
        M::Iam(f, _) => {
            let (code, status) = iam(*f);
            c(code).with_status(status)
        }
        M::Logs(f, _) => c(logs(*f)),
        M::Org(f, _) => c(org(*f)),
        M::Cfn(f, _) => {
            let (code, status) = cfn(*f);
            c(code).with_status(status)
        }
    }
}

#[cfg(test)]
#[path = "errors_tests.rs"]
mod tests;

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
    /// The AWS error the client sees. A store that cannot be reached (or
    /// a log other replicas kept moving) is AWS's `ServiceUnavailable`
    /// (HTTP 503: retry later); any other storage failure `InternalError`
    /// (HTTP 500). Nothing was applied either way.
    pub fn to_api(&self) -> ApiError {
        match self {
            Error::Model(e) => to_api(e),
            Error::Wire(e) => ApiError::from(e.clone()),
            Error::Api(e) => e.clone(),
            Error::Store(e @ (xvpc_store::StoreError::Unavailable(_) | xvpc_store::StoreError::Behind { .. })) => {
                tracing::warn!("store unavailable: {e}");
                ApiError::client("ServiceUnavailable", "The request has failed due to a temporary failure of the server.").with_status(503)
            }
            Error::Store(e) => {
                tracing::error!("store failure: {e}");
                ApiError::client("InternalError", "An internal error has occurred").with_status(500)
            }
        }
    }
}

/// Shorthand for a protocol error raised by a handler while decoding its
/// parameters (`MissingParameter`, ...). AWS's rules raise `ModelError`s.
pub fn client(code: &str, message: impl Into<String>) -> Error {
    Error::Api(ApiError::client(code, message))
}

pub type Result<T> = std::result::Result<T, Error>;
