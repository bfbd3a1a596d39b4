//! Arbitrary bytes through everything that reads a request before any
//! handler runs: the query/form decoder, the generated input decoders of
//! each query protocol (flat EC2 lists, nested structures, awsQuery member
//! lists and maps), and the SigV4 Authorization header parser. None of them
//! may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xvpc_wire::query_input::decode;
use xvpc_wire::shapes::{ec2, elbv2};
use xvpc_wire::{sigv4, QueryParams};

fuzz_target!(|data: &[u8]| {
    // The first byte splits the input into a query string and a body.
    let split = data.first().map_or(0, |b| usize::from(*b)).min(data.len());
    let query = String::from_utf8_lossy(&data[..split]);
    let q = QueryParams::parse(&query, &data[split..]);
    let _ = q.action();
    let _ = q.dry_run();
    let _ = decode::<ec2::ops::DescribeVpcs>(&q);
    let _ = decode::<ec2::ops::RunInstances>(&q);
    let _ = decode::<ec2::ops::AuthorizeSecurityGroupIngress>(&q);
    let _ = decode::<elbv2::ops::CreateLoadBalancer>(&q);
    let _ = decode::<elbv2::ops::AddTags>(&q);
    if let Ok(auth) = sigv4::parse_authorization(&String::from_utf8_lossy(data)) {
        let _ = auth.scope();
    }
});
