//! Small widgets and formats every panel shares: the status light and its
//! colours, field messages, the user-property table, byte sizes.

use egui::Color32;
use rust_i18n::t;

use super::tr;
use crate::model::ConnectionState;
use crate::profiles::UserProperty;

/// Green: connected.
pub const CONNECTED_COLOR: Color32 = Color32::from_rgb(40, 170, 80);
/// Amber: connecting or waiting to reconnect.
pub const CONNECTING_COLOR: Color32 = Color32::from_rgb(230, 170, 0);
/// Red: the connection ended without the user asking.
pub const FAILED_COLOR: Color32 = Color32::from_rgb(210, 60, 50);
/// Grey: idle, or disconnected on purpose.
pub const IDLE_COLOR: Color32 = Color32::GRAY;

/// The status light's colour for a connection state.
pub fn state_color(state: &ConnectionState) -> Color32 {
    match state {
        ConnectionState::Connected(_) => CONNECTED_COLOR,
        ConnectionState::Connecting { .. } | ConnectionState::Reconnecting { .. } => {
            CONNECTING_COLOR
        }
        ConnectionState::Disconnected { by_user: false, .. } => FAILED_COLOR,
        ConnectionState::Idle | ConnectionState::Disconnected { by_user: true, .. } => IDLE_COLOR,
    }
}

/// A small filled circle of `color`, as a status light.
pub fn dot(ui: &mut egui::Ui, color: Color32) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 5.0, color);
    response
}

/// A color for warnings that reads well in both themes.
pub fn warning_color(ui: &egui::Ui) -> Color32 {
    ui.visuals().warn_fg_color
}

/// A color for errors that reads well in both themes.
pub fn error_color(ui: &egui::Ui) -> Color32 {
    ui.visuals().error_fg_color
}

/// Show a field's error in plain words under it.
pub fn field_message(ui: &mut egui::Ui, message: &str) {
    ui.label(egui::RichText::new(tr(message)).color(error_color(ui)));
}

/// The editable table of User Properties (name, value, remove; add), used
/// for CONNECT, the will and PUBLISH alike.
pub fn user_property_table(ui: &mut egui::Ui, id: &str, list: &mut Vec<UserProperty>) {
    egui::CollapsingHeader::new(t!("User properties (%{n})", n = list.len()))
        .id_salt(id)
        .show(ui, |ui| {
            let mut remove = None;
            for (index, property) in list.iter_mut().enumerate() {
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut property.name)
                            .hint_text(t!("name"))
                            .desired_width(120.0),
                    );
                    ui.add(
                        egui::TextEdit::singleline(&mut property.value)
                            .hint_text(t!("value"))
                            .desired_width(160.0),
                    );
                    if ui.small_button(t!("Remove")).clicked() {
                        remove = Some(index);
                    }
                });
            }
            if let Some(index) = remove {
                list.remove(index);
            }
            if ui.small_button(t!("+ Add user property")).clicked() {
                list.push(UserProperty::default());
            }
        });
}

/// A byte count in words.
pub fn format_bytes(bytes: usize) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Whole seconds, rounded up, for countdowns ("Reconnecting in 3 s").
pub fn seconds_left(duration: std::time::Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn formats() {
        assert_eq!(format_bytes(2048), "2.0 KB");
        assert_eq!(format_bytes(12), "12 B");
        assert_eq!(seconds_left(Duration::from_millis(2100)), 3);
        assert_eq!(seconds_left(Duration::from_secs(2)), 2);
    }

    #[test]
    fn colours_follow_the_state() {
        assert_eq!(state_color(&ConnectionState::Idle), IDLE_COLOR);
        let failed = ConnectionState::Disconnected {
            reason: crate::model::EndReason::Stopped,
            by_user: false,
        };
        assert_eq!(state_color(&failed), FAILED_COLOR);
    }
}

/// What a person answered a confirmation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The yes button.
    Yes,
    /// Cancel, or the confirmation closed.
    No,
}

/// A confirmation in a modal: `heading`, what `body` draws, then `yes` and
/// Cancel. `None` while it waits for an answer.
pub fn confirm(
    ui: &mut egui::Ui,
    id_salt: &str,
    width: f32,
    heading: &str,
    yes: &str,
    body: impl FnOnce(&mut egui::Ui),
) -> Option<Answer> {
    let mut answer = None;
    let modal = egui::Modal::new(ui.make_persistent_id(id_salt)).show(ui.ctx(), |ui| {
        ui.set_max_width(width);
        ui.heading(heading);
        body(ui);
        ui.horizontal(|ui| {
            if ui.button(yes).clicked() {
                answer = Some(Answer::Yes);
            }
            if ui.button(rust_i18n::t!("Cancel")).clicked() {
                answer = Some(Answer::No);
            }
        });
    });
    answer.or(modal.should_close().then_some(Answer::No))
}
