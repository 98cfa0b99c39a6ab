//! Messages per second and other live figures for the stats line.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Counts events and reports their rate over the last second.
#[derive(Debug, Default)]
pub struct RateMeter {
    buckets: VecDeque<(Instant, u64)>,
    total: u64,
}

const BUCKET: Duration = Duration::from_millis(100);
const WINDOW: Duration = Duration::from_secs(1);

impl RateMeter {
    /// Count `n` events at `now`.
    pub fn add(&mut self, now: Instant, n: u64) {
        self.total += n;
        match self.buckets.back_mut() {
            Some((start, count)) if now.saturating_duration_since(*start) < BUCKET => *count += n,
            _ => self.buckets.push_back((now, n)),
        }
        self.trim(now);
    }

    fn trim(&mut self, now: Instant) {
        while let Some((start, _)) = self.buckets.front() {
            if now.saturating_duration_since(*start) > WINDOW + BUCKET {
                self.buckets.pop_front();
            } else {
                break;
            }
        }
    }

    /// Events per second over the last second.
    pub fn per_second(&mut self, now: Instant) -> f64 {
        self.trim(now);
        let Some((oldest, _)) = self.buckets.front() else {
            return 0.0;
        };
        let span = now.saturating_duration_since(*oldest).max(WINDOW);
        self.buckets.iter().map(|(_, n)| *n).sum::<u64>() as f64 / span.as_secs_f64()
    }

    /// Events counted since the start.
    pub fn total(&self) -> u64 {
        self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_over_the_last_second() {
        let mut meter = RateMeter::default();
        let start = Instant::now();
        for i in 0..100 {
            meter.add(start + Duration::from_millis(i * 10), 10);
        }
        let rate = meter.per_second(start + Duration::from_millis(1000));
        assert!((900.0..=1100.0).contains(&rate), "{rate}");
        assert_eq!(meter.per_second(start + Duration::from_secs(10)), 0.0);
        assert_eq!(meter.total(), 1000);
    }
}
