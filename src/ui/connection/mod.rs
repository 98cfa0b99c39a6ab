//! The connection editor: start from a preset or a saved profile, change
//! what is needed ("Basic"), and every engine option one click deeper
//! ("Advanced"). A value that cannot work is marked next to its field.

use std::cell::RefCell;
use std::time::{Duration, Instant};

use egui::RichText;
use rust_i18n::t;

mod advanced;
mod choices;
mod decoders;
mod fields;

use super::{Action, error_color, tr, warning_color};
use crate::net::TransportKind;
use crate::profiles::{
    Field, FieldError, PasswordStorage, Profile, Severity, generate_client_id, parse_port_field,
};

/// The editor's state for one tab.
pub struct Editor {
    /// The profile being edited.
    pub profile: Profile,
    /// The port as typed (so that "70000" can be shown and explained).
    pub port_text: String,
    /// The password as typed in this run.
    pub password: String,
    /// The passphrase of the client key or bundle, as typed in this run or
    /// read from the keyring (never written to disk).
    pub key_passphrase: String,
    /// Whether the keyring was already asked for the passphrase.
    pub key_passphrase_looked_up: bool,
    /// What the "Start from" list is searched for.
    start_from_search: String,
    /// For a preset: the name last given automatically and the preset's
    /// address, so that the name follows an edited address until the person
    /// names the profile.
    preset_origin: Option<(String, String, u16)>,
    /// The last check of the fields; see [`Editor::problems`].
    checked: RefCell<Option<Checked>>,
}

/// The problems found for one state of the fields, and when.
struct Checked {
    profile: Profile,
    port_text: String,
    at: Instant,
    problems: Vec<FieldError>,
}

/// How long a check stands while nothing is typed (files named in the
/// profile may appear or go meanwhile).
const RECHECK_AFTER: Duration = Duration::from_secs(1);

impl Editor {
    /// An editor for `profile`.
    pub fn new(profile: Profile) -> Editor {
        Editor {
            port_text: profile.port.to_string(),
            password: profile.password.clone().unwrap_or_default(),
            key_passphrase: String::new(),
            key_passphrase_looked_up: false,
            start_from_search: String::new(),
            preset_origin: profile
                .is_preset()
                .then(|| (profile.name.clone(), profile.host.clone(), profile.port)),
            profile,
            checked: RefCell::new(None),
        }
    }

    /// Problems with the profile as typed (the port text included). The
    /// check (which looks at files on disk) runs again only when a field
    /// changed or a second has passed, not on every frame.
    pub fn problems(&self) -> Vec<FieldError> {
        let mut checked = self.checked.borrow_mut();
        if let Some(last) = checked.as_ref()
            && last.at.elapsed() < RECHECK_AFTER
            && last.port_text == self.port_text
            && last.profile == self.profile
        {
            return last.problems.clone();
        }
        let problems = self.check();
        *checked = Some(Checked {
            profile: self.profile.clone(),
            port_text: self.port_text.clone(),
            at: Instant::now(),
            problems: problems.clone(),
        });
        problems
    }

    fn check(&self) -> Vec<FieldError> {
        let mut problems = self.profile.validate();
        if let Err(message) = parse_port_field(&self.port_text) {
            problems.retain(|p| p.field != Field::Port);
            problems.push(FieldError {
                field: Field::Port,
                severity: Severity::Error,
                message,
            });
        }
        problems
    }

    /// Draw the editor. `choices` are (id, name, saved) of presets and
    /// saved profiles; `busy` disables Connect.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        choices: &[(String, String, bool)],
        busy: bool,
    ) -> Option<Action> {
        if let Ok(port) = parse_port_field(&self.port_text) {
            self.profile.port = port;
        }
        let problems = Problems(self.problems());
        ui.heading(t!("Connection"));
        let mut action = self.start_from(ui, choices);
        ui.add_space(4.0);
        egui::Grid::new("basic")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                self.address_fields(ui, &problems);
                self.credential_fields(ui, &problems);
            });
        self.name_follows_address();
        ui.add_space(4.0);
        egui::CollapsingHeader::new(t!("Advanced"))
            .id_salt("advanced")
            .show(ui, |ui| {
                advanced::show(&mut self.profile, &mut self.key_passphrase, ui, &problems)
            });
        let rules = self.profile.decoders.rules.len();
        egui::CollapsingHeader::new(if rules == 0 {
            t!("Decoders").into_owned()
        } else {
            t!(
                crate::language::plural("Decoders (%{count} rules)", rules as u64),
                count = rules
            )
            .into_owned()
        })
        .id_salt("decoders")
        .show(ui, |ui| decoders::show(&mut self.profile.decoders, ui));
        ui.add_space(6.0);
        if self.profile.tls.skip_verification && self.profile.transport.is_tls() {
            ui.label(
                RichText::new(t!("Certificate checks are off: anyone on the network path could read and change this connection."))
                    .color(warning_color(ui)),
            );
        }
        let blocking = problems.0.iter().any(FieldError::is_error);
        action = self.buttons(ui, blocking, busy).or(action);
        if blocking {
            ui.label(
                RichText::new(t!("Fix the fields marked in red to connect."))
                    .color(error_color(ui)),
            );
        }
        action
    }

    /// A preset's name ("A broker already on this computer (localhost:1883)")
    /// becomes the address once host or port is edited, unless the person
    /// has named the profile.
    fn name_follows_address(&mut self) {
        let Some((auto_name, host, port)) = &mut self.preset_origin else {
            return;
        };
        let p = &mut self.profile;
        if p.name != *auto_name {
            // The person named it: leave the name alone from now on.
            self.preset_origin = None;
            return;
        }
        if (p.host != *host || p.port != *port) && !p.host.is_empty() {
            p.name = format!("{}:{}", p.host, p.port);
            auto_name.clone_from(&p.name);
        }
    }

    /// The preset or saved profile to start from.
    fn start_from(
        &mut self,
        ui: &mut egui::Ui,
        choices: &[(String, String, bool)],
    ) -> Option<Action> {
        let mut action = None;
        ui.horizontal(|ui| {
            let label = ui.label(t!("Start from"));
            egui::ComboBox::from_id_salt("start-from")
                .width(ui.available_width() - 8.0)
                .selected_text(&self.profile.name)
                .show_ui(ui, |ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut self.start_from_search)
                            .hint_text(t!("Search connections…")),
                    );
                    let groups = choices::grouped(choices, &self.start_from_search);
                    if groups.is_empty() {
                        ui.label(RichText::new(t!("No connection has that name.")).weak());
                    }
                    for (group, entries) in groups {
                        ui.label(RichText::new(group.heading()).strong());
                        for (id, name, _) in entries {
                            if ui.selectable_label(*id == self.profile.id, name).clicked() {
                                action = Some(Action::LoadProfile(id.clone()));
                            }
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
        action
    }

    /// Name, host, port, transport and client ID.
    fn address_fields(&mut self, ui: &mut egui::Ui, problems: &Problems) {
        let label = ui.label(t!("Name"));
        ui.vertical(|ui| {
            ui.text_edit_singleline(&mut self.profile.name)
                .labelled_by(label.id);
            problems.show(ui, Field::Name);
        });
        ui.end_row();
        let label = ui.label(t!("Host"));
        ui.vertical(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut self.profile.host).hint_text("broker.hivemq.com"),
            )
            .labelled_by(label.id);
            problems.show(ui, Field::Host);
        });
        ui.end_row();
        let label = ui.label(t!("Port"));
        ui.vertical(|ui| {
            ui.add(egui::TextEdit::singleline(&mut self.port_text).desired_width(80.0))
                .labelled_by(label.id);
            problems.show(ui, Field::Port);
        });
        ui.end_row();
        ui.label(t!("Transport"));
        ui.horizontal(|ui| {
            for (kind, label) in [
                (TransportKind::Tcp, t!("TCP")),
                (TransportKind::Tls, t!("TLS")),
                (TransportKind::WebSocket, t!("WebSocket")),
                (TransportKind::SecureWebSocket, t!("Secure WebSocket")),
            ] {
                if ui
                    .selectable_label(self.profile.transport == kind, label)
                    .clicked()
                    && self.profile.transport != kind
                {
                    if self.profile.port == self.profile.transport.default_port()
                        || self.port_text.is_empty()
                    {
                        self.port_text = kind.default_port().to_string();
                    }
                    self.profile.transport = kind;
                }
            }
        });
        ui.end_row();
        let label = ui.label(t!("Client ID"));
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                ui.add(
                    egui::TextEdit::singleline(&mut self.profile.client_id)
                        .hint_text(t!("random on each connect")),
                )
                .labelled_by(label.id);
                if ui.small_button(t!("Generate")).clicked() {
                    self.profile.client_id = generate_client_id();
                }
            });
            problems.show(ui, Field::ClientId);
        });
        ui.end_row();
    }

    /// User name, password and where the password is kept.
    fn credential_fields(&mut self, ui: &mut egui::Ui, problems: &Problems) {
        let label = ui.label(t!("User name"));
        ui.text_edit_singleline(&mut self.profile.user_name)
            .labelled_by(label.id);
        ui.end_row();
        let label = ui.label(t!("Password"));
        ui.add(egui::TextEdit::singleline(&mut self.password).password(true))
            .labelled_by(label.id);
        ui.end_row();
        ui.label("");
        ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    ui.radio_value(&mut self.profile.password_storage, PasswordStorage::Keyring, t!("keep in the system keyring"));
                    ui.radio_value(&mut self.profile.password_storage, PasswordStorage::DoNotSave, t!("do not save"));
                });
                ui.radio_value(&mut self.profile.password_storage, PasswordStorage::PlainText, t!("save password in plain text"));
                if self.profile.password_storage == PasswordStorage::PlainText {
                    ui.label(
                        RichText::new(t!("The password will be written, readable, into the profiles file; anyone who can read that file can read it."))
                            .small()
                            .color(warning_color(ui)),
                    );
                }
                problems.show(ui, Field::Password);
                problems.show(ui, Field::PasswordStorage);
            });
        ui.end_row();
    }

    /// Connect, Save and Delete.
    fn buttons(&self, ui: &mut egui::Ui, blocking: bool, busy: bool) -> Option<Action> {
        let mut action = None;
        ui.horizontal(|ui| {
            let connect = ui
                .add_enabled(
                    !blocking && !busy,
                    egui::Button::new(RichText::new(t!("Connect")).strong().size(15.0))
                        .min_size(egui::vec2(110.0, 28.0)),
                )
                .on_hover_text(t!("Ctrl+K"));
            if connect.clicked() {
                action = Some(Action::Connect);
            }
            if ui.button(t!("Save")).clicked() {
                action = Some(Action::SaveProfile);
            }
            if !self.profile.is_preset() && ui.button(t!("Delete")).clicked() {
                action = Some(Action::DeleteProfile);
            }
        });
        ui.horizontal(|ui| {
            if ui
                .button(t!("Import connections…"))
                .on_hover_text(t!(
                    "From an mqscope export, MQTTX's connection export (JSON) or MQTT Explorer's settings.json. Nothing saved is replaced."
                ))
                .clicked()
            {
                action = Some(Action::ImportProfiles(None));
            }
            if ui.button(t!("Export connections…")).clicked() {
                action = Some(Action::ShowProfileExport);
            }
        });
        action
    }
}

/// The problems with the profile as typed, shown next to their fields.
pub(super) struct Problems(Vec<FieldError>);

impl Problems {
    /// Show the problems with `field` under it.
    pub(super) fn show(&self, ui: &mut egui::Ui, field: Field) {
        for problem in self.0.iter().filter(|p| p.field == field) {
            let color = if problem.is_error() {
                error_color(ui)
            } else {
                warning_color(ui)
            };
            ui.label(RichText::new(tr(&problem.message)).color(color));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::presets;

    #[test]
    fn a_presets_name_follows_its_address_until_the_person_names_it() {
        let local = presets()
            .into_iter()
            .find(|p| p.host == "localhost")
            .unwrap();
        let mut editor = Editor::new(local.clone());
        editor.name_follows_address();
        assert_eq!(
            editor.profile.name, local.name,
            "unchanged address, unchanged name"
        );
        editor.profile.port = 1884;
        editor.name_follows_address();
        assert_eq!(editor.profile.name, "localhost:1884");
        editor.profile.host = "lab-pi".into();
        editor.name_follows_address();
        assert_eq!(editor.profile.name, "lab-pi:1884");
        editor.profile.name = "Raspberry in room 2".into();
        editor.name_follows_address();
        editor.profile.port = 1885;
        editor.name_follows_address();
        assert_eq!(
            editor.profile.name, "Raspberry in room 2",
            "a name given stays"
        );
    }
}
