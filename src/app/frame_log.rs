//! Frame figures for benchmarks: with `MQSCOPE_FRAME_LOG=FILE` set, the window
//! appends one line a second: the frames drawn, the longest frame's CPU time,
//! and what the tabs hold. Off (and free) otherwise.

use std::io::Write;
use std::time::{Duration, Instant};

/// The environment variable naming the file.
pub const FRAME_LOG_ENV: &str = "MQSCOPE_FRAME_LOG";

/// One second's figures, gathered frame by frame.
pub struct FrameLog {
    file: std::fs::File,
    started: Instant,
    second_started: Instant,
    frames: u32,
    longest_ms: f32,
}

/// What the tabs hold when a line is written.
pub struct Held {
    /// Bytes held, all tabs.
    pub bytes: usize,
    /// Topics in all tabs.
    pub topics: usize,
    /// Messages taken in so far, all tabs.
    pub messages: u64,
    /// Topics the budget made the tabs forget.
    pub topics_forgotten: u64,
}

impl FrameLog {
    /// The log, if the environment asks for one and the file opens.
    pub fn from_env() -> Option<FrameLog> {
        let path = std::env::var_os(FRAME_LOG_ENV)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()?;
        let now = Instant::now();
        Some(FrameLog {
            file,
            started: now,
            second_started: now,
            frames: 0,
            longest_ms: 0.0,
        })
    }

    /// Count a frame that took `ms` of CPU; once a second, write a line
    /// with what `held` reports.
    pub fn frame(&mut self, ms: Option<f32>, held: impl FnOnce() -> Held) {
        self.frames += 1;
        self.longest_ms = self.longest_ms.max(ms.unwrap_or(0.0));
        let now = Instant::now();
        if now.duration_since(self.second_started) < Duration::from_secs(1) {
            return;
        }
        let held = held();
        // A benchmark aid: a failed write is not worth stopping the window for.
        let _ = writeln!(
            self.file,
            "t={:.1} frames={} longest_ms={:.1} held_bytes={} topics={} messages={} topics_forgotten={}",
            now.duration_since(self.started).as_secs_f64(),
            self.frames,
            self.longest_ms,
            held.bytes,
            held.topics,
            held.messages,
            held.topics_forgotten
        );
        self.second_started = now;
        self.frames = 0;
        self.longest_ms = 0.0;
    }
}
