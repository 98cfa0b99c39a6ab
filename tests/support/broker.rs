//! `mqscope broker` run as a child process for a test.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command as Process, Stdio};

use super::mqscope_bin;

/// A running `mqscope broker` and the lines it printed on start.
pub struct BrokerProcess {
    pub child: Child,
    pub lines: Vec<String>,
}

impl BrokerProcess {
    /// Start it with `args`; returns once it printed `wanted` lines.
    pub fn start(args: &[&str], wanted: usize) -> BrokerProcess {
        let mut child = Process::new(mqscope_bin())
            .arg("broker")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run mqscope broker");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        while lines.len() < wanted {
            let mut line = String::new();
            if out.read_line(&mut line).unwrap() == 0 {
                break;
            }
            lines.push(line.trim_end().to_owned());
        }
        BrokerProcess { child, lines }
    }

    /// Ctrl-C, then its exit status.
    pub fn interrupt(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let sent = Process::new("kill").args(["-INT", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -INT");
        self.child.wait().expect("wait for mqscope broker")
    }
}

impl Drop for BrokerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `mqscope broker` on a free port with no WebSocket listener; its port.
pub fn start_plain() -> (BrokerProcess, u16) {
    let port = super::free_port();
    let broker = BrokerProcess::start(&["-p", &port.to_string(), "--no-ws"], 1);
    assert_eq!(
        broker.lines,
        [format!("listening on mqtt://127.0.0.1:{port}")],
        "the broker started"
    );
    (broker, port)
}
