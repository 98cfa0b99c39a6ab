//! The Sparkplug B topic namespace: `spBv1.0/{group}/{type}/{edge
//! node}[/{device}]`, and a host application's `spBv1.0/STATE/{host id}`.

/// The message types of the namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// An edge node's birth certificate.
    NBirth,
    /// An edge node's data.
    NData,
    /// An edge node's death certificate.
    NDeath,
    /// A device's birth certificate.
    DBirth,
    /// A device's data.
    DData,
    /// A device's death certificate.
    DDeath,
    /// A command to an edge node.
    NCmd,
    /// A command to a device.
    DCmd,
}

impl MessageType {
    /// The type as the topic spells it.
    pub fn key(self) -> &'static str {
        match self {
            MessageType::NBirth => "NBIRTH",
            MessageType::NData => "NDATA",
            MessageType::NDeath => "NDEATH",
            MessageType::DBirth => "DBIRTH",
            MessageType::DData => "DDATA",
            MessageType::DDeath => "DDEATH",
            MessageType::NCmd => "NCMD",
            MessageType::DCmd => "DCMD",
        }
    }

    fn from_key(key: &str) -> Option<MessageType> {
        Some(match key {
            "NBIRTH" => MessageType::NBirth,
            "NDATA" => MessageType::NData,
            "NDEATH" => MessageType::NDeath,
            "DBIRTH" => MessageType::DBirth,
            "DDATA" => MessageType::DData,
            "DDEATH" => MessageType::DDeath,
            "NCMD" => MessageType::NCmd,
            "DCMD" => MessageType::DCmd,
            _ => return None,
        })
    }

    /// Whether the type is about a device (its topic names one).
    pub fn is_device(self) -> bool {
        matches!(
            self,
            MessageType::DBirth | MessageType::DData | MessageType::DDeath | MessageType::DCmd
        )
    }
}

/// A topic of an edge node or one of its devices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeTopic<'a> {
    /// The group id.
    pub group: &'a str,
    /// The message type.
    pub message_type: MessageType,
    /// The edge node id.
    pub edge_node: &'a str,
    /// The device id, for device messages.
    pub device: Option<&'a str>,
}

/// A topic of the Sparkplug B namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic<'a> {
    /// An edge node's or device's message.
    Node(NodeTopic<'a>),
    /// A host application's state (JSON in Sparkplug 3.0, `ONLINE` /
    /// `OFFLINE` text before).
    State {
        /// The host application's id.
        host_id: &'a str,
    },
}

/// `topic` read as Sparkplug B's, if it is one.
pub fn parse_topic(topic: &str) -> Option<Topic<'_>> {
    let rest = topic.strip_prefix("spBv1.0/")?;
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        ["STATE", host_id] if !host_id.is_empty() => Some(Topic::State { host_id }),
        [group, kind, edge_node, device @ ..]
            if !group.is_empty() && !edge_node.is_empty() && device.len() <= 1 =>
        {
            let message_type = MessageType::from_key(kind)?;
            let device = device.first().copied();
            (message_type.is_device() == device.is_some_and(|d| !d.is_empty())).then_some(
                Topic::Node(NodeTopic {
                    group,
                    message_type,
                    edge_node,
                    device,
                }),
            )
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_namespace_is_read_and_lookalikes_are_not() {
        assert_eq!(
            parse_topic("spBv1.0/plant/DDATA/edge-1/pump-3"),
            Some(Topic::Node(NodeTopic {
                group: "plant",
                message_type: MessageType::DData,
                edge_node: "edge-1",
                device: Some("pump-3"),
            }))
        );
        assert_eq!(
            parse_topic("spBv1.0/STATE/scada"),
            Some(Topic::State { host_id: "scada" })
        );
        assert!(matches!(
            parse_topic("spBv1.0/plant/NBIRTH/edge-1"),
            Some(Topic::Node(NodeTopic { device: None, .. }))
        ));
        for not in [
            "spBv1.0/plant/NBIRTH/edge-1/dev",
            "spBv1.0/plant/DDATA/edge-1",
            "spBv1.0/plant/NOPE/edge-1",
            "spAv1.0/plant/NDATA/edge-1",
            "spBv1.0/plant/NDATA/edge-1/a/b",
            "spBv1.0//NDATA/edge-1",
        ] {
            assert_eq!(parse_topic(not), None, "{not}");
        }
    }
}
