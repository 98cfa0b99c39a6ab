//! `profiles.toml`: loading that never loses a hand-edited or damaged file,
//! and saving that leaves either the old or the new file, whole, whatever
//! happens in between.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Profile, new_profile_id};

/// The name of the profiles file.
pub const FILE_NAME: &str = "profiles.toml";

/// An environment variable that, when set, names the folder of
/// `profiles.toml` instead of the platform's config directory (tests,
/// portable installs).
pub const CONFIG_DIR_ENV: &str = "MQSCOPE_CONFIG_DIR";

/// The version of the file's layout, written as `format`.
const FORMAT: u32 = 1;

/// How one of mqscope's list files (profiles, saved messages) is named and
/// spoken of.
pub(super) struct ListFile {
    /// The file's name in the config folder.
    pub file_name: &'static str,
    /// The key of its `[[…]]` entries.
    pub key: &'static str,
    /// One entry, in a problem ("profile 2 \"lab\": …").
    pub item: &'static str,
    /// The entries in a notice ("saved connection profiles").
    pub plural: &'static str,
    /// The comment written at the top.
    pub header: &'static str,
}

pub(super) const PROFILES: ListFile = ListFile {
    file_name: FILE_NAME,
    key: "profiles",
    item: "profile",
    plural: "saved connection profiles",
    header: "\
# mqscope connection profiles. You may edit this file while mqscope is closed;
# missing fields take their default values. A password is stored here only for
# a profile with password_storage = \"plain_text\".

",
};

/// What [`load_list`] found.
pub(super) struct ListOutcome<T> {
    pub items: Vec<T>,
    pub notice: Option<String>,
    pub broken_copy: Option<PathBuf>,
    pub save_allowed: bool,
}

/// Read the list file `kind` in `dir`. No file: an empty list. A file that
/// cannot be read, or an entry in it that cannot, is reported in the notice
/// and the file is renamed to `<name>.broken-<UTC time>` so that it is
/// never overwritten; the entries that could be read are returned.
pub(super) fn load_list<T: DeserializeOwned>(dir: &Path, kind: &ListFile) -> ListOutcome<T> {
    let path = dir.join(kind.file_name);
    let fine = |items| ListOutcome {
        items,
        notice: None,
        broken_copy: None,
        save_allowed: true,
    };
    let (items, problem) = match fs::read(&path) {
        Ok(bytes) => match parse(kind, &bytes) {
            Ok(items) => return fine(items),
            Err(found) => found,
        },
        Err(error) if error.kind() == io::ErrorKind::NotFound => return fine(Vec::new()),
        Err(error) => (Vec::new(), format!("it could not be opened ({error})")),
    };
    let plural = kind.plural;
    let lead = if items.is_empty() {
        format!("Your {plural} could not be read: {problem}.")
    } else {
        format!(
            "Some {plural} could not be read: {problem}. The other {} were loaded.",
            items.len()
        )
    };
    match move_aside(&path) {
        Ok(copy) => {
            let name = copy.file_name().unwrap_or_default().to_string_lossy();
            ListOutcome {
                notice: Some(format!(
                    "{lead} Nothing is lost: the file was kept as \"{name}\" in {}. You can repair it there and rename it back to {} while mqscope is closed.",
                    dir.display(),
                    kind.file_name
                )),
                items,
                broken_copy: Some(copy),
                save_allowed: true,
            }
        }
        Err(error) => ListOutcome {
            notice: Some(format!(
                "{lead} mqscope could not move the file aside ({error}), so it will not save them until you move or rename {}.",
                path.display()
            )),
            items,
            broken_copy: None,
            save_allowed: false,
        },
    }
}

/// Write `items` as the list file `kind` in `dir`, atomically: the text
/// goes to a temporary file in the same folder, is flushed to disk, and
/// replaces the old file by a rename. A crash at any moment leaves the old
/// file or the new one, never a mix.
pub(super) fn save_list<T: Serialize>(
    dir: &Path,
    kind: &ListFile,
    items: &[T],
    save_allowed: bool,
) -> Result<(), StoreError> {
    let path = dir.join(kind.file_name);
    if !save_allowed && path.exists() {
        return Err(StoreError::Blocked { path });
    }
    let text = to_toml(kind, items)?;
    fs::create_dir_all(dir).map_err(|source| StoreError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    write_atomically(&path, text.as_bytes()).map_err(|source| StoreError::Write {
        path: path.clone(),
        source,
    })
}

/// The folder of `profiles.toml`: `$MQSCOPE_CONFIG_DIR` if set, else the
/// platform's config directory (e.g. `~/.config/mqscope` on Linux).
pub fn config_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("org", "mqscope", "mqscope")
        .map(|dirs| dirs.config_dir().to_path_buf())
}

/// Why the profiles could not be saved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// There is no home or config folder.
    #[error(
        "mqscope cannot find a folder for its settings; set the environment variable MQSCOPE_CONFIG_DIR to a folder it may use"
    )]
    NoConfigDir,
    /// Writing failed; the previous file is unchanged.
    #[error("{path} could not be written: {source}. The previous file is unchanged.")]
    Write {
        /// The file or folder that could not be written.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The list could not be written as TOML.
    #[error("the list could not be written as TOML: {0}")]
    Serialize(String),
    /// An unreadable file could not be moved aside, and saving would overwrite it.
    #[error(
        "nothing was saved, so that the unreadable file {path} is not overwritten. Move or rename it, then save again."
    )]
    Blocked {
        /// The unreadable file.
        path: PathBuf,
    },
}

/// What [`ProfileStore::load`] found.
#[derive(Debug, Default)]
pub struct LoadOutcome {
    /// The profiles that could be read, in file order.
    pub profiles: Vec<Profile>,
    /// Something the user should be told, in plain words (a damaged file).
    pub notice: Option<String>,
    /// Where an unreadable file was moved to.
    pub broken_copy: Option<PathBuf>,
    /// False when an unreadable file could not be moved aside: saving would
    /// overwrite it, so [`ProfileStore::save`] refuses while it is there.
    pub save_allowed: bool,
}

/// One change to the saved profiles.
#[derive(Clone, Debug, PartialEq)]
pub enum ProfileChange {
    /// Add this profile, or replace the one with its id.
    Upsert(Box<Profile>),
    /// Remove the profile with this id.
    Remove(String),
    /// Add these profiles (an import), each under its own id.
    AddAll(Vec<Profile>),
}

/// The saved profiles and the folder they live in.
#[derive(Clone, Debug)]
pub struct ProfileStore {
    dir: PathBuf,
    /// The profiles, in the order the list shows them.
    pub profiles: Vec<Profile>,
    save_allowed: bool,
}

impl ProfileStore {
    /// A store in `dir` holding `profiles` (nothing is read or written).
    pub fn new(dir: impl Into<PathBuf>, profiles: Vec<Profile>) -> ProfileStore {
        ProfileStore {
            dir: dir.into(),
            profiles,
            save_allowed: true,
        }
    }

    /// Load `profiles.toml` from `dir` into a store; the text is the notice to show.
    pub fn open(dir: impl Into<PathBuf>) -> (ProfileStore, Option<String>) {
        let dir = dir.into();
        let outcome = ProfileStore::load(&dir);
        let store = ProfileStore {
            dir,
            profiles: outcome.profiles,
            save_allowed: outcome.save_allowed,
        };
        (store, outcome.notice)
    }

    /// [`ProfileStore::open`] on [`config_dir`].
    pub fn open_default() -> Result<(ProfileStore, Option<String>), StoreError> {
        let dir = config_dir().ok_or(StoreError::NoConfigDir)?;
        Ok(ProfileStore::open(dir))
    }

    /// Read `profiles.toml` in `dir`. No file: no profiles. A file that
    /// cannot be read, or a profile in it that cannot, is reported in
    /// [`LoadOutcome::notice`] and the file is renamed to
    /// `profiles.toml.broken-<UTC time>` so that it is never overwritten;
    /// the profiles that could be read are returned.
    pub fn load(dir: &Path) -> LoadOutcome {
        let mut outcome = load_list::<Profile>(dir, &PROFILES);
        fix_ids(&mut outcome.items, |p| &mut p.id);
        LoadOutcome {
            profiles: outcome.items,
            notice: outcome.notice,
            broken_copy: outcome.broken_copy,
            save_allowed: outcome.save_allowed,
        }
    }

    /// The folder of the file.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of `profiles.toml`.
    pub fn file_path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// The profile with this id.
    pub fn get(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// Replace the profile with the same id, or add it at the end.
    pub fn upsert(&mut self, profile: Profile) {
        match self.profiles.iter_mut().find(|p| p.id == profile.id) {
            Some(slot) => *slot = profile,
            None => self.profiles.push(profile),
        }
    }

    /// Remove the profile with this id. Its keyring entry is the caller's
    /// to delete ([`super::SecretStore::delete`]).
    pub fn remove(&mut self, id: &str) -> Option<Profile> {
        let index = self.profiles.iter().position(|p| p.id == id)?;
        Some(self.profiles.remove(index))
    }

    /// Apply `change` to what is on disk now and write the result; returns
    /// every profile the file then holds. Another mqscope running at the same
    /// time (a second session on the same account) may have saved since this
    /// one read the file: its changes are kept, not overwritten.
    pub fn save_change(&self, change: &ProfileChange) -> Result<Vec<Profile>, StoreError> {
        let on_disk = ProfileStore::load(&self.dir);
        let mut current = ProfileStore {
            dir: self.dir.clone(),
            profiles: on_disk.profiles,
            save_allowed: on_disk.save_allowed && self.save_allowed,
        };
        match change {
            ProfileChange::Upsert(profile) => current.upsert(Profile::clone(profile)),
            ProfileChange::Remove(id) => {
                current.remove(id);
            }
            ProfileChange::AddAll(profiles) => {
                for profile in profiles {
                    current.upsert(profile.clone());
                }
            }
        }
        current.save()?;
        Ok(current.profiles)
    }

    /// Write all profiles to `profiles.toml`, atomically: the text goes to a
    /// temporary file in the same folder, is flushed to disk, and replaces
    /// the old file by a rename. A crash at any moment leaves the old file
    /// or the new one, never a mix.
    pub fn save(&self) -> Result<(), StoreError> {
        save_list(&self.dir, &PROFILES, &self.profiles, self.save_allowed)
    }
}

/// The file's text for `items`.
pub(super) fn to_toml<T: Serialize>(kind: &ListFile, items: &[T]) -> Result<String, StoreError> {
    let body = toml::to_string(&FileOut { kind, items })
        .map_err(|e| StoreError::Serialize(e.to_string()))?;
    Ok(format!("{}{body}", kind.header))
}

/// The file's contents: `format`, then the entries under their key, each
/// in its fields' order.
struct FileOut<'a, T> {
    kind: &'a ListFile,
    items: &'a [T],
}

impl<T: Serialize> Serialize for FileOut<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("format", &FORMAT)?;
        map.serialize_entry(self.kind.key, self.items)?;
        map.end()
    }
}

/// Parse the file; on any problem, the items that could be read and the
/// problem in words.
pub(super) fn parse<T: DeserializeOwned>(
    kind: &ListFile,
    bytes: &[u8],
) -> Result<Vec<T>, (Vec<T>, String)> {
    let file_name = kind.file_name;
    let text = std::str::from_utf8(bytes).map_err(|e| {
        (
            Vec::new(),
            format!(
                "{file_name} is not UTF-8 text (bad byte at position {})",
                e.valid_up_to()
            ),
        )
    })?;
    let mut file: toml::Table =
        toml::from_str(text).map_err(|e| (Vec::new(), describe(file_name, &e, text)))?;
    let values = match file.remove(kind.key) {
        None => Vec::new(),
        Some(toml::Value::Array(values)) => values,
        Some(_) => {
            return Err((
                Vec::new(),
                format!(
                    "{file_name} has \"{}\" but not as a list of [[{}]]",
                    kind.key, kind.key
                ),
            ));
        }
    };
    let total = values.len();
    let mut items = Vec::with_capacity(total);
    let mut failures = Vec::new();
    for (index, value) in values.into_iter().enumerate() {
        let name = value
            .get("name")
            .and_then(toml::Value::as_str)
            .map(|n| format!(" \"{n}\""))
            .unwrap_or_default();
        match value.try_into::<T>() {
            Ok(item) => items.push(item),
            Err(error) => failures.push(format!(
                "{} {}{name}: {}",
                kind.item,
                index + 1,
                error.message().trim()
            )),
        }
    }
    if failures.is_empty() {
        Ok(items)
    } else {
        let problem = format!(
            "{} of {total} in {file_name} {} a mistake ({})",
            failures.len(),
            if failures.len() == 1 { "has" } else { "have" },
            failures.join("; ")
        );
        Err((items, problem))
    }
}

/// A TOML error as "line N: message".
fn describe(file_name: &str, error: &toml::de::Error, text: &str) -> String {
    let message = error.message().trim();
    match error.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!("{file_name} has a mistake on line {line}: {message}")
        }
        None => format!("{file_name} has a mistake: {message}"),
    }
}

/// Give every item a unique, non-empty id (a hand-written one may have none).
pub(super) fn fix_ids<T>(items: &mut [T], id: impl Fn(&mut T) -> &mut String) {
    let mut seen = HashSet::new();
    for item in items {
        let id = id(item);
        if id.trim().is_empty() || !seen.insert(id.clone()) {
            *id = new_profile_id();
            seen.insert(id.clone());
        }
    }
}

/// Rename `path` to `<name>.broken-<UTC time>` (with `-2`, `-3`, … if taken).
fn move_aside(path: &Path) -> io::Result<PathBuf> {
    let stamp = utc_stamp(SystemTime::now());
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let base = format!("{name}.broken-{stamp}");
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut target = dir.join(&base);
    let mut n = 2;
    while target.exists() {
        target = dir.join(format!("{base}-{n}"));
        n += 1;
    }
    fs::rename(path, &target)?;
    Ok(target)
}

/// `YYYYMMDD-HHMMSS` in UTC (no colons: the name must work on Windows too).
fn utc_stamp(time: SystemTime) -> String {
    let secs = time
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}{:02}{:02}",
        rest / 3_600,
        rest % 3_600 / 60,
        rest % 60
    )
}

/// Write `bytes` to a temporary file beside `path`, flush it to disk, and
/// rename it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let suffix: String = std::iter::repeat_with(fastrand::alphanumeric)
        .take(8)
        .collect();
    let temp = dir.join(format!(".{name}.tmp-{}-{suffix}", std::process::id()));
    let result = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            // The file may hold plain-text passwords: only the owner may read it.
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
        return result;
    }
    // Make the rename itself durable (not possible, nor needed, on Windows).
    #[cfg(unix)]
    if let Ok(dir) = fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_stamps() {
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101-000000");
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_709_210_096); // 2024-02-29 12:34:56
        assert_eq!(utc_stamp(t), "20240229-123456");
    }

    #[test]
    fn a_file_that_cannot_be_moved_aside_blocks_saving() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        fs::write(&path, "not = [toml").unwrap();
        let store = ProfileStore {
            dir: dir.path().to_path_buf(),
            profiles: vec![Profile::new("x")],
            save_allowed: false,
        };
        assert!(matches!(store.save(), Err(StoreError::Blocked { .. })));
        assert_eq!(fs::read_to_string(&path).unwrap(), "not = [toml");
    }
}
