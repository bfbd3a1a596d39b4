//! The storage suite every backend passes (as garage runs one `test_suite`
//! against each of its databases): ordering, the optimistic check between
//! two handles on one database, catching up, compaction, reset and the
//! settings area.

use xvpc_model::vpc::{create_vpc, CreateVpc};
use xvpc_model::{Ctx, State};

use crate::{CatchUp, Loaded, Origin, Store, StoreError, SETTINGS_CHANGED};

/// Runs the suite. `open` returns a new handle on one shared database each
/// time it is called (two handles stand for two replicas).
///
/// # Panics
/// On the first behaviour that differs from the contract (it is a test).
pub fn test_suite(open: &mut dyn FnMut() -> Box<dyn Store>) {
    let mut a = open();
    let start = a.reset().unwrap();
    assert_eq!(a.load().unwrap(), Loaded { state: State::default(), seq: start });
    assert_eq!(a.head().unwrap(), start);
    assert_eq!(a.log_len().unwrap(), 0);

    // Three commands, each after the previous one.
    let ctx = Ctx::new("111111111111", "us-east-1", 1);
    let mut live = State::default();
    let mut seq = start;
    for i in 0..3 {
        let (ch, _) = create_vpc(&live, &ctx, CreateVpc { cidr: format!("10.{i}.0.0/16"), ..Default::default() }).unwrap();
        seq = a.append(seq, &Origin::default(), &ch.events).unwrap();
        ch.events.into_iter().for_each(|e| live.apply(e));
    }
    assert_eq!(seq, start + 3, "one global sequence, one step per command");
    assert_eq!(a.load().unwrap(), Loaded { state: live.clone(), seq });

    // A second replica that applied only the reset is refused, then
    // catches up with exactly the three commands.
    let mut b = open();
    let (ch, _) = create_vpc(&State::default(), &ctx, CreateVpc { cidr: "10.9.0.0/16".into(), ..Default::default() }).unwrap();
    match b.append(start, &Origin::default(), &ch.events) {
        Err(StoreError::Behind { applied, head }) => assert_eq!((applied, head), (start, seq)),
        other => panic!("a stale append must be refused, got {other:?}"),
    }
    assert_eq!(a.log_len().unwrap(), 3, "the refused append wrote nothing");
    let CatchUp::Events(entries) = b.since(start).unwrap() else { panic!("no compaction happened") };
    assert_eq!(entries.iter().map(|e| e.0).collect::<Vec<_>>(), vec![start + 1, start + 2, start + 3]);
    let mut followed = State::default();
    entries.into_iter().flat_map(|e| e.1).for_each(|e| followed.apply(e));
    assert_eq!(followed, live);
    assert_eq!(b.since(seq).unwrap(), CatchUp::Events(vec![]));

    // A settings change is an empty entry followers see.
    let settings = Origin { action: SETTINGS_CHANGED.into(), ..Origin::default() };
    seq = a.append(seq, &settings, &[]).unwrap();
    assert_eq!(b.since(seq - 1).unwrap(), CatchUp::Events(vec![(seq, vec![])]));

    // Settings are shared by every handle.
    a.set_meta("clock_offset_ms", "5000").unwrap();
    a.set_meta("clock_offset_ms", "7000").unwrap();
    assert_eq!(b.get_meta("clock_offset_ms").unwrap().as_deref(), Some("7000"));
    assert_eq!(b.get_meta("nothing").unwrap(), None);

    // Compaction: the snapshot covers the log; a replica behind it reloads.
    a.snapshot(&live, seq).unwrap();
    assert_eq!(a.log_len().unwrap(), 0);
    assert_eq!(a.load().unwrap(), Loaded { state: live.clone(), seq });
    assert_eq!(b.since(start + 1).unwrap(), CatchUp::Reload(Loaded { state: live.clone(), seq }));
    assert_eq!(b.since(seq).unwrap(), CatchUp::Events(vec![]));
    // An older snapshot never replaces a newer one.
    a.snapshot(&State::default(), start).unwrap();
    assert_eq!(b.load().unwrap().state, live);

    // Reset is seen by every replica: a new number, the empty state, no settings.
    let r = b.reset().unwrap();
    assert!(r > seq);
    assert_eq!(a.since(seq).unwrap(), CatchUp::Reload(Loaded { state: State::default(), seq: r }));
    assert_eq!(a.get_meta("clock_offset_ms").unwrap(), None);
    assert_eq!(a.head().unwrap(), r);
    assert!(matches!(a.append(seq, &Origin::default(), &ch.events), Err(StoreError::Behind { .. })));
    assert_eq!(a.append(r, &Origin::default(), &ch.events).unwrap(), r + 1);
}
