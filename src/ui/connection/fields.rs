//! Small editor fields: optional numbers and file paths.

use egui::RichText;
use rust_i18n::t;

/// A number that is sent only when its box is ticked.
pub(super) fn optional_u32(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut Option<u32>,
    min: u32,
    max: u32,
) {
    let mut on = value.is_some();
    let check = ui.checkbox(&mut on, label);
    match (on, value.as_mut()) {
        (true, Some(v)) => {
            ui.add(egui::DragValue::new(v).range(min..=max))
                .labelled_by(check.id);
        }
        (true, None) => *value = Some(min.max(60)),
        (false, _) => {
            *value = None;
            ui.label(RichText::new(t!("not sent")).weak());
        }
    }
}

/// A number that is sent only when its box is ticked.
pub(super) fn optional_u16(ui: &mut egui::Ui, label: &str, value: &mut Option<u16>, min: u16) {
    let mut on = value.is_some();
    let check = ui.checkbox(&mut on, label);
    match (on, value.as_mut()) {
        (true, Some(v)) => {
            ui.add(egui::DragValue::new(v).range(min..=u16::MAX))
                .labelled_by(check.id);
        }
        (true, None) => *value = Some(min.max(10)),
        (false, _) => {
            *value = None;
            ui.label(RichText::new(t!("not sent")).weak());
        }
    }
}

/// A file path, empty for none.
pub(super) fn path_field(ui: &mut egui::Ui, label: &str, value: &mut Option<std::path::PathBuf>) {
    let label = ui.label(label);
    ui.horizontal(|ui| {
        let mut text = value
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        if ui
            .add(egui::TextEdit::singleline(&mut text).desired_width(220.0))
            .labelled_by(label.id)
            .changed()
        {
            *value = (!text.trim().is_empty()).then(|| text.trim().into());
        }
        if ui.small_button(t!("Remove")).clicked() {
            *value = None;
        }
    });
}
