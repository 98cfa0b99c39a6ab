//! How `mqscope sub` prints a message: one JSON object per line, or
//! `topic payload` like `mosquitto_sub -v`.

use std::io::{self, Write};
use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use crate::proto::{Property, Publish};

fn json_string(out: &mut impl Write, text: &str) -> io::Result<()> {
    serde_json::to_writer(&mut *out, text).map_err(io::Error::other)
}

/// Write `{"topic": …, "qos": …, "retain": …, "dup": …, "payload" or
/// "payload_base64": …, "properties": {…}, "received_at": …}` and a newline;
/// with a `reader`, the decoded payload beside the bytes (see
/// [`super::decoding::write_fields`]).
pub fn write_json(
    out: &mut impl Write,
    publish: &Publish,
    received_at: SystemTime,
    reader: Option<&mut crate::decode::Reader>,
) -> io::Result<()> {
    out.write_all(b"{\"topic\":")?;
    json_string(out, &publish.topic)?;
    write!(
        out,
        ",\"qos\":{},\"retain\":{},\"dup\":{},",
        publish.qos.to_u8(),
        publish.retain,
        publish.dup
    )?;
    match std::str::from_utf8(&publish.payload) {
        Ok(text) => {
            out.write_all(b"\"payload\":")?;
            json_string(out, text)?;
        }
        Err(_) => {
            out.write_all(b"\"payload_base64\":\"")?;
            out.write_all(BASE64.encode(&publish.payload).as_bytes())?;
            out.write_all(b"\"")?;
        }
    }
    if let Some(reader) = reader {
        super::decoding::write_fields(out, reader, publish)?;
    }
    out.write_all(b",\"properties\":{")?;
    write_properties(out, publish)?;
    out.write_all(b"},\"received_at\":\"")?;
    out.write_all(
        humantime::format_rfc3339_micros(received_at)
            .to_string()
            .as_bytes(),
    )?;
    out.write_all(b"\"}\n")
}

fn write_properties(out: &mut impl Write, publish: &Publish) -> io::Result<()> {
    let p = &publish.properties;
    let mut first = true;
    let mut key = |out: &mut dyn Write, name: &str| -> io::Result<()> {
        if !first {
            out.write_all(b",")?;
        }
        first = false;
        write!(out, "\"{name}\":")
    };
    if let Some(v) = p.payload_format_indicator() {
        key(out, "payload-format-indicator")?;
        write!(out, "{v}")?;
    }
    if let Some(v) = p.message_expiry_interval_secs() {
        key(out, "message-expiry-interval")?;
        write!(out, "{v}")?;
    }
    if let Some(v) = p.content_type() {
        key(out, "content-type")?;
        json_string(out, v)?;
    }
    if let Some(v) = p.response_topic() {
        key(out, "response-topic")?;
        json_string(out, v)?;
    }
    if let Some(v) = p.correlation_data() {
        key(out, "correlation-data")?;
        write!(out, "\"{}\"", BASE64.encode(v))?;
    }
    let ids: Vec<String> = p
        .subscription_identifiers()
        .map(|id| id.to_string())
        .collect();
    if !ids.is_empty() {
        key(out, "subscription-identifier")?;
        write!(out, "[{}]", ids.join(","))?;
    }
    if let Some(v) = p.topic_alias() {
        key(out, "topic-alias")?;
        write!(out, "{v}")?;
    }
    if p.iter()
        .any(|prop| matches!(prop, Property::UserProperty(..)))
    {
        key(out, "user-property")?;
        out.write_all(b"[")?;
        for (index, (name, value)) in p.user_properties().enumerate() {
            if index > 0 {
                out.write_all(b",")?;
            }
            out.write_all(b"[")?;
            json_string(out, name)?;
            out.write_all(b",")?;
            json_string(out, value)?;
            out.write_all(b"]")?;
        }
        out.write_all(b"]")?;
    }
    Ok(())
}

/// Write `topic payload` and a newline.
pub fn write_text(out: &mut impl Write, publish: &Publish) -> io::Result<()> {
    out.write_all(publish.topic.as_bytes())?;
    out.write_all(b" ")?;
    out.write_all(&publish.payload)?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{Properties, QoS};
    use bytes::Bytes;

    #[test]
    fn json_with_every_property_parses_back() {
        let mut publish = Publish::new("a/\"b\"", Bytes::from_static(b"hi \n there"));
        publish.qos = QoS::AtLeastOnce;
        publish.packet_id = 3;
        publish.retain = true;
        publish.properties = Properties::new()
            .with(Property::PayloadFormatIndicator(1))
            .with(Property::MessageExpiryInterval(30))
            .with(Property::ContentType("text/plain".into()))
            .with(Property::ResponseTopic("r".into()))
            .with(Property::CorrelationData(Bytes::from_static(&[0, 255])))
            .with(Property::SubscriptionIdentifier(4))
            .with(Property::SubscriptionIdentifier(9))
            .with(Property::UserProperty("k".into(), "v1".into()))
            .with(Property::UserProperty("k".into(), "v2".into()));
        let mut out = Vec::new();
        write_json(&mut out, &publish, SystemTime::UNIX_EPOCH, None).unwrap();
        assert_eq!(out.last(), Some(&b'\n'));
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["topic"], "a/\"b\"");
        assert_eq!(value["qos"], 1);
        assert_eq!(value["retain"], true);
        assert_eq!(value["dup"], false);
        assert_eq!(value["payload"], "hi \n there");
        let props = &value["properties"];
        assert_eq!(props["payload-format-indicator"], 1);
        assert_eq!(props["message-expiry-interval"], 30);
        assert_eq!(props["content-type"], "text/plain");
        assert_eq!(props["response-topic"], "r");
        assert_eq!(props["correlation-data"], "AP8=");
        assert_eq!(props["subscription-identifier"], serde_json::json!([4, 9]));
        assert_eq!(
            props["user-property"],
            serde_json::json!([["k", "v1"], ["k", "v2"]])
        );
        assert_eq!(value["received_at"], "1970-01-01T00:00:00.000000Z");
    }

    #[test]
    fn binary_payloads_are_base64_and_absent_properties_are_left_out() {
        let publish = Publish::new("t", Bytes::from_static(&[0xFF, 0x00]));
        let mut out = Vec::new();
        write_json(&mut out, &publish, SystemTime::UNIX_EPOCH, None).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["payload_base64"], "/wA=");
        assert!(value.get("payload").is_none());
        assert_eq!(value["properties"], serde_json::json!({}));
    }

    #[test]
    fn a_cbor_payload_is_printed_decoded_beside_its_bytes_with_why() {
        let mut bytes = Vec::new();
        ciborium::ser::into_writer(
            &ciborium::Value::Map(vec![(
                ciborium::Value::Text("t".into()),
                ciborium::Value::Float(21.5),
            )]),
            &mut bytes,
        )
        .unwrap();
        let mut publish = Publish::new("lab/cbor", bytes);
        publish.properties.push(crate::proto::Property::ContentType(
            "application/cbor".into(),
        ));
        let mut reader = crate::decode::Reader::default();
        let mut out = Vec::new();
        write_json(
            &mut out,
            &publish,
            SystemTime::UNIX_EPOCH,
            Some(&mut reader),
        )
        .unwrap();
        let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(line["decoded"], serde_json::json!({"t": 21.5}));
        assert_eq!(line["decoded_as"], "cbor");
        assert_eq!(
            line["decoded_because"],
            "its Content Type is application/cbor"
        );
        assert!(line["payload_base64"].is_string(), "the bytes are kept too");
        // Binary that nothing names stays raw, and says so.
        let mut out = Vec::new();
        let publish = Publish::new("lab/x", Bytes::from_static(&[0x81, 0xa1]));
        write_json(
            &mut out,
            &publish,
            SystemTime::UNIX_EPOCH,
            Some(&mut reader),
        )
        .unwrap();
        let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(line["decoded_as"], "raw");
        assert_eq!(line["decoded"], serde_json::json!({"$base64": "gaE="}));
    }
}
