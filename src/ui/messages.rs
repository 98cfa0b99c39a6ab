//! The messages log across all topics: newest first, filtered by a topic
//! filter and by text, pausable. Pausing the view never pauses receiving.

use std::time::{Duration, Instant};

use egui::RichText;
use rust_i18n::t;

use super::{field_message, payload_preview, time_of_day};
use crate::model::{ConnectionModel, NodeId};
use crate::proto::topic;

/// The state of the messages log.
#[derive(Default)]
pub struct MessagesView {
    /// Show only topics matching this filter (MQTT wildcards allowed).
    pub topic_filter: String,
    /// Show only messages whose topic or payload contains this text.
    pub text: String,
    /// The newest message shown while paused.
    pub paused_at: Option<u64>,
    rows: Vec<u64>,
    built_for: Option<(u64, String, String, Option<u64>)>,
    built_at: Option<Instant>,
}

const ROW_HEIGHT: f32 = 18.0;

impl MessagesView {
    fn rebuild(&mut self, model: &ConnectionModel) {
        let newest = model.history.newest_first().next().map_or(0, |m| m.seq + 1);
        let key = (
            newest,
            self.topic_filter.clone(),
            self.text.clone(),
            self.paused_at,
        );
        if self.built_for.as_ref() == Some(&key) {
            return;
        }
        let same_filters = self
            .built_for
            .as_ref()
            .is_some_and(|(_, f, t, p)| *f == key.1 && *t == key.2 && *p == key.3);
        if same_filters
            && self
                .built_at
                .is_some_and(|at| at.elapsed() < Duration::from_millis(200))
        {
            return;
        }
        let filter_ok = self.topic_filter.is_empty()
            || topic::validate_topic_filter(&self.topic_filter).is_ok();
        let needle = self.text.to_lowercase();
        self.rows.clear();
        for message in model.history.newest_first() {
            if self.paused_at.is_some_and(|last| message.seq > last) {
                continue;
            }
            if self.topic_filter.is_empty() && needle.is_empty() {
                self.rows.push(message.seq);
                continue;
            }
            let path = model.tree.path(message.topic);
            if filter_ok
                && !self.topic_filter.is_empty()
                && !topic::topic_matches(&self.topic_filter, &path)
            {
                continue;
            }
            if !needle.is_empty()
                && !path.to_lowercase().contains(&needle)
                && !String::from_utf8_lossy(&message.payload)
                    .to_lowercase()
                    .contains(&needle)
            {
                continue;
            }
            self.rows.push(message.seq);
        }
        self.built_for = Some(key);
        self.built_at = Some(Instant::now());
    }

    /// Draw the log; returns the topic of a clicked message.
    pub fn show(&mut self, ui: &mut egui::Ui, model: &ConnectionModel) -> Option<NodeId> {
        let mut clicked = None;
        ui.horizontal(|ui| {
            ui.label(t!("Topic filter"));
            ui.add(
                egui::TextEdit::singleline(&mut self.topic_filter)
                    .hint_text("sensors/+/temp")
                    .desired_width(180.0),
            );
            let label = ui.label(t!("Text"));
            ui.add(egui::TextEdit::singleline(&mut self.text).desired_width(140.0))
                .labelled_by(label.id);
            let paused = self.paused_at.is_some();
            let label = if paused {
                t!("Resume view")
            } else {
                t!("Pause view")
            };
            if ui.button(label).clicked() {
                self.paused_at = if paused {
                    None
                } else {
                    model.history.newest_first().next().map(|m| m.seq)
                };
            }
            if paused {
                ui.label(RichText::new(t!("paused — messages still arrive")).weak());
            }
        });
        if !self.topic_filter.is_empty()
            && let Err(error) = topic::validate_topic_filter(&self.topic_filter)
        {
            field_message(ui, &error.to_string());
        }
        self.rebuild(model);
        ui.label(
            RichText::new(t!(
                "%{shown} of %{kept} kept messages (%{evicted} older ones dropped by the history limit)",
                shown = self.rows.len(),
                kept = model.history.len(),
                evicted = model.history.evicted()
            ))
            .small()
            .weak(),
        );
        egui::ScrollArea::vertical()
            .id_salt("messages-log")
            .auto_shrink([false, false])
            .show_rows(ui, ROW_HEIGHT, self.rows.len(), |ui, range| {
                for &seq in &self.rows[range] {
                    let Some(message) = model.history.get(seq) else {
                        ui.label("…");
                        continue;
                    };
                    let line = format!(
                        "{}  {}  QoS {}{}  {}",
                        time_of_day(message.received_at_micros),
                        model.tree.path(message.topic),
                        message.qos.to_u8(),
                        if message.retain { " R" } else { "" },
                        payload_preview(&message.payload, 80)
                    );
                    if ui
                        .add(
                            egui::Label::new(RichText::new(line).monospace())
                                .sense(egui::Sense::click())
                                .truncate(),
                        )
                        .clicked()
                    {
                        clicked = Some(message.topic);
                    }
                }
            });
        clicked
    }
}
