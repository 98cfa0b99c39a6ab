//! Moving through the tree by keyboard: Up and Down go from row to row,
//! Right opens a level (or, open, goes to its first child), Left closes it
//! (or, closed, goes to its parent), Home and End go to the first and last
//! rows, and typing goes to the next row whose name begins with what was
//! typed.

use super::Row;
use crate::model::{NodeId, TopicTree};

/// What a key asks of the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Move {
    /// Select this node.
    Select(NodeId),
    /// Open or close this node.
    Toggle(NodeId),
}

/// The arrow key pressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Arrow {
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
}

/// What `arrow` does with `rows` shown, `selected` selected, and the nodes
/// for which `open` holds opened.
pub(super) fn step(
    rows: &[Row],
    tree: &TopicTree,
    selected: Option<NodeId>,
    open: impl Fn(NodeId) -> bool,
    arrow: Arrow,
) -> Option<Move> {
    let real = |index: &usize| rows[*index].more == 0;
    let Some(at) = selected.and_then(|node| {
        rows.iter()
            .position(|row| row.node == node && row.more == 0)
    }) else {
        // Nothing selected (or not in view): start at the first row.
        return (0..rows.len())
            .find(real)
            .map(|index| Move::Select(rows[index].node));
    };
    let node = rows[at].node;
    let has_children = !tree.node(node).children.is_empty();
    match arrow {
        Arrow::Home => (0..rows.len())
            .find(real)
            .map(|index| Move::Select(rows[index].node)),
        Arrow::End => (0..rows.len())
            .rev()
            .find(real)
            .map(|index| Move::Select(rows[index].node)),
        Arrow::Down => (at + 1..rows.len())
            .find(real)
            .map(|index| Move::Select(rows[index].node)),
        Arrow::Up => (0..at)
            .rev()
            .find(real)
            .map(|index| Move::Select(rows[index].node)),
        Arrow::Right if has_children && !open(node) => Some(Move::Toggle(node)),
        Arrow::Right => rows
            .get(at + 1)
            .filter(|next| next.more == 0 && next.depth > rows[at].depth)
            .map(|next| Move::Select(next.node)),
        Arrow::Left if has_children && open(node) => Some(Move::Toggle(node)),
        Arrow::Left => tree
            .node(node)
            .parent
            .filter(|&parent| parent != TopicTree::ROOT)
            .map(Move::Select),
    }
}

/// The row a person typing `typed` means: the first after `selected` (or,
/// when `again` is false, from `selected` itself), going round, whose name
/// begins with it, in any case.
pub(super) fn typed_to(
    rows: &[Row],
    tree: &TopicTree,
    selected: Option<NodeId>,
    typed: &str,
    again: bool,
) -> Option<NodeId> {
    let typed = typed.to_lowercase();
    let start = selected
        .and_then(|node| rows.iter().position(|row| row.node == node))
        .map_or(0, |at| if again { at + 1 } else { at });
    (0..rows.len())
        .map(|offset| (start + offset) % rows.len())
        .map(|index| rows[index])
        .find(|row| row.more == 0 && tree.node(row.node).name.to_lowercase().starts_with(&typed))
        .map(|row| row.node)
}
