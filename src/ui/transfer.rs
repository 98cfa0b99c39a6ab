//! Export connections: choose the saved profiles to write to one file, and
//! whether their passwords go with them (the file then says so).

use std::collections::BTreeSet;

use egui::RichText;
use rust_i18n::t;

use super::{Action, warning_color};
use crate::profiles::Profile;

/// The export window's state.
#[derive(Default)]
pub struct ExportDialog {
    /// The window is open.
    pub open: bool,
    /// The ids of the profiles chosen.
    chosen: BTreeSet<String>,
    /// Write the passwords too.
    with_passwords: bool,
}

impl ExportDialog {
    /// Open the window with every saved profile chosen.
    pub fn open_with(&mut self, profiles: &[Profile]) {
        self.open = true;
        self.chosen = profiles.iter().map(|p| p.id.clone()).collect();
        self.with_passwords = false;
    }

    /// Draw the window (when open) over the saved `profiles`.
    pub fn show(&mut self, ctx: &egui::Context, profiles: &[Profile]) -> Option<Action> {
        if !self.open {
            return None;
        }
        let mut action = None;
        let mut open = true;
        egui::Window::new(t!("Export connections"))
            .open(&mut open)
            .collapsible(false)
            .default_width(360.0)
            .show(ctx, |ui| {
                if profiles.is_empty() {
                    ui.label(t!("There is no saved connection to export yet."));
                    return;
                }
                ui.label(t!("Choose the connections to write to one file:"));
                egui::ScrollArea::vertical()
                    .max_height(240.0)
                    .show(ui, |ui| {
                        for profile in profiles {
                            let mut on = self.chosen.contains(&profile.id);
                            if ui.checkbox(&mut on, &profile.name).changed() {
                                if on {
                                    self.chosen.insert(profile.id.clone());
                                } else {
                                    self.chosen.remove(&profile.id);
                                }
                            }
                        }
                    });
                ui.checkbox(&mut self.with_passwords, t!("Include the passwords"));
                if self.with_passwords {
                    ui.label(
                        RichText::new(t!(
                            "The passwords will be readable by anyone who gets the file; its first line says so."
                        ))
                        .color(warning_color(ui)),
                    );
                }
                let chosen: Vec<Profile> = profiles
                    .iter()
                    .filter(|p| self.chosen.contains(&p.id))
                    .cloned()
                    .collect();
                let label = t!("Export %{n} connections…", n = chosen.len());
                if ui
                    .add_enabled(!chosen.is_empty(), egui::Button::new(label))
                    .clicked()
                {
                    action = Some(Action::ExportProfiles {
                        profiles: chosen,
                        with_passwords: self.with_passwords,
                        path: None,
                    });
                    self.open = false;
                }
            });
        self.open &= open;
        action
    }
}
