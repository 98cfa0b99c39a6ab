//! DISCONNECT (section 3.14): the end of a connection, from either side.

use bytes::BytesMut;

use super::{ProtocolVersion, reason_and_properties};
use crate::proto::codec::reader::Result;
use crate::proto::codec::{CodecError, Properties, Reader, Trace};
use crate::proto::{PacketType, ReasonCode};

/// A DISCONNECT packet. MQTT 3.1.1 has no body: Normal disconnection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disconnect {
    /// Why the connection ends.
    pub reason_code: ReasonCode,
    /// DISCONNECT properties (MQTT 5).
    pub properties: Properties,
}

impl Disconnect {
    /// A DISCONNECT with this reason code and no properties.
    pub fn new(reason_code: ReasonCode) -> Disconnect {
        Disconnect {
            reason_code,
            properties: Properties::new(),
        }
    }

    pub(super) fn decode<T: Trace>(
        r: &mut Reader<'_, T>,
        version: ProtocolVersion,
    ) -> Result<Disconnect> {
        let (reason_code, properties) = match version {
            ProtocolVersion::V5 => reason_and_properties::read(r, PacketType::Disconnect)?,
            ProtocolVersion::V311 => (ReasonCode::Success, Properties::new()),
        };
        Ok(Disconnect {
            reason_code,
            properties,
        })
    }

    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize> {
        match version {
            ProtocolVersion::V5 => reason_and_properties::len(
                self.reason_code,
                &self.properties,
                PacketType::Disconnect,
            ),
            ProtocolVersion::V311
                if self.reason_code == ReasonCode::Success && self.properties.is_empty() =>
            {
                Ok(0)
            }
            ProtocolVersion::V311 => Err(CodecError::NotInMqtt311 {
                feature: "DISCONNECT reason code or properties",
            }),
        }
    }

    pub(super) fn write_body(&self, version: ProtocolVersion, out: &mut BytesMut) {
        if version == ProtocolVersion::V5 {
            reason_and_properties::write(self.reason_code, &self.properties, out);
        }
    }
}
