//! A minimal rtnetlink client: configures a new guest (links up, address,
//! neighbour, routes) with a handful of messages on a socket opened inside
//! the guest's namespace, instead of one `ip -n` process per guest.
//!
//! Why: the build benchmark showed process spawning is the bottleneck
//! (≈2 ms per `ip -n` under load, ×1000 guests), while the kernel work per
//! guest is a few µs. A netlink socket stays bound to the namespace it was
//! created in, so one thread can `setns` into each guest in turn, open a
//! socket there, and send the whole configuration in one write.

use std::fs::File;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::os::fd::{AsRawFd, OwnedFd};

use nix::sched::{setns, CloneFlags};
use nix::sys::socket::{bind, recv, send, socket, AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType};

use crate::system::NETNS_DIR;
use crate::topology::Eni;
use crate::Error;

const RTM_NEWLINK: u16 = 16;
const RTM_NEWADDR: u16 = 20;
const RTM_NEWROUTE: u16 = 24;
const RTM_NEWNEIGH: u16 = 28;
const NLMSG_ERROR: u16 = 2;
const NLM_F_REQUEST: u16 = 1;
const NLM_F_ACK: u16 = 4;
const NLM_F_REPLACE: u16 = 0x100;
const NLM_F_CREATE: u16 = 0x400;
const AF_INET: u8 = 2;
const AF_INET6: u8 = 10;
const IFA_F_NODAD: u32 = 0x02;
const IFF_UP: u32 = 1;
const IFA_ADDRESS: u16 = 1;
const IFA_LOCAL: u16 = 2;
const IFA_FLAGS: u16 = 8;
const IFA_F_NOPREFIXROUTE: u32 = 0x200;
const NDA_DST: u16 = 1;
const NDA_LLADDR: u16 = 2;
const NUD_PERMANENT: u16 = 0x80;
const RTA_DST: u16 = 1;
const RTA_OIF: u16 = 4;
const RTA_GATEWAY: u16 = 5;
const RT_TABLE_MAIN: u8 = 254;
const RTPROT_BOOT: u8 = 3;
const RTN_UNICAST: u8 = 1;
const RTNH_F_ONLINK: u32 = 4;
const IFLA_IFNAME: u16 = 3;
const IFLA_GSO_MAX_SIZE: u16 = 41;
const IFLA_GRO_MAX_SIZE: u16 = 58;
const IFLA_GSO_IPV4_MAX_SIZE: u16 = 63;
const IFLA_GRO_IPV4_MAX_SIZE: u16 = 64;

/// The largest GSO/GRO packet the data plane's veths build and accept
/// ("BIG TCP", Linux 6.3+ for IPv4; older kernels ignore the attributes).
/// Why: a packet's cost at each hop (routing, nftables, conntrack, veth)
/// does not depend on its size, and a TCP stream over a transit gateway
/// crosses three routers. Measured with the throughput bench: transit
/// gateway path 78–80 % of a bare veth pair with 64 KB packets, 101–105 %
/// with 185,000-byte ones.
pub const BIG_TCP: u32 = 185_000;

/// The guest's `eth0` is created with this interface index (`lo` is 1).
pub const ETH0_INDEX: i32 = 2;

fn err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Command { what: format!("netlink: {what}"), detail: e.to_string() }
}

/// A batch of rtnetlink requests, sent in one write.
struct Batch {
    buf: Vec<u8>,
    seq: u32,
}

impl Batch {
    fn msg(&mut self, ty: u16, flags: u16, body: &[u8], attrs: &[(u16, &[u8])]) {
        let start = self.buf.len();
        self.seq += 1;
        self.buf.extend_from_slice(&0u32.to_ne_bytes()); // length, patched below
        self.buf.extend_from_slice(&ty.to_ne_bytes());
        self.buf.extend_from_slice(&(flags | NLM_F_REQUEST | NLM_F_ACK).to_ne_bytes());
        self.buf.extend_from_slice(&self.seq.to_ne_bytes());
        self.buf.extend_from_slice(&0u32.to_ne_bytes());
        self.buf.extend_from_slice(body);
        for (t, data) in attrs {
            let len = 4 + data.len();
            self.buf.extend_from_slice(&(len as u16).to_ne_bytes());
            self.buf.extend_from_slice(&t.to_ne_bytes());
            self.buf.extend_from_slice(data);
            self.buf.resize(self.buf.len() + (4 - len % 4) % 4, 0);
        }
        let len = (self.buf.len() - start) as u32;
        self.buf[start..start + 4].copy_from_slice(&len.to_ne_bytes());
    }

    fn link_up(&mut self, index: i32) {
        let mut b = vec![0u8, 0, 0, 0];
        b.extend_from_slice(&index.to_ne_bytes());
        b.extend_from_slice(&IFF_UP.to_ne_bytes());
        b.extend_from_slice(&IFF_UP.to_ne_bytes());
        self.msg(RTM_NEWLINK, 0, &b, &[]);
    }

    fn addr(&mut self, index: i32, ip: Ipv4Addr, prefix: u8) {
        let mut b = vec![AF_INET, prefix, 0, 0];
        b.extend_from_slice(&(index as u32).to_ne_bytes());
        let o = ip.octets();
        self.msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, &b, &[(IFA_LOCAL, &o), (IFA_ADDRESS, &o), (IFA_FLAGS, &IFA_F_NOPREFIXROUTE.to_ne_bytes())]);
    }

    /// An IPv6 address, usable at once: no duplicate address detection
    /// (the model hands out unique addresses), no prefix route.
    fn addr6(&mut self, index: i32, ip: Ipv6Addr, prefix: u8) {
        let mut b = vec![AF_INET6, prefix, 0, 0];
        b.extend_from_slice(&(index as u32).to_ne_bytes());
        let o = ip.octets();
        let flags = (IFA_F_NOPREFIXROUTE | IFA_F_NODAD).to_ne_bytes();
        self.msg(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, &b, &[(IFA_LOCAL, &o), (IFA_ADDRESS, &o), (IFA_FLAGS, &flags)]);
    }

    fn neigh(&mut self, index: i32, family: u8, ip: &[u8], mac: &[u8; 6]) {
        let mut b = vec![family, 0, 0, 0];
        b.extend_from_slice(&index.to_ne_bytes());
        b.extend_from_slice(&NUD_PERMANENT.to_ne_bytes());
        b.extend_from_slice(&[0, 0]);
        self.msg(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, &b, &[(NDA_DST, ip), (NDA_LLADDR, mac)]);
    }

    /// `::/0 via gw dev <index>` in the main table (`gw` is link-local).
    fn default_route6(&mut self, index: i32, gw: Ipv6Addr) {
        let b = vec![AF_INET6, 0, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, 0, RTN_UNICAST, 0, 0, 0, 0];
        let g = gw.octets();
        let oif = (index as u32).to_ne_bytes();
        self.msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &b, &[(RTA_GATEWAY, &g), (RTA_OIF, &oif)]);
    }

    /// [`BIG_TCP`] packet sizes on interface `name`.
    fn big_tcp(&mut self, name: &str) {
        let mut b = vec![0u8, 0, 0, 0];
        b.extend_from_slice(&0i32.to_ne_bytes());
        b.extend_from_slice(&0u32.to_ne_bytes());
        b.extend_from_slice(&0u32.to_ne_bytes());
        let mut n = name.as_bytes().to_vec();
        n.push(0);
        let size = BIG_TCP.to_ne_bytes();
        let attrs: [(u16, &[u8]); 5] =
            [(IFLA_IFNAME, &n), (IFLA_GSO_MAX_SIZE, &size), (IFLA_GRO_MAX_SIZE, &size), (IFLA_GSO_IPV4_MAX_SIZE, &size), (IFLA_GRO_IPV4_MAX_SIZE, &size)];
        self.msg(RTM_NEWLINK, 0, &b, &attrs);
    }

    /// `dst/len via gw dev <index> onlink` in the main table.
    fn route(&mut self, index: i32, dst: Ipv4Addr, len: u8, gw: Ipv4Addr) {
        let mut b = vec![AF_INET, len, 0, 0, RT_TABLE_MAIN, RTPROT_BOOT, 0, RTN_UNICAST];
        b.extend_from_slice(&RTNH_F_ONLINK.to_ne_bytes());
        let d = dst.octets();
        let g = gw.octets();
        let oif = (index as u32).to_ne_bytes();
        let mut attrs: Vec<(u16, &[u8])> = vec![(RTA_GATEWAY, &g), (RTA_OIF, &oif)];
        if len > 0 {
            attrs.push((RTA_DST, &d));
        }
        self.msg(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, &b, &attrs);
    }
}

fn parse_mac(s: &str) -> Result<[u8; 6], Error> {
    let v: Vec<u8> = s.split(':').filter_map(|x| u8::from_str_radix(x, 16).ok()).collect();
    v.try_into().map_err(|_| err("bad MAC", s))
}

/// Opens a route netlink socket inside namespace `ns`. Switches the calling
/// thread into `ns`: call it from a thread dedicated to such work.
fn socket_in(ns: &str) -> Result<OwnedFd, Error> {
    let f = File::open(format!("{NETNS_DIR}/{ns}")).map_err(|e| err(&format!("opening {ns}"), e))?;
    setns(&f, CloneFlags::CLONE_NEWNET).map_err(|e| err(&format!("entering {ns}"), e))?;
    let fd = socket(AddressFamily::Netlink, SockType::Raw, SockFlag::SOCK_CLOEXEC, SockProtocol::NetlinkRoute).map_err(|e| err("socket", e))?;
    bind(fd.as_raw_fd(), &NetlinkAddr::new(0, 0)).map_err(|e| err("bind", e))?;
    Ok(fd)
}

/// Configures a freshly created guest: the same as [`Eni::guest_batch`]
/// (minus the flush, as nothing is there yet), in one netlink write.
/// Switches the calling thread's network namespace.
pub fn configure_new_guest(e: &Eni) -> Result<(), Error> {
    let fd = socket_in(&e.ns)?;
    let mut b = Batch { buf: Vec::with_capacity(512), seq: 0 };
    b.link_up(1);
    b.link_up(ETH0_INDEX);
    for ip in &e.ips {
        b.addr(ETH0_INDEX, *ip, e.subnet.prefix_len());
    }
    let port_mac = parse_mac(&e.port_mac)?;
    b.neigh(ETH0_INDEX, AF_INET, &e.gateway.octets(), &port_mac);
    b.route(ETH0_INDEX, e.subnet.network(), e.subnet.prefix_len(), e.gateway);
    b.route(ETH0_INDEX, Ipv4Addr::UNSPECIFIED, 0, e.gateway);
    if !e.ips6.is_empty() {
        for ip in &e.ips6 {
            b.addr6(ETH0_INDEX, *ip, crate::topology::SUBNET6_LEN);
        }
        b.neigh(ETH0_INDEX, AF_INET6, &crate::topology::GATEWAY6.octets(), &port_mac);
        b.default_route6(ETH0_INDEX, crate::topology::GATEWAY6);
    }
    send_all(&fd, &b, &e.ns)
}

/// Sends a batch and waits for every acknowledgement; fails on the first error.
fn send_all(fd: &OwnedFd, b: &Batch, ns: &str) -> Result<(), Error> {
    send(fd.as_raw_fd(), &b.buf, MsgFlags::empty()).map_err(|x| err("send", x))?;
    // One acknowledgement per request; any error fails the batch.
    let mut acked = 0;
    let mut buf = vec![0u8; 16 * 1024];
    while acked < b.seq {
        let n = recv(fd.as_raw_fd(), &mut buf, MsgFlags::empty()).map_err(|x| err("recv", x))?;
        let mut off = 0;
        while off + 16 <= n {
            let len = u32::from_ne_bytes(buf[off..off + 4].try_into().unwrap_or([0; 4])) as usize;
            let ty = u16::from_ne_bytes(buf[off + 4..off + 6].try_into().unwrap_or([0; 2]));
            if len < 16 {
                return Err(err("reply", "truncated message"));
            }
            if ty == NLMSG_ERROR && off + 20 <= n {
                let code = i32::from_ne_bytes(buf[off + 16..off + 20].try_into().unwrap_or([0; 4]));
                if code != 0 {
                    return Err(err(&format!("configuring {ns}"), std::io::Error::from_raw_os_error(-code)));
                }
                acked += 1;
            }
            off += (len + 3) & !3;
        }
    }
    Ok(())
}

/// Sets [`BIG_TCP`] packet sizes on interfaces `names` of namespace `ns`.
/// Switches the calling thread's network namespace.
pub fn big_tcp(ns: &str, names: &[String]) -> Result<(), Error> {
    let fd = socket_in(ns)?;
    let mut b = Batch { buf: Vec::with_capacity(128 * names.len()), seq: 0 };
    for n in names {
        b.big_tcp(n);
    }
    send_all(&fd, &b, ns)
}
