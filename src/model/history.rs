//! The message history of a connection: every message in arrival order up to
//! a count bound (the memory budget, kept by [`super::ConnectionModel`], is
//! the other). Each message links to the previous one on its topic, so a
//! topic's own history needs no index. What goes is counted, never silent.

use std::collections::VecDeque;

use super::memory::allocation;
use super::message::StoredMessage;

/// How much history to keep, besides the memory budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryLimits {
    /// At most this many messages in all.
    pub max_messages: usize,
    /// At most this many messages shown per topic.
    pub per_topic: usize,
}

impl Default for HistoryLimits {
    fn default() -> Self {
        HistoryLimits {
            max_messages: 200_000,
            per_topic: 100,
        }
    }
}

/// The history, oldest first.
#[derive(Debug, Default)]
pub struct History {
    limits: HistoryLimits,
    log: VecDeque<StoredMessage>,
    heap_bytes: usize,
    evicted: u64,
}

impl History {
    /// An empty history with these limits.
    pub fn new(limits: HistoryLimits) -> History {
        History {
            limits,
            ..History::default()
        }
    }

    /// The limits.
    pub fn limits(&self) -> HistoryLimits {
        self.limits
    }

    /// Change the limits; the caller drops what no longer fits.
    pub fn set_limits(&mut self, limits: HistoryLimits) {
        self.limits = limits;
    }

    /// Whether more messages are kept than the count bound allows.
    pub fn over_count(&self) -> bool {
        self.log.len() > self.limits.max_messages
    }

    /// Add a message (its `seq` must be larger than every earlier one).
    pub fn push(&mut self, message: StoredMessage) {
        self.heap_bytes += message.heap_bytes();
        self.log.push_back(message);
    }

    /// Take out the oldest message, counted as evicted.
    pub fn pop_oldest(&mut self) -> Option<StoredMessage> {
        let old = self.log.pop_front()?;
        self.heap_bytes -= old.heap_bytes();
        self.evicted += 1;
        if self.log.is_empty() {
            // A flood's queue can be large; an empty history gives it back.
            self.log.shrink_to(1024);
        }
        Some(old)
    }

    /// The sequence number of the oldest message kept.
    pub fn oldest_seq(&self) -> Option<u64> {
        self.log.front().map(|m| m.seq)
    }

    /// How many messages the bounds have pushed out.
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// How many messages are kept.
    pub fn len(&self) -> usize {
        self.log.len()
    }

    /// Whether nothing is kept.
    pub fn is_empty(&self) -> bool {
        self.log.is_empty()
    }

    /// A message by sequence number, if still kept.
    pub fn get(&self, seq: u64) -> Option<&StoredMessage> {
        let first = self.log.front()?.seq;
        let index = usize::try_from(seq.checked_sub(first)?).ok()?;
        self.log.get(index).filter(|m| m.seq == seq)
    }

    /// Every kept message, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &StoredMessage> {
        self.log.iter().rev()
    }

    /// The kept messages whose sequence numbers are in `seqs`, oldest first
    /// (`.rev()` for newest first).
    pub fn in_range(
        &self,
        seqs: std::ops::RangeInclusive<u64>,
    ) -> std::collections::vec_deque::Iter<'_, StoredMessage> {
        let (Some(first), false) = (self.oldest_seq(), seqs.is_empty()) else {
            return self.log.range(0..0);
        };
        let len = self.log.len();
        let index =
            |seq: u64| usize::try_from(seq.saturating_sub(first)).map_or(len, |i| i.min(len));
        let start = index(*seqs.start());
        let end = if *seqs.end() < first {
            0
        } else {
            index(seqs.end().saturating_add(1))
        };
        self.log.range(start..end.max(start))
    }

    /// The kept messages of one topic, newest first, from its newest
    /// (`newest_seq`) back, at most the per-topic limit.
    pub fn of_topic(&self, newest_seq: Option<u64>) -> impl Iterator<Item = &StoredMessage> {
        let mut next = newest_seq;
        std::iter::from_fn(move || {
            let message = self.get(next?)?;
            next = match message.prev_in_topic {
                0 => None,
                back => message.seq.checked_sub(u64::from(back)),
            };
            Some(message)
        })
        .take(self.limits.per_topic)
    }

    /// The bytes the history holds: its queue and what each message holds.
    pub fn held_bytes(&self) -> usize {
        allocation(self.log.capacity() * std::mem::size_of::<StoredMessage>()) + self.heap_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(seq: u64, prev_in_topic: u32, len: usize) -> StoredMessage {
        StoredMessage {
            seq,
            topic: 0,
            prev_in_topic,
            received_at_micros: seq,
            payload: vec![0u8; len].into(),
            properties: None,
            qos: crate::proto::QoS::AtMostOnce,
            retain: false,
            dup: false,
        }
    }

    #[test]
    fn the_oldest_go_first_counted_and_bytes_follow() {
        let mut history = History::new(HistoryLimits {
            max_messages: 10,
            per_topic: 3,
        });
        for seq in 0..25 {
            history.push(msg(seq, 1, 10));
            while history.over_count() {
                history.pop_oldest();
            }
        }
        assert_eq!(history.len(), 10);
        assert_eq!(history.evicted(), 15);
        assert_eq!(history.oldest_seq(), Some(15));
        assert!(history.get(3).is_none());
        assert_eq!(history.get(20).unwrap().seq, 20);
        let per_message = allocation(10);
        assert_eq!(
            history.held_bytes(),
            allocation(history.log.capacity() * std::mem::size_of::<StoredMessage>())
                + 10 * per_message
        );
        while history.pop_oldest().is_some() {}
        assert_eq!(
            history.held_bytes() - allocation(history.log.capacity() * 56),
            0
        );
    }

    #[test]
    fn a_topic_history_follows_its_links_and_stops_at_the_limit_or_a_gap() {
        let mut history = History::new(HistoryLimits {
            max_messages: 100,
            per_topic: 3,
        });
        // Messages 0, 2, 4, … on one topic (each 2 back from the next).
        for seq in 0..10u64 {
            history.push(msg(seq, if seq >= 2 { 2 } else { 0 }, 1));
        }
        let seqs: Vec<u64> = history.of_topic(Some(8)).map(|m| m.seq).collect();
        assert_eq!(seqs, [8, 6, 4], "newest first, at most 3");
        history.set_limits(HistoryLimits {
            max_messages: 100,
            per_topic: 100,
        });
        let seqs: Vec<u64> = history.of_topic(Some(8)).map(|m| m.seq).collect();
        assert_eq!(seqs, [8, 6, 4, 2, 0]);
        for _ in 0..5 {
            history.pop_oldest();
        }
        let seqs: Vec<u64> = history.of_topic(Some(8)).map(|m| m.seq).collect();
        assert_eq!(seqs, [8, 6], "stops where the history ends");
        assert_eq!(history.of_topic(None).count(), 0);
        assert_eq!(history.of_topic(Some(99)).count(), 0);
    }

    #[test]
    fn a_range_of_sequence_numbers_is_cut_to_what_is_kept() {
        let mut history = History::default();
        assert_eq!(history.in_range(0..=u64::MAX).count(), 0);
        for seq in 10..20u64 {
            history.push(msg(seq, 0, 1));
        }
        let seqs = |range: std::ops::RangeInclusive<u64>| -> Vec<u64> {
            history.in_range(range).map(|m| m.seq).collect()
        };
        assert_eq!(seqs(12..=14), [12, 13, 14]);
        assert_eq!(seqs(0..=11), [10, 11]);
        assert_eq!(seqs(18..=u64::MAX), [18, 19]);
        assert!(seqs(0..=9).is_empty());
        assert!(seqs(20..=30).is_empty());
        #[allow(clippy::reversed_empty_ranges)]
        let backwards = seqs(15..=12);
        assert!(backwards.is_empty());
        let newest_first: Vec<u64> = history.in_range(16..=18).rev().map(|m| m.seq).collect();
        assert_eq!(newest_first, [18, 17, 16]);
    }
}
