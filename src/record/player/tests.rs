//! The player: as fast as possible, paced, paused, jumps both ways, and
//! the file's problems counted once.

use std::io::Cursor;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;

use super::{Pace, PlayerCommand, PlayerStatus, Reopen, play};
use crate::net::{ConnectionHandle, Event};
use crate::proto::{Packet, ProtocolVersion, Publish};
use crate::record::format::{FrameFlags, FrameKind, Header, Scope, encode_frame, encode_header};
use crate::record::reader::{RecordingReader, last_frame_micros};

const START: u64 = 1_700_000_000_000_000;

/// A recording of messages on `lab/<i>` at these offsets (µs) from its start.
fn recording(offsets: &[u64]) -> Vec<u8> {
    let mut file = encode_header(&Header {
        mqscope_version: "0.0.0-test".into(),
        broker: "mqtt://127.0.0.1:1883".into(),
        protocol_version: 5,
        started_at_micros: START,
        scope: Scope::Packets,
    });
    for (i, offset) in offsets.iter().enumerate() {
        let data = Packet::Publish(Publish::new(format!("lab/{i}"), b"21.5".to_vec()))
            .to_bytes(ProtocolVersion::V5)
            .unwrap();
        encode_frame(
            &mut file,
            START + offset,
            FrameKind::Received,
            FrameFlags::default(),
            &data,
        );
    }
    file
}

struct Playing {
    handle: ConnectionHandle,
    controls: Sender<PlayerCommand>,
    status: Arc<PlayerStatus>,
}

fn start(file: Vec<u8>) -> Playing {
    let end = last_frame_micros(&mut Cursor::new(file.clone()));
    let status = Arc::new(PlayerStatus::new(end));
    let (controls, wishes) = crossbeam_channel::unbounded();
    let again = file.clone();
    let reopen: Reopen<Cursor<Vec<u8>>> =
        Box::new(move || RecordingReader::open(Cursor::new(again.clone())));
    let reader = RecordingReader::open(Cursor::new(file)).unwrap();
    let shared = status.clone();
    let handle = ConnectionHandle::spawn_feed("player-test".into(), None, move |c, f| {
        play(reader, reopen, wishes, shared, c, f)
    })
    .unwrap();
    Playing {
        handle,
        controls,
        status,
    }
}

/// The topics of the messages (and "rewound") that arrive within `wait`.
fn shown(handle: &ConnectionHandle, wait: Duration) -> Vec<String> {
    let until = Instant::now() + wait;
    let mut seen = Vec::new();
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match handle.next_timeout(left) {
            Ok(Event::MessageAt { publish, .. }) => seen.push(publish.topic.to_string()),
            Ok(Event::Rewound) => seen.push("rewound".into()),
            Ok(Event::Stopped) | Err(_) => break,
            Ok(_) => {}
        }
    }
    seen
}

fn wait_for(what: impl Fn() -> bool) {
    let until = Instant::now() + Duration::from_secs(5);
    while !what() {
        assert!(Instant::now() < until, "waited 5 s");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_recording_plays_whole_at_once_and_knows_its_length_from_the_start() {
    let playing = start(recording(&[0, 1_000, 2_000_000]));
    assert_eq!(playing.status.end_micros(), Some(START + 2_000_000));
    let topics = shown(&playing.handle, Duration::from_millis(500));
    assert_eq!(topics, ["lab/0", "lab/1", "lab/2"]);
    wait_for(|| playing.status.finished());
    assert_eq!(playing.status.position_micros(), START + 2_000_000);
    assert_eq!(playing.status.pace(), Pace::Paused, "paused at the end");
}

#[test]
fn a_jump_back_starts_again_and_pauses_at_the_moment_asked_for() {
    let playing = start(recording(&[0, 1_000_000, 2_000_000, 3_000_000]));
    assert_eq!(shown(&playing.handle, Duration::from_millis(300)).len(), 4);
    wait_for(|| playing.status.finished());
    playing
        .controls
        .send(PlayerCommand::Seek(START + 1_500_000))
        .unwrap();
    let topics = shown(&playing.handle, Duration::from_millis(300));
    assert_eq!(topics, ["rewound", "lab/0", "lab/1"]);
    wait_for(|| playing.status.pace() == Pace::Paused);
    assert_eq!(playing.status.position_micros(), START + 1_500_000);
    assert!(!playing.status.finished());
    // A jump forward goes on from there, without starting again.
    playing
        .controls
        .send(PlayerCommand::Seek(START + 2_500_000))
        .unwrap();
    assert_eq!(
        shown(&playing.handle, Duration::from_millis(300)),
        ["lab/2"]
    );
}

#[test]
fn at_a_speed_the_recorded_timing_holds_a_later_message_back() {
    // Ten seconds between the two messages: at 1× the second is not shown
    // in the next half second; as fast as possible, it is at once.
    let playing = start(recording(&[0, 10_000_000]));
    playing.controls.send(PlayerCommand::Seek(START)).unwrap();
    assert_eq!(
        shown(&playing.handle, Duration::from_millis(200)),
        ["lab/0"]
    );
    playing
        .controls
        .send(PlayerCommand::Pace(Pace::Speed(1.0)))
        .unwrap();
    assert_eq!(
        shown(&playing.handle, Duration::from_millis(500)),
        Vec::<String>::new()
    );
    assert_eq!(playing.status.pace(), Pace::Speed(1.0));
    playing
        .controls
        .send(PlayerCommand::Pace(Pace::AsFastAsPossible))
        .unwrap();
    assert_eq!(
        shown(&playing.handle, Duration::from_millis(300)),
        ["lab/1"]
    );
}

#[test]
fn damage_and_a_cut_are_counted_once_however_often_the_file_is_played() {
    let mut file = recording(&[0, 1_000, 2_000]);
    // One damaged byte in the second frame, and the last frame cut.
    let middle = recording(&[0, 1_000]).len() - 3;
    file[middle] ^= 0xFF;
    file.truncate(file.len() - 5);
    let playing = start(file);
    assert_eq!(
        shown(&playing.handle, Duration::from_millis(300)),
        ["lab/0"]
    );
    wait_for(|| playing.status.finished());
    let problems = playing.status.problems();
    assert_eq!(problems.damaged, 1, "{problems:?}");
    assert!(problems.cut_off);
    // Play at the end starts from the beginning again.
    playing
        .controls
        .send(PlayerCommand::Pace(Pace::AsFastAsPossible))
        .unwrap();
    assert_eq!(
        shown(&playing.handle, Duration::from_millis(300)),
        ["rewound", "lab/0"]
    );
    wait_for(|| playing.status.finished());
    assert_eq!(playing.status.problems().damaged, 1, "not counted twice");
}
