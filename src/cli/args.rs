//! Command-line options, named as mosquitto_sub and mosquitto_pub 2.0 name them.

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
    /// Open the window connected to this broker URL (mqtt://, mqtts://, ws://, wss://).
    #[arg(long = "connect", value_name = "URL")]
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
    /// Keep alive in seconds (0: off).
    #[arg(short = 'k', long = "keepalive", default_value_t = 60)]
    pub keep_alive_secs: u16,
    /// Do not start clean: resume the broker's session for this client id.
    #[arg(short = 'c', long = "disable-clean-session")]
    pub no_clean_start: bool,
    /// Session expiry interval in seconds (MQTT 5); -1 or "inf" for never.
    #[arg(
        short = 'x',
        long = "session-expiry-interval",
        allow_hyphen_values = true
    )]
    pub session_expiry: Option<String>,
    /// MQTT 5 property: -D COMMAND NAME VALUE (user-property takes NAME KEY VALUE).
    #[arg(short = 'D', long = "property", num_args = 3..=4, action = ArgAction::Append, value_names = ["COMMAND", "NAME", "VALUE"])]
    pub properties: Vec<String>,
    /// Trust only the certificate authorities in this PEM file (enables TLS).
    #[arg(long = "cafile")]
    pub ca_file: Option<PathBuf>,
    /// Client certificate (PEM) for TLS.
    #[arg(long = "cert")]
    pub cert: Option<PathBuf>,
    /// Private key (PEM) of the client certificate.
    #[arg(long = "key")]
    pub key: Option<PathBuf>,
    /// Do not verify the broker's certificate (anyone on the path can read and change the traffic).
    #[arg(long = "insecure")]
    pub insecure: bool,
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
    #[arg(short = 't', long = "topic", required = true)]
    pub topics: Vec<String>,
    /// Do not print messages on topics matching this filter (repeatable).
    #[arg(short = 'T', long = "filter-out")]
    pub filter_out: Vec<String>,
    /// Maximum QoS of the subscription.
    #[arg(short = 'q', long = "qos", default_value_t = 0)]
    pub qos: u8,
    /// Exit after this many messages.
    #[arg(short = 'C', long = "count")]
    pub count: Option<u64>,
    /// Exit with status 27 after this many seconds without finishing.
    #[arg(short = 'W', long = "timeout")]
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
}
