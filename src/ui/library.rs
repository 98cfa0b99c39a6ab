//! The message library beside the Publish form: keep the form's message
//! under a name, find it again by any word, load it into the form, send it
//! at once, copy it as a command line, or delete it.

use egui::RichText;
use rust_i18n::t;

use super::publish::PublishForm;
use super::{Action, payload_preview};
use crate::profiles::{PayloadMode, Profile, SavedMessage};

/// The library's state in one tab.
#[derive(Default)]
pub struct LibraryView {
    /// What the list is searched for.
    pub search: String,
    /// The name the form's message is saved under.
    pub name: String,
    /// The message whose Delete was pressed once (it asks again).
    confirm_delete: Option<String>,
}

/// What the panel needs to know beside the messages.
pub struct LibraryContext<'a> {
    /// The tab's profile (its id and how to reach the broker).
    pub profile: &'a Profile,
    /// Whether the tab is connected (Send needs it).
    pub connected: bool,
    /// The form's message can be sent as it stands.
    pub form_ready: bool,
    /// Whether the library can be saved at all (a config folder exists).
    pub available: bool,
}

impl LibraryView {
    /// Draw the library of `messages` (the profile's, all of them).
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        messages: &[&SavedMessage],
        context: &LibraryContext<'_>,
    ) -> Option<Action> {
        ui.label(RichText::new(t!("Message library")).strong());
        if !context.available {
            ui.label(
                RichText::new(t!("Saved messages are not available on this computer.")).weak(),
            );
            return None;
        }
        let mut action = self.save_row(ui, messages, context);
        let label = ui.label(t!("Search"));
        ui.add(
            egui::TextEdit::singleline(&mut self.search)
                .hint_text(t!("name, topic or payload"))
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
        let found: Vec<&SavedMessage> = messages
            .iter()
            .copied()
            .filter(|m| m.matches(&self.search))
            .collect();
        if messages.is_empty() {
            ui.label(
                RichText::new(t!(
                    "No saved messages yet. Give the message in the form a name and press Save to library."
                ))
                .weak(),
            );
        } else if found.is_empty() {
            ui.label(RichText::new(t!("No saved message matches.")).weak());
        }
        for message in found {
            ui.separator();
            action = self.row(ui, message, context).or(action);
        }
        action
    }

    /// The name to save the form under, and Save to library.
    fn save_row(
        &mut self,
        ui: &mut egui::Ui,
        messages: &[&SavedMessage],
        context: &LibraryContext<'_>,
    ) -> Option<Action> {
        let mut action = None;
        ui.horizontal(|ui| {
            let label = ui.label(t!("Save as"));
            ui.add(
                egui::TextEdit::singleline(&mut self.name)
                    .hint_text(t!("a name, e.g. Lamp on"))
                    .desired_width(160.0),
            )
            .labelled_by(label.id);
            let name = self.name.trim();
            let exists = messages.iter().any(|m| m.name == name);
            let button = if exists {
                t!("Update in library")
            } else {
                t!("Save to library")
            };
            let can = !name.is_empty() && context.form_ready;
            let response = ui.add_enabled(can, egui::Button::new(button));
            let response = if name.is_empty() {
                response.on_disabled_hover_text(t!("Give the message a name first."))
            } else {
                response.on_disabled_hover_text(t!("Fix the message in the form first."))
            };
            if response.clicked() {
                action = Some(Action::SaveToLibrary(name.to_owned()));
            }
        });
        action
    }

    /// One saved message: what it is, and what can be done with it.
    fn row(
        &mut self,
        ui: &mut egui::Ui,
        message: &SavedMessage,
        context: &LibraryContext<'_>,
    ) -> Option<Action> {
        let mut action = None;
        ui.label(RichText::new(&message.name).strong());
        let payload = match (&message.payload_mode, &message.file) {
            (PayloadMode::File, Some(file)) => file.display().to_string(),
            (PayloadMode::File, None) => t!("no file chosen").into_owned(),
            _ => payload_preview(message.payload.as_bytes(), 40),
        };
        ui.label(
            RichText::new(format!(
                "{} · QoS {}{} · {payload}",
                message.topic,
                message.qos.to_u8(),
                if message.retain { " · R" } else { "" },
            ))
            .monospace(),
        );
        ui.horizontal_wrapped(|ui| {
            if ui
                .button(t!("Load"))
                .on_hover_text(t!("Put this message in the form to change or send it."))
                .clicked()
            {
                action = Some(Action::LoadFromLibrary(message.id.clone()));
            }
            if ui
                .add_enabled(context.connected, egui::Button::new(t!("Send")))
                .on_disabled_hover_text(t!("Connect first."))
                .clicked()
            {
                action = Some(Action::SendFromLibrary(message.id.clone()));
            }
            let mut form = PublishForm::default();
            form.load_saved(message);
            match form.build() {
                Ok(publish) => PublishForm::copy_as_command(ui, context.profile, &publish),
                Err(_) if message.payload_mode == PayloadMode::File => {
                    ui.add_enabled(false, egui::Button::new(t!("Copy as command")))
                        .on_disabled_hover_text(t!(
                            "Load it first: the file is read when the message is loaded."
                        ));
                }
                Err(problems) => {
                    ui.label(RichText::new(problems.join(" ")).color(super::error_color(ui)));
                }
            }
            if self.confirm_delete.as_deref() == Some(message.id.as_str()) {
                ui.label(t!("Delete it?"));
                if ui.button(t!("Yes, delete")).clicked() {
                    action = Some(Action::DeleteFromLibrary(message.id.clone()));
                    self.confirm_delete = None;
                }
                if ui.button(t!("Keep it")).clicked() {
                    self.confirm_delete = None;
                }
            } else if ui.button(t!("Delete")).clicked() {
                self.confirm_delete = Some(message.id.clone());
            }
        });
        action
    }
}
