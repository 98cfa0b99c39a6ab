//! `mqscope export`: the messages of a recording as JSON lines (the shape
//! `mqscope sub` prints) or CSV (one message per row).

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Write};
use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

use super::args::{ExportArgs, ExportFormat};
use super::output;
use super::{EXIT_FAILURE, validate_filters, wanted_topic};
use crate::proto::Publish;
use crate::record::{RecordedMessage, RecordingReader, received_messages};
use crate::ui::words;

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 11] = [
    "received_at",
    "topic",
    "qos",
    "retain",
    "payload_encoding",
    "payload",
    "content_type",
    "response_topic",
    "correlation_data_base64",
    "message_expiry_interval",
    "user_properties",
];

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
    let mut sink = Sink::new(args.format, BufWriter::with_capacity(1 << 16, out));
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
            sink.message(&message).map_err(write_failed)?;
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

/// Where the messages go, in the chosen format.
enum Sink<W: Write> {
    Jsonl(W),
    Csv(Box<csv::Writer<W>>),
}

impl<W: Write> Sink<W> {
    fn new(format: ExportFormat, out: W) -> Sink<W> {
        match format {
            ExportFormat::Jsonl => Sink::Jsonl(out),
            ExportFormat::Csv => Sink::Csv(Box::new(csv::Writer::from_writer(out))),
        }
    }

    fn begin(&mut self) -> io::Result<()> {
        match self {
            Sink::Jsonl(_) => Ok(()),
            Sink::Csv(out) => out.write_record(CSV_COLUMNS).map_err(io::Error::from),
        }
    }

    fn message(&mut self, message: &RecordedMessage) -> io::Result<()> {
        match self {
            Sink::Jsonl(out) => output::write_json(out, &message.publish, recorded_at(message)),
            Sink::Csv(out) => out
                .write_record(csv_row(&message.publish, recorded_at(message)))
                .map_err(io::Error::from),
        }
    }

    fn finish(self) -> io::Result<()> {
        match self {
            Sink::Jsonl(mut out) => out.flush(),
            Sink::Csv(mut out) => out.flush(),
        }
    }
}

/// One CSV row, in the order of [`CSV_COLUMNS`].
pub fn csv_row(publish: &Publish, received_at: SystemTime) -> [String; 11] {
    let p = &publish.properties;
    let (encoding, payload) = match std::str::from_utf8(&publish.payload) {
        Ok(text) => ("text", text.to_owned()),
        Err(_) => ("base64", BASE64.encode(&publish.payload)),
    };
    let users: Vec<[&str; 2]> = p.user_properties().map(|(k, v)| [k, v]).collect();
    [
        humantime::format_rfc3339_micros(received_at).to_string(),
        publish.topic.to_string(),
        publish.qos.to_u8().to_string(),
        publish.retain.to_string(),
        encoding.to_owned(),
        payload,
        p.content_type().unwrap_or_default().to_owned(),
        p.response_topic().unwrap_or_default().to_owned(),
        p.correlation_data()
            .map(|d| BASE64.encode(d))
            .unwrap_or_default(),
        p.message_expiry_interval_secs()
            .map(|s| s.to_string())
            .unwrap_or_default(),
        serde_json::to_string(&users).unwrap_or_default(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::Property;

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

    #[test]
    fn a_csv_row_reads_back_exactly() {
        let mut publish = Publish::new("lab/\"a\",b", b"line one\nline, \"two\"".to_vec());
        publish.retain = true;
        publish.properties = crate::proto::Properties::new()
            .with(Property::ContentType("text/plain".into()))
            .with(Property::CorrelationData(bytes::Bytes::from_static(&[
                0, 255,
            ])))
            .with(Property::MessageExpiryInterval(60))
            .with(Property::UserProperty("k".into(), "v,\"1\"".into()));
        let mut binary = Publish::new("lab/bin", vec![0xFF, 0x00]);
        binary.qos = crate::proto::QoS::AtLeastOnce;
        binary.packet_id = 1;
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(CSV_COLUMNS).unwrap();
        out.write_record(csv_row(&publish, SystemTime::UNIX_EPOCH))
            .unwrap();
        out.write_record(csv_row(&binary, SystemTime::UNIX_EPOCH))
            .unwrap();
        let bytes = out.into_inner().unwrap();
        let mut back = csv::Reader::from_reader(&bytes[..]);
        assert_eq!(back.headers().unwrap(), CSV_COLUMNS.as_slice());
        let rows: Vec<csv::StringRecord> = back.records().map(Result::unwrap).collect();
        assert_eq!(&rows[0][1], "lab/\"a\",b");
        assert_eq!(&rows[0][3], "true");
        assert_eq!(&rows[0][4], "text");
        assert_eq!(&rows[0][5], "line one\nline, \"two\"");
        assert_eq!(&rows[0][6], "text/plain");
        assert_eq!(&rows[0][8], "AP8=");
        assert_eq!(&rows[0][9], "60");
        assert_eq!(&rows[0][10], r#"[["k","v,\"1\""]]"#);
        assert_eq!(&rows[1][2], "1");
        assert_eq!(&rows[1][4], "base64");
        assert_eq!(&rows[1][5], "/wA=");
        assert_eq!(&rows[0][0], "1970-01-01T00:00:00.000000Z");
    }
}
