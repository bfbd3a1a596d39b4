//! The network ACLs of transit gateway attachment subnets
//! (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html), on states
//! built directly.

use xvpc_model::IpProtocol;
use crate::component::Verdict;
use crate::synthetic::Builder;
use crate::tests::{codes, tcp, A, B, R};
use crate::Direction;

/// The hub world of the gateway's other tests (a TGW of A; VPC A with
/// web on 80 in 10.1.1.0/24, VPC B of account B with the client in
/// 10.2.1.0/24, both in zone a), each VPC now attached through a dedicated
/// subnet of zone a (10.x.0.0/28). Every ACL allows all until a test gives
/// a subnet a custom one.
struct World {
    b: Builder,
    web: String,
    client: String,
    att_a: String,
    att_b: String,
    client_subnet: String,
}

fn world() -> World {
    let (mut b, client, _, web, _, _, _) = crate::tests::transit_gateway::world(true);
    let (va, vb) = (b.state.instances[&web].vpc_id.clone(), b.state.instances[&client].vpc_id.clone());
    let att_a = b.subnet(&va, "10.1.0.0/28", "us-east-1a");
    let att_b = b.subnet(&vb, "10.2.0.0/28", "us-east-1a");
    for a in b.state.transit_gateway_attachments.values_mut() {
        a.subnet_ids = vec![if a.vpc_id == va { att_a.clone() } else { att_b.clone() }];
    }
    let client_subnet = b.state.instances[&client].subnet_id.clone();
    World { b, web, client, att_a, att_b, client_subnet }
}

/// A custom ACL on `subnet` allowing everything but what the test adds
/// ahead of rule 100.
fn acl_allowing_all(b: &mut Builder, subnet: &str) -> String {
    let acl = b.acl_for(subnet);
    b.acl_entry(&acl, 100, false, IpProtocol::All, true, "0.0.0.0/0", None);
    b.acl_entry(&acl, 100, true, IpProtocol::All, true, "0.0.0.0/0", None);
    acl
}

#[test]
fn open_attachment_acls_pass_and_show_as_hops() {
    let mut w = world();
    let acl = acl_allowing_all(&mut w.b, &w.att_b);
    let a = tcp(&w.b, &w.client, &w.web, 80);
    assert!(a.reachable, "{:?}", a.blockers);
    // B's attachment subnet: inbound on the way to the gateway, outbound on the way back.
    assert!(a.forward.iter().any(|h| h.component.id == acl && matches!(h.detail, crate::Detail::AclRule { egress: false, .. })));
    assert!(a.return_path.iter().any(|h| h.component.id == acl && matches!(h.detail, crate::Detail::AclRule { egress: true, .. })));
}

// "Inbound rules use the source IP address to evaluate traffic from the
// instances to the transit gateway" (the transit gateway subnet).
#[test]
fn a_deny_inbound_in_the_sending_attachment_subnet_blocks_the_way_in() {
    let mut w = world();
    let acl = acl_allowing_all(&mut w.b, &w.att_b);
    w.b.acl_entry(&acl, 50, false, IpProtocol::Tcp, false, "10.2.1.0/24", Some((80, 80)));
    let a = tcp(&w.b, &w.client, &w.web, 80);
    assert_eq!(codes(&a), vec![("SUBNET_ACL_RESTRICTION".into(), Direction::Forward)]);
    let bl = &a.blockers[0];
    assert_eq!((bl.component.id.as_str(), bl.component.owner.as_str()), (acl.as_str(), B));
    assert!(bl.explanation.contains(&w.att_b) && bl.explanation.contains("transit gateway attachment"), "{}", bl.explanation);
    let f = bl.fix.clone().unwrap();
    assert_eq!(f.account, B);
    assert_eq!(f.command, format!("aws ec2 create-network-acl-entry --network-acl-id {acl} --ingress --rule-number 40 --protocol 6 --port-range From=80,To=80 --cidr-block 10.2.1.10/32 --rule-action allow --region {R}"));
}

// "Outbound rules use the destination IP address to evaluate traffic from
// the transit gateway to the instances" (the transit gateway subnet).
#[test]
fn a_deny_outbound_in_the_receiving_attachment_subnet_blocks_the_way_out() {
    let mut w = world();
    let acl = acl_allowing_all(&mut w.b, &w.att_a);
    w.b.acl_entry(&acl, 50, true, IpProtocol::All, false, "10.1.1.10/32", None);
    let a = tcp(&w.b, &w.client, &w.web, 80);
    assert_eq!(codes(&a), vec![("SUBNET_ACL_RESTRICTION".into(), Direction::Forward)]);
    let bl = &a.blockers[0];
    assert_eq!((bl.component.id.as_str(), bl.component.owner.as_str()), (acl.as_str(), A));
    let f = bl.fix.clone().unwrap();
    assert_eq!(f.account, A);
    assert!(f.command.starts_with(&format!("aws ec2 create-network-acl-entry --network-acl-id {acl} --egress --rule-number 40 --protocol 6 --port-range From=80,To=80 --cidr-block 10.1.1.10/32")), "{}", f.command);
}

// Stateless: the reply leaves the gateway into B through B's attachment
// subnet, whose outbound rules must admit the client's ephemeral ports;
// its outbound rules are not used for the request ("Outbound rules are
// not used to evaluate traffic from the instances to the transit gateway").
#[test]
fn replies_cross_the_attachment_subnets_in_reverse() {
    let mut w = world();
    let acl = w.b.acl_for(&w.att_b);
    w.b.acl_entry(&acl, 100, false, IpProtocol::All, true, "0.0.0.0/0", None);
    w.b.acl_entry(&acl, 100, true, IpProtocol::Tcp, true, "10.1.0.0/16", Some((80, 80)));
    let a = tcp(&w.b, &w.client, &w.web, 80);
    assert_eq!(codes(&a), vec![("SUBNET_ACL_RESTRICTION".into(), Direction::Return)]);
    assert!(a.forward.iter().all(|h| h.verdict == Verdict::Pass), "the request passes");
    let f = a.blockers[0].fix.clone().unwrap();
    assert!(f.command.contains("--egress") && f.command.contains("From=1024,To=65535") && f.command.contains("--cidr-block 10.2.1.10/32"), "{}", f.command);
    // And A's attachment subnet: the reply enters the gateway by its inbound rules.
    let mut w = world();
    let acl = acl_allowing_all(&mut w.b, &w.att_a);
    w.b.acl_entry(&acl, 50, false, IpProtocol::Tcp, false, "10.1.1.10/32", None);
    let a = tcp(&w.b, &w.client, &w.web, 80);
    assert_eq!(codes(&a), vec![("SUBNET_ACL_RESTRICTION".into(), Direction::Return)]);
    assert_eq!(a.blockers[0].component.id, acl);
}

/// Moves the client into B's attachment subnet (10.2.0.0/28).
fn client_in_attachment_subnet(w: &mut World) -> String {
    let gb = w.b.default_group(&w.b.state.subnets[&w.att_b].vpc_id.clone());
    w.b.instance(&w.att_b, "10.2.0.10", &[&gb])
}

// "Same subnet for EC2 instances and transit gateway association": towards
// the gateway both rules of that subnet's ACL apply; from the gateway to
// the instances "Outbound rules are not evaluated. Inbound rules are not
// evaluated."
#[test]
fn in_the_attachment_subnet_the_way_in_is_checked_and_the_way_back_is_not() {
    let mut w = world();
    let client = client_in_attachment_subnet(&mut w);
    // Admits only B's own addresses inbound: the reply from 10.1.1.10
    // would be refused if the subnet's inbound rules applied to it.
    let acl = w.b.acl_for(&w.att_b);
    w.b.acl_entry(&acl, 100, false, IpProtocol::All, true, "10.2.0.0/16", None);
    w.b.acl_entry(&acl, 100, true, IpProtocol::All, true, "0.0.0.0/0", None);
    let a = tcp(&w.b, &client, &w.web, 80);
    assert!(a.reachable, "{:?}", a.blockers);
    // The same ACL on the client's own (non-attachment) subnet: the reply is refused.
    let sb = w.client_subnet.clone();
    w.b.state.network_acls.values_mut().for_each(|a| a.associations.retain(|x| x.subnet_id != sb));
    w.b.state.network_acls.get_mut(&acl).unwrap().associations.push(xvpc_model::network_acl::NaclAssociation { id: "aclassoc-x".into(), subnet_id: sb });
    let a = tcp(&w.b, &w.client, &w.web, 80);
    assert_eq!(codes(&a), vec![("SUBNET_ACL_RESTRICTION".into(), Direction::Return)]);
    // The way in: the subnet's inbound rules are evaluated as the attachment's.
    let mut w = world();
    let client = client_in_attachment_subnet(&mut w);
    let acl = acl_allowing_all(&mut w.b, &w.att_b);
    w.b.acl_entry(&acl, 50, false, IpProtocol::All, false, "10.2.0.10/32", None);
    let a = tcp(&w.b, &client, &w.web, 80);
    assert_eq!(codes(&a), vec![("SUBNET_ACL_RESTRICTION".into(), Direction::Forward)]);
}

// On the receiving side, a destination in the attachment subnet is reached
// without that subnet's outbound or inbound rules (a deny-all ACL there).
#[test]
fn a_destination_in_the_attachment_subnet_skips_its_acl() {
    let mut w = world();
    let va = w.b.state.subnets[&w.att_a].vpc_id.clone();
    let ga = w.b.default_group(&va);
    let web2 = w.b.instance(&w.att_a, "10.1.0.10", &[&ga]);
    let acl = w.b.acl_for(&w.att_a);
    let a = tcp(&w.b, &w.client, &web2, 80);
    // Only the reply, towards the gateway, meets the ACL: its outbound and
    // (as the attachment's) its inbound rules.
    assert_eq!(codes(&a), vec![("SUBNET_ACL_RESTRICTION".into(), Direction::Return); 2]);
    assert!(a.blockers.iter().all(|b| b.component.id == acl));
    assert!(a.forward.iter().all(|h| h.component.id != acl));
}

/// What each interface records of the analysed flow (flow logs):
/// (interface, direction, reply, action).
fn records(a: &crate::Analysis) -> Vec<(String, &'static str, bool, &'static str)> {
    crate::flow_log::observe(a).into_iter().map(|o| (o.eni, o.direction, o.reply, o.action)).collect()
}

fn eni(w: &World, instance: &str) -> String {
    w.b.state.instances[instance].primary_eni.clone()
}

// An attachment subnet's ACL stands between the two instances: what it
// refuses has left its sender (an ACCEPT there) and never reaches the
// other end, which records nothing, on the way in to the gateway
// (the sending side's inbound rules) as on the way out of it (the
// receiving side's outbound rules).
#[test]
fn a_refusal_by_an_attachment_subnet_is_recorded_by_neither_end() {
    let mut w = world();
    let acl = acl_allowing_all(&mut w.b, &w.att_b);
    w.b.acl_entry(&acl, 50, false, IpProtocol::Tcp, false, "10.2.1.0/24", Some((80, 80)));
    let a = tcp(&w.b, &w.client, &w.web, 80);
    assert_eq!(records(&a), vec![(eni(&w, &w.client), "egress", false, "ACCEPT")]);
    let mut w = world();
    let acl = acl_allowing_all(&mut w.b, &w.att_a);
    w.b.acl_entry(&acl, 50, true, IpProtocol::All, false, "10.1.1.10/32", None);
    let a = tcp(&w.b, &w.client, &w.web, 80);
    assert_eq!(records(&a), vec![(eni(&w, &w.client), "egress", false, "ACCEPT")]);
    // The reply likewise: it leaves the web server and never reaches the client.
    let mut w = world();
    let acl = acl_allowing_all(&mut w.b, &w.att_a);
    w.b.acl_entry(&acl, 50, false, IpProtocol::Tcp, false, "10.1.1.10/32", None);
    let a = tcp(&w.b, &w.client, &w.web, 80);
    let (c, s) = (eni(&w, &w.client), eni(&w, &w.web));
    assert_eq!(records(&a), vec![(c.clone(), "egress", false, "ACCEPT"), (s.clone(), "ingress", false, "ACCEPT"), (s, "egress", true, "ACCEPT")]);
}

// The receiving instance's own subnet ACL is still its own record: a
// REJECT ingress there, past an open attachment subnet.
#[test]
fn the_receivers_own_acl_past_the_gateway_is_its_reject() {
    let mut w = world();
    acl_allowing_all(&mut w.b, &w.att_a);
    let web_subnet = w.b.state.instances[&w.web].subnet_id.clone();
    let acl = w.b.acl_for(&web_subnet);
    let a = tcp(&w.b, &w.client, &w.web, 80);
    assert_eq!((a.blockers[0].component.id.as_str(), a.blockers[0].direction), (acl.as_str(), Direction::Forward));
    let (c, s) = (eni(&w, &w.client), eni(&w, &w.web));
    assert_eq!(records(&a), vec![(c, "egress", false, "ACCEPT"), (s, "ingress", false, "REJECT")]);
}

// Same subnet: the reply from the gateway skips the client's (attachment)
// subnet's ACL, and the client records it as accepted.
#[test]
fn in_the_attachment_subnet_the_reply_is_an_accept_at_the_client() {
    let mut w = world();
    let client = client_in_attachment_subnet(&mut w);
    let acl = w.b.acl_for(&w.att_b);
    w.b.acl_entry(&acl, 100, false, IpProtocol::All, true, "10.2.0.0/16", None);
    w.b.acl_entry(&acl, 100, true, IpProtocol::All, true, "0.0.0.0/0", None);
    let a = tcp(&w.b, &client, &w.web, 80);
    let (c, s) = (eni(&w, &client), eni(&w, &w.web));
    assert_eq!(records(&a), vec![(c.clone(), "egress", false, "ACCEPT"), (s.clone(), "ingress", false, "ACCEPT"), (s, "egress", true, "ACCEPT"), (c, "ingress", true, "ACCEPT")]);
}
