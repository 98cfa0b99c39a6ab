//! Where a broker is: transport, host, port and (for WebSocket) path, parsed
//! from `mqtt://`, `mqtts://`, `ws://` and `wss://` URLs.

use std::fmt;

/// How bytes reach the broker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TransportKind {
    /// MQTT over plain TCP (`mqtt://`).
    Tcp,
    /// MQTT over TLS (`mqtts://`).
    Tls,
    /// MQTT over WebSocket (`ws://`).
    WebSocket,
    /// MQTT over WebSocket over TLS (`wss://`).
    SecureWebSocket,
}

impl TransportKind {
    /// Every transport.
    pub const ALL: [TransportKind; 4] = [
        TransportKind::Tcp,
        TransportKind::Tls,
        TransportKind::WebSocket,
        TransportKind::SecureWebSocket,
    ];

    /// The URL scheme.
    pub fn scheme(self) -> &'static str {
        match self {
            TransportKind::Tcp => "mqtt",
            TransportKind::Tls => "mqtts",
            TransportKind::WebSocket => "ws",
            TransportKind::SecureWebSocket => "wss",
        }
    }

    /// The usual port (IANA for MQTT; HTTP's for WebSocket).
    pub fn default_port(self) -> u16 {
        match self {
            TransportKind::Tcp => 1883,
            TransportKind::Tls => 8883,
            TransportKind::WebSocket => 80,
            TransportKind::SecureWebSocket => 443,
        }
    }

    /// Whether TLS is used.
    pub fn is_tls(self) -> bool {
        matches!(self, TransportKind::Tls | TransportKind::SecureWebSocket)
    }

    /// Whether MQTT travels in WebSocket frames.
    pub fn is_websocket(self) -> bool {
        matches!(
            self,
            TransportKind::WebSocket | TransportKind::SecureWebSocket
        )
    }
}

/// A broker's address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerAddress {
    /// The transport.
    pub transport: TransportKind,
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// The HTTP path of the WebSocket endpoint (unused for TCP and TLS).
    pub path: String,
}

/// What a URL may also carry besides the address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UrlExtras {
    /// `user` of `user:password@host`.
    pub user_name: Option<String>,
    /// `password` of `user:password@host`.
    pub password: Option<String>,
    /// For `mqtt://` and `mqtts://`, the path is a topic (as in mosquitto's `-L`).
    pub topic: Option<String>,
}

/// Why a URL could not be understood.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AddressError {
    /// The scheme is not one of mqtt, mqtts, ws, wss.
    #[error("\"{0}\" is not a broker URL scheme; use mqtt://, mqtts://, ws:// or wss://")]
    UnknownScheme(String),
    /// No `scheme://`.
    #[error("\"{0}\" is not a URL; write it like mqtt://broker.example.com:1883")]
    NotAUrl(String),
    /// The host is missing.
    #[error("the URL has no host name")]
    MissingHost,
    /// The port is not a number from 1 to 65535.
    #[error("\"{0}\" is not a port; a port is a number from 1 to 65535")]
    InvalidPort(String),
}

impl BrokerAddress {
    /// An address with the transport's usual path (`/mqtt` for WebSocket).
    pub fn new(transport: TransportKind, host: impl Into<String>, port: u16) -> BrokerAddress {
        BrokerAddress {
            transport,
            host: host.into(),
            port,
            path: "/mqtt".to_owned(),
        }
    }

    /// Parse `scheme://[user[:password]@]host[:port][/path]`. IPv6 hosts go in
    /// brackets (`mqtt://[::1]:1883`).
    pub fn parse_url(url: &str) -> Result<(BrokerAddress, UrlExtras), AddressError> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| AddressError::NotAUrl(url.to_owned()))?;
        let transport = TransportKind::ALL
            .into_iter()
            .find(|t| t.scheme().eq_ignore_ascii_case(scheme))
            .ok_or_else(|| AddressError::UnknownScheme(scheme.to_owned()))?;
        let (authority, path) = match rest.find('/') {
            Some(index) => (&rest[..index], &rest[index..]),
            None => (rest, ""),
        };
        let mut extras = UrlExtras::default();
        let host_port = match authority.rsplit_once('@') {
            Some((user_info, host_port)) => {
                match user_info.split_once(':') {
                    Some((user, password)) => {
                        extras.user_name = Some(percent_decode(user));
                        extras.password = Some(percent_decode(password));
                    }
                    None => extras.user_name = Some(percent_decode(user_info)),
                }
                host_port
            }
            None => authority,
        };
        let (host, port) = split_host_port(host_port)?;
        if host.is_empty() {
            return Err(AddressError::MissingHost);
        }
        let port = port.unwrap_or(transport.default_port());
        let mut address = BrokerAddress::new(transport, host, port);
        if transport.is_websocket() {
            if !path.is_empty() {
                address.path = path.to_owned();
            }
        } else if path.len() > 1 {
            // A link writes `#` as `%23` and `+` as `%2B`.
            extras.topic = Some(percent_decode(&path[1..]));
        }
        Ok((address, extras))
    }

    /// The address as a URL.
    pub fn to_url(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let path = if self.transport.is_websocket() {
            self.path.as_str()
        } else {
            ""
        };
        format!("{}://{host}:{}{path}", self.transport.scheme(), self.port)
    }
}

impl fmt::Display for BrokerAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_url())
    }
}

fn split_host_port(text: &str) -> Result<(String, Option<u16>), AddressError> {
    let (host, port) = if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| AddressError::NotAUrl(text.to_owned()))?;
        (host, after.strip_prefix(':'))
    } else {
        match text.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        }
    };
    let port = match port {
        Some(port) => Some(parse_port(port)?),
        None => None,
    };
    Ok((host.to_owned(), port))
}

/// Parse a TCP port: a number from 1 to 65535.
pub fn parse_port(text: &str) -> Result<u16, AddressError> {
    match text.trim().parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(AddressError::InvalidPort(text.to_owned())),
    }
}

/// `text` with each `%XX` replaced by its byte (a malformed one is kept as
/// written); bytes that are not UTF-8 become U+FFFD.
/// The local path a `file://` URL names (as a file manager passes it).
pub fn file_url_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("file://")?;
    // `file://host/path`: only this computer's files.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    path.starts_with('/').then(|| percent_decode(path).into())
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| text.get(index + 1..index + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                index += 3;
            }
            None => {
                out.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_url_names_a_local_path() {
        assert_eq!(
            file_url_path("file:///home/ana/lab%20run.mqrec"),
            Some("/home/ana/lab run.mqrec".into())
        );
        assert_eq!(
            file_url_path("file://localhost/tmp/a.mqrec"),
            Some("/tmp/a.mqrec".into())
        );
        assert_eq!(file_url_path("file://otherhost/tmp/a.mqrec"), None);
        assert_eq!(file_url_path("mqtt://host/lab"), None);
    }

    #[test]
    fn urls_of_every_transport() {
        let (a, _) = BrokerAddress::parse_url("mqtt://broker.hivemq.com").unwrap();
        assert_eq!(
            (a.transport, a.host.as_str(), a.port),
            (TransportKind::Tcp, "broker.hivemq.com", 1883)
        );
        let (a, _) = BrokerAddress::parse_url("mqtts://h:8884").unwrap();
        assert_eq!((a.transport, a.port), (TransportKind::Tls, 8884));
        let (a, _) = BrokerAddress::parse_url("ws://broker.hivemq.com:8000/mqtt").unwrap();
        assert_eq!(
            (a.transport, a.port, a.path.as_str()),
            (TransportKind::WebSocket, 8000, "/mqtt")
        );
        let (a, _) = BrokerAddress::parse_url("wss://h/ws").unwrap();
        assert_eq!(
            (a.transport, a.port, a.path.as_str()),
            (TransportKind::SecureWebSocket, 443, "/ws")
        );
    }

    #[test]
    fn a_link_writes_wildcards_and_spaces_as_percent_escapes() {
        let (_, extras) =
            BrokerAddress::parse_url("mqtt://me%40lab:p%3Ass@127.0.0.1:1883/lab/%23").unwrap();
        assert_eq!(extras.topic.as_deref(), Some("lab/#"));
        assert_eq!(extras.user_name.as_deref(), Some("me@lab"));
        assert_eq!(extras.password.as_deref(), Some("p:ss"));
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%2B"), "%zz+");
    }

    #[test]
    fn ipv6_credentials_and_topic() {
        let (a, extras) = BrokerAddress::parse_url("mqtt://me:secret@[::1]:1884/a/b").unwrap();
        assert_eq!((a.host.as_str(), a.port), ("::1", 1884));
        assert_eq!(extras.user_name.as_deref(), Some("me"));
        assert_eq!(extras.password.as_deref(), Some("secret"));
        assert_eq!(extras.topic.as_deref(), Some("a/b"));
        assert_eq!(a.to_url(), "mqtt://[::1]:1884");
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        assert_eq!(
            BrokerAddress::parse_url("http://x"),
            Err(AddressError::UnknownScheme("http".into()))
        );
        assert_eq!(
            BrokerAddress::parse_url("mqtt://x:70000"),
            Err(AddressError::InvalidPort("70000".into()))
        );
        assert_eq!(
            BrokerAddress::parse_url("mqtt://:1883"),
            Err(AddressError::MissingHost)
        );
        assert!(matches!(
            BrokerAddress::parse_url("localhost"),
            Err(AddressError::NotAUrl(_))
        ));
        assert_eq!(parse_port("0"), Err(AddressError::InvalidPort("0".into())));
    }
}
