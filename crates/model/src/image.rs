//! A small built-in catalogue of public AMIs: Amazon Linux 2023 and Ubuntu
//! 22.04/24.04 as `data "aws_ami"` lookups find them, plus the ids moto
//! users (and the shared scenarios, CLI, Terraform and CloudFormation) pass
//! to RunInstances.

use crate::error::{IdKind, ModelError, Result};
use crate::filter::{one, opt, Field, FilterTable};

/// One public image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub owner_id: &'static str,
    /// `amazon` for Amazon's own images; Canonical's have none.
    pub owner_alias: Option<&'static str>,
    pub creation_date: &'static str,
    pub architecture: &'static str,
    pub root_device_name: &'static str,
    pub platform_details: &'static str,
}

const AMAZON: &str = "137112412989";
const CANONICAL: &str = "099720109477";

/// The catalogue. Ids are the same in every region.
pub const IMAGES: &[Image] = &[
    Image { id: "ami-0453ec754f44f9a4a", name: "al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64", description: "Amazon Linux 2023 AMI 2023.6.20241121.0 x86_64 HVM kernel-6.1", owner_id: AMAZON, owner_alias: Some("amazon"), creation_date: "2024-11-20T21:04:26.000Z", architecture: "x86_64", root_device_name: "/dev/xvda", platform_details: "Linux/UNIX" },
    Image { id: "ami-0c5f4b2e4a1c3b9d7", name: "al2023-ami-2023.6.20241111.0-kernel-6.1-x86_64", description: "Amazon Linux 2023 AMI 2023.6.20241111.0 x86_64 HVM kernel-6.1", owner_id: AMAZON, owner_alias: Some("amazon"), creation_date: "2024-11-08T19:48:12.000Z", architecture: "x86_64", root_device_name: "/dev/xvda", platform_details: "Linux/UNIX" },
    Image { id: "ami-0e2c8caa770b20b08", name: "al2023-ami-2023.6.20241121.0-kernel-6.1-arm64", description: "Amazon Linux 2023 AMI 2023.6.20241121.0 arm64 HVM kernel-6.1", owner_id: AMAZON, owner_alias: Some("amazon"), creation_date: "2024-11-20T21:04:30.000Z", architecture: "arm64", root_device_name: "/dev/xvda", platform_details: "Linux/UNIX" },
    Image { id: "ami-005fc0f236362e99f", name: "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20241109", description: "Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2024-11-09", owner_id: CANONICAL, owner_alias: None, creation_date: "2024-11-09T07:21:41.000Z", architecture: "x86_64", root_device_name: "/dev/sda1", platform_details: "Linux/UNIX" },
    Image { id: "ami-0a0e5d9c7acc336f1", name: "ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20241002", description: "Canonical, Ubuntu, 22.04 LTS, amd64 jammy image build on 2024-10-02", owner_id: CANONICAL, owner_alias: None, creation_date: "2024-10-02T09:12:03.000Z", architecture: "x86_64", root_device_name: "/dev/sda1", platform_details: "Linux/UNIX" },
    Image { id: "ami-0866a3c8686eaeeba", name: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241109", description: "Canonical, Ubuntu, 24.04, amd64 noble image", owner_id: CANONICAL, owner_alias: None, creation_date: "2024-11-09T07:26:50.000Z", architecture: "x86_64", root_device_name: "/dev/sda1", platform_details: "Linux/UNIX" },
    // The placeholder id AWS's documentation examples use, and the default
    // AmiId of the shared CloudFormation scenarios (scenarios/cloudformation),
    // which deploy with no parameter for it.
    Image { id: "ami-0123456789abcdef0", name: "documentation-example-x86_64", description: "The image id of AWS documentation examples (Linux x86_64 HVM)", owner_id: AMAZON, owner_alias: Some("amazon"), creation_date: "2024-01-01T00:00:00.000Z", architecture: "x86_64", root_device_name: "/dev/xvda", platform_details: "Linux/UNIX" },
    // The ids moto documents as its default images; scenarios use them.
    Image { id: "ami-1e749f67", name: "amzn-ami-hvm-2018.03.0.20180811-x86_64-gp2", description: "Amazon Linux AMI 2018.03.0.20180811 x86_64 HVM GP2", owner_id: AMAZON, owner_alias: Some("amazon"), creation_date: "2018-08-11T00:00:00.000Z", architecture: "x86_64", root_device_name: "/dev/xvda", platform_details: "Linux/UNIX" },
    Image { id: "ami-12c6146b", name: "amzn-ami-hvm-2018.03.0.20180508-x86_64-gp2", description: "Amazon Linux AMI 2018.03.0.20180508 x86_64 HVM GP2", owner_id: AMAZON, owner_alias: Some("amazon"), creation_date: "2018-05-08T00:00:00.000Z", architecture: "x86_64", root_device_name: "/dev/xvda", platform_details: "Linux/UNIX" },
];

impl Image {
    /// Whether the `Owners` value (`amazon`, `self`, an alias or an account
    /// id) names this image's owner.
    pub fn owned_by(&self, owner: &str, caller: &str) -> bool {
        match owner {
            "self" => self.owner_id == caller,
            o => o == self.owner_id || Some(o) == self.owner_alias,
        }
    }
}

/// DescribeImages' filters. Values agree with what DescribeImages shows:
/// public, available, EBS-backed HVM images with one 8 GiB gp3 root volume.
pub const FILTERS: FilterTable<Image> = FilterTable {
    tags: Some(|_, _| None),
    fields: &[
        ("architecture", Field::Values(|i, _| one(i.architecture))),
        ("block-device-mapping.delete-on-termination", Field::Values(|_, _| one(true))),
        ("block-device-mapping.device-name", Field::Values(|i, _| one(i.root_device_name))),
        ("block-device-mapping.encrypted", Field::Values(|_, _| one(false))),
        ("block-device-mapping.snapshot-id", Field::Absent),
        ("block-device-mapping.volume-size", Field::Values(|_, _| one(8))),
        ("block-device-mapping.volume-type", Field::Values(|_, _| one("gp3"))),
        ("creation-date", Field::Values(|i, _| one(i.creation_date))),
        ("description", Field::Values(|i, _| one(i.description))),
        ("ena-support", Field::Values(|_, _| one(true))),
        ("free-tier-eligible", Field::Absent),
        ("hypervisor", Field::Values(|_, _| one("xen"))),
        ("image-allowed", Field::Absent),
        ("image-id", Field::Values(|i, _| one(i.id))),
        ("image-type", Field::Values(|_, _| one("machine"))),
        ("is-public", Field::Values(|_, _| one(true))),
        ("kernel-id", Field::Absent),
        ("manifest-location", Field::Values(|i, _| one(format!("{}/{}", i.owner_alias.unwrap_or(i.owner_id), i.name)))),
        ("name", Field::Values(|i, _| one(i.name))),
        ("owner-alias", Field::Values(|i, _| opt(i.owner_alias))),
        ("owner-id", Field::Values(|i, _| one(i.owner_id))),
        ("platform", Field::Absent),
        ("platform-details", Field::Values(|i, _| one(i.platform_details))),
        ("product-code", Field::Absent),
        ("product-code.type", Field::Absent),
        ("ramdisk-id", Field::Absent),
        ("root-device-name", Field::Values(|i, _| one(i.root_device_name))),
        ("root-device-type", Field::Values(|_, _| one("ebs"))),
        ("source-image-id", Field::Absent),
        ("source-image-region", Field::Absent),
        ("source-instance-id", Field::Absent),
        ("sriov-net-support", Field::Values(|_, _| one("simple"))),
        ("state", Field::Values(|_, _| one("available"))),
        ("state-reason-code", Field::Absent),
        ("state-reason-message", Field::Absent),
        ("virtualization-type", Field::Values(|_, _| one("hvm"))),
    ],
};

/// Finds an image by id: malformed ids and unknown ids fail as in AWS.
pub fn find(id: &str) -> Result<&'static Image> {
    crate::ids::check(IdKind::Ami, id)?;
    IMAGES.iter().find(|i| i.id == id).ok_or_else(|| ModelError::NotFound(IdKind::Ami, id.to_string()))
}

/// The prefix by which RunInstances' `ImageId` names a Systems Manager
/// parameter holding the AMI id instead of the id itself.
pub const SSM_PREFIX: &str = "resolve:ssm:";

/// RunInstances' `ImageId`: an AMI id, or `resolve:ssm:<parameter>[:<version>]`
/// resolved to the parameter's image when the instance launches (the
/// instance then shows the AMI id): one of AWS's public AMI parameters, or
/// the caller's own of data type `aws:ec2:image`. A parameter that does
/// not exist is an invalid `ImageId`.
pub fn resolve(state: &crate::State, ctx: &crate::Ctx, image_id: &str) -> Result<&'static Image> {
    use crate::parameter::Found;
    let Some(name) = image_id.strip_prefix(SSM_PREFIX) else { return find(image_id) };
    let unresolved = |why: &str| ModelError::InvalidParameterValue(format!("Invalid value '{image_id}' for parameter ImageId: {why}"));
    match crate::parameter::find(state, ctx, name) {
        Ok(Some(Found::Public(p, _))) => find(p.image_id),
        Ok(Some(Found::Customer(p, _))) if p.data_type == "aws:ec2:image" => find(&p.value),
        Ok(Some(Found::Customer(..))) => Err(unresolved("Unsupported data type. The following parameter data types are supported: aws:ec2:image")),
        Ok(None) => Err(unresolved("the Systems Manager parameter does not exist.")),
        Err(_) => Err(unresolved("the Systems Manager parameter version does not exist.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        assert!(find("ami-1e749f67").is_ok());
        assert_eq!(find("ami-00000000"), Err(ModelError::NotFound(IdKind::Ami, "ami-00000000".into())));
        assert_eq!(find("ami-zz"), Err(ModelError::Malformed(IdKind::Ami, "ami-zz".into())));
        let al: Vec<_> = IMAGES.iter().filter(|i| i.owned_by("amazon", "1") && i.name.starts_with("al2023")).collect();
        assert_eq!(al.len(), 3);
        assert!(IMAGES.iter().all(|i| crate::ids::check(IdKind::Ami, i.id).is_ok()));
    }

    #[test]
    fn resolve_ssm_names_the_parameters_image() {
        let (mut s, c) = (crate::State::default(), crate::Ctx::new("111111111111", "us-east-1", 0));
        let resolve = |s: &crate::State, id: &str| resolve(s, &c, id);
        let al = "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
        assert_eq!(resolve(&s, al).unwrap().id, "ami-0453ec754f44f9a4a");
        assert_eq!(resolve(&s, "ami-1e749f67").unwrap().id, "ami-1e749f67");
        assert!(matches!(resolve(&s, "resolve:ssm:/aws/service/nope"), Err(ModelError::InvalidParameterValue(_))));
        assert!(matches!(resolve(&s, &format!("{al}:1")), Err(ModelError::InvalidParameterValue(_))));
        assert_eq!(resolve(&s, "ami-zz"), Err(ModelError::Malformed(IdKind::Ami, "ami-zz".into())));
        // The caller's own parameter, when it is of data type aws:ec2:image.
        for (name, data_type) in [("/golden", Some("aws:ec2:image")), ("/text", None)] {
            let put = crate::parameter::Put {
                name: name.into(),
                value: "ami-12c6146b".into(),
                param_type: Some("String".into()),
                data_type: data_type.map(Into::into),
                ..Default::default()
            };
            s.apply_all(crate::parameter::put(&s, &c, put).unwrap().0);
        }
        assert_eq!(resolve(&s, "resolve:ssm:/golden").unwrap().id, "ami-12c6146b");
        assert!(matches!(resolve(&s, "resolve:ssm:/text"), Err(ModelError::InvalidParameterValue(m)) if m.contains("aws:ec2:image")));
    }
}
