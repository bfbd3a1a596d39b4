//! STS (awsQuery, 2011-06-15): who am I, and becoming another account.
//! Typed handlers over the generated `shapes::sts`.

use std::sync::OnceLock;

use xvpc_model::iam_trust;
use xvpc_model::ModelError;
use xvpc_wire::shapes::sts::{self as shape, ops};
use xvpc_wire::Timestamp;

use crate::call::{ActionTable, Call, QueryHandler};
use crate::errors::Result;
use crate::identity::{temporary_key, Session};

const TYPED: &[(&str, QueryHandler)] = &[
    crate::typed!(ops::GetCallerIdentity, get_caller_identity),
    crate::typed!(ops::AssumeRole, assume_role),
    crate::typed!(ops::GetSessionToken, get_session_token),
];

/// Every STS action.
pub fn actions() -> &'static ActionTable {
    static TABLE: OnceLock<ActionTable> = OnceLock::new();
    TABLE.get_or_init(|| ActionTable::new(&[TYPED]))
}

fn get_caller_identity(call: &mut Call, _: shape::GetCallerIdentityRequest) -> Result<shape::GetCallerIdentityResponse> {
    Ok(shape::GetCallerIdentityResponse {
        arn: Some(call.caller.arn.clone()),
        user_id: Some(call.caller.user_id.clone()),
        account: Some(call.caller.account.clone()),
    })
}

/// Issues a temporary key for `account` acting as `session` and remembers
/// the session.
/// The secret is random and recorded with the session (a secret derived
/// from the public key id would let anyone who saw the id sign as it).
fn credentials(call: &mut Call, account: &str, session: &Session, expires_ms: i64) -> Result<shape::Credentials> {
    let key = temporary_key(account);
    let secret = xvpc_model::access_key::new_secret();
    let token = format!("FwoGZXIvYXdzEXVPC{}", xvpc_model::ids::random_hex(64));
    let recorded = Session { secret: Some(secret.clone()), token: Some(token.clone()), ..session.clone() };
    call.put_meta(&Session::meta_key(&key), &serde_json::to_string(&recorded).unwrap_or_default())?;
    Ok(shape::Credentials { secret_access_key: secret, access_key_id: key, session_token: token, expiration: Timestamp(expires_ms) })
}

fn duration(d: Option<i32>, default: i64, max: i64) -> Result<i64> {
    let d = d.map_or(default, i64::from);
    if !(900..=max).contains(&d) {
        return Err(ModelError::ValidationError(format!(
            "1 validation error detected: Value '{d}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and {max}"
        ))
        .into());
    }
    Ok(d)
}

/// AssumeRole into `arn:aws:iam::<account>:role/<name>`; the temporary key
/// maps to that account. A role that exists must trust the caller
/// (`iam_trust`, else `AccessDenied`); a role nobody created is assumed
/// as a convenience unless `serve --strict-iam`, where AWS's answer for it
/// is the same `AccessDenied`.
fn assume_role(call: &mut Call, input: shape::AssumeRoleRequest) -> Result<shape::AssumeRoleResponse> {
    let arn = input.role_arn.as_str();
    let session = input.role_session_name.as_str();
    let parts: Vec<&str> = arn.split(':').collect();
    let valid = parts.len() == 6
        && parts[0] == "arn"
        && parts[2] == "iam"
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5].starts_with("role/")
        && parts[5].len() > 5;
    if !valid {
        return Err(ModelError::ValidationError(format!("{arn} is invalid")).into());
    }
    let who = iam_trust::Principal { account: &call.caller.account, arn: &call.caller.arn };
    if !iam_trust::may_assume(call.state(), arn, &who)? && call.app.config.strict_iam {
        return Err(iam_trust::denied(&who, arn).into());
    }
    let account = parts[4];
    let role = &parts[5][5..];
    let secs = duration(input.duration_seconds, 3600, 43200)?;
    let assumed = Session {
        arn: format!("arn:aws:sts::{account}:assumed-role/{role}/{session}"),
        user_id: format!("AROA{}:{session}", xvpc_model::ids::random_hex(16).to_uppercase()),
        secret: None,
        token: None,
    };
    let expires = call.ctx.now + secs * 1000;
    Ok(shape::AssumeRoleResponse {
        credentials: Some(credentials(call, account, &assumed, expires)?),
        assumed_role_user: Some(shape::AssumedRoleUser { assumed_role_id: assumed.user_id, arn: assumed.arn }),
        // AWS echoes the source identity the caller set on the session.
        source_identity: input.source_identity,
        // Session policies are accepted and not evaluated: no packed size.
        packed_policy_size: None,
    })
}

fn get_session_token(call: &mut Call, input: shape::GetSessionTokenRequest) -> Result<shape::GetSessionTokenResponse> {
    let secs = duration(input.duration_seconds, 43200, 129600)?;
    let account = call.caller.account.clone();
    let same = Session { arn: call.caller.arn.clone(), user_id: call.caller.user_id.clone(), secret: None, token: None };
    let expires = call.ctx.now + secs * 1000;
    Ok(shape::GetSessionTokenResponse { credentials: Some(credentials(call, &account, &same, expires)?) })
}

#[cfg(test)]
mod tests {
    use xvpc_wire::HttpRequest;

    use crate::shape_coverage::missing;
    use crate::{App, Config};

    /// The `<XResult>` members of an STS call made by account A.
    fn call(app: &App, params: &str) -> String {
        let auth = "AWS4-HMAC-SHA256 Credential=111111111111/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0";
        let req = HttpRequest {
            method: "POST".into(),
            path: "/".into(),
            query: String::new(),
            headers: vec![("authorization".into(), auth.into()), ("content-type".into(), "application/x-www-form-urlencoded".into())],
            body: format!("Version=2011-06-15&{params}").into_bytes(),
        };
        let resp = app.handle(req);
        let body = String::from_utf8(resp.body).unwrap();
        assert_eq!(resp.status, 200, "{body}");
        let action = params.split('&').next().unwrap().trim_start_matches("Action=");
        let (open, close) = (format!("<{action}Result>"), format!("</{action}Result>"));
        let start = body.find(&open).map(|i| i + open.len()).expect("a result element");
        body[start..body.find(&close).expect("its end")].to_string()
    }

    #[test]
    fn outputs_carry_every_member_botocore_declares() {
        let store = xvpc_store::SqliteStore::in_memory().unwrap();
        let app = App::new(Box::new(store), Config::default()).unwrap();
        let xml = call(&app, "Action=GetCallerIdentity");
        assert_eq!(missing("sts", "GetCallerIdentityResponse", &xml), Vec::<String>::new());
        let xml = call(&app, "Action=AssumeRole&RoleArn=arn:aws:iam::222222222222:role/r&RoleSessionName=s&SourceIdentity=me");
        // Session policies are not evaluated, so there is no packed size.
        assert_eq!(missing("sts", "AssumeRoleResponse", &xml), ["AssumeRoleResponse.PackedPolicySize"]);
        let xml = call(&app, "Action=GetSessionToken&DurationSeconds=900");
        assert_eq!(missing("sts", "GetSessionTokenResponse", &xml), Vec::<String>::new());
    }
}
