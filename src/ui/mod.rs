//! The window's panels. Each draws part of the model and returns what the
//! person asked for as [`Action`]s; `app.rs` carries them out. Every text a
//! person reads goes through the translation layer (`t!` / [`tr`]).

pub mod connection;
pub mod details;
pub mod hex;
pub mod json;
pub mod messages;
pub mod packets;
pub mod publish;
pub mod status;
pub mod subscriptions;
pub mod tree;

use std::borrow::Cow;

use egui::Color32;

use crate::proto::{Properties, Publish, SubscribeFilter};

/// What the person asked for.
#[derive(Clone, Debug)]
pub enum Action {
    /// Connect the active tab.
    Connect,
    /// Disconnect the active tab.
    Disconnect,
    /// Subscribe to filters.
    Subscribe(Vec<SubscribeFilter>, Properties),
    /// Unsubscribe from a filter.
    Unsubscribe(String),
    /// Publish a message.
    Publish(Publish),
    /// Delete the retained message of a topic (publish an empty retained message).
    DeleteRetained(String),
    /// Switch the packet log.
    SetPacketLog(bool),
}

/// Translate a text made at run time (reason meanings, error messages).
pub fn tr(text: &str) -> String {
    let key = text.to_owned();
    rust_i18n::t!(key).into_owned()
}

/// A small filled circle of `color`, as a status light.
pub fn dot(ui: &mut egui::Ui, color: Color32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 5.0, color);
    response
}

/// A color for warnings that reads well in both themes.
pub fn warning_color(ui: &egui::Ui) -> Color32 {
    ui.visuals().warn_fg_color
}

/// A color for errors that reads well in both themes.
pub fn error_color(ui: &egui::Ui) -> Color32 {
    ui.visuals().error_fg_color
}

/// Show a field's error in plain words under it.
pub fn field_message(ui: &mut egui::Ui, message: &str) {
    ui.label(
        egui::RichText::new(tr(message))
            .color(error_color(ui))
            .small(),
    );
}

/// Shorten text to `max` characters with an ellipsis.
pub fn shorten(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((index, _)) => Cow::Owned(format!("{}…", &text[..index])),
        None => Cow::Borrowed(text),
    }
}

/// A one-line preview of a payload.
pub fn payload_preview(payload: &[u8], max: usize) -> String {
    match std::str::from_utf8(payload) {
        Ok(text) => {
            let line: String = text
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .take(max + 1)
                .collect();
            shorten(&line, max).into_owned()
        }
        Err(_) => format!("{} bytes (binary)", payload.len()),
    }
}

/// Format a time of day with milliseconds, in UTC.
pub fn time_of_day(micros: u64) -> String {
    let secs = micros / 1_000_000;
    let millis = (micros / 1000) % 1000;
    format!(
        "{:02}:{:02}:{:02}.{millis:03} UTC",
        (secs / 3600) % 24,
        (secs / 60) % 60,
        secs % 60
    )
}

/// A byte count in words.
pub fn format_bytes(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_helpers() {
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(payload_preview(b"a\nb", 10), "a b");
        assert_eq!(payload_preview(&[0xFF, 0], 10), "2 bytes (binary)");
        assert_eq!(time_of_day(3_723_004_000), "01:02:03.004 UTC");
        assert_eq!(format_bytes(2048), "2.0 KB");
    }
}
