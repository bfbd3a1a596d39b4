//! Regions, availability zones and the per-account zone-name mapping.
//!
//! In AWS the zone *name* `us-east-1a` of one account need not be the same
//! physical zone as `us-east-1a` of another; the zone *id* (`use1-az1`) is
//! stable across accounts. PrivateLink and TGW placement compare zone ids.
//! xvpc derives a fixed per-account permutation from the account id, so two
//! accounts generally disagree on names, as they do in AWS. The permutation
//! keeps the first two names (`a`, `b`) on the first two zone ids, swapped
//! for some accounts: a two-AZ layout built from `a` and `b` in two accounts
//! (what users and the shared scenarios build) then lands in the same two
//! physical zones, as cross-account PrivateLink and TGW designs require,
//! while `us-east-1a` still means different zones to different accounts.
//! The other names are spread over the remaining ids per account.

use crate::error::{ModelError, Result};
use crate::filter::{one, Field, FilterTable};

/// A region xvpc emulates.
#[derive(Debug, Clone, Copy)]
pub struct Region {
    pub name: &'static str,
    /// Prefix of zone ids (`use1` → `use1-az1`).
    pub zone_prefix: &'static str,
    pub zone_count: u8,
}

/// The regions xvpc knows. Requests naming another region get AWS's error.
pub const REGIONS: &[Region] = &[
    Region { name: "us-east-1", zone_prefix: "use1", zone_count: 6 },
    Region { name: "us-east-2", zone_prefix: "use2", zone_count: 3 },
    Region { name: "us-west-1", zone_prefix: "usw1", zone_count: 2 },
    Region { name: "us-west-2", zone_prefix: "usw2", zone_count: 4 },
    Region { name: "ca-central-1", zone_prefix: "cac1", zone_count: 3 },
    Region { name: "eu-west-1", zone_prefix: "euw1", zone_count: 3 },
    Region { name: "eu-west-2", zone_prefix: "euw2", zone_count: 3 },
    Region { name: "eu-central-1", zone_prefix: "euc1", zone_count: 3 },
    Region { name: "eu-north-1", zone_prefix: "eun1", zone_count: 3 },
    Region { name: "ap-southeast-1", zone_prefix: "apse1", zone_count: 3 },
    Region { name: "ap-southeast-2", zone_prefix: "apse2", zone_count: 3 },
    Region { name: "ap-northeast-1", zone_prefix: "apne1", zone_count: 3 },
    Region { name: "ap-south-1", zone_prefix: "aps1", zone_count: 3 },
    Region { name: "sa-east-1", zone_prefix: "sae1", zone_count: 3 },
];

/// Looks up a region by name.
pub fn region(name: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.name == name)
}

/// One availability zone as one account sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub name: String,
    pub zone_id: String,
    pub region: &'static str,
}

fn account_offset(account: &str, n: u8) -> usize {
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in account.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    ((h >> 29) % u64::from(n.max(1))) as usize
}

/// The zones of `region` as `account` names them, in name order.
pub fn zones(account: &str, region: &Region) -> Vec<Zone> {
    let n = usize::from(region.zone_count);
    let pairs = n / 2;
    let swap = account_offset(account, 2) == 1;
    let rot = if pairs > 1 { account_offset(account, (pairs - 1) as u8) } else { 0 };
    let id_index = |i: usize| {
        if i >= 2 * pairs {
            return i; // the odd zone out keeps its place
        }
        let (pair, k) = (i / 2, i % 2);
        let pair = if pair == 0 { 0 } else { 1 + (pair - 1 + rot) % (pairs - 1) };
        2 * pair + if swap { 1 - k } else { k }
    };
    (0..n)
        .map(|i| Zone {
            name: format!("{}{}", region.name, (b'a' + i as u8) as char),
            zone_id: format!("{}-az{}", region.zone_prefix, id_index(i) + 1),
            region: region.name,
        })
        .collect()
}

/// Resolves a zone name (as `account` sees it) in `region`.
pub fn zone_by_name(account: &str, region_name: &str, name: &str) -> Option<Zone> {
    zones(account, region(region_name)?).into_iter().find(|z| z.name == name)
}

/// Resolves a zone id in `region` to the name `account` uses for it.
pub fn zone_by_id(account: &str, region_name: &str, zone_id: &str) -> Option<Zone> {
    zones(account, region(region_name)?).into_iter().find(|z| z.zone_id == zone_id)
}

/// The regions `names` asks for (every one when empty), in catalogue
/// order; a name EC2 does not know is refused, as AWS does.
pub fn named_regions(names: &[String]) -> Result<Vec<&'static Region>> {
    if let Some(bad) = names.iter().find(|n| region(n).is_none()) {
        return Err(ModelError::UnknownRegion(bad.clone()));
    }
    Ok(REGIONS.iter().filter(|r| names.is_empty() || names.iter().any(|n| n == r.name)).collect())
}

/// The zones of `region_name` as `account` names them.
pub fn zones_in(account: &str, region_name: &str) -> Result<Vec<Zone>> {
    Ok(zones(account, region(region_name).ok_or_else(|| ModelError::UnknownRegion(region_name.to_string()))?))
}

/// The zones the caller asks for by name or id (every one when neither is
/// given); a name or id its region does not have is refused.
pub fn named_zones(account: &str, region_name: &str, names: &[String], ids: &[String]) -> Result<Vec<Zone>> {
    let zones = zones_in(account, region_name)?;
    if let Some(n) = names.iter().find(|n| !zones.iter().any(|z| &z.name == *n)) {
        return Err(ModelError::UnknownZone(n.clone()));
    }
    if let Some(n) = ids.iter().find(|n| !zones.iter().any(|z| &z.zone_id == *n)) {
        return Err(ModelError::UnknownZoneId(n.clone()));
    }
    let all = names.is_empty() && ids.is_empty();
    Ok(zones.into_iter().filter(|z| all || names.contains(&z.name) || ids.contains(&z.zone_id)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_ids_per_account() {
        let r = region("us-east-1").unwrap();
        let a = zones("111111111111", r);
        let b = zones("222222222222", r);
        assert_eq!(a.len(), 6);
        // Every zone id appears exactly once per account.
        let mut ids: Vec<_> = a.iter().map(|z| z.zone_id.clone()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 6);
        // Lookups agree with each other.
        let z = zone_by_name("111111111111", "us-east-1", "us-east-1b").unwrap();
        assert_eq!(zone_by_id("111111111111", "us-east-1", &z.zone_id).unwrap().name, "us-east-1b");
        // The two scenario accounts see different ids behind the same name,
        // but their zones a and b are the same two physical zones.
        assert_ne!(a[0].zone_id, b[0].zone_id);
        let first_two = |z: &[Zone]| {
            let mut v = vec![z[0].zone_id.clone(), z[1].zone_id.clone()];
            v.sort();
            v
        };
        assert_eq!(first_two(&a), first_two(&b));
        for r in REGIONS {
            for acct in ["111111111111", "222222222222", "333333333333", "444455556666"] {
                let mut ids: Vec<_> = zones(acct, r).into_iter().map(|z| z.zone_id).collect();
                ids.sort();
                ids.dedup();
                assert_eq!(ids.len(), usize::from(r.zone_count), "a permutation in {} for {acct}", r.name);
            }
        }
        assert!(zone_by_name("111111111111", "us-east-1", "us-east-1z").is_none());
    }

    #[test]
    fn unknown_regions_and_zones_are_refused() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(named_regions(&[]).unwrap().len(), REGIONS.len());
        let two: Vec<_> = named_regions(&s(&["eu-west-1", "us-east-1"])).unwrap().into_iter().map(|r| r.name).collect();
        assert_eq!(two, ["us-east-1", "eu-west-1"]);
        assert_eq!(named_regions(&s(&["us-east-1", "xx-east-9"])).unwrap_err(), ModelError::UnknownRegion("xx-east-9".into()));
        assert_eq!(zones_in("111111111111", "xx-east-9").unwrap_err(), ModelError::UnknownRegion("xx-east-9".into()));
        let acct = "111111111111";
        assert_eq!(named_zones(acct, "us-east-1", &[], &[]).unwrap().len(), 6);
        let b = zone_by_name(acct, "us-east-1", "us-east-1b").unwrap();
        let picked = named_zones(acct, "us-east-1", &s(&["us-east-1a"]), &[b.zone_id.clone()]).unwrap();
        assert_eq!(picked.iter().map(|z| z.name.as_str()).collect::<Vec<_>>(), ["us-east-1a", "us-east-1b"]);
        assert_eq!(named_zones(acct, "us-east-1", &s(&["us-east-1z"]), &[]).unwrap_err(), ModelError::UnknownZone("us-east-1z".into()));
        assert_eq!(named_zones(acct, "us-east-1", &[], &s(&["use1-az9"])).unwrap_err(), ModelError::UnknownZoneId("use1-az9".into()));
    }
}

/// EC2's endpoint host for a region.
pub fn endpoint(r: &Region) -> String {
    format!("ec2.{}.amazonaws.com", r.name)
}

/// DescribeRegions' filters (every region is opted in by default).
pub const REGION_FILTERS: FilterTable<Region> = FilterTable {
    tags: None,
    fields: &[
        ("endpoint", Field::Values(|r, _| one(endpoint(r)))),
        ("opt-in-status", Field::Values(|_, _| one("opt-in-not-required"))),
        ("region-name", Field::Values(|r, _| one(r.name))),
    ],
};

/// DescribeAvailabilityZones' filters (availability zones only: no Local
/// or Wavelength zones, so no parent zone; the group is the region).
pub const ZONE_FILTERS: FilterTable<Zone> = FilterTable {
    tags: None,
    fields: &[
        ("group-long-name", Field::Values(|z, _| one(z.region))),
        ("group-name", Field::Values(|z, _| one(z.region))),
        ("message", Field::Absent),
        ("network-border-group", Field::Values(|z, _| one(z.region))),
        ("opt-in-status", Field::Values(|_, _| one("opt-in-not-required"))),
        ("parent-zone-id", Field::Absent),
        ("parent-zone-name", Field::Absent),
        ("region-name", Field::Values(|z, _| one(z.region))),
        ("state", Field::Values(|_, _| one("available"))),
        ("zone-id", Field::Values(|z, _| one(&z.zone_id))),
        ("zone-name", Field::Values(|z, _| one(&z.name))),
        ("zone-type", Field::Values(|_, _| one("availability-zone"))),
    ],
};
