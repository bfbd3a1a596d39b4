//! The reconciler: turns the data plane as it is into the data plane the
//! model wants, by applying only the difference. Linux only.
//!
//! Costs were measured (see the report in the crate docs): creating
//! namespaces and veths is done in one `ip -batch` for all new objects, each
//! router's routes and rules in one `ip -batch`, each router's firewall in
//! one atomic `nft -f` transaction, and each new guest in one `ip -batch`
//! run by a small pool of threads (process spawning is the bottleneck).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use xvpc_model::State;

use crate::guest::Guests;
use crate::system::{self, ip_batch};
use crate::topology::{self, Alloc, Desired, Eni, Line, Link, MTU};
use crate::{Error, Report};

/// The Linux data plane of one run: everything it built, under its prefix.
pub struct Dataplane {
    prefix: String,
    dir: PathBuf,
    alloc: Alloc,
    namespaces: BTreeSet<String>,
    enis: BTreeMap<String, Eni>,
    links: BTreeMap<String, Link>,
    router_ip: BTreeMap<String, BTreeMap<String, Line>>,
    router_nft: BTreeMap<String, String>,
    ns_links: BTreeMap<String, crate::privatelink::NsLink>,
    nat: BTreeMap<String, String>,
    guests: Guests,
    resolver: crate::resolver::Resolver,
    /// AWS services answering behind endpoints, and the run's TLS authority.
    services: crate::aws_service_host::ServiceHosts,
    /// Throughput limits, when emulated, and the qdiscs applied for them.
    bandwidth: Option<crate::bandwidth::Bandwidth>,
    shapers: BTreeMap<(String, String), crate::bandwidth::Shaper>,
    /// Flow log counters read so far, and flows not yet written.
    flows: crate::flow_log::Aggregator,
    /// Threads used to configure guests in parallel.
    pub parallelism: usize,
}

/// Removes both NAT tables (`ip` and `ip6 xvpc_nat`) in one nft
/// transaction, whether they exist or not (each is declared first).
const NAT_RESET: &str = "table ip xvpc_nat\ndelete table ip xvpc_nat\ntable ip6 xvpc_nat\ndelete table ip6 xvpc_nat\n";

const ROUTER_SYSCTLS: &[&str] = &[
    "net.ipv4.ip_forward=1",
    "net.ipv4.conf.all.rp_filter=0",
    "net.ipv4.conf.default.rp_filter=0",
    "net.ipv4.conf.all.send_redirects=0",
    "net.ipv4.conf.default.send_redirects=0",
    // IPv6 is forwarded like IPv4. Router ports get no link-local address
    // (`addr_gen_mode` 1): neighbours are permanent entries, so nothing
    // needs one, and each would cost duplicate address detection and
    // multicast joins per port.
    "net.ipv6.conf.all.disable_ipv6=0",
    "net.ipv6.conf.default.disable_ipv6=0",
    "net.ipv6.conf.default.addr_gen_mode=1",
    "net.ipv6.conf.all.forwarding=1",
    "net.ipv6.conf.default.forwarding=1",
];

impl Dataplane {
    /// Checks capabilities, removes what crashed runs left, and claims a
    /// fresh run prefix.
    pub fn start() -> Result<Dataplane, Error> {
        let missing = system::missing_capabilities();
        if !missing.is_empty() {
            return Err(Error::Unavailable(missing.join("\n")));
        }
        let removed = system::remove_stale_runs();
        if !removed.is_empty() {
            tracing::warn!("removed {} namespaces left by earlier runs", removed.len());
        }
        let resolver = crate::resolver::Resolver::start()?;
        let prefix = crate::names::new_prefix();
        let dir = system::claim(&prefix)?;
        let services = crate::aws_service_host::ServiceHosts::new(&dir, &prefix)?;
        Ok(Dataplane {
            services,
            guests: Guests::new(dir.clone()),
            resolver,
            prefix,
            dir,
            alloc: Alloc::default(),
            namespaces: BTreeSet::new(),
            enis: BTreeMap::new(),
            links: BTreeMap::new(),
            router_ip: BTreeMap::new(),
            router_nft: BTreeMap::new(),
            ns_links: BTreeMap::new(),
            nat: BTreeMap::new(),
            bandwidth: None,
            shapers: BTreeMap::new(),
            flows: crate::flow_log::Aggregator::default(),
            parallelism: 4,
        })
    }

    /// The run prefix of every namespace this data plane owns.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The namespace of a model object (`vpc-…` router, `eni-…` guest).
    pub fn namespace_of(&self, id: &str) -> String {
        crate::names::ns(&self.prefix, id)
    }

    /// Emulates AWS's throughput limits (or stops, with `None`) from the
    /// next reconciliation on.
    pub fn set_bandwidth(&mut self, bandwidth: Option<crate::bandwidth::Bandwidth>) {
        self.bandwidth = bandwidth;
    }

    /// The emulated throughput limits, if any.
    pub fn bandwidth(&self) -> Option<crate::bandwidth::Bandwidth> {
        self.bandwidth
    }

    /// The run's directory (instances' files, the TLS authority `ca.pem`).
    pub fn run_dir(&self) -> &std::path::Path {
        &self.dir
    }

    /// Where xvpc's own listener is to be told, for interface endpoints
    /// that forward to it (see [`crate::aws_service_host`]).
    pub fn api_handle(&self) -> std::sync::Arc<std::sync::Mutex<Option<std::net::SocketAddr>>> {
        self.services.api_handle()
    }

    /// Where a running instance's user data writes its output.
    pub fn log_of(&self, instance_id: &str) -> PathBuf {
        self.dir.join(instance_id).join("user-data.log")
    }

    /// Reads the flow counters of every router that counts for a flow log
    /// (one `nft` listing each, in parallel).
    pub fn read_flows(&mut self) {
        let now = std::time::SystemTime::now();
        let routers: Vec<String> = self.router_nft.iter().filter(|(_, nft)| crate::flow_log::counts(nft)).map(|(vpc, _)| self.namespace_of(vpc)).collect();
        let listings = parallel(&routers, self.parallelism, |ns| system::in_ns(ns, "nft", &["-j", "-n", "list", "sets", "inet"], None));
        for (ns, listing) in routers.iter().zip(listings) {
            match listing {
                Ok(json) => self.flows.read(ns, crate::flow_log::parse(&json), now),
                Err(e) => tracing::warn!("data plane: reading flow counters: {e}"),
            }
        }
    }

    /// The flows whose flow log records are due, each with the ENI that
    /// saw it (flows at ports that no longer exist are dropped).
    pub fn flows_due(&mut self) -> Vec<(String, crate::flow_log::Flow)> {
        let due = self.flows.due(std::time::SystemTime::now());
        if due.is_empty() {
            return Vec::new();
        }
        let by_port: BTreeMap<(&str, &str), &str> = self.enis.values().map(|e| ((e.router_ns.as_str(), e.port.as_str()), e.eni_id.as_str())).collect();
        due.into_iter()
            .filter_map(|f| {
                let id = by_port.get(&(f.router.as_str(), f.key.port.as_str()))?.to_string();
                Some((id, f))
            })
            .collect()
    }

    /// Brings the namespaces in line with `state`.
    pub fn reconcile(&mut self, state: &State) -> Report {
        let t0 = Instant::now();
        // A router's firewall is replaced whole, counters included: read
        // them first, so what was counted is not lost.
        if self.router_nft.values().any(|nft| crate::flow_log::counts(nft)) {
            self.read_flows();
        }
        let want = topology::desired(state, &self.prefix, &mut self.alloc);
        let mut rep = Report::default();
        let mut mark = Instant::now();
        let mut phase = |rep: &mut Report, name: &'static str| {
            rep.phases.push((name, mark.elapsed().as_millis()));
            mark = Instant::now();
        };
        let err = |rep: &mut Report, e: Error| {
            tracing::error!("data plane: {e}");
            rep.errors.push(e.to_string());
        };

        // 1. Guests that stopped running lose their processes first.
        rep.stopped_guests = self.guests.stop_missing(&want.guests);

        // 2. Remove what is gone or must be rebuilt.
        let mut doomed: Vec<String> = Vec::new();
        let rebuilt: Vec<String> =
            self.enis.iter().filter(|(id, e)| want.enis.get(*id).is_none_or(|w| plumbing(w) != plumbing(e))).map(|(id, _)| id.clone()).collect();
        for id in rebuilt {
            if let Some(e) = self.enis.remove(&id) {
                doomed.push(e.ns);
            }
        }
        for (vpc, _) in self.router_ip.clone() {
            if !want.routers.contains_key(&vpc) {
                doomed.push(self.namespace_of(&vpc));
                self.router_ip.remove(&vpc);
                self.router_nft.remove(&vpc);
                let rns = self.namespace_of(&vpc);
                self.flows.forget(&rns);
                self.links.retain(|_, l| l.a_ns != rns && l.b_ns != rns);
            }
        }
        let gone_links: Vec<Link> = self.links.iter().filter(|(id, l)| want.links.get(*id) != Some(*l)).map(|(_, l)| l.clone()).collect();
        for l in &gone_links {
            self.links.remove(&l.id);
            // A link inside a router being deleted goes with it.
            if !doomed.contains(&l.a_ns) {
                if let Err(e) = system::run("ip", &["-n", &l.a_ns, "link", "del", &l.ifname], None) {
                    err(&mut rep, e);
                }
            }
        }
        if !doomed.is_empty() {
            if let Err(e) = system::delete_namespaces(&doomed) {
                err(&mut rep, e);
            }
            rep.deleted_namespaces = doomed.len();
            for n in &doomed {
                self.namespaces.remove(n);
            }
        }

        phase(&mut rep, "remove");
        // 3. New namespaces (routers first get their sysctls, so ports and
        //    links created in them inherit rp_filter=0), then veths.
        let new_routers: Vec<&topology::Router> = want.routers.values().filter(|r| !self.namespaces.contains(&r.ns)).collect();
        let new_enis: Vec<&Eni> = want.enis.values().filter(|e| !self.enis.contains_key(&e.eni_id)).collect();
        // Creating a namespace is kernel work that parallelizes (unlike
        // link creation, serialized by the rtnl lock): a few `ip` processes.
        let adds: Vec<String> = new_routers.iter().map(|r| &r.ns).chain(new_enis.iter().map(|e| &e.ns)).map(|ns| format!("netns add {ns}\n")).collect();
        let chunks: Vec<String> = adds.chunks(adds.len().div_ceil(self.parallelism.max(1)).max(1)).map(|c| c.concat()).collect();
        for r in parallel(&chunks, self.parallelism, |b| ip_batch(None, b, true)) {
            if let Err(e) = r {
                err(&mut rep, e);
            }
        }
        rep.created_namespaces = new_routers.len() + new_enis.len();
        phase(&mut rep, "netns add");
        for r in &new_routers {
            self.namespaces.insert(r.ns.clone());
            // `-e`: a kernel without IPv6 has no `net.ipv6` keys; IPv4 still works.
            let mut args = vec!["-e", "-q", "-w"];
            args.extend_from_slice(ROUTER_SYSCTLS);
            if let Err(e) = system::in_ns(&r.ns, "sysctl", &args, None) {
                err(&mut rep, e);
            }
        }
        phase(&mut rep, "router sysctls");
        let mut batch = String::new();
        for e in &new_enis {
            self.namespaces.insert(e.ns.clone());
            batch += &format!(
                "link add eth0 netns {} index {} address {} mtu {MTU} type veth peer name {} netns {} address {} mtu {MTU}\n",
                e.ns,
                crate::netlink::ETH0_INDEX,
                e.mac,
                e.port,
                e.router_ns,
                e.port_mac
            );
        }
        let new_links: Vec<&Link> = want.links.values().filter(|l| !self.links.contains_key(&l.id)).collect();
        for l in &new_links {
            batch += &format!(
                "link add {} netns {} address {} mtu {mtu} type veth peer name {} netns {} address {} mtu {mtu}\n",
                l.ifname,
                l.a_ns,
                l.a_mac,
                l.ifname,
                l.b_ns,
                l.b_mac,
                mtu = l.mtu
            );
        }
        if let Err(e) = ip_batch(None, &batch, true) {
            err(&mut rep, e);
        }
        for l in &new_links {
            self.links.insert(l.id.clone(), (*l).clone());
        }

        phase(&mut rep, "veths");
        // 4. Guest side of new or changed ENIs, in parallel: new ones over
        //    netlink from threads that enter their namespace, changed ones
        //    (rare: secondary addresses) with `ip -batch`.
        let todo: Vec<(&Eni, bool)> =
            want.enis.values().filter(|e| self.enis.get(&e.eni_id) != Some(*e)).map(|e| (e, !self.enis.contains_key(&e.eni_id))).collect();
        let results = parallel(&todo, self.parallelism, |(e, new)| {
            if *new {
                crate::netlink::configure_new_guest(e)
            } else {
                ip_batch(Some(&e.ns), &e.guest_batch(), false)
            }
        });
        for r in results {
            if let Err(x) = r {
                err(&mut rep, x);
            }
        }
        rep.configured_enis = todo.len();
        for (e, _) in todo {
            self.enis.insert(e.eni_id.clone(), e.clone());
        }

        phase(&mut rep, "guests");
        // Interfaces created in this pass, by namespace, get big packets.
        let mut fresh: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for e in &new_enis {
            fresh.entry(&e.ns).or_default().push("eth0".into());
            fresh.entry(&e.router_ns).or_default().push(e.port.clone());
        }
        for l in &new_links {
            fresh.entry(&l.a_ns).or_default().push(l.ifname.clone());
            fresh.entry(&l.b_ns).or_default().push(l.ifname.clone());
        }
        for l in want.ns_links.values().filter(|l| !self.ns_links.contains_key(&l.id)) {
            fresh.entry(&l.a_ns).or_default().push(l.a_if.clone());
            fresh.entry(&l.b_ns).or_default().push(l.b_if.clone());
        }
        self.reconcile_links_and_nat(&want, &mut rep);
        let fresh: Vec<(&str, Vec<String>)> = fresh.into_iter().collect();
        for r in parallel(&fresh, self.parallelism, |(ns, names)| crate::netlink::big_tcp(ns, names)) {
            // Only speed is at stake: say so, but the pass did not fail.
            if let Err(e) = r {
                tracing::warn!("data plane: big packets: {e}");
            }
        }
        phase(&mut rep, "big packets");
        let shaping = self.bandwidth.map(|b| crate::bandwidth::desired(&want, state, &b)).unwrap_or_default();
        let namespaces = &self.namespaces;
        let (_, errors) = crate::bandwidth::apply(&mut self.shapers, shaping, |ns| namespaces.contains(ns));
        errors.into_iter().for_each(|e| err(&mut rep, e));
        // 5. Routers: routes, rules, addresses, ports; then the firewall
        //    (one atomic nft transaction). Routers are independent: in parallel.
        let work: Vec<(&topology::Router, String, String, bool)> = want
            .routers
            .values()
            .map(|r| {
                let old = self.router_ip.get(&r.vpc_id).cloned().unwrap_or_default();
                let undo: String = old.iter().filter(|(k, l)| r.ip.get(*k) != Some(*l)).filter_map(|(_, l)| l.del.as_ref()).map(|d| format!("{d}\n")).collect();
                let mut add: String = if old.is_empty() { "link set lo up\n".into() } else { String::new() };
                add += &r.ip.iter().filter(|(k, l)| old.get(*k) != Some(*l)).map(|(_, l)| format!("{}\n", l.add)).collect::<String>();
                (r, undo, add, self.router_nft.get(&r.vpc_id) != Some(&r.nft))
            })
            .filter(|(_, undo, add, nft)| !undo.is_empty() || !add.is_empty() || *nft)
            .collect();
        let results = parallel(&work, self.parallelism, |(r, undo, add, nft)| {
            let _ = ip_batch(Some(&r.ns), undo, true);
            let ip = ip_batch(Some(&r.ns), add, true);
            let fw = if *nft {
                let tx = format!("table inet {t}\ndelete table inet {t}\n{}", r.nft, t = crate::firewall::TABLE);
                Some(system::in_ns(&r.ns, "nft", &["-f", "-"], Some(&tx)).map(|_| ()))
            } else {
                None
            };
            (ip, fw)
        });
        for ((r, undo, add, _), (ip, fw)) in work.iter().zip(results) {
            if !undo.is_empty() || !add.is_empty() {
                rep.routers_changed += 1;
            }
            if let Err(e) = ip {
                err(&mut rep, e);
            }
            self.router_ip.insert(r.vpc_id.clone(), r.ip.clone());
            match fw {
                Some(Ok(())) => {
                    rep.firewalls_changed += 1;
                    self.router_nft.insert(r.vpc_id.clone(), r.nft.clone());
                }
                Some(Err(e)) => err(&mut rep, e),
                None => {}
            }
        }

        phase(&mut rep, "routers");
        // The VPCs' DNS servers and guests' resolv.conf, before user data runs.
        for e in self.resolver.sync(state, &want) {
            err(&mut rep, e);
        }
        phase(&mut rep, "dns");
        // AWS services behind endpoints answer (before user data may call them).
        for e in self.services.sync(state, &want) {
            err(&mut rep, e);
        }
        phase(&mut rep, "aws services");
        // 6. Guests that now run boot: their user data starts.
        match self.guests.start_new(&want.guests) {
            Ok(n) => rep.started_guests = n,
            Err(e) => err(&mut rep, e),
        }
        rep.millis = t0.elapsed().as_millis();
        rep
    }

    /// PrivateLink plumbing: namespace-to-namespace veths, then NAT tables.
    fn reconcile_links_and_nat(&mut self, want: &Desired, rep: &mut Report) {
        let alive = |ns: &str, me: &Self| me.namespaces.contains(ns);
        let gone: Vec<crate::privatelink::NsLink> = self.ns_links.values().filter(|l| want.ns_links.get(&l.id) != Some(*l)).cloned().collect();
        for l in gone {
            self.ns_links.remove(&l.id);
            if alive(&l.a_ns, self) {
                let _ = system::run("ip", &["-n", &l.a_ns, "link", "del", &l.a_if], None);
            }
        }
        let new: Vec<&crate::privatelink::NsLink> = want.ns_links.values().filter(|l| !self.ns_links.contains_key(&l.id)).collect();
        for l in new {
            let mtu = crate::privatelink::MTU.to_string();
            let res = system::run("ip", &["link", "add", &l.a_if, "netns", &l.a_ns, "mtu", &mtu, "type", "veth", "peer", "name", &l.b_if, "netns", &l.b_ns, "mtu", &mtu], None)
                .and_then(|_| ip_batch(Some(&l.a_ns), &format!("addr add {}/30 dev {}\nlink set {} up\n", l.a_addr, l.a_if, l.a_if), false))
                .and_then(|_| ip_batch(Some(&l.b_ns), &format!("addr add {}/30 dev {}\nlink set {} up\n", l.b_addr, l.b_if, l.b_if), false));
            match res {
                Ok(()) => {
                    self.ns_links.insert(l.id.clone(), l.clone());
                }
                Err(e) => rep.errors.push(e.to_string()),
            }
        }
        let stale: Vec<String> = self.nat.keys().filter(|ns| !want.nat.contains_key(*ns)).cloned().collect();
        for ns in stale {
            self.nat.remove(&ns);
            if alive(&ns, self) {
                let _ = system::in_ns(&ns, "nft", &["-f", "-"], Some(NAT_RESET));
            }
        }
        for (ns, table) in &want.nat {
            if self.nat.get(ns) == Some(table) {
                continue;
            }
            let first = !self.nat.contains_key(ns);
            let tx = format!("{NAT_RESET}{table}");
            let res = (if first { system::in_ns(ns, "sysctl", &["-q", "-w", "net.ipv4.ip_forward=1"], None).map(|_| ()) } else { Ok(()) })
                .and_then(|_| system::in_ns(ns, "nft", &["-f", "-"], Some(&tx)).map(|_| ()));
            match res {
                Ok(()) => {
                    rep.firewalls_changed += 1;
                    self.nat.insert(ns.clone(), table.clone());
                }
                Err(e) => rep.errors.push(e.to_string()),
            }
        }
    }

    /// Removes everything this run built: processes, namespaces, files.
    pub fn teardown(&mut self) -> Result<(), Error> {
        self.guests.forget_all();
        self.resolver.clear();
        self.services.clear();
        let all: Vec<String> = system::list_namespaces().into_iter().filter(|n| crate::names::prefix_of(n) == Some(self.prefix.as_str())).collect();
        let res = system::delete_namespaces(&all);
        self.namespaces.clear();
        self.enis.clear();
        self.links.clear();
        self.router_ip.clear();
        self.router_nft.clear();
        self.ns_links.clear();
        self.nat.clear();
        self.shapers.clear();
        let _ = std::fs::remove_dir_all(&self.dir);
        res
    }

    /// The desired topology of `state` as this run would name it (for
    /// inspection and tests).
    pub fn desired(&mut self, state: &State) -> Desired {
        topology::desired(state, &self.prefix, &mut self.alloc)
    }
}

/// The parts of an ENI that need a new namespace when they change.
fn plumbing(e: &Eni) -> (&str, &str, &str, &str, &str) {
    (&e.ns, &e.router_ns, &e.port, &e.mac, &e.port_mac)
}

/// Runs `f` over `items` on up to `threads` fresh threads; results in order.
/// Fresh threads matter: guest configuration switches a thread's network
/// namespace, and such a thread must not be reused for anything else.
fn parallel<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let out: std::sync::Mutex<Vec<Option<R>>> = std::sync::Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for _ in 0..threads.max(1).min(items.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let r = f(item);
                out.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(r);
            });
        }
    });
    out.into_inner().unwrap_or_else(|p| p.into_inner()).into_iter().flatten().collect()
}
