//! When the network thread reads the socket: not while its reader is behind
//! (back-pressure), and under a flood at most once a [`READ_INTERVAL`].

use std::time::{Duration, Instant};

use crate::net::batch::Backlog;

/// How often a paused loop looks whether the reader has caught up.
pub const PAUSED_POLL: Duration = Duration::from_millis(5);

/// The shortest time between two reads of the socket. Under a flood the data
/// of a millisecond is then read, decoded and sent on at once (one read, one
/// batch, one wake-up of the reader for many messages) instead of a system
/// call or two per message; a message after a quiet spell is read at once.
pub const READ_INTERVAL: Duration = Duration::from_millis(1);

/// The reading state of one loop.
#[derive(Debug, Default)]
pub struct ReadPacing {
    /// The reader is behind: the socket is not read until it catches up.
    paused: bool,
    /// When the socket was last read.
    last_read: Option<Instant>,
    /// The socket is readable but was not read yet (see [`READ_INTERVAL`]).
    deferred: bool,
}

impl ReadPacing {
    /// Whether reading is paused for the reader.
    pub fn is_paused(&self) -> bool {
        self.paused
    }

    /// `timeout` for the next poll, cut so that the loop wakes to look at a
    /// paused reader or to make a deferred read.
    pub fn poll_timeout(&self, timeout: Option<Duration>, now: Instant) -> Option<Duration> {
        let wake_in = if self.paused {
            PAUSED_POLL
        } else if self.deferred
            && let Some(at) = self.next_read_at()
        {
            at.saturating_duration_since(now)
        } else {
            return timeout;
        };
        Some(timeout.map_or(wake_in, |t| t.min(wake_in)))
    }

    /// Back-pressure: while `backlog` is full the socket is not read (TCP then
    /// slows the broker, as with mosquitto_sub) and nothing is dropped.
    /// Returns true when reading resumes, so the socket must be read at once
    /// (edge-triggered readiness will not say so again).
    pub fn keep_up_with(&mut self, backlog: &Backlog) -> bool {
        if self.paused && backlog.has_room() {
            self.paused = false;
            return true;
        }
        if !self.paused && backlog.is_full() {
            self.paused = true;
        }
        false
    }

    /// Whether to read the socket now, given whether it became `ready`; a
    /// read is counted from here.
    pub fn read_now(&mut self, now: Instant, ready: bool) -> bool {
        if !(ready || self.deferred) || self.paused {
            return false;
        }
        if self.next_read_at().is_some_and(|at| now < at) {
            self.deferred = true;
            return false;
        }
        self.deferred = false;
        self.last_read = Some(now);
        true
    }

    /// The earliest time the socket may be read again.
    fn next_read_at(&self) -> Option<Instant> {
        self.last_read.map(|at| at + READ_INTERVAL)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::net::Event;
    use crate::net::batch::{BACKLOG_HIGH, Outbox};

    #[test]
    fn the_socket_is_read_at_most_once_an_interval_and_a_deferred_read_follows() {
        let mut pacing = ReadPacing::default();
        let start = Instant::now();
        assert!(!pacing.read_now(start, false), "nothing to read");
        assert!(pacing.read_now(start, true), "the first read is at once");
        assert_eq!(pacing.poll_timeout(None, start), None);
        let soon = start + READ_INTERVAL / 2;
        assert!(!pacing.read_now(soon, true), "too soon after the last");
        let wait = pacing.poll_timeout(Some(Duration::from_secs(9)), soon);
        assert_eq!(wait, Some(READ_INTERVAL / 2), "wakes for the deferred read");
        let later = start + READ_INTERVAL;
        assert!(pacing.read_now(later, false), "the deferred read is made");
        assert!(
            !pacing.read_now(later + READ_INTERVAL, false),
            "then nothing"
        );
    }

    #[test]
    fn a_full_backlog_pauses_reading_until_it_has_room() {
        let backlog = Arc::new(Backlog::default());
        let mut outbox = Outbox::new(backlog.clone());
        let mut pacing = ReadPacing::default();
        for _ in 0..BACKLOG_HIGH {
            outbox.push(Event::Stopped);
        }
        let waiting = outbox.take();
        assert!(!pacing.keep_up_with(&backlog));
        assert!(pacing.is_paused());
        let now = Instant::now();
        assert!(!pacing.read_now(now, true), "no read while paused");
        assert_eq!(pacing.poll_timeout(None, now), Some(PAUSED_POLL));
        drop(waiting);
        assert!(pacing.keep_up_with(&backlog), "resumes, to be read at once");
        assert!(!pacing.is_paused());
        assert!(pacing.read_now(now, true));
    }
}
