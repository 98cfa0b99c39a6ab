//! The Broker view: the broker's own numbers from its `$SYS` topics
//! (mosquitto's and the built-in broker's names), in plain words. The tab
//! subscribes to `$SYS/#` only while the view is open, says so, and tells a
//! broker that refuses the subscription from one that publishes nothing.

use std::time::{Duration, Instant};

use egui::RichText;
use rust_i18n::t;

use crate::model::ConnectionModel;
use crate::ui::widgets::format_bytes;

/// The filter the view subscribes to.
pub const SYS_FILTER: &str = "$SYS/#";

/// How many rate readings the chart keeps.
const CHART_POINTS: usize = 300;

/// How long to wait for a first `$SYS` message before saying none came.
const QUIET_AFTER: Duration = Duration::from_secs(15);

/// What became of the view's subscription.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SysSubscription {
    /// Not subscribed (the view is closed, or not connected).
    #[default]
    None,
    /// Sent, with this tag, at this time; no SUBACK yet.
    Asked(u64, Instant),
    /// Granted, at this time.
    Granted(u64, Instant),
    /// Refused, with the broker's reason in words.
    Refused(String),
}

/// A counter's last two readings, for a rate.
#[derive(Clone, Copy, Debug, Default)]
struct Counter {
    last: Option<(f64, u64)>,
    rate: Option<f64>,
    /// Readings taken in. The first is the broker's retained copy, made
    /// up to an interval before it came, so the first difference is not
    /// a rate.
    readings: u32,
}

impl Counter {
    /// Take in `value` read at `at_micros`; from the third reading on,
    /// each gives a rate.
    fn read(&mut self, value: f64, at_micros: u64) {
        match self.last {
            Some((_, at)) if at == at_micros => {}
            Some((before, at)) if at_micros > at && value >= before => {
                self.readings += 1;
                if self.readings >= 3 {
                    self.rate = Some((value - before) / ((at_micros - at) as f64 / 1e6));
                }
                self.last = Some((value, at_micros));
            }
            _ => {
                self.readings = 1;
                self.last = Some((value, at_micros));
            }
        }
    }
}

/// The view's state: its subscription and the counters' rates.
#[derive(Debug, Default)]
pub struct BrokerStatsView {
    /// The `$SYS/#` subscription.
    pub subscription: SysSubscription,
    received: Counter,
    sent: Counter,
    bytes_received: Counter,
    bytes_sent: Counter,
    /// Messages in and out per second over time: (seconds since the view
    /// opened, in, out).
    chart: std::collections::VecDeque<(f64, f64, f64)>,
    chart_since: Option<Instant>,
}

/// A `$SYS` topic's last payload as text, trimmed.
fn value(model: &ConnectionModel, topic: &str) -> Option<(String, u64)> {
    let node = model.tree.find_node(topic)?;
    let last = model.tree.last_message(node, &model.history)?;
    let text = std::str::from_utf8(&last.payload).ok()?.trim().to_owned();
    Some((text, last.received_at_micros))
}

/// The number at the start of a `$SYS` payload (`"1234 seconds"` gives 1234).
fn number(text: &str) -> Option<f64> {
    text.split_whitespace().next()?.parse().ok()
}

/// The first of `topics` the broker publishes.
fn first(model: &ConnectionModel, topics: &[&str]) -> Option<(String, u64)> {
    topics.iter().find_map(|topic| value(model, topic))
}

impl BrokerStatsView {
    /// How many readings the chart shows.
    pub fn chart_points(&self) -> usize {
        self.chart.len()
    }

    /// Whether any `$SYS` message has come.
    pub fn has_numbers(model: &ConnectionModel) -> bool {
        model.tree.find_node("$SYS").is_some()
    }

    /// Draw the view.
    pub fn show(&mut self, ui: &mut egui::Ui, model: &ConnectionModel) {
        match &self.subscription {
            SysSubscription::None => {
                ui.label(RichText::new(t!("Connect to see the broker's own numbers.")).weak());
                return;
            }
            SysSubscription::Asked(..) => {
                ui.label(t!("Subscribing to $SYS/# while this view is open…"));
            }
            SysSubscription::Granted(_, at) => {
                ui.label(
                    RichText::new(t!(
                        "Subscribed to $SYS/# while this view is open; closing it unsubscribes."
                    ))
                    .weak(),
                );
                if !Self::has_numbers(model) && at.elapsed() > QUIET_AFTER {
                    ui.label(t!(
                        "The broker accepted the subscription but has sent nothing on $SYS/# for %{secs} s: it may not publish $SYS topics, or only to some users.",
                        secs = at.elapsed().as_secs()
                    ));
                    return;
                }
            }
            SysSubscription::Refused(reason) => {
                ui.label(
                    RichText::new(t!(
                        "The broker refused the subscription to $SYS/#: %{reason}",
                        reason = reason
                    ))
                    .color(crate::ui::widgets::error_color(ui)),
                );
                return;
            }
        }
        let read = |counter: &mut Counter, topics: &[&str]| {
            if let Some((text, at)) = first(model, topics)
                && let Some(n) = number(&text)
            {
                counter.read(n, at);
            }
            counter.rate
        };
        let received = read(
            &mut self.received,
            &[
                "$SYS/broker/messages/received",
                "$SYS/broker/publish/messages/received",
            ],
        );
        let sent = read(
            &mut self.sent,
            &[
                "$SYS/broker/messages/sent",
                "$SYS/broker/publish/messages/sent",
            ],
        );
        // A point a second (a counter the broker does not republish keeps
        // its last rate).
        if received.is_some() || sent.is_some() {
            let (r, s) = (received.unwrap_or(0.0), sent.unwrap_or(0.0));
            let since = *self.chart_since.get_or_insert_with(Instant::now);
            let now = since.elapsed().as_secs_f64();
            if self.chart.back().is_none_or(|last| now - last.0 >= 1.0) {
                self.chart.push_back((now, r, s));
                if self.chart.len() > CHART_POINTS {
                    self.chart.pop_front();
                }
            }
        }
        let bytes_in = read(&mut self.bytes_received, &["$SYS/broker/bytes/received"]);
        let bytes_out = read(&mut self.bytes_sent, &["$SYS/broker/bytes/sent"]);
        let text_of = |topics: &[&str]| first(model, topics).map(|(text, _)| text);
        let rate = |r: Option<f64>| r.map(|r| format!("{r:.1}/s"));
        let byte_rate = |r: Option<f64>| r.map(|r| format!("{}/s", format_bytes(r as usize)));
        let rows: [(String, Option<String>); 8] = [
            (
                t!("Version").into_owned(),
                text_of(&["$SYS/broker/version"]),
            ),
            (
                t!("Up for").into_owned(),
                text_of(&["$SYS/broker/uptime"])
                    .and_then(|u| number(&u))
                    .map(|s| humantime::format_duration(Duration::from_secs(s as u64)).to_string()),
            ),
            (
                t!("Clients connected").into_owned(),
                text_of(&[
                    "$SYS/broker/clients/connected",
                    "$SYS/broker/clients/active",
                ]),
            ),
            (t!("Messages in").into_owned(), rate(received)),
            (t!("Messages out").into_owned(), rate(sent)),
            (
                t!("Bytes in / out").into_owned(),
                match (byte_rate(bytes_in), byte_rate(bytes_out)) {
                    (Some(a), Some(b)) => Some(format!("{a} / {b}")),
                    _ => None,
                },
            ),
            (
                t!("Retained messages").into_owned(),
                text_of(&[
                    "$SYS/broker/retained messages/count",
                    "$SYS/broker/retained/count",
                ]),
            ),
            (
                t!("Subscriptions").into_owned(),
                text_of(&["$SYS/broker/subscriptions/count"]),
            ),
        ];
        ui.horizontal_top(|ui| {
            egui::Grid::new("broker-numbers")
                .num_columns(2)
                .spacing([16.0, 4.0])
                .show(ui, |ui| {
                    for (name, shown) in rows {
                        ui.label(name);
                        match shown {
                            Some(text) => ui.label(RichText::new(text).monospace()),
                            None => ui.label(RichText::new("–").weak()),
                        };
                        ui.end_row();
                    }
                });
            if self.chart.len() >= 2 {
                ui.add_space(24.0);
                ui.vertical(|ui| {
                    ui.set_width(ui.available_width().min(520.0));
                    self.draw_chart(ui);
                });
            }
        });
        ui.ctx().request_repaint_after(Duration::from_secs(1));
    }

    /// Messages in and out per second, live.
    fn draw_chart(&self, ui: &mut egui::Ui) {
        use egui_plot::{Legend, Line, Plot, PlotPoints};
        let series = |pick: fn(&(f64, f64, f64)) -> f64| -> PlotPoints<'static> {
            self.chart.iter().map(|p| [p.0, pick(p)]).collect()
        };
        Plot::new("broker-rates")
            .height(150.0)
            .legend(Legend::default())
            .allow_scroll(false)
            .x_axis_label(t!("seconds since this view opened"))
            .y_axis_label(t!("messages per second"))
            .show(ui, |plot| {
                plot.line(Line::new(t!("Messages in").into_owned(), series(|p| p.1)));
                plot.line(Line::new(t!("Messages out").into_owned(), series(|p| p.2)));
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counter_gives_a_rate_between_readings_and_numbers_are_read_from_words() {
        let mut counter = Counter::default();
        counter.read(100.0, 1_000_000);
        assert_eq!(counter.rate, None);
        counter.read(100.0, 1_000_000);
        // The first difference is against the retained copy: not a rate yet.
        counter.read(130.0, 2_000_000);
        assert_eq!(counter.rate, None);
        counter.read(190.0, 5_000_000);
        assert_eq!(counter.rate, Some(20.0));
        // A restarted broker counts from zero again: no negative rate.
        counter.read(5.0, 6_000_000);
        assert_eq!(counter.rate, Some(20.0));
        assert_eq!(number("1234 seconds"), Some(1234.0));
        assert_eq!(number("mosquitto version 2.0.11"), None);
    }
}
