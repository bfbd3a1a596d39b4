//! The model's errors. Each variant is one AWS error code (per id kind for
//! `NotFound` / `Malformed`, per limit for `LimitExceeded`, per exception
//! for the ELBv2 and RAM families); the single table that maps them to codes
//! and HTTP statuses is `xvpc_api::errors`. No code is spelled here, so a
//! command cannot invent one.

use thiserror::Error;

/// The kinds of id (or name, or address) whose absence AWS reports with its
/// own code: `InvalidVpcID.NotFound`, `InvalidServiceName`,
/// `LoadBalancerNotFound`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    Vpc,
    Subnet,
    RouteTable,
    InternetGateway,
    /// The `GatewayId` of a route, before xvpc knows which kind it is.
    Gateway,
    NatGateway,
    FlowLog,
    SecurityGroup,
    SecurityGroupRule,
    NetworkAcl,
    NetworkInterface,
    NetworkInterfaceAttachment,
    Instance,
    Ami,
    Volume,
    /// A route table, network ACL or Elastic IP association id.
    Association,
    VpcCidrBlockAssociation,
    SubnetCidrBlockAssociation,
    EgressOnlyInternetGateway,
    DhcpOptions,
    VpcPeeringConnection,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    VpcEndpoint,
    VpcEndpointService,
    /// An endpoint service's name (`com.amazonaws.vpce.us-east-1.vpce-svc-...`).
    ServiceName,
    PrefixList,
    NetworkInsightsPath,
    NetworkInsightsAnalysis,
    ElasticIpAllocation,
    /// An Elastic IP named by its public address.
    ElasticIp,
    /// ELBv2 resources, named by ARN or name.
    LoadBalancer,
    TargetGroup,
    Listener,
    /// A subnet as ELBv2 reports it (`SubnetNotFound`, not EC2's code).
    LoadBalancerSubnet,
    VpcBlockPublicAccessExclusion,
    VpnGateway,
    CustomerGateway,
    KeyPair,
}

impl IdKind {
    /// The id prefix AWS uses for this kind (`vpc`, `subnet`, ...), or
    /// `None` when its ids are not `<prefix>-<hex>` (names, ARNs, addresses,
    /// or several prefixes).
    pub fn prefix(self) -> Option<&'static str> {
        Some(match self {
            IdKind::Vpc => "vpc",
            IdKind::Subnet => "subnet",
            IdKind::RouteTable => "rtb",
            IdKind::InternetGateway => "igw",
            IdKind::NatGateway => "nat",
            IdKind::FlowLog => "fl",
            IdKind::SecurityGroup => "sg",
            IdKind::SecurityGroupRule => "sgr",
            IdKind::NetworkAcl => "acl",
            IdKind::NetworkInterface => "eni",
            IdKind::NetworkInterfaceAttachment => "eni-attach",
            IdKind::Instance => "i",
            IdKind::Ami => "ami",
            IdKind::Volume => "vol",
            IdKind::VpcCidrBlockAssociation => "vpc-cidr-assoc",
            IdKind::SubnetCidrBlockAssociation => "subnet-cidr-assoc",
            IdKind::EgressOnlyInternetGateway => "eigw",
            IdKind::DhcpOptions => "dopt",
            IdKind::VpcPeeringConnection => "pcx",
            IdKind::TransitGateway => "tgw",
            IdKind::TransitGatewayAttachment => "tgw-attach",
            IdKind::TransitGatewayRouteTable => "tgw-rtb",
            IdKind::VpcEndpoint => "vpce",
            IdKind::VpcEndpointService => "vpce-svc",
            IdKind::PrefixList => "pl",
            IdKind::NetworkInsightsPath => "nip",
            IdKind::NetworkInsightsAnalysis => "nia",
            IdKind::ElasticIpAllocation => "eipalloc",
            IdKind::VpcBlockPublicAccessExclusion => "vpcbpa-exclude",
            IdKind::VpnGateway => "vgw",
            IdKind::KeyPair => "key",
            IdKind::CustomerGateway => "cgw",
            IdKind::Gateway
            | IdKind::Association
            | IdKind::ServiceName
            | IdKind::ElasticIp
            | IdKind::LoadBalancer
            | IdKind::TargetGroup
            | IdKind::Listener
            | IdKind::LoadBalancerSubnet => return None,
        })
    }
}

/// The quotas xvpc enforces; each has its own AWS code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// VPCs per Region.
    Vpcs,
    /// Elastic IP addresses per Region.
    Addresses,
    /// IPv4 CIDR blocks per VPC.
    VpcCidrBlocks,
    /// Instances in one RunInstances call.
    Instances,
    RulesPerSecurityGroup,
    SecurityGroupsPerInterface,
    /// Tags per EC2 resource.
    Tags,
    /// Load balancers per Region.
    LoadBalancers,
    /// Tags per ELBv2 resource.
    LoadBalancerTags,
    /// Load balancers per target group (one, for network load balancers).
    TargetGroupLoadBalancers,
    /// Tags per RAM resource share.
    ResourceShareTags,
    /// VPCs per virtual private gateway (and gateways per VPC): one.
    VpnGatewayAttachments,
}

/// ELBv2's own refusals, named after its exceptions in botocore's model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElbFault {
    DuplicateLoadBalancerName,
    DuplicateTargetGroupName,
    DuplicateListener,
    /// A tag key given twice in one AddTags call (`DuplicateTagKeysException`).
    DuplicateTagKeys,
    InvalidConfigurationRequest,
    InvalidSecurityGroup,
    InvalidSubnet,
    InvalidTarget,
    InvalidLoadBalancerAction,
    IncompatibleProtocols,
    UnsupportedProtocol,
    ResourceInUse,
}

/// RAM's refusals, named after its exceptions in botocore's model.
/// IAM's refusals (botocore's exception shapes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IamFault {
    NoSuchEntity,
    EntityAlreadyExists,
    DeleteConflict,
    MalformedPolicyDocument,
    /// STS: the role's trust policy does not let the caller assume it.
    AccessDenied,
}

/// AWS Organizations' refusals, named after its exceptions in botocore's
/// model (`NotInUse` is `AWSOrganizationsNotInUseException`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrgFault {
    /// The caller is in no organization.
    NotInUse,
    AlreadyInOrganization,
    /// A member account (or an outsider) asked for what only the
    /// management account may do.
    AccessDenied,
    AccountNotFound,
    ChildNotFound,
    ConstraintViolation,
    CreateAccountStatusNotFound,
    DestinationParentNotFound,
    DuplicateAccount,
    DuplicateHandshake,
    DuplicateOrganizationalUnit,
    HandshakeConstraintViolation,
    HandshakeNotFound,
    InvalidHandshakeTransition,
    InvalidInput,
    MasterCannotLeaveOrganization,
    OrganizationNotEmpty,
    OrganizationalUnitNotEmpty,
    OrganizationalUnitNotFound,
    ParentNotFound,
    PolicyTypeAlreadyEnabled,
    PolicyTypeNotEnabled,
    RootNotFound,
    SourceParentNotFound,
    TargetNotFound,
}

/// CloudFormation's refusals (beside `ValidationError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CfnFault {
    AlreadyExists,
    ChangeSetNotFound,
    InsufficientCapabilities,
    InvalidChangeSetStatus,
}

/// CloudWatch Logs' refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogsFault {
    ResourceNotFound,
    ResourceAlreadyExists,
    InvalidParameter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RamFault {
    UnknownResource,
    MalformedArn,
    InvalidParameter,
    OperationNotPermitted,
    InvalidStateTransition,
    InvitationArnNotFound,
    InvitationAlreadyAccepted,
    InvitationAlreadyRejected,
    InvalidResourceType,
}

/// Systems Manager Parameter Store's refusals, named after its exceptions
/// in botocore's model (`Validation` is `ValidationException`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SsmFault {
    ParameterNotFound,
    ParameterVersionNotFound,
    /// A `NextToken` that no earlier page returned.
    InvalidNextToken,
    Validation,
    ParameterAlreadyExists,
    /// `TooManyTagsError`.
    TooManyTags,
    InvalidResourceId,
    InvalidResourceType,
    InvalidFilterKey,
    InvalidFilterOption,
}

/// A request that AWS's rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    /// The id does not exist, or the caller may not see it.
    #[error("{0:?} '{1}' does not exist")]
    NotFound(IdKind, String),
    /// The id is not of AWS's form for its kind. AWS's wording, as clients
    /// report it (`Invalid id: "x" (expecting "sg-...")`).
    #[error("Invalid id: \"{id}\"{expecting}", id = .1, expecting = expecting(*.0))]
    Malformed(IdKind, String),
    /// `InvalidParameterValue`: a value is outside what AWS accepts.
    #[error("{0}")]
    InvalidParameterValue(String),
    /// `InvalidParameterCombination`.
    #[error("{0}")]
    InvalidParameterCombination(String),
    /// `MissingParameter`.
    #[error("The request must contain the parameter {0}")]
    MissingParameter(String),
    /// `InvalidParameter`: a structurally wrong parameter.
    #[error("{0}")]
    InvalidParameter(String),
    /// `MissingInput`: the default VPC has no subnet to launch into.
    #[error("{0}")]
    MissingInput(String),
    /// `VPCIdNotSpecified`: no VPC given and no default VPC.
    #[error("{0}")]
    VpcIdNotSpecified(String),
    /// `InvalidKeyPair.Duplicate`.
    #[error("{0}")]
    KeyPairDuplicate(String),
    /// `InvalidKey.Format`: an imported key that is not an OpenSSH public key.
    #[error("{0}")]
    InvalidKeyFormat(String),
    /// `InvalidVpnGatewayAttachment.NotFound`: the gateway is not attached
    /// to that VPC.
    #[error("{0}")]
    VpnGatewayAttachmentNotFound(String),
    /// `DefaultVpcAlreadyExists`: CreateDefaultVpc while one exists.
    #[error("A Default VPC already exists for this account in this region.")]
    DefaultVpcAlreadyExists,
    /// `DefaultVpcDoesNotExist`: CreateDefaultSubnet without a default VPC.
    #[error("No default VPC exists for this account in this region.")]
    DefaultVpcDoesNotExist,
    /// `DefaultSubnetAlreadyExistsInAvailabilityZone`.
    #[error("A Default Subnet already exists for this account in the availability zone {0}.")]
    DefaultSubnetAlreadyExists(String),
    /// `InsufficientCidrBlocks`: the default VPC has no free /20 left.
    #[error("The specified subnet does not have enough free cidr blocks to satisfy the request.")]
    InsufficientCidrBlocks,
    /// `InvalidVpc.Range`: VPC CIDR outside /16–/28 or not private-style.
    #[error("The CIDR '{0}' is invalid.")]
    InvalidVpcRange(String),
    /// `InvalidVpc.Range` for a secondary block AWS restricts (another
    /// private range, 198.19.0.0/16, a route's destination): the message.
    #[error("{0}")]
    RestrictedVpcRange(String),
    /// `InvalidSubnet.Range`: subnet CIDR outside the VPC or size limits.
    #[error("The CIDR '{0}' is invalid.")]
    InvalidSubnetRange(String),
    /// `InvalidSubnet.Conflict`: subnet CIDR overlaps a sibling.
    #[error("The CIDR '{0}' conflicts with another subnet")]
    InvalidSubnetConflict(String),
    /// `DependencyViolation`: something still uses the resource.
    #[error("{0}")]
    DependencyViolation(String),
    /// `OperationNotPermitted` (EC2 and ELBv2 spell it alike).
    #[error("{0}")]
    OperationNotPermitted(String),
    /// `InvalidGroup.Duplicate`.
    #[error("The security group '{0}' already exists for VPC '{1}'")]
    DuplicateGroup(String, String),
    /// `InvalidGroup.Reserved`: a new group may not be called `default`.
    #[error("The security group 'default' is reserved")]
    ReservedGroupName,
    /// `InvalidGroup.NotFound` for a referenced group in a VPC the rule's
    /// group cannot reach (AWS's code, with this wording).
    #[error("You have specified two resources that belong to different networks.")]
    GroupInOtherNetwork,
    /// `InvalidPermission.Duplicate`.
    #[error("the specified rule \"{0}\" already exists")]
    DuplicatePermission(String),
    /// `InvalidPermission.NotFound`.
    #[error("The specified rule does not exist in this security group.")]
    PermissionNotFound,
    /// `CannotDelete`: the default security group.
    #[error("{0}")]
    CannotDelete(String),
    /// `RouteAlreadyExists`.
    #[error("The route identified by {0} already exists.")]
    RouteAlreadyExists(String),
    /// `PrefixListVersionMismatch`: a change named another version than the current one.
    #[error("{0}")]
    PrefixListVersionMismatch(String),
    /// `InvalidRoute.NotFound`.
    #[error("no route with destination-cidr-block {0} in route table {1}")]
    RouteNotFound(String, String),
    /// The `local` route cannot be replaced or removed; AWS answers
    /// `InvalidParameterValue` ("cannot remove local route ...").
    #[error("{0}")]
    LocalRoute(String),
    /// `NetworkAclEntryAlreadyExists`.
    #[error("The network acl entry identified by {0} already exists.")]
    NetworkAclEntryAlreadyExists(i64),
    /// `InvalidNetworkAclEntry.NotFound`.
    #[error("The specified network ACL entry does not exist")]
    NetworkAclEntryNotFound,
    /// `FlowLogAlreadyExists`: the resource already has a flow log with this
    /// destination and traffic type.
    #[error("Error. There is an existing Flow Log with the same configuration and log destination.")]
    FlowLogAlreadyExists,
    /// `Resource.AlreadyAssociated`.
    #[error("{0}")]
    AlreadyAssociated(String),
    /// `Gateway.NotAttached`.
    #[error("{0}")]
    GatewayNotAttached(String),
    /// `InvalidIPAddress.InUse`.
    #[error("Address {0} is in use.")]
    AddressInUse(String),
    /// `InvalidNetworkInterface.InUse`: attached, or managed by a service.
    #[error("Interface: [{0}] in use.")]
    NetworkInterfaceInUse(String),
    /// `InsufficientFreeAddressesInSubnet`.
    #[error("There are not enough free addresses in subnet '{0}' to satisfy the requested number of instances.")]
    InsufficientFreeAddresses(String),
    /// `InsufficientAddressCapacity`: the Region's public pool is used up.
    #[error("No public IPv4 addresses are left in {0}.")]
    InsufficientAddressCapacity(String),
    /// `IncorrectInstanceState`.
    #[error("{0}")]
    IncorrectInstanceState(String),
    /// `IncorrectState`.
    #[error("{0}")]
    IncorrectState(String),
    /// `InvalidStateTransition`: a peering connection's lifecycle.
    #[error("{0}")]
    InvalidStateTransition(String),
    /// `VpcPeeringConnectionAlreadyExists`.
    #[error("{0}")]
    PeeringAlreadyExists(String),
    /// `DuplicateSubnetsInSameZone`: one subnet per zone for an endpoint or
    /// a transit gateway attachment.
    #[error("{0}")]
    DuplicateSubnetsInSameZone(String),
    /// `DuplicateTransitGatewayAttachment`: the VPC is already attached.
    #[error("{0} has non-deleted Transit Gateway Attachments with same VPC ID.")]
    DuplicateTransitGatewayAttachment(String),
    /// `InvalidAssociation.NotFound`: the attachment is not associated
    /// with that transit gateway route table.
    #[error("{0}")]
    TransitGatewayAssociationNotFound(String),
    /// `TransitGatewayRouteTablePropagation.Duplicate`.
    #[error("{0}")]
    PropagationAlreadyEnabled(String),
    /// `TransitGatewayRouteTablePropagation.NotFound`.
    #[error("{0}")]
    PropagationNotEnabled(String),
    /// `InvalidPrincipal`: an endpoint service permission that is neither
    /// `*` nor an IAM ARN.
    #[error("Invalid principal {0}")]
    InvalidPrincipal(String),
    /// `InvalidInstanceType`: DescribeInstanceTypes names unknown types.
    #[error("The following supplied instance types do not exist: [{0}]")]
    InvalidInstanceType(String),
    /// `InvalidParameterValue`: a region name EC2 does not know.
    #[error("Invalid region name: {0}")]
    UnknownRegion(String),
    /// `InvalidParameterValue`: a zone name the caller's region has not.
    #[error("The zone '{0}' does not exist.")]
    UnknownZone(String),
    /// `InvalidParameterValue`: a zone id the caller's region has not.
    #[error("The zone id '{0}' does not exist.")]
    UnknownZoneId(String),
    /// A quota is reached: `VpcLimitExceeded`, `TooManyTags`, ...
    #[error("{1}")]
    LimitExceeded(Limit, String),
    /// An unknown filter name: AWS answers `InvalidParameterValue`.
    #[error("The filter '{0}' is invalid")]
    InvalidFilter(String),
    /// ELBv2 and STS `ValidationError`: a parameter outside what AWS accepts.
    #[error("{0}")]
    ValidationError(String),
    /// ELBv2's own refusals.
    #[error("{1}")]
    Elb(ElbFault, String),
    /// RAM's refusals.
    #[error("{1}")]
    Ram(RamFault, String),
    /// Systems Manager Parameter Store's refusals.
    #[error("{1}")]
    Ssm(SsmFault, String),
    /// A subnet group's refusals, per service that keeps it.
    #[error("{2}")]
    SubnetGroup(crate::subnet_group::GroupService, crate::subnet_group::GroupFault, String),
    /// An IAM refusal.
    #[error("{1}")]
    Iam(IamFault, String),
    /// A CloudWatch Logs refusal.
    #[error("{1}")]
    Logs(LogsFault, String),
    /// An AWS Organizations refusal.
    #[error("{1}")]
    Org(OrgFault, String),
    /// A CloudFormation refusal.
    #[error("{1}")]
    Cfn(CfnFault, String),
}

/// The hint AWS adds to a malformed id: ` (expecting "sg-...")`.
fn expecting(kind: IdKind) -> String {
    kind.prefix().map(|p| format!(" (expecting \"{p}-...\")")).unwrap_or_default()
}

pub type Result<T> = std::result::Result<T, ModelError>;
