//! The payload viewers: text, JSON, hex, base64, and the decoders (CBOR,
//! MessagePack, Protobuf with or without a schema, Sparkplug B). What
//! a viewer shows is made once per selected message and kept, and it is
//! bounded: a 100 MiB payload shows its first part at once, with its size,
//! "Show more" and "Save to file…"; the hex view draws only the rows on
//! screen, whatever the size.

use base64::Engine;
use egui::RichText;
use rust_i18n::t;
use serde_json::Value;

use super::super::{Action, format_bytes, hex, json};
use crate::decode::{DecodeError, Decoded, Format, Hints, Reader, Reason};
use crate::model::StoredMessage;

/// How the payload is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    /// As text.
    Text,
    /// As pretty, foldable JSON.
    Json,
    /// As a hex dump.
    Hex,
    /// As base64.
    Base64,
    /// Decoded from CBOR, shown as JSON.
    Cbor,
    /// Decoded from MessagePack, shown as JSON.
    MessagePack,
    /// Decoded from Protobuf: by the topic's rule's message type, else
    /// without a schema (field numbers).
    Protobuf,
    /// Decoded from Sparkplug B, aliases named from the births seen.
    Sparkplug,
    /// Decoded from Avro: by the topic's rule's schema, or a container
    /// file's own.
    Avro,
}

impl Viewer {
    /// The viewers offered, in order.
    pub const ALL: [Viewer; 9] = [
        Viewer::Text,
        Viewer::Json,
        Viewer::Hex,
        Viewer::Base64,
        Viewer::Cbor,
        Viewer::MessagePack,
        Viewer::Protobuf,
        Viewer::Sparkplug,
        Viewer::Avro,
    ];
}

/// What a viewer needs besides the message: its topic, the connection's
/// reader, and the format its content calls for.
pub struct Source<'a> {
    /// The message's topic.
    pub topic: &'a str,
    /// The connection's payload reader.
    pub reader: &'a Reader,
    /// The format the content calls for, and why.
    pub natural: &'a (Format, Reason),
}

/// How much of a payload the text and base64 viewers show at first; "Show
/// more" doubles it.
pub const SHOWN_AT_FIRST: usize = 64 * 1024;
/// Payloads larger than this are not parsed as JSON, CBOR or MessagePack in
/// the window (Save to file, and open it in a tool for that).
pub const LARGEST_PARSED: usize = 16 << 20;

/// What the viewer made for one message, kept until another is shown.
enum Made {
    /// The text viewer's part of the payload (`None`: not UTF-8).
    Text(Option<String>),
    /// The parsed JSON (`None`: not JSON).
    Json(Option<Value>),
    /// The base64 of the part shown.
    Base64(String),
    /// The decoded value (and the format it was read as), or why not.
    Decoded(Format, Result<Decoded, DecodeError>),
    /// The hex view makes its rows as they are drawn.
    Hex,
    /// Too large to parse.
    TooLarge,
}

/// The payload viewer's state.
pub struct PayloadView {
    made_for: Option<(u64, Viewer, usize)>,
    made: Made,
    shown: usize,
}

impl Default for PayloadView {
    fn default() -> Self {
        PayloadView {
            made_for: None,
            made: Made::Hex,
            shown: SHOWN_AT_FIRST,
        }
    }
}

impl PayloadView {
    /// Draw `message`'s payload in `viewer`; may ask to save it to a file.
    pub fn show(
        &mut self,
        ui: &mut egui::Ui,
        viewer: Viewer,
        message: &StoredMessage,
        source: &Source<'_>,
    ) -> Option<Action> {
        if self.made_for.is_some_and(|(seq, _, _)| seq != message.seq) {
            self.shown = SHOWN_AT_FIRST;
        }
        let key = (message.seq, viewer, self.shown);
        if self.made_for != Some(key) {
            self.made = make(viewer, message, self.shown, source);
            self.made_for = Some(key);
        }
        let mut action = None;
        let len = message.payload.len();
        let partial =
            matches!(self.made, Made::Text(Some(_)) | Made::Base64(_)) && len > self.shown;
        if partial || matches!(self.made, Made::TooLarge) {
            ui.horizontal_wrapped(|ui| {
                if partial {
                    ui.label(
                        RichText::new(t!(
                            "Showing the first %{shown} of %{size}.",
                            shown = format_bytes(self.shown),
                            size = format_bytes(len)
                        ))
                        .weak(),
                    );
                    if ui.small_button(t!("Show more")).clicked() {
                        self.shown = self.shown.saturating_mul(2);
                    }
                } else {
                    ui.label(
                        RichText::new(t!(
                            "This payload (%{size}) is too large to decode here.",
                            size = format_bytes(len)
                        ))
                        .weak(),
                    );
                }
                if ui.small_button(t!("Save to file…")).clicked() {
                    action = Some(Action::SavePayload(message.payload.to_vec().into()));
                }
            });
        }
        match &self.made {
            Made::Text(Some(text)) => {
                ui.add(egui::Label::new(RichText::new(text).monospace()).wrap());
            }
            Made::Text(None) => {
                ui.label(
                    RichText::new(t!("The payload is not UTF-8 text; see Hex or Base64.")).weak(),
                );
            }
            Made::Json(Some(value)) => {
                json::show(ui, value, ui.scope_id().with(("json", message.seq)));
            }
            Made::Json(None) => {
                ui.label(RichText::new(t!("The payload is not valid JSON.")).weak());
            }
            Made::Base64(encoded) => {
                ui.add(egui::Label::new(RichText::new(encoded).monospace()).wrap());
            }
            Made::Decoded(_, Ok(decoded)) => {
                if let Some((method, size)) = decoded.inflated_from {
                    ui.label(
                        RichText::new(t!(
                            "Decompressed from %{method} (%{size}).",
                            method = method.key(),
                            size = format_bytes(size)
                        ))
                        .weak(),
                    );
                }
                json::show(
                    ui,
                    &decoded.value,
                    ui.scope_id().with(("decoded", message.seq)),
                );
            }
            Made::Decoded(format, Err(error)) => {
                ui.label(
                    RichText::new(t!(
                        "The payload is not valid %{format}: %{error}. Its bytes:",
                        format = format.name(),
                        error = super::super::words::decode_error(error)
                    ))
                    .color(ui.visuals().warn_fg_color),
                );
                hex_rows(ui, &message.payload);
            }
            Made::Hex => hex_rows(ui, &message.payload),
            Made::TooLarge => {}
        }
        action
    }
}

/// What `viewer` shows of `message`, with at most `shown` bytes of text.
fn make(viewer: Viewer, message: &StoredMessage, shown: usize, source: &Source<'_>) -> Made {
    let payload = &message.payload[..];
    let parse = |f: &dyn Fn() -> Made| {
        if payload.len() > LARGEST_PARSED {
            Made::TooLarge
        } else {
            f()
        }
    };
    let decoded = |format: Format| {
        parse(&|| {
            let reason = if source.natural.0 == format {
                source.natural.1.clone()
            } else {
                Reason::Asked
            };
            let reading =
                source
                    .reader
                    .read_as(&hints(message, source.topic), payload, format, reason);
            Made::Decoded(format, reading.result)
        })
    };
    match viewer {
        Viewer::Text => Made::Text(match std::str::from_utf8(payload) {
            Ok(text) => Some(text[..text.floor_char_boundary(shown)].to_owned()),
            // Cut inside a character only: the shown part is still text.
            Err(error) if error.error_len().is_none() || error.valid_up_to() >= shown => {
                let valid = &payload[..error.valid_up_to()];
                std::str::from_utf8(valid)
                    .ok()
                    .map(|text| text[..text.floor_char_boundary(shown)].to_owned())
            }
            Err(_) => None,
        }),
        // Compressed JSON is taken out of its stream first.
        Viewer::Json if crate::decode::Compression::from_header(payload).is_some() => {
            decoded(Format::Json)
        }
        Viewer::Json => parse(&|| Made::Json(json::parse(payload))),
        Viewer::Hex => Made::Hex,
        Viewer::Base64 => {
            let part = &payload[..payload.len().min(shown / 3 * 3)];
            Made::Base64(base64::engine::general_purpose::STANDARD.encode(part))
        }
        Viewer::Cbor => decoded(Format::Cbor),
        Viewer::MessagePack => decoded(Format::MessagePack),
        Viewer::Protobuf => decoded(protobuf_format(source)),
        Viewer::Sparkplug => decoded(Format::Sparkplug),
        Viewer::Avro => decoded(Format::Avro),
    }
}

/// Protobuf by the topic's rule's schema when one is compiled, else without.
fn protobuf_format(source: &Source<'_>) -> Format {
    let schema = source
        .reader
        .context
        .rules
        .find(source.topic)
        .is_some_and(|rule| rule.decoder == Format::Protobuf && rule.message_type.is_some())
        && source.reader.context.pool.is_some();
    if schema {
        Format::Protobuf
    } else {
        Format::ProtobufRaw
    }
}

/// What the reader knows of `message` on `topic` besides its payload.
pub fn hints<'a>(message: &'a StoredMessage, topic: &'a str) -> Hints<'a> {
    let properties = message.properties.as_deref();
    Hints {
        topic,
        content_type: properties.and_then(|p| p.content_type()),
        payload_format_indicator: properties.and_then(|p| p.payload_format_indicator()),
    }
}

/// The hex dump, only the rows on screen laid out.
fn hex_rows(ui: &mut egui::Ui, payload: &[u8]) {
    let row_height = ui.text_style_height(&egui::TextStyle::Monospace);
    let rows = payload.len().div_ceil(16);
    egui::ScrollArea::vertical()
        .id_salt("payload-hex")
        .max_height(ui.available_height())
        .auto_shrink([false, true])
        .show_rows(ui, row_height, rows, |ui, range| {
            let start = range.start * 16;
            let end = (range.end * 16).min(payload.len());
            let text = hex::dump(&payload[start..end]);
            // The dump counts from 0; each row's real offset goes in front.
            let text: String = text
                .lines()
                .enumerate()
                .map(|(i, line)| format!("{:08X}{}\n", start + i * 16, &line[8..]))
                .collect();
            ui.label(RichText::new(text.trim_end()).monospace());
        });
}

/// The viewer of a format.
pub fn viewer_for(format: Format) -> Viewer {
    match format {
        Format::Text => Viewer::Text,
        Format::Json => Viewer::Json,
        Format::Cbor => Viewer::Cbor,
        Format::MessagePack => Viewer::MessagePack,
        Format::Protobuf | Format::ProtobufRaw => Viewer::Protobuf,
        Format::Sparkplug => Viewer::Sparkplug,
        Format::Avro => Viewer::Avro,
        Format::Raw => Viewer::Hex,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn make(viewer: Viewer, payload: &[u8], shown: usize) -> Made {
        let message = StoredMessage {
            seq: 1,
            topic: 0,
            prev_in_topic: 0,
            received_at_micros: 0,
            payload: payload.into(),
            properties: None,
            qos: crate::proto::QoS::AtMostOnce,
            retain: false,
            dup: false,
        };
        let reader = Reader::default();
        let natural = (Format::Raw, Reason::Binary);
        let source = Source {
            topic: "t",
            reader: &reader,
            natural: &natural,
        };
        super::make(viewer, &message, shown, &source)
    }

    #[test]
    fn a_large_text_shows_its_first_part_cut_at_a_character() {
        let payload = "ă".repeat(100_000).into_bytes(); // 200 000 bytes
        let Made::Text(Some(text)) = make(Viewer::Text, &payload, 1001) else {
            panic!("text expected");
        };
        assert_eq!(
            text.len(),
            1000,
            "cut before the character that does not fit"
        );
        // A payload cut inside its last character is still shown as text.
        let cut = &payload[..payload.len() - 1];
        assert!(matches!(make(Viewer::Text, cut, 10), Made::Text(Some(_))));
        assert!(matches!(
            make(Viewer::Text, b"\xff\xfe", 10),
            Made::Text(None)
        ));
    }

    #[test]
    fn base64_encodes_whole_groups_of_the_part_shown_and_large_payloads_are_not_parsed() {
        let Made::Base64(encoded) = make(Viewer::Base64, &[0u8; 100], 10) else {
            panic!("base64 expected");
        };
        assert_eq!(encoded, "AAAAAAAAAAAA", "9 bytes: three whole groups");
        let huge = vec![b' '; LARGEST_PARSED + 1];
        assert!(matches!(make(Viewer::Json, &huge, 10), Made::TooLarge));
        assert!(matches!(
            make(Viewer::Json, br#"{"a":1}"#, 10),
            Made::Json(Some(_))
        ));
    }
}
