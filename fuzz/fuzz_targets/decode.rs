//! Fuzz the incremental decoder and the decode → encode → decode round trip.
//!
//! Input layout (see `fuzz/seeds/README.md`):
//! - byte 0: bit 0 picks the version (1 = MQTT 5, 0 = 3.1.1); bits 1–2 pick the
//!   decoder's maximum packet size (none, 16, 128, 1 MiB);
//! - bytes 1 and 2: the stream is fed in chunks of alternately `b1 + 1` and
//!   `b2 + 1` bytes;
//! - the rest: the byte stream.
//!
//! Checked: nothing panics; feeding in chunks gives exactly what feeding all at
//! once gives; every decoded packet encodes (a decoded packet is valid, so a
//! refusal is a bug), its `encoded_len` is what `encode` wrote, and decoding
//! the encoding gives the same packet, whose encoding is the same bytes again.
#![no_main]

use bytes::{Bytes, BytesMut};
use libfuzzer_sys::fuzz_target;
use mqscope::proto::decoder::parse_frame_header;
use mqscope::proto::{CodecError, Decoder, Packet, ProtocolVersion};

const MAX_SIZES: [Option<u32>; 4] = [None, Some(16), Some(128), Some(1 << 20)];

fuzz_target!(|data: &[u8]| {
    let [flags, a, b, stream @ ..] = data else {
        return;
    };
    let version = if flags & 1 == 1 {
        ProtocolVersion::V5
    } else {
        ProtocolVersion::V311
    };
    let max = MAX_SIZES[usize::from(flags >> 1 & 3)];
    let chunks = [usize::from(*a) + 1, usize::from(*b) + 1];

    let chunked = decode_stream(version, max, stream, chunks.into_iter().cycle());
    let whole = decode_stream(version, max, stream, std::iter::once(stream.len()));
    assert_eq!(chunked, whole, "chunk boundaries changed what was decoded");

    for (packet, version) in &chunked.0 {
        round_trip(packet, *version);
    }
});

/// What a stream decodes to: each packet with the version it was decoded in,
/// and the error that stopped the stream, if any.
type Decoded = (Vec<(Packet, ProtocolVersion)>, Option<CodecError>);

/// Feed `stream` in chunks of the given sizes, taking packets out after each
/// chunk, until the bytes run out or the decoder reports an error.
fn decode_stream(
    version: ProtocolVersion,
    max: Option<u32>,
    mut stream: &[u8],
    mut chunk_sizes: impl Iterator<Item = usize>,
) -> Decoded {
    let mut decoder = Decoder::new(version, max);
    let mut packets = Vec::new();
    loop {
        let (chunk, rest) = stream.split_at(chunk_sizes.next().unwrap().min(stream.len()));
        stream = rest;
        decoder.feed(chunk);
        loop {
            // A CONNECT switches the decoder's version, so note it before each packet.
            let version = decoder.version();
            match decoder.next_packet() {
                Ok(Some(packet)) => packets.push((packet, version)),
                Ok(None) => break,
                Err(e) => return (packets, Some(e)),
            }
        }
        if stream.is_empty() {
            return (packets, None);
        }
    }
}

/// Encode a decoded packet and decode it again.
fn round_trip(packet: &Packet, version: ProtocolVersion) {
    let encoded = encode(packet, version);
    // The fixed header must frame exactly the bytes written.
    let header = parse_frame_header(&encoded)
        .expect("encoded fixed header is invalid")
        .expect("encoded fixed header is incomplete");
    assert_eq!(
        header.total_len(),
        encoded.len(),
        "Remaining Length is wrong"
    );

    let again = Packet::decode(&encoded, version).unwrap_or_else(|e| {
        panic!("re-decoding failed: {e:?}\npacket: {packet:?}\nencoded: {encoded:02x?}")
    });
    assert_eq!(
        &again, packet,
        "decode → encode → decode changed the packet"
    );
    assert_eq!(
        encode(&again, version),
        encoded,
        "re-encoding changed the bytes"
    );
}

/// Encode `packet`, checking that it is accepted and that the sizes agree.
fn encode(packet: &Packet, version: ProtocolVersion) -> Bytes {
    let mut out = BytesMut::new();
    let written = packet
        .encode(version, None, &mut out)
        .unwrap_or_else(|e| panic!("a decoded packet failed to encode: {e:?}\npacket: {packet:?}"));
    assert_eq!(written, out.len(), "encode returned the wrong size");
    assert_eq!(
        packet.encoded_len(version),
        Ok(written),
        "encoded_len disagrees with encode"
    );
    out.freeze()
}
