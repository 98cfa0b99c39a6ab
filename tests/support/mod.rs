//! Shared pieces of the integration tests: a real mosquitto on loopback,
//! generated certificates, and a client on mqscope's network thread.
#![allow(dead_code)]

#[cfg(feature = "builtin-broker")]
pub mod broker;
pub mod certs;
pub mod client;
pub mod decoders;
pub mod mosquitto;
pub mod window;

use std::net::TcpListener;

/// A free TCP port on 127.0.0.1.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// A fresh directory for one test, under the system's temporary directory.
pub fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "mqscope-test-{name}-{}-{}",
        std::process::id(),
        fastrand::u64(..)
    ));
    std::fs::create_dir_all(&dir).expect("create test directory");
    dir
}

/// Whether CI demands that broker tests run (`MQSCOPE_REQUIRE_BROKER=1`).
pub fn broker_required() -> bool {
    std::env::var("MQSCOPE_REQUIRE_BROKER").is_ok_and(|v| v == "1")
}

/// Skip a test for a missing tool with a printed reason, or fail when CI
/// requires the tool.
pub fn skip(test: &str, reason: &str) {
    assert!(
        !broker_required(),
        "{test}: {reason}, and MQSCOPE_REQUIRE_BROKER=1 forbids skipping"
    );
    eprintln!("SKIPPED {test}: {reason}");
}

/// The path of the `mqscope` binary built for the tests.
pub fn mqscope_bin() -> &'static str {
    env!("CARGO_BIN_EXE_mqscope")
}
