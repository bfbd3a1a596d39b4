//! AWS services answering behind endpoints, served by this process. Linux
//! only.
//!
//! - Behind a gateway endpoint (S3, DynamoDB), the endpoint's service
//!   namespace ([`crate::gateway_endpoint`]) answers HTTP on port 80 at
//!   every address of the service's prefix list with a short page naming
//!   the service, the endpoint and the client address it saw (with a
//!   gateway endpoint, AWS's services see the instance's private address).
//!   Other ports are refused by the namespace's kernel.
//! - Behind an interface endpoint to one of the AWS APIs xvpc serves
//!   ([`FORWARDED`]), each endpoint ENI accepts TLS on port 443 at its
//!   address and forwards the decrypted stream to xvpc's own listener, so
//!   an instance's AWS CLI reaches xvpc at `ec2.<region>.amazonaws.com`
//!   (which the VPC's resolver answers with the endpoint's addresses when
//!   private DNS is on, see [`crate::dns`]). TLS: each run makes its own
//!   certificate authority (a fresh key, never written anywhere but the
//!   run's directory, `ca.pem`) and one server certificate for those
//!   hostnames in every region; instances trust it through
//!   `AWS_CA_BUNDLE` ([`crate::instance_environment`]). The request is
//!   passed on byte for byte, signature and all: xvpc answers it as the
//!   account its access key names.
//!
//! Listening sockets are opened inside their namespace by a short-lived
//! thread (a socket keeps the namespace it was made in, see
//! [`crate::resolver`]); the connections to xvpc are made from this
//! process's own namespace, to a loopback listener xvpc opens for them
//! alone, so nothing listens or leaves on the host. That listener is how
//! xvpc tells a guest's request from its own host's (which may call the
//! operator endpoints): by the socket it arrived on, not by anything the
//! guest writes, so no request content can pass for the host. A socket also keeps its namespace alive: listeners
//! are closed when their namespace goes or is rebuilt (its inode changes).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, Shutdown, SocketAddr, SocketAddrV4, TcpListener, TcpStream};
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sched::{setns, CloneFlags};
use xvpc_model::State;

use crate::system::NETNS_DIR;
use crate::topology::Desired;
use crate::Error;

/// The AWS APIs an interface endpoint forwards to xvpc (the ones it serves
/// under their own regional hostnames).
pub const FORWARDED: &[&str] = &["ec2", "elasticloadbalancing", "sts"];

/// The port an interface endpoint to an AWS API listens on (HTTPS).
pub const API_PORT: u16 = 443;

/// The port the service behind a gateway endpoint answers HTTP on.
pub const PAGE_PORT: u16 = 80;

/// A connection idle this long is closed.
const IDLE: u16 = 60_000;

/// What answers on one listening socket.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Role {
    /// The page of a service behind a gateway endpoint.
    Page { service: String, endpoint: String },
    /// TLS, forwarded to xvpc's listener.
    Api,
}

struct Open {
    role: Role,
    inode: u64,
    listener: Arc<TcpListener>,
}

/// The listeners of one run, and the certificate authority instances trust.
pub struct ServiceHosts {
    tls: Arc<rustls::ServerConfig>,
    ca_path: PathBuf,
    /// xvpc's own listener, once it is bound (see `Worker::set_api_address`).
    api: Arc<Mutex<Option<SocketAddr>>>,
    open: BTreeMap<(String, SocketAddrV4), Open>,
}

fn io_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Command { what: what.to_string(), detail: e.to_string() }
}

/// Every hostname a forwarded API answers in an endpoint's VPC, in every region.
fn hostnames() -> Vec<String> {
    use xvpc_model::aws_service::{self, ServiceType};
    let mut names = Vec::new();
    for r in xvpc_model::region::REGIONS {
        for short in FORWARDED {
            if let Some(s) = aws_service::find(r.name, &format!("com.amazonaws.{}.{short}", r.name), ServiceType::Interface) {
                names.extend(s.private_dns_names);
            }
        }
    }
    names
}

/// A fresh certificate authority and a server certificate for
/// [`hostnames`]: (CA in PEM, the server's TLS configuration).
fn certificates(prefix: &str) -> Result<(String, rustls::ServerConfig), Error> {
    use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair, KeyUsagePurpose};
    let e = |e: rcgen::Error| io_err("making the endpoints' TLS certificates", e);
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(e)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, format!("xvpc run {prefix} certificate authority"));
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    let (not_before, not_after) = (rcgen::date_time_ymd(2024, 1, 1), rcgen::date_time_ymd(2099, 1, 1));
    ca.not_before = not_before;
    ca.not_after = not_after;
    let ca_key = KeyPair::generate().map_err(e)?;
    let ca_cert = ca.self_signed(&ca_key).map_err(e)?;
    let mut leaf = CertificateParams::new(hostnames()).map_err(e)?;
    leaf.distinguished_name.push(DnType::CommonName, "AWS service endpoints (xvpc)");
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    leaf.use_authority_key_identifier_extension = true;
    leaf.not_before = not_before;
    leaf.not_after = not_after;
    let leaf_key = KeyPair::generate().map_err(e)?;
    let leaf_cert = leaf.signed_by(&leaf_key, &ca_cert, &ca_key).map_err(e)?;
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    // ring, not aws-lc-rs (which needs cmake and a long C build): this TLS
    // hop never leaves the machine, post-quantum key exchange adds nothing.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(vec![leaf_cert.der().clone(), ca_cert.der().clone()], key))
        .map_err(|x| io_err("configuring TLS", x))?;
    Ok((ca_cert.pem(), config))
}

impl ServiceHosts {
    /// Makes the run's certificate authority (written to `dir/ca.pem`).
    pub fn new(dir: &Path, prefix: &str) -> Result<ServiceHosts, Error> {
        let (ca, config) = certificates(prefix)?;
        let ca_path = dir.join(crate::instance_environment::CA_FILE);
        std::fs::write(&ca_path, ca).map_err(|e| io_err(&format!("writing {}", ca_path.display()), e))?;
        Ok(ServiceHosts { tls: Arc::new(config), ca_path, api: Arc::default(), open: BTreeMap::new() })
    }

    /// The certificate authority instances trust (`AWS_CA_BUNDLE`).
    pub fn ca_path(&self) -> &Path {
        &self.ca_path
    }

    /// Where xvpc's listener will be told (it binds after the data plane starts).
    pub fn api_handle(&self) -> Arc<Mutex<Option<SocketAddr>>> {
        self.api.clone()
    }

    /// Opens and closes listeners to match `state` (whose namespaces exist by now).
    pub fn sync(&mut self, state: &State, want: &Desired) -> Vec<Error> {
        let mut wanted: BTreeMap<(String, SocketAddrV4), Role> = BTreeMap::new();
        for (ns, host) in &want.service_hosts {
            wanted.insert((ns.clone(), SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, PAGE_PORT)), Role::Page { service: host.service.clone(), endpoint: host.endpoint_id.clone() });
        }
        for ep in state.vpc_endpoints.values().filter(|e| e.state == xvpc_model::vpc_endpoint::EndpointState::Available) {
            let Some(svc) = ep.aws_service().filter(|s| s.service_type == xvpc_model::aws_service::ServiceType::Interface) else { continue };
            if !FORWARDED.contains(&svc.short) {
                continue;
            }
            for eni in ep.network_interface_ids.iter().filter_map(|id| want.enis.get(id)) {
                if let Some(ip) = eni.ips.first() {
                    wanted.insert((eni.ns.clone(), SocketAddrV4::new(*ip, API_PORT)), Role::Api);
                }
            }
        }
        let inode = |ns: &str| std::fs::metadata(Path::new(NETNS_DIR).join(ns)).map(|m| m.ino()).ok();
        let stale: Vec<(String, SocketAddrV4)> =
            self.open.iter().filter(|(k, o)| wanted.get(*k) != Some(&o.role) || inode(&k.0) != Some(o.inode)).map(|(k, _)| k.clone()).collect();
        for k in stale {
            if let Some(o) = self.open.remove(&k) {
                close(&o.listener);
            }
        }
        let todo: Vec<((String, SocketAddrV4), Role)> = wanted.into_iter().filter(|(k, _)| !self.open.contains_key(k)).collect();
        if todo.is_empty() {
            return Vec::new();
        }
        let mut errors = Vec::new();
        let opened = std::thread::scope(|s| s.spawn(|| todo.iter().map(|((ns, addr), _)| listen_in(ns, *addr)).collect::<Vec<_>>()).join());
        let Ok(opened) = opened else { return vec![io_err("opening service listeners", "the thread panicked")] };
        for (((ns, addr), role), r) in todo.into_iter().zip(opened) {
            match r {
                Ok((listener, ino)) => {
                    let listener = Arc::new(listener);
                    self.serve(listener.clone(), role.clone());
                    self.open.insert((ns, addr), Open { role, inode: ino, listener });
                }
                Err(e) => errors.push(e),
            }
        }
        errors
    }

    /// Accepts on `listener` until it is closed, one thread per connection.
    fn serve(&self, listener: Arc<TcpListener>, role: Role) {
        let (tls, api) = (self.tls.clone(), self.api.clone());
        let spawned = std::thread::Builder::new().name("xvpc-aws-service".into()).spawn(move || loop {
            match listener.accept() {
                Ok((conn, peer)) => {
                    let (role, tls) = (role.clone(), tls.clone());
                    let api = *api.lock().unwrap_or_else(|e| e.into_inner());
                    let _ = std::thread::Builder::new().name("xvpc-aws-conn".into()).spawn(move || {
                        let r = match role {
                            Role::Page { service, endpoint } => page(conn, peer, &service, &endpoint),
                            Role::Api => match api {
                                Some(api) => forward(tls, conn, api),
                                None => Ok(()),
                            },
                        };
                        if let Err(e) = r {
                            tracing::debug!("endpoint connection from {peer}: {e}");
                        }
                    });
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                // Closed (shut down) or the namespace is gone.
                Err(_) => return,
            }
        });
        if let Err(e) = spawned {
            tracing::error!("starting an endpoint listener: {e}");
        }
    }

    /// Closes every listener (their namespaces are about to go).
    pub fn clear(&mut self) {
        for o in std::mem::take(&mut self.open).into_values() {
            close(&o.listener);
        }
    }
}

impl Drop for ServiceHosts {
    fn drop(&mut self) {
        self.clear();
    }
}

/// Wakes the accepting thread (a listening socket shut down fails its
/// `accept`), which then drops its end.
fn close(l: &TcpListener) {
    let _ = nix::sys::socket::shutdown(l.as_raw_fd(), nix::sys::socket::Shutdown::Both);
}

/// Binds a listener at `addr` inside namespace `ns`; returns it with the
/// namespace's inode. Switches the calling thread's namespace: call it from
/// a thread of its own.
fn listen_in(ns: &str, addr: SocketAddrV4) -> Result<(TcpListener, u64), Error> {
    let f = std::fs::File::open(Path::new(NETNS_DIR).join(ns)).map_err(|e| io_err(&format!("opening {ns}"), e))?;
    let ino = f.metadata().map_err(|e| io_err(&format!("opening {ns}"), e))?.ino();
    setns(&f, CloneFlags::CLONE_NEWNET).map_err(|e| io_err(&format!("entering {ns}"), e))?;
    let l = TcpListener::bind(addr).map_err(|e| io_err(&format!("listening on {addr} in {ns}"), e))?;
    Ok((l, ino))
}

/// The page of an AWS service behind a gateway endpoint: reads the request
/// head and answers 200 with what the service saw.
fn page(mut conn: TcpStream, peer: SocketAddr, service: &str, endpoint: &str) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let n = conn.read(&mut buf)?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let body = format!("{service} through {endpoint}, from {}\n", peer.ip());
    let reply = format!("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len());
    conn.write_all(reply.as_bytes())?;
    conn.shutdown(Shutdown::Write)
}

/// Terminates TLS on `client` and relays the plain stream to xvpc at `api`,
/// both ways, until either side closes or the connection idles.
fn forward(tls: Arc<rustls::ServerConfig>, mut client: TcpStream, api: SocketAddr) -> std::io::Result<()> {
    let other = |e: rustls::Error| std::io::Error::other(e.to_string());
    let mut up = TcpStream::connect_timeout(&api, Duration::from_secs(5))?;
    let mut conn = rustls::ServerConnection::new(tls).map_err(other)?;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        while conn.wants_write() {
            conn.write_tls(&mut client)?;
        }
        let (from_client, from_api) = {
            let mut fds = [PollFd::new(client.as_fd(), PollFlags::POLLIN), PollFd::new(up.as_fd(), PollFlags::POLLIN)];
            match poll(&mut fds, PollTimeout::from(IDLE)) {
                Ok(0) => return Ok(()),
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
            let ready = |f: &PollFd| f.revents().is_some_and(|r| !r.is_empty());
            (ready(&fds[0]), ready(&fds[1]))
        };
        if from_client {
            if conn.read_tls(&mut client)? == 0 {
                return Ok(());
            }
            if let Err(e) = conn.process_new_packets() {
                // Tell the client why (an alert) before closing.
                let _ = conn.write_tls(&mut client);
                return Err(other(e));
            }
            loop {
                match conn.reader().read(&mut buf) {
                    Ok(0) => return Ok(()),
                    Ok(n) => up.write_all(&buf[..n])?,
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                    Err(e) => return Err(e),
                }
            }
        }
        if from_api {
            let n = up.read(&mut buf)?;
            if n == 0 {
                conn.send_close_notify();
                while conn.wants_write() {
                    conn.write_tls(&mut client)?;
                }
                return Ok(());
            }
            conn.writer().write_all(&buf[..n])?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_certificate_names_every_forwarded_api_in_every_region() {
        let names = hostnames();
        for n in ["ec2.us-east-1.amazonaws.com", "sts.eu-west-1.amazonaws.com", "elasticloadbalancing.us-west-2.amazonaws.com"] {
            assert!(names.iter().any(|x| x == n), "{n} missing from {names:?}");
        }
        assert!(!names.iter().any(|x| x.starts_with("ssm.")), "only the forwarded APIs");
    }

    /// A client trusting only the run's CA reaches a plain server through
    /// [`forward`], as the AWS CLI reaches xvpc at `ec2.<region>.amazonaws.com`.
    #[test]
    fn forward_terminates_tls_for_the_regional_hostname_and_relays_both_ways() {
        let (ca_pem, config) = certificates("xv0000").unwrap();
        let ca_der = rustls::pki_types::pem::PemObject::from_pem_slice(ca_pem.as_bytes()).unwrap();
        let api = TcpListener::bind("127.0.0.1:0").unwrap();
        let api_addr = api.local_addr().unwrap();
        std::thread::spawn(move || {
            let (mut s, _) = api.accept().unwrap();
            let mut req = [0u8; 64];
            let n = s.read(&mut req).unwrap();
            s.write_all(format!("HTTP/1.0 200 OK\r\n\r\necho {}", String::from_utf8_lossy(&req[..n]).lines().next().unwrap_or("")).as_bytes()).unwrap();
        });
        let front = TcpListener::bind("127.0.0.1:0").unwrap();
        let front_addr = front.local_addr().unwrap();
        let tls = Arc::new(config);
        std::thread::spawn(move || {
            let (c, _) = front.accept().unwrap();
            forward(tls, c, api_addr).unwrap();
        });
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca_der).unwrap();
        #[allow(deprecated)]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let client = rustls::ClientConfig::builder_with_provider(provider).with_safe_default_protocol_versions().unwrap().with_root_certificates(roots).with_no_client_auth();
        let name = rustls::pki_types::ServerName::try_from("ec2.us-east-1.amazonaws.com").unwrap();
        let conn = rustls::ClientConnection::new(Arc::new(client), name).unwrap();
        let mut s = rustls::StreamOwned::new(conn, TcpStream::connect(front_addr).unwrap());
        s.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        assert_eq!(out, "HTTP/1.0 200 OK\r\n\r\necho GET / HTTP/1.0");
    }
}
