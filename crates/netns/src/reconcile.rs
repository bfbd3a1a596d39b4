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
    guests: Guests,
    /// Threads used to configure guests in parallel.
    pub parallelism: usize,
}

const ROUTER_SYSCTLS: &[&str] = &[
    "net.ipv4.ip_forward=1",
    "net.ipv4.conf.all.rp_filter=0",
    "net.ipv4.conf.default.rp_filter=0",
    "net.ipv4.conf.all.send_redirects=0",
    "net.ipv4.conf.default.send_redirects=0",
    "net.ipv6.conf.all.disable_ipv6=1",
    "net.ipv6.conf.default.disable_ipv6=1",
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
        let prefix = crate::names::new_prefix();
        let dir = system::claim(&prefix)?;
        Ok(Dataplane {
            guests: Guests::new(dir.clone()),
            prefix,
            dir,
            alloc: Alloc::default(),
            namespaces: BTreeSet::new(),
            enis: BTreeMap::new(),
            links: BTreeMap::new(),
            router_ip: BTreeMap::new(),
            router_nft: BTreeMap::new(),
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

    /// Where a running instance's user data writes its output.
    pub fn log_of(&self, instance_id: &str) -> PathBuf {
        self.dir.join(instance_id).join("user-data.log")
    }

    /// Brings the namespaces in line with `state`.
    pub fn reconcile(&mut self, state: &State) -> Report {
        let t0 = Instant::now();
        let want = topology::desired(state, &self.prefix, &mut self.alloc);
        let mut rep = Report::default();
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

        // 3. New namespaces (routers first get their sysctls, so ports and
        //    links created in them inherit rp_filter=0), then veths.
        let new_routers: Vec<&topology::Router> = want.routers.values().filter(|r| !self.namespaces.contains(&r.ns)).collect();
        let new_enis: Vec<&Eni> = want.enis.values().filter(|e| !self.enis.contains_key(&e.eni_id)).collect();
        let mut batch = String::new();
        for ns in new_routers.iter().map(|r| &r.ns).chain(new_enis.iter().map(|e| &e.ns)) {
            batch += &format!("netns add {ns}\n");
        }
        if let Err(e) = ip_batch(None, &batch, true) {
            err(&mut rep, e);
        }
        rep.created_namespaces = new_routers.len() + new_enis.len();
        for r in &new_routers {
            self.namespaces.insert(r.ns.clone());
            let mut args = vec!["-q", "-w"];
            args.extend_from_slice(ROUTER_SYSCTLS);
            if let Err(e) = system::in_ns(&r.ns, "sysctl", &args, None) {
                err(&mut rep, e);
            }
        }
        let mut batch = String::new();
        for e in &new_enis {
            self.namespaces.insert(e.ns.clone());
            batch += &format!(
                "link add eth0 netns {} address {} mtu {MTU} type veth peer name {} netns {} address {} mtu {MTU}\n",
                e.ns, e.mac, e.port, e.router_ns, e.port_mac
            );
        }
        let new_links: Vec<&Link> = want.links.values().filter(|l| !self.links.contains_key(&l.id)).collect();
        for l in &new_links {
            batch += &format!(
                "link add {} netns {} address {} mtu {MTU} type veth peer name {} netns {} address {} mtu {MTU}\n",
                l.ifname, l.a_ns, l.a_mac, l.ifname, l.b_ns, l.b_mac
            );
        }
        if let Err(e) = ip_batch(None, &batch, true) {
            err(&mut rep, e);
        }
        for l in new_links {
            self.links.insert(l.id.clone(), l.clone());
        }

        // 4. Guest side of new or changed ENIs, in parallel.
        let todo: Vec<&Eni> = want.enis.values().filter(|e| self.enis.get(&e.eni_id) != Some(*e)).collect();
        let errors = std::sync::Mutex::new(Vec::new());
        let next = std::sync::atomic::AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..self.parallelism.max(1) {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(e) = todo.get(i) else { break };
                    if let Err(x) = ip_batch(Some(&e.ns), &e.guest_batch(), false) {
                        errors.lock().unwrap_or_else(|p| p.into_inner()).push(x);
                    }
                });
            }
        });
        for x in errors.into_inner().unwrap_or_else(|p| p.into_inner()) {
            err(&mut rep, x);
        }
        rep.configured_enis = todo.len();
        for e in todo {
            self.enis.insert(e.eni_id.clone(), e.clone());
        }

        // 5. Routers: routes, rules, addresses, ports; then the firewall.
        for r in want.routers.values() {
            let old = self.router_ip.get(&r.vpc_id).cloned().unwrap_or_default();
            let undo: String = old.iter().filter(|(k, l)| r.ip.get(*k) != Some(*l)).filter_map(|(_, l)| l.del.as_ref()).map(|d| format!("{d}\n")).collect();
            let mut add: String = if old.is_empty() { "link set lo up\n".into() } else { String::new() };
            add += &r.ip.iter().filter(|(k, l)| old.get(*k) != Some(*l)).map(|(_, l)| format!("{}\n", l.add)).collect::<String>();
            if !undo.is_empty() || !add.is_empty() {
                rep.routers_changed += 1;
                let _ = ip_batch(Some(&r.ns), &undo, true);
                if let Err(e) = ip_batch(Some(&r.ns), &add, true) {
                    err(&mut rep, e);
                }
            }
            self.router_ip.insert(r.vpc_id.clone(), r.ip.clone());
            if self.router_nft.get(&r.vpc_id) != Some(&r.nft) {
                rep.firewalls_changed += 1;
                let tx = format!("table inet {t}\ndelete table inet {t}\n{}", r.nft, t = crate::firewall::TABLE);
                match system::in_ns(&r.ns, "nft", &["-f", "-"], Some(&tx)) {
                    Ok(_) => {
                        self.router_nft.insert(r.vpc_id.clone(), r.nft.clone());
                    }
                    Err(e) => err(&mut rep, e),
                }
            }
        }

        // 6. Guests that now run boot: their user data starts.
        match self.guests.start_new(&want.guests) {
            Ok(n) => rep.started_guests = n,
            Err(e) => err(&mut rep, e),
        }
        rep.millis = t0.elapsed().as_millis();
        rep
    }

    /// Removes everything this run built: processes, namespaces, files.
    pub fn teardown(&mut self) -> Result<(), Error> {
        self.guests.forget_all();
        let all: Vec<String> = system::list_namespaces().into_iter().filter(|n| crate::names::prefix_of(n) == Some(self.prefix.as_str())).collect();
        let res = system::delete_namespaces(&all);
        self.namespaces.clear();
        self.enis.clear();
        self.links.clear();
        self.router_ip.clear();
        self.router_nft.clear();
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
