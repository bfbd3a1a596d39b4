//! The IP protocol of a security group rule or a network ACL entry.
//!
//! AWS takes a protocol as a name or a number and echoes it back in two
//! spellings: DescribeSecurityGroups names tcp, udp, icmp and icmpv6
//! (`"tcp"`, whether the request said `tcp`, `TCP` or `6`) and gives other
//! protocols by number; DescribeNetworkAcls gives every protocol by number
//! (`"6"`). Both say `"-1"` for all protocols. [`IpProtocol::parse`] is the
//! only place a protocol string is read; [`IpProtocol::sg_form`] and
//! [`IpProtocol::nacl_form`] are the only places one is written.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An IP protocol: every protocol (`-1`), one AWS names, or another
/// protocol number. `Number` never holds 1, 6, 17 or 58 when built by
/// [`IpProtocol::parse`] or [`IpProtocol::from_number`]; equality compares
/// protocol numbers, so a hand-built `Number(6)` still equals `Tcp`.
#[derive(Debug, Clone, Copy)]
pub enum IpProtocol {
    /// Every protocol (`-1`); a rule for it has no ports.
    All,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    /// Any other protocol, by number (47 is GRE, 50 ESP...).
    Number(u8),
}

impl IpProtocol {
    pub const ICMP: u8 = 1;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const ICMPV6: u8 = 58;

    /// Reads a protocol as AWS accepts it in AuthorizeSecurityGroupIngress
    /// `IpProtocol` and CreateNetworkAclEntry `Protocol`: a name (`tcp`,
    /// `udp`, `icmp`, `icmpv6`, in any case), a number 0-255, or `-1`
    /// for every protocol. `all` is read as `-1` too (the AWS CLI's
    /// spelling, which xvpc has always accepted from raw API callers).
    /// Surrounding blanks are ignored; anything else is `None`, and the
    /// caller answers with its own AWS error.
    pub fn parse(s: &str) -> Option<IpProtocol> {
        let s = s.trim();
        if s == "-1" || s.eq_ignore_ascii_case("all") {
            return Some(IpProtocol::All);
        }
        for (name, p) in [("tcp", IpProtocol::Tcp), ("udp", IpProtocol::Udp), ("icmp", IpProtocol::Icmp), ("icmpv6", IpProtocol::Icmpv6)] {
            if s.eq_ignore_ascii_case(name) {
                return Some(p);
            }
        }
        // Digits only: Rust's integer parser would also take "+6".
        if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse::<u8>().ok().map(IpProtocol::from_number)
    }

    /// The protocol of a packet's protocol number (6 is `Tcp`).
    pub fn from_number(n: u8) -> IpProtocol {
        match n {
            Self::TCP => IpProtocol::Tcp,
            Self::UDP => IpProtocol::Udp,
            Self::ICMP => IpProtocol::Icmp,
            Self::ICMPV6 => IpProtocol::Icmpv6,
            n => IpProtocol::Number(n),
        }
    }

    /// The protocol number; `None` for every protocol.
    pub fn number(self) -> Option<u8> {
        match self {
            IpProtocol::All => None,
            IpProtocol::Tcp => Some(Self::TCP),
            IpProtocol::Udp => Some(Self::UDP),
            IpProtocol::Icmp => Some(Self::ICMP),
            IpProtocol::Icmpv6 => Some(Self::ICMPV6),
            IpProtocol::Number(n) => Some(n),
        }
    }

    /// Whether traffic of this protocol has ports (TCP and UDP), so rules
    /// and replies are decided per port.
    pub fn has_ports(self) -> bool {
        matches!(self.number(), Some(Self::TCP | Self::UDP))
    }

    /// Whether a rule of this protocol covers a packet of protocol number
    /// `packet`.
    pub fn covers(self, packet: u8) -> bool {
        self.number().is_none_or(|n| n == packet)
    }

    /// The spelling of DescribeSecurityGroups (`ipProtocol`): `tcp`, `udp`,
    /// `icmp`, `icmpv6`, `-1`, or the number.
    pub fn sg_form(self) -> Cow<'static, str> {
        match self.number() {
            None => "-1".into(),
            Some(Self::TCP) => "tcp".into(),
            Some(Self::UDP) => "udp".into(),
            Some(Self::ICMP) => "icmp".into(),
            Some(Self::ICMPV6) => "icmpv6".into(),
            Some(n) => n.to_string().into(),
        }
    }

    /// The spelling of DescribeNetworkAcls (`protocol`): the number, or `-1`.
    pub fn nacl_form(self) -> Cow<'static, str> {
        match self.number() {
            None => "-1".into(),
            Some(n) => n.to_string().into(),
        }
    }
}

impl PartialEq for IpProtocol {
    fn eq(&self, other: &IpProtocol) -> bool {
        self.number() == other.number()
    }
}

impl Eq for IpProtocol {}

impl std::hash::Hash for IpProtocol {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.number().hash(h)
    }
}

/// The security group spelling (`tcp`, `-1`, `47`).
impl fmt::Display for IpProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sg_form())
    }
}

/// Stored (event log, snapshots, `/_xvpc/state`) in the security group
/// spelling, which is what `SgRule.protocol` held as a string before it was
/// typed; any spelling [`IpProtocol::parse`] accepts is read back, so logs
/// of either rule kind load.
impl Serialize for IpProtocol {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.sg_form())
    }
}

impl<'de> Deserialize<'de> for IpProtocol {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<IpProtocol, D::Error> {
        let s = Cow::<'de, str>::deserialize(d)?;
        IpProtocol::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown IP protocol {s:?}")))
    }
}

/// `#[serde(with = "nacl_form")]`: stores a NACL entry's protocol as the
/// number string it was stored as before it was typed (`"6"`, `"-1"`).
pub mod nacl_form {
    use super::*;

    pub fn serialize<S: Serializer>(p: &IpProtocol, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&p.nacl_form())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<IpProtocol, D::Error> {
        IpProtocol::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_accepted_spelling() {
        let cases: &[(&str, IpProtocol)] = &[
            ("-1", IpProtocol::All),
            ("all", IpProtocol::All),
            ("ALL", IpProtocol::All),
            ("tcp", IpProtocol::Tcp),
            ("TCP", IpProtocol::Tcp),
            ("Tcp", IpProtocol::Tcp),
            ("6", IpProtocol::Tcp),
            ("006", IpProtocol::Tcp),
            (" tcp ", IpProtocol::Tcp),
            ("udp", IpProtocol::Udp),
            ("17", IpProtocol::Udp),
            ("icmp", IpProtocol::Icmp),
            ("1", IpProtocol::Icmp),
            ("icmpv6", IpProtocol::Icmpv6),
            ("ICMPv6", IpProtocol::Icmpv6),
            ("58", IpProtocol::Icmpv6),
            ("0", IpProtocol::Number(0)),
            ("47", IpProtocol::Number(47)),
            ("255", IpProtocol::Number(255)),
        ];
        for (s, want) in cases {
            assert_eq!(IpProtocol::parse(s), Some(*want), "{s:?}");
        }
        // Named protocols are never held as numbers, so they print by name.
        assert!(matches!(IpProtocol::parse("6"), Some(IpProtocol::Tcp)));
        assert!(matches!(IpProtocol::parse("58"), Some(IpProtocol::Icmpv6)));
    }

    #[test]
    fn rejected_spellings() {
        for s in ["", " ", "256", "1000", "-2", "+6", "6.0", "0x6", "tcp6", "gre", "icmp6", "bogus", "-1 1", "٦"] {
            assert_eq!(IpProtocol::parse(s), None, "{s:?}");
        }
    }

    #[test]
    fn describe_spellings() {
        let forms: &[(IpProtocol, &str, &str)] = &[
            (IpProtocol::All, "-1", "-1"),
            (IpProtocol::Tcp, "tcp", "6"),
            (IpProtocol::Udp, "udp", "17"),
            (IpProtocol::Icmp, "icmp", "1"),
            (IpProtocol::Icmpv6, "icmpv6", "58"),
            (IpProtocol::Number(47), "47", "47"),
            (IpProtocol::Number(6), "tcp", "6"),
        ];
        for (p, sg, nacl) in forms {
            assert_eq!((p.sg_form().as_ref(), p.nacl_form().as_ref()), (*sg, *nacl), "{p:?}");
            assert_eq!(p.to_string(), *sg);
        }
    }

    #[test]
    fn ports_and_packets() {
        assert!(IpProtocol::Tcp.has_ports() && IpProtocol::Udp.has_ports());
        assert!(!IpProtocol::Icmp.has_ports() && !IpProtocol::All.has_ports() && !IpProtocol::Number(47).has_ports());
        assert!(IpProtocol::All.covers(47) && IpProtocol::Tcp.covers(6) && !IpProtocol::Tcp.covers(17));
        assert_eq!(IpProtocol::Number(6), IpProtocol::Tcp, "compared by number");
    }

    #[test]
    fn serde_keeps_the_stored_spellings() {
        #[derive(Serialize, Deserialize)]
        struct Nacl {
            #[serde(with = "nacl_form")]
            p: IpProtocol,
        }
        assert_eq!(serde_json::to_string(&IpProtocol::Tcp).unwrap(), "\"tcp\"");
        assert_eq!(serde_json::to_string(&Nacl { p: IpProtocol::Tcp }).unwrap(), r#"{"p":"6"}"#);
        assert_eq!(serde_json::from_str::<IpProtocol>("\"6\"").unwrap(), IpProtocol::Tcp);
        assert_eq!(serde_json::from_str::<Nacl>(r#"{"p":"tcp"}"#).unwrap().p, IpProtocol::Tcp);
        assert!(serde_json::from_str::<IpProtocol>("\"bogus\"").is_err());
        assert!(serde_json::from_str::<IpProtocol>("6").is_err(), "stored as a string, never a number");
    }

    fn any_protocol() -> impl Strategy<Value = IpProtocol> {
        prop_oneof![Just(IpProtocol::All), any::<u8>().prop_map(IpProtocol::from_number)]
    }

    proptest! {
        #[test]
        fn both_forms_parse_back(p in any_protocol()) {
            prop_assert_eq!(IpProtocol::parse(&p.sg_form()), Some(p));
            prop_assert_eq!(IpProtocol::parse(&p.nacl_form()), Some(p));
            prop_assert_eq!(IpProtocol::parse(&p.sg_form().to_uppercase()), Some(p));
            let json = serde_json::to_string(&p).unwrap();
            prop_assert_eq!(serde_json::from_str::<IpProtocol>(&json).unwrap(), p);
        }

        #[test]
        fn every_number_parses_to_itself(n in any::<u8>()) {
            let p = IpProtocol::parse(&n.to_string()).unwrap();
            prop_assert_eq!(p.number(), Some(n));
            prop_assert_eq!(p.nacl_form().into_owned(), n.to_string());
        }

        #[test]
        fn parse_never_panics_and_forms_are_canonical(s in "\\PC{0,8}") {
            if let Some(p) = IpProtocol::parse(&s) {
                prop_assert_eq!(IpProtocol::parse(&p.sg_form()), Some(p));
                prop_assert!(!matches!(p, IpProtocol::Number(1 | 6 | 17 | 58)));
            }
        }
    }
}
