//! `mqscope sub` and `mqscope pub` with extreme numbers: each is refused in
//! plain words at argument parsing, or accepted without a panic (issue 9).
//! No broker is needed: the port is one that nothing listens on.

mod support;

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::{free_port, mqscope_bin};

/// Exit status of a Rust panic.
const PANIC: i32 = 101;
/// Exit status of a usage error (1, as mosquitto's clients exit).
const USAGE: i32 = 1;
/// Exit status of a failed connection.
const FAILURE: i32 = 1;

/// Wait for `child`, killing it if it hangs (a guard, not a measurement).
fn wait(mut child: Child) -> Output {
    let give_up = Instant::now() + Duration::from_secs(60);
    while child.try_wait().ok().flatten().is_none() {
        if Instant::now() > give_up {
            let _ = child.kill();
            panic!("mqscope did not exit within a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("collect the output")
}

/// Run `mqscope <args>` against a port where no broker listens.
fn run(args: &[&str]) -> (i32, String) {
    let port = free_port().to_string();
    let child = Command::new(mqscope_bin())
        .args(args)
        .args(["-h", "127.0.0.1", "-p", &port])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mqscope");
    let output = wait(child);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code().unwrap_or(-1), stderr)
}

#[test]
fn sub_with_the_largest_timeout_fails_to_connect_instead_of_panicking() {
    let (code, stderr) = run(&["sub", "-t", "x", "-W", "18446744073709551615"]);
    assert_ne!(code, PANIC, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, FAILURE, "the connection is refused: {stderr}");
    assert!(stderr.contains("mqscope: "), "{stderr}");
}

#[test]
fn sub_with_the_largest_count_and_keep_alive_fails_to_connect_instead_of_panicking() {
    let (code, stderr) = run(&[
        "sub",
        "-t",
        "x",
        "-C",
        "18446744073709551615",
        "-k",
        "65535",
        "-x",
        "4294967295",
        "-W",
        "4294967295",
    ]);
    assert_eq!(code, FAILURE, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn out_of_range_numbers_are_refused_before_connecting() {
    for (args, words) in [
        (
            &["sub", "-t", "x", "-W", "0"][..],
            "the timeout (in seconds) is a whole number from 1 to 18446744073709551615",
        ),
        (
            &["sub", "-t", "x", "-W", "18446744073709551616"],
            "the timeout (in seconds) is a whole number from 1 to 18446744073709551615",
        ),
        (
            &["sub", "-t", "x", "-C", "0"],
            "the message count is a whole number from 1 to 18446744073709551615",
        ),
        (
            &["sub", "-t", "x", "-k", "65536"],
            "the keep alive (in seconds, 0 for off) is a whole number from 0 to 65535",
        ),
        (
            &["pub", "-t", "x", "-n", "-k", "18446744073709551615"],
            "the keep alive (in seconds, 0 for off) is a whole number from 0 to 65535",
        ),
        (
            &["pub", "-t", "x", "-n", "-x", "4294967296"],
            "is a whole number from 0 to 4294967295, or -1 for a session that never expires",
        ),
    ] {
        let (code, stderr) = run(args);
        assert_eq!(code, USAGE, "{args:?}: {stderr}");
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    }
}

#[test]
fn pub_with_extreme_property_numbers_is_refused_or_sent() {
    let (code, stderr) = run(&[
        "pub",
        "-t",
        "x",
        "-n",
        "-D",
        "publish",
        "message-expiry-interval",
        "4294967296",
    ]);
    assert_eq!(code, FAILURE, "{stderr}");
    assert!(stderr.contains("from 0 to 4294967295"), "{stderr}");
    let (code, stderr) = run(&[
        "pub",
        "-t",
        "x",
        "-n",
        "-D",
        "publish",
        "message-expiry-interval",
        "4294967295",
        "-D",
        "connect",
        "maximum-packet-size",
        "4294967295",
    ]);
    assert_eq!(code, FAILURE, "the connection is refused: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn tls_psk_is_named_as_unsupported_before_connecting() {
    for args in [
        &[
            "sub",
            "-t",
            "x",
            "--psk",
            "deadbeef",
            "--psk-identity",
            "lab",
        ][..],
        &["pub", "-t", "x", "-m", "hi", "--psk", "deadbeef"],
    ] {
        let (code, stderr) = run(args);
        assert_eq!(code, FAILURE, "{args:?}: {stderr}");
        assert!(
            stderr.contains("TLS-PSK") && stderr.contains("not supported"),
            "{args:?}: {stderr}"
        );
    }
}
