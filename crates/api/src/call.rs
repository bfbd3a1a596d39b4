//! One request in flight: who calls, where, the locked world, and commit.

use std::sync::MutexGuard;

use xvpc_model::{Changes, Ctx, State};
use xvpc_store::Origin;
use xvpc_wire::envelope;
use xvpc_wire::sigv4;
use xvpc_wire::shapes;
use xvpc_wire::{ApiError, HttpRequest, HttpResponse, Operation, QueryParams};

use crate::errors::{Error, Result};
use crate::identity::Caller;
use crate::{App, World};

/// An ec2Query or awsQuery table entry: returns the XML inside the result
/// element. Handlers are written typed and registered with
/// [`typed!`](crate::typed), whose glue has this signature.
pub type QueryHandler = fn(&mut Call, &QueryParams) -> Result<String>;

/// A service's query actions: the union of its families' `(Action, handler)`
/// tables, merged once. An action listed twice is a programming error that
/// would silently shadow one handler, so building the table refuses it.
pub struct ActionTable {
    by_name: std::collections::HashMap<&'static str, QueryHandler>,
}

impl ActionTable {
    /// Merges the families' tables of [`typed!`](crate::typed) entries.
    /// Panics on an action listed twice (caught by each service's table
    /// test, never at run time).
    pub fn new(families: &[&'static [(&'static str, QueryHandler)]]) -> ActionTable {
        let mut by_name = std::collections::HashMap::new();
        for &(name, run) in families.iter().flat_map(|f| f.iter()) {
            assert!(by_name.insert(name, run).is_none(), "action {name} is listed twice");
        }
        ActionTable { by_name }
    }

    /// The handler of an action, if the service implements it.
    pub fn get(&self, action: &str) -> Option<QueryHandler> {
        self.by_name.get(action).copied()
    }

    /// Every implemented action, sorted.
    pub fn names(&self) -> Vec<&'static str> {
        let mut v: Vec<_> = self.by_name.keys().copied().collect();
        v.sort_unstable();
        v
    }
}

/// A typed ec2Query/awsQuery handler as a table entry:
/// `typed!(ops::CreateVpc, create_vpc)` where
/// `fn create_vpc(&mut Call, CreateVpcRequest) -> Result<CreateVpcResult>`.
/// The entry decodes the input (answering the protocol's errors before the
/// handler runs), calls the handler and serializes its output.
#[macro_export]
macro_rules! typed {
    ($op:ty, $handler:path) => {
        (<$op as xvpc_wire::Operation>::NAME, {
            fn run(call: &mut $crate::call::Call, params: &xvpc_wire::QueryParams) -> $crate::errors::Result<String> {
                $crate::call::run_typed::<$op>(call, params, $handler)
            }
            run as $crate::call::QueryHandler
        })
    };
}

/// What [`typed!`] entries run: decode, handle, serialize.
pub fn run_typed<O: Operation>(call: &mut Call, params: &QueryParams, handler: fn(&mut Call, O::Input) -> Result<O::Output>) -> Result<String>
where
    O::Input: xvpc_wire::query_input::FromQuery,
    O::Output: xvpc_wire::xml_output::XmlMembers,
{
    let input = xvpc_wire::query_input::decode::<O>(params)?;
    let output = handler(call, input)?;
    Ok(xvpc_wire::xml_output::body(&output))
}

/// A typed restJson1 entry's glue (made by [`typed_json!`](crate::typed_json)):
/// decodes the body and query string itself.
pub type TypedJsonHandler = fn(&mut Call, &serde_json::Value, &QueryParams) -> Result<serde_json::Value>;

/// A typed restJson1 handler as a RAM table entry `(path, operation, glue)`:
/// `typed_json!(ops::GetPermission, get_permission)`.
#[macro_export]
macro_rules! typed_json {
    ($op:ty, $handler:path) => {
        (<$op as xvpc_wire::Operation>::HTTP.1, <$op as xvpc_wire::Operation>::NAME, {
            fn run(call: &mut $crate::call::Call, body: &serde_json::Value, query: &xvpc_wire::QueryParams) -> $crate::errors::Result<serde_json::Value> {
                $crate::call::run_typed_json::<$op>(call, body, query, $handler)
            }
            run as $crate::call::TypedJsonHandler
        })
    };
}

/// What [`typed_json!`] entries run: decode, handle, serialize.
pub fn run_typed_json<O: Operation>(
    call: &mut Call,
    body: &serde_json::Value,
    query: &QueryParams,
    handler: fn(&mut Call, O::Input) -> Result<O::Output>,
) -> Result<serde_json::Value>
where
    O::Input: xvpc_wire::json_shape::FromRest,
    O::Output: xvpc_wire::json_shape::ToJson,
{
    let input = xvpc_wire::json_shape::decode::<O>(body, query)?;
    Ok(xvpc_wire::json_shape::ToJson::to_json(&handler(call, input)?))
}

/// The services xvpc routes, named as in SigV4 credential scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Ec2,
    Elbv2,
    Sts,
    Ram,
    Iam,
    /// CloudWatch Logs (awsJson1.1).
    Logs,
    /// Systems Manager Parameter Store (awsJson1.1).
    Ssm,
    /// AWS Organizations (awsJson1.1, global).
    Organizations,
    Rds,
    ElastiCache,
    Redshift,
    CloudFormation,
}

impl Service {
    /// The service a SigV4 credential scope names.
    pub fn from_scope(name: &str) -> Option<Service> {
        SERVICES.iter().find(|(scope, _)| *scope == name).map(|(_, s)| *s)
    }

    /// The service an unsigned ec2Query/awsQuery request names by its
    /// `Version`; any other version is EC2's, as the CLI's default service.
    fn from_api_version(version: &str) -> Service {
        match version {
            v if v == shapes::elbv2::API_VERSION => Service::Elbv2,
            v if v == shapes::sts::API_VERSION => Service::Sts,
            v if v == shapes::iam::API_VERSION => Service::Iam,
            v if v == shapes::rds::API_VERSION => Service::Rds,
            v if v == shapes::elasticache::API_VERSION => Service::ElastiCache,
            v if v == shapes::redshift::API_VERSION => Service::Redshift,
            v if v == shapes::cloudformation::API_VERSION => Service::CloudFormation,
            _ => Service::Ec2,
        }
    }

    /// The XML namespace of an awsQuery service.
    fn namespace(self) -> &'static str {
        match self {
            Service::Elbv2 => shapes::elbv2::XML_NAMESPACE,
            Service::Sts => shapes::sts::XML_NAMESPACE,
            Service::Rds => shapes::rds::XML_NAMESPACE,
            Service::ElastiCache => shapes::elasticache::XML_NAMESPACE,
            Service::Redshift => shapes::redshift::XML_NAMESPACE,
            Service::Iam => shapes::iam::XML_NAMESPACE,
            Service::CloudFormation => shapes::cloudformation::XML_NAMESPACE,
            Service::Ec2 => envelope::EC2_NS,
            Service::Ram | Service::Logs | Service::Ssm | Service::Organizations => "",
        }
    }
}

/// Every service xvpc routes, by the name its SigV4 credential scope
/// carries: the one list routing and `GET /_xvpc/health` read.
pub const SERVICES: &[(&str, Service)] = &[
    ("ec2", Service::Ec2),
    ("elasticloadbalancing", Service::Elbv2),
    ("sts", Service::Sts),
    ("ram", Service::Ram),
    ("iam", Service::Iam),
    ("logs", Service::Logs),
    ("ssm", Service::Ssm),
    ("organizations", Service::Organizations),
    ("rds", Service::Rds),
    ("elasticache", Service::ElastiCache),
    ("redshift", Service::Redshift),
    ("cloudformation", Service::CloudFormation),
];

/// A request being handled.
pub struct Call<'a> {
    pub app: &'a App,
    world: MutexGuard<'a, World>,
    pub ctx: Ctx,
    pub caller: Caller,
    pub action: String,
    pub request_id: String,
    /// `DryRun=true`: validate everything, change nothing.
    pub dry_run: bool,
    committed: bool,
}

impl<'a> Call<'a> {
    /// The current state (including changes this call committed).
    pub fn state(&self) -> &State {
        &self.world.state
    }

    /// Persists a command's events, then applies them. With `DryRun` the
    /// command has been validated; answer `DryRunOperation` instead.
    pub fn commit(&mut self, changes: Changes) -> Result<()> {
        if self.dry_run {
            return Err(dry_run_ok());
        }
        if changes.is_empty() {
            return Ok(());
        }
        let origin = Origin {
            account: self.ctx.account.clone(),
            region: self.ctx.region.clone(),
            action: self.action.clone(),
            at: self.ctx.now,
        };
        // Refused with `Behind` if another replica logged first: the
        // request is then run again on the newer state (replica::attempt).
        let w = &mut *self.world;
        let seq = w.store.append(w.seq, &origin, &changes.events)?;
        for e in changes.events {
            self.world.state.apply(e);
        }
        self.world.seq = seq;
        self.committed = true;
        Ok(())
    }
}

impl Call<'_> {
    /// Writes a server setting (STS sessions) to the store's meta area.
    pub fn put_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.world.store.set_meta(key, value)?;
        Ok(())
    }
}

/// AWS's answer to a dry run that would have succeeded (HTTP 412).
pub fn dry_run_ok() -> Error {
    Error::Api(ApiError::client("DryRunOperation", "Request would have succeeded, but DryRun flag is set.").with_status(412))
}

/// Where a request goes, read from its signature (or guessed for unsigned
/// requests when signatures are not verified).
struct Route {
    service: Service,
    region: String,
    caller: Caller,
}

fn route(app: &App, req: &HttpRequest, params: &QueryParams) -> std::result::Result<Route, ApiError> {
    let auth_header = req.header("authorization").map(str::to_string);
    let auth = match auth_header {
        Some(h) => Some(sigv4::parse_authorization(&h).map_err(|e| ApiError::client("IncompleteSignature", e.to_string()))?),
        None => None,
    };
    match auth {
        Some(auth) => {
            let service = Service::from_scope(&auth.service).ok_or_else(|| {
                ApiError::client("InvalidAction", format!("The service '{}' is not offered by this endpoint", auth.service))
            })?;
            let token = req.header("x-amz-security-token").or_else(|| params.get("X-Amz-Security-Token"));
            let caller = crate::access_keys::resolve(app, &auth.access_key, token).map_err(|_| unknown_key(service))?;
            if app.config.verify_signatures {
                match sigv4::verify(req, &auth, &caller.secret) {
                    Ok(()) => {}
                    Err(sigv4::VerifyError::MissingHeader(h)) => {
                        return Err(ApiError::client("IncompleteSignature", format!("Authorization header requires existence of the header '{h}'")).with_status(403));
                    }
                    Err(sigv4::VerifyError::Mismatch) => {
                        let code = if service == Service::Ec2 { "AuthFailure" } else { "SignatureDoesNotMatch" };
                        return Err(ApiError::client(code, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.").with_status(if service == Service::Ec2 { 401 } else { 403 }));
                    }
                }
            }
            Ok(Route { service, region: auth.region, caller })
        }
        None => {
            if app.config.verify_signatures {
                return Err(ApiError::client("MissingAuthenticationToken", "The request must contain either a valid (registered) AWS access key ID or X.509 certificate.").with_status(403));
            }
            let service = match params.version() {
                Some(v) => Service::from_api_version(v),
                None if req.header("x-amz-target").is_some_and(|t| t.starts_with(crate::logs::TARGET_PREFIX)) => Service::Logs,
                None if req.header("x-amz-target").is_some_and(|t| t.starts_with(crate::ssm::TARGET_PREFIX)) => Service::Ssm,
                None if req.header("x-amz-target").is_some_and(|t| t.starts_with(crate::organizations::TARGET_PREFIX)) => Service::Organizations,
                None if req.path.len() > 1 => Service::Ram,
                None => Service::Ec2,
            };
            let caller = app.config.identity.caller(&app.config.identity.default_account);
            Ok(Route { service, region: "us-east-1".into(), caller })
        }
    }
}

/// AWS's answer to an access key it does not know or that is inactive:
/// EC2 `AuthFailure` (401), the JSON services `UnrecognizedClientException`,
/// the other query services `InvalidClientTokenId` (403).
fn unknown_key(service: Service) -> ApiError {
    match service {
        Service::Ec2 => ApiError::client("AuthFailure", "AWS was not able to validate the provided access credentials").with_status(401),
        Service::Ram | Service::Logs | Service::Ssm => {
            ApiError::client("UnrecognizedClientException", "The security token included in the request is invalid.").with_status(403)
        }
        _ => ApiError::client("InvalidClientTokenId", "The security token included in the request is invalid.").with_status(403),
    }
}

/// Decodes, routes, runs and encodes one API request.
pub fn dispatch(app: &App, req: HttpRequest, request_id: &str) -> HttpResponse {
    // restJson1 (RAM) has a path per operation; awsJson1.1 (Logs) names
    // the operation in X-Amz-Target.
    let target = req.header("x-amz-target").map(str::to_string);
    let is_json = (req.path.len() > 1 || target.is_some()) && req.header("content-type").is_some_and(|c| c.contains("json"));
    let params = if is_json { QueryParams::default() } else { QueryParams::parse(&req.query, &req.body) };
    let route = match route(app, &req, &params) {
        Ok(r) => r,
        Err(e) => {
            return match params.version().map(Service::from_api_version) {
                Some(s @ (Service::Elbv2 | Service::Sts | Service::Iam | Service::Rds | Service::ElastiCache | Service::Redshift | Service::CloudFormation)) => {
                    envelope::query_error(&e, s.namespace(), request_id)
                }
                _ if is_json => envelope::json_error(&e, request_id),
                _ => envelope::ec2_error(&e, request_id),
            }
        }
    };
    if xvpc_model::region::region(&route.region).is_none() {
        let e = ApiError::client("InvalidClientTokenId", format!("The security token included in the request is invalid: unknown region '{}'", route.region)).with_status(403);
        return match route.service {
            Service::Ec2 => envelope::ec2_error(&e, request_id),
            Service::Ram | Service::Logs | Service::Ssm | Service::Organizations => envelope::json_error(&e, request_id),
            s => envelope::query_error(&e, s.namespace(), request_id),
        };
    }
    match route.service {
        Service::Ram => run_json(app, route, &req, request_id),
        Service::Logs | Service::Ssm | Service::Organizations => run_json11(app, route, &req, target.as_deref().unwrap_or(""), request_id),
        service => run_query(app, service, route, &params, request_id),
    }
}

fn new_call<'a>(app: &'a App, route: &Route, action: &str, request_id: &str) -> Call<'a> {
    let now = app.clock.now();
    Call {
        app,
        world: app.world(),
        ctx: Ctx { account: route.caller.account.clone(), region: route.region.clone(), now },
        caller: route.caller.clone(),
        action: action.to_string(),
        request_id: request_id.to_string(),
        dry_run: false,
        committed: false,
    }
}

/// A call the server makes itself as `account` in `region` (`xvpc export`
/// runs the describe handlers this way): no request, no signature, and no
/// default VPC made on the way.
pub(crate) fn internal_call<'a>(app: &'a App, account: &str, region: &str, action: &str) -> Call<'a> {
    let route = Route { service: Service::Ec2, region: region.to_string(), caller: app.config.identity.caller(account) };
    new_call(app, &route, action, "internal")
}

/// What AWS gives an account in a Region before it ever calls there (its
/// default DHCP set and default VPC), made on its first request there that
/// reads or writes EC2 state, so that request already sees them. STS and
/// IAM requests touch no EC2 state.
fn first_call_in_region(call: &mut Call, service: Service) -> Result<()> {
    if matches!(service, Service::Sts | Service::Iam) {
        return Ok(());
    }
    let ch = xvpc_model::default_vpc::first_call_changes(call.state(), &call.ctx, !call.app.config.no_default_vpc);
    call.commit(ch)
}

fn finish(call: Call<'_>) {
    if call.committed {
        call.app.notify(&call.world.state);
    }
}

/// The one place that says which query actions exist: anything else is
/// `InvalidAction` (EC2, ELBv2, STS alike).
fn query_action(service: Service, action: &str) -> Option<QueryHandler> {
    match service {
        Service::Ec2 => crate::ec2::actions().get(action),
        Service::Sts => crate::sts::actions().get(action),
        Service::Elbv2 => crate::elbv2::actions().get(action),
        Service::Rds => crate::rds::actions().get(action),
        Service::ElastiCache => crate::elasticache::actions().get(action),
        Service::Redshift => crate::redshift::actions().get(action),
        Service::Iam => crate::iam::actions().get(action),
        Service::Ram | Service::Logs | Service::Ssm | Service::Organizations => None,
        Service::CloudFormation => crate::cloudformation::actions().get(action),
    }
}

fn run_query(app: &App, service: Service, route: Route, params: &QueryParams, request_id: &str) -> HttpResponse {
    let action = params.action().unwrap_or("").to_string();
    let render_err = |e: &ApiError| match service {
        Service::Ec2 => envelope::ec2_error(e, request_id),
        s => envelope::query_error(e, s.namespace(), request_id),
    };
    let Some(handler) = query_action(service, &action) else {
        let e = if action.is_empty() {
            ApiError::client("MissingAction", "The request must contain the parameter Action")
        } else {
            ApiError::client("InvalidAction", format!("The action {action} is not valid for this web service."))
        };
        return render_err(&e);
    };
    let result = crate::replica::attempt(app, || {
        let mut call = new_call(app, &route, &action, request_id);
        let result = first_call_in_region(&mut call, service).and_then(|()| {
            call.dry_run = params.dry_run()?;
            handler(&mut call, params).and_then(|body| if call.dry_run { Err(dry_run_ok()) } else { Ok(body) })
        });
        finish(call);
        result
    });
    match result {
        Ok(body) => match service {
            Service::Ec2 => envelope::ec2_response(&action, request_id, &body),
            s => envelope::query_response(&action, s.namespace(), request_id, &body),
        },
        Err(e) => render_err(&e.to_api()),
    }
}

fn run_json(app: &App, route: Route, req: &HttpRequest, request_id: &str) -> HttpResponse {
    let Some((op, handler)) = crate::ram::handler(&req.path) else {
        let e = ApiError::client("UnknownOperationException", format!("No operation at {} {}", req.method, req.path)).with_status(404);
        return envelope::json_error(&e, request_id);
    };
    // restJson1: members in the JSON body, or in the query string for
    // DELETE /deleteresourceshare.
    let body: serde_json::Value = if req.body.iter().all(u8::is_ascii_whitespace) {
        serde_json::json!({})
    } else {
        match serde_json::from_slice(&req.body) {
            Ok(v @ serde_json::Value::Object(_)) => v,
            _ => {
                let e = ApiError::client("SerializationException", "The request body is not a JSON object");
                return envelope::json_error(&e, request_id);
            }
        }
    };
    let query = QueryParams::parse(&req.query, b"");
    let result = crate::replica::attempt(app, || {
        let mut call = new_call(app, &route, op, request_id);
        let result = first_call_in_region(&mut call, Service::Ram).and_then(|()| handler(&mut call, &body, &query));
        finish(call);
        result
    });
    match result {
        Ok(v) => envelope::json_response(request_id, &v),
        Err(e) => envelope::json_error(&e.to_api(), request_id),
    }
}

/// An awsJson1.1 request (CloudWatch Logs, Systems Manager, Organizations): the operation from
/// `X-Amz-Target`, every member in the JSON body.
fn run_json11(app: &App, route: Route, req: &HttpRequest, target: &str, request_id: &str) -> HttpResponse {
    let route_service = route.service;
    let found = match route_service {
        Service::Ssm => crate::ssm::handler(target),
        Service::Organizations => crate::organizations::handler(target),
        _ => crate::logs::handler(target),
    };
    let Some((op, handler)) = found else {
        let e = ApiError::client("UnknownOperationException", format!("Unknown operation {target}"));
        return envelope::json_error(&e, request_id);
    };
    let body: serde_json::Value = if req.body.iter().all(u8::is_ascii_whitespace) {
        serde_json::json!({})
    } else {
        match serde_json::from_slice(&req.body) {
            Ok(v @ serde_json::Value::Object(_)) => v,
            _ => return envelope::json_error(&ApiError::client("SerializationException", "The request body is not a JSON object"), request_id),
        }
    };
    let result = crate::replica::attempt(app, || {
        let mut call = new_call(app, &route, op, request_id);
        let result = handler(&mut call, &body, &QueryParams::default());
        finish(call);
        result
    });
    match result {
        Ok(v) => envelope::json_response(request_id, &v),
        Err(e) => {
            let mut api = e.to_api();
            // The awsJson1.1 decoder answers as CloudWatch Logs does;
            // Systems Manager calls the same refusals ValidationException.
            if route_service == Service::Ssm && api.code == "InvalidParameterException" {
                api.code = "ValidationException".into();
            }
            envelope::json_error(&api, request_id)
        }
    }
}

#[cfg(test)]
mod action_table_tests {
    use super::*;

    #[test]
    fn every_service_table_builds_without_a_duplicate_action() {
        // Building panics on a duplicate; the lookups pin a few routes.
        let ec2 = crate::ec2::actions();
        assert!(ec2.get("CreateVpcPeeringConnection").is_some());
        assert!(ec2.get("CreateLoadBalancer").is_none(), "ELBv2 actions are not EC2's");
        assert!(ec2.names().windows(2).all(|w| w[0] < w[1]));
        let elb = crate::elbv2::actions();
        assert!(elb.get("CreateLoadBalancer").is_some() && elb.get("AddTags").is_some());
        assert!(elb.get("CreateVpc").is_none());
    }

    /// The trimmed models (crates/codegen/models/operations.json) list
    /// exactly the operations xvpc registers: a new handler needs its shapes
    /// generated, and a shape nobody serves is compile time for nothing.
    #[test]
    fn every_action_has_generated_shapes_and_back() {
        assert_eq!(crate::ec2::actions().names(), shapes::ec2::OPERATIONS);
        assert_eq!(crate::elbv2::actions().names(), shapes::elbv2::OPERATIONS);
        assert_eq!(crate::sts::actions().names(), shapes::sts::OPERATIONS);
        assert_eq!(crate::rds::actions().names(), shapes::rds::OPERATIONS);
        assert_eq!(crate::elasticache::actions().names(), shapes::elasticache::OPERATIONS);
        assert_eq!(crate::redshift::actions().names(), shapes::redshift::OPERATIONS);
        assert_eq!(crate::iam::actions().names(), shapes::iam::OPERATIONS);
        assert_eq!(crate::cloudformation::actions().names(), shapes::cloudformation::OPERATIONS);
        let logs: Vec<&str> = crate::logs::TYPED.iter().map(|a| a.1).collect();
        assert_eq!(logs, shapes::logs::OPERATIONS);
        let ssm: Vec<&str> = crate::ssm::TYPED.iter().map(|a| a.1).collect();
        assert_eq!(ssm, shapes::ssm::OPERATIONS);
        let orgs: Vec<&str> = crate::organizations::TYPED.iter().map(|a| a.1).collect();
        assert_eq!(orgs, shapes::organizations::OPERATIONS);
        let mut ram: Vec<&str> = crate::ram::TYPED.iter().map(|a| a.1).collect();
        ram.sort_unstable();
        assert_eq!(ram, shapes::ram::OPERATIONS);
    }

    #[test]
    #[should_panic(expected = "listed twice")]
    fn a_duplicate_action_is_refused() {
        fn h(_: &mut Call, _: &QueryParams) -> Result<String> {
            Ok(String::new())
        }
        const A: &[(&str, QueryHandler)] = &[("X", h)];
        ActionTable::new(&[A, A]);
    }
}
