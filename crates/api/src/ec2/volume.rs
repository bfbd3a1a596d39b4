//! DescribeVolumes: each instance's root volume (xvpc models no other EBS).

use xvpc_model::{filter, IdKind};
use xvpc_model::instance::{Instance, InstanceState};
use xvpc_wire::{QueryParams, XmlWriter};

use super::instance::root_device;
use super::{filters, paginate, require_all, timestamp};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const ACTIONS: &[(&str, QueryHandler)] = &[("DescribeVolumes", describe_volumes)];

fn volume_type(i: &Instance) -> &'static str {
    // The 2018 moto-era images use gp2; current images use gp3.
    if i.image_id == "ami-1e749f67" || i.image_id == "ami-12c6146b" { "gp2" } else { "gp3" }
}

fn field(i: &Instance, n: &str) -> Option<Vec<String>> {
    Some(match n {
        "volume-id" => vec![i.root_volume_id()],
        "attachment.instance-id" => vec![i.id.clone()],
        "attachment.device" => vec![root_device(i).to_string()],
        "attachment.status" => vec!["attached".into()],
        "attachment.delete-on-termination" => vec!["true".into()],
        "availability-zone" => vec![i.availability_zone.clone()],
        "status" => vec!["in-use".into()],
        "size" => vec!["8".into()],
        "volume-type" => vec![volume_type(i).into()],
        "encrypted" => vec!["false".into()],
        _ => return None,
    })
}

fn describe_volumes(call: &mut Call, p: &QueryParams) -> Result<String> {
    let ids = p.list("VolumeId");
    let fs = filters(p);
    let s = call.state();
    let vols: Vec<&Instance> = s
        .instances
        .scope(&call.ctx).filter(|i| i.state != InstanceState::Terminated)
        .collect();
    require_all(&ids, |id| vols.iter().any(|i| i.root_volume_id() == id), IdKind::Volume)?;
    let mut out = Vec::new();
    for i in vols {
        if (ids.is_empty() || ids.contains(&i.root_volume_id())) && filter::matches(&fs, &Default::default(), |n| field(i, n))? {
            out.push(i);
        }
    }
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
