//! `xvpc serve`: wires the store, the application and the HTTP listener.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use axum::body::{to_bytes, Body};
use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, Request, State};
use axum::serve::IncomingStream;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use xvpc_api::{App, Config};

/// Options of `xvpc serve`.
#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:4566")]
    pub listen: SocketAddr,
    /// Directory of the state file (default: the platform's data directory,
    /// ~/.local/share/xvpc on Linux).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Where the state lives: `sqlite` (a file in the data directory) or
    /// `postgres://user@host:port/db`, which any number of `xvpc serve`
    /// replicas may share (each keeps the whole model in memory and
    /// follows the others' writes).
    #[arg(long, default_value = "sqlite")]
    pub store: String,
    /// File mapping access keys to accounts: `ACCESS_KEY_ID SECRET ACCOUNT_ID` per line.
    #[arg(long)]
    pub credentials: Option<PathBuf>,
    /// Account of unknown access keys and unsigned requests.
    #[arg(long, default_value = "000000000000")]
    pub default_account: String,
    /// Refuse requests whose SigV4 signature does not verify.
    #[arg(long)]
    pub verify_signatures: bool,
    /// Serve an open emulator (any 12-digit key acts as that account,
    /// secrets unchecked) on a non-loopback address anyway.
    #[arg(long)]
    pub insecure_open: bool,
    /// Accounts start without a default VPC. (As in AWS, each account
    /// otherwise gets one in each Region, made by its first request there.)
    #[arg(long)]
    pub no_default_vpc: bool,
    /// STS AssumeRole refuses a role that does not exist (AccessDenied), as
    /// AWS does. (Otherwise any role ARN not yet created can be assumed; a
    /// role that exists is always held to its trust policy.)
    #[arg(long)]
    pub strict_iam: bool,
    /// Data plane: `model` (computed reachability, portable) or `netns`
    /// (real packets between Linux network namespaces; needs root).
    #[arg(long, value_enum, default_value_t = crate::dataplane::Kind::Model)]
    pub dataplane: crate::dataplane::Kind,
    /// With `--dataplane netns`: apply AWS's throughput limits (10 Gbps per
    /// zone through an interface endpoint, 50 Gbps per transit gateway
    /// attachment), scaled to what this host can carry.
    #[arg(long)]
    pub emulate_bandwidth: bool,
    /// The factor applied to AWS's limits (e.g. 0.02: an endpoint gets
    /// 200 Mbit/s); default: the largest limit becomes half of this host's
    /// measured veth throughput.
    #[arg(long, requires = "emulate_bandwidth", value_parser = positive)]
    pub bandwidth_scale: Option<f64>,
}

fn positive(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("{s:?} is not a positive number")),
    }
}

fn default_data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("xvpc");
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("."));
    if cfg!(target_os = "macos") {
        home.join("Library/Application Support/xvpc")
    } else {
        home.join(".local/share/xvpc")
    }
}

pub fn run(args: ServeArgs) -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("XVPC_LOG").unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let data_dir = args.data_dir.clone().unwrap_or_else(default_data_dir);
    let where_ = if args.store == "sqlite" {
        std::fs::create_dir_all(&data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
        format!("{} (SQLite, WAL)", data_dir.join("xvpc.db").display())
    } else {
        format!("{} (PostgreSQL, shared by replicas)", without_password(&args.store))
    };
    let store = xvpc_store::open(&args.store, &data_dir).with_context(|| format!("opening the store {where_}"))?;
    let mut config = Config { verify_signatures: args.verify_signatures, no_default_vpc: args.no_default_vpc, strict_iam: args.strict_iam, ..Default::default() };
    config.identity.default_account = args.default_account.clone();
    if let Some(path) = &args.credentials {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        config.identity.parse_credentials(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    // On an address other hosts reach, only registered keys act.
    let shared = !is_loopback(args.listen.ip());
    config.registered_keys_only = shared && !args.insecure_open;
    let app = Arc::new(App::new(store, config).context("loading state")?);
    if shared && !args.insecure_open {
        let has_keys = args.credentials.is_some() || xvpc_api::access_keys::any_active(&app);
        if !args.verify_signatures || !has_keys {
            anyhow::bail!(
                "refusing to serve on {} (not a loopback address) as an open emulator: any 12-digit access key would act as that account{}. \
                 Start it with --verify-signatures and credentials (a --credentials FILE, or keys added with `xvpc credentials add --data-dir {}`), \
                 or pass --insecure-open to share an open emulator on purpose",
                args.listen,
                if args.verify_signatures { "" } else { " and no secret would be checked" },
                data_dir.display()
            );
        }
    }
    // Other replicas' writes, applied as they are announced.
    let _follower = xvpc_api::replica::follow(&app);
    let (worker, _netns_lock) = match args.dataplane {
        crate::dataplane::Kind::Model if args.emulate_bandwidth => anyhow::bail!("--emulate-bandwidth needs --dataplane netns"),
        crate::dataplane::Kind::Model => (None, None),
        crate::dataplane::Kind::Netns => {
            let lock = crate::dataplane::one_per_host(&without_password(&args.store), &data_dir)?;
            (Some(crate::dataplane::start(&app, args.emulate_bandwidth.then_some(args.bandwidth_scale))?), Some(lock))
        }
    };

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let dataplane = worker.clone();
    let served = rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("binding {}", args.listen))?;
        let addr = listener.local_addr()?;
        // Interface endpoints to AWS APIs forward guests' requests to a
        // listener of their own: what arrives there is never the host's.
        if let Some(w) = &dataplane {
            let guests = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await.context("binding the endpoints' listener")?;
            w.set_api_address(guests.local_addr()?);
            let router = axum::Router::new().fallback(handle_forwarded).with_state(app.clone());
            // Ends with the runtime, when the main listener has shut down.
            tokio::spawn(async move { axum::serve(guests, router).await });
        }
        print_banner(addr, &where_, app.config.registered_keys_only);
        let router = axum::Router::new().fallback(handle).with_state(app);
        axum::serve(listener, router.into_make_service_with_connect_info::<Conn>()).with_graceful_shutdown(shutdown()).await?;
        Ok::<_, anyhow::Error>(())
    });
    // Whatever the data plane built goes with the server.
    if let Some(w) = worker {
        w.shutdown().map_err(|e| anyhow::anyhow!("removing the data plane: {e}"))?;
    }
    served
}

/// Loopback addresses (127.0.0.0/8, ::1, and ::ffff:127.x) reach only this
/// host; everything else, the unspecified 0.0.0.0 and :: included, may be
/// reached by others.
pub fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback()),
    }
}

/// A store URL as shown and logged: never its password.
fn without_password(spec: &str) -> String {
    match (spec.find("://"), spec.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = &spec[scheme + 3..at];
            let user = user.split(':').next().unwrap_or("");
            format!("{}{user}{}", &spec[..scheme + 3], &spec[at..])
        }
        _ => spec.to_string(),
    }
}

fn print_banner(addr: SocketAddr, state: &str, registered_keys_only: bool) {
    use std::fmt::Write as _;
    let url = format!("http://{addr}");
    let mut b = format!("xvpc {} listening on {url}\n", env!("CARGO_PKG_VERSION"));
    let _ = writeln!(b, "state: {state}");
    let _ = writeln!(b, "services: ec2 elasticloadbalancing ram sts   health: {url}/_xvpc/health\n");
    if registered_keys_only {
        b.push_str("Only registered access keys are accepted (`xvpc credentials list` on this host).\n");
    } else {
        b.push_str("Two accounts, one endpoint: the access key id is the account id.\n");
        for acct in ["111111111111", "222222222222"] {
            let _ = writeln!(b, "  AWS_ACCESS_KEY_ID={acct} AWS_SECRET_ACCESS_KEY=test aws --endpoint-url {url} --region us-east-1 ec2 describe-vpcs");
        }
    }
    // A server whose output nobody reads keeps serving.
    crate::out::stdout_lossy(&b);
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// Every request goes to the application; it decides by path and signature.
async fn handle(State(app): State<Arc<App>>, ConnectInfo(conn): ConnectInfo<Conn>, req: Request) -> Response {
    respond(&app, conn.is_local(), req).await
}

/// A request a guest made through an interface endpoint (the forwarder in
/// `xvpc_netns::aws_service_host` connects from this host, but for a guest).
async fn handle_forwarded(State(app): State<Arc<App>>, req: Request) -> Response {
    respond(&app, false, req).await
}

/// Paths answered only to the server's own host: every operator endpoint
/// but health (they change or show every account's state, or its keys)
/// and the console (it draws every account's resources). An operator
/// elsewhere reaches them through an SSH tunnel.
fn host_only(path: &str) -> bool {
    xvpc_api::ops::host_only(path) || crate::console::is_console(path)
}

/// Answers `req`; `host` is true when it came from the server's own host.
async fn respond(app: &App, host: bool, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    // The same path the console and the operator endpoints dispatch on.
    if !host && host_only(parts.uri.path()) {
        return plain(StatusCode::FORBIDDEN, "operator endpoints and the console answer only the server's own host");
    }
    // The console is read-only and served before the AWS APIs see anything.
    if let Some(resp) = crate::console::handle(app, parts.method.as_str(), parts.uri.path(), parts.uri.query()) {
        return into_response(resp);
    }
    let body = match to_bytes(body, 64 * 1024 * 1024).await {
        Ok(b) => b.to_vec(),
        Err(_) => return plain(StatusCode::PAYLOAD_TOO_LARGE, "request body too large"),
    };
    let wire_req = xvpc_wire::HttpRequest {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body,
    };
    if wire_req.path.starts_with(CREDENTIALS_PATH) {
        if let Some(resp) = xvpc_api::access_keys::admin(app, &wire_req) {
            return into_response(resp);
        }
    }
    into_response(app.handle(wire_req))
}

/// The operator endpoint for stored access keys.
const CREDENTIALS_PATH: &str = "/_xvpc/credentials";

/// Both ends of a connection.
#[derive(Clone, Copy, Debug)]
struct Conn {
    peer: SocketAddr,
    local: Option<SocketAddr>,
}

impl Connected<IncomingStream<'_, tokio::net::TcpListener>> for Conn {
    fn connect_info(s: IncomingStream<'_, tokio::net::TcpListener>) -> Self {
        Conn { peer: *s.remote_addr(), local: s.io().local_addr().ok() }
    }
}

impl Conn {
    /// A connection from this host: from a loopback address, or from the
    /// very address it reached (a local process connecting to the host's
    /// own address). TCP's handshake means a peer elsewhere cannot claim
    /// either.
    fn is_local(&self) -> bool {
        is_loopback(self.peer.ip()) || self.local.is_some_and(|l| l.ip() == self.peer.ip())
    }
}

fn into_response(resp: xvpc_wire::HttpResponse) -> Response {
    let mut out = Response::new(Body::from(resp.body));
    *out.status_mut() = StatusCode::from_u16(resp.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in resp.headers {
        if let (Ok(k), Ok(v)) = (HeaderName::try_from(k), HeaderValue::try_from(v)) {
            out.headers_mut().insert(k, v);
        }
    }
    out
}

#[cfg(test)]
mod store_url_tests {
    #[test]
    fn a_store_url_is_shown_without_its_password() {
        assert_eq!(super::without_password("postgres://xvpc:s3cret@db:5432/xvpc"), "postgres://xvpc@db:5432/xvpc");
        assert_eq!(super::without_password("postgres://xvpc@db/xvpc"), "postgres://xvpc@db/xvpc");
        assert_eq!(super::without_password("sqlite"), "sqlite");
    }
}

fn plain(status: StatusCode, msg: &str) -> Response {
    let mut r = Response::new(Body::from(msg.to_string()));
    *r.status_mut() = status;
    r
}
