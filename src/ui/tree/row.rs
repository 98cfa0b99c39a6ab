//! One row of the topic tree: its background, arrow, name, subscription dot,
//! retained badge, last value and message count, painted directly.

use egui::{Color32, Sense};
use rust_i18n::t;

use super::{HIGHLIGHT, ROW_HEIGHT};
use crate::decode::sparkplug::{NodeState, Topic, parse_topic};
use crate::model::{ConnectionModel, Node, NodeId};
use crate::proto::topic;
use crate::ui::payload_preview;

/// What a row needs to know beyond its node.
pub(super) struct RowLook<'a> {
    /// The connection whose tree this is.
    pub model: &'a ConnectionModel,
    /// Subscription filters and their colours.
    pub colors: &'a [(String, [u8; 3])],
    /// Now, in microseconds since the epoch (for the change highlight).
    pub now_micros: u64,
    /// Whether the row is selected.
    pub selected: bool,
    /// Whether its children are shown.
    pub open: bool,
    /// Whether a filter is typed (the tree is then shown open and fixed).
    pub filtering: bool,
    /// Messages per second on the row's topic and below, lately.
    pub rate: f32,
}

/// The state of the Sparkplug B edge node or device whose topic `id` is,
/// when the connection has seen Sparkplug nodes.
fn sparkplug_state(model: &ConnectionModel, id: NodeId) -> Option<NodeState> {
    let tracker = &model.payloads.sparkplug;
    tracker.nodes().next()?;
    let path = model.tree.path(id);
    let Some(Topic::Node(topic)) = parse_topic(&path) else {
        return None;
    };
    let node = tracker.node(topic.group, topic.edge_node)?;
    match topic.device {
        Some(device) => node.devices.get(device).map(|d| d.state),
        None => Some(node.state),
    }
}

/// What happened to a row this frame.
#[derive(Default)]
pub(super) struct Drawn {
    /// It was clicked.
    pub clicked: bool,
    /// Its children should be shown or hidden.
    pub toggled: bool,
    /// Its change highlight is still fading.
    pub fading: bool,
}

/// Draw the row of `id` at `depth`.
pub(super) fn draw(ui: &mut egui::Ui, look: &RowLook, id: NodeId, depth: u16) -> Drawn {
    let node = look.model.tree.node(id);
    let (rect, response) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), ROW_HEIGHT), Sense::click());
    let accessible = node.name.to_string();
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TreeItem, true, &accessible));
    let painter = ui.painter_at(rect);
    let fading = background(ui, &painter, look, node, rect, response.hovered());
    let indent = 14.0 * f32::from(depth);
    let y = rect.center().y;
    let weak = ui.visuals().weak_text_color();
    if !node.children.is_empty() {
        arrow(
            &painter,
            egui::pos2(rect.left() + 4.0 + indent + 5.0, y),
            look.open,
            weak,
        );
    }
    let name = if node.name.is_empty() {
        "∅"
    } else {
        &node.name
    };
    let name_rect = painter.text(
        egui::pos2(rect.left() + 20.0 + indent, y),
        egui::Align2::LEFT_CENTER,
        name,
        egui::FontId::proportional(13.5),
        ui.visuals().text_color(),
    );
    if let Some(color) = subscription_color(look, node, id) {
        painter.circle_filled(
            egui::pos2(rect.left() + indent + 14.0, y),
            3.0,
            Color32::from_rgb(color[0], color[1], color[2]),
        );
    }
    let mut after_name = name_rect.right() + 8.0;
    if depth >= 3
        && let Some(state) = sparkplug_state(look.model, id)
    {
        let (text, color) = match state {
            NodeState::Online => (t!("online"), Color32::from_rgb(0x2e, 0x9e, 0x4f)),
            NodeState::Offline => (t!("offline"), weak),
            NodeState::Stale => (t!("stale"), ui.visuals().warn_fg_color),
        };
        let tag = painter.text(
            egui::pos2(after_name, y),
            egui::Align2::LEFT_CENTER,
            text,
            egui::FontId::proportional(12.0),
            color,
        );
        after_name = tag.right() + 8.0;
    }
    let last = look.model.last_message(id);
    value_and_count(ui, &painter, node, last, rect, after_name, look.rate);
    Drawn {
        fading,
        ..clicks(&response, look, node, rect, indent)
    }
}

/// The row that stands for the children a wide level leaves out.
pub(super) fn more(ui: &mut egui::Ui, count: u32, depth: u16) {
    let (rect, _) =
        ui.allocate_exact_size(egui::vec2(ui.available_width(), ROW_HEIGHT), Sense::hover());
    let text = rust_i18n::t!(
        crate::language::plural(
            "… and %{n} more. Sort by name, or filter, to see them.",
            u64::from(count)
        ),
        n = count
    );
    ui.painter_at(rect).text(
        egui::pos2(
            rect.left() + 14.0 * f32::from(depth) + 22.0,
            rect.center().y,
        ),
        egui::Align2::LEFT_CENTER,
        text,
        egui::FontId::proportional(13.0),
        ui.visuals().weak_text_color(),
    );
}

/// Selected, freshly changed (fading) or hovered. Returns whether it fades.
fn background(
    ui: &egui::Ui,
    painter: &egui::Painter,
    look: &RowLook,
    node: &Node,
    rect: egui::Rect,
    hovered: bool,
) -> bool {
    let age = look.now_micros.saturating_sub(node.changed_at_micros);
    let highlight = HIGHLIGHT.as_micros() as u64;
    if look.selected {
        painter.rect_filled(rect, 2.0, ui.visuals().selection.bg_fill);
    } else if node.is_topic() && age < highlight {
        let strength = 1.0 - age as f32 / highlight as f32;
        let base = ui.visuals().warn_fg_color;
        painter.rect_filled(rect, 2.0, base.gamma_multiply(0.25 * strength));
        return true;
    } else if hovered {
        painter.rect_filled(rect, 2.0, ui.visuals().widgets.hovered.weak_bg_fill);
    }
    false
}

/// The open (pointing down) or closed (pointing right) arrow centred on `c`.
fn arrow(painter: &egui::Painter, c: egui::Pos2, open: bool, color: Color32) {
    let points = if open {
        vec![
            c + egui::vec2(-4.0, -2.5),
            c + egui::vec2(4.0, -2.5),
            c + egui::vec2(0.0, 3.5),
        ]
    } else {
        vec![
            c + egui::vec2(-2.5, -4.0),
            c + egui::vec2(3.5, 0.0),
            c + egui::vec2(-2.5, 4.0),
        ]
    };
    painter.add(egui::Shape::convex_polygon(
        points,
        color,
        egui::Stroke::NONE,
    ));
}

/// The colour of the first subscription whose filter matches this topic.
fn subscription_color(look: &RowLook, node: &Node, id: NodeId) -> Option<[u8; 3]> {
    if !node.is_topic() || look.colors.is_empty() {
        return None;
    }
    let path = look.model.tree.path(id);
    look.colors
        .iter()
        .find(|(filter, _)| topic::topic_matches(filter, &path))
        .map(|(_, c)| *c)
}

/// The message count on the right, the rate before it; the retained badge
/// and the last value from `x`, clipped before them.
fn value_and_count(
    ui: &egui::Ui,
    painter: &egui::Painter,
    node: &Node,
    last: Option<&crate::model::StoredMessage>,
    rect: egui::Rect,
    mut x: f32,
    rate: f32,
) {
    let y = rect.center().y;
    let weak = ui.visuals().weak_text_color();
    let mut count_rect = painter.text(
        egui::pos2(rect.right() - 6.0, y),
        egui::Align2::RIGHT_CENTER,
        node.subtree_messages.to_string(),
        egui::FontId::monospace(12.0),
        weak,
    );
    if let Some(rate) = super::rates::words(rate) {
        let rate_rect = painter.text(
            egui::pos2(count_rect.left() - 8.0, y),
            egui::Align2::RIGHT_CENTER,
            rate,
            egui::FontId::monospace(11.0),
            ui.visuals().hyperlink_color,
        );
        count_rect = count_rect.union(rate_rect);
    }
    let Some(last) = last else {
        return;
    };
    if node.retained {
        let badge = painter.text(
            egui::pos2(x, y),
            egui::Align2::LEFT_CENTER,
            "R",
            egui::FontId::monospace(11.0),
            ui.visuals().warn_fg_color,
        );
        x = badge.right() + 6.0;
    }
    let available = count_rect.left() - x - 8.0;
    if available > 20.0 {
        let value = payload_preview(&last.payload, 40);
        let galley = painter.layout_no_wrap(value, egui::FontId::monospace(12.0), weak);
        let clip = egui::Rect::from_min_max(
            egui::pos2(x, rect.top()),
            egui::pos2(x + available, rect.bottom()),
        );
        ui.painter_at(clip)
            .galley(egui::pos2(x, y - galley.size().y / 2.0), galley, weak);
    }
}

/// A click selects; a click on the arrow (or anywhere on a level that is not
/// a topic) or a double click opens or closes.
fn clicks(
    response: &egui::Response,
    look: &RowLook,
    node: &Node,
    rect: egui::Rect,
    indent: f32,
) -> Drawn {
    let mut drawn = Drawn {
        clicked: response.clicked(),
        ..Drawn::default()
    };
    let has_children = !node.children.is_empty();
    if drawn.clicked && has_children && !look.filtering {
        let arrow = egui::Rect::from_min_size(
            egui::pos2(rect.left() + indent, rect.top()),
            egui::vec2(20.0, ROW_HEIGHT),
        );
        drawn.toggled = response
            .interact_pointer_pos()
            .is_some_and(|p| arrow.contains(p))
            || !node.is_topic();
    }
    if response.double_clicked() && has_children {
        drawn.toggled = true;
    }
    drawn
}
