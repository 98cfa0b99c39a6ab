//! `mqscope export`: the messages of a recording as JSON lines (the shape
//! `mqscope sub` prints) or CSV (one message per row).

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::time::{Duration, SystemTime};

use super::args::ExportArgs;
use super::{EXIT_FAILURE, validate_filters, wanted_topic};
use crate::export::MessageWriter;
use crate::record::{RecordedMessage, RecordingReader, received_messages};
use crate::ui::words;

/// Run `mqscope export`; returns the exit status.
pub fn run(args: ExportArgs) -> i32 {
    match export(&args) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("mqscope: {message}");
            EXIT_FAILURE
        }
    }
}

fn export(args: &ExportArgs) -> Result<(), String> {
    let name = args.file.display().to_string();
    let file =
        File::open(&args.file).map_err(|e| format!("{name}: {}", words::file_error(e.kind())))?;
    let reader = RecordingReader::open(BufReader::with_capacity(1 << 20, file))
        .map_err(|e| format!("{name}: {}", words::recording_open_error(&e)))?;
    validate_filters(&args.topics)?;
    let start = reader.header().started_at_micros;
    let from = args
        .from
        .as_deref()
        .map(|t| parse_time(t, start, "--from"))
        .transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|t| parse_time(t, start, "--to"))
        .transpose()?;
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(
            File::create(path)
                .map_err(|e| format!("{}: {}", path.display(), words::file_error(e.kind())))?,
        ),
        None => Box::new(io::stdout().lock()),
    };
    let mut sink = MessageWriter::new(args.format, BufWriter::with_capacity(1 << 16, out));
    let write_failed =
        |e: io::Error| format!("cannot write the export: {}", words::file_error(e.kind()));
    sink.begin().map_err(write_failed)?;
    for found in received_messages(reader) {
        let message = match found {
            Ok(message) => message,
            Err(problem) => {
                eprintln!("mqscope: {name}: {}", words::recording_problem(&problem));
                continue;
            }
        };
        let in_time = from.is_none_or(|f| message.at_micros >= f)
            && to.is_none_or(|t| message.at_micros <= t);
        if in_time && wanted_topic(&args.topics, &message.publish.topic) {
            sink.message(&message.publish, recorded_at(&message))
                .map_err(write_failed)?;
        }
    }
    sink.finish().map_err(write_failed)
}

/// µs since the Unix epoch for `text`: RFC 3339, or an offset from `start`.
pub fn parse_time(text: &str, start_micros: u64, option: &str) -> Result<u64, String> {
    if let Ok(at) = humantime::parse_rfc3339_weak(text) {
        return Ok(crate::record::writer::micros_since_epoch(at));
    }
    match humantime::parse_duration(text) {
        Ok(offset) => Ok(start_micros.saturating_add(offset.as_micros() as u64)),
        Err(_) => Err(format!(
            "{option} {text}: give a time such as 2026-12-03T10:00:00Z, or an offset from the recording's start such as 90s or 5m"
        )),
    }
}

/// The time a message was recorded.
pub fn recorded_at(message: &RecordedMessage) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_micros(message.at_micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc_3339_or_offsets_from_the_start() {
        let start = 1_000_000_000_000_000;
        assert_eq!(parse_time("90s", start, "--from"), Ok(start + 90_000_000));
        assert_eq!(parse_time("5m", start, "--from"), Ok(start + 300_000_000));
        assert_eq!(
            parse_time("2001-09-09T01:46:40Z", 0, "--from"),
            Ok(1_000_000_000_000_000)
        );
        let error = parse_time("yesterday", start, "--to").unwrap_err();
        assert!(error.starts_with("--to yesterday:"), "{error}");
    }
}
