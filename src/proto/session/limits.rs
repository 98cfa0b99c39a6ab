//! The broker's limits, checked before sending so that a refusal leaves the connection up.

use super::{ConnectionInfo, Session, SessionError};
use crate::proto::{Packet, Properties, Publish, SubscribeFilter, topic};

impl Session {
    /// Whether `packet` fits the broker's Maximum Packet Size.
    pub(super) fn check_size(&self, packet: &Packet) -> Result<(), SessionError> {
        let size = packet.encoded_len(self.version())?;
        if let Some(limit) = self.broker.as_ref().and_then(|b| b.maximum_packet_size)
            && size as u64 > u64::from(limit)
        {
            return Err(SessionError::Codec(
                crate::proto::CodecError::PacketTooLarge {
                    size: size as u64,
                    limit,
                },
            ));
        }
        Ok(())
    }

    /// Whether the broker accepts `publish`: Maximum QoS, Retain Available,
    /// Topic Alias Maximum, Maximum Packet Size.
    pub(super) fn check_publish(&self, publish: &Publish) -> Result<(), SessionError> {
        if let Some(broker) = &self.broker {
            if publish.qos > broker.maximum_qos {
                // [MQTT-3.2.2-11]
                return Err(SessionError::QosNotSupported {
                    requested: publish.qos.to_u8(),
                    maximum: broker.maximum_qos.to_u8(),
                });
            }
            if publish.retain && !broker.retain_available {
                // [MQTT-3.2.2-14]
                return Err(SessionError::RetainNotSupported);
            }
            if let Some(alias) = publish.properties.topic_alias()
                && alias > broker.topic_alias_maximum
            {
                // [MQTT-3.2.2-17]
                return Err(SessionError::TopicAliasTooLarge {
                    alias,
                    maximum: broker.topic_alias_maximum,
                });
            }
        } else if publish.properties.topic_alias().is_some() {
            // Before CONNACK the broker's Topic Alias Maximum is 0.
            return Err(SessionError::TopicAliasTooLarge {
                alias: publish.properties.topic_alias().unwrap_or(0),
                maximum: 0,
            });
        }
        self.check_size(&Packet::Publish(publish.clone()))
    }
}

/// Whether the broker offers the features a SUBSCRIBE uses: subscription
/// identifiers, shared and wildcard subscriptions.
pub(super) fn check_subscribe_features(
    broker: &ConnectionInfo,
    filters: &[SubscribeFilter],
    properties: &Properties,
) -> Result<(), SessionError> {
    if !broker.subscription_identifier_available
        && properties.subscription_identifiers().next().is_some()
    {
        return Err(SessionError::FeatureNotAvailable {
            feature: "subscription identifiers",
        });
    }
    for entry in filters {
        if !broker.shared_subscription_available && topic::is_shared_subscription(&entry.filter) {
            return Err(SessionError::FeatureNotAvailable {
                feature: "shared subscriptions",
            });
        }
        if !broker.wildcard_subscription_available && topic::has_wildcards(&entry.filter) {
            return Err(SessionError::FeatureNotAvailable {
                feature: "wildcard subscriptions",
            });
        }
    }
    Ok(())
}
