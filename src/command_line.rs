//! A message as a shell command that publishes it again: an `mqscope pub`
//! or a `mosquitto_pub` line for a POSIX shell, to paste into a script or a
//! bug report. The password is never written: a line that needs one reads
//! it from `$MQTT_PASSWORD`.

use crate::net::TransportKind;
use crate::profiles::Profile;
use crate::proto::{Property, ProtocolVersion, Publish};

/// Which program the line runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tool {
    /// `mqscope pub`.
    Mqscope,
    /// `mosquitto_pub` (mosquitto's client).
    Mosquitto,
}

/// Why a message cannot be written as a line for a tool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoCommand {
    /// mosquitto_pub does not speak MQTT over WebSocket.
    WebSocket,
}

/// The shell line that publishes `publish` to `profile`'s broker with `tool`.
pub fn publish_command(
    tool: Tool,
    profile: &Profile,
    publish: &Publish,
) -> Result<String, NoCommand> {
    let mut args: Vec<String> = Vec::new();
    let version = profile.advanced.mqtt_version;
    match (profile.transport, tool) {
        (TransportKind::WebSocket | TransportKind::SecureWebSocket, Tool::Mosquitto) => {
            return Err(NoCommand::WebSocket);
        }
        (TransportKind::WebSocket | TransportKind::SecureWebSocket, Tool::Mqscope) => {
            let scheme = if profile.transport == TransportKind::WebSocket {
                "ws"
            } else {
                "wss"
            };
            let path = profile.websocket_path.trim_start_matches('/');
            args.extend([
                "-L".into(),
                format!("{scheme}://{}:{}/{path}", profile.host, profile.port),
            ]);
        }
        _ => args.extend([
            "-h".into(),
            profile.host.clone(),
            "-p".into(),
            profile.port.to_string(),
        ]),
    }
    let secure = matches!(
        profile.transport,
        TransportKind::Tls | TransportKind::SecureWebSocket
    );
    if secure {
        let tls = &profile.tls;
        match &tls.ca_file {
            Some(file) => args.extend(["--cafile".into(), file.display().to_string()]),
            None => args.push("--tls-use-os-certs".into()),
        }
        if let Some(cert) = &tls.client_cert {
            args.extend(["--cert".into(), cert.display().to_string()]);
        }
        if let Some(key) = &tls.client_key {
            args.extend(["--key".into(), key.display().to_string()]);
        }
        if tls.skip_verification {
            args.push("--insecure".into());
        }
    }
    args.extend([
        "-V".into(),
        match version {
            ProtocolVersion::V5 => "5",
            _ => "311",
        }
        .into(),
    ]);
    if !profile.user_name.is_empty() {
        args.extend(["-u".into(), profile.user_name.clone()]);
    }
    args.extend([
        "-t".into(),
        publish.topic.to_string(),
        "-q".into(),
        publish.qos.to_u8().to_string(),
    ]);
    if publish.retain {
        args.push("-r".into());
    }
    let mut left_out = Vec::new();
    if version == ProtocolVersion::V5 {
        for property in publish.properties.iter() {
            match property_args(property) {
                Some(more) => {
                    args.extend(["-D".into(), "publish".into()]);
                    args.extend(more);
                }
                None => left_out.push(property.id().name()),
            }
        }
    }
    let text = std::str::from_utf8(&publish.payload)
        .ok()
        .filter(|t| !t.contains('\0'));
    let from_stdin = match (publish.payload.is_empty(), text) {
        (true, _) => {
            args.push("-n".into());
            false
        }
        (false, Some(text)) => {
            args.extend(["-m".into(), text.to_owned()]);
            false
        }
        (false, None) => {
            args.push("-s".into());
            true
        }
    };
    let program = match tool {
        Tool::Mqscope => "mqscope pub",
        Tool::Mosquitto => "mosquitto_pub",
    };
    let mut line = String::new();
    if from_stdin {
        line.push_str(&format!("printf '{}' | ", octal_escapes(&publish.payload)));
    }
    line.push_str(program);
    for arg in &args {
        line.push(' ');
        line.push_str(&shell_quote(arg));
    }
    if !profile.user_name.is_empty() {
        line.push_str(" -P \"$MQTT_PASSWORD\"");
    }
    if !left_out.is_empty() {
        line.push_str(&format!("  # left out: {}", left_out.join(", ")));
    }
    Ok(line)
}

/// A PUBLISH property as `-D publish NAME VALUE` takes it, if it can be
/// written as text.
fn property_args(property: &Property) -> Option<Vec<String>> {
    let pair = |name: &str, value: String| Some(vec![name.to_owned(), value]);
    match property {
        Property::PayloadFormatIndicator(v) => pair("payload-format-indicator", v.to_string()),
        Property::MessageExpiryInterval(v) => pair("message-expiry-interval", v.to_string()),
        Property::ContentType(v) => pair("content-type", v.to_string()),
        Property::ResponseTopic(v) => pair("response-topic", v.to_string()),
        Property::CorrelationData(data) => std::str::from_utf8(data)
            .ok()
            .filter(|t| !t.contains('\0'))
            .and_then(|t| pair("correlation-data", t.to_owned())),
        Property::UserProperty(key, value) => Some(vec![
            "user-property".to_owned(),
            key.to_string(),
            value.to_string(),
        ]),
        // Topic Alias and Subscription Identifier belong to a connection.
        _ => None,
    }
}

/// `text` as one word for a POSIX shell: as it is when it is plain, else
/// in single quotes (a quote inside written as `'\''`).
pub fn shell_quote(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./:=,+@%".contains(&b));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// Bytes for a POSIX `printf` format: every byte as `\NNN` (octal).
fn octal_escapes(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("\\{b:03o}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    #[test]
    fn words_are_quoted_only_when_the_shell_would_change_them() {
        assert_eq!(shell_quote("lab/room-1/t"), "lab/room-1/t");
        assert_eq!(shell_quote("21.5 °C"), "'21.5 °C'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
        assert_eq!(shell_quote("lab/#"), "'lab/#'");
    }

    #[test]
    fn a_binary_payload_goes_through_printf_and_stdin() {
        let mut profile = Profile::new("lab");
        profile.host = "127.0.0.1".into();
        profile.port = 1883;
        let publish = Publish::new("lab/raw", vec![0, 255, b'\'']);
        let line = publish_command(Tool::Mosquitto, &profile, &publish).unwrap();
        assert!(
            line.starts_with(r"printf '\000\377\047' | mosquitto_pub "),
            "{line}"
        );
        assert!(line.ends_with(" -s"), "{line}");
    }

    #[test]
    fn the_password_is_never_written() {
        let mut profile = Profile::new("lab");
        profile.user_name = "ana".into();
        profile.password = Some("s3cret".into());
        let line =
            publish_command(Tool::Mqscope, &profile, &Publish::new("t", b"x".to_vec())).unwrap();
        assert!(!line.contains("s3cret"), "{line}");
        assert!(
            line.contains(" -u ana ") && line.ends_with(r#"-P "$MQTT_PASSWORD""#),
            "{line}"
        );
    }

    #[test]
    fn binary_correlation_data_is_named_as_left_out() {
        let mut publish = Publish::new("t", b"x".to_vec());
        publish
            .properties
            .push(Property::CorrelationData(Bytes::from_static(&[0, 1])));
        let line = publish_command(Tool::Mqscope, &Profile::new("lab"), &publish).unwrap();
        assert!(line.ends_with("# left out: Correlation Data"), "{line}");
    }

    #[test]
    fn mosquitto_pub_has_no_websocket() {
        let mut profile = Profile::new("lab");
        profile.transport = TransportKind::WebSocket;
        let publish = Publish::new("t", b"x".to_vec());
        assert_eq!(
            publish_command(Tool::Mosquitto, &profile, &publish),
            Err(NoCommand::WebSocket)
        );
        let line = publish_command(Tool::Mqscope, &profile, &publish).unwrap();
        assert!(line.contains(" -L ws://"), "{line}");
    }
}
