//! The Publish panel's timer row: send the message every N seconds, a
//! number of times or until stopped, and the timers running, each with
//! Stop.

use std::time::Duration;

use egui::RichText;
use rust_i18n::t;

use super::{Action, field_message};
use crate::app::timers::{PLACEHOLDERS, PublishTimer, SHORTEST_INTERVAL};
use crate::proto::Publish;

/// What the timer row's fields hold.
#[derive(Clone, Debug)]
pub struct TimerForm {
    /// Seconds between two sends.
    pub every: String,
    /// How many to send (empty: until stopped).
    pub times: String,
}

impl Default for TimerForm {
    fn default() -> Self {
        TimerForm {
            every: "1".to_owned(),
            times: "10".to_owned(),
        }
    }
}

impl TimerForm {
    /// The interval and count, or what is wrong with them.
    pub fn parse(&self) -> Result<(Duration, Option<u64>), String> {
        let every = self
            .every
            .trim()
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= SHORTEST_INTERVAL.as_secs_f64() && *s <= 86_400.0)
            .ok_or_else(|| t!("Every: give seconds from 0.01 to 86400, e.g. 0.5").into_owned())?;
        let times = match self.times.trim() {
            "" => None,
            text => Some(text.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                t!("Times: give a whole number from 1, or leave it empty to send until stopped")
                    .into_owned()
            })?),
        };
        Ok((Duration::from_secs_f64(every), times))
    }

    /// The fields and Start timer, inside a horizontal row (beside Publish).
    pub fn fields(
        &mut self,
        ui: &mut egui::Ui,
        built: Option<&Publish>,
        connected: bool,
    ) -> Option<Action> {
        let mut action = None;
        let parsed = self.parse();
        {
            let label = ui.label(t!("Every"));
            ui.add(egui::TextEdit::singleline(&mut self.every).desired_width(50.0))
                .labelled_by(label.id);
            ui.label(t!("s,"));
            let label = ui.label(t!("times"));
            ui.add(
                egui::TextEdit::singleline(&mut self.times)
                    .desired_width(50.0)
                    .hint_text("∞"),
            )
            .labelled_by(label.id);
            let can = connected && built.is_some() && parsed.is_ok();
            if ui
                .add_enabled(can, egui::Button::new(t!("Start timer")))
                .on_hover_text(t!(
                    "Send this message again and again. In a text payload, these are filled in for each one: %{placeholders}",
                    placeholders = PLACEHOLDERS.join(" ")
                ))
                .clicked()
                && let (Some(publish), Ok((interval, count))) = (built, &parsed)
            {
                action = Some(Action::StartTimer {
                    publish: publish.clone(),
                    interval: *interval,
                    count: *count,
                });
            }
        }
        action
    }

    /// Under the row: what is wrong with the fields, and the running timers.
    pub fn below(&self, ui: &mut egui::Ui, timers: &[PublishTimer]) -> Option<Action> {
        let mut action = None;
        if let Err(problem) = self.parse() {
            field_message(ui, &problem);
        }
        for timer in timers {
            ui.horizontal(|ui| {
                let sent = match timer.count {
                    Some(count) => t!(
                        "%{topic} every %{seconds} s: %{sent} of %{count} sent",
                        topic = timer.template.topic,
                        seconds = timer.interval.as_secs_f64(),
                        sent = timer.sent,
                        count = count
                    ),
                    None => t!(
                        "%{topic} every %{seconds} s: %{sent} sent, until stopped",
                        topic = timer.template.topic,
                        seconds = timer.interval.as_secs_f64(),
                        sent = timer.sent
                    ),
                };
                ui.label(RichText::new(sent).monospace());
                if ui.button(t!("Stop")).clicked() {
                    action = Some(Action::StopTimer(timer.id));
                }
            });
        }
        action
    }
}
