//! When to try again after a connection ends: exponential backoff with jitter.

use std::time::Duration;

/// The reconnect policy.
#[derive(Clone, Debug, PartialEq)]
pub struct ReconnectPolicy {
    /// Reconnect at all.
    pub enabled: bool,
    /// The first delay.
    pub initial_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
    /// Each delay is this many times the one before.
    pub multiplier: f64,
    /// Each delay varies at random by up to this fraction either way, so that
    /// forty clients of one lab do not all come back at the same instant.
    pub jitter: f64,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            enabled: true,
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            multiplier: 2.0,
            jitter: 0.2,
        }
    }
}

impl ReconnectPolicy {
    /// No reconnecting.
    pub fn disabled() -> ReconnectPolicy {
        ReconnectPolicy {
            enabled: false,
            ..ReconnectPolicy::default()
        }
    }

    /// The delay before attempt `attempt` (1 for the first retry), with a
    /// random factor from `random` (0.0 to 1.0).
    pub fn delay(&self, attempt: u32, random: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30) as i32;
        let base = self.initial_delay.as_secs_f64() * self.multiplier.max(1.0).powi(exponent);
        let base = base.min(self.max_delay.as_secs_f64());
        let factor = 1.0 + self.jitter.clamp(0.0, 1.0) * (2.0 * random.clamp(0.0, 1.0) - 1.0);
        Duration::from_secs_f64((base * factor).max(0.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_to_the_maximum_within_the_jitter() {
        let policy = ReconnectPolicy::default();
        assert_eq!(policy.delay(1, 0.5), Duration::from_secs(1));
        assert_eq!(policy.delay(2, 0.5), Duration::from_secs(2));
        assert_eq!(policy.delay(3, 0.5), Duration::from_secs(4));
        assert_eq!(policy.delay(20, 0.5), Duration::from_secs(60));
        assert_eq!(policy.delay(1, 0.0), Duration::from_millis(800));
        assert_eq!(policy.delay(1, 1.0), Duration::from_millis(1200));
        assert_eq!(policy.delay(u32::MAX, 1.0), Duration::from_secs(72));
    }
}
