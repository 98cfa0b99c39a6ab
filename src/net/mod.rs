//! The network thread: one per connection. It owns the socket, the transport
//! layers and the [`Session`](crate::proto::session::Session); the window and
//! the CLI talk to it only through channels ([`ConnectionHandle`]).

mod address;
mod backoff;
mod error;
mod event_loop;
mod tls;
mod transport;
mod ws;

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use bytestring::ByteString;
use crossbeam_channel::{Receiver, Sender};

pub use address::{AddressError, BrokerAddress, TransportKind, UrlExtras, parse_port};
pub use backoff::{LONGEST_WAIT, ReconnectPolicy};
pub use error::ConnectError;
pub use event_loop::{BACKLOG_HIGH, BACKLOG_LOW};
pub use tls::{TlsOptions, TlsSetupError};

use crate::proto::session::{
    BrokerReason, CloseReason, ConnectionInfo, Direction, SessionError, SessionOptions,
    SubscriptionResult,
};
use crate::proto::{Connect, Properties, Publish, ReasonCode, SubscribeFilter};

/// Everything needed to run one connection.
#[derive(Clone, Debug)]
pub struct ConnectionConfig {
    /// Where the broker is.
    pub address: BrokerAddress,
    /// TLS settings (used for `mqtts://` and `wss://`).
    pub tls: TlsOptions,
    /// The CONNECT to send: version, client id, credentials, will, properties.
    pub connect: Connect,
    /// Timeouts and resubscription.
    pub session: SessionOptions,
    /// When to reconnect after the connection ends.
    pub reconnect: ReconnectPolicy,
    /// Start with the packet log on.
    pub packet_log: bool,
}

/// A request to the network thread.
#[derive(Clone, Debug)]
pub enum Command {
    /// Publish a message; `tag` comes back in the outcome event.
    Publish {
        /// Chosen by the caller.
        tag: u64,
        /// The message.
        publish: Publish,
    },
    /// Subscribe.
    Subscribe {
        /// Chosen by the caller.
        tag: u64,
        /// The filters with their options.
        filters: Vec<SubscribeFilter>,
        /// SUBSCRIBE properties.
        properties: Properties,
    },
    /// Unsubscribe.
    Unsubscribe {
        /// Chosen by the caller.
        tag: u64,
        /// The filters.
        filters: Vec<ByteString>,
        /// UNSUBSCRIBE properties.
        properties: Properties,
    },
    /// Switch the packet log on or off.
    SetPacketLog(bool),
    /// Send DISCONNECT and stop (no reconnect).
    Disconnect {
        /// The reason code (0x00 normal, 0x04 with will message).
        reason_code: ReasonCode,
        /// DISCONNECT properties (e.g. Session Expiry Interval).
        properties: Properties,
    },
}

/// What the network thread reports.
#[derive(Clone, Debug)]
pub enum Event {
    /// A connection attempt starts.
    Connecting {
        /// The broker's address.
        address: String,
        /// 1 for the first attempt.
        attempt: u32,
    },
    /// The transport could not be established.
    ConnectFailed(ConnectError),
    /// CONNACK accepted the connection.
    Connected(ConnectionInfo),
    /// The connection ended.
    Disconnected(CloseReason),
    /// The next attempt comes after `delay`.
    Reconnecting {
        /// How long until the next attempt.
        delay: Duration,
        /// The number of the next attempt.
        attempt: u32,
    },
    /// A message arrived.
    Message(Publish),
    /// A QoS 1/2 publish finished with the broker's reason code.
    PublishCompleted {
        /// The caller's tag.
        tag: u64,
        /// The broker's answer.
        reason: BrokerReason,
    },
    /// A publish was refused or discarded.
    PublishFailed {
        /// The caller's tag.
        tag: u64,
        /// Why.
        error: SessionError,
    },
    /// SUBACK arrived, or the subscribe was refused before sending.
    Subscribed {
        /// The caller's tag.
        tag: u64,
        /// One result per filter.
        results: Vec<SubscriptionResult>,
        /// The broker's Reason String, or why the request was refused locally.
        reason_string: Option<String>,
    },
    /// UNSUBACK arrived.
    Unsubscribed {
        /// The caller's tag.
        tag: u64,
        /// One result per filter.
        results: Vec<SubscriptionResult>,
    },
    /// A request could not be carried out.
    RequestFailed {
        /// The caller's tag.
        tag: u64,
        /// Why.
        error: SessionError,
    },
    /// A packet went out or came in (packet log on).
    Packet {
        /// Which way.
        direction: Direction,
        /// When.
        at: SystemTime,
        /// Its raw bytes.
        bytes: Bytes,
    },
    /// The thread has ended; no more events follow.
    Stopped,
}

/// Called after events are sent, e.g. egui's `request_repaint`.
pub type Repaint = Arc<dyn Fn() + Send + Sync>;

/// Sends commands to a network thread; cheap to clone (e.g. into a Ctrl-C handler).
#[derive(Clone)]
pub struct CommandSender {
    commands: Sender<Command>,
    waker: Arc<mio::Waker>,
}

impl CommandSender {
    /// Send a command; the network thread handles it at once.
    pub fn send(&self, command: Command) {
        if self.commands.send(command).is_ok() {
            let _ = self.waker.wake();
        }
    }
}

/// The caller's side of a connection: send commands, receive events.
pub struct ConnectionHandle {
    sender: CommandSender,
    events: Receiver<Event>,
    thread: Option<JoinHandle<()>>,
}

impl ConnectionHandle {
    /// Start the network thread for `config`. `repaint` is called whenever
    /// events were sent.
    pub fn spawn(
        config: ConnectionConfig,
        repaint: Option<Repaint>,
    ) -> std::io::Result<ConnectionHandle> {
        let poll = mio::Poll::new()?;
        let waker = Arc::new(mio::Waker::new(poll.registry(), event_loop::WAKER)?);
        let (command_tx, command_rx) = crossbeam_channel::unbounded();
        let (event_tx, event_rx) = crossbeam_channel::unbounded();
        let name = format!("mqscope-net {}", config.address);
        let thread = std::thread::Builder::new()
            .name(name)
            .spawn(move || event_loop::run(config, poll, command_rx, event_tx, repaint))?;
        Ok(ConnectionHandle {
            sender: CommandSender {
                commands: command_tx,
                waker,
            },
            events: event_rx,
            thread: Some(thread),
        })
    }

    /// Send a command; it is handled at once.
    pub fn send(&self, command: Command) {
        self.sender.send(command);
    }

    /// A clonable sender of commands.
    pub fn command_sender(&self) -> CommandSender {
        self.sender.clone()
    }

    /// The events.
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }

    /// Wait for the thread to end (after [`Command::Disconnect`]).
    pub fn join(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ConnectionHandle {
    fn drop(&mut self) {
        // The thread notices that no sender is left once every clone is gone;
        // ask it to disconnect now.
        self.sender.send(Command::Disconnect {
            reason_code: ReasonCode::Success,
            properties: Properties::new(),
        });
    }
}
