//! Test support (feature `testing`): logs of realistic commands.

use xvpc_model::vpc::{create_vpc, CreateVpc};
use xvpc_model::{Ctx, State};

use crate::{Origin, Store};

/// Appends `commands` CreateVpc commands to `store`, one logged command
/// each, 5 per account (AWS's quota); returns the state they build.
pub fn append_vpcs(store: &mut dyn Store, commands: usize) -> State {
    let mut state = State::default();
    for i in 0..commands {
        let ctx = Ctx::new(&format!("{:012}", 100_000_000_000 + i / 5), "us-east-1", i as i64);
        let input = CreateVpc { cidr: format!("10.{}.0.0/16", i % 5), ..Default::default() };
        let (ch, _) = create_vpc(&state, &ctx, input).expect("a valid CreateVpc");
        store.append(&Origin::default(), &ch.events).expect("append");
        ch.events.into_iter().for_each(|e| state.apply(e));
    }
    state
}
