//! Serves each VPC's Amazon DNS server ([`crate::dns`]) from this process:
//! one UDP socket at base + 2 and one at 169.254.169.253 inside every VPC
//! router namespace, all read by one thread. Linux only.
//!
//! A socket belongs to the namespace it was created in, whichever thread
//! uses it later (measured in the data plane notes, `dns_multi_ns.py`), so
//! sockets are created by a short-lived thread that enters each router in
//! turn and is then discarded: the reconciler's own thread never changes
//! namespace. Answers come from the latest snapshot's zones, swapped in on
//! every reconciliation.
//!
//! Guests find the resolver as instances do through the default DHCP
//! options: `/etc/netns/<namespace>/resolv.conf`, which `ip netns exec`
//! (user data, `xvpc exec`) mounts over `/etc/resolv.conf`.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr, UdpSocket};
use std::os::fd::AsFd;
use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
use nix::sched::{setns, CloneFlags};

use crate::dns::{self, Zone};
use crate::system::{ETC_NETNS, NETNS_DIR};
use crate::topology::Desired;
use crate::Error;

/// The DNS port.
pub const PORT: u16 = 53;

#[derive(Default)]
struct Shared {
    zones: BTreeMap<String, Zone>,
    /// VPC id and socket, as the serving thread should poll them.
    sockets: Vec<(String, Arc<UdpSocket>)>,
    stop: bool,
}

fn lock(m: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The resolvers of one run.
pub struct Resolver {
    shared: Arc<Mutex<Shared>>,
    wake: UnixDatagram,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Per VPC: the router namespace and address the sockets were bound in.
    bound: BTreeMap<String, (String, Ipv4Addr, Vec<Arc<UdpSocket>>)>,
    /// `resolv.conf` written, by ENI namespace.
    written: BTreeMap<String, String>,
}

impl Resolver {
    /// Starts the (idle) serving thread.
    pub fn start() -> Result<Resolver, Error> {
        let io = |e: std::io::Error| Error::Command { what: "starting the DNS resolver".into(), detail: e.to_string() };
        let (wake, rx) = UnixDatagram::pair().map_err(io)?;
        rx.set_nonblocking(true).map_err(io)?;
        let shared: Arc<Mutex<Shared>> = Arc::default();
        let s = shared.clone();
        let thread = std::thread::Builder::new().name("xvpc-dns".into()).spawn(move || serve(&s, &rx)).map_err(io)?;
        Ok(Resolver { shared, wake, thread: Some(thread), bound: BTreeMap::new(), written: BTreeMap::new() })
    }

    /// Brings sockets, answers and guests' `resolv.conf` in line with
    /// `want` (whose routers and ENI namespaces exist by now).
    pub fn sync(&mut self, state: &xvpc_model::State, want: &Desired) -> Vec<Error> {
        let mut errors = Vec::new();
        let zones = dns::zones(state);
        // Sockets: close those of VPCs gone (or moved), open the new ones.
        let target: BTreeMap<&str, (&str, Ipv4Addr)> =
            want.routers.values().filter_map(|r| zones.get(&r.vpc_id).map(|z| (r.vpc_id.as_str(), (r.ns.as_str(), z.address)))).collect();
        self.bound.retain(|vpc, (ns, addr, _)| target.get(vpc.as_str()) == Some(&(ns.as_str(), *addr)));
        let todo: Vec<(&str, &str, Ipv4Addr)> = target.iter().filter(|(vpc, _)| !self.bound.contains_key(**vpc)).map(|(v, (ns, a))| (*v, *ns, *a)).collect();
        if !todo.is_empty() {
            let opened = std::thread::scope(|s| s.spawn(|| todo.iter().map(|(_, ns, a)| bind_in(ns, &[*a, dns::LINK_LOCAL])).collect::<Vec<_>>()).join());
            match opened {
                Ok(results) => {
                    for ((vpc, ns, a), r) in todo.iter().zip(results) {
                        match r {
                            Ok(socks) => {
                                self.bound.insert(vpc.to_string(), (ns.to_string(), *a, socks));
                            }
                            Err(e) => errors.push(e),
                        }
                    }
                }
                Err(_) => errors.push(Error::Command { what: "binding DNS sockets".into(), detail: "the binding thread panicked".into() }),
            }
        }
        {
            let mut sh = lock(&self.shared);
            sh.zones = zones;
            sh.sockets = self.bound.iter().flat_map(|(vpc, (_, _, socks))| socks.iter().map(move |s| (vpc.clone(), s.clone()))).collect();
        }
        let _ = self.wake.send(&[1]);

        // resolv.conf of every ENI namespace (its VPC's resolver).
        let by_router: BTreeMap<&str, &str> = want.routers.values().map(|r| (r.ns.as_str(), r.vpc_id.as_str())).collect();
        let confs: BTreeMap<&str, String> = want
            .enis
            .values()
            .filter_map(|e| by_router.get(e.router_ns.as_str()).and_then(|v| state.vpcs.get(*v)).map(|v| (e.ns.as_str(), dns::resolv_conf(v))))
            .collect();
        self.written.retain(|ns, _| confs.contains_key(ns.as_str()));
        for (ns, conf) in confs {
            let dir = PathBuf::from(ETC_NETNS).join(ns);
            // (A namespace deleted and rebuilt lost its file with it.)
            if self.written.get(ns) == Some(&conf) && dir.exists() {
                continue;
            }
            match std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(dir.join("resolv.conf"), &conf)) {
                Ok(()) => {
                    self.written.insert(ns.to_string(), conf);
                }
                Err(e) => errors.push(Error::Command { what: format!("writing {}/resolv.conf", dir.display()), detail: e.to_string() }),
            }
        }
        errors
    }

    /// Closes every socket and forgets every file written (the files go
    /// with their namespaces: [`crate::system::delete_namespaces`]).
    pub fn clear(&mut self) {
        self.bound.clear();
        self.written.clear();
        {
            let mut sh = lock(&self.shared);
            sh.sockets.clear();
            sh.zones.clear();
        }
        let _ = self.wake.send(&[1]);
    }
}

impl Drop for Resolver {
    /// Closes every socket and stops the thread.
    fn drop(&mut self) {
        self.clear();
        lock(&self.shared).stop = true;
        let _ = self.wake.send(&[1]);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Binds UDP port 53 at each address inside namespace `ns`. Switches the
/// calling thread's namespace: call it from a thread of its own.
fn bind_in(ns: &str, addrs: &[Ipv4Addr]) -> Result<Vec<Arc<UdpSocket>>, Error> {
    let err = |what: String, e: &dyn std::fmt::Display| Error::Command { what, detail: e.to_string() };
    let f = std::fs::File::open(format!("{NETNS_DIR}/{ns}")).map_err(|e| err(format!("opening {ns}"), &e))?;
    setns(&f, CloneFlags::CLONE_NEWNET).map_err(|e| err(format!("entering {ns}"), &e))?;
    addrs
        .iter()
        .map(|a| {
            let s = UdpSocket::bind((*a, PORT)).map_err(|e| err(format!("binding {a}:{PORT} in {ns}"), &e))?;
            s.set_nonblocking(true).map_err(|e| err(format!("binding {a}:{PORT} in {ns}"), &e))?;
            Ok(Arc::new(s))
        })
        .collect()
}

/// The serving loop: waits on every socket and the wake-up channel.
fn serve(shared: &Mutex<Shared>, wake: &UnixDatagram) {
    let mut socks: Vec<(String, Arc<UdpSocket>)> = Vec::new();
    let mut buf = [0u8; 1500];
    loop {
        let ready: Vec<bool> = {
            let mut fds = vec![PollFd::new(wake.as_fd(), PollFlags::POLLIN)];
            fds.extend(socks.iter().map(|(_, s)| PollFd::new(s.as_fd(), PollFlags::POLLIN)));
            if poll(&mut fds, PollTimeout::NONE).is_err() {
                continue; // EINTR
            }
            fds.iter().map(|f| f.revents().is_some_and(|r| !r.is_empty())).collect()
        };
        if ready[0] {
            while wake.recv(&mut buf).is_ok() {}
            let sh = lock(shared);
            if sh.stop {
                return;
            }
            socks = sh.sockets.clone();
            continue;
        }
        for ((vpc, s), _) in socks.iter().zip(&ready[1..]).filter(|(_, r)| **r) {
            while let Ok((n, from)) = s.recv_from(&mut buf) {
                let SocketAddr::V4(from) = from else { continue };
                let reply = lock(shared).zones.get(vpc).and_then(|z| z.respond(&buf[..n], *from.ip()));
                if let Some(r) = reply {
                    let _ = s.send_to(&r, from);
                }
            }
        }
    }
}
