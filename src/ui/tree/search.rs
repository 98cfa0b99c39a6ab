//! Finding the topics a tree filter matches, in steps that stop at a time
//! budget and go on next frame: typing a filter over half a million topics
//! must not stall the window.
//!
//! Depth first with an explicit stack, not recursion: a topic can have 65 536
//! levels. A path extends its parent's, so a node whose parent matches
//! matches too, and otherwise only a match ending in its own level is new:
//! each level is searched once, not each whole path.

use std::time::{Duration, Instant};

use ahash::AHashSet as HashSet;

use crate::model::{NodeId, TopicTree};

/// The clock is read once per this many nodes.
const CHECK_EVERY: usize = 1024;

/// A search in progress for one filter text.
#[derive(Debug)]
pub(super) struct Search {
    /// The text searched for, lower case.
    needle: String,
    /// (node, length of its parent's path, whether its parent's path matches)
    stack: Vec<(NodeId, usize, bool)>,
    /// The path of the node last looked at, lower case.
    path: String,
    /// The nodes that match, and their ancestors.
    visible: HashSet<NodeId>,
}

impl Search {
    /// A search of `tree` for `filter` (compared ignoring case), not started.
    pub(super) fn new(tree: &TopicTree, filter: &str) -> Search {
        Search {
            needle: filter.to_lowercase(),
            stack: tree
                .node(TopicTree::ROOT)
                .children
                .iter()
                .map(|&child| (child, 0, false))
                .collect(),
            path: String::new(),
            visible: HashSet::new(),
        }
    }

    /// Search on for about `budget`; true once every node was looked at. The
    /// tree may change between calls: nodes removed meanwhile are skipped,
    /// and the next search (the structure changed) sets the rest right.
    pub(super) fn run(&mut self, tree: &TopicTree, budget: Duration) -> bool {
        let started = Instant::now();
        let mut looked_at = 0usize;
        while let Some((node, parent_len, parent_matches)) = self.stack.pop() {
            if !tree.is_live(node) {
                continue;
            }
            self.look_at(tree, node, parent_len, parent_matches);
            looked_at += 1;
            if looked_at.is_multiple_of(CHECK_EVERY) && started.elapsed() >= budget {
                return self.stack.is_empty();
            }
        }
        true
    }

    /// The nodes found to match, with their ancestors.
    pub(super) fn visible(&self) -> &HashSet<NodeId> {
        &self.visible
    }

    fn look_at(&mut self, tree: &TopicTree, node: NodeId, parent_len: usize, parent_matches: bool) {
        let path = &mut self.path;
        // A node removed and its slot reused meanwhile may leave the path
        // other than its parent's: cut on a character boundary anyway.
        let keep = path.floor_char_boundary(parent_len);
        path.truncate(keep);
        if tree.node(node).parent != Some(TopicTree::ROOT) {
            path.push('/');
        }
        path.push_str(&tree.node(node).name.to_lowercase());
        let start = path.floor_char_boundary((parent_len + 1).saturating_sub(self.needle.len()));
        let matches = parent_matches || path[start..].contains(self.needle.as_str());
        if matches {
            show_with_ancestors(tree, node, &mut self.visible);
        }
        let len = path.len();
        self.stack.extend(
            tree.node(node)
                .children
                .iter()
                .map(|&child| (child, len, matches)),
        );
    }
}

/// Add `node` and its ancestors (below the root) to `visible`, stopping at the
/// first one already there: its ancestors are there too.
fn show_with_ancestors(tree: &TopicTree, node: NodeId, visible: &mut HashSet<NodeId>) {
    let mut current = Some(node);
    while let Some(id) = current {
        if id == TopicTree::ROOT || !visible.insert(id) {
            break;
        }
        current = tree.node(id).parent;
    }
}
