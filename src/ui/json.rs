//! JSON payloads: a foldable tree view, the numeric fields (for the plot), and
//! the difference between two values.

use egui::RichText;
use rust_i18n::t;
use serde_json::Value;

/// Parse a payload as JSON, if it is JSON.
pub fn parse(payload: &[u8]) -> Option<Value> {
    serde_json::from_slice(payload).ok()
}

/// Draw `value` as a foldable tree.
pub fn show(ui: &mut egui::Ui, value: &Value, id: egui::Id) {
    show_value(ui, None, value, id, 0);
}

/// A container shows at most this many of its items (a 10 MiB document has
/// hundreds of thousands; a frame draws only these).
const ITEMS_SHOWN: usize = 200;

fn show_value(ui: &mut egui::Ui, key: Option<&str>, value: &Value, id: egui::Id, depth: usize) {
    let prefix = key.map(|k| format!("{k}: ")).unwrap_or_default();
    // Open at first near the top, unless a container is large.
    let open = |len: usize| depth < 2 && len <= ITEMS_SHOWN;
    match value {
        Value::Object(map) => {
            egui::CollapsingHeader::new(
                RichText::new(format!(
                    "{prefix}{{…}} {}",
                    t!(
                        crate::language::plural("%{count} keys", map.len() as u64),
                        count = map.len()
                    )
                ))
                .monospace(),
            )
            .id_salt(id)
            .default_open(depth == 0 || open(map.len()))
            .show(ui, |ui| {
                for (k, v) in map.iter().take(ITEMS_SHOWN) {
                    show_value(ui, Some(k), v, id.with(k), depth + 1);
                }
                more(ui, map.len());
            });
        }
        Value::Array(items) => {
            egui::CollapsingHeader::new(
                RichText::new(format!(
                    "{prefix}[…] {}",
                    t!(
                        crate::language::plural("%{count} items", items.len() as u64),
                        count = items.len()
                    )
                ))
                .monospace(),
            )
            .id_salt(id)
            .default_open(depth == 0 || open(items.len()))
            .show(ui, |ui| {
                for (i, v) in items.iter().take(ITEMS_SHOWN).enumerate() {
                    show_value(ui, Some(&i.to_string()), v, id.with(i), depth + 1);
                }
                more(ui, items.len());
            });
        }
        leaf => {
            ui.label(RichText::new(format!("{prefix}{leaf}")).monospace());
        }
    }
}

/// "… and N more" under a container that shows only its first items.
fn more(ui: &mut egui::Ui, len: usize) {
    if len > ITEMS_SHOWN {
        let hidden = len - ITEMS_SHOWN;
        ui.label(
            RichText::new(rust_i18n::t!(
                crate::language::plural(
                    "… and %{n} more (the Text viewer or Save to file shows everything).",
                    hidden as u64
                ),
                n = hidden
            ))
            .weak(),
        );
    }
}

/// The numeric leaves of a value with their JSON pointer (`/a/0/b`); a plain
/// number is the leaf `""`.
pub fn numeric_fields(value: &Value) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    collect(value, &mut String::new(), &mut out);
    out
}

fn collect(value: &Value, path: &mut String, out: &mut Vec<(String, f64)>) {
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64() {
                out.push((path.clone(), f));
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                let len = path.len();
                path.push('/');
                path.push_str(k);
                collect(v, path, out);
                path.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                collect(v, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// The number a payload holds: a plain number, or JSON numeric fields.
pub fn numbers(payload: &[u8]) -> Vec<(String, f64)> {
    let Ok(text) = std::str::from_utf8(payload) else {
        return Vec::new();
    };
    if let Ok(number) = text.trim().parse::<f64>() {
        return vec![(String::new(), number)];
    }
    parse(payload)
        .map(|v| numeric_fields(&v))
        .unwrap_or_default()
}

/// A difference with its sign and no floating-point noise (`+0.4`, not
/// `+0.3999999999999986`).
fn signed(delta: f64) -> String {
    let text = format!("{delta:+.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

/// What changed from `old` to `new`, one line per change.
pub fn diff(old: &[u8], new: &[u8]) -> Vec<String> {
    let (Ok(old_text), Ok(new_text)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else {
        return if old == new {
            Vec::new()
        } else {
            vec![format!("binary: {} -> {} bytes", old.len(), new.len())]
        };
    };
    if let (Ok(a), Ok(b)) = (
        old_text.trim().parse::<f64>(),
        new_text.trim().parse::<f64>(),
    ) {
        return if a == b {
            Vec::new()
        } else {
            vec![format!("{a} -> {b} ({})", signed(b - a))]
        };
    }
    if let (Some(a), Some(b)) = (parse(old), parse(new))
        && (a.is_object() || a.is_array())
    {
        let mut changes = Vec::new();
        diff_values(&a, &b, &mut String::new(), &mut changes);
        return changes;
    }
    let old_lines: Vec<&str> = old_text.lines().collect();
    let new_lines: Vec<&str> = new_text.lines().collect();
    let mut changes = Vec::new();
    for line in &old_lines {
        if !new_lines.contains(line) {
            changes.push(format!("− {line}"));
        }
    }
    for line in &new_lines {
        if !old_lines.contains(line) {
            changes.push(format!("+ {line}"));
        }
    }
    changes
}

fn diff_values(a: &Value, b: &Value, path: &mut String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                let len = path.len();
                path.push('/');
                path.push_str(k);
                match y.get(k) {
                    Some(vb) => diff_values(va, vb, path, out),
                    None => out.push(format!("{path}: removed (was {va})")),
                }
                path.truncate(len);
            }
            for (k, vb) in y {
                if !x.contains_key(k) {
                    out.push(format!("{path}/{k}: added {vb}"));
                }
            }
        }
        (x, y) if x != y => {
            let shown = if path.is_empty() { "/" } else { path.as_str() };
            match (x.as_f64(), y.as_f64()) {
                (Some(p), Some(q)) => out.push(format!("{shown}: {x} -> {y} ({})", signed(q - p))),
                _ => out.push(format!("{shown}: {x} -> {y}")),
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_from_plain_and_json_payloads() {
        assert_eq!(numbers(b" 21.5 "), [(String::new(), 21.5)]);
        assert_eq!(
            numbers(br#"{"t": 20, "h": {"v": 40.5}, "s": "x", "a": [1]}"#),
            [
                ("/t".to_owned(), 20.0),
                ("/h/v".to_owned(), 40.5),
                ("/a/0".to_owned(), 1.0)
            ]
        );
        assert!(numbers(b"hello").is_empty());
    }

    #[test]
    fn differences_in_words() {
        assert_eq!(diff(b"20", b"21.5"), ["20 -> 21.5 (+1.5)"]);
        assert_eq!(
            diff(br#"{"t":20,"s":"a"}"#, br#"{"t":19,"u":1}"#),
            [
                "/t: 20 -> 19 (-1)",
                "/s: removed (was \"a\")",
                "/u: added 1"
            ]
        );
        assert_eq!(diff(b"a\nb", b"a\nc"), ["− b", "+ c"]);
        assert!(diff(b"same", b"same").is_empty());
        assert_eq!(diff(b"21.2", b"21.6"), ["21.2 -> 21.6 (+0.4)"]);
    }
}
