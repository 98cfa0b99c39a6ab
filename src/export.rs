//! Messages written out for other programs: JSON lines (exactly the shape
//! `mqscope sub` prints) or CSV (one message per row, [`CSV_COLUMNS`]).
//! `mqscope export` writes a recording's messages this way, and the window
//! a topic's history, a subtree or the messages log.

use std::io::{self, Write};
use std::path::Path;
use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;

pub use crate::cli::args::ExportFormat;
use crate::cli::output;
use crate::proto::Publish;

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

/// Messages written out in a chosen format: [`begin`](Self::begin), a
/// [`message`](Self::message) each, then [`finish`](Self::finish).
pub enum MessageWriter<W: Write> {
    /// JSON lines.
    Jsonl(W),
    /// CSV with a header row.
    Csv(Box<csv::Writer<W>>),
}

impl<W: Write> MessageWriter<W> {
    /// A writer of `format` into `out`.
    pub fn new(format: ExportFormat, out: W) -> MessageWriter<W> {
        match format {
            ExportFormat::Jsonl => MessageWriter::Jsonl(out),
            ExportFormat::Csv => MessageWriter::Csv(Box::new(csv::Writer::from_writer(out))),
        }
    }

    /// The header row, for CSV.
    pub fn begin(&mut self) -> io::Result<()> {
        match self {
            MessageWriter::Jsonl(_) => Ok(()),
            MessageWriter::Csv(out) => out.write_record(CSV_COLUMNS).map_err(io::Error::from),
        }
    }

    /// One message, received at `received_at`.
    pub fn message(&mut self, publish: &Publish, received_at: SystemTime) -> io::Result<()> {
        match self {
            MessageWriter::Jsonl(out) => output::write_json(out, publish, received_at, None),
            MessageWriter::Csv(out) => out
                .write_record(csv_row(publish, received_at))
                .map_err(io::Error::from),
        }
    }

    /// Write out what is buffered.
    pub fn finish(self) -> io::Result<()> {
        match self {
            MessageWriter::Jsonl(mut out) => out.flush(),
            MessageWriter::Csv(mut out) => out.flush(),
        }
    }
}

/// The usual file extension of `format`.
pub fn file_extension(format: ExportFormat) -> &'static str {
    match format {
        ExportFormat::Jsonl => "jsonl",
        ExportFormat::Csv => "csv",
    }
}

/// Write `messages` to a new file at `path`; how many were written.
pub fn write_file(
    path: &Path,
    format: ExportFormat,
    messages: &[(Publish, SystemTime)],
) -> io::Result<usize> {
    let file = std::fs::File::create(path)?;
    let mut out = MessageWriter::new(format, io::BufWriter::new(file));
    out.begin()?;
    for (publish, at) in messages {
        out.message(publish, *at)?;
    }
    out.finish()?;
    Ok(messages.len())
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

    #[test]
    fn a_file_of_json_lines_has_one_message_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lab.jsonl");
        let messages = [
            (Publish::new("lab/a", b"1".to_vec()), SystemTime::UNIX_EPOCH),
            (Publish::new("lab/b", b"2".to_vec()), SystemTime::UNIX_EPOCH),
        ];
        assert_eq!(
            write_file(&path, ExportFormat::Jsonl, &messages).unwrap(),
            2
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let topics: Vec<String> = text
            .lines()
            .map(|line| {
                serde_json::from_str::<serde_json::Value>(line).unwrap()["topic"].to_string()
            })
            .collect();
        assert_eq!(topics, ["\"lab/a\"", "\"lab/b\""]);
    }
}
