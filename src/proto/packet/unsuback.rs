//! UNSUBACK (section 3.11): the result of each topic filter of an UNSUBSCRIBE.

use bytes::{BufMut, BytesMut};

use super::{
    ProtocolVersion, check_packet_id, check_reason_code, properties_len, read_packet_id,
    read_reason_code, write_properties,
};
use crate::proto::codec::properties::read_properties;
use crate::proto::codec::reader::Result;
use crate::proto::codec::{CodecError, Properties, PropertyContext, Reader, Trace};
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
        out.put_u16(self.packet_id);
        write_properties(&self.properties, version, out);
        for &code in &self.reason_codes {
            out.put_u8(code.to_u8());
        }
    }
}
