//! Above a Sparkplug B message: its edge node's (and device's) state as the
//! host sees it, what recent messages of the node said that is wrong, and
//! "Request rebirth…", which publishes the NCMD after a confirmation.

use egui::{Color32, RichText};
use rust_i18n::t;

use super::super::{Action, time_of_day};
use crate::decode::sparkplug::{NodeState, NodeTopic, Topic, parse_topic};
use crate::model::ConnectionModel;

/// How many of a node's findings are listed (the newest; each message of a
/// node that lacks its birth says the same, and they are kept once).
const FINDINGS_SHOWN: usize = 1;

/// The panel's state.
#[derive(Default)]
pub struct NodePanel {
    /// The node a rebirth is being confirmed for: (group, edge node).
    confirm: Option<(String, String)>,
}

impl NodePanel {
    /// Draw the state of `topic`'s node, if it is a Sparkplug B topic; may
    /// ask for a rebirth.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
        topic: &str,
    ) -> Option<Action> {
        let Some(Topic::Node(node_topic)) = parse_topic(topic) else {
            return None;
        };
        let node = model
            .payloads
            .sparkplug
            .node(node_topic.group, node_topic.edge_node);
        ui.horizontal_wrapped(|ui| {
            let node_state = node.map_or(NodeState::Stale, |n| n.state);
            ui.label(t!(
                "Sparkplug B edge node %{group}/%{node}:",
                group = node_topic.group,
                node = node_topic.edge_node
            ));
            state_label(ui, node_state);
            if let Some(bd_seq) = node.and_then(|n| n.bd_seq) {
                ui.label(RichText::new(format!("bdSeq {bd_seq}")).weak());
            }
            if let Some(seq) = node.and_then(|n| n.last_seq) {
                ui.label(RichText::new(t!("last seq %{seq}", seq = seq)).weak());
            }
            if let Some(device) = node_topic.device {
                ui.label(t!("device %{device}:", device = device));
                let device_state = node
                    .and_then(|n| n.devices.get(device))
                    .map_or(NodeState::Stale, |d| d.state);
                state_label(ui, device_state);
            }
            let connected = model.is_connected();
            let button = ui
                .add_enabled(connected, egui::Button::new(t!("Request rebirth…")).small())
                .on_hover_text(t!(
                    "Ask the edge node to send its birth certificates again, so that every metric's name, type and value is known afresh."
                ))
                .on_disabled_hover_text(t!("Connect to ask the edge node for a rebirth."));
            if button.clicked() {
                self.confirm = Some((node_topic.group.to_owned(), node_topic.edge_node.to_owned()));
            }
        });
        let mut findings: Vec<_> = model
            .sparkplug_findings
            .iter()
            .rev()
            .filter(|note| same_node(&note.topic, &node_topic))
            .take(FINDINGS_SHOWN)
            .collect();
        findings.reverse();
        for note in findings {
            let at = crate::model::message::micros_since_epoch(note.at);
            ui.label(
                RichText::new(format!(
                    "{}  {}",
                    time_of_day(at),
                    crate::ui::words::sparkplug_finding(&note.finding)
                ))
                .color(ui.visuals().warn_fg_color),
            );
        }
        self.confirm_modal(ui)
    }

    fn confirm_modal(&mut self, ui: &mut egui::Ui) -> Option<Action> {
        use crate::ui::widgets::{Answer, confirm};
        let (group, edge_node) = self.confirm.clone()?;
        let heading = t!("Ask %{node} for a rebirth?", node = edge_node);
        let answer = confirm(
            ui,
            "confirm-rebirth",
            400.0,
            &heading,
            &t!("Publish the NCMD"),
            |ui| {
                ui.label(t!(
                "mqscope will publish an NCMD to spBv1.0/%{group}/NCMD/%{node} that sets the metric Node Control/Rebirth to true. The edge node then publishes its NBIRTH and its devices' DBIRTHs again; every application subscribed to them receives them too.",
                group = group,
                node = edge_node
            ));
            },
        )?;
        self.confirm = None;
        (answer == Answer::Yes).then_some(Action::RequestRebirth { group, edge_node })
    }
}

fn same_node(topic: &str, node: &NodeTopic<'_>) -> bool {
    matches!(parse_topic(topic), Some(Topic::Node(other))
        if other.group == node.group && other.edge_node == node.edge_node)
}

fn state_label(ui: &mut egui::Ui, state: NodeState) {
    let (text, color) = match state {
        NodeState::Online => (t!("online"), Color32::from_rgb(0x2e, 0x9e, 0x4f)),
        NodeState::Offline => (t!("offline"), ui.visuals().weak_text_color()),
        NodeState::Stale => (t!("stale"), ui.visuals().warn_fg_color),
    };
    let hover = match state {
        NodeState::Online => t!("Born, and every message since arrived in sequence."),
        NodeState::Offline => t!("Its death certificate arrived."),
        NodeState::Stale => t!(
            "Data arrived without a birth certificate, or messages are missing: names and values may be out of date. Request a rebirth."
        ),
    };
    ui.label(RichText::new(text).strong().color(color))
        .on_hover_text(hover);
}
