//! The one place where actions are carried out: what the panels asked for,
//! and the worker's answers. Anything that may block becomes a [`Job`].

use bytes::Bytes;

use super::worker::{Job, TabId, WorkerEvent};
use super::{AppNotice, MqscopeApp, find_profile, first_preset};
use crate::net::Command;
use crate::profiles::{PasswordStorage, Profile, ProfileChange, SavedSubscription};
use crate::proto::{Properties, Publish, QoS, ReasonCode, SubscribeFilter};
use crate::ui::Action;
use crate::ui::connection::Editor;
use crate::ui::subscriptions::color_for;

/// The preset the "Connect to HiveMQ's public broker or your own…" button
/// puts in the editor.
const NEXT_BROKER_PRESET: &str = "preset-hivemq-tcp";

impl MqscopeApp {
    /// Carry out one action.
    pub fn handle(&mut self, action: Action) {
        match action {
            Action::Connect => self.connect(),
            Action::ChooseAnotherBroker => self.choose_another_broker(),
            #[cfg(feature = "builtin-broker")]
            Action::RunBuiltinBroker(_)
            | Action::RunDemoSensors(_)
            | Action::RunFirehose(_)
            | Action::ShareBuiltinBroker(_)
            | Action::NewShareCredentials => self.handle_lab(action),
            #[cfg(not(feature = "builtin-broker"))]
            Action::RunBuiltinBroker(_)
            | Action::RunDemoSensors(_)
            | Action::RunFirehose(_)
            | Action::ShareBuiltinBroker(_)
            | Action::NewShareCredentials => {}
            Action::Disconnect => self.disconnect(),
            Action::TrustCertificate(fingerprint) => self.trust_certificate(fingerprint),
            Action::Subscribe(filters, properties) => self.subscribe(filters, properties),
            Action::Unsubscribe(filter) => self.unsubscribe(filter),
            Action::ReplaceSubscription {
                old,
                filter,
                properties,
            } => {
                self.unsubscribe(old);
                self.subscribe(vec![filter], properties);
            }
            Action::Publish(publish) => self.publish(publish),
            Action::PublishRequest(publish) => {
                let reply = publish.properties.response_topic().map(str::to_owned);
                let tab = &self.tabs[self.active];
                if let Some(reply) = reply
                    && !tab
                        .model
                        .subscriptions
                        .iter()
                        .any(|s| crate::proto::topic::topic_matches(&s.filter, &reply))
                {
                    self.subscribe(
                        vec![SubscribeFilter::new(reply.as_str(), QoS::AtLeastOnce)],
                        Properties::new(),
                    );
                }
                self.publish(publish);
            }
            Action::StartTimer {
                publish,
                interval,
                count,
            } => self.tabs[self.active].start_timer(
                publish,
                interval,
                count,
                std::time::Instant::now(),
            ),
            Action::StopTimer(id) => self.tabs[self.active].timers.retain(|t| t.id != id),
            Action::ShowProfileExport => self.show_profile_export(),
            Action::ExportProfiles {
                profiles,
                with_passwords,
                path,
            } => self.queue(Job::ExportProfiles {
                profiles,
                with_passwords,
                path,
            }),
            Action::ImportProfiles(path) => self.queue(Job::ImportProfiles { path }),
            Action::SaveToLibrary(name) => self.save_to_library(name),
            Action::LoadFromLibrary(id) => self.use_library_message(&id, false),
            Action::SendFromLibrary(id) => self.use_library_message(&id, true),
            Action::DeleteFromLibrary(id) => self.delete_from_library(id),
            Action::DeleteRetained(topic) => self.delete_retained(topic),
            Action::ClearRetained(topics) => {
                for topic in topics {
                    self.delete_retained(topic);
                }
            }
            Action::RequestRebirth { group, edge_node } => {
                let topic = format!("spBv1.0/{group}/NCMD/{edge_node}");
                let now_ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as u64);
                let payload = crate::decode::sparkplug::rebirth_payload(now_ms);
                self.publish(Publish::new(topic.as_str(), Bytes::from(payload)));
            }
            Action::SetPacketLog(on) => {
                let tab = &mut self.tabs[self.active];
                tab.packet_log = on;
                tab.send(Command::SetPacketLog(on));
            }
            Action::StartRecording(scope) => self.start_recording(scope),
            Action::StopRecording => self.tabs[self.active].send(Command::StopRecording),
            Action::OpenRecording => self.queue(Job::OpenRecording { path: None }),
            Action::Export(what, format) => self.export(what, format),
            Action::ReplayTo(target, speed) => self.replay_to(target, speed),
            Action::StopReplay => {
                if let Some(playback) = &self.tabs[self.active].playback
                    && let Some((_, replay)) = &playback.replay
                {
                    replay.stop();
                }
            }
            Action::PlaybackPace(pace) => {
                if let Some(playback) = &self.tabs[self.active].playback {
                    playback.set_pace(pace);
                }
            }
            Action::PlaybackSeek(offset) => {
                if let Some(playback) = &self.tabs[self.active].playback {
                    playback.seek(offset);
                }
            }
            Action::SaveProfile => self.save_editor_profile(),
            Action::DeleteProfile => self.delete_editor_profile(),
            Action::LoadProfile(id) => self.load_profile(&id),
            Action::SavePayload(bytes) => self.queue(Job::SavePayload { bytes }),
            Action::PickPayloadFile => {
                let tab = self.active_tab_id();
                self.tabs[self.active].publish.picking = true;
                self.queue(Job::PickPayloadFile { tab });
            }
            Action::SetHistoryLimits {
                messages,
                per_topic,
            } => {
                self.settings.history_messages = messages;
                self.settings.history_per_topic = per_topic;
                let limits = self.settings.history_limits();
                for tab in &mut self.tabs {
                    tab.model.set_history_limits(limits);
                }
            }
            Action::SetMemoryBudgets {
                connection_mib,
                app_mib,
            } => {
                // `logic` applies them to every tab next frame.
                self.settings.connection_budget_mib = connection_mib;
                self.settings.app_budget_mib = app_mib;
            }
            Action::SetTheme(theme) => self.settings.theme = theme,
            Action::SetUtcTimes(utc) => {
                self.settings.utc_times = utc;
                crate::ui::set_show_utc(utc);
            }
            Action::SetLanguage(language) => {
                self.settings.language = language;
                crate::language::set(self.settings.effective_language());
            }
            Action::SwitchTab(index) if index < self.tabs.len() => self.active = index,
            Action::SwitchTab(_) => {}
            Action::CloseTab(index) => self.close_tab(index),
            Action::NewTab => {
                let tab = self.new_tab(first_preset());
                self.tabs.push(tab);
                self.active = self.tabs.len() - 1;
            }
            Action::ToggleEditor => self.tabs[self.active].show_editor ^= true,
            Action::FocusTopicFilter => self.tabs[self.active].tree.focus_filter = true,
            Action::ShowTopic(node) => {
                let tab = &mut self.tabs[self.active];
                tab.tree.reveal(&tab.model.tree, node);
                tab.details.history_selected = None;
            }
            Action::ClearReceived => self.tabs[self.active].clear_received(),
            Action::TopicSelected => {
                let tab = &mut self.tabs[self.active];
                tab.details.history_selected = None;
                // Publishing starts from the topic selected, until one is typed.
                if let Some(node) = tab.tree.selected
                    && tab.model.tree.node(node).is_topic()
                    && tab.publish.topic_untouched()
                {
                    tab.publish.topic = tab.model.tree.path(node);
                    tab.publish.topic_from_selection = true;
                }
            }
            Action::DismissNotices => {
                self.notices.clear();
                self.tabs[self.active].model.notices.clear();
            }
        }
    }

    /// Apply one answer of the worker.
    pub(super) fn apply_worker_event(&mut self, event: WorkerEvent) {
        match event {
            WorkerEvent::RecordingCreated { tab, path, result } => {
                self.recording_created(tab, path, result)
            }
            WorkerEvent::RecordingOpened {
                path,
                end_micros,
                result,
            } => self.recording_opened(path, end_micros, result),
            WorkerEvent::ProfilesSaved(Ok(profiles)) => {
                // What the file holds now, another mqscope's changes included.
                if let Some(store) = &mut self.store {
                    store.profiles = profiles;
                }
            }
            WorkerEvent::ProfilesSaved(Err(error)) => {
                self.notices.push(AppNotice::ProfilesNotSaved(error));
            }
            WorkerEvent::DecodersCompiled {
                tab,
                settings,
                result,
            } => self.decoders_compiled(tab, settings, result),
            WorkerEvent::PasswordStored {
                storage, result, ..
            } => match result {
                Ok(()) if storage == PasswordStorage::Keyring => {
                    self.notices.push(AppNotice::PasswordSaved);
                }
                Ok(()) => {}
                Err(error) => self.notices.push(AppNotice::PasswordNotSaved(error)),
            },
            #[cfg(feature = "builtin-broker")]
            WorkerEvent::PasswordRead {
                profile_id, result, ..
            } if profile_id == super::lab::SHARE_SECRET_ID => self.shared_password_read(result),
            WorkerEvent::PasswordRead {
                tab,
                profile_id,
                result,
            } => self.password_read(tab, &profile_id, result),
            WorkerEvent::KeyPassphraseStored(Ok(())) => {}
            WorkerEvent::KeyPassphraseStored(Err(error)) => {
                self.notices.push(AppNotice::KeyPassphraseNotSaved(error));
            }
            WorkerEvent::KeyPassphraseRead {
                tab,
                profile_id,
                result,
            } => self.key_passphrase_read(tab, &profile_id, result),
            WorkerEvent::PasswordDeleted(Ok(())) => {}
            WorkerEvent::PasswordDeleted(Err(error)) => {
                self.notices.push(AppNotice::PasswordNotDeleted(error));
            }
            WorkerEvent::PayloadFile {
                tab,
                file,
                then_send,
            } => {
                let mut refused = None;
                if let Some(tab) = self.tab_mut(tab) {
                    tab.publish.set_file(file);
                    match tab.publish.build() {
                        Ok(publish) if then_send => tab.publish(publish),
                        Err(problems) if then_send => {
                            refused = Some(AppNotice::LibraryMessageInvalid {
                                name: tab.library.name.clone(),
                                problems,
                            });
                        }
                        _ => {}
                    }
                }
                self.notices.extend(refused);
            }
            WorkerEvent::LibrarySaved(result) => self.library_saved(result),
            WorkerEvent::ProfilesExported { path, result } => {
                self.notices
                    .push(AppNotice::ProfilesExported { path, result });
            }
            WorkerEvent::ProfilesImported { path, result } => self.profiles_imported(path, result),
            WorkerEvent::PayloadSaved { path, result } => {
                self.notices.push(AppNotice::PayloadSaved { path, result });
            }
            WorkerEvent::Exported { path, result } => {
                self.notices.push(AppNotice::Exported { path, result });
            }
            WorkerEvent::PayloadFileCancelled { tab } => {
                if let Some(tab) = self.tab_mut(tab) {
                    tab.publish.picking = false;
                }
            }
        }
    }

    pub(super) fn active_tab_id(&self) -> TabId {
        self.tabs[self.active].id
    }

    /// Hand a job to the worker; if it is not running, say so.
    pub(super) fn queue(&mut self, job: Job) {
        if !self.worker.send(job) {
            self.notices.push(AppNotice::WorkerUnavailable);
        }
    }

    /// Connect the active tab.
    fn connect(&mut self) {
        self.connect_tab(self.active);
    }

    /// Connect tab `index`: with the password typed, the one in the profile,
    /// or (after the worker has read it) the keyring's; the same for the
    /// client key passphrase.
    fn connect_tab(&mut self, index: usize) {
        if !self.tabs[index].can_connect() {
            return;
        }
        #[cfg(feature = "builtin-broker")]
        if self.tabs[index].editor.profile.is_builtin() && !self.point_at_builtin_broker(index) {
            return;
        }
        if self.look_up_key_passphrase(index) {
            return;
        }
        let tab = &mut self.tabs[index];
        let mut profile = tab.editor.profile.clone();
        let typed = tab.editor.password.clone();
        let id = tab.id;
        if !typed.is_empty() {
            profile.password = Some(typed.clone());
            self.queue(Job::StorePassword {
                tab: id,
                profile_id: profile.id.clone(),
                storage: profile.password_storage,
                password: Some(typed),
            });
        } else if profile.password.is_none()
            && profile.password_storage == PasswordStorage::Keyring
            && !profile.user_name.is_empty()
        {
            tab.awaiting_password = true;
            self.queue(Job::ReadPassword {
                tab: id,
                profile_id: profile.id.clone(),
            });
            return;
        }
        let password = profile.password.clone();
        self.start_connection(index, profile, password);
    }

    /// Keep a typed key passphrase as the password is kept, or ask the
    /// keyring for the saved one (true: connecting waits for its answer).
    fn look_up_key_passphrase(&mut self, index: usize) -> bool {
        let tab = &mut self.tabs[index];
        let editor = &mut tab.editor;
        let profile = &editor.profile;
        let has_client_key = profile.transport.is_tls()
            && profile
                .tls
                .client_cert
                .as_deref()
                .is_some_and(|path| !path.as_os_str().is_empty());
        if !has_client_key {
            return false;
        }
        if !editor.key_passphrase.is_empty() {
            if profile.password_storage == PasswordStorage::Keyring {
                let job = Job::StoreKeyPassphrase {
                    profile_id: profile.id.clone(),
                    storage: profile.password_storage,
                    passphrase: editor.key_passphrase.clone(),
                };
                editor.key_passphrase_looked_up = true;
                self.queue(job);
            }
            return false;
        }
        if editor.key_passphrase_looked_up || profile.password_storage != PasswordStorage::Keyring {
            return false;
        }
        tab.awaiting_password = true;
        let job = Job::ReadKeyPassphrase {
            tab: tab.id,
            profile_id: profile.id.clone(),
        };
        self.queue(job);
        true
    }

    /// The keyring answered for a key passphrase: go on connecting the tab
    /// that asked, if it still wants to.
    fn key_passphrase_read(
        &mut self,
        tab_id: TabId,
        profile_id: &str,
        result: Result<Option<String>, crate::profiles::SecretError>,
    ) {
        let Some(index) = self.tab_awaiting_secret(tab_id, profile_id) else {
            return;
        };
        let passphrase = self.secret_or_notice(result);
        let editor = &mut self.tabs[index].editor;
        editor.key_passphrase_looked_up = true;
        if let Some(passphrase) = passphrase {
            editor.key_passphrase = passphrase;
        }
        self.connect_tab(index);
    }

    /// The tab `tab_id` if it still waits for the keyring's answer for
    /// profile `profile_id` (it waits no longer).
    fn tab_awaiting_secret(&mut self, tab_id: TabId, profile_id: &str) -> Option<usize> {
        let index = self.tabs.iter().position(|t| t.id == tab_id)?;
        let tab = &mut self.tabs[index];
        (std::mem::take(&mut tab.awaiting_password) && tab.editor.profile.id == profile_id)
            .then_some(index)
    }

    /// What the keyring read, or nothing and a notice saying why.
    fn secret_or_notice(
        &mut self,
        result: Result<Option<String>, crate::profiles::SecretError>,
    ) -> Option<String> {
        result.unwrap_or_else(|error| {
            self.notices.push(AppNotice::PasswordNotRead(error));
            None
        })
    }

    /// The keyring answered: connect the tab that asked, if it still wants to.
    fn password_read(
        &mut self,
        tab_id: TabId,
        profile_id: &str,
        result: Result<Option<String>, crate::profiles::SecretError>,
    ) {
        let Some(index) = self.tab_awaiting_secret(tab_id, profile_id) else {
            return;
        };
        let password = self.secret_or_notice(result);
        let profile = self.tabs[index].editor.profile.clone();
        self.start_connection(index, profile, password);
    }

    fn start_connection(&mut self, index: usize, profile: Profile, password: Option<String>) {
        let mut config = match profile.to_connection_config(password.as_deref()) {
            Ok(config) => config,
            Err(error) => {
                self.notices.push(AppNotice::ProfileInvalid(error));
                return;
            }
        };
        let tab = &mut self.tabs[index];
        tab.version = profile.advanced.mqtt_version;
        config.packet_log = tab.packet_log;
        let passphrase = &tab.editor.key_passphrase;
        config.tls.key_passphrase =
            (!passphrase.is_empty()).then(|| crate::net::Passphrase(passphrase.clone()));
        if let Err(error) = tab.start(config, self.repaint.clone()) {
            self.notices.push(AppNotice::NetworkThread(error));
        }
        self.prepare_decoders(index, &profile.decoders);
        self.settings.last_profile = Some(profile.id.clone());
        if self.is_saved(&profile.id) {
            self.save_profile(index, profile);
        }
    }

    /// Make tab `index`'s payload reader from `settings` when they changed:
    /// at once when no file is read, else on the worker.
    pub(super) fn prepare_decoders(
        &mut self,
        index: usize,
        settings: &crate::profiles::decoders::DecoderSettings,
    ) {
        let tab = &mut self.tabs[index];
        if tab.decoders_for.as_ref() == Some(settings) {
            return;
        }
        tab.decoders_for = Some(settings.clone());
        let reads_files = !settings.proto_paths.is_empty()
            || settings
                .rules
                .iter()
                .any(|rule| rule.proto_file.is_some() || rule.avro_schema.is_some());
        if reads_files {
            let tab = tab.id;
            self.queue(Job::CompileDecoders {
                tab,
                settings: settings.clone(),
            });
        } else {
            let result = crate::profiles::decoders::compile(settings, &[], &[]);
            let tab = tab.id;
            self.decoders_compiled(tab, settings.clone(), result);
        }
    }

    fn decoders_compiled(
        &mut self,
        tab: TabId,
        settings: crate::profiles::decoders::DecoderSettings,
        result: Result<crate::decode::Context, crate::profiles::decoders::SchemaError>,
    ) {
        let Some(tab) = self.tab_mut(tab) else {
            return;
        };
        // Settings changed again meanwhile: a newer answer is on its way.
        if tab.decoders_for.as_ref() != Some(&settings) {
            return;
        }
        match result {
            Ok(context) => tab.model.payloads.context = context,
            Err(error) => self.notices.push(AppNotice::DecodersNotReady(error)),
        }
    }

    /// Pin the certificate the broker presented in the tab's profile (saved
    /// with it on connect, for a saved profile) and connect again at once.
    fn trust_certificate(&mut self, fingerprint: crate::net::Fingerprint) {
        let tab = &mut self.tabs[self.active];
        tab.editor.profile.tls.trusted_fingerprint = Some(fingerprint.to_string());
        // A connection still retrying with the old trust is ended first.
        tab.stop();
        self.notices
            .push(AppNotice::CertificateTrusted(fingerprint));
        self.connect();
    }

    fn disconnect(&mut self) {
        let tab = &mut self.tabs[self.active];
        tab.awaiting_password = false;
        tab.send(Command::Disconnect {
            reason_code: ReasonCode::Success,
            properties: Properties::new(),
        });
    }

    fn is_saved(&self, profile_id: &str) -> bool {
        self.store
            .as_ref()
            .is_some_and(|s| s.get(profile_id).is_some())
    }

    /// Keep `profile` in the store (a preset becomes a profile of its own)
    /// and have the worker write the file. Returns the id it was saved under.
    fn save_profile(&mut self, index: usize, mut profile: Profile) -> Option<String> {
        let Some(store) = &mut self.store else {
            self.notices.push(AppNotice::SavingUnavailable);
            return None;
        };
        if profile.is_preset() {
            profile = profile.duplicate();
        }
        store.upsert(profile.clone());
        let job = Job::SaveProfiles {
            store: store.clone(),
            change: ProfileChange::Upsert(Box::new(profile.clone())),
        };
        self.queue(job);
        self.tabs[index].editor.profile.id = profile.id.clone();
        Some(profile.id)
    }

    /// Save: the profile, and the password typed for it where it belongs.
    fn save_editor_profile(&mut self) {
        let index = self.active;
        let tab = &self.tabs[index];
        let mut profile = tab.editor.profile.clone();
        let typed = tab.editor.password.clone();
        let id = tab.id;
        if !typed.is_empty() {
            profile.password = Some(typed.clone());
        }
        let storage = profile.password_storage;
        let passphrase = tab.editor.key_passphrase.clone();
        let Some(profile_id) = self.save_profile(index, profile) else {
            return;
        };
        if !passphrase.is_empty() && storage == PasswordStorage::Keyring {
            self.queue(Job::StoreKeyPassphrase {
                profile_id: profile_id.clone(),
                storage,
                passphrase,
            });
        }
        if !typed.is_empty() {
            self.queue(Job::StorePassword {
                tab: id,
                profile_id,
                storage,
                password: Some(typed),
            });
        }
    }

    /// Delete the saved profile in the editor, and its keyring entry.
    fn delete_editor_profile(&mut self) {
        let index = self.active;
        let id = self.tabs[index].editor.profile.id.clone();
        if let Some(store) = &mut self.store {
            store.remove(&id);
            let job = Job::SaveProfiles {
                store: store.clone(),
                change: ProfileChange::Remove(id.clone()),
            };
            self.queue(job);
            self.queue(Job::DeletePassword {
                profile_id: id.clone(),
            });
            self.change_library(crate::profiles::LibraryChange::RemoveProfile(id));
        }
        self.tabs[index].editor = Editor::new(first_preset());
    }

    /// Leave the demo: put HiveMQ's public broker in the editor and show it
    /// (in a new tab when this one is connected, so the demo keeps running).
    fn choose_another_broker(&mut self) {
        if self.tabs[self.active].is_running() {
            self.handle(Action::NewTab);
        }
        self.load_profile(NEXT_BROKER_PRESET);
        self.tabs[self.active].show_editor = true;
    }

    fn load_profile(&mut self, id: &str) {
        if self.tabs[self.active].is_running() {
            return;
        }
        if let Some(profile) = find_profile(self.store.as_ref(), id) {
            let tab = self.new_tab(profile);
            self.tabs[self.active] = tab;
        }
    }

    fn close_tab(&mut self, index: usize) {
        if index < self.tabs.len() && self.tabs.len() > 1 {
            // Dropping the tab stops its network thread.
            self.tabs.remove(index);
            self.active = self.active.min(self.tabs.len() - 1);
        }
    }

    fn subscribe(&mut self, filters: Vec<SubscribeFilter>, properties: Properties) {
        let tab = &mut self.tabs[self.active];
        let identifier = properties.subscription_identifiers().next();
        for filter in filters {
            let tag = tab.model.next_tag();
            // Subscribing again to a filter keeps its colour in the tree.
            let color = tab
                .model
                .subscriptions
                .iter()
                .find(|s| s.filter.as_str() == &*filter.filter)
                .map_or_else(|| color_for(tab.model.subscriptions.len()), |s| s.color);
            tab.add_subscription(
                SavedSubscription::from_request(&filter, identifier, color),
                tag,
            );
            tab.send(Command::Subscribe {
                tag,
                filters: vec![filter],
                properties: properties.clone(),
            });
        }
        self.persist_subscriptions();
    }

    fn unsubscribe(&mut self, filter: String) {
        let tab = &mut self.tabs[self.active];
        let was_granted = tab.model.subscriptions.iter().any(|s| {
            s.filter == filter && matches!(s.status, crate::model::SubscriptionStatus::Granted(_))
        });
        tab.model.subscriptions.retain(|s| s.filter != filter);
        tab.editor
            .profile
            .subscriptions
            .retain(|s| s.filter != filter);
        if was_granted {
            let tag = tab.model.next_tag();
            tab.send(Command::Unsubscribe {
                tag,
                filters: vec![filter.as_str().into()],
                properties: Properties::new(),
            });
        }
        self.persist_subscriptions();
    }

    fn publish(&mut self, publish: Publish) {
        self.tabs[self.active].publish(publish);
    }

    fn delete_retained(&mut self, topic: String) {
        let tab = &mut self.tabs[self.active];
        let mut publish = Publish::new(topic.as_str(), Bytes::new());
        publish.retain = true;
        publish.qos = QoS::AtLeastOnce.min(
            tab.model
                .broker()
                .map_or(QoS::AtLeastOnce, |b| b.maximum_qos),
        );
        if let Some(node) = tab.model.tree.find(&topic) {
            tab.model.tree.clear_last(node);
        }
        self.publish(publish);
    }

    /// A saved profile keeps its subscriptions.
    fn persist_subscriptions(&mut self) {
        let index = self.active;
        let profile = self.tabs[index].editor.profile.clone();
        if self.is_saved(&profile.id) {
            self.save_profile(index, profile);
        }
    }
}
