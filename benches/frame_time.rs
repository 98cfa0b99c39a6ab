//! The window's frame time with a large topic tree while messages arrive:
//! egui layout (one `step` of the real app, headless through egui_kittest)
//! plus tessellation of what it drew. Prints the median and the 99th
//! percentile. Run with `cargo bench --bench frame_time`.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use egui_kittest::Harness;
use mqscope::app::{MqscopeApp, Settings};
use mqscope::model::TopicTree;
use mqscope::profiles::{MemorySecretStore, ProfileStore};
use mqscope::proto::Publish;

const FRAMES: usize = 600;
/// 100 000 messages a second at 60 frames a second.
const MESSAGES_PER_FRAME: usize = 100_000 / 60;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn run(topics: usize) {
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
        let now = Instant::now();
        for i in 0..topics {
            let publish = Publish::new(format!("fire/{i}").as_str(), payload.clone());
            tab.model.ingest(&publish, now, SystemTime::now());
        }
        // Expand the wide level, so the tree has `topics` rows, and select a
        // topic, so the details panel (history, plot) is drawn too.
        let fire = tab.model.tree.node(TopicTree::ROOT).children[0];
        tab.tree.toggle(fire);
        let selected = tab.model.tree.find("fire/7").expect("topic");
        tab.tree.selected = Some(selected);
    }
    harness.run_steps(5);
    let mut frames = Vec::with_capacity(FRAMES);
    let mut next = 0usize;
    for _ in 0..FRAMES {
        {
            let tab = &mut harness.state_mut().tabs[0];
            let now = Instant::now();
            for _ in 0..MESSAGES_PER_FRAME {
                let publish =
                    Publish::new(format!("fire/{}", next % topics).as_str(), payload.clone());
                tab.model.ingest(&publish, now, SystemTime::now());
                next += 7919;
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
        "frame time, {topics:>6} topics, {MESSAGES_PER_FRAME} messages per frame: median {:>6.2} ms, p99 {:>6.2} ms, max {:>6.2} ms ({FRAMES} frames)",
        percentile(&frames, 0.5).as_secs_f64() * 1e3,
        percentile(&frames, 0.99).as_secs_f64() * 1e3,
        frames.last().map_or(0.0, |d| d.as_secs_f64() * 1e3),
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    for topics in [10_000, 100_000] {
        run(topics);
    }
}
