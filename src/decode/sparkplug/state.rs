//! What a Sparkplug host application knows across messages: each edge
//! node's and device's state, the aliases their last birth certificates
//! gave, the sequence number expected next, and the birth's `bdSeq`.
//! Bounded: at most [`MAX_NODES`] nodes, [`MAX_ALIASES`] aliases each.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::payload::{Payload, RawValue};
use super::topic::{MessageType, NodeTopic};

/// The most edge nodes tracked; later ones are decoded without state.
pub const MAX_NODES: usize = 4096;
/// The most aliases kept per node or device birth.
pub const MAX_ALIASES: usize = 65_536;
/// The most devices tracked per edge node.
pub const MAX_DEVICES: usize = 4096;

/// A node's or device's state as the host sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeState {
    /// Born, and every message since in sequence.
    Online,
    /// Its death certificate arrived (for a device: or its node's).
    Offline,
    /// Data arrived without a birth, or a message is missing: what is known
    /// may be out of date until the next birth (ask for a rebirth).
    Stale,
}

/// Something a message says that a host application should know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// The sequence number is not the one after the last message's.
    SeqGap {
        /// The number expected.
        expected: u64,
        /// The number that came.
        got: u64,
    },
    /// A message that must carry a sequence number has none.
    MissingSeq,
    /// The NDEATH's `bdSeq` is not the NBIRTH's.
    BdSeqMismatch {
        /// The birth's `bdSeq`, if it had one.
        birth: Option<u64>,
        /// The death's `bdSeq`, if it had one.
        death: Option<u64>,
    },
    /// Data from a node or device whose birth was not seen.
    NoBirth,
    /// Metrics that carry only an alias that no birth named.
    UnresolvedAliases(usize),
}

type Aliases = HashMap<u64, (String, Option<u32>)>;

/// A device of an edge node.
#[derive(Clone, Debug)]
pub struct Device {
    /// Its state.
    pub state: NodeState,
    aliases: Aliases,
}

/// An edge node.
#[derive(Clone, Debug)]
pub struct Node {
    /// Its state.
    pub state: NodeState,
    /// The `bdSeq` of its last birth.
    pub bd_seq: Option<u64>,
    /// The sequence number of its last sequenced message.
    pub last_seq: Option<u64>,
    /// Its devices, by id.
    pub devices: BTreeMap<String, Device>,
    aliases: Aliases,
}

impl Node {
    fn unborn() -> Node {
        Node {
            state: NodeState::Stale,
            bd_seq: None,
            last_seq: None,
            devices: BTreeMap::new(),
            aliases: Aliases::new(),
        }
    }
}

/// The host application's state over every node seen.
#[derive(Clone, Debug, Default)]
pub struct Tracker {
    nodes: HashMap<(String, String), Node>,
}

fn birth_aliases(payload: &Payload) -> Aliases {
    payload
        .metrics
        .iter()
        .filter_map(|m| Some((m.alias?, (m.name.clone()?, m.datatype))))
        .take(MAX_ALIASES)
        .collect()
}

fn bd_seq(payload: &Payload) -> Option<u64> {
    payload
        .metrics
        .iter()
        .find(|m| m.name.as_deref() == Some("bdSeq"))
        .and_then(|m| match m.value {
            RawValue::Long(n) => Some(n),
            RawValue::Int(n) => Some(u64::from(n)),
            _ => None,
        })
}

impl Tracker {
    /// Takes in one message of `topic`, returning what it says that is
    /// wrong or unknown. Commands (NCMD, DCMD) change nothing.
    pub fn observe(&mut self, topic: &NodeTopic<'_>, payload: &Payload) -> Vec<Finding> {
        let mut findings = Vec::new();
        if matches!(topic.message_type, MessageType::NCmd | MessageType::DCmd) {
            return findings;
        }
        let key = (topic.group.to_owned(), topic.edge_node.to_owned());
        if !self.nodes.contains_key(&key) && self.nodes.len() >= MAX_NODES {
            return findings;
        }
        let node = self.nodes.entry(key).or_insert_with(Node::unborn);
        match topic.message_type {
            MessageType::NBirth => {
                node.state = NodeState::Online;
                node.bd_seq = bd_seq(payload);
                node.aliases = birth_aliases(payload);
                node.last_seq = payload.seq;
                if payload.seq.is_none() {
                    findings.push(Finding::MissingSeq);
                }
                return findings;
            }
            MessageType::NDeath => {
                let death = bd_seq(payload);
                if node.bd_seq.is_some() && death != node.bd_seq {
                    findings.push(Finding::BdSeqMismatch {
                        birth: node.bd_seq,
                        death,
                    });
                }
                node.state = NodeState::Offline;
                node.last_seq = None;
                for device in node.devices.values_mut() {
                    device.state = NodeState::Offline;
                }
                return findings;
            }
            _ => {}
        }
        // The node's sequence runs through its and its devices' messages.
        match (payload.seq, node.last_seq) {
            (None, _) => findings.push(Finding::MissingSeq),
            (Some(got), Some(last)) if got != (last + 1) % 256 => {
                findings.push(Finding::SeqGap {
                    expected: (last + 1) % 256,
                    got,
                });
                node.state = NodeState::Stale;
            }
            _ => {}
        }
        if payload.seq.is_some() {
            node.last_seq = payload.seq;
        }
        if topic.message_type == MessageType::NData {
            if node.state == NodeState::Offline {
                node.state = NodeState::Stale;
            }
            if node.aliases.is_empty() && node.bd_seq.is_none() && node.state == NodeState::Stale {
                findings.push(Finding::NoBirth);
            }
            push_unresolved(&mut findings, payload, &node.aliases);
            return findings;
        }
        let Some(device_id) = topic.device else {
            return findings;
        };
        if !node.devices.contains_key(device_id) && node.devices.len() >= MAX_DEVICES {
            return findings;
        }
        let device = node
            .devices
            .entry(device_id.to_owned())
            .or_insert_with(|| Device {
                state: NodeState::Stale,
                aliases: Aliases::new(),
            });
        match topic.message_type {
            MessageType::DBirth => {
                device.state = NodeState::Online;
                device.aliases = birth_aliases(payload);
            }
            MessageType::DDeath => device.state = NodeState::Offline,
            _ => {
                if device.state != NodeState::Online {
                    device.state = NodeState::Stale;
                    if device.aliases.is_empty() {
                        findings.push(Finding::NoBirth);
                    }
                }
                push_unresolved(&mut findings, payload, &device.aliases);
            }
        }
        findings
    }

    /// `payload` as JSON, with names and data types filled in from the
    /// last birth of `topic`'s node or device for metrics that carry only
    /// an alias.
    pub fn to_json(&self, topic: &NodeTopic<'_>, payload: &Payload) -> Value {
        let aliases = self.aliases(topic);
        payload.to_json_with(|alias| {
            aliases
                .and_then(|a| a.get(&alias))
                .map(|(name, kind)| (name.as_str(), *kind))
        })
    }

    fn aliases(&self, topic: &NodeTopic<'_>) -> Option<&Aliases> {
        let node = self
            .nodes
            .get(&(topic.group.to_owned(), topic.edge_node.to_owned()))?;
        match topic.device {
            Some(device) => node.devices.get(device).map(|d| &d.aliases),
            None => Some(&node.aliases),
        }
    }

    /// The edge node `edge_node` of `group`, if seen.
    pub fn node(&self, group: &str, edge_node: &str) -> Option<&Node> {
        self.nodes.get(&(group.to_owned(), edge_node.to_owned()))
    }

    /// Every node seen, by group and edge node id.
    pub fn nodes(&self) -> impl Iterator<Item = (&str, &str, &Node)> {
        self.nodes
            .iter()
            .map(|((group, edge), node)| (group.as_str(), edge.as_str(), node))
    }

    /// Forgets everything (a new connection, a cleared tree).
    pub fn clear(&mut self) {
        self.nodes.clear();
    }
}

fn push_unresolved(findings: &mut Vec<Finding>, payload: &Payload, aliases: &Aliases) {
    let unresolved = payload
        .metrics
        .iter()
        .filter(|m| m.name.is_none() && m.alias.is_some_and(|a| !aliases.contains_key(&a)))
        .count();
    if unresolved > 0 {
        findings.push(Finding::UnresolvedAliases(unresolved));
    }
}

#[cfg(test)]
mod tests {
    use super::super::datatype::{DOUBLE, INT64};
    use super::super::payload::Metric;
    use super::*;
    use serde_json::json;

    fn topic(kind: MessageType, device: Option<&'static str>) -> NodeTopic<'static> {
        NodeTopic {
            group: "plant",
            message_type: kind,
            edge_node: "edge-1",
            device,
        }
    }

    fn birth(seq: u64, bd: u64) -> Payload {
        Payload {
            seq: Some(seq),
            metrics: vec![
                Metric {
                    name: Some("bdSeq".into()),
                    datatype: Some(INT64),
                    value: RawValue::Long(bd),
                    ..Metric::default()
                },
                Metric {
                    name: Some("Temperature".into()),
                    alias: Some(7),
                    datatype: Some(DOUBLE),
                    value: RawValue::Double(20.0),
                    ..Metric::default()
                },
            ],
            ..Payload::default()
        }
    }

    fn data(seq: u64, alias: u64) -> Payload {
        Payload {
            seq: Some(seq),
            metrics: vec![Metric {
                alias: Some(alias),
                value: RawValue::Double(21.5),
                ..Metric::default()
            }],
            ..Payload::default()
        }
    }

    #[test]
    fn aliases_resolve_after_a_birth_and_are_flagged_without_one() {
        let mut tracker = Tracker::default();
        let ndata = topic(MessageType::NData, None);
        let findings = tracker.observe(&ndata, &data(1, 7));
        assert!(findings.contains(&Finding::NoBirth), "{findings:?}");
        assert!(findings.contains(&Finding::UnresolvedAliases(1)));
        assert_eq!(
            tracker.to_json(&ndata, &data(1, 7))["metrics"][0],
            json!({"alias": 7, "value": 21.5, "alias_unresolved": true})
        );
        assert_eq!(
            tracker.node("plant", "edge-1").unwrap().state,
            NodeState::Stale
        );

        assert!(
            tracker
                .observe(&topic(MessageType::NBirth, None), &birth(0, 3))
                .is_empty()
        );
        assert!(tracker.observe(&ndata, &data(1, 7)).is_empty());
        assert_eq!(
            tracker.to_json(&ndata, &data(1, 7))["metrics"][0],
            json!({"name": "Temperature", "name_from_birth": true, "alias": 7,
                "datatype": "Double", "value": 21.5})
        );
        assert_eq!(
            tracker.node("plant", "edge-1").unwrap().state,
            NodeState::Online
        );
    }

    #[test]
    fn gaps_in_seq_and_a_wrong_bd_seq_are_flagged_and_deaths_take_devices_down() {
        let mut tracker = Tracker::default();
        tracker.observe(&topic(MessageType::NBirth, None), &birth(254, 3));
        let dbirth = topic(MessageType::DBirth, Some("pump"));
        assert!(tracker.observe(&dbirth, &birth(255, 3)).is_empty());
        // 255 wraps to 0; 0 then 2 misses 1.
        let ddata = topic(MessageType::DData, Some("pump"));
        assert!(tracker.observe(&ddata, &data(0, 7)).is_empty());
        assert_eq!(
            tracker.observe(&ddata, &data(2, 7)),
            vec![Finding::SeqGap {
                expected: 1,
                got: 2
            }]
        );
        let node = tracker.node("plant", "edge-1").unwrap();
        assert_eq!(node.state, NodeState::Stale);
        assert_eq!(node.devices["pump"].state, NodeState::Online);
        let mut death = birth(0, 4);
        death.seq = None;
        assert_eq!(
            tracker.observe(&topic(MessageType::NDeath, None), &death),
            vec![Finding::BdSeqMismatch {
                birth: Some(3),
                death: Some(4)
            }]
        );
        let node = tracker.node("plant", "edge-1").unwrap();
        assert_eq!(node.state, NodeState::Offline);
        assert_eq!(node.devices["pump"].state, NodeState::Offline);
    }
}
