//! Ready-made profiles for the public brokers a student meets first.
//!
//! Where the ports come from (looked up when these presets were written;
//! brokers change, so re-check against the pages named here):
//! - HiveMQ public broker (hivemq.com/mqtt/public-mqtt-broker): TCP 1883,
//!   TLS 8883, WebSocket 8000 and secure WebSocket 8884, both at `/mqtt`.
//!   1883 and 8000 are also on the mqtt.org wiki page "public_brokers".
//! - HiveMQ Cloud (a cluster's connection details in the HiveMQ Cloud
//!   console): TLS 8883, secure WebSocket 8884 at `/mqtt`; a user name and
//!   password are required and the host name must be sent for SNI (it is:
//!   the server name defaults to the host).
//! - test.mosquitto.org (the server's own page): 1883 unencrypted, 8886 TLS
//!   with a Let's Encrypt certificate (8883 uses the mosquitto.org CA, which
//!   no system trusts), 8080 WebSocket, 8081 secure WebSocket (Let's
//!   Encrypt). ESP-IDF's MQTT examples connect to `mqtts://…:8886` for that reason.
//! - broker.emqx.io (emqx.com/en/mqtt/public-mqtt5-broker): TCP 1883, TLS
//!   8883, WebSocket 8083 and secure WebSocket 8084 at `/mqtt`.
//!
//! Every preset subscribes to `#` so that the topic tree fills at once.

use rust_i18n::t;

use super::{PasswordStorage, Profile, SavedSubscription};
use crate::net::TransportKind;

/// The host of the HiveMQ Cloud presets, to be replaced by the user's cluster.
pub const HIVEMQ_CLOUD_PLACEHOLDER_HOST: &str = "YOUR-CLUSTER.s1.eu.hivemq.cloud";

/// The start of every preset's id.
pub const PRESET_ID_PREFIX: &str = "preset-";

/// The id of the preset for mqscope's own built-in broker.
pub const BUILTIN_PRESET_ID: &str = "preset-builtin";

fn preset(id: &str, name: &str, host: &str, transport: TransportKind, port: u16) -> Profile {
    Profile {
        id: format!("{PRESET_ID_PREFIX}{id}"),
        name: name.to_owned(),
        host: host.to_owned(),
        port,
        transport,
        websocket_path: "/mqtt".to_owned(),
        subscriptions: vec![SavedSubscription::new("#")],
        ..Profile::default()
    }
}

/// The built-in profiles, in the order the connection list shows them. Their
/// ids start with `preset-`; save a [`Profile::duplicate`] to keep changes.
pub fn presets() -> Vec<Profile> {
    use TransportKind::{SecureWebSocket, Tcp, Tls, WebSocket};
    let hivemq = "broker.hivemq.com";
    let mosquitto = "test.mosquitto.org";
    let emqx = "broker.emqx.io";
    let mut list = Vec::new();
    if cfg!(feature = "builtin-broker") {
        // The port is the one the broker got when it started (1883 or the next free).
        list.push(preset(
            "builtin",
            &t!("Built-in broker (this app, works offline)"),
            "127.0.0.1",
            Tcp,
            1883,
        ));
    }
    list.extend([
        preset(
            "hivemq-tcp",
            "HiveMQ public broker (TCP)",
            hivemq,
            Tcp,
            1883,
        ),
        preset(
            "hivemq-ws",
            "HiveMQ public broker (WebSocket)",
            hivemq,
            WebSocket,
            8000,
        ),
        preset(
            "hivemq-tls",
            "HiveMQ public broker (TLS)",
            hivemq,
            Tls,
            8883,
        ),
        preset(
            "hivemq-wss",
            "HiveMQ public broker (secure WebSocket)",
            hivemq,
            SecureWebSocket,
            8884,
        ),
    ]);
    for (id, name, transport, port) in [
        ("hivemq-cloud-tls", "HiveMQ Cloud (TLS)", Tls, 8883),
        (
            "hivemq-cloud-wss",
            "HiveMQ Cloud (secure WebSocket)",
            SecureWebSocket,
            8884,
        ),
    ] {
        let mut cloud = preset(id, name, HIVEMQ_CLOUD_PLACEHOLDER_HOST, transport, port);
        cloud.password_storage = PasswordStorage::Keyring;
        list.push(cloud);
    }
    list.extend([
        preset(
            "mosquitto-tcp",
            "Eclipse Mosquitto test server (TCP)",
            mosquitto,
            Tcp,
            1883,
        ),
        preset(
            "mosquitto-tls",
            "Eclipse Mosquitto test server (TLS)",
            mosquitto,
            Tls,
            8886,
        ),
        preset(
            "mosquitto-ws",
            "Eclipse Mosquitto test server (WebSocket)",
            mosquitto,
            WebSocket,
            8080,
        ),
        preset(
            "mosquitto-wss",
            "Eclipse Mosquitto test server (secure WebSocket)",
            mosquitto,
            SecureWebSocket,
            8081,
        ),
        preset("emqx-tcp", "EMQX public broker (TCP)", emqx, Tcp, 1883),
        preset("emqx-tls", "EMQX public broker (TLS)", emqx, Tls, 8883),
        preset(
            "emqx-ws",
            "EMQX public broker (WebSocket)",
            emqx,
            WebSocket,
            8083,
        ),
        preset(
            "emqx-wss",
            "EMQX public broker (secure WebSocket)",
            emqx,
            SecureWebSocket,
            8084,
        ),
        preset(
            "localhost",
            &t!("A broker already on this computer (localhost:1883)"),
            "localhost",
            Tcp,
            1883,
        ),
    ]);
    list
}
