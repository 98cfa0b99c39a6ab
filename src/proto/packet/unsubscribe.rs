//! UNSUBSCRIBE (section 3.10): the client removes subscriptions.

use bytes::BytesMut;
use bytestring::ByteString;

use super::subscribe::check_filter;
use super::{
    ProtocolVersion, check_packet_id, properties_len, read_packet_id, string_len, write_properties,
};
use crate::proto::PacketType;
use crate::proto::codec::properties::read_properties;
use crate::proto::codec::reader::Result;
use crate::proto::codec::{CodecError, Properties, PropertyContext, Reader, Trace, writer};

/// An UNSUBSCRIBE packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsubscribe {
    /// Packet Identifier (non-zero).
    pub packet_id: u16,
    /// UNSUBSCRIBE properties (MQTT 5): User Property.
    pub properties: Properties,
    /// The topic filters to remove; at least one.
    pub filters: Vec<ByteString>,
}

impl Unsubscribe {
    pub(super) fn decode<T: Trace>(
        r: &mut Reader<'_, T>,
        version: ProtocolVersion,
    ) -> Result<Unsubscribe> {
        let packet_id = read_packet_id(r, PacketType::Unsubscribe)?;
        let properties = match version {
            ProtocolVersion::V5 => {
                read_properties(r, PropertyContext::Packet(PacketType::Unsubscribe))?
            }
            ProtocolVersion::V311 => Properties::new(),
        };
        let mut filters = Vec::new();
        while !r.is_empty() {
            let start = r.position();
            let filter = r.string("Topic Filter")?;
            if let Err(error) = check_filter(&filter, None, version) {
                return Err(r.fail_at(start, error));
            }
            filters.push(filter);
        }
        if filters.is_empty() {
            // [MQTT-3.10.3-2]
            return Err(r.fail(CodecError::NoTopicFilters {
                packet: PacketType::Unsubscribe,
            }));
        }
        Ok(Unsubscribe {
            packet_id,
            properties,
            filters,
        })
    }

    pub(super) fn body_len(&self, version: ProtocolVersion) -> Result<usize> {
        check_packet_id(self.packet_id, PacketType::Unsubscribe)?;
        if self.filters.is_empty() {
            return Err(CodecError::NoTopicFilters {
                packet: PacketType::Unsubscribe,
            });
        }
        let mut len = 2 + properties_len(
            &self.properties,
            PropertyContext::Packet(PacketType::Unsubscribe),
            version,
        )?;
        for filter in &self.filters {
            check_filter(filter, None, version)?;
            len += string_len("Topic Filter", filter)?;
        }
        Ok(len)
    }

    pub(super) fn write_body(&self, version: ProtocolVersion, out: &mut BytesMut) {
        writer::put_u16(out, self.packet_id);
        write_properties(&self.properties, version, out);
        for filter in &self.filters {
            writer::put_binary(out, filter.as_bytes());
        }
    }
}
