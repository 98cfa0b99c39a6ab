//! Recording a tab's connection from the window: the file is named and
//! created on the worker, the recorder handed to the network thread, and
//! its progress read from the shared status each frame.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crossbeam_channel::Sender;

use super::MqscopeApp;
use super::notice::AppNotice;
use super::worker::{Job, TabId};
use std::fs::File;
use std::io::BufReader;

use crate::net::{Command, ConnectionHandle};
use crate::record::player::{Pace, PlayerCommand, PlayerStatus, Reopen};
use crate::record::replay::ReplayStatus;
use crate::record::writer::micros_since_epoch;
use crate::record::{
    Header, RECORDING_EXTENSION, RecordError, Recorder, RecordingStatus, Scope, WriterState,
};
use crate::record::{OpenError, RecordingReader};
use crate::ui::recording::ReplayView;

/// A tab's recording: running, or the last one, finished or failed.
pub struct TabRecording {
    /// The file.
    pub path: PathBuf,
    /// Every packet, or messages only.
    pub scope: Scope,
    /// What the writer has done.
    pub status: Arc<RecordingStatus>,
    /// Whether its failure was told.
    told: bool,
}

/// The folder recordings go to when the settings name none: `mqscope` in
/// the Documents folder, else in the home folder, else the temporary one.
pub fn default_recordings_dir() -> PathBuf {
    let dirs = directories::UserDirs::new();
    dirs.as_ref()
        .and_then(|d| d.document_dir().map(Path::to_path_buf))
        .or_else(|| dirs.as_ref().map(|d| d.home_dir().to_path_buf()))
        .unwrap_or_else(std::env::temp_dir)
        .join("mqscope")
}

/// `<name>-<UTC date and time>.mqrec` in `dir`, the name kept to letters,
/// digits, `-` and `_`.
pub fn recording_path(dir: &Path, name: &str, at: SystemTime) -> PathBuf {
    let mut clean: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    while clean.contains("--") {
        clean = clean.replace("--", "-");
    }
    let clean = clean.trim_matches('-');
    let clean = if clean.is_empty() { "recording" } else { clean };
    let stamp = humantime::format_rfc3339_seconds(at)
        .to_string()
        .replace([':', '-'], "")
        .replace('T', "-")
        .trim_end_matches('Z')
        .to_owned();
    dir.join(format!("{clean}-{stamp}.{RECORDING_EXTENSION}"))
}

/// A recording a tab plays.
pub struct Playback {
    /// The file.
    pub path: PathBuf,
    /// What it says about itself.
    pub header: Header,
    /// Where the player is, and what it found.
    pub status: Arc<PlayerStatus>,
    /// Tells the player what to do.
    controls: Sender<PlayerCommand>,
    /// The replay into another tab running or last run: its name, and how it goes.
    pub replay: Option<(String, Arc<ReplayStatus>)>,
}

impl Drop for Playback {
    /// A replay stops with its tab.
    fn drop(&mut self) {
        if let Some((_, replay)) = &self.replay {
            replay.stop();
        }
    }
}

impl Playback {
    /// What the toolbar shows of it.
    pub fn view(
        &self,
        reading: bool,
        replay_targets: Vec<(TabId, String)>,
    ) -> crate::ui::recording::PlaybackView {
        let start = self.header.started_at_micros;
        let since_start = |micros: u64| Duration::from_micros(micros.saturating_sub(start));
        let position = self.status.position_micros();
        crate::ui::recording::PlaybackView {
            file_name: file_name(&self.path),
            path: self.path.display().to_string(),
            broker: self.header.broker.clone(),
            started: SystemTime::UNIX_EPOCH + Duration::from_micros(start),
            reading,
            position: since_start(position.max(start)),
            length: self.status.end_micros().map(since_start),
            pace: self.status.pace(),
            finished: self.status.finished(),
            problems: self.status.problems(),
            replay_targets,
            replay: self.replay.as_ref().map(|(name, status)| ReplayView {
                target: name.clone(),
                sent: status.sent(),
                finished: status.finished(),
                failed: status.failed(),
            }),
        }
    }

    /// Ask the player to play on at `pace`.
    pub fn set_pace(&self, pace: Pace) {
        let _ = self.controls.send(PlayerCommand::Pace(pace));
    }

    /// Ask the player to show the recording as it was `offset` after it began.
    pub fn seek(&self, offset: Duration) {
        let at = self.header.started_at_micros + offset.as_micros() as u64;
        let _ = self.controls.send(PlayerCommand::Seek(at));
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

impl TabRecording {
    /// What the toolbar shows of it.
    pub fn view(&self) -> crate::ui::recording::RecordingView {
        crate::ui::recording::RecordingView {
            file_name: file_name(&self.path),
            path: self.path.display().to_string(),
            bytes: self.status.bytes_written(),
            duration: self.status.duration(),
            running: self.status.state() == WriterState::Running,
            lost: self.status.lost(),
        }
    }
}

impl MqscopeApp {
    /// Ask the worker for the active tab's recording file.
    pub(super) fn start_recording(&mut self, scope: Scope) {
        let dir = self
            .settings
            .recordings_dir
            .clone()
            .unwrap_or_else(default_recordings_dir);
        let tab = &self.tabs[self.active];
        if !tab.is_running() {
            return;
        }
        let now = SystemTime::now();
        let header = Header {
            mqscope_version: env!("CARGO_PKG_VERSION").to_owned(),
            broker: tab.address_text(),
            protocol_version: tab.version.level(),
            started_at_micros: micros_since_epoch(now),
            scope,
        };
        let path = recording_path(&dir, &tab.editor.profile.name, now);
        let id = tab.id;
        self.queue(Job::StartRecording {
            tab: id,
            path,
            header,
        });
    }

    /// The worker made the file: hand the recorder to the tab's network
    /// thread (if the tab still runs; otherwise the file stays as it is).
    pub(super) fn recording_created(
        &mut self,
        tab: TabId,
        path: PathBuf,
        result: Result<Recorder, RecordError>,
    ) {
        match result {
            Ok(recorder) => {
                let Some(tab) = self.tabs.iter_mut().find(|t| t.id == tab) else {
                    return;
                };
                let status = recorder.status();
                let scope = if recorder.records_messages_only() {
                    Scope::Messages
                } else {
                    Scope::Packets
                };
                tab.send(Command::StartRecording(recorder));
                tab.recording = Some(TabRecording {
                    path,
                    scope,
                    status,
                    told: false,
                });
            }
            Err(error) => self.notices.push(AppNotice::Recording { path, error }),
        }
    }

    /// A recording was opened: play it into a tab of its own.
    pub(super) fn recording_opened(
        &mut self,
        path: PathBuf,
        end_micros: Option<u64>,
        result: Result<RecordingReader<BufReader<File>>, OpenError>,
    ) {
        let reader = match result {
            Ok(reader) => reader,
            Err(error) => {
                self.notices
                    .push(AppNotice::RecordingNotOpened { path, error });
                return;
            }
        };
        let header = reader.header().clone();
        let mut profile = crate::profiles::Profile::new(file_name(&path));
        profile.advanced.mqtt_version = header.version();
        // A recording's messages only: nothing to subscribe to.
        profile.subscriptions.clear();
        let mut tab = self.new_tab(profile);
        tab.model.subscriptions.clear();
        tab.show_editor = false;
        tab.bottom = super::tab::BottomTab::Messages;
        // Its packets are in the file: the inspector shows them.
        tab.packet_log = true;
        let status = Arc::new(PlayerStatus::new(end_micros));
        let (controls, wishes) = crossbeam_channel::unbounded();
        let again = path.clone();
        let reopen: Reopen<BufReader<File>> =
            Box::new(move || super::worker::read_recording(&again));
        let shared = status.clone();
        let feed = ConnectionHandle::spawn_feed(
            "mqscope-player".to_owned(),
            self.repaint.clone(),
            move |commands, feed| {
                crate::record::player::play(reader, reopen, wishes, shared, commands, feed)
            },
        );
        match feed {
            Ok(handle) => tab.play(handle),
            Err(error) => {
                self.notices.push(AppNotice::NetworkThread(error));
                return;
            }
        }
        tab.playback = Some(Playback {
            path,
            header,
            status,
            controls,
            replay: None,
        });
        self.tabs.push(tab);
        self.active = self.tabs.len() - 1;
    }

    /// The connected tabs the active tab's recording could be replayed into.
    pub(super) fn replay_targets(&self) -> Vec<(TabId, String)> {
        self.tabs
            .iter()
            .filter(|t| t.playback.is_none() && t.model.is_connected())
            .map(|t| (t.id, t.editor.profile.name.clone()))
            .collect()
    }

    /// Replay the active tab's recording into the tab `target`.
    pub(super) fn replay_to(&mut self, target: TabId, speed: f64) {
        let Some(into) = self
            .tabs
            .iter()
            .find(|t| t.id == target && t.model.is_connected())
        else {
            return;
        };
        let (Some(commands), version, name) = (
            into.command_sender(),
            into.version,
            into.editor.profile.name.clone(),
        ) else {
            return;
        };
        let Some(playback) = &mut self.tabs[self.active].playback else {
            return;
        };
        if let Some((_, running)) = &playback.replay {
            running.stop();
        }
        match crate::record::replay::replay_to(playback.path.clone(), commands, speed, version) {
            Ok(status) => playback.replay = Some((name, status)),
            Err(error) => self.notices.push(AppNotice::NetworkThread(error)),
        }
    }

    /// A recording that stopped by itself is told once.
    pub(super) fn watch_recordings(&mut self) {
        for tab in &mut self.tabs {
            if let Some(recording) = &mut tab.recording
                && !recording.told
                && let WriterState::Failed(error) = recording.status.state()
            {
                recording.told = true;
                self.notices.push(AppNotice::Recording {
                    path: recording.path.clone(),
                    error,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_is_named_after_the_connection_and_the_time() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_756_000);
        let path = recording_path(Path::new("/rec"), "Built-in broker (this app)", at);
        assert_eq!(
            path,
            Path::new("/rec/Built-in-broker-this-app-20251203-100000.mqrec")
        );
        let path = recording_path(Path::new("/rec"), "../..", at);
        assert_eq!(path, Path::new("/rec/recording-20251203-100000.mqrec"));
    }
}
