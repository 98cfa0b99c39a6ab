//! Subscriptions: add a filter with QoS and the MQTT 5 options, see the
//! broker's answer per filter, unsubscribe.

use egui::{Color32, RichText};
use rust_i18n::t;

use super::{Action, error_color, field_message, tr, words};
use crate::model::{ConnectionModel, SubscriptionStatus};
use crate::proto::{
    Properties, Property, QoS, RetainHandling, SubscribeFilter, SubscriptionOptions, topic,
};

/// The add-subscription form.
pub struct SubscribeForm {
    /// The topic filter.
    pub filter: String,
    /// Maximum QoS.
    pub qos: u8,
    /// No Local.
    pub no_local: bool,
    /// Retain As Published.
    pub retain_as_published: bool,
    /// Retain Handling 0–2.
    pub retain_handling: u8,
    /// Subscription Identifier (empty: none).
    pub identifier: String,
}

impl Default for SubscribeForm {
    fn default() -> Self {
        SubscribeForm {
            filter: "#".to_owned(),
            qos: 0,
            no_local: false,
            retain_as_published: false,
            retain_handling: 0,
            identifier: String::new(),
        }
    }
}

/// A pleasant, distinct color for the n-th subscription.
pub fn color_for(index: usize) -> [u8; 3] {
    const PALETTE: [[u8; 3]; 8] = [
        [66, 133, 244],
        [219, 68, 55],
        [244, 180, 0],
        [15, 157, 88],
        [171, 71, 188],
        [0, 172, 193],
        [255, 112, 67],
        [124, 179, 66],
    ];
    PALETTE[index % PALETTE.len()]
}

impl SubscribeForm {
    /// The filter and properties the form describes, or what is wrong.
    pub fn build(&self) -> Result<(SubscribeFilter, Properties), String> {
        topic::validate_topic_filter(&self.filter).map_err(|e| format!("Topic filter: {e}"))?;
        let retain_handling = match self.retain_handling {
            1 => RetainHandling::SendAtSubscribeIfNew,
            2 => RetainHandling::DoNotSend,
            _ => RetainHandling::SendAtSubscribe,
        };
        if self.no_local && topic::is_shared_subscription(&self.filter) {
            return Err(
                "No Local cannot be used with a shared subscription ($share/…).".to_owned(),
            );
        }
        let mut properties = Properties::new();
        if !self.identifier.trim().is_empty() {
            match self.identifier.trim().parse::<u32>() {
                Ok(id) if (1..=268_435_455).contains(&id) => {
                    properties.push(Property::SubscriptionIdentifier(id))
                }
                _ => {
                    return Err(
                        "A subscription identifier is a number from 1 to 268 435 455.".to_owned(),
                    );
                }
            }
        }
        Ok((
            SubscribeFilter {
                filter: self.filter.as_str().into(),
                options: SubscriptionOptions {
                    maximum_qos: QoS::from_u8(self.qos).unwrap_or_default(),
                    no_local: self.no_local,
                    retain_as_published: self.retain_as_published,
                    retain_handling,
                },
            },
            properties,
        ))
    }

    /// Draw the form and the list.
    pub fn show(&mut self, ui: &mut egui::Ui, model: &ConnectionModel) -> Option<Action> {
        let built = self.build();
        let mut subscribe = self.filter_row(ui, model, &built);
        self.options(ui);
        match &built {
            Err(problem) => field_message(ui, problem),
            Ok((filter, properties)) => {
                if let Some(wider) = covering_filter(model, self.filter.trim()) {
                    ui.label(
                        RichText::new(t!(
                            "\"%{filter}\" is already covered by \"%{wider}\": the broker may deliver each message twice. Unsubscribe from \"%{wider}\" first if you want only these topics.",
                            filter = self.filter.trim(),
                            wider = wider
                        ))
                        .color(ui.visuals().warn_fg_color),
                    );
                    if ui
                        .button(t!(
                            "Replace \"%{wider}\" with \"%{filter}\"",
                            wider = wider,
                            filter = self.filter.trim()
                        ))
                        .clicked()
                    {
                        subscribe = Some(Action::ReplaceSubscription {
                            old: wider.to_owned(),
                            filter: filter.clone(),
                            properties: properties.clone(),
                        });
                    }
                }
            }
        }
        if !model.is_connected() {
            ui.label(
                RichText::new(t!(
                    "Connect first; saved subscriptions are renewed when you connect."
                ))
                .weak(),
            );
        }
        let unsubscribe = subscription_list(ui, model);
        unsubscribe.or(subscribe)
    }

    /// The filter, its QoS and Subscribe (Enter in the field subscribes too).
    fn filter_row(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
        built: &Result<(SubscribeFilter, Properties), String>,
    ) -> Option<Action> {
        let mut action = None;
        ui.horizontal(|ui| {
            let label = ui.label(t!("Topic filter"));
            let edit = ui
                .add(egui::TextEdit::singleline(&mut self.filter).desired_width(220.0))
                .labelled_by(label.id);
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.label(t!("QoS"));
            for qos in 0..=2u8 {
                ui.selectable_value(&mut self.qos, qos, qos.to_string());
            }
            let can = built.is_ok() && model.is_connected();
            if (ui
                .add_enabled(can, egui::Button::new(t!("Subscribe")))
                .clicked()
                || (enter && can))
                && let Ok((filter, properties)) = built
            {
                action = Some(Action::Subscribe(vec![filter.clone()], properties.clone()));
            }
        });
        action
    }

    /// The MQTT 5 subscription options.
    fn options(&mut self, ui: &mut egui::Ui) {
        egui::CollapsingHeader::new(t!("MQTT 5 options")).show(ui, |ui| {
            ui.checkbox(
                &mut self.no_local,
                t!("No Local: do not send me my own messages"),
            );
            ui.checkbox(
                &mut self.retain_as_published,
                t!("Retain As Published: keep the RETAIN flag as it was published"),
            );
            ui.horizontal(|ui| {
                ui.label(t!("Retained messages:"));
                ui.selectable_value(&mut self.retain_handling, 0, t!("send on subscribe"));
                ui.selectable_value(
                    &mut self.retain_handling,
                    1,
                    t!("only for a new subscription"),
                );
                ui.selectable_value(&mut self.retain_handling, 2, t!("never"));
            });
            ui.horizontal(|ui| {
                let label = ui.label(t!("Subscription identifier"));
                ui.add(egui::TextEdit::singleline(&mut self.identifier).desired_width(100.0))
                    .labelled_by(label.id);
            });
        });
    }
}

/// An active subscription other than `filter` itself whose filter matches
/// every topic `filter` matches (`#` covers `lab/#`, `lab/+` covers `lab/a`).
pub fn covering_filter<'a>(model: &'a ConnectionModel, filter: &str) -> Option<&'a str> {
    if filter.is_empty() {
        return None;
    }
    // A topic standing for every topic the filter matches: each wildcard
    // level replaced by a name no real filter singles out.
    let probe: String = filter
        .split('/')
        .map(|level| match level {
            "+" | "#" => "\u{1}",
            other => other,
        })
        .collect::<Vec<_>>()
        .join("/");
    model
        .subscriptions
        .iter()
        .filter(|s| s.filter != filter && !matches!(s.status, SubscriptionStatus::Inactive))
        .map(|s| s.filter.as_str())
        .find(|wider| {
            crate::proto::topic::topic_matches(wider, &probe)
                && (!filter.ends_with('#') || wider.ends_with('#'))
        })
}

/// The subscriptions with the broker's answer to each, and Unsubscribe.
fn subscription_list(ui: &mut egui::Ui, model: &ConnectionModel) -> Option<Action> {
    let mut action = None;
    ui.separator();
    if model.subscriptions.is_empty() {
        ui.label(RichText::new(t!("No subscriptions yet. # subscribes to every topic.")).weak());
    }
    egui::Grid::new("subscriptions")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for sub in &model.subscriptions {
                let [r, g, b] = sub.color;
                super::dot(ui, Color32::from_rgb(r, g, b)).on_hover_text(t!(
                    "This colour marks the topics in the tree that this subscription delivers."
                ));
                ui.label(RichText::new(&sub.filter).monospace());
                match &sub.status {
                    SubscriptionStatus::Pending => ui.label(t!("waiting for SUBACK…")),
                    SubscriptionStatus::Granted(qos) => {
                        ui.label(t!("granted QoS %{qos}", qos = qos))
                    }
                    SubscriptionStatus::Refused(reason) => ui
                        .label(
                            RichText::new(format!("{} {reason}", t!("refused:")))
                                .color(error_color(ui)),
                        )
                        .on_hover_text(tr(reason.meaning())),
                    SubscriptionStatus::Failed(error) => {
                        ui.label(RichText::new(words::session_error(error)).color(error_color(ui)))
                    }
                    SubscriptionStatus::Inactive => {
                        ui.label(RichText::new(t!("not active")).weak())
                    }
                };
                if ui.small_button(t!("Unsubscribe")).clicked() {
                    action = Some(Action::Unsubscribe(sub.filter.clone()));
                }
                ui.end_row();
                if let SubscriptionStatus::Refused(reason) = &sub.status {
                    ui.label("");
                    ui.label(RichText::new(tr(reason.meaning())).color(error_color(ui)));
                    ui.end_row();
                }
            }
        });
    action
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_filter_inside_an_active_one_is_pointed_out() {
        use crate::model::{ConnectionModel, Subscription, SubscriptionStatus};
        let mut model = ConnectionModel::default();
        for (filter, status) in [
            ("#", SubscriptionStatus::Granted(0)),
            ("old/+", SubscriptionStatus::Inactive),
        ] {
            model.subscriptions.push(Subscription {
                filter: filter.to_owned(),
                options: Default::default(),
                identifier: None,
                color: [0, 0, 0],
                status,
                tag: 0,
            });
        }
        assert_eq!(covering_filter(&model, "lab/#"), Some("#"));
        assert_eq!(covering_filter(&model, "lab/+/t"), Some("#"));
        assert_eq!(covering_filter(&model, "#"), None, "not covered by itself");
        assert_eq!(
            covering_filter(&model, "old/a"),
            Some("#"),
            "an inactive one does not count"
        );
        model.subscriptions.remove(0);
        assert_eq!(covering_filter(&model, "old/a"), None);
    }
}
