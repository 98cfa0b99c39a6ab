//! How the proto and net types that a profile holds are written in the file.

use serde::{Deserialize, Serialize};

use crate::net::TransportKind;
use crate::proto::ProtocolVersion;

/// `TransportKind` in the file: `"tcp"`, `"tls"`, `"websocket"`, `"secure_websocket"`.
#[derive(Serialize, Deserialize)]
#[serde(remote = "TransportKind", rename_all = "snake_case")]
pub(super) enum TransportDef {
    Tcp,
    Tls,
    #[serde(rename = "websocket")]
    WebSocket,
    #[serde(rename = "secure_websocket")]
    SecureWebSocket,
}

/// `ProtocolVersion` in the file: `"5"` or `"3.1.1"`.
#[derive(Serialize, Deserialize)]
#[serde(remote = "ProtocolVersion")]
pub(super) enum VersionDef {
    #[serde(rename = "3.1.1")]
    V311,
    #[serde(rename = "5")]
    V5,
}

/// QoS as the number 0, 1 or 2.
pub(super) mod qos_number {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use crate::proto::QoS;

    pub fn serialize<S: Serializer>(qos: &QoS, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(qos.to_u8())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<QoS, D::Error> {
        let value = u8::deserialize(deserializer)?;
        QoS::from_u8(value)
            .ok_or_else(|| D::Error::custom(format!("QoS {value} does not exist; use 0, 1 or 2")))
    }
}

/// Retain Handling as the number 0, 1 or 2.
pub(super) mod retain_handling_number {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use crate::proto::RetainHandling;

    pub fn serialize<S: Serializer>(
        handling: &RetainHandling,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(*handling as u8)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<RetainHandling, D::Error> {
        match u8::deserialize(deserializer)? {
            0 => Ok(RetainHandling::SendAtSubscribe),
            1 => Ok(RetainHandling::SendAtSubscribeIfNew),
            2 => Ok(RetainHandling::DoNotSend),
            other => Err(D::Error::custom(format!(
                "retain handling {other} does not exist; use 0, 1 or 2"
            ))),
        }
    }
}
