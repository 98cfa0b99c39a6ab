//! One connection's byte stream: TCP, optionally TLS (rustls) on top, and
//! optionally WebSocket framing on top of that. Non-blocking, driven by mio
//! readiness events.

use std::io::{self, Read, Write};
use std::net::SocketAddr;

use bytes::{Buf, BytesMut};
use mio::Interest;
use mio::net::TcpStream;
use rustls::ClientConnection;

use super::BrokerAddress;
use super::error::ConnectError;
use super::tls;
use super::ws::{WsLayer, WsProgress};

const READ_CHUNK: usize = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    TcpConnecting,
    Handshaking,
    Ready,
}

/// What happened on the transport.
#[derive(Debug, PartialEq, Eq)]
pub enum Progress {
    /// Nothing new, or MQTT bytes were appended to the sink.
    Pending,
    /// TCP, TLS and WebSocket handshakes are done: MQTT may start.
    Ready,
    /// The other side closed the connection.
    Closed(String),
}

/// The layered byte stream of one connection.
pub struct Transport {
    socket: TcpStream,
    peer: SocketAddr,
    tls: Option<Box<ClientConnection>>,
    /// Where a refused certificate's fingerprint is left (with `tls`).
    tls_setup: Option<tls::TlsSetup>,
    ws: Option<WsLayer>,
    websocket_wanted: bool,
    address: BrokerAddress,
    /// The Maximum Packet Size the client asked for (bounds WebSocket messages).
    max_packet_size: Option<u32>,
    raw_out: BytesMut,
    phase: Phase,
    scratch: Vec<u8>,
}

impl Transport {
    /// Start connecting to `peer` for `address`, with TLS when `tls` is
    /// given; WebSocket messages are held only up to `max_packet_size`.
    pub fn connect(
        peer: SocketAddr,
        address: &BrokerAddress,
        max_packet_size: Option<u32>,
        tls_setup: Option<tls::TlsSetup>,
    ) -> Result<Transport, ConnectError> {
        let socket = TcpStream::connect(peer).map_err(|e| classify(&e, peer))?;
        let tls = match &tls_setup {
            Some(setup) => {
                let mut connection =
                    ClientConnection::new(setup.config.clone(), setup.name.clone())
                        .map_err(|e| ConnectError::Tls(setup.failure(&e)))?;
                connection.set_buffer_limit(None);
                Some(Box::new(connection))
            }
            None => None,
        };
        Ok(Transport {
            socket,
            peer,
            tls,
            tls_setup,
            ws: None,
            websocket_wanted: address.transport.is_websocket(),
            address: address.clone(),
            max_packet_size,
            raw_out: BytesMut::new(),
            phase: Phase::TcpConnecting,
            scratch: vec![0; READ_CHUNK],
        })
    }

    /// The socket, to register with mio.
    pub fn socket_mut(&mut self) -> &mut TcpStream {
        &mut self.socket
    }

    /// The address connected to.
    pub fn peer(&self) -> SocketAddr {
        self.peer
    }

    /// Whether all handshakes are done.
    pub fn is_ready(&self) -> bool {
        self.phase == Phase::Ready
    }

    /// The readiness to wait for.
    pub fn interest(&self) -> Interest {
        if self.wants_write() {
            Interest::READABLE | Interest::WRITABLE
        } else {
            Interest::READABLE
        }
    }

    fn wants_write(&self) -> bool {
        self.phase == Phase::TcpConnecting
            || !self.raw_out.is_empty()
            || self.tls.as_ref().is_some_and(|t| t.wants_write())
    }

    /// Handle readiness: finish connecting, read what arrived (MQTT bytes go
    /// to `sink`), and write what is pending.
    pub fn on_ready(&mut self, sink: &mut BytesMut) -> Result<Progress, ConnectError> {
        let was_ready = self.phase == Phase::Ready;
        if self.phase == Phase::TcpConnecting {
            if let Some(error) = self
                .socket
                .take_error()
                .map_err(|e| classify(&e, self.peer))?
            {
                return Err(classify(&error, self.peer));
            }
            match self.socket.peer_addr() {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::NotConnected => return Ok(Progress::Pending),
                Err(e) => return Err(classify(&e, self.peer)),
            }
            let _ = self.socket.set_nodelay(true);
            self.phase = Phase::Handshaking;
            if self.tls.is_none() {
                self.start_websocket()?;
            }
        }
        let progress = self.read(sink)?;
        self.flush()?;
        if let Progress::Closed(detail) = progress {
            if self.phase != Phase::Ready {
                return Err(ConnectError::ClosedDuringHandshake {
                    address: format!("{} ({detail})", self.peer),
                });
            }
            return Ok(Progress::Closed(detail));
        }
        if !was_ready && self.phase == Phase::Ready {
            return Ok(Progress::Ready);
        }
        Ok(Progress::Pending)
    }

    fn start_websocket(&mut self) -> Result<(), ConnectError> {
        if !self.websocket_wanted {
            self.phase = Phase::Ready;
            return Ok(());
        }
        let mut layer =
            WsLayer::start(&self.address, self.max_packet_size).map_err(ConnectError::WebSocket)?;
        let handshake = layer.take_outgoing();
        self.ws = Some(layer);
        self.write_lower(&handshake)
    }

    /// Read everything available; MQTT bytes are appended to `sink`.
    fn read(&mut self, sink: &mut BytesMut) -> Result<Progress, ConnectError> {
        if self.tls.is_some() {
            return self.read_tls(sink);
        }
        let mut closed = None;
        loop {
            // Read into the reused scratch buffer (no per-read zeroing), then
            // hand the bytes to MQTT or to the WebSocket layer.
            let mut scratch = std::mem::take(&mut self.scratch);
            let result = self.socket.read(&mut scratch);
            let outcome = match result {
                Ok(0) => {
                    closed = Some("the broker closed the connection".to_owned());
                    None
                }
                Ok(n) => {
                    let delivered = match self.ws.is_some() {
                        true => self.deliver(&scratch[..n], sink),
                        false => {
                            sink.extend_from_slice(&scratch[..n]);
                            Ok(None)
                        }
                    };
                    Some((n, delivered))
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => None,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => Some((READ_CHUNK, Ok(None))),
                Err(e) => {
                    self.scratch = scratch;
                    return self.lost(&e);
                }
            };
            self.scratch = scratch;
            match outcome {
                Some((n, delivered)) => {
                    if let Some(progress) = delivered? {
                        return Ok(progress);
                    }
                    // A short read means the socket is drained for now; the
                    // next readiness event brings the rest (as tokio does).
                    if n < READ_CHUNK {
                        break;
                    }
                }
                None => break,
            }
        }
        Ok(closed.map_or(Progress::Pending, Progress::Closed))
    }

    fn read_tls(&mut self, sink: &mut BytesMut) -> Result<Progress, ConnectError> {
        loop {
            let Some(tls) = self.tls.as_mut() else {
                return Ok(Progress::Pending);
            };
            let (mut closed, drained) = match tls.read_tls(&mut self.socket) {
                Ok(0) => (Some("the broker closed the connection".to_owned()), true),
                Ok(_) => (None, false),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => (None, true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return self.lost(&e),
            };
            if let Err(error) = tls.process_new_packets() {
                // Send the alert that tells the broker why.
                let _ = tls.write_tls(&mut self.socket);
                let failure = match &self.tls_setup {
                    Some(setup) => setup.failure(&error),
                    None => tls::TlsFailure::from_rustls(&error, None),
                };
                return if self.phase == Phase::Ready {
                    Ok(Progress::Closed(failure.to_string()))
                } else {
                    Err(ConnectError::Tls(failure))
                };
            }
            let mut received = Vec::new();
            loop {
                match tls.reader().read(&mut self.scratch) {
                    Ok(0) => {
                        closed = Some("the broker closed the TLS session".to_owned());
                        break;
                    }
                    Ok(n) => received.extend_from_slice(&self.scratch[..n]),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                        closed = Some("the broker closed the connection".to_owned());
                        break;
                    }
                    Err(e) => return self.lost(&e),
                }
            }
            let handshake_done = !tls.is_handshaking();
            if self.phase == Phase::Handshaking && handshake_done && self.ws.is_none() {
                self.start_websocket()?;
            }
            if !received.is_empty()
                && let Some(progress) = self.deliver(&received, sink)?
            {
                return Ok(progress);
            }
            if let Some(detail) = closed {
                return Ok(Progress::Closed(detail));
            }
            if drained {
                return Ok(Progress::Pending);
            }
        }
    }

    /// Hand plaintext to the WebSocket layer or straight to MQTT.
    fn deliver(
        &mut self,
        bytes: &[u8],
        sink: &mut BytesMut,
    ) -> Result<Option<Progress>, ConnectError> {
        let Some(ws) = self.ws.as_mut() else {
            sink.extend_from_slice(bytes);
            return Ok(None);
        };
        let progress = ws.receive(bytes, sink);
        let outgoing = ws.take_outgoing();
        let open = ws.is_open();
        self.write_lower(&outgoing)?;
        match progress {
            Ok(WsProgress::Handshaking) => Ok(None),
            Ok(WsProgress::Open) => {
                if open && self.phase == Phase::Handshaking {
                    self.phase = Phase::Ready;
                }
                Ok(None)
            }
            Ok(WsProgress::Closed(detail)) => Ok(Some(Progress::Closed(detail))),
            Err(detail) if self.phase == Phase::Ready => Ok(Some(Progress::Closed(detail))),
            Err(detail) => Err(ConnectError::WebSocket(detail)),
        }
    }

    /// Queue MQTT bytes for sending.
    pub fn send(&mut self, data: &[u8]) -> Result<(), ConnectError> {
        match self.ws.as_mut() {
            Some(ws) => {
                ws.send(data).map_err(ConnectError::WebSocket)?;
                let framed = ws.take_outgoing();
                self.write_lower(&framed)
            }
            None => self.write_lower(data),
        }
    }

    fn write_lower(&mut self, data: &[u8]) -> Result<(), ConnectError> {
        if data.is_empty() {
            return Ok(());
        }
        match self.tls.as_mut() {
            Some(tls) => tls
                .writer()
                .write_all(data)
                .map_err(|e| ConnectError::Tls(tls::TlsFailure::Other(e.to_string()))),
            None => {
                self.raw_out.extend_from_slice(data);
                Ok(())
            }
        }
    }

    /// Write as much as the socket takes now.
    pub fn flush(&mut self) -> Result<(), ConnectError> {
        if self.phase == Phase::TcpConnecting {
            return Ok(());
        }
        if let Some(tls) = self.tls.as_mut() {
            while tls.wants_write() {
                match tls.write_tls(&mut self.socket) {
                    Ok(_) => {}
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return self.lost(&e).map(|_| ()),
                }
            }
            return Ok(());
        }
        while !self.raw_out.is_empty() {
            match self.socket.write(&self.raw_out) {
                Ok(n) => self.raw_out.advance(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return self.lost(&e).map(|_| ()),
            }
        }
        Ok(())
    }

    /// Say goodbye at the TLS level and shut the socket.
    pub fn close(&mut self) {
        if let Some(ws) = self.ws.as_mut() {
            ws.close();
            let frame = ws.take_outgoing();
            let _ = self.write_lower(&frame);
        }
        if let Some(tls) = self.tls.as_mut() {
            tls.send_close_notify();
        }
        let _ = self.flush();
        let _ = self.socket.shutdown(std::net::Shutdown::Both);
    }

    fn lost(&self, error: &io::Error) -> Result<Progress, ConnectError> {
        if self.phase == Phase::Ready {
            Ok(Progress::Closed(error.to_string()))
        } else {
            Err(classify(error, self.peer))
        }
    }
}

/// A socket error in the words of [`ConnectError`].
pub fn classify(error: &io::Error, peer: SocketAddr) -> ConnectError {
    let address = peer.to_string();
    match error.kind() {
        io::ErrorKind::ConnectionRefused => ConnectError::Refused { address },
        _ => ConnectError::Network {
            address,
            detail: error.to_string(),
        },
    }
}
