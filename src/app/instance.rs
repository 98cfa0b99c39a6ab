//! One running window per user: a second `mqscope` (a clicked `mqtt://` link,
//! say) hands its URL to the running window, which opens it in a new tab, or
//! asks it to come forward, and exits. On Linux and macOS this is a Unix
//! socket in the user's runtime directory; elsewhere every start opens a
//! window of its own.

use std::path::PathBuf;

use crossbeam_channel::Receiver;

/// What a second start asks of the running window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstanceRequest {
    /// Open this broker URL in a new tab, subscribed to these filters.
    Open {
        /// The URL.
        url: String,
        /// `--subscribe` filters.
        subscribe: Vec<String>,
    },
    /// Come to the front.
    Raise,
}

impl InstanceRequest {
    /// The request as one line on the socket.
    fn to_line(&self) -> String {
        match self {
            InstanceRequest::Raise => "raise\n".to_owned(),
            InstanceRequest::Open { url, subscribe } => {
                let mut line = format!("open\t{url}");
                for filter in subscribe {
                    line.push('\t');
                    line.push_str(filter);
                }
                line.push('\n');
                line
            }
        }
    }

    /// A line read from the socket; `None` for anything else.
    fn from_line(line: &str) -> Option<InstanceRequest> {
        let mut fields = line.trim_end_matches(['\r', '\n']).split('\t');
        match fields.next()? {
            "raise" => Some(InstanceRequest::Raise),
            "open" => {
                let url = fields.next()?.to_owned();
                Some(InstanceRequest::Open {
                    url,
                    subscribe: fields.map(str::to_owned).collect(),
                })
            }
            _ => None,
        }
    }
}

/// Where the running window listens: `$MQSCOPE_INSTANCE_SOCKET`, else
/// `mqscope.sock` in `$XDG_RUNTIME_DIR` (or the temporary directory, with
/// the user's id in the name).
pub fn socket_path() -> PathBuf {
    if let Some(path) = std::env::var_os("MQSCOPE_INSTANCE_SOCKET") {
        return PathBuf::from(path);
    }
    match std::env::var_os("XDG_RUNTIME_DIR") {
        Some(dir) => PathBuf::from(dir).join("mqscope.sock"),
        None => {
            let user = std::env::var("USER").unwrap_or_else(|_| "user".to_owned());
            std::env::temp_dir().join(format!("mqscope-{user}.sock"))
        }
    }
}

/// The running window's end: requests arrive on [`InstanceListener::requests`].
pub struct InstanceListener {
    requests: Receiver<InstanceRequest>,
    #[cfg(unix)]
    path: PathBuf,
}

impl InstanceListener {
    /// What second starts have asked for.
    pub fn requests(&self) -> &Receiver<InstanceRequest> {
        &self.requests
    }
}

#[cfg(unix)]
mod unix {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::net::{UnixListener, UnixStream};
    use std::path::Path;
    use std::time::Duration;

    use super::{InstanceListener, InstanceRequest};
    use crate::net::Repaint;

    /// Hand `request` to a window running at `path`; false when none runs.
    pub fn hand_over(path: &Path, request: &InstanceRequest) -> bool {
        let Ok(mut stream) = UnixStream::connect(path) else {
            return false;
        };
        let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
        stream.write_all(request.to_line().as_bytes()).is_ok()
    }

    /// Listen at `path` (replacing a socket no window answers any more).
    pub fn listen(path: &Path, repaint: Option<Repaint>) -> std::io::Result<InstanceListener> {
        if path.exists() && UnixStream::connect(path).is_err() {
            std::fs::remove_file(path)?;
        }
        let listener = UnixListener::bind(path)?;
        // Only this user may hand the window URLs.
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
        let (tx, rx) = crossbeam_channel::bounded(64);
        std::thread::Builder::new()
            .name("mqscope-instance".to_owned())
            .spawn(move || {
                for stream in listener.incoming().flatten() {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                    let mut line = String::new();
                    let mut reader = BufReader::new(stream).take(64 * 1024);
                    if reader.read_line(&mut line).is_err() {
                        continue;
                    }
                    if let Some(request) = InstanceRequest::from_line(&line) {
                        if tx.try_send(request).is_err() {
                            continue;
                        }
                        if let Some(repaint) = &repaint {
                            repaint();
                        }
                    }
                }
            })?;
        Ok(InstanceListener {
            requests: rx,
            path: path.to_owned(),
        })
    }

    impl Drop for InstanceListener {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(unix)]
pub use unix::{hand_over, listen};

/// Without Unix sockets there is no running window to hand over to.
#[cfg(not(unix))]
pub fn hand_over(_path: &std::path::Path, _request: &InstanceRequest) -> bool {
    false
}

/// Without Unix sockets nothing listens; every start opens its own window.
#[cfg(not(unix))]
pub fn listen(
    _path: &std::path::Path,
    _repaint: Option<crate::net::Repaint>,
) -> std::io::Result<InstanceListener> {
    Err(std::io::Error::new(
        std::io::ErrorKind::Unsupported,
        "one window per user needs Unix sockets",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_survive_the_line_format() {
        for request in [
            InstanceRequest::Raise,
            InstanceRequest::Open {
                url: "mqtt://127.0.0.1:1883/lab/%23".to_owned(),
                subscribe: vec!["a/#".to_owned(), "b".to_owned()],
            },
        ] {
            assert_eq!(
                InstanceRequest::from_line(&request.to_line()),
                Some(request)
            );
        }
        assert_eq!(InstanceRequest::from_line("format c:"), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_second_start_reaches_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mqscope.sock");
        let request = InstanceRequest::Open {
            url: "mqtt://127.0.0.1:1/x".to_owned(),
            subscribe: Vec::new(),
        };
        assert!(!hand_over(&path, &request), "nothing runs yet");
        let listener = listen(&path, None).unwrap();
        assert!(hand_over(&path, &request));
        let got = listener
            .requests()
            .recv_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        assert_eq!(got, request);
        drop(listener);
        assert!(!path.exists(), "the socket goes with the window");
    }
}
