//! Profiles carried to another computer or from another client: mqscope's
//! own export file (the `profiles.toml` layout, passwords left out unless
//! asked for), and imports that never replace a saved profile.

use super::store::{ListFile, PROFILES, parse, to_toml};
use super::{PasswordStorage, Profile, StoreError, new_profile_id};

/// The first line of an export that holds passwords.
pub const PASSWORDS_WARNING: &str =
    "# THIS FILE HOLDS PASSWORDS IN PLAIN TEXT. Keep it private and delete it once imported.";

const WITHOUT_PASSWORDS: &str = "\
# mqscope connection profiles, exported without passwords. Import them with
# \"Import connections…\" in mqscope's connection editor.

";

const WITH_PASSWORDS: &str = "\
# THIS FILE HOLDS PASSWORDS IN PLAIN TEXT. Keep it private and delete it once imported.
# mqscope connection profiles. Import them with \"Import connections…\" in
# mqscope's connection editor.

";

/// Where imported profiles came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportSource {
    /// An mqscope export (or a `profiles.toml`).
    Mqscope,
    /// MQTTX's connection export (JSON).
    Mqttx,
    /// MQTT Explorer's settings file.
    MqttExplorer,
}

/// What an import file holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    /// Which client wrote it.
    pub source: ImportSource,
    /// The connections, as profiles (not yet given fresh ids).
    pub profiles: Vec<Profile>,
    /// Per connection (by name), what could not be carried over.
    pub not_mapped: Vec<(String, Vec<String>)>,
}

/// Why a file cannot be imported; nothing is imported from it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// The file is none of the formats mqscope reads.
    #[error(
        "this file is not a connection export mqscope knows (mqscope, MQTTX or MQTT Explorer): {0}"
    )]
    Unknown(String),
    /// The file is of a known format but damaged or hand-edited wrongly.
    #[error("{0}. Nothing was imported.")]
    Damaged(String),
    /// It holds no connection.
    #[error("the file holds no connection")]
    Empty,
}

/// The export file's text for `profiles`. Without `with_passwords` no
/// password is written, whatever the profiles hold; with it, the first
/// line says that the file holds passwords.
pub fn export_text(profiles: &[Profile], with_passwords: bool) -> Result<String, StoreError> {
    let profiles: Vec<Profile> = profiles
        .iter()
        .map(|profile| {
            let mut profile = profile.clone();
            if !with_passwords || profile.password.as_deref().is_none_or(str::is_empty) {
                profile.password = None;
            } else {
                // The only way a password is written in a profile's text.
                profile.password_storage = PasswordStorage::PlainText;
            }
            profile
        })
        .collect();
    let kind = ListFile {
        header: if with_passwords {
            WITH_PASSWORDS
        } else {
            WITHOUT_PASSWORDS
        },
        ..PROFILES
    };
    to_toml(&kind, &profiles)
}

/// Read an import file of any format mqscope knows.
pub fn read_import(bytes: &[u8]) -> Result<Imported, ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ImportError::Unknown(format!(
            "it is not text (a bad byte at position {})",
            e.valid_up_to()
        ))
    })?;
    let imported = if text.trim_start().starts_with(['{', '[']) {
        super::foreign::read_json(text)?
    } else {
        read_mqscope(text)?
    };
    if imported.profiles.is_empty() {
        return Err(ImportError::Empty);
    }
    Ok(imported)
}

/// An mqscope export: every profile must read, or none is imported.
fn read_mqscope(text: &str) -> Result<Imported, ImportError> {
    if toml::from_str::<toml::Table>(text).is_err() && !text.contains("[[profiles]]") {
        return Err(ImportError::Unknown(
            "it is neither TOML nor JSON".to_owned(),
        ));
    }
    let kind = ListFile {
        file_name: "the file",
        ..PROFILES
    };
    let profiles = parse::<Profile>(&kind, text.as_bytes())
        .map_err(|(_, problem)| ImportError::Damaged(problem))?;
    Ok(Imported {
        source: ImportSource::Mqscope,
        profiles,
        not_mapped: Vec::new(),
    })
}

/// The imported profiles as they join `existing`: each with a fresh id (so
/// that none replaces a saved one), and one whose name is taken named
/// "name (imported)", "name (imported 2)", … to stand beside it.
pub fn side_by_side(existing: &[Profile], imported: Vec<Profile>) -> Vec<Profile> {
    let mut taken: std::collections::HashSet<String> =
        existing.iter().map(|p| p.name.clone()).collect();
    imported
        .into_iter()
        .map(|mut profile| {
            profile.id = new_profile_id();
            if taken.contains(&profile.name) {
                let base = profile.name.clone();
                profile.name = (1..)
                    .map(|n| match n {
                        1 => format!("{base} (imported)"),
                        n => format!("{base} (imported {n})"),
                    })
                    .find(|name| !taken.contains(name))
                    .unwrap_or(base);
            }
            taken.insert(profile.name.clone());
            profile
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::TransportKind;

    fn lab() -> Profile {
        let mut p = Profile::new("lab");
        p.host = "10.0.0.5".into();
        p.port = 8883;
        p.transport = TransportKind::Tls;
        p.user_name = "student".into();
        p.password = Some("s3cret".into());
        p.advanced.keep_alive_secs = 30;
        p.advanced.session_expiry_interval_secs = Some(3600);
        p.tls.ca_file = Some("/etc/lab/ca.pem".into());
        p.subscriptions
            .push(super::super::SavedSubscription::new("lab/#".to_owned()));
        p
    }

    #[test]
    fn an_export_comes_back_field_by_field_without_its_passwords() {
        let profiles = vec![lab(), Profile::new("second")];
        let text = export_text(&profiles, false).unwrap();
        assert!(!text.contains("s3cret"), "{text}");
        let imported = read_import(text.as_bytes()).unwrap();
        assert_eq!(imported.source, ImportSource::Mqscope);
        let mut expected = profiles.clone();
        expected[0].password = None;
        assert_eq!(imported.profiles, expected);
    }

    #[test]
    fn an_export_with_passwords_says_so_on_its_first_line() {
        let text = export_text(&[lab()], true).unwrap();
        assert_eq!(text.lines().next(), Some(PASSWORDS_WARNING));
        let imported = read_import(text.as_bytes()).unwrap();
        assert_eq!(imported.profiles[0].password.as_deref(), Some("s3cret"));
    }

    #[test]
    fn a_damaged_file_is_refused_whole_in_plain_words() {
        let text = export_text(&[lab(), Profile::new("b")], false).unwrap();
        let broken = text.replace("transport = \"tls\"", "transport = \"pigeon\"");
        let error = read_import(broken.as_bytes()).unwrap_err().to_string();
        assert!(error.contains("profile 1 \"lab\""), "{error}");
        assert!(error.ends_with("Nothing was imported."), "{error}");
        let cut = &text[..text.len() / 2];
        assert!(read_import(cut.as_bytes()).is_err());
        assert!(matches!(
            read_import(b"\xff\xfe"),
            Err(ImportError::Unknown(_))
        ));
        assert!(matches!(
            read_import(b"format = 1\n"),
            Err(ImportError::Empty)
        ));
    }

    #[test]
    fn an_import_never_replaces_a_saved_profile() {
        let saved = vec![lab()];
        let imported = side_by_side(&saved, vec![lab(), lab(), Profile::new("new")]);
        let names: Vec<&str> = imported.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["lab (imported)", "lab (imported 2)", "new"]);
        assert!(imported.iter().all(|p| p.id != saved[0].id));
    }
}
