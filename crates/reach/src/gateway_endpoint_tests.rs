//! Gateway endpoints and interface endpoints to AWS services in the engine,
//! on states built directly and through the model's commands.

use xvpc_model::vpc_endpoint::{create_endpoint, modify_endpoint, CreateEndpoint, ModifyEndpoint};
use xvpc_model::{Ctx, IpProtocol};

use crate::internet_gateway::tests::{codes, tcp};
use crate::synthetic::Builder;
use crate::Direction;

const A: &str = "111111111111";
const R: &str = "us-east-1";

struct World {
    b: Builder,
    vpc: String,
    table: String,
    web: String,
    group: String,
    s3: String,
}

/// A private subnet (no internet route) with an instance that may send
/// anything out; `s3` is an address of S3's prefix list in us-east-1.
fn world() -> World {
    let mut b = Builder::new();
    let vpc = b.vpc(A, R, "10.0.0.0/16");
    let subnet = b.subnet(&vpc, "10.0.1.0/24", "us-east-1a");
    let group = b.group(&vpc);
    b.allow(&group, false, IpProtocol::All, None, "0.0.0.0/0");
    let web = b.instance(&subnet, "10.0.1.10", &[&group]);
    let table = b.table_for(&subnet);
    let pl = xvpc_model::prefix_list::of_service(R, "s3").unwrap();
    let s3 = pl.cidrs[0].hosts().nth(10).unwrap().to_string();
    World { b, vpc, table, web, group, s3 }
}

fn gateway(w: &mut World, tables: Vec<String>) -> String {
    let ctx = Ctx::new(A, R, 0);
    let input = CreateEndpoint { vpc_id: w.vpc.clone(), service_name: format!("com.amazonaws.{R}.s3"), route_table_ids: tables, ..Default::default() };
    let (ch, id) = create_endpoint(&w.b.state, &ctx, input).unwrap();
    w.b.state.apply_all(ch);
    id
}

#[test]
fn s3_through_a_gateway_endpoint() {
    let mut w = world();
    // No route: dropped, and the fix creates the endpoint with this table.
    let a = tcp(&w.b, &w.web, &w.s3, 443);
    assert!(!a.reachable);
    assert_eq!(codes(&a), vec![("NO_ROUTE_TO_DESTINATION".to_string(), Direction::Forward)]);
    let fix = a.blockers[0].fix.as_ref().unwrap();
    assert_eq!(fix.command, format!("aws ec2 create-vpc-endpoint --vpc-id {} --vpc-endpoint-type Gateway --service-name com.amazonaws.{R}.s3 --route-table-ids {} --region {R}", w.vpc, w.table));
    assert_eq!(fix.account, A);
    // An endpoint not associated with the table: the fix associates it.
    let ep = gateway(&mut w, vec![]);
    let a = tcp(&w.b, &w.web, &w.s3, 443);
    assert!(!a.reachable);
    assert_eq!(a.blockers[0].fix.as_ref().unwrap().command, format!("aws ec2 modify-vpc-endpoint --vpc-endpoint-id {ep} --add-route-table-ids {} --region {R}", w.table));
    // Associated: reachable, through the endpoint.
    let ch = modify_endpoint(&w.b.state, &Ctx::new(A, R, 0), &ep, ModifyEndpoint { add_route_tables: vec![w.table.clone()], ..Default::default() }).unwrap();
    w.b.state.apply_all(ch);
    let a = tcp(&w.b, &w.web, &w.s3, 443);
    assert!(a.reachable, "{:?}", a.blockers);
    assert!(a.forward.iter().any(|h| h.component.id == ep), "{:?}", a.forward);
    // DynamoDB's addresses are not behind the S3 endpoint.
    let ddb = xvpc_model::prefix_list::of_service(R, "dynamodb").unwrap().cidrs[0].hosts().next().unwrap().to_string();
    assert!(!tcp(&w.b, &w.web, &ddb, 443).reachable);
}

#[test]
fn security_groups_and_acls_still_decide() {
    let mut w = world();
    let t = vec![w.table.clone()];
    gateway(&mut w, t);
    // Egress only to the VPC: the group blocks, naming S3's address.
    let g = w.group.clone();
    w.b.state.security_groups.get_mut(&g).unwrap().egress.clear();
    w.b.allow(&g, false, IpProtocol::All, None, "10.0.0.0/16");
    let a = tcp(&w.b, &w.web, &w.s3, 443);
    assert!(!a.reachable);
    assert_eq!(codes(&a), vec![("ENI_SG_RULES_MISMATCH".to_string(), Direction::Forward)]);
    assert!(a.blockers[0].fix.as_ref().unwrap().command.contains("authorize-security-group-egress"));
    w.b.allow(&g, false, IpProtocol::Tcp, Some((443, 443)), "0.0.0.0/0");
    assert!(tcp(&w.b, &w.web, &w.s3, 443).reachable);
    // The subnet's ACL refusing the reply blocks on the return path.
    let subnet = w.b.state.instances[&w.web].subnet_id.clone();
    let acl = w.b.acl_for(&subnet);
    w.b.acl_entry(&acl, 100, true, IpProtocol::All, true, "0.0.0.0/0", None);
    w.b.acl_entry(&acl, 100, false, IpProtocol::Tcp, true, "10.0.0.0/8", Some((1024, 65535)));
    let a = tcp(&w.b, &w.web, &w.s3, 443);
    assert!(!a.reachable);
    assert!(codes(&a).iter().all(|(_, d)| *d == Direction::Return), "{:?}", codes(&a));
}

#[test]
fn a_cidr_route_beats_the_endpoint_on_a_tie_and_a_longer_one_wins() {
    let mut w = world();
    let t = vec![w.table.clone()];
    let ep = gateway(&mut w, t);
    let block = xvpc_model::prefix_list::of_service(R, "s3").unwrap().cidrs[0].to_string();
    // A peering-less blackhole of the same /24: the CIDR route wins the tie.
    w.b.route(&w.table, &block, "pcx-0123456789abcdef0");
    let a = tcp(&w.b, &w.web, &w.s3, 443);
    assert!(!a.reachable);
    assert!(a.forward.iter().all(|h| h.component.id != ep));
}

#[test]
fn interface_endpoint_to_an_aws_service_is_decided_by_its_group() {
    let mut w = world();
    let subnet = w.b.state.instances[&w.web].subnet_id.clone();
    let epg = w.b.group(&w.vpc);
    let ctx = Ctx::new(A, R, 0);
    let input = CreateEndpoint {
        vpc_id: w.vpc.clone(),
        endpoint_type: Some("Interface".into()),
        service_name: format!("com.amazonaws.{R}.ec2"),
        subnet_ids: vec![subnet],
        security_group_ids: vec![epg.clone()],
        private_dns_enabled: Some(false),
        ..Default::default()
    };
    let (ch, ep) = create_endpoint(&w.b.state, &ctx, input).unwrap();
    w.b.state.apply_all(ch);
    let a = tcp(&w.b, &w.web, &ep, 443);
    assert!(!a.reachable);
    let fix = a.blockers.iter().find_map(|b| b.fix.as_ref()).unwrap();
    assert!(fix.command.contains(&format!("authorize-security-group-ingress --group-id {epg}")), "{}", fix.command);
    w.b.allow(&epg, true, IpProtocol::Tcp, Some((443, 443)), "10.0.0.0/16");
    let a = tcp(&w.b, &w.web, &ep, 443);
    assert!(a.reachable, "{:?}", a.blockers);
    assert!(a.forward.iter().any(|h| h.component.owner == "amazon"), "{:?}", a.forward);
}
