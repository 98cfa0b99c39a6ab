//! Command-line options, named as mosquitto_sub and mosquitto_pub 2.0 name them.

use std::ops::RangeInclusive;
use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

/// mqscope: a native MQTT 5 client. With no command, opens the window.
#[derive(Debug, Parser)]
#[command(name = "mqscope", version, disable_help_flag = true)]
pub struct Cli {
    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,
    /// What to do; without one, the window opens.
    #[command(subcommand)]
    pub command: Option<CliCommand>,
    /// Open the window connected to this broker: mqtt://, mqtts://, ws:// or
    /// wss://[user[:password]@]host[:port][/path]. For mqtt:// and mqtts://
    /// the path is a topic to subscribe to (%23 for #).
    #[arg(value_name = "URL")]
    pub url: Option<String>,
    /// The same as URL.
    #[arg(long = "connect", value_name = "URL", conflicts_with = "url")]
    pub connect: Option<String>,
    /// With --connect: subscribe to this topic filter (repeatable).
    #[arg(long = "subscribe", value_name = "FILTER")]
    pub subscribe: Vec<String>,
    /// With --connect: record every packet for the packet inspector.
    #[arg(long = "record-packets")]
    pub record_packets: bool,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// Subscribe and print each message as one JSON line (like mosquitto_sub).
    #[command(disable_help_flag = true)]
    Sub(SubArgs),
    /// Publish messages (like mosquitto_pub).
    #[command(disable_help_flag = true)]
    Pub(PubArgs),
    /// Publish a request and print its response (like mosquitto_rr).
    #[command(disable_help_flag = true)]
    Rr(RrArgs),
    /// Write the messages of a recording as JSON lines or CSV.
    #[command(disable_help_flag = true)]
    Export(ExportArgs),
    /// Publish the messages of a recording to a broker, with their timing.
    #[command(disable_help_flag = true)]
    Replay(ReplayArgs),
    /// Run the built-in MQTT broker with no window (for a lab server).
    #[cfg(feature = "builtin-broker")]
    #[command(disable_help_flag = true)]
    Broker(BrokerArgs),
}

/// `mqscope broker`.
#[cfg(feature = "builtin-broker")]
#[derive(Debug, Args)]
pub struct BrokerArgs {
    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,
    /// MQTT port, used exactly (default: 1883, or the next free port).
    #[arg(short = 'p', long = "port")]
    pub port: Option<u16>,
    /// WebSocket port, used exactly (default: 8080, or the next free port).
    #[arg(long = "ws-port", conflicts_with = "no_ws")]
    pub ws_port: Option<u16>,
    /// No WebSocket listener.
    #[arg(long = "no-ws")]
    pub no_ws: bool,
    /// Address to listen on (default 127.0.0.1; 0.0.0.0 for every network).
    #[arg(long = "listen", default_value = "127.0.0.1")]
    pub listen: std::net::IpAddr,
    /// Run the demo sensors (topics under lab/).
    #[arg(long = "demo")]
    pub demo: bool,
    /// The user name clients must give (with -P).
    #[arg(short = 'u', long = "username", requires = "password")]
    pub user_name: Option<String>,
    /// The password clients must give (with -u).
    #[arg(short = 'P', long = "pw", requires = "user_name")]
    pub password: Option<String>,
    /// Let clients in without a user name, even off this computer.
    #[arg(long = "allow-anonymous")]
    pub allow_anonymous: bool,
}

/// Options shared by `sub` and `pub`.
#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,
    /// Broker host name or address.
    #[arg(short = 'h', long = "host", default_value = "localhost")]
    pub host: String,
    /// Broker port (default 1883, or 8883 with TLS).
    #[arg(short = 'p', long = "port")]
    pub port: Option<String>,
    /// Broker URL: mqtt://, mqtts://, ws:// or wss://[user[:password]@]host[:port][/path].
    /// For mqtt:// and mqtts:// the path is the topic, as in mosquitto.
    #[arg(short = 'L', long = "url")]
    pub url: Option<String>,
    /// MQTT version: 5 (default) or 311.
    #[arg(short = 'V', long = "protocol-version", default_value = "5")]
    pub protocol_version: String,
    /// Client identifier (default: mqscope- and random characters).
    #[arg(short = 'i', long = "id")]
    pub client_id: Option<String>,
    /// User name.
    #[arg(short = 'u', long = "username")]
    pub user_name: Option<String>,
    /// Password.
    #[arg(short = 'P', long = "pw")]
    pub password: Option<String>,
    /// Keep alive in seconds, 0 (off) to 65535.
    #[arg(short = 'k', long = "keepalive", default_value_t = 60, value_parser = parse_keep_alive)]
    pub keep_alive_secs: u16,
    /// Do not start clean: resume the broker's session for this client id.
    #[arg(short = 'c', long = "disable-clean-session")]
    pub no_clean_start: bool,
    /// Session expiry interval in seconds (MQTT 5), 0 to 4294967295; -1 or
    /// "inf" for never (4294967295 also means never).
    #[arg(
        short = 'x',
        long = "session-expiry-interval",
        allow_hyphen_values = true,
        value_parser = parse_session_expiry
    )]
    pub session_expiry_secs: Option<u32>,
    /// MQTT 5 property: -D COMMAND NAME VALUE (user-property takes NAME KEY VALUE).
    #[arg(short = 'D', long = "property", num_args = 3..=4, action = ArgAction::Append, value_names = ["COMMAND", "NAME", "VALUE"])]
    pub properties: Vec<String>,
    /// Trust only the certificate authorities in this PEM file (enables TLS).
    #[arg(long = "cafile")]
    pub ca_file: Option<PathBuf>,
    /// Client certificate for TLS: PEM (with --key), or a PKCS#12 bundle (.p12/.pfx) that holds the key.
    #[arg(long = "cert")]
    pub cert: Option<PathBuf>,
    /// Private key (PEM, plain or encrypted PKCS#8) of the client certificate; the passphrase of an encrypted key or a .p12 comes from MQSCOPE_KEY_PASSPHRASE.
    #[arg(long = "key")]
    pub key: Option<PathBuf>,
    /// Trust exactly the broker certificate with this SHA-256 fingerprint (as `openssl x509 -fingerprint -sha256` prints it), whoever signed it.
    #[arg(long = "trust-fingerprint", value_name = "SHA256")]
    pub trust_fingerprint: Option<crate::net::Fingerprint>,
    /// Do not verify the broker's certificate (anyone on the path can read and change the traffic).
    #[arg(long = "insecure")]
    pub insecure: bool,
    /// TLS-PSK key (as mosquitto's clients take it): not supported; mqscope says why and stops.
    #[arg(long = "psk", value_name = "HEX")]
    pub psk: Option<String>,
    /// TLS-PSK identity: not supported, like --psk.
    #[arg(long = "psk-identity", value_name = "IDENTITY")]
    pub psk_identity: Option<String>,
    /// Trust the operating system's certificate authorities (enables TLS).
    #[arg(long = "tls-use-os-certs")]
    pub tls_use_os_certs: bool,
    /// ALPN protocol to offer during the TLS handshake.
    #[arg(long = "tls-alpn")]
    pub tls_alpn: Option<String>,
    /// Topic of the will message.
    #[arg(long = "will-topic")]
    pub will_topic: Option<String>,
    /// Payload of the will message.
    #[arg(long = "will-payload")]
    pub will_payload: Option<String>,
    /// QoS of the will message.
    #[arg(long = "will-qos", default_value_t = 0)]
    pub will_qos: u8,
    /// Retain the will message.
    #[arg(long = "will-retain")]
    pub will_retain: bool,
    /// Print debug information (every packet) on stderr.
    #[arg(short = 'd', long = "debug")]
    pub debug: bool,
}

/// How `sub` prints messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// One JSON object per line.
    Json,
    /// `topic payload` per line, like `mosquitto_sub -v`.
    Text,
}

/// `mqscope sub`.
#[derive(Debug, Args)]
pub struct SubArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Topic filter to subscribe to (repeatable).
    #[arg(short = 't', long = "topic", required_unless_present = "unsubscribe")]
    pub topics: Vec<String>,
    /// Unsubscribe from FILTER once connected, e.g. from a persistent session (-c) (repeatable).
    #[arg(short = 'U', long = "unsubscribe", value_name = "FILTER")]
    pub unsubscribe: Vec<String>,
    /// Print each message by FORMAT, as mosquitto_sub -F does: %t topic, %p payload, %j JSON, … (see docs/CLI.md).
    #[arg(short = 'F', value_name = "FORMAT")]
    pub print_format: Option<String>,
    /// Do not print retained messages (those with the retain flag set).
    #[arg(short = 'R', long = "no-retained")]
    pub no_retained: bool,
    /// Print only retained messages, and exit at the first one that is not retained.
    #[arg(long = "retained-only")]
    pub retained_only: bool,
    /// Clear each retained message that arrives (an empty retained publish to its topic; -T keeps topics out).
    #[arg(long = "remove-retained")]
    pub remove_retained: bool,
    /// Exit once the broker has acknowledged the subscriptions (and -U's unsubscriptions).
    #[arg(short = 'E', long = "exit-after-subscribe")]
    pub exit_after_subscribe: bool,
    /// Print no newline after each message.
    #[arg(short = 'N', long = "no-newline")]
    pub no_newline: bool,
    /// Indent JSON output: the JSON lines, and -F's %j and %J.
    #[arg(long = "pretty")]
    pub pretty: bool,
    /// Do not print messages on topics matching this filter (repeatable).
    #[arg(short = 'T', long = "filter-out")]
    pub filter_out: Vec<String>,
    /// Maximum QoS of the subscription.
    #[arg(short = 'q', long = "qos", default_value_t = 0)]
    pub qos: u8,
    /// Exit after this many messages (1 or more).
    #[arg(short = 'C', long = "count", value_parser = parse_count)]
    pub count: Option<u64>,
    /// Exit with status 27 after this many seconds (1 or more) without
    /// finishing; a time too far ahead for the system clock means no timeout.
    #[arg(short = 'W', long = "timeout", value_parser = parse_timeout)]
    pub timeout_secs: Option<u64>,
    /// Output format.
    #[arg(long = "format", value_enum, default_value_t = OutputFormat::Json)]
    pub format: OutputFormat,
    /// Print `topic payload` lines (same as --format text).
    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,
    /// Subscription option No Local (MQTT 5).
    #[arg(long = "no-local")]
    pub no_local: bool,
    /// Subscription option Retain As Published (MQTT 5).
    #[arg(long = "retain-as-published")]
    pub retain_as_published: bool,
    /// Subscription option Retain Handling 0, 1 or 2 (MQTT 5).
    #[arg(long = "retain-handling", default_value_t = 0)]
    pub retain_handling: u8,
    /// Record every packet of the connection to FILE (an mqscope recording,
    /// `.mqrec`), while printing as usual.
    #[arg(long = "record", value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Decode each payload: auto, json, cbor, msgpack, protobuf,
    /// protobuf-raw, sparkplug, avro, text or raw; each JSON line gets "decoded"
    /// and "decoded_as", or "decode_error" (see docs/DECODING.md).
    #[arg(long = "decode", value_name = "DECODER", value_parser = parse_decoder)]
    pub decode: Option<DecodeChoice>,
    /// A .proto file to compile for --decode protobuf (repeatable).
    #[arg(long = "proto", value_name = "FILE")]
    pub proto: Vec<PathBuf>,
    /// The Protobuf message type payloads are, e.g. acme.Telemetry.
    #[arg(long = "proto-type", value_name = "NAME")]
    pub proto_type: Option<String>,
    /// A folder where the .proto files' imports are found (repeatable).
    #[arg(long = "proto-path", value_name = "DIR")]
    pub proto_path: Vec<PathBuf>,
    /// The Avro schema (.avsc) payloads are datums of, for --decode avro
    /// (an Avro container file carries its own).
    #[arg(long = "avro-schema", value_name = "FILE")]
    pub avro_schema: Option<PathBuf>,
    /// Take the per-filter decoder rules of this saved profile (its name or id).
    #[arg(long = "decoders-from", value_name = "PROFILE")]
    pub decoders_from: Option<String>,
    /// Take this compression off every payload first: gzip, zlib or deflate
    /// (gzip and zlib are found without it).
    #[arg(long = "compressed", value_name = "METHOD", value_parser = parse_compression)]
    pub compressed: Option<crate::decode::Compression>,
}

/// What `--decode` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeChoice {
    /// Choose per message from what cannot be mistaken.
    Auto,
    /// Read every payload as this format.
    Format(crate::decode::Format),
}

fn parse_decoder(text: &str) -> Result<DecodeChoice, String> {
    if text == "auto" {
        return Ok(DecodeChoice::Auto);
    }
    crate::decode::Format::from_key(text)
        .map(DecodeChoice::Format)
        .ok_or_else(|| {
            let keys: Vec<&str> = crate::decode::Format::ALL.iter().map(|f| f.key()).collect();
            format!("use auto, {}", keys.join(", "))
        })
}

fn parse_compression(text: &str) -> Result<crate::decode::Compression, String> {
    crate::decode::Compression::from_key(text).ok_or_else(|| "use gzip, zlib or deflate".to_owned())
}

/// What `mqscope export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line, as `mqscope sub` prints them.
    Jsonl,
    /// One message per row, with a header row.
    Csv,
}

/// `mqscope export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Print help.
    #[arg(long, action = ArgAction::Help)]
    pub help: Option<bool>,
    /// The recording (`.mqrec`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Output format.
    #[arg(long = "format", value_enum, default_value_t = ExportFormat::Jsonl)]
    pub format: ExportFormat,
    /// Write to OUT instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Only messages on topics matching this filter (repeatable).
    #[arg(short = 't', long = "topic", value_name = "FILTER")]
    pub topics: Vec<String>,
    /// Only messages from TIME on: RFC 3339 (2026-12-03T10:00:00Z) or an
    /// offset from the recording's start (90s, 5m, 1h30m).
    #[arg(long = "from", value_name = "TIME")]
    pub from: Option<String>,
    /// Only messages up to TIME (as --from).
    #[arg(long = "to", value_name = "TIME")]
    pub to: Option<String>,
}

/// `mqscope replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The recording (`.mqrec`).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// How fast: a factor of the recorded timing (1, 10, 0.5), or max for
    /// no waiting at all.
    #[arg(long = "speed", value_name = "N|max", default_value = "1")]
    pub speed: String,
    /// Only messages on topics matching this filter (repeatable).
    #[arg(short = 't', long = "topic", value_name = "FILTER")]
    pub topics: Vec<String>,
    /// Put PREFIX before each topic, as written (`replay/` gives `replay/lab/t`).
    #[arg(long = "topic-prefix", value_name = "PREFIX")]
    pub topic_prefix: Option<String>,
}

/// `mqscope pub`.
#[derive(Debug, Args)]
pub struct PubArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Topic to publish to.
    #[arg(short = 't', long = "topic")]
    pub topic: Option<String>,
    /// QoS.
    #[arg(short = 'q', long = "qos", default_value_t = 0)]
    pub qos: u8,
    /// Retain the message.
    #[arg(short = 'r', long = "retain")]
    pub retain: bool,
    /// The message.
    #[arg(short = 'm', long = "message", group = "source")]
    pub message: Option<String>,
    /// Send the contents of a file as the message.
    #[arg(short = 'f', long = "file", group = "source")]
    pub file: Option<PathBuf>,
    /// Send standard input as one message.
    #[arg(short = 's', long = "stdin-file", group = "source")]
    pub stdin_whole: bool,
    /// Send each line of standard input as a message.
    #[arg(short = 'l', long = "stdin-line", group = "source")]
    pub stdin_lines: bool,
    /// Send an empty message.
    #[arg(short = 'n', long = "null-message", group = "source")]
    pub empty: bool,
    /// Publish the message (of -m, -f, -s or -n) N times, each after the last has gone (and been acknowledged, at QoS 1 and 2).
    #[arg(long = "repeat", value_name = "N", default_value_t = 1, value_parser = parse_count)]
    pub repeat: u64,
    /// With --repeat: wait SECS (a decimal, e.g. 0.5) between publishes.
    #[arg(long = "repeat-delay", value_name = "SECS", value_parser = parse_delay)]
    pub repeat_delay: Option<std::time::Duration>,
}

/// `--repeat-delay`: seconds, 0 or more, decimals allowed.
fn parse_delay(text: &str) -> Result<std::time::Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .and_then(|secs| std::time::Duration::try_from_secs_f64(secs).ok())
        .ok_or_else(|| {
            "the repeat delay is a number of seconds, 0 or more (0.1 for a tenth)".to_owned()
        })
}

/// `mqscope rr`.
#[derive(Debug, Args)]
pub struct RrArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Topic to publish the request to.
    #[arg(short = 't', long = "topic", required = true)]
    pub topic: String,
    /// Topic the response comes on (sent as the request's Response Topic).
    #[arg(short = 'e', long = "response-topic", required = true)]
    pub response_topic: String,
    /// QoS of the request and of the subscription to the response topic.
    #[arg(short = 'q', long = "qos", default_value_t = 0)]
    pub qos: u8,
    /// The request's payload.
    #[arg(short = 'm', long = "message", group = "source")]
    pub message: Option<String>,
    /// Send the contents of a file as the request.
    #[arg(short = 'f', long = "file", group = "source")]
    pub file: Option<PathBuf>,
    /// Send standard input as the request.
    #[arg(short = 's', long = "stdin-file", group = "source")]
    pub stdin_whole: bool,
    /// Send an empty request.
    #[arg(short = 'n', long = "null-message", group = "source")]
    pub empty: bool,
    /// Give up (exit 27) when no response came after this many seconds.
    #[arg(short = 'W', long = "timeout", default_value_t = 10, value_parser = parse_timeout)]
    pub timeout_secs: u64,
}

/// A whole number in `range`, or a plain-words error naming `what` and the range.
fn number_in(text: &str, range: RangeInclusive<u64>, what: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "{what} is a whole number from {} to {}",
            range.start(),
            range.end()
        )),
    }
}

/// `-k`: seconds, 0 (off) to 65535, the range of the Keep Alive field.
fn parse_keep_alive(text: &str) -> Result<u16, String> {
    let range = 0..=u64::from(u16::MAX);
    number_in(text, range, "the keep alive (in seconds, 0 for off)")
        .map(|secs| u16::try_from(secs).unwrap_or(u16::MAX))
}

/// `-x`: seconds, 0 to 4294967295, or -1 / inf / ∞ for never (4294967295).
fn parse_session_expiry(text: &str) -> Result<u32, String> {
    if matches!(text.trim(), "-1" | "inf" | "∞") {
        return Ok(u32::MAX);
    }
    number_in(
        text,
        0..=u64::from(u32::MAX),
        "the session expiry interval (in seconds)",
    )
    .map(|secs| u32::try_from(secs).unwrap_or(u32::MAX))
    .map_err(|e| format!("{e}, or -1 for a session that never expires"))
}

/// `-C` and `--repeat`: 1 or more (mosquitto refuses 0 too).
fn parse_count(text: &str) -> Result<u64, String> {
    number_in(text, 1..=u64::MAX, "the message count")
}

/// `-W`: 1 or more seconds (mosquitto_sub refuses 0 too).
fn parse_timeout(text: &str) -> Result<u64, String> {
    number_in(text, 1..=u64::MAX, "the timeout (in seconds)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Parse `mqscope sub -t x` with `extra` options.
    fn sub(extra: &[&str]) -> Result<SubArgs, String> {
        let args = ["mqscope", "sub", "-t", "x"].iter().chain(extra);
        match Cli::try_parse_from(args) {
            Ok(Cli {
                command: Some(CliCommand::Sub(sub)),
                ..
            }) => Ok(sub),
            Ok(other) => Err(format!("not a sub command: {other:?}")),
            Err(error) => Err(error.to_string()),
        }
    }

    fn refused(extra: &[&str]) -> String {
        match sub(extra) {
            Ok(args) => panic!("{extra:?} was accepted: {args:?}"),
            Err(message) => message,
        }
    }

    #[test]
    fn the_largest_numbers_are_accepted() {
        let max = u64::MAX.to_string();
        let args = sub(&["-W", &max, "-C", &max, "-k", "65535", "-x", "4294967295"]).unwrap();
        assert_eq!(args.timeout_secs, Some(u64::MAX));
        assert_eq!(args.count, Some(u64::MAX));
        assert_eq!(args.connect.keep_alive_secs, u16::MAX);
        assert_eq!(args.connect.session_expiry_secs, Some(u32::MAX));
    }

    #[test]
    fn the_smallest_numbers_are_accepted() {
        let args = sub(&["-W", "1", "-C", "1", "-k", "0", "-x", "0"]).unwrap();
        assert_eq!(args.timeout_secs, Some(1));
        assert_eq!(args.count, Some(1));
        assert_eq!(args.connect.keep_alive_secs, 0);
        assert_eq!(args.connect.session_expiry_secs, Some(0));
    }

    #[test]
    fn never_expiring_sessions_have_three_spellings() {
        for never in ["-1", "inf", "∞"] {
            let args = sub(&["-x", never]).unwrap();
            assert_eq!(args.connect.session_expiry_secs, Some(u32::MAX), "{never}");
        }
    }

    #[test]
    fn defaults_are_unchanged() {
        let args = sub(&[]).unwrap();
        assert_eq!(args.connect.keep_alive_secs, 60);
        assert_eq!(args.timeout_secs, None);
        assert_eq!(args.count, None);
        assert_eq!(args.connect.session_expiry_secs, None);
    }

    #[test]
    fn numbers_out_of_range_are_refused_with_the_range() {
        let too_big = "18446744073709551616"; // u64::MAX + 1
        for (option, value, range) in [
            ("-W", "0", "from 1 to 18446744073709551615"),
            ("-W", too_big, "from 1 to 18446744073709551615"),
            ("-W", "-5", ""),
            ("-C", "0", "from 1 to 18446744073709551615"),
            ("-C", too_big, "from 1 to 18446744073709551615"),
            ("-k", "65536", "from 0 to 65535"),
            ("-k", "18446744073709551615", "from 0 to 65535"),
            ("-x", "4294967296", "from 0 to 4294967295, or -1"),
            ("-x", "-2", "from 0 to 4294967295, or -1"),
            ("-x", "soon", "from 0 to 4294967295, or -1"),
        ] {
            let message = refused(&[option, value]);
            assert!(message.contains(range), "{option} {value}: {message}");
        }
    }

    #[test]
    fn refusals_name_what_was_wrong() {
        assert!(refused(&["-W", "0"]).contains("the timeout (in seconds) is a whole number"));
        assert!(refused(&["-C", "0"]).contains("the message count is a whole number"));
        assert!(refused(&["-k", "70000"]).contains("the keep alive (in seconds, 0 for off)"));
        assert!(refused(&["-x", "1e9"]).contains("the session expiry interval (in seconds)"));
    }

    proptest! {
        #[test]
        fn any_timeout_and_count_but_zero_is_accepted(n in any::<u64>()) {
            let text = n.to_string();
            let parsed = sub(&["-W", &text, "-C", &text]);
            if n == 0 {
                prop_assert!(parsed.is_err());
            } else {
                let args = parsed.map_err(TestCaseError::fail)?;
                prop_assert_eq!(args.timeout_secs, Some(n));
                prop_assert_eq!(args.count, Some(n));
            }
        }

        #[test]
        fn keep_alive_is_accepted_exactly_in_its_range(n in any::<u64>()) {
            let parsed = sub(&["-k", &n.to_string()]);
            match u16::try_from(n) {
                Ok(secs) => prop_assert_eq!(parsed.map(|a| a.connect.keep_alive_secs), Ok(secs)),
                Err(_) => prop_assert!(parsed.is_err()),
            }
        }

        #[test]
        fn session_expiry_is_accepted_exactly_in_its_range(n in any::<u64>()) {
            let parsed = sub(&["-x", &n.to_string()]);
            match u32::try_from(n) {
                Ok(secs) => {
                    prop_assert_eq!(parsed.map(|a| a.connect.session_expiry_secs), Ok(Some(secs)))
                }
                Err(_) => prop_assert!(parsed.is_err()),
            }
        }
    }
}
