//! "Export…": a menu that writes messages out as CSV or JSON lines (the
//! file is chosen in a dialog that never holds the window up).

use rust_i18n::t;

use super::{Action, ExportWhat};
use crate::export::ExportFormat;

/// The menu button, offering each of `choices` (what, and how the menu
/// names it) in both formats.
pub fn menu(ui: &mut egui::Ui, choices: &[(ExportWhat, String)]) -> Option<Action> {
    let mut action = None;
    ui.menu_button(t!("Export…"), |ui| {
        for (what, name) in choices {
            ui.label(name);
            ui.horizontal(|ui| {
                for (format, label) in [
                    (ExportFormat::Csv, t!("CSV (spreadsheets)")),
                    (ExportFormat::Jsonl, t!("JSON lines")),
                ] {
                    if ui.button(label).clicked() {
                        action = Some(Action::Export(*what, format));
                        ui.close();
                    }
                }
            });
        }
    })
    .response
    .on_hover_text(t!(
        "Save these messages to a file: CSV for a spreadsheet, or JSON lines as mqscope sub prints them."
    ));
    action
}
