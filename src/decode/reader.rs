//! One place that reads payloads for the CLI and the window alike: the
//! format chosen (asked for, by rule, or detected, with the reason), the
//! payload decoded, and Sparkplug B's state kept across the messages seen.

use serde_json::Value;

use super::sparkplug::{self, Finding, Topic, Tracker, parse_topic};
use super::{Compression, Context, DecodeError, Decoded, Format, Hints, Reason, choose};

/// What the person asked for instead of "auto".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Forced {
    /// The format, if one was asked for.
    pub format: Option<Format>,
    /// The Protobuf message type, if one was given.
    pub message_type: Option<String>,
    /// The Avro schema's `.avsc` file (as the context holds it), if one
    /// was given.
    pub avro_schema: Option<String>,
    /// The compression, if one was given.
    pub compression: Option<Compression>,
}

/// A payload read.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The format it was read as.
    pub format: Format,
    /// Why that format.
    pub reason: Reason,
    /// The decoded payload, or why it did not decode.
    pub result: Result<Decoded, DecodeError>,
}

/// Reads payloads with a [`Context`] and keeps Sparkplug B's state.
#[derive(Clone, Debug, Default)]
pub struct Reader {
    /// The rules and schemas.
    pub context: Context,
    /// What the person asked for (`None` fields: auto).
    pub forced: Forced,
    /// Sparkplug B's state over the messages observed.
    pub sparkplug: Tracker,
}

impl Reader {
    /// A reader of `context`, choosing formats itself.
    pub fn new(context: Context) -> Reader {
        Reader {
            context,
            ..Reader::default()
        }
    }

    /// Takes a message in for Sparkplug B's state (births, sequence,
    /// deaths); what it says that a host should know. Messages outside the
    /// namespace, or read as something else by a rule, change nothing.
    pub fn observe(&mut self, hints: &Hints<'_>, payload: &[u8]) -> Vec<Finding> {
        let Some(Topic::Node(topic)) = parse_topic(hints.topic) else {
            return Vec::new();
        };
        if self.format_for(hints, payload).0 != Format::Sparkplug {
            return Vec::new();
        }
        match sparkplug::payload::decode(payload) {
            Ok(decoded) => self.sparkplug.observe(&topic, &decoded),
            Err(_) => Vec::new(),
        }
    }

    /// The format `payload` is read as, and why.
    pub fn format_for(&self, hints: &Hints<'_>, payload: &[u8]) -> (Format, Reason) {
        match self.forced.format {
            Some(format) => (format, Reason::Asked),
            None => choose(hints, payload, &self.context),
        }
    }

    /// `payload` read, Sparkplug aliases resolved from the births observed.
    pub fn read(&self, hints: &Hints<'_>, payload: &[u8]) -> Reading {
        let (format, reason) = self.format_for(hints, payload);
        self.read_as(hints, payload, format, reason)
    }

    /// `payload` read as `format` (a viewer the person picked), with the
    /// compression and schema the options or the topic's rule give.
    pub fn read_as(
        &self,
        hints: &Hints<'_>,
        payload: &[u8],
        format: Format,
        reason: Reason,
    ) -> Reading {
        let rule = self.context.rules.find(hints.topic);
        let compression = self.forced.compression.or(rule.and_then(|r| r.compression));
        let schema = match format {
            Format::Avro => self
                .forced
                .avro_schema
                .as_deref()
                .or(rule.and_then(|r| r.avro_schema.as_deref())),
            _ => self
                .forced
                .message_type
                .as_deref()
                .or(rule.and_then(|r| r.message_type.as_deref())),
        };
        let result = match (format, parse_topic(hints.topic)) {
            (Format::Sparkplug, Some(Topic::Node(topic))) => {
                super::uncompressed(payload, compression).and_then(|(body, inflated_from)| {
                    let body = sparkplug::payload::decode(&body)?;
                    Ok(Decoded {
                        value: self.sparkplug.to_json(&topic, &body),
                        format,
                        inflated_from,
                    })
                })
            }
            _ => super::decode(format, payload, compression, schema, &self.context),
        };
        Reading {
            format,
            reason,
            result,
        }
    }
}

/// The numbers of a decoded value, by their path (`metrics.Temperature`
/// for Sparkplug's metrics, `a.b.0` elsewhere), for plots.
pub fn sparkplug_numbers(value: &Value) -> Vec<(String, f64)> {
    let Some(metrics) = value.get("metrics").and_then(Value::as_array) else {
        return Vec::new();
    };
    metrics
        .iter()
        .filter_map(|metric| {
            let number = match metric.get("value")? {
                Value::Number(n) => n.as_f64()?,
                Value::Bool(b) => f64::from(u8::from(*b)),
                _ => return None,
            };
            let name = match (metric.get("name"), metric.get("alias")) {
                (Some(Value::String(name)), _) => name.clone(),
                (_, Some(alias)) => format!("alias {alias}"),
                _ => return None,
            };
            Some((name, number))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::sparkplug::rebirth_payload;
    use super::*;

    #[test]
    fn sparkplug_through_the_reader_resolves_aliases_and_a_forced_format_wins() {
        let mut reader = Reader::default();
        let hints = Hints {
            topic: "spBv1.0/g/NCMD/e",
            ..Hints::default()
        };
        let payload = rebirth_payload(5);
        assert!(reader.observe(&hints, &payload).is_empty());
        let reading = reader.read(&hints, &payload);
        assert_eq!(
            (reading.format, reading.reason),
            (Format::Sparkplug, Reason::SparkplugTopic)
        );
        let value = reading.result.unwrap().value;
        assert_eq!(value["metrics"][0]["value"], Value::Bool(true));
        assert_eq!(
            sparkplug_numbers(&value),
            vec![("Node Control/Rebirth".to_owned(), 1.0)]
        );
        reader.forced.format = Some(Format::ProtobufRaw);
        let reading = reader.read(&hints, &payload);
        assert_eq!(
            (reading.format, reading.reason),
            (Format::ProtobufRaw, Reason::Asked)
        );
        assert_eq!(reading.result.unwrap().value["1"], Value::from(5));
    }
}
