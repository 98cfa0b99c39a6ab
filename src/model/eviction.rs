//! A connection's memory budget, kept: what is held is counted in bytes as it
//! comes and goes, and when the budget is full the oldest goes first.
//!
//! The order: the oldest history messages, until the history holds a
//! quarter of the budget; the packet log's oldest packets; the topics not
//! seen for the longest time (a topic goes only once none of its messages is
//! left in the history, and comes back if a message does); the rest of the
//! history; and last, when nothing ordinary is left, the topics a view needs
//! (a retained value, the selected topic) — that is said in a notice. The
//! newest message is always kept, whatever its size, so that it can be seen.

use super::memory::{self, Evicted};

/// At most this many things are dropped per message taken in: more than
/// enough to keep up (a message adds at most one topic), few enough that no
/// message costs a pause.
pub(super) const EVICTIONS_PER_MESSAGE: usize = 64;

/// The history gives way first until it holds this fraction of the budget
/// or less; below that, topics not seen for the longest time go first.
const HISTORY_SHARE: usize = 4;
use super::{ConnectionModel, HistoryLimits, NodeId, NoticeKind, StoredMessage};

impl ConnectionModel {
    /// The most this connection may hold, in bytes.
    pub fn budget(&self) -> usize {
        self.budget
    }

    /// Change the budget, dropping at once what no longer fits.
    pub fn set_budget(&mut self, bytes: usize) {
        self.budget = bytes;
        self.trim(usize::MAX);
    }

    /// Change the budget; what no longer fits goes a little at a time, with
    /// [`ConnectionModel::trim`] (the window calls it every frame).
    pub fn set_budget_later(&mut self, bytes: usize) {
        self.budget = bytes;
    }

    /// Drop at most `steps` things, oldest first, while over the budget;
    /// true once within it. Bounded, so that a table that grew at once (a
    /// topic map that doubled, a budget lowered by a person) is caught up
    /// over several messages or frames instead of in one long pause.
    pub fn trim(&mut self, steps: usize) -> bool {
        let newest = self.next_seq.checked_sub(1);
        for _ in 0..steps {
            if self.held_bytes() <= self.budget {
                return true;
            }
            if !self.evict_one(newest) {
                return false;
            }
        }
        self.held_bytes() <= self.budget
    }

    /// Change the history's count bounds, dropping at once what no longer fits.
    pub fn set_history_limits(&mut self, limits: HistoryLimits) {
        self.history.set_limits(limits);
        self.drop_over_count();
    }

    /// The bytes this connection's data holds: history, topic tree and last
    /// values, packet log and published messages, with the properties each
    /// keeps.
    pub fn held_bytes(&self) -> usize {
        self.history.held_bytes()
            + self.tree.held_bytes()
            + self.packet_bytes
            + memory::allocation(self.packets.capacity() * size_of::<super::PacketRecord>())
            + self.published_bytes
            + memory::allocation(self.published.capacity() * size_of::<super::PublishRecord>())
    }

    /// What the bounds and the budget have pushed out so far.
    pub fn evicted(&self) -> Evicted {
        Evicted {
            messages: self.history.evicted(),
            topics: self.topics_evicted,
            kept_topics: self.kept_topics_evicted,
            packets: self.packets_evicted,
        }
    }

    /// The last message on exactly this topic, from the history or kept by
    /// the tree.
    pub fn last_message(&self, id: NodeId) -> Option<&StoredMessage> {
        self.tree.last_message(id, &self.history)
    }

    /// The topic's messages still in the history, newest first (at most the
    /// per-topic limit).
    pub fn topic_history(&self, id: NodeId) -> impl Iterator<Item = &StoredMessage> {
        let newest = self
            .tree
            .is_live(id)
            .then(|| self.tree.node(id).last_seq())
            .flatten();
        self.history.of_topic(newest)
    }

    /// Drop the oldest messages while more are kept than the count allows.
    pub(super) fn drop_over_count(&mut self) {
        while self.history.over_count() {
            self.drop_oldest_message();
        }
    }

    /// Drop one thing, oldest first (see the module's order); false when
    /// nothing but the newest message is left.
    fn evict_one(&mut self, newest: Option<u64>) -> bool {
        let oldest_in_history = self.history.oldest_seq();
        let newest_topic = newest
            .and_then(|seq| self.history.get(seq))
            .map(|m| m.topic);
        let can_drop_message = oldest_in_history.is_some() && oldest_in_history != newest;
        if can_drop_message && self.history.held_bytes() > self.budget / HISTORY_SHARE {
            self.drop_oldest_message();
            return true;
        }
        if self.drop_oldest_packet() {
            return true;
        }
        if let Some(topic) = self.tree.least_recent(false, newest_topic) {
            let last = self.tree.node(topic).last_seq();
            let gone_from_history = match (last, oldest_in_history) {
                (Some(last), Some(oldest)) => last < oldest,
                _ => true,
            };
            if gone_from_history {
                self.tree.remove_topic(topic);
                self.topics_evicted += 1;
                return true;
            }
        }
        if can_drop_message {
            self.drop_oldest_message();
            return true;
        }
        // Only the newest message is left in the history: what remains are
        // topics older than it, ordinary ones first, then the kept ones.
        for kept in [false, true] {
            let Some(topic) = self.tree.least_recent(kept, newest_topic) else {
                continue;
            };
            self.tree.remove_topic(topic);
            self.topics_evicted += 1;
            if kept {
                if self.kept_topics_evicted == 0 {
                    self.notify(NoticeKind::BudgetTookKeptState);
                }
                self.kept_topics_evicted += 1;
            }
            return true;
        }
        false
    }

    /// Move the oldest history message out; the tree keeps it if it is its
    /// topic's last.
    fn drop_oldest_message(&mut self) {
        if let Some(old) = self.history.pop_oldest() {
            self.tree.message_left_history(old);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Instant, SystemTime};

    use bytes::Bytes;

    use super::*;
    use crate::proto::{Properties, Property, Publish};

    fn publish(model: &mut ConnectionModel, topic: &str, payload: &[u8], retain: bool) {
        let mut publish = Publish::new(topic, Bytes::copy_from_slice(payload));
        publish.retain = retain;
        model.ingest(&publish, Instant::now(), SystemTime::now());
    }

    #[test]
    fn held_bytes_follow_what_is_kept_and_return_to_the_start() {
        let mut model = ConnectionModel::default();
        let empty = model.held_bytes();
        publish(&mut model, "a/b", &[1; 1000], false);
        let one = model.held_bytes();
        assert!(one > empty + 1000, "{one} after {empty}");
        publish(&mut model, "a/b", &[1; 1000], false);
        assert!(model.held_bytes() > one + 1000);
        // A budget of nothing keeps only the newest message.
        model.set_budget(0);
        assert_eq!(model.history.len(), 1);
        assert_eq!(model.tree.topic_count(), 1);
        assert_eq!(model.evicted().messages, 1);
    }

    #[test]
    fn a_topic_per_message_keeps_the_newest_topics_within_the_budget() {
        let mut model = ConnectionModel::default();
        model.set_budget(2 << 20);
        for i in 0..100_000 {
            publish(
                &mut model,
                &format!("fleet/{i:08x}/state"),
                b"{\"on\":true}",
                false,
            );
            // A table that doubles is caught up over the next messages.
            let slack = (2 << 20) / 8;
            assert!(
                model.held_bytes() <= (2 << 20) + slack,
                "message {i}: {}",
                model.held_bytes()
            );
        }
        let evicted = model.evicted();
        assert!(evicted.topics > 50_000, "{evicted:?}");
        assert_eq!(evicted.topics + model.tree.topic_count() as u64, 100_000);
        assert!(evicted.messages > 50_000, "{evicted:?}");
        // The newest topics are there with their messages; the oldest are not.
        let newest = model
            .tree
            .find("fleet/0001869f/state")
            .expect("newest topic");
        assert_eq!(model.topic_history(newest).count(), 1);
        assert!(model.tree.find("fleet/00000000/state").is_none());
        assert_eq!(evicted.kept_topics, 0);
        // Every topic still known has its last value, from the history or its own.
        for id in model.tree.ids().collect::<Vec<_>>() {
            if model.tree.node(id).is_topic() {
                assert!(model.last_message(id).is_some());
            }
        }
        // Inner levels left without children went with their topics.
        assert_eq!(model.tree.node_count(), 1 + 2 * model.tree.topic_count());
    }

    #[test]
    fn history_goes_before_topics_and_retained_values_go_last() {
        let mut model = ConnectionModel::default();
        publish(&mut model, "config/site", b"retained value", true);
        publish(&mut model, "old/quiet", b"ordinary", false);
        for _ in 0..200 {
            publish(&mut model, "busy", &[7; 4096], false);
        }
        model.set_budget(model.held_bytes() - 100 * 4096);
        // The oldest history went, not the topics: both still show a value.
        let quiet = model.tree.find("old/quiet").expect("quiet topic kept");
        assert_eq!(&*model.last_message(quiet).unwrap().payload, b"ordinary");
        assert!(model.tree.find("config/site").is_some());
        assert!(model.evicted().messages >= 100);
        assert_eq!(model.evicted().topics, 0);

        // Squeezed to the newest message and one byte less: the ordinary
        // quiet topic goes, the retained one stays; squeezed to nothing, the
        // retained one goes last, with a notice.
        let busy_message = memory::allocation(4096);
        model.set_budget(model.held_bytes() - (model.history.len() - 1) * busy_message - 1);
        assert_eq!(model.history.len(), 1);
        assert!(model.tree.find("old/quiet").is_none());
        assert!(model.tree.find("config/site").is_some());
        assert_eq!(model.evicted().kept_topics, 0);
        model.set_budget(0);
        assert!(model.tree.find("config/site").is_none());
        assert_eq!(model.evicted().kept_topics, 1);
        assert!(
            model
                .notices
                .iter()
                .any(|n| n.kind == NoticeKind::BudgetTookKeptState)
        );
        assert_eq!(model.tree.heap_bytes, model.tree.recounted_heap_bytes());
        let busy = model.tree.find("busy").expect("the newest is always kept");
        assert_eq!(model.topic_history(busy).count(), 1);
    }

    #[test]
    fn the_selected_topic_is_kept_like_a_retained_one() {
        let mut model = ConnectionModel::default();
        publish(&mut model, "picked", b"1", false);
        let picked = model.tree.find("picked").unwrap();
        model.tree.pin_only(Some(picked));
        publish(&mut model, "other", b"2", false);
        for i in 0..50 {
            publish(&mut model, &format!("noise/{i}"), &[3; 4096], false);
        }
        // Every message here is its topic's last value, so dropping history
        // frees nothing: topics must go, the oldest ordinary ones first.
        model.set_budget(model.held_bytes() - 1);
        assert!(model.tree.find("picked").is_some(), "pinned");
        assert!(
            model.tree.find("other").is_none(),
            "ordinary and the oldest"
        );
        assert!(model.tree.find("noise/49").is_some(), "the newest");
        assert_eq!(model.evicted().kept_topics, 0);
        // Unpinned, it is ordinary again.
        model.tree.pin_only(None);
        model.set_budget(0);
        assert!(model.tree.find("picked").is_none());
        assert_eq!(model.evicted().kept_topics, 0);
    }

    #[test]
    fn a_returning_topic_is_recreated_and_removed_ids_are_reported() {
        let mut model = ConnectionModel::default();
        publish(&mut model, "a/x", b"1", false);
        publish(&mut model, "b/y", b"2", false);
        let _ = model.tree.take_removed();
        model.set_budget(0);
        let (removed, overflow) = model.tree.take_removed();
        assert_eq!(removed.len(), 2, "a/x and its level a");
        assert!(!overflow);
        assert!(model.tree.find("a/x").is_none());
        publish(&mut model, "a/x", b"3", false);
        let again = model.tree.find("a/x").expect("recreated");
        assert_eq!(model.tree.node(again).messages, 1);
        assert_eq!(model.tree.path(again), "a/x");
        assert_eq!(model.tree.node(TopicTree::ROOT).subtree_messages, 1);
    }

    #[test]
    fn kept_properties_do_not_pin_the_read_buffer() {
        // A 64 KiB buffer, as the network thread reads, holding one packet's
        // properties: the stored copy points into a buffer of its own.
        let chunk = Bytes::from(vec![b'v'; 64 * 1024]);
        let value = bytestring::ByteString::try_from(chunk.slice(0..10)).unwrap();
        let mut publish = Publish::new("t", Bytes::from_static(b"1"));
        publish.properties = Properties::new().with(Property::ContentType(value));
        let mut model = ConnectionModel::default();
        model.ingest(&publish, Instant::now(), SystemTime::now());
        let id = model.tree.find("t").unwrap();
        let stored = model.last_message(id).unwrap().properties.clone().unwrap();
        assert_eq!(stored.content_type(), Some("vvvvvvvvvv"));
        drop(publish);
        // Only `chunk` still refers to the big buffer.
        assert!(
            chunk.is_unique(),
            "the stored properties keep the chunk alive"
        );
    }

    use super::super::TopicTree;
}
