//! Arbitrary bytes as a DNS query to a VPC's Amazon DNS server: the
//! message decoder, the response encoder and the response parser. A guest
//! (root in its own namespace) can send the resolver anything; none of it
//! may panic, and every answer must fit a UDP response.
#![no_main]

use std::net::Ipv4Addr;

use libfuzzer_sys::fuzz_target;
use xvpc_netns::dns_message::{decode, parse_response, respond, Decoded, Rcode, UDP_LIMIT};

fuzz_target!(|data: &[u8]| {
    match decode(data) {
        Decoded::Query(q) => {
            // As many answers as the first byte says (the encoder truncates).
            let n = data.first().map_or(0, |b| usize::from(*b));
            let addrs: Vec<Ipv4Addr> = (0..n as u32).map(Ipv4Addr::from).collect();
            for rcode in [Rcode::NoError, Rcode::NxDomain] {
                let r = respond(&q, rcode, &addrs);
                assert!(r.len() <= UDP_LIMIT);
                assert!(parse_response(&r).is_some(), "our own response parses");
            }
        }
        Decoded::Error(r) => assert!(parse_response(&r).is_some()),
        Decoded::Drop => {}
    }
    let _ = parse_response(data);
});
