//! `xvpc import`: describe-call output (Batfish's layouts or any tree of AWS
//! CLI output) into ordinary state, in one atomic command. A file is
//! recognised by its top-level key, decoded by the generated shapes (so a
//! malformed file is refused with its JSON path), and each item becomes the
//! model's resource with its real id, owner, Region, zone and state. Kinds
//! xvpc does not model are counted as skipped, by name.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use xvpc_model::{Changes, Resource, State};
use xvpc_wire::json_shape::FromJson;

use super::{links, services, vpc_core};

/// One input file: where it came from, the account and Region its layout
/// names (if any), and its JSON.
#[derive(Debug, Clone)]
pub struct DumpFile {
    pub path: String,
    pub account: Option<String>,
    pub region: Option<String>,
    pub json: Value,
}

/// Why a dump was refused: the file, the JSON path inside it, and what is
/// wrong. Nothing was imported.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    pub file: String,
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.file, if self.path.is_empty() { "$" } else { &self.path }, self.message)
    }
}

/// Per account, Region and kind: how many items were imported and how many
/// skipped (xvpc does not model the kind).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Summary {
    pub rows: BTreeMap<(String, String, String), (usize, usize)>,
}

impl Summary {
    pub(super) fn add(&mut self, account: &str, region: &str, kind: &str, imported: usize, skipped: usize) {
        let e = self.rows.entry((account.to_string(), region.to_string(), kind.to_string())).or_default();
        e.0 += imported;
        e.1 += skipped;
    }

    /// Anything skipped?
    pub fn skipped(&self) -> usize {
        self.rows.values().map(|r| r.1).sum()
    }

    /// As JSON rows for the CLI: `[{account, region, kind, imported, skipped}]`.
    pub fn to_json(&self) -> Value {
        Value::Array(
            self.rows
                .iter()
                .map(|((a, r, k), (i, s))| serde_json::json!({ "account": a, "region": r, "kind": k, "imported": i, "skipped": s }))
                .collect(),
        )
    }
}

/// Top-level keys of describe output xvpc reads, and the kinds it reads
/// from each (the file's name does not matter).
pub const READ: &[&str] = &[
    "Vpcs",
    "Subnets",
    "RouteTables",
    "InternetGateways",
    "SecurityGroups",
    "SecurityGroupRules",
    "NetworkAcls",
    "NetworkInterfaces",
    "Reservations",
    "Addresses",
    "NatGateways",
    "DhcpOptions",
    "VpcPeeringConnections",
    "TransitGateways",
    "TransitGatewayAttachments",
    "TransitGatewayVpcAttachments",
    "TransitGatewayRouteTables",
    "TransitGatewayStaticRoutes",
    "TransitGatewayAssociations",
    "TransitGatewayPropagations",
    "EgressOnlyInternetGateways",
    "PrefixLists",
    "PrefixListEntries",
    "ServiceConfigurations",
    "VpcEndpointServicePermissions",
    "VpcEndpoints",
    "LoadBalancers",
    "TargetGroups",
    "LoadBalancerTargetHealth",
    "LoadBalancerListeners",
    "resourceShares",
    "resourceShareAssociations",
];

/// Top-level keys of describe output for kinds xvpc does not import: their
/// items are counted as skipped under the kind's name.
pub const SKIPPED: &[(&str, &str)] = &[
    ("AvailabilityZones", "AvailabilityZone"),
    ("CarrierGateways", "CarrierGateway"),
    ("ClientVpnEndpoints", "ClientVpnEndpoint"),
    ("CustomerGateways", "CustomerGateway"),
    ("DBInstances", "RdsInstance"),
    ("DomainStatusList", "ElasticsearchDomain"),
    ("FlowLogs", "FlowLog"),
    ("Images", "Image"),
    ("KeyPairs", "KeyPair"),
    ("LaunchTemplates", "LaunchTemplate"),
    ("LoadBalancerDescriptions", "ClassicLoadBalancer"),
    ("LocalGatewayRouteTables", "LocalGatewayRouteTable"),
    ("NetworkInsightsAnalyses", "NetworkInsightsAnalysis"),
    ("NetworkInsightsPaths", "NetworkInsightsPath"),
    ("Regions", "Region"),
    ("ServiceDetails", "VpcEndpointServiceDetail"),
    ("Tags", "Tag"),
    ("TrafficMirrorSessions", "TrafficMirrorSession"),
    ("TransitGatewayConnectPeers", "TransitGatewayConnectPeer"),
    ("TransitGatewayConnects", "TransitGatewayConnect"),
    ("TransitGatewayMulticastDomains", "TransitGatewayMulticastDomain"),
    ("TransitGatewayPeeringAttachments", "TransitGatewayPeeringAttachment"),
    ("VpcEndpointConnections", "VpcEndpointConnection"),
    ("Volumes", "Volume"),
    ("VpnConnections", "VpnConnection"),
    ("VpnGateways", "VpnGateway"),
    ("directConnectGateways", "DirectConnectGateway"),
    ("virtualInterfaces", "DirectConnectVirtualInterface"),
];

/// A file's items under one key, with where they came from.
pub(super) struct Part<'a> {
    pub file: &'a DumpFile,
}

impl Part<'_> {
    pub fn err(&self, path: impl Into<String>, message: impl Into<String>) -> ImportError {
        ImportError { file: self.file.path.clone(), path: path.into(), message: message.into() }
    }

    /// Decodes the whole file as the output shape `T` (the JSON path of the
    /// first bad value in the error).
    pub fn decode<T: FromJson>(&self) -> Result<T, ImportError> {
        T::from_json(&self.file.json, "").map_err(|e| {
            let (path, msg) = decode_parts(&e);
            self.err(path, msg)
        })
    }

    /// The account of an item: its own owner id, else the layout's, else `--account`.
    pub fn account(&self, owner: Option<&String>, ctx: &Options, at: &str) -> Result<String, ImportError> {
        owner
            .cloned()
            .or_else(|| self.file.account.clone())
            .or_else(|| ctx.account.clone())
            .ok_or_else(|| self.err(at, "no account: the item has no OwnerId and neither the layout nor --account names one"))
    }

    /// The Region of the file: the layout's, else `--region`, else the zone
    /// an item names.
    pub fn region(&self, zone: Option<&str>, ctx: &Options, at: &str) -> Result<String, ImportError> {
        self.file
            .region
            .clone()
            .or_else(|| ctx.region.clone())
            .or_else(|| zone.and_then(region_of_zone))
            .ok_or_else(|| self.err(at, "no Region: neither the layout, --region nor a zone in the item names one"))
    }
}

/// `us-east-1a` -> `us-east-1` (a zone id such as `use1-az1` names none).
fn region_of_zone(zone: &str) -> Option<String> {
    let r = zone.trim_end_matches(|c: char| c.is_ascii_lowercase());
    xvpc_model::region::region(r).map(|_| r.to_string())
}

fn decode_parts(e: &xvpc_wire::shape::DecodeError) -> (String, String) {
    use xvpc_wire::shape::DecodeError as D;
    match e {
        D::Missing(k) => (k.clone(), "a required member is missing".into()),
        D::BadValue { key, value, expected } => (key.clone(), format!("{value} is not {expected}")),
        D::BadEnum { key, value, .. } => (key.clone(), format!("{value} is not a value AWS lists")),
        other => (String::new(), format!("{other:?}")),
    }
}

/// `--account`/`--region` for plain CLI trees without them in the layout.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub account: Option<String>,
    pub region: Option<String>,
    /// Stamped on what the dump does not say (creation times).
    pub now: i64,
}

/// Resources read so far, by id, with the file each came from (ids must be
/// unique; one id seen from two accounts is one resource, its owner's view
/// wins).
#[derive(Default)]
pub(super) struct Found {
    pub by_id: BTreeMap<String, (Resource, String)>,
    pub summary: Summary,
}

impl Found {
    /// Records a resource; `viewer` is the account whose file listed it.
    pub fn put(&mut self, part: &Part, at: &str, id: &str, owner: &str, viewer: Option<&str>, r: Resource) -> Result<bool, ImportError> {
        if let Some((_, first)) = self.by_id.get(id) {
            if first == &part.file.path {
                return Err(part.err(at, format!("duplicate id {id}")));
            }
            // Listed again from another account's view: keep the owner's.
            if viewer.is_some_and(|v| v != owner) {
                return Ok(false);
            }
        }
        self.by_id.insert(id.to_string(), (r, part.file.path.clone()));
        Ok(true)
    }

    /// [`put`](Found::put) as seen by the file's account, counted in the summary.
    pub fn keep(&mut self, part: &Part, at: &str, id: &str, owner: &str, region: &str, kind: &str, r: Resource) -> Result<(), ImportError> {
        if self.put(part, at, id, owner, part.file.account.as_deref(), r)? {
            self.summary.add(owner, region, kind, 1, 0);
        }
        Ok(())
    }
}

/// Reads every file into the changes that create its resources, and the
/// summary. Refuses the whole dump on the first malformed file.
pub fn plan(state: &State, files: &[DumpFile], opts: &Options) -> Result<(Changes, Summary), ImportError> {
    let mut parts: BTreeMap<&'static str, Vec<Part>> = BTreeMap::new();
    let mut found = Found::default();
    let mut skipped = Vec::new();
    for f in files {
        let Value::Object(o) = &f.json else {
            return Err(ImportError { file: f.path.clone(), path: String::new(), message: "not a JSON object (describe output is one)".into() });
        };
        let key = o.keys().find_map(|k| READ.iter().find(|r| **r == k).copied());
        match key {
            Some(k) => parts.entry(k).or_default().push(Part { file: f }),
            None => {
                let Some((k, kind)) = o.keys().find_map(|k| SKIPPED.iter().find(|s| s.0 == k)) else {
                    let keys: Vec<&str> = o.keys().map(String::as_str).collect();
                    return Err(ImportError {
                        file: f.path.clone(),
                        path: String::new(),
                        message: format!("top-level key {keys:?} is not the output of a describe call xvpc reads"),
                    });
                };
                skipped.push((f, *kind, o[*k].as_array().map_or(0, Vec::len)));
            }
        }
    }
    let opts = &Options { account: opts.account.clone().or_else(|| dump_account(&parts)), ..opts.clone() };
    for (f, kind, n) in skipped {
        let account = f.account.clone().or_else(|| opts.account.clone()).unwrap_or_else(|| "?".into());
        let region = f.region.clone().or_else(|| opts.region.clone()).unwrap_or_else(|| "?".into());
        found.summary.add(&account, &region, kind, 0, n);
    }
    let get = |k: &str| parts.get(k).map(Vec::as_slice).unwrap_or(&[]);
    vpc_core::read(&mut found, opts, &get)?;
    links::read(&mut found, opts, &get)?;
    services::read(&mut found, opts, &get)?;
    check_references(state, &found)?;
    let mut ch = Changes::new();
    let mut places = BTreeSet::new();
    for (r, _) in found.by_id.into_values() {
        if let Some(p) = owner_region(&r) {
            places.insert(p);
        }
        ch.put(r);
    }
    // The dump says which default VPCs exist: none is made on top.
    for (account, region) in places {
        let id = format!("{account}/{region}");
        let dhcp_options_id = state.account_regions.get(&id).and_then(|a| a.dhcp_options_id.clone());
        ch.put(xvpc_model::default_vpc::AccountRegion { id, owner: account, region, dhcp_options_id, imported: true });
    }
    Ok((ch, found.summary))
}

/// The one account a dump without accounts in its layout belongs to
/// (Batfish's single-account `aws_configs/<region>/`, or a plain CLI tree),
/// read from what only an account's own describe calls list: its
/// instances' reservations and its security groups. Several accounts (or
/// none) name none: the items without an owner then need `--account`.
fn dump_account(parts: &BTreeMap<&'static str, Vec<Part>>) -> Option<String> {
    use xvpc_wire::shapes::ec2 as shape;
    let own = |k: &str| parts.get(k).into_iter().flatten().filter(|p| p.file.account.is_none());
    let mut accounts = BTreeSet::new();
    for p in own("Reservations") {
        if let Ok(out) = p.decode::<shape::DescribeInstancesResult>() {
            accounts.extend(out.reservations.into_iter().filter_map(|r| r.owner_id));
        }
    }
    for p in own("SecurityGroups") {
        if let Ok(out) = p.decode::<shape::DescribeSecurityGroupsResult>() {
            accounts.extend(out.security_groups.into_iter().filter_map(|g| g.owner_id));
        }
    }
    let mut it = accounts.into_iter();
    match (it.next(), it.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

fn owner_region(r: &Resource) -> Option<(String, String)> {
    Some(match r {
        Resource::Vpc(x) => (x.owner.clone(), x.region.clone()),
        Resource::TransitGateway(x) => (x.owner.clone(), x.region.clone()),
        _ => return None,
    })
}

/// A resource inside a VPC must find its VPC (and an interface its subnet)
/// in the dump or the state: a dump that names a VPC it does not hold for
/// the owner's own resources is inconsistent. References across accounts
/// (peer VPCs, other accounts' groups, gateways) may point outside it.
fn check_references(state: &State, found: &Found) -> Result<(), ImportError> {
    let has = |id: &str| found.by_id.contains_key(id);
    let vpc_ok = |id: &str| has(id) || state.vpcs.get(id).is_some();
    let subnet_ok = |id: &str| has(id) || state.subnets.get(id).is_some();
    for (id, (r, file)) in &found.by_id {
        let (needs_vpc, needs_subnet) = match r {
            Resource::Subnet(x) => (Some(&x.vpc_id), None),
            Resource::RouteTable(x) => (Some(&x.vpc_id), None),
            Resource::SecurityGroup(x) => (Some(&x.vpc_id), None),
            Resource::NetworkAcl(x) => (Some(&x.vpc_id), None),
            Resource::NetworkInterface(x) => (Some(&x.vpc_id), Some(&x.subnet_id)),
            Resource::Instance(x) => (Some(&x.vpc_id), Some(&x.subnet_id)),
            Resource::NatGateway(x) => (Some(&x.vpc_id), Some(&x.subnet_id)),
            _ => (None, None),
        };
        if let Some(v) = needs_vpc.filter(|v| !vpc_ok(v)) {
            return Err(ImportError { file: file.clone(), path: id.clone(), message: format!("{id} names VPC {v}, which is neither in the dump nor in the state") });
        }
        if let Some(s) = needs_subnet.filter(|s| !subnet_ok(s)) {
            return Err(ImportError { file: file.clone(), path: id.clone(), message: format!("{id} names subnet {s}, which is neither in the dump nor in the state") });
        }
    }
    Ok(())
}
