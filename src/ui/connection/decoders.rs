//! The editor's "Decoders" section: how payloads on chosen topic filters
//! are read (a rule per filter, first match first, with its `.proto` or
//! `.avsc` schema), and the folders where `.proto` imports are found.

use egui::RichText;
use rust_i18n::t;

use crate::decode::{Compression, Format, Rule};
use crate::profiles::decoders::DecoderSettings;
use crate::ui::widgets::error_color;

/// Draw and edit `settings`.
pub(super) fn show(settings: &mut DecoderSettings, ui: &mut egui::Ui) {
    ui.label(
        RichText::new(t!(
            "Without a rule, mqscope reads a payload by its Content Type, the Sparkplug B topics, or what the bytes cannot be mistaken for (JSON, text, gzip). A rule says what a topic's payloads are; the first rule that matches wins."
        ))
        .weak(),
    );
    let mut removed = None;
    let mut moved_up = None;
    for (index, rule) in settings.rules.iter_mut().enumerate() {
        ui.push_id(("decoder-rule", index), |ui| {
            ui.horizontal_wrapped(|ui| {
                let filter = ui.label(t!("Topic filter"));
                ui.add(egui::TextEdit::singleline(&mut rule.filter).desired_width(180.0))
                    .labelled_by(filter.id);
                ui.label(t!("is"));
                egui::ComboBox::from_id_salt("format")
                    .selected_text(rule.decoder.name())
                    .show_ui(ui, |ui| {
                        for format in Format::ALL {
                            ui.selectable_value(&mut rule.decoder, format, format.name());
                        }
                    });
                egui::ComboBox::from_id_salt("compression")
                    .selected_text(compression_name(rule.compression))
                    .show_ui(ui, |ui| {
                        for choice in [
                            None,
                            Some(Compression::Gzip),
                            Some(Compression::Zlib),
                            Some(Compression::Deflate),
                        ] {
                            ui.selectable_value(
                                &mut rule.compression,
                                choice,
                                compression_name(choice),
                            );
                        }
                    });
                if index > 0
                    && ui
                        .small_button("⏶")
                        .on_hover_text(t!("Try this rule earlier"))
                        .clicked()
                {
                    moved_up = Some(index);
                }
                if ui.small_button(t!("Remove")).clicked() {
                    removed = Some(index);
                }
            });
            if rule.decoder == Format::Protobuf {
                protobuf_fields(rule, ui);
            }
            if rule.decoder == Format::Avro {
                avro_fields(rule, ui);
            }
            if crate::proto::topic::validate_topic_filter(&rule.filter).is_err() {
                ui.label(
                    RichText::new(t!(
                        "This is not a valid topic filter; the rule is left out until it is."
                    ))
                    .color(error_color(ui)),
                );
            }
        });
    }
    if let Some(index) = moved_up {
        settings.rules.swap(index - 1, index);
    }
    if let Some(index) = removed {
        settings.rules.remove(index);
    }
    if ui.button(t!("Add a decoder rule")).clicked() {
        settings.rules.push(Rule::new("#", Format::Json));
    }
    ui.add_space(4.0);
    let label = ui.label(t!("Folders for .proto imports (one per line)"));
    let mut text = settings.proto_paths.join("\n");
    if ui
        .add(
            egui::TextEdit::multiline(&mut text)
                .desired_rows(2)
                .desired_width(320.0),
        )
        .labelled_by(label.id)
        .changed()
    {
        settings.proto_paths = text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
    }
}

fn protobuf_fields(rule: &mut Rule, ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        let file = ui.label(t!(".proto file"));
        let mut path = rule.proto_file.clone().unwrap_or_default();
        if ui
            .add(egui::TextEdit::singleline(&mut path).desired_width(220.0))
            .labelled_by(file.id)
            .changed()
        {
            rule.proto_file = (!path.trim().is_empty()).then(|| path.trim().to_owned());
        }
        let kind = ui.label(t!("Message type"));
        let mut name = rule.message_type.clone().unwrap_or_default();
        if ui
            .add(
                egui::TextEdit::singleline(&mut name)
                    .hint_text("acme.Telemetry")
                    .desired_width(160.0),
            )
            .labelled_by(kind.id)
            .changed()
        {
            rule.message_type = (!name.trim().is_empty()).then(|| name.trim().to_owned());
        }
    });
    if rule.proto_file.is_none() || rule.message_type.is_none() {
        ui.label(
            RichText::new(t!(
                "A Protobuf rule needs the .proto file and the message type's full name (package and name). For any Protobuf payload without its schema, choose \"Protobuf (no schema)\"."
            ))
            .color(error_color(ui)),
        );
    }
}

fn avro_fields(rule: &mut Rule, ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        let file = ui.label(t!("Avro schema (.avsc)"));
        let mut path = rule.avro_schema.clone().unwrap_or_default();
        if ui
            .add(egui::TextEdit::singleline(&mut path).desired_width(220.0))
            .labelled_by(file.id)
            .changed()
        {
            rule.avro_schema = (!path.trim().is_empty()).then(|| path.trim().to_owned());
        }
    });
    if rule.avro_schema.is_none() {
        ui.label(
            RichText::new(t!(
                "Without a schema file, only Avro container files (which carry their own schema) can be read."
            ))
            .weak(),
        );
    }
}

fn compression_name(compression: Option<Compression>) -> String {
    match compression {
        None => t!("not compressed (or found by itself)").into_owned(),
        Some(method) => method.key().to_owned(),
    }
}
