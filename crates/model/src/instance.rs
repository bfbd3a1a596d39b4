//! EC2 instances: placement, lifecycle and user data.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::tags::Tags;

/// An instance's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstanceState {
    Pending,
    Running,
    ShuttingDown,
    Terminated,
    Stopping,
    Stopped,
}

impl InstanceState {
    /// AWS's state name.
    pub fn name(self) -> &'static str {
        match self {
            InstanceState::Pending => "pending",
            InstanceState::Running => "running",
            InstanceState::ShuttingDown => "shutting-down",
            InstanceState::Terminated => "terminated",
            InstanceState::Stopping => "stopping",
            InstanceState::Stopped => "stopped",
        }
    }

    /// AWS's state code (the low byte of `InstanceState.Code`).
    pub fn code(self) -> i32 {
        match self {
            InstanceState::Pending => 0,
            InstanceState::Running => 16,
            InstanceState::ShuttingDown => 32,
            InstanceState::Terminated => 48,
            InstanceState::Stopping => 64,
            InstanceState::Stopped => 80,
        }
    }

    pub fn is_running(self) -> bool {
        self == InstanceState::Running
    }
}

/// An instance. Its network identity is its primary ENI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub reservation_id: String,
    pub image_id: String,
    pub instance_type: String,
    pub vpc_id: String,
    pub subnet_id: String,
    pub availability_zone: String,
    pub private_ip: Ipv4Addr,
    pub primary_eni: String,
    pub state: InstanceState,
    pub launch_time: i64,
    /// When the instance was terminated (it stays visible for a while).
    pub terminated_at: Option<i64>,
    /// Base64 user data as sent.
    pub user_data: Option<String>,
    pub key_name: Option<String>,
    pub client_token: Option<String>,
    pub tags: Tags,
    #[serde(default)]
    pub disable_api_termination: bool,
    #[serde(default)]
    pub disable_api_stop: bool,
    /// `stop` or `terminate` (InstanceInitiatedShutdownBehavior).
    #[serde(default = "default_shutdown")]
    pub shutdown_behavior: String,
    #[serde(default)]
    pub ebs_optimized: bool,
    #[serde(default)]
    pub monitoring: bool,
    /// Whether it was launched with a public IPv4 address, so that it gets
    /// a new one each time it starts (AWS releases it at stop).
    #[serde(default)]
    pub auto_public_ip: bool,
}
crate::impl_owned!(Instance);

fn default_shutdown() -> String {
    "stop".into()
}

impl Default for Instance {
    /// An empty instance, for tests and fixtures (`..Default::default()`).
    fn default() -> Self {
        Instance {
            id: String::new(),
            owner: String::new(),
            region: String::new(),
            reservation_id: String::new(),
            image_id: String::new(),
            instance_type: String::new(),
            vpc_id: String::new(),
            subnet_id: String::new(),
            availability_zone: String::new(),
            private_ip: Ipv4Addr::UNSPECIFIED,
            primary_eni: String::new(),
            state: InstanceState::Pending,
            launch_time: 0,
            terminated_at: None,
            user_data: None,
            key_name: None,
            client_token: None,
            tags: Tags::new(),
            disable_api_termination: false,
            disable_api_stop: false,
            shutdown_behavior: default_shutdown(),
            ebs_optimized: false,
            monitoring: false,
            auto_public_ip: false,
        }
    }
}

pub use crate::instance_filters::{CREDIT_FILTERS, FILTERS, STATUS_FILTERS};

use crate::error::{IdKind, Limit, ModelError, Result};
use crate::ids::new_id;
use crate::network_interface::{self, EniAttachment};
use crate::state::{Changes, Ctx, ResourceKind, State};

/// How long a terminated instance stays visible in DescribeInstances.
pub const TERMINATED_VISIBLE_MS: i64 = 60 * 60 * 1000;
/// AWS's default on-demand instance quota per request here.
pub const MAX_PER_REQUEST: i64 = 20;

impl Instance {
    /// Whether DescribeInstances still shows it (terminated ones fade after
    /// about an hour).
    pub fn is_visible(&self, now: i64) -> bool {
        self.terminated_at.is_none_or(|t| now < t + TERMINATED_VISIBLE_MS)
    }

    /// The root volume's id, derived from the instance id.
    pub fn root_volume_id(&self) -> String {
        format!("vol-{}", self.id.trim_start_matches("i-"))
    }

    /// The public IPv4 address of its primary ENI, if it has one.
    pub fn public_ip(&self, state: &State) -> Option<Ipv4Addr> {
        state.network_interfaces.get(&self.primary_eni).and_then(|e| e.public_ip)
    }

    pub fn private_dns_name(&self) -> String {
        network_interface::private_dns_name(&self.region, self.private_ip)
    }
}

/// The caller's instance, as long as it is still visible.
pub fn visible<'a>(state: &'a State, ctx: &Ctx, id: &str) -> Result<&'a Instance> {
    let i = crate::state::owned(&state.instances, ctx, IdKind::Instance, id)?;
    if i.is_visible(ctx.now) {
        Ok(i)
    } else {
        Err(ModelError::NotFound(IdKind::Instance, id.to_string()))
    }
}

/// Input of RunInstances.
#[derive(Debug, Clone, Default)]
pub struct RunInstances {
    pub image_id: String,
    pub instance_type: Option<String>,
    pub subnet_id: Option<String>,
    pub availability_zone: Option<String>,
    pub private_ip: Option<String>,
    pub group_ids: Vec<String>,
    pub user_data: Option<String>,
    pub min_count: i64,
    pub max_count: i64,
    pub client_token: Option<String>,
    pub key_name: Option<String>,
    pub instance_tags: Tags,
    pub eni_tags: Tags,
    pub eni_description: Option<String>,
    pub delete_on_termination: bool,
    pub disable_api_termination: bool,
    pub disable_api_stop: bool,
    pub shutdown_behavior: Option<String>,
    pub ebs_optimized: bool,
    pub monitoring: bool,
    /// `NetworkInterface.1.AssociatePublicIpAddress`: overrides the
    /// subnet's MapPublicIpOnLaunch either way.
    pub associate_public_ip: Option<bool>,
    /// `Ipv6Addresses`: specific IPv6 addresses (one instance only).
    pub ipv6_addresses: Vec<String>,
    /// `Ipv6AddressCount`: that many IPv6 addresses per instance.
    pub ipv6_address_count: Option<u32>,
}

/// RunInstances: between MinCount and MaxCount instances in one subnet,
/// each with a primary ENI. Returns the instance ids (one reservation).
/// A repeated `ClientToken` returns the first launch's instances.
pub fn run_instances(state: &State, ctx: &Ctx, input: RunInstances) -> Result<(Changes, Vec<String>)> {
    if let Some(tok) = &input.client_token {
        let mut prior: Vec<&Instance> = state
            .instances
            .scope(ctx).filter(|i| i.client_token.as_ref() == Some(tok))
            .collect();
        if !prior.is_empty() {
            prior.sort_by_key(|i| (i.launch_time, i.private_ip));
            return Ok((Changes::new(), prior.into_iter().map(|i| i.id.clone()).collect()));
        }
    }
    // A `resolve:ssm:` ImageId launches, and is shown as, the image it names.
    let image_id = crate::image::resolve(state, ctx, &input.image_id)?.id;
    let itype = input.instance_type.clone().unwrap_or_else(|| "m1.small".into());
    if crate::instance_type::find(&itype).is_none() {
        return Err(ModelError::InvalidParameterValue(format!("Invalid value '{itype}' for InstanceType.")));
    }
    if input.min_count < 1 || input.max_count < 1 {
        return Err(ModelError::InvalidParameterValue("Value () for parameter minCount is invalid. Expected a positive integer.".replace("()", &format!("({})", input.min_count.min(input.max_count)))));
    }
    if input.min_count > input.max_count {
        return Err(ModelError::InvalidParameterValue(format!("Value ({}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount.", input.max_count)));
    }
    if input.min_count > MAX_PER_REQUEST {
        return Err(ModelError::LimitExceeded(Limit::Instances, format!("You have requested more instances ({}) than your current instance limit of {MAX_PER_REQUEST} allows.", input.min_count)));
    }
    if input.private_ip.is_some() && input.max_count > 1 {
        return Err(ModelError::InvalidParameterCombination("Cannot specify a private IP address when launching more than one instance".into()));
    }
    if !input.ipv6_addresses.is_empty() && input.max_count > 1 {
        return Err(ModelError::InvalidParameterCombination("Cannot specify IPv6 addresses when launching more than one instance".into()));
    }
    let ipv6_asked = input.ipv6_addresses.iter().map(|a| crate::subnet_ipv6::parse_address(a)).collect::<Result<Vec<_>>>()?;
    if let Some(b) = &input.shutdown_behavior {
        if b != "stop" && b != "terminate" {
            return Err(ModelError::InvalidParameterValue(format!("Value ({b}) for parameter instanceInitiatedShutdownBehavior is invalid.")));
        }
    }
    let subnet = match &input.subnet_id {
        Some(id) => crate::state::owned(&state.subnets, ctx, IdKind::Subnet, id)?,
        None => {
            let vpc = crate::vpc::default_vpc(state, ctx).ok_or_else(|| {
                ModelError::VpcIdNotSpecified("No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.".into())
            })?;
            // The default subnet of the zone asked for, else of the first
            // zone that has one.
            state
                .subnets
                .scope(ctx)
                .filter(|s| s.vpc_id == vpc.id && s.default_for_az)
                .filter(|s| input.availability_zone.as_ref().is_none_or(|z| &s.availability_zone == z))
                .min_by(|a, b| a.availability_zone.cmp(&b.availability_zone))
                .ok_or_else(|| ModelError::MissingInput("No subnets found for the default VPC".into()))?
        }
    };
    if let Some(z) = &input.availability_zone {
        if z != &subnet.availability_zone {
            return Err(ModelError::InvalidParameterValue(format!("Value ({z}) for parameter availabilityZone is invalid. Subnet '{}' is in availability zone '{}'", subnet.id, subnet.availability_zone)));
        }
    }
    let ip = input.private_ip.as_deref().map(network_interface::parse_ip).transpose()?;
    let free = subnet.available_ip_count(state) as i64;
    if free < input.min_count {
        return Err(ModelError::InsufficientFreeAddresses(subnet.id.clone()));
    }
    let count = input.max_count.min(free).min(MAX_PER_REQUEST);
    let public = input.associate_public_ip.unwrap_or(subnet.map_public_ip_on_launch);
    let mut public_taken = Vec::new();
    let reservation_id = new_id("r");
    let mut ch = Changes::new();
    let mut ids = Vec::new();
    let mut taken = Vec::new();
    let mut taken6 = Vec::new();
    for _ in 0..count {
        let mut eni = network_interface::build(state, ctx, subnet, ip, &input.group_ids, &taken, &taken6)?;
        // Addresses asked for replace the one the subnet assigns on creation.
        if !ipv6_asked.is_empty() || input.ipv6_address_count.is_some() {
            eni.ipv6_addresses = crate::subnet_ipv6::for_new_interface(state, subnet, &ipv6_asked, input.ipv6_address_count, &taken6)?;
        }
        taken.push(eni.private_ip);
        taken6.extend(eni.ipv6_addresses.iter().copied());
        if public {
            let ip = crate::public_ip::allocate(state, &ctx.region, &public_taken)?;
            public_taken.push(ip);
            eni.public_ip = Some(ip);
        }
        let id = new_id("i");
        eni.tags = input.eni_tags.clone();
        eni.description = input.eni_description.clone().unwrap_or_default();
        eni.attachment = Some(EniAttachment {
            id: new_id("eni-attach"),
            instance_id: id.clone(),
            device_index: 0,
            delete_on_termination: input.delete_on_termination,
            attach_time: ctx.now,
        });
        let inst = Instance {
            id: id.clone(),
            owner: ctx.account.clone(),
            region: ctx.region.clone(),
            reservation_id: reservation_id.clone(),
            image_id: image_id.to_string(),
            instance_type: itype.clone(),
            vpc_id: subnet.vpc_id.clone(),
            subnet_id: subnet.id.clone(),
            availability_zone: subnet.availability_zone.clone(),
            private_ip: eni.private_ip,
            primary_eni: eni.id.clone(),
            // Stored running: the pending phase is only shown in the response.
            state: InstanceState::Running,
            launch_time: ctx.now,
            terminated_at: None,
            user_data: input.user_data.clone(),
            key_name: input.key_name.clone(),
            client_token: input.client_token.clone(),
            tags: input.instance_tags.clone(),
            disable_api_termination: input.disable_api_termination,
            disable_api_stop: input.disable_api_stop,
            shutdown_behavior: input.shutdown_behavior.clone().unwrap_or_else(default_shutdown),
            ebs_optimized: input.ebs_optimized,
            monitoring: input.monitoring,
            auto_public_ip: public,
        };
        ch.put(eni);
        ch.put(inst);
        ids.push(id);
    }
    Ok((ch, ids))
}

/// A state change as Terminate/Stop/StartInstances report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateChange {
    pub instance_id: String,
    pub previous: InstanceState,
    pub current: InstanceState,
}

/// The ENIs attached to an instance.
fn attached<'a>(state: &'a State, instance_id: &'a str) -> impl Iterator<Item = &'a crate::network_interface::NetworkInterface> + 'a {
    state.network_interfaces.values().filter(move |e| e.attachment.as_ref().is_some_and(|a| a.instance_id == instance_id))
}

fn instances<'a>(state: &'a State, ctx: &Ctx, ids: &[String]) -> Result<Vec<&'a Instance>> {
    if ids.is_empty() {
        return Err(ModelError::MissingParameter("instanceId".into()));
    }
    ids.iter().map(|id| visible(state, ctx, id)).collect()
}

/// TerminateInstances: the instance is terminated (and fades from view
/// after an hour); ENIs marked delete-on-termination go with it, others are
/// detached, so the subnet and VPC can be deleted.
pub fn terminate(state: &State, ctx: &Ctx, ids: &[String]) -> Result<(Changes, Vec<StateChange>)> {
    let list = instances(state, ctx, ids)?;
    if let Some(i) = list.iter().find(|i| i.disable_api_termination && i.state != InstanceState::Terminated) {
        return Err(ModelError::OperationNotPermitted(format!(
            "The instance '{}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.",
            i.id
        )));
    }
    let mut ch = Changes::new();
    let mut out = Vec::new();
    for i in list {
        if i.state == InstanceState::Terminated {
            out.push(StateChange { instance_id: i.id.clone(), previous: i.state, current: i.state });
            continue;
        }
        for e in state.network_interfaces.values().filter(|e| e.attachment.as_ref().is_some_and(|a| a.instance_id == i.id)) {
            crate::elastic_ip::release_from(state, &e.id, &mut ch);
            if e.attachment.as_ref().is_some_and(|a| a.delete_on_termination) {
                ch.delete(ResourceKind::NetworkInterface, &e.id);
            } else {
                let mut e = e.clone();
                e.attachment = None;
                e.public_ip = None;
                ch.put(e);
            }
        }
        let mut n = i.clone();
        n.state = InstanceState::Terminated;
        n.terminated_at = Some(ctx.now);
        ch.put(n);
        out.push(StateChange { instance_id: i.id.clone(), previous: i.state, current: InstanceState::ShuttingDown });
    }
    Ok((ch, out))
}

/// StopInstances: running → stopped (reported `stopping`).
pub fn stop(state: &State, ctx: &Ctx, ids: &[String]) -> Result<(Changes, Vec<StateChange>)> {
    let list = instances(state, ctx, ids)?;
    let mut ch = Changes::new();
    let mut out = Vec::new();
    for i in list {
        match i.state {
            InstanceState::Terminated | InstanceState::ShuttingDown => {
                return Err(ModelError::IncorrectInstanceState(format!("This instance '{}' is not in a state from which it can be stopped.", i.id)))
            }
            InstanceState::Stopped | InstanceState::Stopping => {
                out.push(StateChange { instance_id: i.id.clone(), previous: i.state, current: InstanceState::Stopped });
            }
            _ => {
                if i.disable_api_stop {
                    return Err(ModelError::OperationNotPermitted(format!(
                        "The instance '{}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.",
                        i.id
                    )));
                }
                let mut n = i.clone();
                n.state = InstanceState::Stopped;
                ch.put(n);
                // Its public IPv4 address goes back to the pool (an
                // Elastic IP stays).
                for e in attached(state, &i.id).filter(|e| e.public_ip.is_some() && crate::elastic_ip::of_eni(state, &e.id).is_none()) {
                    let mut e = e.clone();
                    e.public_ip = None;
                    ch.put(e);
                }
                out.push(StateChange { instance_id: i.id.clone(), previous: i.state, current: InstanceState::Stopping });
            }
        }
    }
    Ok((ch, out))
}

/// StartInstances: stopped → running (reported `pending`).
pub fn start(state: &State, ctx: &Ctx, ids: &[String]) -> Result<(Changes, Vec<StateChange>)> {
    let list = instances(state, ctx, ids)?;
    let mut ch = Changes::new();
    let mut public_taken = Vec::new();
    let mut out = Vec::new();
    for i in list {
        match i.state {
            InstanceState::Stopped | InstanceState::Stopping => {
                let mut n = i.clone();
                n.state = InstanceState::Running;
                ch.put(n);
                // A new public address, if it was launched with one.
                if let Some(e) = state.network_interfaces.get(&i.primary_eni).filter(|e| i.auto_public_ip && e.public_ip.is_none()) {
                    let mut e = e.clone();
                    let ip = crate::public_ip::allocate(state, &i.region, &public_taken)?;
                    public_taken.push(ip);
                    e.public_ip = Some(ip);
                    ch.put(e);
                }
                out.push(StateChange { instance_id: i.id.clone(), previous: i.state, current: InstanceState::Pending });
            }
            InstanceState::Running | InstanceState::Pending => {
                out.push(StateChange { instance_id: i.id.clone(), previous: i.state, current: InstanceState::Running });
            }
            _ => return Err(ModelError::IncorrectInstanceState(format!("This instance '{}' is not in a state from which it can be started.", i.id))),
        }
    }
    Ok((ch, out))
}

/// One ModifyInstanceAttribute change (AWS allows one per call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InstanceAttribute {
    InstanceType(String),
    UserData(Option<String>),
    DisableApiTermination(bool),
    DisableApiStop(bool),
    ShutdownBehavior(String),
    SourceDestCheck(bool),
    Groups(Vec<String>),
    EbsOptimized(bool),
}

/// ModifyInstanceAttribute. Type, user data and EBS optimization need a
/// stopped instance, as in AWS.
pub fn modify_attribute(state: &State, ctx: &Ctx, id: &str, attr: InstanceAttribute) -> Result<Changes> {
    let i = visible(state, ctx, id)?;
    if i.state == InstanceState::Terminated {
        return Err(ModelError::IncorrectInstanceState(format!("The instance '{id}' is not in a state from which it can be modified.")));
    }
    let must_be_stopped = || {
        if i.state == InstanceState::Stopped {
            Ok(())
        } else {
            Err(ModelError::IncorrectInstanceState(format!("The instance '{id}' is not in the 'stopped' state.")))
        }
    };
    let mut n = i.clone();
    let mut ch = Changes::new();
    match attr {
        InstanceAttribute::InstanceType(t) => {
            must_be_stopped()?;
            if crate::instance_type::find(&t).is_none() {
                return Err(ModelError::InvalidParameterValue(format!("Invalid value '{t}' for InstanceType.")));
            }
            n.instance_type = t;
        }
        InstanceAttribute::UserData(u) => {
            must_be_stopped()?;
            n.user_data = u;
        }
        InstanceAttribute::EbsOptimized(b) => {
            must_be_stopped()?;
            n.ebs_optimized = b;
        }
        InstanceAttribute::DisableApiTermination(b) => n.disable_api_termination = b,
        InstanceAttribute::DisableApiStop(b) => n.disable_api_stop = b,
        InstanceAttribute::ShutdownBehavior(b) => {
            if b != "stop" && b != "terminate" {
                return Err(ModelError::InvalidParameterValue(format!("Value ({b}) for parameter instanceInitiatedShutdownBehavior is invalid.")));
            }
            n.shutdown_behavior = b;
        }
        InstanceAttribute::SourceDestCheck(b) => {
            return network_interface::modify(state, ctx, &i.primary_eni, network_interface::ModifyEni { source_dest_check: Some(b), ..Default::default() });
        }
        InstanceAttribute::Groups(g) => {
            return network_interface::modify(state, ctx, &i.primary_eni, network_interface::ModifyEni { groups: Some(g), ..Default::default() });
        }
    }
    ch.put(n);
    Ok(ch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vpc::{create_vpc, CreateVpc};

    fn setup() -> (State, Ctx, String, String) {
        let ctx = Ctx::new("111111111111", "us-east-1", 1_000);
        let mut s = State::default();
        let (ch, v) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        let (ch, sub) = crate::subnet::create_subnet(&s, &ctx, crate::subnet::CreateSubnet {
            vpc_id: v.clone(), cidr: "10.0.1.0/28".into(), availability_zone: Some("us-east-1a".into()), ..Default::default()
        }).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        (s, ctx, v, sub)
    }

    fn run(sub: &str, n: i64) -> RunInstances {
        RunInstances { image_id: "ami-1e749f67".into(), instance_type: Some("t3.micro".into()), subnet_id: Some(sub.into()), min_count: n, max_count: n, delete_on_termination: true, ..Default::default() }
    }

    #[test]
    fn run_terminate_and_fade() {
        let (mut s, ctx, v, sub) = setup();
        assert!(matches!(run_instances(&s, &ctx, RunInstances { subnet_id: None, ..run(&sub, 1) }), Err(ModelError::VpcIdNotSpecified(_))));
        assert_eq!(run_instances(&s, &ctx, RunInstances { image_id: "ami-00000000".into(), ..run(&sub, 1) }), Err(ModelError::NotFound(IdKind::Ami, "ami-00000000".into())));
        // A /28 has 11 usable addresses.
        assert_eq!(run_instances(&s, &ctx, run(&sub, 12)), Err(ModelError::InsufficientFreeAddresses(sub.clone())));
        let (ch, ids) = run_instances(&s, &ctx, run(&sub, 2)).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        let i = &s.instances[&ids[0]];
        assert_eq!(i.state, InstanceState::Running);
        let eni = &s.network_interfaces[&i.primary_eni];
        assert_eq!(eni.groups, vec![crate::security_group::default_group(&s, &v).unwrap().id.clone()]);
        assert_ne!(s.instances[&ids[0]].private_ip, s.instances[&ids[1]].private_ip);
        assert!(matches!(crate::subnet::delete_subnet(&s, &ctx, &sub), Err(ModelError::DependencyViolation(_))));
        let (ch, changes) = terminate(&s, &ctx, &ids).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        assert_eq!(changes[0].current, InstanceState::ShuttingDown);
        assert!(s.network_interfaces.is_empty(), "delete-on-termination ENIs are gone");
        assert!(visible(&s, &ctx, &ids[0]).is_ok());
        let later = Ctx { now: ctx.now + TERMINATED_VISIBLE_MS, ..ctx.clone() };
        assert_eq!(visible(&s, &later, &ids[0]), Err(ModelError::NotFound(IdKind::Instance, ids[0].clone())));
        assert!(crate::subnet::delete_subnet(&s, &ctx, &sub).is_ok());
    }

    #[test]
    fn stop_start_modify_and_protection() {
        let (mut s, ctx, _, sub) = setup();
        let (ch, ids) = run_instances(&s, &ctx, RunInstances { disable_api_termination: true, client_token: Some("t".into()), ..run(&sub, 1) }).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        let (ch, again) = run_instances(&s, &ctx, RunInstances { client_token: Some("t".into()), ..run(&sub, 1) }).unwrap();
        assert!(ch.is_empty() && again == ids, "same client token, same instances");
        assert!(matches!(terminate(&s, &ctx, &ids), Err(ModelError::OperationNotPermitted(_))));
        assert!(matches!(modify_attribute(&s, &ctx, &ids[0], InstanceAttribute::InstanceType("t3.small".into())), Err(ModelError::IncorrectInstanceState(_))));
        let (ch, _) = stop(&s, &ctx, &ids).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        let ch = modify_attribute(&s, &ctx, &ids[0], InstanceAttribute::InstanceType("t3.small".into())).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        let ch = modify_attribute(&s, &ctx, &ids[0], InstanceAttribute::DisableApiTermination(false)).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        let (ch, st) = start(&s, &ctx, &ids).unwrap();
        ch.events.into_iter().for_each(|e| s.apply(e));
        assert_eq!(st[0].current, InstanceState::Pending);
        assert_eq!(s.instances[&ids[0]].instance_type, "t3.small");
        assert!(terminate(&s, &ctx, &ids).is_ok());
    }
}
