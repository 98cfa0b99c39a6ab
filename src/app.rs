//! The eframe application: tabs of connections, each with its own network
//! thread and model. Events are drained into the models in `logic`, which
//! runs even while the window is hidden; `ui` draws the panels and carries
//! out what they return.

use std::sync::Arc;
use std::time::Instant;

use egui::RichText;
use rust_i18n::t;

use crate::model::{
    ConnectionModel, ConnectionState, HistoryLimits, Subscription, SubscriptionStatus,
};
use crate::net::{Command, ConnectionHandle, Event};
use crate::profiles::{
    Profile, ProfileStore, SavedSubscription, SecretStore, StoreError, default_secret_store,
    presets,
};
use crate::proto::{Properties, ProtocolVersion, Publish, QoS, ReasonCode};
use crate::ui::connection::{Editor, EditorAction};
use crate::ui::details::DetailsView;
use crate::ui::messages::MessagesView;
use crate::ui::packets::PacketsView;
use crate::ui::publish::PublishForm;
use crate::ui::status::{Stats, show_stats, show_status};
use crate::ui::subscriptions::{SubscribeForm, color_for};
use crate::ui::tree::TreeView;
use crate::ui::{Action, tr};

/// The panel under the tree and details.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BottomTab {
    /// Subscriptions.
    Subscriptions,
    /// Publish.
    Publish,
    /// The messages log.
    Messages,
    /// The packet inspector.
    Packets,
}

/// One connection tab.
pub struct Tab {
    /// The connection editor.
    pub editor: Editor,
    /// What the window knows about the connection.
    pub model: ConnectionModel,
    handle: Option<ConnectionHandle>,
    subscribed_on_connect: bool,
    packet_log: bool,
    version: ProtocolVersion,
    /// The topic tree view.
    pub tree: TreeView,
    details: DetailsView,
    messages: MessagesView,
    publish: PublishForm,
    subscribe: SubscribeForm,
    packets: PacketsView,
    /// The bottom panel shown.
    pub bottom: BottomTab,
    /// Whether the editor is shown.
    pub show_editor: bool,
}

impl Tab {
    fn new(profile: Profile, limits: HistoryLimits) -> Tab {
        let mut model = ConnectionModel::new(limits);
        for (index, saved) in profile.subscriptions.iter().enumerate() {
            model.subscriptions.push(subscription_from(saved, index));
        }
        Tab {
            version: profile.advanced.mqtt_version,
            editor: Editor::new(profile),
            model,
            handle: None,
            subscribed_on_connect: false,
            packet_log: false,
            tree: TreeView::default(),
            details: DetailsView::default(),
            messages: MessagesView::default(),
            publish: PublishForm::default(),
            subscribe: SubscribeForm::default(),
            packets: PacketsView::default(),
            bottom: BottomTab::Subscriptions,
            show_editor: true,
        }
    }

    /// Whether a network thread runs for this tab.
    pub fn is_running(&self) -> bool {
        self.handle.is_some()
    }

    fn send(&self, command: Command) {
        if let Some(handle) = &self.handle {
            handle.send(command);
        }
    }

    /// Take in every pending event; returns how many.
    fn drain(&mut self, now: Instant) -> usize {
        let Some(handle) = &self.handle else {
            return 0;
        };
        let events: Vec<Event> = handle.events().try_iter().collect();
        let count = events.len();
        let mut stopped = false;
        // One clock reading for the whole batch, not one per message.
        let received_at = std::time::SystemTime::now();
        for event in events {
            match &event {
                Event::Message(publish) => {
                    self.model.ingest(publish, now, received_at);
                    continue;
                }
                Event::Connected(_) if !self.subscribed_on_connect => {
                    self.subscribed_on_connect = true;
                    self.model.apply(event, now);
                    self.subscribe_all();
                    continue;
                }
                Event::Stopped => stopped = true,
                _ => {}
            }
            self.model.apply(event, now);
        }
        if stopped {
            self.handle = None;
            self.show_editor = true;
        }
        count
    }

    fn subscribe_all(&mut self) {
        let version = self.version;
        for index in 0..self.model.subscriptions.len() {
            let tag = self.model.next_tag();
            let sub = &mut self.model.subscriptions[index];
            sub.tag = tag;
            sub.status = SubscriptionStatus::Pending;
            let mut properties = Properties::new();
            if let (Some(id), ProtocolVersion::V5) = (sub.identifier, version) {
                properties.push(crate::proto::Property::SubscriptionIdentifier(id));
            }
            let filter = crate::proto::SubscribeFilter {
                filter: sub.filter.as_str().into(),
                options: sub.options,
            };
            if let Some(handle) = &self.handle {
                handle.send(Command::Subscribe {
                    tag,
                    filters: vec![filter],
                    properties,
                });
            }
        }
    }

    fn address_text(&self) -> String {
        let p = &self.editor.profile;
        format!("{}:{}", p.host, p.port)
    }
}

fn subscription_from(saved: &SavedSubscription, index: usize) -> Subscription {
    let filter = saved.subscribe_filter();
    Subscription {
        filter: saved.filter.clone(),
        options: filter.options,
        identifier: saved.subscription_identifier,
        color: if saved.color == [0, 0, 0] {
            color_for(index)
        } else {
            saved.color
        },
        status: SubscriptionStatus::Inactive,
        tag: 0,
    }
}

/// What the window does as it opens (`mqscope --connect URL`).
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// Connect to this broker URL.
    pub connect: Option<String>,
    /// Subscribe to these filters once connected.
    pub subscribe: Vec<String>,
    /// Record packets from the start.
    pub record_packets: bool,
}

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

/// Settings kept between runs (in eframe's storage).
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
}

impl Settings {
    fn history_limits(&self) -> HistoryLimits {
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
        }
    }
}

const SETTINGS_KEY: &str = "mqscope-settings";
/// The height of the panel under the tree, until the person resizes it.
const BOTTOM_PANEL_HEIGHT: f32 = 300.0;

/// The application.
pub struct MqscopeApp {
    /// The connection tabs.
    pub tabs: Vec<Tab>,
    /// The tab shown.
    pub active: usize,
    store: Option<ProfileStore>,
    secrets: Box<dyn SecretStore>,
    settings: Settings,
    notices: Vec<String>,
    repaint: Option<crate::net::Repaint>,
    frame_ms: Option<f32>,
}

impl MqscopeApp {
    /// Create the app (eframe's creator).
    pub fn new(cc: &eframe::CreationContext<'_>) -> MqscopeApp {
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
            .unwrap_or_default();
        let ctx = cc.egui_ctx.clone();
        let repaint: crate::net::Repaint = Arc::new(move || ctx.request_repaint());
        let mut app = MqscopeApp::with_store(
            ProfileStore::open_default(),
            default_secret_store(),
            settings,
        );
        app.repaint = Some(repaint);
        app.apply_theme(&cc.egui_ctx);
        app
    }

    /// Create the app with a profile store and a secret store (tests use
    /// temporary ones).
    pub fn with_store(
        store: Result<(ProfileStore, Option<String>), StoreError>,
        secrets: Box<dyn SecretStore>,
        settings: Settings,
    ) -> MqscopeApp {
        let mut notices = Vec::new();
        let store = match store {
            Ok((store, notice)) => {
                notices.extend(notice);
                Some(store)
            }
            Err(error) => {
                notices.push(format!("Saved connections are not available: {error}"));
                None
            }
        };
        let first = settings
            .last_profile
            .as_ref()
            .and_then(|id| find_profile(store.as_ref(), id))
            .or_else(|| store.as_ref().and_then(|s| s.profiles.first().cloned()))
            .unwrap_or_else(|| presets().remove(0));
        MqscopeApp {
            tabs: vec![Tab::new(first, settings.history_limits())],
            active: 0,
            store,
            secrets,
            settings,
            notices,
            repaint: None,
            frame_ms: None,
        }
    }

    /// Carry out `mqscope --connect URL`: a tab for that broker, connected.
    pub fn launch(&mut self, launch: Launch) {
        let Some(url) = launch.connect else {
            return;
        };
        let (address, extras) = match crate::net::BrokerAddress::parse_url(&url) {
            Ok(parsed) => parsed,
            Err(error) => {
                self.notices.push(format!("--connect {url}: {error}"));
                return;
            }
        };
        let mut profile = Profile::new(address.to_string());
        profile.host = address.host;
        profile.port = address.port;
        profile.transport = address.transport;
        profile.websocket_path = address.path;
        profile.user_name = extras.user_name.unwrap_or_default();
        profile.password = extras.password;
        profile.password_storage = crate::profiles::PasswordStorage::DoNotSave;
        for (index, filter) in launch.subscribe.iter().enumerate() {
            let mut saved = SavedSubscription::new(filter.clone());
            saved.color = color_for(index);
            profile.subscriptions.push(saved);
        }
        let mut tab = Tab::new(profile, self.settings.history_limits());
        tab.packet_log = launch.record_packets;
        tab.editor.password = tab.editor.profile.password.clone().unwrap_or_default();
        self.tabs = vec![tab];
        self.active = 0;
        self.connect();
    }

    fn apply_theme(&self, ctx: &egui::Context) {
        ctx.set_theme(match self.settings.theme {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        });
    }

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

    fn save_profile(&mut self, profile: &Profile) {
        let Some(store) = &mut self.store else {
            self.notices
                .push(t!("Saved connections are not available on this computer.").into_owned());
            return;
        };
        let mut profile = profile.clone();
        if profile.id.starts_with("preset-") {
            profile = profile.duplicate();
        }
        store.upsert(profile.clone());
        if let Err(error) = store.save() {
            self.notices.push(format!(
                "{} {error}",
                t!("The connection could not be saved:")
            ));
        }
        self.tabs[self.active].editor.profile.id = profile.id;
    }

    fn connect(&mut self) {
        let index = self.active;
        let tab = &mut self.tabs[index];
        if tab.is_running() {
            return;
        }
        let mut profile = tab.editor.profile.clone();
        let typed = tab.editor.password.clone();
        let password = if typed.is_empty() {
            profile.saved_password(self.secrets.as_ref()).ok().flatten()
        } else {
            Some(typed.clone())
        };
        if !typed.is_empty()
            && let Err(error) = profile.remember_password(Some(&typed), self.secrets.as_ref())
        {
            tab.model.notify(error.to_string());
        }
        let config = match profile.to_connection_config(password.as_deref()) {
            Ok(config) => config,
            Err(error) => {
                tab.model.notify(error.to_string());
                return;
            }
        };
        tab.version = profile.advanced.mqtt_version;
        let mut config = config;
        config.packet_log = tab.packet_log;
        match ConnectionHandle::spawn(config, self.repaint.clone()) {
            Ok(handle) => {
                tab.handle = Some(handle);
                tab.subscribed_on_connect = false;
                tab.show_editor = false;
                tab.model.state = ConnectionState::Connecting {
                    address: tab.address_text(),
                    attempt: 1,
                };
            }
            Err(error) => tab.model.notify(format!(
                "{} {error}",
                t!("The network thread could not start:")
            )),
        }
        self.settings.last_profile = Some(profile.id.clone());
        if self
            .store
            .as_ref()
            .is_some_and(|s| s.get(&profile.id).is_some())
        {
            self.save_profile(&profile);
        }
    }

    fn disconnect(&mut self) {
        let tab = &mut self.tabs[self.active];
        tab.send(Command::Disconnect {
            reason_code: ReasonCode::Success,
            properties: Properties::new(),
        });
    }

    fn handle(&mut self, action: Action) {
        let active = self.active;
        match action {
            Action::Connect => self.connect(),
            Action::Disconnect => self.disconnect(),
            Action::Subscribe(filters, properties) => {
                let tab = &mut self.tabs[active];
                for filter in filters {
                    let tag = tab.model.next_tag();
                    let index = tab.model.subscriptions.len();
                    tab.model
                        .subscriptions
                        .retain(|s| s.filter != filter.filter.as_ref());
                    tab.model.subscriptions.push(Subscription {
                        filter: filter.filter.to_string(),
                        options: filter.options,
                        identifier: properties.subscription_identifiers().next(),
                        color: color_for(index),
                        status: SubscriptionStatus::Pending,
                        tag,
                    });
                    let mut saved = SavedSubscription::new(filter.filter.to_string());
                    saved.qos = filter.options.maximum_qos;
                    saved.no_local = filter.options.no_local;
                    saved.retain_as_published = filter.options.retain_as_published;
                    saved.retain_handling = filter.options.retain_handling;
                    saved.subscription_identifier = properties.subscription_identifiers().next();
                    saved.color = color_for(index);
                    let subs = &mut tab.editor.profile.subscriptions;
                    subs.retain(|s| s.filter != saved.filter);
                    subs.push(saved);
                    tab.send(Command::Subscribe {
                        tag,
                        filters: vec![filter],
                        properties: properties.clone(),
                    });
                }
                self.persist_subscriptions();
            }
            Action::Unsubscribe(filter) => {
                let tab = &mut self.tabs[active];
                let active_sub = tab.model.subscriptions.iter().any(|s| {
                    s.filter == filter && matches!(s.status, SubscriptionStatus::Granted(_))
                });
                tab.model.subscriptions.retain(|s| s.filter != filter);
                tab.editor
                    .profile
                    .subscriptions
                    .retain(|s| s.filter != filter);
                if active_sub {
                    let tag = tab.model.next_tag();
                    tab.send(Command::Unsubscribe {
                        tag,
                        filters: vec![filter.as_str().into()],
                        properties: Properties::new(),
                    });
                }
                self.persist_subscriptions();
            }
            Action::Publish(publish) => {
                let tab = &mut self.tabs[active];
                let tag = tab.model.next_tag();
                tab.model.record_publish(tag, publish.clone());
                tab.send(Command::Publish { tag, publish });
            }
            Action::DeleteRetained(topic) => {
                let tab = &mut self.tabs[active];
                let mut publish = Publish::new(topic.as_str(), bytes::Bytes::new());
                publish.retain = true;
                publish.qos = QoS::AtLeastOnce.min(
                    tab.model
                        .broker()
                        .map_or(QoS::AtLeastOnce, |b| b.maximum_qos),
                );
                let tag = tab.model.next_tag();
                tab.model.record_publish(tag, publish.clone());
                tab.send(Command::Publish { tag, publish });
                if let Some(node) = tab.model.tree.find(&topic) {
                    tab.model.tree.clear_last(node);
                }
            }
            Action::SetPacketLog(on) => {
                let tab = &mut self.tabs[active];
                tab.packet_log = on;
                tab.send(Command::SetPacketLog(on));
            }
        }
    }

    fn persist_subscriptions(&mut self) {
        let profile = self.tabs[self.active].editor.profile.clone();
        if self
            .store
            .as_ref()
            .is_some_and(|s| s.get(&profile.id).is_some())
        {
            self.save_profile(&profile);
        }
    }

    fn top_bar(&mut self, ui: &mut egui::Ui) {
        let mut switch_to = None;
        let mut close = None;
        let mut add = false;
        ui.horizontal(|ui| {
            ui.label(RichText::new("mqscope").strong());
            ui.separator();
            for (index, tab) in self.tabs.iter().enumerate() {
                let color = match tab.model.state {
                    ConnectionState::Connected(_) => egui::Color32::from_rgb(40, 170, 80),
                    ConnectionState::Connecting { .. } | ConnectionState::Reconnecting { .. } => {
                        egui::Color32::from_rgb(230, 170, 0)
                    }
                    ConnectionState::Disconnected { by_user: false, .. } => {
                        egui::Color32::from_rgb(210, 60, 50)
                    }
                    _ => egui::Color32::GRAY,
                };
                crate::ui::dot(ui, color);
                if ui
                    .selectable_label(index == self.active, &tab.editor.profile.name)
                    .clicked()
                {
                    switch_to = Some(index);
                }
                if self.tabs.len() > 1
                    && ui
                        .small_button("×")
                        .on_hover_text(t!("Close this connection"))
                        .clicked()
                {
                    close = Some(index);
                }
            }
            if ui
                .button("+")
                .on_hover_text(t!("Open another connection"))
                .clicked()
            {
                add = true;
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let before = self.settings.theme;
                let combo = egui::ComboBox::from_id_salt("theme")
                    .selected_text(match self.settings.theme {
                        ThemeChoice::System => t!("Follow the system"),
                        ThemeChoice::Light => t!("Light"),
                        ThemeChoice::Dark => t!("Dark"),
                    })
                    .show_ui(ui, |ui| {
                        ui.selectable_value(
                            &mut self.settings.theme,
                            ThemeChoice::System,
                            t!("Follow the system"),
                        );
                        ui.selectable_value(
                            &mut self.settings.theme,
                            ThemeChoice::Light,
                            t!("Light"),
                        );
                        ui.selectable_value(
                            &mut self.settings.theme,
                            ThemeChoice::Dark,
                            t!("Dark"),
                        );
                    });
                let label = ui.label(t!("Theme"));
                combo.response.labelled_by(label.id);
                if before != self.settings.theme {
                    self.apply_theme(ui.ctx());
                }
            });
        });
        if let Some(index) = switch_to {
            self.active = index;
        }
        if add {
            self.tabs.push(Tab::new(
                presets().remove(0),
                self.settings.history_limits(),
            ));
            self.active = self.tabs.len() - 1;
        }
        if let Some(index) = close {
            let tab = self.tabs.remove(index);
            drop(tab);
            self.active = self.active.min(self.tabs.len() - 1);
        }
    }

    fn stats(&mut self, now: Instant) -> Stats {
        let mut stats = Stats {
            frame_ms: self.frame_ms,
            ..Stats::default()
        };
        for tab in &mut self.tabs {
            stats.rate += tab.model.rate.per_second(now);
            stats.dropped += tab.model.history.evicted();
            stats.memory += tab.model.memory_estimate();
        }
        stats.topics = self.tabs[self.active].model.tree.topic_count();
        stats
    }
}

fn find_profile(store: Option<&ProfileStore>, id: &str) -> Option<Profile> {
    store
        .and_then(|s| s.get(id).cloned())
        .or_else(|| presets().into_iter().find(|p| p.id == id))
}

impl eframe::App for MqscopeApp {
    fn logic(&mut self, _ctx: &egui::Context, _frame: &mut eframe::Frame) {
        let now = Instant::now();
        let limits = self.settings.history_limits();
        for tab in &mut self.tabs {
            if tab.model.history.limits() != limits {
                tab.model.history.set_limits(limits);
            }
            tab.drain(now);
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.frame_ms = frame.info().cpu_usage.map(|s| s * 1000.0);
        let now = Instant::now();
        let mut actions: Vec<Action> = Vec::new();
        // Keyboard shortcuts.
        let (connect_key, disconnect_key, filter_key) = ui.input_mut(|i| {
            (
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::K),
                i.consume_key(
                    egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
                    egui::Key::K,
                ),
                i.consume_key(egui::Modifiers::COMMAND, egui::Key::F),
            )
        });
        if disconnect_key {
            actions.push(Action::Disconnect);
        } else if connect_key {
            actions.push(Action::Connect);
        }
        if filter_key {
            self.tabs[self.active].tree.focus_filter = true;
        }

        egui::Panel::top("top").show(ui, |ui| {
            self.top_bar(ui);
            let running = self.tabs[self.active].is_running();
            let editor_open = self.tabs[self.active].show_editor;
            ui.horizontal(|ui| {
                if running {
                    if ui
                        .button(t!("Disconnect"))
                        .on_hover_text(t!("Ctrl+Shift+K"))
                        .clicked()
                    {
                        actions.push(Action::Disconnect);
                    }
                } else if ui
                    .button(t!("Connect"))
                    .on_hover_text(t!("Ctrl+K"))
                    .clicked()
                {
                    actions.push(Action::Connect);
                }
                let label = if editor_open {
                    t!("Hide connection settings")
                } else {
                    t!("Connection settings")
                };
                if ui.button(label).clicked() {
                    self.tabs[self.active].show_editor ^= true;
                }
                let tab = &self.tabs[self.active];
                ui.vertical(|ui| {
                    show_status(ui, &tab.model, &tab.address_text(), tab.version.name());
                });
            });
            let notices: Vec<String> = self
                .notices
                .iter()
                .cloned()
                .chain(
                    self.tabs[self.active]
                        .model
                        .notices
                        .iter()
                        .rev()
                        .take(1)
                        .map(|n| n.text.clone()),
                )
                .collect();
            if let Some(notice) = notices.last() {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(tr(notice)).color(ui.visuals().warn_fg_color));
                    if ui.small_button(t!("Dismiss")).clicked() {
                        self.notices.clear();
                        self.tabs[self.active].model.notices.clear();
                    }
                });
            }
        });
        let stats = self.stats(now);
        egui::Panel::bottom("stats").show(ui, |ui| show_stats(ui, stats));

        let choices = self.choices();
        let active = self.active;
        if self.tabs[active].show_editor {
            let mut editor_action = None;
            egui::Panel::left("editor")
                .resizable(true)
                .default_size(380.0)
                .show(ui, |ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("editor-scroll")
                        .show(ui, |ui| {
                            let busy = self.tabs[active].is_running();
                            editor_action = self.tabs[active].editor.show(ui, &choices, busy);
                        });
                });
            match editor_action {
                Some(EditorAction::Connect) => actions.push(Action::Connect),
                Some(EditorAction::Save) => {
                    let profile = self.tabs[active].editor.profile.clone();
                    self.save_profile(&profile);
                }
                Some(EditorAction::Delete) => {
                    let id = self.tabs[active].editor.profile.id.clone();
                    if let Some(store) = &mut self.store {
                        store.remove(&id);
                        if let Err(error) = store.save() {
                            self.notices.push(error.to_string());
                        }
                    }
                    self.tabs[active].editor = Editor::new(presets().remove(0));
                }
                Some(EditorAction::Load(id)) => {
                    if let Some(profile) = find_profile(self.store.as_ref(), &id)
                        && !self.tabs[active].is_running()
                    {
                        self.tabs[active] = Tab::new(profile, self.settings.history_limits());
                    }
                }
                None => {}
            }
        }

        let tab = &mut self.tabs[active];
        egui::Panel::bottom("bottom-tabs")
            .resizable(true)
            .default_size(330.0)
            .show(ui, |ui| {
                ui.set_min_height(BOTTOM_PANEL_HEIGHT);
                ui.horizontal(|ui| {
                    for (which, label) in [
                        (BottomTab::Subscriptions, t!("Subscriptions")),
                        (BottomTab::Publish, t!("Publish")),
                        (BottomTab::Messages, t!("Messages")),
                        (BottomTab::Packets, t!("Packets")),
                    ] {
                        ui.selectable_value(&mut tab.bottom, which, label);
                    }
                });
                ui.separator();
                let action = match tab.bottom {
                    BottomTab::Subscriptions => {
                        egui::ScrollArea::vertical()
                            .id_salt("subscriptions-scroll")
                            .auto_shrink([false, false])
                            .show(ui, |ui| tab.subscribe.show(ui, &tab.model))
                            .inner
                    }
                    BottomTab::Publish => {
                        egui::ScrollArea::vertical()
                            .id_salt("publish-scroll")
                            .auto_shrink([false, false])
                            .show(ui, |ui| tab.publish.show(ui, &tab.model))
                            .inner
                    }
                    BottomTab::Messages => {
                        ui.horizontal(|ui| {
                            let label = ui.label(t!("History: keep"));
                            ui.add(
                                egui::DragValue::new(&mut self.settings.history_messages)
                                    .range(1_000..=10_000_000)
                                    .speed(1000),
                            )
                            .labelled_by(label.id);
                            let label = ui.label(t!("messages in all, and per topic"));
                            ui.add(
                                egui::DragValue::new(&mut self.settings.history_per_topic)
                                    .range(1..=100_000),
                            )
                            .labelled_by(label.id);
                        });
                        let limits = self.settings.history_limits();
                        if tab.model.history.limits() != limits {
                            tab.model.history.set_limits(limits);
                        }
                        if let Some(node) = tab.messages.show(ui, &tab.model) {
                            tab.tree.reveal(&tab.model.tree, node);
                            tab.details.history_selected = None;
                        }
                        None
                    }
                    BottomTab::Packets => {
                        tab.packets
                            .show(ui, &tab.model, tab.packet_log, tab.version)
                    }
                };
                actions.extend(action);
            });
        let colors: Vec<(String, [u8; 3])> = tab
            .model
            .subscriptions
            .iter()
            .map(|s| (s.filter.clone(), s.color))
            .collect();
        egui::Panel::left("tree")
            .resizable(true)
            .default_size(420.0)
            .show(ui, |ui| {
                ui.label(RichText::new(t!("Topics")).strong());
                if tab.tree.show(ui, &tab.model, &colors).is_some() {
                    tab.details.history_selected = None;
                }
            });
        egui::CentralPanel::default().show(ui, |ui| {
            actions.extend(tab.details.show(ui, &tab.model, tab.tree.selected));
        });
        for action in actions {
            self.handle(action);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.last_profile = Some(self.tabs[self.active].editor.profile.id.clone());
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}
