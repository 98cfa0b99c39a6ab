//! What the broker sends: packet dispatch, incoming PUBLISH and topic aliases, acknowledgments.

use std::time::Instant;

use super::{
    Awaiting, BrokerReason, CloseReason, Session, SessionEvent, State, SubscriptionResult,
    Violation,
};
use crate::proto::{
    Packet, PacketType, Properties, ProtocolVersion, PubResponse, Publish, QoS, ReasonCode, SubAck,
    UnsubAck,
};

impl Session {
    /// One decoded packet: only CONNACK (or AUTH) before the connection is
    /// accepted, then whatever a broker may send.
    pub(super) fn handle_packet(&mut self, now: Instant, packet: Packet) {
        if self.state == State::AwaitingConnAck {
            match packet {
                Packet::ConnAck(connack) => self.handle_connack(now, connack),
                Packet::Auth(_) => self.auth_not_supported(now),
                other => self.violation(
                    now,
                    Violation::BeforeConnAck(other.packet_type()),
                    ReasonCode::ProtocolError,
                ),
            }
            return;
        }
        match packet {
            Packet::Publish(publish) => self.handle_publish(now, publish),
            Packet::PubAck(ack) => self.handle_final_ack(ack, Awaiting::PubAck),
            Packet::PubRec(rec) => self.handle_pubrec(now, rec),
            Packet::PubRel(rel) => self.handle_pubrel(now, rel),
            Packet::PubComp(comp) => self.handle_final_ack(comp, Awaiting::PubComp),
            Packet::SubAck(ack) => self.handle_suback(now, ack),
            Packet::UnsubAck(ack) => self.handle_unsuback(now, ack),
            Packet::PingResp => self.ping_deadline = None,
            Packet::Disconnect(disconnect) => {
                self.close(CloseReason::BrokerDisconnect(BrokerReason::new(
                    disconnect.reason_code,
                    &disconnect.properties,
                )));
            }
            Packet::Auth(_) => self.auth_not_supported(now),
            other => self.violation(
                now,
                Violation::UnexpectedPacket(other.packet_type()),
                ReasonCode::ProtocolError,
            ),
        }
        if self.state == State::Connected {
            self.flush_queue(now);
        }
    }

    fn auth_not_supported(&mut self, now: Instant) {
        if self.connect.properties.authentication_method().is_some() {
            self.violation(
                now,
                Violation::AuthenticationStep,
                ReasonCode::BadAuthenticationMethod,
            );
        } else {
            // [MQTT-4.12.0-6] AUTH without an Authentication Method in CONNECT.
            self.violation(now, Violation::AuthWithoutMethod, ReasonCode::ProtocolError);
        }
    }

    fn handle_publish(&mut self, now: Instant, mut publish: Publish) {
        if let Err((violation, reason)) = self.resolve_topic_alias(&mut publish) {
            self.violation(now, violation, reason);
            return;
        }
        if self.draining && !self.incoming_qos2.contains(&publish.packet_id) {
            // Closing: a new message is neither delivered nor acknowledged,
            // so with a kept session the broker sends it again next time.
            return;
        }
        match publish.qos {
            QoS::AtMostOnce => self.events.push_back(SessionEvent::Message(publish)),
            QoS::AtLeastOnce => {
                let packet_id = publish.packet_id;
                self.events.push_back(SessionEvent::Message(publish));
                // [MQTT-4.3.2-4] acknowledge with PUBACK.
                self.send(now, &Packet::PubAck(PubResponse::new(packet_id)));
            }
            QoS::ExactlyOnce => {
                let packet_id = publish.packet_id;
                if !self.incoming_qos2.contains(&packet_id) {
                    let receive_maximum = self
                        .connect
                        .properties
                        .receive_maximum()
                        .unwrap_or(u16::MAX);
                    if self.incoming_qos2.len() >= usize::from(receive_maximum) {
                        // [MQTT-3.3.4-9] more unacknowledged QoS 2 than we allowed.
                        self.violation(
                            now,
                            Violation::ReceiveMaximumExceeded {
                                maximum: receive_maximum,
                            },
                            ReasonCode::ReceiveMaximumExceeded,
                        );
                        return;
                    }
                    // Deliver once; a re-sent copy before PUBREL is not delivered again.
                    self.incoming_qos2.insert(packet_id);
                    self.events.push_back(SessionEvent::Message(publish));
                }
                // [MQTT-4.3.3-8] acknowledge with PUBREC.
                self.send(now, &Packet::PubRec(PubResponse::new(packet_id)));
            }
        }
    }

    /// Resolve an incoming Topic Alias (3.3.2.3.4).
    fn resolve_topic_alias(
        &mut self,
        publish: &mut Publish,
    ) -> Result<(), (Violation, ReasonCode)> {
        let Some(alias) = publish.properties.topic_alias() else {
            return Ok(());
        };
        let maximum = self.connect.properties.topic_alias_maximum().unwrap_or(0);
        if alias == 0 || alias > maximum {
            // [MQTT-3.3.2-11] no alias above the Topic Alias Maximum we sent.
            return Err((
                Violation::TopicAliasTooLarge { alias, maximum },
                ReasonCode::TopicAliasInvalid,
            ));
        }
        if publish.topic.is_empty() {
            match self.incoming_aliases.get(&alias) {
                Some(topic) => publish.topic = topic.clone(),
                None => {
                    return Err((
                        Violation::TopicAliasUnknown { alias },
                        ReasonCode::ProtocolError,
                    ));
                }
            }
        } else {
            self.incoming_aliases.insert(alias, publish.topic.clone());
        }
        Ok(())
    }

    /// The end of an outgoing QoS 1/2 flow: free its identifier and report it.
    fn complete(&mut self, packet_id: u16, reason_code: ReasonCode, properties: &Properties) {
        if let Some(flight) = self.in_flight.remove(&packet_id) {
            self.ids.release(packet_id);
            self.events.push_back(SessionEvent::PublishCompleted {
                id: flight.id,
                reason: BrokerReason::new(reason_code, properties),
            });
        }
    }

    /// PUBACK or PUBCOMP: the last step of a flow that waits for `stage`. An
    /// acknowledgment for anything else is ignored.
    fn handle_final_ack(&mut self, ack: PubResponse, stage: Awaiting) {
        if self
            .in_flight
            .get(&ack.packet_id)
            .is_some_and(|f| f.stage == stage)
        {
            self.complete(ack.packet_id, ack.reason_code, &ack.properties);
        }
    }

    fn handle_pubrec(&mut self, now: Instant, rec: PubResponse) {
        let stage = self.in_flight.get(&rec.packet_id).map(|f| f.stage);
        match stage {
            Some(Awaiting::PubRec) if rec.reason_code.is_error() => {
                // 4.3.3: a PUBREC with an error code ends the flow; no PUBREL follows.
                self.complete(rec.packet_id, rec.reason_code, &rec.properties);
            }
            Some(Awaiting::PubRec) | Some(Awaiting::PubComp) => {
                if let Some(flight) = self.in_flight.get_mut(&rec.packet_id) {
                    flight.stage = Awaiting::PubComp;
                }
                // [MQTT-4.3.3-4] answer PUBREC with PUBREL.
                self.send(now, &Packet::PubRel(PubResponse::new(rec.packet_id)));
            }
            _ => {
                let mut rel = PubResponse::new(rec.packet_id);
                if self.version() == ProtocolVersion::V5 {
                    rel.reason_code = ReasonCode::PacketIdentifierNotFound;
                }
                self.send(now, &Packet::PubRel(rel));
            }
        }
    }

    fn handle_pubrel(&mut self, now: Instant, rel: PubResponse) {
        let known = self.incoming_qos2.remove(&rel.packet_id);
        let mut comp = PubResponse::new(rel.packet_id);
        if !known && self.version() == ProtocolVersion::V5 {
            comp.reason_code = ReasonCode::PacketIdentifierNotFound;
        }
        // [MQTT-4.3.3-11] answer PUBREL with PUBCOMP.
        self.send(now, &Packet::PubComp(comp));
    }

    fn handle_suback(&mut self, now: Instant, ack: SubAck) {
        let Some(request) = self.subscribe_requests.remove(&ack.packet_id) else {
            return;
        };
        self.ids.release(ack.packet_id);
        if ack.reason_codes.len() != request.filters.len() {
            // [MQTT-3.8.4-6] one reason code per topic filter.
            self.violation(
                now,
                Violation::WrongResultCount {
                    packet: PacketType::SubAck,
                    results: ack.reason_codes.len(),
                    filters: request.filters.len(),
                },
                ReasonCode::ProtocolError,
            );
            return;
        }
        let mut results = Vec::with_capacity(request.filters.len());
        for (filter, reason_code) in request.filters.into_iter().zip(ack.reason_codes) {
            if !reason_code.is_error() {
                self.subscriptions
                    .retain(|(f, _)| f.filter != filter.filter);
                self.subscriptions
                    .push((filter.clone(), request.properties.clone()));
            }
            results.push(SubscriptionResult {
                filter: filter.filter.to_string(),
                reason_code,
            });
        }
        self.events.push_back(SessionEvent::Subscribed {
            id: request.id,
            results,
            reason_string: ack.properties.reason_string().map(str::to_owned),
        });
    }

    fn handle_unsuback(&mut self, now: Instant, ack: UnsubAck) {
        let Some((id, filters)) = self.unsubscribe_requests.remove(&ack.packet_id) else {
            return;
        };
        self.ids.release(ack.packet_id);
        let codes = if self.version() == ProtocolVersion::V311 {
            vec![ReasonCode::Success; filters.len()]
        } else {
            ack.reason_codes
        };
        if codes.len() != filters.len() {
            // [MQTT-3.11.3-2] one reason code per topic filter.
            self.violation(
                now,
                Violation::WrongResultCount {
                    packet: PacketType::UnsubAck,
                    results: codes.len(),
                    filters: filters.len(),
                },
                ReasonCode::ProtocolError,
            );
            return;
        }
        let mut results = Vec::with_capacity(filters.len());
        for (filter, reason_code) in filters.into_iter().zip(codes) {
            self.subscriptions.retain(|(f, _)| f.filter != filter);
            results.push(SubscriptionResult {
                filter: filter.to_string(),
                reason_code,
            });
        }
        self.events
            .push_back(SessionEvent::Unsubscribed { id, results });
    }
}
