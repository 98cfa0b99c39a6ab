//! The topic tree: the topic hierarchy, live. Only the rows on screen are
//! laid out, so it stays smooth with 100 000 topics.

use ahash::AHashSet as HashSet;
use std::time::{Duration, Instant};

use egui::RichText;
use rust_i18n::t;

use row::RowLook;

use crate::model::message::micros_since_epoch;
use crate::model::{ConnectionModel, NodeId, TopicTree};

mod keys;
mod row;
mod rows;
mod search;

/// Work on the rows that goes on over several frames.
#[derive(Debug)]
enum Pending {
    /// Laying out the tree as it is expanded.
    Layout(rows::Build),
    /// Finding what the filter matches, for the rows of `BuildKey`.
    Search(BuildKey, search::Search),
}

impl Pending {
    fn key(&self) -> &BuildKey {
        match self {
            Pending::Layout(build) => &build.key,
            Pending::Search(key, _) => key,
        }
    }
}

/// What a set of rows was built for: the tree's structure, the filter, the
/// sort and the expansion.
type BuildKey = (u64, String, TreeSort, u64);

/// How much of a frame the row layout may take.
const REBUILD_SLICE: Duration = Duration::from_millis(4);

/// How the children of a node are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeSort {
    /// Alphabetically.
    Name,
    /// Most messages first.
    Messages,
    /// Most recently changed first.
    Recent,
}

#[derive(Clone, Copy, Debug)]
struct Row {
    node: NodeId,
    depth: u16,
    /// Not a node but "… and N more" under `node` (0: an ordinary row).
    more: u32,
}

/// A level shows at most this many children when sorted by messages or
/// recency (name order comes from the tree's index and shows them all).
const WIDE_LEVEL: usize = 10_000;

/// The state of the tree view.
pub struct TreeView {
    /// Text the topics are filtered by (case-insensitive, anywhere in the path).
    pub filter: String,
    /// The order of children.
    pub sort: TreeSort,
    /// The selected node.
    pub selected: Option<NodeId>,
    /// Ask for keyboard focus on the filter field next frame.
    pub focus_filter: bool,
    expanded: HashSet<NodeId>,
    rows: Vec<Row>,
    built_for: Option<BuildKey>,
    pending: Option<Pending>,
    built_at: Option<Instant>,
    expansion_generation: u64,
    opened_lone_root: bool,
    /// The rows on screen last frame (to bring a row chosen by keyboard
    /// into view).
    visible_rows: std::ops::Range<usize>,
}

impl Default for TreeView {
    fn default() -> Self {
        TreeView {
            filter: String::new(),
            sort: TreeSort::Name,
            selected: None,
            focus_filter: false,
            expanded: HashSet::new(),
            rows: Vec::new(),
            built_for: None,
            pending: None,
            built_at: None,
            expansion_generation: 0,
            opened_lone_root: false,
            visible_rows: 0..0,
        }
    }
}

/// How long a changed row stays highlighted.
const HIGHLIGHT: Duration = Duration::from_millis(800);
/// During a flood of new topics, rebuild the rows at most this often.
const REBUILD_EVERY: Duration = Duration::from_millis(250);
/// The height of one row, in points.
const ROW_HEIGHT: f32 = 20.0;

impl TreeView {
    /// Expand or collapse a node.
    pub fn toggle(&mut self, node: NodeId) {
        if !self.expanded.remove(&node) {
            self.expanded.insert(node);
        }
        self.expansion_generation += 1;
    }

    /// Expand every ancestor of `node` and select it.
    pub fn reveal(&mut self, tree: &TopicTree, node: NodeId) {
        let mut current = tree.node(node).parent;
        while let Some(id) = current {
            if id == TopicTree::ROOT {
                break;
            }
            self.expanded.insert(id);
            current = tree.node(id).parent;
        }
        self.expansion_generation += 1;
        self.selected = Some(node);
    }

    /// Let go of nodes the tree removed (`overflow`: more than were listed,
    /// so every held id is checked).
    pub fn forget(&mut self, removed: &[NodeId], overflow: bool, tree: &TopicTree) {
        let before = self.expanded.len();
        for id in removed {
            self.expanded.remove(id);
            if self.selected == Some(*id) {
                self.selected = None;
            }
        }
        if overflow {
            self.expanded.retain(|&id| tree.is_live(id));
            self.selected = self.selected.filter(|&id| tree.is_live(id));
        }
        // The rows change with the structure anyway; only a closed node
        // makes this a new view.
        if self.expanded.len() != before {
            self.expansion_generation += 1;
        }
    }

    /// The number of rows currently shown (for tests and the stats line).
    pub fn row_count(&self) -> usize {
        self.rows.len()
    }

    /// Bring the rows up to date, spending at most about `budget` on it in
    /// this frame: a large tree is laid out over several frames, and the
    /// rows shown meanwhile are the last complete ones.
    fn rebuild_within(&mut self, tree: &TopicTree, now: Instant, budget: Duration) {
        let key = (
            tree.structure_generation(),
            self.filter.clone(),
            self.sort,
            self.expansion_generation,
        );
        let same_view = |(_, f, s, e): &BuildKey| *f == key.1 && *s == key.2 && *e == key.3;
        let in_progress = self.pending.take().filter(|work| same_view(work.key()));
        let mut work = match in_progress {
            Some(work) => work,
            None => {
                if !self.wants_rebuild(&key, now) {
                    return;
                }
                self.open_a_lone_root(tree);
                if self.filter.is_empty() {
                    Pending::Layout(rows::Build::new(key.clone()))
                } else {
                    Pending::Search(key.clone(), search::Search::new(tree, &self.filter))
                }
            }
        };
        let done = match &mut work {
            Pending::Layout(build) => build.run(tree, self, budget),
            Pending::Search(_, search) => search.run(tree, budget),
        };
        if !done {
            self.pending = Some(work);
            return;
        }
        match work {
            Pending::Layout(build) => self.rows = build.into_rows(),
            Pending::Search(_, search) => {
                self.rows.clear();
                self.push_filtered(tree, search.visible());
            }
        }
        self.built_for = Some(key);
        self.built_at = Some(now);
    }

    /// Whether the rows built for `key` are out of date: the view changed,
    /// or the structure did (at most every [`REBUILD_EVERY`] during a flood),
    /// or a sort by activity is half a second old.
    fn wants_rebuild(&self, key: &BuildKey, now: Instant) -> bool {
        let stale = self.built_for.as_ref() != Some(key);
        let periodic = self.sort != TreeSort::Name
            && self
                .built_at
                .is_none_or(|at| now.duration_since(at) >= Duration::from_millis(500));
        if !stale && !periodic {
            return false;
        }
        let only_structure_changed = self
            .built_for
            .as_ref()
            .is_some_and(|(_, f, s, e)| *f == key.1 && *s == key.2 && *e == key.3);
        !(only_structure_changed
            && !periodic
            && self
                .built_at
                .is_some_and(|at| now.duration_since(at) < REBUILD_EVERY))
    }

    /// The first time the tree has exactly one top level (`lab`, say), open
    /// it, so that a new user sees topics rather than one closed row.
    fn open_a_lone_root(&mut self, tree: &TopicTree) {
        if self.opened_lone_root {
            return;
        }
        if let [only] = tree.node(TopicTree::ROOT).children[..] {
            self.opened_lone_root = true;
            if self.expanded.insert(only) {
                self.expansion_generation += 1;
            }
        }
    }

    /// The children of `node` in sort order, and how many were left out (a
    /// wide level sorted by messages or recency shows its first
    /// [`WIDE_LEVEL`]).
    fn sorted_children(&self, tree: &TopicTree, node: NodeId) -> (Vec<NodeId>, usize) {
        if self.sort == TreeSort::Name
            && let Some(in_order) = tree.children_by_name(node, None)
        {
            return (in_order.map(|(_, id)| id).collect(), 0);
        }
        let mut children = tree.node(node).children.clone();
        let key = |c: &NodeId| {
            let n = tree.node(*c);
            std::cmp::Reverse(match self.sort {
                TreeSort::Messages => n.subtree_messages,
                _ => n.changed_at_micros,
            })
        };
        let mut left_out = 0;
        if self.sort != TreeSort::Name && children.len() > WIDE_LEVEL {
            children.select_nth_unstable_by_key(WIDE_LEVEL, key);
            left_out = children.len() - WIDE_LEVEL;
            children.truncate(WIDE_LEVEL);
        }
        match self.sort {
            TreeSort::Name => children.sort_by(|a, b| tree.node(*a).name.cmp(&tree.node(*b).name)),
            TreeSort::Messages | TreeSort::Recent => children.sort_by_key(key),
        }
        (children, left_out)
    }

    /// The rows of the `visible` nodes, all of them open, in the same order.
    fn push_filtered(&mut self, tree: &TopicTree, visible: &HashSet<NodeId>) {
        let mut stack = Vec::new();
        let shown = |id: &NodeId| visible.contains(id);
        stack.extend(self.stacked_children(tree, TopicTree::ROOT, 0, shown));
        while let Some(row) = stack.pop() {
            self.rows.push(row);
            if row.more > 0 {
                continue;
            }
            let depth = row.depth.saturating_add(1);
            stack.extend(self.stacked_children(tree, row.node, depth, shown));
        }
    }

    /// The `keep` children of `node` as rows at `depth`, last first, so that
    /// pushed on a stack they pop in sort order (and after them, a row for
    /// the children left out, if any).
    fn stacked_children(
        &self,
        tree: &TopicTree,
        node: NodeId,
        depth: u16,
        keep: impl Fn(&NodeId) -> bool,
    ) -> Vec<Row> {
        let (children, left_out) = self.sorted_children(tree, node);
        let mut rows = Vec::with_capacity(children.len() + 1);
        if left_out > 0 {
            rows.push(Row {
                node,
                depth,
                more: u32::try_from(left_out).unwrap_or(u32::MAX),
            });
        }
        rows.extend(children.into_iter().rev().filter(keep).map(|node| Row {
            node,
            depth,
            more: 0,
        }));
        rows
    }

    /// Draw the filter bar and the tree. Returns the node clicked, if any.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
        colors: &[(String, [u8; 3])],
    ) -> Option<NodeId> {
        self.filter_bar(ui);
        self.rebuild_within(&model.tree, Instant::now(), REBUILD_SLICE);
        if self.pending.is_some() {
            ui.ctx().request_repaint();
        }
        if self.rows.is_empty() {
            ui.add_space(12.0);
            let text = if model.tree.node_count() == 0 {
                t!(
                    "No messages yet. Connect and subscribe (for example to #) to see topics appear here."
                )
            } else {
                t!("No topic matches the filter.")
            };
            ui.label(RichText::new(text).weak());
            return None;
        }
        let mut clicked = self.keyboard(ui, &model.tree);
        let mut toggled = None;
        let mut fading = false;
        let filtering = !self.filter.is_empty();
        let now_micros = micros_since_epoch(std::time::SystemTime::now());
        let mut scroll = egui::ScrollArea::vertical()
            .id_salt("topic-tree")
            .auto_shrink([false, false]);
        if let Some(offset) = clicked.and_then(|node| self.offset_to_show(ui, node)) {
            scroll = scroll.vertical_scroll_offset(offset);
        }
        let mut visible = 0..0;
        scroll.show_rows(ui, ROW_HEIGHT, self.rows.len(), |ui, range| {
            visible = range.clone();
            for row in &self.rows[range] {
                if row.more > 0 {
                    row::more(ui, row.more, row.depth);
                    continue;
                }
                let look = RowLook {
                    model,
                    colors,
                    now_micros,
                    selected: self.selected == Some(row.node),
                    open: filtering || self.expanded.contains(&row.node),
                    filtering,
                };
                let drawn = row::draw(ui, &look, row.node, row.depth);
                fading |= drawn.fading;
                if drawn.clicked {
                    clicked = Some(row.node);
                }
                if drawn.toggled {
                    toggled = Some(row.node);
                }
            }
        });
        self.visible_rows = visible;
        if let Some(node) = toggled {
            self.toggle(node);
        }
        if let Some(node) = clicked {
            self.selected = Some(node);
        }
        if fading {
            ui.ctx().request_repaint_after(Duration::from_millis(50));
        }
        clicked
    }

    /// The arrow keys, when no text field takes them: returns the node
    /// they selected.
    fn keyboard(&mut self, ui: &egui::Ui, tree: &TopicTree) -> Option<NodeId> {
        if ui.ctx().egui_wants_keyboard_input() {
            return None;
        }
        let arrow = ui.input_mut(|input| {
            [
                (egui::Key::ArrowUp, keys::Arrow::Up),
                (egui::Key::ArrowDown, keys::Arrow::Down),
                (egui::Key::ArrowLeft, keys::Arrow::Left),
                (egui::Key::ArrowRight, keys::Arrow::Right),
            ]
            .into_iter()
            .find(|(key, _)| input.consume_key(egui::Modifiers::NONE, *key))
            .map(|(_, arrow)| arrow)
        })?;
        let filtering = !self.filter.is_empty();
        let open = |node| filtering || self.expanded.contains(&node);
        match keys::step(&self.rows, tree, self.selected, open, arrow)? {
            keys::Move::Select(node) => {
                self.selected = Some(node);
                Some(node)
            }
            keys::Move::Toggle(node) => {
                self.toggle(node);
                None
            }
        }
    }

    /// The scroll offset that brings `node`'s row into view, if it is not.
    fn offset_to_show(&self, ui: &egui::Ui, node: NodeId) -> Option<f32> {
        let index = self.rows.iter().position(|row| row.node == node)?;
        let row_height = ROW_HEIGHT + ui.spacing().item_spacing.y;
        let shown = self.visible_rows.clone();
        if shown.contains(&index) && index + 1 < shown.end {
            return None;
        }
        let first = if index < shown.start {
            index
        } else {
            (index + 2).saturating_sub(shown.len().max(1))
        };
        Some(first as f32 * row_height)
    }

    /// The filter field and the sort order.
    fn filter_bar(&mut self, ui: &mut egui::Ui) {
        // Right to left: the sort list keeps its width in every language, and
        // the filter takes what is left (never more, so the panel does not grow).
        let row = egui::vec2(ui.available_width(), ui.spacing().interact_size.y);
        let layout = egui::Layout::right_to_left(egui::Align::Center);
        ui.allocate_ui_with_layout(row, layout, |ui| {
            self.sort_choice(ui);
            let filter = ui.add(
                egui::TextEdit::singleline(&mut self.filter)
                    .hint_text(t!("Filter topics…  (Ctrl+F)"))
                    .desired_width(ui.available_width()),
            );
            if self.focus_filter {
                filter.request_focus();
                self.focus_filter = false;
            }
        });
    }

    /// The order of the children, with its label.
    fn sort_choice(&mut self, ui: &mut egui::Ui) {
        let label_text = t!("Sort");
        let combo = egui::ComboBox::from_id_salt("tree-sort")
            .width(90.0)
            .selected_text(match self.sort {
                TreeSort::Name => t!("Name"),
                TreeSort::Messages => t!("Messages"),
                TreeSort::Recent => t!("Recent"),
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut self.sort, TreeSort::Name, t!("Name"));
                ui.selectable_value(&mut self.sort, TreeSort::Messages, t!("Messages"));
                ui.selectable_value(&mut self.sort, TreeSort::Recent, t!("Recent"));
            });
        let label = ui.label(label_text);
        combo.response.labelled_by(label.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::Publish;
    use bytes::Bytes;
    use proptest::prelude::*;

    fn model(topics: &[&str]) -> ConnectionModel {
        let mut model = ConnectionModel::default();
        for topic in topics {
            model.ingest(
                &Publish::new(*topic, Bytes::from_static(b"1")),
                Instant::now(),
                std::time::SystemTime::now(),
            );
        }
        model
    }

    #[test]
    fn rows_follow_expansion_and_filter() {
        let model = model(&["a/b/c", "a/d", "x/y"]);
        let mut view = TreeView::default();
        view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        assert_eq!(view.row_count(), 2, "a and x");
        let a = model.tree.node(TopicTree::ROOT).children[0];
        view.toggle(a);
        view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        assert_eq!(view.row_count(), 4, "a, b, d, x");
        view.filter = "Y".into();
        view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        let names: Vec<&str> = view
            .rows
            .iter()
            .map(|r| &*model.tree.node(r.node).name)
            .collect();
        assert_eq!(names, ["x", "y"]);
    }

    #[test]
    fn a_wide_level_lists_every_child_by_name_and_the_busiest_by_messages() {
        let names: Vec<String> = (0..WIDE_LEVEL + 50)
            .map(|i| format!("wide/{:05}", (i * 7919) % (WIDE_LEVEL + 50)))
            .collect();
        let topics: Vec<&str> = names.iter().map(String::as_str).collect();
        let model = model(&topics);
        let mut view = TreeView::default();
        view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        assert_eq!(
            view.row_count(),
            1 + WIDE_LEVEL + 50,
            "the lone root opened"
        );
        let shown: Vec<&str> = view.rows[1..]
            .iter()
            .map(|r| &*model.tree.node(r.node).name)
            .collect();
        let mut sorted = shown.clone();
        sorted.sort();
        assert_eq!(shown, sorted, "name order from the index");

        view.sort = TreeSort::Messages;
        view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        assert_eq!(view.row_count(), 1 + WIDE_LEVEL + 1);
        let last = view.rows.last().unwrap();
        assert_eq!(last.more, 50, "the row that says how many are left out");
    }

    #[test]
    fn the_arrow_keys_walk_the_tree() {
        use keys::{Arrow, Move, step};
        let model = model(&["lab/a", "lab/b", "other/x"]);
        let tree = &model.tree;
        // A level with no messages of its own is found through its child.
        let id = |path: &str| {
            tree.find(path).unwrap_or_else(|| {
                let child = tree
                    .find(&format!("{path}/a"))
                    .or(tree.find(&format!("{path}/x")));
                tree.node(child.expect(path)).parent.expect("a parent")
            })
        };
        let mut view = TreeView::default();
        view.rebuild_within(tree, Instant::now(), Duration::MAX);
        let go = |view: &TreeView, selected: Option<NodeId>, arrow| {
            step(
                &view.rows,
                tree,
                selected,
                |n| view.expanded.contains(&n),
                arrow,
            )
        };
        assert_eq!(go(&view, None, Arrow::Down), Some(Move::Select(id("lab"))));
        assert_eq!(go(&view, Some(id("lab")), Arrow::Up), None, "the first row");
        assert_eq!(
            go(&view, Some(id("lab")), Arrow::Down),
            Some(Move::Select(id("other")))
        );
        assert_eq!(
            go(&view, Some(id("lab")), Arrow::Right),
            Some(Move::Toggle(id("lab"))),
            "Right opens a closed level"
        );
        view.toggle(id("lab"));
        view.rebuild_within(tree, Instant::now(), Duration::MAX);
        assert_eq!(
            go(&view, Some(id("lab")), Arrow::Right),
            Some(Move::Select(id("lab/a"))),
            "Right on an open level goes to its first child"
        );
        assert_eq!(
            go(&view, Some(id("lab/a")), Arrow::Down),
            Some(Move::Select(id("lab/b")))
        );
        assert_eq!(
            go(&view, Some(id("lab/b")), Arrow::Left),
            Some(Move::Select(id("lab"))),
            "Left on a leaf goes to its parent"
        );
        assert_eq!(
            go(&view, Some(id("lab")), Arrow::Left),
            Some(Move::Toggle(id("lab"))),
            "Left closes an open level"
        );
    }

    #[test]
    fn a_filter_searched_over_frames_ends_with_the_same_rows() {
        let names: Vec<String> = (0..6_000).map(|i| format!("w/{i}/x")).collect();
        let mut topics: Vec<&str> = names.iter().map(String::as_str).collect();
        topics.push("other/a");
        let model = model(&topics);
        let filter = "/12";
        let mut whole = TreeView {
            filter: filter.into(),
            ..TreeView::default()
        };
        whole.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        let mut sliced = TreeView {
            filter: filter.into(),
            ..TreeView::default()
        };
        let mut frames = 0;
        loop {
            sliced.rebuild_within(&model.tree, Instant::now(), Duration::ZERO);
            frames += 1;
            if sliced.pending.is_none() {
                break;
            }
            assert!(sliced.rows.is_empty(), "nothing half-searched is shown");
        }
        assert!(frames > 2, "spread over {frames} frames");
        let rows = |v: &TreeView| -> Vec<(NodeId, u16)> {
            v.rows.iter().map(|r| (r.node, r.depth)).collect()
        };
        assert_eq!(rows(&sliced), rows(&whole));
        // "w", then 12, 120..129, 1200..1299 and each one's "x".
        assert_eq!(whole.row_count(), 1 + 2 * (1 + 10 + 100));
    }

    #[test]
    fn a_layout_spread_over_frames_ends_with_the_same_rows() {
        let names: Vec<String> = (0..9_000).map(|i| format!("w/{i}/x")).collect();
        let mut topics: Vec<&str> = names.iter().map(String::as_str).collect();
        topics.push("other/a");
        let model = model(&topics);
        let mut whole = TreeView::default();
        let w = model
            .tree
            .find("w/5/x")
            .and_then(|x| model.tree.node(x).parent);
        let w = model.tree.node(w.unwrap()).parent.unwrap();
        whole.toggle(w);
        whole.toggle(
            model
                .tree
                .node(model.tree.find("w/17/x").unwrap())
                .parent
                .unwrap(),
        );
        let mut sliced = TreeView {
            expanded: whole.expanded.clone(),
            expansion_generation: whole.expansion_generation,
            ..TreeView::default()
        };
        whole.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        let mut frames = 0;
        loop {
            sliced.rebuild_within(&model.tree, Instant::now(), Duration::ZERO);
            frames += 1;
            if sliced.pending.is_none() {
                break;
            }
            assert!(sliced.rows.is_empty(), "nothing half-built is shown");
        }
        assert!(frames > 2, "spread over {frames} frames");
        let rows = |v: &TreeView| -> Vec<(NodeId, u16)> {
            v.rows.iter().map(|r| (r.node, r.depth)).collect()
        };
        assert_eq!(rows(&sliced), rows(&whole));
        assert_eq!(whole.row_count(), 2 + 9_000 + 1);
    }

    /// The rows as the recursive layout before the iterative one made them.
    fn recursive_rows(view: &TreeView, tree: &TopicTree) -> Vec<(NodeId, u16)> {
        fn children(
            view: &TreeView,
            tree: &TopicTree,
            node: NodeId,
            depth: u16,
            out: &mut Vec<(NodeId, u16)>,
        ) {
            for child in view.sorted_children(tree, node).0 {
                out.push((child, depth));
                if view.expanded.contains(&child) {
                    children(view, tree, child, depth + 1, out);
                }
            }
        }
        fn filtered(
            view: &TreeView,
            tree: &TopicTree,
            node: NodeId,
            depth: u16,
            visible: &HashSet<NodeId>,
            out: &mut Vec<(NodeId, u16)>,
        ) {
            for child in view.sorted_children(tree, node).0 {
                if visible.contains(&child) {
                    out.push((child, depth));
                    filtered(view, tree, child, depth + 1, visible, out);
                }
            }
        }
        fn walk(
            tree: &TopicTree,
            node: NodeId,
            path: &mut String,
            needle: &str,
            visible: &mut HashSet<NodeId>,
        ) -> bool {
            let mut any = false;
            for &child in &tree.node(node).children {
                let len = path.len();
                if node != TopicTree::ROOT {
                    path.push('/');
                }
                path.push_str(&tree.node(child).name.to_lowercase());
                let own = path.contains(needle);
                let below = walk(tree, child, path, needle, visible);
                if own || below {
                    visible.insert(child);
                    any = true;
                }
                path.truncate(len);
            }
            any
        }
        let mut out = Vec::new();
        if view.filter.is_empty() {
            children(view, tree, TopicTree::ROOT, 0, &mut out);
        } else {
            let mut visible = HashSet::new();
            walk(
                tree,
                TopicTree::ROOT,
                &mut String::new(),
                &view.filter.to_lowercase(),
                &mut visible,
            );
            filtered(view, tree, TopicTree::ROOT, 0, &visible, &mut out);
        }
        out
    }

    fn level() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["a", "b", "A", "ab", "ba", "", "é", "É"])
    }

    proptest! {
        #[test]
        fn iterative_rows_match_the_recursive_layout(
            topics in prop::collection::vec(prop::collection::vec(level(), 1..6), 1..40),
            expanded in prop::collection::vec(any::<bool>(), 200),
            filter in prop::sample::select(vec!["", "a", "B", "ab", "/", "a/b", "/a", "é", "zz"]),
            sort in prop::sample::select(vec![TreeSort::Name, TreeSort::Messages, TreeSort::Recent]),
        ) {
            let topics: Vec<String> = topics.iter().map(|levels| levels.join("/")).collect();
            let names: Vec<&str> = topics.iter().map(String::as_str).collect();
            let model = model(&names);
            let mut view = TreeView { filter: filter.to_owned(), sort, ..TreeView::default() };
            for id in model.tree.ids() {
                if expanded.get(id as usize).copied().unwrap_or(false) {
                    view.toggle(id);
                }
            }
            view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
            let rows: Vec<(NodeId, u16)> = view.rows.iter().map(|r| (r.node, r.depth)).collect();
            prop_assert_eq!(rows, recursive_rows(&view, &model.tree));
        }
    }

    use crate::model::tree::tests::on_small_stack;

    /// `levels` levels named `name`, joined by '/'.
    fn deep_topic(name: &str, levels: usize) -> String {
        vec![name; levels].join("/")
    }

    /// Expand every node of the tree.
    fn expand_all(view: &mut TreeView, tree: &TopicTree) {
        for id in tree.ids() {
            view.toggle(id);
        }
    }

    fn assert_one_chain(view: &TreeView, tree: &TopicTree, levels: usize) {
        assert_eq!(view.row_count(), levels);
        for (depth, row) in view.rows.iter().enumerate() {
            assert_eq!(usize::from(row.depth), depth);
            assert_eq!(usize::from(tree.node(row.node).depth), depth);
        }
    }

    #[test]
    fn the_deepest_topic_lays_out_without_exhausting_the_stack() {
        on_small_stack(|| {
            // 32 768 levels in 65 535 bytes, the longest topic MQTT allows.
            let topic = deep_topic("a", 32_768);
            assert_eq!(topic.len(), 65_535);
            let model = model(&[topic.as_str(), "b"]);
            let mut view = TreeView::default();
            expand_all(&mut view, &model.tree);
            view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
            assert_eq!(view.row_count(), 32_768 + 1, "the chain and b");
            let chain = TreeView {
                rows: view.rows[..32_768].to_vec(),
                ..TreeView::default()
            };
            assert_one_chain(&chain, &model.tree, 32_768);
            assert_eq!(&*model.tree.node(view.rows[32_768].node).name, "b");

            view.filter = "A".into();
            view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
            assert_one_chain(&view, &model.tree, 32_768);
        });
    }

    #[test]
    fn a_filter_matching_only_the_deepest_level_shows_the_whole_chain() {
        on_small_stack(|| {
            let topic = format!("{}/needle", deep_topic("a", 32_000));
            let model = model(&[topic.as_str(), "a/other", "b"]);
            let mut view = TreeView {
                filter: "needle".into(),
                ..TreeView::default()
            };
            view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
            assert_one_chain(&view, &model.tree, 32_001);
            let last = view.rows.last().map(|r| &*model.tree.node(r.node).name);
            assert_eq!(last, Some("needle"));
        });
    }

    #[test]
    fn sixty_five_thousand_empty_levels_do_not_overflow_the_depth() {
        on_small_stack(|| {
            // 65 535 slashes: 65 536 empty levels, the most a topic can have.
            let topic = "/".repeat(65_535);
            let model = model(&[topic.as_str()]);
            let mut view = TreeView::default();
            expand_all(&mut view, &model.tree);
            view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
            assert_one_chain(&view, &model.tree, 65_536);
            view.filter = "/".into();
            view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
            // Every path below the second level contains "/".
            assert_one_chain(&view, &model.tree, 65_536);
        });
    }
}
