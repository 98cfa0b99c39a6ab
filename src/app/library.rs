//! The message library's actions: save the Publish form's message, load one
//! into the form, send one as saved, delete one. The window's copy changes
//! at once; the worker writes `messages.toml`.

use super::worker::Job;
use super::{AppNotice, MqscopeApp};
use crate::profiles::{LibraryChange, PayloadMode, SavedMessage};
use crate::ui::publish::PublishForm;

impl MqscopeApp {
    /// The active profile's library messages (none without a library).
    pub fn library_messages(&self) -> Vec<&SavedMessage> {
        let profile = &self.tabs[self.active].editor.profile.id;
        self.library
            .as_ref()
            .map(|library| library.search(profile, ""))
            .unwrap_or_default()
    }

    /// Keep the form's message under `name`, replacing the profile's
    /// message of that name.
    pub(super) fn save_to_library(&mut self, name: String) {
        let tab = &self.tabs[self.active];
        let profile_id = tab.editor.profile.id.clone();
        let mut message = tab.publish.to_saved(&name, &profile_id);
        let Some(library) = &mut self.library else {
            self.notices.push(AppNotice::SavingUnavailable);
            return;
        };
        if let Some(existing) = library.named(&profile_id, &message.name) {
            message.id = existing.id.clone();
        }
        self.change_library(LibraryChange::Upsert(Box::new(message)));
    }

    /// Put a library message in the form (its file is read by the worker),
    /// and show the form; with `then_send`, publish it as well.
    pub(super) fn use_library_message(&mut self, id: &str, then_send: bool) {
        let Some(message) = self.library.as_ref().and_then(|l| l.get(id)).cloned() else {
            return;
        };
        if then_send {
            self.send_library_message(&message);
            return;
        }
        let tab_id = self.active_tab_id();
        let tab = &mut self.tabs[self.active];
        tab.publish.load_saved(&message);
        tab.library.name.clone_from(&message.name);
        if let (PayloadMode::File, Some(path)) = (message.payload_mode, message.file) {
            tab.publish.picking = true;
            self.queue(Job::ReadPayloadFile {
                tab: tab_id,
                path,
                then_send: false,
            });
        }
    }

    /// Publish a library message as saved, leaving the form as it is (a
    /// file's contents are read first, by the worker, and sent from there).
    fn send_library_message(&mut self, message: &SavedMessage) {
        if let (PayloadMode::File, Some(path)) = (message.payload_mode, &message.file) {
            // The form takes the file, so it goes with the message's fields.
            let tab_id = self.active_tab_id();
            let tab = &mut self.tabs[self.active];
            tab.publish.load_saved(message);
            tab.library.name.clone_from(&message.name);
            tab.publish.picking = true;
            self.queue(Job::ReadPayloadFile {
                tab: tab_id,
                path: path.clone(),
                then_send: true,
            });
            return;
        }
        let mut form = PublishForm::default();
        form.load_saved(message);
        match form.build() {
            Ok(publish) => self.tabs[self.active].publish(publish),
            Err(problems) => self.notices.push(AppNotice::LibraryMessageInvalid {
                name: message.name.clone(),
                problems,
            }),
        }
    }

    /// Delete a library message.
    pub(super) fn delete_from_library(&mut self, id: String) {
        self.change_library(LibraryChange::Remove(id));
    }

    /// Show `change` at once and have the worker write it.
    pub(super) fn change_library(&mut self, change: LibraryChange) {
        let Some(library) = &mut self.library else {
            return;
        };
        library.apply(&change);
        let job = Job::SaveLibrary {
            library: library.clone(),
            change,
        };
        self.queue(job);
    }

    /// The worker wrote the library: what the file holds now.
    pub(super) fn library_saved(
        &mut self,
        result: Result<Vec<SavedMessage>, crate::profiles::StoreError>,
    ) {
        match result {
            Ok(messages) => {
                if let Some(library) = &mut self.library {
                    library.messages = messages;
                }
            }
            Err(error) => self.notices.push(AppNotice::LibraryNotSaved(error)),
        }
    }
}
