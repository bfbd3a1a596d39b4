//! EC2 key pairs: what `KeyName` on an instance and CloudFormation's
//! `AWS::EC2::KeyPair` name. AWS's rules (EC2 API reference, CreateKeyPair,
//! ImportKeyPair, DeleteKeyPair): a name is unique per account and Region
//! (`InvalidKeyPair.Duplicate`), a key is `rsa` or `ed25519`, an imported
//! key is an OpenSSH public key of one of those types, and deleting a name
//! that does not exist succeeds. xvpc keeps no private key: the material
//! CreateKeyPair returns is random bytes in AWS's PEM framing (no instance
//! of xvpc runs sshd), and fingerprints are digests of what xvpc holds.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, Field, FilterTable};
use crate::ids::new_id;
use crate::state::{Changes, Ctx, ResourceKind, State};
use crate::tags::Tags;

/// A key pair (its public half).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyPair {
    /// `key-...`.
    pub id: String,
    pub owner: String,
    pub region: String,
    pub name: String,
    /// `rsa` or `ed25519`.
    pub key_type: String,
    pub fingerprint: String,
    /// The OpenSSH public key (`ssh-rsa AAAA...`).
    pub public_key: String,
    pub created_ms: i64,
    pub tags: Tags,
}
crate::impl_owned!(KeyPair);

/// DescribeKeyPairs' filters.
pub const FILTERS: FilterTable<KeyPair> = FilterTable {
    tags: Some(|k, _| Some(&k.tags)),
    fields: &[
        ("fingerprint", Field::Values(|k, _| one(&k.fingerprint))),
        ("key-name", Field::Values(|k, _| one(&k.name))),
        ("key-pair-id", Field::Values(|k, _| one(&k.id))),
        ("key-type", Field::Values(|k, _| one(&k.key_type))),
    ],
};

/// The caller's key pair called `name`.
pub fn by_name<'a>(state: &'a State, ctx: &Ctx, name: &str) -> Option<&'a KeyPair> {
    state.key_pairs.scope(ctx).find(|k| k.name == name)
}

fn hex_pairs(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

/// Builds the stored key: AWS's name check, then the fingerprint form of
/// the key's type (colon-separated hex for RSA, base64 SHA-256 for ED25519).
fn key(state: &State, ctx: &Ctx, name: &str, key_type: &str, public_key: String, tags: Tags) -> Result<(Changes, String)> {
    if name.is_empty() || name.len() > 255 {
        return Err(ModelError::InvalidParameterValue(format!("Invalid value '{name}' for keyName.")));
    }
    if by_name(state, ctx, name).is_some() {
        return Err(ModelError::KeyPairDuplicate(format!("The keypair '{name}' already exists.")));
    }
    let digest = Sha256::digest(public_key.as_bytes());
    let fingerprint = if key_type == "ed25519" {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
    } else {
        hex_pairs(&digest[..20])
    };
    let id = new_id("key");
    let k = KeyPair { id: id.clone(), owner: ctx.account.clone(), region: ctx.region.clone(), name: name.into(), key_type: key_type.into(), fingerprint, public_key, created_ms: ctx.now, tags };
    let mut ch = Changes::new();
    ch.put(k);
    Ok((ch, id))
}

/// CreateKeyPair: the new key's id and its (random) private key material.
pub fn create(state: &State, ctx: &Ctx, name: &str, key_type: Option<&str>, tags: Tags) -> Result<(Changes, (String, String))> {
    use base64::Engine as _;
    let key_type = key_type.unwrap_or("rsa");
    let random = crate::ids::random_hex(64);
    let b64 = base64::engine::general_purpose::STANDARD.encode(random.as_bytes());
    let (ssh, pem) = match key_type {
        "ed25519" => ("ssh-ed25519", "OPENSSH PRIVATE KEY"),
        _ => ("ssh-rsa", "RSA PRIVATE KEY"),
    };
    let (ch, id) = key(state, ctx, name, key_type, format!("{ssh} {b64}"), tags)?;
    Ok((ch, (id, format!("-----BEGIN {pem}-----\n{b64}\n-----END {pem}-----"))))
}

/// ImportKeyPair: an OpenSSH public key (`ssh-rsa` or `ssh-ed25519`).
pub fn import(state: &State, ctx: &Ctx, name: &str, public_key: &str, tags: Tags) -> Result<(Changes, String)> {
    let text = public_key.trim();
    let key_type = match text.split_whitespace().next() {
        Some("ssh-rsa") => "rsa",
        Some("ssh-ed25519") => "ed25519",
        _ => return Err(ModelError::InvalidKeyFormat("Key is not in valid OpenSSH public key format".into())),
    };
    key(state, ctx, name, key_type, text.to_string(), tags)
}

/// The caller's key pairs named or identified, or `InvalidKeyPair.NotFound`.
pub fn find<'a>(state: &'a State, ctx: &Ctx, name: Option<&str>, id: Option<&str>) -> Result<Option<&'a KeyPair>> {
    match (name, id) {
        (_, Some(id)) => state.key_pairs.scope(ctx).find(|k| k.id == id).map(Some).ok_or_else(|| ModelError::NotFound(IdKind::KeyPair, id.into())),
        (Some(name), None) => Ok(by_name(state, ctx, name)),
        (None, None) => Err(ModelError::MissingParameter("The request must contain the parameter KeyName or KeyPairId".into())),
    }
}

/// DeleteKeyPair: a name that does not exist is no error, as in AWS.
pub fn delete(state: &State, ctx: &Ctx, name: Option<&str>, id: Option<&str>) -> Result<(Changes, Option<String>)> {
    let mut ch = Changes::new();
    let found = find(state, ctx, name, id)?.map(|k| k.id.clone());
    if let Some(id) = &found {
        ch.delete(ResourceKind::KeyPair, id);
    }
    Ok((ch, found))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_imports_are_checked_deletes_are_quiet() {
        let ctx = Ctx::new("111111111111", "us-east-1", 1);
        let mut s = State::default();
        let (ch, (id, pem)) = create(&s, &ctx, "ops", None, Tags::new()).unwrap();
        s.apply_all(ch);
        assert!(id.starts_with("key-") && pem.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
        assert_eq!(by_name(&s, &ctx, "ops").unwrap().fingerprint.split(':').count(), 20);
        assert!(matches!(create(&s, &ctx, "ops", None, Tags::new()), Err(ModelError::KeyPairDuplicate(_))));
        assert!(matches!(import(&s, &ctx, "bad", "not a key", Tags::new()), Err(ModelError::InvalidKeyFormat(_))));
        let (ch, _) = import(&s, &ctx, "laptop", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB me@host", Tags::new()).unwrap();
        s.apply_all(ch);
        assert_eq!(by_name(&s, &ctx, "laptop").unwrap().key_type, "ed25519");
        // Another account has its own names.
        let b = Ctx::new("222222222222", "us-east-1", 1);
        assert!(create(&s, &b, "ops", None, Tags::new()).is_ok());
        assert!(delete(&s, &ctx, Some("nope"), None).unwrap().0.is_empty());
        assert!(matches!(delete(&s, &ctx, None, Some("key-0123456789abcdef0")), Err(ModelError::NotFound(IdKind::KeyPair, _))));
        let (ch, gone) = delete(&s, &ctx, Some("ops"), None).unwrap();
        s.apply_all(ch);
        assert_eq!(gone, Some(id));
        assert!(by_name(&s, &ctx, "ops").is_none());
    }
}
