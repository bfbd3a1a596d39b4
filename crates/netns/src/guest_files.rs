//! Each instance's own `/srv` and `/var/www`: the namespaces share the
//! host's filesystem, so two instances whose user data writes
//! `/srv/www/index.html` would serve each other's page. `ip netns exec`
//! already gives its command a private (slave) mount namespace, so the
//! command is wrapped in a shell that bind-mounts the instance's own
//! directories (`<instance dir>/root/srv`, `.../root/var/www`) over them
//! first: the mounts live and die with that namespace, never on the host.
//! User data and `xvpc exec` both go through [`command`], so commands run
//! later see the files user data wrote.

use std::path::Path;
use std::process::Command;

/// The directories each instance has its own copy of.
pub const PRIVATE: [&str; 2] = ["/srv", "/var/www"];

/// Makes each private directory (under `$1/root`, and the host's mount
/// point if missing), bind-mounts it, then replaces the shell with the
/// command (`$@` after the instance directory).
fn wrapper() -> String {
    format!(
        "set -e\nhome=$1; shift\nfor d in {}; do\n  mkdir -p \"$home/root$d\" \"$d\"\n  mount --bind \"$home/root$d\" \"$d\"\ndone\nexec \"$@\"",
        PRIVATE.join(" ")
    )
}

/// `ip netns exec <ns> ...` wrapped so the private directories of the
/// instance whose directory is `home` are mounted; the caller appends the
/// program and its arguments.
pub fn command(ns: &str, home: &Path) -> Command {
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", ns, "/bin/sh", "-c", &wrapper(), "xvpc-guest"]).arg(home);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_the_command_after_the_instance_directory() {
        let mut cmd = command("xv12-eni-1", Path::new("/run/x/i-1"));
        cmd.args(["curl", "-s"]);
        let args: Vec<String> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(&args[..3], ["netns", "exec", "xv12-eni-1"]);
        assert_eq!(&args[args.len() - 3..], ["/run/x/i-1", "curl", "-s"]);
    }
}
