//! MQTT over WebSocket (MQTT 5.0 chapter 6): binary frames, subprotocol `mqtt`.
//!
//! tungstenite runs over an in-memory pipe, so the WebSocket layer never
//! touches the socket: received bytes are pushed into the pipe and the bytes
//! tungstenite writes are taken out and sent by the layer below (TCP or TLS).

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::rc::Rc;

use bytes::{Buf, Bytes, BytesMut};
use tungstenite::client::IntoClientRequest;
use tungstenite::handshake::client::ClientHandshake;
use tungstenite::handshake::{HandshakeError, MidHandshake};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use super::BrokerAddress;

#[derive(Default)]
struct Buffers {
    incoming: BytesMut,
    outgoing: Vec<u8>,
}

/// The in-memory stream tungstenite reads from and writes to.
#[derive(Clone, Default)]
struct Pipe(Rc<RefCell<Buffers>>);

impl Read for Pipe {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut buffers = self.0.borrow_mut();
        if buffers.incoming.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = buf.len().min(buffers.incoming.len());
        buf[..n].copy_from_slice(&buffers.incoming[..n]);
        buffers.incoming.advance(n);
        Ok(n)
    }
}

impl Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().outgoing.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

enum State {
    Handshaking(MidHandshake<ClientHandshake<Pipe>>),
    Open(Box<WebSocket<Pipe>>),
    Failed,
}

/// The WebSocket layer of one connection.
pub struct WsLayer {
    pipe: Pipe,
    state: State,
}

/// What the WebSocket layer made of received bytes.
pub enum WsProgress {
    /// Still handshaking.
    Handshaking,
    /// Open; MQTT bytes were appended to the sink (possibly none).
    Open,
    /// The broker closed the WebSocket.
    Closed(String),
}

/// A failed WebSocket handshake in words a person can act on.
fn explain_handshake(error: &tungstenite::Error) -> String {
    match error {
        tungstenite::Error::Http(response) if response.status() == 404 => {
            "there is no WebSocket endpoint at that path (404 Not Found); check the path, which is often /mqtt".to_owned()
        }
        tungstenite::Error::Http(response) => format!(
            "the server answered the WebSocket upgrade with HTTP {}; is this an MQTT WebSocket endpoint?",
            response.status()
        ),
        tungstenite::Error::Protocol(tungstenite::error::ProtocolError::SecWebSocketSubProtocolError(_)) => {
            "the server did not accept MQTT over WebSocket (subprotocol \"mqtt\"); is this an MQTT endpoint?".to_owned()
        }
        other => other.to_string(),
    }
}

/// The largest MQTT packet the protocol allows (a 268 435 455-byte body and
/// its 5-byte header).
const LARGEST_MQTT_PACKET: usize = 268_435_460;

/// Messages and frames no larger than the connection's Maximum Packet Size
/// (what the client told the broker it accepts), else MQTT's largest packet:
/// a bigger one is refused before it is held.
fn config(max_packet_size: Option<u32>) -> WebSocketConfig {
    let limit = max_packet_size.map_or(LARGEST_MQTT_PACKET, |max| {
        usize::try_from(max).map_or(LARGEST_MQTT_PACKET, |max| max.min(LARGEST_MQTT_PACKET))
    });
    WebSocketConfig::default()
        .max_message_size(Some(limit))
        .max_frame_size(Some(limit))
}

impl WsLayer {
    /// Start the client handshake for `address` (subprotocol `mqtt`),
    /// accepting messages up to `max_packet_size`.
    pub fn start(address: &BrokerAddress, max_packet_size: Option<u32>) -> Result<WsLayer, String> {
        let scheme = if address.transport.is_tls() {
            "wss"
        } else {
            "ws"
        };
        let host = if address.host.contains(':') {
            format!("[{}]", address.host)
        } else {
            address.host.clone()
        };
        let url = format!("{scheme}://{host}:{}{}", address.port, address.path);
        let mut request = url.into_client_request().map_err(|e| e.to_string())?;
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            tungstenite::http::HeaderValue::from_static("mqtt"),
        );
        let pipe = Pipe::default();
        let state = match tungstenite::client::client_with_config(
            request,
            pipe.clone(),
            Some(config(max_packet_size)),
        ) {
            Ok((socket, _)) => State::Open(Box::new(socket)),
            Err(HandshakeError::Interrupted(mid)) => State::Handshaking(mid),
            Err(HandshakeError::Failure(error)) => return Err(error.to_string()),
        };
        Ok(WsLayer { pipe, state })
    }

    /// Bytes tungstenite wants sent (handshake, frames, pongs).
    pub fn take_outgoing(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.pipe.0.borrow_mut().outgoing)
    }

    /// Wrap MQTT bytes in a binary frame [MQTT-6.0.0-1].
    pub fn send(&mut self, data: &[u8]) -> Result<(), String> {
        match &mut self.state {
            State::Open(socket) => socket
                .send(Message::Binary(Bytes::copy_from_slice(data)))
                .map_err(|e| e.to_string()),
            _ => Err("the WebSocket is not open".to_owned()),
        }
    }

    /// Take received bytes; append the MQTT bytes they carry to `sink`.
    pub fn receive(&mut self, bytes: &[u8], sink: &mut BytesMut) -> Result<WsProgress, String> {
        self.pipe.0.borrow_mut().incoming.extend_from_slice(bytes);
        if let State::Handshaking(_) = self.state {
            let State::Handshaking(mid) = std::mem::replace(&mut self.state, State::Failed) else {
                unreachable!("checked above")
            };
            match mid.handshake() {
                Ok((socket, _response)) => self.state = State::Open(Box::new(socket)),
                Err(HandshakeError::Interrupted(mid)) => {
                    self.state = State::Handshaking(mid);
                    return Ok(WsProgress::Handshaking);
                }
                Err(HandshakeError::Failure(error)) => return Err(explain_handshake(&error)),
            }
        }
        let State::Open(socket) = &mut self.state else {
            return Err("the WebSocket failed".to_owned());
        };
        loop {
            match socket.read() {
                Ok(Message::Binary(data)) => sink.extend_from_slice(&data),
                Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_)) => {}
                Ok(Message::Text(_)) => {
                    // [MQTT-6.0.0-1] MQTT travels only in binary frames.
                    return Err(
                        "the broker sent a text frame; MQTT over WebSocket uses binary frames only"
                            .to_owned(),
                    );
                }
                Ok(Message::Close(frame)) => {
                    let why = frame.map(|f| f.reason.to_string()).unwrap_or_default();
                    return Ok(WsProgress::Closed(
                        format!("the broker closed the WebSocket {why}")
                            .trim()
                            .to_owned(),
                    ));
                }
                Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                    return Ok(WsProgress::Closed("the WebSocket was closed".to_owned()));
                }
                Err(error) => return Err(error.to_string()),
            }
        }
        // Pongs queued by tungstenite.
        let _ = socket.flush();
        Ok(WsProgress::Open)
    }

    /// Start the closing handshake: queue a Close frame (RFC 6455 5.5.1).
    pub fn close(&mut self) {
        if let State::Open(socket) = &mut self.state {
            let _ = socket.close(None);
            let _ = socket.flush();
        }
    }

    /// Whether the handshake is complete.
    pub fn is_open(&self) -> bool {
        matches!(self.state, State::Open(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn websocket_messages_are_bounded_by_the_maximum_packet_size() {
        assert_eq!(config(Some(1024)).max_message_size, Some(1024));
        assert_eq!(config(Some(1024)).max_frame_size, Some(1024));
        assert_eq!(config(None).max_message_size, Some(LARGEST_MQTT_PACKET));
        assert_eq!(
            config(Some(u32::MAX)).max_message_size,
            Some(LARGEST_MQTT_PACKET)
        );
    }
}
