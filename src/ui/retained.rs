//! The Retained view: every topic whose last message came retained, with
//! its size and how long ago it came; clear one, those ticked, or all
//! under a topic (an empty retained publish to each, after a confirmation
//! that says how many and where), with each one's outcome.

use std::collections::BTreeSet;

use egui::RichText;
use rust_i18n::t;

use crate::model::{ConnectionModel, PublishOutcome, TopicTree};
use crate::ui::action::Action;
use crate::ui::widgets::format_bytes;

/// At most this many rows are listed (the count says how many there are).
const SHOWN: usize = 2000;

/// One retained topic seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetainedTopic {
    /// Its topic.
    pub topic: String,
    /// The retained payload's size in bytes.
    pub size: usize,
    /// When it came, microseconds since the epoch.
    pub received_at_micros: u64,
}

/// Every topic of `model` whose last message came retained, in name order.
pub fn retained_topics(model: &ConnectionModel) -> Vec<RetainedTopic> {
    let tree = &model.tree;
    let mut found = Vec::new();
    let mut stack = vec![TopicTree::ROOT];
    while let Some(id) = stack.pop() {
        let node = tree.node(id);
        stack.extend(node.children.iter().copied());
        if id == TopicTree::ROOT || !node.retained {
            continue;
        }
        if let Some(last) = tree.last_message(id, &model.history) {
            found.push(RetainedTopic {
                topic: tree.path(id),
                size: last.payload.len(),
                received_at_micros: last.received_at_micros,
            });
        }
    }
    found.sort_by(|a, b| a.topic.cmp(&b.topic));
    found
}

/// The topics of `topics` at or under `prefix` (`lab/old` takes `lab/old`
/// and `lab/old/…`, not `lab/older`).
pub fn under<'a>(topics: &'a [RetainedTopic], prefix: &str) -> Vec<&'a RetainedTopic> {
    let prefix = prefix.trim().trim_end_matches('/');
    topics
        .iter()
        .filter(|t| {
            prefix.is_empty()
                || t.topic == prefix
                || t.topic
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/'))
        })
        .collect()
}

/// The view's state.
#[derive(Debug, Default)]
pub struct RetainedView {
    /// Only the topics at or under this one.
    pub under: String,
    /// The topics ticked.
    pub ticked: BTreeSet<String>,
    /// Topics waiting for the person's yes.
    confirm: Option<Vec<String>>,
    /// The last clearing asked for: its topics, to follow their outcome.
    clearing: Vec<String>,
}

impl RetainedView {
    /// Draw the view; the clearing confirmed, if one was.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
        now_micros: u64,
    ) -> Option<Action> {
        let all = retained_topics(model);
        let shown = under(&all, &self.under);
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(t!("Under"));
            ui.add(
                egui::TextEdit::singleline(&mut self.under)
                    .hint_text("lab/old")
                    .desired_width(200.0),
            )
            .labelled_by(label.id);
            ui.label(t!(
                "Retained topics: %{shown} of %{all}",
                shown = shown.len(),
                all = all.len()
            ));
            let everything: Vec<String> = shown.iter().map(|t| t.topic.clone()).collect();
            if ui
                .add_enabled(
                    !everything.is_empty(),
                    egui::Button::new(t!("Clear all shown…")),
                )
                .clicked()
            {
                self.confirm = Some(everything);
            }
            let ticked: Vec<String> = shown
                .iter()
                .filter(|t| self.ticked.contains(&t.topic))
                .map(|t| t.topic.clone())
                .collect();
            if ui
                .add_enabled(!ticked.is_empty(), egui::Button::new(t!("Clear ticked…")))
                .clicked()
            {
                self.confirm = Some(ticked);
            }
        });
        self.progress(ui, model);
        ui.separator();
        if all.is_empty() {
            ui.label(
                RichText::new(t!(
                    "No retained message seen. Retained messages arrive when a subscription covers their topics."
                ))
                .weak(),
            );
        }
        egui::ScrollArea::vertical()
            .id_salt("retained-list")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for topic in shown.iter().take(SHOWN) {
                    ui.horizontal(|ui| {
                        let mut ticked = self.ticked.contains(&topic.topic);
                        if ui.checkbox(&mut ticked, &topic.topic).changed() {
                            if ticked {
                                self.ticked.insert(topic.topic.clone());
                            } else {
                                self.ticked.remove(&topic.topic);
                            }
                        }
                        let age = now_micros.saturating_sub(topic.received_at_micros) / 1_000_000;
                        ui.label(
                            RichText::new(t!(
                                "%{size}, came %{age} s ago",
                                size = format_bytes(topic.size),
                                age = age
                            ))
                            .weak(),
                        );
                        if ui.small_button(t!("Clear…")).clicked() {
                            self.confirm = Some(vec![topic.topic.clone()]);
                        }
                    });
                }
                if shown.len() > SHOWN {
                    ui.label(t!(
                        "… and %{n} more: narrow them with Under.",
                        n = shown.len() - SHOWN
                    ));
                }
            });
        self.confirmation(ui)
    }

    /// How the last clearing went: how many the broker acknowledged, and
    /// each one that failed.
    fn progress(&self, ui: &mut egui::Ui, model: &ConnectionModel) {
        if self.clearing.is_empty() {
            return;
        }
        let mut done = 0;
        let mut failed = Vec::new();
        for topic in &self.clearing {
            let record = model.published.iter().rev().find(|r| {
                r.publish.retain
                    && r.publish.payload.is_empty()
                    && r.publish.topic == topic.as_str()
            });
            match record.map(|r| &r.outcome) {
                Some(PublishOutcome::Completed(reason)) if !reason.reason_code.is_error() => {
                    done += 1;
                }
                Some(PublishOutcome::Completed(reason)) => {
                    failed.push(format!(
                        "{topic}: {}",
                        crate::ui::words::broker_reason(reason)
                    ));
                }
                Some(PublishOutcome::Failed(error)) => {
                    failed.push(format!(
                        "{topic}: {}",
                        crate::ui::words::session_error(error)
                    ));
                }
                _ => {}
            }
        }
        ui.label(t!(
            "Cleared %{done} of %{all}.",
            done = done,
            all = self.clearing.len()
        ));
        for line in failed {
            ui.label(RichText::new(line).color(crate::ui::widgets::error_color(ui)));
        }
    }

    fn confirmation(&mut self, ui: &mut egui::Ui) -> Option<Action> {
        let topics = self.confirm.clone()?;
        let mut action = None;
        let modal = egui::Modal::new(ui.make_persistent_id("confirm-clear-retained")).show(
            ui.ctx(),
            |ui| {
                ui.set_max_width(440.0);
                ui.heading(t!(
                    crate::language::plural("Clear %{count} retained messages?", topics.len() as u64),
                    count = topics.len()
                ));
                let place = if self.under.trim().is_empty() {
                    t!("on every topic listed").into_owned()
                } else {
                    t!("under %{topic}", topic = self.under.trim()).into_owned()
                };
                ui.label(if topics.len() == 1 {
                    t!(
                        "mqscope will publish an empty retained message to this topic. The broker then forgets its retained message, and clients that subscribe later no longer receive it."
                    )
                } else {
                    t!(
                        "mqscope will publish an empty retained message to each, %{place}. The broker then forgets them, and clients that subscribe later no longer receive them.",
                        place = place
                    )
                });
                for topic in topics.iter().take(8) {
                    ui.label(RichText::new(topic).monospace());
                }
                if topics.len() > 8 {
                    ui.label(t!("… and %{n} more.", n = topics.len() - 8));
                }
                ui.horizontal(|ui| {
                    if ui.button(t!("Clear them")).clicked() {
                        action = Some(Action::ClearRetained(topics.clone()));
                        self.clearing = topics.clone();
                        for topic in &topics {
                            self.ticked.remove(topic);
                        }
                        self.confirm = None;
                    }
                    if ui.button(t!("Cancel")).clicked() {
                        self.confirm = None;
                    }
                });
            },
        );
        if modal.should_close() {
            self.confirm = None;
        }
        action
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::Publish;

    #[test]
    fn retained_topics_are_listed_and_taken_by_subtree() {
        let mut model = ConnectionModel::default();
        for (topic, retained) in [
            ("lab/old/a", true),
            ("lab/old/b/c", true),
            ("lab/older", true),
            ("lab/live", false),
        ] {
            let mut publish = Publish::new(topic, b"12345".to_vec());
            publish.retain = retained;
            model.ingest(
                &publish,
                std::time::Instant::now(),
                std::time::SystemTime::now(),
            );
        }
        let all = retained_topics(&model);
        let names: Vec<&str> = all.iter().map(|t| t.topic.as_str()).collect();
        assert_eq!(names, ["lab/old/a", "lab/old/b/c", "lab/older"]);
        assert_eq!(all[0].size, 5);
        let old: Vec<&str> = under(&all, "lab/old/")
            .iter()
            .map(|t| t.topic.as_str())
            .collect();
        assert_eq!(old, ["lab/old/a", "lab/old/b/c"], "not lab/older");
        assert_eq!(under(&all, "").len(), 3);
    }
}
