//! The translation catalogues agree with the code and with each other: every
//! text the code shows is in English, every language has every text (with
//! the plural forms its grammar needs) and the same placeholders, and no
//! language has a text the code no longer shows.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use mqscope::language::Language;
use mqscope::proto::{PacketType, ReasonCode};

fn catalogue(code: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("locales/{code}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not valid: {e}", path.display()))
}

/// The text of the Rust string literal at the start of `source` (after `"`).
fn literal(source: &str) -> String {
    let mut out = String::new();
    let mut chars = source.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return out,
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some('\'') => out.push('\''),
                Some('\n') => {
                    // A line continuation skips the next line's indentation.
                    let rest: String = chars.clone().collect();
                    let trimmed = rest.trim_start();
                    chars = source[source.len() - trimmed.len()..].chars();
                }
                Some(other) => panic!("unexpected escape \\{other} in a catalogue text"),
                None => break,
            },
            c => out.push(c),
        }
    }
    panic!("unterminated string literal");
}

/// Every literal first argument of `call(` in the code outside tests.
fn texts_of(call: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap();
            // Comments may show `t!` in an example; they are not shown.
            let code: String = code
                .lines()
                .map(|line| {
                    if line.trim_start().starts_with("//") {
                        ""
                    } else {
                        line
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            let code = code.as_str();
            for (at, _) in code.match_indices(call) {
                let before = code[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = code[at + call.len()..].trim_start();
                if let Some(quoted) = rest.strip_prefix('"') {
                    found.insert(literal(quoted));
                }
            }
        }
    }
    found
}

fn placeholders(text: &str) -> BTreeSet<&str> {
    text.match_indices("%{")
        .filter_map(|(at, _)| text[at..].find('}').map(|end| &text[at..at + end + 1]))
        .collect()
}

/// The keys a language must have: every plain text, and each plural text
/// once per plural category of the language.
fn expected_keys(english: &BTreeMap<String, String>, language: Language) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for key in english.keys() {
        match key.rsplit_once('#') {
            Some((base, "one" | "other")) => {
                for category in language.plural_categories() {
                    keys.insert(format!("{base}#{category}"));
                }
            }
            _ => {
                keys.insert(key.clone());
            }
        }
    }
    keys
}

#[test]
fn every_text_the_code_shows_is_in_the_english_catalogue() {
    let english = catalogue("en");
    let missing: Vec<String> = texts_of("t!(")
        .into_iter()
        .filter(|key| !english.contains_key(key))
        .collect();
    assert!(
        missing.is_empty(),
        "run scripts/i18n-catalogue.py; missing: {missing:#?}"
    );
    for key in texts_of("plural(") {
        for category in ["one", "other"] {
            assert!(
                english.contains_key(&format!("{key}#{category}")),
                "{key}#{category}"
            );
        }
    }
    for code in ReasonCode::ALL {
        assert!(
            english.contains_key(code.meaning()),
            "{code}: {}",
            code.meaning()
        );
        for packet in PacketType::ALL {
            let meaning = code.meaning_in(packet);
            assert!(
                english.contains_key(meaning),
                "{code} in {packet}: {meaning}"
            );
        }
    }
}

#[test]
fn every_language_has_every_text_with_the_same_placeholders() {
    let english = catalogue("en");
    for language in Language::ALL {
        if language == Language::English {
            continue;
        }
        let translated = catalogue(language.code());
        let expected = expected_keys(&english, language);
        let have: BTreeSet<String> = translated.keys().cloned().collect();
        let missing: Vec<&String> = expected.difference(&have).collect();
        let extra: Vec<&String> = have.difference(&expected).collect();
        assert!(
            missing.is_empty(),
            "{}: missing {missing:#?}",
            language.code()
        );
        assert!(
            extra.is_empty(),
            "{}: not in English {extra:#?}",
            language.code()
        );
        for (key, text) in &translated {
            let base = key.rsplit_once('#').map_or(key.as_str(), |(base, _)| base);
            let base = if english.contains_key(key) {
                key.as_str()
            } else {
                base
            };
            assert_eq!(
                placeholders(text),
                placeholders(base),
                "{}: {key:?} → {text:?}",
                language.code()
            );
            assert!(
                !text.trim().is_empty(),
                "{}: {key:?} is empty",
                language.code()
            );
        }
    }
}
