//! Secondary IPv4 CIDR blocks of a VPC: which ranges AWS lets a VPC add
//! beside its primary block.
//!
//! AWS's rules (VPC user guide, "VPC CIDR blocks", table "IPv4 CIDR block
//! association restrictions"; AssociateVpcCidrBlock API reference):
//! - the block's family follows the primary's: a VPC whose primary block is
//!   in one RFC 1918 range (10/8, 172.16/12, 192.168/16) may add blocks of
//!   that range, publicly routable blocks and 100.64.0.0/10, never another
//!   RFC 1918 range; a VPC whose primary block is publicly routable (or in
//!   100.64.0.0/10, or 198.19.0.0/16) may add no RFC 1918 block at all;
//! - 198.19.0.0/16 is never a secondary block;
//! - 10/8 VPCs: if any block of the VPC lies in 10.0.0.0/15, no block from
//!   10.0.0.0/16 may be added; 172.16/12 VPCs: no block from 172.31.0.0/16
//!   (the default VPCs' range);
//! - the block may not be the same as, or larger than, the destination of a
//!   route in one of the VPC's route tables (a more specific one is fine:
//!   its `local` route then wins over the existing route);
//! - no overlap with the VPC's blocks, /16 to /28, 5 blocks per VPC.
//!
//! A refused range is `InvalidVpc.Range` with AWS's wording ("The CIDR ...
//! is restricted. Use a CIDR from the same private address range as the
//! current VPC CIDR, or use a publicly-routable CIDR.").

use crate::cidr::{self, Ipv4Net};
use crate::error::{ModelError, Result};
use crate::route_table::{Destination, RouteTarget};
use crate::state::State;
use crate::vpc::Vpc;

/// The private ranges of RFC 1918.
const RFC1918: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

fn net(s: &str) -> Ipv4Net {
    s.parse().expect("a constant CIDR")
}

/// The RFC 1918 range a block lies in, if any.
fn rfc1918_range(block: &Ipv4Net) -> Option<Ipv4Net> {
    RFC1918.iter().map(|r| net(r)).find(|r| cidr::overlaps(r, block))
}

/// Whether AWS refuses `block` as a secondary block of `vpc` by its range
/// alone.
fn restricted(vpc: &Vpc, block: &Ipv4Net) -> bool {
    if cidr::overlaps(&net("198.19.0.0/16"), block) {
        return true;
    }
    let primary = vpc.primary_cidr();
    match (rfc1918_range(&primary), rfc1918_range(block)) {
        // Another RFC 1918 range, or a private block beside a public VPC.
        (Some(p), Some(b)) if p != b => true,
        (None, Some(_)) => true,
        (Some(p), Some(_)) if p == net("10.0.0.0/8") => {
            vpc.cidrs().any(|c| cidr::overlaps(&net("10.0.0.0/15"), &c)) && cidr::overlaps(&net("10.0.0.0/16"), block)
        }
        (Some(p), Some(_)) if p == net("172.16.0.0/12") => cidr::overlaps(&net("172.31.0.0/16"), block),
        _ => false,
    }
}

/// Checks a secondary IPv4 block for `vpc` against AWS's restrictions
/// (ranges, routes, overlap); the size and quota are the caller's.
pub fn check_secondary(state: &State, vpc: &Vpc, s: &str, block: &Ipv4Net) -> Result<()> {
    if vpc.cidrs().any(|c| cidr::overlaps(&c, block)) {
        return Err(ModelError::InvalidVpcRange(s.to_string()));
    }
    if restricted(vpc, block) {
        return Err(ModelError::RestrictedVpcRange(format!(
            "The CIDR '{block}' is restricted. Use a CIDR from the same private address range as the current VPC CIDR, or use a publicly-routable CIDR."
        )));
    }
    let tables = state.route_tables.owned_by(&vpc.owner, &vpc.region).filter(|t| t.vpc_id == vpc.id);
    for t in tables {
        for r in t.routes.iter().filter(|r| r.target != RouteTarget::Local) {
            if let Destination::Cidr(cidr::IpNet::V4(d)) = &r.destination {
                if cidr::contains(block, d) {
                    return Err(ModelError::RestrictedVpcRange(format!(
                        "The CIDR '{block}' conflicts with a route to {d} in route table {}: a secondary block must be more specific than the routes of the VPC's route tables",
                        t.id
                    )));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{Changes, Ctx};
    use crate::vpc::{associate_cidr, create_vpc, CreateVpc};

    fn ctx() -> Ctx {
        Ctx::new("111111111111", "us-east-1", 0)
    }

    fn apply(state: &mut State, ch: Changes) {
        state.apply_all(ch);
    }

    fn vpc(s: &mut State, cidr: &str) -> String {
        let (ch, id) = create_vpc(s, &ctx(), CreateVpc { cidr: cidr.into(), ..Default::default() }).unwrap();
        apply(s, ch);
        id
    }

    fn add(s: &State, vpc: &str, cidr: &str) -> Result<()> {
        associate_cidr(s, &ctx(), vpc, cidr).map(|_| ())
    }

    #[test]
    fn the_primary_range_decides_the_allowed_ranges() {
        let mut s = State::default();
        let ten = vpc(&mut s, "10.0.0.0/16");
        assert_eq!(add(&s, &ten, "10.1.0.0/16"), Ok(()), "the same RFC 1918 range");
        assert_eq!(add(&s, &ten, "100.64.0.0/16"), Ok(()), "shared address space");
        assert_eq!(add(&s, &ten, "52.0.0.0/16"), Ok(()), "publicly routable");
        for other in ["172.16.0.0/16", "192.168.0.0/16", "198.19.0.0/16"] {
            assert!(matches!(add(&s, &ten, other), Err(ModelError::RestrictedVpcRange(m)) if m.contains(other)), "{other}");
        }
        let public = vpc(&mut s, "52.1.0.0/16");
        assert_eq!(add(&s, &public, "100.64.0.0/16"), Ok(()));
        assert_eq!(add(&s, &public, "52.2.0.0/16"), Ok(()));
        assert!(matches!(add(&s, &public, "10.0.0.0/16"), Err(ModelError::RestrictedVpcRange(_))));
        let one72 = vpc(&mut s, "172.20.0.0/16");
        assert_eq!(add(&s, &one72, "172.21.0.0/16"), Ok(()));
        assert!(matches!(add(&s, &one72, "172.31.0.0/16"), Err(ModelError::RestrictedVpcRange(_))), "the default VPCs' range");
        let one92 = vpc(&mut s, "192.168.0.0/20");
        assert_eq!(add(&s, &one92, "192.168.16.0/20"), Ok(()));
        assert!(matches!(add(&s, &one92, "10.0.0.0/16"), Err(ModelError::RestrictedVpcRange(_))));
    }

    #[test]
    fn ten_slash_fifteen_keeps_ten_zero_out() {
        let mut s = State::default();
        let v = vpc(&mut s, "10.1.0.0/16");
        assert!(matches!(add(&s, &v, "10.0.0.0/16"), Err(ModelError::RestrictedVpcRange(_))));
        assert_eq!(add(&s, &v, "10.2.0.0/16"), Ok(()));
    }

    #[test]
    fn overlap_and_route_destinations() {
        let mut s = State::default();
        let v = vpc(&mut s, "10.2.0.0/16");
        assert_eq!(add(&s, &v, "10.2.128.0/17"), Err(ModelError::InvalidVpcRange("10.2.128.0/17".into())));
        // A route to 10.0.0.0/24 (a peer, say): 10.0.0.0/16 would swallow
        // it, 10.0.0.0/25 is more specific and allowed.
        let rt = s.route_tables.values().find(|t| t.vpc_id == v).unwrap().id.clone();
        let mut t = s.route_tables[&rt].clone();
        t.routes.push(crate::route_table::Route {
            destination: Destination::Cidr("10.4.0.0/24".parse().unwrap()),
            target: RouteTarget::Gateway("vgw-0123456789abcdef0".into()),
            origin: crate::route_table::RouteOrigin::CreateRoute,
        });
        let mut ch = Changes::new();
        ch.put(t);
        apply(&mut s, ch);
        assert!(matches!(add(&s, &v, "10.4.0.0/16"), Err(ModelError::RestrictedVpcRange(m)) if m.contains(&rt)));
        assert!(matches!(add(&s, &v, "10.4.0.0/24"), Err(ModelError::RestrictedVpcRange(_))), "the same block");
        assert_eq!(add(&s, &v, "10.4.0.0/25"), Ok(()));
    }
}
