//! Resource ids of AWS's form: `vpc-` + 17 lowercase hex digits.
//!
//! Ids are random, so ids created after a restart never collide with old
//! ones (68 random bits per id).

use rand::Rng;

use crate::error::{IdKind, ModelError};

/// A fresh id `prefix-xxxxxxxxxxxxxxxxx` (17 hex digits).
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}-{}", random_hex(17))
}

/// Whether `s` has the form of an AWS account id: 12 decimal digits.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `n` random lowercase hex digits.
pub fn random_hex(n: usize) -> String {
    let mut rng = rand::thread_rng();
    (0..n).map(|_| char::from_digit(rng.gen_range(0..16), 16).unwrap_or('0')).collect()
}

/// Checks that `id` has the form `<prefix>-<hex>` AWS uses for this kind
/// (8 or 17 hex digits). AWS answers `Invalid...Id.Malformed` otherwise.
/// A kind whose ids have no such form (names, ARNs) passes.
pub fn check(kind: IdKind, id: &str) -> Result<(), ModelError> {
    let Some(prefix) = kind.prefix() else { return Ok(()) };
    let ok = id
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(|hex| (hex.len() == 8 || hex.len() == 17) && hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(ModelError::Malformed(kind, id.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_aws_form() {
        let id = new_id("vpc");
        assert_eq!(id.len(), 4 + 17);
        assert!(check(IdKind::Vpc, &id).is_ok());
        assert!(check(IdKind::Vpc, "vpc-1234abcd").is_ok());
        assert!(check(IdKind::Vpc, "vpc-xyz").is_err());
        assert!(check(IdKind::Vpc, "subnet-1234abcd").is_err());
        assert!(check(IdKind::TransitGatewayAttachment, &new_id("tgw-attach")).is_ok());
    }
}
