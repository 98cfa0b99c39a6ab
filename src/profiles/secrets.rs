//! Where passwords go when they are not written in plain text: the operating
//! system's keyring, behind a small trait so that tests (and machines without
//! a keyring) use something else.
//!
//! On Linux and the BSDs the keyring is the Secret Service over D-Bus (GNOME
//! Keyring, KWallet), reached through the pure-Rust `zbus`; on macOS the
//! Keychain; on Windows the Credential Manager.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;

/// Why a password could not be read, stored or deleted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// No keyring service could be reached (e.g. no D-Bus session).
    #[error(
        "no system keyring is available; the password will not be saved unless you choose to save it in plain text"
    )]
    Unavailable {
        /// What the platform said, for a details line or a log.
        detail: String,
    },
    /// The keyring was reached but refused the request.
    #[error("the system keyring could not {action} the password: {detail}")]
    Failed {
        /// "read", "save" or "delete".
        action: &'static str,
        /// What the platform said.
        detail: String,
    },
}

/// A place for the passwords of profiles, keyed by [`super::Profile::id`].
///
/// The keyring may block (e.g. while it asks the user to unlock it): call
/// these off the UI thread.
pub trait SecretStore: Send + Sync {
    /// The password of profile `profile_id`, if one is stored.
    fn get(&self, profile_id: &str) -> Result<Option<String>, SecretError>;
    /// Store (or replace) the password of profile `profile_id`.
    fn set(&self, profile_id: &str, password: &str) -> Result<(), SecretError>;
    /// Delete the password of profile `profile_id`; no password is not an error.
    fn delete(&self, profile_id: &str) -> Result<(), SecretError>;
}

/// The operating system's keyring (service name `mqscope`, one entry per profile id).
#[derive(Clone, Debug)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// The service name of mqscope's entries.
    pub const SERVICE: &'static str = "mqscope";

    /// The keyring, with mqscope's service name.
    pub fn new() -> KeyringStore {
        KeyringStore {
            service: Self::SERVICE.to_owned(),
        }
    }

    fn with_entry<T>(
        &self,
        profile_id: &str,
        action: &'static str,
        op: impl FnOnce(&keyring::Entry) -> keyring::Result<T>,
    ) -> Result<T, SecretError> {
        if profile_id.is_empty() {
            return Err(SecretError::Failed {
                action,
                detail: "the profile has no id".to_owned(),
            });
        }
        // A platform library that panics must not take the window down.
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            keyring::Entry::new(&self.service, profile_id).and_then(|entry| op(&entry))
        }));
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(map_error(error, action)),
            Err(_) => Err(SecretError::Unavailable {
                detail: "the keyring library failed unexpectedly".to_owned(),
            }),
        }
    }
}

impl Default for KeyringStore {
    fn default() -> Self {
        KeyringStore::new()
    }
}

fn map_error(error: keyring::Error, action: &'static str) -> SecretError {
    match error {
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            SecretError::Unavailable {
                detail: error.to_string(),
            }
        }
        other => SecretError::Failed {
            action,
            detail: other.to_string(),
        },
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, profile_id: &str) -> Result<Option<String>, SecretError> {
        self.with_entry(profile_id, "read", |entry| match entry.get_password() {
            Ok(password) => Ok(Some(password)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(error),
        })
    }

    fn set(&self, profile_id: &str, password: &str) -> Result<(), SecretError> {
        self.with_entry(profile_id, "save", |entry| entry.set_password(password))
    }

    fn delete(&self, profile_id: &str) -> Result<(), SecretError> {
        self.with_entry(profile_id, "delete", |entry| {
            match entry.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(error) => Err(error),
            }
        })
    }
}

/// A store that keeps passwords in memory only (tests, or a session that
/// must not touch the keyring).
#[derive(Debug, Default)]
pub struct MemorySecretStore {
    passwords: Mutex<HashMap<String, String>>,
}

impl MemorySecretStore {
    /// An empty store.
    pub fn new() -> MemorySecretStore {
        MemorySecretStore::default()
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.passwords
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, profile_id: &str) -> Result<Option<String>, SecretError> {
        Ok(self.map().get(profile_id).cloned())
    }

    fn set(&self, profile_id: &str, password: &str) -> Result<(), SecretError> {
        self.map()
            .insert(profile_id.to_owned(), password.to_owned());
        Ok(())
    }

    fn delete(&self, profile_id: &str) -> Result<(), SecretError> {
        self.map().remove(profile_id);
        Ok(())
    }
}

/// A store for machines without a keyring: every request fails with
/// [`SecretError::Unavailable`].
#[derive(Clone, Copy, Debug, Default)]
pub struct NoKeyring;

impl NoKeyring {
    fn unavailable() -> SecretError {
        SecretError::Unavailable {
            detail: "mqscope was set up without a system keyring".to_owned(),
        }
    }
}

impl SecretStore for NoKeyring {
    fn get(&self, _profile_id: &str) -> Result<Option<String>, SecretError> {
        Err(NoKeyring::unavailable())
    }

    fn set(&self, _profile_id: &str, _password: &str) -> Result<(), SecretError> {
        Err(NoKeyring::unavailable())
    }

    fn delete(&self, _profile_id: &str) -> Result<(), SecretError> {
        Err(NoKeyring::unavailable())
    }
}

/// The store the application uses: the system keyring.
pub fn default_secret_store() -> Box<dyn SecretStore> {
    Box::new(KeyringStore::new())
}
