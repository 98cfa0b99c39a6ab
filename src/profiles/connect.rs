//! Turning a profile into the network thread's [`ConnectionConfig`].

use std::path::Path;
use std::time::Duration;

use bytes::Bytes;

use super::{
    AdvancedSettings, FieldError, Profile, ProfileError, ReconnectSettings, SavedSubscription,
    TlsSettings, UserProperty, WillSettings, generate_client_id, non_empty, non_empty_path,
};
use crate::net::{ConnectionConfig, ReconnectPolicy, TlsOptions};
use crate::proto::session::SessionOptions;
use crate::proto::{
    Connect, Packet, Properties, Property, ProtocolVersion, SubscribeFilter, SubscriptionOptions,
    Will,
};

impl Profile {
    /// The configuration of a connection to this profile's broker.
    ///
    /// `password` is the one to send; `None`: [`Profile::password`] (plain
    /// text, or typed in this run). An empty password is not sent. Fails if
    /// [`Profile::validate`] finds an error or the CONNECT packet cannot be
    /// encoded.
    pub fn to_connection_config(
        &self,
        password: Option<&str>,
    ) -> Result<ConnectionConfig, ProfileError> {
        let errors: Vec<FieldError> = self
            .validate()
            .into_iter()
            .filter(FieldError::is_error)
            .collect();
        if !errors.is_empty() {
            return Err(ProfileError::Invalid(errors));
        }
        let version = self.advanced.mqtt_version;
        let client_id = match self.client_id.trim() {
            "" => generate_client_id(),
            id => id.to_owned(),
        };
        let mut connect = Connect::new(version, client_id.as_str());
        connect.clean_start = self.advanced.clean_start;
        connect.keep_alive_secs = self.advanced.keep_alive_secs;
        if version == ProtocolVersion::V5 {
            connect.properties = self.advanced.connect_properties();
        }
        connect.user_name = non_empty(&self.user_name).map(Into::into);
        connect.password = password
            .or(self.password.as_deref())
            .filter(|p| !p.is_empty())
            .map(|p| Bytes::copy_from_slice(p.as_bytes()));
        if self.will.enabled {
            connect.will = Some(self.will.to_will(version));
        }
        Packet::Connect(connect.clone())
            .encoded_len(version)
            .map_err(|e| ProfileError::Connect(e.to_string()))?;
        Ok(ConnectionConfig {
            address: self.address(),
            tls: self.tls.to_options(),
            connect,
            session: SessionOptions {
                connect_timeout: Duration::from_secs(self.advanced.connect_timeout_secs.into()),
                // The inspector shows how each connection began, recorded or not.
                opening_packets: crate::proto::session::OPENING_PACKETS,
                ..SessionOptions::default()
            },
            reconnect: self.reconnect.to_policy(),
            packet_log: false,
            recorder: None,
        })
    }
}

impl AdvancedSettings {
    /// The CONNECT properties (MQTT 5).
    pub fn connect_properties(&self) -> Properties {
        let mut properties = Properties::new();
        if let Some(secs) = self.session_expiry_interval_secs {
            properties.push(Property::SessionExpiryInterval(secs));
        }
        if let Some(max) = self.receive_maximum {
            properties.push(Property::ReceiveMaximum(max));
        }
        if let Some(size) = self.maximum_packet_size {
            properties.push(Property::MaximumPacketSize(size));
        }
        if let Some(max) = self.topic_alias_maximum {
            properties.push(Property::TopicAliasMaximum(max));
        }
        if self.request_response_information {
            properties.push(Property::RequestResponseInformation(true));
        }
        if !self.request_problem_information {
            properties.push(Property::RequestProblemInformation(false));
        }
        push_user_properties(&mut properties, &self.user_properties);
        properties
    }
}

impl WillSettings {
    /// The will message for `version` (properties only for MQTT 5).
    pub fn to_will(&self, version: ProtocolVersion) -> Will {
        let mut properties = Properties::new();
        if version == ProtocolVersion::V5 {
            if self.payload_format_indicator {
                properties.push(Property::PayloadFormatIndicator(1));
            }
            if let Some(secs) = self.message_expiry_interval_secs {
                properties.push(Property::MessageExpiryInterval(secs));
            }
            if let Some(text) = non_empty(&self.content_type) {
                properties.push(Property::ContentType(text.into()));
            }
            if let Some(topic) = non_empty(&self.response_topic) {
                properties.push(Property::ResponseTopic(topic.into()));
            }
            if !self.correlation_data.is_empty() {
                let data = Bytes::copy_from_slice(self.correlation_data.as_bytes());
                properties.push(Property::CorrelationData(data));
            }
            if let Some(secs) = self.delay_interval_secs {
                properties.push(Property::WillDelayInterval(secs));
            }
            push_user_properties(&mut properties, &self.user_properties);
        }
        Will {
            topic: self.topic.as_str().into(),
            payload: Bytes::copy_from_slice(self.payload.as_bytes()),
            qos: self.qos,
            retain: self.retain,
            properties,
        }
    }

    /// Whether any MQTT 5 will property is set.
    pub fn has_properties(&self) -> bool {
        self.payload_format_indicator
            || self.message_expiry_interval_secs.is_some()
            || !self.content_type.is_empty()
            || !self.response_topic.is_empty()
            || !self.correlation_data.is_empty()
            || self.delay_interval_secs.is_some()
            || !self.user_properties.is_empty()
    }
}

impl TlsSettings {
    /// The network thread's TLS options (empty paths and names count as unset).
    pub fn to_options(&self) -> TlsOptions {
        TlsOptions {
            ca_file: non_empty_path(&self.ca_file).map(Path::to_path_buf),
            use_os_roots: self.use_os_roots,
            client_cert: non_empty_path(&self.client_cert).map(Path::to_path_buf),
            client_key: non_empty_path(&self.client_key).map(Path::to_path_buf),
            server_name: self
                .server_name
                .as_deref()
                .and_then(non_empty)
                .map(str::to_owned),
            alpn: self
                .alpn
                .iter()
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
                .collect(),
            skip_verification: self.skip_verification,
            key_passphrase: None,
            // An unreadable one is refused by validation before connecting.
            trusted_fingerprint: self
                .trusted_fingerprint
                .as_deref()
                .and_then(non_empty)
                .and_then(|text| text.parse().ok()),
        }
    }

    /// Whether anything differs from the defaults.
    pub fn is_customised(&self) -> bool {
        self != &TlsSettings::default()
    }
}

impl ReconnectSettings {
    /// The reconnect policy (default multiplier and jitter).
    pub fn to_policy(&self) -> ReconnectPolicy {
        ReconnectPolicy {
            enabled: self.enabled,
            initial_delay: Duration::from_millis(self.initial_delay_ms),
            max_delay: Duration::from_millis(self.max_delay_ms),
            ..ReconnectPolicy::default()
        }
    }
}

impl SavedSubscription {
    /// A subscription to `filter` with QoS 0 and the default colour.
    pub fn new(filter: impl Into<String>) -> SavedSubscription {
        SavedSubscription {
            filter: filter.into(),
            ..SavedSubscription::default()
        }
    }

    /// The subscription a SUBSCRIBE asks for: `filter` with its options and
    /// Subscription Identifier, shown in `color`.
    pub fn from_request(
        filter: &SubscribeFilter,
        subscription_identifier: Option<u32>,
        color: [u8; 3],
    ) -> SavedSubscription {
        SavedSubscription {
            filter: filter.filter.to_string(),
            qos: filter.options.maximum_qos,
            no_local: filter.options.no_local,
            retain_as_published: filter.options.retain_as_published,
            retain_handling: filter.options.retain_handling,
            subscription_identifier,
            color,
        }
    }

    /// The filter with its options, for [`crate::net::Command::Subscribe`].
    pub fn subscribe_filter(&self) -> SubscribeFilter {
        SubscribeFilter {
            filter: self.filter.trim().into(),
            options: SubscriptionOptions {
                maximum_qos: self.qos,
                no_local: self.no_local,
                retain_as_published: self.retain_as_published,
                retain_handling: self.retain_handling,
            },
        }
    }

    /// The SUBSCRIBE properties (the Subscription Identifier, MQTT 5). One
    /// SUBSCRIBE carries one identifier, so subscriptions with different
    /// identifiers need separate requests.
    pub fn subscribe_properties(&self, version: ProtocolVersion) -> Properties {
        match (version, self.subscription_identifier) {
            (ProtocolVersion::V5, Some(id)) => {
                Properties::new().with(Property::SubscriptionIdentifier(id))
            }
            _ => Properties::new(),
        }
    }
}

fn push_user_properties(properties: &mut Properties, pairs: &[UserProperty]) {
    for pair in pairs {
        properties.push(Property::UserProperty(
            pair.name.as_str().into(),
            pair.value.as_str().into(),
        ));
    }
}
