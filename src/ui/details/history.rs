//! A topic's history beside its plot. What each message needs on screen — its
//! preview, how it differs from the one before, its numbers — is worked out
//! once, when it arrives, and kept; a frame only draws the rows on screen.

use std::collections::HashMap;

use egui::RichText;
use egui_plot::{Legend, Line, Plot, PlotPoints};
use rust_i18n::t;

use super::super::{json, payload_preview, time_of_day};
use super::viewers::hints;
use crate::decode::{Format, Reader};
use crate::model::{NodeId, StoredMessage};

/// At most this many changes are listed under a message.
const CHANGES_SHOWN: usize = 4;
/// At most this many series are plotted.
const SERIES_SHOWN: usize = 8;
/// Below this width the plot goes under the history list, not beside it.
const SIDE_BY_SIDE_WIDTH: f32 = 560.0;

/// What is kept of one message for the list and the plot.
struct Entry {
    preview: String,
    changes: String,
    numbers: Vec<(String, f64)>,
}

/// What the numbers of a topic's messages are read with.
#[derive(Clone, Copy)]
pub struct Numbers<'a> {
    /// The topic.
    pub topic: &'a str,
    /// The connection's payload reader.
    pub reader: &'a Reader,
}

/// The history list and plot, with what they have worked out.
#[derive(Default)]
pub struct HistoryView {
    node: Option<NodeId>,
    entries: HashMap<u64, Entry>,
}

impl HistoryView {
    /// Work out what is new in `history` (newest first) for `node`, and let
    /// go of what has left it.
    fn update(&mut self, node: NodeId, history: &[&StoredMessage], numbers: Numbers<'_>) {
        if self.node != Some(node) {
            self.node = Some(node);
            self.entries.clear();
        }
        for (index, message) in history.iter().enumerate() {
            if self.entries.contains_key(&message.seq) {
                // Older ones were worked out before this one.
                break;
            }
            let previous = history.get(index + 1).map(|m| &m.payload[..]);
            self.entries
                .insert(message.seq, entry(message, previous, numbers));
        }
        if self.entries.len() > history.len() {
            let oldest = history.last().map_or(u64::MAX, |m| m.seq);
            self.entries.retain(|&seq, _| seq >= oldest);
        }
    }

    /// Draw the list (only the rows on screen) and the plot; a click on a
    /// row selects that message (`selected`, by sequence number).
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        node: NodeId,
        history: &[&StoredMessage],
        selected: &mut Option<u64>,
        numbers: Numbers<'_>,
    ) {
        self.update(node, history, numbers);
        let series = self.series(history);
        if series.is_empty() {
            self.list(ui, history, selected);
        } else if ui.available_width() >= SIDE_BY_SIDE_WIDTH {
            ui.columns(2, |columns| {
                self.list(&mut columns[0], history, selected);
                plot(&mut columns[1], series);
            });
        } else {
            // A narrow pane: the plot under the list, each with half the height.
            let half = (ui.available_height() / 2.0).max(40.0);
            ui.allocate_ui(egui::vec2(ui.available_width(), half), |ui| {
                self.list(ui, history, selected)
            });
            plot(ui, series);
        }
    }

    /// The heading and the rows on screen.
    fn list(&self, ui: &mut egui::Ui, history: &[&StoredMessage], selected: &mut Option<u64>) {
        ui.label(
            RichText::new(t!(
                "History (%{count}, newest first)",
                count = history.len()
            ))
            .strong(),
        );
        let row_height =
            ui.spacing().interact_size.y + ui.text_style_height(&egui::TextStyle::Body);
        egui::ScrollArea::vertical()
            .id_salt("history")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, history.len(), |ui, range| {
                for message in &history[range] {
                    self.row(ui, message, selected, row_height);
                }
            });
    }

    /// One row: time and preview, and under it the changes from the one before.
    fn row(
        &self,
        ui: &mut egui::Ui,
        message: &StoredMessage,
        selected: &mut Option<u64>,
        height: f32,
    ) {
        let Some(entry) = self.entries.get(&message.seq) else {
            ui.allocate_space(egui::vec2(ui.available_width(), height));
            return;
        };
        ui.allocate_ui(egui::vec2(ui.available_width(), height), |ui| {
            ui.set_height(height);
            ui.vertical(|ui| {
                let is_selected = *selected == Some(message.seq);
                let text = format!(
                    "{}  {}",
                    time_of_day(message.received_at_micros),
                    entry.preview
                );
                let response = ui.add(
                    egui::Button::selectable(is_selected, RichText::new(text).monospace())
                        .truncate(),
                );
                if response.clicked() {
                    *selected = if is_selected { None } else { Some(message.seq) };
                }
                ui.add(egui::Label::new(RichText::new(&entry.changes).weak()).truncate());
            });
        });
    }

    /// The plotted series, oldest first, from the numbers worked out.
    fn series(&self, history: &[&StoredMessage]) -> Vec<(String, Vec<[f64; 2]>)> {
        let numbered = history
            .iter()
            .rev()
            .filter_map(|m| Some((m.received_at_micros, &self.entries.get(&m.seq)?.numbers)));
        gather(numbered)
    }
}

/// What a row and the plot need of `message`.
fn entry(message: &StoredMessage, previous: Option<&[u8]>, numbers: Numbers<'_>) -> Entry {
    let changes = previous
        .map(|previous| {
            json::diff(previous, &message.payload)
                .into_iter()
                .take(CHANGES_SHOWN)
                .collect::<Vec<_>>()
                .join("  ·  ")
        })
        .unwrap_or_default();
    Entry {
        preview: payload_preview(&message.payload, 40),
        changes,
        numbers: message_numbers(message, numbers),
    }
}

/// Series of (seconds since the first, value) from messages' numbers, oldest first.
fn gather<'a>(
    numbered: impl Iterator<Item = (u64, &'a Vec<(String, f64)>)>,
) -> Vec<(String, Vec<[f64; 2]>)> {
    let mut series: Vec<(String, Vec<[f64; 2]>)> = Vec::new();
    let mut origin = None;
    for (micros, numbers) in numbered {
        let origin = *origin.get_or_insert(micros as f64);
        let x = (micros as f64 - origin) / 1e6;
        for (name, value) in numbers {
            if let Some((_, points)) = series.iter_mut().find(|(n, _)| n == name) {
                points.push([x, *value]);
            } else if series.len() < SERIES_SHOWN {
                series.push((name.clone(), vec![[x, *value]]));
            }
        }
    }
    series
}

/// Every numeric field of `history` (newest first) as series, oldest first.
pub fn numeric_series(
    history: &[&StoredMessage],
    numbers: Numbers<'_>,
) -> Vec<(String, Vec<[f64; 2]>)> {
    let numbers: Vec<(u64, Vec<(String, f64)>)> = history
        .iter()
        .rev()
        .map(|m| (m.received_at_micros, message_numbers(m, numbers)))
        .collect();
    gather(numbers.iter().map(|(t, n)| (*t, n)))
}

/// The numbers a message holds: a plain number, JSON numeric fields, the
/// numeric fields of any payload a decoder reads (by its rule, topic or
/// Content Type), Sparkplug metrics by name.
fn message_numbers(message: &StoredMessage, numbers: Numbers<'_>) -> Vec<(String, f64)> {
    let hints = hints(message, numbers.topic);
    let declared = crate::decode::declared(&hints, &numbers.reader.context);
    match declared {
        Some((format, reason))
            if !matches!(format, Format::Json | Format::Text)
                && message.payload.len() <= super::viewers::LARGEST_PARSED =>
        {
            let reading = numbers
                .reader
                .read_as(&hints, &message.payload, format, reason);
            match reading.result {
                Ok(decoded) if format == Format::Sparkplug => {
                    crate::decode::reader::sparkplug_numbers(&decoded.value)
                }
                Ok(decoded) => json::numeric_fields(&decoded.value),
                Err(_) => Vec::new(),
            }
        }
        _ => json::numbers(&message.payload),
    }
}

/// What the plot says under the pointer, near a point of series `name`.
fn hover_text(name: &str, seconds: f64, value: f64) -> String {
    t!(
        "%{series}: %{value} at %{seconds} s",
        series = name,
        value = value,
        seconds = format!("{seconds:.1}")
    )
    .into_owned()
}

fn plot(ui: &mut egui::Ui, series: Vec<(String, Vec<[f64; 2]>)>) {
    Plot::new("topic-plot")
        .legend(Legend::default())
        .allow_scroll(false)
        .x_axis_label(t!("seconds since the first message shown"))
        .y_axis_label(t!("value"))
        .label_formatter(|hover| match hover {
            egui_plot::HoverPosition::NearDataPoint {
                plot_name,
                position,
                ..
            } => Some(hover_text(plot_name, position.x, position.y)),
            egui_plot::HoverPosition::Elsewhere { .. } => None,
        })
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

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;

    #[test]
    fn the_plot_names_the_value_and_time_under_the_pointer() {
        let text = hover_text("/temperature", 12.345, 21.5);
        assert!(text.contains("/temperature"), "{text}");
        assert!(text.contains("21.5") && text.contains("12.3 s"), "{text}");
    }
    use crate::proto::Publish;

    fn messages(count: u64) -> Vec<StoredMessage> {
        let start = SystemTime::now();
        (0..count)
            .map(|i| {
                let publish = Publish::new("t", format!("{{\"v\":{i}}}").into_bytes());
                StoredMessage::from_publish(&publish, 0, i, start + Duration::from_secs(i))
            })
            .collect()
    }

    #[test]
    fn each_message_is_worked_out_once_and_what_left_is_let_go() {
        let all = messages(10);
        let mut view = HistoryView::default();
        let reader = Reader::default();
        let numbers = Numbers {
            topic: "t",
            reader: &reader,
        };
        let newest_first: Vec<&StoredMessage> = all[..5].iter().rev().collect();
        view.update(1, &newest_first, numbers);
        assert_eq!(view.entries.len(), 5);
        assert_eq!(view.entries[&4].changes, "/v: 3 -> 4 (+1)");
        assert_eq!(view.entries[&0].changes, "", "nothing before the first");
        // Two more arrive and the two oldest leave.
        let newest_first: Vec<&StoredMessage> = all[2..7].iter().rev().collect();
        view.update(1, &newest_first, numbers);
        assert_eq!(view.entries.len(), 5);
        assert!(!view.entries.contains_key(&1));
        assert_eq!(view.entries[&6].changes, "/v: 5 -> 6 (+1)");
        let series = view.series(&newest_first);
        let values: Vec<f64> = series[0].1.iter().map(|p| p[1]).collect();
        assert_eq!(values, [2.0, 3.0, 4.0, 5.0, 6.0]);
        // Another topic starts afresh.
        view.update(2, &newest_first[..1], numbers);
        assert_eq!(view.entries.len(), 1);
    }
}
