//! Connections saved by other clients, read into profiles: MQTTX's
//! connection export (a JSON list of connections) and MQTT Explorer's
//! settings file (its connections under `ConnectionManager_connections`).
//! What maps is carried over; what does not is listed per connection.
//! The field names are those of the two clients' public sources (MQTTX:
//! `src/types/` `ConnectionModel`; MQTT Explorer: `ConnectionOptions`).

use serde_json::{Map, Value};

use super::transfer::{ImportError, ImportSource, Imported};
use super::{PasswordStorage, Profile, SavedSubscription, UserProperty};
use crate::net::TransportKind;
use crate::proto::{ProtocolVersion, QoS, RetainHandling};

/// The key of MQTT Explorer's connections in its settings file.
const EXPLORER_KEY: &str = "ConnectionManager_connections";

/// Read a JSON export of MQTTX or MQTT Explorer.
pub(super) fn read_json(text: &str) -> Result<Imported, ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::Damaged(format!(
            "the file is not valid JSON (line {}, column {}: {e})",
            e.line(),
            e.column()
        ))
    })?;
    match value {
        Value::Array(connections) => read_all(ImportSource::Mqttx, connections.into_iter()),
        Value::Object(mut top) => {
            if let Some(connections) = top.remove(EXPLORER_KEY) {
                let Value::Object(by_id) = connections else {
                    return Err(ImportError::Damaged(format!(
                        "\"{EXPLORER_KEY}\" is not a set of connections"
                    )));
                };
                read_all(
                    ImportSource::MqttExplorer,
                    by_id.into_iter().map(|(_, c)| c),
                )
            } else if top.contains_key("host") {
                // One MQTTX connection on its own.
                read_all(ImportSource::Mqttx, std::iter::once(Value::Object(top)))
            } else {
                Err(ImportError::Unknown(
                    "a JSON object without connections".to_owned(),
                ))
            }
        }
        _ => Err(ImportError::Unknown(
            "JSON that holds no connections".to_owned(),
        )),
    }
}

fn read_all(
    source: ImportSource,
    connections: impl Iterator<Item = Value>,
) -> Result<Imported, ImportError> {
    let mut imported = Imported {
        source,
        profiles: Vec::new(),
        not_mapped: Vec::new(),
    };
    for (index, connection) in connections.enumerate() {
        let Value::Object(fields) = connection else {
            return Err(ImportError::Damaged(format!(
                "connection {} is not a JSON object",
                index + 1
            )));
        };
        let mut reader = Fields::new(fields, index);
        let profile = match source {
            ImportSource::MqttExplorer => explorer_connection(&mut reader),
            _ => mqttx_connection(&mut reader),
        }
        .map_err(ImportError::Damaged)?;
        let missed = reader.finish();
        if !missed.is_empty() {
            imported.not_mapped.push((profile.name.clone(), missed));
        }
        imported.profiles.push(profile);
    }
    Ok(imported)
}

/// One connection's fields, taken one by one; what is left is reported.
struct Fields {
    map: Map<String, Value>,
    name: String,
    missed: Vec<String>,
}

impl Fields {
    fn new(map: Map<String, Value>, index: usize) -> Fields {
        let name = map.get("name").and_then(Value::as_str).map_or_else(
            || format!("connection {}", index + 1),
            |n| format!("\"{n}\""),
        );
        Fields {
            map,
            name,
            missed: Vec::new(),
        }
    }

    fn wrong(&self, key: &str, expected: &str) -> String {
        format!("in {}, \"{key}\" is not {expected}", self.name)
    }

    /// A text field; absent or null: `None`.
    fn text(&mut self, key: &str) -> Result<Option<String>, String> {
        match self.map.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.wrong(key, "text")),
        }
    }

    /// A number field (written as a number or as digits).
    fn number(&mut self, key: &str) -> Result<Option<u64>, String> {
        match self.map.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .or_else(|| n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
                .map(Some)
                .ok_or_else(|| self.wrong(key, "a whole number")),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| self.wrong(key, "a whole number")),
            Some(_) => Err(self.wrong(key, "a whole number")),
        }
    }

    fn number_within<T: TryFrom<u64>>(&mut self, key: &str) -> Result<Option<T>, String> {
        match self.number(key)? {
            None => Ok(None),
            Some(n) => T::try_from(n)
                .map(Some)
                .map_err(|_| self.wrong(key, "a number in range")),
        }
    }

    fn flag(&mut self, key: &str) -> Result<Option<bool>, String> {
        match self.map.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(_) => Err(self.wrong(key, "true or false")),
        }
    }

    fn object(&mut self, key: &str) -> Result<Option<Fields>, String> {
        match self.map.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Fields {
                map,
                name: self.name.clone(),
                missed: Vec::new(),
            })),
            Some(_) => Err(self.wrong(key, "a set of fields")),
        }
    }

    fn list(&mut self, key: &str) -> Result<Vec<Fields>, String> {
        match self.map.remove(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .into_iter()
                .map(|item| match item {
                    Value::Object(map) => Ok(Fields {
                        map,
                        name: self.name.clone(),
                        missed: Vec::new(),
                    }),
                    _ => Err(self.wrong(key, "a list of sets of fields")),
                })
                .collect(),
            Some(_) => Err(self.wrong(key, "a list")),
        }
    }

    /// Note a field that has no place in a profile, when it says something.
    fn skip(&mut self, key: &str, why: &str) {
        if let Some(value) = self.map.remove(key)
            && !is_empty(&value)
        {
            self.missed.push(format!("{key}: {why}"));
        }
    }

    /// Forget fields that only the other client's own window uses.
    fn ignore(&mut self, keys: &[&str]) {
        for key in keys {
            self.map.remove(*key);
        }
    }

    /// Take a nested reader's leftovers as this one's, under `prefix`.
    fn absorb(&mut self, prefix: &str, nested: Fields) {
        let missed = nested.finish();
        self.missed
            .extend(missed.into_iter().map(|m| format!("{prefix}.{m}")));
    }

    /// What was not taken: reported by name.
    fn finish(mut self) -> Vec<String> {
        let mut rest: Vec<String> = self
            .map
            .iter()
            .filter(|(_, v)| !is_empty(v))
            .map(|(k, _)| format!("{k}: mqscope has no such setting"))
            .collect();
        rest.sort();
        self.missed.extend(rest);
        self.missed
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(_) => false,
    }
}

fn qos(fields: &Fields, key: &str, n: Option<u64>) -> Result<QoS, String> {
    match n {
        None => Ok(QoS::AtMostOnce),
        Some(n) => u8::try_from(n)
            .ok()
            .and_then(QoS::from_u8)
            .ok_or_else(|| fields.wrong(key, "a QoS of 0, 1 or 2")),
    }
}

/// User properties as MQTTX writes them: an object of name → value (or
/// name → list of values).
fn user_properties(fields: &mut Fields, key: &str) -> Result<Vec<UserProperty>, String> {
    let Some(mut object) = fields.object(key)? else {
        return Ok(Vec::new());
    };
    let mut pairs = Vec::new();
    for (name, value) in std::mem::take(&mut object.map) {
        let values = match value {
            Value::String(v) => vec![v],
            Value::Array(list) => list
                .into_iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect(),
            other => vec![other.to_string()],
        };
        for value in values {
            pairs.push(UserProperty {
                name: name.clone(),
                value,
            });
        }
    }
    Ok(pairs)
}

/// One MQTTX connection.
fn mqttx_connection(f: &mut Fields) -> Result<Profile, String> {
    let name = f
        .text("name")?
        .unwrap_or_else(|| "Imported from MQTTX".to_owned());
    let mut p = Profile::new(name);
    p.host = f.text("host")?.unwrap_or_default();
    let protocol = f.text("protocol")?.unwrap_or_else(|| "mqtt".to_owned());
    let ssl = f.flag("ssl")?.unwrap_or(false);
    p.transport = match (protocol.as_str(), ssl) {
        ("mqtts", _) | ("mqtt", true) => TransportKind::Tls,
        ("wss", _) | ("ws", true) => TransportKind::SecureWebSocket,
        ("ws", false) => TransportKind::WebSocket,
        ("mqtt", false) => TransportKind::Tcp,
        (other, _) => {
            return Err(f.wrong(
                "protocol",
                &format!("mqtt, mqtts, ws or wss (it is {other})"),
            ));
        }
    };
    p.port = f
        .number_within("port")?
        .unwrap_or_else(|| p.transport.default_port());
    if let Some(path) = f.text("path")? {
        p.websocket_path = path;
    }
    p.client_id = f.text("clientId")?.unwrap_or_default();
    f.skip(
        "clientIdWithTime",
        "mqscope does not add the time to a client ID",
    );
    p.user_name = f.text("username")?.unwrap_or_default();
    match f.text("password")? {
        Some(password) if !password.is_empty() => {
            p.password = Some(password);
            p.password_storage = PasswordStorage::Keyring;
        }
        _ => {}
    }
    if let Some(keep_alive) = f.number_within("keepalive")? {
        p.advanced.keep_alive_secs = keep_alive;
    }
    if let Some(clean) = f.flag("clean")? {
        p.advanced.clean_start = clean;
    }
    if let Some(timeout) = f.number_within::<u32>("connectTimeout")? {
        // MQTTX keeps it in seconds (older versions in milliseconds).
        p.advanced.connect_timeout_secs = if timeout >= 1_000 {
            timeout / 1_000
        } else {
            timeout
        };
    }
    p.advanced.mqtt_version = match f.text("mqttVersion")?.as_deref() {
        None | Some("5.0" | "5") => ProtocolVersion::V5,
        Some("3.1.1") => ProtocolVersion::V311,
        Some(other) => {
            f.missed.push(format!(
                "mqttVersion: MQTT {other} is not spoken by mqscope; MQTT 5 is used"
            ));
            ProtocolVersion::V5
        }
    };
    if let Some(reconnect) = f.flag("reconnect")? {
        p.reconnect.enabled = reconnect;
    }
    if let Some(period) = f.number("reconnectPeriod")? {
        p.reconnect.initial_delay_ms = period.max(100);
    }
    mqttx_tls(f, &mut p)?;
    if let Some(mut properties) = f.object("properties")? {
        mqttx_connect_properties(&mut properties, &mut p)?;
        f.absorb("properties", properties);
    }
    if let Some(mut will) = f.object("will")? {
        mqttx_will(&mut will, &mut p)?;
        f.absorb("will", will);
    }
    for mut subscription in f.list("subscriptions")? {
        let filter = subscription.text("topic")?.unwrap_or_default();
        if filter.is_empty() {
            continue;
        }
        let mut saved = SavedSubscription::new(filter);
        let level = subscription.number("qos")?;
        saved.qos = qos(&subscription, "qos", level)?;
        saved.no_local = subscription.flag("nl")?.unwrap_or(false);
        saved.retain_as_published = subscription.flag("rap")?.unwrap_or(false);
        saved.retain_handling = match subscription.number("rh")? {
            None | Some(0) => RetainHandling::SendAtSubscribe,
            Some(1) => RetainHandling::SendAtSubscribeIfNew,
            Some(2) => RetainHandling::DoNotSend,
            Some(_) => return Err(subscription.wrong("rh", "0, 1 or 2")),
        };
        saved.subscription_identifier = subscription.number_within("subscriptionIdentifier")?;
        saved.color = subscription
            .text("color")?
            .and_then(|c| hex_color(&c))
            .unwrap_or_else(|| crate::ui::subscriptions::color_for(p.subscriptions.len()));
        subscription.ignore(&["id", "alias", "disabled", "createAt"]);
        f.absorb(&format!("subscriptions[{}]", saved.filter), subscription);
        p.subscriptions.push(saved);
    }
    f.skip("messages", "received messages are not imported");
    f.ignore(&[
        "id",
        "orderId",
        "unreadMessageCount",
        "client",
        "createAt",
        "updateAt",
        "parent_id",
        "isCollection",
        "pushProps",
        "messageType",
        "totalMessageCount",
    ]);
    Ok(p)
}

/// MQTTX's TLS fields: `certType` "" (the CA roots), "server" (the
/// built-in roots) or "self" (the `ca`, `cert` and `key` files).
fn mqttx_tls(f: &mut Fields, p: &mut Profile) -> Result<(), String> {
    let cert_type = f.text("certType")?.unwrap_or_default();
    let ca = f.text("ca")?.filter(|s| !s.is_empty());
    let cert = f.text("cert")?.filter(|s| !s.is_empty());
    let key = f.text("key")?.filter(|s| !s.is_empty());
    if let Some(reject) = f.flag("rejectUnauthorized")? {
        p.tls.skip_verification = !reject && p.transport.is_tls();
    }
    if let Some(alpn) = f.text("ALPNProtocols")? {
        p.tls.alpn = alpn
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
    }
    for (field, value, slot) in [
        ("ca", ca, &mut p.tls.ca_file),
        ("cert", cert, &mut p.tls.client_cert),
        ("key", key, &mut p.tls.client_key),
    ] {
        let Some(value) = value else { continue };
        if value.contains("-----BEGIN") {
            f.missed.push(format!(
                "{field}: the certificate is in the file itself; save it as a .pem file and choose it under Advanced, in the TLS settings"
            ));
        } else {
            *slot = Some(value.into());
        }
    }
    if cert_type == "server" {
        p.tls.use_os_roots = true;
    }
    Ok(())
}

/// MQTTX's `properties`: the CONNECT properties.
fn mqttx_connect_properties(f: &mut Fields, p: &mut Profile) -> Result<(), String> {
    let a = &mut p.advanced;
    a.session_expiry_interval_secs = f.number_within("sessionExpiryInterval")?;
    a.receive_maximum = f.number_within("receiveMaximum")?;
    a.maximum_packet_size = f.number_within("maximumPacketSize")?;
    if let Some(aliases) = f.number_within("topicAliasMaximum")? {
        a.topic_alias_maximum = Some(aliases);
    }
    if let Some(on) = f.flag("requestResponseInformation")? {
        a.request_response_information = on;
    }
    if let Some(on) = f.flag("requestProblemInformation")? {
        a.request_problem_information = on;
    }
    a.user_properties = user_properties(f, "userProperties")?;
    f.skip(
        "authenticationMethod",
        "enhanced authentication is not saved in mqscope's profiles",
    );
    f.skip(
        "authenticationData",
        "enhanced authentication is not saved in mqscope's profiles",
    );
    Ok(())
}

/// MQTTX's `will`.
fn mqttx_will(f: &mut Fields, p: &mut Profile) -> Result<(), String> {
    let w = &mut p.will;
    w.topic = f.text("lastWillTopic")?.unwrap_or_default();
    w.payload = f.text("lastWillPayload")?.unwrap_or_default();
    let level = f.number("lastWillQos")?;
    w.qos = qos(f, "lastWillQos", level)?;
    w.retain = f.flag("lastWillRetain")?.unwrap_or(false);
    w.enabled = !w.topic.is_empty();
    if let Some(mut properties) = f.object("properties")? {
        w.delay_interval_secs = properties.number_within("willDelayInterval")?;
        w.message_expiry_interval_secs = properties.number_within("messageExpiryInterval")?;
        w.content_type = properties.text("contentType")?.unwrap_or_default();
        w.response_topic = properties.text("responseTopic")?.unwrap_or_default();
        w.correlation_data = properties.text("correlationData")?.unwrap_or_default();
        w.payload_format_indicator = properties.flag("payloadFormatIndicator")?.unwrap_or(false);
        w.user_properties = user_properties(&mut properties, "userProperties")?;
        f.absorb("properties", properties);
    }
    Ok(())
}

/// One MQTT Explorer connection.
fn explorer_connection(f: &mut Fields) -> Result<Profile, String> {
    let name = f
        .text("name")?
        .unwrap_or_else(|| "Imported from MQTT Explorer".to_owned());
    let mut p = Profile::new(name);
    p.host = f.text("host")?.unwrap_or_default();
    let encryption = f.flag("encryption")?.unwrap_or(false);
    p.transport = match (f.text("protocol")?.as_deref().unwrap_or("mqtt"), encryption) {
        ("mqtt", false) => TransportKind::Tcp,
        ("mqtt", true) => TransportKind::Tls,
        ("ws", false) => TransportKind::WebSocket,
        ("ws", true) => TransportKind::SecureWebSocket,
        (other, _) => return Err(f.wrong("protocol", &format!("mqtt or ws (it is {other})"))),
    };
    p.port = f
        .number_within("port")?
        .unwrap_or_else(|| p.transport.default_port());
    if let Some(path) = f.text("basePath")?.filter(|s| !s.is_empty()) {
        p.websocket_path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
    }
    if let Some(check) = f.flag("certValidation")? {
        p.tls.skip_verification = !check && p.transport.is_tls();
    }
    p.client_id = f.text("clientId")?.unwrap_or_default();
    p.user_name = f.text("username")?.unwrap_or_default();
    if let Some(password) = f.text("password")?.filter(|s| !s.is_empty()) {
        p.password = Some(password);
        p.password_storage = PasswordStorage::Keyring;
    }
    // MQTT Explorer speaks MQTT 3.1.1.
    p.advanced.mqtt_version = ProtocolVersion::V311;
    for (key, what) in [
        ("selfSignedCertificate", "the CA certificate"),
        ("clientCertificate", "the client certificate"),
        ("clientKey", "the client key"),
    ] {
        f.skip(
            key,
            &format!(
                "{what} is kept inside MQTT Explorer's settings; save it as a .pem file and choose it under Advanced, in the TLS settings"
            ),
        );
    }
    for mut subscription in f.list("subscriptions")? {
        let Some(filter) = subscription.text("topic")?.filter(|t| !t.is_empty()) else {
            continue;
        };
        let mut saved = SavedSubscription::new(filter);
        let level = subscription.number("qos")?;
        saved.qos = qos(&subscription, "qos", level)?;
        saved.color = crate::ui::subscriptions::color_for(p.subscriptions.len());
        f.absorb(&format!("subscriptions[{}]", saved.filter), subscription);
        p.subscriptions.push(saved);
    }
    f.ignore(&["id", "type", "configVersion"]);
    Ok(p)
}

/// `#rrggbb` as RGB.
fn hex_color(text: &str) -> Option<[u8; 3]> {
    let hex = text.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}
