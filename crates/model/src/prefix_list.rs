//! AWS-managed prefix lists (S3 and DynamoDB, the Gateway endpoint
//! services), as DescribePrefixLists and DescribeManagedPrefixLists show
//! them and as gateway endpoint routes name them. Their ids are fixed per
//! region and their names are AWS's (`com.amazonaws.<region>.s3`).
//!
//! Their entries are the emulated public addresses of the services. AWS's
//! real ranges would be routable to real hosts, so xvpc takes them from the
//! RFC 2544 benchmarking block 198.18.0.0/15 like every emulated public
//! address ([`crate::public_ip`]), from its top quarter 198.19.192.0/18,
//! which no region's public address pool uses (14 regions take the first
//! 14 /19s): each region gets one /22 of it, whose first two /24s are S3's
//! and third DynamoDB's.

use std::net::Ipv4Addr;

use crate::cidr::{IpNet, Ipv4Net};
use crate::filter::{one, Field, FilterTable};
use crate::region::REGIONS;
use crate::state::{Ctx, State};

/// The block AWS service addresses come from (see the module comment).
pub const SERVICE_POOL: &str = "198.19.192.0/18";

/// The owner AWS names for its managed prefix lists.
pub const AWS_OWNER: &str = "AWS";

/// One AWS-managed prefix list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrefixList {
    pub id: String,
    pub name: String,
    pub region: String,
    /// The Gateway service it lists (`s3`, `dynamodb`).
    pub service: &'static str,
    pub cidrs: Vec<Ipv4Net>,
}

impl PrefixList {
    /// `arn:aws:ec2:<region>:aws:prefix-list/<id>`, as AWS writes it.
    pub fn arn(&self) -> String {
        format!("arn:aws:ec2:{}:aws:prefix-list/{}", self.region, self.id)
    }

    /// The entries as strings.
    pub fn cidr_strings(&self) -> Vec<String> {
        self.cidrs.iter().map(ToString::to_string).collect()
    }
}

/// A stable 8-hex-digit id derived from the region and service (FNV-1a).
fn stable_id(region: &str, service: &str) -> String {
    let mut h: u32 = 0x811c9dc5;
    for b in region.bytes().chain(service.bytes()) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x01000193);
    }
    format!("pl-{h:08x}")
}

/// The `i`th /24 of `region`'s /22 of [`SERVICE_POOL`].
fn block(region_index: u32, i: u32) -> Ipv4Net {
    let pool: Ipv4Net = SERVICE_POOL.parse().expect("constant pool");
    let base = u32::from(pool.network()) + region_index * 1024 + i * 256;
    Ipv4Net::new(Ipv4Addr::from(base), 24).expect("a /24")
}

/// The managed prefix lists of `region` (none for a region xvpc does not emulate).
pub fn managed_in(region: &str) -> Vec<PrefixList> {
    let Some(n) = REGIONS.iter().position(|r| r.name == region) else { return Vec::new() };
    let n = n as u32;
    let list = |service: &'static str, cidrs: Vec<Ipv4Net>| PrefixList {
        id: stable_id(region, service),
        name: format!("com.amazonaws.{region}.{service}"),
        region: region.to_string(),
        service,
        cidrs,
    };
    vec![list("s3", vec![block(n, 0), block(n, 1)]), list("dynamodb", vec![block(n, 2)])]
}

/// The managed prefix lists of the caller's region.
pub fn managed(ctx: &Ctx) -> Vec<PrefixList> {
    managed_in(&ctx.region)
}

/// The managed prefix list of a Gateway service (`s3`, `dynamodb`).
pub fn of_service(region: &str, service: &str) -> Option<PrefixList> {
    managed_in(region).into_iter().find(|p| p.service == service)
}

/// The AWS-managed list `id` of `region`.
pub fn find(region: &str, id: &str) -> Option<PrefixList> {
    managed_in(region).into_iter().find(|p| p.id == id)
}

/// The blocks of prefix list `id` (AWS-managed, or a customer's current
/// version) as routes and rules in `region` see them.
pub fn entries(state: &State, region: &str, id: &str) -> Vec<IpNet> {
    if let Some(l) = state.managed_prefix_lists.get(id).filter(|l| l.region == region) {
        return l.blocks();
    }
    find(region, id).map(|l| l.cidrs.into_iter().map(IpNet::V4).collect()).unwrap_or_default()
}

/// Whether `id` names a prefix list the caller can use: AWS's, its own, or
/// one shared with it through RAM.
pub fn exists(state: &State, ctx: &Ctx, id: &str) -> bool {
    managed(ctx).iter().any(|p| p.id == id) || state.managed_prefix_lists.get(id).is_some_and(|l| crate::managed_prefix_list::visible(state, ctx, l))
}

/// DescribePrefixLists' filters.
pub const FILTERS: FilterTable<PrefixList> = FilterTable {
    tags: None,
    fields: &[("prefix-list-id", Field::Values(|l, _| one(&l.id))), ("prefix-list-name", Field::Values(|l, _| one(&l.name)))],
};

/// DescribeManagedPrefixLists' filters.
pub const MANAGED_FILTERS: FilterTable<PrefixList> = FilterTable {
    tags: Some(|_, _| None),
    fields: &[
        ("owner-id", Field::Values(|_, _| one(AWS_OWNER))),
        ("prefix-list-id", Field::Values(|l, _| one(&l.id))),
        ("prefix-list-name", Field::Values(|l, _| one(&l.name))),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_ip;

    #[test]
    fn service_addresses_are_benchmarking_addresses_outside_every_public_pool() {
        let pool: Ipv4Net = SERVICE_POOL.parse().unwrap();
        assert!(public_ip::pool().contains(&pool));
        for r in REGIONS {
            let lists = managed_in(r.name);
            assert_eq!(lists.len(), 2);
            let region_pool = public_ip::region_pool(r.name).unwrap();
            for c in lists.iter().flat_map(|l| &l.cidrs) {
                assert!(pool.contains(c), "{c}");
                assert!(!region_pool.contains(c) && !c.contains(&region_pool), "{c} in {region_pool}");
                for other in REGIONS.iter().filter(|o| o.name != r.name) {
                    assert!(managed_in(other.name).iter().flat_map(|l| &l.cidrs).all(|o| o != c));
                }
            }
        }
        let s3 = of_service("us-east-1", "s3").unwrap();
        assert_eq!(s3.name, "com.amazonaws.us-east-1.s3");
        assert_eq!(s3.cidr_strings(), vec!["198.19.192.0/24", "198.19.193.0/24"]);
        assert_eq!(find("us-east-1", &s3.id).unwrap(), s3);
        assert!(managed_in("xx-nowhere-1").is_empty());
    }
}
