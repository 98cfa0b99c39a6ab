//! The topic tree: the topic hierarchy, live. Only the rows on screen are
//! laid out, so it stays smooth with 100 000 topics.

use ahash::AHashSet as HashSet;
use std::time::{Duration, Instant};

use egui::RichText;
use rust_i18n::t;

use row::RowLook;

use crate::model::message::micros_since_epoch;
use crate::model::{ConnectionModel, NodeId, TopicTree};

pub mod clear;
mod keys;
mod rates;
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
    /// Most messages per second now first (what floods the broker).
    Rate,
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
/// Letters typed within this time of each other make one word.
const TYPED_TOGETHER: Duration = Duration::from_secs(1);
/// At most this many top levels are opened when the first topics come.
const FEW_ROOTS: usize = 3;

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
    /// How many top levels (in the order they came) have been opened by
    /// themselves; `usize::MAX` once there are too many for that.
    roots_opened: usize,
    /// Messages per second per topic and subtree.
    rates: rates::Rates,
    /// "Clear…" was clicked: the confirmation is shown.
    pub confirm_clear: bool,
    /// Down was pressed in the filter: select the first row.
    leave_filter_down: bool,
    /// What was typed onto the tree, and when last.
    typed_word: String,
    typed_at: Option<Instant>,
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
            roots_opened: 0,
            rates: rates::Rates::default(),
            confirm_clear: false,
            leave_filter_down: false,
            typed_word: String::new(),
            typed_at: None,
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

/// What the person opened and selected in a tree, by topic path, to find
/// again in a new tree of the same topics (a recording played again).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RememberedView {
    /// The open nodes not found again yet.
    pub expanded: Vec<String>,
    /// The selected node, until found again.
    pub selected: Option<String>,
}

impl TreeView {
    /// What is open and selected, by path.
    pub fn remember(&self, tree: &TopicTree) -> RememberedView {
        RememberedView {
            expanded: self
                .expanded
                .iter()
                .filter(|&&id| tree.is_live(id))
                .map(|&id| tree.path(id))
                .collect(),
            selected: self
                .selected
                .filter(|&id| tree.is_live(id))
                .map(|id| tree.path(id)),
        }
    }

    /// A view of a new tree: nothing open or selected, the filter and the
    /// order kept.
    pub fn start_over(&mut self) {
        *self = TreeView {
            filter: std::mem::take(&mut self.filter),
            sort: self.sort,
            ..TreeView::default()
        };
    }

    /// Open and select again what `view` names, as far as `tree` has it
    /// (what was found is taken out of `view`); true once all was found.
    pub fn restore(&mut self, tree: &TopicTree, view: &mut RememberedView) -> bool {
        let before = view.expanded.len();
        view.expanded.retain(|path| match tree.find_node(path) {
            Some(id) => {
                self.expanded.insert(id);
                false
            }
            None => true,
        });
        if view.expanded.len() != before {
            self.expansion_generation += 1;
        }
        if let Some(id) = view
            .selected
            .as_deref()
            .and_then(|path| tree.find_node(path))
        {
            self.selected = Some(id);
            view.selected = None;
        }
        view.expanded.is_empty() && view.selected.is_none()
    }

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
                self.open_the_first_roots(tree);
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

    /// While the tree has only a few top levels (`lab`, or the demo's `lab`
    /// and `spBv1.0`, whichever comes first), open each as it comes, so that
    /// a new user sees topics rather than closed rows. One the user closes
    /// stays closed.
    fn open_the_first_roots(&mut self, tree: &TopicTree) {
        let roots = &tree.node(TopicTree::ROOT).children;
        if self.roots_opened >= roots.len() {
            return;
        }
        if roots.len() > FEW_ROOTS {
            self.roots_opened = usize::MAX;
            return;
        }
        for &root in &roots[self.roots_opened..] {
            if self.expanded.insert(root) {
                self.expansion_generation += 1;
            }
        }
        self.roots_opened = roots.len();
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
                // Thousandths of a message per second, as a whole number.
                TreeSort::Rate => (self.rates.of(*c) * 1000.0) as u64,
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
            TreeSort::Messages | TreeSort::Recent | TreeSort::Rate => children.sort_by_key(key),
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
        if self.rates.sample(&model.tree, Instant::now()) && self.sort == TreeSort::Rate {
            // The order follows the rates.
            self.built_at = None;
        }
        if model.tree.node_count() > 0 {
            // The rates fall to zero by themselves when messages stop.
            ui.ctx().request_repaint_after(Duration::from_secs(1));
        }
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
                    rate: self.rates.of(row.node),
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

    /// The arrow keys, Home, End and typing, when no text field takes
    /// them: returns the node they selected.
    fn keyboard(&mut self, ui: &egui::Ui, tree: &TopicTree) -> Option<NodeId> {
        if ui.ctx().egui_wants_keyboard_input() {
            return None;
        }
        if std::mem::take(&mut self.leave_filter_down) {
            let first = self
                .rows
                .iter()
                .find(|row| row.more == 0)
                .map(|row| row.node);
            if first.is_some() {
                self.selected = first;
                return first;
            }
        }
        if let Some(node) = self.typed(ui, tree) {
            self.selected = Some(node);
            return Some(node);
        }
        let arrow = ui.input_mut(|input| {
            [
                (egui::Key::ArrowUp, keys::Arrow::Up),
                (egui::Key::ArrowDown, keys::Arrow::Down),
                (egui::Key::ArrowLeft, keys::Arrow::Left),
                (egui::Key::ArrowRight, keys::Arrow::Right),
                (egui::Key::Home, keys::Arrow::Home),
                (egui::Key::End, keys::Arrow::End),
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

    /// The nodes of the rows laid out, in order (for tests and tools).
    pub fn row_nodes(&self) -> Vec<NodeId> {
        self.rows
            .iter()
            .filter(|row| row.more == 0)
            .map(|row| row.node)
            .collect()
    }

    /// Letters typed onto the tree: the row whose name begins with them
    /// (what was typed within a second counts as one word).
    fn typed(&mut self, ui: &egui::Ui, tree: &TopicTree) -> Option<NodeId> {
        let text: String = ui.input(|input| {
            input
                .events
                .iter()
                .filter_map(|event| match event {
                    egui::Event::Text(text) => Some(text.as_str()),
                    _ => None,
                })
                .collect()
        });
        let text = text.trim();
        if text.is_empty() || self.rows.is_empty() {
            return None;
        }
        let now = Instant::now();
        let continuing = self
            .typed_at
            .is_some_and(|at| now.duration_since(at) < TYPED_TOGETHER);
        if !continuing {
            self.typed_word.clear();
        }
        self.typed_at = Some(now);
        self.typed_word.push_str(text);
        // A new word looks from the next row; more letters of the same
        // word keep to the row found, if it still matches.
        keys::typed_to(
            &self.rows,
            tree,
            self.selected,
            &self.typed_word,
            !continuing,
        )
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
            // Down from the filter goes into the tree.
            if filter.has_focus()
                && ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown))
            {
                filter.surrender_focus();
                self.leave_filter_down = true;
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
                TreeSort::Rate => t!("Busiest now"),
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut self.sort, TreeSort::Name, t!("Name"));
                ui.selectable_value(&mut self.sort, TreeSort::Messages, t!("Messages"));
                ui.selectable_value(&mut self.sort, TreeSort::Recent, t!("Recent"));
                ui.selectable_value(&mut self.sort, TreeSort::Rate, t!("Busiest now"))
                    .on_hover_text(t!("Most messages per second over the last few seconds first: what floods the broker."));
            });
        let label = ui.label(label_text);
        combo.response.labelled_by(label.id);
    }
}

#[cfg(test)]
mod tests;
