//! DNS messages (RFC 1035 §4), as much as a stub resolver's question needs:
//! one question in, A records out. Pure: bytes in, bytes out.
//!
//! Anything a client sends is untrusted (a guest may be root in its
//! namespace and send garbage to the resolver), so decoding never indexes
//! past the packet and never panics: a packet too short to carry a header
//! is dropped, anything else malformed gets FORMERR.

use std::net::Ipv4Addr;

/// Record type A (an IPv4 address).
pub const TYPE_A: u16 = 1;
/// Record type AAAA (an IPv6 address).
pub const TYPE_AAAA: u16 = 28;
/// Query type ANY.
pub const TYPE_ANY: u16 = 255;
/// Class IN.
pub const CLASS_IN: u16 = 1;

/// Response codes (RFC 1035 §4.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rcode {
    NoError = 0,
    FormErr = 1,
    NxDomain = 3,
    NotImp = 4,
    Refused = 5,
}

/// The largest response sent over UDP without EDNS (RFC 1035 §2.3.4).
pub const UDP_LIMIT: usize = 512;

const HEADER: usize = 12;
const QR: u16 = 0x8000;
const OPCODE_MASK: u16 = 0x7800;
const RD: u16 = 0x0100;
const RA: u16 = 0x0080;
const TC: u16 = 0x0200;
/// The TTL of answers: short, since the model can change at any time.
pub const TTL: u32 = 60;

/// One decoded question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: u16,
    /// The query's flags (RD is echoed back).
    pub flags: u16,
    /// Lower case, without the trailing dot; `None` when a label holds
    /// bytes no record name can hold (so nothing matches it).
    pub name: Option<String>,
    pub qtype: u16,
    pub qclass: u16,
    /// The question section as sent, echoed verbatim in the response.
    raw: Vec<u8>,
}

/// What to do with a received packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// A well-formed standard query.
    Query(Question),
    /// Malformed or unsupported: send this error response.
    Error(Vec<u8>),
    /// Not worth an answer (too short for a header, or itself a response).
    Drop,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// A header-only response with `rcode` (for errors).
fn error_response(id: u16, flags: u16, rcode: Rcode) -> Vec<u8> {
    let flags = QR | (flags & (OPCODE_MASK | RD)) | RA | rcode as u16;
    let mut out = Vec::with_capacity(HEADER);
    for v in [id, flags, 0, 0, 0, 0] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out
}

/// Reads the question name at `at`: labels only (a query has nothing to
/// point back to, so a compression pointer is malformed). Returns the name
/// (if representable) and the offset after it.
fn read_name(b: &[u8], mut at: usize) -> Option<(Option<String>, usize)> {
    let mut labels: Vec<String> = Vec::new();
    let mut wire_len = 0usize;
    let mut plain = true;
    loop {
        let len = *b.get(at)? as usize;
        at += 1;
        if len == 0 {
            break;
        }
        if len > 63 {
            return None; // a pointer (0xc0) or a reserved label type
        }
        let label = b.get(at..at + len)?;
        at += len;
        wire_len += len + 1;
        if wire_len > 254 {
            return None; // names are at most 255 octets on the wire
        }
        plain &= label.iter().all(|c| c.is_ascii_graphic() && *c != b'.');
        labels.push(String::from_utf8_lossy(label).to_ascii_lowercase());
    }
    Some((plain.then(|| labels.join(".")), at))
}

/// Decodes a query.
pub fn decode(packet: &[u8]) -> Decoded {
    let (Some(id), Some(flags)) = (u16_at(packet, 0), u16_at(packet, 2)) else { return Decoded::Drop };
    if packet.len() < HEADER || flags & QR != 0 {
        return Decoded::Drop;
    }
    if flags & OPCODE_MASK != 0 {
        return Decoded::Error(error_response(id, flags, Rcode::NotImp));
    }
    let formerr = || Decoded::Error(error_response(id, flags, Rcode::FormErr));
    if u16_at(packet, 4) != Some(1) {
        return formerr();
    }
    let Some((name, end)) = read_name(packet, HEADER) else { return formerr() };
    let (Some(qtype), Some(qclass)) = (u16_at(packet, end), u16_at(packet, end + 2)) else { return formerr() };
    // Answer, authority and additional sections (an EDNS OPT record) are
    // ignored: the response is plain DNS within 512 bytes.
    Decoded::Query(Question { id, flags, name, qtype, qclass, raw: packet[HEADER..end + 4].to_vec() })
}

/// The response to `q`: `rcode` and A records for `addrs` (already chosen
/// for the question's type). Truncated (TC) if it would exceed 512 bytes.
pub fn respond(q: &Question, rcode: Rcode, addrs: &[Ipv4Addr]) -> Vec<u8> {
    let room = UDP_LIMIT.saturating_sub(HEADER + q.raw.len()) / 16;
    let fits = addrs.len().min(room);
    let mut flags = QR | (q.flags & RD) | RA | rcode as u16;
    if fits < addrs.len() {
        flags |= TC;
    }
    let mut out = Vec::with_capacity(HEADER + q.raw.len() + 16 * fits);
    for v in [q.id, flags, 1, fits as u16, 0, 0] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(&q.raw);
    for ip in &addrs[..fits] {
        // The name is a pointer to the question's (offset 12).
        out.extend_from_slice(&[0xc0, 0x0c]);
        out.extend_from_slice(&TYPE_A.to_be_bytes());
        out.extend_from_slice(&CLASS_IN.to_be_bytes());
        out.extend_from_slice(&TTL.to_be_bytes());
        out.extend_from_slice(&4u16.to_be_bytes());
        out.extend_from_slice(&ip.octets());
    }
    out
}

/// Encodes a standard query for `name` (used by tests and tools).
pub fn query(id: u16, name: &str, qtype: u16) -> Vec<u8> {
    let mut out = Vec::new();
    for v in [id, RD, 1, 0, 0, 0] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    for label in name.trim_end_matches('.').split('.').filter(|l| !l.is_empty()) {
        out.push(label.len().min(63) as u8);
        out.extend_from_slice(&label.as_bytes()[..label.len().min(63)]);
    }
    out.push(0);
    out.extend_from_slice(&qtype.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    out
}

/// A decoded response: its id, rcode, whether truncated, and its A records
/// (for tests and tools; assumes the answers' names are pointers, as
/// [`respond`] writes them).
pub fn parse_response(b: &[u8]) -> Option<(u16, u16, bool, Vec<Ipv4Addr>)> {
    let (id, flags, qd, an) = (u16_at(b, 0)?, u16_at(b, 2)?, u16_at(b, 4)?, u16_at(b, 6)?);
    let mut at = HEADER;
    for _ in 0..qd {
        at = read_name(b, at)?.1 + 4;
    }
    let mut addrs = Vec::new();
    for _ in 0..an {
        let (ty, len) = (u16_at(b, at + 2)?, u16_at(b, at + 10)? as usize);
        let data = b.get(at + 12..at + 12 + len)?;
        if ty == TYPE_A && len == 4 {
            addrs.push(Ipv4Addr::new(data[0], data[1], data[2], data[3]));
        }
        at += 12 + len;
    }
    Some((id, flags & 0x000f, flags & TC != 0, addrs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(packet: &[u8]) -> Question {
        match decode(packet) {
            Decoded::Query(q) => q,
            other => panic!("not a query: {other:?}"),
        }
    }

    #[test]
    fn decodes_a_query_and_answers_it() {
        let p = query(0x1234, "Ip-10-1-1-10.EC2.internal.", TYPE_A);
        let question = q(&p);
        assert_eq!(question.name.as_deref(), Some("ip-10-1-1-10.ec2.internal"));
        assert_eq!((question.id, question.qtype, question.qclass), (0x1234, TYPE_A, CLASS_IN));
        let r = respond(&question, Rcode::NoError, &["10.1.1.10".parse().unwrap(), "10.1.2.10".parse().unwrap()]);
        let (id, rcode, tc, addrs) = parse_response(&r).unwrap();
        assert_eq!((id, rcode, tc), (0x1234, 0, false));
        assert_eq!(addrs, vec![Ipv4Addr::new(10, 1, 1, 10), Ipv4Addr::new(10, 1, 2, 10)]);
        // The question is echoed as sent (case included), RD copied, RA set.
        assert_eq!(&r[12..p.len()], &p[12..]);
        assert_eq!(u16::from_be_bytes([r[2], r[3]]) & (QR | RD | RA), QR | RD | RA);
    }

    #[test]
    fn nxdomain_has_no_answers() {
        let question = q(&query(7, "nothing.example", TYPE_A));
        let (_, rcode, _, addrs) = parse_response(&respond(&question, Rcode::NxDomain, &[])).unwrap();
        assert_eq!((rcode, addrs.len()), (3, 0));
    }

    #[test]
    fn too_many_answers_are_truncated_within_512_bytes() {
        let question = q(&query(7, "many.example", TYPE_A));
        let ips: Vec<Ipv4Addr> = (0..100u8).map(|i| Ipv4Addr::new(10, 0, 0, i)).collect();
        let r = respond(&question, Rcode::NoError, &ips);
        assert!(r.len() <= UDP_LIMIT);
        let (_, _, tc, addrs) = parse_response(&r).unwrap();
        assert!(tc);
        assert_eq!(addrs[..], ips[..addrs.len()]);
    }

    #[test]
    fn malformed_queries_get_formerr_or_are_dropped() {
        let good = query(9, "a.example", TYPE_A);
        let rcode = |d: Decoded| match d {
            Decoded::Error(r) => u16::from_be_bytes([r[2], r[3]]) & 0xf,
            other => panic!("expected an error response, got {other:?}"),
        };
        assert_eq!(decode(&good[..5]), Decoded::Drop, "shorter than a header");
        assert_eq!(rcode(decode(&good[..good.len() - 1])), Rcode::FormErr as u16, "qclass cut");
        let mut two = good.clone();
        two[5] = 2;
        assert_eq!(rcode(decode(&two)), Rcode::FormErr as u16, "two questions");
        let mut ptr = good.clone();
        ptr[12] = 0xc0;
        assert_eq!(rcode(decode(&ptr)), Rcode::FormErr as u16, "a pointer in a query");
        let mut long = query(9, "x", TYPE_A);
        long.truncate(12);
        for _ in 0..5 {
            long.push(63);
            long.extend_from_slice(&[b'a'; 63]);
        }
        long.extend_from_slice(&[0, 0, 1, 0, 1]);
        assert_eq!(rcode(decode(&long)), Rcode::FormErr as u16, "a name over 255 octets");
        let mut update = good.clone();
        update[2] |= 0x28; // opcode 5 (UPDATE)
        assert_eq!(rcode(decode(&update)), Rcode::NotImp as u16);
        let mut response = good.clone();
        response[2] |= 0x80;
        assert_eq!(decode(&response), Decoded::Drop, "responses are never answered");
    }

    #[test]
    fn odd_label_bytes_match_nothing() {
        let mut p = query(1, "a.b", TYPE_A);
        p[13] = b'.'; // the label "." cannot be told apart from a separator
        assert_eq!(q(&p).name, None);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A deterministic sweep: every prefix and single-byte mutation of a
        // valid query, plus pseudo-random packets (the fuzz target in
        // fuzz/ goes further).
        let base = query(0xbeef, "vpce-0123-abcd.vpce-svc-0123.us-east-1.vpce.amazonaws.com", TYPE_A);
        for n in 0..=base.len() {
            let _ = decode(&base[..n]);
        }
        for i in 0..base.len() {
            for v in [0u8, 1, 63, 64, 0xc0, 0xff] {
                let mut p = base.clone();
                p[i] = v;
                if let Decoded::Query(q) = decode(&p) {
                    let _ = parse_response(&respond(&q, Rcode::NoError, &[Ipv4Addr::LOCALHOST]));
                }
            }
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let len = (x % 80) as usize;
            let p: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                })
                .collect();
            let _ = decode(&p);
            let _ = parse_response(&p);
        }
    }
}
