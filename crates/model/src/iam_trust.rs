//! A role's trust policy (`AssumeRolePolicyDocument`), evaluated for STS
//! AssumeRole: who may become the role.
//!
//! AWS's rules (IAM User Guide, "Policy evaluation logic" and "AWS JSON
//! policy elements: Principal"): a caller may assume a role when a statement
//! with `Effect: Allow` names it as a principal for `sts:AssumeRole` and no
//! `Deny` statement does. `"AWS": "arn:aws:iam::<account>:root"` (or the bare
//! account id) trusts every principal of that account; a role ARN trusts
//! that role's sessions; `"*"` trusts everyone. `Service` and `Federated`
//! principals are AWS services and identity providers, never an xvpc caller.
//! Conditions are not evaluated (xvpc has no request context to test them
//! against); a statement with one is taken as if it held.

use serde_json::Value;

use crate::error::{IamFault, ModelError, Result};
use crate::iam::Role;
use crate::state::{Ctx, State};

/// Who is asking: the caller's account and ARN (`arn:aws:iam::<acct>:root`,
/// `arn:aws:iam::<acct>:user/x`, `arn:aws:sts::<acct>:assumed-role/R/s`).
#[derive(Debug, Clone)]
pub struct Principal<'a> {
    pub account: &'a str,
    pub arn: &'a str,
}

/// A string or a list of strings, as policy elements may be written.
fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

/// Whether an `Action` pattern (`sts:AssumeRole`, `sts:*`, `*`) covers
/// `sts:AssumeRole`; IAM action names are case-insensitive.
fn covers_assume_role(pattern: &str) -> bool {
    let p = pattern.to_ascii_lowercase();
    p == "*" || p == "sts:*" || p == "sts:assumerole"
}

/// `arn:aws:sts::<acct>:assumed-role/<role>/<session>` is a session of
/// `arn:aws:iam::<acct>:role/<role>` (whatever the role's path).
fn session_of(caller_arn: &str, role_arn: &str) -> bool {
    let Some(rest) = caller_arn.strip_prefix("arn:aws:sts::") else { return false };
    let Some((acct, tail)) = rest.split_once(":assumed-role/") else { return false };
    let role = tail.split('/').next().unwrap_or("");
    role_arn.starts_with(&format!("arn:aws:iam::{acct}:role/")) && role_arn.rsplit('/').next() == Some(role)
}

/// Whether one `"AWS"` principal entry names the caller.
fn names(entry: &str, who: &Principal) -> bool {
    entry == "*"
        || entry == who.account
        || entry == format!("arn:aws:iam::{}:root", who.account)
        || entry == who.arn
        || session_of(who.arn, entry)
}

/// Whether a statement applies to `who` asking for `sts:AssumeRole`.
fn applies(stmt: &Value, who: &Principal) -> bool {
    let action = stmt.get("Action").map(strings).unwrap_or_default();
    let not_action = stmt.get("NotAction").map(strings);
    let acts = match not_action {
        Some(na) => !na.iter().any(|a| covers_assume_role(a)),
        None => action.iter().any(|a| covers_assume_role(a)),
    };
    if !acts {
        return false;
    }
    match stmt.get("Principal") {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(p)) => p.get("AWS").map(strings).unwrap_or_default().iter().any(|e| names(e, who)),
        _ => false,
    }
}

/// Whether the role's trust policy lets `who` assume it.
pub fn trusts(role: &Role, who: &Principal) -> bool {
    let Ok(doc) = serde_json::from_str::<Value>(&role.assume_role_policy) else { return false };
    let statements: Vec<&Value> = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => vec![],
    };
    let effect = |s: &Value| s.get("Effect").and_then(Value::as_str).unwrap_or("").to_string();
    let matching: Vec<&Value> = statements.into_iter().filter(|s| applies(s, who)).collect();
    !matching.iter().any(|s| effect(s) == "Deny") && matching.iter().any(|s| effect(s) == "Allow")
}

/// STS AssumeRole's decision for `role_arn`: `Ok(true)` when the role exists
/// and trusts the caller, `Ok(false)` when no such role exists (the caller
/// decides whether that is allowed: `serve --strict-iam`), `AccessDenied`
/// when the role exists and does not trust the caller.
pub fn may_assume(state: &State, role_arn: &str, who: &Principal) -> Result<bool> {
    let Some((account, name)) = role_arn.strip_prefix("arn:aws:iam::").and_then(|r| r.split_once(":role/")) else {
        return Ok(false);
    };
    let name = name.rsplit('/').next().unwrap_or(name);
    let ctx = Ctx::new(account, crate::iam::GLOBAL, 0);
    match crate::iam::role(state, &ctx, name) {
        Ok(role) if role.arn() == role_arn && trusts(role, who) => Ok(true),
        Ok(_) => Err(denied(who, role_arn)),
        Err(_) => Ok(false),
    }
}

/// AWS's refusal of an AssumeRole the trust policy does not allow.
pub fn denied(who: &Principal, role_arn: &str) -> ModelError {
    ModelError::Iam(IamFault::AccessDenied, format!("User: {} is not authorized to perform: sts:AssumeRole on resource: {role_arn}", who.arn))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::{create_role, CreateRole};

    fn state_with(trust: &str) -> State {
        let ctx = Ctx::new("222222222222", crate::iam::GLOBAL, 1);
        let mut s = State::default();
        let (ch, _) = create_role(&s, &ctx, CreateRole { name: "Accepter".into(), assume_role_policy: trust.into(), ..Default::default() }).unwrap();
        s.apply_all(ch);
        s
    }

    const ARN: &str = "arn:aws:iam::222222222222:role/Accepter";

    fn root(acct: &str) -> String {
        format!("arn:aws:iam::{acct}:root")
    }

    #[test]
    fn an_account_principal_trusts_that_account_only() {
        let s = state_with(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}"#);
        let a = root("111111111111");
        assert!(may_assume(&s, ARN, &Principal { account: "111111111111", arn: &a }).unwrap());
        let sess = "arn:aws:sts::111111111111:assumed-role/ops/s";
        assert!(may_assume(&s, ARN, &Principal { account: "111111111111", arn: sess }).unwrap());
        let c = root("333333333333");
        let e = may_assume(&s, ARN, &Principal { account: "333333333333", arn: &c }).unwrap_err();
        assert!(matches!(e, ModelError::Iam(IamFault::AccessDenied, ref m) if m == "User: arn:aws:iam::333333333333:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/Accepter"));
        // A role nobody created: the caller decides (strict or not).
        assert!(!may_assume(&s, "arn:aws:iam::222222222222:role/Other", &Principal { account: "333333333333", arn: &c }).unwrap());
    }

    #[test]
    fn deny_wins_services_are_not_callers_and_lists_are_read() {
        let s = state_with(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["111111111111","arn:aws:iam::333333333333:root"]},"Action":["sts:AssumeRole","sts:TagSession"]},{"Effect":"Deny","Principal":{"AWS":"333333333333"},"Action":"sts:*"}]}"#);
        let a = root("111111111111");
        assert!(may_assume(&s, ARN, &Principal { account: "111111111111", arn: &a }).unwrap());
        let c = root("333333333333");
        assert!(may_assume(&s, ARN, &Principal { account: "333333333333", arn: &c }).is_err());
        let svc = state_with(r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},"Action":"sts:AssumeRole"}}"#);
        assert!(may_assume(&svc, ARN, &Principal { account: "222222222222", arn: &root("222222222222") }).is_err());
        let star = state_with(r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*"}}"#);
        assert!(may_assume(&star, ARN, &Principal { account: "444444444444", arn: &root("444444444444") }).unwrap());
        // Only the role's own session, by ARN.
        let role = state_with(r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/ops"},"Action":"sts:AssumeRole"}}"#);
        assert!(may_assume(&role, ARN, &Principal { account: "111111111111", arn: "arn:aws:sts::111111111111:assumed-role/ops/x" }).unwrap());
        assert!(may_assume(&role, ARN, &Principal { account: "111111111111", arn: "arn:aws:sts::111111111111:assumed-role/dev/x" }).is_err());
    }
}
