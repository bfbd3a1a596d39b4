//! Customer gateways (`cgw-`): AWS's record of the on-premises end of a
//! Site-to-Site VPN connection.
//!
//! AWS's rules (API reference of CreateCustomerGateway,
//! DeleteCustomerGateway): `ipsec.1`; a BGP ASN (65000 unless given, 1 to
//! 2147483647, or `BgpAsnExtended` up to 4294967294, not both) and the
//! device's public IPv4 address (`IpAddress`); "If you create a customer
//! gateway with the same configuration as an existing one, we return the
//! ID of the existing customer gateway."
//!
//! xvpc stores and describes them; with no VPN connection, nothing routes
//! to one.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// AWS's default BGP ASN of a customer gateway.
pub const DEFAULT_ASN: i64 = 65000;

/// A customer gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerGateway {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub bgp_asn: i64,
    pub ip_address: Ipv4Addr,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_arn: Option<String>,
    pub tags: Tags,
}
crate::impl_owned!(CustomerGateway);

/// DescribeCustomerGateways' filters.
pub const FILTERS: FilterTable<CustomerGateway> = FilterTable {
    tags: Some(|g, _| Some(&g.tags)),
    fields: &[
        ("bgp-asn", Field::Values(|g, _| one(g.bgp_asn))),
        ("customer-gateway-id", Field::Values(|g, _| one(&g.id))),
        ("ip-address", Field::Values(|g, _| one(g.ip_address))),
        ("state", Field::Values(|_, _| one("available"))),
        ("type", Field::Values(|_, _| one("ipsec.1"))),
    ],
};

/// Input of CreateCustomerGateway.
#[derive(Debug, Clone, Default)]
pub struct CreateCustomerGateway {
    pub bgp_asn: Option<i64>,
    pub bgp_asn_extended: Option<i64>,
    pub ip_address: Option<String>,
    pub device_name: Option<String>,
    pub certificate_arn: Option<String>,
    pub tags: Tags,
}

/// CreateCustomerGateway: the same ASN and address as an existing gateway
/// of the caller give that gateway back.
pub fn create(state: &State, ctx: &Ctx, input: CreateCustomerGateway) -> Result<(Changes, String)> {
    let asn = match (input.bgp_asn, input.bgp_asn_extended) {
        (Some(_), Some(_)) => return Err(ModelError::InvalidParameterCombination("Specify either BgpAsn or BgpAsnExtended, not both.".into())),
        (Some(a), None) if (1..=2_147_483_647).contains(&a) => a,
        (None, Some(a)) if (2_147_483_648..=4_294_967_294).contains(&a) => a,
        (None, None) => DEFAULT_ASN,
        (Some(a), None) | (None, Some(a)) => {
            return Err(ModelError::InvalidParameterValue(format!("The BGP ASN {a} is not valid")));
        }
    };
    let ip_s = input.ip_address.as_deref().ok_or_else(|| ModelError::MissingParameter("IpAddress".into()))?;
    let ip: Ipv4Addr = ip_s
        .parse()
        .map_err(|_| ModelError::InvalidParameterValue(format!("Value ({ip_s}) for parameter ipAddress is invalid. Invalid Format.")))?;
    if let Some(g) = state.customer_gateways.scope(ctx).find(|g| g.bgp_asn == asn && g.ip_address == ip) {
        return Ok((Changes::new(), g.id.clone()));
    }
    let g = CustomerGateway {
        id: new_id("cgw"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        bgp_asn: asn,
        ip_address: ip,
        device_name: input.device_name,
        certificate_arn: input.certificate_arn,
        tags: input.tags,
    };
    let id = g.id.clone();
    let mut ch = Changes::new();
    ch.put(g);
    Ok((ch, id))
}

/// DeleteCustomerGateway.
pub fn delete(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let g = owned(&state.customer_gateways, ctx, IdKind::CustomerGateway, id)?;
    let mut ch = Changes::new();
    ch.delete(ResourceKind::CustomerGateway, &g.id);
    Ok(ch)
}
