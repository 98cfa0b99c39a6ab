//! The control packets of MQTT 5.0 and 3.1.1, each encoded and decoded.
//!
//! [`Packet::decode`] reads one whole packet (fixed header included);
//! [`Packet::encode`] writes one, after checking every rule that applies and,
//! when given, the receiver's Maximum Packet Size — before writing a byte.

mod auth;
mod connack;
mod connect;
mod disconnect;
mod pub_ack;
mod publish;
mod reason_and_properties;
mod suback;
mod subscribe;
mod unsuback;
mod unsubscribe;

use bytes::{Bytes, BytesMut};

pub use auth::Auth;
pub use connack::ConnAck;
pub use connect::{Connect, Will};
pub use disconnect::Disconnect;
pub use pub_ack::PubResponse;
pub use publish::Publish;
pub use suback::SubAck;
pub use subscribe::{RetainHandling, Subscribe, SubscribeFilter, SubscriptionOptions};
pub use unsuback::UnsubAck;
pub use unsubscribe::Unsubscribe;

use crate::proto::codec::reader::Result;
use crate::proto::codec::{CodecError, NoTrace, PropertyContext, Reader, Trace, varint, writer};
use crate::proto::{PacketType, ReasonCode};

/// The version of the protocol spoken on a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProtocolVersion {
    /// MQTT 3.1.1 (protocol level 4).
    V311,
    /// MQTT 5.0 (protocol level 5).
    V5,
}

impl ProtocolVersion {
    /// The Protocol Version byte of CONNECT.
    pub fn level(self) -> u8 {
        match self {
            ProtocolVersion::V311 => 4,
            ProtocolVersion::V5 => 5,
        }
    }

    /// The version for a Protocol Version byte, if supported.
    pub fn from_level(level: u8) -> Option<ProtocolVersion> {
        match level {
            4 => Some(ProtocolVersion::V311),
            5 => Some(ProtocolVersion::V5),
            _ => None,
        }
    }

    /// How people write it: `3.1.1` or `5.0`.
    pub fn name(self) -> &'static str {
        match self {
            ProtocolVersion::V311 => "3.1.1",
            ProtocolVersion::V5 => "5.0",
        }
    }
}

/// Quality of service of a message delivery.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum QoS {
    /// QoS 0: at most once, no acknowledgment.
    #[default]
    AtMostOnce = 0,
    /// QoS 1: at least once, acknowledged by PUBACK.
    AtLeastOnce = 1,
    /// QoS 2: exactly once, through PUBREC, PUBREL and PUBCOMP.
    ExactlyOnce = 2,
}

impl QoS {
    /// The QoS for 0, 1 or 2.
    pub fn from_u8(value: u8) -> Option<QoS> {
        match value {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }

    /// 0, 1 or 2.
    pub fn to_u8(self) -> u8 {
        self as u8
    }
}

/// One MQTT control packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packet {
    /// CONNECT.
    Connect(Connect),
    /// CONNACK.
    ConnAck(ConnAck),
    /// PUBLISH.
    Publish(Publish),
    /// PUBACK.
    PubAck(PubResponse),
    /// PUBREC.
    PubRec(PubResponse),
    /// PUBREL.
    PubRel(PubResponse),
    /// PUBCOMP.
    PubComp(PubResponse),
    /// SUBSCRIBE.
    Subscribe(Subscribe),
    /// SUBACK.
    SubAck(SubAck),
    /// UNSUBSCRIBE.
    Unsubscribe(Unsubscribe),
    /// UNSUBACK.
    UnsubAck(UnsubAck),
    /// PINGREQ.
    PingReq,
    /// PINGRESP.
    PingResp,
    /// DISCONNECT.
    Disconnect(Disconnect),
    /// AUTH (MQTT 5 only).
    Auth(Auth),
}

impl Packet {
    /// The type of this packet.
    pub fn packet_type(&self) -> PacketType {
        match self {
            Packet::Connect(_) => PacketType::Connect,
            Packet::ConnAck(_) => PacketType::ConnAck,
            Packet::Publish(_) => PacketType::Publish,
            Packet::PubAck(_) => PacketType::PubAck,
            Packet::PubRec(_) => PacketType::PubRec,
            Packet::PubRel(_) => PacketType::PubRel,
            Packet::PubComp(_) => PacketType::PubComp,
            Packet::Subscribe(_) => PacketType::Subscribe,
            Packet::SubAck(_) => PacketType::SubAck,
            Packet::Unsubscribe(_) => PacketType::Unsubscribe,
            Packet::UnsubAck(_) => PacketType::UnsubAck,
            Packet::PingReq => PacketType::PingReq,
            Packet::PingResp => PacketType::PingResp,
            Packet::Disconnect(_) => PacketType::Disconnect,
            Packet::Auth(_) => PacketType::Auth,
        }
    }

    /// Decode one whole packet, fixed header included. `frame` must hold exactly
    /// the packet (see [`crate::proto::decoder`] to cut a stream into packets).
    /// `version` is the connection's version; CONNECT carries its own.
    #[inline]
    pub fn decode(frame: &Bytes, version: ProtocolVersion) -> Result<Packet> {
        // Most packets are PUBLISH: those take a direct path when they can.
        match Publish::decode_plain(frame, version) {
            Some(publish) => publish.map(Packet::Publish),
            None => decode_traced(frame, version, &mut NoTrace),
        }
    }

    /// Check every rule that applies and return the length of the variable
    /// header and payload (the Remaining Length).
    fn body_len(&self, version: ProtocolVersion) -> Result<usize> {
        let version = self.effective_version(version);
        match self {
            Packet::Connect(p) => p.body_len(),
            Packet::ConnAck(p) => p.body_len(version),
            Packet::Publish(p) => p.body_len(version),
            Packet::PubAck(p) | Packet::PubRec(p) | Packet::PubRel(p) | Packet::PubComp(p) => {
                p.body_len(self.packet_type(), version)
            }
            Packet::Subscribe(p) => p.body_len(version),
            Packet::SubAck(p) => p.body_len(version),
            Packet::Unsubscribe(p) => p.body_len(version),
            Packet::UnsubAck(p) => p.body_len(version),
            Packet::PingReq | Packet::PingResp => Ok(0),
            Packet::Disconnect(p) => p.body_len(version),
            Packet::Auth(p) => p.body_len(version),
        }
    }

    fn write_body(&self, version: ProtocolVersion, out: &mut BytesMut) {
        let version = self.effective_version(version);
        match self {
            Packet::Connect(p) => p.write_body(out),
            Packet::ConnAck(p) => p.write_body(version, out),
            Packet::Publish(p) => p.write_body(version, out),
            Packet::PubAck(p) | Packet::PubRec(p) | Packet::PubRel(p) | Packet::PubComp(p) => {
                p.write_body(version, out)
            }
            Packet::Subscribe(p) => p.write_body(version, out),
            Packet::SubAck(p) => p.write_body(version, out),
            Packet::Unsubscribe(p) => p.write_body(version, out),
            Packet::UnsubAck(p) => p.write_body(version, out),
            Packet::PingReq | Packet::PingResp => {}
            Packet::Disconnect(p) => p.write_body(version, out),
            Packet::Auth(p) => p.write_body(out),
        }
    }

    /// CONNECT is written in the version it names; every other packet in the
    /// connection's version.
    fn effective_version(&self, version: ProtocolVersion) -> ProtocolVersion {
        match self {
            Packet::Connect(connect) => connect.protocol_version,
            _ => version,
        }
    }

    fn fixed_header_flags(&self) -> u8 {
        match self {
            Packet::Publish(p) => p.flags(),
            other => other.packet_type().required_flags().unwrap_or(0),
        }
    }

    /// The size of the whole encoded packet in bytes, after checking every rule.
    pub fn encoded_len(&self, version: ProtocolVersion) -> Result<usize> {
        let body = self.body_len(version)?;
        let remaining = varint::check(body)?;
        Ok(1 + varint::len(remaining) + body)
    }

    /// Encode the packet at the end of `out` and return its size.
    ///
    /// Every rule that applies is checked first; a packet larger than
    /// `max_packet_size` (the receiver's Maximum Packet Size) is refused. On an
    /// error nothing is written.
    pub fn encode(
        &self,
        version: ProtocolVersion,
        max_packet_size: Option<u32>,
        out: &mut BytesMut,
    ) -> Result<usize> {
        let body = self.body_len(version)?;
        let remaining = varint::check(body)?;
        let total = 1 + varint::len(remaining) + body;
        if let Some(limit) = max_packet_size
            && total as u64 > u64::from(limit)
        {
            return Err(CodecError::PacketTooLarge {
                size: total as u64,
                limit,
            });
        }
        out.reserve(total);
        let start = out.len();
        writer::put_u8(
            out,
            self.packet_type().to_u8() << 4 | self.fixed_header_flags(),
        );
        varint::put(out, remaining);
        self.write_body(version, out);
        debug_assert_eq!(out.len() - start, total, "{:?}", self.packet_type());
        Ok(total)
    }

    /// Encode the packet into new bytes.
    pub fn to_bytes(&self, version: ProtocolVersion) -> Result<Bytes> {
        let mut out = BytesMut::new();
        self.encode(version, None, &mut out)?;
        Ok(out.freeze())
    }
}

/// Decode one whole packet while reporting every field to `trace`.
pub fn decode_traced<T: Trace>(
    frame: &Bytes,
    version: ProtocolVersion,
    trace: &mut T,
) -> Result<Packet> {
    let mut r = Reader::new(frame, 0, frame.len(), trace);
    let first = r.raw_u8("Packet Type")?;
    let type_value = first >> 4;
    let flags = first & 0x0F;
    let packet_type = match PacketType::from_u8(type_value) {
        Some(PacketType::Auth) if version == ProtocolVersion::V311 => None,
        other => other,
    };
    r.record(0, "Packet Type", || match packet_type {
        Some(t) => format!("{type_value} ({t})"),
        None => format!("{type_value} (reserved)"),
    });
    let Some(packet_type) = packet_type else {
        return Err(r.fail_at(0, CodecError::ReservedPacketType { value: type_value }));
    };
    r.record(0, "Flags", || describe_flags(packet_type, flags));
    check_flags(&mut r, packet_type, flags)?;
    let remaining = r.varint("Remaining Length")? as usize;
    // A frame cut short (only the inspector sees those) is read as far as it goes.
    let end = (r.position() + remaining).min(frame.len());
    r.restore_end(end);

    let packet = match packet_type {
        PacketType::Connect => Packet::Connect(Connect::decode(&mut r)?),
        PacketType::ConnAck => Packet::ConnAck(ConnAck::decode(&mut r, version)?),
        PacketType::Publish => Packet::Publish(Publish::decode(&mut r, flags, version)?),
        PacketType::PubAck => Packet::PubAck(PubResponse::decode(&mut r, packet_type, version)?),
        PacketType::PubRec => Packet::PubRec(PubResponse::decode(&mut r, packet_type, version)?),
        PacketType::PubRel => Packet::PubRel(PubResponse::decode(&mut r, packet_type, version)?),
        PacketType::PubComp => Packet::PubComp(PubResponse::decode(&mut r, packet_type, version)?),
        PacketType::Subscribe => Packet::Subscribe(Subscribe::decode(&mut r, version)?),
        PacketType::SubAck => Packet::SubAck(SubAck::decode(&mut r, version)?),
        PacketType::Unsubscribe => Packet::Unsubscribe(Unsubscribe::decode(&mut r, version)?),
        PacketType::UnsubAck => Packet::UnsubAck(UnsubAck::decode(&mut r, version)?),
        PacketType::PingReq => Packet::PingReq,
        PacketType::PingResp => Packet::PingResp,
        PacketType::Disconnect => Packet::Disconnect(Disconnect::decode(&mut r, version)?),
        PacketType::Auth => Packet::Auth(Auth::decode(&mut r)?),
    };
    finish(&mut r, packet_type)?;
    Ok(packet)
}

fn check_flags<T: Trace>(r: &mut Reader<'_, T>, packet_type: PacketType, flags: u8) -> Result<()> {
    match packet_type.required_flags() {
        Some(required) if flags != required => Err(r.fail_at(
            0,
            CodecError::InvalidFixedHeaderFlags {
                packet: packet_type,
                flags,
                required,
            },
        )),
        Some(_) => Ok(()),
        None => {
            let qos = (flags >> 1) & 0b11;
            if qos == 3 {
                // [MQTT-3.3.1-4]
                return Err(r.fail_at(
                    0,
                    CodecError::InvalidQos {
                        field: "PUBLISH QoS",
                    },
                ));
            }
            if qos == 0 && flags & 0b1000 != 0 {
                // [MQTT-3.3.1-2]
                return Err(r.fail_at(0, CodecError::DupWithQos0));
            }
            Ok(())
        }
    }
}

fn describe_flags(packet_type: PacketType, flags: u8) -> String {
    if packet_type == PacketType::Publish {
        format!(
            "{flags:04b} (DUP {}, QoS {}, RETAIN {})",
            flags >> 3,
            (flags >> 1) & 0b11,
            flags & 1
        )
    } else {
        format!("{flags:04b}")
    }
}

/// Every byte of the packet must have been read.
fn finish<T: Trace>(r: &mut Reader<'_, T>, packet: PacketType) -> Result<()> {
    if r.is_empty() {
        Ok(())
    } else {
        let count = r.remaining();
        Err(r.fail(CodecError::TrailingBytes { packet, count }))
    }
}

/// Read a packet identifier and check that it is not 0 [MQTT-2.2.1-3].
fn read_packet_id<T: Trace>(r: &mut Reader<'_, T>, packet: PacketType) -> Result<u16> {
    let start = r.position();
    let id = r.u16("Packet Identifier")?;
    if id == 0 {
        return Err(r.fail_at(start, CodecError::PacketIdentifierZero { packet }));
    }
    Ok(id)
}

/// Check that a packet identifier about to be written is not 0 [MQTT-2.2.1-3].
fn check_packet_id(id: u16, packet: PacketType) -> Result<()> {
    if id == 0 {
        return Err(CodecError::PacketIdentifierZero { packet });
    }
    Ok(())
}

/// Read a reason code and check that `packet` may carry it.
fn read_reason_code<T: Trace>(
    r: &mut Reader<'_, T>,
    packet: PacketType,
    field: &'static str,
) -> Result<ReasonCode> {
    let start = r.position();
    let code = r.raw_u8(field)?;
    match ReasonCode::from_u8(code).filter(|c| c.is_valid_for(packet)) {
        Some(reason) => {
            r.record(start, field, || {
                format!("0x{code:02X} ({})", reason.name_in(packet))
            });
            Ok(reason)
        }
        None => {
            r.record(start, field, || format!("0x{code:02X} (not valid here)"));
            Err(r.fail_at(start, CodecError::InvalidReasonCode { packet, code }))
        }
    }
}

/// Check that `packet` may carry `reason`.
fn check_reason_code(reason: ReasonCode, packet: PacketType) -> Result<()> {
    if reason.is_valid_for(packet) {
        Ok(())
    } else {
        Err(CodecError::InvalidReasonCode {
            packet,
            code: reason.to_u8(),
        })
    }
}

/// In MQTT 3.1.1 a packet has no properties; in MQTT 5 they are checked for
/// `context`. Returns the encoded size with the Property Length field (0 for 3.1.1).
fn properties_len(
    properties: &crate::proto::codec::Properties,
    context: PropertyContext,
    version: ProtocolVersion,
) -> Result<usize> {
    match version {
        ProtocolVersion::V311 if properties.is_empty() => Ok(0),
        ProtocolVersion::V311 => Err(CodecError::NotInMqtt311 {
            feature: "properties",
        }),
        ProtocolVersion::V5 => {
            properties.validate(context)?;
            let len = properties.encoded_len();
            Ok(varint::len(varint::check(len)?) + len)
        }
    }
}

/// Write the properties in MQTT 5; nothing in MQTT 3.1.1.
fn write_properties(
    properties: &crate::proto::codec::Properties,
    version: ProtocolVersion,
    out: &mut BytesMut,
) {
    if version == ProtocolVersion::V5 {
        properties.write(out, properties.encoded_len());
    }
}

#[cfg(test)]
mod tests;

/// Check a UTF-8 Encoded String about to be written and return its size with
/// the length prefix.
fn string_len(field: &'static str, value: &str) -> Result<usize> {
    crate::proto::codec::writer::check_string(field, value)?;
    Ok(2 + value.len())
}
