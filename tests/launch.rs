//! `mqscope URL`: the window opens connected and subscribed to the URL's
//! topic, and a second `mqscope URL` while it runs opens a tab in it.

#![cfg(all(feature = "builtin-broker", unix))]

mod support;

use std::process::Command as Process;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use mqscope::app::{Launch, MqscopeApp, Settings};
use mqscope::broker::{BrokerOptions, BuiltinBroker, PortChoice};
use mqscope::language::Language;
use mqscope::profiles::{MemorySecretStore, ProfileStore};
use support::window::wait_until;
use support::{free_port, mqscope_bin};

#[test]
fn a_link_opens_connected_and_a_second_link_opens_a_tab_in_the_same_window() {
    // Preferred, not Exact: another test may take a free port first.
    let broker = BuiltinBroker::start(&BrokerOptions {
        mqtt_port: PortChoice::Preferred(free_port()),
        ws_port: None,
        ..BrokerOptions::default()
    })
    .expect("the built-in broker");
    let port = broker.listening().mqtt.port();
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("mqscope.sock");
    let (store_dir, socket_for_app) = (dir.path().to_owned(), socket.clone());
    let url = format!("mqtt://127.0.0.1:{port}/lab/%23");
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            let settings = Settings {
                language: Some(Language::English),
                ..Settings::default()
            };
            let mut app = MqscopeApp::with_store(
                Ok((ProfileStore::new(&store_dir, Vec::new()), None)),
                Box::new(MemorySecretStore::new()),
                settings,
            );
            app.listen_for_second_starts(&socket_for_app);
            app.launch(Launch {
                connect: Some(url),
                ..Launch::default()
            });
            app
        });
    wait_until(&mut harness, "connected and subscribed to lab/#", |h| {
        h.query_all_by_label_contains("Connected · 127.0.0.1")
            .next()
            .is_some()
            && h.query_all_by_label("lab/#").next().is_some()
            && h.query_all_by_label_contains("granted QoS 0")
                .next()
                .is_some()
    });
    assert_eq!(harness.state().tabs.len(), 1);

    // A second start with another URL hands it over and exits at once.
    let started = Instant::now();
    let out = Process::new(mqscope_bin())
        .arg(format!("mqtt://127.0.0.1:{port}/other/topic"))
        .env("MQSCOPE_INSTANCE_SOCKET", &socket)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    wait_until(&mut harness, "a second tab, connected", |h| {
        h.state().tabs.len() == 2 && h.state().tabs[1].model.is_connected()
    });
    let second = &harness.state().tabs[1];
    assert_eq!(harness.state().active, 1, "the new tab is shown");
    assert!(
        second
            .model
            .subscriptions
            .iter()
            .any(|s| s.filter == "other/topic"),
        "subscribed to the second URL's topic"
    );
    drop(harness);
    assert!(!socket.exists(), "the window's socket goes with it");
    drop(broker);
}
