//! A state file written by xvpc's first state format (no versions) loads
//! through the migrations, and keeps working in the current format.
//!
//! `fixtures/v1-populated.db` was written by the store of commit 0d72019:
//! three CreateVpc commands compacted into a snapshot of
//! `model::populated::world()` (every resource kind), then logged Put
//! events (VPCs, subnets, security groups) and a Delete. What that store
//! loaded from it is `fixtures/v1-populated.state.json`.

use xvpc_model::State;
use xvpc_store::{format::FORMAT, CatchUp, Origin, SqliteStore, Store};

#[test]
fn the_first_format_loads_and_migrates() {
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let expected: State = serde_json::from_str(&std::fs::read_to_string(fixtures.join("v1-populated.state.json")).unwrap()).unwrap();
    assert!(!expected.vpcs.is_empty() && !expected.subnets.is_empty() && !expected.transit_gateways.is_empty());
    let dir = std::env::temp_dir().join(format!("xvpc-format-1-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("xvpc.db");
    std::fs::copy(fixtures.join("v1-populated.db"), &path).unwrap();

    let mut s = SqliteStore::open(&path).unwrap();
    let loaded = s.load().unwrap();
    assert_eq!(loaded.state, expected);
    let logged = s.log_len().unwrap();
    assert!(logged > 3, "the events after the snapshot are still a log ({logged})");
    // The sequence goes on from the old numbering: 3 compacted commands, then the log.
    assert_eq!(loaded.seq, 3 + logged);
    match s.since(3).unwrap() {
        CatchUp::Events(e) => assert_eq!(e.len() as u64, logged),
        CatchUp::Reload(_) => panic!("the snapshot covers the first three commands only"),
    }

    // New entries and a compaction are written in the current format and
    // read back, old and new together.
    let seq = s.append(loaded.seq, &Origin::default(), &[]).unwrap();
    drop(s);
    let mut again = SqliteStore::open(&path).unwrap();
    assert_eq!(again.load().unwrap().state, expected);
    again.snapshot(&expected, seq).unwrap();
    let formats: Vec<u32> = rusqlite::Connection::open(&path)
        .unwrap()
        .prepare("SELECT format FROM snapshot UNION ALL SELECT format FROM events")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(formats, vec![FORMAT]);
    assert_eq!(SqliteStore::open(&path).unwrap().load().unwrap().state, expected);
    let _ = std::fs::remove_dir_all(&dir);
}
