//! The Record control in the toolbar: start (every packet or messages
//! only), the file's size and duration while it runs, Stop, and the last
//! recording's file afterwards.

use std::time::Duration;

use egui::RichText;
use rust_i18n::t;

use super::Action;
use super::widgets::{dot, format_bytes};
use crate::record::Scope;

/// What the toolbar shows of a tab's recording.
pub struct RecordingView {
    /// The file's name.
    pub file_name: String,
    /// Its whole path (on hover).
    pub path: String,
    /// Bytes written so far.
    pub bytes: u64,
    /// From the first packet written to the last.
    pub duration: Duration,
    /// Whether it is still being written.
    pub running: bool,
    /// Packets the writer could not keep up with.
    pub lost: u64,
}

/// What the toolbar shows of a recording a tab plays.
pub struct PlaybackView {
    /// The file's name.
    pub file_name: String,
    /// Its whole path (on hover).
    pub path: String,
    /// The broker it was recorded from.
    pub broker: String,
    /// When recording started.
    pub started: std::time::SystemTime,
    /// Whether it is still being read into the tab.
    pub playing: bool,
}

/// The toolbar of a tab that plays a recording.
pub fn playback(ui: &mut egui::Ui, view: &PlaybackView) {
    ui.label(RichText::new(t!("Recording")).strong());
    ui.label(t!(
        "%{file}, recorded from %{broker} at %{time}",
        file = view.file_name,
        broker = view.broker,
        time = humantime::format_rfc3339_seconds(view.started)
    ))
    .on_hover_text(&view.path);
    if view.playing {
        ui.spinner();
        ui.label(RichText::new(t!("reading…")).weak());
    } else {
        ui.label(RichText::new(t!("all read")).weak());
    }
}

/// "Open recording…".
pub fn open_button(ui: &mut egui::Ui) -> Option<Action> {
    ui.button(t!("Open recording…"))
        .on_hover_text(t!(
            "Open a recording (.mqrec) in a tab of its own: its topics, messages and packets, as they were."
        ))
        .clicked()
        .then_some(Action::OpenRecording)
}

/// Draw the control; `connected` says whether there is a connection to record.
pub fn controls(
    ui: &mut egui::Ui,
    recording: Option<&RecordingView>,
    connected: bool,
) -> Option<Action> {
    let mut action = None;
    match recording {
        Some(view) if view.running => {
            dot(ui, egui::Color32::from_rgb(220, 50, 50));
            // The file's name on hover: in the toolbar it would push the
            // status off the line.
            let mut text = t!(
                "Recording: %{size}, %{seconds} s",
                size = format_bytes(view.bytes as usize),
                seconds = view.duration.as_secs()
            )
            .into_owned();
            if view.lost > 0 {
                text.push_str(&t!(" (packets left out: %{count})", count = view.lost));
            }
            ui.label(text).on_hover_text(&view.path);
            if ui.button(t!("Stop recording")).clicked() {
                action = Some(Action::StopRecording);
            }
        }
        _ => {
            let menu = ui.add_enabled_ui(connected, |ui| {
                ui.menu_button(t!("Record"), |ui| {
                    if ui.button(t!("Every packet")).clicked() {
                        action = Some(Action::StartRecording(Scope::Packets));
                    }
                    if ui.button(t!("Messages only")).clicked() {
                        action = Some(Action::StartRecording(Scope::Messages));
                    }
                })
            });
            let hint = if connected {
                t!(
                    "Keep this connection's packets in a file, to export as CSV or JSON lines and to replay (passwords are never written)."
                )
            } else {
                t!("Connect first: a recording keeps a running connection's packets.")
            };
            menu.response.on_hover_text(hint);
            if let Some(view) = recording {
                ui.label(
                    RichText::new(t!(
                        "Recorded: %{file} (%{size})",
                        file = view.file_name,
                        size = format_bytes(view.bytes as usize)
                    ))
                    .weak(),
                )
                .on_hover_text(&view.path);
            }
        }
    }
    action
}
