//! What the client sends: requests, the queue under Receive Maximum, re-sends, the write path.

use std::time::Instant;

use bytes::Bytes;
use bytestring::ByteString;

use super::limits::check_subscribe_features;
use super::{
    Awaiting, CloseReason, Direction, InFlight, PendingSubscribe, Queued, Session, SessionError,
    SessionEvent, State, Violation,
};
use crate::proto::{
    Disconnect, Packet, Properties, Property, PubResponse, Publish, QoS, ReasonCode, Subscribe,
    SubscribeFilter, Unsubscribe,
};

impl Session {
    /// Publish a message. QoS 1 and 2 messages wait in order while the
    /// broker's Receive Maximum is reached or the session is not connected.
    /// Returns an id that [`SessionEvent::PublishCompleted`] refers to.
    ///
    /// A message that cannot be sent as it is — over the broker's Maximum
    /// Packet Size, above its Maximum QoS, retained where retain is not
    /// available, a topic alias above its maximum — is refused here and the
    /// connection is not affected.
    pub fn publish(&mut self, now: Instant, mut publish: Publish) -> Result<u64, SessionError> {
        if publish
            .properties
            .subscription_identifiers()
            .next()
            .is_some()
        {
            return Err(SessionError::SubscriptionIdentifierInPublish);
        }
        publish.dup = false;
        publish.packet_id = if publish.qos == QoS::AtMostOnce { 0 } else { 1 };
        self.check_publish(&publish)?;
        publish.packet_id = 0;
        let id = self.next_id();
        self.queue.push_back(Queued { id, publish });
        self.flush_queue(now);
        Ok(id)
    }

    /// Subscribe to topic filters. Returns an id that [`SessionEvent::Subscribed`]
    /// refers to.
    pub fn subscribe(
        &mut self,
        now: Instant,
        filters: Vec<SubscribeFilter>,
        properties: Properties,
    ) -> Result<u64, SessionError> {
        if self.state != State::Connected {
            return Err(SessionError::NotConnected);
        }
        if let Some(broker) = &self.broker {
            check_subscribe_features(broker, &filters, &properties)?;
        }
        let (packet_id, id) = self.send_request(now, |packet_id| {
            Packet::Subscribe(Subscribe {
                packet_id,
                properties: properties.clone(),
                filters: filters.clone(),
            })
        })?;
        self.subscribe_requests.insert(
            packet_id,
            PendingSubscribe {
                id,
                filters,
                properties,
            },
        );
        Ok(id)
    }

    /// Unsubscribe from topic filters. Returns an id that
    /// [`SessionEvent::Unsubscribed`] refers to.
    pub fn unsubscribe(
        &mut self,
        now: Instant,
        filters: Vec<ByteString>,
        properties: Properties,
    ) -> Result<u64, SessionError> {
        if self.state != State::Connected {
            return Err(SessionError::NotConnected);
        }
        let (packet_id, id) = self.send_request(now, |packet_id| {
            Packet::Unsubscribe(Unsubscribe {
                packet_id,
                properties,
                filters: filters.clone(),
            })
        })?;
        self.unsubscribe_requests.insert(packet_id, (id, filters));
        Ok(id)
    }

    /// End the connection with DISCONNECT (reason and properties are sent in
    /// MQTT 5). Reason 0x04 asks the broker to publish the will anyway.
    pub fn disconnect(
        &mut self,
        now: Instant,
        reason_code: ReasonCode,
        properties: Properties,
    ) -> Result<(), SessionError> {
        if !matches!(self.state, State::AwaitingConnAck | State::Connected) {
            return Err(SessionError::NotConnected);
        }
        let packet = Packet::Disconnect(Disconnect {
            reason_code,
            properties,
        });
        packet.encoded_len(self.version())?;
        self.send(now, &packet);
        self.close(CloseReason::ClientRequest { reason_code });
        Ok(())
    }

    /// Send a request that needs a packet identifier (SUBSCRIBE, UNSUBSCRIBE):
    /// allocate one, build the packet with it, check it fits the broker's
    /// limit (giving the identifier back if not) and send it. Returns the
    /// packet identifier and the request's id.
    fn send_request(
        &mut self,
        now: Instant,
        build: impl FnOnce(u16) -> Packet,
    ) -> Result<(u16, u64), SessionError> {
        let packet_id = self
            .ids
            .allocate()
            .ok_or(SessionError::NoPacketIdentifier)?;
        let packet = build(packet_id);
        if let Err(error) = self.check_size(&packet) {
            self.ids.release(packet_id);
            return Err(error);
        }
        self.send(now, &packet);
        Ok((packet_id, self.next_id()))
    }

    /// The next request id (what events refer to; not a packet identifier).
    fn next_id(&mut self) -> u64 {
        let id = self.next_request_id;
        self.next_request_id += 1;
        id
    }

    /// Send queued messages while the broker's Receive Maximum allows.
    pub(super) fn flush_queue(&mut self, now: Instant) {
        if self.state != State::Connected {
            return;
        }
        let receive_maximum = self.broker.as_ref().map_or(u16::MAX, |b| b.receive_maximum);
        while let Some(front) = self.queue.front() {
            if front.publish.qos == QoS::AtMostOnce {
                let Some(Queued { id, publish }) = self.queue.pop_front() else {
                    break;
                };
                self.send_new_publish(now, id, publish);
                continue;
            }
            // [MQTT-4.9.0-2] at most Receive Maximum unacknowledged QoS 1/2 PUBLISH.
            if self.in_flight.len() >= usize::from(receive_maximum) {
                break;
            }
            let Some(packet_id) = self.ids.allocate() else {
                break;
            };
            let Some(Queued { id, mut publish }) = self.queue.pop_front() else {
                self.ids.release(packet_id);
                break;
            };
            publish.packet_id = packet_id;
            if !self.send_new_publish(now, id, publish.clone()) {
                self.ids.release(packet_id);
                continue;
            }
            let stage = if publish.qos == QoS::AtLeastOnce {
                Awaiting::PubAck
            } else {
                Awaiting::PubRec
            };
            let seq = self.next_seq;
            self.next_seq += 1;
            self.in_flight.insert(
                packet_id,
                InFlight {
                    id,
                    seq,
                    publish,
                    stage,
                },
            );
        }
    }

    /// Send a publish that waited in the queue; limits learned since it was
    /// queued may refuse it now.
    fn send_new_publish(&mut self, now: Instant, id: u64, publish: Publish) -> bool {
        if let Err(error) = self.check_publish(&publish) {
            self.events
                .push_back(SessionEvent::PublishFailed { id, error });
            return false;
        }
        self.send(now, &Packet::Publish(publish));
        true
    }

    /// [MQTT-4.4.0-1] After a resumed session: resend unacknowledged PUBLISH
    /// with DUP set and PUBREL, in their original order.
    pub(super) fn resend_in_flight(&mut self, now: Instant) {
        let mut order: Vec<(u64, u16)> = self
            .in_flight
            .values()
            .map(|f| (f.seq, f.publish.packet_id))
            .collect();
        order.sort_unstable();
        for (_, packet_id) in order {
            let Some(flight) = self.in_flight.get_mut(&packet_id) else {
                continue;
            };
            let packet = match flight.stage {
                Awaiting::PubComp => Packet::PubRel(PubResponse::new(packet_id)),
                Awaiting::PubAck | Awaiting::PubRec => {
                    // [MQTT-3.3.1-1] DUP is set on a re-delivery.
                    flight.publish.dup = true;
                    // A topic alias from the last connection means nothing now.
                    flight
                        .publish
                        .properties
                        .0
                        .retain(|p| !matches!(p, Property::TopicAlias(_)));
                    Packet::Publish(flight.publish.clone())
                }
            };
            self.send(now, &packet);
        }
    }

    /// Encode `packet` into the output under the broker's Maximum Packet Size,
    /// logging it when the packet log is on.
    pub(super) fn send(&mut self, now: Instant, packet: &Packet) {
        let limit = self.broker.as_ref().and_then(|b| b.maximum_packet_size);
        let start = self.out.len();
        match packet.encode(self.version(), limit, &mut self.out) {
            Ok(_) => {
                self.last_sent = Some(now);
                if let Some(shown) = self.logs_packet() {
                    let bytes = Bytes::copy_from_slice(&self.out[start..]);
                    self.events.push_back(SessionEvent::Packet {
                        direction: Direction::Sent,
                        bytes,
                        shown,
                        alias_topic: None,
                    });
                }
            }
            Err(error) => {
                // Requests are checked before they get here; what is left is
                // an acknowledgment that cannot be written, which ends the
                // connection rather than leaving the broker waiting.
                self.close(CloseReason::ProtocolViolation {
                    reason_code: error.reason_code(),
                    violation: Violation::CannotEncode {
                        packet: packet.packet_type(),
                        error,
                    },
                });
            }
        }
    }
}
