//! PUBACK, PUBREC, PUBREL and PUBCOMP (sections 3.4–3.7): the acknowledgments
//! of QoS 1 and QoS 2 deliveries, which share one shape.

use bytes::BytesMut;

use super::{
    ProtocolVersion, check_packet_id, check_reason_code, properties_len, read_packet_id,
    read_reason_code, write_properties,
};
use crate::proto::codec::properties::read_properties;
use crate::proto::codec::reader::Result;
use crate::proto::codec::{CodecError, Properties, PropertyContext, Reader, Trace, writer};
use crate::proto::{PacketType, ReasonCode};

/// The body of PUBACK, PUBREC, PUBREL or PUBCOMP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PubResponse {
    /// The Packet Identifier of the PUBLISH being acknowledged.
    pub packet_id: u16,
    /// The reason code (always Success in MQTT 3.1.1).
    pub reason_code: ReasonCode,
    /// Properties (MQTT 5).
    pub properties: Properties,
}

impl PubResponse {
    /// A successful acknowledgment without properties.
    pub fn new(packet_id: u16) -> PubResponse {
        PubResponse {
            packet_id,
            reason_code: ReasonCode::Success,
            properties: Properties::new(),
        }
    }

    pub(super) fn decode<T: Trace>(
        r: &mut Reader<'_, T>,
        packet: PacketType,
        version: ProtocolVersion,
    ) -> Result<PubResponse> {
        let packet_id = read_packet_id(r, packet)?;
        let mut response = PubResponse::new(packet_id);
        // MQTT 5: the Reason Code and the Property Length may be left out when
        // the Remaining Length says so (3.4.2.1).
        if version == ProtocolVersion::V5 && !r.is_empty() {
            response.reason_code = read_reason_code(r, packet, "Reason Code")?;
            if !r.is_empty() {
                response.properties = read_properties(r, PropertyContext::Packet(packet))?;
            }
        }
        Ok(response)
    }

    pub(super) fn body_len(&self, packet: PacketType, version: ProtocolVersion) -> Result<usize> {
        check_packet_id(self.packet_id, packet)?;
        check_reason_code(self.reason_code, packet)?;
        match version {
            ProtocolVersion::V311 => {
                if self.reason_code != ReasonCode::Success {
                    return Err(CodecError::NotInMqtt311 {
                        feature: "reason code in acknowledgments",
                    });
                }
                properties_len(&self.properties, PropertyContext::Packet(packet), version)?;
                Ok(2)
            }
            ProtocolVersion::V5 => {
                let props =
                    properties_len(&self.properties, PropertyContext::Packet(packet), version)?;
                Ok(match (self.reason_code, self.properties.is_empty()) {
                    (ReasonCode::Success, true) => 2,
                    (_, true) => 3,
                    (_, false) => 3 + props,
                })
            }
        }
    }

    pub(super) fn write_body(&self, version: ProtocolVersion, out: &mut BytesMut) {
        writer::put_u16(out, self.packet_id);
        if version == ProtocolVersion::V311 {
            return;
        }
        if self.reason_code != ReasonCode::Success || !self.properties.is_empty() {
            writer::put_u8(out, self.reason_code.to_u8());
        }
        if !self.properties.is_empty() {
            write_properties(&self.properties, version, out);
        }
    }
}
