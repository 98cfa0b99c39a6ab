//! Recordings and files, in words.

use std::io::ErrorKind;

use rust_i18n::t;

use crate::record::{OpenError, Problem, RecordError};

/// What went wrong with a file, in plain words.
pub fn file_error(kind: ErrorKind) -> String {
    match kind {
        ErrorKind::StorageFull => t!("the disk is full").into_owned(),
        ErrorKind::PermissionDenied => t!("permission denied").into_owned(),
        ErrorKind::NotFound => t!("there is no such file or folder").into_owned(),
        ErrorKind::ReadOnlyFilesystem => t!("the disk is read-only").into_owned(),
        ErrorKind::FileTooLarge => t!("the file is larger than this disk allows").into_owned(),
        ErrorKind::UnexpectedEof => t!("the file ends too soon").into_owned(),
        other => other.to_string(),
    }
}

/// Why a recording stopped before it was asked to.
pub fn record_error(error: &RecordError) -> String {
    match error {
        RecordError::Create(kind) => t!(
            "The recording could not be started: %{why}.",
            why = file_error(*kind)
        )
        .into_owned(),
        RecordError::Write(kind) => t!(
            "The recording stopped: %{why}. What was written before stays readable; the connection stays up.",
            why = file_error(*kind)
        )
        .into_owned(),
    }
}

/// Why a file does not open as a recording.
pub fn recording_open_error(error: &OpenError) -> String {
    match error {
        OpenError::NotRecording => t!("This file is not an mqscope recording.").into_owned(),
        OpenError::NewerFormat(version) => t!(
            "This recording was written by a newer mqscope (format %{version}); update mqscope to open it.",
            version = version
        )
        .into_owned(),
        OpenError::DamagedHeader => t!(
            "The start of this recording is damaged, so nothing in it can be trusted."
        )
        .into_owned(),
        OpenError::Read(kind) => t!(
            "The recording cannot be read: %{why}.",
            why = file_error(*kind)
        )
        .into_owned(),
    }
}

/// Something in a recording that could not be read, and what was done.
pub fn recording_problem(problem: &Problem) -> String {
    match problem {
        Problem::Damaged { offset, skipped } => t!(
            "Damaged bytes at byte %{offset} were passed over (%{bytes} in all); what comes before and after them is kept.",
            bytes = skipped,
            offset = offset
        )
        .into_owned(),
        Problem::CutOff { offset } => t!(
            "The recording was cut off at byte %{offset} (mqscope or the computer stopped while it was written); everything before it is here.",
            offset = offset
        )
        .into_owned(),
        Problem::Gap { count, .. } => t!(
            "The recorder fell behind here; packets left out: %{count}.",
            count = count
        )
        .into_owned(),
        Problem::Undecodable { offset, error } => t!(
            "The packet recorded at byte %{offset} does not decode (%{error}); it was passed over.",
            offset = offset,
            error = error
        )
        .into_owned(),
        Problem::ReadFailed(kind) => t!(
            "Reading the recording stopped: %{why}.",
            why = file_error(*kind)
        )
        .into_owned(),
    }
}
