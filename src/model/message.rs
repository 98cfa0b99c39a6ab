//! A received message as the window keeps it.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::proto::{Properties, Publish, QoS};

/// The index of a topic in the [`super::TopicTree`].
pub type TopicId = u32;

/// One stored message (64 bytes plus its payload and properties).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMessage {
    /// Its place in arrival order on this connection.
    pub seq: u64,
    /// Its topic.
    pub topic: TopicId,
    /// When it arrived, in microseconds since the Unix epoch.
    pub received_at_micros: u64,
    /// The payload (its own copy, so it does not keep the read buffer alive).
    pub payload: Bytes,
    /// MQTT 5 properties, if any.
    pub properties: Option<Arc<Properties>>,
    /// The QoS it was delivered with.
    pub qos: QoS,
    /// RETAIN: a retained message sent at subscribe time.
    pub retain: bool,
    /// DUP: a re-delivery.
    pub dup: bool,
}

impl StoredMessage {
    /// Keep `publish` as message `seq` on `topic`.
    pub fn from_publish(
        publish: &Publish,
        topic: TopicId,
        seq: u64,
        received_at: SystemTime,
    ) -> StoredMessage {
        StoredMessage {
            seq,
            topic,
            received_at_micros: micros_since_epoch(received_at),
            payload: Bytes::copy_from_slice(&publish.payload),
            properties: (!publish.properties.is_empty())
                .then(|| Arc::new(publish.properties.clone())),
            qos: publish.qos,
            retain: publish.retain,
            dup: publish.dup,
        }
    }

    /// When it arrived.
    pub fn received_at(&self) -> SystemTime {
        UNIX_EPOCH + std::time::Duration::from_micros(self.received_at_micros)
    }

    /// The payload as text, if it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.payload).ok()
    }

    /// Memory it holds beyond the struct, for the memory estimate.
    pub fn heap_bytes(&self) -> usize {
        self.payload.len() + self.properties.as_ref().map_or(0, |p| 64 + p.len() * 72)
    }
}

/// Microseconds since the Unix epoch (0 for times before it).
pub fn micros_since_epoch(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_message_stays_small() {
        // The per-message overhead budget is 200 bytes beyond topic and
        // payload: 64 for this struct, 8 for its place in the per-topic
        // history, and the payload allocation's own header.
        assert!(
            std::mem::size_of::<StoredMessage>() <= 64,
            "{}",
            std::mem::size_of::<StoredMessage>()
        );
    }
}
