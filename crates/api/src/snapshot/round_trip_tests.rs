//! Export -> import -> export of the populated world (every optional part
//! of every resource set): the second export equals the first, file by
//! file, so nothing the describe calls show is lost on the way in.

use xvpc_model::State;
use xvpc_store::SqliteStore;

use super::export::{export, Files};
use super::import::{DumpFile, Options};
use super::{import_into, Outcome};
use crate::{App, Config};

fn app_with(state: State) -> App {
    let app = App::new(Box::new(SqliteStore::in_memory().unwrap()), Config::default()).unwrap();
    app.world().state = state;
    app
}

/// The files as `xvpc import` reads them back (account and Region from the path).
fn dump(files: &Files) -> Vec<DumpFile> {
    files
        .iter()
        .map(|(path, json)| {
            let parts: Vec<&str> = path.split('/').collect();
            DumpFile { path: path.clone(), account: Some(parts[2].to_string()), region: Some(parts[3].to_string()), json: json.clone() }
        })
        .collect()
}

#[test]
fn the_populated_world_round_trips() {
    let src = app_with(xvpc_model::populated::world().state);
    let one = export(&src).unwrap();
    assert!(one.len() > 20, "{:?}", one.keys().collect::<Vec<_>>());
    let dst = app_with(State::default());
    let opts = Options { account: None, region: None, now: dst.clock.now() };
    match import_into(&dst, &dump(&one), &opts, false).unwrap() {
        Outcome::Imported(s) => assert_eq!(s.skipped(), 0, "{s:?}"),
        Outcome::Refused(e) => panic!("refused: {e}"),
        Outcome::Skipped(s) => panic!("skipped: {s:?}"),
    }
    let two = export(&dst).unwrap();
    let mut differ = Vec::new();
    for (path, v) in &one {
        match two.get(path) {
            Some(w) if w == v => {}
            Some(w) => differ.push(format!("{path}:\n  before {v}\n  after  {w}")),
            None => differ.push(format!("{path}: missing after import")),
        }
    }
    differ.extend(two.keys().filter(|k| !one.contains_key(*k)).map(|k| format!("{k}: only after import")));
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}
