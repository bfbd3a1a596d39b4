//! Arbitrary bytes through everything that reads a request before any
//! handler runs: the query/form decoder with its accessors, and the SigV4
//! Authorization header parser. None of them may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xvpc_wire::{sigv4, QueryParams};

fuzz_target!(|data: &[u8]| {
    // The first byte splits the input into a query string and a body.
    let split = data.first().map_or(0, |b| usize::from(*b)).min(data.len());
    let query = String::from_utf8_lossy(&data[..split]);
    let q = QueryParams::parse(&query, &data[split..]);
    for name in ["Action", "Filter", "VpcId", "TagSpecification", "Subnets"] {
        let _ = q.get(name);
        let _ = q.required(name);
        let _ = q.bool(name);
        let _ = q.int(name);
        let _ = q.list(name);
        let _ = q.members(name);
        let _ = q.member_structs(name);
        let _ = q.has_child(name);
        for s in q.structs(name) {
            let _ = s.list("Value");
            let _ = s.structs("Tag");
        }
        let _ = q.child(name).iter().count();
    }
    if let Ok(auth) = sigv4::parse_authorization(&String::from_utf8_lossy(data)) {
        let _ = auth.scope();
    }
});
