//! Cutting a byte stream into packets, incrementally.
//!
//! Bytes arrive in any chunks; [`Decoder::next_packet`] returns `Ok(None)` until
//! a whole packet is buffered. A packet larger than the allowed maximum is
//! refused as soon as its fixed header is seen, so a peer that announces a
//! huge Remaining Length never makes the decoder allocate for it.

use bytes::{Bytes, BytesMut};

use crate::proto::codec::reader::Result;
use crate::proto::codec::{CodecError, varint};
use crate::proto::packet::{Packet, ProtocolVersion};

/// The fixed header of a packet at the start of a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    /// The first byte: packet type and flags.
    pub first_byte: u8,
    /// The size of the fixed header (2 to 5 bytes).
    pub header_len: usize,
    /// The Remaining Length.
    pub remaining_len: usize,
}

impl FrameHeader {
    /// The size of the whole packet.
    #[inline]
    pub fn total_len(&self) -> usize {
        self.header_len + self.remaining_len
    }
}

/// Read the fixed header at the start of `buf`; `Ok(None)` when more bytes are needed.
#[inline]
pub fn parse_frame_header(buf: &[u8]) -> Result<Option<FrameHeader>> {
    let Some((&first_byte, rest)) = buf.split_first() else {
        return Ok(None);
    };
    Ok(varint::parse(rest)?.map(|(remaining, len)| FrameHeader {
        first_byte,
        header_len: 1 + len,
        remaining_len: remaining as usize,
    }))
}

/// Split the next whole packet off the front of `buf`, without decoding it.
///
/// `Ok(None)` means more bytes are needed. A packet larger than
/// `max_packet_size` is an error as soon as its fixed header is complete.
#[inline]
pub fn next_frame(buf: &mut BytesMut, max_packet_size: Option<u32>) -> Result<Option<Bytes>> {
    let Some(header) = parse_frame_header(buf)? else {
        return Ok(None);
    };
    let total = header.total_len();
    if let Some(limit) = max_packet_size
        && total as u64 > u64::from(limit)
    {
        return Err(CodecError::PacketTooLarge {
            size: total as u64,
            limit,
        });
    }
    if buf.len() < total {
        return Ok(None);
    }
    Ok(Some(buf.split_to(total).freeze()))
}

/// An incremental decoder for one direction of one connection.
///
/// Feed it bytes as they arrive and take packets out. After an error the
/// stream cannot be trusted any more: the connection must be closed with the
/// error's [`CodecError::reason_code`].
#[derive(Debug)]
pub struct Decoder {
    buffer: BytesMut,
    version: ProtocolVersion,
    max_packet_size: Option<u32>,
}

impl Decoder {
    /// A decoder for a connection speaking `version`, refusing packets larger
    /// than `max_packet_size` bytes when given.
    pub fn new(version: ProtocolVersion, max_packet_size: Option<u32>) -> Decoder {
        Decoder {
            buffer: BytesMut::new(),
            version,
            max_packet_size,
        }
    }

    /// The protocol version packets are decoded with.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// Change the protocol version (e.g. after a CONNECT was accepted).
    pub fn set_version(&mut self, version: ProtocolVersion) {
        self.version = version;
    }

    /// Change the largest packet accepted.
    pub fn set_max_packet_size(&mut self, max_packet_size: Option<u32>) {
        self.max_packet_size = max_packet_size;
    }

    /// Add received bytes.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The buffer to read into directly (avoids a copy); see [`Decoder::feed`].
    pub fn buffer_mut(&mut self) -> &mut BytesMut {
        &mut self.buffer
    }

    /// How many received bytes are not yet part of a returned packet.
    pub fn buffered_len(&self) -> usize {
        self.buffer.len()
    }

    /// The next whole packet, or `Ok(None)` when more bytes are needed.
    pub fn next_packet(&mut self) -> Result<Option<Packet>> {
        Ok(self.next_packet_with_bytes()?.map(|(packet, _)| packet))
    }

    /// The next whole packet together with its raw bytes (for a packet log).
    pub fn next_packet_with_bytes(&mut self) -> Result<Option<(Packet, Bytes)>> {
        let Some(frame) = next_frame(&mut self.buffer, self.max_packet_size)? else {
            return Ok(None);
        };
        let packet = Packet::decode(&frame, self.version)?;
        if let Packet::Connect(connect) = &packet {
            // A server learns the connection's version from CONNECT.
            self.version = connect.protocol_version;
        }
        Ok(Some((packet, frame)))
    }
}
