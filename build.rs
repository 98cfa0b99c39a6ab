//! Notes whether mosquitto and its clients are installed, so that the tests
//! written against mosquitto are reported as ignored, with the reason, by
//! `cargo test` on a machine without them (instead of passing silently).
//! `MQSCOPE_REQUIRE_BROKER=1` (CI) makes their absence an error. It also
//! rebuilds the crate when a translation catalogue in `locales/` changes.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(mosquitto_installed)");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=MQSCOPE_REQUIRE_BROKER");
    println!("cargo::rerun-if-changed=build.rs");
    // The catalogues are compiled in (rust-i18n reads them at build time).
    println!("cargo::rerun-if-changed=locales");
    let broker = [
        "/usr/sbin/mosquitto",
        "/usr/bin/mosquitto",
        "/usr/local/sbin/mosquitto",
    ]
    .iter()
    .any(|p| Path::new(p).exists());
    let clients = ["mosquitto_pub", "mosquitto_sub"]
        .iter()
        .all(|tool| on_path(tool));
    if broker && clients {
        println!("cargo::rustc-cfg=mosquitto_installed");
    } else if std::env::var("MQSCOPE_REQUIRE_BROKER").is_ok_and(|v| v == "1") {
        panic!(
            "MQSCOPE_REQUIRE_BROKER=1, but mosquitto or mosquitto_pub/mosquitto_sub is not installed \
             (apt-get install mosquitto mosquitto-clients)"
        );
    }
}

/// Whether `tool` is a file in one of the directories of `PATH`.
fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(tool).is_file()))
}
