//! Measuring TCP throughput between namespaces without outside tools: the
//! host's ceiling (a bare veth pair), from which `--emulate-bandwidth`
//! scales AWS's limits, and any path of a built data plane (tests).
//!
//! A socket stays in the namespace it was created in, so a fresh thread
//! enters the receiver's namespace and listens, another enters the sender's
//! and connects; both threads end afterwards (they must not be reused).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use nix::sched::{setns, CloneFlags};

use crate::system::{self, NETNS_DIR};
use crate::Error;

fn err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Command { what: format!("throughput: {what}"), detail: e.to_string() }
}

fn enter(ns: &str) -> Result<(), Error> {
    let f = std::fs::File::open(format!("{NETNS_DIR}/{ns}")).map_err(|e| err(&format!("opening {ns}"), e))?;
    setns(&f, CloneFlags::CLONE_NEWNET).map_err(|e| err(&format!("entering {ns}"), e))
}

/// Goodput in bit/s of one TCP stream sent for `duration` from namespace
/// `client` to `connect`, received in namespace `server` on `listen`
/// (`connect` differs from `listen` behind NAT). Counted by the receiver,
/// from its first byte to the sender's close.
pub fn tcp_goodput(server: &str, listen: SocketAddr, client: &str, connect: SocketAddr, duration: Duration) -> Result<f64, Error> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), Error>>();
    let server_ns = server.to_string();
    let receiver = std::thread::spawn(move || -> Result<f64, Error> {
        let listener = enter(&server_ns).and_then(|_| TcpListener::bind(listen).map_err(|e| err(&format!("binding {listen}"), e)));
        let listener = match listener {
            Ok(l) => {
                let _ = ready_tx.send(Ok(()));
                l
            }
            Err(e) => {
                let _ = ready_tx.send(Err(err("listening", &e)));
                return Err(e);
            }
        };
        let (mut conn, _) = listener.accept().map_err(|e| err("accept", e))?;
        let mut buf = vec![0u8; 256 * 1024];
        let mut first: Option<Instant> = None;
        let mut bytes = 0u64;
        loop {
            let n = conn.read(&mut buf).map_err(|e| err("read", e))?;
            if n == 0 {
                break;
            }
            first.get_or_insert_with(Instant::now);
            bytes += n as u64;
        }
        let secs = first.map(|t| t.elapsed().as_secs_f64()).unwrap_or(0.0);
        Ok(if secs > 0.0 { bytes as f64 * 8.0 / secs } else { 0.0 })
    });
    ready_rx.recv().map_err(|e| err("receiver", e))??;
    let client_ns = client.to_string();
    let sender = std::thread::spawn(move || -> Result<(), Error> {
        enter(&client_ns)?;
        let mut s = TcpStream::connect_timeout(&connect, Duration::from_secs(3)).map_err(|e| err(&format!("connecting to {connect}"), e))?;
        let buf = vec![0x5au8; 256 * 1024];
        let end = Instant::now() + duration;
        while Instant::now() < end {
            s.write_all(&buf).map_err(|e| err("write", e))?;
        }
        Ok(())
    });
    let sent = sender.join().map_err(|_| err("sender", "panicked"))?;
    if let Err(e) = sent {
        // Unblock the receiver's accept so its thread ends.
        let unblock = std::thread::spawn({
            let ns = server.to_string();
            move || enter(&ns).map(|_| TcpStream::connect_timeout(&listen, Duration::from_secs(1)))
        });
        let _ = unblock.join();
        let _ = receiver.join();
        return Err(e);
    }
    receiver.join().map_err(|_| err("receiver", "panicked"))?
}

/// The host's ceiling: one TCP stream over a bare veth pair (MTU 9001, as
/// an ENI's) between two namespaces of the run `prefix`, removed afterwards.
pub fn host_ceiling(prefix: &str) -> Result<f64, Error> {
    let (x, y) = (crate::names::ns(prefix, "ceiling-x"), crate::names::ns(prefix, "ceiling-y"));
    let end = |ip: &str| format!("addr add {ip}/30 dev eth0\nlink set eth0 up\nlink set lo up\n");
    let made = system::ip_batch(None, &format!("netns add {x}\nnetns add {y}\nlink add eth0 netns {x} mtu 9001 type veth peer name eth0 netns {y} mtu 9001\n"), false)
        .and_then(|_| system::ip_batch(Some(&x), &end("192.0.2.1"), false))
        .and_then(|_| system::ip_batch(Some(&y), &end("192.0.2.2"), false));
    let res = made.and_then(|_| {
        let at: SocketAddr = "192.0.2.1:5201".parse().map_err(|e| err("address", e))?;
        // A short warm-up, then the measurement.
        tcp_goodput(&x, at, &y, at, Duration::from_millis(200))?;
        let bps = tcp_goodput(&x, at, &y, at, Duration::from_secs(1))?;
        // Scaling limits from nothing would shape every link to zero.
        if bps < 1e6 {
            return Err(err("host ceiling", format!("a bare veth pair carried only {bps:.0} bit/s")));
        }
        Ok(bps)
    });
    let _ = system::delete_namespaces(&[x, y]);
    res
}
