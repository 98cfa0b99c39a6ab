//! Saved connection profiles: what the connection editor edits, what
//! `profiles.toml` in the platform config directory holds, and how a profile
//! becomes a [`ConnectionConfig`] for the network thread.
//!
//! - [`Profile`]: one saved connection, every field optional in the file
//!   (`#[serde(default)]`), unknown fields ignored.
//! - [`presets`]: the public brokers a student recognises.
//! - [`Profile::validate`]: plain-words problems next to each field.
//! - [`ProfileStore`]: loading (a broken file is moved aside, never
//!   overwritten) and atomic saving.
//! - [`SecretStore`]: where passwords go when they are not written in plain text.
//! - [`MessageLibrary`]: publish messages kept per profile (`messages.toml`).

mod connect;
pub mod decoders;
mod foreign;
mod library;
mod presets;
mod secrets;
mod serde_forms;
mod store;
mod transfer;
mod validate;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use library::{LIBRARY_FILE_NAME, LibraryChange, MessageLibrary, PayloadMode, SavedMessage};
pub use presets::{HIVEMQ_CLOUD_PLACEHOLDER_HOST, PRESET_ID_PREFIX, presets};
pub use secrets::{
    KeyringStore, MemorySecretStore, NoKeyring, SecretError, SecretStore, default_secret_store,
};
pub use store::{
    CONFIG_DIR_ENV, FILE_NAME, LoadOutcome, ProfileChange, ProfileStore, StoreError, config_dir,
};
pub use transfer::{
    ImportError, ImportSource, Imported, PASSWORDS_WARNING, export_text, read_import, side_by_side,
};
pub use validate::{Field, FieldError, Severity, parse_port_field};

use crate::net::{BrokerAddress, ReconnectPolicy, TransportKind};
use crate::proto::{ProtocolVersion, QoS, RetainHandling};

/// Where the password of a profile is kept between runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasswordStorage {
    /// Nowhere: the password is asked for on each connect.
    DoNotSave,
    /// In the operating system's keyring (Keychain, Credential Manager,
    /// Secret Service), under the profile's [`Profile::id`].
    #[default]
    Keyring,
    /// In `profiles.toml`, readable by anyone who can read the file.
    PlainText,
}

/// The Topic Alias Maximum a new profile offers the broker: aliases for up to
/// 64 topics, so the alias table stays small.
pub const DEFAULT_TOPIC_ALIAS_MAXIMUM: u16 = 64;

/// One saved connection.
///
/// [`Profile::password`] is written to disk only when
/// [`Profile::password_storage`] is [`PasswordStorage::PlainText`]; otherwise
/// it only holds the password typed in this run.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", default)]
pub struct Profile {
    /// A stable random identifier (the keyring entry's name).
    pub id: String,
    /// What the user calls it, e.g. "HiveMQ public broker (TCP)".
    pub name: String,
    /// The broker's host name or IP address.
    pub host: String,
    /// The broker's TCP port.
    pub port: u16,
    /// TCP, TLS, WebSocket or secure WebSocket.
    #[serde(with = "serde_forms::TransportDef")]
    pub transport: TransportKind,
    /// The HTTP path of the WebSocket endpoint (WebSocket transports only).
    pub websocket_path: String,
    /// The Client Identifier; empty: a fresh `mqscope-…` id on each connect.
    pub client_id: String,
    /// The User Name; empty: none sent.
    pub user_name: String,
    /// Where the password is kept.
    pub password_storage: PasswordStorage,
    /// The password: saved in the file only with [`PasswordStorage::PlainText`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// Protocol version, keep alive, session and CONNECT properties.
    pub advanced: AdvancedSettings,
    /// The will message.
    pub will: WillSettings,
    /// TLS settings (TLS and secure WebSocket transports).
    pub tls: TlsSettings,
    /// Automatic reconnection.
    pub reconnect: ReconnectSettings,
    /// Subscriptions made after each connect.
    pub subscriptions: Vec<SavedSubscription>,
    /// How payloads are decoded: per-filter rules and `.proto` paths.
    pub decoders: decoders::DecoderSettings,
}

/// The "Advanced" part of a profile: protocol version, keep alive, session
/// and the CONNECT properties.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AdvancedSettings {
    /// MQTT 5 or 3.1.1 (`"5"` or `"3.1.1"` in the file).
    #[serde(with = "serde_forms::VersionDef")]
    pub mqtt_version: ProtocolVersion,
    /// Keep Alive in seconds; 0 switches keep alive off.
    pub keep_alive_secs: u16,
    /// Clean Start (MQTT 5) or Clean Session (MQTT 3.1.1).
    pub clean_start: bool,
    /// Session Expiry Interval in seconds (MQTT 5); `None`: not sent, the
    /// session ends with the connection. `u32::MAX`: never expires.
    pub session_expiry_interval_secs: Option<u32>,
    /// Receive Maximum (MQTT 5); `None`: not sent (65 535).
    pub receive_maximum: Option<u16>,
    /// Maximum Packet Size in bytes (MQTT 5); `None`: not sent (no limit).
    pub maximum_packet_size: Option<u32>,
    /// Topic Alias Maximum (MQTT 5); `None`: not sent (0, no aliases). By
    /// default [`DEFAULT_TOPIC_ALIAS_MAXIMUM`], so that a broker may shorten
    /// the topics it sends.
    pub topic_alias_maximum: Option<u16>,
    /// Request Response Information (MQTT 5).
    pub request_response_information: bool,
    /// Request Problem Information (MQTT 5).
    pub request_problem_information: bool,
    /// User Properties of CONNECT (MQTT 5).
    pub user_properties: Vec<UserProperty>,
    /// How long to wait for CONNACK, in seconds.
    pub connect_timeout_secs: u32,
}

/// A User Property: a name and value pair.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct UserProperty {
    /// The name.
    pub name: String,
    /// The value.
    pub value: String,
}

/// The will message of a profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WillSettings {
    /// Send a will message at all.
    pub enabled: bool,
    /// Will Topic.
    pub topic: String,
    /// Will Payload, as text (sent as its UTF-8 bytes).
    pub payload: String,
    /// Will QoS (0, 1 or 2 in the file).
    #[serde(with = "serde_forms::qos_number")]
    pub qos: QoS,
    /// Will Retain.
    pub retain: bool,
    /// Will Delay Interval in seconds (MQTT 5).
    pub delay_interval_secs: Option<u32>,
    /// Message Expiry Interval in seconds (MQTT 5).
    pub message_expiry_interval_secs: Option<u32>,
    /// Content Type (MQTT 5); empty: not sent.
    pub content_type: String,
    /// Response Topic (MQTT 5); empty: not sent.
    pub response_topic: String,
    /// Correlation Data as text (MQTT 5); empty: not sent.
    pub correlation_data: String,
    /// Send Payload Format Indicator 1: the payload is UTF-8 text (MQTT 5).
    pub payload_format_indicator: bool,
    /// User Properties of the will (MQTT 5).
    pub user_properties: Vec<UserProperty>,
}

/// TLS settings of a profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TlsSettings {
    /// Trust the certificate authorities in this PEM file.
    pub ca_file: Option<PathBuf>,
    /// Also trust the operating system's certificate store. Without this and
    /// without a CA file, the Mozilla root certificates built into mqscope are used.
    pub use_os_roots: bool,
    /// A client certificate: PEM, or a PKCS#12 bundle (`.p12`/`.pfx`) that
    /// holds its key too.
    pub client_cert: Option<PathBuf>,
    /// The private key (PEM, possibly encrypted) of a PEM client certificate.
    pub client_key: Option<PathBuf>,
    /// ALPN protocols to offer.
    pub alpn: Vec<String>,
    /// The name for SNI and the certificate check; `None` or empty: the host.
    pub server_name: Option<String>,
    /// Do not check the broker's certificate (testing only).
    pub skip_verification: bool,
    /// Trust exactly the broker certificate with this SHA-256 fingerprint
    /// (`AB:CD:…`), whoever signed it; checked on every connect.
    pub trusted_fingerprint: Option<String>,
}

/// Automatic reconnection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReconnectSettings {
    /// Reconnect when the connection ends.
    pub enabled: bool,
    /// The first delay in milliseconds.
    pub initial_delay_ms: u64,
    /// The longest delay in milliseconds.
    pub max_delay_ms: u64,
}

/// A subscription made after each connect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedSubscription {
    /// The topic filter.
    pub filter: String,
    /// Maximum QoS (0, 1 or 2 in the file).
    #[serde(with = "serde_forms::qos_number")]
    pub qos: QoS,
    /// No Local (MQTT 5).
    pub no_local: bool,
    /// Retain As Published (MQTT 5).
    pub retain_as_published: bool,
    /// Retain Handling (0, 1 or 2 in the file; MQTT 5).
    #[serde(with = "serde_forms::retain_handling_number")]
    pub retain_handling: RetainHandling,
    /// Subscription Identifier (MQTT 5; 1 to 268 435 455).
    pub subscription_identifier: Option<u32>,
    /// The colour of its messages in the window, as RGB.
    pub color: [u8; 3],
}

/// Why a profile cannot be turned into a connection.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    /// [`Profile::validate`] found errors (warnings do not count).
    #[error("{}", describe_invalid(.0))]
    Invalid(Vec<FieldError>),
    /// The CONNECT packet cannot be encoded (e.g. a field is too long).
    #[error("the CONNECT packet cannot be sent: {0}")]
    Connect(String),
}

fn describe_invalid(errors: &[FieldError]) -> String {
    match errors {
        [] => "the profile has a problem".to_owned(),
        [one] => one.message.clone(),
        [first, rest @ ..] => format!(
            "{} (and {} more problem{} in this profile)",
            first.message,
            rest.len(),
            if rest.len() == 1 { "" } else { "s" }
        ),
    }
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            id: String::new(),
            name: String::new(),
            host: String::new(),
            port: 1883,
            transport: TransportKind::Tcp,
            websocket_path: "/mqtt".to_owned(),
            client_id: String::new(),
            user_name: String::new(),
            password_storage: PasswordStorage::default(),
            password: None,
            advanced: AdvancedSettings::default(),
            will: WillSettings::default(),
            tls: TlsSettings::default(),
            reconnect: ReconnectSettings::default(),
            subscriptions: Vec::new(),
            decoders: decoders::DecoderSettings::default(),
        }
    }
}

impl Default for AdvancedSettings {
    fn default() -> Self {
        AdvancedSettings {
            mqtt_version: ProtocolVersion::V5,
            keep_alive_secs: 60,
            clean_start: true,
            session_expiry_interval_secs: None,
            receive_maximum: None,
            maximum_packet_size: None,
            topic_alias_maximum: Some(DEFAULT_TOPIC_ALIAS_MAXIMUM),
            request_response_information: false,
            request_problem_information: true,
            user_properties: Vec::new(),
            connect_timeout_secs: 10,
        }
    }
}

impl Default for ReconnectSettings {
    fn default() -> Self {
        let policy = ReconnectPolicy::default();
        ReconnectSettings {
            enabled: policy.enabled,
            initial_delay_ms: policy.initial_delay.as_millis() as u64,
            max_delay_ms: policy.max_delay.as_millis() as u64,
        }
    }
}

impl Default for SavedSubscription {
    fn default() -> Self {
        SavedSubscription {
            filter: String::new(),
            qos: QoS::AtMostOnce,
            no_local: false,
            retain_as_published: false,
            retain_handling: RetainHandling::SendAtSubscribe,
            subscription_identifier: None,
            color: [0x4c, 0x9a, 0xff],
        }
    }
}

impl fmt::Debug for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Profile")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("transport", &self.transport)
            .field("websocket_path", &self.websocket_path)
            .field("client_id", &self.client_id)
            .field("user_name", &self.user_name)
            .field("password_storage", &self.password_storage)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .field("advanced", &self.advanced)
            .field("will", &self.will)
            .field("tls", &self.tls)
            .field("reconnect", &self.reconnect)
            .field("subscriptions", &self.subscriptions)
            .finish()
    }
}

// The derive above (`remote = "Self"`) generates inherent `serialize` and
// `deserialize` functions; these trait impls wrap them so that a password is
// written and read only with plain-text storage, whoever serializes.
impl Serialize for Profile {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.password_storage == PasswordStorage::PlainText || self.password.is_none() {
            Profile::serialize(self, serializer)
        } else {
            let scrubbed = Profile {
                password: None,
                ..self.clone()
            };
            Profile::serialize(&scrubbed, serializer)
        }
    }
}

impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut profile = Profile::deserialize(deserializer)?;
        if profile.password_storage != PasswordStorage::PlainText {
            profile.password = None;
        }
        Ok(profile)
    }
}

/// A fresh random profile id (16 letters and digits).
pub fn new_profile_id() -> String {
    std::iter::repeat_with(fastrand::alphanumeric)
        .take(16)
        .collect()
}

/// A fresh client identifier: `mqscope-` and 10 letters and digits (18
/// characters, within MQTT 3.1.1's 23).
pub fn generate_client_id() -> String {
    let suffix: String = std::iter::repeat_with(fastrand::alphanumeric)
        .take(10)
        .collect();
    format!("mqscope-{suffix}")
}

impl Profile {
    /// An empty profile (localhost:1883, MQTT 5) with a fresh id.
    pub fn new(name: impl Into<String>) -> Profile {
        Profile {
            id: new_profile_id(),
            name: name.into(),
            host: "localhost".to_owned(),
            ..Profile::default()
        }
    }

    /// A copy with a fresh id (e.g. to save a preset as the user's own).
    pub fn duplicate(&self) -> Profile {
        Profile {
            id: new_profile_id(),
            ..self.clone()
        }
    }

    /// Whether this is one of the built-in presets (never saved as is).
    pub fn is_preset(&self) -> bool {
        self.id.starts_with(presets::PRESET_ID_PREFIX)
    }

    /// Whether this connects to mqscope's built-in broker (whose port is the
    /// one the broker got when it started).
    pub fn is_builtin(&self) -> bool {
        self.id == presets::BUILTIN_PRESET_ID
    }

    /// The broker's address as the network thread takes it.
    pub fn address(&self) -> BrokerAddress {
        let mut address = BrokerAddress::new(self.transport, self.host.trim(), self.port);
        let path = self.websocket_path.trim();
        if !path.is_empty() {
            address.path = path.to_owned();
        }
        address
    }

    /// Problems the editor shows next to the fields, errors and warnings, in
    /// the order of the fields. See [`FieldError`].
    pub fn validate(&self) -> Vec<FieldError> {
        validate::validate(self)
    }

    /// The saved password: the one in the profile (plain text, or typed in
    /// this run), else the keyring's when the storage is
    /// [`PasswordStorage::Keyring`]. May block on the keyring: call it off the
    /// UI thread.
    pub fn saved_password(&self, secrets: &dyn SecretStore) -> Result<Option<String>, SecretError> {
        if let Some(password) = &self.password {
            return Ok(Some(password.clone()));
        }
        match self.password_storage {
            PasswordStorage::Keyring => secrets.get(&self.id),
            PasswordStorage::DoNotSave | PasswordStorage::PlainText => Ok(None),
        }
    }

    /// Keep `password` for this run and store it as
    /// [`Profile::password_storage`] says: in the keyring, in the file (on the
    /// next save), or nowhere (any keyring entry is deleted). May block on the
    /// keyring: call it off the UI thread.
    pub fn remember_password(
        &mut self,
        password: Option<&str>,
        secrets: &dyn SecretStore,
    ) -> Result<(), SecretError> {
        self.password = password.map(str::to_owned);
        keep_password(secrets, &self.id, self.password_storage, password)
    }
}

/// The keyring entry of the client key passphrase of profile `profile_id`
/// (beside the password's entry, which is named by the id alone).
pub fn key_passphrase_entry(profile_id: &str) -> String {
    format!("{profile_id}/tls-key-passphrase")
}

/// Where a key passphrase goes for a profile whose password goes to
/// `storage`: the keyring when the password does, otherwise nowhere (a
/// passphrase is never written in plain text).
pub fn key_passphrase_storage(storage: PasswordStorage) -> PasswordStorage {
    match storage {
        PasswordStorage::Keyring => PasswordStorage::Keyring,
        PasswordStorage::DoNotSave | PasswordStorage::PlainText => PasswordStorage::DoNotSave,
    }
}

/// Store `password` of profile `profile_id` as `storage` says: in the
/// keyring, or nowhere (any keyring entry is deleted; plain text is written
/// with the profile itself). May block on the keyring: call it off the UI
/// thread.
pub fn keep_password(
    secrets: &dyn SecretStore,
    profile_id: &str,
    storage: PasswordStorage,
    password: Option<&str>,
) -> Result<(), SecretError> {
    match (storage, password) {
        (PasswordStorage::Keyring, Some(password)) => secrets.set(profile_id, password),
        (PasswordStorage::Keyring, None) => secrets.delete(profile_id),
        (PasswordStorage::DoNotSave | PasswordStorage::PlainText, _) => {
            // Leave no copy behind in the keyring; without one, that is fine.
            match secrets.delete(profile_id) {
                Ok(()) | Err(SecretError::Unavailable { .. }) => Ok(()),
                Err(error) => Err(error),
            }
        }
    }
}

fn non_empty(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty()).then_some(text)
}

fn non_empty_path(path: &Option<PathBuf>) -> Option<&Path> {
    path.as_deref().filter(|p| !p.as_os_str().is_empty())
}
