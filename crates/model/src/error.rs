//! The model's errors. Each variant is one AWS error code; the single table
//! that maps them to codes and HTTP statuses is `xvpc_api::errors`.

use thiserror::Error;

/// The kinds of id AWS distinguishes in `...ID.NotFound` / `.Malformed` codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    Vpc,
    Subnet,
    RouteTable,
    InternetGateway,
    SecurityGroup,
    SecurityGroupRule,
    NetworkAcl,
    NetworkInterface,
    Instance,
    Ami,
    Association,
    VpcPeeringConnection,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    VpcEndpoint,
    VpcEndpointService,
    PrefixList,
    NetworkInsightsPath,
    NetworkInsightsAnalysis,
    ElasticIpAllocation,
}

impl IdKind {
    /// The id prefix AWS uses for this kind (`vpc`, `subnet`, ...).
    pub fn prefix(self) -> &'static str {
        match self {
            IdKind::Vpc => "vpc",
            IdKind::Subnet => "subnet",
            IdKind::RouteTable => "rtb",
            IdKind::InternetGateway => "igw",
            IdKind::SecurityGroup => "sg",
            IdKind::SecurityGroupRule => "sgr",
            IdKind::NetworkAcl => "acl",
            IdKind::NetworkInterface => "eni",
            IdKind::Instance => "i",
            IdKind::Ami => "ami",
            IdKind::Association => "assoc",
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
        }
    }
}

/// A request that AWS's rules refuse.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    /// The id does not exist, or the caller may not see it.
    #[error("{0:?} '{1}' does not exist")]
    NotFound(IdKind, String),
    /// The id is not of AWS's form for its kind.
    #[error("Invalid id: \"{1}\"")]
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
    /// `InvalidVpc.Range`: VPC CIDR outside /16–/28 or not private-style.
    #[error("The CIDR '{0}' is invalid.")]
    InvalidVpcRange(String),
    /// `InvalidSubnet.Range`: subnet CIDR outside the VPC or size limits.
    #[error("The CIDR '{0}' is invalid.")]
    InvalidSubnetRange(String),
    /// `InvalidSubnet.Conflict`: subnet CIDR overlaps a sibling.
    #[error("The CIDR '{0}' conflicts with another subnet")]
    InvalidSubnetConflict(String),
    /// `InvalidVpc.CidrConflict` / overlapping secondary block.
    #[error("{0}")]
    CidrConflict(String),
    /// `CidrLimitExceeded`.
    #[error("{0}")]
    CidrLimitExceeded(String),
    /// `DependencyViolation`: something still uses the resource.
    #[error("{0}")]
    DependencyViolation(String),
    /// `OperationNotPermitted`.
    #[error("{0}")]
    OperationNotPermitted(String),
    /// `InvalidGroup.Duplicate`.
    #[error("The security group '{0}' already exists for VPC '{1}'")]
    DuplicateGroup(String, String),
    /// `InvalidPermission.Duplicate`.
    #[error("the specified rule \"{0}\" already exists")]
    DuplicatePermission(String),
    /// `InvalidPermission.NotFound`.
    #[error("The specified rule does not exist in this security group.")]
    PermissionNotFound,
    /// `InvalidGroup.Reserved` / `CannotDelete` on default groups.
    #[error("{0}")]
    CannotDelete(String),
    /// `RouteAlreadyExists`.
    #[error("The route identified by {0} already exists.")]
    RouteAlreadyExists(String),
    /// `InvalidRoute.NotFound`.
    #[error("no route with destination-cidr-block {0} in route table {1}")]
    RouteNotFound(String, String),
    /// `InvalidRoute.InvalidState` (for example the local route).
    #[error("{0}")]
    InvalidRouteState(String),
    /// `NetworkAclEntryAlreadyExists`.
    #[error("The network acl entry identified by {0} already exists.")]
    NetworkAclEntryAlreadyExists(i64),
    /// `InvalidNetworkAclEntry.NotFound`.
    #[error("The specified network ACL entry does not exist")]
    NetworkAclEntryNotFound,
    /// `Resource.AlreadyAssociated`.
    #[error("{0}")]
    AlreadyAssociated(String),
    /// `Gateway.NotAttached`.
    #[error("{0}")]
    GatewayNotAttached(String),
    /// `InvalidIPAddress.InUse`.
    #[error("Address {0} is in use.")]
    AddressInUse(String),
    /// `InsufficientFreeAddressesInSubnet`.
    #[error("There are not enough free addresses in subnet '{0}' to satisfy the requested number of instances.")]
    InsufficientFreeAddresses(String),
    /// `IncorrectInstanceState`.
    #[error("{0}")]
    IncorrectInstanceState(String),
    /// `IncorrectState`.
    #[error("{0}")]
    IncorrectState(String),
    /// `VpcLimitExceeded`, `RulesPerSecurityGroupLimitExceeded`, ...: the
    /// first field is AWS's code.
    #[error("{1}")]
    LimitExceeded(&'static str, String),
    /// `InvalidFilter`-style: AWS answers `InvalidParameterValue` for an
    /// unknown filter name.
    #[error("The filter '{0}' is invalid")]
    InvalidFilter(String),
    /// `UnauthorizedOperation`: the caller may see but not change this.
    #[error("You are not authorized to perform this operation.")]
    Unauthorized,
    /// ELBv2 `LoadBalancerNotFound`.
    #[error("{0}")]
    LoadBalancerNotFound(String),
    /// ELBv2 `TargetGroupNotFound`.
    #[error("{0}")]
    TargetGroupNotFound(String),
    /// ELBv2 `ListenerNotFound`.
    #[error("{0}")]
    ListenerNotFound(String),
    /// ELBv2 `ValidationError`: a parameter outside what AWS accepts.
    #[error("{0}")]
    ValidationError(String),
    /// Any other AWS code, named explicitly by the command that raises it.
    /// Used sparingly, for codes that occur in exactly one place.
    #[error("{1}")]
    Aws(&'static str, String),
}

pub type Result<T> = std::result::Result<T, ModelError>;
