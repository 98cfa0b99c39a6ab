//! A client on mqscope's own network thread, with helpers to wait for events.

use std::time::{Duration, Instant};

use mqscope::net::{
    BrokerAddress, Command, ConnectionConfig, ConnectionHandle, Event, ReconnectPolicy, TlsOptions,
    TransportKind,
};
use mqscope::proto::session::SessionOptions;
use mqscope::proto::{Connect, ProtocolVersion};

/// A configuration for `127.0.0.1:port` over `transport`.
pub fn config(transport: TransportKind, port: u16, client_id: &str) -> ConnectionConfig {
    let mut connect = Connect::new(ProtocolVersion::V5, client_id);
    connect.keep_alive_secs = 30;
    ConnectionConfig {
        address: BrokerAddress::new(transport, "127.0.0.1", port),
        tls: TlsOptions::default(),
        connect,
        session: SessionOptions::default(),
        reconnect: ReconnectPolicy::disabled(),
        packet_log: false,
        recorder: None,
    }
}

/// A running client.
pub struct Client {
    /// The handle.
    pub handle: ConnectionHandle,
}

impl Client {
    /// Start the network thread.
    pub fn start(config: ConnectionConfig) -> Client {
        Client {
            handle: ConnectionHandle::spawn(config, None).expect("spawn network thread"),
        }
    }

    /// Send a command.
    pub fn send(&self, command: Command) {
        self.handle.send(command);
    }

    /// The next event, waiting up to `timeout`.
    pub fn next(&self, timeout: Duration) -> Option<Event> {
        self.handle.next_timeout(timeout).ok()
    }

    /// Wait for an event `pick` accepts, collecting the ones before it.
    pub fn wait_for<T>(
        &self,
        timeout: Duration,
        mut pick: impl FnMut(&Event) -> Option<T>,
    ) -> Result<(T, Vec<Event>), Vec<Event>> {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        while let Some(event) = self.next(deadline.saturating_duration_since(Instant::now())) {
            if let Some(value) = pick(&event) {
                return Ok((value, seen));
            }
            seen.push(event);
        }
        Err(seen)
    }

    /// Wait for CONNACK; panics with what happened instead.
    pub fn connected(&self) -> mqscope::proto::session::ConnectionInfo {
        match self.wait_for(Duration::from_secs(10), |e| match e {
            Event::Connected(info) => Some(info.clone()),
            _ => None,
        }) {
            Ok((info, _)) => info,
            Err(seen) => panic!("not connected; events: {seen:#?}"),
        }
    }
}
