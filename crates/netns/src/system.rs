//! The host side: running `ip` and `nft`, capabilities, and finding and
//! removing what earlier runs left behind. Linux only.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::names;
use crate::names::IPV6;
use crate::Error;

/// Where namespaces are bind-mounted (`ip netns` convention).
pub const NETNS_DIR: &str = "/run/netns";
/// Per-namespace files `ip netns exec` mounts over `/etc` (the guests'
/// `resolv.conf`).
pub const ETC_NETNS: &str = "/etc/netns";
/// Where runs keep their owner pid, user data and logs.
pub const RUN_DIR: &str = "/run/xvpc";

/// Runs a program, feeding `stdin`; fails with its stderr on a non-zero exit.
pub fn run(program: &str, args: &[&str], stdin: Option<&str>) -> Result<String, Error> {
    let mut cmd = Command::new(program);
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped()).stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let what = format!("{program} {}", args.join(" "));
    let mut child = cmd.spawn().map_err(|e| Error::Command { what: what.clone(), detail: e.to_string() })?;
    if let (Some(input), Some(mut pipe)) = (stdin, child.stdin.take()) {
        // A failing write shows up as the command's own error below.
        let _ = pipe.write_all(input.as_bytes());
    }
    let out = child.wait_with_output().map_err(|e| Error::Command { what: what.clone(), detail: e.to_string() })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let detail = String::from_utf8_lossy(&out.stderr).trim().to_string();
        Err(Error::Command { what, detail: if detail.is_empty() { out.status.to_string() } else { detail } })
    }
}

/// Runs an `ip -batch` (in namespace `ns` when given). With `force`, every
/// line runs even after a failure (used for undo lines whose object may
/// already be gone with its device). Lines starting with [`IPV6`] run
/// after the others, in a second `ip -6 -batch`.
pub fn ip_batch(ns: Option<&str>, batch: &str, force: bool) -> Result<(), Error> {
    if !batch.lines().any(|l| l.starts_with(IPV6)) {
        return ip_batch_family(ns, batch, force, None);
    }
    let (mut v4, mut v6) = (String::new(), String::new());
    for l in batch.lines() {
        match l.strip_prefix(IPV6) {
            Some(rest) => (v6 += rest, v6.push('\n')),
            None => (v4 += l, v4.push('\n')),
        };
    }
    let first = ip_batch_family(ns, &v4, force, None);
    let second = ip_batch_family(ns, &v6, force, Some("-6"));
    first.and(second)
}

fn ip_batch_family(ns: Option<&str>, batch: &str, force: bool, family: Option<&str>) -> Result<(), Error> {
    if batch.is_empty() {
        return Ok(());
    }
    let mut args: Vec<&str> = Vec::new();
    if let Some(ns) = ns {
        args.extend(["-n", ns]);
    }
    args.extend(family);
    if force {
        args.push("-force");
    }
    args.extend(["-batch", "-"]);
    run("ip", &args, Some(batch)).map(|_| ())
}

/// Runs a program inside a namespace (`ip netns exec`).
pub fn in_ns(ns: &str, program: &str, args: &[&str], stdin: Option<&str>) -> Result<String, Error> {
    let mut all = vec!["netns", "exec", ns, program];
    all.extend_from_slice(args);
    run("ip", &all, stdin)
}

/// Pids of the processes inside any of `namespaces`: one pass over /proc,
/// comparing each process's network namespace inode with the namespaces'
/// (what `ip netns pids` does, for all namespaces at once).
pub fn pids_in(namespaces: &[String]) -> Vec<u32> {
    use std::os::unix::fs::MetadataExt;
    let inodes: std::collections::BTreeSet<u64> =
        namespaces.iter().filter_map(|n| std::fs::metadata(Path::new(NETNS_DIR).join(n)).ok()).map(|m| m.ino()).collect();
    if inodes.is_empty() {
        return Vec::new();
    }
    let me = std::process::id();
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    dir.filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter(|pid| *pid != me)
        .filter(|pid| std::fs::metadata(format!("/proc/{pid}/ns/net")).is_ok_and(|m| inodes.contains(&m.ino())))
        .collect()
}

/// Kills every process inside the namespaces (SIGKILL: a guest's processes
/// get no say, like an instance losing power).
pub fn kill_all_in(namespaces: &[String]) {
    let pids: Vec<String> = pids_in(namespaces).into_iter().map(|p| p.to_string()).collect();
    if !pids.is_empty() {
        let mut args = vec!["-KILL"];
        args.extend(pids.iter().map(String::as_str));
        let _ = run("kill", &args, None);
    }
}

/// Deletes namespaces (after killing their processes, or they would live on).
pub fn delete_namespaces(namespaces: &[String]) -> Result<(), Error> {
    kill_all_in(namespaces);
    let batch: String = namespaces.iter().map(|n| format!("netns del {n}\n")).collect();
    let res = ip_batch(None, &batch, true);
    for n in namespaces.iter().filter(|n| names::prefix_of(n).is_some()) {
        let _ = std::fs::remove_dir_all(Path::new(ETC_NETNS).join(n));
    }
    res
}

/// Namespaces currently present, by name.
pub fn list_namespaces() -> Vec<String> {
    std::fs::read_dir(NETNS_DIR).map(|d| d.filter_map(|e| e.ok()).filter_map(|e| e.file_name().into_string().ok()).collect()).unwrap_or_default()
}

/// `pid starttime`: identifies a process even after its pid is reused.
pub fn process_identity(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may contain spaces) start at ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let start = rest.split_whitespace().nth(19)?;
    Some(format!("{pid} {start}"))
}

/// The directory of a run.
pub fn run_dir(prefix: &str) -> PathBuf {
    Path::new(RUN_DIR).join(prefix)
}

/// Records this process as the owner of `prefix`. The directory appears
/// with its owner file already inside (written aside, then renamed), so a
/// concurrent start never sees it ownerless and removes it as stale.
pub fn claim(prefix: &str) -> Result<PathBuf, Error> {
    let dir = run_dir(prefix);
    let tmp = Path::new(RUN_DIR).join(format!(".{prefix}.{}", std::process::id()));
    let io = |what: &str, e: std::io::Error| Error::Command { what: format!("{what} {}", tmp.display()), detail: e.to_string() };
    std::fs::create_dir_all(&tmp).map_err(|e| io("creating", e))?;
    let me = process_identity(std::process::id()).unwrap_or_default();
    std::fs::write(tmp.join("owner"), me).map_err(|e| io("writing the owner file in", e))?;
    std::fs::rename(&tmp, &dir).map_err(|e| io("renaming", e))?;
    Ok(dir)
}

fn owner_alive(prefix: &str) -> bool {
    let Ok(owner) = std::fs::read_to_string(run_dir(prefix).join("owner")) else { return false };
    let Some(pid) = owner.split_whitespace().next().and_then(|p| p.parse::<u32>().ok()) else { return false };
    process_identity(pid).as_deref() == Some(owner.trim())
}

/// Removes every namespace (and its processes) and run directory of
/// xvpc runs whose owner process is gone. Returns the removed namespaces.
pub fn remove_stale_runs() -> Vec<String> {
    let mut by_prefix: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in list_namespaces() {
        if let Some(p) = names::prefix_of(&n) {
            by_prefix.entry(p.to_string()).or_default().push(n.clone());
        }
    }
    // A crash can leave a namespace's /etc/netns files after the namespace.
    if let Ok(d) = std::fs::read_dir(ETC_NETNS) {
        for n in d.filter_map(|e| e.ok()).filter_map(|e| e.file_name().into_string().ok()) {
            if let Some(p) = names::prefix_of(&n) {
                let nss = by_prefix.entry(p.to_string()).or_default();
                if !nss.contains(&n) {
                    nss.push(n);
                }
            }
        }
    }
    if let Ok(d) = std::fs::read_dir(RUN_DIR) {
        for e in d.filter_map(|e| e.ok()) {
            if let Ok(name) = e.file_name().into_string() {
                if name.len() == 6 && names::prefix_of(&format!("{name}-x")).is_some() {
                    by_prefix.entry(name).or_default();
                }
            }
        }
    }
    let mut removed = Vec::new();
    for (prefix, nss) in by_prefix {
        if owner_alive(&prefix) {
            continue;
        }
        if let Err(e) = delete_namespaces(&nss) {
            tracing::warn!("removing stale namespaces of {prefix}: {e}");
        }
        let _ = std::fs::remove_dir_all(run_dir(&prefix));
        removed.extend(nss);
    }
    removed
}

/// What the netns data plane needs and is missing, as advice a user can act
/// on; empty when everything is there.
pub fn missing_capabilities() -> Vec<String> {
    let mut missing = Vec::new();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let eff = status.lines().find_map(|l| l.strip_prefix("CapEff:")).and_then(|h| u64::from_str_radix(h.trim(), 16).ok()).unwrap_or(0);
    let mut caps = Vec::new();
    if eff & (1 << 12) == 0 {
        caps.push("CAP_NET_ADMIN");
    }
    if eff & (1 << 21) == 0 {
        caps.push("CAP_SYS_ADMIN");
    }
    if !caps.is_empty() {
        missing.push(format!(
            "missing {} (needed to create network namespaces): run as root (`sudo xvpc serve --dataplane netns`), \
             or grant them: `sudo setcap cap_net_admin,cap_sys_admin+ep $(command -v xvpc)`; in a container use --privileged",
            caps.join(" and ")
        ));
    }
    for (bin, pkg) in [("ip", "iproute2"), ("nft", "nftables")] {
        let found = std::env::var_os("PATH")
            .map(|p| std::env::split_paths(&p).chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")]).any(|d| d.join(bin).is_file()))
            .unwrap_or(false);
        if !found {
            missing.push(format!("`{bin}` not found: install it (`apt-get install -y {pkg}`)"));
        }
    }
    missing
}
