//! UNSUBACK (section 3.11): the result of each topic filter of an UNSUBSCRIBE.

use bytes::BytesMut;

use super::{
    ProtocolVersion, check_packet_id, check_reason_code, properties_len, read_packet_id,
    read_reason_code, write_properties,
};
use crate::proto::codec::properties::read_properties;
use crate::proto::codec::reader::Result;
use crate::proto::codec::{CodecError, Properties, PropertyContext, Reader, Trace, writer};
use crate::proto::{PacketType, ReasonCode};

/// An UNSUBACK packet. MQTT 3.1.1 has no reason codes: the list is empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsubAck {
    /// The Packet Identifier of the UNSUBSCRIBE.
    pub packet_id: u16,
    /// UNSUBACK properties (MQTT 5).
    pub properties: Properties,
    /// One result per topic filter (MQTT 5).
    pub reason_codes: Vec<ReasonCode>,
}

impl UnsubAck {
    pub(super) fn decode<T: Trace>(
        r: &mut Reader<'_, T>,
        version: ProtocolVersion,
    ) -> Result<UnsubAck> {
        let packet_id = read_packet_id(r, PacketType::UnsubAck)?;
        let mut ack = UnsubAck {
            packet_id,
            properties: Properties::new(),
            reason_codes: Vec::new(),
        };
        if version == ProtocolVersion::V5 {
            ack.properties = read_properties(r, PropertyContext::Packet(PacketType::UnsubAck))?;
            ack.reason_codes.reserve(r.remaining());
            if !T::ENABLED {
                // Every valid code in one pass; the loop below takes over at
                // the first invalid one, to report it.
                let mut valid = 0;
                for &byte in r.peek_rest() {
                    match ReasonCode::from_u8(byte) {
                        Some(code) if code.is_valid_for(PacketType::UnsubAck) => {
                            ack.reason_codes.push(code);
                        }
                        _ => break,
                    }
                    valid += 1;
                }
                r.skip(valid);
            }
            while !r.is_empty() {
                ack.reason_codes
                    .push(read_reason_code(r, PacketType::UnsubAck, "Reason Code")?);
            }
            if ack.reason_codes.is_empty() {
                return Err(r.fail(CodecError::NoReasonCodes {
                    packet: PacketType::UnsubAck,
                }));
            }
        }
        Ok(ack)
    }

    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize> {
        check_packet_id(self.packet_id, PacketType::UnsubAck)?;
        if version == ProtocolVersion::V311 && !self.reason_codes.is_empty() {
            return Err(CodecError::NotInMqtt311 {
                feature: "UNSUBACK reason codes",
            });
        }
        if version == ProtocolVersion::V5 && self.reason_codes.is_empty() {
            return Err(CodecError::NoReasonCodes {
                packet: PacketType::UnsubAck,
            });
        }
        for &code in &self.reason_codes {
            check_reason_code(code, PacketType::UnsubAck)?;
        }
        let props = properties_len(
            &self.properties,
            PropertyContext::Packet(PacketType::UnsubAck),
            version,
        )?;
        Ok(2 + props + self.reason_codes.len())
    }

    pub(super) fn write_body(&self, version: ProtocolVersion, out: &mut BytesMut) {
        writer::put_u16(out, self.packet_id);
        write_properties(&self.properties, version, out);
        // All the codes at once: one `put_u8` each would copy byte by byte.
        let start = out.len();
        out.resize(start + self.reason_codes.len(), 0);
        for (byte, &code) in out[start..].iter_mut().zip(&self.reason_codes) {
            *byte = code.to_u8();
        }
    }
}
