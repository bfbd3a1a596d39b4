//! EBS volumes: xvpc models only each instance's root volume, derived from
//! the instance (8 GiB, attached at launch, deleted on termination).

use crate::filter::{one, Field, FilterTable};
use crate::instance::{Instance, InstanceState};
use crate::peering::iso8601;

/// The root device name of the instance's image (`/dev/xvda` by default).
pub fn root_device(i: &Instance) -> &'static str {
    crate::image::find(&i.image_id).map(|im| im.root_device_name).unwrap_or("/dev/xvda")
}

/// The root volume's type: the 2018 moto-era images use gp2, current
/// images gp3.
pub fn volume_type(i: &Instance) -> &'static str {
    if i.image_id == "ami-1e749f67" || i.image_id == "ami-12c6146b" { "gp2" } else { "gp3" }
}

/// Whether the instance still has its root volume.
pub fn has_volume(i: &Instance) -> bool {
    i.state != InstanceState::Terminated
}

/// DescribeVolumes' filters, over the instances whose root volume is
/// listed. Root volumes carry no tags, snapshot or operator.
pub const FILTERS: FilterTable<Instance> = FilterTable {
    tags: Some(|_, _| None),
    fields: &[
        ("attachment.attach-time", Field::Values(|i, _| one(iso8601(i.launch_time)))),
        ("attachment.delete-on-termination", Field::Values(|_, _| one(true))),
        ("attachment.device", Field::Values(|i, _| one(root_device(i)))),
        ("attachment.instance-id", Field::Values(|i, _| one(&i.id))),
        ("attachment.status", Field::Values(|_, _| one("attached"))),
        ("availability-zone", Field::Values(|i, _| one(&i.availability_zone))),
        ("availability-zone-id", Field::Values(|i, e| e.state.subnets.get(&i.subnet_id).map(|s| s.availability_zone_id.clone()).into_iter().collect())),
        ("create-time", Field::Values(|i, _| one(iso8601(i.launch_time)))),
        ("encrypted", Field::Values(|_, _| one(false))),
        ("fast-restored", Field::Values(|_, _| one(false))),
        ("multi-attach-enabled", Field::Values(|_, _| one(false))),
        ("operator.managed", Field::Values(|_, _| one(false))),
        ("operator.principal", Field::Absent),
        ("size", Field::Values(|_, _| one(8))),
        ("snapshot-id", Field::Absent),
        ("status", Field::Values(|_, _| one("in-use"))),
        ("volume-id", Field::Values(|i, _| one(i.root_volume_id()))),
        ("volume-type", Field::Values(|i, _| one(volume_type(i)))),
    ],
};
