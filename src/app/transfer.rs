//! Connections exported and imported: the worker writes and reads the
//! files; here an import joins the saved profiles, side by side with any of
//! the same name, and its passwords go to the keyring.

use super::worker::Job;
use super::{AppNotice, MqscopeApp};
use crate::profiles::{Imported, PasswordStorage, ProfileChange, side_by_side};

impl MqscopeApp {
    /// Open the export window over the saved profiles.
    pub(super) fn show_profile_export(&mut self) {
        match &self.store {
            Some(store) => self.export_dialog.open_with(&store.profiles),
            None => self.notices.push(AppNotice::SavingUnavailable),
        }
    }

    /// An import file was read: add its connections to the saved ones.
    pub(super) fn profiles_imported(
        &mut self,
        path: std::path::PathBuf,
        result: Result<Imported, String>,
    ) {
        let imported = match result {
            Ok(imported) => imported,
            Err(error) => {
                self.notices
                    .push(AppNotice::ProfilesNotImported { path, error });
                return;
            }
        };
        let Some(store) = &mut self.store else {
            self.notices.push(AppNotice::SavingUnavailable);
            return;
        };
        let originals: Vec<String> = imported.profiles.iter().map(|p| p.name.clone()).collect();
        let mut profiles = side_by_side(&store.profiles, imported.profiles);
        // What did not map, under the names the connections are saved as.
        let not_mapped = imported
            .not_mapped
            .into_iter()
            .map(|(name, missed)| {
                let saved_as = originals
                    .iter()
                    .position(|original| *original == name)
                    .map_or(name, |index| profiles[index].name.clone());
                (saved_as, missed)
            })
            .collect();
        let mut passwords = Vec::new();
        for profile in &mut profiles {
            if profile.password_storage != PasswordStorage::PlainText
                && let Some(password) = profile.password.take()
            {
                profile.password_storage = PasswordStorage::Keyring;
                passwords.push((profile.id.clone(), password));
            }
            store.upsert(profile.clone());
        }
        let names = profiles.iter().map(|p| p.name.clone()).collect();
        let job = Job::SaveProfiles {
            store: store.clone(),
            change: ProfileChange::AddAll(profiles),
        };
        self.queue(job);
        let tab = self.active_tab_id();
        for (profile_id, password) in passwords {
            self.queue(Job::StorePassword {
                tab,
                profile_id,
                storage: PasswordStorage::Keyring,
                password: Some(password),
            });
        }
        self.notices.push(AppNotice::ProfilesImported {
            source: imported.source,
            names,
            not_mapped,
        });
    }
}
