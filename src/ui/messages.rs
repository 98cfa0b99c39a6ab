//! The messages log across all topics: newest first, filtered by a topic
//! filter and by text, pausable. Pausing the view never pauses receiving.

use std::collections::VecDeque;

use egui::RichText;
use rust_i18n::t;

use super::{Action, ExportWhat, field_message, payload_preview, time_of_day};
use crate::model::{ConnectionModel, NodeId, StoredMessage};
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
    /// The sequence numbers shown, oldest first.
    rows: VecDeque<u64>,
    /// The filters `rows` was built for.
    built_for: Option<(String, String)>,
    /// The sequence numbers looked at (inclusive): newer ones are still to
    /// be filtered, and so are older ones while a changed filter works its
    /// way back through the history.
    scanned: Option<(u64, u64)>,
}

const ROW_HEIGHT: f32 = 18.0;

impl MessagesView {
    /// The sequence numbers of the messages listed, oldest first.
    pub fn shown(&self) -> impl Iterator<Item = u64> + '_ {
        self.rows.iter().copied()
    }

    /// A log of a new history: empty, the filters kept.
    pub fn start_over(&mut self) {
        *self = MessagesView {
            topic_filter: std::mem::take(&mut self.topic_filter),
            text: std::mem::take(&mut self.text),
            ..MessagesView::default()
        };
    }
}

/// At most this many messages are filtered in one frame, so a changed
/// filter over a long history takes a few frames instead of one long one.
pub const FILTERED_PER_FRAME: usize = 25_000;

/// What a message must match to be listed.
struct RowFilter<'a> {
    topic_filter: Option<&'a str>,
    /// The text, lower case.
    needle: String,
}

impl RowFilter<'_> {
    fn accepts(&self, model: &ConnectionModel, message: &StoredMessage) -> bool {
        if self.topic_filter.is_none() && self.needle.is_empty() {
            return true;
        }
        let path = model.tree.path(message.topic);
        if let Some(filter) = self.topic_filter
            && !topic::topic_matches(filter, &path)
        {
            return false;
        }
        self.needle.is_empty()
            || contains_ignoring_case(path.as_bytes(), &self.needle)
            || contains_ignoring_case(&message.payload, &self.needle)
    }
}

/// Whether `haystack` contains `needle` (already lower case), ignoring case.
/// ASCII is compared byte by byte without copying; other text is lowered.
fn contains_ignoring_case(haystack: &[u8], needle: &str) -> bool {
    let needle_bytes = needle.as_bytes();
    if needle_bytes.is_empty() {
        return true;
    }
    if needle.is_ascii() {
        return haystack
            .windows(needle_bytes.len())
            .any(|window| window.eq_ignore_ascii_case(needle_bytes));
    }
    String::from_utf8_lossy(haystack)
        .to_lowercase()
        .contains(needle)
}

impl MessagesView {
    /// Bring the rows up to date, looking at no more than `budget`
    /// messages: the ones that arrived since the last frame first, then,
    /// after a change of filter, older ones back towards the oldest kept.
    /// The ones history dropped leave the front.
    fn rebuild(&mut self, model: &ConnectionModel, budget: usize) {
        let key = (self.topic_filter.clone(), self.text.clone());
        let newest = model.history.newest_first().next().map(|m| m.seq);
        let history_restarted = match (newest, self.scanned) {
            (Some(newest), Some((_, high))) => newest < high,
            (None, Some(_)) => true,
            _ => false,
        };
        if self.built_for.as_ref() != Some(&key) || history_restarted {
            self.rows.clear();
            self.scanned = None;
            self.built_for = Some(key);
        }
        let (Some(newest), Some(oldest)) = (newest, model.history.oldest_seq()) else {
            return;
        };
        while self.rows.front().is_some_and(|&seq| seq < oldest) {
            self.rows.pop_front();
        }
        let filter = RowFilter {
            topic_filter: (!self.topic_filter.is_empty()
                && topic::validate_topic_filter(&self.topic_filter).is_ok())
            .then_some(self.topic_filter.as_str()),
            needle: self.text.to_lowercase(),
        };
        let top = newest.min(self.paused_at.unwrap_or(u64::MAX));
        let (low, high) = self.scanned.unwrap_or((top.saturating_add(1), top));
        let mut left = budget;
        // Newer messages, oldest of them first, onto the back.
        let mut new_high = high;
        if top > high || self.scanned.is_none() {
            let from = if self.scanned.is_none() {
                top
            } else {
                high + 1
            };
            for message in model.history.in_range(from..=top).take(left) {
                if filter.accepts(model, message) {
                    self.rows.push_back(message.seq);
                }
                new_high = message.seq;
                left -= 1;
            }
        }
        // Older messages, newest of them first, onto the front.
        let mut new_low = low.min(new_high);
        if new_low > oldest && left > 0 {
            for message in model
                .history
                .in_range(oldest..=new_low - 1)
                .rev()
                .take(left)
            {
                if filter.accepts(model, message) {
                    self.rows.push_front(message.seq);
                }
                new_low = message.seq;
            }
        }
        if new_low <= new_high {
            self.scanned = Some((new_low, new_high));
        }
    }

    /// How many kept messages the current filter has still to look at.
    fn still_to_filter(&self, model: &ConnectionModel) -> u64 {
        let (Some(oldest), Some((low, _))) = (model.history.oldest_seq(), self.scanned) else {
            return model.history.len() as u64;
        };
        low.saturating_sub(oldest)
    }

    /// The sequence number shown on row `index` (0 is the newest).
    fn row(&self, index: usize) -> Option<u64> {
        let last = self.rows.len().checked_sub(1)?;
        self.rows.get(last.checked_sub(index)?).copied()
    }

    /// Draw the log; returns the topic of a clicked message.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
    ) -> (Option<NodeId>, Option<Action>) {
        let mut clicked = None;
        let mut export = None;
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
            if !self.rows.is_empty() {
                let choices = [(
                    ExportWhat::MessagesShown,
                    t!("The messages shown").into_owned(),
                )];
                export = super::export::menu(ui, &choices);
            }
        });
        if !self.topic_filter.is_empty()
            && let Err(error) = topic::validate_topic_filter(&self.topic_filter)
        {
            field_message(ui, &error.to_string());
        }
        self.rebuild(model, FILTERED_PER_FRAME);
        let still_to_filter = self.still_to_filter(model);
        if still_to_filter > 0 {
            ui.label(
                RichText::new(t!(
                    "Filtering older messages… %{left} still to look at",
                    left = still_to_filter
                ))
                .weak(),
            );
            ui.ctx().request_repaint();
        }
        ui.label(
            RichText::new(t!(
                "Messages shown: %{shown} of the %{kept} kept (older ones dropped by the history limit: %{evicted})",
                shown = self.rows.len(),
                kept = model.history.len(),
                evicted = model.history.evicted()
            ))
            .weak(),
        );
        egui::ScrollArea::vertical()
            .id_salt("messages-log")
            .auto_shrink([false, false])
            .show_rows(ui, ROW_HEIGHT, self.rows.len(), |ui, range| {
                for seq in range.filter_map(|index| self.row(index)) {
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
        (clicked, export)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Instant, SystemTime};

    use super::*;
    use crate::model::history::HistoryLimits;
    use crate::proto::Publish;

    fn model_with(limit: usize) -> ConnectionModel {
        ConnectionModel::new(HistoryLimits {
            max_messages: limit,
            per_topic: limit,
        })
    }

    fn receive(model: &mut ConnectionModel, topic: &str, payload: &str) {
        model.ingest(
            &Publish::new(topic, payload.as_bytes().to_vec()),
            Instant::now(),
            SystemTime::now(),
        );
    }

    fn shown(view: &MessagesView, model: &ConnectionModel) -> Vec<String> {
        (0..view.rows.len())
            .filter_map(|i| view.row(i))
            .map(|seq| {
                let m = model.history.get(seq).expect("a row is in history");
                format!(
                    "{} {}",
                    model.tree.path(m.topic),
                    String::from_utf8_lossy(&m.payload)
                )
            })
            .collect()
    }

    #[test]
    fn new_messages_are_filtered_as_they_come_and_dropped_ones_leave() {
        let mut model = model_with(4);
        let mut view = MessagesView {
            topic_filter: "lab/+".into(),
            ..MessagesView::default()
        };
        receive(&mut model, "lab/a", "1");
        receive(&mut model, "other", "2");
        view.rebuild(&model, usize::MAX);
        assert_eq!(shown(&view, &model), ["lab/a 1"]);
        receive(&mut model, "lab/b", "3");
        receive(&mut model, "lab/c", "4");
        receive(&mut model, "lab/d", "5");
        view.rebuild(&model, usize::MAX);
        // The history keeps 4: "lab/a 1" is gone, newest first.
        assert_eq!(shown(&view, &model), ["lab/d 5", "lab/c 4", "lab/b 3"]);
    }

    #[test]
    fn text_is_found_in_topic_or_payload_ignoring_case() {
        let mut model = model_with(100);
        receive(&mut model, "Lab/Temp", "21.5");
        receive(&mut model, "x", "ALARM on");
        receive(&mut model, "y", "Übung");
        receive(&mut model, "z", "quiet");
        let mut view = MessagesView {
            text: "alarm".into(),
            ..MessagesView::default()
        };
        view.rebuild(&model, usize::MAX);
        assert_eq!(shown(&view, &model), ["x ALARM on"]);
        view.text = "TEMP".into();
        view.rebuild(&model, usize::MAX);
        assert_eq!(shown(&view, &model), ["Lab/Temp 21.5"]);
        view.text = "übung".into();
        view.rebuild(&model, usize::MAX);
        assert_eq!(shown(&view, &model), ["y Übung"]);
    }

    #[test]
    fn a_paused_view_shows_nothing_newer_until_resumed() {
        let mut model = model_with(100);
        let mut view = MessagesView::default();
        receive(&mut model, "a", "1");
        view.rebuild(&model, usize::MAX);
        view.paused_at = model.history.newest_first().next().map(|m| m.seq);
        receive(&mut model, "b", "2");
        view.rebuild(&model, usize::MAX);
        assert_eq!(shown(&view, &model), ["a 1"]);
        view.paused_at = None;
        view.rebuild(&model, usize::MAX);
        assert_eq!(shown(&view, &model), ["b 2", "a 1"]);
    }

    #[test]
    fn a_changed_filter_works_back_through_a_long_history_a_slice_a_frame() {
        let mut model = model_with(1000);
        for i in 0..100 {
            let topic = if i % 10 == 0 { "lab/hit" } else { "lab/miss" };
            receive(&mut model, topic, &i.to_string());
        }
        let mut view = MessagesView {
            topic_filter: "lab/hit".into(),
            ..MessagesView::default()
        };
        view.rebuild(&model, 30);
        // The newest 30 looked at (70..=99), 70 still to go.
        assert_eq!(
            shown(&view, &model),
            ["lab/hit 90", "lab/hit 80", "lab/hit 70"]
        );
        assert_eq!(view.still_to_filter(&model), 70);
        // A message arriving meanwhile is filtered first, then older ones.
        receive(&mut model, "lab/hit", "new");
        view.rebuild(&model, 30);
        assert_eq!(
            shown(&view, &model),
            [
                "lab/hit new",
                "lab/hit 90",
                "lab/hit 80",
                "lab/hit 70",
                "lab/hit 60",
                "lab/hit 50"
            ]
        );
        assert_eq!(view.still_to_filter(&model), 41);
        while view.still_to_filter(&model) > 0 {
            view.rebuild(&model, 30);
        }
        let hits = shown(&view, &model);
        assert_eq!(hits.len(), 11, "{hits:?}");
        assert_eq!(hits.first().map(String::as_str), Some("lab/hit new"));
        assert_eq!(hits.last().map(String::as_str), Some("lab/hit 0"));
        // Changing the filter starts again from the newest.
        view.topic_filter = "lab/miss".into();
        view.rebuild(&model, 5);
        assert_eq!(
            shown(&view, &model),
            ["lab/miss 99", "lab/miss 98", "lab/miss 97", "lab/miss 96"]
        );
    }
}
