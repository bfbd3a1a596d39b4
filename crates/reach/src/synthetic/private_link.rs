//! PrivateLink pieces for synthetic states: a Network Load Balancer with
//! its listener and target group, and an endpoint service with an interface
//! endpoint in front of it.
//!
//! Separate from the VPC-level builders in [`super`] because these are
//! ELBv2 and endpoint resources, each with many fields of their own that
//! the rest of the builder never touches.

use std::net::Ipv4Addr;

use super::Builder;

impl Builder {
    /// An internal NLB with a node (a service-managed ENI without groups)
    /// in each subnet, a TCP listener on `port` forwarding to a new
    /// instance target group on `target_port` holding `targets`.
    /// Returns (load balancer ARN, target group ARN).
    pub fn nlb(&mut self, subnets: &[&str], port: u16, target_port: u16, targets: &[&str]) -> (String, String) {
        let s0 = self.state.subnets[subnets[0]].clone();
        let lb_id = format!("{:016x}", self.seq + 1);
        let arn = format!("arn:aws:elasticloadbalancing:{}:{}:loadbalancer/net/nlb{}/{lb_id}", s0.region, s0.owner, self.seq);
        let mut zones = Vec::new();
        for (i, sn) in subnets.iter().enumerate() {
            let sub = self.state.subnets[*sn].clone();
            let ip = Ipv4Addr::from(u32::from(sub.cidr.expect("an IPv4 subnet").network()) + 200 + i as u32);
            let eni = self.eni(sn, &ip.to_string(), &[]);
            if let Some(e) = self.state.network_interfaces.get_mut(&eni) {
                e.interface_type = "network_load_balancer".into();
                e.requester_managed = true;
            }
            zones.push(xvpc_model::load_balancer::LbZone { subnet_id: sn.to_string(), zone_name: sub.availability_zone.clone(), zone_id: sub.availability_zone_id.clone(), eni_id: eni, private_ip: ip });
        }
        let lb = xvpc_model::load_balancer::LoadBalancer {
            id: arn.clone(),
            owner: s0.owner.clone(),
            region: s0.region.clone(),
            name: format!("nlb{}", self.seq),
            lb_id,
            lb_type: "network".into(),
            scheme: "internal".into(),
            vpc_id: s0.vpc_id.clone(),
            zones,
            security_groups: vec![],
            ip_address_type: "ipv4".into(),
            attributes: Default::default(),
            tags: Default::default(),
            created_at: -1_000_000,
        };
        let tg_arn = format!("arn:aws:elasticloadbalancing:{}:{}:targetgroup/tg{}/{:016x}", s0.region, s0.owner, self.seq, self.seq);
        let tg = xvpc_model::target_group::TargetGroup {
            id: tg_arn.clone(),
            owner: s0.owner.clone(),
            region: s0.region.clone(),
            name: format!("tg{}", self.seq),
            protocol: "TCP".into(),
            port: target_port,
            vpc_id: s0.vpc_id.clone(),
            target_type: "instance".into(),
            health_check: xvpc_model::target_group::default_health_check(),
            attributes: Default::default(),
            targets: targets.iter().map(|t| xvpc_model::target_group::Target { id: t.to_string(), port: target_port, availability_zone: None, registered_at: -1_000_000 }).collect(),
            tags: Default::default(),
            created_at: -1_000_000,
        };
        let listener = xvpc_model::listener::Listener {
            id: format!("arn:aws:elasticloadbalancing:{}:{}:listener/net/{}/{}/{:016x}", s0.region, s0.owner, lb.name, lb.lb_id, self.seq),
            owner: s0.owner.clone(),
            region: s0.region.clone(),
            load_balancer_arn: arn.clone(),
            protocol: "TCP".into(),
            port,
            default_actions: vec![xvpc_model::listener::Action { action_type: "forward".into(), target_group_arn: Some(tg_arn.clone()), forward: vec![], order: None }],
            certificates: vec![],
            ssl_policy: None,
            alpn_policy: None,
            attributes: Default::default(),
            tags: Default::default(),
        };
        self.state.listeners.insert(listener.id.clone(), listener);
        self.state.target_groups.insert(tg_arn.clone(), tg);
        self.state.load_balancers.insert(arn.clone(), lb);
        (arn, tg_arn)
    }

    /// An endpoint service for `nlb` and an interface endpoint of it in
    /// `subnets` of the consumer, in `state`. Returns (service id, endpoint id).
    pub fn endpoint(&mut self, nlb: &str, subnets: &[&str], groups: &[&str], state: xvpc_model::vpc_endpoint::EndpointState) -> (String, String) {
        let lb = self.state.load_balancers[nlb].clone();
        let svc_id = self.id("vpce-svc");
        let svc = xvpc_model::endpoint_service::EndpointService {
            id: svc_id.clone(),
            owner: lb.owner.clone(),
            region: lb.region.clone(),
            name: format!("com.amazonaws.vpce.{}.{svc_id}", lb.region),
            network_load_balancer_arns: vec![nlb.to_string()],
            acceptance_required: true,
            allowed_principals: vec![],
            private_dns_name: None,
            tags: Default::default(),
            created_at: -1_000_000,
        };
        let s0 = self.state.subnets[subnets[0]].clone();
        let ep_id = self.id("vpce");
        let mut enis = Vec::new();
        for (i, sn) in subnets.iter().enumerate() {
            let sub = self.state.subnets[*sn].clone();
            let ip = Ipv4Addr::from(u32::from(sub.cidr.expect("an IPv4 subnet").network()) + 100 + i as u32);
            let eni = self.eni(sn, &ip.to_string(), groups);
            if let Some(e) = self.state.network_interfaces.get_mut(&eni) {
                e.interface_type = "vpc_endpoint".into();
                e.requester_managed = true;
            }
            enis.push(eni);
        }
        let ep = xvpc_model::vpc_endpoint::VpcEndpoint {
            id: ep_id.clone(),
            owner: s0.owner.clone(),
            region: s0.region.clone(),
            vpc_id: s0.vpc_id.clone(),
            endpoint_type: "Interface".into(),
            service_name: svc.name.clone(),
            service_id: Some(svc_id.clone()),
            state,
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            network_interface_ids: enis,
            security_group_ids: groups.iter().map(|g| g.to_string()).collect(),
            dns_suffix: "abcdefgh".into(),
            private_dns_enabled: false,
            policy_document: None,
            tags: Default::default(),
            created_at: -1_000_000,
            route_table_ids: Vec::new(),
        };
        self.state.endpoint_services.insert(svc_id.clone(), svc);
        self.state.vpc_endpoints.insert(ep_id.clone(), ep);
        (svc_id, ep_id)
    }
}
