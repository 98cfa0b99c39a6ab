//! The loop of the network thread: mio readiness, commands, session timers,
//! reconnects.

mod closing;
mod pacing;
mod session_events;

use std::collections::HashMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use bytes::Bytes;
use bytestring::ByteString;

use crossbeam_channel::{Receiver, Sender, TryRecvError};
use mio::{Events, Poll, Token};

use super::batch::{Backlog, EventBatch, Outbox};
use super::error::ConnectError;
use super::transport::{Progress, Transport};
use super::{Command, ConnectionConfig, Event, LONGEST_WAIT, Repaint, tls};
use crate::proto::{Properties, ReasonCode};
use closing::Closing;
use pacing::ReadPacing;

use crate::proto::session::{CloseReason, Direction, Session, SessionEvent, SessionOptions};
use crate::record::Recorder;

/// The waker's token.
pub const WAKER: Token = Token(0);
const SOCKET: Token = Token(1);

/// What the link to the broker is doing.
enum Link {
    /// Waiting until `retry_at` (or for nothing, when not reconnecting).
    Down { retry_at: Option<Instant> },
    /// A transport exists (connecting, handshaking or carrying MQTT).
    Up {
        transport: Box<Transport>,
        deadline: Option<Instant>,
        remaining_addresses: Vec<SocketAddr>,
    },
}

struct Loop {
    config: ConnectionConfig,
    poll: Poll,
    session: Session,
    events_out: Sender<EventBatch>,
    /// This loop turn's events, sent together at its end.
    outbox: Outbox,
    /// What the reader has not taken yet.
    backlog: Arc<Backlog>,
    repaint: Option<Repaint>,
    link: Link,
    attempt: u32,
    stop_requested: bool,
    tags: HashMap<u64, u64>,
    /// When the socket is read (back-pressure, the read interval).
    pacing: ReadPacing,
    /// A clean close waiting for open QoS 1/2 flows.
    closing: Option<Closing>,
    /// The interest the socket is registered with, to re-register only on change.
    interest: Option<mio::Interest>,
    /// Where every packet goes while a recording runs.
    recorder: Option<Recorder>,
}

/// Run the network thread until a disconnect is requested, the handle is
/// dropped, or the connection ends without reconnecting.
pub fn run(
    config: ConnectionConfig,
    poll: Poll,
    commands: Receiver<Command>,
    events_out: Sender<EventBatch>,
    backlog: Arc<Backlog>,
    repaint: Option<Repaint>,
) {
    let mut config = config;
    config.session = bounded(config.session);
    let mut session = Session::new(config.connect.clone(), config.session.clone());
    session.set_packet_log(config.packet_log);
    let recorder = config.recorder.take();
    session.set_recording(recorder.is_some());
    let mut this = Loop {
        config,
        poll,
        session,
        events_out,
        outbox: Outbox::new(backlog.clone()),
        backlog,
        repaint,
        link: Link::Down {
            retry_at: Some(Instant::now()),
        },
        attempt: 0,
        stop_requested: false,
        tags: HashMap::new(),
        pacing: ReadPacing::default(),
        closing: None,
        interest: None,
        recorder,
    };
    this.main(&commands);
    this.emit(Event::Stopped);
    this.notify();
}

/// `options` with its timeouts cut to [`LONGEST_WAIT`], so that the session's
/// deadlines cannot overflow the clock.
fn bounded(options: SessionOptions) -> SessionOptions {
    SessionOptions {
        connect_timeout: options.connect_timeout.min(LONGEST_WAIT),
        ping_timeout: options.ping_timeout.map(|t| t.min(LONGEST_WAIT)),
        ..options
    }
}

impl Loop {
    fn main(&mut self, commands: &Receiver<Command>) {
        let mut events = Events::with_capacity(64);
        loop {
            let now = Instant::now();
            if let Link::Down { retry_at: Some(at) } = self.link
                && now >= at
            {
                self.start_attempt(now);
            }
            if let Link::Down { retry_at: None } = self.link
                && (self.stop_requested || !self.config.reconnect.enabled)
            {
                return;
            }
            let now = Instant::now();
            let until_deadline = self
                .next_deadline()
                .map(|at| at.saturating_duration_since(now));
            let timeout = self.pacing.poll_timeout(until_deadline, now);
            if let Err(error) = self.poll.poll(&mut events, timeout)
                && error.kind() != std::io::ErrorKind::Interrupted
            {
                self.emit(Event::ConnectFailed(ConnectError::Network {
                    address: self.config.address.to_string(),
                    detail: format!("the network event loop failed: {error}"),
                }));
                return;
            }
            let now = Instant::now();
            let socket_ready = events.iter().any(|e| e.token() == SOCKET);
            // Commands first, so a Disconnect is handled at once.
            loop {
                match commands.try_recv() {
                    Ok(command) => self.handle_command(now, command),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => {
                        if !self.stop_requested {
                            self.handle_command(
                                now,
                                Command::Disconnect {
                                    reason_code: ReasonCode::Success,
                                    properties: Default::default(),
                                },
                            );
                        }
                        break;
                    }
                }
            }
            let resume = self.pacing.keep_up_with(&self.backlog);
            if self.pacing.is_paused() {
                self.session.reading_paused(now);
            }
            if self.pacing.read_now(now, resume || socket_ready) {
                self.on_socket(now);
            }
            self.on_timers(now);
            self.finish_closing(now);
            self.pump(now);
            self.notify();
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        [
            self.link_deadline(),
            self.closing.as_ref().map(|closing| closing.until()),
            self.recorder.as_ref().and_then(Recorder::due_at),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    fn link_deadline(&self) -> Option<Instant> {
        match &self.link {
            Link::Down { retry_at } => *retry_at,
            Link::Up { deadline, .. } => {
                let session = if self.session.is_closed() {
                    None
                } else {
                    self.session.poll_timeout()
                };
                match (*deadline, session) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            }
        }
    }

    fn emit(&mut self, event: Event) {
        self.outbox.push(event);
    }

    /// Send this turn's events as one batch and wake the reader.
    fn notify(&mut self) {
        if let Some(batch) = self.outbox.take() {
            let _ = self.events_out.send(batch);
            if let Some(repaint) = &self.repaint {
                repaint();
            }
        }
    }

    fn start_attempt(&mut self, now: Instant) {
        self.attempt += 1;
        let address = self.config.address.clone();
        self.emit(Event::Connecting {
            address: address.to_string(),
            attempt: self.attempt,
        });
        let resolved: Result<Vec<SocketAddr>, ConnectError> = (address.host.as_str(), address.port)
            .to_socket_addrs()
            .map(|addrs| addrs.collect())
            .map_err(|e| ConnectError::Resolve {
                host: address.host.clone(),
                detail: e.to_string(),
            });
        match resolved {
            Ok(addrs) if !addrs.is_empty() => {
                let deadline = now.checked_add(self.config.session.connect_timeout);
                self.try_addresses(addrs, deadline);
            }
            Ok(_) => self.failed(
                now,
                ConnectError::Resolve {
                    host: address.host,
                    detail: "no addresses".to_owned(),
                },
            ),
            Err(error) => self.failed(now, error),
        }
    }

    /// Start connecting to the first address that accepts a socket.
    /// `deadline`: when to give up on the transport (`None`: no limit).
    fn try_addresses(&mut self, mut addrs: Vec<SocketAddr>, deadline: Option<Instant>) {
        let tls = if self.config.address.transport.is_tls() {
            match tls::TlsSetup::new(&self.config.address.host, &self.config.tls) {
                Ok(setup) => Some(setup),
                Err(error) => {
                    self.failed(Instant::now(), error.into());
                    return;
                }
            }
        } else {
            None
        };
        let mut last_error = None;
        while !addrs.is_empty() {
            let peer = addrs.remove(0);
            let max_packet_size = self.config.connect.properties.maximum_packet_size();
            match Transport::connect(peer, &self.config.address, max_packet_size, tls.clone()) {
                Ok(mut transport) => {
                    let interest = transport.interest();
                    if let Err(e) =
                        self.poll
                            .registry()
                            .register(transport.socket_mut(), SOCKET, interest)
                    {
                        last_error = Some(super::transport::classify(&e, peer));
                        continue;
                    }
                    self.interest = Some(interest);
                    self.link = Link::Up {
                        transport: Box::new(transport),
                        deadline,
                        remaining_addresses: addrs,
                    };
                    return;
                }
                Err(error) => last_error = Some(error),
            }
        }
        if let Some(error) = last_error {
            self.failed(Instant::now(), error);
        }
    }

    /// The transport could not be established: report and maybe retry.
    fn failed(&mut self, now: Instant, error: ConnectError) {
        self.teardown();
        self.emit(Event::ConnectFailed(error));
        self.schedule_retry(now);
    }

    fn schedule_retry(&mut self, now: Instant) {
        if self.stop_requested || !self.config.reconnect.enabled {
            self.link = Link::Down { retry_at: None };
            return;
        }
        let delay = self
            .config
            .reconnect
            .delay(self.attempt.max(1), fastrand::f64());
        self.emit(Event::Reconnecting {
            delay,
            attempt: self.attempt + 1,
        });
        // The delay is at most LONGEST_WAIT; a clock that cannot reach it
        // leaves the link waiting for a command.
        self.link = Link::Down {
            retry_at: now.checked_add(delay),
        };
    }

    fn teardown(&mut self) {
        if let Link::Up { transport, .. } = &mut self.link {
            transport.close();
            let _ = self.poll.registry().deregister(transport.socket_mut());
        }
        self.link = Link::Down { retry_at: None };
    }

    fn on_socket(&mut self, now: Instant) {
        let Link::Up { transport, .. } = &mut self.link else {
            return;
        };
        let result = transport.on_ready(self.session.read_buffer());
        match result {
            Ok(Progress::Pending) => self.session.handle_buffered(now),
            Ok(Progress::Ready) => {
                if let Link::Up { deadline, .. } = &mut self.link {
                    // From here the session's CONNACK timeout applies.
                    *deadline = None;
                }
                if let Err(error) = self.session.connect(now) {
                    self.emit(Event::ConnectFailed(ConnectError::Network {
                        address: self.config.address.to_string(),
                        detail: format!("the CONNECT packet cannot be sent: {error}"),
                    }));
                    self.stop_requested = true;
                    self.teardown();
                    return;
                }
                self.session.handle_buffered(now);
            }
            Ok(Progress::Closed(detail)) => {
                self.session.handle_buffered(now);
                self.session.connection_lost(detail);
            }
            Err(error) => {
                // Try the next address of the name, if any.
                let next = match &mut self.link {
                    Link::Up {
                        remaining_addresses,
                        deadline,
                        ..
                    } if !remaining_addresses.is_empty() => {
                        Some((std::mem::take(remaining_addresses), *deadline))
                    }
                    _ => None,
                };
                match next {
                    Some((addrs, deadline))
                        if matches!(
                            error,
                            ConnectError::Refused { .. } | ConnectError::Network { .. }
                        ) =>
                    {
                        self.teardown();
                        self.try_addresses(addrs, deadline);
                    }
                    _ => self.failed(now, error),
                }
            }
        }
    }

    fn on_timers(&mut self, now: Instant) {
        if let Link::Up {
            deadline: Some(deadline),
            transport,
            ..
        } = &self.link
            && now >= *deadline
        {
            let error = ConnectError::Timeout {
                address: transport.peer().to_string(),
                secs: self.config.session.connect_timeout.as_secs(),
            };
            self.failed(now, error);
            return;
        }
        if matches!(self.link, Link::Up { .. })
            && !self.session.is_closed()
            && let Some(at) = self.session.poll_timeout()
            && now >= at
        {
            self.session.handle_timeout(now);
        }
    }

    fn handle_command(&mut self, now: Instant, command: Command) {
        match command {
            Command::Publish { tag, publish } => {
                let acknowledged = publish.qos != crate::proto::QoS::AtMostOnce;
                match self.session.publish(now, publish) {
                    // QoS 0 has no outcome to report, so nothing to remember
                    // (one entry per message would grow without end).
                    Ok(id) if acknowledged => {
                        self.tags.insert(id, tag);
                    }
                    Ok(_) => {}
                    Err(error) => self.emit(Event::PublishFailed { tag, error }),
                }
            }
            Command::Subscribe {
                tag,
                filters,
                properties,
            } => match self.session.subscribe(now, filters, properties) {
                Ok(id) => {
                    self.tags.insert(id, tag);
                }
                Err(error) => self.emit(Event::RequestFailed { tag, error }),
            },
            Command::Unsubscribe {
                tag,
                filters,
                properties,
            } => match self.session.unsubscribe(now, filters, properties) {
                Ok(id) => {
                    self.tags.insert(id, tag);
                }
                Err(error) => self.emit(Event::RequestFailed { tag, error }),
            },
            Command::SetPacketLog(on) => self.session.set_packet_log(on),
            Command::StartRecording(recorder) => {
                self.session.set_recording(true);
                self.recorder = Some(recorder);
            }
            Command::StopRecording => {
                self.session.set_recording(false);
                self.recorder = None;
            }
            Command::Disconnect {
                reason_code,
                properties,
            } => {
                self.stop_requested = true;
                if self.session.is_closed() {
                    self.teardown();
                    self.link = Link::Down { retry_at: None };
                } else if self.session.is_connected() && self.session.flows_open() {
                    // Let the QoS 1/2 flows already begun finish first (a
                    // bounded wait); new messages are not taken meanwhile.
                    self.session.drain();
                    self.closing = Some(Closing::new(reason_code, properties, now));
                } else {
                    self.send_disconnect(now, reason_code, properties);
                }
            }
        }
    }

    /// DISCONNECT with `reason_code` (or with Success if that cannot be sent).
    fn send_disconnect(&mut self, now: Instant, reason_code: ReasonCode, properties: Properties) {
        if let Err(error) = self.session.disconnect(now, reason_code, properties) {
            self.emit(Event::RequestFailed { tag: 0, error });
            let _ = self
                .session
                .disconnect(now, ReasonCode::Success, Default::default());
        }
    }

    /// A clean close waits until the open flows finish or its grace runs out.
    fn finish_closing(&mut self, now: Instant) {
        let Some(closing) = &self.closing else {
            return;
        };
        if self.session.is_closed() {
            self.closing = None;
        } else if closing.is_due(self.session.flows_open(), now)
            && let Some(closing) = self.closing.take()
        {
            self.send_disconnect(now, closing.reason_code, closing.properties);
        }
    }

    /// Hand a packet to the recording, if one runs; a writer that stopped
    /// (its error is in its status) is let go.
    fn record(
        &mut self,
        at: SystemTime,
        direction: Direction,
        bytes: &Bytes,
        alias_topic: Option<&ByteString>,
    ) {
        if let Some(recorder) = &mut self.recorder
            && !recorder.offer(at, direction, bytes, alias_topic)
        {
            self.recorder = None;
            self.session.set_recording(false);
        }
    }

    /// Move session output to the transport and session events to the owner;
    /// end the link when the session closed.
    fn pump(&mut self, now: Instant) {
        let mut write_error = None;
        if let Link::Up { transport, .. } = &mut self.link {
            while let Some(bytes) = self.session.poll_transmit() {
                if transport.is_ready()
                    && let Err(error) = transport.send(&bytes)
                {
                    write_error = Some(error.to_string());
                }
            }
            if let Err(error) = transport.flush() {
                write_error = Some(error.to_string());
            }
        } else {
            // Nothing to write to; the session re-sends what matters on resume.
            while self.session.poll_transmit().is_some() {}
        }
        if let Some(detail) = write_error {
            self.session.connection_lost(detail);
        }
        let mut closed = false;
        // One clock reading for the packets of one turn (they came in one read).
        let wall = self.recorder.as_ref().map(|_| SystemTime::now());
        while let Some(event) = self.session.poll_event() {
            if let SessionEvent::Packet {
                direction,
                bytes,
                shown,
                alias_topic,
            } = &event
            {
                if let Some(wall) = wall {
                    self.record(wall, *direction, bytes, alias_topic.as_ref());
                }
                if !shown {
                    continue;
                }
            }
            let event = session_events::to_event(event, &mut self.tags);
            match &event {
                Event::Connected(_) => self.attempt = 0,
                Event::Disconnected(reason) => {
                    closed = true;
                    if let CloseReason::ClientRequest { .. } = reason {
                        self.stop_requested = true;
                    }
                }
                _ => {}
            }
            self.emit(event);
        }
        if let Some(recorder) = &mut self.recorder
            && !recorder.flush_if_due(now)
        {
            self.recorder = None;
            self.session.set_recording(false);
        }
        if closed {
            self.teardown();
            self.schedule_retry(now);
        } else if let Link::Up { transport, .. } = &mut self.link {
            let interest = transport.interest();
            if self.interest != Some(interest) {
                self.interest = Some(interest);
                let _ = self
                    .poll
                    .registry()
                    .reregister(transport.socket_mut(), SOCKET, interest);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn session_timeouts_are_cut_to_the_longest_wait() {
        let options = bounded(SessionOptions {
            connect_timeout: Duration::MAX,
            ping_timeout: Some(Duration::MAX),
            ..SessionOptions::default()
        });
        assert_eq!(options.connect_timeout, LONGEST_WAIT);
        assert_eq!(options.ping_timeout, Some(LONGEST_WAIT));
        assert!(
            Instant::now()
                .checked_add(options.connect_timeout)
                .is_some()
        );
    }

    #[test]
    fn ordinary_session_timeouts_are_kept() {
        let options = bounded(SessionOptions {
            connect_timeout: Duration::ZERO,
            ping_timeout: None,
            ..SessionOptions::default()
        });
        assert_eq!(options.connect_timeout, Duration::ZERO);
        assert_eq!(options.ping_timeout, None);
        let defaults = bounded(SessionOptions::default());
        assert_eq!(
            defaults.connect_timeout,
            SessionOptions::default().connect_timeout
        );
    }
}
