//! Lab mode in the window, driven as a person drives it (egui_kittest): a
//! first run opens on the built-in broker and its demo, with no click.

#![cfg(feature = "builtin-broker")]

mod support;

use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use mqscope::app::{MqscopeApp, Settings};
use mqscope::profiles::{MemorySecretStore, ProfileStore};
use support::window::{has_label_containing as has, wait_until};

/// Each test's window runs its own built-in broker and counts its clients:
/// one at a time, so that no window's clients land on another's broker.
static ONE_LAB_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_lab_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    ONE_LAB_AT_A_TIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The window as it opens with nothing saved: on the built-in broker and its
/// demo (what `mqscope` does then), with an empty profile folder that lives
/// as long as the directory returned.
fn first_run_window() -> (tempfile::TempDir, Harness<'static, MqscopeApp>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    let harness = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |_cc| {
            let mut app = MqscopeApp::with_store(
                Ok((ProfileStore::new(&path, Vec::new()), None)),
                Box::new(MemorySecretStore::new()),
                Settings {
                    recordings_dir: Some(path.join("recordings")),
                    ..Settings::default()
                },
            );
            app.open_on_first_run();
            app
        });
    (dir, harness)
}

#[test]
fn a_first_run_shows_the_demo_lab_without_a_click() {
    let _lab = one_lab_at_a_time();
    let (_dir, mut harness) = first_run_window();
    // The tree fills with the demo's topics, its only top level opened.
    wait_until(&mut harness, "demo topics in the tree", |h| {
        has(h, "room-101") && has(h, "greenhouse")
    });
    assert!(
        has(&harness, "Connected · 127.0.0.1:"),
        "connected to the built-in broker"
    );
    assert!(
        has(&harness, "You are looking at mqscope's own broker"),
        "the banner"
    );

    // The "Built-in broker" view lists the clients: the demo and the window.
    harness
        .get_all_by_label("Built-in broker")
        .find(|n| n.accesskit_node().role() != Role::Label)
        .expect("the Built-in broker tab")
        .click();
    wait_until(&mut harness, "the client list", |h| {
        has(h, "mqscope-demo-sensors") && has(h, "Connected clients (2)")
    });
    assert!(
        has(&harness, "mqtt://127.0.0.1:"),
        "the address to connect to"
    );
    wait_until(&mut harness, "a message rate", |h| {
        !has(h, "Messages: 0 received")
    });

    // Turning the demo off empties the rates.
    harness.get_by_label("Demo sensors").click();
    wait_until(&mut harness, "the rates to fall to zero", |h| {
        has(h, "Messages: 0 received and 0 delivered per second") && has(h, "Connected clients (1)")
    });
}

/// The packet inspector opened after connecting, without "Record packets",
/// still shows how the connection began.
#[test]
fn the_inspector_opened_later_shows_the_opening_packets() {
    let _lab = one_lab_at_a_time();
    let (_dir, mut harness) = first_run_window();
    wait_until(&mut harness, "demo topics in the tree", |h| {
        has(h, "room-101")
    });
    assert!(!harness.state().tabs[0].packet_log, "recording is off");
    harness.get_by_label("Packets").click_accesskit();
    harness.run_steps(3);
    let kept = harness.state().tabs[0].model.packets.len();
    assert!(kept > 0, "opening packets kept");
    // Show only CONNECT packets, as a person looking for it would.
    harness
        .get_by_role_and_label(Role::ComboBox, "Show")
        .click_accesskit();
    harness.run_steps(2);
    harness.get_by_label("CONNECT").click_accesskit();
    harness.run_steps(3);
    assert!(has(&harness, "CONNECT "), "the CONNECT is in the list");
    assert!(
        has(&harness, "client mqscope-"),
        "with what it is about: the client it connects"
    );
    let kinds: Vec<u8> = harness.state().tabs[0]
        .model
        .packets
        .iter()
        .filter_map(|p| p.bytes.first().map(|b| b >> 4))
        .collect();
    assert!(kinds.contains(&2), "and the broker's CONNACK: {kinds:?}");
    assert!(kinds.contains(&8), "and the first SUBSCRIBE: {kinds:?}");
    assert!(has(
        &harness,
        "the first packets of each connection are always kept"
    ));
}

/// A new filter inside the default `#` is pointed out, and one click
/// replaces `#` with it.
#[test]
fn a_filter_inside_the_default_one_replaces_it_in_one_click() {
    let _lab = one_lab_at_a_time();
    let (_dir, mut harness) = first_run_window();
    wait_until(&mut harness, "the default subscription granted", |h| {
        has(h, "granted QoS 0")
    });
    let field = harness.get_by_role_and_label(Role::TextInput, "Topic filter");
    field.focus();
    harness.step();
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    harness.step();
    harness
        .get_by_role_and_label(Role::TextInput, "Topic filter")
        .type_text("lab/room-101/#");
    harness.run_steps(2);
    assert!(
        has(&harness, "is already covered by \"#\""),
        "the overlap is pointed out"
    );
    harness
        .get_by_label("Replace \"#\" with \"lab/room-101/#\"")
        .click_accesskit();
    wait_until(&mut harness, "the new filter granted", |h| {
        let filters: Vec<&str> = h.state().tabs[0]
            .model
            .subscriptions
            .iter()
            .map(|s| s.filter.as_str())
            .collect();
        filters == ["lab/room-101/#"] && has(h, "granted QoS 0")
    });
}

/// The tree answers the arrow keys: down to the first level, right into it,
/// right to open a level, right to its first topic, whose details show.
#[test]
fn the_tree_is_walked_with_the_arrow_keys() {
    let _lab = one_lab_at_a_time();
    let (_dir, mut harness) = first_run_window();
    wait_until(&mut harness, "the ESP32's topics", |h| has(h, "esp32-01"));
    for key in [
        egui::Key::ArrowDown,  // "lab", opened by itself
        egui::Key::ArrowRight, // its first child, "esp32-01"
        egui::Key::ArrowRight, // opened
    ] {
        harness.key_press(key);
        harness.run_steps(2);
    }
    // The opened level's rows are laid out (in steps, on a busy machine).
    wait_until(&mut harness, "esp32-01 opened", |h| has(h, "cbor"));
    harness.key_press(egui::Key::ArrowRight); // its first topic
    harness.run_steps(2);
    wait_until(&mut harness, "the first topic's details", |h| {
        has(h, "lab/esp32-01/cbor")
    });
    harness.key_press(egui::Key::ArrowDown);
    harness.run_steps(2);
    assert!(
        has(&harness, "lab/esp32-01/name"),
        "Down selects the next topic"
    );
    let selected_path = |h: &Harness<'_, MqscopeApp>| {
        let app = h.state();
        let tab = &app.tabs[app.active];
        tab.tree.selected.map(|n| tab.model.tree.path(n))
    };
    let selected =
        |h: &Harness<'_, MqscopeApp>, path: &str| selected_path(h).as_deref() == Some(path);
    // End: the last row (whatever has come by now).
    harness.key_press(egui::Key::End);
    harness.run_steps(2);
    let last_row = {
        let app = harness.state();
        let tab = &app.tabs[app.active];
        tab.tree.row_nodes().last().map(|&n| tab.model.tree.path(n))
    };
    assert_eq!(
        selected_path(&harness),
        last_row,
        "End goes to the last row"
    );
    harness.key_press(egui::Key::Home);
    harness.run_steps(2);
    assert!(
        selected(&harness, "lab"),
        "Home goes to the first row, not {:?}",
        selected_path(&harness)
    );
    // Typing a name's first letters goes to it.
    harness.event(egui::Event::Text("gre".into()));
    harness.run_steps(2);
    assert!(
        selected(&harness, "lab/greenhouse"),
        "typed gre, selected {:?}",
        selected_path(&harness)
    );
    // Ctrl+F, then Down: from the filter into the tree's first row.
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    harness.run_steps(2);
    harness.key_press(egui::Key::ArrowDown);
    harness.run_steps(2);
    assert!(
        selected(&harness, "lab"),
        "Down from the filter, selected {:?}",
        selected_path(&harness)
    );
    harness.key_press(egui::Key::ArrowDown);
    harness.run_steps(2);
    assert!(
        selected(&harness, "lab/esp32-01"),
        "the arrows work in the tree again, selected {:?}",
        selected_path(&harness)
    );
}

/// Sorted by "Busiest now", the demo's power meter (several messages a
/// second) comes first under lab.
#[test]
fn busiest_now_puts_the_flooding_topic_first() {
    let _lab = one_lab_at_a_time();
    let (_dir, mut harness) = first_run_window();
    wait_until(&mut harness, "the demo", |h| {
        has(h, "power") && has(h, "room-101")
    });
    harness.get_by_label("Sort").click();
    harness.run_steps(2);
    harness.get_by_label("Busiest now").click();
    harness.run_steps(2);
    let first_under_lab = |h: &Harness<'_, MqscopeApp>| {
        let app = h.state();
        let tab = &app.tabs[app.active];
        let lab = tab.model.tree.find_node("lab")?;
        let rows = tab.tree.row_nodes();
        let at = rows.iter().position(|&n| n == lab)?;
        rows.get(at + 1)
            .map(|&n| tab.model.tree.node(n).name.to_string())
    };
    wait_until(&mut harness, "power first, by its rate", |h| {
        first_under_lab(h).as_deref() == Some("power")
    });
}

/// The bottom panel folds down to its tabs and comes back with a tab.
#[test]
fn the_bottom_panel_folds_down_to_its_tabs() {
    let _lab = one_lab_at_a_time();
    let (_dir, mut harness) = first_run_window();
    wait_until(&mut harness, "the demo", |h| has(h, "room-101"));
    assert!(
        has(&harness, "granted QoS 0"),
        "the Subscriptions panel is open"
    );
    harness.get_by_label("Hide panel").click_accesskit();
    harness.run_steps(3);
    assert!(!has(&harness, "granted QoS 0"), "folded down to its tabs");
    assert!(has(&harness, "Show panel"));
    harness.get_by_label("Publish").click_accesskit();
    harness.run_steps(3);
    assert!(has(&harness, "Sent"), "a tab unfolds it, on that tab");
    assert!(has(&harness, "Hide panel"));
}

#[test]
fn the_window_records_the_lab_into_a_file_that_reads_back() {
    let _lab = one_lab_at_a_time();
    let (dir, mut harness) = first_run_window();
    wait_until(&mut harness, "connected", |h| {
        has(h, "Connected · 127.0.0.1:")
    });
    harness.get_by_label("Record").click();
    harness.run_steps(2);
    harness.get_by_label("Every packet").click();
    wait_until(&mut harness, "the recording running", |h| {
        has(h, "Recording: ")
    });
    // The demo's sensors send every second or so.
    for _ in 0..50 {
        harness.step();
        std::thread::sleep(Duration::from_millis(50));
    }
    harness.get_by_label("Stop recording").click();
    wait_until(&mut harness, "the recording finished", |h| {
        has(h, "Recorded: ")
    });
    let files: Vec<_> = std::fs::read_dir(dir.path().join("recordings"))
        .expect("the recordings folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("Built-in-broker") && name.ends_with(".mqrec"),
        "{name}"
    );
    let reader = mqscope::record::RecordingReader::open(std::io::BufReader::new(
        std::fs::File::open(&files[0]).unwrap(),
    ))
    .expect("a recording");
    assert_eq!(reader.header().protocol_version, 5);
    let messages: Vec<_> = mqscope::record::received_messages(reader).collect();
    assert!(!messages.is_empty());
    for message in &messages {
        let message = message.as_ref().expect("every frame reads");
        let topic = &message.publish.topic;
        assert!(
            topic.starts_with("lab/") || topic.starts_with("spBv1.0/lab/"),
            "the demo's sensors and its Sparkplug node: {message:?}"
        );
    }
}

/// "Clear…" forgets the tree and the history after a confirmation that
/// counts them; the subscription stays, so the demo fills the tree again.
#[test]
fn clear_forgets_the_tree_and_history_after_a_confirmation() {
    let _lab = one_lab_at_a_time();
    let (_dir, mut harness) = first_run_window();
    wait_until(&mut harness, "the demo", |h| {
        has(h, "room-101") && has(h, "greenhouse")
    });
    let kept = |h: &Harness<'_, MqscopeApp>| {
        let app = h.state();
        app.tabs[app.active].model.history.len()
    };
    harness.get_by_label("Clear…").click();
    harness.run_steps(4);
    assert!(has(&harness, "Clear what this connection received?"));
    assert!(has(&harness, "Topics: "), "the confirmation counts them");
    // Cancel changes nothing.
    harness.get_by_label("Cancel").click();
    harness.run_steps(4);
    assert!(!has(&harness, "Clear what this connection received?"));
    assert!(has(&harness, "room-101"));
    let before = kept(&harness);
    harness.get_by_label("Clear…").click();
    harness.run_steps(4);
    harness.get_by_label("Clear").click();
    harness.run_steps(2);
    assert!(
        kept(&harness) < before.min(5),
        "{} of {before} kept",
        kept(&harness)
    );
    assert!(has(&harness, "granted QoS 0"), "the subscription stays");
    wait_until(&mut harness, "the demo filling the tree again", |h| {
        has(h, "room-101")
    });
}

/// "Expect a response" sends a request to the demo's pump with a Response
/// Topic and a fresh Correlation Data; Requests pairs the pump's answer
/// with it and its round-trip time.
#[test]
fn a_request_to_the_pump_is_paired_with_its_answer() {
    let _lab = one_lab_at_a_time();
    let (_dir, mut harness) = first_run_window();
    wait_until(&mut harness, "the default subscription granted", |h| {
        has(h, "granted QoS 0")
    });
    harness
        .get_all_by_label("Publish")
        .find(|n| n.accesskit_node().role() != Role::Label)
        .expect("the Publish tab")
        .click();
    harness.run_steps(2);
    {
        let app = harness.state_mut();
        let tab = &mut app.tabs[app.active];
        tab.publish.topic = "lab/pump/command".into();
        tab.publish.payload = "status".into();
    }
    harness.run_steps(2);
    harness.get_by_label("Expect a response").click();
    harness.run_steps(2);
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Enter);
    harness.run_steps(2);
    {
        let app = harness.state();
        let form = &app.tabs[app.active].publish;
        assert_eq!(form.correlation.len(), 32, "a fresh Correlation Data");
        assert!(form.response_topic.starts_with("mqscope/reply/"));
    }
    harness.get_by_label("Requests").click();
    wait_until(&mut harness, "the pump's answer, paired", |h| {
        has(h, "answered in") && has(h, "Requests: 1, answered: 1")
    });
    assert!(has(&harness, r#"{"pump":"#), "the answer's payload");
}
