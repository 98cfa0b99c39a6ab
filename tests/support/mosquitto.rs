//! A mosquitto broker started for one test on 127.0.0.1 and a free port.

use std::io::Write;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{free_port, skip, temp_dir};

/// A running mosquitto; killed when dropped.
pub struct Mosquitto {
    child: Option<Child>,
    /// The port it listens on.
    pub port: u16,
    /// Its directory (configuration, persistence, log).
    pub dir: PathBuf,
    config_path: PathBuf,
}

/// Where mosquitto is installed, if it is.
pub fn mosquitto_path() -> Option<PathBuf> {
    [
        "/usr/sbin/mosquitto",
        "/usr/bin/mosquitto",
        "/usr/local/sbin/mosquitto",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// Whether mosquitto_pub / mosquitto_sub are installed.
pub fn clients_available() -> bool {
    Command::new("mosquitto_pub")
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Start an anonymous mosquitto for a test that also runs mosquitto_pub or
/// mosquitto_sub; `None` (after printing why) when either is missing and CI
/// does not require them.
pub fn start_with_clients(test: &str) -> Option<Mosquitto> {
    let broker = Mosquitto::start(test, "allow_anonymous true", "")?;
    if !clients_available() {
        skip(
            test,
            "mosquitto_pub and mosquitto_sub are not installed (apt-get install mosquitto-clients)",
        );
        return None;
    }
    Some(broker)
}

impl Mosquitto {
    /// Start mosquitto with `listener_options` (lines placed after the
    /// `listener` line) and `global_options`. Returns `None` (after printing
    /// why) when mosquitto is not installed and CI does not require it.
    pub fn start(test: &str, listener_options: &str, global_options: &str) -> Option<Mosquitto> {
        let Some(binary) = mosquitto_path() else {
            skip(
                test,
                "mosquitto is not installed (apt-get install mosquitto)",
            );
            return None;
        };
        let dir = temp_dir(test);
        let port = free_port();
        let config_path = dir.join("mosquitto.conf");
        let config = format!(
            "# Written by an mqscope test.\n\
             user root\n\
             persistence true\n\
             persistence_location {dir}/\n\
             autosave_interval 1\n\
             max_queued_messages 0\n\
             max_inflight_messages 0\n\
             log_dest file {dir}/mosquitto.log\n\
             {global_options}\n\
             listener {port} 127.0.0.1\n\
             {listener_options}\n",
            dir = dir.display()
        );
        std::fs::write(&config_path, config).expect("write mosquitto.conf");
        let mut broker = Mosquitto {
            child: None,
            port,
            dir,
            config_path,
        };
        broker.spawn(&binary);
        Some(broker)
    }

    fn spawn(&mut self, binary: &Path) {
        let child = Command::new(binary)
            .arg("-c")
            .arg(&self.config_path)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mosquitto");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                let log =
                    std::fs::read_to_string(self.dir.join("mosquitto.log")).unwrap_or_default();
                panic!("mosquitto exited ({status}) before listening:\n{log}");
            }
            assert!(
                Instant::now() < deadline,
                "mosquitto did not listen within 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stop it with SIGTERM (it saves its sessions) and wait.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
    }

    /// Start it again on the same port, with the sessions it saved.
    pub fn restart(&mut self) {
        self.stop();
        let binary = mosquitto_path().expect("mosquitto was there a moment ago");
        self.spawn(&binary);
    }

    /// Write a password file with one user and return its path.
    pub fn password_file(dir: &Path, user: &str, password: &str) -> PathBuf {
        let path = dir.join("passwords");
        let status = Command::new("mosquitto_passwd")
            .args(["-b", "-c"])
            .arg(&path)
            .args([user, password])
            .status()
            .expect("run mosquitto_passwd");
        assert!(status.success(), "mosquitto_passwd failed");
        path
    }

    /// A directory for files a test wants the broker to read.
    pub fn new_dir(test: &str) -> PathBuf {
        temp_dir(test)
    }

    /// The broker's log so far (for assertion messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("mosquitto.log")).unwrap_or_default()
    }

    /// Append to the broker's configuration (takes effect on restart).
    pub fn append_config(&self, text: &str) {
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&self.config_path)
            .expect("open config");
        writeln!(file, "{text}").expect("append config");
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
