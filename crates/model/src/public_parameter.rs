//! AWS's public Systems Manager parameters that name AMIs
//! (`/aws/service/ami-amazon-linux-latest/...`,
//! `/aws/service/canonical/ubuntu/server/...`), as GetParameter(s) and
//! GetParametersByPath read them in every region. Terraform's
//! `data "aws_ssm_parameter"`, CloudFormation's
//! `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>` and RunInstances'
//! `resolve:ssm:` look AMIs up this way.
//!
//! Only the names whose image is in xvpc's built-in catalogue
//! ([`crate::image::IMAGES`]) exist: a name AWS publishes for an image xvpc
//! does not have (minimal AL2023, Amazon Linux 2, ...) is `ParameterNotFound`,
//! rather than an id that DescribeImages and RunInstances would refuse.
//! Like the images, the values are the same in every region; the ARN
//! carries the caller's region and no account, as AWS's public ARNs do.
//!
//! The rules on names, paths and page sizes here are those of every
//! parameter, public or the customer's.

use crate::error::{ModelError, Result, SsmFault};

/// One public parameter: its name, the image it names, and the version
/// and modification time AWS's copy had when that image was the latest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicParameter {
    pub name: &'static str,
    /// The parameter's value: an AMI id of [`crate::image::IMAGES`].
    pub image_id: &'static str,
    pub version: i64,
    /// Milliseconds since the Unix epoch.
    pub last_modified: i64,
}

/// `Type` of every public parameter.
pub const TYPE: &str = "String";
/// `DataType` AWS gives its public AMI parameters (not `aws:ec2:image`,
/// which only parameters created with that data type carry).
pub const DATA_TYPE: &str = "text";

const AL2023_X86: &str = "ami-0453ec754f44f9a4a";
const AL2023_ARM: &str = "ami-0e2c8caa770b20b08";
const AL2018_X86: &str = "ami-1e749f67";
const JAMMY_1109: &str = "ami-005fc0f236362e99f";
const JAMMY_1002: &str = "ami-0a0e5d9c7acc336f1";
const NOBLE_1109: &str = "ami-0866a3c8686eaeeba";

const fn p(name: &'static str, image_id: &'static str, version: i64, last_modified: i64) -> PublicParameter {
    PublicParameter { name, image_id, version, last_modified }
}

/// The catalogue, sorted by name (GetParametersByPath pages by name).
/// Canonical publishes each release under its number and its code name,
/// and each build under its serial beside `current`.
pub const PARAMETERS: &[PublicParameter] = &[
    p("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64", AL2023_ARM, 77, 1732155120000),
    p("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64", AL2023_X86, 105, 1732155060000),
    p("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64", AL2023_ARM, 77, 1732155120000),
    p("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", AL2023_X86, 105, 1732155060000),
    p("/aws/service/ami-amazon-linux-latest/amzn-ami-hvm-x86_64-gp2", AL2018_X86, 42, 1534269600000),
    p("/aws/service/canonical/ubuntu/server/22.04/stable/20241002/amd64/hvm/ebs-gp2/ami-id", JAMMY_1002, 1, 1727917200000),
    p("/aws/service/canonical/ubuntu/server/22.04/stable/20241109/amd64/hvm/ebs-gp2/ami-id", JAMMY_1109, 1, 1731207900000),
    p("/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id", JAMMY_1109, 61, 1731207900000),
    p("/aws/service/canonical/ubuntu/server/24.04/stable/20241109/amd64/hvm/ebs-gp3/ami-id", NOBLE_1109, 1, 1731207960000),
    p("/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id", NOBLE_1109, 14, 1731207960000),
    p("/aws/service/canonical/ubuntu/server/jammy/stable/20241002/amd64/hvm/ebs-gp2/ami-id", JAMMY_1002, 1, 1727917200000),
    p("/aws/service/canonical/ubuntu/server/jammy/stable/20241109/amd64/hvm/ebs-gp2/ami-id", JAMMY_1109, 1, 1731207900000),
    p("/aws/service/canonical/ubuntu/server/jammy/stable/current/amd64/hvm/ebs-gp2/ami-id", JAMMY_1109, 61, 1731207900000),
    p("/aws/service/canonical/ubuntu/server/noble/stable/20241109/amd64/hvm/ebs-gp3/ami-id", NOBLE_1109, 1, 1731207960000),
    p("/aws/service/canonical/ubuntu/server/noble/stable/current/amd64/hvm/ebs-gp3/ami-id", NOBLE_1109, 14, 1731207960000),
];

impl PublicParameter {
    /// `arn:aws:ssm:<region>::parameter/aws/service/...`: public
    /// parameters belong to no account.
    pub fn arn(&self, region: &str) -> String {
        format!("arn:aws:ssm:{region}::parameter{}", self.name)
    }
}

/// A name as GetParameter(s) take it, split: the parameter's name (an ARN
/// given instead is reduced to it) and the `:<version>` or `:<label>`
/// selector after it, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameRef<'a> {
    pub name: &'a str,
    pub selector: Option<&'a str>,
}

/// Splits a requested name. `arn:aws:ssm:<region>:<account>:parameter/x/y`
/// names `/x/y`; a selector is a `:` after the last `/`.
pub fn parse_name(raw: &str) -> NameRef<'_> {
    let name = match raw.strip_prefix("arn:") {
        // arn:<partition>:ssm:<region>:<account>:parameter/<name>: the
        // leading slash of a hierarchical name is the ARN's own.
        Some(rest) => match rest.splitn(5, ':').nth(4).and_then(|r| r.strip_prefix("parameter")) {
            Some(n) if n.starts_with('/') => n,
            _ => raw,
        },
        None => raw,
    };
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[last_slash..].find(':') {
        Some(i) => NameRef { name: &name[..last_slash + i], selector: Some(&name[last_slash + i + 1..]) },
        None => NameRef { name, selector: None },
    }
}

/// The public parameter a request names (`None`: not found), or
/// `ParameterVersionNotFound` for a version other than the current one:
/// xvpc keeps no history of AWS's parameters, so an older version would
/// need a value it does not have. A label selector finds nothing: AWS
/// labels none of its public parameters.
pub fn find(raw: &str) -> Result<Option<&'static PublicParameter>> {
    let wanted = parse_name(raw);
    let Some(param) = PARAMETERS.iter().find(|p| p.name == wanted.name) else { return Ok(None) };
    match wanted.selector {
        None => Ok(Some(param)),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n == param.version => Ok(Some(param)),
            Ok(n) => Err(ModelError::Ssm(
                SsmFault::ParameterVersionNotFound,
                format!("Systems Manager could not find version {n} of {}. Verify the version and try again.", param.name),
            )),
            Err(_) => Ok(None),
        },
    }
}

/// `ParameterNotFound`, as GetParameter answers it (AWS sends no message).
pub fn not_found() -> ModelError {
    ModelError::Ssm(SsmFault::ParameterNotFound, String::new())
}

/// GetParametersByPath's `Path`: it begins with `/`, has no empty segment,
/// and uses letters, digits, `.`, `-`, `_` and `/` only.
pub fn check_path(path: &str) -> Result<()> {
    let body = path.strip_prefix('/');
    // `/` alone is the root; otherwise one trailing `/` is allowed.
    let ok = body.is_some_and(|b| {
        b.is_empty()
            || b.strip_suffix('/')
                .unwrap_or(b)
                .split('/')
                .all(|seg| !seg.is_empty() && seg.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c)))
    });
    if ok {
        Ok(())
    } else {
        Err(validation(format!(
            "The parameter doesn't meet the parameter name requirements. The parameter name must begin with a forward slash \"/\". \
             It can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only letters, numbers, or the following symbols: \
             . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the \
             forward slash symbol \"/\". Valid example: /get/parameters2-/by1./path0_. Invalid parameter name: {path}"
        )))
    }
}

/// Whether `name` is under `path`: a direct child, or any descendant when
/// `recursive` (GetParametersByPath's `Recursive`).
pub fn is_under(name: &str, path: &str, recursive: bool) -> bool {
    let prefix = path.strip_suffix('/').unwrap_or(path);
    match name.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('/')) {
        Some(rest) => !rest.is_empty() && (recursive || !rest.contains('/')),
        None => false,
    }
}

/// The public parameters under `path`, in name order.
pub fn under(path: &str, recursive: bool) -> impl Iterator<Item = &'static PublicParameter> + '_ {
    PARAMETERS.iter().filter(move |p| is_under(p.name, path, recursive))
}

/// GetParameters' `Names`: one to ten names.
pub fn check_names(names: &[String]) -> Result<()> {
    if names.is_empty() || names.len() > 10 {
        let (bound, n) = if names.is_empty() { ("greater than or equal to", 1) } else { ("less than or equal to", 10) };
        return Err(validation(format!(
            "1 validation error detected: Value '[{}]' at 'names' failed to satisfy constraint: Member must have length {bound} {n}",
            names.join(", ")
        )));
    }
    Ok(())
}

/// A page size outside `1..=max` (`member` as AWS names it, `maxResults`).
pub fn check_max_results(member: &str, value: Option<i32>, max: i32) -> Result<()> {
    match value {
        Some(v) if v < 1 => Err(validation(format!(
            "1 validation error detected: Value '{v}' at '{member}' failed to satisfy constraint: Member must have value greater than or equal to 1"
        ))),
        Some(v) if v > max => Err(validation(format!(
            "1 validation error detected: Value '{v}' at '{member}' failed to satisfy constraint: Member must have value less than or equal to {max}"
        ))),
        _ => Ok(()),
    }
}

fn validation(message: String) -> ModelError {
    ModelError::Ssm(SsmFault::Validation, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_is_an_image_of_the_catalogue_and_names_are_sorted() {
        for p in PARAMETERS {
            let image = crate::image::find(p.image_id).expect(p.name);
            assert!(check_path(p.name).is_ok(), "{}", p.name);
            let arch = if p.name.contains("arm64") { "arm64" } else { "x86_64" };
            assert_eq!(image.architecture, arch, "{}", p.name);
        }
        assert!(PARAMETERS.windows(2).all(|w| w[0].name < w[1].name));
    }

    #[test]
    fn latest_al2023_and_ubuntu_are_the_newest_images() {
        let al = find("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64").unwrap().unwrap();
        let newest = crate::image::IMAGES
            .iter()
            .filter(|i| i.name.starts_with("al2023") && i.architecture == "x86_64")
            .max_by_key(|i| i.creation_date)
            .unwrap();
        assert_eq!(al.image_id, newest.id);
        let jammy = find("/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2/ami-id").unwrap().unwrap();
        assert_eq!(crate::image::find(jammy.image_id).unwrap().name, "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20241109");
        assert_eq!(al.arn("eu-west-1"), "arn:aws:ssm:eu-west-1::parameter/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64");
    }

    #[test]
    fn names_arns_and_selectors() {
        let n = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";
        assert_eq!(parse_name(n), NameRef { name: n, selector: None });
        assert_eq!(parse_name(&format!("{n}:77")), NameRef { name: n, selector: Some("77") });
        let arn = format!("arn:aws:ssm:us-east-1::parameter{n}");
        assert_eq!(parse_name(&arn), NameRef { name: n, selector: None });
        assert_eq!(find(&arn).unwrap().map(|p| p.name), Some(n));
        assert_eq!(find(&format!("{n}:77")).unwrap().map(|p| p.version), Some(77));
        assert!(find(&format!("{n}:3")).is_err());
        assert_eq!(find(&format!("{n}:78")).unwrap_err(), ModelError::Ssm(
            SsmFault::ParameterVersionNotFound,
            format!("Systems Manager could not find version 78 of {n}. Verify the version and try again.")
        ));
        assert_eq!(find(&format!("{n}:prod")).unwrap(), None);
        assert_eq!(find("/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-x86_64").unwrap(), None);
        assert_eq!(find("al2023-ami-kernel-default-x86_64").unwrap(), None);
        // A customer's flat name keeps its selector.
        assert_eq!(parse_name("db-password:2"), NameRef { name: "db-password", selector: Some("2") });
    }

    #[test]
    fn paths_one_level_and_recursive() {
        let al: Vec<_> = under("/aws/service/ami-amazon-linux-latest", false).map(|p| p.name).collect();
        assert_eq!(al.len(), 5);
        assert_eq!(under("/aws/service/ami-amazon-linux-latest/", false).count(), 5);
        assert_eq!(under("/aws/service", false).count(), 0);
        assert_eq!(under("/aws/service", true).count(), PARAMETERS.len());
        assert_eq!(under("/aws/service/canonical/ubuntu/server/22.04", true).count(), 3);
        assert_eq!(under("/aws/service/canonical/ubuntu/server/22.04/stable/current/amd64/hvm/ebs-gp2", false).count(), 1);
        // A prefix that is not a whole segment matches nothing.
        assert_eq!(under("/aws/service/ami-amazon", true).count(), 0);
        assert!(!is_under("/a/b", "/a/b", true));
        assert!(is_under("/a", "/", false));
        assert!(!is_under("/a/b", "/", false));
        assert!(is_under("/a/b", "/", true));
    }

    #[test]
    fn refusals() {
        for bad in ["aws/service", "", "//", "/a//b", "/a b", "/###"] {
            assert!(matches!(check_path(bad), Err(ModelError::Ssm(SsmFault::Validation, _))), "{bad:?}");
        }
        for good in ["/", "/aws/service/", "/get/parameters2-/by1./path0_."] {
            assert!(check_path(good).is_ok(), "{good:?}");
        }
        assert!(check_names(&[]).is_err());
        assert!(check_names(&vec!["/a".to_string(); 10]).is_ok());
        let Err(ModelError::Ssm(SsmFault::Validation, m)) = check_names(&vec!["/a".to_string(); 11]) else { panic!() };
        assert!(m.ends_with("at 'names' failed to satisfy constraint: Member must have length less than or equal to 10"), "{m}");
        assert!(check_max_results("maxResults", Some(10), 10).is_ok());
        assert!(check_max_results("maxResults", None, 10).is_ok());
        let Err(ModelError::Ssm(_, m)) = check_max_results("maxResults", Some(11), 10) else { panic!() };
        assert_eq!(m, "1 validation error detected: Value '11' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10");
        assert!(check_max_results("maxResults", Some(0), 10).is_err());
        assert_eq!(not_found(), ModelError::Ssm(SsmFault::ParameterNotFound, String::new()));
    }
}
