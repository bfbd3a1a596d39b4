//! DescribeImages over the built-in AMI catalogue.

use xvpc_model::image::{self, Image, IMAGES};
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const ACTIONS: &[(&str, QueryHandler)] = &[("DescribeImages", describe_images)];

fn write_image(w: &mut XmlWriter, i: &Image) {
    w.leaf("imageId", i.id)
        .leaf("imageLocation", format!("{}/{}", i.owner_alias.unwrap_or(i.owner_id), i.name))
        .leaf("imageState", "available")
        .leaf("imageOwnerId", i.owner_id)
        .leaf("creationDate", i.creation_date)
        .bool_leaf("isPublic", true)
        .leaf("architecture", i.architecture)
        .leaf("imageType", "machine")
        .leaf("platformDetails", i.platform_details)
        .leaf("usageOperation", "RunInstances")
        .opt_leaf("imageOwnerAlias", i.owner_alias)
        .leaf("name", i.name)
        .leaf("description", i.description)
        .leaf("rootDeviceType", "ebs")
        .leaf("rootDeviceName", i.root_device_name);
    w.items("blockDeviceMapping", [()], |w, ()| {
        w.leaf("deviceName", i.root_device_name).open("ebs").bool_leaf("deleteOnTermination", true).leaf("volumeSize", "8");
        w.leaf("volumeType", "gp3").bool_leaf("encrypted", false).close("ebs");
    });
    w.leaf("virtualizationType", "hvm").leaf("hypervisor", "xen").bool_leaf("enaSupport", true).leaf("sriovNetSupport", "simple");
    w.items("productCodes", Vec::<()>::new(), |_, _| {});
    w.items("tagSet", Vec::<()>::new(), |_, _| {});
}

fn describe_images(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("ImageId");
    let owners = p.list("Owner");
    let fs = filters(p);
    for id in &ids {
        image::find(id)?;
    }
    let listed = |i: &&Image| ids.is_empty() || ids.iter().any(|x| x == i.id);
    let owned = |i: &&Image| owners.is_empty() || owners.iter().any(|o| i.owned_by(o, &call.ctx.account));
    let out = image::FILTERS.select(&fs, call.state(), &call.ctx, IMAGES.iter().filter(listed).filter(owned))?;
    let (page, next) = paginate(out, p, |i| i.id.to_string(), (5, 1000))?;
    let mut w = XmlWriter::new();
    w.items("imagesSet", page, |w, i| write_image(w, i));
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}
