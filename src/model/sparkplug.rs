//! What a connection keeps of Sparkplug B: the reader's tracker is fed at
//! ingest, and what it flags is kept, once per topic and finding, in a
//! bounded log.

use std::time::SystemTime;

use super::ConnectionModel;
use crate::proto::Publish;

/// How many Sparkplug findings a connection keeps.
pub const SPARKPLUG_NOTES: usize = 256;

/// Something a Sparkplug B message said that a host should know.
#[derive(Clone, Debug, PartialEq)]
pub struct SparkplugNote {
    /// The message's topic.
    pub topic: String,
    /// When it arrived.
    pub at: SystemTime,
    /// What it said.
    pub finding: crate::decode::sparkplug::Finding,
}

impl ConnectionModel {
    /// Take a Sparkplug B message in for the nodes' state; keep what it
    /// says that a host should know.
    pub(super) fn observe_sparkplug(&mut self, publish: &Publish, received_at: SystemTime) {
        let hints = crate::decode::Hints::of_publish(publish);
        for finding in self.payloads.observe(&hints, &publish.payload) {
            // A node without its birth says so with every message: once is enough.
            let repeated = self
                .sparkplug_findings
                .iter()
                .rev()
                .take(8)
                .any(|note| note.finding == finding && *note.topic == *publish.topic);
            if repeated {
                continue;
            }
            self.sparkplug_findings.push_back(SparkplugNote {
                topic: publish.topic.to_string(),
                at: received_at,
                finding,
            });
            while self.sparkplug_findings.len() > SPARKPLUG_NOTES {
                self.sparkplug_findings.pop_front();
            }
        }
    }
}
