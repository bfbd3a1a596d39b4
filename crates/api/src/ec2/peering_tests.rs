//! Shape coverage of the peering outputs: every member botocore declares
//! is written under its name, except those xvpc holds no value for.

use xvpc_model::populated::{world, B};
use xvpc_model::security_group::{self, CreateGroup};
use xvpc_model::security_group_rule::{self as rules, Direction, PeerSpec, Permission};
use xvpc_model::state::{Changes, Ctx, State};
use xvpc_model::tags::Tags;
use xvpc_wire::xml_output::body;

use super::*;
use crate::shape_coverage::missing;

fn apply(s: &mut State, ch: Changes) {
    ch.events.into_iter().for_each(|e| s.apply(e));
}

#[test]
fn describe_vpc_peering_connections_covers_the_shape() {
    let w = world();
    let seen: Vec<_> = w.state.peering_connections.values().filter(|p| p.visible_to(&w.ctx.account, &w.ctx.region, w.ctx.now)).collect();
    // One active (both sides in full) and one pending (with its expiry).
    let statuses: Vec<Status> = seen.iter().map(|p| p.status(w.ctx.now)).collect();
    assert!(statuses.contains(&Status::Active) && statuses.contains(&Status::PendingAcceptance), "{statuses:?}");
    let out = shape::DescribeVpcPeeringConnectionsResult {
        vpc_peering_connections: seen.iter().map(|p| pcx_shape(&w.state, &w.ctx, p, None)).collect(),
        next_token: Some("token".into()),
    };
    let xml = body(&out);
    assert_eq!(missing("ec2", "DescribeVpcPeeringConnectionsResult", &xml), Vec::<String>::new(), "{xml}");
    // The requester's Amazon-provided IPv6 block too.
    assert!(xml.contains("<ipv6CidrBlockSet><item><ipv6CidrBlock>2001:db8::/56</ipv6CidrBlock></item></ipv6CidrBlockSet>"), "{xml}");
    assert!(xml.contains("<ipv6CidrBlock>2001:db8:0:100::/56</ipv6CidrBlock>"), "the accepter's block: {xml}");
    // The values, not only the names: the requester's blocks and the caller's tags.
    assert!(xml.contains("<cidrBlockSet><item><cidrBlock>10.0.0.0/16</cidrBlock></item><item><cidrBlock>10.1.0.0/16</cidrBlock></item></cidrBlockSet>"), "{xml}");
    assert!(xml.contains("<tagSet><item><key>Name</key><value>to-b</value></item></tagSet>"), "{xml}");
}

#[test]
fn describe_stale_security_groups_covers_the_shape() {
    let mut w = world();
    let a = w.ctx.clone();
    let b = Ctx::new(B, &a.region, a.now);
    let pcx = w.state.peering_connections.values().find(|p| p.accepter.owner == B).expect("the peering with B").id.clone();
    let vb = w.state.peering_connections[&pcx].accepter.vpc_id.clone();
    let group = CreateGroup { name: "client".into(), description: "client".into(), vpc_id: Some(vb), tags: Tags::new() };
    let (ch, gb) = security_group::create_group(&w.state, &b, group).unwrap();
    apply(&mut w.state, ch);
    let g1 = w.state.security_groups.values().find(|g| g.name == "g1").expect("g1").id.clone();
    let peer = PeerSpec::Group { group_id: Some(gb), group_name: None, user_id: Some(B.into()), peering_id: Some(pcx.clone()) };
    for dir in [Direction::Ingress, Direction::Egress] {
        let perm = Permission { protocol: "tcp".into(), from_port: Some(80), to_port: Some(80), peers: vec![(peer.clone(), Some("from b".into()))] };
        let (ch, _) = rules::authorize(&w.state, &a, &g1, dir, &[perm]).unwrap();
        apply(&mut w.state, ch);
    }
    // Deleting the peering leaves both rules stale.
    let ch = xvpc_model::peering::delete(&w.state, &a, &pcx).unwrap();
    apply(&mut w.state, ch);
    let vpc = w.state.security_groups[&g1].vpc_id.clone();
    let stale = xvpc_model::stale_groups::stale_groups(&w.state, &a, &vpc).unwrap();
    assert_eq!(stale.len(), 1);
    let out = shape::DescribeStaleSecurityGroupsResult {
        next_token: Some("token".into()),
        stale_security_group_set: stale.iter().map(|g| stale_group_shape(&w.state, g)).collect(),
    };
    let xml = body(&out);
    // A stale rule references a group: no address ranges or prefix lists;
    // the referenced group is named by id (its name is for default VPCs).
    assert_eq!(
        missing("ec2", "DescribeStaleSecurityGroupsResult", &xml),
        ["StaleIpPermission.IpRanges", "StaleIpPermission.PrefixListIds", "UserIdGroupPair.GroupName"]
    );
    assert!(xml.contains("<peeringStatus>deleted</peeringStatus>"), "{xml}");
}
