//! Timed publishing: a message sent every N seconds, a number of times or
//! until stopped, its text payload's placeholders filled in for each send.
//! Timers belong to a tab and end with its connection.

use std::time::{Duration, Instant, SystemTime};

use crate::proto::Publish;

/// The shortest interval a timer takes (a faster one would be a flood).
pub const SHORTEST_INTERVAL: Duration = Duration::from_millis(10);

/// The placeholders a timed payload may hold, as the Publish panel lists them.
pub const PLACEHOLDERS: [&str; 4] = ["{{counter}}", "{{time}}", "{{unix_ms}}", "{{random}}"];

/// One running timer.
#[derive(Clone, Debug)]
pub struct PublishTimer {
    /// Names it for Stop.
    pub id: u64,
    /// The message, its payload with placeholders.
    pub template: Publish,
    /// Between two sends.
    pub interval: Duration,
    /// How many to send in all; `None` until stopped.
    pub count: Option<u64>,
    /// Sent so far.
    pub sent: u64,
    /// When the next one goes.
    pub next_at: Instant,
}

impl PublishTimer {
    /// A timer whose first message goes at `now`.
    pub fn new(
        id: u64,
        template: Publish,
        interval: Duration,
        count: Option<u64>,
        now: Instant,
    ) -> PublishTimer {
        PublishTimer {
            id,
            template,
            interval: interval.max(SHORTEST_INTERVAL),
            count,
            sent: 0,
            next_at: now,
        }
    }

    /// The messages due at `now` (at most one per interval passed, so a
    /// window that was asleep does not send a burst), with the counter
    /// from 1.
    pub fn due(&mut self, now: Instant, wall: SystemTime) -> Option<Publish> {
        if now < self.next_at || self.is_done() {
            return None;
        }
        self.sent += 1;
        // The next send keeps the cadence, or starts again from now after
        // a long pause.
        self.next_at = (self.next_at + self.interval).max(now);
        let mut publish = self.template.clone();
        if let Ok(text) = std::str::from_utf8(&self.template.payload)
            && text.contains("{{")
        {
            publish.payload = fill(text, self.sent, wall, fastrand::u32(0..100)).into();
        }
        Some(publish)
    }

    /// Whether every message has been sent.
    pub fn is_done(&self) -> bool {
        self.count.is_some_and(|count| self.sent >= count)
    }
}

/// `text` with its placeholders filled in: `{{counter}}` (1, 2, …),
/// `{{time}}` (RFC 3339, UTC), `{{unix_ms}}` and `{{random}}` (0–99).
pub fn fill(text: &str, counter: u64, wall: SystemTime, random: u32) -> String {
    let unix_ms = wall
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    text.replace("{{counter}}", &counter.to_string())
        .replace(
            "{{time}}",
            &humantime::format_rfc3339_millis(wall).to_string(),
        )
        .replace("{{unix_ms}}", &unix_ms.to_string())
        .replace("{{random}}", &random.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_in() {
        let wall = SystemTime::UNIX_EPOCH + Duration::from_millis(1_500);
        assert_eq!(
            fill(
                r#"{"n": {{counter}}, "at": "{{time}}", "ms": {{unix_ms}}, "r": {{random}}}"#,
                3,
                wall,
                42
            ),
            r#"{"n": 3, "at": "1970-01-01T00:00:01.500Z", "ms": 1500, "r": 42}"#
        );
    }

    #[test]
    fn a_timer_sends_its_count_once_per_interval_and_stops() {
        let start = Instant::now();
        let mut timer = PublishTimer::new(
            1,
            Publish::new("lab/t", b"n={{counter}}".to_vec()),
            Duration::from_millis(100),
            Some(3),
            start,
        );
        let wall = SystemTime::now();
        let at = |ms| start + Duration::from_millis(ms);
        let payload =
            |p: Option<Publish>| p.map(|p| String::from_utf8(p.payload.to_vec()).unwrap());
        assert_eq!(payload(timer.due(at(0), wall)).as_deref(), Some("n=1"));
        assert_eq!(timer.due(at(50), wall), None, "not before its interval");
        assert_eq!(payload(timer.due(at(100), wall)).as_deref(), Some("n=2"));
        // Asleep for a second: one message, not ten.
        assert_eq!(payload(timer.due(at(1_100), wall)).as_deref(), Some("n=3"));
        assert!(timer.is_done());
        assert_eq!(timer.due(at(5_000), wall), None);
    }

    #[test]
    fn a_binary_payload_is_sent_as_it_is() {
        let start = Instant::now();
        let template = Publish::new("lab/raw", vec![0xFF, b'{', b'{']);
        let mut timer = PublishTimer::new(1, template.clone(), Duration::ZERO, None, start);
        assert_eq!(timer.interval, SHORTEST_INTERVAL);
        assert_eq!(
            timer.due(start, SystemTime::now()).unwrap().payload,
            template.payload
        );
    }
}
