//! One resource type's rows, with an index by owner and region.
//!
//! Almost every request reads only the caller's own account in one region
//! ("describe my VPCs", "how many VPCs do I have here", "does this subnet
//! overlap another of my subnets"). Scanning every account's rows for that
//! made each request's cost grow with the whole emulator's size: profiling
//! the load benchmark showed three quarters of the server's CPU in string
//! comparisons of `owner`/`region`. [`Table::scope`] answers those reads
//! from an index instead.
//!
//! Reads go through `Deref` to the underlying `BTreeMap` (id order, as
//! before). Writes go through [`Table::insert`] / [`Table::remove`] /
//! [`Table::clear`], which keep the index in step; there is deliberately
//! no `DerefMut`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::state::{Ctx, Owned};

/// The rows of one resource type keyed by id, indexed by (owner, region).
#[derive(Debug, Clone)]
pub struct Table<T> {
    rows: BTreeMap<String, T>,
    /// owner -> region -> ids, in id order. Nested rather than keyed by a
    /// pair so that a lookup borrows the caller's strings.
    scopes: HashMap<String, HashMap<String, BTreeSet<String>>>,
    /// Changed by every write (a process-wide counter, so no two versions
    /// of any table share one): what caches derived from the rows
    /// ([`crate::derived`]) compare to know they are still valid.
    stamp: u64,
}

/// The last stamp handed out; 0 is the stamp of a table never written.
static STAMPS: AtomicU64 = AtomicU64::new(0);

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table { rows: BTreeMap::new(), scopes: HashMap::new(), stamp: 0 }
    }
}

impl<T> Table<T> {
    /// This version of the rows: equal stamps, equal rows.
    pub fn stamp(&self) -> u64 {
        self.stamp
    }

    fn touch(&mut self) {
        self.stamp = STAMPS.fetch_add(1, Ordering::Relaxed) + 1;
    }
}

impl<T> Table<T> {
    /// Whether the table has no rows (tables added after the first stored
    /// logs are left out of the JSON while empty, so old snapshots
    /// re-serialise unchanged).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

impl<T> Deref for Table<T> {
    type Target = BTreeMap<String, T>;
    fn deref(&self) -> &BTreeMap<String, T> {
        &self.rows
    }
}

impl<T: Owned> Table<T> {
    /// Writes a row (create or replace), returning the row it replaced.
    pub fn insert(&mut self, id: String, row: T) -> Option<T> {
        self.touch();
        let old = self.rows.remove(&id);
        if let Some(o) = &old {
            self.unindex(o.owner(), o.region(), &id);
        }
        self.scopes.entry(row.owner().to_string()).or_default().entry(row.region().to_string()).or_default().insert(id.clone());
        self.rows.insert(id, row);
        old
    }

    /// Removes a row.
    pub fn remove(&mut self, id: &str) -> Option<T> {
        self.touch();
        let old = self.rows.remove(id)?;
        self.unindex(old.owner(), old.region(), id);
        Some(old)
    }

    /// Removes every row.
    pub fn clear(&mut self) {
        self.touch();
        self.rows.clear();
        self.scopes.clear();
    }

    /// Keeps only the rows `keep` accepts.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut T) -> bool) {
        self.touch();
        let gone: Vec<String> = self.rows.iter_mut().filter_map(|(id, row)| (!keep(id, row)).then(|| id.clone())).collect();
        for id in gone {
            self.remove(&id);
        }
    }

    /// A row to edit in place. The edit must not change its owner or
    /// region (no AWS resource ever moves), or the index would be stale.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.touch();
        self.rows.get_mut(id)
    }

    /// Every row, to edit in place; the same rule as [`Table::get_mut`].
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.touch();
        self.rows.values_mut()
    }

    /// The rows one account owns in one region, in id order.
    pub fn owned_by<'a>(&'a self, owner: &str, region: &str) -> impl Iterator<Item = &'a T> + Clone + 'a {
        let ids = self.scopes.get(owner).and_then(|regions| regions.get(region));
        ids.into_iter().flatten().filter_map(move |id| self.rows.get(id))
    }

    /// The caller's own rows in the caller's region, in id order.
    pub fn scope<'a>(&'a self, ctx: &Ctx) -> impl Iterator<Item = &'a T> + Clone + 'a {
        self.owned_by(&ctx.account, &ctx.region)
    }

    fn unindex(&mut self, owner: &str, region: &str, id: &str) {
        let Some(regions) = self.scopes.get_mut(owner) else { return };
        if let Some(ids) = regions.get_mut(region) {
            ids.remove(id);
            if ids.is_empty() {
                regions.remove(region);
            }
        }
        if regions.is_empty() {
            self.scopes.remove(owner);
        }
    }
}

impl<T: Owned> FromIterator<(String, T)> for Table<T> {
    fn from_iter<I: IntoIterator<Item = (String, T)>>(iter: I) -> Self {
        let mut t = Table::default();
        for (id, row) in iter {
            t.insert(id, row);
        }
        t
    }
}

impl<'a, T> IntoIterator for &'a Table<T> {
    type Item = (&'a String, &'a T);
    type IntoIter = std::collections::btree_map::Iter<'a, String, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.rows.iter()
    }
}

/// Equal when the rows are; the index is derived from them.
impl<T: PartialEq> PartialEq for Table<T> {
    fn eq(&self, other: &Self) -> bool {
        self.rows == other.rows
    }
}

/// Stored as the plain map (the snapshot format is unchanged); the index
/// is rebuilt on load.
impl<T: Serialize> Serialize for Table<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.rows.serialize(s)
    }
}

impl<'de, T: Deserialize<'de> + Owned> Deserialize<'de> for Table<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, T>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Row {
        id: String,
        owner: String,
        region: String,
    }
    crate::impl_owned!(Row);

    fn row(id: &str, owner: &str, region: &str) -> Row {
        Row { id: id.into(), owner: owner.into(), region: region.into() }
    }

    /// The index must always say exactly what a full scan says.
    fn scan<'a>(t: &'a Table<Row>, owner: &str, region: &str) -> Vec<&'a Row> {
        t.values().filter(|r| r.owner == owner && r.region == region).collect()
    }

    #[test]
    fn a_replaced_row_leaves_its_old_scope() {
        let mut t = Table::default();
        t.insert("x".into(), row("x", "111111111111", "us-east-1"));
        t.insert("x".into(), row("x", "222222222222", "us-east-1"));
        assert_eq!(t.owned_by("111111111111", "us-east-1").count(), 0);
        assert_eq!(t.owned_by("222222222222", "us-east-1").count(), 1);
        t.remove("x");
        assert_eq!(t.owned_by("222222222222", "us-east-1").count(), 0);
        assert!(t.scopes.is_empty(), "empty scopes are dropped");
    }

    #[test]
    fn every_write_changes_the_stamp() {
        let mut t: Table<Row> = Table::default();
        let mut seen = vec![t.stamp()];
        let mut fresh = |t: &Table<Row>| {
            assert!(!seen.contains(&t.stamp()));
            seen.push(t.stamp());
        };
        t.insert("x".into(), row("x", "1", "r"));
        fresh(&t);
        let _ = t.get_mut("x");
        fresh(&t);
        t.values_mut().for_each(|r| r.region = "r".into());
        fresh(&t);
        t.retain(|_, _| true);
        fresh(&t);
        t.remove("x");
        fresh(&t);
        let copy = t.clone();
        assert_eq!(copy.stamp(), t.stamp(), "a copy holds the same rows");
    }

    #[test]
    fn serializes_as_the_plain_map_and_rebuilds_the_index() {
        let t: Table<Row> = [("a".to_string(), row("a", "1", "r")), ("b".to_string(), row("b", "2", "r"))].into_iter().collect();
        let json = serde_json::to_string(&t).unwrap();
        let plain: BTreeMap<String, Row> = serde_json::from_str(&json).unwrap();
        assert_eq!(plain.len(), 2);
        let back: Table<Row> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        assert_eq!(back.owned_by("2", "r").map(|r| r.id.as_str()).collect::<Vec<_>>(), ["b"]);
    }

    proptest! {
        #[test]
        fn the_index_agrees_with_a_full_scan(ops in proptest::collection::vec((0u8..3, 0u8..6, 0u8..3, 0u8..2), 0..60)) {
            let owners = ["111111111111", "222222222222", "333333333333"];
            let regions = ["us-east-1", "eu-west-1"];
            let mut t = Table::default();
            for (op, id, owner, region) in ops {
                let id = format!("r-{id}");
                match op {
                    0 => { t.insert(id.clone(), row(&id, owners[owner as usize], regions[region as usize])); }
                    1 => { t.remove(&id); }
                    _ => t.retain(|_, r| r.owner != owners[owner as usize]),
                }
            }
            for o in owners {
                for r in regions {
                    prop_assert_eq!(t.owned_by(o, r).collect::<Vec<_>>(), scan(&t, o, r));
                }
            }
        }
    }
}
