//! "Clear…" beside the tree's title: forget what the connection received,
//! after a confirmation that says how much.

use rust_i18n::t;

use crate::model::ConnectionModel;
use crate::ui::action::Action;

/// The button, and the confirmation once it was clicked (`asking`).
pub fn show(ui: &mut egui::Ui, asking: &mut bool, model: &ConnectionModel) -> Option<Action> {
    let topics = model.tree.node_count();
    if ui
        .add_enabled(topics > 0, egui::Button::new(t!("Clear…")).small())
        .on_hover_text(t!("Forget the topics and messages received so far"))
        .clicked()
    {
        *asking = true;
    }
    if !*asking {
        return None;
    }
    let heading = t!("Clear what this connection received?");
    let answer = crate::ui::widgets::confirm(
        ui,
        "confirm-clear",
        420.0,
        &heading,
        &t!("Clear"),
        |ui| {
            ui.label(t!(
            "Topics: %{topics}. Messages kept: %{messages}. They are forgotten here (the broker keeps its retained messages); the connection and its subscriptions stay, and new messages fill the tree again.",
            topics = topics,
            messages = model.history.len()
        ));
        },
    )?;
    *asking = false;
    (answer == crate::ui::widgets::Answer::Yes).then_some(Action::ClearReceived)
}
