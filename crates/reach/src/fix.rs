//! The AWS CLI command that removes a blocker, and the account that must
//! run it. Commands are complete and runnable as printed (ids, ports and
//! CIDRs filled in); the account is the owner of the resource they change.

use std::net::IpAddr;

use xvpc_model::network_acl::NetworkAcl;
use xvpc_model::route_table::RouteTable;

use xvpc_model::IpProtocol;

use crate::Fix;

fn fix(account: &str, region: &str, command: String) -> Fix {
    Fix { account: account.to_string(), region: region.to_string(), command: format!("{command} --region {region}") }
}

/// `--protocol tcp --port 80` for a security group rule.
fn sg_ports(proto: u8, port: u16) -> String {
    let p = IpProtocol::from_number(proto);
    if p.has_ports() {
        format!("--protocol {p} --port {port}")
    } else if p == IpProtocol::Icmp {
        "--protocol icmp --port -1".into()
    } else {
        format!("--protocol {}", p.nacl_form())
    }
}

/// Who a new security group rule should admit.
pub enum SgPeer<'a> {
    /// A group in the same VPC (the idiomatic reference).
    Group(&'a str),
    Cidr(String),
}

/// `authorize-security-group-ingress` on `group`.
pub fn sg_ingress(owner: &str, region: &str, group: &str, proto: u8, port: u16, peer: SgPeer) -> Fix {
    let who = match peer {
        SgPeer::Group(g) => format!("--source-group {g}"),
        // `--cidr` takes IPv4 only: an IPv6 range goes by --ip-permissions.
        SgPeer::Cidr(c) if is_v6(&c) => {
            return fix(owner, region, format!("aws ec2 authorize-security-group-ingress --group-id {group} --ip-permissions '{}'", permission(proto, port, &SgPeer::Cidr(c))));
        }
        SgPeer::Cidr(c) => format!("--cidr {c}"),
    };
    fix(owner, region, format!("aws ec2 authorize-security-group-ingress --group-id {group} {} {who}", sg_ports(proto, port)))
}

/// `authorize-security-group-egress` on `group` (the CLI takes egress rules
/// only as `--ip-permissions`).
pub fn sg_egress(owner: &str, region: &str, group: &str, proto: u8, port: u16, peer: SgPeer) -> Fix {
    fix(owner, region, format!("aws ec2 authorize-security-group-egress --group-id {group} --ip-permissions '{}'", permission(proto, port, &peer)))
}

/// One `--ip-permissions` entry admitting `proto`/`port` from or to `peer`.
fn permission(proto: u8, port: u16, peer: &SgPeer) -> String {
    let p = IpProtocol::from_number(proto);
    let ports = if p.has_ports() {
        format!("IpProtocol={p},FromPort={port},ToPort={port}")
    } else if p == IpProtocol::Icmp || p == IpProtocol::Icmpv6 {
        format!("IpProtocol={p},FromPort=-1,ToPort=-1")
    } else {
        format!("IpProtocol={}", p.nacl_form())
    };
    let who = match peer {
        SgPeer::Group(g) => format!("UserIdGroupPairs=[{{GroupId={g}}}]"),
        SgPeer::Cidr(c) if is_v6(c) => format!("Ipv6Ranges=[{{CidrIpv6={c}}}]"),
        SgPeer::Cidr(c) => format!("IpRanges=[{{CidrIp={c}}}]"),
    };
    format!("{ports},{who}")
}

/// Whether a block written as text is IPv6.
fn is_v6(cidr: &str) -> bool {
    cidr.contains(':')
}

/// `create-network-acl-entry` allowing `ports` to/from `cidr`, numbered to
/// take effect before `before` (the entry that denies).
pub fn acl_allow(acl: &NetworkAcl, egress: bool, proto: u8, ports: (u16, u16), cidr: &str, before: i64) -> Fix {
    let dir = if egress { "--egress" } else { "--ingress" };
    let p = IpProtocol::from_number(proto);
    let port_arg = if p.has_ports() {
        format!(" --port-range From={},To={}", ports.0, ports.1)
    } else if p == IpProtocol::Icmp || (p == IpProtocol::Icmpv6 && is_v6(cidr)) {
        " --icmp-type-code Type=-1,Code=-1".into()
    } else {
        String::new()
    };
    let block = if is_v6(cidr) { "--ipv6-cidr-block" } else { "--cidr-block" };
    match crate::network_acl::free_rule_number_below(acl, egress, before) {
        Some(n) => fix(
            &acl.owner,
            &acl.region,
            format!(
                "aws ec2 create-network-acl-entry --network-acl-id {} {dir} --rule-number {n} --protocol {proto}{port_arg} {block} {cidr} --rule-action allow",
                acl.id
            ),
        ),
        // No free number ahead of the deny: turn the deny itself into the allow.
        None => fix(
            &acl.owner,
            &acl.region,
            format!(
                "aws ec2 replace-network-acl-entry --network-acl-id {} {dir} --rule-number {before} --protocol {proto}{port_arg} {block} {cidr} --rule-action allow",
                acl.id
            ),
        ),
    }
}

/// The target flag of `create-route` for a target id.
pub fn route_target_flag(target: &str) -> &'static str {
    if target.starts_with("pcx-") {
        "--vpc-peering-connection-id"
    } else if target.starts_with("tgw-") {
        "--transit-gateway-id"
    } else if target.starts_with("eni-") {
        "--network-interface-id"
    } else if target.starts_with("nat-") {
        "--nat-gateway-id"
    } else if target.starts_with("i-") {
        "--instance-id"
    } else if target.starts_with("eigw-") {
        "--egress-only-internet-gateway-id"
    } else {
        "--gateway-id"
    }
}

/// `create-route` (or `replace-route` when `replace`) for `cidr` via `target`.
pub fn route(table: &RouteTable, cidr: &str, target: &str, replace: bool) -> Fix {
    let verb = if replace { "replace-route" } else { "create-route" };
    let dest = if is_v6(cidr) { "--destination-ipv6-cidr-block" } else { "--destination-cidr-block" };
    fix(&table.owner, &table.region, format!("aws ec2 {verb} --route-table-id {} {dest} {cidr} {} {target}", table.id, route_target_flag(target)))
}

/// `accept-vpc-peering-connection`, by the accepter.
pub fn accept_peering(accepter: &str, region: &str, pcx: &str) -> Fix {
    fix(accepter, region, format!("aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id {pcx}"))
}

/// `create-vpc-peering-connection` from `vpc` to `peer_vpc`.
pub fn create_peering(owner: &str, region: &str, vpc: &str, peer_vpc: &str, peer_owner: &str, peer_region: &str) -> Fix {
    fix(
        owner,
        region,
        format!("aws ec2 create-vpc-peering-connection --vpc-id {vpc} --peer-vpc-id {peer_vpc} --peer-owner-id {peer_owner} --peer-region {peer_region}"),
    )
}

/// `accept-transit-gateway-vpc-attachment`, by the TGW owner.
pub fn accept_tgw_attachment(tgw_owner: &str, region: &str, attachment: &str) -> Fix {
    fix(tgw_owner, region, format!("aws ec2 accept-transit-gateway-vpc-attachment --transit-gateway-attachment-id {attachment}"))
}

/// `modify-transit-gateway-vpc-attachment --add-subnet-ids`, by the VPC owner.
pub fn add_attachment_subnet(owner: &str, region: &str, attachment: &str, subnet: &str) -> Fix {
    fix(owner, region, format!("aws ec2 modify-transit-gateway-vpc-attachment --transit-gateway-attachment-id {attachment} --add-subnet-ids {subnet}"))
}

/// `create-transit-gateway-vpc-attachment`, by the VPC owner.
pub fn create_tgw_attachment(owner: &str, region: &str, tgw: &str, vpc: &str, subnet: &str) -> Fix {
    fix(owner, region, format!("aws ec2 create-transit-gateway-vpc-attachment --transit-gateway-id {tgw} --vpc-id {vpc} --subnet-ids {subnet}"))
}

/// `associate-transit-gateway-route-table`, by the TGW owner.
pub fn associate_tgw_table(owner: &str, region: &str, table: &str, attachment: &str) -> Fix {
    fix(
        owner,
        region,
        format!("aws ec2 associate-transit-gateway-route-table --transit-gateway-route-table-id {table} --transit-gateway-attachment-id {attachment}"),
    )
}

/// `enable-transit-gateway-route-table-propagation`, by the TGW owner.
pub fn propagate_tgw(owner: &str, region: &str, table: &str, attachment: &str) -> Fix {
    fix(
        owner,
        region,
        format!("aws ec2 enable-transit-gateway-route-table-propagation --transit-gateway-route-table-id {table} --transit-gateway-attachment-id {attachment}"),
    )
}

/// `replace-transit-gateway-route` of a blackhole, by the TGW owner.
pub fn replace_tgw_route(owner: &str, region: &str, table: &str, cidr: &str, attachment: &str) -> Fix {
    fix(
        owner,
        region,
        format!("aws ec2 replace-transit-gateway-route --transit-gateway-route-table-id {table} --destination-cidr-block {cidr} --transit-gateway-attachment-id {attachment}"),
    )
}

/// `accept-resource-share-invitation`, by the invitee.
pub fn accept_share(invitee: &str, region: &str, invitation_arn: &str) -> Fix {
    fix(invitee, region, format!("aws ram accept-resource-share-invitation --resource-share-invitation-arn {invitation_arn}"))
}

/// `accept-vpc-endpoint-connections`, by the service owner.
pub fn accept_endpoint(provider: &str, region: &str, service: &str, endpoint: &str) -> Fix {
    fix(provider, region, format!("aws ec2 accept-vpc-endpoint-connections --service-id {service} --vpc-endpoint-ids {endpoint}"))
}

/// A host route for one address (/32, or /128 for IPv6).
pub fn host(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(a) => format!("{a}/32"),
        IpAddr::V6(a) => format!("{a}/128"),
    }
}

/// `modify-transit-gateway-vpc-attachment` enabling IPv6 support, by the
/// attachment's owner.
pub fn enable_tgw_ipv6(owner: &str, region: &str, attachment: &str) -> Fix {
    fix(owner, region, format!("aws ec2 modify-transit-gateway-vpc-attachment --transit-gateway-attachment-id {attachment} --options Ipv6Support=enable"))
}

/// `assign-ipv6-addresses`, giving an interface an IPv6 address.
pub fn assign_ipv6(owner: &str, region: &str, eni: &str) -> Fix {
    fix(owner, region, format!("aws ec2 assign-ipv6-addresses --network-interface-id {eni} --ipv6-address-count 1"))
}
