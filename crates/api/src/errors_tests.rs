//! Each error's code, typed out as AWS spells it (EC2 API reference's error
//! table, botocore's ELBv2 and RAM exceptions), against what `to_api` maps.
//! The tables are complete by construction: `cases!` also writes an
//! exhaustive match over the listed variants, so a new variant (or id kind,
//! quota, fault) does not compile until it has a row here.

use super::*;

/// `(value, documented)` for every variant of `$ty`, each row a sample.
macro_rules! cases {
    ($ty:ident; $($v:ident $(($($arg:expr),*))? => $doc:expr),* $(,)?) => {{
        #[allow(unreachable_patterns, dead_code)]
        fn every_variant_has_a_row(x: &$ty) {
            match x {
                $($ty::$v { .. } => {})*
            }
        }
        vec![$(($ty::$v $(($($arg),*))?, $doc)),*]
    }};
}

fn s() -> String {
    "m".to_string()
}

/// Checks one error against AWS's code; every one of them is HTTP 400.
fn check(e: &ModelError, code: &str) {
    let api = to_api(e);
    assert_eq!((api.code.as_str(), api.status), (code, 400), "{e:?}");
    assert!(!api.message.is_empty(), "{e:?}");
}

#[test]
fn every_id_kind_has_its_documented_not_found_and_malformed_codes() {
    // (NotFound, Malformed); `None` where AWS has no Malformed code and
    // reports a malformed id as not found.
    let kinds = cases!(IdKind;
        Vpc => ("InvalidVpcID.NotFound", Some("InvalidVpcID.Malformed")),
        Subnet => ("InvalidSubnetID.NotFound", Some("InvalidSubnetID.Malformed")),
        RouteTable => ("InvalidRouteTableID.NotFound", Some("InvalidRouteTableId.Malformed")),
        InternetGateway => ("InvalidInternetGatewayID.NotFound", Some("InvalidInternetGatewayId.Malformed")),
        Gateway => ("InvalidGatewayID.NotFound", None),
        NatGateway => ("NatGatewayNotFound", Some("NatGatewayMalformed")),
        FlowLog => ("InvalidFlowLogId.NotFound", Some("InvalidFlowLogId.Malformed")),
        SecurityGroup => ("InvalidGroup.NotFound", Some("InvalidGroupId.Malformed")),
        SecurityGroupRule => ("InvalidSecurityGroupRuleId.NotFound", Some("InvalidSecurityGroupRuleId.Malformed")),
        NetworkAcl => ("InvalidNetworkAclID.NotFound", Some("InvalidNetworkAclId.Malformed")),
        NetworkInterface => ("InvalidNetworkInterfaceID.NotFound", Some("InvalidNetworkInterfaceId.Malformed")),
        NetworkInterfaceAttachment => ("InvalidAttachmentID.NotFound", Some("InvalidNetworkInterfaceAttachmentId.Malformed")),
        Instance => ("InvalidInstanceID.NotFound", Some("InvalidInstanceID.Malformed")),
        Ami => ("InvalidAMIID.NotFound", Some("InvalidAMIID.Malformed")),
        Volume => ("InvalidVolume.NotFound", Some("InvalidVolumeID.Malformed")),
        Association => ("InvalidAssociationID.NotFound", None),
        VpcCidrBlockAssociation => ("InvalidVpcCidrBlockAssociationID.NotFound", None),
        SubnetCidrBlockAssociation => ("InvalidSubnetCidrBlockAssociationID.NotFound", None),
        EgressOnlyInternetGateway => ("InvalidEgressOnlyInternetGatewayId.NotFound", Some("InvalidEgressOnlyInternetGatewayId.Malformed")),
        DhcpOptions => ("InvalidDhcpOptionID.NotFound", Some("InvalidDhcpOptionsId.Malformed")),
        VpcPeeringConnection => ("InvalidVpcPeeringConnectionID.NotFound", Some("InvalidVpcPeeringConnectionId.Malformed")),
        TransitGateway => ("InvalidTransitGatewayID.NotFound", Some("InvalidTransitGatewayID.Malformed")),
        TransitGatewayAttachment => ("InvalidTransitGatewayAttachmentID.NotFound", Some("InvalidTransitGatewayAttachmentID.Malformed")),
        TransitGatewayRouteTable => ("InvalidRouteTableID.NotFound", Some("InvalidRouteTableId.Malformed")),
        VpcEndpoint => ("InvalidVpcEndpointId.NotFound", Some("InvalidVpcEndpointId.Malformed")),
        VpcEndpointService => ("InvalidVpcEndpointServiceId.NotFound", Some("InvalidVpcEndpointServiceId.Malformed")),
        ServiceName => ("InvalidServiceName", None),
        PrefixList => ("InvalidPrefixListID.NotFound", Some("InvalidPrefixListId.Malformed")),
        NetworkInsightsPath => ("InvalidNetworkInsightsPathId.NotFound", None),
        NetworkInsightsAnalysis => ("InvalidNetworkInsightsAnalysisId.NotFound", None),
        ElasticIpAllocation => ("InvalidAllocationID.NotFound", Some("InvalidAllocationID.Malformed")),
        ElasticIp => ("InvalidAddress.NotFound", Some("InvalidAddress.Malformed")),
        LoadBalancer => ("LoadBalancerNotFound", None),
        TargetGroup => ("TargetGroupNotFound", None),
        Listener => ("ListenerNotFound", None),
        LoadBalancerSubnet => ("SubnetNotFound", None),
        VpcBlockPublicAccessExclusion => ("InvalidVpcBlockPublicAccessExclusionId.NotFound", None),
        VpnGateway => ("InvalidVpnGatewayID.NotFound", None),
        CustomerGateway => ("InvalidCustomerGatewayID.NotFound", None),
        KeyPair => ("InvalidKeyPair.NotFound", None),
    );
    for (kind, (not_found, malformed)) in kinds {
        check(&ModelError::NotFound(kind, "x-1".into()), not_found);
        check(&ModelError::Malformed(kind, "x".into()), malformed.unwrap_or(not_found));
    }
}

#[test]
fn every_quota_and_service_fault_has_its_documented_code() {
    let limits = cases!(Limit;
        Vpcs => "VpcLimitExceeded",
        Addresses => "AddressLimitExceeded",
        VpnGatewayAttachments => "VpnGatewayAttachmentLimitExceeded",
        VpcCidrBlocks => "CidrLimitExceeded",
        Instances => "InstanceLimitExceeded",
        RulesPerSecurityGroup => "RulesPerSecurityGroupLimitExceeded",
        SecurityGroupsPerInterface => "SecurityGroupsPerInterfaceLimitExceeded",
        Tags => "TagLimitExceeded",
        LoadBalancers => "TooManyLoadBalancers",
        LoadBalancerTags => "TooManyTags",
        TargetGroupLoadBalancers => "TargetGroupAssociationLimit",
        ResourceShareTags => "TagLimitExceededException",
    );
    for (l, code) in limits {
        check(&ModelError::LimitExceeded(l, s()), code);
    }
    let elb = cases!(ElbFault;
        DuplicateLoadBalancerName => "DuplicateLoadBalancerName",
        DuplicateTargetGroupName => "DuplicateTargetGroupName",
        DuplicateListener => "DuplicateListener",
        DuplicateTagKeys => "DuplicateTagKeys",
        InvalidConfigurationRequest => "InvalidConfigurationRequest",
        InvalidSecurityGroup => "InvalidSecurityGroup",
        InvalidSubnet => "InvalidSubnet",
        InvalidTarget => "InvalidTarget",
        InvalidLoadBalancerAction => "InvalidLoadBalancerAction",
        IncompatibleProtocols => "IncompatibleProtocols",
        UnsupportedProtocol => "UnsupportedProtocol",
        ResourceInUse => "ResourceInUse",
    );
    for (f, code) in elb {
        check(&ModelError::Elb(f, s()), code);
    }
    let ram = cases!(RamFault;
        UnknownResource => "UnknownResourceException",
        MalformedArn => "MalformedArnException",
        InvalidParameter => "InvalidParameterException",
        OperationNotPermitted => "OperationNotPermittedException",
        InvalidStateTransition => "InvalidStateTransitionException",
        InvitationArnNotFound => "ResourceShareInvitationArnNotFoundException",
        InvitationAlreadyAccepted => "ResourceShareInvitationAlreadyAcceptedException",
        InvitationAlreadyRejected => "ResourceShareInvitationAlreadyRejectedException",
        InvalidResourceType => "InvalidResourceTypeException",
    );
    for (f, code) in ram {
        check(&ModelError::Ram(f, s()), code);
    }
    let ssm = cases!(SsmFault;
        ParameterNotFound => "ParameterNotFound",
        ParameterVersionNotFound => "ParameterVersionNotFound",
        InvalidNextToken => "InvalidNextToken",
        Validation => "ValidationException",
        ParameterAlreadyExists => "ParameterAlreadyExists",
        TooManyTags => "TooManyTagsError",
        InvalidResourceId => "InvalidResourceId",
        InvalidResourceType => "InvalidResourceType",
        InvalidFilterKey => "InvalidFilterKey",
        InvalidFilterOption => "InvalidFilterOption",
    );
    for (f, code) in ssm {
        check(&ModelError::Ssm(f, s()), code);
    }
}

#[test]
fn every_variant_has_its_documented_code() {
    let all = cases!(ModelError;
        NotFound(IdKind::Vpc, "vpc-1".into()) => "InvalidVpcID.NotFound",
        Malformed(IdKind::RouteTable, "rtb-zz".into()) => "InvalidRouteTableId.Malformed",
        InvalidParameterValue(s()) => "InvalidParameterValue",
        InvalidParameterCombination(s()) => "InvalidParameterCombination",
        MissingParameter(s()) => "MissingParameter",
        InvalidParameter(s()) => "InvalidParameter",
        MissingInput(s()) => "MissingInput",
        VpcIdNotSpecified(s()) => "VPCIdNotSpecified",
        DefaultVpcAlreadyExists => "DefaultVpcAlreadyExists",
        DefaultVpcDoesNotExist => "DefaultVpcDoesNotExist",
        DefaultSubnetAlreadyExists(s()) => "DefaultSubnetAlreadyExistsInAvailabilityZone",
        InsufficientCidrBlocks => "InsufficientCidrBlocks",
        InvalidVpcRange(s()) => "InvalidVpc.Range",
        RestrictedVpcRange(s()) => "InvalidVpc.Range",
        VpnGatewayAttachmentNotFound(s()) => "InvalidVpnGatewayAttachment.NotFound",
        KeyPairDuplicate(s()) => "InvalidKeyPair.Duplicate",
        InvalidKeyFormat(s()) => "InvalidKey.Format",
        InvalidSubnetRange(s()) => "InvalidSubnet.Range",
        InvalidSubnetConflict(s()) => "InvalidSubnet.Conflict",
        DependencyViolation(s()) => "DependencyViolation",
        OperationNotPermitted(s()) => "OperationNotPermitted",
        DuplicateGroup(s(), s()) => "InvalidGroup.Duplicate",
        ReservedGroupName => "InvalidGroup.Reserved",
        GroupInOtherNetwork => "InvalidGroup.NotFound",
        DuplicatePermission(s()) => "InvalidPermission.Duplicate",
        PermissionNotFound => "InvalidPermission.NotFound",
        CannotDelete(s()) => "CannotDelete",
        RouteAlreadyExists(s()) => "RouteAlreadyExists",
        PrefixListVersionMismatch(s()) => "PrefixListVersionMismatch",
        RouteNotFound(s(), s()) => "InvalidRoute.NotFound",
        LocalRoute(s()) => "InvalidParameterValue",
        NetworkAclEntryAlreadyExists(100) => "NetworkAclEntryAlreadyExists",
        NetworkAclEntryNotFound => "InvalidNetworkAclEntry.NotFound",
        AlreadyAssociated(s()) => "Resource.AlreadyAssociated",
        FlowLogAlreadyExists => "FlowLogAlreadyExists",
        GatewayNotAttached(s()) => "Gateway.NotAttached",
        AddressInUse(s()) => "InvalidIPAddress.InUse",
        NetworkInterfaceInUse(s()) => "InvalidNetworkInterface.InUse",
        InsufficientFreeAddresses(s()) => "InsufficientFreeAddressesInSubnet",
        InsufficientAddressCapacity(s()) => "InsufficientAddressCapacity",
        IncorrectInstanceState(s()) => "IncorrectInstanceState",
        IncorrectState(s()) => "IncorrectState",
        InvalidStateTransition(s()) => "InvalidStateTransition",
        PeeringAlreadyExists(s()) => "VpcPeeringConnectionAlreadyExists",
        DuplicateSubnetsInSameZone(s()) => "DuplicateSubnetsInSameZone",
        DuplicateTransitGatewayAttachment(s()) => "DuplicateTransitGatewayAttachment",
        TransitGatewayAssociationNotFound(s()) => "InvalidAssociation.NotFound",
        PropagationAlreadyEnabled(s()) => "TransitGatewayRouteTablePropagation.Duplicate",
        PropagationNotEnabled(s()) => "TransitGatewayRouteTablePropagation.NotFound",
        InvalidPrincipal(s()) => "InvalidPrincipal",
        InvalidInstanceType(s()) => "InvalidInstanceType",
        UnknownRegion(s()) => "InvalidParameterValue",
        UnknownZone(s()) => "InvalidParameterValue",
        UnknownZoneId(s()) => "InvalidParameterValue",
        LimitExceeded(Limit::Vpcs, s()) => "VpcLimitExceeded",
        InvalidFilter(s()) => "InvalidParameterValue",
        ValidationError(s()) => "ValidationError",
        Elb(ElbFault::DuplicateListener, s()) => "DuplicateListener",
        Ram(RamFault::UnknownResource, s()) => "UnknownResourceException",
        Ssm(SsmFault::ParameterNotFound, s()) => "ParameterNotFound",
        SubnetGroup(GroupService::Rds, GroupFault::AlreadyExists, s()) => "DBSubnetGroupAlreadyExists",
        Iam(xvpc_model::error::IamFault::MalformedPolicyDocument, s()) => "MalformedPolicyDocument",
        Logs(xvpc_model::error::LogsFault::ResourceNotFound, s()) => "ResourceNotFoundException",
        Org(xvpc_model::error::OrgFault::NotInUse, s()) => "AWSOrganizationsNotInUseException",
        Cfn(xvpc_model::error::CfnFault::AlreadyExists, s()) => "AlreadyExistsException",
    );
    for (e, code) in all {
        check(&e, code);
    }
}

/// Each service's subnet group faults, as botocore's exception shapes spell
/// them (`error.code`, `httpStatusCode`).
#[test]
fn every_subnet_group_fault_has_each_services_code() {
    use GroupService as S;
    // (RDS, ElastiCache, Redshift).
    let faults = cases!(GroupFault;
        AlreadyExists => (("DBSubnetGroupAlreadyExists", 400), ("CacheSubnetGroupAlreadyExists", 400), ("ClusterSubnetGroupAlreadyExists", 400)),
        NotFound => (("DBSubnetGroupNotFoundFault", 404), ("CacheSubnetGroupNotFoundFault", 400), ("ClusterSubnetGroupNotFoundFault", 400)),
        NotEnoughZones => (("DBSubnetGroupDoesNotCoverEnoughAZs", 400), ("InvalidSubnet", 400), ("InvalidSubnet", 400)),
        InvalidSubnet => (("InvalidSubnet", 400), ("InvalidSubnet", 400), ("InvalidSubnet", 400)),
        GroupQuotaExceeded => (("DBSubnetGroupQuotaExceeded", 400), ("CacheSubnetGroupQuotaExceeded", 400), ("ClusterSubnetGroupQuotaExceeded", 400)),
        SubnetQuotaExceeded => (("DBSubnetQuotaExceededFault", 400), ("CacheSubnetQuotaExceededFault", 400), ("ClusterSubnetQuotaExceededFault", 400)),
        TagQuotaExceeded => (("InvalidParameterValue", 400), ("TagQuotaPerResourceExceeded", 400), ("TagLimitExceededFault", 400)),
        InvalidTag => (("InvalidParameterValue", 400), ("InvalidParameterValue", 400), ("InvalidTagFault", 400)),
        InvalidArn => (("InvalidParameterValue", 400), ("InvalidARN", 400), ("InvalidParameterValue", 400)),
        ResourceNotFound => (("InvalidParameterValue", 400), ("InvalidARN", 400), ("ResourceNotFoundFault", 404)),
    );
    for (f, (rds, cache, redshift)) in faults {
        for (service, (code, status)) in [(S::Rds, rds), (S::ElastiCache, cache), (S::Redshift, redshift)] {
            let api = to_api(&ModelError::SubnetGroup(service, f, s()));
            assert_eq!((api.code.as_str(), api.status), (code, status), "{service:?} {f:?}");
        }
    }
}

#[test]
fn every_iam_and_logs_fault_has_its_code_and_status() {
    use xvpc_model::error::{IamFault, LogsFault};
    let iam = cases!(IamFault;
        NoSuchEntity => ("NoSuchEntity", 404),
        EntityAlreadyExists => ("EntityAlreadyExists", 409),
        DeleteConflict => ("DeleteConflict", 409),
        MalformedPolicyDocument => ("MalformedPolicyDocument", 400),
        AccessDenied => ("AccessDenied", 403),
    );
    for (f, (code, status)) in iam {
        let api = to_api(&ModelError::Iam(f, s()));
        assert_eq!((api.code.as_str(), api.status), (code, status), "{f:?}");
    }
    let logs = cases!(LogsFault;
        ResourceNotFound => "ResourceNotFoundException",
        ResourceAlreadyExists => "ResourceAlreadyExistsException",
        InvalidParameter => "InvalidParameterException",
    );
    for (f, code) in logs {
        check(&ModelError::Logs(f, s()), code);
    }
}

#[test]
fn every_organizations_fault_has_its_code() {
    use xvpc_model::error::OrgFault;
    let org = cases!(OrgFault;
        NotInUse => "AWSOrganizationsNotInUseException",
        AlreadyInOrganization => "AlreadyInOrganizationException",
        AccessDenied => "AccessDeniedException",
        AccountNotFound => "AccountNotFoundException",
        ChildNotFound => "ChildNotFoundException",
        ConstraintViolation => "ConstraintViolationException",
        CreateAccountStatusNotFound => "CreateAccountStatusNotFoundException",
        DestinationParentNotFound => "DestinationParentNotFoundException",
        DuplicateAccount => "DuplicateAccountException",
        DuplicateHandshake => "DuplicateHandshakeException",
        DuplicateOrganizationalUnit => "DuplicateOrganizationalUnitException",
        HandshakeConstraintViolation => "HandshakeConstraintViolationException",
        HandshakeNotFound => "HandshakeNotFoundException",
        InvalidHandshakeTransition => "InvalidHandshakeTransitionException",
        InvalidInput => "InvalidInputException",
        MasterCannotLeaveOrganization => "MasterCannotLeaveOrganizationException",
        OrganizationNotEmpty => "OrganizationNotEmptyException",
        OrganizationalUnitNotEmpty => "OrganizationalUnitNotEmptyException",
        OrganizationalUnitNotFound => "OrganizationalUnitNotFoundException",
        ParentNotFound => "ParentNotFoundException",
        PolicyTypeAlreadyEnabled => "PolicyTypeAlreadyEnabledException",
        PolicyTypeNotEnabled => "PolicyTypeNotEnabledException",
        RootNotFound => "RootNotFoundException",
        SourceParentNotFound => "SourceParentNotFoundException",
        TargetNotFound => "TargetNotFoundException",
    );
    for (f, code) in org {
        check(&ModelError::Org(f, s()), code);
    }
}

#[test]
fn every_cloudformation_fault_has_its_code_and_status() {
    use xvpc_model::error::CfnFault;
    let cfn = cases!(CfnFault;
        AlreadyExists => ("AlreadyExistsException", 400),
        ChangeSetNotFound => ("ChangeSetNotFound", 404),
        InsufficientCapabilities => ("InsufficientCapabilitiesException", 400),
        InvalidChangeSetStatus => ("InvalidChangeSetStatus", 400),
    );
    for (f, (code, status)) in cfn {
        let api = to_api(&ModelError::Cfn(f, s()));
        assert_eq!((api.code.as_str(), api.status), (code, status), "{f:?}");
    }
}

#[test]
fn messages_follow_aws() {
    let e = to_api(&ModelError::NotFound(IdKind::Vpc, "vpc-1".into()));
    assert_eq!(e.message, "The vpc ID 'vpc-1' does not exist");
    let e = to_api(&ModelError::Malformed(IdKind::SecurityGroup, "web".into()));
    assert_eq!(e.message, "Invalid id: \"web\" (expecting \"sg-...\")");
    // No Malformed code: the whole answer is the NotFound one.
    let e = to_api(&ModelError::Malformed(IdKind::NetworkInsightsPath, "nip-zz".into()));
    assert_eq!(e.message, "The network insights path ID 'nip-zz' does not exist");
    let e = to_api(&ModelError::NotFound(IdKind::ElasticIp, "198.51.100.7".into()));
    assert_eq!(e.message, "Address '198.51.100.7' not found.");
}

#[test]
fn store_failures_are_service_unavailable_or_internal() {
    use xvpc_store::StoreError;
    for (e, code, status) in [
        (StoreError::Unavailable("down".into()), "ServiceUnavailable", 503),
        (StoreError::Behind { applied: 1, head: 2 }, "ServiceUnavailable", 503),
        (StoreError::Corrupt { seq: 1, why: "x".into() }, "InternalError", 500),
        (StoreError::TooNew { found: 9, supported: 2 }, "InternalError", 500),
    ] {
        let api = Error::Store(e).to_api();
        assert_eq!((api.code.as_str(), api.status), (code, status));
    }
}
