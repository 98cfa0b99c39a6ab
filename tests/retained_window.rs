//! The Retained view as a person uses it, against mosquitto: the retained
//! topics listed, a subtree of five cleared after a confirmation that
//! counts them, and a fresh `mosquitto_sub` then receiving none under it.

mod support;

use std::process::Command;
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use mqscope::profiles::{Profile, SavedSubscription};
use support::mosquitto::start_with_clients;
use support::window::{connected_window, has_label_containing as has, wait_until};

fn pub_retained(port: u16, topic: &str) {
    let status = Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-t",
            topic,
            "-r",
            "-m",
            "old",
        ])
        .status()
        .expect("mosquitto_pub");
    assert!(status.success());
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn a_subtree_of_retained_messages_is_cleared_after_a_confirmation() {
    let test = "retained_view";
    let Some(broker) = start_with_clients(test) else {
        return;
    };
    for n in 1..=5 {
        pub_retained(broker.port, &format!("lab/old/{n}"));
    }
    pub_retained(broker.port, "lab/keep");
    let (_dir, mut harness) = connected_window(Profile {
        id: "class".into(),
        name: "Class broker".into(),
        host: "127.0.0.1".into(),
        port: broker.port,
        subscriptions: vec![SavedSubscription::new("#")],
        ..Profile::default()
    });

    harness.get_by_label("Retained").click();
    harness.run_steps(2);
    wait_until(&mut harness, "the six retained topics", |h| {
        has(h, "Retained topics: 6 of 6")
    });
    harness
        .get_by_role_and_label(Role::TextInput, "Under")
        .focus();
    harness.step();
    harness
        .get_by_role_and_label(Role::TextInput, "Under")
        .type_text("lab/old");
    harness.run_steps(2);
    assert!(
        has(&harness, "Retained topics: 5 of 6"),
        "lab/keep is not under lab/old"
    );
    harness.get_by_label("Clear all shown…").click();
    harness.run_steps(4);
    assert!(
        has(&harness, "Clear 5 retained messages?"),
        "the confirmation counts them"
    );
    assert!(has(&harness, "under lab/old"), "and says where");
    harness.get_by_label("Clear them").click();
    wait_until(&mut harness, "every clearing acknowledged", |h| {
        has(h, "Cleared 5 of 5.")
    });

    // A fresh subscriber gets no retained message under lab/old, and still lab/keep.
    let fresh = Command::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &broker.port.to_string(),
            "-t",
            "lab/#",
            "-v",
            "-W",
            "1",
        ])
        .output()
        .expect("mosquitto_sub");
    let seen = String::from_utf8_lossy(&fresh.stdout);
    assert_eq!(seen.lines().collect::<Vec<_>>(), ["lab/keep old"], "{seen}");
    std::thread::sleep(Duration::from_millis(10));
}
