//! PUBLISH (section 3.3): an application message, in either direction.

use bytes::{Bytes, BytesMut};
use bytestring::ByteString;

use super::{
    ProtocolVersion, QoS, check_packet_id, properties_len, read_packet_id, write_properties,
};
use crate::proto::codec::properties::read_properties;
use crate::proto::codec::reader::Result;
use crate::proto::codec::{
    CodecError, NoTrace, Properties, PropertyContext, Reader, Trace, scan, varint, writer,
};
use crate::proto::{PacketType, topic};

/// A PUBLISH packet. The topic and payload share the received buffer (no copy).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Publish {
    /// DUP: this is a re-delivery of an earlier attempt.
    pub dup: bool,
    /// The QoS of this delivery.
    pub qos: QoS,
    /// RETAIN.
    pub retain: bool,
    /// Topic Name; empty when a Topic Alias stands for it (MQTT 5).
    pub topic: ByteString,
    /// Packet Identifier: non-zero for QoS 1 and 2, 0 for QoS 0 (absent on the wire).
    pub packet_id: u16,
    /// PUBLISH properties (MQTT 5).
    pub properties: Properties,
    /// The application message.
    pub payload: Bytes,
}

impl Publish {
    /// A QoS 0 PUBLISH without properties.
    pub fn new(topic: impl Into<ByteString>, payload: impl Into<Bytes>) -> Publish {
        Publish {
            dup: false,
            qos: QoS::AtMostOnce,
            retain: false,
            topic: topic.into(),
            packet_id: 0,
            properties: Properties::new(),
            payload: payload.into(),
        }
    }

    pub(super) fn flags(&self) -> u8 {
        (u8::from(self.dup) << 3) | (self.qos.to_u8() << 1) | u8::from(self.retain)
    }

    pub(super) fn decode<T: Trace>(
        r: &mut Reader<'_, T>,
        flags: u8,
        version: ProtocolVersion,
    ) -> Result<Publish> {
        // The fixed header flags were checked by the caller ([MQTT-3.3.1-4]).
        let qos = QoS::from_u8((flags >> 1) & 0b11).unwrap_or_default();
        let topic_start = r.position();
        let topic = r.string("Topic Name")?;
        let packet_id = if qos == QoS::AtMostOnce {
            0
        } else {
            read_packet_id(r, PacketType::Publish)?
        };
        let properties = match version {
            ProtocolVersion::V5 => {
                read_properties(r, PropertyContext::Packet(PacketType::Publish))?
            }
            ProtocolVersion::V311 => Properties::new(),
        };
        if let Err(error) = check_topic(&topic, &properties, version) {
            return Err(r.fail_at(topic_start, error));
        }
        let payload = r.rest("Payload");
        Ok(Publish::from_wire(
            flags, topic, packet_id, properties, payload,
        ))
    }

    /// A decoded PUBLISH from its fixed-header flags (checked by the caller)
    /// and its fields.
    #[inline]
    fn from_wire(
        flags: u8,
        topic: ByteString,
        packet_id: u16,
        properties: Properties,
        payload: Bytes,
    ) -> Publish {
        Publish {
            dup: flags & 0b1000 != 0,
            qos: QoS::from_u8((flags >> 1) & 0b11).unwrap_or_default(),
            retain: flags & 1 != 0,
            topic,
            packet_id,
            properties,
            payload,
        }
    }

    /// The common PUBLISH, decoded straight from the frame without a trace: an
    /// exact frame, an ASCII topic name, and (in MQTT 5) usually no properties.
    ///
    /// `None` means "not that case": the caller then runs the general decoder,
    /// which finds the same packet or reports the precise error. So this path
    /// returns only what the general one would: `Some(Ok(..))` after the same
    /// checks, and `Some(Err(..))` only for an error in the property list,
    /// which is read by the same code at the same point.
    #[inline(always)]
    pub(super) fn decode_plain(frame: &Bytes, version: ProtocolVersion) -> Option<Result<Publish>> {
        let bytes: &[u8] = frame;
        let (&first, after_type) = bytes.split_first()?;
        if first >> 4 != PacketType::Publish.to_u8() {
            return None;
        }
        let flags = first & 0x0F;
        let qos = match (flags >> 1) & 0b11 {
            0 if flags & 0b1000 == 0 => QoS::AtMostOnce,
            1 => QoS::AtLeastOnce,
            2 => QoS::ExactlyOnce,
            // QoS 3 [MQTT-3.3.1-4], or DUP with QoS 0 [MQTT-3.3.1-2].
            _ => return None,
        };
        let Ok(Some((remaining, length_len))) = varint::parse(after_type) else {
            return None;
        };
        // The general decoder tolerates bytes after the packet; this path
        // wants the frame to be exactly the packet, as `next_frame` cuts it.
        let body = after_type.get(length_len..)?;
        if body.len() != remaining as usize {
            return None;
        }
        let [len_hi, len_lo, after_len @ ..] = body else {
            return None;
        };
        let topic_len = usize::from(u16::from_be_bytes([*len_hi, *len_lo]));
        let topic = after_len.get(..topic_len)?;
        // One pass for UTF-8, U+0000 and the wildcards, which also makes the
        // name valid ([MQTT-3.3.2-2], [MQTT-4.7.3-1]: not empty).
        if topic.is_empty() || !scan::is_plain_topic_name(topic) {
            return None;
        }
        let mut rest = &after_len[topic_len..];
        let mut packet_id = 0;
        if qos != QoS::AtMostOnce {
            let [id_hi, id_lo, after_id @ ..] = rest else {
                return None;
            };
            packet_id = u16::from_be_bytes([*id_hi, *id_lo]);
            if packet_id == 0 {
                return None;
            }
            rest = after_id;
        }
        let mut properties = Properties::new();
        if version == ProtocolVersion::V5 {
            match rest {
                [0, after_props @ ..] => rest = after_props,
                [] => return None,
                _ => {
                    let start = bytes.len() - rest.len();
                    let mut trace = NoTrace;
                    let mut r = Reader::new(frame, start, bytes.len(), &mut trace);
                    match read_properties(&mut r, PropertyContext::Packet(PacketType::Publish)) {
                        Ok(list) => properties = list,
                        Err(error) => return Some(Err(error)),
                    }
                    rest = &bytes[r.position()..];
                }
            }
        }
        let topic_start = bytes.len() - after_len.len();
        let payload_start = bytes.len() - rest.len();
        // SAFETY: `is_plain_topic_name` checked that every byte of the topic
        // is in 0x01..=0x7F: ASCII, hence well-formed UTF-8.
        let topic = unsafe {
            ByteString::from_bytes_unchecked(frame.slice(topic_start..topic_start + topic_len))
        };
        Some(Ok(Publish::from_wire(
            flags,
            topic,
            packet_id,
            properties,
            frame.slice(payload_start..),
        )))
    }

    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize> {
        if self.qos == QoS::AtMostOnce {
            if self.dup {
                return Err(CodecError::DupWithQos0);
            }
            if self.packet_id != 0 {
                return Err(CodecError::PacketIdentifierWithQos0 {
                    packet_id: self.packet_id,
                });
            }
        } else {
            check_packet_id(self.packet_id, PacketType::Publish)?;
        }
        writer::check_len("Topic Name", self.topic.len())?;
        check_topic(&self.topic, &self.properties, version)?;
        let mut len = 2 + self.topic.len();
        if self.qos != QoS::AtMostOnce {
            len += 2;
        }
        len += properties_len(
            &self.properties,
            PropertyContext::Packet(PacketType::Publish),
            version,
        )?;
        Ok(len + self.payload.len())
    }

    pub(super) fn write_body(&self, version: ProtocolVersion, out: &mut BytesMut) {
        writer::put_binary(out, self.topic.as_bytes());
        if self.qos != QoS::AtMostOnce {
            writer::put_u16(out, self.packet_id);
        }
        write_properties(&self.properties, version, out);
        writer::put(out, &self.payload);
    }
}

/// A topic name is valid [MQTT-3.3.2-2] [MQTT-4.7.3-1], or empty with a Topic
/// Alias in MQTT 5.
fn check_topic(topic: &str, properties: &Properties, version: ProtocolVersion) -> Result<()> {
    if topic.is_empty() && version == ProtocolVersion::V5 {
        return match properties.topic_alias() {
            Some(_) => Ok(()),
            None => Err(CodecError::EmptyTopicWithoutAlias),
        };
    }
    topic::validate_topic_name(topic).map_err(|error| CodecError::Topic {
        field: "Topic Name",
        error,
    })
}
