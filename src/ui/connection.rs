//! The connection editor: start from a preset or a saved profile, change
//! what is needed ("Basic"), and every engine option one click deeper
//! ("Advanced"). A value that cannot work is marked next to its field.

use egui::RichText;
use rust_i18n::t;

use super::widgets::user_property_table;
use super::{Action, error_color, tr, warning_color};
use crate::net::TransportKind;
use crate::profiles::{
    Field, FieldError, PasswordStorage, Profile, Severity, generate_client_id, parse_port_field,
};
use crate::proto::{ProtocolVersion, QoS};

/// The editor's state for one tab.
pub struct Editor {
    /// The profile being edited.
    pub profile: Profile,
    /// The port as typed (so that "70000" can be shown and explained).
    pub port_text: String,
    /// The password as typed in this run.
    pub password: String,
}

impl Editor {
    /// An editor for `profile`.
    pub fn new(profile: Profile) -> Editor {
        Editor {
            port_text: profile.port.to_string(),
            password: profile.password.clone().unwrap_or_default(),
            profile,
        }
    }

    /// Problems with the profile as typed (the port text included).
    pub fn problems(&self) -> Vec<FieldError> {
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

    /// Draw the editor. `choices` are (id, name) of presets and saved
    /// profiles; `connected` disables Connect.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        choices: &[(String, String, bool)],
        busy: bool,
    ) -> Option<Action> {
        let mut action = None;
        if let Ok(port) = parse_port_field(&self.port_text) {
            self.profile.port = port;
        }
        let problems = self.problems();
        let show_problems = |ui: &mut egui::Ui, field: Field| {
            for problem in problems.iter().filter(|p| p.field == field) {
                let color = if problem.is_error() {
                    error_color(ui)
                } else {
                    warning_color(ui)
                };
                ui.label(RichText::new(tr(&problem.message)).small().color(color));
            }
        };
        ui.heading(t!("Connection"));
        ui.horizontal(|ui| {
            let label = ui.label(t!("Start from"));
            egui::ComboBox::from_id_salt("start-from")
                .width(ui.available_width() - 8.0)
                .selected_text(&self.profile.name)
                .show_ui(ui, |ui| {
                    for (id, name, saved) in choices {
                        let label = if *saved {
                            format!("{name} {}", t!("(saved)"))
                        } else {
                            name.clone()
                        };
                        if ui.selectable_label(*id == self.profile.id, label).clicked() {
                            action = Some(Action::LoadProfile(id.clone()));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
        ui.add_space(4.0);
        egui::Grid::new("basic").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
            let label = ui.label(t!("Name"));
            ui.vertical(|ui| {
                ui.text_edit_singleline(&mut self.profile.name).labelled_by(label.id);
                show_problems(ui, Field::Name);
            });
            ui.end_row();
            let label = ui.label(t!("Host"));
            ui.vertical(|ui| {
                ui.add(egui::TextEdit::singleline(&mut self.profile.host).hint_text("broker.hivemq.com"))
                    .labelled_by(label.id);
                show_problems(ui, Field::Host);
            });
            ui.end_row();
            let label = ui.label(t!("Port"));
            ui.vertical(|ui| {
                ui.add(egui::TextEdit::singleline(&mut self.port_text).desired_width(80.0))
                    .labelled_by(label.id);
                show_problems(ui, Field::Port);
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
                    if ui.selectable_label(self.profile.transport == kind, label).clicked() && self.profile.transport != kind {
                        if self.profile.port == self.profile.transport.default_port() || self.port_text.is_empty() {
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
                    ui.add(egui::TextEdit::singleline(&mut self.profile.client_id).hint_text(t!("random on each connect"))).labelled_by(label.id);
                    if ui.small_button(t!("Generate")).clicked() {
                        self.profile.client_id = generate_client_id();
                    }
                });
                show_problems(ui, Field::ClientId);
            });
            ui.end_row();
            let label = ui.label(t!("User name"));
            ui.text_edit_singleline(&mut self.profile.user_name).labelled_by(label.id);
            ui.end_row();
            let label = ui.label(t!("Password"));
            ui.add(egui::TextEdit::singleline(&mut self.password).password(true)).labelled_by(label.id);
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
                show_problems(ui, Field::Password);
                show_problems(ui, Field::PasswordStorage);
            });
            ui.end_row();
        });
        ui.add_space(4.0);
        egui::CollapsingHeader::new(t!("Advanced"))
            .id_salt("advanced")
            .show(ui, |ui| {
                self.advanced(ui, &show_problems);
            });
        ui.add_space(6.0);
        let blocking = problems.iter().any(FieldError::is_error);
        if self.profile.tls.skip_verification && self.profile.transport.is_tls() {
            ui.label(
                RichText::new(t!("Certificate checks are off: anyone on the network path could read and change this connection."))
                    .color(warning_color(ui)),
            );
        }
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
        if blocking {
            ui.label(
                RichText::new(t!("Fix the fields marked in red to connect."))
                    .small()
                    .color(error_color(ui)),
            );
        }
        action
    }

    fn advanced(&mut self, ui: &mut egui::Ui, show_problems: &dyn Fn(&mut egui::Ui, Field)) {
        let p = &mut self.profile;
        egui::Grid::new("advanced")
            .num_columns(2)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                ui.label(t!("MQTT version"));
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut p.advanced.mqtt_version, ProtocolVersion::V5, "5.0");
                    ui.selectable_value(
                        &mut p.advanced.mqtt_version,
                        ProtocolVersion::V311,
                        "3.1.1",
                    );
                });
                ui.end_row();
                let label = ui.label(t!("Keep alive (s)"));
                ui.vertical(|ui| {
                    ui.add(
                        egui::DragValue::new(&mut p.advanced.keep_alive_secs).range(0..=u16::MAX),
                    )
                    .labelled_by(label.id);
                    show_problems(ui, Field::KeepAlive);
                });
                ui.end_row();
                ui.label(t!("Clean start"));
                ui.checkbox(&mut p.advanced.clean_start, t!("start a new session"));
                ui.end_row();
                optional_u32(
                    ui,
                    t!("Session expiry (s)").as_ref(),
                    &mut p.advanced.session_expiry_interval_secs,
                    0,
                    u32::MAX,
                );
                show_problems(ui, Field::SessionExpiryInterval);
                ui.end_row();
                optional_u16(
                    ui,
                    t!("Receive maximum").as_ref(),
                    &mut p.advanced.receive_maximum,
                    1,
                );
                show_problems(ui, Field::ReceiveMaximum);
                ui.end_row();
                optional_u32(
                    ui,
                    t!("Maximum packet size").as_ref(),
                    &mut p.advanced.maximum_packet_size,
                    1,
                    u32::MAX,
                );
                show_problems(ui, Field::MaximumPacketSize);
                ui.end_row();
                optional_u16(
                    ui,
                    t!("Topic alias maximum").as_ref(),
                    &mut p.advanced.topic_alias_maximum,
                    0,
                );
                ui.label("");
                ui.end_row();
                ui.label(t!("Ask the broker"));
                ui.vertical(|ui| {
                    ui.checkbox(
                        &mut p.advanced.request_response_information,
                        t!("request response information"),
                    );
                    ui.checkbox(
                        &mut p.advanced.request_problem_information,
                        t!("request problem information"),
                    );
                });
                ui.end_row();
                let label = ui.label(t!("Connect timeout (s)"));
                ui.add(egui::DragValue::new(&mut p.advanced.connect_timeout_secs).range(1..=600))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label(t!("Reconnect"));
                ui.horizontal(|ui| {
                    ui.checkbox(&mut p.reconnect.enabled, t!("automatically"));
                    ui.add(
                        egui::DragValue::new(&mut p.reconnect.initial_delay_ms)
                            .range(50..=600_000)
                            .suffix(" ms"),
                    )
                    .labelled_by(label.id);
                    ui.label("…");
                    ui.add(
                        egui::DragValue::new(&mut p.reconnect.max_delay_ms)
                            .range(50..=3_600_000)
                            .suffix(" ms"),
                    )
                    .labelled_by(label.id);
                });
                ui.end_row();
                if p.transport.is_websocket() {
                    let label = ui.label(t!("WebSocket path"));
                    ui.vertical(|ui| {
                        ui.text_edit_singleline(&mut p.websocket_path)
                            .labelled_by(label.id);
                        show_problems(ui, Field::WebSocketPath);
                    });
                    ui.end_row();
                }
            });
        user_property_table(
            ui,
            "connect-user-properties",
            &mut p.advanced.user_properties,
        );
        egui::CollapsingHeader::new(t!("Will message"))
            .id_salt("will")
            .show(ui, |ui| {
                ui.checkbox(
                    &mut p.will.enabled,
                    t!("send a will message if the connection is lost"),
                );
                if p.will.enabled {
                    egui::Grid::new("will-grid").num_columns(2).show(ui, |ui| {
                        let label = ui.label(t!("Will topic"));
                        ui.vertical(|ui| {
                            ui.text_edit_singleline(&mut p.will.topic)
                                .labelled_by(label.id);
                            show_problems(ui, Field::WillTopic);
                        });
                        ui.end_row();
                        let label = ui.label(t!("Will payload"));
                        ui.text_edit_singleline(&mut p.will.payload)
                            .labelled_by(label.id);
                        ui.end_row();
                        ui.label(t!("QoS"));
                        ui.horizontal(|ui| {
                            for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
                                ui.selectable_value(&mut p.will.qos, qos, qos.to_u8().to_string());
                            }
                            ui.checkbox(&mut p.will.retain, t!("Retain"));
                        });
                        ui.end_row();
                        optional_u32(
                            ui,
                            t!("Delay (s)").as_ref(),
                            &mut p.will.delay_interval_secs,
                            0,
                            u32::MAX,
                        );
                        ui.label("");
                        ui.end_row();
                        optional_u32(
                            ui,
                            t!("Message expiry (s)").as_ref(),
                            &mut p.will.message_expiry_interval_secs,
                            0,
                            u32::MAX,
                        );
                        ui.label("");
                        ui.end_row();
                        let label = ui.label(t!("Content type"));
                        ui.text_edit_singleline(&mut p.will.content_type)
                            .labelled_by(label.id);
                        ui.end_row();
                        let label = ui.label(t!("Response topic"));
                        ui.vertical(|ui| {
                            ui.text_edit_singleline(&mut p.will.response_topic)
                                .labelled_by(label.id);
                            show_problems(ui, Field::WillResponseTopic);
                        });
                        ui.end_row();
                        let label = ui.label(t!("Correlation data"));
                        ui.text_edit_singleline(&mut p.will.correlation_data)
                            .labelled_by(label.id);
                        ui.end_row();
                        ui.label(t!("UTF-8 payload"));
                        ui.checkbox(
                            &mut p.will.payload_format_indicator,
                            t!("Payload Format Indicator = 1"),
                        );
                        ui.end_row();
                    });
                    user_property_table(ui, "will-user-properties", &mut p.will.user_properties);
                }
            });
        if p.transport.is_tls() {
            egui::CollapsingHeader::new(t!("TLS"))
                .id_salt("tls")
                .default_open(true)
                .show(ui, |ui| {
                    egui::Grid::new("tls-grid").num_columns(2).show(ui, |ui| {
                        path_field(ui, t!("CA file").as_ref(), &mut p.tls.ca_file);
                        ui.end_row();
                        show_problems(ui, Field::TlsCaFile);
                        ui.end_row();
                        ui.label(t!("Trust"));
                        ui.checkbox(
                            &mut p.tls.use_os_roots,
                            t!("the operating system's certificates"),
                        );
                        ui.end_row();
                        path_field(
                            ui,
                            t!("Client certificate").as_ref(),
                            &mut p.tls.client_cert,
                        );
                        ui.end_row();
                        show_problems(ui, Field::TlsClientCert);
                        ui.end_row();
                        path_field(ui, t!("Client key").as_ref(), &mut p.tls.client_key);
                        ui.end_row();
                        show_problems(ui, Field::TlsClientKey);
                        ui.end_row();
                        ui.label(t!("Server name (SNI)"));
                        let mut name = p.tls.server_name.clone().unwrap_or_default();
                        if ui
                            .add(egui::TextEdit::singleline(&mut name).hint_text(t!("the host")))
                            .changed()
                        {
                            p.tls.server_name = (!name.is_empty()).then_some(name);
                        }
                        ui.end_row();
                        ui.label(t!("ALPN"));
                        let mut alpn = p.tls.alpn.join(", ");
                        if ui
                            .add(egui::TextEdit::singleline(&mut alpn).hint_text("mqtt"))
                            .changed()
                        {
                            p.tls.alpn = alpn
                                .split(',')
                                .map(|s| s.trim().to_owned())
                                .filter(|s| !s.is_empty())
                                .collect();
                        }
                        ui.end_row();
                        ui.label(t!("Verification"));
                        ui.checkbox(
                            &mut p.tls.skip_verification,
                            t!("skip certificate verification (unsafe)"),
                        );
                        ui.end_row();
                    });
                });
        }
    }
}

fn optional_u32(ui: &mut egui::Ui, label: &str, value: &mut Option<u32>, min: u32, max: u32) {
    let mut on = value.is_some();
    let check = ui.checkbox(&mut on, label);
    match (on, value.as_mut()) {
        (true, Some(v)) => {
            ui.add(egui::DragValue::new(v).range(min..=max))
                .labelled_by(check.id);
        }
        (true, None) => *value = Some(min.max(60)),
        (false, _) => {
            *value = None;
            ui.label(RichText::new(t!("not sent")).weak());
        }
    }
}

fn optional_u16(ui: &mut egui::Ui, label: &str, value: &mut Option<u16>, min: u16) {
    let mut on = value.is_some();
    let check = ui.checkbox(&mut on, label);
    match (on, value.as_mut()) {
        (true, Some(v)) => {
            ui.add(egui::DragValue::new(v).range(min..=u16::MAX))
                .labelled_by(check.id);
        }
        (true, None) => *value = Some(min.max(10)),
        (false, _) => {
            *value = None;
            ui.label(RichText::new(t!("not sent")).weak());
        }
    }
}

fn path_field(ui: &mut egui::Ui, label: &str, value: &mut Option<std::path::PathBuf>) {
    let label = ui.label(label);
    ui.horizontal(|ui| {
        let mut text = value
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        if ui
            .add(egui::TextEdit::singleline(&mut text).desired_width(220.0))
            .labelled_by(label.id)
            .changed()
        {
            *value = (!text.trim().is_empty()).then(|| text.trim().into());
        }
        if ui.small_button(t!("Remove")).clicked() {
            *value = None;
        }
    });
}
