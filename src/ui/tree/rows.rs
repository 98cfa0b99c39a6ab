//! Laying out the tree's rows, depth first, in steps that can stop at a time
//! budget and go on next frame: a level with half a million children takes
//! longer than a frame to walk, so it is walked over several.
//!
//! An explicit stack, not recursion: a topic can have 65 536 levels.

use std::time::{Duration, Instant};

use super::{BuildKey, Row, TreeSort, TreeView};
use crate::model::{NodeId, TopicTree};

/// A wide level's children are taken this many at a time.
const CHUNK: usize = 2048;
/// The clock is read once per this many steps.
const CHECK_EVERY: usize = 512;

/// One step of the walk.
#[derive(Debug)]
enum Step {
    /// Emit this row, then its children if it is open.
    Row(Row),
    /// Stack the children of `node` as rows at `depth`.
    Children { node: NodeId, depth: u16 },
    /// The next chunk of a wide level in name order, after the child
    /// named `after` (from the first if `None`).
    NamesAfter {
        node: NodeId,
        depth: u16,
        after: Option<Box<str>>,
    },
}

/// A layout in progress.
#[derive(Debug)]
pub(super) struct Build {
    /// What it is built for.
    pub(super) key: BuildKey,
    rows: Vec<Row>,
    stack: Vec<Step>,
}

impl Build {
    /// A layout of the whole tree for `key`, not started.
    pub(super) fn new(key: BuildKey) -> Build {
        Build {
            key,
            rows: Vec::new(),
            stack: vec![Step::Children {
                node: TopicTree::ROOT,
                depth: 0,
            }],
        }
    }

    /// Walk on for about `budget`; true once the layout is complete. The tree
    /// may change between calls: the rows then mix two moments, and the next
    /// layout (the structure changed) sets them right.
    pub(super) fn run(&mut self, tree: &TopicTree, view: &TreeView, budget: Duration) -> bool {
        let started = Instant::now();
        let mut steps = 0usize;
        while let Some(step) = self.stack.pop() {
            self.take(tree, view, step);
            steps += 1;
            if steps.is_multiple_of(CHECK_EVERY) && started.elapsed() >= budget {
                return self.stack.is_empty();
            }
        }
        true
    }

    /// The rows, once complete.
    pub(super) fn into_rows(self) -> Vec<Row> {
        self.rows
    }

    fn take(&mut self, tree: &TopicTree, view: &TreeView, step: Step) {
        match step {
            Step::Row(row) => {
                self.rows.push(row);
                if row.more == 0 && tree.is_live(row.node) && view.expanded.contains(&row.node) {
                    self.stack.push(Step::Children {
                        node: row.node,
                        depth: row.depth.saturating_add(1),
                    });
                }
            }
            Step::Children { node, .. } if !tree.is_live(node) => {}
            Step::Children { node, depth } => {
                if view.sort == TreeSort::Name && tree.children_by_name(node, None).is_some() {
                    self.names_after(tree, node, depth, None);
                } else {
                    let rows = view.stacked_children(tree, node, depth, |_| true);
                    self.stack.extend(rows.into_iter().map(Step::Row));
                }
            }
            Step::NamesAfter { node, depth, after } => {
                if tree.is_live(node) {
                    self.names_after(tree, node, depth, after.as_deref());
                }
            }
        }
    }

    /// Stack the next chunk of `node`'s children in name order, with the
    /// step that takes the chunk after it.
    fn names_after(&mut self, tree: &TopicTree, node: NodeId, depth: u16, after: Option<&str>) {
        let Some(children) = tree.children_by_name(node, after) else {
            return;
        };
        let mut chunk: Vec<(&str, NodeId)> = children.take(CHUNK + 1).collect();
        if chunk.len() > CHUNK {
            chunk.truncate(CHUNK);
            let last = chunk.last().map(|(name, _)| Box::from(*name));
            self.stack.push(Step::NamesAfter {
                node,
                depth,
                after: last,
            });
        }
        self.stack.extend(chunk.into_iter().rev().map(|(_, child)| {
            Step::Row(Row {
                node: child,
                depth,
                more: 0,
            })
        }));
    }
}
