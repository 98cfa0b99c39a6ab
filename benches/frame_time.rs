//! The window's frame time with a large topic tree while messages arrive:
//! egui layout (one `step` of the real app, headless through egui_kittest)
//! plus tessellation of what it drew. Prints the median and the 99th
//! percentile of each case: the plain large trees, and the hard ones (the
//! tree sorted by recent activity, a topic with a 10 000-message history, a
//! 10 MiB JSON payload, the packet inspector on a 1 MiB packet, filters typed over 100 000 topics
//! and their messages). Run with
//! `cargo bench --bench frame_time`.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use egui_kittest::Harness;
use mqscope::app::{BottomTab, MqscopeApp, Settings};
use mqscope::model::{HistoryLimits, TopicTree};
use mqscope::net::Event;
use mqscope::profiles::{MemorySecretStore, ProfileStore};
use mqscope::proto::Publish;
use mqscope::proto::session::Direction;
use mqscope::ui::details::Viewer;
use mqscope::ui::tree::TreeSort;

const FRAMES: usize = 600;
/// 100 000 messages a second at 60 frames a second.
const MESSAGES_PER_FRAME: usize = 100_000 / 60;

/// One case of the bench.
struct Case {
    name: &'static str,
    topics: usize,
    sort: TreeSort,
    /// Messages kept on the selected topic before the frames start.
    selected_history: usize,
    /// The selected topic's last payload, if not the usual small JSON.
    selected_payload: Option<Bytes>,
    viewer: Viewer,
    /// A packet of this size in the packet log, shown in the inspector.
    packet: Option<usize>,
    /// Typed into the tree's filter and the messages log's topic filter
    /// once the frames start, with the messages log open.
    filters: Option<(&'static str, &'static str)>,
}

impl Case {
    fn plain(name: &'static str, topics: usize) -> Case {
        Case {
            name,
            topics,
            sort: TreeSort::Name,
            selected_history: 1,
            selected_payload: None,
            viewer: Viewer::Text,
            packet: None,
            filters: None,
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn run(case: &Case) {
    let topics = case.topics;
    let dir = std::env::temp_dir().join(format!("mqscope-frame-bench-{}", std::process::id()));
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(|_cc| {
            MqscopeApp::with_store(
                Ok((ProfileStore::new(&dir, Vec::new()), None)),
                Box::new(MemorySecretStore::new()),
                Settings::default(),
            )
        });
    let payload = Bytes::from_static(
        b"{\"temperature\": 21.5, \"humidity\": 40, \"ok\": true, \"pad\": \"xx\"}",
    );
    {
        let app = harness.state_mut();
        let tab = &mut app.tabs[0];
        tab.show_editor = false;
        tab.model.set_history_limits(HistoryLimits {
            // Room for every message of the run, so the selected topic's
            // history stays whole.
            max_messages: 2_000_000,
            per_topic: case.selected_history.max(100),
        });
        let now = Instant::now();
        for i in 0..topics {
            let publish = Publish::new(format!("fire/{i}").as_str(), payload.clone());
            tab.model.ingest(&publish, now, SystemTime::now());
        }
        for i in 1..case.selected_history {
            let body = format!(
                "{{\"temperature\": {}.5, \"humidity\": {}}}",
                i % 40,
                i % 90
            );
            tab.model.ingest(
                &Publish::new("fire/7", body.into_bytes()),
                now,
                SystemTime::now(),
            );
        }
        if let Some(big) = &case.selected_payload {
            tab.model
                .ingest(&Publish::new("fire/7", big.clone()), now, SystemTime::now());
        }
        if let Some(size) = case.packet {
            tab.model.apply(
                Event::Packet {
                    direction: Direction::Received,
                    at: SystemTime::now(),
                    bytes: Bytes::from(vec![0x30; size]),
                },
                now,
            );
            tab.packet_log = true;
            tab.bottom = BottomTab::Packets;
            tab.packets.selected = Some(0);
        }
        // Expand the wide level, so the tree has `topics` rows, and select a
        // topic, so the details panel (history, plot) is drawn too.
        let fire = tab.model.tree.node(TopicTree::ROOT).children[0];
        tab.tree.toggle(fire);
        tab.tree.sort = case.sort;
        let selected = tab.model.tree.find("fire/7").expect("topic");
        tab.details.choose(selected, case.viewer);
        tab.tree.selected = Some(selected);
    }
    harness.run_steps(5);
    if let Some((tree_filter, log_filter)) = case.filters {
        let tab = &mut harness.state_mut().tabs[0];
        tab.bottom = BottomTab::Messages;
        tab.tree.filter = tree_filter.to_owned();
        tab.messages.topic_filter = log_filter.to_owned();
    }
    let mut frames = Vec::with_capacity(FRAMES);
    let mut next = 0usize;
    for _ in 0..FRAMES {
        {
            let tab = &mut harness.state_mut().tabs[0];
            let now = Instant::now();
            for _ in 0..MESSAGES_PER_FRAME {
                next += 7919;
                if next % topics == 7 {
                    // The selected topic keeps what the case gave it.
                    continue;
                }
                let publish =
                    Publish::new(format!("fire/{}", next % topics).as_str(), payload.clone());
                tab.model.ingest(&publish, now, SystemTime::now());
            }
        }
        let start = Instant::now();
        harness.step();
        let output = harness.output();
        let shapes = output.shapes.clone();
        let primitives = harness.ctx.tessellate(shapes, output.pixels_per_point);
        std::hint::black_box(primitives);
        frames.push(start.elapsed());
    }
    frames.sort();
    println!(
        "{:<44} median {:>6.2} ms, p99 {:>6.2} ms, max {:>6.2} ms ({FRAMES} frames, {MESSAGES_PER_FRAME} messages each)",
        case.name,
        percentile(&frames, 0.5).as_secs_f64() * 1e3,
        percentile(&frames, 0.99).as_secs_f64() * 1e3,
        frames.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A JSON document of about `size` bytes: an object of readings.
fn big_json(size: usize) -> Bytes {
    let mut out = String::from("{");
    let mut i = 0;
    while out.len() < size {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            "\"sensor-{i}\": {{\"t\": {}.25, \"ok\": true}}",
            i % 50
        ));
        i += 1;
    }
    out.push('}');
    Bytes::from(out)
}

/// About `size` bytes of Protobuf: readings (a site name, a double, a
/// counter) repeated in field 1, as a gateway batches them.
fn big_protobuf(size: usize) -> Bytes {
    let mut out = Vec::with_capacity(size + 64);
    let mut i = 0u64;
    while out.len() < size {
        let mut reading = vec![0x0a, 6];
        reading.extend_from_slice(b"line-1");
        reading.push(0x11);
        reading.extend_from_slice(&(20.0 + (i % 50) as f64 / 10.0).to_le_bytes());
        reading.push(0x18);
        let mut n = i;
        while n >= 0x80 {
            reading.push((n as u8) | 0x80);
            n >>= 7;
        }
        reading.push(n as u8);
        out.push(0x0a);
        out.push(reading.len() as u8);
        out.extend_from_slice(&reading);
        i += 1;
    }
    Bytes::from(out)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let cases = [
        Case::plain("10 000 topics", 10_000),
        Case::plain("100 000 topics", 100_000),
        Case {
            sort: TreeSort::Recent,
            ..Case::plain("100 000 topics sorted by recent activity", 100_000)
        },
        Case {
            selected_history: 10_000,
            ..Case::plain("a selected topic with 10 000 messages", 10_000)
        },
        Case {
            selected_payload: Some(big_json(10 << 20)),
            viewer: Viewer::Json,
            ..Case::plain("a 10 MiB JSON payload selected", 10_000)
        },
        Case {
            filters: Some(("fire/12", "fire/+")),
            ..Case::plain("filters typed over 100 000 topics and the log", 100_000)
        },
        Case {
            packet: Some(1 << 20),
            ..Case::plain("the packet inspector on a 1 MiB packet", 10_000)
        },
        Case {
            selected_payload: Some(big_protobuf(1 << 20)),
            viewer: Viewer::Protobuf,
            ..Case::plain("a 1 MiB Protobuf payload selected, decoded", 10_000)
        },
    ];
    // `FRAME_CASE=Protobuf cargo bench --bench frame_time` runs the cases
    // whose name holds that text.
    let only = std::env::var("FRAME_CASE").unwrap_or_default();
    for case in cases.iter().filter(|c| c.name.contains(only.as_str())) {
        run(case);
    }
}
