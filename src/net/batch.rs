//! Events travel from the network thread in batches, one per loop turn, and
//! the batches still waiting are counted in events and bytes so that the
//! thread can stop reading the socket while its reader is behind.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::Event;

/// Events waiting for the reader at which the socket stops being read.
pub const BACKLOG_HIGH: usize = 100_000;
/// Events waiting at which reading starts again.
pub const BACKLOG_LOW: usize = 50_000;
/// Bytes waiting for the reader at which the socket stops being read.
pub const BACKLOG_HIGH_BYTES: usize = 64 << 20;
/// Bytes waiting at which reading starts again.
pub const BACKLOG_LOW_BYTES: usize = 32 << 20;

/// What waits in the channel: events and the bytes they hold.
#[derive(Debug, Default)]
pub struct Backlog {
    events: AtomicUsize,
    bytes: AtomicUsize,
}

impl Backlog {
    /// Events sent and not yet taken.
    pub fn events(&self) -> usize {
        self.events.load(Ordering::Relaxed)
    }

    /// Bytes (an estimate of what the events hold) sent and not yet taken.
    pub fn bytes(&self) -> usize {
        self.bytes.load(Ordering::Relaxed)
    }

    /// True when the reader is so far behind that the socket must not be read.
    pub fn is_full(&self) -> bool {
        self.events() >= BACKLOG_HIGH || self.bytes() >= BACKLOG_HIGH_BYTES
    }

    /// True when the reader has caught up enough to read the socket again.
    pub fn has_room(&self) -> bool {
        self.events() <= BACKLOG_LOW && self.bytes() <= BACKLOG_LOW_BYTES
    }

    fn add(&self, events: usize, bytes: usize) {
        self.events.fetch_add(events, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    fn remove(&self, events: usize, bytes: usize) {
        self.events.fetch_sub(events, Ordering::Relaxed);
        self.bytes.fetch_sub(bytes, Ordering::Relaxed);
    }
}

/// The events of one loop turn. They leave the [`Backlog`] when the batch is
/// taken apart ([`EventBatch::into_events`] or iteration) or dropped.
#[derive(Debug)]
pub struct EventBatch {
    events: Vec<Event>,
    /// The number of events sent, counted in the backlog.
    count: usize,
    bytes: usize,
    backlog: Arc<Backlog>,
}

impl EventBatch {
    /// The events, oldest first.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The events, taken out of the backlog.
    pub fn into_events(mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }
}

impl IntoIterator for EventBatch {
    type Item = Event;
    type IntoIter = std::vec::IntoIter<Event>;

    fn into_iter(self) -> Self::IntoIter {
        self.into_events().into_iter()
    }
}

impl Drop for EventBatch {
    fn drop(&mut self) {
        self.backlog.remove(self.count, self.bytes);
    }
}

/// Gathers the events of one loop turn on the network thread.
#[derive(Debug)]
pub struct Outbox {
    events: Vec<Event>,
    bytes: usize,
    backlog: Arc<Backlog>,
}

impl Outbox {
    /// An empty outbox counting into `backlog`.
    pub fn new(backlog: Arc<Backlog>) -> Outbox {
        Outbox {
            events: Vec::new(),
            bytes: 0,
            backlog,
        }
    }

    /// Add an event to this turn's batch.
    pub fn push(&mut self, event: Event) {
        self.bytes += held_bytes(&event);
        self.events.push(event);
    }

    /// This turn's batch, counted into the backlog; None when it is empty.
    pub fn take(&mut self) -> Option<EventBatch> {
        if self.events.is_empty() {
            return None;
        }
        let events = std::mem::take(&mut self.events);
        let bytes = std::mem::take(&mut self.bytes);
        self.backlog.add(events.len(), bytes);
        Some(EventBatch {
            count: events.len(),
            events,
            bytes,
            backlog: self.backlog.clone(),
        })
    }
}

/// About what an event holds in memory.
pub fn held_bytes(event: &Event) -> usize {
    let own = std::mem::size_of::<Event>();
    match event {
        Event::Message(publish) | Event::MessageAt { publish, .. } => {
            own + publish.topic.len()
                + publish.payload.len()
                + publish.properties.encoded_len()
                + publish.properties.len() * std::mem::size_of::<crate::proto::Property>()
        }
        Event::Packet { bytes, .. } => own + bytes.len(),
        _ => own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::Publish;

    fn message(payload_len: usize) -> Event {
        Event::Message(Publish::new("a/b", vec![0u8; payload_len]))
    }

    #[test]
    fn a_batch_counts_in_the_backlog_until_it_is_taken() {
        let backlog = Arc::new(Backlog::default());
        let mut outbox = Outbox::new(backlog.clone());
        assert!(outbox.take().is_none(), "an empty turn sends nothing");
        outbox.push(message(1000));
        outbox.push(Event::Stopped);
        let batch = outbox.take().expect("two events");
        assert_eq!(backlog.events(), 2);
        assert!(backlog.bytes() >= 1000 + 3, "{} bytes", backlog.bytes());
        let events = batch.into_events();
        assert_eq!(events.len(), 2);
        assert_eq!(backlog.events(), 0);
        assert_eq!(backlog.bytes(), 0);
    }

    #[test]
    fn a_dropped_batch_leaves_the_backlog() {
        let backlog = Arc::new(Backlog::default());
        let mut outbox = Outbox::new(backlog.clone());
        outbox.push(message(10));
        drop(outbox.take());
        assert_eq!((backlog.events(), backlog.bytes()), (0, 0));
    }

    #[test]
    fn the_backlog_is_full_by_count_or_by_bytes() {
        let backlog = Arc::new(Backlog::default());
        let mut outbox = Outbox::new(backlog.clone());
        // Few events holding many bytes.
        for _ in 0..70 {
            outbox.push(message(1 << 20));
        }
        let big = outbox.take();
        assert!(backlog.is_full(), "70 MiB waiting");
        assert!(!backlog.has_room());
        drop(big);
        assert!(backlog.has_room());
        // Many events holding few bytes.
        for _ in 0..BACKLOG_HIGH {
            outbox.push(Event::Stopped);
        }
        let many = outbox.take();
        assert!(backlog.is_full(), "{} events waiting", backlog.events());
        drop(many);
        assert!(!backlog.is_full());
    }
}
