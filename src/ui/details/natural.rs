//! Which payload viewer a message opens in: the one its content calls for
//! (a rule of the profile, the Sparkplug namespace, its Content Type, or
//! what the payload looks like), unless the person chose another for this
//! topic. Looking at the bytes is bounded, so a 300 MB payload costs no
//! more than its first MiB.

use super::viewers::{Viewer, hints};
use crate::decode::{Compression, Format, Reader, Reason};
use crate::model::{NodeId, StoredMessage};

/// Payloads up to this size are parsed to tell JSON from text that merely
/// starts with a brace; larger ones are taken at their first byte.
const PARSED_TO_DECIDE: usize = 1 << 20;
/// How much of a payload is looked at to tell text from binary.
const SNIFFED: usize = 4096;

/// The format `message` on `topic` calls for, and why: what the reader's
/// rules, the topic and the Content Type say; else an Avro container file,
/// a JSON object or array, UTF-8 text, or raw bytes (a gzip or zlib stream is looked into).
pub fn natural_format(message: &StoredMessage, topic: &str, reader: &Reader) -> (Format, Reason) {
    let hints = hints(message, topic);
    let payload = &message.payload[..];
    if let Some((format, reason)) = crate::decode::declared(&hints, &reader.context) {
        let format = match (format, &reason) {
            // A STATE that is not JSON is Sparkplug 2's ONLINE / OFFLINE.
            (Format::Json, Reason::SparkplugState) if !looks_like_json(payload) => Format::Text,
            (Format::Text, Reason::ContentType(_)) if looks_like_json(payload) => Format::Json,
            _ => format,
        };
        return (format, reason);
    }
    if Compression::from_header(payload).is_some() && payload.len() <= PARSED_TO_DECIDE {
        return crate::decode::choose(&hints, payload, &reader.context);
    }
    if hints.payload_format_indicator == Some(1) && !looks_like_json(payload) {
        return (Format::Text, Reason::PayloadFormatIndicator);
    }
    if crate::decode::avro::is_container(payload) && hints.payload_format_indicator != Some(1) {
        return (Format::Avro, Reason::AvroContainer);
    }
    if looks_like_json(payload) {
        (Format::Json, Reason::ParsesAsJson)
    } else if is_text(payload) {
        (Format::Text, Reason::Utf8Text)
    } else {
        (Format::Raw, Reason::Binary)
    }
}

/// The viewer to show for a message of `node`: the person's choice when it
/// was made on this topic, the content's (`natural`) otherwise.
pub fn viewer_shown(
    chosen: Option<(NodeId, Viewer)>,
    node: NodeId,
    natural: impl FnOnce() -> Viewer,
) -> Viewer {
    match chosen {
        Some((on, viewer)) if on == node => viewer,
        _ => natural(),
    }
}

fn looks_like_json(payload: &[u8]) -> bool {
    let starts_a_container = payload
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| matches!(b, b'{' | b'['));
    starts_a_container
        && (payload.len() > PARSED_TO_DECIDE
            || serde_json::from_slice::<serde::de::IgnoredAny>(payload).is_ok())
}

/// Whether the start of `payload` is UTF-8 text (a character cut at the end
/// of the part looked at still counts) without control characters other
/// than line breaks and tabs.
fn is_text(payload: &[u8]) -> bool {
    let start = &payload[..payload.len().min(SNIFFED)];
    let text = match std::str::from_utf8(start) {
        Ok(text) => text,
        Err(error) if error.error_len().is_none() => {
            // Only the last character was cut off by the limit.
            std::str::from_utf8(&start[..error.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

#[cfg(test)]
mod tests {
    use super::super::viewers::viewer_for;
    use super::*;
    use crate::proto::{Properties, Property, QoS};

    fn message(payload: &[u8], content_type: Option<&str>) -> StoredMessage {
        let properties = content_type.map(|t| {
            let mut properties = Properties::new();
            properties.push(Property::ContentType(t.into()));
            std::sync::Arc::new(properties)
        });
        StoredMessage {
            seq: 1,
            topic: 0,
            prev_in_topic: 0,
            received_at_micros: 0,
            payload: payload.to_vec().into(),
            properties,
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
        }
    }

    fn natural_viewer(message: &StoredMessage) -> Viewer {
        viewer_for(natural_format(message, "lab/x", &Reader::default()).0)
    }

    #[test]
    fn the_view_follows_the_content() {
        let json = br#"{"temperature": 21.5, "ok": true}"#;
        assert_eq!(natural_viewer(&message(json, None)), Viewer::Json);
        assert_eq!(
            natural_viewer(&message(b"[1, 2]", Some("application/json"))),
            Viewer::Json
        );
        assert_eq!(natural_viewer(&message(b"21.5", None)), Viewer::Text);
        assert_eq!(natural_viewer(&message(b"{not json", None)), Viewer::Text);
        assert_eq!(
            natural_viewer(&message("Übung ok".as_bytes(), None)),
            Viewer::Text
        );
        assert_eq!(
            natural_viewer(&message(&[0x00, 0x9f, 0xff, 0x10], None)),
            Viewer::Hex
        );
        assert_eq!(
            natural_viewer(&message(
                &[0xa1, 0x61, 0x74, 0x01],
                Some("application/cbor")
            )),
            Viewer::Cbor
        );
        // A Sparkplug topic, a rule and a Content Type win over the bytes.
        let reader = Reader::new(crate::decode::Context {
            rules: crate::decode::RuleSet {
                rules: vec![crate::decode::Rule::new("devices/#", Format::MessagePack)],
            },
            pool: None,
            ..Default::default()
        });
        let bytes = message(b"plain", None);
        assert_eq!(
            super::natural_format(&bytes, "devices/a", &reader),
            (
                Format::MessagePack,
                Reason::Rule {
                    filter: "devices/#".into()
                }
            )
        );
        assert_eq!(
            super::natural_format(&bytes, "spBv1.0/g/NDATA/e", &reader).0,
            Format::Sparkplug
        );
        assert_eq!(
            super::natural_format(&message(b"{}", Some("application/protobuf")), "a", &reader).0,
            Format::ProtobufRaw
        );
    }

    #[test]
    fn a_chosen_view_stays_with_its_topic_only() {
        let binary = message(&[0x00, 0x01, 0x02], None);
        let natural = || natural_viewer(&binary);
        let chosen = Some((7, Viewer::Json));
        assert_eq!(viewer_shown(chosen, 7, natural), Viewer::Json);
        assert_eq!(
            viewer_shown(chosen, 8, natural),
            Viewer::Hex,
            "another topic opens in the view its content calls for"
        );
        assert_eq!(viewer_shown(None, 7, natural), Viewer::Hex);
    }

    #[test]
    fn text_cut_inside_a_character_is_still_text() {
        let mut payload = "ă".repeat(3000).into_bytes(); // 6000 bytes
        payload.truncate(SNIFFED + 1);
        assert!(is_text(&payload));
    }
}
