//! Topic details: the last message with every MQTT 5 property, payload
//! viewers, the topic's history with differences, a live plot of numbers,
//! copy buttons, and deleting a retained message.

use egui::RichText;
use rust_i18n::t;

use crate::language::plural;

mod history;
mod natural;
mod sparkplug;
mod viewers;

pub use history::numeric_series;
pub use viewers::Viewer;

use super::{Action, ExportWhat, hex, time_of_day, tr};
use crate::decode::{Format, Reason};
use crate::model::{ConnectionModel, Node, NodeId, StoredMessage};
use crate::proto::Property;
use history::HistoryView;
use viewers::{PayloadView, Source, viewer_for};

/// The least height the history under the payload can be dragged to.
const HISTORY_MIN: f32 = 80.0;
/// The least height left to the message above the history.
const MESSAGE_MIN: f32 = 140.0;

/// The state of the details panel.
pub struct DetailsView {
    /// The payload viewer shown (chosen per message, see [`natural`]).
    pub viewer: Viewer,
    /// The viewer the person picked, and the topic they picked it on.
    chosen: Option<(NodeId, Viewer)>,
    /// The viewer the content of a message calls for (topic, sequence
    /// number), worked out once per message.
    natural_for: Option<(NodeId, u64, (Format, Reason))>,
    /// The Sparkplug node panel's state (the rebirth confirmation).
    sparkplug: sparkplug::NodePanel,
    /// The history entry shown instead of the last message, by sequence number.
    pub history_selected: Option<u64>,
    /// Ask to confirm deleting a retained message.
    confirm_delete: Option<String>,
    payload: PayloadView,
    history: HistoryView,
}

impl Default for DetailsView {
    fn default() -> Self {
        DetailsView {
            viewer: Viewer::Text,
            chosen: None,
            natural_for: None,
            sparkplug: sparkplug::NodePanel::default(),
            history_selected: None,
            confirm_delete: None,
            payload: PayloadView::default(),
            history: HistoryView::default(),
        }
    }
}

impl DetailsView {
    /// Show messages of `node` in `viewer`, as if the person had picked it.
    pub fn choose(&mut self, node: NodeId, viewer: Viewer) {
        self.chosen = Some((node, viewer));
    }

    /// The format `message` of `node` calls for and why, worked out once
    /// per message.
    fn natural(
        &mut self,
        node: NodeId,
        message: &StoredMessage,
        topic: &str,
        model: &ConnectionModel,
    ) -> (Format, Reason) {
        match &self.natural_for {
            Some((on, seq, natural)) if *on == node && *seq == message.seq => natural.clone(),
            _ => {
                let natural = natural::natural_format(message, topic, &model.payloads);
                self.natural_for = Some((node, message.seq, natural.clone()));
                natural
            }
        }
    }

    /// Draw the details of `node`.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
        node: Option<NodeId>,
    ) -> Option<Action> {
        let Some(node_id) = node else {
            ui.centered_and_justified(|ui| {
                ui.label(
                    RichText::new(t!("Select a topic in the tree to see its messages.")).weak(),
                );
            });
            return None;
        };
        let tree = &model.tree;
        let node = tree.node(node_id);
        let path = tree.path(node_id);
        let mut export = None;
        ui.horizontal_wrapped(|ui| {
            ui.heading(RichText::new(&path).monospace());
            if ui.small_button(t!("Copy topic")).clicked() {
                ui.ctx().copy_text(path.clone());
            }
            let mut choices = Vec::new();
            if node.messages > 0 {
                choices.push((
                    ExportWhat::TopicHistory(node_id),
                    t!("This topic's history").into_owned(),
                ));
            }
            if node.subtree_messages > node.messages {
                choices.push((
                    ExportWhat::Subtree(node_id),
                    t!("Every message under %{topic}", topic = path).into_owned(),
                ));
            }
            if !choices.is_empty() {
                export = crate::ui::export::menu(ui, &choices);
            }
        });

        let history: Vec<&StoredMessage> = model.topic_history(node_id).collect();
        let shown = self
            .history_selected
            .and_then(|seq| history.iter().copied().find(|m| m.seq == seq))
            .or(model.last_message(node_id));
        let Some(message) = shown else {
            ui.label(
                RichText::new(t!(
                    plural(
                        "No message on this exact topic; %{count} below it.",
                        node.subtree_messages
                    ),
                    count = node.subtree_messages
                ))
                .weak(),
            );
            return export;
        };
        // The history below, with a divider the person can drag (egui
        // remembers where it was left); the message above takes the rest.
        let full = ui.available_height();
        egui::Panel::bottom("details-history")
            .resizable(true)
            .default_size((full * 0.35).max(HISTORY_MIN))
            .min_size(HISTORY_MIN)
            .max_size((full - MESSAGE_MIN).max(HISTORY_MIN))
            .show(ui, |ui| {
                let numbers = history::Numbers {
                    topic: &path,
                    reader: &model.payloads,
                };
                self.history
                    .show(ui, node_id, &history, &mut self.history_selected, numbers)
            });
        let save = egui::CentralPanel::default()
            .show(ui, |ui| {
                // The header and the properties scroll on their own when they
                // are long, so the payload always keeps room under them.
                egui::ScrollArea::vertical()
                    .id_salt("message-head")
                    .max_height(ui.available_height() * 0.5)
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        self.message_header(ui, model, node, message, &path);
                        properties(ui, message);
                    });
                let rebirth = self.sparkplug.show(ui, model, &path);
                ui.separator();
                let natural = self.natural(node_id, message, &path, model);
                self.viewer = natural::viewer_shown(self.chosen, node_id, || viewer_for(natural.0));
                if self.viewer_tabs(ui, message, viewer_for(natural.0)) {
                    self.chosen = Some((node_id, self.viewer));
                }
                shown_because(ui, self.viewer, &natural);
                let source = Source {
                    topic: &path,
                    reader: &model.payloads,
                    natural: &natural,
                };
                let save = if self.viewer == Viewer::Hex {
                    // The hex view scrolls itself, drawing only the rows on screen.
                    self.payload.show(ui, self.viewer, message, &source)
                } else {
                    egui::ScrollArea::both()
                        .id_salt("payload")
                        .auto_shrink([false, false])
                        .show(ui, |ui| {
                            self.payload.show(ui, self.viewer, message, &source)
                        })
                        .inner
                };
                rebirth.or(save)
            })
            .inner;
        self.confirm_delete_modal(ui).or(save).or(export)
    }

    /// QoS, flags, time, count and the copy and delete buttons.
    fn message_header(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
        node: &Node,
        message: &StoredMessage,
        path: &str,
    ) {
        ui.horizontal_wrapped(|ui| {
            let qos = ui.label(format!("QoS {}", message.qos.to_u8()));
            if let Some(own) = model.own_publish(path, message) {
                let sent = own.publish.qos.to_u8();
                let got = message.qos.to_u8();
                let text = if sent == got {
                    t!("published from here").into_owned()
                } else {
                    t!(
                        "published from here at QoS %{sent}, delivered at QoS %{got}",
                        sent = sent,
                        got = got
                    )
                    .into_owned()
                };
                ui.label(RichText::new(text).weak()).on_hover_text(t!(
                    "The broker delivers a message at the lower of the QoS it was published with and the QoS the subscription was granted."
                ));
            } else {
                qos.on_hover_text(t!(
                    "The QoS the broker delivered this message with: the lower of the publisher's and the subscription's."
                ));
            }
            if message.retain {
                ui.label(
                    RichText::new(t!("retained"))
                        .strong()
                        .color(ui.visuals().warn_fg_color),
                );
            }
            if message.dup {
                ui.label(t!("DUP"));
            }
            ui.label(time_of_day(message.received_at_micros));
            ui.label(t!(
                plural("%{count} messages", node.messages),
                count = node.messages
            ));
            if ui.small_button(t!("Copy payload")).clicked() {
                ui.ctx()
                    .copy_text(String::from_utf8_lossy(&message.payload).into_owned());
            }
            if node.retained && ui.small_button(t!("Delete retained…")).clicked() {
                self.confirm_delete = Some(path.to_owned());
            }
        });
    }

    /// The payload viewers to choose from, and the payload's size; true when
    /// the person picked one.
    fn viewer_tabs(&mut self, ui: &mut egui::Ui, message: &StoredMessage, natural: Viewer) -> bool {
        let mut picked = false;
        // Wrapped: on a narrow pane the tabs take two lines rather than
        // pushing the pane past the window's edge.
        ui.horizontal_wrapped(|ui| {
            for viewer in Viewer::ALL {
                let mut text = RichText::new(viewer_name(viewer));
                if viewer == natural {
                    // What the message's content calls for.
                    text = text.strong();
                }
                picked |= ui
                    .selectable_value(&mut self.viewer, viewer, text)
                    .clicked();
            }
            let size = message.payload.len();
            ui.label(RichText::new(t!(plural("%{bytes} bytes", size as u64), bytes = size)).weak());
        });
        picked
    }

    /// Asks before deleting a retained message; Delete returns the action.
    fn confirm_delete_modal(&mut self, ui: &mut egui::Ui) -> Option<Action> {
        let mut action = None;
        if let Some(topic) = self.confirm_delete.clone() {
            let modal = egui::Modal::new(ui.make_persistent_id("confirm-delete")).show(ui.ctx(), |ui| {
                ui.set_max_width(380.0);
                ui.heading(t!("Delete the retained message?"));
                ui.label(t!(
                    "mqscope will publish an empty retained message to \"%{topic}\". The broker then forgets the retained message, and clients that subscribe later no longer receive it. Messages already delivered are not affected.",
                    topic = topic
                ));
                ui.horizontal(|ui| {
                    if ui.button(t!("Delete")).clicked() {
                        action = Some(Action::DeleteRetained(topic.clone()));
                        self.confirm_delete = None;
                    }
                    if ui.button(t!("Cancel")).clicked() {
                        self.confirm_delete = None;
                    }
                });
            });
            if modal.should_close() {
                self.confirm_delete = None;
            }
        }
        action
    }
}

/// A viewer's name on its tab.
fn viewer_name(viewer: Viewer) -> String {
    match viewer {
        Viewer::Text => t!("Text").into_owned(),
        Viewer::Json => t!("JSON").into_owned(),
        Viewer::Hex => t!("Hex").into_owned(),
        Viewer::Base64 => t!("Base64").into_owned(),
        Viewer::Cbor => "CBOR".to_owned(),
        Viewer::MessagePack => "MessagePack".to_owned(),
        Viewer::Protobuf => "Protobuf".to_owned(),
        Viewer::Sparkplug => "Sparkplug B".to_owned(),
        Viewer::Avro => "Avro".to_owned(),
    }
}

/// Why the payload is shown the way it is: the content's reason, or the
/// person's choice.
fn shown_because(ui: &mut egui::Ui, viewer: Viewer, natural: &(Format, Reason)) {
    let text = if viewer == viewer_for(natural.0) {
        t!(
            "Shown as %{format} because %{reason}.",
            format = viewer_name(viewer),
            reason = super::words::decode_reason(&natural.1)
        )
    } else {
        t!(
            "Shown as %{format}, as you chose for this topic.",
            format = viewer_name(viewer)
        )
    };
    ui.label(RichText::new(text).weak());
}

fn properties(ui: &mut egui::Ui, message: &StoredMessage) {
    let Some(props) = &message.properties else {
        return;
    };
    egui::CollapsingHeader::new(t!("MQTT 5 properties (%{count})", count = props.len()))
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("properties")
                .striped(true)
                .num_columns(2)
                .show(ui, |ui| {
                    for property in props.iter() {
                        if let Property::UserProperty(..) = property {
                            continue;
                        }
                        ui.label(tr(property.id().name()));
                        let value = match property {
                            Property::CorrelationData(data) => match std::str::from_utf8(data) {
                                Ok(text) => format!("{text:?}"),
                                Err(_) => hex::dump(data).trim_end().to_owned(),
                            },
                            other => other.value_text(),
                        };
                        // Cut to the pane (the whole value on hover): a long
                        // one never pushes the pane past the window's edge.
                        ui.add(egui::Label::new(RichText::new(&value).monospace()).truncate())
                            .on_hover_text(value);
                        ui.end_row();
                    }
                });
            let users: Vec<(&str, &str)> = props.user_properties().collect();
            if !users.is_empty() {
                ui.label(RichText::new(t!("User properties")).strong());
                egui::Grid::new("user-properties")
                    .striped(true)
                    .num_columns(2)
                    .show(ui, |ui| {
                        ui.label(RichText::new(t!("Name")).weak());
                        ui.label(RichText::new(t!("Value")).weak());
                        ui.end_row();
                        for (name, value) in users {
                            ui.add(egui::Label::new(RichText::new(name).monospace()).truncate());
                            ui.add(egui::Label::new(RichText::new(value).monospace()).truncate())
                                .on_hover_text(value);
                            ui.end_row();
                        }
                    });
            }
        });
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::proto::Publish;

    #[test]
    fn a_cbor_payload_named_by_its_content_type_is_plotted() {
        let start = SystemTime::now();
        let messages: Vec<StoredMessage> = (0..3u64)
            .map(|i| {
                let reading = ciborium::Value::Map(vec![(
                    ciborium::Value::Text("t".into()),
                    ciborium::Value::Float(20.0 + i as f64),
                )]);
                let mut bytes = Vec::new();
                ciborium::ser::into_writer(&reading, &mut bytes).unwrap();
                let mut publish = Publish::new("lab/cbor", bytes);
                publish
                    .properties
                    .push(Property::ContentType("application/cbor".into()));
                StoredMessage::from_publish(&publish, 0, i, start + Duration::from_secs(i))
            })
            .collect();
        // The history lists the newest first.
        let history: Vec<&StoredMessage> = messages.iter().rev().collect();
        let reader = crate::decode::Reader::default();
        let numbers = history::Numbers {
            topic: "lab/cbor",
            reader: &reader,
        };
        let series = numeric_series(&history, numbers);
        assert_eq!(series.len(), 1, "{series:?}");
        let values: Vec<f64> = series[0].1.iter().map(|p| p[1]).collect();
        assert_eq!(values, [20.0, 21.0, 22.0]);
    }
}
