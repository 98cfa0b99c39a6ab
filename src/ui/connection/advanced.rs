//! The editor's "Advanced" section: session options, the will message and TLS.

use rust_i18n::t;

use super::Problems;
use super::fields::{optional_u16, optional_u32, path_field};
use crate::profiles::{Field, Profile};
use crate::proto::{ProtocolVersion, QoS};
use crate::ui::widgets::user_property_table;

/// Draw every option of `p` that "Basic" leaves out.
pub(super) fn show(
    p: &mut Profile,
    key_passphrase: &mut String,
    ui: &mut egui::Ui,
    problems: &Problems,
) {
    egui::Grid::new("advanced")
        .num_columns(2)
        .spacing([8.0, 4.0])
        .show(ui, |ui| {
            session_fields(p, ui, problems);
            network_fields(p, ui, problems);
        });
    user_property_table(
        ui,
        "connect-user-properties",
        &mut p.advanced.user_properties,
    );
    will(p, ui, problems);
    if p.transport.is_tls() {
        tls(p, key_passphrase, ui, problems);
    }
}

/// MQTT version, keep alive, clean start and the CONNECT limits.
fn session_fields(p: &mut Profile, ui: &mut egui::Ui, problems: &Problems) {
    ui.label(t!("MQTT version"));
    ui.horizontal(|ui| {
        ui.selectable_value(&mut p.advanced.mqtt_version, ProtocolVersion::V5, "5.0");
        ui.selectable_value(&mut p.advanced.mqtt_version, ProtocolVersion::V311, "3.1.1");
    });
    ui.end_row();
    let label = ui.label(t!("Keep alive (s)"));
    ui.vertical(|ui| {
        ui.add(egui::DragValue::new(&mut p.advanced.keep_alive_secs).range(0..=u16::MAX))
            .labelled_by(label.id);
        problems.show(ui, Field::KeepAlive);
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
    problems.show(ui, Field::SessionExpiryInterval);
    ui.end_row();
    optional_u16(
        ui,
        t!("Receive maximum").as_ref(),
        &mut p.advanced.receive_maximum,
        1,
    );
    problems.show(ui, Field::ReceiveMaximum);
    ui.end_row();
    optional_u32(
        ui,
        t!("Maximum packet size").as_ref(),
        &mut p.advanced.maximum_packet_size,
        1,
        u32::MAX,
    );
    problems.show(ui, Field::MaximumPacketSize);
    ui.end_row();
    optional_u16(
        ui,
        t!("Topic alias maximum").as_ref(),
        &mut p.advanced.topic_alias_maximum,
        0,
    );
    ui.label("");
    ui.end_row();
}

/// What to ask the broker, timeouts, reconnecting and the WebSocket path.
fn network_fields(p: &mut Profile, ui: &mut egui::Ui, problems: &Problems) {
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
            problems.show(ui, Field::WebSocketPath);
        });
        ui.end_row();
    }
}

/// The will message, sent by the broker if the connection is lost.
fn will(p: &mut Profile, ui: &mut egui::Ui, problems: &Problems) {
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
                        problems.show(ui, Field::WillTopic);
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
                        problems.show(ui, Field::WillResponseTopic);
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
}

/// Certificates, SNI, ALPN and verification.
fn tls(p: &mut Profile, key_passphrase: &mut String, ui: &mut egui::Ui, problems: &Problems) {
    egui::CollapsingHeader::new(t!("TLS"))
        .id_salt("tls")
        .default_open(true)
        .show(ui, |ui| {
            egui::Grid::new("tls-grid").num_columns(2).show(ui, |ui| {
                path_field(ui, t!("CA file").as_ref(), &mut p.tls.ca_file);
                ui.end_row();
                problems.show(ui, Field::TlsCaFile);
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
                problems.show(ui, Field::TlsClientCert);
                ui.end_row();
                path_field(ui, t!("Client key").as_ref(), &mut p.tls.client_key);
                ui.end_row();
                problems.show(ui, Field::TlsClientKey);
                ui.end_row();
                let label = ui.label(t!("Key passphrase"));
                ui.vertical(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(key_passphrase)
                            .password(true)
                            .hint_text(t!("only for an encrypted key or a .p12 bundle")),
                    )
                    .labelled_by(label.id);
                    ui.label(
                        egui::RichText::new(t!("Kept like the password: in the system keyring when the password goes there, otherwise for this run only. Never written to disk."))
                            .small()
                            .weak(),
                    );
                });
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
                let label = ui.label(t!("Trusted certificate"));
                ui.vertical(|ui| {
                    let mut text = p.tls.trusted_fingerprint.clone().unwrap_or_default();
                    if ui
                        .add(
                            egui::TextEdit::singleline(&mut text)
                                .hint_text(t!("SHA-256 fingerprint, AB:CD:…"))
                                .font(egui::TextStyle::Monospace)
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label.id)
                        .changed()
                    {
                        let text = text.trim().to_owned();
                        p.tls.trusted_fingerprint = (!text.is_empty()).then_some(text);
                    }
                    ui.label(
                        egui::RichText::new(t!("When set, only the certificate with this fingerprint is trusted, whoever signed it; checked on every connect."))
                            .small()
                            .weak(),
                    );
                    problems.show(ui, Field::TlsTrustedFingerprint);
                });
                ui.end_row();
            });
        });
}
