use super::*;
use crate::route_table::RouteTarget;

const A: &str = "111111111111";

fn ctx() -> Ctx {
    Ctx::new(A, "us-east-1", 0)
}

fn with_list(entries: &[&str], max: i32) -> (State, String) {
    let mut s = State::default();
    let input = CreateList {
        name: "office".into(),
        address_family: "IPv4".into(),
        max_entries: max,
        entries: entries.iter().map(|c| (c.to_string(), None)).collect(),
        tags: Tags::new(),
    };
    let (ch, id) = create(&s, &ctx(), input).unwrap();
    s.apply_all(ch);
    (s, id)
}

#[test]
fn versions_follow_entry_changes_only() {
    let (mut s, id) = with_list(&["10.1.0.0/16", "192.0.2.7/24"], 3);
    let l = &s.managed_prefix_lists[&id];
    assert_eq!(l.version(), 1);
    assert_eq!(l.blocks(), vec!["10.1.0.0/16".parse::<IpNet>().unwrap(), "192.0.2.0/24".parse().unwrap()], "canonical form");
    // A rename keeps the version; an entry change makes version 2.
    let ch = modify(&s, &ctx(), &id, ModifyList { name: Some("office-2".into()), ..Default::default() }).unwrap();
    s.apply_all(ch);
    assert_eq!(s.managed_prefix_lists[&id].version(), 1);
    let m = ModifyList { current_version: Some(1), add: vec![("10.2.0.0/16".into(), Some("b".into()))], remove: vec!["10.1.0.0/16".into()], ..Default::default() };
    let ch = modify(&s, &ctx(), &id, m).unwrap();
    s.apply_all(ch);
    let l = &s.managed_prefix_lists[&id];
    assert_eq!((l.version(), l.entries(Some(1)).unwrap().len(), l.entries(None).unwrap().len()), (2, 2, 2));
    // A stale writer is refused.
    let stale = ModifyList { current_version: Some(1), remove: vec!["10.2.0.0/16".into()], ..Default::default() };
    assert!(matches!(modify(&s, &ctx(), &id, stale), Err(ModelError::PrefixListVersionMismatch(_))));
    // Over the maximum, entries and maximum together, a missing entry, a smaller maximum than held.
    let over = ModifyList { add: vec![("10.3.0.0/16".into(), None), ("10.4.0.0/16".into(), None)], ..Default::default() };
    assert!(matches!(modify(&s, &ctx(), &id, over), Err(ModelError::InvalidParameterValue(_))));
    let both = ModifyList { max_entries: Some(5), add: vec![("10.3.0.0/16".into(), None)], ..Default::default() };
    assert!(matches!(modify(&s, &ctx(), &id, both), Err(ModelError::InvalidParameterCombination(_))));
    let gone = ModifyList { remove: vec!["10.9.0.0/16".into()], ..Default::default() };
    assert!(matches!(modify(&s, &ctx(), &id, gone), Err(ModelError::InvalidParameterValue(_))));
    let small = ModifyList { max_entries: Some(1), ..Default::default() };
    assert!(matches!(modify(&s, &ctx(), &id, small), Err(ModelError::InvalidParameterValue(_))));
    // Restore version 1 as version 3.
    assert!(matches!(restore(&s, &ctx(), &id, 1, 1), Err(ModelError::PrefixListVersionMismatch(_))));
    assert!(matches!(restore(&s, &ctx(), &id, 9, 2), Err(ModelError::InvalidParameterValue(_))));
    let ch = restore(&s, &ctx(), &id, 1, 2).unwrap();
    s.apply_all(ch);
    let l = &s.managed_prefix_lists[&id];
    assert_eq!(l.version(), 3);
    assert_eq!(l.entries(None), l.entries(Some(1)));
}

#[test]
fn create_refuses_what_aws_refuses() {
    let s = State::default();
    let base = CreateList { name: "x".into(), address_family: "IPv4".into(), max_entries: 2, ..Default::default() };
    let bad = [
        CreateList { name: "com.amazonaws.mine".into(), ..base.clone() },
        CreateList { address_family: "IPv5".into(), ..base.clone() },
        CreateList { max_entries: 0, ..base.clone() },
        CreateList { entries: vec![("2001:db8::/32".into(), None)], ..base.clone() },
        CreateList { entries: vec![("10.0.0.0/8".into(), None), ("10.0.0.0/8".into(), None)], ..base.clone() },
        CreateList { entries: (1..=3).map(|i| (format!("10.{i}.0.0/16"), None)).collect(), ..base.clone() },
    ];
    for input in bad {
        assert!(matches!(create(&s, &ctx(), input.clone()), Err(ModelError::InvalidParameterValue(_))), "{input:?}");
    }
}

#[test]
fn a_referenced_list_cannot_be_deleted() {
    let (mut s, id) = with_list(&["10.1.0.0/16"], 2);
    let (ch, vpc) = crate::vpc::create_vpc(&s, &ctx(), crate::vpc::CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
    s.apply_all(ch);
    let rtb = s.route_tables.values().find(|t| t.vpc_id == vpc).unwrap().id.clone();
    let pcx_less = RouteTarget::NetworkInterface("eni-0123456789abcdef0".into());
    assert!(crate::route_table::create_route(&s, &ctx(), &rtb, Destination::PrefixList("pl-0123456789abcdef0".into()), pcx_less.clone()).is_err());
    let mut t = s.route_tables[&rtb].clone();
    t.routes.push(crate::route_table::Route { destination: Destination::PrefixList(id.clone()), target: pcx_less, origin: crate::route_table::RouteOrigin::CreateRoute });
    s.route_tables.insert(rtb.clone(), t);
    assert_eq!(associations(&s, &id), vec![Association { resource_id: rtb, resource_owner: A.into() }]);
    assert!(matches!(delete(&s, &ctx(), &id), Err(ModelError::DependencyViolation(_))));
    assert!(matches!(delete(&s, &Ctx::new("222222222222", "us-east-1", 0), &id), Err(ModelError::NotFound(IdKind::PrefixList, _))));
}
