//! Why a connection to a broker could not be made, in plain words.

use std::fmt;

use super::tls::{TlsFailure, TlsSetupError};

/// Why the transport to a broker could not be established.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectError {
    /// The host name did not resolve to an address.
    Resolve {
        /// The host name.
        host: String,
        /// What the resolver said.
        detail: String,
    },
    /// Nothing accepted the TCP connection.
    Refused {
        /// The address tried.
        address: String,
    },
    /// The address could not be reached, or another socket error.
    Network {
        /// The address tried.
        address: String,
        /// What the operating system said.
        detail: String,
    },
    /// The connection (TCP, TLS, WebSocket) was not up in time.
    Timeout {
        /// The address tried.
        address: String,
        /// How long mqscope waited, in seconds.
        secs: u64,
    },
    /// TLS could not be set up or the handshake failed (an untrusted
    /// certificate, for example).
    Tls(TlsFailure),
    /// The WebSocket handshake failed.
    WebSocket(String),
    /// The other side closed the connection during the handshake.
    ClosedDuringHandshake {
        /// The address.
        address: String,
    },
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectError::Resolve { host, detail } => write!(
                f,
                "the host name \"{host}\" did not resolve to an address ({detail}); check its spelling and the network"
            ),
            ConnectError::Refused { address } => write!(
                f,
                "the connection to {address} was refused: no broker is listening there; check the host and port"
            ),
            ConnectError::Network { address, detail } => {
                write!(f, "could not connect to {address}: {detail}")
            }
            ConnectError::Timeout { address, secs } => write!(
                f,
                "no connection to {address} within {secs} s; the broker may be down or a firewall may block the port"
            ),
            ConnectError::Tls(failure) => write!(f, "{failure}"),
            ConnectError::WebSocket(detail) => {
                write!(f, "the WebSocket handshake failed: {detail}")
            }
            ConnectError::ClosedDuringHandshake { address } => write!(
                f,
                "{address} closed the connection during the handshake; is it the right port for this transport?"
            ),
        }
    }
}

impl std::error::Error for ConnectError {}

impl From<TlsSetupError> for ConnectError {
    fn from(error: TlsSetupError) -> Self {
        ConnectError::Tls(TlsFailure::Setup(error))
    }
}
