//! DescribeVolumes: each instance's root volume (xvpc models no other EBS).

use xvpc_model::instance::Instance;
use xvpc_model::volume::{self, root_device, volume_type};
use xvpc_model::{IdKind, State};
use xvpc_wire::shapes::ec2::{self as shape, ops};
use xvpc_wire::Timestamp;

use super::{filter_list, not_managed, paginate_by, require_all};
use crate::call::{Call, QueryHandler};
use crate::errors::Result;

pub const TYPED: &[(&str, QueryHandler)] = &[crate::typed!(ops::DescribeVolumes, describe_volumes)];

/// The `Volume` AWS describes for an instance's root volume: 8 GiB, made
/// from no snapshot, attached at launch and deleted on termination, with
/// its type's baseline performance (gp3: 3000 IOPS, 125 MiB/s; gp2 at
/// 8 GiB: 100 IOPS). The filters in `model::volume` answer the same.
fn volume_shape(i: &Instance, state: &State) -> shape::Volume {
    let kind = volume_type(i);
    let gp3 = kind == "gp3";
    let attachment = shape::VolumeAttachment {
        volume_id: Some(i.root_volume_id()),
        instance_id: Some(i.id.clone()),
        device: Some(root_device(i).into()),
        state: Some(shape::VolumeAttachmentState::Attached),
        attach_time: Some(Timestamp(i.launch_time)),
        delete_on_termination: Some(true),
        ..Default::default()
    };
    shape::Volume {
        volume_id: Some(i.root_volume_id()),
        size: Some(8),
        // AWS writes an empty `snapshotId` for a volume made from none.
        snapshot_id: Some(String::new()),
        availability_zone: Some(i.availability_zone.clone()),
        availability_zone_id: state.subnets.get(&i.subnet_id).map(|s| s.availability_zone_id.clone()),
        state: Some(shape::VolumeState::InUse),
        create_time: Some(Timestamp(i.launch_time)),
        attachments: vec![attachment],
        volume_type: Some(shape::VolumeType::from(kind)),
        iops: Some(if gp3 { 3000 } else { 100 }),
        throughput: gp3.then_some(125),
        encrypted: Some(false),
        multi_attach_enabled: Some(false),
        fast_restored: Some(false),
        operator: Some(not_managed()),
        ..Default::default()
    }
}

fn describe_volumes(call: &mut Call, input: shape::DescribeVolumesRequest) -> Result<shape::DescribeVolumesResult> {
    let ids = &input.volume_ids;
    let s = call.state();
    let vols: Vec<&Instance> = s.instances.scope(&call.ctx).filter(|i| volume::has_volume(i)).collect();
    require_all(ids, |id| vols.iter().any(|i| i.root_volume_id() == id), IdKind::Volume)?;
    let listed = vols.into_iter().filter(|i| ids.is_empty() || ids.contains(&i.root_volume_id()));
    let out = volume::FILTERS.select(&filter_list(&input.filters), s, &call.ctx, listed)?;
    let (page, next) = paginate_by(out, input.max_results.map(i64::from), input.next_token.as_deref(), |i| i.root_volume_id(), (5, 500))?;
    Ok(shape::DescribeVolumesResult { volumes: page.into_iter().map(|i| volume_shape(i, s)).collect(), next_token: next })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every member a root volume has reaches the client under botocore's
    /// name, for each volume type xvpc derives.
    #[test]
    fn volumes_carry_every_member_xvpc_holds() {
        let w = xvpc_model::populated::world();
        let mut vols: Vec<Instance> = w.state.instances.scope(&w.ctx).filter(|i| volume::has_volume(i)).cloned().collect();
        assert!(!vols.is_empty());
        vols.push(Instance { image_id: "ami-1e749f67".into(), ..vols[0].clone() });
        let out = shape::DescribeVolumesResult { volumes: vols.iter().map(|i| volume_shape(i, &w.state)).collect(), next_token: Some("t".into()) };
        let xml = xvpc_wire::xml_output::body(&out);
        assert!(xml.contains("<volumeType>gp3</volumeType>") && xml.contains("<volumeType>gp2</volumeType>"), "{xml}");
        let missing = crate::shape_coverage::missing("ec2", "DescribeVolumesResult", &xml);
        let not_held = [
            "OperatorResponse.HiddenByDefault",
            "OperatorResponse.Principal",
            "Volume.KmsKeyId",
            "Volume.OutpostArn",
            "Volume.SourceVolumeId",
            "Volume.SseType",
            "Volume.Tags",
            "Volume.VolumeInitializationRate",
            "VolumeAttachment.AssociatedResource",
            "VolumeAttachment.EbsCardIndex",
            "VolumeAttachment.InstanceOwningService",
        ];
        assert_eq!(missing, not_held, "{xml}");
    }
}
