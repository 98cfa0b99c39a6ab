//! `mqscope sub -F FORMAT`: a message printed by mosquitto_sub's format
//! codes, with the same output byte for byte (including mosquitto's quirks,
//! written down where they are met): `%` codes with `-`, `0`, width and
//! `.precision`; `@` codes for the time (strftime's, plus `@N`
//! nanoseconds); and `\` escapes.

use chrono::{DateTime, Local};

use super::cjson::Node;
use crate::proto::{Property, Publish};

/// What a `%j` / `%J` code could not print, said on standard error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatNote {
    /// `%J` and the payload is not JSON.
    NotJson {
        /// The message's topic.
        topic: String,
    },
}

/// How one `%` code was written: alignment, padding, width and precision.
#[derive(Clone, Copy, Debug)]
struct Spec {
    left: bool,
    zero: bool,
    width: usize,
    precision: Option<usize>,
}

/// Writes messages by a `-F` format.
pub struct Formatter {
    format: Vec<u8>,
    /// `--pretty`: `%j` and `%J` indented.
    pub pretty: bool,
    /// A newline after each message (`-N` turns it off).
    pub end_of_line: bool,
}

/// The `%` codes there are.
const CODES: &[u8] = b"%ACDEFIlmPpqRSrtjJUxX";

/// The `\` escapes there are.
const ESCAPES: &[u8] = b"\\0aenrtv";

/// Whether `format` is one mosquitto_sub takes; why not, in plain words.
pub fn check(format: &str) -> Result<(), String> {
    let bytes = format.as_bytes();
    let cut = || "-F: the format ends in the middle of a code".to_owned();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                i += 1;
                if matches!(bytes.get(i), Some(b'0' | b'-')) {
                    i += 1;
                }
                while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                if bytes.get(i) == Some(&b'.') {
                    i += 1;
                    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                }
                match bytes.get(i) {
                    None => return Err(cut()),
                    Some(code) if CODES.contains(code) => {}
                    Some(_) => {
                        let code = format[i..].chars().next().unwrap_or('?');
                        return Err(format!(
                            "-F: %{code} is not a format code (the codes: %t %p %x %X %q %r %l %m %I %U %j %J %C %F %E %R %D %P %S %A %%)"
                        ));
                    }
                }
            }
            b'@' => {
                i += 1;
                if i == bytes.len() {
                    return Err(cut());
                }
            }
            b'\\' => {
                i += 1;
                match bytes.get(i) {
                    None => return Err(cut()),
                    Some(escape) if ESCAPES.contains(escape) => {}
                    Some(_) => {
                        let escape = format[i..].chars().next().unwrap_or('?');
                        return Err(format!(
                            "-F: \\{escape} is not an escape (the escapes: \\\\ \\0 \\a \\e \\n \\r \\t \\v)"
                        ));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

impl Formatter {
    /// A formatter of `format` as given on the command line (see [`check`]).
    pub fn new(format: &str) -> Formatter {
        Formatter {
            format: format.as_bytes().to_vec(),
            pretty: false,
            end_of_line: true,
        }
    }

    /// `publish`, received at `now`, printed into `out`.
    pub fn write(
        &self,
        out: &mut Vec<u8>,
        publish: &Publish,
        now: DateTime<Local>,
    ) -> Vec<FormatNote> {
        let format = &self.format;
        let len = format.len();
        let mut notes = Vec::new();
        let mut i = 0;
        while i < len {
            match format[i] {
                b'%' => {
                    // The same scanning as mosquitto's: a lone trailing
                    // `%` prints nothing, and the last character is never
                    // taken as a flag or digit.
                    if i < len - 1 {
                        i += 1;
                        let mut spec = Spec {
                            left: false,
                            zero: false,
                            width: 0,
                            precision: None,
                        };
                        if format[i] == b'-' {
                            spec.left = true;
                            if i < len - 1 {
                                i += 1;
                            }
                        }
                        if format[i] == b'0' {
                            spec.zero = true;
                            if i < len - 1 {
                                i += 1;
                            }
                        }
                        while i < len - 1 && format[i].is_ascii_digit() {
                            spec.width = spec.width * 10 + usize::from(format[i] - b'0');
                            i += 1;
                        }
                        if format[i] == b'.' && i < len - 1 {
                            i += 1;
                            let mut precision = 0;
                            while i < len - 1 && format[i].is_ascii_digit() {
                                precision = precision * 10 + usize::from(format[i] - b'0');
                                i += 1;
                            }
                            spec.precision = Some(precision);
                        }
                        if let Some(note) = self.code(out, format[i], spec, publish, now) {
                            notes.push(note);
                        }
                    }
                }
                b'@' => {
                    if i < len - 1 {
                        i += 1;
                        match format[i] {
                            b'@' => out.push(b'@'),
                            b'N' => out.extend_from_slice(
                                format!("{:09}", now.timestamp_subsec_nanos()).as_bytes(),
                            ),
                            code => out.extend_from_slice(strftime(now, code).as_bytes()),
                        }
                    }
                }
                b'\\' => {
                    if i < len - 1 {
                        i += 1;
                        let escaped = match format[i] {
                            b'\\' => Some(b'\\'),
                            b'0' => Some(0),
                            b'a' => Some(0x07),
                            b'e' => Some(0x1b),
                            b'n' => Some(b'\n'),
                            b'r' => Some(b'\r'),
                            b't' => Some(b'\t'),
                            b'v' => Some(0x0b),
                            // Any other escape prints nothing, as in mosquitto.
                            _ => None,
                        };
                        out.extend(escaped);
                    }
                }
                byte => out.push(byte),
            }
            i += 1;
        }
        if self.end_of_line {
            out.push(b'\n');
        }
        notes
    }

    /// One `%` code.
    fn code(
        &self,
        out: &mut Vec<u8>,
        code: u8,
        spec: Spec,
        publish: &Publish,
        now: DateTime<Local>,
    ) -> Option<FormatNote> {
        let properties = &publish.properties;
        let find = |want: fn(&Property) -> Option<i64>| properties.iter().find_map(want);
        match code {
            b'%' => out.push(b'%'),
            b'A' => int_or_blank(
                out,
                find(|p| match p {
                    Property::TopicAlias(n) => Some(i64::from(*n)),
                    _ => None,
                }),
                spec,
            ),
            b'C' => match properties.content_type() {
                Some(text) => text_field(out, text.as_bytes(), spec),
                // Blank with spaces whatever the padding asked for.
                None => out.extend(std::iter::repeat_n(b' ', spec.width)),
            },
            b'D' => {
                if let Some(data) = properties.iter().find_map(|p| match p {
                    Property::CorrelationData(data) => Some(data),
                    _ => None,
                }) {
                    out.extend_from_slice(data);
                }
            }
            // mosquitto prints the interval through a C `int`.
            b'E' => int_or_blank(
                out,
                find(|p| match p {
                    Property::MessageExpiryInterval(n) => Some(i64::from(*n as i32)),
                    _ => None,
                }),
                spec,
            ),
            b'F' => int_or_blank(
                out,
                find(|p| match p {
                    Property::PayloadFormatIndicator(n) => Some(i64::from(*n)),
                    _ => None,
                }),
                spec,
            ),
            b'I' => text_field(out, now.format("%FT%T%z").to_string().as_bytes(), spec),
            b'j' | b'J' => match mosquitto_json(publish, now, code == b'j') {
                Some(node) => node.print(self.pretty, out),
                None => {
                    return Some(FormatNote::NotJson {
                        topic: publish.topic.to_string(),
                    });
                }
            },
            b'l' => int_field(out, publish.payload.len() as i64, spec),
            b'm' => int_field(out, i64::from(publish.packet_id), spec),
            b'P' => {
                let pairs: Vec<String> = properties
                    .user_properties()
                    .map(|(name, value)| format!("{name}:{value}"))
                    .collect();
                out.extend_from_slice(pairs.join(" ").as_bytes());
            }
            b'p' => payload(out, &publish.payload, Hex::No, spec),
            b'q' => out.push(b'0' + publish.qos.to_u8()),
            b'R' => {
                if let Some(topic) = properties.iter().find_map(|p| match p {
                    Property::ResponseTopic(topic) => Some(topic),
                    _ => None,
                }) {
                    text_field(out, topic.as_bytes(), spec);
                }
            }
            b'r' => out.push(if publish.retain { b'1' } else { b'0' }),
            b'S' => int_or_blank(
                out,
                properties.subscription_identifiers().next().map(i64::from),
                spec,
            ),
            b't' => text_field(out, publish.topic.as_bytes(), spec),
            b'U' => out.extend_from_slice(
                format!("{}.{:09}", now.timestamp(), now.timestamp_subsec_nanos()).as_bytes(),
            ),
            b'x' => payload(out, &publish.payload, Hex::Lower, spec),
            b'X' => payload(out, &publish.payload, Hex::Upper, spec),
            // Any other code prints nothing.
            _ => {}
        }
        None
    }
}

/// One strftime conversion (`@Y`, `@H`, …) of `now`; nothing for one
/// chrono does not know.
fn strftime(now: DateTime<Local>, code: u8) -> String {
    use chrono::format::{Item, StrftimeItems};
    let spec = format!("%{}", char::from(code));
    let items: Vec<Item<'_>> = StrftimeItems::new(&spec).collect();
    if items.iter().any(|item| matches!(item, Item::Error)) {
        return String::new();
    }
    now.format_with_items(items.into_iter()).to_string()
}

/// The object `%j` (`escaped`: the payload as a string) or `%J` (the
/// payload as JSON) prints; `None` for `%J` when the payload is not JSON.
pub fn mosquitto_json(publish: &Publish, now: DateTime<Local>, escaped: bool) -> Option<Node> {
    let mut fields: Vec<(Vec<u8>, Node)> = vec![
        (b"tst".to_vec(), Node::str(tst(now))),
        (
            b"topic".to_vec(),
            Node::str(c_string(publish.topic.as_bytes())),
        ),
        (
            b"qos".to_vec(),
            Node::Number(f64::from(publish.qos.to_u8())),
        ),
        (
            b"retain".to_vec(),
            Node::Number(f64::from(u8::from(publish.retain))),
        ),
        (
            b"payloadlen".to_vec(),
            Node::Number(publish.payload.len() as f64),
        ),
    ];
    if publish.qos.to_u8() > 0 {
        fields.push((b"mid".to_vec(), Node::Number(f64::from(publish.packet_id))));
    }
    if !publish.properties.is_empty() {
        fields.push((b"properties".to_vec(), json_properties(publish)));
    }
    // libmosquitto hands over no payload at all for an empty one, and a
    // NUL-terminated copy otherwise: cJSON reads it up to the first NUL.
    let payload = if publish.payload.is_empty() {
        Node::Null
    } else if escaped {
        Node::str(c_string(&publish.payload))
    } else {
        let bytes = publish
            .payload
            .strip_prefix(b"\xef\xbb\xbf")
            .unwrap_or(&publish.payload);
        if bytes.contains(&0) {
            return None;
        }
        Node::from_json(&serde_json::from_slice(bytes).ok()?)
    };
    fields.push((b"payload".to_vec(), payload));
    Some(Node::Object(fields))
}

/// `2026-12-04T21:05:07.250123Z+0100`: the local time, microseconds, a
/// `Z` and the offset, as mosquitto writes its `tst`.
fn tst(now: DateTime<Local>) -> String {
    format!(
        "{}.{:06}Z{}",
        now.format("%Y-%m-%dT%H:%M:%S"),
        now.timestamp_subsec_micros(),
        now.format("%z")
    )
}

/// The properties object of `%j`: mosquitto's names, in the packet's order.
fn json_properties(publish: &Publish) -> Node {
    let mut entries: Vec<(Vec<u8>, Node)> = Vec::new();
    let mut user: Option<usize> = None;
    // mosquitto reads the Topic Alias with the wrong property id, so it
    // prints what its 16-bit scratch value last held: 0, or the length of
    // a Correlation Data before it.
    let mut scratch16 = 0u16;
    for property in publish.properties.iter() {
        let (name, node): (&[u8], Node) = match property {
            Property::PayloadFormatIndicator(n) => {
                (b"payload-format-indicator", Node::Number(f64::from(*n)))
            }
            Property::MessageExpiryInterval(n) => {
                (b"message-expiry-interval", Node::Number(f64::from(*n)))
            }
            Property::ContentType(text) => (b"content-type", Node::str(c_string(text.as_bytes()))),
            Property::ResponseTopic(text) => {
                (b"response-topic", Node::str(c_string(text.as_bytes())))
            }
            Property::CorrelationData(data) => {
                scratch16 = data.len() as u16;
                (b"correlation-data", Node::str(c_string(data)))
            }
            Property::SubscriptionIdentifier(n) => {
                (b"subscription-identifier", Node::Number(f64::from(*n)))
            }
            Property::TopicAlias(_) => (b"topic-alias", Node::Number(f64::from(scratch16))),
            Property::UserProperty(name, value) => {
                let at = *user.get_or_insert_with(|| {
                    entries.push((b"user-properties".to_vec(), Node::Object(Vec::new())));
                    entries.len() - 1
                });
                if let Node::Object(pairs) = &mut entries[at].1 {
                    pairs.push((
                        c_string(name.as_bytes()).to_vec(),
                        Node::str(c_string(value.as_bytes())),
                    ));
                }
                continue;
            }
            _ => continue,
        };
        entries.push((name.to_vec(), node));
    }
    Node::Object(entries)
}

/// `bytes` up to their first NUL, as C reads a string.
fn c_string(bytes: &[u8]) -> &[u8] {
    bytes.split(|&b| b == 0).next().unwrap_or_default()
}

/// printf's `%d` with the spec's `-`, `0` and width.
fn int_field(out: &mut Vec<u8>, value: i64, spec: Spec) {
    let text = match (spec.width, spec.left, spec.zero) {
        (0, _, _) => value.to_string(),
        (width, true, _) => format!("{value:<width$}"),
        (width, false, true) => format!("{value:0width$}"),
        (width, false, false) => format!("{value:>width$}"),
    };
    out.extend_from_slice(text.as_bytes());
}

/// An integer property, or the width in padding characters when absent.
fn int_or_blank(out: &mut Vec<u8>, value: Option<i64>, spec: Spec) {
    match value {
        Some(value) => int_field(out, value, spec),
        None => {
            let pad = if spec.zero { b'0' } else { b' ' };
            out.extend(std::iter::repeat_n(pad, spec.width));
        }
    }
}

/// printf's `%s` with the spec's `-`, width and precision (both in bytes).
fn text_field(out: &mut Vec<u8>, text: &[u8], spec: Spec) {
    let text = c_string(text);
    let shown = &text[..spec.precision.map_or(text.len(), |p| p.min(text.len()))];
    let pad = spec.width.saturating_sub(shown.len());
    if !spec.left {
        out.extend(std::iter::repeat_n(b' ', pad));
    }
    out.extend_from_slice(shown);
    if spec.left {
        out.extend(std::iter::repeat_n(b' ', pad));
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hex {
    No,
    Lower,
    Upper,
}

/// The payload as mosquitto writes it for `%p`, `%x` and `%X`. A width
/// cuts the payload to that many bytes, and for hex then halves it; the
/// padding is the width less what was written, and with `-` it is as many
/// spaces as that difference is large even when negative (printf's `%*s`
/// with a negative width).
fn payload(out: &mut Vec<u8>, payload: &[u8], hex: Hex, spec: Spec) {
    let mut shown = payload.len() as i64;
    let written;
    if spec.width > 0 {
        shown = shown.min(spec.width as i64);
        if hex != Hex::No {
            shown /= 2;
            written = shown * 2;
        } else {
            written = shown;
        }
    } else {
        written = shown;
    }
    let pad = spec.width as i64 - written;
    if !spec.left {
        let byte = if spec.zero { b'0' } else { b' ' };
        out.extend(std::iter::repeat_n(byte, pad.max(0) as usize));
    }
    let bytes = &payload[..shown as usize];
    match hex {
        Hex::No => out.extend_from_slice(bytes),
        Hex::Lower => bytes
            .iter()
            .for_each(|b| out.extend_from_slice(format!("{b:02x}").as_bytes())),
        Hex::Upper => bytes
            .iter()
            .for_each(|b| out.extend_from_slice(format!("{b:02X}").as_bytes())),
    }
    if spec.left {
        out.extend(std::iter::repeat_n(b' ', pad.unsigned_abs() as usize));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{Properties, QoS};
    use chrono::TimeZone;

    fn message() -> Publish {
        let mut publish = Publish::new("lab/t", b"21.5".to_vec());
        publish.qos = QoS::AtLeastOnce;
        publish.packet_id = 7;
        publish.retain = true;
        publish.properties = Properties::new()
            .with(Property::ContentType("text/plain".into()))
            .with(Property::UserProperty("a".into(), "1".into()))
            .with(Property::UserProperty("b".into(), "2".into()));
        publish
    }

    fn printed(format: &str, publish: &Publish) -> String {
        let now = Local.timestamp_opt(1_764_882_307, 250_123_456).unwrap();
        let mut out = Vec::new();
        let formatter = Formatter {
            end_of_line: false,
            ..Formatter::new(format)
        };
        formatter.write(&mut out, publish, now);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn codes_flags_and_escapes_print_as_mosquitto_prints_them() {
        let m = message();
        assert_eq!(printed("%t %p %q %r %l %m", &m), "lab/t 21.5 1 1 4 7");
        assert_eq!(
            printed("[%8t][%-8t][%.3t]", &m),
            "[   lab/t][lab/t   ][lab]"
        );
        assert_eq!(printed("[%5l][%-5l][%05l]", &m), "[    4][4    ][00004]");
        assert_eq!(printed("%x %X", &m), "32312e35 32312E35");
        assert_eq!(printed("[%6p][%-6p][%3p]", &m), "[  21.5][21.5  ][21.]");
        // A width halves a hex payload, then pads what is left.
        assert_eq!(printed("[%6x]", &m), "[  3231]");
        // `-` without a width pads as far as the payload is long.
        assert_eq!(printed("[%-p]", &m), "[21.5    ]");
        assert_eq!(
            printed("%C|%P|%F|%3E|%S|%A|%R|%D", &m),
            "text/plain|a:1 b:2||   ||||"
        );
        assert_eq!(printed("a\\tb\\\\c\\qd\\n%%@@", &m), "a\tb\\cd\n%@");
        assert_eq!(printed("100%", &m), "100");
    }

    #[test]
    fn formats_mosquitto_refuses_are_refused_in_words() {
        for good in ["%t %p", "%-08.3t", "%%", "@Y@@", "\\n\\\\", "plain", ""] {
            assert_eq!(check(good), Ok(()), "{good}");
        }
        for (bad, says) in [
            ("%", "ends in the middle"),
            ("%5", "ends in the middle"),
            ("%-", "ends in the middle"),
            ("%k", "%k is not a format code"),
            ("%é", "%é is not a format code"),
            ("@", "ends in the middle"),
            ("\\", "ends in the middle"),
            ("\\q", "\\q is not an escape"),
        ] {
            let said = check(bad).unwrap_err();
            assert!(said.contains(says), "{bad}: {said}");
        }
    }

    #[test]
    fn json_codes_follow_mosquittos_shape() {
        let m = message();
        let text = printed("%j", &m);
        let tst = tst(Local.timestamp_opt(1_764_882_307, 250_123_456).unwrap());
        assert!(tst.contains(".250123Z"), "{tst}");
        assert_eq!(
            text,
            format!(
                "{{\"tst\":\"{tst}\",\"topic\":\"lab/t\",\"qos\":1,\"retain\":1,\"payloadlen\":4,\"mid\":7,\"properties\":{{\"content-type\":\"text/plain\",\"user-properties\":{{\"a\":\"1\",\"b\":\"2\"}}}},\"payload\":\"21.5\"}}"
            )
        );
        assert!(printed("%J", &m).ends_with(",\"payload\":21.5}"));
        let mut not_json = Publish::new("x", b"{nope".to_vec());
        not_json.qos = QoS::AtMostOnce;
        let now = Local::now();
        let mut out = Vec::new();
        let notes = Formatter::new("<%J>").write(&mut out, &not_json, now);
        assert_eq!(out, b"<>\n");
        assert_eq!(notes, vec![FormatNote::NotJson { topic: "x".into() }]);
        let empty = Publish::new("e", Vec::new());
        assert!(printed("%j", &empty).ends_with("\"payloadlen\":0,\"payload\":null}"));
    }
}
