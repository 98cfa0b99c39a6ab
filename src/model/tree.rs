//! The topic hierarchy, live: one node per topic level, with message counts
//! for the node and its subtree, the last message, and when it changed.

use ahash::AHashMap;

use super::message::{StoredMessage, TopicId};

/// The index of a node in the tree.
pub type NodeId = u32;

/// One level of the topic hierarchy.
#[derive(Debug)]
pub struct Node {
    /// This level's name (may be empty: `a//b` has an empty middle level).
    pub name: Box<str>,
    /// The parent (`None` for the hidden root).
    pub parent: Option<NodeId>,
    /// Children, in the order they appeared.
    pub children: Vec<NodeId>,
    child_index: Option<Box<AHashMap<Box<str>, NodeId>>>,
    /// Messages on exactly this topic.
    pub messages: u64,
    /// Messages on this topic and every topic below it.
    pub subtree_messages: u64,
    /// The last message on exactly this topic.
    pub last: Option<StoredMessage>,
    /// Whether the last message was retained.
    pub retained: bool,
    /// When the last message arrived (microseconds since the epoch), for the highlight.
    pub changed_at_micros: u64,
    /// How deep it is (0 for a first-level topic; at most `u16::MAX`).
    pub depth: u16,
}

/// Children are looked up in a map once a node has more than this many.
const INDEX_FROM: usize = 8;

/// The topic tree of one connection.
#[derive(Debug)]
pub struct TopicTree {
    nodes: Vec<Node>,
    by_topic: AHashMap<Box<str>, NodeId>,
    structure_generation: u64,
}

impl Default for TopicTree {
    fn default() -> Self {
        TopicTree {
            nodes: vec![Node::new("".into(), None, 0)],
            by_topic: AHashMap::new(),
            structure_generation: 0,
        }
    }
}

impl Node {
    fn new(name: Box<str>, parent: Option<NodeId>, depth: u16) -> Node {
        Node {
            name,
            parent,
            children: Vec::new(),
            child_index: None,
            messages: 0,
            subtree_messages: 0,
            last: None,
            retained: false,
            changed_at_micros: 0,
            depth,
        }
    }

    /// Whether a message arrived on exactly this topic.
    pub fn is_topic(&self) -> bool {
        self.messages > 0
    }
}

impl TopicTree {
    /// The hidden root; its children are the first levels.
    pub const ROOT: NodeId = 0;

    /// A node.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// How many topics (nodes with messages of their own) there are.
    pub fn topic_count(&self) -> usize {
        self.by_topic.len()
    }

    /// How many nodes there are (without the root).
    pub fn node_count(&self) -> usize {
        self.nodes.len() - 1
    }

    /// Changes whenever a node is added (the window re-lays out the rows).
    pub fn structure_generation(&self) -> u64 {
        self.structure_generation
    }

    /// The node of a full topic name, if a message arrived on it.
    pub fn find(&self, topic: &str) -> Option<NodeId> {
        self.by_topic.get(topic).copied()
    }

    /// The full topic name of a node.
    pub fn path(&self, id: NodeId) -> String {
        let mut levels = Vec::new();
        let mut current = Some(id);
        while let Some(node_id) = current {
            if node_id == Self::ROOT {
                break;
            }
            let node = self.node(node_id);
            levels.push(&*node.name);
            current = node.parent;
        }
        levels.reverse();
        levels.join("/")
    }

    /// The node for `topic`, created (with its ancestors) if new. This is the
    /// id stored in messages.
    pub fn intern(&mut self, topic: &str) -> TopicId {
        if let Some(&id) = self.by_topic.get(topic) {
            return id;
        }
        let mut current = Self::ROOT;
        for level in topic.split('/') {
            current = self.child(current, level);
        }
        self.by_topic.insert(topic.into(), current);
        current
    }

    fn child(&mut self, parent: NodeId, name: &str) -> NodeId {
        let node = &self.nodes[parent as usize];
        let found = match &node.child_index {
            Some(index) => index.get(name).copied(),
            None => node
                .children
                .iter()
                .copied()
                .find(|&c| &*self.nodes[c as usize].name == name),
        };
        if let Some(id) = found {
            return id;
        }
        let id = self.nodes.len() as NodeId;
        // A topic name has at most 65 536 levels (65 535 bytes of '/'), so
        // the depth fits; saturate for longer strings rather than wrap.
        let depth = if parent == Self::ROOT {
            0
        } else {
            self.nodes[parent as usize].depth.saturating_add(1)
        };
        self.nodes.push(Node::new(name.into(), Some(parent), depth));
        self.structure_generation += 1;
        let parent_node = &mut self.nodes[parent as usize];
        parent_node.children.push(id);
        if let Some(index) = &mut parent_node.child_index {
            index.insert(name.into(), id);
        } else if parent_node.children.len() > INDEX_FROM {
            let children = parent_node.children.clone();
            let index: AHashMap<Box<str>, NodeId> = children
                .into_iter()
                .map(|c| (self.nodes[c as usize].name.clone(), c))
                .collect();
            self.nodes[parent as usize].child_index = Some(Box::new(index));
        }
        id
    }

    /// Record `message` as the last one of its topic and count it up the tree.
    pub fn record(&mut self, message: &StoredMessage) {
        let id = message.topic;
        let node = &mut self.nodes[id as usize];
        node.messages += 1;
        node.retained = message.retain;
        node.changed_at_micros = message.received_at_micros;
        node.last = Some(message.clone());
        let mut current = Some(id);
        while let Some(node_id) = current {
            let node = &mut self.nodes[node_id as usize];
            node.subtree_messages += 1;
            current = node.parent;
        }
    }

    /// Forget the last message of a topic (after its retained message was deleted).
    pub fn clear_last(&mut self, id: NodeId) {
        if let Some(node) = self.nodes.get_mut(id as usize) {
            node.last = None;
            node.retained = false;
        }
    }

    /// Every node id in creation order (root excluded).
    pub fn ids(&self) -> impl Iterator<Item = NodeId> {
        1..self.nodes.len() as NodeId
    }

    /// Rough memory use of the tree in bytes.
    pub fn memory_estimate(&self) -> usize {
        self.nodes
            .iter()
            .map(|n| {
                std::mem::size_of::<Node>()
                    + n.name.len()
                    + n.children.capacity() * 4
                    + n.child_index.as_ref().map_or(0, |i| i.capacity() * 40)
                    + n.last.as_ref().map_or(0, |m| m.heap_bytes())
            })
            .sum::<usize>()
            + self.by_topic.capacity() * 40
            + self.by_topic.keys().map(|k| k.len()).sum::<usize>()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::proto::{Publish, QoS};
    use std::time::SystemTime;

    fn message(tree: &mut TopicTree, topic: &str, seq: u64) -> StoredMessage {
        let id = tree.intern(topic);
        let mut publish = Publish::new(topic, bytes::Bytes::from(format!("v{seq}")));
        publish.qos = QoS::AtMostOnce;
        let m = StoredMessage::from_publish(&publish, id, seq, SystemTime::now());
        tree.record(&m);
        m
    }

    #[test]
    fn levels_counts_and_paths() {
        let mut tree = TopicTree::default();
        message(&mut tree, "sensors/lab1/temp", 1);
        message(&mut tree, "sensors/lab1/temp", 2);
        message(&mut tree, "sensors/lab2/temp", 3);
        message(&mut tree, "sensors", 4);
        message(&mut tree, "/leading", 5);
        let sensors = tree.find("sensors").unwrap();
        assert_eq!(tree.node(sensors).messages, 1);
        assert_eq!(tree.node(sensors).subtree_messages, 4);
        let temp = tree.find("sensors/lab1/temp").unwrap();
        assert_eq!(tree.node(temp).messages, 2);
        assert_eq!(tree.node(temp).last.as_ref().unwrap().payload, "v2");
        assert_eq!(tree.path(temp), "sensors/lab1/temp");
        assert_eq!(tree.node(temp).depth, 2);
        assert_eq!(tree.path(tree.find("/leading").unwrap()), "/leading");
        assert_eq!(tree.topic_count(), 4);
        assert_eq!(tree.node(TopicTree::ROOT).subtree_messages, 5);
    }

    #[test]
    fn wide_levels_are_indexed() {
        let mut tree = TopicTree::default();
        for i in 0..1000 {
            message(&mut tree, &format!("fleet/{i}/speed"), i);
        }
        let fleet = tree
            .find("fleet/999/speed")
            .map(|_| tree.node(TopicTree::ROOT).children[0])
            .unwrap();
        assert_eq!(tree.node(fleet).children.len(), 1000);
        assert_eq!(tree.node_count(), 1 + 1000 + 1000);
        // A second message on an existing topic adds no node.
        let before = tree.structure_generation();
        message(&mut tree, "fleet/5/speed", 2000);
        assert_eq!(tree.structure_generation(), before);
    }

    /// Run `f` on a thread with a small stack, as a check that nothing recurses
    /// once per topic level.
    pub(crate) fn on_small_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(f)
            .expect("spawn a test thread")
            .join()
            .expect("the test thread finished without panicking");
    }

    #[test]
    fn the_deepest_topic_is_interned_counted_and_found() {
        on_small_stack(|| {
            // 32 768 levels in 65 535 bytes, the longest topic MQTT allows.
            let topic = vec!["a"; 32_768].join("/");
            let mut tree = TopicTree::default();
            message(&mut tree, &topic, 1);
            message(&mut tree, "a", 2);
            assert_eq!(tree.node_count(), 32_768);
            assert_eq!(tree.topic_count(), 2);
            let leaf = tree.find(&topic).expect("the deep topic is found");
            assert_eq!(tree.node(leaf).depth, 32_767);
            assert_eq!(tree.path(leaf), topic);
            let top = tree.find("a").expect("the first level is found");
            assert_eq!(tree.node(top).subtree_messages, 2);
            assert_eq!(tree.node(leaf).subtree_messages, 1);
            let parent = tree.node(leaf).parent.expect("the leaf has a parent");
            assert_eq!(tree.node(parent).subtree_messages, 1);
            assert_eq!(tree.node(parent).messages, 0);
        });
    }

    #[test]
    fn depth_saturates_beyond_the_longest_topic() {
        on_small_stack(|| {
            let mut tree = TopicTree::default();
            // 65 536 empty levels: the most a 65 535-byte topic can have.
            let deepest = tree.intern(&"/".repeat(65_535));
            assert_eq!(tree.node(deepest).depth, u16::MAX);
            // Longer strings (never from the network) do not wrap to 0.
            let beyond = tree.intern(&"/".repeat(65_537));
            assert_eq!(tree.node(beyond).depth, u16::MAX);
            assert_eq!(tree.path(beyond).len(), 65_537);
        });
    }
}
