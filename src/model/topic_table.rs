//! Each topic's node by the hash of its full name, in shards: a growing shard
//! rehashes only its own part, so no single message pays for moving the
//! whole table (at 600 000 topics one table's doubling took 25 ms).

use hashbrown::HashTable;

use super::memory::allocation;
use super::tree::NodeId;

/// The number of shards (a power of two).
const SHARDS: usize = 64;

/// Node ids by topic hash; the caller compares names.
#[derive(Debug)]
pub struct TopicTable {
    shards: Box<[HashTable<(u64, NodeId)>]>,
    len: usize,
}

impl Default for TopicTable {
    fn default() -> Self {
        TopicTable {
            shards: (0..SHARDS).map(|_| HashTable::new()).collect(),
            len: 0,
        }
    }
}

impl TopicTable {
    /// The shard of a hash, from bits the tables do not use for placement
    /// (the low bits pick a bucket, the top 7 are the tag).
    fn shard(hash: u64) -> usize {
        (hash >> 32) as usize & (SHARDS - 1)
    }

    /// How many topics there are.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The node with `hash` for which `is_it` says yes.
    pub fn find(&self, hash: u64, mut is_it: impl FnMut(NodeId) -> bool) -> Option<NodeId> {
        self.shards[Self::shard(hash)]
            .find(hash, |&(h, id)| h == hash && is_it(id))
            .map(|&(_, id)| id)
    }

    /// Add `id` under `hash` (the caller knows it is not there).
    pub fn insert(&mut self, hash: u64, id: NodeId) {
        self.shards[Self::shard(hash)].insert_unique(hash, (hash, id), |&(h, _)| h);
        self.len += 1;
    }

    /// Remove `id` from under `hash`; false when it was not there.
    pub fn remove(&mut self, hash: u64, id: NodeId) -> bool {
        match self.shards[Self::shard(hash)].find_entry(hash, |&(h, e)| h == hash && e == id) {
            Ok(entry) => {
                entry.remove();
                self.len -= 1;
                true
            }
            Err(_) => false,
        }
    }

    /// The bytes the shards' tables hold.
    pub fn held_bytes(&self) -> usize {
        let entry = std::mem::size_of::<(u64, NodeId)>() + 1;
        allocation(self.shards.len() * std::mem::size_of::<HashTable<(u64, NodeId)>>())
            + self
                .shards
                .iter()
                .map(|shard| allocation(shard.capacity() * entry))
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_found_added_and_removed_across_shards() {
        let mut table = TopicTable::default();
        for id in 0..10_000u32 {
            let hash = u64::from(id).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            table.insert(hash, id);
        }
        assert_eq!(table.len(), 10_000);
        let used = table.shards.iter().filter(|s| !s.is_empty()).count();
        assert_eq!(used, SHARDS, "every shard takes a share");
        let hash_of = |id: u32| u64::from(id).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        assert_eq!(table.find(hash_of(1234), |id| id == 1234), Some(1234));
        assert_eq!(table.find(hash_of(1234), |_| false), None);
        assert!(table.remove(hash_of(1234), 1234));
        assert!(!table.remove(hash_of(1234), 1234));
        assert_eq!(table.find(hash_of(1234), |id| id == 1234), None);
        assert_eq!(table.len(), 9_999);
        assert!(table.held_bytes() >= 9_999 * 13);
    }
}
