//! JSON written byte for byte as mosquitto_sub's `%j` and `%J` write it:
//! mosquitto builds those objects with the cJSON library, so numbers are
//! doubles printed with C's `%1.15g` (or `%1.17g` when 15 digits lose the
//! value), strings are bytes with only `"`, `\`, and control characters
//! escaped, and `--pretty` indents with tabs.

use serde_json::Value;

/// A JSON value as cJSON holds it: numbers are doubles, strings and keys
/// are bytes (not checked as UTF-8), and an object keeps every key it is
/// given, in order, twice if given twice.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    Str(Vec<u8>),
    /// An array.
    Array(Vec<Node>),
    /// An object.
    Object(Vec<(Vec<u8>, Node)>),
}

impl Node {
    /// A string node of `text`'s bytes.
    pub fn str(text: impl AsRef<[u8]>) -> Node {
        Node::Str(text.as_ref().to_vec())
    }

    /// `value` as cJSON would have parsed it (numbers become doubles).
    pub fn from_json(value: &Value) -> Node {
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => Node::Number(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Node::str(s),
            Value::Array(items) => Node::Array(items.iter().map(Node::from_json).collect()),
            Value::Object(map) => Node::Object(
                map.iter()
                    .map(|(k, v)| (k.as_bytes().to_vec(), Node::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// The node printed as cJSON prints it: `cJSON_Print` when `pretty`,
    /// else `cJSON_PrintUnformatted`.
    pub fn print(&self, pretty: bool, out: &mut Vec<u8>) {
        self.print_at(pretty, 0, out);
    }

    fn print_at(&self, pretty: bool, depth: usize, out: &mut Vec<u8>) {
        match self {
            Node::Null => out.extend_from_slice(b"null"),
            Node::Bool(true) => out.extend_from_slice(b"true"),
            Node::Bool(false) => out.extend_from_slice(b"false"),
            Node::Number(n) => out.extend_from_slice(number(*n).as_bytes()),
            Node::Str(bytes) => string(bytes, out),
            Node::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.extend_from_slice(if pretty { b", " } else { b"," });
                    }
                    item.print_at(pretty, depth + 1, out);
                }
                out.push(b']');
            }
            Node::Object(entries) => {
                out.push(b'{');
                if pretty {
                    out.push(b'\n');
                }
                for (i, (key, value)) in entries.iter().enumerate() {
                    if pretty {
                        out.extend(std::iter::repeat_n(b'\t', depth + 1));
                    }
                    string(key, out);
                    out.extend_from_slice(if pretty { b":\t" } else { b":" });
                    value.print_at(pretty, depth + 1, out);
                    if i + 1 < entries.len() {
                        out.push(b',');
                    }
                    if pretty {
                        out.push(b'\n');
                    }
                }
                if pretty {
                    out.extend(std::iter::repeat_n(b'\t', depth));
                }
                out.push(b'}');
            }
        }
    }
}

/// `bytes` as a JSON string the way cJSON writes one.
fn string(bytes: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &byte in bytes {
        match byte {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..0x20 => out.extend_from_slice(format!("\\u{byte:04x}").as_bytes()),
            _ => out.push(byte),
        }
    }
    out.push(b'"');
}

/// A double as cJSON prints it: `%1.15g`, or `%1.17g` when reading the
/// 15 digits back does not give the value (within one ulp); `null` for
/// NaN and the infinities.
pub fn number(d: f64) -> String {
    if !d.is_finite() {
        return "null".to_owned();
    }
    let short = c_format_g(d, 15);
    let back: f64 = short.parse().unwrap_or(f64::NAN);
    let largest = d.abs().max(back.abs());
    if (back - d).abs() <= largest * f64::EPSILON {
        short
    } else {
        c_format_g(d, 17)
    }
}

/// C's `printf("%.{precision}g", d)` for a finite `d`.
fn c_format_g(d: f64, precision: usize) -> String {
    if d == 0.0 {
        return if d.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // The exponent after rounding to `precision` significant digits.
    let scientific = format!("{:.*e}", precision - 1, d);
    let (mantissa, exponent) = scientific.split_once('e').expect("an exponent");
    let exponent: i32 = exponent.parse().expect("a whole exponent");
    if exponent < -4 || exponent >= precision as i32 {
        let mantissa = strip_zeros(mantissa);
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
    } else {
        let decimals = (precision as i32 - 1 - exponent).max(0) as usize;
        strip_zeros(&format!("{d:.decimals$}")).to_owned()
    }
}

/// A decimal without the zeros after its point (and the point, if bare).
fn strip_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_as_c_prints_them() {
        // Each figure as Python's "%1.15g" / "%1.17g" (C's printf) gives it.
        for (value, printed) in [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (21.5, "21.5"),
            (0.1, "0.1"),
            (1e20, "1e+20"),
            (123456789012345.0, "123456789012345"),
            (1234567890123456.0, "1234567890123456"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (18446744073709551615.0, "1.8446744073709552e+19"),
            (9007199254740992.0, "9.00719925474099e+15"),
            (1.0 / 3.0, "0.33333333333333331"),
            (f64::NAN, "null"),
        ] {
            assert_eq!(number(value), printed, "{value}");
        }
    }

    #[test]
    fn objects_print_compact_or_with_tabs() {
        let node = Node::Object(vec![
            (b"a".to_vec(), Node::Number(1.0)),
            (
                b"b".to_vec(),
                Node::Array(vec![Node::Bool(true), Node::Null]),
            ),
            (b"c".to_vec(), Node::Object(vec![])),
            (b"d".to_vec(), Node::str("q\"\\\n\x01\u{e9}")),
        ]);
        let mut compact = Vec::new();
        node.print(false, &mut compact);
        assert_eq!(
            String::from_utf8(compact).unwrap(),
            "{\"a\":1,\"b\":[true,null],\"c\":{},\"d\":\"q\\\"\\\\\\n\\u0001\u{e9}\"}"
        );
        let mut pretty = Vec::new();
        node.print(true, &mut pretty);
        assert_eq!(
            String::from_utf8(pretty).unwrap(),
            "{\n\t\"a\":\t1,\n\t\"b\":\t[true, null],\n\t\"c\":\t{\n\t},\n\t\"d\":\t\"q\\\"\\\\\\n\\u0001\u{e9}\"\n}"
        );
    }
}
