//! Topic details: the last message with every MQTT 5 property, payload
//! viewers, the topic's history with differences, a live plot of numbers,
//! copy buttons, and deleting a retained message.

use base64::Engine;
use egui::RichText;
use egui_plot::{Legend, Line, Plot, PlotPoints};
use rust_i18n::t;

use crate::language::plural;

use super::{Action, hex, json, time_of_day, tr};
use crate::model::{ConnectionModel, Node, NodeId, StoredMessage};
use crate::payload::Format;
use crate::proto::Property;

/// How the payload is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// As text.
    Text,
    /// As pretty, foldable JSON.
    Json,
    /// As a hex dump.
    Hex,
    /// As base64.
    Base64,
    /// Decoded from CBOR, shown as JSON.
    Cbor,
    /// Decoded from MessagePack, shown as JSON.
    MessagePack,
}

/// The state of the details panel.
pub struct DetailsView {
    /// The payload viewer.
    pub viewer: Viewer,
    /// The history entry shown instead of the last message, by sequence number.
    pub history_selected: Option<u64>,
    /// Ask to confirm deleting a retained message.
    confirm_delete: Option<String>,
}

impl Default for DetailsView {
    fn default() -> Self {
        DetailsView {
            viewer: Viewer::Text,
            history_selected: None,
            confirm_delete: None,
        }
    }
}

impl DetailsView {
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
        ui.horizontal(|ui| {
            ui.heading(RichText::new(&path).monospace());
            if ui.small_button(t!("Copy topic")).clicked() {
                ui.ctx().copy_text(path.clone());
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
            return None;
        };
        self.message_header(ui, node, message, &path);
        properties(ui, message);
        ui.separator();
        self.viewer_tabs(ui, message);
        let payload_height = (ui.available_height() * 0.4).max(80.0);
        egui::ScrollArea::both()
            .id_salt("payload")
            .max_height(payload_height)
            .auto_shrink([false, true])
            .show(ui, |ui| payload(ui, self.viewer, message));
        ui.separator();
        self.history_and_plot(ui, &history);
        self.confirm_delete_modal(ui)
    }

    /// QoS, flags, time, count and the copy and delete buttons.
    fn message_header(
        &mut self,
        ui: &mut egui::Ui,
        node: &Node,
        message: &StoredMessage,
        path: &str,
    ) {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("QoS {}", message.qos.to_u8()));
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

    /// The payload viewers to choose from, and the payload's size.
    fn viewer_tabs(&mut self, ui: &mut egui::Ui, message: &StoredMessage) {
        ui.horizontal(|ui| {
            for (viewer, label) in [
                (Viewer::Text, t!("Text")),
                (Viewer::Json, t!("JSON")),
                (Viewer::Hex, t!("Hex")),
                (Viewer::Base64, t!("Base64")),
                (Viewer::Cbor, t!("CBOR")),
                (Viewer::MessagePack, t!("MessagePack")),
            ] {
                let mut text = RichText::new(label);
                if content_format(message).is_some_and(|f| viewer_for(f) == viewer) {
                    // The message's Content Type names this format.
                    text = text.strong();
                }
                ui.selectable_value(&mut self.viewer, viewer, text);
            }
            let size = message.payload.len();
            ui.label(RichText::new(t!(plural("%{bytes} bytes", size as u64), bytes = size)).weak());
        });
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

    fn history_and_plot(&mut self, ui: &mut egui::Ui, history: &[&StoredMessage]) {
        let series = numeric_series(history);
        ui.columns(if series.is_empty() { 1 } else { 2 }, |columns| {
            let ui = &mut columns[0];
            ui.label(
                RichText::new(t!(
                    "History (%{count}, newest first)",
                    count = history.len()
                ))
                .strong(),
            );
            egui::ScrollArea::vertical()
                .id_salt("history")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    for (index, message) in history.iter().enumerate() {
                        let selected = self.history_selected == Some(message.seq);
                        let preview = super::payload_preview(&message.payload, 40);
                        let response = ui.add(
                            egui::Button::selectable(
                                selected,
                                RichText::new(format!(
                                    "{}  {preview}",
                                    time_of_day(message.received_at_micros)
                                ))
                                .monospace(),
                            )
                            .truncate(),
                        );
                        if response.clicked() {
                            self.history_selected = if selected { None } else { Some(message.seq) };
                        }
                        if let Some(previous) = history.get(index + 1) {
                            for change in json::diff(&previous.payload, &message.payload)
                                .into_iter()
                                .take(4)
                            {
                                ui.label(RichText::new(format!("    {change}")).small().weak());
                            }
                        }
                    }
                });
            if !series.is_empty() {
                let ui = &mut columns[1];
                Plot::new("topic-plot")
                    .legend(Legend::default())
                    .allow_scroll(false)
                    .show(ui, |plot| {
                        for (name, points) in series {
                            let label = if name.is_empty() {
                                t!("value").into_owned()
                            } else {
                                name
                            };
                            plot.line(Line::new(label, PlotPoints::from(points)));
                        }
                    });
            }
        });
    }
}

/// Every numeric field of the history as a series of (seconds, value), oldest first.
pub fn numeric_series(history: &[&StoredMessage]) -> Vec<(String, Vec<[f64; 2]>)> {
    let mut series: Vec<(String, Vec<[f64; 2]>)> = Vec::new();
    let Some(first) = history.last() else {
        return series;
    };
    let origin = first.received_at_micros as f64;
    for message in history.iter().rev() {
        let x = (message.received_at_micros as f64 - origin) / 1e6;
        for (name, value) in message_numbers(message) {
            if let Some((_, points)) = series.iter_mut().find(|(n, _)| *n == name) {
                points.push([x, value]);
            } else if series.len() < 8 {
                series.push((name, vec![[x, value]]));
            }
        }
    }
    series
}

/// The numbers a message holds: a plain number, JSON numeric fields, or the
/// numeric fields of a CBOR or MessagePack payload its Content Type names.
fn message_numbers(message: &StoredMessage) -> Vec<(String, f64)> {
    match content_format(message) {
        Some(format) => crate::payload::decode(format, &message.payload)
            .map(|value| json::numeric_fields(&value))
            .unwrap_or_default(),
        None => json::numbers(&message.payload),
    }
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
                        ui.label(RichText::new(value).monospace());
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
                            ui.label(RichText::new(name).monospace());
                            ui.label(RichText::new(value).monospace());
                            ui.end_row();
                        }
                    });
            }
        });
}

fn payload(ui: &mut egui::Ui, viewer: Viewer, message: &StoredMessage) {
    match viewer {
        Viewer::Text => match message.text() {
            Some(text) => {
                ui.add(egui::Label::new(RichText::new(text).monospace()).wrap());
            }
            None => {
                ui.label(
                    RichText::new(t!("The payload is not UTF-8 text; see Hex or Base64.")).weak(),
                );
            }
        },
        Viewer::Json => match json::parse(&message.payload) {
            Some(value) => json::show(ui, &value, ui.scope_id().with(("json", message.seq))),
            None => {
                ui.label(RichText::new(t!("The payload is not valid JSON.")).weak());
            }
        },
        Viewer::Hex => {
            ui.label(RichText::new(hex::dump(&message.payload)).monospace());
        }
        Viewer::Base64 => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(&message.payload);
            ui.add(egui::Label::new(RichText::new(encoded).monospace()).wrap());
        }
        Viewer::Cbor => decoded(ui, Format::Cbor, message),
        Viewer::MessagePack => decoded(ui, Format::MessagePack, message),
    }
}

/// A binary payload decoded and shown as JSON, or why it cannot be.
fn decoded(ui: &mut egui::Ui, format: Format, message: &StoredMessage) {
    match crate::payload::decode(format, &message.payload) {
        Ok(value) => json::show(ui, &value, ui.scope_id().with((format.name(), message.seq))),
        Err(error) => {
            ui.label(
                RichText::new(t!(
                    "The payload is not valid %{format}: %{error}.",
                    format = format.name(),
                    error = super::words::decode_error(&error)
                ))
                .weak(),
            );
        }
    }
}

/// The binary format the message's Content Type names, if any.
fn content_format(message: &StoredMessage) -> Option<Format> {
    message
        .properties
        .as_ref()?
        .content_type()
        .and_then(Format::from_content_type)
}

/// The viewer of a format.
fn viewer_for(format: Format) -> Viewer {
    match format {
        Format::Cbor => Viewer::Cbor,
        Format::MessagePack => Viewer::MessagePack,
    }
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
        let series = numeric_series(&history);
        assert_eq!(series.len(), 1, "{series:?}");
        let values: Vec<f64> = series[0].1.iter().map(|p| p[1]).collect();
        assert_eq!(values, [20.0, 21.0, 22.0]);
    }
}
