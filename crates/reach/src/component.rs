//! The pieces of a path: components (AWS resources), hops (a component and
//! what it did to the packet), and the structured detail Network Insights
//! reports for each kind (ACL rule, security group rule, route, ...).

use serde::{Deserialize, Serialize};
use xvpc_model::transit_gateway_route_table::{RouteType, TgwRouteState};
use xvpc_model::IpProtocol;

/// Which way the packet is going.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// Request: source to destination.
    Forward,
    /// Reply: destination back to source.
    Return,
}

/// The kinds of component a path goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Instance,
    NetworkInterface,
    SecurityGroup,
    NetworkAcl,
    RouteTable,
    Subnet,
    Vpc,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    VpcPeeringConnection,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    VpcEndpoint,
    VpcEndpointService,
    LoadBalancer,
    LoadBalancerListener,
    TargetGroup,
    ResourceShare,
    /// An address with no resource behind it.
    Address,
}

impl Kind {
    /// The ARN resource type (`network-interface`), as in EC2 ARNs.
    pub fn arn_type(self) -> &'static str {
        match self {
            Kind::Instance => "instance",
            Kind::NetworkInterface => "network-interface",
            Kind::SecurityGroup => "security-group",
            Kind::NetworkAcl => "network-acl",
            Kind::RouteTable => "route-table",
            Kind::Subnet => "subnet",
            Kind::Vpc => "vpc",
            Kind::InternetGateway => "internet-gateway",
            Kind::EgressOnlyInternetGateway => "egress-only-internet-gateway",
            Kind::NatGateway => "natgateway",
            Kind::VpcPeeringConnection => "vpc-peering-connection",
            Kind::TransitGateway => "transit-gateway",
            Kind::TransitGatewayAttachment => "transit-gateway-attachment",
            Kind::TransitGatewayRouteTable => "transit-gateway-route-table",
            Kind::VpcEndpoint => "vpc-endpoint",
            Kind::VpcEndpointService => "vpc-endpoint-service",
            Kind::LoadBalancer => "loadbalancer",
            Kind::LoadBalancerListener => "listener",
            Kind::TargetGroup => "targetgroup",
            Kind::ResourceShare => "resource-share",
            Kind::Address => "address",
        }
    }

    /// A short human label (`ENI`, `security group`).
    pub fn label(self) -> &'static str {
        match self {
            Kind::Instance => "instance",
            Kind::NetworkInterface => "ENI",
            Kind::SecurityGroup => "security group",
            Kind::NetworkAcl => "network ACL",
            Kind::RouteTable => "route table",
            Kind::Subnet => "subnet",
            Kind::Vpc => "VPC",
            Kind::InternetGateway => "internet gateway",
            Kind::EgressOnlyInternetGateway => "egress-only internet gateway",
            Kind::NatGateway => "NAT gateway",
            Kind::VpcPeeringConnection => "peering connection",
            Kind::TransitGateway => "transit gateway",
            Kind::TransitGatewayAttachment => "TGW attachment",
            Kind::TransitGatewayRouteTable => "TGW route table",
            Kind::VpcEndpoint => "VPC endpoint",
            Kind::VpcEndpointService => "endpoint service",
            Kind::LoadBalancer => "load balancer",
            Kind::LoadBalancerListener => "listener",
            Kind::TargetGroup => "target group",
            Kind::ResourceShare => "resource share",
            Kind::Address => "address",
        }
    }
}

/// An AWS resource on the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    pub id: String,
    pub kind: Kind,
    /// The owning account: the one that can change it.
    pub owner: String,
    pub region: String,
    /// The `Name` tag, when set.
    #[serde(default)]
    pub name: Option<String>,
}

impl Component {
    pub fn new(kind: Kind, id: &str, owner: &str, region: &str) -> Component {
        Component { id: id.to_string(), kind, owner: owner.to_string(), region: region.to_string(), name: None }
    }

    pub fn named(mut self, tags: &xvpc_model::tags::Tags) -> Component {
        self.name = tags.get("Name").cloned();
        self
    }

    /// The ARN (ELB ids are ARNs already).
    pub fn arn(&self) -> String {
        if self.id.starts_with("arn:") {
            return self.id.clone();
        }
        format!("arn:aws:ec2:{}:{}:{}/{}", self.region, self.owner, self.kind.arn_type(), self.id)
    }
}

/// What a hop did to the packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Pass,
    Block,
}

/// The rule, route or setting that decided a hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Detail {
    None,
    /// A network ACL entry (`AnalysisAclRule`), its protocol spelled as
    /// DescribeNetworkAcls does (`"6"`).
    AclRule {
        rule_number: i64,
        egress: bool,
        #[serde(with = "xvpc_model::ip_protocol::nacl_form")]
        protocol: IpProtocol,
        allow: bool,
        cidr: String,
        port_range: Option<(u16, u16)>,
    },
    /// A security group rule (`AnalysisSecurityGroupRule`).
    SgRule { group_id: String, direction: String, protocol: IpProtocol, port_range: Option<(u16, u16)>, cidr: Option<String>, peer_group: Option<String> },
    /// A VPC route (`AnalysisRouteTableRoute`).
    Route { destination: String, target: String, state: String },
    /// A TGW route (`TransitGatewayRouteTableRoute`).
    TgwRoute { destination: String, attachment: Option<String>, route_type: RouteType, state: TgwRouteState },
    /// An NLB listener.
    Listener { protocol: String, port: u16 },
    /// A target and its port.
    Target { id: String, ip: String, port: u16 },
    Text { text: String },
}

/// A component on the path and what it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hop {
    pub component: Component,
    pub direction: Direction,
    pub verdict: Verdict,
    pub detail: Detail,
    /// The VPC and subnet the component sits in, when it has one.
    #[serde(default)]
    pub vpc: Option<String>,
    #[serde(default)]
    pub subnet: Option<String>,
}
