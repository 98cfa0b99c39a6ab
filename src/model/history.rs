//! The message history of a connection: every message in arrival order up to
//! a bound (count and bytes), and per topic the most recent ones. What the
//! bound pushes out is counted, never dropped silently.

use std::collections::VecDeque;

use ahash::AHashMap;

use super::message::{StoredMessage, TopicId};

/// How much history to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryLimits {
    /// At most this many messages in all.
    pub max_messages: usize,
    /// At most this many payload bytes in all.
    pub max_payload_bytes: usize,
    /// At most this many messages per topic.
    pub per_topic: usize,
}

impl Default for HistoryLimits {
    fn default() -> Self {
        HistoryLimits {
            max_messages: 200_000,
            max_payload_bytes: 256 << 20,
            per_topic: 100,
        }
    }
}

/// The bounded history.
#[derive(Debug, Default)]
pub struct History {
    limits: HistoryLimits,
    log: VecDeque<StoredMessage>,
    per_topic: AHashMap<TopicId, VecDeque<u64>>,
    payload_bytes: usize,
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

    /// Change the limits (evicting at once if they shrank).
    pub fn set_limits(&mut self, limits: HistoryLimits) {
        self.limits = limits;
        self.evict();
        for seqs in self.per_topic.values_mut() {
            while seqs.len() > limits.per_topic {
                seqs.pop_front();
            }
        }
    }

    /// Add a message (its `seq` must be larger than every earlier one).
    pub fn push(&mut self, message: StoredMessage) {
        let seqs = self.per_topic.entry(message.topic).or_default();
        seqs.push_back(message.seq);
        if seqs.len() > self.limits.per_topic {
            seqs.pop_front();
        }
        self.payload_bytes += message.payload.len();
        self.log.push_back(message);
        self.evict();
    }

    fn evict(&mut self) {
        while self.log.len() > self.limits.max_messages
            || (self.payload_bytes > self.limits.max_payload_bytes && !self.log.is_empty())
        {
            if let Some(old) = self.log.pop_front() {
                self.payload_bytes -= old.payload.len();
                self.evicted += 1;
                if let Some(seqs) = self.per_topic.get_mut(&old.topic)
                    && seqs.front() == Some(&old.seq)
                {
                    seqs.pop_front();
                }
            }
        }
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

    /// The payload bytes kept.
    pub fn payload_bytes(&self) -> usize {
        self.payload_bytes
    }

    /// A message by sequence number, if still kept.
    pub fn get(&self, seq: u64) -> Option<&StoredMessage> {
        let first = self.log.front()?.seq;
        let index = seq.checked_sub(first)? as usize;
        self.log.get(index).filter(|m| m.seq == seq)
    }

    /// Every kept message, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &StoredMessage> {
        self.log.iter().rev()
    }

    /// The kept messages of one topic, newest first.
    pub fn of_topic(&self, topic: TopicId) -> impl Iterator<Item = &StoredMessage> {
        self.per_topic
            .get(&topic)
            .into_iter()
            .flat_map(|seqs| seqs.iter().rev())
            .filter_map(|&seq| self.get(seq))
    }

    /// Rough memory use in bytes.
    pub fn memory_estimate(&self) -> usize {
        self.log.capacity() * std::mem::size_of::<StoredMessage>()
            + self
                .log
                .iter()
                .map(StoredMessage::heap_bytes)
                .sum::<usize>()
            + self
                .per_topic
                .values()
                .map(|s| 48 + s.capacity() * 8)
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::QoS;
    use bytes::Bytes;

    fn msg(seq: u64, topic: TopicId, len: usize) -> StoredMessage {
        StoredMessage {
            seq,
            topic,
            received_at_micros: seq,
            payload: Bytes::from(vec![0u8; len]),
            properties: None,
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
        }
    }

    #[test]
    fn bounds_evict_the_oldest_and_count_them() {
        let mut history = History::new(HistoryLimits {
            max_messages: 10,
            max_payload_bytes: 1000,
            per_topic: 3,
        });
        for seq in 0..25 {
            history.push(msg(seq, (seq % 2) as TopicId, 10));
        }
        assert_eq!(history.len(), 10);
        assert_eq!(history.evicted(), 15);
        assert_eq!(history.newest_first().next().unwrap().seq, 24);
        let topic0: Vec<u64> = history.of_topic(0).map(|m| m.seq).collect();
        assert_eq!(topic0, [24, 22, 20], "per-topic bound 3, newest first");
        assert!(history.get(3).is_none());
        assert_eq!(history.get(20).unwrap().seq, 20);
    }

    #[test]
    fn shrinking_the_limits_evicts_at_once() {
        let mut history = History::new(HistoryLimits::default());
        for seq in 0..100 {
            history.push(msg(seq, 0, 1));
        }
        history.set_limits(HistoryLimits {
            max_messages: 10,
            per_topic: 5,
            ..HistoryLimits::default()
        });
        assert_eq!(history.len(), 10);
        assert_eq!(history.evicted(), 90);
        assert_eq!(history.of_topic(0).count(), 5);
    }

    #[test]
    fn the_byte_bound_holds() {
        let mut history = History::new(HistoryLimits {
            max_messages: 1000,
            max_payload_bytes: 100,
            per_topic: 100,
        });
        for seq in 0..50 {
            history.push(msg(seq, 0, 30));
        }
        assert!(history.payload_bytes() <= 100);
        assert_eq!(history.len(), 3);
        assert_eq!(history.evicted(), 47);
    }
}
