//! The topic hierarchy, live: one node per topic level, with message counts
//! for the node and its subtree, the last message, and when it changed.
//!
//! Under a memory budget, the topics not seen for the longest time can be
//! removed ([`TopicTree::remove_topic`]); a topic that comes back is simply
//! created again. Two recency lists keep the order: ordinary topics, and
//! topics a view needs (a retained value, the selected topic), which go last.

use super::chunked::Chunked;
use super::history::History;
use super::memory::allocation;
use super::message::{StoredMessage, TopicId};
use super::topic_table::TopicTable;

/// The index of a node in the tree. A removed node's index is reused.
pub type NodeId = u32;

/// No node (the end of a recency list).
const NIL: NodeId = NodeId::MAX;

/// At most this many removed node ids wait for the window to see them.
const REMOVED_KEPT: usize = 65_536;

/// Where a topic's last message is held.
#[derive(Debug, Default)]
enum LastValue {
    /// No message (an inner level, or a deleted retained message).
    #[default]
    None,
    /// Still in the history, under this sequence number.
    InHistory(u64),
    /// Gone from the history; the node keeps it.
    Own(Box<StoredMessage>),
}

/// The recency list a topic is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum List {
    /// Ordinary topics: forgotten first.
    Ordinary = 0,
    /// Topics a view needs: forgotten only when nothing else is left.
    Kept = 1,
}

/// One level of the topic hierarchy.
#[derive(Debug)]
pub struct Node {
    /// This level's name (may be empty: `a//b` has an empty middle level).
    pub name: Box<str>,
    /// The parent (`None` for the hidden root).
    pub parent: Option<NodeId>,
    /// Children, in no particular order (a removal moves the last one into
    /// the gap); the window sorts them.
    pub children: Vec<NodeId>,
    /// The children by name, once there are many (in name order, so the
    /// window lists a wide level without sorting it).
    child_index: Option<Box<ChildIndex>>,
    /// This node's place in its parent's `children`.
    place: u32,
    /// Messages on exactly this topic.
    pub messages: u64,
    /// Messages on this topic and every topic below it.
    pub subtree_messages: u64,
    last: LastValue,
    /// Whether the last message was retained.
    pub retained: bool,
    pinned: bool,
    live: bool,
    list: Option<List>,
    prev: NodeId,
    next: NodeId,
    /// When the last message arrived (microseconds since the epoch), for the highlight.
    pub changed_at_micros: u64,
    /// How deep it is (0 for a first-level topic; at most `u16::MAX`).
    pub depth: u16,
}

/// Children are looked up in a map once a node has more than this many.
const INDEX_FROM: usize = 8;

/// A wide level's children by name.
type ChildIndex = std::collections::BTreeMap<Box<str>, NodeId>;

/// The topic tree of one connection.
#[derive(Debug)]
pub struct TopicTree {
    nodes: Chunked<Node>,
    free: Vec<NodeId>,
    /// Each topic's node by the hash of its full name (the name itself is
    /// the path of levels; a growing table moves hashes, not strings).
    by_topic: TopicTable,
    hasher: ahash::RandomState,
    structure_generation: u64,
    heads: [NodeId; 2],
    tails: [NodeId; 2],
    /// Heap bytes held beyond the node slots and the topic map's table.
    pub(super) heap_bytes: usize,
    removed: Vec<NodeId>,
    removed_overflow: bool,
    pinned: Option<NodeId>,
}

impl Default for TopicTree {
    fn default() -> Self {
        TopicTree {
            nodes: {
                let mut nodes = Chunked::default();
                nodes.push(Node::new("".into(), None, 0));
                nodes
            },
            free: Vec::new(),
            by_topic: TopicTable::default(),
            hasher: ahash::RandomState::new(),
            structure_generation: 0,
            heads: [NIL; 2],
            tails: [NIL; 2],
            heap_bytes: 0,
            removed: Vec::new(),
            removed_overflow: false,
            pinned: None,
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
            place: 0,
            messages: 0,
            subtree_messages: 0,
            last: LastValue::None,
            retained: false,
            pinned: false,
            live: true,
            list: None,
            prev: NIL,
            next: NIL,
            changed_at_micros: 0,
            depth,
        }
    }

    /// Whether a message arrived on exactly this topic.
    pub fn is_topic(&self) -> bool {
        self.messages > 0
    }

    /// The sequence number of the last message on exactly this topic.
    pub fn last_seq(&self) -> Option<u64> {
        match &self.last {
            LastValue::None => None,
            LastValue::InHistory(seq) => Some(*seq),
            LastValue::Own(message) => Some(message.seq),
        }
    }

    /// Heap bytes of its name, child list and child index.
    fn heap_bytes(&self) -> usize {
        allocation(self.name.len())
            + allocation(self.children.capacity() * 4)
            + self.child_index.as_deref().map_or(0, index_bytes)
    }
}

/// Heap bytes of a child index: its box and its B-tree nodes, about 32
/// bytes an entry (its keys are counted as they are added and removed).
fn index_bytes(index: &ChildIndex) -> usize {
    allocation(std::mem::size_of::<ChildIndex>()) + 64 + index.len() * 32
}

/// What a last value held by a node costs.
fn own_bytes(message: &StoredMessage) -> usize {
    allocation(std::mem::size_of::<StoredMessage>()) + message.heap_bytes()
}

impl TopicTree {
    /// The hidden root; its children are the first levels.
    pub const ROOT: NodeId = 0;

    /// A node.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id as usize]
    }

    /// Whether `id` names a node (not a removed one).
    pub fn is_live(&self, id: NodeId) -> bool {
        self.nodes.get(id as usize).is_some_and(|n| n.live)
    }

    /// How many topics (nodes with messages of their own) there are.
    pub fn topic_count(&self) -> usize {
        self.by_topic.len()
    }

    /// How many nodes there are (without the root).
    pub fn node_count(&self) -> usize {
        self.nodes.len() - 1 - self.free.len()
    }

    /// Every node's subtree message count, indexed by node id (a free slot
    /// keeps its last), for the window's rates.
    pub fn subtree_counts(&self) -> Vec<u64> {
        self.nodes
            .iter()
            .map(|node| node.subtree_messages)
            .collect()
    }

    /// Changes whenever a node is added or removed (the window re-lays out the rows).
    pub fn structure_generation(&self) -> u64 {
        self.structure_generation
    }

    /// The node of a full topic name, if a message arrived on it.
    pub fn find(&self, topic: &str) -> Option<NodeId> {
        self.find_hashed(self.hasher.hash_one(topic), topic)
    }

    /// The node at `path`, whether or not a message arrived on exactly it
    /// (a level such as `lab/room-1`), found level by level.
    pub fn find_node(&self, path: &str) -> Option<NodeId> {
        path.split('/').try_fold(Self::ROOT, |parent, level| {
            let node = self.nodes.get(parent as usize)?;
            match node.child_index.as_deref() {
                Some(index) => index.get(level).copied(),
                None => node
                    .children
                    .iter()
                    .copied()
                    .find(|&child| &*self.nodes[child as usize].name == level),
            }
        })
    }

    fn find_hashed(&self, hash: u64, topic: &str) -> Option<NodeId> {
        self.by_topic.find(hash, |id| self.path_is(id, topic))
    }

    /// Whether `id`'s full name is `topic`, level by level from the end.
    fn path_is(&self, id: NodeId, topic: &str) -> bool {
        let mut current = id;
        for level in topic.rsplit('/') {
            if current == Self::ROOT {
                return false;
            }
            let node = &self.nodes[current as usize];
            if &*node.name != level {
                return false;
            }
            current = node.parent.unwrap_or(Self::ROOT);
        }
        current == Self::ROOT
    }

    /// A wide level's children in name order, after the one named `after`
    /// if given (`None` for a level with few children: sort those).
    pub fn children_by_name<'a>(
        &'a self,
        id: NodeId,
        after: Option<&str>,
    ) -> Option<impl Iterator<Item = (&'a str, NodeId)> + 'a> {
        use std::ops::Bound;
        let index = self.nodes.get(id as usize)?.child_index.as_deref()?;
        let from = match after {
            Some(name) => Bound::Excluded(name),
            None => Bound::Unbounded,
        };
        Some(
            index
                .range::<str, _>((from, Bound::Unbounded))
                .map(|(name, id)| (&**name, *id)),
        )
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

    /// The last message on exactly this topic: from `history` while it is
    /// there, else the node's own copy.
    pub fn last_message<'a>(
        &'a self,
        id: NodeId,
        history: &'a History,
    ) -> Option<&'a StoredMessage> {
        match &self.nodes.get(id as usize)?.last {
            LastValue::None => None,
            LastValue::InHistory(seq) => history.get(*seq),
            LastValue::Own(message) => Some(message),
        }
    }

    /// The node for `topic`, created (with its ancestors) if new. This is the
    /// id stored in messages.
    pub fn intern(&mut self, topic: &str) -> TopicId {
        let hash = self.hasher.hash_one(topic);
        if let Some(id) = self.find_hashed(hash, topic) {
            return id;
        }
        let mut current = Self::ROOT;
        for level in topic.split('/') {
            current = self.child(current, level);
        }
        self.by_topic.insert(hash, current);
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
        // A topic name has at most 65 536 levels (65 535 bytes of '/'), so
        // the depth fits; saturate for longer strings rather than wrap.
        let depth = if parent == Self::ROOT {
            0
        } else {
            self.nodes[parent as usize].depth.saturating_add(1)
        };
        let mut node = Node::new(name.into(), Some(parent), depth);
        node.place = self.nodes[parent as usize].children.len() as u32;
        self.heap_bytes += node.heap_bytes();
        let id = match self.free.pop() {
            Some(id) => {
                self.nodes[id as usize] = node;
                id
            }
            None => {
                self.nodes.push(node);
                (self.nodes.len() - 1) as NodeId
            }
        };
        self.structure_generation += 1;
        let parent_node = &mut self.nodes[parent as usize];
        let before = parent_node.heap_bytes();
        parent_node.children.push(id);
        if let Some(index) = &mut parent_node.child_index {
            index.insert(name.into(), id);
            self.heap_bytes += allocation(name.len());
        } else if parent_node.children.len() > INDEX_FROM {
            let children = parent_node.children.clone();
            let index: ChildIndex = children
                .into_iter()
                .map(|c| (self.nodes[c as usize].name.clone(), c))
                .collect();
            self.heap_bytes += index.keys().map(|k| allocation(k.len())).sum::<usize>();
            self.nodes[parent as usize].child_index = Some(Box::new(index));
        }
        let after = self.nodes[parent as usize].heap_bytes();
        self.heap_bytes = self.heap_bytes + after - before;
        id
    }

    /// Record `message` (now the newest in the history) as the last one of
    /// its topic and count it up the tree.
    pub fn record(&mut self, message: &StoredMessage) {
        let id = message.topic;
        let node = &mut self.nodes[id as usize];
        node.messages += 1;
        node.retained = message.retain;
        node.changed_at_micros = message.received_at_micros;
        let old = std::mem::replace(&mut node.last, LastValue::InHistory(message.seq));
        if let LastValue::Own(old) = old {
            self.heap_bytes -= own_bytes(&old);
        }
        let mut current = Some(id);
        while let Some(node_id) = current {
            let node = &mut self.nodes[node_id as usize];
            node.subtree_messages += 1;
            current = node.parent;
        }
        self.relist(id);
    }

    /// `message` has left the history: if it is its topic's last, the node
    /// keeps it.
    pub fn message_left_history(&mut self, message: StoredMessage) {
        let Some(node) = self.nodes.get_mut(message.topic as usize) else {
            return;
        };
        if node.live && matches!(node.last, LastValue::InHistory(seq) if seq == message.seq) {
            self.heap_bytes += own_bytes(&message);
            node.last = LastValue::Own(Box::new(message));
        }
    }

    /// Forget the last message of a topic (after its retained message was deleted).
    pub fn clear_last(&mut self, id: NodeId) {
        let Some(node) = self.nodes.get_mut(id as usize) else {
            return;
        };
        if let LastValue::Own(old) = std::mem::take(&mut node.last) {
            self.heap_bytes -= own_bytes(&old);
        }
        node.retained = false;
        if node.list.is_some() {
            self.relist(id);
        }
    }

    /// Keep `id` (the selected topic) in preference to ordinary topics; the
    /// one kept before goes back to the ordinary ones.
    pub fn pin_only(&mut self, id: Option<NodeId>) {
        let id = id.filter(|&id| id != Self::ROOT && self.is_live(id));
        if self.pinned == id {
            return;
        }
        if let Some(old) = self.pinned.take() {
            self.nodes[old as usize].pinned = false;
            if self.nodes[old as usize].list.is_some() {
                self.relist(old);
            }
        }
        if let Some(new) = id {
            self.nodes[new as usize].pinned = true;
            self.pinned = Some(new);
            if self.nodes[new as usize].list.is_some() {
                self.relist(new);
            }
        }
    }

    /// The topic seen least recently, other than `skip`: an ordinary one,
    /// or (`kept`) one a view needs.
    pub fn least_recent(&self, kept: bool, skip: Option<NodeId>) -> Option<NodeId> {
        let mut id = self.heads[if kept { List::Kept } else { List::Ordinary } as usize];
        if id != NIL && Some(id) == skip {
            id = self.nodes[id as usize].next;
        }
        (id != NIL).then_some(id)
    }

    /// Remove a topic: its last value and counts go, and so does every level
    /// left with neither messages nor children. A level with children stays
    /// as an inner level. The caller makes sure no message of it is in the
    /// history.
    pub fn remove_topic(&mut self, id: NodeId) {
        if id == Self::ROOT || !self.is_live(id) || !self.node(id).is_topic() {
            return;
        }
        let hash = self.hasher.hash_one(self.path(id).as_str());
        self.by_topic.remove(hash, id);
        self.unlink(id);
        if self.pinned == Some(id) {
            self.pinned = None;
        }
        let node = &mut self.nodes[id as usize];
        let messages = std::mem::take(&mut node.messages);
        node.retained = false;
        node.pinned = false;
        if let LastValue::Own(old) = std::mem::take(&mut node.last) {
            self.heap_bytes -= own_bytes(&old);
        }
        let mut current = Some(id);
        while let Some(node_id) = current {
            let node = &mut self.nodes[node_id as usize];
            node.subtree_messages = node.subtree_messages.saturating_sub(messages);
            current = node.parent;
        }
        let mut current = id;
        while current != Self::ROOT {
            let node = &self.nodes[current as usize];
            if !node.children.is_empty() || node.is_topic() {
                break;
            }
            let parent = node.parent.unwrap_or(Self::ROOT);
            self.detach(current, parent);
            self.free_slot(current);
            current = parent;
        }
        self.structure_generation += 1;
    }

    /// Take the ids removed since the last call (for views that hold ids),
    /// and whether more were removed than could be listed (then every held
    /// id must be checked).
    pub fn take_removed(&mut self) -> (Vec<NodeId>, bool) {
        let overflow = std::mem::take(&mut self.removed_overflow);
        (std::mem::take(&mut self.removed), overflow)
    }

    /// Every node id (root excluded).
    pub fn ids(&self) -> impl Iterator<Item = NodeId> + '_ {
        (1..self.nodes.len() as NodeId).filter(|&id| self.nodes[id as usize].live)
    }

    /// The bytes the tree holds: node slots, names, child lists and indexes,
    /// the topic map with its keys, and the last values it keeps itself.
    pub fn held_bytes(&self) -> usize {
        self.nodes.held_bytes()
            + allocation(self.free.capacity() * 4)
            + allocation(self.removed.capacity() * 4)
            + self.by_topic.held_bytes()
            + self.heap_bytes
    }

    /// The heap bytes counted from scratch, to check the running count.
    #[cfg(test)]
    pub(crate) fn recounted_heap_bytes(&self) -> usize {
        let nodes: usize = self
            .nodes
            .iter()
            .filter(|n| n.live)
            .map(|n| {
                n.heap_bytes()
                    + n.child_index.as_deref().map_or(0, |index| {
                        index.keys().map(|k| allocation(k.len())).sum::<usize>()
                    })
                    + match &n.last {
                        LastValue::Own(message) => own_bytes(message),
                        _ => 0,
                    }
            })
            .sum();
        let root_name = allocation(0);
        nodes - root_name
    }

    /// Take `child` out of `parent`'s children and index.
    fn detach(&mut self, child: NodeId, parent: NodeId) {
        let place = self.nodes[child as usize].place as usize;
        let name = std::mem::take(&mut self.nodes[child as usize].name);
        let parent_node = &mut self.nodes[parent as usize];
        let before = parent_node.heap_bytes();
        if parent_node.children.get(place) == Some(&child) {
            parent_node.children.swap_remove(place);
            if let Some(&moved) = parent_node.children.get(place) {
                self.nodes[moved as usize].place = place as u32;
            }
        }
        let parent_node = &mut self.nodes[parent as usize];
        if let Some(index) = &mut parent_node.child_index
            && let Some((key, _)) = index.remove_entry(&name)
        {
            self.heap_bytes -= allocation(key.len());
        }
        let after = parent_node.heap_bytes();
        self.heap_bytes = self.heap_bytes + after - before;
        self.heap_bytes -= allocation(name.len());
    }

    /// Free a detached, empty node's slot for reuse.
    fn free_slot(&mut self, id: NodeId) {
        let node = std::mem::replace(&mut self.nodes[id as usize], Node::new("".into(), None, 0));
        // Its name was taken (and its bytes returned) in `detach`.
        self.heap_bytes -= node.heap_bytes();
        self.nodes[id as usize].live = false;
        self.free.push(id);
        if self.removed.len() < REMOVED_KEPT {
            self.removed.push(id);
        } else {
            self.removed.clear();
            self.removed_overflow = true;
        }
    }

    /// Put a topic at the recent end of the list it belongs on.
    fn relist(&mut self, id: NodeId) {
        self.unlink(id);
        let node = &self.nodes[id as usize];
        let list = if node.retained || node.pinned {
            List::Kept
        } else {
            List::Ordinary
        };
        let tail = self.tails[list as usize];
        let node = &mut self.nodes[id as usize];
        node.list = Some(list);
        node.prev = tail;
        node.next = NIL;
        if tail == NIL {
            self.heads[list as usize] = id;
        } else {
            self.nodes[tail as usize].next = id;
        }
        self.tails[list as usize] = id;
    }

    /// Take a topic off its recency list.
    fn unlink(&mut self, id: NodeId) {
        let node = &mut self.nodes[id as usize];
        let Some(list) = node.list.take() else {
            return;
        };
        let (prev, next) = (node.prev, node.next);
        node.prev = NIL;
        node.next = NIL;
        if prev == NIL {
            self.heads[list as usize] = next;
        } else {
            self.nodes[prev as usize].next = next;
        }
        if next == NIL {
            self.tails[list as usize] = prev;
        } else {
            self.nodes[next as usize].prev = prev;
        }
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
        assert_eq!(tree.node(temp).last_seq(), Some(2));
        assert_eq!(tree.path(temp), "sensors/lab1/temp");
        assert_eq!(tree.node(temp).depth, 2);
        assert_eq!(tree.path(tree.find("/leading").unwrap()), "/leading");
        assert_eq!(tree.topic_count(), 4);
        assert_eq!(tree.node(TopicTree::ROOT).subtree_messages, 5);
    }

    #[test]
    fn a_topic_is_found_by_its_whole_name_only() {
        let mut tree = TopicTree::default();
        message(&mut tree, "a/b", 1);
        message(&mut tree, "b", 2);
        message(&mut tree, "", 3);
        message(&mut tree, "x//y", 4);
        assert_eq!(tree.path(tree.find("a/b").unwrap()), "a/b");
        assert_eq!(tree.path(tree.find("b").unwrap()), "b");
        assert_eq!(tree.path(tree.find("").unwrap()), "");
        assert_eq!(tree.path(tree.find("x//y").unwrap()), "x//y");
        for absent in ["a", "a/b/c", "/b", "z/a/b", "x/y", "x/"] {
            assert_eq!(tree.find(absent), None, "{absent:?}");
        }
        assert_ne!(tree.find("a/b"), tree.find("b"));
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
