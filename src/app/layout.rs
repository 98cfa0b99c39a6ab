//! Where each panel goes in the window. Every panel draws and returns
//! actions; nothing here changes state except the panels' own view state.

use std::time::Instant;

use egui::RichText;
use rust_i18n::t;

use super::MqscopeApp;
use super::settings::{Settings, ThemeChoice};
use super::tab::{BottomTab, Tab};
use crate::language::Language;
use crate::profiles::presets;
use crate::ui::lab::LabSummary;
use crate::ui::status::{Stats, show_stats, show_status};
use crate::ui::widgets::{dot, state_color};
use crate::ui::{Action, words};

/// The smallest the panel under the tree can be dragged to.
const BOTTOM_PANEL_MIN: f32 = 120.0;

/// The narrowest Publish panel that has the message library beside the
/// form rather than under it.
const LIBRARY_BESIDE_MIN_WIDTH: f32 = 720.0;

impl MqscopeApp {
    /// Draw the whole window; returns what the person asked for.
    pub(super) fn layout(&mut self, ui: &mut egui::Ui) -> Vec<Action> {
        let mut actions = shortcuts(ui);
        egui::Panel::top("top").show(ui, |ui| {
            self.tab_bar(ui, &mut actions);
            let targets = self.replay_targets();
            toolbar(ui, &self.tabs[self.active], targets, &mut actions);
            self.notice_line(ui, &mut actions);
            if self.tabs[self.active].editor.profile.is_builtin() {
                actions.extend(crate::ui::lab::banner(ui));
            }
        });
        if let Some(store) = &self.store
            && let Some(action) = self.export_dialog.show(ui.ctx(), &store.profiles)
        {
            actions.push(action);
        }
        let stats = self.stats(Instant::now());
        egui::Panel::bottom("stats").show(ui, |ui| show_stats(ui, stats));
        let choices = self.choices();
        let lab = self.lab_summary();
        let tab = &mut self.tabs[self.active];
        let library = self
            .library
            .as_ref()
            .map(|l| l.search(&tab.editor.profile.id, ""));
        if tab.show_editor {
            // On a small screen the editor takes at most a third to start
            // with (and never more than 45 %), so the tree and the details
            // keep room beside it.
            let width = ui.available_width();
            egui::Panel::left("editor")
                .resizable(true)
                .default_size(380f32.min(width * 0.34))
                .max_size(width * 0.45)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("editor-scroll")
                        .show(ui, |ui| {
                            let busy = !tab.can_connect();
                            actions.extend(tab.editor.show(ui, &choices, busy));
                        });
                });
        }
        // The Broker view's $SYS subscription lives while the view is shown.
        let broker_view_open = tab.bottom == BottomTab::BrokerStats && !tab.bottom_folded;
        tab.sync_sys_subscription(broker_view_open && tab.playback.is_none());
        if tab.bottom_folded {
            // Only the row of tabs: the tree and the details get the rest.
            egui::Panel::bottom("bottom-tabs-folded")
                .resizable(false)
                .show(ui, |ui| bottom_tab_row(ui, tab, &lab));
        } else {
            // A third of what is left to start with, so a short screen keeps
            // room for the tree and the details; the divider can be dragged.
            let first = (ui.available_height() * 0.32).clamp(150.0, 250.0);
            egui::Panel::bottom("bottom-tabs")
                .resizable(true)
                .default_size(first)
                .show(ui, |ui| {
                    bottom_panel(
                        ui,
                        tab,
                        &self.settings,
                        &lab,
                        library.as_deref(),
                        &mut actions,
                    )
                });
        }
        tree_panel(ui, tab, &mut actions);
        egui::CentralPanel::default().show(ui, |ui| {
            actions.extend(tab.details.show(ui, &tab.model, tab.tree.selected));
        });
        actions
    }

    /// The tabs, each with its status light, and the theme on the right.
    fn tab_bar(&self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        ui.horizontal(|ui| {
            ui.label(RichText::new("mqscope").strong());
            ui.separator();
            for (index, tab) in self.tabs.iter().enumerate() {
                dot(ui, state_color(&tab.model.state));
                if ui
                    .selectable_label(index == self.active, &tab.editor.profile.name)
                    .clicked()
                {
                    actions.push(Action::SwitchTab(index));
                }
                if self.tabs.len() > 1
                    && ui
                        .small_button("×")
                        .on_hover_text(t!("Close this connection"))
                        .clicked()
                {
                    actions.push(Action::CloseTab(index));
                }
            }
            if ui
                .button("+")
                .on_hover_text(t!("Open another connection"))
                .clicked()
            {
                actions.push(Action::NewTab);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                actions.extend(theme_choice(ui, self.settings.theme));
                ui.separator();
                actions.extend(language_choice(ui, self.settings.language));
            });
        });
    }

    /// The newest notice (the app's, else the active tab's), with Dismiss.
    fn notice_line(&self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let text = match self.notices.last() {
            Some(notice) => words::app_notice(notice),
            None => match self.tabs[self.active].model.notices.back() {
                Some(notice) => words::model_notice(notice),
                None => {
                    // The strip stays when empty, so that a notice coming or
                    // going never moves what is under the pointer.
                    ui.add_space(ui.spacing().interact_size.y);
                    return;
                }
            },
        };
        ui.horizontal(|ui| {
            // Dismiss first, so that a long notice never pushes it away;
            // the notice keeps to one line (all of it on hover), so that
            // the strip's height never changes.
            if ui.small_button(t!("Dismiss")).clicked() {
                actions.push(Action::DismissNotices);
            }
            ui.add(
                egui::Label::new(RichText::new(&text).color(ui.visuals().warn_fg_color)).truncate(),
            )
            .on_hover_text(&text);
        });
    }

    /// The profiles the editor can start from: (id, name, saved).
    fn choices(&self) -> Vec<(String, String, bool)> {
        let mut list: Vec<(String, String, bool)> = self
            .store
            .iter()
            .flat_map(|s| s.profiles.iter())
            .map(|p| (p.id.clone(), p.name.clone(), true))
            .collect();
        list.extend(presets().into_iter().map(|p| (p.id, p.name, false)));
        list
    }

    /// What the "Built-in broker" view shows.
    fn lab_summary(&self) -> LabSummary {
        #[cfg(feature = "builtin-broker")]
        {
            self.lab.summary()
        }
        #[cfg(not(feature = "builtin-broker"))]
        {
            LabSummary::default()
        }
    }

    fn stats(&mut self, now: Instant) -> Stats {
        let mut stats = Stats {
            frame_ms: self.frame_ms,
            ..Stats::default()
        };
        for tab in &mut self.tabs {
            stats.rate += tab.model.rate.per_second(now);
            let evicted = tab.model.evicted();
            stats.dropped += evicted.messages;
            stats.topics_forgotten += evicted.topics;
            stats.memory += tab.model.held_bytes();
            stats.budget += tab.model.budget();
        }
        stats.topics = self.tabs[self.active].model.tree.topic_count();
        stats
    }
}

/// Ctrl+K connects, Ctrl+Shift+K disconnects, Ctrl+F finds a topic.
fn shortcuts(ui: &mut egui::Ui) -> Vec<Action> {
    let (connect, disconnect, filter) = ui.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::COMMAND, egui::Key::K),
            i.consume_key(
                egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
                egui::Key::K,
            ),
            i.consume_key(egui::Modifiers::COMMAND, egui::Key::F),
        )
    });
    let mut actions = Vec::new();
    if disconnect {
        actions.push(Action::Disconnect);
    } else if connect {
        actions.push(Action::Connect);
    }
    if filter {
        actions.push(Action::FocusTopicFilter);
    }
    actions
}

/// The theme list; returns the new choice when the person makes one.
fn theme_choice(ui: &mut egui::Ui, current: ThemeChoice) -> Option<Action> {
    let name = |choice: ThemeChoice| match choice {
        ThemeChoice::System => t!("Follow the system"),
        ThemeChoice::Light => t!("Light"),
        ThemeChoice::Dark => t!("Dark"),
    };
    let mut chosen = current;
    let combo = egui::ComboBox::from_id_salt("theme")
        .selected_text(name(current))
        .show_ui(ui, |ui| {
            for choice in [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark] {
                ui.selectable_value(&mut chosen, choice, name(choice));
            }
        });
    let label = ui.label(t!("Theme"));
    combo.response.labelled_by(label.id);
    (chosen != current).then_some(Action::SetTheme(chosen))
}

/// The language list, each language in its own words; returns the new
/// choice when the person makes one.
fn language_choice(ui: &mut egui::Ui, current: Option<Language>) -> Option<Action> {
    let name = |choice: Option<Language>| match choice {
        Some(language) => language.native_name().to_owned(),
        None => t!(
            "System (%{language})",
            language = Language::from_system().native_name()
        )
        .into_owned(),
    };
    let mut chosen = current;
    let combo = egui::ComboBox::from_id_salt("language")
        .selected_text(name(current))
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut chosen, None, name(None));
            for language in Language::ALL {
                ui.selectable_value(&mut chosen, Some(language), language.native_name());
            }
        });
    let label = ui.label(t!("Language"));
    combo.response.labelled_by(label.id);
    (chosen != current).then_some(Action::SetLanguage(chosen))
}

/// Connect or Disconnect, the editor switch, and the connection's status.
fn toolbar(
    ui: &mut egui::Ui,
    tab: &Tab,
    replay_targets: Vec<(super::TabId, String)>,
    actions: &mut Vec<Action>,
) {
    ui.horizontal(|ui| {
        if let Some(playback) = &tab.playback {
            let view = playback.view(tab.is_running(), replay_targets);
            ui.vertical(|ui| {
                ui.horizontal(|ui| {
                    crate::ui::recording::playback(ui, &view);
                    actions.extend(crate::ui::recording::open_button(ui));
                });
                ui.horizontal(|ui| actions.extend(crate::ui::recording::timeline(ui, &view)));
            });
            return;
        }
        if tab.is_running() {
            if ui
                .button(t!("Disconnect"))
                .on_hover_text(t!("Ctrl+Shift+K"))
                .clicked()
            {
                actions.push(Action::Disconnect);
            }
        } else if ui
            .add_enabled(tab.can_connect(), egui::Button::new(t!("Connect")))
            .on_hover_text(t!("Ctrl+K"))
            .clicked()
        {
            actions.push(Action::Connect);
        }
        let label = if tab.show_editor {
            t!("Hide connection settings")
        } else {
            t!("Connection settings")
        };
        if ui.button(label).clicked() {
            actions.push(Action::ToggleEditor);
        }
        let recording = tab.recording.as_ref().map(|r| r.view());
        if let Some(action) =
            crate::ui::recording::controls(ui, recording.as_ref(), tab.is_running())
        {
            actions.push(action);
        }
        actions.extend(crate::ui::recording::open_button(ui));
        ui.vertical(|ui| {
            if let Some(action) =
                show_status(ui, &tab.model, &tab.address_text(), tab.version.name())
            {
                actions.push(action);
            }
        });
    });
}

/// The bottom panel's tabs, and the switch that folds it down to them; a
/// tab chosen while folded unfolds it.
fn bottom_tab_row(ui: &mut egui::Ui, tab: &mut Tab, lab: &LabSummary) {
    ui.horizontal(|ui| {
        let mut tabs = vec![
            (BottomTab::Subscriptions, t!("Subscriptions")),
            (BottomTab::Publish, t!("Publish")),
            (BottomTab::Messages, t!("Messages")),
            (BottomTab::Packets, t!("Packets")),
        ];
        // A recording has nothing to subscribe or publish to.
        if tab.playback.is_some() {
            tabs.drain(..2);
        } else {
            tabs.push((BottomTab::Requests, t!("Requests")));
            tabs.push((BottomTab::Retained, t!("Retained")));
            tabs.push((BottomTab::BrokerStats, t!("Broker ($SYS)")));
            if lab.available {
                tabs.push((BottomTab::BuiltinBroker, t!("Built-in broker")));
            }
        }
        for (which, label) in tabs {
            let shown = tab.bottom == which && !tab.bottom_folded;
            if ui.selectable_label(shown, label).clicked() {
                tab.bottom = which;
                tab.bottom_folded = false;
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let label = if tab.bottom_folded {
                t!("Show panel")
            } else {
                t!("Hide panel")
            };
            if ui
                .small_button(label)
                .on_hover_text(t!(
                    "Fold this panel down to its tabs, to give the topics and their details the room"
                ))
                .clicked()
            {
                tab.bottom_folded ^= true;
            }
        });
    });
}

/// The panel under the tree: Subscriptions, Publish, Messages, Packets.
fn bottom_panel(
    ui: &mut egui::Ui,
    tab: &mut Tab,
    settings: &Settings,
    lab: &LabSummary,
    library: Option<&[&crate::profiles::SavedMessage]>,
    actions: &mut Vec<Action>,
) {
    // Fill the panel (the person drags its divider from here down to
    // BOTTOM_PANEL_MIN), so that the lists show as many rows as fit.
    ui.set_min_height(ui.available_height().max(BOTTOM_PANEL_MIN));
    bottom_tab_row(ui, tab, lab);
    ui.separator();
    let action = match tab.bottom {
        BottomTab::Subscriptions => {
            egui::ScrollArea::vertical()
                .id_salt("subscriptions-scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| tab.subscribe.show(ui, &tab.model))
                .inner
        }
        BottomTab::Publish => publish_and_library(ui, tab, library),
        BottomTab::Messages => {
            actions.extend(history_limits(ui, settings));
            let (clicked, export) = tab.messages.show(ui, &tab.model);
            clicked.map(Action::ShowTopic).or(export)
        }
        BottomTab::Packets => tab
            .packets
            .show(ui, &tab.model, tab.packet_log, tab.version),
        BottomTab::BuiltinBroker => {
            actions.extend(crate::ui::lab::show(ui, lab));
            None
        }
        BottomTab::Requests => {
            crate::ui::requests::show(ui, &tab.model);
            None
        }
        BottomTab::BrokerStats => {
            tab.broker_stats.show(ui, &tab.model);
            None
        }
        BottomTab::Retained => {
            let now = crate::record::writer::micros_since_epoch(std::time::SystemTime::now());
            tab.retained.show(ui, &tab.model, now)
        }
    };
    actions.extend(action);
}

/// The Publish form, and the message library beside it (under it when the
/// panel is narrow).
fn publish_and_library(
    ui: &mut egui::Ui,
    tab: &mut Tab,
    library: Option<&[&crate::profiles::SavedMessage]>,
) -> Option<Action> {
    let context = crate::ui::library::LibraryContext {
        profile: &tab.editor.profile,
        connected: tab.model.is_connected(),
        form_ready: tab.publish.build().is_ok(),
        available: library.is_some(),
    };
    let messages = library.unwrap_or_default();
    let width = ui.available_width();
    if width < LIBRARY_BESIDE_MIN_WIDTH {
        return egui::ScrollArea::vertical()
            .id_salt("publish-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let form = tab
                    .publish
                    .show(ui, &tab.model, &tab.editor.profile, &tab.timers);
                ui.separator();
                let saved = tab.library.show(ui, messages, &context);
                saved.or(form)
            })
            .inner;
    }
    let library_width = (width * 0.34).clamp(260.0, 460.0);
    let height = ui.available_height();
    ui.horizontal_top(|ui| {
        let form = ui
            .allocate_ui_with_layout(
                egui::vec2(width - library_width - 16.0, height),
                egui::Layout::top_down(egui::Align::Min),
                |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("publish-scroll")
                        .auto_shrink([false, false])
                        .show(ui, |ui| {
                            tab.publish
                                .show(ui, &tab.model, &tab.editor.profile, &tab.timers)
                        })
                        .inner
                },
            )
            .inner;
        ui.separator();
        let saved = ui
            .allocate_ui_with_layout(
                egui::vec2(library_width, height),
                egui::Layout::top_down(egui::Align::Min),
                |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("library-scroll")
                        .auto_shrink([false, false])
                        .show(ui, |ui| tab.library.show(ui, messages, &context))
                        .inner
                },
            )
            .inner;
        saved.or(form)
    })
    .inner
}

/// How much history and memory each connection keeps; returns the change, if any.
fn history_limits(ui: &mut egui::Ui, settings: &Settings) -> Option<Action> {
    let mut messages = settings.history_messages;
    let mut per_topic = settings.history_per_topic;
    let mut connection_mib = settings.connection_budget_mib;
    let mut app_mib = settings.app_budget_mib;
    let mut utc_change = None;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(t!("History: keep"));
        ui.add(
            egui::DragValue::new(&mut messages)
                .range(1_000..=10_000_000)
                .speed(1000),
        )
        .labelled_by(label.id);
        let label = ui.label(t!("messages in all, and per topic"));
        ui.add(egui::DragValue::new(&mut per_topic).range(1..=100_000))
            .labelled_by(label.id);
        ui.separator();
        let smallest = crate::model::memory::SMALLEST_BUDGET >> 20;
        let label = ui.label(t!("Memory: each connection"));
        ui.add(
            egui::DragValue::new(&mut connection_mib)
                .range(smallest..=1 << 20)
                .speed(16)
                .suffix(" MiB"),
        )
        .labelled_by(label.id)
        .on_hover_text(t!(
            "When it is full, the oldest history goes first, then the topics not seen for the longest time. Retained values and the selected topic go last."
        ));
        let label = ui.label(t!("all tabs"));
        ui.add(
            egui::DragValue::new(&mut app_mib)
                .range(smallest..=1 << 22)
                .speed(16)
                .suffix(" MiB"),
        )
        .labelled_by(label.id);
        ui.separator();
        let mut utc = settings.utc_times;
        if ui.checkbox(&mut utc, t!("Times in UTC")).changed() {
            utc_change = Some(Action::SetUtcTimes(utc));
        }
    });
    if utc_change.is_some() {
        return utc_change;
    }
    if connection_mib != settings.connection_budget_mib || app_mib != settings.app_budget_mib {
        return Some(Action::SetMemoryBudgets {
            connection_mib,
            app_mib,
        });
    }
    (messages != settings.history_messages || per_topic != settings.history_per_topic).then_some(
        Action::SetHistoryLimits {
            messages,
            per_topic,
        },
    )
}

/// The topic tree on the left.
fn tree_panel(ui: &mut egui::Ui, tab: &mut Tab, actions: &mut Vec<Action>) {
    let colors: Vec<(String, [u8; 3])> = tab
        .model
        .subscriptions
        .iter()
        .map(|s| (s.filter.clone(), s.color))
        .collect();
    // The details beside the tree keep at least about half of what is left.
    let width = ui.available_width();
    egui::Panel::left("tree")
        .resizable(true)
        .default_size(420f32.min(width * 0.45))
        .max_size(width * 0.55)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new(t!("Topics")).strong());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let asking = &mut tab.tree.confirm_clear;
                    actions.extend(crate::ui::tree::clear::show(ui, asking, &tab.model));
                });
            });
            if tab.tree.show(ui, &tab.model, &colors).is_some() {
                actions.push(Action::TopicSelected);
            }
        });
}
