//! Golden tests: a fixed State drawn in every format must give exactly the
//! files in `testdata/`. After an intended change of the picture, rewrite
//! them with `UPDATE_GOLDEN=1 cargo test -p xvpc diagram` and review the diff.

use std::net::Ipv4Addr;

use xvpc_model::instance::{Instance, InstanceState};
use xvpc_model::subnet::Subnet;
use xvpc_model::vpc::{CidrBlock, Vpc};
use xvpc_model::State;

use super::{render, Format, Layout, Topology};

const A: &str = "111111111111";
const B: &str = "222222222222";
const NOW: i64 = 1_790_000_000_000;

fn tags(name: &str) -> xvpc_model::tags::Tags {
    [("Name".to_string(), name.to_string())].into_iter().collect()
}

fn vpc(state: &mut State, id: &str, owner: &str, region: &str, name: &str, cidr: &str) {
    state.vpcs.insert(
        id.into(),
        Vpc {
            id: id.into(),
            owner: owner.into(),
            region: region.into(),
            cidr_blocks: vec![CidrBlock { association_id: format!("{id}-assoc"), cidr: cidr.parse().unwrap() }],
            instance_tenancy: "default".into(),
            dhcp_options_id: "default".into(),
            is_default: false,
            enable_dns_support: true,
            enable_dns_hostnames: false,
            tags: tags(name),
            created_at: NOW,
        },
    );
}

fn subnet(state: &mut State, id: &str, vpc: &str, cidr: &str, az: &str, az_id: &str) {
    let v = state.vpcs[vpc].clone();
    state.subnets.insert(
        id.into(),
        Subnet {
            id: id.into(),
            owner: v.owner,
            region: v.region,
            vpc_id: vpc.into(),
            cidr: cidr.parse().unwrap(),
            availability_zone: az.into(),
            availability_zone_id: az_id.into(),
            map_public_ip_on_launch: false,
            tags: Default::default(),
            created_at: NOW,
        },
    );
}

fn instance(state: &mut State, id: &str, subnet: &str, ip: &str, name: &str, st: InstanceState) {
    let s = state.subnets[subnet].clone();
    state.instances.insert(
        id.into(),
        Instance {
            id: id.into(),
            owner: s.owner,
            region: s.region,
            reservation_id: format!("r-{}", &id[2..]),
            image_id: "ami-00000000000000001".into(),
            instance_type: "t3.micro".into(),
            vpc_id: s.vpc_id,
            subnet_id: subnet.into(),
            availability_zone: s.availability_zone,
            private_ip: ip.parse::<Ipv4Addr>().unwrap(),
            primary_eni: format!("eni-{}", &id[2..]),
            state: st,
            launch_time: NOW,
            terminated_at: None,
            user_data: None,
            key_name: None,
            client_token: None,
            tags: tags(name),
            ..Default::default()
        },
    );
}

/// Two accounts, three VPCs (one in a second region), subnets in two zones,
/// instances (a terminated one is not drawn).
pub fn fixture() -> State {
    let mut s = State::default();
    vpc(&mut s, "vpc-0a000000000000001", A, "us-east-1", "app-a", "10.0.0.0/16");
    subnet(&mut s, "subnet-0a000000000000001", "vpc-0a000000000000001", "10.0.1.0/24", "us-east-1a", "use1-az2");
    subnet(&mut s, "subnet-0a000000000000002", "vpc-0a000000000000001", "10.0.2.0/24", "us-east-1b", "use1-az4");
    instance(&mut s, "i-0a000000000000001", "subnet-0a000000000000001", "10.0.1.10", "web-a", InstanceState::Running);
    instance(&mut s, "i-0a000000000000002", "subnet-0a000000000000002", "10.0.2.10", "old", InstanceState::Terminated);
    vpc(&mut s, "vpc-0b000000000000001", B, "us-east-1", "client-b", "10.1.0.0/16");
    subnet(&mut s, "subnet-0b000000000000001", "vpc-0b000000000000001", "10.1.1.0/24", "us-east-1a", "use1-az1");
    instance(&mut s, "i-0b000000000000001", "subnet-0b000000000000001", "10.1.1.10", "client-b", InstanceState::Running);
    vpc(&mut s, "vpc-0b000000000000002", B, "us-west-2", "west <b>", "10.2.0.0/16");
    s
}

fn golden(name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/diagram/testdata").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    assert!(expected == actual, "{name} differs from the golden file; rerun with UPDATE_GOLDEN=1 and review the diff\n{actual}");
}

#[test]
fn svg_matches_golden() {
    golden("fixture.svg", &render(&fixture(), NOW, Format::Svg));
}

#[test]
fn dot_matches_golden() {
    golden("fixture.dot", &render(&fixture(), NOW, Format::Dot));
}

#[test]
fn mermaid_matches_golden() {
    golden("fixture.mmd", &render(&fixture(), NOW, Format::Mermaid));
}

#[test]
fn topology_groups_by_account_region_zone() {
    let t = Topology::from_state(&fixture(), NOW);
    let accts: Vec<_> = t.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(accts, [A, B]);
    let b_regions: Vec<_> = t.accounts[1].regions.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(b_regions, ["us-east-1", "us-west-2"]);
    let a_vpc = &t.accounts[0].regions[0].vpcs[0];
    assert_eq!(a_vpc.cidrs, ["10.0.0.0/16"]);
    let zones: Vec<_> = a_vpc.zones.iter().map(|z| z.name.as_str()).collect();
    assert_eq!(zones, ["us-east-1a", "us-east-1b"]);
    // The terminated instance is gone from the picture; the running one is there.
    assert_eq!(a_vpc.zones[0].subnets[0].items.len(), 1);
    assert!(a_vpc.zones[1].subnets[0].items.is_empty());
}

#[test]
fn layout_nests_boxes() {
    let t = Topology::from_state(&fixture(), NOW);
    let l = Layout::of(&t);
    let inside = |inner: &str, outer: &str| {
        let (i, o) = (l.get(inner).unwrap(), l.get(outer).unwrap());
        assert!(i.x >= o.x && i.y >= o.y && i.x + i.w <= o.x + o.w && i.y + i.h <= o.y + o.h, "{inner} {i:?} not inside {outer} {o:?}");
    };
    inside("i-0a000000000000001", "subnet-0a000000000000001");
    inside("subnet-0a000000000000001", "vpc-0a000000000000001");
    inside("vpc-0a000000000000001", &format!("region:{A}:us-east-1"));
    inside(&format!("region:{B}:us-west-2"), &format!("account:{B}"));
    // Markup in names is escaped.
    assert!(render(&fixture(), NOW, Format::Svg).contains("west &lt;b&gt;"));
}
