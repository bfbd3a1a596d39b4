//! Which CloudFormation stack made a resource, for the operator tools:
//! `xvpc trace --from STACK/LogicalId`, `xvpc matrix --stack`, and the
//! console's and `xvpc diagram`'s grouping by stack.
//!
//! A stack's resources are its stored resource list (`model::stack`: every
//! logical id with its physical id and type, tagged or not), and besides
//! those, resources carrying the `aws:cloudformation:*` tags AWS puts on
//! what a stack creates: a dump of a real account (`xvpc import`) holds
//! the tags but not the stacks. A reference is resolved in the caller's
//! account and Region when they are known; otherwise the stack name must
//! be unique across them.

use std::collections::BTreeMap;
use std::fmt;

use crate::state::State;
use crate::tags::Tags;

/// AWS's tag naming the stack that created a resource.
pub const STACK_NAME_TAG: &str = "aws:cloudformation:stack-name";
/// AWS's tag holding the stack's id (ARN).
pub const STACK_ID_TAG: &str = "aws:cloudformation:stack-id";
/// AWS's tag holding the resource's logical id in its template.
pub const LOGICAL_ID_TAG: &str = "aws:cloudformation:logical-id";

/// One resource a stack made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub owner: String,
    pub region: String,
    pub stack_name: String,
    pub stack_id: String,
    pub logical_id: String,
    /// The id `Ref` gives (an ARN for ELBv2 resources).
    pub physical_id: String,
    /// What the resource is: its CloudFormation type (`AWS::EC2::VPC`)
    /// from a stack, else in words from the tags' table (`vpc`).
    pub kind: String,
}

impl Member {
    /// `STACK/LogicalId`, as the tools print it.
    pub fn reference(&self) -> String {
        format!("{}/{}", self.stack_name, self.logical_id)
    }
}

fn member(owner: &str, region: &str, id: &str, kind: &'static str, tags: &Tags) -> Option<Member> {
    Some(Member {
        owner: owner.to_string(),
        region: region.to_string(),
        stack_name: tags.get(STACK_NAME_TAG)?.clone(),
        stack_id: tags.get(STACK_ID_TAG).cloned().unwrap_or_default(),
        logical_id: tags.get(LOGICAL_ID_TAG)?.clone(),
        physical_id: id.to_string(),
        kind: kind.to_string(),
    })
}

/// Every resource of every stack, sorted by (owner, region, stack, logical id).
pub fn members(state: &State) -> Vec<Member> {
    let mut out: Vec<Member> = state
        .stacks
        .values()
        .filter(|s| s.live())
        .flat_map(|s| {
            // Built ones only: a resource that failed or is not created yet has no id.
            s.resources.iter().filter(|r| !r.physical_id.is_empty()).map(move |r| Member {
                owner: s.owner.clone(),
                region: s.region.clone(),
                stack_name: s.name.clone(),
                stack_id: s.id.clone(),
                logical_id: r.logical_id.clone(),
                physical_id: r.physical_id.clone(),
                kind: r.resource_type.clone(),
            })
        })
        .collect();
    let from_stacks: std::collections::BTreeSet<String> = out.iter().map(|m| m.physical_id.clone()).collect();
    let mut tagged = Vec::new();
    macro_rules! collect {
        ($($field:ident => $kind:literal),* $(,)?) => {$(
            for r in state.$field.values() {
                tagged.extend(member(&r.owner, &r.region, &r.id, $kind, &r.tags));
            }
        )*};
    }
    collect!(vpcs => "vpc", subnets => "subnet", route_tables => "route table", internet_gateways => "internet gateway",
        egress_only_internet_gateways => "egress-only internet gateway", addresses => "Elastic IP", nat_gateways => "NAT gateway",
        security_groups => "security group", network_acls => "network ACL", network_interfaces => "network interface",
        instances => "instance", load_balancers => "load balancer", target_groups => "target group", listeners => "listener",
        endpoint_services => "endpoint service", vpc_endpoints => "VPC endpoint", transit_gateways => "transit gateway",
        transit_gateway_route_tables => "transit gateway route table", resource_shares => "resource share",
        flow_logs => "flow log", log_groups => "log group", iam_roles => "IAM role");
    // Each side keeps its own tags on these: a stack tags its own view.
    for p in state.peering_connections.values() {
        for (viewer, tags) in &p.tags {
            let (owner, region) = viewer.split_once('/').unwrap_or((viewer.as_str(), p.region.as_str()));
            tagged.extend(member(owner, region, &p.id, "peering connection", tags));
        }
    }
    for a in state.transit_gateway_attachments.values() {
        for (owner, tags) in &a.tags {
            tagged.extend(member(owner, &a.region, &a.id, "transit gateway attachment", tags));
        }
    }
    // What a stored stack lists is known already (its tags say the same).
    out.extend(tagged.into_iter().filter(|m| !from_stacks.contains(&m.physical_id)));
    out.sort_by(|a, b| (&a.owner, &a.region, &a.stack_name, &a.logical_id).cmp(&(&b.owner, &b.region, &b.stack_name, &b.logical_id)));
    out
}

/// Physical id → the stack resource it is (the diagram's and console's
/// grouping). A resource both sides of a connection tag keeps the first.
pub fn by_physical_id(state: &State) -> BTreeMap<String, Member> {
    let mut m = BTreeMap::new();
    for x in members(state) {
        m.entry(x.physical_id.clone()).or_insert(x);
    }
    m
}

/// Splits `STACK/LogicalId`; `None` for anything else (ids, ARNs,
/// addresses, which contain no `/` or start with `arn:`).
pub fn parse_reference(s: &str) -> Option<(&str, &str)> {
    let s = s.trim();
    if s.starts_with("arn:") {
        return None;
    }
    let (stack, logical) = s.split_once('/')?;
    // A stack name starts with a letter (AWS's rule), so a CIDR is not one.
    let ok = stack.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && !logical.is_empty() && !logical.contains('/');
    ok.then_some((stack, logical))
}

/// Where a reference is looked up: the caller's account and Region, each
/// optional (then any).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub account: Option<String>,
    pub region: Option<String>,
}

impl Scope {
    /// Whether a resource of `owner` in `region` is in the scope.
    pub fn holds(&self, owner: &str, region: &str) -> bool {
        self.account.as_deref().is_none_or(|a| a == owner) && self.region.as_deref().is_none_or(|r| r == region)
    }

    /// " in account A, REGION", for messages.
    pub fn describe(&self) -> String {
        match (&self.account, &self.region) {
            (Some(a), Some(r)) => format!(" in account {a}, {r}"),
            (Some(a), None) => format!(" in account {a}"),
            (None, Some(r)) => format!(" in {r}"),
            (None, None) => String::new(),
        }
    }
}

/// Why a `STACK/LogicalId` reference names nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefError {
    /// No stack of that name in the scope.
    NoStack { stack: String, scope: String },
    /// Stacks of that name in several accounts or Regions.
    Ambiguous { stack: String, places: Vec<String> },
    /// The stack has no such logical id; its logical ids.
    NoResource { stack: String, logical_id: String, known: Vec<String> },
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // AWS's own words for an unknown stack, then where xvpc looked.
            RefError::NoStack { stack, scope } => write!(f, "Stack with id {stack} does not exist{scope}"),
            RefError::Ambiguous { stack, places } => {
                write!(f, "stack {stack} exists in {}: give --account and --region", places.join(" and "))
            }
            RefError::NoResource { stack, logical_id, known } => {
                write!(f, "Resource {logical_id} does not exist for stack {stack}")?;
                if !known.is_empty() {
                    write!(f, " (its resources: {})", known.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for RefError {}

/// The resource `stack/logical_id` names in `scope`.
pub fn resolve(state: &State, stack: &str, logical_id: &str, scope: &Scope) -> Result<Member, RefError> {
    let all: Vec<Member> = members(state).into_iter().filter(|m| m.stack_name == stack && scope.holds(&m.owner, &m.region)).collect();
    let mut places: Vec<String> = all.iter().map(|m| format!("{} {}", m.owner, m.region)).collect();
    places.dedup();
    match places.len() {
        0 => return Err(RefError::NoStack { stack: stack.into(), scope: scope.describe() }),
        1 => {}
        _ => return Err(RefError::Ambiguous { stack: stack.into(), places }),
    }
    if let Some(m) = all.iter().find(|m| m.logical_id == logical_id) {
        return Ok(m.clone());
    }
    let mut known: Vec<String> = all.into_iter().map(|m| m.logical_id).collect();
    known.dedup();
    Err(RefError::NoResource { stack: stack.into(), logical_id: logical_id.into(), known })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(stack: &str, logical: &str) -> Tags {
        [(STACK_NAME_TAG, stack), (STACK_ID_TAG, "arn:aws:cloudformation:us-east-1:111111111111:stack/s/1"), (LOGICAL_ID_TAG, logical)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn world() -> State {
        let mut s = crate::populated::world().state;
        let mut ch = crate::state::Changes::new();
        // Both A's (ids are random, so pick by owner).
        let mine = |owner: &str, region: &str| owner == crate::populated::A && region == "us-east-1";
        let mut a = s.vpcs.values().find(|v| mine(&v.owner, &v.region)).unwrap().clone();
        a.tags = tags("net", "Vpc");
        ch.put(a);
        let mut i = s.instances.values().find(|i| mine(&i.owner, &i.region)).unwrap().clone();
        i.tags = tags("net", "Web");
        ch.put(i);
        s.apply_all(ch);
        s
    }

    #[test]
    fn references_parse_only_stack_slash_logical_id() {
        assert_eq!(parse_reference("net/Web"), Some(("net", "Web")));
        assert_eq!(parse_reference("i-0123"), None);
        assert_eq!(parse_reference("10.0.0.0/24"), None);
        assert_eq!(parse_reference("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/net/x/1"), None);
        assert_eq!(parse_reference("net/"), None);
        assert_eq!(parse_reference("a/b/c"), None);
    }

    #[test]
    fn resolves_through_the_tags_in_scope_and_names_what_is_missing() {
        let s = world();
        let inst = s.instances.values().find(|i| i.tags.contains_key(LOGICAL_ID_TAG)).unwrap();
        let m = resolve(&s, "net", "Web", &Scope::default()).unwrap();
        assert_eq!((m.physical_id.as_str(), m.kind.as_str()), (inst.id.as_str(), "instance"));
        assert_eq!(m.reference(), "net/Web");
        let e = resolve(&s, "net", "Nope", &Scope::default()).unwrap_err();
        assert!(e.to_string().starts_with("Resource Nope does not exist for stack net (its resources: "), "{e}");
        assert_eq!(resolve(&s, "other", "Web", &Scope::default()).unwrap_err().to_string(), "Stack with id other does not exist");
        let elsewhere = Scope { account: Some("999999999999".into()), region: Some("eu-west-1".into()) };
        assert_eq!(
            resolve(&s, "net", "Web", &elsewhere).unwrap_err().to_string(),
            "Stack with id net does not exist in account 999999999999, eu-west-1"
        );
        assert_eq!(by_physical_id(&s).get(&inst.id).map(Member::reference).as_deref(), Some("net/Web"));
    }

    #[test]
    fn the_same_name_in_two_accounts_needs_a_scope() {
        let mut s = world();
        let mut other = s.instances.values().find(|i| i.tags.contains_key(LOGICAL_ID_TAG)).unwrap().clone();
        other.id = "i-0other".into();
        other.owner = "999999999999".into();
        let mut ch = crate::state::Changes::new();
        ch.put(other.clone());
        s.apply_all(ch);
        let e = resolve(&s, "net", "Web", &Scope::default()).unwrap_err();
        assert!(matches!(e, RefError::Ambiguous { .. }), "{e}");
        let mine = Scope { account: Some("999999999999".into()), region: None };
        assert_eq!(resolve(&s, "net", "Web", &mine).unwrap().physical_id, "i-0other");
    }

    fn stored(name: &str, status: &str, resources: serde_json::Value) -> crate::stack::Stack {
        serde_json::from_value(serde_json::json!({
            "id": format!("arn:aws:cloudformation:us-east-1:111111111111:stack/{name}/{status}"), "owner": "111111111111",
            "region": "us-east-1", "name": name, "status": status, "template_body": "{}", "tags": {}, "created_ms": 1,
            "resources": resources,
        }))
        .unwrap()
    }

    #[test]
    fn a_stored_stack_lists_its_resources_with_their_types_tagged_or_not() {
        let mut s = world();
        let inst = s.instances.values().find(|i| i.tags.get(LOGICAL_ID_TAG).is_some()).unwrap().id.clone();
        let res = |logical: &str, ty: &str, id: &str| serde_json::json!({"logical_id": logical, "resource_type": ty, "physical_id": id, "status": "CREATE_COMPLETE", "updated_ms": 1});
        let live = stored("net", "CREATE_COMPLETE", serde_json::json!([
            res("Web", "AWS::EC2::Instance", &inst), res("Route", "AWS::EC2::Route", "rtb-1|0.0.0.0/0"), res("Pending", "AWS::EC2::Subnet", ""),
        ]));
        let gone = stored("old", crate::stack::DELETE_COMPLETE, serde_json::json!([res("Web", "AWS::EC2::Instance", &inst)]));
        let mut ch = crate::state::Changes::new();
        ch.put(live);
        ch.put(gone);
        s.apply_all(ch);
        let web = resolve(&s, "net", "Web", &Scope::default()).unwrap();
        assert_eq!((web.physical_id.as_str(), web.kind.as_str()), (inst.as_str(), "AWS::EC2::Instance"));
        // An untagged resource is known through the stack; the stack's
        // resources and the tags' are one list, each logical id once.
        assert_eq!(resolve(&s, "net", "Route", &Scope::default()).unwrap().kind, "AWS::EC2::Route");
        let net: Vec<String> = members(&s).into_iter().filter(|m| m.stack_name == "net").map(|m| m.logical_id).collect();
        assert_eq!(net.iter().filter(|l| *l == "Web").count(), 1);
        assert!(!net.contains(&"Pending".to_string()), "not built: no id to name");
        assert!(resolve(&s, "old", "Web", &Scope::default()).is_err(), "a deleted stack names nothing");
    }
}
