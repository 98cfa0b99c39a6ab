//! The demo's Sparkplug B edge node, `spBv1.0/lab/…/demo-node`: a birth
//! certificate naming its metrics with aliases, data every two seconds
//! carrying only the aliases, and a new birth when a host asks for one
//! (an NCMD setting `Node Control/Rebirth`). Pure data, like [`super::lab`].

use std::time::{Duration, Instant, SystemTime};

use crate::decode::sparkplug::{
    self, Metric, Payload, REBIRTH_METRIC, RawValue, asks_for_rebirth, datatype,
};
use crate::proto::Publish;

/// The demo node's group.
pub const GROUP: &str = "lab";
/// The demo node's id.
pub const EDGE_NODE: &str = "demo-node";
/// Where a host sends the node commands.
pub const COMMAND_TOPIC: &str = "spBv1.0/lab/NCMD/demo-node";

const DATA_EVERY: Duration = Duration::from_secs(2);
const UINT64: u32 = 8;

/// The node's metrics: name, alias and data type.
const METRICS: [(&str, u64, u32); 4] = [
    ("Line/Temperature", 1, datatype::DOUBLE),
    ("Line/Running", 2, datatype::BOOLEAN),
    ("Line/Count", 3, UINT64),
    (REBIRTH_METRIC, 4, datatype::BOOLEAN),
];

/// The demo node's state.
pub struct EdgeNode {
    rng: fastrand::Rng,
    seq: u64,
    bd_seq: u64,
    temperature: f64,
    running: bool,
    count: u64,
    next_data: Instant,
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

impl EdgeNode {
    /// A node whose first data is due after its birth, at `now`.
    pub fn new(now: Instant, seed: u64) -> EdgeNode {
        EdgeNode {
            rng: fastrand::Rng::with_seed(seed),
            seq: 0,
            bd_seq: 0,
            temperature: 64.0,
            running: true,
            count: 0,
            next_data: now + DATA_EVERY,
        }
    }

    fn next_seq(&mut self) -> u64 {
        let seq = self.seq;
        self.seq = (self.seq + 1) % 256;
        seq
    }

    fn value(&self, alias: u64) -> RawValue {
        match alias {
            1 => RawValue::Double((self.temperature * 100.0).round() / 100.0),
            2 => RawValue::Boolean(self.running),
            3 => RawValue::Long(self.count),
            _ => RawValue::Boolean(false),
        }
    }

    /// The NBIRTH: every metric by name, alias and type, `bdSeq` first;
    /// the sequence starts again at 0.
    pub fn birth(&mut self) -> Publish {
        self.seq = 0;
        let timestamp = now_ms();
        let mut metrics = vec![Metric {
            name: Some("bdSeq".into()),
            datatype: Some(datatype::INT64),
            value: RawValue::Long(self.bd_seq),
            ..Metric::default()
        }];
        metrics.extend(METRICS.iter().map(|&(name, alias, kind)| Metric {
            name: Some(name.to_owned()),
            alias: Some(alias),
            timestamp: Some(timestamp),
            datatype: Some(kind),
            value: self.value(alias),
            ..Metric::default()
        }));
        let payload = Payload {
            timestamp: Some(timestamp),
            seq: Some(self.next_seq()),
            metrics,
            ..Payload::default()
        };
        Publish::new(
            format!("spBv1.0/{GROUP}/NBIRTH/{EDGE_NODE}"),
            sparkplug::encode(&payload),
        )
    }

    /// The NDATA due at `now`, if any: the changed metrics by alias only.
    pub fn due(&mut self, now: Instant) -> Option<Publish> {
        if now < self.next_data {
            return None;
        }
        self.next_data = now + DATA_EVERY;
        self.temperature = (self.temperature + (self.rng.f64() - 0.5) * 0.8).clamp(55.0, 75.0);
        if self.rng.u8(..20) == 0 {
            self.running = !self.running;
        }
        if self.running {
            self.count += self.rng.u64(3..9);
        }
        let timestamp = now_ms();
        let payload = Payload {
            timestamp: Some(timestamp),
            seq: Some(self.next_seq()),
            metrics: [1, 2, 3]
                .into_iter()
                .map(|alias| Metric {
                    alias: Some(alias),
                    timestamp: Some(timestamp),
                    value: self.value(alias),
                    ..Metric::default()
                })
                .collect(),
            ..Payload::default()
        };
        Some(Publish::new(
            format!("spBv1.0/{GROUP}/NDATA/{EDGE_NODE}"),
            sparkplug::encode(&payload),
        ))
    }

    /// What the node does with a command: a new birth when it asks for one.
    pub fn answer(&mut self, command: &Publish) -> Option<Publish> {
        if &*command.topic != COMMAND_TOPIC {
            return None;
        }
        let payload = sparkplug::payload::decode(&command.payload).ok()?;
        asks_for_rebirth(&payload).then(|| self.birth())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::sparkplug::{NodeState, Topic, Tracker, parse_topic, rebirth_payload};

    fn observe(tracker: &mut Tracker, publish: &Publish) -> Vec<sparkplug::Finding> {
        let Some(Topic::Node(topic)) = parse_topic(&publish.topic) else {
            panic!("a Sparkplug topic: {}", publish.topic)
        };
        tracker.observe(
            &topic,
            &sparkplug::payload::decode(&publish.payload).unwrap(),
        )
    }

    #[test]
    fn a_host_follows_the_demo_node_and_its_rebirth_on_request() {
        let start = Instant::now();
        let mut node = EdgeNode::new(start, 7);
        let mut tracker = Tracker::default();
        assert!(observe(&mut tracker, &node.birth()).is_empty());
        for tick in 1..=300 {
            if let Some(data) = node.due(start + Duration::from_secs(tick)) {
                assert!(
                    observe(&mut tracker, &data).is_empty(),
                    "in sequence, aliases known"
                );
            }
        }
        assert_eq!(
            tracker.node(GROUP, EDGE_NODE).unwrap().state,
            NodeState::Online
        );
        let command = Publish::new(COMMAND_TOPIC, rebirth_payload(1));
        let birth = node.answer(&command).expect("a rebirth");
        assert!(birth.topic.contains("/NBIRTH/"));
        assert!(observe(&mut tracker, &birth).is_empty());
        assert!(node.answer(&Publish::new("lab/other", "x")).is_none());
    }
}
