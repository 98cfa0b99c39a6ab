//! The network thread: one per connection. It owns the socket, the transport
//! layers and the [`Session`](crate::proto::session::Session); the window and
//! the CLI talk to it only through channels ([`ConnectionHandle`]).

mod address;
mod backoff;
mod batch;
mod error;
mod event_loop;
mod tls;
mod transport;
mod ws;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use bytestring::ByteString;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

pub use address::{
    AddressError, BrokerAddress, TransportKind, UrlExtras, file_url_path, parse_port,
};
pub use backoff::{LONGEST_WAIT, ReconnectPolicy};
pub use batch::{
    BACKLOG_HIGH, BACKLOG_HIGH_BYTES, BACKLOG_LOW, BACKLOG_LOW_BYTES, Backlog, EventBatch,
};
pub use error::ConnectError;
pub use tls::{
    CertificateProblem, Fingerprint, FingerprintError, Passphrase, TlsFailure, TlsOptions,
    TlsSetupError, is_named_pkcs12,
};

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
    /// Record every packet from the first CONNECT on.
    pub recorder: Option<crate::record::Recorder>,
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
    /// Hand every packet from now on to this recording.
    StartRecording(crate::record::Recorder),
    /// Stop the recording (the file is finished when the writer lets go).
    StopRecording,
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
    /// A message that arrived at `received_at` (played from a recording).
    MessageAt {
        /// The message.
        publish: Publish,
        /// When it arrived.
        received_at: SystemTime,
    },
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
    /// A recording played back starts again from its beginning (to jump
    /// back to a moment): what it showed so far is to be forgotten.
    Rewound,
    /// The thread has ended; no more events follow.
    Stopped,
}

/// The sending end of a [`ConnectionHandle`] fed by something other than a
/// network thread (a recording played back): events in batches, counted in
/// the same backlog, the reader woken after each batch.
pub struct EventFeed {
    outbox: batch::Outbox,
    backlog: Arc<Backlog>,
    events: Sender<EventBatch>,
    repaint: Option<Repaint>,
}

impl EventFeed {
    /// Add an event to the next batch.
    pub fn push(&mut self, event: Event) {
        self.outbox.push(event);
    }

    /// Send the batch; false once the reader has gone.
    pub fn send(&mut self) -> bool {
        if let Some(batch) = self.outbox.take() {
            if self.events.send(batch).is_err() {
                return false;
            }
            if let Some(repaint) = &self.repaint {
                repaint();
            }
        }
        true
    }

    /// Wake the reader without sending anything (something it shows from
    /// shared state changed).
    pub fn repaint(&self) {
        if let Some(repaint) = &self.repaint {
            repaint();
        }
    }

    /// Whether the reader has too much waiting (wait before sending more).
    pub fn is_full(&self) -> bool {
        self.backlog.is_full()
    }

    /// Whether the reader has taken enough to send again.
    pub fn has_room(&self) -> bool {
        self.backlog.has_room()
    }
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
    /// Send a command; the network thread handles it at once. False when
    /// the network thread has gone.
    pub fn send(&self, command: Command) -> bool {
        let sent = self.commands.send(command).is_ok();
        if sent {
            let _ = self.waker.wake();
        }
        sent
    }
}

/// The caller's side of a connection: send commands, receive events.
///
/// Events come in batches, one per turn of the network thread's loop. Take
/// them one at a time with [`try_next`](Self::try_next),
/// [`next_timeout`](Self::next_timeout) and [`next`](Self::next), or whole
/// batches from [`events`](Self::events) (for `select!`); do not mix the two.
pub struct ConnectionHandle {
    sender: CommandSender,
    events: Receiver<EventBatch>,
    /// The rest of the batch being taken one event at a time.
    pending: RefCell<VecDeque<Event>>,
    backlog: Arc<Backlog>,
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
        // Unbounded in batches; the thread stops reading the socket while the
        // backlog is full, so it stays bounded in events and bytes.
        let (event_tx, event_rx) = crossbeam_channel::unbounded();
        let backlog = Arc::new(Backlog::default());
        let thread_backlog = backlog.clone();
        let name = format!("mqscope-net {}", config.address);
        let thread = std::thread::Builder::new().name(name).spawn(move || {
            event_loop::run(config, poll, command_rx, event_tx, thread_backlog, repaint)
        })?;
        Ok(ConnectionHandle::from_parts(
            command_tx, waker, event_rx, backlog, thread,
        ))
    }

    fn from_parts(
        commands: Sender<Command>,
        waker: Arc<mio::Waker>,
        events: Receiver<EventBatch>,
        backlog: Arc<Backlog>,
        thread: JoinHandle<()>,
    ) -> ConnectionHandle {
        ConnectionHandle {
            sender: CommandSender { commands, waker },
            events,
            pending: RefCell::new(VecDeque::new()),
            backlog,
            thread: Some(thread),
        }
    }

    /// Start a thread named `name` that feeds events through `feed` as a
    /// network thread would, and gets the commands sent to the handle.
    pub fn spawn_feed(
        name: String,
        repaint: Option<Repaint>,
        feed: impl FnOnce(Receiver<Command>, EventFeed) + Send + 'static,
    ) -> std::io::Result<ConnectionHandle> {
        let poll = mio::Poll::new()?;
        let waker = Arc::new(mio::Waker::new(poll.registry(), event_loop::WAKER)?);
        let (command_tx, command_rx) = crossbeam_channel::unbounded();
        let (event_tx, event_rx) = crossbeam_channel::unbounded();
        let backlog = Arc::new(Backlog::default());
        let outlet = EventFeed {
            outbox: batch::Outbox::new(backlog.clone()),
            backlog: backlog.clone(),
            events: event_tx,
            repaint,
        };
        let thread = std::thread::Builder::new().name(name).spawn(move || {
            // The waker's poll lives as long as the thread.
            let _poll = poll;
            feed(command_rx, outlet);
        })?;
        Ok(ConnectionHandle::from_parts(
            command_tx, waker, event_rx, backlog, thread,
        ))
    }

    /// Send a command; it is handled at once.
    pub fn send(&self, command: Command) {
        let _ = self.sender.send(command);
    }

    /// A clonable sender of commands.
    pub fn command_sender(&self) -> CommandSender {
        self.sender.clone()
    }

    /// The batches of events, for `select!`.
    pub fn events(&self) -> &Receiver<EventBatch> {
        &self.events
    }

    /// The next event if one has arrived.
    pub fn try_next(&self) -> Option<Event> {
        let mut pending = self.pending.borrow_mut();
        if pending.is_empty() {
            pending.extend(self.events.try_recv().ok()?);
        }
        pending.pop_front()
    }

    /// The next event, waiting up to `timeout`.
    pub fn next_timeout(&self, timeout: Duration) -> Result<Event, RecvTimeoutError> {
        let deadline = Instant::now().checked_add(timeout);
        loop {
            if let Some(event) = self.pending.borrow_mut().pop_front() {
                return Ok(event);
            }
            let left = deadline.map_or(LONGEST_WAIT, |at| {
                at.saturating_duration_since(Instant::now())
            });
            let batch = self.events.recv_timeout(left)?;
            self.pending.borrow_mut().extend(batch);
        }
    }

    /// The next event, waiting for it; None once the thread has ended.
    pub fn next(&self) -> Option<Event> {
        loop {
            if let Some(event) = self.pending.borrow_mut().pop_front() {
                return Some(event);
            }
            let batch = self.events.recv().ok()?;
            self.pending.borrow_mut().extend(batch);
        }
    }

    /// True when an event is waiting.
    pub fn has_events(&self) -> bool {
        !self.pending.borrow().is_empty() || !self.events.is_empty()
    }

    /// Events sent by the thread and not taken yet.
    pub fn waiting_events(&self) -> usize {
        self.backlog.events() + self.pending.borrow().len()
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
