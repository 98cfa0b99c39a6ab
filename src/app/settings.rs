//! What the window remembers between runs (eframe's storage), kept apart
//! from runtime state; every field has a default, so an old or edited
//! settings entry still loads.

use crate::language::Language;
use crate::model::memory::SMALLEST_BUDGET;
use crate::model::{DEFAULT_APP_BUDGET, DEFAULT_CONNECTION_BUDGET, HistoryLimits};

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
    /// The memory each connection may hold, in MiB.
    pub connection_budget_mib: usize,
    /// The memory all tabs together may hold, in MiB.
    pub app_budget_mib: usize,
    /// The language chosen in the window (`None`: the system's).
    pub language: Option<Language>,
    /// Show message times in UTC instead of local time.
    pub utc_times: bool,
    /// Where recordings go (`None`: the Documents folder's `mqscope`).
    pub recordings_dir: Option<std::path::PathBuf>,
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
        }
    }

    /// The budget of each of `tabs` tabs, in bytes: the connection budget,
    /// or an equal share of the window's if that is smaller (never below
    /// the smallest budget).
    pub fn tab_budget(&self, tabs: usize) -> usize {
        let mib = |m: usize| m.saturating_mul(1 << 20);
        let share = mib(self.app_budget_mib) / tabs.max(1);
        mib(self.connection_budget_mib)
            .min(share)
            .max(SMALLEST_BUDGET)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            theme: ThemeChoice::System,
            last_profile: None,
            history_messages: HistoryLimits::default().max_messages,
            history_per_topic: HistoryLimits::default().per_topic,
            connection_budget_mib: DEFAULT_CONNECTION_BUDGET >> 20,
            app_budget_mib: DEFAULT_APP_BUDGET >> 20,
            language: None,
            utc_times: false,
            recordings_dir: None,
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

    #[test]
    fn tabs_share_the_window_budget() {
        let settings = Settings::default();
        assert_eq!(settings.tab_budget(1), 256 << 20, "the connection budget");
        assert_eq!(settings.tab_budget(4), 256 << 20);
        assert_eq!(settings.tab_budget(8), 128 << 20, "a share of 1 GiB");
        assert_eq!(settings.tab_budget(1000), SMALLEST_BUDGET);
        let huge = Settings {
            connection_budget_mib: usize::MAX,
            app_budget_mib: usize::MAX,
            ..Settings::default()
        };
        assert!(huge.tab_budget(0) > 1 << 40, "saturates, no overflow");
    }
}
