//! The one place where typed values from the rest of mqscope become words a
//! person reads: notices, errors and reasons, each through the catalogue.

use rust_i18n::t;

use super::tr;
use crate::app::{AppNotice, PayloadFileError};
use crate::model::Notice;

/// An app notice in one or two plain sentences.
pub fn app_notice(notice: &AppNotice) -> String {
    match notice {
        AppNotice::StoreUnavailable(error) => t!(
            "Saved connections are not available: %{error}",
            error = error
        )
        .into_owned(),
        AppNotice::StoreLoaded(text) => tr(text),
        AppNotice::SavingUnavailable => {
            t!("Saved connections are not available on this computer.").into_owned()
        }
        AppNotice::ProfilesNotSaved(error) => {
            t!("The connection could not be saved: %{error}", error = error).into_owned()
        }
        AppNotice::PasswordSaved => t!("The password was saved in the system keyring.").into_owned(),
        AppNotice::PasswordNotSaved(error) => t!(
            "The password was not saved: %{error}. It is used for this connection only.",
            error = error
        )
        .into_owned(),
        AppNotice::PasswordNotRead(error) => t!(
            "The saved password could not be read: %{error}. Connecting without a password; type it in the connection settings.",
            error = error
        )
        .into_owned(),
        AppNotice::PasswordNotDeleted(error) => t!(
            "The deleted connection's password is still in the system keyring: %{error}",
            error = error
        )
        .into_owned(),
        AppNotice::LaunchUrl { url, error } => t!(
            "--connect %{url}: %{error}",
            url = url,
            error = error
        )
        .into_owned(),
        AppNotice::ProfileInvalid(error) => tr(&error.to_string()),
        AppNotice::NetworkThread(error) => {
            t!("The network thread could not start: %{error}", error = error).into_owned()
        }
        AppNotice::WorkerUnavailable => t!(
            "mqscope's background worker is not running, so nothing can be saved. Restart mqscope."
        )
        .into_owned(),
    }
}

/// A connection's notice.
pub fn model_notice(notice: &Notice) -> String {
    tr(&notice.text)
}

/// Why a payload file cannot be sent, with its path.
pub fn payload_file_error(path: &std::path::Path, error: &PayloadFileError) -> String {
    let path = path.display().to_string();
    match error {
        PayloadFileError::Read(error) => {
            t!("Cannot read %{path}: %{error}", path = path, error = error).into_owned()
        }
        PayloadFileError::TooLarge { size, limit } => t!(
            "%{path} holds %{size} bytes; an MQTT message holds at most %{limit}. Choose a smaller file.",
            path = path,
            size = size,
            limit = limit
        )
        .into_owned(),
    }
}
