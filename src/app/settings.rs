//! What the window remembers between runs (eframe's storage), kept apart
//! from runtime state; every field has a default, so an old or edited
//! settings entry still loads.

use crate::language::Language;
use crate::model::HistoryLimits;

/// The key of the settings in eframe's storage.
pub const SETTINGS_KEY: &str = "mqscope-settings";

/// The light/dark choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ThemeChoice {
    /// Follow the system.
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl ThemeChoice {
    /// egui's preference for this choice.
    pub fn preference(self) -> egui::ThemePreference {
        match self {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// Settings kept between runs.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Settings {
    /// The theme.
    pub theme: ThemeChoice,
    /// The profile the first tab starts with.
    pub last_profile: Option<String>,
    /// How many messages each connection keeps in all.
    pub history_messages: usize,
    /// How many messages each topic keeps.
    pub history_per_topic: usize,
    /// The language chosen in the window (`None`: the system's).
    pub language: Option<Language>,
    /// Show message times in UTC instead of local time.
    pub utc_times: bool,
}

impl Settings {
    /// The language to use: the one chosen, else the system's.
    pub fn effective_language(&self) -> Language {
        self.language.unwrap_or_else(Language::from_system)
    }

    /// The history bounds these settings ask for (at least one message each).
    pub fn history_limits(&self) -> HistoryLimits {
        HistoryLimits {
            max_messages: self.history_messages.max(1),
            per_topic: self.history_per_topic.max(1),
            ..HistoryLimits::default()
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: ThemeChoice::System,
            last_profile: None,
            history_messages: HistoryLimits::default().max_messages,
            history_per_topic: HistoryLimits::default().per_topic,
            language: None,
            utc_times: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_or_partial_entry_loads_with_defaults() {
        let settings: Settings = serde_json::from_str(r#"{"theme":"Dark"}"#).expect("loads");
        assert_eq!(settings.theme, ThemeChoice::Dark);
        assert_eq!(
            settings.history_messages,
            HistoryLimits::default().max_messages
        );
        let zero = Settings {
            history_messages: 0,
            history_per_topic: 0,
            ..Settings::default()
        };
        assert_eq!(zero.history_limits().max_messages, 1);
        assert_eq!(zero.history_limits().per_topic, 1);
    }
}
