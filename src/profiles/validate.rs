//! Checks of a profile before Connect, in plain words, each tied to the field
//! the editor shows it next to.

use std::path::Path;

use rust_i18n::t;

use rustls_pki_types::ServerName;

use super::{HIVEMQ_CLOUD_PLACEHOLDER_HOST, PasswordStorage, Profile, non_empty, non_empty_path};
use crate::net::LONGEST_WAIT;
use crate::proto::ProtocolVersion;
use crate::proto::topic::{
    validate_plain_topic_filter, validate_topic_filter, validate_topic_name,
};

/// The highest Subscription Identifier (a four-byte variable byte integer).
const MAX_SUBSCRIPTION_IDENTIFIER: u32 = 268_435_455;

/// An editable field of a profile; list entries carry their index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Field {
    /// The profile's name.
    Name,
    /// The host.
    Host,
    /// The port.
    Port,
    /// The transport.
    Transport,
    /// The WebSocket path.
    WebSocketPath,
    /// The Client Identifier.
    ClientId,
    /// The User Name.
    UserName,
    /// The password.
    Password,
    /// Where the password is kept.
    PasswordStorage,
    /// MQTT 5 or 3.1.1.
    MqttVersion,
    /// Keep Alive.
    KeepAlive,
    /// Clean Start.
    CleanStart,
    /// Session Expiry Interval.
    SessionExpiryInterval,
    /// Receive Maximum.
    ReceiveMaximum,
    /// Maximum Packet Size.
    MaximumPacketSize,
    /// Topic Alias Maximum.
    TopicAliasMaximum,
    /// Request Response Information.
    RequestResponseInformation,
    /// Request Problem Information.
    RequestProblemInformation,
    /// A User Property of CONNECT.
    UserProperty(usize),
    /// How long to wait for CONNACK.
    ConnectTimeout,
    /// Will on or off.
    WillEnabled,
    /// Will Topic.
    WillTopic,
    /// Will Payload.
    WillPayload,
    /// Will QoS.
    WillQos,
    /// Will Retain.
    WillRetain,
    /// Will Delay Interval.
    WillDelayInterval,
    /// Message Expiry Interval of the will.
    WillMessageExpiryInterval,
    /// Content Type of the will.
    WillContentType,
    /// Response Topic of the will.
    WillResponseTopic,
    /// Correlation Data of the will.
    WillCorrelationData,
    /// Payload Format Indicator of the will.
    WillPayloadFormatIndicator,
    /// A User Property of the will.
    WillUserProperty(usize),
    /// The CA file.
    TlsCaFile,
    /// Trust the operating system's certificates.
    TlsUseOsRoots,
    /// The client certificate file.
    TlsClientCert,
    /// The client key file.
    TlsClientKey,
    /// ALPN protocols.
    TlsAlpn,
    /// The server name override.
    TlsServerName,
    /// Skip certificate verification.
    TlsSkipVerification,
    /// The one broker certificate trusted by its fingerprint.
    TlsTrustedFingerprint,
    /// Reconnect on or off.
    ReconnectEnabled,
    /// First reconnect delay.
    ReconnectInitialDelay,
    /// Longest reconnect delay.
    ReconnectMaxDelay,
    /// The topic filter of a saved subscription.
    SubscriptionFilter(usize),
    /// The options (QoS, No Local, …) of a saved subscription.
    SubscriptionOptions(usize),
    /// The Subscription Identifier of a saved subscription.
    SubscriptionIdentifier(usize),
}

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Worth knowing; Connect still works.
    Warning,
    /// Connect cannot work (or the broker must refuse it) until this is fixed.
    Error,
}

/// A problem with one field, shown next to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field.
    pub field: Field,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong and what to do, in plain English.
    pub message: String,
}

impl FieldError {
    /// Whether this stops Connect.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Parse the text of the port field: a whole number from 1 to 65535.
pub fn parse_port_field(text: &str) -> Result<u16, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("Enter a port number from 1 to 65535 (MQTT usually uses 1883).".to_owned());
    }
    match text.parse::<u64>() {
        Ok(port @ 1..=65535) => Ok(port as u16),
        Ok(_) => Err(t!(
            "%{text} is not a port number: a port is a whole number from 1 to 65535.",
            text = text
        )
        .into_owned()),
        Err(_) => Err(t!(
            "\"%{text}\" is not a port number: a port is a whole number from 1 to 65535.",
            text = text
        )
        .into_owned()),
    }
}

struct Problems(Vec<FieldError>);

impl Problems {
    fn error(&mut self, field: Field, message: impl Into<String>) {
        self.push(field, Severity::Error, message.into());
    }

    fn warning(&mut self, field: Field, message: impl Into<String>) {
        self.push(field, Severity::Warning, message.into());
    }

    fn push(&mut self, field: Field, severity: Severity, message: String) {
        self.0.push(FieldError {
            field,
            severity,
            message,
        });
    }

    /// A setting that MQTT 3.1.1 does not have.
    fn not_in_v311(&mut self, field: Field, what: &str) {
        self.warning(
            field,
            t!(
                "MQTT 3.1.1 has no %{what}, so it is not sent. Choose MQTT 5 to use it.",
                what = what
            )
            .into_owned(),
        );
    }

    fn file(&mut self, field: Field, path: &Path, what: &str) {
        if path.is_file() {
            return;
        }
        let message = if path.exists() {
            t!(
                "%{path} is a folder, not a %{what} file.",
                path = path.display(),
                what = what
            )
            .into_owned()
        } else {
            t!(
                "The %{what} file %{path} does not exist. Check the path or choose the file again.",
                what = what,
                path = path.display()
            )
            .into_owned()
        };
        self.error(field, message);
    }
}

pub(super) fn validate(profile: &Profile) -> Vec<FieldError> {
    let mut p = Problems(Vec::new());
    let v5 = profile.advanced.mqtt_version == ProtocolVersion::V5;
    check_address(profile, &mut p);
    check_identity(profile, v5, &mut p);
    check_advanced(profile, v5, &mut p);
    check_will(profile, v5, &mut p);
    check_tls(profile, &mut p);
    check_reconnect(profile, &mut p);
    check_subscriptions(profile, v5, &mut p);
    p.0
}

fn check_address(profile: &Profile, p: &mut Problems) {
    if profile.name.trim().is_empty() {
        p.warning(
            Field::Name,
            t!("Give this profile a name so that you can find it in the list."),
        );
    }
    let host = profile.host.trim();
    if host.is_empty() {
        p.error(
            Field::Host,
            t!("Enter the broker's host name or IP address, for example broker.hivemq.com."),
        );
    } else if host.contains("://") {
        p.error(
            Field::Host,
            t!("Enter only the host name, without mqtt://, ws:// or a port; choose the transport and port in their own fields."),
        );
    } else if host.contains(char::is_whitespace) || host.contains('/') {
        p.error(
            Field::Host,
            t!("A host name cannot contain spaces or '/'. Enter only the name, e.g. broker.hivemq.com."),
        );
    } else if host.eq_ignore_ascii_case(HIVEMQ_CLOUD_PLACEHOLDER_HOST) || host.contains("YOUR-") {
        p.error(
            Field::Host,
            t!("Replace this example with the host name of your own HiveMQ Cloud cluster: copy the cluster URL from the HiveMQ Cloud console (it ends in .hivemq.cloud)."),
        );
    }
    if profile.port == 0 {
        p.error(
            Field::Port,
            t!("The port must be a number from 1 to 65535."),
        );
    } else {
        let tls = profile.transport.is_tls();
        if tls && matches!(profile.port, 1883 | 80) {
            p.warning(
                Field::Port,
                t!(
                    "Port %{port} is usually for unencrypted connections, but this profile uses TLS. Check the port or the transport.",
                    port = profile.port
                ),
            );
        } else if !tls && matches!(profile.port, 8883 | 443) {
            p.warning(
                Field::Port,
                t!(
                    "Port %{port} is usually for TLS, but this profile connects without encryption. Check the port or the transport.",
                    port = profile.port
                ),
            );
        }
    }
    if profile.transport.is_websocket() {
        let path = profile.websocket_path.trim();
        if !path.is_empty() && !path.starts_with('/') {
            p.error(
                Field::WebSocketPath,
                t!(
                    "The WebSocket path must start with '/', for example /mqtt (not \"%{path}\").",
                    path = path
                )
                .into_owned(),
            );
        }
    }
}

fn check_identity(profile: &Profile, v5: bool, p: &mut Problems) {
    let client_id = profile.client_id.trim();
    if !v5 && client_id.len() > 23 {
        p.warning(
            Field::ClientId,
            t!(
                "This client id has %{count} characters. MQTT 3.1.1 brokers only have to accept up to 23, so some may refuse it. Shorten it or use MQTT 5.",
                count = client_id.chars().count()
            ),
        );
    }
    if client_id.is_empty() && !profile.advanced.clean_start && !v5 {
        p.warning(
            Field::ClientId,
            t!("Without a fixed client id, each connect starts a new session, so unticking Clean start has no effect. Enter a client id to resume the session."),
        );
    }
    let has_password = profile.password.as_deref().is_some_and(|p| !p.is_empty());
    if !v5 && has_password && profile.user_name.trim().is_empty() {
        // [MQTT-3.1.2-22] (MQTT 3.1.1)
        p.error(
            Field::UserName,
            t!("MQTT 3.1.1 cannot send a password without a user name. Enter the user name, or use MQTT 5."),
        );
    }
    if profile.host.trim().ends_with(".hivemq.cloud") && profile.user_name.trim().is_empty() {
        p.error(
            Field::UserName,
            t!("HiveMQ Cloud clusters accept only clients with a user name and password. Create credentials for your cluster in the HiveMQ Cloud console and enter them here."),
        );
    }
    if profile.password_storage == PasswordStorage::PlainText && has_password {
        p.warning(
            Field::PasswordStorage,
            t!("The password is saved unencrypted in profiles.toml: anyone who can read your files can read it."),
        );
    }
}

fn check_advanced(profile: &Profile, v5: bool, p: &mut Problems) {
    let advanced = &profile.advanced;
    if advanced.keep_alive_secs == 0 {
        p.warning(
            Field::KeepAlive,
            t!("Keep alive 0 switches keep alive off: if the network silently fails, mqscope and the broker may not notice for a long time. 60 seconds is usual."),
        );
    }
    if advanced.receive_maximum == Some(0) {
        // Receive Maximum 0 is a Protocol Error (MQTT 5.0 section 3.1.2.11.3).
        p.error(
            Field::ReceiveMaximum,
            t!("Receive maximum must be from 1 to 65535; 0 is not allowed. Clear the field to use the default (65535)."),
        );
    }
    if advanced.maximum_packet_size == Some(0) {
        // Maximum Packet Size 0 is a Protocol Error (MQTT 5.0 section 3.1.2.11.4).
        p.error(
            Field::MaximumPacketSize,
            t!("Maximum packet size must be at least 1 byte; 0 is not allowed. Clear the field for no limit."),
        );
    }
    if advanced.connect_timeout_secs == 0 {
        p.error(
            Field::ConnectTimeout,
            t!("The connect timeout must be at least 1 second."),
        );
    } else if u64::from(advanced.connect_timeout_secs) > LONGEST_WAIT.as_secs() {
        p.error(
            Field::ConnectTimeout,
            t!(
                "The connect timeout must be at most %{longest} seconds (one day); %{secs} seconds is longer. 10 seconds is usual.",
                longest = LONGEST_WAIT.as_secs(),
                secs = advanced.connect_timeout_secs
            ),
        );
    }
    if v5 {
        if !advanced.clean_start && advanced.session_expiry_interval_secs.unwrap_or(0) == 0 {
            p.warning(
                Field::SessionExpiryInterval,
                t!("With session expiry 0 the broker forgets the session when the connection ends, so unticking Clean start resumes nothing. Set a session expiry to keep the session."),
            );
        }
        return;
    }
    if advanced.session_expiry_interval_secs.is_some() {
        p.not_in_v311(Field::SessionExpiryInterval, &t!("session expiry interval"));
    }
    if advanced.receive_maximum.is_some() {
        p.not_in_v311(Field::ReceiveMaximum, &t!("receive maximum"));
    }
    if advanced.maximum_packet_size.is_some() {
        p.not_in_v311(Field::MaximumPacketSize, &t!("maximum packet size"));
    }
    if advanced
        .topic_alias_maximum
        .is_some_and(|max| max != super::DEFAULT_TOPIC_ALIAS_MAXIMUM)
    {
        p.not_in_v311(Field::TopicAliasMaximum, &t!("topic aliases"));
    }
    if advanced.request_response_information {
        p.not_in_v311(
            Field::RequestResponseInformation,
            &t!("response information"),
        );
    }
    if !advanced.request_problem_information {
        p.not_in_v311(
            Field::RequestProblemInformation,
            &t!("problem information setting"),
        );
    }
    if !advanced.user_properties.is_empty() {
        p.not_in_v311(Field::UserProperty(0), &t!("user properties"));
    }
}

fn check_will(profile: &Profile, v5: bool, p: &mut Problems) {
    let will = &profile.will;
    if !will.enabled {
        return;
    }
    if let Err(error) = validate_topic_name(&will.topic) {
        let message = if will.topic.is_empty() {
            "Enter the topic the will message is published to, or switch the will off.".to_owned()
        } else {
            t!(
                "The will topic \"%{topic}\" is not valid: %{error}.",
                topic = will.topic,
                error = error
            )
            .into_owned()
        };
        p.error(Field::WillTopic, message);
    }
    if !will.response_topic.is_empty()
        && let Err(error) = validate_topic_name(&will.response_topic)
    {
        p.error(
            Field::WillResponseTopic,
            t!(
                "The response topic \"%{topic}\" is not valid: %{error}.",
                topic = will.response_topic,
                error = error
            ),
        );
    }
    if !v5 && will.has_properties() {
        p.not_in_v311(Field::WillDelayInterval, &t!("will properties"));
    }
}

fn check_tls(profile: &Profile, p: &mut Problems) {
    let tls = &profile.tls;
    if !profile.transport.is_tls() {
        if tls.is_customised() {
            p.warning(
                Field::Transport,
                t!("The TLS settings are not used because this profile connects without encryption. Choose TLS or secure WebSocket to use them."),
            );
        }
        return;
    }
    if let Some(path) = non_empty_path(&tls.ca_file) {
        p.file(Field::TlsCaFile, path, &t!("CA certificate"));
    }
    let cert = non_empty_path(&tls.client_cert);
    let key = non_empty_path(&tls.client_key);
    if let Some(path) = cert {
        p.file(Field::TlsClientCert, path, &t!("client certificate"));
    }
    if let Some(path) = key {
        p.file(Field::TlsClientKey, path, &t!("client key"));
    }
    match (cert, key) {
        (Some(bundle), None) if crate::net::is_named_pkcs12(bundle) => {}
        (Some(_), None) => p.error(
            Field::TlsClientKey,
            t!("A client certificate needs its private key: choose the key file too."),
        ),
        (None, Some(_)) => p.error(
            Field::TlsClientCert,
            t!("A private key needs its client certificate: choose the certificate file too."),
        ),
        _ => {}
    }
    if tls.alpn.iter().any(|p| p.trim().is_empty()) {
        p.error(
            Field::TlsAlpn,
            t!("An ALPN protocol name is empty. Remove it or enter a name such as mqtt."),
        );
    }
    if let Some(name) = tls.server_name.as_deref().and_then(non_empty)
        && ServerName::try_from(name.to_owned()).is_err()
    {
        p.error(
            Field::TlsServerName,
            t!("\"%{name}\" is not a valid server name for TLS. Enter a host name or leave the field empty.", name = name).into_owned(),
        );
    }
    if let Some(text) = tls.trusted_fingerprint.as_deref().and_then(non_empty)
        && text.parse::<crate::net::Fingerprint>().is_err()
    {
        p.error(
            Field::TlsTrustedFingerprint,
            t!("This is not a SHA-256 fingerprint. It is 32 pairs of hex digits, such as AB:CD:…:EF, as openssl x509 -noout -fingerprint -sha256 prints it. Leave it empty to trust the certificate authorities."),
        );
    }
    if tls.skip_verification {
        p.warning(
            Field::TlsSkipVerification,
            t!("Certificate checks are off: anyone between you and the broker can read and change the traffic, passwords included. Use this only for testing."),
        );
    }
}

fn check_reconnect(profile: &Profile, p: &mut Problems) {
    let reconnect = &profile.reconnect;
    if !reconnect.enabled {
        return;
    }
    if reconnect.initial_delay_ms == 0 {
        p.error(
            Field::ReconnectInitialDelay,
            t!("The first reconnect delay must be more than 0 ms, or mqscope would hammer the broker. 1000 ms is usual."),
        );
    }
    let longest_ms = LONGEST_WAIT.as_millis();
    if u128::from(reconnect.initial_delay_ms) > longest_ms {
        p.error(
            Field::ReconnectInitialDelay,
            t!(
                "The first reconnect delay must be at most %{longest_ms} ms (one day); %{ms} ms is longer.",
                longest_ms = longest_ms,
                ms = reconnect.initial_delay_ms
            ),
        );
    }
    if u128::from(reconnect.max_delay_ms) > longest_ms {
        p.error(
            Field::ReconnectMaxDelay,
            t!(
                "The longest reconnect delay must be at most %{longest_ms} ms (one day); %{ms} ms is longer.",
                longest_ms = longest_ms,
                ms = reconnect.max_delay_ms
            ),
        );
    }
    if reconnect.max_delay_ms < reconnect.initial_delay_ms {
        p.error(
            Field::ReconnectMaxDelay,
            t!("The longest reconnect delay must not be shorter than the first delay."),
        );
    }
}

fn check_subscriptions(profile: &Profile, v5: bool, p: &mut Problems) {
    let mut seen = std::collections::HashSet::new();
    for (index, subscription) in profile.subscriptions.iter().enumerate() {
        let filter = subscription.filter.trim();
        let valid = if v5 {
            validate_topic_filter(filter)
        } else {
            validate_plain_topic_filter(filter)
        };
        if let Err(error) = valid {
            let message = if filter.is_empty() {
                "Enter a topic filter, for example sensors/# or #.".to_owned()
            } else {
                t!(
                    "The topic filter \"%{filter}\" is not valid: %{error}.",
                    filter = filter,
                    error = error
                )
                .into_owned()
            };
            p.error(Field::SubscriptionFilter(index), message);
        } else if !seen.insert(filter) {
            p.warning(
                Field::SubscriptionFilter(index),
                t!("\"%{filter}\" is in the list twice; the broker keeps only one subscription per filter.", filter = filter).into_owned(),
            );
        }
        if v5 && subscription.no_local && filter.starts_with("$share/") {
            // [MQTT-3.8.3-4]
            p.error(
                Field::SubscriptionOptions(index),
                t!("\"%{filter}\" is a shared subscription, which cannot use No Local. Untick No Local.", filter = filter).into_owned(),
            );
        }
        if let Some(id) = subscription.subscription_identifier {
            if !v5 {
                p.not_in_v311(
                    Field::SubscriptionIdentifier(index),
                    &t!("subscription identifiers"),
                );
            } else if id == 0 || id > MAX_SUBSCRIPTION_IDENTIFIER {
                p.error(
                    Field::SubscriptionIdentifier(index),
                    "A subscription identifier is a number from 1 to 268435455. Clear the field to send none.",
                );
            }
        }
    }
}
