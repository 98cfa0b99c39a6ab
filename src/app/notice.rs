//! What the app itself tells the person (beside each connection's own
//! notices): typed, so that the window words them in the person's language.

use crate::net::AddressError;
use crate::profiles::{ProfileError, SecretError, StoreError};

/// Something the app tells the person.
#[derive(Debug)]
#[non_exhaustive]
pub enum AppNotice {
    /// A profile's decoders could not be made ready (its `.proto` files).
    DecodersNotReady(crate::profiles::decoders::SchemaError),
    /// A recording could not be opened.
    RecordingNotOpened {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        error: crate::record::OpenError,
    },
    /// A recording could not start, or stopped by itself.
    Recording {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        error: crate::record::RecordError,
    },
    /// The profile folder cannot be used at all on this computer.
    StoreUnavailable(StoreError),
    /// Reading the saved profiles found a problem (what the store said).
    StoreLoaded(String),
    /// Reading the message library found a problem (what it said).
    LibraryLoaded(String),
    /// A library message cannot be sent as saved (the file was edited).
    LibraryMessageInvalid {
        /// The message's name.
        name: String,
        /// What is wrong, in words.
        problems: Vec<String>,
    },
    /// The message library could not be written.
    LibraryNotSaved(StoreError),
    /// Connections were written to an export file, or could not be.
    ProfilesExported {
        /// Where.
        path: std::path::PathBuf,
        /// How many, or what the system said.
        result: Result<usize, String>,
    },
    /// Connections were imported.
    ProfilesImported {
        /// Which client's file it was.
        source: crate::profiles::ImportSource,
        /// The names they are saved under.
        names: Vec<String>,
        /// Per connection, what was not carried over.
        not_mapped: Vec<(String, Vec<String>)>,
    },
    /// An import file was refused; nothing changed.
    ProfilesNotImported {
        /// The file.
        path: std::path::PathBuf,
        /// Why, in words.
        error: String,
    },
    /// Saving was asked for, but there is nowhere to save.
    SavingUnavailable,
    /// The profiles could not be written.
    ProfilesNotSaved(StoreError),
    /// The password went into the system keyring.
    PasswordSaved,
    /// The person chose to trust one broker certificate by its fingerprint.
    CertificateTrusted(crate::net::Fingerprint),
    /// The password could not be kept as asked.
    PasswordNotSaved(SecretError),
    /// The client key passphrase could not be kept in the keyring.
    KeyPassphraseNotSaved(SecretError),
    /// The saved password could not be read; connecting without one.
    PasswordNotRead(SecretError),
    /// A deleted profile's keyring entry could not be removed.
    PasswordNotDeleted(SecretError),
    /// `--connect URL` could not be read.
    LaunchUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        error: AddressError,
    },
    /// The profile cannot be turned into a connection.
    ProfileInvalid(ProfileError),
    /// The network thread could not start.
    NetworkThread(std::io::Error),
    /// The background worker is not running, so nothing can be saved.
    WorkerUnavailable,
    /// A payload was saved to a file, or could not be.
    PayloadSaved {
        /// Where.
        path: std::path::PathBuf,
        /// Whether it worked (the system's reason if not).
        result: Result<(), String>,
    },
    /// Messages were written out, or could not be.
    Exported {
        /// Where.
        path: std::path::PathBuf,
        /// How many, or why not.
        result: Result<usize, std::io::ErrorKind>,
    },
    /// The built-in broker could not start.
    #[cfg(feature = "builtin-broker")]
    BuiltinBrokerFailed(crate::broker::BrokerError),
}
