//! Facts derived from a state's rows that readers ask for many times
//! (the reachability engine's indexes: which route table governs a
//! subnet, which interface holds an address), built once and kept with
//! the state until a table they read changes.
//!
//! Without them every trace scanned whole tables, so its cost grew with
//! the emulator's size (3.1 ms per trace on 10,000 VPCs). Validity is
//! checked, not maintained: a cached value remembers the stamps
//! ([`crate::table::Table::stamp`]) of the tables it was built from, and
//! any write to one of them (through the state's events, a builder, or a
//! test editing a row in place) changes that table's stamp.

use std::any::{Any, TypeId};
use std::sync::{Arc, Mutex};

use crate::state::State;

/// The cached values of one state. A copy of the state shares them (it
/// holds the same rows); equality and the stored form ignore them.
#[derive(Default)]
pub struct Cache {
    slots: Mutex<Vec<Slot>>,
}

#[derive(Clone)]
struct Slot {
    kind: TypeId,
    stamps: Vec<u64>,
    value: Arc<dyn Any + Send + Sync>,
}

impl Clone for Cache {
    fn clone(&self) -> Self {
        Cache { slots: Mutex::new(self.lock().clone()) }
    }
}

impl PartialEq for Cache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache")
    }
}

impl Cache {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Slot>> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl State {
    /// The value of type `T` built by `build` from the tables whose stamps
    /// are `stamps`: the cached one while those stamps are unchanged, else
    /// built anew (outside the lock: a builder may ask for other values).
    pub fn derived<T: Any + Send + Sync>(&self, stamps: &[u64], build: impl FnOnce(&State) -> T) -> Arc<T> {
        let kind = TypeId::of::<T>();
        let hit = self.cache.lock().iter().find(|s| s.kind == kind && s.stamps == stamps).map(|s| s.value.clone());
        if let Some(v) = hit.and_then(|v| v.downcast::<T>().ok()) {
            return v;
        }
        let value = Arc::new(build(self));
        let mut slots = self.cache.lock();
        slots.retain(|s| s.kind != kind);
        slots.push(Slot { kind, stamps: stamps.to_vec(), value: value.clone() });
        value
    }
}

#[cfg(test)]
mod tests {
    use crate::state::State;
    use crate::vpc::{create_vpc, CreateVpc};
    use crate::Ctx;

    fn count(s: &State) -> std::sync::Arc<usize> {
        s.derived(&[s.vpcs.stamp()], |s| s.vpcs.len())
    }

    #[test]
    fn rebuilt_after_any_write_to_a_table_it_reads() {
        let ctx = Ctx::new("111111111111", "us-east-1", 0);
        let mut s = State::default();
        assert_eq!(*count(&s), 0);
        let (ch, vpc) = create_vpc(&s, &ctx, CreateVpc { cidr: "10.0.0.0/16".into(), ..Default::default() }).unwrap();
        s.apply_all(ch);
        assert_eq!(*count(&s), 1, "an event");
        let copy = s.clone();
        assert!(std::sync::Arc::ptr_eq(&count(&s), &count(&copy)), "a copy shares the value");
        s.vpcs.remove(&vpc);
        assert_eq!(*count(&s), 0, "a direct edit");
        assert_eq!(*count(&copy), 1, "the copy keeps its own");
    }
}
