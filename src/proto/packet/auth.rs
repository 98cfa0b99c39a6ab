//! AUTH (section 3.15): a step of enhanced authentication (MQTT 5 only).

use bytes::BytesMut;

use super::{ProtocolVersion, reason_and_properties};
use crate::proto::codec::reader::Result;
use crate::proto::codec::{CodecError, Properties, Reader, Trace};
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
    /// Only the bare form (Success, no properties, 3.15.2.1) may leave out the
    /// Authentication Method (3.15.2.2.2).
    fn check_method(&self) -> std::result::Result<(), CodecError> {
        let bare = self.reason_code == ReasonCode::Success && self.properties.is_empty();
        if !bare && self.properties.authentication_method().is_none() {
            return Err(CodecError::AuthenticationMethodMissing);
        }
        Ok(())
    }

    pub(super) fn decode<T: Trace>(r: &mut Reader<'_, T>) -> Result<Auth> {
        let start = r.position();
        let (reason_code, properties) = reason_and_properties::read(r, PacketType::Auth)?;
        let auth = Auth {
            reason_code,
            properties,
        };
        auth.check_method()
            .map_err(|error| r.fail_at(start, error))?;
        Ok(auth)
    }

    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize> {
        if version == ProtocolVersion::V311 {
            return Err(CodecError::NotInMqtt311 {
                feature: "AUTH packet",
            });
        }
        self.check_method()?;
        reason_and_properties::len(self.reason_code, &self.properties, PacketType::Auth)
    }

    pub(super) fn write_body(&self, out: &mut BytesMut) {
        reason_and_properties::write(self.reason_code, &self.properties, out);
    }
}
