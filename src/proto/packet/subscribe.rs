//! SUBSCRIBE (section 3.8): the client asks for messages matching topic filters.

use bytes::BytesMut;
use bytestring::ByteString;

use super::{
    ProtocolVersion, QoS, check_packet_id, properties_len, read_packet_id, string_len,
    write_properties,
};
use crate::proto::codec::properties::read_properties;
use crate::proto::codec::reader::Result;
use crate::proto::codec::{CodecError, Properties, PropertyContext, Reader, Trace, writer};
use crate::proto::{PacketType, topic};

/// A SUBSCRIBE packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscribe {
    /// Packet Identifier (non-zero).
    pub packet_id: u16,
    /// SUBSCRIBE properties (MQTT 5): Subscription Identifier, User Property.
    pub properties: Properties,
    /// The topic filters with their options; at least one.
    pub filters: Vec<SubscribeFilter>,
}

/// One topic filter of a SUBSCRIBE and its options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubscribeFilter {
    /// The topic filter, possibly a `$share/{name}/{filter}` shared subscription.
    pub filter: ByteString,
    /// The subscription options.
    pub options: SubscriptionOptions,
}

/// The Subscription Options byte (3.8.3.1). MQTT 3.1.1 has only the QoS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SubscriptionOptions {
    /// The highest QoS the server may use to send matching messages.
    pub maximum_qos: QoS,
    /// Do not send this client the messages it publishes itself.
    pub no_local: bool,
    /// Keep the RETAIN flag of forwarded messages as it was published.
    pub retain_as_published: bool,
    /// When to send retained messages.
    pub retain_handling: RetainHandling,
}

/// When the server sends retained messages for a new subscription.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum RetainHandling {
    /// 0: send retained messages at the time of the subscribe.
    #[default]
    SendAtSubscribe = 0,
    /// 1: send them only if the subscription did not exist before.
    SendAtSubscribeIfNew = 1,
    /// 2: do not send them.
    DoNotSend = 2,
}

impl SubscriptionOptions {
    /// Options with only a maximum QoS.
    pub fn with_qos(maximum_qos: QoS) -> SubscriptionOptions {
        SubscriptionOptions {
            maximum_qos,
            ..SubscriptionOptions::default()
        }
    }

    fn to_u8(self) -> u8 {
        self.maximum_qos.to_u8()
            | (u8::from(self.no_local) << 2)
            | (u8::from(self.retain_as_published) << 3)
            | ((self.retain_handling as u8) << 4)
    }

    fn is_v311_compatible(self) -> bool {
        !self.no_local
            && !self.retain_as_published
            && self.retain_handling == RetainHandling::SendAtSubscribe
    }

    fn parse(byte: u8, version: ProtocolVersion) -> std::result::Result<Self, CodecError> {
        let reserved = match version {
            ProtocolVersion::V5 => 0b1100_0000,
            ProtocolVersion::V311 => 0b1111_1100,
        };
        if byte & reserved != 0 {
            // [MQTT-3.8.3-5] (MQTT 3.1.1: [MQTT-3.8.3-4])
            return Err(CodecError::SubscriptionOptionsReserved);
        }
        // 3.8.3.1: a Maximum QoS of 3 is a Protocol Error (malformed in 3.1.1,
        // which has no reason codes to tell the two apart).
        let maximum_qos = QoS::from_u8(byte & 0b11).ok_or(CodecError::InvalidSubscriptionQos)?;
        let retain_handling = match (byte >> 4) & 0b11 {
            0 => RetainHandling::SendAtSubscribe,
            1 => RetainHandling::SendAtSubscribeIfNew,
            2 => RetainHandling::DoNotSend,
            _ => return Err(CodecError::InvalidRetainHandling),
        };
        Ok(SubscriptionOptions {
            maximum_qos,
            no_local: byte & 0b100 != 0,
            retain_as_published: byte & 0b1000 != 0,
            retain_handling,
        })
    }
}

impl SubscribeFilter {
    /// A filter with only a maximum QoS.
    pub fn new(filter: impl Into<ByteString>, maximum_qos: QoS) -> SubscribeFilter {
        SubscribeFilter {
            filter: filter.into(),
            options: SubscriptionOptions::with_qos(maximum_qos),
        }
    }
}

/// Check one topic filter and, for shared subscriptions, No Local
/// [MQTT-3.8.3-4]. MQTT 3.1.1 has no shared subscriptions.
pub(super) fn check_filter(
    filter: &str,
    options: Option<SubscriptionOptions>,
    version: ProtocolVersion,
) -> Result<()> {
    let checked = match version {
        ProtocolVersion::V5 => topic::validate_topic_filter(filter),
        ProtocolVersion::V311 => topic::validate_plain_topic_filter(filter),
    };
    checked.map_err(|error| CodecError::Topic {
        field: "Topic Filter",
        error,
    })?;
    if version == ProtocolVersion::V5
        && options.is_some_and(|o| o.no_local)
        && topic::is_shared_subscription(filter)
    {
        return Err(CodecError::NoLocalOnSharedSubscription);
    }
    Ok(())
}

impl Subscribe {
    /// A SUBSCRIBE without properties.
    pub fn new(packet_id: u16, filters: Vec<SubscribeFilter>) -> Subscribe {
        Subscribe {
            packet_id,
            properties: Properties::new(),
            filters,
        }
    }

    pub(super) fn decode<T: Trace>(
        r: &mut Reader<'_, T>,
        version: ProtocolVersion,
    ) -> Result<Subscribe> {
        let packet_id = read_packet_id(r, PacketType::Subscribe)?;
        let properties = match version {
            ProtocolVersion::V5 => {
                read_properties(r, PropertyContext::Packet(PacketType::Subscribe))?
            }
            ProtocolVersion::V311 => Properties::new(),
        };
        let mut filters = Vec::new();
        while !r.is_empty() {
            let start = r.position();
            let filter = r.string("Topic Filter")?;
            let options_start = r.position();
            let byte = r.raw_u8("Subscription Options")?;
            r.record(options_start, "Subscription Options", || {
                format!(
                    "{byte:08b} (QoS {}, No Local {}, Retain As Published {}, Retain Handling {})",
                    byte & 0b11,
                    (byte >> 2) & 1,
                    (byte >> 3) & 1,
                    (byte >> 4) & 0b11
                )
            });
            let options = match SubscriptionOptions::parse(byte, version) {
                Ok(options) => options,
                Err(error) => return Err(r.fail_at(options_start, error)),
            };
            if let Err(error) = check_filter(&filter, Some(options), version) {
                return Err(r.fail_at(start, error));
            }
            filters.push(SubscribeFilter { filter, options });
        }
        if filters.is_empty() {
            // [MQTT-3.8.3-2] (MQTT 3.1.1: [MQTT-3.8.3-3])
            return Err(r.fail(CodecError::NoTopicFilters {
                packet: PacketType::Subscribe,
            }));
        }
        Ok(Subscribe {
            packet_id,
            properties,
            filters,
        })
    }

    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize> {
        check_packet_id(self.packet_id, PacketType::Subscribe)?;
        if self.filters.is_empty() {
            return Err(CodecError::NoTopicFilters {
                packet: PacketType::Subscribe,
            });
        }
        let mut len = 2 + properties_len(
            &self.properties,
            PropertyContext::Packet(PacketType::Subscribe),
            version,
        )?;
        for entry in &self.filters {
            if version == ProtocolVersion::V311 && !entry.options.is_v311_compatible() {
                return Err(CodecError::NotInMqtt311 {
                    feature: "No Local, Retain As Published or Retain Handling",
                });
            }
            check_filter(&entry.filter, Some(entry.options), version)?;
            len += string_len("Topic Filter", &entry.filter)? + 1;
        }
        Ok(len)
    }

    pub(super) fn write_body(&self, version: ProtocolVersion, out: &mut BytesMut) {
        writer::put_u16(out, self.packet_id);
        write_properties(&self.properties, version, out);
        for entry in &self.filters {
            writer::put_binary(out, entry.filter.as_bytes());
            writer::put_u8(out, entry.options.to_u8());
        }
    }
}
