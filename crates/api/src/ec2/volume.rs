//! DescribeVolumes: each instance's root volume (xvpc models no other EBS).

use xvpc_model::instance::Instance;
use xvpc_model::volume::{self, root_device, volume_type};
use xvpc_model::IdKind;
use xvpc_wire::{QueryParams, XmlWriter};

use super::{filters, paginate, require_all, timestamp};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const ACTIONS: &[(&str, QueryHandler)] = &[("DescribeVolumes", describe_volumes)];

fn describe_volumes(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("VolumeId");
    let fs = filters(p);
    let s = call.state();
    let vols: Vec<&Instance> = s
        .instances
        .scope(&call.ctx).filter(|i| volume::has_volume(i))
        .collect();
    require_all(&ids, |id| vols.iter().any(|i| i.root_volume_id() == id), IdKind::Volume)?;
    let out = volume::FILTERS.select(&fs, s, &call.ctx, vols.into_iter().filter(|i| ids.is_empty() || ids.contains(&i.root_volume_id())))?;
    let (page, next) = paginate(out, p, |i| i.root_volume_id(), (5, 500))?;
    let mut w = XmlWriter::new();
    w.items("volumeSet", page, |w, i| {
        w.leaf("volumeId", i.root_volume_id()).leaf("size", "8").leaf("snapshotId", "").leaf("availabilityZone", &i.availability_zone);
        w.leaf("status", "in-use").leaf("createTime", timestamp(i.launch_time));
        w.items("attachmentSet", [()], |w, ()| {
            w.leaf("volumeId", i.root_volume_id()).leaf("instanceId", &i.id).leaf("device", root_device(i)).leaf("status", "attached");
            w.leaf("attachTime", timestamp(i.launch_time)).bool_leaf("deleteOnTermination", true);
        });
        w.leaf("volumeType", volume_type(i));
        if volume_type(i) == "gp3" {
            w.leaf("iops", "3000").leaf("throughput", "125");
        } else {
            w.leaf("iops", "100");
        }
        w.bool_leaf("encrypted", false).bool_leaf("multiAttachEnabled", false);
        w.items("tagSet", Vec::<()>::new(), |_, _| {});
    });
    w.opt_leaf("nextToken", next);
    Ok(w.finish())
}
