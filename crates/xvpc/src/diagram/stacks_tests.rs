//! Grouping by stack: the fixture plus a stack `net` in A (a VPC, its
//! subnet and instance), A's transit gateway made by stack `hub` and B's
//! client VPC by stack `client`; A's first VPC was made by hand.

use xvpc_model::instance::InstanceState;
use xvpc_model::stack_membership::{LOGICAL_ID_TAG, STACK_ID_TAG, STACK_NAME_TAG};
use xvpc_model::State;

use super::tests::{fixture, golden, instance, subnet, vpc, NOW};
use super::{render, stacks, Format, GroupBy, Topology};

fn stamp(tags: &mut xvpc_model::tags::Tags, stack: &str, logical: &str) {
    tags.insert(STACK_NAME_TAG.into(), stack.into());
    tags.insert(STACK_ID_TAG.into(), format!("arn:aws:cloudformation:us-east-1:111111111111:stack/{stack}/1"));
    tags.insert(LOGICAL_ID_TAG.into(), logical.into());
}

fn stacked() -> State {
    let mut s = fixture();
    vpc(&mut s, "vpc-0a000000000000009", "111111111111", "us-east-1", "net", "10.9.0.0/16");
    subnet(&mut s, "subnet-0a000000000000009", "vpc-0a000000000000009", "10.9.1.0/24", "us-east-1a", "use1-az2");
    instance(&mut s, "i-0a000000000000009", "subnet-0a000000000000009", "10.9.1.10", "web", InstanceState::Running);
    stamp(&mut s.vpcs.get_mut("vpc-0a000000000000009").unwrap().tags, "net", "Vpc");
    stamp(&mut s.instances.get_mut("i-0a000000000000009").unwrap().tags, "net", "Web");
    stamp(&mut s.vpcs.get_mut("vpc-0b000000000000001").unwrap().tags, "client", "Vpc");
    stamp(&mut s.transit_gateways.get_mut("tgw-0a000000000000001").unwrap().tags, "hub", "Tgw");
    s
}

#[test]
fn grouped_by_stack_matches_golden() {
    let s = stacked();
    golden("stacks.svg", &render(&s, NOW, Format::Svg, GroupBy::Stack));
    golden("stacks.dot", &render(&s, NOW, Format::Dot, GroupBy::Stack));
    golden("stacks.mmd", &render(&s, NOW, Format::Mermaid, GroupBy::Stack));
}

#[test]
fn stacks_frame_their_vpcs_and_the_rest_is_not_in_a_stack() {
    let s = stacked();
    let mut t = Topology::from_state(&s, NOW);
    stacks::group(&mut t, &s);
    let a = &t.accounts[0].regions[0];
    let groups: Vec<(Option<&str>, Vec<&str>, Vec<&str>)> =
        a.stacks.iter().map(|g| (g.stack.as_deref(), g.vpcs.iter().map(String::as_str).collect(), g.nodes.iter().map(String::as_str).collect())).collect();
    assert_eq!(
        groups,
        [
            (Some("net"), vec!["vpc-0a000000000000009"], vec![]),
            (None, vec!["vpc-0a000000000000001"], vec!["vpce-svc-0a000000000000001"]),
            (Some("hub"), vec![], vec!["tgw-0a000000000000001"]),
        ]
    );
    // Stacks first, in the drawing order too; each box reads STACK/LogicalId.
    let order: Vec<&str> = a.vpcs.iter().map(|v| v.id.as_str()).collect();
    assert_eq!(order, ["vpc-0a000000000000009", "vpc-0a000000000000001"]);
    assert_eq!(a.vpcs[0].stack.as_deref(), Some("net/Vpc"));
    assert_eq!(a.vpcs[1].stack, None);
    assert!(a.vpcs[0].zones[0].subnets[0].items[0].details.contains(&"stack net/Web".to_string()));
    let tgw = a.nodes.iter().find(|n| n.id == "tgw-0a000000000000001").unwrap();
    assert!(tgw.details.contains(&"stack hub/Tgw".to_string()));
    let svg = render(&s, NOW, Format::Svg, GroupBy::Stack);
    assert!(svg.contains(r#"<g class="stack" data-stack="net">"#) && svg.contains(r#"<g class="stack none" data-stack="">"#));
    assert!(svg.contains(">not in a stack<") && svg.contains(">stack client<"));
    // Without grouping nothing changes.
    assert!(!render(&s, NOW, Format::Svg, GroupBy::None).contains("data-stack"));
    assert!(!render(&s, NOW, Format::Dot, GroupBy::None).contains("not in a stack"));
}
