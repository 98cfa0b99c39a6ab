//! The body shared by DISCONNECT and AUTH in MQTT 5: a reason code and
//! properties, both of which may be left out when the reason is Success and
//! there are no properties (3.14.2.1, 3.15.2.1).

use bytes::BytesMut;

use super::{ProtocolVersion, check_reason_code, properties_len, read_reason_code};
use crate::proto::codec::properties::read_properties;
use crate::proto::codec::reader::Result;
use crate::proto::codec::{Properties, PropertyContext, Reader, Trace, writer};
use crate::proto::{PacketType, ReasonCode};

pub(super) fn read<T: Trace>(
    r: &mut Reader<'_, T>,
    packet: PacketType,
) -> Result<(ReasonCode, Properties)> {
    if r.is_empty() {
        return Ok((ReasonCode::Success, Properties::new()));
    }
    let reason = read_reason_code(r, packet, "Reason Code")?;
    if r.is_empty() {
        return Ok((reason, Properties::new()));
    }
    Ok((reason, read_properties(r, PropertyContext::Packet(packet))?))
}

pub(super) fn len(
    reason: ReasonCode,
    properties: &Properties,
    packet: PacketType,
) -> Result<usize> {
    check_reason_code(reason, packet)?;
    let props = properties_len(
        properties,
        PropertyContext::Packet(packet),
        ProtocolVersion::V5,
    )?;
    Ok(match (reason, properties.is_empty()) {
        (ReasonCode::Success, true) => 0,
        (_, true) => 1,
        (_, false) => 1 + props,
    })
}

pub(super) fn write(reason: ReasonCode, properties: &Properties, out: &mut BytesMut) {
    if reason == ReasonCode::Success && properties.is_empty() {
        return;
    }
    writer::put_u8(out, reason.to_u8());
    if !properties.is_empty() {
        properties.write(out, properties.encoded_len());
    }
}
