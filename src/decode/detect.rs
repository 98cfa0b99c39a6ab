//! "auto": a decoder chosen only from what cannot be mistaken, and why.
//! Every byte sequence is some valid CBOR or MessagePack, so those two are
//! never guessed from the bytes alone; a binary payload that nothing names
//! stays raw.

use super::sparkplug::{Topic, parse_topic};
use super::{Compression, Context, Format, inflate};

/// What is known of a message besides its payload.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints<'a> {
    /// Its topic.
    pub topic: &'a str,
    /// Its Content Type property.
    pub content_type: Option<&'a str>,
    /// Its Payload Format Indicator (1: UTF-8 text).
    pub payload_format_indicator: Option<u8>,
}

impl<'a> Hints<'a> {
    /// What `publish` tells besides its payload.
    pub fn of_publish(publish: &'a crate::proto::Publish) -> Hints<'a> {
        Hints {
            topic: &publish.topic,
            content_type: publish.properties.content_type(),
            payload_format_indicator: publish.properties.payload_format_indicator(),
        }
    }
}

/// Why a format was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The person asked for it.
    Asked,
    /// A rule of the profile covers the topic.
    Rule {
        /// The rule's filter.
        filter: String,
    },
    /// The topic is in the Sparkplug B namespace.
    SparkplugTopic,
    /// The topic is a Sparkplug host application's STATE.
    SparkplugState,
    /// The Content Type property names the format.
    ContentType(String),
    /// The Payload Format Indicator says UTF-8 text.
    PayloadFormatIndicator,
    /// The payload begins like an Avro object container file.
    AvroContainer,
    /// The whole payload parses as JSON.
    ParsesAsJson,
    /// The payload is valid UTF-8 text.
    Utf8Text,
    /// Nothing names the format of a binary payload.
    Binary,
}

/// The format what is known of a message names without looking at its
/// bytes: a rule, the Sparkplug namespace, or the Content Type.
pub fn declared(hints: &Hints<'_>, context: &Context) -> Option<(Format, Reason)> {
    if let Some(rule) = context.rules.find(hints.topic) {
        let filter = rule.filter.clone();
        return Some((rule.decoder, Reason::Rule { filter }));
    }
    match parse_topic(hints.topic) {
        Some(Topic::Node(_)) => return Some((Format::Sparkplug, Reason::SparkplugTopic)),
        Some(Topic::State { .. }) => return Some((Format::Json, Reason::SparkplugState)),
        None => {}
    }
    let content_type = hints.content_type?;
    let format = Format::from_content_type(content_type)?;
    Some((format, Reason::ContentType(content_type.to_owned())))
}

/// The format `payload` is read as, and why: a rule first, then the
/// Sparkplug namespace, the Content Type, the Payload Format Indicator,
/// then the bytes (a gzip or zlib stream is looked into first): an Avro
/// container file, JSON, text, else raw.
pub fn choose(hints: &Hints<'_>, payload: &[u8], context: &Context) -> (Format, Reason) {
    if let Some((format, reason)) = declared(hints, context) {
        let format = match (format, &reason) {
            // A STATE that is not JSON is Sparkplug 2's ONLINE / OFFLINE text.
            (Format::Json, Reason::SparkplugState) if super::json(payload).is_err() => Format::Text,
            // Text that says JSON is shown as JSON when it is JSON.
            (Format::Text, Reason::ContentType(_)) if super::json(payload).is_ok() => Format::Json,
            _ => format,
        };
        return (format, reason);
    }
    let inflated;
    let body = match Compression::from_header(payload).map(|c| inflate(c, payload)) {
        Some(Ok(body)) => {
            inflated = body;
            inflated.as_slice()
        }
        _ => payload,
    };
    let is_json = || super::json(body).is_ok();
    if super::avro::is_container(body) && hints.payload_format_indicator != Some(1) {
        return (Format::Avro, Reason::AvroContainer);
    }
    if hints.payload_format_indicator == Some(1) {
        let format = if is_json() {
            Format::Json
        } else {
            Format::Text
        };
        return (format, Reason::PayloadFormatIndicator);
    }
    if is_json() {
        (Format::Json, Reason::ParsesAsJson)
    } else if std::str::from_utf8(body).is_ok() {
        (Format::Text, Reason::Utf8Text)
    } else {
        (Format::Raw, Reason::Binary)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Rule, RuleSet};
    use super::*;

    fn chosen(topic: &str, content_type: Option<&str>, payload: &[u8]) -> (Format, Reason) {
        let hints = Hints {
            topic,
            content_type,
            payload_format_indicator: None,
        };
        choose(&hints, payload, &Context::default())
    }

    #[test]
    fn only_what_cannot_be_mistaken_chooses_a_decoder() {
        assert_eq!(
            chosen("a", None, br#"{"t":1}"#),
            (Format::Json, Reason::ParsesAsJson)
        );
        assert_eq!(
            chosen("a", None, b"21.5"),
            (Format::Json, Reason::ParsesAsJson)
        );
        assert_eq!(
            chosen("a", None, b"hello"),
            (Format::Text, Reason::Utf8Text)
        );
        // A CBOR map and a MessagePack map: binary, named by nothing.
        assert_eq!(chosen("a", None, &[0xa1, 0x61, 0x74, 0x01]).0, Format::Raw);
        assert_eq!(
            chosen("a", None, &[0x81, 0xa1, 0xff]),
            (Format::Raw, Reason::Binary)
        );
        assert_eq!(
            chosen("a", Some("application/cbor"), &[0xa1, 0x61, 0x74, 0x01]),
            (Format::Cbor, Reason::ContentType("application/cbor".into()))
        );
        assert_eq!(
            chosen("spBv1.0/g/NDATA/e", None, b"\x08\x01"),
            (Format::Sparkplug, Reason::SparkplugTopic)
        );
        assert_eq!(
            chosen(
                "spBv1.0/STATE/scada",
                None,
                br#"{"online":true,"timestamp":1}"#
            ),
            (Format::Json, Reason::SparkplugState)
        );
        // Plain text on a lookalike topic is not Sparkplug.
        assert_eq!(chosen("spBv1.0/g/NDATA", None, b"on").0, Format::Text);
        // An Avro container file's marker cannot be text; a datum has none.
        assert_eq!(
            chosen("a", None, b"Obj\x01\x00"),
            (Format::Avro, Reason::AvroContainer)
        );
        assert_eq!(
            chosen("a", Some("avro/binary"), &[0x54]),
            (Format::Avro, Reason::ContentType("avro/binary".into()))
        );
    }

    #[test]
    fn a_rule_wins_over_everything() {
        let context = Context {
            rules: RuleSet {
                rules: vec![Rule::new("spBv1.0/#", Format::Raw)],
            },
            ..Context::default()
        };
        let hints = Hints {
            topic: "spBv1.0/g/NDATA/e",
            content_type: Some("application/json"),
            payload_format_indicator: Some(1),
        };
        assert_eq!(
            choose(&hints, b"{}", &context),
            (
                Format::Raw,
                Reason::Rule {
                    filter: "spBv1.0/#".into()
                }
            )
        );
    }
}
