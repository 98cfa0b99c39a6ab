//! A clean close: DISCONNECT waits, within a grace, for the QoS 1/2 flows
//! already begun, so that what was sent is not left half acknowledged.

use std::time::{Duration, Instant};

use crate::proto::{Properties, ReasonCode};

/// How long a clean close waits for the QoS 1/2 flows already begun.
pub const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// A DISCONNECT that waits for open flows to finish.
#[derive(Debug)]
pub struct Closing {
    /// The reason code to send.
    pub reason_code: ReasonCode,
    /// The properties to send.
    pub properties: Properties,
    until: Instant,
}

impl Closing {
    /// A close asked for at `now`, waiting at most [`CLOSE_GRACE`].
    pub fn new(reason_code: ReasonCode, properties: Properties, now: Instant) -> Closing {
        Closing {
            reason_code,
            properties,
            until: now + CLOSE_GRACE,
        }
    }

    /// When the wait ends whatever happens.
    pub fn until(&self) -> Instant {
        self.until
    }

    /// Whether to send the DISCONNECT now: no flow is open, or the grace ran out.
    pub fn is_due(&self, flows_open: bool, now: Instant) -> bool {
        !flows_open || now >= self.until
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_close_waits_for_open_flows_only_within_its_grace() {
        let now = Instant::now();
        let closing = Closing::new(ReasonCode::Success, Properties::default(), now);
        assert!(!closing.is_due(true, now), "a flow is open");
        assert!(closing.is_due(false, now), "all flows finished");
        assert!(closing.is_due(true, now + CLOSE_GRACE), "the grace ran out");
        assert_eq!(closing.until(), now + CLOSE_GRACE);
    }
}
