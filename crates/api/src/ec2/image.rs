//! DescribeImages over the built-in AMI catalogue.

use xvpc_model::image::{self, Image, IMAGES};
use xvpc_wire::shapes::ec2::{self as shape, ops};

use super::{filter_list, paginate_by};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[crate::typed!(ops::DescribeImages, describe_images)];

/// The `Image` AWS describes for a catalogue entry: public, available,
/// EBS-backed HVM with one 8 GiB gp3 root volume (what the image filters
/// answer too).
fn image_shape(i: &Image) -> shape::Image {
    let root = shape::EbsBlockDevice {
        delete_on_termination: Some(true),
        volume_size: Some(8),
        volume_type: Some(shape::VolumeType::Gp3),
        encrypted: Some(false),
        ..Default::default()
    };
    shape::Image {
        image_id: Some(i.id.into()),
        image_location: Some(format!("{}/{}", i.owner_alias.unwrap_or(i.owner_id), i.name)),
        state: Some(shape::ImageState::Available),
        owner_id: Some(i.owner_id.into()),
        creation_date: Some(i.creation_date.into()),
        public: Some(true),
        architecture: Some(shape::ArchitectureValues::from(i.architecture)),
        image_type: Some(shape::ImageTypeValues::Machine),
        platform_details: Some(i.platform_details.into()),
        usage_operation: Some("RunInstances".into()),
        image_owner_alias: i.owner_alias.map(Into::into),
        name: Some(i.name.into()),
        description: Some(i.description.into()),
        root_device_type: Some(shape::DeviceType::Ebs),
        root_device_name: Some(i.root_device_name.into()),
        block_device_mappings: vec![shape::BlockDeviceMapping { device_name: Some(i.root_device_name.into()), ebs: Some(root), ..Default::default() }],
        virtualization_type: Some(shape::VirtualizationType::Hvm),
        hypervisor: Some(shape::HypervisorType::Xen),
        ena_support: Some(true),
        sriov_net_support: Some("simple".into()),
        ..Default::default()
    }
}

fn describe_images(call: &mut Call, input: shape::DescribeImagesRequest) -> Result<shape::DescribeImagesResult> {
    let ids = &input.image_ids;
    let owners = &input.owners;
    for id in ids {
        image::find(id)?;
    }
    let listed = |i: &&Image| ids.is_empty() || ids.iter().any(|x| x == i.id);
    let owned = |i: &&Image| owners.is_empty() || owners.iter().any(|o| i.owned_by(o, &call.ctx.account));
    let out = image::FILTERS.select(&filter_list(&input.filters), call.state(), &call.ctx, IMAGES.iter().filter(listed).filter(owned))?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |i| i.id.to_string(), (5, 1000))?;
    Ok(shape::DescribeImagesResult { images: page.into_iter().map(image_shape).collect(), next_token: next })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every member xvpc knows of a catalogue image reaches the client
    /// under botocore's name; the rest is what the catalogue does not hold.
    #[test]
    fn images_carry_every_member_the_catalogue_has() {
        let out = shape::DescribeImagesResult { images: IMAGES.iter().map(image_shape).collect(), next_token: Some("t".into()) };
        let xml = xvpc_wire::xml_output::body(&out);
        let missing = crate::shape_coverage::missing("ec2", "DescribeImagesResult", &xml);
        let not_held = [
            "BlockDeviceMapping.NoDevice",
            "BlockDeviceMapping.VirtualName",
            "EbsBlockDevice.AvailabilityZone",
            "EbsBlockDevice.AvailabilityZoneId",
            "EbsBlockDevice.EbsCardIndex",
            "EbsBlockDevice.Iops",
            "EbsBlockDevice.KmsKeyId",
            "EbsBlockDevice.OutpostArn",
            "EbsBlockDevice.SnapshotId",
            "EbsBlockDevice.Throughput",
            "EbsBlockDevice.VolumeInitializationRate",
            "Image.BootMode",
            "Image.DeprecationTime",
            "Image.DeregistrationProtection",
            "Image.FreeTierEligible",
            "Image.ImageAllowed",
            "Image.ImdsSupport",
            "Image.KernelId",
            "Image.LastLaunchedTime",
            "Image.Platform",
            "Image.ProductCodes",
            "Image.RamdiskId",
            "Image.SourceImageId",
            "Image.SourceImageRegion",
            "Image.SourceInstanceId",
            "Image.StateReason",
            "Image.Tags",
            "Image.TpmSupport",
        ];
        assert_eq!(missing, not_held, "{xml}");
    }
}
