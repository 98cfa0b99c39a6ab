//! Sparkplug B (Eclipse Sparkplug 3.0): the topic namespace, the payload
//! (its schema built in, read by field number), and the state a host
//! application keeps across messages: births' aliases, sequence numbers,
//! `bdSeq`, and each node's and device's state.

/// Every Sparkplug B topic begins with this.
pub const NAMESPACE: &str = "spBv1.0/";

pub mod datatype;
pub mod payload;
mod rebirth;
mod state;
mod topic;

pub use payload::{Metric, Payload, RawValue};
pub use rebirth::{REBIRTH_METRIC, asks_for_rebirth, encode, rebirth_payload};
pub use state::{Device, Finding, Node, NodeState, Tracker};
pub use topic::{MessageType, NodeTopic, Topic, parse_topic};
