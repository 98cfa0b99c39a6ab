//! Payload decoding in words: why a payload did not decode, why it is read
//! as it is, a profile's decoders that could not be made ready, and what
//! Sparkplug B messages said.

use rust_i18n::t;

/// Why a profile's decoders could not be made ready.
pub fn schema_error(error: &crate::profiles::decoders::SchemaError) -> String {
    use crate::profiles::decoders::SchemaError;
    match error {
        SchemaError::Compile(detail) => t!(
            "The .proto files of this connection's decoders did not compile: %{detail}. Fix the file, or the rule in the connection's Decoders.",
            detail = detail
        )
        .into_owned(),
        SchemaError::Incomplete { filter } => t!(
            "The Protobuf rule for %{filter} needs a .proto file and a message type.",
            filter = filter
        )
        .into_owned(),
        SchemaError::MissingType {
            filter,
            file,
            message_type,
        } => t!(
            "%{file} has no message type %{message_type} (the rule for %{filter}). Check the type's full name, with its package.",
            file = file,
            message_type = message_type,
            filter = filter
        )
        .into_owned(),
        SchemaError::BadFilter(filter) => t!(
            "\"%{filter}\" is not a valid topic filter; the decoder rule is left out.",
            filter = filter
        )
        .into_owned(),
        SchemaError::Avro { file, why } => t!(
            "%{file} is not a usable Avro schema: %{why}. Fix the file, or the rule in the connection's Decoders.",
            file = file,
            why = why
        )
        .into_owned(),
    }
}

/// Why a payload could not be decoded.
pub fn decode_error(error: &crate::decode::DecodeError) -> String {
    use crate::decode::{DecodeError, MAX_DEPTH, MAX_INFLATED};
    match error {
        // What the decoder said, as it said it.
        DecodeError::Invalid(detail) => detail.clone(),
        DecodeError::TrailingBytes(count) => {
            t!("bytes left over after the value: %{count}", count = count).into_owned()
        }
        DecodeError::TooDeep => {
            t!("it nests deeper than %{depth} levels", depth = MAX_DEPTH).into_owned()
        }
        DecodeError::NotText(at) => {
            t!("it is not UTF-8 text (from byte %{at})", at = at).into_owned()
        }
        DecodeError::InflatesTooFar => t!(
            "decompressed, it would grow past %{size}",
            size = crate::ui::format_bytes(MAX_INFLATED)
        )
        .into_owned(),
        DecodeError::BadCompression(method, detail) => t!(
            "the %{method} stream is damaged (%{detail})",
            method = method,
            detail = detail
        )
        .into_owned(),
        DecodeError::NoSchema => t!(
            "no Protobuf message type is set for this topic; add a rule in the connection's Decoders"
        )
        .into_owned(),
        DecodeError::UnknownType(name) => t!(
            "the .proto files have no message type %{name}",
            name = name
        )
        .into_owned(),
        DecodeError::NoAvroSchema => t!(
            "no Avro schema (.avsc) is set for this topic, and the payload is not an Avro container file; add a rule in the connection's Decoders"
        )
        .into_owned(),
    }
}

/// Why a payload is read as it is, as the end of a sentence.
pub fn decode_reason(reason: &crate::decode::Reason) -> String {
    use crate::decode::Reason;
    match reason {
        Reason::Asked => t!("you asked for it").into_owned(),
        Reason::Rule { filter } => {
            t!("the decoder rule for %{filter} says so", filter = filter).into_owned()
        }
        Reason::SparkplugTopic => t!("the topic is in the Sparkplug B namespace").into_owned(),
        Reason::SparkplugState => t!("the topic is a Sparkplug host's STATE").into_owned(),
        Reason::ContentType(content_type) => t!(
            "its Content Type is %{content_type}",
            content_type = content_type
        )
        .into_owned(),
        Reason::PayloadFormatIndicator => {
            t!("its Payload Format Indicator says UTF-8 text").into_owned()
        }
        Reason::AvroContainer => t!("the payload is an Avro container file").into_owned(),
        Reason::ParsesAsJson => t!("the payload is JSON").into_owned(),
        Reason::Utf8Text => t!("the payload is UTF-8 text").into_owned(),
        Reason::Binary => t!(
            "the payload is binary and nothing names its format (a decoder rule in the connection settings can)"
        )
        .into_owned(),
    }
}

/// A Sparkplug finding in words.
pub fn sparkplug_finding(finding: &crate::decode::sparkplug::Finding) -> String {
    match finding {
        crate::decode::sparkplug::Finding::SeqGap { expected, got } => t!(
            "seq %{got} came where %{expected} was expected: messages are missing",
            got = got,
            expected = expected
        )
        .into_owned(),
        crate::decode::sparkplug::Finding::MissingSeq => {
            t!("a message came without its seq").into_owned()
        }
        crate::decode::sparkplug::Finding::BdSeqMismatch { birth, death } => t!(
            "the NDEATH's bdSeq (%{death}) is not the NBIRTH's (%{birth})",
            death = death.map_or("-".to_owned(), |n| n.to_string()),
            birth = birth.map_or("-".to_owned(), |n| n.to_string())
        )
        .into_owned(),
        crate::decode::sparkplug::Finding::NoBirth => {
            t!("data came before any birth certificate of this node or device").into_owned()
        }
        crate::decode::sparkplug::Finding::UnresolvedAliases(count) => t!(
            "metrics with an alias no birth named: %{count}",
            count = count
        )
        .into_owned(),
    }
}
