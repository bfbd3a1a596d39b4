//! Services in a dump: customer prefix lists, egress-only internet
//! gateways, PrivateLink (endpoint services and their permissions,
//! endpoints), load balancers with listeners, target groups and their
//! targets, and RAM shares.

use std::collections::BTreeMap;

use serde_json::Value;
use xvpc_model::cidr::IpNet;
use xvpc_model::endpoint_service::{AllowedPrincipal, EndpointService};
use xvpc_model::load_balancer::{LbZone, LoadBalancer};
use xvpc_model::managed_prefix_list::{Entry, ManagedPrefixList};
use xvpc_model::ram::{Association, AssociationStatus, ResourceShare, ShareStatus};
use xvpc_model::target_group::{HealthCheck, Target, TargetGroup};
use xvpc_model::vpc_endpoint::{EndpointState, VpcEndpoint};
use xvpc_model::Resource;
use xvpc_wire::json_shape::FromJson;
use xvpc_wire::shapes::{ec2 as shape, elbv2, ram};

use super::import::{Found, ImportError, Options, Part};
use super::vpc_core::{addr, need, parse, tags};

type Get<'a> = dyn Fn(&str) -> &'a [Part<'a>] + 'a;

/// The rows of a per-parent file (`{"<Key>": [{"<ParentId>": .., <output members>}]}`),
/// each with its parent id and its JSON path.
fn rows<'p>(p: &'p Part, key: &str, parent: &str) -> Result<Vec<(String, String, &'p Value)>, ImportError> {
    let list = p.file.json.get(key).and_then(Value::as_array).ok_or_else(|| p.err(key, "not a list"))?;
    list.iter()
        .enumerate()
        .map(|(i, row)| {
            let at = format!("{key}.{i}");
            let id = row.get(parent).and_then(Value::as_str).ok_or_else(|| p.err(format!("{at}.{parent}"), "a required member is missing"))?;
            Ok((id.to_string(), at, row))
        })
        .collect()
}

/// Decodes one item with the generated shapes.
fn item<T: FromJson>(p: &Part, v: &Value, at: &str) -> Result<T, ImportError> {
    T::from_json(v, at).map_err(|e| p.err(at, format!("{e:?}")))
}

/// The last `/`-separated part of an ARN.
fn tail(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

/// The account of an ARN (`arn:aws:svc:region:account:...`).
fn arn_account(arn: &str) -> Option<String> {
    arn.split(':').nth(4).filter(|a| !a.is_empty()).map(str::to_string)
}

pub(super) fn read<'a>(found: &mut Found, o: &Options, get: &Get<'a>) -> Result<(), ImportError> {
    prefix_lists(found, o, get)?;
    for p in get("EgressOnlyInternetGateways") {
        let out: shape::DescribeEgressOnlyInternetGatewaysResult = p.decode()?;
        for (i, g) in out.egress_only_internet_gateways.iter().enumerate() {
            let at = format!("EgressOnlyInternetGateways.{i}");
            let id = need(p, &at, &g.egress_only_internet_gateway_id, "EgressOnlyInternetGatewayId")?.clone();
            let owner = p.account(None, o, &at)?;
            let region = p.region(None, o, &at)?;
            let vpc = g.attachments.iter().find_map(|a| a.vpc_id.clone()).ok_or_else(|| p.err(&at, "an egress-only gateway attached to no VPC"))?;
            let r = xvpc_model::egress_only_internet_gateway::EgressOnlyInternetGateway { id: id.clone(), owner: owner.clone(), region: region.clone(), vpc_id: vpc, tags: tags(&g.tags) };
            found.keep(p, &at, &id, &owner, &region, "EgressOnlyInternetGateway", Resource::EgressOnlyInternetGateway(r))?;
        }
    }
    endpoint_services(found, o, get)?;
    load_balancers(found, o, get)?;
    shares(found, o, get)
}

fn prefix_lists<'a>(found: &mut Found, o: &Options, get: &Get<'a>) -> Result<(), ImportError> {
    let mut entries: BTreeMap<String, Vec<Entry>> = BTreeMap::new();
    for p in get("PrefixListEntries") {
        for (id, at, row) in rows(p, "PrefixListEntries", "PrefixListId")? {
            let out: shape::GetManagedPrefixListEntriesResult = item(p, row, &at)?;
            let list = entries.entry(id).or_default();
            for (j, e) in out.entries.iter().enumerate() {
                let at = format!("{at}.Entries.{j}");
                let cidr: IpNet = parse(p, &at, need(p, &at, &e.cidr, "Cidr")?, "a CIDR block")?;
                list.push(Entry { cidr, description: e.description.clone() });
            }
        }
    }
    for p in get("PrefixLists") {
        let out: shape::DescribeManagedPrefixListsResult = p.decode()?;
        for (i, l) in out.prefix_lists.iter().enumerate() {
            let at = format!("PrefixLists.{i}");
            // AWS's own lists exist in every Region: xvpc computes them
            // (describe-prefix-lists, under the same key, names no owner).
            if l.owner_id.as_deref().is_none_or(|o| o == xvpc_model::prefix_list::AWS_OWNER) {
                continue;
            }
            let id = need(p, &at, &l.prefix_list_id, "PrefixListId")?.clone();
            let owner = p.account(l.owner_id.as_ref(), o, &at)?;
            let region = p.region(None, o, &at)?;
            let current = entries.get(&id).cloned().unwrap_or_default();
            // Older versions are not in the dump: each repeats the current one.
            let version = usize::try_from(l.version.unwrap_or(1).max(1)).unwrap_or(1);
            let r = ManagedPrefixList {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                name: l.prefix_list_name.clone().unwrap_or_default(),
                address_family: l.address_family.clone().unwrap_or_else(|| "IPv4".into()),
                max_entries: l.max_entries.unwrap_or(current.len() as i32),
                versions: vec![current; version],
                tags: tags(&l.tags),
            };
            found.keep(p, &at, &id, &owner, &region, "ManagedPrefixList", Resource::ManagedPrefixList(r))?;
        }
    }
    Ok(())
}

fn endpoint_services<'a>(found: &mut Found, o: &Options, get: &Get<'a>) -> Result<(), ImportError> {
    let mut allowed: BTreeMap<String, Vec<AllowedPrincipal>> = BTreeMap::new();
    for p in get("VpcEndpointServicePermissions") {
        for (id, at, row) in rows(p, "VpcEndpointServicePermissions", "ServiceId")? {
            let out: shape::DescribeVpcEndpointServicePermissionsResult = item(p, row, &at)?;
            for a in out.allowed_principals {
                allowed.entry(id.clone()).or_default().push(AllowedPrincipal {
                    principal: a.principal.unwrap_or_default(),
                    permission_id: a.service_permission_id.unwrap_or_default(),
                });
            }
        }
    }
    for p in get("ServiceConfigurations") {
        let out: shape::DescribeVpcEndpointServiceConfigurationsResult = p.decode()?;
        for (i, s) in out.service_configurations.iter().enumerate() {
            let at = format!("ServiceConfigurations.{i}");
            let id = need(p, &at, &s.service_id, "ServiceId")?.clone();
            let owner = p.account(None, o, &at)?;
            let region = p.region(None, o, &at)?;
            let r = EndpointService {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                name: need(p, &at, &s.service_name, "ServiceName")?.clone(),
                network_load_balancer_arns: s.network_load_balancer_arns.clone(),
                acceptance_required: s.acceptance_required.unwrap_or(false),
                allowed_principals: allowed.remove(&id).unwrap_or_default(),
                private_dns_name: s.private_dns_name.clone(),
                tags: tags(&s.tags),
                // Its state follows from its age: pending for a moment, then available.
                created_at: if matches!(s.service_state, Some(shape::ServiceState::Pending)) { o.now } else { 0 },
            };
            found.keep(p, &at, &id, &owner, &region, "VpcEndpointService", Resource::EndpointService(r))?;
        }
    }
    // Services by name, to give customer endpoints their service id.
    let by_name: BTreeMap<String, String> = found
        .by_id
        .values()
        .filter_map(|(r, _)| match r {
            Resource::EndpointService(s) => Some((s.name.clone(), s.id.clone())),
            _ => None,
        })
        .collect();
    for p in get("VpcEndpoints") {
        let out: shape::DescribeVpcEndpointsResult = p.decode()?;
        for (i, e) in out.vpc_endpoints.iter().enumerate() {
            let at = format!("VpcEndpoints.{i}");
            let id = need(p, &at, &e.vpc_endpoint_id, "VpcEndpointId")?.clone();
            let owner = p.account(e.owner_id.as_ref(), o, &at)?;
            let region = p.region(None, o, &at)?;
            let service_name = need(p, &at, &e.service_name, "ServiceName")?.clone();
            let state_text = e.state.as_ref().map_or("available", |s| s.as_str()).to_ascii_lowercase();
            let state = [
                EndpointState::PendingAcceptance,
                EndpointState::Pending,
                EndpointState::Available,
                EndpointState::Rejected,
                EndpointState::Deleting,
                EndpointState::Deleted,
                EndpointState::Failed,
            ]
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(&state_text)).unwrap_or(EndpointState::Available);
            // `<id>-<suffix>.<service>`: the suffix is the DNS names' own.
            let suffix = e
                .dns_entries
                .iter()
                .find_map(|d| d.dns_name.as_deref()?.strip_prefix(&format!("{id}-"))?.split(['.', '-']).next().map(str::to_string))
                .unwrap_or_else(|| id.trim_start_matches("vpce-").chars().take(8).collect());
            let r = VpcEndpoint {
                id: id.clone(),
                owner: owner.clone(),
                region: region.clone(),
                vpc_id: need(p, &at, &e.vpc_id, "VpcId")?.clone(),
                endpoint_type: e.vpc_endpoint_type.as_ref().map_or("Interface", |t| t.as_str()).to_string(),
                service_id: by_name.get(&service_name).cloned(),
                service_name,
                state,
                subnet_ids: e.subnet_ids.clone(),
                network_interface_ids: e.network_interface_ids.clone(),
                security_group_ids: e.groups.iter().filter_map(|g| g.group_id.clone()).collect(),
                dns_suffix: suffix,
                private_dns_enabled: e.private_dns_enabled.unwrap_or(false),
                policy_document: e.policy_document.clone(),
                tags: tags(&e.tags),
                created_at: e.creation_timestamp.map_or(o.now, |t| t.0),
                route_table_ids: e.route_table_ids.clone(),
            };
            found.keep(p, &at, &id, &owner, &region, "VpcEndpoint", Resource::VpcEndpoint(r))?;
        }
    }
    Ok(())
}

fn load_balancers<'a>(found: &mut Found, o: &Options, get: &Get<'a>) -> Result<(), ImportError> {
    // The interface each load balancer placed in a subnet.
    let lb_enis: BTreeMap<(String, String), (String, std::net::Ipv4Addr)> = found
        .by_id
        .values()
        .filter_map(|(r, _)| match r {
            Resource::NetworkInterface(e) => Some(((e.description.clone(), e.subnet_id.clone()), (e.id.clone(), e.private_ip))),
            _ => None,
        })
        .filter(|((d, _), _)| d.starts_with("ELB "))
        .collect();
    for p in get("LoadBalancers") {
        let out: elbv2::DescribeLoadBalancersOutput = p.decode()?;
        for (i, l) in out.load_balancers.iter().enumerate() {
            let at = format!("LoadBalancers.{i}");
            let arn = need(p, &at, &l.load_balancer_arn, "LoadBalancerArn")?.clone();
            let owner = p.account(arn_account(&arn).as_ref(), o, &at)?;
            let region = p.region(None, o, &at)?;
            let name = need(p, &at, &l.load_balancer_name, "LoadBalancerName")?.clone();
            let lb_type = l.type_.as_ref().map_or("network", |t| t.as_str()).to_string();
            let lb_id = tail(&arn);
            let described = format!("ELB {}/{name}/{lb_id}", if lb_type == "network" { "net" } else { "app" });
            let mut zones = Vec::new();
            for (j, z) in l.availability_zones.iter().enumerate() {
                let at = format!("{at}.AvailabilityZones.{j}");
                let subnet = need(p, &at, &z.subnet_id, "SubnetId")?.clone();
                let zone_name = z.zone_name.clone().unwrap_or_default();
                let (eni_id, ip) = match lb_enis.get(&(described.clone(), subnet.clone())) {
                    Some((e, ip)) => (e.clone(), *ip),
                    None => match z.load_balancer_addresses.iter().find_map(|a| a.private_i_pv4_address.as_deref()) {
                        Some(ip) => (String::new(), addr(p, &at, ip)?),
                        None => return Err(p.err(at, format!("no network interface of {arn} in {subnet} (is NetworkInterfaces in the dump?)"))),
                    },
                };
                // The subnet's zone id (zone names map to ids per account).
                let zone_id = match found.by_id.get(&subnet) {
                    Some((Resource::Subnet(s), _)) => s.availability_zone_id.clone(),
                    _ => xvpc_model::region::zone_by_name(&owner, &region, &zone_name).map(|z| z.zone_id).unwrap_or_default(),
                };
                zones.push(LbZone { subnet_id: subnet, zone_name, zone_id, eni_id, private_ip: ip });
            }
            let r = LoadBalancer {
                id: arn.clone(),
                owner: owner.clone(),
                region: region.clone(),
                name,
                lb_id,
                lb_type,
                scheme: l.scheme.as_ref().map_or("internet-facing", |s| s.as_str()).to_string(),
                vpc_id: need(p, &at, &l.vpc_id, "VpcId")?.clone(),
                zones,
                security_groups: l.security_groups.clone(),
                ip_address_type: l.ip_address_type.as_ref().map_or("ipv4", |t| t.as_str()).to_string(),
                attributes: BTreeMap::new(),
                tags: Default::default(),
                // Its state (provisioning, then active) follows from its age.
                created_at: l.created_time.map_or(0, |t| t.0),
            };
            found.keep(p, &at, &arn, &owner, &region, "LoadBalancer", Resource::LoadBalancer(r))?;
        }
    }
    let mut targets: BTreeMap<String, Vec<Target>> = BTreeMap::new();
    for p in get("LoadBalancerTargetHealth") {
        for (arn, at, row) in rows(p, "LoadBalancerTargetHealth", "TargetGroupArn")? {
            let out: elbv2::DescribeTargetHealthOutput = item(p, row, &at)?;
            for (j, d) in out.target_health_descriptions.iter().enumerate() {
                let at = format!("{at}.TargetHealthDescriptions.{j}");
                let t = need(p, &at, &d.target, "Target")?;
                targets.entry(arn.clone()).or_default().push(Target {
                    id: t.id.clone(),
                    port: u16::try_from(t.port.unwrap_or(0)).map_err(|_| p.err(&at, "a port out of range"))?,
                    availability_zone: t.availability_zone.clone(),
                    // Health follows from the registration's age: one still
                    // registering stays so for AWS's registration time.
                    registered_at: match d.target_health.as_ref().and_then(|h| h.reason.as_ref()).map(|r| r.as_str()) {
                        Some("Elb.RegistrationInProgress") => o.now,
                        _ => 0,
                    },
                });
            }
        }
    }
    for p in get("TargetGroups") {
        let out: elbv2::DescribeTargetGroupsOutput = p.decode()?;
        for (i, t) in out.target_groups.iter().enumerate() {
            let at = format!("TargetGroups.{i}");
            let arn = need(p, &at, &t.target_group_arn, "TargetGroupArn")?.clone();
            let owner = p.account(arn_account(&arn).as_ref(), o, &at)?;
            let region = p.region(None, o, &at)?;
            let protocol = t.protocol.as_ref().map_or("TCP", |x| x.as_str()).to_string();
            let r = TargetGroup {
                id: arn.clone(),
                owner: owner.clone(),
                region: region.clone(),
                name: t.target_group_name.clone().unwrap_or_default(),
                port: u16::try_from(t.port.unwrap_or(0)).map_err(|_| p.err(&at, "a port out of range"))?,
                vpc_id: t.vpc_id.clone().unwrap_or_default(),
                target_type: t.target_type.as_ref().map_or("instance", |x| x.as_str()).to_string(),
                health_check: HealthCheck {
                    enabled: t.health_check_enabled.unwrap_or(true),
                    protocol: t.health_check_protocol.as_ref().map_or_else(|| protocol.clone(), |x| x.as_str().to_string()),
                    port: t.health_check_port.clone().unwrap_or_else(|| "traffic-port".into()),
                    path: t.health_check_path.clone(),
                    interval_seconds: i64::from(t.health_check_interval_seconds.unwrap_or(30)),
                    timeout_seconds: i64::from(t.health_check_timeout_seconds.unwrap_or(10)),
                    healthy_threshold: i64::from(t.healthy_threshold_count.unwrap_or(5)),
                    unhealthy_threshold: i64::from(t.unhealthy_threshold_count.unwrap_or(2)),
                    matcher: t.matcher.as_ref().and_then(|m| m.http_code.clone().or_else(|| m.grpc_code.clone())),
                },
                protocol,
                attributes: BTreeMap::new(),
                targets: targets.remove(&arn).unwrap_or_default(),
                tags: Default::default(),
                created_at: 0,
            };
            found.keep(p, &at, &arn, &owner, &region, "TargetGroup", Resource::TargetGroup(r))?;
        }
    }
    for p in get("LoadBalancerListeners") {
        for (lb, at, row) in rows(p, "LoadBalancerListeners", "LoadBalancerArn")? {
            let out: elbv2::DescribeListenersOutput = item(p, row, &at)?;
            for (j, l) in out.listeners.iter().enumerate() {
                let at = format!("{at}.Listeners.{j}");
                let arn = need(p, &at, &l.listener_arn, "ListenerArn")?.clone();
                let owner = p.account(arn_account(&arn).as_ref(), o, &at)?;
                let region = p.region(None, o, &at)?;
                let r = xvpc_model::listener::Listener {
                    id: arn.clone(),
                    owner: owner.clone(),
                    region: region.clone(),
                    load_balancer_arn: lb.clone(),
                    protocol: l.protocol.as_ref().map_or("TCP", |x| x.as_str()).to_string(),
                    port: u16::try_from(l.port.unwrap_or(0)).map_err(|_| p.err(&at, "a port out of range"))?,
                    default_actions: l
                        .default_actions
                        .iter()
                        .map(|a| xvpc_model::listener::Action {
                            action_type: a.type_.as_str().to_string(),
                            target_group_arn: a.target_group_arn.clone(),
                            forward: a
                                .forward_config
                                .as_ref()
                                .map(|f| f.target_groups.iter().filter_map(|t| Some((t.target_group_arn.clone()?, t.weight.map(i64::from)))).collect())
                                .unwrap_or_default(),
                            order: a.order.map(i64::from),
                        })
                        .collect(),
                    certificates: l.certificates.iter().filter_map(|c| c.certificate_arn.clone()).collect(),
                    ssl_policy: l.ssl_policy.clone(),
                    alpn_policy: l.alpn_policy.first().cloned(),
                    attributes: BTreeMap::new(),
                    tags: Default::default(),
                };
                found.keep(p, &at, &arn, &owner, &region, "Listener", Resource::Listener(r))?;
            }
        }
    }
    Ok(())
}

fn association_status(s: Option<&ram::ResourceShareAssociationStatus>) -> AssociationStatus {
    match s.map(|s| s.as_str()) {
        Some("ASSOCIATING") => AssociationStatus::Associating,
        Some("FAILED") => AssociationStatus::Failed,
        Some("DISASSOCIATING") | Some("DISASSOCIATED") => AssociationStatus::Disassociated,
        _ => AssociationStatus::Associated,
    }
}

fn shares<'a>(found: &mut Found, o: &Options, get: &Get<'a>) -> Result<(), ImportError> {
    let mut resources: BTreeMap<String, Vec<Association>> = BTreeMap::new();
    let mut principals: BTreeMap<String, Vec<Association>> = BTreeMap::new();
    for p in get("resourceShareAssociations") {
        let out: ram::GetResourceShareAssociationsResponse = p.decode()?;
        for (i, a) in out.resource_share_associations.iter().enumerate() {
            let at = format!("resourceShareAssociations.{i}");
            let share = need(p, &at, &a.resource_share_arn, "resourceShareArn")?.clone();
            let x = Association {
                entity: need(p, &at, &a.associated_entity, "associatedEntity")?.clone(),
                status: association_status(a.status.as_ref()),
                external: a.external.unwrap_or(false),
                message: a.status_message.clone(),
                created_at: a.creation_time.map_or(o.now, |t| t.0),
                updated_at: a.last_updated_time.map_or(o.now, |t| t.0),
            };
            let kind = a.association_type.as_ref().map_or("RESOURCE", |k| k.as_str());
            if kind == "PRINCIPAL" { &mut principals } else { &mut resources }.entry(share).or_default().push(x);
        }
    }
    for p in get("resourceShares") {
        let out: ram::GetResourceSharesResponse = p.decode()?;
        for (i, s) in out.resource_shares.iter().enumerate() {
            let at = format!("resourceShares.{i}");
            let arn = need(p, &at, &s.resource_share_arn, "resourceShareArn")?.clone();
            let owner = p.account(s.owning_account_id.as_ref(), o, &at)?;
            let region = p.region(None, o, &at)?;
            let r = ResourceShare {
                id: arn.clone(),
                owner: owner.clone(),
                region: region.clone(),
                name: s.name.clone().unwrap_or_default(),
                allow_external_principals: s.allow_external_principals.unwrap_or(true),
                status: if s.status.as_ref().map(|x| x.as_str()) == Some("DELETED") { ShareStatus::Deleted } else { ShareStatus::Active },
                tags: s.tags.iter().filter_map(|t| Some((t.key.clone()?, t.value.clone().unwrap_or_default()))).collect(),
                resources: resources.remove(&arn).unwrap_or_default(),
                principals: principals.remove(&arn).unwrap_or_default(),
                created_at: s.creation_time.map_or(o.now, |t| t.0),
                updated_at: s.last_updated_time.map_or(o.now, |t| t.0),
            };
            found.keep(p, &at, &arn, &owner, &region, "ResourceShare", Resource::ResourceShare(r))?;
        }
    }
    Ok(())
}
