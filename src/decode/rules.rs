//! Per-filter decoder rules ("`factory/+/telemetry` is `acme.Telemetry`
//! from `telemetry.proto`", "`plant/#` is Avro of `reading.avsc`"), saved
//! with a profile. The first rule whose filter matches a topic wins over
//! anything detection would choose.

use serde::{Deserialize, Serialize};

use super::{Compression, Format};
use crate::proto::topic::topic_matches;

/// How messages on one topic filter are decoded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    /// The topic filter (wildcards allowed) the rule covers.
    pub filter: String,
    /// The format its payloads are read as.
    pub decoder: Format,
    /// For Protobuf: the message type's full name (`acme.Telemetry`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<String>,
    /// For Protobuf: the `.proto` file the type is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proto_file: Option<String>,
    /// For Avro: the `.avsc` schema file (a container file needs none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avro_schema: Option<String>,
    /// A compression to take off first (gzip and zlib are found without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compression: Option<Compression>,
}

impl Rule {
    /// A rule reading `filter` as `decoder`.
    pub fn new(filter: impl Into<String>, decoder: Format) -> Rule {
        Rule {
            filter: filter.into(),
            decoder,
            message_type: None,
            proto_file: None,
            avro_schema: None,
            compression: None,
        }
    }
}

/// The rules of a profile, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleSet {
    /// The rules; the first that matches wins.
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// The first rule covering `topic`.
    pub fn find(&self, topic: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|rule| topic_matches(&rule.filter, topic))
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_matching_rule_wins() {
        let mut telemetry = Rule::new("factory/+/telemetry", Format::Protobuf);
        telemetry.message_type = Some("acme.Telemetry".into());
        let rules = RuleSet {
            rules: vec![telemetry, Rule::new("factory/#", Format::Cbor)],
        };
        assert_eq!(
            rules.find("factory/a/telemetry").unwrap().decoder,
            Format::Protobuf
        );
        assert_eq!(
            rules.find("factory/a/status").unwrap().decoder,
            Format::Cbor
        );
        assert_eq!(rules.find("office/a"), None);
    }
}
