//! The app's background worker. Everything that may block — the keyring,
//! profile writes with their fsync, file dialogs and file reads — runs here,
//! never on the UI thread. Jobs go in over a channel; each result comes back
//! as a [`WorkerEvent`] that the app applies in `logic`, and the window is
//! asked to repaint so that it sees it.

use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use bytes::Bytes;
use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::net::Repaint;
use crate::profiles::{
    PasswordStorage, Profile, ProfileChange, ProfileStore, SecretError, SecretStore, StoreError,
};

/// Which tab a job was asked for (tabs may close before the answer).
pub type TabId = u64;

/// The largest file the Publish panel sends: MQTT's largest packet is
/// 268 435 455 bytes, and the payload must leave room for the header.
pub const MAX_PAYLOAD_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// How long closing the app waits for writes still queued.
const FINISH_WAIT: Duration = Duration::from_secs(3);

/// Work that may block.
#[derive(Debug)]
pub enum Job {
    /// Write the saved profiles (atomically, with fsync).
    SaveProfiles {
        /// Where they are saved.
        store: ProfileStore,
        /// What changed, applied to what is on disk then.
        change: ProfileChange,
    },
    /// Keep a password as `storage` says (keyring, or delete its entry).
    StorePassword {
        /// The tab that asked.
        tab: TabId,
        /// The profile's id (its keyring entry).
        profile_id: String,
        /// Where the password goes.
        storage: PasswordStorage,
        /// The password; `None` deletes it.
        password: Option<String>,
    },
    /// Keep a client key passphrase as a password is kept (keyring, or
    /// delete its entry; never plain text).
    StoreKeyPassphrase {
        /// The profile's id.
        profile_id: String,
        /// Where the profile's password goes.
        storage: PasswordStorage,
        /// The passphrase.
        passphrase: String,
    },
    /// Read a client key passphrase from the keyring, to connect with it.
    ReadKeyPassphrase {
        /// The tab that asked.
        tab: TabId,
        /// The profile's id.
        profile_id: String,
    },
    /// Read a password from the keyring, to connect with it.
    ReadPassword {
        /// The tab that asked.
        tab: TabId,
        /// The profile's id.
        profile_id: String,
    },
    /// Ask where to save a payload, and write it there.
    SavePayload {
        /// The payload.
        bytes: Bytes,
    },
    /// Ask where to write messages out, and write them there.
    ExportMessages {
        /// The messages, oldest first, with when they arrived.
        messages: Vec<(crate::proto::Publish, std::time::SystemTime)>,
        /// CSV or JSON lines.
        format: crate::export::ExportFormat,
        /// The file name the dialog suggests.
        file_name: String,
    },
    /// Delete a profile's keyring entries, its password's and its key
    /// passphrase's (the profile was deleted).
    DeletePassword {
        /// The profile's id.
        profile_id: String,
    },
    /// Ask for a file to publish, then read it.
    PickPayloadFile {
        /// The tab that asked.
        tab: TabId,
    },
    /// Read a library message's payload file for the Publish form.
    ReadPayloadFile {
        /// The tab that asked.
        tab: TabId,
        /// The file.
        path: PathBuf,
        /// Publish the form once the file is in it.
        then_send: bool,
    },
    /// Write profiles to an export file (asked for in a dialog when `path`
    /// is `None`), with their keyring passwords if `with_passwords`.
    ExportProfiles {
        /// The profiles chosen.
        profiles: Vec<Profile>,
        /// Write their passwords too (the file's first line says so).
        with_passwords: bool,
        /// The file, or `None` to ask.
        path: Option<PathBuf>,
    },
    /// Read an export of mqscope, MQTTX or MQTT Explorer (asked for in a
    /// dialog when `path` is `None`).
    ImportProfiles {
        /// The file, or `None` to ask.
        path: Option<PathBuf>,
    },
    /// Write a change to the message library (atomically, with fsync).
    SaveLibrary {
        /// Where it is saved.
        library: crate::profiles::MessageLibrary,
        /// What changed, applied to what is on disk then.
        change: crate::profiles::LibraryChange,
    },
    /// Open a recording: the file at `path`, or one picked in a dialog.
    OpenRecording {
        /// The file, or `None` to ask.
        path: Option<PathBuf>,
    },
    /// Compile a profile's decoders (its `.proto` files are read).
    CompileDecoders {
        /// The tab that asked.
        tab: TabId,
        /// The profile's decoder settings.
        settings: crate::profiles::decoders::DecoderSettings,
    },
    /// Create a recording file (and its folder) and start its writer.
    StartRecording {
        /// The tab that asked.
        tab: TabId,
        /// The file to create.
        path: PathBuf,
        /// What the recording is about.
        header: crate::record::Header,
    },
}

/// Why a payload file cannot be sent.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadFileError {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Read(#[from] std::io::Error),
    /// The file is larger than an MQTT message can be.
    #[error("the file holds {size} bytes; an MQTT message holds at most {limit}")]
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// [`MAX_PAYLOAD_FILE_BYTES`].
        limit: u64,
    },
}

/// A file chosen for the payload.
#[derive(Debug)]
pub struct PickedFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its bytes, or why they cannot be sent.
    pub contents: Result<Bytes, PayloadFileError>,
}

/// The outcome of a [`Job`].
#[derive(Debug)]
pub enum WorkerEvent {
    /// The profiles were written, or why not.
    ProfilesSaved(Result<Vec<Profile>, StoreError>),
    /// A profile's decoders are ready, or why not.
    DecodersCompiled {
        /// The tab that asked.
        tab: TabId,
        /// The settings they were made from.
        settings: crate::profiles::decoders::DecoderSettings,
        /// The rules and schemas, or why they could not be made.
        result: Result<crate::decode::Context, crate::profiles::decoders::SchemaError>,
    },
    /// A password was stored (or its entry deleted), or why not.
    PasswordStored {
        /// The tab that asked.
        tab: TabId,
        /// Where it went.
        storage: PasswordStorage,
        /// Whether it worked.
        result: Result<(), SecretError>,
    },
    /// A password was read from the keyring.
    PasswordRead {
        /// The tab that asked.
        tab: TabId,
        /// The profile's id.
        profile_id: String,
        /// The password (`None`: none stored), or why it could not be read.
        result: Result<Option<String>, SecretError>,
    },
    /// A deleted profile's keyring entry is gone, or why not.
    PasswordDeleted(Result<(), SecretError>),
    /// A key passphrase was kept, or why not.
    KeyPassphraseStored(Result<(), SecretError>),
    /// A key passphrase was read from the keyring.
    KeyPassphraseRead {
        /// The tab that asked.
        tab: TabId,
        /// The profile's id.
        profile_id: String,
        /// The passphrase (`None`: none stored), or why it could not be read.
        result: Result<Option<String>, SecretError>,
    },
    /// A file was chosen for the payload (nothing comes if the dialog was
    /// cancelled, only [`WorkerEvent::PayloadFileCancelled`]).
    PayloadFile {
        /// The tab that asked.
        tab: TabId,
        /// The file.
        file: PickedFile,
        /// Publish the form once the file is in it.
        then_send: bool,
    },
    /// Profiles were exported (how many), or why not.
    ProfilesExported {
        /// Where.
        path: PathBuf,
        /// How many, or what the system said.
        result: Result<usize, String>,
    },
    /// An import file was read, or why it cannot be imported.
    ProfilesImported {
        /// The file.
        path: PathBuf,
        /// What it holds, or why nothing is imported.
        result: Result<crate::profiles::Imported, String>,
    },
    /// The message library was written, or why not.
    LibrarySaved(Result<Vec<crate::profiles::SavedMessage>, StoreError>),
    /// A payload was written to a file, or why not.
    PayloadSaved {
        /// Where.
        path: std::path::PathBuf,
        /// Whether it worked (the system's reason if not).
        result: Result<(), String>,
    },
    /// Messages were written out (or not).
    Exported {
        /// Where.
        path: PathBuf,
        /// How many, or why not.
        result: Result<usize, std::io::ErrorKind>,
    },
    /// The file dialog was closed without a choice.
    PayloadFileCancelled {
        /// The tab that asked.
        tab: TabId,
    },
    /// A recording was opened (its header read), or why not.
    RecordingOpened {
        /// The file.
        path: PathBuf,
        /// The time of its last frame, if found near its end.
        end_micros: Option<u64>,
        /// The reader, at the first frame.
        result: Result<
            crate::record::RecordingReader<std::io::BufReader<std::fs::File>>,
            crate::record::OpenError,
        >,
    },
    /// A recording's file was created and its writer started, or why not.
    RecordingCreated {
        /// The tab that asked.
        tab: TabId,
        /// The file.
        path: PathBuf,
        /// The recorder to hand to the network thread.
        result: Result<crate::record::Recorder, crate::record::RecordError>,
    },
}

/// The worker thread and its two channels.
pub struct Worker {
    jobs: Option<Sender<Job>>,
    events: Receiver<WorkerEvent>,
    finished: Receiver<()>,
}

impl Worker {
    /// Start the worker; it owns `secrets`. `repaint` wakes the window when a
    /// result is ready.
    pub fn start(secrets: Box<dyn SecretStore>, repaint: Option<Repaint>) -> Worker {
        let (job_tx, job_rx) = unbounded::<Job>();
        let (event_tx, event_rx) = unbounded();
        let (finished_tx, finished_rx) = crossbeam_channel::bounded(1);
        let outlet = Outlet {
            events: event_tx,
            repaint,
        };
        let spawned = thread::Builder::new()
            .name("mqscope-worker".to_owned())
            .spawn(move || {
                for job in job_rx {
                    run(job, secrets.as_ref(), &outlet);
                }
                let _ = finished_tx.send(());
            });
        if spawned.is_err() {
            // Without a worker, jobs are refused at `send` and told as such.
            return Worker {
                jobs: None,
                events: event_rx,
                finished: finished_rx,
            };
        }
        Worker {
            jobs: Some(job_tx),
            events: event_rx,
            finished: finished_rx,
        }
    }

    /// Queue a job. Returns false if the worker is not running.
    pub fn send(&self, job: Job) -> bool {
        self.jobs
            .as_ref()
            .is_some_and(|jobs| jobs.send(job).is_ok())
    }

    /// Results ready now, without waiting.
    pub fn ready(&self) -> impl Iterator<Item = WorkerEvent> + '_ {
        self.events.try_iter()
    }
}

impl Drop for Worker {
    /// Let queued writes finish, for a bounded time (a keyring prompt left
    /// open must not keep the app from closing).
    fn drop(&mut self) {
        if self.jobs.take().is_some() {
            let _ = self.finished.recv_timeout(FINISH_WAIT);
        }
    }
}

/// Where results go.
#[derive(Clone)]
struct Outlet {
    events: Sender<WorkerEvent>,
    repaint: Option<Repaint>,
}

impl Outlet {
    fn send(&self, event: WorkerEvent) {
        if self.events.send(event).is_ok()
            && let Some(repaint) = &self.repaint
        {
            repaint();
        }
    }
}

fn run(job: Job, secrets: &dyn SecretStore, outlet: &Outlet) {
    match job {
        Job::SaveProfiles { store, change } => {
            outlet.send(WorkerEvent::ProfilesSaved(store.save_change(&change)));
        }
        Job::StorePassword {
            tab,
            profile_id,
            storage,
            password,
        } => {
            let result =
                crate::profiles::keep_password(secrets, &profile_id, storage, password.as_deref());
            outlet.send(WorkerEvent::PasswordStored {
                tab,
                storage,
                result,
            });
        }
        Job::StoreKeyPassphrase {
            profile_id,
            storage,
            passphrase,
        } => {
            let result = crate::profiles::keep_password(
                secrets,
                &crate::profiles::key_passphrase_entry(&profile_id),
                crate::profiles::key_passphrase_storage(storage),
                Some(&passphrase),
            );
            outlet.send(WorkerEvent::KeyPassphraseStored(result));
        }
        Job::ReadKeyPassphrase { tab, profile_id } => {
            let result = secrets.get(&crate::profiles::key_passphrase_entry(&profile_id));
            outlet.send(WorkerEvent::KeyPassphraseRead {
                tab,
                profile_id,
                result,
            });
        }
        Job::CompileDecoders { tab, settings } => {
            let result = crate::profiles::decoders::compile(&settings, &[], &[]);
            outlet.send(WorkerEvent::DecodersCompiled {
                tab,
                settings,
                result,
            });
        }
        Job::ReadPassword { tab, profile_id } => {
            let result = secrets.get(&profile_id);
            outlet.send(WorkerEvent::PasswordRead {
                tab,
                profile_id,
                result,
            });
        }
        Job::DeletePassword { profile_id } => {
            let passphrase = crate::profiles::key_passphrase_entry(&profile_id);
            let result = [profile_id, passphrase]
                .iter()
                .map(|entry| match secrets.delete(entry) {
                    Err(SecretError::Unavailable { .. }) => Ok(()),
                    other => other,
                })
                .find(Result::is_err)
                .unwrap_or(Ok(()));
            outlet.send(WorkerEvent::PasswordDeleted(result));
        }
        Job::PickPayloadFile { tab } => pick_payload_file(tab, outlet.clone()),
        Job::ReadPayloadFile {
            tab,
            path,
            then_send,
        } => outlet.send(WorkerEvent::PayloadFile {
            tab,
            file: PickedFile {
                contents: read_payload_file(&path),
                path,
            },
            then_send,
        }),
        Job::ExportProfiles {
            mut profiles,
            with_passwords,
            path,
        } => {
            if with_passwords {
                for profile in &mut profiles {
                    if profile.password.is_none()
                        && profile.password_storage == PasswordStorage::Keyring
                    {
                        profile.password = secrets.get(&profile.id).ok().flatten();
                    }
                }
            }
            let count = profiles.len();
            let text =
                crate::profiles::export_text(&profiles, with_passwords).map_err(|e| e.to_string());
            let write = move |path: PathBuf, outlet: &Outlet| {
                let result = text.clone().and_then(|text| {
                    std::fs::write(&path, text)
                        .map(|()| count)
                        .map_err(|e| e.to_string())
                });
                outlet.send(WorkerEvent::ProfilesExported { path, result });
            };
            match path {
                Some(path) => write(path, outlet),
                None => {
                    let outlet = outlet.clone();
                    let _ = thread::Builder::new()
                        .name("mqscope-file-dialog".to_owned())
                        .spawn(move || {
                            if let Some(path) = rfd::FileDialog::new()
                                .set_file_name("mqscope-connections.toml")
                                .add_filter("TOML", &["toml"])
                                .save_file()
                            {
                                write(path, &outlet);
                            }
                        });
                }
            }
        }
        Job::ImportProfiles { path: Some(path) } => import_profiles(path, outlet),
        Job::ImportProfiles { path: None } => {
            let outlet = outlet.clone();
            let _ = thread::Builder::new()
                .name("mqscope-file-dialog".to_owned())
                .spawn(move || {
                    if let Some(path) = rfd::FileDialog::new()
                        .add_filter("mqscope, MQTTX, MQTT Explorer", &["toml", "json"])
                        .pick_file()
                    {
                        import_profiles(path, &outlet);
                    }
                });
        }
        Job::SaveLibrary { library, change } => {
            outlet.send(WorkerEvent::LibrarySaved(library.save_change(&change)));
        }
        Job::SavePayload { bytes } => save_payload_file(bytes, outlet.clone()),
        Job::ExportMessages {
            messages,
            format,
            file_name,
        } => export_messages(messages, format, file_name, outlet.clone()),
        Job::OpenRecording { path: Some(path) } => open_recording(path, outlet),
        Job::OpenRecording { path: None } => pick_recording(outlet.clone()),
        Job::StartRecording { tab, path, header } => {
            let result = path
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .map_err(|e| crate::record::RecordError::Create(e.kind()))
                .and_then(|()| crate::record::Recorder::create(&path, header));
            outlet.send(WorkerEvent::RecordingCreated { tab, path, result });
        }
    }
}

/// Ask for a file name in a dialog of its own thread (it may stay open for
/// minutes) and write the payload there.
fn save_payload_file(bytes: Bytes, outlet: Outlet) {
    // Without a thread for the dialog no dialog opens, and nothing is written.
    let _ = thread::Builder::new()
        .name("mqscope-file-dialog".to_owned())
        .spawn(move || {
            if let Some(path) = rfd::FileDialog::new()
                .set_file_name("payload.bin")
                .save_file()
            {
                let result = std::fs::write(&path, &bytes).map_err(|e| e.to_string());
                outlet.send(WorkerEvent::PayloadSaved { path, result });
            }
        });
}

/// Ask for a file name in a dialog of its own thread, then write the
/// messages there.
fn export_messages(
    messages: Vec<(crate::proto::Publish, std::time::SystemTime)>,
    format: crate::export::ExportFormat,
    file_name: String,
    outlet: Outlet,
) {
    let _ = thread::Builder::new()
        .name("mqscope-file-dialog".to_owned())
        .spawn(move || {
            let extension = crate::export::file_extension(format);
            if let Some(path) = rfd::FileDialog::new()
                .set_file_name(&file_name)
                .add_filter(extension, &[extension])
                .save_file()
            {
                let result =
                    crate::export::write_file(&path, format, &messages).map_err(|e| e.kind());
                outlet.send(WorkerEvent::Exported { path, result });
            }
        });
}

/// A dialog may stay open for minutes: it gets its own thread, so that
/// profile writes queued meanwhile are not held up.
fn pick_payload_file(tab: TabId, outlet: Outlet) {
    let fallback = outlet.clone();
    let spawned = thread::Builder::new()
        .name("mqscope-file-dialog".to_owned())
        .spawn(move || {
            let event = match rfd::FileDialog::new().pick_file() {
                Some(path) => WorkerEvent::PayloadFile {
                    tab,
                    file: PickedFile {
                        contents: read_payload_file(&path),
                        path,
                    },
                    then_send: false,
                },
                None => WorkerEvent::PayloadFileCancelled { tab },
            };
            outlet.send(event);
        });
    if spawned.is_err() {
        // No thread for the dialog: tell the panel it is not coming.
        fallback.send(WorkerEvent::PayloadFileCancelled { tab });
    }
}

/// The largest import file read: far more than any list of connections.
const MAX_IMPORT_BYTES: u64 = 16 * 1024 * 1024;

/// Read an import file and what it holds.
fn import_profiles(path: PathBuf, outlet: &Outlet) {
    let result = std::fs::metadata(&path)
        .and_then(|meta| {
            if meta.len() > MAX_IMPORT_BYTES {
                Err(std::io::Error::other(format!(
                    "it is {} MiB, too large for a list of connections",
                    meta.len() >> 20
                )))
            } else {
                std::fs::read(&path)
            }
        })
        .map_err(|e| format!("the file could not be read ({e})"))
        .and_then(|bytes| crate::profiles::read_import(&bytes).map_err(|e| e.to_string()));
    outlet.send(WorkerEvent::ProfilesImported { path, result });
}

/// Open the recording at `path` and read its header.
fn open_recording(path: PathBuf, outlet: &Outlet) {
    let result = read_recording(&path);
    let end_micros = std::fs::File::open(&path)
        .ok()
        .and_then(|mut file| crate::record::reader::last_frame_micros(&mut file));
    outlet.send(WorkerEvent::RecordingOpened {
        path,
        end_micros,
        result,
    });
}

/// A recording opened for reading, at its first frame.
pub fn read_recording(
    path: &std::path::Path,
) -> Result<
    crate::record::RecordingReader<std::io::BufReader<std::fs::File>>,
    crate::record::OpenError,
> {
    std::fs::File::open(path)
        .map_err(|e| crate::record::OpenError::Read(e.kind()))
        .and_then(|file| {
            crate::record::RecordingReader::open(std::io::BufReader::with_capacity(1 << 20, file))
        })
}

/// Ask for a recording in a dialog of its own thread, then open it.
fn pick_recording(outlet: Outlet) {
    let _ = thread::Builder::new()
        .name("mqscope-file-dialog".to_owned())
        .spawn(move || {
            if let Some(path) = rfd::FileDialog::new()
                .add_filter("mqscope", &[crate::record::RECORDING_EXTENSION])
                .pick_file()
            {
                open_recording(path, &outlet);
            }
        });
}

/// Read a payload file, refusing one larger than an MQTT message can be
/// before reading it.
pub fn read_payload_file(path: &std::path::Path) -> Result<Bytes, PayloadFileError> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_PAYLOAD_FILE_BYTES {
        return Err(PayloadFileError::TooLarge {
            size,
            limit: MAX_PAYLOAD_FILE_BYTES,
        });
    }
    Ok(Bytes::from(std::fs::read(path)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profiles::MemorySecretStore;

    fn next(worker: &Worker) -> WorkerEvent {
        worker
            .events
            .recv_timeout(Duration::from_secs(10))
            .expect("the worker answers")
    }

    #[test]
    fn passwords_go_through_the_worker() {
        let worker = Worker::start(Box::new(MemorySecretStore::new()), None);
        assert!(worker.send(Job::StorePassword {
            tab: 1,
            profile_id: "p".into(),
            storage: PasswordStorage::Keyring,
            password: Some("s3cret".into()),
        }));
        assert!(matches!(
            next(&worker),
            WorkerEvent::PasswordStored {
                tab: 1,
                result: Ok(()),
                ..
            }
        ));
        worker.send(Job::ReadPassword {
            tab: 2,
            profile_id: "p".into(),
        });
        match next(&worker) {
            WorkerEvent::PasswordRead { tab, result, .. } => {
                assert_eq!(tab, 2);
                assert_eq!(result, Ok(Some("s3cret".to_owned())));
            }
            other => panic!("unexpected {other:?}"),
        }
        worker.send(Job::DeletePassword {
            profile_id: "p".into(),
        });
        assert!(matches!(
            next(&worker),
            WorkerEvent::PasswordDeleted(Ok(()))
        ));
        worker.send(Job::ReadPassword {
            tab: 2,
            profile_id: "p".into(),
        });
        assert!(matches!(
            next(&worker),
            WorkerEvent::PasswordRead {
                result: Ok(None),
                ..
            }
        ));
    }

    #[test]
    fn profiles_are_written_by_the_worker() {
        let dir = tempfile::tempdir().expect("temp dir");
        let worker = Worker::start(Box::new(MemorySecretStore::new()), None);
        let lab = Profile::new("lab");
        let store = ProfileStore::new(dir.path(), vec![lab.clone()]);
        worker.send(Job::SaveProfiles {
            store,
            change: ProfileChange::Upsert(Box::new(lab)),
        });
        assert!(matches!(next(&worker), WorkerEvent::ProfilesSaved(Ok(p)) if p.len() == 1));
        let (read, _) = ProfileStore::open(dir.path());
        assert_eq!(read.profiles.len(), 1);
        assert_eq!(read.profiles[0].name, "lab");
    }

    #[test]
    fn two_windows_saving_at_once_keep_each_others_profiles() {
        let dir = tempfile::tempdir().expect("temp dir");
        // Both read the (empty) file, then each saves a profile of its own.
        let first = ProfileStore::new(dir.path(), Vec::new());
        let second = ProfileStore::new(dir.path(), Vec::new());
        let (a, b) = (
            Profile::new("first window's"),
            Profile::new("second window's"),
        );
        first
            .save_change(&ProfileChange::Upsert(Box::new(a.clone())))
            .unwrap();
        let held = second
            .save_change(&ProfileChange::Upsert(Box::new(b.clone())))
            .unwrap();
        assert_eq!(
            held.len(),
            2,
            "the second save kept the first one's profile"
        );
        // A delete in one removes only that profile.
        let held = first
            .save_change(&ProfileChange::Remove(b.id.clone()))
            .unwrap();
        assert_eq!(held, vec![a.clone()]);
        let (read, _) = ProfileStore::open(dir.path());
        assert_eq!(read.profiles, vec![a]);
    }

    #[test]
    fn a_missing_payload_file_is_an_error_not_a_panic() {
        let error = read_payload_file(std::path::Path::new("/nonexistent/mqscope/file"));
        assert!(matches!(error, Err(PayloadFileError::Read(_))));
    }
}
