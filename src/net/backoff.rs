//! When to try again after a connection ends: exponential backoff with jitter.

use std::time::Duration;

/// The longest wait the network thread schedules: reconnect delays, the
/// connect timeout and the ping timeout are cut to it, so that no deadline
/// can overflow the clock however large the configured value.
pub const LONGEST_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

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
    /// random factor from `random` (0.0 to 1.0). Never panics: any policy,
    /// NaN and infinities included, gives a delay from 0 to [`LONGEST_WAIT`].
    pub fn delay(&self, attempt: u32, random: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30) as i32;
        // f64::max ignores NaN, so a NaN multiplier counts as 1.
        let grown = self.initial_delay.as_secs_f64() * self.multiplier.max(1.0).powi(exponent);
        // 0 × ∞ is NaN: a zero first delay stays zero.
        let base = if grown.is_nan() {
            0.0
        } else {
            grown.min(self.max_delay.as_secs_f64())
        };
        let jitter = if self.jitter.is_nan() {
            0.0
        } else {
            self.jitter.clamp(0.0, 1.0)
        };
        let random = if random.is_nan() {
            0.5
        } else {
            random.clamp(0.0, 1.0)
        };
        let secs = base * (1.0 + jitter * (2.0 * random - 1.0));
        Duration::try_from_secs_f64(secs)
            .unwrap_or(LONGEST_WAIT)
            .min(LONGEST_WAIT)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

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

    #[test]
    fn the_largest_durations_are_cut_to_the_longest_wait() {
        let policy = ReconnectPolicy {
            initial_delay: Duration::MAX,
            max_delay: Duration::MAX,
            ..ReconnectPolicy::default()
        };
        assert_eq!(policy.delay(1, 1.0), LONGEST_WAIT);
        assert_eq!(policy.delay(u32::MAX, 0.5), LONGEST_WAIT);
        let from_a_profile = ReconnectPolicy {
            initial_delay: Duration::from_millis(u64::MAX),
            max_delay: Duration::from_millis(u64::MAX),
            ..ReconnectPolicy::default()
        };
        assert_eq!(from_a_profile.delay(1, 0.0), LONGEST_WAIT);
    }

    #[test]
    fn zero_and_nan_give_a_zero_or_plain_delay() {
        let zero = ReconnectPolicy {
            initial_delay: Duration::ZERO,
            multiplier: f64::INFINITY,
            ..ReconnectPolicy::default()
        };
        assert_eq!(zero.delay(5, 1.0), Duration::ZERO);
        let nan = ReconnectPolicy {
            multiplier: f64::NAN,
            jitter: f64::NAN,
            ..ReconnectPolicy::default()
        };
        assert_eq!(nan.delay(3, f64::NAN), Duration::from_secs(1));
        let huge = ReconnectPolicy {
            multiplier: f64::INFINITY,
            ..ReconnectPolicy::default()
        };
        assert_eq!(huge.delay(2, 0.5), Duration::from_secs(60));
    }

    fn duration() -> impl Strategy<Value = Duration> {
        prop_oneof![
            Just(Duration::ZERO),
            Just(Duration::MAX),
            Just(Duration::from_millis(u64::MAX)),
            Just(Duration::from_secs(u32::MAX.into())),
            (any::<u64>(), 0..1_000_000_000u32).prop_map(|(s, n)| Duration::new(s, n)),
        ]
    }

    fn float() -> impl Strategy<Value = f64> {
        prop_oneof![
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY),
            Just(f64::MAX),
            Just(0.0),
            any::<f64>(),
            0.0..=1.0,
        ]
    }

    proptest! {
        #[test]
        fn any_policy_gives_a_delay_within_the_longest_wait(
            initial_delay in duration(),
            max_delay in duration(),
            multiplier in float(),
            jitter in float(),
            random in float(),
            attempt in prop_oneof![Just(0u32), Just(1), Just(u32::MAX), any::<u32>()],
        ) {
            let policy = ReconnectPolicy { enabled: true, initial_delay, max_delay, multiplier, jitter };
            let delay = policy.delay(attempt, random);
            prop_assert!(delay <= LONGEST_WAIT);
            // Jitter moves a delay by at most 100 %, never past twice the ceiling.
            let ceiling = max_delay.min(LONGEST_WAIT);
            // (1 µs of slack for rounding through f64.)
            let slack = Duration::from_micros(1);
            prop_assert!(delay <= ceiling.saturating_mul(2).saturating_add(slack).min(LONGEST_WAIT));
        }
    }
}
