//! The window's panels. Each draws part of the model and returns what the
//! person asked for as [`Action`]s; `app::actions` carries them out. None
//! spawns a thread or touches a file. Every text a
//! person reads goes through the translation layer (`t!` / [`tr`]).

pub mod action;
pub mod broker_stats;
pub mod connection;
pub mod details;
pub mod export;
pub mod hex;
pub mod json;
pub mod lab;
pub mod library;
pub mod messages;
pub mod packet_summary;
pub mod packets;
pub mod publish;
pub mod recording;
pub mod requests;
pub mod retained;
pub mod status;
pub mod subscriptions;
pub mod timers;
pub mod transfer;
pub mod tree;
pub mod widgets;
pub mod words;

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

pub use action::{Action, ExportWhat};
pub use widgets::{dot, error_color, field_message, format_bytes, warning_color};

/// Translate a text made at run time (reason meanings, error messages).
pub fn tr(text: &str) -> String {
    let key = text.to_owned();
    rust_i18n::t!(key).into_owned()
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
    // Only the start is looked at: a preview of a 10 MiB payload must not
    // read all of it (a character takes at most 4 bytes).
    let head = &payload[..payload.len().min(max.saturating_add(1).saturating_mul(4))];
    let text = match std::str::from_utf8(head) {
        Ok(text) => Ok(text),
        // Cut inside a character by the end of the head: the rest is text.
        Err(error) if error.error_len().is_none() && head.len() < payload.len() => {
            std::str::from_utf8(&head[..error.valid_up_to()])
        }
        Err(error) => Err(error),
    };
    match text {
        Ok(text) => {
            let line: String = text
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .take(max + 1)
                .collect();
            shorten(&line, max).into_owned()
        }
        Err(_) => rust_i18n::t!(
            crate::language::plural("%{count} bytes (binary)", payload.len() as u64),
            count = payload.len()
        )
        .into_owned(),
    }
}

/// Format a time of day with milliseconds, in UTC.
pub fn time_of_day(micros: u64) -> String {
    if SHOW_UTC.load(Ordering::Relaxed) {
        utc_time_of_day(micros)
    } else {
        local_time_of_day(micros)
    }
}

/// Whether times are shown in UTC (the setting), rather than local time.
static SHOW_UTC: AtomicBool = AtomicBool::new(false);

/// Show times in UTC (`true`) or in local time (`false`, the default).
pub fn set_show_utc(utc: bool) {
    SHOW_UTC.store(utc, Ordering::Relaxed);
}

/// `HH:MM:SS.mmm UTC`.
pub fn utc_time_of_day(micros: u64) -> String {
    let secs = micros / 1_000_000;
    let millis = (micros / 1000) % 1000;
    format!(
        "{:02}:{:02}:{:02}.{millis:03} UTC",
        (secs / 3600) % 24,
        (secs / 60) % 60,
        secs % 60
    )
}

/// `HH:MM:SS.mmm` in this computer's time zone.
pub fn local_time_of_day(micros: u64) -> String {
    let Some(at) = i64::try_from(micros)
        .ok()
        .and_then(chrono::DateTime::from_timestamp_micros)
    else {
        return utc_time_of_day(micros);
    };
    at.with_timezone(&chrono::Local)
        .format("%H:%M:%S%.3f")
        .to_string()
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
        let long = "ț".repeat(1_000_000);
        assert_eq!(
            payload_preview(long.as_bytes(), 3),
            "țțț…",
            "only the start is read"
        );
        let mut cut = long.into_bytes();
        cut.pop();
        assert_eq!(payload_preview(&cut, 2), "țț…");
        assert_eq!(utc_time_of_day(3_723_004_000), "01:02:03.004 UTC");
        let local = local_time_of_day(3_723_004_000);
        assert!(local.ends_with(":03.004") && local.len() == 12, "{local}");
    }
}
