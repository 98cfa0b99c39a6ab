//! Publishing: topic, payload (text, JSON, hex, or a file), QoS, retain, the
//! MQTT 5 properties, the outcome, and a history to resend from.

use bytes::Bytes;
use egui::RichText;
use rust_i18n::t;

use super::widgets::user_property_table;
use super::{Action, error_color, field_message, format_bytes, payload_preview, tr, words};
use crate::app::PickedFile;
use crate::command_line::{NoCommand, Tool, publish_command};
use crate::model::{ConnectionModel, PublishOutcome};
use crate::profiles::{Profile, SavedMessage, UserProperty};
use crate::proto::{Properties, Property, Publish, QoS, topic};

/// The Publish panel's topic until one is typed or selected.
pub const DEFAULT_TOPIC: &str = "mqscope/hello";

pub use crate::profiles::PayloadMode;

/// The publish form.
pub struct PublishForm {
    /// Topic.
    pub topic: String,
    /// The topic was filled in from the tree's selection (not typed).
    pub topic_from_selection: bool,
    /// Payload text (text, JSON or hex).
    pub payload: String,
    /// How the payload is written.
    pub mode: PayloadMode,
    /// QoS 0–2.
    pub qos: u8,
    /// Retain.
    pub retain: bool,
    /// Content Type.
    pub content_type: String,
    /// Payload Format Indicator: the payload is UTF-8 text.
    pub utf8_indicator: bool,
    /// Message Expiry Interval in seconds (empty: none).
    pub expiry: String,
    /// Response Topic.
    pub response_topic: String,
    /// Correlation Data (as text).
    pub correlation: String,
    /// User Properties.
    pub user_properties: Vec<UserProperty>,
    /// Publish as a request: a fresh Correlation Data each time, a
    /// Response Topic (one is made up when none is typed), subscribed to.
    pub expect_response: bool,
    file: Option<PickedFile>,
    /// A file dialog is open for this form.
    pub picking: bool,
    /// The timer row.
    pub timer: super::timers::TimerForm,
}

impl Default for PublishForm {
    fn default() -> Self {
        PublishForm {
            topic: DEFAULT_TOPIC.to_owned(),
            topic_from_selection: false,
            payload: "Hello from mqscope".to_owned(),
            mode: PayloadMode::Text,
            qos: 0,
            retain: false,
            content_type: String::new(),
            utf8_indicator: false,
            expiry: String::new(),
            response_topic: String::new(),
            correlation: String::new(),
            user_properties: Vec::new(),
            expect_response: false,
            file: None,
            picking: false,
            timer: Default::default(),
        }
    }
}

/// Parse hex text into bytes. Bytes may be separated by spaces, commas or
/// colons, and each group may start with `0x`; anything else is an error
/// that names the character.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let mut digits = Vec::with_capacity(text.len());
    for group in text.split(|c: char| c.is_whitespace() || c == ',' || c == ':') {
        let group = group
            .strip_prefix("0x")
            .or_else(|| group.strip_prefix("0X"))
            .unwrap_or(group);
        for character in group.chars() {
            match character.to_digit(16) {
                Some(digit) => digits.push(digit as u8),
                None => {
                    return Err(t!(
                        "\"%{character}\" is not a hex digit (0-9, a-f); separate bytes with spaces.",
                        character = character
                    )
                    .into_owned());
                }
            }
        }
    }
    if !digits.len().is_multiple_of(2) {
        return Err(t!("Hex needs two digits per byte; one digit is left over.").into_owned());
    }
    Ok(digits
        .chunks_exact(2)
        .map(|pair| (pair[0] << 4) | pair[1])
        .collect())
}

impl PublishForm {
    /// Whether the topic is still the default or one taken from the tree.
    pub fn topic_untouched(&self) -> bool {
        self.topic_from_selection || self.topic == DEFAULT_TOPIC || self.topic.is_empty()
    }

    /// The form as a library message called `name`, for `profile_id`.
    pub fn to_saved(&self, name: &str, profile_id: &str) -> SavedMessage {
        SavedMessage {
            profile_id: profile_id.to_owned(),
            name: name.trim().to_owned(),
            topic: self.topic.clone(),
            payload_mode: self.mode,
            payload: if self.mode == PayloadMode::File {
                String::new()
            } else {
                self.payload.clone()
            },
            file: (self.mode == PayloadMode::File)
                .then(|| self.file.as_ref().map(|f| f.path.clone()))
                .flatten(),
            qos: QoS::from_u8(self.qos).unwrap_or_default(),
            retain: self.retain,
            content_type: self.content_type.clone(),
            payload_format_indicator: self.utf8_indicator,
            message_expiry_interval_secs: self.expiry.trim().parse().ok(),
            response_topic: self.response_topic.clone(),
            correlation_data: self.correlation.clone(),
            user_properties: self.user_properties.clone(),
            ..SavedMessage::default()
        }
    }

    /// Fill the form from a library message. A file's contents are not
    /// read here: the caller has the worker read
    /// [`SavedMessage::file`] and hands it over with [`PublishForm::set_file`].
    pub fn load_saved(&mut self, saved: &SavedMessage) {
        self.topic.clone_from(&saved.topic);
        self.topic_from_selection = false;
        self.mode = saved.payload_mode;
        self.payload.clone_from(&saved.payload);
        self.file = None;
        self.qos = saved.qos.to_u8();
        self.retain = saved.retain;
        self.content_type.clone_from(&saved.content_type);
        self.utf8_indicator = saved.payload_format_indicator;
        self.expiry = saved
            .message_expiry_interval_secs
            .map(|s| s.to_string())
            .unwrap_or_default();
        self.response_topic.clone_from(&saved.response_topic);
        self.correlation.clone_from(&saved.correlation_data);
        self.user_properties.clone_from(&saved.user_properties);
    }

    /// The message the form describes, or what is wrong with it.
    pub fn build(&self) -> Result<Publish, Vec<String>> {
        let mut problems = Vec::new();
        if let Err(error) = topic::validate_topic_name(&self.topic) {
            problems.push(format!("Topic: {error}"));
        }
        let payload = self.payload_bytes(&mut problems);
        let properties = self.properties(&payload, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut publish = Publish::new(self.topic.as_str(), payload);
        publish.qos = QoS::from_u8(self.qos).unwrap_or_default();
        publish.retain = self.retain;
        publish.properties = properties;
        Ok(publish)
    }

    /// The payload as bytes, in the chosen mode; a problem if it cannot be.
    fn payload_bytes(&self, problems: &mut Vec<String>) -> Bytes {
        match self.mode {
            PayloadMode::Text => Bytes::from(self.payload.clone().into_bytes()),
            PayloadMode::Json => {
                if let Err(error) = serde_json::from_str::<serde_json::Value>(&self.payload) {
                    problems.push(format!("The payload is not valid JSON: {error}"));
                }
                Bytes::from(self.payload.clone().into_bytes())
            }
            PayloadMode::Hex => match parse_hex(&self.payload) {
                Ok(bytes) => Bytes::from(bytes),
                Err(error) => {
                    problems.push(error);
                    Bytes::new()
                }
            },
            PayloadMode::File => match &self.file {
                Some(PickedFile {
                    contents: Ok(bytes),
                    ..
                }) => bytes.clone(),
                Some(PickedFile {
                    path,
                    contents: Err(error),
                }) => {
                    problems.push(words::payload_file_error(path, error));
                    Bytes::new()
                }
                None => {
                    problems.push("Choose a file to send.".to_owned());
                    Bytes::new()
                }
            },
        }
    }

    /// The MQTT 5 properties as typed; a problem for each that cannot be sent.
    fn properties(&self, payload: &[u8], problems: &mut Vec<String>) -> Properties {
        let mut properties = Properties::new();
        if !self.content_type.is_empty() {
            properties.push(Property::ContentType(self.content_type.as_str().into()));
        }
        if self.utf8_indicator {
            if std::str::from_utf8(payload).is_err() {
                problems
                    .push("The payload is marked as UTF-8 text but is not valid UTF-8.".to_owned());
            }
            properties.push(Property::PayloadFormatIndicator(1));
        }
        if !self.expiry.trim().is_empty() {
            match self.expiry.trim().parse::<u32>() {
                Ok(secs) => properties.push(Property::MessageExpiryInterval(secs)),
                Err(_) => {
                    problems.push("Message expiry must be a whole number of seconds.".to_owned())
                }
            }
        }
        if !self.response_topic.is_empty() {
            if let Err(error) = topic::validate_topic_name(&self.response_topic) {
                problems.push(format!("Response topic: {error}"));
            }
            properties.push(Property::ResponseTopic(self.response_topic.as_str().into()));
        }
        if !self.correlation.is_empty() {
            properties.push(Property::CorrelationData(Bytes::from(
                self.correlation.clone().into_bytes(),
            )));
        }
        for pair in &self.user_properties {
            if !pair.name.is_empty() {
                properties.push(Property::UserProperty(
                    pair.name.as_str().into(),
                    pair.value.as_str().into(),
                ));
            }
        }
        properties
    }

    /// Fill the form from a message sent before.
    pub fn load(&mut self, publish: &Publish) {
        self.topic = publish.topic.to_string();
        self.qos = publish.qos.to_u8();
        self.retain = publish.retain;
        match std::str::from_utf8(&publish.payload) {
            Ok(text) => {
                self.payload = text.to_owned();
                self.mode = if serde_json::from_str::<serde_json::Value>(text).is_ok()
                    && text.trim_start().starts_with(['{', '['])
                {
                    PayloadMode::Json
                } else {
                    PayloadMode::Text
                };
            }
            Err(_) => {
                self.payload = publish
                    .payload
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                self.mode = PayloadMode::Hex;
            }
        }
        let p = &publish.properties;
        self.content_type = p.content_type().unwrap_or_default().to_owned();
        self.utf8_indicator = p.payload_format_indicator() == Some(1);
        self.expiry = p
            .message_expiry_interval_secs()
            .map(|s| s.to_string())
            .unwrap_or_default();
        self.response_topic = p.response_topic().unwrap_or_default().to_owned();
        self.correlation = p
            .correlation_data()
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_default();
        self.user_properties = p
            .user_properties()
            .map(|(name, value)| UserProperty {
                name: name.to_owned(),
                value: value.to_owned(),
            })
            .collect();
    }

    /// The file the worker read for the payload (or why it could not).
    pub fn set_file(&mut self, file: PickedFile) {
        self.file = Some(file);
        self.picking = false;
    }

    /// Draw the form and the history of sent messages.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
        profile: &Profile,
        timers: &[crate::app::timers::PublishTimer],
    ) -> Option<Action> {
        let built = self.build();
        self.topic_qos_and_mode(ui, model);
        let mut actions = vec![self.payload_editor(ui)];
        // The button right under the payload, above the properties, so
        // that the two are always in sight together.
        actions.push(self.publish_button(ui, model, profile, &built));
        actions.push(self.timer.below(ui, timers));
        self.properties_editor(ui);
        actions.push(self.sent_list(ui, model));
        actions.into_iter().flatten().last()
    }

    /// Topic, QoS, retain (with the broker's limits) and the payload's kind.
    fn topic_qos_and_mode(&mut self, ui: &mut egui::Ui, model: &ConnectionModel) {
        egui::Grid::new("publish-form")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                let label = ui.label(t!("Topic"));
                let edit = ui
                    .add(egui::TextEdit::singleline(&mut self.topic).desired_width(f32::INFINITY))
                    .labelled_by(label.id);
                if edit.changed() {
                    // Typed: a later selection in the tree leaves it alone.
                    self.topic_from_selection = false;
                }
                ui.end_row();
                ui.label(t!("QoS"));
                ui.horizontal(|ui| {
                    for qos in 0..=2u8 {
                        ui.selectable_value(&mut self.qos, qos, qos.to_string());
                    }
                    ui.checkbox(&mut self.retain, t!("Retain"));
                    if let Some(broker) = model.broker() {
                        if self.qos > broker.maximum_qos.to_u8() {
                            ui.label(
                                RichText::new(t!(
                                    "the broker accepts up to QoS %{q}",
                                    q = broker.maximum_qos.to_u8()
                                ))
                                .color(error_color(ui)),
                            );
                        }
                        if self.retain && !broker.retain_available {
                            ui.label(
                                RichText::new(t!("the broker does not keep retained messages"))
                                    .color(error_color(ui)),
                            );
                        }
                    }
                });
                ui.end_row();
                ui.label(t!("Payload"));
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.mode, PayloadMode::Text, t!("Text"));
                    ui.selectable_value(&mut self.mode, PayloadMode::Json, t!("JSON"));
                    ui.selectable_value(&mut self.mode, PayloadMode::Hex, t!("Hex"));
                    ui.selectable_value(&mut self.mode, PayloadMode::File, t!("File"));
                });
                ui.end_row();
            });
    }

    /// The payload: a text editor, or the file chosen.
    fn payload_editor(&mut self, ui: &mut egui::Ui) -> Option<Action> {
        let mut action = None;
        match self.mode {
            PayloadMode::File => {
                ui.horizontal(|ui| {
                    if ui
                        .add_enabled(!self.picking, egui::Button::new(t!("Choose file…")))
                        .clicked()
                    {
                        action = Some(Action::PickPayloadFile);
                    }
                    match &self.file {
                        Some(PickedFile {
                            path,
                            contents: Ok(bytes),
                        }) => {
                            ui.label(format!(
                                "{} — {}",
                                path.display(),
                                format_bytes(bytes.len())
                            ));
                        }
                        Some(PickedFile {
                            path,
                            contents: Err(error),
                        }) => field_message(ui, &words::payload_file_error(path, error)),
                        None => {
                            ui.label(RichText::new(t!("No file chosen.")).weak());
                        }
                    }
                });
            }
            _ => {
                ui.add(
                    egui::TextEdit::multiline(&mut self.payload)
                        .code_editor()
                        .desired_rows(4)
                        .desired_width(f32::INFINITY)
                        .hint_text(t!("Payload")),
                );
            }
        }
        action
    }

    /// The MQTT 5 properties of the message.
    fn properties_editor(&mut self, ui: &mut egui::Ui) {
        egui::CollapsingHeader::new(t!("MQTT 5 properties")).show(ui, |ui| {
            egui::Grid::new("publish-properties")
                .num_columns(2)
                .show(ui, |ui| {
                    let label = ui.label(t!("Content type"));
                    ui.text_edit_singleline(&mut self.content_type)
                        .labelled_by(label.id);
                    ui.end_row();
                    ui.label(t!("Payload is UTF-8 text"));
                    ui.checkbox(&mut self.utf8_indicator, t!("Payload Format Indicator = 1"));
                    ui.end_row();
                    let label = ui.label(t!("Message expiry (s)"));
                    ui.text_edit_singleline(&mut self.expiry)
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(t!("Response topic"));
                    ui.text_edit_singleline(&mut self.response_topic)
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(t!("Correlation data"));
                    ui.text_edit_singleline(&mut self.correlation)
                        .labelled_by(label.id);
                    ui.end_row();
                });
            user_property_table(ui, "publish-user-properties", &mut self.user_properties);
        });
    }

    /// The form as a request: a fresh Correlation Data, and a Response
    /// Topic made up when none is typed (both shown in the form).
    fn as_request(&mut self, plain: &Publish) -> Action {
        self.correlation = crate::ui::requests::fresh_correlation();
        if self.response_topic.trim().is_empty() {
            self.response_topic = format!("mqscope/reply/{}", &self.correlation[..8]);
        }
        match self.build() {
            Ok(publish) => Action::PublishRequest(publish),
            // The form was valid a moment ago; what changed is ours.
            Err(_) => Action::Publish(plain.clone()),
        }
    }

    /// What is wrong with the form, and Publish (Ctrl+Enter).
    fn publish_button(
        &mut self,
        ui: &mut egui::Ui,
        model: &ConnectionModel,
        profile: &Profile,
        built: &Result<Publish, Vec<String>>,
    ) -> Option<Action> {
        let mut action = None;
        if let Err(problems) = built {
            for problem in problems {
                field_message(ui, problem);
            }
        }
        let shortcut = ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter));
        ui.horizontal(|ui| {
            let can = built.is_ok() && model.is_connected();
            let button = ui
                .add_enabled(can, egui::Button::new(t!("Publish")))
                .on_hover_text(t!("Ctrl+Enter"));
            if (button.clicked() || (shortcut && can))
                && let Ok(publish) = built
            {
                action = Some(if self.expect_response {
                    self.as_request(publish)
                } else {
                    Action::Publish(publish.clone())
                });
            }
            ui.checkbox(&mut self.expect_response, t!("Expect a response"))
                .on_hover_text(t!(
                    "Send it with a Response Topic and a fresh Correlation Data, subscribe to the Response Topic, and pair the answer with it in Requests"
                ));
            if let Ok(publish) = built {
                Self::copy_as_command(ui, profile, publish);
            }
            ui.separator();
            if let Some(start) = self
                .timer
                .fields(ui, built.as_ref().ok(), model.is_connected())
            {
                action = Some(start);
            }
            if !model.is_connected() {
                ui.label(RichText::new(t!("Connect first.")).weak());
            }
        });
        action
    }

    /// "Copy as command": the message as an `mqscope pub` or
    /// `mosquitto_pub` line for a shell, on the clipboard.
    pub(super) fn copy_as_command(ui: &mut egui::Ui, profile: &Profile, publish: &Publish) {
        ui.menu_button(t!("Copy as command"), |ui| {
        for (tool, name) in [
            (Tool::Mqscope, "mqscope pub"),
            (Tool::Mosquitto, "mosquitto_pub"),
        ] {
            match publish_command(tool, profile, publish) {
                Ok(line) => {
                    if ui.button(name).on_hover_text(&line).clicked() {
                        ui.ctx().copy_text(line);
                    }
                }
                Err(NoCommand::WebSocket) => {
                    ui.add_enabled(false, egui::Button::new(name))
                        .on_disabled_hover_text(t!("mosquitto_pub cannot connect over WebSocket."));
                }
            }
        }
    })
    .response
    .on_hover_text(t!(
        "Copy this message as a shell command that publishes it (for a script or a bug report). The password is read from $MQTT_PASSWORD, never written."
    ));
    }

    /// The messages sent, newest first, to resend or edit.
    fn sent_list(&mut self, ui: &mut egui::Ui, model: &ConnectionModel) -> Option<Action> {
        let mut action = None;
        ui.separator();
        ui.label(RichText::new(t!("Sent")).strong());
        egui::ScrollArea::vertical()
            .id_salt("sent")
            .max_height(160.0)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                for record in model.published.iter().rev() {
                    ui.horizontal(|ui| {
                        if ui.small_button(t!("Resend")).clicked() {
                            action = Some(Action::Publish(record.publish.clone()));
                        }
                        if ui.small_button(t!("Edit")).clicked() {
                            self.load(&record.publish);
                        }
                        let outcome = match &record.outcome {
                            PublishOutcome::Pending if record.publish.qos == QoS::AtMostOnce => {
                                t!("sent (QoS 0, no acknowledgment)").into_owned()
                            }
                            PublishOutcome::Pending => t!("waiting for the broker…").into_owned(),
                            PublishOutcome::Completed(reason) => format!(
                                "{} — {}",
                                reason.reason_code,
                                tr(reason.reason_code.meaning())
                            ),
                            PublishOutcome::Failed(error) => words::session_error(error),
                        };
                        ui.label(
                            RichText::new(format!(
                                "{} QoS {}{} {} → {}",
                                record.publish.topic,
                                record.publish.qos.to_u8(),
                                if record.publish.retain { " R" } else { "" },
                                payload_preview(&record.publish.payload, 30),
                                outcome
                            ))
                            .monospace(),
                        );
                    });
                }
            });
        action
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_and_validation() {
        assert_eq!(parse_hex("01 ff,0x7A"), Ok(vec![0x01, 0xFF, 0x7A]));
        assert!(parse_hex("abc").is_err());
        assert!(parse_hex("zz").is_err());
        // Multi-byte characters are refused by name, never sliced.
        let error = parse_hex("1ü1").expect_err("not hex");
        assert!(error.contains('ü'), "{error}");
        // `0x` starts a byte group; inside one it is not hex.
        assert!(parse_hex("10x2").is_err());
        assert_eq!(parse_hex("0X0a:0b"), Ok(vec![0x0A, 0x0B]));
        assert_eq!(parse_hex(""), Ok(vec![]));
        let mut form = PublishForm {
            topic: "a/+".into(),
            mode: PayloadMode::Json,
            payload: "{oops".into(),
            ..PublishForm::default()
        };
        let problems = form.build().unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        form.topic = "a/b".into();
        form.payload = r#"{"t": 1}"#.into();
        form.user_properties.push(UserProperty {
            name: "k".into(),
            value: "v".into(),
        });
        form.expiry = "60".into();
        let publish = form.build().unwrap();
        assert_eq!(publish.properties.message_expiry_interval_secs(), Some(60));
        assert_eq!(
            publish.properties.user_properties().next(),
            Some(("k", "v"))
        );
        let mut again = PublishForm::default();
        again.load(&publish);
        assert_eq!(again.mode, PayloadMode::Json);
        assert_eq!(again.build().unwrap(), publish);
    }
}
