//! Fuzz the payload decoders: every format, every compression, and the
//! Sparkplug B state, on any bytes. Byte 0 picks the topic (Sparkplug node
//! or device messages, a STATE, or another); the rest is the payload, fed to
//! one reader in turn so that births, data and deaths meet.
//!
//! Checked: nothing panics, and what decodes serializes as JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mqscope::decode::{Compression, Context, Format, Hints, Reader, decode};

const TOPICS: [&str; 6] = [
    "spBv1.0/g/NBIRTH/e",
    "spBv1.0/g/NDATA/e",
    "spBv1.0/g/DBIRTH/e/d",
    "spBv1.0/g/DDATA/e/d",
    "spBv1.0/STATE/h",
    "factory/a",
];

fuzz_target!(|data: &[u8]| {
    let [pick, payload @ ..] = data else {
        return;
    };
    let context = Context::default();
    for format in Format::ALL {
        if let Ok(decoded) = decode(format, payload, None, None, &context) {
            serde_json::to_string(&decoded.value).expect("decoded values serialize");
        }
    }
    for compression in [Compression::Gzip, Compression::Zlib, Compression::Deflate] {
        let _ = decode(Format::Cbor, payload, Some(compression), None, &context);
    }
    let mut reader = Reader::default();
    // The payload split in two messages of the picked topic and the next.
    let cut = usize::from(*pick) % (payload.len() + 1);
    for (i, part) in [&payload[..cut], &payload[cut..]].into_iter().enumerate() {
        let topic = TOPICS[(usize::from(*pick) + i) % TOPICS.len()];
        let hints = Hints {
            topic,
            ..Hints::default()
        };
        let _ = reader.observe(&hints, part);
        let _ = reader.read(&hints, part);
    }
});
