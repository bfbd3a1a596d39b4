//! STS (awsQuery, 2011-06-15): who am I, and becoming another account.

use xvpc_wire::{QueryParams, XmlWriter};

use crate::call::{Call, QueryHandler};
use crate::errors::{client, Result};
use crate::identity::{temporary_key, temporary_secret, Session};

pub fn handler(action: &str) -> Option<QueryHandler> {
    Some(match action {
        "GetCallerIdentity" => get_caller_identity,
        "AssumeRole" => assume_role,
        "GetSessionToken" => get_session_token,
        _ => return None,
    })
}

fn get_caller_identity(call: &mut Call, _p: &QueryParams) -> Result<String> {
    let mut w = XmlWriter::new();
    w.leaf("Arn", &call.caller.arn).leaf("UserId", &call.caller.user_id).leaf("Account", &call.caller.account);
    Ok(w.finish())
}

/// Issues a temporary key for `account` acting as `session`, remembers the
/// session, and writes the `Credentials` element.
fn credentials(call: &mut Call, w: &mut XmlWriter, account: &str, session: &Session, expires_ms: i64) -> Result<()> {
    let key = temporary_key(account);
    call.put_meta(&Session::meta_key(&key), &serde_json::to_string(session).unwrap_or_default())?;
    w.open("Credentials")
        .leaf("AccessKeyId", &key)
        .leaf("SecretAccessKey", temporary_secret(&key))
        .leaf("SessionToken", format!("FwoGZXIvYXdzEXVPC{}", xvpc_model::ids::random_hex(64)))
        .leaf("Expiration", crate::ec2::timestamp(expires_ms))
        .close("Credentials");
    Ok(())
}

fn duration(p: &QueryParams, default: i64, max: i64) -> Result<i64> {
    let d = p.int("DurationSeconds")?.unwrap_or(default);
    if !(900..=max).contains(&d) {
        return Err(client("ValidationError", format!("1 validation error detected: Value '{d}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and {max}")));
    }
    Ok(d)
}

/// AssumeRole into `arn:aws:iam::<account>:role/<name>` of any account;
/// the temporary key maps to that account.
fn assume_role(call: &mut Call, p: &QueryParams) -> Result<String> {
    let arn = p.required("RoleArn")?;
    let session = p.required("RoleSessionName")?;
    let parts: Vec<&str> = arn.split(':').collect();
    let valid = parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "iam"
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5].starts_with("role/")
        && parts[5].len() > 5;
    if !valid {
        return Err(client("ValidationError", format!("{arn} is invalid")));
    }
    let account = parts[4];
    let role = &parts[5][5..];
    let secs = duration(p, 3600, 43200)?;
    let assumed = Session {
        arn: format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"),
        user_id: format!("AROA{}:{session}", xvpc_model::ids::random_hex(16).to_uppercase()),
    };
    let mut w = XmlWriter::new();
    credentials(call, &mut w, account, &assumed, call.ctx.now + secs * 1000)?;
    w.open("AssumedRoleUser").leaf("AssumedRoleId", &assumed.user_id).leaf("Arn", &assumed.arn).close("AssumedRoleUser");
    Ok(w.finish())
}

fn get_session_token(call: &mut Call, p: &QueryParams) -> Result<String> {
    let secs = duration(p, 43200, 129600)?;
    let mut w = XmlWriter::new();
    let account = call.caller.account.clone();
    let same = Session { arn: call.caller.arn.clone(), user_id: call.caller.user_id.clone() };
    credentials(call, &mut w, &account, &same, call.ctx.now + secs * 1000)?;
    Ok(w.finish())
}
