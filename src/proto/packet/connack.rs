//! CONNACK (section 3.2): the server's answer to CONNECT.

use bytes::BytesMut;

use super::{
    ProtocolVersion, check_reason_code, properties_len, read_reason_code, write_properties,
};
use crate::proto::codec::properties::read_properties;
use crate::proto::codec::reader::Result;
use crate::proto::codec::{CodecError, Properties, PropertyContext, Reader, Trace, writer};
use crate::proto::{PacketType, ReasonCode};

/// A CONNACK packet. In MQTT 3.1.1 the Connect Return Code is mapped to the
/// MQTT 5 reason code with the same meaning (1 → 0x84, 2 → 0x85, 3 → 0x88,
/// 4 → 0x86, 5 → 0x87).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnAck {
    /// Session Present.
    pub session_present: bool,
    /// Connect Reason Code (or the mapped 3.1.1 Connect Return Code).
    pub reason_code: ReasonCode,
    /// CONNACK properties (MQTT 5).
    pub properties: Properties,
}

impl ConnAck {
    /// A successful CONNACK without properties.
    pub fn new(session_present: bool, reason_code: ReasonCode) -> ConnAck {
        ConnAck {
            session_present,
            reason_code,
            properties: Properties::new(),
        }
    }

    pub(super) fn decode<T: Trace>(
        r: &mut Reader<'_, T>,
        version: ProtocolVersion,
    ) -> Result<ConnAck> {
        let start = r.position();
        let flags = r.u8("Connect Acknowledge Flags")?;
        if flags & 0b1111_1110 != 0 {
            // [MQTT-3.2.2-1]
            return Err(r.fail_at(start, CodecError::ConnAckReservedFlags));
        }
        let session_present = flags & 1 != 0;
        let start = r.position();
        let reason_code = match version {
            ProtocolVersion::V5 => read_reason_code(r, PacketType::ConnAck, "Connect Reason Code")?,
            ProtocolVersion::V311 => {
                let code = r.raw_u8("Connect Return Code")?;
                let Some(reason) = ReasonCode::from_v311_connack(code) else {
                    return Err(r.fail_at(
                        start,
                        CodecError::InvalidReasonCode {
                            packet: PacketType::ConnAck,
                            code,
                        },
                    ));
                };
                r.record(start, "Connect Return Code", || {
                    format!(
                        "{code} ({})",
                        ReasonCode::v311_connack_name(code).unwrap_or_default()
                    )
                });
                reason
            }
        };
        if session_present && reason_code.is_error() {
            // [MQTT-3.2.2-6] (MQTT 3.1.1: [MQTT-3.2.2-4])
            return Err(r.fail_at(start, CodecError::SessionPresentOnRefusal));
        }
        let properties = match version {
            ProtocolVersion::V5 => {
                read_properties(r, PropertyContext::Packet(PacketType::ConnAck))?
            }
            ProtocolVersion::V311 => Properties::new(),
        };
        Ok(ConnAck {
            session_present,
            reason_code,
            properties,
        })
    }

    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize> {
        check_reason_code(self.reason_code, PacketType::ConnAck)?;
        if version == ProtocolVersion::V311 && self.reason_code.to_v311_connack().is_none() {
            return Err(CodecError::NotInMqtt311 {
                feature: "CONNACK reason code of this kind",
            });
        }
        if self.session_present && self.reason_code.is_error() {
            return Err(CodecError::SessionPresentOnRefusal);
        }
        let props = properties_len(
            &self.properties,
            PropertyContext::Packet(PacketType::ConnAck),
            version,
        )?;
        Ok(2 + props)
    }

    pub(super) fn write_body(&self, version: ProtocolVersion, out: &mut BytesMut) {
        writer::put_u8(out, u8::from(self.session_present));
        let code = match version {
            ProtocolVersion::V5 => self.reason_code.to_u8(),
            ProtocolVersion::V311 => self.reason_code.to_v311_connack().unwrap_or(0x80),
        };
        writer::put_u8(out, code);
        write_properties(&self.properties, version, out);
    }
}
