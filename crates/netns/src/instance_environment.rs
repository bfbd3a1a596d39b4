//! What a process inside an instance (its user data, `xvpc exec`) finds in
//! its environment: credentials of the instance's account and what the AWS
//! CLI and SDKs need to call AWS's regional hostnames from inside the VPC,
//! unchanged. In AWS an instance gets credentials from its instance
//! profile; xvpc has none, so it hands the instance its account's
//! emulator key instead: the account id as access key id, with the secret
//! xvpc accepts for such keys (`test`, also under `--verify-signatures`).
//!
//! - `AWS_ACCESS_KEY_ID` = the instance's account id, `AWS_SECRET_ACCESS_KEY`
//!   = `test`, `AWS_DEFAULT_REGION`/`AWS_REGION` = its region;
//! - `AWS_CA_BUNDLE` = the run's certificate authority (see
//!   `crate::aws_service_host`), which signed the certificate an interface
//!   endpoint to `ec2`, `sts` or `elasticloadbalancing` presents;
//! - `AWS_CONFIG_FILE` and `AWS_SHARED_CREDENTIALS_FILE` = `/dev/null` and
//!   no `AWS_ENDPOINT_URL*`, `AWS_PROFILE` or session token: the host's own
//!   settings (an endpoint URL pointing at the host's loopback) do not
//!   exist inside the instance, so calls go to the regional hostnames as
//!   on EC2; `AWS_EC2_METADATA_DISABLED` = `true`, as there is no
//!   instance metadata service to wait for.

use std::path::Path;

/// The secret xvpc accepts for an access key that is an account id (the
/// api's default secret).
pub const SECRET: &str = "test";

/// The run's certificate authority, in the run's directory.
pub const CA_FILE: &str = "ca.pem";

/// Variables removed from an instance's environment: the host's AWS
/// settings. Any `AWS_ENDPOINT_URL_<SERVICE>` goes too ([`cleared`]).
const CLEARED: &[&str] = &["AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"];

/// Whether the host's variable `name` is removed inside an instance.
pub fn cleared(name: &str) -> bool {
    CLEARED.contains(&name) || name.starts_with("AWS_ENDPOINT_URL_")
}

/// The variables set inside an instance of `account` in `region`, given
/// the run's directory.
pub fn variables(account: &str, region: &str, run_dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ACCESS_KEY_ID", account.to_string()),
        ("AWS_SECRET_ACCESS_KEY", SECRET.to_string()),
        ("AWS_DEFAULT_REGION", region.to_string()),
        ("AWS_REGION", region.to_string()),
        ("AWS_CA_BUNDLE", run_dir.join(CA_FILE).to_string_lossy().into_owned()),
        ("AWS_CONFIG_FILE", "/dev/null".to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".to_string()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_gets_its_account_and_region_and_none_of_the_hosts_settings() {
        let v = variables("111111111111", "eu-west-1", Path::new("/run/xvpc/xv0001"));
        let get = |k: &str| v.iter().find(|(n, _)| *n == k).map(|(_, x)| x.as_str());
        assert_eq!(get("AWS_ACCESS_KEY_ID"), Some("111111111111"));
        assert_eq!(get("AWS_DEFAULT_REGION"), Some("eu-west-1"));
        assert_eq!(get("AWS_CA_BUNDLE"), Some("/run/xvpc/xv0001/ca.pem"));
        assert!(cleared("AWS_ENDPOINT_URL") && cleared("AWS_ENDPOINT_URL_EC2") && cleared("AWS_PROFILE"));
        assert!(!cleared("PATH") && !cleared("AWS_ACCESS_KEY_ID"));
    }
}
