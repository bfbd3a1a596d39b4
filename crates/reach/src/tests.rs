//! Unit tests of each rule, on states built directly.

use xvpc_model::IpProtocol;
use crate::synthetic::Builder;
use crate::{analyze, Analysis, Direction, Endpoint, Query};

pub(crate) const A: &str = "111111111111";
pub(crate) const B: &str = "222222222222";
pub(crate) const R: &str = "us-east-1";

pub(crate) fn tcp(b: &Builder, from: &str, to: &str, port: u16) -> Analysis {
    analyze(&b.state, 0, &Query::tcp(Endpoint::parse(from).unwrap(), Endpoint::parse(to).unwrap(), port)).unwrap()
}

pub(crate) fn codes(a: &Analysis) -> Vec<(String, Direction)> {
    a.blockers.iter().map(|b| (b.code.clone(), b.direction)).collect()
}

/// One VPC, two subnets, web (default group + 80 from the VPC) and client.
fn one_vpc() -> (Builder, String, String, String, String) {
    let mut b = Builder::new();
    let v = b.vpc(A, R, "10.0.0.0/16");
    let s1 = b.subnet(&v, "10.0.1.0/24", "us-east-1a");
    let s2 = b.subnet(&v, "10.0.2.0/24", "us-east-1b");
    let web = b.group(&v);
    b.allow(&web, false, IpProtocol::All, None, "0.0.0.0/0");
    let client = b.group(&v);
    b.allow(&client, false, IpProtocol::All, None, "0.0.0.0/0");
    let i_web = b.instance(&s1, "10.0.1.10", &[&web]);
    let i_client = b.instance(&s2, "10.0.2.10", &[&client]);
    (b, i_client, i_web, web, s1)
}

#[test]
fn security_group_ingress_must_admit() {
    let (mut b, client, web, web_sg, _) = one_vpc();
    let a = tcp(&b, &client, &web, 80);
    assert!(!a.reachable);
    assert_eq!(codes(&a), vec![("SG_HAS_NO_RULES".into(), Direction::Forward)]);
    let fix = a.blockers[0].fix.clone().unwrap();
    assert_eq!(fix.account, A);
    assert!(fix.command.starts_with(&format!("aws ec2 authorize-security-group-ingress --group-id {web_sg} --protocol tcp --port 80 --source-group sg-")), "{}", fix.command);
    b.allow(&web_sg, true, IpProtocol::Tcp, Some((80, 80)), "10.0.0.0/16");
    let a = tcp(&b, &client, &web, 80);
    assert!(a.reachable, "{:?}", a.blockers);
    assert!(!tcp(&b, &client, &web, 81).reachable);
}

#[test]
fn group_reference_admits_members() {
    let (mut b, client, web, web_sg, _) = one_vpc();
    let client_sg = b.state.instances[&client].clone();
    let client_sg = b.state.network_interfaces[&client_sg.primary_eni].groups[0].clone();
    b.allow(&web_sg, true, IpProtocol::Tcp, Some((80, 80)), &client_sg);
    assert!(tcp(&b, &client, &web, 80).reachable);
}

#[test]
fn security_group_egress_is_checked_too() {
    let (mut b, client, web, web_sg, _) = one_vpc();
    b.allow(&web_sg, true, IpProtocol::Tcp, Some((80, 80)), "10.0.0.0/16");
    let eni = b.state.instances[&client].primary_eni.clone();
    let g = b.state.network_interfaces[&eni].groups[0].clone();
    b.state.security_groups.get_mut(&g).unwrap().egress.clear();
    b.allow(&g, false, IpProtocol::Tcp, Some((443, 443)), "0.0.0.0/0");
    let a = tcp(&b, &client, &web, 80);
    assert_eq!(codes(&a), vec![("ENI_SG_RULES_MISMATCH".into(), Direction::Forward)]);
    assert!(a.blockers[0].fix.as_ref().unwrap().command.contains("authorize-security-group-egress"));
}

#[test]
fn acl_return_path_needs_ephemeral_ports() {
    let (mut b, client, web, web_sg, s1) = one_vpc();
    b.allow(&web_sg, true, IpProtocol::Tcp, Some((80, 80)), "10.0.0.0/16");
    let acl = b.acl_for(&s1);
    b.acl_entry(&acl, 100, false, IpProtocol::Tcp, true, "10.0.0.0/16", Some((80, 80)));
    let a = tcp(&b, &client, &web, 80);
    assert_eq!(codes(&a), vec![("SUBNET_ACL_RESTRICTION".into(), Direction::Return)]);
    let fix = a.blockers[0].fix.clone().unwrap();
    assert!(fix.command.contains("--egress --rule-number 32760 --protocol 6 --port-range From=1024,To=65535 --cidr-block 10.0.2.10/32 --rule-action allow"), "{}", fix.command);
    b.acl_entry(&acl, 110, true, IpProtocol::Tcp, true, "10.0.0.0/16", Some((1024, 65535)));
    assert!(tcp(&b, &client, &web, 80).reachable);
}

#[test]
fn acl_inbound_deny_is_reported_with_a_rule_ahead_of_it() {
    let (mut b, client, web, web_sg, s1) = one_vpc();
    b.allow(&web_sg, true, IpProtocol::Tcp, Some((80, 80)), "10.0.0.0/16");
    let acl = b.acl_for(&s1);
    b.acl_entry(&acl, 50, false, IpProtocol::Tcp, false, "10.0.2.0/24", Some((80, 80)));
    b.acl_entry(&acl, 100, false, IpProtocol::All, true, "0.0.0.0/0", None);
    b.acl_entry(&acl, 100, true, IpProtocol::All, true, "0.0.0.0/0", None);
    let a = tcp(&b, &client, &web, 80);
    assert_eq!(codes(&a), vec![("SUBNET_ACL_RESTRICTION".into(), Direction::Forward)]);
    assert!(a.blockers[0].fix.as_ref().unwrap().command.contains("--ingress --rule-number 40 "));
}

#[test]
fn no_acl_evaluation_within_one_subnet() {
    let (mut b, _, web, web_sg, s1) = one_vpc();
    b.allow(&web_sg, true, IpProtocol::Tcp, Some((80, 80)), "10.0.0.0/16");
    let client2 = b.instance(&s1, "10.0.1.20", &[&web_sg]);
    b.acl_for(&s1); // denies everything
    assert!(tcp(&b, &client2, &web, 80).reachable);
}

#[test]
fn every_blocker_is_reported() {
    let (mut b, client, web, _, s1) = one_vpc();
    b.acl_for(&s1);
    let a = tcp(&b, &client, &web, 80);
    let c = codes(&a);
    assert!(c.contains(&("SUBNET_ACL_RESTRICTION".into(), Direction::Forward)));
    assert!(c.contains(&("SG_HAS_NO_RULES".into(), Direction::Forward)));
    assert!(c.contains(&("SUBNET_ACL_RESTRICTION".into(), Direction::Return)));
    assert_eq!(c.len(), 3, "{c:?}");
}

#[test]
fn no_connection_between_vpcs_means_no_route() {
    let mut b = Builder::new();
    let va = b.vpc(A, R, "10.1.0.0/16");
    let vb = b.vpc(B, R, "10.2.0.0/16");
    let sa = b.subnet(&va, "10.1.1.0/24", "us-east-1a");
    let sb = b.subnet(&vb, "10.2.1.0/24", "us-east-1a");
    let ga = b.default_group(&va);
    let gb = b.default_group(&vb);
    b.allow(&ga, true, IpProtocol::Tcp, Some((80, 80)), "10.2.0.0/16");
    let ia = b.instance(&sa, "10.1.1.10", &[&ga]);
    let ib = b.instance(&sb, "10.2.1.10", &[&gb]);
    let a = tcp(&b, &ib, &ia, 80);
    assert_eq!(codes(&a), vec![("NO_ROUTE_TO_DESTINATION".into(), Direction::Forward), ("NO_ROUTE_TO_DESTINATION".into(), Direction::Return)]);
    let f = a.blockers[0].fix.clone().unwrap();
    assert_eq!(f.account, B);
    assert!(f.command.contains(&format!("create-vpc-peering-connection --vpc-id {vb} --peer-vpc-id {va} --peer-owner-id {A}")), "{}", f.command);
}

#[test]
fn igw_route_does_not_reach_private_addresses() {
    let mut b = Builder::new();
    let va = b.vpc(A, R, "10.1.0.0/16");
    let vb = b.vpc(A, R, "10.2.0.0/16");
    let sa = b.subnet(&va, "10.1.1.0/24", "us-east-1a");
    let sb = b.subnet(&vb, "10.2.1.0/24", "us-east-1a");
    let ia = b.instance(&sa, "10.1.1.10", &[&b.default_group(&va)]);
    let ib = b.instance(&sb, "10.2.1.10", &[&b.default_group(&vb)]);
    let igw = b.id("igw");
    b.state.internet_gateways.insert(
        igw.clone(),
        xvpc_model::internet_gateway::InternetGateway { id: igw.clone(), owner: A.into(), region: R.into(), attached_vpc: Some(va.clone()), tags: Default::default() },
    );
    let t = b.main_table(&va);
    b.route(&t, "0.0.0.0/0", &igw);
    let a = tcp(&b, &ia, &ib, 80);
    assert_eq!(a.blockers[0].code, "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS");
}

#[test]
fn stopped_instances_do_not_answer() {
    let (mut b, client, web, web_sg, _) = one_vpc();
    b.allow(&web_sg, true, IpProtocol::Tcp, Some((80, 80)), "10.0.0.0/16");
    b.state.instances.get_mut(&web).unwrap().state = xvpc_model::instance::InstanceState::Stopped;
    let a = tcp(&b, &client, &web, 80);
    assert_eq!(codes(&a), vec![("BAD_STATE".into(), Direction::Forward)]);
    assert!(a.blockers[0].fix.as_ref().unwrap().command.starts_with("aws ec2 start-instances"));
}

#[test]
fn destination_by_address_resolves_in_the_routed_vpc() {
    let (mut b, client, _, web_sg, _) = one_vpc();
    b.allow(&web_sg, true, IpProtocol::Tcp, Some((80, 80)), "10.0.0.0/16");
    assert!(tcp(&b, &client, "10.0.1.10", 80).reachable);
    let a = tcp(&b, &client, "10.0.1.11", 80);
    assert!(a.reachable, "an address with no ENI in a subnet: only ACLs and routes apply");
    let a = tcp(&b, &client, "10.0.9.9", 80);
    assert_eq!(a.blockers[0].code, "UNKNOWN_DESTINATION");
}

#[test]
fn health_check_primitive() {
    let (mut b, client, web, web_sg, _) = one_vpc();
    let ce = b.state.instances[&client].primary_eni.clone();
    let we = b.state.instances[&web].primary_eni.clone();
    let r = crate::health_check(&b.state, 0, &ce, &we, 6, 80);
    assert_eq!(r.unwrap_err()[0].code, "SG_HAS_NO_RULES");
    b.allow(&web_sg, true, IpProtocol::Tcp, Some((80, 80)), "10.0.2.10/32");
    assert!(crate::health_check(&b.state, 0, &ce, &we, 6, 80).is_ok());
}

mod privatelink {
    use super::*;
    use xvpc_model::vpc_endpoint::EndpointState;

    /// Provider A: NLB in 10.1/16 fronting a web instance on 8080.
    /// Consumer B: 10.1/16 too (CIDRs may overlap), an endpoint in its subnet.
    fn world(state: EndpointState) -> (Builder, String, String, String, String) {
        let mut b = Builder::new();
        let vp = b.vpc(A, R, "10.1.0.0/16");
        let sp = b.subnet(&vp, "10.1.1.0/24", "us-east-1a");
        let web_sg = b.group(&vp);
        b.allow(&web_sg, false, IpProtocol::All, None, "0.0.0.0/0");
        let web = b.instance(&sp, "10.1.1.10", &[&web_sg]);
        let (nlb, _) = b.nlb(&[&sp], 80, 8080, &[&web]);
        let vc = b.vpc(B, R, "10.1.0.0/16");
        let sc = b.subnet(&vc, "10.1.2.0/24", "us-east-1a");
        let ep_sg = b.group(&vc);
        b.allow(&ep_sg, true, IpProtocol::Tcp, Some((80, 80)), "10.1.0.0/16");
        let (_, ep) = b.endpoint(&nlb, &[&sc], &[&ep_sg], state);
        let client = b.instance(&sc, "10.1.2.10", &[&b.default_group(&vc)]);
        (b, client, ep, web_sg, nlb)
    }

    #[test]
    fn target_must_admit_the_nlb_not_the_consumer() {
        let (mut b, client, ep, web_sg, _) = world(EndpointState::Available);
        let a = tcp(&b, &client, &ep, 80);
        assert!(!a.reachable);
        assert_eq!(codes(&a), vec![("SG_HAS_NO_RULES".into(), Direction::Forward)]);
        let f = a.blockers[0].fix.clone().unwrap();
        assert_eq!(f.account, A);
        assert!(f.command.contains(&format!("--group-id {web_sg} --protocol tcp --port 8080 --cidr 10.1.1.200/32")), "{}", f.command);
        b.allow(&web_sg, true, IpProtocol::Tcp, Some((8080, 8080)), "10.1.1.200/32");
        let a = tcp(&b, &client, &ep, 80);
        assert!(a.reachable, "{:?}", a.blockers);
        assert!(a.forward.iter().any(|h| h.component.kind == crate::Kind::LoadBalancerListener));
    }

    #[test]
    fn endpoint_must_be_accepted_by_the_provider() {
        let (mut b, client, ep, web_sg, _) = world(EndpointState::PendingAcceptance);
        b.allow(&web_sg, true, IpProtocol::Tcp, Some((8080, 8080)), "10.1.0.0/16");
        let a = tcp(&b, &client, &ep, 80);
        assert_eq!(codes(&a), vec![("BAD_STATE".into(), Direction::Forward)]);
        let f = a.blockers[0].fix.clone().unwrap();
        assert_eq!(f.account, A);
        assert!(f.command.starts_with("aws ec2 accept-vpc-endpoint-connections --service-id vpce-svc-"), "{}", f.command);
    }

    #[test]
    fn listener_must_exist_on_the_port() {
        let (mut b, client, ep, web_sg, nlb) = world(EndpointState::Available);
        b.allow(&web_sg, true, IpProtocol::Tcp, Some((8080, 8080)), "10.1.0.0/16");
        let a = tcp(&b, &client, &ep, 443);
        let c = codes(&a);
        assert!(c.contains(&("ELBV2_LISTENERS_MISMATCH".into(), Direction::Forward)), "{c:?}");
        assert!(c.contains(&("ENI_SG_RULES_MISMATCH".into(), Direction::Forward)), "the endpoint's group admits only 80: {c:?}");
        let f = a.blockers.iter().find(|x| x.code == "ELBV2_LISTENERS_MISMATCH").unwrap().fix.clone().unwrap();
        assert!(f.command.starts_with(&format!("aws elbv2 create-listener --load-balancer-arn {nlb} --protocol TCP --port 443")));
    }

    #[test]
    fn stopped_target_is_not_healthy() {
        let (mut b, client, ep, web_sg, _) = world(EndpointState::Available);
        b.allow(&web_sg, true, IpProtocol::Tcp, Some((8080, 8080)), "10.1.0.0/16");
        let web = b.state.instances.keys().next().unwrap().clone();
        b.state.instances.get_mut(&web).unwrap().state = xvpc_model::instance::InstanceState::Stopped;
        let a = tcp(&b, &client, &ep, 80);
        assert_eq!(codes(&a), vec![("BAD_STATE".into(), Direction::Forward)]);
        assert!(a.blockers[0].explanation.contains("unused"), "{}", a.blockers[0].explanation);
    }

    #[test]
    fn one_way_only() {
        let (mut b, client, _, web_sg, _) = world(EndpointState::Available);
        b.allow(&web_sg, true, IpProtocol::Tcp, Some((8080, 8080)), "10.1.0.0/16");
        let web = b.state.instances.values().find(|i| i.owner == A).unwrap().id.clone();
        // The provider cannot reach the consumer's instance: nothing routes there.
        let a = tcp(&b, &web, &client, 80);
        assert!(!a.reachable);
    }
}

mod peering {
    use super::*;
    use xvpc_model::peering::StoredStatus;

    /// A (10.1/16, account A) and B (10.2/16, account B), peered in `status`,
    /// with routes both ways and A's web admitting B on 80.
    /// Returns (builder, client in B, web in A, pcx, table A, table B, vpc A, vpc B).
    fn world(status: StoredStatus) -> (Builder, String, String, String, String, String, String, String) {
        let mut b = Builder::new();
        let va = b.vpc(A, R, "10.1.0.0/16");
        let vb = b.vpc(B, R, "10.2.0.0/16");
        let sa = b.subnet(&va, "10.1.1.0/24", "us-east-1a");
        let sb = b.subnet(&vb, "10.2.1.0/24", "us-east-1a");
        let ga = b.default_group(&va);
        b.allow(&ga, true, IpProtocol::Tcp, Some((80, 80)), "10.2.0.0/16");
        let web = b.instance(&sa, "10.1.1.10", &[&ga]);
        let client = b.instance(&sb, "10.2.1.10", &[&b.default_group(&vb)]);
        let pcx = b.peering(&vb, &va, status);
        let (ta, tb) = (b.main_table(&va), b.main_table(&vb));
        b.route(&ta, "10.2.0.0/16", &pcx);
        b.route(&tb, "10.1.0.0/16", &pcx);
        (b, client, web, pcx, ta, tb, va, vb)
    }

    #[test]
    fn active_peering_with_routes_both_ways_reaches() {
        let (b, client, web, pcx, ..) = world(StoredStatus::Active);
        let a = tcp(&b, &client, &web, 80);
        assert!(a.reachable, "{:?}", a.blockers);
        assert!(a.forward.iter().any(|h| h.component.id == pcx));
        assert!(a.return_path.iter().any(|h| h.component.id == pcx));
        // Two-way: A's web can open connections to B too, if B admits it.
        let back = tcp(&b, &web, &client, 22);
        assert_eq!(codes(&back), vec![("ENI_SG_RULES_MISMATCH".into(), Direction::Forward)]);
    }

    #[test]
    fn missing_route_on_either_side_is_reported_with_the_owner_and_the_pcx() {
        for side in ["requester", "accepter"] {
            let (mut b, client, web, pcx, ta, tb, ..) = world(StoredStatus::Active);
            let (table, account, dir) = if side == "requester" { (tb, B, Direction::Forward) } else { (ta, A, Direction::Return) };
            b.state.route_tables.get_mut(&table).unwrap().routes.retain(|r| r.target.id() != pcx);
            let a = tcp(&b, &client, &web, 80);
            assert_eq!(codes(&a), vec![("NO_ROUTE_TO_DESTINATION".into(), dir)], "{side}");
            let f = a.blockers[0].fix.clone().unwrap();
            assert_eq!(f.account, account);
            let cidr = if side == "requester" { "10.1.0.0/16" } else { "10.2.0.0/16" };
            assert_eq!(f.command, format!("aws ec2 create-route --route-table-id {table} --destination-cidr-block {cidr} --vpc-peering-connection-id {pcx} --region {R}"));
        }
    }

    #[test]
    fn pending_peering_must_be_accepted_by_the_accepter() {
        let (b, client, web, pcx, ..) = world(StoredStatus::PendingAcceptance);
        let a = tcp(&b, &client, &web, 80);
        assert_eq!(codes(&a), vec![("BAD_STATE".into(), Direction::Forward)], "one cause, one blocker");
        let f = a.blockers[0].fix.clone().unwrap();
        assert_eq!(f.account, A, "A's VPC is the accepter");
        assert_eq!(f.command, format!("aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id {pcx} --region {R}"));
        assert!(a.forward.iter().any(|h| matches!(&h.detail, crate::Detail::Route { state, .. } if state == "blackhole")));
    }

    #[test]
    fn expired_requests_need_a_new_connection() {
        let (b, client, web, _, ..) = world(StoredStatus::PendingAcceptance);
        let a = analyze(&b.state, 8 * 24 * 3600 * 1000, &Query::tcp(Endpoint::parse(&client).unwrap(), Endpoint::parse(&web).unwrap(), 80)).unwrap();
        assert_eq!(a.blockers[0].code, "BAD_STATE");
        assert!(a.blockers[0].explanation.contains("expired"));
        assert!(a.blockers[0].fix.as_ref().unwrap().command.contains("create-vpc-peering-connection"));
    }

    #[test]
    fn peering_is_not_transitive() {
        // C (10.3/16) peers with A; B routes 10.3/16 to its pcx with A.
        let (mut b, client, _, pcx_ab, ta, tb, va, _) = world(StoredStatus::Active);
        let vc = b.vpc(A, R, "10.3.0.0/16");
        let sc = b.subnet(&vc, "10.3.1.0/24", "us-east-1a");
        let gc = b.default_group(&vc);
        b.allow(&gc, true, IpProtocol::All, None, "0.0.0.0/0");
        let ic = b.instance(&sc, "10.3.1.10", &[&gc]);
        let pcx_ac = b.peering(&va, &vc, StoredStatus::Active);
        b.route(&ta, "10.3.0.0/16", &pcx_ac);
        b.route(&tb, "10.3.0.0/16", &pcx_ab);
        let tc = b.main_table(&vc);
        b.route(&tc, "10.2.0.0/16", &pcx_ac);
        let a = tcp(&b, &client, &ic, 80);
        let c = codes(&a);
        assert!(c.contains(&("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR".into(), Direction::Forward)), "{c:?}");
        assert!(c.contains(&("PCX_REQUIRES_ADDRESS_IN_VPC_CIDR".into(), Direction::Return)), "{c:?}");
    }

    #[test]
    fn group_references_cross_only_active_same_region_peerings() {
        let (mut b, client, web, _, _, _, va, vb) = world(StoredStatus::Active);
        let ga = b.default_group(&va);
        b.state.security_groups.get_mut(&ga).unwrap().ingress.clear();
        let gb = b.default_group(&vb);
        b.allow(&ga, true, IpProtocol::Tcp, Some((80, 80)), &gb);
        assert!(tcp(&b, &client, &web, 80).reachable);
        let pcx = b.state.peering_connections.keys().next().unwrap().clone();
        b.state.peering_connections.get_mut(&pcx).unwrap().status = StoredStatus::Deleted;
        let a = tcp(&b, &client, &web, 80);
        assert!(codes(&a).contains(&("ENI_SG_RULES_MISMATCH".into(), Direction::Forward)));
    }
}

pub(crate) mod transit_gateway {
    use super::*;

    /// A hub TGW of A; VPCs of A (10.1/16, web) and B (10.2/16, client),
    /// both attached in zone a; client subnets in zones a and b.
    pub(crate) fn world(available_b: bool) -> (Builder, String, String, String, String, String, String) {
        let mut b = Builder::new();
        let va = b.vpc(A, R, "10.1.0.0/16");
        let vb = b.vpc(B, R, "10.2.0.0/16");
        let sa = b.subnet(&va, "10.1.1.0/24", "us-east-1a");
        let sb = b.subnet(&vb, "10.2.1.0/24", "us-east-1a");
        let sb2 = b.subnet(&vb, "10.2.2.0/24", "us-east-1b");
        let ga = b.default_group(&va);
        b.allow(&ga, true, IpProtocol::Tcp, Some((80, 80)), "10.2.0.0/16");
        let web = b.instance(&sa, "10.1.1.10", &[&ga]);
        let gb = b.default_group(&vb);
        let client = b.instance(&sb, "10.2.1.10", &[&gb]);
        let client_b = b.instance(&sb2, "10.2.2.10", &[&gb]);
        let (tgw, rtb) = b.tgw(A, R);
        b.attach(&tgw, &va, &[&sa], true);
        let att_b = b.attach(&tgw, &vb, &[&sb], available_b);
        let (ta, tb) = (b.main_table(&va), b.main_table(&vb));
        b.route(&ta, "10.2.0.0/16", &tgw);
        b.route(&tb, "10.1.0.0/16", &tgw);
        (b, client, client_b, web, tgw, rtb, att_b)
    }

    #[test]
    fn attached_and_propagated_vpcs_reach_each_other() {
        let (b, client, _, web, tgw, rtb, _) = world(true);
        let a = tcp(&b, &client, &web, 80);
        assert!(a.reachable, "{:?}", a.blockers);
        assert!(a.forward.iter().any(|h| h.component.id == rtb && matches!(&h.detail, crate::Detail::TgwRoute { route_type: xvpc_model::transit_gateway_route_table::RouteType::Propagated, .. })));
        assert!(a.return_path.iter().any(|h| h.component.id == rtb));
        let _ = tgw;
    }

    #[test]
    fn a_subnet_reaches_the_tgw_only_from_an_attached_zone() {
        let (b, _, client_b, web, _, _, att_b) = world(true);
        let a = tcp(&b, &client_b, &web, 80);
        assert_eq!(codes(&a), vec![("TGW_ROUTE_AZ_RESTRICTION".into(), Direction::Forward)]);
        let f = a.blockers[0].fix.clone().unwrap();
        assert_eq!(f.account, B);
        assert!(f.command.starts_with(&format!("aws ec2 modify-transit-gateway-vpc-attachment --transit-gateway-attachment-id {att_b} --add-subnet-ids subnet-")));
    }

    /// A web server of A in zone b, where A's attachment has no subnet.
    fn web_in_zone_b(b: &mut Builder, web: &str) -> (String, String) {
        let va = b.state.instances[web].vpc_id.clone();
        let ga = b.default_group(&va);
        let sa2 = b.subnet(&va, "10.1.2.0/24", "us-east-1b");
        (b.instance(&sa2, "10.1.2.10", &[&ga]), sa2)
    }

    // "Specifying one subnet from an Availability Zone enables traffic to
    // reach resources in every subnet in that Availability Zone" and "any
    // resources in Availability Zones where there is no transit gateway
    // attachment cannot reach the transit gateway"
    // (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html).
    // The request enters A through the attachment's ENI in zone a and is
    // delivered by A's local route (the prescriptive guidance's flow,
    // https://docs.aws.amazon.com/prescriptive-guidance/latest/inline-traffic-inspection-third-party-appliances/transit-gateway-asymmetric-routing.html);
    // the reply leaves from zone b, whose route to the TGW goes nowhere.
    #[test]
    fn a_destination_in_a_zone_without_attachment_cannot_reply_through_the_tgw() {
        let (mut b, client, _, web, _, _, _) = world(true);
        let (web2, _) = web_in_zone_b(&mut b, &web);
        let a = tcp(&b, &client, &web2, 80);
        assert_eq!(codes(&a), vec![("TGW_ROUTE_AZ_RESTRICTION".into(), Direction::Return)]);
        assert!(a.forward.iter().all(|h| h.verdict == crate::component::Verdict::Pass), "the request itself is delivered");
    }

    // The reply uses the destination subnet's own route table ("each
    // subnet in your VPC must be associated with a route table, which
    // controls the routing for the subnet",
    // https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html):
    // when that table answers over a peering, the zone rule of the TGW
    // does not apply to it, and the asymmetric path works.
    #[test]
    fn a_reply_over_a_peering_needs_no_attachment_in_its_zone() {
        let (mut b, client, _, web, _, _, _) = world(true);
        let (web2, sa2) = web_in_zone_b(&mut b, &web);
        let (va, vb) = (b.state.instances[&web].vpc_id.clone(), b.state.instances[&client].vpc_id.clone());
        let pcx = b.peering(&vb, &va, xvpc_model::peering::StoredStatus::Active);
        let t = b.table_for(&sa2);
        b.route(&t, "10.2.0.0/16", &pcx);
        let a = tcp(&b, &client, &web2, 80);
        assert!(a.reachable, "{:?}", codes(&a));
        assert!(a.forward.iter().any(|h| h.component.id.starts_with("tgw-attach-")), "request over the TGW");
        assert!(a.return_path.iter().any(|h| h.component.id == pcx), "reply over the peering");
        assert!(!a.return_path.iter().any(|h| h.component.id.starts_with("tgw-")), "reply avoids the TGW");
    }

    // "Each VPC or VPN attachment is associated with a single route table.
    // That route table decides the next hop for the traffic coming from
    // that resource attachment"
    // (https://docs.aws.amazon.com/vpc/latest/tgw/tgw-transit-gateways.html):
    // the reply by the table of the destination's attachment, not the
    // table that carried the request.
    #[test]
    fn the_reply_is_routed_by_the_table_of_the_destination_attachment() {
        let (mut b, client, _, web, _, rtb, att_b) = world(true);
        let va = b.state.instances[&web].vpc_id.clone();
        let att_a = b.state.transit_gateway_attachments.values().find(|x| x.vpc_id == va).unwrap().id.clone();
        let mut rt2 = b.state.transit_gateway_route_tables[&rtb].clone();
        rt2.id = b.id("tgw-rtb");
        rt2.propagations.clear();
        b.state.transit_gateway_route_tables.insert(rt2.id.clone(), rt2.clone());
        b.state.transit_gateway_attachments.get_mut(&att_a).unwrap().association = Some(rt2.id.clone());
        let a = tcp(&b, &client, &web, 80);
        assert_eq!(codes(&a), vec![("NO_ROUTE_TO_DESTINATION".into(), Direction::Return)]);
        assert_eq!(a.blockers[0].component.id, rt2.id);
        assert!(a.blockers[0].fix.as_ref().unwrap().command.contains(&format!("--transit-gateway-route-table-id {} --transit-gateway-attachment-id {att_b}", rt2.id)));
        // B's propagation into A's table is the one thing missing.
        b.state.transit_gateway_route_tables.get_mut(&rt2.id).unwrap().propagations.push(att_b);
        assert!(tcp(&b, &client, &web, 80).reachable);
    }

    #[test]
    fn pending_attachment_must_be_accepted_by_the_tgw_owner() {
        let (b, client, _, web, _, _, att_b) = world(false);
        let a = tcp(&b, &client, &web, 80);
        let c = codes(&a);
        assert!(c.contains(&("BAD_STATE_ATTACHMENT".into(), Direction::Forward)), "{c:?}");
        let f = a.blockers.iter().find(|x| x.code == "BAD_STATE_ATTACHMENT").unwrap().fix.clone().unwrap();
        assert_eq!(f.account, A);
        assert_eq!(f.command, format!("aws ec2 accept-transit-gateway-vpc-attachment --transit-gateway-attachment-id {att_b} --region {R}"));
    }

    #[test]
    fn without_propagation_the_tgw_table_has_no_route() {
        let (mut b, client, _, web, _, rtb, att_b) = world(true);
        b.state.transit_gateway_route_tables.get_mut(&rtb).unwrap().propagations.retain(|x| x != &att_b);
        let a = tcp(&b, &client, &web, 80);
        assert_eq!(codes(&a), vec![("NO_ROUTE_TO_DESTINATION".into(), Direction::Return)]);
        let f = a.blockers[0].fix.clone().unwrap();
        assert_eq!(f.account, A);
        assert!(f.command.starts_with(&format!("aws ec2 enable-transit-gateway-route-table-propagation --transit-gateway-route-table-id {rtb} --transit-gateway-attachment-id {att_b}")));
    }

    #[test]
    fn missing_vpc_route_suggests_the_tgw() {
        let (mut b, client, _, web, tgw, _, _) = world(true);
        let vb = b.state.instances[&client].vpc_id.clone();
        let tb = b.main_table(&vb);
        b.state.route_tables.get_mut(&tb).unwrap().routes.retain(|r| r.target == xvpc_model::route_table::RouteTarget::Local);
        let a = tcp(&b, &client, &web, 80);
        assert_eq!(a.blockers[0].fix.as_ref().unwrap().command, format!("aws ec2 create-route --route-table-id {tb} --destination-cidr-block 10.1.0.0/16 --transit-gateway-id {tgw} --region {R}"));
    }
}
