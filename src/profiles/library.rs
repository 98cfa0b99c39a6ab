//! The message library: publish messages a person keeps to send again, per
//! profile, in `messages.toml` beside `profiles.toml`. Loading and saving
//! work as for the profiles: a damaged file is moved aside, never
//! overwritten, and a save leaves the old file or the new one, whole.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::store::{ListFile, fix_ids, load_list, save_list};
use super::{StoreError, UserProperty, new_profile_id, serde_forms};
use crate::proto::QoS;

/// The name of the library's file.
pub const LIBRARY_FILE_NAME: &str = "messages.toml";

const MESSAGES: ListFile = ListFile {
    file_name: LIBRARY_FILE_NAME,
    key: "messages",
    item: "message",
    plural: "saved messages",
    header: "\
# mqscope's message library: publish messages kept to send again, each under
# the id of its connection profile. You may edit this file while mqscope is
# closed; missing fields take their default values.

",
};

/// How a payload is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadMode {
    /// Plain text.
    #[default]
    Text,
    /// JSON, checked before sending.
    Json,
    /// Hexadecimal bytes (`01 ff 7a`).
    Hex,
    /// The contents of a file, read when the message is sent.
    File,
}

/// One message in the library.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedMessage {
    /// A stable random identifier.
    pub id: String,
    /// The profile it belongs to ([`super::Profile::id`]).
    pub profile_id: String,
    /// What the person calls it.
    pub name: String,
    /// The topic.
    pub topic: String,
    /// How [`SavedMessage::payload`] is written.
    pub payload_mode: PayloadMode,
    /// The payload as text, JSON or hex (empty for a file).
    pub payload: String,
    /// The file whose contents are the payload ([`PayloadMode::File`]).
    pub file: Option<PathBuf>,
    /// QoS (0, 1 or 2 in the file).
    #[serde(with = "serde_forms::qos_number")]
    pub qos: QoS,
    /// Retain.
    pub retain: bool,
    /// Content Type (MQTT 5); empty: not sent.
    pub content_type: String,
    /// Payload Format Indicator 1: the payload is UTF-8 text (MQTT 5).
    pub payload_format_indicator: bool,
    /// Message Expiry Interval in seconds (MQTT 5).
    pub message_expiry_interval_secs: Option<u32>,
    /// Response Topic (MQTT 5); empty: not sent.
    pub response_topic: String,
    /// Correlation Data as text (MQTT 5); empty: not sent.
    pub correlation_data: String,
    /// User Properties (MQTT 5).
    pub user_properties: Vec<UserProperty>,
}

impl Default for SavedMessage {
    fn default() -> Self {
        SavedMessage {
            id: new_profile_id(),
            profile_id: String::new(),
            name: String::new(),
            topic: String::new(),
            payload_mode: PayloadMode::Text,
            payload: String::new(),
            file: None,
            qos: QoS::AtMostOnce,
            retain: false,
            content_type: String::new(),
            payload_format_indicator: false,
            message_expiry_interval_secs: None,
            response_topic: String::new(),
            correlation_data: String::new(),
            user_properties: Vec::new(),
        }
    }
}

impl SavedMessage {
    /// Whether every word of `query` is in its name, topic or payload
    /// (ignoring case); an empty query matches everything.
    pub fn matches(&self, query: &str) -> bool {
        let haystack = format!(
            "{}\n{}\n{}\n{}",
            self.name,
            self.topic,
            self.payload,
            self.file
                .as_deref()
                .map(|f| f.display().to_string())
                .unwrap_or_default()
        )
        .to_lowercase();
        query
            .split_whitespace()
            .all(|word| haystack.contains(&word.to_lowercase()))
    }
}

/// One change to the library.
#[derive(Clone, Debug, PartialEq)]
pub enum LibraryChange {
    /// Add this message, or replace the one with its id.
    Upsert(Box<SavedMessage>),
    /// Remove the message with this id.
    Remove(String),
    /// Remove every message of this profile (the profile was deleted).
    RemoveProfile(String),
}

/// The saved messages and the folder they live in.
#[derive(Clone, Debug)]
pub struct MessageLibrary {
    dir: PathBuf,
    /// Every profile's messages, in the order they were saved.
    pub messages: Vec<SavedMessage>,
    save_allowed: bool,
}

impl MessageLibrary {
    /// A library in `dir` holding `messages` (nothing is read or written).
    pub fn new(dir: impl Into<PathBuf>, messages: Vec<SavedMessage>) -> MessageLibrary {
        MessageLibrary {
            dir: dir.into(),
            messages,
            save_allowed: true,
        }
    }

    /// Load `messages.toml` from `dir`; the text is the notice to show (a
    /// damaged file was moved aside and what could be read is kept).
    pub fn open(dir: impl Into<PathBuf>) -> (MessageLibrary, Option<String>) {
        let dir = dir.into();
        let mut outcome = load_list::<SavedMessage>(&dir, &MESSAGES);
        fix_ids(&mut outcome.items, |m| &mut m.id);
        let library = MessageLibrary {
            dir,
            messages: outcome.items,
            save_allowed: outcome.save_allowed,
        };
        (library, outcome.notice)
    }

    /// The folder of the file.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The message with this id.
    pub fn get(&self, id: &str) -> Option<&SavedMessage> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// The messages of `profile_id` that match `query`, by name.
    pub fn search(&self, profile_id: &str, query: &str) -> Vec<&SavedMessage> {
        let mut found: Vec<&SavedMessage> = self
            .messages
            .iter()
            .filter(|m| m.profile_id == profile_id && m.matches(query))
            .collect();
        found.sort_by_cached_key(|m| m.name.to_lowercase());
        found
    }

    /// The message of `profile_id` called `name`, if there is one.
    pub fn named(&self, profile_id: &str, name: &str) -> Option<&SavedMessage> {
        self.messages
            .iter()
            .find(|m| m.profile_id == profile_id && m.name == name)
    }

    /// Apply `change` here (the window shows it at once).
    pub fn apply(&mut self, change: &LibraryChange) {
        match change {
            LibraryChange::Upsert(message) => {
                match self.messages.iter_mut().find(|m| m.id == message.id) {
                    Some(slot) => *slot = SavedMessage::clone(message),
                    None => self.messages.push(SavedMessage::clone(message)),
                }
            }
            LibraryChange::Remove(id) => self.messages.retain(|m| m.id != *id),
            LibraryChange::RemoveProfile(profile) => {
                self.messages.retain(|m| m.profile_id != *profile)
            }
        }
    }

    /// Apply `change` to what is on disk now and write the result; returns
    /// every message the file then holds (another mqscope's changes kept).
    pub fn save_change(&self, change: &LibraryChange) -> Result<Vec<SavedMessage>, StoreError> {
        let (mut current, _) = MessageLibrary::open(&self.dir);
        current.save_allowed &= self.save_allowed;
        current.apply(change);
        current.save()?;
        Ok(current.messages)
    }

    /// Write every message to `messages.toml`, atomically.
    pub fn save(&self) -> Result<(), StoreError> {
        save_list(&self.dir, &MESSAGES, &self.messages, self.save_allowed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(profile: &str, name: &str, topic: &str) -> SavedMessage {
        SavedMessage {
            profile_id: profile.into(),
            name: name.into(),
            topic: topic.into(),
            ..SavedMessage::default()
        }
    }

    #[test]
    fn saved_messages_come_back_whole_and_are_found_by_any_word() {
        let dir = tempfile::tempdir().unwrap();
        let mut full = message("p1", "Lamp on", "lab/lamp/set");
        full.payload_mode = PayloadMode::Json;
        full.payload = r#"{"on": true}"#.into();
        full.qos = QoS::ExactlyOnce;
        full.retain = true;
        full.content_type = "application/json".into();
        full.payload_format_indicator = true;
        full.message_expiry_interval_secs = Some(60);
        full.response_topic = "lab/lamp/reply".into();
        full.correlation_data = "req-1".into();
        full.user_properties = vec![UserProperty {
            name: "site".into(),
            value: "room 2".into(),
        }];
        let mut file = message("p1", "Firmware", "lab/ota");
        file.payload_mode = PayloadMode::File;
        file.file = Some(dir.path().join("fw.bin"));
        let other = message("p2", "Lamp off", "lab/lamp/set");
        let library = MessageLibrary::new(dir.path(), vec![full.clone(), file.clone(), other]);
        library.save().unwrap();

        let (again, notice) = MessageLibrary::open(dir.path());
        assert_eq!(notice, None);
        assert_eq!(again.messages, library.messages);
        let names = |found: Vec<&SavedMessage>| -> Vec<String> {
            found.into_iter().map(|m| m.name.clone()).collect()
        };
        assert_eq!(names(again.search("p1", "")), ["Firmware", "Lamp on"]);
        assert_eq!(names(again.search("p1", "LAMP true")), ["Lamp on"]);
        assert_eq!(names(again.search("p1", "fw.bin")), ["Firmware"]);
        assert!(again.search("p1", "off").is_empty(), "p2's message");
        let text = std::fs::read_to_string(dir.path().join(LIBRARY_FILE_NAME)).unwrap();
        assert!(text.starts_with("# mqscope's message library"), "{text}");
        assert!(text.contains("payload_mode = \"json\""), "{text}");
        assert!(text.contains("qos = 2"), "{text}");
    }

    #[test]
    fn a_damaged_library_is_kept_aside_and_its_good_messages_load() {
        let dir = tempfile::tempdir().unwrap();
        let text = "[[messages]]\nname = \"good\"\ntopic = \"a\"\n\n[[messages]]\nname = \"bad\"\nqos = 7\n";
        std::fs::write(dir.path().join(LIBRARY_FILE_NAME), text).unwrap();
        let (library, notice) = MessageLibrary::open(dir.path());
        let notice = notice.expect("a notice");
        assert!(notice.contains("message 2 \"bad\""), "{notice}");
        assert!(notice.contains("Nothing is lost"), "{notice}");
        assert_eq!(library.messages.len(), 1);
        assert!(!library.messages[0].id.is_empty(), "an id is given");
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(kept.len(), 1);
        assert_eq!(std::fs::read_to_string(&kept[0]).unwrap(), text);
    }

    #[test]
    fn changes_keep_what_another_window_saved_and_a_deleted_profile_takes_its_messages() {
        let dir = tempfile::tempdir().unwrap();
        let mine = MessageLibrary::new(dir.path(), Vec::new());
        let theirs = MessageLibrary::new(dir.path(), Vec::new());
        let a = message("p1", "a", "t/a");
        let b = message("p2", "b", "t/b");
        theirs
            .save_change(&LibraryChange::Upsert(Box::new(b.clone())))
            .unwrap();
        let all = mine
            .save_change(&LibraryChange::Upsert(Box::new(a.clone())))
            .unwrap();
        assert_eq!(all, [b.clone(), a.clone()]);
        let all = mine
            .save_change(&LibraryChange::RemoveProfile("p1".into()))
            .unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0], b);
        let all = mine.save_change(&LibraryChange::Remove(b.id)).unwrap();
        assert!(all.is_empty());
    }
}
