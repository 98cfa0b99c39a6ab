//! The eframe application. `logic` (which runs even while the window is
//! hidden) applies the worker's results and drains each tab's network events
//! into its model; `ui` lays out the panels, collects the [`Action`]s they
//! return, and hands them to the one place that carries them out
//! (`actions.rs`). Nothing here waits on a disk, a keyring or a dialog: that
//! is the worker's job (`worker.rs`).

mod actions;
mod export;
mod frame_log;
pub mod instance;
#[cfg(feature = "builtin-broker")]
pub mod lab;
mod layout;
mod library;
mod notice;
mod recording;
mod settings;
mod tab;
pub mod timers;
mod transfer;
mod worker;

use std::sync::Arc;
use std::time::Instant;

pub use notice::AppNotice;
pub use settings::{SETTINGS_KEY, Settings, ThemeChoice};
pub use tab::{BottomTab, Tab};
pub use worker::{
    Job, MAX_PAYLOAD_FILE_BYTES, PayloadFileError, PickedFile, TabId, Worker, WorkerEvent,
};

use crate::profiles::{
    MessageLibrary, Profile, ProfileStore, SecretStore, StoreError, default_secret_store, presets,
};
use crate::ui::Action;

/// How long one frame may spend taking in network events (all tabs).
const FRAME_DRAIN_BUDGET: std::time::Duration = std::time::Duration::from_millis(8);

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

/// The application.
pub struct MqscopeApp {
    /// The connection tabs.
    pub tabs: Vec<Tab>,
    /// The tab shown.
    pub active: usize,
    store: Option<ProfileStore>,
    /// The saved publish messages, kept beside the profiles.
    library: Option<MessageLibrary>,
    /// The window that exports connections.
    export_dialog: crate::ui::transfer::ExportDialog,
    worker: Worker,
    settings: Settings,
    notices: Vec<AppNotice>,
    repaint: Option<crate::net::Repaint>,
    frame_ms: Option<f32>,
    next_tab_id: TabId,
    theme_applied: Option<ThemeChoice>,
    /// Nothing was saved or used before: open on the built-in broker's demo.
    first_run: bool,
    #[cfg(feature = "builtin-broker")]
    lab: lab::LabRuntime,
    /// Where second starts hand over their URL, while this window runs.
    instance: Option<instance::InstanceListener>,
    /// The window title last set.
    title: String,
    /// Frame figures for benchmarks (`MQSCOPE_FRAME_LOG`).
    frame_log: Option<frame_log::FrameLog>,
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
        let mut app = MqscopeApp::build(
            ProfileStore::open_default(),
            default_secret_store(),
            settings,
            Some(repaint),
        );
        app.listen_for_second_starts(&instance::socket_path());
        app
    }

    /// Take URLs from later `mqscope URL` starts (see [`instance`]) at `path`.
    pub fn listen_for_second_starts(&mut self, path: &std::path::Path) {
        // Without it every start opens its own window, as before.
        self.instance = instance::listen(path, self.repaint.clone()).ok();
    }

    /// Open what second starts handed over; `raise` when one asks to be seen.
    fn take_second_starts(&mut self, ctx: &egui::Context) {
        let requests: Vec<instance::InstanceRequest> = match &self.instance {
            Some(listener) => listener.requests().try_iter().collect(),
            None => return,
        };
        for request in requests {
            match request {
                instance::InstanceRequest::Open { url, .. } if recording_file(&url).is_some() => {
                    self.queue(Job::OpenRecording {
                        path: recording_file(&url),
                    });
                }
                instance::InstanceRequest::Open { url, subscribe } => {
                    self.open_in_new_tab(url, &subscribe);
                }
                instance::InstanceRequest::Raise => {}
            }
            ctx.send_viewport_cmd(egui::ViewportCommand::Minimized(false));
            ctx.send_viewport_cmd(egui::ViewportCommand::Focus);
        }
    }

    /// "lab-pi — mqscope": the window title names the connection shown.
    fn update_title(&mut self, ctx: &egui::Context) {
        let title = format!("{} — mqscope", self.tabs[self.active].editor.profile.name);
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    /// Create the app with a profile store and a secret store (tests use
    /// temporary ones).
    pub fn with_store(
        store: Result<(ProfileStore, Option<String>), StoreError>,
        secrets: Box<dyn SecretStore>,
        settings: Settings,
    ) -> MqscopeApp {
        MqscopeApp::build(store, secrets, settings, None)
    }

    fn build(
        store: Result<(ProfileStore, Option<String>), StoreError>,
        secrets: Box<dyn SecretStore>,
        settings: Settings,
        repaint: Option<crate::net::Repaint>,
    ) -> MqscopeApp {
        let mut notices = Vec::new();
        let store = match store {
            Ok((store, notice)) => {
                notices.extend(notice.map(AppNotice::StoreLoaded));
                Some(store)
            }
            Err(error) => {
                notices.push(AppNotice::StoreUnavailable(error));
                None
            }
        };
        let library = store.as_ref().map(|store| {
            let (library, notice) = MessageLibrary::open(store.dir());
            notices.extend(notice.map(AppNotice::LibraryLoaded));
            library
        });
        crate::language::set(settings.effective_language());
        crate::ui::set_show_utc(settings.utc_times);
        let first_run =
            settings.last_profile.is_none() && store.as_ref().is_none_or(|s| s.profiles.is_empty());
        let first = settings
            .last_profile
            .as_ref()
            .and_then(|id| find_profile(store.as_ref(), id))
            .or_else(|| store.as_ref().and_then(|s| s.profiles.first().cloned()))
            .unwrap_or_else(first_preset);
        #[cfg(feature = "builtin-broker")]
        let lab_repaint = repaint.clone();
        MqscopeApp {
            tabs: vec![Tab::new(0, first, settings.history_limits())],
            active: 0,
            store,
            library,
            export_dialog: Default::default(),
            worker: Worker::start(secrets, repaint.clone()),
            settings,
            notices,
            repaint,
            frame_ms: None,
            frame_log: frame_log::FrameLog::from_env(),
            next_tab_id: 1,
            theme_applied: None,
            first_run,
            #[cfg(feature = "builtin-broker")]
            lab: lab::LabRuntime::new(lab_repaint),
            instance: None,
            title: String::new(),
        }
    }

    /// Carry out `mqscope URL`: a tab for that broker, connected (or, with
    /// no URL, what a first run or the last session opens).
    pub fn launch(&mut self, launch: Launch) {
        let Some(url) = launch.connect else {
            self.open_on_first_run();
            return;
        };
        if let Some(path) = recording_file(&url) {
            // `mqscope lab.mqrec`: the recording in a tab beside the usual start.
            self.open_on_first_run();
            self.queue(Job::OpenRecording { path: Some(path) });
            return;
        }
        if let Some(tab) = self.tab_for_url(url, &launch.subscribe) {
            let mut tab = tab;
            tab.packet_log = launch.record_packets;
            self.tabs = vec![tab];
            self.active = 0;
            self.handle(Action::Connect);
        }
    }

    /// A second `mqscope URL` handed over its URL: open it in a new tab.
    pub fn open_in_new_tab(&mut self, url: String, subscribe: &[String]) {
        if let Some(tab) = self.tab_for_url(url, subscribe) {
            self.tabs.push(tab);
            self.active = self.tabs.len() - 1;
            self.handle(Action::Connect);
        }
    }

    /// A tab for a broker URL: its credentials used, never saved; the topic of
    /// an `mqtt://` or `mqtts://` URL and `subscribe` as subscriptions.
    fn tab_for_url(&mut self, url: String, subscribe: &[String]) -> Option<Tab> {
        let (address, extras) = match crate::net::BrokerAddress::parse_url(&url) {
            Ok(parsed) => parsed,
            Err(error) => {
                self.notices.push(AppNotice::LaunchUrl { url, error });
                return None;
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
        let filters = extras.topic.into_iter().chain(subscribe.iter().cloned());
        for (index, filter) in filters.enumerate() {
            let mut saved = crate::profiles::SavedSubscription::new(filter);
            saved.color = crate::ui::subscriptions::color_for(index);
            profile.subscriptions.push(saved);
        }
        Some(self.new_tab(profile))
    }

    /// On a first run (no saved connection, nothing used before), connect
    /// the first tab, which is on the built-in broker, so that its demo
    /// fills the tree at once.
    pub fn open_on_first_run(&mut self) {
        if std::mem::take(&mut self.first_run) && self.tabs[self.active].editor.profile.is_builtin()
        {
            self.handle(Action::Connect);
        }
    }

    /// A new tab on `profile` (not yet among the tabs).
    fn new_tab(&mut self, profile: Profile) -> Tab {
        let id = self.next_tab_id;
        self.next_tab_id += 1;
        Tab::new(id, profile, self.settings.history_limits())
    }

    /// The tab with `id`, if it is still open.
    fn tab_mut(&mut self, id: TabId) -> Option<&mut Tab> {
        self.tabs.iter_mut().find(|t| t.id == id)
    }

    /// The notices the window shows now: the app's, then the active tab's.
    pub fn notices(&self) -> &[AppNotice] {
        &self.notices
    }

    /// Follow the theme setting when it changes.
    fn apply_theme(&mut self, ctx: &egui::Context) {
        if self.theme_applied != Some(self.settings.theme) {
            ctx.set_theme(self.settings.theme.preference());
            self.theme_applied = Some(self.settings.theme);
        }
    }

    /// Apply the worker's results that are ready.
    fn apply_worker_events(&mut self) {
        let ready: Vec<WorkerEvent> = self.worker.ready().collect();
        for event in ready {
            self.apply_worker_event(event);
        }
    }
}

/// The file `text` names, when it names one rather than a broker URL.
fn recording_file(text: &str) -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(text);
    (!text.contains("://") && path.is_file()).then(|| path.to_path_buf())
}

/// The first preset: where a new tab starts.
fn first_preset() -> Profile {
    presets().remove(0)
}

/// A saved profile or a preset, by id.
fn find_profile(store: Option<&ProfileStore>, id: &str) -> Option<Profile> {
    store
        .and_then(|s| s.get(id).cloned())
        .or_else(|| presets().into_iter().find(|p| p.id == id))
}

impl eframe::App for MqscopeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.apply_theme(ctx);
        self.apply_worker_events();
        self.watch_recordings();
        self.take_second_starts(ctx);
        let now = Instant::now();
        #[cfg(feature = "builtin-broker")]
        self.poll_lab(now);
        let mut more = false;
        let until = Instant::now() + FRAME_DRAIN_BUDGET;
        let budget = self.settings.tab_budget(self.tabs.len());
        for tab in &mut self.tabs {
            more |= tab
                .drain_for(now, until.saturating_duration_since(Instant::now()))
                .1;
            tab.keep_within(budget);
            // A timer's next message: the window wakes for it.
            if let Some(at) = tab.run_timers(now) {
                ctx.request_repaint_after(at.saturating_duration_since(now));
            }
        }
        if more {
            // The rest is taken in next frame, which is asked for here, so a
            // flood never makes one frame long.
            ctx.request_repaint();
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.frame_ms = frame.info().cpu_usage.map(|s| s * 1000.0);
        if let Some(log) = &mut self.frame_log {
            let tabs = &self.tabs;
            log.frame(self.frame_ms, || frame_log::Held {
                bytes: tabs.iter().map(|t| t.model.held_bytes()).sum(),
                topics: tabs.iter().map(|t| t.model.tree.topic_count()).sum(),
                messages: tabs.iter().map(|t| t.model.received()).sum(),
                topics_forgotten: tabs.iter().map(|t| t.model.evicted().topics).sum(),
            });
        }
        let actions = self.layout(ui);
        for action in actions {
            self.handle(action);
        }
        self.apply_theme(ui.ctx());
        self.update_title(ui.ctx());
        // The rates and "reconnecting in" stay true with no input arriving.
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs(1));
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.settings.last_profile = Some(self.tabs[self.active].editor.profile.id.clone());
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}
