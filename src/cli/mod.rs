//! The headless commands `mqscope sub` and `mqscope pub`, on the same network
//! thread as the window. Options follow mosquitto_sub / mosquitto_pub 2.0.

pub mod args;
#[cfg(feature = "builtin-broker")]
mod broker;
mod cjson;
pub mod decoding;
pub mod export;
pub mod output;
pub mod props;
mod publish;
pub mod replay;
mod request;
mod sub_format;
mod subscribe;

use bytes::Bytes;

use crate::net::{
    BrokerAddress, Command, CommandSender, ConnectionConfig, ReconnectPolicy, TlsOptions,
    TransportKind, UrlExtras, parse_port,
};
use crate::proto::session::{CloseReason, Direction, SessionOptions};
use crate::proto::{
    Connect, Packet, Properties, Property, ProtocolVersion, QoS, ReasonCode, Will, inspect,
};

pub use args::{Cli, CliCommand};
#[cfg(feature = "builtin-broker")]
pub use broker::run as run_broker;
pub use export::run as run_export;
pub use publish::run as run_pub;
pub use replay::run as run_replay;
pub use request::run as run_rr;
pub use subscribe::run as run_sub;

/// Exit status when a connection or request fails.
pub const EXIT_FAILURE: i32 = 1;
/// Exit status of `sub -W` when the time runs out (as mosquitto_sub).
pub const EXIT_TIMEOUT: i32 = 27;

/// The connection a command will make, and the properties for its packets.
pub struct Prepared {
    /// The network thread's configuration.
    pub config: ConnectionConfig,
    /// The `-D` properties.
    pub properties: props::CliProperties,
    /// The topic from an `mqtt://host/topic` URL.
    pub url_topic: Option<String>,
}

/// Parse `-V`.
pub fn parse_version(text: &str) -> Result<ProtocolVersion, String> {
    match text.to_ascii_lowercase().as_str() {
        "5" | "mqttv5" | "v5" | "5.0" => Ok(ProtocolVersion::V5),
        "311" | "mqttv311" | "v311" | "3.1.1" | "4" => Ok(ProtocolVersion::V311),
        "31" | "mqttv31" | "3.1" => Err("MQTT 3.1 is not supported; use -V 311 or -V 5".to_owned()),
        other => Err(format!("-V {other}: the protocol version must be 5 or 311")),
    }
}

/// Refuse the first filter of `filters` that is not a valid topic filter.
fn validate_filters<'a>(filters: impl IntoIterator<Item = &'a String>) -> Result<(), String> {
    for filter in filters {
        crate::proto::topic::validate_topic_filter(filter)
            .map_err(|e| format!("\"{filter}\" is not a valid topic filter: {e}"))?;
    }
    Ok(())
}

/// Whether `topic` is wanted by `filters` (`-t`, repeatable; none: all).
fn wanted_topic(filters: &[String], topic: &str) -> bool {
    filters.is_empty()
        || filters
            .iter()
            .any(|f| crate::proto::topic::topic_matches(f, topic))
}

fn parse_qos(value: u8, option: &str) -> Result<QoS, String> {
    QoS::from_u8(value).ok_or_else(|| format!("{option} {value}: QoS must be 0, 1 or 2"))
}

/// Turn the shared options into a connection configuration.
pub fn prepare(args: &args::ConnectArgs) -> Result<Prepared, String> {
    if args.psk.is_some() || args.psk_identity.is_some() {
        return Err(PSK_UNSUPPORTED.to_owned());
    }
    let version = parse_version(&args.protocol_version)?;
    let properties = props::parse(&args.properties)?;
    let has_properties = properties != props::CliProperties::default();
    if version == ProtocolVersion::V311 && has_properties {
        return Err("MQTT 3.1.1 has no properties; -D needs -V 5".to_owned());
    }
    let (address, extras) = broker_address(args)?;
    let client_id = args.client_id.clone().unwrap_or_else(|| {
        let suffix: String = std::iter::repeat_with(fastrand::alphanumeric)
            .take(10)
            .collect();
        format!("mqscope-{suffix}")
    });
    let mut connect = Connect::new(version, client_id.as_str());
    connect.clean_start = !args.no_clean_start;
    connect.keep_alive_secs = args.keep_alive_secs;
    connect.properties = properties.connect.clone();
    session_expiry(args, &mut connect)?;
    connect.user_name = args.user_name.clone().or(extras.user_name).map(Into::into);
    connect.password = args
        .password
        .clone()
        .or(extras.password)
        .map(|p| Bytes::from(p.into_bytes()));
    connect.will = will(args, &properties)?;
    Packet::Connect(connect.clone())
        .encoded_len(version)
        .map_err(|e| format!("the CONNECT packet cannot be sent: {e}"))?;
    Ok(Prepared {
        config: ConnectionConfig {
            address,
            tls: tls_options(args),
            connect,
            session: SessionOptions::default(),
            reconnect: ReconnectPolicy::default(),
            packet_log: args.debug,
            recorder: None,
        },
        properties,
        url_topic: extras.topic,
    })
}

/// The broker from `-L`, or `-h` with TLS when a certificate option is given;
/// `-p` overrides the port.
fn broker_address(args: &args::ConnectArgs) -> Result<(BrokerAddress, UrlExtras), String> {
    let (mut address, extras) = match &args.url {
        Some(url) => BrokerAddress::parse_url(url).map_err(|e| format!("-L {url}: {e}"))?,
        None => {
            let tls = args.ca_file.is_some()
                || args.tls_use_os_certs
                || args.cert.is_some()
                || args.trust_fingerprint.is_some();
            let transport = if tls {
                TransportKind::Tls
            } else {
                TransportKind::Tcp
            };
            (
                BrokerAddress::new(transport, args.host.clone(), transport.default_port()),
                UrlExtras::default(),
            )
        }
    };
    if let Some(port) = &args.port {
        address.port = parse_port(port).map_err(|e| format!("-p: {e}"))?;
    }
    Ok((address, extras))
}

/// `-x`, or the longest expiry for `-c` on MQTT 5 (without one the session
/// would end with the connection, which would make `-c` pointless).
fn session_expiry(args: &args::ConnectArgs, connect: &mut Connect) -> Result<(), String> {
    let version = connect.protocol_version;
    if let Some(secs) = args.session_expiry_secs {
        if version == ProtocolVersion::V311 {
            return Err("-x needs MQTT 5 (-V 5)".to_owned());
        }
        connect
            .properties
            .push(Property::SessionExpiryInterval(secs));
    } else if args.no_clean_start
        && version == ProtocolVersion::V5
        && connect.properties.session_expiry_interval_secs().is_none()
    {
        connect
            .properties
            .push(Property::SessionExpiryInterval(u32::MAX));
    }
    Ok(())
}

/// The will message from `--will-topic` and its options.
fn will(
    args: &args::ConnectArgs,
    properties: &props::CliProperties,
) -> Result<Option<Will>, String> {
    match (&args.will_topic, &args.will_payload) {
        (Some(topic), payload) => Ok(Some(Will {
            topic: topic.as_str().into(),
            payload: Bytes::from(payload.clone().unwrap_or_default().into_bytes()),
            qos: parse_qos(args.will_qos, "--will-qos")?,
            retain: args.will_retain,
            properties: properties.will.clone(),
        })),
        (None, Some(_)) => Err("--will-payload needs --will-topic".to_owned()),
        (None, None) => Ok(None),
    }
}

/// TLS from `--cafile`, `--tls-use-os-certs`, `--cert`, `--key`, `--tls-alpn`, `--insecure`.
fn tls_options(args: &args::ConnectArgs) -> TlsOptions {
    TlsOptions {
        ca_file: args.ca_file.clone(),
        use_os_roots: args.tls_use_os_certs,
        client_cert: args.cert.clone(),
        client_key: args.key.clone(),
        server_name: None,
        alpn: args.tls_alpn.iter().cloned().collect(),
        skip_verification: args.insecure,
        key_passphrase: std::env::var(KEY_PASSPHRASE_VARIABLE)
            .ok()
            .map(crate::net::Passphrase),
        trusted_fingerprint: args.trust_fingerprint,
    }
}

/// Why `--psk` stops the run.
pub const PSK_UNSUPPORTED: &str = "--psk: TLS-PSK (a pre-shared key instead of certificates) is not supported: rustls, the TLS library mqscope uses, has no client side for it. Give the broker a certificate and connect with --cafile (or --trust-fingerprint for a self-signed one)";

/// The environment variable that holds the passphrase of an encrypted key
/// or a PKCS#12 bundle (never an option: the command line is visible to
/// every user of the computer).
pub const KEY_PASSPHRASE_VARIABLE: &str = "MQSCOPE_KEY_PASSPHRASE";

/// Ask the network thread to disconnect cleanly.
pub(crate) fn send_disconnect(commands: &CommandSender, properties: &Properties) {
    commands.send(Command::Disconnect {
        reason_code: ReasonCode::Success,
        properties: properties.clone(),
    });
}

/// A refusal or a broken protocol: reconnecting would only repeat it.
pub(crate) fn ends_the_run(reason: &CloseReason) -> bool {
    matches!(
        reason,
        CloseReason::Refused(_) | CloseReason::ProtocolViolation { .. }
    )
}

/// `-d`: describe a packet on stderr.
pub fn print_packet(direction: Direction, bytes: &[u8], version: ProtocolVersion) {
    let arrow = match direction {
        Direction::Sent => "sent",
        Direction::Received => "received",
    };
    let inspection = inspect::inspect(bytes, version);
    let kind = inspection
        .field("Packet Type")
        .map(|f| f.value.clone())
        .unwrap_or_default();
    eprintln!("mqscope: {arrow} {kind}, {} bytes", bytes.len());
    for field in inspection.fields.iter().skip(1) {
        eprintln!(
            "  {:indent$}{}: {}",
            "",
            field.name,
            field.value,
            indent = usize::from(field.depth) * 2
        );
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    /// The connection `mqscope sub -t x` with `extra` options would make.
    fn prepared(extra: &[&str]) -> Result<Prepared, String> {
        let args = ["mqscope", "sub", "-t", "x"].iter().chain(extra);
        match Cli::try_parse_from(args) {
            Ok(Cli {
                command: Some(CliCommand::Sub(sub)),
                ..
            }) => prepare(&sub.connect),
            Ok(_) => Err("not a sub command".to_owned()),
            Err(error) => Err(error.to_string()),
        }
    }

    #[test]
    fn extreme_keep_alive_and_session_expiry_reach_the_connect_packet() {
        for (keep_alive, expiry, secs) in [
            ("0", "0", 0),
            ("65535", "4294967295", u32::MAX),
            ("1", "-1", u32::MAX),
        ] {
            let connect = prepared(&["-k", keep_alive, "-x", expiry])
                .unwrap()
                .config
                .connect;
            assert_eq!(connect.keep_alive_secs.to_string(), keep_alive);
            assert_eq!(
                connect.properties.session_expiry_interval_secs(),
                Some(secs)
            );
        }
    }

    #[test]
    fn session_expiry_needs_mqtt_5() {
        let Err(error) = prepared(&["-V", "311", "-x", "4294967295"]) else {
            panic!("-x was accepted with MQTT 3.1.1");
        };
        assert!(error.contains("-x needs MQTT 5"), "{error}");
    }

    #[test]
    fn extreme_numbers_in_properties_are_checked() {
        let max = u32::MAX.to_string();
        let connect = prepared(&["-D", "connect", "maximum-packet-size", &max])
            .unwrap()
            .config
            .connect;
        assert_eq!(connect.properties.maximum_packet_size(), Some(u32::MAX));
        let too_big = (u64::from(u32::MAX) + 1).to_string();
        let error = prepared(&["-D", "publish", "message-expiry-interval", &too_big])
            .err()
            .unwrap_or_default();
        assert!(error.contains("from 0 to 4294967295"), "{error}");
        let error = prepared(&["-D", "connect", "receive-maximum", "0"])
            .err()
            .unwrap_or_default();
        assert!(error.contains("receive-maximum"), "{error}");
    }
}
