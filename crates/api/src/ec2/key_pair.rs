//! Key pair actions: CreateKeyPair, ImportKeyPair, DescribeKeyPairs,
//! DeleteKeyPair over `model::key_pair`.

use xvpc_model::key_pair::{self, KeyPair};
use xvpc_model::{IdKind, ModelError};
use xvpc_wire::shapes::ec2::{self as shape, ops};
use xvpc_wire::Timestamp;

use super::{filter_list, tag_set, tags_from_specs};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::CreateKeyPair, create_key_pair),
    crate::typed!(ops::ImportKeyPair, import_key_pair),
    crate::typed!(ops::DescribeKeyPairs, describe_key_pairs),
    crate::typed!(ops::DeleteKeyPair, delete_key_pair),
];

fn info(k: &KeyPair, with_public_key: bool) -> shape::KeyPairInfo {
    shape::KeyPairInfo {
        key_pair_id: Some(k.id.clone()),
        key_type: Some(shape::KeyType::from(k.key_type.as_str())),
        tags: tag_set(&k.tags),
        public_key: with_public_key.then(|| k.public_key.clone()),
        create_time: Some(Timestamp(k.created_ms)),
        key_name: Some(k.name.clone()),
        key_fingerprint: Some(k.fingerprint.clone()),
    }
}

pub(crate) fn create_key_pair(call: &mut Call, input: shape::CreateKeyPairRequest) -> Result<shape::KeyPair> {
    let tags = tags_from_specs(&input.tag_specifications, "key-pair")?;
    let key_type = input.key_type.as_ref().map(|t| t.as_str().to_string());
    let (ch, (id, material)) = key_pair::create(call.state(), &call.ctx, &input.key_name, key_type.as_deref(), tags)?;
    call.commit(ch)?;
    let k = &call.state().key_pairs[&id];
    Ok(shape::KeyPair { key_pair_id: Some(id.clone()), tags: tag_set(&k.tags), key_name: Some(k.name.clone()), key_fingerprint: Some(k.fingerprint.clone()), key_material: Some(material) })
}

pub(crate) fn import_key_pair(call: &mut Call, input: shape::ImportKeyPairRequest) -> Result<shape::ImportKeyPairResult> {
    use base64::Engine as _;
    let tags = tags_from_specs(&input.tag_specifications, "key-pair")?;
    // The query protocol carries the blob base64-encoded.
    let decoded = base64::engine::general_purpose::STANDARD.decode(input.public_key_material.trim()).ok().and_then(|b| String::from_utf8(b).ok());
    let material = decoded.unwrap_or(input.public_key_material);
    let (ch, id) = key_pair::import(call.state(), &call.ctx, &input.key_name, &material, tags)?;
    call.commit(ch)?;
    let k = &call.state().key_pairs[&id];
    Ok(shape::ImportKeyPairResult { key_fingerprint: Some(k.fingerprint.clone()), key_name: Some(k.name.clone()), key_pair_id: Some(id.clone()), tags: tag_set(&k.tags) })
}

fn describe_key_pairs(call: &mut Call, input: shape::DescribeKeyPairsRequest) -> Result<shape::DescribeKeyPairsResult> {
    let s = call.state();
    for name in &input.key_names {
        if key_pair::by_name(s, &call.ctx, name).is_none() {
            return Err(ModelError::NotFound(IdKind::KeyPair, name.clone()).into());
        }
    }
    for id in &input.key_pair_ids {
        key_pair::find(s, &call.ctx, None, Some(id))?;
    }
    let rows = s.key_pairs.scope(&call.ctx).filter(|k| (input.key_names.is_empty() || input.key_names.contains(&k.name)) && (input.key_pair_ids.is_empty() || input.key_pair_ids.contains(&k.id)));
    let out = key_pair::FILTERS.select(&filter_list(&input.filters), s, &call.ctx, rows)?;
    let public = input.include_public_key == Some(true);
    Ok(shape::DescribeKeyPairsResult { key_pairs: out.into_iter().map(|k| info(k, public)).collect() })
}

pub(crate) fn delete_key_pair(call: &mut Call, input: shape::DeleteKeyPairRequest) -> Result<shape::DeleteKeyPairResult> {
    let (ch, id) = key_pair::delete(call.state(), &call.ctx, input.key_name.as_deref(), input.key_pair_id.as_deref())?;
    call.commit(ch)?;
    Ok(shape::DeleteKeyPairResult { return_: Some(true), key_pair_id: id })
}
