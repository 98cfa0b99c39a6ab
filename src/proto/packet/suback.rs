//! SUBACK (section 3.9): the result of each topic filter of a SUBSCRIBE.

use bytes::BytesMut;

use super::{
    ProtocolVersion, check_packet_id, check_reason_code, properties_len, read_packet_id,
    read_reason_code, write_properties,
};
use crate::proto::codec::properties::read_properties;
use crate::proto::codec::reader::Result;
use crate::proto::codec::{CodecError, Properties, PropertyContext, Reader, Trace, writer};
use crate::proto::{PacketType, ReasonCode};

/// A SUBACK packet. In MQTT 3.1.1 the return codes 0, 1, 2 and 0x80 are the
/// reason codes Granted QoS 0–2 and Unspecified error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubAck {
    /// The Packet Identifier of the SUBSCRIBE.
    pub packet_id: u16,
    /// SUBACK properties (MQTT 5).
    pub properties: Properties,
    /// One result per topic filter, in the order of the SUBSCRIBE.
    pub reason_codes: Vec<ReasonCode>,
}

impl SubAck {
    pub(super) fn decode<T: Trace>(
        r: &mut Reader<'_, T>,
        version: ProtocolVersion,
    ) -> Result<SubAck> {
        let packet_id = read_packet_id(r, PacketType::SubAck)?;
        let properties = match version {
            ProtocolVersion::V5 => read_properties(r, PropertyContext::Packet(PacketType::SubAck))?,
            ProtocolVersion::V311 => Properties::new(),
        };
        let mut reason_codes = Vec::with_capacity(r.remaining());
        if !T::ENABLED {
            // The common case, every code a granted QoS (0, 1 or 2 in both
            // versions), in one pass; anything else is left to the loop below.
            let codes = r.peek_rest();
            if codes.iter().all(|&code| code <= 2) {
                reason_codes.extend(codes.iter().map(|&code| match code {
                    0 => ReasonCode::Success,
                    1 => ReasonCode::GrantedQos1,
                    _ => ReasonCode::GrantedQos2,
                }));
                r.skip(codes.len());
            }
        }
        while !r.is_empty() {
            let code = match version {
                ProtocolVersion::V5 => read_reason_code(r, PacketType::SubAck, "Reason Code")?,
                ProtocolVersion::V311 => {
                    let start = r.position();
                    let code = r.raw_u8("Return Code")?;
                    let Some(reason) = ReasonCode::from_v311_suback(code) else {
                        return Err(r.fail_at(
                            start,
                            CodecError::InvalidReasonCode {
                                packet: PacketType::SubAck,
                                code,
                            },
                        ));
                    };
                    r.record(start, "Return Code", || format!("0x{code:02X}"));
                    reason
                }
            };
            reason_codes.push(code);
        }
        if reason_codes.is_empty() {
            return Err(r.fail(CodecError::NoReasonCodes {
                packet: PacketType::SubAck,
            }));
        }
        Ok(SubAck {
            packet_id,
            properties,
            reason_codes,
        })
    }

    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize> {
        check_packet_id(self.packet_id, PacketType::SubAck)?;
        if self.reason_codes.is_empty() {
            return Err(CodecError::NoReasonCodes {
                packet: PacketType::SubAck,
            });
        }
        for &code in &self.reason_codes {
            check_reason_code(code, PacketType::SubAck)?;
            if version == ProtocolVersion::V311 && code.to_v311_suback().is_none() {
                return Err(CodecError::NotInMqtt311 {
                    feature: "SUBACK reason code of this kind",
                });
            }
        }
        let props = properties_len(
            &self.properties,
            PropertyContext::Packet(PacketType::SubAck),
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
            *byte = match version {
                ProtocolVersion::V5 => code.to_u8(),
                ProtocolVersion::V311 => code.to_v311_suback().unwrap_or(0x80),
            };
        }
    }
}
