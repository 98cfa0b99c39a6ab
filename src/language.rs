//! The languages mqscope speaks, which one is in use, and plural forms.
//!
//! Texts go through rust-i18n's `t!` with the English text as the key;
//! `locales/<code>.json` holds each language (`locales/en.json` is made from
//! the code by `scripts/i18n-catalogue.py`). rust-i18n has no plural rules,
//! so a text with a count has one key per CLDR plural category
//! (`"%{count} messages#one"`, `…#few`, `…#other`), picked by [`plural`].

/// A language of the window and the CLI's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Language {
    /// English (`en`).
    English,
    /// Romanian (`ro`).
    Romanian,
    /// Italian (`it`).
    Italian,
    /// Brazilian Portuguese (`pt-BR`), also used for any `pt`.
    PortugueseBrazil,
}

impl Language {
    /// Every language, in the order the picker lists them.
    pub const ALL: [Language; 4] = [
        Language::English,
        Language::Romanian,
        Language::Italian,
        Language::PortugueseBrazil,
    ];

    /// The catalogue's code: `en`, `ro`, `it`, `pt-BR`.
    pub fn code(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Romanian => "ro",
            Language::Italian => "it",
            Language::PortugueseBrazil => "pt-BR",
        }
    }

    /// The language's name in its own words.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Romanian => "Română",
            Language::Italian => "Italiano",
            Language::PortugueseBrazil => "Português (Brasil)",
        }
    }

    /// The language of a locale tag: `ro`, `ro_RO.UTF-8`, `pt-BR`, `it-IT@euro`…
    pub fn from_tag(tag: &str) -> Option<Language> {
        let language = tag.split(['_', '-', '.', '@']).next()?.to_ascii_lowercase();
        match language.as_str() {
            "en" => Some(Language::English),
            "ro" | "mo" => Some(Language::Romanian),
            "it" => Some(Language::Italian),
            "pt" => Some(Language::PortugueseBrazil),
            _ => None,
        }
    }

    /// The first of the system's preferred languages that mqscope speaks
    /// (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`; the platform's own
    /// settings on Windows and macOS); English otherwise.
    pub fn from_system() -> Language {
        // Read once: the picker names it every frame.
        static SYSTEM: std::sync::OnceLock<Language> = std::sync::OnceLock::new();
        *SYSTEM.get_or_init(Language::read_system)
    }

    fn read_system() -> Language {
        // LANGUAGE is a colon-separated list of preferences, read first.
        let listed = std::env::var("LANGUAGE").unwrap_or_default();
        listed
            .split(':')
            .filter(|tag| !tag.is_empty())
            .map(str::to_owned)
            .chain(sys_locale::get_locales())
            .find_map(|tag| Language::from_tag(&tag))
            .unwrap_or(Language::English)
    }

    /// The CLDR plural category of `count` in this language.
    pub fn plural_category(self, count: u64) -> &'static str {
        match self {
            Language::English | Language::Italian => {
                if count == 1 {
                    "one"
                } else {
                    "other"
                }
            }
            Language::PortugueseBrazil => {
                if count <= 1 {
                    "one"
                } else {
                    "other"
                }
            }
            Language::Romanian => {
                let last_two = count % 100;
                if count == 1 {
                    "one"
                } else if count == 0 || (2..=19).contains(&last_two) {
                    "few"
                } else {
                    "other"
                }
            }
        }
    }

    /// The plural categories this language has.
    pub fn plural_categories(self) -> &'static [&'static str] {
        match self {
            Language::Romanian => &["one", "few", "other"],
            _ => &["one", "other"],
        }
    }
}

/// Use `language` for every text from now on (the window redraws in it at once).
pub fn set(language: Language) {
    rust_i18n::set_locale(language.code());
}

/// The language in use.
pub fn current() -> Language {
    Language::from_tag(&rust_i18n::locale()).unwrap_or(Language::English)
}

/// The key of `key`'s plural form for `count` in the language in use:
/// `t!(plural("%{count} messages", n), count = n)`.
pub fn plural(key: &str, count: u64) -> String {
    format!("{key}#{}", current().plural_category(count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_tags_name_their_language() {
        assert_eq!(Language::from_tag("ro_RO.UTF-8"), Some(Language::Romanian));
        assert_eq!(
            Language::from_tag("pt_BR"),
            Some(Language::PortugueseBrazil)
        );
        assert_eq!(
            Language::from_tag("pt-PT"),
            Some(Language::PortugueseBrazil)
        );
        assert_eq!(Language::from_tag("it-IT@euro"), Some(Language::Italian));
        assert_eq!(Language::from_tag("en_GB"), Some(Language::English));
        assert_eq!(Language::from_tag("de_DE"), None);
        assert_eq!(Language::from_tag("C"), None);
    }

    #[test]
    fn romanian_has_three_plural_forms() {
        let ro = |n| Language::Romanian.plural_category(n);
        assert_eq!(
            [
                ro(1),
                ro(2),
                ro(19),
                ro(20),
                ro(0),
                ro(101),
                ro(102),
                ro(120)
            ],
            ["one", "few", "few", "other", "few", "other", "few", "other"]
        );
        let pt = |n| Language::PortugueseBrazil.plural_category(n);
        assert_eq!([pt(0), pt(1), pt(2)], ["one", "one", "other"]);
        let it = |n| Language::Italian.plural_category(n);
        assert_eq!([it(0), it(1), it(2)], ["other", "one", "other"]);
    }
}
