//! A received message as the window keeps it.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use super::memory::allocation;
use crate::proto::codec::PropertyContext;
use crate::proto::{PacketType, Properties, Publish, QoS};

/// The index of a topic in the [`super::TopicTree`].
pub type TopicId = u32;

/// One stored message (56 bytes plus its payload and properties).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredMessage {
    /// Its place in arrival order on this connection.
    pub seq: u64,
    /// Its topic.
    pub topic: TopicId,
    /// How many places back in arrival order the previous message on the
    /// same topic is (0: none, or too far back to say).
    pub prev_in_topic: u32,
    /// When it arrived, in microseconds since the Unix epoch.
    pub received_at_micros: u64,
    /// The payload (its own copy, so it does not keep the read buffer alive).
    pub payload: Box<[u8]>,
    /// MQTT 5 properties, if any (their own copy, for the same reason).
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
            prev_in_topic: 0,
            received_at_micros: micros_since_epoch(received_at),
            payload: Box::from(&publish.payload[..]),
            properties: (!publish.properties.is_empty()).then(|| {
                Arc::new(
                    publish
                        .properties
                        .detached(PropertyContext::Packet(PacketType::Publish)),
                )
            }),
            qos: publish.qos,
            retain: publish.retain,
            dup: publish.dup,
        }
    }

    /// The message as a PUBLISH on `topic` again (to write it out).
    pub fn to_publish(&self, topic: &str) -> Publish {
        let mut publish = Publish::new(topic, self.payload.to_vec());
        publish.qos = self.qos;
        publish.retain = self.retain;
        publish.dup = self.dup;
        if let Some(properties) = &self.properties {
            publish.properties = (**properties).clone();
        }
        publish
    }

    /// When it arrived.
    pub fn received_at(&self) -> SystemTime {
        UNIX_EPOCH + std::time::Duration::from_micros(self.received_at_micros)
    }

    /// The payload as text, if it is UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.payload).ok()
    }

    /// The heap bytes it holds beyond the struct: the payload's allocation
    /// and the properties' (shared ones counted in full by each holder).
    pub fn heap_bytes(&self) -> usize {
        allocation(self.payload.len())
            + self.properties.as_ref().map_or(0, |p| {
                // The Arc's counts and the list, the list's items, and the
                // one buffer their strings point into.
                allocation(16 + std::mem::size_of::<Properties>())
                    + allocation(p.0.capacity() * std::mem::size_of::<crate::proto::Property>())
                    + allocation(p.encoded_len())
            })
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
        // The per-message overhead budget is 96 bytes beyond topic and
        // payload: 56 for this struct (its place in its topic's history
        // included) and the payload allocation's own header and rounding.
        assert!(
            std::mem::size_of::<StoredMessage>() <= 56,
            "{}",
            std::mem::size_of::<StoredMessage>()
        );
    }
}
