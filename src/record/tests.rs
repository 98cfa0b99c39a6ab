//! The recording format: round trips, cuts at every byte, damage, strangers.

use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::format::{FrameFlags, FrameKind, Header, Scope, encode_frame, encode_header};
use super::reader::{Item, OpenError, RecordingReader};
use super::writer::{Recorder, WriterState};
use super::{Problem, received_messages};
use crate::proto::session::Direction;
use crate::proto::{Packet, Property, ProtocolVersion, Publish, QoS};

fn header() -> Header {
    Header {
        mqscope_version: "0.0.0-test".into(),
        broker: "mqtt://127.0.0.1:1883".into(),
        protocol_version: 5,
        started_at_micros: 1_700_000_000_000_000,
        scope: Scope::Packets,
    }
}

fn publish_bytes(topic: &str, payload: &[u8]) -> Bytes {
    Packet::Publish(Publish::new(topic, payload.to_vec()))
        .to_bytes(ProtocolVersion::V5)
        .unwrap()
}

/// A recording of `count` received messages, and where each frame starts.
fn recording(count: u64) -> (Vec<u8>, Vec<usize>) {
    let mut file = encode_header(&header());
    let mut starts = Vec::new();
    for i in 0..count {
        starts.push(file.len());
        let data = publish_bytes(&format!("lab/{i}"), format!("{i}").as_bytes());
        encode_frame(
            &mut file,
            1_700_000_000_000_000 + i * 1000,
            FrameKind::Received,
            FrameFlags::default(),
            &data,
        );
    }
    (file, starts)
}

fn items(bytes: &[u8]) -> Vec<Item> {
    RecordingReader::open(bytes).expect("opens").collect()
}

fn topics(items: &[Item]) -> Vec<String> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Frame(frame) => match Packet::decode(&frame.data, ProtocolVersion::V5) {
                Ok(Packet::Publish(p)) => Some(p.topic.to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

#[test]
fn frames_come_back_as_written_with_the_header() {
    let (file, starts) = recording(3);
    let reader = RecordingReader::open(&file[..]).unwrap();
    assert_eq!(reader.header(), &header());
    let items: Vec<Item> = reader.collect();
    assert_eq!(items.len(), 3);
    let Item::Frame(second) = &items[1] else {
        panic!("{items:?}")
    };
    assert_eq!(second.offset, starts[1] as u64);
    assert_eq!(second.at_micros, 1_700_000_000_001_000);
    assert_eq!(second.kind, FrameKind::Received);
    assert_eq!(second.data, publish_bytes("lab/1", b"1"));
}

#[test]
fn a_recording_cut_at_any_byte_of_its_last_frames_keeps_every_whole_frame_before() {
    let (file, starts) = recording(4);
    // Every cut from the start of the third frame to the end.
    for cut in starts[2]..file.len() {
        let items = items(&file[..cut]);
        let whole = if cut < starts[3] { 2 } else { 3 };
        assert_eq!(
            topics(&items),
            (0..whole).map(|i| format!("lab/{i}")).collect::<Vec<_>>(),
            "cut at {cut}"
        );
        let last = items.last().unwrap();
        if cut == starts[2] || cut == starts[3] {
            assert!(matches!(last, Item::Frame(_)), "cut at {cut}: {last:?}");
        } else {
            let start = if cut < starts[3] {
                starts[2]
            } else {
                starts[3]
            };
            assert_eq!(
                last,
                &Item::CutOff {
                    offset: start as u64,
                    bytes: (cut - start) as u64
                },
                "cut at {cut}"
            );
        }
    }
    assert_eq!(topics(&items(&file)).len(), 4);
}

#[test]
fn a_damaged_frame_is_reported_and_the_frames_around_it_kept() {
    let (mut file, starts) = recording(5);
    // One byte of the third frame's payload changed.
    let at = starts[3] - 6;
    file[at] ^= 0xFF;
    let items = items(&file);
    assert_eq!(topics(&items), ["lab/0", "lab/1", "lab/3", "lab/4"]);
    assert!(items.contains(&Item::Damaged {
        offset: starts[2] as u64,
        skipped: (starts[3] - starts[2]) as u64
    }));
}

#[test]
fn a_damaged_length_does_not_lose_the_frames_after_it() {
    let (mut file, starts) = recording(5);
    // The second frame's length says far more than the file holds.
    file[starts[1] + 4..starts[1] + 8].copy_from_slice(&200_000_000u32.to_le_bytes());
    let found = items(&file);
    assert_eq!(topics(&found), ["lab/0", "lab/2", "lab/3", "lab/4"]);
    // Garbage between frames is passed over too.
    let (mut file, starts) = recording(3);
    file.splice(starts[1]..starts[1], [7u8; 100]);
    let found = items(&file);
    assert_eq!(topics(&found), ["lab/0", "lab/1", "lab/2"]);
    assert!(found.contains(&Item::Damaged {
        offset: starts[1] as u64,
        skipped: 100
    }));
}

#[test]
fn files_that_are_not_recordings_are_refused() {
    let open = |bytes: &[u8]| RecordingReader::open(bytes).err();
    assert_eq!(open(b""), Some(OpenError::NotRecording));
    assert_eq!(
        open(b"{\"topic\":\"lab\"}\n"),
        Some(OpenError::NotRecording)
    );
    let (file, _) = recording(1);
    assert_eq!(open(&file[..12]), Some(OpenError::DamagedHeader));
    let mut newer = file.clone();
    newer[8] = 9;
    assert_eq!(open(&newer), Some(OpenError::NewerFormat(9)));
    let mut damaged = file.clone();
    damaged[20] ^= 1;
    assert_eq!(open(&damaged), Some(OpenError::DamagedHeader));
}

#[test]
fn the_recorder_writes_what_it_is_offered_and_blanks_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.mqrec");
    let mut recorder = Recorder::create(&path, header()).unwrap();
    let status = recorder.status();
    let mut connect = crate::proto::Connect::new(ProtocolVersion::V5, "lab-1");
    connect.user_name = Some("ana".into());
    connect.password = Some(Bytes::from_static(b"hunter2-secret"));
    let connect = Packet::Connect(connect)
        .to_bytes(ProtocolVersion::V5)
        .unwrap();
    let start = SystemTime::now();
    recorder.offer(start, Direction::Sent, &connect, None);
    let mut publish = Publish::new("lab/t", b"\x00\x01binary".to_vec());
    publish.qos = QoS::AtLeastOnce;
    publish.packet_id = 7;
    publish
        .properties
        .push(Property::ContentType("application/octet-stream".into()));
    let bytes = Packet::Publish(publish.clone())
        .to_bytes(ProtocolVersion::V5)
        .unwrap();
    recorder.offer(
        start + Duration::from_millis(5),
        Direction::Received,
        &bytes,
        None,
    );
    drop(recorder);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while status.state() == WriterState::Running {
        assert!(std::time::Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(status.state(), WriterState::Finished);
    assert_eq!(status.frames(), 2);
    let file = std::fs::read(&path).unwrap();
    assert_eq!(status.bytes_written(), file.len() as u64);
    assert!(
        !file.windows(7).any(|w| w == b"hunter2"),
        "no password on disk"
    );
    let items = items(&file);
    let Item::Frame(first) = &items[0] else {
        panic!()
    };
    assert!(first.flags.blanked());
    assert_eq!(first.kind, FrameKind::Sent);
    let messages: Vec<_> = received_messages(RecordingReader::open(&file[..]).unwrap()).collect();
    assert_eq!(messages.len(), 1);
    let message = messages[0].as_ref().unwrap();
    assert_eq!(message.publish, publish);
    assert_eq!(
        message.at_micros,
        super::writer::micros_since_epoch(start + Duration::from_millis(5))
    );
}

#[test]
fn a_messages_only_recording_keeps_only_the_messages_received() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab.mqrec");
    let mut recorder = Recorder::create(
        &path,
        Header {
            scope: Scope::Messages,
            ..header()
        },
    )
    .unwrap();
    let status = recorder.status();
    let now = SystemTime::now();
    let ping = Packet::PingReq.to_bytes(ProtocolVersion::V5).unwrap();
    recorder.offer(now, Direction::Sent, &ping, None);
    recorder.offer(now, Direction::Sent, &publish_bytes("lab/out", b"x"), None);
    recorder.offer(
        now,
        Direction::Received,
        &publish_bytes("lab/in", b"y"),
        None,
    );
    drop(recorder);
    while status.state() == WriterState::Running {
        std::thread::sleep(Duration::from_millis(10));
    }
    let file = std::fs::read(&path).unwrap();
    assert_eq!(topics(&items(&file)), ["lab/in"]);
}

#[test]
fn a_gap_is_a_problem_the_reader_names() {
    let mut file = encode_header(&header());
    encode_frame(
        &mut file,
        5,
        FrameKind::Gap,
        FrameFlags::default(),
        &3u64.to_le_bytes(),
    );
    let found: Vec<_> = received_messages(RecordingReader::open(&file[..]).unwrap()).collect();
    assert_eq!(
        found,
        [Err(Problem::Gap {
            at_micros: 5,
            count: 3
        })]
    );
}

#[test]
fn packets_reach_the_writer_in_batches_no_later_than_their_age_allows() {
    let dir = tempfile::tempdir().unwrap();
    let mut recorder = Recorder::create(&dir.path().join("lab.mqrec"), header()).unwrap();
    let status = recorder.status();
    let start = std::time::Instant::now();
    assert_eq!(recorder.due_at(), None, "nothing offered, nothing due");
    recorder.offer(
        SystemTime::now(),
        Direction::Received,
        &publish_bytes("lab/t", b"21.5"),
        None,
    );
    // The first turn of the loop starts the batch's clock; a later one
    // before it is due keeps the packet back.
    assert!(recorder.flush_if_due(start));
    let due = recorder.due_at().expect("a batch is waiting");
    assert!(due > start);
    assert!(recorder.flush_if_due(due - Duration::from_millis(1)));
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(status.frames(), 0, "not handed over before it was due");
    assert!(recorder.flush_if_due(due));
    assert_eq!(recorder.due_at(), None);
    let written = std::time::Instant::now();
    while status.frames() == 0 && written.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(status.frames(), 1, "handed over once due");
}

#[test]
fn the_recorded_timing_holds_for_hours_at_any_speed() {
    let start = std::time::Instant::now();
    let hour = 3_600_000_000;
    assert_eq!(
        super::due_at(start, 0, 2 * hour, 1.0) - start,
        Duration::from_secs(7200)
    );
    assert_eq!(
        super::due_at(start, hour, 2 * hour, 10.0) - start,
        Duration::from_secs(360)
    );
    // Before the anchor: due at once, never before it.
    assert_eq!(super::due_at(start, hour, 0, 1.0), start);
}
