//! The window's ingest path from memory, no socket: received bytes → session
//! (decode, QoS handling) → events → the model (topic tree, history). Run with
//! `cargo bench --bench ingest`; criterion prints messages per second.

use std::time::Instant;

use bytes::{Bytes, BytesMut};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use mqscope::model::ConnectionModel;
use mqscope::net::Event;
use mqscope::proto::session::{Session, SessionEvent, SessionOptions};
use mqscope::proto::{ConnAck, Connect, Packet, ProtocolVersion, Publish, ReasonCode};

const MESSAGES: usize = 100_000;

/// `count` QoS 0 PUBLISH packets with 64-byte payloads over `topics` topics.
fn stream(count: usize, topics: usize) -> Bytes {
    let mut out = BytesMut::new();
    let payload = Bytes::from(vec![b'x'; 64]);
    for i in 0..count {
        let publish = Publish::new(format!("fire/{}", i % topics).as_str(), payload.clone());
        Packet::Publish(publish)
            .encode(ProtocolVersion::V5, None, &mut out)
            .expect("encode");
    }
    out.freeze()
}

fn connected_session() -> Session {
    let mut session = Session::new(
        Connect::new(ProtocolVersion::V5, "bench"),
        SessionOptions::default(),
    );
    let now = Instant::now();
    session.connect(now).expect("connect");
    let connack = Packet::ConnAck(ConnAck::new(false, ReasonCode::Success))
        .to_bytes(ProtocolVersion::V5)
        .expect("connack");
    session.handle_bytes(now, &connack);
    while session.poll_event().is_some() {}
    while session.poll_transmit().is_some() {}
    session
}

/// Feed the stream in 64 KiB reads, as the network thread does, and apply
/// every event to the model, as the window's `logic` does.
fn ingest(stream: &Bytes, session: &mut Session, model: &mut ConnectionModel) {
    let now = Instant::now();
    for chunk in stream.chunks(64 * 1024) {
        session.read_buffer().extend_from_slice(chunk);
        session.handle_buffered(now);
        while let Some(event) = session.poll_event() {
            if let SessionEvent::Message(publish) = event {
                model.apply(Event::Message(publish), now);
            }
        }
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("ingest");
    group.throughput(Throughput::Elements(MESSAGES as u64));
    group.sample_size(20);
    for topics in [10_000, 100_000] {
        let data = stream(MESSAGES, topics);
        // The model already knows every topic (the steady state of a flood).
        group.bench_function(format!("decode+session+model, {topics} topics"), |b| {
            b.iter_batched(
                || {
                    let mut model = ConnectionModel::default();
                    let mut session = connected_session();
                    ingest(&data, &mut session, &mut model);
                    (connected_session(), model)
                },
                |(mut session, mut model)| {
                    ingest(&data, &mut session, &mut model);
                    (session, model)
                },
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
