//! The Rules section: assertions on the parameter values, checked when
//! the parameters are resolved (before anything is created), as AWS does.
//! The CDK's default synthesizer writes one (`CheckBootstrapVersion`).
//!
//! ```yaml
//! Rules:
//!   ProdSize:
//!     RuleCondition: !Equals [!Ref Env, prod]          # optional
//!     Assertions:
//!       - Assert: !Contains [[m5.large, m5.xlarge], !Ref Size]
//!         AssertDescription: prod needs a large instance
//! ```

use crate::error::{Result, TemplateError};
use crate::eval::{Bound, NoResolver};
use crate::parameters::Params;
use crate::template::{scalar_text, Template};
use serde_json::Value;

/// The rule functions that read the account (`Fn::ValueOf`: a VPC's tags,
/// `Fn::RefAll`: every VPC id): an assertion using them is not checked.
const ACCOUNT_FUNCTIONS: &[&str] = &["Fn::ValueOf", "Fn::ValueOfAll", "Fn::RefAll"];

fn reads_account(v: &Value) -> bool {
    match v {
        Value::Array(a) => a.iter().any(reads_account),
        Value::Object(m) => m.keys().any(|k| ACCOUNT_FUNCTIONS.contains(&k.as_str())) || m.values().any(reads_account),
        _ => false,
    }
}

/// Checks every rule of `template` with `params`: the first failed
/// assertion is refused with its `AssertDescription`.
pub fn check(template: &Template, params: &Params) -> Result<()> {
    let Some(Value::Object(rules)) = &template.rules else { return Ok(()) };
    let b = Bound::parameters_only(template, params);
    for (name, rule) in rules {
        if let Some(c) = rule.get("RuleCondition") {
            if !reads_account(c) && !holds(&b, c)? {
                continue;
            }
        }
        let Some(Value::Array(assertions)) = rule.get("Assertions") else {
            return Err(TemplateError::format(format!("Rule {name} must contain a list of Assertions")));
        };
        for a in assertions {
            let Some(assert) = a.get("Assert") else {
                return Err(TemplateError::format(format!("Every assertion of rule {name} must contain an Assert")));
            };
            if reads_account(assert) || holds(&b, assert)? {
                continue;
            }
            let message = a
                .get("AssertDescription")
                .and_then(scalar_text)
                .unwrap_or_else(|| format!("Template error: assertion of rule {name} failed"));
            return Err(TemplateError::parameter(message));
        }
    }
    Ok(())
}

fn list(b: &Bound, v: &Value, f: &str) -> Result<Vec<String>> {
    match b.eval(v, &NoResolver)? {
        Some(Value::Array(items)) => Ok(items.iter().filter_map(scalar_text).collect()),
        _ => Err(TemplateError::template(format!("{f} requires a list of strings as its first argument"))),
    }
}

fn text(b: &Bound, v: &Value, f: &str) -> Result<String> {
    b.eval(v, &NoResolver)?
        .as_ref()
        .and_then(scalar_text)
        .ok_or_else(|| TemplateError::template(format!("{f} requires a string as its second argument")))
}

/// The value of a rule expression.
fn holds(b: &Bound, v: &Value) -> Result<bool> {
    let pair = |f: &str| -> Result<(Value, Value)> {
        match v.get(f) {
            Some(Value::Array(a)) if a.len() == 2 => Ok((a[0].clone(), a[1].clone())),
            _ => Err(TemplateError::template(format!("every {f} object requires a list of 2 parameters."))),
        }
    };
    let Some((k, arg)) = v.as_object().filter(|m| m.len() == 1).and_then(|m| m.iter().next()) else {
        return Err(TemplateError::template("Rules can only use rule functions"));
    };
    match k.as_str() {
        "Fn::Contains" => {
            let (l, s) = pair(k)?;
            Ok(list(b, &l, k)?.contains(&text(b, &s, k)?))
        }
        "Fn::EachMemberEquals" => {
            let (l, s) = pair(k)?;
            let s = text(b, &s, k)?;
            Ok(list(b, &l, k)?.iter().all(|m| *m == s))
        }
        "Fn::EachMemberIn" => {
            let (l, r) = pair(k)?;
            let allowed = list(b, &r, k)?;
            Ok(list(b, &l, k)?.iter().all(|m| allowed.contains(m)))
        }
        "Fn::And" | "Fn::Or" => {
            let Value::Array(items) = arg else {
                return Err(TemplateError::template(format!("every {k} object requires a list of boolean parameters.")));
            };
            let mut values = items.iter().map(|i| holds(b, i));
            if k == "Fn::And" {
                values.try_fold(true, |acc, x| x.map(|x| acc && x))
            } else {
                values.try_fold(false, |acc, x| x.map(|x| acc || x))
            }
        }
        "Fn::Not" => match arg {
            Value::Array(a) if a.len() == 1 => Ok(!holds(b, &a[0])?),
            _ => Err(TemplateError::template("every Fn::Not object requires a list of 1 boolean parameter.")),
        },
        _ => b.condition_value(v),
    }
}

#[cfg(test)]
mod tests {
    use crate::*;
    use std::collections::BTreeMap;

    /// The rule the CDK's default synthesizer writes.
    const CDK: &str = r#"
Parameters:
  BootstrapVersion: {Type: "AWS::SSM::Parameter::Value<String>", Default: /cdk-bootstrap/hnb659fds/version}
  Env: {Type: String, Default: dev}
  Sizes: {Type: CommaDelimitedList, Default: "a,b"}
Rules:
  CheckBootstrapVersion:
    Assertions:
      - Assert: {Fn::Not: [{Fn::Contains: [["1", "2", "3", "4", "5"], {Ref: BootstrapVersion}]}]}
        AssertDescription: CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI.
  ProdOnly:
    RuleCondition: !Equals [!Ref Env, prod]
    Assertions:
      - Assert: {Fn::EachMemberIn: [!Ref Sizes, [a, b]]}
        AssertDescription: prod sizes are a or b
      - Assert: {Fn::EachMemberEquals: [!Ref Sizes, a]}
      - Assert: {Fn::ValueOf: [Vpc, Tags]}
Resources:
  R: {Type: AWS::EC2::VPC}
"#;

    struct Version(&'static str);
    impl ParameterLookup for Version {
        fn ssm_parameter(&self, _: &str) -> Option<String> {
            Some(self.0.to_string())
        }
    }

    fn resolve(version: &'static str, given: &[(&str, &str)]) -> Result<Params> {
        let t = Template::parse(CDK).unwrap();
        let g = given.iter().map(|(k, v)| (k.to_string(), Given::Value(v.to_string()))).collect();
        resolve_parameters(&t, &g, &BTreeMap::new(), Pseudo::new("1", "us-east-1", "s", "id"), &Version(version))
    }

    #[test]
    fn assertions_refuse_with_their_description() {
        assert!(resolve("21", &[]).is_ok());
        assert_eq!(
            resolve("5", &[]).unwrap_err().message,
            "CDK bootstrap stack version 6 required. Please run 'cdk bootstrap' with a recent version of the CDK CLI."
        );
        // RuleCondition false: the rule's assertions are not checked.
        assert!(resolve("21", &[("Sizes", "c")]).is_ok());
        assert_eq!(resolve("21", &[("Env", "prod"), ("Sizes", "a,c")]).unwrap_err().message, "prod sizes are a or b");
        assert_eq!(
            resolve("21", &[("Env", "prod"), ("Sizes", "a,b")]).unwrap_err().message,
            "Template error: assertion of rule ProdOnly failed"
        );
        // Fn::ValueOf reads the account: not checked here.
        assert!(resolve("21", &[("Env", "prod"), ("Sizes", "a,a")]).is_ok());
    }
}
