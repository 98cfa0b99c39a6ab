//! CONNECT (section 3.1): the first packet a client sends.

use bytes::{Bytes, BytesMut};
use bytestring::ByteString;

use super::{ProtocolVersion, QoS, properties_len, string_len, write_properties};
use crate::proto::codec::properties::read_properties;
use crate::proto::codec::reader::Result;
use crate::proto::codec::{CodecError, Properties, PropertyContext, Reader, Trace, writer};
use crate::proto::{PacketType, topic};

/// A CONNECT packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connect {
    /// The protocol version the client speaks (Protocol Version 4 or 5).
    pub protocol_version: ProtocolVersion,
    /// Clean Start (MQTT 5) or Clean Session (MQTT 3.1.1).
    pub clean_start: bool,
    /// Keep Alive in seconds; 0 switches keep alive off.
    pub keep_alive_secs: u16,
    /// CONNECT properties (MQTT 5).
    pub properties: Properties,
    /// Client Identifier; may be empty to let the server assign one.
    pub client_id: ByteString,
    /// The will message, if any.
    pub will: Option<Will>,
    /// User Name.
    pub user_name: Option<ByteString>,
    /// Password (binary data).
    pub password: Option<Bytes>,
}

/// The will message of a CONNECT: published by the server when the connection
/// ends without a normal DISCONNECT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Will {
    /// Will Topic.
    pub topic: ByteString,
    /// Will Payload.
    pub payload: Bytes,
    /// Will QoS.
    pub qos: QoS,
    /// Will Retain.
    pub retain: bool,
    /// Will Properties (MQTT 5).
    pub properties: Properties,
}

const PROTOCOL_NAME: &str = "MQTT";

mod flag {
    pub const RESERVED: u8 = 0b0000_0001;
    pub const CLEAN_START: u8 = 0b0000_0010;
    pub const WILL: u8 = 0b0000_0100;
    pub const WILL_QOS_SHIFT: u8 = 3;
    pub const WILL_RETAIN: u8 = 0b0010_0000;
    pub const PASSWORD: u8 = 0b0100_0000;
    pub const USER_NAME: u8 = 0b1000_0000;
}

impl Connect {
    /// A CONNECT with Clean Start, no keep alive, no will and no credentials.
    pub fn new(protocol_version: ProtocolVersion, client_id: impl Into<ByteString>) -> Connect {
        Connect {
            protocol_version,
            clean_start: true,
            keep_alive_secs: 0,
            properties: Properties::new(),
            client_id: client_id.into(),
            will: None,
            user_name: None,
            password: None,
        }
    }

    pub(super) fn decode<T: Trace>(r: &mut Reader<'_, T>) -> Result<Connect> {
        let protocol_version = read_protocol(r)?;
        let flags = read_flags(r, protocol_version)?;
        let keep_alive_secs = r.u16("Keep Alive")?;
        let properties = match protocol_version {
            ProtocolVersion::V5 => {
                read_properties(r, PropertyContext::Packet(PacketType::Connect))?
            }
            ProtocolVersion::V311 => Properties::new(),
        };
        let client_id = r.string("Client Identifier")?;
        let will = match flags.will {
            Some((qos, retain)) => Some(read_will(r, protocol_version, qos, retain)?),
            None => None,
        };
        let user_name = if flags.user_name {
            Some(r.string("User Name")?)
        } else {
            None
        };
        let password = if flags.password {
            Some(r.secret("Password")?)
        } else {
            None
        };
        Ok(Connect {
            protocol_version,
            clean_start: flags.clean_start,
            keep_alive_secs,
            properties,
            client_id,
            will,
            user_name,
            password,
        })
    }

    fn flags(&self) -> u8 {
        let mut flags = 0;
        if self.clean_start {
            flags |= flag::CLEAN_START;
        }
        if let Some(will) = &self.will {
            flags |= flag::WILL | (will.qos.to_u8() << flag::WILL_QOS_SHIFT);
            if will.retain {
                flags |= flag::WILL_RETAIN;
            }
        }
        if self.user_name.is_some() {
            flags |= flag::USER_NAME;
        }
        if self.password.is_some() {
            flags |= flag::PASSWORD;
        }
        flags
    }

    pub(super) fn body_len(&self) -> Result<usize> {
        let version = self.protocol_version;
        if version == ProtocolVersion::V311 && self.password.is_some() && self.user_name.is_none() {
            return Err(CodecError::PasswordWithoutUserName);
        }
        let mut len = 2 + PROTOCOL_NAME.len() + 1 + 1 + 2;
        len += properties_len(
            &self.properties,
            PropertyContext::Packet(PacketType::Connect),
            version,
        )?;
        len += string_len("Client Identifier", &self.client_id)?;
        if let Some(will) = &self.will {
            len += properties_len(&will.properties, PropertyContext::Will, version)?;
            topic::validate_topic_name(&will.topic).map_err(|error| CodecError::Topic {
                field: "Will Topic",
                error,
            })?;
            len += string_len("Will Topic", &will.topic)?;
            writer::check_len("Will Payload", will.payload.len())?;
            len += 2 + will.payload.len();
        }
        if let Some(user_name) = &self.user_name {
            len += string_len("User Name", user_name)?;
        }
        if let Some(password) = &self.password {
            writer::check_len("Password", password.len())?;
            len += 2 + password.len();
        }
        Ok(len)
    }

    pub(super) fn write_body(&self, out: &mut BytesMut) {
        let version = self.protocol_version;
        writer::put_binary(out, PROTOCOL_NAME.as_bytes());
        writer::put_u8(out, version.level());
        writer::put_u8(out, self.flags());
        writer::put_u16(out, self.keep_alive_secs);
        write_properties(&self.properties, version, out);
        writer::put_binary(out, self.client_id.as_bytes());
        if let Some(will) = &self.will {
            write_properties(&will.properties, version, out);
            writer::put_binary(out, will.topic.as_bytes());
            writer::put_binary(out, &will.payload);
        }
        if let Some(user_name) = &self.user_name {
            writer::put_binary(out, user_name.as_bytes());
        }
        if let Some(password) = &self.password {
            writer::put_binary(out, password);
        }
    }
}

fn describe_connect_flags(flags: u8) -> String {
    let bit = |mask: u8| u8::from(flags & mask != 0);
    format!(
        "{flags:08b} (User Name {}, Password {}, Will Retain {}, Will QoS {}, Will {}, Clean Start {}, Reserved {})",
        bit(flag::USER_NAME),
        bit(flag::PASSWORD),
        bit(flag::WILL_RETAIN),
        (flags >> flag::WILL_QOS_SHIFT) & 0b11,
        bit(flag::WILL),
        bit(flag::CLEAN_START),
        bit(flag::RESERVED),
    )
}

/// What the Connect Flags byte says, once checked.
struct ConnectFlags {
    clean_start: bool,
    /// The will's QoS and retain flag, when there is a will.
    will: Option<(QoS, bool)>,
    user_name: bool,
    password: bool,
}

/// The Protocol Name and Protocol Version.
fn read_protocol<T: Trace>(r: &mut Reader<'_, T>) -> Result<ProtocolVersion> {
    let start = r.position();
    let name = r.string("Protocol Name")?;
    if &*name != PROTOCOL_NAME {
        // [MQTT-3.1.2-1]
        return Err(r.fail_at(
            start,
            CodecError::InvalidProtocolName {
                name: name.to_string(),
            },
        ));
    }
    let start = r.position();
    let level = r.u8("Protocol Version")?;
    ProtocolVersion::from_level(level)
        // [MQTT-3.1.2-2]
        .ok_or_else(|| r.fail_at(start, CodecError::UnsupportedProtocolLevel { level }))
}

/// The Connect Flags, with the rules between them checked.
fn read_flags<T: Trace>(r: &mut Reader<'_, T>, version: ProtocolVersion) -> Result<ConnectFlags> {
    let start = r.position();
    let flags = r.raw_u8("Connect Flags")?;
    r.record(start, "Connect Flags", || describe_connect_flags(flags));
    let has_will = flags & flag::WILL != 0;
    let will_qos = (flags >> flag::WILL_QOS_SHIFT) & 0b11;
    let will_retain = flags & flag::WILL_RETAIN != 0;
    if flags & flag::RESERVED != 0 {
        // [MQTT-3.1.2-3]
        return Err(r.fail_at(start, CodecError::ConnectReservedFlag));
    }
    if !has_will && (will_qos != 0 || will_retain) {
        // [MQTT-3.1.2-11] [MQTT-3.1.2-13]
        return Err(r.fail_at(start, CodecError::WillFlagsWithoutWill));
    }
    let Some(will_qos) = QoS::from_u8(will_qos) else {
        // [MQTT-3.1.2-12]
        return Err(r.fail_at(start, CodecError::InvalidQos { field: "Will QoS" }));
    };
    let user_name = flags & flag::USER_NAME != 0;
    let password = flags & flag::PASSWORD != 0;
    if version == ProtocolVersion::V311 && password && !user_name {
        // [MQTT-3.1.2-22] (MQTT 3.1.1)
        return Err(r.fail_at(start, CodecError::PasswordWithoutUserName));
    }
    Ok(ConnectFlags {
        clean_start: flags & flag::CLEAN_START != 0,
        will: has_will.then_some((will_qos, will_retain)),
        user_name,
        password,
    })
}

/// The will's properties, topic and payload.
fn read_will<T: Trace>(
    r: &mut Reader<'_, T>,
    version: ProtocolVersion,
    qos: QoS,
    retain: bool,
) -> Result<Will> {
    let properties = match version {
        ProtocolVersion::V5 => read_properties(r, PropertyContext::Will)?,
        ProtocolVersion::V311 => Properties::new(),
    };
    let start = r.position();
    let topic = r.string("Will Topic")?;
    if let Err(error) = topic::validate_topic_name(&topic) {
        return Err(r.fail_at(
            start,
            CodecError::Topic {
                field: "Will Topic",
                error,
            },
        ));
    }
    let payload = r.binary("Will Payload")?;
    Ok(Will {
        topic,
        payload,
        qos,
        retain,
        properties,
    })
}
