//! DHCP option sets: what a VPC's instances learn from DHCP (domain name,
//! name servers, NTP, NetBIOS). Each account has a default set per Region
//! (`AmazonProvidedDNS` and the Region's internal domain), made with its
//! default VPC or the first time a VPC needs it; a VPC names one set, or
//! `default` for none.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::state::{owned, Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// What a VPC names when it uses no option set (`AssociateDhcpOptions
/// default`).
pub const NONE: &str = "default";
/// The name-server value meaning the VPC's own resolver.
pub const AMAZON_PROVIDED_DNS: &str = "AmazonProvidedDNS";

/// A DHCP option set: keys in the order given, each with its values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DhcpOptions {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub configurations: Vec<DhcpConfiguration>,
    pub tags: Tags,
}
crate::impl_owned!(DhcpOptions);

/// One option of a set: `domain-name-servers` = [`AmazonProvidedDNS`], ...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DhcpConfiguration {
    pub key: String,
    pub values: Vec<String>,
}

impl DhcpOptions {
    /// The values of one key (empty when the set has none).
    pub fn values(&self, key: &str) -> &[String] {
        self.configurations.iter().find(|c| c.key == key).map_or(&[], |c| &c.values)
    }
}

/// The internal domain of a Region, as AWS's default set names it.
pub fn region_domain(region: &str) -> String {
    if region == "us-east-1" {
        "ec2.internal".into()
    } else {
        format!("{region}.compute.internal")
    }
}

/// The default set of the caller's account in its Region (not yet stored).
pub fn default_set(ctx: &Ctx) -> DhcpOptions {
    DhcpOptions {
        id: new_id("dopt"),
        owner: ctx.account.clone(),
        region: ctx.region.clone(),
        configurations: vec![
            DhcpConfiguration { key: "domain-name".into(), values: vec![region_domain(&ctx.region)] },
            DhcpConfiguration { key: "domain-name-servers".into(), values: vec![AMAZON_PROVIDED_DNS.into()] },
        ],
        tags: Tags::new(),
    }
}

/// DescribeDhcpOptions' filters.
pub const FILTERS: FilterTable<DhcpOptions> = FilterTable {
    tags: Some(|d, _| Some(&d.tags)),
    fields: &[
        ("dhcp-options-id", Field::Values(|d, _| one(&d.id))),
        ("key", Field::Values(|d, _| d.configurations.iter().map(|c| c.key.clone()).collect())),
        ("value", Field::Values(|d, _| d.configurations.iter().flat_map(|c| c.values.iter().cloned()).collect())),
        ("owner-id", Field::Values(|d, _| one(&d.owner))),
    ],
};

/// The keys AWS accepts, with how many values each takes.
const KEYS: &[(&str, usize)] = &[
    ("domain-name", 1),
    ("domain-name-servers", 4),
    // Four IPv4 and four IPv6 addresses.
    ("ntp-servers", 8),
    ("netbios-name-servers", 4),
    ("netbios-node-type", 1),
    ("ipv6-address-preferred-lease-time", 1),
];

fn invalid(key: &str, value: &str) -> ModelError {
    ModelError::InvalidParameterValue(format!("Value ({value}) for parameter {key} is invalid."))
}

/// Checks one option as AWS does: a known key, at most its number of
/// values, addresses where addresses are due.
fn check(c: &DhcpConfiguration) -> Result<()> {
    let Some(&(_, max)) = KEYS.iter().find(|(k, _)| *k == c.key) else {
        return Err(ModelError::InvalidParameterValue(format!("Value ({}) for parameter dhcpConfiguration.key is invalid. Unknown Option", c.key)));
    };
    if c.values.is_empty() {
        return Err(ModelError::InvalidParameterValue(format!("Value for parameter {} is empty.", c.key)));
    }
    if c.values.len() > max {
        return Err(ModelError::InvalidParameterValue(format!("Value for parameter {} has more than {max} values.", c.key)));
    }
    let is_ip = |v: &str| v.parse::<IpAddr>().is_ok();
    let is_ipv4 = |v: &str| v.parse::<std::net::Ipv4Addr>().is_ok();
    for v in &c.values {
        let ok = match c.key.as_str() {
            "domain-name-servers" => v == AMAZON_PROVIDED_DNS || is_ipv4(v),
            "ntp-servers" => is_ip(v),
            "netbios-name-servers" => is_ipv4(v),
            "netbios-node-type" => ["1", "2", "4", "8"].contains(&v.as_str()),
            "ipv6-address-preferred-lease-time" => v.parse::<u64>().is_ok_and(|s| (140..=2_147_483_647).contains(&s)),
            _ => !v.is_empty() && v.len() <= 255,
        };
        if !ok {
            return Err(invalid(&c.key, v));
        }
    }
    if c.key == "ntp-servers" {
        let v4 = c.values.iter().filter(|v| is_ipv4(v)).count();
        if v4 > 4 || c.values.len() - v4 > 4 {
            return Err(ModelError::InvalidParameterValue("Value for parameter ntp-servers has more than 4 addresses of one family.".into()));
        }
    }
    Ok(())
}

/// CreateDhcpOptions: every key valid and given once. Values given as one
/// comma-separated string are split, as AWS does.
pub fn create(ctx: &Ctx, configurations: Vec<DhcpConfiguration>, tags: Tags) -> Result<(Changes, String)> {
    let mut out: Vec<DhcpConfiguration> = Vec::new();
    for mut c in configurations {
        c.values = c.values.iter().flat_map(|v| v.split(',')).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
        check(&c)?;
        if out.iter().any(|o| o.key == c.key) {
            return Err(ModelError::InvalidParameterValue(format!("Value ({}) for parameter dhcpConfiguration.key is invalid. Duplicate Option", c.key)));
        }
        out.push(c);
    }
    if out.is_empty() {
        return Err(ModelError::MissingParameter("DhcpConfiguration".into()));
    }
    let d = DhcpOptions { id: new_id("dopt"), owner: ctx.account.clone(), region: ctx.region.clone(), configurations: out, tags };
    let id = d.id.clone();
    let mut ch = Changes::new();
    ch.put(d);
    Ok((ch, id))
}

/// DeleteDhcpOptions: refused while a VPC uses the set.
pub fn delete(state: &State, ctx: &Ctx, id: &str) -> Result<Changes> {
    let d = owned(&state.dhcp_options, ctx, IdKind::DhcpOptions, id)?;
    if state.vpcs.scope(ctx).any(|v| v.dhcp_options_id == d.id) {
        return Err(ModelError::DependencyViolation(format!("The dhcpOptions '{id}' has dependencies and cannot be deleted.")));
    }
    let mut ch = Changes::new();
    ch.delete(ResourceKind::DhcpOptions, id);
    Ok(ch)
}

/// AssociateDhcpOptions: the VPC uses the set, or none (`default`).
pub fn associate(state: &State, ctx: &Ctx, id: &str, vpc_id: &str) -> Result<Changes> {
    if id != NONE {
        owned(&state.dhcp_options, ctx, IdKind::DhcpOptions, id)?;
    }
    let mut vpc = owned(&state.vpcs, ctx, IdKind::Vpc, vpc_id)?.clone();
    vpc.dhcp_options_id = id.to_string();
    let mut ch = Changes::new();
    ch.put(vpc);
    Ok(ch)
}

/// The set a new VPC of the caller gets: its account's default set in the
/// Region (made now if it has none yet, with the events to store it), or
/// none once that set was deleted.
pub fn for_new_vpc(state: &State, ctx: &Ctx, ch: &mut Changes) -> String {
    match crate::default_vpc::account_region(state, ctx) {
        Some(a) => match &a.dhcp_options_id {
            Some(id) if state.dhcp_options.contains_key(id) => id.clone(),
            _ => NONE.into(),
        },
        None => {
            let (marker, set) = crate::default_vpc::first_call(ctx);
            let id = set.id.clone();
            ch.put(set);
            ch.put(marker);
            id
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(key: &str, values: &[&str]) -> DhcpConfiguration {
        DhcpConfiguration { key: key.into(), values: values.iter().map(|v| v.to_string()).collect() }
    }

    #[test]
    fn keys_and_values_are_checked_as_aws_does() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        assert!(create(&ctx, vec![conf("domain-name-servers", &["10.0.0.2", "AmazonProvidedDNS"])], Tags::new()).is_ok());
        // One comma-separated value is several servers.
        let (ch, _) = create(&ctx, vec![conf("domain-name-servers", &["10.0.0.2,10.0.0.3"])], Tags::new()).unwrap();
        let crate::Event::Put(crate::Resource::DhcpOptions(d)) = &ch.events[0] else { panic!() };
        assert_eq!(d.values("domain-name-servers"), ["10.0.0.2", "10.0.0.3"]);
        for bad in [
            vec![conf("foo", &["x"])],
            vec![conf("domain-name-servers", &["not-an-ip"])],
            vec![conf("domain-name-servers", &["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4", "1.1.1.5"])],
            vec![conf("netbios-node-type", &["3"])],
            vec![conf("ipv6-address-preferred-lease-time", &["10"])],
            vec![conf("domain-name", &["a.example"]), conf("domain-name", &["b.example"])],
        ] {
            assert!(matches!(create(&ctx, bad, Tags::new()), Err(ModelError::InvalidParameterValue(_))));
        }
        assert!(matches!(create(&ctx, vec![], Tags::new()), Err(ModelError::MissingParameter(_))));
    }

    #[test]
    fn a_set_in_use_cannot_be_deleted_until_the_vpc_uses_another() {
        let ctx = Ctx::new("111111111111", "eu-west-1", 0);
        let mut s = State::default();
        let (ch, vpc) = crate::vpc::create_vpc(&s, &ctx, crate::vpc::CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
        s.apply_all(ch);
        // The VPC got the account's default set, made for it.
        let default_id = s.vpcs[&vpc].dhcp_options_id.clone();
        assert_eq!(s.dhcp_options[&default_id].values("domain-name"), ["eu-west-1.compute.internal"]);
        let (ch, mine) = create(&ctx, vec![conf("domain-name", &["corp.example"])], Tags::new()).unwrap();
        s.apply_all(ch);
        s.apply_all(associate(&s, &ctx, &mine, &vpc).unwrap());
        assert!(matches!(delete(&s, &ctx, &mine), Err(ModelError::DependencyViolation(_))));
        s.apply_all(associate(&s, &ctx, NONE, &vpc).unwrap());
        assert_eq!(s.vpcs[&vpc].dhcp_options_id, "default");
        s.apply_all(delete(&s, &ctx, &mine).unwrap());
        assert!(matches!(delete(&s, &ctx, &mine), Err(ModelError::NotFound(IdKind::DhcpOptions, _))));
        assert!(matches!(associate(&s, &ctx, "dopt-12345678", &vpc), Err(ModelError::NotFound(IdKind::DhcpOptions, _))));
        // Once the default set is deleted, new VPCs use none.
        s.apply_all(delete(&s, &ctx, &default_id).unwrap());
        let (ch, v2) = crate::vpc::create_vpc(&s, &ctx, crate::vpc::CreateVpc { cidr: "10.1.0.0/16".into(), ..Default::default() }).unwrap();
        s.apply_all(ch);
        assert_eq!(s.vpcs[&v2].dhcp_options_id, NONE);
    }
}
