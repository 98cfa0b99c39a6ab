//! The annotated decode behind the packet inspector: every field of a packet
//! with its byte range, its name as the specification spells it, and its value.
//!
//! It runs the same decoder as the network thread, with a recording trace, so
//! what the inspector shows is exactly what the decoder read. A malformed
//! packet is annotated up to the first bad byte, where the error is reported.

use std::ops::Range;

use bytes::Bytes;

use crate::proto::codec::{CodecError, Trace};
use crate::proto::decoder::parse_frame_header;
use crate::proto::packet::{Packet, ProtocolVersion, decode_traced};

/// One decoded field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The bytes it occupies, as offsets into the packet.
    pub range: Range<usize>,
    /// How deeply it is nested (0 for the packet's own fields, 1 inside a
    /// property list).
    pub depth: u8,
    /// Its name as the specification spells it, e.g. `Keep Alive`.
    pub name: String,
    /// Its value in words.
    pub value: String,
}

/// Where decoding stopped and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectError {
    /// The offset of the first byte that is wrong.
    pub offset: usize,
    /// What is wrong.
    pub error: CodecError,
}

/// The annotated decode of one packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// Every field read, in wire order (the first byte appears twice: packet
    /// type and flags).
    pub fields: Vec<Field>,
    /// The packet, when it decoded without error.
    pub packet: Option<Packet>,
    /// The first error, when it did not.
    pub error: Option<InspectError>,
}

impl Inspection {
    /// The first field with this name.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The innermost field covering byte `offset` (for highlighting in a hex view).
    pub fn field_at(&self, offset: usize) -> Option<&Field> {
        self.fields
            .iter()
            .filter(|f| f.range.contains(&offset))
            .max_by_key(|f| f.depth)
    }

    /// Whether byte `offset` is part of a password (past its two-byte
    /// length), which a hex view must not show.
    pub fn is_secret(&self, offset: usize) -> bool {
        self.fields
            .iter()
            .any(|f| f.name == SECRET_FIELD && f.range.start + 2 <= offset && offset < f.range.end)
    }
}

/// The field whose bytes are never shown.
const SECRET_FIELD: &str = "Password";

#[derive(Default)]
struct Recorder {
    fields: Vec<Field>,
    error: Option<InspectError>,
}

impl Trace for Recorder {
    const ENABLED: bool = true;

    fn field(&mut self, range: Range<usize>, depth: u8, name: String, value: String) {
        self.fields.push(Field {
            range,
            depth,
            name,
            value,
        });
    }

    fn error(&mut self, offset: usize, error: &CodecError) {
        if self.error.is_none() {
            self.error = Some(InspectError {
                offset,
                error: error.clone(),
            });
        }
    }
}

/// Annotate the packet at the start of `bytes`, decoded as `version` (CONNECT
/// carries its own). Bytes after the packet are ignored; a packet cut short is
/// annotated as far as it goes.
pub fn inspect(bytes: &[u8], version: ProtocolVersion) -> Inspection {
    let declared_len = parse_frame_header(bytes)
        .ok()
        .flatten()
        .map(|header| header.total_len());
    let frame_len = declared_len.map_or(bytes.len(), |len| len.min(bytes.len()));
    let frame = Bytes::copy_from_slice(&bytes[..frame_len]);
    let mut recorder = Recorder::default();
    let result = decode_traced(&frame, version, &mut recorder);
    let mut packet = result.ok();
    if let Some(declared) = declared_len
        && declared > bytes.len()
        && recorder.error.is_none()
    {
        packet = None;
        recorder.error = Some(InspectError {
            offset: bytes.len(),
            error: CodecError::Truncated {
                field: "packet (its Remaining Length says it is longer)",
            },
        });
    }
    Inspection {
        fields: recorder.fields,
        packet,
        error: recorder.error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::PropertyId;
    use crate::proto::packet::ProtocolVersion::V5;

    const CONNECT: [u8; 30] = [
        0x10, 0x1C, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0xC2, 0x00, 0x3C, 0x05, 0x11, 0x00,
        0x00, 0x00, 0x0A, 0x00, 0x03, b'a', b'b', b'c', 0x00, 0x01, b'u', 0x00, 0x02, 0x01, 0x02,
    ];

    #[test]
    fn every_byte_of_a_connect_is_annotated() {
        let inspection = inspect(&CONNECT, V5);
        assert!(inspection.error.is_none());
        assert!(inspection.packet.is_some());
        let names: Vec<&str> = inspection.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Packet Type",
                "Flags",
                "Remaining Length",
                "Protocol Name",
                "Protocol Version",
                "Connect Flags",
                "Keep Alive",
                "Property Length",
                "Session Expiry Interval (0x11)",
                "Client Identifier",
                "User Name",
                "Password",
            ]
        );
        let keep_alive = inspection.field("Keep Alive").unwrap();
        assert_eq!(
            (keep_alive.range.clone(), keep_alive.value.as_str()),
            (10..12, "60")
        );
        let property = inspection.field("Session Expiry Interval (0x11)").unwrap();
        assert_eq!((property.range.clone(), property.depth), (13..18, 1));
        assert_eq!(inspection.field_at(11).unwrap().name, "Keep Alive");
        // Every byte after the first belongs to exactly one field.
        for offset in 1..CONNECT.len() {
            let covering = inspection
                .fields
                .iter()
                .filter(|f| f.range.contains(&offset) && f.depth == 0)
                .count();
            let inside_properties = (13..18).contains(&offset);
            assert_eq!(covering, usize::from(!inside_properties), "byte {offset}");
        }
        assert!(
            inspection
                .field("Connect Flags")
                .unwrap()
                .value
                .contains("Clean Start 1"),
            "{:?}",
            inspection.field("Connect Flags")
        );
    }

    #[test]
    fn a_malformed_packet_is_annotated_up_to_the_first_bad_byte() {
        // A PUBLISH whose properties repeat Content Type.
        let bytes = [
            0x30, 0x0C, 0x00, 0x01, b't', 0x08, 0x03, 0x00, 0x01, b'a', 0x03, 0x00, 0x01, b'b',
        ];
        let inspection = inspect(&bytes, V5);
        assert!(inspection.packet.is_none());
        let error = inspection.error.expect("an error");
        assert_eq!(error.offset, 10);
        assert!(matches!(
            error.error,
            CodecError::DuplicateProperty {
                property: PropertyId::ContentType,
                ..
            }
        ));
        let last = inspection.fields.last().unwrap();
        assert_eq!(
            (last.name.as_str(), last.value.as_str()),
            ("Content Type (0x03)", "\"a\"")
        );
    }

    #[test]
    fn a_packet_cut_short_is_reported() {
        let inspection = inspect(&CONNECT[..20], V5);
        let error = inspection.error.clone().expect("an error");
        assert!(matches!(error.error, CodecError::Truncated { .. }));
        assert!(inspection.field("Keep Alive").is_some());
        // A PUBLISH cut inside its payload decodes as far as it goes but is not a packet.
        let inspection = inspect(&[0x30, 0x06, 0x00, 0x01, b't', 1], V5);
        assert!(inspection.packet.is_none());
        assert_eq!(inspection.error.unwrap().offset, 6);
    }

    #[test]
    fn garbage_never_panics() {
        for len in 0..64u8 {
            let bytes: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37) ^ len).collect();
            let _ = inspect(&bytes, V5);
        }
    }

    #[test]
    fn a_password_is_neither_written_out_nor_shown_in_hex() {
        let mut connect = crate::proto::Connect::new(ProtocolVersion::V5, "c");
        connect.user_name = Some("u".into());
        connect.password = Some(bytes::Bytes::from_static(b"hunter2"));
        let bytes = Packet::Connect(connect)
            .to_bytes(ProtocolVersion::V5)
            .unwrap();
        let inspection = inspect(&bytes, ProtocolVersion::V5);
        let password = inspection.field("Password").unwrap();
        assert_eq!(password.value, "hidden (7 bytes)");
        assert!(
            inspection
                .fields
                .iter()
                .all(|f| !f.value.contains("hunter2"))
        );
        let secret: Vec<usize> = (0..bytes.len())
            .filter(|&i| inspection.is_secret(i))
            .collect();
        assert_eq!(secret, (bytes.len() - 7..bytes.len()).collect::<Vec<_>>());
    }
}
