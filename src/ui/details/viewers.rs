//! The payload viewers: text, JSON, hex, base64, CBOR and MessagePack. What
//! a viewer shows is made once per selected message and kept, and it is
//! bounded: a 100 MiB payload shows its first part at once, with its size,
//! "Show more" and "Save to file…"; the hex view draws only the rows on
//! screen, whatever the size.

use base64::Engine;
use egui::RichText;
use rust_i18n::t;
use serde_json::Value;

use super::super::{Action, format_bytes, hex, json};
use crate::model::StoredMessage;
use crate::payload::{DecodeError, Format};

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
    /// The decoded value, or why not.
    Decoded(Result<Value, DecodeError>),
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
    ) -> Option<Action> {
        if self.made_for.is_some_and(|(seq, _, _)| seq != message.seq) {
            self.shown = SHOWN_AT_FIRST;
        }
        let key = (message.seq, viewer, self.shown);
        if self.made_for != Some(key) {
            self.made = make(viewer, &message.payload, self.shown);
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
            Made::Decoded(Ok(value)) => {
                json::show(ui, value, ui.scope_id().with(("decoded", message.seq)));
            }
            Made::Decoded(Err(error)) => {
                let format = if viewer == Viewer::Cbor {
                    Format::Cbor
                } else {
                    Format::MessagePack
                };
                ui.label(
                    RichText::new(t!(
                        "The payload is not valid %{format}: %{error}.",
                        format = format.name(),
                        error = super::super::words::decode_error(error)
                    ))
                    .weak(),
                );
            }
            Made::Hex => hex_rows(ui, &message.payload),
            Made::TooLarge => {}
        }
        action
    }
}

/// What `viewer` shows of `payload`, with at most `shown` bytes of text.
fn make(viewer: Viewer, payload: &[u8], shown: usize) -> Made {
    let parse = |f: &dyn Fn() -> Made| {
        if payload.len() > LARGEST_PARSED {
            Made::TooLarge
        } else {
            f()
        }
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
        Viewer::Json => parse(&|| Made::Json(json::parse(payload))),
        Viewer::Hex => Made::Hex,
        Viewer::Base64 => {
            let part = &payload[..payload.len().min(shown / 3 * 3)];
            Made::Base64(base64::engine::general_purpose::STANDARD.encode(part))
        }
        Viewer::Cbor => parse(&|| Made::Decoded(crate::payload::decode(Format::Cbor, payload))),
        Viewer::MessagePack => {
            parse(&|| Made::Decoded(crate::payload::decode(Format::MessagePack, payload)))
        }
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

/// The binary format the message's Content Type names, if any.
pub fn content_format(message: &StoredMessage) -> Option<Format> {
    message
        .properties
        .as_ref()?
        .content_type()
        .and_then(Format::from_content_type)
}

/// The viewer of a format.
pub fn viewer_for(format: Format) -> Viewer {
    match format {
        Format::Cbor => Viewer::Cbor,
        Format::MessagePack => Viewer::MessagePack,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
