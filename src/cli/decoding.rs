//! `mqscope sub --decode …`: the reader made from the options (and a saved
//! profile's rules), and the fields it adds to each JSON line, in English
//! like all of the CLI's JSON.

use std::io::{self, Write};
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::args::{DecodeChoice, SubArgs};
use crate::decode::sparkplug::{Finding, NodeState, Topic, parse_topic};
use crate::decode::{Forced, Hints, Reader, Reason};
use crate::profiles::decoders::{DecoderSettings, compile, load_avro_schema};
use crate::proto::Publish;

/// The reader `args` ask for; `None` without `--decode`.
pub fn reader(args: &SubArgs) -> Result<Option<Reader>, String> {
    let Some(choice) = args.decode else {
        if args.proto_type.is_some()
            || !args.proto.is_empty()
            || args.decoders_from.is_some()
            || args.avro_schema.is_some()
        {
            return Err(
                "--proto, --proto-type, --avro-schema and --decoders-from need --decode".to_owned(),
            );
        }
        return Ok(None);
    };
    let settings = match &args.decoders_from {
        Some(wanted) => profile_decoders(wanted)?,
        None => DecoderSettings::default(),
    };
    let mut context =
        compile(&settings, &args.proto, &args.proto_path).map_err(|e| e.to_string())?;
    let avro_schema = match &args.avro_schema {
        Some(path) => {
            let schema = load_avro_schema(path).map_err(|e| e.to_string())?;
            let key = path.display().to_string();
            context
                .avro
                .insert(key.clone(), std::sync::Arc::new(schema));
            Some(key)
        }
        None => None,
    };
    let format = match choice {
        DecodeChoice::Auto => None,
        DecodeChoice::Format(format) => Some(format),
    };
    if format == Some(crate::decode::Format::Protobuf)
        && (args.proto_type.is_none() || context.pool.is_none())
    {
        return Err("--decode protobuf needs --proto FILE and --proto-type NAME (or use protobuf-raw to read without a schema)".to_owned());
    }
    if let (Some(name), Some(pool)) = (&args.proto_type, &context.pool)
        && pool
            .get_message_by_name(name.trim_start_matches('.'))
            .is_none()
    {
        return Err(format!("the .proto files have no message type {name}"));
    }
    let mut reader = Reader::new(context);
    reader.forced = Forced {
        format,
        message_type: args.proto_type.clone(),
        avro_schema,
        compression: args.compressed,
    };
    Ok(Some(reader))
}

/// The decoder settings of the saved profile named or with id `wanted`.
fn profile_decoders(wanted: &str) -> Result<DecoderSettings, String> {
    let dir: PathBuf = crate::profiles::config_dir()
        .ok_or("no folder for mqscope's settings; set MQSCOPE_CONFIG_DIR")?;
    let loaded = crate::profiles::ProfileStore::load(&dir);
    if let Some(notice) = loaded.notice {
        eprintln!("mqscope: {notice}");
    }
    loaded
        .profiles
        .into_iter()
        .find(|p| p.id == wanted || p.name == wanted)
        .map(|p| p.decoders)
        .ok_or_else(|| {
            format!(
                "no saved profile is named \"{wanted}\" (in {})",
                dir.display()
            )
        })
}

/// Reads `publish` (after taking it in for Sparkplug's state) and writes
/// `,"decoded_as":…,"decoded_because":…,"decoded":…` or `"decode_error"`,
/// and `"sparkplug"` for messages of its namespace.
pub fn write_fields(
    out: &mut impl Write,
    reader: &mut Reader,
    publish: &Publish,
) -> io::Result<()> {
    let hints = Hints::of_publish(publish);
    let findings = reader.observe(&hints, &publish.payload);
    let reading = reader.read(&hints, &publish.payload);
    let mut fields = Map::new();
    fields.insert("decoded_as".into(), reading.format.key().into());
    fields.insert(
        "decoded_because".into(),
        reason_words(&reading.reason).into(),
    );
    match reading.result {
        Ok(decoded) => {
            if let Some((method, size)) = decoded.inflated_from {
                fields.insert(
                    "decompressed".into(),
                    serde_json::json!({"from": method.key(), "compressed_bytes": size}),
                );
            }
            fields.insert("decoded".into(), decoded.value);
        }
        Err(error) => {
            fields.insert("decode_error".into(), error.to_string().into());
        }
    }
    if let Some(Topic::Node(topic)) = parse_topic(&publish.topic)
        && reading.format == crate::decode::Format::Sparkplug
    {
        let mut sparkplug = Map::new();
        sparkplug.insert("group".into(), topic.group.into());
        sparkplug.insert("message_type".into(), topic.message_type.key().into());
        sparkplug.insert("edge_node".into(), topic.edge_node.into());
        if let Some(device) = topic.device {
            sparkplug.insert("device".into(), device.into());
        }
        if let Some(node) = reader.sparkplug.node(topic.group, topic.edge_node) {
            let state = match topic.device {
                Some(device) => node.devices.get(device).map(|d| d.state),
                None => Some(node.state),
            };
            if let Some(state) = state {
                sparkplug.insert("state".into(), state_key(state).into());
            }
        }
        if !findings.is_empty() {
            sparkplug.insert(
                "findings".into(),
                Value::Array(findings.iter().map(|f| finding_words(f).into()).collect()),
            );
        }
        fields.insert("sparkplug".into(), Value::Object(sparkplug));
    }
    for (name, value) in fields {
        out.write_all(b",")?;
        serde_json::to_writer(&mut *out, &name).map_err(io::Error::other)?;
        out.write_all(b":")?;
        serde_json::to_writer(&mut *out, &value).map_err(io::Error::other)?;
    }
    Ok(())
}

/// A node's state as the JSON line spells it.
pub fn state_key(state: NodeState) -> &'static str {
    match state {
        NodeState::Online => "online",
        NodeState::Offline => "offline",
        NodeState::Stale => "stale",
    }
}

/// Why a format was chosen, in English.
pub fn reason_words(reason: &Reason) -> String {
    match reason {
        Reason::Asked => "asked for with --decode".to_owned(),
        Reason::Rule { filter } => format!("the rule for {filter}"),
        Reason::SparkplugTopic => "the topic is in the Sparkplug B namespace".to_owned(),
        Reason::SparkplugState => "the topic is a Sparkplug host's STATE".to_owned(),
        Reason::ContentType(content_type) => format!("its Content Type is {content_type}"),
        Reason::PayloadFormatIndicator => "its Payload Format Indicator says UTF-8 text".to_owned(),
        Reason::AvroContainer => "the payload is an Avro object container file".to_owned(),
        Reason::ParsesAsJson => "the whole payload parses as JSON".to_owned(),
        Reason::Utf8Text => "the payload is UTF-8 text".to_owned(),
        Reason::Binary => {
            "the payload is binary and nothing names its format (set --decode or a rule)".to_owned()
        }
    }
}

/// A Sparkplug finding, in English.
pub fn finding_words(finding: &Finding) -> String {
    match finding {
        Finding::SeqGap { expected, got } => {
            format!("seq {got} came where {expected} was expected: messages are missing")
        }
        Finding::MissingSeq => "the message has no seq".to_owned(),
        Finding::BdSeqMismatch { birth, death } => format!(
            "the NDEATH's bdSeq ({}) is not the NBIRTH's ({})",
            death.map_or("none".to_owned(), |n| n.to_string()),
            birth.map_or("none".to_owned(), |n| n.to_string())
        ),
        Finding::NoBirth => "no birth certificate was seen for this node or device".to_owned(),
        Finding::UnresolvedAliases(count) => {
            format!("metrics with an alias no birth named: {count}")
        }
    }
}
