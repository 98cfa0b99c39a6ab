//! Recordings measured: how fast the writer takes messages and what each
//! costs on disk, then how soon a large recording shows its first message
//! and how fast it reads through.
//!
//!   cargo bench --bench recording              # a 1 GiB recording
//!   RECORDING_BENCH_MIB=100 cargo bench --bench recording
//!
//! The file is written to the system's temporary directory and removed.
//! Figures are printed as `key=value` lines.

use std::fs::File;
use std::io::BufReader;
use std::time::{Duration, Instant, SystemTime};

use mqscope::proto::session::Direction;
use mqscope::proto::{Packet, ProtocolVersion, Publish};
use mqscope::record::{
    Header, Item, Recorder, RecordingReader, Scope, WriterState, received_messages,
};

fn main() {
    let mib: u64 = std::env::var("RECORDING_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("bench.mqrec");
    let header = Header {
        mqscope_version: env!("CARGO_PKG_VERSION").into(),
        broker: "mqtt://127.0.0.1:1883".into(),
        protocol_version: 5,
        started_at_micros: 0,
        scope: Scope::Packets,
    };
    // Sensor-sized messages over 10 000 topics, as the firehose sends them.
    let packets: Vec<bytes::Bytes> = (0..10_000)
        .map(|i| {
            let payload = format!("{{\"t\":{},\"rh\":{}}}", 20 + i % 7, 40 + i % 13);
            let publish =
                Publish::new(format!("fire/room-{}/sensor-{}", i / 100, i % 100), payload);
            Packet::Publish(publish)
                .to_bytes(ProtocolVersion::V5)
                .unwrap()
        })
        .collect();
    let packet_bytes: u64 =
        packets.iter().map(|p| p.len() as u64).sum::<u64>() / packets.len() as u64;
    let target = mib * 1024 * 1024;
    let mut recorder = Recorder::create(&path, header).expect("create the recording");
    let status = recorder.status();
    let started = Instant::now();
    let mut offered = 0u64;
    let now = SystemTime::now();
    while status.bytes_written() < target {
        for packet in &packets {
            recorder.offer(now, Direction::Received, packet, None);
            offered += 1;
        }
        // Let the writer keep up: this measures the writer, not the queue.
        while status.frames() + status.lost() + 20_000 < offered {
            std::thread::yield_now();
        }
    }
    drop(recorder);
    while status.state() == WriterState::Running {
        std::thread::sleep(Duration::from_millis(5));
    }
    let write_secs = started.elapsed().as_secs_f64();
    let frames = status.frames();
    let size = std::fs::metadata(&path).expect("the file").len();
    println!("recording_bytes={size}");
    println!("messages_written={frames}");
    println!("messages_lost={}", status.lost());
    println!(
        "write_messages_per_second={:.0}",
        frames as f64 / write_secs
    );
    println!(
        "write_mib_per_second={:.0}",
        size as f64 / 1048576.0 / write_secs
    );
    println!("packet_bytes_mean={packet_bytes}");
    println!(
        "bytes_per_message_beyond_the_packet={:.1}",
        size as f64 / frames as f64 - packet_bytes as f64
    );

    // From opening the file to the first message decoded.
    let started = Instant::now();
    let reader = RecordingReader::open(BufReader::new(File::open(&path).unwrap())).unwrap();
    let first = received_messages(reader).next();
    let first_secs = started.elapsed().as_secs_f64();
    assert!(matches!(first, Some(Ok(_))), "{first:?}");
    println!("first_message_ms={:.2}", first_secs * 1000.0);

    // From opening the file to the first message in a window tab's event
    // channel: the player as the window runs it.
    let started = Instant::now();
    let reader = RecordingReader::open(BufReader::with_capacity(
        1 << 20,
        File::open(&path).unwrap(),
    ))
    .unwrap();
    // As the window does: the timeline's length from the file's end first.
    let end = mqscope::record::reader::last_frame_micros(&mut File::open(&path).unwrap());
    assert!(end.is_some(), "the last frame is found");
    let status = std::sync::Arc::new(mqscope::record::player::PlayerStatus::new(end));
    let (_controls, wishes) = crossbeam_channel::unbounded();
    let again = path.clone();
    let reopen: mqscope::record::player::Reopen<BufReader<File>> = Box::new(move || {
        RecordingReader::open(BufReader::new(
            File::open(&again).map_err(|e| mqscope::record::OpenError::Read(e.kind()))?,
        ))
    });
    let handle = mqscope::net::ConnectionHandle::spawn_feed("player".into(), None, move |c, f| {
        mqscope::record::player::play(reader, reopen, wishes, status, c, f)
    })
    .expect("the player");
    loop {
        match handle.next_timeout(Duration::from_secs(10)) {
            Ok(mqscope::net::Event::MessageAt { .. }) => break,
            Ok(_) => continue,
            Err(e) => panic!("no message from the player: {e:?}"),
        }
    }
    println!(
        "player_first_message_ms={:.2}",
        started.elapsed().as_secs_f64() * 1000.0
    );
    drop(handle);

    // Reading every frame, as export and the window's player do.
    let started = Instant::now();
    let reader = RecordingReader::open(BufReader::with_capacity(
        1 << 20,
        File::open(&path).unwrap(),
    ))
    .unwrap();
    let mut read = 0u64;
    for item in reader {
        if let Item::Frame(_) = item {
            read += 1;
        }
    }
    let read_secs = started.elapsed().as_secs_f64();
    assert_eq!(read, frames);
    println!("read_messages_per_second={:.0}", read as f64 / read_secs);
    println!(
        "read_mib_per_second={:.0}",
        size as f64 / 1048576.0 / read_secs
    );
}
