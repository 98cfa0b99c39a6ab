//! AUTH (section 3.15): a step of enhanced authentication (MQTT 5 only).

use bytes::BytesMut;

use super::reason_and_properties;
use crate::proto::codec::reader::Result;
use crate::proto::codec::{Properties, Reader, Trace};
use crate::proto::{PacketType, ReasonCode};

/// An AUTH packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Auth {
    /// Success, Continue authentication or Re-authenticate.
    pub reason_code: ReasonCode,
    /// AUTH properties: Authentication Method and Data, Reason String, User Property.
    pub properties: Properties,
}

impl Auth {
    pub(super) fn decode<T: Trace>(r: &mut Reader<'_, T>) -> Result<Auth> {
        let (reason_code, properties) = reason_and_properties::read(r, PacketType::Auth)?;
        Ok(Auth {
            reason_code,
            properties,
        })
    }

    pub(super) fn body_len(&self, _version: super::ProtocolVersion) -> Result<usize> {
        reason_and_properties::len(self.reason_code, &self.properties, PacketType::Auth)
    }

    pub(super) fn write_body(&self, _version: super::ProtocolVersion, out: &mut BytesMut) {
        reason_and_properties::write(self.reason_code, &self.properties, out);
    }
}
