//! AWS's Reachability Analyzer explanation codes the engine emits, with
//! AWS's one-line meaning (docs.aws.amazon.com/vpc/latest/reachability/
//! explanation-codes.html). Only codes xvpc can produce are listed.

pub const BAD_STATE: &str = "BAD_STATE";
pub const BAD_STATE_ATTACHMENT: &str = "BAD_STATE_ATTACHMENT";
pub const BAD_STATE_ROUTE: &str = "BAD_STATE_ROUTE";
pub const ELBV2_LISTENER_HAS_NO_TG: &str = "ELBV2_LISTENER_HAS_NO_TG";
pub const ELBV2_LISTENERS_MISMATCH: &str = "ELBV2_LISTENERS_MISMATCH";
pub const ELBV2_NO_TARGETS_IN_AZ: &str = "ELBV2_NO_TARGETS_IN_AZ";
pub const ENI_SG_RULES_MISMATCH: &str = "ENI_SG_RULES_MISMATCH";
pub const IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS: &str = "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS";
pub const IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS: &str = "IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS";
pub const IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS: &str = "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS";
pub const IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: &str = "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS";
pub const NO_POSSIBLE_DESTINATION: &str = "NO_POSSIBLE_DESTINATION";
pub const NO_ROUTE_TO_DESTINATION: &str = "NO_ROUTE_TO_DESTINATION";
pub const PCX_REQUIRES_ADDRESS_IN_VPC_CIDR: &str = "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR";
pub const SG_HAS_NO_RULES: &str = "SG_HAS_NO_RULES";
pub const SUBNET_ACL_RESTRICTION: &str = "SUBNET_ACL_RESTRICTION";
pub const TARGET_PORT_RESTRICTION: &str = "TARGET_PORT_RESTRICTION";
pub const TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION: &str = "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION";
pub const TGW_ROUTE_AZ_RESTRICTION: &str = "TGW_ROUTE_AZ_RESTRICTION";
pub const TGW_RTB_BAD_STATE_ROUTE: &str = "TGW_RTB_BAD_STATE_ROUTE";
pub const UNKNOWN_DESTINATION: &str = "UNKNOWN_DESTINATION";
pub const VPCE_SERVICE_NOT_INSTALLED_IN_AZ: &str = "VPCE_SERVICE_NOT_INSTALLED_IN_AZ";
/// xvpc's own: AWS's list has no code for VPC Block Public Access.
pub const VPC_BLOCK_PUBLIC_ACCESS: &str = "VPC_BLOCK_PUBLIC_ACCESS";

/// AWS's description of a code.
pub fn meaning(code: &str) -> &'static str {
    match code {
        BAD_STATE => "This component is not in a functional state.",
        BAD_STATE_ATTACHMENT => "The attachment between these components is not in a functional state.",
        BAD_STATE_ROUTE => "This route is not in a functional state.",
        ELBV2_LISTENER_HAS_NO_TG => "This listener is associated with target groups that have no targets.",
        ELBV2_LISTENERS_MISMATCH => "This load balancer does not have a listener that accepts the traffic.",
        ELBV2_NO_TARGETS_IN_AZ => "The load balancer does not have targets in the specified Availability Zones.",
        ENI_SG_RULES_MISMATCH => "This security group has no inbound or outbound rules that apply.",
        IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS => "Internet gateways reject outbound traffic with destination addresses in the private IP address range.",
        IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS => "Internet gateways reject outbound traffic with destination addresses in the shared IP address range (see RFC6598).",
        IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS => {
            "Internet gateways reject inbound traffic with a destination address that is not the public IP address of a network interface in the VPC with an available attachment."
        }
        IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS => {
            "Traffic can't reach the internet through the internet gateway if the source address is not paired with a public IP address or if the source address does not belong to a network interface in the VPC."
        }
        NO_POSSIBLE_DESTINATION => "The network component can't deliver the packet to any possible destination.",
        NO_ROUTE_TO_DESTINATION => "The route table does not have an applicable route to the destination resource.",
        PCX_REQUIRES_ADDRESS_IN_VPC_CIDR => {
            "Traffic can traverse this peering connection only if the destination or source address is within the CIDR block of the destination VPC."
        }
        SG_HAS_NO_RULES => "This security group has no inbound or outbound rules.",
        SUBNET_ACL_RESTRICTION => "Inbound or outbound traffic for a subnet must be admitted by the network ACL for the subnet.",
        TARGET_PORT_RESTRICTION => "A load balancer can only route traffic to a target using its registered port.",
        TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION => "This transit gateway attachment doesn't have a valid transit gateway route table association.",
        TGW_ROUTE_AZ_RESTRICTION => {
            "This transit gateway is not registered in the Availability Zone where the traffic originates. The VPC attachment must have a subnet association in the Availability Zone."
        }
        TGW_RTB_BAD_STATE_ROUTE => "This transit gateway route table has a route to the destination that is in a bad state.",
        UNKNOWN_DESTINATION => "The path can't be extended because the information about the destination is insufficient.",
        VPCE_SERVICE_NOT_INSTALLED_IN_AZ => "The VPC endpoint service is not installed in the specified Availability Zone.",
        VPC_BLOCK_PUBLIC_ACCESS => "VPC Block Public Access blocks traffic through the internet gateways and egress-only internet gateways of this Region, except for excluded VPCs and subnets.",
        _ => "",
    }
}
