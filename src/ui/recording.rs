//! The Record control in the toolbar: start (every packet or messages
//! only), the file's size and duration while it runs, Stop, and the last
//! recording's file afterwards.

use std::time::Duration;

use egui::RichText;
use rust_i18n::t;

use super::Action;
use super::widgets::{dot, format_bytes};
use crate::record::Scope;
use crate::record::player::{Pace, PlaybackProblems};

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
    /// Whether its player still runs.
    pub reading: bool,
    /// The moment shown, from the start of the recording.
    pub position: Duration,
    /// The moment of its last frame, from its start, once known.
    pub length: Option<Duration>,
    /// How it plays.
    pub pace: Pace,
    /// Whether every frame has been shown.
    pub finished: bool,
    /// What was wrong in the file, as far as it was read.
    pub problems: PlaybackProblems,
    /// The connected tabs it could be replayed into: id and name.
    pub replay_targets: Vec<(u64, String)>,
    /// The replay running or last run.
    pub replay: Option<ReplayView>,
}

/// How a replay into another tab goes.
pub struct ReplayView {
    /// The tab it goes into.
    pub target: String,
    /// Messages sent so far.
    pub sent: u64,
    /// Whether it is over.
    pub finished: bool,
    /// Why reading the recording failed, if it did.
    pub failed: Option<std::io::ErrorKind>,
}

/// The speeds offered, keeping the recorded timing.
const SPEEDS: [f64; 2] = [1.0, 10.0];

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
    if !view.reading {
        ui.label(RichText::new(t!("closed")).weak());
    }
}

/// Pause, the speeds, and the timeline: where the recording is shown, and
/// a slider to jump to another moment (shown at once, then paused there).
pub fn timeline(ui: &mut egui::Ui, view: &PlaybackView) -> Option<Action> {
    let mut action = None;
    let paused = view.pace == Pace::Paused;
    if ui
        .selectable_label(paused, t!("Pause"))
        .on_hover_text(t!(
            "Stop here; the tree, history and logs show this moment."
        ))
        .clicked()
        && !paused
    {
        action = Some(Action::PlaybackPace(Pace::Paused));
    }
    for speed in SPEEDS {
        let chosen = view.pace == Pace::Speed(speed);
        let label = t!("Play %{speed}×", speed = speed);
        if ui
            .selectable_label(chosen, label)
            .on_hover_text(t!(
                "Play on with the recorded timing, this many times faster (from the start again at the end)."
            ))
            .clicked()
        {
            action = Some(Action::PlaybackPace(Pace::Speed(speed)));
        }
    }
    let fastest = view.pace == Pace::AsFastAsPossible;
    if ui
        .selectable_label(fastest, t!("As fast as possible"))
        .on_hover_text(t!("Show the rest of the recording at once."))
        .clicked()
    {
        action = Some(Action::PlaybackPace(Pace::AsFastAsPossible));
    }
    ui.separator();
    let length = view.length.unwrap_or(view.position).max(view.position);
    let id = ui.make_persistent_id("timeline-drag");
    let shown = ui
        .data(|d| d.get_temp::<f64>(id))
        .unwrap_or(view.position.as_secs_f64());
    let mut value = shown;
    // The timeline takes what the line leaves, within reason.
    ui.spacing_mut().slider_width = (ui.available_width() - 420.0).clamp(120.0, 640.0);
    let slider = ui
        .add_enabled(
            length > Duration::ZERO,
            egui::Slider::new(&mut value, 0.0..=length.as_secs_f64())
                .show_value(false)
                .clamping(egui::SliderClamping::Always),
        )
        .on_hover_text(t!(
            "Drag to a moment of the recording to see it as it was then."
        ));
    if slider.dragged() {
        ui.data_mut(|d| d.insert_temp(id, value));
    }
    // The slider follows a held pointer only; a quick click is placed here.
    let slider = slider.interact(egui::Sense::click());
    if slider.clicked()
        && !slider.changed()
        && let Some(pointer) = slider.interact_pointer_pos().or(slider.hover_pos())
    {
        let rect = slider.rect;
        let share = ((pointer.x - rect.min.x) / rect.width().max(1.0)).clamp(0.0, 1.0);
        value = f64::from(share) * length.as_secs_f64();
    }
    if slider.drag_stopped() || slider.clicked() || (slider.changed() && !slider.dragged()) {
        ui.data_mut(|d| d.remove::<f64>(id));
        action = Some(Action::PlaybackSeek(Duration::from_secs_f64(
            value.max(0.0),
        )));
    }
    let total = match view.length {
        Some(length) => clock(length),
        None => "…".to_owned(),
    };
    ui.label(
        RichText::new(format!(
            "{} / {total}",
            clock(Duration::from_secs_f64(value.max(0.0)))
        ))
        .monospace(),
    )
    .on_hover_text(t!(
        "The moment shown, from the start of the recording / its length."
    ));
    if view.finished {
        ui.label(RichText::new(t!("end of the recording")).weak());
    }
    problems(ui, &view.problems);
    ui.separator();
    replay(ui, view).or(action)
}

/// "Replay to…" a connected tab, or how the replay goes.
fn replay(ui: &mut egui::Ui, view: &PlaybackView) -> Option<Action> {
    let mut action = None;
    if let Some(replay) = view.replay.as_ref().filter(|r| !r.finished) {
        // The tab's name on hover: on the line it would push Stop off it.
        ui.label(t!("Replaying: %{count} sent", count = replay.sent))
            .on_hover_text(t!("Into the tab %{tab}", tab = replay.target));
        if ui.button(t!("Stop replay")).clicked() {
            action = Some(Action::StopReplay);
        }
        return action;
    }
    let menu = ui.add_enabled_ui(!view.replay_targets.is_empty(), |ui| {
        ui.menu_button(t!("Replay to…"), |ui| {
            for (id, name) in &view.replay_targets {
                ui.label(name);
                ui.horizontal(|ui| {
                    for speed in SPEEDS {
                        if ui.button(t!("at %{speed}×", speed = speed)).clicked() {
                            action = Some(Action::ReplayTo(*id, speed));
                        }
                    }
                });
            }
        })
    });
    let hint = if view.replay_targets.is_empty() {
        t!("Connect another tab first: a replay publishes this recording's messages through it.")
    } else {
        t!(
            "Publish this recording's messages again through a connected tab, with their recorded timing."
        )
    };
    menu.response.on_hover_text(hint);
    if let Some(replay) = view.replay.as_ref().filter(|r| r.finished) {
        ui.label(RichText::new(t!("Replayed: %{count} sent", count = replay.sent)).weak())
            .on_hover_text(t!("Into the tab %{tab}", tab = replay.target));
        if let Some(kind) = replay.failed {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                t!(
                    "reading stopped: %{reason}",
                    reason = super::words::file_error(kind)
                ),
            );
        }
    }
    action
}

/// What was wrong in the file, in plain words.
fn problems(ui: &mut egui::Ui, problems: &PlaybackProblems) {
    if !problems.any() {
        return;
    }
    let mut parts = Vec::new();
    if problems.damaged > 0 {
        parts.push(
            t!(
                "damaged places passed over: %{count}",
                count = problems.damaged
            )
            .into_owned(),
        );
    }
    if problems.cut_off {
        parts.push(t!("cut off at the end").into_owned());
    }
    if problems.packets_missing > 0 {
        parts.push(
            t!(
                "packets the recorder could not keep up with: %{count}",
                count = problems.packets_missing
            )
            .into_owned(),
        );
    }
    if let Some(kind) = problems.read_failed {
        parts.push(
            t!(
                "reading stopped: %{reason}",
                reason = super::words::file_error(kind)
            )
            .into_owned(),
        );
    }
    ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {}", parts.join(" · ")))
        .on_hover_text(t!(
            "Everything else in the file is shown. A damaged place or a cut-off end loses only the packets there (a crash or a copy that stopped); a gap is where the recorder fell behind."
        ));
}

/// `m:ss`, or `h:mm:ss` from an hour on.
fn clock(time: Duration) -> String {
    let seconds = time.as_secs();
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
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
